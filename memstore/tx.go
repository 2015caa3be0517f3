package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// txn is one transaction of the store: a read snapshot inside a View… (w is
// nil) or a write transaction inside an Update…. It implements cabinet.Tx;
// every package's reader and writer of the same transaction share it, so a
// command reaches any package's records through the store's …Reader and
// …Writer methods.
type txn struct {
	s      *Store
	rev    cabinet.Revision
	w      *memdb.Tx
	open   bool
	writes int // Put and Delete calls so far

	batch cabinet.Batch // Emit
	keys  keyRecorder   // touch: every record written, before and after
}

var _ cabinet.Tx = (*txn)(nil)

// Revision implements cabinet.Tx.
func (t *txn) Revision() cabinet.Revision { return t.rev }

// Writable implements cabinet.Tx.
func (t *txn) Writable() bool { return t.w != nil }

// Emit implements cabinet.Tx.
func (t *txn) Emit(b cabinet.Batch) error {
	if t.w == nil || !t.open {
		return cabinet.Invalid("tx", "is read-only or no longer open")
	}
	b.Events = slices.Clone(b.Events)
	t.batch = b
	t.w.MarkWritten()
	return nil
}

// touch records keys of a record the transaction writes, for the change
// log.
func (t *txn) touch(keys ...cabinet.Key) {
	for _, k := range keys {
		t.keys.add(k)
	}
}

// view runs fn on a read transaction under the read lock.
func (s *Store) view(ctx context.Context, fn func(t *txn) error) error {
	return s.db.Read(ctx, func(rev uint64) error {
		t := &txn{s: s, rev: cabinet.Revision(rev), open: true}
		defer func() { t.open = false }()
		return fn(t)
	})
}

// update runs fn in a write transaction under the write lock. When it
// commits, the change (the emitted batch and the keys written) is appended
// to the change log under the same lock, and the commit hooks run once the
// lock is released.
//
// The context's markers (package cabinet's what-if support): under
// cabinet.AtRevision(r), fn does not run and the update is a
// *cabinet.ConflictError unless the head revision — read under the write
// lock, which every commit holds — is r; under cabinet.DryRun, once fn
// succeeded the inspection runs on the open transaction with the keys
// written, and the transaction is rolled back: cabinet.ErrDryRun (or the
// inspection's error), nothing logged, no hook.
func (s *Store) update(ctx context.Context, fn func(t *txn) error) (cabinet.Revision, error) {
	before := s.Revision()
	want, bound := cabinet.RequiredRevision(ctx)
	inspect, dry := cabinet.DryRunOf(ctx)
	rev, err := s.db.Write(ctx, func(tx *memdb.Tx) error {
		t := &txn{s: s, rev: cabinet.Revision(tx.Revision()), w: tx, open: true, keys: s.keys}
		s.keys = keyRecorder{} // a rolled-back transaction's recorder is not given back
		defer func() { t.open = false }()
		if bound && t.rev != want {
			return cabinet.Moved(want, t.rev)
		}
		if err := fn(t); err != nil {
			return err
		}
		if dry {
			if err := inspect(ctx, t, t.keys.encode().decode()); err != nil {
				return err
			}
			return cabinet.ErrDryRun
		}
		tx.OnCommit(func(rev uint64) {
			e := logEntry{batch: t.batch, keys: t.keys.encode()}
			e.batch.Revision = cabinet.Revision(rev)
			s.log.append(e)
			// Given back, and taken from t: a Writer the host kept past
			// its function (a misuse) must not record keys into the
			// arrays of the next transaction's change.
			t.keys.reset()
			s.keys, t.keys = t.keys, keyRecorder{}
		})
		return nil
	})
	if err != nil {
		return 0, err
	}
	if r := cabinet.Revision(rev); r > before {
		s.runHooks(r)
	}
	return cabinet.Revision(rev), nil
}

// txOf returns tx as one of this store's open transactions; write asks for
// a writable one. Anything else is an *cabinet.InvalidError naming "tx".
func (s *Store) txOf(tx cabinet.Tx, write bool) (*txn, error) {
	t, ok := tx.(*txn)
	switch {
	case !ok || t == nil || t.s != s:
		return nil, cabinet.Invalid("tx", "is not a transaction of this store")
	case !t.open:
		return nil, cabinet.Invalid("tx", "is no longer open")
	case write && t.w == nil:
		return nil, cabinet.Invalid("tx", "is read-only")
	}
	return t, nil
}

// write is called by every Put and Delete of a writer before it writes: it
// refuses a transaction no longer open (a Writer kept past its function:
// an *cabinet.InvalidError naming "tx"), checks ctx, counts the write and
// fires a fault armed by FailNextWrite.
func (t *txn) write(ctx context.Context) error {
	if !t.open {
		return cabinet.Invalid("tx", "is no longer open")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t.writes++
	return t.s.fault.fire(t.writes)
}

// fault is a one-shot failure armed by FailNextWrite.
type fault struct {
	mu  sync.Mutex
	at  int // the write that fails, 0 when disarmed
	err error
}

func (f *fault) fire(n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.at == 0 || n != f.at {
		return nil
	}
	err := f.err
	f.at, f.err = 0, nil
	return err
}

// FailNextWrite arms a one-shot fault for tests of SPEC §3 invariant 8 ("a
// failed command changes nothing, also when it fails after its first
// write"): the k-th Put or Delete (k ≥ 1) of the next transaction that
// reaches it returns err instead of writing, so the transaction fails
// part-way and must roll back whole. Pass context.Canceled to model a
// context cancelled part-way. The fault fires at most once; DisarmFault
// removes one that did not fire (a transaction with fewer than k writes
// leaves it armed). k < 1 disarms.
func (s *Store) FailNextWrite(k int, err error) {
	s.fault.mu.Lock()
	defer s.fault.mu.Unlock()
	if k < 1 || err == nil {
		s.fault.at, s.fault.err = 0, nil
		return
	}
	s.fault.at, s.fault.err = k, err
}

// DisarmFault removes a fault armed by FailNextWrite that has not fired,
// and reports whether one was armed.
func (s *Store) DisarmFault() bool {
	s.fault.mu.Lock()
	defer s.fault.mu.Unlock()
	armed := s.fault.at != 0
	s.fault.at, s.fault.err = 0, nil
	return armed
}

// keyed is a record that names its change-log keys (cabinet.Key).
type keyed interface{ Keys() []cabinet.Key }

// touchPut records, for the change log, the keys of the record stored
// under k in t before the write (if any) and of v, the record written: old
// and new foreign keys alike.
func touchPut[K cmp.Ordered, V keyed](x *txn, t *memdb.Table[K, V], k K, v V) {
	if old, ok := t.Get(k); ok {
		x.touch(old.Keys()...)
	}
	x.touch(v.Keys()...)
}

// touchDelete records the keys of the record stored under k in t, which
// the transaction deletes.
func touchDelete[K cmp.Ordered, V keyed](x *txn, t *memdb.Table[K, V], k K) {
	if old, ok := t.Get(k); ok {
		x.touch(old.Keys()...)
	}
}
