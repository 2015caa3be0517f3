package memdb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// TestJournalKeptAcrossBulkTransactions checks that transactions of the
// same large size journal into the array the previous one grew (issue 15:
// a bulk import's batches), and that a small transaction afterwards
// releases it: the rollback journal still undoes every write.
func TestJournalKeptAcrossBulkTransactions(t *testing.T) {
	ctx := context.Background()
	var db memdb.DB
	rows := memdb.NewTable[string, int](nil)
	idx := memdb.NewIndex[string, string]()
	const n = 5000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%05d", i)
	}
	bulk := func(v int) {
		if _, err := db.Write(ctx, func(tx *memdb.Tx) error {
			for _, k := range keys {
				rows.Put(tx, k, v) // overwrites from the second on: no new node
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	bulk(0)
	bulk(1)
	v := 2
	allocs := testing.AllocsPerRun(5, func() { bulk(v); v++ })
	// The journal's growth by doublings from empty is some 2×13
	// allocations a transaction (its undo entries and the old rows); kept,
	// it is none.
	if allocs > 2 {
		t.Errorf("a bulk transaction after another of its size allocates %v times; want its journals kept", allocs)
	}
	// A failed bulk transaction after them still rolls back every write.
	failed := fmt.Errorf("fail")
	if _, err := db.Write(ctx, func(tx *memdb.Tx) error {
		for _, k := range keys {
			rows.Put(tx, k, -1)
			idx.Add(tx, k, k)
		}
		return failed
	}); err != failed {
		t.Fatalf("Write = %v, want %v", err, failed)
	}
	want := v - 1
	for _, k := range keys {
		if got, _ := rows.Get(k); got != want {
			t.Fatalf("after a rollback %s = %d, want %d", k, got, want)
		}
	}
	if idx.View(keys[0]).Len() != 0 {
		t.Error("after a rollback the index holds what the failed transaction added")
	}
	if err := rows.Check(); err != nil {
		t.Fatal(err)
	}
	// A small transaction releases the large journal and journals anew.
	if _, err := db.Write(ctx, func(tx *memdb.Tx) error { rows.Put(tx, keys[0], 7); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := rows.Check(); err != nil {
		t.Fatal(err)
	}
}
