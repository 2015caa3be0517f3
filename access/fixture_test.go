package access_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/memstore"
)

// fakeDirectory is the office directory (clientgroup's role) for tests.
type fakeDirectory struct {
	mu       sync.Mutex
	profiles map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile
}

func (f *fakeDirectory) set(office cabinet.OfficeID, u cabinet.UserID, p cabinet.Profile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.profiles == nil {
		f.profiles = map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile{}
	}
	if f.profiles[office] == nil {
		f.profiles[office] = map[cabinet.UserID]cabinet.Profile{}
	}
	f.profiles[office][u] = p
}

func (f *fakeDirectory) Profile(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.profiles[office][u]
	if !ok {
		return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", u)
	}
	return p, nil
}

// fakeAccounts is the account directory (team's role) for tests.
type fakeAccounts struct {
	mu    sync.Mutex
	users map[string]cabinet.User
}

func (f *fakeAccounts) add(id cabinet.UserID, email string) cabinet.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users == nil {
		f.users = map[string]cabinet.User{}
	}
	u := cabinet.User{ID: id, DisplayName: string(id), Email: email}
	f.users[cabinet.EmailKey(email)] = u
	return u
}

func (f *fakeAccounts) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[cabinet.EmailKey(email)]
	if !ok {
		return u, cabinet.NotFound("user", email)
	}
	return u, nil
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	office   cabinet.OfficeID = "o1"
	uAdmin   cabinet.UserID   = "u_admin"
	uMgr     cabinet.UserID   = "u_mgr"
	uCol     cabinet.UserID   = "u_col"   // assigned collaborator
	uOther   cabinet.UserID   = "u_other" // collaborator of the office, not on the dossier
	uHolder  cabinet.UserID   = "u_holder"
	uChild   cabinet.UserID   = "u_child"
	uNotary  cabinet.UserID   = "u_notary"
	uStrange cabinet.UserID   = "u_stranger" // admin of another office
)

const (
	holderEmail = "holder@example.com"
	childEmail  = "child@example.com"
	notaryEmail = "notary@example.com"
	phone       = "06 12 34 56 78"
)

// world is a dossier managed by uMgr with uCol assigned, a family tree
// (holder granted read_write and linked to uHolder; co-holder, spouse and
// child not granted) and a notary registered, granted read_write and linked
// to uNotary.
type world struct {
	t        *testing.T
	ctx      context.Context
	store    *memstore.Store
	dir      *fakeDirectory
	accounts *fakeAccounts
	clock    *cabinet.ManualClock
	log      *cabinet.EventLog
	svc      *access.Service

	dossier                         access.Dossier
	holder, coHolder, spouse, child access.Person
	notary                          access.Advisor
	holderGrant, notaryGrant        access.Grant
}

func newService(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), store: memstore.New(memstore.RunTwice()), dir: &fakeDirectory{}, accounts: &fakeAccounts{},
		clock: cabinet.NewManualClock(start), log: &cabinet.EventLog{}}
	w.svc = access.NewService(w.store, w.dir, w.accounts,
		cabinet.WithClock(w.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(w.log))
	w.dir.set(office, uAdmin, cabinet.ProfileAdmin)
	w.dir.set(office, uMgr, cabinet.ProfileStandard)
	w.dir.set(office, uCol, cabinet.ProfileStandard)
	w.dir.set(office, uOther, cabinet.ProfileStandard)
	w.dir.set("o2", uStrange, cabinet.ProfileAdmin)
	return w
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := newService(t)
	var err error
	w.dossier, err = w.svc.CreateDossier(w.ctx, uMgr, office, "Martin family")
	require.NoError(t, err)
	require.NoError(t, w.svc.SetAssigned(w.ctx, uMgr, w.dossier.ID, []cabinet.UserID{uCol}))
	require.NoError(t, w.svc.SetStatus(w.ctx, uMgr, w.dossier.ID, cabinet.DossierActivated))
	w.holder = w.mustAddPerson("Anne Martin", access.RelationHolder)
	w.coHolder = w.mustAddPerson("Paul Martin", access.RelationCoHolder)
	w.spouse = w.mustAddPerson("Eve Martin", access.RelationSpouse)
	w.child = w.mustAddPerson("Léa Martin", access.RelationChild)
	w.accounts.add(uHolder, holderEmail)
	w.holderGrant, err = w.svc.GrantPerson(w.ctx, uMgr, w.holder.ID, access.GrantInput{Email: holderEmail, Phone: phone, Level: access.LevelReadWrite})
	require.NoError(t, err)
	w.notary, err = w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "Maître Dupont", Email: notaryEmail, Phone: phone, Type: access.AdvisorNotary})
	require.NoError(t, err)
	w.accounts.add(uNotary, notaryEmail)
	w.notaryGrant, err = w.svc.GrantAdvisor(w.ctx, uMgr, w.notary.ID, access.LevelReadWrite)
	require.NoError(t, err)
	w.dossier = w.getDossier()
	w.log.Reset()
	return w
}

func (w *world) mustAddPerson(name string, rel access.Relation) access.Person {
	w.t.Helper()
	p, err := w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: name, Relation: rel})
	require.NoError(w.t, err)
	return p
}

func (w *world) getDossier() access.Dossier {
	w.t.Helper()
	var d access.Dossier
	require.NoError(w.t, w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		d, err = r.Dossier(w.ctx, w.dossier.ID)
		return err
	}))
	return d
}

// grantOf returns the grant of person p, and whether there is one.
func (w *world) grantOf(p access.PersonID) (access.Grant, bool) {
	w.t.Helper()
	var g access.Grant
	var found bool
	require.NoError(w.t, w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		g, err = r.GrantOfPerson(w.ctx, p)
		found = err == nil
		return nil
	}))
	return g, found
}

// snapshot is every record of the access store.
type snapshot struct {
	Dossiers []access.Dossier
	Persons  []access.Person
	Advisors []access.Advisor
	Grants   []access.Grant
}

func takeSnapshot(ctx context.Context, s access.Store) (snapshot, error) {
	var snap snapshot
	err := s.ViewAccess(ctx, func(r access.Reader) error {
		var err error
		if snap.Dossiers, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, p)
		}); err != nil {
			return err
		}
		if snap.Persons, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
			return r.Persons(ctx, access.PersonFilter{}, p)
		}); err != nil {
			return err
		}
		if snap.Advisors, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Advisor, cabinet.Cursor, error) {
			return r.Advisors(ctx, access.AdvisorFilter{}, p)
		}); err != nil {
			return err
		}
		snap.Grants, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, p)
		})
		return err
	})
	return snap, err
}

func (w *world) snapshot() snapshot {
	w.t.Helper()
	s, err := takeSnapshot(w.ctx, w.store)
	require.NoError(w.t, err)
	return s
}

// signUp plays the part of team.Service.CreateUser for this package alone:
// it runs svc.AccountCreated inside a transaction of store, as the account's
// creation would, and publishes the events it returns to log as one batch.
func signUp(ctx context.Context, store *memstore.Store, svc *access.Service, log cabinet.EventSink, u cabinet.User) error {
	var events []cabinet.Event
	rev, err := store.UpdateAccess(ctx, func(w access.Writer) error {
		var err error
		events, err = svc.AccountCreated(ctx, w.Tx(), u)
		return err
	})
	if err != nil {
		return err
	}
	if len(events) > 0 {
		log.Publish(ctx, cabinet.Batch{Revision: rev, Actor: u.ID, Events: events})
	}
	return nil
}
