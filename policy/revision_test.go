package policy_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
)

// An engine built over a store that already holds state starts at the
// store's revision, and kit's engine follows it: a replica can compare
// Revision with a command's revision (a "zookie").
func TestEngineRevisionFollowsTheStore(t *testing.T) {
	w := newRich(t)
	if got, want := w.k.Policy.Revision(), w.store.Revision(); got != want {
		t.Errorf("kit's engine: revision %d, want the store's %d", got, want)
	}
	e, err := policy.New(w.ctx, engSources(w.store))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Revision(), w.store.Revision(); got != want || got == 0 {
		t.Errorf("New over a populated store: revision %d, want the store's %d", got, want)
	}
}

// TestNewRequiresAChangeLog: policy.New refuses a nil store and a store
// that keeps no change log (the engine follows it).
func TestNewRequiresAChangeLog(t *testing.T) {
	ctx := context.Background()
	if _, err := policy.New(ctx, nil); !errors.Is(err, cabinet.ErrInvalid) {
		t.Errorf("nil store: %v, want ErrInvalid", err)
	}
	if _, err := policy.New(ctx, noLog{memstore.New()}); !errors.Is(err, cabinet.ErrInvalid) {
		t.Errorf("a store without a change log: %v, want ErrInvalid", err)
	}
}

// noLog hides memstore's change log.
type noLog struct{ policy.Store }

// offline is a small office whose engine (e) is not wired to the store: it
// learns of the services' commits (through kit's own engine) only from the
// store's change log.
type offline struct {
	ctx          context.Context
	store        *memstore.Store
	k            *kit.Kit
	e            *policy.Engine
	admin, staff cabinet.UserID
	office       cabinet.OfficeID
	dossier      cabinet.DossierID
}

func newOffline(t *testing.T, store *memstore.Store, opts ...policy.Option) *offline {
	t.Helper()
	ctx := context.Background()
	k, err := kit.New(ctx, store, kit.WithClock(cabinet.NewManualClock(engT0)))
	if err != nil {
		t.Fatal(err)
	}
	w := &offline{ctx: ctx, store: store, k: k}
	w.admin = engMust(rec(k.Teams.CreateUser(ctx, testHost, "Ada", "ada@example.com")))(t).ID
	w.staff = engMust(rec(k.Teams.CreateUser(ctx, testHost, "Sam", "sam@example.com")))(t).ID
	w.office = engMust(rec(k.Groups.CreateOffice(ctx, w.admin, "Practice", "office@example.com")))(t).ID
	engMust(rec(k.Groups.AddCollaborator(ctx, w.admin, w.office, w.staff, cabinet.ProfileStandard)))(t)
	w.dossier = engMust(rec(k.Access.CreateDossier(ctx, w.admin, w.office, "Dupont")))(t).ID
	w.e = engMust(policy.New(ctx, store, append([]policy.Option{policy.WithClock(cabinet.NewManualClock(engT0))}, opts...)...))(t)
	return w
}

// assign opens the staff's internal route to the dossier (GRP-3) and
// returns the command's revision.
func (w *offline) assign(t *testing.T) cabinet.Revision {
	t.Helper()
	_, rev, err := w.k.Access.SetAssigned(w.ctx, w.admin, w.dossier, []cabinet.UserID{w.staff})
	engOK(t, err)
	return rev
}

func (w *offline) staffViews(t *testing.T, c policy.Consistency) policy.Decision {
	t.Helper()
	return engMust(w.e.CheckAt(w.ctx, c, policy.User(w.staff), policy.ViewDossier, policy.DossierResource(w.dossier)))(t)
}

// TestSyncAppliesTheLog: an engine learns of a commit from the store's
// change log alone: Check answers from the index as it is (at its
// revision) until Sync applies the change; Sync moves the revision to the
// store's head and no further.
func TestSyncAppliesTheLog(t *testing.T) {
	w := newOffline(t, memstore.New(memstore.RunTwice()))
	before := w.e.Revision()
	rev := w.assign(t)
	if d := w.staffViews(t, policy.MinimizeLatency()); d.Allowed || d.Revision != before {
		t.Fatalf("before Sync: %v at revision %d, want a denial at %d", d, d.Revision, before)
	}
	got, err := w.e.Sync(w.ctx)
	if err != nil || got != rev || w.e.Revision() != rev {
		t.Fatalf("Sync: %d, %v (Revision %d), want the command's revision %d", got, err, w.e.Revision(), rev)
	}
	if d := w.staffViews(t, policy.MinimizeLatency()); !d.Allowed || d.Revision != rev {
		t.Errorf("after Sync: %v at revision %d, want an allow at %d", d, d.Revision, rev)
	}
	if got, err := w.e.Sync(w.ctx); err != nil || got != rev {
		t.Errorf("Sync with nothing new: %d, %v, want %d", got, err, rev)
	}
}

// TestConsistencyAtLeastAndFullyConsistent: a question asked at the
// revision a command returned (AtLeast), or fully consistent, sees the
// command, on an engine that had not applied it; the default does not.
func TestConsistencyAtLeastAndFullyConsistent(t *testing.T) {
	for _, c := range []struct {
		name string
		cons func(rev cabinet.Revision) policy.Consistency
	}{
		{"at least the command's revision", policy.AtLeast},
		{"fully consistent", func(cabinet.Revision) policy.Consistency { return policy.FullyConsistent() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newOffline(t, memstore.New(memstore.RunTwice()))
			rev := w.assign(t)
			d := w.staffViews(t, c.cons(rev))
			if !d.Allowed || d.Revision < rev {
				t.Errorf("%v at revision %d, want an allow at %d or later", d, d.Revision, rev)
			}
			if got := engMust(w.e.Await(w.ctx, c.cons(rev)))(t); got < rev {
				t.Errorf("Await: %d, want at least %d", got, rev)
			}
		})
	}
	if got := policy.AtLeast(0); got != policy.MinimizeLatency() {
		t.Errorf("AtLeast(0) = %v, want MinimizeLatency", got)
	}
	for c, want := range map[policy.Consistency]string{
		policy.MinimizeLatency(): "minimize_latency", policy.AtLeast(7): "at_least(7)", policy.FullyConsistent(): "fully_consistent",
	} {
		if c.String() != want {
			t.Errorf("String() = %q, want %q", c.String(), want)
		}
	}
}

// TestAtLeastWaitsForTheCommit: AtLeast(r) for a revision not committed yet
// waits until it is (and applies it), bounded by ctx: a revision no one
// commits is ctx's error.
func TestAtLeastWaitsForTheCommit(t *testing.T) {
	w := newOffline(t, memstore.New(memstore.RunTwice()))
	next := w.store.Revision() + 1
	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := w.e.CheckAt(ctx, policy.AtLeast(next), policy.User(w.staff), policy.ViewDossier, policy.DossierResource(w.dossier)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("AtLeast(%d) with nothing committed: %v, want the deadline", next, err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(10 * time.Millisecond)
		if _, _, err := w.k.Access.SetAssigned(w.ctx, w.admin, w.dossier, []cabinet.UserID{w.staff}); err != nil {
			t.Error(err)
		}
	})
	d := w.staffViews(t, policy.AtLeast(next))
	wg.Wait()
	if !d.Allowed || d.Revision < next {
		t.Errorf("AtLeast(%d) across the commit: %v at revision %d", next, d, d.Revision)
	}
	var got []cabinet.DossierID
	for id, err := range w.e.Dossiers(w.ctx, policy.User(w.staff), policy.DossierQuery{Consistency: policy.AtLeast(next)}) {
		engOK(t, err)
		got = append(got, id)
	}
	if len(got) != 1 || got[0] != w.dossier {
		t.Errorf("Dossiers at least %d: %v, want [%s]", next, got, w.dossier)
	}
	viewers := 0
	for a, err := range w.e.ViewersAt(w.ctx, policy.AtLeast(next), w.dossier) {
		engOK(t, err)
		if a.User == w.staff {
			viewers++
		}
	}
	if viewers != 1 {
		t.Errorf("ViewersAt(at least %d): the staff is listed %d times, want once", next, viewers)
	}
}

// TestFollowKeepsTheIndexCurrent: Follow applies every commit as it
// arrives, and returns ctx's error when ctx is done.
func TestFollowKeepsTheIndexCurrent(t *testing.T) {
	w := newOffline(t, memstore.New(memstore.RunTwice()))
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan error, 1)
	go func() { done <- w.e.Follow(ctx) }()
	rev := w.assign(t)
	deadline := time.Now().Add(5 * time.Second)
	for w.e.Revision() < rev && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if d := w.staffViews(t, policy.MinimizeLatency()); !d.Allowed || d.Revision < rev {
		t.Errorf("while following: %v at revision %d, want an allow at %d", d, d.Revision, rev)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Follow after cancel: %v, want context.Canceled", err)
	}
}

// TestStaleEngineReloadsAndSaysSo: an engine whose revision fell out of the
// change log's retention reloads its whole index by itself on Sync and
// calls the reload hook with (its old revision, the reloaded one); it then
// answers as a fresh engine.
func TestStaleEngineReloadsAndSaysSo(t *testing.T) {
	type reload struct{ from, to cabinet.Revision }
	var reloads []reload
	w := newOffline(t, memstore.New(memstore.RunTwice(), memstore.WithRetention(2)),
		policy.WithReloadHook(func(from, to cabinet.Revision) { reloads = append(reloads, reload{from, to}) }))
	from := w.e.Revision()
	w.assign(t)
	for _, name := range []string{"North", "South", "East"} {
		engMust(rec(w.k.Groups.CreateClientGroup(w.ctx, w.admin, w.office, name, "")))(t)
	}
	head := w.store.Revision()
	got, err := w.e.Sync(w.ctx)
	if err != nil || got != head {
		t.Fatalf("Sync past the retention: %d, %v, want the head %d", got, err, head)
	}
	if want := []reload{{from, head}}; len(reloads) != 1 || reloads[0] != want[0] {
		t.Errorf("reload hook: %v, want %v", reloads, want)
	}
	if d := w.staffViews(t, policy.MinimizeLatency()); !d.Allowed || d.Revision != head {
		t.Errorf("after the reload: %v at revision %d, want an allow at %d", d, d.Revision, head)
	}
	// Reload is asked for: it does not call the hook.
	engOK(t, w.e.Reload(w.ctx))
	// Within the retention again: an ordinary sync, no hook.
	engMust(rec(w.k.Groups.CreateClientGroup(w.ctx, w.admin, w.office, "West", "")))(t)
	if _, err := w.e.Sync(w.ctx); err != nil || len(reloads) != 1 {
		t.Errorf("a sync within the retention: %v, %d reloads, want 1", err, len(reloads))
	}
}

// TestPOL3AdminListingIsOneRevision: Dossiers for an admin of one office
// (whose answer is decided under the read lock and whose IDs are read
// after it is released) yields the answer at the revision it was asked,
// even when commands are applied to the index while the caller is still
// ranging over it: new dossiers, a new manager, an assignment. Run
// under -race, the writer goroutine also checks that the IDs read after
// the lock are not written meanwhile.
func TestPOL3AdminListingIsOneRevision(t *testing.T) {
	w := newOffline(t, memstore.New())
	for range 40 {
		engMust(rec(w.k.Access.CreateDossier(w.ctx, w.admin, w.office, "Martin")))(t)
	}
	engMust(w.e.Sync(w.ctx))(t)
	list := func() []cabinet.DossierID {
		var out []cabinet.DossierID
		for id, err := range w.e.Dossiers(w.ctx, policy.User(w.admin), policy.DossierQuery{}) {
			engOK(t, err)
			out = append(out, id)
		}
		return out
	}
	before := list()
	if len(before) != 41 {
		t.Fatalf("the admin lists %d dossiers, want 41", len(before))
	}
	t.Run("commands applied mid-range", func(t *testing.T) {
		var got []cabinet.DossierID
		for id, err := range w.e.Dossiers(w.ctx, policy.User(w.admin), policy.DossierQuery{}) {
			engOK(t, err)
			if len(got) == 1 {
				engMust(rec(w.k.Access.CreateDossier(w.ctx, w.admin, w.office, "Durand")))(t)
				engMust(rec(w.k.Access.SetManager(w.ctx, w.admin, before[5], w.staff)))(t)
				engMust(rec(w.k.Access.SetAssigned(w.ctx, w.admin, before[7], []cabinet.UserID{w.staff})))(t)
				engMust(w.e.Sync(w.ctx))(t)
			}
			got = append(got, id)
		}
		if !slices.Equal(got, before) {
			t.Errorf("listing ranged over across commands:\n got %v\nwant %v", got, before)
		}
		if after := list(); len(after) != 42 {
			t.Errorf("the next listing has %d dossiers, want 42", len(after))
		}
	})
	t.Run("a writer runs meanwhile", func(t *testing.T) {
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				if _, _, err := w.k.Access.CreateDossier(w.ctx, w.admin, w.office, "Petit"); err != nil {
					t.Error(err)
					return
				}
				if _, _, err := w.k.Access.SetAssigned(w.ctx, w.admin, before[i%len(before)], []cabinet.UserID{w.staff}); err != nil {
					t.Error(err)
					return
				}
				if _, err := w.e.Sync(w.ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		for range 50 {
			got := list()
			if !slices.IsSorted(got) || len(got) < 42 {
				t.Errorf("a listing during writes: %d dossiers, sorted %v", len(got), slices.IsSorted(got))
				break
			}
		}
		close(done)
		wg.Wait()
	})
}
