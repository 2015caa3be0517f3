package scenario_test

import (
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

// A standard collaborator reaches a dossier of their office only through a
// route of GRP-3: not before the admin puts it into a client group they are
// assigned to.
func Example() {
	s := scenario.New(scenario.Fatal) // in a test: scenario.New(t)
	office := s.Office("Martin Wealth", s.User("Louise").ID)
	marc := s.Collaborator(office.ID, "Marc", cabinet.ProfileStandard)
	noah := s.Collaborator(office.ID, "Noah", cabinet.ProfileStandard)
	d := s.Dossier(office.ID, "Roux family", marc.ID)
	fmt.Println(s.Check(noah.ID, policy.ViewDossier, policy.DossierResource(d.ID)))

	estates := s.ClientGroup(office.ID, "Estates")
	s.Place(estates.ID, d.ID)
	s.Assign(estates.ID, noah.ID)
	fmt.Println(s.Check(noah.ID, policy.ViewDossier, policy.DossierResource(d.ID)))
	// Output:
	// deny: the dossier is in no client group and the collaborator is neither admin, manager nor assigned (GRP-2)
	// allow via group_direct (GRP-3)
}

// The holder of a dossier, granted by its manager, manages their family's
// access; an external advisor with read_write edits the asset inventory but
// never uses the reports (ACC-7, ACC-10).
func Example_grants() {
	s := scenario.New(scenario.Fatal)
	office := s.Office("Étude Dupont", s.User("Claire").ID)
	d := s.Dossier(office.ID, "Martin family", office.CreatedBy)
	anne := s.Grant(s.Person(d.ID, "Anne Martin", access.RelationHolder).ID, access.LevelReadWrite)
	notary := s.GrantAdvisor(s.Advisor(d.ID, "Maître Dupuis", access.AdvisorNotary).ID, access.LevelReadWrite)

	fmt.Println(anne.Email, anne.State())
	fmt.Println(s.Check(anne.User, policy.ManageFamilyAccess, policy.DossierResource(d.ID)))
	fmt.Println(s.Check(notary.User, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory)))
	fmt.Println(s.Check(notary.User, policy.UseReports, policy.DossierResource(d.ID)))
	// Output:
	// anne.martin@example.com active
	// allow via central_person (ACC-7)
	// allow via external_advisor (ACC-10)
	// deny: external advisors cannot use reports (ACC-10)
}
