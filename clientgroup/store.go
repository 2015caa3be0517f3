package clientgroup

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Store persists the package's records. Implementations must be safe for
// concurrent use. The memory implementation is memstore.Store; every
// implementation must pass clientgrouptest.RunStoreTests.
type Store interface {
	// ViewClientGroups runs fn on a consistent snapshot. fn must not keep r
	// after it returns. Returns fn's error, or ctx.Err() if ctx is done
	// before fn runs.
	ViewClientGroups(ctx context.Context, fn func(r Reader) error) error
	// UpdateClientGroups runs fn in one transaction: all of fn's writes
	// commit together if it returns nil, none otherwise. Returns the revision
	// of the commit (unchanged if nothing was written).
	//
	// fn may run more than once (a store may retry a transaction that lost
	// a serialization race, as PostgreSQL's does): it must not keep state
	// across runs (reset what it collects at its start) and must not act
	// outside the store.
	//
	// Inside fn, w.Tx() is the transaction: pass it to the other packages'
	// stores (their …Reader and …Writer methods) to read or write their
	// records in the same transaction.
	UpdateClientGroups(ctx context.Context, fn func(w Writer) error) (cabinet.Revision, error)
	// ClientGroupReader returns the records of this package in tx, an open
	// transaction (View or Update) of this same store, for a command of
	// another package that reads them in its own transaction. Any other tx
	// is an *cabinet.InvalidError naming "tx".
	ClientGroupReader(tx cabinet.Tx) (Reader, error)
	// ClientGroupWriter returns the records of this package in tx, an open write
	// transaction of this same store (else *cabinet.InvalidError "tx"), for
	// a command of another package that writes them in its own transaction.
	ClientGroupWriter(tx cabinet.Tx) (Writer, error)
}

// Filters of the listings. A zero field does not filter.
type (
	// CollaboratorFilter selects collaborators by office and/or user.
	CollaboratorFilter struct {
		Office cabinet.OfficeID
		User   cabinet.UserID
	}
	// CollaboratorGroupFilter selects collaborator groups by office.
	CollaboratorGroupFilter struct {
		Office cabinet.OfficeID
	}
	// MemberFilter selects collaborator-group memberships by group and/or
	// user (user → collaborator groups).
	MemberFilter struct {
		Group cabinet.CollaboratorGroupID
		User  cabinet.UserID
	}
	// ClientGroupFilter selects client groups by office.
	ClientGroupFilter struct {
		Office cabinet.OfficeID
	}
	// DirectAssignmentFilter selects direct assignments by client group
	// and/or user (user → client groups).
	DirectAssignmentFilter struct {
		ClientGroup cabinet.ClientGroupID
		User        cabinet.UserID
	}
	// GroupAssignmentFilter selects collaborator-group assignments by client
	// group and/or collaborator group.
	GroupAssignmentFilter struct {
		ClientGroup       cabinet.ClientGroupID
		CollaboratorGroup cabinet.CollaboratorGroupID
	}
	// PlacementFilter selects placements by client group and/or office.
	PlacementFilter struct {
		ClientGroup cabinet.ClientGroupID
		Office      cabinet.OfficeID
	}
)

// Reader reads the records. Getters return an error wrapping
// cabinet.ErrNotFound when the record does not exist. Listings return one
// cabinet.Page of records at a time (zero limit is cabinet.DefaultPageSize,
// at most cabinet.MaxPageSize, negative is invalid), ordered by
// their key — offices, groups by ID; collaborators by (office, user); members
// by (group, user); direct assignments by (client group, user); group
// assignments by (client group, collaborator group); placements by dossier —
// and the cursor of the next page, "" when there is none. A cursor is only
// valid with the same filter. Every method returns ctx.Err() when ctx is done.
type Reader interface {
	// Revision returns the revision of the snapshot this reader sees: the
	// last change committed before the View began, or, inside an Update,
	// before the transaction began. A store whose packages share one
	// counter (as memstore does) returns that shared revision. Consumers
	// such as the policy engine use it to tell how fresh their copy is.
	Revision() cabinet.Revision
	// Tx returns the transaction this reader belongs to (see cabinet.Tx).
	Tx() cabinet.Tx

	Office(ctx context.Context, id cabinet.OfficeID) (Office, error)
	Offices(ctx context.Context, p cabinet.Page) ([]Office, cabinet.Cursor, error)

	Collaborator(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) (Collaborator, error)
	Collaborators(ctx context.Context, f CollaboratorFilter, p cabinet.Page) ([]Collaborator, cabinet.Cursor, error)

	CollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) (CollaboratorGroup, error)
	CollaboratorGroups(ctx context.Context, f CollaboratorGroupFilter, p cabinet.Page) ([]CollaboratorGroup, cabinet.Cursor, error)

	Member(ctx context.Context, group cabinet.CollaboratorGroupID, user cabinet.UserID) (Member, error)
	Members(ctx context.Context, f MemberFilter, p cabinet.Page) ([]Member, cabinet.Cursor, error)

	ClientGroup(ctx context.Context, id cabinet.ClientGroupID) (ClientGroup, error)
	ClientGroups(ctx context.Context, f ClientGroupFilter, p cabinet.Page) ([]ClientGroup, cabinet.Cursor, error)

	DirectAssignment(ctx context.Context, group cabinet.ClientGroupID, user cabinet.UserID) (DirectAssignment, error)
	DirectAssignments(ctx context.Context, f DirectAssignmentFilter, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error)

	GroupAssignment(ctx context.Context, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) (GroupAssignment, error)
	GroupAssignments(ctx context.Context, f GroupAssignmentFilter, p cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error)

	// Placement returns the placement of dossier (dossier → group), or
	// ErrNotFound when the dossier is in no client group.
	Placement(ctx context.Context, dossier cabinet.DossierID) (Placement, error)
	Placements(ctx context.Context, f PlacementFilter, p cabinet.Page) ([]Placement, cabinet.Cursor, error)
}

// Writer is a Reader that also writes, inside one transaction. Put methods
// insert or replace the record under its key; Delete methods return an error
// wrapping cabinet.ErrNotFound when the record does not exist. The store
// keeps referential integrity to the service: deleting a group does not
// delete its members, assignments or placements.
type Writer interface {
	Reader

	PutOffice(ctx context.Context, o Office) error

	PutCollaborator(ctx context.Context, c Collaborator) error
	DeleteCollaborator(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) error

	PutCollaboratorGroup(ctx context.Context, g CollaboratorGroup) error
	DeleteCollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) error

	PutMember(ctx context.Context, m Member) error
	DeleteMember(ctx context.Context, group cabinet.CollaboratorGroupID, user cabinet.UserID) error

	PutClientGroup(ctx context.Context, g ClientGroup) error
	DeleteClientGroup(ctx context.Context, id cabinet.ClientGroupID) error

	PutDirectAssignment(ctx context.Context, a DirectAssignment) error
	DeleteDirectAssignment(ctx context.Context, group cabinet.ClientGroupID, user cabinet.UserID) error

	PutGroupAssignment(ctx context.Context, a GroupAssignment) error
	DeleteGroupAssignment(ctx context.Context, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) error

	// PutPlacement puts the dossier into p.ClientGroup, replacing any previous
	// placement of the same dossier in the same step: a dossier is never in
	// two groups (GRP-4), and the group → dossiers index follows.
	PutPlacement(ctx context.Context, p Placement) error
	// DeletePlacement takes the dossier out of its client group.
	DeletePlacement(ctx context.Context, dossier cabinet.DossierID) error
}
