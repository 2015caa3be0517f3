package policy_test

// Tests of the batch entry points (issue 16): Engine.CheckBatch and
// Engine.AllowedActions answer exactly as Check (POL-1, POL-2, POL-4,
// POL-5) on random states, resolving the subject once.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/policy"
)

// TestBatchAndLogAgreeWithCheck: on 1,000 random states (100 with -short),
// for every subject (users, sessions, unknown subjects), CheckBatch over
// every question of the state returns, question by question, the very
// Decision Check returns (allowed, routes, rule, reason, user, actor,
// contact, revision); AllowedActions on every dossier resource asked, and
// on every third other resource, is exactly the set of actions of its kind
// that Check allows there. With a decision log set on the engine (POL-5),
// every Check and every batched question is logged once, in order, with
// the question as asked and the very Decision returned — under
// impersonation its Actor the session's collaborator. Without the log,
// AllowedActions gives the same sets.
func TestBatchAndLogAgreeWithCheck(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var decisions, allowed, sets, nonEmpty, impersonated int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		log := &recorder{}
		c.eng.SetDecisionLog(log.log)
		defer c.eng.SetDecisionLog(nil)
		qs := c.questions()
		batch := make([]policy.Question, len(qs))
		var resources []policy.Resource
		seen := map[policy.Resource]bool{}
		for i, q := range qs {
			batch[i] = policy.Question{Action: q.a, Resource: q.r}
			if !seen[q.r] {
				seen[q.r] = true
				if q.r.Kind == policy.ResourceDossier || len(seen)%3 == 0 {
					resources = append(resources, q.r)
				}
			}
		}
		nd, na, ns, nn, ni := 0, 0, 0, 0, 0
		var buf []policy.Decision
		for _, s := range c.subjects() {
			buf, err = c.eng.CheckBatch(ctx, s, batch, buf[:0])
			if err != nil {
				return c.fail("CheckBatch(%s): %v", s, err)
			}
			if len(buf) != len(batch) {
				return c.fail("CheckBatch(%s): %d decisions for %d questions", s, len(buf), len(batch))
			}
			recs := log.take()
			if len(recs) != len(buf) {
				return c.fail("CheckBatch(%s): %d records for %d decisions", s, len(recs), len(buf))
			}
			for i := range buf {
				if want := (policy.DecisionRecord{Subject: s, Action: batch[i].Action, Resource: batch[i].Resource, Decision: buf[i]}); recs[i] != want {
					return c.fail("CheckBatch(%s)[%d] logged %+v, want %+v", s, i, recs[i], want)
				}
			}
			for i, q := range qs {
				want, err := c.eng.Check(ctx, s, q.a, q.r)
				if err != nil {
					return c.fail("Check(%s, %s): %v", s, q, err)
				}
				if buf[i] != want {
					return c.fail("CheckBatch(%s)[%d] %s = %+v, Check = %+v", s, i, q, buf[i], want)
				}
				recs := log.take()
				if len(recs) != 1 || recs[0] != (policy.DecisionRecord{Subject: s, Action: q.a, Resource: q.r, Decision: want}) {
					return c.fail("Check(%s, %s) = %+v logged %+v", s, q, want, recs)
				}
				if s.Session != "" && want.Actor != "" {
					if ses, ok := c.snap.sessions[s.Session]; !ok || want.Actor != ses.Actor {
						return c.fail("POL-5: %s decided with actor %q", s, want.Actor)
					}
					ni++
				}
				nd++
				if want.Allowed {
					na++
				}
			}
			for _, r := range resources {
				got, err := c.eng.AllowedActions(ctx, s, r)
				if err != nil {
					return c.fail("AllowedActions(%s, %s): %v", s, r, err)
				}
				log.take()
				var want []policy.Action
				for _, a := range policy.Actions() {
					if !a.AppliesTo(r.Kind) {
						continue
					}
					d, err := c.eng.Check(ctx, s, a, r)
					if err != nil {
						return c.fail("Check(%s, %s, %s): %v", s, a, r, err)
					}
					if d.Allowed {
						want = append(want, a)
					}
				}
				log.take()
				if gotList := slices.Collect(got.All()); !slices.Equal(gotList, want) || got.Len() != len(want) {
					return c.fail("AllowedActions(%s, %s) = %s, Check allows %v", s, r, got, want)
				}
				// Without a decision log, a dossier page's buttons take
				// their own path (no Decision per action): the same set.
				c.eng.SetDecisionLog(nil)
				bare, err := c.eng.AllowedActions(ctx, s, r)
				c.eng.SetDecisionLog(log.log)
				if err != nil || bare != got {
					return c.fail("AllowedActions(%s, %s) without a decision log = %s (%v), Check allows %v", s, r, bare, err, want)
				}
				ns++
				if got.Len() > 0 {
					nn++
				}
			}
		}
		mu.add(func() { decisions += nd; allowed += na; sets += ns; nonEmpty += nn; impersonated += ni })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d batched and logged decisions (%d allowed, %d under impersonation); %d action sets (%d not empty)",
		decisions, allowed, impersonated, sets, nonEmpty)
	if allowed == 0 || allowed == decisions || nonEmpty == 0 || nonEmpty == sets || impersonated == 0 {
		t.Errorf("vacuous: %d of %d decisions allowed, %d under impersonation, %d of %d sets not empty",
			allowed, decisions, impersonated, nonEmpty, sets)
	}
}

// TestBatchEdges: an empty batch appends nothing; a reused buffer keeps
// its prefix; a done context is an error that leaves dst unchanged; an
// invalid resource kind has no allowed action (POL-4).
func TestBatchEdges(t *testing.T) {
	ctx, k, admin, _, _, d := exampleOffice()
	prefix := []policy.Decision{{Rule: "kept"}}
	got, err := k.Policy.CheckBatch(ctx, policy.User(admin), nil, prefix)
	if err != nil || len(got) != 1 || got[0].Rule != "kept" {
		t.Fatalf("empty batch: %v, %v", got, err)
	}
	qs := []policy.Question{{policy.ViewDossier, policy.DossierResource(d)}, {policy.UseReports, policy.DossierResource("dos_unknown")}}
	got, err = k.Policy.CheckBatch(ctx, policy.User(admin), qs, prefix)
	if err != nil || len(got) != 3 || got[0].Rule != "kept" || !got[1].Allowed || got[2].Allowed || got[2].Rule != "POL-4" {
		t.Fatalf("batch after a prefix: %+v, %v", got, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	got, err = k.Policy.CheckBatch(done, policy.User(admin), qs, prefix)
	if !errors.Is(err, context.Canceled) || len(got) != 1 {
		t.Fatalf("done context: %v, %v", got, err)
	}
	if _, err := k.Policy.AllowedActions(done, policy.User(admin), policy.DossierResource(d)); !errors.Is(err, context.Canceled) {
		t.Fatalf("AllowedActions on a done context: %v", err)
	}
	set, err := k.Policy.AllowedActions(ctx, policy.User(admin), policy.Resource{Kind: 99, ID: string(d)})
	if err != nil || set.Len() != 0 || set.String() != "none" {
		t.Fatalf("POL-4: invalid kind: %s, %v", set, err)
	}
	if set.Has(policy.ActionInvalid) || set.Has(policy.Action(200)) {
		t.Fatal("Has of an invalid action")
	}
}

// TestAllowedActionsButtons: the buttons of one dossier page, per kind of
// subject (GRP-3 admin and group collaborator, ACC-10 advisor, POL-4
// unknown).
func TestAllowedActionsButtons(t *testing.T) {
	ctx, k, admin, sam, abe, d := exampleOffice()
	for _, tc := range []struct {
		name string
		who  cabinet.UserID
		has  []policy.Action
		not  []policy.Action
	}{
		{"GRP-3 admin", admin, []policy.Action{policy.ViewDossier, policy.UseReports, policy.SetManager, policy.AssignClientGroup},
			[]policy.Action{policy.SetStatus}}, // POL-4: set_status needs Resource.Status
		{"GRP-3 group collaborator", sam, []policy.Action{policy.ViewDossier, policy.UseReports}, []policy.Action{policy.SetStatus, policy.ManageExternalAdvisors}},
		{"ACC-10 advisor", abe, []policy.Action{policy.ViewDossier}, []policy.Action{policy.UseReports, policy.UseSimulations, policy.SetStatus}},
		{"POL-4 unknown", "nobody", nil, []policy.Action{policy.ViewDossier}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := k.Policy.AllowedActions(ctx, policy.User(tc.who), policy.DossierResource(d))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tc.has {
				if !set.Has(a) {
					t.Errorf("%s lacks %s", set, a)
				}
			}
			for _, a := range tc.not {
				if set.Has(a) {
					t.Errorf("%s has %s", set, a)
				}
			}
		})
	}
}

// CheckBatch answers the questions of one page at one revision.
func ExampleEngine_CheckBatch() {
	ctx, k, _, sam, _, d := exampleOffice()
	qs := []policy.Question{
		{Action: policy.ViewDossier, Resource: policy.DossierResource(d)},
		{Action: policy.UseReports, Resource: policy.DossierResource(d)},
		{Action: policy.SetStatus, Resource: policy.DossierResource(d).WithStatus(cabinet.DossierArchived)},
	}
	decisions, err := k.Policy.CheckBatch(ctx, policy.User(sam), qs, nil)
	if err != nil {
		panic(err)
	}
	for i, dec := range decisions {
		fmt.Printf("%s: %s\n", qs[i].Action, dec)
	}
	// Output:
	// view_dossier: allow via group_direct (GRP-3)
	// use_reports: allow via group_direct (GRP-3)
	// set_status: deny: only an office admin or the dossier's manager organises the dossier (ACC-1)
}

// AllowedActions gives the buttons of a dossier page: a collaborator of
// its client group (GRP-3) and an external advisor (ACC-10).
func ExampleEngine_AllowedActions() {
	ctx, k, _, sam, abe, d := exampleOffice()
	for _, who := range []cabinet.UserID{sam, abe} {
		buttons, err := k.Policy.AllowedActions(ctx, policy.User(who), policy.DossierResource(d))
		if err != nil {
			panic(err)
		}
		fmt.Println(who, buttons.Has(policy.UseReports), buttons)
	}
	// Output:
	// user_3 true view_dossier|use_simulations|use_reports|edit_family_tree|view_access_rights|read_contact_address|view_routes|refer
	// user_5 false view_dossier|read_contact_address|view_routes
}

// Issue 15: a dossier page's buttons allocate nothing — the subject
// resolved once, the dossier looked up once, and no denial building an
// error value or a sentence (TEAM-9, ACC-1, ACC-9, GRP-5 deny with shared
// errors; the Reason is joined only for a Decision someone reads).
func TestAllowedActionsAllocations(t *testing.T) {
	ctx, k, admin, sam, abe, d := exampleOffice()
	for _, tc := range []struct {
		name string
		who  cabinet.UserID
	}{
		{"GRP-3 admin", admin},
		{"GRP-3 group collaborator", sam},
		{"ACC-10 advisor", abe},
		{"POL-4 unknown", "nobody"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := testing.AllocsPerRun(200, func() {
				_, _ = k.Policy.AllowedActions(ctx, policy.User(tc.who), policy.DossierResource(d))
			})
			if n != 0 {
				t.Errorf("%v allocations per AllowedActions, want 0", n)
			}
		})
	}
}
