package clientgroup_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
)

var ctx = context.Background()

// fakeUsers is the team side: accounts by ID.
type fakeUsers struct {
	mu    sync.Mutex
	users map[cabinet.UserID]cabinet.User
}

func (f *fakeUsers) add(id cabinet.UserID, email string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users == nil {
		f.users = map[cabinet.UserID]cabinet.User{}
	}
	f.users[id] = cabinet.User{ID: id, DisplayName: string(id), Email: email}
}

func (f *fakeUsers) User(_ context.Context, _ cabinet.Tx, id cabinet.UserID) (cabinet.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return cabinet.User{}, cabinet.NotFound("user", id)
	}
	return u, nil
}

// setDossier writes the access record of the dossier described by d
// straight into the store (package access's role); the service reads it
// through the real access.Facts, in its own transactions.
func (e *env) setDossier(d cabinet.DossierFacts) {
	_, err := e.store.UpdateAccess(ctx, func(w access.Writer) error {
		return w.PutDossier(ctx, access.Dossier{ID: d.ID, Office: d.Office, Name: "Dossier " + string(d.ID), Status: d.Status,
			Manager: d.Manager, Assigned: slices.Clone(d.Assigned), CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)})
	})
	if err != nil {
		panic(err)
	}
}

// errOf and errRev keep the error of a command's results.
func errOf[T any](_ T, _ cabinet.Revision, err error) error { return err }
func errRev(_ cabinet.Revision, err error) error            { return err }

// env is an office "office_1" created by ann (admin) with bob (admin), and
// sam, tia, ugo (standard); vic has an account but is no collaborator.
// Dossiers: act1, act2, act3 activated (act1 managed by sam, act2 with tia
// assigned), draft, archived; other is an activated dossier of another
// office.
type env struct {
	svc    *clientgroup.Service
	store  *memstore.Store
	users  *fakeUsers
	log    *cabinet.EventLog
	clock  *cabinet.ManualClock // the service's (issue 16's expiries)
	office cabinet.OfficeID
}

// newEnv builds the fixture; t may be nil in Example functions.
func newEnv(t testing.TB) *env { return newEnvOn(t, memstore.RunTwice()) }

// newEnvOn is newEnv over a store made with opts, whose change log is
// delivered to the env's log. Besides the collaborators, fam (a family
// member of a vault), adv (an external advisor) and con (a contributor)
// have accounts and no link to the office.
func newEnvOn(t testing.TB, opts ...memstore.Option) *env {
	if t != nil {
		t.Helper()
	}
	log := &cabinet.EventLog{}
	e := &env{store: memstore.New(append(opts, memstore.Deliver(log))...), users: &fakeUsers{}, log: log,
		clock: cabinet.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))}
	for _, u := range []cabinet.UserID{"ann", "bob", "sam", "tia", "ugo", "vic", "fam", "adv", "con"} {
		e.users.add(u, string(u)+"@example.com")
	}
	e.svc = clientgroup.NewService(e.store, e.users, access.NewFacts(e.store),
		cabinet.WithIDs(&cabinet.SequentialIDs{}),
		cabinet.WithClock(e.clock))
	o, _, err := e.svc.CreateOffice(ctx, "ann", "Ann & Co", "office@example.com")
	must(t, err)
	e.office = o.ID
	_, _, err = e.svc.AddCollaborator(ctx, "ann", o.ID, "bob", cabinet.ProfileAdmin)
	must(t, err)
	for _, u := range []cabinet.UserID{"sam", "tia", "ugo"} {
		_, _, err = e.svc.AddCollaborator(ctx, "ann", o.ID, u, cabinet.ProfileStandard)
		must(t, err)
	}
	e.setDossier(cabinet.DossierFacts{ID: "act1", Office: o.ID, Status: cabinet.DossierActivated, Manager: "sam"})
	e.setDossier(cabinet.DossierFacts{ID: "act2", Office: o.ID, Status: cabinet.DossierActivated, Assigned: []cabinet.UserID{"tia"}})
	e.setDossier(cabinet.DossierFacts{ID: "act3", Office: o.ID, Status: cabinet.DossierActivated})
	e.setDossier(cabinet.DossierFacts{ID: "draft", Office: o.ID, Status: cabinet.DossierDraft})
	e.setDossier(cabinet.DossierFacts{ID: "archived", Office: o.ID, Status: cabinet.DossierArchived})
	e.setDossier(cabinet.DossierFacts{ID: "other", Office: "office_elsewhere", Status: cabinet.DossierActivated})
	e.log.Reset()
	return e
}

func must(t testing.TB, err error) {
	if err != nil && t == nil {
		panic(err)
	}
	if err != nil {
		t.Helper()
		t.Fatal(err)
	}
}

// wantErr asserts err matches sentinel and, when set, names rule or field.
func wantErr(t *testing.T, err, sentinel error, ruleOrField string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if ruleOrField != "" && cabinet.RuleOf(err) != ruleOrField && cabinet.FieldOf(err) != ruleOrField {
		t.Fatalf("err = %v, want it to name %q", err, ruleOrField)
	}
}

func (e *env) routes(t testing.TB, u cabinet.UserID, d cabinet.DossierID) cabinet.Routes {
	t.Helper()
	r, err := e.svc.Routes(ctx, u, u, d)
	must(t, err)
	return r
}

// snapshot is every record of the store, for "a failed command changes
// nothing" (SPEC §3 invariant 8): the package's and the dossiers (which
// RemoveCollaborator releases, GRP-11).
type snapshot struct {
	Dossiers           []access.Dossier
	Offices            []clientgroup.Office
	Collaborators      []clientgroup.Collaborator
	CollaboratorGroups []clientgroup.CollaboratorGroup
	Members            []clientgroup.Member
	ClientGroups       []clientgroup.ClientGroup
	Direct             []clientgroup.DirectAssignment
	GroupAssignments   []clientgroup.GroupAssignment
	Placements         []clientgroup.Placement
	Revision           cabinet.Revision
}

func takeSnapshot(t testing.TB, s *memstore.Store) snapshot {
	t.Helper()
	var sn snapshot
	err := s.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		var errs [8]error
		sn.Offices, _, errs[0] = r.Offices(ctx, cabinet.Page{})
		sn.Collaborators, _, errs[1] = r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, cabinet.Page{})
		sn.CollaboratorGroups, _, errs[2] = r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, cabinet.Page{})
		sn.Members, _, errs[3] = r.Members(ctx, clientgroup.MemberFilter{}, cabinet.Page{})
		sn.ClientGroups, _, errs[4] = r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, cabinet.Page{})
		sn.Direct, _, errs[5] = r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, cabinet.Page{})
		sn.GroupAssignments, _, errs[6] = r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, cabinet.Page{})
		sn.Placements, _, errs[7] = r.Placements(ctx, clientgroup.PlacementFilter{}, cabinet.Page{})
		return errors.Join(errs[:]...)
	})
	must(t, err)
	must(t, s.ViewAccess(ctx, func(r access.Reader) error {
		var err error
		sn.Dossiers, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, p)
		})
		return err
	}))
	sn.Revision = s.Revision()
	return sn
}

// profile is user's profile in office, as the other packages see it
// (clientgroup.Facts.Profile): ErrNotFound for an unknown office or a
// non-collaborator.
func (e *env) profile(office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	var p cabinet.Profile
	err := e.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		var err error
		p, err = clientgroup.NewFacts(e.store, access.NewFacts(e.store)).Profile(ctx, r.Tx(), office, user)
		return err
	})
	return p, err
}
