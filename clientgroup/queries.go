package clientgroup

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

func isNotFound(err error) bool { return errors.Is(err, cabinet.ErrNotFound) }

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// view runs fn on one consistent snapshot; every read of the service goes
// through it, and reads other packages' facts with the snapshot's
// transaction (r.Tx()).
func (s *Service) view(ctx context.Context, actor cabinet.UserID, fn func(r Reader) error) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.store.ViewClientGroups(ctx, fn)
}

// viewOffice checks that office exists and actor may see its organisation
// (CanViewOffice).
func viewOffice(ctx context.Context, r Reader, office cabinet.OfficeID, actor cabinet.UserID) error {
	if err := checkID("office", office); err != nil {
		return err
	}
	if _, err := r.Office(ctx, office); err != nil {
		return err
	}
	p, err := profileIn(ctx, r, office, actor)
	if err != nil {
		return err
	}
	return CanViewOffice(p)
}

// Office returns the office (CanViewOffice: its collaborators). Errors:
// ErrInvalid (actor); ErrNotFound; ErrForbidden (GRP-1).
func (s *Service) Office(ctx context.Context, actor cabinet.UserID, id cabinet.OfficeID) (Office, error) {
	var o Office
	err := s.view(ctx, actor, func(r Reader) error {
		if err := viewOffice(ctx, r, id, actor); err != nil {
			return err
		}
		var err error
		o, err = r.Office(ctx, id)
		return err
	})
	return o, err
}

// Offices lists the offices actor is a collaborator of, ascending by
// office ID, one cabinet.Page at a time. Anyone may call it for
// themselves. Errors: ErrInvalid (actor, limit).
func (s *Service) Offices(ctx context.Context, actor cabinet.UserID, p cabinet.Page) ([]Office, cabinet.Cursor, error) {
	var out []Office
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		cs, n, err := r.Collaborators(ctx, CollaboratorFilter{User: actor}, p)
		if err != nil {
			return err
		}
		out, next = make([]Office, 0, len(cs)), n
		for _, c := range cs {
			o, err := r.Office(ctx, c.Office)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Collaborator returns user's collaborator record in office
// (CanViewOffice). Errors: ErrInvalid (actor, office); ErrNotFound (office,
// collaborator); ErrForbidden (GRP-1).
func (s *Service) Collaborator(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID) (Collaborator, error) {
	var c Collaborator
	err := s.view(ctx, actor, func(r Reader) error {
		if err := viewOffice(ctx, r, office, actor); err != nil {
			return err
		}
		var err error
		c, err = r.Collaborator(ctx, office, user)
		return err
	})
	return c, err
}

// Collaborators lists the collaborators of f.Office (required), ordered by
// user, one cabinet.Page at a time (CanViewOffice). Errors: ErrInvalid
// (actor, office, limit); ErrNotFound (office); ErrForbidden (GRP-1).
func (s *Service) Collaborators(ctx context.Context, actor cabinet.UserID, f CollaboratorFilter, p cabinet.Page) ([]Collaborator, cabinet.Cursor, error) {
	var out []Collaborator
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		if err := viewOffice(ctx, r, f.Office, actor); err != nil {
			return err
		}
		var err error
		out, next, err = r.Collaborators(ctx, CollaboratorFilter{Office: f.Office, User: f.User}, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ClientGroup returns the client group (CanViewOffice on its office).
// Errors: ErrInvalid (actor); ErrNotFound; ErrForbidden (GRP-1).
func (s *Service) ClientGroup(ctx context.Context, actor cabinet.UserID, id cabinet.ClientGroupID) (ClientGroup, error) {
	var g ClientGroup
	err := s.view(ctx, actor, func(r Reader) error {
		var err error
		if g, err = r.ClientGroup(ctx, id); err != nil {
			return err
		}
		return viewOffice(ctx, r, g.Office, actor)
	})
	if err != nil {
		return ClientGroup{}, err
	}
	return g, nil
}

// ClientGroups lists the client groups of f.Office (required), ascending
// by ID, one cabinet.Page at a time (CanViewOffice). Errors: ErrInvalid
// (actor, office, limit); ErrNotFound (office); ErrForbidden (GRP-1).
func (s *Service) ClientGroups(ctx context.Context, actor cabinet.UserID, f ClientGroupFilter, p cabinet.Page) ([]ClientGroup, cabinet.Cursor, error) {
	var out []ClientGroup
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		if err := viewOffice(ctx, r, f.Office, actor); err != nil {
			return err
		}
		var err error
		out, next, err = r.ClientGroups(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// CollaboratorGroup returns the collaborator group (CanViewOffice on its
// office). Errors: ErrInvalid (actor); ErrNotFound; ErrForbidden (GRP-1).
func (s *Service) CollaboratorGroup(ctx context.Context, actor cabinet.UserID, id cabinet.CollaboratorGroupID) (CollaboratorGroup, error) {
	var g CollaboratorGroup
	err := s.view(ctx, actor, func(r Reader) error {
		var err error
		if g, err = r.CollaboratorGroup(ctx, id); err != nil {
			return err
		}
		return viewOffice(ctx, r, g.Office, actor)
	})
	if err != nil {
		return CollaboratorGroup{}, err
	}
	return g, nil
}

// CollaboratorGroups lists the collaborator groups of f.Office (required),
// ascending by ID, one cabinet.Page at a time (CanViewOffice). Errors: as
// ClientGroups.
func (s *Service) CollaboratorGroups(ctx context.Context, actor cabinet.UserID, f CollaboratorGroupFilter, p cabinet.Page) ([]CollaboratorGroup, cabinet.Cursor, error) {
	var out []CollaboratorGroup
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		if err := viewOffice(ctx, r, f.Office, actor); err != nil {
			return err
		}
		var err error
		out, next, err = r.CollaboratorGroups(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Members lists the members of collaborator group f.Group (required),
// ordered by user, one cabinet.Page at a time (CanViewOffice on the
// group's office). Errors: ErrInvalid (actor, group, limit); ErrNotFound
// (group); ErrForbidden (GRP-1).
func (s *Service) Members(ctx context.Context, actor cabinet.UserID, f MemberFilter, p cabinet.Page) ([]Member, cabinet.Cursor, error) {
	if err := checkID("group", f.Group); err != nil {
		return nil, "", err
	}
	var out []Member
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		g, err := r.CollaboratorGroup(ctx, f.Group)
		if err != nil {
			return err
		}
		if err := viewOffice(ctx, r, g.Office, actor); err != nil {
			return err
		}
		out, next, err = r.Members(ctx, MemberFilter{Group: f.Group, User: f.User}, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// DirectAssignments lists the collaborators directly assigned to client
// group f.ClientGroup (required), ordered by user, one cabinet.Page at a
// time (CanViewOffice). Errors: ErrInvalid (actor, client_group, limit);
// ErrNotFound (group); ErrForbidden (GRP-1).
func (s *Service) DirectAssignments(ctx context.Context, actor cabinet.UserID, f DirectAssignmentFilter, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
	if err := checkID("client_group", f.ClientGroup); err != nil {
		return nil, "", err
	}
	var out []DirectAssignment
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		g, err := r.ClientGroup(ctx, f.ClientGroup)
		if err != nil {
			return err
		}
		if err := viewOffice(ctx, r, g.Office, actor); err != nil {
			return err
		}
		out, next, err = r.DirectAssignments(ctx, DirectAssignmentFilter{ClientGroup: f.ClientGroup, User: f.User}, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// GroupAssignments lists the collaborator groups assigned to client group
// f.ClientGroup, or the client groups collaborator group
// f.CollaboratorGroup is assigned to (one of them required), one
// cabinet.Page at a time (CanViewOffice). Errors: ErrInvalid (actor,
// client_group, limit); ErrNotFound (group); ErrForbidden (GRP-1).
func (s *Service) GroupAssignments(ctx context.Context, actor cabinet.UserID, f GroupAssignmentFilter, p cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error) {
	if f.ClientGroup == "" && f.CollaboratorGroup == "" {
		return nil, "", cabinet.Invalid("client_group", "is required (or collaborator_group)")
	}
	var out []GroupAssignment
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		var office cabinet.OfficeID
		if f.ClientGroup != "" {
			g, err := r.ClientGroup(ctx, f.ClientGroup)
			if err != nil {
				return err
			}
			office = g.Office
		}
		if f.CollaboratorGroup != "" {
			g, err := r.CollaboratorGroup(ctx, f.CollaboratorGroup)
			if err != nil {
				return err
			}
			if office != "" && office != g.Office {
				return cabinet.Conflict("GRP-1", "collaborator group %s belongs to another office than client group %s", g.ID, f.ClientGroup)
			}
			office = g.Office
		}
		if err := viewOffice(ctx, r, office, actor); err != nil {
			return err
		}
		var err error
		out, next, err = r.GroupAssignments(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ClientGroupsOf returns the client groups of office user is directly
// assigned to, ascending (GRP-10, the collaborator's side; every one of
// them, a collaborator's groups being a subset of the office's). Callers:
// the office's collaborators (CanViewOffice). Errors: ErrInvalid (actor,
// office); ErrNotFound (office, or user not a collaborator); ErrForbidden
// (GRP-1).
func (s *Service) ClientGroupsOf(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID) ([]cabinet.ClientGroupID, error) {
	var out []cabinet.ClientGroupID
	err := s.view(ctx, actor, func(r Reader) error {
		out = nil
		if err := viewOffice(ctx, r, office, actor); err != nil {
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
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
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

// RouteFactsIn fills the part of RouteFacts that this package owns (profile,
// client group, memberships) for user and the dossier described by d, from
// a snapshot r, at instant now: a direct assignment expired at now
// (DirectAssignment.Expired, issue 16) is not Direct. Package policy may
// use it, or compute the same from its own index.
func RouteFactsIn(ctx context.Context, r Reader, user cabinet.UserID, d cabinet.DossierFacts, now time.Time) (RouteFacts, error) {
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
	if a, err := r.DirectAssignment(ctx, p.ClientGroup, user); err == nil {
		f.Direct = !a.Expired(now)
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
// dossier's office gets cabinet.NoRoutes and no error. Callers
// (CanViewRoutes): user themselves, or an admin of the dossier's office.
// Errors: ErrInvalid (actor); ErrNotFound (dossier); ErrForbidden (GRP-3).
func (s *Service) Routes(ctx context.Context, actor, user cabinet.UserID, dossier cabinet.DossierID) (cabinet.Routes, error) {
	var routes cabinet.Routes
	err := s.view(ctx, actor, func(r Reader) error {
		d, err := s.dossiers.DossierFacts(ctx, r.Tx(), dossier)
		if err != nil {
			return err
		}
		prof, err := profileIn(ctx, r, d.Office, actor)
		if err != nil {
			return err
		}
		if err := CanViewRoutes(actor, user, prof); err != nil {
			return err
		}
		f, err := RouteFactsIn(ctx, r, user, d, s.o.Now())
		if err != nil {
			return err
		}
		routes = InternalRoutes(user, f)
		return nil
	})
	if err != nil {
		return cabinet.NoRoutes, err
	}
	return routes, nil
}

// routesIn computes the internal routes of user to dossier in r's
// transaction at instant now, the dossier's facts read from dossiers in the
// same one.
func routesIn(ctx context.Context, r Reader, dossiers Dossiers, user cabinet.UserID, dossier cabinet.DossierID, now time.Time) (cabinet.Routes, error) {
	d, err := dossiers.DossierFacts(ctx, r.Tx(), dossier)
	if err != nil {
		return cabinet.NoRoutes, err
	}
	f, err := RouteFactsIn(ctx, r, user, d, now)
	if err != nil {
		return cabinet.NoRoutes, err
	}
	return InternalRoutes(user, f), nil
}

// ReachesDossier reports whether user reaches dossier through at least one
// internal route (GRP-3). Callers and errors: as Routes.
func (s *Service) ReachesDossier(ctx context.Context, actor, user cabinet.UserID, dossier cabinet.DossierID) (bool, error) {
	r, err := s.Routes(ctx, actor, user, dossier)
	return r.Any(), err
}

// ContactAddress returns the address used to write about dossier (GRP-7):
// its manager's email if it has a manager who is a collaborator of its
// office (GRP-11: a departed manager is released, and never used), else
// its client group's email if set, else its office's general email.
// Callers (CanReadContactAddress): whoever reaches the dossier internally
// or holds a grant on it. Errors: ErrInvalid (actor); ErrNotFound
// (dossier, its office, or the manager's account); ErrForbidden (GRP-7).
func (s *Service) ContactAddress(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID) (string, error) {
	var managerEmail, groupEmail, officeEmail string
	err := s.view(ctx, actor, func(r Reader) error {
		managerEmail, groupEmail, officeEmail = "", "", ""
		d, err := s.dossiers.DossierFacts(ctx, r.Tx(), dossier)
		if err != nil {
			return err
		}
		routes, err := routesIn(ctx, r, s.dossiers, actor, dossier, s.o.Now())
		if err != nil {
			return err
		}
		granted := false
		if !routes.Any() {
			if granted, err = s.dossiers.HoldsGrant(ctx, r.Tx(), actor, dossier); err != nil {
				return err
			}
		}
		if err := CanReadContactAddress(routes, granted); err != nil {
			return err
		}
		if d.Manager != "" {
			mp, err := profileIn(ctx, r, d.Office, d.Manager)
			if err != nil {
				return err
			}
			if mp.Valid() {
				u, err := s.users.User(ctx, r.Tx(), d.Manager)
				if err != nil {
					return err
				}
				managerEmail = u.Email
			}
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

// Dossiers lists an office's dossiers for the active-clients monitor (GRP-9,
// seed 003): filtered by client group, "in no group", status and manager,
// combinable (DossierFilter), ordered by dossier ID, one cabinet.Page at a
// time with the cursor of the rest (the last dossier ID returned). Callers
// (CanListDossiers): collaborators of the office; each sees the dossiers
// they reach (GRP-3: admins all of them; others those they manage, are
// assigned to or reach through a client group). Cost: with a client-group
// filter the group's placements are walked; otherwise the office's
// dossiers matching status and manager, skipping those the actor does not
// reach. Errors: ErrInvalid (actor; office when neither office nor group
// is given; no_group with a group; status; limit); ErrNotFound (office,
// group); ErrConflict (GRP-1: a group of another office than f.Office);
// ErrForbidden (GRP-9).
func (s *Service) Dossiers(ctx context.Context, actor cabinet.UserID, f DossierFilter, p cabinet.Page) ([]DossierEntry, cabinet.Cursor, error) {
	limit, err := p.Size()
	if err != nil {
		return nil, "", err
	}
	if f.Status != cabinet.DossierStatusInvalid && !f.Status.Valid() {
		return nil, "", cabinet.Invalid("status", "%s is not a dossier status", f.Status)
	}
	if f.ClientGroup != "" && f.NoGroup {
		return nil, "", cabinet.Invalid("no_group", "cannot be combined with a client group")
	}
	if f.ClientGroup == "" && f.Office == "" {
		return nil, "", cabinet.Invalid("office", "is required (or client_group)")
	}
	var out []DossierEntry
	var next cabinet.Cursor
	err = s.view(ctx, actor, func(r Reader) error {
		out, next = nil, ""
		office := f.Office
		if f.ClientGroup != "" {
			g, err := r.ClientGroup(ctx, f.ClientGroup)
			if err != nil {
				return err
			}
			if office != "" && office != g.Office {
				return cabinet.Conflict("GRP-1", "client group %s belongs to another office than %s", g.ID, office)
			}
			office = g.Office
		}
		if _, err := r.Office(ctx, office); err != nil {
			return err
		}
		prof, err := profileIn(ctx, r, office, actor)
		if err != nil {
			return err
		}
		if err := CanListDossiers(prof); err != nil {
			return err
		}
		source := s.officeDossiers(r, office, f)
		if f.ClientGroup != "" {
			source = s.groupDossiers(r, f.ClientGroup)
		}
		after := p.After
		for {
			page, more, err := source(ctx, after)
			if err != nil {
				return err
			}
			for _, d := range page {
				e, ok, err := s.keep(ctx, r, actor, prof, d, f)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				if len(out) == limit {
					next = cabinet.Cursor(out[len(out)-1].Dossier.ID)
					return nil
				}
				out = append(out, e)
			}
			if more == "" {
				return nil
			}
			after = more
		}
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// dossierSource returns the candidate dossiers after a cursor, ascending,
// and the cursor of the rest ("" when done).
type dossierSource func(ctx context.Context, after cabinet.Cursor) ([]cabinet.DossierFacts, cabinet.Cursor, error)

func (s *Service) officeDossiers(r Reader, office cabinet.OfficeID, f DossierFilter) dossierSource {
	return func(ctx context.Context, after cabinet.Cursor) ([]cabinet.DossierFacts, cabinet.Cursor, error) {
		return s.dossiers.Dossiers(ctx, r.Tx(), office, f.Status, f.Manager, cabinet.Page{After: after, Limit: cabinet.MaxPageSize})
	}
}

func (s *Service) groupDossiers(r Reader, group cabinet.ClientGroupID) dossierSource {
	return func(ctx context.Context, after cabinet.Cursor) ([]cabinet.DossierFacts, cabinet.Cursor, error) {
		ps, next, err := r.Placements(ctx, PlacementFilter{ClientGroup: group}, cabinet.Page{After: after, Limit: cabinet.MaxPageSize})
		if err != nil {
			return nil, "", err
		}
		out := make([]cabinet.DossierFacts, 0, len(ps))
		for _, p := range ps {
			d, err := s.dossiers.DossierFacts(ctx, r.Tx(), p.Dossier)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return nil, "", err
			}
			out = append(out, d)
		}
		return out, next, nil
	}
}

// keep applies f and the actor's reach to one candidate dossier.
func (s *Service) keep(ctx context.Context, r Reader, actor cabinet.UserID, prof cabinet.Profile, d cabinet.DossierFacts, f DossierFilter) (DossierEntry, bool, error) {
	e := DossierEntry{Dossier: d}
	if f.Status != cabinet.DossierStatusInvalid && d.Status != f.Status {
		return e, false, nil
	}
	if f.Manager != "" && d.Manager != f.Manager {
		return e, false, nil
	}
	rf, err := RouteFactsIn(ctx, r, actor, d, s.o.Now())
	if err != nil {
		return e, false, err
	}
	e.ClientGroup = rf.ClientGroup
	if f.NoGroup && e.ClientGroup != "" {
		return e, false, nil
	}
	if prof != cabinet.ProfileAdmin && !InternalRoutes(actor, rf).Any() {
		return e, false, nil
	}
	return e, true, nil
}

// DuplicateNames reports the client-group names used more than once in
// office (GRP-6), compared ignoring case and surrounding space, ordered by
// the lowest group ID of each name. Duplicates are allowed; this lint-style
// query helps keep them apart. Callers: the office's collaborators
// (CanViewOffice). Errors: ErrInvalid (actor, office); ErrNotFound
// (office); ErrForbidden (GRP-1).
func (s *Service) DuplicateNames(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID) ([]DuplicateName, error) {
	var gs []ClientGroup
	err := s.view(ctx, actor, func(r Reader) error {
		if err := viewOffice(ctx, r, office, actor); err != nil {
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
	return DuplicateNamesOf(gs), nil
}

// DuplicateNamesOf returns the names used by more than one of groups
// (GRP-6), compared ignoring case and surrounding space, each with its
// groups in the order given, in the order of their first use. It is the
// pure part of Service.DuplicateNames, for reports over records already
// read (package hygiene); it checks no permission.
func DuplicateNamesOf(groups []ClientGroup) []DuplicateName {
	idx := map[string]int{}
	var out []DuplicateName
	for _, g := range groups {
		k := strings.ToLower(strings.TrimSpace(g.Name))
		if i, ok := idx[k]; ok {
			out[i].Groups = append(out[i].Groups, g.ID)
			continue
		}
		idx[k] = len(out)
		out = append(out, DuplicateName{Name: g.Name, Groups: []cabinet.ClientGroupID{g.ID}})
	}
	return slices.DeleteFunc(out, func(d DuplicateName) bool { return len(d.Groups) < 2 })
}
