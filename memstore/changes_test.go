package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// commitUser is storetest.Commit over the team store: it writes a user and
// may emit a batch.
func commitUser(s *memstore.Store) storetest.Commit {
	return func(ctx context.Context, n int, emit, fail bool) (cabinet.Revision, error) {
		return s.UpdateTeams(ctx, func(w team.Writer) error {
			id := fmt.Sprintf("u%d", n)
			if n != 3 { // the third transaction only emits
				if err := w.PutUser(ctx, cabinet.User{ID: cabinet.UserID(id), DisplayName: id, Email: id + "@example.com"}); err != nil {
					return err
				}
			}
			if emit {
				if err := w.Tx().Emit(cabinet.Batch{Actor: "tester", Events: []cabinet.Event{storetest.Event{N: n}}}); err != nil {
					return err
				}
			}
			if n == 3 && !emit {
				return w.Tx().Emit(cabinet.Batch{})
			}
			if fail {
				return errors.New("abort")
			}
			return nil
		})
	}
}

func TestChangeLog(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			s := memstore.New(v.opts...)
			storetest.ChangeLog(t, s, commitUser(s))
		})
	}
}

// A reader asking for changes the log no longer retains gets a
// *cabinet.StaleError naming the oldest one kept (issue 14: "a revision
// older than the retention is a typed error telling the reader to
// reload").
func TestChangeLogRetention(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(memstore.WithRetention(3))
	commit := commitUser(s)
	for n := 10; n < 15; n++ {
		if _, err := commit(ctx, n, true, false); err != nil {
			t.Fatal(err)
		}
	}
	var got []cabinet.Revision
	for c, err := range s.Changes(ctx, 2) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Revision)
	}
	if len(got) != 3 || got[0] != 3 {
		t.Fatalf("changes after 2: %v, want [3 4 5]", got)
	}
	for _, err := range s.Changes(ctx, 1) {
		var stale *cabinet.StaleError
		if !errors.As(err, &stale) || !errors.Is(err, cabinet.ErrStale) || stale.Oldest != 3 {
			t.Fatalf("changes after 1: %v, want a StaleError with oldest 3", err)
		}
		break
	}
}

// Delivery hands every committed batch to the sinks once per process, in
// revision order, resuming from its cursor; concurrent committers and
// concurrent drains (commit hooks) do not reorder nor repeat batches.
func TestDeliveryInOrderFromCursor(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(memstore.RunTwice())
	var log cabinet.EventLog
	cursor := cabinet.NewMemoryCursor(0)
	d := cabinet.NewDelivery(s, cursor, &log)
	s.OnCommit(func(cabinet.Revision) {
		if _, err := d.Drain(ctx); err != nil {
			t.Error(err)
		}
	})
	commit := commitUser(s)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if _, err := commit(ctx, 1000+w*20+i, true, false); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	bs := log.Batches()
	if len(bs) != 120 {
		t.Fatalf("%d batches delivered, want 120", len(bs))
	}
	for i := 1; i < len(bs); i++ {
		if bs[i].Revision <= bs[i-1].Revision {
			t.Fatalf("batch %d at revision %d after %d", i, bs[i].Revision, bs[i-1].Revision)
		}
	}
	if rev, _ := cursor.Load(ctx); rev != s.Revision() {
		t.Errorf("cursor at %d, head %d", rev, s.Revision())
	}

	// A second delivery resuming from a saved position hands over only what
	// came after it.
	var late cabinet.EventLog
	d2 := cabinet.NewDelivery(s, cabinet.NewMemoryCursor(bs[99].Revision), &late)
	if _, err := d2.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(late.Batches()); n != 20 {
		t.Errorf("resumed delivery handed over %d batches, want 20", n)
	}
}

// A reader streaming the change log while commits trim it (a small
// retention) sees each retained change as it was committed: trimming never
// rewrites what a reader holds.
func TestChangeLogTrimmingKeepsReadersConsistent(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(memstore.WithRetention(4))
	commit := commitUser(s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := 10; n < 400; n++ {
			if _, err := commit(ctx, n, true, false); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		var prev cabinet.Revision
		for c, err := range s.Changes(ctx, max(s.Revision(), 4)-4) {
			if errors.Is(err, cabinet.ErrStale) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Batch.Revision != c.Revision || (prev != 0 && c.Revision != prev+1) {
				t.Fatalf("change %d (batch %d) after %d", c.Revision, c.Batch.Revision, prev)
			}
			prev = c.Revision
		}
	}
}
