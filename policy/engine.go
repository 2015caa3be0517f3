package policy

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Sources are the stores the engine reads. memstore.Store satisfies all five
// at once. Every field is required.
type Sources struct {
	Teams        team.Store
	Access       access.Store
	ClientGroups clientgroup.Store
	Contacts     contact.Store
	Procedures   procedure.Store
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
}

// Access is one subject who can view a dossier and the routes by which
// they reach it (POL-3).
type Access struct {
	User   cabinet.UserID
	Routes cabinet.Routes
}

// Engine answers can-X-do-Y questions over the state held by Sources
// (POL-1). It keeps an in-memory index of that state, built by New and kept
// current by Publish (the engine is a cabinet.EventSink: wire it into every
// service's WithEvents, usually through cabinet.MultiSink). It is safe for
// concurrent use.
type Engine struct {
	src   Sources
	clock cabinet.Clock

	mu  sync.RWMutex
	ix  *index
	rev cabinet.Revision // every change up to rev is in ix
	err error            // the last refresh failure, until Reload succeeds

	// While a Reload is loading (reloads > 0), every published batch's
	// touched set is kept in pending, to be applied to the new index before
	// it replaces the old one: a change committed after the load's snapshot
	// is never lost.
	reloads    int
	pending    []*touched
	pendingRev cabinet.Revision

	declog atomic.Pointer[DecisionLog] // SetDecisionLog; nil when none
}

var _ cabinet.EventSink = (*Engine)(nil)

// New loads the whole state of src into a new engine, whose Revision is the
// revision of the stores' snapshot (Reader.Revision; the smallest of the five
// when the stores keep separate counters). It returns an error when a store
// fails or ctx is done. Options: WithClock (impersonation sessions expire by
// it); WithIDs and WithEvents are ignored.
//
// Changes committed after New's snapshot and before the engine receives the
// services' events are not seen: wire the engine into the services before
// they take commands (kit.New does), or call Reload once it is wired.
func New(ctx context.Context, src Sources, opts ...cabinet.Option) (*Engine, error) {
	if src.Teams == nil || src.Access == nil || src.ClientGroups == nil || src.Contacts == nil || src.Procedures == nil {
		return nil, cabinet.Invalid("sources", "every store of Sources is required")
	}
	o := cabinet.NewOptions(opts...)
	ix, rev, err := load(ctx, src)
	if err != nil {
		return nil, err
	}
	return &Engine{src: src, clock: o.Clock, ix: ix, rev: rev}, nil
}

// Publish implements cabinet.EventSink: it refreshes the part of the index
// that the batch's events touched and, on success, records the batch's
// revision. If the refresh fails, later calls to Check return the error
// until Reload succeeds, and Revision stays where it was.
//
// The refresh collects, by reflection over every event's fields, each ID of
// the kinds the index holds (users, dossiers, teams, referrals, client and
// collaborator groups, offices, contacts, sessions, procedures, cases,
// grants, persons, advisors) and reloads those entities and their relations
// from the stores. Publish must be called outside any store transaction (as
// cabinet.Options.Publish does, after the commit).
func (e *Engine) Publish(ctx context.Context, b cabinet.Batch) {
	t := newTouched()
	for _, ev := range b.Events {
		t.collect(reflect.ValueOf(ev), 0)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.reloads > 0 {
		e.pending = append(e.pending, t)
		e.pendingRev = max(e.pendingRev, b.Revision)
	}
	if e.err != nil {
		return // stale until Reload
	}
	if err := e.ix.refresh(context.WithoutCancel(ctx), e.src, t); err != nil {
		e.err = fmt.Errorf("policy: refreshing the index at revision %d: %w", b.Revision, err)
		return
	}
	e.rev = max(e.rev, b.Revision)
}

// Reload rebuilds the whole index from the sources, without blocking Check
// while it loads. Batches published during the load are applied again to
// the new index before it replaces the old one, so no change is lost. On
// success it clears a previous refresh failure and Revision becomes at least
// the loaded snapshot's revision; on failure the engine keeps its old index
// and state. It returns the stores' error or ctx.Err().
func (e *Engine) Reload(ctx context.Context) error {
	e.mu.Lock()
	e.reloads++
	e.mu.Unlock()

	ix, rev, err := load(ctx, e.src)

	e.mu.Lock()
	defer e.mu.Unlock()
	e.reloads--
	pending, pendingRev := e.pending, e.pendingRev
	if e.reloads == 0 {
		e.pending, e.pendingRev = nil, 0
	}
	if err != nil {
		return err
	}
	for _, t := range pending {
		if err := ix.refresh(context.WithoutCancel(ctx), e.src, t); err != nil {
			return fmt.Errorf("policy: reloading: applying a batch published during the load: %w", err)
		}
	}
	e.ix, e.err = ix, nil
	e.rev = max(e.rev, rev, pendingRev)
	return nil
}

// Revision returns the highest revision the index has applied.
func (e *Engine) Revision() cabinet.Revision {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.rev
}

// Check answers whether subject s may perform a on r (POL-1). Deny by
// default: an unknown subject, action or resource is a denial with a reason
// (POL-4), never an error and never an allow. Every decision explains itself
// (POL-2). During impersonation the decision is the contact's and records
// the acting collaborator (POL-5). The error is non-nil only when the
// question could not be answered (ctx done, a store failure, a stale index).
func (e *Engine) Check(ctx context.Context, s Subject, a Action, r Resource) (Decision, error) {
	d, err := e.check(ctx, s, a, r)
	if l := e.declog.Load(); l != nil && err == nil {
		(*l)(ctx, DecisionRecord{Subject: s, Action: a, Resource: r, Decision: d})
	}
	return d, err
}

// check is Check without the decision log.
func (e *Engine) check(ctx context.Context, s Subject, a Action, r Resource) (Decision, error) {
	if err := ctx.Err(); err != nil {
		return Decision{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.err != nil {
		return Decision{}, e.err
	}
	return e.ix.check(s, a, r, e.clock, e.rev), nil
}

// Dossiers streams the IDs of the dossiers s may act on with q.Action
// (view by default), in no particular order, each once (POL-3): exactly
// those Check allows. Its cost is proportional to the
// answer and to the subject's memberships, not to the number of dossiers.
// An error is yielded (and the stream ends) when the question cannot be
// answered: ctx done, a stale index, or q.Action not a dossier action
// (*cabinet.InvalidError naming "action"). The answer is computed under the
// engine's read lock and yielded after it is released.
func (e *Engine) Dossiers(ctx context.Context, s Subject, q DossierQuery) iter.Seq2[cabinet.DossierID, error] {
	return func(yield func(cabinet.DossierID, error) bool) {
		ids, err := e.dossiers(ctx, s, q)
		if err != nil {
			yield("", err)
			return
		}
		for _, id := range ids {
			if !yield(id, nil) {
				return
			}
		}
	}
}

// Viewers streams every user who can view dossier d, each once with all the
// routes by which they reach it (POL-3), ordered by user ID. An unknown
// dossier has no viewers. An error is yielded when the question cannot be
// answered (ctx done, a stale index). The answer is computed under the
// engine's read lock and yielded after it is released.
func (e *Engine) Viewers(ctx context.Context, d cabinet.DossierID) iter.Seq2[Access, error] {
	return func(yield func(Access, error) bool) {
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
