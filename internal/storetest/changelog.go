package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Event is the event the change-log checks emit. A store that encodes
// events (PostgreSQL) must be able to decode it: register it like any
// package's events.
type Event struct {
	N    int
	Note string
}

// EventName implements cabinet.Event.
func (Event) EventName() string { return "storetest.event" }

// Commit runs one transaction in the store under test that writes record n
// and, when emit is true, emits a batch with Event{N: n}, returning the
// committed revision. fail makes the transaction fail after its writes.
type Commit func(ctx context.Context, n int, emit, fail bool) (cabinet.Revision, error)

// ChangeLog checks a store's change log (cabinet.ChangeLog, SPEC §3
// invariant 13) on an empty store:
//   - every committed transaction is one change, in revision order, with the
//     batch it emitted (the batch's Revision is the change's) — and a
//     transaction that emits but writes nothing else still commits one;
//   - a failed transaction leaves no change; Changes resumes after any
//     revision; Head is the last revision;
//   - Wait returns as soon as a change after the given revision exists, and
//     when ctx is done;
//   - concurrent committers: the log has every committed revision exactly
//     once, consecutive, and every emitted batch.
func ChangeLog(t *testing.T, log cabinet.ChangeLog, commit Commit) {
	t.Helper()
	ctx := context.Background()
	all := func(after cabinet.Revision) []cabinet.Change {
		t.Helper()
		var out []cabinet.Change
		for c, err := range log.Changes(ctx, after) {
			if err != nil {
				t.Fatalf("Changes(%d): %v", after, err)
			}
			out = append(out, c)
		}
		return out
	}
	start, err := log.Head(ctx)
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	var revs []cabinet.Revision
	for n := 1; n <= 4; n++ {
		rev, err := commit(ctx, n, n != 3, false)
		if err != nil {
			t.Fatalf("commit %d: %v", n, err)
		}
		revs = append(revs, rev)
	}
	if _, err := commit(ctx, 5, true, true); err == nil {
		t.Fatal("a failing commit succeeded")
	}
	got := all(start)
	if len(got) != 4 {
		t.Fatalf("%d changes after %d, want 4 (the failed transaction must leave none)", len(got), start)
	}
	for i, c := range got {
		if c.Revision != revs[i] {
			t.Errorf("change %d has revision %d, want %d", i, c.Revision, revs[i])
		}
		if c.Batch.Revision != c.Revision {
			t.Errorf("change %d: batch revision %d, change revision %d", i, c.Batch.Revision, c.Revision)
		}
		n := i + 1
		if n == 3 {
			if len(c.Batch.Events) != 0 {
				t.Errorf("change %d: events %v from a transaction that emitted none", i, c.Batch.Events)
			}
			continue
		}
		if len(c.Batch.Events) != 1 || c.Batch.Events[0] != (Event{N: n}) {
			t.Errorf("change %d: events %#v, want [Event{N: %d}]", i, c.Batch.Events, n)
		}
	}
	if head, err := log.Head(ctx); err != nil || head != revs[3] {
		t.Errorf("Head = %d, %v; want %d", head, err, revs[3])
	}
	if rest := all(revs[1]); len(rest) != 2 || rest[0].Revision != revs[2] {
		t.Errorf("Changes after %d: %d changes starting at %v", revs[1], len(rest), rest)
	}
	if rest := all(revs[3]); len(rest) != 0 {
		t.Errorf("Changes after the head: %d changes", len(rest))
	}

	// Wait: at once when a later change exists; woken by a commit; ends
	// with ctx.
	if err := log.Wait(ctx, revs[2]); err != nil {
		t.Errorf("Wait for an existing change: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	if err := log.Wait(short, revs[3]); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait with nothing new returned %v, want the deadline", err)
	}
	cancel()
	woke := make(chan error, 1)
	go func() {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		woke <- log.Wait(wctx, revs[3])
	}()
	time.Sleep(20 * time.Millisecond)
	if _, err := commit(ctx, 6, true, false); err != nil {
		t.Fatalf("commit 6: %v", err)
	}
	if err := <-woke; err != nil {
		t.Errorf("Wait was not woken by a commit: %v", err)
	}

	// Concurrent committers: every revision once, consecutive, with its
	// batch.
	before, _ := log.Head(ctx)
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := commit(ctx, 100+w*each+i, true, false); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	prev := before
	for _, c := range all(before) {
		if c.Revision <= prev {
			t.Fatalf("change %d after %d: not in revision order", c.Revision, prev)
		}
		prev = c.Revision
		for _, e := range c.Batch.Events {
			seen[e.(Event).N] = true
		}
	}
	if len(seen) != writers*each {
		t.Errorf("%d of %d concurrent batches in the log", len(seen), writers*each)
	}
}

// Keys checks that the change a write commits names the keys of the records
// it wrote, as they were and as they are (cabinet.Key): commit runs one
// write transaction in store and returns its revision; want are keys its
// change must hold (the change may hold more). A store that keeps no change
// log (it is not a cabinet.ChangeLog) is not checked.
func Keys(t *testing.T, store any, commit func(ctx context.Context) (cabinet.Revision, error), want ...cabinet.Key) {
	t.Helper()
	log, ok := store.(cabinet.ChangeLog)
	if !ok {
		return
	}
	ctx := context.Background()
	rev, err := commit(ctx)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	for c, err := range log.Changes(ctx, rev-1) {
		if err != nil {
			t.Fatalf("Changes(%d): %v", rev-1, err)
		}
		if c.Revision != rev {
			t.Fatalf("the change after %d is at %d, want %d", rev-1, c.Revision, rev)
		}
		have := map[cabinet.Key]bool{}
		for _, k := range c.Keys {
			have[k] = true
		}
		for _, k := range want {
			if !have[k] {
				t.Errorf("the change at %d lacks key %v; it has %v", rev, k, c.Keys)
			}
		}
		return
	}
	t.Fatalf("no change at revision %d", rev)
}
