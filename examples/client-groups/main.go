// Command client-groups tells the story of seed 003, "Groupes de clients"
// (package clientgroup, GRP-1 … GRP-11):
//
//	"Un groupe de clients est un ensemble de dossiers clients que vous
//	regroupez afin d'affecter des collaborateurs de bureau à tous ces
//	dossiers en même temps. De cette manière, vous ne devez pas organiser
//	l'accès dossier par dossier."
//
// At Étude Martin, the admins Alice and Bruno set up a collaborator group
// (the juniors David and Emma) and two client groups, Successions (Chloé
// directly, with its own address) and Sociétés (the juniors). Only admins
// organise groups (GRP-5). "Lors de l'activation d'un dossier, il est
// conseillé de l'attribuer immédiatement à un groupe de clients": Chloé
// activates her new dossier into Sociétés in one command (GRP-5 v2); a
// dossier she activates without a group is reachable by the admins and
// herself only (GRP-2). Afterwards, moving is for admins: a dossier is in
// one group at most, and moving it takes it out of the other (GRP-4);
// several dossiers move in one command (the "Dossiers" multi-select), and
// a draft never enters a group. The address used to write about a dossier
// is its manager's, else its group's, else the office's (GRP-7). The
// active-clients monitor lists dossiers by group, alone or with other
// filters (GRP-9); a collaborator's groups are edited from their side too
// (GRP-10). When Chloé leaves the office, every route she had goes with
// her, and her dossiers lose their manager in the same step (GRP-11 v2).
//
// Run it with: go run ./examples/client-groups
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

func main() {
	s := scenario.New(scenario.Fatal)
	ctx := s.Context()

	step("Étude Martin: admins Alice and Bruno; Chloé, David and Emma are standard")
	alice := s.User("Alice")
	office := s.Office("Étude Martin", alice.ID)
	bruno := s.Collaborator(office.ID, "Bruno", cabinet.ProfileAdmin)
	chloe := s.Collaborator(office.ID, "Chloé", cabinet.ProfileStandard)
	david := s.Collaborator(office.ID, "David", cabinet.ProfileStandard)
	emma := s.Collaborator(office.ID, "Emma", cabinet.ProfileStandard)
	people := []cabinet.User{alice, bruno, chloe, david, emma}

	step("A collaborator group and two client groups (GRP-1, GRP-8); only admins organise them (GRP-5)")
	juniors := s.CollaboratorGroup(office.ID, "Juniors", david.ID, emma.ID)
	successions := must(s.Groups.CreateClientGroup(ctx, alice.ID, office.ID, "Successions", "successions@etude-martin.example"))
	societes := s.ClientGroup(office.ID, "Sociétés")
	s.Assign(successions.ID, chloe.ID)
	s.AssignGroup(societes.ID, juniors.ID)
	say("%s: Chloé directly, writes from %s; %s: the %s (David, Emma)", successions.Name, successions.Email, societes.Name, juniors.Name)
	ask(s, "Can Chloé administer client groups?", chloe.ID, policy.AdministerClientGroups, policy.OfficeResource(office.ID))
	_, _, err := s.Groups.CreateClientGroup(ctx, chloe.ID, office.ID, "Mes dossiers", "")
	refused("Chloé creates a client group", err)
	ask(s, "Can Alice administer client groups?", alice.ID, policy.AdministerClientGroups, policy.OfficeResource(office.ID))

	step("Chloé activates her new dossier straight into Sociétés, in one command (GRP-5 v2)")
	dupont := s.DraftDossier(office.ID, "Dupont SA", chloe.ID)
	must(s.Access.Activate(ctx, chloe.ID, dupont.ID, societes.ID))
	routes(s, alice.ID, dupont.ID, people)
	ask(s, "Can Emma (a junior) view Dupont SA?", emma.ID, policy.ViewDossier, policy.DossierResource(dupont.ID))

	step("A dossier in no group: the admins and its manager only (GRP-2)")
	bernard := s.Dossier(office.ID, "Bernard", chloe.ID)
	routes(s, alice.ID, bernard.ID, people)
	ask(s, "Can David view Bernard?", david.ID, policy.ViewDossier, policy.DossierResource(bernard.ID))

	step("After activation, moving is for admins; a dossier is in one group at most (GRP-4, GRP-5)")
	ask(s, "Can Chloé (its manager) move Dupont SA?", chloe.ID, policy.AssignClientGroup, policy.DossierResource(dupont.ID))
	_, err = s.Groups.MoveDossier(ctx, chloe.ID, dupont.ID, successions.ID)
	refused("Chloé moves Dupont SA", err)
	must1(s.Groups.MoveDossier(ctx, bruno.ID, dupont.ID, successions.ID))
	say("Bruno moves it to %s: it leaves %s in the same step", successions.Name, societes.Name)
	routes(s, alice.ID, dupont.ID, people)

	step("Several dossiers in one command, one transaction, one event batch (the \"Dossiers\" field)")
	petit := s.Dossier(office.ID, "Petit", "")
	garnier := s.Dossier(office.ID, "Garnier", "")
	must1(s.Groups.MoveDossiers(ctx, alice.ID, []cabinet.DossierID{bernard.ID, petit.ID}, societes.ID))
	last := s.Events.Batches()[len(s.Events.Batches())-1]
	say("Alice puts Bernard and Petit into %s: one batch of %d events %v", societes.Name, len(last.Events), eventNames(last))
	draft := s.DraftDossier(office.ID, "Leroy", chloe.ID)
	_, err = s.Groups.MoveDossiers(ctx, alice.ID, []cabinet.DossierID{garnier.ID, draft.ID}, successions.ID)
	refused("Alice puts Garnier and the draft Leroy into Successions", err)
	s.Place(successions.ID, garnier.ID)
	say("nothing moved; she puts Garnier alone")

	step("Where to write about a dossier: manager, else group, else office (GRP-7)")
	for _, d := range []cabinet.DossierID{dupont.ID, garnier.ID, petit.ID} {
		say("  %-10s → %s", dossierName(s, alice.ID, d), ok(s.Groups.ContactAddress(ctx, alice.ID, d)))
	}

	step("The active-clients monitor: by group, alone or with other filters (GRP-9)")
	monitor(s, alice.ID, "group Sociétés", clientgroup.DossierFilter{ClientGroup: societes.ID})
	monitor(s, alice.ID, "in no group", clientgroup.DossierFilter{Office: office.ID, NoGroup: true})
	monitor(s, alice.ID, "activated, managed by Chloé", clientgroup.DossierFilter{Office: office.ID, Status: cabinet.DossierActivated, Manager: chloe.ID})
	monitor(s, alice.ID, "group Successions, activated", clientgroup.DossierFilter{ClientGroup: successions.ID, Status: cabinet.DossierActivated})
	monitor(s, david.ID, "what David's monitor shows", clientgroup.DossierFilter{Office: office.ID})

	step("From the collaborator's side: David's client groups become Successions only (GRP-10)")
	must1(s.Groups.SetCollaboratorClientGroups(ctx, alice.ID, office.ID, david.ID, []cabinet.ClientGroupID{successions.ID}))
	ask(s, "Can David view Garnier (Successions)?", david.ID, policy.ViewDossier, policy.DossierResource(garnier.ID))
	ask(s, "Can David view Petit (Sociétés, via Juniors)?", david.ID, policy.ViewDossier, policy.DossierResource(petit.ID))

	step("Chloé leaves the office: every route and every manager's right goes with her (GRP-11 v2)")
	must1(s.Groups.RemoveCollaborator(ctx, alice.ID, office.ID, chloe.ID))
	routes(s, alice.ID, dupont.ID, people)
	d := ok(s.Access.Dossier(ctx, alice.ID, dupont.ID))
	say("Dupont SA has no manager now (%q); its address falls back to %s", d.Manager, ok(s.Groups.ContactAddress(ctx, alice.ID, dupont.ID)))
	ask(s, "Can Chloé view Bernard, which she managed?", chloe.ID, policy.ViewDossier, policy.DossierResource(bernard.ID))
}

// routes prints how each of people reaches dossier d (clientgroup.Service.
// Routes, asked by admin).
func routes(s *scenario.Scenario, admin cabinet.UserID, d cabinet.DossierID, people []cabinet.User) {
	var parts []string
	for _, p := range people {
		r := ok(s.Groups.Routes(s.Context(), admin, p.ID, d))
		if r.Any() {
			parts = append(parts, fmt.Sprintf("%s (%s)", p.DisplayName, r))
		}
	}
	say("  %s is reached by: %s", dossierName(s, admin, d), strings.Join(parts, ", "))
}

// monitor prints one listing of the active-clients monitor, as viewer sees it.
func monitor(s *scenario.Scenario, viewer cabinet.UserID, title string, f clientgroup.DossierFilter) {
	entries := ok(cabinet.All(s.Context(), func(ctx context.Context, p cabinet.Page) ([]clientgroup.DossierEntry, cabinet.Cursor, error) {
		return s.Groups.Dossiers(ctx, viewer, f, p)
	}))
	var parts []string
	for _, e := range entries {
		parts = append(parts, fmt.Sprintf("%s (%s)", dossierName(s, viewer, e.Dossier.ID), e.Dossier.Status))
	}
	say("  %-30s %s", title+":", strings.Join(parts, ", "))
}

// dossierName returns the name of dossier d, as viewer reads it.
func dossierName(s *scenario.Scenario, viewer cabinet.UserID, d cabinet.DossierID) string {
	return ok(s.Access.Dossier(s.Context(), viewer, d)).Name
}

// eventNames returns the names of b's events.
func eventNames(b cabinet.Batch) []string {
	out := make([]string, len(b.Events))
	for i, e := range b.Events {
		out[i] = e.EventName()
	}
	return out
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
	fmt.Fprintln(os.Stderr, "client-groups:", err)
	os.Exit(1)
}
