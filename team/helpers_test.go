package team_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

var start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type fixture struct {
	ctx   context.Context
	store *memstore.Store
	svc   *team.Service
	clock *cabinet.ManualClock
	log   *cabinet.EventLog
}

func newFixture(t *testing.T, opts ...cabinet.Option) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), store: memstore.New(memstore.RunTwice()), clock: cabinet.NewManualClock(start), log: &cabinet.EventLog{}}
	opts = append([]cabinet.Option{cabinet.WithClock(f.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(f.log)}, opts...)
	f.svc = team.NewService(f.store, opts...)
	return f
}

// user creates an account named name with email <lower(name)>@example.com.
func (f *fixture) user(t *testing.T, name string) cabinet.UserID {
	t.Helper()
	u, err := f.svc.CreateUser(f.ctx, name, strings.ToLower(name)+"@example.com")
	require.NoError(t, err)
	return u.ID
}

func email(name string) string { return strings.ToLower(name) + "@example.com" }

func (f *fixture) team(t *testing.T, actor cabinet.UserID, name string) cabinet.TeamID {
	t.Helper()
	tm, err := f.svc.CreateTeam(f.ctx, actor, name, "")
	require.NoError(t, err)
	return tm.ID
}

// join invites name's account into tm with role and accepts.
func (f *fixture) join(t *testing.T, admin cabinet.UserID, tm cabinet.TeamID, user cabinet.UserID, name string, role team.Role) {
	t.Helper()
	inv, err := f.svc.Invite(f.ctx, admin, tm, email(name), role)
	require.NoError(t, err)
	_, err = f.svc.AcceptInvitation(f.ctx, user, inv.ID)
	require.NoError(t, err)
}

func (f *fixture) refer(t *testing.T, actor cabinet.UserID, tm cabinet.TeamID, client string) team.Referral {
	t.Helper()
	r, err := f.svc.Refer(f.ctx, actor, team.ReferInput{Team: tm, ClientName: client, ClientEmail: email(client), Dossier: cabinet.DossierID("dossier-" + strings.ToLower(client))})
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

// noEvents runs fn and checks it published nothing.
func (f *fixture) noEvents(t *testing.T, fn func()) {
	t.Helper()
	n := len(f.log.Events())
	fn()
	require.Len(t, f.log.Events(), n, "a failed command published events")
}

// newNames returns the names of the events published by fn.
func (f *fixture) newNames(t *testing.T, fn func()) []string {
	t.Helper()
	n := len(f.log.Names())
	fn()
	return f.log.Names()[n:]
}
