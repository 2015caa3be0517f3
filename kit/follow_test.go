package kit_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
)

// noHooks is a store without commit hooks: a kit over it learns of
// commits only from the change log, as a replica over a shared database
// learns of another process's commits.
type noHooks struct{ kit.Store }

// The methods of cabinet.ChangeLog, which the embedded interface hides.
func (s noHooks) log() cabinet.ChangeLog { return s.Store.(cabinet.ChangeLog) }
func (s noHooks) Changes(ctx context.Context, after cabinet.Revision) iter.Seq2[cabinet.Change, error] {
	return s.log().Changes(ctx, after)
}
func (s noHooks) Head(ctx context.Context) (cabinet.Revision, error) { return s.log().Head(ctx) }
func (s noHooks) Wait(ctx context.Context, after cabinet.Revision) error {
	return s.log().Wait(ctx, after)
}

// recorder is a host sink that keeps the revisions of the batches it is
// handed.
type recorder struct {
	mu   sync.Mutex
	revs []cabinet.Revision
}

func (r *recorder) Publish(_ context.Context, b cabinet.Batch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revs = append(r.revs, b.Revision)
}

func (r *recorder) seen() []cabinet.Revision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.revs)
}

// batches returns the revisions of the batches with events in store's log
// after `after`.
func batches(t *testing.T, store *memstore.Store, after cabinet.Revision) []cabinet.Revision {
	t.Helper()
	var out []cabinet.Revision
	for c, err := range store.Changes(context.Background(), after) {
		require.NoError(t, err)
		if len(c.Batch.Events) > 0 {
			out = append(out, c.Revision)
		}
	}
	return out
}

// On a store with commit hooks, a command returns with the engine at its
// revision and the host's sink handed its batch (invariant 13, in-process).
func TestCommandReturnsWithTheEngineAndTheSinkUpToDate(t *testing.T) {
	store := memstore.New(memstore.RunTwice())
	sink := &recorder{}
	k := newKit(t, store, kit.WithSink(sink))
	o := buildOffice(t, k)
	_, rev, err := k.Access.SetAssigned(context.Background(), o.admin.ID, o.dossier, []cabinet.UserID{o.manager.ID})
	require.NoError(t, err)
	require.Equal(t, rev, k.Policy.Revision())
	require.Equal(t, batches(t, store, 0), sink.seen(), "the sink gets every committed batch once, in order")
	require.Equal(t, rev, sink.seen()[len(sink.seen())-1])
}

// Run keeps a kit current with commits it did not make (a replica): its
// engine follows the log and its sink is handed every batch, in order; a
// question asked at another kit's command revision (policy.AtLeast) sees
// the command. Run returns ctx's error when ctx is done.
func TestRunFollowsCommitsMadeElsewhere(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(memstore.RunTwice())
	a := newKit(t, store)
	sink := &recorder{}
	b := newKit(t, noHooks{store}, kit.WithSink(sink))
	start := store.Revision()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()

	o := buildOffice(t, a)
	dec, err := b.Policy.CheckAt(ctx, policy.AtLeast(store.Revision()), policy.User(o.manager.ID), policy.ViewDossier, policy.DossierResource(o.dossier))
	require.NoError(t, err)
	require.True(t, dec.Allowed, "replica at the command's revision: %v", dec)

	want := batches(t, store, start)
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Equal(sink.seen(), want) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, want, sink.seen(), "Run hands the sink every batch committed elsewhere, in order")
	cancel()
	require.True(t, errors.Is(<-done, context.Canceled))
}

// A host that persists its cursor gets, after a restart, the batches
// committed after the cursor and before the restart (invariant 13): kit.Sync
// delivers the backlog.
func TestSyncDeliversTheBacklogFromAPersistedCursor(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(memstore.RunTwice())
	buildOffice(t, newKit(t, store)) // the first process, which delivered nothing
	cursor := cabinet.NewMemoryCursor(0)
	sink := &recorder{}
	k := newKit(t, store, kit.WithSink(sink), kit.WithCursor(cursor))
	require.Empty(t, sink.seen())
	require.NoError(t, k.Sync(ctx))
	require.Equal(t, batches(t, store, 0), sink.seen())
	rev, err := cursor.Load(ctx)
	require.NoError(t, err)
	require.Equal(t, store.Revision(), rev)
}

// A kit whose engine fell out of the change log's retention reloads and
// says so through WithReloadHook.
func TestReloadHookThroughKit(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(memstore.RunTwice(), memstore.WithRetention(2))
	a := newKit(t, store)
	var reloads int
	b := newKit(t, noHooks{store}, kit.WithReloadHook(func(from, to cabinet.Revision) { reloads++ }))
	o := buildOffice(t, a)
	require.NoError(t, b.Sync(ctx))
	require.Equal(t, 1, reloads)
	require.Equal(t, store.Revision(), b.Policy.Revision())
	require.True(t, canView(t, b, o.manager.ID, o.dossier))
}

// The errors of the syncs kit runs from commit hooks, which the command
// cannot return, reach WithErrorHook: a delivery whose cursor fell out of
// the retention is a *cabinet.StaleError.
func TestErrorHookGetsTheCommitHooksErrors(t *testing.T) {
	store := memstore.New(memstore.RunTwice(), memstore.WithRetention(1))
	buildOffice(t, newKit(t, store))
	var errs []error
	k := newKit(t, store, kit.WithSink(&recorder{}), kit.WithCursor(cabinet.NewMemoryCursor(0)),
		kit.WithErrorHook(func(err error) { errs = append(errs, err) }))
	_, _, err := k.Teams.CreateUser(context.Background(), "signup", "Nina", "nina@office.example")
	require.NoError(t, err)
	require.NotEmpty(t, errs)
	require.True(t, errors.Is(errs[0], cabinet.ErrStale), "got %v", errs[0])
}
