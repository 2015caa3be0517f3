package memstore

import (
	"cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// officeIndex is the by-office index of a large table (dossiers,
// placements), kept only once the table's rows have named a second office:
// a store usually serves one office, and there the index would repeat the
// table key for key (a million dossiers: some 24 MB each for the dossiers'
// and the placements' index, issue 15). While every row names one office
// and the index is not built, a listing by that office walks the table
// itself, and a listing by any other office is empty.
//
// Invariant (journaled, so a rollback keeps it): counts holds, for every
// office some row names, the number of such rows; built holds one row once
// the index is built, which happens in one pass over the table when a
// second office appears; idx is empty until then and holds every (office,
// key) pair of the table from then on, even if the rows come to name one
// office again (so that a store whose second office has one row pays the
// pass once, not at every move of that row).
type officeIndex[K cmp.Ordered, V any] struct {
	rows     *memdb.Table[K, V]
	officeOf func(V) memdb.Sym
	idx      *memdb.SymIndex[K]
	counts   *memdb.Table[memdb.Sym, int]
	built    *memdb.Table[uint8, struct{}] // key 1 once idx is built
}

func newOfficeIndex[K cmp.Ordered, V any](rows *memdb.Table[K, V], officeOf func(V) memdb.Sym) *officeIndex[K, V] {
	return &officeIndex[K, V]{rows: rows, officeOf: officeOf, idx: memdb.NewSymIndex[K](),
		counts: memdb.NewTable[memdb.Sym, int](nil), built: memdb.NewTable[uint8, struct{}](nil)}
}

func (o *officeIndex[K, V]) indexed() bool { return o.built.Has(1) }

// add records that the row k, already stored in rows, names office.
func (o *officeIndex[K, V]) add(tx *memdb.Tx, office memdb.Sym, k K) {
	n, _ := o.counts.Get(office)
	o.counts.Put(tx, office, n+1)
	switch {
	case o.indexed():
		o.idx.Add(tx, office, k)
	case o.counts.Len() >= 2:
		// The second office: index every row, k's included.
		for key, v := range o.rows.All() {
			o.idx.Add(tx, o.officeOf(v), key)
		}
		o.built.Put(tx, 1, struct{}{})
	}
}

// remove records that the row k no longer names office (it is deleted, or
// about to be replaced).
func (o *officeIndex[K, V]) remove(tx *memdb.Tx, office memdb.Sym, k K) {
	n, ok := o.counts.Get(office)
	if !ok {
		return
	}
	if o.indexed() {
		o.idx.Remove(tx, office, k)
	}
	if n > 1 {
		o.counts.Put(tx, office, n-1)
	} else {
		o.counts.Delete(tx, office)
	}
}

// view returns the keys of the rows naming office id (the caller still
// checks each row's office).
func (o *officeIndex[K, V]) view(syms *memdb.Symbols, id cabinet.OfficeID) memdb.Keys[K] {
	if o.indexed() {
		return viewOf(syms, o.idx, id)
	}
	if x, ok := syms.Lookup(string(id)); ok && o.counts.Has(x) {
		return o.rows.View()
	}
	return memdb.NoKeys[K]()
}
