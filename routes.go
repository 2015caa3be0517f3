package cabinet

import (
	"fmt"
	"slices"
	"strings"
)

// Routes is a set of routes by which a subject reaches a resource (SPEC
// POL-1): the one route vocabulary of the library. clientgroup.InternalRoutes
// answers the five internal routes of GRP-3; package policy answers them all
// and names them in every Decision. The zero value is the empty set.
type Routes uint32

// Routes. Each names the rule that opens it (Routes.Rule).
const (
	RouteAdmin             Routes = 1 << iota // "admin": office admin profile (GRP-3)
	RouteManager                              // "manager": the dossier's manager (GRP-3)
	RouteAssigned                             // "assigned": an assigned collaborator (GRP-3)
	RouteGroupDirect                          // "group_direct": a direct collaborator of the dossier's client group (GRP-3)
	RouteCollaboratorGroup                    // "collaborator_group": a member of a collaborator group assigned to the client group (GRP-3)
	RouteTeam                                 // "team": a member of a team holding a referral of the dossier, consent given (TEAM-8, TEAM-9)
	RouteCentralPerson                        // "central_person": a granted holder or co-holder (ACC-6, ACC-7, ACC-11)
	RouteFamily                               // "family": a granted non-central family member (ACC-11)
	RouteExternalAdvisor                      // "external_advisor": a granted external advisor (ACC-10)
	RouteTeamAdmin                            // "team_admin": an admin of the team (TEAM-4)
	RouteTeamMember                           // "team_member": a member of the team (TEAM-4)
	RouteCollaborator                         // "collaborator": a collaborator of the office (CON-1, CON-6, PROC-7)
	RouteCaseStaff                            // "case_staff": staff who reach the case (PROC-7)
	RouteMainRecipient                        // "main_recipient": the case's main recipient, items of the main role (PROC-3)
	RouteContributor                          // "contributor": a contributor, items of their role (PROC-3)
	RouteSelf                                 // "self": the subject's own record — their account, an invitation to their email, a pending team naming them lead, a referral they made (POL-1)

	routeEnd
)

// NoRoutes is the empty set.
const NoRoutes Routes = 0

// InternalRoutes is the set of the five internal routes of GRP-3.
const InternalRoutes = RouteAdmin | RouteManager | RouteAssigned | RouteGroupDirect | RouteCollaboratorGroup

var routeNames = [...]string{
	"admin", "manager", "assigned", "group_direct", "collaborator_group", "team",
	"central_person", "family", "external_advisor", "team_admin", "team_member",
	"collaborator", "case_staff", "main_recipient", "contributor", "self",
}

var routeRules = [...]string{
	"GRP-3", "GRP-3", "GRP-3", "GRP-3", "GRP-3", "TEAM-8",
	"ACC-7", "ACC-11", "ACC-10", "TEAM-4", "TEAM-4",
	"GRP-3", "PROC-7", "PROC-3", "PROC-3", "POL-1",
}

// Valid reports whether r holds only known routes.
func (r Routes) Valid() bool { return r&^(routeEnd-1) == 0 }

// Has reports whether r holds every route of q (false for an empty q).
func (r Routes) Has(q Routes) bool { return q != 0 && r&q == q }

// Any reports whether r holds at least one route.
func (r Routes) Any() bool { return r != 0 }

// Each calls fn for every single route in r, in declaration order.
func (r Routes) Each(fn func(Routes)) {
	for b := Routes(1); b < routeEnd; b <<= 1 {
		if r&b != 0 {
			fn(b)
		}
	}
}

// Rule returns the rule ID of r's first route, or "" for NoRoutes.
func (r Routes) Rule() string {
	for i := range routeRules {
		if r&(1<<i) != 0 {
			return routeRules[i]
		}
	}
	return ""
}

// Rules returns the distinct rule IDs of r's routes, in route order.
func (r Routes) Rules() []string {
	var out []string
	for i := range routeRules {
		if r&(1<<i) != 0 && !slices.Contains(out, routeRules[i]) {
			out = append(out, routeRules[i])
		}
	}
	return out
}

// String returns the routes' names joined with "|", e.g. "manager|team",
// or "none"; bits of no known route are written as Routes(0x…).
func (r Routes) String() string {
	if r == 0 {
		return "none"
	}
	var b strings.Builder
	for i, n := range routeNames {
		if r&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	if rest := r &^ (routeEnd - 1); rest != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		fmt.Fprintf(&b, "Routes(%#x)", uint32(rest))
	}
	return b.String()
}

// ParseRoutes returns the routes named in s, names joined by "|" as String
// writes them ("none" or "" for the empty set), or an *InvalidError for
// field "route".
func ParseRoutes(s string) (Routes, error) {
	if s == "none" || s == "" {
		return NoRoutes, nil
	}
	var r Routes
	for part := range strings.SplitSeq(s, "|") {
		i := slices.Index(routeNames[:], part)
		if i < 0 {
			return NoRoutes, Invalid("route", "%q is not a route", part)
		}
		r |= 1 << i
	}
	return r, nil
}
