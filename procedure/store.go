package procedure

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Store persists the package's records: office plans, procedures (with
// their roles and items) and cases (with their participants and item
// states). Implementations must be safe for concurrent use; package
// memstore is the in-memory one and proceduretest.RunStoreTests is the
// contract every implementation passes.
type Store interface {
	// ViewProcedures runs fn on a consistent snapshot. fn must not keep r
	// after it returns. The error is fn's, or ctx.Err() when ctx is done
	// before fn runs.
	ViewProcedures(ctx context.Context, fn func(r Reader) error) error
	// UpdateProcedures runs fn in one transaction: all of fn's writes commit
	// together if it returns nil, none otherwise. Returns the revision of the
	// commit (unchanged if nothing was written).
	//
	// fn may run more than once (a store may retry a transaction that lost
	// a serialization race, as PostgreSQL's does): it must not keep state
	// across runs (reset what it collects at its start) and must not act
	// outside the store.
	//
	// Inside fn, w.Tx() is the transaction: pass it to the other packages'
	// stores (their …Reader and …Writer methods) to read or write their
	// records in the same transaction.
	UpdateProcedures(ctx context.Context, fn func(w Writer) error) (cabinet.Revision, error)
	// ProcedureReader returns the records of this package in tx, an open
	// transaction (View or Update) of this same store, for a command of
	// another package that reads them in its own transaction. Any other tx
	// is an *cabinet.InvalidError naming "tx".
	ProcedureReader(tx cabinet.Tx) (Reader, error)
	// ProcedureWriter returns the records of this package in tx, an open write
	// transaction of this same store (else *cabinet.InvalidError "tx"), for
	// a command of another package that writes them in its own transaction.
	ProcedureWriter(tx cabinet.Tx) (Writer, error)
}

// ProcedureFilter selects procedures in ListProcedures. Zero fields match
// everything.
type ProcedureFilter struct {
	Office cabinet.OfficeID
}

// CaseFilter selects cases in ListCases. Zero fields match everything; set
// fields must all match.
type CaseFilter struct {
	Office    cabinet.OfficeID
	Procedure cabinet.ProcedureID
	Dossier   cabinet.DossierID
	// User selects the cases where the user holds a seat (main recipient or
	// contributor).
	User cabinet.UserID
	// Email selects the cases where a seat's email equals Email, ignoring
	// case (cabinet.EqualEmails).
	Email string
}

// Reader reads the package's records. Every method returns ctx.Err() if ctx
// is done. Listings are ordered by ID and return one cabinet.Page at a
// time (zero limit is cabinet.DefaultPageSize, at most cabinet.MaxPageSize,
// negative is invalid) with the cursor of the next page, "" on the last
// page. Returned values are copies.
type Reader interface {
	// Revision returns the revision of the snapshot this reader sees: the
	// last change committed before the View began, or, inside an Update,
	// before the transaction began. A store whose packages share one
	// counter (as memstore does) returns that shared revision. Consumers
	// such as the policy engine use it to tell how fresh their copy is.
	Revision() cabinet.Revision
	// Tx returns the transaction this reader belongs to (see cabinet.Tx).
	Tx() cabinet.Tx

	// Plan returns the office's plan state, or an error wrapping
	// cabinet.ErrNotFound when none was ever stored.
	Plan(ctx context.Context, office cabinet.OfficeID) (OfficePlan, error)
	// ListPlans lists every stored office plan, ordered by office ID.
	ListPlans(ctx context.Context, p cabinet.Page) ([]OfficePlan, cabinet.Cursor, error)
	// Procedure returns the procedure, or an error wrapping
	// cabinet.ErrNotFound.
	Procedure(ctx context.Context, id cabinet.ProcedureID) (Procedure, error)
	// ListProcedures lists the procedures matching f, ordered by ID.
	ListProcedures(ctx context.Context, f ProcedureFilter, p cabinet.Page) ([]Procedure, cabinet.Cursor, error)
	// Case returns the case, or an error wrapping cabinet.ErrNotFound.
	Case(ctx context.Context, id cabinet.CaseID) (Case, error)
	// ListCases lists the cases matching f, ordered by ID. With f.Dossier it
	// gives the cases of a dossier; with f.User the cases of a user.
	ListCases(ctx context.Context, f CaseFilter, p cabinet.Page) ([]Case, cabinet.Cursor, error)
	// Seats returns every seat user holds, ordered by case ID (empty, not an
	// error, when there is none).
	Seats(ctx context.Context, user cabinet.UserID) ([]Seat, error)
}

// Writer writes the package's records inside an UpdateProcedures
// transaction. Put methods insert or replace by ID and keep the indexes
// (office, procedure, dossier, user, email) up to date.
type Writer interface {
	Reader
	// PutPlan stores p under p.Office (which must not be empty).
	PutPlan(ctx context.Context, p OfficePlan) error
	// PutProcedure stores p under p.ID (which must not be empty).
	PutProcedure(ctx context.Context, p Procedure) error
	// PutCase stores c under c.ID (which must not be empty).
	PutCase(ctx context.Context, c Case) error
}
