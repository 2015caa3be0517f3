package cabinet

import (
	"context"
	"errors"
)

// What-if support (issue 16). Two context markers let a caller run a
// command without committing it, and commit it later only if the state has
// not moved since. Every store of this module (memstore, pgstore) honours
// both in each of its Update… methods; package policy builds its previews
// (policy.Engine.Preview) and their binding to a revision
// (policy.Engine.Apply) on them.

// ErrDryRun is returned by a store's Update… whose context carries a DryRun
// marker, once the command's function succeeded and the inspection ran:
// the transaction was rolled back — nothing was written, no revision was
// taken, the change log holds nothing of it and no commit hook ran. It is
// the only error of this module that wraps none of the four sentinels of
// errors.go: it reports that a dry run did what was asked, and only the
// code that asked for the dry run sees it (a command returns it as its
// error, unwrapped or wrapped: match it with errors.Is).
var ErrDryRun = errors.New("cabinet: dry run: the transaction was rolled back")

// Inspect is called by a store in a dry run (DryRun) with the writable
// transaction of the Update… whose function just succeeded, still open and
// holding every write of the command, and with the keys of every record
// it wrote (as they were and as they are, normalized as NormalizeKeys
// does; the keys the change log would have recorded). It reads what it
// needs through the store's …Reader(tx) methods; it must not write. Its
// error, if any, is the Update…'s error (the transaction is rolled back
// either way). A store may call it more than once for one Update… (a
// PostgreSQL transaction re-run after a serialization failure), each time
// with a fresh transaction: it must be safe to re-run, keeping only the
// last call's result.
type Inspect func(ctx context.Context, tx Tx, keys []Key) error

type dryRunKey struct{}

type atRevisionKey struct{}

// DryRun returns a context under which every Update… of the stores of this
// module runs its function and then, if the function succeeded, calls
// inspect with the open transaction and rolls the transaction back,
// returning ErrDryRun (or inspect's error) instead of committing. A
// function that fails returns its own error, as it would without the
// marker, and inspect is not called. Any caller may use it; a nil inspect
// returns ctx unchanged.
func DryRun(ctx context.Context, inspect Inspect) context.Context {
	if inspect == nil {
		return ctx
	}
	return context.WithValue(ctx, dryRunKey{}, inspect)
}

// DryRunOf returns the inspection of ctx's DryRun marker, and whether ctx
// carries one. Stores call it; nothing else needs to.
func DryRunOf(ctx context.Context) (Inspect, bool) {
	f, ok := ctx.Value(dryRunKey{}).(Inspect)
	return f, ok && f != nil
}

// AtRevision returns a context under which every Update… of the stores of
// this module commits only if the store's head revision — the last
// revision committed, read inside the writing transaction under the
// store's commit serialisation, so that no commit can slip in between the
// check and this commit — is r. Otherwise the Update… runs nothing and
// returns a *ConflictError (errors.Is ErrConflict) saying the state moved
// since r. Any caller may use it; a host applies a command previewed at r
// with it (policy.Engine.Apply).
func AtRevision(ctx context.Context, r Revision) context.Context {
	return context.WithValue(ctx, atRevisionKey{}, r)
}

// RequiredRevision returns the revision of ctx's AtRevision marker, and
// whether ctx carries one. Stores call it; nothing else needs to.
func RequiredRevision(ctx context.Context) (Revision, bool) {
	r, ok := ctx.Value(atRevisionKey{}).(Revision)
	return r, ok
}

// Moved returns the *ConflictError of an Update… refused by an AtRevision
// marker: the store's head is head, not want. Stores call it.
func Moved(want, head Revision) error {
	return Conflict("", "the state moved since revision %d (the head is %d): preview again", want, head)
}
