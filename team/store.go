package team

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// Store persists the package's records: user accounts, teams, invitations,
// referrals and the dossiers' consent switches. It is dumb persistence: the rules live in Service.
// Implementations must be safe for concurrent use; package memstore is the
// embedded one, and package teamtest is the conformance suite every
// implementation must pass.
type Store interface {
	// ViewTeams runs fn on a consistent snapshot. fn must not keep r after
	// it returns. It returns fn's error, or ctx.Err() if ctx is done.
	ViewTeams(ctx context.Context, fn func(r Reader) error) error
	// UpdateTeams runs fn in one transaction: all of fn's writes commit
	// together if it returns nil, none otherwise (fn's error is returned).
	// Returns the revision of the commit (unchanged if nothing was written).
	//
	// fn may run more than once (a store may retry a transaction that lost
	// a serialization race, as PostgreSQL's does): it must not keep state
	// across runs (reset what it collects at its start) and must not act
	// outside the store.
	//
	// Inside fn, w.Tx() is the transaction: pass it to the other packages'
	// stores (their …Reader and …Writer methods) to read or write their
	// records in the same transaction.
	UpdateTeams(ctx context.Context, fn func(w Writer) error) (cabinet.Revision, error)
	// TeamReader returns the records of this package in tx, an open
	// transaction (View or Update) of this same store, for a command of
	// another package that reads them in its own transaction. Any other tx
	// is an *cabinet.InvalidError naming "tx".
	TeamReader(tx cabinet.Tx) (Reader, error)
	// TeamWriter returns the records of this package in tx, an open write
	// transaction of this same store (else *cabinet.InvalidError "tx"), for
	// a command of another package that writes them in its own transaction.
	TeamWriter(tx cabinet.Tx) (Writer, error)
}

// Reader reads records. Every getter returns an error wrapping
// cabinet.ErrNotFound when the record does not exist. Listings are ordered
// by ID, start after the cursor (the empty cursor means from the start),
// return one cabinet.Page of records (zero limit is cabinet.DefaultPageSize,
// at most cabinet.MaxPageSize, negative is invalid) and the cursor of the
// next page, or "" when there is no further matching record. Values returned
// are copies.
type Reader interface {
	// Revision returns the revision of the snapshot this reader sees: the
	// last change committed before the View began, or, inside an Update,
	// before the transaction began. A store whose packages share one
	// counter (as memstore does) returns that shared revision. Consumers
	// such as the policy engine use it to tell how fresh their copy is.
	Revision() cabinet.Revision
	// Tx returns the transaction this reader belongs to (see cabinet.Tx).
	Tx() cabinet.Tx

	// User returns the account id.
	User(ctx context.Context, id cabinet.UserID) (cabinet.User, error)
	// UserByEmail returns the account whose email has the same
	// cabinet.EmailKey as email.
	UserByEmail(ctx context.Context, email string) (cabinet.User, error)
	// ListUsers lists every account.
	ListUsers(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error)

	// Team returns team id (personal or not).
	Team(ctx context.Context, id cabinet.TeamID) (Team, error)
	// PersonalTeam returns the personal team whose Owner is owner.
	PersonalTeam(ctx context.Context, owner cabinet.UserID) (Team, error)
	// ListTeams lists the teams matching f (TeamFilter.PendingLead: the
	// pending teams whose Lead is that user).
	ListTeams(ctx context.Context, f TeamFilter, p cabinet.Page) ([]Team, cabinet.Cursor, error)

	// Invitation returns invitation id.
	Invitation(ctx context.Context, id InvitationID) (Invitation, error)
	// ListInvitations lists the invitations matching f.
	ListInvitations(ctx context.Context, f InvitationFilter, p cabinet.Page) ([]Invitation, cabinet.Cursor, error)

	// Referral returns referral id, its Consent filled in from its
	// dossier's DossierConsent (ConsentGiven when there is none).
	Referral(ctx context.Context, id cabinet.ReferralID) (Referral, error)
	// ListReferrals lists the referrals matching f, each with its Consent
	// filled in as Referral does; ReferralFilter.Consent matches that
	// derived value, so a page holds only matching referrals.
	ListReferrals(ctx context.Context, f ReferralFilter, p cabinet.Page) ([]Referral, cabinet.Cursor, error)

	// DossierConsent returns the consent record of dossier (TEAM-9), or an
	// error wrapping cabinet.ErrNotFound when none was ever stored
	// (consent is then given).
	DossierConsent(ctx context.Context, dossier cabinet.DossierID) (DossierConsent, error)
	// ListDossierConsents lists the stored consent records matching f,
	// ordered by dossier ID.
	ListDossierConsents(ctx context.Context, f ConsentFilter, p cabinet.Page) ([]DossierConsent, cabinet.Cursor, error)
}

// Writer reads and writes records inside an UpdateTeams transaction. Put
// methods insert or replace the record with the same ID (keeping every
// lookup of the Reader consistent with the new value); Delete methods return
// an error wrapping cabinet.ErrNotFound when the record does not exist. An
// empty ID is refused with cabinet.ErrInvalid.
type Writer interface {
	Reader
	// PutUser stores u. Another user with the same cabinet.EmailKey is a
	// *cabinet.ConflictError.
	PutUser(ctx context.Context, u cabinet.User) error
	// PutTeam stores t. A personal team whose Owner already has another
	// personal team is a *cabinet.ConflictError.
	PutTeam(ctx context.Context, t Team) error
	// DeleteTeam removes team id.
	DeleteTeam(ctx context.Context, id cabinet.TeamID) error
	// PutInvitation stores inv.
	PutInvitation(ctx context.Context, inv Invitation) error
	// DeleteInvitation removes invitation id.
	DeleteInvitation(ctx context.Context, id InvitationID) error
	// PutReferral stores r. r.Consent is not stored (it is derived from
	// the dossier's consent record when read).
	PutReferral(ctx context.Context, r Referral) error
	// PutDossierConsent stores c, the consent switch of c.Dossier: from
	// then on every referral of that dossier reads with c.State. An empty
	// Dossier or an invalid State is refused with cabinet.ErrInvalid.
	PutDossierConsent(ctx context.Context, c DossierConsent) error
}
