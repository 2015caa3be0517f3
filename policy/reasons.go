package policy

import (
	"math/bits"
	"strings"

	"github.com/cabinet-go/cabinet"
)

// ruleTab names the rule by which each route allows one kind of action
// (POL-2 v2: the rule named is the one that governs the action — ACC-9 for
// managing external advisors, ACC-11 for a holder's edit), and holds the
// reasons of every combination of routes it is used with, built once so
// that allows do not allocate.
type ruleTab struct {
	def     string     // the rule of every route not in byRoute
	byRoute [33]string // route bit → rule ("": def); 33 so that TrailingZeros32(0) is in range
	reasons map[cabinet.Routes]string
	// low holds the allows of the prepared masks indexed by routes (a
	// zero verdict for the others), when every prepared mask is below
	// lowRoutes: an allow on the hot paths is one copy (allowBy).
	low []verdict
}

// lowRoutes bounds the routes whose reasons are kept in a slice: the nine
// routes to a dossier's content.
const lowRoutes = 1 << 9

// one is a table where every route allows by rule.
func one(rule string) *ruleTab { return &ruleTab{def: rule} }

// byRule is a table with a rule per route (def for the others).
func byRule(def string, rules map[cabinet.Routes]string) *ruleTab {
	t := &ruleTab{def: def}
	for r, rule := range rules {
		r.Each(func(b cabinet.Routes) { t.byRoute[bits.TrailingZeros32(uint32(b))] = rule })
	}
	return t
}

// The tables shared by several actions.
var (
	// tabContent: the routes to a dossier's content (POL-1): internal
	// routes by GRP-3, the team route by TEAM-8, central persons and family
	// members by ACC-11, external advisors by ACC-10.
	tabContent = byRule("GRP-3", map[cabinet.Routes]string{
		cabinet.RouteTeam: "TEAM-8",
		cabinet.RouteCentralPerson | cabinet.RouteFamily: "ACC-11",
		cabinet.RouteExternalAdvisor:                     "ACC-10",
	})
	// tabFamily: the manager manages family access by ACC-1, a granted
	// central person by ACC-7.
	tabFamily = byRule("ACC-1", map[cabinet.Routes]string{cabinet.RouteCentralPerson: "ACC-7"})
	// tabAdvisors: the manager manages external advisors by ACC-9.
	tabAdvisors = one("ACC-9")
	// tabAccessRights: the office sees the access rights by GRP-3, the
	// granted central persons and a grantee their own grant by ACC-7.
	tabAccessRights = byRule("GRP-3", map[cabinet.Routes]string{cabinet.RouteCentralPerson | cabinet.RouteSelf: "ACC-7"})
	// tabTeamView: members see a team by TEAM-4, a pending team's lead and
	// creator by TEAM-1.
	tabTeamView = byRule("TEAM-4", map[cabinet.Routes]string{cabinet.RouteSelf: "TEAM-1"})
	// tabReferralView: its team's members and its referrer see a referral
	// by TEAM-12, the dossier's central persons by TEAM-9.
	tabReferralView = byRule("TEAM-12", map[cabinet.Routes]string{cabinet.RouteCentralPerson: "TEAM-9"})
	// tabItem: participants see their role's items by PROC-3, staff every
	// item by PROC-7.
	tabItem = byRule("PROC-3", map[cabinet.Routes]string{cabinet.RouteCaseStaff: "PROC-7"})
)

func init() {
	for a := ActionInvalid + 1; a < actionCount; a++ {
		info := &actionInfos[a]
		info.tab.prepare(info.routes)
	}
	// The tables used by decisions of another action's table.
	tabAdvisors.prepare(cabinet.RouteManager)
	tabFamily.prepare(cabinet.RouteManager | cabinet.RouteCentralPerson)
}

// rule returns the rule by which the single route b allows.
func (t *ruleTab) rule(b cabinet.Routes) string {
	if rule := t.byRoute[bits.TrailingZeros32(uint32(b))]; rule != "" {
		return rule
	}
	return t.def
}

// first returns the rule of r's first route.
func (t *ruleTab) first(r cabinet.Routes) string {
	if r == 0 {
		return ""
	}
	return t.rule(r & -r)
}

// build returns the reason of an allow via r: "allowed via manager|team
// (GRP-3, TEAM-8)", every distinct rule in route order.
func (t *ruleTab) build(r cabinet.Routes) string {
	var rules []string
	r.Each(func(b cabinet.Routes) {
		rule := t.rule(b)
		for _, x := range rules {
			if x == rule {
				return
			}
		}
		rules = append(rules, rule)
	})
	return "allowed via " + r.String() + " (" + strings.Join(rules, ", ") + ")"
}

// prepare builds the reasons of every non-empty subset of mask.
func (t *ruleTab) prepare(mask cabinet.Routes) {
	if t.reasons == nil {
		t.reasons = map[cabinet.Routes]string{}
	}
	for s := mask; s != 0; s = (s - 1) & mask {
		t.reasons[s] = t.build(s)
	}
	low := true
	for r := range t.reasons {
		low = low && r < lowRoutes
	}
	t.low = nil
	if low {
		t.low = make([]verdict, lowRoutes)
		for r, s := range t.reasons {
			t.low[r] = verdict{routes: r, rule: t.first(r), reason: s}
		}
	}
}

// reason returns the reason of an allow via r.
func (t *ruleTab) reason(r cabinet.Routes) string {
	if t.low != nil && r < lowRoutes {
		if v := &t.low[r]; v.routes != 0 {
			return v.reason
		}
	} else if s, ok := t.reasons[r]; ok {
		return s
	}
	return t.build(r) // not prepared: a route outside the action's (tests check none is)
}
