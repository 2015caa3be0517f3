package procedure_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
)

// A random command: [0] picks the command, [1]–[4] its arguments, [5] a
// fault (memstore.FailNextWrite) when [5]%16 < 4 (< 8 for a sign-up): at
// the first write when [5]%16 == 3, else the second; an error ([5] even)
// or a cancellation ([5] odd).
type cmd [6]int

// seq is one generated run: whether the store runs every Update twice
// (memstore.RunTwice: a fault then fires in the first run, which is rolled
// back whatever happens, so only the other half can see a broken rollback)
// and the commands.
type seq struct {
	Twice bool
	Cmds  []cmd
}

// The actors, attackers of issue 11 included: admin, std (removed from the
// office and added back by command 21), std2 (reaches no dossier), admin2
// (another office), u0–u3 (participants' accounts), mallory (an outsider
// with no link), fam and adv (a family member and an external advisor:
// accounts with no seat and no office).
var (
	propActors = []cabinet.UserID{"admin", "std", "std2", "admin2", "u0", "u1", "u2", "u3", "mallory", "fam", "adv", ""}
	propEmails = []string{"p0@example.com", "P1@example.com", "p2@example.com", "p3@example.com", "bad@", ""}
	propNames  = []string{"Guarantor", "Co-borrower", "guarantor", " ", "Tenant #2"}
	propPerms  = []procedure.Permissions{
		procedure.PermissionsOf(procedure.PermView),
		procedure.PermissionsOf(procedure.PermView, procedure.PermUpload),
		procedure.AllPermissions,
		0,
		procedure.PermissionsOf(procedure.PermUpload), // invalid: no view
	}
	propSteps = []time.Duration{time.Second, time.Hour, 2 * 24 * time.Hour, 8 * 24 * time.Hour}
	errFault  = errors.New("injected fault")
)

// world is a fresh service with an office o1 (admin, std, std2), an office
// o2 (admin2), dossiers d1 (o1, reached by admin) and d2 (o2), contacts c0
// (o1, p0's email) and c9 (o2), accounts for p0 and p1 from the start, and
// p2, p3 created by AccountCreated commands.
type world struct {
	*env
	procs  []cabinet.ProcedureID
	cases  []cabinet.CaseID
	faults int // commands that failed from an injected fault after at least one write
}

func newWorld(t *testing.T, twice bool) *world {
	opts := []memstore.Option{memstore.RunTwice()}
	if !twice {
		opts = []memstore.Option{nil}
	}
	e := newEnv(t, opts...)
	e.f.mu.Lock()
	delete(e.f.reaches["std"], "d1")
	e.f.mu.Unlock()
	e.f.account(cabinet.User{ID: "u0", Email: "p0@example.com"})
	e.f.account(cabinet.User{ID: "u1", Email: "p1@example.com"})
	e.f.contact(contact.Contact{ID: "c0", Office: "o1", Kind: contact.KindClient, FirstName: "Pia", LastName: "Zero", Email: "p0@example.com", Phone: "+33600000000"})
	e.f.contact(contact.Contact{ID: "c9", Office: "o2", Kind: contact.KindClient, FirstName: "Far", LastName: "Away", Email: "p3@example.com"})
	return &world{env: e}
}

// snapshot is the whole store state as the Reader shows it, its indexes
// included (cases by user, email and dossier; a user's seats).
type snapshot struct {
	Plans      []procedure.OfficePlan
	Procedures []procedure.Procedure
	Cases      []procedure.Case
	ByUser     map[cabinet.UserID][]cabinet.CaseID
	ByEmail    map[string][]cabinet.CaseID
	ByDossier  map[cabinet.DossierID][]cabinet.CaseID
	Seats      map[cabinet.UserID][]procedure.Seat
}

func ids(cs []procedure.Case) []cabinet.CaseID {
	out := []cabinet.CaseID{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func (w *world) snapshot() snapshot {
	s := snapshot{ByUser: map[cabinet.UserID][]cabinet.CaseID{}, ByEmail: map[string][]cabinet.CaseID{},
		ByDossier: map[cabinet.DossierID][]cabinet.CaseID{}, Seats: map[cabinet.UserID][]procedure.Seat{}}
	cases := func(r procedure.Reader, f procedure.CaseFilter) ([]procedure.Case, error) {
		return cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]procedure.Case, cabinet.Cursor, error) {
			p.Limit = 2
			return r.ListCases(ctx, f, p)
		})
	}
	err := w.store.ViewProcedures(w.ctx, func(r procedure.Reader) error {
		var err error
		if s.Plans, err = cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]procedure.OfficePlan, cabinet.Cursor, error) {
			p.Limit = 2
			return r.ListPlans(ctx, p)
		}); err != nil {
			return err
		}
		if s.Procedures, err = cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]procedure.Procedure, cabinet.Cursor, error) {
			p.Limit = 2
			return r.ListProcedures(ctx, procedure.ProcedureFilter{}, p)
		}); err != nil {
			return err
		}
		if s.Cases, err = cases(r, procedure.CaseFilter{}); err != nil {
			return err
		}
		for _, u := range propActors[4:8] {
			cs, err := cases(r, procedure.CaseFilter{User: u})
			if err != nil {
				return err
			}
			s.ByUser[u] = ids(cs)
			if s.Seats[u], err = r.Seats(w.ctx, u); err != nil {
				return err
			}
		}
		for _, e := range propEmails[:4] {
			cs, err := cases(r, procedure.CaseFilter{Email: e})
			if err != nil {
				return err
			}
			s.ByEmail[cabinet.EmailKey(e)] = ids(cs)
		}
		for _, d := range []cabinet.DossierID{"d1", "d2"} {
			cs, err := cases(r, procedure.CaseFilter{Dossier: d})
			if err != nil {
				return err
			}
			s.ByDossier[d] = ids(cs)
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// access is every (case, user, item, permission) that ItemAllows allows.
func access(s snapshot) map[string]bool {
	procs := map[cabinet.ProcedureID]procedure.Procedure{}
	for _, p := range s.Procedures {
		procs[p.ID] = p
	}
	out := map[string]bool{}
	for _, c := range s.Cases {
		p := procs[c.Procedure]
		for _, seat := range c.Seats() {
			if seat.User == "" {
				continue
			}
			for _, it := range p.Items {
				for perm := procedure.PermView; perm <= procedure.PermSubmit; perm++ {
					if procedure.ItemAllows(p, c, seat.User, it.ID, perm) == nil {
						out[fmt.Sprintf("%s/%s/%s/%s", c.ID, seat.User, it.ID, perm)] = true
					}
				}
			}
		}
	}
	return out
}

func pick[T any](xs []T, n int) T { return xs[n%len(xs)] }

func (w *world) roles() []procedure.RoleID {
	var out []procedure.RoleID
	for _, p := range w.snapshot().Procedures {
		for _, r := range p.Roles {
			out = append(out, r.ID)
		}
	}
	return append(out, "role_none", "")
}

func (w *world) items() []procedure.ItemID {
	var out []procedure.ItemID
	for _, p := range w.snapshot().Procedures {
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
	}
	return append(out, "item_none")
}

// caseRoles and caseItems return the roles and items of the procedure of
// case id (most seat and item commands pick among them), with an unknown
// one.
func (w *world) caseRoles(id cabinet.CaseID) []procedure.RoleID {
	out := []procedure.RoleID{"role_none"}
	if p, ok := w.caseProcedure(id); ok {
		for _, r := range p.Roles {
			out = append(out, r.ID, r.ID)
		}
	}
	return out
}

func (w *world) caseItems(id cabinet.CaseID) []procedure.ItemID {
	out := []procedure.ItemID{"item_none"}
	if p, ok := w.caseProcedure(id); ok {
		for _, it := range p.Items {
			out = append(out, it.ID, it.ID)
		}
	}
	return out
}

func (w *world) caseProcedure(id cabinet.CaseID) (procedure.Procedure, bool) {
	var p procedure.Procedure
	err := w.store.ViewProcedures(w.ctx, func(r procedure.Reader) error {
		c, err := r.Case(w.ctx, id)
		if err != nil {
			return err
		}
		p, err = r.Procedure(w.ctx, c.Procedure)
		return err
	})
	return p, err == nil
}

// proc and kase pick a known procedure or case, and an unknown one once in
// eight draws.
func (w *world) proc(n int) cabinet.ProcedureID {
	if n%8 == 7 || len(w.procs) == 0 {
		return "proc_none"
	}
	return pick(w.procs, n/8)
}

func (w *world) kase(n int) cabinet.CaseID {
	if n%8 == 7 || len(w.cases) == 0 {
		return "case_none"
	}
	return pick(w.cases, n/8)
}

// invitee draws who a seat goes to: typed-in details, or a contact (c0 of
// o1, c9 of o2, or an unknown one).
func invitee(n int) procedure.Invitee {
	switch n % 9 {
	case 6:
		return procedure.Invitee{Contact: "c0"}
	case 7:
		return procedure.Invitee{Contact: "c9"}
	case 8:
		return procedure.Invitee{Contact: "c_none"}
	}
	email := pick([]string{"p2@example.com", "P3@example.com", "p2@example.com", "p3@example.com", "p0@example.com", "P1@example.com", "bad@", ""}, n/9)
	return procedure.Invitee{Email: email, Name: pick([]string{"", "Pat Doe", "", "Ann Roe", "", "\x00"}, n/3), Phone: pick([]string{"", "06 12 34 56 78"}, n/2)}
}

// premiumKind reports the commands that only move the plan or the clock.
func premiumKind(c cmd) bool { k := c[0] % 29; return k <= 3 }

// apply runs one command, with its fault armed, and returns its error.
func (w *world) apply(c cmd) error {
	k := 2
	if c[5]%16 == 3 {
		k = 1
	}
	// Sign-ups are the commands that write more than once: arm them twice
	// as often.
	armed := c[5]%16 < 4 || (c[0]%29 == 19 || c[0]%29 >= 26) && c[5]%16 < 8
	if armed {
		err := errFault
		if c[5]%2 == 1 {
			err = context.Canceled
		}
		w.store.FailNextWrite(k, err)
	}
	err := w.run(c)
	w.store.DisarmFault()
	if armed && k >= 2 && (errors.Is(err, errFault) || errors.Is(err, context.Canceled)) {
		w.faults++
	}
	return err
}

func (w *world) run(c cmd) error {
	switch op := c[0] % 29; {
	case op >= 26:
		op = 19 // more sign-ups: they link every seat waiting for the email
		fallthrough
	case op < 23:
		return w.runOp(op, c)
	default:
		return w.seatPath(c)
	}
}

// seatPath seats someone without an account yet (p2 or p3, x%2) on the
// setup procedure, by admin: in the empty co-tenant seat of a case that has
// one, else as the main recipient of a new unattached case. The sign-up of
// such a person then links several seats in one transaction (several
// writes: the only commands of this package that write more than once).
func (w *world) seatPath(c cmd) error {
	ctx := context.Background()
	email := w.pending().Email
	if c[4]%4 == 3 {
		email = pick([]string{"p2@example.com", "P3@example.com"}, c[4]/4)
	}
	p, _ := w.caseProcedure(w.cases[0])
	co := p.Roles[len(p.Roles)-1]
	for _, id := range w.cases {
		k, _ := w.caseProcedure(id)
		if k.ID != p.ID {
			continue
		}
		var kc procedure.Case
		_ = w.store.ViewProcedures(ctx, func(r procedure.Reader) error { kc, _ = r.Case(ctx, id); return nil })
		if _, filled := kc.Contributor(co.ID); !filled && !co.Main {
			_, _, err := w.svc.InviteContributor(ctx, "admin", id, co.ID, procedure.Invitee{Email: email}, c[3]%2 == 0)
			return err
		}
	}
	cs, _, err := w.svc.OpenCase(ctx, "admin", p.ID, "", procedure.Invitee{Email: email})
	if err == nil {
		w.cases = append(w.cases, cs.ID)
	}
	return err
}

// pending is the next person to sign up: p2's account (u2) until it
// exists, then p3's (u3).
func (w *world) pending() cabinet.User {
	w.f.mu.Lock()
	defer w.f.mu.Unlock()
	if _, ok := w.f.accounts[cabinet.EmailKey("p2@example.com")]; !ok {
		return cabinet.User{ID: "u2", Email: "p2@example.com"}
	}
	return cabinet.User{ID: "u3", Email: "p3@example.com"}
}

// runOp runs command op of the random walk.
func (w *world) runOp(op int, c cmd) error {
	ctx := context.Background()
	s := w.svc
	a, b, d, x := c[1], c[2], c[3], c[4]
	actor := pick(propActors, a)
	participant := pick([]cabinet.UserID{"u0", "u1", "u2", "u3", "u0", "u1", "u2", "admin", "mallory", "fam", "adv", "std", ""}, a)
	staff := pick([]cabinet.UserID{"admin", "admin", "admin", "std", "std2", "admin2", "mallory"}, a)
	kase := w.kase(b)
	switch op {
	case 0:
		_, _, err := s.SetPlan(ctx, "billing", "o1", pick([]procedure.Plan{procedure.PlanStandard, procedure.PlanPlatinum, procedure.PlanInvalid}, b))
		return err
	case 1:
		now := w.clock.Now()
		if b%3 == 0 {
			_, _, err := s.SetBoosters(ctx, "billing", "o1", time.Time{}, time.Time{})
			return err
		}
		_, _, err := s.SetBoosters(ctx, "billing", "o1", now.Add(-time.Hour), now.Add(pick(propSteps, d)-time.Hour))
		return err
	case 2:
		_, _, err := s.StartTrial(ctx, actor, pick([]cabinet.OfficeID{"o1", "o2", ""}, b))
		return err
	case 3:
		w.clock.Advance(pick(propSteps, b))
		return nil
	case 4:
		p, _, err := s.CreateProcedure(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), "o1", "Procedure", pick(propNames, b))
		if err == nil {
			w.procs = append(w.procs, p.ID)
		}
		return err
	case 5:
		_, _, err := s.AddRole(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(propNames, d), pick(propPerms, x))
		return err
	case 6:
		_, _, err := s.RenameRole(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(w.roles(), d), pick(propNames, x))
		return err
	case 7:
		_, err := s.RemoveRole(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(w.roles(), d))
		return err
	case 8:
		_, _, err := s.SetRolePermissions(ctx, "admin", w.proc(b), pick(w.roles(), d), pick(propPerms, x))
		return err
	case 9:
		_, _, err := s.AddItem(ctx, "admin", w.proc(b), pick([]string{"Payslip", "ID", ""}, a), pick(w.roles(), d))
		return err
	case 10:
		_, _, err := s.ReassignItem(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(w.items(), d), pick(w.roles(), x))
		return err
	case 11:
		_, _, err := s.SetAutomation(ctx, "admin", w.proc(b), d%2 == 0)
		return err
	case 12:
		cs, _, err := s.OpenCase(ctx, staff, w.proc(b), pick([]cabinet.DossierID{"", "d1", "", "d1", "d2"}, d), invitee(x))
		if err == nil {
			w.cases = append(w.cases, cs.ID)
		}
		return err
	case 13:
		_, _, err := s.InviteContributor(ctx, staff, kase, pick(w.caseRoles(kase), d), invitee(x), x%2 == 0)
		return err
	case 14:
		_, _, err := s.ReplaceContributor(ctx, staff, kase, pick(w.caseRoles(kase), d), invitee(x), x%2 == 1)
		return err
	case 15:
		_, err := s.RemoveContributor(ctx, staff, kase, pick(w.caseRoles(kase), d))
		return err
	case 16:
		_, _, err := s.Upload(ctx, participant, kase, pick(w.caseItems(kase), d), pick([]string{"doc.pdf", "doc.pdf", "scan.pdf", "doc.pdf", "id.png", ""}, x))
		return err
	case 17:
		_, _, err := s.Comment(ctx, participant, kase, pick(w.caseItems(kase), d), pick([]string{"ok", "ok", " ", "esc\x1b["}, x))
		return err
	case 18:
		_, _, err := s.Submit(ctx, participant, kase, pick(w.caseItems(kase), d))
		return err
	case 19:
		// An account is created, linking the seats that waited for its
		// email in the same transaction (team.Service.CreateUser): it
		// exists only if that transaction commits.
		u := pick([]cabinet.User{w.pending(), w.pending(), {ID: "u3", Email: "p3@example.com"}, {ID: "u2", Email: "P2@example.com"}, {ID: "u0", Email: "p0@example.com"}}, a)
		err := signUp(ctx, w.store, w.svc, u)
		if err == nil {
			w.f.account(u)
		}
		return err
	case 20:
		_, _, err := s.ReviewItem(ctx, pick([]cabinet.UserID{"admin", "std", "std2", "u0", "u1"}, a), kase, pick(w.caseItems(kase), d),
			procedure.Verdict(x%3), pick([]string{"", "please rescan", "\x00"}, x/3))
		return err
	case 21:
		// GRP-11: a collaborator removed from the office, later added back.
		w.f.mu.Lock()
		_, in := w.f.profiles["o1"]["std"]
		w.f.mu.Unlock()
		if in {
			w.f.leave("o1", "std")
		} else {
			w.f.collaborator("o1", "std", cabinet.ProfileStandard)
		}
		return nil
	default:
		// ACC-12: d1 archived, and back.
		if w.f.dossiers["d1"].Status == cabinet.DossierArchived {
			w.f.setStatus("d1", cabinet.DossierActivated)
		} else {
			w.f.setStatus("d1", cabinet.DossierArchived)
		}
		return nil
	}
}

var genSeqs = gopter.CombineGens(gen.Bool(), gen.SliceOf(gen.SliceOfN(6, gen.IntRange(0, 999)).Map(func(xs []int) cmd {
	var c cmd
	copy(c[:], xs)
	return c
}))).Map(func(v []any) seq { return seq{Twice: v[0].(bool), Cmds: v[1].([]cmd)} })

// params runs 1000 sequences (100 with -short) of 12 to 43 commands, about
// 20 on average.
func params() *gopter.TestParameters {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 1000
	if testing.Short() {
		p.MinSuccessfulTests = 100
	}
	p.MinSize = 12
	p.MaxSize = 44
	return p
}

func runProperty(t *testing.T, name string, check func(w *world, c cmd, before, after snapshot, err error, published bool) error) *int {
	props := gopter.NewProperties(params())
	faults := new(int)
	props.Property(name, prop.ForAll(func(sq seq) string {
		w := newWorld(t, sq.Twice)
		// Start with a procedure that has a contributor role and items, so
		// that short sequences reach interesting states.
		w.setup()
		defer func() { *faults += w.faults }()
		for i, c := range sq.Cmds {
			before := w.snapshot()
			n := len(w.log.Events())
			err := w.apply(c)
			after := w.snapshot()
			if msg := check(w, c, before, after, err, len(w.log.Events()) > n); msg != nil {
				return fmt.Sprintf("command %d %v (err %v): %v", i, c, err, msg)
			}
		}
		return ""
	}, genSeqs))
	props.TestingRun(t)
	return faults
}

// setup makes a platinum office with procedure "Rental" (main role Tenant,
// contributor roles Guarantor with view+upload+submit and Co-tenant with
// every permission, one item each) and a case attached to d1 whose
// recipient (u0) and guarantor (u1) have accounts and whose co-tenant seat
// is empty, so that short sequences reach interesting states.
func (w *world) setup() {
	must := func(err error) {
		if err != nil {
			w.t.Fatal(err)
		}
	}
	_, _, err := w.svc.SetPlan(w.ctx, "billing", "o1", procedure.PlanPlatinum)
	must(err)
	p, _, err := w.svc.CreateProcedure(w.ctx, "admin", "o1", "Rental", "Tenant")
	must(err)
	w.procs = append(w.procs, p.ID)
	g, _, err := w.svc.AddRole(w.ctx, "admin", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload, procedure.PermSubmit))
	must(err)
	_, _, err = w.svc.AddItem(w.ctx, "admin", p.ID, "Payslip", "")
	must(err)
	_, _, err = w.svc.AddItem(w.ctx, "admin", p.ID, "Guarantor ID", g.ID)
	must(err)
	c, _, err := w.svc.OpenCase(w.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "p0@example.com", Name: "Pia Zero", Phone: "+33600000000"})
	must(err)
	w.cases = append(w.cases, c.ID)
	_, _, err = w.svc.InviteContributor(w.ctx, "admin", c.ID, g.ID, procedure.Invitee{Email: "p1@example.com", Name: "Gus One"}, false)
	must(err)
	co, _, err := w.svc.AddRole(w.ctx, "admin", p.ID, "Co-tenant", procedure.AllPermissions)
	must(err)
	_, _, err = w.svc.AddItem(w.ctx, "admin", p.ID, "Co-tenant ID", co.ID)
	must(err)
}

// staffReaches is the reference of PROC-7 for the property, written from
// the text: a collaborator of the case's office who reaches its dossier,
// or, for an unattached case, an admin of the office or its opener.
func (w *world) staffReaches(c procedure.Case, u cabinet.UserID) bool {
	w.f.mu.Lock()
	defer w.f.mu.Unlock()
	prof, in := w.f.profiles[c.Office][u]
	switch {
	case !in || u == "":
		return false
	case c.Dossier != "":
		return w.f.reaches[u][c.Dossier]
	}
	return prof == cabinet.ProfileAdmin || c.OpenedBy == u
}

// checkInvariant6 checks SPEC §3 invariant 6 v2 (PROC-3): a participant
// never sees an item of another role, nor another participant's contact
// details — through ItemAllows and VisibleItems, and through every read of
// the service a participant or an attacker can call (ParticipantView,
// ParticipantViews, CaseItem, VisibleItems, Case, Cases, CaseSeats).
func (w *world) checkInvariant6(s snapshot) error {
	procs := map[cabinet.ProcedureID]procedure.Procedure{}
	for _, p := range s.Procedures {
		procs[p.ID] = p
	}
	for _, c := range s.Cases {
		p := procs[c.Procedure]
		seats := c.Seats()
		for _, seat := range seats {
			if seat.User == "" {
				continue
			}
			for _, it := range p.Items {
				for perm := procedure.PermView; perm <= procedure.PermSubmit; perm++ {
					if procedure.ItemAllows(p, c, seat.User, it.ID, perm) == nil && it.Role != seat.Role {
						return fmt.Errorf("%s sees item %s of role %s from role %s on %s", seat.User, it.ID, it.Role, seat.Role, c.ID)
					}
				}
			}
		}
		for _, u := range propActors {
			if u == "" {
				continue
			}
			seat, seated := procedure.SeatOf(c, u)
			staff := w.staffReaches(c, u)
			v, err := w.svc.ParticipantView(w.ctx, u, c.ID)
			if seated != (err == nil) {
				return fmt.Errorf("ParticipantView(%s, %s) = %v, seated=%v", u, c.ID, err, seated)
			}
			if err == nil {
				for _, it := range v.Items {
					if it.Item.Role != seat.Role {
						return fmt.Errorf("ParticipantView leaks item %s of role %s to %s (role %s)", it.Item.ID, it.Item.Role, u, seat.Role)
					}
				}
				for _, other := range seats {
					if other.Role != seat.Role {
						if l := leaks(v, strip(other, seat)); len(l) > 0 {
							return fmt.Errorf("ParticipantView of %s on %s shows %v of the %s seat", u, c.ID, l, other.Role)
						}
					}
				}
				items, err := w.svc.VisibleItems(w.ctx, u, c.ID)
				if err != nil || len(items) != len(v.Items) {
					return fmt.Errorf("VisibleItems(%s) = %v %v, view has %d", u, items, err, len(v.Items))
				}
			}
			for _, it := range p.Items {
				iv, err := w.svc.CaseItem(w.ctx, u, c.ID, it.ID)
				mine := seated && it.Role == seat.Role && procedure.ItemAllows(p, c, u, it.ID, procedure.PermView) == nil
				if (err == nil) != (mine || staff) {
					return fmt.Errorf("CaseItem(%s, %s, %s) = %v; participant of its role=%v, staff=%v", u, c.ID, it.ID, err, mine, staff)
				}
				if err == nil && !staff {
					for _, other := range seats {
						if other.User != u {
							if l := leaks(iv, strip(other, seat)); len(l) > 0 {
								return fmt.Errorf("CaseItem of %s shows %v", u, l)
							}
						}
					}
				}
			}
			if _, err := w.svc.Case(w.ctx, u, c.ID); (err == nil) != staff {
				return fmt.Errorf("Case(%s, %s) = %v, staff=%v", u, c.ID, err, staff)
			}
			if _, err := w.svc.CaseSeats(w.ctx, u, c.ID); (err == nil) != staff {
				return fmt.Errorf("CaseSeats(%s, %s) = %v, staff=%v", u, c.ID, err, staff)
			}
		}
	}
	for _, u := range propActors {
		if u == "" {
			continue
		}
		views, err := cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]procedure.ParticipantView, cabinet.Cursor, error) {
			return w.svc.ParticipantViews(ctx, u, p)
		})
		if err != nil {
			return err
		}
		for _, v := range views {
			if v.Seat.User != u {
				return fmt.Errorf("ParticipantViews(%s) lists a view of %s", u, v.Seat.User)
			}
			for _, it := range v.Items {
				if it.Item.Role != v.Role.ID {
					return fmt.Errorf("ParticipantViews leaks item %s to %s", it.Item.ID, u)
				}
			}
		}
		cases, err := cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]procedure.Case, cabinet.Cursor, error) {
			return w.svc.Cases(ctx, u, procedure.CaseFilter{Office: "o1"}, p)
		})
		if err == nil {
			for _, c := range cases {
				if !w.staffReaches(c, u) {
					return fmt.Errorf("Cases(%s) lists %s, which they do not reach", u, c.ID)
				}
			}
		} else if cabinet.RuleOf(err) != "PROC-7" {
			return fmt.Errorf("Cases(%s): %v", u, err)
		}
	}
	return nil
}

// strip returns other's details less those it shares with own (two seats
// may carry the same name or phone: showing one's own is no leak).
func strip(other, own procedure.Participant) procedure.Participant {
	if strings.EqualFold(other.Name, own.Name) {
		other.Name = ""
	}
	if other.Phone == own.Phone {
		other.Phone = ""
	}
	return other
}

// SPEC §3 invariant 6 v2 (PROC-3): a contributor never sees an item of
// another role, nor another participant's contact details — through the
// predicates and through every read of the service — whatever the
// reassignments, removals from the office and archived dossiers.
func TestPropertyInvariant6ContributorSeesOnlyTheirRole(t *testing.T) {
	runProperty(t, "PROC-3 invariant 6", func(w *world, _ cmd, _, after snapshot, _ error, _ bool) error {
		return w.checkInvariant6(after)
	})
}

// SPEC §3 invariant 8 v2: a failed command changes nothing and publishes
// nothing — also when it fails after its first write or its context is
// cancelled part-way (memstore.FailNextWrite). The test counts the
// commands that failed from a fault after at least one write, and requires
// many.
func TestPropertyInvariant8FailedCommandChangesNothing(t *testing.T) {
	faults := runProperty(t, "invariant 8", func(_ *world, _ cmd, before, after snapshot, err error, published bool) error {
		if err == nil {
			return nil
		}
		if d := cmp.Diff(before, after); d != "" {
			return fmt.Errorf("failed command changed the store:\n%s", d)
		}
		if published {
			return fmt.Errorf("failed command published events")
		}
		return nil
	})
	t.Logf("%d commands failed from a fault after their first write", *faults)
	if min := 35; !testing.Short() && *faults < min {
		t.Fatalf("only %d commands failed after their first write (want ≥ %d): the property cannot see a broken rollback", *faults, min)
	}
}

// PROC-1: losing the premium option (plan change, boosters expiry, trial end)
// never removes an existing contributor's access: their seat, their role's
// permissions and what ItemAllows grants them stay; no participant, review
// or withdrawal command fails because of the plan.
func TestPropertyPROC1LosingPremiumKeepsAccess(t *testing.T) {
	runProperty(t, "PROC-1 keeps access", func(w *world, c cmd, before, after snapshot, err error, _ bool) error {
		if premiumKind(c) {
			if d := cmp.Diff(before.Procedures, after.Procedures); d != "" {
				return fmt.Errorf("plan/clock change altered procedures:\n%s", d)
			}
			if d := cmp.Diff(before.Cases, after.Cases); d != "" {
				return fmt.Errorf("plan/clock change altered cases:\n%s", d)
			}
			if d := cmp.Diff(access(before), access(after)); d != "" {
				return fmt.Errorf("plan/clock change altered access:\n%s", d)
			}
		}
		if k := c[0] % 29; (k >= 15 && k <= 18 || k == 20) && cabinet.RuleOf(err) == "PROC-1" {
			return fmt.Errorf("a participant, review or withdrawal command was refused for PROC-1: %v", err)
		}
		return nil
	})
}
