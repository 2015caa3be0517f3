package team

import (
	"context"
	"errors"
	"slices"

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

// TeamRoute reports whether user reaches dossier through the team route
// for viewing, as seen by tx: a referral of the dossier in a team user
// belongs to, for which CanReachDossier allows (user not the dossier's
// central person, the referrer still entitled — DossierReach.Entitled:
// every referrer who reaches the dossier at all may let a team view it —
// consent given; TEAM-8, TEAM-9). What the route opens beyond viewing is
// bounded by what a referrer may do themselves (TEAM-8 v2): callers that
// decide an edit or a tool ask TeamReferrers and check the referrers' own
// rights. Unknown users and dossiers reach nothing. Errors: the store's
// and the facts'; ErrInvalid ("tx").
func (f *Facts) TeamRoute(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	referrers, err := f.TeamReferrers(ctx, tx, user, dossier)
	if err != nil {
		return false, err
	}
	for _, ref := range referrers {
		reach, err := f.Reach(ctx, tx, ref, dossier)
		if err != nil {
			return false, err
		}
		if reach.Entitled() {
			return true, nil
		}
	}
	return false, nil
}

// TeamReferrers returns, as seen by tx and ascending without duplicates,
// the referrers of the referrals of dossier that open the team route to
// user save for what the referrers themselves hold: referrals in a team
// user is a member of, user not the dossier's granted central person,
// consent given (CanReachDossier with RouteFacts.ReferrerEntitled true;
// TEAM-8, TEAM-9). The route opens an action only when one of them may
// take it themselves — an internal route of the office (GRP-3, GRP-11), or
// a central grant that allows it (ACC-11): "a referral never opens a
// dossier its referrer could not open" (TEAM-8 v2); package access checks
// it for the family tree, package policy for every action. Unknown users
// and dossiers give none. Errors: the store's and the facts'; ErrInvalid
// ("tx").
func (f *Facts) TeamReferrers(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) ([]cabinet.UserID, error) {
	if user == "" || dossier == "" {
		return nil, nil
	}
	r, err := f.store.TeamReader(tx)
	if err != nil {
		return nil, err
	}
	refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
		return r.ListReferrals(ctx, ReferralFilter{Dossier: dossier}, p)
	})
	if err != nil {
		return nil, err
	}
	var out []cabinet.UserID
	var central, known bool
	for _, ref := range refs {
		t, err := r.Team(ctx, ref.Team)
		if err != nil {
			return nil, err
		}
		if !t.IsMember(user) {
			continue
		}
		if !known {
			if central, err = f.central(ctx, tx, user, dossier); err != nil {
				return nil, err
			}
			known = true
		}
		if CanReachDossier(t, ref, user, RouteFacts{Central: central, ReferrerEntitled: true}) == nil {
			out = append(out, ref.Referrer)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
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
