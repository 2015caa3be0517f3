// Package memdb is the transactional core of the in-memory store: one
// reader/writer lock, a revision counter, and generic ordered tables and
// indexes whose writes are journaled so that a failed transaction is rolled
// back entirely.
//
// Semantics: Read runs a function under the read lock (a consistent snapshot,
// many readers at once). Write runs a function under the write lock; every
// Put, Delete, Add and Remove it makes through the *Tx is recorded with its
// inverse. If the function returns an error or panics, the inverses are
// applied in reverse order and the tables hold exactly the keys and values
// they held before; otherwise the revision counter is incremented (only when
// something was written) and returned.
//
// Tables store values, not pointers: Get returns a copy, Put stores a copy
// (using the clone function given to NewTable for values that hold slices or
// maps), so no caller ever holds a pointer into the store.
//
// Symbols interns strings as Syms (small integers), journaled like the
// tables: a store interns the IDs its records repeat, keeps Syms in its
// rows, and indexes by them with a SymIndex, whose (key, member) pairs cost
// 24 bytes for a string member and compare as integers.
//
// Costs: tables and indexes are B-trees kept in key order, so with n rows
// (or pairs), Get, Has, Put, Delete, Add, Remove and Count cost O(log n) and
// allocate nothing beyond the journal entry of a write and, now and then, a
// node; Len costs O(1). Every stored key carries an integer summary ordered
// like the keys (key.go), so a search compares integers and reads a
// string key's bytes only between equal summaries. Interning costs one map
// lookup. Listings go through a Keys view (Table.View,
// Index.View) or Table.Ascend, which start at a cursor in O(log n) and then
// cost O(1) per key yielded: a page costs O(log n + page), never O(table).
// The older Keys and Members methods copy every key and cost O(n).
//
// Iterating while writing: the iterators are live. A Write may put and
// delete rows of a table it is iterating; the iteration then continues with
// the first key after the last one it yielded, in the table as it is at that
// moment. Nothing on the read path writes to memory, so any number of
// readers may share the read lock.
package memdb

import (
	"cmp"
	"context"
	"iter"
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

// Tx journals the writes of one Write call. It is valid only while the
// function given to Write runs; a write through it afterwards panics.
type Tx struct {
	base     uint64
	journals []journal // the tables and indexes this transaction wrote to
	wrote    bool      // a write, or MarkWritten: the commit takes a revision
	done     bool
	onCommit []func(rev uint64) // run under the write lock once the revision is assigned
}

// journal is the undo log of one table or index for the open transaction.
type journal interface {
	rollback() // apply the inverses, newest first
	reset()    // forget the log (after a commit or a rollback)
}

// MarkWritten makes the transaction commit a new revision even if it wrote
// nothing through a table (a store that logs emitted events needs one).
func (tx *Tx) MarkWritten() { tx.wrote = true }

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
	tx.commit()
	if tx.wrote {
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

// rollback undoes every write of tx and closes it. Tables and indexes are
// independent, so only the order within one journal matters.
func (tx *Tx) rollback() {
	for i := len(tx.journals) - 1; i >= 0; i-- {
		tx.journals[i].rollback()
	}
	tx.onCommit = nil
	tx.close()
}

// commit keeps every write of tx and closes it.
func (tx *Tx) commit() { tx.close() }

func (tx *Tx) close() {
	for _, j := range tx.journals {
		j.reset()
	}
	tx.journals = nil
	tx.done = true
}

// check panics if tx is closed (its Write has returned). Every write calls
// it before it changes anything.
func (tx *Tx) check() {
	if tx.done {
		panic("memdb: write through a transaction whose Write has returned")
	}
}

// enlist is called by a table or index j when it journals a write of tx;
// owner is the transaction j's log belongs to, so that j joins tx's journals
// on its first write in tx.
func (tx *Tx) enlist(owner *Tx, j journal) {
	tx.wrote = true
	tx.join(owner, j)
}

// join is enlist for a journal whose writes alone do not make a revision
// (Symbols: interning a string changes no record).
func (tx *Tx) join(owner *Tx, j journal) {
	if owner != tx {
		tx.journals = append(tx.journals, j)
	}
}

// keepLog is the capacity up to which a journal's slice is kept for the
// next transaction; a larger one (a bulk load's) is released, leaving a
// size hint (ResetLog).
const keepLog = 1 << 10

// Keys is an ordered, live view of a set of keys: the keys of a table
// (Table.View) or the members of one key of an index (Index.View). Every
// method reads the set as it is when called, under the DB's lock held by the
// caller (Read or Write).
type Keys[K cmp.Ordered] interface {
	// Len returns the number of keys: O(1) for a table, O(log n) for an
	// index.
	Len() int
	// First returns the smallest key, if any, in O(log n).
	First() (K, bool)
	// All yields every key in ascending order: O(log n) to start, O(1) per
	// key.
	All() iter.Seq[K]
	// After yields the keys greater than after (a cursor: the last key of
	// the previous page) in ascending order: O(log n) to start, O(1) per key.
	After(after K) iter.Seq[K]
}

// Table is an ordered map of values keyed by K whose writes go through a
// *Tx. It must only be used under its DB's lock (reads under Read or Write,
// writes under Write).
type Table[K cmp.Ordered, V any] struct {
	rows  btree[K, V]
	sum   summarizer[K]
	clone func(V) V

	// The undo log of the open transaction tx, oldest first: log[i] says
	// that before write i, the row log[i].key held olds[log[i].old] (or was
	// absent when old < 0).
	tx   *Tx
	log  []tableUndo[K]
	olds []V
	// The sizes the next transaction's log and olds start at (ResetLog).
	logHint, oldsHint int
}

type tableUndo[K any] struct {
	key K
	old int
}

// NewTable returns an empty table. clone copies a value deeply enough that
// the copy shares no mutable memory with the original; pass nil for values
// without slices, maps or pointers. Keys are ordered by <; a float key must
// not be NaN.
func NewTable[K cmp.Ordered, V any](clone func(V) V) *Table[K, V] {
	if clone == nil {
		clone = func(v V) V { return v }
	}
	return &Table[K, V]{rows: btree[K, V]{tie: less[K]}, sum: newSummarizer[K](), clone: clone}
}

// lookup returns a pointer to the value stored under k, or nil: the read
// path of every command. The pointer is valid until the next write.
func (t *Table[K, V]) lookup(k K) *V {
	s, ok := t.sum.probe(k)
	if !ok {
		return nil
	}
	return t.rows.lookup(s, k)
}

// set stores v under k, returning the value it replaces, if any.
func (t *Table[K, V]) set(k K, v V) (V, bool) {
	s, resum := t.sum.admit(k)
	if resum {
		t.rows.each(func(s *uint64, k K) { *s = t.sum.of(k) })
	}
	return t.rows.set(s, k, v)
}

// delete removes k, returning its value if it was present.
func (t *Table[K, V]) delete(k K) (V, bool) {
	s, ok := t.sum.probe(k)
	if !ok {
		var zero V
		return zero, false
	}
	old, had := t.rows.delete(s, k)
	if t.rows.len == 0 {
		t.sum = newSummarizer[K]() // the next key chooses the prefix afresh
	}
	return old, had
}

// Get returns a copy of the value stored under k, in O(log n) without
// allocating (beyond what clone allocates).
func (t *Table[K, V]) Get(k K) (V, bool) {
	p := t.lookup(k)
	if p == nil {
		var zero V
		return zero, false
	}
	return t.clone(*p), true
}

// Has reports whether k is present, in O(log n).
func (t *Table[K, V]) Has(k K) bool { return t.lookup(k) != nil }

// Len returns the number of rows, in O(1).
func (t *Table[K, V]) Len() int { return t.rows.len }

// Put stores a copy of v under k, in O(log n), journaling the previous row.
func (t *Table[K, V]) Put(tx *Tx, k K, v V) {
	tx.check()
	old, had := t.set(k, t.clone(v))
	t.journal(tx, k, old, had)
}

// Delete removes k, in O(log n), and reports whether it was present.
func (t *Table[K, V]) Delete(tx *Tx, k K) bool {
	tx.check()
	old, had := t.delete(k)
	if had {
		t.journal(tx, k, old, true)
	}
	return had
}

func (t *Table[K, V]) journal(tx *Tx, k K, old V, had bool) {
	tx.enlist(t.tx, t)
	t.tx = tx
	u := tableUndo[K]{key: k, old: -1}
	if had {
		u.old = len(t.olds)
		t.olds = AppendLog(t.olds, t.oldsHint, old)
	}
	t.log = AppendLog(t.log, t.logHint, u)
}

func (t *Table[K, V]) rollback() {
	for i := len(t.log) - 1; i >= 0; i-- {
		u := t.log[i]
		if u.old < 0 {
			t.delete(u.key)
		} else {
			t.set(u.key, t.olds[u.old])
		}
	}
}

func (t *Table[K, V]) reset() {
	t.tx = nil
	t.log = ResetLog(t.log, &t.logHint)
	t.olds = ResetLog(t.olds, &t.oldsHint)
}

// ResetLog empties a journal slice for the next transaction, dropping its
// references (a store's own per-transaction buffers use it too: memstore's
// key recorder). It keeps a small slice's array; it releases a large one (the
// store keeps no bulk load's journal after it), setting *hint to a little
// more than this transaction's length when it used a quarter of the array
// or more, else to 0. AppendLog starts the next journal at *hint: a bulk
// import's batches of one size then allocate their journal once each
// instead of growing it from empty (issue 15: a third of the import's
// allocations at 1,000,000 dossiers), and a small transaction after them
// allocates its first hinted array once and no more.
func ResetLog[E any](s []E, hint *int) []E {
	if cap(s) > keepLog {
		*hint = 0
		if len(s) >= cap(s)/4 {
			*hint = len(s) + len(s)/8
		}
		return nil
	}
	clear(s)
	return s[:0]
}

// AppendLog appends e to a journal slice, allocating hint entries for it
// first when it has none (ResetLog).
func AppendLog[E any](s []E, hint int, e E) []E {
	if cap(s) == 0 && hint > 0 {
		s = make([]E, 0, hint)
	}
	return append(s, e)
}

// View returns the table's keys as a live ordered view: what a listing
// iterates from its cursor.
func (t *Table[K, V]) View() Keys[K] { return tableKeys[K, V]{t} }

// Keys returns a new slice of the keys in ascending order.
//
// Obsolescent: Keys copies every key, O(n) time and memory per call; a
// listing iterates View from its cursor instead. (It gets a "Deprecated:"
// note once memstore no longer calls it: staticcheck rejects calls to a
// deprecated function.)
func (t *Table[K, V]) Keys() []K {
	keys := make([]K, 0, t.rows.len)
	t.rows.ascend(nil, func(_ uint64, k K, _ V) bool {
		keys = append(keys, k)
		return true
	})
	return keys
}

// All yields copies of every row in ascending key order: O(1) per row
// (plus clone), and no copy of the key list.
func (t *Table[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		t.rows.ascend(nil, func(_ uint64, k K, v V) bool { return yield(k, t.clone(v)) })
	}
}

// Ascend yields copies of the rows whose key is greater than after, in
// ascending key order: O(log n) to start, O(1) per row (plus clone). It is
// the building block of cursor pagination.
func (t *Table[K, V]) Ascend(after K) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		t.rows.ascend(notAfter[V](after), func(_ uint64, k K, v V) bool { return yield(k, t.clone(v)) })
	}
}

// After is Ascend, except that the zero K means "from the start" (All).
func (t *Table[K, V]) After(after K) iter.Seq2[K, V] {
	var zero K
	if after == zero {
		return t.All()
	}
	return t.Ascend(after)
}

// notAfter is the bound of an iteration that starts after the key after.
// The order of a table is the order of its keys, so the bound compares
// keys, whatever the summaries.
func notAfter[V any, K cmp.Ordered](after K) func(uint64, K) bool {
	return func(_ uint64, k K) bool { return k <= after }
}

// tableKeys is the Keys view of a table.
type tableKeys[K cmp.Ordered, V any] struct{ t *Table[K, V] }

func (v tableKeys[K, V]) Len() int { return v.t.rows.len }

func (v tableKeys[K, V]) First() (K, bool) { return v.t.rows.seek(nil) }

func (v tableKeys[K, V]) All() iter.Seq[K] {
	return func(yield func(K) bool) {
		v.t.rows.ascend(nil, func(_ uint64, k K, _ V) bool { return yield(k) })
	}
}

func (v tableKeys[K, V]) After(after K) iter.Seq[K] {
	return func(yield func(K) bool) {
		v.t.rows.ascend(notAfter[V](after), func(_ uint64, k K, _ V) bool { return yield(k) })
	}
}

// Index is a journaled one-to-many relation: for each key, an ordered set of
// members. Use it for secondary lookups (teams of a user, dossiers of a
// group, …). It is one B-tree of (key, member) pairs, so a key with one
// member costs one pair, not a set of its own; a pair of string keys is
// summarized by its key (see key.go). A relation whose keys are few and
// repeated (users, offices, groups) is cheaper as a SymIndex. It must only
// be used under its DB's lock.
type Index[K, M cmp.Ordered] struct {
	pairs btree[pair[K, M], struct{}]
	sum   summarizer[K]

	tx      *Tx
	log     []indexUndo[K, M] // the open transaction's writes, oldest first
	logHint int               // the size the next transaction's log starts at (ResetLog)
}

type pair[K, M cmp.Ordered] struct {
	k K
	m M
}

func pairLess[K, M cmp.Ordered](a, b pair[K, M]) bool {
	return a.k < b.k || (a.k == b.k && a.m < b.m)
}

type indexUndo[K, M cmp.Ordered] struct {
	p     pair[K, M]
	added bool // the write added p (the inverse removes it)
}

// NewIndex returns an empty index.
func NewIndex[K, M cmp.Ordered]() *Index[K, M] {
	return &Index[K, M]{pairs: btree[pair[K, M], struct{}]{tie: pairLess[K, M]}, sum: newSummarizer[K]()}
}

func (x *Index[K, M]) set(p pair[K, M]) bool {
	s, resum := x.sum.admit(p.k)
	if resum {
		x.pairs.each(func(s *uint64, p pair[K, M]) { *s = x.sum.of(p.k) })
	}
	_, had := x.pairs.set(s, p, struct{}{})
	return !had
}

func (x *Index[K, M]) delete(p pair[K, M]) bool {
	s, ok := x.sum.probe(p.k)
	if !ok {
		return false
	}
	_, had := x.pairs.delete(s, p)
	if x.pairs.len == 0 {
		x.sum = newSummarizer[K]()
	}
	return had
}

// Add puts m in k's set, in O(log n).
func (x *Index[K, M]) Add(tx *Tx, k K, m M) {
	tx.check()
	p := pair[K, M]{k, m}
	if x.set(p) {
		x.record(tx, p, true)
	}
}

// Remove takes m out of k's set, in O(log n).
func (x *Index[K, M]) Remove(tx *Tx, k K, m M) {
	tx.check()
	p := pair[K, M]{k, m}
	if x.delete(p) {
		x.record(tx, p, false)
	}
}

func (x *Index[K, M]) record(tx *Tx, p pair[K, M], added bool) {
	tx.enlist(x.tx, x)
	x.tx = tx
	x.log = AppendLog(x.log, x.logHint, indexUndo[K, M]{p, added})
}

func (x *Index[K, M]) rollback() {
	for i := len(x.log) - 1; i >= 0; i-- {
		if u := x.log[i]; u.added {
			x.delete(u.p)
		} else {
			x.set(u.p)
		}
	}
}

func (x *Index[K, M]) reset() {
	x.tx = nil
	x.log = ResetLog(x.log, &x.logHint)
}

// Has reports whether m is in k's set, in O(log n).
func (x *Index[K, M]) Has(k K, m M) bool {
	s, ok := x.sum.probe(k)
	return ok && x.pairs.lookup(s, pair[K, M]{k, m}) != nil
}

// Count returns the size of k's set, in O(log n).
func (x *Index[K, M]) Count(k K) int {
	return x.pairs.rank(func(_ uint64, p pair[K, M]) bool { return p.k <= k }) -
		x.pairs.rank(func(_ uint64, p pair[K, M]) bool { return p.k < k })
}

// View returns k's set as a live ordered view: what a listing iterates from
// its cursor.
func (x *Index[K, M]) View(k K) Keys[M] { return memberKeys[K, M]{x, k} }

// Members returns a new slice of k's set in ascending order.
//
// Obsolescent: Members copies the whole set, O(size of the set) time and
// memory per call; a listing iterates View from its cursor instead, and a
// lookup of one member uses View(k).First. (It gets a "Deprecated:" note once
// memstore no longer calls it.)
func (x *Index[K, M]) Members(k K) []M {
	out := make([]M, 0, x.Count(k))
	for m := range x.View(k).All() {
		out = append(out, m)
	}
	return out
}

// memberKeys is the Keys view of one key's set in an index.
type memberKeys[K, M cmp.Ordered] struct {
	x *Index[K, M]
	k K
}

func (v memberKeys[K, M]) Len() int { return v.x.Count(v.k) }

func (v memberKeys[K, M]) First() (M, bool) {
	p, ok := v.x.pairs.seek(func(_ uint64, p pair[K, M]) bool { return p.k < v.k })
	if !ok || p.k != v.k {
		var zero M
		return zero, false
	}
	return p.m, true
}

func (v memberKeys[K, M]) All() iter.Seq[M] {
	return v.from(func(_ uint64, p pair[K, M]) bool { return p.k < v.k })
}

func (v memberKeys[K, M]) After(after M) iter.Seq[M] {
	return v.from(func(_ uint64, p pair[K, M]) bool { return p.k < v.k || (p.k == v.k && p.m <= after) })
}

// from yields the members of v.k from the first pair for which below is
// false.
func (v memberKeys[K, M]) from(below func(uint64, pair[K, M]) bool) iter.Seq[M] {
	return func(yield func(M) bool) {
		v.x.pairs.ascend(below, func(_ uint64, p pair[K, M], _ struct{}) bool {
			return p.k == v.k && yield(p.m)
		})
	}
}
