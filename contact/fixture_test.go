package contact_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

// fakeDir is the office directory: office → user → profile.
type fakeDir map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile

func (d fakeDir) Profile(_ context.Context, _ cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	if p, ok := d[office][user]; ok {
		return p, nil
	}
	return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", user)
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
// mallory (nobody's collaborator).
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
	dir      fakeDir
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{store: memstore.New(memstore.RunTwice()), log: &cabinet.EventLog{}, clock: cabinet.NewManualClock(t0), accounts: fakeAccounts{}}
	dir := fakeDir{
		o1: {alice: cabinet.ProfileAdmin, bob: cabinet.ProfileStandard},
		o2: {carol: cabinet.ProfileAdmin},
	}
	f.dir = dir
	f.svc = contact.NewService(f.store, dir, f.accounts,
		cabinet.WithClock(f.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(f.log))
	return f
}

func (f *fixture) mustCreate(t testing.TB, office cabinet.OfficeID, k contact.Kind, first, last, email string) contact.Contact {
	t.Helper()
	actor := alice
	if office == o2 {
		actor = carol
	}
	c, err := f.svc.CreateContact(ctx, actor, office, k, contact.Fields{FirstName: first, LastName: last, Email: email})
	if err != nil {
		t.Fatalf("CreateContact(%s %s): %v", first, last, err)
	}
	return c
}

func (f *fixture) mustInvite(t testing.TB, id cabinet.ContactID) contact.Contact {
	t.Helper()
	c, err := f.svc.InviteContact(ctx, alice, id)
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
// creation would, and publishes the events it returns to log as one batch.
func signUp(ctx context.Context, store *memstore.Store, svc *contact.Service, log cabinet.EventSink, u cabinet.User) error {
	var events []cabinet.Event
	rev, err := store.UpdateContacts(ctx, func(w contact.Writer) error {
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
