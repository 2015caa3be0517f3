// Package kit wires every cabinet package together over one store: the five
// domain services and the policy engine, with the facts each service needs
// from the others (office profiles, dossier facts, accounts) and every
// committed event flowing into the engine's index before the host's own
// sink. It is the few lines a host would otherwise write by hand; examples
// and tests use it.
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
	"github.com/cabinet-go/cabinet/due"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Store is a backend that holds every package's state, such as
// *memstore.Store.
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
	// Policy answers can-X-do-Y; it is fed by every service's events.
	Policy *policy.Engine
	// Due lists every time-driven obligation at an instant, on the kit's
	// clock (package due).
	Due *due.Service
}

// New builds the policy engine from the store's current state, then the five
// services and the due list. opts are given to every service and to the engine; an event sink
// given with cabinet.WithEvents receives every batch after the engine has
// applied it. It returns the engine's loading error, if any.
func New(ctx context.Context, store Store, opts ...cabinet.Option) (*Kit, error) {
	o := cabinet.NewOptions(opts...)
	engine, err := policy.New(ctx, policy.Sources{
		Teams: store, Access: store, ClientGroups: store, Contacts: store, Procedures: store,
	}, cabinet.WithClock(o.Clock))
	if err != nil {
		return nil, err
	}
	shared := []cabinet.Option{
		cabinet.WithClock(o.Clock),
		cabinet.WithIDs(o.IDs),
		cabinet.WithEvents(cabinet.MultiSink{engine, o.Events}),
	}
	dossiers := access.NewFacts(store)
	groups := clientgroup.NewFacts(store, dossiers)
	accounts := team.NewFacts(store, groups, dossiers)
	contacts := contact.NewFacts(store)
	k := &Kit{Policy: engine, Due: due.NewService(store, cabinet.WithClock(o.Clock))}
	k.Access = access.NewService(store, groups, accounts, shared...)
	k.Contacts = contact.NewService(store, groups, accounts, dossiers, shared...)
	k.Groups = clientgroup.NewService(store, accounts, dossiers, append(shared, cabinet.WithCollaboratorListeners(k.Contacts))...)
	k.Procedures = procedure.NewService(store, groups, dossiers, accounts, contacts, shared...)
	k.Teams = team.NewService(store, groups, dossiers, append(shared, cabinet.WithAccountListeners(
		append([]cabinet.AccountListener{k.Access, k.Contacts, k.Procedures}, o.AccountListeners...)...))...)
	return k, nil
}
