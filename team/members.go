package team

import (
	"context"
	"errors"
	"time"

	"github.com/cabinet-go/cabinet"
)

// ---- members and invitations ----

// Invite invites email into a team with a role; admins only (CanManageMembers:
// TEAM-3, TEAM-4; never into a personal team, TEAM-6; nor a pending one,
// TEAM-1). The person may or may not have an account. The invitation
// expires after the service's invitation lifetime.
//
// Returns the invitation as stored and the revision. Errors:
// *cabinet.InvalidError ("email", "role"); cabinet.ErrNotFound;
// *cabinet.ForbiddenError; *cabinet.ConflictError (TEAM-3) when the person
// is already a member or has a pending, unexpired invitation to the team.
func (s *Service) Invite(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, email string, role Role) (Invitation, cabinet.Revision, error) {
	addr, err := cabinet.ParseEmail("email", email)
	if err != nil {
		return Invitation{}, 0, err
	}
	if !role.Valid() {
		return Invitation{}, 0, cabinet.Invalid("role", "must be member or admin")
	}
	var inv Invitation
	iid := cabinet.NewID[InvitationID](s.o.IDs, "inv")
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return nil, err
		}
		now := s.o.Now()
		invitee, err := inviteConflicts(ctx, w, t, addr, "", now)
		if err != nil {
			return nil, err
		}
		inv = Invitation{
			ID:        iid,
			Team:      id,
			Email:     addr,
			Role:      role,
			InvitedBy: actor,
			Status:    StatusPending,
			CreatedAt: now,
			ExpiresAt: now.Add(s.lifetime),
		}
		if err := w.PutInvitation(ctx, inv); err != nil {
			return nil, err
		}
		return []cabinet.Event{InvitationCreated{Invitation: inv.ID, Team: id, Email: addr, Role: role, InvitedBy: actor, Invitee: invitee, ExpiresAt: inv.ExpiresAt}}, nil
	})
	if err != nil {
		return Invitation{}, 0, err
	}
	return inv, rev, nil
}

// inviteConflicts returns the account that has addr, if any, or a
// *cabinet.ConflictError (TEAM-3) when that account is already a member of
// t or another pending, unexpired invitation than except addresses addr in
// t.
func inviteConflicts(ctx context.Context, w Writer, t Team, addr string, except InvitationID, now time.Time) (cabinet.UserID, error) {
	var invitee cabinet.UserID
	if u, err := w.UserByEmail(ctx, addr); err == nil {
		if t.IsMember(u.ID) {
			return "", cabinet.Conflict("TEAM-3", "%s is already a member of the team", u.ID)
		}
		invitee = u.ID
	} else if !errors.Is(err, cabinet.ErrNotFound) {
		return "", err
	}
	pending, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
		return w.ListInvitations(ctx, InvitationFilter{Team: t.ID, Email: addr, Status: StatusPending}, p)
	})
	if err != nil {
		return "", err
	}
	for _, p := range pending {
		if p.ID != except && !p.Expired(now) {
			return "", cabinet.Conflict("TEAM-3", "invitation %s to this email is still pending", p.ID)
		}
	}
	return invitee, nil
}

// ResendInvitation sends a pending invitation again (seed 000); admins of
// its team only (CanResendInvitation: TEAM-3, TEAM-4). Decision: resending
// restarts the invitation's lifetime — it expires the service's lifetime
// after the resend, also when it had already expired — because an admin
// who sends it again confirms it; ResentAt records when. The host sends
// the email on InvitationResent.
//
// Returns the invitation as stored and the revision. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError; *cabinet.ConflictError
// (TEAM-3) when it was accepted or revoked, its invitee became a member,
// or it expired and a newer pending invitation to the same email exists.
func (s *Service) ResendInvitation(ctx context.Context, actor cabinet.UserID, id InvitationID) (Invitation, cabinet.Revision, error) {
	var inv Invitation
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		if id == "" {
			return nil, cabinet.NotFound("invitation", id)
		}
		var err error
		if inv, err = w.Invitation(ctx, id); err != nil {
			return nil, err
		}
		t, err := requireTeam(ctx, w, inv.Team)
		if err != nil {
			return nil, err
		}
		if err := CanResendInvitation(t, inv, actor); err != nil {
			return nil, err
		}
		now := s.o.Now()
		invitee, err := inviteConflicts(ctx, w, t, inv.Email, inv.ID, now)
		if err != nil {
			return nil, err
		}
		inv.ExpiresAt = now.Add(s.lifetime)
		inv.ResentAt = now
		if err := w.PutInvitation(ctx, inv); err != nil {
			return nil, err
		}
		return []cabinet.Event{InvitationResent{Invitation: id, Team: inv.Team, Email: inv.Email, Role: inv.Role, ResentBy: actor, Invitee: invitee, ExpiresAt: inv.ExpiresAt}}, nil
	})
	if err != nil {
		return Invitation{}, 0, err
	}
	return inv, rev, nil
}

// RevokeInvitation withdraws a pending invitation; admins of its team only
// (CanRevokeInvitation: TEAM-3, TEAM-4). Returns the revision. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError; *cabinet.ConflictError
// (TEAM-3) if it was already accepted or revoked.
func (s *Service) RevokeInvitation(ctx context.Context, actor cabinet.UserID, id InvitationID) (cabinet.Revision, error) {
	return s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		if id == "" {
			return nil, cabinet.NotFound("invitation", id)
		}
		inv, err := w.Invitation(ctx, id)
		if err != nil {
			return nil, err
		}
		t, err := requireTeam(ctx, w, inv.Team)
		if err != nil {
			return nil, err
		}
		if err := CanRevokeInvitation(t, inv, actor); err != nil {
			return nil, err
		}
		inv.Status = StatusRevoked
		inv.ClosedAt = s.o.Now()
		if err := w.PutInvitation(ctx, inv); err != nil {
			return nil, err
		}
		return []cabinet.Event{InvitationRevoked{Invitation: id, Team: inv.Team, Email: inv.Email, RevokedBy: actor}}, nil
	})
}

// AcceptInvitation makes the actor, whose account email must match the
// invitation's, a member of its team with its role (CanAcceptInvitation,
// TEAM-3). If it is the actor's first non-personal team, their personal
// team's referrals move to it (TEAM-7, as AcceptTeam describes).
//
// Returns the team as stored and the revision. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError (TEAM-3) for another person's invitation;
// *cabinet.ConflictError (TEAM-3) for an accepted, revoked or expired
// invitation or an actor already member.
func (s *Service) AcceptInvitation(ctx context.Context, actor cabinet.UserID, id InvitationID) (Team, cabinet.Revision, error) {
	var t Team
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		u, err := requireUser(ctx, w, actor)
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, cabinet.NotFound("invitation", id)
		}
		inv, err := w.Invitation(ctx, id)
		if err != nil {
			return nil, err
		}
		if t, err = requireTeam(ctx, w, inv.Team); err != nil {
			return nil, err
		}
		now := s.o.Now()
		if err := CanAcceptInvitation(t, inv, u, now); err != nil {
			return nil, err
		}
		t = t.withMember(actor, inv.Role, now)
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		inv.Status = StatusAccepted
		inv.AcceptedBy = actor
		inv.ClosedAt = now
		if err := w.PutInvitation(ctx, inv); err != nil {
			return nil, err
		}
		first, moved, err := s.firstTeamTransfer(ctx, w, actor, t)
		if err != nil {
			return nil, err
		}
		events := []cabinet.Event{
			InvitationAccepted{Invitation: id, Team: t.ID, User: actor},
			MemberJoined{Team: t.ID, User: actor, Role: inv.Role, Invitation: id, FirstTeam: first},
		}
		return append(events, moved...), nil
	})
	if err != nil {
		return Team{}, 0, err
	}
	return t, rev, nil
}

// Invitation returns invitation id to its invitee (the account with its
// email) and to the admins of its team (CanViewInvitation, TEAM-3).
// Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError.
func (s *Service) Invitation(ctx context.Context, actor cabinet.UserID, id InvitationID) (Invitation, error) {
	var inv Invitation
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		u, err := requireUser(ctx, r, actor)
		if err != nil {
			return err
		}
		if id == "" {
			return cabinet.NotFound("invitation", id)
		}
		if inv, err = r.Invitation(ctx, id); err != nil {
			return err
		}
		t, err := requireTeam(ctx, r, inv.Team)
		if err != nil {
			return err
		}
		return CanViewInvitation(t, inv, u)
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// Invitations lists a team's invitations (every status, narrowed by
// f.Email and f.Status; f.Team is ignored) to its admins
// (CanManageMembers, TEAM-3, TEAM-4), ordered by ID, one page at a time.
// Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError;
// *cabinet.InvalidError ("limit").
func (s *Service) Invitations(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, f InvitationFilter, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
	var out []Invitation
	var next cabinet.Cursor
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		t, err := requireTeam(ctx, r, id)
		if err != nil {
			return err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return err
		}
		f.Team = id
		out, next, err = r.ListInvitations(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// PendingInvitations lists the pending, unexpired invitations addressed to
// the actor's email, ordered by ID, one page at a time (TEAM-3); a page may
// hold fewer than its limit where expired ones were skipped, and the
// cursor still leads to the rest. Errors: cabinet.ErrNotFound for an
// unknown actor; *cabinet.InvalidError ("limit").
func (s *Service) PendingInvitations(ctx context.Context, actor cabinet.UserID, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
	var out []Invitation
	var next cabinet.Cursor
	now := s.o.Now()
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		out = nil
		u, err := requireUser(ctx, r, actor)
		if err != nil {
			return err
		}
		page, n, err := r.ListInvitations(ctx, InvitationFilter{Email: u.Email, Status: StatusPending}, p)
		if err != nil {
			return err
		}
		next = n
		for _, inv := range page {
			if !inv.Expired(now) {
				out = append(out, inv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// RemoveMember removes user from a team; admins only (CanManageMembers,
// TEAM-4). The lead cannot be removed (CanRemoveMember, TEAM-2: an
// invariant about the target, whoever asks); the member's referrals stay
// in the team (TEAM-11). Returns the revision. Errors: cabinet.ErrNotFound
// (also for a user who is not a member); *cabinet.ForbiddenError (TEAM-4,
// TEAM-6, TEAM-1); *cabinet.ConflictError (TEAM-2).
func (s *Service) RemoveMember(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, user cabinet.UserID) (cabinet.Revision, error) {
	return s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return nil, err
		}
		if !t.IsMember(user) {
			return nil, cabinet.NotFound("member", user)
		}
		if err := CanRemoveMember(t, user); err != nil {
			return nil, err
		}
		if err := w.PutTeam(ctx, t.withoutMember(user)); err != nil {
			return nil, err
		}
		return []cabinet.Event{MemberRemoved{Team: id, User: user, RemovedBy: actor}}, nil
	})
}

// Leave takes the actor out of a team (CanLeave): not the lead (TEAM-2, a
// *cabinet.ConflictError: the team always keeps its lead, an admin), nor
// the owner of a personal team (TEAM-6); the actor's referrals stay in the
// team (TEAM-11). Returns the revision. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError (TEAM-4, TEAM-6, TEAM-1); *cabinet.ConflictError
// (TEAM-2).
func (s *Service) Leave(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) (cabinet.Revision, error) {
	return s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanLeave(t, actor); err != nil {
			return nil, err
		}
		if err := w.PutTeam(ctx, t.withoutMember(actor)); err != nil {
			return nil, err
		}
		return []cabinet.Event{MemberLeft{Team: id, User: actor}}, nil
	})
}

// ChangeRole sets user's role in a team; admins only (CanManageMembers,
// TEAM-4). The lead cannot be demoted (CanSetRole, TEAM-2: an invariant
// about the target, whoever asks). Setting the current role is a no-op.
// Returns the team as stored and the revision. Errors:
// *cabinet.InvalidError ("role"); cabinet.ErrNotFound (also for a
// non-member); *cabinet.ForbiddenError (TEAM-4, TEAM-6, TEAM-1);
// *cabinet.ConflictError (TEAM-2).
func (s *Service) ChangeRole(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, user cabinet.UserID, role Role) (Team, cabinet.Revision, error) {
	if !role.Valid() {
		return Team{}, 0, cabinet.Invalid("role", "must be member or admin")
	}
	var t Team
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if t, err = requireTeam(ctx, w, id); err != nil {
			return nil, err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return nil, err
		}
		old, ok := t.Role(user)
		if !ok {
			return nil, cabinet.NotFound("member", user)
		}
		if err := CanSetRole(t, user, role); err != nil {
			return nil, err
		}
		if old == role {
			return nil, nil
		}
		t = t.withMember(user, role, time.Time{})
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		return []cabinet.Event{RoleChanged{Team: id, User: user, From: old, To: role, ChangedBy: actor}}, nil
	})
	if err != nil {
		return Team{}, 0, err
	}
	return t, rev, nil
}
