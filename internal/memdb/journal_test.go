package memdb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// TestBulkJournalAllocatedOnce checks that a transaction of the same large
// size as the previous one allocates its journal at once (issue 15: a bulk
// import's batches) instead of growing it from empty, and that the journal
// still undoes every write of a failed one.
func TestBulkJournalAllocatedOnce(t *testing.T) {
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
	// Growing from empty, the journal's two arrays (the undo entries, the
	// old rows) take some 35 allocations a transaction; sized from the
	// previous transaction, one each (and the transaction's own).
	if allocs > 4 {
		t.Errorf("a bulk transaction after another of its size allocates %v times; want its journal allocated once", allocs)
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
	// A small transaction after them journals as any.
	if _, err := db.Write(ctx, func(tx *memdb.Tx) error { rows.Put(tx, keys[0], 7); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := rows.Check(); err != nil {
		t.Fatal(err)
	}
}
