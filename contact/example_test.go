package contact_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
)

// directory is a one-office directory for the examples: alice is its admin.
type directory struct{}

func (directory) Profile(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	if office == "office_1" && user == "alice" {
		return cabinet.ProfileAdmin, nil
	}
	return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", user)
}

func (directory) CollaboratorSince(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (time.Time, error) {
	if office == "office_1" && user == "alice" {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, cabinet.NotFound("collaborator", user)
}

func (directory) ReachesDossier(context.Context, cabinet.Tx, cabinet.UserID, cabinet.DossierID) (bool, error) {
	return false, nil
}

// noDossiers knows no dossier.
type noDossiers struct{}

func (noDossiers) DossierFacts(_ context.Context, _ cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	return cabinet.DossierFacts{}, cabinet.NotFound("dossier", id)
}

func (noDossiers) PersonDossier(_ context.Context, _ cabinet.Tx, id access.PersonID) (cabinet.DossierID, error) {
	return "", cabinet.NotFound("person", id)
}

// noAccounts knows no account.
type noAccounts struct{}

func (noAccounts) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	return cabinet.User{}, cabinet.NotFound("user", email)
}

// A client is added, invited, and becomes active when the person creates an
// account (CON-1).
func Example_clientLifecycle() {
	ctx := context.Background()
	log := &cabinet.EventLog{}
	store := memstore.New(memstore.Deliver(log)) // the host's sink, fed from the store's change log
	svc := contact.NewService(store, directory{}, noAccounts{}, noDossiers{},
		cabinet.WithIDs(&cabinet.SequentialIDs{}),
		cabinet.WithClock(cabinet.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))))

	c, _, _ := svc.CreateContact(ctx, "alice", "office_1", contact.KindClient,
		contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com"})
	fmt.Println(c.ID, c.Kind, c.Status)
	c, _, _ = svc.InviteContact(ctx, "alice", c.ID)
	fmt.Println(c.ID, c.Status)
	_ = signUp(ctx, store, svc, cabinet.User{ID: "user_ann", Email: "Ann@example.com"})
	c, _ = svc.Contact(ctx, "alice", c.ID)
	fmt.Println(c.ID, c.Status, c.User)
	_, _, err := svc.CreateContact(ctx, "alice", "office_1", contact.KindPartner,
		contact.Fields{FirstName: "A", LastName: "Nother", Email: "ANN@example.com"})
	fmt.Println(err)
	fmt.Println(log.Names())
	// Output:
	// contact_1 client added
	// contact_1 invited
	// contact_1 active user_ann
	// cabinet: conflict: email ANN@example.com is already used by contact contact_1 (Ann Lee) (CON-7)
	// [contact.contact_created contact.contact_invited contact.contact_activated]
}

// Selling a unit names its buyer among the attached leads: only the buyer
// becomes a client, the other lead stays a lead (CON-5); impersonating the
// new client is refused until it is invited (CON-6).
func Example_saleAndImpersonation() {
	ctx := context.Background()
	svc := contact.NewService(memstore.New(), directory{}, noAccounts{}, noDossiers{},
		cabinet.WithIDs(&cabinet.SequentialIDs{}),
		cabinet.WithClock(cabinet.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))))

	lead, _, _ := svc.CreateContact(ctx, "alice", "office_1", contact.KindLead, contact.Fields{FirstName: "Leo", LastName: "Ray"})
	other, _, _ := svc.CreateContact(ctx, "alice", "office_1", contact.KindLead, contact.Fields{FirstName: "Mia", LastName: "Fox"})
	unit, _, _ := svc.CreateUnit(ctx, "alice", "office_1", "Flat 2B")
	_, _, _ = svc.AttachLead(ctx, "alice", unit.ID, lead.ID)
	_, _, _ = svc.AttachLead(ctx, "alice", unit.ID, other.ID)
	_, _, err := svc.MarkUnitSold(ctx, "alice", unit.ID, nil)
	fmt.Println(err)
	unit, _, _ = svc.MarkUnitSold(ctx, "alice", unit.ID, []cabinet.ContactID{lead.ID})
	fmt.Println(unit.Status, unit.Buyers)
	c, _ := svc.Contact(ctx, "alice", lead.ID)
	o, _ := svc.Contact(ctx, "alice", other.ID)
	fmt.Println(c.Kind, c.Status, "/", o.Kind)

	_, _, err = svc.StartImpersonation(ctx, "alice", c.ID)
	fmt.Println(err)
	_, _, err = svc.InviteContact(ctx, "alice", c.ID)
	fmt.Println(err)
	_, _, _ = svc.EditContact(ctx, "alice", c.ID, contact.Fields{FirstName: "Leo", LastName: "Ray", Email: "leo@example.com"})
	_, _, _ = svc.InviteContact(ctx, "alice", c.ID)
	s, _, _ := svc.StartImpersonation(ctx, "alice", c.ID)
	sub, _ := svc.ResolveSession(ctx, "alice", s.ID)
	fmt.Printf("as %s, actor %s, until %s\n", sub.Contact, sub.Actor, s.ExpiresAt.Format(time.Kitchen))
	_, _, _ = svc.StopImpersonation(ctx, "alice", s.ID)
	_, err = svc.ResolveSession(ctx, "alice", s.ID)
	fmt.Println(err)
	// Output:
	// cabinet: invalid buyers: a sale names at least one buyer among the unit's leads (CON-5)
	// sold [contact_1]
	// client added / lead
	// cabinet: forbidden: a contact must be invited or active to be impersonated, not added (CON-6)
	// cabinet: invalid email: contact contact_1 needs an email before it can be invited
	// as contact_1, actor alice, until 10:00AM
	// cabinet: forbidden: impersonation session session_5 is not active (CON-6)
}

// CanImpersonate is the pure CON-6 predicate that package policy composes.
func ExampleCanImpersonate() {
	c := contact.Contact{ID: "contact_1", Office: "office_1", Kind: contact.KindLead, Status: contact.StatusAdded}
	fmt.Println(contact.CanImpersonate("office_1", cabinet.ProfileStandard, c, cabinet.ProfileInvalid))
	c.Kind, c.Status = contact.KindPartner, contact.StatusInvited
	fmt.Println(contact.CanImpersonate("office_1", cabinet.ProfileStandard, c, cabinet.ProfileInvalid))
	// Output:
	// cabinet: forbidden: a lead cannot be impersonated (CON-6)
	// <nil>
}
