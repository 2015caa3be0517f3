package policy_test

// Issue 16, time-bound access (an extension of SPEC v2): an external
// advisor's grant (ACC-10) and a direct assignment (GRP-3) may carry an
// expiry; the route is open iff now < ExpiresAt, and closes at that
// instant with no command — the engine reads its clock at decision time,
// so no Sync happens between the clock's moves and the questions below.

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// at moves w's clock to instant t (never backwards).
func (w *engWorld) at(t time.Time) {
	w.t.Helper()
	if d := t.Sub(w.clock.Now()); d > 0 {
		w.clock.Advance(d)
	} else if d < 0 {
		w.t.Fatalf("the clock cannot go back to %s", t)
	}
}

// viewers returns the users Viewers lists for d.
func (w *engWorld) viewers(d cabinet.DossierID) []cabinet.UserID {
	w.t.Helper()
	var out []cabinet.UserID
	for a, err := range w.k.Policy.Viewers(w.ctx, d) {
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, a.User)
	}
	return out
}

// dossiersOf returns the dossiers Dossiers lists for u (viewing).
func (w *engWorld) dossiersOf(u cabinet.UserID) []cabinet.DossierID {
	w.t.Helper()
	var out []cabinet.DossierID
	for d, err := range w.k.Policy.Dossiers(w.ctx, policy.User(u), policy.DossierQuery{}) {
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// expectOpen asserts that u views d through route on every path of the
// engine (Check, CheckBatch, AllowedActions, Dossiers, Viewers), or, when
// route is 0, that every path denies it and Check names rule with a reason
// saying "expired".
func (w *engWorld) expectOpen(u cabinet.UserID, d cabinet.DossierID, route cabinet.Routes, rule string) {
	w.t.Helper()
	dec := w.check(policy.User(u), policy.ViewDossier, policy.DossierResource(d))
	batch, err := w.k.Policy.CheckBatch(w.ctx, policy.User(u), []policy.Question{{Action: policy.ViewDossier, Resource: policy.DossierResource(d)}}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	set, err := w.k.Policy.AllowedActions(w.ctx, policy.User(u), policy.DossierResource(d))
	if err != nil {
		w.t.Fatal(err)
	}
	listed, viewer := slices.Contains(w.dossiersOf(u), d), slices.Contains(w.viewers(d), u)
	if route != 0 {
		if !dec.Allowed || dec.Routes != route || !batch[0].Allowed || !set.Has(policy.ViewDossier) || !listed || !viewer {
			w.t.Errorf("%s on %s at %s: Check %v (routes %s), batch %v, allowed actions %v, in Dossiers %v, in Viewers %v; want open via %s",
				u, d, w.clock.Now().Format(time.RFC3339), dec, dec.Routes, batch[0], set, listed, viewer, route)
		}
		return
	}
	if dec.Allowed || dec.Rule != rule || !strings.Contains(dec.Reason, "expired") || batch[0].Allowed || set.Has(policy.ViewDossier) || listed || viewer {
		w.t.Errorf("%s on %s at %s: Check %v (rule %s, %q), batch %v, allowed actions %v, in Dossiers %v, in Viewers %v; want closed by %s, expired",
			u, d, w.clock.Now().Format(time.RFC3339), dec, dec.Rule, dec.Reason, batch[0], set, listed, viewer, rule)
	}
}

// TestACC10AdvisorGrantExpires: an external advisor granted until an
// instant views the dossier before it, and nothing at and after it — on the
// engine and on the access service, with no command and no Sync; the
// denial names ACC-10 and says "expired"; Explain shows the expired grant;
// the grant stays listed with its expiry; granting again replaces it, and
// SetGrantExpiry extends, shortens and clears it (issue 16).
func TestACC10AdvisorGrantExpires(t *testing.T) {
	w := newEngWorld(t)
	ctx, k := w.ctx, w.k
	engOK(t, errOf(k.Access.SetManager(ctx, w.admin, w.dossier2, w.other)))
	adv := engMust(rec(k.Access.RegisterAdvisor(ctx, w.other, w.dossier2, access.AdvisorInput{Name: "Abe", Email: "abe@example.com", Phone: "+33612345670", Type: access.AdvisorNotary})))(t)
	until := engT0.Add(48 * time.Hour)

	t.Run("an expiry not after now is invalid", func(t *testing.T) {
		for _, at := range []time.Time{w.clock.Now(), w.clock.Now().Add(-time.Second)} {
			_, _, err := k.Access.GrantAdvisorUntil(ctx, w.other, adv.ID, access.LevelReadOnly, at)
			if !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "expires_at" {
				t.Errorf("GrantAdvisorUntil(%s) = %v, want invalid expires_at", at, err)
			}
		}
	})
	g := engMust(rec(k.Access.GrantAdvisorUntil(ctx, w.other, adv.ID, access.LevelReadWrite, until)))(t)
	if !g.ExpiresAt.Equal(until) || g.User != w.advisor {
		t.Fatalf("grant %+v: want linked to %s, expiring at %s", g, w.advisor, until)
	}
	edit := policy.SectionResource(w.dossier2, access.SectionAssetInventory)

	for _, tc := range []struct {
		name string
		at   time.Time
		open bool
	}{
		{"a second before the expiry", until.Add(-time.Second), true},
		{"at the expiry", until, false},
		{"after the expiry", until.Add(time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			w.at(tc.at)
			_, svcErr := k.Access.Dossier(ctx, w.advisor, w.dossier2)
			editDec := w.check(policy.User(w.advisor), policy.EditSection, edit)
			if tc.open {
				w.expectOpen(w.advisor, w.dossier2, cabinet.RouteExternalAdvisor, "")
				if svcErr != nil || !editDec.Allowed {
					t.Errorf("service read: %v; edit: %v; want both allowed", svcErr, editDec)
				}
				return
			}
			w.expectOpen(w.advisor, w.dossier2, 0, "ACC-10")
			if !errors.Is(svcErr, cabinet.ErrForbidden) || cabinet.RuleOf(svcErr) != "ACC-10" || !strings.Contains(svcErr.Error(), "expired") {
				t.Errorf("service read: %v; want an ACC-10 denial saying expired", svcErr)
			}
			if editDec.Allowed || editDec.Rule != "ACC-10" {
				t.Errorf("edit: %v (rule %s); want an ACC-10 denial", editDec, editDec.Rule)
			}
			tr, err := k.Policy.Explain(ctx, policy.User(w.advisor), policy.ViewDossier, policy.DossierResource(w.dossier2))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(tr.Steps, func(s policy.Step) bool {
				return s.Route == cabinet.RouteExternalAdvisor && !s.Allowed && s.Rule == "ACC-10" && strings.Contains(s.Reason, "expired")
			}) {
				t.Errorf("Explain shows no expired grant:\n%s", tr)
			}
			// The expired grant stays stored, listed with its expiry.
			kept := engMust(k.Access.Grant(ctx, w.other, g.ID))(t)
			if !kept.ExpiresAt.Equal(until) || !kept.Expired(w.clock.Now()) {
				t.Errorf("the expired grant reads %+v", kept)
			}
		})
	}
	w.t = t

	t.Run("SetGrantExpiry reopens, shortens and clears it; only the manager (ACC-9)", func(t *testing.T) {
		w.t = t
		now := w.clock.Now()
		if _, _, err := k.Access.SetGrantExpiry(ctx, w.staff, g.ID, now.Add(time.Hour)); !errors.Is(err, cabinet.ErrForbidden) {
			t.Errorf("a collaborator who is not the manager: %v, want forbidden", err)
		}
		if d := w.check(policy.User(w.staff), policy.ChangeGrantLevel, policy.GrantResource(w.dossier2, g.ID).WithLevel(g.Level)); d.Allowed {
			t.Errorf("Check ChangeGrantLevel for a non-manager: %v", d)
		}
		if _, _, err := k.Access.SetGrantExpiry(ctx, w.other, g.ID, now); !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "expires_at" {
			t.Errorf("an expiry at now: %v, want invalid expires_at", err)
		}
		engMust(rec(k.Access.SetGrantExpiry(ctx, w.other, g.ID, now.Add(2*time.Hour))))(t)
		w.expectOpen(w.advisor, w.dossier2, cabinet.RouteExternalAdvisor, "")
		w.at(now.Add(2 * time.Hour))
		w.expectOpen(w.advisor, w.dossier2, 0, "ACC-10")
		cleared := engMust(rec(k.Access.SetGrantExpiry(ctx, w.other, g.ID, time.Time{})))(t)
		if !cleared.ExpiresAt.IsZero() {
			t.Errorf("cleared: %+v", cleared)
		}
		w.at(w.clock.Now().Add(365 * 24 * time.Hour))
		w.expectOpen(w.advisor, w.dossier2, cabinet.RouteExternalAdvisor, "")
	})
	w.t = t

	t.Run("granting an expired advisor again replaces the grant", func(t *testing.T) {
		w.t = t
		now := w.clock.Now()
		engMust(rec(k.Access.SetGrantExpiry(ctx, w.other, g.ID, now.Add(time.Minute))))(t)
		if _, _, err := k.Access.GrantAdvisorUntil(ctx, w.other, adv.ID, access.LevelReadOnly, now.Add(time.Hour)); cabinet.RuleOf(err) != "ACC-4" {
			t.Errorf("granting a live grant again: %v, want an ACC-4 conflict", err)
		}
		w.at(now.Add(time.Minute))
		if d := w.check(policy.User(w.other), policy.GrantAccess, policy.AdvisorResource(w.dossier2, adv.ID).WithLevel(access.LevelReadOnly)); !d.Allowed {
			t.Errorf("Check GrantAccess on the expired advisor: %v, want allowed", d)
		}
		ng := engMust(rec(k.Access.GrantAdvisorUntil(ctx, w.other, adv.ID, access.LevelReadOnly, now.Add(time.Hour))))(t)
		if ng.ID == g.ID {
			t.Fatalf("the grant was not replaced: %+v", ng)
		}
		if _, err := k.Access.Grant(ctx, w.other, g.ID); !errors.Is(err, cabinet.ErrNotFound) {
			t.Errorf("the replaced grant: %v, want not found", err)
		}
		w.expectOpen(w.advisor, w.dossier2, cabinet.RouteExternalAdvisor, "")
	})
}

// TestGRP3DirectAssignmentExpires: a collaborator assigned directly to the
// dossier's client group until an instant reaches it before, and not at or
// after it — on the engine and on clientgroup's Routes, with no command;
// the denial names GRP-3 and says "expired"; assigning again replaces the
// expiry; the assignment stays listed with its expiry (issue 16).
func TestGRP3DirectAssignmentExpires(t *testing.T) {
	w := newEngWorld(t)
	ctx, k := w.ctx, w.k
	engOK(t, errOf(k.Access.SetStatus(ctx, w.admin, w.dossier, cabinet.DossierActivated)))
	engOK(t, errRev(k.Groups.MoveDossier(ctx, w.admin, w.dossier, w.group)))
	until := engT0.Add(7 * 24 * time.Hour)
	if _, _, err := k.Groups.AssignCollaboratorUntil(ctx, w.admin, w.group, w.staff, w.clock.Now()); !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "expires_at" {
		t.Errorf("an expiry at now: %v, want invalid expires_at", err)
	}
	a := engMust(rec(k.Groups.AssignCollaboratorUntil(ctx, w.admin, w.group, w.staff, until)))(t)
	if !a.ExpiresAt.Equal(until) {
		t.Fatalf("assignment %+v", a)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		open bool
	}{
		{"a second before the expiry", until.Add(-time.Second), true},
		{"at the expiry", until, false},
		{"after the expiry", until.Add(24 * time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			w.at(tc.at)
			routes := engMust(k.Groups.Routes(ctx, w.staff, w.staff, w.dossier))(t)
			if tc.open {
				w.expectOpen(w.staff, w.dossier, cabinet.RouteGroupDirect, "")
				if routes != cabinet.RouteGroupDirect {
					t.Errorf("clientgroup Routes = %s, want group_direct", routes)
				}
				return
			}
			w.expectOpen(w.staff, w.dossier, 0, "GRP-3")
			if routes != cabinet.NoRoutes {
				t.Errorf("clientgroup Routes = %s, want none", routes)
			}
			if _, err := k.Access.Dossier(ctx, w.staff, w.dossier); !errors.Is(err, cabinet.ErrForbidden) {
				t.Errorf("the access service's read: %v, want forbidden", err)
			}
			das, _, err := k.Groups.DirectAssignments(ctx, w.admin, clientgroup.DirectAssignmentFilter{ClientGroup: w.group}, cabinet.Page{})
			if err != nil || len(das) != 1 || !das[0].ExpiresAt.Equal(until) {
				t.Errorf("the expired assignment is listed as %+v", das)
			}
		})
	}
	w.t = t
	// Assigning again replaces the expiry: here, clears it.
	engMust(rec(k.Groups.AssignCollaborator(ctx, w.admin, w.group, w.staff)))(t)
	w.expectOpen(w.staff, w.dossier, cabinet.RouteGroupDirect, "")
}

// TestTEAM8ExpiredReferrerSharesNothing: TEAM-8 v2's bound follows the
// clock — a referrer whose only route to the dossier is a direct
// assignment that has expired shares nothing through the team route
// (issue 16).
func TestTEAM8ExpiredReferrerSharesNothing(t *testing.T) {
	w := newEngWorld(t)
	ctx, k := w.ctx, w.k
	engOK(t, errOf(k.Access.SetStatus(ctx, w.admin, w.dossier, cabinet.DossierActivated)))
	engOK(t, errRev(k.Groups.MoveDossier(ctx, w.admin, w.dossier, w.group)))
	until := engT0.Add(time.Hour)
	engMust(rec(k.Groups.AssignCollaboratorUntil(ctx, w.admin, w.group, w.staff, until)))(t)
	tm := engMust(rec(k.Teams.CreateTeam(ctx, w.outsider, "Advisors", w.outsider)))(t)
	inv := engMust(rec(k.Teams.Invite(ctx, w.outsider, tm.ID, "sam@example.com", team.RoleMember)))(t)
	engMust(rec(k.Teams.AcceptInvitation(ctx, w.staff, inv.ID)))(t)
	engMust(rec(k.Teams.Refer(ctx, w.staff, team.ReferInput{Team: tm.ID, ClientName: "Dupont", ClientEmail: "dupont@example.com", Dossier: w.dossier})))(t)
	w.at(until.Add(-time.Second))
	if d := w.check(policy.User(w.outsider), policy.ViewDossier, policy.DossierResource(w.dossier)); !d.Allowed || d.Routes != cabinet.RouteTeam {
		t.Fatalf("before the expiry the team member views via the team: %v", d)
	}
	w.at(until)
	if d := w.check(policy.User(w.outsider), policy.ViewDossier, policy.DossierResource(w.dossier)); d.Allowed || d.Rule != "TEAM-8" {
		t.Errorf("at the expiry: %v (rule %s), want a TEAM-8 denial", d, d.Rule)
	}
	if slices.Contains(w.viewers(w.dossier), w.outsider) || slices.Contains(w.dossiersOf(w.outsider), w.dossier) {
		t.Errorf("the team member is still listed")
	}
}
