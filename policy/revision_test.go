package policy_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
)

// An engine built over a store that already holds state starts at the
// store's revision, and an engine fed by the services' events follows it:
// a replica can compare Revision with a change's revision (a "zookie").
func TestEngineRevisionFollowsTheStore(t *testing.T) {
	w := newRich(t)
	if got, want := w.k.Policy.Revision(), w.store.Revision(); got != want {
		t.Errorf("kit's engine: revision %d, want the store's %d", got, want)
	}
	e, err := policy.New(w.ctx, engSources(w.store))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Revision(), w.store.Revision(); got != want || got == 0 {
		t.Errorf("New over a populated store: revision %d, want the store's %d", got, want)
	}
}

// relay forwards batches to an engine set after the services exist.
type relay struct {
	mu sync.Mutex
	e  *policy.Engine
}

func (r *relay) Publish(ctx context.Context, b cabinet.Batch) {
	r.mu.Lock()
	e := r.e
	r.mu.Unlock()
	if e != nil {
		e.Publish(ctx, b)
	}
}

// gatedProcedures holds the first ViewProcedures call after arm, the last
// View of a load, until gate is closed.
type gatedProcedures struct {
	procedure.Store
	armed   atomic.Bool
	entered chan struct{}
	gate    chan struct{}
}

func (g *gatedProcedures) ViewProcedures(ctx context.Context, fn func(procedure.Reader) error) error {
	if g.armed.CompareAndSwap(true, false) {
		close(g.entered)
		<-g.gate
	}
	return g.Store.ViewProcedures(ctx, fn)
}

// A change committed while Reload is loading, after the load has read the
// store it touches, is in the index that Reload installs (GRP-3's assigned
// route here), and the revision covers it.
func TestReloadKeepsBatchesPublishedDuringTheLoad(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(memstore.RunTwice())
	rl := &relay{}
	k, err := kit.New(ctx, store, kit.WithClock(cabinet.NewManualClock(engT0)), kit.WithSink(rl))
	if err != nil {
		t.Fatal(err)
	}
	admin := engMust(rec(k.Teams.CreateUser(ctx, testHost, "Ada", "ada@example.com")))(t).ID
	staff := engMust(rec(k.Teams.CreateUser(ctx, testHost, "Sam", "sam@example.com")))(t).ID
	office := engMust(rec(k.Groups.CreateOffice(ctx, admin, "Practice", "office@example.com")))(t).ID
	engMust(rec(k.Groups.AddCollaborator(ctx, admin, office, staff, cabinet.ProfileStandard)))(t)
	d := engMust(rec(k.Access.CreateDossier(ctx, admin, office, "Dupont")))(t).ID

	procs := &gatedProcedures{Store: store, entered: make(chan struct{}), gate: make(chan struct{})}
	src := engSources(store)
	src.Procedures = procs
	e, err := policy.New(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	rl.mu.Lock()
	rl.e = e
	rl.mu.Unlock()
	if dec := engMust(e.Check(ctx, policy.User(staff), policy.ViewDossier, policy.DossierResource(d)))(t); dec.Allowed {
		t.Fatalf("before the assignment: %v", dec)
	}

	procs.armed.Store(true)
	done := make(chan error, 1)
	go func() { done <- e.Reload(ctx) }()
	<-procs.entered // the load has read teams, client groups, access and contacts
	engOK(t, errOf(k.Access.SetAssigned(ctx, admin, d, []cabinet.UserID{staff})))
	close(procs.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	dec := engMust(e.Check(ctx, policy.User(staff), policy.ViewDossier, policy.DossierResource(d)))(t)
	if !dec.Allowed {
		t.Errorf("after Reload: %v; the assignment made during the load is lost", dec)
	}
	if got, want := e.Revision(), store.Revision(); got != want {
		t.Errorf("after Reload: revision %d, want the store's %d", got, want)
	}
}
