package policy_test

import (
	"context"
	"runtime"
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
					runtime.KeepAlive(s)
				}
				b.ReportMetric(storeMB, "storeMB")
				b.ReportMetric(writeS, "write-s")
			})
		}
	}
}
