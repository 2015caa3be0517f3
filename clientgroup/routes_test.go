package clientgroup_test

import (
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
)

// GRP-3 permission matrix for the pure function: each of the five routes
// alone, combinations, and GRP-2/GRP-11 cut-offs.
func TestInternalRoutesMatrix(t *testing.T) {
	dossier := cabinet.DossierFacts{ID: "d", Office: "o", Status: cabinet.DossierActivated, Manager: "mia", Assigned: []cabinet.UserID{"abe", "ava"}}
	type who struct {
		user    cabinet.UserID
		profile cabinet.Profile
		direct  bool
		viaCG   bool
	}
	check := func(w who, group cabinet.ClientGroupID, want cabinet.Routes) {
		t.Helper()
		f := clientgroup.RouteFacts{Dossier: dossier, Profile: w.profile, ClientGroup: group, Direct: w.direct, ThroughCollaboratorGroup: w.viaCG}
		if got := clientgroup.InternalRoutes(w.user, f); got != want {
			t.Errorf("%s (%v, direct=%v, viaCG=%v) group %q: %v, want %v", w.user, w.profile, w.direct, w.viaCG, group, got, want)
		}
		// InternalRoutesOf, the same rule with the facts passed apart.
		if got := clientgroup.InternalRoutesOf(w.user, &f.Dossier, w.profile, group != "", w.direct, w.viaCG); got != want {
			t.Errorf("InternalRoutesOf: %s (%v, direct=%v, viaCG=%v) group %q: %v, want %v", w.user, w.profile, w.direct, w.viaCG, group, got, want)
		}
	}
	std := cabinet.ProfileStandard
	check(who{"adm", cabinet.ProfileAdmin, false, false}, "", cabinet.RouteAdmin)
	check(who{"mia", std, false, false}, "", cabinet.RouteManager)
	check(who{"ava", std, false, false}, "", cabinet.RouteAssigned)
	check(who{"gus", std, true, false}, "g", cabinet.RouteGroupDirect)
	check(who{"cal", std, false, true}, "g", cabinet.RouteCollaboratorGroup)
	check(who{"gus", std, true, false}, "", cabinet.NoRoutes) // GRP-2
	check(who{"cal", std, false, true}, "", cabinet.NoRoutes) // GRP-2
	check(who{"nob", std, false, false}, "g", cabinet.NoRoutes)
	check(who{"mia", cabinet.ProfileAdmin, true, true}, "g", cabinet.RouteAdmin|cabinet.RouteManager|cabinet.RouteGroupDirect|cabinet.RouteCollaboratorGroup)
	// GRP-11: no profile in the office, no route.
	check(who{"mia", cabinet.ProfileInvalid, true, true}, "g", cabinet.NoRoutes)
	check(who{"", cabinet.ProfileAdmin, true, true}, "g", cabinet.NoRoutes)
	// unknown dossier (no office): no route.
	if got := clientgroup.InternalRoutes("adm", clientgroup.RouteFacts{Profile: cabinet.ProfileAdmin}); got != cabinet.NoRoutes {
		t.Errorf("no office: %v", got)
	}
	if got := clientgroup.InternalRoutesOf("adm", &cabinet.DossierFacts{}, cabinet.ProfileAdmin, true, true, true); got != cabinet.NoRoutes {
		t.Errorf("InternalRoutesOf, no office: %v", got)
	}
	if got := clientgroup.InternalRoutesOf("adm", nil, cabinet.ProfileAdmin, true, true, true); got != cabinet.NoRoutes {
		t.Errorf("InternalRoutesOf, nil facts: %v", got)
	}
}

// GRP-5, GRP-1 predicates.
func TestPredicates(t *testing.T) {
	if err := clientgroup.CanAdminister(cabinet.ProfileAdmin); err != nil {
		t.Errorf("admin: %v", err)
	}
	for _, p := range []cabinet.Profile{cabinet.ProfileStandard, cabinet.ProfileInvalid} {
		if err := clientgroup.CanAdminister(p); !errors.Is(err, cabinet.ErrForbidden) || cabinet.RuleOf(err) != "GRP-5" {
			t.Errorf("%v: %v", p, err)
		}
	}
	g := clientgroup.ClientGroup{ID: "g", Office: "o"}
	for _, c := range []struct {
		d    cabinet.DossierFacts
		rule string
	}{
		{cabinet.DossierFacts{ID: "d", Office: "o", Status: cabinet.DossierActivated}, ""},
		{cabinet.DossierFacts{ID: "d", Office: "o", Status: cabinet.DossierDraft}, "GRP-5"},
		{cabinet.DossierFacts{ID: "d", Office: "o", Status: cabinet.DossierArchived}, "ACC-12"}, // v2: archived is read-only (was GRP-5)
		{cabinet.DossierFacts{ID: "d", Office: "x", Status: cabinet.DossierActivated}, "GRP-1"},
	} {
		err := clientgroup.CanPlace(c.d, g)
		want := cabinet.ErrForbidden
		if c.rule == "GRP-1" || c.rule == "ACC-12" {
			want = cabinet.ErrConflict // an invalid target, not a permission
		}
		if cabinet.RuleOf(err) != c.rule || (c.rule == "") != (err == nil) || (err != nil && !errors.Is(err, want)) {
			t.Errorf("CanPlace(%+v) = %v, want rule %q", c.d, err, c.rule)
		}
	}
	if got := clientgroup.ContactAddress("", "", "o@x.be"); got != "o@x.be" { // GRP-7
		t.Errorf("ContactAddress = %q", got)
	}
}

func TestHotPathAllocations(t *testing.T) {
	f := clientgroup.RouteFacts{
		Dossier:     cabinet.DossierFacts{ID: "d", Office: "o", Status: cabinet.DossierActivated, Manager: "m", Assigned: []cabinet.UserID{"a", "b", "c"}},
		Profile:     cabinet.ProfileStandard,
		ClientGroup: "g", Direct: true, ThroughCollaboratorGroup: true,
	}
	g := clientgroup.ClientGroup{ID: "g", Office: "o"}
	var sink cabinet.Routes
	n := testing.AllocsPerRun(1000, func() {
		sink |= clientgroup.InternalRoutes("c", f)
		sink |= clientgroup.InternalRoutesOf("c", &f.Dossier, f.Profile, true, true, true)
		if clientgroup.CanAdminister(cabinet.ProfileAdmin) != nil || clientgroup.CanPlace(f.Dossier, g) != nil {
			panic("denied")
		}
	})
	if n != 0 {
		t.Errorf("InternalRoutes/CanAdminister/CanPlace allocate %v times per run", n)
	}
	_ = sink
}

func BenchmarkInternalRoutes(b *testing.B) {
	f := clientgroup.RouteFacts{
		Dossier: cabinet.DossierFacts{ID: "d", Office: "o", Manager: "m", Assigned: []cabinet.UserID{"a", "b", "c"}},
		Profile: cabinet.ProfileStandard, ClientGroup: "g", ThroughCollaboratorGroup: true,
	}
	for b.Loop() {
		_ = clientgroup.InternalRoutes("c", f)
	}
}
