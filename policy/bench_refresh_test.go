package policy_test

// Benchmarks of the incremental refresh (issue 15): what Engine.Sync costs
// to apply one typical command's change, at the small and the large size,
// so that the two can be compared — the cost must follow what the change
// touched, not the office's size:
//
//	go test -run '^$' -bench Refresh -benchmem ./policy/
//	CABINET_BENCH_LARGE=1 go test -run '^$' -bench 'Refresh/size=large' -benchmem ./policy/
//
// The changes are written straight through the stores' writers, as the
// services write them, outside the timer; only the Sync is timed:
//
//   - placement: one dossier moved between two client groups (GRP-4);
//   - remove-collaborator: a collaborator who manages 1,000 dossiers leaves
//     the office, the 1,000 lose their manager in the same transaction
//     (GRP-11 v2);
//   - delete-group: a client group of 10,000 dossiers is deleted with its
//     placements and assignments (GRP-5).
//
//   - delete-group-100, delete-group-1000: the same deletion for a group of
//     100 and 1,000 of those dossiers, so that the time per record
//     (ns/record) can be read against what the change touched at one state
//     size;
//   - int-baseline-random: no refresh, the int-indexed baseline's random
//     question at the same size, the yardstick of random access into
//     tables of that size (its growth between the sizes is the memory
//     hierarchy's, which every lookup of a refresh pays too).
//
// Each iteration restores the state outside the timer, and the benchmark
// leaves the shared fixture as it found it.

import (
	"context"
	"fmt"
	"runtime/metrics"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

const (
	refreshUser  cabinet.UserID        = "u_refresh"
	refreshGroup cabinet.ClientGroupID = "g_refresh"
	refreshSpare cabinet.ClientGroupID = "g_refresh_spare"
	managedN                           = 1_000
	groupN                             = 10_000
)

// refreshBench is the state one refresh benchmark changes and restores.
type refreshBench struct {
	tb      testing.TB
	s       *memstore.Store
	fx      *fixture
	managed []access.Dossier // the managed dossiers as they were
	placed  map[cabinet.DossierID]cabinet.ClientGroupID
	grouped []cabinet.DossierID // the delete-group dossiers
}

func (r *refreshBench) cg(fn func(w clientgroup.Writer) error) {
	r.tb.Helper()
	if _, err := r.s.UpdateClientGroups(context.Background(), fn); err != nil {
		r.tb.Fatal(err)
	}
}

func (r *refreshBench) acc(fn func(w access.Writer) error) {
	r.tb.Helper()
	if _, err := r.s.UpdateAccess(context.Background(), fn); err != nil {
		r.tb.Fatal(err)
	}
}

func (r *refreshBench) sync() {
	r.tb.Helper()
	if _, err := r.fx.engine.Sync(context.Background()); err != nil {
		r.tb.Fatal(err)
	}
}

// setup adds the refresh user, makes it the manager of managedN dossiers and
// the direct collaborator of a client group of groupN dossiers, and syncs.
func setupRefresh(tb testing.TB, fx *fixture) *refreshBench {
	ctx := context.Background()
	r := &refreshBench{tb: tb, s: fx.store, fx: fx, placed: map[cabinet.DossierID]cabinet.ClientGroupID{}}
	if _, err := r.s.UpdateTeams(ctx, func(w team.Writer) error {
		return w.PutUser(ctx, cabinet.User{ID: refreshUser, DisplayName: "refresh", Email: "refresh@bench.example", CreatedAt: benchEpoch})
	}); err != nil {
		tb.Fatal(err)
	}
	n := min(groupN, fx.size.dossiers)
	if err := r.s.ViewAccess(ctx, func(ar access.Reader) error {
		for i := range managedN {
			d, err := ar.Dossier(ctx, dossierID(i))
			if err != nil {
				return err
			}
			r.managed = append(r.managed, d)
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if err := r.s.ViewClientGroups(ctx, func(cr clientgroup.Reader) error {
		for i := range n {
			id := dossierID(fx.size.dossiers - n + i)
			r.grouped = append(r.grouped, id)
			if p, err := cr.Placement(ctx, id); err == nil {
				r.placed[id] = p.ClientGroup
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	r.cg(func(w clientgroup.Writer) error {
		if err := w.PutCollaborator(ctx, clientgroup.Collaborator{Office: benchOffice, User: refreshUser, Profile: cabinet.ProfileStandard, AddedAt: benchEpoch}); err != nil {
			return err
		}
		for _, g := range []cabinet.ClientGroupID{refreshGroup, refreshSpare} {
			if err := w.PutClientGroup(ctx, clientgroup.ClientGroup{ID: g, Office: benchOffice, Name: string(g), CreatedAt: benchEpoch}); err != nil {
				return err
			}
		}
		return nil
	})
	r.manage(true)
	r.putGroup()
	r.sync()
	return r
}

// manage sets (or, with on false, unsets) the refresh user as the manager
// of the managed dossiers.
func (r *refreshBench) manage(on bool) {
	ctx := context.Background()
	r.acc(func(w access.Writer) error {
		for _, d := range r.managed {
			if on {
				d.Manager = refreshUser
			} else {
				d.Manager = ""
			}
			if err := w.PutDossier(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// putGroup places the grouped dossiers in refreshGroup, with the refresh
// user as its direct collaborator.
func (r *refreshBench) putGroup() { r.putGroupOf(refreshGroup, r.grouped) }

// putGroupOf places dossiers ids in client group g (creating it), with the
// refresh user as its direct collaborator.
func (r *refreshBench) putGroupOf(g cabinet.ClientGroupID, ids []cabinet.DossierID) {
	ctx := context.Background()
	r.cg(func(w clientgroup.Writer) error {
		if err := w.PutClientGroup(ctx, clientgroup.ClientGroup{ID: g, Office: benchOffice, Name: string(g), CreatedAt: benchEpoch}); err != nil {
			return err
		}
		if err := w.PutDirectAssignment(ctx, clientgroup.DirectAssignment{ClientGroup: g, Office: benchOffice, User: refreshUser}); err != nil {
			return err
		}
		for _, id := range ids {
			if err := w.PutPlacement(ctx, clientgroup.Placement{Dossier: id, Office: benchOffice, ClientGroup: g}); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteGroupOf deletes client group g as GRP-5 does: the placements of
// its dossiers ids, the refresh user's direct assignment, the group.
func (r *refreshBench) deleteGroupOf(g cabinet.ClientGroupID, ids []cabinet.DossierID) {
	ctx := context.Background()
	r.cg(func(w clientgroup.Writer) error {
		for _, id := range ids {
			if err := w.DeletePlacement(ctx, id); err != nil {
				return err
			}
		}
		if err := w.DeleteDirectAssignment(ctx, g, refreshUser); err != nil {
			return err
		}
		return w.DeleteClientGroup(ctx, g)
	})
}

// benchDeleteGroup times the Sync of deleting client group g, which holds
// dossiers ids (see deleteGroupOf), restoring it outside the timer.
// Metrics: records/op, ns/record (the time over the records written) and
// gc-% (reportGC).
func (r *refreshBench) benchDeleteGroup(b *testing.B, g cabinet.ClientGroupID, ids []cabinet.DossierID) {
	reportGC(b, func() {
		r.tb = b
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			r.deleteGroupOf(g, ids)
			b.StartTimer()
			r.sync()
			b.StopTimer()
			r.putGroupOf(g, ids)
			r.sync()
			b.StartTimer()
		}
		records := 2 + len(ids)
		b.ReportMetric(float64(records), "records/op")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(records), "ns/record")
	})
}

// restore puts back the fixture's managers, placements and memberships.
func (r *refreshBench) restore() {
	ctx := context.Background()
	r.acc(func(w access.Writer) error {
		for _, d := range r.managed {
			if err := w.PutDossier(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	r.cg(func(w clientgroup.Writer) error {
		for _, id := range r.grouped {
			var err error
			if g, ok := r.placed[id]; ok {
				err = w.PutPlacement(ctx, clientgroup.Placement{Dossier: id, Office: benchOffice, ClientGroup: g})
			} else {
				err = w.DeletePlacement(ctx, id)
			}
			if err != nil {
				return err
			}
		}
		if err := w.DeleteDirectAssignment(ctx, refreshGroup, refreshUser); err != nil {
			return err
		}
		for _, g := range []cabinet.ClientGroupID{refreshGroup, refreshSpare} {
			if err := w.DeleteClientGroup(ctx, g); err != nil {
				return err
			}
		}
		return w.DeleteCollaborator(ctx, benchOffice, refreshUser)
	})
	r.sync()
}

// gcCPU returns the process's CPU seconds spent in the garbage collector
// and in the rest of the Go code so far (runtime/metrics' estimates).
func gcCPU() (gc, user float64) {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/cpu/classes/user:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64(), s[1].Value.Float64()
}

// reportGC runs fn and reports gc-%: the share of the process's CPU the
// garbage collector took meanwhile (timed or not). Its marking costs what
// the heap holds, so at the large size (a store and an index of some GB)
// each cycle is long and a refresh runs beside it more often.
func reportGC(b *testing.B, fn func()) {
	gc0, user0 := gcCPU()
	fn()
	gc1, user1 := gcCPU()
	if total := (gc1 - gc0) + (user1 - user0); total > 0 {
		b.ReportMetric(100*(gc1-gc0)/total, "gc-%")
	}
}

// BenchmarkRefresh times Engine.Sync applying one change (see the file's
// comment). Metrics: records/op, the records the change wrote; gc-%
// (reportGC).
func BenchmarkRefresh(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			r := setupRefresh(b, fx)
			defer r.restore()
			ctx := context.Background()
			b.Run("placement", func(b *testing.B) {
				reportGC(b, func() {
					r.tb = b
					b.ReportAllocs()
					id := r.managed[0].ID // in no group of the refresh benchmark
					for i := 0; i < b.N; i++ {
						g := refreshGroup
						if i%2 == 1 {
							g = refreshSpare
						}
						b.StopTimer()
						r.cg(func(w clientgroup.Writer) error {
							return w.PutPlacement(ctx, clientgroup.Placement{Dossier: id, Office: benchOffice, ClientGroup: g})
						})
						b.StartTimer()
						r.sync()
					}
					b.StopTimer()
					r.cg(func(w clientgroup.Writer) error { return w.DeletePlacement(ctx, id) })
					if g, ok := r.placed[id]; ok {
						r.cg(func(w clientgroup.Writer) error {
							return w.PutPlacement(ctx, clientgroup.Placement{Dossier: id, Office: benchOffice, ClientGroup: g})
						})
					}
					r.sync()
					b.ReportMetric(1, "records/op")
				})
			})
			b.Run("remove-collaborator", func(b *testing.B) {
				reportGC(b, func() {
					r.tb = b
					b.ReportAllocs()
					for i := 0; i < b.N; i++ {
						b.StopTimer()
						r.cg(func(w clientgroup.Writer) error { return w.DeleteCollaborator(ctx, benchOffice, refreshUser) })
						r.manage(false)
						b.StartTimer()
						r.sync()
						b.StopTimer()
						r.cg(func(w clientgroup.Writer) error {
							return w.PutCollaborator(ctx, clientgroup.Collaborator{Office: benchOffice, User: refreshUser, Profile: cabinet.ProfileStandard, AddedAt: benchEpoch})
						})
						r.manage(true)
						r.sync()
						b.StartTimer()
					}
					b.ReportMetric(1+managedN, "records/op")
				})
			})
			b.Run("delete-group", func(b *testing.B) {
				r.benchDeleteGroup(b, refreshGroup, r.grouped)
			})
			// The same deletion for groups of 100 and 1,000 of the same
			// dossiers, in the same state: at a fixed state size, the
			// time per record against what the change touched.
			for _, n := range []int{100, 1_000} {
				if n >= len(r.grouped) {
					continue
				}
				b.Run(fmt.Sprintf("delete-group-%d", n), func(b *testing.B) {
					g, ids := cabinet.ClientGroupID(fmt.Sprintf("g_refresh_%d", n)), r.grouped[:n]
					r.tb = b
					r.putGroupOf(g, ids) // out of refreshGroup, into g
					r.sync()
					r.benchDeleteGroup(b, g, ids)
					r.deleteGroupOf(g, ids)
					r.putGroup()
					r.sync()
				})
			}
			// The memory hierarchy's share: the int-indexed baseline's
			// random question (bench_int_test.go) reads a few records at
			// random in tables of the state's size, as a refresh reads
			// each record it applies; its growth between the sizes is the
			// floor of any random access's.
			b.Run("int-baseline-random", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					q := fx.irandom[i&(randomRequests-1)]
					sink = fx.ibase.canView(q.user, q.dossier)
				}
			})
			r.tb = b
		})
	}
}
