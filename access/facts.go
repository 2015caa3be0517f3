package access

import (
	"context"
	"slices"

	"github.com/cabinet-go/cabinet"
)

// Facts answers other packages' questions about dossiers, and makes the
// one write another package needs (ReleaseCollaborator, GRP-11), inside
// their own transactions: a command of clientgroup, team or procedure that needs a
// dossier's office, status, manager or assigned collaborators asks Facts
// with its transaction (cabinet.Tx), so that the rule it checks and the
// records it writes belong to one snapshot — a dossier archived while it is
// being placed can never commit the placement. It needs only the store, so
// it can be built before any service (package kit does). It is safe for
// concurrent use.
type Facts struct {
	store Store
	o     cabinet.Options
}

// NewFacts returns the dossier facts of store. store must not be nil; it
// must be the store whose transactions are passed to Facts' methods.
// Options: cabinet.WithClock, the instant at which a grant's expiry is
// judged (issue 16); the others are ignored.
func NewFacts(store Store, opts ...cabinet.Option) *Facts {
	if store == nil {
		panic("access.NewFacts: nil store")
	}
	return &Facts{store: store, o: cabinet.NewOptions(opts...)}
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
	held, err := heldGrants(ctx, r, dossier, user, f.o.Now())
	if err != nil {
		return false, err
	}
	return HoldsCentralGrant(dossier, user, held), nil
}

// HoldsGrant reports whether user holds, as seen by tx, any grant on
// dossier (a person's or an advisor's) live at the clock's instant (an
// expired grant is not held, issue 16). clientgroup asks it for GRP-7's
// ContactAddress read. Errors: ErrNotFound (dossier); ErrInvalid ("tx").
func (f *Facts) HoldsGrant(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	r, err := f.store.AccessReader(tx)
	if err != nil {
		return false, err
	}
	if _, err := r.Dossier(ctx, dossier); err != nil {
		return false, err
	}
	held, err := heldGrants(ctx, r, dossier, user, f.o.Now())
	return len(held) > 0, err
}

// Dossiers lists, as seen by tx, the facts of office's dossiers with the
// given status (DossierStatusInvalid: any) and manager ("": any),
// ascending by dossier ID, one cabinet.Page at a time (the page contract;
// the cursor is the last dossier ID returned). clientgroup's dossier
// listing (GRP-9) reads through it. Errors: ErrInvalid ("office", "limit",
// "tx").
func (f *Facts) Dossiers(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, status cabinet.DossierStatus, manager cabinet.UserID, p cabinet.Page) ([]cabinet.DossierFacts, cabinet.Cursor, error) {
	if office == "" {
		return nil, "", cabinet.Invalid("office", "is required")
	}
	r, err := f.store.AccessReader(tx)
	if err != nil {
		return nil, "", err
	}
	ds, next, err := r.Dossiers(ctx, DossierFilter{Office: office, Status: status, Manager: manager}, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]cabinet.DossierFacts, len(ds))
	for i, d := range ds {
		out[i] = d.Facts()
	}
	return out, next, nil
}

// ReleaseCollaborator is the access half of removing user from office
// (GRP-11 v2), run by clientgroup.Service.RemoveCollaborator in its own
// write transaction tx: every dossier of office that user manages loses
// its manager (it then has none, and GRP-7 falls back to the client
// group's or the office's address), and user is taken off every assigned
// list of office's dossiers. Archived dossiers are released too: the
// release only takes rights away, and ACC-12 freezes what the dossier
// holds, not who left the office. It returns the events to publish with
// the removal (DossierManagerSet, DossierAssignedChanged), and costs what
// it touches (the store indexes dossiers by manager and by assigned
// collaborator). Errors: ErrInvalid ("office", "user", "tx").
func (f *Facts) ReleaseCollaborator(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) ([]cabinet.Event, error) {
	if office == "" {
		return nil, cabinet.Invalid("office", "is required")
	}
	if user == "" {
		return nil, cabinet.Invalid("user", "is required")
	}
	w, err := f.store.AccessWriter(tx)
	if err != nil {
		return nil, err
	}
	list := func(flt DossierFilter) ([]Dossier, error) {
		return cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Dossier, cabinet.Cursor, error) {
			return w.Dossiers(ctx, flt, p)
		})
	}
	managed, err := list(DossierFilter{Office: office, Manager: user})
	if err != nil {
		return nil, err
	}
	assigned, err := list(DossierFilter{Office: office, Assigned: user})
	if err != nil {
		return nil, err
	}
	var events []cabinet.Event
	for _, d := range managed {
		d.Manager = ""
		if err := w.PutDossier(ctx, d); err != nil {
			return nil, err
		}
		events = append(events, DossierManagerSet{Dossier: d.ID, Office: d.Office, Previous: user, Assigned: slices.Clone(d.Assigned)})
	}
	for _, d := range assigned {
		d.Assigned = slices.DeleteFunc(d.Assigned, func(u cabinet.UserID) bool { return u == user })
		if err := w.PutDossier(ctx, d); err != nil {
			return nil, err
		}
		events = append(events, DossierAssignedChanged{Dossier: d.ID, Office: d.Office, Assigned: slices.Clone(d.Assigned), Removed: []cabinet.UserID{user}})
	}
	return events, nil
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
