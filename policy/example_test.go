package policy_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
)

// exampleOffice builds an office with an admin, a standard collaborator
// assigned to a client group, one grouped dossier and an external advisor.
func exampleOffice() (context.Context, *kit.Kit, cabinet.UserID, cabinet.UserID, cabinet.UserID, cabinet.DossierID) {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(ctx, memstore.New(), kit.WithClock(clock), kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		panic(err)
	}
	mustDo := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	admin, _ := rec(k.Teams.CreateUser(ctx, testHost, "Ada", "ada@example.com"))
	sam, _ := rec(k.Teams.CreateUser(ctx, testHost, "Sam", "sam@example.com"))
	abe, _ := rec(k.Teams.CreateUser(ctx, testHost, "Abe", "abe@example.com"))
	office, err := rec(k.Groups.CreateOffice(ctx, admin.ID, "Practice", "office@example.com"))
	mustDo(err)
	_, err = rec(k.Groups.AddCollaborator(ctx, admin.ID, office.ID, sam.ID, cabinet.ProfileStandard))
	mustDo(err)
	group, err := rec(k.Groups.CreateClientGroup(ctx, admin.ID, office.ID, "North", ""))
	mustDo(err)
	d, err := rec(k.Access.CreateDossier(ctx, admin.ID, office.ID, "Dupont"))
	mustDo(err)
	mustDo(errOf(k.Access.SetStatus(ctx, admin.ID, d.ID, cabinet.DossierActivated)))
	mustDo(errRev(k.Groups.MoveDossier(ctx, admin.ID, d.ID, group.ID)))
	mustDo(errOf(k.Groups.AssignCollaborator(ctx, admin.ID, group.ID, sam.ID)))
	adv, err := rec(k.Access.RegisterAdvisor(ctx, admin.ID, d.ID, access.AdvisorInput{Name: "Abe", Email: "abe@example.com", Phone: "+33612345670", Type: access.AdvisorBanker}))
	mustDo(err)
	_, err = rec(k.Access.GrantAdvisor(ctx, admin.ID, adv.ID, access.LevelReadOnly))
	mustDo(err)
	return ctx, k, admin.ID, sam.ID, abe.ID, d.ID
}

// Check answers with the routes that allow, or the rule that forbids.
func ExampleEngine_Check() {
	ctx, k, admin, sam, abe, d := exampleOffice()
	ask := func(who cabinet.UserID, a policy.Action) {
		dec, err := k.Policy.Check(ctx, policy.User(who), a, policy.DossierResource(d))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s: %s\n", who, a, dec)
	}
	ask(admin, policy.ViewDossier)
	ask(sam, policy.ViewDossier)
	ask(abe, policy.ViewDossier)
	ask(abe, policy.UseReports)
	ask(sam, policy.ManageExternalAdvisors)
	ask("nobody", policy.ViewDossier)
	// Output:
	// user_1 view_dossier: allow via admin|manager (GRP-3)
	// user_3 view_dossier: allow via group_direct (GRP-3)
	// user_5 view_dossier: allow via external_advisor (ACC-10)
	// user_5 use_reports: deny: external advisors cannot use reports (ACC-10)
	// user_3 manage_external_advisors: deny: only the dossier's manager manages external advisors' access (ACC-9)
	// nobody view_dossier: deny: the subject is not a known account (POL-4)
}

// Dossiers and Viewers are the reverse questions (POL-3).
func ExampleEngine_Viewers() {
	ctx, k, _, sam, _, d := exampleOffice()
	for a, err := range k.Policy.Viewers(ctx, d) {
		if err != nil {
			panic(err)
		}
		fmt.Println(a.User, a.Routes)
	}
	for id, err := range k.Policy.Dossiers(ctx, policy.User(sam), policy.DossierQuery{Status: cabinet.DossierActivated}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(sam, "sees", id)
	}
	// Output:
	// user_1 admin|manager
	// user_3 group_direct
	// user_5 external_advisor
	// user_3 sees dos_9
}
