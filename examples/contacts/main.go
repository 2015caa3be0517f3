// Command contacts tells the story of package contact: an office adds a
// client, a partner with a new company and a lead; invites the client, who
// creates an account; sells a unit to one of the two leads attached to it,
// who becomes a client while the other stays a lead; and a collaborator
// impersonates the client to show the portal, then stops.
//
// Run it with: go run ./examples/contacts
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
)

const office cabinet.OfficeID = "office_riverside"

// directory stands in for clientgroup.Service: alice is the office's admin.
type directory struct{}

func (directory) Profile(_ context.Context, _ cabinet.Tx, o cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	if o == office && u == "alice" {
		return cabinet.ProfileAdmin, nil
	}
	return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", u)
}

func (directory) CollaboratorSince(_ context.Context, _ cabinet.Tx, o cabinet.OfficeID, u cabinet.UserID) (time.Time, error) {
	if o == office && u == "alice" {
		return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, cabinet.NotFound("collaborator", u)
}

func (directory) ReachesDossier(context.Context, cabinet.Tx, cabinet.UserID, cabinet.DossierID) (bool, error) {
	return false, nil
}

// dossiers stands in for access.Facts: this story links no contact to a
// dossier (package kit wires the real facts).
type dossiers struct{}

func (dossiers) DossierFacts(_ context.Context, _ cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	return cabinet.DossierFacts{}, cabinet.NotFound("dossier", id)
}

func (dossiers) PersonDossier(_ context.Context, _ cabinet.Tx, id access.PersonID) (cabinet.DossierID, error) {
	return "", cabinet.NotFound("person", id)
}

// accounts stands in for team.Service: nobody has an account yet.
type accounts struct{}

func (accounts) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	return cabinet.User{}, cabinet.NotFound("user", email)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	log := &cabinet.EventLog{}
	store := memstore.New()
	svc := contact.NewService(store, directory{}, accounts{}, dossiers{},
		cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(log))
	const alice cabinet.UserID = "alice"

	step := func(title string) {
		fmt.Printf("\n== %s\n", title)
		log.Reset()
	}
	events := func() {
		for _, e := range log.Events() {
			fmt.Printf("   event %s %+v\n", e.EventName(), e)
		}
	}

	step("Alice adds a client (first name, last name and email are required, CON-1)")
	ann, _, err := svc.CreateContact(ctx, alice, office, contact.KindClient,
		contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann.lee@example.com"})
	if err != nil {
		return err
	}
	fmt.Printf("%s %s is a %s, status %q: no platform access yet\n", ann.ID, ann.Name(), ann.Kind, ann.Status)
	events()

	step("Alice adds a partner in a company created on the spot (CON-2)")
	pat, _, err := svc.CreateContact(ctx, alice, office, contact.KindPartner,
		contact.Fields{FirstName: "Pat", LastName: "Ng", Email: "pat@notaires.example", NewCompany: "Notaires & Co"})
	if err != nil {
		return err
	}
	ov, err := svc.CompanyOverview(ctx, alice, pat.Company)
	if err != nil {
		return err
	}
	fmt.Printf("company %s %q lists %d partner(s): %s\n", ov.Company.ID, ov.Company.Name, len(ov.Partners), ov.Partners[0].Partner.Name())
	events()

	step("Alice adds two leads: names only (CON-3)")
	leo, _, err := svc.CreateContact(ctx, alice, office, contact.KindLead, contact.Fields{FirstName: "Leo", LastName: "Ray"})
	if err != nil {
		return err
	}
	mia, _, err := svc.CreateContact(ctx, alice, office, contact.KindLead, contact.Fields{FirstName: "Mia", LastName: "Fox"})
	if err != nil {
		return err
	}
	fmt.Printf("%s %s and %s %s are %ss\n", leo.ID, leo.Name(), mia.ID, mia.Name(), leo.Kind)

	step("A second contact with Ann's email, in another case, is refused (CON-7)")
	_, _, err = svc.CreateContact(ctx, alice, office, contact.KindPartner,
		contact.Fields{FirstName: "Anne", LastName: "Other", Email: "ANN.LEE@example.com"})
	fmt.Println("refused:", err)

	step("Alice invites Ann (added → invited, CON-1)")
	ann, _, err = svc.InviteContact(ctx, alice, ann.ID)
	if err != nil {
		return err
	}
	fmt.Printf("%s is %s; the host sends the invitation:\n", ann.Name(), ann.Status)
	events()

	step("Ann creates her account (team.Service tells its AccountListeners)")
	clock.Advance(2 * time.Hour)
	if err := signUp(ctx, store, svc, cabinet.User{ID: "user_ann", Email: "ann.lee@example.com"}); err != nil {
		return err
	}
	ann, _ = svc.Contact(ctx, alice, ann.ID)
	fmt.Printf("%s is %s, linked to %s\n", ann.Name(), ann.Status, ann.User)
	events()

	step("A unit in sales: Leo and Mia are attached (only existing leads, CON-4); it is sold to Leo (CON-5)")
	unit, _, err := svc.CreateUnit(ctx, alice, office, "Riverside 3B")
	if err != nil {
		return err
	}
	for _, l := range []cabinet.ContactID{leo.ID, mia.ID} {
		if _, _, err := svc.AttachLead(ctx, alice, unit.ID, l); err != nil {
			return err
		}
	}
	_, _, err = svc.AttachLead(ctx, alice, unit.ID, pat.ID)
	fmt.Println("attaching the partner is refused:", err)
	if _, _, err := svc.SetUnitStatus(ctx, alice, unit.ID, contact.UnitStatusReserved); err != nil {
		return err
	}
	_, _, err = svc.MarkUnitSold(ctx, alice, unit.ID, nil)
	fmt.Println("a sale must name its buyers:", err)
	log.Reset()
	if _, _, err := svc.MarkUnitSold(ctx, alice, unit.ID, []cabinet.ContactID{leo.ID}); err != nil {
		return err
	}
	leo, _ = svc.Contact(ctx, alice, leo.ID)
	mia, _ = svc.Contact(ctx, alice, mia.ID)
	fmt.Printf("%s is now a %s with status %q (it needs an email before it can be invited); %s stays a %s\n",
		leo.Name(), leo.Kind, leo.Status, mia.Name(), mia.Kind)
	events()
	_, _, err = svc.MarkUnitSold(ctx, alice, unit.ID, []cabinet.ContactID{mia.ID})
	fmt.Println("selling it twice is refused:", err)

	step("Impersonation (CON-6): Pat is only added, so Alice cannot impersonate Pat")
	_, _, err = svc.StartImpersonation(ctx, alice, pat.ID)
	fmt.Println("refused:", err)

	step("Alice impersonates Ann to show her the client portal")
	s, _, err := svc.StartImpersonation(ctx, alice, ann.ID)
	if err != nil {
		return err
	}
	sub, err := svc.ResolveSession(ctx, alice, s.ID)
	if err != nil {
		return err
	}
	fmt.Printf("session %s: decisions are taken as contact %s (user %s), actor %s recorded; expires %s\n",
		s.ID, sub.Contact, sub.User, sub.Actor, s.ExpiresAt.Format(time.RFC3339))
	events()

	step("Alice stops: she is herself again")
	clock.Advance(10 * time.Minute)
	if _, _, err := svc.StopImpersonation(ctx, alice, s.ID); err != nil {
		return err
	}
	_, err = svc.ResolveSession(ctx, alice, s.ID)
	fmt.Println("the session no longer resolves:", err)
	events()

	step("The contact list")
	list, _, err := svc.Contacts(ctx, alice, contact.ContactFilter{Office: office}, cabinet.Page{})
	if err != nil {
		return err
	}
	for _, c := range list {
		fmt.Printf("  %-10s %-8s %-8s %-24s %s\n", c.ID, c.Kind, c.Status, strings.TrimSpace(c.Email), c.Name())
	}
	return nil
}

// signUp stands in for the account service: it links what waited for u's
// email inside one transaction, as team.Service.CreateUser does for every
// package when they are wired together (package kit).
func signUp(ctx context.Context, store *memstore.Store, svc cabinet.AccountListener, u cabinet.User) error {
	_, err := store.UpdateContacts(ctx, func(w contact.Writer) error {
		_, err := svc.AccountCreated(ctx, w.Tx(), u)
		return err
	})
	return err
}
