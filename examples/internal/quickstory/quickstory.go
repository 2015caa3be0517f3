// Package quickstory is the quickstart's story, told over any store: the
// quickstart tells it on the in-memory store (examples/quickstart) and
// examples/postgres on PostgreSQL, so the two print the same decisions by
// construction.
//
// It builds a tiny office with package scenario — every cabinet service
// wired by package kit, with a fixed clock and sequential IDs — and asks the
// policy engine real questions, printing each decision with its reason
// (POL-1, POL-2): an admin, two standard collaborators, a client group, a
// client's dossier with its manager, the client granted access, a notary
// with read_write access, and a team holding the client's referral. Last,
// the client revokes her consent and the team route closes (TEAM-9).
package quickstory

import (
	"fmt"
	"io"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

// Told is what the story made, for a program that goes on asking.
type Told struct {
	Dossier cabinet.DossierID // Claire's dossier
	Paul    cabinet.UserID    // the team member outside the office
}

// Tell tells the story on s (a fresh scenario), printing to out. It returns
// the first error of a call outside the builder (the builder's own steps
// fail through s's TB).
func Tell(s *scenario.Scenario, out io.Writer) (Told, error) {
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

	fmt.Fprintf(out, "Office %q: admin Louise, standard Marc and Noah, client group %q.\n", office.Name, estates.Name)
	fmt.Fprintf(out, "Dossier %q managed by Marc; Claire (holder) and the notary granted; team %q holds Claire's referral.\n\n", d.Name, tm.Name)

	// The questions (package policy). Every decision explains itself.
	ask := func(question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
		fmt.Fprintf(out, "%-48s %s\n", question, s.Check(u, a, r))
	}
	dossier := policy.DossierResource(d.ID)
	ask("Can Noah (standard) view the dossier?", noah.ID, policy.ViewDossier, dossier)
	s.Place(estates.ID, d.ID)
	s.Assign(estates.ID, noah.ID)
	fmt.Fprintln(out, "  Louise puts the dossier into Estates and assigns Noah to Estates.")
	ask("Can Noah view the dossier now?", noah.ID, policy.ViewDossier, dossier)
	ask("Can Paul (team member) view the dossier?", paul.ID, policy.ViewDossier, dossier)
	ask("Can the notary edit the asset inventory?", dupuis, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory))
	ask("Can the notary use reports?", dupuis, policy.UseReports, dossier)
	ask("Can Louise (admin) view the dossier?", louise.ID, policy.ViewDossier, dossier)
	ask("Can Louise manage external advisors?", louise.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Marc (manager) manage external advisors?", marc.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Claire manage her family's access?", claire, policy.ManageFamilyAccess, dossier)

	fmt.Fprintln(out, "\nWho can view the dossier?")
	for v, err := range s.Policy.Viewers(s.Context(), d.ID) {
		if err != nil {
			return Told{}, err
		}
		u, err := s.Teams.User(s.Context(), louise.ID, v.User)
		if err != nil {
			return Told{}, err
		}
		fmt.Fprintf(out, "  %-12s via %s\n", u.DisplayName, v.Routes)
	}

	// Consent to share the vault with teams is the client's (TEAM-9).
	fmt.Fprintln(out, "\nClaire revokes her consent to share her vault with the team.")
	if _, _, err := s.Teams.RevokeConsent(s.Context(), claire, d.ID); err != nil {
		return Told{}, err
	}
	ask("Can Paul (team member) view the dossier?", paul.ID, policy.ViewDossier, dossier)
	return Told{Dossier: d.ID, Paul: paul.ID}, nil
}
