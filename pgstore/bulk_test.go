package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

// recordByRecord hides pgstore.Store's PrepareBatch from the importer: an
// import through it takes the record-by-record path.
type recordByRecord struct{ bulk.Store }

// TestBulkImportFastPathWritesWhatSlowPathWrites checks the goal of
// PrepareBatch (bulk.BatchPreparer): importing a stream through the bulk
// path commits exactly what the record-by-record path commits. It imports
// random streams — valid records and, in about half of them, one at fault
// (a reference to nothing, a duplicate, a rule broken), in random batch
// sizes, referring to what earlier streams stored — into two schemas, one
// through each path, and requires the same Result and the same error
// (position, kind, key, field, message) for every stream, the same change
// log (every batch's time, host, events and keys, in order) and, at the
// end, the same rows in every table.
func TestBulkImportFastPathWritesWhatSlowPathWrites(t *testing.T) {
	streams := 100
	if testing.Short() {
		streams = 20
	}
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)
	fast, slow := pgtest.Store(t, pool), pgtest.Store(t, pool)
	clock := cabinet.WithClock(cabinet.NewManualClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)))
	both := newImportPair(pool, fast, slow, clock)
	g := &streamGen{r: rand.New(rand.NewPCG(20261202, 15))}
	failed := 0
	for n := range streams {
		saved := g.save()
		recs := g.stream(n)
		size := 1 + g.r.IntN(12)
		if g.r.IntN(4) == 0 {
			size = 1000
		}
		if err := both.compare(ctx, t, fmt.Sprintf("stream %d", n), recs, size); err != nil {
			g.restore(saved) // later streams refer only to what was committed
			failed++
		}
	}
	if failed == 0 || failed == streams {
		t.Fatalf("%d of %d streams failed: the generator should give both", failed, streams)
	}
	a := both.sameRows(t)
	if a["dossiers"] == "" || a["placements"] == "" || a["persons"] == "" || a["collaborators"] == "" {
		t.Fatalf("the streams stored no dossier, placement, person or collaborator: the test checks nothing")
	}
}

// importPair is the two sides of a fast-path test over pool: fast imports
// through bulk mode, slow record by record, each into a schema of its own.
type importPair struct {
	pool           *pgxpool.Pool
	fast, slow     *pgstore.Store
	fastIm, slowIm *bulk.Importer
}

func newImportPair(pool *pgxpool.Pool, fast, slow *pgstore.Store, opts ...cabinet.Option) importPair {
	opts = append(opts, cabinet.WithIDs(&cabinet.SequentialIDs{}))
	return importPair{pool: pool, fast: fast, slow: slow,
		fastIm: bulk.NewImporter(fast, opts...), slowIm: bulk.NewImporter(recordByRecord{slow}, opts...)}
}

// compare imports recs through both sides in batches of size and fails t
// (naming the import what) unless they give the same Result, the same
// error — a *bulk.RecordError when there is one — and the same change log.
// It returns the error.
func (p importPair) compare(ctx context.Context, t *testing.T, what string, recs []bulk.Record, size int) error {
	t.Helper()
	fr, ferr := p.fastIm.WithBatchSize(size).Import(ctx, "test", bulk.Stream(recs...))
	sr, serr := p.slowIm.WithBatchSize(size).Import(ctx, "test", bulk.Stream(recs...))
	if fr != sr || describe(ferr) != describe(serr) {
		t.Fatalf("%s (%d records, batches of %d):\nbulk path:          %+v, %s\nrecord-by-record:   %+v, %s",
			what, len(recs), size, fr, describe(ferr), sr, describe(serr))
	}
	var re *bulk.RecordError
	if serr != nil && !errors.As(serr, &re) {
		t.Fatalf("%s: %v is not a *bulk.RecordError", what, serr)
	}
	if a, b := changeLog(t, p.pool, p.fast), changeLog(t, p.pool, p.slow); a != b {
		t.Fatalf("%s: the change logs differ:\nbulk path:\n%s\nrecord-by-record:\n%s", what, a, b)
	}
	return serr
}

// sameRows fails t unless both sides' schemas hold the same rows in every
// table, and returns them (tableRows).
func (p importPair) sameRows(t *testing.T) map[string]string {
	t.Helper()
	a, b := tableRows(t, p.pool, p.fast), tableRows(t, p.pool, p.slow)
	for table, rows := range b {
		if a[table] != rows {
			t.Errorf("table %s differs:\nbulk path:\n%s\nrecord-by-record:\n%s", table, a[table], rows)
		}
	}
	if len(a) != len(b) {
		t.Errorf("%d tables against %d", len(a), len(b))
	}
	return a
}

// describe is an import error as the test compares it.
func describe(err error) string {
	if err == nil {
		return "<nil>"
	}
	var re *bulk.RecordError
	if errors.As(err, &re) {
		return fmt.Sprintf("record %d %s %q field %q: %v", re.Index, re.Kind, re.Key, re.Field, re.Err)
	}
	return err.Error()
}

// changeLog returns the change log of s as text: each change's batch time,
// actor, host, events and keys, in revision order.
func changeLog(t *testing.T, pool *pgxpool.Pool, s *pgstore.Store) string {
	t.Helper()
	q := `SELECT coalesce(string_agg(concat_ws(' | ', batch_at::text, actor, host, events::text, keys::text), E'\n' ORDER BY revision), '')
		FROM ` + pgx.Identifier{s.Schema(), "changes"}.Sanitize()
	var out string
	if err := pool.QueryRow(context.Background(), q).Scan(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// tableRows returns every row of every table of s but the change log's, as
// sorted text, by table.
func tableRows(t *testing.T, pool *pgxpool.Pool, s *pgstore.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1
		AND table_name NOT IN ('changes', 'schema_version')`, s.Schema())
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		var text string
		q := `SELECT coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '') FROM ` + pgx.Identifier{s.Schema(), table}.Sanitize() + ` x`
		if err := pool.QueryRow(ctx, q).Scan(&text); err != nil {
			t.Fatal(err)
		}
		out[table] = text
	}
	return out
}

// streamGen generates the random streams of the test: each stream adds
// users, an office or two with collaborators, groups, dossiers with trees
// and grants, teams and referrals, mostly referring to its own records and
// sometimes to earlier streams'; about half the streams have one record at
// fault.
type streamGen struct {
	r        *rand.Rand
	users    []cabinet.UserID // every user generated so far
	offices  []cabinet.OfficeID
	collabs  map[cabinet.OfficeID][]cabinet.UserID
	groups   []cabinet.ClientGroupID
	cgroups  []cabinet.CollaboratorGroupID
	dossiers []cabinet.DossierID
	persons  []access.PersonID
	emails   []string
	calm     bool // no stream has a record at fault
}

func (g *streamGen) pick(n int) int { return g.r.IntN(n) }

// save returns a copy of what g remembers; restore puts it back.
func (g *streamGen) save() streamGen {
	c := *g
	c.collabs = map[cabinet.OfficeID][]cabinet.UserID{}
	for o, us := range g.collabs {
		c.collabs[o] = slices.Clone(us)
	}
	c.users, c.offices, c.groups, c.cgroups = slices.Clone(g.users), slices.Clone(g.offices), slices.Clone(g.groups), slices.Clone(g.cgroups)
	c.dossiers, c.persons, c.emails = slices.Clone(g.dossiers), slices.Clone(g.persons), slices.Clone(g.emails)
	return c
}

func (g *streamGen) restore(c streamGen) {
	r := g.r
	*g = c
	g.r = r
}

func pickOf[T any](g *streamGen, xs []T, or T) T {
	if len(xs) == 0 {
		return or
	}
	return xs[g.pick(len(xs))]
}

func (g *streamGen) stream(n int) []bulk.Record {
	if g.collabs == nil {
		g.collabs = map[cabinet.OfficeID][]cabinet.UserID{}
	}
	var recs []bulk.Record
	add := func(r bulk.Record) { recs = append(recs, r) }
	id := func(kind string, i int) string { return fmt.Sprintf("s%03d-%s%d", n, kind, i) }
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	// Users, some with the email a grant or a referral of an earlier
	// stream waits for.
	var users []cabinet.UserID
	for i := range 2 + g.pick(5) {
		u := cabinet.UserID(id("u", i))
		email := fmt.Sprintf("%s@example.com", u)
		if len(g.emails) > 0 && g.pick(4) == 0 {
			email = g.emails[g.pick(len(g.emails))]
			g.emails = removeString(g.emails, email)
		}
		add(bulk.User{ID: u, DisplayName: "User " + string(u), Email: email, CreatedAt: t0, PersonalTeam: cabinet.TeamID(id("pt", i))})
		users = append(users, u)
	}
	g.users = append(g.users, users...)
	// An advisor team of two of them: its member rows, and the first team
	// of their personal teams (TEAM-7).
	if g.pick(2) == 0 {
		add(bulk.Team{ID: cabinet.TeamID(id("t", 0)), Name: "Team", Lead: users[0], CreatedAt: t0,
			Members: []bulk.TeamMember{{User: users[0], Role: team.RoleAdmin}, {User: users[1], Role: team.RoleMember}}})
	}
	// An office, or reuse one of an earlier stream.
	office := cabinet.OfficeID(id("o", 0))
	if len(g.offices) > 0 && g.pick(3) == 0 {
		office = g.offices[g.pick(len(g.offices))]
	} else {
		add(bulk.Office{ID: office, Name: "Office " + string(office), Email: string(office) + "@office.example", Admin: users[0], CreatedAt: t0})
		g.offices = append(g.offices, office)
		g.collabs[office] = append(g.collabs[office], users[0])
	}
	for _, u := range users {
		if u == users[0] && g.collabs[office][0] == u {
			continue
		}
		if g.pick(5) == 0 {
			continue // not a collaborator: a dossier it manages is refused
		}
		p := cabinet.ProfileStandard
		if g.pick(4) == 0 {
			p = cabinet.ProfileAdmin
		}
		add(bulk.Collaborator{Office: office, User: u, Profile: p, AddedAt: t0})
		g.collabs[office] = append(g.collabs[office], u)
	}
	collabs := g.collabs[office]
	// Collaborator and client groups, members and assignments.
	cg := cabinet.CollaboratorGroupID(id("k", 0))
	add(bulk.CollaboratorGroup{ID: cg, Office: office, Name: "Desk", CreatedAt: t0})
	g.cgroups = append(g.cgroups, cg)
	for _, u := range collabs[:min(len(collabs), 3)] {
		add(bulk.Member{Group: cg, User: u})
	}
	var groups []cabinet.ClientGroupID
	for i := range 1 + g.pick(3) {
		grp := cabinet.ClientGroupID(id("g", i))
		add(bulk.ClientGroup{ID: grp, Office: office, Name: "Clients " + string(grp), CreatedAt: t0})
		groups = append(groups, grp)
		add(bulk.DirectAssignment{ClientGroup: grp, User: pickOf(g, collabs, users[0])})
		add(bulk.GroupAssignment{ClientGroup: grp, CollaboratorGroup: cg})
	}
	g.groups = append(g.groups, groups...)
	// Dossiers, some placed, some with a tree and grants.
	statuses := []cabinet.DossierStatus{cabinet.DossierActivated, cabinet.DossierActivated, cabinet.DossierDraft, cabinet.DossierArchived}
	var dossiers []cabinet.DossierID
	for i := range 3 + g.pick(20) {
		d := bulk.Dossier{ID: cabinet.DossierID(id("d", i)), Office: office, Name: "Client", Status: statuses[g.pick(len(statuses))],
			Manager: pickOf(g, collabs, ""), CreatedAt: t0}
		if g.pick(3) == 0 {
			d.Assigned = []cabinet.UserID{pickOf(g, collabs, users[0]), pickOf(g, collabs, users[0])}
		}
		if d.Status != cabinet.DossierDraft && g.pick(4) != 0 {
			d.ClientGroup = pickOf(g, groups, "")
		}
		add(d)
		dossiers = append(dossiers, d.ID)
		if g.pick(3) == 0 {
			p := access.PersonID(id("p", i))
			add(bulk.Person{ID: p, Dossier: d.ID, Name: "Holder", Relation: access.RelationHolder, CreatedAt: t0})
			g.persons = append(g.persons, p)
			email := fmt.Sprintf("%s@home.example", p)
			add(bulk.Grant{ID: access.GrantID(id("a", i)), Person: p, Email: email, Phone: "+33612345678", Level: access.LevelReadOnly, GrantedAt: t0})
			g.emails = append(g.emails, email)
			if g.pick(2) == 0 {
				c := access.PersonID(id("c", i))
				add(bulk.Person{ID: c, Dossier: d.ID, Name: "Child", Relation: access.RelationChild, CreatedAt: t0})
			}
		}
	}
	g.dossiers = append(g.dossiers, dossiers...)
	// A referral on one of the dossiers, to a client who may sign up later.
	email := fmt.Sprintf("%s@client.example", id("r", 0))
	add(bulk.Referral{ID: cabinet.ReferralID(id("r", 0)), Referrer: users[0], ClientName: "Client", ClientEmail: email,
		Dossier: dossiers[g.pick(len(dossiers))], CreatedAt: t0})
	g.emails = append(g.emails, email)
	add(bulk.Consent{Dossier: dossiers[0], State: team.ConsentRevoked, ChangedAt: t0})
	if g.pick(2) == 0 && !g.calm {
		g.fault(&recs, n)
	}
	return recs
}

// fault puts one record at fault at a random position of recs.
func (g *streamGen) fault(recs *[]bulk.Record, n int) {
	var bad bulk.Record
	switch g.pick(9) {
	case 0: // an existing dossier again
		bad = bulk.Dossier{ID: pickOf(g, g.dossiers, "x"), Office: pickOf(g, g.offices, "x"), Name: "Again", Status: cabinet.DossierDraft}
	case 1: // a manager who is not a collaborator of the office
		bad = bulk.Dossier{ID: cabinet.DossierID(fmt.Sprintf("s%03d-bad", n)), Office: pickOf(g, g.offices, "x"), Name: "Bad",
			Status: cabinet.DossierActivated, Manager: "nobody"}
	case 2: // a client group of no office
		bad = bulk.Dossier{ID: cabinet.DossierID(fmt.Sprintf("s%03d-bad", n)), Office: pickOf(g, g.offices, "x"), Name: "Bad",
			Status: cabinet.DossierActivated, ClientGroup: "no-such-group"}
	case 3: // a draft placed in a group (GRP-5)
		bad = bulk.Dossier{ID: cabinet.DossierID(fmt.Sprintf("s%03d-bad", n)), Office: pickOf(g, g.offices, "x"), Name: "Bad",
			Status: cabinet.DossierDraft, ClientGroup: pickOf(g, g.groups, "x")}
	case 4: // a second holder (ACC-2)
		bad = bulk.Person{ID: access.PersonID(fmt.Sprintf("s%03d-bad", n)), Dossier: g.dossierWithHolder(), Name: "Second", Relation: access.RelationHolder}
	case 5: // an existing person again
		bad = bulk.Person{ID: pickOf(g, g.persons, "x"), Dossier: pickOf(g, g.dossiers, "x"), Name: "Again", Relation: access.RelationChild}
	case 6: // a collaborator twice
		o := pickOf(g, g.offices, "x")
		bad = bulk.Collaborator{Office: o, User: pickOf(g, g.collabs[o], "x"), Profile: cabinet.ProfileStandard}
	case 7: // a member who is not a collaborator
		bad = bulk.Member{Group: pickOf(g, g.cgroups, "x"), User: "nobody"}
	default: // a user whose email is taken
		u := pickOf(g, g.users, "x")
		bad = bulk.User{ID: cabinet.UserID(fmt.Sprintf("s%03d-bad", n)), DisplayName: "Bad", Email: string(u) + "@example.com",
			PersonalTeam: cabinet.TeamID(fmt.Sprintf("s%03d-badteam", n))}
	}
	at := g.pick(len(*recs) + 1)
	*recs = append((*recs)[:at], append([]bulk.Record{bad}, (*recs)[at:]...)...)
}

// dossierWithHolder returns a dossier whose tree has a holder, or one that
// may not exist.
func (g *streamGen) dossierWithHolder() cabinet.DossierID {
	if len(g.persons) == 0 {
		return "x"
	}
	p := g.persons[g.pick(len(g.persons))]
	// s%03d-p%d is the holder of s%03d-d%d.
	return cabinet.DossierID(strings.Replace(string(p), "-p", "-d", 1))
}

func removeString(xs []string, s string) []string {
	for i, x := range xs {
		if x == s {
			return append(xs[:i:i], xs[i+1:]...)
		}
	}
	return xs
}

// TestPrepareBatchRefusesATransactionItCannotWrite: bulk mode is for a
// write transaction of the store itself; a View's, or another store's, is
// an *cabinet.InvalidError naming "tx".
func TestPrepareBatchRefusesATransactionItCannotWrite(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)
	s, other := pgtest.Store(t, pool), pgtest.Store(t, pool)
	batch := []bulk.Record{bulk.User{ID: "u1", DisplayName: "U", Email: "u1@example.com"}}
	err := s.ViewTeams(ctx, func(r team.Reader) error { return s.PrepareBatch(ctx, r.Tx(), batch) })
	if cabinet.FieldOf(err) != "tx" {
		t.Errorf("in a View: %v, want an invalid tx", err)
	}
	_, err = other.UpdateTeams(ctx, func(w team.Writer) error { return s.PrepareBatch(ctx, w.Tx(), batch) })
	if cabinet.FieldOf(err) != "tx" {
		t.Errorf("in another store's transaction: %v, want an invalid tx", err)
	}
	if _, err := s.UpdateTeams(ctx, func(w team.Writer) error { return s.PrepareBatch(ctx, w.Tx(), batch) }); err != nil {
		t.Errorf("in its own write transaction: %v", err)
	}
}

// A dry run of an import through the bulk path inspects each batch once:
// the prepared batch ends in cabinet.ErrDryRun after its inspection, which
// the importer must not take for a failure to run again record by record
// (the inspection would run twice), and nothing is written.
func TestBulkImportDryRunInspectsOnce(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)
	s := pgtest.Store(t, pool)
	im := bulk.NewImporter(s, cabinet.WithIDs(&cabinet.SequentialIDs{}))
	inspected := 0
	dry := cabinet.DryRun(ctx, func(context.Context, cabinet.Tx, []cabinet.Key) error {
		inspected++
		return nil
	})
	_, err := im.Import(dry, "test", bulk.Stream(bulk.User{ID: "u1", DisplayName: "U", Email: "u1@example.com"}))
	if !errors.Is(err, cabinet.ErrDryRun) {
		t.Fatalf("Import under DryRun: %v, want ErrDryRun", err)
	}
	if inspected != 1 {
		t.Errorf("the batch was inspected %d times, want 1", inspected)
	}
	if err := s.ViewTeams(ctx, func(r team.Reader) error {
		if _, err := r.User(ctx, "u1"); !errors.Is(err, cabinet.ErrNotFound) {
			t.Errorf("after the dry run, u1: %v, want not found", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A writer kept past its function takes no write in bulk mode either: a
// Put that bulk mode would queue for COPY (a new dossier) is refused as
// every other write of a closed transaction is (Emit's "tx" error), not
// accepted and lost.
func TestBulkModeRefusesAWriteAfterItsFunction(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, 4, nil)
	s := pgtest.Store(t, pool)
	batch := []bulk.Record{bulk.Dossier{ID: "d9", Office: "o1", Name: "Nine", Status: cabinet.DossierDraft}}
	var kept access.Writer
	if _, err := s.UpdateAccess(ctx, func(w access.Writer) error {
		kept = w
		return s.PrepareBatch(ctx, w.Tx(), batch)
	}); err != nil {
		t.Fatal(err)
	}
	err := kept.PutDossier(ctx, access.Dossier{ID: "d9", Office: "o1", Name: "Nine", Status: cabinet.DossierDraft})
	if cabinet.FieldOf(err) != "tx" {
		t.Errorf("PutDossier after the function returned: %v, want an invalid tx", err)
	}
}
