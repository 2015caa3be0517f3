// Command family-access tells the story of seed 001, "Donner accès à vos
// clients ou à d'autres tiers à un dossier client" (package access, ACC-1
// … ACC-12):
//
//	"Seul le chargé d'un dossier client peut gérer les droits d'accès pour
//	des parties externes à ce dossier. Les autres membres de l'équipe ayant
//	accès au dossier ne disposent pas de ce droit."
//
// Claire, who manages the Martin family's dossier at Étude Dupont, opens
// its "Droits d'accès" tab: every person of the family tree, with their
// access. She grants Anne, the holder, with an email and a phone ("le
// membre a besoin de ces deux informations"); Louise, the office's admin,
// may not. Once granted, a central person's access is never withdrawn, and
// the holders grant their family in turn — at most at their own level, and
// never to another central person or an external advisor (ACC-6, ACC-7).
// Anne mistypes her daughter's address and corrects it before Léa signs up
// ("veuillez vérifier que ces données sont correctes", ACC-3). Only Claire
// registers external advisors ("banquier, notaire, avocat…", an open list)
// and gives them access; a notary with read_write edits the family
// structure and the two inventories and nothing else, and never uses the
// tools (ACC-8 … ACC-10). Reminders go out 7 and 30 days after an
// invitation while the grantee has no account (ACC-5). Last, the dossier is
// archived: everyone may still look, nobody may change it (ACC-12).
//
// Run it with: go run ./examples/family-access
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

// mailer is the host's event sink: it prints what it would send.
type mailer struct{}

func (mailer) Publish(_ context.Context, b cabinet.Batch) {
	for _, e := range b.Events {
		switch e := e.(type) {
		case access.InvitationSent:
			say("    ✉ invitation to create an account sent to %s (SMS to %s)", e.Email, e.Phone)
		case access.AccessNotified:
			say("    ✉ %s told about their new access", e.Email)
		case access.ReminderDue:
			say("    ✉ reminder %d sent to %s (invited %s)", e.Number, e.Email, e.InvitedAt.Format(time.DateOnly))
		case access.GranteeLinked:
			say("    ↔ grant %s now belongs to the account of %s", e.Grant, e.Email)
		}
	}
}

func main() {
	s := scenario.New(scenario.Fatal, scenario.WithSink(mailer{}))
	ctx := s.Context()

	step("Étude Dupont: Louise (admin) and Claire (standard), who opens the Martins' dossier")
	louise := s.User("Louise")
	office := s.Office("Étude Dupont", louise.ID)
	claire := s.Collaborator(office.ID, "Claire", cabinet.ProfileStandard)
	d := s.Dossier(office.ID, "Famille Martin", claire.ID)
	anne := s.Person(d.ID, "Anne Martin", access.RelationHolder)
	marc := s.Person(d.ID, "Marc Martin", access.RelationCoHolder)
	lea := s.Person(d.ID, "Léa Martin", access.RelationChild)
	jules := s.Person(d.ID, "Jules Martin", access.RelationChild)
	accessTab(s, claire.ID, d.ID)

	step("Claire grants Anne, the holder: an email and a phone are both needed (ACC-3)")
	_, _, err := s.Access.GrantPerson(ctx, claire.ID, anne.ID, access.GrantInput{Email: "anne.martin@example.com", Level: access.LevelReadWrite})
	refused("without a phone", err)
	_, _, err = s.Access.GrantPerson(ctx, louise.ID, anne.ID, access.GrantInput{Email: "anne.martin@example.com", Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	refused("Louise, the office's admin, grants Anne", err)
	ask(s, "Can Louise manage the family's access?", louise.ID, policy.ManageFamilyAccess, policy.DossierResource(d.ID))
	anneGrant := must(s.Access.GrantPerson(ctx, claire.ID, anne.ID, access.GrantInput{Email: "anne.martin@example.com", Phone: "06 12 34 56 78", Level: access.LevelReadWrite}))
	say("granted %s read_write", anneGrant.Email)
	anneUser := s.SignUp("Anne Martin", anneGrant.Email)
	say("Claire grants Marc, the co-holder, read_only; he signs up:")
	marcUser := s.Grant(marc.ID, access.LevelReadOnly).User

	step("A central person's access is never withdrawn (ACC-6)")
	_, err = s.Access.Revoke(ctx, claire.ID, anneGrant.ID)
	refused("Claire revokes Anne", err)

	step("The holders grant their family, at most at their own level (ACC-7 v2)")
	ask(s, "Can Marc manage Jules's access?", marcUser, policy.ManageFamilyAccess, policy.PersonResource(d.ID, jules.ID))
	_, _, err = s.Access.GrantPerson(ctx, marcUser, jules.ID, access.GrantInput{Email: "jules.martin@example.com", Phone: "06 22 33 44 55", Level: access.LevelReadWrite})
	refused("Marc (read_only) grants Jules read_write", err)
	_, _, err = s.Access.GrantPerson(ctx, anneUser.ID, marc.ID, access.GrantInput{Email: "marc.m@example.com", Phone: "06 22 33 44 56", Level: access.LevelReadOnly})
	refused("Anne grants Marc, a central person", err)
	leaGrant := must(s.Access.GrantPerson(ctx, anneUser.ID, lea.ID, access.GrantInput{Email: "lea.martin@exmaple.com", Phone: "07 98 76 54 32", Level: access.LevelReadOnly}))
	say("Anne grants her daughter Léa read_only, at %s — a typo", leaGrant.Email)

	step("The next day, Anne corrects Léa's address before Léa signs up (ACC-3 v2)")
	s.Clock.Advance(24 * time.Hour)
	leaGrant = must(s.Access.CorrectGrantContact(ctx, anneUser.ID, leaGrant.ID, access.ContactInput{Email: "lea.martin@example.com", Phone: "07 98 76 54 32"}))
	say("Léa's grant now goes to %s; its reminders restart from now", leaGrant.Email)

	step("External advisors are registered, then granted, by the manager only (ACC-8, ACC-9)")
	_, _, err = s.Access.RegisterAdvisor(ctx, anneUser.ID, d.ID, access.AdvisorInput{Name: "Paul Banquier", Email: "paul@banque.example", Phone: "01 40 00 00 00", Type: access.AdvisorBanker})
	refused("Anne registers her banker", err)
	ask(s, "Can Anne manage external advisors?", anneUser.ID, policy.ManageExternalAdvisors, policy.DossierResource(d.ID))
	ask(s, "Can Claire manage external advisors?", claire.ID, policy.ManageExternalAdvisors, policy.DossierResource(d.ID))
	notary := s.Advisor(d.ID, "Maître Dupuis", access.AdvisorNotary)
	planner := must(s.Access.RegisterAdvisor(ctx, claire.ID, d.ID, access.AdvisorInput{
		Name: "Sarah Roche", Email: "s.roche@patrimoine.example", Phone: "01 45 67 89 10", Type: access.AdvisorOther, Label: "gestionnaire de patrimoine"}))
	say("Claire registers %s (%s) and %s (%s, %q): registering gives no access", notary.Name, notary.Type, planner.Name, planner.Type, planner.Label)
	say("she grants the notary read_write; he signs up:")
	notaryUser := s.GrantAdvisor(notary.ID, access.LevelReadWrite).User
	notary = must(s.Access.EditAdvisor(ctx, claire.ID, notary.ID, access.AdvisorInput{
		Name: "Maître Jean Dupuis", Email: notary.Email, Phone: notary.Phone, Type: access.AdvisorNotary}))
	say("Claire corrects his name to %q: his grant stays", notary.Name)

	step("What an external advisor and a holder may do with read_write (ACC-10, ACC-11)")
	for _, sec := range access.Sections() {
		ask(s, fmt.Sprintf("Can the notary edit %s?", sec), notaryUser, policy.EditSection, policy.SectionResource(d.ID, sec))
	}
	ask(s, "Can the notary use reports?", notaryUser, policy.UseReports, policy.DossierResource(d.ID))
	ask(s, "Can Anne edit the documents?", anneUser.ID, policy.EditSection, policy.SectionResource(d.ID, access.SectionDocuments))
	ask(s, "Can Anne edit the office's notes?", anneUser.ID, policy.EditSection, policy.SectionResource(d.ID, access.SectionNotes))
	ask(s, "Can Anne use simulations?", anneUser.ID, policy.UseSimulations, policy.DossierResource(d.ID))
	accessTab(s, claire.ID, d.ID)

	step("Reminders for Léa, who has no account yet: 7 and 30 days after the invitation (ACC-5)")
	for _, days := range []int{3, 4, 10, 13, 30} {
		s.Clock.Advance(time.Duration(days) * 24 * time.Hour)
		due := must(s.Access.SendDueReminders(ctx, "scheduler"))
		say("%s: %d reminder(s) due", s.Clock.Now().Format(time.DateOnly), len(due))
	}
	s.SignUp("Léa Martin", "LEA.MARTIN@example.com")
	s.Clock.Advance(60 * 24 * time.Hour)
	due := must(s.Access.SendDueReminders(ctx, "scheduler"))
	say("%s: %d reminder(s) due once Léa has signed up", s.Clock.Now().Format(time.DateOnly), len(due))

	step("The dossier is archived: read-only for everyone (ACC-12)")
	s.SetStatus(d.ID, cabinet.DossierArchived)
	ask(s, "Can Anne view the dossier?", anneUser.ID, policy.ViewDossier, policy.DossierResource(d.ID))
	ask(s, "Can Anne edit the asset inventory?", anneUser.ID, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory))
	_, _, err = s.Access.GrantPerson(ctx, claire.ID, jules.ID, access.GrantInput{Email: "jules.martin@example.com", Phone: "06 22 33 44 55", Level: access.LevelReadOnly})
	refused("Claire grants Jules", err)
}

// accessTab prints the "Droits d'accès" tab of dossier d as viewer sees it:
// every person of the family tree and every registered advisor, with their
// access.
func accessTab(s *scenario.Scenario, viewer cabinet.UserID, d cabinet.DossierID) {
	ctx := s.Context()
	say("  Droits d'accès:")
	persons := ok(cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.PersonAccess, cabinet.Cursor, error) {
		return s.Access.PersonsWithAccess(ctx, viewer, access.PersonFilter{Dossier: d}, p)
	}))
	for _, p := range persons {
		say("    %-20s %-20s %s", p.Person.Name, state(p.State, p.Grant), p.Person.Relation)
	}
	advisors := ok(cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.AdvisorAccess, cabinet.Cursor, error) {
		return s.Access.AdvisorsWithAccess(ctx, viewer, access.AdvisorFilter{Dossier: d}, p)
	}))
	for _, a := range advisors {
		kind := a.Advisor.Type.String()
		if a.Advisor.Label != "" {
			kind += ": " + a.Advisor.Label
		}
		say("    %-20s %-20s %s", a.Advisor.Name, state(a.State, a.Grant), kind)
	}
}

// state describes an access: none, or invited/active with the grant's level.
func state(st access.AccessState, g access.Grant) string {
	if st == access.AccessNone {
		return st.String()
	}
	return fmt.Sprintf("%s, %s", st, g.Level)
}

// ask prints a question and the policy engine's decision.
func ask(s *scenario.Scenario, question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
	say("%-46s %s", question, s.Check(u, a, r))
}

func step(title string) { fmt.Printf("\n== %s\n", title) }

func say(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// refused prints a refusal the story expects, and ends the program if the
// command was accepted.
func refused(what string, err error) {
	if err == nil {
		fail(fmt.Errorf("%s: accepted, but the rules refuse it", what))
	}
	say("%s: refused: %v", what, err)
}

// must ends the program on an unexpected error of a command.
func must[T any](v T, _ cabinet.Revision, err error) T { return ok(v, err) }

// ok ends the program on an unexpected error of a read.
func ok[T any](v T, err error) T {
	if err != nil {
		fail(err)
	}
	return v
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "family-access:", err)
	os.Exit(1)
}
