package clientgroup

import (
	"github.com/cabinet-go/cabinet"
)

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

// InternalRoutes returns the internal routes (a subset of
// cabinet.InternalRoutes) by which user reaches the dossier described by f
// (GRP-2, GRP-3). It is pure and allocation-free;
// the service and package policy both call it.
//
// The user must be a collaborator of the dossier's office (f.Profile valid):
// otherwise the answer is cabinet.NoRoutes (GRP-11). An empty user, or a dossier
// without office, gets cabinet.NoRoutes. Direct and ThroughCollaboratorGroup count
// only when f.ClientGroup is set (GRP-2). The dossier's status plays no
// part (Decision: archived and draft dossiers stay reachable internally).
func InternalRoutes(user cabinet.UserID, f RouteFacts) cabinet.Routes {
	if user == "" || f.Dossier.Office == "" || !f.Profile.Valid() {
		return cabinet.NoRoutes
	}
	var r cabinet.Routes
	if f.Profile == cabinet.ProfileAdmin {
		r |= cabinet.RouteAdmin
	}
	if f.Dossier.Manager == user {
		r |= cabinet.RouteManager
	}
	for _, a := range f.Dossier.Assigned {
		if a == user {
			r |= cabinet.RouteAssigned
			break
		}
	}
	if f.ClientGroup != "" {
		if f.Direct {
			r |= cabinet.RouteGroupDirect
		}
		if f.ThroughCollaboratorGroup {
			r |= cabinet.RouteCollaboratorGroup
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
