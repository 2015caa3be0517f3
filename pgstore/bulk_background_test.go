package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/internal/pgtest"
)

// backgroundAfter is the number of queued records after which bulk mode
// writes them with COPY in the background (pgstore's bulkCopyEvery).
const backgroundAfter = 2048

// TestBulkImportBackgroundCopiesWriteWhatSlowPathWrites checks that bulk
// mode's background COPYs — sent every 2,048 queued records while the
// importer goes on checking the batch — commit exactly what the
// record-by-record path commits. It imports batches of thousands of
// records (many random streams, concatenated), about half of them with one
// record at fault after the first background COPY began, into two
// schemas, one through each path, and requires the same Result and error
// for each, the same change log and, at the end, the same rows in every
// table.
func TestBulkImportBackgroundCopiesWriteWhatSlowPathWrites(t *testing.T) {
	rounds := 6
	if testing.Short() {
		rounds = 3
	}
	ctx := context.Background()
	tr := &copyRuns{table: "dossiers"}
	pool := pgtest.Pool(t, 4, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tr })
	fast, slow := pgtest.Store(t, pool), pgtest.Store(t, pool)
	clock := cabinet.WithClock(cabinet.NewManualClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)))
	both := newImportPair(pool, fast, slow, clock)
	g := &streamGen{r: rand.New(rand.NewPCG(20261203, 39)), calm: true}
	failed, n := 0, 0
	for round := range rounds {
		saved := g.save()
		var recs []bulk.Record
		for len(recs) < 2*backgroundAfter+g.pick(backgroundAfter) {
			recs = append(recs, g.stream(n)...)
			n++
		}
		recs = queuedFirst(recs)
		if g.pick(2) == 0 { // one record at fault after the first background COPY
			tail := append([]bulk.Record(nil), recs[backgroundAfter+100:]...)
			g.fault(&tail, n)
			recs = append(recs[:backgroundAfter+100:backgroundAfter+100], tail...)
		}
		size := []int{backgroundAfter + 500, 3 * backgroundAfter, bulk.DefaultBatchSize}[g.pick(3)]
		if err := both.compare(ctx, t, fmt.Sprintf("round %d", round), recs, size); err != nil {
			g.restore(saved)
			failed++
		}
	}
	if failed == rounds {
		t.Fatalf("every round failed: nothing was committed through background COPYs")
	}
	if tr.background() == 0 {
		t.Fatalf("no background COPY ran: the test checks nothing")
	}
	a := both.sameRows(t)
	if a["dossiers"] == "" || a["dossier_assigned"] == "" || a["grants"] == "" || a["team_members"] == "" {
		t.Fatalf("the rounds stored no dossier, assigned collaborator, grant or team member: the test checks nothing")
	}
}

// A batch that fails while bulk mode's background COPY runs writes
// nothing, and its transaction's rollback waits for the COPY: the
// connection goes back to the pool usable. (A rollback sent while the COPY
// held the connection would find it busy, and pgx would close it; one sent
// before the COPY took it would let the COPY run outside any transaction
// and commit its rows. The test holds the first COPY of dossiers back, so
// that the batch fails before it begins.)
func TestBulkImportFailingDuringABackgroundCopyWritesNothing(t *testing.T) {
	ctx := context.Background()
	var closed atomic.Int64
	tr := &slowCopy{table: "dossiers", delay: 300 * time.Millisecond}
	pool := pgtest.Pool(t, 1, func(c *pgxpool.Config) {
		c.BeforeClose = func(*pgx.Conn) { closed.Add(1) }
		c.ConnConfig.Tracer = tr
	})
	s := pgtest.Store(t, pool)
	recs := []bulk.Record{
		bulk.User{ID: "u1", DisplayName: "One", Email: "u1@example.com"},
		bulk.Office{ID: "o1", Name: "Office", Email: "o1@office.example", Admin: "u1"},
	}
	for i := range backgroundAfter + 50 {
		recs = append(recs, bulk.Dossier{ID: cabinet.DossierID(fmt.Sprintf("d%05d", i)), Office: "o1", Name: "Client",
			Status: cabinet.DossierDraft, Manager: "u1", Assigned: []cabinet.UserID{"u1"}})
	}
	bad := len(recs)
	// A dossier again: bulk mode knows it (queued), and refuses it without
	// a statement, so that nothing but the rollback waits for the COPY.
	recs = append(recs, bulk.Dossier{ID: "d00007", Office: "o1", Name: "Again", Status: cabinet.DossierDraft})
	for i := range 50 {
		recs = append(recs, bulk.Dossier{ID: cabinet.DossierID(fmt.Sprintf("e%05d", i)), Office: "o1", Name: "Client", Status: cabinet.DossierDraft})
	}
	res, err := bulk.NewImporter(s).Import(ctx, "test", bulk.Stream(recs...))
	var re *bulk.RecordError
	if !errors.As(err, &re) || re.Index != bad || !errors.Is(err, cabinet.ErrConflict) {
		t.Fatalf("Import: %+v, %v; want record %d in conflict", res, err, bad)
	}
	if !tr.held.Load() {
		// The background COPY found its transaction rolled back already.
		t.Error("the background COPY of dossiers never ran: the rollback did not wait for it")
	}
	if res.Records != 0 {
		t.Errorf("%d records committed, want none", res.Records)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM `+pgx.Identifier{s.Schema(), "dossiers"}.Sanitize()+`)
		+ (SELECT count(*) FROM `+pgx.Identifier{s.Schema(), "dossier_assigned"}.Sanitize()+`)
		+ (SELECT count(*) FROM `+pgx.Identifier{s.Schema(), "users"}.Sanitize()+`)`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("%d rows written by a failed batch", rows)
	}
	if head, err := s.Head(ctx); err != nil || head != 0 {
		t.Errorf("head %d, %v: want 0, no change committed", head, err)
	}
	if n := closed.Load(); n != 0 {
		t.Errorf("%d connections were closed: the rollback ran while the background COPY held its connection", n)
	}
}

// slowCopy is a pgx tracer that holds the first COPY into table back for
// delay before it begins.
type slowCopy struct {
	table string
	delay time.Duration
	held  atomic.Bool
}

func (s *slowCopy) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (s *slowCopy) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (s *slowCopy) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	if d.TableName[len(d.TableName)-1] == s.table && s.held.CompareAndSwap(false, true) {
		time.Sleep(s.delay)
	}
	return ctx
}

func (s *slowCopy) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// queuedFirst reorders a round's records so that bulk mode queues most of
// them: a statement (an office is written with INSERT, a referral, a
// consent and a team's first-team updates too) writes the queues at once,
// so statements every few records would leave no 2,048 queued. Users go
// first, then offices (which refer to their admin only), the records in
// order, and teams, referrals and consents last (which refer to earlier
// records only).
func queuedFirst(recs []bulk.Record) []bulk.Record {
	var users, offices, rest, last []bulk.Record
	for _, r := range recs {
		switch r.(type) {
		case bulk.User:
			users = append(users, r)
		case bulk.Office:
			offices = append(offices, r)
		case bulk.Team, bulk.Referral, bulk.Consent:
			last = append(last, r)
		default:
			rest = append(rest, r)
		}
	}
	return append(append(append(users, offices...), rest...), last...)
}

// copyRuns is a pgx tracer that counts the COPYs into table that follow
// another COPY into it with no other statement between: a background
// COPY, since a COPY run in line is the flush before a statement (or the
// commit).
type copyRuns struct {
	table  string
	mu     sync.Mutex
	copied bool // a COPY into table since the last statement
	n      int
}

func (c *copyRuns) background() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *copyRuns) statement() {
	c.mu.Lock()
	c.copied = false
	c.mu.Unlock()
}

func (c *copyRuns) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.statement()
	return ctx
}

func (c *copyRuns) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *copyRuns) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.statement()
	return ctx
}

func (c *copyRuns) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (c *copyRuns) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (c *copyRuns) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	if d.TableName[len(d.TableName)-1] == c.table {
		c.mu.Lock()
		if c.copied {
			c.n++
		}
		c.copied = true
		c.mu.Unlock()
	}
	return ctx
}

func (c *copyRuns) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}
