package memdb_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// write runs fn in a transaction of db that commits, failing the test on an
// error.
func write(t testing.TB, db *memdb.DB, fn func(tx *memdb.Tx)) {
	t.Helper()
	if _, err := db.Write(context.Background(), func(tx *memdb.Tx) error { fn(tx); return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestReadsDoNotAllocate pins the read path of a command: a lookup by key
// allocates nothing (with a nil clone), whatever the table's size.
func TestReadsDoNotAllocate(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	idx := memdb.NewIndex[string, string]()
	syms := memdb.NewSymbols()
	sidx := memdb.NewSymIndex[string]()
	keys, missing := make([]string, 5000), make([]string, 5000)
	var g3 memdb.Sym
	write(t, &db, func(tx *memdb.Tx) {
		for i := range keys {
			keys[i], missing[i] = fmt.Sprintf("d%d", i), fmt.Sprintf("d%d-", i)
			tab.Put(tx, keys[i], i)
			idx.Add(tx, fmt.Sprintf("g%d", i%10), keys[i])
			sidx.Add(tx, syms.Intern(tx, fmt.Sprintf("g%d", i%10)), keys[i])
		}
		g3 = syms.Intern(tx, "g3")
	})
	cases := []struct {
		name string
		fn   func(i int)
	}{
		{"Table.Get", func(i int) { _, _ = tab.Get(keys[i]) }},
		{"Table.Has", func(i int) { _ = tab.Has(keys[i]) }},
		{"Table.Get missing", func(i int) { _, _ = tab.Get(missing[i]) }},
		{"Index.Has", func(i int) { _ = idx.Has("g3", keys[i]) }},
		{"Index.Count", func(int) { _ = idx.Count("g3") }},
		{"Table.View().First", func(int) { _, _ = tab.View().First() }},
		{"SymIndex.Has", func(i int) { _ = sidx.Has(g3, keys[i]) }},
		{"SymIndex.Count", func(int) { _ = sidx.Count(g3) }},
		{"Symbols.Lookup", func(int) { _, _ = syms.Lookup("g3") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := 0
			if n := testing.AllocsPerRun(100, func() { c.fn(i % len(keys)); i += 7 }); n != 0 {
				t.Errorf("%s allocates %.1f times per call, want 0", c.name, n)
			}
		})
	}
	// Interning a known string is a lookup: what a store does for every ID
	// of every record it writes.
	write(t, &db, func(tx *memdb.Tx) {
		if n := testing.AllocsPerRun(100, func() { _ = syms.Intern(tx, "g3") }); n != 0 {
			t.Errorf("Symbols.Intern of a known string allocates %.1f times per call, want 0", n)
		}
	})
}

// TestWriteThroughAClosedTxPanics: a *Tx is only valid while its Write runs;
// writing through it later would corrupt the next transaction's journal.
func TestWriteThroughAClosedTxPanics(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	var kept *memdb.Tx
	write(t, &db, func(tx *memdb.Tx) { kept = tx })
	defer func() {
		if recover() == nil {
			t.Fatal("Put through a closed transaction did not panic")
		}
		if tab.Len() != 0 {
			t.Fatal("the write through a closed transaction was applied")
		}
	}()
	tab.Put(kept, "a", 1)
}

// TestLongTransactionRollsBack: a failed transaction that rewrote most of a
// three-level tree leaves exactly the committed rows and pairs.
func TestLongTransactionRollsBack(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, []int](cloneInts)
	idx := memdb.NewIndex[string, string]()
	const n = 20000
	write(t, &db, func(tx *memdb.Tx) {
		for i := range n {
			tab.Put(tx, fmt.Sprintf("k%d", i), []int{i})
			idx.Add(tx, fmt.Sprintf("g%d", i%3), fmt.Sprintf("k%d", i))
		}
	})
	wantKeys, wantG1 := tab.Keys(), idx.Members("g1")
	_, err := db.Write(context.Background(), func(tx *memdb.Tx) error {
		for i := range n {
			k := fmt.Sprintf("k%d", i)
			switch i % 4 {
			case 0:
				tab.Delete(tx, k)
				idx.Remove(tx, fmt.Sprintf("g%d", i%3), k)
			case 1:
				tab.Put(tx, k, []int{-i})
			case 2:
				tab.Put(tx, k+"new", []int{i})
				idx.Add(tx, "g1", k+"new")
			}
		}
		return errFail
	})
	if !errors.Is(err, errFail) {
		t.Fatalf("Write = %v, want errFail", err)
	}
	if err := tab.Check(); err != nil {
		t.Fatal(err)
	}
	if err := idx.Check(); err != nil {
		t.Fatal(err)
	}
	if got := tab.Keys(); !slices.Equal(got, wantKeys) {
		t.Fatalf("keys after rollback: %d, want %d", len(got), len(wantKeys))
	}
	for i := range n {
		if v, _ := tab.Get(fmt.Sprintf("k%d", i)); len(v) != 1 || v[0] != i {
			t.Fatalf("k%d = %v after rollback, want [%d]", i, v, i)
		}
	}
	if got := idx.Members("g1"); !slices.Equal(got, wantG1) {
		t.Fatalf("g1 after rollback: %d members, want %d", len(got), len(wantG1))
	}
}

// TestNodesStayFull guards the memory figures: an ascending load fills the
// nodes almost completely (uneven split at the end of the tree), a random
// one and an index filled key by key stay above 80% (spilling into a
// sibling before splitting). Without those, the fills are 50–70%.
func TestNodesStayFull(t *testing.T) {
	const n = 50000
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	for _, c := range []struct {
		name      string
		order     func(i int) int
		table, ix float64
	}{
		{"ascending", func(i int) int { return i }, 0.95, 0.80},
		{"random", func(i int) int { return perm[i] }, 0.80, 0.80},
	} {
		t.Run(c.name, func(t *testing.T) {
			var db memdb.DB
			tab := memdb.NewTable[string, int](nil)
			idx := memdb.NewIndex[string, string]()
			write(t, &db, func(tx *memdb.Tx) {
				for i := range n {
					j := c.order(i)
					k := fmt.Sprintf("d%07d", j)
					tab.Put(tx, k, j)
					idx.Add(tx, fmt.Sprintf("g%03d", j%100), k)
				}
			})
			if err := tab.Check(); err != nil {
				t.Fatal(err)
			}
			if err := idx.Check(); err != nil {
				t.Fatal(err)
			}
			if _, fill := tab.Fill(); fill < c.table {
				t.Errorf("table nodes %.2f full, want ≥ %.2f", fill, c.table)
			}
			if _, fill := idx.Fill(); fill < c.ix {
				t.Errorf("index nodes %.2f full, want ≥ %.2f", fill, c.ix)
			}
		})
	}
}

// TestOrderedKeysOtherThanStrings: integer keys, the zero key, and the
// difference between Ascend (strictly after) and After (zero: from the
// start).
func TestOrderedKeysOtherThanStrings(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[int, int](nil)
	idx := memdb.NewIndex[uint8, int]()
	write(t, &db, func(tx *memdb.Tx) {
		for i := -300; i <= 300; i += 3 {
			tab.Put(tx, i, i*i)
			idx.Add(tx, uint8(i&1), i)
		}
	})
	var ascend, afterZero []int
	for k, v := range tab.Ascend(0) {
		if v != k*k {
			t.Fatalf("Ascend yields %d=%d", k, v)
		}
		ascend = append(ascend, k)
	}
	for k := range tab.After(0) {
		afterZero = append(afterZero, k)
	}
	if ascend[0] != 3 || len(ascend) != 100 {
		t.Errorf("Ascend(0) = %v…, want 3… (100 keys)", ascend[:3])
	}
	if afterZero[0] != -300 || len(afterZero) != tab.Len() {
		t.Errorf("After(0) = %v…, want every key from -300", afterZero[:3])
	}
	odd := slices.Collect(idx.View(1).After(-10))
	if odd[0] != -9 || idx.Count(1) != 100 || idx.Count(0) != 101 || idx.Count(2) != 0 {
		t.Errorf("odd members after -10 = %v…, counts %d %d %d", odd[:2], idx.Count(0), idx.Count(1), idx.Count(2))
	}
}

// TestConcurrentReadersShareViews runs readers iterating views and getting
// rows while writers commit, under the race detector in CI: nothing on the
// read path may write memory.
func TestConcurrentReadersShareViews(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	idx := memdb.NewIndex[string, string]()
	ctx := context.Background()
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Go(func() {
			for i := range 50 {
				err := db.Read(ctx, func(uint64) error {
					prev, n := "", 0
					for k := range tab.View().After(fmt.Sprintf("k%d", r*i)) {
						if k <= prev {
							return fmt.Errorf("keys out of order: %s then %s", prev, k)
						}
						prev = k
						if _, ok := tab.Get(k); !ok {
							return fmt.Errorf("Get(%s) missed a key the view yields", k)
						}
						if n++; n == 20 {
							break
						}
					}
					if c := idx.Count("all"); c != tab.Len() {
						return fmt.Errorf("index counts %d, table holds %d", c, tab.Len())
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 200 {
		write(t, &db, func(tx *memdb.Tx) {
			k := fmt.Sprintf("k%d", i*7919%1000)
			tab.Put(tx, k, i)
			idx.Add(tx, "all", k)
			if i%3 == 0 {
				k := fmt.Sprintf("k%d", i*31%1000)
				if tab.Delete(tx, k) {
					idx.Remove(tx, "all", k)
				}
			}
		})
	}
	wg.Wait()
}

// TestInterningAloneWritesNothing: a transaction that only interns strings
// commits no revision (it changed no record), and keeps what it interned.
func TestInterningAloneWritesNothing(t *testing.T) {
	var db memdb.DB
	syms := memdb.NewSymbols()
	rev, err := db.Write(context.Background(), func(tx *memdb.Tx) error {
		if s := syms.Intern(tx, "u1"); s != 1 {
			t.Errorf(`Intern("u1") = %d, want 1`, s)
		}
		if s := syms.Intern(tx, ""); s != 0 {
			t.Errorf(`Intern("") = %d, want 0`, s)
		}
		return nil
	})
	if err != nil || rev != 0 || db.Revision() != 0 {
		t.Fatalf("Write = %d, %v; revision %d, want 0", rev, err, db.Revision())
	}
	if s, ok := syms.Lookup("u1"); !ok || s != 1 || syms.String(s) != "u1" {
		t.Fatalf(`Lookup("u1") = %d %v after the commit`, s, ok)
	}
}
