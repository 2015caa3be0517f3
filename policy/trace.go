package policy

import (
	"context"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// Step is one route, or one gate, that Explain considered.
type Step struct {
	// Route is the route considered (one route; cabinet.InternalRoutes for
	// a subject who is no collaborator of the dossier's office; the grant
	// routes for a subject who holds no grant there). It is NoRoutes for a
	// gate every route passes first — the subject, the action, the
	// resource, ACC-12, CON-6 — and, for an action without a route-by-route
	// trace, it holds the routes of the allow.
	Route cabinet.Routes
	// Via names the record the route goes through: "referral ref_1 in team
	// team_1", "grant grant_1"; "" otherwise.
	Via string
	// Allowed reports whether the route opens (or the gate lets pass).
	Allowed bool
	// Rule is the rule that decided the step: the one that allows the route
	// or the one that closed it, e.g. "TEAM-9" for a referral whose consent
	// is revoked, "ACC-10" for an advisor's grant asked for a report.
	Rule string
	// Reason says it in a sentence ending with the rule.
	Reason string
}

// String returns "allow team via referral ref_1 in team team_1: allowed
// via team (TEAM-8)" or "deny admin: …".
func (s Step) String() string {
	var b strings.Builder
	if s.Allowed {
		b.WriteString("allow")
	} else {
		b.WriteString("deny")
	}
	if s.Route != 0 {
		b.WriteString(" " + s.Route.String())
	}
	if s.Via != "" {
		b.WriteString(" via " + s.Via)
	}
	b.WriteString(": " + s.Reason)
	return b.String()
}

// Trace is Explain's answer: the decision, exactly Check's, and every step
// considered to reach it, in order.
type Trace struct {
	Decision Decision
	Steps    []Step
}

// String returns one line per step, then the decision.
func (t Trace) String() string {
	var b strings.Builder
	for _, s := range t.Steps {
		b.WriteString(s.String() + "\n")
	}
	b.WriteString("=> " + t.Decision.String())
	return b.String()
}

// Explain answers the question Check answers and says how, for a support
// desk ("why can't the notary see the report?"): the Decision, equal to
// Check's at the same revision, and the steps considered, in order. First
// the gates: the subject (an unknown account, an unusable impersonation
// session, CON-6), the action and resource (POL-4), impersonation's
// viewing-only rule (CON-6). Then, for a dossier's content — ViewDossier,
// EditSection, UseSimulations and UseReports on a DossierResource or
// SectionResource — every route, in Check's order, with its outcome and
// rule: ACC-12 for a change to an archived dossier; each internal route
// (admin, manager, assigned, group_direct, collaborator_group: GRP-2,
// GRP-3, GRP-11), or one step when the subject is no collaborator of the
// office; the team route through each referral of the dossier in the
// subject's teams (TEAM-8, TEAM-9); each grant the subject holds on the
// dossier (ACC-10, ACC-11). For every other action, one step: the owning
// predicate's verdict, with the routes of an allow or the rule of the
// denial.
//
// Explain is slower than Check (it builds the steps) and never slows it:
// call it on request. Any caller may ask; it is not sent to the decision
// log. The error is non-nil only when the question could not be answered:
// ctx done.
func (e *Engine) Explain(ctx context.Context, s Subject, a Action, r Resource) (Trace, error) {
	if err := ctx.Err(); err != nil {
		return Trace{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	ix := e.ix
	sub := ix.resolve(s, e.clock)
	d := ix.answer(&sub, s, a, r, e.clock, e.rev)
	return Trace{Decision: d, Steps: ix.explain(&sub, s, a, r, d)}, nil
}

// explain builds the steps of d, decided for sub.
func (ix *index) explain(sub *subject, s Subject, a Action, r Resource, d Decision) []Step {
	verdictStep := Step{Route: d.Routes, Allowed: d.Allowed, Rule: d.Rule, Reason: d.Reason}
	if sub.user == nil {
		return []Step{verdictStep} // the subject's denial
	}
	var steps []Step
	if s.Session != "" {
		steps = append(steps, Step{Allowed: true, Rule: "CON-6",
			Reason: "the impersonation session is usable: the contact's rights decide, the collaborator acts (CON-6, POL-5)"})
	}
	if !a.Valid() || !a.AppliesTo(r.Kind) || (s.Session != "" && !actionInfos[a].viewing) {
		return append(steps, verdictStep)
	}
	if r.Kind == ResourceDossier && r.Person == "" && r.Advisor == "" && r.Grant == "" {
		switch a {
		case ViewDossier, EditSection, UseSimulations, UseReports:
			if dr := ix.dossier(cabinet.DossierID(r.ID)); dr != nil && dr.exists {
				return append(steps, ix.contentSteps(sub.user, a, r, dr)...)
			}
		}
	}
	return append(steps, verdictStep)
}

// internalOrder is the order in which Explain lists the internal routes
// (GRP-3's).
var internalOrder = [...]cabinet.Routes{cabinet.RouteAdmin, cabinet.RouteManager, cabinet.RouteAssigned, cabinet.RouteGroupDirect, cabinet.RouteCollaboratorGroup}

// contentSteps are the steps of a content action on d, in the order of
// content (check.go).
func (ix *index) contentSteps(u *userRec, a Action, r Resource, d *dossRec) []Step {
	var act access.Action
	switch a {
	case ViewDossier:
		act = access.View()
	case EditSection:
		if !r.Section.Valid() {
			return []Step{{Rule: "POL-4", Reason: reasonBadSection}}
		}
		act = access.Edit(r.Section)
	default:
		act = access.UseTool(dossierTool[a-UseSimulations])
	}
	if a != ViewDossier && d.status == cabinet.DossierArchived {
		return []Step{{Rule: "ACC-12", Reason: reasonArchived}}
	}
	var steps []Step
	open := func(route cabinet.Routes, via string) {
		steps = append(steps, Step{Route: route, Via: via, Allowed: true, Rule: tabContent.rule(route), Reason: tabContent.reason(route)})
	}
	closed := func(route cabinet.Routes, via, rule, reason string) {
		steps = append(steps, Step{Route: route, Via: via, Rule: rule, Reason: reason})
	}

	// Internal routes (GRP-3, GRP-2, GRP-11).
	in := ix.internal(u, d)
	facts := ix.factsOf(d)
	f := &facts
	prof := u.profile(f.Office)
	staffed := f.Manager == u.id || hasSorted(f.Assigned, u.id)
	if !prof.Valid() && !staffed {
		closed(cabinet.InternalRoutes, "", "GRP-3", "not a collaborator of the dossier's office: no internal route (GRP-3)")
	} else {
		for _, b := range internalOrder {
			if in&b != 0 {
				open(b, "")
				continue
			}
			rule, reason := ix.internalRefusal(u, d, prof, b)
			closed(b, "", rule, reason)
		}
	}

	// The team route, through each referral in one of u's teams (TEAM-8,
	// TEAM-9; referralOpens, as teamRoute asks it).
	tried := false
	known, central := false, false
	for _, id := range ix.refsOf(d) {
		ref := ix.referrals[id]
		if !hasSorted(u.teams, ref.Team) {
			continue
		}
		tried = true
		if !known {
			central, known = access.HoldsCentralGrant(f.ID, u.id, ix.grantsOf(d)), true
		}
		via := "referral " + string(ref.ID) + " in team " + string(ref.Team)
		if err := ix.referralOpens(u, d, ref, central, act); err != nil {
			v := denyErr(err, "TEAM-8")
			closed(cabinet.RouteTeam, via, v.rule, v.sentence())
			continue
		}
		open(cabinet.RouteTeam, via)
	}
	if !tried {
		closed(cabinet.RouteTeam, "", "TEAM-8", "no referral of the dossier is in one of the subject's teams (TEAM-8)")
	}

	// The grants u holds on the dossier (ACC-6, ACC-7, ACC-10, ACC-11).
	held := false
	grants := ix.grantsOf(d)
	for i := range grants {
		g := &grants[i]
		if g.User != u.id || u.id == "" {
			continue
		}
		held = true
		route, via := grantRoute(g), "grant "+string(g.ID)
		if err := access.GrantAllows(*g, act); err != nil {
			v := denyErr(err, "POL-1")
			closed(route, via, v.rule, v.sentence())
			continue
		}
		open(route, via)
	}
	if g, ok := ix.expiredGrantOf(u.id, d); ok && !held { // issue 16
		held = true
		v := deny("ACC-4", reasonGrantExpired)
		if g.Kind == access.GranteeAdvisor {
			v.rule = "ACC-10"
		}
		closed(grantRoute(&g), "grant "+string(g.ID), v.rule, v.sentence())
	}
	if !held {
		closed(cabinet.RouteCentralPerson|cabinet.RouteFamily|cabinet.RouteExternalAdvisor, "", "POL-1", "the subject holds no grant on the dossier (POL-1)")
	}
	return steps
}

// internalRefusal says why internal route b is closed to u on d, whose
// office profile is prof (GRP-2, GRP-3, GRP-11).
func (ix *index) internalRefusal(u *userRec, d *dossRec, prof cabinet.Profile, b cabinet.Routes) (rule, reason string) {
	facts := ix.factsOf(d)
	f := &facts
	switch b {
	case cabinet.RouteAdmin:
		if prof.Valid() {
			return "GRP-3", "the collaborator's profile in the office is not admin (GRP-3)"
		}
	case cabinet.RouteManager:
		if f.Manager != u.id {
			return "GRP-3", "not the dossier's manager (GRP-3)"
		}
	case cabinet.RouteAssigned:
		if !hasSorted(f.Assigned, u.id) {
			return "GRP-3", "not assigned to the dossier (GRP-3)"
		}
	case cabinet.RouteGroupDirect, cabinet.RouteCollaboratorGroup:
		switch {
		case d.group == 0:
			return "GRP-2", "the dossier is in no client group (GRP-2)"
		case b == cabinet.RouteGroupDirect && ix.expiredDirect(u, d.group):
			return "GRP-3", "the direct assignment to the dossier's client group " + string(ix.cgID(d.group)) + " expired (GRP-3, issue 16)"
		case b == cabinet.RouteGroupDirect && !hasSorted(u.direct, d.group):
			return "GRP-3", "not a direct collaborator of the dossier's client group " + string(ix.cgID(d.group)) + " (GRP-3)"
		case b == cabinet.RouteCollaboratorGroup && !hasSorted(u.via, d.group):
			return "GRP-3", "in no collaborator group assigned to the dossier's client group " + string(ix.cgID(d.group)) + " (GRP-3)"
		}
	}
	if !prof.Valid() {
		return "GRP-11", "no longer a collaborator of the dossier's office: the route needs a collaborator at decision time (GRP-11)"
	}
	return "GRP-3", "no " + b.String() + " route (GRP-3)"
}
