// Command peers answers cabinet's internal-access question (GRP-3) with
// cabinet, cedar-go and casbin over one random state, checks that the peers
// agree with cabinet on 10,000 random requests, and prints one table: load
// time, heap after load, ns and allocations per random check and per
// repeated check, for each engine and size.
//
// Usage, from benchmarks/peers:
//
//	go run .          # the small size (about a minute)
//	go run . -large   # also the large size (or CABINET_BENCH_LARGE=1)
//
// It exits with status 1 if a peer disagrees with cabinet.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/cabinet-go/cabinet/benchmarks/peers/internalaccess"
)

func main() {
	large := flag.Bool("large", os.Getenv("CABINET_BENCH_LARGE") == "1", "also run the large size (10,000 users, 1,000,000 dossiers)")
	budget := flag.Duration("budget", 2*time.Second, "time spent measuring random checks, per engine and size")
	quiet := flag.Bool("q", false, "do not print progress to stderr")
	flag.Parse()

	sizes := []internalaccess.Size{internalaccess.Small}
	if *large {
		sizes = append(sizes, internalaccess.Large)
	}
	progress := func(s string) {
		if !*quiet {
			fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), s)
		}
	}
	ctx := context.Background()
	var rows []internalaccess.Row
	for _, sz := range sizes {
		r, err := internalaccess.Run(ctx, sz, internalaccess.Budget{N: 1 << 20, D: *budget}, progress)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peers:", err)
			os.Exit(1)
		}
		rows = append(rows, r...)
	}
	fmt.Printf("internal-access question (GRP-3), %s %s/%s, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Print(internalaccess.Table(rows))
	fmt.Println("every peer agreed with cabinet on", internalaccess.AgreementRequests, "random requests per size")
}
