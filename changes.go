package cabinet

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// KeyKind is the kind of record a Key names. The zero value is invalid.
type KeyKind uint8

// Key kinds: one per record of the five packages that a consumer of the
// change log may have to reload. KeyUser names a user that a record refers
// to (a dossier's manager, a grant's holder, a team's member, …, and the
// account itself); KeyAccount names a user whose own records changed — the
// account and the records read from the user's side (office memberships,
// collaborator-group memberships, direct assignments) — so that a consumer
// reads those again only when one of them was written, not for every record
// that merely names the user (issue 15). New kinds are added at the end: a
// kind's number is part of memstore's log encoding.
const (
	KeyInvalid           KeyKind = iota
	KeyUser                      // "user": an account (team)
	KeyTeam                      // "team" (team)
	KeyInvitation                // "invitation": a team invitation (team)
	KeyReferral                  // "referral" (team)
	KeyConsent                   // "consent": a dossier's consent switch (team, TEAM-9)
	KeyDossier                   // "dossier" (access)
	KeyPerson                    // "person": a person of a family tree (access)
	KeyAdvisor                   // "advisor": a registered external advisor (access)
	KeyGrant                     // "grant" (access)
	KeyOffice                    // "office" (clientgroup)
	KeyCollaboratorGroup         // "collaborator_group" (clientgroup)
	KeyClientGroup               // "client_group" (clientgroup)
	KeyContact                   // "contact" (contact)
	KeyCompany                   // "company" (contact)
	KeyProject                   // "project" (contact)
	KeyDecision                  // "decision" (contact)
	KeyUnit                      // "unit": a sales unit (contact)
	KeySession                   // "session": an impersonation session (contact)
	KeyPlan                      // "plan": an office's plan (procedure)
	KeyProcedure                 // "procedure" (procedure)
	KeyCase                      // "case" (procedure)
	KeyAccount                   // "account": a user's own records — account, collaborator, membership, direct assignment (team, clientgroup)

	keyKindEnd
)

var keyKindNames = [...]string{
	"invalid", "user", "team", "invitation", "referral", "consent", "dossier", "person", "advisor",
	"grant", "office", "collaborator_group", "client_group", "contact",
	"company", "project", "decision", "unit", "session", "plan", "procedure", "case", "account",
}

// String returns the kind's name, e.g. "dossier".
func (k KeyKind) String() string {
	if int(k) < len(keyKindNames) {
		return keyKindNames[k]
	}
	return fmt.Sprintf("KeyKind(%d)", uint8(k))
}

// Valid reports whether k is a known kind.
func (k KeyKind) Valid() bool { return k > KeyInvalid && k < keyKindEnd }

// ParseKeyKind returns the kind named s, or an *InvalidError for field
// "key_kind".
func ParseKeyKind(s string) (KeyKind, error) {
	if i := slices.Index(keyKindNames[1:], s); i >= 0 {
		return KeyKind(i + 1), nil
	}
	return KeyInvalid, Invalid("key_kind", "%q is not a record kind", s)
}

// Key names one record that a committed transaction wrote, or that a
// written record refers to. A store records, for every Put and Delete of a
// transaction, the keys of the record as it was and as it is — its own key
// and the keys of the records it links (the dossier and the account of a
// grant, the old and the new client group of a placement, …) — so that a
// consumer keeping a derived copy (the policy engine) reloads exactly what
// changed, without depending on a service remembering to name an ID in an
// event. A record with a composite identity (a collaborator is an office
// and a user; a placement is a dossier and its client group) is written as
// the keys of its parts. Each domain package gives the keys of each of its
// records (e.g. access.Grant.Keys), which every store records.
type Key struct {
	Kind KeyKind
	ID   string
}

// KeyOf returns the key of kind k for id.
func KeyOf[T ~string](k KeyKind, id T) Key { return Key{Kind: k, ID: string(id)} }

// String returns "kind:id".
func (k Key) String() string { return k.Kind.String() + ":" + k.ID }

// CompareKeys orders keys by kind, then ID.
func CompareKeys(a, b Key) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	return strings.Compare(a.ID, b.ID)
}

// NormalizeKeys sorts keys, drops duplicates and keys with an empty ID, and
// returns the result (reusing keys' storage).
func NormalizeKeys(keys []Key) []Key {
	keys = slices.DeleteFunc(keys, func(k Key) bool { return k.ID == "" || !k.Kind.Valid() })
	slices.SortFunc(keys, CompareKeys)
	return slices.Compact(keys)
}

// Change is one committed transaction of a store's change log: its
// revision, the batch of events the command emitted (Batch.Revision is the
// same revision; the batch has no events when the transaction emitted none)
// and the keys of every record it wrote (normalized: sorted, unique).
type Change struct {
	Revision Revision
	Batch    Batch
	Keys     []Key
}

// ChangeLog is a store's durable, ordered record of what it committed
// (SPEC §3 invariant 13): every committed transaction, in revision order,
// with the events its command emitted (Tx.Emit) and the keys of every
// record it wrote, recorded in the same transaction. memstore.Store and
// pgstore.Store implement it. Revision order is commit order: a reader that
// sees revision N has seen every revision below N.
type ChangeLog interface {
	// Changes yields, in revision order, every change committed after
	// `after`, up to the head at the time of the call. If changes after
	// `after` are no longer retained, the first thing yielded is a
	// *StaleError (ErrStale): the reader must reload its state in full and
	// continue from the revision of that load. The sequence ends at the
	// first error.
	Changes(ctx context.Context, after Revision) iter.Seq2[Change, error]
	// Head returns the revision of the last commit (0 for an empty store).
	Head(ctx context.Context) (Revision, error)
	// Wait returns nil as soon as a change after `after` is committed
	// (at once if one already is), or ctx's error when ctx is done first.
	Wait(ctx context.Context, after Revision) error
}

// ErrStale: a change-log position is older than what the store retains;
// the reader must reload. The error is a *StaleError.
var ErrStale = errors.New("cabinet: stale change-log position")

// StaleError reports that the changes after After are no longer retained:
// the oldest change the log still holds is Oldest. It matches ErrStale.
type StaleError struct {
	After  Revision
	Oldest Revision
}

// Error implements error.
func (e *StaleError) Error() string {
	return fmt.Sprintf("cabinet: the change log no longer holds the changes after revision %d (oldest retained: %d); reload", e.After, e.Oldest)
}

// Unwrap returns ErrStale.
func (e *StaleError) Unwrap() error { return ErrStale }
