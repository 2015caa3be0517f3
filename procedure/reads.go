package procedure

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// view runs fn in one ViewProcedures snapshot after checking actor: every
// read of the service goes through it, and reads the other packages' facts
// with the view's transaction (r.Tx()).
func (s *Service) view(ctx context.Context, actor cabinet.UserID, fn func(r Reader) error) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.store.ViewProcedures(ctx, fn)
}

// OfficePlan returns the office's plan state — the stored one, or
// PlanStandard without boosters nor trial when none was stored — to a
// collaborator of the office (CanViewPlan). PremiumAvailable(plan, now)
// says whether the contributors option is available. Errors:
// *cabinet.InvalidError ("actor", "office"); *cabinet.ForbiddenError naming
// PROC-1.
func (s *Service) OfficePlan(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID) (OfficePlan, error) {
	if office == "" {
		return OfficePlan{}, cabinet.Invalid("office", "is required")
	}
	var out OfficePlan
	err := s.view(ctx, actor, func(r Reader) error {
		prof, err := s.profile(ctx, r.Tx(), office, actor)
		if err != nil {
			return err
		}
		if err := CanViewPlan(prof); err != nil {
			return err
		}
		out, err = planOf(ctx, r, office)
		return err
	})
	if err != nil {
		return OfficePlan{}, err
	}
	return out, nil
}

// Procedure returns the procedure to a collaborator of its office
// (CanViewProcedure). Errors: *cabinet.InvalidError ("actor"); ErrNotFound;
// *cabinet.ForbiddenError naming PROC-2.
func (s *Service) Procedure(ctx context.Context, actor cabinet.UserID, id cabinet.ProcedureID) (Procedure, error) {
	var out Procedure
	err := s.view(ctx, actor, func(r Reader) error {
		p, err := r.Procedure(ctx, id)
		if err != nil {
			return err
		}
		prof, err := s.profile(ctx, r.Tx(), p.Office, actor)
		if err != nil {
			return err
		}
		if err := CanViewProcedure(prof); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return Procedure{}, err
	}
	return out, nil
}

// Procedures lists the procedures of f.Office, ordered by ID, one
// cabinet.Page at a time, to a collaborator of that office
// (CanViewProcedure). Errors: *cabinet.InvalidError ("actor", "office",
// "limit"); *cabinet.ForbiddenError naming PROC-2.
func (s *Service) Procedures(ctx context.Context, actor cabinet.UserID, f ProcedureFilter, p cabinet.Page) ([]Procedure, cabinet.Cursor, error) {
	if f.Office == "" {
		return nil, "", cabinet.Invalid("office", "is required")
	}
	if _, err := p.Size(); err != nil {
		return nil, "", err
	}
	var out []Procedure
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		prof, err := s.profile(ctx, r.Tx(), f.Office, actor)
		if err != nil {
			return err
		}
		if err := CanViewProcedure(prof); err != nil {
			return err
		}
		out, next, err = r.ListProcedures(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Case returns the whole case — every seat, every item state — to staff
// who reach it (CanReachCase, PROC-7): an attached case follows its
// dossier, an unattached one is the office's admins' and its opener's.
// Participants read their own part of a case with ParticipantView, never
// this (PROC-3 v2). Errors: *cabinet.InvalidError ("actor"); ErrNotFound;
// *cabinet.ForbiddenError naming PROC-7.
func (s *Service) Case(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID) (Case, error) {
	var out Case
	err := s.view(ctx, actor, func(r Reader) error {
		c, err := r.Case(ctx, id)
		if err != nil {
			return err
		}
		f, err := s.caseFacts(ctx, r, actor, c, false)
		if err != nil {
			return err
		}
		if err := CanReachCase(c, actor, f.profile, f.reaches); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	return out, nil
}

// Cases lists the cases matching f (f.Office is required; f.Procedure,
// f.Dossier, f.User and f.Email narrow it) that actor, a collaborator of
// f.Office, reaches (CanReachCase, PROC-7), ordered by ID, one cabinet.Page
// at a time. The page is the store's page of matching cases less those the
// actor does not reach: it may hold fewer records than the page's size,
// and the cursor of the rest is never omitted. Participants list their
// cases with ParticipantViews (PROC-3 v2). Errors: *cabinet.InvalidError
// ("actor", "office", "limit"); *cabinet.ForbiddenError naming PROC-7 when
// actor is not a collaborator of f.Office.
func (s *Service) Cases(ctx context.Context, actor cabinet.UserID, f CaseFilter, p cabinet.Page) ([]Case, cabinet.Cursor, error) {
	if f.Office == "" {
		return nil, "", cabinet.Invalid("office", "is required")
	}
	if _, err := p.Size(); err != nil {
		return nil, "", err
	}
	var out []Case
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		prof, err := s.profile(ctx, r.Tx(), f.Office, actor)
		if err != nil {
			return err
		}
		if !prof.Valid() {
			return errNotStaff()
		}
		var page []Case
		if page, next, err = r.ListCases(ctx, f, p); err != nil {
			return err
		}
		out = make([]Case, 0, len(page))
		for _, c := range page {
			cf, err := s.caseFacts(ctx, r, actor, c, false)
			if err != nil {
				return err
			}
			if CanReachCase(c, actor, cf.profile, cf.reaches) == nil {
				out = append(out, c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// CaseSeats returns the seats of the case as staff see them (issue 12, seed
// 004): one SeatState per role of the procedure, the main recipient's
// first, then the contributor roles in the procedure's order, each saying
// whether it is filled, by whom, and whether and when the invitation was
// due (Participant.Invited, NotifiedAt). Staff who reach the case may
// (CanReachCase, PROC-7). Errors: *cabinet.InvalidError ("actor");
// ErrNotFound; *cabinet.ForbiddenError naming PROC-7.
func (s *Service) CaseSeats(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID) ([]SeatState, error) {
	var out []SeatState
	err := s.view(ctx, actor, func(r Reader) error {
		c, err := r.Case(ctx, id)
		if err != nil {
			return err
		}
		f, err := s.caseFacts(ctx, r, actor, c, false)
		if err != nil {
			return err
		}
		if err := CanReachCase(c, actor, f.profile, f.reaches); err != nil {
			return err
		}
		p, err := r.Procedure(ctx, c.Procedure)
		if err != nil {
			return err
		}
		out = make([]SeatState, 0, len(p.Roles))
		for _, role := range p.Roles {
			st := SeatState{Role: role}
			if role.Main {
				st.Filled, st.Participant = true, c.Recipient
			} else if seat, ok := c.Contributor(role.ID); ok {
				st.Filled, st.Participant = true, seat
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CaseItem returns one item of the case with its state (PROC-3, PROC-7 v2,
// CanViewItem): to staff who reach the case, whatever its role, as stored;
// to a participant, an item of their role if the role has view, as they may
// see it (RedactItemState: no one else's identity). Errors:
// *cabinet.InvalidError ("actor"); ErrNotFound (case, item);
// *cabinet.ForbiddenError naming PROC-3 or PROC-4 (a participant) or PROC-7.
func (s *Service) CaseItem(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID) (ItemView, error) {
	var out ItemView
	err := s.view(ctx, actor, func(r Reader) error {
		c, err := r.Case(ctx, id)
		if err != nil {
			return err
		}
		p, err := r.Procedure(ctx, c.Procedure)
		if err != nil {
			return err
		}
		f, err := s.caseFacts(ctx, r, actor, c, false)
		if err != nil {
			return err
		}
		if err := CanViewItem(p, c, actor, item, f.profile, f.reaches); err != nil {
			return err
		}
		it, _ := p.Item(item)
		st := c.ItemState(item)
		if ItemAllows(p, c, actor, item, PermView) == nil && CanReachCase(c, actor, f.profile, f.reaches) != nil {
			st = RedactItemState(st, actor) // a participant, not staff
		}
		out = ItemView{Item: it, State: st}
		return nil
	})
	if err != nil {
		return ItemView{}, err
	}
	return out, nil
}

// ParticipantView returns what actor, a participant of the case, reads of
// it (PROC-3 v2, ViewFor): their seat and role, and the items of their role
// with what happened on them — never another participant's seat or contact
// details, nor another role's item. Errors: *cabinet.InvalidError
// ("actor"); ErrNotFound; *cabinet.ForbiddenError naming PROC-3 when actor
// holds no seat on the case.
func (s *Service) ParticipantView(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID) (ParticipantView, error) {
	var out ParticipantView
	err := s.view(ctx, actor, func(r Reader) error {
		c, err := r.Case(ctx, id)
		if err != nil {
			return err
		}
		if err := CanViewAsParticipant(c, actor); err != nil {
			return err
		}
		p, err := r.Procedure(ctx, c.Procedure)
		if err != nil {
			return err
		}
		out, err = ViewFor(p, c, actor)
		return err
	})
	if err != nil {
		return ParticipantView{}, err
	}
	return out, nil
}

// ParticipantViews lists the participant views (ViewFor) of the cases on
// which actor holds a seat, ordered by case ID, one cabinet.Page at a time:
// the listing of cases a participant may call (PROC-3 v2). Errors:
// *cabinet.InvalidError ("actor", "limit").
func (s *Service) ParticipantViews(ctx context.Context, actor cabinet.UserID, p cabinet.Page) ([]ParticipantView, cabinet.Cursor, error) {
	if _, err := p.Size(); err != nil {
		return nil, "", err
	}
	var out []ParticipantView
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		cases, n, err := r.ListCases(ctx, CaseFilter{User: actor}, p)
		if err != nil {
			return err
		}
		next = n
		out = make([]ParticipantView, 0, len(cases))
		for _, c := range cases {
			proc, err := r.Procedure(ctx, c.Procedure)
			if err != nil {
				return err
			}
			v, err := ViewFor(proc, c, actor)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// VisibleItems returns the items of the case that actor, a participant,
// may view (PROC-3: only the items of their role, and only if the role has
// view), read in one snapshot. Errors: *cabinet.InvalidError ("actor");
// ErrNotFound; *cabinet.ForbiddenError naming PROC-3 when actor holds no
// seat on the case.
func (s *Service) VisibleItems(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID) ([]Item, error) {
	v, err := s.ParticipantView(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(v.Items))
	for _, it := range v.Items {
		out = append(out, it.Item)
	}
	return out, nil
}
