package bulk_test

// Import and export benchmarks (issue 15). The small size runs by default;
// the large one with CABINET_BENCH_LARGE=1:
//
//	go test -run '^$' -bench . -benchmem ./bulk
//	CABINET_BENCH_LARGE=1 go test -run '^$' -bench . -benchmem -benchtime 1x -timeout 60m ./bulk
//
// CABINET_BENCH_BATCH=n sets the importer's batch size (default
// bulk.DefaultBatchSize).
//
// Each reports records/s; the import also reports the heap the store holds
// after it (runtime.ReadMemStats after a GC; with the change log, and with
// a log that keeps one change: the store's own).

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// benchSize is one generated practice.
type benchSize struct {
	name         string
	users        int // collaborators of the one office, every 50th an admin (2%)
	dossiers     int // 90% activated in a client group, the others drafts
	clientGroups int // with 3 direct collaborators and 2 collaborator groups each
	collabGroups int // of 20 members each
	teams        int // of 5 members, 10 referrals each
}

var (
	benchSmall = benchSize{name: "small", users: 1_000, dossiers: 10_000, clientGroups: 100, collabGroups: 50, teams: 10}
	benchLarge = benchSize{name: "large", users: 10_000, dossiers: 1_000_000, clientGroups: 5_000, collabGroups: 1_000, teams: 50}
)

func benchSizes(b *testing.B) []benchSize {
	if os.Getenv("CABINET_BENCH_LARGE") == "1" {
		return []benchSize{benchSmall, benchLarge}
	}
	return []benchSize{benchSmall}
}

func bu(i int) cabinet.UserID { return cabinet.UserID(fmt.Sprintf("u%06d", i)) }

// records streams the practice of size z, generated on the fly (the
// stream holds no record beyond the current one). Every 100th dossier has
// a holder with a grant to an email without account.
func (z benchSize) records() func(yield func(bulk.Record, error) bool) {
	return func(yield func(bulk.Record, error) bool) {
		y := func(r bulk.Record) bool { return yield(r, nil) }
		for i := range z.users {
			if !y(bulk.User{ID: bu(i), DisplayName: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("u%06d@office.example", i),
				CreatedAt: epoch, PersonalTeam: cabinet.TeamID(fmt.Sprintf("pt%06d", i))}) {
				return
			}
		}
		if !y(bulk.Office{ID: "o_bench", Name: "Bench & Co", Email: "office@office.example", Admin: bu(0), CreatedAt: epoch}) {
			return
		}
		for i := 1; i < z.users; i++ {
			p := cabinet.ProfileStandard
			if i%50 == 0 {
				p = cabinet.ProfileAdmin
			}
			if !y(bulk.Collaborator{Office: "o_bench", User: bu(i), Profile: p, AddedAt: epoch}) {
				return
			}
		}
		cg := func(i int) cabinet.CollaboratorGroupID { return cabinet.CollaboratorGroupID(fmt.Sprintf("k%05d", i)) }
		for g := range z.collabGroups {
			if !y(bulk.CollaboratorGroup{ID: cg(g), Office: "o_bench", Name: fmt.Sprintf("Desk %d", g), CreatedAt: epoch}) {
				return
			}
			for j := range 20 {
				if !y(bulk.Member{Group: cg(g), User: bu((g*20 + j) % z.users)}) {
					return
				}
			}
		}
		grp := func(i int) cabinet.ClientGroupID { return cabinet.ClientGroupID(fmt.Sprintf("g%05d", i)) }
		for g := range z.clientGroups {
			if !y(bulk.ClientGroup{ID: grp(g), Office: "o_bench", Name: fmt.Sprintf("Clients %d", g), CreatedAt: epoch}) {
				return
			}
			for k := range 3 {
				if !y(bulk.DirectAssignment{ClientGroup: grp(g), User: bu((g*7 + k*13) % z.users)}) {
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
				Manager: bu((i * 31) % z.users), CreatedAt: epoch}
			if i%10 != 0 {
				d.Status, d.ClientGroup = cabinet.DossierActivated, grp(i%z.clientGroups)
			}
			if i%5 == 0 {
				d.Assigned = []cabinet.UserID{bu((i*17 + 1) % z.users)}
			}
			if !y(d) {
				return
			}
			if i%100 == 0 {
				p := access.PersonID(fmt.Sprintf("p%07d", i))
				if !y(bulk.Person{ID: p, Dossier: id, Name: "Holder", Relation: access.RelationHolder, CreatedAt: epoch}) {
					return
				}
				if !y(bulk.Grant{ID: access.GrantID(fmt.Sprintf("gr%07d", i)), Person: p, Email: fmt.Sprintf("c%07d@home.example", i),
					Phone: "+33612345678", Level: access.LevelReadWrite, GrantedAt: epoch}) {
					return
				}
			}
		}
		for t := range z.teams {
			tid := cabinet.TeamID(fmt.Sprintf("t%04d", t))
			rec := bulk.Team{ID: tid, Name: fmt.Sprintf("Team %d", t), Lead: bu(t * 5), CreatedAt: epoch}
			for j := range 5 {
				role := team.RoleMember
				if j == 0 {
					role = team.RoleAdmin
				}
				rec.Members = append(rec.Members, bulk.TeamMember{User: bu(t*5 + j), Role: role})
			}
			if !y(rec) {
				return
			}
			for r := range 10 {
				if !y(bulk.Referral{ID: cabinet.ReferralID(fmt.Sprintf("r%04d-%d", t, r)), Team: tid, Referrer: bu(t * 5),
					ClientName: "Client", ClientEmail: fmt.Sprintf("c%07d@home.example", r), Dossier: cabinet.DossierID(fmt.Sprintf("d%07d", (t*10+r)*31%z.dossiers)), CreatedAt: epoch}) {
					return
				}
			}
		}
	}
}

func heapNow() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkImport imports a practice into an empty memstore: with the
// default change-log retention (the log keeps every batch's events and
// keys: heap-MB is store and log), and with a log that keeps one change
// (heap-MB is the store's own).
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	for _, z := range benchSizes(b) {
		for _, keep := range []int{0, 1} {
			name := z.name
			if keep == 1 {
				name += "/log-1"
			}
			b.Run(name, func(b *testing.B) { benchImport(b, ctx, z, keep) })
		}
	}
}

func benchImport(b *testing.B, ctx context.Context, z benchSize, keep int) {
	var n int
	var heap uint64
	for b.Loop() {
		b.StopTimer()
		base := heapNow()
		s := memstore.New(memstore.WithRetention(keep))
		b.StartTimer()
		im := bulk.NewImporter(s)
		if v, err := strconv.Atoi(os.Getenv("CABINET_BENCH_BATCH")); err == nil {
			im = im.WithBatchSize(v)
		}
		res, err := im.Import(ctx, "bench", z.records())
		if err != nil {
			b.Fatal(err)
		}
		n = res.Records
		b.StopTimer()
		heap = heapNow() - base
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(n), "records")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

// BenchmarkExport exports the whole practice from a memstore.
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	for _, z := range benchSizes(b) {
		b.Run(z.name, func(b *testing.B) {
			s := memstore.New()
			if _, err := bulk.NewImporter(s).Import(ctx, "bench", z.records()); err != nil {
				b.Fatal(err)
			}
			var n int
			for b.Loop() {
				n = 0
				for _, err := range bulk.Export(ctx, s, "o_bench") {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(n), "records")
		})
	}
}
