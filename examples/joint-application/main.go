// Command joint-application tells the story of a rental application with a
// tenant and a guarantor (package procedure, PROC-1 … PROC-7): the office
// starts its free trial of contributor roles, configures the procedure,
// splits the documents between the two roles, opens a case, invites the
// guarantor with her contact details, and the guarantor sees and acts on
// only her own items and none of the tenant's details — even after the
// trial has ended — while the office's staff see every seat and review
// every item.
//
// The office directory, the dossier and the accounts come from small
// stand-ins here; in a real host they are clientgroup.Service,
// access.Service and team.Service.
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
)

// directory stands in for clientgroup, access, team and contact.
type directory struct {
	accounts map[string]cabinet.User
}

func (directory) Profile(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	if office == "office_martin" && user == "alice" {
		return cabinet.ProfileAdmin, nil
	}
	return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", user)
}

func (directory) ReachesDossier(_ context.Context, _ cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	return user == "alice" && dossier == "dossier_tom", nil
}

func (directory) DossierFacts(_ context.Context, _ cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	if id != "dossier_tom" {
		return cabinet.DossierFacts{}, cabinet.NotFound("dossier", id)
	}
	return cabinet.DossierFacts{ID: id, Office: "office_martin", Status: cabinet.DossierActivated, Manager: "alice"}, nil
}

func (d directory) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	if u, ok := d.accounts[cabinet.EmailKey(email)]; ok {
		return u, nil
	}
	return cabinet.User{}, cabinet.NotFound("user", email)
}

func (directory) Contact(_ context.Context, _ cabinet.Tx, id cabinet.ContactID) (contact.Contact, error) {
	return contact.Contact{}, cabinet.NotFound("contact", id)
}

func main() {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	events := &cabinet.EventLog{}
	dir := directory{accounts: map[string]cabinet.User{"tom@example.com": {ID: "tom", Email: "tom@example.com"}}}
	store := memstore.New()
	svc := procedure.NewService(store, dir, dir, dir, dir,
		cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(events))

	step := func(format string, args ...any) { fmt.Printf("• "+format+"\n", args...) }
	check := func(err error) {
		if err != nil {
			panic(err)
		}
	}

	fmt.Println("Agence Martin prepares a joint rental application.")
	p, _, err := svc.CreateProcedure(ctx, "alice", "office_martin", "Rental application", "Tenant")
	check(err)
	step("Alice (admin) created the procedure %q with the main recipient role %q.", p.Name, p.MainRole().Name)

	_, _, err = svc.AddRole(ctx, "alice", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))
	step("Adding a guarantor role on the standard plan: %v", err)

	plan, _, err := svc.StartTrial(ctx, "alice", "office_martin")
	check(err)
	step("Alice started the free trial; it ends at %s.", plan.TrialEndsAt().Format(time.RFC3339))

	g, _, err := svc.AddRole(ctx, "alice", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))
	check(err)
	step("Role %q added with permissions %s.", g.Name, g.Permissions)

	for _, it := range []struct {
		name string
		role procedure.RoleID
	}{{"ID card", ""}, {"Last three payslips", ""}, {"Guarantor's ID card", g.ID}, {"Guarantor's tax notice", g.ID}} {
		item, _, err := svc.AddItem(ctx, "alice", p.ID, it.name, it.role)
		check(err)
		owner := p.MainRole().Name
		if item.Role == g.ID {
			owner = g.Name
		}
		step("Item %q → %s.", item.Name, owner)
	}
	_, _, err = svc.SetAutomation(ctx, "alice", p.ID, true)
	check(err)
	step("A notification automation now emails every invited contributor.")

	c, _, err := svc.OpenCase(ctx, "alice", p.ID, "dossier_tom", procedure.Invitee{Email: "tom@example.com"})
	check(err)
	step("Case %s opened in Tom's dossier; Tom already has an account (%s).", c.ID, c.Recipient.User)

	_, _, err = svc.InviteContributor(ctx, "alice", c.ID, g.ID, procedure.Invitee{Name: "Gina Moreau", Email: "gina@example.com", Phone: "06 12 34 56 78"}, false)
	check(err)
	step("Gina invited as guarantor: event %s.", events.Names()[len(events.Names())-1])
	seats, err := svc.CaseSeats(ctx, "alice", c.ID)
	check(err)
	for _, st := range seats {
		step("Seat %s: filled %v by %s %s, notified at %s.", st.Role.Name, st.Filled, st.Participant.Name, st.Participant.Email,
			st.Participant.NotifiedAt.Format(time.RFC3339))
	}

	_, _, err = svc.InviteContributor(ctx, "alice", c.ID, g.ID, procedure.Invitee{Email: "george@example.com"}, false)
	step("Inviting a second guarantor: %v", err)

	gina := cabinet.User{ID: "gina", DisplayName: "Gina", Email: "gina@example.com"}
	dir.accounts["gina@example.com"] = gina
	check(signUp(ctx, store, svc, gina))
	step("Gina created her account; her seat is now linked to it.")

	show := func(who cabinet.UserID) {
		v, err := svc.ParticipantView(ctx, who, c.ID)
		check(err)
		for _, it := range v.Items {
			fmt.Printf("    %s sees %q\n", who, it.Item.Name)
		}
	}
	show("tom")
	show("gina")

	pp, err := svc.Procedure(ctx, "alice", p.ID)
	check(err)
	tenantItem := pp.Items // ID card, payslips, guarantor's ID card, guarantor's tax notice
	_, _, err = svc.Upload(ctx, "gina", c.ID, tenantItem[1].ID, "payslip.pdf")
	step("Gina tries to upload to %q: %v", tenantItem[1].Name, err)
	_, _, err = svc.Upload(ctx, "gina", c.ID, tenantItem[3].ID, "avis-imposition.pdf")
	check(err)
	step("Gina uploaded avis-imposition.pdf to %q.", tenantItem[3].Name)
	_, _, err = svc.Submit(ctx, "gina", c.ID, tenantItem[3].ID)
	step("Gina tries to submit it: %v", err)
	_, err = svc.Case(ctx, "gina", c.ID)
	step("Gina asks for the whole case: %v", err)
	iv, err := svc.CaseItem(ctx, "alice", c.ID, tenantItem[3].ID)
	check(err)
	step("Alice (staff) sees %q with %d document(s) uploaded by %s.", iv.Item.Name, len(iv.State.Documents), iv.State.Documents[0].By)

	clock.Set(plan.TrialEndsAt())
	step("The trial ended at %s.", clock.Now().Format(time.RFC3339))
	_, _, err = svc.AddRole(ctx, "alice", p.ID, "Co-tenant", procedure.PermissionsOf(procedure.PermView))
	step("Adding a co-tenant role: %v", err)
	_, _, err = svc.Upload(ctx, "gina", c.ID, tenantItem[2].ID, "carte-identite.pdf")
	check(err)
	step("Gina still uploads to %q: her access stays.", tenantItem[2].Name)

	it, _, err := svc.ReassignItem(ctx, "alice", p.ID, tenantItem[3].ID, "")
	check(err)
	step("Alice gives %q back to the tenant.", it.Name)
	show("tom")
	show("gina")

	fmt.Println("Events published:")
	for _, n := range events.Names() {
		fmt.Println("   ", n)
	}
}

// signUp stands in for the account service: it links what waited for u's
// email inside one transaction, as team.Service.CreateUser does for every
// package when they are wired together (package kit).
func signUp(ctx context.Context, store *memstore.Store, svc cabinet.AccountListener, u cabinet.User) error {
	_, err := store.UpdateProcedures(ctx, func(w procedure.Writer) error {
		_, err := svc.AccountCreated(ctx, w.Tx(), u)
		return err
	})
	return err
}
