// Command joint-application tells the story of seed 004, "Créer des
// procédures jointes (Multi-destinataires)" (package procedure, PROC-1 …
// PROC-7):
//
//	"Certaines procédures peuvent demander la contribution de plusieurs
//	clients ou contacts. Il s'agit par exemple de procédures telles qu'une
//	demande de colocation […] Les contributeurs ne verront que les éléments
//	qui leurs sont attribués."
//
// Agence Martin prepares a rental application ("Demande de location":
// Locataire, then Garant). Contributor roles are a premium option, so Alice,
// the admin, starts the free 7-day trial (PROC-1), adds the guarantor's role
// with its permissions (PROC-2, PROC-4) and splits the documents between the
// two roles (PROC-3). Marc, who manages Tom's dossier, opens the case for
// Tom and invites Gina as guarantor with her name, email and phone, ticking
// "Notifier le destinataire" (PROC-5, PROC-6); he sees which seats are
// filled and who was notified when. Gina signs up: she sees her seat and
// her role's items only, nothing of Tom (PROC-3 v2), and may upload but not
// submit. Tom submits his payslips; Marc, staff, sees every item and reviews
// them — rejected with a comment, then accepted (PROC-7 v2). When the trial
// ends, no new role can be configured but Gina keeps what she had; once the
// office is on Platinum, a co-tenant role is added and filled from an
// existing contact of the office, silently this time.
//
// Run it with: go run ./examples/joint-application
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/scenario"
)

// mailer is the host's event sink: it prints what it would send.
type mailer struct{}

func (mailer) Publish(_ context.Context, b cabinet.Batch) {
	for _, e := range b.Events {
		switch e := e.(type) {
		case procedure.ContributorInvited:
			say("    ✉ contributor invitation sent to %s (notify ticked: %v)", e.Contributor.Email, e.NotifyTicked)
		case procedure.ContributorAddedSilently:
			say("    · %s added without notification", e.Contributor.Email)
		}
	}
}

func main() {
	s := scenario.New(scenario.Fatal, scenario.WithStart(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)), scenario.WithSink(mailer{}))
	ctx := s.Context()
	alice := s.User("Alice")
	office := s.Office("Agence Martin", alice.ID)
	marc := s.Collaborator(office.ID, "Marc", cabinet.ProfileStandard)
	tom := s.User("Tom Bernard")
	d := s.Dossier(office.ID, "Tom Bernard", marc.ID)

	step("Étape 1: the procedure and its contributor roles, a premium option (PROC-1, PROC-2)")
	p := s.Procedure(office.ID, "Demande de location", "Locataire")
	guarantorPerms := procedure.PermissionsOf(procedure.PermView, procedure.PermUpload, procedure.PermComment)
	_, _, err := s.Procedures.AddRole(ctx, alice.ID, p.ID, "Garant", guarantorPerms)
	refused("Alice adds a Garant role on the standard plan", err)
	plan := must(s.Procedures.StartTrial(ctx, alice.ID, office.ID))
	say("Alice starts the free trial; it ends %s", plan.TrialEndsAt().Format("2 Jan 2006 15:04"))
	ask(s, "Can Alice configure roles now?", alice.ID, policy.ConfigureRoles, policy.ProcedureResource(p.ID))
	guarantor := must(s.Procedures.AddRole(ctx, alice.ID, p.ID, "Garant", guarantorPerms))
	say("role %q: %s (no submit)", guarantor.Name, guarantor.Permissions)

	step("Étape 2: each document item to its role (PROC-3)")
	idCard := s.Item(p.ID, "Pièce d'identité", "")
	payslips := s.Item(p.ID, "Trois derniers bulletins de salaire", "")
	gIDCard := s.Item(p.ID, "Pièce d'identité du garant", guarantor.ID)
	gTax := s.Item(p.ID, "Avis d'imposition du garant", guarantor.ID)
	for _, it := range []procedure.Item{idCard, payslips, gIDCard, gTax} {
		role := "Locataire"
		if it.Role == guarantor.ID {
			role = guarantor.Name
		}
		say("  %-38s → %s", it.Name, role)
	}

	step("Étape 3: Marc opens the case in Tom's dossier and invites the guarantor (PROC-5, PROC-6)")
	c := s.Case(p.ID, d.ID, tom)
	must(s.Procedures.InviteContributor(ctx, marc.ID, c.ID, guarantor.ID,
		procedure.Invitee{Name: "Gina Moreau", Email: "gina.moreau@example.com", Phone: "06 12 34 56 78"}, true))
	seats(s, marc.ID, c.ID)
	_, _, err = s.Procedures.InviteContributor(ctx, marc.ID, c.ID, guarantor.ID, procedure.Invitee{Email: "georges@example.com"}, true)
	refused("a second guarantor", err)
	gina := s.SignUp("Gina Moreau", "gina.moreau@example.com")
	say("Gina signs up: her seat is linked to her account")

	step("Contributors see only their own items, and nothing of the others (PROC-3 v2)")
	view(s, tom.ID, c.ID)
	view(s, gina.ID, c.ID)
	ask(s, "Can Gina view the tenant's payslips?", gina.ID, policy.ViewItem, policy.ItemResource(c.ID, payslips.ID))
	ask(s, "Can Gina upload her tax notice?", gina.ID, policy.UploadItem, policy.ItemResource(c.ID, gTax.ID))
	_, err = s.Procedures.Case(ctx, gina.ID, c.ID)
	refused("Gina reads the whole case", err)
	_, _, err = s.Procedures.Upload(ctx, gina.ID, c.ID, payslips.ID, "bulletins.pdf")
	refused("Gina uploads to the tenant's payslips", err)
	must(s.Procedures.Upload(ctx, gina.ID, c.ID, gTax.ID, "avis-imposition.pdf"))
	must(s.Procedures.Comment(ctx, gina.ID, c.ID, gTax.ID, "Avis 2025, sur les revenus 2024."))
	say("Gina uploads avis-imposition.pdf and comments on it")
	ask(s, "Can Gina submit it?", gina.ID, policy.SubmitItem, policy.ItemResource(c.ID, gTax.ID))
	_, _, err = s.Procedures.Submit(ctx, gina.ID, c.ID, gTax.ID)
	refused("Gina submits it", err)

	step("Staff see every item and review it (PROC-7 v2)")
	must(s.Procedures.Upload(ctx, tom.ID, c.ID, payslips.ID, "bulletins-fev-mars.pdf"))
	must(s.Procedures.Submit(ctx, tom.ID, c.ID, payslips.ID))
	say("Tom uploads his payslips and submits")
	iv := ok(s.Procedures.CaseItem(ctx, marc.ID, c.ID, gTax.ID))
	say("Marc sees %q: %d document(s), %d comment(s)", iv.Item.Name, len(iv.State.Documents), len(iv.State.Comments))
	st := must(s.Procedures.ReviewItem(ctx, marc.ID, c.ID, payslips.ID, procedure.VerdictRejected, "Il manque le bulletin de janvier."))
	say("Marc rejects the payslips (%q): the item is reopened (submitted: %v)", st.Reviews[len(st.Reviews)-1].Comment, st.Submitted())
	must(s.Procedures.Upload(ctx, tom.ID, c.ID, payslips.ID, "bulletin-janvier.pdf"))
	must(s.Procedures.Submit(ctx, tom.ID, c.ID, payslips.ID))
	st = must(s.Procedures.ReviewItem(ctx, marc.ID, c.ID, payslips.ID, procedure.VerdictAccepted, ""))
	say("Tom adds January and submits again; Marc accepts: accepted %v, %d document(s)", st.Accepted(), len(st.Documents))

	step("The trial ends: no new role, but existing contributors keep what they had (PROC-1)")
	s.Clock.Set(plan.TrialEndsAt())
	_, _, err = s.Procedures.AddRole(ctx, alice.ID, p.ID, "Colocataire", procedure.PermissionsOf(procedure.PermView))
	refused("Alice adds a co-tenant role", err)
	must(s.Procedures.Upload(ctx, gina.ID, c.ID, gIDCard.ID, "carte-identite.pdf"))
	say("Gina still uploads to %q", gIDCard.Name)

	step("On Platinum: a co-tenant role, filled from an existing contact, silently (PROC-1, PROC-6)")
	s.Plan(office.ID, procedure.PlanPlatinum)
	cotenant := s.Role(p.ID, "Colocataire", procedure.PermView, procedure.PermUpload, procedure.PermSubmit)
	ines := s.Contact(office.ID, contact.KindClient, "Inès", "Roy")
	must(s.Procedures.InviteContributor(ctx, marc.ID, c.ID, cotenant.ID, procedure.Invitee{Contact: ines.ID}, false))
	seats(s, marc.ID, c.ID)
}

// seats prints the seats of case c as staff member viewer sees them.
func seats(s *scenario.Scenario, viewer cabinet.UserID, c cabinet.CaseID) {
	for _, st := range ok(s.Procedures.CaseSeats(s.Context(), viewer, c)) {
		switch {
		case !st.Filled:
			say("  seat %-11s empty", st.Role.Name)
		case st.Participant.Invited:
			say("  seat %-11s %s <%s>, notified %s", st.Role.Name, st.Participant.Name, st.Participant.Email, st.Participant.NotifiedAt.Format("2 Jan 15:04"))
		default:
			say("  seat %-11s %s <%s>, not notified", st.Role.Name, st.Participant.Name, st.Participant.Email)
		}
	}
}

// view prints what participant u reads of case c.
func view(s *scenario.Scenario, u cabinet.UserID, c cabinet.CaseID) {
	v := ok(s.Procedures.ParticipantView(s.Context(), u, c))
	items := make([]string, len(v.Items))
	for i, it := range v.Items {
		items[i] = fmt.Sprintf("%q", it.Item.Name)
	}
	say("  %s (%s) sees: %s", v.Seat.Name, v.Role.Name, strings.Join(items, ", "))
}

// ask prints a question and the policy engine's decision.
func ask(s *scenario.Scenario, question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
	say("%-42s %s", question, s.Check(u, a, r))
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
	fmt.Fprintln(os.Stderr, "joint-application:", err)
	os.Exit(1)
}
