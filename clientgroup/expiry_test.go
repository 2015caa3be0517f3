package clientgroup_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
)

// TestGRP3DirectAssignmentExpires (issue 16, an extension of SPEC v2): a
// direct assignment with an expiry opens the group_direct route while now
// < ExpiresAt on the service's clock and not from that instant on, with no
// command — in Routes, ReachesDossier and the dossier listing (GRP-9); the
// expired assignment stays listed with its expiry until removed or
// assigned again, which replaces the expiry (AssignmentExpiryChanged).
func TestGRP3DirectAssignmentExpires(t *testing.T) {
	e := newEnv(t)
	g, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, "North", "")
	must(t, err)
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", g.ID)))
	now := e.clock.Now()
	until := now.Add(72 * time.Hour)

	_, _, err = e.svc.AssignCollaboratorUntil(ctx, "ann", g.ID, "ugo", now)
	wantErr(t, err, cabinet.ErrInvalid, "expires_at")
	_, _, err = e.svc.AssignCollaboratorUntil(ctx, "sam", g.ID, "ugo", until)
	wantErr(t, err, cabinet.ErrForbidden, "GRP-5")
	e.log.Reset()
	a, _, err := e.svc.AssignCollaboratorUntil(ctx, "ann", g.ID, "ugo", until)
	must(t, err)
	if want := (clientgroup.DirectAssignment{ClientGroup: g.ID, Office: e.office, User: "ugo", ExpiresAt: until}); a != want {
		t.Fatalf("assignment %+v, want %+v", a, want)
	}
	if evs := e.log.Events(); len(evs) != 1 || evs[0] != (clientgroup.CollaboratorAssigned{Office: e.office, ClientGroup: g.ID, User: "ugo", ExpiresAt: until}) {
		t.Fatalf("events %v: the event carries the expiry", evs)
	}

	listed := func() bool {
		t.Helper()
		es, _, err := e.svc.Dossiers(ctx, "ugo", clientgroup.DossierFilter{Office: e.office}, cabinet.Page{})
		must(t, err)
		return slices.ContainsFunc(es, func(x clientgroup.DossierEntry) bool { return x.Dossier.ID == "act3" })
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		open bool
	}{
		{"before", until.Add(-time.Nanosecond), true},
		{"at", until, false},
		{"after", until.Add(time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Set(tc.at)
			want := cabinet.NoRoutes
			if tc.open {
				want = cabinet.RouteGroupDirect
			}
			if got := e.routes(t, "ugo", "act3"); got != want {
				t.Errorf("Routes = %s, want %s", got, want)
			}
			reaches, err := e.svc.ReachesDossier(ctx, "ugo", "ugo", "act3")
			must(t, err)
			if reaches != tc.open || listed() != tc.open {
				t.Errorf("ReachesDossier %v, listed %v, want %v", reaches, listed(), tc.open)
			}
			das, _, err := e.svc.DirectAssignments(ctx, "ann", clientgroup.DirectAssignmentFilter{ClientGroup: g.ID}, cabinet.Page{})
			must(t, err)
			if len(das) != 1 || !das[0].ExpiresAt.Equal(until) || das[0].Expired(tc.at) == tc.open {
				t.Errorf("listed as %+v", das)
			}
		})
	}

	// Assigning again replaces the expiry: extends (reopens), then clears.
	e.log.Reset()
	later := e.clock.Now().Add(time.Hour)
	_, _, err = e.svc.AssignCollaboratorUntil(ctx, "ann", g.ID, "ugo", later)
	must(t, err)
	if evs := e.log.Events(); len(evs) != 1 || evs[0] != (clientgroup.AssignmentExpiryChanged{Office: e.office, ClientGroup: g.ID, User: "ugo", From: until, To: later}) {
		t.Fatalf("events %v", evs)
	}
	if got := e.routes(t, "ugo", "act3"); got != cabinet.RouteGroupDirect {
		t.Errorf("reopened: Routes = %s", got)
	}
	e.log.Reset()
	must(t, errOf(e.svc.AssignCollaboratorUntil(ctx, "ann", g.ID, "ugo", later)))
	if evs := e.log.Events(); len(evs) != 0 {
		t.Errorf("the same expiry again: events %v, want none", evs)
	}
	must(t, errOf(e.svc.AssignCollaborator(ctx, "ann", g.ID, "ugo")))
	e.clock.Advance(365 * 24 * time.Hour)
	if got := e.routes(t, "ugo", "act3"); got != cabinet.RouteGroupDirect {
		t.Errorf("cleared: Routes = %s", got)
	}
}
