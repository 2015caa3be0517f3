package memstore

import (
	"cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// officeIndex is the by-office index of a large table (dossiers,
// placements), kept only once the table's rows name a second office: a
// store usually serves one office, and there the index would repeat the
// table key for key (a million dossiers: some 24 MB each for the dossiers'
// and the placements' index, issue 15). While every row names one office,
// a listing by that office walks the table itself, and a listing by any
// other office is empty.
//
// Invariant (journaled, so a rollback keeps it): counts holds, for every
// office some row names, the number of such rows; idx is empty while counts
// has at most one key, and holds every (office, key) pair of the table
// otherwise. The switch costs one pass over the table when the second
// office appears (the index is built), and one when the last row of the
// next-to-last office goes (it is emptied).
type officeIndex[K cmp.Ordered, V any] struct {
	rows     *memdb.Table[K, V]
	officeOf func(V) memdb.Sym
	idx      *memdb.SymIndex[K]
	counts   *memdb.Table[memdb.Sym, int]
}

func newOfficeIndex[K cmp.Ordered, V any](rows *memdb.Table[K, V], officeOf func(V) memdb.Sym) *officeIndex[K, V] {
	return &officeIndex[K, V]{rows: rows, officeOf: officeOf, idx: memdb.NewSymIndex[K](),
		counts: memdb.NewTable[memdb.Sym, int](nil)}
}

// add records that the row k, already stored in rows, names office.
func (o *officeIndex[K, V]) add(tx *memdb.Tx, office memdb.Sym, k K) {
	n, _ := o.counts.Get(office)
	o.counts.Put(tx, office, n+1)
	switch {
	case o.counts.Len() < 2:
	case n == 0 && o.counts.Len() == 2:
		// The second office: index every row, k's included.
		for key, v := range o.rows.All() {
			o.idx.Add(tx, o.officeOf(v), key)
		}
	default:
		o.idx.Add(tx, office, k)
	}
}

// remove records that the row k no longer names office (it is deleted, or
// about to be replaced).
func (o *officeIndex[K, V]) remove(tx *memdb.Tx, office memdb.Sym, k K) {
	n, ok := o.counts.Get(office)
	if !ok {
		return
	}
	indexed := o.counts.Len() >= 2
	if indexed {
		o.idx.Remove(tx, office, k)
	}
	if n > 1 {
		o.counts.Put(tx, office, n-1)
		return
	}
	o.counts.Delete(tx, office)
	if indexed && o.counts.Len() == 1 {
		// One office is left: empty the index.
		last, _ := o.counts.View().First()
		var keys []K
		for key := range o.idx.View(last).All() {
			keys = append(keys, key)
		}
		for _, key := range keys {
			o.idx.Remove(tx, last, key)
		}
	}
}

// view returns the keys of the rows naming office id (the caller still
// checks each row's office).
func (o *officeIndex[K, V]) view(syms *memdb.Symbols, id cabinet.OfficeID) memdb.Keys[K] {
	if o.counts.Len() >= 2 {
		return viewOf(syms, o.idx, id)
	}
	if x, ok := syms.Lookup(string(id)); ok && o.counts.Has(x) {
		return o.rows.View()
	}
	return memdb.NoKeys[K]()
}
