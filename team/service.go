package team

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// DefaultInvitationLifetime is how long an invitation can be accepted after
// it was created (TEAM-3), unless the service was given another lifetime
// with WithInvitationLifetime.
const DefaultInvitationLifetime = 14 * 24 * time.Hour

// PersonalSuffix ends the name of every personal team: "<display name>
// personal" (TEAM-6).
const PersonalSuffix = " personal"

// Service applies the team commands: accounts, teams, members, invitations,
// referrals and consent. It is safe for concurrent use if its Store is.
type Service struct {
	store    Store
	o        cabinet.Options
	lifetime time.Duration
}

// NewService returns a service over store. Options: cabinet.WithClock,
// cabinet.WithIDs, cabinet.WithEvents, cabinet.WithAccountListeners (told by
// CreateUser).
func NewService(store Store, opts ...cabinet.Option) *Service {
	return &Service{store: store, o: cabinet.NewOptions(opts...), lifetime: DefaultInvitationLifetime}
}

// WithInvitationLifetime returns a copy of s whose new invitations expire d
// after their creation. d ≤ 0 restores DefaultInvitationLifetime.
func (s *Service) WithInvitationLifetime(d time.Duration) *Service {
	c := *s
	if d <= 0 {
		d = DefaultInvitationLifetime
	}
	c.lifetime = d
	return &c
}

// update runs fn in one transaction and publishes its events after the
// commit. A failed fn publishes nothing.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, fn func(w Writer) ([]cabinet.Event, error)) error {
	var events []cabinet.Event
	rev, err := s.store.UpdateTeams(ctx, func(w Writer) error {
		var err error
		events, err = fn(w)
		return err
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

func requireUser(ctx context.Context, r Reader, id cabinet.UserID) (cabinet.User, error) {
	if id == "" {
		return cabinet.User{}, cabinet.NotFound("user", id)
	}
	return r.User(ctx, id)
}

func requireTeam(ctx context.Context, r Reader, id cabinet.TeamID) (Team, error) {
	if id == "" {
		return Team{}, cabinet.NotFound("team", id)
	}
	return r.Team(ctx, id)
}

// ---- accounts ----

// CreateUser creates an account and its personal team "<display name>
// personal" in one transaction (TEAM-6). Anyone may call it (sign-up).
// Referrals whose client email matches are linked to the new account, and
// pending invitations addressed to the email become acceptable by it
// (TEAM-3). In the same transaction it calls every cabinet.AccountListener
// (grants, contacts and contributor seats waiting for the email are linked):
// the account and everything linked to it commit together, or nothing does
// and the error is returned with no user.
//
// Errors: *cabinet.InvalidError for field "display_name" or "email";
// *cabinet.ConflictError if another account has the email
// (case-insensitively).
func (s *Service) CreateUser(ctx context.Context, displayName, email string) (cabinet.User, error) {
	name, err := cabinet.ParseName("display_name", displayName)
	if err != nil {
		return cabinet.User{}, err
	}
	if len([]rune(name))+len([]rune(PersonalSuffix)) > cabinet.MaxNameLength {
		return cabinet.User{}, cabinet.Invalid("display_name", "is too long to name a personal team")
	}
	addr, err := cabinet.ParseEmail("email", email)
	if err != nil {
		return cabinet.User{}, err
	}
	now := s.o.Now()
	u := cabinet.User{ID: cabinet.NewID[cabinet.UserID](s.o.IDs, "user"), DisplayName: name, Email: addr, CreatedAt: now}
	p := Team{
		ID:        cabinet.NewID[cabinet.TeamID](s.o.IDs, "team"),
		Name:      name + PersonalSuffix,
		Personal:  true,
		Owner:     u.ID,
		Lead:      u.ID,
		CreatedBy: u.ID,
		CreatedAt: now,
		Members:   []Member{{User: u.ID, Role: RoleAdmin, JoinedAt: now}},
	}
	err = s.update(ctx, u.ID, func(w Writer) ([]cabinet.Event, error) {
		if other, err := w.UserByEmail(ctx, addr); err == nil {
			return nil, cabinet.Conflict("", "an account already uses the email of %s", other.ID)
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return nil, err
		}
		if err := w.PutUser(ctx, u); err != nil {
			return nil, err
		}
		if err := w.PutTeam(ctx, p); err != nil {
			return nil, err
		}
		events := []cabinet.Event{
			UserCreated{User: u.ID, DisplayName: name, Email: addr, PersonalTeam: p.ID},
			TeamCreated{Team: p.ID, Name: p.Name, Personal: true, Lead: u.ID, CreatedBy: u.ID},
		}
		refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
			return w.ListReferrals(ctx, ReferralFilter{ClientEmail: addr}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if r.Client != "" {
				continue
			}
			r.Client = u.ID
			if err := w.PutReferral(ctx, r); err != nil {
				return nil, err
			}
			events = append(events, ReferralClientLinked{Referral: r.ID, Team: r.Team, Client: u.ID})
		}
		for _, l := range s.o.AccountListeners {
			if l == nil {
				continue
			}
			more, err := l.AccountCreated(ctx, w.Tx(), u)
			if err != nil {
				return nil, err
			}
			events = append(events, more...)
		}
		return events, nil
	})
	if err != nil {
		return cabinet.User{}, err
	}
	return u, nil
}

// User returns the account id. Errors: cabinet.ErrNotFound.
func (s *Service) User(ctx context.Context, id cabinet.UserID) (cabinet.User, error) {
	var u cabinet.User
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		var err error
		u, err = requireUser(ctx, r, id)
		return err
	})
	return u, err
}

// UserByEmail returns the account with this email, compared
// case-insensitively. Errors: cabinet.ErrNotFound when there is no account
// (a malformed email has none either).
func (s *Service) UserByEmail(ctx context.Context, email string) (cabinet.User, error) {
	var u cabinet.User
	key := cabinet.EmailKey(email)
	if key == "" {
		return u, cabinet.NotFound("user", email)
	}
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		var err error
		u, err = r.UserByEmail(ctx, key)
		return err
	})
	return u, err
}

// ---- teams ----

// CreateTeam creates a team named name for the lead advisor lead (TEAM-1,
// TEAM-5). lead "" means the actor. The lead becomes its first admin; an
// actor other than the lead (an assistant) is recorded as CreatedBy and is
// not a member. If it is the lead's first non-personal team, their personal
// team's referrals move to it (TEAM-7).
//
// Errors: *cabinet.InvalidError ("name"); cabinet.ErrNotFound for an unknown
// actor or lead.
func (s *Service) CreateTeam(ctx context.Context, actor cabinet.UserID, name string, lead cabinet.UserID) (Team, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Team{}, err
	}
	if lead == "" {
		lead = actor
	}
	var t Team
	tid := cabinet.NewID[cabinet.TeamID](s.o.IDs, "team")
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := requireUser(ctx, w, actor); err != nil {
			return nil, err
		}
		if _, err := requireUser(ctx, w, lead); err != nil {
			return nil, err
		}
		now := s.o.Now()
		t = Team{
			ID:        tid,
			Name:      name,
			Lead:      lead,
			CreatedBy: actor,
			CreatedAt: now,
			Members:   []Member{{User: lead, Role: RoleAdmin, JoinedAt: now}},
		}
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		first, moved, err := firstTeamTransfer(ctx, w, lead, t.ID)
		events := []cabinet.Event{TeamCreated{Team: t.ID, Name: name, Lead: lead, CreatedBy: actor, FirstTeam: first}}
		return append(events, moved...), err
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// firstTeamTransfer moves every referral of u's personal team to team if
// team is the first non-personal team u joins (TEAM-7), and reports whether
// it was.
func firstTeamTransfer(ctx context.Context, w Writer, u cabinet.UserID, team cabinet.TeamID) (bool, []cabinet.Event, error) {
	p, err := w.PersonalTeam(ctx, u)
	if err != nil {
		return false, nil, err
	}
	if p.FirstTeam != "" {
		return false, nil, nil
	}
	p.FirstTeam = team
	if err := w.PutTeam(ctx, p); err != nil {
		return false, nil, err
	}
	moved, err := moveAll(ctx, w, p.ID, func(Referral) cabinet.TeamID { return team }, MoveFirstTeam)
	return true, moved, err
}

// moveAll moves every referral of team from to dest(r).
func moveAll(ctx context.Context, w Writer, from cabinet.TeamID, dest func(Referral) cabinet.TeamID, why MoveReason) ([]cabinet.Event, error) {
	refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
		return w.ListReferrals(ctx, ReferralFilter{Team: from}, p)
	})
	if err != nil {
		return nil, err
	}
	var events []cabinet.Event
	for _, r := range refs {
		to := dest(r)
		r.Team = to
		if err := w.PutReferral(ctx, r); err != nil {
			return nil, err
		}
		events = append(events, ReferralMoved{Referral: r.ID, Dossier: r.Dossier, From: from, To: to, Reason: why})
	}
	return events, nil
}

// Team returns team id to one of its members (TEAM-4; a personal team only
// to its owner, TEAM-6). Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError.
func (s *Service) Team(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) (Team, error) {
	var t Team
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		var err error
		if t, err = requireTeam(ctx, r, id); err != nil {
			return err
		}
		return CanViewTeam(t, actor)
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// Teams returns the teams the actor is a member of, their personal team
// included (TEAM-5), ordered by ID. Errors: cabinet.ErrNotFound for an
// unknown actor.
func (s *Service) Teams(ctx context.Context, actor cabinet.UserID) ([]Team, error) {
	var ts []Team
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		var err error
		ts, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, TeamFilter{Member: actor}, p)
		})
		return err
	})
	return ts, err
}

// PersonalTeam returns the actor's personal team (TEAM-6). Errors:
// cabinet.ErrNotFound for an unknown actor.
func (s *Service) PersonalTeam(ctx context.Context, actor cabinet.UserID) (Team, error) {
	var t Team
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		var err error
		t, err = r.PersonalTeam(ctx, actor)
		return err
	})
	return t, err
}

// RenameTeam renames a team; admins only (TEAM-4), never a personal team
// (TEAM-6). Errors: *cabinet.InvalidError ("name"); cabinet.ErrNotFound;
// *cabinet.ForbiddenError.
func (s *Service) RenameTeam(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, name string) (Team, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Team{}, err
	}
	var t Team
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if t, err = requireTeam(ctx, w, id); err != nil {
			return nil, err
		}
		if err := CanRename(t, actor); err != nil {
			return nil, err
		}
		if t.Name == name {
			return nil, nil
		}
		old := t.Name
		t.Name = name
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		return []cabinet.Event{TeamRenamed{Team: id, OldName: old, Name: name}}, nil
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// DeleteTeam deletes a team; admins only (TEAM-4), never a personal team
// (TEAM-6). how says where its referrals go (TEAM-10): ReassignToDeleter
// moves them all to the actor's personal team, ReassignToReferrers each to
// its referrer's personal team (members who left included). Its invitations
// are deleted with it. Errors: *cabinet.InvalidError ("reassignment") when
// no valid choice is given; cabinet.ErrNotFound; *cabinet.ForbiddenError.
func (s *Service) DeleteTeam(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, how Reassignment) error {
	if !how.Valid() {
		return cabinet.Invalid("reassignment", "choose to_deleter or to_referrers before deleting a team (TEAM-10)")
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanDelete(t, actor); err != nil {
			return nil, err
		}
		mine, err := w.PersonalTeam(ctx, actor)
		if err != nil {
			return nil, err
		}
		var destErr error
		dest := func(r Referral) cabinet.TeamID {
			if how == ReassignToDeleter {
				return mine.ID
			}
			p, err := w.PersonalTeam(ctx, r.Referrer)
			if err != nil {
				destErr = err
				return mine.ID
			}
			return p.ID
		}
		moved, err := moveAll(ctx, w, id, dest, MoveTeamDeleted)
		if err != nil {
			return nil, err
		}
		if destErr != nil {
			return nil, destErr
		}
		invs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
			return w.ListInvitations(ctx, InvitationFilter{Team: id}, p)
		})
		if err != nil {
			return nil, err
		}
		del := TeamDeleted{Team: id, Reassignment: how}
		for _, inv := range invs {
			if err := w.DeleteInvitation(ctx, inv.ID); err != nil {
				return nil, err
			}
			del.Invitations = append(del.Invitations, inv.ID)
		}
		for _, m := range t.Members {
			del.Members = append(del.Members, m.User)
		}
		if err := w.DeleteTeam(ctx, id); err != nil {
			return nil, err
		}
		return append(moved, del), nil
	})
}

// ---- members ----

// Invite invites email into a team with a role; admins only (TEAM-3,
// TEAM-4), never into a personal team (TEAM-6). The person may or may not
// have an account. The invitation expires after the service's invitation
// lifetime. Errors: *cabinet.InvalidError ("email", "role");
// cabinet.ErrNotFound; *cabinet.ForbiddenError; *cabinet.ConflictError
// (TEAM-3) when the person is already a member or has a pending,
// unexpired invitation to the team.
func (s *Service) Invite(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, email string, role Role) (Invitation, error) {
	addr, err := cabinet.ParseEmail("email", email)
	if err != nil {
		return Invitation{}, err
	}
	if !role.Valid() {
		return Invitation{}, cabinet.Invalid("role", "must be member or admin")
	}
	var inv Invitation
	iid := cabinet.NewID[InvitationID](s.o.IDs, "inv")
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return nil, err
		}
		var invitee cabinet.UserID
		if u, err := w.UserByEmail(ctx, addr); err == nil {
			if t.IsMember(u.ID) {
				return nil, cabinet.Conflict("TEAM-3", "%s is already a member of the team", u.ID)
			}
			invitee = u.ID
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return nil, err
		}
		now := s.o.Now()
		pending, _, err := w.ListInvitations(ctx, InvitationFilter{Team: id, Email: addr, Status: StatusPending}, cabinet.Page{})
		if err != nil {
			return nil, err
		}
		for _, p := range pending {
			if !p.Expired(now) {
				return nil, cabinet.Conflict("TEAM-3", "invitation %s to this email is still pending", p.ID)
			}
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
		return Invitation{}, err
	}
	return inv, nil
}

// RevokeInvitation withdraws a pending invitation; admins of its team only
// (TEAM-3, TEAM-4). Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError;
// *cabinet.ConflictError (TEAM-3) if it was already accepted or revoked.
func (s *Service) RevokeInvitation(ctx context.Context, actor cabinet.UserID, id InvitationID) error {
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
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
		if err := CanManageMembers(t, actor); err != nil {
			return nil, err
		}
		if inv.Status != StatusPending {
			return nil, cabinet.Conflict("TEAM-3", "invitation %s is already %s", id, inv.Status)
		}
		inv.Status = StatusRevoked
		inv.ClosedAt = s.o.Now()
		if err := w.PutInvitation(ctx, inv); err != nil {
			return nil, err
		}
		return []cabinet.Event{InvitationRevoked{Invitation: id, Team: inv.Team, Email: inv.Email}}, nil
	})
}

// AcceptInvitation makes the actor, whose account email must match the
// invitation's, a member of its team with its role (TEAM-3). If it is the
// actor's first non-personal team, their personal team's referrals move to
// it (TEAM-7). Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError
// (TEAM-3) for another person's invitation; *cabinet.ConflictError (TEAM-3)
// for an accepted, revoked or expired invitation or an actor already member.
func (s *Service) AcceptInvitation(ctx context.Context, actor cabinet.UserID, id InvitationID) (Team, error) {
	var t Team
	err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
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
		if !cabinet.EqualEmails(inv.Email, u.Email) {
			return nil, cabinet.Forbidden("TEAM-3", "the invitation is addressed to another email")
		}
		now := s.o.Now()
		switch {
		case inv.Status != StatusPending:
			return nil, cabinet.Conflict("TEAM-3", "invitation %s is already %s", id, inv.Status)
		case inv.Expired(now):
			return nil, cabinet.Conflict("TEAM-3", "invitation %s expired at %s", id, inv.ExpiresAt.Format(time.RFC3339))
		}
		if t, err = requireTeam(ctx, w, inv.Team); err != nil {
			return nil, err
		}
		if t.IsMember(actor) {
			return nil, cabinet.Conflict("TEAM-3", "%s is already a member of the team", actor)
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
		first, moved, err := firstTeamTransfer(ctx, w, actor, t.ID)
		events := []cabinet.Event{
			InvitationAccepted{Invitation: id, Team: t.ID, User: actor},
			MemberJoined{Team: t.ID, User: actor, Role: inv.Role, Invitation: id, FirstTeam: first},
		}
		return append(events, moved...), err
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// Invitations lists a team's invitations (every status) to its admins
// (TEAM-3, TEAM-4), ordered by ID. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError.
func (s *Service) Invitations(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) ([]Invitation, error) {
	var out []Invitation
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		t, err := requireTeam(ctx, r, id)
		if err != nil {
			return err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return err
		}
		out, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, InvitationFilter{Team: id}, p)
		})
		return err
	})
	return out, err
}

// PendingInvitations lists the pending, unexpired invitations addressed to
// the actor's email, ordered by ID (TEAM-3). Errors: cabinet.ErrNotFound for
// an unknown actor.
func (s *Service) PendingInvitations(ctx context.Context, actor cabinet.UserID) ([]Invitation, error) {
	var out []Invitation
	now := s.o.Now()
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		u, err := requireUser(ctx, r, actor)
		if err != nil {
			return err
		}
		all, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, InvitationFilter{Email: u.Email, Status: StatusPending}, p)
		})
		for _, inv := range all {
			if !inv.Expired(now) {
				out = append(out, inv)
			}
		}
		return err
	})
	return out, err
}

// RemoveMember removes user from a team; admins only (TEAM-4). The lead
// cannot be removed (TEAM-2: an invariant about the target, whoever asks);
// the member's referrals stay in the team (TEAM-11). Errors:
// cabinet.ErrNotFound (also for a user who is not a member);
// *cabinet.ForbiddenError (TEAM-4, TEAM-6: the actor may not manage
// members); *cabinet.ConflictError (TEAM-2: user is the lead).
func (s *Service) RemoveMember(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, user cabinet.UserID) error {
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
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
		if t.Lead == user {
			return nil, cabinet.Conflict("TEAM-2", "the lead advisor cannot be removed; hand lead status to another admin first")
		}
		if err := w.PutTeam(ctx, t.withoutMember(user)); err != nil {
			return nil, err
		}
		return []cabinet.Event{MemberRemoved{Team: id, User: user, RemovedBy: actor}}, nil
	})
}

// Leave takes the actor out of a team. The lead cannot leave (TEAM-2, a
// *cabinet.ConflictError: the team always keeps its lead, an admin), nor
// the owner of a personal team (TEAM-6); the actor's referrals stay in the
// team (TEAM-11). Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError
// (TEAM-4, TEAM-6); *cabinet.ConflictError (TEAM-2).
func (s *Service) Leave(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) error {
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
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

// ChangeRole sets user's role in a team; admins only (TEAM-4). The lead
// cannot be demoted (TEAM-2: an invariant about the target, whoever asks).
// Setting the current role is a no-op. Errors: *cabinet.InvalidError
// ("role"); cabinet.ErrNotFound (also for a non-member);
// *cabinet.ForbiddenError (TEAM-4, TEAM-6); *cabinet.ConflictError (TEAM-2:
// demoting the lead).
func (s *Service) ChangeRole(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, user cabinet.UserID, role Role) error {
	if !role.Valid() {
		return cabinet.Invalid("role", "must be member or admin")
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanManageMembers(t, actor); err != nil {
			return nil, err
		}
		old, ok := t.Role(user)
		if !ok {
			return nil, cabinet.NotFound("member", user)
		}
		if t.Lead == user && role != RoleAdmin {
			return nil, cabinet.Conflict("TEAM-2", "the lead advisor is always an admin")
		}
		if old == role {
			return nil, nil
		}
		if err := w.PutTeam(ctx, t.withMember(user, role, time.Time{})); err != nil {
			return nil, err
		}
		return []cabinet.Event{RoleChanged{Team: id, User: user, From: old, To: role}}, nil
	})
}

// TransferLead hands lead status to another admin of the team; the lead or
// an admin may do it (TEAM-2). Errors: cabinet.ErrNotFound (unknown team, or
// to not a member); *cabinet.ForbiddenError; *cabinet.ConflictError
// (TEAM-2) if to is a member but not an admin.
func (s *Service) TransferLead(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, to cabinet.UserID) error {
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanTransferLead(t, actor); err != nil {
			return nil, err
		}
		r, ok := t.Role(to)
		if !ok {
			return nil, cabinet.NotFound("member", to)
		}
		if r != RoleAdmin {
			return nil, cabinet.Conflict("TEAM-2", "lead status goes only to an admin; make %s an admin first", to)
		}
		if t.Lead == to {
			return nil, nil
		}
		from := t.Lead
		t.Lead = to
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		return []cabinet.Event{LeadTransferred{Team: id, From: from, To: to}}, nil
	})
}

// ---- referrals ----

// ReferInput describes a client an advisor brings in (TEAM-7).
type ReferInput struct {
	Team        cabinet.TeamID    // "" = the referrer's personal team
	ClientName  string            // required
	ClientEmail string            // required
	Dossier     cabinet.DossierID // the client's dossier (vault); required
}

// Refer records that the actor referred a client, in a team they are a
// member of or, when in.Team is empty, in their personal team (TEAM-7).
// Every member of that team then reaches the client's dossier (TEAM-8).
// Consent starts given. If the client already has an account it is linked.
// Errors: *cabinet.InvalidError ("client_name", "client_email",
// "dossier"); cabinet.ErrNotFound; *cabinet.ForbiddenError (TEAM-7) for a
// team the actor is not a member of.
func (s *Service) Refer(ctx context.Context, actor cabinet.UserID, in ReferInput) (Referral, error) {
	name, err := cabinet.ParseName("client_name", in.ClientName)
	if err != nil {
		return Referral{}, err
	}
	addr, err := cabinet.ParseEmail("client_email", in.ClientEmail)
	if err != nil {
		return Referral{}, err
	}
	dossier := cabinet.DossierID(strings.TrimSpace(string(in.Dossier)))
	if dossier == "" {
		return Referral{}, cabinet.Invalid("dossier", "is required")
	}
	var ref Referral
	rid := cabinet.NewID[cabinet.ReferralID](s.o.IDs, "ref")
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := requireUser(ctx, w, actor); err != nil {
			return nil, err
		}
		var t Team
		var err error
		if in.Team == "" {
			t, err = w.PersonalTeam(ctx, actor)
		} else {
			t, err = w.Team(ctx, in.Team)
		}
		if err != nil {
			return nil, err
		}
		if err := CanRefer(t, actor); err != nil {
			return nil, err
		}
		ref = Referral{
			ID:          rid,
			Team:        t.ID,
			Referrer:    actor,
			ClientName:  name,
			ClientEmail: addr,
			Dossier:     dossier,
			Consent:     ConsentGiven,
			CreatedAt:   s.o.Now(),
		}
		if u, err := w.UserByEmail(ctx, addr); err == nil {
			ref.Client = u.ID
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return nil, err
		}
		if err := w.PutReferral(ctx, ref); err != nil {
			return nil, err
		}
		return []cabinet.Event{ReferralCreated{Referral: ref.ID, Team: t.ID, Referrer: actor, ClientName: name,
			ClientEmail: addr, Client: ref.Client, Dossier: dossier, Consent: ConsentGiven}}, nil
	})
	if err != nil {
		return Referral{}, err
	}
	return ref, nil
}

// MoveReferral moves a referral between the actor's personal team and a
// team the actor belongs to, in either direction (TEAM-7). The actor must
// be its referrer (or own the personal team holding it) and a member of the
// team it leaves (TEAM-11). Moving to its current team is a no-op.
// Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError (TEAM-7, TEAM-11).
func (s *Service) MoveReferral(ctx context.Context, actor cabinet.UserID, id cabinet.ReferralID, to cabinet.TeamID) (Referral, error) {
	var ref Referral
	err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if id == "" {
			return nil, cabinet.NotFound("referral", id)
		}
		var err error
		if ref, err = w.Referral(ctx, id); err != nil {
			return nil, err
		}
		from, err := requireTeam(ctx, w, ref.Team)
		if err != nil {
			return nil, err
		}
		dest, err := requireTeam(ctx, w, to)
		if err != nil {
			return nil, err
		}
		if err := CanMoveReferral(from, ref, actor); err != nil {
			return nil, err
		}
		if from.ID == dest.ID {
			return nil, nil
		}
		if !dest.IsMember(actor) {
			return nil, cabinet.Forbidden("TEAM-7", "a referral moves only to a team its referrer belongs to")
		}
		if !from.Personal && !dest.Personal {
			return nil, cabinet.Forbidden("TEAM-7", "a referral moves between the personal team and a team, not between two teams")
		}
		ref.Team = dest.ID
		if err := w.PutReferral(ctx, ref); err != nil {
			return nil, err
		}
		return []cabinet.Event{ReferralMoved{Referral: id, Dossier: ref.Dossier, From: from.ID, To: dest.ID, Reason: MoveManual}}, nil
	})
	if err != nil {
		return Referral{}, err
	}
	return ref, nil
}

// Referral returns a referral to the members of its team and to its client.
// Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError (TEAM-12).
func (s *Service) Referral(ctx context.Context, actor cabinet.UserID, id cabinet.ReferralID) (Referral, error) {
	var ref Referral
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if id == "" {
			return cabinet.NotFound("referral", id)
		}
		var err error
		if ref, err = r.Referral(ctx, id); err != nil {
			return err
		}
		if ref.Client != "" && ref.Client == actor {
			return nil
		}
		t, err := requireTeam(ctx, r, ref.Team)
		if err != nil {
			return err
		}
		return CanListReferrals(t, actor)
	})
	if err != nil {
		return Referral{}, err
	}
	return ref, nil
}

// Referrals lists a team's referrals, with referrer, client, consent state
// and date, filtered by f.Referrer and f.Consent (the other fields of f
// narrow further; f.Team is ignored), ordered by ID, one page at a time
// (TEAM-12). Members only. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError.
func (s *Service) Referrals(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, f ReferralFilter, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
	var out []Referral
	var next cabinet.Cursor
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		t, err := requireTeam(ctx, r, id)
		if err != nil {
			return err
		}
		if err := CanListReferrals(t, actor); err != nil {
			return err
		}
		f.Team = id
		out, next, err = r.ListReferrals(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ReferralsOf lists the referrals whose client is the actor, so that they
// can manage their consent (TEAM-9). Errors: cabinet.ErrNotFound for an
// unknown actor.
func (s *Service) ReferralsOf(ctx context.Context, actor cabinet.UserID) ([]Referral, error) {
	var out []Referral
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		var err error
		out, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, ReferralFilter{Client: actor}, p)
		})
		return err
	})
	return out, err
}

// RevokeConsent closes the client's dossier to the team route (TEAM-9).
// Only the referral's client may call it; the referral stays listed.
// Revoking a revoked consent is a no-op. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError (TEAM-9).
func (s *Service) RevokeConsent(ctx context.Context, actor cabinet.UserID, id cabinet.ReferralID) (Referral, error) {
	return s.setConsent(ctx, actor, id, ConsentRevoked)
}

// RestoreConsent gives consent again after a revocation (TEAM-9). Only the
// referral's client may call it. Errors: as RevokeConsent.
func (s *Service) RestoreConsent(ctx context.Context, actor cabinet.UserID, id cabinet.ReferralID) (Referral, error) {
	return s.setConsent(ctx, actor, id, ConsentGiven)
}

func (s *Service) setConsent(ctx context.Context, actor cabinet.UserID, id cabinet.ReferralID, c Consent) (Referral, error) {
	var ref Referral
	err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if id == "" {
			return nil, cabinet.NotFound("referral", id)
		}
		var err error
		if ref, err = w.Referral(ctx, id); err != nil {
			return nil, err
		}
		if err := CanChangeConsent(ref, actor); err != nil {
			return nil, err
		}
		if ref.Consent == c {
			return nil, nil
		}
		ref.Consent = c
		ref.ConsentChangedAt = s.o.Now()
		if err := w.PutReferral(ctx, ref); err != nil {
			return nil, err
		}
		if c == ConsentRevoked {
			return []cabinet.Event{ConsentWithdrawn{Referral: id, Team: ref.Team, Client: actor, Dossier: ref.Dossier}}, nil
		}
		return []cabinet.Event{ConsentRestored{Referral: id, Team: ref.Team, Client: actor, Dossier: ref.Dossier}}, nil
	})
	if err != nil {
		return Referral{}, err
	}
	return ref, nil
}

// ReachesDossier reports whether user reaches dossier through the team
// route: a referral of that dossier lives in a team user is a member of and
// its client's consent is given (TEAM-8, TEAM-9). It returns (false, nil)
// when no route exists.
func (s *Service) ReachesDossier(ctx context.Context, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	ok := false
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if user == "" || dossier == "" {
			return nil
		}
		refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, ReferralFilter{Dossier: dossier}, p)
		})
		if err != nil {
			return err
		}
		for _, ref := range refs {
			t, err := r.Team(ctx, ref.Team)
			if err != nil {
				return err
			}
			if CanReachDossier(t, ref, user) == nil {
				ok = true
				return nil
			}
		}
		return nil
	})
	return ok, err
}
