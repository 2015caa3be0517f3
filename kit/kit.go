// Package kit wires every cabinet package together over one store: the five
// domain services and the policy engine, with the facts each service needs
// from the others (office profiles, dossier facts, accounts), the engine
// following the store's change log, and the delivery of every committed
// batch of events from that log to the host's sinks. It is the few lines a
// host would otherwise write by hand; examples and tests use it.
//
// The facts a command needs from another package are read in the
// command's own transaction, through that package's Facts (team.Facts,
// access.Facts, clientgroup.Facts, contact.Facts), which need only the
// store: kit builds them first, then the services, with no forwarding
// adapters.
//
// # Events and freshness
//
// Services record each command's events in its transaction; the store's
// change log (cabinet.ChangeLog) holds them, with the keys of every record
// written, from the commit on (SPEC §3 invariant 13). kit reads them back
// from there, never from the services:
//
//   - On a store with commit hooks (memstore.Store's OnCommit), every commit
//     made in this process is applied to the engine (policy.Engine.Sync)
//     and then delivered to the host's sinks (WithSink) before the command
//     returns: a test, or a single-process host, asks the engine right
//     after a command and sees it, and a sink sees a batch only once the
//     engine has applied it.
//   - Run keeps both current from the log when commits also come from
//     other processes (replicas over one PostgreSQL database): the engine's
//     follow loop and the delivery loop. A question that needs a change
//     committed elsewhere asks for its revision (policy.AtLeast).
//   - The host's sinks resume from a cursor (WithCursor). With a cursor the
//     host persists, a batch committed just before a crash is delivered
//     after the restart (call Sync or Run at start to deliver the backlog).
//
// Delivery is at least once: a sink may be handed a batch again after a
// crash between its Publish and the cursor's save. Make handlers
// idempotent with the batch's revision as the key — e.g. write the
// emails to send into an outbox table keyed by (Batch.Revision, index of
// the event) with "insert … on conflict do nothing", or record the last
// revision handled next to what the handler writes, in the same
// transaction, and skip a batch at or below it.
package kit

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/due"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Store is a backend that holds every package's state and keeps a change
// log (cabinet.ChangeLog), such as *memstore.Store. Its commit hooks, when
// it has them (OnCommit(func(cabinet.Revision))), keep the engine and the
// sinks current as commands return.
type Store interface {
	team.Store
	access.Store
	clientgroup.Store
	contact.Store
	procedure.Store
}

// Kit is every service of the library, wired over one store.
type Kit struct {
	Teams      *team.Service
	Access     *access.Service
	Groups     *clientgroup.Service
	Contacts   *contact.Service
	Procedures *procedure.Service
	// Policy answers can-X-do-Y; it follows the store's change log.
	Policy *policy.Engine
	// Due lists every time-driven obligation at an instant, on the kit's
	// clock (package due).
	Due *due.Service

	delivery *cabinet.Delivery // nil without host sinks
	onError  func(error)
}

// Option configures New.
type Option func(*config)

type config struct {
	clock     cabinet.Clock
	ids       cabinet.IDGenerator
	listeners []cabinet.AccountListener
	sinks     []cabinet.EventSink
	cursor    cabinet.DeliveryCursor
	onReload  func(from, to cabinet.Revision)
	onError   func(error)
}

// WithClock makes the services and the engine tell time with c (default
// cabinet.SystemClock).
func WithClock(c cabinet.Clock) Option { return func(o *config) { o.clock = c } }

// WithIDs makes the services draw new IDs from g (default
// cabinet.RandomIDs).
func WithIDs(g cabinet.IDGenerator) Option { return func(o *config) { o.ids = g } }

// WithAccountListeners registers the host's own account listeners on
// team.Service, after the ones kit registers (access, contact, procedure).
func WithAccountListeners(ls ...cabinet.AccountListener) Option {
	return func(o *config) { o.listeners = append(o.listeners, ls...) }
}

// WithSink adds host sinks: each receives every committed batch from the
// store's change log, at least once, in revision order, one at a time,
// after the engine has applied it (cabinet.Delivery). A sink's Publish
// must not run a command itself: deliveries are serialized and a command
// delivers its batch before it returns, so it would wait for itself; hand
// such work to another goroutine.
func WithSink(sinks ...cabinet.EventSink) Option {
	return func(o *config) { o.sinks = append(o.sinks, sinks...) }
}

// WithCursor makes the host's sinks resume from c, a cursor the host
// persists (pgstore offers a table-backed one), so that a batch committed
// before a crash and not yet delivered is delivered after the restart. The
// default is a cabinet.MemoryCursor at the revision the engine loaded: a
// process whose sinks keep nothing across restarts is handed what is
// committed after it starts.
func WithCursor(c cabinet.DeliveryCursor) Option { return func(o *config) { o.cursor = c } }

// WithReloadHook is policy.WithReloadHook for the kit's engine: fn(from, to)
// is called each time the engine fell out of the change log's retention
// and reloaded its whole index by itself.
func WithReloadHook(fn func(from, to cabinet.Revision)) Option {
	return func(o *config) { o.onReload = fn }
}

// WithErrorHook makes kit call fn with the errors of the syncs and
// deliveries it runs from the store's commit hooks, which cannot return
// them to the command (it has committed): a failed read of the store while
// applying a change to the engine, a cursor that failed to save, a
// delivery whose cursor fell out of the log's retention
// (*cabinet.StaleError: batches were lost to it, the host reconciles).
// Nothing is skipped: the next commit, Sync or Run starts again from where
// the engine and the cursor stopped. By default these errors are dropped.
func WithErrorHook(fn func(error)) Option { return func(o *config) { o.onError = fn } }

// New builds the policy engine from one snapshot of store, then the five
// services, and wires the store's change log to the engine and the host's
// sinks (see the package doc). Errors: policy.New's (an *cabinet.InvalidError
// naming "store" when store is not a cabinet.ChangeLog; the store's
// loading error; ctx's).
func New(ctx context.Context, store Store, opts ...Option) (*Kit, error) {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	var shared []cabinet.Option
	popts := []policy.Option{policy.WithReloadHook(c.onReload)}
	if c.clock != nil {
		shared = append(shared, cabinet.WithClock(c.clock))
		popts = append(popts, policy.WithClock(c.clock))
	}
	if c.ids != nil {
		shared = append(shared, cabinet.WithIDs(c.ids))
	}
	engine, err := policy.New(ctx, store, popts...)
	if err != nil {
		return nil, err
	}
	log := store.(cabinet.ChangeLog) // policy.New checked it
	k := &Kit{Policy: engine, onError: c.onError}
	if len(c.sinks) > 0 {
		if c.cursor == nil {
			c.cursor = cabinet.NewMemoryCursor(engine.Revision())
		}
		k.delivery = cabinet.NewDelivery(log, c.cursor, append([]cabinet.EventSink{engineFirst{engine, k}}, c.sinks...)...)
	}
	dossiers := access.NewFacts(store, shared...)
	groups := clientgroup.NewFacts(store, dossiers, shared...)
	accounts := team.NewFacts(store, groups, dossiers)
	contacts := contact.NewFacts(store)
	k.Due = due.NewService(store, shared...)
	k.Access = access.NewService(store, groups, accounts, shared...)
	k.Contacts = contact.NewService(store, groups, accounts, dossiers, shared...)
	k.Groups = clientgroup.NewService(store, accounts, dossiers, append(shared, cabinet.WithCollaboratorListeners(k.Contacts))...)
	k.Procedures = procedure.NewService(store, groups, dossiers, accounts, contacts, shared...)
	k.Teams = team.NewService(store, groups, dossiers, append(shared, cabinet.WithAccountListeners(
		append([]cabinet.AccountListener{k.Access, k.Contacts, k.Procedures}, c.listeners...)...))...)
	if h, ok := store.(interface{ OnCommit(func(cabinet.Revision)) }); ok {
		h.OnCommit(func(cabinet.Revision) {
			if err := k.Sync(context.Background()); err != nil {
				k.report(err)
			}
		})
	}
	return k, nil
}

// Sync applies every change committed so far to the engine
// (policy.Engine.Sync), then delivers every batch the host's sinks have not
// been handed (cabinet.Delivery.Drain). A restarted process with a
// persisted cursor calls it (or Run) once to deliver what was committed
// before it stopped; on a store with commit hooks kit calls it after every
// commit. It returns the first error, the engine's or the delivery's
// (*cabinet.StaleError when the cursor fell out of the log's retention);
// ctx's when it is done.
func (k *Kit) Sync(ctx context.Context) error {
	if _, err := k.Policy.Sync(ctx); err != nil {
		return err
	}
	if k.delivery == nil {
		return nil
	}
	_, err := k.delivery.Drain(ctx)
	return err
}

// Run keeps the engine and the host's sinks current from the store's change
// log until ctx is done: the engine's follow loop (policy.Engine.Follow)
// and the delivery loop (cabinet.Delivery.Run), each waiting for the next
// commit (cabinet.ChangeLog.Wait), whichever process made it. It returns
// ctx's error once ctx is done, or the first error of either loop (after
// stopping the other): the host restarts Run after a pause. A process
// whose commits all go through a store with commit hooks does not need
// it.
func (k *Kit) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 2)
	loops := 1
	go func() { errs <- k.Policy.Follow(ctx) }()
	if k.delivery != nil {
		loops++
		go func() { errs <- k.delivery.Run(ctx) }()
	}
	err := <-errs
	cancel()
	for range loops - 1 {
		<-errs
	}
	return err
}

func (k *Kit) report(err error) {
	if k.onError != nil {
		k.onError(err)
	}
}

// engineFirst is the first sink of the delivery: it makes sure the engine
// has applied a batch's revision before the host's sinks see it, so that a
// host reacting to an event asks an engine that knows it.
type engineFirst struct {
	engine *policy.Engine
	k      *Kit
}

func (s engineFirst) Publish(ctx context.Context, b cabinet.Batch) {
	if _, err := s.engine.Await(ctx, policy.AtLeast(b.Revision)); err != nil {
		s.k.report(err)
	}
}
