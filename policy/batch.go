package policy

import (
	"context"
	"iter"
	"math/bits"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
)

// Question is one (action, resource) pair of a batch (Engine.CheckBatch).
type Question struct {
	Action   Action
	Resource Resource
}

// CheckBatch answers every question of qs for subject s at one revision,
// under one read lock, resolving the subject once (the buttons of a dossier
// page, a page of dossiers). It appends one Decision per question to dst,
// in the order of qs, and returns the extended slice: pass dst[:0] to reuse
// a buffer, nil to allocate one. Each decision is exactly what Check(ctx,
// s, q.Action, q.Resource) says at the same revision (the clock is read as
// Check reads it; an impersonation session is judged once, at the start).
// Any caller may ask; an empty qs returns dst unchanged.
//
// The error is non-nil only when the batch could not be answered: ctx
// done. dst is then returned unchanged; no decision is partial.
func (e *Engine) CheckBatch(ctx context.Context, s Subject, qs []Question, dst []Decision) ([]Decision, error) {
	return e.checkBatch(ctx, s, qs, nil, dst)
}

// Prepared is a batch of questions whose dossiers an engine has looked up
// once (Engine.Prepare), for a page asked again and again — by many users,
// or by one at every refresh: CheckPrepared answers it without looking the
// dossiers up by ID, as a hand-written int-indexed table would (issue 15).
// It is immutable and safe for concurrent use; it holds no decision, only
// where the engine keeps each question's dossier, so it never goes stale:
// a dossier deleted since is unknown to CheckPrepared as to Check, one
// created since is looked up, and after a full reload (Engine.Reload, or a
// Sync that reloads) every dossier is looked up again.
type Prepared struct {
	e    *Engine
	gen  uint64 // e's index generation the refs are of
	qs   []Question
	refs []uint32 // per question: its dossier's record index + 1, 0 for none
}

// Len returns the number of questions of p (0 for a nil p).
func (p *Prepared) Len() int {
	if p == nil {
		return 0
	}
	return len(p.qs)
}

// Question returns p's question i (0 <= i < Len(); it panics otherwise,
// as an index out of range does).
func (p *Prepared) Question(i int) Question { return p.qs[i] }

// Prepare copies qs into a Prepared batch for CheckPrepared, looking up the
// dossier of every content question (view_dossier, edit_section and the
// tools on a dossier named by its ID) once. Any caller may prepare: a
// Prepared grants nothing, it is only where to find records. qs may be
// empty.
func (e *Engine) Prepare(qs []Question) *Prepared {
	p := &Prepared{e: e, qs: slices.Clone(qs), refs: make([]uint32, len(qs))}
	e.mu.RLock()
	ix := e.ix
	p.gen = e.gen
	for i := range p.qs {
		q := &p.qs[i]
		if contentQuestion(q.Action, &q.Resource) {
			if j, ok := ix.dossiers.find(cabinet.DossierID(q.Resource.ID)); ok {
				p.refs[i] = j + 1
			}
		}
	}
	e.mu.RUnlock()
	return p
}

// CheckPrepared is CheckBatch for the questions of p: it appends one
// Decision per question of p to dst, in p's order, each exactly what
// Check says at the same revision, and returns the extended slice. Only
// the lookup of the dossiers by ID is saved (a third of a batch's cost on
// a large index); a p prepared by another engine is answered by lookups.
// Any caller may ask.
//
// Errors: an *cabinet.InvalidError naming "p" when p is nil; ctx done.
// dst is then returned unchanged.
func (e *Engine) CheckPrepared(ctx context.Context, s Subject, p *Prepared, dst []Decision) ([]Decision, error) {
	if p == nil {
		return dst, cabinet.Invalid("p", "is required (Engine.Prepare)")
	}
	return e.checkBatch(ctx, s, p.qs, p, dst)
}

// checkBatch is CheckBatch, taking the dossiers' records from p's refs
// when p is of e's current index (p nil: every dossier looked up).
func (e *Engine) checkBatch(ctx context.Context, s Subject, qs []Question, p *Prepared, dst []Decision) ([]Decision, error) {
	if err := ctx.Err(); err != nil {
		return dst, err
	}
	if len(qs) == 0 {
		return dst, nil
	}
	start := len(dst)
	dst = growDecisions(dst, len(qs))[:start+len(qs)]
	out := dst[start:] // every one written below
	e.mu.RLock()
	ix, rev := e.ix, e.rev
	var refs []uint32
	if p != nil && p.e == e && p.gen == e.gen {
		refs = p.refs // record indexes of ix: records are never removed from an index
	}
	sub := ix.resolve(s, e.clock)
	// The dossiers of the content questions are looked up first, a run of
	// batchRun at a time, then decided: the lookups are independent, and
	// in a loop of their own the processor overlaps their cache misses
	// (issue 15: a page of random dossiers on a large index), which the
	// decisions between them kept apart.
	var recs [batchRun]*dossRec
	// Unprepared, the run's content questions' dossiers are found together
	// (dossTable.findAll): ids[k] is question at[k]'s.
	var ids [batchRun]cabinet.DossierID
	var at [batchRun]uint8
	var found [batchRun]uint32
	for base := 0; base < len(qs); base += batchRun {
		run := qs[base:min(base+batchRun, len(qs))]
		if sub.user != nil && refs == nil {
			n := 0
			for i := range run {
				if contentQuestion(run[i].Action, &run[i].Resource) {
					ids[n], at[n] = cabinet.DossierID(run[i].Resource.ID), uint8(i)
					n++
				}
			}
			ix.dossiers.findAll(ids[:n], found[:n])
			for k, j := range found[:n] {
				recs[at[k]] = nil
				// exists is read here, in a loop of independent reads,
				// though content reads it too: a record is 48 bytes, so
				// half of them straddle two cache lines, and findAll read
				// only the ID's; on a large index the other line is a
				// miss each, which a decision met one after the other.
				if j != 0 {
					if rec := ix.dossiers.at(j - 1); rec.exists {
						recs[at[k]] = rec
					} // else unknown to content, as not there (POL-4)
				}
			}
		} else if sub.user != nil {
			for i := range run {
				if !contentQuestion(run[i].Action, &run[i].Resource) {
					continue
				}
				if refs[base+i] != 0 {
					// Read here, not first in content: the loads of a run
					// overlap (the lookup by ID reads each record too).
					if rec := ix.dossiers.at(refs[base+i] - 1); rec.exists {
						recs[i] = rec
					} else {
						recs[i] = nil // unknown to content, as not there (POL-4)
					}
				} else {
					recs[i] = ix.dossier(cabinet.DossierID(run[i].Resource.ID))
				}
			}
		}
		for i := range run {
			q := &run[i]
			v, gated := gate(&sub, &s, q.Action)
			switch {
			case gated:
			case contentQuestion(q.Action, &q.Resource):
				ix.contentTo(&v, sub.user, recs[i], q.Action, q.Resource.Section) // decideRef's hot path
			default:
				ix.decideTo(&v, sub.user, q.Action, &q.Resource, e.clock)
			}
			sub.decide(&out[base+i], &v, rev) // in place: a Decision is 100 bytes
		}
	}
	e.mu.RUnlock()
	e.logBatch(ctx, s, qs, dst[start:])
	return dst, nil
}

// batchRun is the number of questions of a CheckBatch whose dossiers are
// looked up together (at most findRun, and at[k] fits a uint8).
const batchRun = findRun

// growDecisions makes room for n more decisions in dst with at most one
// allocation.
func growDecisions(dst []Decision, n int) []Decision {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	out := make([]Decision, len(dst), len(dst)+n)
	copy(out, dst)
	return out
}

// ActionSet is a set of actions, the answer of Engine.AllowedActions. The
// zero value is the empty set. It is a value: copy it freely.
type ActionSet struct{ bits [2]uint64 }

// Every action fits in an ActionSet (a compile-time check).
var _ [128 - int(actionCount)]struct{}

// Has reports whether a is in the set.
func (s ActionSet) Has(a Action) bool {
	return a.Valid() && s.bits[a>>6]&(1<<(a&63)) != 0
}

// add puts a in the set.
func (s *ActionSet) add(a Action) { s.bits[a>>6] |= 1 << (a & 63) }

// Len returns the number of actions in the set.
func (s ActionSet) Len() int { return bits.OnesCount64(s.bits[0]) + bits.OnesCount64(s.bits[1]) }

// All yields the actions of the set in ascending order (the order of
// Actions()).
func (s ActionSet) All() iter.Seq[Action] {
	return func(yield func(Action) bool) {
		for w, word := range s.bits {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &= word - 1
				if !yield(Action(w*64 + b)) {
					return
				}
			}
		}
	}
}

// String returns the actions' names joined by "|", e.g.
// "view_dossier|edit_section", or "none".
func (s ActionSet) String() string {
	var names []string
	for a := range s.All() {
		names = append(names, a.String())
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// actionsOf lists, per resource kind, the actions that apply to it, in
// ascending order.
var actionsOf = func() (out [resourceKindCount][]Action) {
	for a := ActionInvalid + 1; a < actionCount; a++ {
		for k := ResourceKind(1); k < resourceKindCount; k++ {
			if a.AppliesTo(k) {
				out[k] = append(out[k], a)
			}
		}
	}
	return out
}()

// AllowedActions returns the set of actions subject s may take on r, for a
// UI's buttons: every action that applies to r's kind (Action.AppliesTo)
// and that Check(ctx, s, a, r) allows, all at one revision and with the
// subject resolved once. Each action is asked of r exactly as given: the
// actions that need a refinement r does not carry (a person, a grant, a
// level, a status…) are denied by Check and so are not in the set; ask
// with the refined resource for those. A resource of an invalid kind gives
// the empty set. Any caller may ask. For a dossier named by its ID alone
// (DossierResource) and no decision log, the routes are worked out once
// for all its actions (a page's buttons cost about one Check); with a log,
// each action is decided, and logged, as Check would.
//
// The error is non-nil only when the question could not be answered: ctx
// done.
func (e *Engine) AllowedActions(ctx context.Context, s Subject, r Resource) (ActionSet, error) {
	if err := ctx.Err(); err != nil {
		return ActionSet{}, err
	}
	var acts []Action
	if r.Kind.Valid() {
		acts = actionsOf[r.Kind]
	}
	logged := e.decisionLog()
	var decided []Decision // kept only for a decision log
	var set ActionSet
	e.mu.RLock()
	ix, rev := e.ix, e.rev
	sub := ix.resolve(s, e.clock)
	var rec *dossRec // a dossier's record, looked up once for every action
	if r.Kind == ResourceDossier {
		rec = ix.dossier(cabinet.DossierID(r.ID))
		if logged == nil && plainDossier(&r) {
			// A dossier page's buttons, with no Decision to build: the
			// routes once, each action's answer from them.
			if sub.user != nil {
				set = ix.dossierButtons(sub.user, cabinet.DossierID(r.ID), rec)
				if s.Session != "" {
					set = set.viewing() // impersonation views only (CON-6 v2), as gate
				}
			}
			e.mu.RUnlock()
			return set, nil
		}
	}
	for _, a := range acts {
		v, gated := gate(&sub, &s, a)
		switch {
		case gated:
		case r.Kind == ResourceDossier:
			v = ix.decideAt(sub.user, a, &r, rec, e.clock)
		default:
			v = ix.decideRef(sub.user, a, &r, e.clock)
		}
		if v.routes != 0 {
			set.add(a)
		}
		if logged != nil { // the Decision (and its Reason) only for the log
			decided = append(decided, sub.decided(v, rev))
		}
	}
	e.mu.RUnlock()
	for i, d := range decided {
		logged(ctx, DecisionRecord{Subject: s, Action: acts[i], Resource: r, Decision: d})
	}
	return set, nil
}
