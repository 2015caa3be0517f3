package policy_test

import (
	"context"
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
)

// Resources lists, page by page, the dossiers, teams, cases or items on
// which a subject may take an action (POL-3).
func ExampleEngine_Resources() {
	ctx, k, admin, sam, abe, d := exampleOffice()
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	dossier, err := k.Access.Dossier(ctx, admin, d)
	must(err)
	office := dossier.Office
	p, err := rec(k.Procedures.CreateProcedure(ctx, admin, office, "Loan", "Client"))
	must(err)
	must(errOf(k.Procedures.AddItem(ctx, admin, p.ID, "ID card", p.Roles[0].ID)))
	must(errOf(k.Procedures.AddItem(ctx, admin, p.ID, "Payslip", p.Roles[0].ID)))
	must(errOf(k.Procedures.OpenCase(ctx, sam, p.ID, d, procedure.Invitee{Email: "abe@example.com"})))
	must(errOf(k.Teams.CreateTeam(ctx, sam, "Succession desk", sam)))

	list := func(who cabinet.UserID, a policy.Action) {
		for r, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]policy.Resource, cabinet.Cursor, error) {
			pg, err := k.Policy.Resources(ctx, policy.User(who), policy.ResourceQuery{Action: a}, p)
			return pg.Resources, pg.Next, err
		}) {
			must(err)
			fmt.Printf("%s %s: %s\n", who, a, r)
		}
	}
	list(sam, policy.UseReports)        // the dossiers
	list(sam, policy.RenameTeam)        // the teams Sam administers, never a personal one (TEAM-6)
	list(sam, policy.InviteContributor) // no premium option (PROC-1)
	list(sam, policy.ReviewItem)        // staff who reach the case (PROC-7)
	list(abe, policy.UploadItem)        // the main recipient's items (PROC-3)
	// Output:
	// user_3 use_reports: dossier dos_9
	// user_3 rename_team: team team_17
	// user_3 review_item: item case_16/item_14
	// user_3 review_item: item case_16/item_15
	// user_5 upload_item: item case_16/item_14
	// user_5 upload_item: item case_16/item_15
}

// Who lists who may take an action on a resource, with the routes and the
// rule of each decision, one page at a time: a page with more after it has
// a next cursor (POL-3).
func ExampleEngine_Who() {
	ctx, k, _, _, _, d := exampleOffice()
	q := policy.WhoQuery{Action: policy.ViewDossier, Resource: policy.DossierResource(d)}
	p := cabinet.FirstPage(2)
	for {
		pg, err := k.Policy.Who(ctx, q, p)
		if err != nil {
			panic(err)
		}
		for _, w := range pg.Permits {
			fmt.Println(w.User, w.Routes, w.Rule)
		}
		fmt.Println("-- revision", pg.Revision, "more:", pg.Next != "")
		if pg.Next == "" {
			break
		}
		p = p.Next(pg.Next)
	}
	// Output:
	// user_1 admin|manager GRP-3
	// user_3 group_direct GRP-3
	// -- revision 12 more: true
	// user_5 external_advisor ACC-10
	// -- revision 12 more: false
}

// DossiersPage pages Dossiers' answer; a cursor is valid only with the
// query that returned it.
func ExampleEngine_DossiersPage() {
	ctx, k, admin, sam, _, _ := exampleOffice()
	q := policy.DossierQuery{Action: policy.SetManager}
	pg, err := k.Policy.DossiersPage(ctx, policy.User(admin), q, cabinet.FirstPage(10))
	if err != nil {
		panic(err)
	}
	fmt.Println(admin, q.Action, pg.Dossiers, "more:", pg.Next != "")
	_, err = k.Policy.DossiersPage(ctx, policy.User(sam), q, cabinet.Page{After: "not-a-cursor"})
	fmt.Println(err)
	// Output:
	// user_1 set_manager [dos_9] more: false
	// cabinet: invalid cursor: is not a cursor of this query
}
