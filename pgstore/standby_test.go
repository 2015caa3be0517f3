package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// onStandby returns a store over the schema of s (committed through
// primary) read from the hot standby, once the standby has replayed the
// schema.
func onStandby(t *testing.T, s *pgstore.Store, primary *pgxpool.Pool, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	standby := pgtest.StandbyPool(t, 4)
	pgtest.CatchUp(t, primary, standby)
	return pgtest.Replica(t, s, standby, append([]pgstore.Option{pgstore.WithEventTypes(storetest.Event{})}, opts...)...)
}

// replayed is commitUser(s), committing on the primary, that returns once
// the standby's store sb has replayed the commit (waiting with sb.Wait, as
// a reader must before it reads its own write on a standby): the change
// log's contract then holds on the standby as on the primary.
func replayed(s, sb *pgstore.Store) storetest.Commit {
	commit := commitUser(s)
	return func(ctx context.Context, n int, emit, fail bool) (cabinet.Revision, error) {
		rev, err := commit(ctx, n, emit, fail)
		if err != nil {
			return rev, err
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := sb.Wait(wctx, rev-1); err != nil {
			return rev, fmt.Errorf("waiting for the standby to replay %d: %w", rev, err)
		}
		return rev, nil
	}
}

// Hot standby: commands commit on the primary while the change log and the
// reads come from a streaming standby. The standby's store knows the
// standby's revision, and its Wait returns once the standby has replayed a
// commit — woken by the primary's notifications (WithNotifyPool), or by
// polling the standby — so a follower there reads every change, in order,
// as on the primary (storetest.ChangeLog); a replica's policy engine loads
// from the standby and answers at a revision committed on the primary.
func TestHotStandby(t *testing.T) {
	t.Parallel()
	// Not parallel: it pauses the standby's replay, which its siblings
	// (paused until it ends) need.
	t.Run("knows the standby's revision and waits for it", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		primary := pgtest.Pool(t, 4, nil)
		s := logged(t, primary)
		sb := onStandby(t, s, primary, pgstore.WithNotifyPool(primary), pgstore.WithPollInterval(time.Minute))
		pool := pgtest.StandbyPool(t, 1)
		before, err := commitUser(s)(ctx, 1, true, false)
		require.NoError(t, err)
		pgtest.CatchUp(t, primary, pool) // not sb.Wait: sb listens only from the Wait below

		_, err = pool.Exec(ctx, "SELECT pg_wal_replay_pause()")
		require.NoError(t, err)
		resumed := false
		resume := func() {
			if !resumed {
				resumed = true
				_, err := pool.Exec(context.Background(), "SELECT pg_wal_replay_resume()")
				require.NoError(t, err)
			}
		}
		t.Cleanup(resume)
		eventually(t, func() bool {
			var state string
			require.NoError(t, pool.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state))
			return state == "paused"
		}, "replay paused")
		rev, err := commitUser(s)(ctx, 2, true, false)
		require.NoError(t, err)
		primaryHead, err := s.Head(ctx)
		require.NoError(t, err)
		require.Equal(t, rev, primaryHead)
		head, err := sb.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, head, "the standby's head is what it has replayed, not the primary's")
		// This first Wait starts sb's listener, after the commit: no
		// notification will come, yet Wait must return once the standby
		// replays, long before the poll (a minute).
		short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
		assert.ErrorIs(t, sb.Wait(short, before), context.DeadlineExceeded,
			"Wait returns only once the standby has replayed a later commit")
		cancelShort()

		woke := make(chan error, 1)
		go func() { woke <- sb.Wait(ctx, before) }()
		time.Sleep(50 * time.Millisecond)
		resume()
		select {
		case err := <-woke:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Wait not woken by the standby's replay")
		}
		head, err = sb.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, rev, head)
		require.NoError(t, sb.ViewTeams(ctx, func(r team.Reader) error {
			_, err := r.User(ctx, "u2")
			return err
		}), "once waited for, the standby's View sees the commit")
	})
	t.Run("notified by the primary", func(t *testing.T) {
		t.Parallel()
		primary := pgtest.Pool(t, 12, nil)
		s := logged(t, primary)
		sb := onStandby(t, s, primary, pgstore.WithNotifyPool(primary), pgstore.WithPollInterval(time.Minute))
		storetest.ChangeLog(t, sb, replayed(s, sb))
	})
	t.Run("polling the standby", func(t *testing.T) {
		t.Parallel()
		primary := pgtest.Pool(t, 12, nil)
		s := logged(t, primary)
		sb := onStandby(t, s, primary, pgstore.WithPollOnly(), pgstore.WithPollInterval(20*time.Millisecond))
		storetest.ChangeLog(t, sb, replayed(s, sb))
	})
	t.Run("a replica's engine on the standby", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		primary := pgtest.Pool(t, 4, nil)
		s := pgtest.Store(t, primary)
		kA, err := kit.New(ctx, s)
		require.NoError(t, err)
		standby := pgtest.StandbyPool(t, 4)
		pgtest.CatchUp(t, primary, standby)
		sb := pgtest.Replica(t, s, standby, pgstore.WithNotifyPool(primary), pgstore.WithPollInterval(time.Minute))
		kB, err := kit.New(ctx, sb)
		require.NoError(t, err, "the engine loads from the standby")
		o, _ := newReplicaOffice(t, kA)
		rev := o.open(t, kA)
		d := o.sees(ctx, t, kB, policy.AtLeast(rev))
		assert.True(t, d.Allowed, "B on the standby at A's revision: %s", d)
		assert.GreaterOrEqual(t, d.Revision, rev)
		closed := o.close(t, kA)
		assert.False(t, o.sees(ctx, t, kB, policy.AtLeast(closed)).Allowed, "B on the standby at A's next revision")
	})
	t.Run("reads and writes", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		primary := pgtest.Pool(t, 4, nil)
		s := logged(t, primary)
		sb := onStandby(t, s, primary, pgstore.WithNotifyPool(primary), pgstore.WithPollInterval(time.Minute))
		from := follow(ctx, t, sb, 0)
		rev, err := commitUser(s)(ctx, 1, true, false)
		require.NoError(t, err)
		require.Equal(t, rev, next(t, from, 10*time.Second))
		head, err := sb.Head(ctx)
		require.NoError(t, err)
		assert.Equal(t, rev, head, "the standby's revision")
		require.NoError(t, sb.ViewTeams(ctx, func(r team.Reader) error {
			assert.Equal(t, rev, r.Revision())
			_, err := r.User(ctx, "u1")
			return err
		}), "a View on the standby at the waited-for revision sees the commit")
		_, err = sb.UpdateTeams(ctx, func(w team.Writer) error {
			return w.PutUser(ctx, cabinet.User{ID: "u9", DisplayName: "u9", Email: "u9@example.com"})
		})
		assert.Error(t, err, "the standby refuses writes")
	})
}
