package policy_test

// Tests of Engine.Explain (issue 16): one test per route kind of a
// dossier's content, each outcome with the rule that decided it, and the
// property that the trace's verdict is Check's.

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
)

// TestExplainAgreesWithCheck: on random states (the differential
// properties' count), for every subject and every question of a dossier's
// content (the route-by-route traces) and every fourth other question
// (one-step traces, from the same code path), Explain's Decision is
// exactly Check's; the routes of its allowed steps are exactly the
// decision's routes; a denial's rule is the rule of one of its refused
// steps; and every trace has a step.
func TestExplainAgreesWithCheck(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var traces, steps, refusals, routed int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		nt, ns, nr, nx := 0, 0, 0, 0
		var qs []question
		for i, q := range c.questions() {
			switch q.a {
			case policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports:
				qs = append(qs, q)
			default:
				if i%4 == 0 {
					qs = append(qs, q)
				}
			}
		}
		for _, s := range c.subjects() {
			for _, q := range qs {
				want, err := c.eng.Check(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("Check(%s, %s): %v", s, q, err)
				}
				tr, err := c.eng.Explain(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("Explain(%s, %s): %v", s, q, err)
				}
				if tr.Decision != want {
					return c.fail("Explain(%s, %s).Decision = %+v, Check = %+v", s, q, tr.Decision, want)
				}
				if len(tr.Steps) == 0 {
					return c.fail("Explain(%s, %s): no step", s, q)
				}
				var open cabinet.Routes
				ruled := false
				for _, st := range tr.Steps {
					if st.Rule == "" || st.Reason == "" {
						return c.fail("Explain(%s, %s): step without rule or reason: %+v", s, q, st)
					}
					if st.Allowed {
						open |= st.Route
					} else {
						ruled = ruled || st.Rule == want.Rule
						nr++
					}
				}
				if open != want.Routes {
					return c.fail("Explain(%s, %s): allowed steps open %s, Check's routes %s\n%s", s, q, open, want.Routes, tr)
				}
				if !want.Allowed && !ruled {
					return c.fail("Explain(%s, %s): no refused step names Check's rule %s\n%s", s, q, want.Rule, tr)
				}
				nt++
				ns += len(tr.Steps)
				if len(tr.Steps) > 2 {
					nx++ // a route-by-route trace
				}
			}
		}
		mu.add(func() { traces += nt; steps += ns; refusals += nr; routed += nx })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d traces (%d route by route), %d steps, %d refused steps", traces, routed, steps, refusals)
	if routed == 0 {
		t.Error("vacuous: no route-by-route trace")
	}
}

// stepOf returns the first step of tr through route r whose outcome is
// allowed, or fails.
func stepOf(t *testing.T, tr policy.Trace, r cabinet.Routes, allowed bool) policy.Step {
	t.Helper()
	i := slices.IndexFunc(tr.Steps, func(s policy.Step) bool { return s.Route == r && s.Allowed == allowed })
	if i < 0 {
		t.Fatalf("no %s step allowed=%v in\n%s", r, allowed, tr)
	}
	return tr.Steps[i]
}

// TestExplainRouteByRoute: one case per route kind of a dossier's content
// — each internal route (GRP-3), the dossier in no client group (GRP-2), a
// collaborator who left (GRP-11), the team route open (TEAM-8) and closed
// by consent (TEAM-9), a central person's grant (ACC-11) refused a tool, a
// family member's read_write grant, an external advisor's grant allowed
// to view and refused a report (ACC-10), an archived dossier (ACC-12), an
// impersonation session (CON-6) — with the step's outcome and rule.
func TestExplainRouteByRoute(t *testing.T) {
	w := newRich(t)
	ctx := w.ctx
	explain := func(t *testing.T, s policy.Subject, a policy.Action, r policy.Resource) policy.Trace {
		t.Helper()
		tr, err := w.k.Policy.Explain(ctx, s, a, r)
		if err != nil {
			t.Fatal(err)
		}
		if d := w.check(s, a, r); d != tr.Decision {
			t.Fatalf("Explain decided %v, Check %v", tr.Decision, d)
		}
		return tr
	}
	type want struct {
		route   cabinet.Routes
		allowed bool
		rule    string
	}
	dossierView := policy.DossierResource(w.dossier)
	d2 := policy.DossierResource(w.dossier2)
	for _, tc := range []struct {
		name string
		s    policy.Subject
		a    policy.Action
		r    policy.Resource
		want []want
	}{
		{"GRP-3 admin", u(w.admin), view, dossierView, []want{{cabinet.RouteAdmin, true, "GRP-3"}}},
		{"GRP-3 manager", u(w.other), view, d2, []want{{cabinet.RouteManager, true, "GRP-3"}, {cabinet.RouteAdmin, false, "GRP-3"}}},
		{"GRP-3 assigned", u(w.assigned), view, dossierView, []want{{cabinet.RouteAssigned, true, "GRP-3"}, {cabinet.RouteManager, false, "GRP-3"}}},
		{"GRP-3 group direct", u(w.staff), view, dossierView, []want{{cabinet.RouteGroupDirect, true, "GRP-3"}, {cabinet.RouteCollaboratorGroup, false, "GRP-3"}}},
		{"GRP-3 collaborator group", u(w.cgMember), view, dossierView, []want{{cabinet.RouteCollaboratorGroup, true, "GRP-3"}, {cabinet.RouteGroupDirect, false, "GRP-3"}}},
		{"GRP-2 no client group", u(w.staff), view, d2, []want{{cabinet.RouteGroupDirect, false, "GRP-2"}, {cabinet.RouteCollaboratorGroup, false, "GRP-2"}}},
		{"GRP-3 not a collaborator", u(w.zoe), view, d2, []want{{cabinet.InternalRoutes, false, "GRP-3"}, {cabinet.RouteTeam, false, "TEAM-8"}}},
		{"TEAM-8 team route", u(w.outsider), view, dossierView, []want{{cabinet.RouteTeam, true, "TEAM-8"}}},
		{"ACC-11 central person views", u(w.client), view, d2, []want{{cabinet.RouteCentralPerson, true, "ACC-11"}}},
		{"ACC-11 central person refused the reports", u(w.client), policy.UseReports, d2, []want{{cabinet.RouteCentralPerson, false, "ACC-11"}}},
		{"ACC-11 family read_write edits", u(w.kid), policy.EditSection, policy.SectionResource(w.dossier2, access.SectionAssetInventory), []want{{cabinet.RouteFamily, true, "ACC-11"}}},
		{"ACC-10 advisor views", u(w.advisor), view, d2, []want{{cabinet.RouteExternalAdvisor, true, "ACC-10"}}},
		{"ACC-10 advisor refused the reports", u(w.advisor), policy.UseReports, d2, []want{{cabinet.RouteExternalAdvisor, false, "ACC-10"}}},
		{"POL-1 no grant", u(w.outsider), view, d2, []want{{cabinet.RouteCentralPerson | cabinet.RouteFamily | cabinet.RouteExternalAdvisor, false, "POL-1"}}},
		{"CON-6 impersonation", policy.Impersonating(w.session), view, d2, []want{{0, true, "CON-6"}}},
		{"CON-6 impersonation only views", policy.Impersonating(w.session), policy.UseReports, d2, []want{{0, false, "CON-6"}}},
		{"POL-4 invalid action", u(w.admin), policy.ActionInvalid, dossierView, []want{{0, false, "POL-4"}}},
		{"POL-4 unknown subject", u("nobody"), view, dossierView, []want{{0, false, "POL-4"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := explain(t, tc.s, tc.a, tc.r)
			for _, wt := range tc.want {
				if st := stepOf(t, tr, wt.route, wt.allowed); st.Rule != wt.rule {
					t.Errorf("step %s = %v, want allowed=%v by %s\n%s", wt.route, st, wt.allowed, wt.rule, tr)
				}
			}
		})
	}

	t.Run("TEAM-9 closed by consent", func(t *testing.T) {
		holder := engMust(rec(w.k.Access.AddPerson(ctx, w.admin, w.dossier, access.PersonInput{Name: "Hugo", Relation: access.RelationHolder})))(t)
		engMust(rec(w.k.Access.GrantPerson(ctx, w.admin, holder.ID, access.GrantInput{Email: "hugo@example.com", Phone: "+33611112222", Level: access.LevelReadOnly})))(t)
		hugo := w.user("Hugo", "hugo@example.com")
		engMust(rec(w.k.Teams.RevokeConsent(ctx, hugo, w.dossier)))(t)
		tr := explain(t, u(w.outsider), view, dossierView)
		st := stepOf(t, tr, cabinet.RouteTeam, false)
		if tr.Decision.Allowed || st.Rule != "TEAM-9" || st.Via != fmt.Sprintf("referral %s in team %s", w.referral, w.tm) {
			t.Errorf("team step %+v\n%s", st, tr)
		}
	})
	t.Run("GRP-11 a collaborator who left", func(t *testing.T) {
		engOK(t, errRev(w.k.Groups.RemoveCollaborator(ctx, w.admin, w.office, w.staff)))
		tr := explain(t, u(w.staff), view, dossierView)
		if st := stepOf(t, tr, cabinet.InternalRoutes, false); st.Rule != "GRP-3" || tr.Decision.Allowed {
			t.Errorf("a departed collaborator keeps a route\n%s", tr)
		}
	})
	t.Run("ACC-12 archived", func(t *testing.T) {
		engOK(t, errOf(w.k.Access.SetStatus(ctx, w.other, w.dossier2, cabinet.DossierArchived)))
		tr := explain(t, u(w.other), policy.UseReports, d2)
		if len(tr.Steps) != 1 || tr.Steps[0].Rule != "ACC-12" || tr.Steps[0].Allowed {
			t.Errorf("archived:\n%s", tr)
		}
	})
}

// Explain answers the support desk's "why can't the advisor use the
// reports?" route by route.
func ExampleEngine_Explain() {
	ctx, k, _, _, abe, d := exampleOffice()
	tr, err := k.Policy.Explain(ctx, policy.User(abe), policy.UseReports, policy.DossierResource(d))
	if err != nil {
		panic(err)
	}
	fmt.Println(tr)
	// Output:
	// deny admin|manager|assigned|group_direct|collaborator_group: not a collaborator of the dossier's office: no internal route (GRP-3)
	// deny team: no referral of the dossier is in one of the subject's teams (TEAM-8)
	// deny external_advisor via grant grant_11: external advisors cannot use reports (ACC-10)
	// => deny: external advisors cannot use reports (ACC-10)
}
