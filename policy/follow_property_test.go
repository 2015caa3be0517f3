package policy_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Invariant 13 and the engine's place in it (issue 14): the store's change
// log is the one source of change.

// emailsB is the address pool of the second writer's world, distinct from
// genEmails so that both worlds' sign-ups succeed.
var emailsB = []string{
	"b-ann@example.com", "b-bob@example.com", "b-cat@example.com", "b-dan@example.com",
	"b-eve@example.com", "b-fay@example.com", "b-gus@example.com", "b-hal@example.com",
}

// pinned is a store whose Views all read one snapshot already open: the
// team reader of a View of the underlying store, and the other packages'
// readers of its Tx. It lets a test load a fresh engine (and a reference
// snapshot) from exactly the snapshot a follower synced from, inside that
// View. Its Updates are the underlying store's (never called).
type pinned struct {
	*memstore.Store
	r team.Reader
}

func (p pinned) ViewTeams(_ context.Context, fn func(team.Reader) error) error { return fn(p.r) }

func (p pinned) ViewAccess(_ context.Context, fn func(access.Reader) error) error {
	r, err := p.AccessReader(p.r.Tx())
	if err != nil {
		return err
	}
	return fn(r)
}

func (p pinned) ViewClientGroups(_ context.Context, fn func(clientgroup.Reader) error) error {
	r, err := p.ClientGroupReader(p.r.Tx())
	if err != nil {
		return err
	}
	return fn(r)
}

func (p pinned) ViewContacts(_ context.Context, fn func(contact.Reader) error) error {
	r, err := p.ContactReader(p.r.Tx())
	if err != nil {
		return err
	}
	return fn(r)
}

func (p pinned) ViewProcedures(_ context.Context, fn func(procedure.Reader) error) error {
	r, err := p.ProcedureReader(p.r.Tx())
	if err != nil {
		return err
	}
	return fn(r)
}

// atSnapshot is what a tap saw in a follower's View: a fresh engine and a
// reference snapshot loaded from that very snapshot, at its revision.
type atSnapshot struct {
	rev   cabinet.Revision
	fresh *policy.Engine
	snap  *refSnapshot
	err   error
}

// tap is the store a follower engine reads. Each View the follower opens
// that is ahead of the follower's revision (a Sync about to advance) also
// loads, inside the same View, a fresh engine and a reference snapshot:
// the state the follower must then answer for.
type tap struct {
	*memstore.Store
	clock cabinet.Clock

	mu       sync.Mutex
	follower *policy.Engine
	last     *atSnapshot
}

func (t *tap) ViewTeams(ctx context.Context, fn func(team.Reader) error) error {
	return t.Store.ViewTeams(ctx, func(r team.Reader) error {
		if err := fn(r); err != nil {
			return err
		}
		t.mu.Lock()
		f := t.follower
		t.mu.Unlock()
		if f == nil || r.Tx().Revision() <= f.Revision() {
			return nil
		}
		p := pinned{t.Store, r}
		ctx = context.WithoutCancel(ctx) // the follower's Sync may be stopped: its snapshot is still compared
		at := &atSnapshot{rev: r.Tx().Revision()}
		at.fresh, at.err = policy.New(ctx, p, policy.WithClock(t.clock))
		if at.err == nil {
			at.snap, at.err = takeSnapshot(ctx, p, t.clock.Now())
		}
		t.mu.Lock()
		t.last = at
		t.mu.Unlock()
		return nil
	})
}

// take returns and forgets what the last View saw.
func (t *tap) take() *atSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	at := t.last
	t.last = nil
	return at
}

// batchSink records every batch it is handed.
type batchSink struct {
	mu      sync.Mutex
	batches []cabinet.Batch
}

func (s *batchSink) Publish(_ context.Context, b cabinet.Batch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, b)
}

// sameAnswers compares the follower with the fresh engine on the questions
// of snap for every subject: every stride-th (subject, question) pair from
// offset, and each subject's reverse listing of the dossiers it can view;
// and their indexes structurally (policy.IndexDiff: a link the refresh
// left behind may change no answer). It returns "" when they agree.
func sameAnswers(ctx context.Context, follower, fresh *policy.Engine, snap *refSnapshot, stride, offset int) string {
	if msg := policy.IndexDiff(follower, fresh); msg != "" {
		return "the indexes differ: " + msg
	}
	c := &diffCase{snap: snap}
	qs := c.questions()
	n := 0
	for _, s := range c.subjects() {
		for _, q := range qs {
			n++
			if (n+offset)%stride != 0 {
				continue
			}
			got, err1 := follower.Check(ctx, s, q.a, q.r)
			want, err2 := fresh.Check(ctx, s, q.a, q.r)
			if err1 != nil || err2 != nil {
				return fmt.Sprintf("Check(%s, %s): errors %v, %v", s, q, err1, err2)
			}
			if got.Allowed != want.Allowed || got.Routes != want.Routes || got.Rule != want.Rule ||
				got.User != want.User || got.Actor != want.Actor || got.Contact != want.Contact || got.Revision != want.Revision {
				return fmt.Sprintf("Check(%s, %s): follower %+v, fresh engine %+v", s, q, got, want)
			}
		}
		var a, b []cabinet.DossierID
		for id, err := range follower.Dossiers(ctx, s, policy.DossierQuery{}) {
			if err != nil {
				return err.Error()
			}
			a = append(a, id)
		}
		for id, err := range fresh.Dossiers(ctx, s, policy.DossierQuery{}) {
			if err != nil {
				return err.Error()
			}
			b = append(b, id)
		}
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			return fmt.Sprintf("Dossiers(%s): follower %v, fresh engine %v", s, a, b)
		}
	}
	return ""
}

// TestINV13ChangeLogFollowersAndSinks is SPEC §3 invariant 13 and issue 14's
// properties, over random command sequences run by two concurrent writers
// (two kits over one memstore, each building its own random world, one of
// them with a host sink), with a retention small enough, one case in two,
// for a lagging engine to fall out of the log:
//
//   - (a) the host's sink receives exactly the committed batches — those of
//     the store's change log — each at least once, in revision order, with
//     their revision and events;
//   - (b) an engine following the log concurrently (Sync in a loop, as
//     Follow does) answers exactly like a fresh policy.New loaded from the
//     very snapshot it synced from, at every revision it reports, and at
//     the end at the store's head;
//   - (c) an engine that never synced until the end reloads in full when
//     its position fell out of the retention, and then only, calls the
//     reload hook once with (its revision, the head), and answers like a
//     fresh engine.
func TestINV13ChangeLogFollowersAndSinks(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var reports, reloads, cases, batches int
	p := prop.ForAll(func(ints genState) string {
		retention := memstore.DefaultRetention
		if ints[0]%2 == 0 {
			retention = 6
		}
		store := memstore.New(memstore.RunTwice(), memstore.WithRetention(retention))
		clock := cabinet.NewManualClock(genT0) // the followers' clock: never advanced
		tp := &tap{Store: store, clock: clock}
		follower, err := policy.New(ctx, tp, policy.WithClock(clock))
		if err != nil {
			return err.Error()
		}
		tp.mu.Lock()
		tp.follower = follower
		tp.mu.Unlock()
		type reload struct{ from, to cabinet.Revision }
		var lagReloads []reload
		lagging, err := policy.New(ctx, store, policy.WithClock(clock),
			policy.WithReloadHook(func(from, to cabinet.Revision) { lagReloads = append(lagReloads, reload{from, to}) }))
		if err != nil {
			return err.Error()
		}
		ids := &cabinet.SequentialIDs{}
		sink := &batchSink{}
		wa, err := newGenWorld(ctx, store, ids, cabinet.NewManualClock(genT0), genEmails, kit.WithSink(sink))
		if err != nil {
			return err.Error()
		}
		wb, err := newGenWorld(ctx, store, ids, cabinet.NewManualClock(genT0), emailsB)
		if err != nil {
			return err.Error()
		}
		intsB := slices.Clone(ints)
		slices.Reverse(intsB)

		// The follower: Sync, compare at the revision it reports, wait for
		// the next commit; until the writers are done and it has reached
		// the head.
		followCtx, stop := context.WithCancel(ctx)
		followed := make(chan string, 1)
		var nreports int
		go func() {
			defer stop()
			for i := 0; ; i++ {
				rev, err := follower.Sync(followCtx)
				if err != nil {
					if followCtx.Err() != nil {
						followed <- ""
					} else {
						followed <- "follower Sync: " + err.Error()
					}
					return
				}
				if at := tp.take(); at != nil {
					nreports++
					switch {
					case at.err != nil:
						followed <- "loading at the follower's snapshot: " + at.err.Error()
						return
					case at.rev != rev || at.fresh.Revision() != rev:
						followed <- fmt.Sprintf("(b) the follower reports revision %d after reading the snapshot at %d (fresh engine: %d)", rev, at.rev, at.fresh.Revision())
						return
					}
					if msg := sameAnswers(ctx, follower, at.fresh, at.snap, 97, i); msg != "" {
						followed <- fmt.Sprintf("(b) at revision %d: %s", rev, msg)
						return
					}
				}
				if err := store.Wait(followCtx, rev); err != nil {
					followed <- ""
					return
				}
			}
		}()
		var writers sync.WaitGroup
		writers.Go(func() { wa.build(ints) })
		writers.Go(func() { wb.build(intsB) })
		writers.Wait()
		stop()
		if msg := <-followed; msg != "" {
			return msg + "\nworld A:\n" + wa.String() + "world B:\n" + wb.String()
		}
		head := store.Revision()

		// (b) at the quiescent end, on every question.
		if _, err := follower.Await(ctx, policy.FullyConsistent()); err != nil {
			return "follower at the head: " + err.Error()
		}
		fresh, err := policy.New(ctx, store, policy.WithClock(clock))
		if err != nil {
			return err.Error()
		}
		snap, err := takeSnapshot(ctx, store, clock.Now())
		if err != nil {
			return err.Error()
		}
		if follower.Revision() != head {
			return fmt.Sprintf("(b) the follower is at %d at the end, the head at %d", follower.Revision(), head)
		}
		if msg := sameAnswers(ctx, follower, fresh, snap, 1, 0); msg != "" {
			return "(b) at the head: " + msg
		}

		// (c) the lagging engine.
		from := lagging.Revision()
		rev, err := lagging.Sync(ctx)
		if err != nil || rev != head {
			return fmt.Sprintf("(c) lagging Sync: %d, %v, want the head %d", rev, err, head)
		}
		stale := int(head-from) > retention
		switch {
		case stale && !slices.Equal(lagReloads, []reload{{from, head}}):
			return fmt.Sprintf("(c) fell out of the retention (%d changes behind, %d kept): reload hook %v, want [{%d %d}]", head-from, retention, lagReloads, from, head)
		case !stale && len(lagReloads) > 0:
			return fmt.Sprintf("(c) within the retention: reload hook %v, want none", lagReloads)
		}
		if msg := sameAnswers(ctx, lagging, fresh, snap, 7, 0); msg != "" {
			return "(c) after its sync: " + msg
		}

		// (a) the host's sink: exactly the log's batches, in order. A
		// change the log no longer retains cannot be compared: the sink
		// must then hold it at the same place, so only the retained
		// suffix is compared with the log, and the sink's revisions must
		// be increasing and end at the last batch.
		var want []cabinet.Batch
		oldest := cabinet.Revision(0)
		var after cabinet.Revision // the first change retained is after+1
		if head > cabinet.Revision(retention) {
			after = head - cabinet.Revision(retention)
		}
		for c, err := range store.Changes(ctx, after) {
			if err != nil {
				return "reading the log: " + err.Error()
			}
			if oldest == 0 {
				oldest = c.Revision
			}
			if len(c.Batch.Events) > 0 {
				b := c.Batch
				b.Revision = c.Revision
				want = append(want, b)
			}
		}
		sink.mu.Lock()
		got := slices.Clone(sink.batches)
		sink.mu.Unlock()
		for i := 1; i < len(got); i++ {
			if got[i].Revision <= got[i-1].Revision {
				return fmt.Sprintf("(a) the sink got revision %d after %d", got[i].Revision, got[i-1].Revision)
			}
		}
		tail := slices.DeleteFunc(slices.Clone(got), func(b cabinet.Batch) bool { return b.Revision < oldest })
		if !reflect.DeepEqual(tail, want) {
			return fmt.Sprintf("(a) the sink got %d batches from revision %d, the log holds %d:\nsink %v\nlog  %v", len(tail), oldest, len(want), revisions(tail), revisions(want))
		}
		if retention == memstore.DefaultRetention && oldest > 1 {
			return fmt.Sprintf("(a) the log lost changes below %d with the default retention", oldest)
		}
		mu.add(func() {
			cases++
			reports += nreports
			batches += len(got)
			if stale {
				reloads++
			}
		})
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d cases: the follower reported %d revisions, the sink got %d batches; %d lagging engines reloaded", cases, reports, batches, reloads)
	if reports <= cases || reloads == 0 || reloads == cases || batches == 0 {
		t.Errorf("vacuous: %d follower reports, %d reloads in %d cases, %d batches", reports, reloads, cases, batches)
	}
}

func revisions(bs []cabinet.Batch) []cabinet.Revision {
	out := make([]cabinet.Revision, len(bs))
	for i, b := range bs {
		out[i] = b.Revision
	}
	return out
}
