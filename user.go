package cabinet

import (
	"context"
	"time"
)

// User is an account. One user may at once be a collaborator of an office, an
// advisor in teams, a holder of their own dossier and a contributor elsewhere.
// Accounts are created by team.Service.CreateUser, which also creates the
// user's personal team (TEAM-6). Emails are stored normalised (see
// ParseEmail) and are unique among users.
type User struct {
	ID          UserID
	DisplayName string
	Email       string
	CreatedAt   time.Time
}

// AccountListener links what waited for a person by email (a team
// invitation, a dossier grant, a contact, a contributor seat) to their new
// account. access.Service, contact.Service and procedure.Service implement
// it; the host registers them on team.Service with WithAccountListeners
// (package kit does).
//
// AccountCreated is called inside the transaction that creates the account
// u, with that transaction, so that creating an account and linking what
// waited for its email is one command: it commits whole or not at all. It
// reads and writes through tx (its package's Store …Writer(tx)), returns
// the events to publish with the account's, and must be safe to run more
// than once (the store may retry the transaction). An error aborts the
// account's creation.
type AccountListener interface {
	AccountCreated(ctx context.Context, tx Tx, u User) ([]Event, error)
}

// CollaboratorListener is told, inside the transaction that removes a
// collaborator from an office, that they are no longer one, so that what
// they ran as a collaborator ends in the same transaction (an impersonation
// session, CON-6). contact.Service implements it; the host registers it on
// clientgroup.Service with WithCollaboratorListeners (package kit does).
// CollaboratorRemoved reads and writes through tx, returns the events to
// publish with the removal's, and must be safe to run more than once. An
// error aborts the removal.
type CollaboratorListener interface {
	CollaboratorRemoved(ctx context.Context, tx Tx, office OfficeID, user UserID) ([]Event, error)
}

// Keys returns the change-log keys of the account (see Key): the user and
// its account.
func (u User) Keys() []Key { return []Key{KeyOf(KeyUser, u.ID), KeyOf(KeyAccount, u.ID)} }
