package internalaccess_test

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/casbin/casbin/v2"
	casbinmodel "github.com/casbin/casbin/v2/model"

	"github.com/cabinet-go/cabinet/benchmarks/peers/internalaccess"
)

// TestPeersAgreeWithCabinet_GRP3: cedar-go and casbin answer cabinet's
// internal-access question (GRP-3) exactly as cabinet does on
// AgreementRequests random requests over the small state.
func TestPeersAgreeWithCabinet_GRP3(t *testing.T) {
	ctx := context.Background()
	w := internalaccess.Generate(internalaccess.Small)
	reqs := w.Requests(internalaccess.AgreementRequests, 21)
	loaders := internalaccess.Loaders()
	cab, err := loaders[0].Load(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	want, err := internalaccess.Answer(cab, reqs)
	if err != nil {
		t.Fatal(err)
	}
	allowed := 0
	for _, ok := range want.Allowed {
		if ok {
			allowed++
		}
	}
	// A question whose answer is always the same would agree trivially.
	if allowed == 0 || allowed == len(reqs) {
		t.Fatalf("cabinet allowed %d of %d requests: the state does not exercise the question", allowed, len(reqs))
	}
	for _, l := range loaders[1:] {
		t.Run(l.Name, func(t *testing.T) {
			e, err := l.Load(ctx, w)
			if err != nil {
				t.Fatal(err)
			}
			ds, err := internalaccess.Agree(w, e, want)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) > 0 {
				t.Fatal(internalaccess.DisagreementError(w, ds))
			}
		})
	}
}

// TestCasbinMemoisesAcrossEnforce documents what the README says about
// casbin v2.135.0: the g() function of the matcher memoises every answer,
// and the compiled matcher (with that g) is cached across Enforce calls, so
// a link added to the role manager behind the enforcer's back is not seen
// by Enforce until something invalidates the matcher cache (here
// BuildRoleLinks). Random checks must therefore be measured on requests not
// asked before, and a repeated request measures the memo, not the walk.
func TestCasbinMemoisesAcrossEnforce(t *testing.T) {
	m, err := casbinmodel.NewModelFromString(`
[request_definition]
r = obj, sub
[policy_definition]
p = obj, sub
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.obj, r.sub)
`)
	if err != nil {
		t.Fatal(err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Enforce("d1", "u1"); err != nil || ok {
		t.Fatalf("Enforce before any link = %v, %v; want false", ok, err)
	}
	if err := e.GetRoleManager().AddLink("d1", "u1"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := e.GetRoleManager().HasLink("d1", "u1"); !ok {
		t.Fatal("HasLink after AddLink = false")
	}
	if ok, _ := e.Enforce("d1", "u1"); ok {
		t.Fatal("Enforce saw the new link at once: casbin no longer memoises across calls; update the README")
	}
	if ok, _ := e.Enforce("d1", "u2"); ok {
		t.Fatal("Enforce(d1, u2) = true")
	}
	// Through the enforcer's own API the compiled matcher is dropped, and
	// with it the memo: the answer asked before is now computed afresh.
	if _, err := e.AddGroupingPolicy("d1", "u2"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := e.Enforce("d1", "u2"); !ok {
		t.Fatal("Enforce(d1, u2) after AddGroupingPolicy = false")
	}
}

// loaded caches one engine per size and name for the benchmarks.
var loaded sync.Map // "size/engine" -> *loadedEngine

type loadedEngine struct {
	once sync.Once
	w    *internalaccess.World
	e    internalaccess.Engine
	err  error
}

var worlds sync.Map // size name -> *internalaccess.World

func world(sz internalaccess.Size) *internalaccess.World {
	if w, ok := worlds.Load(sz.Name); ok {
		return w.(*internalaccess.World)
	}
	w := internalaccess.Generate(sz)
	worlds.Store(sz.Name, w)
	return w
}

func engine(b *testing.B, sz internalaccess.Size, l internalaccess.Loader) (*internalaccess.World, internalaccess.Engine) {
	v, _ := loaded.LoadOrStore(sz.Name+"/"+l.Name, &loadedEngine{})
	le := v.(*loadedEngine)
	le.once.Do(func() {
		le.w = world(sz)
		le.e, le.err = l.Load(context.Background(), le.w)
	})
	if le.err != nil {
		b.Fatal(le.err)
	}
	return le.w, le.e
}

func sizes() []internalaccess.Size {
	if os.Getenv("CABINET_BENCH_LARGE") == "1" {
		return []internalaccess.Size{internalaccess.Small, internalaccess.Large}
	}
	return []internalaccess.Size{internalaccess.Small}
}

// BenchmarkCheck measures one check of the internal-access question per
// engine and size: random (a fresh random request each time, so casbin's
// memo misses, as for a real stream of requests) and repeated (one request
// again and again). The large size runs with CABINET_BENCH_LARGE=1.
func BenchmarkCheck(b *testing.B) {
	for _, sz := range sizes() {
		for _, l := range internalaccess.Loaders() {
			b.Run(sz.Name+"/"+l.Name+"/random", func(b *testing.B) {
				w, e := engine(b, sz, l)
				r := rand.New(rand.NewPCG(uint64(b.N), 7))
				nu, nd := len(w.Users), len(w.Dossiers)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := e.Check(r.IntN(nu), r.IntN(nd)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(sz.Name+"/"+l.Name+"/repeated", func(b *testing.B) {
				_, e := engine(b, sz, l)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := e.Check(0, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkLoad measures building each engine from the generated state
// (cabinet: filling the memory store, then policy.New).
func BenchmarkLoad(b *testing.B) {
	for _, sz := range sizes() {
		for _, l := range internalaccess.Loaders() {
			b.Run(sz.Name+"/"+l.Name, func(b *testing.B) {
				w := world(sz)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := l.Load(context.Background(), w); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
