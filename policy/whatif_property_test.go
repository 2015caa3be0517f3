package policy_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
)

// rewindIDs is a sequential ID generator that can be set back, so that a
// command run twice — previewed, then applied — draws the same IDs both
// times (a preview's diff names the records the command creates).
type rewindIDs struct {
	mu sync.Mutex
	n  int
}

func (g *rewindIDs) NewID(prefix string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return fmt.Sprintf("%s_%d", prefix, g.n)
}

func (g *rewindIDs) mark() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

func (g *rewindIDs) rewind(n int) {
	g.mu.Lock()
	g.n = n
	g.mu.Unlock()
}

// whatIfKinds are the command kinds of genWorld.command (with the argument
// that selects the variant) of issue 16's six: remove a collaborator, move
// a dossier, delete a team (either reassignment), change a manager, revoke
// a grant, transfer the lead.
var whatIfKinds = [][genArgsPerCmd]int{
	{3, -1, -1, -1, 0},   // RemoveCollaborator: d even
	{10, -1, -1, -1, -1}, // MoveDossier
	{24, -1, -1, -1, 0},  // DeleteTeam: d%3 == 0
	{6, -1, -1, -1, -1},  // SetManager
	{30, -1, -1, 1, -1},  // Revoke: c%3 == 1
	{49, -1, -1, 1, -1},  // TransferLead: c odd
}

// whatIfCase is a random state and the command to preview on it: one of
// the six kinds half the time, any command of genWorld otherwise.
type whatIfCase struct {
	State genState
	Cmd   []int
}

func genWhatIfCases() gopter.Gen {
	return gopter.CombineGens(genStates(), gen.SliceOfN(genArgsPerCmd+1, gen.IntRange(0, 1<<20))).Map(func(v []any) whatIfCase {
		xs := v[1].([]int)
		cmd := xs[1:]
		if xs[0]%2 == 0 {
			k := whatIfKinds[xs[0]/2%len(whatIfKinds)]
			for i, fixed := range k {
				if fixed >= 0 {
					cmd[i] = fixed
				}
			}
		}
		return whatIfCase{State: v[0].(genState), Cmd: cmd}
	})
}

// TestWhatIfPropertyApplyIsThePreview: on random states, previewing a
// random command and applying it changes exactly the previewed access — the
// diff between fresh engines loaded before and after the commit, for every
// account, every dossier and every action of policy.DiffActions, equals the
// preview's (issue 16). The preview also writes nothing (the store's
// revision does not move).
func TestWhatIfPropertyApplyIsThePreview(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	previewed, changed := 0, 0
	p := diffParams()
	props := gopter.NewProperties(p)
	props.Property("apply is the preview", prop.ForAll(func(c whatIfCase) string {
		ids := &rewindIDs{}
		w, err := newGenWorld(ctx, memstore.New(memstore.RunTwice()), &cabinet.SequentialIDs{}, cabinet.NewManualClock(genT0), genEmails, kit.WithIDs(ids))
		if err != nil {
			return err.Error()
		}
		w.build(c.State)
		mark, now, head := ids.mark(), w.clock.Now(), w.store.Revision()
		base := w.ctx
		cmd := func(ctx context.Context) (cabinet.Revision, error) {
			w.ctx = ctx
			defer func() { w.ctx = base }()
			w.command(c.Cmd)
			return 0, nil
		}
		d, err := w.kit.Policy.Preview(ctx, cmd)
		if w.store.Revision() != head {
			return fmt.Sprintf("a preview moved the store from %d to %d (%v)\n%s", head, w.store.Revision(), err, w)
		}
		if err != nil {
			// genWorld.command keeps a command's error to itself: a failed
			// command, or none (time passing), ran no Update…; a world step
			// of several commands is refused. Anything else is Preview's.
			var inv *cabinet.InvalidError
			if errors.As(err, &inv) && inv.Field == "command" {
				return ""
			}
			return fmt.Sprintf("Preview: %v\n%s", err, w)
		}
		if d.Revision != head {
			return fmt.Sprintf("a preview at %d, the store at %d", d.Revision, head)
		}
		at := cabinet.NewManualClock(d.At)
		before, err := answersOf(ctx, w.store, at)
		if err != nil {
			return err.Error()
		}
		ids.rewind(mark)
		w.clock.Set(now)
		if _, err := w.kit.Policy.Apply(ctx, d, cmd); err != nil {
			return err.Error()
		}
		after, err := answersOf(ctx, w.store, at)
		if err != nil {
			return err.Error()
		}
		if diff := cmp.Diff(observedDiff(before, after), lines(d)); diff != "" {
			return fmt.Sprintf("the preview is not what the commit did (-observed +previewed):\n%s\nlast command: %s\nhistory:\n%s", diff, w.log[len(w.log)-1], w)
		}
		mu.Lock()
		previewed++
		if len(d.Changes) > 0 {
			changed++
		}
		mu.Unlock()
		return ""
	}, genWhatIfCases()))
	props.TestingRun(t)
	t.Logf("%d commands previewed and applied, %d of them changing access", previewed, changed)
	if previewed < p.MinSuccessfulTests/10 || changed == 0 {
		t.Errorf("only %d previews (%d changing access): the generator rarely reaches the commands", previewed, changed)
	}
}
