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
	return InternalRoutesOf(user, &f.Dossier, f.Profile, f.ClientGroup != "", f.Direct, f.ThroughCollaboratorGroup)
}

// InternalRoutesOf is InternalRoutes with the facts passed apart, for a
// caller that holds the dossier's facts in its own records (package
// policy's index, on every Check): d is RouteFacts.Dossier (read, never
// kept or changed), profile RouteFacts.Profile,
// grouped whether the dossier is in a client group (RouteFacts.ClientGroup
// set), direct and through RouteFacts.Direct and
// RouteFacts.ThroughCollaboratorGroup. Any caller may use it; it returns
// exactly what InternalRoutes returns for the same facts (GRP-2, GRP-3,
// GRP-11), no route for a nil d, has no error and does not allocate.
func InternalRoutesOf(user cabinet.UserID, d *cabinet.DossierFacts, profile cabinet.Profile, grouped, direct, through bool) cabinet.Routes {
	if user == "" || d == nil || d.Office == "" || !profile.Valid() {
		return cabinet.NoRoutes
	}
	var r cabinet.Routes
	if profile == cabinet.ProfileAdmin {
		r |= cabinet.RouteAdmin
	}
	if d.Manager == user {
		r |= cabinet.RouteManager
	}
	for _, a := range d.Assigned {
		if a == user {
			r |= cabinet.RouteAssigned
			break
		}
	}
	if grouped {
		if direct {
			r |= cabinet.RouteGroupDirect
		}
		if through {
			r |= cabinet.RouteCollaboratorGroup
		}
	}
	return r
}

// CanAdminister returns nil when profile is the admin profile, else a
// *cabinet.ForbiddenError for GRP-5: only admins create, edit and delete
// client groups and collaborator groups, place dossiers in groups, and manage
// the office's collaborators. Pass cabinet.ProfileInvalid for a user who is
// not a collaborator of the office. No allocation on either path: the
// denial is built once and shared (read it, do not modify it).
func CanAdminister(profile cabinet.Profile) error {
	if profile == cabinet.ProfileAdmin {
		return nil
	}
	return errNotAdmin
}

// CanPlace returns nil when the dossier described by d may be put into the
// client group g, whoever asks: same office (GRP-1), not archived (ACC-12)
// and activated (GRP-5). A group of another office is an invalid target
// whoever asks, not a permission of the actor: a *cabinet.ConflictError
// naming GRP-1 (ErrConflict); so is an archived dossier, read-only for
// everyone (a *cabinet.ConflictError naming ACC-12). A draft is a
// *cabinet.ForbiddenError naming GRP-5. Checked in that order. The
// actor's right is CanAdminister's (CanMoveDossier composes both). No
// allocation on the allow path.
func CanPlace(d cabinet.DossierFacts, g ClientGroup) error {
	if d.Office != g.Office {
		return cabinet.Conflict("GRP-1", "dossier %s belongs to another office than client group %s", d.ID, g.ID)
	}
	if d.Status == cabinet.DossierArchived {
		return errArchived(d.ID)
	}
	if d.Status != cabinet.DossierActivated {
		return cabinet.Forbidden("GRP-5", "dossier %s is %s; only activated dossiers can be put into a client group", d.ID, d.Status)
	}
	return nil
}

func errArchived(d cabinet.DossierID) error {
	return cabinet.Conflict("ACC-12", "dossier %s is archived: it is read-only, and cannot enter or leave a client group", d)
}

// CanMoveDossier is the predicate of MoveDossier and MoveDossiers: may a
// collaborator whose profile in d's office is profile (ProfileInvalid: not
// a collaborator) put the dossier described by d into client group to, or
// take it out of its group when to is the zero ClientGroup? Checks, in
// order:
//
//  1. GRP-1 (*cabinet.ConflictError): to belongs to another office;
//  2. ACC-12 (*cabinet.ConflictError): d is archived — neither placed nor
//     taken out (Decision: only deleting the group, or the GRP-11 release,
//     changes an archived dossier's organisation);
//  3. GRP-5 (*cabinet.ForbiddenError): profile is not admin — after
//     activation, placing and moving are for admins only (GRP-5 v2);
//  4. GRP-5 (*cabinet.ForbiddenError): placing a dossier that is not
//     activated (a draft).
//
// No allocation on the allow path.
func CanMoveDossier(d cabinet.DossierFacts, to ClientGroup, profile cabinet.Profile) error {
	if to.ID != "" && d.Office != to.Office {
		return cabinet.Conflict("GRP-1", "dossier %s belongs to another office than client group %s", d.ID, to.ID)
	}
	if d.Status == cabinet.DossierArchived {
		return errArchived(d.ID)
	}
	if err := CanAdminister(profile); err != nil {
		return err
	}
	if to.ID != "" {
		return CanPlace(d, to)
	}
	return nil
}

// CanPlaceOnActivation is the predicate of the placement made by
// access.Service.Activate (GRP-5 v2), after access checked that the actor
// may activate the dossier (its manager or an admin, access.CanSetStatus)
// and activated it in the same transaction: d is the dossier as activated,
// current its client group ("" when none) and g the group named. Checks,
// in order: GRP-1 (*cabinet.ConflictError, g of another office); ACC-12
// and GRP-5 as CanPlace (d must be activated); GRP-5
// (*cabinet.ConflictError) when d is already in another group: moving it
// is admin work (MoveDossier).
func CanPlaceOnActivation(d cabinet.DossierFacts, current cabinet.ClientGroupID, g ClientGroup) error {
	if err := CanPlace(d, g); err != nil {
		return err
	}
	if current != "" && current != g.ID {
		return cabinet.Conflict("GRP-5", "dossier %s is already in client group %s: moving it is admin work", d.ID, current)
	}
	return nil
}

// CanViewOffice is the predicate of the reads of an office's organisation
// (its record, collaborators, client and collaborator groups, members,
// assignments, duplicate names): only its collaborators, profile valid.
// Decision: nobody outside the office learns how it is organised
// ("nothing crosses offices", GRP-1): a *cabinet.ForbiddenError naming
// GRP-1.
func CanViewOffice(profile cabinet.Profile) error {
	if profile.Valid() {
		return nil
	}
	return cabinet.Forbidden("GRP-1", "only the collaborators of an office see its organisation")
}

// CanListDossiers is the predicate of Service.Dossiers, the office's
// dossier listing (GRP-9, the active-clients monitor): collaborators of the
// office (profile valid), who see the dossiers they reach (admins: all,
// GRP-3). Anyone else: a *cabinet.ForbiddenError naming GRP-9.
func CanListDossiers(profile cabinet.Profile) error {
	if profile.Valid() {
		return nil
	}
	return cabinet.Forbidden("GRP-9", "only the collaborators of an office list its dossiers")
}

// CanViewRoutes is the predicate of Service.Routes and ReachesDossier: the
// user themselves, or an admin of the dossier's office (profile is the
// actor's profile there). Anyone else: a *cabinet.ForbiddenError naming
// GRP-3.
func CanViewRoutes(actor, user cabinet.UserID, profile cabinet.Profile) error {
	if actor != "" && (actor == user || profile == cabinet.ProfileAdmin) {
		return nil
	}
	return cabinet.Forbidden("GRP-3", "only admins see another collaborator's routes to a dossier")
}

// CanReadContactAddress is the predicate of Service.ContactAddress (GRP-7):
// the office's collaborators who reach the dossier internally (routes,
// GRP-3) and its grantees (holdsGrant: holders, family members, external
// advisors, who are the ones writing about it). Decision: the team route
// does not give the address — the advisors of a team write to the client
// through their own channels, not through the office's. Anyone else: a
// *cabinet.ForbiddenError naming GRP-7.
func CanReadContactAddress(routes cabinet.Routes, holdsGrant bool) error {
	if routes&cabinet.InternalRoutes != 0 || holdsGrant {
		return nil
	}
	return cabinet.Forbidden("GRP-7", "only those who reach the dossier read its contact address")
}

// ContactAddress returns the address to write to about a dossier (GRP-7):
// managerEmail if the dossier has a manager (non-empty) — the caller passes
// "" for a manager who is no longer a collaborator of the office (GRP-11) —
// else groupEmail if set, else officeEmail.
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

// errNotAdmin is CanAdminister's denial, built once: policy asks the
// predicate for every dossier page's buttons, and a fixed sentence needs no
// allocation per denial. Callers only read it.
var errNotAdmin error = &cabinet.ForbiddenError{Rule: "GRP-5", Reason: "only an admin of the office may do this"}
