package access

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Facts answers other packages' questions about dossiers inside their own
// transactions: a command of clientgroup, team or procedure that needs a
// dossier's office, status, manager or assigned collaborators asks Facts
// with its transaction (cabinet.Tx), so that the rule it checks and the
// records it writes belong to one snapshot — a dossier archived while it is
// being placed can never commit the placement. It needs only the store, so
// it can be built before any service (package kit does). It is safe for
// concurrent use.
type Facts struct{ store Store }

// NewFacts returns the dossier facts of store. store must not be nil; it
// must be the store whose transactions are passed to Facts' methods.
func NewFacts(store Store) *Facts {
	if store == nil {
		panic("access.NewFacts: nil store")
	}
	return &Facts{store: store}
}

// DossierFacts returns the facts of dossier id as seen by tx (Assigned
// ascending, without the manager). Errors: ErrNotFound; ErrInvalid ("tx")
// when tx is not an open transaction of the store.
func (f *Facts) DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	r, err := f.store.AccessReader(tx)
	if err != nil {
		return cabinet.DossierFacts{}, err
	}
	return dossierFacts(ctx, r, id)
}

func dossierFacts(ctx context.Context, r Reader, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	d, err := r.Dossier(ctx, id)
	if err != nil {
		return cabinet.DossierFacts{}, err
	}
	return d.Facts(), nil
}

// HoldsCentralGrant reports whether user holds, as seen by tx, a grant to a
// central person (holder or co-holder) of dossier: the vault's client
// (ACC-6, ACC-7; TEAM-8 and TEAM-9 ask it). Errors: ErrNotFound (dossier);
// ErrInvalid ("tx").
func (f *Facts) HoldsCentralGrant(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	r, err := f.store.AccessReader(tx)
	if err != nil {
		return false, err
	}
	if _, err := r.Dossier(ctx, dossier); err != nil {
		return false, err
	}
	held, err := heldGrants(ctx, r, dossier, user)
	if err != nil {
		return false, err
	}
	return HoldsCentralGrant(dossier, user, held), nil
}

// PersonDossier returns the dossier whose family tree lists person, as seen
// by tx (ACC-2): package contact links a client contact to the tree person
// it is about and checks, in its own transaction, that the person belongs
// to the dossier it names. Errors: ErrNotFound (person); ErrInvalid ("tx").
func (f *Facts) PersonDossier(ctx context.Context, tx cabinet.Tx, person PersonID) (cabinet.DossierID, error) {
	r, err := f.store.AccessReader(tx)
	if err != nil {
		return "", err
	}
	p, err := r.Person(ctx, person)
	if err != nil {
		return "", err
	}
	return p.Dossier, nil
}
