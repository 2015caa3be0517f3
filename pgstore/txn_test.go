package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

func quoted(s *pgstore.Store) string { return pgx.Identifier{s.Schema()}.Sanitize() }

// Revision order is commit order: many concurrent writers commit while a
// tailer, on its own connection, polls the change log for revisions above
// the last it saw. Every committed revision must reach it: a revision that
// became visible after a higher one would be skipped for ever.
func TestRevisionOrderIsCommitOrder(t *testing.T) {
	t.Parallel()
	const writers, commits = 16, 50
	ctx := context.Background()
	pool := pgtest.Pool(t, writers+2, nil)
	s := pgtest.Store(t, pool)

	tailConn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer tailConn.Release()

	var (
		done     atomic.Bool
		seen     []cabinet.Revision
		tailErr  error
		tailDone = make(chan struct{})
	)
	poll := func(last cabinet.Revision) ([]cabinet.Revision, error) {
		rows, err := tailConn.Query(ctx, "SELECT revision FROM "+quoted(s)+".changes WHERE revision > $1 ORDER BY revision", int64(last))
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (cabinet.Revision, error) {
			var v int64
			err := r.Scan(&v)
			return cabinet.Revision(v), err
		})
	}
	go func() {
		defer close(tailDone)
		var last cabinet.Revision
		for {
			finished := done.Load() // read before polling: a poll after the last commit follows
			revs, err := poll(last)
			if err != nil {
				tailErr = err
				return
			}
			for _, r := range revs {
				seen = append(seen, r)
				last = r
			}
			if finished {
				return
			}
		}
	}()

	committed := make([][]cabinet.Revision, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for c := range commits {
				rev, err := s.UpdateClientGroups(ctx, func(wr clientgroup.Writer) error {
					return wr.PutOffice(ctx, clientgroup.Office{ID: cabinet.OfficeID(fmt.Sprintf("o_%02d_%02d", w, c)), Name: "x"})
				})
				if err != nil {
					t.Errorf("writer %d commit %d: %v", w, c, err)
					return
				}
				committed[w] = append(committed[w], rev)
			}
		})
	}
	wg.Wait()
	done.Store(true)
	<-tailDone
	require.NoError(t, tailErr)

	all := map[cabinet.Revision]bool{}
	for w, revs := range committed {
		for i, r := range revs {
			if i > 0 && r <= revs[i-1] {
				t.Errorf("writer %d: revision %d after %d", w, r, revs[i-1])
			}
			all[r] = true
		}
	}
	require.Len(t, all, writers*commits, "every commit has its own revision")
	seenSet := map[cabinet.Revision]bool{}
	for _, r := range seen {
		seenSet[r] = true
	}
	var skipped []cabinet.Revision
	for r := range all {
		if !seenSet[r] {
			skipped = append(skipped, r)
		}
	}
	assert.Empty(t, skipped, "revisions committed after a higher one was visible: the tailer skipped them")
	last, err := s.Revision(ctx)
	require.NoError(t, err)
	assert.Equal(t, seen[len(seen)-1], last, "Store.Revision is the last commit")
}

// barrier lets n goroutines wait for one another once.
type barrier struct {
	wg   sync.WaitGroup
	done chan struct{}
}

func newBarrier(n int) *barrier {
	b := &barrier{done: make(chan struct{})}
	b.wg.Add(n)
	go func() { b.wg.Wait(); close(b.done) }()
	return b
}

// arrive waits until all n arrived, or fails t after 10 s.
func (b *barrier) arrive(t *testing.T) {
	b.wg.Done()
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		t.Error("barrier: the other transaction never arrived")
	}
}

func seedUsers(t *testing.T, s *pgstore.Store, ids ...string) {
	t.Helper()
	ctx := context.Background()
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		for _, id := range ids {
			if err := w.PutUser(ctx, cabinet.User{ID: cabinet.UserID(id), DisplayName: id, Email: id + "@example.com"}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
}

func rename(ctx context.Context, w team.Writer, id, name string) error {
	u, err := w.User(ctx, cabinet.UserID(id))
	if err != nil {
		return err
	}
	u.DisplayName = name
	return w.PutUser(ctx, u)
}

// Two transactions that each read what the other writes (write skew): under
// SERIALIZABLE one of them fails with SQLSTATE 40001, and the store runs its
// function again, so both commands succeed.
func TestSerializationFailureIsRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, pgtest.Pool(t, 4, nil))
	seedUsers(t, s, "a", "b")

	var runs atomic.Int32
	b := newBarrier(2)
	skew := func(read, write string) error {
		first := true
		_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
			runs.Add(1)
			if _, err := w.User(ctx, cabinet.UserID(read)); err != nil {
				return err
			}
			if first {
				first = false
				b.arrive(t) // both have read before either writes
			}
			return rename(ctx, w, write, "by "+read)
		})
		return err
	}
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() { errA = skew("a", "b") })
	wg.Go(func() { errB = skew("b", "a") })
	wg.Wait()
	require.NoError(t, errA)
	require.NoError(t, errB)
	assert.GreaterOrEqual(t, runs.Load(), int32(3), "one of the two ran again")
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		a, _ := r.User(ctx, "a")
		bb, _ := r.User(ctx, "b")
		assert.Equal(t, "by b", a.DisplayName)
		assert.Equal(t, "by a", bb.DisplayName)
		return nil
	}))
}

// Two transactions that lock two rows in opposite orders deadlock; the one
// PostgreSQL aborts (SQLSTATE 40P01) runs again, so both commands succeed.
func TestDeadlockIsRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, pgtest.Pool(t, 4, nil))
	seedUsers(t, s, "a", "b")

	var runs atomic.Int32
	b := newBarrier(2)
	crossed := func(first, second, name string) error {
		wait := true
		_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
			runs.Add(1)
			if err := rename(ctx, w, first, name); err != nil {
				return err
			}
			if wait {
				wait = false
				b.arrive(t) // both hold their first row
			}
			return rename(ctx, w, second, name)
		})
		return err
	}
	var err1, err2 error
	var wg sync.WaitGroup
	wg.Go(func() { err1 = crossed("a", "b", "one") })
	wg.Go(func() { err2 = crossed("b", "a", "two") })
	wg.Wait()
	require.NoError(t, err1)
	require.NoError(t, err2)
	assert.GreaterOrEqual(t, runs.Load(), int32(3), "the deadlock victim ran again")
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		a, _ := r.User(ctx, "a")
		bb, _ := r.User(ctx, "b")
		assert.Equal(t, a.DisplayName, bb.DisplayName, "one transaction's writes, then the other's: never half of each")
		return nil
	}))
}

// A transaction that conflicts on every attempt gives up after the
// configured number of attempts with an error wrapping cabinet.ErrConflict
// and the last database error.
func TestRetriesAreBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)
	s := pgtest.Store(t, pool, pgstore.WithMaxAttempts(3))
	seedUsers(t, s, "a")

	var runs atomic.Int32
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		n := runs.Add(1)
		if _, err := w.User(ctx, "a"); err != nil { // the snapshot is taken
			return err
		}
		// Another session changes the row and commits: this transaction can
		// no longer write it.
		if _, err := pool.Exec(ctx, "UPDATE "+quoted(s)+".users SET display_name = $1 WHERE id = 'a'", fmt.Sprint("outside ", n)); err != nil {
			return err
		}
		return rename(ctx, w, "a", "inside")
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, cabinet.ErrConflict)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "40001", pgErr.Code)
	assert.Equal(t, int32(3), runs.Load())
}

// A cancelled context stops the retries.
func TestRetriesStopWithTheContext(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 4, nil)
	s := pgtest.Store(t, pool, pgstore.WithMaxAttempts(1000))
	seedUsers(t, s, "a")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs atomic.Int32
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		if runs.Add(1) == 2 {
			cancel()
		}
		if _, err := w.User(ctx, "a"); err != nil {
			return err
		}
		if _, err := pool.Exec(context.Background(), "UPDATE "+quoted(s)+".users SET display_name = display_name || 'x' WHERE id = 'a'"); err != nil {
			return err
		}
		return rename(ctx, w, "a", "inside")
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.LessOrEqual(t, runs.Load(), int32(3))
}

// A statement error aborts the transaction: the store returns it and commits
// nothing, even when fn swallows it and returns nil.
func TestAFailedStatementIsNeverCommitted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)
	s := pgtest.Store(t, pool)
	_, err := pool.Exec(ctx, "DROP TABLE "+quoted(s)+".invitations")
	require.NoError(t, err)

	var swallowed error
	_, err = s.UpdateTeams(ctx, func(w team.Writer) error {
		if err := w.PutUser(ctx, cabinet.User{ID: "u1", Email: "u1@example.com"}); err != nil {
			return err
		}
		_, swallowed = w.Invitation(ctx, "i1") // relation does not exist
		_ = w.PutUser(ctx, cabinet.User{ID: "u2", Email: "u2@example.com"})
		return nil // fn ignores the failure
	})
	require.Error(t, swallowed)
	require.Error(t, err)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "42P01", pgErr.Code, "the error is the statement's, not the aborted transaction's")
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		users, _, err := r.ListUsers(ctx, cabinet.Page{})
		assert.NoError(t, err)
		assert.Empty(t, users, "nothing of the failed transaction was committed")
		return nil
	}))
}

// The reader of a View cannot write, even asserted to a Writer.
func TestViewsAreReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, nil)
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		w, ok := r.(team.Writer)
		require.True(t, ok)
		assert.Error(t, w.PutUser(ctx, cabinet.User{ID: "u1", Email: "u1@example.com"}))
		return nil
	}))
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		_, err := r.User(ctx, "u1")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
		return nil
	}))
}

// A panic in fn rolls the transaction back and reaches the caller.
func TestPanicRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, nil)
	func() {
		defer func() { assert.Equal(t, "boom", recover()) }()
		_, _ = s.UpdateTeams(ctx, func(w team.Writer) error {
			_ = w.PutUser(ctx, cabinet.User{ID: "u1", Email: "u1@example.com"})
			panic("boom")
		})
	}()
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		_, err := r.User(ctx, "u1")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
		return nil
	}))
	// The pool is not left with a connection stuck in a transaction.
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		return w.PutUser(ctx, cabinet.User{ID: "u2", Email: "u2@example.com"})
	})
	require.NoError(t, err)
}

// Commands on unrelated records do not abort each other: concurrent
// transactions, each reading and rewriting its own user by ID, on a small,
// analyzed table (where the planner would rather scan the whole table, and
// a sequential scan's predicate lock covers the table, so that under
// SERIALIZABLE every such pair would conflict). The store's transactions
// discourage sequential scans, so each function runs once, but for a rare
// exception.
func TestUnrelatedWritersDoNotConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const writers, renames = 8, 20
	pool := pgtest.Pool(t, writers+1, nil)
	s := pgtest.Store(t, pool)
	ids := make([]string, writers)
	for i := range ids {
		ids[i] = fmt.Sprintf("w%d", i)
	}
	seedUsers(t, s, ids...)
	_, err := pool.Exec(ctx, "ANALYZE "+quoted(s)+".users")
	require.NoError(t, err)

	var runs atomic.Int32
	var wg sync.WaitGroup
	errs := make([]error, writers)
	start := newBarrier(writers)
	for i, id := range ids {
		wg.Go(func() {
			start.arrive(t)
			for n := range renames {
				_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
					runs.Add(1)
					return rename(ctx, w, id, fmt.Sprint(id, " ", n))
				})
				if err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	// A HOT update that finds its page full writes the indexes too, and may
	// meet another transaction's lock on an index page: a rare re-run is
	// allowed (measured: 0–2 in 160, against 14–42 with sequential scans).
	assert.LessOrEqual(t, runs.Load(), int32(writers*renames+8), "unrelated writers conflicted")
}

// The store's setting for its SERIALIZABLE transactions (sequential scans
// discouraged) is local to them: the host's connection keeps its own.
func TestUpdateSettingsDoNotLeak(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 1, nil)
	s := pgtest.Store(t, pool)
	seedUsers(t, s, "a")
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return rename(ctx, w, "a", "b") })
	require.NoError(t, err)
	var setting string
	require.NoError(t, pool.QueryRow(ctx, "SHOW enable_seqscan").Scan(&setting))
	assert.Equal(t, "on", setting)
}
