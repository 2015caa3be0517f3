package kit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// office is a small state built through a kit: an admin, a standard
// collaborator managing an activated dossier, and the dossier's holder.
type office struct {
	admin, manager cabinet.User
	dossier        cabinet.DossierID
	holder         access.Person
}

func newKit(t *testing.T, store kit.Store, opts ...cabinet.Option) *kit.Kit {
	t.Helper()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(context.Background(), store, append([]cabinet.Option{cabinet.WithClock(clock)}, opts...)...)
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
	k := newKit(t, memstore.New(memstore.RunTwice()), cabinet.WithEvents(sink))
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
	k := newKit(t, memstore.New(memstore.RunTwice()), cabinet.WithAccountListeners(host))
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
