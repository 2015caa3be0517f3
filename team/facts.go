package team

import (
	"context"
	"errors"

	"github.com/cabinet-go/cabinet"
)

// Facts answers other packages' questions about accounts and the team
// route inside their own transactions: a command of access, clientgroup,
// contact or procedure that needs to know whether an email has an account,
// or whether a user reaches a dossier through a team (TEAM-8, TEAM-9), asks
// Facts with its transaction (cabinet.Tx), so the answer and the command's
// writes belong to one snapshot. It needs only the store and the other
// packages' facts (dir: clientgroup.Facts, dossiers: access.Facts), so it
// can be built before any service (package kit does). It is safe for
// concurrent use. Service uses the same Facts for its own rules.
type Facts struct {
	store    Store
	dir      Directory
	dossiers Dossiers
}

// NewFacts returns the facts of store, reading internal routes from dir and
// dossier facts from dossiers in the same transactions. None may be nil;
// store must be the store whose transactions are passed to Facts' methods.
func NewFacts(store Store, dir Directory, dossiers Dossiers) *Facts {
	if store == nil || dir == nil || dossiers == nil {
		panic("team.NewFacts: nil store, directory or dossiers")
	}
	return &Facts{store: store, dir: dir, dossiers: dossiers}
}

// central reports whether u holds a grant to a central person of dossier,
// as seen by tx (false for an unknown dossier or user).
func (f *Facts) central(ctx context.Context, tx cabinet.Tx, u cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	if u == "" || dossier == "" {
		return false, nil
	}
	return yes(f.dossiers.HoldsCentralGrant(ctx, tx, u, dossier))
}

// Reach returns, as seen by tx, what TEAM-8 needs to know about u and
// dossier: whether the dossier exists and is archived, whether u reaches
// it internally (GRP-3) and whether u is its granted central person.
// Unknown users and dossiers give the zero DossierReach. Errors: the
// store's and the facts'; ErrInvalid ("tx").
func (f *Facts) Reach(ctx context.Context, tx cabinet.Tx, u cabinet.UserID, dossier cabinet.DossierID) (DossierReach, error) {
	if u == "" || dossier == "" {
		return DossierReach{}, nil
	}
	df, err := f.dossiers.DossierFacts(ctx, tx, dossier)
	if errors.Is(err, cabinet.ErrNotFound) {
		return DossierReach{}, nil
	}
	if err != nil {
		return DossierReach{}, err
	}
	d := DossierReach{Exists: true, Archived: df.Status == cabinet.DossierArchived}
	if d.Internal, err = yes(f.dir.ReachesDossier(ctx, tx, u, dossier)); err != nil {
		return DossierReach{}, err
	}
	if d.Central, err = f.central(ctx, tx, u, dossier); err != nil {
		return DossierReach{}, err
	}
	return d, nil
}

// TeamRoute reports whether user reaches dossier through the team route,
// as seen by tx: a referral of the dossier in a team user belongs to, for
// which CanReachDossier allows (user not the dossier's central person, the
// referrer still entitled, consent given; TEAM-8, TEAM-9). Unknown users
// and dossiers reach nothing. Errors: the store's and the facts';
// ErrInvalid ("tx").
func (f *Facts) TeamRoute(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	if user == "" || dossier == "" {
		return false, nil
	}
	r, err := f.store.TeamReader(tx)
	if err != nil {
		return false, err
	}
	refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
		return r.ListReferrals(ctx, ReferralFilter{Dossier: dossier}, p)
	})
	if err != nil {
		return false, err
	}
	var central, known bool
	for _, ref := range refs {
		t, err := r.Team(ctx, ref.Team)
		if err != nil {
			return false, err
		}
		if !t.IsMember(user) {
			continue
		}
		if !known {
			if central, err = f.central(ctx, tx, user, dossier); err != nil {
				return false, err
			}
			known = true
		}
		referrer, err := f.Reach(ctx, tx, ref.Referrer, dossier)
		if err != nil {
			return false, err
		}
		if CanReachDossier(t, ref, user, RouteFacts{Central: central, ReferrerEntitled: referrer.Entitled()}) == nil {
			return true, nil
		}
	}
	return false, nil
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
