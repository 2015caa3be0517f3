package access

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// view runs fn on one consistent snapshot of the store; every read of the
// service goes through it, and reads other packages' facts with the
// snapshot's transaction (r.Tx()).
func (s *Service) view(ctx context.Context, fn func(r Reader) error) error {
	return s.store.ViewAccess(ctx, fn)
}

// dossierFor reads dossier id and actor's facts on it, with routes.
func (s *Service) dossierFor(ctx context.Context, r Reader, id cabinet.DossierID, actor cabinet.UserID) (Dossier, Actor, error) {
	d, err := r.Dossier(ctx, id)
	if err != nil {
		return d, Actor{}, err
	}
	a, err := s.actorOn(ctx, r, d, actor, routesToView)
	return d, a, err
}

func requireDossier(id cabinet.DossierID) error {
	if id == "" {
		return cabinet.Invalid("dossier", "is required")
	}
	return nil
}

// Dossier returns dossier id as actor may see it (CanViewDossier:
// collaborators with an internal route, GRP-3, and grantees, ACC-4;
// archived dossiers included, ACC-12). Errors: ErrInvalid (actor);
// ErrNotFound; ErrForbidden (POL-1).
func (s *Service) Dossier(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID) (Dossier, error) {
	if err := checkActor(actor); err != nil {
		return Dossier{}, err
	}
	var out Dossier
	err := s.view(ctx, func(r Reader) error {
		d, a, err := s.dossierFor(ctx, r, id, actor)
		if err != nil {
			return err
		}
		if err := s.refused(ctx, r, d, actor, CanViewDossier(d, a)); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return Dossier{}, err
	}
	return out, nil
}

// Person returns person id of a family tree (CanViewDossier on its
// dossier: the family structure is viewed by everyone who views the
// dossier). Errors: ErrInvalid (actor); ErrNotFound; ErrForbidden (POL-1).
func (s *Service) Person(ctx context.Context, actor cabinet.UserID, id PersonID) (Person, error) {
	if err := checkActor(actor); err != nil {
		return Person{}, err
	}
	var out Person
	err := s.view(ctx, func(r Reader) error {
		p, err := r.Person(ctx, id)
		if err != nil {
			return err
		}
		d, a, err := s.dossierFor(ctx, r, p.Dossier, actor)
		if err != nil {
			return err
		}
		if err := s.refused(ctx, r, d, actor, CanViewDossier(d, a)); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return Person{}, err
	}
	return out, nil
}

// Persons lists the family tree of f.Dossier (required), ascending by
// person ID, one cabinet.Page at a time (CanViewDossier). Errors:
// ErrInvalid (actor, dossier, limit); ErrNotFound (dossier); ErrForbidden
// (POL-1).
func (s *Service) Persons(ctx context.Context, actor cabinet.UserID, f PersonFilter, p cabinet.Page) ([]Person, cabinet.Cursor, error) {
	if err := checkActor(actor); err != nil {
		return nil, "", err
	}
	if err := requireDossier(f.Dossier); err != nil {
		return nil, "", err
	}
	var out []Person
	var next cabinet.Cursor
	err := s.view(ctx, func(r Reader) error {
		d, a, err := s.dossierFor(ctx, r, f.Dossier, actor)
		if err != nil {
			return err
		}
		if err := s.refused(ctx, r, d, actor, CanViewDossier(d, a)); err != nil {
			return err
		}
		out, next, err = r.Persons(ctx, PersonFilter{Dossier: d.ID}, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// PersonsWithAccess lists the family tree of f.Dossier (required) with
// each person's grant and its state — the persons' half of the "Droits
// d'accès" tab (seed 001) — ascending by person ID, one cabinet.Page at a
// time. Only collaborators with an internal route and granted central
// persons may read it (CanViewAccessRights): it shows others' emails and
// phones. Errors: ErrInvalid (actor, dossier, limit); ErrNotFound;
// ErrForbidden (ACC-7, POL-1).
func (s *Service) PersonsWithAccess(ctx context.Context, actor cabinet.UserID, f PersonFilter, p cabinet.Page) ([]PersonAccess, cabinet.Cursor, error) {
	if err := checkActor(actor); err != nil {
		return nil, "", err
	}
	if err := requireDossier(f.Dossier); err != nil {
		return nil, "", err
	}
	var out []PersonAccess
	var next cabinet.Cursor
	err := s.view(ctx, func(r Reader) error {
		d, a, err := s.dossierFor(ctx, r, f.Dossier, actor)
		if err != nil {
			return err
		}
		if err := CanViewAccessRights(d, a); err != nil {
			return err
		}
		persons, n, err := r.Persons(ctx, PersonFilter{Dossier: d.ID}, p)
		if err != nil {
			return err
		}
		out, next = make([]PersonAccess, 0, len(persons)), n
		for _, person := range persons {
			g, err := grantOf(ctx, r, person.ID)
			if err != nil {
				return err
			}
			out = append(out, PersonAccess{Person: person, State: stateOf(g), Grant: g})
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// AdvisorsWithAccess lists the external advisors registered in f.Dossier
// (required) with their grant and its state — the advisors' half of the
// "Droits d'accès" tab — ascending by advisor ID, one cabinet.Page at a
// time (CanViewAccessRights). Errors: as PersonsWithAccess.
func (s *Service) AdvisorsWithAccess(ctx context.Context, actor cabinet.UserID, f AdvisorFilter, p cabinet.Page) ([]AdvisorAccess, cabinet.Cursor, error) {
	if err := checkActor(actor); err != nil {
		return nil, "", err
	}
	if err := requireDossier(f.Dossier); err != nil {
		return nil, "", err
	}
	var out []AdvisorAccess
	var next cabinet.Cursor
	err := s.view(ctx, func(r Reader) error {
		d, a, err := s.dossierFor(ctx, r, f.Dossier, actor)
		if err != nil {
			return err
		}
		if err := CanViewAccessRights(d, a); err != nil {
			return err
		}
		advisors, n, err := r.Advisors(ctx, AdvisorFilter{Dossier: d.ID}, p)
		if err != nil {
			return err
		}
		out, next = make([]AdvisorAccess, 0, len(advisors)), n
		for _, adv := range advisors {
			g, err := grantOfAdvisor(ctx, r, adv.ID)
			if err != nil {
				return err
			}
			out = append(out, AdvisorAccess{Advisor: adv, State: stateOf(g), Grant: g})
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

func stateOf(g Grant) AccessState {
	if g.ID == "" {
		return AccessNone
	}
	return g.State()
}

// Advisor returns registered advisor id (CanViewAccessRights on its
// dossier: an advisor's email and phone are personal data). Errors:
// ErrInvalid (actor); ErrNotFound; ErrForbidden (ACC-7, POL-1).
func (s *Service) Advisor(ctx context.Context, actor cabinet.UserID, id AdvisorID) (Advisor, error) {
	if err := checkActor(actor); err != nil {
		return Advisor{}, err
	}
	var out Advisor
	err := s.view(ctx, func(r Reader) error {
		adv, err := r.Advisor(ctx, id)
		if err != nil {
			return err
		}
		d, a, err := s.dossierFor(ctx, r, adv.Dossier, actor)
		if err != nil {
			return err
		}
		if err := CanViewAccessRights(d, a); err != nil {
			return err
		}
		out = adv
		return nil
	})
	if err != nil {
		return Advisor{}, err
	}
	return out, nil
}

// Grant returns grant id (CanViewGrant: the access-rights readers, and the
// grantee whose grant it is). Errors: ErrInvalid (actor); ErrNotFound;
// ErrForbidden (ACC-7, POL-1).
func (s *Service) Grant(ctx context.Context, actor cabinet.UserID, id GrantID) (Grant, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, err
	}
	var out Grant
	err := s.view(ctx, func(r Reader) error {
		g, err := r.Grant(ctx, id)
		if err != nil {
			return err
		}
		d, a, err := s.dossierFor(ctx, r, g.Dossier, actor)
		if err != nil {
			return err
		}
		if err := CanViewGrant(d, a, g); err != nil {
			return err
		}
		out = g
		return nil
	})
	if err != nil {
		return Grant{}, err
	}
	return out, nil
}
