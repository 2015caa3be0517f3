package pgstore_test

// The benchmarks of pgstore at scale (issue 15): a bulk import into an
// empty schema, and policy.New over the imported state. The small size runs
// by default; the large one (10,000 users, 1,000,000 dossiers) with
// CABINET_BENCH_LARGE=1, serialised with the other large runs:
//
//	bash scripts/with-postgres go test -run '^$' -bench 'Import|LoadAtScale' -benchtime 1x ./pgstore/
//	CABINET_BENCH_LARGE=1 flock /tmp/cabinet-large.lock nice -n 5 bash scripts/with-postgres \
//		go test -run '^$' -bench 'Import|LoadAtScale' -benchtime 1x -timeout 60m ./pgstore/
//
// Memory metrics are runtime.ReadMemStats figures: heap-MB the live heap
// the measured step added (after a GC), alloc-MB the bytes it allocated in
// total, and rss-peak-MB the process's resident peak (VmHWM, reset before
// the step where the kernel allows it).

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// scaleSize is one generated practice, as bulk's benchmarks generate it.
type scaleSize struct {
	name         string
	users        int // collaborators of the one office, every 50th an admin (2%)
	dossiers     int // 90% activated in a client group, the others drafts
	clientGroups int // with 3 direct collaborators and 2 collaborator groups each
	collabGroups int // of 20 members each
	teams        int // of 5 members, 10 referrals each
}

var (
	scaleSmall = scaleSize{name: "small", users: 1_000, dossiers: 10_000, clientGroups: 100, collabGroups: 50, teams: 10}
	scaleLarge = scaleSize{name: "large", users: 10_000, dossiers: 1_000_000, clientGroups: 5_000, collabGroups: 1_000, teams: 50}
)

func scaleSizes() []scaleSize {
	if os.Getenv("CABINET_BENCH_LARGE") == "1" {
		return []scaleSize{scaleSmall, scaleLarge}
	}
	return []scaleSize{scaleSmall}
}

var scaleEpoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func su(i int) cabinet.UserID { return cabinet.UserID(fmt.Sprintf("u%06d", i)) }

// records streams the practice of size z, generated on the fly. Every
// 100th dossier has a holder with a grant to an email without account.
func (z scaleSize) records() func(yield func(bulk.Record, error) bool) {
	return func(yield func(bulk.Record, error) bool) {
		y := func(r bulk.Record) bool { return yield(r, nil) }
		for i := range z.users {
			if !y(bulk.User{ID: su(i), DisplayName: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("u%06d@office.example", i),
				CreatedAt: scaleEpoch, PersonalTeam: cabinet.TeamID(fmt.Sprintf("pt%06d", i))}) {
				return
			}
		}
		if !y(bulk.Office{ID: "o_bench", Name: "Bench & Co", Email: "office@office.example", Admin: su(0), CreatedAt: scaleEpoch}) {
			return
		}
		for i := 1; i < z.users; i++ {
			p := cabinet.ProfileStandard
			if i%50 == 0 {
				p = cabinet.ProfileAdmin
			}
			if !y(bulk.Collaborator{Office: "o_bench", User: su(i), Profile: p, AddedAt: scaleEpoch}) {
				return
			}
		}
		cg := func(i int) cabinet.CollaboratorGroupID { return cabinet.CollaboratorGroupID(fmt.Sprintf("k%05d", i)) }
		for g := range z.collabGroups {
			if !y(bulk.CollaboratorGroup{ID: cg(g), Office: "o_bench", Name: fmt.Sprintf("Desk %d", g), CreatedAt: scaleEpoch}) {
				return
			}
			for j := range 20 {
				if !y(bulk.Member{Group: cg(g), User: su((g*20 + j) % z.users)}) {
					return
				}
			}
		}
		grp := func(i int) cabinet.ClientGroupID { return cabinet.ClientGroupID(fmt.Sprintf("g%05d", i)) }
		for g := range z.clientGroups {
			if !y(bulk.ClientGroup{ID: grp(g), Office: "o_bench", Name: fmt.Sprintf("Clients %d", g), CreatedAt: scaleEpoch}) {
				return
			}
			for k := range 3 {
				if !y(bulk.DirectAssignment{ClientGroup: grp(g), User: su((g*7 + k*13) % z.users)}) {
					return
				}
			}
			for k := range 2 {
				if !y(bulk.GroupAssignment{ClientGroup: grp(g), CollaboratorGroup: cg((g*2 + k) % z.collabGroups)}) {
					return
				}
			}
		}
		for i := range z.dossiers {
			id := cabinet.DossierID(fmt.Sprintf("d%07d", i))
			d := bulk.Dossier{ID: id, Office: "o_bench", Name: fmt.Sprintf("Client %d", i), Status: cabinet.DossierDraft,
				Manager: su((i * 31) % z.users), CreatedAt: scaleEpoch}
			if i%10 != 0 {
				d.Status, d.ClientGroup = cabinet.DossierActivated, grp(i%z.clientGroups)
			}
			if i%5 == 0 {
				d.Assigned = []cabinet.UserID{su((i*17 + 1) % z.users)}
			}
			if !y(d) {
				return
			}
			if i%100 == 0 {
				p := access.PersonID(fmt.Sprintf("p%07d", i))
				if !y(bulk.Person{ID: p, Dossier: id, Name: "Holder", Relation: access.RelationHolder, CreatedAt: scaleEpoch}) {
					return
				}
				if !y(bulk.Grant{ID: access.GrantID(fmt.Sprintf("gr%07d", i)), Person: p, Email: fmt.Sprintf("c%07d@home.example", i),
					Phone: "+33612345678", Level: access.LevelReadWrite, GrantedAt: scaleEpoch}) {
					return
				}
			}
		}
		for t := range z.teams {
			tid := cabinet.TeamID(fmt.Sprintf("t%04d", t))
			rec := bulk.Team{ID: tid, Name: fmt.Sprintf("Team %d", t), Lead: su(t * 5), CreatedAt: scaleEpoch}
			for j := range 5 {
				role := team.RoleMember
				if j == 0 {
					role = team.RoleAdmin
				}
				rec.Members = append(rec.Members, bulk.TeamMember{User: su(t*5 + j), Role: role})
			}
			if !y(rec) {
				return
			}
			for r := range 10 {
				if !y(bulk.Referral{ID: cabinet.ReferralID(fmt.Sprintf("r%04d-%d", t, r)), Team: tid, Referrer: su(t * 5),
					ClientName: "Client", ClientEmail: fmt.Sprintf("c%07d@home.example", r),
					Dossier: cabinet.DossierID(fmt.Sprintf("d%07d", (t*10+r)*31%z.dossiers)), CreatedAt: scaleEpoch}) {
					return
				}
			}
		}
	}
}

// memStep measures the memory of one step: call start before it and stop
// after it.
type memStep struct {
	heap0, alloc0 uint64
	heapMB        float64
	allocMB       float64
	rssPeakMB     float64
}

func (m *memStep) start() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.heap0, m.alloc0 = ms.HeapAlloc, ms.TotalAlloc
	// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+);
	// where it is refused the peak is the process's since it started.
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func (m *memStep) stop() {
	m.rssPeakMB = float64(vmHWM()) / (1 << 20)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.allocMB = float64(ms.TotalAlloc-m.alloc0) / (1 << 20)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	m.heapMB = float64(int64(ms.HeapAlloc)-int64(m.heap0)) / (1 << 20)
}

func (m *memStep) report(b *testing.B) {
	b.ReportMetric(m.heapMB, "heap-MB")
	b.ReportMetric(m.allocMB, "alloc-MB")
	b.ReportMetric(m.rssPeakMB, "rss-peak-MB")
}

// vmHWM returns the process's resident peak in bytes (0 if unknown).
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// importScale imports the practice of z into s, returning the records
// committed.
func importScale(b *testing.B, s bulk.Store, z scaleSize) int {
	b.Helper()
	im := bulk.NewImporter(s)
	if v, err := strconv.Atoi(os.Getenv("CABINET_BENCH_BATCH")); err == nil {
		im = im.WithBatchSize(v)
	}
	res, err := im.Import(context.Background(), "bench", z.records())
	if err != nil {
		b.Fatal(err)
	}
	return res.Records
}

// BenchmarkImport imports a generated practice into an empty pgstore schema
// with bulk.Importer (its default batch size; CABINET_BENCH_BATCH=n sets
// another). Metrics: records/s, records, trips/record (round trips to
// PostgreSQL per record imported: a statement, a batch of statements or a
// COPY each count one) and the memory of the import (see the file's doc).
func BenchmarkImport(b *testing.B) {
	for _, z := range scaleSizes() {
		b.Run("size="+z.name, func(b *testing.B) {
			tr := &pageTracer{}
			pool := pgtest.Pool(b, 4, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tr })
			var n int
			var queries int64
			var m memStep
			for b.Loop() {
				b.StopTimer()
				s := pgtest.Store(b, pool)
				tr.reset()
				m.start()
				b.StartTimer()
				n = importScale(b, s, z)
				b.StopTimer()
				queries = tr.count()
				m.stop()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(n), "records")
			b.ReportMetric(float64(queries)/float64(n), "trips/record")
			m.report(b)
		})
	}
}

// BenchmarkLoadAtScale measures policy.New over a pgstore holding a
// generated practice (imported first with bulk.Importer; its rate is
// logged). Metrics: load-s, queries (statements the load sent), and the
// memory of the load (heap-MB is the engine's index). It logs the EXPLAIN
// ANALYZE of each listing query's second page (the first that resumes after
// a cursor), so that a page costing O(the rest of its table) shows.
func BenchmarkLoadAtScale(b *testing.B) {
	for _, z := range scaleSizes() {
		b.Run("size="+z.name, func(b *testing.B) {
			ctx := context.Background()
			tr := &pageTracer{}
			pool := pgtest.Pool(b, 4, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tr })
			s := pgtest.Store(b, pool)
			t0 := time.Now()
			n := importScale(b, s, z)
			d := time.Since(t0)
			b.Logf("populated: %d records in %v (%.0f records/s)", n, d.Round(time.Millisecond), float64(n)/d.Seconds())
			var m memStep
			var queries int64
			for b.Loop() {
				b.StopTimer()
				tr.reset()
				m.start()
				b.StartTimer()
				e, err := policy.New(ctx, s)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				queries = tr.count()
				m.stop()
				runtime.KeepAlive(e)
				b.StartTimer()
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "load-s")
			b.ReportMetric(float64(queries), "queries")
			m.report(b)
			tr.explain(b, pool)
		})
	}
}

// pageTracer is a pgx tracer counting round trips (statements, batches and
// COPYs) and keeping, for each listing query's text, the arguments of its
// second run.
type pageTracer struct {
	mu    sync.Mutex
	n     int64
	seen  map[string]int
	pages map[string][]any
}

func (p *pageTracer) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n, p.seen, p.pages = 0, map[string]int{}, map[string][]any{}
}

func (p *pageTracer) count() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *pageTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.seen == nil || !strings.HasPrefix(strings.TrimSpace(d.SQL), "SELECT") || !strings.Contains(d.SQL, "LIMIT") {
		return ctx
	}
	p.seen[d.SQL]++
	if p.seen[d.SQL] == 2 {
		p.pages[d.SQL] = slices.Clone(d.Args)
	}
	return ctx
}

func (p *pageTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch as one round trip; its statements are
// not counted again (pgx traces them with TraceBatchQuery, not
// TraceQueryStart).
func (p *pageTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return ctx
}

func (p *pageTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (p *pageTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TraceCopyFromStart counts a COPY as one round trip.
func (p *pageTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return ctx
}

func (p *pageTracer) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// explain prints, for every second page kept, the plan PostgreSQL runs
// for it twice: as a custom plan for its arguments (EXPLAIN ANALYZE of the
// query), and as the generic plan of a prepared statement — pgx prepares
// and caches the load's statements, and PostgreSQL may switch a prepared
// statement to its generic plan after five runs, which no longer knows the
// cursor nor the limit (PREPARE and EXPLAIN ANALYZE EXECUTE under
// plan_cache_mode = force_generic_plan).
func (p *pageTracer) explain(b *testing.B, pool *pgxpool.Pool) {
	p.mu.Lock()
	pages := p.pages
	p.seen, p.pages = nil, nil
	p.mu.Unlock()
	qs := make([]string, 0, len(pages))
	for q := range pages {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	ctx := context.Background()
	for _, q := range qs {
		custom, err := explainPlan(ctx, pool, q, pages[q], false)
		if err != nil {
			b.Logf("EXPLAIN %s: %v", q, err)
			continue
		}
		generic, err := explainPlan(ctx, pool, q, pages[q], true)
		if err != nil {
			b.Logf("EXPLAIN (generic) %s: %v", q, err)
			continue
		}
		// Not b.Logf: a benchmark's log is truncated, and the plans are
		// what this is for.
		fmt.Fprintf(os.Stderr, "%s: a second page:\n%s\n  custom plan:\n\t%s\n  generic plan:\n\t%s\n",
			b.Name(), q, strings.Join(custom, "\n\t"), strings.Join(generic, "\n\t"))
	}
}

// explainPlan returns the lines of EXPLAIN ANALYZE of q with args: its
// custom plan, or with generic its prepared statement's generic plan.
func explainPlan(ctx context.Context, pool *pgxpool.Pool, q string, args []any, generic bool) ([]string, error) {
	const opts = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
	if !generic {
		rows, err := pool.Query(ctx, opts+q, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_generic_plan"); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "PREPARE bench_page AS "+q); err != nil {
		return nil, err
	}
	// A prepared statement outlives the transaction: drop it (before the
	// rollback, on the same connection).
	defer func() { _, _ = tx.Exec(ctx, "DEALLOCATE bench_page") }()
	lits := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			lits[i] = fmt.Sprint(v)
		}
	}
	rows, err := tx.Query(ctx, opts+"EXECUTE bench_page("+strings.Join(lits, ", ")+")", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
