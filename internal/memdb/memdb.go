// Package memdb is the transactional core of the in-memory store: one
// reader/writer lock, a revision counter, and generic tables and indexes whose
// writes are journaled so that a failed transaction is rolled back entirely.
//
// Semantics: Read runs a function under the read lock (a consistent snapshot,
// many readers at once). Write runs a function under the write lock; every
// Put, Delete, Add and Remove it makes through the *Tx is recorded with its
// inverse. If the function returns an error or panics, the inverses are
// applied in reverse order and the tables are exactly as before; otherwise
// the revision counter is incremented (only when something was written) and
// returned.
//
// Tables store values, not pointers: Get returns a copy, Put stores a copy
// (using the clone function given to NewTable for values that hold slices or
// maps), so no caller ever holds a pointer into the store.
package memdb

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"sync"
)

// DB is a lock and a revision counter shared by every table of one store.
// The zero value is ready to use.
type DB struct {
	mu  sync.RWMutex
	rev uint64
	// rerun, when set, makes Write run every function twice: once rolled
	// back, then for real (see SetRerun).
	rerun bool
}

// SetRerun makes every later Write run its function twice: the first run's
// writes are rolled back, then the function runs again and commits. A store
// whose transactions may be retried (PostgreSQL) runs a function more than
// once; tests use this to catch a function that is not safe to re-run.
// Call it before the DB is shared.
func (db *DB) SetRerun(on bool) { db.rerun = on }

// Tx journals the writes of one Write call.
type Tx struct {
	base     uint64
	undo     []func()
	written  bool               // MarkWritten: commit a revision even without undo entries
	onCommit []func(rev uint64) // run under the write lock once the revision is assigned
}

// MarkWritten makes the transaction commit a new revision even if it wrote
// nothing through a table (a store that logs emitted events needs one).
func (tx *Tx) MarkWritten() { tx.written = true }

// OnCommit registers fn to run when the transaction commits, still under
// the write lock, with the new revision: a store appends to its change log
// there, so that revision order and log order are one. fn must not fail or
// block.
func (tx *Tx) OnCommit(fn func(rev uint64)) { tx.onCommit = append(tx.onCommit, fn) }

// Revision returns the revision the transaction started from: the last
// committed write before it.
func (tx *Tx) Revision() uint64 { return tx.base }

// Read runs fn under the read lock, giving it the revision of the snapshot
// it sees (the last committed write). It returns ctx.Err() without running
// fn if ctx is already done.
func (db *DB) Read(ctx context.Context, fn func(rev uint64) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return fn(db.rev)
}

// Write runs fn under the write lock, rolling back every journaled write if
// fn fails or panics (the panic is re-raised after the rollback). It returns
// the revision after the transaction: a new one if fn wrote anything, the
// current one otherwise. With SetRerun, fn first runs once and is rolled
// back whatever it returns (its error, if any, is returned), then runs again.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) (rev uint64, err error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.rerun {
		tx := &Tx{base: db.rev}
		err := tx.run(fn)
		tx.rollback()
		if err != nil {
			return 0, err
		}
	}
	tx := &Tx{base: db.rev}
	if err := tx.run(fn); err != nil {
		tx.rollback()
		return 0, err
	}
	if len(tx.undo) > 0 || tx.written {
		db.rev++
		for _, f := range tx.onCommit {
			f(db.rev)
		}
	}
	return db.rev, nil
}

// run calls fn, rolling the transaction back if fn panics (the panic is
// re-raised).
func (tx *Tx) run(fn func(tx *Tx) error) error {
	done := false
	defer func() {
		if !done {
			tx.rollback()
		}
	}()
	err := fn(tx)
	done = true
	return err
}

// Revision returns the revision of the last committed write.
func (db *DB) Revision() uint64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.rev
}

func (tx *Tx) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		tx.undo[i]()
	}
	tx.undo, tx.written, tx.onCommit = nil, false, nil
}

// Table is a map of values keyed by K whose writes go through a *Tx.
// It must only be used under its DB's lock (reads under Read or Write,
// writes under Write).
type Table[K cmp.Ordered, V any] struct {
	rows  map[K]V
	clone func(V) V
	keys  keyCache[K]
}

// keyCache keeps the sorted keys of a set between writes, so that a full
// cursor scan costs one sort, not one per page. Readers share the DB's read
// lock, so the cache has its own mutex.
type keyCache[K cmp.Ordered] struct {
	mu     sync.Mutex
	sorted []K
	valid  bool
}

func (c *keyCache[K]) invalidate() {
	c.mu.Lock()
	c.sorted, c.valid = nil, false
	c.mu.Unlock()
}

// get returns the cached sorted keys, computing them with fill when stale.
// The slice is shared: its capacity is clipped so that an append copies, and
// callers must not modify it.
func (c *keyCache[K]) get(fill func() []K) []K {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid {
		c.sorted = fill()
		slices.Sort(c.sorted)
		c.valid = true
	}
	return slices.Clip(c.sorted)
}

// NewTable returns an empty table. clone copies a value deeply enough that
// the copy shares no mutable memory with the original; pass nil for values
// without slices, maps or pointers.
func NewTable[K cmp.Ordered, V any](clone func(V) V) *Table[K, V] {
	if clone == nil {
		clone = func(v V) V { return v }
	}
	return &Table[K, V]{rows: make(map[K]V), clone: clone}
}

// Get returns a copy of the value stored under k.
func (t *Table[K, V]) Get(k K) (V, bool) {
	v, ok := t.rows[k]
	if !ok {
		return v, false
	}
	return t.clone(v), true
}

// Has reports whether k is present.
func (t *Table[K, V]) Has(k K) bool {
	_, ok := t.rows[k]
	return ok
}

// Len returns the number of rows.
func (t *Table[K, V]) Len() int { return len(t.rows) }

// Put stores a copy of v under k.
func (t *Table[K, V]) Put(tx *Tx, k K, v V) {
	old, had := t.rows[k]
	t.rows[k] = t.clone(v)
	if !had {
		t.keys.invalidate()
	}
	tx.undo = append(tx.undo, func() {
		if had {
			t.rows[k] = old
		} else {
			delete(t.rows, k)
			t.keys.invalidate()
		}
	})
}

// Delete removes k and reports whether it was present.
func (t *Table[K, V]) Delete(tx *Tx, k K) bool {
	old, had := t.rows[k]
	if !had {
		return false
	}
	delete(t.rows, k)
	t.keys.invalidate()
	tx.undo = append(tx.undo, func() {
		t.rows[k] = old
		t.keys.invalidate()
	})
	return true
}

// Keys returns the keys in ascending order. The slice is shared with later
// calls until the next insert or delete: callers must not modify it.
func (t *Table[K, V]) Keys() []K {
	return t.keys.get(func() []K {
		keys := make([]K, 0, len(t.rows))
		for k := range t.rows {
			keys = append(keys, k)
		}
		return keys
	})
}

// All yields copies of every row in ascending key order.
func (t *Table[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for _, k := range t.Keys() {
			if !yield(k, t.clone(t.rows[k])) {
				return
			}
		}
	}
}

// After yields copies of the rows whose key is greater than after (all rows
// when after is the zero K), in ascending key order. It is the building block
// of cursor pagination.
func (t *Table[K, V]) After(after K) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		var zero K
		for _, k := range t.Keys() {
			if after != zero && k <= after {
				continue
			}
			if !yield(k, t.clone(t.rows[k])) {
				return
			}
		}
	}
}

// Index is a journaled one-to-many relation: for each key, a set of members.
// Use it for secondary lookups (teams of a user, dossiers of a group, …).
type Index[K, M cmp.Ordered] struct {
	sets map[K]map[M]struct{}

	mu     sync.Mutex // guards sorted; readers share the DB's read lock
	sorted map[K][]M  // sorted members per key, until the key's set changes
}

// NewIndex returns an empty index.
func NewIndex[K, M cmp.Ordered]() *Index[K, M] {
	return &Index[K, M]{sets: make(map[K]map[M]struct{}), sorted: make(map[K][]M)}
}

// Add puts m in k's set.
func (x *Index[K, M]) Add(tx *Tx, k K, m M) {
	s := x.sets[k]
	if _, ok := s[m]; ok {
		return
	}
	x.add(k, m)
	tx.undo = append(tx.undo, func() { x.remove(k, m) })
}

// Remove takes m out of k's set.
func (x *Index[K, M]) Remove(tx *Tx, k K, m M) {
	if _, ok := x.sets[k][m]; !ok {
		return
	}
	x.remove(k, m)
	tx.undo = append(tx.undo, func() { x.add(k, m) })
}

func (x *Index[K, M]) forget(k K) {
	x.mu.Lock()
	delete(x.sorted, k)
	x.mu.Unlock()
}

func (x *Index[K, M]) add(k K, m M) {
	x.forget(k)
	s := x.sets[k]
	if s == nil {
		s = make(map[M]struct{})
		x.sets[k] = s
	}
	s[m] = struct{}{}
}

func (x *Index[K, M]) remove(k K, m M) {
	x.forget(k)
	s := x.sets[k]
	delete(s, m)
	if len(s) == 0 {
		delete(x.sets, k)
	}
}

// Has reports whether m is in k's set.
func (x *Index[K, M]) Has(k K, m M) bool {
	_, ok := x.sets[k][m]
	return ok
}

// Count returns the size of k's set.
func (x *Index[K, M]) Count(k K) int { return len(x.sets[k]) }

// Members returns k's set in ascending order. The slice is shared with
// later calls until k's set changes: callers must not modify it.
func (x *Index[K, M]) Members(k K) []M {
	x.mu.Lock()
	defer x.mu.Unlock()
	if out, ok := x.sorted[k]; ok {
		return slices.Clip(out)
	}
	s := x.sets[k]
	out := make([]M, 0, len(s))
	for m := range s {
		out = append(out, m)
	}
	slices.Sort(out)
	x.sorted[k] = out
	return slices.Clip(out)
}
