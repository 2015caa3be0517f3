package policy_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cabinet-go/cabinet/policy"
)

// TestMergeSortedIsRemoveThenInsert checks the refresh's bulk merge of a
// sorted set (a client group's dossiers, a user's staff set: issue 15)
// against taking the moves one at a time, removals first, as applyMoves
// does for a few: the set without out, with in, sorted, without
// duplicates — a value in both in and out included (an outside review
// found the two paths disagreed there).
func TestMergeSortedIsRemoveThenInsert(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n, max int) []uint32 {
		v := make([]uint32, n)
		for i := range v {
			v[i] = uint32(rng.IntN(max))
		}
		return v
	}
	for range 2000 {
		max := 1 + rng.IntN(60)
		s := draw(rng.IntN(40), max)
		slices.Sort(s)
		s = slices.Compact(s)
		in, out := draw(rng.IntN(30), max), draw(rng.IntN(30), max)
		want := slices.Clone(s)
		for _, v := range out {
			if i, ok := slices.BinarySearch(want, v); ok {
				want = slices.Delete(want, i, i+1)
			}
		}
		for _, v := range in {
			if i, ok := slices.BinarySearch(want, v); !ok {
				want = slices.Insert(want, i, v)
			}
		}
		got := policy.MergeSorted(slices.Clone(s), slices.Clone(in), slices.Clone(out))
		if !slices.Equal(got, want) {
			t.Fatalf("mergeSorted(%v, in %v, out %v) = %v, want %v", s, in, out, got, want)
		}
	}
}
