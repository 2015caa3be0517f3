package contact

import (
	"context"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// Store persists the package's records. Implementations must be safe for
// concurrent use. Package memstore implements it in memory; every
// implementation must pass contacttest.RunStoreTests.
type Store interface {
	// ViewContacts runs fn on a consistent snapshot. fn must not keep r after
	// it returns. It returns fn's error, or ctx.Err() without running fn if
	// ctx is done.
	ViewContacts(ctx context.Context, fn func(r Reader) error) error
	// UpdateContacts runs fn in one transaction: all of fn's writes commit
	// together if it returns nil, none otherwise. Returns the revision of the
	// commit (unchanged if nothing was written), or fn's error, or ctx.Err()
	// without running fn if ctx is done.
	//
	// fn may run more than once (a store may retry a transaction that lost
	// a serialization race, as PostgreSQL's does): it must not keep state
	// across runs (reset what it collects at its start) and must not act
	// outside the store.
	//
	// Inside fn, w.Tx() is the transaction: pass it to the other packages'
	// stores (their …Reader and …Writer methods) to read or write their
	// records in the same transaction.
	UpdateContacts(ctx context.Context, fn func(w Writer) error) (cabinet.Revision, error)
	// ContactReader returns the records of this package in tx, an open
	// transaction (View or Update) of this same store, for a command of
	// another package that reads them in its own transaction. Any other tx
	// is an *cabinet.InvalidError naming "tx".
	ContactReader(tx cabinet.Tx) (Reader, error)
	// ContactWriter returns the records of this package in tx, an open write
	// transaction of this same store (else *cabinet.InvalidError "tx"), for
	// a command of another package that writes them in its own transaction.
	ContactWriter(tx cabinet.Tx) (Writer, error)
}

// Reader reads the package's records. Every getter returns an error wrapping
// cabinet.ErrNotFound (a *cabinet.NotFoundError) when the record does not
// exist. Listings are ordered by ID, start after the cursor (the empty cursor
// is the start), return one cabinet.Page of records (zero limit is
// cabinet.DefaultPageSize, at most cabinet.MaxPageSize, negative is invalid)
// and the cursor of the next page, "" when there is none.
// Values are copies.
type Reader interface {
	// Revision returns the revision of the snapshot this reader sees: the
	// last change committed before the View began, or, inside an Update,
	// before the transaction began. A store whose packages share one
	// counter (as memstore does) returns that shared revision. Consumers
	// such as the policy engine use it to tell how fresh their copy is.
	Revision() cabinet.Revision
	// Tx returns the transaction this reader belongs to (see cabinet.Tx).
	Tx() cabinet.Tx

	Contact(ctx context.Context, id cabinet.ContactID) (Contact, error)
	// ContactByEmail returns the contact of office whose email has
	// cabinet.EmailKey(email) as key (archived contacts included).
	ContactByEmail(ctx context.Context, office cabinet.OfficeID, email string) (Contact, error)
	// ContactsByEmail returns the contacts of every office whose email has
	// cabinet.EmailKey(email) as key, ordered by ID (empty, no error, when
	// there are none).
	ContactsByEmail(ctx context.Context, email string) ([]Contact, error)
	ListContacts(ctx context.Context, f ContactFilter, p cabinet.Page) ([]Contact, cabinet.Cursor, error)

	Company(ctx context.Context, id CompanyID) (Company, error)
	// ListCompanies lists the companies of office ("" = every office).
	ListCompanies(ctx context.Context, office cabinet.OfficeID, p cabinet.Page) ([]Company, cabinet.Cursor, error)

	Project(ctx context.Context, id ProjectID) (Project, error)
	// ListProjects lists the projects matching f (PartnerFilter.Match).
	ListProjects(ctx context.Context, f PartnerFilter, p cabinet.Page) ([]Project, cabinet.Cursor, error)

	Decision(ctx context.Context, id DecisionID) (Decision, error)
	// ListDecisions lists the decisions matching f (PartnerFilter.Match).
	ListDecisions(ctx context.Context, f PartnerFilter, p cabinet.Page) ([]Decision, cabinet.Cursor, error)

	Unit(ctx context.Context, id UnitID) (Unit, error)
	// ListUnits lists the units matching f (UnitFilter.Match).
	ListUnits(ctx context.Context, f UnitFilter, p cabinet.Page) ([]Unit, cabinet.Cursor, error)

	Session(ctx context.Context, id SessionID) (Session, error)
	ListSessions(ctx context.Context, f SessionFilter, p cabinet.Page) ([]Session, cabinet.Cursor, error)
}

// Writer writes the package's records inside an UpdateContacts transaction.
// Put methods insert or replace the record with the value's ID.
type Writer interface {
	Reader
	// PutContact stores c. If another contact of c.Office already has an
	// email with the same cabinet.EmailKey, nothing is written and the error
	// is a *cabinet.ConflictError naming CON-7 and the existing contact
	// (the store's unique index). An empty email is never a duplicate.
	PutContact(ctx context.Context, c Contact) error
	PutCompany(ctx context.Context, c Company) error
	PutProject(ctx context.Context, p Project) error
	PutDecision(ctx context.Context, d Decision) error
	PutUnit(ctx context.Context, u Unit) error
	PutSession(ctx context.Context, s Session) error
}

// ContactFilter selects contacts in Reader.ListContacts. Zero fields match
// everything; Match is the reference semantics every store implements.
type ContactFilter struct {
	Office          cabinet.OfficeID  // "" = every office
	Kind            Kind              // KindInvalid = every kind
	Status          Status            // StatusInvalid = every status
	Company         CompanyID         // "" = any company (or none)
	Dossier         cabinet.DossierID // "" = linked to any dossier or none
	Person          access.PersonID   // "" = linked to any person or none
	IncludeArchived bool              // false = archived contacts are left out
	// Text, when not blank, keeps contacts whose first name, last name or
	// email contains it, ignoring case (the search box).
	Text string
}

// Match reports whether c passes the filter.
func (f ContactFilter) Match(c Contact) bool {
	if f.Office != "" && c.Office != f.Office ||
		f.Kind != KindInvalid && c.Kind != f.Kind ||
		f.Status != StatusInvalid && c.Status != f.Status ||
		f.Company != "" && c.Company != f.Company ||
		f.Dossier != "" && c.Dossier != f.Dossier ||
		f.Person != "" && c.Person != f.Person ||
		!f.IncludeArchived && c.Archived {
		return false
	}
	text := strings.ToLower(strings.TrimSpace(f.Text))
	if text == "" {
		return true
	}
	return strings.Contains(strings.ToLower(c.FirstName), text) ||
		strings.Contains(strings.ToLower(c.LastName), text) ||
		strings.Contains(strings.ToLower(c.Email), text)
}

// PartnerFilter selects projects (Reader.ListProjects) and decisions
// (Reader.ListDecisions). Zero fields match everything; Match is the
// reference semantics every store implements.
type PartnerFilter struct {
	Office  cabinet.OfficeID  // "" = every office
	Partner cabinet.ContactID // "" = any; else only the records listing this partner
}

// Match reports whether a record of office listing partners passes the
// filter.
func (f PartnerFilter) Match(office cabinet.OfficeID, partners []cabinet.ContactID) bool {
	if f.Office != "" && office != f.Office {
		return false
	}
	if f.Partner == "" {
		return true
	}
	_, found := slices.BinarySearch(partners, f.Partner)
	return found
}

// UnitFilter selects units in Reader.ListUnits. Zero fields match
// everything; Match is the reference semantics every store implements.
type UnitFilter struct {
	Office cabinet.OfficeID  // "" = every office
	Status UnitStatus        // UnitStatusInvalid = every status
	Lead   cabinet.ContactID // "" = any; else only the units this contact is attached to
}

// Match reports whether u passes the filter.
func (f UnitFilter) Match(u Unit) bool {
	return (f.Office == "" || u.Office == f.Office) &&
		(f.Status == UnitStatusInvalid || u.Status == f.Status) &&
		(f.Lead == "" || u.Attached(f.Lead))
}

// SessionFilter selects sessions in Reader.ListSessions. Zero fields match
// everything; Match is the reference semantics.
type SessionFilter struct {
	Office  cabinet.OfficeID
	Actor   cabinet.UserID
	Contact cabinet.ContactID
}

// Match reports whether s passes the filter.
func (f SessionFilter) Match(s Session) bool {
	return (f.Office == "" || s.Office == f.Office) &&
		(f.Actor == "" || s.Actor == f.Actor) &&
		(f.Contact == "" || s.Contact == f.Contact)
}
