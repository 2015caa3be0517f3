package procedure

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// Events. Each names every record it touches and carries the new values, so
// that a read model can apply it without reading the store.

// PlanChanged: the host's billing changed an office's plan or boosters
// add-on (SetPlan, SetBoosters; the batch names the cabinet.Host).
type PlanChanged struct {
	Office        cabinet.OfficeID
	Plan          Plan
	BoostersFrom  time.Time
	BoostersUntil time.Time
}

// TrialStarted: an office admin started the office's one free trial (PROC-1).
type TrialStarted struct {
	Office    cabinet.OfficeID
	StartedBy cabinet.UserID
	StartedAt time.Time
	EndsAt    time.Time // first instant outside the trial
}

// ProcedureCreated: a procedure was created with its main recipient role.
type ProcedureCreated struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Name      string
	MainRole  Role
}

// RoleAdded: a contributor role was added (PROC-2).
type RoleAdded struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Role      Role
}

// RoleRenamed: a role was renamed.
type RoleRenamed struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Role      RoleID
	OldName   string
	Name      string
}

// RoleRemoved: a contributor role without items nor seated contributors was
// removed.
type RoleRemoved struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Role      RoleID
	Name      string
}

// RolePermissionsChanged: a role's permission set changed (PROC-4).
type RolePermissionsChanged struct {
	Office      cabinet.OfficeID
	Procedure   cabinet.ProcedureID
	Role        RoleID
	Old         Permissions
	Permissions Permissions
}

// ItemAdded: a document item was added to a procedure (PROC-3).
type ItemAdded struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Item      Item
}

// ItemReassigned: an item moved to another role; from now on only that
// role's participants see it (PROC-3).
type ItemReassigned struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Item      ItemID
	From      RoleID
	To        RoleID
}

// AutomationSet: the procedure's notification automation was configured
// (Enabled) or removed (PROC-6).
type AutomationSet struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Enabled   bool
}

// CaseOpened: a case was opened for a main recipient (PROC-5).
type CaseOpened struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Case      cabinet.CaseID
	Dossier   cabinet.DossierID // "" when unattached
	OpenedBy  cabinet.UserID
	Recipient Participant
}

// ContributorInvited: a contributor was seated and the host must send the
// invitation email (PROC-6): the procedure has a notification automation
// (ByAutomation) or the inviter ticked "notify recipient" (NotifyTicked).
type ContributorInvited struct {
	Office       cabinet.OfficeID
	Procedure    cabinet.ProcedureID
	Case         cabinet.CaseID
	Dossier      cabinet.DossierID
	Contributor  Participant
	ByAutomation bool
	NotifyTicked bool
}

// ContributorAddedSilently: a contributor was seated and no invitation is
// sent (PROC-6).
type ContributorAddedSilently struct {
	Office      cabinet.OfficeID
	Procedure   cabinet.ProcedureID
	Case        cabinet.CaseID
	Dossier     cabinet.DossierID
	Contributor Participant
}

// ContributorRemoved: a contributor's seat was emptied.
type ContributorRemoved struct {
	Office      cabinet.OfficeID
	Procedure   cabinet.ProcedureID
	Case        cabinet.CaseID
	Dossier     cabinet.DossierID
	Contributor Participant
}

// ContributorReplaced: a contributor's seat was given to someone else.
// InvitationSent tells whether the host must send the new contributor the
// invitation email (PROC-6).
type ContributorReplaced struct {
	Office         cabinet.OfficeID
	Procedure      cabinet.ProcedureID
	Case           cabinet.CaseID
	Dossier        cabinet.DossierID
	Old            Participant
	New            Participant
	InvitationSent bool
}

// ItemUploaded: a participant uploaded a document to an item.
type ItemUploaded struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Case      cabinet.CaseID
	Dossier   cabinet.DossierID
	Item      ItemID
	Role      RoleID
	Document  Document
}

// ItemCommented: a participant commented on an item.
type ItemCommented struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Case      cabinet.CaseID
	Dossier   cabinet.DossierID
	Item      ItemID
	Role      RoleID
	Comment   Comment
}

// ItemSubmitted: a participant submitted an item as complete.
type ItemSubmitted struct {
	Office      cabinet.OfficeID
	Procedure   cabinet.ProcedureID
	Case        cabinet.CaseID
	Dossier     cabinet.DossierID
	Item        ItemID
	Role        RoleID
	SubmittedBy cabinet.UserID
	SubmittedAt time.Time
}

// ItemReviewed: staff who reach the case reviewed a submitted item (PROC-7
// v2). A rejection reopened it (Reopened): the participant may upload and
// submit again.
type ItemReviewed struct {
	Office      cabinet.OfficeID
	Procedure   cabinet.ProcedureID
	Case        cabinet.CaseID
	Dossier     cabinet.DossierID
	Item        ItemID
	Role        RoleID
	Verdict     Verdict
	Comment     string
	ReviewedBy  cabinet.UserID
	ReviewedAt  time.Time
	SubmittedBy cabinet.UserID // who had submitted the item
	Reopened    bool
}

// ParticipantLinked: a seat held by email is now held by an account.
type ParticipantLinked struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Case      cabinet.CaseID
	Dossier   cabinet.DossierID
	Role      RoleID
	Main      bool
	Email     string
	User      cabinet.UserID
}

// TrialEnding: the office's free trial of the contributors option ends at
// EndsAt, within the window the host asked package due about, and neither
// the platinum plan nor the boosters add-on will cover that instant
// (PROC-1). No command publishes it: it is the event of a due.Obligation.
type TrialEnding struct {
	Office    cabinet.OfficeID
	StartedAt time.Time
	EndsAt    time.Time // first instant outside the trial
}

// TrialEnded: the office's free trial ended at EndedAt and the office has
// the contributors option neither by plan nor by boosters (PROC-1):
// configuring roles and inviting contributors is refused; existing
// contributors keep what they had. No command publishes it: it is the
// event of a due.Obligation, reported until the office gets the option.
type TrialEnded struct {
	Office    cabinet.OfficeID
	StartedAt time.Time
	EndedAt   time.Time
}

// ContributorUnanswered: Contributor was sent the invitation to the case
// (PROC-6, Contributor.NotifiedAt) and has not answered by DueAt: no
// document, comment or submission on the case since then is by their
// account (PROC-5).
// No command publishes it: it is the event of a due.Obligation; the host
// may remind them.
type ContributorUnanswered struct {
	Office      cabinet.OfficeID
	Procedure   cabinet.ProcedureID
	Case        cabinet.CaseID
	Dossier     cabinet.DossierID
	Contributor Participant
	DueAt       time.Time
}

// EventName implements cabinet.Event.
func (PlanChanged) EventName() string { return "procedure.plan_changed" }

// EventName implements cabinet.Event.
func (TrialStarted) EventName() string { return "procedure.trial_started" }

// EventName implements cabinet.Event.
func (ProcedureCreated) EventName() string { return "procedure.procedure_created" }

// EventName implements cabinet.Event.
func (RoleAdded) EventName() string { return "procedure.role_added" }

// EventName implements cabinet.Event.
func (RoleRenamed) EventName() string { return "procedure.role_renamed" }

// EventName implements cabinet.Event.
func (RoleRemoved) EventName() string { return "procedure.role_removed" }

// EventName implements cabinet.Event.
func (RolePermissionsChanged) EventName() string { return "procedure.role_permissions_changed" }

// EventName implements cabinet.Event.
func (ItemAdded) EventName() string { return "procedure.item_added" }

// EventName implements cabinet.Event.
func (ItemReassigned) EventName() string { return "procedure.item_reassigned" }

// EventName implements cabinet.Event.
func (AutomationSet) EventName() string { return "procedure.automation_set" }

// EventName implements cabinet.Event.
func (CaseOpened) EventName() string { return "procedure.case_opened" }

// EventName implements cabinet.Event.
func (ContributorInvited) EventName() string { return "procedure.contributor_invited" }

// EventName implements cabinet.Event.
func (ContributorAddedSilently) EventName() string { return "procedure.contributor_added_silently" }

// EventName implements cabinet.Event.
func (ContributorRemoved) EventName() string { return "procedure.contributor_removed" }

// EventName implements cabinet.Event.
func (ContributorReplaced) EventName() string { return "procedure.contributor_replaced" }

// EventName implements cabinet.Event.
func (ItemUploaded) EventName() string { return "procedure.item_uploaded" }

// EventName implements cabinet.Event.
func (ItemCommented) EventName() string { return "procedure.item_commented" }

// EventName implements cabinet.Event.
func (ItemSubmitted) EventName() string { return "procedure.item_submitted" }

// EventName implements cabinet.Event.
func (ItemReviewed) EventName() string { return "procedure.item_reviewed" }

// EventName implements cabinet.Event.
func (ParticipantLinked) EventName() string { return "procedure.participant_linked" }

// EventName implements cabinet.Event.
func (TrialEnding) EventName() string { return "procedure.trial_ending" }

// EventName implements cabinet.Event.
func (TrialEnded) EventName() string { return "procedure.trial_ended" }

// EventName implements cabinet.Event.
func (ContributorUnanswered) EventName() string { return "procedure.contributor_unanswered" }

// EventTypes returns the zero value of every event type of the package, in
// declaration order: hosts use it to register decoders, tests to check that
// every EventName is "procedure." + the snake_case type name. It holds the
// events the package's commands publish and the three that package due
// reports (TrialEnding, TrialEnded, ContributorUnanswered).
func EventTypes() []cabinet.Event {
	return []cabinet.Event{
		PlanChanged{}, TrialStarted{}, ProcedureCreated{}, RoleAdded{}, RoleRenamed{}, RoleRemoved{},
		RolePermissionsChanged{}, ItemAdded{}, ItemReassigned{}, AutomationSet{}, CaseOpened{},
		ContributorInvited{}, ContributorAddedSilently{}, ContributorRemoved{}, ContributorReplaced{},
		ItemUploaded{}, ItemCommented{}, ItemSubmitted{}, ItemReviewed{}, ParticipantLinked{},
		TrialEnding{}, TrialEnded{}, ContributorUnanswered{},
	}
}
