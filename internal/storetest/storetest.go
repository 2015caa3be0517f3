// Package storetest holds the checks that every domain store's conformance
// suite shares (teamtest, accesstest, clientgrouptest, contacttest,
// proceduretest): the revision contract of Reader.Revision and of the
// revision an Update returns, and the transaction contract of Reader.Tx and
// of the Store's …Reader and …Writer accessors (cabinet.Tx).
package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet"
)

// Revisioned is a Reader or Writer: it knows the revision of its snapshot.
type Revisioned interface {
	Revision() cabinet.Revision
}

// Revisions checks, on an empty store, that
//   - a View's reader sees the revision of the last commit;
//   - an Update's writer sees the revision before its transaction;
//   - an Update that writes returns a revision greater than every earlier
//     one, and later Views see it;
//   - an Update that writes nothing, or fails after writing, leaves the
//     revision unchanged.
//
// view and update are the store's View… and Update… methods; put writes a
// record distinct for every n (n counts from 1).
func Revisions[R, W Revisioned](t *testing.T,
	view func(context.Context, func(R) error) error,
	update func(context.Context, func(W) error) (cabinet.Revision, error),
	put func(ctx context.Context, w W, n int) error,
) {
	t.Helper()
	ctx := context.Background()
	seen := func() cabinet.Revision {
		t.Helper()
		var rev cabinet.Revision
		if err := view(ctx, func(r R) error { rev = r.Revision(); return nil }); err != nil {
			t.Fatalf("View: %v", err)
		}
		return rev
	}

	prev := seen()
	rev, err := update(ctx, func(w W) error {
		if got := w.Revision(); got != prev {
			t.Errorf("an empty Update's writer saw revision %d, want %d", got, prev)
		}
		return nil
	})
	if err != nil || rev != prev {
		t.Fatalf("an Update that writes nothing returned %d, %v; want %d, nil", rev, err, prev)
	}

	for n := 1; n <= 3; n++ {
		rev, err := update(ctx, func(w W) error {
			if got := w.Revision(); got != prev {
				t.Errorf("write %d: the writer saw revision %d, want the last commit %d", n, got, prev)
			}
			return put(ctx, w, n)
		})
		if err != nil {
			t.Fatalf("write %d: %v", n, err)
		}
		if rev <= prev {
			t.Fatalf("write %d committed revision %d, not after %d", n, rev, prev)
		}
		if got := seen(); got != rev {
			t.Fatalf("after write %d a View saw revision %d, want %d", n, got, rev)
		}
		prev = rev
	}

	boom := errors.New("storetest: abort")
	if _, err := update(ctx, func(w W) error {
		if err := put(ctx, w, 4); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("a failing Update returned %v, want its function's error", err)
	}
	if got := seen(); got != prev {
		t.Fatalf("after a failed Update a View saw revision %d, want %d", got, prev)
	}
}

// Txer is a Reader or Writer of a package: it knows its snapshot's
// revision and its transaction.
type Txer interface {
	Revision() cabinet.Revision
	Tx() cabinet.Tx
}

// Transactions checks, on an empty store, the contract of cabinet.Tx and
// of the store's accessors of one package (reader and writer are the
// Store's …Reader and …Writer methods):
//   - a View's Tx is read-only and knows the View's revision; the reader
//     of that Tx reads the same snapshot; the writer of a read-only Tx is
//     refused (ErrInvalid naming "tx");
//   - an Update's Tx is writable; what is written through the writer of
//     that Tx commits with the Update, and is rolled back with it when the
//     Update fails;
//   - a Tx kept after its function returned, or a Tx of no store, is
//     refused (ErrInvalid naming "tx").
//
// put writes a record distinct for every n (n counts from 1); has reports
// whether record n is visible to a reader.
func Transactions[R, W Txer](t *testing.T,
	view func(context.Context, func(R) error) error,
	update func(context.Context, func(W) error) (cabinet.Revision, error),
	reader func(cabinet.Tx) (R, error),
	writer func(cabinet.Tx) (W, error),
	put func(ctx context.Context, w W, n int) error,
	has func(ctx context.Context, r R, n int) (bool, error),
) {
	t.Helper()
	ctx := context.Background()
	invalidTx := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "tx" {
			t.Errorf("%s: got %v, want an *InvalidError naming \"tx\"", what, err)
		}
	}
	var kept cabinet.Tx
	err := view(ctx, func(r R) error {
		tx := r.Tx()
		if tx == nil {
			t.Fatal("a View's reader has no Tx")
		}
		kept = tx
		if tx.Writable() {
			t.Error("a View's Tx says it is writable")
		}
		if tx.Revision() != r.Revision() {
			t.Errorf("a View's Tx is at revision %d, its reader at %d", tx.Revision(), r.Revision())
		}
		r2, err := reader(tx)
		if err != nil {
			t.Fatalf("the reader of a View's Tx: %v", err)
		}
		if r2.Revision() != r.Revision() {
			t.Errorf("the reader of a View's Tx is at revision %d, want %d", r2.Revision(), r.Revision())
		}
		_, err = writer(tx)
		invalidTx("the writer of a View's Tx", err)
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	_, err = reader(kept)
	invalidTx("the reader of a View's Tx after the View", err)
	_, err = reader(nil)
	invalidTx("the reader of a nil Tx", err)
	_, err = writer(foreignTx{})
	invalidTx("the writer of another store's Tx", err)

	// Writes through the accessor's writer commit with the Update.
	_, err = update(ctx, func(w W) error {
		tx := w.Tx()
		if !tx.Writable() {
			t.Error("an Update's Tx says it is read-only")
		}
		if tx.Revision() != w.Revision() {
			t.Errorf("an Update's Tx is at revision %d, its writer at %d", tx.Revision(), w.Revision())
		}
		w2, err := writer(tx)
		if err != nil {
			return err
		}
		kept = tx
		return put(ctx, w2, 1)
	})
	if err != nil {
		t.Fatalf("an Update writing through its Tx's writer: %v", err)
	}
	_, err = writer(kept)
	invalidTx("the writer of an Update's Tx after the Update", err)

	// ... and are rolled back with it.
	boom := errors.New("storetest: abort")
	_, err = update(ctx, func(w W) error {
		w2, err := writer(w.Tx())
		if err != nil {
			return err
		}
		if err := put(ctx, w2, 2); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("a failing Update returned %v, want its function's error", err)
	}
	if err := view(ctx, func(r R) error {
		for n, want := range map[int]bool{1: true, 2: false} {
			got, err := has(ctx, r, n)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("record %d written through the Tx's writer: visible = %v, want %v", n, got, want)
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// foreignTx is a cabinet.Tx that no store opened.
type foreignTx struct{}

func (foreignTx) Revision() cabinet.Revision { return 0 }
func (foreignTx) Writable() bool             { return true }
func (foreignTx) Emit(cabinet.Batch) error   { return nil }
