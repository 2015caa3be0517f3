package team

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// ---- teams ----

// CreateTeam creates a team named name for the lead advisor lead (TEAM-1,
// TEAM-5); lead "" means the actor.
//
// When the actor is the lead, the team is active at once: the lead is its
// first admin and member, and if it is the lead's first non-personal team,
// their personal team's referrals move to it (TEAM-7, as AcceptTeam
// describes). When the actor creates it on someone else's behalf (an
// assistant), the team is pending (TEAM-1 v2): it has no member, receives
// no referral and moves nothing until lead accepts it (AcceptTeam) or
// declines it (DeclineTeam); the actor is recorded as CreatedBy and is a
// member only if later added. Nobody becomes a lead without their own act.
//
// Returns the team as stored and the revision. Errors:
// *cabinet.InvalidError ("name"); cabinet.ErrNotFound for an unknown actor
// or lead.
func (s *Service) CreateTeam(ctx context.Context, actor cabinet.UserID, name string, lead cabinet.UserID) (Team, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Team{}, 0, err
	}
	if lead == "" {
		lead = actor
	}
	var t Team
	tid := cabinet.NewID[cabinet.TeamID](s.o.IDs, "team")
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		if _, err := requireUser(ctx, w, actor); err != nil {
			return nil, err
		}
		if _, err := requireUser(ctx, w, lead); err != nil {
			return nil, err
		}
		now := s.o.Now()
		t = Team{ID: tid, Name: name, Lead: lead, CreatedBy: actor, CreatedAt: now}
		if lead != actor {
			t.Pending = true
			if err := w.PutTeam(ctx, t); err != nil {
				return nil, err
			}
			return []cabinet.Event{TeamCreated{Team: t.ID, Name: name, Pending: true, Lead: lead, CreatedBy: actor}}, nil
		}
		t.Members = []Member{{User: lead, Role: RoleAdmin, JoinedAt: now}}
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		first, moved, err := s.firstTeamTransfer(ctx, w, lead, t)
		if err != nil {
			return nil, err
		}
		events := []cabinet.Event{TeamCreated{Team: t.ID, Name: name, Lead: lead, CreatedBy: actor, FirstTeam: first}}
		return append(events, moved...), nil
	})
	if err != nil {
		return Team{}, 0, err
	}
	return t, rev, nil
}

// AcceptTeam is the lead's acceptance of a team created on their behalf
// (TEAM-1 v2): the actor, the lead it names, becomes its admin, member and
// lead. If it is their first non-personal team, their personal team's
// referrals move to it now, at acceptance (TEAM-7; each referral whose
// move MoveReferral would allow — its referrer still entitled to the
// dossier, TEAM-8, and the dossier not archived, ACC-12 — the others stay
// in the personal team).
//
// Returns the team as stored and the revision. Errors: cabinet.ErrNotFound
// (unknown team); *cabinet.ForbiddenError (TEAM-1: not the lead it names);
// *cabinet.ConflictError (TEAM-1: not pending).
func (s *Service) AcceptTeam(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) (Team, cabinet.Revision, error) {
	var t Team
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if t, err = requireTeam(ctx, w, id); err != nil {
			return nil, err
		}
		if err := CanAnswerTeam(t, actor); err != nil {
			return nil, err
		}
		t.Pending = false
		t = t.withMember(actor, RoleAdmin, s.o.Now())
		if err := w.PutTeam(ctx, t); err != nil {
			return nil, err
		}
		first, moved, err := s.firstTeamTransfer(ctx, w, actor, t)
		if err != nil {
			return nil, err
		}
		events := []cabinet.Event{TeamAccepted{Team: t.ID, Lead: actor, CreatedBy: t.CreatedBy, FirstTeam: first}}
		return append(events, moved...), nil
	})
	if err != nil {
		return Team{}, 0, err
	}
	return t, rev, nil
}

// DeclineTeam is the lead's refusal of a team created on their behalf
// (TEAM-1 v2): the pending team is deleted. Nothing else changes (a
// pending team has no member, referral or invitation).
//
// Returns the revision. Errors: as AcceptTeam.
func (s *Service) DeclineTeam(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) (cabinet.Revision, error) {
	return s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		t, err := requireTeam(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanAnswerTeam(t, actor); err != nil {
			return nil, err
		}
		if err := w.DeleteTeam(ctx, id); err != nil {
			return nil, err
		}
		return []cabinet.Event{TeamDeclined{Team: id, Name: t.Name, Lead: t.Lead, CreatedBy: t.CreatedBy}}, nil
	})
}

// firstTeamTransfer moves the referrals of u's personal team to t if t is
// the first non-personal team u joins (TEAM-7), and reports whether it
// was. t is the team as it now stands, with u a member. A referral moves
// when CanMoveReferral allows its referrer to move it there (TEAM-8 v2: a
// move never opens a vault its referrer could not open; ACC-12); the
// others stay in the personal team.
func (s *Service) firstTeamTransfer(ctx context.Context, w Writer, u cabinet.UserID, t Team) (bool, []cabinet.Event, error) {
	p, err := w.PersonalTeam(ctx, u)
	if err != nil {
		return false, nil, err
	}
	if p.FirstTeam != "" {
		return false, nil, nil
	}
	p.FirstTeam = t.ID
	if err := w.PutTeam(ctx, p); err != nil {
		return false, nil, err
	}
	refs, err := cabinet.All(ctx, func(ctx context.Context, pg cabinet.Page) ([]Referral, cabinet.Cursor, error) {
		return w.ListReferrals(ctx, ReferralFilter{Team: p.ID}, pg)
	})
	if err != nil {
		return false, nil, err
	}
	var events []cabinet.Event
	for _, r := range refs {
		d, err := s.reach(ctx, w.Tx(), r.Referrer, r.Dossier)
		if err != nil {
			return false, nil, err
		}
		if CanMoveReferral(p, t, r, r.Referrer, d) != nil {
			continue
		}
		r.Team = t.ID
		if err := w.PutReferral(ctx, r); err != nil {
			return false, nil, err
		}
		events = append(events, ReferralMoved{Referral: r.ID, Dossier: r.Dossier, Referrer: r.Referrer, From: p.ID, To: t.ID, Reason: MoveFirstTeam})
	}
	return true, events, nil
}

// Team returns team id to those CanViewTeam allows: its members (TEAM-4),
// the owner of a personal team (TEAM-6), the lead and the creator of a
// pending team (TEAM-1). Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError.
func (s *Service) Team(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID) (Team, error) {
	var t Team
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		var err error
		if t, err = requireTeam(ctx, r, id); err != nil {
			return err
		}
		if err := CanViewTeam(t, actor); err != nil {
			return err
		}
		t, err = labelled(ctx, r, t)
		return err
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// Teams lists the teams the actor is a member of, their personal team
// included (TEAM-5), ordered by ID, one page at a time. Pending teams are
// not among them (PendingTeams). Errors: cabinet.ErrNotFound for an unknown
// actor; *cabinet.InvalidError ("limit").
func (s *Service) Teams(ctx context.Context, actor cabinet.UserID, p cabinet.Page) ([]Team, cabinet.Cursor, error) {
	return s.listTeams(ctx, actor, TeamFilter{Member: actor}, p)
}

// PendingTeams lists the pending teams that name the actor as their lead
// and wait for their answer (TEAM-1), ordered by ID, one page at a time.
// Errors: as Teams.
func (s *Service) PendingTeams(ctx context.Context, actor cabinet.UserID, p cabinet.Page) ([]Team, cabinet.Cursor, error) {
	return s.listTeams(ctx, actor, TeamFilter{PendingLead: actor}, p)
}

func (s *Service) listTeams(ctx context.Context, actor cabinet.UserID, f TeamFilter, p cabinet.Page) ([]Team, cabinet.Cursor, error) {
	var out []Team
	var next cabinet.Cursor
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		ts, n, err := r.ListTeams(ctx, f, p)
		if err != nil {
			return err
		}
		out, next = make([]Team, 0, len(ts)), n
		for _, t := range ts {
			if t, err = labelled(ctx, r, t); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// PersonalTeam returns the actor's personal team (TEAM-6), labelled with
// PersonalTeamName of their display name. Errors: cabinet.ErrNotFound for
// an unknown actor.
func (s *Service) PersonalTeam(ctx context.Context, actor cabinet.UserID) (Team, error) {
	var t Team
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		var err error
		if t, err = r.PersonalTeam(ctx, actor); err != nil {
			return err
		}
		t, err = labelled(ctx, r, t)
		return err
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// RenameTeam renames a team; admins only (CanRename: TEAM-4; never a
// personal team, TEAM-6; not a pending team, TEAM-1). The same name is a
// no-op. Returns the team as stored and the revision. Errors:
// *cabinet.InvalidError ("name"); cabinet.ErrNotFound;
// *cabinet.ForbiddenError.
func (s *Service) RenameTeam(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, name string) (Team, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Team{}, 0, err
	}
	var t Team
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
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
		return Team{}, 0, err
	}
	return t, rev, nil
}

// DeleteTeam deletes a team; admins only (CanDelete: TEAM-4; never a
// personal team, TEAM-6; a pending team is declined instead, TEAM-1). how
// says where its referrals go (TEAM-10): ReassignToDeleter moves them all
// to the actor's personal team, ReassignToReferrers each to its referrer's
// personal team (members who left included). No referral is lost, so these
// moves are not re-checked against TEAM-8. Its invitations are deleted
// with it.
//
// Returns the revision. Errors: *cabinet.InvalidError ("reassignment")
// when no valid choice is given; cabinet.ErrNotFound;
// *cabinet.ForbiddenError.
func (s *Service) DeleteTeam(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, how Reassignment) (cabinet.Revision, error) {
	if !how.Valid() {
		return 0, cabinet.Invalid("reassignment", "choose to_deleter or to_referrers before deleting a team (TEAM-10)")
	}
	return s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
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
		refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
			return w.ListReferrals(ctx, ReferralFilter{Team: id}, p)
		})
		if err != nil {
			return nil, err
		}
		var events []cabinet.Event
		for _, r := range refs {
			to := mine.ID
			if how == ReassignToReferrers {
				p, err := w.PersonalTeam(ctx, r.Referrer)
				if err != nil {
					return nil, err
				}
				to = p.ID
			}
			r.Team = to
			if err := w.PutReferral(ctx, r); err != nil {
				return nil, err
			}
			events = append(events, ReferralMoved{Referral: r.ID, Dossier: r.Dossier, Referrer: r.Referrer, From: id, To: to, Reason: MoveTeamDeleted})
		}
		invs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Invitation, cabinet.Cursor, error) {
			return w.ListInvitations(ctx, InvitationFilter{Team: id}, p)
		})
		if err != nil {
			return nil, err
		}
		del := TeamDeleted{Team: id, Reassignment: how, DeletedBy: actor}
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
		return append(events, del), nil
	})
}

// TransferLead hands lead status to another admin of the team; only the
// lead may do it (TEAM-2 v2: no admin can take it). Handing it to the
// current lead is a no-op. Returns the team as stored and the revision.
// Errors: cabinet.ErrNotFound (unknown team, or to not a member);
// *cabinet.ForbiddenError (CanTransferLead: TEAM-2, TEAM-6, TEAM-1);
// *cabinet.ConflictError (CanBecomeLead, TEAM-2) if to is a member but not
// an admin.
func (s *Service) TransferLead(ctx context.Context, actor cabinet.UserID, id cabinet.TeamID, to cabinet.UserID) (Team, cabinet.Revision, error) {
	var t Team
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if t, err = requireTeam(ctx, w, id); err != nil {
			return nil, err
		}
		if err := CanTransferLead(t, actor); err != nil {
			return nil, err
		}
		if !t.IsMember(to) {
			return nil, cabinet.NotFound("member", to)
		}
		if err := CanBecomeLead(t, to); err != nil {
			return nil, err
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
	if err != nil {
		return Team{}, 0, err
	}
	return t, rev, nil
}
