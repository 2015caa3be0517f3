package memstore

import (
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

// WithRetention makes the store keep the last n changes of its change log
// (n < 1: DefaultRetention). A reader asking for changes older than that
// gets a *cabinet.StaleError and reloads.
func WithRetention(n int) Option {
	return func(s *Store) {
		if n < 1 {
			n = DefaultRetention
		}
		s.log.retention = n
	}
}

// changeLog is the store's in-memory change log: the last retention
// changes in revision order. It is appended under the store's write lock
// (memdb.Tx.OnCommit), so revision order and log order are one; its own
// mutex lets readers stream it without the store's lock.
//
// A reader keeps the slice it took under the mutex and streams it
// unlocked, so the log never rewrites an element it has published: it
// appends past the end (beyond every reader's length) and trims by
// reslicing the front; append moves the retained changes to a new array
// when the old one is full, and the old one is freed once its last reader
// is done.
type changeLog struct {
	mu        sync.Mutex
	retention int
	changes   []cabinet.Change // ascending by revision
	head      cabinet.Revision
	wake      chan struct{} // closed and replaced at every append
	hooks     []func(cabinet.Revision)
}

func (l *changeLog) init() {
	l.retention = DefaultRetention
	l.wake = make(chan struct{})
}

func (l *changeLog) append(c cabinet.Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes = append(l.changes, c)
	if n := len(l.changes) - l.retention; n > 0 {
		// Drop the oldest without moving the others (see changeLog).
		l.changes = l.changes[n:]
	}
	l.head = c.Revision
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
		cs := l.changes
		head := l.head
		l.mu.Unlock()
		if after >= head {
			return
		}
		// The changes after `after` are all retained when the oldest
		// retained one is at most after+1 (revisions are consecutive).
		if len(cs) == 0 || cs[0].Revision > after+1 {
			oldest := head + 1
			if len(cs) > 0 {
				oldest = cs[0].Revision
			}
			yield(cabinet.Change{}, &cabinet.StaleError{After: after, Oldest: oldest})
			return
		}
		i, _ := slices.BinarySearchFunc(cs, after+1, func(c cabinet.Change, r cabinet.Revision) int {
			return int(c.Revision) - int(r)
		})
		for _, c := range cs[i:] {
			if err := ctx.Err(); err != nil {
				yield(cabinet.Change{}, err)
				return
			}
			if !yield(copyChange(c), nil) {
				return
			}
		}
	}
}

func copyChange(c cabinet.Change) cabinet.Change {
	c.Keys = slices.Clone(c.Keys)
	c.Batch.Events = slices.Clone(c.Batch.Events)
	return c
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
