package policy_test

import (
	"slices"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/policy"
)

// TestGRP3EveryAssignedCollaboratorReaches (issue 15: the index keeps a
// dossier's manager and assigned collaborators as interned integers and
// rebuilds the facts the predicates read): on a dossier in no client group,
// with a manager and three assigned collaborators, each of them — the last
// one too — reaches the dossier by their own route on every path that reads
// the staff (Check, Viewers, Explain), and nobody else but the admin does.
// Dropping the last assigned collaborator from the rebuilt facts fails it.
func TestGRP3EveryAssignedCollaboratorReaches(t *testing.T) {
	w := newEngWorld(t)
	ctx, k := w.ctx, w.k
	staff := []cabinet.UserID{w.staff, w.other}
	for _, n := range []string{"Ann", "Bob", "Cyd"} {
		u := w.user(n, n+"@example.com")
		engMust(rec(k.Groups.AddCollaborator(ctx, w.admin, w.office, u, cabinet.ProfileStandard)))(t)
		staff = append(staff, u)
	}
	engOK(t, errOf(k.Access.SetStatus(ctx, w.admin, w.dossier, cabinet.DossierActivated)))
	engOK(t, errOf(k.Access.SetManager(ctx, w.admin, w.dossier, w.staff)))
	assigned := staff[1:]
	engOK(t, errOf(k.Access.SetAssigned(ctx, w.admin, w.dossier, assigned)))
	w.fresh()

	want := map[cabinet.UserID]cabinet.Routes{w.admin: cabinet.RouteAdmin, w.staff: cabinet.RouteManager}
	for _, a := range assigned {
		want[a] = cabinet.RouteAssigned
	}
	for who, routes := range want {
		w.want(policy.User(who), policy.ViewDossier, policy.DossierResource(w.dossier), routes)
		tr, err := k.Policy.Explain(ctx, policy.User(who), policy.ViewDossier, policy.DossierResource(w.dossier))
		if err != nil {
			t.Fatal(err)
		}
		open := cabinet.NoRoutes
		for _, s := range tr.Steps {
			if s.Allowed {
				open |= s.Route
			}
		}
		if open != routes {
			t.Errorf("Explain(%s): open routes %v, want %v", who, open, routes)
		}
	}
	got := w.viewers(w.dossier)
	var wantViewers []cabinet.UserID
	for u := range want {
		wantViewers = append(wantViewers, u)
	}
	slices.Sort(wantViewers)
	if !slices.Equal(got, wantViewers) {
		t.Errorf("Viewers(%s) = %v, want %v", w.dossier, got, wantViewers)
	}
}
