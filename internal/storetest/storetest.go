// Package storetest holds the checks that every domain store's conformance
// suite shares (teamtest, accesstest, clientgrouptest, contacttest,
// proceduretest): today, the revision contract of Reader.Revision and of
// the revision an Update returns.
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
