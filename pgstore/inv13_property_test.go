package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
)

// SPEC §3 invariant 13 on PostgreSQL with concurrent writers (issue 14):
// the change log is the one source of change, for the host's sinks and for
// the engines that follow it.

// inv13EmailsB are the addresses of the second writer's world, distinct
// from pol6Emails so that the two worlds never meet: both sign-ups
// succeed, and no grant, contact or invitation of one world is linked to
// an account of the other.
var inv13EmailsB = []string{"b-ann@example.com", "b-bob@example.com", "b-cat@example.com", "b-dan@example.com",
	"b-eve@example.com", "b-fay@example.com", "b-gus@example.com", "b-hal@example.com"}

// inv13Every is how many commands a writer runs between two checkpoints
// (it also pauses after its bootstrap).
const inv13Every = 5

// inv13Stride: a checkpoint before the end compares every inv13Stride-th
// Check (from an offset that moves with each checkpoint) and every
// dossier's Viewers; the last one, every Check. (Every Check at every
// checkpoint made up three quarters of the test's time.)
const inv13Stride = 7

// offsetIDs is cabinet.SequentialIDs counting from base: a writer's
// memstore and pgstore kits each have one, with the same base, so that a
// command gets the same IDs on both, and the two writers have different
// bases, so that their IDs never collide in the shared pgstore. (The
// services draw IDs before their transaction, so a pgstore retry draws no
// other.)
type offsetIDs struct {
	base uint64
	n    atomic.Uint64
}

func (g *offsetIDs) NewID(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, g.base+g.n.Add(1))
}

// recordingSink is the host's sink: it records every batch it is handed.
type recordingSink struct {
	mu      sync.Mutex
	batches []cabinet.Batch
	kill    func() // called once the sink holds n batches (killAt)
	n       int
}

func (s *recordingSink) Publish(_ context.Context, b cabinet.Batch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, b)
	if s.kill != nil && len(s.batches) == s.n {
		s.kill()
		s.kill = nil
	}
}

// killAt makes the sink call kill once it holds n batches.
func (s *recordingSink) killAt(n int, kill func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kill, s.n = kill, n
}

func (s *recordingSink) got() []cabinet.Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

// deadCursor is a pgstore delivery cursor that a dead process cannot save:
// Save does nothing once its context is done (pgx might still send the
// statement, or not).
type deadCursor struct{ *pgstore.Cursor }

func (c deadCursor) Save(ctx context.Context, rev cabinet.Revision) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Cursor.Save(ctx, rev)
}

// reports records the revisions a follower's loop reported, one per Sync.
type reports struct {
	mu   sync.Mutex
	revs []cabinet.Revision
}

func (r *reports) add(rev cabinet.Revision) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revs = append(r.revs, rev)
}

func (r *reports) last() cabinet.Revision {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.revs) == 0 {
		return 0
	}
	return r.revs[len(r.revs)-1]
}

func (r *reports) all() []cabinet.Revision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.revs)
}

// TestINV13ConcurrentWritersChangeLogOnPostgres is SPEC §3 invariant 13 and
// issue 14's property on PostgreSQL, over random command sequences (valid
// and invalid, decoded as POL-6 decodes them) run by two concurrent writers
// — two goroutines, each with its own kits and its own pool over one
// database, each building its own world (its own addresses and IDs), and
// each checking every outcome against a memstore running the same commands
// (POL-6's check, command by command). Every inv13Every commands (and after
// its bootstrap) each writer waits at a checkpoint until the other has
// reached one or finished: the store is then still, and exact questions
// can be asked of it. Meanwhile, each over a pool of its own:
//
//   - a follower engine, loaded from the empty store, syncs in a loop
//     (Sync, then the store's Wait, woken by LISTEN/NOTIFY: Follow's loop)
//     and records the revision each Sync reports;
//   - a cabinet.Delivery runs from a pgstore delivery cursor and hands
//     every batch to a recording sink. One case in two, it dies (its
//     context canceled) right after the sink handled one of the first
//     batches, before its cursor is saved, while the writers run, and a
//     new Delivery resumes from the cursor's table, as a restarted process
//     would.
//
// Checked:
//
//   - (a) the sink receives exactly the batches of the store's change log
//     (Changes after the revision the case started from, read once the
//     writers are done), events included, each at least once — once, but
//     for the batch a delivery died handing, handed again right after by
//     the next one — in revision order, none missing;
//   - (b) the log's batches are exactly the batches each writer's commands
//     committed — those its memstore logged, in its order — interleaved:
//     nothing lost, nothing invented, nothing of a failed command;
//   - (c) at each checkpoint the follower's own loop reaches the store's
//     head, and the follower then answers exactly like an engine loaded
//     afresh (policy.New) over the store at that head: the same revision,
//     and every dossier's Viewers and every Check (every inv13Stride-th
//     one before the last checkpoint) of every subject of both worlds
//     (users, an unknown user, impersonation sessions) on every resource
//     of both worlds (pol6_test.go's resources) for every action. Every
//     revision the follower reported in between is non-decreasing and the
//     revision of a change in the log: it never claims one it has not
//     applied.
//
// PostgreSQL has no "as of revision" read, so the exact comparison is made
// at the checkpoints, where the store is still, rather than at every
// revision the follower reports.
//
// Each case starts from an emptied schema whose revisions go on from the
// last case's (the change log is kept, so that the stores' waiters, which
// remember the head, stay right): the follower, the fresh engines and the
// delivery cursor start at that revision.
//
// Cases: 2 writers × 8-15 commands each, after a bootstrap of a few
// commands each. 1,000 by default, the house's count (a case costs about
// a third of a second under -race on the 2 shared cores at a load average
// of 7-8: 100 cases in 35 s, 250 in 81 s; of a case, the commands take
// about half, comparing the engines a third). 50 under -short;
// INV13_STATES overrides the number.
func TestINV13ConcurrentWritersChangeLogOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	poolA, poolB := pgtest.Pool(t, 3, nil), pgtest.Pool(t, 3, nil)
	storeA := pgtest.Store(t, poolA)
	storeB := pgtest.Replica(t, storeA, poolB)
	storeF := pgtest.Replica(t, storeA, pgtest.Pool(t, 3, nil)) // the follower's, and the fresh engines'
	storeD := pgtest.Replica(t, storeA, pgtest.Pool(t, 2, nil)) // the delivery's
	// See above.
	cases := 1000
	if testing.Short() {
		cases = 50
	}
	if n, err := strconv.Atoi(os.Getenv("INV13_STATES")); err == nil && n > 0 {
		cases = n
	}
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = cases
	params.MaxShrinkCount = 10 // the interleaving is not replayed: shrinking only shortens the commands
	var st inv13Stats
	start := time.Now()
	properties := gopter.NewProperties(params)
	properties.Property("concurrent writers, one change log", prop.ForAll(func(a, b []int) string {
		c := &inv13Case{ctx: ctx, stores: [2]*pgstore.Store{storeA, storeB}, follower: storeF, delivery: storeD}
		msg := c.run(poolA, [2][]int{a, b})
		if msg != "" {
			return msg + c.histories()
		}
		st.add(c)
		return ""
	}, genCommandsOf(8, 15), genCommandsOf(8, 15)))
	properties.TestingRun(t)
	t.Logf("INV-13 on PostgreSQL: %d cases, %d commands (%d refused alike); %d checkpoints, %d questions; the follower reported %d revisions (%d between checkpoints); the sink got %d batches (%d handed again by the %d restarted deliveries); the writers' batches interleaved in %d cases; in %s",
		st.cases, st.commands, st.failed, st.checkpoints, st.questions, st.reports, st.between, st.batches, st.redelivered, st.restarts, st.interleaved,
		time.Since(start).Round(time.Millisecond))
	if st.cases > 0 && (st.between == 0 || st.batches == 0 || st.interleaved == 0 || st.failed == 0 || st.redelivered == 0) {
		t.Errorf("vacuous: %d follower reports between checkpoints, %d batches delivered, %d interleaved cases, %d refused commands, %d batches handed again",
			st.between, st.batches, st.interleaved, st.failed, st.redelivered)
	}
}

// inv13Stats adds up what the cases did, to show the property is not
// vacuous.
type inv13Stats struct {
	cases, commands, failed, checkpoints, questions int
	reports, between, batches, interleaved          int
	restarts, redelivered                           int
}

func (s *inv13Stats) add(c *inv13Case) {
	s.cases++
	for _, w := range c.writers {
		s.commands += len(w.log)
		s.failed += w.failed
	}
	s.checkpoints += len(c.heads)
	s.questions += c.questions
	revs := c.reports.all()
	s.reports += len(revs)
	for _, r := range revs {
		if r > c.from && !slices.Contains(c.heads, r) {
			s.between++
		}
	}
	s.batches += c.delivered
	s.restarts += int(c.restarts.Load())
	s.redelivered += c.redelivered
	if c.switches > 1 {
		s.interleaved++
	}
}

// inv13Case is one case: two writers, a follower, a delivery.
type inv13Case struct {
	ctx      context.Context
	stores   [2]*pgstore.Store // the writers', each on its own pool
	follower *pgstore.Store    // the follower engine's and the fresh engines'
	delivery *pgstore.Store    // the delivery's

	writers [2]*both
	from    cabinet.Revision // the head when the case started
	clock   *cabinet.ManualClock
	engine  *policy.Engine // the follower
	reports reports

	heads     []cabinet.Revision // the head at each checkpoint
	questions int
	delivered int
	restarts  atomic.Int32 // of the delivery
	// redelivered counts the batches a restarted delivery handed the sink
	// again.
	redelivered int
	switches    int // how often the log passes from one writer's batches to the other's
}

func (c *inv13Case) histories() string {
	var b strings.Builder
	for i, w := range c.writers {
		if w != nil {
			fmt.Fprintf(&b, "\nwriter %c:\n%s", 'A'+i, w.history())
		}
	}
	return b.String()
}

// newWriter returns a writer's world over pg: its own memstore, kits, clock,
// IDs counted from base, and addresses.
func newWriter(ctx context.Context, pg *pgstore.Store, emails []string, base uint64) *both {
	w := &both{ctx: ctx, clock: cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), mem: memstore.New(), pg: pg,
		emails: emails, shared: true,
		roles: map[cabinet.ProcedureID][]procedure.RoleID{}, items: map[cabinet.ProcedureID][]procedure.ItemID{}}
	for i, s := range []kit.Store{w.mem, w.pg} {
		w.kits[i] = servicesWithoutPolicy(s, cabinet.WithClock(w.clock), cabinet.WithIDs(&offsetIDs{base: base}))
	}
	return w
}

// build runs the writer's commands of ints, calling pause after the
// bootstrap and every inv13Every commands; it returns a mismatch.
func (w *both) build(ints []int, pause func()) string {
	boot := make([]int, 8)
	copy(boot, ints)
	if msg := w.bootstrap(boot); msg != "" {
		return msg
	}
	pause()
	for n, i := 1, 8; i+5 <= len(ints); n, i = n+1, i+5 {
		if msg := w.command(ints[i : i+5]); msg != "" {
			return msg
		}
		if n%inv13Every == 0 {
			pause()
		}
	}
	return ""
}

// resetRecords deletes every record of s but keeps its change log and its
// revision sequence: the next commit takes the revision after the last
// one.
func resetRecords(ctx context.Context, pool *pgxpool.Pool, s *pgstore.Store) error {
	schema := pgx.Identifier{s.Schema()}.Sanitize()
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT IN ('schema_version', 'change_log', 'changes')`, s.Schema())
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var n string
		err := r.Scan(&n)
		return schema + "." + pgx.Identifier{n}.Sanitize(), err
	})
	if err != nil {
		return err
	}
	var q strings.Builder
	for _, t := range tables {
		q.WriteString("DELETE FROM " + t + "; ") // DELETE, not TRUNCATE: see emptyStore
	}
	_, err = pool.Exec(ctx, q.String())
	return err
}

// writerAt is a writer at a checkpoint, or done (with its mismatch, if any).
type writerAt struct {
	w    int
	done bool
	msg  string
}

// run runs one case; it returns what went wrong.
func (c *inv13Case) run(pool *pgxpool.Pool, ints [2][]int) string {
	ctx := c.ctx
	if err := resetRecords(ctx, pool, c.stores[0]); err != nil {
		return "emptying the store: " + err.Error()
	}
	from, err := c.follower.Revision(ctx)
	if err != nil {
		return err.Error()
	}
	c.from = from
	c.clock = cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // the engines': never advanced
	if c.engine, err = policy.New(ctx, c.follower, policy.WithClock(c.clock)); err != nil {
		return "loading the follower: " + err.Error()
	}
	if c.engine.Revision() != from {
		return fmt.Sprintf("the follower loaded revision %d, the head is %d", c.engine.Revision(), from)
	}
	c.writers[0] = newWriter(ctx, c.stores[0], pol6Emails, 0)
	c.writers[1] = newWriter(ctx, c.stores[1], inv13EmailsB, 1_000_000)

	// The delivery and the follower, until the writers are done and
	// everything is checked.
	bg, stop := context.WithCancel(ctx)
	var loops sync.WaitGroup
	loopErrs := make(chan string, 2)
	defer func() { stop(); loops.Wait() }()
	cursor := c.delivery.DeliveryCursor("inv13")
	if err := cursor.Save(ctx, from); err != nil {
		return "saving the cursor: " + err.Error()
	}
	sink := &recordingSink{}
	// One case in two, the delivery dies (its context is canceled) right
	// after the sink handled its stopAt-th batch, before the cursor is
	// saved, while the writers run; a new one resumes from the cursor's
	// table, as a restarted process would, and hands that batch again.
	stopAt := 0
	if ints[1][0]%2 == 0 {
		stopAt = 2 + ints[1][1]%8
	}
	loops.Go(func() {
		for {
			run, kill := context.WithCancel(bg)
			if stopAt > 0 {
				sink.killAt(stopAt, kill)
				stopAt = 0
			}
			cursor := deadCursor{c.delivery.DeliveryCursor("inv13")}
			err := cabinet.NewDelivery(c.delivery, cursor, sink).Run(run)
			killed := run.Err() != nil && bg.Err() == nil
			kill()
			if killed {
				c.restarts.Add(1)
				continue
			}
			if bg.Err() == nil {
				loopErrs <- fmt.Sprintf("the delivery stopped: %v", err)
			}
			return
		}
	})
	loops.Go(func() {
		for {
			rev, err := c.engine.Sync(bg)
			if err != nil {
				if bg.Err() == nil {
					loopErrs <- "the follower's Sync: " + err.Error()
				}
				return
			}
			c.reports.add(rev)
			if err := c.follower.Wait(bg, rev); err != nil {
				return
			}
		}
	})

	// The writers, and a checkpoint each time both are still.
	stops := make(chan writerAt)
	resume := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	for i, w := range c.writers {
		go func() {
			msg := w.build(ints[i], func() {
				stops <- writerAt{w: i}
				<-resume[i]
			})
			stops <- writerAt{w: i, done: true, msg: msg}
		}()
	}
	var fail string
	for active := 2; active > 0; {
		var paused []int
		for range active {
			a := <-stops
			switch {
			case !a.done:
				paused = append(paused, a.w)
			case a.msg != "":
				if fail == "" {
					fail = fmt.Sprintf("writer %c: %s", 'A'+a.w, a.msg)
				}
				active--
			default:
				active--
			}
		}
		if fail == "" {
			stride := inv13Stride
			if active == 0 {
				stride = 1 // the end: every question
			}
			fail = c.checkpoint(loopErrs, stride)
		}
		for _, i := range paused {
			resume[i] <- struct{}{}
		}
	}
	if fail != "" {
		return fail
	}
	return c.checkLog(sink, loopErrs)
}

// waitFor polls done every millisecond for at most 10 s.
func waitFor(done func() bool) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return waitUntil(ctx, done)
}

// waitUntil polls done every millisecond until it holds (true) or ctx is
// done (false).
func waitUntil(ctx context.Context, done func() bool) bool {
	for !done() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Millisecond):
		}
	}
	return true
}

// checkpoint checks the follower at the head while the writers wait: its
// loop reaches the head, and it answers like an engine loaded afresh.
func (c *inv13Case) checkpoint(loopErrs chan string, stride int) string {
	ctx := c.ctx
	head, err := c.follower.Revision(ctx)
	if err != nil {
		return err.Error()
	}
	c.heads = append(c.heads, head)
	if !waitFor(func() bool { return c.reports.last() >= head || len(loopErrs) > 0 }) {
		return fmt.Sprintf("(c) the follower's loop did not reach the head %d in 10 s (it reported %v)", head, c.reports.all())
	}
	select {
	case msg := <-loopErrs:
		return msg
	default:
	}
	if rev := c.engine.Revision(); rev != head {
		return fmt.Sprintf("(c) the follower reported the head %d, it is at %d", head, rev)
	}
	fresh, err := policy.New(ctx, c.follower, policy.WithClock(c.clock))
	if err != nil {
		return "loading a fresh engine: " + err.Error()
	}
	if fresh.Revision() != head {
		return fmt.Sprintf("the store moved during a checkpoint: head %d, then %d", head, fresh.Revision())
	}
	n, msg := c.sameAnswers(fresh, stride, len(c.heads))
	c.questions += n
	if msg != "" {
		return fmt.Sprintf("(c) at revision %d: %s", head, msg)
	}
	return ""
}

// sameAnswers compares the follower with fresh on the questions of both
// worlds (as sameDecisions asks them) — every stride-th Check from offset,
// and every dossier's Viewers; it returns the number of questions asked and
// a mismatch.
func (c *inv13Case) sameAnswers(fresh *policy.Engine, stride, offset int) (int, string) {
	ctx := c.ctx
	subjects := []policy.Subject{policy.User("user_unknown")}
	rs := map[policy.ResourceKind][]policy.Resource{}
	seen := map[policy.Resource]bool{}
	dossiers := []cabinet.DossierID{"dos_unknown"}
	for _, w := range c.writers {
		for _, u := range w.users {
			subjects = append(subjects, policy.User(u))
		}
		for _, s := range w.sessions {
			subjects = append(subjects, policy.Impersonating(s))
		}
		wrs, msg := resources(ctx, w)
		if msg != "" {
			return 0, msg
		}
		for k, xs := range wrs {
			for _, r := range xs {
				if !seen[r] {
					seen[r] = true
					rs[k] = append(rs[k], r)
				}
			}
		}
		dossiers = append(dossiers, w.dossiers...)
	}
	n, k := 0, offset
	for _, s := range subjects {
		for _, a := range policy.Actions() {
			for _, r := range rs[policy.ResourceKindOf(a)] {
				if a == policy.EditSection && r.Section == access.SectionInvalid ||
					a != policy.EditSection && r.Section != access.SectionInvalid ||
					a != policy.ManageFamilyAccess && r.Person != "" {
					continue
				}
				if k++; k%stride != 0 {
					continue
				}
				n++
				want, errW := fresh.Check(ctx, s, a, r)
				got, errG := c.engine.Check(ctx, s, a, r)
				if d := cmp.Diff(want, got); d != "" || fmt.Sprint(errW) != fmt.Sprint(errG) {
					return n, fmt.Sprintf("Check(%s, %s, %s) differs (-fresh +follower of the log):\n%s (errors %v, %v)", s, a, r, d, errW, errG)
				}
			}
		}
	}
	for _, d := range dossiers {
		var viewers [2][]string
		for i, e := range []*policy.Engine{fresh, c.engine} {
			for v, err := range e.Viewers(ctx, d) {
				viewers[i] = append(viewers[i], fmt.Sprintf("%s %s %v", v.User, v.Routes, err))
			}
		}
		n++
		if diff := cmp.Diff(viewers[0], viewers[1]); diff != "" {
			return n, fmt.Sprintf("Viewers(%s) differ (-fresh +follower of the log):\n%s", d, diff)
		}
	}
	return n, ""
}

// batchesOf returns the batches with events of log's changes after from,
// each with its revision.
func batchesOf(ctx context.Context, log cabinet.ChangeLog, from cabinet.Revision) ([]cabinet.Batch, []cabinet.Revision, error) {
	var out []cabinet.Batch
	var revs []cabinet.Revision
	for ch, err := range log.Changes(ctx, from) {
		if err != nil {
			return nil, nil, err
		}
		revs = append(revs, ch.Revision)
		if len(ch.Batch.Events) > 0 {
			b := ch.Batch
			b.Revision = ch.Revision
			out = append(out, b)
		}
	}
	return out, revs, nil
}

// checkLog checks, once the writers are done, the log against the writers'
// memstores, the follower's reports against the log, and the sink against
// the log.
func (c *inv13Case) checkLog(sink *recordingSink, loopErrs chan string) string {
	ctx := c.ctx
	want, revs, err := batchesOf(ctx, c.follower, c.from)
	if err != nil {
		return "reading the change log: " + err.Error()
	}

	// (b) the log is the writers' batches, interleaved.
	var mine [2][]cabinet.Batch
	for i, w := range c.writers {
		if mine[i], _, err = batchesOf(ctx, w.mem, 0); err != nil {
			return "reading a memstore's log: " + err.Error()
		}
	}
	if msg := c.interleaving(want, mine); msg != "" {
		return "(b) " + msg
	}

	// (c) every revision the follower reported is one of the log's.
	last := c.from
	for _, r := range c.reports.all() {
		if r < last || r > c.from && !slices.Contains(revs, r) {
			return fmt.Sprintf("(c) the follower reported revision %d after %d; the log holds %v", r, last, revs)
		}
		last = r
	}

	// (a) the sink: every batch of the log, once, in order.
	if len(want) > 0 {
		end := want[len(want)-1].Revision
		if !waitFor(func() bool {
			got := sink.got()
			return len(got) > 0 && got[len(got)-1].Revision >= end || len(loopErrs) > 0
		}) {
			return fmt.Sprintf("(a) the sink did not get the last batch (%d) in 10 s; it got %v", end, batchRevisions(sink.got()))
		}
	}
	select {
	case msg := <-loopErrs:
		return msg
	default:
	}
	got := sink.got()
	c.delivered = len(got)
	// A restarted delivery may hand the sink again the batch it was
	// handing when it stopped (at least once: its cursor was not saved
	// yet), and only that one, right after.
	for i := 1; i < len(got); i++ {
		switch rev, prev := got[i].Revision, got[i-1].Revision; {
		case rev == prev && int(c.restarts.Load()) > c.redelivered && cmp.Equal(got[i], got[i-1]):
			c.redelivered++
			got = slices.Delete(got, i, i+1)
			i--
		case rev <= prev:
			return fmt.Sprintf("(a) the sink got revision %d after %d (%d restarts of the delivery): %v", rev, prev, c.restarts.Load(), batchRevisions(got))
		}
	}
	if n := int(c.restarts.Load()); c.redelivered != n {
		return fmt.Sprintf("(a) a delivery died %d times right after the sink handled a batch, before saving its cursor; the sink got %d batches again", n, c.redelivered)
	}
	if d := cmp.Diff(want, got); d != "" {
		return fmt.Sprintf("(a) the sink got %v, the log holds %v (-log +sink):\n%s", batchRevisions(got), batchRevisions(want), d)
	}
	return ""
}

// interleaving checks that log (the pgstore's batches) is an interleaving
// of the writers' batches mine (their memstores', whose revisions are
// their own): every batch of each writer once, in its order, and nothing
// else. It counts the switches from one writer to the other.
func (c *inv13Case) interleaving(log []cabinet.Batch, mine [2][]cabinet.Batch) string {
	strip := func(bs []cabinet.Batch) []cabinet.Batch {
		out := make([]cabinet.Batch, len(bs))
		for i, b := range bs {
			b.Revision = 0
			out[i] = b
		}
		return out
	}
	l, a, b := strip(log), strip(mine[0]), strip(mine[1])
	if len(l) != len(a)+len(b) {
		return fmt.Sprintf("the log holds %d batches after revision %d, the writers committed %d and %d", len(l), c.from, len(a), len(b))
	}
	// ok[i][j]: l[:i+j] interleaves a[:i] and b[:j].
	ok := make([][]bool, len(a)+1)
	for i := range ok {
		ok[i] = make([]bool, len(b)+1)
	}
	ok[0][0] = true
	for i := range len(a) + 1 {
		for j := range len(b) + 1 {
			if i > 0 && ok[i-1][j] && cmp.Equal(l[i+j-1], a[i-1]) ||
				j > 0 && ok[i][j-1] && cmp.Equal(l[i+j-1], b[j-1]) {
				ok[i][j] = true
			}
		}
	}
	if !ok[len(a)][len(b)] {
		return fmt.Sprintf("the log's %d batches after revision %d are not an interleaving of the writers' batches (%d and %d)", len(log), c.from, len(a), len(b))
	}
	// Walk back, counting the switches of one path.
	i, j, from := len(a), len(b), -1
	for i+j > 0 {
		w := 1
		if i > 0 && ok[i-1][j] && cmp.Equal(l[i+j-1], a[i-1]) {
			w, i = 0, i-1
		} else {
			j--
		}
		if from >= 0 && w != from {
			c.switches++
		}
		from = w
	}
	return ""
}

func batchRevisions(bs []cabinet.Batch) []cabinet.Revision {
	out := make([]cabinet.Revision, len(bs))
	for i, b := range bs {
		out[i] = b.Revision
	}
	return out
}
