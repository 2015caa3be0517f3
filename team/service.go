package team

import (
	"context"
	"errors"
	"time"

	"github.com/cabinet-go/cabinet"
)

// DefaultInvitationLifetime is how long an invitation can be accepted after
// it was created or last resent (TEAM-3), unless the service was given
// another lifetime with WithInvitationLifetime.
const DefaultInvitationLifetime = 14 * 24 * time.Hour

// Directory answers, inside the caller's transaction, whether a user
// reaches a dossier through an internal route of its office (GRP-3, with
// GRP-11: only a current collaborator of the office). clientgroup.Facts
// implements it. An unknown dossier is an error wrapping
// cabinet.ErrNotFound.
type Directory interface {
	ReachesDossier(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error)
}

// Dossiers answers, inside the caller's transaction, what TEAM-8 and
// TEAM-9 need to know about a dossier: its facts (existence, status) and
// whether a user holds a grant to one of its central persons. access.Facts
// implements it. An unknown dossier is an error wrapping
// cabinet.ErrNotFound.
type Dossiers interface {
	DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error)
	HoldsCentralGrant(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error)
}

// Service applies the team commands: accounts, teams, members, invitations,
// referrals and consent, and answers the permission-checked reads of them.
// It is safe for concurrent use if its Store and facts are.
type Service struct {
	store    Store
	facts    *Facts
	o        cabinet.Options
	lifetime time.Duration
}

// NewService returns a service over store. dir (clientgroup.Facts) and
// dossiers (access.Facts) answer TEAM-8 and TEAM-9 in the service's own
// transactions; they must read the same store. None may be nil. Options:
// cabinet.WithClock, cabinet.WithIDs, cabinet.WithAccountListeners (told
// by CreateUser).
func NewService(store Store, dir Directory, dossiers Dossiers, opts ...cabinet.Option) *Service {
	if store == nil || dir == nil || dossiers == nil {
		panic("team.NewService: nil store, directory or dossiers")
	}
	return &Service{store: store, facts: NewFacts(store, dir, dossiers), o: cabinet.NewOptions(opts...), lifetime: DefaultInvitationLifetime}
}

// WithInvitationLifetime returns a copy of s whose new and resent
// invitations expire d after they are sent. d ≤ 0 restores
// DefaultInvitationLifetime.
func (s *Service) WithInvitationLifetime(d time.Duration) *Service {
	c := *s
	if d <= 0 {
		d = DefaultInvitationLifetime
	}
	c.lifetime = d
	return &c
}

// by names who runs a command: a user, or a host component for host-driven
// work.
type by struct {
	user cabinet.UserID
	host cabinet.Host
}

// update is the one write path of the package: it runs fn in one
// transaction and records the events fn returned (its listeners' included)
// in that transaction, as one batch naming the actor or the host
// (Options.Emit): the store's change log holds them from the commit on,
// and the host receives them from it (cabinet.Delivery) — none is lost,
// none bypasses the log (SPEC §3 invariant 13). fn may run more than once
// (see Store.UpdateTeams): it must reset what it collects. A failed fn
// records nothing and returns revision 0; a fn that writes and emits
// nothing returns the store's current revision.
func (s *Service) update(ctx context.Context, who by, fn func(w Writer) ([]cabinet.Event, error)) (cabinet.Revision, error) {
	rev, err := s.store.UpdateTeams(ctx, func(w Writer) error {
		events, err := fn(w)
		if err != nil {
			return err
		}
		if who.host != "" {
			return s.o.EmitHost(w.Tx(), who.host, events...)
		}
		return s.o.Emit(w.Tx(), who.user, events...)
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
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

// labelled returns t as the service shows it: a personal team named with
// PersonalTeamName of its owner's current display name (TEAM-6).
func labelled(ctx context.Context, r Reader, t Team) (Team, error) {
	if !t.Personal {
		return t, nil
	}
	owner, err := r.User(ctx, t.Owner)
	if err != nil {
		return Team{}, err
	}
	t.Name = PersonalTeamName(owner.DisplayName)
	return t, nil
}

// yes turns a fact answer into a boolean: an unknown record is "no".
func yes(ok bool, err error) (bool, error) {
	if errors.Is(err, cabinet.ErrNotFound) {
		return false, nil
	}
	return ok && err == nil, err
}

// central reports whether u holds a grant to a central person of dossier,
// as seen by tx (false for an unknown dossier or user).
func (s *Service) central(ctx context.Context, tx cabinet.Tx, u cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	return s.facts.central(ctx, tx, u, dossier)
}

// reach reads, in tx, what TEAM-8 needs to know about u and dossier.
func (s *Service) reach(ctx context.Context, tx cabinet.Tx, u cabinet.UserID, dossier cabinet.DossierID) (DossierReach, error) {
	return s.facts.Reach(ctx, tx, u, dossier)
}

// ---- accounts ----

// CreateUser signs a person up: it creates an account and its personal
// team (TEAM-6) in one transaction. It is host-driven (sign-up is not a
// command of an acting user): host names the component doing it and is
// recorded in the event batch. Referrals whose client email matches are
// linked to the new account, and pending invitations addressed to the
// email become acceptable by it (TEAM-3). In the same transaction it calls
// every cabinet.AccountListener (grants, contacts and contributor seats
// waiting for the email are linked): the account and everything linked to
// it commit together, or nothing does and the error is returned with no
// user.
//
// Returns the account and the revision committed. Errors:
// *cabinet.InvalidError for field "host", "display_name" or "email";
// *cabinet.ConflictError if another account has the email (compared by
// cabinet.EmailKey); a listener's error.
func (s *Service) CreateUser(ctx context.Context, host cabinet.Host, displayName, email string) (cabinet.User, cabinet.Revision, error) {
	if err := host.Check(); err != nil {
		return cabinet.User{}, 0, err
	}
	name, err := cabinet.ParseName("display_name", displayName)
	if err != nil {
		return cabinet.User{}, 0, err
	}
	addr, err := cabinet.ParseEmail("email", email)
	if err != nil {
		return cabinet.User{}, 0, err
	}
	now := s.o.Now()
	u := cabinet.User{ID: cabinet.NewID[cabinet.UserID](s.o.IDs, "user"), DisplayName: name, Email: addr, CreatedAt: now}
	p := Team{
		ID:        cabinet.NewID[cabinet.TeamID](s.o.IDs, "team"),
		Personal:  true,
		Owner:     u.ID,
		Lead:      u.ID,
		CreatedBy: u.ID,
		CreatedAt: now,
		Members:   []Member{{User: u.ID, Role: RoleAdmin, JoinedAt: now}},
	}
	rev, err := s.update(ctx, by{host: host}, func(w Writer) ([]cabinet.Event, error) {
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
			TeamCreated{Team: p.ID, Name: PersonalTeamName(name), Personal: true, Lead: u.ID, CreatedBy: u.ID},
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
			events = append(events, ReferralClientLinked{Referral: r.ID, Team: r.Team, Dossier: r.Dossier, Client: u.ID})
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
		return cabinet.User{}, 0, err
	}
	return u, rev, nil
}

// SetDisplayName changes the actor's own display name (seed 000); only the
// user themself changes it, so the command takes no target. The label of
// their personal team follows (PersonalTeamName, derived when read).
// Setting the current name is a no-op.
//
// Returns the account as stored and the revision. Errors:
// *cabinet.InvalidError ("display_name"); cabinet.ErrNotFound for an
// unknown actor.
func (s *Service) SetDisplayName(ctx context.Context, actor cabinet.UserID, displayName string) (cabinet.User, cabinet.Revision, error) {
	name, err := cabinet.ParseName("display_name", displayName)
	if err != nil {
		return cabinet.User{}, 0, err
	}
	var u cabinet.User
	rev, err := s.update(ctx, by{user: actor}, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if u, err = requireUser(ctx, w, actor); err != nil {
			return nil, err
		}
		if u.DisplayName == name {
			return nil, nil
		}
		old := u.DisplayName
		u.DisplayName = name
		if err := w.PutUser(ctx, u); err != nil {
			return nil, err
		}
		p, err := w.PersonalTeam(ctx, actor)
		if err != nil {
			return nil, err
		}
		return []cabinet.Event{DisplayNameChanged{User: actor, OldName: old, DisplayName: name, PersonalTeam: p.ID}}, nil
	})
	if err != nil {
		return cabinet.User{}, 0, err
	}
	return u, rev, nil
}

// User returns account id to any existing account (Decision: accounts are
// the library's directory — display names and emails are how collaborators,
// advisors and clients find each other across offices and teams; IDs are
// not guessable with the default RandomIDs). Errors: cabinet.ErrNotFound for
// an unknown actor or id.
func (s *Service) User(ctx context.Context, actor cabinet.UserID, id cabinet.UserID) (cabinet.User, error) {
	var u cabinet.User
	err := s.store.ViewTeams(ctx, func(r Reader) error {
		if _, err := requireUser(ctx, r, actor); err != nil {
			return err
		}
		var err error
		u, err = requireUser(ctx, r, id)
		return err
	})
	if err != nil {
		return cabinet.User{}, err
	}
	return u, nil
}

// UserByEmail returns the account with this email, compared by
// cabinet.EmailKey. It is host-driven (a host signing someone in, or
// support): no user may probe which emails have accounts. Errors:
// *cabinet.InvalidError ("host"); cabinet.ErrNotFound when there is no
// account (a malformed email has none either).
func (s *Service) UserByEmail(ctx context.Context, host cabinet.Host, email string) (cabinet.User, error) {
	if err := host.Check(); err != nil {
		return cabinet.User{}, err
	}
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
	if err != nil {
		return cabinet.User{}, err
	}
	return u, nil
}
