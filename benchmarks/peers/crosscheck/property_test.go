package crosscheck_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cedar-policy/cedar-go"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/benchmarks/peers/crosscheck"
	"github.com/cabinet-go/cabinet/policy"
)

// nobody is a user ID no state holds: every question about it is denied
// (POL-4).
const nobody cabinet.UserID = "u_nobody"

var (
	policiesOnce sync.Once
	policySet    *cedar.PolicySet
	policiesErr  error
)

func policies(t testing.TB) *cedar.PolicySet {
	policiesOnce.Do(func() { policySet, policiesErr = crosscheck.Policies() })
	if policiesErr != nil {
		t.Fatal(policiesErr)
	}
	return policySet
}

// disagreement is one question on which cabinet and cedar-go differ.
type disagreement struct {
	q     crosscheck.Question
	cab   policy.Decision
	cedar crosscheck.Answer
}

// kind groups disagreements: the action (edit_section with its class of
// section: the three inventories, documents or notes), and each side's
// answer with the rule (cabinet) or policies (cedar-go) behind it.
func (d disagreement) kind() string {
	a := d.q.Action.String()
	if d.q.Action == policy.EditSection {
		class := "inventory"
		switch d.q.Section {
		case access.SectionDocuments:
			class = "documents"
		case access.SectionNotes:
			class = "notes"
		case access.SectionInvalid:
			class = "no section"
		}
		a += "(" + class + ")"
	}
	cab := "deny " + d.cab.Rule
	if d.cab.Allowed {
		cab = "allow " + d.cab.Rule
	}
	ced := "deny"
	if d.cedar.Allowed {
		ced = "allow"
	}
	if len(d.cedar.Policies) > 0 {
		ced += " " + strings.Join(d.cedar.Policies, ",")
	}
	return fmt.Sprintf("%s: cabinet %s, cedar %s", a, cab, ced)
}

// evaluation is a state loaded into both engines.
type evaluation struct {
	engine   *policy.Engine
	entities cedar.EntityMap
}

func load(ctx context.Context, s *state) (*evaluation, error) {
	m, err := s.store(ctx)
	if err != nil {
		return nil, fmt.Errorf("writing the state: %w", err)
	}
	e, err := policy.New(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("policy.New: %w", err)
	}
	em, err := crosscheck.Translate(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("translating: %w", err)
	}
	return &evaluation{engine: e, entities: em}, nil
}

// ask asks both engines q; a cedar-go evaluation error is an error (the
// encoding must not produce any).
func (ev *evaluation) ask(ctx context.Context, ps *cedar.PolicySet, q crosscheck.Question) (disagreement, error) {
	dec, err := crosscheck.Check(ctx, ev.engine, q)
	if err != nil {
		return disagreement{}, fmt.Errorf("%s: cabinet: %w", q, err)
	}
	ans := crosscheck.Authorize(ps, ev.entities, q)
	if len(ans.Errors) > 0 {
		return disagreement{}, fmt.Errorf("%s: cedar-go: %s", q, strings.Join(ans.Errors, "; "))
	}
	return disagreement{q: q, cab: dec, cedar: ans}, nil
}

func questions(s *state) []crosscheck.Question {
	users := []cabinet.UserID{nobody}
	for _, u := range s.Users {
		users = append(users, u.ID)
	}
	var dossiers []cabinet.DossierID
	for _, d := range s.Dossiers {
		dossiers = append(dossiers, d.ID)
	}
	return crosscheck.Questions(users, dossiers)
}

// disagreements asks every question of s to both engines and returns the
// ones they answer differently, and the number of questions asked.
func disagreements(ctx context.Context, ps *cedar.PolicySet, s *state) ([]disagreement, int, error) {
	ev, err := load(ctx, s)
	if err != nil {
		return nil, 0, err
	}
	qs := questions(s)
	var out []disagreement
	for _, q := range qs {
		d, err := ev.ask(ctx, ps, q)
		if err != nil {
			return nil, 0, err
		}
		if d.cab.Allowed != d.cedar.Allowed {
			out = append(out, d)
		}
	}
	return out, len(qs), nil
}

// stillDisagrees reports whether, in s, q is still a disagreement of kind k.
func stillDisagrees(ctx context.Context, ps *cedar.PolicySet, s *state, q crosscheck.Question, k string) bool {
	ev, err := load(ctx, s)
	if err != nil {
		return false
	}
	d, err := ev.ask(ctx, ps, q)
	return err == nil && d.cab.Allowed != d.cedar.Allowed && d.kind() == k
}

// edits lists every one-step reduction of s that keeps q's user and
// dossier: removing one record, one team member, one assigned
// collaborator, or unsetting a manager.
func edits(s *state, q crosscheck.Question) []func(*state) {
	var out []func(*state)
	del := func(n int, fn func(t *state, i int)) {
		for i := n - 1; i >= 0; i-- {
			out = append(out, func(t *state) { fn(t, i) })
		}
	}
	del(len(s.Referrals), func(t *state, i int) { t.Referrals = slices.Delete(t.Referrals, i, i+1) })
	for ti, tm := range s.Teams {
		del(len(tm.Members), func(t *state, i int) { t.Teams[ti].Members = slices.Delete(t.Teams[ti].Members, i, i+1) })
	}
	del(len(s.Teams), func(t *state, i int) { t.Teams = slices.Delete(t.Teams, i, i+1) })
	del(len(s.Grants), func(t *state, i int) { t.Grants = slices.Delete(t.Grants, i, i+1) })
	del(len(s.Advisors), func(t *state, i int) { t.Advisors = slices.Delete(t.Advisors, i, i+1) })
	del(len(s.Persons), func(t *state, i int) { t.Persons = slices.Delete(t.Persons, i, i+1) })
	del(len(s.Place), func(t *state, i int) { t.Place = slices.Delete(t.Place, i, i+1) })
	del(len(s.GAssign), func(t *state, i int) { t.GAssign = slices.Delete(t.GAssign, i, i+1) })
	del(len(s.Direct), func(t *state, i int) { t.Direct = slices.Delete(t.Direct, i, i+1) })
	del(len(s.Members), func(t *state, i int) { t.Members = slices.Delete(t.Members, i, i+1) })
	del(len(s.Groups), func(t *state, i int) { t.Groups = slices.Delete(t.Groups, i, i+1) })
	del(len(s.CGroups), func(t *state, i int) { t.CGroups = slices.Delete(t.CGroups, i, i+1) })
	del(len(s.Collabs), func(t *state, i int) { t.Collabs = slices.Delete(t.Collabs, i, i+1) })
	for di, d := range s.Dossiers {
		del(len(d.Assigned), func(t *state, i int) { t.Dossiers[di].Assigned = slices.Delete(t.Dossiers[di].Assigned, i, i+1) })
		if d.Manager != "" {
			out = append(out, func(t *state) { t.Dossiers[di].Manager = "" })
		}
	}
	for i := len(s.Dossiers) - 1; i >= 0; i-- {
		if s.Dossiers[i].ID != q.Dossier {
			out = append(out, func(t *state) { t.Dossiers = slices.Delete(t.Dossiers, i, i+1) })
		}
	}
	for i := len(s.Users) - 1; i >= 0; i-- {
		if s.Users[i].ID != q.User {
			out = append(out, func(t *state) { t.Users = slices.Delete(t.Users, i, i+1) })
		}
	}
	del(len(s.Offices), func(t *state, i int) { t.Offices = slices.Delete(t.Offices, i, i+1) })
	return out
}

// shrink removes from s, one step at a time, everything that is not needed
// for q to stay a disagreement of the same kind.
func shrink(ctx context.Context, ps *cedar.PolicySet, s *state, d disagreement) *state {
	k := d.kind()
	for pass := 0; pass < 50; pass++ {
		progressed := false
		for i := 0; ; {
			es := edits(s, d.q)
			if i >= len(es) {
				break
			}
			t := s.clone()
			es[i](t)
			t.normalize()
			if stillDisagrees(ctx, ps, t, d.q, k) {
				s, progressed = t, true
				continue // the same position now holds the next edit
			}
			i++
		}
		if !progressed {
			break
		}
	}
	return s
}

// report describes d and its minimal state.
func report(ctx context.Context, ps *cedar.PolicySet, s *state, d disagreement) string {
	min := shrink(ctx, ps, s.clone(), d)
	ev, err := load(ctx, min)
	if err == nil {
		if dd, err := ev.ask(ctx, ps, d.q); err == nil {
			d = dd // the answers in the minimal state
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "DISAGREEMENT on %s\n", d.q)
	fmt.Fprintf(&b, "  cabinet: %s [rule %s]\n", d.cab, d.cab.Rule)
	fmt.Fprintf(&b, "  cedar:   %s\n", d.cedar)
	fmt.Fprintf(&b, "  SPEC v2: %s\n", crosscheck.SpecReading(d.q.Action))
	fmt.Fprintf(&b, "  minimal state:\n%s", min)
	return b.String()
}

// byKind groups ds by kind, in order of first appearance.
func byKind(ds []disagreement) (kinds []string, first map[string]disagreement, count map[string]int) {
	first, count = map[string]disagreement{}, map[string]int{}
	for _, d := range ds {
		k := d.kind()
		if _, ok := first[k]; !ok {
			kinds = append(kinds, k)
			first[k] = d
		}
		count[k]++
	}
	return kinds, first, count
}

// genStates generates random states (genState) from gopter's source.
func genStates() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(genState(p.Rng), gopter.NoShrinker)
	}
}

// TestCabinetAgreesWithCedar_POL1 is the cross-check: over random states
// (1,000 per run, 100 under -short), cabinet's policy.Engine.Check and
// cedar-go's Authorize over dossier.cedar (SPEC v2) agree on every
// (user, action, dossier, section) question. A failing state is reported
// with each kind of disagreement it holds, each shrunk to a minimal state,
// with both answers, the rule cabinet named and the SPEC v2 rules read.
func TestCabinetAgreesWithCedar_POL1(t *testing.T) {
	ctx := context.Background()
	ps := policies(t)
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	if testing.Short() {
		params.MinSuccessfulTests = 100
	}
	props := gopter.NewProperties(params)
	props.Property("cabinet's Check and cedar-go's Authorize agree on every dossier question (POL-1, SPEC v2)", prop.ForAll(
		func(s *state) string {
			ds, _, err := disagreements(ctx, ps, s)
			if err != nil {
				return "error: " + err.Error()
			}
			if len(ds) == 0 {
				return ""
			}
			kinds, first, count := byKind(ds)
			var b strings.Builder
			fmt.Fprintf(&b, "%d questions disagree, of %d kinds:\n", len(ds), len(kinds))
			for _, k := range kinds {
				fmt.Fprintf(&b, "\n[%d×] %s\n%s", count[k], k, report(ctx, ps, s, first[k]))
			}
			return b.String()
		}, genStates()))
	props.TestingRun(t)
}

// TestDisagreementSurvey lists every kind of disagreement over many
// random states, each with one shrunk example. It runs only when
// CABINET_CEDAR_SURVEY is set to the number of states (e.g. 2000); it logs
// and never fails: it is the tool behind the report to the lead, the
// property above is the test.
func TestDisagreementSurvey(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CABINET_CEDAR_SURVEY"))
	if n <= 0 {
		t.Skip("set CABINET_CEDAR_SURVEY=<states> to survey the disagreements")
	}
	ctx := context.Background()
	ps := policies(t)
	type seen struct {
		s      *state
		d      disagreement
		count  int
		states int
	}
	kinds := map[string]*seen{}
	asked, failing := 0, 0
	for i := range n {
		s := genState(rand.New(rand.NewSource(int64(i + 1))))
		ds, q, err := disagreements(ctx, ps, s)
		if err != nil {
			t.Fatalf("state %d: %v", i+1, err)
		}
		asked += q
		if len(ds) > 0 {
			failing++
		}
		ks, first, count := byKind(ds)
		for _, k := range ks {
			if kinds[k] == nil {
				kinds[k] = &seen{s: s, d: first[k]}
			}
			kinds[k].count += count[k]
			kinds[k].states++
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("%d states, %d questions, %d states with a disagreement, %d kinds", n, asked, failing, len(kinds))
	for _, k := range names {
		v := kinds[k]
		t.Logf("\n[%d questions in %d states] %s\n%s", v.count, v.states, k, report(ctx, ps, v.s, v.d))
	}
}
