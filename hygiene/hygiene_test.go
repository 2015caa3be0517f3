package hygiene_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/hygiene"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

const host cabinet.Host = "test"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// office is a state with one finding of every kind, and near misses.
type office struct {
	ctx                    context.Context
	store                  *memstore.Store
	clock                  *cabinet.ManualClock
	k                      *kit.Kit
	svc                    *hygiene.Service
	admin, staff, outsider cabinet.UserID
	leaver                 cabinet.UserID // removed from the office
	office                 cabinet.OfficeID
	grouped, ungrouped     cabinet.DossierID // activated
	draft, archived        cabinet.DossierID // in no group, not reported as ungrouped
	released, orphaned     cabinet.DossierID // no manager (GRP-11 release); manager not a collaborator
	stale, fresh, linked   access.GrantID
	north, north2, south   cabinet.ClientGroupID
	leadOnly, twoAdmins    cabinet.TeamID
	referred               cabinet.TeamID // an outsider's team holding a referral of grouped
}

// fatalf stops a test (t.Fatal) or an example (panic).
type fatalf func(args ...any)

// must returns a command's record, or stops on its error.
func must[T any](t fatalf) func(v T, _ cabinet.Revision, err error) T {
	return func(v T, _ cabinet.Revision, err error) T {
		if err != nil {
			t(err)
		}
		return v
	}
}

// ok stops on a command's error.
func ok(t fatalf) func(_ cabinet.Revision, err error) {
	return func(_ cabinet.Revision, err error) {
		if err != nil {
			t(err)
		}
	}
}

func newOffice(t fatalf) *office {
	ctx := context.Background()
	w := &office{ctx: ctx, store: memstore.New(), clock: cabinet.NewManualClock(t0)}
	k, err := kit.New(ctx, w.store, kit.WithClock(w.clock), kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		t(err)
	}
	w.k = k
	if w.svc, err = hygiene.New(w.store, cabinet.WithClock(w.clock)); err != nil {
		t(err)
	}
	user := func(name string) cabinet.UserID {
		return must[cabinet.User](t)(k.Teams.CreateUser(ctx, host, name, name+"@example.com")).ID
	}
	w.admin, w.staff, w.outsider = user("ada"), user("sam"), user("otto")
	leaver := user("lea")
	w.leaver = leaver
	w.office = must[clientgroup.Office](t)(k.Groups.CreateOffice(ctx, w.admin, "Practice", "office@example.com")).ID
	must[clientgroup.Collaborator](t)(k.Groups.AddCollaborator(ctx, w.admin, w.office, w.staff, cabinet.ProfileStandard))
	must[clientgroup.Collaborator](t)(k.Groups.AddCollaborator(ctx, w.admin, w.office, leaver, cabinet.ProfileStandard))
	group := func(name string) cabinet.ClientGroupID {
		return must[clientgroup.ClientGroup](t)(k.Groups.CreateClientGroup(ctx, w.admin, w.office, name, "")).ID
	}
	w.north, w.south, w.north2 = group("North"), group("South"), group(" north ")
	dossier := func(name string, status cabinet.DossierStatus) cabinet.DossierID {
		d := must[access.Dossier](t)(k.Access.CreateDossier(ctx, w.admin, w.office, name))
		if status != cabinet.DossierDraft {
			must[access.Dossier](t)(k.Access.SetStatus(ctx, w.admin, d.ID, cabinet.DossierActivated))
		}
		if status == cabinet.DossierArchived {
			must[access.Dossier](t)(k.Access.SetStatus(ctx, w.admin, d.ID, cabinet.DossierArchived))
		}
		return d.ID
	}
	w.grouped = dossier("Grouped", cabinet.DossierActivated)
	ok(t)(k.Groups.MoveDossier(ctx, w.admin, w.grouped, w.north))
	w.ungrouped = dossier("Ungrouped", cabinet.DossierActivated)
	w.draft = dossier("Draft", cabinet.DossierDraft)
	w.archived = dossier("Archived", cabinet.DossierArchived)
	w.released = dossier("Released", cabinet.DossierDraft)
	must[access.Dossier](t)(k.Access.SetManager(ctx, w.admin, w.released, leaver))
	ok(t)(k.Groups.RemoveCollaborator(ctx, w.admin, w.office, leaver)) // GRP-11: released has no manager
	w.orphaned = dossier("Orphaned", cabinet.DossierDraft)
	if _, err := w.store.UpdateAccess(ctx, func(wr access.Writer) error { // state written otherwise
		d, err := wr.Dossier(ctx, w.orphaned)
		if err != nil {
			return err
		}
		d.Manager = leaver
		return wr.PutDossier(ctx, d)
	}); err != nil {
		t(err)
	}
	if err := k.Policy.Reload(ctx); err != nil {
		t(err)
	}
	// Grants on grouped (its manager is admin): one invited at t0, one 10
	// days later, one to an existing account.
	grant := func(name, email string) access.GrantID {
		p := must[access.Person](t)(k.Access.AddPerson(ctx, w.admin, w.grouped, access.PersonInput{Name: name, Relation: access.RelationChild}))
		return must[access.Grant](t)(k.Access.GrantPerson(ctx, w.admin, p.ID, access.GrantInput{Email: email, Phone: "+33612345678", Level: access.LevelReadOnly})).ID
	}
	w.stale = grant("Old", "old@example.com")
	w.linked = grant("Sam", "sam@example.com")
	w.clock.Advance(10 * 24 * time.Hour)
	w.fresh = grant("New", "new@example.com")
	// Teams: the admin leads one alone and one with a second admin; an
	// outsider's team, where the staff member refers grouped, has its lead
	// as only admin.
	w.leadOnly = must[team.Team](t)(k.Teams.CreateTeam(ctx, w.admin, "Solo", w.admin)).ID
	w.twoAdmins = must[team.Team](t)(k.Teams.CreateTeam(ctx, w.admin, "Pair", w.admin)).ID
	inv := must[team.Invitation](t)(k.Teams.Invite(ctx, w.admin, w.twoAdmins, "sam@example.com", team.RoleAdmin))
	must[team.Team](t)(k.Teams.AcceptInvitation(ctx, w.staff, inv.ID))
	must[clientgroup.DirectAssignment](t)(k.Groups.AssignCollaborator(ctx, w.admin, w.north, w.staff))
	w.referred = must[team.Team](t)(k.Teams.CreateTeam(ctx, w.outsider, "Outside", w.outsider)).ID
	inv = must[team.Invitation](t)(k.Teams.Invite(ctx, w.outsider, w.referred, "sam@example.com", team.RoleMember))
	must[team.Team](t)(k.Teams.AcceptInvitation(ctx, w.staff, inv.ID))
	must[team.Referral](t)(k.Teams.Refer(ctx, w.staff, team.ReferInput{Team: w.referred, ClientName: "Cleo", ClientEmail: "cleo@example.com", Dossier: w.grouped}))
	must[team.Team](t)(k.Teams.CreateTeam(ctx, w.staff, "Pending for otto", w.outsider)) // pending (TEAM-1): no admin yet
	return w
}

// TestHygieneReport: every report of an office at t0+31 days — GRP-2
// ungrouped activated dossiers, GRP-11 unmanaged ones, ACC-5 grants
// waiting over 30 days, GRP-6 duplicate names (as clientgroup reports
// them), TEAM-2 teams whose only admin is the lead.
func TestHygieneReport(t *testing.T) {
	w := newOffice(t.Fatal)
	w.clock.Set(t0.Add(31 * 24 * time.Hour))
	rep, err := w.svc.Report(w.ctx, w.admin, w.office)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("GRP-2 ungrouped", func(t *testing.T) {
		if diff := cmp.Diff([]cabinet.DossierID{w.ungrouped}, rep.Ungrouped); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("GRP-11 unmanaged", func(t *testing.T) {
		want := []hygiene.UnmanagedDossier{
			{Dossier: w.released, Name: "Released", Why: hygiene.NoManager},
			{Dossier: w.orphaned, Name: "Orphaned", Why: hygiene.ManagerLeft, Manager: w.leaver},
		}
		if diff := cmp.Diff(want, rep.Unmanaged); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("ACC-5 grants waiting over 30 days", func(t *testing.T) {
		if len(rep.StaleGrants) != 1 || rep.StaleGrants[0].Grant != w.stale || rep.StaleGrants[0].Waiting != 31*24*time.Hour || rep.StaleGrants[0].Email != "old@example.com" {
			t.Errorf("%+v, want only %s", rep.StaleGrants, w.stale)
		}
		w.clock.Set(t0.Add(30 * 24 * time.Hour)) // exactly 30 days: not over
		at30, err := w.svc.Report(w.ctx, w.admin, w.office)
		if err != nil || len(at30.StaleGrants) != 0 {
			t.Errorf("at 30 days: %+v, %v", at30.StaleGrants, err)
		}
	})
	t.Run("GRP-6 duplicate names", func(t *testing.T) {
		want, err := w.k.Groups.DuplicateNames(w.ctx, w.admin, w.office)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, rep.DuplicateNames); diff != "" || len(want) != 1 || len(want[0].Groups) != 2 {
			t.Errorf("against clientgroup.Service.DuplicateNames %v: %s", want, diff)
		}
	})
	t.Run("TEAM-2 lead as only admin", func(t *testing.T) {
		if diff := cmp.Diff([]cabinet.TeamID{w.leadOnly, w.referred}, rep.LeadOnlyAdmin); diff != "" {
			t.Error(diff)
		}
	})
	if rep.Office != w.office || rep.Revision == 0 {
		t.Errorf("report header %v %v", rep.Office, rep.Revision)
	}
}

// TestHygieneReportGRP5OnlyAdmins: a standard collaborator and an outsider
// are forbidden (GRP-5), an unknown office is not found, empty IDs are
// invalid.
func TestHygieneReportGRP5OnlyAdmins(t *testing.T) {
	w := newOffice(t.Fatal)
	for _, tc := range []struct {
		name   string
		actor  cabinet.UserID
		office cabinet.OfficeID
		is     error
		detail string // the rule or field
	}{
		{"GRP-5 standard collaborator", w.staff, w.office, cabinet.ErrForbidden, "GRP-5"},
		{"GRP-5 outsider", w.outsider, w.office, cabinet.ErrForbidden, "GRP-5"},
		{"GRP-5 a collaborator who left (GRP-11)", w.leaver, w.office, cabinet.ErrForbidden, "GRP-5"},
		{"unknown office", w.admin, "office_unknown", cabinet.ErrNotFound, ""},
		{"empty actor", "", w.office, cabinet.ErrInvalid, "actor"},
		{"empty office", w.admin, "", cabinet.ErrInvalid, "office"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.svc.Report(w.ctx, tc.actor, tc.office)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if got := cabinet.RuleOf(err) + cabinet.FieldOf(err); got != tc.detail {
				t.Errorf("err %v names %q, want %q", err, got, tc.detail)
			}
		})
	}
}

// The report an office's admin reads.
func ExampleService_Report() {
	w := newOffice(func(args ...any) { panic(fmt.Sprint(args...)) })
	w.clock.Set(t0.Add(31 * 24 * time.Hour))
	rep, err := w.svc.Report(w.ctx, w.admin, w.office)
	if err != nil {
		panic(err)
	}
	fmt.Println("ungrouped:", rep.Ungrouped)
	for _, u := range rep.Unmanaged {
		fmt.Println("unmanaged:", u.Dossier, u.Why)
	}
	for _, g := range rep.StaleGrants {
		fmt.Println("waiting:", g.Email, g.Waiting)
	}
	for _, d := range rep.DuplicateNames {
		fmt.Printf("duplicate: %q %v\n", d.Name, d.Groups)
	}
	fmt.Println("lead is the only admin:", rep.LeadOnlyAdmin)
	// Output:
	// ungrouped: [dos_14]
	// unmanaged: dos_17 no_manager
	// unmanaged: dos_18 manager_left
	// waiting: old@example.com 744h0m0s
	// duplicate: "North" [group_10 group_12]
	// lead is the only admin: [team_25 team_28]
}
