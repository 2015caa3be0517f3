package policy_test

// Benchmarks of the batch entry points (issue 16) beside BenchmarkCheck,
// on the same fixtures: a page of 50 dossiers for one collaborator
// (CheckBatch, against 50 calls of Check), and the buttons of one dossier
// page (AllowedActions, against one Check per dossier action). Both report
// ns/decision, to compare with BenchmarkCheck's ns/op:
//
//	go test -run '^$' -bench 'Batch|AllowedActions|CheckLogged' -benchmem ./policy/

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/cabinet-go/cabinet/policy"
)

const pageSize = 50

// pageQuestions is a page of pageSize ViewDossier questions on the
// fixture's random dossiers, starting at request i.
func pageQuestions(fx *fixture, i int) []policy.Question {
	qs := make([]policy.Question, pageSize)
	for j := range qs {
		qs[j] = policy.Question{Action: policy.ViewDossier, Resource: fx.random[(i+j)&(randomRequests-1)].res}
	}
	return qs
}

// BenchmarkCheckBatch answers a page of 50 view questions for one standard
// collaborator: "batch" with one CheckBatch into a reused buffer,
// "check-loop" with 50 calls of Check. Metric: ns/decision.
func BenchmarkCheckBatch(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			ctx := context.Background()
			pages := make([][]policy.Question, 64)
			for i := range pages {
				pages[i] = pageQuestions(fx, i*pageSize)
			}
			b.Run("batch", func(b *testing.B) {
				b.ReportAllocs()
				buf := make([]policy.Decision, 0, pageSize)
				var err error
				for i := 0; b.Loop(); i++ {
					s := fx.random[i&(randomRequests-1)].subject
					if buf, err = fx.engine.CheckBatch(ctx, s, pages[i&63], buf[:0]); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/pageSize, "ns/decision")
			})
			b.Run("check-loop", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					s := fx.random[i&(randomRequests-1)].subject
					for _, q := range pages[i&63] {
						if _, err := fx.engine.Check(ctx, s, q.Action, q.Resource); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/pageSize, "ns/decision")
			})
		})
	}
}

// BenchmarkAllowedActions computes the buttons of a dossier page for a
// standard collaborator who reaches it through a collaborator group
// (AllowedActions over the 22 dossier actions), against one Check per
// dossier action. Metric: ns/decision.
func BenchmarkAllowedActions(b *testing.B) {
	var dossierActions []policy.Action
	for _, a := range policy.Actions() {
		if a.AppliesTo(policy.ResourceDossier) {
			dossierActions = append(dossierActions, a)
		}
	}
	n := float64(len(dossierActions))
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			ctx := context.Background()
			r := fx.repeated
			b.Run("set", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					set, err := fx.engine.AllowedActions(ctx, r.subject, r.res)
					if err != nil || !set.Has(policy.ViewDossier) {
						b.Fatal(set, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/decision")
			})
			b.Run("check-loop", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					for _, a := range dossierActions {
						if _, err := fx.engine.Check(ctx, r.subject, a, r.res); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/decision")
			})
		})
	}
}

// BenchmarkCheckLogged asks BenchmarkCheck's repeated question without a
// decision log ("none": the hot path pays one atomic load), with a log that
// counts ("hook"), and with one that writes JSON lines to io.Discard
// ("json"), to show what the log costs when set and that it costs nothing
// when not.
func BenchmarkCheckLogged(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			skipLarge(b, sz)
			fx := getFixture(b, sz)
			ctx := context.Background()
			r := fx.repeated
			n, hooked := 0, false
			enc := json.NewEncoder(io.Discard)
			for _, tc := range []struct {
				name string
				log  policy.DecisionLog
			}{
				{"none", nil},
				{"hook", func(context.Context, policy.DecisionRecord) { n++ }},
				{"json", func(_ context.Context, rec policy.DecisionRecord) {
					if err := enc.Encode(rec); err != nil {
						panic(err)
					}
				}},
			} {
				b.Run(tc.name, func(b *testing.B) {
					hooked = hooked || tc.name == "hook"
					fx.engine.SetDecisionLog(tc.log)
					defer fx.engine.SetDecisionLog(nil)
					b.ReportAllocs()
					for b.Loop() {
						d, err := fx.engine.Check(ctx, r.subject, policy.ViewDossier, r.res)
						if err != nil || !d.Allowed {
							b.Fatal(d, err)
						}
					}
				})
			}
			if hooked && n == 0 { // not when -bench filtered "hook" out
				b.Fatal("the hook was never called")
			}
		})
	}
}
