package memdb_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// The property compares a Table, an Index and a SymIndex (keyed by the
// Syms of the Index's keys) with a plain map model over random sequences
// of transactions; the Symbols table that interns the keys and members is
// compared with the set of strings interned by committed transactions. A sequence is a list of operations; the
// markers opCommit, opFail and opPanic end a transaction (the last one
// commits). Bulk operations grow the tree to three levels, so splits,
// spills, merges and redistributions at every level are exercised, and a
// failed transaction may undo thousands of writes.

const (
	opPut         = iota // put key A with value B
	opDelete             // delete key A
	opPutRange           // put B*20 keys from A by stride C
	opDeleteRange        // delete B*20 keys from A by stride C
	opAppend             // put B*40 keys after every key so far
	opTrimEnds           // delete the B*10 smallest (C even) or largest keys
	opAdd                // add member A to index key B
	opRemove             // remove member A from index key B
	opAddRange           // add B*20 members from A by stride C to index key C
	opRemoveRange        // remove B*20 members from A by stride C from index key C
	opIterWrite          // iterate the table from cursor A, writing as it goes
	opIterRemove         // iterate index key B's members, removing some
	opCursors            // compare reads from cursors A and B with the model
	opCommit             // end the transaction, committing it
	opFail               // end the transaction with an error
	opPanic              // end the transaction with a panic
	opKinds
)

type op struct{ Kind, A, B, C int }

const keySpace = 6000

func key(i int) string { return fmt.Sprintf("k%d", i%keySpace) }

func group(i int) string { return fmt.Sprintf("g%d", i%8) }

// model is the expected content: table rows, and the index as a set of
// members per key.
type model struct {
	rows    map[string]int
	members map[string]map[string]bool
	syms    map[string]bool // the strings interned
	next    int             // counter of opAppend's keys
}

func (m model) clone() model {
	c := model{rows: maps.Clone(m.rows), members: map[string]map[string]bool{}, syms: maps.Clone(m.syms), next: m.next}
	for k, s := range m.members {
		c.members[k] = maps.Clone(s)
	}
	return c
}

func (m model) add(g, k string) {
	if m.members[g] == nil {
		m.members[g] = map[string]bool{}
	}
	m.members[g][k] = true
}

func (m model) remove(g, k string) {
	delete(m.members[g], k)
	if len(m.members[g]) == 0 {
		delete(m.members, g)
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// after returns the first n of keys greater than c.
func after(keys []string, c string, n int) []string {
	i, found := slices.BinarySearch(keys, c)
	if found {
		i++
	}
	return keys[i:min(len(keys), i+n)]
}

type world struct {
	db   memdb.DB
	tab  *memdb.Table[string, []int]
	idx  *memdb.Index[string, string]
	sidx *memdb.SymIndex[string]
	syms *memdb.Symbols
	m    model
}

// add adds member k to key g of the Index and of the SymIndex, interning
// g and k.
func (w *world) add(tx *memdb.Tx, m model, g, k string) {
	w.idx.Add(tx, g, k)
	w.sidx.Add(tx, w.intern(tx, m, g), k)
	w.intern(tx, m, k)
	m.add(g, k)
}

func (w *world) remove(tx *memdb.Tx, m model, g, k string) {
	w.idx.Remove(tx, g, k)
	w.sidx.Remove(tx, w.intern(tx, m, g), k)
	m.remove(g, k)
}

func (w *world) intern(tx *memdb.Tx, m model, s string) memdb.Sym {
	m.syms[s] = true
	return w.syms.Intern(tx, s)
}

// symView is the SymIndex's view of key g: empty when g was never
// interned.
func (w *world) symView(g string) memdb.Keys[string] {
	if s, ok := w.syms.Lookup(g); ok {
		return w.sidx.View(s)
	}
	return memdb.NoKeys[string]()
}

func cloneInts(v []int) []int { return append([]int(nil), v...) }

func newWorld(rerun bool) *world {
	w := &world{
		tab:  memdb.NewTable[string](cloneInts),
		idx:  memdb.NewIndex[string, string](),
		sidx: memdb.NewSymIndex[string](),
		syms: memdb.NewSymbols(),
		m:    model{rows: map[string]int{}, members: map[string]map[string]bool{}, syms: map[string]bool{}},
	}
	w.db.SetRerun(rerun)
	return w
}

var errFail = errors.New("roll back")

// run applies one transaction's operations to the world and to a copy of
// the model, which replaces the model if the transaction commits. It
// returns a description of the first difference seen inside the
// transaction, or "".
func (w *world) run(ops []op, end int) string {
	var (
		work model
		diff string
	)
	fn := func(tx *memdb.Tx) error {
		work, diff = w.m.clone(), ""
		for _, o := range ops {
			if d := w.apply(tx, work, o); d != "" && diff == "" {
				diff = d
			}
		}
		switch end {
		case opFail:
			return errFail
		case opPanic:
			panic(errFail)
		}
		return nil
	}
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = r.(error)
			}
		}()
		_, err = w.db.Write(context.Background(), fn)
	}()
	if (err != nil) != (end != opCommit) {
		return fmt.Sprintf("transaction ending with %d returned %v", end, err)
	}
	if err == nil {
		w.m = work
	}
	return diff
}

func (w *world) apply(tx *memdb.Tx, m model, o op) string {
	span := func(f func(k string)) {
		for j := range o.B * 20 {
			f(key(o.A + j*o.C))
		}
	}
	switch o.Kind {
	case opPut:
		w.tab.Put(tx, key(o.A), []int{o.B})
		m.rows[key(o.A)] = o.B
	case opDelete:
		if got, want := w.tab.Delete(tx, key(o.A)), hasKey(m.rows, key(o.A)); got != want {
			return fmt.Sprintf("Delete(%s) = %v, want %v", key(o.A), got, want)
		}
		delete(m.rows, key(o.A))
	case opPutRange:
		span(func(k string) { w.tab.Put(tx, k, []int{o.A}); m.rows[k] = o.A })
	case opDeleteRange:
		span(func(k string) { w.tab.Delete(tx, k); delete(m.rows, k) })
	case opAppend:
		for range o.B * 40 {
			k := fmt.Sprintf("z%07d", m.next)
			m.next++
			w.tab.Put(tx, k, []int{m.next})
			m.rows[k] = m.next
		}
	case opTrimEnds:
		keys := sortedKeys(m.rows)
		n := min(len(keys), o.B*10)
		if o.C%2 == 0 {
			keys = keys[:n]
		} else {
			keys = keys[len(keys)-n:]
		}
		for _, k := range keys {
			w.tab.Delete(tx, k)
			delete(m.rows, k)
		}
	case opAdd:
		w.add(tx, m, group(o.B), key(o.A))
	case opRemove:
		w.remove(tx, m, group(o.B), key(o.A))
	case opAddRange:
		span(func(k string) { w.add(tx, m, group(o.C), k) })
	case opRemoveRange:
		span(func(k string) { w.remove(tx, m, group(o.C), k) })
	case opIterWrite:
		return w.iterWrite(tx, m, o)
	case opIterRemove:
		g := group(o.B)
		want := sortedKeys(m.members[g])[:min(len(m.members[g]), 50)]
		for _, v := range []memdb.Keys[string]{w.idx.View(g), w.symView(g)} {
			var got []string
			for k := range v.All() {
				if len(got) == 50 {
					break
				}
				got = append(got, k)
				if len(got)%o.C == 0 {
					w.remove(tx, m, g, k)
				}
			}
			if !slices.Equal(got, want) {
				return fmt.Sprintf("%T View(%s).All() while removing = %v, want %v", v, g, got, want)
			}
			// The second view sees what the first one left.
			want = sortedKeys(m.members[g])[:min(len(m.members[g]), 50)]
		}
	case opCursors:
		return w.compareCursors(m, key(o.A), key(o.B), o.C)
	}
	return ""
}

func hasKey[V any](m map[string]V, k string) bool { _, ok := m[k]; return ok }

// compareSyms checks that the Symbols table holds exactly the strings
// interned by committed transactions, each under one Sym.
func (w *world) compareSyms() string {
	if got, want := w.syms.Len(), len(w.m.syms)+1; got != want {
		return fmt.Sprintf("Symbols.Len() = %d, want %d (\"\" and %d interned)", got, want, len(w.m.syms))
	}
	seen := map[memdb.Sym]bool{}
	for str := range w.m.syms {
		s, ok := w.syms.Lookup(str)
		if !ok || w.syms.String(s) != str || seen[s] || s == 0 {
			return fmt.Sprintf("Symbols.Lookup(%s) = %d %v (String %q)", str, s, ok, w.syms.String(s))
		}
		seen[s] = true
	}
	for _, str := range []string{"g8x", "never", "k"} {
		if _, ok := w.syms.Lookup(str); ok != w.m.syms[str] {
			return fmt.Sprintf("Symbols.Lookup(%s) = %v", str, ok)
		}
	}
	if s, ok := w.syms.Lookup(""); !ok || s != 0 {
		return fmt.Sprintf(`Symbols.Lookup("") = %d %v`, s, ok)
	}
	return ""
}

// iterWrite iterates the table from a cursor, deleting some of the keys it
// is given and putting keys that sort after them, and compares what it saw
// with the same walk over the model: each step goes to the smallest key
// after the last one, in the model as it is at that step.
func (w *world) iterWrite(tx *memdb.Tx, m model, o op) string {
	const limit = 60
	cursor := key(o.A)
	var got []string
	for k := range w.tab.View().After(cursor) {
		switch len(got) % o.C {
		case 0:
			w.tab.Delete(tx, k)
		case 1:
			w.tab.Put(tx, k+"x", []int{len(got)})
		}
		got = append(got, k)
		if len(got) == limit {
			break
		}
	}
	var want []string
	for last := cursor; len(want) < limit; {
		next, ok := "", false
		for k := range m.rows {
			if k > last && (!ok || k < next) {
				next, ok = k, true
			}
		}
		if !ok {
			break
		}
		switch len(want) % o.C {
		case 0:
			delete(m.rows, next)
		case 1:
			m.rows[next+"x"] = len(want)
		}
		want = append(want, next)
		last = next
	}
	if !slices.Equal(got, want) {
		return fmt.Sprintf("View().After(%s) while writing = %v, want %v", cursor, got, want)
	}
	return ""
}

// compareCursors checks every cursor read of the table and the index.
func (w *world) compareCursors(m model, a, b string, n int) string {
	keys := sortedKeys(m.rows)
	for _, c := range []string{a, b, "", "~"} {
		want := after(keys, c, n)
		var got []string
		for k, v := range w.tab.Ascend(c) {
			if len(got) == n {
				break
			}
			if len(v) != 1 || v[0] != m.rows[k] {
				return fmt.Sprintf("Ascend(%s) yields %s=%v, want [%d]", c, k, v, m.rows[k])
			}
			got = append(got, k)
		}
		if !slices.Equal(got, want) {
			return fmt.Sprintf("Ascend(%s) = %v, want %v", c, got, want)
		}
		if got := take(w.tab.View().After(c), n); !slices.Equal(got, want) {
			return fmt.Sprintf("View().After(%s) = %v, want %v", c, got, want)
		}
		var afterKeys []string
		for k := range w.tab.After(c) {
			if len(afterKeys) == n {
				break
			}
			afterKeys = append(afterKeys, k)
		}
		if c == "" {
			want = keys[:min(n, len(keys))]
		}
		if !slices.Equal(afterKeys, want) {
			return fmt.Sprintf("After(%q) = %v, want %v", c, afterKeys, want)
		}
	}
	for gi := range 8 {
		g := group(gi)
		members := sortedKeys(m.members[g])
		for _, c := range []string{a, b, ""} {
			if got, want := take(w.idx.View(g).After(c), n), after(members, c, n); !slices.Equal(got, want) {
				return fmt.Sprintf("Index.View(%s).After(%s) = %v, want %v", g, c, got, want)
			}
			if got, want := take(w.symView(g).After(c), n), after(members, c, n); !slices.Equal(got, want) {
				return fmt.Sprintf("SymIndex.View(%s).After(%s) = %v, want %v", g, c, got, want)
			}
		}
	}
	return ""
}

func take(seq func(func(string) bool), n int) []string {
	var out []string
	for k := range seq {
		if len(out) == n {
			break
		}
		out = append(out, k)
	}
	return out
}

// compare checks the whole content of the world against its model, outside
// any transaction.
func (w *world) compare() string {
	if err := w.tab.Check(); err != nil {
		return "table: " + err.Error()
	}
	if err := w.idx.Check(); err != nil {
		return "index: " + err.Error()
	}
	if err := w.sidx.Check(); err != nil {
		return "sym index: " + err.Error()
	}
	if d := w.compareSyms(); d != "" {
		return d
	}
	keys := sortedKeys(w.m.rows)
	if w.tab.Len() != len(keys) || w.tab.View().Len() != len(keys) {
		return fmt.Sprintf("Len = %d, View().Len() = %d, want %d", w.tab.Len(), w.tab.View().Len(), len(keys))
	}
	if got := w.tab.Keys(); !slices.Equal(got, keys) {
		return fmt.Sprintf("Keys = %d keys, want %d", len(got), len(keys))
	}
	var all []string
	for k, v := range w.tab.All() {
		if len(v) != 1 || v[0] != w.m.rows[k] {
			return fmt.Sprintf("All yields %s=%v, want [%d]", k, v, w.m.rows[k])
		}
		all = append(all, k)
	}
	if !slices.Equal(all, keys) {
		return fmt.Sprintf("All = %d keys, want %d", len(all), len(keys))
	}
	for _, k := range keys {
		if v, ok := w.tab.Get(k); !ok || len(v) != 1 || v[0] != w.m.rows[k] || !w.tab.Has(k) {
			return fmt.Sprintf("Get(%s) = %v %v, want [%d]", k, v, ok, w.m.rows[k])
		}
	}
	first, ok := w.tab.View().First()
	if ok != (len(keys) > 0) || (ok && first != keys[0]) {
		return fmt.Sprintf("View().First() = %s %v", first, ok)
	}
	for i := range 200 {
		if k := key(i * 29); w.tab.Has(k) != hasKey(w.m.rows, k) {
			return fmt.Sprintf("Has(%s) = %v", k, !hasKey(w.m.rows, k))
		}
	}
	for gi := range 9 { // g8 is g0: the ninth checks a repeat
		g := group(gi)
		want := sortedKeys(w.m.members[g])
		got := w.idx.Members(g)
		if !slices.Equal(got, want) || (len(want) == 0 && got == nil) {
			return fmt.Sprintf("Members(%s) = %v, want %v", g, got, want)
		}
		if w.idx.Count(g) != len(want) || w.idx.View(g).Len() != len(want) {
			return fmt.Sprintf("Count(%s) = %d, View.Len = %d, want %d", g, w.idx.Count(g), w.idx.View(g).Len(), len(want))
		}
		first, ok := w.idx.View(g).First()
		if ok != (len(want) > 0) || (ok && first != want[0]) {
			return fmt.Sprintf("View(%s).First() = %s %v", g, first, ok)
		}
		for i := range 50 {
			if k := key(i * 113); w.idx.Has(g, k) != w.m.members[g][k] {
				return fmt.Sprintf("Has(%s, %s) = %v", g, k, !w.m.members[g][k])
			}
		}
	}
	for gi := range 9 {
		g := group(gi)
		want := sortedKeys(w.m.members[g])
		v := w.symView(g)
		if got := take(v.All(), len(want)+1); !slices.Equal(got, want) {
			return fmt.Sprintf("SymIndex.View(%s).All() = %v, want %v", g, got, want)
		}
		if v.Len() != len(want) {
			return fmt.Sprintf("SymIndex.View(%s).Len() = %d, want %d", g, v.Len(), len(want))
		}
		first, ok := v.First()
		if ok != (len(want) > 0) || (ok && first != want[0]) {
			return fmt.Sprintf("SymIndex.View(%s).First() = %s %v", g, first, ok)
		}
		s, interned := w.syms.Lookup(g)
		for i := range 50 {
			if k := key(i * 113); interned && w.sidx.Has(s, k) != w.m.members[g][k] {
				return fmt.Sprintf("SymIndex.Has(%s, %s) = %v", g, k, !w.m.members[g][k])
			}
		}
	}
	for _, g := range []string{"", "g", "g00", "h"} { // keys next to the real ones
		if w.idx.Count(g) != 0 || len(w.idx.Members(g)) != 0 {
			return fmt.Sprintf("absent index key %q has members", g)
		}
		if _, ok := w.idx.View(g).First(); ok {
			return fmt.Sprintf("absent index key %q has a first member", g)
		}
	}
	return ""
}

// TestPropertyTableAndIndexMatchTheModel checks Table and Index against the
// map model over random transactions (committed, failed, panicking, with and
// without SetRerun), including bulk writes, writes while iterating and reads
// from random cursors.
func TestPropertyTableAndIndexMatchTheModel(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	if testing.Short() {
		params.MinSuccessfulTests = 100
	}
	params.MaxSize = 40
	opGen := gen.Struct(reflect.TypeOf(op{}), map[string]gopter.Gen{
		"Kind": gen.IntRange(0, opKinds-1),
		"A":    gen.IntRange(0, keySpace-1),
		"B":    gen.IntRange(0, 60),
		"C":    gen.IntRange(1, 40),
	})
	props := gopter.NewProperties(params)
	props.Property("Table and Index equal the model after every transaction", prop.ForAll(func(rerun bool, ops []op) string {
		w := newWorld(rerun)
		var pending []op
		for i, o := range append(ops, op{Kind: opCommit}) {
			if o.Kind < opCommit {
				pending = append(pending, o)
				continue
			}
			if d := w.run(pending, o.Kind); d != "" {
				return fmt.Sprintf("transaction ending at op %d: %s", i, d)
			}
			if d := w.compare(); d != "" {
				return fmt.Sprintf("after the transaction ending at op %d (%d): %s", i, o.Kind, d)
			}
			pending = nil
		}
		return ""
	}, gen.Bool(), gen.SliceOf(opGen)))
	props.TestingRun(t)
}
