package policy_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cabinet-go/cabinet/policy"
)

// TestSortedSearches: the index's membership tests of sorted sets (the
// staff, reach and membership sets every internal route reads: GRP-3)
// answer as slices.BinarySearch on sets of every size up to 300 — spread
// over a large range, clustered, dense, and with gaps — for present
// values, absent ones between, and ones below and above.
func TestSortedSearches(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 15))
	kinds := map[string]func(n int) []uint32{
		"spread": func(n int) []uint32 { return set(n, func() uint32 { return r.Uint32N(1_000_000) }) },
		"clustered": func(n int) []uint32 {
			return set(n, func() uint32 {
				if r.IntN(10) == 0 {
					return 900_000 + r.Uint32N(100_000)
				}
				return r.Uint32N(500)
			})
		},
		"dense": func(n int) []uint32 { return set(n, func() uint32 { return r.Uint32N(uint32(n) + 3) }) },
	}
	for name, search := range policy.SortedSearches {
		t.Run(name, func(t *testing.T) {
			for kind, gen := range kinds {
				for n := 0; n <= 300; n++ {
					s := gen(n)
					for range 40 {
						var v uint32
						if len(s) > 0 && r.IntN(2) == 0 {
							v = s[r.IntN(len(s))] + uint32(r.IntN(3)) - 1
						} else {
							v = r.Uint32N(1_000_001)
						}
						_, want := slices.BinarySearch(s, v)
						if got := search(s, v); got != want {
							t.Fatalf("%s set of %d: %s(%v, %d) = %v, want %v", kind, n, name, s, v, got, want)
						}
					}
				}
			}
		})
	}
}

// set returns n distinct values of next, sorted (fewer when next cannot
// give n distinct ones soon).
func set(n int, next func() uint32) []uint32 {
	seen := map[uint32]bool{}
	for tries := 0; len(seen) < n && tries < 20*n; tries++ {
		seen[next()] = true
	}
	out := make([]uint32, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
