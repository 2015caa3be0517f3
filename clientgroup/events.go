package clientgroup

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// Events recorded by Service with each committed command (the store's
// change log holds them; the host receives them through cabinet.Delivery).
// Each names every record it touched and carries the new values, so that a
// read model can apply it without reading the store. When a command cascades (removing a
// collaborator, deleting a group), the events of the cascaded changes come
// first, then the event of the command itself, in one batch.

// OfficeCreated: an office was created; Admin is its first admin.
type OfficeCreated struct {
	Office cabinet.OfficeID
	Name   string
	Email  string
	Admin  cabinet.UserID
}

// OfficeUpdated: an office's name or general email changed.
type OfficeUpdated struct {
	Office cabinet.OfficeID
	Name   string
	Email  string
}

// CollaboratorAdded: a user became a collaborator of an office.
type CollaboratorAdded struct {
	Office  cabinet.OfficeID
	User    cabinet.UserID
	Profile cabinet.Profile
}

// CollaboratorProfileChanged: a collaborator's profile changed.
type CollaboratorProfileChanged struct {
	Office   cabinet.OfficeID
	User     cabinet.UserID
	From, To cabinet.Profile
}

// CollaboratorRemoved: a user stopped being a collaborator of an office. The
// memberships and assignments removed with them (GRP-11) are published as
// CollaboratorGroupMemberRemoved and CollaboratorUnassigned events before it.
type CollaboratorRemoved struct {
	Office  cabinet.OfficeID
	User    cabinet.UserID
	Profile cabinet.Profile // the profile they had
}

// CollaboratorGroupCreated: a collaborator group was created.
type CollaboratorGroupCreated struct {
	Office cabinet.OfficeID
	Group  cabinet.CollaboratorGroupID
	Name   string
}

// CollaboratorGroupRenamed: a collaborator group was renamed.
type CollaboratorGroupRenamed struct {
	Office cabinet.OfficeID
	Group  cabinet.CollaboratorGroupID
	Name   string
}

// CollaboratorGroupDeleted: a collaborator group was deleted (its members and
// assignments are removed by the events published before it).
type CollaboratorGroupDeleted struct {
	Office cabinet.OfficeID
	Group  cabinet.CollaboratorGroupID
}

// CollaboratorGroupMemberAdded: a collaborator joined a collaborator group.
type CollaboratorGroupMemberAdded struct {
	Office cabinet.OfficeID
	Group  cabinet.CollaboratorGroupID
	User   cabinet.UserID
}

// CollaboratorGroupMemberRemoved: a collaborator left a collaborator group.
type CollaboratorGroupMemberRemoved struct {
	Office cabinet.OfficeID
	Group  cabinet.CollaboratorGroupID
	User   cabinet.UserID
}

// ClientGroupCreated: a client group was created.
type ClientGroupCreated struct {
	Office cabinet.OfficeID
	Group  cabinet.ClientGroupID
	Name   string
	Email  string
}

// ClientGroupRenamed: a client group was renamed.
type ClientGroupRenamed struct {
	Office cabinet.OfficeID
	Group  cabinet.ClientGroupID
	Name   string
}

// ClientGroupEmailChanged: a client group's email was set or cleared ("").
type ClientGroupEmailChanged struct {
	Office cabinet.OfficeID
	Group  cabinet.ClientGroupID
	Email  string
}

// ClientGroupDeleted: a client group was deleted (its dossiers were taken out
// and its assignments removed by the events published before it).
type ClientGroupDeleted struct {
	Office cabinet.OfficeID
	Group  cabinet.ClientGroupID
}

// DossierMoved: a dossier changed client group (GRP-4). From is "" when it
// was in no group, To is "" when it was taken out. MoveDossiers publishes
// one per dossier moved, in one batch; access.Service.Activate publishes
// one with the activation when it names a group (GRP-5 v2).
type DossierMoved struct {
	Office  cabinet.OfficeID
	Dossier cabinet.DossierID
	From    cabinet.ClientGroupID
	To      cabinet.ClientGroupID
}

// CollaboratorAssigned: a collaborator was assigned directly to a client group.
type CollaboratorAssigned struct {
	Office      cabinet.OfficeID
	ClientGroup cabinet.ClientGroupID
	User        cabinet.UserID
	ExpiresAt   time.Time // the assignment's expiry, zero for none (issue 16)
}

// AssignmentExpiryChanged: an existing direct assignment was assigned
// again with another expiry, From to To (the zero time: none), by
// Service.AssignCollaboratorUntil (issue 16).
type AssignmentExpiryChanged struct {
	Office      cabinet.OfficeID
	ClientGroup cabinet.ClientGroupID
	User        cabinet.UserID
	From, To    time.Time
}

// AssignmentExpiring: a direct assignment expires at ExpiresAt, within the
// window package due lists it in (issue 16). Not recorded by a command:
// package due returns it for the host to act on.
type AssignmentExpiring struct {
	Office      cabinet.OfficeID
	ClientGroup cabinet.ClientGroupID
	User        cabinet.UserID
	ExpiresAt   time.Time
}

// AssignmentExpired: a direct assignment expired at ExpiresAt and is still
// stored (issue 16): the direct route closed at that instant, with no
// command. Not recorded by a command: package due returns it until the
// assignment is removed or assigned again.
type AssignmentExpired struct {
	Office      cabinet.OfficeID
	ClientGroup cabinet.ClientGroupID
	User        cabinet.UserID
	ExpiresAt   time.Time
}

// CollaboratorUnassigned: a collaborator's direct assignment to a client
// group was removed.
type CollaboratorUnassigned struct {
	Office      cabinet.OfficeID
	ClientGroup cabinet.ClientGroupID
	User        cabinet.UserID
}

// CollaboratorGroupAssigned: a collaborator group was assigned to a client group.
type CollaboratorGroupAssigned struct {
	Office            cabinet.OfficeID
	ClientGroup       cabinet.ClientGroupID
	CollaboratorGroup cabinet.CollaboratorGroupID
}

// CollaboratorGroupUnassigned: a collaborator group was removed from a client group.
type CollaboratorGroupUnassigned struct {
	Office            cabinet.OfficeID
	ClientGroup       cabinet.ClientGroupID
	CollaboratorGroup cabinet.CollaboratorGroupID
}

// EventTypes returns the zero value of every event type the package
// publishes, in declaration order: a host or a test can list the names
// (each is "clientgroup." + the type's name in snake_case). The batch of
// RemoveCollaborator also carries access events (access.DossierManagerSet,
// access.DossierAssignedChanged, GRP-11), which access.EventTypes lists.
func EventTypes() []cabinet.Event {
	return []cabinet.Event{
		OfficeCreated{}, OfficeUpdated{}, CollaboratorAdded{}, CollaboratorProfileChanged{}, CollaboratorRemoved{},
		CollaboratorGroupCreated{}, CollaboratorGroupRenamed{}, CollaboratorGroupDeleted{},
		CollaboratorGroupMemberAdded{}, CollaboratorGroupMemberRemoved{},
		ClientGroupCreated{}, ClientGroupRenamed{}, ClientGroupEmailChanged{}, ClientGroupDeleted{},
		DossierMoved{}, CollaboratorAssigned{}, CollaboratorUnassigned{},
		CollaboratorGroupAssigned{}, CollaboratorGroupUnassigned{},
		AssignmentExpiryChanged{}, AssignmentExpiring{}, AssignmentExpired{},
	}
}

// EventName implements cabinet.Event.
func (OfficeCreated) EventName() string { return "clientgroup.office_created" }

// EventName implements cabinet.Event.
func (OfficeUpdated) EventName() string { return "clientgroup.office_updated" }

// EventName implements cabinet.Event.
func (CollaboratorAdded) EventName() string { return "clientgroup.collaborator_added" }

// EventName implements cabinet.Event.
func (CollaboratorProfileChanged) EventName() string {
	return "clientgroup.collaborator_profile_changed"
}

// EventName implements cabinet.Event.
func (CollaboratorRemoved) EventName() string { return "clientgroup.collaborator_removed" }

// EventName implements cabinet.Event.
func (CollaboratorGroupCreated) EventName() string { return "clientgroup.collaborator_group_created" }

// EventName implements cabinet.Event.
func (CollaboratorGroupRenamed) EventName() string { return "clientgroup.collaborator_group_renamed" }

// EventName implements cabinet.Event.
func (CollaboratorGroupDeleted) EventName() string { return "clientgroup.collaborator_group_deleted" }

// EventName implements cabinet.Event.
func (CollaboratorGroupMemberAdded) EventName() string {
	return "clientgroup.collaborator_group_member_added"
}

// EventName implements cabinet.Event.
func (CollaboratorGroupMemberRemoved) EventName() string {
	return "clientgroup.collaborator_group_member_removed"
}

// EventName implements cabinet.Event.
func (ClientGroupCreated) EventName() string { return "clientgroup.client_group_created" }

// EventName implements cabinet.Event.
func (ClientGroupRenamed) EventName() string { return "clientgroup.client_group_renamed" }

// EventName implements cabinet.Event.
func (ClientGroupEmailChanged) EventName() string { return "clientgroup.client_group_email_changed" }

// EventName implements cabinet.Event.
func (ClientGroupDeleted) EventName() string { return "clientgroup.client_group_deleted" }

// EventName implements cabinet.Event.
func (DossierMoved) EventName() string { return "clientgroup.dossier_moved" }

// EventName implements cabinet.Event.
func (CollaboratorAssigned) EventName() string { return "clientgroup.collaborator_assigned" }

// EventName implements cabinet.Event.
func (AssignmentExpiryChanged) EventName() string { return "clientgroup.assignment_expiry_changed" }

// EventName implements cabinet.Event.
func (AssignmentExpiring) EventName() string { return "clientgroup.assignment_expiring" }

// EventName implements cabinet.Event.
func (AssignmentExpired) EventName() string { return "clientgroup.assignment_expired" }

// EventName implements cabinet.Event.
func (CollaboratorUnassigned) EventName() string { return "clientgroup.collaborator_unassigned" }

// EventName implements cabinet.Event.
func (CollaboratorGroupAssigned) EventName() string {
	return "clientgroup.collaborator_group_assigned"
}

// EventName implements cabinet.Event.
func (CollaboratorGroupUnassigned) EventName() string {
	return "clientgroup.collaborator_group_unassigned"
}
