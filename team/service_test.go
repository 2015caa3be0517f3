package team_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/team"
)

func TestCreateUserMakesPersonalTeam_TEAM6(t *testing.T) {
	f := newFixture(t)
	u, rev, err := f.svc.CreateUser(f.ctx, signup, "  Alice Martin ", "Alice@Example.COM")
	require.NoError(t, err)
	assert.Equal(t, "Alice Martin", u.DisplayName)
	assert.Equal(t, "Alice@example.com", u.Email)
	assert.Equal(t, f.store.Revision(), rev, "the revision the command committed")
	assert.NotZero(t, rev)

	p := f.personal(t, u.ID)
	assert.True(t, p.Personal)
	assert.Equal(t, "Alice Martin personal", p.Name)
	assert.Equal(t, u.ID, p.Owner)
	assert.Equal(t, u.ID, p.Lead)
	assert.Equal(t, []team.Member{{User: u.ID, Role: team.RoleAdmin, JoinedAt: start}}, p.Members)
	assert.Equal(t, []string{"team.user_created", "team.team_created"}, f.log.Names())
	batches := f.log.Batches()
	require.Len(t, batches, 1)
	assert.Equal(t, signup, batches[0].Host, "sign-up is host-driven")
	assert.Equal(t, cabinet.UserID(""), batches[0].Actor)
	assert.Equal(t, "", f.getTeam(t, p.ID).Name, "TEAM-6: the personal label is derived, never stored")

	got, err := f.svc.UserByEmail(f.ctx, signup, "alice@example.com")
	require.NoError(t, err)
	assert.Equal(t, u, got)
	got, err = f.svc.User(f.ctx, u.ID, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)
	_, err = f.svc.User(f.ctx, u.ID, "user_404")
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, err = f.svc.User(f.ctx, "user_404", u.ID)
	wantErr(t, err, cabinet.ErrNotFound, "") // an unknown actor reads nothing
	_, err = f.svc.UserByEmail(f.ctx, signup, "nobody@example.com")
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, err = f.svc.UserByEmail(f.ctx, signup, "")
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, err = f.svc.UserByEmail(f.ctx, "", "alice@example.com")
	wantErr(t, err, cabinet.ErrInvalid, "host") // host-driven: a host must name itself
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	f := newFixture(t)
	f.user(t, "Alice")
	tests := []struct {
		name, display, email string
		host                 cabinet.Host
		sentinel             error
		field                string
	}{
		{"no host", "Bob", "bob@example.com", "", cabinet.ErrInvalid, "host"},
		{"blank name", "   ", "x@example.com", signup, cabinet.ErrInvalid, "display_name"},
		{"long name", strings.Repeat("a", cabinet.MaxNameLength+1), "x@example.com", signup, cabinet.ErrInvalid, "display_name"},
		{"bad email", "Bob", "bob at example", signup, cabinet.ErrInvalid, "email"},
		{"missing email", "Bob", "", signup, cabinet.ErrInvalid, "email"},
		{"duplicate email, other case", "Alice Two", "ALICE@example.com", signup, cabinet.ErrConflict, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.noEvents(t, func() {
				u, rev, err := f.svc.CreateUser(f.ctx, tc.host, tc.display, tc.email)
				wantErr(t, err, tc.sentinel, tc.field)
				assert.Zero(t, rev)
				assert.Equal(t, cabinet.User{}, u)
			})
		})
	}
	// The personal label is derived (issue 12), so a display name of the
	// maximum length is accepted and labels its personal team.
	long := strings.Repeat("a", cabinet.MaxNameLength)
	u, _, err := f.svc.CreateUser(f.ctx, signup, long, "long@example.com")
	require.NoError(t, err)
	assert.Equal(t, team.PersonalTeamName(long), f.personal(t, u.ID).Name)
}

// listener is an AccountListener that writes through the account's
// transaction (a referral of its own, so a rollback is visible), returns an
// event, or fails.
type listener struct {
	got   []cabinet.User
	store team.Store
	err   error
}

type linked struct{ User cabinet.UserID }

func (linked) EventName() string { return "test.linked" }

func (l *listener) AccountCreated(ctx context.Context, tx cabinet.Tx, u cabinet.User) ([]cabinet.Event, error) {
	l.got = append(l.got, u)
	w, err := l.store.TeamWriter(tx)
	if err != nil {
		return nil, err
	}
	if err := w.PutReferral(ctx, team.Referral{ID: cabinet.ReferralID("ref_" + u.ID), Team: "t_listener", Referrer: u.ID, ClientName: "X", ClientEmail: u.Email, Dossier: "d_x", CreatedAt: start}); err != nil {
		return nil, err
	}
	if l.err != nil {
		return nil, l.err
	}
	return []cabinet.Event{linked{User: u.ID}}, nil
}

// Creating an account and linking what waited for its email is one command
// (issue 11, SPEC §3 invariant 8): the listeners run inside the account's
// transaction, their events join its batch, and one failure leaves no
// account, no personal team and none of the listeners' writes.
func TestCreateUserIsOneTransactionWithItsListeners(t *testing.T) {
	t.Run("listeners' events join the account's batch", func(t *testing.T) {
		l := &listener{}
		f := newFixture(t, cabinet.WithAccountListeners(l))
		l.store = f.store
		u, _, err := f.svc.CreateUser(f.ctx, signup, "Alice", "alice@example.com")
		require.NoError(t, err)
		assert.Equal(t, []cabinet.User{u}, l.got[len(l.got)-1:])
		batches := f.log.Batches()
		require.Len(t, batches, 1)
		assert.Equal(t, []string{"team.user_created", "team.team_created", "test.linked"}, f.log.Names())
	})
	t.Run("a failing listener aborts the account", func(t *testing.T) {
		boom := errors.New("access down")
		ok, bad := &listener{}, &listener{err: boom}
		f := newFixture(t, cabinet.WithAccountListeners(ok, bad))
		ok.store, bad.store = f.store, f.store
		u, rev, err := f.svc.CreateUser(f.ctx, signup, "Alice", "alice@example.com")
		require.ErrorIs(t, err, boom)
		assert.Equal(t, cabinet.User{}, u)
		assert.Zero(t, rev)
		assert.Empty(t, f.log.Names(), "a failed command publishes nothing")
		_, err = f.svc.UserByEmail(f.ctx, signup, "alice@example.com")
		assert.ErrorIs(t, err, cabinet.ErrNotFound, "no account")
		require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
			refs, _, err := r.ListReferrals(f.ctx, team.ReferralFilter{}, cabinet.Page{})
			assert.Empty(t, refs, "the listeners' writes are rolled back")
			return err
		}))
		// A retry after the failure is a fresh command, not a conflict.
		bad.err = nil
		_, _, err = f.svc.CreateUser(f.ctx, signup, "Alice", "alice@example.com")
		require.NoError(t, err)
	})
}

// Issue 12 (seed 000): a display name can change, by the user themself, and
// the personal team's label follows it (TEAM-6).
func TestSetDisplayNameRelabelsPersonalTeam_TEAM6(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "Ann")
	p := f.personal(t, ann)
	assert.Equal(t, "Ann personal", p.Name)

	u, rev, err := f.svc.SetDisplayName(f.ctx, ann, " Ann Roux ")
	require.NoError(t, err)
	assert.Equal(t, "Ann Roux", u.DisplayName)
	assert.Equal(t, f.store.Revision(), rev)
	assert.Equal(t, team.DisplayNameChanged{User: ann, OldName: "Ann", DisplayName: "Ann Roux", PersonalTeam: p.ID}, f.last())
	assert.Equal(t, "Ann Roux personal", f.personal(t, ann).Name, "the label follows the name")
	got, err := f.svc.Team(f.ctx, ann, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "Ann Roux personal", got.Name)
	ts, _, err := f.svc.Teams(f.ctx, ann, cabinet.Page{})
	require.NoError(t, err)
	require.Len(t, ts, 1)
	assert.Equal(t, "Ann Roux personal", ts[0].Name)

	f.noEvents(t, func() {
		_, rev, err := f.svc.SetDisplayName(f.ctx, ann, "Ann Roux")
		require.NoError(t, err, "the same name is a no-op")
		assert.Equal(t, f.store.Revision(), rev, "a no-op returns the current revision")
		wantErr(t, err3(f.svc.SetDisplayName(f.ctx, ann, "\u200b")), cabinet.ErrInvalid, "display_name")
		wantErr(t, err3(f.svc.SetDisplayName(f.ctx, "user_404", "X")), cabinet.ErrNotFound, "")
	})
}

func TestCreateTeam_TEAM1_TEAM5(t *testing.T) {
	f := newFixture(t)
	lead := f.user(t, "Lead")
	assistant := f.user(t, "Assistant")

	t.Run("TEAM-1 creator becomes first admin and lead", func(t *testing.T) {
		tm, rev, err := f.svc.CreateTeam(f.ctx, lead, "  Martin & Co ", "")
		require.NoError(t, err)
		assert.Equal(t, f.store.Revision(), rev)
		assert.Equal(t, "Martin & Co", tm.Name)
		assert.Equal(t, lead, tm.Lead)
		assert.Equal(t, lead, tm.CreatedBy)
		assert.False(t, tm.Personal)
		assert.False(t, tm.Pending)
		assert.Equal(t, []team.Member{{User: lead, Role: team.RoleAdmin, JoinedAt: start}}, tm.Members)
	})
	t.Run("TEAM-1 v2 an assistant creates a pending team on the lead's behalf", func(t *testing.T) {
		tm, _, err := f.svc.CreateTeam(f.ctx, assistant, "For the lead", lead)
		require.NoError(t, err)
		assert.True(t, tm.Pending)
		assert.Equal(t, lead, tm.Lead)
		assert.Equal(t, assistant, tm.CreatedBy)
		assert.Empty(t, tm.Members, "a pending team has no member")
		assert.Equal(t, team.TeamCreated{Team: tm.ID, Name: "For the lead", Pending: true, Lead: lead, CreatedBy: assistant}, f.last())
		accepted, _, err := f.svc.AcceptTeam(f.ctx, lead, tm.ID)
		require.NoError(t, err)
		assert.True(t, accepted.IsAdmin(lead))
		assert.False(t, accepted.IsMember(assistant), "the assistant is a member only if added")
		_, err = f.svc.Team(f.ctx, assistant, tm.ID)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-4")
	})
	t.Run("TEAM-5 any number of teams", func(t *testing.T) {
		ts, _, err := f.svc.Teams(f.ctx, lead, cabinet.Page{})
		require.NoError(t, err)
		assert.Len(t, ts, 3, "personal team + two teams")
		_, _, err = f.svc.CreateTeam(f.ctx, lead, "Third", "")
		require.NoError(t, err)
		ts, _, _ = f.svc.Teams(f.ctx, lead, cabinet.Page{})
		assert.Len(t, ts, 4)
		page, next, err := f.svc.Teams(f.ctx, lead, cabinet.Page{Limit: 3})
		require.NoError(t, err)
		assert.Len(t, page, 3)
		rest, last, err := f.svc.Teams(f.ctx, lead, cabinet.Page{After: next, Limit: 3})
		require.NoError(t, err)
		assert.Len(t, rest, 1)
		assert.Empty(t, last)
		wantErr(t, err3(f.svc.Teams(f.ctx, lead, cabinet.Page{Limit: -1})), cabinet.ErrInvalid, "limit")
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			name        string
			actor, lead cabinet.UserID
			team        string
			sentinel    error
			field       string
		}{
			{"blank name", lead, "", " ", cabinet.ErrInvalid, "name"},
			{"long name", lead, "", strings.Repeat("x", 201), cabinet.ErrInvalid, "name"},
			{"unknown actor", "user_404", "", "T", cabinet.ErrNotFound, ""},
			{"unknown lead", assistant, "user_404", "T", cabinet.ErrNotFound, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.noEvents(t, func() {
					_, rev, err := f.svc.CreateTeam(f.ctx, tc.actor, tc.team, tc.lead)
					wantErr(t, err, tc.sentinel, tc.field)
					assert.Zero(t, rev)
				})
			})
		}
	})
}

// TEAM-1 v2. Attack closed: "anyone can create a team naming any user as
// lead — the lead's personal referrals move into it and their one first
// team is used up". A team created on someone else's behalf is pending: it
// has no member, receives no referral, moves nothing and cannot be used;
// only its lead answers it.
func TestTEAM1PendingTeamNeedsTheLeadsOwnAct(t *testing.T) {
	f := newFixture(t)
	lead, stranger, other := f.user(t, "Lead"), f.user(t, "Stranger"), f.user(t, "Other")
	r := f.refer(t, lead, "", "Client")
	pLead := f.personal(t, lead).ID
	tm, _, err := f.svc.CreateTeam(f.ctx, stranger, "Hijack", lead)
	require.NoError(t, err)

	t.Run("TEAM-1 nothing moves and the first team is not used up", func(t *testing.T) {
		assert.Equal(t, pLead, f.getReferral(t, r.ID).Team, "the lead's personal referrals stay")
		assert.Equal(t, cabinet.TeamID(""), f.personal(t, lead).FirstTeam)
		assert.Empty(t, f.getTeam(t, tm.ID).Members)
		ok, err := f.svc.ReachesDossier(f.ctx, stranger, r.Dossier)
		require.NoError(t, err)
		assert.False(t, ok, "the creator reaches nothing")
	})
	t.Run("TEAM-1 a pending team cannot be used in any other command", func(t *testing.T) {
		f.facts.setInternal(stranger, dossierOf("Victim"), true)
		type attempt struct {
			name  string
			err   error
			rule  string
			error error
		}
		var attempts []attempt
		f.noEvents(t, func() {
			attempts = []attempt{
				{"refer into it (creator)", err3(f.svc.Refer(f.ctx, stranger, team.ReferInput{Team: tm.ID, ClientName: "V", ClientEmail: "v@example.com", Dossier: dossierOf("Victim")})), "TEAM-1", cabinet.ErrForbidden},
				{"refer into it (lead)", err3(f.svc.Refer(f.ctx, lead, team.ReferInput{Team: tm.ID, ClientName: "C", ClientEmail: email("Client"), Dossier: r.Dossier})), "TEAM-1", cabinet.ErrForbidden},
				{"move into it", err3(f.svc.MoveReferral(f.ctx, lead, r.ID, tm.ID)), "TEAM-1", cabinet.ErrForbidden},
				{"invite (creator)", err3(f.svc.Invite(f.ctx, stranger, tm.ID, email("Other"), team.RoleAdmin)), "TEAM-1", cabinet.ErrForbidden},
				{"invite (lead)", err3(f.svc.Invite(f.ctx, lead, tm.ID, email("Other"), team.RoleAdmin)), "TEAM-1", cabinet.ErrForbidden},
				{"rename", err3(f.svc.RenameTeam(f.ctx, lead, tm.ID, "X")), "TEAM-1", cabinet.ErrForbidden},
				{"delete", err2(f.svc.DeleteTeam(f.ctx, lead, tm.ID, team.ReassignToDeleter)), "TEAM-1", cabinet.ErrForbidden},
				{"transfer lead", err3(f.svc.TransferLead(f.ctx, lead, tm.ID, stranger)), "TEAM-1", cabinet.ErrForbidden},
				{"change role", err3(f.svc.ChangeRole(f.ctx, lead, tm.ID, lead, team.RoleMember)), "TEAM-1", cabinet.ErrForbidden},
				{"remove member", err2(f.svc.RemoveMember(f.ctx, lead, tm.ID, lead)), "TEAM-1", cabinet.ErrForbidden},
				{"leave", err2(f.svc.Leave(f.ctx, lead, tm.ID)), "TEAM-1", cabinet.ErrForbidden},
				{"list referrals", err3(f.svc.Referrals(f.ctx, lead, tm.ID, team.ReferralFilter{}, cabinet.Page{})), "TEAM-1", cabinet.ErrForbidden},
				{"list invitations", err3(f.svc.Invitations(f.ctx, lead, tm.ID, team.InvitationFilter{}, cabinet.Page{})), "TEAM-1", cabinet.ErrForbidden},
				{"view it (outsider)", err2(f.svc.Team(f.ctx, other, tm.ID)), "TEAM-1", cabinet.ErrForbidden},
				{"the creator accepts it", err3(f.svc.AcceptTeam(f.ctx, stranger, tm.ID)), "TEAM-1", cabinet.ErrForbidden},
				{"someone else declines it", err2(f.svc.DeclineTeam(f.ctx, other, tm.ID)), "TEAM-1", cabinet.ErrForbidden},
			}
		})
		for _, tc := range attempts {
			t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.error, tc.rule) })
		}
		assert.Equal(t, pLead, f.getReferral(t, r.ID).Team)
		assert.Empty(t, f.getTeam(t, tm.ID).Members)
	})
	t.Run("TEAM-1 the lead and the creator see it; the lead lists it", func(t *testing.T) {
		for _, u := range []cabinet.UserID{lead, stranger} {
			got, err := f.svc.Team(f.ctx, u, tm.ID)
			require.NoError(t, err)
			assert.True(t, got.Pending)
		}
		pending, next, err := f.svc.PendingTeams(f.ctx, lead, cabinet.Page{})
		require.NoError(t, err)
		assert.Empty(t, next)
		require.Len(t, pending, 1)
		assert.Equal(t, tm.ID, pending[0].ID)
		mine, _, _ := f.svc.Teams(f.ctx, lead, cabinet.Page{})
		assert.Len(t, mine, 1, "a pending team is not one of the lead's teams")
		none, _, _ := f.svc.PendingTeams(f.ctx, stranger, cabinet.Page{})
		assert.Empty(t, none)
	})
	t.Run("TEAM-1 TEAM-7 the lead accepts: admin, lead, and the first-team move happens now", func(t *testing.T) {
		names := f.newNames(t, func() {
			got, rev, err := f.svc.AcceptTeam(f.ctx, lead, tm.ID)
			require.NoError(t, err)
			assert.Equal(t, f.store.Revision(), rev)
			assert.False(t, got.Pending)
			assert.True(t, got.IsAdmin(lead))
			assert.Equal(t, lead, got.Lead)
			assert.False(t, got.IsMember(stranger))
		})
		assert.Equal(t, []string{"team.team_accepted", "team.referral_moved"}, names)
		assert.Equal(t, tm.ID, f.getReferral(t, r.ID).Team)
		assert.Equal(t, tm.ID, f.personal(t, lead).FirstTeam)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.AcceptTeam(f.ctx, lead, tm.ID)), cabinet.ErrConflict, "TEAM-1") // answering twice
			wantErr(t, err2(f.svc.DeclineTeam(f.ctx, lead, tm.ID)), cabinet.ErrConflict, "TEAM-1")
			wantErr(t, err3(f.svc.AcceptTeam(f.ctx, lead, "team_404")), cabinet.ErrNotFound, "")
			wantErr(t, err3(f.svc.AcceptTeam(f.ctx, lead, pLead)), cabinet.ErrConflict, "TEAM-1") // a personal team is never pending
		})
	})
	t.Run("TEAM-1 the lead declines: the team is deleted, nothing moved", func(t *testing.T) {
		ro := f.refer(t, other, "", "Otherclient")
		second, _, err := f.svc.CreateTeam(f.ctx, stranger, "Second try", other)
		require.NoError(t, err)
		names := f.newNames(t, func() {
			rev, err := f.svc.DeclineTeam(f.ctx, other, second.ID)
			require.NoError(t, err)
			assert.Equal(t, f.store.Revision(), rev)
		})
		assert.Equal(t, []string{"team.team_declined"}, names)
		assert.Equal(t, team.TeamDeclined{Team: second.ID, Name: "Second try", Lead: other, CreatedBy: stranger}, f.last())
		wantErr(t, err2(f.svc.Team(f.ctx, other, second.ID)), cabinet.ErrNotFound, "")
		assert.Equal(t, f.personal(t, other).ID, f.getReferral(t, ro.ID).Team)
		assert.Equal(t, cabinet.TeamID(""), f.personal(t, other).FirstTeam, "the first team is still to come")
	})
}

func TestLeadAdvisor_TEAM2(t *testing.T) {
	f := newFixture(t)
	lead, admin, member := f.user(t, "Lead"), f.user(t, "Admin"), f.user(t, "Member")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, admin, "Admin", team.RoleAdmin)
	f.join(t, lead, tm, member, "Member", team.RoleMember)

	t.Run("TEAM-2 lead cannot be demoted, removed or leave", func(t *testing.T) {
		f.noEvents(t, func() {
			// An invariant about the target, not a permission of the
			// actor (an admin manages members): ErrConflict, not ErrForbidden.
			wantErr(t, err3(f.svc.ChangeRole(f.ctx, admin, tm, lead, team.RoleMember)), cabinet.ErrConflict, "TEAM-2")
			wantErr(t, err2(f.svc.RemoveMember(f.ctx, admin, tm, lead)), cabinet.ErrConflict, "TEAM-2")
			wantErr(t, err2(f.svc.Leave(f.ctx, lead, tm)), cabinet.ErrConflict, "TEAM-2")
			// A non-admin acting is still a permission refusal (TEAM-4).
			wantErr(t, err2(f.svc.RemoveMember(f.ctx, member, tm, lead)), cabinet.ErrForbidden, "TEAM-4")
		})
		assert.Equal(t, lead, f.getTeam(t, tm).Lead)
		assert.True(t, f.getTeam(t, tm).IsAdmin(lead))
	})
	// TEAM-2 v2. Attack closed: "any admin can take lead status and then
	// remove the founding lead advisor".
	t.Run("TEAM-2 v2 no admin takes lead status", func(t *testing.T) {
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.TransferLead(f.ctx, admin, tm, admin)), cabinet.ErrForbidden, "TEAM-2")
			wantErr(t, err3(f.svc.TransferLead(f.ctx, member, tm, admin)), cabinet.ErrForbidden, "TEAM-2")
			wantErr(t, err2(f.svc.RemoveMember(f.ctx, admin, tm, lead)), cabinet.ErrConflict, "TEAM-2")
		})
		assert.Equal(t, lead, f.getTeam(t, tm).Lead)
		assert.True(t, f.getTeam(t, tm).IsMember(lead))
	})
	t.Run("TEAM-2 lead goes only to an admin, by the lead", func(t *testing.T) {
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.TransferLead(f.ctx, lead, tm, member)), cabinet.ErrConflict, "TEAM-2")
			wantErr(t, err3(f.svc.TransferLead(f.ctx, lead, tm, "user_404")), cabinet.ErrNotFound, "")
			_, rev, err := f.svc.TransferLead(f.ctx, lead, tm, lead)
			require.NoError(t, err, "to the current lead: a no-op")
			assert.Equal(t, f.store.Revision(), rev)
		})
		names := f.newNames(t, func() {
			got, rev, err := f.svc.TransferLead(f.ctx, lead, tm, admin)
			require.NoError(t, err)
			assert.Equal(t, admin, got.Lead)
			assert.Equal(t, f.store.Revision(), rev)
		})
		assert.Equal(t, []string{"team.lead_transferred"}, names)
		assert.Equal(t, team.LeadTransferred{Team: tm, From: lead, To: admin}, f.last())
		// The former lead is an ordinary admin now: they may be demoted,
		// and can no longer hand lead status.
		require.NoError(t, err3(f.svc.ChangeRole(f.ctx, admin, tm, lead, team.RoleMember)))
		wantErr(t, err3(f.svc.ChangeRole(f.ctx, admin, tm, admin, team.RoleMember)), cabinet.ErrConflict, "TEAM-2")
		require.NoError(t, err3(f.svc.ChangeRole(f.ctx, admin, tm, lead, team.RoleAdmin)))
		wantErr(t, err3(f.svc.TransferLead(f.ctx, lead, tm, lead)), cabinet.ErrForbidden, "TEAM-2")
		require.NoError(t, err3(f.svc.TransferLead(f.ctx, admin, tm, lead)))
		assert.Equal(t, lead, f.getTeam(t, tm).Lead)
	})
	t.Run("TEAM-2 a team always has an admin", func(t *testing.T) {
		tt := f.getTeam(t, tm)
		assert.Contains(t, tt.Admins(), tt.Lead)
	})
}

func TestInvitations_TEAM3(t *testing.T) {
	f := newFixture(t)
	lead, bob := f.user(t, "Lead"), f.user(t, "Bob")
	tm := f.team(t, lead, "T")

	t.Run("TEAM-3 invite a user who has an account", func(t *testing.T) {
		inv, rev, err := f.svc.Invite(f.ctx, lead, tm, "BOB@example.com", team.RoleMember)
		require.NoError(t, err)
		assert.Equal(t, f.store.Revision(), rev)
		assert.Equal(t, team.StatusPending, inv.Status)
		assert.Equal(t, start.Add(team.DefaultInvitationLifetime), inv.ExpiresAt)
		assert.Equal(t, team.InvitationCreated{Invitation: inv.ID, Team: tm, Email: "BOB@example.com", Role: team.RoleMember, InvitedBy: lead, Invitee: bob, ExpiresAt: inv.ExpiresAt}, f.last())
		pend, _, err := f.svc.PendingInvitations(f.ctx, bob, cabinet.Page{})
		require.NoError(t, err)
		require.Len(t, pend, 1)
		assert.False(t, f.getTeam(t, tm).IsMember(bob), "pending is not a member")

		names := f.newNames(t, func() {
			got, _, err := f.svc.AcceptInvitation(f.ctx, bob, inv.ID)
			require.NoError(t, err)
			r, ok := got.Role(bob)
			assert.True(t, ok)
			assert.Equal(t, team.RoleMember, r)
		})
		assert.Equal(t, []string{"team.invitation_accepted", "team.member_joined"}, names)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.AcceptInvitation(f.ctx, bob, inv.ID)), cabinet.ErrConflict, "TEAM-3") // accepting twice
			wantErr(t, err2(f.svc.RevokeInvitation(f.ctx, lead, inv.ID)), cabinet.ErrConflict, "TEAM-3")
			wantErr(t, err3(f.svc.Invite(f.ctx, lead, tm, "bob@example.com", team.RoleAdmin)), cabinet.ErrConflict, "TEAM-3") // already a member
		})
	})
	t.Run("TEAM-3 invite a person without an account, who signs up then accepts", func(t *testing.T) {
		inv, _, err := f.svc.Invite(f.ctx, lead, tm, "carol@example.com", team.RoleAdmin)
		require.NoError(t, err)
		assert.Equal(t, cabinet.UserID(""), f.last().(team.InvitationCreated).Invitee)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.Invite(f.ctx, lead, tm, "Carol@example.com", team.RoleMember)), cabinet.ErrConflict, "TEAM-3") // one pending invitation per email
			wantErr(t, err3(f.svc.AcceptInvitation(f.ctx, bob, inv.ID)), cabinet.ErrForbidden, "TEAM-3")                         // someone else's invitation
		})
		carol := f.user(t, "Carol")
		got, _, err := f.svc.AcceptInvitation(f.ctx, carol, inv.ID)
		require.NoError(t, err)
		assert.True(t, got.IsAdmin(carol))
	})
	t.Run("TEAM-3 revoked invitation cannot be accepted", func(t *testing.T) {
		dan := f.user(t, "Dan")
		inv, _, err := f.svc.Invite(f.ctx, lead, tm, email("Dan"), team.RoleMember)
		require.NoError(t, err)
		f.noEvents(t, func() {
			wantErr(t, err2(f.svc.RevokeInvitation(f.ctx, bob, inv.ID)), cabinet.ErrForbidden, "TEAM-4")
		})
		names := f.newNames(t, func() {
			rev, err := f.svc.RevokeInvitation(f.ctx, lead, inv.ID)
			require.NoError(t, err)
			assert.Equal(t, f.store.Revision(), rev)
		})
		assert.Equal(t, []string{"team.invitation_revoked"}, names)
		assert.Equal(t, team.InvitationRevoked{Invitation: inv.ID, Team: tm, Email: email("Dan"), RevokedBy: lead}, f.last())
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.AcceptInvitation(f.ctx, dan, inv.ID)), cabinet.ErrConflict, "TEAM-3")
			wantErr(t, err2(f.svc.RevokeInvitation(f.ctx, lead, inv.ID)), cabinet.ErrConflict, "TEAM-3")
		})
		assert.False(t, f.getTeam(t, tm).IsMember(dan))
	})
	t.Run("TEAM-3 expired invitation cannot be accepted, and may be renewed", func(t *testing.T) {
		eve := f.user(t, "Eve")
		svc := f.svc.WithInvitationLifetime(48 * time.Hour)
		inv, _, err := svc.Invite(f.ctx, lead, tm, email("Eve"), team.RoleMember)
		require.NoError(t, err)
		assert.Equal(t, f.clock.Now().Add(48*time.Hour), inv.ExpiresAt)
		f.clock.Advance(48 * time.Hour)
		pend, _, _ := f.svc.PendingInvitations(f.ctx, eve, cabinet.Page{})
		assert.Empty(t, pend)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.AcceptInvitation(f.ctx, eve, inv.ID)), cabinet.ErrConflict, "TEAM-3")
		})
		again, _, err := f.svc.Invite(f.ctx, lead, tm, email("Eve"), team.RoleMember)
		require.NoError(t, err, "an expired invitation does not block a new one")
		_, _, err = f.svc.AcceptInvitation(f.ctx, eve, again.ID)
		require.NoError(t, err)
	})
	t.Run("TEAM-3 bad input", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			team     cabinet.TeamID
			email    string
			role     team.Role
			sentinel error
			field    string
		}{
			{"malformed email", tm, "not-an-email", team.RoleMember, cabinet.ErrInvalid, "email"},
			{"no role", tm, "x@example.com", team.RoleInvalid, cabinet.ErrInvalid, "role"},
			{"unknown team", "team_404", "x@example.com", team.RoleMember, cabinet.ErrNotFound, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.noEvents(t, func() {
					wantErr(t, err3(f.svc.Invite(f.ctx, lead, tc.team, tc.email, tc.role)), tc.sentinel, tc.field)
				})
			})
		}
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.AcceptInvitation(f.ctx, bob, "inv_404")), cabinet.ErrNotFound, "")
			wantErr(t, err3(f.svc.AcceptInvitation(f.ctx, bob, "")), cabinet.ErrNotFound, "")
			wantErr(t, err2(f.svc.RevokeInvitation(f.ctx, lead, "inv_404")), cabinet.ErrNotFound, "")
		})
	})
	t.Run("admins list a team's invitations, one page at a time", func(t *testing.T) {
		invs, next, err := f.svc.Invitations(f.ctx, lead, tm, team.InvitationFilter{}, cabinet.Page{})
		require.NoError(t, err)
		assert.Empty(t, next)
		assert.Len(t, invs, 5)
		accepted, _, err := f.svc.Invitations(f.ctx, lead, tm, team.InvitationFilter{Status: team.StatusAccepted}, cabinet.Page{})
		require.NoError(t, err)
		assert.Len(t, accepted, 3)
		page, next, err := f.svc.Invitations(f.ctx, lead, tm, team.InvitationFilter{}, cabinet.Page{Limit: 2})
		require.NoError(t, err)
		assert.Len(t, page, 2)
		assert.NotEmpty(t, next)
		wantErr(t, err3(f.svc.Invitations(f.ctx, bob, tm, team.InvitationFilter{}, cabinet.Page{})), cabinet.ErrForbidden, "TEAM-4")
	})
	t.Run("TEAM-3 an invitation is visible to its invitee and the team's admins", func(t *testing.T) {
		zoe := f.user(t, "Zoe")
		inv, _, err := f.svc.Invite(f.ctx, lead, tm, "ZOE@example.com", team.RoleMember)
		require.NoError(t, err)
		for _, u := range []cabinet.UserID{zoe, lead} {
			got, err := f.svc.Invitation(f.ctx, u, inv.ID)
			require.NoError(t, err)
			assert.Equal(t, inv, got)
		}
		wantErr(t, err2(f.svc.Invitation(f.ctx, bob, inv.ID)), cabinet.ErrForbidden, "TEAM-4")
		wantErr(t, err2(f.svc.Invitation(f.ctx, zoe, "inv_404")), cabinet.ErrNotFound, "")
		wantErr(t, err2(f.svc.Invitation(f.ctx, "user_404", inv.ID)), cabinet.ErrNotFound, "")
	})
}

// Issue 12 (seed 000): a pending invitation can be resent, by the team's
// admins (TEAM-3, TEAM-4); resending restarts its lifetime.
func TestResendInvitation_TEAM3(t *testing.T) {
	f := newFixture(t)
	lead, member, kim := f.user(t, "Lead"), f.user(t, "Member"), f.user(t, "Kim")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, member, "Member", team.RoleMember)
	svc := f.svc.WithInvitationLifetime(72 * time.Hour)
	inv, _, err := svc.Invite(f.ctx, lead, tm, email("Kim"), team.RoleAdmin)
	require.NoError(t, err)

	t.Run("TEAM-3 an admin resends; the lifetime restarts from the resend", func(t *testing.T) {
		f.clock.Advance(48 * time.Hour)
		got, rev, err := svc.ResendInvitation(f.ctx, lead, inv.ID)
		require.NoError(t, err)
		assert.Equal(t, f.store.Revision(), rev)
		assert.Equal(t, f.clock.Now().Add(72*time.Hour), got.ExpiresAt)
		assert.Equal(t, f.clock.Now(), got.ResentAt)
		assert.Equal(t, team.StatusPending, got.Status)
		assert.Equal(t, team.InvitationResent{Invitation: inv.ID, Team: tm, Email: email("Kim"), Role: team.RoleAdmin, ResentBy: lead, Invitee: kim, ExpiresAt: got.ExpiresAt}, f.last())
	})
	t.Run("TEAM-3 an expired invitation resent can be accepted again", func(t *testing.T) {
		f.clock.Advance(100 * time.Hour)
		wantErr(t, err3(svc.AcceptInvitation(f.ctx, kim, inv.ID)), cabinet.ErrConflict, "TEAM-3")
		_, _, err := svc.ResendInvitation(f.ctx, lead, inv.ID)
		require.NoError(t, err)
		pend, _, _ := f.svc.PendingInvitations(f.ctx, kim, cabinet.Page{})
		require.Len(t, pend, 1)
	})
	t.Run("TEAM-4 only admins resend; TEAM-3 only a pending invitation", func(t *testing.T) {
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.ResendInvitation(f.ctx, member, inv.ID)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err3(f.svc.ResendInvitation(f.ctx, kim, inv.ID)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err3(f.svc.ResendInvitation(f.ctx, lead, "inv_404")), cabinet.ErrNotFound, "")
			wantErr(t, err3(f.svc.ResendInvitation(f.ctx, lead, "")), cabinet.ErrNotFound, "")
		})
		_, _, err := f.svc.AcceptInvitation(f.ctx, kim, inv.ID)
		require.NoError(t, err)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.ResendInvitation(f.ctx, lead, inv.ID)), cabinet.ErrConflict, "TEAM-3")
		})
	})
	t.Run("TEAM-3 an expired invitation superseded by a newer one is not resent", func(t *testing.T) {
		old, _, err := svc.Invite(f.ctx, lead, tm, "lou@example.com", team.RoleMember)
		require.NoError(t, err)
		f.clock.Advance(73 * time.Hour)
		_, _, err = svc.Invite(f.ctx, lead, tm, "lou@example.com", team.RoleMember)
		require.NoError(t, err)
		f.noEvents(t, func() {
			wantErr(t, err3(svc.ResendInvitation(f.ctx, lead, old.ID)), cabinet.ErrConflict, "TEAM-3")
		})
	})
}

// TestPermissionMatrix_TEAM4 checks, in upspin's style, what each kind of
// user may do to a team (TEAM-4, TEAM-6, and a pending team, TEAM-1).
func TestPermissionMatrix_TEAM4(t *testing.T) {
	const (
		view = iota
		manage
		rename
		del
		leave
		listRefs
		transfer
	)
	f := newFixture(t)
	lead, admin, member, outsider := f.user(t, "Lead"), f.user(t, "Admin"), f.user(t, "Member"), f.user(t, "Outsider")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, admin, "Admin", team.RoleAdmin)
	f.join(t, lead, tm, member, "Member", team.RoleMember)
	tt := f.getTeam(t, tm)
	pt := f.personal(t, lead)
	pend, _, err := f.svc.CreateTeam(f.ctx, admin, "For the lead", lead)
	require.NoError(t, err)

	check := func(u cabinet.UserID, action int, target team.Team, want string) {
		t.Helper()
		var err error
		switch action {
		case view:
			err = team.CanViewTeam(target, u)
		case manage:
			err = team.CanManageMembers(target, u)
		case rename:
			err = team.CanRename(target, u)
		case del:
			err = team.CanDelete(target, u)
		case leave:
			err = team.CanLeave(target, u)
		case listRefs:
			err = team.CanListReferrals(target, u)
		case transfer:
			err = team.CanTransferLead(target, u)
		}
		if want == "" {
			assert.NoError(t, err, "user %s action %d on %s", u, action, target.ID)
			return
		}
		if want == "TEAM-2" && action == leave {
			// The lead leaving breaks an invariant about the team, not a
			// permission: a conflict.
			assert.ErrorIs(t, err, cabinet.ErrConflict, "user %s action %d on %s", u, action, target.ID)
		} else {
			assert.ErrorIs(t, err, cabinet.ErrForbidden, "user %s action %d on %s", u, action, target.ID)
		}
		assert.Equal(t, want, cabinet.RuleOf(err), "user %s action %d on %s", u, action, target.ID)
	}
	// Members (any role) see the team and its referrals; admins manage.
	for _, u := range []cabinet.UserID{lead, admin, member} {
		check(u, view, tt, "")
		check(u, listRefs, tt, "")
	}
	for _, u := range []cabinet.UserID{lead, admin} {
		check(u, manage, tt, "")
		check(u, rename, tt, "")
		check(u, del, tt, "")
	}
	check(lead, transfer, tt, "")
	check(admin, transfer, tt, "TEAM-2") // v2: only the lead
	check(member, transfer, tt, "TEAM-2")
	check(member, manage, tt, "TEAM-4")
	check(member, rename, tt, "TEAM-4")
	check(member, del, tt, "TEAM-4")
	check(member, leave, tt, "")
	check(admin, leave, tt, "")
	check(lead, leave, tt, "TEAM-2")
	check(outsider, view, tt, "TEAM-4")
	check(outsider, manage, tt, "TEAM-4")
	check(outsider, rename, tt, "TEAM-4")
	check(outsider, del, tt, "TEAM-4")
	check(outsider, leave, tt, "TEAM-4")
	check(outsider, listRefs, tt, "TEAM-12")
	// Personal team (TEAM-6): only its owner sees it; nobody manages, renames, deletes or leaves it.
	check(lead, view, pt, "")
	check(lead, listRefs, pt, "")
	check(lead, manage, pt, "TEAM-6")
	check(lead, rename, pt, "TEAM-6")
	check(lead, del, pt, "TEAM-6")
	check(lead, leave, pt, "TEAM-6")
	check(lead, transfer, pt, "TEAM-6")
	check(member, view, pt, "TEAM-6")
	check(member, listRefs, pt, "TEAM-6")
	// Pending team (TEAM-1): its lead and creator see it; nothing else applies.
	check(lead, view, pend, "")
	check(admin, view, pend, "")
	check(outsider, view, pend, "TEAM-1")
	for _, a := range []int{manage, rename, del, leave, listRefs, transfer} {
		check(lead, a, pend, "TEAM-1")
		check(admin, a, pend, "TEAM-1")
	}

	// The service enforces the same predicates (TEAM-4).
	t.Run("TEAM-4 service", func(t *testing.T) {
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.Invite(f.ctx, member, tm, "x@example.com", team.RoleMember)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err2(f.svc.RemoveMember(f.ctx, member, tm, admin)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err3(f.svc.ChangeRole(f.ctx, member, tm, member, team.RoleAdmin)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err3(f.svc.RenameTeam(f.ctx, member, tm, "Mine")), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err2(f.svc.DeleteTeam(f.ctx, member, tm, team.ReassignToReferrers)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err2(f.svc.Team(f.ctx, outsider, tm)), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, err3(f.svc.ChangeRole(f.ctx, admin, tm, outsider, team.RoleAdmin)), cabinet.ErrNotFound, "")
			wantErr(t, err3(f.svc.ChangeRole(f.ctx, admin, tm, member, team.RoleInvalid)), cabinet.ErrInvalid, "role")
			wantErr(t, err2(f.svc.RemoveMember(f.ctx, admin, tm, outsider)), cabinet.ErrNotFound, "")
		})
		renamed, _, err := f.svc.RenameTeam(f.ctx, admin, tm, " New name ")
		require.NoError(t, err)
		assert.Equal(t, "New name", renamed.Name)
		assert.Equal(t, team.TeamRenamed{Team: tm, OldName: "T", Name: "New name"}, f.last())
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.RenameTeam(f.ctx, admin, tm, "")), cabinet.ErrInvalid, "name")
		})
		got, _, err := f.svc.ChangeRole(f.ctx, admin, tm, member, team.RoleAdmin)
		require.NoError(t, err)
		assert.True(t, got.IsAdmin(member))
		assert.Equal(t, team.RoleChanged{Team: tm, User: member, From: team.RoleMember, To: team.RoleAdmin, ChangedBy: admin}, f.last())
		assert.True(t, f.getTeam(t, tm).IsAdmin(member))
		viewed, err := f.svc.Team(f.ctx, member, tm)
		require.NoError(t, err)
		assert.Len(t, viewed.Members, 3)
	})
}

func TestPersonalTeam_TEAM6(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.user(t, "Alice"), f.user(t, "Bob")
	p := f.personal(t, alice)
	f.facts.setInternal(bob, "d", true)
	f.noEvents(t, func() {
		wantErr(t, err3(f.svc.Invite(f.ctx, alice, p.ID, email("Bob"), team.RoleMember)), cabinet.ErrForbidden, "TEAM-6") // accepts no invitation
		wantErr(t, err3(f.svc.RenameTeam(f.ctx, alice, p.ID, "Other")), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, err2(f.svc.DeleteTeam(f.ctx, alice, p.ID, team.ReassignToDeleter)), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, err2(f.svc.Leave(f.ctx, alice, p.ID)), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, err3(f.svc.TransferLead(f.ctx, alice, p.ID, alice)), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, err2(f.svc.Team(f.ctx, bob, p.ID)), cabinet.ErrForbidden, "TEAM-6") // visible only to its owner
		wantErr(t, err3(f.svc.Referrals(f.ctx, bob, p.ID, team.ReferralFilter{}, cabinet.Page{})), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, err3(f.svc.Refer(f.ctx, bob, team.ReferInput{Team: p.ID, ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"})), cabinet.ErrForbidden, "TEAM-7")
	})
	got, err := f.svc.Team(f.ctx, alice, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, got)
	assert.Equal(t, "Alice personal", got.Name)
	assert.Equal(t, []team.Member{{User: alice, Role: team.RoleAdmin, JoinedAt: start}}, got.Members)
}

func TestEnums(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parse func(string) (string, error)
		good  []string
		field string
	}{
		{"role", func(s string) (string, error) { r, err := team.ParseRole(s); return r.String(), err }, []string{"member", "admin"}, "role"},
		{"consent", func(s string) (string, error) { c, err := team.ParseConsent(s); return c.String(), err }, []string{"given", "revoked"}, "consent"},
		{"reassignment", func(s string) (string, error) { r, err := team.ParseReassignment(s); return r.String(), err }, []string{"to_deleter", "to_referrers"}, "reassignment"},
		{"status", func(s string) (string, error) { r, err := team.ParseInvitationStatus(s); return r.String(), err }, []string{"pending", "accepted", "revoked"}, "status"},
		{"reason", func(s string) (string, error) { r, err := team.ParseMoveReason(s); return r.String(), err }, []string{"first_team", "manual", "team_deleted"}, "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, g := range tc.good {
				got, err := tc.parse(g)
				require.NoError(t, err)
				assert.Equal(t, g, got)
			}
			for _, bad := range []string{"", "invalid", "Admin", "x"} {
				_, err := tc.parse(bad)
				wantErr(t, err, cabinet.ErrInvalid, tc.field)
			}
		})
	}
	assert.False(t, team.RoleInvalid.Valid())
	assert.False(t, team.ConsentInvalid.Valid())
	assert.False(t, team.ReassignInvalid.Valid())
	assert.False(t, team.InvitationStatusInvalid.Valid())
	assert.False(t, team.MoveReasonInvalid.Valid())
	assert.Equal(t, "Role(7)", team.Role(7).String())
}

func TestConcurrentSignUpsWithOneEmail(t *testing.T) {
	f := newFixture(t)
	const n = 10
	errs := make(chan error, n)
	for range n {
		go func() {
			_, _, err := f.svc.CreateUser(f.ctx, signup, "Same", "same@example.com")
			errs <- err
		}()
	}
	ok := 0
	for range n {
		if err := <-errs; err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, cabinet.ErrConflict)
		}
	}
	assert.Equal(t, 1, ok, "exactly one account per email")
}
