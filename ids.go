package cabinet

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
)

// Typed identifiers shared by several packages. IDs are opaque strings chosen
// by an IDGenerator; the empty string is never a valid ID. Identifiers used by
// one package only (an invitation, a family person, a document item) are
// declared in that package.
type (
	UserID              string // an account (see team.Service.CreateUser)
	OfficeID            string // a tenant: practice, firm or office
	TeamID              string // an advisor team (package team)
	ReferralID          string // a referred client (package team)
	DossierID           string // a client dossier / vault (package access)
	ClientGroupID       string // a client group of an office (package clientgroup)
	CollaboratorGroupID string // a named set of collaborators (package clientgroup)
	ContactID           string // a contact of an office (package contact)
	ProcedureID         string // a document procedure (package procedure)
	CaseID              string // a running instance of a procedure (package procedure)
)

// IDGenerator produces fresh identifiers. Implementations must be safe for
// concurrent use and never return the same string twice for one prefix.
type IDGenerator interface {
	// NewID returns a new identifier starting with prefix, e.g. "team_…".
	NewID(prefix string) string
}

// SequentialIDs generates prefix_1, prefix_2, … from one counter shared by all
// prefixes. Deterministic, so tests and examples print stable output. The zero
// value is ready to use and safe for concurrent use.
type SequentialIDs struct{ n atomic.Uint64 }

// NewID implements IDGenerator.
func (s *SequentialIDs) NewID(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, s.n.Add(1))
}

// RandomIDs generates prefix_<32 random hex digits> from crypto/rand. It is
// the default IDGenerator of every service.
type RandomIDs struct{}

// NewID implements IDGenerator.
func (RandomIDs) NewID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return prefix + "_" + hex.EncodeToString(b[:])
}

// NewID returns a fresh typed ID from gen, e.g. NewID[TeamID](gen, "team").
func NewID[T ~string](gen IDGenerator, prefix string) T {
	return T(gen.NewID(prefix))
}

// Cursor is an opaque position in a listing ordered by ID. The empty cursor
// means "from the start"; a listing returns the cursor of its next page, or
// "" when there is none. Cursors are only meaningful to the store that made
// them.
type Cursor string

// Revision identifies a committed change. Every store write that commits
// returns a revision greater than every revision committed before it in the
// same store, so a replica can tell whether its view is at least as fresh as
// a given change (Zanzibar's "zookie").
type Revision uint64
