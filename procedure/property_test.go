package procedure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/procedure"
)

// A random command: kind picks the command, the other numbers its arguments.
type cmd [5]int

var (
	propActors = []cabinet.UserID{"admin", "std", "admin2", "u0", "u1", "u2", "u3", ""}
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
)

// world is a fresh service with an office o1 (admin, std), an office o2
// (admin2), dossiers d1 (o1, reached by admin) and d2 (o2), accounts for
// p0 and p1 from the start, and p2, p3 created by AccountCreated commands.
type world struct {
	*env
	procs []cabinet.ProcedureID
	cases []cabinet.CaseID
}

func newWorld(t *testing.T) *world {
	e := newEnv(t)
	e.f.mu.Lock()
	delete(e.f.reaches["std"], "d1")
	e.f.mu.Unlock()
	e.f.account(cabinet.User{ID: "u0", Email: "p0@example.com"})
	e.f.account(cabinet.User{ID: "u1", Email: "p1@example.com"})
	return &world{env: e}
}

type snapshot struct {
	Plans      []procedure.OfficePlan
	Procedures []procedure.Procedure
	Cases      []procedure.Case
}

func (w *world) snapshot() snapshot {
	var s snapshot
	err := w.store.ViewProcedures(w.ctx, func(r procedure.Reader) error {
		var cur cabinet.Cursor
		for {
			page, next, err := r.ListPlans(w.ctx, cabinet.Page{After: cur, Limit: 2})
			if err != nil {
				return err
			}
			s.Plans = append(s.Plans, page...)
			if cur = next; cur == "" {
				break
			}
		}
		for {
			page, next, err := r.ListProcedures(w.ctx, procedure.ProcedureFilter{}, cabinet.Page{After: cur, Limit: 2})
			if err != nil {
				return err
			}
			s.Procedures = append(s.Procedures, page...)
			if cur = next; cur == "" {
				break
			}
		}
		for {
			page, next, err := r.ListCases(w.ctx, procedure.CaseFilter{}, cabinet.Page{After: cur, Limit: 2})
			if err != nil {
				return err
			}
			s.Cases = append(s.Cases, page...)
			if cur = next; cur == "" {
				break
			}
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

func (w *world) proc(n int) cabinet.ProcedureID {
	return pick(append(append([]cabinet.ProcedureID{}, w.procs...), "proc_none"), n)
}

func (w *world) kase(n int) cabinet.CaseID {
	return pick(append(append([]cabinet.CaseID{}, w.cases...), "case_none"), n)
}

// premiumKinds are the commands that only move the plan or the clock.
func premiumKind(c cmd) bool { k := c[0] % 20; return k <= 3 }

// apply runs one command and returns its error.
func (w *world) apply(c cmd) error {
	ctx := context.Background()
	s := w.svc
	a, b, d, x := c[1], c[2], c[3], c[4]
	actor := pick(propActors, a)
	switch c[0] % 20 {
	case 0:
		_, err := s.SetPlan(ctx, "o1", pick([]procedure.Plan{procedure.PlanStandard, procedure.PlanPlatinum, procedure.PlanInvalid}, b))
		return err
	case 1:
		now := w.clock.Now()
		if b%3 == 0 {
			_, err := s.SetBoosters(ctx, "o1", time.Time{}, time.Time{})
			return err
		}
		_, err := s.SetBoosters(ctx, "o1", now.Add(-time.Hour), now.Add(pick(propSteps, d)-time.Hour))
		return err
	case 2:
		_, err := s.StartTrial(ctx, actor, pick([]cabinet.OfficeID{"o1", "o2", ""}, b))
		return err
	case 3:
		w.clock.Advance(pick(propSteps, b))
		return nil
	case 4:
		p, err := s.CreateProcedure(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), "o1", "Procedure", pick(propNames, b))
		if err == nil {
			w.procs = append(w.procs, p.ID)
		}
		return err
	case 5:
		_, err := s.AddRole(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(propNames, d), pick(propPerms, x))
		return err
	case 6:
		_, err := s.RenameRole(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(w.roles(), d), pick(propNames, x))
		return err
	case 7:
		return s.RemoveRole(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(w.roles(), d))
	case 8:
		_, err := s.SetRolePermissions(ctx, "admin", w.proc(b), pick(w.roles(), d), pick(propPerms, x))
		return err
	case 9:
		_, err := s.AddItem(ctx, "admin", w.proc(b), pick([]string{"Payslip", "ID", ""}, a), pick(w.roles(), d))
		return err
	case 10:
		_, err := s.ReassignItem(ctx, pick([]cabinet.UserID{"admin", "admin", "std"}, a), w.proc(b), pick(w.items(), d), pick(w.roles(), x))
		return err
	case 11:
		return s.SetAutomation(ctx, "admin", w.proc(b), d%2 == 0)
	case 12:
		cs, err := s.OpenCase(ctx, pick([]cabinet.UserID{"admin", "std", "admin2"}, a), w.proc(b), pick([]cabinet.DossierID{"", "d1", "d2"}, d), pick(propEmails, x))
		if err == nil {
			w.cases = append(w.cases, cs.ID)
		}
		return err
	case 13:
		_, err := s.InviteContributor(ctx, pick([]cabinet.UserID{"admin", "std"}, a), w.kase(b), pick(w.roles(), d), pick(propEmails, x), x%2 == 0)
		return err
	case 14:
		_, err := s.ReplaceContributor(ctx, pick([]cabinet.UserID{"admin", "std"}, a), w.kase(b), pick(w.roles(), d), pick(propEmails, x), x%2 == 1)
		return err
	case 15:
		return s.RemoveContributor(ctx, pick([]cabinet.UserID{"admin", "std"}, a), w.kase(b), pick(w.roles(), d))
	case 16:
		_, err := s.Upload(ctx, actor, w.kase(b), pick(w.items(), d), pick([]string{"doc.pdf", ""}, x))
		return err
	case 17:
		_, err := s.Comment(ctx, actor, w.kase(b), pick(w.items(), d), pick([]string{"ok", " "}, x))
		return err
	case 18:
		return s.Submit(ctx, actor, w.kase(b), pick(w.items(), d))
	default:
		u := pick([]cabinet.User{{ID: "u2", Email: "P2@example.com"}, {ID: "u3", Email: "p3@example.com"}, {ID: "u0", Email: "p0@example.com"}}, a)
		w.f.account(u)
		return signUp(ctx, w.store, w.svc, w.log, u)
	}
}

// checkInvariant6: a participant never sees (nor acts on) an item of
// another role, whatever reassignments happened (SPEC §3 invariant 6, PROC-3).
func checkInvariant6(s snapshot) error {
	procs := map[cabinet.ProcedureID]procedure.Procedure{}
	for _, p := range s.Procedures {
		procs[p.ID] = p
	}
	for _, c := range s.Cases {
		p := procs[c.Procedure]
		for _, seat := range c.Seats() {
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
			for _, it := range procedure.VisibleItems(p, c, seat.User) {
				if it.Role != seat.Role {
					return fmt.Errorf("VisibleItems leaks %s to %s", it.ID, seat.User)
				}
			}
		}
	}
	return nil
}

var genCmds = gen.SliceOf(gen.SliceOfN(5, gen.IntRange(0, 999)).Map(func(xs []int) cmd {
	var c cmd
	copy(c[:], xs)
	return c
}))

func runProperty(t *testing.T, name string, check func(w *world, c cmd, before, after snapshot, err error, published bool) error) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	params.MaxSize = 25
	props := gopter.NewProperties(params)
	props.Property(name, prop.ForAll(func(cmds []cmd) string {
		w := newWorld(t)
		// Start with a procedure that has a contributor role and items, so
		// that short sequences reach interesting states.
		w.setup()
		for i, c := range cmds {
			before := w.snapshot()
			n := len(w.log.Events())
			err := w.apply(c)
			after := w.snapshot()
			if msg := check(w, c, before, after, err, len(w.log.Events()) > n); msg != nil {
				return fmt.Sprintf("command %d %v (err %v): %v", i, c, err, msg)
			}
		}
		return ""
	}, genCmds))
	props.TestingRun(t)
}

// setup makes a platinum office with procedure "Rental" (main role Tenant,
// contributor role Guarantor with view+upload, one item each) and a case
// whose recipient (u0) and guarantor (u1) have accounts, so that short
// sequences reach interesting states.
func (w *world) setup() {
	must := func(err error) {
		if err != nil {
			w.t.Fatal(err)
		}
	}
	_, err := w.svc.SetPlan(w.ctx, "o1", procedure.PlanPlatinum)
	must(err)
	p, err := w.svc.CreateProcedure(w.ctx, "admin", "o1", "Rental", "Tenant")
	must(err)
	w.procs = append(w.procs, p.ID)
	g, err := w.svc.AddRole(w.ctx, "admin", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))
	must(err)
	_, err = w.svc.AddItem(w.ctx, "admin", p.ID, "Payslip", "")
	must(err)
	_, err = w.svc.AddItem(w.ctx, "admin", p.ID, "Guarantor ID", g.ID)
	must(err)
	c, err := w.svc.OpenCase(w.ctx, "admin", p.ID, "d1", "p0@example.com")
	must(err)
	w.cases = append(w.cases, c.ID)
	_, err = w.svc.InviteContributor(w.ctx, "admin", c.ID, g.ID, "p1@example.com", false)
	must(err)
}

// SPEC §3 invariant 6 (PROC-3): a contributor never sees an item of another role.
func TestPropertyInvariant6ContributorSeesOnlyTheirRole(t *testing.T) {
	runProperty(t, "PROC-3 invariant 6", func(_ *world, _ cmd, _, after snapshot, _ error, _ bool) error {
		return checkInvariant6(after)
	})
}

// SPEC §3 invariant 8: a failed command changes nothing and publishes nothing.
func TestPropertyInvariant8FailedCommandChangesNothing(t *testing.T) {
	runProperty(t, "invariant 8", func(_ *world, _ cmd, before, after snapshot, err error, published bool) error {
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
}

// PROC-1: losing the premium option (plan change, boosters expiry, trial end)
// never removes an existing contributor's access: their seat, their role's
// permissions and what ItemAllows grants them stay; no item command fails
// because of the plan.
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
		if k := c[0] % 20; k >= 15 && k <= 18 && cabinet.RuleOf(err) == "PROC-1" {
			return fmt.Errorf("a participant or withdrawal command was refused for PROC-1: %v", err)
		}
		return nil
	})
}
