package memstore

import (
	"cmp"
	"encoding/binary"
	"strings"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// The store interns the IDs its records repeat — offices, users, client and
// collaborator groups, teams, procedures — in one memdb.Symbols shared by
// every package, so that the large tables hold 4-byte Syms where they held
// string headers (each often pointing to its own copy of the ID), and the
// indexes by those IDs are memdb.SymIndexes, ordered by integers. IDs of
// unbounded number (dossiers, grants, persons, …) are not interned.

// intern returns the Sym of id, interning it in t's write transaction.
func intern[T ~string](t *txn, id T) memdb.Sym { return t.s.syms.Intern(t.w, string(id)) }

// idOf returns the ID of Sym x.
func idOf[T ~string](syms *memdb.Symbols, x memdb.Sym) T { return T(syms.String(x)) }

// viewOf returns id's set in x: empty when no record names id.
func viewOf[T ~string, M cmp.Ordered](syms *memdb.Symbols, x *memdb.SymIndex[M], id T) memdb.Keys[M] {
	if k, ok := syms.Lookup(string(id)); ok {
		return x.View(k)
	}
	return memdb.NoKeys[M]()
}

// index adds m to id's set in x.
func index[T ~string, M cmp.Ordered](t *txn, x *memdb.SymIndex[M], id T, m M) {
	x.Add(t.w, intern(t, id), m)
}

// unindex removes m from id's set in x.
func unindex[T ~string, M cmp.Ordered](t *txn, x *memdb.SymIndex[M], id T, m M) {
	if k, ok := t.s.syms.Lookup(string(id)); ok {
		x.Remove(t.w, k, m)
	}
}

// symList is a list of Syms packed in a string, 4 bytes each
// (little-endian): a record's list of user IDs costs 4 bytes an ID, and
// being immutable it is shared by every copy of the record. The empty list
// is "" and allocates nothing.
type symList string

// appendSyms writes the Syms of ids to b, interning them: a symList.
func appendSyms[T ~string](t *txn, b *strings.Builder, ids []T) {
	var buf [4]byte
	for _, id := range ids {
		binary.LittleEndian.PutUint32(buf[:], uint32(intern(t, id)))
		b.Write(buf[:])
	}
}

func (l symList) len() int { return len(l) / 4 }

func (l symList) at(i int) memdb.Sym {
	return memdb.Sym(uint32(l[4*i]) | uint32(l[4*i+1])<<8 | uint32(l[4*i+2])<<16 | uint32(l[4*i+3])<<24)
}

// has reports whether x is in l.
func (l symList) has(x memdb.Sym) bool {
	for i := range l.len() {
		if l.at(i) == x {
			return true
		}
	}
	return false
}

// idsOf returns the IDs of l as a new slice; nil for an empty list unless
// empty is set (the record held an empty, non-nil slice).
func idsOf[T ~string](syms *memdb.Symbols, l symList, empty bool) []T {
	if l.len() == 0 {
		if empty {
			return []T{}
		}
		return nil
	}
	out := make([]T, l.len())
	for i := range out {
		out[i] = idOf[T](syms, l.at(i))
	}
	return out
}
