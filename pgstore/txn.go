package pgstore

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cabinet-go/cabinet"
)

// txn is one transaction of the store, shared by the readers and writers of
// the five packages (teamTx, accessTx, … are views of it), so that any
// package's records can be read and written in one transaction.
//
// Every statement goes through it. The first statement error is kept in
// failed: PostgreSQL has aborted the transaction, so every later statement
// returns that error without reaching the database, and the store neither
// commits it nor lets fn's own error hide it (see Store.attempt). A txn is
// not safe for concurrent use, like the transaction it wraps.
type txn struct {
	s        *Store
	tx       pgx.Tx
	ctx      context.Context // the View's or Update's, for Revision
	writable bool
	wrote    bool  // a write statement changed a row: the commit takes a revision
	failed   error // the first statement error: the transaction is aborted
	rev      cabinet.Revision
	revKnown bool
	open     bool // false once the View's or Update's function returned
	locked   bool // the change log is locked against commits (lockChangesSQL)

	batch  cabinet.Batch // Emit: the command's batch, for the change log
	events []byte        // its events, encoded (nil: none)
	keys   []cabinet.Key // every record written, as it was and as it is

	bulk    *bulkState // bulk mode (Store.PrepareBatch), nil otherwise
	copying chan error // bulk mode's background COPY, nil when none runs (txn.enqueued)
}

var _ cabinet.Tx = (*txn)(nil)

// errReadOnly is returned by a write through the reader of a View.
var errReadOnly = errors.New("pgstore: write in a View (use the Update… method)")

// Revision implements cabinet.Tx: the revision of the transaction's snapshot: the highest
// revision of the change log it sees. A View reads it first thing; an
// Update reads it the first time it is asked, in its snapshot (the change
// log read then conflicts with concurrent commits under SERIALIZABLE, so a
// writing transaction that asks may be re-run more often). If the read
// fails the transaction fails and Revision returns 0.
func (t *txn) Revision() cabinet.Revision {
	if !t.revKnown {
		var rev int64
		if err := t.row(t.ctx, revisionSQL, nil, &rev); err != nil {
			return 0
		}
		t.rev, t.revKnown = cabinet.Revision(rev), true
	}
	return t.rev
}

// Writable implements cabinet.Tx: whether the transaction may write (an
// Update's).
func (t *txn) Writable() bool { return t.writable }

// Emit implements cabinet.Tx: it records the command's batch; the commit
// writes it into the change log with the revision. Its events are encoded
// at once: an event whose type is not registered (WithEventTypes), or
// that holds a string PostgreSQL cannot store, is an *cabinet.InvalidError
// naming it, and the batch is not recorded.
func (t *txn) Emit(b cabinet.Batch) error {
	if !t.writable || !t.open {
		return cabinet.Invalid("tx", "is read-only or no longer open")
	}
	if !storable(string(b.Actor)) || !storable(string(b.Host)) {
		return cabinet.Invalid("batch", "names an actor or a host that PostgreSQL cannot store")
	}
	events, err := t.s.events.encode(b.Events)
	if err != nil {
		return err
	}
	b.Events = append([]cabinet.Event(nil), b.Events...)
	t.batch, t.events, t.wrote = b, events, true
	return nil
}

// commitRevision takes the transaction's revision at its tail: under the
// revision advisory lock, held until the commit, the next value of the
// sequence, recorded in the change log with the batch and the keys, and
// notified to the listeners (delivered once the transaction commits). A
// transaction that locked the change log (lockChangesSQL) skips the
// advisory lock: no other transaction can insert into the log before it
// ends, and a committer holding the advisory lock waits for the table
// lock — taking the advisory lock here would deadlock with it.
func (t *txn) commitRevision(ctx context.Context) (cabinet.Revision, error) {
	if err := t.waitBulk(); err != nil {
		return 0, err
	}
	var events any // NULL when none
	if t.events != nil {
		// As text, cast by the query: a []byte would go as bytea in the
		// simple protocol and Exec modes, which json's input rejects.
		events = string(t.events)
	}
	texts := keysLiteral(cabinet.NormalizeKeys(t.keys))
	b := &pgx.Batch{}
	if !t.locked {
		b.Queue("SELECT pg_advisory_xact_lock($1)", t.s.revisionKey)
	}
	b.Queue(t.s.sql(commitSQL), tsArg(t.batch.At), string(t.batch.Actor), string(t.batch.Host), events, texts)
	b.Queue(t.s.sql(notifySQL), t.s.channel)
	br := t.tx.SendBatch(ctx, b)
	var rev int64
	var err error
	if !t.locked {
		_, err = br.Exec()
	}
	if err == nil {
		err = br.QueryRow().Scan(&rev)
	}
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, t.fail(err)
	}
	return cabinet.Revision(rev), nil
}

// keysLiteral returns the texts of keys (cabinet.Key.String) as one
// PostgreSQL array literal, for commitSQL's text[] column.
//
// Decision: one text value, which the server parses into the array, rather
// than a []string that pgx encodes element by element (issue 15): an
// import batch's change writes tens of thousands of keys, and the strings
// and their encoding were 8% of the importer's CPU.
func keysLiteral(keys []cabinet.Key) string {
	n := 2
	for _, k := range keys {
		n += len(k.ID) + 16
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		arrayEscape(&b, k.Kind.String())
		b.WriteByte(':')
		arrayEscape(&b, k.ID)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// arrayEscape writes s as the inside of a double-quoted element of an
// array literal: a backslash before each double quote and backslash.
func arrayEscape(b *strings.Builder, s string) {
	for {
		i := strings.IndexAny(s, `"\`)
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteByte('\\')
		b.WriteByte(s[i])
		s = s[i+1:]
	}
}

// txOf returns tx as one of s's open transactions; write asks for a
// writable one. Anything else is an *cabinet.InvalidError naming "tx".
func (s *Store) txOf(tx cabinet.Tx, write bool) (*txn, error) {
	t, ok := tx.(*txn)
	switch {
	case !ok || t == nil || t.s != s:
		return nil, cabinet.Invalid("tx", "is not a transaction of this store")
	case !t.open:
		return nil, cabinet.Invalid("tx", "is no longer open")
	case write && !t.writable:
		return nil, cabinet.Invalid("tx", "is read-only")
	}
	return t, nil
}

// ready returns ctx.Err(), or the error that aborted the transaction.
func (t *txn) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return t.failed
}

// fail records err as the transaction's failure (the first one wins) and
// returns it.
func (t *txn) fail(err error) error {
	if t.failed == nil {
		t.failed = err
	}
	return err
}

// scanner is a row being read.
type scanner interface {
	Scan(dest ...any) error
}

// row runs the query template q and scans its one row into dest. No row is
// pgx.ErrNoRows, which does not fail the transaction.
func (t *txn) row(ctx context.Context, q string, args []any, dest ...any) error {
	if err := t.ready(ctx); err != nil {
		return err
	}
	if err := t.flushBulk(ctx); err != nil {
		return err
	}
	err := t.tx.QueryRow(ctx, t.s.sql(q), args...).Scan(dest...)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return t.fail(err)
	}
	return err
}

// isNoRows reports whether err is row's "no row".
func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// queryAll runs the query template q and scans every row with scan. It
// returns nil when there is no row.
func queryAll[T any](ctx context.Context, t *txn, q string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	if err := t.ready(ctx); err != nil {
		return nil, err
	}
	if err := t.flushBulk(ctx); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(ctx, t.s.sql(q), args...)
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, t.fail(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(err)
	}
	return out, nil
}

// getOne returns the one row of the query template q, or a
// *cabinet.NotFoundError for kind and display when there is none (or when
// a string argument is one no row can hold).
func getOne[T any](ctx context.Context, t *txn, kind, display string, q string, args []any, scan func(scanner) (T, error)) (T, error) {
	var zero T
	if err := t.ready(ctx); err != nil {
		return zero, err
	}
	for _, a := range args {
		if s, ok := a.(string); ok && !storable(s) {
			return zero, cabinet.NotFound(kind, display)
		}
	}
	out, err := queryAll(ctx, t, q, args, scan)
	if err != nil {
		return zero, err
	}
	if len(out) == 0 {
		return zero, cabinet.NotFound(kind, display)
	}
	return out[0], nil
}

// stmt is one write statement: a query template and its arguments.
type stmt struct {
	q    string
	args []any
}

// keyed is a record that names its change-log keys (cabinet.Key).
type keyed interface{ Keys() []cabinet.Key }

// prior is the read of the row that a Put replaces or a Delete removes,
// sent in the same round trip as the write, before it: the change log
// records the keys of the record as it was (old foreign keys included).
type prior struct {
	q    string
	args []any
	keys func(scanner) ([]cabinet.Key, error)
}

// before returns the prior read of the record that the query template q
// selects (one row at most, in the columns scan reads).
func before[T keyed](q string, args []any, scan func(scanner) (T, error)) *prior {
	return &prior{q: q, args: args, keys: func(r scanner) ([]cabinet.Key, error) {
		v, err := scan(r)
		if err != nil {
			return nil, err
		}
		return v.Keys(), nil
	}}
}

// put runs the write statements of a Put of v, after reading the row it
// replaces with old, in one round trip, and records the keys of both.
func put[T keyed](ctx context.Context, t *txn, v T, old *prior, stmts ...stmt) error {
	_, err := t.write(ctx, old, v.Keys(), stmts...)
	return err
}

// write runs the read old (if any) and the write statements, in one round
// trip when there are several, and returns the number of rows each
// statement changed; it records for the change log the keys of the row old
// read and the keys now. It refuses to write in a View.
func (t *txn) write(ctx context.Context, old *prior, now []cabinet.Key, stmts ...stmt) ([]int64, error) {
	if err := t.ready(ctx); err != nil {
		return nil, err
	}
	if !t.writable {
		return nil, errReadOnly
	}
	n := make([]int64, len(stmts))
	// Puts check their records first (checkStorable); a key that PostgreSQL
	// cannot hold is in no row, so a delete of it deletes nothing.
	all := stmts
	if old != nil {
		all = append([]stmt{{old.q, old.args}}, stmts...)
	}
	for _, s := range all {
		for _, a := range s.args {
			if v, ok := a.(string); ok && !storable(v) {
				return n, nil
			}
		}
	}
	if err := t.flushBulk(ctx); err != nil {
		return nil, err
	}
	if t.bulk != nil && now == nil {
		// A delete: what bulk mode knew may be gone (each Put of a kind it
		// keeps records its own row again; no other statement writes
		// those tables).
		t.bulk.forget()
	}
	var was []cabinet.Key
	if old == nil && len(stmts) == 1 {
		tag, err := t.tx.Exec(ctx, t.s.sql(stmts[0].q), stmts[0].args...)
		if err != nil {
			return nil, t.fail(err)
		}
		n[0] = tag.RowsAffected()
	} else {
		b := &pgx.Batch{}
		if old != nil {
			b.Queue(t.s.sql(old.q), old.args...)
		}
		for _, s := range stmts {
			b.Queue(t.s.sql(s.q), s.args...)
		}
		br := t.tx.SendBatch(ctx, b)
		var err error
		if old != nil {
			was, err = readKeys(br, old)
		}
		for i := range stmts {
			if err != nil {
				break
			}
			var tag pgconn.CommandTag
			tag, err = br.Exec()
			n[i] = tag.RowsAffected()
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, t.fail(err)
		}
	}
	for _, c := range n {
		if c > 0 {
			t.wrote = true
		}
	}
	t.keys = append(t.keys, was...)
	t.keys = append(t.keys, now...)
	return n, nil
}

// readKeys reads the result of old in br: the keys of its row, if any.
func readKeys(br pgx.BatchResults, old *prior) ([]cabinet.Key, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []cabinet.Key
	for rows.Next() {
		ks, err := old.keys(rows)
		if err != nil {
			return nil, err
		}
		keys = append(keys, ks...)
	}
	return keys, rows.Err()
}

// page is a listing request after cabinet.Page's contract was applied: the
// rows after the cursor, at most limit of them (0: no limit, for the
// store's internal walks).
type page struct {
	after cabinet.Cursor
	limit int
}

// pageOf applies the contract of cabinet.Page (zero limit:
// cabinet.DefaultPageSize, at most cabinet.MaxPageSize, negative: an
// *cabinet.InvalidError naming "limit") after checking ctx and the
// transaction.
func (t *txn) pageOf(ctx context.Context, p cabinet.Page) (page, error) {
	if err := t.ready(ctx); err != nil {
		return page{}, err
	}
	n, err := p.Size()
	return page{after: p.After, limit: n}, err
}

// sel builds a listing query: the rows of from matching every condition,
// after the cursor, ordered by key, limited to one more row than the page
// (to tell whether there is a next page).
type sel struct {
	cols  string   // the select list
	from  string   // the table (a template)
	key   []string // the ordering key: one column, or two for a composite key
	conds []string
	args  []any
	empty bool // a filter value that no row can hold: nothing matches
}

// arg adds a query argument and returns its placeholder.
func (q *sel) arg(v any) string {
	if s, ok := v.(string); ok && !storable(s) {
		q.empty = true
	}
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// where adds a condition (built with arg).
func (q *sel) where(cond string) { q.conds = append(q.conds, cond) }

// eq adds the condition col = v.
func (q *sel) eq(col string, v any) { q.where(col + " = " + q.arg(v)) }

// cursorSep joins the parts of a composite key in a cursor. PostgreSQL text
// cannot hold it, so it never appears in a part.
const cursorSep = "\x00"

// keyCursor returns the cursor of the row whose key is parts.
func keyCursor(parts ...string) cabinet.Cursor {
	return cabinet.Cursor(strings.Join(parts, cursorSep))
}

// build returns the query for pg.
func (q *sel) build(pg page) (string, error) {
	if pg.after != "" {
		parts := strings.SplitN(string(pg.after), cursorSep, len(q.key))
		for len(parts) < len(q.key) {
			parts = append(parts, "") // a prefix: after every row of that prefix
		}
		ph := make([]string, len(parts))
		for i, p := range parts {
			if !storable(p) {
				return "", cabinet.Invalid("after", "is not a cursor of this listing")
			}
			ph[i] = q.arg(p)
		}
		if len(q.key) == 1 {
			q.where(q.key[0] + " > " + ph[0])
		} else {
			q.where("(" + strings.Join(q.key, ", ") + ") > (" + strings.Join(ph, ", ") + ")")
		}
	}
	var b strings.Builder
	b.WriteString("SELECT " + q.cols + " FROM " + q.from)
	if len(q.conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(q.conds, " AND "))
	}
	b.WriteString(" ORDER BY " + strings.Join(q.key, ", "))
	if pg.limit > 0 {
		b.WriteString(" LIMIT " + q.arg(pg.limit+1))
	}
	return b.String(), nil
}

// list runs the listing q for pg: the page's rows (nil when none) and the
// cursor of the next page, "" when no further row matches.
func list[T any](ctx context.Context, t *txn, q *sel, pg page, scan func(scanner) (T, error), cursor func(T) cabinet.Cursor) ([]T, cabinet.Cursor, error) {
	if err := t.ready(ctx); err != nil {
		return nil, "", err
	}
	query, err := q.build(pg)
	if err != nil {
		return nil, "", err
	}
	if q.empty {
		return nil, "", nil
	}
	out, err := queryAll(ctx, t, query, q.args, scan)
	if err != nil {
		return nil, "", err
	}
	if pg.limit > 0 && len(out) > pg.limit {
		out = out[:pg.limit:pg.limit]
		return out, cursor(out[len(out)-1]), nil
	}
	return out, "", nil
}
