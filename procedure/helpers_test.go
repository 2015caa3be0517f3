package procedure_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakes implements procedure.Staff, procedure.Dossiers, procedure.Accounts
// and procedure.Contacts.
type fakes struct {
	mu       sync.Mutex
	profiles map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile
	reaches  map[cabinet.UserID]map[cabinet.DossierID]bool
	dossiers map[cabinet.DossierID]cabinet.DossierFacts
	accounts map[string]cabinet.User // by EmailKey
	contacts map[cabinet.ContactID]contact.Contact
}

func newFakes() *fakes {
	return &fakes{
		profiles: map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile{},
		reaches:  map[cabinet.UserID]map[cabinet.DossierID]bool{},
		dossiers: map[cabinet.DossierID]cabinet.DossierFacts{},
		accounts: map[string]cabinet.User{},
		contacts: map[cabinet.ContactID]contact.Contact{},
	}
}

// leave takes u out of office o (GRP-11: a collaborator removed).
func (f *fakes) leave(o cabinet.OfficeID, u cabinet.UserID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.profiles[o], u)
}

// archive sets dossier d's status.
func (f *fakes) setStatus(d cabinet.DossierID, st cabinet.DossierStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	df := f.dossiers[d]
	df.Status = st
	f.dossiers[d] = df
}

func (f *fakes) contact(c contact.Contact) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contacts[c.ID] = c
}

func (f *fakes) Contact(_ context.Context, _ cabinet.Tx, id cabinet.ContactID) (contact.Contact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.contacts[id]
	if !ok {
		return contact.Contact{}, cabinet.NotFound("contact", id)
	}
	return c, nil
}

func (f *fakes) collaborator(o cabinet.OfficeID, u cabinet.UserID, p cabinet.Profile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.profiles[o] == nil {
		f.profiles[o] = map[cabinet.UserID]cabinet.Profile{}
	}
	f.profiles[o][u] = p
}

func (f *fakes) dossier(d cabinet.DossierID, o cabinet.OfficeID, reachedBy ...cabinet.UserID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dossiers[d] = cabinet.DossierFacts{ID: d, Office: o, Status: cabinet.DossierActivated}
	for _, u := range reachedBy {
		if f.reaches[u] == nil {
			f.reaches[u] = map[cabinet.DossierID]bool{}
		}
		f.reaches[u][d] = true
	}
}

func (f *fakes) account(u cabinet.User) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accounts[cabinet.EmailKey(u.Email)] = u
}

func (f *fakes) Profile(_ context.Context, _ cabinet.Tx, o cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.profiles[o][u]
	if !ok {
		return cabinet.ProfileInvalid, cabinet.NotFound("collaborator", u)
	}
	return p, nil
}

func (f *fakes) ReachesDossier(_ context.Context, _ cabinet.Tx, u cabinet.UserID, d cabinet.DossierID) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reaches[u][d], nil
}

func (f *fakes) DossierFacts(_ context.Context, _ cabinet.Tx, d cabinet.DossierID) (cabinet.DossierFacts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	df, ok := f.dossiers[d]
	if !ok {
		return cabinet.DossierFacts{}, cabinet.NotFound("dossier", d)
	}
	return df, nil
}

func (f *fakes) UserByEmail(_ context.Context, _ cabinet.Tx, email string) (cabinet.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.accounts[cabinet.EmailKey(email)]
	if !ok {
		return cabinet.User{}, cabinet.NotFound("user", email)
	}
	return u, nil
}

// Office o1: admin "admin", standard "std", "std2"; dossier d1 reached by
// admin and std. Office o2: admin "admin2"; dossier d2.
type env struct {
	t     *testing.T
	ctx   context.Context
	store *memstore.Store
	f     *fakes
	clock *cabinet.ManualClock
	log   *cabinet.EventLog
	svc   *procedure.Service
}

func newEnv(t *testing.T, opts ...memstore.Option) *env {
	if opts == nil {
		opts = []memstore.Option{memstore.RunTwice()}
	}
	log := &cabinet.EventLog{}
	e := &env{t: t, ctx: context.Background(), store: memstore.New(append(opts, memstore.Deliver(log))...), f: newFakes(), clock: cabinet.NewManualClock(t0), log: log}
	e.f.collaborator("o1", "admin", cabinet.ProfileAdmin)
	e.f.collaborator("o1", "std", cabinet.ProfileStandard)
	e.f.collaborator("o1", "std2", cabinet.ProfileStandard)
	e.f.collaborator("o2", "admin2", cabinet.ProfileAdmin)
	e.f.dossier("d1", "o1", "admin", "std")
	e.f.dossier("d2", "o2", "admin2")
	e.svc = procedure.NewService(e.store, e.f, e.f, e.f, e.f, cabinet.WithClock(e.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	return e
}

// rental creates the o1 rental procedure with a guarantor role (premium on),
// items "Payslip" (tenant) and "Guarantor ID" (guarantor), and returns it.
func (e *env) rental() procedure.Procedure {
	e.t.Helper()
	_, _, err := e.svc.SetPlan(e.ctx, "billing", "o1", procedure.PlanPlatinum)
	require.NoError(e.t, err)
	p, _, err := e.svc.CreateProcedure(e.ctx, "admin", "o1", "Rental application", "Tenant")
	require.NoError(e.t, err)
	g, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))
	require.NoError(e.t, err)
	_, _, err = e.svc.AddItem(e.ctx, "admin", p.ID, "Payslip", "")
	require.NoError(e.t, err)
	_, _, err = e.svc.AddItem(e.ctx, "admin", p.ID, "Guarantor ID", g.ID)
	require.NoError(e.t, err)
	return e.procedure(p.ID)
}

func (e *env) procedure(id cabinet.ProcedureID) procedure.Procedure {
	e.t.Helper()
	p, err := e.svc.Procedure(e.ctx, "admin", id)
	require.NoError(e.t, err)
	return p
}

func (e *env) getCase(id cabinet.CaseID) procedure.Case {
	e.t.Helper()
	var c procedure.Case
	require.NoError(e.t, e.store.ViewProcedures(e.ctx, func(r procedure.Reader) error {
		var err error
		c, err = r.Case(e.ctx, id)
		return err
	}))
	return c
}

// requireRule asserts err is a denial/conflict of sentinel naming rule.
func requireRule(t *testing.T, err error, sentinel error, rule string) {
	t.Helper()
	require.Error(t, err)
	require.Truef(t, errors.Is(err, sentinel), "error %v is not %v", err, sentinel)
	require.Equal(t, rule, cabinet.RuleOf(err), "rule of %v", err)
}

// signUp plays the part of team.Service.CreateUser for this package alone:
// it runs svc.AccountCreated inside a transaction of store, as the account's
// creation would, and emits the events it returns as one batch in that
// transaction.
func signUp(ctx context.Context, store *memstore.Store, svc *procedure.Service, u cabinet.User) error {
	_, err := store.UpdateProcedures(ctx, func(w procedure.Writer) error {
		events, err := svc.AccountCreated(ctx, w.Tx(), u)
		if err != nil || len(events) == 0 {
			return err
		}
		return w.Tx().Emit(cabinet.Batch{Actor: u.ID, Events: events})
	})
	return err
}

// premium reports whether the office may use contributor roles now
// (PROC-1), from its plan as its admin reads it.
func (e *env) premium(office cabinet.OfficeID) error {
	e.t.Helper()
	p, err := e.svc.OfficePlan(e.ctx, "admin", office)
	require.NoError(e.t, err)
	return procedure.PremiumAvailable(p, e.clock.Now())
}

func err2(_ cabinet.Revision, err error) error { return err }

func err3[T any](_ T, _ cabinet.Revision, err error) error { return err }
