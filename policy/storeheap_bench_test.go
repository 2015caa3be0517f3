package policy_test

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/cabinet-go/cabinet/memstore"
)

// BenchmarkStoreHeap writes the generated state into a fresh memstore, as
// BenchmarkBuild does, without building the engine (issue 15: the memory
// store's own heap). It runs with the default change log (storeMB is the
// store and its log) and with a log that keeps one change (log-1: storeMB
// is the store's own). Metrics: storeMB (live heap the store holds after a
// GC, the generated state released) and write-s (seconds to write it). The
// large size runs with CABINET_BENCH_LARGE=1:
//
//	CABINET_BENCH_LARGE=1 go test -run '^$' -bench StoreHeap -benchtime 1x -timeout 30m ./policy
//
// With CABINET_STORE_HEAPPROFILE=FILE each sub-benchmark also writes a heap
// profile taken while the store is live (FILE, suffixed with the
// sub-benchmark's name) — read it with
// go tool pprof -top -sample_index=inuse_space FILE.
func BenchmarkStoreHeap(b *testing.B) {
	for _, sz := range benchSizes {
		for _, keep := range []int{0, 1} {
			name := "size=" + sz.name
			if keep == 1 {
				name += "/log-1"
			}
			b.Run(name, func(b *testing.B) {
				skipLarge(b, sz)
				b.ReportAllocs()
				ctx := context.Background()
				var storeMB, writeS float64
				for b.Loop() {
					before := liveHeap()
					s := memstore.New(memstore.WithRetention(keep))
					// The generated state is released once written: the
					// store keeps what it needs of it.
					func() {
						w := generate(sz)
						t0 := b.Elapsed()
						if err := w.write(ctx, s); err != nil {
							b.Fatal(err)
						}
						writeS = (b.Elapsed() - t0).Seconds()
					}()
					storeMB = mb(liveHeap() - before)
					writeHeapProfile(b)
					runtime.KeepAlive(s)
				}
				b.ReportMetric(storeMB, "storeMB")
				b.ReportMetric(writeS, "write-s")
			})
		}
	}
}

// writeHeapProfile writes a heap profile to $CABINET_STORE_HEAPPROFILE
// suffixed with the benchmark's name, when that variable is set.
func writeHeapProfile(b *testing.B) {
	path := os.Getenv("CABINET_STORE_HEAPPROFILE")
	if path == "" {
		return
	}
	name := []byte(b.Name())
	for i, c := range name {
		if c == '/' || c == '=' {
			name[i] = '_'
		}
	}
	f, err := os.Create(path + "." + string(name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}
