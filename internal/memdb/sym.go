package memdb

import (
	"cmp"
	"iter"
	"math"
	"strings"
)

// Sym is an interned string: a small integer standing for one string of a
// Symbols table. The zero Sym stands for "".
type Sym uint32

// Symbols interns strings: each distinct string it is given is stored once
// and named by a Sym. A store interns the IDs that its records repeat (the
// office, the manager and the client group of a million dossiers) so that a
// record holds 4-byte Syms instead of 16-byte string headers each pointing
// to a copy of the ID, and so that the indexes by such IDs compare integers.
//
// Interning is journaled like a table: the strings a failed transaction
// interned are forgotten when it rolls back, so no Sym outlives the writes
// that used it. A committed Sym is never reused nor forgotten, even when no
// record refers to it any more: intern only identifiers whose number is
// bounded by the records that exist (users, offices, groups), not values
// of unbounded variety. Symbols must only be used under its DB's lock:
// Lookup and String under Read or Write, Intern under Write.
type Symbols struct {
	ids  map[string]Sym
	strs []string // strs[s] is the string of Sym s; strs[0] is ""

	tx   *Tx // the open transaction that interned strings, if any
	mark int // len(strs) when tx interned its first string
}

// NewSymbols returns a table holding only "" (Sym 0).
func NewSymbols() *Symbols {
	return &Symbols{ids: map[string]Sym{"": 0}, strs: []string{""}}
}

// Intern returns the Sym of str, adding str (a copy, so that the table
// never pins a larger buffer str may be part of) if it is new. It costs one
// map lookup, and allocates only for a new string. Interning "" returns 0
// and writes nothing.
func (s *Symbols) Intern(tx *Tx, str string) Sym {
	if id, ok := s.ids[str]; ok {
		return id
	}
	tx.check()
	if s.tx != tx {
		tx.join(s.tx, s)
		s.tx, s.mark = tx, len(s.strs)
	}
	if len(s.strs) > math.MaxUint32 {
		panic("memdb: more than 2^32 symbols")
	}
	id := Sym(len(s.strs))
	str = strings.Clone(str)
	s.strs = append(s.strs, str)
	s.ids[str] = id
	return id
}

// Lookup returns the Sym of str, or false if str was never interned: no
// record refers to it.
func (s *Symbols) Lookup(str string) (Sym, bool) {
	id, ok := s.ids[str]
	return id, ok
}

// String returns the string of id. It panics if id was not returned by
// Intern (or was rolled back).
func (s *Symbols) String(id Sym) string { return s.strs[id] }

// Len returns the number of symbols, "" included.
func (s *Symbols) Len() int { return len(s.strs) }

func (s *Symbols) rollback() {
	for _, str := range s.strs[s.mark:] {
		delete(s.ids, str)
	}
	clear(s.strs[s.mark:])
	s.strs = s.strs[:s.mark]
}

func (s *Symbols) reset() { s.tx = nil }

// symShift places a SymIndex's key in the high half of its summaries; the
// low half is the first 4 bytes of the member's summary.
const (
	symShift  = 32
	symStable = math.MaxUint32 << symShift
)

// SymIndex is an Index whose keys are Syms: for each Sym, an ordered set of
// members. Each (key, member) pair is stored as the member and one 64-bit
// summary, the key in its high half and the start of the member (see
// key.go) in its low half, so that a pair of a string member costs 24
// bytes and a search compares integers, reading a member's bytes only when
// two members of one key start alike. Use it for relations whose keys are
// few and repeated (dossiers by manager, by office, by client group). It
// must only be used under its DB's lock.
type SymIndex[M cmp.Ordered] struct {
	items btree[M, struct{}]
	sum   summarizer[M]

	tx      *Tx
	log     []symUndo[M] // the open transaction's writes, oldest first
	logHint int          // the size the next transaction's log starts at (ResetLog)
}

type symUndo[M any] struct {
	k     Sym
	m     M
	added bool // the write added (k, m) (the inverse removes it)
}

// NewSymIndex returns an empty index.
func NewSymIndex[M cmp.Ordered]() *SymIndex[M] {
	return &SymIndex[M]{items: btree[M, struct{}]{tie: less[M], stable: symStable}, sum: newSummarizer[M]()}
}

func symSum(k Sym, member uint64) uint64 { return uint64(k)<<symShift | member>>symShift }

func (x *SymIndex[M]) set(k Sym, m M) bool {
	ms, resum := x.sum.admit(m)
	if resum {
		x.items.each(func(s *uint64, m M) { *s = *s&symStable | x.sum.of(m)>>symShift })
	}
	_, had := x.items.set(symSum(k, ms), m, struct{}{})
	return !had
}

func (x *SymIndex[M]) delete(k Sym, m M) bool {
	ms, ok := x.sum.probe(m)
	if !ok {
		return false
	}
	_, had := x.items.delete(symSum(k, ms), m)
	if x.items.len == 0 {
		x.sum = newSummarizer[M]()
	}
	return had
}

// Add puts m in k's set, in O(log n).
func (x *SymIndex[M]) Add(tx *Tx, k Sym, m M) {
	tx.check()
	if x.set(k, m) {
		x.record(tx, k, m, true)
	}
}

// Remove takes m out of k's set, in O(log n).
func (x *SymIndex[M]) Remove(tx *Tx, k Sym, m M) {
	tx.check()
	if x.delete(k, m) {
		x.record(tx, k, m, false)
	}
}

func (x *SymIndex[M]) record(tx *Tx, k Sym, m M, added bool) {
	tx.enlist(x.tx, x)
	x.tx = tx
	x.log = AppendLog(x.log, x.logHint, symUndo[M]{k, m, added})
}

func (x *SymIndex[M]) rollback() {
	for i := len(x.log) - 1; i >= 0; i-- {
		if u := x.log[i]; u.added {
			x.delete(u.k, u.m)
		} else {
			x.set(u.k, u.m)
		}
	}
}

func (x *SymIndex[M]) reset() {
	x.tx = nil
	x.log = ResetLog(x.log, &x.logHint)
}

// Has reports whether m is in k's set, in O(log n).
func (x *SymIndex[M]) Has(k Sym, m M) bool {
	ms, ok := x.sum.probe(m)
	return ok && x.items.lookup(symSum(k, ms), m) != nil
}

// Count returns the size of k's set, in O(log n).
func (x *SymIndex[M]) Count(k Sym) int {
	return x.items.rank(func(s uint64, _ M) bool { return s>>symShift <= uint64(k) }) -
		x.items.rank(func(s uint64, _ M) bool { return s>>symShift < uint64(k) })
}

// View returns k's set as a live ordered view: what a listing iterates from
// its cursor.
func (x *SymIndex[M]) View(k Sym) Keys[M] { return symKeys[M]{x, k} }

// symKeys is the Keys view of one key's set in a SymIndex.
type symKeys[M cmp.Ordered] struct {
	x *SymIndex[M]
	k Sym
}

func (v symKeys[M]) Len() int { return v.x.Count(v.k) }

func (v symKeys[M]) First() (M, bool) {
	for m := range v.All() {
		return m, true
	}
	var zero M
	return zero, false
}

func (v symKeys[M]) All() iter.Seq[M] {
	k := uint64(v.k)
	return v.from(func(s uint64, _ M) bool { return s>>symShift < k })
}

func (v symKeys[M]) After(after M) iter.Seq[M] {
	k := uint64(v.k)
	return v.from(func(s uint64, m M) bool { return s>>symShift < k || (s>>symShift == k && m <= after) })
}

// from yields the members of v.k from the first item for which below is
// false.
func (v symKeys[M]) from(below func(uint64, M) bool) iter.Seq[M] {
	k := uint64(v.k)
	return func(yield func(M) bool) {
		v.x.items.ascend(below, func(s uint64, m M, _ struct{}) bool {
			return s>>symShift == k && yield(m)
		})
	}
}

// NoKeys is an empty Keys view: the members of a key no record refers to.
func NoKeys[K cmp.Ordered]() Keys[K] { return noKeys[K]{} }

type noKeys[K cmp.Ordered] struct{}

func (noKeys[K]) Len() int { return 0 }

func (noKeys[K]) First() (K, bool) {
	var zero K
	return zero, false
}

func (noKeys[K]) All() iter.Seq[K] { return func(func(K) bool) {} }

func (noKeys[K]) After(K) iter.Seq[K] { return func(func(K) bool) {} }
