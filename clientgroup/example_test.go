package clientgroup_test

import (
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
)

// InternalRoutes is pure: the policy package can call it with facts from its
// own index.
func ExampleInternalRoutes() {
	f := clientgroup.RouteFacts{
		Dossier:     cabinet.DossierFacts{ID: "d1", Office: "o1", Status: cabinet.DossierActivated, Manager: "mia"},
		Profile:     cabinet.ProfileStandard,
		ClientGroup: "g1",
		Direct:      true,
	}
	fmt.Println(clientgroup.InternalRoutes("mia", f))
	f.Profile = cabinet.ProfileInvalid // mia left the office (GRP-11)
	fmt.Println(clientgroup.InternalRoutes("mia", f))
	// Output:
	// manager|group_direct
	// none
}

// InternalRoutesOf takes the same facts apart, the dossier's by pointer:
// for an index that holds them in its own records.
func ExampleInternalRoutesOf() {
	d := cabinet.DossierFacts{ID: "d1", Office: "o1", Status: cabinet.DossierActivated, Manager: "mia"}
	fmt.Println(clientgroup.InternalRoutesOf("mia", &d, cabinet.ProfileStandard, true, true, false))
	fmt.Println(clientgroup.InternalRoutesOf("mia", &d, cabinet.ProfileStandard, false, true, false)) // no client group (GRP-2)
	// Output:
	// manager|group_direct
	// manager
}

func ExampleService_MoveDossier() {
	e := newEnv(nil)
	g1, _, _ := e.svc.CreateClientGroup(ctx, "ann", e.office, "General", "")
	g2, _, _ := e.svc.CreateClientGroup(ctx, "ann", e.office, "Estates", "")
	_, _, _ = e.svc.AssignCollaborator(ctx, "ann", g1.ID, "ugo")
	_, _, _ = e.svc.AssignCollaborator(ctx, "ann", g2.ID, "tia")

	_, _ = e.svc.MoveDossier(ctx, "ann", "act3", g1.ID)
	ugo, _ := e.svc.Routes(ctx, "ugo", "ugo", "act3")
	tia, _ := e.svc.Routes(ctx, "tia", "tia", "act3")
	fmt.Println("in General: ugo", ugo, "/ tia", tia)

	_, _ = e.svc.MoveDossier(ctx, "ann", "act3", g2.ID)
	ugo, _ = e.svc.Routes(ctx, "ugo", "ugo", "act3")
	tia, _ = e.svc.Routes(ctx, "tia", "tia", "act3")
	fmt.Println("in Estates: ugo", ugo, "/ tia", tia)

	_, err := e.svc.MoveDossier(ctx, "ann", "draft", g2.ID)
	fmt.Println(cabinet.RuleOf(err), err)
	// Output:
	// in General: ugo group_direct / tia none
	// in Estates: ugo none / tia group_direct
	// GRP-5 cabinet: forbidden: dossier draft is draft; only activated dossiers can be put into a client group (GRP-5)
}

func ExampleService_DuplicateNames() {
	e := newEnv(nil)
	_, _, _ = e.svc.CreateClientGroup(ctx, "ann", e.office, "General", "")
	_, _, _ = e.svc.CreateClientGroup(ctx, "ann", e.office, "Estates", "")
	_, _, _ = e.svc.CreateClientGroup(ctx, "ann", e.office, "general", "")
	dups, _ := e.svc.DuplicateNames(ctx, "ann", e.office)
	for _, d := range dups {
		fmt.Println(d.Name, d.Groups)
	}
	// Output:
	// General [group_2 group_4]
}

// A direct assignment until an instant (issue 16): the group_direct route
// closes at ExpiresAt, with no command, at the service's clock.
func ExampleService_AssignCollaboratorUntil() {
	e := newEnv(nil)
	g, _, _ := e.svc.CreateClientGroup(ctx, "ann", e.office, "Succession Roux", "")
	_, _ = e.svc.MoveDossier(ctx, "ann", "act3", g.ID)
	until := e.clock.Now().Add(72 * time.Hour)
	a, _, err := e.svc.AssignCollaboratorUntil(ctx, "ann", g.ID, "ugo", until)
	fmt.Println(a.User, a.ExpiresAt.Format(time.RFC3339), err)

	routes, _ := e.svc.Routes(ctx, "ugo", "ugo", "act3")
	fmt.Println("before:", routes)
	e.clock.Advance(72 * time.Hour)
	routes, _ = e.svc.Routes(ctx, "ugo", "ugo", "act3")
	fmt.Println("at the expiry:", routes)

	_, _, err = e.svc.AssignCollaboratorUntil(ctx, "ann", g.ID, "ugo", e.clock.Now())
	fmt.Println(err)
	// Output:
	// ugo 2026-03-04T09:00:00Z <nil>
	// before: group_direct
	// at the expiry: none
	// cabinet: invalid expires_at: 2026-03-04T09:00:00Z is not after now (2026-03-04T09:00:00Z)
}
