package team_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

var start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// signup is the host component that signs people up in these tests.
const signup cabinet.Host = "signup"

// pair is a (user, dossier) question.
type pair struct {
	u cabinet.UserID
	d cabinet.DossierID
}

// facts fakes the other packages' facts that team asks in its transactions:
// clientgroup.Facts (team.Directory: internal routes, GRP-3) and
// access.Facts (team.Dossiers: a dossier's status, its central grants). It
// answers only for an open transaction of its store, so a service that
// asks a fact outside (before or after) its transaction fails the test. An
// unknown dossier is ErrNotFound, as in the real facts.
type facts struct {
	store    *memstore.Store
	mu       sync.Mutex
	dossiers map[cabinet.DossierID]cabinet.DossierStatus
	internal map[pair]bool
	central  map[pair]bool
	asked    int
}

var (
	_ team.Directory = (*facts)(nil)
	_ team.Dossiers  = (*facts)(nil)
)

func newFacts(s *memstore.Store) *facts {
	return &facts{store: s, dossiers: map[cabinet.DossierID]cabinet.DossierStatus{}, internal: map[pair]bool{}, central: map[pair]bool{}}
}

func (f *facts) open(tx cabinet.Tx) error {
	_, err := f.store.TeamReader(tx)
	return err
}

func (f *facts) DossierFacts(_ context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	if err := f.open(tx); err != nil {
		return cabinet.DossierFacts{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	st, ok := f.dossiers[id]
	if !ok {
		return cabinet.DossierFacts{}, cabinet.NotFound("dossier", id)
	}
	return cabinet.DossierFacts{ID: id, Office: "office_1", Status: st}, nil
}

func (f *facts) HoldsCentralGrant(_ context.Context, tx cabinet.Tx, u cabinet.UserID, d cabinet.DossierID) (bool, error) {
	return f.answer(tx, f.central, u, d)
}

func (f *facts) ReachesDossier(_ context.Context, tx cabinet.Tx, u cabinet.UserID, d cabinet.DossierID) (bool, error) {
	return f.answer(tx, f.internal, u, d)
}

func (f *facts) answer(tx cabinet.Tx, m map[pair]bool, u cabinet.UserID, d cabinet.DossierID) (bool, error) {
	if err := f.open(tx); err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	if _, ok := f.dossiers[d]; !ok {
		return false, cabinet.NotFound("dossier", d)
	}
	return m[pair{u, d}], nil
}

// dossier makes d exist with status st.
func (f *facts) dossier(d cabinet.DossierID, st cabinet.DossierStatus) {
	f.mu.Lock()
	f.dossiers[d] = st
	f.mu.Unlock()
}

// setInternal gives (or, with false, takes away) u's internal route to d,
// creating d activated if needed.
func (f *facts) setInternal(u cabinet.UserID, d cabinet.DossierID, on bool) {
	f.mu.Lock()
	if _, ok := f.dossiers[d]; !ok {
		f.dossiers[d] = cabinet.DossierActivated
	}
	f.internal[pair{u, d}] = on
	f.mu.Unlock()
}

// setCentral makes u a granted central person of d (or not), creating d
// activated if needed.
func (f *facts) setCentral(u cabinet.UserID, d cabinet.DossierID, on bool) {
	f.mu.Lock()
	if _, ok := f.dossiers[d]; !ok {
		f.dossiers[d] = cabinet.DossierActivated
	}
	f.central[pair{u, d}] = on
	f.mu.Unlock()
}

func (f *facts) isCentral(u cabinet.UserID, d cabinet.DossierID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.central[pair{u, d}]
}

// entitled is TEAM-8's condition, from the fakes' own state.
func (f *facts) entitled(u cabinet.UserID, d cabinet.DossierID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.dossiers[d]
	return ok && st != cabinet.DossierArchived && (f.internal[pair{u, d}] || f.central[pair{u, d}])
}

type fixture struct {
	ctx   context.Context
	store *memstore.Store
	facts *facts
	svc   *team.Service
	clock *cabinet.ManualClock
	log   *cabinet.EventLog
}

func newFixture(t *testing.T, opts ...cabinet.Option) *fixture {
	t.Helper()
	log := &cabinet.EventLog{}
	f := &fixture{ctx: context.Background(), store: memstore.New(memstore.RunTwice(), memstore.Deliver(log)), clock: cabinet.NewManualClock(start), log: log}
	f.facts = newFacts(f.store)
	opts = append([]cabinet.Option{cabinet.WithClock(f.clock), cabinet.WithIDs(&cabinet.SequentialIDs{})}, opts...)
	f.svc = team.NewService(f.store, f.facts, f.facts, opts...)
	return f
}

// user creates an account named name with email <lower(name)>@example.com.
func (f *fixture) user(t *testing.T, name string) cabinet.UserID {
	t.Helper()
	u, _, err := f.svc.CreateUser(f.ctx, signup, name, email(name))
	require.NoError(t, err)
	return u.ID
}

func email(name string) string { return strings.ToLower(name) + "@example.com" }

// dossierOf is the dossier the fixtures use for a client.
func dossierOf(client string) cabinet.DossierID {
	return cabinet.DossierID("dossier-" + strings.ToLower(client))
}

func (f *fixture) team(t *testing.T, actor cabinet.UserID, name string) cabinet.TeamID {
	t.Helper()
	tm, _, err := f.svc.CreateTeam(f.ctx, actor, name, "")
	require.NoError(t, err)
	return tm.ID
}

// join invites name's account into tm with role and accepts.
func (f *fixture) join(t *testing.T, admin cabinet.UserID, tm cabinet.TeamID, user cabinet.UserID, name string, role team.Role) {
	t.Helper()
	inv, _, err := f.svc.Invite(f.ctx, admin, tm, email(name), role)
	require.NoError(t, err)
	_, _, err = f.svc.AcceptInvitation(f.ctx, user, inv.ID)
	require.NoError(t, err)
}

// refer makes actor a collaborator who reaches the client's dossier
// internally (GRP-3, TEAM-8) and refers the client into tm.
func (f *fixture) refer(t *testing.T, actor cabinet.UserID, tm cabinet.TeamID, client string) team.Referral {
	t.Helper()
	f.facts.setInternal(actor, dossierOf(client), true)
	r, _, err := f.svc.Refer(f.ctx, actor, team.ReferInput{Team: tm, ClientName: client, ClientEmail: email(client), Dossier: dossierOf(client)})
	require.NoError(t, err)
	return r
}

func (f *fixture) getTeam(t *testing.T, id cabinet.TeamID) team.Team {
	t.Helper()
	var tm team.Team
	require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
		var err error
		tm, err = r.Team(f.ctx, id)
		return err
	}))
	return tm
}

func (f *fixture) getReferral(t *testing.T, id cabinet.ReferralID) team.Referral {
	t.Helper()
	var ref team.Referral
	require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
		var err error
		ref, err = r.Referral(f.ctx, id)
		return err
	}))
	return ref
}

func (f *fixture) referralCount(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
		all, err := cabinet.All(f.ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, p)
		})
		n = len(all)
		return err
	}))
	return n
}

func (f *fixture) personal(t *testing.T, u cabinet.UserID) team.Team {
	t.Helper()
	p, err := f.svc.PersonalTeam(f.ctx, u)
	require.NoError(t, err)
	return p
}

// wantErr checks err wraps sentinel and carries rule (ForbiddenError or
// ConflictError) or field (InvalidError) when non-empty.
func wantErr(t *testing.T, err, sentinel error, ruleOrField string) {
	t.Helper()
	require.Error(t, err)
	require.Truef(t, errors.Is(err, sentinel), "got %v, want %v", err, sentinel)
	if ruleOrField == "" {
		return
	}
	if errors.Is(err, cabinet.ErrInvalid) {
		require.Equal(t, ruleOrField, cabinet.FieldOf(err), "field of %v", err)
	} else {
		require.Equal(t, ruleOrField, cabinet.RuleOf(err), "rule of %v", err)
	}
}

// noEvents runs fn and checks it published nothing and changed nothing
// (the store's revision did not move).
func (f *fixture) noEvents(t *testing.T, fn func()) {
	t.Helper()
	n, rev := len(f.log.Events()), f.store.Revision()
	fn()
	require.Len(t, f.log.Events(), n, "a failed command published events")
	require.Equal(t, rev, f.store.Revision(), "a failed command committed")
}

// newNames returns the names of the events published by fn.
func (f *fixture) newNames(t *testing.T, fn func()) []string {
	t.Helper()
	n := len(f.log.Names())
	fn()
	return f.log.Names()[n:]
}

// last returns the last event published.
func (f *fixture) last() cabinet.Event {
	es := f.log.Events()
	if len(es) == 0 {
		return nil
	}
	return es[len(es)-1]
}

// err2 and err3 keep only the error of a command's results.
func err2[A any](_ A, err error) error         { return err }
func err3[A, B any](_ A, _ B, err error) error { return err }
