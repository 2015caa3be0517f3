// Command quickstart is the first program to run. It builds a tiny office
// with package scenario — every cabinet service wired by package kit over
// one in-memory store, with a fixed clock and sequential IDs — and asks the
// policy engine real questions, printing each decision with its reason
// (POL-1, POL-2): an admin, two standard collaborators, a client group, a
// client's dossier with its manager, the client granted access, a notary
// with read_write access, and a team holding the client's referral. Last,
// the client revokes her consent and the team route closes (TEAM-9).
//
//	go run ./examples/quickstart
//
// Each step is one line of the builder; anything else is a call to the
// services (s.Teams, s.Access, s.Groups, s.Contacts, s.Procedures) or to the
// engine (s.Policy).
package main

import (
	"fmt"
	"os"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

func main() {
	// A failed step prints what failed and exits with status 1.
	s := scenario.New(scenario.Fatal)

	// The office (package clientgroup): Louise signs up, creates it and is
	// its admin; Marc and Noah join it as standard collaborators.
	louise := s.User("Louise")
	office := s.Office("Martin Wealth", louise.ID)
	marc := s.Collaborator(office.ID, "Marc", cabinet.ProfileStandard)
	noah := s.Collaborator(office.ID, "Noah", cabinet.ProfileStandard)
	estates := s.ClientGroup(office.ID, "Estates")

	// Claire's dossier (package access): Marc opens it and manages it;
	// Claire, the holder, is granted read_write and signs up; so does a
	// notary Marc registers.
	d := s.Dossier(office.ID, "Roux family", marc.ID)
	claire := s.Grant(s.Person(d.ID, "Claire Roux", access.RelationHolder).ID, access.LevelReadWrite).User
	dupuis := s.GrantAdvisor(s.Advisor(d.ID, "Me Dupuis", access.AdvisorNotary).ID, access.LevelReadWrite).User

	// A team (package team): Marc leads it with Paul, an advisor outside the
	// office, and refers Claire, whose vault he already reaches (TEAM-8).
	paul := s.User("Paul")
	tm := s.Team("Roux advisers", marc.ID, paul.ID)
	s.Refer(tm.ID, d.ID, marc.ID, "Claire Roux")

	fmt.Printf("Office %q: admin Louise, standard Marc and Noah, client group %q.\n", office.Name, estates.Name)
	fmt.Printf("Dossier %q managed by Marc; Claire (holder) and the notary granted; team %q holds Claire's referral.\n\n", d.Name, tm.Name)

	// The questions (package policy). Every decision explains itself.
	ask := func(question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
		fmt.Printf("%-48s %s\n", question, s.Check(u, a, r))
	}
	dossier := policy.DossierResource(d.ID)
	ask("Can Noah (standard) view the dossier?", noah.ID, policy.ViewDossier, dossier)
	s.Place(estates.ID, d.ID)
	s.Assign(estates.ID, noah.ID)
	fmt.Println("  Louise puts the dossier into Estates and assigns Noah to Estates.")
	ask("Can Noah view the dossier now?", noah.ID, policy.ViewDossier, dossier)
	ask("Can Paul (team member) view the dossier?", paul.ID, policy.ViewDossier, dossier)
	ask("Can the notary edit the asset inventory?", dupuis, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory))
	ask("Can the notary use reports?", dupuis, policy.UseReports, dossier)
	ask("Can Louise (admin) view the dossier?", louise.ID, policy.ViewDossier, dossier)
	ask("Can Louise manage external advisors?", louise.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Marc (manager) manage external advisors?", marc.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Claire manage her family's access?", claire, policy.ManageFamilyAccess, dossier)

	fmt.Println("\nWho can view the dossier?")
	for v, err := range s.Policy.Viewers(s.Context(), d.ID) {
		if err != nil {
			fail(err)
		}
		u, err := s.Teams.User(s.Context(), louise.ID, v.User)
		if err != nil {
			fail(err)
		}
		fmt.Printf("  %-12s via %s\n", u.DisplayName, v.Routes)
	}

	// Consent to share the vault with teams is the client's (TEAM-9).
	fmt.Println("\nClaire revokes her consent to share her vault with the team.")
	if _, _, err := s.Teams.RevokeConsent(s.Context(), claire, d.ID); err != nil {
		fail(err)
	}
	ask("Can Paul (team member) view the dossier?", paul.ID, policy.ViewDossier, dossier)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "quickstart:", err)
	os.Exit(1)
}
