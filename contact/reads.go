package contact

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// view runs fn in one ViewContacts snapshot after checking actor: every read
// of the service goes through it, and reads the other packages' facts with
// the view's transaction (r.Tx()).
func (s *Service) view(ctx context.Context, actor cabinet.UserID, fn func(r Reader) error) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.store.ViewContacts(ctx, fn)
}

// get reads one record with get and checks that actor may manage the
// contacts of its office (CanManageContacts).
func get[T any](ctx context.Context, s *Service, actor cabinet.UserID, get func(r Reader) (T, error), office func(T) cabinet.OfficeID) (T, error) {
	var out T
	err := s.view(ctx, actor, func(r Reader) error {
		v, err := get(r)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, r.Tx(), office(v), actor); err != nil {
			return err
		}
		out = v
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// list checks that actor may manage the contacts of office
// (CanManageContacts) and returns one page of list, in one view.
func list[T any](ctx context.Context, s *Service, actor cabinet.UserID, office cabinet.OfficeID, p cabinet.Page, list func(r Reader, p cabinet.Page) ([]T, cabinet.Cursor, error)) ([]T, cabinet.Cursor, error) {
	if err := checkOffice(office); err != nil {
		return nil, "", err
	}
	if _, err := p.Size(); err != nil {
		return nil, "", err
	}
	var out []T
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		if err := s.authorize(ctx, r.Tx(), office, actor); err != nil {
			return err
		}
		var err error
		out, next, err = list(r, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Contact returns contact id to a collaborator of its office
// (CanManageContacts). Errors: *cabinet.InvalidError ("actor");
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-1.
func (s *Service) Contact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, error) {
	return get(ctx, s, actor, func(r Reader) (Contact, error) { return r.Contact(ctx, id) }, func(c Contact) cabinet.OfficeID { return c.Office })
}

// Contacts lists, searches and filters the contacts of f.Office (by kind,
// status, company, linked dossier or person, text; archived ones only with
// IncludeArchived) for a collaborator of that office, one cabinet.Page at a
// time, ordered by ID, with the cursor of the next page ("" after the
// last). Errors: *cabinet.InvalidError ("actor", "office", "limit");
// *cabinet.ForbiddenError naming CON-1.
func (s *Service) Contacts(ctx context.Context, actor cabinet.UserID, f ContactFilter, p cabinet.Page) ([]Contact, cabinet.Cursor, error) {
	return list(ctx, s, actor, f.Office, p, func(r Reader, p cabinet.Page) ([]Contact, cabinet.Cursor, error) {
		return r.ListContacts(ctx, f, p)
	})
}

// CompanyFilter selects companies in Service.Companies.
type CompanyFilter struct {
	Office cabinet.OfficeID // required
}

// Company returns company id to a collaborator of its office. Errors: as
// Contact.
func (s *Service) Company(ctx context.Context, actor cabinet.UserID, id CompanyID) (Company, error) {
	return get(ctx, s, actor, func(r Reader) (Company, error) { return r.Company(ctx, id) }, func(c Company) cabinet.OfficeID { return c.Office })
}

// Companies lists the companies of f.Office for a collaborator of that
// office, one page at a time. Errors: as Contacts.
func (s *Service) Companies(ctx context.Context, actor cabinet.UserID, f CompanyFilter, p cabinet.Page) ([]Company, cabinet.Cursor, error) {
	return list(ctx, s, actor, f.Office, p, func(r Reader, p cabinet.Page) ([]Company, cabinet.Cursor, error) {
		return r.ListCompanies(ctx, f.Office, p)
	})
}

// CompanyOverview is a company's overview (CON-2, issue 12 seed 002): its
// partners, each with the projects and decisions they are on.
type CompanyOverview struct {
	Company  Company
	Partners []PartnerOverview // the company's unarchived partners, ordered by ID
}

// PartnerOverview is one partner of a company's overview.
type PartnerOverview struct {
	Partner   Contact
	Projects  []Project  // the projects listing the partner, ordered by ID
	Decisions []Decision // the decisions listing the partner, ordered by ID
}

// CompanyOverview returns company id with its unarchived partners and the
// projects and decisions each is on, read in one snapshot, to a
// collaborator of its office (CanManageContacts). Errors: as Contact.
func (s *Service) CompanyOverview(ctx context.Context, actor cabinet.UserID, id CompanyID) (CompanyOverview, error) {
	var out CompanyOverview
	err := s.view(ctx, actor, func(r Reader) error {
		co, err := r.Company(ctx, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, r.Tx(), co.Office, actor); err != nil {
			return err
		}
		partners, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Contact, cabinet.Cursor, error) {
			return r.ListContacts(ctx, ContactFilter{Office: co.Office, Kind: KindPartner, Company: id}, p)
		})
		if err != nil {
			return err
		}
		out = CompanyOverview{Company: co, Partners: make([]PartnerOverview, 0, len(partners))}
		for _, c := range partners {
			f := PartnerFilter{Office: co.Office, Partner: c.ID}
			po := PartnerOverview{Partner: c}
			if po.Projects, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Project, cabinet.Cursor, error) {
				return r.ListProjects(ctx, f, p)
			}); err != nil {
				return err
			}
			if po.Decisions, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Decision, cabinet.Cursor, error) {
				return r.ListDecisions(ctx, f, p)
			}); err != nil {
				return err
			}
			out.Partners = append(out.Partners, po)
		}
		return nil
	})
	if err != nil {
		return CompanyOverview{}, err
	}
	return out, nil
}

// Project returns project id to a collaborator of its office. Errors: as
// Contact.
func (s *Service) Project(ctx context.Context, actor cabinet.UserID, id ProjectID) (Project, error) {
	return get(ctx, s, actor, func(r Reader) (Project, error) { return r.Project(ctx, id) }, func(p Project) cabinet.OfficeID { return p.Office })
}

// Projects lists the projects of f.Office (optionally those listing
// f.Partner) for a collaborator of that office, one page at a time.
// Errors: as Contacts.
func (s *Service) Projects(ctx context.Context, actor cabinet.UserID, f PartnerFilter, p cabinet.Page) ([]Project, cabinet.Cursor, error) {
	return list(ctx, s, actor, f.Office, p, func(r Reader, p cabinet.Page) ([]Project, cabinet.Cursor, error) {
		return r.ListProjects(ctx, f, p)
	})
}

// Decision returns decision id to a collaborator of its office. Errors: as
// Contact.
func (s *Service) Decision(ctx context.Context, actor cabinet.UserID, id DecisionID) (Decision, error) {
	return get(ctx, s, actor, func(r Reader) (Decision, error) { return r.Decision(ctx, id) }, func(d Decision) cabinet.OfficeID { return d.Office })
}

// Decisions lists the decisions of f.Office (optionally those listing
// f.Partner) for a collaborator of that office, one page at a time.
// Errors: as Contacts.
func (s *Service) Decisions(ctx context.Context, actor cabinet.UserID, f PartnerFilter, p cabinet.Page) ([]Decision, cabinet.Cursor, error) {
	return list(ctx, s, actor, f.Office, p, func(r Reader, p cabinet.Page) ([]Decision, cabinet.Cursor, error) {
		return r.ListDecisions(ctx, f, p)
	})
}

// Unit returns unit id to a collaborator of its office. Errors: as Contact.
func (s *Service) Unit(ctx context.Context, actor cabinet.UserID, id UnitID) (Unit, error) {
	return get(ctx, s, actor, func(r Reader) (Unit, error) { return r.Unit(ctx, id) }, func(u Unit) cabinet.OfficeID { return u.Office })
}

// Units lists the units of f.Office (optionally by status, or those a lead
// is attached to) for a collaborator of that office, one page at a time.
// Errors: as Contacts.
func (s *Service) Units(ctx context.Context, actor cabinet.UserID, f UnitFilter, p cabinet.Page) ([]Unit, cabinet.Cursor, error) {
	return list(ctx, s, actor, f.Office, p, func(r Reader, p cabinet.Page) ([]Unit, cabinet.Cursor, error) {
		return r.ListUnits(ctx, f, p)
	})
}

// Session returns the record of session id whatever its state — for audit:
// both identities are recorded — to its actor while a collaborator of the
// office and to the office's admins (CanViewSession). Whether the session
// is usable now is ResolveSession's answer. Errors: *cabinet.InvalidError
// ("actor"); cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-6.
func (s *Service) Session(ctx context.Context, actor cabinet.UserID, id SessionID) (Session, error) {
	var out Session
	err := s.view(ctx, actor, func(r Reader) error {
		ses, err := r.Session(ctx, id)
		if err != nil {
			return err
		}
		p, err := s.profile(ctx, r.Tx(), ses.Office, actor)
		if err != nil {
			return err
		}
		if err := CanViewSession(ses, actor, p); err != nil {
			return err
		}
		out = ses
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	return out, nil
}

// Sessions lists the session records f selects in f.Office, one page at a
// time: an admin of the office lists any, another collaborator only their
// own (f.Actor set to themselves; CanListSessions). Errors:
// *cabinet.InvalidError ("actor", "office", "limit");
// *cabinet.ForbiddenError naming CON-6.
func (s *Service) Sessions(ctx context.Context, actor cabinet.UserID, f SessionFilter, p cabinet.Page) ([]Session, cabinet.Cursor, error) {
	if err := checkOffice(f.Office); err != nil {
		return nil, "", err
	}
	if _, err := p.Size(); err != nil {
		return nil, "", err
	}
	var out []Session
	var next cabinet.Cursor
	err := s.view(ctx, actor, func(r Reader) error {
		prof, err := s.profile(ctx, r.Tx(), f.Office, actor)
		if err != nil {
			return err
		}
		if err := CanListSessions(f, actor, prof); err != nil {
			return err
		}
		out, next, err = r.ListSessions(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ResolveSession returns the effective subject of session id now, by the
// service's clock: the contact's identity, carrying the actor (POL-5).
// Only the session's actor resolves it — a session ID is not a bearer
// token. The session's facts (its contact, whether its actor is still a
// collaborator of the office without interruption since the start, whether
// the contact's user has become one) are read in the same snapshot and
// decided by CanUseSession, as package policy decides them. Errors:
// *cabinet.InvalidError ("actor"); cabinet.ErrNotFound;
// *cabinet.ForbiddenError naming CON-6 (someone else's session, or the
// session has ended).
func (s *Service) ResolveSession(ctx context.Context, actor cabinet.UserID, id SessionID) (Subject, error) {
	var sub Subject
	err := s.view(ctx, actor, func(r Reader) error {
		ses, err := r.Session(ctx, id)
		if err != nil {
			return err
		}
		if ses.Actor != actor {
			return cabinet.Forbidden("CON-6", "only the collaborator who started session %s uses it", id)
		}
		c, f, err := s.sessionFacts(ctx, r, ses)
		if err != nil {
			return err
		}
		sub, err = CanUseSession(ses, c, f, s.o.Now())
		return err
	})
	if err != nil {
		return Subject{}, err
	}
	return sub, nil
}
