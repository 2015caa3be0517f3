package kit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// office is a small state built through a kit: an admin, a standard
// collaborator managing an activated dossier, and the dossier's holder.
type office struct {
	admin, manager cabinet.User
	dossier        cabinet.DossierID
	holder         access.Person
}

func newKit(t *testing.T, store kit.Store, opts ...kit.Option) *kit.Kit {
	t.Helper()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(context.Background(), store, append([]kit.Option{kit.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	return k
}

func buildOffice(t *testing.T, k *kit.Kit) office {
	t.Helper()
	ctx := context.Background()
	var o office
	var err error
	o.admin, _, err = k.Teams.CreateUser(ctx, "signup", "Louise", "louise@office.example")
	require.NoError(t, err)
	o.manager, _, err = k.Teams.CreateUser(ctx, "signup", "Marc", "marc@office.example")
	require.NoError(t, err)
	off, _, err := k.Groups.CreateOffice(ctx, o.admin.ID, "Office", "contact@office.example")
	require.NoError(t, err)
	_, _, err = k.Groups.AddCollaborator(ctx, o.admin.ID, off.ID, o.manager.ID, cabinet.ProfileStandard)
	require.NoError(t, err)
	d, _, err := k.Access.CreateDossier(ctx, o.manager.ID, off.ID, "Roux family")
	require.NoError(t, err)
	o.dossier = d.ID
	require.NoError(t, errOf(k.Access.SetStatus(ctx, o.manager.ID, d.ID, cabinet.DossierActivated)))
	o.holder, _, err = k.Access.AddPerson(ctx, o.manager.ID, d.ID, access.PersonInput{Name: "Claire Roux", Relation: access.RelationHolder})
	require.NoError(t, err)
	return o
}

func canView(t *testing.T, k *kit.Kit, u cabinet.UserID, d cabinet.DossierID) bool {
	t.Helper()
	dec, err := k.Policy.Check(context.Background(), policy.User(u), policy.ViewDossier, policy.DossierResource(d))
	require.NoError(t, err)
	return dec.Allowed
}

// engineFirst is a host sink that records, for every batch it receives, the
// revision the engine had already applied.
type engineFirst struct {
	k        *kit.Kit
	batches  int
	laggards []cabinet.Revision
}

func (s *engineFirst) Publish(_ context.Context, b cabinet.Batch) {
	s.batches++
	if s.k.Policy.Revision() < b.Revision {
		s.laggards = append(s.laggards, b.Revision)
	}
}

// The host's sink sees a batch only after the engine has applied it, so a
// host reacting to an event (POL-1's routes, GRP-3's internal access) asks a
// fresh engine.
func TestNewEngineAppliesEveryBatchBeforeTheHostSink(t *testing.T) {
	sink := &engineFirst{}
	k := newKit(t, memstore.New(memstore.RunTwice()), kit.WithSink(sink))
	sink.k = k
	o := buildOffice(t, k)

	require.Positive(t, sink.batches)
	require.Empty(t, sink.laggards, "batches the host saw before the engine applied them")
	require.True(t, canView(t, k, o.manager.ID, o.dossier), "manager route (GRP-3)")
	require.True(t, canView(t, k, o.admin.ID, o.dossier), "office admin route (GRP-3)")
}

// A kit built over a store that already holds state loads it: a restarted
// service answers as before.
func TestNewLoadsTheStoresState(t *testing.T) {
	store := memstore.New(memstore.RunTwice())
	o := buildOffice(t, newKit(t, store))

	again := newKit(t, store)
	require.True(t, canView(t, again, o.manager.ID, o.dossier))
	require.True(t, canView(t, again, o.admin.ID, o.dossier))
	require.Equal(t, store.Revision(), again.Policy.Revision())
}

// listener records the accounts it is told about.
type listener struct{ users []cabinet.UserID }

func (l *listener) AccountCreated(_ context.Context, _ cabinet.Tx, u cabinet.User) ([]cabinet.Event, error) {
	l.users = append(l.users, u.ID)
	return nil, nil
}

// A grant by email to someone without an account becomes access when they
// sign up (ACC-5): kit registers access (and contact, procedure) as account
// listeners on team, and keeps the host's own listeners.
func TestNewLinksSignUpsToGrantsAndHostListeners(t *testing.T) {
	host := &listener{}
	k := newKit(t, memstore.New(memstore.RunTwice()), kit.WithAccountListeners(host))
	o := buildOffice(t, k)
	ctx := context.Background()

	_, _, err := k.Access.GrantPerson(ctx, o.manager.ID, o.holder.ID, access.GrantInput{
		Email: "claire@example.com", Phone: "06 12 34 56 78", Level: access.LevelReadOnly})
	require.NoError(t, err)

	claire, _, err := k.Teams.CreateUser(ctx, "signup", "Claire", "Claire@Example.com")
	require.NoError(t, err)
	require.True(t, canView(t, k, claire.ID, o.dossier), "central person route (ACC-6) after sign-up")
	require.Contains(t, host.users, claire.ID)
}

// kit gives team the real facts of clientgroup and access (TEAM-8, TEAM-9):
// a referral needs an internal route or a central grant, read in the
// referral's own transaction; consent belongs to the dossier's granted
// central person; the team route never applies to her.
func TestNewWiresTeamToTheDirectoryAndDossiers(t *testing.T) {
	k := newKit(t, memstore.New(memstore.RunTwice()))
	o := buildOffice(t, k)
	ctx := context.Background()
	outsider, _, err := k.Teams.CreateUser(ctx, "signup", "Eve", "eve@example.com")
	require.NoError(t, err)
	claire, _, err := k.Teams.CreateUser(ctx, "signup", "Claire", "claire@example.com")
	require.NoError(t, err)
	_, _, err = k.Access.GrantPerson(ctx, o.manager.ID, o.holder.ID, access.GrantInput{
		Email: claire.Email, Phone: "06 12 34 56 78", Level: access.LevelReadOnly})
	require.NoError(t, err)
	in := team.ReferInput{ClientName: "Claire Roux", ClientEmail: claire.Email, Dossier: o.dossier}

	_, _, err = k.Teams.Refer(ctx, outsider.ID, in)
	require.Equal(t, "TEAM-8", cabinet.RuleOf(err), "an outsider shares nothing: %v", err)
	in.Dossier = "dossier_404"
	_, _, err = k.Teams.Refer(ctx, o.manager.ID, in)
	require.Equal(t, "TEAM-8", cabinet.RuleOf(err), "an unknown dossier: %v", err)
	in.Dossier = o.dossier
	tm, _, err := k.Teams.CreateTeam(ctx, o.manager.ID, "Roux advisers", "")
	require.NoError(t, err)
	in.Team = tm.ID
	_, _, err = k.Teams.Refer(ctx, o.manager.ID, in)
	require.NoError(t, err, "the manager reaches the dossier internally (GRP-3)")
	_, _, err = k.Teams.Refer(ctx, claire.ID, team.ReferInput{ClientName: "Claire Roux", ClientEmail: claire.Email, Dossier: o.dossier})
	require.NoError(t, err, "the granted holder refers herself")
	ok, err := k.Teams.ReachesDossier(ctx, claire.ID, o.dossier)
	require.NoError(t, err)
	require.False(t, ok, "no team route for the dossier's own central person")

	_, _, err = k.Teams.RevokeConsent(ctx, o.manager.ID, o.dossier)
	require.Equal(t, "TEAM-9", cabinet.RuleOf(err), "the referrer does not hold consent: %v", err)
	c, _, err := k.Teams.RevokeConsent(ctx, claire.ID, o.dossier)
	require.NoError(t, err)
	require.Equal(t, team.ConsentRevoked, c.State)
}

// New reports the engine's loading error and builds nothing.
func TestNewReturnsTheLoadingError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k, err := kit.New(ctx, memstore.New(memstore.RunTwice()))
	require.Nil(t, k)
	require.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

// errOf keeps the error of a command's results.
func errOf[T any](_ T, _ cabinet.Revision, err error) error { return err }

// Issue 12, seed 002, wired: a client contact is linked to the dossier and
// the family-tree person it is about, with the facts of access
// (access.Facts.PersonDossier, DossierFacts) and clientgroup (the
// manager's internal route) read in the command's transaction.
func TestContactLinkUsesAccessAndClientGroupFacts(t *testing.T) {
	k := newKit(t, memstore.New(memstore.RunTwice()))
	o := buildOffice(t, k)
	ctx := context.Background()
	d, err := k.Access.Dossier(ctx, o.manager.ID, o.dossier)
	require.NoError(t, err)
	c, _, err := k.Contacts.CreateContact(ctx, o.manager.ID, d.Office, contact.KindClient,
		contact.Fields{FirstName: "Claire", LastName: "Roux", Email: "claire@example.com"})
	require.NoError(t, err)
	linked, _, err := k.Contacts.LinkContact(ctx, o.manager.ID, c.ID, o.dossier, o.holder.ID)
	require.NoError(t, err)
	require.Equal(t, o.holder.ID, linked.Person)
	// Another dossier's person is not found; an archived dossier is read-only.
	other, _, err := k.Access.CreateDossier(ctx, o.manager.ID, d.Office, "Other family")
	require.NoError(t, err)
	_, _, err = k.Contacts.LinkContact(ctx, o.manager.ID, c.ID, other.ID, o.holder.ID)
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	require.NoError(t, errOf(k.Access.SetStatus(ctx, o.manager.ID, o.dossier, cabinet.DossierArchived)))
	_, _, err = k.Contacts.UnlinkContact(ctx, o.manager.ID, c.ID)
	require.Equal(t, "ACC-12", cabinet.RuleOf(err))
}

// CON-6 v2, wired: a session ends as soon as its collaborator is removed
// from the office (clientgroup.Service.RemoveCollaborator, read through
// clientgroup.Facts.CollaboratorSince), and does not come back when they
// are added again.
func TestImpersonationEndsWhenTheCollaboratorIsRemoved(t *testing.T) {
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k := newKit(t, memstore.New(memstore.RunTwice()), kit.WithClock(clock))
	o := buildOffice(t, k)
	ctx := context.Background()
	d, err := k.Access.Dossier(ctx, o.manager.ID, o.dossier)
	require.NoError(t, err)
	c, _, err := k.Contacts.CreateContact(ctx, o.manager.ID, d.Office, contact.KindClient,
		contact.Fields{FirstName: "Claire", LastName: "Roux", Email: "claire@example.com"})
	require.NoError(t, err)
	_, _, err = k.Contacts.InviteContact(ctx, o.manager.ID, c.ID)
	require.NoError(t, err)
	s, _, err := k.Contacts.StartImpersonation(ctx, o.manager.ID, c.ID)
	require.NoError(t, err)
	_, err = k.Contacts.ResolveSession(ctx, o.manager.ID, s.ID)
	require.NoError(t, err)

	clock.Advance(time.Minute)
	_, err = k.Groups.RemoveCollaborator(ctx, o.admin.ID, d.Office, o.manager.ID)
	require.NoError(t, err)
	_, err = k.Contacts.ResolveSession(ctx, o.manager.ID, s.ID)
	require.Equal(t, "CON-6", cabinet.RuleOf(err))
	clock.Advance(time.Minute)
	_, _, err = k.Groups.AddCollaborator(ctx, o.admin.ID, d.Office, o.manager.ID, cabinet.ProfileStandard)
	require.NoError(t, err)
	_, err = k.Contacts.ResolveSession(ctx, o.manager.ID, s.ID)
	require.Equal(t, "CON-6", cabinet.RuleOf(err), "a removed collaborator added back does not get the session back")
}

// Issue 12, seed 004, wired: a contributor is seated from an existing
// contact of the office, read with contact.Facts in the procedure's
// transaction.
func TestContributorFromAnOfficeContact(t *testing.T) {
	k := newKit(t, memstore.New(memstore.RunTwice()))
	o := buildOffice(t, k)
	ctx := context.Background()
	d, err := k.Access.Dossier(ctx, o.manager.ID, o.dossier)
	require.NoError(t, err)
	_, _, err = k.Procedures.SetPlan(ctx, "billing", d.Office, procedure.PlanPlatinum)
	require.NoError(t, err)
	p, _, err := k.Procedures.CreateProcedure(ctx, o.admin.ID, d.Office, "Loan", "Borrower")
	require.NoError(t, err)
	g, _, err := k.Procedures.AddRole(ctx, o.admin.ID, p.ID, "Co-borrower", procedure.AllPermissions)
	require.NoError(t, err)
	c, _, err := k.Contacts.CreateContact(ctx, o.manager.ID, d.Office, contact.KindPartner,
		contact.Fields{FirstName: "Paul", LastName: "Ng", Email: "paul@example.com", Phone: "06 12 34 56 78"})
	require.NoError(t, err)
	kase, _, err := k.Procedures.OpenCase(ctx, o.manager.ID, p.ID, o.dossier, procedure.Invitee{Email: "claire@example.com"})
	require.NoError(t, err)
	seat, _, err := k.Procedures.InviteContributor(ctx, o.manager.ID, kase.ID, g.ID, procedure.Invitee{Contact: c.ID}, true)
	require.NoError(t, err)
	require.Equal(t, "Paul Ng", seat.Name)
	require.Equal(t, "+33612345678", seat.Phone)
	require.Equal(t, c.ID, seat.Contact)
}
