package clientgroup

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
)

func isNotFound(err error) bool { return errors.Is(err, cabinet.ErrNotFound) }

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// View runs fn on a consistent snapshot of the store, for callers (a read
// model, an admin screen) that need the raw records. fn must not keep r.
func (s *Service) View(ctx context.Context, fn func(r Reader) error) error {
	return s.store.ViewClientGroups(ctx, fn)
}

// Office returns the office. Errors: ErrNotFound.
func (s *Service) Office(ctx context.Context, id cabinet.OfficeID) (Office, error) {
	var o Office
	err := s.store.ViewClientGroups(ctx, func(r Reader) (err error) {
		o, err = r.Office(ctx, id)
		return err
	})
	return o, err
}

// ClientGroup returns the client group. Errors: ErrNotFound.
func (s *Service) ClientGroup(ctx context.Context, id cabinet.ClientGroupID) (ClientGroup, error) {
	var g ClientGroup
	err := s.store.ViewClientGroups(ctx, func(r Reader) (err error) {
		g, err = r.ClientGroup(ctx, id)
		return err
	})
	return g, err
}

// CollaboratorGroup returns the collaborator group. Errors: ErrNotFound.
func (s *Service) CollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) (CollaboratorGroup, error) {
	var g CollaboratorGroup
	err := s.store.ViewClientGroups(ctx, func(r Reader) (err error) {
		g, err = r.CollaboratorGroup(ctx, id)
		return err
	})
	return g, err
}

// Profile returns user's profile in office. Anyone may ask. Errors:
// ErrNotFound when the office is unknown or user is not one of its
// collaborators.
func (s *Service) Profile(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	var p cabinet.Profile
	err := s.store.ViewClientGroups(ctx, func(r Reader) (err error) {
		p, err = profileOf(ctx, r, office, user)
		return err
	})
	return p, err
}

// profileOf returns user's profile in office; ErrNotFound when the office
// is unknown or user is not one of its collaborators.
func profileOf(ctx context.Context, r Reader, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	if _, err := r.Office(ctx, office); err != nil {
		return cabinet.ProfileInvalid, err
	}
	c, err := r.Collaborator(ctx, office, user)
	if err != nil {
		return cabinet.ProfileInvalid, err
	}
	return c.Profile, nil
}

// ClientGroupsOf returns the client groups of office user is directly
// assigned to, ascending (GRP-10, the collaborator's side). Errors:
// ErrNotFound (office, or user not a collaborator).
func (s *Service) ClientGroupsOf(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) ([]cabinet.ClientGroupID, error) {
	var out []cabinet.ClientGroupID
	err := s.store.ViewClientGroups(ctx, func(r Reader) error {
		if _, err := r.Office(ctx, office); err != nil {
			return err
		}
		if _, err := r.Collaborator(ctx, office, user); err != nil {
			return err
		}
		das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
			return r.DirectAssignments(ctx, DirectAssignmentFilter{User: user}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range das {
			if a.Office == office {
				out = append(out, a.ClientGroup)
			}
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// RouteFactsIn fills the part of RouteFacts that this package owns (profile,
// client group, memberships) for user and the dossier described by d, from
// a snapshot r. Package policy may use it, or compute the same from its own
// index.
func RouteFactsIn(ctx context.Context, r Reader, user cabinet.UserID, d cabinet.DossierFacts) (RouteFacts, error) {
	f := RouteFacts{Dossier: d}
	var err error
	if f.Profile, err = profileIn(ctx, r, d.Office, user); err != nil {
		return f, err
	}
	p, err := r.Placement(ctx, d.ID)
	if err != nil {
		if isNotFound(err) {
			return f, nil
		}
		return f, err
	}
	if p.Office != d.Office {
		return f, nil
	}
	f.ClientGroup = p.ClientGroup
	if _, err := r.DirectAssignment(ctx, p.ClientGroup, user); err == nil {
		f.Direct = true
	} else if !isNotFound(err) {
		return f, err
	}
	gas, err := cabinet.All(ctx, func(ctx context.Context, pg cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error) {
		return r.GroupAssignments(ctx, GroupAssignmentFilter{ClientGroup: p.ClientGroup}, pg)
	})
	if err != nil {
		return f, err
	}
	for _, a := range gas {
		if _, err := r.Member(ctx, a.CollaboratorGroup, user); err == nil {
			f.ThroughCollaboratorGroup = true
			break
		} else if !isNotFound(err) {
			return f, err
		}
	}
	return f, nil
}

// Routes returns the internal routes by which user reaches dossier (GRP-2,
// GRP-3, GRP-11): the dossier's facts come from Dossiers, the rest from the
// store, and InternalRoutes decides. A user who is not a collaborator of the
// dossier's office gets cabinet.NoRoutes and no error. Errors: ErrNotFound (dossier).
func (s *Service) Routes(ctx context.Context, user cabinet.UserID, dossier cabinet.DossierID) (cabinet.Routes, error) {
	var routes cabinet.Routes
	err := s.store.ViewClientGroups(ctx, func(r Reader) (err error) {
		routes, err = routesIn(ctx, r, s.dossiers, user, dossier)
		return err
	})
	return routes, err
}

// routesIn computes the internal routes of user to dossier in r's
// transaction, the dossier's facts read from dossiers in the same one.
func routesIn(ctx context.Context, r Reader, dossiers Dossiers, user cabinet.UserID, dossier cabinet.DossierID) (cabinet.Routes, error) {
	d, err := dossiers.DossierFacts(ctx, r.Tx(), dossier)
	if err != nil {
		return cabinet.NoRoutes, err
	}
	f, err := RouteFactsIn(ctx, r, user, d)
	if err != nil {
		return cabinet.NoRoutes, err
	}
	return InternalRoutes(user, f), nil
}

// ReachesDossier reports whether user reaches dossier through at least one
// internal route (GRP-3). Errors: ErrNotFound (dossier).
func (s *Service) ReachesDossier(ctx context.Context, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	r, err := s.Routes(ctx, user, dossier)
	return r.Any(), err
}

// ContactAddress returns the address used to write about dossier (GRP-7):
// its manager's email if it has a manager, else its client group's email if
// set, else its office's general email. Errors: ErrNotFound (dossier, its
// office, or the manager's account).
func (s *Service) ContactAddress(ctx context.Context, dossier cabinet.DossierID) (string, error) {
	var managerEmail, groupEmail, officeEmail string
	err := s.store.ViewClientGroups(ctx, func(r Reader) error {
		d, err := s.dossiers.DossierFacts(ctx, r.Tx(), dossier)
		if err != nil {
			return err
		}
		if d.Manager != "" {
			u, err := s.users.User(ctx, r.Tx(), d.Manager)
			if err != nil {
				return err
			}
			managerEmail = u.Email
		}
		o, err := r.Office(ctx, d.Office)
		if err != nil {
			return err
		}
		officeEmail = o.Email
		p, err := r.Placement(ctx, d.ID)
		if isNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		g, err := r.ClientGroup(ctx, p.ClientGroup)
		if err != nil {
			return err
		}
		groupEmail = g.Email
		return nil
	})
	if err != nil {
		return "", err
	}
	return ContactAddress(managerEmail, groupEmail, officeEmail), nil
}

// ListDossiers lists the dossiers of f.ClientGroup matching f's status and
// manager filters (GRP-9), ordered by dossier ID, one cabinet.Page at a
// time, with the cursor of the next page ("" when none). Filters
// are applied on the facts Dossiers returns; a placed dossier that Dossiers
// no longer knows is skipped. Decision: reads are not gated here (package
// policy gates them). Errors: ErrInvalid (client_group, status), ErrNotFound
// (group).
func (s *Service) ListDossiers(ctx context.Context, f DossierFilter, p cabinet.Page) ([]cabinet.DossierFacts, cabinet.Cursor, error) {
	limit, err := p.Size()
	if err != nil {
		return nil, "", err
	}
	var out []cabinet.DossierFacts
	var next cabinet.Cursor
	err = s.store.ViewClientGroups(ctx, func(r Reader) error {
		out, next = nil, ""
		ids, err := placedDossiers(ctx, r, f)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if p.After != "" && string(id) <= string(p.After) {
				continue
			}
			d, ok, err := s.matchDossier(ctx, r, id, f)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if len(out) == limit {
				// one more match exists: the page is full and there is a next one.
				next = cabinet.Cursor(out[len(out)-1].ID)
				return nil
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Dossiers streams what ListDossiers lists, in the same order (GRP-9), page
// by page. The sequence stops after yielding an error.
func (s *Service) Dossiers(ctx context.Context, f DossierFilter) iter.Seq2[cabinet.DossierFacts, error] {
	return cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]cabinet.DossierFacts, cabinet.Cursor, error) {
		return s.ListDossiers(ctx, f, p)
	})
}

func placedDossiers(ctx context.Context, r Reader, f DossierFilter) ([]cabinet.DossierID, error) {
	if f.ClientGroup == "" {
		return nil, cabinet.Invalid("client_group", "is required")
	}
	if f.Status != cabinet.DossierStatusInvalid && !f.Status.Valid() {
		return nil, cabinet.Invalid("status", "%s is not a dossier status", f.Status)
	}
	if _, err := r.ClientGroup(ctx, f.ClientGroup); err != nil {
		return nil, err
	}
	ps, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Placement, cabinet.Cursor, error) {
		return r.Placements(ctx, PlacementFilter{ClientGroup: f.ClientGroup}, p)
	})
	if err != nil {
		return nil, err
	}
	ids := make([]cabinet.DossierID, len(ps))
	for i, p := range ps {
		ids[i] = p.Dossier
	}
	return ids, nil
}

func (s *Service) matchDossier(ctx context.Context, r Reader, id cabinet.DossierID, f DossierFilter) (cabinet.DossierFacts, bool, error) {
	d, err := s.dossiers.DossierFacts(ctx, r.Tx(), id)
	if isNotFound(err) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	if f.Status != cabinet.DossierStatusInvalid && d.Status != f.Status {
		return d, false, nil
	}
	if f.Manager != "" && d.Manager != f.Manager {
		return d, false, nil
	}
	return d, true, nil
}

// DuplicateNames reports the client-group names used more than once in
// office (GRP-6), compared ignoring case and surrounding space, ordered by
// the lowest group ID of each name. Duplicates are allowed; this lint-style
// query helps keep them apart. Errors: ErrNotFound (office).
func (s *Service) DuplicateNames(ctx context.Context, office cabinet.OfficeID) ([]DuplicateName, error) {
	var gs []ClientGroup
	err := s.store.ViewClientGroups(ctx, func(r Reader) error {
		if _, err := r.Office(ctx, office); err != nil {
			return err
		}
		var err error
		gs, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]ClientGroup, cabinet.Cursor, error) {
			return r.ClientGroups(ctx, ClientGroupFilter{Office: office}, p)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	var out []DuplicateName
	for _, g := range gs { // ascending ID
		k := strings.ToLower(strings.TrimSpace(g.Name))
		if i, ok := idx[k]; ok {
			out[i].Groups = append(out[i].Groups, g.ID)
			continue
		}
		idx[k] = len(out)
		out = append(out, DuplicateName{Name: g.Name, Groups: []cabinet.ClientGroupID{g.ID}})
	}
	return slices.DeleteFunc(out, func(d DuplicateName) bool { return len(d.Groups) < 2 }), nil
}
