package pgstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
)

// replicaOffice is the state the replica tests change: an office of Louise
// (admin) where Noah, a standard collaborator, sees the dossier, which is
// in the client group Estates, only while he is assigned to it (GRP-3).
type replicaOffice struct {
	louise, noah cabinet.UserID
	estates      cabinet.ClientGroupID
	dossier      cabinet.DossierID
}

// newReplicaOffice builds the office through k and returns it with the revision
// of its last command. Noah does not see the dossier yet.
func newReplicaOffice(t *testing.T, k *kit.Kit) (replicaOffice, cabinet.Revision) {
	t.Helper()
	ctx := context.Background()
	louise, _, err := k.Teams.CreateUser(ctx, "signup", "Louise", "louise@w.example")
	require.NoError(t, err)
	noah, _, err := k.Teams.CreateUser(ctx, "signup", "Noah", "noah@w.example")
	require.NoError(t, err)
	o, _, err := k.Groups.CreateOffice(ctx, louise.ID, "Martin Wealth", "contact@w.example")
	require.NoError(t, err)
	_, _, err = k.Groups.AddCollaborator(ctx, louise.ID, o.ID, noah.ID, cabinet.ProfileStandard)
	require.NoError(t, err)
	estates, _, err := k.Groups.CreateClientGroup(ctx, louise.ID, o.ID, "Estates", "")
	require.NoError(t, err)
	d, _, err := k.Access.CreateDossier(ctx, louise.ID, o.ID, "Roux family")
	require.NoError(t, err)
	_, _, err = k.Access.SetStatus(ctx, louise.ID, d.ID, cabinet.DossierActivated)
	require.NoError(t, err)
	rev, err := k.Groups.MoveDossier(ctx, louise.ID, d.ID, estates.ID)
	require.NoError(t, err)
	return replicaOffice{louise: louise.ID, noah: noah.ID, estates: estates.ID, dossier: d.ID}, rev
}

// open lets Noah see the dossier (GRP-3: he is assigned to its group),
// through k, and returns the revision of the command.
func (o replicaOffice) open(t *testing.T, k *kit.Kit) cabinet.Revision {
	t.Helper()
	_, rev, err := k.Groups.AssignCollaborator(context.Background(), o.louise, o.estates, o.noah)
	require.NoError(t, err)
	return rev
}

// close takes it back, through k.
func (o replicaOffice) close(t *testing.T, k *kit.Kit) cabinet.Revision {
	t.Helper()
	rev, err := k.Groups.UnassignCollaborator(context.Background(), o.louise, o.estates, o.noah)
	require.NoError(t, err)
	return rev
}

// sees asks k's engine whether Noah may view the dossier, at consistency c.
func (o replicaOffice) sees(ctx context.Context, t *testing.T, k *kit.Kit, c policy.Consistency) policy.Decision {
	t.Helper()
	d, err := k.Policy.CheckAt(ctx, c, policy.User(o.noah), policy.ViewDossier, policy.DossierResource(o.dossier))
	require.NoError(t, err)
	return d
}

// replicas returns replica A — a kit over a fresh schema on a pool of its
// own — and replica B, a kit over the same schema on another pool with
// opts (another process of the host, as far as the database can tell).
func replicas(t *testing.T, optsA, optsB []pgstore.Option, kitB ...kit.Option) (*kit.Kit, *kit.Kit, *pgxpool.Pool, *pgstore.Store) {
	t.Helper()
	ctx := context.Background()
	poolA := pgtest.Pool(t, 4, nil)
	a := pgtest.Store(t, poolA, optsA...)
	b := pgtest.Replica(t, a, pgtest.Pool(t, 4, nil), optsB...)
	kA, err := kit.New(ctx, a)
	require.NoError(t, err)
	kB, err := kit.New(ctx, b, kitB...)
	require.NoError(t, err)
	return kA, kB, poolA, a
}

// run runs k.Run until the test ends.
func run(t *testing.T, k *kit.Kit) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := k.Run(ctx); ctx.Err() == nil {
			t.Errorf("kit.Run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// Replicas (issue 14, SPEC §3 invariant 13): two kits, each over its own
// pool, over one database. A command committed through A is seen on B by
// a question asked at A's returned revision (policy.AtLeast) — B syncs
// from the change log itself, no follow loop needed — while B's default
// answer is its index as it is. A question at a revision not committed
// yet waits for it, woken by LISTEN/NOTIFY (B's poll is a minute away) or,
// in poll-only mode (for a pooler in transaction mode), by the poll. With
// kit.Run, B follows by itself.
func TestReplicasReadYourWritesAtARevision(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name string
		opts []pgstore.Option
	}{
		{"listen", []pgstore.Option{pgstore.WithPollInterval(time.Minute)}},
		{"poll-only", []pgstore.Option{pgstore.WithPollOnly(), pgstore.WithPollInterval(50 * time.Millisecond)}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			kA, kB, _, _ := replicas(t, nil, mode.opts)
			o, _ := newReplicaOffice(t, kA)

			// A's own engine is current when A's command returns.
			rev := o.open(t, kA)
			assert.True(t, o.sees(ctx, t, kA, policy.MinimizeLatency()).Allowed, "A, at once")

			// B loaded before the office existed and follows nothing: its
			// index as it is does not know the office; at A's revision it
			// does.
			stale := o.sees(ctx, t, kB, policy.MinimizeLatency())
			assert.False(t, stale.Allowed, "B, index as it is")
			assert.Less(t, stale.Revision, rev)
			d := o.sees(ctx, t, kB, policy.AtLeast(rev))
			assert.True(t, d.Allowed, "B at A's revision: %s", d)
			assert.GreaterOrEqual(t, d.Revision, rev)

			// A question at a revision still to come waits for it: until
			// ctx ends, or until A commits it.
			short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
			_, err := kB.Policy.CheckAt(short, policy.AtLeast(rev+1), policy.User(o.noah), policy.ViewDossier, policy.DossierResource(o.dossier))
			cancelShort()
			assert.ErrorIs(t, err, context.DeadlineExceeded, "nothing committed after %d yet", rev)
			answer := make(chan policy.Decision, 1)
			go func() {
				d, err := kB.Policy.CheckAt(ctx, policy.AtLeast(rev+1), policy.User(o.noah), policy.ViewDossier, policy.DossierResource(o.dossier))
				assert.NoError(t, err)
				answer <- d
			}()
			time.Sleep(50 * time.Millisecond)
			start := time.Now()
			closed := o.close(t, kA)
			select {
			case d := <-answer:
				assert.False(t, d.Allowed, "B at revision %d: %s", closed, d)
				assert.GreaterOrEqual(t, d.Revision, closed)
				assert.Less(t, time.Since(start), 10*time.Second)
			case <-time.After(10 * time.Second):
				t.Fatal("B's question at a revision to come was not answered once A committed it")
			}

			// kit.Run: B follows by itself; its plain Check catches up.
			run(t, kB)
			reopened := o.open(t, kA)
			eventually(t, func() bool { return kB.Policy.Revision() >= reopened }, "B follows A")
			assert.True(t, o.sees(ctx, t, kB, policy.MinimizeLatency()).Allowed, "B, following")
		})
	}
}

// A replica whose listening connection breaks reconnects and applies the
// backlog committed meanwhile, in order, long before its poll (a minute).
func TestReplicaEngineReconnectsAndAppliesTheBacklog(t *testing.T) {
	t.Parallel()
	kA, kB, pool, a := replicas(t, nil, []pgstore.Option{pgstore.WithPollInterval(time.Minute)})
	o, rev := newReplicaOffice(t, kA)
	run(t, kB)
	eventually(t, func() bool { return kB.Policy.Revision() >= rev }, "B follows A")
	eventually(t, func() bool { return listeners(t, pool, a) == 1 }, "B listens")

	var killed bool
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query = $2`,
		pgstore.ListenerApplicationName, "LISTEN "+pgx.Identifier{a.NotifyChannel()}.Sanitize()).Scan(&killed))
	require.True(t, killed)
	opened := o.open(t, kA)
	eventually(t, func() bool { return kB.Policy.Revision() >= opened }, "B applies the backlog after reconnecting")
	assert.True(t, o.sees(context.Background(), t, kB, policy.MinimizeLatency()).Allowed)
	eventually(t, func() bool { return listeners(t, pool, a) == 1 }, "B listens again")
}

// A replica whose position fell out of the change log's retention reloads
// in full by itself, says so through the reload hook (kit.WithReloadHook),
// and answers from the new state.
func TestReplicaOutOfRetentionReloads(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type reload struct{ from, to cabinet.Revision }
	reloads := make(chan reload, 4)
	kA, kB, _, a := replicas(t, []pgstore.Option{pgstore.WithRetention(1)}, nil,
		kit.WithReloadHook(func(from, to cabinet.Revision) { reloads <- reload{from, to} }))
	before := kB.Policy.Revision()
	o, _ := newReplicaOffice(t, kA)
	rev := o.open(t, kA)
	n, err := a.Prune(ctx)
	require.NoError(t, err)
	require.Positive(t, n, "A's log keeps only its head")

	d := o.sees(ctx, t, kB, policy.AtLeast(rev))
	assert.True(t, d.Allowed, "B after its reload: %s", d)
	select {
	case r := <-reloads:
		assert.Equal(t, before, r.from)
		assert.GreaterOrEqual(t, r.to, rev)
	default:
		t.Fatal("B reloaded without calling its reload hook")
	}
	assert.Empty(t, reloads, "one reload")
	assert.GreaterOrEqual(t, kB.Policy.Revision(), rev)
}
