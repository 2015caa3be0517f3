package contact

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Directory tells whether a user is a collaborator of an office and with
// which profile, as seen by a transaction of the store (clientgroup.Facts
// implements it). Profile returns an error
// wrapping cabinet.ErrNotFound when the office is unknown or the user is not
// one of its collaborators.
type Directory interface {
	Profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error)
}

// Accounts tells whether an email has an account, as seen by a transaction
// of the store (team.Facts implements it). UserByEmail returns an error wrapping cabinet.ErrNotFound when there is
// none.
type Accounts interface {
	UserByEmail(ctx context.Context, tx cabinet.Tx, email string) (cabinet.User, error)
}

// Service applies the contact commands. Create it with NewService; it is safe
// for concurrent use if its Store, Directory and Accounts are.
type Service struct {
	store    Store
	dir      Directory
	accounts Accounts
	o        cabinet.Options
}

var _ cabinet.AccountListener = (*Service)(nil)

// NewService returns a service keeping its records in store, learning who
// the office's collaborators are from dir and whether an email has an
// account from accounts. Options: cabinet.WithClock, WithIDs, WithEvents.
func NewService(store Store, dir Directory, accounts Accounts, opts ...cabinet.Option) *Service {
	return &Service{store: store, dir: dir, accounts: accounts, o: cabinet.NewOptions(opts...)}
}

// profile returns user's profile in office as seen by tx,
// cabinet.ProfileInvalid when the user is not a collaborator.
func (s *Service) profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	if user == "" {
		return cabinet.ProfileInvalid, nil
	}
	p, err := s.dir.Profile(ctx, tx, office, user)
	if errors.Is(err, cabinet.ErrNotFound) {
		return cabinet.ProfileInvalid, nil
	}
	if err != nil {
		return cabinet.ProfileInvalid, err
	}
	return p, nil
}

// authorize checks, as seen by tx, that actor may manage the contacts of
// office (RuleManage).
func (s *Service) authorize(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, actor cabinet.UserID) error {
	p, err := s.profile(ctx, tx, office, actor)
	if err != nil {
		return err
	}
	return CanManageContacts(p)
}

// update runs fn in one transaction and publishes the events it collected
// after the commit.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, fn func(w Writer, emit func(...cabinet.Event)) error) error {
	var events []cabinet.Event
	rev, err := s.store.UpdateContacts(ctx, func(w Writer) error {
		events = events[:0]
		return fn(w, func(e ...cabinet.Event) { events = append(events, e...) })
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

// officeOf reads the office of a record through get, in a snapshot.
func officeOf[T any](ctx context.Context, s *Service, get func(r Reader) (T, error), office func(T) cabinet.OfficeID) (cabinet.OfficeID, error) {
	var o cabinet.OfficeID
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		v, err := get(r)
		if err != nil {
			return err
		}
		o = office(v)
		return nil
	})
	return o, err
}

func checkActor(actor cabinet.UserID) error {
	if actor == "" {
		return cabinet.Invalid("actor", "is required")
	}
	return nil
}

func checkOffice(office cabinet.OfficeID) error {
	if strings.TrimSpace(string(office)) == "" {
		return cabinet.Invalid("office", "is required")
	}
	return nil
}

// newCompanyID draws the ID of the company f creates, if it creates one.
func (s *Service) newCompanyID(f Fields) CompanyID {
	if f.Company == "" && f.NewCompany != "" {
		return cabinet.NewID[CompanyID](s.o.IDs, "company")
	}
	return ""
}

// companyFor resolves the company a partner's fields name: an existing one
// of office, or a new one created in the transaction. It returns the
// company ID ("" for none). newID is the ID a new company takes, drawn
// before the transaction so that a re-run draws no other.
func (s *Service) companyFor(ctx context.Context, w Writer, office cabinet.OfficeID, f Fields, newID CompanyID, now time.Time, emit func(...cabinet.Event)) (CompanyID, error) {
	switch {
	case f.Company != "":
		co, err := w.Company(ctx, f.Company)
		if err != nil {
			return "", err
		}
		if co.Office != office {
			return "", cabinet.NotFound("company", f.Company)
		}
		return co.ID, nil
	case f.NewCompany != "":
		co := Company{ID: newID, Office: office, Name: f.NewCompany, CreatedAt: now}
		if err := w.PutCompany(ctx, co); err != nil {
			return "", err
		}
		emit(CompanyCreated{Office: office, Company: co.ID, Name: co.Name})
		return co.ID, nil
	}
	return "", nil
}

// CreateContact adds a contact of kind k to office (CON-1 client, CON-2
// partner, CON-3 lead) with status added. Any collaborator of the office may
// call it. A partner may name an existing company of the office or a new
// company created on the spot. Errors: *cabinet.InvalidError (actor, office,
// kind, first_name, last_name, email, company, new_company);
// *cabinet.ForbiddenError naming CON-1 when actor is not a collaborator of
// office; cabinet.ErrNotFound for an unknown company; *cabinet.ConflictError
// naming CON-7 and the existing contact when the email is taken in the
// office.
func (s *Service) CreateContact(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, k Kind, f Fields) (Contact, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, err
	}
	if err := checkOffice(office); err != nil {
		return Contact{}, err
	}
	f, err := ValidateFields(k, f)
	if err != nil {
		return Contact{}, err
	}
	id := cabinet.NewID[cabinet.ContactID](s.o.IDs, "contact")
	newCompany := s.newCompanyID(f)
	var out Contact
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		now := s.o.Now()
		if err := uniqueEmail(ctx, w, office, f.Email, ""); err != nil {
			return err
		}
		company, err := s.companyFor(ctx, w, office, f, newCompany, now, emit)
		if err != nil {
			return err
		}
		c := Contact{
			ID: id, Office: office, Kind: k, Status: StatusAdded,
			FirstName: f.FirstName, LastName: f.LastName, Email: f.Email, Company: company,
			CreatedAt: now, UpdatedAt: now,
		}
		if err := w.PutContact(ctx, c); err != nil {
			return err
		}
		emit(ContactCreated{Office: office, Contact: c.ID, Kind: c.Kind, Status: c.Status,
			FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Company: c.Company})
		if company != "" {
			emit(PartnerAttached{Office: office, Company: company, Contact: c.ID})
		}
		out = c
		return nil
	})
	return out, err
}

// uniqueEmail checks CON-7 in the service (the store checks it again).
func uniqueEmail(ctx context.Context, r Reader, office cabinet.OfficeID, email string, self cabinet.ContactID) error {
	if email == "" {
		return nil
	}
	other, err := r.ContactByEmail(ctx, office, email)
	switch {
	case errors.Is(err, cabinet.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID == self:
		return nil
	}
	return cabinet.Conflict("CON-7", "email %s is already used by contact %s (%s)", email, other.ID, other.Name())
}

// EditContact replaces the details of contact id with f (validated for the
// contact's kind; the kind itself never changes here, see SetUnitStatus for
// CON-5). Any collaborator of the contact's office may call it. A partner
// may move to another company, a new one, or none. Errors: as CreateContact,
// plus cabinet.ErrNotFound for an unknown contact and a
// *cabinet.ConflictError when the contact is archived.
func (s *Service) EditContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID, f Fields) (Contact, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, err
	}
	var kind Kind
	var office cabinet.OfficeID
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		c, err := r.Contact(ctx, id)
		kind, office = c.Kind, c.Office
		return err
	})
	if err != nil {
		return Contact{}, err
	}
	if f, err = ValidateFields(kind, f); err != nil {
		return Contact{}, err
	}
	newCompany := s.newCompanyID(f)
	var out Contact
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		now := s.o.Now()
		c, err := w.Contact(ctx, id)
		if err != nil {
			return err
		}
		if c.Kind != kind {
			return cabinet.Conflict("", "contact %s changed kind concurrently", id)
		}
		if c.Archived {
			return cabinet.Conflict("", "contact %s is archived", id)
		}
		if err := uniqueEmail(ctx, w, c.Office, f.Email, c.ID); err != nil {
			return err
		}
		company, err := s.companyFor(ctx, w, c.Office, f, newCompany, now, emit)
		if err != nil {
			return err
		}
		prev := c.Company
		c.FirstName, c.LastName, c.Email, c.Company, c.UpdatedAt = f.FirstName, f.LastName, f.Email, company, now
		if err := w.PutContact(ctx, c); err != nil {
			return err
		}
		emit(ContactEdited{Office: c.Office, Contact: c.ID, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Company: c.Company})
		switch {
		case company != prev && company != "":
			emit(PartnerAttached{Office: c.Office, Company: company, Contact: c.ID, Previous: prev})
		case company != prev:
			emit(PartnerDetached{Office: c.Office, Company: prev, Contact: c.ID})
		}
		out = c
		return nil
	})
	return out, err
}

// ArchiveContact archives contact id: it leaves default listings, cannot be
// invited, attached or impersonated, and running sessions impersonating it
// end. Its email stays reserved (CON-7). Any collaborator of the office may
// call it. Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError naming
// CON-1; *cabinet.ConflictError when already archived.
func (s *Service) ArchiveContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, err
	}
	office, err := officeOf(ctx, s, func(r Reader) (Contact, error) { return r.Contact(ctx, id) }, func(c Contact) cabinet.OfficeID { return c.Office })
	if err != nil {
		return Contact{}, err
	}
	var out Contact
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		now := s.o.Now()
		c, err := w.Contact(ctx, id)
		if err != nil {
			return err
		}
		if c.Archived {
			return cabinet.Conflict("", "contact %s is already archived", id)
		}
		c.Archived, c.UpdatedAt = true, now
		if err := w.PutContact(ctx, c); err != nil {
			return err
		}
		emit(ContactArchived{Office: c.Office, Contact: c.ID})
		if err := endSessions(ctx, w, SessionFilter{Contact: c.ID}, now, "contact_archived", emit); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// InviteContact invites client or partner id to the platform (CON-1): added
// → invited, and a ContactInvited event for the host to send. Inviting an
// invited contact re-sends (Resent). When the email already has an account,
// the contact is linked to it and becomes active at once (ContactActivated
// follows). Any collaborator of the office may call it. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-1 (not a
// collaborator) or CON-3 (a lead); *cabinet.ConflictError naming CON-1
// (active or archived); *cabinet.InvalidError for "email" (a converted lead
// without email).
func (s *Service) InviteContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, err
	}
	var out Contact
	err := s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		now := s.o.Now()
		c, err := w.Contact(ctx, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, w.Tx(), c.Office, actor); err != nil {
			return err
		}
		if err := CanInvite(c); err != nil {
			return err
		}
		var user cabinet.User
		if u, err := s.accounts.UserByEmail(ctx, w.Tx(), c.Email); err == nil {
			user = u
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return err
		}
		resent := c.Status == StatusInvited
		c.Status, c.InvitedAt, c.UpdatedAt = StatusInvited, now, now
		emit(ContactInvited{Office: c.Office, Contact: c.ID, Kind: c.Kind, Email: c.Email, Resent: resent})
		if user.ID != "" {
			c.Status, c.User = StatusActive, user.ID
			emit(ContactActivated{Office: c.Office, Contact: c.ID, User: user.ID})
		}
		if err := w.PutContact(ctx, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// AccountCreated implements cabinet.AccountListener, inside the
// transaction tx that creates account u: every invited, not archived client
// or partner whose email matches u's (case-insensitive, in any office)
// becomes active and linked to u.ID (CON-1), with a ContactActivated event
// each, returned for the account's batch. Added contacts are left alone
// (they were not invited). Idempotent: contacts already linked are skipped,
// and a second call changes nothing. Errors: *cabinet.InvalidError for
// "user", "email" or "tx"; store errors.
func (s *Service) AccountCreated(ctx context.Context, tx cabinet.Tx, u cabinet.User) ([]cabinet.Event, error) {
	if u.ID == "" {
		return nil, cabinet.Invalid("user", "is required")
	}
	if strings.TrimSpace(u.Email) == "" {
		return nil, cabinet.Invalid("email", "is required")
	}
	w, err := s.store.ContactWriter(tx)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	cs, err := w.ContactsByEmail(ctx, u.Email)
	if err != nil {
		return nil, err
	}
	var events []cabinet.Event
	for _, c := range cs {
		if c.Archived || c.Status != StatusInvited || c.Kind == KindLead {
			continue
		}
		c.Status, c.User, c.UpdatedAt = StatusActive, u.ID, now
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		events = append(events, ContactActivated{Office: c.Office, Contact: c.ID, User: u.ID})
	}
	return events, nil
}

// Contact returns contact id to a collaborator of its office. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-1.
func (s *Service) Contact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, error) {
	var c Contact
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		var err error
		if c, err = r.Contact(ctx, id); err != nil {
			return err
		}
		return s.authorize(ctx, r.Tx(), c.Office, actor)
	})
	if err != nil {
		return Contact{}, err
	}
	return c, nil
}

// ListContacts lists, searches and filters the contacts of f.Office (by
// kind, status, company, text) for a collaborator of that office, one page
// at a time (see Reader). Errors: *cabinet.InvalidError for "office";
// *cabinet.ForbiddenError naming CON-1.
func (s *Service) ListContacts(ctx context.Context, actor cabinet.UserID, f ContactFilter, p cabinet.Page) ([]Contact, cabinet.Cursor, error) {
	if err := checkOffice(f.Office); err != nil {
		return nil, "", err
	}
	var out []Contact
	var next cabinet.Cursor
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		if err := s.authorize(ctx, r.Tx(), f.Office, actor); err != nil {
			return err
		}
		var err error
		out, next, err = r.ListContacts(ctx, f, p)
		return err
	})
	return out, next, err
}

// CreateCompany creates a company in office (CON-2). Any collaborator of the
// office may call it. Errors: *cabinet.InvalidError ("office", "name");
// *cabinet.ForbiddenError naming CON-1.
func (s *Service) CreateCompany(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Company, error) {
	var out Company
	id := cabinet.NewID[CompanyID](s.o.IDs, "company")
	err := s.createNamed(ctx, actor, office, name, func(w Writer, name string, now time.Time, emit func(...cabinet.Event)) error {
		co := Company{ID: id, Office: office, Name: name, CreatedAt: now}
		emit(CompanyCreated{Office: office, Company: co.ID, Name: name})
		out = co
		return w.PutCompany(ctx, co)
	})
	return out, err
}

// CompanyPartners returns company id and the unarchived partners it lists
// (CON-2), ordered by ID, to a collaborator of its office. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-1.
func (s *Service) CompanyPartners(ctx context.Context, actor cabinet.UserID, id CompanyID) (Company, []Contact, error) {
	var co Company
	var partners []Contact
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		var err error
		if co, err = r.Company(ctx, id); err != nil {
			return err
		}
		if err := s.authorize(ctx, r.Tx(), co.Office, actor); err != nil {
			return err
		}
		partners, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Contact, cabinet.Cursor, error) {
			return r.ListContacts(ctx, ContactFilter{Office: co.Office, Kind: KindPartner, Company: id}, p)
		})
		return err
	})
	if err != nil {
		return Company{}, nil, err
	}
	return co, partners, nil
}

// createNamed validates actor, office and name, authorizes, and runs put in
// a transaction.
func (s *Service) createNamed(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string, put func(w Writer, name string, now time.Time, emit func(...cabinet.Event)) error) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkOffice(office); err != nil {
		return err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return err
	}
	return s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		return put(w, name, s.o.Now(), emit)
	})
}

// CreateProject creates a project in office. Any collaborator of the office
// may call it. Errors: *cabinet.InvalidError ("office", "name");
// *cabinet.ForbiddenError naming CON-1.
func (s *Service) CreateProject(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Project, error) {
	var out Project
	id := cabinet.NewID[ProjectID](s.o.IDs, "project")
	err := s.createNamed(ctx, actor, office, name, func(w Writer, name string, now time.Time, emit func(...cabinet.Event)) error {
		out = Project{ID: id, Office: office, Name: name, CreatedAt: now}
		emit(ProjectCreated{Office: office, Project: out.ID, Name: name})
		return w.PutProject(ctx, out)
	})
	return out, err
}

// CreateDecision creates a decision in office. Any collaborator of the
// office may call it. Errors: *cabinet.InvalidError ("office", "name" for
// the title); *cabinet.ForbiddenError naming CON-1.
func (s *Service) CreateDecision(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, title string) (Decision, error) {
	var out Decision
	id := cabinet.NewID[DecisionID](s.o.IDs, "decision")
	err := s.createNamed(ctx, actor, office, title, func(w Writer, title string, now time.Time, emit func(...cabinet.Event)) error {
		out = Decision{ID: id, Office: office, Title: title, CreatedAt: now}
		emit(DecisionCreated{Office: office, Decision: out.ID, Title: title})
		return w.PutDecision(ctx, out)
	})
	return out, err
}

// CreateUnit creates an available property unit in office. Any collaborator
// of the office may call it. Errors: *cabinet.InvalidError ("office",
// "name"); *cabinet.ForbiddenError naming CON-1.
func (s *Service) CreateUnit(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Unit, error) {
	var out Unit
	id := cabinet.NewID[UnitID](s.o.IDs, "unit")
	err := s.createNamed(ctx, actor, office, name, func(w Writer, name string, now time.Time, emit func(...cabinet.Event)) error {
		out = Unit{ID: id, Office: office, Name: name, Status: UnitStatusAvailable, CreatedAt: now}
		emit(UnitCreated{Office: office, Unit: out.ID, Name: name, Status: out.Status})
		return w.PutUnit(ctx, out)
	})
	return out, err
}

// insertSorted adds id to the ascending set ids.
func insertSorted(ids []cabinet.ContactID, id cabinet.ContactID) []cabinet.ContactID {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// AddProjectPartner adds partner contact c to project id (CON-4: only an
// existing, unarchived partner of the project's office). Any collaborator of
// the office may call it. Errors: cabinet.ErrNotFound (project, or contact
// unknown or of another office); *cabinet.ForbiddenError naming CON-1 or
// CON-4; *cabinet.ConflictError when already added.
func (s *Service) AddProjectPartner(ctx context.Context, actor cabinet.UserID, id ProjectID, c cabinet.ContactID) (Project, error) {
	if err := checkActor(actor); err != nil {
		return Project{}, err
	}
	office, err := officeOf(ctx, s, func(r Reader) (Project, error) { return r.Project(ctx, id) }, func(p Project) cabinet.OfficeID { return p.Office })
	if err != nil {
		return Project{}, err
	}
	var out Project
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		p, err := w.Project(ctx, id)
		if err != nil {
			return err
		}
		if err := s.checkPartner(ctx, w, p.Office, c, p.Partners); err != nil {
			return err
		}
		p.Partners = insertSorted(p.Partners, c)
		emit(ProjectPartnerAdded{Office: p.Office, Project: p.ID, Contact: c})
		out = p
		return w.PutProject(ctx, p)
	})
	return out, err
}

// AddDecisionPartner adds partner contact c to decision id (CON-4). Same
// callers and errors as AddProjectPartner.
func (s *Service) AddDecisionPartner(ctx context.Context, actor cabinet.UserID, id DecisionID, c cabinet.ContactID) (Decision, error) {
	if err := checkActor(actor); err != nil {
		return Decision{}, err
	}
	office, err := officeOf(ctx, s, func(r Reader) (Decision, error) { return r.Decision(ctx, id) }, func(d Decision) cabinet.OfficeID { return d.Office })
	if err != nil {
		return Decision{}, err
	}
	var out Decision
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		d, err := w.Decision(ctx, id)
		if err != nil {
			return err
		}
		if err := s.checkPartner(ctx, w, d.Office, c, d.Partners); err != nil {
			return err
		}
		d.Partners = insertSorted(d.Partners, c)
		emit(DecisionPartnerAdded{Office: d.Office, Decision: d.ID, Contact: c})
		out = d
		return w.PutDecision(ctx, d)
	})
	return out, err
}

func (s *Service) checkPartner(ctx context.Context, r Reader, office cabinet.OfficeID, id cabinet.ContactID, have []cabinet.ContactID) error {
	c, err := r.Contact(ctx, id)
	if err != nil {
		return err
	}
	if err := CanAddPartner(office, c); err != nil {
		return err
	}
	if _, found := slices.BinarySearch(have, id); found {
		return cabinet.Conflict("", "contact %s is already a partner", id)
	}
	return nil
}

// Unit returns unit id to a collaborator of its office. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-1.
func (s *Service) Unit(ctx context.Context, actor cabinet.UserID, id UnitID) (Unit, error) {
	var u Unit
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		var err error
		if u, err = r.Unit(ctx, id); err != nil {
			return err
		}
		return s.authorize(ctx, r.Tx(), u.Office, actor)
	})
	if err != nil {
		return Unit{}, err
	}
	return u, nil
}

// AttachBuyer attaches lead c to unit id as a prospective buyer (CON-4: an
// existing, unarchived lead of the unit's office; the unit not sold). Any
// collaborator of the office may call it. Errors: cabinet.ErrNotFound (unit;
// contact unknown or of another office); *cabinet.ForbiddenError naming
// CON-1 or CON-4; *cabinet.ConflictError (already attached; sold, CON-5).
func (s *Service) AttachBuyer(ctx context.Context, actor cabinet.UserID, id UnitID, c cabinet.ContactID) (Unit, error) {
	if err := checkActor(actor); err != nil {
		return Unit{}, err
	}
	office, err := officeOf(ctx, s, func(r Reader) (Unit, error) { return r.Unit(ctx, id) }, func(u Unit) cabinet.OfficeID { return u.Office })
	if err != nil {
		return Unit{}, err
	}
	var out Unit
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		u, err := w.Unit(ctx, id)
		if err != nil {
			return err
		}
		lead, err := w.Contact(ctx, c)
		if err != nil {
			return err
		}
		if err := CanAttachBuyer(u, lead); err != nil {
			return err
		}
		u.Buyers = insertSorted(u.Buyers, c)
		emit(BuyerAttached{Office: u.Office, Unit: u.ID, Contact: c})
		out = u
		return w.PutUnit(ctx, u)
	})
	return out, err
}

// SetUnitStatus moves unit id to status to: available ↔ reserved, and
// either → sold. Marking it sold turns every buyer that is still a lead into
// a client with status added, in the same transaction (CON-5); a lead
// without email becomes a client that needs an email before it can be
// invited. Any collaborator of the office may call it. Errors:
// *cabinet.InvalidError for "unit_status"; cabinet.ErrNotFound;
// *cabinet.ForbiddenError naming CON-1; *cabinet.ConflictError when the unit
// already has that status or is sold (selling twice names CON-5).
func (s *Service) SetUnitStatus(ctx context.Context, actor cabinet.UserID, id UnitID, to UnitStatus) (Unit, error) {
	if err := checkActor(actor); err != nil {
		return Unit{}, err
	}
	if !to.Valid() {
		return Unit{}, cabinet.Invalid("unit_status", "%s is not available, reserved or sold", to)
	}
	office, err := officeOf(ctx, s, func(r Reader) (Unit, error) { return r.Unit(ctx, id) }, func(u Unit) cabinet.OfficeID { return u.Office })
	if err != nil {
		return Unit{}, err
	}
	var out Unit
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return err
		}
		now := s.o.Now()
		u, err := w.Unit(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case u.Status == UnitStatusSold:
			return cabinet.Conflict("CON-5", "unit %s is already sold", u.ID)
		case u.Status == to:
			return cabinet.Conflict("", "unit %s is already %s", u.ID, to)
		}
		from := u.Status
		u.Status = to
		emit(UnitStatusChanged{Office: u.Office, Unit: u.ID, From: from, To: to})
		if to == UnitStatusSold {
			u.SoldAt = now
			var converted []cabinet.ContactID
			for _, b := range u.Buyers {
				c, err := w.Contact(ctx, b)
				if err != nil {
					return err
				}
				if c.Kind != KindLead {
					continue
				}
				c.Kind, c.Status, c.UpdatedAt = KindClient, StatusAdded, now
				if err := w.PutContact(ctx, c); err != nil {
					return err
				}
				converted = append(converted, c.ID)
				emit(ContactKindChanged{Office: c.Office, Contact: c.ID, Unit: u.ID, From: KindLead, To: KindClient, Status: StatusAdded})
			}
			emit(UnitSold{Office: u.Office, Unit: u.ID, Buyers: slices.Clone(u.Buyers), Converted: converted, SoldAt: now})
		}
		out = u
		return w.PutUnit(ctx, u)
	})
	return out, err
}

// StartImpersonation starts a session in which actor sees the platform as
// contact c (CON-6). The checks are CanImpersonate's: actor is a
// collaborator of the contact's office; c is an invited or active client or
// partner, not archived; c's user is not a collaborator of the office. The
// session expires SessionLifetime after it starts; a session the actor was
// still running ends (reason "replaced"): one session per actor at a time.
// Errors: *cabinet.InvalidError for "actor"; cabinet.ErrNotFound;
// *cabinet.ForbiddenError naming CON-6.
func (s *Service) StartImpersonation(ctx context.Context, actor cabinet.UserID, c cabinet.ContactID) (Session, error) {
	if err := checkActor(actor); err != nil {
		return Session{}, err
	}
	var c0 Contact
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		var err error
		c0, err = r.Contact(ctx, c)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	sid := cabinet.NewID[SessionID](s.o.IDs, "session")
	var out Session
	err = s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		now := s.o.Now()
		con, err := w.Contact(ctx, c)
		if err != nil {
			return err
		}
		if con.User != c0.User {
			return cabinet.Conflict("", "contact %s changed concurrently", c)
		}
		actorProfile, err := s.profile(ctx, w.Tx(), con.Office, actor)
		if err != nil {
			return err
		}
		targetProfile, err := s.profile(ctx, w.Tx(), con.Office, con.User)
		if err != nil {
			return err
		}
		if err := CanImpersonate(c0.Office, actorProfile, con, targetProfile); err != nil {
			return err
		}
		if err := endSessions(ctx, w, SessionFilter{Actor: actor}, now, "replaced", emit); err != nil {
			return err
		}
		out = Session{
			ID: sid, Office: con.Office, Actor: actor,
			Contact: con.ID, ContactUser: con.User, StartedAt: now, ExpiresAt: now.Add(SessionLifetime),
		}
		emit(ImpersonationStarted{Office: out.Office, Session: out.ID, Actor: actor, Contact: out.Contact,
			ContactUser: out.ContactUser, StartedAt: out.StartedAt, ExpiresAt: out.ExpiresAt})
		return w.PutSession(ctx, out)
	})
	return out, err
}

// endSessions stops every session matching f that is active at now.
func endSessions(ctx context.Context, w Writer, f SessionFilter, now time.Time, reason string, emit func(...cabinet.Event)) error {
	var active []Session
	for s, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]Session, cabinet.Cursor, error) {
		return w.ListSessions(ctx, f, p)
	}) {
		if err != nil {
			return err
		}
		if s.ActiveAt(now) {
			active = append(active, s)
		}
	}
	for _, s := range active {
		s.StoppedAt = now
		if err := w.PutSession(ctx, s); err != nil {
			return err
		}
		emit(ImpersonationStopped{Office: s.Office, Session: s.ID, Actor: s.Actor, Contact: s.Contact,
			ContactUser: s.ContactUser, StoppedAt: now, Reason: reason})
	}
	return nil
}

// StopImpersonation ends session id; the actor is back to their own
// identity (CON-6). Only the session's actor may stop it. Errors:
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-6 (someone else's
// session); *cabinet.ConflictError when the session already ended (stopped
// or expired).
func (s *Service) StopImpersonation(ctx context.Context, actor cabinet.UserID, id SessionID) (Session, error) {
	if err := checkActor(actor); err != nil {
		return Session{}, err
	}
	var out Session
	err := s.update(ctx, actor, func(w Writer, emit func(...cabinet.Event)) error {
		now := s.o.Now()
		ses, err := w.Session(ctx, id)
		if err != nil {
			return err
		}
		if ses.Actor != actor {
			return cabinet.Forbidden("CON-6", "only the collaborator who started session %s can stop it", id)
		}
		if !ses.ActiveAt(now) {
			return cabinet.Conflict("CON-6", "session %s has already ended", id)
		}
		ses.StoppedAt = now
		emit(ImpersonationStopped{Office: ses.Office, Session: ses.ID, Actor: ses.Actor, Contact: ses.Contact,
			ContactUser: ses.ContactUser, StoppedAt: now, Reason: "stopped"})
		out = ses
		return w.PutSession(ctx, ses)
	})
	return out, err
}

// Session returns session id whatever its state (for audit: both identities
// are recorded). Errors: cabinet.ErrNotFound.
func (s *Service) Session(ctx context.Context, id SessionID) (Session, error) {
	var out Session
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		var err error
		out, err = r.Session(ctx, id)
		return err
	})
	return out, err
}

// ResolveSession returns the effective subject of session id now (by the
// service's clock): the contact's identity, carrying the actor (see
// Resolve). It also re-checks, through the Directory, that the actor is
// still a collaborator of the office and that the contact's user has not
// become one since the session started. Errors: cabinet.ErrNotFound;
// *cabinet.ForbiddenError naming CON-6 when the session is stopped or
// expired or those checks fail.
func (s *Service) ResolveSession(ctx context.Context, id SessionID) (Subject, error) {
	var sub Subject
	err := s.store.ViewContacts(ctx, func(r Reader) error {
		ses, err := r.Session(ctx, id)
		if err != nil {
			return err
		}
		if sub, err = Resolve(ses, s.o.Now()); err != nil {
			return err
		}
		actor, err := s.profile(ctx, r.Tx(), ses.Office, ses.Actor)
		if err != nil {
			return err
		}
		if !actor.Valid() {
			return cabinet.Forbidden("CON-6", "%s is no longer a collaborator of the office", ses.Actor)
		}
		target, err := s.profile(ctx, r.Tx(), ses.Office, ses.ContactUser)
		if err != nil {
			return err
		}
		if target.Valid() {
			return cabinet.Forbidden("CON-6", "a collaborator of the office can never be impersonated")
		}
		return nil
	})
	if err != nil {
		return Subject{}, err
	}
	return sub, nil
}
