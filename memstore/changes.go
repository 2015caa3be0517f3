package memstore

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"
	"sync"

	"github.com/cabinet-go/cabinet"
)

var _ cabinet.ChangeLog = (*Store)(nil)

// DefaultRetention is how many changes a Store keeps in its change log by
// default (WithRetention).
const DefaultRetention = 100_000

// DefaultRetainedItems is how many keys and events, counted together, a
// Store's change log keeps at most by default (WithRetainedItems): about
// DefaultRetention commands of a few keys and events each, and, after a
// bulk import of batches of 10,000 records, its last few dozen batches
// rather than all of them (a batch of dossiers holds some 20,000 keys and
// 20,000 events).
const DefaultRetainedItems = 1_000_000

// WithRetention makes the store keep the last n changes of its change log
// (n < 1: DefaultRetention), within the bound of WithRetainedItems. A
// reader asking for changes older than that gets a *cabinet.StaleError and
// reloads.
func WithRetention(n int) Option {
	return func(s *Store) {
		if n < 1 {
			n = DefaultRetention
		}
		s.log.retention = n
	}
}

// WithRetainedItems bounds what the change log keeps by size: the keys and
// events of its changes, counted together, are at most n (n < 1:
// DefaultRetainedItems) — except that the last change is always kept,
// whatever its size. The oldest changes go first, as with WithRetention.
func WithRetainedItems(n int) Option {
	return func(s *Store) {
		if n < 1 {
			n = DefaultRetainedItems
		}
		s.log.budget = n
	}
}

// changeLog is the store's in-memory change log: the last retention
// changes in revision order, within budget keys and events. It is appended
// under the store's write lock (memdb.Tx.OnCommit), so revision order and
// log order are one; its own mutex lets readers stream it without the
// store's lock.
type changeLog struct {
	mu        sync.Mutex
	retention int // changes kept
	budget    int // keys and events kept
	// entries[start:] are the changes kept, ascending by revision. An
	// entry is never written once appended, so a reader iterates the slice
	// it took under mu without the lock; dropped entries are released by
	// copying the kept ones to a new array.
	entries []logEntry
	start   int
	items   int // keys and events of entries[start:]
	head    cabinet.Revision
	wake    chan struct{} // closed and replaced at every append
	hooks   []func(cabinet.Revision)
}

// logEntry is one change as the log keeps it: its batch (whose Revision is
// the change's) and its keys in compact form.
type logEntry struct {
	batch cabinet.Batch
	keys  logKeys
}

func (e *logEntry) items() int { return e.keys.n + len(e.batch.Events) }

func (e *logEntry) change() cabinet.Change {
	b := e.batch
	b.Events = slices.Clone(b.Events)
	return cabinet.Change{Revision: b.Revision, Batch: b, Keys: e.keys.decode()}
}

func (l *changeLog) init() {
	l.retention = DefaultRetention
	l.budget = DefaultRetainedItems
	l.wake = make(chan struct{})
}

func (l *changeLog) append(e logEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	l.items += e.items()
	for kept := len(l.entries) - l.start; kept > 1 && (kept > l.retention || l.items > l.budget); kept-- {
		l.items -= l.entries[l.start].items()
		l.start++
	}
	if kept := len(l.entries) - l.start; l.start > 0 && l.start >= kept/4 {
		// Release the dropped entries: at most a quarter of the kept ones
		// wait for it, and each copy follows as many drops (amortized O(1)
		// per append).
		l.entries = append(make([]logEntry, 0, kept+kept/4+1), l.entries[l.start:]...)
		l.start = 0
	}
	l.head = e.batch.Revision
	close(l.wake)
	l.wake = make(chan struct{})
}

// Changes implements cabinet.ChangeLog.
func (s *Store) Changes(ctx context.Context, after cabinet.Revision) iter.Seq2[cabinet.Change, error] {
	return func(yield func(cabinet.Change, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(cabinet.Change{}, err)
			return
		}
		l := &s.log
		l.mu.Lock()
		cs := l.entries[l.start:]
		head := l.head
		l.mu.Unlock()
		if after >= head {
			return
		}
		// The changes after `after` are all retained when the oldest
		// retained one is at most after+1 (revisions are consecutive).
		if len(cs) == 0 || cs[0].batch.Revision > after+1 {
			oldest := head + 1
			if len(cs) > 0 {
				oldest = cs[0].batch.Revision
			}
			yield(cabinet.Change{}, &cabinet.StaleError{After: after, Oldest: oldest})
			return
		}
		i, _ := slices.BinarySearchFunc(cs, after+1, func(e logEntry, r cabinet.Revision) int {
			return cmp.Compare(e.batch.Revision, r)
		})
		for j := range cs[i:] {
			if err := ctx.Err(); err != nil {
				yield(cabinet.Change{}, err)
				return
			}
			if !yield(cs[i+j].change(), nil) {
				return
			}
		}
	}
}

// Head implements cabinet.ChangeLog.
func (s *Store) Head(ctx context.Context) (cabinet.Revision, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return s.Revision(), nil
}

// Wait implements cabinet.ChangeLog.
func (s *Store) Wait(ctx context.Context, after cabinet.Revision) error {
	for {
		s.log.mu.Lock()
		head, wake := s.log.head, s.log.wake
		s.log.mu.Unlock()
		if head > after {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// OnCommit registers fn to be called after every commit, with its revision,
// in the committing goroutine once the store's lock is released (so fn may
// read the store and its change log). Hooks of concurrent commits may run
// in any order: a hook reads the change log from its own position
// (cabinet.Delivery.Drain does) rather than trusting the revision it is
// given to be the next one. Package kit uses it to apply every commit to
// the policy engine and the host's sinks before the command returns.
func (s *Store) OnCommit(fn func(cabinet.Revision)) {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.hooks = append(s.log.hooks, fn)
}

func (s *Store) runHooks(rev cabinet.Revision) {
	s.log.mu.Lock()
	hooks := s.log.hooks
	s.log.mu.Unlock()
	for _, h := range hooks {
		h(rev)
	}
}

// Deliver makes the store hand every committed batch to sinks before the
// Update… that committed it returns: a cabinet.Delivery from a
// cabinet.MemoryCursor at revision 0, drained by a commit hook (OnCommit)
// in the committing goroutine. Each batch reaches the sinks once, in
// revision order, one at a time, also with concurrent committers. It is
// the convenience of tests and of programs whose sinks keep nothing across
// restarts; a host that must resume after a crash persists its cursor and
// wires cabinet.Delivery itself (package kit does, with kit.WithCursor).
//
// A delivery lags by at most one commit per concurrent committer, so it
// falls out of the log only when WithRetention keeps fewer changes than
// there are committers; it then skips to the oldest change retained (the
// batches in between are lost to these sinks).
func Deliver(sinks ...cabinet.EventSink) Option {
	return func(s *Store) {
		cursor := cabinet.NewMemoryCursor(0)
		d := cabinet.NewDelivery(s, cursor, sinks...)
		s.OnCommit(func(cabinet.Revision) {
			ctx := context.Background()
			for {
				_, err := d.Drain(ctx)
				var stale *cabinet.StaleError
				if !errors.As(err, &stale) {
					return // nil: the other errors are the context's, and Background has none
				}
				_ = cursor.Save(ctx, stale.Oldest-1)
			}
		})
	}
}
