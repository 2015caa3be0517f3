package policy_test

// The int-indexed baseline (issue 15): the internal-access question
// (GRP-3) answered by hand over dense integer indexes, every ID interned
// before the timer starts. It is the physical-limit proxy beside the
// string-keyed baseline (benchdata_test.go): what a service author gets
// from plain slices when nothing has to be looked up by name.
// BenchmarkVersusBaselines reports, in one run, the engine's cost over
// each baseline for random, repeated and batch questions:
//
//	go test -run '^$' -bench VersusBaselines -benchmem ./policy/
//	CABINET_BENCH_LARGE=1 go test -run '^$' -bench 'VersusBaselines/size=large' -benchmem ./policy/

import (
	"context"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/policy"
)

// intBaseline holds the fixture's single office in dense integer tables:
// users, dossiers, client groups and collaborator groups are numbered
// 0…n-1 in the order the world lists them.
type intBaseline struct {
	userIdx    map[cabinet.UserID]int32 // used only to intern requests, outside the timer
	dossierIdx map[cabinet.DossierID]int32
	profile    []int8 // per user: 0 not a collaborator, 1 standard, 2 admin
	dossiers   []intDossier
	direct     [][]int32 // per client group: its direct collaborators, sorted
	cgroups    [][]int32 // per client group: its collaborator groups
	members    [][]int32 // per collaborator group: its members, sorted
}

type intDossier struct {
	manager  int32
	group    int32 // -1 when in no client group
	assigned []int32
}

// intRequest is one question with its IDs interned.
type intRequest struct{ user, dossier int32 }

func newIntBaseline(w *world) *intBaseline {
	b := &intBaseline{
		userIdx:    make(map[cabinet.UserID]int32, len(w.users)),
		dossierIdx: make(map[cabinet.DossierID]int32, len(w.dossiers)),
	}
	for i, u := range w.users {
		b.userIdx[u.ID] = int32(i)
	}
	b.profile = make([]int8, len(w.users))
	for _, c := range w.collabs {
		p := int8(1)
		if c.Profile == cabinet.ProfileAdmin {
			p = 2
		}
		b.profile[b.userIdx[c.User]] = p
	}
	groupIdx := make(map[cabinet.ClientGroupID]int32, len(w.groups))
	for i, g := range w.groups {
		groupIdx[g.ID] = int32(i)
	}
	cgIdx := make(map[cabinet.CollaboratorGroupID]int32, len(w.cgroups))
	for i, g := range w.cgroups {
		cgIdx[g.ID] = int32(i)
	}
	b.dossiers = make([]intDossier, len(w.dossiers))
	for i, d := range w.dossiers {
		b.dossierIdx[d.ID] = int32(i)
		as := make([]int32, len(d.Assigned))
		for j, u := range d.Assigned {
			as[j] = b.userIdx[u]
		}
		b.dossiers[i] = intDossier{manager: b.userIdx[d.Manager], group: -1, assigned: as}
	}
	for _, p := range w.place {
		b.dossiers[b.dossierIdx[p.Dossier]].group = groupIdx[p.ClientGroup]
	}
	b.direct = make([][]int32, len(w.groups))
	for _, a := range w.direct {
		g := groupIdx[a.ClientGroup]
		b.direct[g] = append(b.direct[g], b.userIdx[a.User])
	}
	b.cgroups = make([][]int32, len(w.groups))
	for _, a := range w.gassign {
		g := groupIdx[a.ClientGroup]
		b.cgroups[g] = append(b.cgroups[g], cgIdx[a.CollaboratorGroup])
	}
	b.members = make([][]int32, len(w.cgroups))
	for _, m := range w.members {
		g := cgIdx[m.Group]
		b.members[g] = append(b.members[g], b.userIdx[m.User])
	}
	for _, s := range [][][]int32{b.direct, b.members} {
		for _, l := range s {
			slices.Sort(l)
		}
	}
	return b
}

// intern resolves r's IDs; an unknown one becomes -1 (denied).
func (b *intBaseline) intern(r request) intRequest {
	u, ok := b.userIdx[r.user]
	if !ok {
		u = -1
	}
	d, ok := b.dossierIdx[r.dossier]
	if !ok {
		d = -1
	}
	return intRequest{u, d}
}

// has reports whether sorted xs holds x.
func has(xs []int32, x int32) bool {
	i := sort.Search(len(xs), func(i int) bool { return xs[i] >= x })
	return i < len(xs) && xs[i] == x
}

// canView reports whether collaborator u reaches dossier d internally
// (GRP-3), as baseline.canView does over strings.
func (b *intBaseline) canView(u, d int32) bool {
	if u < 0 || d < 0 {
		return false
	}
	switch b.profile[u] {
	case 0:
		return false
	case 2:
		return true
	}
	dd := &b.dossiers[d]
	if dd.manager == u || slices.Contains(dd.assigned, u) {
		return true
	}
	if dd.group < 0 {
		return false
	}
	if has(b.direct[dd.group], u) {
		return true
	}
	for _, g := range b.cgroups[dd.group] {
		if has(b.members[g], u) {
			return true
		}
	}
	return false
}

// TestIntBaselineAgreesWithBaseline guards the int-indexed baseline's
// meaning: on the small state it answers every random request, the
// repeated one and a sample of (user, dossier) pairs exactly like the
// string-keyed baseline, which TestBaselineAgreesWithEngine ties to Check.
func TestIntBaselineAgreesWithBaseline(t *testing.T) {
	fx := getFixture(t, sizeSmall)
	w := fx.world
	reqs := append(slices.Clone(fx.random), fx.repeated,
		newRequest("u_missing", w.dossiers[0].ID), newRequest(w.standard[0], "d_missing"))
	r := rand.New(rand.NewPCG(9, 9))
	for range 20_000 {
		reqs = append(reqs, newRequest(w.collabs[r.IntN(len(w.collabs))].User, w.dossiers[r.IntN(len(w.dossiers))].ID))
	}
	allows := 0
	for _, q := range reqs {
		want := fx.base.canView(q.user, q.dossier)
		iq := fx.ibase.intern(q)
		if got := fx.ibase.canView(iq.user, iq.dossier); got != want {
			t.Fatalf("int baseline says %v for (%s, %s); string baseline %v", got, q.user, q.dossier, want)
		}
		if want {
			allows++
		}
	}
	if allows < 1000 || allows > len(reqs)-1000 {
		t.Errorf("weak sample: %d of %d allowed", allows, len(reqs))
	}
}

// BenchmarkIntBaseline answers BenchmarkBaseline's questions with the
// int-indexed baseline.
func BenchmarkIntBaseline(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			b.Run("random", func(b *testing.B) {
				b.ReportAllocs()
				allowed := 0
				for i := 0; b.Loop(); i++ {
					r := fx.irandom[i&(randomRequests-1)]
					if fx.ibase.canView(r.user, r.dossier) {
						allowed++
					}
				}
				b.ReportMetric(float64(allowed)/float64(b.N), "allowed/op")
			})
			b.Run("repeated", func(b *testing.B) {
				b.ReportAllocs()
				r := fx.irepeated
				for b.Loop() {
					sink = fx.ibase.canView(r.user, r.dossier)
				}
				if !sink {
					b.Fatal("repeated request denied by the int baseline")
				}
			})
		})
	}
}

// BenchmarkVersusBaselines times, interleaved in one run, the engine and
// both baselines on the same questions — random pairs, the repeated pair,
// pages of 50 questions for one collaborator (CheckBatch against the
// baselines answering the 50; "batch-prepared" the same pages through
// CheckPrepared, prepared before the timer as the int baseline's IDs are
// interned before it), and a dossier page's buttons (AllowedActions
// over every dossier action, for the random pairs the collaborator
// reaches, against the baselines answering their one question as many
// times on the same pair) — and reports the ratios the scale issue sets
// goals for: engine/string and engine/int, with the engine's ns/decision.
// Its own ns/op is one engine call of the shape timed: a Check, a
// CheckBatch of a page, or an AllowedActions.
func BenchmarkVersusBaselines(b *testing.B) {
	const rounds, perRound = 7, 1 << 16
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			ctx := context.Background()
			pages := make([][]policy.Question, 64)
			for i := range pages {
				pages[i] = pageQuestions(fx, i*pageSize)
			}
			type shape struct {
				name           string
				unit           int         // questions per engine call in b.Loop
				engine, str, i func(n int) // answer n questions
			}
			check := func(r *request) {
				if _, err := fx.engine.Check(ctx, r.subject, policy.ViewDossier, r.res); err != nil {
					b.Fatal(err)
				}
			}
			buf := make([]policy.Decision, 0, pageSize)
			// buttons: the random pairs the collaborator reaches (a dossier
			// page they opened), each asked every dossier action at once.
			var reached []request
			var ireached []intRequest
			for i, r := range fx.random {
				if fx.base.canView(r.user, r.dossier) {
					reached, ireached = append(reached, r), append(ireached, fx.irandom[i])
				}
			}
			if len(reached) == 0 {
				b.Fatal("no random request is allowed")
			}
			buttons := 0
			for _, a := range policy.Actions() {
				if a.AppliesTo(policy.ResourceDossier) {
					buttons++
				}
			}
			// The baselines answer a page's 50 questions one by one.
			batchStr := func(n int) {
				for i := range n / pageSize {
					u := fx.random[i&(randomRequests-1)].user
					for j := range pageSize {
						sink = fx.base.canView(u, fx.random[(i&63*pageSize+j)&(randomRequests-1)].dossier)
					}
				}
			}
			batchInt := func(n int) {
				for i := range n / pageSize {
					u := fx.irandom[i&(randomRequests-1)].user
					for j := range pageSize {
						sink = fx.ibase.canView(u, fx.irandom[(i&63*pageSize+j)&(randomRequests-1)].dossier)
					}
				}
			}
			prepared := make([]*policy.Prepared, len(pages))
			for i, p := range pages {
				prepared[i] = fx.engine.Prepare(p)
			}
			shapes := []shape{
				{"random", 1,
					func(n int) {
						for i := range n {
							check(&fx.random[i&(randomRequests-1)])
						}
					},
					func(n int) {
						for i := range n {
							r := &fx.random[i&(randomRequests-1)]
							sink = fx.base.canView(r.user, r.dossier)
						}
					},
					func(n int) {
						for i := range n {
							r := fx.irandom[i&(randomRequests-1)]
							sink = fx.ibase.canView(r.user, r.dossier)
						}
					}},
				{"repeated", 1,
					func(n int) {
						for range n {
							check(&fx.repeated)
						}
					},
					func(n int) {
						for range n {
							sink = fx.base.canView(fx.repeated.user, fx.repeated.dossier)
						}
					},
					func(n int) {
						for range n {
							sink = fx.ibase.canView(fx.irepeated.user, fx.irepeated.dossier)
						}
					}},
				{"batch", pageSize,
					func(n int) {
						var err error
						for i := range n / pageSize {
							s := fx.random[i&(randomRequests-1)].subject
							if buf, err = fx.engine.CheckBatch(ctx, s, pages[i&63], buf[:0]); err != nil {
								b.Fatal(err)
							}
						}
					},
					batchStr, batchInt},
				// The same pages prepared before the timer (Engine.Prepare),
				// as the int baseline's IDs are interned before it.
				{"batch-prepared", pageSize,
					func(n int) {
						var err error
						for i := range n / pageSize {
							s := fx.random[i&(randomRequests-1)].subject
							if buf, err = fx.engine.CheckPrepared(ctx, s, prepared[i&63], buf[:0]); err != nil {
								b.Fatal(err)
							}
						}
					},
					batchStr, batchInt},
				// One dossier page's buttons: AllowedActions asks every
				// dossier action (buttons of them) of one (user, dossier)
				// pair the user reaches; each baseline answers its own
				// question as many times on that same pair, so the
				// per-decision figures compare one question on a warm
				// dossier.
				{"buttons", buttons,
					func(n int) {
						for i := range n / buttons {
							r := &reached[i%len(reached)]
							if set, err := fx.engine.AllowedActions(ctx, r.subject, r.res); err != nil || !set.Has(policy.ViewDossier) {
								b.Fatal(set, err)
							}
						}
					},
					func(n int) {
						for i := range n / buttons {
							r := &reached[i%len(reached)]
							for range buttons {
								sink = fx.base.canView(r.user, r.dossier)
							}
						}
					},
					func(n int) {
						for i := range n / buttons {
							r := ireached[i%len(ireached)]
							for range buttons {
								sink = fx.ibase.canView(r.user, r.dossier)
							}
						}
					}},
			}
			for _, sh := range shapes {
				b.Run(sh.name, func(b *testing.B) {
					var te, ts, ti []float64
					timed := func(fn func(int)) float64 {
						start := time.Now()
						fn(perRound)
						return float64(time.Since(start).Nanoseconds()) / perRound
					}
					for range rounds {
						te = append(te, timed(sh.engine))
						ts = append(ts, timed(sh.str))
						ti = append(ti, timed(sh.i))
					}
					e, s, i := median(te), median(ts), median(ti)
					b.ReportAllocs()
					for b.Loop() {
						sh.engine(sh.unit)
					}
					b.ReportMetric(e, "engine-ns/decision")
					b.ReportMetric(s, "string-ns/decision")
					b.ReportMetric(i, "int-ns/decision")
					b.ReportMetric(e/s, "engine/string")
					b.ReportMetric(e/i, "engine/int")
				})
			}
		})
	}
}

func median(xs []float64) float64 {
	ys := slices.Clone(xs)
	slices.Sort(ys)
	return ys[len(ys)/2]
}

// BenchmarkAdminDossiers drains Engine.Dossiers for an admin of the whole
// office, against a plain scan of the int-indexed table asking canView of
// every dossier (the scale issue's goal: within 2×). Metrics, from one
// interleaved run: engine-ms, scan-ms and engine/scan.
func BenchmarkAdminDossiers(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			ctx := context.Background()
			admin := userID(0) // isAdminIndex(0)
			ai := fx.ibase.userIdx[admin]
			engine := func() int {
				n := 0
				for _, err := range fx.engine.Dossiers(ctx, policy.User(admin), policy.DossierQuery{}) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				return n
			}
			scan := func() int {
				n := 0
				for d := range fx.ibase.dossiers {
					if fx.ibase.canView(ai, int32(d)) {
						n++
					}
				}
				return n
			}
			if e, s := engine(), scan(); e != s || e != sz.dossiers {
				b.Fatalf("engine lists %d dossiers, the scan %d, the office has %d", e, s, sz.dossiers)
			}
			var te, ts []float64
			for range 5 {
				start := time.Now()
				engine()
				te = append(te, float64(time.Since(start).Nanoseconds()))
				start = time.Now()
				scan()
				ts = append(ts, float64(time.Since(start).Nanoseconds()))
			}
			b.ReportAllocs()
			for b.Loop() {
				engine()
			}
			e, s := median(te), median(ts)
			b.ReportMetric(e/1e6, "engine-ms")
			b.ReportMetric(s/1e6, "scan-ms")
			b.ReportMetric(e/s, "engine/scan")
		})
	}
}
