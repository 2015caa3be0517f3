package procedure

import (
	"fmt"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Package-local identifiers. Roles and items live inside their procedure;
// their IDs are unique in the store all the same (drawn from the service's
// IDGenerator with the prefixes "role" and "item").
type (
	RoleID string // a role of a procedure: the main recipient or a contributor role (PROC-2)
	ItemID string // a document item of a procedure (PROC-3)
)

// Plan is an office's subscription plan (PROC-1). The zero value is invalid.
type Plan uint8

// Plans.
const (
	PlanInvalid  Plan = iota
	PlanStandard      // "standard": contributor roles only with boosters or during the trial
	PlanPlatinum      // "platinum": contributor roles included
)

var planNames = [...]string{"invalid", "standard", "platinum"}

// String returns "standard", "platinum" or "invalid".
func (p Plan) String() string {
	if int(p) < len(planNames) {
		return planNames[p]
	}
	return fmt.Sprintf("Plan(%d)", uint8(p))
}

// Valid reports whether p is PlanStandard or PlanPlatinum.
func (p Plan) Valid() bool { return p == PlanStandard || p == PlanPlatinum }

// ParsePlan returns the plan named s, or an *cabinet.InvalidError for field
// "plan".
func ParsePlan(s string) (Plan, error) {
	for i, n := range planNames[1:] {
		if s == n {
			return Plan(i + 1), nil
		}
	}
	return PlanInvalid, cabinet.Invalid("plan", "%q is not standard or platinum", s)
}

// Permission is what a recipient or contributor may do on an item of their
// role (PROC-4). The zero value is invalid.
type Permission uint8

// Permissions.
const (
	PermissionInvalid Permission = iota
	PermView                     // "view": see the item and what was uploaded to it
	PermUpload                   // "upload": add a document to the item
	PermComment                  // "comment": comment on the item
	PermSubmit                   // "submit": submit the item as complete
)

var permissionNames = [...]string{"invalid", "view", "upload", "comment", "submit"}

// String returns "view", "upload", "comment", "submit" or "invalid".
func (p Permission) String() string {
	if int(p) < len(permissionNames) {
		return permissionNames[p]
	}
	return fmt.Sprintf("Permission(%d)", uint8(p))
}

// Valid reports whether p is one of the four permissions.
func (p Permission) Valid() bool { return p >= PermView && p <= PermSubmit }

// ParsePermission returns the permission named s, or an
// *cabinet.InvalidError for field "permission".
func ParsePermission(s string) (Permission, error) {
	for i, n := range permissionNames[1:] {
		if s == n {
			return Permission(i + 1), nil
		}
	}
	return PermissionInvalid, cabinet.Invalid("permission", "%q is not view, upload, comment or submit", s)
}

// Permissions is a set of Permission, one bit each. The zero value is the
// empty set.
type Permissions uint8

// AllPermissions holds view, upload, comment and submit: the default of the
// main recipient role.
const AllPermissions = Permissions(1<<PermView | 1<<PermUpload | 1<<PermComment | 1<<PermSubmit)

// PermissionsOf returns the set holding ps. Invalid permissions are ignored.
func PermissionsOf(ps ...Permission) Permissions {
	var s Permissions
	for _, p := range ps {
		if p.Valid() {
			s |= 1 << p
		}
	}
	return s
}

// Has reports whether p is in the set.
func (s Permissions) Has(p Permission) bool { return p.Valid() && s&(1<<p) != 0 }

// Valid reports whether the set is well formed: only the four permissions,
// and view whenever any other permission is present (a role cannot act on an
// item it cannot see).
func (s Permissions) Valid() bool {
	if s&^AllPermissions != 0 {
		return false
	}
	return s == 0 || s.Has(PermView)
}

// List returns the permissions of the set in enum order.
func (s Permissions) List() []Permission {
	var out []Permission
	for p := PermView; p <= PermSubmit; p++ {
		if s.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

// String returns the permissions joined by "+", e.g. "view+upload", or
// "none".
func (s Permissions) String() string {
	if s == 0 {
		return "none"
	}
	var names []string
	for _, p := range s.List() {
		names = append(names, p.String())
	}
	if s&^AllPermissions != 0 {
		names = append(names, fmt.Sprintf("0x%x", uint8(s&^AllPermissions)))
	}
	return strings.Join(names, "+")
}

// TrialDuration is the length of the one free trial of the contributors
// option (PROC-1).
const TrialDuration = 7 * 24 * time.Hour

// OfficePlan is an office's plan state (PROC-1). An office without a stored
// OfficePlan is on PlanStandard with no boosters and no trial.
type OfficePlan struct {
	Office cabinet.OfficeID
	Plan   Plan
	// BoostersFrom and BoostersUntil bound the boosters add-on's active
	// period [From, Until); both zero when the office has no boosters.
	BoostersFrom  time.Time
	BoostersUntil time.Time
	// TrialStartedAt is when the office started its one free trial; zero when
	// it never did. The trial covers [TrialStartedAt, TrialStartedAt+7 days).
	TrialStartedAt time.Time
	TrialStartedBy cabinet.UserID
}

// TrialEndsAt returns the first instant outside the trial, or the zero time
// if no trial was started.
func (p OfficePlan) TrialEndsAt() time.Time {
	if p.TrialStartedAt.IsZero() {
		return time.Time{}
	}
	return p.TrialStartedAt.Add(TrialDuration)
}

// Role is a role of a procedure (PROC-2): the main recipient role (Main) or a
// named contributor role, with its permission set (PROC-4).
type Role struct {
	ID          RoleID
	Name        string
	Main        bool
	Permissions Permissions
}

// Item is a document item of a procedure, assigned to exactly one role
// (PROC-3).
type Item struct {
	ID   ItemID
	Name string
	Role RoleID
}

// Procedure is a document-collection workflow of an office. Roles[0] is the
// main recipient role; the other roles are contributor roles in creation
// order. Items are in creation order.
type Procedure struct {
	ID     cabinet.ProcedureID
	Office cabinet.OfficeID
	Name   string
	Roles  []Role
	Items  []Item
	// Automation is true when a notification automation is configured: every
	// contributor invited then gets the invitation email (PROC-6).
	Automation bool
	CreatedBy  cabinet.UserID
	CreatedAt  time.Time
}

// MainRole returns the main recipient role.
func (p Procedure) MainRole() Role {
	for _, r := range p.Roles {
		if r.Main {
			return r
		}
	}
	return Role{}
}

// Role returns the role with the given ID and whether it exists.
func (p Procedure) Role(id RoleID) (Role, bool) {
	for _, r := range p.Roles {
		if r.ID == id {
			return r, true
		}
	}
	return Role{}, false
}

// Item returns the item with the given ID and whether it exists.
func (p Procedure) Item(id ItemID) (Item, bool) {
	for _, it := range p.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Participant is a seat on a case: the main recipient or one contributor.
// A participant is identified by email, and by User once they have an
// account (linked when the case is opened or the contributor invited if the
// account exists already, else by AccountCreated). Name and Phone are the
// contact details the inviter gave, or those of the office's contact the
// seat was filled from (Contact).
type Participant struct {
	Role       RoleID
	Email      string
	Name       string            // "" when not given
	Phone      string            // E.164; "" when not given
	Contact    cabinet.ContactID // the office's contact the details came from; "" when typed in
	User       cabinet.UserID    // "" until the person has an account
	AddedBy    cabinet.UserID
	AddedAt    time.Time
	Invited    bool      // the invitation email was due (PROC-6); false when added silently
	NotifiedAt time.Time // when the invitation was due (AddedAt); zero when added silently
	LinkedAt   time.Time
}

// Invitee is who a seat is given to (PROC-5, issue 12 seed 004): either an
// existing contact of the office (Contact, whose name, email and phone are
// copied), or contact details typed in — an email (required), a name and a
// phone (optional). The two ways are exclusive.
type Invitee struct {
	Contact cabinet.ContactID
	Name    string
	Email   string
	Phone   string
}

// ValidateInvitee checks in and returns it normalised: the name by
// cabinet.ParseName, the email by cabinet.ParseEmail, the phone by
// cabinet.ParsePhone. Any caller may use it. Errors are
// *cabinet.InvalidError naming prefix+"contact" (a contact together with
// typed-in details), prefix+"email", prefix+"name" or prefix+"phone"; the
// service's prefix is "" for a contributor, "recipient_" for the main
// recipient. It never panics.
func ValidateInvitee(prefix string, in Invitee) (Invitee, error) {
	if in.Contact != "" {
		if strings.TrimSpace(in.Name+in.Email+in.Phone) != "" {
			return Invitee{}, cabinet.Invalid(prefix+"contact", "give an existing contact or contact details, not both")
		}
		return Invitee{Contact: in.Contact}, nil
	}
	var out Invitee
	var err error
	if out.Email, err = cabinet.ParseEmail(prefix+"email", in.Email); err != nil {
		return Invitee{}, err
	}
	if strings.TrimSpace(in.Name) != "" {
		if out.Name, err = cabinet.ParseName(prefix+"name", in.Name); err != nil {
			return Invitee{}, err
		}
	}
	if strings.TrimSpace(in.Phone) != "" {
		if out.Phone, err = cabinet.ParsePhone(prefix+"phone", in.Phone); err != nil {
			return Invitee{}, err
		}
	}
	return out, nil
}

// Document is a file uploaded to an item of a case.
type Document struct {
	Name string
	By   cabinet.UserID
	At   time.Time
}

// Comment is a comment on an item of a case.
type Comment struct {
	Text string
	By   cabinet.UserID
	At   time.Time
}

// Verdict is the outcome of a staff review of a submitted item (PROC-7).
// The zero value is invalid.
type Verdict uint8

// Verdicts.
const (
	VerdictInvalid  Verdict = iota
	VerdictAccepted         // "accepted": the item is complete; nothing more is uploaded
	VerdictRejected         // "rejected": the item is reopened for the participant to upload and submit again
)

var verdictNames = [...]string{"invalid", "accepted", "rejected"}

// String returns "accepted", "rejected" or "invalid".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// Valid reports whether v is VerdictAccepted or VerdictRejected.
func (v Verdict) Valid() bool { return v == VerdictAccepted || v == VerdictRejected }

// ParseVerdict returns the verdict named s, or an *cabinet.InvalidError for
// field "verdict".
func ParseVerdict(s string) (Verdict, error) {
	for i, n := range verdictNames[1:] {
		if s == n {
			return Verdict(i + 1), nil
		}
	}
	return VerdictInvalid, cabinet.Invalid("verdict", "%q is not accepted or rejected", s)
}

// Review is a staff member's review of a submitted item (PROC-7), with an
// optional comment (cabinet.ParseText).
type Review struct {
	Verdict Verdict
	Comment string // "" when none
	By      cabinet.UserID
	At      time.Time
}

// ItemState is what happened on one item of a case. In a participant's
// view (ParticipantView, Service.CaseItem) every By that is not the
// viewer is "" (PROC-3 v2: no other participant's identity).
type ItemState struct {
	Item        ItemID
	Documents   []Document
	Comments    []Comment
	SubmittedBy cabinet.UserID // "" until submitted (and in a view, when someone else submitted)
	SubmittedAt time.Time      // zero until submitted
	Reviews     []Review       // staff reviews, oldest first
}

// Submitted reports whether the item is submitted (and not reopened by a
// rejection since).
func (s ItemState) Submitted() bool { return !s.SubmittedAt.IsZero() }

// Accepted reports whether the last review accepted the item.
func (s ItemState) Accepted() bool {
	return len(s.Reviews) > 0 && s.Reviews[len(s.Reviews)-1].Verdict == VerdictAccepted
}

// Case is a running instance of a procedure for one main recipient,
// optionally attached to a dossier of the same office (PROC-5).
// Contributors holds at most one participant per contributor role, ordered
// by role ID. Items holds the state of the items something happened on,
// ordered by item ID.
type Case struct {
	ID           cabinet.CaseID
	Office       cabinet.OfficeID
	Procedure    cabinet.ProcedureID
	Dossier      cabinet.DossierID // "" when unattached
	OpenedBy     cabinet.UserID
	OpenedAt     time.Time
	Recipient    Participant
	Contributors []Participant
	Items        []ItemState
}

// Seats returns the case's participants: the main recipient first, then the
// contributors.
func (c Case) Seats() []Participant {
	out := make([]Participant, 0, 1+len(c.Contributors))
	out = append(out, c.Recipient)
	return append(out, c.Contributors...)
}

// Contributor returns the contributor seated in role and whether there is one.
func (c Case) Contributor(role RoleID) (Participant, bool) {
	for _, p := range c.Contributors {
		if p.Role == role {
			return p, true
		}
	}
	return Participant{}, false
}

// ItemState returns the state of item on the case (the zero state, with
// Item set, when nothing happened on it yet).
func (c Case) ItemState(item ItemID) ItemState {
	for _, s := range c.Items {
		if s.Item == item {
			return s
		}
	}
	return ItemState{Item: item}
}

// Seat is one participation of a user: which case, which role. The Reader
// returns a user's seats so that policy can index contributor routes.
type Seat struct {
	Case      cabinet.CaseID
	Procedure cabinet.ProcedureID
	Office    cabinet.OfficeID
	Dossier   cabinet.DossierID
	Role      RoleID
	Main      bool
	User      cabinet.UserID
	Email     string
}

// ParticipantView is what a participant of a case reads of it (PROC-3 v2):
// their own seat and role, and the items of their role — if the role has
// view — with what happened on them. It holds no other participant's seat,
// email, name, phone or account, and no other role's item: every By of the
// item states that is not the viewer is "". Build it with ViewFor.
type ParticipantView struct {
	Case          cabinet.CaseID
	Office        cabinet.OfficeID
	Procedure     cabinet.ProcedureID
	ProcedureName string
	OpenedAt      time.Time
	Main          bool        // the viewer is the main recipient
	Role          Role        // the viewer's role, with its permissions
	Seat          Participant // the viewer's own seat
	Items         []ItemView  // the viewer's items, in procedure order
}

// ItemView is an item of a case with its state.
type ItemView struct {
	Item  Item
	State ItemState
}

// SeatState is one seat of a case as staff see it (issue 12, seed 004):
// which role, whether it is filled, by whom, and whether and when the
// invitation was due.
type SeatState struct {
	Role        Role
	Filled      bool
	Participant Participant // the zero Participant when not filled
}
