package contact

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Facts answers other packages' questions about contacts inside their own
// transactions: a command of procedure that seats a contributor "from an
// existing contact of the office" (issue 12, seed 004) reads the contact
// with its transaction (cabinet.Tx), so the contact it copies and the seat
// it writes belong to one snapshot. It needs only the store, so it can be
// built before any service (package kit does). It is safe for concurrent
// use.
type Facts struct{ store Store }

// NewFacts returns the contact facts of store. store must not be nil; it
// must be the store whose transactions are passed to Facts' methods.
func NewFacts(store Store) *Facts {
	if store == nil {
		panic("contact.NewFacts: nil store")
	}
	return &Facts{store: store}
}

// Contact returns contact id as seen by tx, archived or not; the caller
// decides what it may do with it (see procedure.CanSeatContact). Errors:
// ErrNotFound; ErrInvalid ("tx") when tx is not an open transaction of the
// store.
func (f *Facts) Contact(ctx context.Context, tx cabinet.Tx, id cabinet.ContactID) (Contact, error) {
	r, err := f.store.ContactReader(tx)
	if err != nil {
		return Contact{}, err
	}
	return r.Contact(ctx, id)
}
