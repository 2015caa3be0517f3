package team

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Facts answers other packages' questions about accounts inside their own
// transactions: a command of access, clientgroup, contact or procedure that
// needs to know whether an email has an account asks Facts with its
// transaction (cabinet.Tx), so the answer and the command's writes belong to
// one snapshot. It needs only the store, so it can be built before any
// service (package kit does). It is safe for concurrent use.
type Facts struct{ store Store }

// NewFacts returns the account facts of store. store must not be nil; it
// must be the store whose transactions are passed to Facts' methods.
func NewFacts(store Store) *Facts {
	if store == nil {
		panic("team.NewFacts: nil store")
	}
	return &Facts{store: store}
}

// User returns account id as seen by tx. Errors: ErrNotFound; ErrInvalid
// ("tx") when tx is not an open transaction of the store.
func (f *Facts) User(ctx context.Context, tx cabinet.Tx, id cabinet.UserID) (cabinet.User, error) {
	r, err := f.store.TeamReader(tx)
	if err != nil {
		return cabinet.User{}, err
	}
	return requireUser(ctx, r, id)
}

// UserByEmail returns the account whose email has the same cabinet.EmailKey
// as email, as seen by tx. Errors: ErrNotFound; ErrInvalid ("tx").
func (f *Facts) UserByEmail(ctx context.Context, tx cabinet.Tx, email string) (cabinet.User, error) {
	r, err := f.store.TeamReader(tx)
	if err != nil {
		return cabinet.User{}, err
	}
	return r.UserByEmail(ctx, email)
}
