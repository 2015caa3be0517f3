package bulk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/memstore"
)

// preparing is a memstore with a bulk.BatchPreparer that records the
// batches it is handed and fails when fail says so.
type preparing struct {
	*memstore.Store
	fail    bool
	batches [][]bulk.Record
}

func (p *preparing) PrepareBatch(_ context.Context, tx cabinet.Tx, batch []bulk.Record) error {
	if !tx.Writable() {
		return errors.New("preparing: a read-only transaction")
	}
	p.batches = append(p.batches, append([]bulk.Record(nil), batch...))
	if p.fail {
		return errors.New("preparing: no bulk path today")
	}
	return nil
}

// TestImportHandsEachBatchToTheStoresBatchPreparer: a store implementing
// bulk.BatchPreparer is handed every batch, whole and in stream order, in
// the batch's write transaction; when it fails, the importer runs the
// batch again record by record, so the import commits what it commits
// without one and a bad record is named the same.
func TestImportHandsEachBatchToTheStoresBatchPreparer(t *testing.T) {
	ctx := context.Background()
	recs := practice()
	for _, fail := range []bool{false, true} {
		p := &preparing{Store: newStore(), fail: fail}
		res, err := newImporter(p.Store).WithBatchSize(5).Import(ctx, host, bulk.Stream(recs...))
		require.NoError(t, err)
		assert.Empty(t, p.batches, "the importer over the bare memstore sees no BatchPreparer")

		p = &preparing{Store: newStore(), fail: fail}
		got, err := bulk.NewImporter(p, cabinet.WithClock(cabinet.NewManualClock(epoch)), cabinet.WithIDs(&cabinet.SequentialIDs{})).WithBatchSize(5).Import(ctx, host, bulk.Stream(recs...))
		require.NoError(t, err, "fail=%v", fail)
		assert.Equal(t, res, got, "fail=%v", fail)
		var handed []bulk.Record
		for _, b := range p.batches {
			assert.LessOrEqual(t, len(b), 5)
			handed = append(handed, b...)
		}
		// memstore.RunTwice runs each transaction twice — every record is
		// handed in each run — unless its first run fails.
		runs := 2
		if fail {
			runs = 1
		}
		assert.Len(t, handed, runs*len(recs), "fail=%v", fail)
		want := newStore()
		_, err = newImporter(want).Import(ctx, host, bulk.Stream(recs...))
		require.NoError(t, err)
		if d := cmp.Diff(dump(t, want), dump(t, p.Store)); d != "" {
			t.Fatalf("fail=%v (-want +got):\n%s", fail, d)
		}

		// A bad record: the same error as without a BatchPreparer.
		stream := append(append([]bulk.Record(nil), recs[:7]...), bad)
		_, werr := newImporter(newStore()).WithBatchSize(5).Import(ctx, host, bulk.Stream(stream...))
		p = &preparing{Store: newStore(), fail: fail}
		_, gerr := bulk.NewImporter(p, cabinet.WithClock(cabinet.NewManualClock(epoch)), cabinet.WithIDs(&cabinet.SequentialIDs{})).WithBatchSize(5).Import(ctx, host, bulk.Stream(stream...))
		require.Error(t, werr)
		assert.Equal(t, werr.Error(), gerr.Error(), "fail=%v", fail)
	}
}
