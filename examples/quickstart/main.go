// Command quickstart is the first program to run: a lead advisor builds a
// team, refers a client, a member of the team sees the referral and reaches
// the client's dossier through the team route, and the client revokes
// consent, which closes that route. Later packages extend it.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()

	// Everything in memory; a fixed clock and sequential IDs so that the
	// story prints the same every time.
	store := memstore.New()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	events := &cabinet.EventLog{}
	teams := team.NewService(store,
		cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(events))

	// 1. Two advisors sign up; each gets a personal team (TEAM-6).
	louise, err := teams.CreateUser(ctx, "Louise Martin", "louise@martin-wealth.example")
	if err != nil {
		return err
	}
	noah, err := teams.CreateUser(ctx, "Noah Leroy", "noah@martin-wealth.example")
	if err != nil {
		return err
	}
	personal, err := teams.PersonalTeam(ctx, louise.ID)
	if err != nil {
		return err
	}
	fmt.Printf("Louise signs up and gets her personal team %q.\n", personal.Name)

	// 2. Louise, the lead advisor, creates a team and invites Noah (TEAM-1, TEAM-3).
	t, err := teams.CreateTeam(ctx, louise.ID, "Martin Wealth", "")
	if err != nil {
		return err
	}
	fmt.Printf("Louise creates %q and is its lead and admin.\n", t.Name)
	inv, err := teams.Invite(ctx, louise.ID, t.ID, noah.Email, team.RoleMember)
	if err != nil {
		return err
	}
	fmt.Printf("She invites Noah as a %s; the invitation is valid until %s.\n", inv.Role, inv.ExpiresAt.Format("2 Jan 2006"))
	clock.Advance(2 * time.Hour)
	if t, err = teams.AcceptInvitation(ctx, noah.ID, inv.ID); err != nil {
		return err
	}
	fmt.Printf("Noah accepts: the team has %d members.\n", len(t.Members))

	// 3. Louise refers a client into the team (TEAM-7).
	clock.Advance(24 * time.Hour)
	ref, err := teams.Refer(ctx, louise.ID, team.ReferInput{
		Team: t.ID, ClientName: "Claire Roux", ClientEmail: "claire@example.com", Dossier: "dossier-claire",
	})
	if err != nil {
		return err
	}
	fmt.Printf("Louise refers her client %s.\n", ref.ClientName)

	// 4. Noah sees the referral in the team's list (TEAM-12) and reaches
	// Claire's dossier through the team route (TEAM-8).
	list, _, err := teams.Referrals(ctx, noah.ID, t.ID, team.ReferralFilter{}, "", 0)
	if err != nil {
		return err
	}
	for _, r := range list {
		fmt.Printf("Noah's referral list: %s, referred by %s on %s, consent %s.\n",
			r.ClientName, name(ctx, teams, r.Referrer), r.CreatedAt.Format("2 Jan 2006"), r.Consent)
	}
	if err := route(ctx, store, noah.ID, ref.ID); err != nil {
		return err
	}

	// 5. Claire signs up, finds her referral and revokes consent (TEAM-9).
	claire, err := teams.CreateUser(ctx, "Claire Roux", "claire@example.com")
	if err != nil {
		return err
	}
	if _, err := teams.RevokeConsent(ctx, claire.ID, ref.ID); err != nil {
		return err
	}
	fmt.Println("Claire signs up and revokes her consent to share data.")
	list, _, err = teams.Referrals(ctx, noah.ID, t.ID, team.ReferralFilter{}, "", 0)
	if err != nil {
		return err
	}
	fmt.Printf("The referral is still listed (%d), consent %s.\n", len(list), list[0].Consent)
	if err := route(ctx, store, noah.ID, ref.ID); err != nil {
		return err
	}

	fmt.Println("\nEvents the host received:")
	for _, b := range events.Batches() {
		for _, e := range b.Events {
			fmt.Printf("  rev %d  %s\n", b.Revision, e.EventName())
		}
	}
	return nil
}

// route prints whether user reaches the referral's dossier through the team
// route, using the same predicate package policy composes.
func route(ctx context.Context, store team.Store, user cabinet.UserID, id cabinet.ReferralID) error {
	return store.ViewTeams(ctx, func(r team.Reader) error {
		ref, err := r.Referral(ctx, id)
		if err != nil {
			return err
		}
		t, err := r.Team(ctx, ref.Team)
		if err != nil {
			return err
		}
		if err := team.CanReachDossier(t, ref, user); err != nil {
			fmt.Printf("Team route to %s: closed — %v\n", ref.Dossier, err)
			return nil
		}
		fmt.Printf("Team route to %s: open.\n", ref.Dossier)
		return nil
	})
}

func name(ctx context.Context, teams *team.Service, id cabinet.UserID) string {
	u, err := teams.User(ctx, id)
	if err != nil {
		return string(id)
	}
	return u.DisplayName
}
