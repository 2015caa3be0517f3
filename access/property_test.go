package access_test

import (
	"fmt"
	"time"

	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// The random command sequences of the properties. A sequence is decoded
// from a slice of ints: the first picks the length (1..25), then six ints
// per command (kind, actor, and four arguments).
const (
	maxCommands = 25
	argsPerCmd  = 6
)

var (
	propActors = []cabinet.UserID{uMgr, uAdmin, uCol, uOther, uHolder, uNotary, uStrange, "", "u_pool_1", "u_pool_2", "u_pool_3"}
	// Emails for person grants and advisors. Index 0 has an account from
	// the start; 1..3 get one with the AccountCreated command (u_pool_i).
	// notaryEmail is deliberately absent so that uNotary holds only an
	// advisor grant.
	propEmails    = []string{holderEmail, "kid1@example.com", "kid2@example.com", "kid3@example.com", "not an email"}
	propPhones    = []string{phone, "+44 20 7946 0958", "12"}
	propLevels    = []access.Level{access.LevelReadOnly, access.LevelReadWrite, access.LevelInvalid}
	propManagers  = []cabinet.UserID{uMgr, uCol, uAdmin, "", uHolder}
	propDays      = []int{1, 3, 6, 7, 10, 23, 30, 45}
	propNames     = []string{"Kid", "", "Ann"}
	propAdvisorTs = []access.AdvisorType{access.AdvisorBanker, access.AdvisorLawyer, access.AdvisorTypeInvalid}
)

type propRun struct {
	w     *world
	snap  snapshot
	trace []string

	centralSeen map[access.PersonID]bool // invariant 2
	lastSent    map[access.GrantID]uint8 // reminders sent per grant
	stopped     map[access.GrantID]string
}

func pick[T any](xs []T, i int) T { return xs[i%len(xs)] }

// run applies one command; it returns the command's description and error.
func (p *propRun) run(args []int) (string, int, error) {
	w, snap := p.w, p.snap
	kind, actor := args[0]%13, pick(propActors, args[1])
	personID := func(i int) access.PersonID {
		if i%(len(snap.Persons)+1) == len(snap.Persons) {
			return "per_bogus"
		}
		return snap.Persons[i%(len(snap.Persons)+1)].ID
	}
	grantID := func(i int) access.GrantID {
		if i%(len(snap.Grants)+1) == len(snap.Grants) {
			return "grant_bogus"
		}
		return snap.Grants[i%(len(snap.Grants)+1)].ID
	}
	advisorID := func(i int) access.AdvisorID {
		if i%(len(snap.Advisors)+1) == len(snap.Advisors) {
			return "adv_bogus"
		}
		return snap.Advisors[i%(len(snap.Advisors)+1)].ID
	}
	d := w.dossier.ID
	var err error
	var desc string
	switch kind {
	case 0:
		in := access.GrantInput{Email: pick(propEmails, args[3]), Phone: pick(propPhones, args[4]), Level: pick(propLevels, args[5])}
		desc = fmt.Sprintf("GrantPerson(%s, %s, %+v)", actor, personID(args[2]), in)
		_, _, err = w.svc.GrantPerson(w.ctx, actor, personID(args[2]), in)
	case 1:
		desc = fmt.Sprintf("GrantAdvisor(%s, %s, %s)", actor, advisorID(args[2]), pick(propLevels, args[3]))
		_, _, err = w.svc.GrantAdvisor(w.ctx, actor, advisorID(args[2]), pick(propLevels, args[3]))
	case 2:
		desc = fmt.Sprintf("ChangeLevel(%s, %s, %s)", actor, grantID(args[2]), pick(propLevels, args[3]))
		_, _, err = w.svc.ChangeLevel(w.ctx, actor, grantID(args[2]), pick(propLevels, args[3]))
	case 3:
		desc = fmt.Sprintf("Revoke(%s, %s)", actor, grantID(args[2]))
		_, err = w.svc.Revoke(w.ctx, actor, grantID(args[2]))
	case 4:
		in := access.PersonInput{Name: pick(propNames, args[2]), Relation: access.Relation(args[3] % 7)}
		desc = fmt.Sprintf("AddPerson(%s, %+v)", actor, in)
		_, _, err = w.svc.AddPerson(w.ctx, actor, d, in)
	case 5:
		in := access.PersonInput{Name: pick(propNames, args[3]), Relation: access.Relation(args[4] % 7)}
		desc = fmt.Sprintf("EditPerson(%s, %s, %+v)", actor, personID(args[2]), in)
		_, _, err = w.svc.EditPerson(w.ctx, actor, personID(args[2]), in)
	case 6:
		desc = fmt.Sprintf("RemovePerson(%s, %s)", actor, personID(args[2]))
		_, err = w.svc.RemovePerson(w.ctx, actor, personID(args[2]))
	case 7:
		st := cabinet.DossierStatus(args[2] % 4)
		desc = fmt.Sprintf("SetStatus(%s, %s)", actor, st)
		_, _, err = w.svc.SetStatus(w.ctx, actor, d, st)
	case 8:
		m := pick(propManagers, args[2])
		desc = fmt.Sprintf("SetManager(%s, %q)", actor, m)
		_, _, err = w.svc.SetManager(w.ctx, actor, d, m)
	case 9:
		i := 1 + args[2]%3
		u := newUser(cabinet.UserID(fmt.Sprintf("u_pool_%d", i)), propEmails[i])
		desc = fmt.Sprintf("AccountCreated(%s)", u.ID)
		err = signUp(w.ctx, w.store, w.svc, w.log, u)
	case 10:
		days := pick(propDays, args[2])
		desc = fmt.Sprintf("Advance(%dd)", days)
		w.clock.Advance(time.Duration(days) * 24 * time.Hour)
	case 11:
		desc = "SendDueReminders"
		_, _, err = w.svc.SendDueReminders(w.ctx, "scheduler")
	default:
		if args[2]%2 == 0 {
			in := access.AdvisorInput{Name: "Adv", Email: pick(propEmails, args[3]), Phone: pick(propPhones, args[4]), Type: pick(propAdvisorTs, args[5])}
			desc = fmt.Sprintf("RegisterAdvisor(%s, %+v)", actor, in)
			_, _, err = w.svc.RegisterAdvisor(w.ctx, actor, d, in)
		} else {
			desc = fmt.Sprintf("RemoveAdvisor(%s, %s)", actor, advisorID(args[3]))
			_, err = w.svc.RemoveAdvisor(w.ctx, actor, advisorID(args[3]))
		}
	}
	if actor == uNotary && err == nil && kind != 9 && kind != 10 && kind != 11 {
		desc += " [by the notary]"
	}
	return desc, kind, err
}

// checkAfter checks the invariants after one command; it returns "" or
// what broke.
func (p *propRun) checkAfter(desc string, kind int, actor cabinet.UserID, err error, eventsBefore int) string {
	w := p.w
	after, serr := takeSnapshot(w.ctx, w.store)
	if serr != nil {
		return serr.Error()
	}
	events := w.log.Events()
	newEvents := events[eventsBefore:]
	// Invariant 8: a failed command changes nothing and publishes nothing.
	if err != nil {
		if diff := cmp.Diff(p.snap, after); diff != "" {
			return fmt.Sprintf("%s failed (%v) but changed the store:\n%s", desc, err, diff)
		}
		if len(newEvents) > 0 {
			return fmt.Sprintf("%s failed (%v) but published %d events", desc, err, len(newEvents))
		}
	}
	// Invariant 7: an external advisor never edits outside the three
	// sections nor uses tools (ACC-10) — neither by the rules nor through
	// the service: the notary only ever succeeds at family-tree edits.
	for _, g := range after.Grants {
		if g.Kind != access.GranteeAdvisor {
			continue
		}
		for _, s := range access.Sections() {
			allowed := access.GrantAllows(g, access.Edit(s)) == nil
			if allowed != (s.OpenTo(g.Kind) && g.Level == access.LevelReadWrite) {
				return fmt.Sprintf("advisor grant %s: edit %s allowed=%v", g.ID, s, allowed)
			}
		}
		for _, tool := range access.Tools() {
			if e := access.GrantAllows(g, access.UseTool(tool)); cabinet.RuleOf(e) != "ACC-10" {
				return fmt.Sprintf("advisor grant %s may use %s: %v", g.ID, tool, e)
			}
		}
	}
	if actor == uNotary && err == nil && kind <= 12 && kind != 4 && kind != 5 && kind != 6 && kind != 9 && kind != 10 && kind != 11 {
		return fmt.Sprintf("the notary succeeded at %s", desc)
	}
	// Invariant 2: a central person once granted can view in every later
	// state (ACC-6).
	for _, g := range after.Grants {
		if g.Kind == access.GranteePerson && g.Central {
			p.centralSeen[g.Person] = true
		}
	}
	for person := range p.centralSeen {
		var g access.Grant
		found := false
		for _, x := range after.Grants {
			if x.Person == person {
				g, found = x, true
			}
		}
		if !found || !g.Central || access.GrantAllows(g, access.View()) != nil {
			return fmt.Sprintf("after %s the central person %s lost their access (%+v)", desc, person, g)
		}
	}
	// Reminders: never twice, never after sign-up or revocation, never early.
	for _, e := range newEvents {
		switch e := e.(type) {
		case access.GrantCreated:
			if e.Grant.User != "" {
				p.stopped[e.Grant.ID] = "notified"
			}
		case access.GranteeLinked:
			p.stopped[e.Grant] = "signed up"
		case access.GrantRevoked:
			p.stopped[e.Grant.ID] = "revoked"
		case access.ReminderDue:
			if why, ok := p.stopped[e.Grant]; ok {
				return fmt.Sprintf("reminder %d for %s after it was %s", e.Number, e.Grant, why)
			}
			if e.Number <= p.lastSent[e.Grant] {
				return fmt.Sprintf("reminder %d for %s sent twice (last %d)", e.Number, e.Grant, p.lastSent[e.Grant])
			}
			if e.DueAt.After(w.clock.Now()) {
				return fmt.Sprintf("reminder %d for %s sent before %v", e.Number, e.Grant, e.DueAt)
			}
			p.lastSent[e.Grant] = e.Number
		}
	}
	if kind == 11 && err == nil {
		if due, derr := w.svc.DueReminders(w.ctx, "scheduler"); derr != nil || len(due) > 0 {
			return fmt.Sprintf("reminders still due right after sending: %v %v", due, derr)
		}
	}
	p.snap = after
	return ""
}

func commandsGen() gopter.Gen {
	return gen.SliceOfN(1+maxCommands*argsPerCmd, gen.IntRange(0, 1<<20))
}

// TestProperties checks SPEC §3 invariants 2, 7 and 8 and the reminder
// property (ACC-5) over random command sequences mixing valid and invalid
// commands.
func TestProperties(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	params.Rng.Seed(20260302)
	properties := gopter.NewProperties(params)
	properties.Property("invariants 2, 7, 8 (ACC-6, ACC-10) and reminders (ACC-5) hold after every command", prop.ForAll(
		func(ints []int) string {
			p := &propRun{w: newWorld(t), centralSeen: map[access.PersonID]bool{}, lastSent: map[access.GrantID]uint8{}, stopped: map[access.GrantID]string{}}
			p.stopped[p.w.holderGrant.ID] = "notified"
			p.stopped[p.w.notaryGrant.ID] = "notified"
			var err error
			if p.snap, err = takeSnapshot(p.w.ctx, p.w.store); err != nil {
				return err.Error()
			}
			n := 1 + ints[0]%maxCommands
			for i := range n {
				args := ints[1+i*argsPerCmd : 1+(i+1)*argsPerCmd]
				before := len(p.w.log.Events())
				desc, kind, err := p.run(args)
				p.trace = append(p.trace, fmt.Sprintf("%s → %v", desc, err))
				if msg := p.checkAfter(desc, kind, pick(propActors, args[1]), err, before); msg != "" {
					return fmt.Sprintf("%s\ntrace:\n%v", msg, p.trace)
				}
			}
			return ""
		}, commandsGen()))
	properties.TestingRun(t)
}
