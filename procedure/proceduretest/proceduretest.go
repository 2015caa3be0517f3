// Package proceduretest is the conformance suite of procedure.Store: every
// implementation runs RunStoreTests unchanged (memstore does, in
// memstore/procedure_test.go).
package proceduretest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/procedure"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func sampleProcedure(id cabinet.ProcedureID, office cabinet.OfficeID) procedure.Procedure {
	return procedure.Procedure{
		ID: id, Office: office, Name: "Rental " + string(id),
		Roles: []procedure.Role{
			{ID: procedure.RoleID(string(id) + "-main"), Name: "Tenant", Main: true, Permissions: procedure.AllPermissions},
			{ID: procedure.RoleID(string(id) + "-g"), Name: "Guarantor", Permissions: procedure.PermissionsOf(procedure.PermView)},
		},
		Items:     []procedure.Item{{ID: procedure.ItemID(string(id) + "-i1"), Name: "Payslip", Role: procedure.RoleID(string(id) + "-main")}},
		CreatedBy: "u-admin", CreatedAt: t0,
	}
}

func sampleCase(id cabinet.CaseID, proc cabinet.ProcedureID, office cabinet.OfficeID, dossier cabinet.DossierID) procedure.Case {
	return procedure.Case{
		ID: id, Office: office, Procedure: proc, Dossier: dossier, OpenedBy: "u-admin", OpenedAt: t0,
		Recipient: procedure.Participant{Role: procedure.RoleID(string(proc) + "-main"), Email: "tenant-" + string(id) + "@example.com", User: cabinet.UserID("u-tenant-" + string(id)),
			Name: "Tom Tenant", Phone: "+33611111111", Contact: "contact-tom", AddedBy: "u-admin", AddedAt: t0, LinkedAt: t0},
		Contributors: []procedure.Participant{{Role: procedure.RoleID(string(proc) + "-g"), Email: "Guarantor@Example.com", Invited: true, NotifiedAt: t0}},
		Items: []procedure.ItemState{{Item: procedure.ItemID(string(proc) + "-i1"), Documents: []procedure.Document{{Name: "a.pdf", By: "u", At: t0}},
			Comments: []procedure.Comment{{Text: "ok", By: "u", At: t0}}, SubmittedBy: "u", SubmittedAt: t0,
			Reviews: []procedure.Review{{Verdict: procedure.VerdictRejected, Comment: "blurry", By: "u-admin", At: t0}}}},
	}
}

// RunStoreTests checks the contract of procedure.Store on stores made by
// newStore (each call must return an empty store).
func RunStoreTests(t *testing.T, newStore func(t *testing.T) procedure.Store) {
	ctx := context.Background()
	put := func(t *testing.T, s procedure.Store, fn func(w procedure.Writer) error) cabinet.Revision {
		t.Helper()
		rev, err := s.UpdateProcedures(ctx, fn)
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		return rev
	}
	view := func(t *testing.T, s procedure.Store, fn func(r procedure.Reader) error) {
		t.Helper()
		if err := s.ViewProcedures(ctx, fn); err != nil {
			t.Fatalf("view: %v", err)
		}
	}

	t.Run("revisions: views see the last commit, failed and empty updates keep it", func(t *testing.T) {
		s := newStore(t)
		storetest.Revisions(t, s.ViewProcedures, s.UpdateProcedures, func(ctx context.Context, w procedure.Writer, n int) error {
			return w.PutProcedure(ctx, sampleProcedure(cabinet.ProcedureID(fmt.Sprintf("p_rev%d", n)), "o1"))
		})
	})
	t.Run("Transactions", func(t *testing.T) {
		s := newStore(t)
		storetest.Transactions(t, s.ViewProcedures, s.UpdateProcedures, s.ProcedureReader, s.ProcedureWriter,
			func(ctx context.Context, w procedure.Writer, n int) error {
				return w.PutProcedure(ctx, sampleProcedure(cabinet.ProcedureID(fmt.Sprintf("p_tx%d", n)), "o1"))
			},
			func(ctx context.Context, r procedure.Reader, n int) (bool, error) {
				_, err := r.Procedure(ctx, cabinet.ProcedureID(fmt.Sprintf("p_tx%d", n)))
				if errors.Is(err, cabinet.ErrNotFound) {
					return false, nil
				}
				return err == nil, err
			})
	})
	t.Run("missing records are ErrNotFound", func(t *testing.T) {
		s := newStore(t)
		view(t, s, func(r procedure.Reader) error {
			if _, err := r.Plan(ctx, "o1"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("Plan: %v, want ErrNotFound", err)
			}
			if _, err := r.Procedure(ctx, "p1"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("Procedure: %v, want ErrNotFound", err)
			}
			if _, err := r.Case(ctx, "c1"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("Case: %v, want ErrNotFound", err)
			}
			seats, err := r.Seats(ctx, "u1")
			if err != nil || len(seats) != 0 {
				t.Errorf("Seats = %v, %v; want empty", seats, err)
			}
			return nil
		})
	})

	t.Run("put then get round-trips", func(t *testing.T) {
		s := newStore(t)
		plan := procedure.OfficePlan{Office: "o1", Plan: procedure.PlanPlatinum, BoostersFrom: t0, BoostersUntil: t0.Add(time.Hour), TrialStartedAt: t0, TrialStartedBy: "u"}
		p := sampleProcedure("p1", "o1")
		c := sampleCase("c1", "p1", "o1", "d1")
		put(t, s, func(w procedure.Writer) error {
			if err := w.PutPlan(ctx, plan); err != nil {
				return err
			}
			if err := w.PutProcedure(ctx, p); err != nil {
				return err
			}
			return w.PutCase(ctx, c)
		})
		view(t, s, func(r procedure.Reader) error {
			gotPlan, err := r.Plan(ctx, "o1")
			if err != nil || !cmp.Equal(gotPlan, plan) {
				t.Errorf("Plan: %v %s", err, cmp.Diff(plan, gotPlan))
			}
			gotP, err := r.Procedure(ctx, "p1")
			if err != nil || !cmp.Equal(gotP, p) {
				t.Errorf("Procedure: %v %s", err, cmp.Diff(p, gotP))
			}
			gotC, err := r.Case(ctx, "c1")
			if err != nil || !cmp.Equal(gotC, c) {
				t.Errorf("Case: %v %s", err, cmp.Diff(c, gotC))
			}
			return nil
		})
	})

	t.Run("values are copies, not aliases", func(t *testing.T) {
		s := newStore(t)
		p := sampleProcedure("p1", "o1")
		c := sampleCase("c1", "p1", "o1", "")
		put(t, s, func(w procedure.Writer) error {
			if err := w.PutProcedure(ctx, p); err != nil {
				return err
			}
			return w.PutCase(ctx, c)
		})
		// Mutating what was put must not change the store.
		p.Roles[0].Name = "changed"
		p.Items[0].Role = "x"
		c.Contributors[0].Email = "changed@example.com"
		c.Items[0].Documents[0].Name = "changed"
		c.Items[0].Reviews[0].Comment = "changed"
		view(t, s, func(r procedure.Reader) error {
			gp, _ := r.Procedure(ctx, "p1")
			gc, _ := r.Case(ctx, "c1")
			if gp.Roles[0].Name != "Tenant" || gp.Items[0].Role == "x" {
				t.Errorf("procedure aliased the caller's slices: %+v", gp)
			}
			if gc.Contributors[0].Email == "changed@example.com" || gc.Items[0].Documents[0].Name == "changed" || gc.Items[0].Reviews[0].Comment == "changed" {
				t.Errorf("case aliased the caller's slices: %+v", gc)
			}
			// Mutating what was read must not change the store either.
			gp.Roles[0].Name = "again"
			gc.Items[0].Comments[0].Text = "again"
			gc.Items[0].Reviews[0].Comment = "again"
			gc.Contributors[0].Role = "again"
			return nil
		})
		view(t, s, func(r procedure.Reader) error {
			gp, _ := r.Procedure(ctx, "p1")
			gc, _ := r.Case(ctx, "c1")
			if gp.Roles[0].Name != "Tenant" || gc.Items[0].Comments[0].Text != "ok" || gc.Contributors[0].Role == "again" || gc.Items[0].Reviews[0].Comment != "blurry" {
				t.Errorf("reads alias the store: %+v %+v", gp, gc)
			}
			return nil
		})
	})

	t.Run("rollback when fn fails: nothing written, revision unchanged", func(t *testing.T) {
		s := newStore(t)
		rev0 := put(t, s, func(w procedure.Writer) error { return w.PutProcedure(ctx, sampleProcedure("p0", "o1")) })
		boom := errors.New("boom")
		rev, err := s.UpdateProcedures(ctx, func(w procedure.Writer) error {
			if err := w.PutPlan(ctx, procedure.OfficePlan{Office: "o1", Plan: procedure.PlanPlatinum}); err != nil {
				return err
			}
			if err := w.PutProcedure(ctx, sampleProcedure("p1", "o1")); err != nil {
				return err
			}
			changed := sampleProcedure("p0", "o2")
			if err := w.PutProcedure(ctx, changed); err != nil {
				return err
			}
			if err := w.PutCase(ctx, sampleCase("c1", "p1", "o1", "d1")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if rev != 0 && rev != rev0 {
			t.Errorf("failed update returned revision %d", rev)
		}
		view(t, s, func(r procedure.Reader) error {
			if _, err := r.Plan(ctx, "o1"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("plan written despite rollback")
			}
			if _, err := r.Procedure(ctx, "p1"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("procedure written despite rollback")
			}
			if _, err := r.Case(ctx, "c1"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("case written despite rollback")
			}
			ps, _, _ := r.ListProcedures(ctx, procedure.ProcedureFilter{Office: "o2"}, cabinet.Page{})
			if len(ps) != 0 {
				t.Errorf("office index kept a rolled back write: %v", ps)
			}
			ps, _, _ = r.ListProcedures(ctx, procedure.ProcedureFilter{Office: "o1"}, cabinet.Page{})
			if len(ps) != 1 || ps[0].ID != "p0" {
				t.Errorf("office index lost p0: %v", ps)
			}
			cs, _, _ := r.ListCases(ctx, procedure.CaseFilter{Dossier: "d1"}, cabinet.Page{})
			if len(cs) != 0 {
				t.Errorf("dossier index kept a rolled back write: %v", cs)
			}
			return nil
		})
		// A later successful write gets a revision greater than rev0.
		rev2 := put(t, s, func(w procedure.Writer) error {
			return w.PutPlan(ctx, procedure.OfficePlan{Office: "o9", Plan: procedure.PlanStandard})
		})
		if rev2 <= rev0 {
			t.Errorf("revision %d not after %d", rev2, rev0)
		}
		// A transaction that writes nothing keeps the revision.
		rev3 := put(t, s, func(w procedure.Writer) error { return nil })
		if rev3 != rev2 {
			t.Errorf("empty update moved the revision from %d to %d", rev2, rev3)
		}
	})

	t.Run("listings paginate with cursors, ordered by ID", func(t *testing.T) {
		s := newStore(t)
		put(t, s, func(w procedure.Writer) error {
			for i := range 7 {
				office := cabinet.OfficeID(fmt.Sprintf("o%d", i%2))
				if err := w.PutPlan(ctx, procedure.OfficePlan{Office: cabinet.OfficeID(fmt.Sprintf("o%02d", i)), Plan: procedure.PlanStandard}); err != nil {
					return err
				}
				pid := cabinet.ProcedureID(fmt.Sprintf("p%02d", i))
				if err := w.PutProcedure(ctx, sampleProcedure(pid, office)); err != nil {
					return err
				}
				if err := w.PutCase(ctx, sampleCase(cabinet.CaseID(fmt.Sprintf("c%02d", i)), pid, office, cabinet.DossierID(fmt.Sprintf("d%d", i%3)))); err != nil {
					return err
				}
			}
			return nil
		})
		view(t, s, func(r procedure.Reader) error {
			var plans []cabinet.OfficeID
			var cur cabinet.Cursor
			for range 10 {
				page, next, err := r.ListPlans(ctx, cabinet.Page{After: cur, Limit: 3})
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > 3 {
					t.Fatalf("page of %d > limit", len(page))
				}
				for _, p := range page {
					plans = append(plans, p.Office)
				}
				if next == "" {
					break
				}
				cur = next
			}
			if want := []cabinet.OfficeID{"o00", "o01", "o02", "o03", "o04", "o05", "o06"}; !cmp.Equal(plans, want) {
				t.Errorf("plans %v, want %v", plans, want)
			}
			var procs []cabinet.ProcedureID
			cur = ""
			for range 10 {
				page, next, err := r.ListProcedures(ctx, procedure.ProcedureFilter{Office: "o0"}, cabinet.Page{After: cur, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range page {
					procs = append(procs, p.ID)
				}
				if next == "" {
					break
				}
				cur = next
			}
			if want := []cabinet.ProcedureID{"p00", "p02", "p04", "p06"}; !cmp.Equal(procs, want) {
				t.Errorf("procedures of o0 %v, want %v", procs, want)
			}
			all, next, err := r.ListProcedures(ctx, procedure.ProcedureFilter{}, cabinet.Page{})
			if err != nil || len(all) != 7 || next != "" {
				t.Errorf("all procedures: %d, %q, %v", len(all), next, err)
			}
			exact, next, _ := r.ListProcedures(ctx, procedure.ProcedureFilter{}, cabinet.Page{Limit: 7})
			if len(exact) != 7 || next != "" {
				t.Errorf("a full last page must have no next cursor: %d %q", len(exact), next)
			}
			ids := func(f procedure.CaseFilter, limit int) []cabinet.CaseID {
				var out []cabinet.CaseID
				var cur cabinet.Cursor
				for range 20 {
					page, next, err := r.ListCases(ctx, f, cabinet.Page{After: cur, Limit: limit})
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range page {
						out = append(out, c.ID)
					}
					if next == "" {
						break
					}
					cur = next
				}
				return out
			}
			tests := []struct {
				name string
				f    procedure.CaseFilter
				want []cabinet.CaseID
			}{
				{"all", procedure.CaseFilter{}, []cabinet.CaseID{"c00", "c01", "c02", "c03", "c04", "c05", "c06"}},
				{"office", procedure.CaseFilter{Office: "o1"}, []cabinet.CaseID{"c01", "c03", "c05"}},
				{"procedure", procedure.CaseFilter{Procedure: "p03"}, []cabinet.CaseID{"c03"}},
				{"dossier", procedure.CaseFilter{Dossier: "d0"}, []cabinet.CaseID{"c00", "c03", "c06"}},
				{"dossier and office", procedure.CaseFilter{Dossier: "d0", Office: "o0"}, []cabinet.CaseID{"c00", "c06"}},
				{"user", procedure.CaseFilter{User: "u-tenant-c04"}, []cabinet.CaseID{"c04"}},
				{"email ignoring case", procedure.CaseFilter{Email: "guarantor@example.COM"}, []cabinet.CaseID{"c00", "c01", "c02", "c03", "c04", "c05", "c06"}},
				{"nothing", procedure.CaseFilter{User: "nobody"}, nil},
			}
			for _, tt := range tests {
				for _, limit := range []int{0, 1, 2, 5} {
					if got := ids(tt.f, limit); !cmp.Equal(got, tt.want) {
						t.Errorf("%s (limit %d): %v, want %v", tt.name, limit, got, tt.want)
					}
				}
			}
			seats, err := r.Seats(ctx, "u-tenant-c02")
			if err != nil || len(seats) != 1 || seats[0].Case != "c02" || !seats[0].Main || seats[0].Role != "p02-main" || seats[0].Dossier != "d2" {
				t.Errorf("Seats = %+v, %v", seats, err)
			}
			return nil
		})
	})

	t.Run("put replaces and keeps indexes current", func(t *testing.T) {
		s := newStore(t)
		c := sampleCase("c1", "p1", "o1", "d1")
		put(t, s, func(w procedure.Writer) error { return w.PutCase(ctx, c) })
		c.Dossier = "d2"
		c.Contributors[0].User = "u-g"
		c.Recipient.Email = "new@example.com"
		put(t, s, func(w procedure.Writer) error { return w.PutCase(ctx, c) })
		p := sampleProcedure("p1", "o1")
		put(t, s, func(w procedure.Writer) error { return w.PutProcedure(ctx, p) })
		p.Office = "o2"
		put(t, s, func(w procedure.Writer) error { return w.PutProcedure(ctx, p) })
		view(t, s, func(r procedure.Reader) error {
			check := func(f procedure.CaseFilter, want int) {
				got, _, err := r.ListCases(ctx, f, cabinet.Page{})
				if err != nil || len(got) != want {
					t.Errorf("ListCases(%+v) = %d cases, %v; want %d", f, len(got), err, want)
				}
			}
			check(procedure.CaseFilter{Dossier: "d1"}, 0)
			check(procedure.CaseFilter{Dossier: "d2"}, 1)
			check(procedure.CaseFilter{User: "u-g"}, 1)
			check(procedure.CaseFilter{Email: "tenant-c1@example.com"}, 0)
			check(procedure.CaseFilter{Email: "NEW@example.com"}, 1)
			ps, _, _ := r.ListProcedures(ctx, procedure.ProcedureFilter{Office: "o1"}, cabinet.Page{})
			if len(ps) != 0 {
				t.Errorf("procedure still listed under its old office")
			}
			seats, _ := r.Seats(ctx, "u-g")
			if len(seats) != 1 || seats[0].Main || seats[0].Dossier != "d2" {
				t.Errorf("Seats(u-g) = %+v", seats)
			}
			return nil
		})
	})

	t.Run("puts without an ID are refused", func(t *testing.T) {
		s := newStore(t)
		for name, fn := range map[string]func(w procedure.Writer) error{
			"plan":      func(w procedure.Writer) error { return w.PutPlan(ctx, procedure.OfficePlan{}) },
			"procedure": func(w procedure.Writer) error { return w.PutProcedure(ctx, procedure.Procedure{}) },
			"case":      func(w procedure.Writer) error { return w.PutCase(ctx, procedure.Case{}) },
		} {
			if _, err := s.UpdateProcedures(ctx, fn); err == nil {
				t.Errorf("%s without ID accepted", name)
			}
		}
	})

	t.Run("a cancelled context stops View and Update", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ran := false
		if err := s.ViewProcedures(cctx, func(procedure.Reader) error { ran = true; return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("View: %v", err)
		}
		if _, err := s.UpdateProcedures(cctx, func(procedure.Writer) error { ran = true; return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("Update: %v", err)
		}
		if ran {
			t.Errorf("fn ran on a cancelled context")
		}
		// Reader methods honour a context cancelled while fn runs.
		view(t, s, func(r procedure.Reader) error {
			if _, err := r.Procedure(cctx, "p"); !errors.Is(err, context.Canceled) {
				t.Errorf("Procedure: %v", err)
			}
			if _, _, err := r.ListCases(cctx, procedure.CaseFilter{}, cabinet.Page{}); !errors.Is(err, context.Canceled) {
				t.Errorf("ListCases: %v", err)
			}
			if _, err := r.Seats(cctx, "u"); !errors.Is(err, context.Canceled) {
				t.Errorf("Seats: %v", err)
			}
			return nil
		})
	})
}
