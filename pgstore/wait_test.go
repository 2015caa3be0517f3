package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
)

// follow reads log from `from` on, as a replica's follow loop does (the
// backlog with Changes, then Wait), sending each revision on the channel
// it returns, until ctx is done.
func follow(ctx context.Context, t *testing.T, log cabinet.ChangeLog, from cabinet.Revision) <-chan cabinet.Revision {
	out := make(chan cabinet.Revision, 100)
	go func() {
		at := from
		for ctx.Err() == nil {
			for c, err := range log.Changes(ctx, at) {
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("Changes(%d): %v", at, err)
					}
					return
				}
				out <- c.Revision
				at = c.Revision
			}
			if err := log.Wait(ctx, at); err != nil {
				return
			}
		}
	}()
	return out
}

// next returns the next revision from ch, failing t after within.
func next(t *testing.T, ch <-chan cabinet.Revision, within time.Duration) cabinet.Revision {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(within):
		t.Fatalf("no change within %v", within)
		return 0
	}
}

// listeners counts the sessions listening on s's channel.
func listeners(t *testing.T, pool *pgxpool.Pool, s *pgstore.Store) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query = $2`,
		pgstore.ListenerApplicationName, "LISTEN "+pgx.Identifier{s.NotifyChannel()}.Sanitize()).Scan(&n))
	return n
}

// eventually waits until cond holds, for at most 10 s.
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 10 s", what)
		}
	}
}

// A replica on its own pool is woken by LISTEN/NOTIFY at once, long before
// its poll (a minute here); one in poll-only mode (for a pooler in
// transaction mode) opens no listening connection and is woken by its poll.
func TestReplicasWakeOnNotifyOrPoll(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, 2, nil)
	s := logged(t, pool)
	commit := commitUser(s)

	listening := replica(t, s, pgstore.WithPollInterval(time.Minute))
	fromListening := follow(ctx, t, listening, 0)
	eventually(t, func() bool { return listeners(t, pool, s) == 1 }, "the replica listens")
	start := time.Now()
	r1, err := commit(ctx, 1, true, false)
	require.NoError(t, err)
	assert.Equal(t, r1, next(t, fromListening, 5*time.Second))
	assert.Less(t, time.Since(start), 5*time.Second)

	polling := replica(t, s, pgstore.WithPollOnly(), pgstore.WithPollInterval(200*time.Millisecond))
	fromPolling := follow(ctx, t, polling, r1)
	time.Sleep(100 * time.Millisecond) // the poll-only replica is waiting
	assert.Equal(t, 1, listeners(t, pool, s), "the poll-only replica does not listen")
	r2, err := commit(ctx, 2, true, false)
	require.NoError(t, err)
	assert.Equal(t, r2, next(t, fromPolling, 5*time.Second))
	assert.Equal(t, r2, next(t, fromListening, 5*time.Second))
}

// A replica whose listening connection breaks reconnects, and its follow
// loop reads the backlog committed while it was away (issue 14: "a replica
// that reconnects reads the backlog first"), without waiting for its poll.
func TestReplicaReconnectsAndReadsTheBacklog(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, 2, nil)
	s := logged(t, pool)
	commit := commitUser(s)
	r := replica(t, s, pgstore.WithPollInterval(time.Minute))
	from := follow(ctx, t, r, 0)
	eventually(t, func() bool { return listeners(t, pool, s) == 1 }, "the replica listens")
	r1, err := commit(ctx, 1, true, false)
	require.NoError(t, err)
	assert.Equal(t, r1, next(t, from, 5*time.Second))

	var killed bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query = $2`,
		pgstore.ListenerApplicationName, "LISTEN "+pgx.Identifier{s.NotifyChannel()}.Sanitize()).Scan(&killed))
	require.True(t, killed)
	r2, err := commit(ctx, 2, true, false)
	require.NoError(t, err)
	r4, err := commit(ctx, 4, true, false)
	require.NoError(t, err)
	assert.Equal(t, r2, next(t, from, 10*time.Second))
	assert.Equal(t, r4, next(t, from, 10*time.Second))
	eventually(t, func() bool { return listeners(t, pool, s) == 1 }, "the replica listens again")
}

// A commit through the store wakes its own waiters at once, whatever the
// poll interval, without a notification round trip.
func TestInProcessCommitWakesWaiters(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := logged(t, pgtest.Pool(t, 2, nil), pgstore.WithPollOnly(), pgstore.WithPollInterval(time.Minute))
	from := follow(ctx, t, s, 0)
	time.Sleep(50 * time.Millisecond)
	r1, err := commitUser(s)(ctx, 1, true, false)
	require.NoError(t, err)
	assert.Equal(t, r1, next(t, from, 5*time.Second))
}
