package policy_test

// Tests of prepared batches (issue 15): a Prepared keeps where the engine
// holds each question's dossier, never a decision, so CheckPrepared
// answers as Check does whatever happened since it was prepared (POL-1,
// POL-4).

import (
	"context"
	"errors"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/policy"
)

// TestPreparedAgreesWithCheckAfterCommands: on 1,000 random command
// sequences (100 with -short), the questions of the final state are
// prepared on an engine that has run only the first half of the commands
// — so they name dossiers it does not know yet, and records that change
// after — then the other half runs. CheckPrepared then returns, for every
// subject and question, the very Decision Check returns (POL-1, POL-4);
// so it does for a Prepared of another engine (a full load of the final
// state, whose records are in another order), and after a full Reload (a
// new index: the prepared places are no longer its own).
func TestPreparedAgreesWithCheckAfterCommands(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var decisions, allowed, unknownAtPrepare int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints) // the final state, for its questions
		if err != nil {
			return "building the state: " + err.Error()
		}
		qs := c.questions()
		batch := make([]policy.Question, len(qs))
		for i, q := range qs {
			batch[i] = policy.Question{Action: q.a, Resource: q.r}
		}
		// The same world again, prepared half way.
		cut := genBootInts + (len(ints)-genBootInts)/genArgsPerCmd/2*genArgsPerCmd
		w, err := buildWorld(ctx, ints[:cut])
		if err != nil {
			return "building the first half: " + err.Error()
		}
		eng := w.kit.Policy
		prep := eng.Prepare(batch)
		// Another engine's Prepared, from a full load of the final state:
		// its records are in another order than those eng adds one command
		// at a time.
		other, err := policy.New(ctx, c.w.store, policy.WithClock(c.w.clock))
		if err != nil {
			return c.fail("policy.New: %v", err)
		}
		foreign := other.Prepare(batch)
		known := map[cabinet.DossierID]bool{}
		for _, d := range w.dossiers {
			known[d] = true
		}
		nu := 0
		for _, q := range batch {
			if q.Resource.Kind == policy.ResourceDossier && !known[cabinet.DossierID(q.Resource.ID)] {
				nu++
			}
		}
		for i := cut; i+genArgsPerCmd <= len(ints); i += genArgsPerCmd {
			w.command(ints[i : i+genArgsPerCmd])
		}
		nd, na := 0, 0
		var buf []policy.Decision
		for round, name := range []string{"after the commands", "of another engine", "after a reload"} {
			pp := prep
			switch round {
			case 1:
				pp = foreign
			case 2:
				if err := eng.Reload(ctx); err != nil {
					return c.fail("Reload: %v", err)
				}
			}
			for _, s := range c.subjects() {
				buf, err = eng.CheckPrepared(ctx, s, pp, buf[:0])
				if err != nil || len(buf) != len(batch) {
					return c.fail("%s: CheckPrepared(%s): %d decisions for %d questions, %v", name, s, len(buf), len(batch), err)
				}
				for i, q := range batch {
					want, err := eng.Check(ctx, s, q.Action, q.Resource)
					if err != nil {
						return c.fail("Check(%s, %s): %v", s, qs[i], err)
					}
					if buf[i] != want {
						return c.fail("%s: CheckPrepared(%s)[%d] %s = %+v, Check = %+v\nfirst half:\n%s", name, s, i, qs[i], buf[i], want, w)
					}
					nd++
					if want.Allowed {
						na++
					}
				}
			}
		}
		mu.add(func() { decisions += nd; allowed += na; unknownAtPrepare += nu })
		return ""
	}, genStates())
	report(t, p, diffParams())
	t.Logf("%d prepared decisions (%d allowed); %d questions named a dossier unknown when prepared", decisions, allowed, unknownAtPrepare)
	if allowed == 0 || allowed == decisions || unknownAtPrepare == 0 {
		t.Errorf("vacuous: %d of %d decisions allowed, %d questions on dossiers created after the preparation", allowed, decisions, unknownAtPrepare)
	}
}

// TestPreparedEdges: a nil Prepared is invalid input naming "p"; an empty
// one appends nothing; a done context is an error leaving dst unchanged;
// Len and Question give back what was prepared, a copy the caller's later
// changes to its slice do not reach (POL-4: an unknown dossier stays
// denied).
func TestPreparedEdges(t *testing.T) {
	ctx, k, admin, _, _, d := exampleOffice()
	e := k.Policy
	prefix := []policy.Decision{{Rule: "kept"}}
	if got, err := e.CheckPrepared(ctx, policy.User(admin), nil, prefix); !errors.Is(err, cabinet.ErrInvalid) || len(got) != 1 {
		t.Fatalf("nil Prepared: %v, %v", got, err)
	} else if ie := (*cabinet.InvalidError)(nil); !errors.As(err, &ie) || ie.Field != "p" {
		t.Fatalf("nil Prepared: the error names %v, want p", err)
	}
	if got, err := e.CheckPrepared(ctx, policy.User(admin), e.Prepare(nil), prefix); err != nil || len(got) != 1 {
		t.Fatalf("empty Prepared: %v, %v", got, err)
	}
	qs := []policy.Question{{policy.ViewDossier, policy.DossierResource(d)}, {policy.UseReports, policy.DossierResource("dos_unknown")}}
	p := e.Prepare(qs)
	qs[0].Resource = policy.DossierResource("dos_unknown") // the caller's slice, not p's
	if p.Len() != 2 || p.Question(0).Resource.ID != string(d) || (*policy.Prepared)(nil).Len() != 0 {
		t.Fatalf("Len %d, Question(0) %+v", p.Len(), p.Question(0))
	}
	got, err := e.CheckPrepared(ctx, policy.User(admin), p, prefix)
	if err != nil || len(got) != 3 || got[0].Rule != "kept" || !got[1].Allowed || got[2].Allowed || got[2].Rule != "POL-4" {
		t.Fatalf("prepared batch after a prefix: %+v, %v", got, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if got, err := e.CheckPrepared(done, policy.User(admin), p, prefix); !errors.Is(err, context.Canceled) || len(got) != 1 {
		t.Fatalf("done context: %v, %v", got, err)
	}
}
