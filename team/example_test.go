package team_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// newExampleService returns a team service over a fresh store. The facts
// of the other packages (which dossiers exist, who reaches them internally,
// who is their granted central person) come from a stand-in here; package
// kit wires the real ones, clientgroup.Facts and access.Facts.
func newExampleService() (*team.Service, *facts, *cabinet.EventLog, *cabinet.ManualClock) {
	log := &cabinet.EventLog{}
	clock := cabinet.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	store := memstore.New(memstore.Deliver(log)) // the host's sink, fed from the store's change log
	others := newFacts(store)
	svc := team.NewService(store, others, others,
		cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	return svc, others, log, clock
}

// An assistant creates a team on behalf of the lead advisor (TEAM-1): the
// team is pending, with no member, until the lead accepts it; the lead is
// then its admin and lead, and the assistant is recorded as creator only.
func ExampleService_CreateTeam() {
	ctx := context.Background()
	svc, _, _, _ := newExampleService()
	lead, _, _ := svc.CreateUser(ctx, "signup", "Louise Martin", "louise@example.com")
	assistant, _, _ := svc.CreateUser(ctx, "signup", "Adam Petit", "adam@example.com")

	t, _, err := svc.CreateTeam(ctx, assistant.ID, "Martin Wealth", lead.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Name, "pending:", t.Pending, "members:", len(t.Members))
	pending, _, _ := svc.PendingTeams(ctx, lead.ID, cabinet.Page{})
	fmt.Println("waiting for Louise:", len(pending))

	t, _, _ = svc.AcceptTeam(ctx, lead.ID, t.ID)
	fmt.Println(t.Name, "lead:", t.Lead, "created by:", t.CreatedBy)
	for _, m := range t.Members {
		fmt.Println("member", m.User, m.Role)
	}
	teams, _, _ := svc.Teams(ctx, lead.ID, cabinet.Page{})
	for _, t := range teams {
		fmt.Printf("%s personal=%v\n", t.Name, t.Personal)
	}
	// Output:
	// Martin Wealth pending: true members: 0
	// waiting for Louise: 1
	// Martin Wealth lead: user_1 created by: user_3
	// member user_1 admin
	// Louise Martin personal personal=true
	// Martin Wealth personal=false
}

// An admin invites someone who has no account yet (TEAM-3); they sign up
// with that email and accept.
func ExampleService_Invite() {
	ctx := context.Background()
	svc, _, log, clock := newExampleService()
	lead, _, _ := svc.CreateUser(ctx, "signup", "Louise Martin", "louise@example.com")
	t, _, _ := svc.CreateTeam(ctx, lead.ID, "Martin Wealth", "")

	inv, _, _ := svc.Invite(ctx, lead.ID, t.ID, "noah@example.com", team.RoleMember)
	fmt.Println(inv.Status, "until", inv.ExpiresAt.Format("2006-01-02"))

	clock.Advance(24 * time.Hour)
	noah, _, _ := svc.CreateUser(ctx, "signup", "Noah Leroy", "Noah@Example.com")
	pending, _, _ := svc.PendingInvitations(ctx, noah.ID, cabinet.Page{})
	fmt.Println("pending for Noah:", len(pending))
	t, _, _ = svc.AcceptInvitation(ctx, noah.ID, inv.ID)
	role, _ := t.Role(noah.ID)
	fmt.Println("Noah is", role)

	_, _, err := svc.AcceptInvitation(ctx, noah.ID, inv.ID)
	fmt.Println(cabinet.RuleOf(err), err != nil)
	fmt.Println(log.Names()[len(log.Names())-2:])
	// Output:
	// pending until 2026-03-15
	// pending for Noah: 1
	// Noah is member
	// TEAM-3 true
	// [team.invitation_accepted team.member_joined]
}

// Referring shares a vault the referrer already holds (TEAM-8): a
// collaborator who reaches the dossier internally refers it; an account
// with no link to the office cannot.
func ExampleService_Refer() {
	ctx := context.Background()
	svc, others, _, _ := newExampleService()
	marc, _, _ := svc.CreateUser(ctx, "signup", "Marc Roux", "marc@example.com")
	eve, _, _ := svc.CreateUser(ctx, "signup", "Eve Stranger", "eve@example.com")
	others.setInternal(marc.ID, "dossier-claire", true) // Marc manages Claire's dossier

	in := team.ReferInput{ClientName: "Claire Roux", ClientEmail: "claire@example.com", Dossier: "dossier-claire"}
	_, _, err := svc.Refer(ctx, eve.ID, in)
	fmt.Println(err)
	r, _, err := svc.Refer(ctx, marc.ID, in)
	fmt.Println(r.ClientName, "referred into Marc's personal team:", err == nil)
	// Output:
	// cabinet: forbidden: a referrer shares only a dossier they already reach internally or whose central person they are (TEAM-8)
	// Claire Roux referred into Marc's personal team: true
}

// Consent belongs to the vault (TEAM-9): only its granted central person
// revokes it, and the team route closes in every team.
func ExampleService_RevokeConsent() {
	ctx := context.Background()
	svc, others, _, _ := newExampleService()
	marc, _, _ := svc.CreateUser(ctx, "signup", "Marc Roux", "marc@example.com")
	claire, _, _ := svc.CreateUser(ctx, "signup", "Claire Roux", "claire@example.com")
	others.setInternal(marc.ID, "dossier-claire", true)
	others.setCentral(claire.ID, "dossier-claire", true) // Claire is the granted holder
	_, _, _ = svc.Refer(ctx, marc.ID, team.ReferInput{ClientName: "Claire Roux", ClientEmail: claire.Email, Dossier: "dossier-claire"})
	tm, _, _ := svc.CreateTeam(ctx, marc.ID, "Roux advisers", "")

	_, _, err := svc.RevokeConsent(ctx, marc.ID, "dossier-claire")
	fmt.Println("the referrer:", cabinet.RuleOf(err))
	c, _, _ := svc.RevokeConsent(ctx, claire.ID, "dossier-claire")
	fmt.Println("Claire:", c.State)
	refs, _, _ := svc.Referrals(ctx, marc.ID, tm.ID, team.ReferralFilter{}, cabinet.Page{})
	fmt.Println("still listed:", len(refs), refs[0].Consent)
	ok, _ := svc.ReachesDossier(ctx, marc.ID, "dossier-claire")
	fmt.Println("team route open:", ok)
	// Output:
	// the referrer: TEAM-9
	// Claire: revoked
	// still listed: 1 revoked
	// team route open: false
}

// Deleting a team needs a reassignment choice (TEAM-10). Here every
// referral goes back to its referrer's personal team, even for a member who
// left.
func ExampleService_DeleteTeam() {
	ctx := context.Background()
	svc, others, _, _ := newExampleService()
	lead, _, _ := svc.CreateUser(ctx, "signup", "Louise Martin", "louise@example.com")
	noah, _, _ := svc.CreateUser(ctx, "signup", "Noah Leroy", "noah@example.com")
	others.setInternal(lead.ID, "dossier-claire", true)
	others.setInternal(noah.ID, "dossier-hugo", true)
	t, _, _ := svc.CreateTeam(ctx, lead.ID, "Martin Wealth", "")
	inv, _, _ := svc.Invite(ctx, lead.ID, t.ID, noah.Email, team.RoleMember)
	_, _, _ = svc.AcceptInvitation(ctx, noah.ID, inv.ID)

	r1, _, _ := svc.Refer(ctx, lead.ID, team.ReferInput{Team: t.ID, ClientName: "Claire Roux", ClientEmail: "claire@example.com", Dossier: "dossier-claire"})
	r2, _, _ := svc.Refer(ctx, noah.ID, team.ReferInput{Team: t.ID, ClientName: "Hugo Blanc", ClientEmail: "hugo@example.com", Dossier: "dossier-hugo"})
	_, _ = svc.Leave(ctx, noah.ID, t.ID) // TEAM-11: Hugo stays in the team

	_, err := svc.DeleteTeam(ctx, lead.ID, t.ID, team.ReassignInvalid)
	fmt.Println(err)

	if _, err := svc.DeleteTeam(ctx, lead.ID, t.ID, team.ReassignToReferrers); err != nil {
		fmt.Println(err)
		return
	}
	// Each referrer now finds their referral in their personal team.
	for _, ref := range []team.Referral{r1, r2} {
		r, _ := svc.Referral(ctx, ref.Referrer, ref.ID)
		p, _ := svc.PersonalTeam(ctx, ref.Referrer)
		fmt.Printf("%s -> %s (%v)\n", r.ClientName, p.Name, r.Team == p.ID)
	}
	// Output:
	// cabinet: invalid reassignment: choose to_deleter or to_referrers before deleting a team (TEAM-10)
	// Claire Roux -> Louise Martin personal (true)
	// Hugo Blanc -> Noah Leroy personal (true)
}
