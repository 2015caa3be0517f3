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

	"github.com/cabinet-go/cabinet/policy"
)

// recorder is a DecisionLog that keeps every record. The property that
// every decision is logged as returned, impersonation included, is
// TestBatchAndLogAgreeWithCheck (batch_test.go).
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
