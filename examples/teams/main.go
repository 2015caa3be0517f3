// Command teams tells the story of seed 000, the "Structure d'Équipe" of
// an advisory platform (package team, TEAM-1 … TEAM-12):
//
//	"Créer une équipe permet à tous les membres de partager l'accès aux
//	dossiers clients. Si un membre invite un client, les autres membres de
//	l'équipe auront automatiquement accès à sa voûte."
//
// Sophie, the lead advisor of Cabinet Lefèvre, has her assistant Hugo
// create the team on her behalf ("les assistants peuvent utiliser les
// informations du conseiller principal") — it waits for Sophie to accept
// it, since nobody is made a lead without their own act (TEAM-1 v2). The
// referral she had in her personal team moves to her first team (TEAM-7).
// She invites Julien, who is registered, and Camille, who is not yet ("Puis-
// je inviter quelqu'un qui n'est pas encore inscrit ? Oui."), resends
// Camille's invitation, and both join: every member now reaches the vaults
// the team's referrals point to (TEAM-8) — but referring is sharing a vault
// one already holds, so Camille, who is not in the office, cannot refer a
// dossier she does not reach. Members and admins differ (TEAM-4); the lead
// is always an admin (TEAM-2). The referrals are listed in one place, per
// team and per advisor across teams ("Gestion centralisée des
// références", TEAM-12). The client, and only the client, revokes and gives
// back the consent to share the vault (TEAM-9: "Vous pouvez vous connecter
// à votre voûte et révoquer à tout moment le consentement"). A removed
// member's referrals stay in the team (TEAM-11), the personal team's label
// follows its owner's name (TEAM-6), and deleting the team sends each
// referral back to its referrer (TEAM-10).
//
// Run it with: go run ./examples/teams
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
	"github.com/cabinet-go/cabinet/team"
)

func main() {
	s := scenario.New(scenario.Fatal)
	ctx := s.Context()

	step("The practice: Sophie (lead advisor, admin), her assistant Hugo and the advisor Julien")
	sophie := s.User("Sophie Lefèvre")
	office := s.Office("Cabinet Lefèvre", sophie.ID)
	hugo := s.Collaborator(office.ID, "Hugo", cabinet.ProfileStandard)
	julien := s.Collaborator(office.ID, "Julien", cabinet.ProfileStandard)
	martin := s.Dossier(office.ID, "Famille Martin", sophie.ID)
	anne := s.Grant(s.Person(martin.ID, "Anne Martin", access.RelationHolder).ID, access.LevelReadWrite)
	petit := s.Dossier(office.ID, "Famille Petit", julien.ID)
	say("Sophie manages %q (Anne Martin, the holder, has her account); Julien manages %q.", martin.Name, petit.Name)

	step("Before any team, Sophie refers the Martins: the referral lives in her personal team (TEAM-6, TEAM-7)")
	first := s.Refer("", martin.ID, sophie.ID, "Anne Martin")
	personal := ok(s.Teams.PersonalTeam(ctx, sophie.ID))
	say("referral %s is in %q, visible to Sophie only", first.ID, personal.Name)

	step("Hugo creates the team on Sophie's behalf: it is pending until she accepts (TEAM-1 v2)")
	lt := must(s.Teams.CreateTeam(ctx, hugo.ID, "Lefèvre Patrimoine", sophie.ID))
	say("team %q: pending %v, lead %s, created by %s, %d member(s)", lt.Name, lt.Pending, name(s, lt.Lead), name(s, lt.CreatedBy), len(lt.Members))
	_, _, err := s.Teams.Invite(ctx, hugo.ID, lt.ID, julien.Email, team.RoleMember)
	refused("Hugo invites Julien into the pending team", err)
	lt = must(s.Teams.AcceptTeam(ctx, sophie.ID, lt.ID))
	say("Sophie accepts: pending %v, lead and admin %s", lt.Pending, name(s, lt.Admins()[0]))
	moved := ok(s.Teams.Referral(ctx, sophie.ID, first.ID))
	say("her first team received her personal referral: %s is now in %q (TEAM-7)", moved.ID, teamName(s, sophie.ID, moved.Team))

	step("Sophie invites Julien (registered) and Camille (not yet) (TEAM-3)")
	must(s.Teams.Invite(ctx, sophie.ID, lt.ID, julien.Email, team.RoleMember))
	toCamille := must(s.Teams.Invite(ctx, sophie.ID, lt.ID, "camille.roy@example.com", team.RoleMember))
	invs := ok(cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Invitation, cabinet.Cursor, error) {
		return s.Teams.PendingInvitations(ctx, julien.ID, p)
	}))
	must(s.Teams.AcceptInvitation(ctx, julien.ID, invs[0].ID))
	say("Julien finds the invitation among his pending ones and accepts it")
	s.Clock.Advance(3 * day)
	toCamille = must(s.Teams.ResendInvitation(ctx, sophie.ID, toCamille.ID))
	say("three days later Sophie resends Camille's invitation; it now expires %s", toCamille.ExpiresAt.Format("2 Jan 2006"))
	camille := s.SignUp("Camille Roy", "camille.roy@example.com")
	lt = must(s.Teams.AcceptInvitation(ctx, camille.ID, toCamille.ID))
	say("Camille signs up and accepts: the team has %d members", len(lt.Members))

	step("Shared access to the team's client dossiers (TEAM-8)")
	ask(s, "Can Julien view the Martins' vault?", julien.ID, policy.ViewDossier, policy.DossierResource(martin.ID))
	ask(s, "Can Camille view the Martins' vault?", camille.ID, policy.ViewDossier, policy.DossierResource(martin.ID))
	ask(s, "Can Camille view the Petits' vault?", camille.ID, policy.ViewDossier, policy.DossierResource(petit.ID))

	step("Referring is sharing a vault one already holds (TEAM-8 v2)")
	_, _, err = s.Teams.Refer(ctx, camille.ID, team.ReferInput{Team: lt.ID, ClientName: "Paul Petit", ClientEmail: "paul.petit@example.com", Dossier: petit.ID})
	refused("Camille, outside the office, refers the Petits", err)
	s.Refer(lt.ID, petit.ID, julien.ID, "Paul Petit")
	say("Julien, their dossier's manager, refers them")
	ask(s, "Can Camille view the Petits' vault now?", camille.ID, policy.ViewDossier, policy.DossierResource(petit.ID))

	step("Member or admin (TEAM-4)")
	ask(s, "Can Julien (member) rename the team?", julien.ID, policy.RenameTeam, policy.TeamResource(lt.ID))
	_, _, err = s.Teams.RenameTeam(ctx, julien.ID, lt.ID, "Julien & co")
	refused("Julien renames the team", err)
	ask(s, "Can Sophie (admin) manage the members?", sophie.ID, policy.ManageTeamMembers, policy.TeamResource(lt.ID))

	step("Every referral in one place (TEAM-12)")
	listReferrals(s, sophie.ID, lt.ID)
	mine := ok(cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
		return s.Teams.ReferralsBy(ctx, sophie.ID, sophie.ID, team.ReferralFilter{}, p)
	}))
	say("Sophie's own referrals, across her teams: %d", len(mine))

	step("Consent belongs to the client (TEAM-9 v2)")
	_, _, err = s.Teams.RevokeConsent(ctx, sophie.ID, martin.ID)
	refused("Sophie, the referrer, revokes the Martins' consent", err)
	c := must(s.Teams.RevokeConsent(ctx, anne.User, martin.ID))
	say("Anne Martin, the holder, revokes it from her vault: consent %s", c.State)
	ask(s, "Can Julien view the Martins' vault?", julien.ID, policy.ViewDossier, policy.DossierResource(martin.ID))
	listReferrals(s, sophie.ID, lt.ID)
	c = must(s.Teams.RestoreConsent(ctx, anne.User, martin.ID))
	say("Anne gives it back: consent %s", c.State)

	step("The lead is always an admin (TEAM-2 v2)")
	_, err = s.Teams.RemoveMember(ctx, sophie.ID, lt.ID, sophie.ID)
	refused("Sophie removes herself", err)
	must(s.Teams.ChangeRole(ctx, sophie.ID, lt.ID, julien.ID, team.RoleAdmin))
	_, _, err = s.Teams.TransferLead(ctx, julien.ID, lt.ID, julien.ID)
	refused("Julien, now an admin, takes the lead", err)

	step("Removing a member keeps their referrals in the team (TEAM-11)")
	must1(s.Teams.RemoveMember(ctx, sophie.ID, lt.ID, julien.ID))
	listReferrals(s, sophie.ID, lt.ID)

	step("A display name changes: the personal team's label follows it (TEAM-6)")
	must(s.Teams.SetDisplayName(ctx, sophie.ID, "Sophie Lefèvre-Morel"))
	say("Sophie's personal team is now %q", ok(s.Teams.PersonalTeam(ctx, sophie.ID)).Name)

	step("Sophie deletes the team, sending each referral back to its referrer (TEAM-10)")
	must1(s.Teams.DeleteTeam(ctx, sophie.ID, lt.ID, team.ReassignToReferrers))
	for _, e := range s.Events.Batches()[len(s.Events.Batches())-1].Events {
		if m, isMove := e.(team.ReferralMoved); isMove {
			say("referral %s of %s → their personal team (%s)", m.Referral, name(s, m.Referrer), m.Reason)
		}
	}
	ask(s, "Can Camille still view the Martins' vault?", camille.ID, policy.ViewDossier, policy.DossierResource(martin.ID))
}

// listReferrals prints team t's referrals as its member viewer sees them.
func listReferrals(s *scenario.Scenario, viewer cabinet.UserID, t cabinet.TeamID) {
	refs := ok(cabinet.All(s.Context(), func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
		return s.Teams.Referrals(ctx, viewer, t, team.ReferralFilter{}, p)
	}))
	for _, r := range refs {
		say("  %-12s referred by %-16s consent %-8s %s", r.ClientName, name(s, r.Referrer), r.Consent, r.CreatedAt.Format("2 Jan 2006"))
	}
}

// name returns a user's display name.
func name(s *scenario.Scenario, u cabinet.UserID) string {
	return ok(s.Teams.User(s.Context(), u, u)).DisplayName
}

// teamName returns the name of team t as viewer sees it.
func teamName(s *scenario.Scenario, viewer cabinet.UserID, t cabinet.TeamID) string {
	return ok(s.Teams.Team(s.Context(), viewer, t)).Name
}

// ask prints a question and the policy engine's decision.
func ask(s *scenario.Scenario, question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
	say("%-44s %s", question, s.Check(u, a, r))
}

const day = 24 * time.Hour

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
	fmt.Fprintln(os.Stderr, "teams:", err)
	os.Exit(1)
}
