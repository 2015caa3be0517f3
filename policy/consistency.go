package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/cabinet-go/cabinet"
)

// Consistency says how fresh the index must be for a question, as Zanzibar
// and SpiceDB let a caller choose per request:
//
//   - the zero value (MinimizeLatency): the index as it is, at once — the
//     fastest answer, possibly a few commits behind the store;
//   - AtLeast(r): an index that has applied revision r — every command
//     returns the revision it committed, so a caller asking about its own
//     write (read-your-writes), on this process or on a replica, passes that
//     revision;
//   - FullyConsistent(): an index that has applied the store's head at the
//     time of the question (one more read of the store per question).
//
// A question that must wait syncs the engine itself (Engine.Sync: the
// change is in the store's log, whichever process committed it) and, when
// the log does not hold the revision yet (a replica reading a standby that
// lags), waits for it (cabinet.ChangeLog.Wait), bounded by ctx. Check,
// Viewers and DossierQuery's zero Consistency never wait nor allocate.
type Consistency struct {
	mode consistencyMode
	rev  cabinet.Revision
}

type consistencyMode uint8

const (
	minimizeLatency consistencyMode = iota
	atLeast
	fullyConsistent
)

// MinimizeLatency returns the zero Consistency: answer from the index as
// it is.
func MinimizeLatency() Consistency { return Consistency{} }

// AtLeast returns the Consistency of an index that has applied revision r
// (Zanzibar's "at least as fresh as" a zookie). AtLeast(0) is
// MinimizeLatency.
func AtLeast(r cabinet.Revision) Consistency {
	if r == 0 {
		return Consistency{}
	}
	return Consistency{mode: atLeast, rev: r}
}

// FullyConsistent returns the Consistency of an index that has applied the
// store's head revision as of the question.
func FullyConsistent() Consistency { return Consistency{mode: fullyConsistent} }

// String returns "minimize_latency", "at_least(<r>)" or "fully_consistent".
func (c Consistency) String() string {
	switch c.mode {
	case atLeast:
		return fmt.Sprintf("at_least(%d)", c.rev)
	case fullyConsistent:
		return "fully_consistent"
	}
	return "minimize_latency"
}

// wait reports whether c may have to wait.
func (c Consistency) wait() bool { return c.mode != minimizeLatency }

// Await returns once the index is as fresh as c asks, with the engine's
// revision: at once for MinimizeLatency; for AtLeast(r) once the engine has
// applied r; for FullyConsistent once it has applied the store's head
// (cabinet.ChangeLog.Head) read now. It syncs the engine itself and waits
// on the store's log for what is not committed yet. Errors: ctx's (the
// wait is bounded by it: a revision no store ever commits waits until ctx
// is done), the store's (a failed Sync or Head).
func (e *Engine) Await(ctx context.Context, c Consistency) (cabinet.Revision, error) {
	target := c.rev
	switch c.mode {
	case minimizeLatency:
		return e.Revision(), ctx.Err()
	case fullyConsistent:
		head, err := e.log.Head(ctx)
		if err != nil {
			return e.Revision(), err
		}
		target = head
	}
	if rev := e.Revision(); rev >= target {
		return rev, nil
	}
	for {
		rev, err := e.syncTo(ctx, target)
		if err != nil || rev >= target {
			return rev, err
		}
		if err := e.log.Wait(ctx, rev); err != nil {
			return rev, err
		}
	}
}

// CheckAt is Check at the freshness c asks: it waits as Await does, then
// answers; Decision.Revision is the revision the answer was taken at (at
// least the one c names). With the zero Consistency it is Check. Errors:
// Await's.
func (e *Engine) CheckAt(ctx context.Context, c Consistency, s Subject, a Action, r Resource) (Decision, error) {
	if c.wait() {
		if _, err := e.Await(ctx, c); err != nil {
			return Decision{}, err
		}
	}
	return e.Check(ctx, s, a, r)
}

// isStale reports whether err says a change-log position is no longer
// retained.
func isStale(err error) bool { return errors.Is(err, cabinet.ErrStale) }
