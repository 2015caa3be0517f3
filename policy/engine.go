package policy

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Store is what the engine reads: one backend holding every package's
// records, whose View of one package opens a snapshot of all of them (the
// others read through its …Reader(tx) accessors), and which is a
// cabinet.ChangeLog — the engine follows it. memstore.Store is one; so is
// any store of this module that keeps a change log.
type Store interface {
	team.Store
	access.Store
	clientgroup.Store
	contact.Store
	procedure.Store
}

// DossierQuery selects the dossiers a subject can act on (POL-3).
type DossierQuery struct {
	// Action is any action that applies to a dossier (Action.AppliesTo
	// ResourceDossier), ViewDossier when zero. It is asked of the plain
	// DossierResource (SectionResource for EditSection): the actions that
	// need a refinement (a person, an advisor, a grant, a status) list no
	// dossier.
	Action Action
	// Section is the section for EditSection.
	Section access.Section
	// ClientGroup, when set, keeps only the dossiers of that client group.
	ClientGroup cabinet.ClientGroupID
	// Status, when valid, keeps only the dossiers with that status.
	Status cabinet.DossierStatus
	// Consistency is how fresh the index must be to answer (the zero value:
	// as it is; see Consistency).
	Consistency Consistency
}

// Access is one subject who can view a dossier and the routes by which
// they reach it (POL-3).
type Access struct {
	User   cabinet.UserID
	Routes cabinet.Routes
}

// Option configures New.
type Option func(*config)

type config struct {
	clock    cabinet.Clock
	onReload func(from, to cabinet.Revision)
}

// WithClock makes the engine tell time with c (impersonation sessions,
// invitations and trials expire by it). The default is cabinet.SystemClock;
// give the services' clock.
func WithClock(c cabinet.Clock) Option { return func(o *config) { o.clock = c } }

// WithReloadHook makes the engine call fn(from, to) each time it reloads its
// whole index by itself because the changes after its revision `from` are
// no longer in the store's change log (a *cabinet.StaleError: it fell out
// of the log's retention); `to` is the revision of the snapshot it
// reloaded. fn runs in the goroutine that synced (Sync, Follow, a
// consistency wait), after the new index is in place; it must not block.
// A host counts these, or alerts on them: a replica that reloads often
// needs a longer retention or to follow the log more closely.
func WithReloadHook(fn func(from, to cabinet.Revision)) Option {
	return func(o *config) { o.onReload = fn }
}

// Engine answers can-X-do-Y questions over the state of a Store (POL-1). It
// keeps an in-memory index of that state, loaded by New from one snapshot
// and kept current by following the store's change log: Sync applies every
// change committed since the index's revision, in revision order, from the
// keys the store recorded for every record each change wrote; Follow does
// so as changes arrive. Every question is answered from the index — at
// once by default, or after waiting until the index is as fresh as the
// question asks (Consistency). It is safe for concurrent use.
type Engine struct {
	store    Store
	log      cabinet.ChangeLog
	clock    cabinet.Clock
	onReload func(from, to cabinet.Revision)

	// apply is held by the one goroutine that reads the log and the store
	// to advance the index (Sync, Reload); questions never wait for it.
	apply sync.Mutex

	mu  sync.RWMutex
	ix  *index
	rev cabinet.Revision // the index holds every change up to rev
	// gen counts the indexes installed (New, a full reload): the record
	// indexes a Prepared keeps are of the index of its generation.
	gen uint64

	declog atomic.Pointer[DecisionLog] // SetDecisionLog; nil when none
}

// New loads the whole state of store, from one snapshot, into a new engine
// whose Revision is the revision of that snapshot. Options: WithClock,
// WithReloadHook. Errors: an *cabinet.InvalidError naming "store" when store
// is nil or is not a cabinet.ChangeLog; the store's error; ctx.Err().
//
// The engine does not follow the log by itself: call Sync after commands
// (package kit does, from the store's commit hooks), run Follow in a
// goroutine, or ask questions with a Consistency that waits.
func New(ctx context.Context, store Store, opts ...Option) (*Engine, error) {
	if store == nil {
		return nil, cabinet.Invalid("store", "is required")
	}
	log, ok := store.(cabinet.ChangeLog)
	if !ok {
		return nil, cabinet.Invalid("store", "keeps no change log (cabinet.ChangeLog): the engine follows it")
	}
	c := config{clock: cabinet.SystemClock{}}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.clock == nil {
		c.clock = cabinet.SystemClock{}
	}
	e := &Engine{store: store, log: log, clock: c.clock, onReload: c.onReload}
	err := view(ctx, store, func(rev cabinet.Revision, r readers) error {
		ix, err := load(ctx, r, e.clock)
		e.ix, e.rev, e.gen = ix, rev, 1
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Revision returns the revision of the index: every change of the store's
// log up to it has been applied, in order, and none after it is claimed.
// (A record read while applying may already show a later change to it;
// the next Sync applies that change too.)
func (e *Engine) Revision() cabinet.Revision {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.rev
}

// Sync applies to the index every change of the store's log committed after
// the engine's revision, up to the snapshot it reads them in, and returns
// the engine's new revision. It reads the changes in revision order,
// gathers the keys they recorded (cabinet.Change.Keys: every record
// written, before and after, and what each refers to), reads those records
// again from one snapshot of the store and applies them under the engine's
// lock, so a question sees the index before the sync or after it, never
// half of it. The revision advances to the last change applied, never past
// one it has not applied.
//
// If the changes after the engine's revision are no longer retained
// (*cabinet.StaleError), Sync reloads the whole index from the snapshot and
// calls the reload hook (WithReloadHook). On any other error (the store's,
// ctx's) the index and its revision stay as they were and the error is
// returned; the next Sync starts again from there. Syncs are serialized;
// questions are not blocked while the store is read.
func (e *Engine) Sync(ctx context.Context) (cabinet.Revision, error) {
	return e.syncTo(ctx, 0)
}

// syncTo is Sync, returning at once when the index already holds target
// (0: always sync).
func (e *Engine) syncTo(ctx context.Context, target cabinet.Revision) (cabinet.Revision, error) {
	e.apply.Lock()
	defer e.apply.Unlock()
	from := e.Revision()
	if target > 0 && from >= target {
		return from, nil
	}
	to := from
	var (
		up   *update // the records the changes touched, as of the snapshot
		full *index  // a whole new index, when the log no longer holds from
	)
	err := view(ctx, e.store, func(snap cabinet.Revision, r readers) error {
		if snap <= from {
			return nil // nothing committed since (or a replica's snapshot behind the index)
		}
		t := newTouched()
		for c, err := range e.log.Changes(ctx, from) {
			if err != nil {
				if !isStale(err) {
					return err
				}
				ix, err := load(ctx, r, e.clock)
				if err != nil {
					return err
				}
				full, to = ix, snap
				return nil
			}
			if c.Revision > snap {
				break // committed after the snapshot: the next Sync applies it
			}
			t.addKeys(c.Keys)
			to = c.Revision
		}
		if to == from {
			return nil
		}
		var err error
		up, err = fetch(ctx, r, t)
		return err
	})
	if err != nil {
		return from, fmt.Errorf("policy: applying the changes after revision %d: %w", from, err)
	}
	if to == from {
		return from, nil
	}
	e.mu.Lock()
	if full != nil {
		e.ix = full
		e.gen++
	} else {
		up.apply(e.ix)
	}
	e.rev = to
	e.mu.Unlock()
	if full != nil && e.onReload != nil {
		e.onReload(from, to)
	}
	return to, nil
}

// Follow keeps the index current: it syncs, waits for the next commit
// (cabinet.ChangeLog.Wait) and syncs again, until ctx is done — it then
// returns ctx's error — or a sync fails, whose error it returns (the host
// restarts it, after a pause, as it would any loop over the store). Run it
// in a goroutine in a process whose store receives commits from other
// processes (a replica over a shared PostgreSQL database); package kit's
// Run does. A changes' gap beyond the log's retention is a reload, not an
// error (see Sync).
func (e *Engine) Follow(ctx context.Context) error {
	for {
		rev, err := e.Sync(ctx)
		if err != nil {
			return err
		}
		if err := e.log.Wait(ctx, rev); err != nil {
			return err
		}
	}
}

// Reload rebuilds the whole index from one snapshot of the store, without
// blocking questions while it loads, and moves the engine to the
// snapshot's revision. It does not call the reload hook (the caller knows).
// On failure the engine keeps its index and revision. Errors: the store's,
// ctx.Err(), and an error when the snapshot is older than the engine's
// revision (a replica reading behind the index: the engine never goes
// back).
func (e *Engine) Reload(ctx context.Context) error {
	e.apply.Lock()
	defer e.apply.Unlock()
	from := e.Revision()
	var ix *index
	var rev cabinet.Revision
	err := view(ctx, e.store, func(snap cabinet.Revision, r readers) error {
		if snap < from {
			return fmt.Errorf("policy: the store's snapshot (revision %d) is older than the index (revision %d)", snap, from)
		}
		var err error
		ix, err = load(ctx, r, e.clock)
		rev = snap
		return err
	})
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.ix, e.rev = ix, rev
	e.gen++
	e.mu.Unlock()
	return nil
}

// Check answers whether subject s may perform a on r (POL-1), from the index
// as it is (Decision.Revision says at which revision; CheckAt asks for a
// fresher one). Deny by default: an unknown subject, action or resource is
// a denial with a reason (POL-4), never an error and never an allow. Every
// decision explains itself (POL-2). During impersonation the decision is
// the contact's and records the acting collaborator (POL-5). The error is
// non-nil only when ctx is done. Check does not allocate on its common
// paths.
func (e *Engine) Check(ctx context.Context, s Subject, a Action, r Resource) (Decision, error) {
	if err := ctx.Err(); err != nil {
		return Decision{}, err
	}
	var d Decision
	e.checkLocked(&d, &s, a, &r)
	if l := e.declog.Load(); l != nil {
		(*l)(ctx, DecisionRecord{Subject: s, Action: a, Resource: r, Decision: d})
	}
	return d, nil
}

// checkLocked answers into *d under the read lock.
func (e *Engine) checkLocked(d *Decision, s *Subject, a Action, r *Resource) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.ix.check(d, s, a, r, e.clock, e.rev)
}

// Dossiers streams the IDs of the dossiers s may act on with q.Action
// (view by default), in ID order, each once (POL-3; DossiersPage pages
// the same answer with a cursor): exactly
// those Check allows, at the freshness q.Consistency asks. Its cost is
// proportional to the answer and to the subject's memberships, not to the
// number of dossiers. An error is yielded (and the stream ends) when the
// question cannot be answered: ctx done, a consistency wait that failed
// (see Await), or q.Action not a dossier action (*cabinet.InvalidError
// naming "action"). The answer is computed under the engine's read lock
// and yielded after it is released.
func (e *Engine) Dossiers(ctx context.Context, s Subject, q DossierQuery) iter.Seq2[cabinet.DossierID, error] {
	return func(yield func(cabinet.DossierID, error) bool) {
		l, err := e.dossiers(ctx, s, q) // waits for q.Consistency first
		if err != nil {
			yield("", err)
			return
		}
		l.each(yield)
	}
}

// Viewers streams every user who can view dossier d, each once with all the
// routes by which they reach it (POL-3), ordered by user ID, from the index
// as it is (ViewersAt asks for a fresher one). An unknown dossier has no
// viewers. An error is yielded when ctx is done. The answer is computed
// under the engine's read lock and yielded after it is released.
func (e *Engine) Viewers(ctx context.Context, d cabinet.DossierID) iter.Seq2[Access, error] {
	return e.ViewersAt(ctx, Consistency{}, d)
}

// ViewersAt is Viewers at the freshness c asks (see Await, whose error it
// yields).
func (e *Engine) ViewersAt(ctx context.Context, c Consistency, d cabinet.DossierID) iter.Seq2[Access, error] {
	return func(yield func(Access, error) bool) {
		if c.wait() {
			if _, err := e.Await(ctx, c); err != nil {
				yield(Access{}, err)
				return
			}
		}
		out, err := e.viewers(ctx, d)
		if err != nil {
			yield(Access{}, err)
			return
		}
		for _, a := range out {
			if !yield(a, nil) {
				return
			}
		}
	}
}
