package access

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// Events recorded by Service with each committed command (the store's
// change log holds them; the host receives them through cabinet.Delivery).
// Every event names the records it touched (office, dossier, person or
// advisor, grant, user) and carries the changed values, so that a read
// model can apply it.

// DossierCreated: a collaborator created a dossier and became its manager.
type DossierCreated struct {
	Dossier Dossier
}

// DossierStatusChanged: the dossier moved from From to To.
type DossierStatusChanged struct {
	Dossier  cabinet.DossierID
	Office   cabinet.OfficeID
	From, To cabinet.DossierStatus
}

// DossierManagerSet: the dossier's manager changed from Previous to Manager
// ("" when unset). Assigned is the resulting list of assigned collaborators
// (the new manager is taken out of it). Also published, in the batch of
// clientgroup.Service.RemoveCollaborator, for each dossier whose manager
// left the office (GRP-11): Manager is then "".
type DossierManagerSet struct {
	Dossier  cabinet.DossierID
	Office   cabinet.OfficeID
	Previous cabinet.UserID
	Manager  cabinet.UserID
	Assigned []cabinet.UserID
}

// DossierAssignedChanged: the dossier's assigned collaborators are now
// Assigned; Added and Removed are the differences. Also published by
// clientgroup.Service.RemoveCollaborator for each dossier the departing
// collaborator was assigned to (GRP-11).
type DossierAssignedChanged struct {
	Dossier        cabinet.DossierID
	Office         cabinet.OfficeID
	Assigned       []cabinet.UserID
	Added, Removed []cabinet.UserID
}

// PersonAdded: a person joined the family tree.
type PersonAdded struct {
	Office cabinet.OfficeID
	Person Person
}

// PersonEdited: a person's name or relation changed. Grant is the person's
// grant ("" if none), whose Central flag follows the relation.
type PersonEdited struct {
	Office           cabinet.OfficeID
	Person           Person
	PreviousRelation Relation
	Grant            GrantID
}

// PersonRemoved: a person left the family tree. If they held a grant, a
// GrantRevoked event for it comes in the same batch.
type PersonRemoved struct {
	Office  cabinet.OfficeID
	Dossier cabinet.DossierID
	Person  PersonID
}

// AdvisorRegistered: an external advisor was registered in the dossier
// (ACC-8); they have no access yet.
type AdvisorRegistered struct {
	Office  cabinet.OfficeID
	Advisor Advisor
}

// AdvisorRemoved: an external advisor was taken out of the dossier. If they
// held a grant, a GrantRevoked event for it comes in the same batch.
type AdvisorRemoved struct {
	Office  cabinet.OfficeID
	Dossier cabinet.DossierID
	Advisor AdvisorID
}

// AdvisorEdited: a registered advisor's details changed (seed 001).
// Previous is the advisor as it was. Grant is the advisor's grant ("" if
// none); when the email or phone changed and the grant had no account, a
// GrantContactCorrected event for it follows in the same batch.
type AdvisorEdited struct {
	Office   cabinet.OfficeID
	Advisor  Advisor
	Previous Advisor
	Grant    GrantID
}

// GrantCreated: access was granted (the whole grant as stored). An
// InvitationSent or an AccessNotified event follows in the same batch.
type GrantCreated struct {
	Grant Grant
}

// GrantLevelChanged: a grant's level changed (ACC-4).
type GrantLevelChanged struct {
	Grant    GrantID
	Dossier  cabinet.DossierID
	Office   cabinet.OfficeID
	Person   PersonID
	Advisor  AdvisorID
	User     cabinet.UserID
	From, To Level
}

// GrantExpiryChanged: an external advisor's grant's expiry changed from
// From to To (the zero time: none), by Service.SetGrantExpiry (issue 16).
type GrantExpiryChanged struct {
	Grant    GrantID
	Dossier  cabinet.DossierID
	Office   cabinet.OfficeID
	Advisor  AdvisorID
	User     cabinet.UserID
	From, To time.Time
}

// AdvisorAccessExpiring: an external advisor's grant expires at ExpiresAt,
// within the window package due lists it in (issue 16). Not recorded by a
// command: package due returns it for the host to act on (warn the
// manager, extend it with Service.SetGrantExpiry).
type AdvisorAccessExpiring struct {
	Grant     GrantID
	Dossier   cabinet.DossierID
	Office    cabinet.OfficeID
	Advisor   AdvisorID
	User      cabinet.UserID
	ExpiresAt time.Time
}

// AdvisorAccessExpired: an external advisor's grant expired at ExpiresAt
// and is still stored (issue 16): the advisor's access closed at that
// instant, with no command. Not recorded by a command: package due returns
// it until the grant is revoked, replaced or given a new expiry.
type AdvisorAccessExpired struct {
	Grant     GrantID
	Dossier   cabinet.DossierID
	Office    cabinet.OfficeID
	Advisor   AdvisorID
	User      cabinet.UserID
	ExpiresAt time.Time
}

// GrantRevoked: a grant was revoked and deleted (the grant as it was).
type GrantRevoked struct {
	Grant Grant
}

// GrantContactCorrected: the email and phone of a grant with no account
// linked were corrected (ACC-3). User is the account the corrected email
// already has ("" if none). An InvitationSent (reminders restart from it)
// or an AccessNotified event follows in the same batch.
type GrantContactCorrected struct {
	Grant                        GrantID
	Dossier                      cabinet.DossierID
	Office                       cabinet.OfficeID
	Person                       PersonID
	Advisor                      AdvisorID
	PreviousEmail, PreviousPhone string
	Email, Phone                 string
	User                         cabinet.UserID
}

// InvitationSent: the grantee has no account; the host should invite them
// to create one at Email (ACC-5). Reminders follow (ReminderDue).
type InvitationSent struct {
	Grant   GrantID
	Dossier cabinet.DossierID
	Office  cabinet.OfficeID
	Person  PersonID
	Advisor AdvisorID
	Email   string
	Phone   string
	At      time.Time
}

// AccessNotified: the grantee already has an account (User); the host
// should tell them about their new access (ACC-5).
type AccessNotified struct {
	Grant   GrantID
	Dossier cabinet.DossierID
	Office  cabinet.OfficeID
	Person  PersonID
	Advisor AdvisorID
	User    cabinet.UserID
	Email   string
}

// ReminderDue: reminder Number (1: 7 days, 2: 30 days after InvitedAt) is
// due and has been marked sent; the host should send it (ACC-5).
type ReminderDue struct {
	Grant     GrantID
	Dossier   cabinet.DossierID
	Office    cabinet.OfficeID
	Person    PersonID
	Advisor   AdvisorID
	Email     string
	Number    uint8
	InvitedAt time.Time
	DueAt     time.Time
}

// GranteeLinked: the grantee created their account; the grant is now User's.
type GranteeLinked struct {
	Grant   GrantID
	Dossier cabinet.DossierID
	Office  cabinet.OfficeID
	Person  PersonID
	Advisor AdvisorID
	User    cabinet.UserID
	Email   string
}

// EventTypes returns the zero value of every event type the package
// publishes, in declaration order: a host or a test can list the names
// (each is "access." + the type's name in snake_case).
func EventTypes() []cabinet.Event {
	return []cabinet.Event{
		DossierCreated{}, DossierStatusChanged{}, DossierManagerSet{}, DossierAssignedChanged{},
		PersonAdded{}, PersonEdited{}, PersonRemoved{}, AdvisorRegistered{}, AdvisorRemoved{}, AdvisorEdited{},
		GrantCreated{}, GrantLevelChanged{}, GrantRevoked{}, GrantContactCorrected{},
		InvitationSent{}, AccessNotified{}, ReminderDue{}, GranteeLinked{},
		GrantExpiryChanged{}, AdvisorAccessExpiring{}, AdvisorAccessExpired{},
	}
}

// EventName implementations.
func (DossierCreated) EventName() string         { return "access.dossier_created" }
func (DossierStatusChanged) EventName() string   { return "access.dossier_status_changed" }
func (DossierManagerSet) EventName() string      { return "access.dossier_manager_set" }
func (DossierAssignedChanged) EventName() string { return "access.dossier_assigned_changed" }
func (PersonAdded) EventName() string            { return "access.person_added" }
func (PersonEdited) EventName() string           { return "access.person_edited" }
func (PersonRemoved) EventName() string          { return "access.person_removed" }
func (AdvisorRegistered) EventName() string      { return "access.advisor_registered" }
func (AdvisorRemoved) EventName() string         { return "access.advisor_removed" }
func (AdvisorEdited) EventName() string          { return "access.advisor_edited" }
func (GrantContactCorrected) EventName() string  { return "access.grant_contact_corrected" }
func (GrantCreated) EventName() string           { return "access.grant_created" }
func (GrantLevelChanged) EventName() string      { return "access.grant_level_changed" }
func (GrantRevoked) EventName() string           { return "access.grant_revoked" }
func (InvitationSent) EventName() string         { return "access.invitation_sent" }
func (AccessNotified) EventName() string         { return "access.access_notified" }
func (ReminderDue) EventName() string            { return "access.reminder_due" }
func (GranteeLinked) EventName() string          { return "access.grantee_linked" }
func (GrantExpiryChanged) EventName() string     { return "access.grant_expiry_changed" }
func (AdvisorAccessExpiring) EventName() string  { return "access.advisor_access_expiring" }
func (AdvisorAccessExpired) EventName() string   { return "access.advisor_access_expired" }
