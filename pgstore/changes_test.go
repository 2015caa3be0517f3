package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

// logged is a store whose change log decodes storetest's event.
func logged(t testing.TB, pool *pgxpool.Pool, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	return pgtest.Store(t, pool, append([]pgstore.Option{pgstore.WithEventTypes(storetest.Event{})}, opts...)...)
}

// replica is another store over the schema of s, on a pool of its own.
func replica(t *testing.T, s *pgstore.Store, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	return pgtest.Replica(t, s, pgtest.Pool(t, 4, nil), append([]pgstore.Option{pgstore.WithEventTypes(storetest.Event{})}, opts...)...)
}

// commitUser is storetest.Commit over the team store: it writes a user and
// may emit a batch (the third transaction only emits).
func commitUser(s *pgstore.Store) storetest.Commit {
	return func(ctx context.Context, n int, emit, fail bool) (cabinet.Revision, error) {
		return s.UpdateTeams(ctx, func(w team.Writer) error {
			id := fmt.Sprintf("u%d", n)
			if n != 3 {
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

// The change log's contract (storetest.ChangeLog), read through the store
// that commits, through a replica on its own pool (woken by LISTEN/NOTIFY),
// and through a poll-only replica.
func TestChangeLog(t *testing.T) {
	t.Parallel()
	t.Run("same store", func(t *testing.T) {
		t.Parallel()
		s := logged(t, pgtest.Pool(t, 12, nil))
		storetest.ChangeLog(t, s, commitUser(s))
	})
	t.Run("replica", func(t *testing.T) {
		t.Parallel()
		s := logged(t, pgtest.Pool(t, 12, nil))
		storetest.ChangeLog(t, replica(t, s, pgstore.WithPollInterval(time.Minute)), commitUser(s))
	})
	t.Run("poll-only replica", func(t *testing.T) {
		t.Parallel()
		s := logged(t, pgtest.Pool(t, 12, nil))
		storetest.ChangeLog(t, replica(t, s, pgstore.WithPollOnly(), pgstore.WithPollInterval(20*time.Millisecond)), commitUser(s))
	})
	// Every QueryExecMode of the host's pool (the simple protocol is a
	// PgBouncer's in transaction mode): the commit's events and keys are
	// sent as text, which each mode encodes alike (a []byte went as bytea
	// in the simple protocol and Exec modes, and every commit that emitted
	// events failed).
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeCacheDescribe} {
		t.Run("exec mode "+mode.String(), func(t *testing.T) {
			t.Parallel()
			s := logged(t, pgtest.Pool(t, 12, func(c *pgxpool.Config) { c.ConnConfig.DefaultQueryExecMode = mode }))
			storetest.ChangeLog(t, s, commitUser(s))
		})
	}
}

// changes reads every change after `after`, failing t on an error.
func changes(t *testing.T, log cabinet.ChangeLog, after cabinet.Revision) []cabinet.Change {
	t.Helper()
	var out []cabinet.Change
	for c, err := range log.Changes(context.Background(), after) {
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

// staleAfter returns the error Changes(after) starts with.
func staleAfter(log cabinet.ChangeLog, after cabinet.Revision) *cabinet.StaleError {
	for _, err := range log.Changes(context.Background(), after) {
		var stale *cabinet.StaleError
		if errors.As(err, &stale) && errors.Is(err, cabinet.ErrStale) {
			return stale
		}
		return nil
	}
	return nil
}

func revisions(cs []cabinet.Change) []cabinet.Revision {
	out := make([]cabinet.Revision, len(cs))
	for i, c := range cs {
		out[i] = c.Revision
	}
	return out
}

// Changes reads the log in pages: a reader far behind gets every change, in
// order, across page boundaries.
func TestChangesAcrossPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := logged(t, pgtest.Pool(t, 2, nil))
	const n = 1234
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return nil })
	require.NoError(t, err)
	for i := range n {
		rev, err := s.UpdateTeams(ctx, func(w team.Writer) error {
			return w.Tx().Emit(cabinet.Batch{Host: "test", Events: []cabinet.Event{storetest.Event{N: i}}})
		})
		require.NoError(t, err)
		require.Equal(t, cabinet.Revision(i+1), rev)
	}
	got := changes(t, s, 0)
	require.Len(t, got, n)
	for i, c := range got {
		require.Equal(t, cabinet.Revision(i+1), c.Revision)
		require.Equal(t, []cabinet.Event{storetest.Event{N: i}}, c.Batch.Events)
		require.Equal(t, cabinet.Host("test"), c.Batch.Host)
	}
	// A consumer that stops early stops the reading.
	k := 0
	for range s.Changes(ctx, 0) {
		if k++; k == 3 {
			break
		}
	}
	assert.Equal(t, 3, k)
}

// Retention (WithRetention, WithRetentionAge): Prune keeps the last n
// revisions and the changes younger than the age, never one after the
// lowest saved delivery cursor; a reader behind the horizon gets a
// *cabinet.StaleError naming the oldest change kept (issue 14: "a revision
// older than the retention is a typed error telling the reader to reload";
// "retention is configurable and tested").
func TestChangeLogRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)

	t.Run("last n revisions", func(t *testing.T) {
		s := logged(t, pool, pgstore.WithRetention(3))
		commit := commitUser(s)
		for n := 10; n < 20; n++ {
			_, err := commit(ctx, n, true, false)
			require.NoError(t, err)
		}
		pruned, err := s.Prune(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(7), pruned)
		assert.Equal(t, []cabinet.Revision{8, 9, 10}, revisions(changes(t, s, 7)))
		stale := staleAfter(s, 6)
		require.NotNil(t, stale, "Changes(6) after pruning 1…7")
		assert.Equal(t, cabinet.StaleError{After: 6, Oldest: 8}, *stale)
		assert.Nil(t, staleAfter(s, 10), "nothing after the head is stale")
		pruned, err = s.Prune(ctx)
		require.NoError(t, err)
		assert.Zero(t, pruned, "a second Prune finds nothing")

		// A delivery that fell behind the horizon is told so.
		d := cabinet.NewDelivery(s, cabinet.NewMemoryCursor(2), &cabinet.EventLog{})
		_, err = d.Drain(ctx)
		assert.ErrorIs(t, err, cabinet.ErrStale)
	})

	t.Run("delivery cursors hold changes back", func(t *testing.T) {
		s := logged(t, pool, pgstore.WithRetention(1))
		commit := commitUser(s)
		for n := 10; n < 20; n++ {
			_, err := commit(ctx, n, true, false)
			require.NoError(t, err)
		}
		slow, other := s.DeliveryCursor("slow"), s.DeliveryCursor("other")
		require.NoError(t, slow.Save(ctx, 4))
		require.NoError(t, other.Save(ctx, 8))
		_, err := s.Prune(ctx)
		require.NoError(t, err)
		assert.Equal(t, []cabinet.Revision{5, 6, 7, 8, 9, 10}, revisions(changes(t, s, 4)), "the slow cursor's batches are kept")
		assert.NotNil(t, staleAfter(s, 3))
		require.NoError(t, slow.Drop(ctx))
		_, err = s.Prune(ctx)
		require.NoError(t, err)
		assert.Equal(t, []cabinet.Revision{9, 10}, revisions(changes(t, s, 8)))
		assert.NotNil(t, staleAfter(s, 7))
	})

	t.Run("age", func(t *testing.T) {
		s := logged(t, pool, pgstore.WithRetention(1), pgstore.WithRetentionAge(time.Hour))
		commit := commitUser(s)
		for n := 10; n < 16; n++ {
			_, err := commit(ctx, n, true, false)
			require.NoError(t, err)
		}
		pruned, err := s.Prune(ctx)
		require.NoError(t, err)
		assert.Zero(t, pruned, "every change is younger than the age")
		_, err = pool.Exec(ctx, "UPDATE "+quoted(s)+".changes SET committed_at = now() - interval '2 hours' WHERE revision <= 4")
		require.NoError(t, err)
		pruned, err = s.Prune(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(4), pruned)
		assert.Equal(t, cabinet.StaleError{After: 3, Oldest: 5}, *staleAfter(s, 3))
	})

	t.Run("the store prunes by itself", func(t *testing.T) {
		s := logged(t, pool, pgstore.WithRetention(10))
		for range 128 {
			_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return w.Tx().Emit(cabinet.Batch{Host: "test"}) })
			require.NoError(t, err)
		}
		assert.Equal(t, cabinet.StaleError{After: 100, Oldest: 119}, *staleAfter(s, 100), "the 128th commit pruned 1…118")
	})
}

// Every option of the change log is validated by New.
func TestChangeLogOptionsAreChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 1, nil)
	s := pgtest.Store(t, pool)
	for field, opt := range map[string]pgstore.Option{
		"retention":     pgstore.WithRetention(0),
		"retention_age": pgstore.WithRetentionAge(-time.Second),
		"poll_interval": pgstore.WithPollInterval(0),
		"event_types":   pgstore.WithEventTypes(nil),
	} {
		_, err := pgstore.New(ctx, pool, pgstore.WithSchema(s.Schema()), opt)
		assert.ErrorIs(t, err, cabinet.ErrInvalid, field)
		assert.Equal(t, field, cabinet.FieldOf(err))
	}
	_, err := pgstore.New(ctx, pool, pgstore.WithSchema(s.Schema()), pgstore.WithEventTypes(storetest.Event{}, otherEvent{}))
	assert.Equal(t, "event_types", cabinet.FieldOf(err), "two types named storetest.event")
}

// otherEvent takes the name of storetest.Event.
type otherEvent struct{ X int }

func (otherEvent) EventName() string { return "storetest.event" }

// OnCommit hooks run after each commit through the store, with its
// revision, before the Update returns; commits of other processes do not
// run them.
func TestOnCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := logged(t, pgtest.Pool(t, 2, nil))
	other := replica(t, s)
	var (
		mu  sync.Mutex
		got []cabinet.Revision
	)
	s.OnCommit(func(rev cabinet.Revision) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, rev)
	})
	commit := commitUser(s)
	r1, err := commit(ctx, 1, true, false)
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, []cabinet.Revision{r1}, got, "the hook ran before the Update returned")
	mu.Unlock()
	_, err = commitUser(other)(ctx, 2, true, false)
	require.NoError(t, err)
	_, err = commit(ctx, 4, true, true)
	require.Error(t, err)
	_, err = s.UpdateTeams(ctx, func(team.Writer) error { return nil })
	require.NoError(t, err)
	r5, err := commit(ctx, 5, false, false)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []cabinet.Revision{r1, r5}, got, "no hook for another store's commit, a failed one, or one that wrote nothing")
}

// The change log keeps a key of any text PostgreSQL can store — quotes,
// backslashes, commas, braces, spaces, none of which an array literal may
// hold unescaped — as it was written (the commit sends the keys as one
// array literal).
func TestChangeLogKeepsKeysOfAnyText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := logged(t, pgtest.Pool(t, 2, nil))
	id := cabinet.UserID(`u "q" \b\\, {x} NULL ` + "é\t")
	rev, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		return w.PutUser(ctx, cabinet.User{ID: id, DisplayName: "Odd", Email: "odd@example.com"})
	})
	require.NoError(t, err)
	got := changes(t, s, rev-1)
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Keys, cabinet.KeyOf(cabinet.KeyUser, id))
	assert.Contains(t, got[0].Keys, cabinet.KeyOf(cabinet.KeyAccount, id))
}
