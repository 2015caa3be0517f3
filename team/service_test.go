package team_test

import (
	"context"
	"errors"
	"slices"
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
	u, err := f.svc.CreateUser(f.ctx, "  Alice Martin ", "Alice@Example.COM")
	require.NoError(t, err)
	assert.Equal(t, "Alice Martin", u.DisplayName)
	assert.Equal(t, "Alice@example.com", u.Email)

	p := f.personal(t, u.ID)
	assert.True(t, p.Personal)
	assert.Equal(t, "Alice Martin personal", p.Name)
	assert.Equal(t, u.ID, p.Owner)
	assert.Equal(t, u.ID, p.Lead)
	assert.Equal(t, []team.Member{{User: u.ID, Role: team.RoleAdmin, JoinedAt: start}}, p.Members)
	assert.Equal(t, []string{"team.user_created", "team.team_created"}, f.log.Names())

	got, err := f.svc.UserByEmail(f.ctx, "alice@example.com")
	require.NoError(t, err)
	assert.Equal(t, u, got)
	got, err = f.svc.User(f.ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)
	_, err = f.svc.User(f.ctx, "user_404")
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, err = f.svc.UserByEmail(f.ctx, "nobody@example.com")
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, err = f.svc.UserByEmail(f.ctx, "")
	wantErr(t, err, cabinet.ErrNotFound, "")
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	f := newFixture(t)
	f.user(t, "Alice")
	tests := []struct {
		name, display, email string
		sentinel             error
		field                string
	}{
		{"blank name", "   ", "x@example.com", cabinet.ErrInvalid, "display_name"},
		{"long name", strings.Repeat("a", cabinet.MaxNameLength+1), "x@example.com", cabinet.ErrInvalid, "display_name"},
		{"name too long for personal team", strings.Repeat("a", cabinet.MaxNameLength-2), "x@example.com", cabinet.ErrInvalid, "display_name"},
		{"bad email", "Bob", "bob at example", cabinet.ErrInvalid, "email"},
		{"missing email", "Bob", "", cabinet.ErrInvalid, "email"},
		{"duplicate email, other case", "Alice Two", "ALICE@example.com", cabinet.ErrConflict, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.noEvents(t, func() {
				_, err := f.svc.CreateUser(f.ctx, tc.display, tc.email)
				wantErr(t, err, tc.sentinel, tc.field)
			})
		})
	}
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
	if err := w.PutReferral(ctx, team.Referral{ID: cabinet.ReferralID("ref_" + u.ID), Team: "t_listener", Referrer: u.ID, ClientName: "X", ClientEmail: u.Email, Dossier: "d_x", Consent: team.ConsentGiven, CreatedAt: start}); err != nil {
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
		u, err := f.svc.CreateUser(f.ctx, "Alice", "alice@example.com")
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
		u, err := f.svc.CreateUser(f.ctx, "Alice", "alice@example.com")
		require.ErrorIs(t, err, boom)
		assert.Equal(t, cabinet.User{}, u)
		assert.Empty(t, f.log.Names(), "a failed command publishes nothing")
		_, err = f.svc.UserByEmail(f.ctx, "alice@example.com")
		assert.ErrorIs(t, err, cabinet.ErrNotFound, "no account")
		require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
			refs, _, err := r.ListReferrals(f.ctx, team.ReferralFilter{}, cabinet.Page{})
			assert.Empty(t, refs, "the listeners' writes are rolled back")
			return err
		}))
		// A retry after the failure is a fresh command, not a conflict.
		bad.err = nil
		_, err = f.svc.CreateUser(f.ctx, "Alice", "alice@example.com")
		require.NoError(t, err)
	})
}

func TestCreateTeam_TEAM1_TEAM5(t *testing.T) {
	f := newFixture(t)
	lead := f.user(t, "Lead")
	assistant := f.user(t, "Assistant")

	t.Run("TEAM-1 creator becomes first admin and lead", func(t *testing.T) {
		tm, err := f.svc.CreateTeam(f.ctx, lead, "  Martin & Co ", "")
		require.NoError(t, err)
		assert.Equal(t, "Martin & Co", tm.Name)
		assert.Equal(t, lead, tm.Lead)
		assert.Equal(t, lead, tm.CreatedBy)
		assert.False(t, tm.Personal)
		assert.Equal(t, []team.Member{{User: lead, Role: team.RoleAdmin, JoinedAt: start}}, tm.Members)
	})
	t.Run("TEAM-1 assistant creates on the lead's behalf", func(t *testing.T) {
		tm, err := f.svc.CreateTeam(f.ctx, assistant, "For the lead", lead)
		require.NoError(t, err)
		assert.Equal(t, lead, tm.Lead)
		assert.Equal(t, assistant, tm.CreatedBy)
		assert.True(t, tm.IsAdmin(lead))
		assert.False(t, tm.IsMember(assistant), "the assistant is a member only if added")
		_, err = f.svc.Team(f.ctx, assistant, tm.ID)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-4")
	})
	t.Run("TEAM-5 any number of teams", func(t *testing.T) {
		ts, err := f.svc.Teams(f.ctx, lead)
		require.NoError(t, err)
		assert.Len(t, ts, 3, "personal team + two teams")
		_, err = f.svc.CreateTeam(f.ctx, lead, "Third", "")
		require.NoError(t, err)
		ts, _ = f.svc.Teams(f.ctx, lead)
		assert.Len(t, ts, 4)
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
					_, err := f.svc.CreateTeam(f.ctx, tc.actor, tc.team, tc.lead)
					wantErr(t, err, tc.sentinel, tc.field)
				})
			})
		}
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
			wantErr(t, f.svc.ChangeRole(f.ctx, admin, tm, lead, team.RoleMember), cabinet.ErrConflict, "TEAM-2")
			wantErr(t, f.svc.RemoveMember(f.ctx, admin, tm, lead), cabinet.ErrConflict, "TEAM-2")
			wantErr(t, f.svc.Leave(f.ctx, lead, tm), cabinet.ErrConflict, "TEAM-2")
			// A non-admin acting is still a permission refusal (TEAM-4).
			wantErr(t, f.svc.RemoveMember(f.ctx, member, tm, lead), cabinet.ErrForbidden, "TEAM-4")
		})
		assert.Equal(t, lead, f.getTeam(t, tm).Lead)
		assert.True(t, f.getTeam(t, tm).IsAdmin(lead))
	})
	t.Run("TEAM-2 lead goes only to an admin, by the lead or an admin", func(t *testing.T) {
		f.noEvents(t, func() {
			wantErr(t, f.svc.TransferLead(f.ctx, lead, tm, member), cabinet.ErrConflict, "TEAM-2")
			wantErr(t, f.svc.TransferLead(f.ctx, member, tm, admin), cabinet.ErrForbidden, "TEAM-2")
			wantErr(t, f.svc.TransferLead(f.ctx, lead, tm, "user_404"), cabinet.ErrNotFound, "")
		})
		names := f.newNames(t, func() { require.NoError(t, f.svc.TransferLead(f.ctx, admin, tm, admin)) })
		assert.Equal(t, []string{"team.lead_transferred"}, names)
		assert.Equal(t, admin, f.getTeam(t, tm).Lead)
		// The former lead is an ordinary admin now and may be demoted.
		require.NoError(t, f.svc.ChangeRole(f.ctx, admin, tm, lead, team.RoleMember))
		wantErr(t, f.svc.ChangeRole(f.ctx, admin, tm, admin, team.RoleMember), cabinet.ErrConflict, "TEAM-2")
		// Hand it back via an admin acting for themself.
		require.NoError(t, f.svc.ChangeRole(f.ctx, admin, tm, lead, team.RoleAdmin))
		require.NoError(t, f.svc.TransferLead(f.ctx, admin, tm, lead))
		assert.Equal(t, lead, f.getTeam(t, tm).Lead)
		last := f.log.Events()[len(f.log.Events())-1]
		assert.Equal(t, team.LeadTransferred{Team: tm, From: admin, To: lead}, last)
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
		inv, err := f.svc.Invite(f.ctx, lead, tm, "BOB@example.com", team.RoleMember)
		require.NoError(t, err)
		assert.Equal(t, team.StatusPending, inv.Status)
		assert.Equal(t, start.Add(team.DefaultInvitationLifetime), inv.ExpiresAt)
		ev := f.log.Events()[len(f.log.Events())-1]
		assert.Equal(t, team.InvitationCreated{Invitation: inv.ID, Team: tm, Email: "BOB@example.com", Role: team.RoleMember, InvitedBy: lead, Invitee: bob, ExpiresAt: inv.ExpiresAt}, ev)
		pend, err := f.svc.PendingInvitations(f.ctx, bob)
		require.NoError(t, err)
		require.Len(t, pend, 1)
		assert.False(t, f.getTeam(t, tm).IsMember(bob), "pending is not a member")

		names := f.newNames(t, func() {
			got, err := f.svc.AcceptInvitation(f.ctx, bob, inv.ID)
			require.NoError(t, err)
			r, ok := got.Role(bob)
			assert.True(t, ok)
			assert.Equal(t, team.RoleMember, r)
		})
		assert.Equal(t, []string{"team.invitation_accepted", "team.member_joined"}, names)
		f.noEvents(t, func() {
			_, err = f.svc.AcceptInvitation(f.ctx, bob, inv.ID)
			wantErr(t, err, cabinet.ErrConflict, "TEAM-3") // accepting twice
			wantErr(t, f.svc.RevokeInvitation(f.ctx, lead, inv.ID), cabinet.ErrConflict, "TEAM-3")
			_, err = f.svc.Invite(f.ctx, lead, tm, "bob@example.com", team.RoleAdmin)
			wantErr(t, err, cabinet.ErrConflict, "TEAM-3") // already a member
		})
	})
	t.Run("TEAM-3 invite a person without an account, who signs up then accepts", func(t *testing.T) {
		inv, err := f.svc.Invite(f.ctx, lead, tm, "carol@example.com", team.RoleAdmin)
		require.NoError(t, err)
		ev := f.log.Events()[len(f.log.Events())-1].(team.InvitationCreated)
		assert.Equal(t, cabinet.UserID(""), ev.Invitee)
		f.noEvents(t, func() {
			_, err := f.svc.Invite(f.ctx, lead, tm, "Carol@example.com", team.RoleMember)
			wantErr(t, err, cabinet.ErrConflict, "TEAM-3") // one pending invitation per email
			_, err = f.svc.AcceptInvitation(f.ctx, bob, inv.ID)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-3") // someone else's invitation
		})
		carol := f.user(t, "Carol")
		got, err := f.svc.AcceptInvitation(f.ctx, carol, inv.ID)
		require.NoError(t, err)
		assert.True(t, got.IsAdmin(carol))
	})
	t.Run("TEAM-3 revoked invitation cannot be accepted", func(t *testing.T) {
		dan := f.user(t, "Dan")
		inv, err := f.svc.Invite(f.ctx, lead, tm, email("Dan"), team.RoleMember)
		require.NoError(t, err)
		f.noEvents(t, func() {
			wantErr(t, f.svc.RevokeInvitation(f.ctx, bob, inv.ID), cabinet.ErrForbidden, "TEAM-4")
		})
		names := f.newNames(t, func() { require.NoError(t, f.svc.RevokeInvitation(f.ctx, lead, inv.ID)) })
		assert.Equal(t, []string{"team.invitation_revoked"}, names)
		f.noEvents(t, func() {
			_, err = f.svc.AcceptInvitation(f.ctx, dan, inv.ID)
			wantErr(t, err, cabinet.ErrConflict, "TEAM-3")
			wantErr(t, f.svc.RevokeInvitation(f.ctx, lead, inv.ID), cabinet.ErrConflict, "TEAM-3")
		})
		assert.False(t, f.getTeam(t, tm).IsMember(dan))
	})
	t.Run("TEAM-3 expired invitation cannot be accepted, and may be renewed", func(t *testing.T) {
		eve := f.user(t, "Eve")
		svc := f.svc.WithInvitationLifetime(48 * time.Hour)
		inv, err := svc.Invite(f.ctx, lead, tm, email("Eve"), team.RoleMember)
		require.NoError(t, err)
		assert.Equal(t, f.clock.Now().Add(48*time.Hour), inv.ExpiresAt)
		f.clock.Advance(48 * time.Hour)
		pend, _ := f.svc.PendingInvitations(f.ctx, eve)
		assert.Empty(t, pend)
		f.noEvents(t, func() {
			_, err = f.svc.AcceptInvitation(f.ctx, eve, inv.ID)
			wantErr(t, err, cabinet.ErrConflict, "TEAM-3")
		})
		again, err := f.svc.Invite(f.ctx, lead, tm, email("Eve"), team.RoleMember)
		require.NoError(t, err, "an expired invitation does not block a new one")
		_, err = f.svc.AcceptInvitation(f.ctx, eve, again.ID)
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
					_, err := f.svc.Invite(f.ctx, lead, tc.team, tc.email, tc.role)
					wantErr(t, err, tc.sentinel, tc.field)
				})
			})
		}
		f.noEvents(t, func() {
			_, err := f.svc.AcceptInvitation(f.ctx, bob, "inv_404")
			wantErr(t, err, cabinet.ErrNotFound, "")
			_, err = f.svc.AcceptInvitation(f.ctx, bob, "")
			wantErr(t, err, cabinet.ErrNotFound, "")
			wantErr(t, f.svc.RevokeInvitation(f.ctx, lead, "inv_404"), cabinet.ErrNotFound, "")
		})
	})
	t.Run("admins list a team's invitations", func(t *testing.T) {
		invs, err := f.svc.Invitations(f.ctx, lead, tm)
		require.NoError(t, err)
		assert.Len(t, invs, 5)
		_, err = f.svc.Invitations(f.ctx, bob, tm)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-4")
	})
}

// TestPermissionMatrix_TEAM4 checks, in upspin's style, what each kind of
// user may do to a team (TEAM-4, TEAM-6).
func TestPermissionMatrix_TEAM4(t *testing.T) {
	const (
		view = iota
		manage
		rename
		del
		leave
		listRefs
	)
	f := newFixture(t)
	lead, admin, member, outsider := f.user(t, "Lead"), f.user(t, "Admin"), f.user(t, "Member"), f.user(t, "Outsider")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, admin, "Admin", team.RoleAdmin)
	f.join(t, lead, tm, member, "Member", team.RoleMember)
	tt := f.getTeam(t, tm)
	pt := f.personal(t, lead)

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
		}
		if want == "" {
			assert.NoError(t, err, "user %s action %d on %s", u, action, target.ID)
			return
		}
		if want == "TEAM-2" {
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
	check(member, view, pt, "TEAM-6")
	check(member, listRefs, pt, "TEAM-6")

	// The service enforces the same predicates (TEAM-4).
	t.Run("TEAM-4 service", func(t *testing.T) {
		f.noEvents(t, func() {
			_, err := f.svc.Invite(f.ctx, member, tm, "x@example.com", team.RoleMember)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, f.svc.RemoveMember(f.ctx, member, tm, admin), cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, f.svc.ChangeRole(f.ctx, member, tm, member, team.RoleAdmin), cabinet.ErrForbidden, "TEAM-4")
			_, err = f.svc.RenameTeam(f.ctx, member, tm, "Mine")
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, f.svc.DeleteTeam(f.ctx, member, tm, team.ReassignToReferrers), cabinet.ErrForbidden, "TEAM-4")
			_, err = f.svc.Team(f.ctx, outsider, tm)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-4")
			wantErr(t, f.svc.ChangeRole(f.ctx, admin, tm, outsider, team.RoleAdmin), cabinet.ErrNotFound, "")
			wantErr(t, f.svc.ChangeRole(f.ctx, admin, tm, member, team.RoleInvalid), cabinet.ErrInvalid, "role")
			wantErr(t, f.svc.RemoveMember(f.ctx, admin, tm, outsider), cabinet.ErrNotFound, "")
		})
		renamed, err := f.svc.RenameTeam(f.ctx, admin, tm, " New name ")
		require.NoError(t, err)
		assert.Equal(t, "New name", renamed.Name)
		assert.Equal(t, team.TeamRenamed{Team: tm, OldName: "T", Name: "New name"}, f.log.Events()[len(f.log.Events())-1])
		f.noEvents(t, func() {
			_, err := f.svc.RenameTeam(f.ctx, admin, tm, "")
			wantErr(t, err, cabinet.ErrInvalid, "name")
		})
		require.NoError(t, f.svc.ChangeRole(f.ctx, admin, tm, member, team.RoleAdmin))
		assert.Equal(t, team.RoleChanged{Team: tm, User: member, From: team.RoleMember, To: team.RoleAdmin}, f.log.Events()[len(f.log.Events())-1])
		assert.True(t, f.getTeam(t, tm).IsAdmin(member))
		got, err := f.svc.Team(f.ctx, member, tm)
		require.NoError(t, err)
		assert.Len(t, got.Members, 3)
	})
}

func TestPersonalTeam_TEAM6(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.user(t, "Alice"), f.user(t, "Bob")
	p := f.personal(t, alice)
	f.noEvents(t, func() {
		_, err := f.svc.Invite(f.ctx, alice, p.ID, email("Bob"), team.RoleMember)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-6") // accepts no invitation
		_, err = f.svc.RenameTeam(f.ctx, alice, p.ID, "Other")
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, f.svc.DeleteTeam(f.ctx, alice, p.ID, team.ReassignToDeleter), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, f.svc.Leave(f.ctx, alice, p.ID), cabinet.ErrForbidden, "TEAM-6")
		wantErr(t, f.svc.TransferLead(f.ctx, alice, p.ID, alice), cabinet.ErrForbidden, "TEAM-6")
		_, err = f.svc.Team(f.ctx, bob, p.ID)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-6") // visible only to its owner
		_, _, err = f.svc.Referrals(f.ctx, bob, p.ID, team.ReferralFilter{}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-6")
		_, err = f.svc.Refer(f.ctx, bob, team.ReferInput{Team: p.ID, ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"})
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-7")
	})
	got, err := f.svc.Team(f.ctx, alice, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, got)
	assert.Equal(t, []team.Member{{User: alice, Role: team.RoleAdmin, JoinedAt: start}}, got.Members)
}

func TestReferralsAndFirstTeam_TEAM7(t *testing.T) {
	f := newFixture(t)
	ann, bob := f.user(t, "Ann"), f.user(t, "Bob")

	t.Run("TEAM-7 a referral outside a team lives in the personal team", func(t *testing.T) {
		r := f.refer(t, ann, "", "Client1")
		assert.Equal(t, f.personal(t, ann).ID, r.Team)
		assert.Equal(t, team.ConsentGiven, r.Consent)
		assert.Equal(t, start, r.CreatedAt)
		assert.Equal(t, team.ReferralCreated{Referral: r.ID, Team: r.Team, Referrer: ann, ClientName: "Client1",
			ClientEmail: "client1@example.com", Dossier: "dossier-client1", Consent: team.ConsentGiven}, f.log.Events()[len(f.log.Events())-1])
	})
	r2 := f.refer(t, ann, "", "Client2")
	pAnn := f.personal(t, ann).ID
	var first cabinet.TeamID
	t.Run("TEAM-7 creating the first team takes every personal referral", func(t *testing.T) {
		names := f.newNames(t, func() { first = f.team(t, ann, "First") })
		assert.Equal(t, []string{"team.team_created", "team.referral_moved", "team.referral_moved"}, names)
		created := f.log.Events()[len(f.log.Events())-3].(team.TeamCreated)
		assert.True(t, created.FirstTeam)
		refs, _, err := f.svc.Referrals(f.ctx, ann, first, team.ReferralFilter{}, cabinet.Page{})
		require.NoError(t, err)
		assert.Len(t, refs, 2)
		left, _, _ := f.svc.Referrals(f.ctx, ann, pAnn, team.ReferralFilter{}, cabinet.Page{})
		assert.Empty(t, left)
		assert.Equal(t, first, f.personal(t, ann).FirstTeam)
		last := f.log.Events()[len(f.log.Events())-1]
		assert.Equal(t, team.ReferralMoved{Referral: r2.ID, Dossier: r2.Dossier, From: pAnn, To: first, Reason: team.MoveFirstTeam}, last)
	})
	t.Run("TEAM-7 later teams receive nothing", func(t *testing.T) {
		r3 := f.refer(t, ann, "", "Client3")
		later := f.team(t, ann, "Later")
		assert.False(t, f.log.Events()[len(f.log.Events())-1].(team.TeamCreated).FirstTeam)
		assert.Equal(t, pAnn, f.getReferral(t, r3.ID).Team)
		refs, _, _ := f.svc.Referrals(f.ctx, ann, later, team.ReferralFilter{}, cabinet.Page{})
		assert.Empty(t, refs)
	})
	t.Run("TEAM-7 joining the first team by invitation takes the personal referrals", func(t *testing.T) {
		rb := f.refer(t, bob, "", "Client4")
		f.join(t, ann, first, bob, "Bob", team.RoleMember)
		assert.Equal(t, first, f.getReferral(t, rb.ID).Team)
	})
	t.Run("TEAM-7 a referrer moves a referral between personal team and a team", func(t *testing.T) {
		r := f.refer(t, bob, first, "Client5")
		assert.Equal(t, first, r.Team)
		pBob := f.personal(t, bob).ID
		f.noEvents(t, func() {
			_, err := f.svc.MoveReferral(f.ctx, ann, r.ID, pAnn)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-7") // not the referrer
			_, err = f.svc.MoveReferral(f.ctx, bob, r.ID, pAnn)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-7") // not a team bob belongs to
			_, err = f.svc.MoveReferral(f.ctx, bob, r.ID, "team_404")
			wantErr(t, err, cabinet.ErrNotFound, "")
			_, err = f.svc.MoveReferral(f.ctx, bob, "ref_404", pBob)
			wantErr(t, err, cabinet.ErrNotFound, "")
		})
		moved, err := f.svc.MoveReferral(f.ctx, bob, r.ID, pBob)
		require.NoError(t, err)
		assert.Equal(t, pBob, moved.Team)
		assert.Equal(t, team.ReferralMoved{Referral: r.ID, Dossier: r.Dossier, From: first, To: pBob, Reason: team.MoveManual}, f.log.Events()[len(f.log.Events())-1])
		moved, err = f.svc.MoveReferral(f.ctx, bob, r.ID, first)
		require.NoError(t, err)
		assert.Equal(t, first, moved.Team)
	})
	t.Run("TEAM-7 not directly between two teams", func(t *testing.T) {
		second := f.team(t, bob, "Bob's second")
		r := f.refer(t, bob, first, "Client6")
		f.noEvents(t, func() {
			_, err := f.svc.MoveReferral(f.ctx, bob, r.ID, second)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-7")
		})
	})
	t.Run("TEAM-7 referring into a team needs membership; bad input", func(t *testing.T) {
		carl := f.user(t, "Carl")
		for _, tc := range []struct {
			name     string
			actor    cabinet.UserID
			in       team.ReferInput
			sentinel error
			rule     string
		}{
			{"non-member", carl, team.ReferInput{Team: first, ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrForbidden, "TEAM-7"},
			{"unknown team", ann, team.ReferInput{Team: "team_404", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrNotFound, ""},
			{"unknown actor", "user_404", team.ReferInput{ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrNotFound, ""},
			{"no client name", ann, team.ReferInput{ClientName: " ", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrInvalid, "client_name"},
			{"bad client email", ann, team.ReferInput{ClientName: "C", ClientEmail: "c@", Dossier: "d"}, cabinet.ErrInvalid, "client_email"},
			{"no dossier", ann, team.ReferInput{ClientName: "C", ClientEmail: "c@example.com", Dossier: "  "}, cabinet.ErrInvalid, "dossier"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.noEvents(t, func() {
					_, err := f.svc.Refer(f.ctx, tc.actor, tc.in)
					wantErr(t, err, tc.sentinel, tc.rule)
				})
			})
		}
	})
}

func TestTeamRoute_TEAM8(t *testing.T) {
	f := newFixture(t)
	lead, member, outsider := f.user(t, "Lead"), f.user(t, "Member"), f.user(t, "Outsider")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, member, "Member", team.RoleMember)
	r := f.refer(t, lead, tm, "Client")
	tt := f.getTeam(t, tm)
	for _, tc := range []struct {
		name string
		user cabinet.UserID
		want bool
	}{
		{"referrer", lead, true},
		{"other member", member, true},
		{"outsider", outsider, false},
		{"unknown user", "user_404", false},
	} {
		t.Run("TEAM-8 "+tc.name, func(t *testing.T) {
			err := team.CanReachDossier(tt, r, tc.user)
			if tc.want {
				assert.NoError(t, err)
			} else {
				wantErr(t, err, cabinet.ErrForbidden, "TEAM-8")
			}
			ok, err := f.svc.ReachesDossier(f.ctx, tc.user, r.Dossier)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ok)
		})
	}
	t.Run("TEAM-8 a referral of another team gives no route", func(t *testing.T) {
		other := f.getTeam(t, f.personal(t, lead).ID)
		wantErr(t, team.CanReachDossier(other, r, lead), cabinet.ErrForbidden, "TEAM-8")
		ok, _ := f.svc.ReachesDossier(f.ctx, lead, "dossier-unknown")
		assert.False(t, ok)
	})
	t.Run("TEAM-8 members see the client's referral", func(t *testing.T) {
		got, err := f.svc.Referral(f.ctx, member, r.ID)
		require.NoError(t, err)
		assert.Equal(t, r, got)
		_, err = f.svc.Referral(f.ctx, outsider, r.ID)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-12")
		_, err = f.svc.Referral(f.ctx, member, "ref_404")
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
}

func TestConsent_TEAM9(t *testing.T) {
	f := newFixture(t)
	lead, member := f.user(t, "Lead"), f.user(t, "Member")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, member, "Member", team.RoleMember)
	r := f.refer(t, member, tm, "Client")
	assert.Equal(t, cabinet.UserID(""), r.Client)

	// The client signs up: the referral is linked to their account.
	names := f.newNames(t, func() { f.user(t, "Client") })
	client, _ := f.svc.UserByEmail(f.ctx, email("Client"))
	assert.Equal(t, []string{"team.user_created", "team.team_created", "team.referral_client_linked"}, names)
	assert.Equal(t, client.ID, f.getReferral(t, r.ID).Client)
	mine, err := f.svc.ReferralsOf(f.ctx, client.ID)
	require.NoError(t, err)
	require.Len(t, mine, 1)

	t.Run("TEAM-9 only the client changes consent", func(t *testing.T) {
		f.noEvents(t, func() {
			_, err := f.svc.RevokeConsent(f.ctx, lead, r.ID)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-9")
			_, err = f.svc.RevokeConsent(f.ctx, "", r.ID)
			wantErr(t, err, cabinet.ErrForbidden, "TEAM-9")
			_, err = f.svc.RevokeConsent(f.ctx, client.ID, "ref_404")
			wantErr(t, err, cabinet.ErrNotFound, "")
		})
	})
	t.Run("TEAM-9 revoked consent closes the team route but keeps the listing", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		got, err := f.svc.RevokeConsent(f.ctx, client.ID, r.ID)
		require.NoError(t, err)
		assert.Equal(t, team.ConsentRevoked, got.Consent)
		assert.Equal(t, start.Add(time.Hour), got.ConsentChangedAt)
		assert.Equal(t, team.ConsentWithdrawn{Referral: r.ID, Team: tm, Client: client.ID, Dossier: r.Dossier}, f.log.Events()[len(f.log.Events())-1])
		refs, _, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{})
		require.NoError(t, err)
		require.Len(t, refs, 1, "still listed")
		assert.Equal(t, team.ConsentRevoked, refs[0].Consent)
		for _, u := range []cabinet.UserID{lead, member} {
			wantErr(t, team.CanReachDossier(f.getTeam(t, tm), refs[0], u), cabinet.ErrForbidden, "TEAM-9")
			ok, err := f.svc.ReachesDossier(f.ctx, u, r.Dossier)
			require.NoError(t, err)
			assert.False(t, ok)
		}
		// Revoking again changes nothing.
		f.noEvents(t, func() {
			_, err := f.svc.RevokeConsent(f.ctx, client.ID, r.ID)
			require.NoError(t, err)
		})
	})
	t.Run("TEAM-9 consent given again reopens it", func(t *testing.T) {
		got, err := f.svc.RestoreConsent(f.ctx, client.ID, r.ID)
		require.NoError(t, err)
		assert.Equal(t, team.ConsentGiven, got.Consent)
		assert.Equal(t, "team.consent_restored", f.log.Names()[len(f.log.Names())-1])
		ok, _ := f.svc.ReachesDossier(f.ctx, member, r.Dossier)
		assert.True(t, ok)
	})
	t.Run("TEAM-9 a client who already has an account is linked at once", func(t *testing.T) {
		r2 := f.refer(t, lead, tm, "Client")
		assert.Equal(t, client.ID, r2.Client)
		got, err := f.svc.Referral(f.ctx, client.ID, r2.ID)
		require.NoError(t, err, "the client sees their own referral")
		assert.Equal(t, r2.ID, got.ID)
	})
}

func TestDeleteTeam_TEAM10(t *testing.T) {
	setup := func(t *testing.T) (*fixture, cabinet.UserID, cabinet.UserID, cabinet.UserID, cabinet.TeamID, []team.Referral) {
		f := newFixture(t)
		lead, admin, gone := f.user(t, "Lead"), f.user(t, "Admin"), f.user(t, "Gone")
		tm := f.team(t, lead, "T")
		f.join(t, lead, tm, admin, "Admin", team.RoleAdmin)
		f.join(t, lead, tm, gone, "Gone", team.RoleMember)
		refs := []team.Referral{f.refer(t, lead, tm, "C1"), f.refer(t, gone, tm, "C2"), f.refer(t, admin, tm, "C3")}
		require.NoError(t, f.svc.Leave(f.ctx, gone, tm))
		_, err := f.svc.Invite(f.ctx, lead, tm, "pending@example.com", team.RoleMember)
		require.NoError(t, err)
		return f, lead, admin, gone, tm, refs
	}
	t.Run("TEAM-10 a reassignment choice is required", func(t *testing.T) {
		f, _, admin, _, tm, _ := setup(t)
		f.noEvents(t, func() {
			wantErr(t, f.svc.DeleteTeam(f.ctx, admin, tm, team.ReassignInvalid), cabinet.ErrInvalid, "reassignment")
			wantErr(t, f.svc.DeleteTeam(f.ctx, admin, tm, team.Reassignment(9)), cabinet.ErrInvalid, "reassignment")
			wantErr(t, f.svc.DeleteTeam(f.ctx, admin, "team_404", team.ReassignToDeleter), cabinet.ErrNotFound, "")
		})
		f.getTeam(t, tm)
	})
	t.Run("TEAM-10 all to the deleting admin's personal team", func(t *testing.T) {
		f, _, admin, _, tm, refs := setup(t)
		names := f.newNames(t, func() { require.NoError(t, f.svc.DeleteTeam(f.ctx, admin, tm, team.ReassignToDeleter)) })
		assert.Equal(t, []string{"team.referral_moved", "team.referral_moved", "team.referral_moved", "team.team_deleted"}, names)
		p := f.personal(t, admin).ID
		for _, r := range refs {
			assert.Equal(t, p, f.getReferral(t, r.ID).Team)
		}
		del := f.log.Events()[len(f.log.Events())-1].(team.TeamDeleted)
		assert.Equal(t, team.ReassignToDeleter, del.Reassignment)
		assert.Len(t, del.Invitations, 3, "two accepted and one pending invitation are gone")
		_, err := f.svc.Team(f.ctx, admin, tm)
		wantErr(t, err, cabinet.ErrNotFound, "")
		var left []team.Invitation
		require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
			var err error
			left, _, err = r.ListInvitations(f.ctx, team.InvitationFilter{Team: tm}, cabinet.Page{})
			return err
		}))
		assert.Empty(t, left)
	})
	t.Run("TEAM-10 each back to its referrer, who may have left", func(t *testing.T) {
		f, lead, admin, gone, tm, refs := setup(t)
		require.NoError(t, f.svc.DeleteTeam(f.ctx, lead, tm, team.ReassignToReferrers))
		for i, u := range []cabinet.UserID{lead, gone, admin} {
			assert.Equal(t, f.personal(t, u).ID, f.getReferral(t, refs[i].ID).Team)
		}
	})
}

func TestRemoveAndLeaveKeepReferrals_TEAM11(t *testing.T) {
	f := newFixture(t)
	lead, m1, m2 := f.user(t, "Lead"), f.user(t, "M1"), f.user(t, "M2")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, m1, "M1", team.RoleAdmin)
	f.join(t, lead, tm, m2, "M2", team.RoleMember)
	r1, r2 := f.refer(t, m1, tm, "C1"), f.refer(t, m2, tm, "C2")

	names := f.newNames(t, func() { require.NoError(t, f.svc.RemoveMember(f.ctx, lead, tm, m1)) })
	assert.Equal(t, []string{"team.member_removed"}, names)
	names = f.newNames(t, func() { require.NoError(t, f.svc.Leave(f.ctx, m2, tm)) })
	assert.Equal(t, []string{"team.member_left"}, names)
	tt := f.getTeam(t, tm)
	assert.False(t, tt.IsMember(m1))
	assert.False(t, tt.IsMember(m2))
	for _, r := range []team.Referral{r1, r2} {
		assert.Equal(t, tm, f.getReferral(t, r.ID).Team, "TEAM-11: the referral stays in the team")
	}
	refs, _, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{})
	require.NoError(t, err)
	assert.Len(t, refs, 2)
	// The former member reaches the dossiers no more, nor moves them out.
	ok, _ := f.svc.ReachesDossier(f.ctx, m1, r1.Dossier)
	assert.False(t, ok)
	f.noEvents(t, func() {
		_, err := f.svc.MoveReferral(f.ctx, m1, r1.ID, f.personal(t, m1).ID)
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-11")
		wantErr(t, f.svc.Leave(f.ctx, m2, tm), cabinet.ErrForbidden, "TEAM-4")
	})
}

func TestListReferrals_TEAM12(t *testing.T) {
	f := newFixture(t)
	lead, m := f.user(t, "Lead"), f.user(t, "M")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, m, "M", team.RoleMember)
	var all []team.Referral
	for i, who := range []cabinet.UserID{lead, m, lead, m, lead} {
		f.clock.Advance(time.Minute)
		all = append(all, f.refer(t, who, tm, "Client"+string(rune('A'+i))))
	}
	cx := f.user(t, "ClientC")
	_, err := f.svc.RevokeConsent(f.ctx, cx, all[2].ID)
	require.NoError(t, err)
	all[2] = f.getReferral(t, all[2].ID)
	for _, tc := range []struct {
		name string
		f    team.ReferralFilter
		want []team.Referral
	}{
		{"TEAM-12 all", team.ReferralFilter{}, byID(all...)},
		{"TEAM-12 by referrer", team.ReferralFilter{Referrer: m}, byID(all[1], all[3])},
		{"TEAM-12 by consent revoked", team.ReferralFilter{Consent: team.ConsentRevoked}, byID(all[2])},
		{"TEAM-12 by referrer and consent", team.ReferralFilter{Referrer: lead, Consent: team.ConsentGiven}, byID(all[0], all[4])},
		{"TEAM-12 team field ignored", team.ReferralFilter{Team: "team_other"}, byID(all...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := f.svc.Referrals(f.ctx, m, tm, tc.f, cabinet.Page{})
			require.NoError(t, err)
			assert.Equal(t, cabinet.Cursor(""), next)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("TEAM-12 each entry carries referrer, client, consent and date", func(t *testing.T) {
		r := all[2]
		assert.Equal(t, lead, r.Referrer)
		assert.Equal(t, "ClientC", r.ClientName)
		assert.Equal(t, cx, r.Client)
		assert.Equal(t, team.ConsentRevoked, r.Consent)
		assert.Equal(t, start.Add(3*time.Minute), r.CreatedAt)
	})
	t.Run("TEAM-12 paginated", func(t *testing.T) {
		p1, next, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{Limit: 3})
		require.NoError(t, err)
		require.NotEmpty(t, next)
		p2, next2, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{After: next, Limit: 3})
		require.NoError(t, err)
		assert.Empty(t, next2)
		assert.Equal(t, byID(all...), append(p1, p2...))
	})
	t.Run("TEAM-12 members only", func(t *testing.T) {
		out := f.user(t, "Out")
		_, _, err := f.svc.Referrals(f.ctx, out, tm, team.ReferralFilter{}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-12")
		_, _, err = f.svc.Referrals(f.ctx, out, "team_404", team.ReferralFilter{}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
}

func TestPredicatesDoNotAllocateOnAllow(t *testing.T) {
	members := []team.Member{{User: "u1", Role: team.RoleAdmin}, {User: "u2", Role: team.RoleMember}, {User: "u3", Role: team.RoleAdmin}}
	tt := team.Team{ID: "t", Lead: "u1", Members: members}
	r := team.Referral{ID: "r", Team: "t", Referrer: "u2", Client: "c", Consent: team.ConsentGiven}
	allocs := testing.AllocsPerRun(100, func() {
		if team.CanViewTeam(tt, "u2") != nil || team.CanManageMembers(tt, "u3") != nil ||
			team.CanRename(tt, "u1") != nil || team.CanDelete(tt, "u1") != nil ||
			team.CanListReferrals(tt, "u2") != nil || team.CanReachDossier(tt, r, "u2") != nil ||
			team.CanLeave(tt, "u2") != nil || team.CanTransferLead(tt, "u3") != nil ||
			team.CanChangeConsent(r, "c") != nil || team.CanMoveReferral(tt, r, "u2") != nil ||
			team.CanRefer(tt, "u2") != nil {
			panic("denied")
		}
		if _, ok := tt.Role("u3"); !ok {
			panic("no role")
		}
	})
	assert.Zero(t, allocs)
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

// byID sorts referrals as listings return them: by ID (as strings, so
// "ref_10" comes before "ref_7").
func byID(rs ...team.Referral) []team.Referral {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b team.Referral) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

func TestAssistantCreatesLeadsFirstTeam_TEAM1_TEAM7(t *testing.T) {
	f := newFixture(t)
	lead, assistant := f.user(t, "Lead"), f.user(t, "Assistant")
	r := f.refer(t, lead, "", "Client")
	ra := f.refer(t, assistant, "", "Other")
	tm, err := f.svc.CreateTeam(f.ctx, assistant, "For lead", lead)
	require.NoError(t, err)
	assert.Equal(t, tm.ID, f.getReferral(t, r.ID).Team, "the lead joined their first team: their referrals move")
	assert.Equal(t, f.personal(t, assistant).ID, f.getReferral(t, ra.ID).Team, "the assistant joined nothing")
	assert.Equal(t, cabinet.TeamID(""), f.personal(t, assistant).FirstTeam)
}

func TestConcurrentSignUpsWithOneEmail(t *testing.T) {
	f := newFixture(t)
	const n = 10
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := f.svc.CreateUser(f.ctx, "Same", "same@example.com")
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
