package clientgroup

import (
	"context"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Facts answers other packages' questions about the office directory and
// the internal routes (GRP-3), and makes the placement access.Service.
// Activate needs (PlaceOnActivation, GRP-5), inside their own transactions: a command of
// access, team, contact or procedure that needs an actor's profile in an
// office, or whether they reach a dossier internally, asks Facts with its
// transaction (cabinet.Tx), so the rule and the command's writes belong to
// one snapshot — a collaborator removed while granting can never commit the
// grant. It needs only the store and the dossier facts, so it can be built
// before any service (package kit does). It is safe for concurrent use.
type Facts struct {
	store    Store
	dossiers Dossiers
	o        cabinet.Options
}

// NewFacts returns the directory facts of store, reading dossiers' facts
// from dossiers (access.Facts) in the same transactions. Neither may be nil.
// Options: cabinet.WithClock, the instant at which a direct assignment's
// expiry is judged (issue 16); the others are ignored.
func NewFacts(store Store, dossiers Dossiers, opts ...cabinet.Option) *Facts {
	if store == nil || dossiers == nil {
		panic("clientgroup.NewFacts: nil store or dossiers")
	}
	return &Facts{store: store, dossiers: dossiers, o: cabinet.NewOptions(opts...)}
}

// Profile returns user's profile in office as seen by tx. Errors:
// ErrNotFound when the office is unknown or user is not one of its
// collaborators; ErrInvalid ("tx") when tx is not an open transaction of
// the store.
func (f *Facts) Profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	r, err := f.store.ClientGroupReader(tx)
	if err != nil {
		return cabinet.ProfileInvalid, err
	}
	return profileOf(ctx, r, office, user)
}

// Routes returns the internal routes by which user reaches dossier as seen
// by tx at the clock's instant (GRP-2, GRP-3, GRP-11; an expired direct
// assignment opens nothing, issue 16; cabinet.NoRoutes for a user who is not a collaborator
// of the dossier's office). Errors: ErrNotFound (dossier); ErrInvalid ("tx").
func (f *Facts) Routes(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (cabinet.Routes, error) {
	r, err := f.store.ClientGroupReader(tx)
	if err != nil {
		return cabinet.NoRoutes, err
	}
	return routesIn(ctx, r, f.dossiers, user, dossier, f.o.Now())
}

// ReachesDossier reports whether user reaches dossier through at least one
// internal route (GRP-3) as seen by tx. Errors: as Routes.
func (f *Facts) ReachesDossier(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	routes, err := f.Routes(ctx, tx, user, dossier)
	return routes.Any(), err
}

// PlaceOnActivation is the clientgroup half of access.Service.Activate
// (GRP-5 v2): in tx, the write transaction that has just activated
// dossier, it puts the dossier into client group group
// (CanPlaceOnActivation) and returns the events to publish with the
// activation (a DossierMoved). Naming the group the dossier already is in
// changes nothing. The caller has checked that its actor may activate the
// dossier (its manager or an admin); placing it later is admin work.
// Errors: ErrInvalid ("group", "tx"); ErrNotFound (dossier, group);
// ErrConflict (GRP-1, GRP-5, ACC-12); ErrForbidden (GRP-5, a dossier that
// is not activated).
func (f *Facts) PlaceOnActivation(ctx context.Context, tx cabinet.Tx, dossier cabinet.DossierID, group cabinet.ClientGroupID) ([]cabinet.Event, error) {
	if group == "" {
		return nil, cabinet.Invalid("group", "is required")
	}
	w, err := f.store.ClientGroupWriter(tx)
	if err != nil {
		return nil, err
	}
	d, err := f.dossiers.DossierFacts(ctx, tx, dossier)
	if err != nil {
		return nil, err
	}
	g, err := w.ClientGroup(ctx, group)
	if err != nil {
		return nil, err
	}
	var current cabinet.ClientGroupID
	if p, err := w.Placement(ctx, dossier); err == nil {
		current = p.ClientGroup
	} else if !isNotFound(err) {
		return nil, err
	}
	if err := CanPlaceOnActivation(d, current, g); err != nil {
		return nil, err
	}
	if current == group {
		return nil, nil
	}
	if err := w.PutPlacement(ctx, Placement{Dossier: dossier, Office: g.Office, ClientGroup: group}); err != nil {
		return nil, err
	}
	return []cabinet.Event{DossierMoved{Office: g.Office, Dossier: dossier, To: group}}, nil
}

// CollaboratorSince returns when user's current membership of office began
// (Collaborator.AddedAt: kept by profile changes, new when a removed
// collaborator is added again), as seen by tx. Package contact ends an
// impersonation session whose actor is not a collaborator without
// interruption since the session started (CON-6). Errors: ErrNotFound
// (office, or user not a collaborator); ErrInvalid ("tx").
func (f *Facts) CollaboratorSince(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (time.Time, error) {
	r, err := f.store.ClientGroupReader(tx)
	if err != nil {
		return time.Time{}, err
	}
	if _, err := r.Office(ctx, office); err != nil {
		return time.Time{}, err
	}
	c, err := r.Collaborator(ctx, office, user)
	if err != nil {
		return time.Time{}, err
	}
	return c.AddedAt, nil
}
