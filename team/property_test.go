package team_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// op is one random command. Kind picks the command; A, B, C pick its
// arguments among the records that exist (plus one unknown ID each), so a
// sequence mixes valid and invalid commands. Fault, when below 4, arms
// memstore.FailNextWrite at the (Fault+1)-th write of the command's
// transaction, with an error or a cancelled context, so that commands also
// fail after their first write (SPEC §3 invariant 8 v2).
type op struct {
	Kind, A, B, C, Fault int
}

const opKinds = 17

// The cast. Each user plays one actor kind of SPEC §3 invariant 12; the
// dossiers they reach come from the fake facts (package clientgroup's and
// access's in a real deployment).
const (
	ann = iota // a collaborator of the office: reaches d0, d1, d2 and the archived d4 internally
	bob        // a collaborator who may be removed from the office (op 16): reaches d1
	cyd        // the granted holder of d0 (a central person)
	dee        // a read_write family member of d0: no internal route, not central
	eva        // a read_write external advisor (notary) of d1: no internal route, not central
	out        // an outsider with no link to anything
	con        // a contributor of a case: no route to any dossier
	nUsers
)

var (
	names    = []string{"Ann", "Bob", "Cyd", "Dee", "Eva", "Out", "Con", " "}
	emails   = []string{"ann@example.com", "BOB@example.com", "cyd@example.com", "dee@example.com", "eva@example.com", "out@example.com", "con@example.com", "new@example.com", "not-an-email"}
	dossiers = []cabinet.DossierID{"d0", "d1", "d2", "d3", "d4"} // d3 never exists; d4 is archived
)

var errBoom = errors.New("disk full")

// snapshot is the whole state of the team store, read through the Reader.
type snapshot struct {
	Users       []cabinet.User
	Teams       []team.Team
	Invitations []team.Invitation
	Referrals   []team.Referral
	Consents    []team.DossierConsent
}

func readAll[T any](list func(after cabinet.Cursor) ([]T, cabinet.Cursor, error)) []T {
	var out []T
	var after cabinet.Cursor
	for {
		// Small pages exercise the cursors too.
		page, next, err := list(after)
		if err != nil {
			panic(err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		after = next
	}
}

func takeSnapshot(ctx context.Context, s team.Store) snapshot {
	var snap snapshot
	err := s.ViewTeams(ctx, func(r team.Reader) error {
		snap.Users = readAll(func(a cabinet.Cursor) ([]cabinet.User, cabinet.Cursor, error) {
			return r.ListUsers(ctx, cabinet.Page{After: a, Limit: 3})
		})
		snap.Teams = readAll(func(a cabinet.Cursor) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		snap.Invitations = readAll(func(a cabinet.Cursor) ([]team.Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, team.InvitationFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		snap.Referrals = readAll(func(a cabinet.Cursor) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		snap.Consents = readAll(func(a cabinet.Cursor) ([]team.DossierConsent, cabinet.Cursor, error) {
			return r.ListDossierConsents(ctx, team.ConsentFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		return nil
	})
	if err != nil {
		panic(err)
	}
	return snap
}

// world runs random commands against a fresh service.
type world struct {
	ctx   context.Context
	store *memstore.Store
	facts *facts
	svc   *team.Service
	clock *cabinet.ManualClock
	log   *cabinet.EventLog
	users []cabinet.UserID            // the cast, by index
	refs  map[cabinet.ReferralID]bool // every referral ever created
}

// newWorld builds the cast. rerun chooses memstore.RunTwice: with it, an
// armed fault fires in the rehearsal run (always rolled back); without it,
// in the run that would commit, so that only the store's error-path
// rollback stands between a failure and a partial write.
func newWorld(rerun bool) *world {
	log := &cabinet.EventLog{}
	opts := []memstore.Option{memstore.Deliver(log)}
	if rerun {
		opts = append(opts, memstore.RunTwice())
	}
	w := &world{ctx: context.Background(), store: memstore.New(opts...), clock: cabinet.NewManualClock(start), log: log, refs: map[cabinet.ReferralID]bool{}}
	w.facts = newFacts(w.store)
	w.svc = team.NewService(w.store, w.facts, w.facts, cabinet.WithClock(w.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	for i := range nUsers {
		u, _, err := w.svc.CreateUser(w.ctx, signup, names[i], emails[i])
		must(err)
		w.users = append(w.users, u.ID)
	}
	for _, d := range []cabinet.DossierID{"d0", "d1", "d2"} {
		w.facts.setInternal(w.users[ann], d, true)
	}
	w.facts.dossier("d4", cabinet.DossierArchived)
	w.facts.setInternal(w.users[ann], "d4", true)
	w.facts.setInternal(w.users[bob], "d1", true)
	w.facts.setCentral(w.users[cyd], "d0", true)
	// Ann leads a team where Bob is an admin (who may try to take lead
	// status, TEAM-2 v2) and has referred d1.
	tm, _, err := w.svc.CreateTeam(w.ctx, w.users[ann], "Start", "")
	must(err)
	inv, _, err := w.svc.Invite(w.ctx, w.users[ann], tm.ID, emails[bob], team.RoleAdmin)
	must(err)
	_, _, err = w.svc.AcceptInvitation(w.ctx, w.users[bob], inv.ID)
	must(err)
	r, _, err := w.svc.Refer(w.ctx, w.users[bob], team.ReferInput{Team: tm.ID, ClientName: "Client", ClientEmail: emails[dee], Dossier: "d1"})
	must(err)
	w.refs[r.ID] = true
	// Two pending invitations: Cyd has an account, new@ has none yet.
	for _, e := range []string{emails[cyd], emails[7]} {
		_, _, err := w.svc.Invite(w.ctx, w.users[ann], tm.ID, e, team.RoleAdmin)
		must(err)
	}
	return w
}

func pick[T any](xs []T, i int, unknown T) T {
	i %= len(xs) + 1
	if i == len(xs) {
		return unknown
	}
	return xs[i]
}

// apply runs op and returns its error.
func (w *world) apply(o op, s snapshot) error {
	ctx, svc := w.ctx, w.svc
	var users []cabinet.UserID
	for _, u := range s.Users {
		users = append(users, u.ID)
	}
	var teams []cabinet.TeamID
	for _, t := range s.Teams {
		teams = append(teams, t.ID)
	}
	var invs []team.InvitationID
	for _, i := range s.Invitations {
		invs = append(invs, i.ID)
	}
	var refs []cabinet.ReferralID
	for _, r := range s.Referrals {
		refs = append(refs, r.ID)
	}
	user := func(i int) cabinet.UserID { return pick(users, i, "user_404") }
	tm := func(i int) cabinet.TeamID { return pick(teams, i, "team_404") }
	inv := func(i int) team.InvitationID {
		var pending []team.InvitationID
		for _, x := range s.Invitations {
			if x.Status == team.StatusPending {
				pending = append(pending, x.ID)
			}
		}
		if i%4 == 3 || len(pending) == 0 {
			return pick(invs, i, "inv_404")
		}
		return pending[i%len(pending)]
	}
	ref := func(i int) cabinet.ReferralID { return pick(refs, i, "ref_404") }
	// Biased pickers, so that many commands are valid: three times out of
	// four they choose among the records that make sense for the command.
	teamOf := func(u cabinet.UserID, i int) cabinet.TeamID {
		var mine []cabinet.TeamID
		for _, t := range s.Teams {
			if !t.Personal && (t.IsMember(u) || (t.Pending && t.Lead == u)) {
				mine = append(mine, t.ID)
			}
		}
		if i%4 == 3 || len(mine) == 0 {
			return tm(i)
		}
		return mine[i%len(mine)]
	}
	memberOf := func(id cabinet.TeamID, i int) cabinet.UserID {
		for _, t := range s.Teams {
			if t.ID == id && i%4 != 3 && len(t.Members) > 0 {
				return t.Members[i%len(t.Members)].User
			}
		}
		return user(i)
	}
	byEmail := func(email string, i int) cabinet.UserID {
		for _, u := range s.Users {
			if i%4 != 3 && cabinet.EqualEmails(u.Email, email) {
				return u.ID
			}
		}
		return user(i)
	}
	referral := func(id cabinet.ReferralID) team.Referral {
		for _, r := range s.Referrals {
			if r.ID == id {
				return r
			}
		}
		return team.Referral{}
	}
	personal := func(u cabinet.UserID) cabinet.TeamID {
		for _, t := range s.Teams {
			if t.Personal && t.Owner == u {
				return t.ID
			}
		}
		return "team_404"
	}
	teamByID := func(id cabinet.TeamID) team.Team {
		for _, t := range s.Teams {
			if t.ID == id {
				return t
			}
		}
		return team.Team{}
	}
	adminOf := func(t team.Team, i int) cabinet.UserID {
		as := t.Admins()
		if len(as) == 0 {
			return ""
		}
		return as[i%len(as)]
	}
	role := team.Role((o.B+o.C)%2 + 1)
	if (o.A+o.C)%7 == 6 {
		role = team.RoleInvalid
	}
	dossier := pick(dossiers, o.C, "d404")
	actor := user(o.A)
	var err error
	switch o.Kind {
	case 0:
		host := signup
		if o.C%5 == 4 {
			host = ""
		}
		err = err3(svc.CreateUser(ctx, host, names[o.A%len(names)], emails[o.B%len(emails)]))
	case 1: // a team for oneself, or on someone else's behalf (pending)
		lead := user(o.B)
		if o.B%3 == 0 {
			lead = ""
		}
		err = err3(svc.CreateTeam(ctx, actor, names[o.C%len(names)]+" team", lead))
	case 2: // the lead's answer, or someone else trying it
		id := teamOf(actor, o.B)
		var pending []team.Team
		for _, t := range s.Teams {
			if t.Pending {
				pending = append(pending, t)
			}
		}
		if len(pending) > 0 && o.B%4 != 3 {
			t := pending[o.B%len(pending)]
			id = t.ID
			switch o.A % 4 {
			case 0, 1:
				actor = t.Lead
			case 2:
				actor = t.CreatedBy // the creator trying to accept for the lead
			}
		}
		if o.C%2 == 0 {
			err = err3(svc.AcceptTeam(ctx, actor, id))
		} else {
			err = err2(svc.DeclineTeam(ctx, actor, id))
		}
	case 3:
		err = err3(svc.Invite(ctx, actor, teamOf(actor, o.B), emails[o.C%len(emails)], role))
	case 4:
		id := inv(o.B)
		var email string
		for _, i := range s.Invitations {
			if i.ID == id {
				email = i.Email
			}
		}
		err = err3(svc.AcceptInvitation(ctx, byEmail(email, o.A), id))
	case 5:
		id := inv(o.B)
		for _, i := range s.Invitations {
			if i.ID == id && o.A%4 != 3 {
				actor = i.InvitedBy
			}
		}
		if o.C%2 == 0 {
			err = err2(svc.RevokeInvitation(ctx, actor, id))
		} else {
			err = err3(svc.ResendInvitation(ctx, actor, id))
		}
	case 6:
		t := teamOf(actor, o.B)
		err = err2(svc.RemoveMember(ctx, actor, t, memberOf(t, o.C)))
	case 7:
		err = err2(svc.Leave(ctx, actor, teamOf(actor, o.B)))
	case 8:
		t := teamOf(actor, o.B)
		if a := adminOf(teamByID(t), o.A); a != "" && o.A%4 != 3 {
			actor = a
		}
		err = err3(svc.ChangeRole(ctx, actor, t, memberOf(t, o.C), role))
	case 9: // the lead hands it over, or an admin tries to take it
		t := teamOf(actor, o.B)
		tt := teamByID(t)
		switch o.A % 4 {
		case 0, 1:
			if tt.Lead != "" {
				actor = tt.Lead
			}
		case 2:
			if a := adminOf(tt, o.A); a != "" {
				actor = a // any admin, the lead or not: TEAM-2 v2
			}
		}
		to := memberOf(t, o.C)
		for _, a := range tt.Admins() {
			if a != tt.Lead && o.C%2 == 0 {
				to = a // another admin: the one transfer TEAM-2 allows
			}
		}
		err = err3(svc.TransferLead(ctx, actor, t, to))
	case 10, 11: // any actor, any dossier: the TEAM-8 attacks
		if o.A%2 == 0 {
			actor = w.users[[]int{ann, bob, cyd}[o.C%3]] // those who may share something
		}
		t := teamOf(actor, o.B)
		if o.B%3 == 0 {
			t = ""
		}
		var r team.Referral
		r, _, err = svc.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Client", ClientEmail: emails[o.B%len(emails)], Dossier: dossier})
		if err == nil {
			w.refs[r.ID] = true
		}
	case 12:
		r := referral(ref(o.B))
		if o.A%4 != 3 && r.Referrer != "" {
			actor = r.Referrer
		}
		to := personal(actor)
		if o.C%2 == 1 {
			to = teamOf(actor, o.C)
		}
		err = err3(svc.MoveReferral(ctx, actor, ref(o.B), to))
	case 13: // the holder, or the referrer, a family member, anyone
		if o.A%3 != 2 {
			actor = w.users[cyd]
		}
		switch o.B % 3 {
		case 0, 1:
			dossier = "d0" // the holder's own
		default:
			if r := referral(ref(o.B)); r.Dossier != "" {
				dossier = r.Dossier
				if o.A%2 == 0 {
					actor = r.Referrer // the referrer trying it (TEAM-9)
				}
			}
		}
		if o.C%2 == 0 {
			err = err3(svc.RevokeConsent(ctx, actor, dossier))
		} else {
			err = err3(svc.RestoreConsent(ctx, actor, dossier))
		}
	case 14:
		err = err2(svc.DeleteTeam(ctx, actor, teamOf(actor, o.B), team.Reassignment(o.C%3)))
	case 15:
		switch o.C % 3 {
		case 0:
			w.clock.Advance(8 * 24 * time.Hour)
			return nil
		case 1:
			err = err3(svc.RenameTeam(ctx, actor, teamOf(actor, o.B), names[o.C%len(names)]))
		default:
			err = err3(svc.SetDisplayName(ctx, actor, names[o.B%len(names)]))
		}
	case 16: // the world changes outside team: a collaborator leaves or returns, a dossier is archived or reactivated
		switch o.C % 4 {
		case 0:
			w.facts.setInternal(w.users[bob], "d1", false)
		case 1:
			w.facts.setInternal(w.users[bob], "d1", true)
		case 2:
			w.facts.dossier(dossiers[o.B%3], cabinet.DossierArchived)
		default:
			w.facts.dossier(dossiers[o.B%3], cabinet.DossierActivated)
		}
		return nil
	}
	return err
}

// teamRoutes returns every (user, dossier) pair open through the team route
// in s, by CanReachDossier with the fakes' central facts.
func (w *world) teamRoutes(s snapshot) map[pair]bool {
	teams := map[cabinet.TeamID]team.Team{}
	for _, t := range s.Teams {
		teams[t.ID] = t
	}
	out := map[pair]bool{}
	for _, r := range s.Referrals {
		t := teams[r.Team]
		for _, m := range t.Members {
			if team.CanReachDossier(t, r, m.User, team.RouteFacts{Central: w.facts.isCentral(m.User, r.Dossier), ReferrerEntitled: w.facts.entitled(r.Referrer, r.Dossier)}) == nil {
				out[pair{m.User, r.Dossier}] = true
			}
		}
	}
	return out
}

// step is one command of a sequence, as an invariant sees it.
type step struct {
	o             op
	before, after snapshot
	err           error
	events        []cabinet.Event // published by the command
	revBefore     cabinet.Revision
	revAfter      cabinet.Revision
}

// invariant checks one property after a command; it returns a description
// of the violation or "".
type invariant func(w *world, s step) string

func runProperty(t *testing.T, check invariant) {
	t.Helper()
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	if testing.Short() {
		params.MinSuccessfulTests = 100
	}
	opGen := gen.Struct(reflect.TypeOf(op{}), map[string]gopter.Gen{
		"Kind":  gen.IntRange(0, opKinds-1),
		"A":     gen.IntRange(0, 12),
		"B":     gen.IntRange(0, 12),
		"C":     gen.IntRange(0, 12),
		"Fault": gen.IntRange(0, 11),
	})
	// Sequences of 8 to 32 commands (a mean of 20), never empty.
	seqGen := gen.IntRange(8, 32).FlatMap(func(n any) gopter.Gen {
		return gen.SliceOfN(n.(int), opGen)
	}, reflect.TypeOf([]op{}))
	props := gopter.NewProperties(params)
	props.Property("holds after every command", prop.ForAll(func(ops []op, rerun bool) string {
		w := newWorld(rerun)
		for i, o := range ops {
			st := step{o: o, before: takeSnapshot(w.ctx, w.store), revBefore: w.store.Revision()}
			nb := len(w.log.Events())
			if o.Fault < 4 {
				var ferr error = errBoom
				if o.C%2 == 1 {
					ferr = context.Canceled
				}
				w.store.FailNextWrite(o.Fault+1, ferr)
			}
			st.err = w.apply(o, st.before)
			w.store.DisarmFault()
			st.after, st.revAfter = takeSnapshot(w.ctx, w.store), w.store.Revision()
			st.events = w.log.Events()[nb:]
			if msg := check(w, st); msg != "" {
				return fmt.Sprintf("after command %d %+v (err %v): %s", i, o, st.err, msg)
			}
		}
		return ""
	}, seqGen, gen.Bool()))
	props.TestingRun(t)
}

// batchActor returns the actor of the last batch published: the command's
// own when it published events ("" for host-driven work).
func batchActor(w *world) cabinet.UserID {
	bs := w.log.Batches()
	if len(bs) == 0 {
		return ""
	}
	return bs[len(bs)-1].Actor
}

// Invariant 3 (TEAM-2): every team's lead advisor is one of its admins, and
// every team has an admin — every accepted team: a pending team has no
// member at all (TEAM-1 v2) until its lead accepts.
func TestPropertyLeadIsAdmin_TEAM2(t *testing.T) {
	runProperty(t, func(w *world, s step) string {
		for _, tm := range s.after.Teams {
			if tm.Pending {
				if len(tm.Members) != 0 || tm.Personal {
					return fmt.Sprintf("pending team %s has members %v (personal %v)", tm.ID, tm.Members, tm.Personal)
				}
				continue
			}
			if !tm.IsAdmin(tm.Lead) {
				return fmt.Sprintf("team %s: lead %s is not an admin", tm.ID, tm.Lead)
			}
			if len(tm.Admins()) == 0 {
				return fmt.Sprintf("team %s has no admin", tm.ID)
			}
		}
		// TEAM-2 v2: lead status changes only by the lead's own hand.
		for _, e := range s.events {
			if lt, ok := e.(team.LeadTransferred); ok {
				if actor := batchActor(w); actor != lt.From {
					return fmt.Sprintf("%s took lead status of %s from %s", actor, lt.Team, lt.From)
				}
				var before team.Team
				for _, tm := range s.before.Teams {
					if tm.ID == lt.Team {
						before = tm
					}
				}
				if before.Lead != lt.From {
					return fmt.Sprintf("lead of %s moved from %s, but %s was its lead", lt.Team, lt.From, before.Lead)
				}
			}
		}
		return ""
	})
}

// Invariant 4 (TEAM-7, TEAM-10, TEAM-11): no referral is lost or
// duplicated; each lives in exactly one existing team, never a pending one.
func TestPropertyReferralsNeverLost_TEAM7_TEAM10_TEAM11(t *testing.T) {
	runProperty(t, func(w *world, s step) string {
		teams := map[cabinet.TeamID]team.Team{}
		for _, tm := range s.after.Teams {
			teams[tm.ID] = tm
		}
		seen := map[cabinet.ReferralID]int{}
		for _, r := range s.after.Referrals {
			seen[r.ID]++
			tm, ok := teams[r.Team]
			if !ok {
				return fmt.Sprintf("referral %s is in team %s, which does not exist", r.ID, r.Team)
			}
			if tm.Pending {
				return fmt.Sprintf("referral %s is in pending team %s (TEAM-1)", r.ID, r.Team)
			}
		}
		if len(seen) != len(w.refs) {
			return fmt.Sprintf("%d referrals stored, %d created", len(seen), len(w.refs))
		}
		for id := range w.refs {
			if seen[id] != 1 {
				return fmt.Sprintf("referral %s stored %d times", id, seen[id])
			}
		}
		// Listing team by team finds each referral once.
		count := map[cabinet.ReferralID]int{}
		_ = w.store.ViewTeams(w.ctx, func(r team.Reader) error {
			for id := range teams {
				rs, _, _ := r.ListReferrals(w.ctx, team.ReferralFilter{Team: id}, cabinet.Page{})
				for _, x := range rs {
					count[x.ID]++
				}
			}
			return nil
		})
		for id := range w.refs {
			if count[id] != 1 {
				return fmt.Sprintf("referral %s is listed in %d teams", id, count[id])
			}
		}
		return ""
	})
}

// Invariant 5 (TEAM-6): a personal team has one member, its owner, and each
// user has exactly one personal team.
func TestPropertyPersonalTeamHasOnlyItsOwner_TEAM6(t *testing.T) {
	runProperty(t, func(_ *world, s step) string {
		owners := map[cabinet.UserID]int{}
		for _, tm := range s.after.Teams {
			if !tm.Personal {
				continue
			}
			owners[tm.Owner]++
			want := []cabinet.UserID{tm.Owner}
			var got []cabinet.UserID
			for _, m := range tm.Members {
				got = append(got, m.User)
			}
			if !slices.Equal(want, got) || tm.Lead != tm.Owner || tm.Name != "" {
				return fmt.Sprintf("personal team %s of %s has members %v, lead %s, stored name %q", tm.ID, tm.Owner, got, tm.Lead, tm.Name)
			}
		}
		for _, u := range s.after.Users {
			if owners[u.ID] != 1 {
				return fmt.Sprintf("user %s has %d personal teams", u.ID, owners[u.ID])
			}
		}
		return ""
	})
}

// Invariant 8 v2: a failed command changes nothing and publishes nothing —
// also when it fails after its first write, or its context is cancelled
// part-way (the armed faults), and whether or not the store rehearses each
// transaction (RunTwice).
func TestPropertyFailedCommandChangesNothing(t *testing.T) {
	runProperty(t, func(_ *world, s step) string {
		if s.err == nil {
			return ""
		}
		if d := cmp.Diff(s.before, s.after); d != "" {
			return "state changed (-before +after):\n" + d
		}
		if len(s.events) != 0 {
			return fmt.Sprintf("%d events published", len(s.events))
		}
		if s.revAfter != s.revBefore {
			return fmt.Sprintf("revision moved from %d to %d", s.revBefore, s.revAfter)
		}
		return ""
	})
}

// Invariant 9 (TEAM-9 v2): while a dossier's consent is revoked, no member
// of any team reaches it through the team route, and every referral of it
// reads revoked; consent is changed only by a granted central person.
func TestPropertyRevokedConsentClosesTeamRoute_TEAM9(t *testing.T) {
	runProperty(t, func(w *world, s step) string {
		revoked := map[cabinet.DossierID]bool{}
		for _, c := range s.after.Consents {
			revoked[c.Dossier] = c.State == team.ConsentRevoked
		}
		for _, r := range s.after.Referrals {
			if (r.Consent == team.ConsentRevoked) != revoked[r.Dossier] {
				return fmt.Sprintf("referral %s reads consent %s, dossier %s revoked=%v", r.ID, r.Consent, r.Dossier, revoked[r.Dossier])
			}
		}
		for p := range w.teamRoutes(s.after) {
			if revoked[p.d] {
				return fmt.Sprintf("%s reaches %s through the team route with consent revoked", p.u, p.d)
			}
		}
		for d, rv := range revoked {
			if !rv {
				continue
			}
			for _, u := range s.after.Users {
				ok, err := w.svc.ReachesDossier(w.ctx, u.ID, d)
				if err != nil || ok {
					return fmt.Sprintf("ReachesDossier(%s, %s) = %v, %v with consent revoked", u.ID, d, ok, err)
				}
			}
		}
		for _, e := range s.events {
			var d cabinet.DossierID
			var by cabinet.UserID
			switch c := e.(type) {
			case team.ConsentWithdrawn:
				d, by = c.Dossier, c.By
			case team.ConsentRestored:
				d, by = c.Dossier, c.By
			default:
				continue
			}
			if !w.facts.isCentral(by, d) {
				return fmt.Sprintf("%s, not a granted central person, changed the consent of %s", by, d)
			}
		}
		return ""
	})
}

// Invariant 12 (no escalation), the team route's part (TEAM-1, TEAM-8 v2):
// a (user, dossier) pair opens through the team route only by a command
// whose actor the rules entitle — a referral made or moved by a referrer
// who reaches the dossier internally or is its central person, the user's
// own acceptance of an invitation or a team, a TEAM-10 reassignment to the
// referrer or the deleting admin, or consent given back by a central
// person — and never for a central person of the dossier. The actors
// include outsiders, a collaborator removed from the office, a family
// member, an external advisor and a contributor.
func TestPropertyNoEscalationThroughTeams_TEAM8(t *testing.T) {
	runProperty(t, func(w *world, s step) string {
		before, after := w.teamRoutes(s.before), w.teamRoutes(s.after)
		for p := range after {
			if w.facts.isCentral(p.u, p.d) {
				return fmt.Sprintf("central person %s reaches their own dossier %s through the team route", p.u, p.d)
			}
		}
		actor := batchActor(w)
		teams := map[cabinet.TeamID]team.Team{}
		for _, tm := range s.after.Teams {
			teams[tm.ID] = tm
		}
		for p := range after {
			if before[p] {
				continue
			}
			if len(s.events) == 0 {
				return fmt.Sprintf("%s gained a team route to %s with no command", p.u, p.d)
			}
			if justified(w, s, actor, teams, p) {
				continue
			}
			return fmt.Sprintf("%s gained a team route to %s through a command of %s: %v", p.u, p.d, actor, eventNames(s.events))
		}
		// Every referral made or moved by its referrer's own command was
		// made by an entitled referrer (TEAM-8 v2), into a team that is not
		// pending (TEAM-1).
		for _, e := range s.events {
			switch ev := e.(type) {
			case team.ReferralCreated:
				if !w.facts.entitled(ev.Referrer, ev.Dossier) || ev.Referrer != actor || teams[ev.Team].Pending {
					return fmt.Sprintf("referral of %s by %s (actor %s) into %s", ev.Dossier, ev.Referrer, actor, ev.Team)
				}
			case team.ReferralMoved:
				if ev.Reason != team.MoveTeamDeleted && (!w.facts.entitled(ev.Referrer, ev.Dossier) || ev.Referrer != actor) {
					return fmt.Sprintf("referral %s of %s moved (%s) by %s, referrer %s not entitled", ev.Referral, ev.Dossier, ev.Reason, actor, ev.Referrer)
				}
			case team.TeamAccepted:
				if ev.Lead != actor {
					return fmt.Sprintf("team %s accepted by %s for lead %s", ev.Team, actor, ev.Lead)
				}
			case team.TeamCreated:
				if !ev.Personal && !ev.Pending && ev.Lead != actor {
					return fmt.Sprintf("%s made %s the lead of active team %s", actor, ev.Lead, ev.Team)
				}
			}
		}
		return ""
	})
}

// justified reports whether the new team route p comes from an entitled
// command (see TestPropertyNoEscalationThroughTeams_TEAM8).
func justified(w *world, s step, actor cabinet.UserID, teams map[cabinet.TeamID]team.Team, p pair) bool {
	for _, e := range s.events {
		switch ev := e.(type) {
		case team.MemberJoined:
			if ev.User == p.u && ev.User == actor {
				return true // the user's own acceptance of an invitation
			}
		case team.TeamAccepted:
			if ev.Lead == p.u && ev.Lead == actor {
				return true // the lead's own acceptance
			}
		case team.ReferralCreated:
			if ev.Dossier == p.d && teams[ev.Team].IsMember(p.u) && ev.Referrer == actor && w.facts.entitled(actor, p.d) {
				return true
			}
		case team.ReferralMoved:
			if ev.Dossier != p.d || !teams[ev.To].IsMember(p.u) {
				continue
			}
			if ev.Reason == team.MoveTeamDeleted && (p.u == ev.Referrer || p.u == actor) {
				return true // TEAM-10: back to its referrer, or to the deleting admin
			}
			if ev.Reason != team.MoveTeamDeleted && ev.Referrer == actor && w.facts.entitled(actor, p.d) {
				return true
			}
		case team.ConsentRestored:
			if ev.Dossier == p.d && w.facts.isCentral(ev.By, p.d) {
				return true // the client's own choice reopens what entitled referrers shared
			}
		}
	}
	return false
}

func eventNames(es []cabinet.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.EventName())
	}
	return out
}
