package memdb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// Benchmarks of the B-tree Table and Index against the previous map-based
// ones (old_test.go), at the size of issue 15: 1,000,000 string keys shaped
// like cabinet.RandomIDs ("dossier_" and 32 hex digits), so arriving in
// random order. Run them one at a time, e.g.
//
//	go test -run '^$' -bench . -benchmem ./internal/memdb
//
// Custom metrics: ns/key is the load time per row (or index pair); B/entry is
// the live heap the structure holds per row or pair after a GC (keys
// excluded: they are allocated before and shared by both); B/entry+cache adds
// the old table's sorted key cache, which any listing fills.

const benchN = 1_000_000

// benchIDs returns benchN distinct random IDs, in the (random) order they
// were made, and the same sorted.
var benchIDs = sync.OnceValues(func() (random, sorted []string) {
	rng := rand.New(rand.NewPCG(15, 15))
	random = make([]string, benchN)
	for i := range random {
		random[i] = fmt.Sprintf("dossier_%016x%016x", rng.Uint64(), rng.Uint64())
	}
	sorted = slices.Sorted(slices.Values(random))
	return random, sorted
})

// row is a value of the size of access.Dossier (136 bytes, one string: the
// row's ID, sharing the key's bytes).
type row struct {
	n [15]int64
	s string
}

// batch is the number of writes per transaction in the loads.
const batch = 1000

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func loadNew[V any](keys []string, val func(int) V) *memdb.Table[string, V] {
	var db memdb.DB
	tab := memdb.NewTable[string, V](nil)
	for lo := 0; lo < len(keys); lo += batch {
		_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
			for i := lo; i < min(lo+batch, len(keys)); i++ {
				tab.Put(tx, keys[i], val(i))
			}
			return nil
		})
	}
	return tab
}

func loadOld[V any](keys []string, val func(int) V) *oldTable[string, V] {
	tab := newOldTable[string, V](nil)
	for lo := 0; lo < len(keys); lo += batch {
		tx := new(oldTx)
		for i := lo; i < min(lo+batch, len(keys)); i++ {
			tab.Put(tx, keys[i], val(i))
		}
	}
	return tab
}

// benchLoad times load over benchN keys and reports the heap the loaded
// structure holds. listed, if set, is called after the load and its effect
// on the heap reported as B/entry+cache.
func benchLoad[T any](b *testing.B, load func() T, listed func(T)) {
	var took time.Duration
	var bytes, cached uint64
	for range b.N {
		b.StopTimer()
		before := liveHeap()
		b.StartTimer()
		start := time.Now()
		t := load()
		took += time.Since(start)
		b.StopTimer()
		bytes = liveHeap() - before
		if listed != nil {
			listed(t)
			cached = liveHeap() - before
		}
		runtime.KeepAlive(t)
		b.StartTimer()
	}
	b.ReportMetric(float64(took.Nanoseconds())/float64(b.N*benchN), "ns/key")
	b.ReportMetric(float64(bytes)/benchN, "B/entry")
	if listed != nil {
		b.ReportMetric(float64(cached)/benchN, "B/entry+cache")
	}
}

// BenchmarkTableLoad inserts 1,000,000 string keys in transactions of
// 1,000, in random and in ascending order, with an int and with a
// dossier-sized value.
func BenchmarkTableLoad(b *testing.B) {
	random, sorted := benchIDs()
	for _, order := range []struct {
		name string
		keys []string
	}{{"random", random}, {"ascending", sorted}} {
		keys := order.keys
		intVal := func(i int) int { return i }
		rowVal := func(i int) row { return row{n: [15]int64{int64(i)}, s: keys[i]} }
		b.Run("int/"+order.name+"/old", func(b *testing.B) {
			benchLoad(b, func() *oldTable[string, int] { return loadOld(keys, intVal) }, func(t *oldTable[string, int]) { _ = t.Keys() })
		})
		b.Run("int/"+order.name+"/new", func(b *testing.B) {
			benchLoad(b, func() *memdb.Table[string, int] { return loadNew(keys, intVal) }, nil)
		})
		b.Run("row136/"+order.name+"/old", func(b *testing.B) {
			benchLoad(b, func() *oldTable[string, row] { return loadOld(keys, rowVal) }, func(t *oldTable[string, row]) { _ = t.Keys() })
		})
		b.Run("row136/"+order.name+"/new", func(b *testing.B) {
			benchLoad(b, func() *memdb.Table[string, row] { return loadNew(keys, rowVal) }, nil)
		})
	}
}

// The loaded tables of the Get and page benchmarks, built once per run.
var (
	benchOldTable = sync.OnceValue(func() *oldTable[string, row] {
		random, _ := benchIDs()
		return loadOld(random, func(i int) row { return row{n: [15]int64{int64(i)}, s: random[i]} })
	})
	benchNewTable = sync.OnceValue(func() *memdb.Table[string, row] {
		random, _ := benchIDs()
		return loadNew(random, func(i int) row { return row{n: [15]int64{int64(i)}, s: random[i]} })
	})
)

// BenchmarkTableGet looks up random keys of a 1,000,000-row table, and
// of a 10,000-row one (-10k: what a command costs in a small office).
func BenchmarkTableGet(b *testing.B) {
	random, _ := benchIDs()
	small := random[:10_000]
	val := func(i int) row { return row{n: [15]int64{int64(i)}, s: small[i]} }
	b.Run("old-10k", func(b *testing.B) {
		t := loadOld(small, val)
		b.ResetTimer()
		for i := range b.N {
			if _, ok := t.Get(small[i%len(small)]); !ok {
				b.Fatal("missing")
			}
		}
	})
	b.Run("new-10k", func(b *testing.B) {
		t := loadNew(small, val)
		b.ResetTimer()
		for i := range b.N {
			if _, ok := t.Get(small[i%len(small)]); !ok {
				b.Fatal("missing")
			}
		}
	})
	b.Run("old", func(b *testing.B) {
		t := benchOldTable()
		b.ResetTimer()
		for i := range b.N {
			if _, ok := t.Get(random[i%benchN]); !ok {
				b.Fatal("missing")
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		t := benchNewTable()
		b.ResetTimer()
		for i := range b.N {
			if _, ok := t.Get(random[i%benchN]); !ok {
				b.Fatal("missing")
			}
		}
	})
}

// BenchmarkTablePage: each operation inserts one row into a table of
// 1,000,000 and then reads a page of 1,000 rows from the middle, the way
// memstore's page() does (the old table: Keys, a binary search for the
// cursor, a Get per row; the new one: View().After(cursor), a Get per row).
// old-no-write reads the page without the insert, so from the old table's
// cached key list.
func BenchmarkTablePage(b *testing.B) {
	_, sorted := benchIDs()
	cursor := sorted[benchN/2]
	const size = 1000
	oldPage := func(t *oldTable[string, row]) int {
		ids := t.Keys()
		i, found := slices.BinarySearch(ids, cursor)
		if found {
			i++
		}
		n := 0
		for _, id := range ids[i:min(len(ids), i+size)] {
			if _, ok := t.Get(id); ok {
				n++
			}
		}
		return n
	}
	newPage := func(t *memdb.Table[string, row]) int {
		n := 0
		for id := range t.View().After(cursor) {
			if _, ok := t.Get(id); ok {
				n++
			}
			if n == size {
				break
			}
		}
		return n
	}
	b.Run("old", func(b *testing.B) {
		t := benchOldTable()
		b.ResetTimer()
		for i := range b.N {
			t.Put(new(oldTx), fmt.Sprintf("dossier_x%08d", i), row{})
			if oldPage(t) != size {
				b.Fatal("short page")
			}
		}
	})
	b.Run("old-no-write", func(b *testing.B) {
		t := benchOldTable()
		b.ResetTimer()
		for range b.N {
			if oldPage(t) != size {
				b.Fatal("short page")
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		t := benchNewTable()
		var db memdb.DB
		b.ResetTimer()
		for i := range b.N {
			_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
				t.Put(tx, fmt.Sprintf("dossier_x%08d", i), row{})
				return nil
			})
			if newPage(t) != size {
				b.Fatal("short page")
			}
		}
	})
	// new-ascend takes the rows from the iteration (Table.Ascend), without
	// a Get per row: a listing of the table itself, with no index.
	b.Run("new-ascend", func(b *testing.B) {
		t := benchNewTable()
		var db memdb.DB
		b.ResetTimer()
		for i := range b.N {
			_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
				t.Put(tx, fmt.Sprintf("dossier_y%08d", i), row{})
				return nil
			})
			n := 0
			for _, r := range t.Ascend(cursor) {
				if r.s != "" {
					n++
				}
				if n == size {
					break
				}
			}
			if n != size {
				b.Fatal("short page")
			}
		}
	})
}

// indexShape names how the 1,000,000 pairs of BenchmarkIndexAdd spread over
// keys.
type indexShape struct {
	name     string
	key, mem func(i int) string
}

func indexShapes() []indexShape {
	random, _ := benchIDs()
	groups := make([]string, 1000)
	for i := range groups {
		groups[i] = fmt.Sprintf("cgroup_%04d", i)
	}
	return []indexShape{
		// dossier → its one person, advisor or grant
		{"1Mkeys", func(i int) string { return random[i] }, func(i int) string { return random[(i*7919)%benchN] }},
		// client group → 1,000 dossiers
		{"1kkeys", func(i int) string { return groups[i%1000] }, func(i int) string { return random[i] }},
	}
}

// BenchmarkIndexAdd adds 1,000,000 pairs in transactions of 1,000: over
// 1,000,000 keys of one member each, and over 1,000 keys of 1,000 members.
func BenchmarkIndexAdd(b *testing.B) {
	for _, s := range indexShapes() {
		b.Run(s.name+"/old", func(b *testing.B) {
			benchLoad(b, func() *oldIndex[string, string] {
				x := newOldIndex[string, string]()
				for lo := 0; lo < benchN; lo += batch {
					tx := new(oldTx)
					for i := lo; i < lo+batch; i++ {
						x.Add(tx, s.key(i), s.mem(i))
					}
				}
				return x
			}, nil)
		})
		b.Run(s.name+"/new", func(b *testing.B) {
			benchLoad(b, func() *memdb.Index[string, string] {
				var db memdb.DB
				x := memdb.NewIndex[string, string]()
				for lo := 0; lo < benchN; lo += batch {
					_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
						for i := lo; i < lo+batch; i++ {
							x.Add(tx, s.key(i), s.mem(i))
						}
						return nil
					})
				}
				return x
			}, nil)
		})
	}
}

// BenchmarkIndexPage: one key with 1,000,000 members (an office's
// dossiers); each operation adds a member and reads a page of 1,000 members
// from the middle (old: Members and a binary search; new: View(k).After).
func BenchmarkIndexPage(b *testing.B) {
	random, sorted := benchIDs()
	cursor := sorted[benchN/2]
	const size = 1000
	b.Run("old", func(b *testing.B) {
		x := newOldIndex[string, string]()
		tx := new(oldTx)
		for _, id := range random {
			x.Add(tx, "office_1", id)
		}
		b.ResetTimer()
		for i := range b.N {
			x.Add(new(oldTx), "office_1", fmt.Sprintf("dossier_x%08d", i))
			ids := x.Members("office_1")
			j, _ := slices.BinarySearch(ids, cursor)
			n := 0
			for _, id := range ids[j+1 : j+1+size] {
				if id != "" {
					n++
				}
			}
			if n != size {
				b.Fatal("short page")
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		var db memdb.DB
		x := memdb.NewIndex[string, string]()
		_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
			for _, id := range random {
				x.Add(tx, "office_1", id)
			}
			return nil
		})
		b.ResetTimer()
		for i := range b.N {
			_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
				x.Add(tx, "office_1", fmt.Sprintf("dossier_x%08d", i))
				return nil
			})
			n := 0
			for id := range x.View("office_1").After(cursor) {
				if id != "" {
					n++
				}
				if n == size {
					break
				}
			}
			if n != size {
				b.Fatal("short page")
			}
		}
	})
}

// symShapes are the shapes of BenchmarkSymIndexAdd: 1,000,000 dossier IDs
// (in ascending order, as a bulk import sends them) indexed by one office,
// by one of 10,000 managers picked at random, and by random IDs under
// 1,000 groups.
func symShapes() []indexShape {
	random, sorted := benchIDs()
	rng := rand.New(rand.NewPCG(7, 7))
	managers := make([]string, benchN)
	for i := range managers {
		managers[i] = fmt.Sprintf("u%06d", rng.IntN(10_000))
	}
	groups := make([]string, 1000)
	for i := range groups {
		groups[i] = fmt.Sprintf("cgroup_%04d", i)
	}
	return []indexShape{
		{"office", func(int) string { return "o_bench" }, func(i int) string { return sorted[i] }},
		{"manager", func(i int) string { return managers[i] }, func(i int) string { return sorted[i] }},
		{"1kkeys", func(i int) string { return groups[i%1000] }, func(i int) string { return random[i] }},
	}
}

// BenchmarkSymIndexAdd adds 1,000,000 pairs to a SymIndex in transactions
// of 1,000, the keys interned by a Symbols table (interned beforehand, so
// that the benchmark measures the index).
func BenchmarkSymIndexAdd(b *testing.B) {
	for _, s := range symShapes() {
		b.Run(s.name, func(b *testing.B) {
			var db memdb.DB
			syms := memdb.NewSymbols()
			keys := make([]memdb.Sym, benchN)
			_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
				for i := range keys {
					keys[i] = syms.Intern(tx, s.key(i))
				}
				return nil
			})
			benchLoad(b, func() *memdb.SymIndex[string] {
				x := memdb.NewSymIndex[string]()
				for lo := 0; lo < benchN; lo += batch {
					_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
						for i := lo; i < lo+batch; i++ {
							x.Add(tx, keys[i], s.mem(i))
						}
						return nil
					})
				}
				return x
			}, nil)
		})
	}
}
