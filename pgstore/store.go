package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
)

// Store holds the state of every cabinet package in one PostgreSQL schema.
// Create it with New over a migrated schema; the zero value is not usable.
// It is safe for concurrent use; it does not close the pool.
type Store struct {
	pool        *pgxpool.Pool
	cfg         config
	revisionKey int64      // advisory lock taken at the tail of every writing transaction
	pruneKey    int64      // advisory lock of Prune
	channel     string     // the NOTIFY channel of the schema's commits
	events      eventTypes // the event types the change log decodes
	queries     sync.Map   // query template → SQL with the schema substituted

	waits waiter // Wait's shared listener

	hookMu sync.Mutex
	hooks  []func(cabinet.Revision) // OnCommit
}

// New returns a store over pool, in the schema named by WithSchema (default
// DefaultSchema), after checking that the schema is at exactly the version
// this code needs. A schema behind or ahead of the code (never migrated:
// version 0) is a *SchemaVersionError, which matches ErrSchemaVersion and
// cabinet.ErrConflict; a nil pool, an invalid schema name or an invalid
// option (WithMaxAttempts below 1, …) an *cabinet.InvalidError naming it; a
// database failure is returned as it is. The host owns the pool: the store
// never closes it.
//
// pool may be a hot standby's (see "Hot standby" in the package doc): the
// store then serves View… methods and the change log, and its Update…
// methods fail as PostgreSQL refuses to write on a standby.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, cabinet.Invalid("pool", "is required")
	}
	events, err := newEventTypes(c.eventTypes)
	if err != nil {
		return nil, err
	}
	ms, err := migrations(c)
	if err != nil {
		return nil, err
	}
	have, err := schemaVersion(ctx, pool, c)
	if err != nil {
		return nil, err
	}
	if have != len(ms) {
		return nil, &SchemaVersionError{Schema: c.schema, Have: have, Want: len(ms)}
	}
	s := &Store{pool: pool, cfg: c, events: events,
		revisionKey: advisoryKey("revision", c.schema), pruneKey: advisoryKey("prune", c.schema),
		channel: fmt.Sprintf("cabinet_changes_%016x", uint64(advisoryKey("changes", c.schema)))}
	s.waits.init(s)
	return s, nil
}

// Schema returns the name of the PostgreSQL schema holding the store's
// tables.
func (s *Store) Schema() string { return s.cfg.schema }

// Revision returns the revision of the last committed change, whatever the
// package that made it (0 before the first).
func (s *Store) Revision(ctx context.Context) (cabinet.Revision, error) {
	var rev int64
	if err := s.pool.QueryRow(ctx, s.sql(revisionSQL)).Scan(&rev); err != nil {
		return 0, err
	}
	return cabinet.Revision(rev), nil
}

// sql returns the query template q with the schema substituted.
func (s *Store) sql(q string) string {
	if v, ok := s.queries.Load(q); ok {
		return v.(string)
	}
	out := strings.ReplaceAll(q, schemaToken, s.cfg.quoted())
	s.queries.Store(q, out)
	return out
}

const (
	revisionSQL = `SELECT coalesce(max(revision), 0) FROM {schema}.changes`
	// commitSQL takes the next revision and records the change; it runs
	// after pg_advisory_xact_lock(revisionKey), which is held until the
	// commit, so revisions are taken — and become visible — in commit order.
	commitSQL = `INSERT INTO {schema}.changes (revision, committed_at, batch_at, actor, host, events, keys)
		VALUES (nextval('{schema}.revision_seq'), clock_timestamp(), $1, $2, $3, $4::json, $5::text::text[]) RETURNING revision`
	// notifySQL tells the listeners of the schema's channel the revision
	// just taken; PostgreSQL delivers it once the transaction commits.
	notifySQL = `SELECT pg_notify($1, currval('{schema}.revision_seq')::text)`
)

// view runs fn in a REPEATABLE READ READ ONLY transaction: one snapshot,
// whose revision is read first.
func (s *Store) view(ctx context.Context, fn func(t *txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	// A read-only transaction has nothing to commit: ending it either way is
	// the same, and a rollback also works after a failed statement.
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	t := &txn{s: s, tx: tx, ctx: ctx, open: true}
	defer func() { t.open = false }()
	t.Revision() // the first statement: it fixes the snapshot
	if t.failed != nil {
		return t.failed
	}
	if err := fn(t); err != nil {
		return err
	}
	return t.failed
}

// update runs fn in a SERIALIZABLE transaction, re-running it on
// serialization failures and deadlocks up to the configured number of
// attempts, and returns the revision of the commit.
func (s *Store) update(ctx context.Context, fn func(t *txn) error) (cabinet.Revision, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var last error
	for attempt := 1; attempt <= s.cfg.maxAttempts; attempt++ {
		if attempt > 1 {
			if err := backoff(ctx, attempt); err != nil {
				return 0, err
			}
		}
		rev, bulk, err := s.attempt(ctx, fn)
		if err == nil || !retryable(err) || bulk {
			// A transaction in bulk mode is not run again: the importer
			// runs its batch again record by record (PrepareBatch).
			return rev, err
		}
		last = err
	}
	return 0, fmt.Errorf("pgstore: %w (last error: %w)",
		cabinet.Conflict("", "the transaction kept conflicting with concurrent ones; gave up after %d attempts", s.cfg.maxAttempts), last)
}

// beginUpdateSQL begins the transaction of an Update…: SERIALIZABLE, with
// sequential scans discouraged for the transaction (SET LOCAL), in one
// round trip. A sequential scan takes a predicate lock on its whole table,
// so that under SERIALIZABLE every concurrent write to the table conflicts
// with it; the planner prefers them on small tables (a young office's), and
// concurrent commands on unrelated records then abort each other over and
// over. Index scans lock only the index pages and rows they read (see
// "Serializable Isolation Level" in PostgreSQL's manual, which suggests
// encouraging index scans). A query no index serves still scans the table.
const beginUpdateSQL = "BEGIN ISOLATION LEVEL SERIALIZABLE READ WRITE; SET LOCAL enable_seqscan = off"

// lockChangesSQL is appended to beginUpdateSQL for an Update… bound to a
// revision (cabinet.AtRevision): LOCK TABLE takes no snapshot, so the
// transaction's snapshot, taken by its first query after the lock is
// granted, sees every commit before it, and no other transaction inserts
// into the change log — takes a revision — until this one ends. SHARE ROW
// EXCLUSIVE conflicts with the inserts' ROW EXCLUSIVE and with itself, not
// with reads (see "Explicit Locking" in PostgreSQL's manual, which
// recommends taking such a lock before the snapshot of a REPEATABLE READ
// or SERIALIZABLE transaction).
const lockChangesSQL = "; LOCK TABLE {schema}.changes IN SHARE ROW EXCLUSIVE MODE"

// attempt runs fn once in its own transaction and commits it; bulk
// reports whether fn put the transaction in bulk mode (PrepareBatch).
//
// The context's markers (package cabinet's what-if support): under
// cabinet.AtRevision(r) the transaction locks the change log against
// commits before its snapshot (lockChangesSQL), and runs fn only if the
// head revision it then reads is r — a *cabinet.ConflictError otherwise;
// under cabinet.DryRun, once fn succeeded the inspection runs on the open
// transaction with the keys written, and the transaction is rolled back:
// cabinet.ErrDryRun (or the inspection's error), no revision taken,
// nothing notified.
func (s *Store) attempt(ctx context.Context, fn func(t *txn) error) (rev cabinet.Revision, bulk bool, err error) {
	t, rev, err := s.run(ctx, fn)
	return rev, t != nil && t.bulk != nil, err
}

// run is attempt, returning the transaction (nil if none began).
func (s *Store) run(ctx context.Context, fn func(t *txn) error) (*txn, cabinet.Revision, error) {
	want, bound := cabinet.RequiredRevision(ctx)
	inspect, dry := cabinet.DryRunOf(ctx)
	begin := beginUpdateSQL
	if bound {
		begin += s.sql(lockChangesSQL)
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: begin})
	if err != nil {
		return nil, 0, err
	}
	t := &txn{s: s, tx: tx, ctx: ctx, writable: true, open: true, locked: bound}
	committed := false
	defer func() {
		if !committed {
			// A background COPY of bulk mode holds the connection until it
			// ends: the rollback waits for it (else it would find the
			// connection busy, and pgx would close it).
			_ = t.waitBulk()
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if bound {
		if head := t.Revision(); t.failed != nil {
			return t, 0, t.failed
		} else if head != want {
			return t, 0, cabinet.Moved(want, head)
		}
	}
	ferr := func() error {
		defer func() { t.open = false }() // what runs below is the store's, not fn's
		return fn(t)
	}()
	// A failed statement aborted the transaction, whatever fn made of its
	// error: retry it if it may succeed next time, and never commit it.
	if t.failed != nil && (retryable(t.failed) || ferr == nil) {
		return t, 0, t.failed
	}
	if ferr != nil {
		return t, 0, ferr
	}
	// Bulk mode's queued records, before the inspection or the commit.
	if err := t.flushBulk(ctx); err != nil {
		return t, 0, err
	}
	if dry {
		t.open = true
		ierr := inspect(ctx, t, cabinet.NormalizeKeys(t.keys))
		t.open = false
		if t.failed != nil && (retryable(t.failed) || ierr == nil) {
			return t, 0, t.failed
		}
		if ierr != nil {
			return t, 0, ierr
		}
		return t, 0, cabinet.ErrDryRun
	}
	var rev cabinet.Revision
	if t.wrote {
		if rev, err = t.commitRevision(ctx); err != nil {
			return t, 0, err
		}
	} else if rev = t.Revision(); t.failed != nil {
		return t, 0, t.failed
	}
	if err := t.waitBulk(); err != nil { // none runs after flushBulk; kept next to the commit
		return t, 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return t, 0, err
	}
	committed = true
	if t.wrote {
		s.committed(ctx, rev)
	}
	return t, rev, nil
}

// retryable reports whether err means that running the transaction again
// may succeed: a serialization failure, a deadlock, or a unique violation
// (one of the store's unique indexes, whose Put checks first: a violation
// means a concurrent transaction committed the same key since, and the
// re-run reports it as the Put's own conflict error).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "40001", "40P01", "23505":
		return true
	}
	return false
}

// backoff sleeps before the given attempt (2, 3, …): a jittered delay that
// doubles from about 5 ms up to about 200 ms. It returns ctx.Err() if ctx is
// done first.
func backoff(ctx context.Context, attempt int) error {
	d := 5 * time.Millisecond << min(attempt-2, 6)
	d = min(d, 200*time.Millisecond)
	d = d/2 + rand.N(d/2+1)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
