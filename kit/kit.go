// Package kit wires every cabinet package together over one store: the five
// domain services and the policy engine, with the facts each service needs
// from the others (office profiles, dossier facts, accounts), and the
// delivery of every committed batch of events from the store's change log
// into the engine's index and then to the host's own sinks. It is the few
// lines a host would otherwise write by hand; examples and tests use it.
//
// The facts a command needs from another package are read in the
// command's own transaction, through that package's Facts (team.Facts,
// access.Facts, clientgroup.Facts, contact.Facts), which need only the
// store: kit builds them first, then the services, with no forwarding
// adapters.
package kit

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Store is a backend that holds every package's state, such as
// *memstore.Store. kit also needs it to be a cabinet.ChangeLog (the source
// of the engine's refreshes and of the host's events), and uses its
// OnCommit hooks when it has them (see New).
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

	delivery *cabinet.Delivery
}

// Option configures New.
type Option func(*config)

type config struct {
	clock     cabinet.Clock
	ids       cabinet.IDGenerator
	listeners []cabinet.AccountListener
	sinks     []cabinet.EventSink
	cursor    cabinet.DeliveryCursor
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
// store's change log, at least once, in revision order, after the engine
// has applied it (cabinet.Delivery).
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

// New builds the policy engine from the store's current state, then the five
// services, and wires the store's change log to the engine and the host's
// sinks (WithSink). It returns the engine's loading error, if any, and an
// *cabinet.InvalidError naming "store" when store is not a
// cabinet.ChangeLog.
//
// On a store with commit hooks (OnCommit(func(cabinet.Revision)), as
// memstore.Store has), every commit of this process is applied to the
// engine and delivered to the sinks before the command that made it
// returns.
func New(ctx context.Context, store Store, opts ...Option) (*Kit, error) {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	log, ok := store.(cabinet.ChangeLog)
	if !ok {
		return nil, cabinet.Invalid("store", "keeps no change log (cabinet.ChangeLog): kit delivers committed events from it")
	}
	var shared []cabinet.Option
	if c.clock != nil {
		shared = append(shared, cabinet.WithClock(c.clock))
	}
	if c.ids != nil {
		shared = append(shared, cabinet.WithIDs(c.ids))
	}
	engine, err := policy.New(ctx, policy.Sources{
		Teams: store, Access: store, ClientGroups: store, Contacts: store, Procedures: store,
	}, shared...)
	if err != nil {
		return nil, err
	}
	if c.cursor == nil {
		c.cursor = cabinet.NewMemoryCursor(engine.Revision())
	}
	dossiers := access.NewFacts(store)
	groups := clientgroup.NewFacts(store, dossiers)
	accounts := team.NewFacts(store, groups, dossiers)
	contacts := contact.NewFacts(store)
	k := &Kit{Policy: engine}
	k.delivery = cabinet.NewDelivery(log, c.cursor, append([]cabinet.EventSink{engine}, c.sinks...)...)
	k.Access = access.NewService(store, groups, accounts, shared...)
	k.Contacts = contact.NewService(store, groups, accounts, dossiers, shared...)
	k.Groups = clientgroup.NewService(store, accounts, dossiers, append(shared, cabinet.WithCollaboratorListeners(k.Contacts))...)
	k.Procedures = procedure.NewService(store, groups, dossiers, accounts, contacts, shared...)
	k.Teams = team.NewService(store, groups, dossiers, append(shared, cabinet.WithAccountListeners(
		append([]cabinet.AccountListener{k.Access, k.Contacts, k.Procedures}, c.listeners...)...))...)
	if h, ok := store.(interface{ OnCommit(func(cabinet.Revision)) }); ok {
		h.OnCommit(func(cabinet.Revision) { _, _ = k.delivery.Drain(context.Background()) })
	}
	return k, nil
}
