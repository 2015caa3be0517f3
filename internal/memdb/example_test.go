package memdb_test

import (
	"context"
	"fmt"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

// A listing page walks a Keys view from the cursor (the last key of the
// previous page): O(log n) to find it, then one step per row.
func ExampleKeys() {
	var db memdb.DB
	dossiers := memdb.NewTable[string, string](nil)
	byOffice := memdb.NewIndex[string, string]()
	_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
		for _, id := range []string{"d5", "d1", "d4", "d2", "d3"} {
			dossiers.Put(tx, id, "dossier "+id)
			byOffice.Add(tx, "office_1", id)
		}
		return nil
	})
	page := func(ids memdb.Keys[string], cursor string, size int) (rows []string, next string) {
		seq := ids.All()
		if cursor != "" {
			seq = ids.After(cursor)
		}
		for id := range seq {
			if len(rows) == size {
				return rows, next
			}
			v, _ := dossiers.Get(id)
			rows, next = append(rows, v), id
		}
		return rows, ""
	}
	_ = db.Read(context.Background(), func(uint64) error {
		ids := byOffice.View("office_1")
		fmt.Println(ids.Len(), "dossiers")
		for cursor := ""; ; {
			rows, next := page(ids, cursor, 2)
			fmt.Println(rows, next)
			if next == "" {
				return nil
			}
			cursor = next
		}
	})
	// Output:
	// 5 dossiers
	// [dossier d1 dossier d2] d2
	// [dossier d3 dossier d4] d4
	// [dossier d5]
}
