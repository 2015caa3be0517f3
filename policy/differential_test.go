package policy_test

// Differential and agreement properties of the policy engine over random
// states built through the services (stategen_test.go):
//
//   - SPEC §3 invariant 11 (POL-1, POL-4, POL-6): Engine.Check agrees with
//     the reference evaluator (reference_test.go) on every question, and a
//     second engine loaded afresh from the same store agrees with the
//     incrementally updated one;
//   - POL-3: the reverse queries (Dossiers, Viewers) agree exactly with
//     Check;
//   - invariant 9 (TEAM-9): no decision reaches a dossier through cabinet.RouteTeam
//     unless a referral of that dossier with consent given lives in a team
//     of the user;
//   - invariant 10 (CON-6, POL-5): impersonation never allows what the
//     contact alone is denied, and records the acting collaborator.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// diffParams are the gopter parameters of every property of this file:
// 1,000 random states each (SPEC §3; 100 with -short), checked on two
// workers.
func diffParams() *gopter.TestParameters {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 1000
	if testing.Short() {
		p.MinSuccessfulTests = 100
	}
	p.MaxShrinkCount = 100
	p.Workers = 2
	return p
}

// diffCase is one random state ready to be questioned.
type diffCase struct {
	w    *genWorld
	snap *refSnapshot
	eng  *policy.Engine
}

// newDiffCase builds the state of ints and takes its snapshot.
func newDiffCase(ctx context.Context, ints genState) (*diffCase, error) {
	w, err := buildWorld(ctx, ints)
	if err != nil {
		return nil, err
	}
	snap, err := takeSnapshot(ctx, w.store, w.clock.Now())
	if err != nil {
		return nil, err
	}
	return &diffCase{w: w, snap: snap, eng: w.kit.Policy}, nil
}

// subjects are every user of the state, every impersonation session, and
// unknown subjects (POL-4).
func (c *diffCase) subjects() []policy.Subject {
	var out []policy.Subject
	for _, u := range sortedKeys(c.snap.users) {
		out = append(out, policy.User(u))
	}
	for _, s := range sortedKeys(c.snap.sessions) {
		out = append(out, policy.Impersonating(s))
	}
	return append(out, policy.User("user_unknown"), policy.User(""), policy.Impersonating("session_unknown"))
}

// question is one (action, resource) pair.
type question struct {
	a policy.Action
	r policy.Resource
}

func (q question) String() string { return fmt.Sprintf("%s on %s", q.a, q.r) }

// questions are every action on every resource of its kinds, with the
// refinements it reads (refResources, and unknown IDs), plus every action on
// one resource of every other kind and invalid actions (POL-4).
func (c *diffCase) questions() []question {
	var out []question
	var samples []policy.Resource // one resource of each kind
	seen := map[policy.ResourceKind]bool{}
	for _, a := range policy.Actions() {
		for _, r := range c.snap.refResources(a) {
			out = append(out, question{a, r})
			if !seen[r.Kind] {
				seen[r.Kind] = true
				samples = append(samples, r)
			}
		}
	}
	for _, a := range policy.Actions() {
		for _, r := range samples {
			if !a.AppliesTo(r.Kind) {
				out = append(out, question{a, r}) // wrong kind
			}
		}
	}
	some := policy.DossierResource("dos_unknown")
	if ds := sortedKeys(c.snap.dossiers); len(ds) > 0 {
		some = policy.DossierResource(ds[0])
	}
	return append(out,
		question{policy.ActionInvalid, some},
		question{policy.Action(200), some},
		question{policy.ViewDossier, policy.Resource{ID: some.ID}}, // no kind
		question{policy.ViewDossier, policy.Resource{Kind: 99, ID: some.ID}},
	)
}

// diffFeatures are the v2 records the random states must hold.
var diffFeatures = []string{
	"a dossier with consent revoked", "a pending team", "an archived dossier", "a removed collaborator",
	"a session whose collaborator left", "an advisor with a label", "a team route", "a self-referral", "a team route that views only (TEAM-8 v2: a read_only referrer)",
	"an unlinked grant", "a linked contact", "a sold unit", "a reviewed item", "an expired session",
	"an expired route (issue 16: an advisor's grant)", "an expired route (issue 16: a direct assignment)",
}

// features says which of diffFeatures the state holds.
func (c *diffCase) features() map[string]bool {
	s := c.snap
	f := map[string]bool{}
	for _, st := range s.consents {
		f["a dossier with consent revoked"] = f["a dossier with consent revoked"] || st == team.ConsentRevoked
	}
	for _, t := range s.teams {
		f["a pending team"] = f["a pending team"] || t.Pending
	}
	for _, d := range s.dossiers {
		f["an archived dossier"] = f["an archived dossier"] || d.Status == cabinet.DossierArchived
	}
	for _, l := range c.w.log {
		if strings.HasPrefix(l, "RemoveCollaborator(") && !strings.Contains(l, "->") {
			f["a removed collaborator"] = true // the release unsets them as manager and assignee (GRP-11)
		}
	}
	for _, x := range s.sessions {
		if !s.isCollaborator(x.Actor, x.Office) {
			f["a session whose collaborator left"] = true
		}
		if !s.now.Before(x.ExpiresAt) {
			f["an expired session"] = true
		}
	}
	for _, a := range s.advisors {
		f["an advisor with a label"] = f["an advisor with a label"] || a.Label != ""
	}
	for _, r := range s.referrals {
		for _, m := range s.teams[r.Team].Members {
			if s.viaTeam(m.User, r.Dossier, refNeedView) {
				f["a team route"] = true
				if !s.viaTeam(m.User, r.Dossier, refNeedEdit(access.SectionAssetInventory)) {
					f["a team route that views only (TEAM-8 v2: a read_only referrer)"] = true
				}
			}
		}
		f["a self-referral"] = f["a self-referral"] || s.central(r.Referrer, r.Dossier)
	}
	for _, g := range s.grants {
		f["an unlinked grant"] = f["an unlinked grant"] || g.User == ""
		if g.User != "" && g.Expired(s.now) {
			f["an expired route (issue 16: an advisor's grant)"] = true
		}
	}
	for _, a := range s.directs {
		if a.Expired(s.now) {
			f["an expired route (issue 16: a direct assignment)"] = true
		}
	}
	for _, x := range s.contacts {
		f["a linked contact"] = f["a linked contact"] || x.Dossier != ""
	}
	for _, u := range s.units {
		f["a sold unit"] = f["a sold unit"] || u.Status == contact.UnitStatusSold
	}
	for _, k := range s.cases {
		for _, st := range k.Items {
			f["a reviewed item"] = f["a reviewed item"] || len(st.Reviews) > 0
		}
	}
	return f
}

func (c *diffCase) fail(format string, args ...any) string {
	return fmt.Sprintf(format, args...) + "\nstate built by:\n" + c.w.String()
}

// TestPOL1DifferentialAgainstReference is SPEC §3 invariant 11: on 1,000
// random states, Engine.Check agrees with the reference evaluator on
// Allowed and cabinet.Routes for every subject × action × resource (POL-1), every
// denial has no route and unknown subjects, actions and resources are denied
// (POL-4). It also checks POL-6: an engine loaded afresh with policy.New from
// the same store gives the same decisions as the kit's engine, which was
// kept current by events.
func TestPOL1DifferentialAgainstReference(t *testing.T) {
	ctx := context.Background()
	var questions, allowed, failedCmds, commands int
	var perRoute [32]int
	var mu syncCounter
	features := map[string]int{}
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		fresh, err := policy.New(ctx, c.w.store, policy.WithClock(c.w.clock))
		if err != nil {
			return "policy.New on the same store: " + err.Error()
		}
		qs := c.questions()
		nq, na := 0, 0
		var pr [32]int
		for _, s := range c.subjects() {
			for _, q := range qs {
				got, err := c.eng.Check(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("Check(%s, %s): error %v", s, q, err)
				}
				wantOK, wantRoutes := ref(c.snap, s, q.a, q.r)
				if got.Allowed != wantOK || got.Routes != wantRoutes {
					return c.fail("POL-1: Check(%s, %s) = %v (routes %s, rule %s), reference: allowed=%v routes %s",
						s, q, got, got.Routes, got.Rule, wantOK, wantRoutes)
				}
				if got.Allowed != got.Routes.Any() || got.Rule == "" || got.Reason == "" || (got.Allowed && !q.a.Routes().Has(got.Routes)) {
					return c.fail("POL-2: Check(%s, %s) = %+v: allowed iff a route among the action's, every decision names its rule and reason", s, q, got)
				}
				again, err := fresh.Check(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("fresh Check(%s, %s): error %v", s, q, err)
				}
				if again.Allowed != got.Allowed || again.Routes != got.Routes || again.Rule != got.Rule ||
					again.User != got.User || again.Actor != got.Actor || again.Contact != got.Contact {
					return c.fail("POL-6: fresh engine Check(%s, %s) = %+v, kit engine = %+v", s, q, again, got)
				}
				nq++
				if got.Allowed {
					na++
				}
				for i := range pr {
					if got.Routes&(1<<i) != 0 {
						pr[i]++
					}
				}
			}
		}
		f := c.features()
		mu.add(func() {
			for k, v := range f {
				if v {
					features[k]++
				}
			}
			questions += nq
			allowed += na
			failedCmds += c.w.failed
			commands += len(c.w.log)
			for i, n := range pr {
				perRoute[i] += n
			}
		})
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d questions (%d allowed); %d of %d commands failed", questions, allowed, failedCmds, commands)
	// The states must hold the v2 records, or the property says nothing
	// about them.
	for _, k := range sortedKeys(features) {
		t.Logf("states with %-40s %d", k, features[k])
	}
	for _, k := range diffFeatures {
		if features[k] == 0 && !testing.Short() { // 100 states may miss the rarest
			t.Errorf("vacuous: no state has %s", k)
		}
	}
	if allowed == 0 || allowed == questions {
		t.Errorf("vacuous: %d of %d questions allowed", allowed, questions)
	}
	// Every route must have allowed something somewhere, or the property
	// says nothing about it.
	for i := 0; cabinet.Routes(1<<i) < cabinet.RouteSelf<<1; i++ {
		t.Logf("route %-18s allowed %d decisions", cabinet.Routes(1<<i), perRoute[i])
		if perRoute[i] == 0 && !testing.Short() { // as above: 100 states may miss a rare route
			t.Errorf("vacuous: no decision was allowed through route %s", cabinet.Routes(1<<i))
		}
	}
}

// TestPOL2SameQuestionSameRule is POL-2 v2 on 1,000 random states: the
// same question asked through DossierResource or through one of the
// dossier's non-central persons (ManageFamilyAccess at every level,
// EditFamilyTree) or advisors (ViewAccessRights, ManageExternalAdvisors)
// gets the same decision — allowed, routes and rule.
func TestPOL2SameQuestionSameRule(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var compared int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		n := 0
		for _, s := range c.subjects() {
			for _, d := range sortedKeys(c.snap.dossiers) {
				type pair struct {
					a      policy.Action
					viaDos policy.Resource
					via    policy.Resource
				}
				var pairs []pair
				for _, p := range c.snap.persons {
					if p.Dossier != d || p.Relation == access.RelationHolder || p.Relation == access.RelationCoHolder {
						continue
					}
					for _, l := range []access.Level{access.LevelInvalid, access.LevelReadOnly, access.LevelReadWrite} {
						pairs = append(pairs, pair{policy.ManageFamilyAccess, policy.DossierResource(d).WithLevel(l), policy.PersonResource(d, p.ID).WithLevel(l)})
					}
					pairs = append(pairs, pair{policy.EditFamilyTree, policy.DossierResource(d), policy.PersonResource(d, p.ID)})
				}
				for _, id := range sortedKeys(c.snap.advisors) {
					if c.snap.advisors[id].Dossier != d {
						continue
					}
					for _, a := range []policy.Action{policy.ViewAccessRights, policy.ManageExternalAdvisors} {
						pairs = append(pairs, pair{a, policy.DossierResource(d), policy.AdvisorResource(d, id)})
					}
				}
				for _, pr := range pairs {
					x, err1 := c.eng.Check(ctx, s, pr.a, pr.viaDos)
					y, err2 := c.eng.Check(ctx, s, pr.a, pr.via)
					if err1 != nil || err2 != nil {
						return c.fail("Check: %v %v", err1, err2)
					}
					if x.Allowed != y.Allowed || x.Routes != y.Routes || x.Rule != y.Rule {
						return c.fail("POL-2: %s %s on %s = %v (rule %s) but on %s = %v (rule %s)", s, pr.a, pr.viaDos, x, x.Rule, pr.via, y, y.Rule)
					}
					n++
				}
			}
		}
		mu.add(func() { compared += n })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d pairs compared", compared)
	if compared == 0 {
		t.Error("vacuous: no pair compared")
	}
}

// TestPOL3ReverseQueriesAgreeWithCheck checks POL-3 on 1,000 random states:
// Engine.Dossiers(s, q) is exactly the set of dossiers D for which Check
// allows q's action (ViewDossier by default, or EditSection of q.Section),
// filtered by q.ClientGroup and q.Status; and Engine.Viewers(D) is exactly
// the set of users Check allows to view D, each with the decision's Routes.
func TestPOL3ReverseQueriesAgreeWithCheck(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var nListed, nViewers int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		dossiers := sortedKeys(c.snap.dossiers)
		groups := append([]cabinet.ClientGroupID{""}, sortedKeys(c.snap.clientGroups)...)
		groups = append(groups, "group_unknown")
		statuses := []cabinet.DossierStatus{cabinet.DossierStatusInvalid, cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierArchived}
		type aq struct {
			a policy.Action
			s access.Section
		}
		actions := []aq{{0, 0}, {policy.ViewDossier, 0}, {policy.ManageFamilyAccess, 0}, {policy.SetManager, 0},
			{policy.Refer, 0}, {policy.ManageConsent, 0}, {policy.ReadContactAddress, 0}, {policy.ViewAccessRights, 0},
			{policy.EditFamilyTree, 0}, {policy.UseReports, 0}, {policy.ManageExternalAdvisors, 0}, {policy.AssignClientGroup, 0}}
		for _, x := range access.Sections() {
			actions = append(actions, aq{policy.EditSection, x})
		}
		n := 0
		for _, s := range c.subjects() {
			for _, act := range actions {
				// What Check allows, dossier by dossier.
				allowedSet := map[cabinet.DossierID]bool{}
				for _, d := range dossiers {
					a := act.a
					if a == 0 {
						a = policy.ViewDossier
					}
					r := policy.DossierResource(d)
					if a == policy.EditSection {
						r = policy.SectionResource(d, act.s)
					}
					dec, err := c.eng.Check(ctx, s, a, r)
					if err != nil {
						return c.fail("Check(%s, %s, %s): %v", s, a, r, err)
					}
					allowedSet[d] = dec.Allowed
				}
				for _, g := range groups {
					for _, st := range statuses {
						q := policy.DossierQuery{Action: act.a, Section: act.s, ClientGroup: g, Status: st}
						var want []cabinet.DossierID
						for _, d := range dossiers {
							if allowedSet[d] && (g == "" || c.snap.groupOf(d) == g) &&
								(st == cabinet.DossierStatusInvalid || c.snap.dossiers[d].Status == st) {
								want = append(want, d)
							}
						}
						var got []cabinet.DossierID
						for d, err := range c.eng.Dossiers(ctx, s, q) {
							if err != nil {
								return c.fail("Dossiers(%s, %+v): error %v", s, q, err)
							}
							got = append(got, d)
						}
						for i := 1; i < len(got); i++ {
							if got[i-1] >= got[i] { // streamed in ID order, each once
								return c.fail("POL-3: Dossiers(%s, %+v) = %v: not in strictly ascending ID order", s, q, got)
							}
						}
						if !slices.Equal(got, want) {
							return c.fail("POL-3: Dossiers(%s, %+v) = %v, Check allows %v", s, q, got, want)
						}
						if g == "" && st == cabinet.DossierStatusInvalid {
							// A loop that stops early gets the answer's prefix and
							// no further call of its body (the iterator stops at
							// the first false: else the range panics).
							for k := range len(want) {
								var pre []cabinet.DossierID
								for d := range c.eng.Dossiers(ctx, s, q) {
									if len(pre) == k {
										break
									}
									pre = append(pre, d)
								}
								if !slices.Equal(pre, want[:k]) {
									return c.fail("POL-3: Dossiers(%s, %+v) stopped after %d = %v, want %v", s, q, k, pre, want[:k])
								}
							}
						}
						n += len(got)
					}
				}
			}
		}
		v := 0
		for _, d := range append(dossiers, "dos_unknown") {
			want := map[cabinet.UserID]cabinet.Routes{}
			for _, u := range sortedKeys(c.snap.users) {
				dec, err := c.eng.Check(ctx, policy.User(u), policy.ViewDossier, policy.DossierResource(d))
				if err != nil {
					return c.fail("Check: %v", err)
				}
				if dec.Allowed {
					want[u] = dec.Routes
				}
			}
			got := map[cabinet.UserID]cabinet.Routes{}
			for acc, err := range c.eng.Viewers(ctx, d) {
				if err != nil {
					return c.fail("Viewers(%s): error %v", d, err)
				}
				if _, dup := got[acc.User]; dup {
					return c.fail("POL-3: Viewers(%s) lists %s twice", d, acc.User)
				}
				got[acc.User] = acc.Routes
			}
			if !mapsEqual(got, want) {
				return c.fail("POL-3: Viewers(%s) = %v, Check allows %v", d, got, want)
			}
			v += len(got)
		}
		mu.add(func() { nListed += n; nViewers += v })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d dossiers listed, %d viewers", nListed, nViewers)
	if nListed == 0 || nViewers == 0 {
		t.Errorf("vacuous: %d dossiers listed, %d viewers", nListed, nViewers)
	}
}

// TestInvariant9TEAM9RevokedConsentClosesTeamRoute is SPEC §3 invariant 9:
// on 1,000 random states, no decision of Check (on every dossier action and
// section) nor of Viewers carries cabinet.RouteTeam for a (user, dossier) unless a
// referral of that dossier with consent given lives in a team the user is a
// member of: a referral whose consent is revoked opens nothing (TEAM-9).
func TestInvariant9TEAM9RevokedConsentClosesTeamRoute(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var closed, open int // (member, dossier) pairs with only revoked referrals; with a given one
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		// opened[u][d]: a consent-given referral of d lives in a team of u.
		// revoked[u][d]: a consent-revoked one does.
		opened := map[cabinet.UserID]map[cabinet.DossierID]bool{}
		revoked := map[cabinet.UserID]map[cabinet.DossierID]bool{}
		for _, r := range c.snap.referrals {
			for _, m := range c.snap.teams[r.Team].Members {
				into := opened
				if r.Consent != team.ConsentGiven {
					into = revoked
				}
				if into[m.User] == nil {
					into[m.User] = map[cabinet.DossierID]bool{}
				}
				into[m.User][r.Dossier] = true
			}
		}
		nc, no := 0, 0
		for u, ds := range revoked {
			for d := range ds {
				if !opened[u][d] {
					nc++
				}
			}
		}
		for _, ds := range opened {
			no += len(ds)
		}
		var qs []question
		for _, a := range []policy.Action{policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports} {
			for _, r := range c.snap.refResources(a) {
				qs = append(qs, question{a, r})
			}
		}
		for _, s := range c.subjects() {
			for _, q := range qs {
				dec, err := c.eng.Check(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("Check(%s, %s): %v", s, q, err)
				}
				if dec.Routes.Has(cabinet.RouteTeam) && !opened[dec.User][cabinet.DossierID(q.r.ID)] {
					return c.fail("TEAM-9: Check(%s, %s) = %v via the team route, but no referral of the dossier with consent given lives in a team of %s (revoked: %v)",
						s, q, dec, dec.User, revoked[dec.User][cabinet.DossierID(q.r.ID)])
				}
			}
		}
		for _, d := range sortedKeys(c.snap.dossiers) {
			for acc, err := range c.eng.Viewers(ctx, d) {
				if err != nil {
					return c.fail("Viewers(%s): %v", d, err)
				}
				if acc.Routes.Has(cabinet.RouteTeam) && !opened[acc.User][d] {
					return c.fail("TEAM-9: Viewers(%s) lists %s via the team route without a consent-given referral", d, acc.User)
				}
			}
		}
		mu.add(func() { closed += nc; open += no })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("(member, dossier) pairs: %d closed by revoked consent only, %d open", closed, open)
	if closed == 0 || open == 0 {
		t.Errorf("vacuous: %d closed pairs, %d open pairs", closed, open)
	}
}

// TestInvariant10CON6ImpersonationNeverExceedsContact is SPEC §3 invariant
// 10 with POL-5: on 1,000 random states, for every impersonation session and
// every question, if Check denies User(contact's user) it denies
// Impersonating(session); when it allows, the routes are within the
// contact's own, the decision's User is the contact's account, its Contact
// the impersonated contact and its Actor the collaborator behind the
// session. Outside impersonation, Actor = User = the subject's user.
func TestInvariant10CON6ImpersonationNeverExceedsContact(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var impAllowed, impQuestions int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		qs := c.questions()
		na, nq := 0, 0
		for _, sid := range append(sortedKeys(c.snap.sessions), "session_unknown") {
			ses := c.snap.sessions[sid]
			for _, q := range qs {
				imp, err := c.eng.Check(ctx, policy.Impersonating(sid), q.a, q.r)
				if err != nil {
					return c.fail("Check(session %s, %s): %v", sid, q, err)
				}
				own, err := c.eng.Check(ctx, policy.User(ses.ContactUser), q.a, q.r)
				if err != nil {
					return c.fail("Check(user %s, %s): %v", ses.ContactUser, q, err)
				}
				nq++
				if !imp.Allowed {
					continue
				}
				na++
				if !own.Allowed || !own.Routes.Has(imp.Routes) {
					return c.fail("CON-6: Check(session %s, %s) = %v but the contact's user %q alone gets %v", sid, q, imp, ses.ContactUser, own)
				}
				if imp.Actor != ses.Actor || imp.User != ses.ContactUser || imp.Contact != ses.Contact {
					return c.fail("POL-5: Check(session %s, %s) records actor %q user %q contact %q, want actor %q user %q contact %q",
						sid, q, imp.Actor, imp.User, imp.Contact, ses.Actor, ses.ContactUser, ses.Contact)
				}
				if own.Actor != ses.ContactUser || own.User != ses.ContactUser || own.Contact != "" {
					return c.fail("POL-5: Check(user %s, %s) records actor %q user %q contact %q", ses.ContactUser, q, own.Actor, own.User, own.Contact)
				}
			}
		}
		mu.add(func() { impAllowed += na; impQuestions += nq })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d impersonated questions, %d allowed", impQuestions, impAllowed)
	if impAllowed == 0 {
		t.Errorf("vacuous: no impersonated question was allowed in any state")
	}
}

// syncCounter serialises the tallies of the properties' parallel workers.
type syncCounter struct{ mu sync.Mutex }

func (s *syncCounter) add(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

// report checks the property and fails t unless it passed, with gopter's
// report and the seed that reproduces it.
func report(t *testing.T, p gopter.Prop, params *gopter.TestParameters) {
	t.Helper()
	r := p.Check(params)
	if r.Passed() {
		t.Logf("OK, passed %d tests (seed %d)", r.Succeeded, params.Seed())
		return
	}
	t.Logf("seed %d (gopter.DefaultTestParametersWithSeed reproduces it)", params.Seed())
	var b strings.Builder
	gopter.NewFormatedReporter(true, 100, &b).ReportTestResult("property", r)
	t.Error(b.String())
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
