package contact

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// Directory answers questions about an office's collaborators as seen by a
// transaction of the store (clientgroup.Facts implements it).
type Directory interface {
	// Profile returns user's profile in office, or an error wrapping
	// cabinet.ErrNotFound when the office is unknown or the user is not one
	// of its collaborators.
	Profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error)
	// CollaboratorSince returns when user's current membership of office
	// began, or an error wrapping cabinet.ErrNotFound as Profile (CON-6: a
	// session ends when its actor leaves the office, also if they are
	// added again later).
	CollaboratorSince(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (time.Time, error)
	// ReachesDossier reports whether user reaches dossier by an internal
	// route (GRP-3); an error wrapping cabinet.ErrNotFound for an unknown
	// dossier.
	ReachesDossier(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error)
}

// Accounts tells whether an email has an account, as seen by a transaction
// of the store (team.Facts implements it). UserByEmail returns an error
// wrapping cabinet.ErrNotFound when there is none.
type Accounts interface {
	UserByEmail(ctx context.Context, tx cabinet.Tx, email string) (cabinet.User, error)
}

// Dossiers answers questions about dossiers and their family trees as seen
// by a transaction of the store (access.Facts implements it).
type Dossiers interface {
	// DossierFacts returns the dossier's office and status, or an error
	// wrapping cabinet.ErrNotFound.
	DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error)
	// PersonDossier returns the dossier whose family tree lists person, or
	// an error wrapping cabinet.ErrNotFound.
	PersonDossier(ctx context.Context, tx cabinet.Tx, person access.PersonID) (cabinet.DossierID, error)
}

// Service applies the contact commands and answers the permission-checked
// reads. Create it with NewService; it is safe for concurrent use if its
// Store, Directory, Accounts and Dossiers are.
type Service struct {
	store    Store
	dir      Directory
	accounts Accounts
	dossiers Dossiers
	o        cabinet.Options
}

var _ cabinet.AccountListener = (*Service)(nil)

// NewService returns a service keeping its records in store, learning who
// the office's collaborators are and which dossiers they reach from dir,
// whether an email has an account from accounts, and dossiers' facts from
// dossiers; all are asked inside the command's transaction. Options:
// cabinet.WithClock, WithIDs.
func NewService(store Store, dir Directory, accounts Accounts, dossiers Dossiers, opts ...cabinet.Option) *Service {
	return &Service{store: store, dir: dir, accounts: accounts, dossiers: dossiers, o: cabinet.NewOptions(opts...)}
}

// batch collects the events of one run of a command's transaction.
type batch []cabinet.Event

func (b *batch) add(e ...cabinet.Event) { *b = append(*b, e...) }

// update is the one write path of the service: it runs fn in one
// UpdateContacts transaction and records the events fn returned in that
// transaction, as one batch for actor (Options.Emit): the store's change
// log holds them from the commit on, and the host receives them from it
// (cabinet.Delivery), so none is lost and none bypasses the log (SPEC §3
// invariant 13). fn may run more than once (it returns its events instead
// of collecting them outside). It returns the committed revision (the
// current one when nothing was written), or 0 and the error.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, fn func(w Writer) ([]cabinet.Event, error)) (cabinet.Revision, error) {
	rev, err := s.store.UpdateContacts(ctx, func(w Writer) error {
		events, err := fn(w)
		if err != nil {
			return err
		}
		return s.o.Emit(w.Tx(), actor, events...)
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
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
// office (CanManageContacts, RuleManage).
func (s *Service) authorize(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, actor cabinet.UserID) error {
	p, err := s.profile(ctx, tx, office, actor)
	if err != nil {
		return err
	}
	return CanManageContacts(p)
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
func companyFor(ctx context.Context, w Writer, office cabinet.OfficeID, f Fields, newID CompanyID, now time.Time, b *batch) (CompanyID, error) {
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
		if newID == "" {
			return "", cabinet.Invalid("new_company", "no ID was drawn for the new company")
		}
		co := Company{ID: newID, Office: office, Name: f.NewCompany, CreatedAt: now}
		if err := w.PutCompany(ctx, co); err != nil {
			return "", err
		}
		b.add(CompanyCreated{Office: office, Company: co.ID, Name: co.Name})
		return co.ID, nil
	}
	return "", nil
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

// CreateContact adds a contact of kind k to office (CON-1 client, CON-2
// partner, CON-3 lead) with status added. Any collaborator of the office may
// call it (CanManageContacts). A partner may name an existing company of
// the office or a new company created on the spot. It returns the contact
// as stored and the revision of the commit. Errors: *cabinet.InvalidError
// (actor, office, kind, first_name, last_name, email, phone, company,
// new_company); *cabinet.ForbiddenError naming CON-1 when actor is not a
// collaborator of office; cabinet.ErrNotFound for an unknown company (or
// one of another office); *cabinet.ConflictError naming CON-7 and the
// existing contact when the email is taken in the office.
func (s *Service) CreateContact(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, k Kind, f Fields) (Contact, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, 0, err
	}
	if err := checkOffice(office); err != nil {
		return Contact{}, 0, err
	}
	f, err := ValidateFields(k, f)
	if err != nil {
		return Contact{}, 0, err
	}
	id := cabinet.NewID[cabinet.ContactID](s.o.IDs, "contact")
	newCompany := s.newCompanyID(f)
	var out Contact
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var b batch
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return nil, err
		}
		now := s.o.Now()
		if err := uniqueEmail(ctx, w, office, f.Email, ""); err != nil {
			return nil, err
		}
		company, err := companyFor(ctx, w, office, f, newCompany, now, &b)
		if err != nil {
			return nil, err
		}
		c := Contact{
			ID: id, Office: office, Kind: k, Status: StatusAdded,
			FirstName: f.FirstName, LastName: f.LastName, Email: f.Email, Phone: f.Phone, Company: company,
			CreatedAt: now, UpdatedAt: now,
		}
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		b.add(ContactCreated{Office: office, Contact: c.ID, Kind: c.Kind, Status: c.Status,
			FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: c.Phone, Company: c.Company})
		if company != "" {
			b.add(PartnerAttached{Office: office, Company: company, Contact: c.ID})
		}
		out = c
		return b, nil
	})
	if err != nil {
		return Contact{}, 0, err
	}
	return out, rev, nil
}

// EditContact replaces the details of contact id with f, validated for the
// contact's kind (the kind itself never changes here; see MarkUnitSold for
// CON-5). Any collaborator of the contact's office may call it. A partner
// may move to another company, a new one, or none. It returns the contact
// as stored. Errors: cabinet.ErrNotFound for an unknown contact; then as
// CreateContact (authorization first, then the fields); a
// *cabinet.ConflictError when the contact is archived.
func (s *Service) EditContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID, f Fields) (Contact, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, 0, err
	}
	// A new company's ID is drawn before the transaction (re-runs draw no
	// other); it is used only if the contact is a partner.
	newCompany := s.newCompanyID(Fields{Company: CompanyID(strings.TrimSpace(string(f.Company))), NewCompany: strings.TrimSpace(f.NewCompany)})
	var out Contact
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var b batch
		c, err := w.Contact(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), c.Office, actor); err != nil {
			return nil, err
		}
		in, err := ValidateFields(c.Kind, f)
		if err != nil {
			return nil, err
		}
		if c.Archived {
			return nil, cabinet.Conflict("", "contact %s is archived", id)
		}
		now := s.o.Now()
		if err := uniqueEmail(ctx, w, c.Office, in.Email, c.ID); err != nil {
			return nil, err
		}
		company, err := companyFor(ctx, w, c.Office, in, newCompany, now, &b)
		if err != nil {
			return nil, err
		}
		prev := c.Company
		c.FirstName, c.LastName, c.Email, c.Phone, c.Company, c.UpdatedAt = in.FirstName, in.LastName, in.Email, in.Phone, company, now
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		b.add(ContactEdited{Office: c.Office, Contact: c.ID, FirstName: c.FirstName, LastName: c.LastName,
			Email: c.Email, Phone: c.Phone, Company: c.Company, PreviousCompany: prev})
		switch {
		case company != prev && company != "":
			b.add(PartnerAttached{Office: c.Office, Company: company, Contact: c.ID, Previous: prev})
		case company != prev:
			b.add(PartnerDetached{Office: c.Office, Company: prev, Contact: c.ID})
		}
		out = c
		return b, nil
	})
	if err != nil {
		return Contact{}, 0, err
	}
	return out, rev, nil
}

// ArchiveContact archives contact id: it leaves default listings, cannot be
// edited, invited, attached, linked or impersonated, and running sessions
// impersonating it end (reason "contact_archived"). Its email stays
// reserved (CON-7). Any collaborator of the office may call it. It returns
// the contact as stored. Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError
// naming CON-1; *cabinet.ConflictError when already archived.
func (s *Service) ArchiveContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, 0, err
	}
	var out Contact
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var b batch
		c, err := w.Contact(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), c.Office, actor); err != nil {
			return nil, err
		}
		if c.Archived {
			return nil, cabinet.Conflict("", "contact %s is already archived", id)
		}
		now := s.o.Now()
		c.Archived, c.UpdatedAt = true, now
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		b.add(ContactArchived{Office: c.Office, Contact: c.ID})
		if err := endSessions(ctx, w, SessionFilter{Contact: c.ID}, now, "contact_archived", &b); err != nil {
			return nil, err
		}
		out = c
		return b, nil
	})
	if err != nil {
		return Contact{}, 0, err
	}
	return out, rev, nil
}

// InviteContact invites client or partner id to the platform (CON-1): added
// → invited, and a ContactInvited event for the host to send. Inviting an
// invited contact re-sends (Resent). When the email already has an account,
// the contact is linked to it and becomes active at once (ContactActivated
// follows). Any collaborator of the office may call it. It returns the
// contact as stored. Errors: cabinet.ErrNotFound; *cabinet.ForbiddenError
// naming CON-1 (not a collaborator) or CON-3 (a lead);
// *cabinet.ConflictError naming CON-1 (active or archived);
// *cabinet.InvalidError for "email" (a converted lead without email).
func (s *Service) InviteContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, 0, err
	}
	var out Contact
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var b batch
		c, err := w.Contact(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), c.Office, actor); err != nil {
			return nil, err
		}
		if err := CanInvite(c); err != nil {
			return nil, err
		}
		var user cabinet.User
		if u, err := s.accounts.UserByEmail(ctx, w.Tx(), c.Email); err == nil {
			user = u
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return nil, err
		}
		now := s.o.Now()
		resent := c.Status == StatusInvited
		c.Status, c.InvitedAt, c.UpdatedAt = StatusInvited, now, now
		b.add(ContactInvited{Office: c.Office, Contact: c.ID, Kind: c.Kind, Email: c.Email, Resent: resent})
		if user.ID != "" {
			c.Status, c.User = StatusActive, user.ID
			b.add(ContactActivated{Office: c.Office, Contact: c.ID, User: user.ID})
		}
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		out = c
		return b, nil
	})
	if err != nil {
		return Contact{}, 0, err
	}
	return out, rev, nil
}

// AccountCreated implements cabinet.AccountListener, inside the
// transaction tx that creates account u: every invited, not archived client
// or partner whose email matches u's (case-insensitive, in any office)
// becomes active and linked to u.ID (CON-1), with a ContactActivated event
// each, returned for the account's batch. Added contacts are left alone
// (they were not invited). Idempotent: contacts already linked are skipped,
// and a second call changes nothing. Only the account-creating service
// (team.Service) calls it. Errors: *cabinet.InvalidError for "user",
// "email" or "tx"; store errors.
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

// LinkContact links client contact id to dossier and, when person is not
// "", to that person of the dossier's family tree (issue 12, seed 002: the
// contact, the person's grant and the dossier's referrals are one story).
// A contact has at most one link; linking again replaces it. A person is
// linked to at most one contact of the office. The actor must be a
// collaborator of the contact's office (CanManageContacts) who reaches the
// dossier internally (CanLinkContact, GRP-3); the dossier must belong to
// the same office and not be archived (ACC-12). It returns the contact as
// stored. Errors: *cabinet.InvalidError ("actor", "dossier");
// cabinet.ErrNotFound (contact; dossier unknown or of another office;
// person not in the dossier's tree); *cabinet.ForbiddenError naming CON-1
// (not a collaborator, or does not reach the dossier) or CON-4 (not a
// client, archived); *cabinet.ConflictError naming ACC-12 (archived
// dossier), or with no rule when the person is linked to another contact
// or the link is already the one asked.
func (s *Service) LinkContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID, dossier cabinet.DossierID, person access.PersonID) (Contact, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, 0, err
	}
	if dossier == "" {
		return Contact{}, 0, cabinet.Invalid("dossier", "is required")
	}
	var out Contact
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		c, err := w.Contact(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), c.Office, actor); err != nil {
			return nil, err
		}
		d, err := s.dossiers.DossierFacts(ctx, w.Tx(), dossier)
		if errors.Is(err, cabinet.ErrNotFound) {
			return nil, cabinet.NotFound("dossier", dossier)
		} else if err != nil {
			return nil, err
		}
		reaches := false
		if d.Office == c.Office {
			if reaches, err = s.dir.ReachesDossier(ctx, w.Tx(), actor, dossier); err != nil {
				return nil, err
			}
		}
		var personDossier cabinet.DossierID
		if person != "" && d.Office == c.Office {
			personDossier, err = s.dossiers.PersonDossier(ctx, w.Tx(), person)
			if err != nil && !errors.Is(err, cabinet.ErrNotFound) {
				return nil, err
			}
		}
		if err := CanLinkContact(c, d, reaches, person, personDossier); err != nil {
			return nil, err
		}
		if c.Dossier == dossier && c.Person == person {
			return nil, cabinet.Conflict("", "contact %s is already linked to dossier %s", c.ID, dossier)
		}
		if person != "" {
			linked, _, err := w.ListContacts(ctx, ContactFilter{Office: c.Office, Person: person, IncludeArchived: true}, cabinet.Page{Limit: 2})
			if err != nil {
				return nil, err
			}
			for _, o := range linked {
				if o.ID != c.ID {
					return nil, cabinet.Conflict("", "person %s is already linked to contact %s (%s)", person, o.ID, o.Name())
				}
			}
		}
		ev := ContactLinked{Office: c.Office, Contact: c.ID, Dossier: dossier, Person: person, PreviousDossier: c.Dossier, PreviousPerson: c.Person}
		c.Dossier, c.Person, c.UpdatedAt = dossier, person, s.o.Now()
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		out = c
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return Contact{}, 0, err
	}
	return out, rev, nil
}

// UnlinkContact removes contact id's link to a dossier and person. Any
// collaborator of the contact's office may call it (CanManageContacts; no
// reach is needed to remove a link); the linked dossier must not be
// archived (CanUnlinkContact, ACC-12). It returns the contact as stored.
// Errors: *cabinet.InvalidError ("actor"); cabinet.ErrNotFound;
// *cabinet.ForbiddenError naming CON-1; *cabinet.ConflictError naming ACC-12,
// or with no rule when the contact is not linked or is archived.
func (s *Service) UnlinkContact(ctx context.Context, actor cabinet.UserID, id cabinet.ContactID) (Contact, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Contact{}, 0, err
	}
	var out Contact
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		c, err := w.Contact(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), c.Office, actor); err != nil {
			return nil, err
		}
		var d cabinet.DossierFacts
		if c.Dossier != "" {
			d, err = s.dossiers.DossierFacts(ctx, w.Tx(), c.Dossier)
			if err != nil && !errors.Is(err, cabinet.ErrNotFound) {
				return nil, err
			}
		}
		if err := CanUnlinkContact(c, d); err != nil {
			return nil, err
		}
		if c.Archived {
			return nil, cabinet.Conflict("", "contact %s is archived", id)
		}
		ev := ContactUnlinked{Office: c.Office, Contact: c.ID, Dossier: c.Dossier, Person: c.Person}
		c.Dossier, c.Person, c.UpdatedAt = "", "", s.o.Now()
		if err := w.PutContact(ctx, c); err != nil {
			return nil, err
		}
		out = c
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return Contact{}, 0, err
	}
	return out, rev, nil
}

// createNamed validates actor, office and name, and runs put in the
// update's transaction after authorizing (CanManageContacts).
func (s *Service) createNamed(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string, put func(w Writer, name string, now time.Time) (cabinet.Event, error)) (cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	if err := checkOffice(office); err != nil {
		return 0, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if err := s.authorize(ctx, w.Tx(), office, actor); err != nil {
			return nil, err
		}
		ev, err := put(w, name, s.o.Now())
		if err != nil {
			return nil, err
		}
		return []cabinet.Event{ev}, nil
	})
}

// CreateCompany creates a company in office (CON-2). Any collaborator of the
// office may call it. It returns the company as stored. Errors:
// *cabinet.InvalidError ("actor", "office", "name"); *cabinet.ForbiddenError
// naming CON-1.
func (s *Service) CreateCompany(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Company, cabinet.Revision, error) {
	var out Company
	id := cabinet.NewID[CompanyID](s.o.IDs, "company")
	rev, err := s.createNamed(ctx, actor, office, name, func(w Writer, name string, now time.Time) (cabinet.Event, error) {
		out = Company{ID: id, Office: office, Name: name, CreatedAt: now}
		return CompanyCreated{Office: office, Company: out.ID, Name: name}, w.PutCompany(ctx, out)
	})
	if err != nil {
		return Company{}, 0, err
	}
	return out, rev, nil
}

// CreateProject creates a project in office. Any collaborator of the office
// may call it. It returns the project as stored. Errors:
// *cabinet.InvalidError ("actor", "office", "name"); *cabinet.ForbiddenError
// naming CON-1.
func (s *Service) CreateProject(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Project, cabinet.Revision, error) {
	var out Project
	id := cabinet.NewID[ProjectID](s.o.IDs, "project")
	rev, err := s.createNamed(ctx, actor, office, name, func(w Writer, name string, now time.Time) (cabinet.Event, error) {
		out = Project{ID: id, Office: office, Name: name, CreatedAt: now}
		return ProjectCreated{Office: office, Project: out.ID, Name: name}, w.PutProject(ctx, out)
	})
	if err != nil {
		return Project{}, 0, err
	}
	return out, rev, nil
}

// CreateDecision creates a decision in office. Any collaborator of the
// office may call it. It returns the decision as stored. Errors:
// *cabinet.InvalidError ("actor", "office", "name" for the title);
// *cabinet.ForbiddenError naming CON-1.
func (s *Service) CreateDecision(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, title string) (Decision, cabinet.Revision, error) {
	var out Decision
	id := cabinet.NewID[DecisionID](s.o.IDs, "decision")
	rev, err := s.createNamed(ctx, actor, office, title, func(w Writer, title string, now time.Time) (cabinet.Event, error) {
		out = Decision{ID: id, Office: office, Title: title, CreatedAt: now}
		return DecisionCreated{Office: office, Decision: out.ID, Title: title}, w.PutDecision(ctx, out)
	})
	if err != nil {
		return Decision{}, 0, err
	}
	return out, rev, nil
}

// CreateUnit creates an available property unit in office. Any collaborator
// of the office may call it. It returns the unit as stored. Errors:
// *cabinet.InvalidError ("actor", "office", "name"); *cabinet.ForbiddenError
// naming CON-1.
func (s *Service) CreateUnit(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Unit, cabinet.Revision, error) {
	var out Unit
	id := cabinet.NewID[UnitID](s.o.IDs, "unit")
	rev, err := s.createNamed(ctx, actor, office, name, func(w Writer, name string, now time.Time) (cabinet.Event, error) {
		out = Unit{ID: id, Office: office, Name: name, Status: UnitStatusAvailable, CreatedAt: now}
		return UnitCreated{Office: office, Unit: out.ID, Name: name, Status: out.Status}, w.PutUnit(ctx, out)
	})
	if err != nil {
		return Unit{}, 0, err
	}
	return out, rev, nil
}

// checkPartner reads contact id and checks it may join a record of office
// that already lists have (CON-4).
func checkPartner(ctx context.Context, r Reader, office cabinet.OfficeID, id cabinet.ContactID, have []cabinet.ContactID) error {
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

// AddProjectPartner adds partner contact c to project id (CON-4: only an
// existing, unarchived partner of the project's office). Any collaborator of
// the office may call it. It returns the project as stored. Errors:
// cabinet.ErrNotFound (project, or contact unknown or of another office);
// *cabinet.ForbiddenError naming CON-1 or CON-4; *cabinet.ConflictError
// when already added.
func (s *Service) AddProjectPartner(ctx context.Context, actor cabinet.UserID, id ProjectID, c cabinet.ContactID) (Project, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Project{}, 0, err
	}
	var out Project
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Project(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), p.Office, actor); err != nil {
			return nil, err
		}
		if err := checkPartner(ctx, w, p.Office, c, p.Partners); err != nil {
			return nil, err
		}
		p.Partners = insertSorted(p.Partners, c)
		if err := w.PutProject(ctx, p); err != nil {
			return nil, err
		}
		out = p
		return []cabinet.Event{ProjectPartnerAdded{Office: p.Office, Project: p.ID, Contact: c}}, nil
	})
	if err != nil {
		return Project{}, 0, err
	}
	return out, rev, nil
}

// AddDecisionPartner adds partner contact c to decision id (CON-4). Same
// callers and errors as AddProjectPartner; it returns the decision as
// stored.
func (s *Service) AddDecisionPartner(ctx context.Context, actor cabinet.UserID, id DecisionID, c cabinet.ContactID) (Decision, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Decision{}, 0, err
	}
	var out Decision
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Decision(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), d.Office, actor); err != nil {
			return nil, err
		}
		if err := checkPartner(ctx, w, d.Office, c, d.Partners); err != nil {
			return nil, err
		}
		d.Partners = insertSorted(d.Partners, c)
		if err := w.PutDecision(ctx, d); err != nil {
			return nil, err
		}
		out = d
		return []cabinet.Event{DecisionPartnerAdded{Office: d.Office, Decision: d.ID, Contact: c}}, nil
	})
	if err != nil {
		return Decision{}, 0, err
	}
	return out, rev, nil
}

// AttachLead attaches lead c to unit id as a prospective buyer (CON-4: an
// existing, unarchived lead of the unit's office; the unit not sold). Any
// collaborator of the office may call it. It returns the unit as stored.
// Errors: cabinet.ErrNotFound (unit; contact unknown or of another office);
// *cabinet.ForbiddenError naming CON-1 or CON-4; *cabinet.ConflictError
// (already attached; sold, CON-5).
func (s *Service) AttachLead(ctx context.Context, actor cabinet.UserID, id UnitID, c cabinet.ContactID) (Unit, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Unit{}, 0, err
	}
	var out Unit
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		u, err := w.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), u.Office, actor); err != nil {
			return nil, err
		}
		lead, err := w.Contact(ctx, c)
		if err != nil {
			return nil, err
		}
		if err := CanAttachLead(u, lead); err != nil {
			return nil, err
		}
		u.Leads = insertSorted(u.Leads, c)
		if err := w.PutUnit(ctx, u); err != nil {
			return nil, err
		}
		out = u
		return []cabinet.Event{LeadAttached{Office: u.Office, Unit: u.ID, Contact: c}}, nil
	})
	if err != nil {
		return Unit{}, 0, err
	}
	return out, rev, nil
}

// SetUnitStatus moves unit id between available and reserved. Selling is
// MarkUnitSold's, which names the buyers (CON-5). Any collaborator of the
// office may call it. It returns the unit as stored. Errors:
// *cabinet.InvalidError for "unit_status" (invalid, or sold);
// cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-1;
// *cabinet.ConflictError when the unit already has that status, or naming
// CON-5 when it is sold (sold is final).
func (s *Service) SetUnitStatus(ctx context.Context, actor cabinet.UserID, id UnitID, to UnitStatus) (Unit, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Unit{}, 0, err
	}
	switch {
	case to == UnitStatusSold:
		return Unit{}, 0, cabinet.Invalid("unit_status", "a unit is sold with MarkUnitSold, naming its buyers (CON-5)")
	case !to.Valid():
		return Unit{}, 0, cabinet.Invalid("unit_status", "%s is not available or reserved", to)
	}
	var out Unit
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		u, err := w.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), u.Office, actor); err != nil {
			return nil, err
		}
		if err := CanSetUnitStatus(u, to); err != nil {
			return nil, err
		}
		from := u.Status
		u.Status = to
		if err := w.PutUnit(ctx, u); err != nil {
			return nil, err
		}
		out = u
		return []cabinet.Event{UnitStatusChanged{Office: u.Office, Unit: u.ID, From: from, To: to}}, nil
	})
	if err != nil {
		return Unit{}, 0, err
	}
	return out, rev, nil
}

// checkBuyers validates the buyer IDs of a sale: at least one, none blank,
// no duplicates. It returns them ascending.
func checkBuyers(buyers []cabinet.ContactID) ([]cabinet.ContactID, error) {
	if len(buyers) == 0 {
		return nil, cabinet.Invalid("buyers", "a sale names at least one buyer among the unit's leads (CON-5)")
	}
	out := slices.Clone(buyers)
	slices.Sort(out)
	for i, b := range out {
		if strings.TrimSpace(string(b)) == "" {
			return nil, cabinet.Invalid("buyers", "a buyer ID is blank")
		}
		if i > 0 && out[i-1] == b {
			return nil, cabinet.Invalid("buyers", "buyer %s is named twice", b)
		}
	}
	return out, nil
}

// MarkUnitSold marks unit id sold to buyers, named among the leads attached
// to it (CON-5 v2). In the same transaction, the buyers that are still
// leads become clients with status added (same contact, kind changed); the
// other attached leads stay leads. A lead without email becomes a client
// that needs an email before it can be invited. Sold is final. Any
// collaborator of the office may call it (CanManageContacts, then
// CanMarkSold). It returns the unit as stored; its events (one batch) are
// UnitStatusChanged, a ContactKindChanged per converted buyer, UnitSold.
// Errors: *cabinet.InvalidError ("actor"; "buyers": none, blank or
// duplicated); cabinet.ErrNotFound (unit; buyer unknown or of another
// office); *cabinet.ForbiddenError naming CON-1 or CON-4 (an archived
// buyer); *cabinet.ConflictError naming CON-5 (already sold; a buyer not
// attached to the unit).
func (s *Service) MarkUnitSold(ctx context.Context, actor cabinet.UserID, id UnitID, buyers []cabinet.ContactID) (Unit, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Unit{}, 0, err
	}
	buyers, err := checkBuyers(buyers)
	if err != nil {
		return Unit{}, 0, err
	}
	var out Unit
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		u, err := w.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, w.Tx(), u.Office, actor); err != nil {
			return nil, err
		}
		named := make([]Contact, 0, len(buyers))
		for _, b := range buyers {
			c, err := w.Contact(ctx, b)
			if err != nil {
				return nil, err
			}
			named = append(named, c)
		}
		if err := CanMarkSold(u, named); err != nil {
			return nil, err
		}
		now := s.o.Now()
		b := batch{UnitStatusChanged{Office: u.Office, Unit: u.ID, From: u.Status, To: UnitStatusSold}}
		var converted []cabinet.ContactID
		for _, c := range named {
			if c.Kind != KindLead {
				continue // a client already (it bought another unit)
			}
			c.Kind, c.Status, c.UpdatedAt = KindClient, StatusAdded, now
			if err := w.PutContact(ctx, c); err != nil {
				return nil, err
			}
			converted = append(converted, c.ID)
			b.add(ContactKindChanged{Office: c.Office, Contact: c.ID, Unit: u.ID, From: KindLead, To: KindClient, Status: StatusAdded})
		}
		var remaining []cabinet.ContactID
		for _, l := range u.Leads {
			if _, found := slices.BinarySearch(buyers, l); !found {
				remaining = append(remaining, l)
			}
		}
		u.Status, u.Buyers, u.SoldAt = UnitStatusSold, slices.Clone(buyers), now
		if err := w.PutUnit(ctx, u); err != nil {
			return nil, err
		}
		b.add(UnitSold{Office: u.Office, Unit: u.ID, Buyers: slices.Clone(buyers), Converted: converted, Remaining: remaining, SoldAt: now})
		out = u
		return b, nil
	})
	if err != nil {
		return Unit{}, 0, err
	}
	return out, rev, nil
}

// StartImpersonation starts a session in which actor sees the platform as
// contact c (CON-6). The checks are CanImpersonate's, on the facts of the
// transaction: actor is a collaborator of the contact's office; c is an
// invited or active client or partner, not archived; c's user is not a
// collaborator of the office. The session expires SessionLifetime after it
// starts and ends earlier as CanUseSession says; a session the actor was
// still running is stopped (reason "replaced"): one session per actor at a
// time. It returns the session as stored. Errors: *cabinet.InvalidError for
// "actor"; cabinet.ErrNotFound; *cabinet.ForbiddenError naming CON-6.
func (s *Service) StartImpersonation(ctx context.Context, actor cabinet.UserID, c cabinet.ContactID) (Session, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Session{}, 0, err
	}
	sid := cabinet.NewID[SessionID](s.o.IDs, "session")
	var out Session
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var b batch
		con, err := w.Contact(ctx, c)
		if err != nil {
			return nil, err
		}
		actorProfile, err := s.profile(ctx, w.Tx(), con.Office, actor)
		if err != nil {
			return nil, err
		}
		targetProfile, err := s.profile(ctx, w.Tx(), con.Office, con.User)
		if err != nil {
			return nil, err
		}
		if err := CanImpersonate(con.Office, actorProfile, con, targetProfile); err != nil {
			return nil, err
		}
		now := s.o.Now()
		if err := endSessions(ctx, w, SessionFilter{Actor: actor}, now, "replaced", &b); err != nil {
			return nil, err
		}
		out = Session{
			ID: sid, Office: con.Office, Actor: actor,
			Contact: con.ID, ContactUser: con.User, StartedAt: now, ExpiresAt: now.Add(SessionLifetime),
		}
		if err := w.PutSession(ctx, out); err != nil {
			return nil, err
		}
		b.add(ImpersonationStarted{Office: out.Office, Session: out.ID, Actor: actor, Contact: out.Contact,
			ContactUser: out.ContactUser, StartedAt: out.StartedAt, ExpiresAt: out.ExpiresAt})
		return b, nil
	})
	if err != nil {
		return Session{}, 0, err
	}
	return out, rev, nil
}

// endSessions stops every session matching f whose record is active at now.
func endSessions(ctx context.Context, w Writer, f SessionFilter, now time.Time, reason string, b *batch) error {
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
		b.add(ImpersonationStopped{Office: s.Office, Session: s.ID, Actor: s.Actor, Contact: s.Contact,
			ContactUser: s.ContactUser, StoppedAt: now, Reason: reason})
	}
	return nil
}

// CollaboratorRemoved stops, inside the transaction tx that removes user
// from office (package clientgroup's RemoveCollaborator), every session
// user runs in office whose record is still active (reason
// "collaborator_removed", CON-6 v2), and returns the ImpersonationStopped
// events for the removal's batch. The sessions have already ended by
// CanUseSession the instant the removal commits; recording the stop also
// keeps them ended if the removal and a new membership fall in the same
// microsecond of the clock. Idempotent. Only the service that removes
// collaborators calls it (the host wires it; see the package doc).
// Errors: *cabinet.InvalidError ("office", "user", "tx"); the store's.
func (s *Service) CollaboratorRemoved(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) ([]cabinet.Event, error) {
	if err := checkOffice(office); err != nil {
		return nil, err
	}
	if user == "" {
		return nil, cabinet.Invalid("user", "is required")
	}
	w, err := s.store.ContactWriter(tx)
	if err != nil {
		return nil, err
	}
	var b batch
	if err := endSessions(ctx, w, SessionFilter{Office: office, Actor: user}, s.o.Now(), "collaborator_removed", &b); err != nil {
		return nil, err
	}
	return b, nil
}

// sessionFacts reads, as seen by r, the contact of ses and the office facts
// CanUseSession decides on. A contact that no longer exists is returned as
// the zero Contact (the session has then ended).
func (s *Service) sessionFacts(ctx context.Context, r Reader, ses Session) (Contact, SessionFacts, error) {
	var f SessionFacts
	c, err := r.Contact(ctx, ses.Contact)
	if err != nil && !errors.Is(err, cabinet.ErrNotFound) {
		return Contact{}, f, err
	}
	if f.Actor, err = s.profile(ctx, r.Tx(), ses.Office, ses.Actor); err != nil {
		return Contact{}, f, err
	}
	if f.Actor.Valid() {
		since, err := s.dir.CollaboratorSince(ctx, r.Tx(), ses.Office, ses.Actor)
		switch {
		case errors.Is(err, cabinet.ErrNotFound):
			f.Actor = cabinet.ProfileInvalid
		case err != nil:
			return Contact{}, f, err
		default:
			f.ActorSince = since
		}
	}
	if f.Target, err = s.profile(ctx, r.Tx(), ses.Office, ses.ContactUser); err != nil {
		return Contact{}, f, err
	}
	return c, f, nil
}

// StopImpersonation ends session id; the actor is back to their own
// identity (CON-6). Only the session's actor may stop it, and only while it
// is usable (CanStopSession over CanUseSession, with the facts of the
// transaction). It returns the session as stored. Errors:
// *cabinet.InvalidError ("actor"); cabinet.ErrNotFound;
// *cabinet.ForbiddenError naming CON-6 (someone else's session);
// *cabinet.ConflictError naming CON-6 when the session has already ended
// (stopped, expired, its actor left the office, its contact can no longer
// be impersonated).
func (s *Service) StopImpersonation(ctx context.Context, actor cabinet.UserID, id SessionID) (Session, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Session{}, 0, err
	}
	var out Session
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		ses, err := w.Session(ctx, id)
		if err != nil {
			return nil, err
		}
		c, f, err := s.sessionFacts(ctx, w, ses)
		if err != nil {
			return nil, err
		}
		now := s.o.Now()
		_, usable := CanUseSession(ses, c, f, now)
		if err := CanStopSession(ses, actor, usable); err != nil {
			return nil, err
		}
		ses.StoppedAt = now
		if err := w.PutSession(ctx, ses); err != nil {
			return nil, err
		}
		out = ses
		return []cabinet.Event{ImpersonationStopped{Office: ses.Office, Session: ses.ID, Actor: ses.Actor, Contact: ses.Contact,
			ContactUser: ses.ContactUser, StoppedAt: now, Reason: "stopped"}}, nil
	})
	if err != nil {
		return Session{}, 0, err
	}
	return out, rev, nil
}
