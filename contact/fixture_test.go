package contact_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

// member is a collaborator of an office: their profile and when their
// current membership began.
type member struct {
	profile cabinet.Profile
	since   time.Time
}

// fakeDir is the office directory (office → user → member) and the
// internal routes (user → dossiers reached).
type fakeDir struct {
	members map[cabinet.OfficeID]map[cabinet.UserID]member
	reaches map[cabinet.UserID]map[cabinet.DossierID]bool
}

func (d *fakeDir) Profile(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	if m, ok := d.members[office][user]; ok {
		return m.profile, nil
	}
	return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", user)
}

func (d *fakeDir) CollaboratorSince(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (time.Time, error) {
	if m, ok := d.members[office][user]; ok {
		return m.since, nil
	}
	return time.Time{}, cabinet.NotFound("collaborator", user)
}

func (d *fakeDir) ReachesDossier(_ context.Context, _ cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	return d.reaches[user][dossier], nil
}

// add makes user a collaborator of office with profile p since at.
func (d *fakeDir) add(office cabinet.OfficeID, user cabinet.UserID, p cabinet.Profile, at time.Time) {
	if d.members[office] == nil {
		d.members[office] = map[cabinet.UserID]member{}
	}
	d.members[office][user] = member{profile: p, since: at}
}

// remove takes user out of office.
func (d *fakeDir) remove(office cabinet.OfficeID, user cabinet.UserID) {
	delete(d.members[office], user)
}

// reach makes user reach dossier internally.
func (d *fakeDir) reach(user cabinet.UserID, dossier cabinet.DossierID) {
	if d.reaches[user] == nil {
		d.reaches[user] = map[cabinet.DossierID]bool{}
	}
	d.reaches[user][dossier] = true
}

// fakeDossiers holds dossiers' facts and the persons of their trees.
type fakeDossiers struct {
	dossiers map[cabinet.DossierID]cabinet.DossierFacts
	persons  map[access.PersonID]cabinet.DossierID
}

func (f *fakeDossiers) DossierFacts(_ context.Context, _ cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	if d, ok := f.dossiers[id]; ok {
		return d, nil
	}
	return cabinet.DossierFacts{}, cabinet.NotFound("dossier", id)
}

func (f *fakeDossiers) PersonDossier(_ context.Context, _ cabinet.Tx, person access.PersonID) (cabinet.DossierID, error) {
	if d, ok := f.persons[person]; ok {
		return d, nil
	}
	return "", cabinet.NotFound("person", person)
}

// fakeAccounts maps cabinet.EmailKey → user.
type fakeAccounts map[string]cabinet.User

func (a fakeAccounts) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	if u, ok := a[cabinet.EmailKey(email)]; ok {
		return u, nil
	}
	return cabinet.User{}, cabinet.NotFound("user", email)
}

// Users: alice (admin of o1), bob (standard in o1), carol (admin of o2),
// mallory (nobody's collaborator). Dossiers: d1 (o1, activated, reached by
// alice; tree persons p1, p2), d2 (o2, reached by carol), d3 (o1, archived,
// reached by alice and bob; person p3).
const (
	alice   cabinet.UserID   = "alice"
	bob     cabinet.UserID   = "bob"
	carol   cabinet.UserID   = "carol"
	mallory cabinet.UserID   = "mallory"
	o1      cabinet.OfficeID = "o1"
	o2      cabinet.OfficeID = "o2"
)

type fixture struct {
	svc      *contact.Service
	store    *memstore.Store
	log      *cabinet.EventLog
	clock    *cabinet.ManualClock
	accounts fakeAccounts
	dir      *fakeDir
	dossiers *fakeDossiers
}

func newFixture(t testing.TB, opts ...memstore.Option) *fixture {
	t.Helper()
	if opts == nil {
		opts = []memstore.Option{memstore.RunTwice()}
	}
	log := &cabinet.EventLog{}
	f := &fixture{store: memstore.New(append(opts, memstore.Deliver(log))...), log: log, clock: cabinet.NewManualClock(t0), accounts: fakeAccounts{}}
	f.dir = &fakeDir{members: map[cabinet.OfficeID]map[cabinet.UserID]member{}, reaches: map[cabinet.UserID]map[cabinet.DossierID]bool{}}
	before := t0.Add(-24 * time.Hour)
	f.dir.add(o1, alice, cabinet.ProfileAdmin, before)
	f.dir.add(o1, bob, cabinet.ProfileStandard, before)
	f.dir.add(o2, carol, cabinet.ProfileAdmin, before)
	f.dir.reach(alice, "d1")
	f.dir.reach(carol, "d2")
	f.dir.reach(alice, "d3")
	f.dir.reach(bob, "d3")
	f.dossiers = &fakeDossiers{
		dossiers: map[cabinet.DossierID]cabinet.DossierFacts{
			"d1": {ID: "d1", Office: o1, Status: cabinet.DossierActivated},
			"d2": {ID: "d2", Office: o2, Status: cabinet.DossierActivated},
			"d3": {ID: "d3", Office: o1, Status: cabinet.DossierArchived},
		},
		persons: map[access.PersonID]cabinet.DossierID{"p1": "d1", "p2": "d1", "p3": "d3", "p9": "d2"},
	}
	f.svc = contact.NewService(f.store, f.dir, f.accounts, f.dossiers,
		cabinet.WithClock(f.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	return f
}

func (f *fixture) mustCreate(t testing.TB, office cabinet.OfficeID, k contact.Kind, first, last, email string) contact.Contact {
	t.Helper()
	actor := alice
	if office == o2 {
		actor = carol
	}
	c, _, err := f.svc.CreateContact(ctx, actor, office, k, contact.Fields{FirstName: first, LastName: last, Email: email})
	if err != nil {
		t.Fatalf("CreateContact(%s %s): %v", first, last, err)
	}
	return c
}

func (f *fixture) mustInvite(t testing.TB, id cabinet.ContactID) contact.Contact {
	t.Helper()
	c, _, err := f.svc.InviteContact(ctx, alice, id)
	if err != nil {
		t.Fatalf("InviteContact(%s): %v", id, err)
	}
	return c
}

func (f *fixture) get(t testing.TB, id cabinet.ContactID) contact.Contact {
	t.Helper()
	var c contact.Contact
	err := f.store.ViewContacts(ctx, func(r contact.Reader) error {
		var err error
		c, err = r.Contact(ctx, id)
		return err
	})
	if err != nil {
		t.Fatalf("Contact(%s): %v", id, err)
	}
	return c
}

// wantErr checks err against a sentinel and, when set, the rule or field.
func wantErr(t testing.TB, err, sentinel error, ruleOrField string) {
	t.Helper()
	if sentinel == nil {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if ruleOrField == "" {
		return
	}
	if got := cabinet.RuleOf(err) + cabinet.FieldOf(err); got != ruleOrField {
		t.Fatalf("err = %v names %q, want %q", err, got, ruleOrField)
	}
}

// signUp plays the part of team.Service.CreateUser for this package alone:
// it runs svc.AccountCreated inside a transaction of store, as the account's
// creation would, and emits the events it returns as one batch in that
// transaction.
func signUp(ctx context.Context, store *memstore.Store, svc *contact.Service, u cabinet.User) error {
	_, err := store.UpdateContacts(ctx, func(w contact.Writer) error {
		events, err := svc.AccountCreated(ctx, w.Tx(), u)
		if err != nil || len(events) == 0 {
			return err
		}
		return w.Tx().Emit(cabinet.Batch{Actor: u.ID, Events: events})
	})
	return err
}
