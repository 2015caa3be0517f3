// Command contacts tells the story of seed 002, the contact list of a
// real-estate and advisory office (package contact, CON-1 … CON-7):
//
//	"La première chose à faire pour permettre à vos clients d'accéder à la
//	plateforme est de les ajouter en tant que contact."
//
// Alice, the admin of Riverside, adds a client (first name, last name and
// email required; status "Ajouté": no platform access yet), partners in a
// company — one created on the spot, so that the company's overview shows
// who works together and on which projects and decisions — and leads, which
// need a name only. Only existing contacts are used: a lead cannot join a
// project, only leads go on a unit in sales (CON-4), and the sale names its
// buyer, who becomes a client while the other lead stays a lead (CON-5 v2).
// The client is invited; when she signs up — to see the dossier her advisor
// Bob granted her — her contact, her grant and her dossier are one story:
// Bob links the contact to the dossier and to her person in its family tree.
// Last, impersonation ("Imiter"): Bob sees the portal through Ann's eyes —
// only seeing, never acting (CON-6 v2) — stops, starts again, and his
// session ends the moment he leaves the office.
//
// Run it with: go run ./examples/contacts
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

// mailer is the host's event sink: it prints what it would send.
type mailer struct{}

func (mailer) Publish(_ context.Context, b cabinet.Batch) {
	for _, e := range b.Events {
		switch e := e.(type) {
		case contact.ContactInvited:
			say("    ✉ platform invitation sent to %s (resent: %v)", e.Email, e.Resent)
		case contact.ContactActivated:
			say("    ↔ contact %s is now active, linked to account %s", e.Contact, e.User)
		}
	}
}

func main() {
	s := scenario.New(scenario.Fatal, scenario.WithSink(mailer{}))
	ctx := s.Context()
	alice := s.User("Alice")
	office := s.Office("Riverside", alice.ID)
	bob := s.Collaborator(office.ID, "Bob", cabinet.ProfileStandard)

	step("Nouveau client: first name, last name and email are required (CON-1)")
	_, _, err := s.Contacts.CreateContact(ctx, alice.ID, office.ID, contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee"})
	refused("Ann Lee without an email", err)
	ann := s.Contact(office.ID, contact.KindClient, "Ann", "Lee")
	say("%s %s is a %s, status %q: no platform access yet", ann.ID, ann.Name(), ann.Kind, ann.Status)
	_, _, err = s.Contacts.CreateContact(ctx, bob.ID, office.ID, contact.KindPartner, contact.Fields{FirstName: "Annie", LastName: "Lee", Email: "ANN.LEE@example.com"})
	refused("a second contact with Ann's email", err)

	step("Nouveau partenaire, in a company, existing or created on the spot (CON-2)")
	pat := must(s.Contacts.CreateContact(ctx, alice.ID, office.ID, contact.KindPartner, contact.Fields{
		FirstName: "Pat", LastName: "Ng", Email: "pat@ng-notaires.example", NewCompany: "Ng Notaires"}))
	kim := must(s.Contacts.CreateContact(ctx, alice.ID, office.ID, contact.KindPartner, contact.Fields{
		FirstName: "Kim", LastName: "Ng", Email: "kim@ng-notaires.example", Company: pat.Company}))
	park := must(s.Contacts.CreateProject(ctx, alice.ID, office.ID, "Résidence du Parc"))
	must(s.Contacts.AddProjectPartner(ctx, alice.ID, park.ID, pat.ID))
	notaryChoice := must(s.Contacts.CreateDecision(ctx, alice.ID, office.ID, "Choice of notary"))
	must(s.Contacts.AddDecisionPartner(ctx, alice.ID, notaryChoice.ID, pat.ID))
	must(s.Contacts.AddDecisionPartner(ctx, alice.ID, notaryChoice.ID, kim.ID))
	ov := ok(s.Contacts.CompanyOverview(ctx, bob.ID, pat.Company))
	say("company %q, its partners and what they work on together:", ov.Company.Name)
	for _, p := range ov.Partners {
		say("  %-7s projects %v, decisions %v", p.Partner.Name(), names(p.Projects, func(p contact.Project) string { return p.Name }),
			names(p.Decisions, func(d contact.Decision) string { return d.Title }))
	}

	step("Nouveau prospect: a name is enough (CON-3); only existing contacts are used (CON-4)")
	leo := s.Contact(office.ID, contact.KindLead, "Leo", "Ray")
	mia := s.Contact(office.ID, contact.KindLead, "Mia", "Fox")
	say("%s and %s are %ss", leo.Name(), mia.Name(), leo.Kind)
	_, _, err = s.Contacts.AddProjectPartner(ctx, alice.ID, park.ID, leo.ID)
	refused("Leo, a lead, on the project", err)
	unit := must(s.Contacts.CreateUnit(ctx, bob.ID, office.ID, "Lot B12"))
	_, _, err = s.Contacts.AttachLead(ctx, bob.ID, unit.ID, pat.ID)
	refused("Pat, a partner, on the unit", err)
	must(s.Contacts.AttachLead(ctx, bob.ID, unit.ID, leo.ID))
	must(s.Contacts.AttachLead(ctx, bob.ID, unit.ID, mia.ID))

	step("The unit is sold to Leo: he becomes a client, Mia stays a lead (CON-5 v2)")
	unit = must(s.Contacts.MarkUnitSold(ctx, bob.ID, unit.ID, []cabinet.ContactID{leo.ID}))
	leo, mia = ok(s.Contacts.Contact(ctx, bob.ID, leo.ID)), ok(s.Contacts.Contact(ctx, bob.ID, mia.ID))
	say("%s is %s; %s is now a %s (status %s), %s still a %s", unit.Name, unit.Status, leo.Name(), leo.Kind, leo.Status, mia.Name(), mia.Kind)

	step("Ann is invited, and signs up to see the dossier Bob granted her: one story (CON-1)")
	ann = must(s.Contacts.InviteContact(ctx, alice.ID, ann.ID))
	say("%s is %s", ann.Name(), ann.Status)
	d := s.Dossier(office.ID, "Famille Lee", bob.ID)
	holder := s.Person(d.ID, "Ann Lee", access.RelationHolder)
	say("Bob opens her dossier %q and grants her, its holder, read_write; she signs up at %s:", d.Name, ann.Email)
	grant := s.Grant(holder.ID, access.LevelReadWrite)
	ann = must(s.Contacts.LinkContact(ctx, bob.ID, ann.ID, d.ID, holder.ID))
	say("%s is %s, her grant %s; Bob links her contact to %q and to its holder: linked %v",
		ann.Name(), ann.Status, grant.State(), d.Name, ann.Dossier == d.ID && ann.Person == holder.ID)

	step("Imiter: Bob sees what Ann sees, and nothing more (CON-6 v2)")
	ask(s, policy.User(bob.ID), "Can Bob impersonate Pat (only added)?", policy.ImpersonateContact, policy.ContactResource(pat.ID))
	_, _, err = s.Contacts.StartImpersonation(ctx, bob.ID, pat.ID)
	refused("Bob impersonates Pat", err)
	ask(s, policy.User(bob.ID), "Can Bob impersonate Ann?", policy.ImpersonateContact, policy.ContactResource(ann.ID))
	session := must(s.Contacts.StartImpersonation(ctx, bob.ID, ann.ID))
	as := policy.Impersonating(session.ID)
	say("session %s: decisions are Ann's (%s), Bob recorded as the actor; it expires %s", session.ID, session.ContactUser, session.ExpiresAt.Format("15:04"))
	ask(s, as, "As Ann: view her dossier?", policy.ViewDossier, policy.DossierResource(d.ID))
	ask(s, as, "As Ann: edit its family structure?", policy.EditSection, policy.SectionResource(d.ID, access.SectionFamilyStructure))
	must(s.Contacts.StopImpersonation(ctx, bob.ID, session.ID))
	_, err = s.Contacts.ResolveSession(ctx, bob.ID, session.ID)
	refused("after Arrêter imitation, the session resolves", err)

	step("A session ends as soon as its collaborator leaves the office (CON-6 v2)")
	session = must(s.Contacts.StartImpersonation(ctx, bob.ID, ann.ID))
	as = policy.Impersonating(session.ID)
	subject := ok(s.Contacts.ResolveSession(ctx, bob.ID, session.ID))
	say("Bob impersonates Ann again: contact %s, actor %s", subject.Contact, subject.Actor)
	must1(s.Groups.RemoveCollaborator(ctx, alice.ID, office.ID, bob.ID))
	say("Alice removes Bob from the office")
	_, err = s.Contacts.ResolveSession(ctx, bob.ID, session.ID)
	refused("Bob's session resolves", err)
	ask(s, as, "As Ann, through Bob's ended session: view?", policy.ViewDossier, policy.DossierResource(d.ID))

	step("The contact list")
	list := ok(cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]contact.Contact, cabinet.Cursor, error) {
		return s.Contacts.Contacts(ctx, alice.ID, contact.ContactFilter{Office: office.ID}, p)
	}))
	for _, c := range list {
		say("  %-8s %-8s %-24s %s", c.Kind, c.Status, c.Email, c.Name())
	}
}

// names returns the name of each record.
func names[T any](records []T, name func(T) string) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = name(r)
	}
	return out
}

// ask prints a question and the policy engine's decision for subject.
func ask(s *scenario.Scenario, subject policy.Subject, question string, a policy.Action, r policy.Resource) {
	say("%-44s %s", question, ok(s.Policy.Check(s.Context(), subject, a, r)))
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

// must1 is must for the commands that return only a revision.
func must1(_ cabinet.Revision, err error) { ok(0, err) }

// ok ends the program on an unexpected error of a read.
func ok[T any](v T, err error) T {
	if err != nil {
		fail(err)
	}
	return v
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "contacts:", err)
	os.Exit(1)
}
