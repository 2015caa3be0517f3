package procedure

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// PremiumAvailable reports whether the contributors option is available to
// the office described by p at instant at (PROC-1): it is while the plan is
// platinum, while the boosters add-on is active (BoostersFrom ≤ at <
// BoostersUntil), or during the one free trial (TrialStartedAt ≤ at <
// TrialStartedAt+7 days; the end instant is outside). It returns nil, or a
// *cabinet.ForbiddenError naming PROC-1 that says why not. It is pure and
// does not allocate when the option is available.
func PremiumAvailable(p OfficePlan, at time.Time) error {
	if p.Plan == PlanPlatinum {
		return nil
	}
	if !p.BoostersFrom.IsZero() && !at.Before(p.BoostersFrom) && at.Before(p.BoostersUntil) {
		return nil
	}
	if !p.TrialStartedAt.IsZero() && !at.Before(p.TrialStartedAt) && at.Before(p.TrialEndsAt()) {
		return nil
	}
	switch {
	case !p.TrialStartedAt.IsZero() && !at.Before(p.TrialEndsAt()):
		return cabinet.Forbidden("PROC-1", "contributor roles are a premium option: the office's trial ended at %s; it needs the platinum plan or the boosters add-on",
			p.TrialEndsAt().UTC().Format(time.RFC3339))
	case !p.BoostersUntil.IsZero() && !at.Before(p.BoostersUntil):
		return cabinet.Forbidden("PROC-1", "contributor roles are a premium option: the office's boosters add-on expired at %s",
			p.BoostersUntil.UTC().Format(time.RFC3339))
	default:
		return cabinet.Forbidden("PROC-1", "contributor roles are a premium option: the office is on the %s plan without boosters or an active trial", planOrStandard(p.Plan))
	}
}

func planOrStandard(p Plan) Plan {
	if !p.Valid() {
		return PlanStandard
	}
	return p
}

// CanConfigure reports whether a collaborator with profile may configure the
// office's procedures: create them, add, rename and remove roles, set
// permissions, add and reassign items, set the automation. Only office
// admins may (decision; the rule is PROC-2, the procedure's configuration).
// It returns nil or a *cabinet.ForbiddenError naming PROC-2.
func CanConfigure(profile cabinet.Profile) error {
	if profile == cabinet.ProfileAdmin {
		return nil
	}
	return errConfigure()
}

func errConfigure() error {
	return cabinet.Forbidden("PROC-2", "only an admin of the office configures its procedures")
}

// CanReachCase reports whether a collaborator reaches case c internally
// (PROC-7): an attached case follows its dossier (reachesDossier is the
// answer of the office directory, GRP-3, for user and c.Dossier); an
// unattached case is reachable by the office's admins and by the collaborator
// who opened it. profile is the user's profile in c.Office
// (cabinet.ProfileInvalid when the user is not a collaborator of it, which
// always denies). It returns nil or a *cabinet.ForbiddenError naming PROC-7,
// and does not allocate.
func CanReachCase(c Case, user cabinet.UserID, profile cabinet.Profile, reachesDossier bool) error {
	if !profile.Valid() || user == "" {
		return errNotStaff()
	}
	if c.Dossier != "" {
		if reachesDossier {
			return nil
		}
		return errDossierRoute()
	}
	if profile == cabinet.ProfileAdmin || c.OpenedBy == user {
		return nil
	}
	return errUnattached()
}

func errNotStaff() error {
	return cabinet.Forbidden("PROC-7", "only collaborators of the case's office reach a case")
}
func errDossierRoute() error {
	return cabinet.Forbidden("PROC-7", "staff access to a case follows its dossier, which this collaborator does not reach")
}
func errUnattached() error {
	return cabinet.Forbidden("PROC-7", "an unattached case is reachable only by the office's admins and the collaborator who opened it")
}

// SeatOf returns the participant seat that user holds on c (the main
// recipient or a contributor) and whether there is one. A user holds at
// most one seat per case.
func SeatOf(c Case, user cabinet.UserID) (Participant, bool) {
	if user == "" {
		return Participant{}, false
	}
	if c.Recipient.User == user {
		return c.Recipient, true
	}
	for _, p := range c.Contributors {
		if p.User == user {
			return p, true
		}
	}
	return Participant{}, false
}

// ItemAllows reports whether user, as a participant of case c of procedure
// p, may exercise perm on item (PROC-3, PROC-4). The main recipient and each
// contributor act only on the items assigned to their role (PROC-3), and
// only with their role's permissions (PROC-4). It returns nil; a
// *cabinet.ForbiddenError naming PROC-3 (not a participant of the case, the
// case is not of p, or the item belongs to another role) or PROC-4 (the role
// lacks perm, or perm is invalid); or a *cabinet.NotFoundError when the item
// is not one of p's. The plan of the office is not consulted: losing the
// premium option never takes away a contributor's access (PROC-1). Pure; no
// allocation when it allows.
func ItemAllows(p Procedure, c Case, user cabinet.UserID, item ItemID, perm Permission) error {
	if c.Procedure != p.ID {
		return errOtherProcedure()
	}
	seat, ok := SeatOf(c, user)
	if !ok {
		return errNotParticipant()
	}
	it, ok := p.Item(item)
	if !ok {
		return cabinet.NotFound("item", item)
	}
	if it.Role != seat.Role {
		return errOtherRole()
	}
	role, ok := p.Role(seat.Role)
	if !ok {
		return errOtherRole()
	}
	if !perm.Valid() {
		return errBadPermission()
	}
	if !role.Permissions.Has(perm) {
		return cabinet.Forbidden("PROC-4", "the role %q does not have the %s permission", role.Name, perm)
	}
	return nil
}

func errOtherProcedure() error {
	return cabinet.Forbidden("PROC-3", "the case is not an instance of this procedure")
}
func errNotParticipant() error {
	return cabinet.Forbidden("PROC-3", "only the case's recipient and contributors act on its items")
}
func errOtherRole() error     { return cabinet.Forbidden("PROC-3", "the item is assigned to another role") }
func errBadPermission() error { return cabinet.Forbidden("PROC-4", "unknown permission") }

// VisibleItems returns the items of p that user may view on case c (PROC-3):
// the items of their role, if their role has the view permission. Nil when
// user is not a participant.
func VisibleItems(p Procedure, c Case, user cabinet.UserID) []Item {
	var out []Item
	for _, it := range p.Items {
		if ItemAllows(p, c, user, it.ID, PermView) == nil {
			out = append(out, it)
		}
	}
	return out
}
