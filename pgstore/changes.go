package pgstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
)

var _ cabinet.ChangeLog = (*Store)(nil)

// changesPage is how many changes one query of Changes reads.
const changesPage = 500

// pruneEvery: the commit of every revision that is a multiple of it prunes
// the change log (Prune) once it has returned from its hooks.
const pruneEvery = 128

const (
	// changesPageSQL reads a page of changes and, in the same snapshot, the
	// retention horizon (one row with NULL columns when the page is empty),
	// so that a prune between two pages is seen.
	changesPageSQL = `SELECT l.pruned_through, c.revision, c.batch_at, c.actor, c.host, c.events, c.keys
		FROM {schema}.change_log l LEFT JOIN LATERAL (
			SELECT revision, batch_at, actor, host, events, keys FROM {schema}.changes
			WHERE revision > $1 AND revision <= $2 ORDER BY revision LIMIT $3) c ON true
		ORDER BY c.revision`
	// oldestSQL is the oldest change the log holds.
	oldestSQL = `SELECT coalesce(min(revision), $1) FROM {schema}.changes
		WHERE revision > (SELECT pruned_through FROM {schema}.change_log)`
)

// Changes implements cabinet.ChangeLog: the changes committed after
// `after`, up to the head when it is called, in revision order, read in
// pages of a few hundred (one query each, on the store's pool, outside any
// transaction of the caller's: the consumer may take its time between two
// changes). Each change has the batch its transaction emitted, its events
// decoded to their registered types (a RawEvent for one that is not), and
// the keys of every record it wrote. If the changes after `after` are no
// longer retained — pruned (WithRetention), or written before migration
// 0003 — the first thing yielded is a *cabinet.StaleError; a prune that
// overtakes a slow reader between two pages ends the sequence with one too.
// Any other error (the database's, ctx's) ends the sequence.
func (s *Store) Changes(ctx context.Context, after cabinet.Revision) iter.Seq2[cabinet.Change, error] {
	return func(yield func(cabinet.Change, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(cabinet.Change{}, err)
			return
		}
		head, err := s.Revision(ctx)
		if err != nil {
			yield(cabinet.Change{}, err)
			return
		}
		at := after
		for at < head {
			page, pruned, err := s.changesPage(ctx, at, head)
			if err == nil && at < pruned {
				err = s.stale(ctx, at, head)
			}
			if err != nil {
				yield(cabinet.Change{}, err)
				return
			}
			if len(page) == 0 {
				return // nothing left below the head (a revision lost at COMMIT)
			}
			for _, c := range page {
				if err := ctx.Err(); err != nil {
					yield(cabinet.Change{}, err)
					return
				}
				if !yield(c, nil) {
					return
				}
				at = c.Revision
			}
		}
	}
}

// changesPage reads the changes after `after` up to head, at most a page of
// them, and the retention horizon of the same snapshot.
func (s *Store) changesPage(ctx context.Context, after, head cabinet.Revision) ([]cabinet.Change, cabinet.Revision, error) {
	rows, err := s.pool.Query(ctx, s.sql(changesPageSQL), int64(after), int64(head), changesPage)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var (
		out    []cabinet.Change
		pruned int64
		read   bool
	)
	for rows.Next() {
		read = true
		var (
			rev         pgtype.Int8
			at          pgtype.Timestamptz
			actor, host pgtype.Text
			events      []byte
			keys        []string
		)
		if err := rows.Scan(&pruned, &rev, &at, &actor, &host, &events, &keys); err != nil {
			return nil, 0, err
		}
		if !rev.Valid {
			continue // the empty page's one row
		}
		c := cabinet.Change{Revision: cabinet.Revision(rev.Int64), Batch: cabinet.Batch{
			Revision: cabinet.Revision(rev.Int64), At: tsVal(at),
			Actor: cabinet.UserID(actor.String), Host: cabinet.Host(host.String)}}
		if c.Batch.Events, err = s.events.decode(events); err != nil {
			return nil, 0, fmt.Errorf("pgstore: change %d: %w", rev.Int64, err)
		}
		if c.Keys, err = parseKeys(keys); err != nil {
			return nil, 0, fmt.Errorf("pgstore: change %d: %w", rev.Int64, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if !read {
		// The query yields at least one row while change_log has its one
		// row; without it the log would look empty.
		return nil, 0, fmt.Errorf("pgstore: the change_log table of schema %q has no row: the schema is damaged", s.cfg.schema)
	}
	return out, cabinet.Revision(pruned), nil
}

// stale returns the *cabinet.StaleError of a reader positioned at after,
// below the retention horizon.
func (s *Store) stale(ctx context.Context, after, head cabinet.Revision) error {
	var oldest int64
	if err := s.pool.QueryRow(ctx, s.sql(oldestSQL), int64(head)+1).Scan(&oldest); err != nil {
		return err
	}
	return &cabinet.StaleError{After: after, Oldest: cabinet.Revision(oldest)}
}

// parseKeys reads the changes.keys column ("kind:id" each).
func parseKeys(texts []string) ([]cabinet.Key, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	keys := make([]cabinet.Key, len(texts))
	for i, t := range texts {
		kind, id, ok := strings.Cut(t, ":")
		k, err := cabinet.ParseKeyKind(kind)
		if !ok || err != nil {
			return nil, fmt.Errorf("key %q is not kind:id", t)
		}
		keys[i] = cabinet.Key{Kind: k, ID: id}
	}
	return keys, nil
}

// Head implements cabinet.ChangeLog: the revision of the last commit that
// the store's pool sees (on a hot standby, the last one it has replayed).
func (s *Store) Head(ctx context.Context) (cabinet.Revision, error) {
	return s.Revision(ctx)
}

// Wait implements cabinet.ChangeLog: it returns nil once a change after
// `after` is committed and readable through the store's pool (at once if
// one already is), or ctx's error when ctx is done first.
//
// While anything waits, the store keeps one connection of its own (made
// with the pool's configuration, outside the pool, so that closing the
// pool is never held up by it) listening on the schema's channel, which
// every commit notifies, and asks for the head every poll interval
// (WithPollInterval) as a safety net; waiters share them. When the
// listening connection breaks, the store reconnects and reads the head
// again, and waiters re-read the log from their own positions, so nothing
// committed meanwhile is missed. With WithPollOnly there is no listening
// connection: the head is polled every interval. A commit through this
// Store wakes its waiters at once, without a round trip. Over a hot
// standby (WithNotifyPool), a notification makes the store poll the
// standby's head until it has replayed the commit, and so does the
// primary's head when the store starts listening (a commit before LISTEN
// sends no notification the store could receive).
func (s *Store) Wait(ctx context.Context, after cabinet.Revision) error {
	return s.waits.wait(ctx, after)
}

// NotifyChannel returns the PostgreSQL channel that every commit to the
// store's schema notifies, from any process, with its revision (decimal)
// as the payload; PostgreSQL delivers it once the commit is visible. A host
// may LISTEN on it itself. The name is derived from the schema's.
func (s *Store) NotifyChannel() string { return s.channel }

// OnCommit registers fn to be called after every commit through this
// Store (not other processes'), with its revision, in the committing
// goroutine once the transaction has committed, before the Update…
// returns — like memstore.Store.OnCommit. Hooks of concurrent commits may
// run in any order: a hook reads the change log from its own position
// (cabinet.Delivery.Drain does) rather than trusting the revision it is
// given to be the next one. A hook must not panic; it cannot fail the
// command, which has committed.
func (s *Store) OnCommit(fn func(cabinet.Revision)) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hooks = append(s.hooks, fn)
}

// committed runs after the commit of rev through this store: it wakes the
// waiters, runs the hooks, and prunes the log now and then.
func (s *Store) committed(ctx context.Context, rev cabinet.Revision) {
	s.waits.raise(rev)
	s.hookMu.Lock()
	hooks := s.hooks
	s.hookMu.Unlock()
	for _, h := range hooks {
		h(rev)
	}
	if rev%pruneEvery == 0 {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = s.Prune(ctx) // a failed prune is retried at the next one
	}
}

const (
	// pruneScanSQL finds the highest revision that may be pruned among the
	// $1 oldest retained ones: behind the last $2 revisions (by count) and
	// committed more than $3 microseconds ago by the database's clock (by
	// age; NULL: any time), at most the lowest delivery cursor.
	pruneScanSQL = `SELECT max(c.revision) FROM (
			SELECT revision, committed_at FROM {schema}.changes
			WHERE revision > (SELECT pruned_through FROM {schema}.change_log)
			ORDER BY revision LIMIT $1) c
		WHERE c.revision <= (SELECT coalesce(max(revision), 0) FROM {schema}.changes) - $2
			AND ($3::bigint IS NULL OR c.committed_at < clock_timestamp() - $3::bigint * interval '1 microsecond')
			AND c.revision <= coalesce((SELECT min(revision) FROM {schema}.delivery_cursors), c.revision)`
	pruneDeleteSQL  = `DELETE FROM {schema}.changes WHERE revision <= $1`
	pruneHorizonSQL = `UPDATE {schema}.change_log SET pruned_through = greatest(pruned_through, $1)`
	// pruneBatch is the most changes one Prune transaction deletes.
	pruneBatch = 10_000
)

// Prune deletes from the change log the oldest changes that the retention
// no longer keeps (WithRetention, WithRetentionAge) — never one after the
// lowest saved delivery cursor (Store.DeliveryCursor), never the head —
// and returns how many it deleted. Each transaction deletes at most
// 10,000; Prune runs them until nothing is left to prune. A reader later
// asking for changes after a pruned revision gets a *cabinet.StaleError.
// The store prunes by itself after every 128th revision it commits, so a
// host need not call it; it may, from anywhere. Concurrent Prunes of one
// schema (other replicas') skip while one runs. Database errors are
// returned as they are.
func (s *Store) Prune(ctx context.Context) (int64, error) {
	var total int64
	for {
		n, err := s.pruneOnce(ctx)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

func (s *Store) pruneOnce(ctx context.Context) (int64, error) {
	var age any
	if s.cfg.retentionAge > 0 {
		age = s.cfg.retentionAge.Microseconds()
	}
	var n int64
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		var locked bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock($1)", s.pruneKey).Scan(&locked); err != nil || !locked {
			return err
		}
		var upto pgtype.Int8
		if err := tx.QueryRow(ctx, s.sql(pruneScanSQL), pruneBatch, s.cfg.retention, age).Scan(&upto); err != nil || !upto.Valid {
			return err
		}
		tag, err := tx.Exec(ctx, s.sql(pruneDeleteSQL), upto.Int64)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, s.sql(pruneHorizonSQL), upto.Int64)
		return err
	})
	return n, err
}

// waiter is the store's side of Wait: the head it knows, and the listener
// that keeps it fresh while anything waits.
type waiter struct {
	s *Store

	mu      sync.Mutex
	head    cabinet.Revision // the highest revision known readable through the pool
	wake    chan struct{}    // closed and replaced when head rises or the listener reconnects
	waiters int
	gen     int                // counts listener starts
	stop    context.CancelFunc // the running listener's; nil when none runs
	ready   chan struct{}      // closed once the running listener has read the head
}

// linger is how long the listener keeps running after the last waiter
// left: follow loops call Wait again right after reading the log.
const linger = 5 * time.Second

func (w *waiter) init(s *Store) {
	w.s = s
	w.wake = make(chan struct{})
}

// raise records that rev is committed and readable, and wakes the waiters
// if it is news.
func (w *waiter) raise(rev cabinet.Revision) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if rev > w.head {
		w.head = rev
		w.broadcast()
	}
}

// broadcast wakes every waiter; w.mu is held.
func (w *waiter) broadcast() {
	close(w.wake)
	w.wake = make(chan struct{})
}

func (w *waiter) wait(ctx context.Context, after cabinet.Revision) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	if w.head > after {
		w.mu.Unlock()
		return nil
	}
	w.waiters++
	if w.stop == nil {
		w.start()
	}
	ready := w.ready
	w.mu.Unlock()
	defer w.leave()

	select {
	case <-ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		w.mu.Lock()
		head, wake := w.head, w.wake
		w.mu.Unlock()
		if head > after {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// start starts the listener; w.mu is held.
func (w *waiter) start() {
	ctx, cancel := context.WithCancel(context.Background())
	w.gen++
	w.stop, w.ready = cancel, make(chan struct{})
	go w.listen(ctx, w.ready)
}

// leave unregisters a waiter; the last one stops the listener after
// linger, unless another waiter came meanwhile.
func (w *waiter) leave() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waiters--
	if w.waiters > 0 || w.stop == nil {
		return
	}
	gen := w.gen
	time.AfterFunc(linger, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.waiters == 0 && w.gen == gen && w.stop != nil {
			w.stop()
			w.stop = nil
		}
	})
}

// listen keeps w.head fresh until ctx is done: it listens on the schema's
// channel (unless poll-only), reads the head, closes ready, then waits for
// notifications, reading the head every poll interval without one, and
// reconnects when the connection breaks.
func (w *waiter) listen(ctx context.Context, ready chan struct{}) {
	s := w.s
	readyOnce := sync.OnceFunc(func() { close(ready) })
	defer readyOnce()
	for ctx.Err() == nil {
		var conn *pgx.Conn
		if !s.cfg.pollOnly {
			conn, _ = w.connect(ctx) // on failure, poll until the next attempt
		}
		// Read the head after LISTEN: a commit after it notifies.
		w.poll(ctx, true)
		readyOnce()
		if conn == nil {
			sleep(ctx, s.cfg.pollInterval)
			continue
		}
		if s.cfg.notifyPool != nil {
			// Over a standby, a commit before LISTEN may not be replayed
			// yet, and will not notify: wait for the primary's head.
			var rev int64
			if err := conn.QueryRow(ctx, s.sql(revisionSQL)).Scan(&rev); err == nil {
				w.catchUp(ctx, cabinet.Revision(rev))
			}
		}
		w.receive(ctx, conn)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = conn.Close(closeCtx)
		cancel()
	}
}

// connect opens the listening connection: on WithNotifyPool's pool, else
// the store's, with the pool's configuration.
func (w *waiter) connect(ctx context.Context) (*pgx.Conn, error) {
	pool := w.s.pool
	if w.s.cfg.notifyPool != nil {
		pool = w.s.cfg.notifyPool
	}
	cfg := pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = ListenerApplicationName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{w.s.channel}.Sanitize()); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// ListenerApplicationName is the application_name of the connection on
// which a store listens for commits while something waits (Store.Wait),
// to tell it apart in pg_stat_activity.
const ListenerApplicationName = "cabinet-pgstore-listener"

// receive handles the notifications of conn until ctx is done or conn
// breaks, reading the head whenever a poll interval passes without one.
func (w *waiter) receive(ctx context.Context, conn *pgx.Conn) {
	standby := w.s.cfg.notifyPool != nil
	for {
		wctx, cancel := context.WithTimeout(ctx, w.s.cfg.pollInterval)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			rev, perr := strconv.ParseInt(n.Payload, 10, 64)
			switch {
			case perr != nil:
				w.poll(ctx, false)
			case standby:
				w.catchUp(ctx, cabinet.Revision(rev))
			default:
				w.raise(cabinet.Revision(rev))
			}
		case errors.Is(err, context.DeadlineExceeded):
			w.poll(ctx, false)
		default:
			return // the connection broke: reconnect
		}
	}
}

// poll reads the head through the store's pool and raises it; reconnected
// wakes the waiters even if it is no news (they re-read the log).
func (w *waiter) poll(ctx context.Context, reconnected bool) {
	head, err := w.s.Revision(ctx)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if head > w.head || reconnected {
		w.head = max(w.head, head)
		w.broadcast()
	}
}

// catchUp polls the store's pool (a standby) until its head reaches rev,
// committed on the primary, backing off from 1 ms to 50 ms, for at most a
// poll interval (the next poll carries on).
func (w *waiter) catchUp(ctx context.Context, rev cabinet.Revision) {
	deadline := time.Now().Add(w.s.cfg.pollInterval)
	for d := time.Millisecond; ctx.Err() == nil; d = min(2*d, 50*time.Millisecond) {
		head, err := w.s.Revision(ctx)
		if err == nil {
			w.raise(head)
			if head >= rev {
				return
			}
		}
		if time.Now().After(deadline) {
			return
		}
		sleep(ctx, d)
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
