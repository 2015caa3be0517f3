package access_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/memstore"
)

// What a read_write grant lets an external advisor do (ACC-10).
func ExampleGrantAllows() {
	notary := access.Grant{Kind: access.GranteeAdvisor, Level: access.LevelReadWrite}
	for _, a := range []access.Action{
		access.View(),
		access.Edit(access.SectionAssetInventory),
		access.Edit(access.SectionNotes),
		access.UseTool(access.ToolReports),
	} {
		if err := access.GrantAllows(notary, a); err != nil {
			fmt.Printf("%-26s denied: %v\n", a, err)
			continue
		}
		fmt.Printf("%-26s allowed\n", a)
	}
	// Output:
	// view                       allowed
	// edit asset_inventory       allowed
	// edit notes                 denied: cabinet: forbidden: external advisors cannot edit notes (ACC-10)
	// use_tool reports           denied: cabinet: forbidden: external advisors cannot use reports (ACC-10)
}

// Only the manager manages access (ACC-1); a granted holder manages the
// non-central members of the family, at most at her own level (ACC-7).
func ExampleCanManagePersonAccess() {
	d := access.Dossier{ID: "dos_1", Office: "o1", Manager: "u_manager"}
	manager := access.Actor{ID: "u_manager", Profile: cabinet.ProfileStandard}
	holder := access.Actor{ID: "u_holder", Held: []access.Grant{{Dossier: "dos_1", Kind: access.GranteePerson, Central: true, User: "u_holder", Level: access.LevelReadOnly}}}
	admin := access.Actor{ID: "u_admin", Profile: cabinet.ProfileAdmin}
	departed := access.Actor{ID: "u_manager"} // no longer a collaborator (GRP-11)
	fmt.Println(access.CanManagePersonAccess(d, manager, access.RelationCoHolder, access.LevelReadWrite))
	fmt.Println(access.CanManagePersonAccess(d, holder, access.RelationChild, access.LevelReadOnly))
	fmt.Println(access.CanManagePersonAccess(d, holder, access.RelationChild, access.LevelReadWrite))
	fmt.Println(access.CanManagePersonAccess(d, holder, access.RelationCoHolder, access.LevelReadOnly))
	fmt.Println(access.CanManagePersonAccess(d, admin, access.RelationChild, access.LevelReadOnly))
	fmt.Println(access.CanManagePersonAccess(d, departed, access.RelationChild, access.LevelReadOnly))
	// Output:
	// <nil>
	// <nil>
	// cabinet: forbidden: a central person grants at most their own level (read_only) (ACC-7)
	// cabinet: forbidden: a central person cannot manage the access of another central person (ACC-7)
	// cabinet: forbidden: only the dossier's manager manages the access of people outside the office (ACC-1)
	// cabinet: forbidden: only the dossier's manager manages the access of people outside the office (ACC-1)
}

// A grantee without an account is invited, then reminded after 7 and 30
// days until they sign up (ACC-5).
func ExampleService_SendDueReminders() {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store := memstore.New()
	svc, _ := newAccessService(store, cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	_ = putCollaborator(ctx, store, "o1", "u_manager", cabinet.ProfileStandard)

	d, _, _ := svc.CreateDossier(ctx, "u_manager", "o1", "Martin family")
	anne, _, _ := svc.AddPerson(ctx, "u_manager", d.ID, access.PersonInput{Name: "Anne Martin", Relation: access.RelationHolder})
	g, _, _ := svc.GrantPerson(ctx, "u_manager", anne.ID, access.GrantInput{Email: "anne@example.com", Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	fmt.Println("granted", g.ID, "to", g.Email, g.Phone, "invited", g.InvitedAt.Format(time.DateOnly))
	for _, days := range []int{6, 1, 10, 13} {
		now := clock.Advance(time.Duration(days) * 24 * time.Hour)
		due, _, _ := svc.SendDueReminders(ctx, "scheduler")
		for _, r := range due {
			fmt.Printf("%s: reminder %d to %s\n", now.Format(time.DateOnly), r.Number, r.Email)
		}
	}
	_ = signUp(ctx, store, svc, cabinet.User{ID: "u_anne", Email: "anne@example.com"})
	clock.Advance(365 * 24 * time.Hour)
	due, _, _ := svc.SendDueReminders(ctx, "scheduler")
	fmt.Println("after sign-up:", len(due), "reminders")
	// Output:
	// granted grant_3 to anne@example.com +33612345678 invited 2026-03-02
	// 2026-03-09: reminder 1 to anne@example.com
	// 2026-04-01: reminder 2 to anne@example.com
	// after sign-up: 0 reminders
}

// A mistyped email on a holder's grant is corrected before anyone signs up
// with it (ACC-3): the invitation goes to the right address, its reminders
// restart, and the mistyped address gets nothing.
func ExampleService_CorrectGrantContact() {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store := memstore.New()
	svc, _ := newAccessService(store, cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	_ = putCollaborator(ctx, store, "o1", "u_manager", cabinet.ProfileStandard)

	d, _, _ := svc.CreateDossier(ctx, "u_manager", "o1", "Martin family")
	anne, _, _ := svc.AddPerson(ctx, "u_manager", d.ID, access.PersonInput{Name: "Anne Martin", Relation: access.RelationHolder})
	g, _, _ := svc.GrantPerson(ctx, "u_manager", anne.ID, access.GrantInput{Email: "anne@exmaple.com", Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	clock.Advance(3 * 24 * time.Hour)
	g, _, err := svc.CorrectGrantContact(ctx, "u_manager", g.ID, access.ContactInput{Email: "anne@example.com", Phone: "06 12 34 56 78"})
	fmt.Println(g.Email, g.State(), "invited", g.InvitedAt.Format(time.DateOnly), err)
	_ = signUp(ctx, store, svc, cabinet.User{ID: "u_typo", Email: "anne@exmaple.com"})
	_ = signUp(ctx, store, svc, cabinet.User{ID: "u_anne", Email: "anne@example.com"})
	g, _ = svc.Grant(ctx, "u_manager", g.ID)
	fmt.Println("linked to", g.User)
	_, _, err = svc.CorrectGrantContact(ctx, "u_manager", g.ID, access.ContactInput{Email: "other@example.com", Phone: "06 12 34 56 78"})
	fmt.Println(err)
	// Output:
	// anne@example.com invited invited 2026-03-05 <nil>
	// linked to u_anne
	// cabinet: conflict: grant "grant_3" is linked to an account: its email and phone are fixed (ACC-3)
}

// An external advisor's grant until an instant (issue 16): it allows
// nothing from that instant on, with no command; the grant stays stored,
// with its expiry, until revoked or replaced.
func ExampleGrant_Expired() {
	until := time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC)
	notary := access.Grant{ID: "grant_1", Kind: access.GranteeAdvisor, Level: access.LevelReadOnly, User: "u_notary", ExpiresAt: until}
	for _, now := range []time.Time{until.Add(-time.Second), until, until.Add(time.Hour)} {
		live := access.LiveGrants([]access.Grant{notary}, now)
		fmt.Printf("%s expired=%v live grants=%d\n", now.Format(time.TimeOnly), notary.Expired(now), len(live))
	}
	fmt.Println(access.ExpiredRefusal(notary))
	fmt.Println(cabinet.CheckExpiry("expires_at", until, until))
	// Output:
	// 17:59:59 expired=false live grants=1
	// 18:00:00 expired=true live grants=0
	// 19:00:00 expired=true live grants=0
	// cabinet: forbidden: grant "grant_1" expired at 2026-06-30T18:00:00Z (ACC-10)
	// cabinet: invalid expires_at: 2026-06-30T18:00:00Z is not after now (2026-06-30T18:00:00Z)
}

// A notary's access during a succession, until an instant (issue 16): from
// ExpiresAt on the grant allows nothing, with no command; the manager may
// extend it (SetGrantExpiry, ACC-9), which opens it again.
func ExampleService_GrantAdvisorUntil() {
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store := memstore.New()
	svc, _ := newAccessService(store, cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	_ = putCollaborator(ctx, store, "o1", "u_manager", cabinet.ProfileStandard)
	_ = signUp(ctx, store, svc, cabinet.User{ID: "u_notary", Email: "notary@example.com"})

	d, _, _ := svc.CreateDossier(ctx, "u_manager", "o1", "Martin succession")
	adv, _, _ := svc.RegisterAdvisor(ctx, "u_manager", d.ID, access.AdvisorInput{Name: "Maître Roux", Email: "notary@example.com", Phone: "06 12 34 56 78", Type: access.AdvisorNotary})
	g, _, err := svc.GrantAdvisorUntil(ctx, "u_manager", adv.ID, access.LevelReadOnly, clock.Now().Add(30*24*time.Hour))
	fmt.Println(g.User, "until", g.ExpiresAt.Format(time.DateOnly), err)

	_, err = svc.Dossier(ctx, "u_notary", d.ID)
	fmt.Println("day 0:", err)
	clock.Advance(30 * 24 * time.Hour)
	_, err = svc.Dossier(ctx, "u_notary", d.ID)
	fmt.Println("day 30:", err)

	_, _, _ = svc.SetGrantExpiry(ctx, "u_manager", g.ID, clock.Now().Add(7*24*time.Hour))
	_, err = svc.Dossier(ctx, "u_notary", d.ID)
	fmt.Println("extended:", err)
	// Output:
	// u_notary until 2026-04-01 <nil>
	// day 0: <nil>
	// day 30: cabinet: forbidden: grant "grant_3" expired at 2026-04-01T09:00:00Z (ACC-10)
	// extended: <nil>
}
