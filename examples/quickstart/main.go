// Command quickstart is the first program to run. It wires every package of
// cabinet together over one in-memory store with kit.New, builds a tiny
// office — an admin, two standard collaborators, a client group, a client's
// dossier with its manager, the client granted access, a notary with
// read_write access, a team holding the client's referral — and asks the
// policy engine real questions, printing each decision with its reason
// (POL-1, POL-2). Last, the client revokes consent and the team route closes
// (TEAM-9).
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// must keeps the story short: any failing step ends the program.
func must[T any](v T, err error) T {
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	return v
}

// mustRev is must for the commands that also return the revision they
// committed.
func mustRev[T any](v T, _ cabinet.Revision, err error) T { return must(v, err) }

func run() error {
	ctx := context.Background()

	// Every package over one store; a fixed clock and sequential IDs so that
	// the story prints the same every time.
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(ctx, memstore.New(), cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		return err
	}

	// People sign up (package team).
	signUp := func(name, email string) cabinet.User { return mustRev(k.Teams.CreateUser(ctx, "signup", name, email)) }
	louise := signUp("Louise", "louise@martin-wealth.example") // office admin
	marc := signUp("Marc", "marc@martin-wealth.example")       // standard, manages the dossier
	noah := signUp("Noah", "noah@martin-wealth.example")       // standard
	paul := signUp("Paul", "paul@partner.example")             // an advisor outside the office
	claire := signUp("Claire", "claire@example.com")           // the client
	dupuis := signUp("Me Dupuis", "dupuis@notaires.example")   // a notary

	// The office (package clientgroup): Louise creates it and is its admin.
	office := mustRev(k.Groups.CreateOffice(ctx, louise.ID, "Martin Wealth", "contact@martin-wealth.example"))
	mustRev(k.Groups.AddCollaborator(ctx, louise.ID, office.ID, marc.ID, cabinet.ProfileStandard))
	mustRev(k.Groups.AddCollaborator(ctx, louise.ID, office.ID, noah.ID, cabinet.ProfileStandard))
	estates := mustRev(k.Groups.CreateClientGroup(ctx, louise.ID, office.ID, "Estates", ""))

	// Claire's dossier (package access): Marc opens it and is its manager;
	// Claire, the holder, gets access; a notary gets read_write access.
	d := mustRev(k.Access.CreateDossier(ctx, marc.ID, office.ID, "Roux family"))
	if _, _, err := k.Access.SetStatus(ctx, marc.ID, d.ID, cabinet.DossierActivated); err != nil {
		return err
	}
	holder := mustRev(k.Access.AddPerson(ctx, marc.ID, d.ID, access.PersonInput{Name: "Claire Roux", Relation: access.RelationHolder}))
	mustRev(k.Access.GrantPerson(ctx, marc.ID, holder.ID, access.GrantInput{Email: claire.Email, Phone: "06 12 34 56 78", Level: access.LevelReadWrite}))
	notary := mustRev(k.Access.RegisterAdvisor(ctx, marc.ID, d.ID, access.AdvisorInput{
		Name: "Me Dupuis", Email: dupuis.Email, Phone: "01 23 45 67 89", Type: access.AdvisorNotary}))
	mustRev(k.Access.GrantAdvisor(ctx, marc.ID, notary.ID, access.LevelReadWrite))

	// A team (package team): Marc leads it, Paul joins, Marc refers Claire.
	tm := mustRev(k.Teams.CreateTeam(ctx, marc.ID, "Roux advisers", ""))
	inv := mustRev(k.Teams.Invite(ctx, marc.ID, tm.ID, paul.Email, team.RoleMember))
	mustRev(k.Teams.AcceptInvitation(ctx, paul.ID, inv.ID))
	mustRev(k.Teams.Refer(ctx, marc.ID, team.ReferInput{Team: tm.ID, ClientName: "Claire Roux", ClientEmail: claire.Email, Dossier: d.ID}))
	fmt.Printf("Office %q: admin Louise, standard Marc and Noah, client group %q.\n", office.Name, estates.Name)
	fmt.Printf("Dossier %q managed by Marc; Claire (holder) and the notary granted; team %q holds Claire's referral.\n\n", d.Name, tm.Name)

	// The questions (package policy). Every decision explains itself.
	ask := func(question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
		dec := must(k.Policy.Check(ctx, policy.User(u), a, r))
		fmt.Printf("%-48s %s\n", question, dec)
	}
	dossier := policy.DossierResource(d.ID)
	ask("Can Noah (standard) view the dossier?", noah.ID, policy.ViewDossier, dossier)
	if _, err := k.Groups.MoveDossier(ctx, louise.ID, d.ID, estates.ID); err != nil {
		return err
	}
	if _, _, err := k.Groups.AssignCollaborator(ctx, louise.ID, estates.ID, noah.ID); err != nil {
		return err
	}
	fmt.Println("  Louise puts the dossier into Estates and assigns Noah to Estates.")
	ask("Can Noah view the dossier now?", noah.ID, policy.ViewDossier, dossier)
	ask("Can the notary edit the asset inventory?", dupuis.ID, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory))
	ask("Can the notary use reports?", dupuis.ID, policy.UseReports, dossier)
	ask("Can Louise (admin) view the dossier?", louise.ID, policy.ViewDossier, dossier)
	ask("Can Louise manage external advisors?", louise.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Marc (manager) manage external advisors?", marc.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Claire manage her family's access?", claire.ID, policy.ManageFamilyAccess, dossier)

	fmt.Println("\nWho can view the dossier?")
	for v, err := range k.Policy.Viewers(ctx, d.ID) {
		if err != nil {
			return err
		}
		u := must(k.Teams.User(ctx, louise.ID, v.User))
		fmt.Printf("  %-10s via %s\n", u.DisplayName, v.Routes)
	}

	fmt.Println("\nClaire revokes her consent to share data with the team.")
	mustRev(k.Teams.RevokeConsent(ctx, claire.ID, d.ID))
	ask("Can Paul (team member) view the dossier?", paul.ID, policy.ViewDossier, dossier)
	return nil
}
