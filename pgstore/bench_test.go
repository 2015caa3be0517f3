package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// The benchmarks of the README's PostgreSQL section:
//
//	bash scripts/with-postgres go test -run '^$' -bench Commands -benchtime 2000x ./pgstore/
//	bash scripts/with-postgres go test -run '^$' -bench PolicyLoad -benchtime 3x ./pgstore/
//
// BenchmarkCommands measures commands per second through the services, on
// a memstore and on a pgstore in the same run (a fixed number of commands,
// so that both stores do the same work); BenchmarkPolicyLoad measures
// policy.New (through kit.New) loading a generated state from each.

// BenchmarkCommands runs commands through the services with 1, 4 and 16
// concurrent writers. Each writer cycles over six commands on its own
// records of one office: AddCollaborator, GrantPerson, MoveDossier (into a
// group), RemoveCollaborator (GRP-11 release included), Revoke, MoveDossier
// (into the other group). With policy=kit the services are kit's, and its
// policy engine refreshes its index from every command's events, as in
// production; with policy=none they are wired as kit wires them but their
// events are discarded, which tells the store's cost from the engine's.
// Metrics: cmds/s (commands per second, all writers together), runs/cmd
// (how many times the store ran a command's transaction function: above 1
// when PostgreSQL aborted some with a serialization failure or a deadlock
// and the store ran them again) and failed (commands that returned an
// error: 0 unless the store gave up retrying).
func BenchmarkCommands(b *testing.B) {
	for _, pol := range []string{"kit", "none"} {
		for _, name := range []string{"memstore", "pgstore"} {
			for _, writers := range []int{1, 4, 16} {
				b.Run(fmt.Sprintf("policy=%s/store=%s/writers=%d", pol, name, writers), func(b *testing.B) {
					benchCommands(b, pol == "kit", name, writers)
				})
			}
		}
	}
}

// benchCommands is one BenchmarkCommands: b.N commands shared by writers
// goroutines.
func benchCommands(b *testing.B, withPolicy bool, name string, writers int) {
	var inner loggedStore
	if name == "memstore" {
		inner = memstore.New()
	} else {
		inner = pgtest.Store(b, pgtest.Pool(b, int32(writers)+4, nil))
	}
	store := &countingRuns{loggedStore: inner}
	f := newCommandFixture(b, store, writers, withPolicy)
	store.runs.Store(0)
	var failed, next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for j := 0; next.Add(1) <= int64(b.N); j++ {
				if err := f.command(w, j); err != nil && failed.Add(1) == 1 {
					b.Errorf("writer %d, command %d: %v", w, j, err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "cmds/s")
	b.ReportMetric(float64(store.runs.Load())/float64(b.N), "runs/cmd")
	b.ReportMetric(float64(failed.Load()), "failed")
}

// loggedStore is a store with a change log and commit hooks, as kit
// wants them (memstore and pgstore).
type loggedStore interface {
	kit.Store
	cabinet.ChangeLog
	OnCommit(func(cabinet.Revision))
}

// countingRuns counts the runs of the functions given to the Update…
// methods of a store.
type countingRuns struct {
	loggedStore
	runs atomic.Int64
}

func (s *countingRuns) UpdateTeams(ctx context.Context, fn func(team.Writer) error) (cabinet.Revision, error) {
	return s.loggedStore.UpdateTeams(ctx, func(w team.Writer) error { s.runs.Add(1); return fn(w) })
}

func (s *countingRuns) UpdateAccess(ctx context.Context, fn func(access.Writer) error) (cabinet.Revision, error) {
	return s.loggedStore.UpdateAccess(ctx, func(w access.Writer) error { s.runs.Add(1); return fn(w) })
}

func (s *countingRuns) UpdateClientGroups(ctx context.Context, fn func(clientgroup.Writer) error) (cabinet.Revision, error) {
	return s.loggedStore.UpdateClientGroups(ctx, func(w clientgroup.Writer) error { s.runs.Add(1); return fn(w) })
}

// commandFixture is an office with, per writer, a user to add and remove,
// an activated dossier managed by the admin and a child of its tree to
// grant and revoke, and two client groups to move the dossiers between.
type commandFixture struct {
	ctx      context.Context
	k        *kit.Kit
	admin    cabinet.UserID
	office   cabinet.OfficeID
	groups   [2]cabinet.ClientGroupID
	users    []cabinet.UserID
	dossiers []cabinet.DossierID
	children []access.PersonID
	grants   []access.GrantID // the writer's current grant, "" when revoked
}

func newCommandFixture(b *testing.B, store kit.Store, writers int, withPolicy bool) *commandFixture {
	b.Helper()
	ctx := context.Background()
	k := servicesWithoutPolicy(store, cabinet.WithIDs(&cabinet.RandomIDs{}))
	if withPolicy {
		var err error
		if k, err = kit.New(ctx, store, kit.WithIDs(&cabinet.RandomIDs{})); err != nil {
			b.Fatal(err)
		}
	}
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	f := &commandFixture{ctx: ctx, k: k, grants: make([]access.GrantID, writers)}
	admin, _, err := k.Teams.CreateUser(ctx, "bench", "Admin", "admin@bench.example")
	must(err)
	f.admin = admin.ID
	o, _, err := k.Groups.CreateOffice(ctx, f.admin, "Bench", "office@bench.example")
	must(err)
	f.office = o.ID
	for i := range f.groups {
		g, _, err := k.Groups.CreateClientGroup(ctx, f.admin, f.office, fmt.Sprintf("Group %d", i), "")
		must(err)
		f.groups[i] = g.ID
	}
	for w := range writers {
		u, _, err := k.Teams.CreateUser(ctx, "bench", fmt.Sprintf("Writer %d", w), fmt.Sprintf("writer%d@bench.example", w))
		must(err)
		d, _, err := k.Access.CreateDossier(ctx, f.admin, f.office, fmt.Sprintf("Dossier %d", w))
		must(err)
		_, _, err = k.Access.SetStatus(ctx, f.admin, d.ID, cabinet.DossierActivated)
		must(err)
		p, _, err := k.Access.AddPerson(ctx, f.admin, d.ID, access.PersonInput{Name: "Child", Relation: access.RelationChild})
		must(err)
		f.users, f.dossiers, f.children = append(f.users, u.ID), append(f.dossiers, d.ID), append(f.children, p.ID)
	}
	return f
}

// servicesWithoutPolicy wires the services over store as kit.New does,
// without the policy engine.
func servicesWithoutPolicy(store kit.Store, opts ...cabinet.Option) *kit.Kit {
	dossiers := access.NewFacts(store)
	groups := clientgroup.NewFacts(store, dossiers)
	accounts := team.NewFacts(store, groups, dossiers)
	k := &kit.Kit{}
	k.Access = access.NewService(store, groups, accounts, opts...)
	k.Contacts = contact.NewService(store, groups, accounts, dossiers, opts...)
	k.Groups = clientgroup.NewService(store, accounts, dossiers, append(opts, cabinet.WithCollaboratorListeners(k.Contacts))...)
	k.Procedures = procedure.NewService(store, groups, dossiers, accounts, contact.NewFacts(store), opts...)
	k.Teams = team.NewService(store, groups, dossiers, append(opts, cabinet.WithAccountListeners(k.Access, k.Contacts, k.Procedures))...)
	return k
}

// command runs writer w's j-th command.
func (f *commandFixture) command(w, j int) error {
	ctx, k := f.ctx, f.k
	var err error
	switch j % 6 {
	case 0:
		_, _, err = k.Groups.AddCollaborator(ctx, f.admin, f.office, f.users[w], cabinet.ProfileStandard)
	case 1:
		var g access.Grant
		g, _, err = k.Access.GrantPerson(ctx, f.admin, f.children[w], access.GrantInput{
			Email: fmt.Sprintf("child%d@bench.example", w), Phone: "0612345678", Level: access.LevelReadOnly})
		f.grants[w] = g.ID
	case 2, 5:
		_, err = k.Groups.MoveDossier(ctx, f.admin, f.dossiers[w], f.groups[j%2])
	case 3:
		_, err = k.Groups.RemoveCollaborator(ctx, f.admin, f.office, f.users[w])
	case 4:
		_, err = k.Access.Revoke(ctx, f.admin, f.grants[w])
	}
	return err
}

// loadSize is a generated state for BenchmarkPolicyLoad: one office of
// users collaborators (2% admins), dossiers with a manager, up to two
// assigned collaborators and 90% in one of the client groups, collaborator
// groups assigned to client groups, a few client accounts holding person
// grants, and advisor teams with referrals (a quarter of their dossiers
// with consent revoked).
type loadSize struct {
	name                                                string
	users, dossiers, clientGroups, collabGroups, grants int
	teams                                               int
}

var loadSizes = []loadSize{
	{name: "small", users: 1_000, dossiers: 10_000, clientGroups: 100, collabGroups: 20, grants: 100, teams: 10},
	{name: "100k", users: 5_000, dossiers: 100_000, clientGroups: 1_000, collabGroups: 100, grants: 1_000, teams: 20},
}

// BenchmarkPolicyLoad measures policy.New (kit.New loads its engine with
// it) over a generated state, on a memstore and on a pgstore. Metrics:
// load-s (seconds per load), queries (statements the load sent to
// PostgreSQL: pages of a listing, never a round trip per record when it
// streams), heapMB (live heap after the load, engine and store included)
// and engineMB (live heap the engine added).
func BenchmarkPolicyLoad(b *testing.B) {
	for _, sz := range loadSizes {
		for _, name := range []string{"memstore", "pgstore"} {
			b.Run("size="+sz.name+"/store="+name, func(b *testing.B) {
				ctx := context.Background()
				var store kit.Store
				var queries *queryCounter
				if name == "memstore" {
					store = memstore.New()
				} else {
					queries = &queryCounter{}
					store = pgtest.Store(b, pgtest.Pool(b, 4, func(c *pgxpool.Config) { c.ConnConfig.Tracer = queries }))
				}
				if err := writeLoadState(ctx, store, sz); err != nil {
					b.Fatal(err)
				}
				var engineMB, heapMB float64
				var n int64
				b.ResetTimer()
				for b.Loop() {
					before := liveHeap()
					if queries != nil {
						queries.n.Store(0)
					}
					k, err := kit.New(ctx, store)
					if err != nil {
						b.Fatal(err)
					}
					if queries != nil {
						n = queries.n.Load()
					}
					after := liveHeap()
					engineMB, heapMB = mb(after-before), mb(after)
					runtime.KeepAlive(k)
				}
				b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "load-s")
				b.ReportMetric(float64(n), "queries")
				b.ReportMetric(heapMB, "heapMB")
				b.ReportMetric(engineMB, "engineMB")
			})
		}
	}
}

// queryCounter is a pgx tracer counting the statements sent.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// liveHeap returns the live heap in bytes after a full GC.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mb(n uint64) float64 { return float64(int64(n)) / (1 << 20) }

// loadState is the generated state of a loadSize, as records.
type loadState struct {
	users    []cabinet.User
	office   clientgroup.Office
	collabs  []clientgroup.Collaborator
	cgroups  []clientgroup.CollaboratorGroup
	members  []clientgroup.Member
	groups   []clientgroup.ClientGroup
	direct   []clientgroup.DirectAssignment
	gassign  []clientgroup.GroupAssignment
	dossiers []access.Dossier
	places   []clientgroup.Placement
	persons  []access.Person
	grants   []access.Grant
	teams    []team.Team
	refs     []team.Referral
	consents []team.DossierConsent
}

// generateLoadState builds the state of sz, deterministically.
func generateLoadState(sz loadSize) *loadState {
	r := rand.New(rand.NewPCG(uint64(sz.dossiers), 0xcab1))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const office cabinet.OfficeID = "o_bench"
	user := func(i int) cabinet.UserID { return cabinet.UserID(fmt.Sprintf("u%06d", i)) }
	client := func(i int) cabinet.UserID { return cabinet.UserID(fmt.Sprintf("c%06d", i)) }
	dossier := func(i int) cabinet.DossierID { return cabinet.DossierID(fmt.Sprintf("d%07d", i)) }
	group := func(i int) cabinet.ClientGroupID { return cabinet.ClientGroupID(fmt.Sprintf("g%05d", i)) }
	cgroup := func(i int) cabinet.CollaboratorGroupID { return cabinet.CollaboratorGroupID(fmt.Sprintf("k%05d", i)) }
	mkUser := func(id cabinet.UserID) cabinet.User {
		return cabinet.User{ID: id, DisplayName: string(id), Email: string(id) + "@bench.example", CreatedAt: t0}
	}
	standard := func() cabinet.UserID {
		for {
			if i := r.IntN(sz.users); i%50 != 0 {
				return user(i)
			}
		}
	}
	st := &loadState{office: clientgroup.Office{ID: office, Name: "Bench", Email: "office@bench.example", CreatedBy: user(0), CreatedAt: t0}}
	for i := range sz.users {
		st.users = append(st.users, mkUser(user(i)))
		p := cabinet.ProfileStandard
		if i%50 == 0 {
			p = cabinet.ProfileAdmin
		}
		st.collabs = append(st.collabs, clientgroup.Collaborator{Office: office, User: user(i), Profile: p, AddedAt: t0})
	}
	for i := range sz.collabGroups {
		st.cgroups = append(st.cgroups, clientgroup.CollaboratorGroup{ID: cgroup(i), Office: office, Name: string(cgroup(i)), CreatedAt: t0})
		for range 20 {
			st.members = append(st.members, clientgroup.Member{Group: cgroup(i), Office: office, User: standard()})
		}
	}
	for i := range sz.clientGroups {
		st.groups = append(st.groups, clientgroup.ClientGroup{ID: group(i), Office: office, Name: string(group(i)), CreatedAt: t0})
		for range 3 {
			st.direct = append(st.direct, clientgroup.DirectAssignment{ClientGroup: group(i), Office: office, User: standard()})
		}
		for range 2 {
			st.gassign = append(st.gassign, clientgroup.GroupAssignment{ClientGroup: group(i), Office: office, CollaboratorGroup: cgroup(r.IntN(sz.collabGroups))})
		}
	}
	statuses := []cabinet.DossierStatus{cabinet.DossierActivated, cabinet.DossierActivated, cabinet.DossierActivated, cabinet.DossierDraft, cabinet.DossierArchived}
	for i := range sz.dossiers {
		mgr := user(r.IntN(sz.users))
		var assigned []cabinet.UserID
		for range r.IntN(3) {
			if u := user(r.IntN(sz.users)); u != mgr && !slices.Contains(assigned, u) {
				assigned = append(assigned, u)
			}
		}
		slices.Sort(assigned)
		st.dossiers = append(st.dossiers, access.Dossier{ID: dossier(i), Office: office, Name: string(dossier(i)),
			Status: statuses[r.IntN(5)], Manager: mgr, Assigned: assigned, CreatedBy: mgr, CreatedAt: t0})
		if r.IntN(10) != 0 {
			st.places = append(st.places, clientgroup.Placement{Dossier: dossier(i), Office: office, ClientGroup: group(r.IntN(sz.clientGroups))})
		}
	}
	for i := range sz.grants {
		st.users = append(st.users, mkUser(client(i)))
		d, p := dossier(r.IntN(sz.dossiers)), access.PersonID(fmt.Sprintf("p%06d", i))
		rel := access.RelationHolder
		if i%2 == 1 {
			rel = access.RelationChild
		}
		st.persons = append(st.persons, access.Person{ID: p, Dossier: d, Name: string(client(i)), Relation: rel, CreatedAt: t0})
		st.grants = append(st.grants, access.Grant{ID: access.GrantID(fmt.Sprintf("a%06d", i)), Dossier: d, Office: office,
			Kind: access.GranteePerson, Person: p, Central: rel.Central(), Email: string(client(i)) + "@bench.example",
			Level: access.LevelReadOnly, User: client(i), GrantedBy: user(0), GrantedAt: t0})
	}
	for i := range sz.teams {
		t := cabinet.TeamID(fmt.Sprintf("t%04d", i))
		var ms []team.Member
		for k := range 5 {
			u := standard()
			if !slices.ContainsFunc(ms, func(m team.Member) bool { return m.User == u }) {
				role := team.RoleMember
				if k == 0 {
					role = team.RoleAdmin
				}
				ms = append(ms, team.Member{User: u, Role: role, JoinedAt: t0})
			}
		}
		lead := ms[0].User
		slices.SortFunc(ms, func(a, b team.Member) int { return strings.Compare(string(a.User), string(b.User)) })
		st.teams = append(st.teams, team.Team{ID: t, Name: string(t), Lead: lead, CreatedBy: lead, CreatedAt: t0, Members: ms})
		for j := range 10 {
			d := dossier(r.IntN(sz.dossiers))
			st.refs = append(st.refs, team.Referral{ID: cabinet.ReferralID(fmt.Sprintf("r%04d_%02d", i, j)), Team: t, Referrer: lead,
				ClientName: "client", ClientEmail: fmt.Sprintf("client%04d_%02d@bench.example", i, j), Dossier: d, CreatedAt: t0})
			if j%4 == 3 {
				st.consents = append(st.consents, team.DossierConsent{Dossier: d, State: team.ConsentRevoked, ChangedAt: t0})
			}
		}
	}
	return st
}

// writeLoadState writes the state of sz into s through the stores'
// writers, in transactions of at most 2,000 records.
func writeLoadState(ctx context.Context, s kit.Store, sz loadSize) error {
	st := generateLoadState(sz)
	steps := []error{
		batched(st.users, func(b []cabinet.User) error {
			return teamsTx(ctx, s, func(w team.Writer) error { return each(b, func(u cabinet.User) error { return w.PutUser(ctx, u) }) })
		}),
		groupsTx(ctx, s, func(w clientgroup.Writer) error { return w.PutOffice(ctx, st.office) }),
		batched(st.collabs, func(b []clientgroup.Collaborator) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(c clientgroup.Collaborator) error { return w.PutCollaborator(ctx, c) })
			})
		}),
		batched(st.cgroups, func(b []clientgroup.CollaboratorGroup) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(g clientgroup.CollaboratorGroup) error { return w.PutCollaboratorGroup(ctx, g) })
			})
		}),
		batched(st.members, func(b []clientgroup.Member) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(m clientgroup.Member) error { return w.PutMember(ctx, m) })
			})
		}),
		batched(st.groups, func(b []clientgroup.ClientGroup) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(g clientgroup.ClientGroup) error { return w.PutClientGroup(ctx, g) })
			})
		}),
		batched(st.direct, func(b []clientgroup.DirectAssignment) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(a clientgroup.DirectAssignment) error { return w.PutDirectAssignment(ctx, a) })
			})
		}),
		batched(st.gassign, func(b []clientgroup.GroupAssignment) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(a clientgroup.GroupAssignment) error { return w.PutGroupAssignment(ctx, a) })
			})
		}),
		batched(st.dossiers, func(b []access.Dossier) error {
			return accessTx(ctx, s, func(w access.Writer) error {
				return each(b, func(d access.Dossier) error { return w.PutDossier(ctx, d) })
			})
		}),
		batched(st.places, func(b []clientgroup.Placement) error {
			return groupsTx(ctx, s, func(w clientgroup.Writer) error {
				return each(b, func(p clientgroup.Placement) error { return w.PutPlacement(ctx, p) })
			})
		}),
		accessTx(ctx, s, func(w access.Writer) error {
			if err := each(st.persons, func(p access.Person) error { return w.PutPerson(ctx, p) }); err != nil {
				return err
			}
			return each(st.grants, func(g access.Grant) error { return w.PutGrant(ctx, g) })
		}),
		teamsTx(ctx, s, func(w team.Writer) error {
			return errors.Join(each(st.teams, func(t team.Team) error { return w.PutTeam(ctx, t) }),
				each(st.refs, func(r team.Referral) error { return w.PutReferral(ctx, r) }),
				each(st.consents, func(c team.DossierConsent) error { return w.PutDossierConsent(ctx, c) }))
		}),
	}
	return errors.Join(steps...)
}

// batched calls write with consecutive slices of at most 2,000 of xs, and
// stops at the first error.
func batched[T any](xs []T, write func([]T) error) error {
	for lo := 0; lo < len(xs); lo += 2000 {
		if err := write(xs[lo:min(lo+2000, len(xs))]); err != nil {
			return err
		}
	}
	return nil
}

// each calls put with every element of xs, and stops at the first error.
func each[T any](xs []T, put func(T) error) error {
	for _, x := range xs {
		if err := put(x); err != nil {
			return err
		}
	}
	return nil
}

func teamsTx(ctx context.Context, s kit.Store, fn func(team.Writer) error) error {
	_, err := s.UpdateTeams(ctx, fn)
	return err
}

func accessTx(ctx context.Context, s kit.Store, fn func(access.Writer) error) error {
	_, err := s.UpdateAccess(ctx, fn)
	return err
}

func groupsTx(ctx context.Context, s kit.Store, fn func(clientgroup.Writer) error) error {
	_, err := s.UpdateClientGroups(ctx, fn)
	return err
}
