package team_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

func newExampleService() (*team.Service, *cabinet.EventLog, *cabinet.ManualClock) {
	log := &cabinet.EventLog{}
	clock := cabinet.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	svc := team.NewService(memstore.New(),
		cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(log))
	return svc, log, clock
}

// An assistant creates a team on behalf of the lead advisor (TEAM-1): the
// lead is its admin and lead; the assistant is recorded as creator only.
func ExampleService_CreateTeam() {
	ctx := context.Background()
	svc, _, _ := newExampleService()
	lead, _ := svc.CreateUser(ctx, "Louise Martin", "louise@example.com")
	assistant, _ := svc.CreateUser(ctx, "Adam Petit", "adam@example.com")

	t, err := svc.CreateTeam(ctx, assistant.ID, "Martin Wealth", lead.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Name, "lead:", t.Lead, "created by:", t.CreatedBy)
	for _, m := range t.Members {
		fmt.Println("member", m.User, m.Role)
	}
	teams, _ := svc.Teams(ctx, lead.ID)
	for _, t := range teams {
		fmt.Printf("%s personal=%v\n", t.Name, t.Personal)
	}
	// Output:
	// Martin Wealth lead: user_1 created by: user_3
	// member user_1 admin
	// Louise Martin personal personal=true
	// Martin Wealth personal=false
}

// An admin invites someone who has no account yet (TEAM-3); they sign up
// with that email and accept.
func ExampleService_Invite() {
	ctx := context.Background()
	svc, log, clock := newExampleService()
	lead, _ := svc.CreateUser(ctx, "Louise Martin", "louise@example.com")
	t, _ := svc.CreateTeam(ctx, lead.ID, "Martin Wealth", "")

	inv, _ := svc.Invite(ctx, lead.ID, t.ID, "noah@example.com", team.RoleMember)
	fmt.Println(inv.Status, "until", inv.ExpiresAt.Format("2006-01-02"))

	clock.Advance(24 * time.Hour)
	noah, _ := svc.CreateUser(ctx, "Noah Leroy", "Noah@Example.com")
	pending, _ := svc.PendingInvitations(ctx, noah.ID)
	fmt.Println("pending for Noah:", len(pending))
	t, _ = svc.AcceptInvitation(ctx, noah.ID, inv.ID)
	role, _ := t.Role(noah.ID)
	fmt.Println("Noah is", role)

	_, err := svc.AcceptInvitation(ctx, noah.ID, inv.ID)
	fmt.Println(cabinet.RuleOf(err), err != nil)
	fmt.Println(log.Names()[len(log.Names())-2:])
	// Output:
	// pending until 2026-03-15
	// pending for Noah: 1
	// Noah is member
	// TEAM-3 true
	// [team.invitation_accepted team.member_joined]
}

// Deleting a team needs a reassignment choice (TEAM-10). Here every
// referral goes back to its referrer's personal team, even for a member who
// left.
func ExampleService_DeleteTeam() {
	ctx := context.Background()
	svc, _, _ := newExampleService()
	lead, _ := svc.CreateUser(ctx, "Louise Martin", "louise@example.com")
	noah, _ := svc.CreateUser(ctx, "Noah Leroy", "noah@example.com")
	t, _ := svc.CreateTeam(ctx, lead.ID, "Martin Wealth", "")
	inv, _ := svc.Invite(ctx, lead.ID, t.ID, noah.Email, team.RoleMember)
	_, _ = svc.AcceptInvitation(ctx, noah.ID, inv.ID)

	r1, _ := svc.Refer(ctx, lead.ID, team.ReferInput{Team: t.ID, ClientName: "Claire Roux", ClientEmail: "claire@example.com", Dossier: "dossier-claire"})
	r2, _ := svc.Refer(ctx, noah.ID, team.ReferInput{Team: t.ID, ClientName: "Hugo Blanc", ClientEmail: "hugo@example.com", Dossier: "dossier-hugo"})
	_ = svc.Leave(ctx, noah.ID, t.ID) // TEAM-11: Hugo stays in the team

	err := svc.DeleteTeam(ctx, lead.ID, t.ID, team.ReassignInvalid)
	fmt.Println(err)

	if err := svc.DeleteTeam(ctx, lead.ID, t.ID, team.ReassignToReferrers); err != nil {
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
