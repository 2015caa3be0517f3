package clientgroup

import (
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
)

// Routes is a set of internal routes by which a collaborator reaches a dossier
// (GRP-3). The zero value is the empty set: no internal route.
type Routes uint8

// The five internal routes of GRP-3.
const (
	RouteAdmin             Routes = 1 << iota // "admin": the user has the admin profile in the dossier's office
	RouteManager                              // "manager": the user is the dossier's manager
	RouteAssigned                             // "assigned": the user is one of the dossier's assigned collaborators
	RouteGroupDirect                          // "group_direct": the user is a direct collaborator of the dossier's client group
	RouteCollaboratorGroup                    // "collaborator_group": the user is in a collaborator group assigned to the dossier's client group
)

// NoRoute is the empty set of routes.
const NoRoute Routes = 0

var routeNames = [...]string{"admin", "manager", "assigned", "group_direct", "collaborator_group"}

// Valid reports whether r holds only the five known routes.
func (r Routes) Valid() bool { return r&^(1<<len(routeNames)-1) == 0 }

// ParseRoutes returns the routes named in s, names joined by "|" as String
// writes them ("none" or "" for the empty set), or an *cabinet.InvalidError
// for field "route".
func ParseRoutes(s string) (Routes, error) {
	if s == "none" || s == "" {
		return NoRoute, nil
	}
	var r Routes
	for part := range strings.SplitSeq(s, "|") {
		i := slices.Index(routeNames[:], part)
		if i < 0 {
			return NoRoute, cabinet.Invalid("route", "%q is not admin, manager, assigned, group_direct or collaborator_group", part)
		}
		r |= 1 << i
	}
	return r, nil
}

// Has reports whether every route of x is in r.
func (r Routes) Has(x Routes) bool { return r&x == x && x != 0 }

// Any reports whether r holds at least one route.
func (r Routes) Any() bool { return r != 0 }

// String lists the routes in r joined by "|" in the order admin, manager,
// assigned, group_direct, collaborator_group, or returns "none".
func (r Routes) String() string {
	if r == 0 {
		return "none"
	}
	var parts []string
	for i, n := range routeNames {
		if r&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := r &^ (1<<len(routeNames) - 1); rest != 0 {
		parts = append(parts, "unknown")
	}
	return strings.Join(parts, "|")
}

// RouteFacts is everything InternalRoutes needs to answer for one user and
// one dossier. It is plain data so that a caller holding a precomputed index
// (package policy) can fill it without touching a store; Service.Routes fills
// it from the store.
type RouteFacts struct {
	// Dossier is the dossier's office, status, manager and assigned
	// collaborators (from package access).
	Dossier cabinet.DossierFacts
	// Profile is the user's profile in Dossier.Office, or
	// cabinet.ProfileInvalid when the user is not a collaborator of that
	// office. A non-collaborator has no internal route at all (GRP-11), even
	// if access still names them manager or assigned collaborator.
	Profile cabinet.Profile
	// ClientGroup is the dossier's client group, "" when it has none (GRP-2).
	ClientGroup cabinet.ClientGroupID
	// Direct reports whether the user is a direct collaborator of ClientGroup.
	Direct bool
	// ThroughCollaboratorGroup reports whether the user is a member of a
	// collaborator group assigned to ClientGroup.
	ThroughCollaboratorGroup bool
}

// InternalRoutes returns the internal routes by which user reaches the
// dossier described by f (GRP-2, GRP-3). It is pure and allocation-free;
// the service and package policy both call it.
//
// The user must be a collaborator of the dossier's office (f.Profile valid):
// otherwise the answer is NoRoute (GRP-11). An empty user, or a dossier
// without office, gets NoRoute. Direct and ThroughCollaboratorGroup count
// only when f.ClientGroup is set (GRP-2). The dossier's status plays no
// part (Decision: archived and draft dossiers stay reachable internally).
func InternalRoutes(user cabinet.UserID, f RouteFacts) Routes {
	if user == "" || f.Dossier.Office == "" || !f.Profile.Valid() {
		return NoRoute
	}
	var r Routes
	if f.Profile == cabinet.ProfileAdmin {
		r |= RouteAdmin
	}
	if f.Dossier.Manager == user {
		r |= RouteManager
	}
	for _, a := range f.Dossier.Assigned {
		if a == user {
			r |= RouteAssigned
			break
		}
	}
	if f.ClientGroup != "" {
		if f.Direct {
			r |= RouteGroupDirect
		}
		if f.ThroughCollaboratorGroup {
			r |= RouteCollaboratorGroup
		}
	}
	return r
}

// CanAdminister returns nil when profile is the admin profile, else a
// *cabinet.ForbiddenError for GRP-5: only admins create, edit and delete
// client groups and collaborator groups, place dossiers in groups, and manage
// the office's collaborators. Pass cabinet.ProfileInvalid for a user who is
// not a collaborator of the office. No allocation on the allow path.
func CanAdminister(profile cabinet.Profile) error {
	if profile == cabinet.ProfileAdmin {
		return nil
	}
	return cabinet.Forbidden("GRP-5", "only an admin of the office may do this")
}

// CanPlace returns nil when the dossier described by d may be put into the
// client group g: same office (GRP-1) and activated (GRP-5). A group of
// another office is an invalid target whoever asks, not a permission of the
// actor: a *cabinet.ConflictError naming GRP-1 (ErrConflict). A dossier that
// is not activated is a *cabinet.ForbiddenError naming GRP-5 (the policy's
// AssignClientGroup answer, see package policy). No allocation on the allow
// path.
func CanPlace(d cabinet.DossierFacts, g ClientGroup) error {
	if d.Office != g.Office {
		return cabinet.Conflict("GRP-1", "dossier %s belongs to another office than client group %s", d.ID, g.ID)
	}
	if d.Status != cabinet.DossierActivated {
		return cabinet.Forbidden("GRP-5", "dossier %s is %s; only activated dossiers can be put into a client group", d.ID, d.Status)
	}
	return nil
}

// ContactAddress returns the address to write to about a dossier (GRP-7):
// managerEmail if the dossier has a manager (non-empty), else groupEmail if
// set, else officeEmail.
func ContactAddress(managerEmail, groupEmail, officeEmail string) string {
	switch {
	case managerEmail != "":
		return managerEmail
	case groupEmail != "":
		return groupEmail
	default:
		return officeEmail
	}
}
