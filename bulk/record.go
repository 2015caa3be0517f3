package bulk

import (
	"fmt"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/team"
)

// Kind is the kind of a Record. The zero value is invalid.
type Kind uint8

// Record kinds, in the order Export writes them (see the package doc).
const (
	KindInvalid           Kind = iota
	KindUser                   // "user": an account and its personal team (TEAM-6)
	KindOffice                 // "office": an office and its first admin
	KindCollaborator           // "collaborator": a user's profile in an office
	KindCollaboratorGroup      // "collaborator_group"
	KindMember                 // "member": a collaborator in a collaborator group
	KindClientGroup            // "client_group"
	KindDirectAssignment       // "direct_assignment": a collaborator assigned to a client group
	KindGroupAssignment        // "group_assignment": a collaborator group assigned to a client group
	KindDossier                // "dossier": with its manager, assigned collaborators and client group
	KindPerson                 // "person": a person of a dossier's family tree
	KindAdvisor                // "advisor": an external advisor registered in a dossier
	KindGrant                  // "grant": a person's or an advisor's access to a dossier
	KindConsent                // "consent": a dossier's consent switch (TEAM-9)
	KindTeam                   // "team": an advisor team (not a personal team)
	KindReferral               // "referral"
	KindCompany                // "company": a company of partner contacts
	KindContact                // "contact"

	kindEnd
)

var kindNames = [...]string{
	"invalid", "user", "office", "collaborator", "collaborator_group", "member", "client_group",
	"direct_assignment", "group_assignment", "dossier", "person", "advisor", "grant", "consent",
	"team", "referral", "company", "contact",
}

// String returns the kind's name, e.g. "client_group".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k > KindInvalid && k < kindEnd }

// ParseKind returns the kind named s, or an *cabinet.InvalidError naming
// "kind".
func ParseKind(s string) (Kind, error) {
	if i := slices.Index(kindNames[1:], s); i >= 0 {
		return Kind(i + 1), nil
	}
	return KindInvalid, cabinet.Invalid("kind", "%q is not a record kind", s)
}

// Record is one record of an import or export stream: a User, Office,
// Collaborator, CollaboratorGroup, Member, ClientGroup, DirectAssignment,
// GroupAssignment, Dossier, Person, Advisor, Grant, Consent, Team,
// Referral, Company or Contact value. The set is closed: no other type
// implements Record.
type Record interface {
	// RecordKind returns the record's kind.
	RecordKind() Kind
	// Key returns the record's identity as errors show it: its ID, or the
	// IDs of its parts ("office/user" for a collaborator).
	Key() string

	// prepare validates what the record holds by itself and returns it
	// normalised, with the IDs it lacks drawn from im's generator; it runs
	// before the batch's transaction (so that a re-run draws nothing).
	prepare(im *Importer) (Record, error)
	// apply checks the record against the state seen in the batch's
	// transaction and writes it, adding its events to a.
	apply(a *applier) error
}

// User is an account with its personal team (TEAM-6), as
// team.Service.CreateUser creates it.
type User struct {
	ID          cabinet.UserID `json:"id"`
	DisplayName string         `json:"display_name"`
	Email       string         `json:"email"`
	CreatedAt   time.Time      `json:"created_at,omitzero"` // zero: the import's clock
	// PersonalTeam is the ID of the user's personal team; "" draws one.
	PersonalTeam cabinet.TeamID `json:"personal_team,omitempty"`
	// FirstTeam is the first non-personal team that received the personal
	// team's referrals (TEAM-7), "" if none yet. An imported Team sets it
	// for its members who have none.
	FirstTeam cabinet.TeamID `json:"first_team,omitempty"`
}

// Office is an office with the admin it is created with: an office always
// has an admin (clientgroup: the last admin cannot be removed), so the
// first one comes with it, as with clientgroup.Service.CreateOffice.
type Office struct {
	ID    cabinet.OfficeID `json:"id"`
	Name  string           `json:"name"`
	Email string           `json:"email"` // the office's general address (GRP-7)
	// Admin is an existing user who becomes a collaborator of the office
	// with the admin profile.
	Admin      cabinet.UserID `json:"admin"`
	AdminSince time.Time      `json:"admin_since,omitzero"` // zero: CreatedAt
	CreatedBy  cabinet.UserID `json:"created_by,omitempty"` // "": Admin; kept as history
	CreatedAt  time.Time      `json:"created_at,omitzero"`  // zero: the import's clock
}

// Collaborator is a user's profile in an office (GRP-3).
type Collaborator struct {
	Office  cabinet.OfficeID `json:"office"`
	User    cabinet.UserID   `json:"user"`
	Profile cabinet.Profile  `json:"profile"`
	AddedAt time.Time        `json:"added_at,omitzero"` // zero: the import's clock
}

// CollaboratorGroup is a named set of collaborators of an office.
type CollaboratorGroup struct {
	ID        cabinet.CollaboratorGroupID `json:"id"`
	Office    cabinet.OfficeID            `json:"office"`
	Name      string                      `json:"name"`
	CreatedAt time.Time                   `json:"created_at,omitzero"`
}

// Member puts a collaborator of the group's office into a collaborator
// group.
type Member struct {
	Group cabinet.CollaboratorGroupID `json:"group"`
	User  cabinet.UserID              `json:"user"`
}

// ClientGroup is a client group of an office (GRP-1, GRP-6, GRP-7).
type ClientGroup struct {
	ID        cabinet.ClientGroupID `json:"id"`
	Office    cabinet.OfficeID      `json:"office"`
	Name      string                `json:"name"`
	Email     string                `json:"email,omitempty"` // optional (GRP-7)
	CreatedAt time.Time             `json:"created_at,omitzero"`
}

// DirectAssignment assigns a collaborator of the group's office directly to
// a client group (GRP-3 group_direct route), until ExpiresAt when set
// (issue 16). A past expiry is imported as it is — an assignment that has
// expired, as an export holds it — whereas
// clientgroup.Service.AssignCollaboratorUntil refuses one.
type DirectAssignment struct {
	ClientGroup cabinet.ClientGroupID `json:"client_group"`
	User        cabinet.UserID        `json:"user"`
	ExpiresAt   time.Time             `json:"expires_at,omitzero"`
}

// GroupAssignment assigns a collaborator group to a client group of the
// same office (GRP-1, GRP-3 collaborator_group route).
type GroupAssignment struct {
	ClientGroup       cabinet.ClientGroupID       `json:"client_group"`
	CollaboratorGroup cabinet.CollaboratorGroupID `json:"collaborator_group"`
}

// Dossier is a client dossier with its organisation: manager, assigned
// collaborators and client group (GRP-4: at most one, so it is a field).
type Dossier struct {
	ID       cabinet.DossierID     `json:"id"`
	Office   cabinet.OfficeID      `json:"office"`
	Name     string                `json:"name"`
	Status   cabinet.DossierStatus `json:"status"`
	Manager  cabinet.UserID        `json:"manager,omitempty"`  // a collaborator of the office, or ""
	Assigned []cabinet.UserID      `json:"assigned,omitempty"` // collaborators of the office
	// ClientGroup is the client group the dossier is in, "" for none.
	ClientGroup cabinet.ClientGroupID `json:"client_group,omitempty"`
	CreatedBy   cabinet.UserID        `json:"created_by,omitempty"` // "": Manager; kept as history
	CreatedAt   time.Time             `json:"created_at,omitzero"`
}

// Person is a person of a dossier's family tree (ACC-2).
type Person struct {
	ID        access.PersonID   `json:"id"`
	Dossier   cabinet.DossierID `json:"dossier"`
	Name      string            `json:"name"`
	Relation  access.Relation   `json:"relation"`
	CreatedAt time.Time         `json:"created_at,omitzero"`
}

// Advisor is an external advisor registered in a dossier (ACC-8).
type Advisor struct {
	ID        access.AdvisorID   `json:"id"`
	Dossier   cabinet.DossierID  `json:"dossier"`
	Name      string             `json:"name"`
	Email     string             `json:"email"`
	Phone     string             `json:"phone"`
	Type      access.AdvisorType `json:"type"`
	Label     string             `json:"label,omitempty"` // required for type other (ACC-8)
	CreatedAt time.Time          `json:"created_at,omitzero"`
}

// Grant is the access of one person of a family tree (Person set) or one
// registered external advisor (Advisor set) to the dossier they belong to.
// A person's grant carries its email and phone (ACC-3); an advisor's grant
// uses the advisor's registered ones (ACC-8), so Email and Phone stay
// empty. The grant is linked to the account whose email it is, if any, as
// at sign-up (ACC-5); a grant has no account field.
type Grant struct {
	ID      access.GrantID   `json:"id"`
	Person  access.PersonID  `json:"person,omitempty"`
	Advisor access.AdvisorID `json:"advisor,omitempty"`
	Email   string           `json:"email,omitempty"`
	Phone   string           `json:"phone,omitempty"`
	Level   access.Level     `json:"level"`
	// GrantedBy is who granted it, kept as history ("" when unknown).
	GrantedBy cabinet.UserID `json:"granted_by,omitempty"`
	GrantedAt time.Time      `json:"granted_at,omitzero"` // zero: the import's clock
	// InvitedAt and Reminders are the state of the invitation and its
	// reminders (ACC-5): an unlinked grant with InvitedAt set is reminded
	// 7 and 30 days after it (access.Service.SendDueReminders); zero
	// InvitedAt means never invited (see Importer.WithInvitations).
	InvitedAt time.Time `json:"invited_at,omitzero"`
	Reminders uint8     `json:"reminders,omitempty"` // 0, 1 or 2
	// ExpiresAt is when an advisor's grant expires (issue 16; zero: never).
	// A past expiry is imported as it is (a grant that has expired, as an
	// export holds it), whereas access.Service.GrantAdvisorUntil refuses
	// one; a person's grant has none.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Consent is a dossier's consent switch (TEAM-9). A dossier without one has
// consent given.
type Consent struct {
	Dossier   cabinet.DossierID `json:"dossier"`
	State     team.Consent      `json:"state"`
	ChangedBy cabinet.UserID    `json:"changed_by,omitempty"` // kept as history
	ChangedAt time.Time         `json:"changed_at,omitzero"`
}

// TeamMember is one membership of a Team.
type TeamMember struct {
	User     cabinet.UserID `json:"user"`
	Role     team.Role      `json:"role"`
	JoinedAt time.Time      `json:"joined_at,omitzero"` // zero: the team's CreatedAt
}

// Team is an advisor team — never a personal team, which comes with its
// User (TEAM-6). An accepted team has its lead among its admins (TEAM-2); a
// pending team (TEAM-1) has no member.
type Team struct {
	ID        cabinet.TeamID `json:"id"`
	Name      string         `json:"name"`
	Lead      cabinet.UserID `json:"lead"`
	CreatedBy cabinet.UserID `json:"created_by,omitempty"` // "": Lead
	CreatedAt time.Time      `json:"created_at,omitzero"`
	Pending   bool           `json:"pending,omitempty"`
	Members   []TeamMember   `json:"members,omitempty"`
}

// Referral is a client an advisor referred into a team (TEAM-7, TEAM-8).
// The client's account, if any, is linked by ClientEmail as at sign-up.
type Referral struct {
	ID cabinet.ReferralID `json:"id"`
	// Team holds the referral; "" is the referrer's personal team.
	Team        cabinet.TeamID    `json:"team,omitempty"`
	Referrer    cabinet.UserID    `json:"referrer"`
	ClientName  string            `json:"client_name"`
	ClientEmail string            `json:"client_email"`
	Dossier     cabinet.DossierID `json:"dossier"`
	CreatedAt   time.Time         `json:"created_at,omitzero"`
}

// Company is a company of an office's partner contacts (CON-2).
type Company struct {
	ID        contact.CompanyID `json:"id"`
	Office    cabinet.OfficeID  `json:"office"`
	Name      string            `json:"name"`
	CreatedAt time.Time         `json:"created_at,omitzero"`
}

// Contact is a client, partner or lead of an office (CON-1 … CON-3, CON-7),
// in its current state.
type Contact struct {
	ID        cabinet.ContactID `json:"id"`
	Office    cabinet.OfficeID  `json:"office"`
	Kind      contact.Kind      `json:"kind"`
	Status    contact.Status    `json:"status"`
	FirstName string            `json:"first_name"`
	LastName  string            `json:"last_name"`
	Email     string            `json:"email,omitempty"`
	Phone     string            `json:"phone,omitempty"`
	Company   contact.CompanyID `json:"company,omitempty"` // partners only
	// User is the linked account: set exactly when Status is active.
	User     cabinet.UserID `json:"user,omitempty"`
	Archived bool           `json:"archived,omitempty"`
	// Dossier and Person link a client contact to a dossier of the office
	// and a person of its tree (contact.Service.LinkContact).
	Dossier   cabinet.DossierID `json:"dossier,omitempty"`
	Person    access.PersonID   `json:"person,omitempty"`
	CreatedAt time.Time         `json:"created_at,omitzero"`
	UpdatedAt time.Time         `json:"updated_at,omitzero"` // zero: CreatedAt
	InvitedAt time.Time         `json:"invited_at,omitzero"`
}

// RecordKind implements Record.
func (User) RecordKind() Kind { return KindUser }

// RecordKind implements Record.
func (Office) RecordKind() Kind { return KindOffice }

// RecordKind implements Record.
func (Collaborator) RecordKind() Kind { return KindCollaborator }

// RecordKind implements Record.
func (CollaboratorGroup) RecordKind() Kind { return KindCollaboratorGroup }

// RecordKind implements Record.
func (Member) RecordKind() Kind { return KindMember }

// RecordKind implements Record.
func (ClientGroup) RecordKind() Kind { return KindClientGroup }

// RecordKind implements Record.
func (DirectAssignment) RecordKind() Kind { return KindDirectAssignment }

// RecordKind implements Record.
func (GroupAssignment) RecordKind() Kind { return KindGroupAssignment }

// RecordKind implements Record.
func (Dossier) RecordKind() Kind { return KindDossier }

// RecordKind implements Record.
func (Person) RecordKind() Kind { return KindPerson }

// RecordKind implements Record.
func (Advisor) RecordKind() Kind { return KindAdvisor }

// RecordKind implements Record.
func (Grant) RecordKind() Kind { return KindGrant }

// RecordKind implements Record.
func (Consent) RecordKind() Kind { return KindConsent }

// RecordKind implements Record.
func (Team) RecordKind() Kind { return KindTeam }

// RecordKind implements Record.
func (Referral) RecordKind() Kind { return KindReferral }

// RecordKind implements Record.
func (Company) RecordKind() Kind { return KindCompany }

// RecordKind implements Record.
func (Contact) RecordKind() Kind { return KindContact }

// Key implements Record.
func (r User) Key() string { return string(r.ID) }

// Key implements Record.
func (r Office) Key() string { return string(r.ID) }

// Key implements Record.
func (r Collaborator) Key() string { return string(r.Office) + "/" + string(r.User) }

// Key implements Record.
func (r CollaboratorGroup) Key() string { return string(r.ID) }

// Key implements Record.
func (r Member) Key() string { return string(r.Group) + "/" + string(r.User) }

// Key implements Record.
func (r ClientGroup) Key() string { return string(r.ID) }

// Key implements Record.
func (r DirectAssignment) Key() string { return string(r.ClientGroup) + "/" + string(r.User) }

// Key implements Record.
func (r GroupAssignment) Key() string {
	return string(r.ClientGroup) + "/" + string(r.CollaboratorGroup)
}

// Key implements Record.
func (r Dossier) Key() string { return string(r.ID) }

// Key implements Record.
func (r Person) Key() string { return string(r.ID) }

// Key implements Record.
func (r Advisor) Key() string { return string(r.ID) }

// Key implements Record.
func (r Grant) Key() string { return string(r.ID) }

// Key implements Record.
func (r Consent) Key() string { return string(r.Dossier) }

// Key implements Record.
func (r Team) Key() string { return string(r.ID) }

// Key implements Record.
func (r Referral) Key() string { return string(r.ID) }

// Key implements Record.
func (r Company) Key() string { return string(r.ID) }

// Key implements Record.
func (r Contact) Key() string { return string(r.ID) }
