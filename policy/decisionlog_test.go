package policy_test

// Tests of the decision log (issue 16): Engine.SetDecisionLog receives
// every decision of Check, CheckBatch and AllowedActions — the subject, the
// collaborator behind an impersonation (POL-5), the action, the resource,
// the answer, its rule and revision — and nothing when unset.

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet/policy"
)

// recorder is a DecisionLog that keeps every record.
type recorder struct {
	mu   sync.Mutex
	recs []policy.DecisionRecord
}

func (r *recorder) log(_ context.Context, rec policy.DecisionRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
}

func (r *recorder) take() []policy.DecisionRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.recs
	r.recs = nil
	return out
}

// TestDecisionLogRecordsEveryCheck (POL-5): on random states (the
// differential properties' count), every Check by every subject —
// impersonation sessions included — is logged once, with the question as
// asked and the very Decision returned (its Actor the session's
// collaborator); a batch logs each of its decisions in order.
func TestDecisionLogRecordsEveryCheck(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var logged, impersonated int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		rec := &recorder{}
		c.eng.SetDecisionLog(rec.log)
		defer c.eng.SetDecisionLog(nil)
		n, imp := 0, 0
		qs := c.questions()
		for _, s := range c.subjects() {
			batch := make([]policy.Question, 0, len(qs))
			for _, q := range qs {
				got, err := c.eng.Check(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("Check(%s, %s): %v", s, q, err)
				}
				recs := rec.take()
				if len(recs) != 1 {
					return c.fail("Check(%s, %s): %d records", s, q, len(recs))
				}
				want := policy.DecisionRecord{Subject: s, Action: q.a, Resource: q.r, Decision: got}
				if recs[0] != want {
					return c.fail("Check(%s, %s) logged %+v, want %+v", s, q, recs[0], want)
				}
				if s.Session != "" && got.Actor != "" {
					if ses, ok := c.snap.sessions[s.Session]; !ok || got.Actor != ses.Actor {
						return c.fail("POL-5: %s logged actor %q", s, got.Actor)
					}
					imp++
				}
				n++
				batch = append(batch, policy.Question{Action: q.a, Resource: q.r})
			}
			ds, err := c.eng.CheckBatch(ctx, s, batch, nil)
			if err != nil {
				return c.fail("CheckBatch(%s): %v", s, err)
			}
			recs := rec.take()
			if len(recs) != len(ds) {
				return c.fail("CheckBatch(%s): %d records for %d decisions", s, len(recs), len(ds))
			}
			for i := range ds {
				if want := (policy.DecisionRecord{Subject: s, Action: batch[i].Action, Resource: batch[i].Resource, Decision: ds[i]}); recs[i] != want {
					return c.fail("CheckBatch(%s)[%d] logged %+v, want %+v", s, i, recs[i], want)
				}
			}
		}
		mu.add(func() { logged += n; impersonated += imp })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d decisions logged, %d under impersonation", logged, impersonated)
	if impersonated == 0 {
		t.Error("vacuous: no decision under a usable impersonation session")
	}
}

// TestDecisionLogEdges: AllowedActions logs one record per action asked;
// an unanswered question (done context) logs nothing; SetDecisionLog(nil)
// stops the log.
func TestDecisionLogEdges(t *testing.T) {
	ctx, k, admin, _, _, d := exampleOffice()
	rec := &recorder{}
	k.Policy.SetDecisionLog(rec.log)
	set, err := k.Policy.AllowedActions(ctx, policy.User(admin), policy.DossierResource(d))
	if err != nil {
		t.Fatal(err)
	}
	recs := rec.take()
	allowed := 0
	for i, r := range recs {
		if !r.Action.AppliesTo(policy.ResourceDossier) || r.Resource != policy.DossierResource(d) || (i > 0 && r.Action <= recs[i-1].Action) {
			t.Fatalf("AllowedActions logged %+v", r)
		}
		if r.Decision.Allowed != set.Has(r.Action) {
			t.Fatalf("logged %+v, set %s", r, set)
		}
		if r.Decision.Allowed {
			allowed++
		}
	}
	if allowed != set.Len() || len(recs) < set.Len() {
		t.Fatalf("%d records, %d allowed, set %s", len(recs), allowed, set)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := k.Policy.Check(done, policy.User(admin), policy.ViewDossier, policy.DossierResource(d)); err == nil {
		t.Fatal("Check on a done context answered")
	}
	if recs := rec.take(); len(recs) != 0 {
		t.Fatalf("an unanswered question was logged: %+v", recs)
	}
	k.Policy.SetDecisionLog(nil)
	if _, err := k.Policy.Check(ctx, policy.User(admin), policy.ViewDossier, policy.DossierResource(d)); err != nil {
		t.Fatal(err)
	}
	if recs := rec.take(); len(recs) != 0 {
		t.Fatalf("logged after SetDecisionLog(nil): %+v", recs)
	}
}

// A decision log writing JSON lines: who opened which client vault, by
// which route and rule, at which revision.
func ExampleEngine_SetDecisionLog() {
	ctx, k, _, sam, abe, d := exampleOffice()
	enc := json.NewEncoder(os.Stdout)
	k.Policy.SetDecisionLog(func(_ context.Context, r policy.DecisionRecord) {
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	})
	defer k.Policy.SetDecisionLog(nil)
	for _, who := range []policy.Subject{policy.User(sam), policy.User(abe)} {
		if _, err := k.Policy.Check(ctx, who, policy.UseReports, policy.DossierResource(d)); err != nil {
			panic(err)
		}
	}
	// Output:
	// {"user":"user_3","rights_of":"user_3","actor":"user_3","action":"use_reports","resource":"dossier dos_9","allowed":true,"routes":"group_direct","rule":"GRP-3","revision":12}
	// {"user":"user_5","rights_of":"user_5","actor":"user_5","action":"use_reports","resource":"dossier dos_9","allowed":false,"rule":"ACC-10","revision":12}
}
