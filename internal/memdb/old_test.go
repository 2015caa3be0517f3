package memdb_test

import (
	"cmp"
	"iter"
	"slices"
	"sync"
)

// This file keeps memdb's previous Table and Index (a Go map with a sorted
// key cache that every insert or delete invalidates; a map of maps with a
// sorted cache per key), as they were before the B-tree, so that the
// benchmarks compare old and new in one run. Only the journal is adapted: it
// appends closures to an oldTx, as the old Tx did (the benchmarks never
// roll back).

type oldTx struct{ undo []func() }

// oldTable is a map of values keyed by K whose writes go through a *Tx.
// It must only be used under its DB's lock (reads under Read or Write,
// writes under Write).
type oldTable[K cmp.Ordered, V any] struct {
	rows  map[K]V
	clone func(V) V
	keys  oldKeyCache[K]
}

// oldKeyCache keeps the sorted keys of a set between writes, so that a full
// cursor scan costs one sort, not one per page. Readers share the DB's read
// lock, so the cache has its own mutex.
type oldKeyCache[K cmp.Ordered] struct {
	mu     sync.Mutex
	sorted []K
	valid  bool
}

func (c *oldKeyCache[K]) invalidate() {
	c.mu.Lock()
	c.sorted, c.valid = nil, false
	c.mu.Unlock()
}

// get returns the cached sorted keys, computing them with fill when stale.
// The slice is shared: its capacity is clipped so that an append copies, and
// callers must not modify it.
func (c *oldKeyCache[K]) get(fill func() []K) []K {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid {
		c.sorted = fill()
		slices.Sort(c.sorted)
		c.valid = true
	}
	return slices.Clip(c.sorted)
}

// newOldTable returns an empty table. clone copies a value deeply enough that
// the copy shares no mutable memory with the original; pass nil for values
// without slices, maps or pointers.
func newOldTable[K cmp.Ordered, V any](clone func(V) V) *oldTable[K, V] {
	if clone == nil {
		clone = func(v V) V { return v }
	}
	return &oldTable[K, V]{rows: make(map[K]V), clone: clone}
}

// Get returns a copy of the value stored under k.
func (t *oldTable[K, V]) Get(k K) (V, bool) {
	v, ok := t.rows[k]
	if !ok {
		return v, false
	}
	return t.clone(v), true
}

// Has reports whether k is present.
func (t *oldTable[K, V]) Has(k K) bool {
	_, ok := t.rows[k]
	return ok
}

// Len returns the number of rows.
func (t *oldTable[K, V]) Len() int { return len(t.rows) }

// Put stores a copy of v under k.
func (t *oldTable[K, V]) Put(tx *oldTx, k K, v V) {
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
func (t *oldTable[K, V]) Delete(tx *oldTx, k K) bool {
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
func (t *oldTable[K, V]) Keys() []K {
	return t.keys.get(func() []K {
		keys := make([]K, 0, len(t.rows))
		for k := range t.rows {
			keys = append(keys, k)
		}
		return keys
	})
}

// All yields copies of every row in ascending key order.
func (t *oldTable[K, V]) All() iter.Seq2[K, V] {
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
func (t *oldTable[K, V]) After(after K) iter.Seq2[K, V] {
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

// oldIndex is a journaled one-to-many relation: for each key, a set of members.
// Use it for secondary lookups (teams of a user, dossiers of a group, …).
type oldIndex[K, M cmp.Ordered] struct {
	sets map[K]map[M]struct{}

	mu     sync.Mutex // guards sorted; readers share the DB's read lock
	sorted map[K][]M  // sorted members per key, until the key's set changes
}

// newOldIndex returns an empty index.
func newOldIndex[K, M cmp.Ordered]() *oldIndex[K, M] {
	return &oldIndex[K, M]{sets: make(map[K]map[M]struct{}), sorted: make(map[K][]M)}
}

// Add puts m in k's set.
func (x *oldIndex[K, M]) Add(tx *oldTx, k K, m M) {
	s := x.sets[k]
	if _, ok := s[m]; ok {
		return
	}
	x.add(k, m)
	tx.undo = append(tx.undo, func() { x.remove(k, m) })
}

// Remove takes m out of k's set.
func (x *oldIndex[K, M]) Remove(tx *oldTx, k K, m M) {
	if _, ok := x.sets[k][m]; !ok {
		return
	}
	x.remove(k, m)
	tx.undo = append(tx.undo, func() { x.add(k, m) })
}

func (x *oldIndex[K, M]) forget(k K) {
	x.mu.Lock()
	delete(x.sorted, k)
	x.mu.Unlock()
}

func (x *oldIndex[K, M]) add(k K, m M) {
	x.forget(k)
	s := x.sets[k]
	if s == nil {
		s = make(map[M]struct{})
		x.sets[k] = s
	}
	s[m] = struct{}{}
}

func (x *oldIndex[K, M]) remove(k K, m M) {
	x.forget(k)
	s := x.sets[k]
	delete(s, m)
	if len(s) == 0 {
		delete(x.sets, k)
	}
}

// Has reports whether m is in k's set.
func (x *oldIndex[K, M]) Has(k K, m M) bool {
	_, ok := x.sets[k][m]
	return ok
}

// Count returns the size of k's set.
func (x *oldIndex[K, M]) Count(k K) int { return len(x.sets[k]) }

// Members returns k's set in ascending order. The slice is shared with
// later calls until k's set changes: callers must not modify it.
func (x *oldIndex[K, M]) Members(k K) []M {
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
