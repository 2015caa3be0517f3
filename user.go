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

// AccountListener is told when an account has been created, so that what was
// waiting for that person by email (a team invitation, a dossier grant, a
// contact, a contributor role) becomes theirs. access.Service,
// contact.Service and procedure.Service implement it; the host registers them
// on team.Service with WithAccountListeners.
//
// AccountCreated is called after the account is committed. It must be
// idempotent: a host may call it again for the same user (for instance to
// recover from a crash between the two).
type AccountListener interface {
	AccountCreated(ctx context.Context, u User) error
}
