package contact

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// Rule IDs named by this package's denials and conflicts.
const (
	// RuleManage is named when someone who is not a collaborator of the
	// office tries to read or manage its contacts, companies, projects,
	// decisions or units. The specification gives no separate ID for "who
	// manages contacts"; the contact list is CON-1's subject (see doc.go).
	RuleManage = "CON-1"
)

// SessionLifetime is how long an impersonation session lasts at most
// (CON-6): it expires this long after it started, by the service's clock,
// unless it is stopped earlier.
const SessionLifetime = time.Hour

// CanManageContacts reports whether a user whose profile in the office is p
// may read and manage the office's contacts, companies, projects, decisions
// and units: any collaborator (admin or standard). p is cabinet.ProfileInvalid
// for a user who is not a collaborator of the office. It returns nil or a
// *cabinet.ForbiddenError naming RuleManage (CON-1). It does not allocate on
// the allow path.
func CanManageContacts(p cabinet.Profile) error {
	if p.Valid() {
		return nil
	}
	return cabinet.Forbidden(RuleManage, "only collaborators of the office manage its contacts")
}

// CanImpersonate reports whether a collaborator may start impersonating c
// (CON-6). office is the office in which actorProfile was looked up (the
// actor's profile there, cabinet.ProfileInvalid when the actor is not a
// collaborator of it); targetProfile is the profile of c's linked user in
// c.Office (cabinet.ProfileInvalid when c has no user or the user is not a
// collaborator). It returns nil or a *cabinet.ForbiddenError naming CON-6
// whose reason says which condition failed:
//
//   - the actor must be a collaborator of the contact's office (never across
//     offices);
//   - the contact must be a client or a partner (never a lead), not archived,
//     invited or active (never added);
//   - the contact's user must not be a collaborator of the office.
//
// Pure and cheap: no allocation on the allow path.
func CanImpersonate(office cabinet.OfficeID, actorProfile cabinet.Profile, c Contact, targetProfile cabinet.Profile) error {
	switch {
	case !actorProfile.Valid() || office != c.Office:
		return cabinet.Forbidden("CON-6", "only a collaborator of the contact's office can impersonate it")
	case c.Kind == KindLead:
		return cabinet.Forbidden("CON-6", "a lead cannot be impersonated")
	case c.Kind != KindClient && c.Kind != KindPartner:
		return cabinet.Forbidden("CON-6", "only client and partner contacts can be impersonated")
	case c.Archived:
		return cabinet.Forbidden("CON-6", "an archived contact cannot be impersonated")
	case c.Status != StatusInvited && c.Status != StatusActive:
		return cabinet.Forbidden("CON-6", "a contact must be invited or active to be impersonated, not %s", c.Status)
	case targetProfile.Valid():
		return cabinet.Forbidden("CON-6", "a collaborator of the office can never be impersonated")
	}
	return nil
}

// CanAddPartner reports whether contact c may be added to a project or a
// decision of office (CON-4): it must be an existing, unarchived partner of
// the same office. It returns nil, a *cabinet.NotFoundError when c belongs
// to another office (contacts of other offices do not exist for this one),
// or a *cabinet.ForbiddenError naming CON-4.
func CanAddPartner(office cabinet.OfficeID, c Contact) error {
	switch {
	case c.Office != office:
		return cabinet.NotFound("contact", c.ID)
	case c.Kind != KindPartner:
		return cabinet.Forbidden("CON-4", "only partner contacts can be added, %s is a %s", c.ID, c.Kind)
	case c.Archived:
		return cabinet.Forbidden("CON-4", "contact %s is archived", c.ID)
	}
	return nil
}

// CanAttachBuyer reports whether contact c may be attached to unit u as a
// prospective buyer (CON-4): c must be an existing, unarchived lead of the
// unit's office, not yet attached, and the unit must not be sold. It returns
// nil, a *cabinet.NotFoundError (c belongs to another office), a
// *cabinet.ForbiddenError naming CON-4 (not a lead, archived) or a
// *cabinet.ConflictError (already attached; unit sold, CON-5).
func CanAttachBuyer(u Unit, c Contact) error {
	switch {
	case c.Office != u.Office:
		return cabinet.NotFound("contact", c.ID)
	case c.Kind != KindLead:
		return cabinet.Forbidden("CON-4", "only leads can be attached to a unit, %s is a %s", c.ID, c.Kind)
	case c.Archived:
		return cabinet.Forbidden("CON-4", "contact %s is archived", c.ID)
	case u.Status == UnitStatusSold:
		return cabinet.Conflict("CON-5", "unit %s is already sold", u.ID)
	}
	for _, b := range u.Buyers {
		if b == c.ID {
			return cabinet.Conflict("", "contact %s is already a buyer of unit %s", c.ID, u.ID)
		}
	}
	return nil
}

// CanInvite reports whether contact c may be invited (CON-1): clients and
// partners that are not archived, not active, and have an email. Inviting an
// invited contact again re-sends the invitation. It returns nil, a
// *cabinet.ForbiddenError naming CON-3 (leads are never invited), a
// *cabinet.ConflictError naming CON-1 (archived or already active) or a
// *cabinet.InvalidError for field "email" (a client converted from a lead
// without email needs one first).
func CanInvite(c Contact) error {
	switch {
	case c.Kind == KindLead:
		return cabinet.Forbidden("CON-3", "a lead cannot be invited; it becomes a client when it buys a unit")
	case c.Archived:
		return cabinet.Conflict("CON-1", "contact %s is archived", c.ID)
	case c.Status == StatusActive:
		return cabinet.Conflict("CON-1", "contact %s is already active", c.ID)
	case c.Email == "":
		return cabinet.Invalid("email", "contact %s needs an email before it can be invited", c.ID)
	}
	return nil
}

// Session is an impersonation session (CON-6): a collaborator (Actor) sees
// the platform as a contact. Both identities are recorded. A session is
// usable from StartedAt until it is stopped or until ExpiresAt
// (StartedAt + SessionLifetime), whichever comes first.
type Session struct {
	ID          SessionID
	Office      cabinet.OfficeID
	Actor       cabinet.UserID    // the impersonating collaborator
	Contact     cabinet.ContactID // the impersonated contact
	ContactUser cabinet.UserID    // the contact's account, "" for an invited contact without one
	StartedAt   time.Time
	ExpiresAt   time.Time
	StoppedAt   time.Time // zero while not stopped
}

// ActiveAt reports whether the session is usable at t: started, not stopped
// at or before t, and not expired (t before ExpiresAt).
func (s Session) ActiveAt(t time.Time) bool {
	if t.Before(s.StartedAt) || !t.Before(s.ExpiresAt) {
		return false
	}
	return s.StoppedAt.IsZero() || t.Before(s.StoppedAt)
}

// Subject is the effective identity of a request during impersonation: later
// decisions are taken as the contact (Contact, User), never with more rights
// than the contact has, and carry the actor for the record (CON-6, POL-5).
type Subject struct {
	Session SessionID
	Office  cabinet.OfficeID
	Contact cabinet.ContactID // whose rights apply
	User    cabinet.UserID    // the contact's account, "" when it has none (then it has no account-based rights)
	Actor   cabinet.UserID    // the collaborator acting, recorded, never used for rights
}

// Resolve returns the effective subject of s at time t, or a
// *cabinet.ForbiddenError naming CON-6 when the session is not active at t
// (not yet started, stopped or expired). Pure; package policy uses it.
func Resolve(s Session, t time.Time) (Subject, error) {
	if !s.ActiveAt(t) {
		return Subject{}, cabinet.Forbidden("CON-6", "impersonation session %s is not active", s.ID)
	}
	return Subject{Session: s.ID, Office: s.Office, Contact: s.Contact, User: s.ContactUser, Actor: s.Actor}, nil
}
