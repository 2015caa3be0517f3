package access_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// The tests run the access service over the real stores and facts of its
// neighbours (clientgroup.Facts for the directory, team.Facts for the
// accounts) on one memstore, so that every fact a rule depends on is read
// in the command's transaction, and a failed command rolls back all of
// them.

// errOf and errRev keep the error of a command's results.
func errOf[T any](_ T, _ cabinet.Revision, err error) error { return err }
func errRev(_ cabinet.Revision, err error) error            { return err }

// newUser is an account (not stored).
func newUser(id cabinet.UserID, email string) cabinet.User {
	return cabinet.User{ID: id, DisplayName: string(id), Email: email, CreatedAt: start}
}

// put writes records of the neighbours straight into the store.
func putUser(ctx context.Context, store *memstore.Store, u cabinet.User) error {
	_, err := store.UpdateTeams(ctx, func(w team.Writer) error { return w.PutUser(ctx, u) })
	return err
}

func putCollaborator(ctx context.Context, store *memstore.Store, office cabinet.OfficeID, u cabinet.UserID, p cabinet.Profile) error {
	_, err := store.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		if _, err := w.Office(ctx, office); err != nil {
			if err := w.PutOffice(ctx, clientgroup.Office{ID: office, Name: "Office " + string(office), Email: string(office) + "@offices.example", CreatedBy: u, CreatedAt: start}); err != nil {
				return err
			}
		}
		return w.PutCollaborator(ctx, clientgroup.Collaborator{Office: office, User: u, Profile: p, AddedAt: start})
	})
	return err
}

// newAccessService builds an access service (and the clientgroup service
// that removes collaborators) over store, with the real facts.
func newAccessService(store *memstore.Store, opts ...cabinet.Option) (*access.Service, *clientgroup.Service) {
	dossiers := access.NewFacts(store, opts...)
	dir := clientgroup.NewFacts(store, dossiers, opts...)
	accounts := team.NewFacts(store, dir, dossiers)
	return access.NewService(store, dir, accounts, opts...), clientgroup.NewService(store, accounts, dossiers, opts...)
}

// signUp plays the part of team.Service.CreateUser for this package alone:
// it stores the account u and runs svc.AccountCreated in the same
// transaction, as the account's creation would, and emits the events it
// returns as one batch in that transaction.
func signUp(ctx context.Context, store *memstore.Store, svc *access.Service, u cabinet.User) error {
	_, err := store.UpdateTeams(ctx, func(w team.Writer) error {
		if err := w.PutUser(ctx, u); err != nil {
			return err
		}
		events, err := svc.AccountCreated(ctx, w.Tx(), u)
		if err != nil || len(events) == 0 {
			return err
		}
		return w.Tx().Emit(cabinet.Batch{Host: "signup", Events: events})
	})
	return err
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
	t      *testing.T
	ctx    context.Context
	store  *memstore.Store
	groups *clientgroup.Service
	clock  *cabinet.ManualClock
	log    *cabinet.EventLog
	svc    *access.Service

	dossier                         access.Dossier
	holder, coHolder, spouse, child access.Person
	notary                          access.Advisor
	holderGrant, notaryGrant        access.Grant
}

func newService(t *testing.T) *world { return newServiceOn(t, memstore.RunTwice()) }

// newServiceOn is newService over a store made with opts, whose change log
// is delivered to the world's log.
func newServiceOn(t *testing.T, opts ...memstore.Option) *world {
	t.Helper()
	log := &cabinet.EventLog{}
	w := &world{t: t, ctx: context.Background(), store: memstore.New(append(opts, memstore.Deliver(log))...),
		clock: cabinet.NewManualClock(start), log: log}
	w.svc, w.groups = newAccessService(w.store,
		cabinet.WithClock(w.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	for _, c := range []struct {
		office cabinet.OfficeID
		user   cabinet.UserID
		p      cabinet.Profile
	}{
		{office, uAdmin, cabinet.ProfileAdmin}, {office, uMgr, cabinet.ProfileStandard}, {office, uCol, cabinet.ProfileStandard},
		{office, uOther, cabinet.ProfileStandard}, {"o2", uStrange, cabinet.ProfileAdmin},
	} {
		require.NoError(t, putUser(w.ctx, w.store, newUser(c.user, string(c.user)+"@staff.example")))
		require.NoError(t, putCollaborator(w.ctx, w.store, c.office, c.user, c.p))
	}
	return w
}

// signUp creates account id with email, linking what waited for it.
func (w *world) signUp(id cabinet.UserID, email string) {
	w.t.Helper()
	require.NoError(w.t, signUp(w.ctx, w.store, w.svc, newUser(id, email)))
}

func newWorld(t *testing.T) *world { return newWorldOn(t, memstore.RunTwice()) }

// newWorldOn is newWorld over a store made with opts.
func newWorldOn(t *testing.T, opts ...memstore.Option) *world {
	t.Helper()
	w := newServiceOn(t, opts...)
	var err error
	w.dossier, _, err = w.svc.CreateDossier(w.ctx, uMgr, office, "Martin family")
	require.NoError(t, err)
	require.NoError(t, errOf(w.svc.SetAssigned(w.ctx, uMgr, w.dossier.ID, []cabinet.UserID{uCol})))
	require.NoError(t, errOf(w.svc.SetStatus(w.ctx, uMgr, w.dossier.ID, cabinet.DossierActivated)))
	w.holder = w.mustAddPerson("Anne Martin", access.RelationHolder)
	w.coHolder = w.mustAddPerson("Paul Martin", access.RelationCoHolder)
	w.spouse = w.mustAddPerson("Eve Martin", access.RelationSpouse)
	w.child = w.mustAddPerson("Léa Martin", access.RelationChild)
	w.signUp(uHolder, holderEmail)
	w.holderGrant, _, err = w.svc.GrantPerson(w.ctx, uMgr, w.holder.ID, access.GrantInput{Email: holderEmail, Phone: phone, Level: access.LevelReadWrite})
	require.NoError(t, err)
	w.notary, _, err = w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "Maître Dupont", Email: notaryEmail, Phone: phone, Type: access.AdvisorNotary})
	require.NoError(t, err)
	w.signUp(uNotary, notaryEmail)
	w.notaryGrant, _, err = w.svc.GrantAdvisor(w.ctx, uMgr, w.notary.ID, access.LevelReadWrite)
	require.NoError(t, err)
	w.dossier = w.getDossier()
	w.log.Reset()
	return w
}

func (w *world) mustAddPerson(name string, rel access.Relation) access.Person {
	w.t.Helper()
	p, _, err := w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: name, Relation: rel})
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

// snapshot is every record of the access store, the records of the
// directory a command of access may read or write (collaborators,
// placements), the accounts, and the store's revision.
type snapshot struct {
	Dossiers      []access.Dossier
	Persons       []access.Person
	Advisors      []access.Advisor
	Grants        []access.Grant
	Collaborators []clientgroup.Collaborator
	Placements    []clientgroup.Placement
	Users         []cabinet.User
	Revision      cabinet.Revision
}

func takeSnapshot(ctx context.Context, s *memstore.Store) (snapshot, error) {
	var snap snapshot
	snap.Revision = s.Revision()
	err := s.ViewAccess(ctx, func(r access.Reader) error {
		var err error
		cg, err := s.ClientGroupReader(r.Tx())
		if err != nil {
			return err
		}
		if snap.Collaborators, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return cg.Collaborators(ctx, clientgroup.CollaboratorFilter{}, p)
		}); err != nil {
			return err
		}
		if snap.Placements, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
			return cg.Placements(ctx, clientgroup.PlacementFilter{}, p)
		}); err != nil {
			return err
		}
		tr, err := s.TeamReader(r.Tx())
		if err != nil {
			return err
		}
		if snap.Users, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error) {
			return tr.ListUsers(ctx, p)
		}); err != nil {
			return err
		}
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

// dossierFacts reads the facts other packages see of dossier id.
func (w *world) dossierFacts(id cabinet.DossierID) (cabinet.DossierFacts, error) {
	var f cabinet.DossierFacts
	err := w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		f, err = access.NewFacts(w.store).DossierFacts(w.ctx, r.Tx(), id)
		return err
	})
	return f, err
}

func teamFacts(s *memstore.Store) *team.Facts {
	dossiers := access.NewFacts(s)
	return team.NewFacts(s, clientgroup.NewFacts(s, dossiers), dossiers)
}

// typeName is the package-qualified name of v's type, e.g.
// "access.GrantCreated".
func typeName(v any) string { return fmt.Sprintf("%T", v) }

// snake writes a Go type name in snake_case ("GrantLevelChanged" →
// "grant_level_changed").
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
