package contact

import (
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
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
// unless it ends earlier.
const SessionLifetime = time.Hour

// CanManageContacts reports whether a user whose profile in the office is p
// may read and manage the office's contacts, companies, projects, decisions
// and units: any collaborator (admin or standard). p is cabinet.ProfileInvalid
// for a user who is not a collaborator of the office. It returns nil or a
// *cabinet.ForbiddenError naming RuleManage (CON-1). Pure; it does not
// allocate on the allow path.
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
// whose reason says which condition failed, checked in this order:
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

// SessionFacts are the facts of package clientgroup that decide whether an
// impersonation session is still usable (CON-6 v2), read by the caller in
// the same transaction or view as the session:
type SessionFacts struct {
	// Actor is the session actor's profile in the session's office now,
	// cabinet.ProfileInvalid when they are no longer a collaborator of it.
	Actor cabinet.Profile
	// ActorSince is when the actor's current membership of the office began
	// (clientgroup.Collaborator.AddedAt); zero when Actor is invalid.
	ActorSince time.Time
	// Target is the profile in the session's office of the session's
	// ContactUser, cabinet.ProfileInvalid when it has none or is not a
	// collaborator.
	Target cabinet.Profile
}

// CanUseSession reports whether session s may be used at t — whether
// decisions may be taken as its contact — and returns the effective
// subject (CON-6, POL-5). c is the session's contact as it is now and f the
// office facts as they are now. The session has ended, with a
// *cabinet.ForbiddenError naming CON-6 whose reason says why, checked in
// this order, when:
//
//   - it is not active at t: not started yet, stopped, or expired
//     (Session.ActiveAt);
//   - its actor is no longer a collaborator of its office, or has not been
//     one without interruption since the session started (a collaborator
//     removed and added again does not get the session back);
//   - c is not its contact, or the contact is no longer an unarchived,
//     invited or active client or partner;
//   - its contact's user has become a collaborator of the office.
//
// Service.ResolveSession, StopImpersonation and package policy decide with
// this predicate, so that they agree at every moment. Pure; no allocation.
func CanUseSession(s Session, c Contact, f SessionFacts, t time.Time) (Subject, error) {
	sub, err := Resolve(s, t)
	switch {
	case err != nil:
		return Subject{}, err
	case !f.Actor.Valid():
		return Subject{}, cabinet.Forbidden("CON-6", "the session ended: its collaborator is no longer a collaborator of the office")
	case f.ActorSince.After(s.StartedAt):
		return Subject{}, cabinet.Forbidden("CON-6", "the session ended: its collaborator left the office after it started")
	case c.ID != s.Contact || c.Office != s.Office:
		return Subject{}, cabinet.Forbidden("CON-6", "the session ended: its contact is gone")
	case c.Archived || (c.Kind != KindClient && c.Kind != KindPartner) || (c.Status != StatusInvited && c.Status != StatusActive):
		return Subject{}, cabinet.Forbidden("CON-6", "the session ended: its contact can no longer be impersonated")
	case f.Target.Valid():
		return Subject{}, cabinet.Forbidden("CON-6", "a collaborator of the office can never be impersonated")
	}
	return sub, nil
}

// CanViewSession reports whether actor, whose profile in s.Office is p
// (cabinet.ProfileInvalid when not a collaborator), may read the record of
// session s: its own actor while a collaborator of the office, and the
// office's admins (audit: both identities are recorded). It returns nil or
// a *cabinet.ForbiddenError naming CON-6. Pure; no allocation.
func CanViewSession(s Session, actor cabinet.UserID, p cabinet.Profile) error {
	switch {
	case p == cabinet.ProfileAdmin:
		return nil
	case p.Valid() && actor != "" && actor == s.Actor:
		return nil
	}
	return cabinet.Forbidden("CON-6", "only the office's admins and the collaborator who started it read an impersonation session")
}

// CanListSessions reports whether actor, whose profile in f.Office is p, may
// list the sessions f selects: an admin of the office any of them, another
// collaborator only their own (f.Actor == actor). It returns nil or a
// *cabinet.ForbiddenError naming CON-6. f.Office must be set (the service
// refuses an empty one as invalid input first). Pure; no allocation.
func CanListSessions(f SessionFilter, actor cabinet.UserID, p cabinet.Profile) error {
	switch {
	case p == cabinet.ProfileAdmin:
		return nil
	case p.Valid() && actor != "" && f.Actor == actor:
		return nil
	}
	return cabinet.Forbidden("CON-6", "only the office's admins list every impersonation session; a collaborator lists their own")
}

// CanStopSession reports whether actor may stop session s. usable is what
// CanUseSession says of s now. Only the session's actor stops it
// (*cabinet.ForbiddenError naming CON-6); a session that has already ended,
// for any reason CanUseSession gives, is a *cabinet.ConflictError naming
// CON-6. Pure.
func CanStopSession(s Session, actor cabinet.UserID, usable error) error {
	if actor == "" || s.Actor != actor {
		return cabinet.Forbidden("CON-6", "only the collaborator who started session %s can stop it", s.ID)
	}
	if usable != nil {
		return cabinet.Conflict("CON-6", "session %s has already ended", s.ID)
	}
	return nil
}

// CanAddPartner reports whether contact c may be added to a project or a
// decision of office (CON-4): it must be an existing, unarchived partner of
// the same office. It returns nil, a *cabinet.NotFoundError when c belongs
// to another office (contacts of other offices do not exist for this one),
// or a *cabinet.ForbiddenError naming CON-4. Pure.
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

// CanAttachLead reports whether contact c may be attached to unit u as a
// prospective buyer (CON-4): c must be an existing, unarchived lead of the
// unit's office, not yet attached, and the unit must not be sold. It
// returns, in this order, a *cabinet.NotFoundError (c belongs to another
// office), a *cabinet.ForbiddenError naming CON-4 (not a lead, archived), a
// *cabinet.ConflictError naming CON-5 (the unit is sold) or with no rule
// (already attached), or nil. Pure; no allocation on the allow path.
func CanAttachLead(u Unit, c Contact) error {
	switch {
	case c.Office != u.Office:
		return cabinet.NotFound("contact", c.ID)
	case c.Kind != KindLead:
		return cabinet.Forbidden("CON-4", "only leads can be attached to a unit, %s is a %s", c.ID, c.Kind)
	case c.Archived:
		return cabinet.Forbidden("CON-4", "contact %s is archived", c.ID)
	case u.Status == UnitStatusSold:
		return cabinet.Conflict("CON-5", "unit %s is already sold", u.ID)
	case u.Attached(c.ID):
		return cabinet.Conflict("", "contact %s is already attached to unit %s", c.ID, u.ID)
	}
	return nil
}

// CanSetUnitStatus reports whether unit u may move to status to, which must
// be available or reserved (selling is MarkUnitSold's; the service refuses
// sold and invalid statuses as invalid input first). A sold unit is final:
// *cabinet.ConflictError naming CON-5; setting the current status is a
// *cabinet.ConflictError. Pure.
func CanSetUnitStatus(u Unit, to UnitStatus) error {
	switch {
	case u.Status == UnitStatusSold:
		return cabinet.Conflict("CON-5", "unit %s is already sold", u.ID)
	case u.Status == to:
		return cabinet.Conflict("", "unit %s is already %s", u.ID, to)
	}
	return nil
}

// CanMarkSold reports whether unit u may be marked sold to buyers, the
// contacts the sale names, as they are now (CON-5 v2: the buyers are named
// among the leads attached to the unit; only they become clients). The
// service has already refused a duplicated or blank buyer ID as invalid
// input ("buyers") and reported an unknown buyer as not found. It returns,
// checked in this order: a *cabinet.ConflictError naming CON-5 when the
// unit is already sold; an *cabinet.InvalidError ("buyers") when buyers is
// empty; then, for each buyer in turn, a
// *cabinet.NotFoundError when it belongs to another office, a
// *cabinet.ConflictError naming CON-5 when it is not attached to the unit,
// a *cabinet.ForbiddenError naming CON-4 when it is archived or is neither
// a lead nor a client (a client stays a client: a lead attached to two
// units may have become a client by buying the first); or nil. Pure.
func CanMarkSold(u Unit, buyers []Contact) error {
	if u.Status == UnitStatusSold {
		return cabinet.Conflict("CON-5", "unit %s is already sold", u.ID)
	}
	if len(buyers) == 0 {
		return cabinet.Invalid("buyers", "a sale names at least one buyer among the unit's leads (CON-5)")
	}
	for _, b := range buyers {
		switch {
		case b.Office != u.Office:
			return cabinet.NotFound("contact", b.ID)
		case !u.Attached(b.ID):
			return cabinet.Conflict("CON-5", "contact %s is not a lead attached to unit %s: a sale names its buyers among them", b.ID, u.ID)
		case b.Archived:
			return cabinet.Forbidden("CON-4", "contact %s is archived", b.ID)
		case b.Kind != KindLead && b.Kind != KindClient:
			return cabinet.Forbidden("CON-4", "contact %s is a %s, not a lead", b.ID, b.Kind)
		}
	}
	return nil
}

// CanInvite reports whether contact c may be invited (CON-1): clients and
// partners that are not archived, not active, and have an email. Inviting an
// invited contact again re-sends the invitation. It returns, in this order,
// a *cabinet.ForbiddenError naming CON-3 (leads are never invited), a
// *cabinet.ConflictError naming CON-1 (archived or already active), a
// *cabinet.InvalidError for field "email" (a client converted from a lead
// without email needs one first), or nil. Pure.
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

// CanLinkContact reports whether client contact c may be linked to dossier
// d and, when person is not "", to that person of d's family tree. It is
// checked after CanManageContacts (the actor is a collaborator of c's
// office). reaches is whether the actor reaches d by an internal route
// (GRP-3, clientgroup.Facts.ReachesDossier); personDossier is the dossier
// whose tree lists person (access.Facts.PersonDossier; "" when person is
// ""). It returns, in this order: a *cabinet.ForbiddenError naming CON-4
// when c is not a client or is archived; a *cabinet.NotFoundError when d
// belongs to another office (dossiers of other offices do not exist for
// this one); a *cabinet.ForbiddenError naming RuleManage (CON-1) when the
// actor does not reach d (nobody links what they cannot open); a
// *cabinet.ConflictError naming ACC-12 when d is archived; a
// *cabinet.NotFoundError ("person") when person is not in d's tree; or nil.
// Pure.
func CanLinkContact(c Contact, d cabinet.DossierFacts, reaches bool, person access.PersonID, personDossier cabinet.DossierID) error {
	switch {
	case c.Kind != KindClient:
		return cabinet.Forbidden("CON-4", "only client contacts are linked to a dossier, %s is a %s", c.ID, c.Kind)
	case c.Archived:
		return cabinet.Forbidden("CON-4", "contact %s is archived", c.ID)
	case d.Office != c.Office:
		return cabinet.NotFound("dossier", d.ID)
	case !reaches:
		return cabinet.Forbidden(RuleManage, "a collaborator links a contact only to a dossier they reach (GRP-3)")
	case d.Status == cabinet.DossierArchived:
		return errArchivedDossier(d.ID)
	case person != "" && personDossier != d.ID:
		return cabinet.NotFound("person", person)
	}
	return nil
}

// CanUnlinkContact reports whether contact c's link may be removed, checked
// after CanManageContacts; d is the facts of the dossier c is linked to. It
// returns a *cabinet.ConflictError when c is not linked, or naming ACC-12
// when d is archived; or nil. Pure.
func CanUnlinkContact(c Contact, d cabinet.DossierFacts) error {
	switch {
	case c.Dossier == "":
		return cabinet.Conflict("", "contact %s is not linked to a dossier", c.ID)
	case d.Status == cabinet.DossierArchived:
		return errArchivedDossier(d.ID)
	}
	return nil
}

func errArchivedDossier(id cabinet.DossierID) error {
	return cabinet.Conflict("ACC-12", "dossier %s is archived: it is read-only", id)
}

// Session is an impersonation session (CON-6): a collaborator (Actor) sees
// the platform as a contact. Both identities are recorded. A session is
// usable from StartedAt until it is stopped, until ExpiresAt (StartedAt +
// SessionLifetime), or until CanUseSession says it has ended (its actor
// left the office, its contact can no longer be impersonated), whichever
// comes first.
type Session struct {
	ID          SessionID
	Office      cabinet.OfficeID
	Actor       cabinet.UserID    // the impersonating collaborator
	Contact     cabinet.ContactID // the impersonated contact
	ContactUser cabinet.UserID    // the contact's account when the session started, "" for an invited contact without one
	StartedAt   time.Time
	ExpiresAt   time.Time
	StoppedAt   time.Time // zero while not stopped
}

// ActiveAt reports whether the session's own record allows use at t:
// started, not stopped at or before t, and not expired (t before
// ExpiresAt). The facts of other packages are CanUseSession's.
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

// Resolve returns the effective subject of s at time t from the session's
// own record, or a *cabinet.ForbiddenError naming CON-6 when the session is
// not active at t (not yet started, stopped or expired). It is the first
// check of CanUseSession, which also takes the office's facts into account:
// decide with CanUseSession. Pure.
func Resolve(s Session, t time.Time) (Subject, error) {
	if !s.ActiveAt(t) {
		return Subject{}, cabinet.Forbidden("CON-6", "impersonation session %s is not active", s.ID)
	}
	return Subject{Session: s.ID, Office: s.Office, Contact: s.Contact, User: s.ContactUser, Actor: s.Actor}, nil
}

// insertSorted adds id to the ascending set ids.
func insertSorted(ids []cabinet.ContactID, id cabinet.ContactID) []cabinet.ContactID {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(slices.Clip(ids), i, id)
}
