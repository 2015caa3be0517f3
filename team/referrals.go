package team

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
)

// ---- referrals ----

// ReferInput describes a client an advisor brings in (TEAM-7).
type ReferInput struct {
	Team        cabinet.TeamID    // "" = the referrer's personal team
	ClientName  string            // required
	ClientEmail string            // required
	Dossier     cabinet.DossierID // the client's dossier (vault); required, must exist
}

// Refer records that the actor referred a client, in a team they are a
// member of or, when in.Team is empty, in their personal team (TEAM-7).
// Every member of that team then reaches the client's dossier through the
// team route (TEAM-8), unless the dossier's consent is revoked (TEAM-9).
// If the client already has an account it is linked (for the listing only).
//
// TEAM-8 v2: referring is sharing a vault one already holds. The dossier
// must exist and the actor must reach it, as seen in this command's
// transaction, through an internal route of its office (GRP-3, Directory)
// or be its granted central person (Dossiers.HoldsCentralGrant);
// CanRefer decides, and a refusal writes nothing.
//
// Returns the referral as stored (Consent: the dossier's) and the revision.
// Errors, in this order: *cabinet.InvalidError ("client_name",
// "client_email", "dossier"); cabinet.ErrNotFound (unknown actor or team);
// *cabinet.ForbiddenError (TEAM-1 pending team, TEAM-7 not a member,
// TEAM-8 no entitlement or unknown dossier); *cabinet.ConflictError
// (ACC-12, archived dossier).
func (s *Service) Refer(ctx context.Context, actor cabinet.UserID, in ReferInput) (Referral, cabinet.Revision, error) {
	name, err := cabinet.ParseName("client_name", in.ClientName)
	if err != nil {
		return Referral{}, 0, err
	}
	addr, err := cabinet.ParseEmail("client_email", in.ClientEmail)
	if err != nil {
		return Referral{}, 0, err
	}
	dossier := cabinet.DossierID(strings.TrimSpace(string(in.Dossier)))
	if dossier == "" {
		return Referral{}, 0, cabinet.Invalid("dossier", "is required")
	}
	var ref Referral
	rid := cabinet.NewID[cabinet.ReferralID](s.o.IDs, "ref")
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
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
		d, err := s.reach(ctx, w.Tx(), actor, dossier)
		if err != nil {
			return nil, err
		}
		if err := CanRefer(t, actor, d); err != nil {
			return nil, err
		}
		consent, err := consentOf(ctx, w, dossier)
		if err != nil {
			return nil, err
		}
		ref = Referral{
			ID:          rid,
			Team:        t.ID,
			Referrer:    actor,
			ClientName:  name,
			ClientEmail: addr,
			Dossier:     dossier,
			Consent:     consent.State,
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
			ClientEmail: addr, Client: ref.Client, Dossier: dossier, Consent: ref.Consent}}, nil
	})
	if err != nil {
		return Referral{}, 0, err
	}
	return ref, rev, nil
}

// MoveReferral moves a referral between the actor's personal team and a
// team the actor belongs to, in either direction (TEAM-7). CanMoveReferral
// decides: the actor must be its referrer and still a member of the team it
// leaves (TEAM-11); and, since a move opens the vault to another team, the
// actor must still be entitled to share the dossier at move time, exactly
// as for Refer (TEAM-8 v2; ACC-12 for an archived dossier). Moving to its
// current team is a no-op.
//
// Returns the referral as stored and the revision. Errors:
// cabinet.ErrNotFound (unknown referral or destination);
// *cabinet.ForbiddenError (TEAM-7, TEAM-11, TEAM-1, TEAM-8);
// *cabinet.ConflictError (ACC-12).
func (s *Service) MoveReferral(ctx context.Context, actor cabinet.UserID, id cabinet.ReferralID, to cabinet.TeamID) (Referral, cabinet.Revision, error) {
	var ref Referral
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
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
		d, err := s.reach(ctx, w.Tx(), actor, ref.Dossier)
		if err != nil {
			return nil, err
		}
		if err := CanMoveReferral(from, dest, ref, actor, d); err != nil {
			return nil, err
		}
		if from.ID == dest.ID {
			return nil, nil
		}
		ref.Team = dest.ID
		if err := w.PutReferral(ctx, ref); err != nil {
			return nil, err
		}
		return []cabinet.Event{ReferralMoved{Referral: id, Dossier: ref.Dossier, Referrer: ref.Referrer, From: from.ID, To: dest.ID, Reason: MoveManual}}, nil
	})
	if err != nil {
		return Referral{}, 0, err
	}
	return ref, rev, nil
}

// Referral returns a referral, with its dossier's consent, to those
// CanViewReferral allows: the members of its team, its referrer, and the
// dossier's granted central persons. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError (TEAM-12, TEAM-6).
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
		t, err := requireTeam(ctx, r, ref.Team)
		if err != nil {
			return err
		}
		central := false
		if !t.IsMember(actor) && actor != ref.Referrer {
			if central, err = s.central(ctx, r.Tx(), actor, ref.Dossier); err != nil {
				return err
			}
		}
		return CanViewReferral(t, ref, actor, central)
	})
	if err != nil {
		return Referral{}, err
	}
	return ref, nil
}

// Referrals lists a team's referrals in one place, with referrer, client,
// consent state (the dossier's, TEAM-9) and date, filtered by f.Referrer
// and f.Consent (the other fields of f narrow further; f.Team is ignored),
// ordered by ID, one page at a time (TEAM-12). Members only
// (CanListReferrals). Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError
// (TEAM-12, TEAM-6, TEAM-1); *cabinet.InvalidError ("limit").
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

// ReferralsBy lists every referral that referrer made, across all teams,
// in one place (seed 000, "Gestion centralisée des références"), those in
// teams they left included (TEAM-11), with the same fields as Referrals;
// f narrows (Team, Consent, Dossier, …; f.Referrer is ignored). Only the
// referrer themself may list them (CanListReferralsBy). Errors:
// cabinet.ErrNotFound (unknown actor); *cabinet.ForbiddenError (TEAM-12);
// *cabinet.InvalidError ("limit").
func (s *Service) ReferralsBy(ctx context.Context, actor, referrer cabinet.UserID, f ReferralFilter, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
	var out []Referral
	var next cabinet.Cursor
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		if err := CanListReferralsBy(referrer, actor); err != nil {
			return err
		}
		f.Referrer = referrer
		var err error
		out, next, err = r.ListReferrals(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ReachesDossier reports whether user reaches dossier through the team
// route for viewing: a referral of it lives in a team user is a member of,
// whose referrer still reaches the dossier, user is not one of its granted
// central persons and its consent is given (CanReachDossier; TEAM-8,
// TEAM-9). What the route opens beyond viewing is bounded by what the
// referrer holds (TEAM-8 v2; policy answers it). It is a fact for hosts and tests, not
// a user's read: package policy answers the same question for users. It
// returns (false, nil) when no route exists.
func (s *Service) ReachesDossier(ctx context.Context, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	ok := false
	err := s.store.ViewTeams(ctx, func(r Reader) (err error) {
		ok, err = s.facts.TeamRoute(ctx, r.Tx(), user, dossier)
		return err
	})
	return ok, err
}

// ---- consent ----

// consentOf returns dossier's consent record, or the default (given) when
// none is stored.
func consentOf(ctx context.Context, r Reader, dossier cabinet.DossierID) (DossierConsent, error) {
	c, err := r.DossierConsent(ctx, dossier)
	if errors.Is(err, cabinet.ErrNotFound) {
		return DossierConsent{Dossier: dossier, State: ConsentGiven}, nil
	}
	return c, err
}

// DossierConsent returns the consent switch of dossier (TEAM-9) to its
// granted central persons (CanManageConsent); a dossier whose consent was
// never changed reports ConsentGiven with no ChangedBy. Errors:
// cabinet.ErrNotFound (unknown actor); *cabinet.ForbiddenError (TEAM-9,
// also for an unknown dossier).
func (s *Service) DossierConsent(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID) (DossierConsent, error) {
	var c DossierConsent
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		central, err := s.central(ctx, r.Tx(), actor, dossier)
		if err != nil {
			return err
		}
		if err := CanManageConsent(central); err != nil {
			return err
		}
		c, err = consentOf(ctx, r, dossier)
		return err
	})
	if err != nil {
		return DossierConsent{}, err
	}
	return c, nil
}

// RevokeConsent closes the dossier to the team route in every team that
// holds a referral of it (TEAM-9 v2: one switch per dossier). Only the
// dossier's granted central persons may call it (CanManageConsent, the
// grant read in this command's transaction) — not the referrer, not
// whoever a referral names as client. The referrals stay listed, with
// consent revoked. Revoking a revoked consent is a no-op. Decision: allowed
// on an archived dossier (closing access is never an escalation; ACC-12
// forbids changes that open or edit it).
//
// Returns the consent record as stored and the revision. Errors:
// cabinet.ErrNotFound (unknown actor); *cabinet.ForbiddenError (TEAM-9,
// also for an unknown dossier).
func (s *Service) RevokeConsent(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID) (DossierConsent, cabinet.Revision, error) {
	return s.setConsent(ctx, actor, dossier, ConsentRevoked)
}

// RestoreConsent gives the dossier's consent again after a revocation
// (TEAM-9): the team route reopens in every team holding a referral of it.
// Same permission, no-op rule and errors as RevokeConsent. Decision:
// allowed on an archived dossier too — it is the client's own choice, and
// the route it reopens only views an archived dossier (ACC-12).
func (s *Service) RestoreConsent(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID) (DossierConsent, cabinet.Revision, error) {
	return s.setConsent(ctx, actor, dossier, ConsentGiven)
}

func (s *Service) setConsent(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID, state Consent) (DossierConsent, cabinet.Revision, error) {
	var c DossierConsent
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		if _, err := requireUser(ctx, w, actor); err != nil {
			return nil, err
		}
		central, err := s.central(ctx, w.Tx(), actor, dossier)
		if err != nil {
			return nil, err
		}
		if err := CanManageConsent(central); err != nil {
			return nil, err
		}
		if c, err = consentOf(ctx, w, dossier); err != nil {
			return nil, err
		}
		if c.State == state {
			return nil, nil
		}
		c = DossierConsent{Dossier: dossier, State: state, ChangedBy: actor, ChangedAt: s.o.Now()}
		if err := w.PutDossierConsent(ctx, c); err != nil {
			return nil, err
		}
		refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Referral, cabinet.Cursor, error) {
			return w.ListReferrals(ctx, ReferralFilter{Dossier: dossier}, p)
		})
		if err != nil {
			return nil, err
		}
		var ids []cabinet.ReferralID
		var teams []cabinet.TeamID
		for _, r := range refs {
			ids = append(ids, r.ID)
			if !slices.Contains(teams, r.Team) {
				teams = append(teams, r.Team)
			}
		}
		slices.Sort(teams)
		if state == ConsentRevoked {
			return []cabinet.Event{ConsentWithdrawn{Dossier: dossier, By: actor, Referrals: ids, Teams: teams}}, nil
		}
		return []cabinet.Event{ConsentRestored{Dossier: dossier, By: actor, Referrals: ids, Teams: teams}}, nil
	})
	if err != nil {
		return DossierConsent{}, 0, err
	}
	return c, rev, nil
}
