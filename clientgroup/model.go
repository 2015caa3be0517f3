package clientgroup

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// Office is a tenant of the directory: a practice, firm or office, with a
// general email address used when a dossier has neither manager nor group
// address (GRP-7).
type Office struct {
	ID        cabinet.OfficeID
	Name      string
	Email     string         // the office's general address, normalised by cabinet.ParseEmail
	CreatedBy cabinet.UserID // the user who created it, its first admin
	CreatedAt time.Time
}

// Collaborator is a user working in an office with a profile (admin or
// standard). A user may be a collaborator of several offices; the pair
// (Office, User) identifies the record.
type Collaborator struct {
	Office  cabinet.OfficeID
	User    cabinet.UserID
	Profile cabinet.Profile
	AddedAt time.Time
}

// CollaboratorGroup is a named set of collaborators of one office. Its
// members are Member records; it is assigned to client groups through
// GroupAssignment records (GRP-1, GRP-8).
type CollaboratorGroup struct {
	ID        cabinet.CollaboratorGroupID
	Office    cabinet.OfficeID
	Name      string
	CreatedAt time.Time
}

// Member records that a collaborator belongs to a collaborator group.
type Member struct {
	Group  cabinet.CollaboratorGroupID
	Office cabinet.OfficeID
	User   cabinet.UserID
}

// ClientGroup is a set of dossiers of one office with the collaborators and
// collaborator groups assigned to it (GRP-1). Its dossiers are Placement
// records, its direct collaborators DirectAssignment records and its
// collaborator groups GroupAssignment records.
type ClientGroup struct {
	ID        cabinet.ClientGroupID
	Office    cabinet.OfficeID
	Name      string // required, not blank after trimming (GRP-6)
	Email     string // optional ("" when unset), used by GRP-7
	CreatedAt time.Time
}

// DirectAssignment records that a collaborator is directly assigned to a
// client group (GRP-3 "group direct" route).
type DirectAssignment struct {
	ClientGroup cabinet.ClientGroupID
	Office      cabinet.OfficeID
	User        cabinet.UserID
	// ExpiresAt is when the assignment stops opening the direct route
	// (issue 16, an extension of SPEC v2): from that instant the user
	// reaches the group's dossiers no more through it (Expired), with no
	// command. Zero means no expiry. An expired assignment stays stored,
	// and listed with its expiry, until it is removed or assigned again
	// (AssignCollaboratorUntil replaces its expiry).
	ExpiresAt time.Time
}

// Expired reports whether a has an expiry and now is at or after it: the
// assignment then opens no route (GRP-3, issue 16). It is live iff its
// ExpiresAt is zero or now is before it.
func (a DirectAssignment) Expired(now time.Time) bool {
	return !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt)
}

// GroupAssignment records that a collaborator group is assigned to a client
// group (GRP-3 "collaborator group" route).
type GroupAssignment struct {
	ClientGroup       cabinet.ClientGroupID
	Office            cabinet.OfficeID
	CollaboratorGroup cabinet.CollaboratorGroupID
}

// Placement records the client group of a dossier. A store keeps at most one
// placement per dossier: the dossier is the key (GRP-4).
type Placement struct {
	Dossier     cabinet.DossierID
	Office      cabinet.OfficeID
	ClientGroup cabinet.ClientGroupID
}

// DuplicateName is one line of the duplicate-name report (GRP-6): a name
// shared by two or more client groups of one office.
type DuplicateName struct {
	Name   string                  // the name as the first group (lowest ID) spells it
	Groups []cabinet.ClientGroupID // ascending, at least two
}

// DossierFilter selects the dossiers of Service.Dossiers, the office's
// dossier listing (GRP-9, the active-clients monitor of seed 003). Every
// set field must match; they combine freely, except ClientGroup and
// NoGroup which exclude each other.
type DossierFilter struct {
	// Office is the office whose dossiers are listed; required unless
	// ClientGroup is set (then it is the group's office, and a different
	// Office is a GRP-1 conflict).
	Office cabinet.OfficeID
	// ClientGroup keeps the dossiers of this group only.
	ClientGroup cabinet.ClientGroupID
	// NoGroup keeps the dossiers that are in no client group only (GRP-2).
	NoGroup bool
	// Status keeps the dossiers with this status (DossierStatusInvalid:
	// any).
	Status cabinet.DossierStatus
	// Manager keeps the dossiers managed by this user ("": any).
	Manager cabinet.UserID
}

// DossierEntry is one line of Service.Dossiers: a dossier's facts and its
// client group ("" when it is in none).
type DossierEntry struct {
	Dossier     cabinet.DossierFacts
	ClientGroup cabinet.ClientGroupID
}
