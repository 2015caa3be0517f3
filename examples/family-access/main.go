// Command family-access tells the story of a client dossier's outside
// access (package access, rules ACC-1 … ACC-11): a manager opens a dossier,
// grants the holder, the holder grants a child, the manager registers a
// notary with read_write access, the notary tries to create a report and is
// refused with the rule's reason, and reminders come due as the clock moves.
//
// Run it with: go run ./examples/family-access
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/memstore"
)

// directory plays the office directory (package clientgroup in a real host).
type directory struct {
	profiles map[cabinet.UserID]cabinet.Profile
	dossiers *access.Facts
}

func (d directory) Profile(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	if p, ok := d.profiles[u]; ok && office == "office_dupont" {
		return p, nil
	}
	return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", u)
}

// Routes gives admins the admin route and the manager the manager route
// (this office has no client groups).
func (d directory) Routes(ctx context.Context, tx cabinet.Tx, u cabinet.UserID, dossier cabinet.DossierID) (cabinet.Routes, error) {
	f, err := d.dossiers.DossierFacts(ctx, tx, dossier)
	if err != nil {
		return cabinet.NoRoutes, err
	}
	p, err := d.Profile(ctx, tx, f.Office, u)
	if err != nil {
		return cabinet.NoRoutes, nil
	}
	var r cabinet.Routes
	if p == cabinet.ProfileAdmin {
		r |= cabinet.RouteAdmin
	}
	if f.Manager == u {
		r |= cabinet.RouteManager
	}
	return r, nil
}

// PlaceOnActivation refuses: this office has no client groups.
func (directory) PlaceOnActivation(_ context.Context, _ cabinet.Tx, _ cabinet.DossierID, g cabinet.ClientGroupID) ([]cabinet.Event, error) {
	return nil, cabinet.NotFound("client group", g)
}

// accounts plays the account directory (package team in a real host).
type accounts map[string]cabinet.User

// TeamRoute implements access.Accounts: no teams in this example.
func (accounts) TeamRoute(context.Context, cabinet.Tx, cabinet.UserID, cabinet.DossierID) (bool, error) {
	return false, nil
}

func (a accounts) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	if u, ok := a[cabinet.EmailKey(email)]; ok {
		return u, nil
	}
	return cabinet.User{}, cabinet.NotFound("user", email)
}

// mailer is the host's event sink: it prints what it would send.
type mailer struct{}

func (mailer) Publish(_ context.Context, b cabinet.Batch) {
	for _, e := range b.Events {
		switch e := e.(type) {
		case access.InvitationSent:
			fmt.Printf("    ✉ invitation to create an account sent to %s (SMS %s)\n", e.Email, e.Phone)
		case access.AccessNotified:
			fmt.Printf("    ✉ %s told about their new access\n", e.Email)
		case access.ReminderDue:
			fmt.Printf("    ✉ reminder %d sent to %s (invited %s)\n", e.Number, e.Email, e.InvitedAt.Format(time.DateOnly))
		case access.GranteeLinked:
			fmt.Printf("    ↔ grant %s now belongs to account %s\n", e.Grant, e.User)
		}
	}
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "family-access:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	users := accounts{}
	store := memstore.New()
	dir := directory{profiles: map[cabinet.UserID]cabinet.Profile{"u_claire": cabinet.ProfileStandard, "u_admin": cabinet.ProfileAdmin}, dossiers: access.NewFacts(store)}
	svc := access.NewService(store, dir, users,
		cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(mailer{}))
	signUp := func(id cabinet.UserID, email string) error {
		u := cabinet.User{ID: id, DisplayName: string(id), Email: email, CreatedAt: clock.Now()}
		users[cabinet.EmailKey(email)] = u
		fmt.Printf("%s creates an account (%s)\n", email, id)
		return signUp(ctx, store, svc, u)
	}
	say := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	day := func() string { return clock.Now().Format(time.DateOnly) }

	say("== %s: Claire, advisor at the Dupont office, opens the Martin dossier", day())
	d, _, err := svc.CreateDossier(ctx, "u_claire", "office_dupont", "Martin family")
	if err != nil {
		return err
	}
	if _, _, err := svc.SetStatus(ctx, "u_claire", d.ID, cabinet.DossierActivated); err != nil {
		return err
	}
	anne, _, err := svc.AddPerson(ctx, "u_claire", d.ID, access.PersonInput{Name: "Anne Martin", Relation: access.RelationHolder})
	if err != nil {
		return err
	}
	lea, _, err := svc.AddPerson(ctx, "u_claire", d.ID, access.PersonInput{Name: "Léa Martin", Relation: access.RelationChild})
	if err != nil {
		return err
	}
	say("dossier %s (manager %s), family: %s (%s), %s (%s)", d.ID, d.Manager, anne.Name, anne.Relation, lea.Name, lea.Relation)

	say("\n== Claire grants Anne, the holder, read_write access")
	_, _, err = svc.GrantPerson(ctx, "u_claire", anne.ID, access.GrantInput{Email: "anne@example.com", Phone: "06 12 34 56 78"})
	say("without a level: %v", err)
	anneGrant, _, err := svc.GrantPerson(ctx, "u_claire", anne.ID, access.GrantInput{Email: "anne@example.com", Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	if err != nil {
		return err
	}
	say("granted %s: %s, %s, %s", anneGrant.ID, anneGrant.Email, anneGrant.Phone, anneGrant.Level)
	if err := signUp("u_anne", "anne@example.com"); err != nil {
		return err
	}
	_, _, err = svc.GrantPerson(ctx, "u_admin", lea.ID, access.GrantInput{Email: "lea@example.com", Phone: "07 98 76 54 32", Level: access.LevelReadOnly})
	say("the office admin tries to grant Léa: %v", err)
	_, err = svc.Revoke(ctx, "u_claire", anneGrant.ID)
	say("Claire tries to revoke Anne: %v", err)

	say("\n== Anne, a central person, grants her daughter Léa read_only access (ACC-7)")
	leaGrant, _, err := svc.GrantPerson(ctx, "u_anne", lea.ID, access.GrantInput{Email: "lea@example.com", Phone: "+33 7 98 76 54 32", Level: access.LevelReadOnly})
	if err != nil {
		return err
	}
	say("granted %s to %s by %s", leaGrant.ID, leaGrant.Email, leaGrant.GrantedBy)

	say("\n== Claire registers Maître Dupuis, notary, and gives him read_write access")
	notary, _, err := svc.RegisterAdvisor(ctx, "u_claire", d.ID, access.AdvisorInput{Name: "Maître Dupuis", Email: "dupuis@notaires.example", Phone: "01 23 45 67 89", Type: access.AdvisorNotary})
	if err != nil {
		return err
	}
	_, _, err = svc.GrantAdvisor(ctx, "u_anne", notary.ID, access.LevelReadWrite)
	say("Anne tries to grant the notary: %v", err)
	_, _, err = svc.GrantAdvisor(ctx, "u_admin", notary.ID, access.LevelReadWrite)
	say("the office admin tries: %v", err)
	notaryGrant, _, err := svc.GrantAdvisor(ctx, "u_claire", notary.ID, access.LevelReadWrite)
	if err != nil {
		return err
	}
	say("granted %s to %s (%s), %s", notaryGrant.ID, notary.Name, notary.Type, notaryGrant.Level)
	if err := signUp("u_dupuis", "dupuis@notaires.example"); err != nil {
		return err
	}

	say("\n== What the notary may do (ACC-10)")
	for _, a := range []access.Action{access.View(), access.Edit(access.SectionDonationInventory), access.Edit(access.SectionDocuments), access.UseTool(access.ToolReports)} {
		verdict := "allowed"
		if err := access.GrantAllows(notaryGrant, a); err != nil {
			var f *cabinet.ForbiddenError
			verdict = "refused: " + err.Error()
			if errors.As(err, &f) {
				verdict = fmt.Sprintf("refused: %s (%s)", f.Reason, f.Rule)
			}
		}
		say("the notary tries to %-25s → %s", a, verdict)
	}

	say("\n== Reminders for Léa, who has no account yet (ACC-5)")
	for _, days := range []int{3, 4, 10, 13, 30} {
		clock.Advance(time.Duration(days) * 24 * time.Hour)
		due, _, err := svc.SendDueReminders(ctx, "scheduler")
		if err != nil {
			return err
		}
		if len(due) == 0 {
			say("%s: nothing due", day())
		} else {
			say("%s: %d reminder(s) due", day(), len(due))
		}
	}
	if err := signUp("u_lea", "LEA@example.com"); err != nil {
		return err
	}
	clock.Advance(60 * 24 * time.Hour)
	due, _, err := svc.SendDueReminders(ctx, "scheduler")
	if err != nil {
		return err
	}
	say("%s: %d reminder(s) due after Léa signed up", day(), len(due))
	dossier, err := svc.Dossier(ctx, "u_claire", d.ID)
	if err != nil {
		return err
	}
	facts := dossier.Facts()
	say("\ndossier %s: office %s, %s, manager %s", facts.ID, facts.Office, facts.Status, facts.Manager)
	return nil
}

// signUp stands in for the account service: it links what waited for u's
// email inside one transaction, as team.Service.CreateUser does for every
// package when they are wired together (package kit).
func signUp(ctx context.Context, store *memstore.Store, svc cabinet.AccountListener, u cabinet.User) error {
	_, err := store.UpdateAccess(ctx, func(w access.Writer) error {
		_, err := svc.AccountCreated(ctx, w.Tx(), u)
		return err
	})
	return err
}
