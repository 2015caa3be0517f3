package access

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Store persists dossiers, family trees, advisors and grants.
// Implementations must be safe for concurrent use; memstore.Store is one,
// and package accesstest holds the conformance suite every implementation
// must pass.
type Store interface {
	// ViewAccess runs fn on a consistent snapshot. fn must not keep r after
	// it returns.
	ViewAccess(ctx context.Context, fn func(r Reader) error) error
	// UpdateAccess runs fn in one transaction: all of fn's writes commit
	// together if it returns nil, none otherwise. Returns the revision of
	// the commit (unchanged if nothing was written).
	//
	// fn may run more than once (a store may retry a transaction that lost
	// a serialization race, as PostgreSQL's does): it must not keep state
	// across runs (reset what it collects at its start) and must not act
	// outside the store.
	//
	// Inside fn, w.Tx() is the transaction: pass it to the other packages'
	// stores (their …Reader and …Writer methods) to read or write their
	// records in the same transaction.
	UpdateAccess(ctx context.Context, fn func(w Writer) error) (cabinet.Revision, error)
	// AccessReader returns the records of this package in tx, an open
	// transaction (View or Update) of this same store, for a command of
	// another package that reads them in its own transaction. Any other tx
	// is an *cabinet.InvalidError naming "tx".
	AccessReader(tx cabinet.Tx) (Reader, error)
	// AccessWriter returns the records of this package in tx, an open write
	// transaction of this same store (else *cabinet.InvalidError "tx"), for
	// a command of another package that writes them in its own transaction.
	AccessWriter(tx cabinet.Tx) (Writer, error)
}

// DossierFilter selects dossiers in a listing. Zero fields match all; set
// fields must all match. A store keeps an index per office, per manager
// and per assigned collaborator, so that a listing by one of them costs
// what it returns (GRP-11 releases a departing collaborator through them).
type DossierFilter struct {
	Office   cabinet.OfficeID
	Manager  cabinet.UserID        // dossiers managed by this user
	Assigned cabinet.UserID        // dossiers this user is assigned to (not as manager)
	Status   cabinet.DossierStatus // DossierStatusInvalid: any status
}

// PersonFilter selects persons. Zero fields match all.
type PersonFilter struct {
	Dossier cabinet.DossierID
}

// AdvisorFilter selects advisors. Zero fields match all.
type AdvisorFilter struct {
	Dossier cabinet.DossierID
}

// GrantFilter selects grants. Zero fields match all; set fields must all
// match.
type GrantFilter struct {
	Dossier cabinet.DossierID
	User    cabinet.UserID // the grants held by this account
	// Email matches the grant's email ignoring case (cabinet.EmailKey).
	Email string
	// AwaitingAccount keeps only the grants for which Grant.AwaitingAccount
	// is true (the reminder queue, ACC-5).
	AwaitingAccount bool
}

// Reader reads the package's records. Getters return an error wrapping
// cabinet.ErrNotFound when the record does not exist. Listings return the
// records matching the filter, ascending by ID, one cabinet.Page at a time
// (the page contract: zero limit is cabinet.DefaultPageSize, at most
// cabinet.MaxPageSize, negative is an *cabinet.InvalidError naming
// "limit"), and the cursor of the next page, "" when there is none; walk
// them with cabinet.All or cabinet.Each. Records are copies: changing them
// changes nothing in the store.
type Reader interface {
	// Revision returns the revision of the snapshot this reader sees: the
	// last change committed before the View began, or, inside an Update,
	// before the transaction began. A store whose packages share one
	// counter (as memstore does) returns that shared revision. Consumers
	// such as the policy engine use it to tell how fresh their copy is.
	Revision() cabinet.Revision
	// Tx returns the transaction this reader belongs to (see cabinet.Tx).
	Tx() cabinet.Tx

	// Dossier returns dossier id.
	Dossier(ctx context.Context, id cabinet.DossierID) (Dossier, error)
	// Dossiers lists dossiers matching f (office, manager, assigned
	// collaborator, status).
	Dossiers(ctx context.Context, f DossierFilter, p cabinet.Page) ([]Dossier, cabinet.Cursor, error)
	// Person returns person id of a family tree.
	Person(ctx context.Context, id PersonID) (Person, error)
	// Persons lists persons, optionally of one dossier's tree.
	Persons(ctx context.Context, f PersonFilter, p cabinet.Page) ([]Person, cabinet.Cursor, error)
	// Advisor returns registered advisor id.
	Advisor(ctx context.Context, id AdvisorID) (Advisor, error)
	// Advisors lists advisors, optionally of one dossier.
	Advisors(ctx context.Context, f AdvisorFilter, p cabinet.Page) ([]Advisor, cabinet.Cursor, error)
	// Grant returns grant id.
	Grant(ctx context.Context, id GrantID) (Grant, error)
	// GrantOfPerson returns the grant held by person p (ErrNotFound when
	// p has none).
	GrantOfPerson(ctx context.Context, p PersonID) (Grant, error)
	// GrantOfAdvisor returns the grant held by advisor a (ErrNotFound when
	// a has none).
	GrantOfAdvisor(ctx context.Context, a AdvisorID) (Grant, error)
	// Grants lists grants: of a dossier (GrantFilter.Dossier), held by a
	// user (GrantFilter.User), sent to an email, awaiting an account, or
	// any combination.
	Grants(ctx context.Context, f GrantFilter, p cabinet.Page) ([]Grant, cabinet.Cursor, error)
}

// Writer writes the package's records inside an UpdateAccess transaction.
// Put stores (creates or replaces) a record under its ID and keeps every
// index (office, manager, assigned collaborators, dossier, user, email,
// person, advisor) in step. Delete
// returns an error wrapping cabinet.ErrNotFound when the record does not
// exist. The store checks no rule: the service does. A Put or Delete whose
// record has an empty ID is an *cabinet.InvalidError naming "id".
type Writer interface {
	Reader
	// PutDossier creates or replaces d.
	PutDossier(ctx context.Context, d Dossier) error
	// PutPerson creates or replaces p.
	PutPerson(ctx context.Context, p Person) error
	// DeletePerson deletes person id (not their grant: the caller does).
	DeletePerson(ctx context.Context, id PersonID) error
	// PutAdvisor creates or replaces a.
	PutAdvisor(ctx context.Context, a Advisor) error
	// DeleteAdvisor deletes advisor id (not their grant: the caller does).
	DeleteAdvisor(ctx context.Context, id AdvisorID) error
	// PutGrant creates or replaces g, moving it between the user, email and
	// awaiting-account indexes as its fields change.
	PutGrant(ctx context.Context, g Grant) error
	// DeleteGrant deletes grant id.
	DeleteGrant(ctx context.Context, id GrantID) error
}
