package access

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Directory tells whether a user is a collaborator of an office and with
// which profile, as seen by a transaction of the store (clientgroup.Facts
// implements it).
type Directory interface {
	// Profile returns user's profile in office as seen by tx, or an error
	// wrapping cabinet.ErrNotFound when the office is unknown or user is not
	// one of its collaborators.
	Profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error)
}

// Accounts tells whether an email has an account, as seen by a transaction
// of the store (team.Facts implements it).
type Accounts interface {
	// UserByEmail returns the account whose email is email (ignoring case)
	// as seen by tx, or an error wrapping cabinet.ErrNotFound when there is
	// none.
	UserByEmail(ctx context.Context, tx cabinet.Tx, email string) (cabinet.User, error)
}

// Service applies the commands of the access package: dossiers, family
// trees, external advisors, grants, invitations and reminders. It is safe
// for concurrent use. It implements cabinet.AccountListener.
type Service struct {
	store    Store
	dir      Directory
	accounts Accounts
	o        cabinet.Options
}

var _ cabinet.AccountListener = (*Service)(nil)

// NewService returns a service over store, learning office membership from
// dir and accounts from accounts. opts set the clock, ID generator and event
// sink. store, dir and accounts must not be nil.
func NewService(store Store, dir Directory, accounts Accounts, opts ...cabinet.Option) *Service {
	if store == nil || dir == nil || accounts == nil {
		panic("access.NewService: nil store, directory or accounts")
	}
	return &Service{store: store, dir: dir, accounts: accounts, o: cabinet.NewOptions(opts...)}
}

// PersonInput is a person of the family tree as given to AddPerson and
// EditPerson.
type PersonInput struct {
	Name     string
	Relation Relation
}

// AdvisorInput is an external advisor as given to RegisterAdvisor.
type AdvisorInput struct {
	Name  string
	Email string
	Phone string
	Type  AdvisorType
}

// GrantInput is what GrantPerson needs (ACC-3, ACC-4).
type GrantInput struct {
	Email string
	Phone string
	Level Level
}

func checkActor(actor cabinet.UserID) error {
	if actor == "" {
		return cabinet.Invalid("actor", "is required")
	}
	return nil
}

func errArchived(id cabinet.DossierID) error {
	return cabinet.Conflict("", "dossier %q is archived; reactivate it first", id)
}

// profile returns user's profile in office as seen by tx, ProfileInvalid
// when they are not a collaborator there.
func (s *Service) profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	p, err := s.dir.Profile(ctx, tx, office, user)
	if errors.Is(err, cabinet.ErrNotFound) {
		return cabinet.ProfileInvalid, nil
	}
	if err != nil {
		return cabinet.ProfileInvalid, err
	}
	return p, nil
}

func heldGrants(ctx context.Context, r Reader, d cabinet.DossierID, actor cabinet.UserID) ([]Grant, error) {
	if actor == "" {
		return nil, nil
	}
	return cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return r.Grants(ctx, GrantFilter{Dossier: d, User: actor}, p)
	})
}

// update runs fn in one transaction and publishes its events after commit.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, fn func(w Writer) ([]cabinet.Event, error)) error {
	var events []cabinet.Event
	rev, err := s.store.UpdateAccess(ctx, func(w Writer) error {
		var err error
		events, err = fn(w)
		return err
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

// DossierFacts returns what other packages need to know about dossier id
// (cabinet.DossierFacts; Assigned ascending, without the manager). Anyone
// may call it. Errors: ErrNotFound for an unknown dossier.
func (s *Service) DossierFacts(ctx context.Context, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	var f cabinet.DossierFacts
	err := s.store.ViewAccess(ctx, func(r Reader) error {
		var err error
		f, err = dossierFacts(ctx, r, id)
		return err
	})
	return f, err
}

// CreateDossier creates a draft dossier named name in office, managed by
// actor. Any collaborator of the office may call it. Errors: ErrInvalid
// (actor, office, name); ErrForbidden (ACC-1) when actor is not a
// collaborator of office.
func (s *Service) CreateDossier(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Dossier, error) {
	if err := checkActor(actor); err != nil {
		return Dossier{}, err
	}
	if office == "" {
		return Dossier{}, cabinet.Invalid("office", "is required")
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Dossier{}, err
	}
	d := Dossier{
		ID: cabinet.NewID[cabinet.DossierID](s.o.IDs, "dos"), Office: office, Name: name,
		Status: cabinet.DossierDraft, Manager: actor, CreatedBy: actor, CreatedAt: s.o.Now(),
	}
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		prof, err := s.profile(ctx, w.Tx(), office, actor)
		if err != nil {
			return nil, err
		}
		if !prof.Valid() {
			return nil, cabinet.Forbidden("ACC-1", "only a collaborator of the office creates its dossiers")
		}
		return []cabinet.Event{DossierCreated{Dossier: d}}, w.PutDossier(ctx, d)
	})
	if err != nil {
		return Dossier{}, err
	}
	return d, nil
}

// SetManager makes manager the manager of dossier id ("" unsets it); the
// new manager is taken out of the assigned collaborators. An admin of the
// dossier's office or its current manager may call it. Errors: ErrInvalid
// (actor; "manager" when manager is not a collaborator of the office);
// ErrNotFound; ErrForbidden (ACC-1); ErrConflict when the dossier is
// archived.
func (s *Service) SetManager(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, manager cabinet.UserID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		prof, err := s.profile(ctx, w.Tx(), d.Office, actor)
		if err != nil {
			return nil, err
		}
		if err := CanManageDossier(d, actor, prof); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(id)
		}
		if manager != "" {
			mp, err := s.profile(ctx, w.Tx(), d.Office, manager)
			if err != nil {
				return nil, err
			}
			if !mp.Valid() {
				return nil, cabinet.Invalid("manager", "%q is not a collaborator of office %q", manager, d.Office)
			}
		}
		if d.Manager == manager {
			return nil, nil
		}
		prev := d.Manager
		d.Manager = manager
		d.Assigned = slices.DeleteFunc(d.Assigned, func(u cabinet.UserID) bool { return u == manager })
		ev := DossierManagerSet{Dossier: id, Office: d.Office, Previous: prev, Manager: manager, Assigned: slices.Clone(d.Assigned)}
		return []cabinet.Event{ev}, w.PutDossier(ctx, d)
	})
}

// SetAssigned replaces the assigned collaborators of dossier id with users
// (duplicates and the manager are dropped). An admin of the dossier's office
// or its manager may call it. Errors: ErrInvalid (actor; "assigned" when a
// user is empty or not a collaborator of the office); ErrNotFound;
// ErrForbidden (ACC-1); ErrConflict when the dossier is archived.
func (s *Service) SetAssigned(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, users []cabinet.UserID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	want := slices.Clone(users)
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) > 0 && want[0] == "" {
		return cabinet.Invalid("assigned", "contains an empty user ID")
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		prof, err := s.profile(ctx, w.Tx(), d.Office, actor)
		if err != nil {
			return nil, err
		}
		if err := CanManageDossier(d, actor, prof); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(id)
		}
		for _, u := range want {
			p, err := s.profile(ctx, w.Tx(), d.Office, u)
			if err != nil {
				return nil, err
			}
			if !p.Valid() {
				return nil, cabinet.Invalid("assigned", "%q is not a collaborator of office %q", u, d.Office)
			}
		}
		next := slices.DeleteFunc(slices.Clone(want), func(u cabinet.UserID) bool { return u == d.Manager })
		if slices.Equal(next, d.Assigned) {
			return nil, nil
		}
		ev := DossierAssignedChanged{Dossier: id, Office: d.Office, Assigned: slices.Clone(next)}
		for _, u := range next {
			if !d.IsAssigned(u) {
				ev.Added = append(ev.Added, u)
			}
		}
		for _, u := range d.Assigned {
			if _, ok := slices.BinarySearch(next, u); !ok {
				ev.Removed = append(ev.Removed, u)
			}
		}
		d.Assigned = next
		return []cabinet.Event{ev}, w.PutDossier(ctx, d)
	})
}

// SetStatus moves dossier id to status. Allowed moves: draft → activated,
// activated → archived, archived → activated; setting the current status
// changes nothing. An admin of the dossier's office or its manager may call
// it. Errors: ErrInvalid (actor, status); ErrNotFound; ErrForbidden (ACC-1);
// ErrConflict for any other move.
func (s *Service) SetStatus(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, status cabinet.DossierStatus) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if !status.Valid() {
		return cabinet.Invalid("status", "%v is not a dossier status", status)
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		prof, err := s.profile(ctx, w.Tx(), d.Office, actor)
		if err != nil {
			return nil, err
		}
		if err := CanManageDossier(d, actor, prof); err != nil {
			return nil, err
		}
		if d.Status == status {
			return nil, nil
		}
		ok := (d.Status == cabinet.DossierDraft && status == cabinet.DossierActivated) ||
			(d.Status == cabinet.DossierActivated && status == cabinet.DossierArchived) ||
			(d.Status == cabinet.DossierArchived && status == cabinet.DossierActivated)
		if !ok {
			return nil, cabinet.Conflict("", "a dossier cannot move from %s to %s", d.Status, status)
		}
		ev := DossierStatusChanged{Dossier: id, Office: d.Office, From: d.Status, To: status}
		d.Status = status
		return []cabinet.Event{ev}, w.PutDossier(ctx, d)
	})
}

func parsePerson(in PersonInput) (PersonInput, error) {
	name, err := cabinet.ParseName("name", in.Name)
	if err != nil {
		return in, err
	}
	if !in.Relation.Valid() {
		return in, cabinet.Invalid("relation", "%v is not a relation", in.Relation)
	}
	return PersonInput{Name: name, Relation: in.Relation}, nil
}

// checkOneHolder returns a conflict (ACC-2) if another person than except
// is the holder of dossier d.
func checkOneHolder(ctx context.Context, r Reader, d cabinet.DossierID, except PersonID) error {
	persons, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Person, cabinet.Cursor, error) {
		return r.Persons(ctx, PersonFilter{Dossier: d}, p)
	})
	if err != nil {
		return err
	}
	for _, p := range persons {
		if p.ID != except && p.Relation == RelationHolder {
			return cabinet.Conflict("ACC-2", "the family tree already has a holder, %q; add a co_holder instead", p.ID)
		}
	}
	return nil
}

// familyEdit opens a family-tree edit on dossier id: it reads the dossier,
// the actor's profile in its office and the actor's grants, and checks
// CanEditFamilyTree.
func (s *Service) familyEdit(ctx context.Context, w Writer, id cabinet.DossierID, actor cabinet.UserID) (Dossier, []Grant, error) {
	d, err := w.Dossier(ctx, id)
	if err != nil {
		return d, nil, err
	}
	prof, err := s.profile(ctx, w.Tx(), d.Office, actor)
	if err != nil {
		return d, nil, err
	}
	held, err := heldGrants(ctx, w, id, actor)
	if err != nil {
		return d, nil, err
	}
	if err := CanEditFamilyTree(d, actor, prof, held); err != nil {
		return d, nil, err
	}
	if d.Status == cabinet.DossierArchived {
		return d, nil, errArchived(id)
	}
	return d, held, nil
}

// AddPerson adds a person to the family tree of dossier id (ACC-2). A tree
// has at most one holder. Callers: see CanEditFamilyTree (admins, manager,
// assigned collaborators, read_write grantees). Errors: ErrInvalid (actor,
// name, relation); ErrNotFound; ErrForbidden (ACC-11); ErrConflict (a second
// holder, ACC-2; an archived dossier).
func (s *Service) AddPerson(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, in PersonInput) (Person, error) {
	if err := checkActor(actor); err != nil {
		return Person{}, err
	}
	in, err := parsePerson(in)
	if err != nil {
		return Person{}, err
	}
	p := Person{ID: cabinet.NewID[PersonID](s.o.IDs, "per"), Dossier: id, Name: in.Name, Relation: in.Relation, CreatedAt: s.o.Now()}
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		d, _, err := s.familyEdit(ctx, w, id, actor)
		if err != nil {
			return nil, err
		}
		if p.Relation == RelationHolder {
			if err := checkOneHolder(ctx, w, id, ""); err != nil {
				return nil, err
			}
		}
		return []cabinet.Event{PersonAdded{Office: d.Office, Person: p}}, w.PutPerson(ctx, p)
	})
	if err != nil {
		return Person{}, err
	}
	return p, nil
}

// EditPerson changes a person's name and relation. Callers as AddPerson.
// For a person holding a grant: a central person cannot become non-central
// (their access is irrevocable, ACC-6), and only the manager may make a
// non-central grantee central (ACC-7); the grant's Central flag follows.
// Errors: ErrInvalid; ErrNotFound; ErrForbidden (ACC-11, ACC-7);
// ErrConflict (ACC-2, ACC-6 demoting a granted central person, archived).
func (s *Service) EditPerson(ctx context.Context, actor cabinet.UserID, id PersonID, in PersonInput) (Person, error) {
	if err := checkActor(actor); err != nil {
		return Person{}, err
	}
	in, err := parsePerson(in)
	if err != nil {
		return Person{}, err
	}
	var out Person
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		d, _, err := s.familyEdit(ctx, w, p.Dossier, actor)
		if err != nil {
			return nil, err
		}
		if in.Relation == RelationHolder && p.Relation != RelationHolder {
			if err := checkOneHolder(ctx, w, p.Dossier, id); err != nil {
				return nil, err
			}
		}
		ev := PersonEdited{Office: d.Office, PreviousRelation: p.Relation}
		g, err := w.GrantOfPerson(ctx, id)
		switch {
		case errors.Is(err, cabinet.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			ev.Grant = g.ID
			if g.Central && !in.Relation.Central() {
				return nil, cabinet.Conflict("ACC-6", "a central person who was granted access stays central: that access can never be revoked")
			}
			if !g.Central && in.Relation.Central() {
				if err := CanManageExternalAccess(d, actor); err != nil {
					return nil, cabinet.Forbidden("ACC-7", "only the manager can make a person with access central")
				}
				g.Central = true
				if err := w.PutGrant(ctx, g); err != nil {
					return nil, err
				}
			}
		}
		p.Name, p.Relation = in.Name, in.Relation
		out, ev.Person = p, p
		return []cabinet.Event{ev}, w.PutPerson(ctx, p)
	})
	if err != nil {
		return Person{}, err
	}
	return out, nil
}

// RemovePerson removes a person from the family tree. Callers as
// AddPerson; if the person holds a grant it is revoked too, which needs the
// right to revoke it (CanRevoke, CanManagePersonAccess): a central person
// with a grant can never be removed (ACC-6, an ErrConflict whoever asks).
// Errors: ErrInvalid; ErrNotFound; ErrForbidden (ACC-11, ACC-1, ACC-7);
// ErrConflict (ACC-6, archived).
func (s *Service) RemovePerson(ctx context.Context, actor cabinet.UserID, id PersonID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		d, held, err := s.familyEdit(ctx, w, p.Dossier, actor)
		if err != nil {
			return nil, err
		}
		events := []cabinet.Event{PersonRemoved{Office: d.Office, Dossier: d.ID, Person: id}}
		g, err := w.GrantOfPerson(ctx, id)
		switch {
		case errors.Is(err, cabinet.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if err := CanRevoke(g); err != nil {
				return nil, err
			}
			if err := CanManagePersonAccess(d, actor, held, p.Relation); err != nil {
				return nil, err
			}
			if err := w.DeleteGrant(ctx, g.ID); err != nil {
				return nil, err
			}
			events = append(events, GrantRevoked{Grant: g})
		}
		return events, w.DeletePerson(ctx, id)
	})
}

// RegisterAdvisor registers an external advisor in dossier id, without
// giving them access (ACC-8). Only the dossier's manager may call it
// (ACC-9). Errors: ErrInvalid (actor, name, email, phone, type);
// ErrNotFound; ErrForbidden (ACC-9); ErrConflict (archived).
func (s *Service) RegisterAdvisor(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, in AdvisorInput) (Advisor, error) {
	if err := checkActor(actor); err != nil {
		return Advisor{}, err
	}
	name, err := cabinet.ParseName("name", in.Name)
	if err != nil {
		return Advisor{}, err
	}
	email, err := cabinet.ParseEmail("email", in.Email)
	if err != nil {
		return Advisor{}, err
	}
	phone, err := cabinet.ParsePhone("phone", in.Phone)
	if err != nil {
		return Advisor{}, err
	}
	if !in.Type.Valid() {
		return Advisor{}, cabinet.Invalid("type", "%v is not an advisor type", in.Type)
	}
	a := Advisor{ID: cabinet.NewID[AdvisorID](s.o.IDs, "adv"), Dossier: id, Name: name, Email: email, Phone: phone, Type: in.Type, CreatedAt: s.o.Now()}
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := CanManageAdvisorAccess(d, actor); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(id)
		}
		return []cabinet.Event{AdvisorRegistered{Office: d.Office, Advisor: a}}, w.PutAdvisor(ctx, a)
	})
	if err != nil {
		return Advisor{}, err
	}
	return a, nil
}

// RemoveAdvisor takes an external advisor out of their dossier, revoking
// their grant if any. Only the dossier's manager may call it (ACC-9).
// Errors: ErrInvalid; ErrNotFound; ErrForbidden (ACC-9); ErrConflict
// (archived).
func (s *Service) RemoveAdvisor(ctx context.Context, actor cabinet.UserID, id AdvisorID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		a, err := w.Advisor(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, a.Dossier)
		if err != nil {
			return nil, err
		}
		if err := CanManageAdvisorAccess(d, actor); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(d.ID)
		}
		events := []cabinet.Event{AdvisorRemoved{Office: d.Office, Dossier: d.ID, Advisor: id}}
		g, err := w.GrantOfAdvisor(ctx, id)
		switch {
		case errors.Is(err, cabinet.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if err := w.DeleteGrant(ctx, g.ID); err != nil {
				return nil, err
			}
			events = append(events, GrantRevoked{Grant: g})
		}
		return events, w.DeleteAdvisor(ctx, id)
	})
}

// accountOf returns the account of email as seen by tx, or "" when there is
// none.
func (s *Service) accountOf(ctx context.Context, tx cabinet.Tx, email string) (cabinet.UserID, error) {
	u, err := s.accounts.UserByEmail(ctx, tx, email)
	if errors.Is(err, cabinet.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// newGrant fills in a grant and its invitation or notification (ACC-5).
// g.ID is set by the caller, outside the transaction.
func newGrant(g Grant, actor, user cabinet.UserID, now time.Time) (Grant, []cabinet.Event) {
	g.GrantedBy, g.GrantedAt, g.User = actor, now, user
	events := []cabinet.Event{nil, nil}
	if user != "" {
		events[1] = AccessNotified{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: user, Email: g.Email}
	} else {
		g.InvitedAt = now
		events[1] = InvitationSent{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, Email: g.Email, Phone: g.Phone, At: now}
	}
	events[0] = GrantCreated{Grant: g}
	return g, events
}

// GrantPerson gives person id of a family tree access to its dossier at
// in.Level, reachable at in.Email and in.Phone, both required and valid
// (ACC-2, ACC-3, ACC-4). If the email has an account the grant is linked
// to it and an AccessNotified event is published, else an InvitationSent
// event and reminders follow (ACC-5). Callers: the manager (ACC-1), a
// granted central person for a non-central person (ACC-7). Errors:
// ErrInvalid (actor, email, phone, level); ErrNotFound (person);
// ErrForbidden (ACC-1, ACC-7); ErrConflict (the person already has access —
// use ChangeLevel; archived).
func (s *Service) GrantPerson(ctx context.Context, actor cabinet.UserID, id PersonID, in GrantInput) (Grant, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, err
	}
	email, err := cabinet.ParseEmail("email", in.Email)
	if err != nil {
		return Grant{}, err
	}
	phone, err := cabinet.ParsePhone("phone", in.Phone)
	if err != nil {
		return Grant{}, err
	}
	if !in.Level.Valid() {
		return Grant{}, cabinet.Invalid("level", "%v is not read_only or read_write", in.Level)
	}
	gid := cabinet.NewID[GrantID](s.o.IDs, "grant")
	var out Grant
	err = s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, p.Dossier)
		if err != nil {
			return nil, err
		}
		held, err := heldGrants(ctx, w, d.ID, actor)
		if err != nil {
			return nil, err
		}
		if err := CanManagePersonAccess(d, actor, held, p.Relation); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(d.ID)
		}
		if g, err := w.GrantOfPerson(ctx, id); err == nil {
			return nil, cabinet.Conflict("ACC-4", "person %q already has access (grant %q); change its level instead", id, g.ID)
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return nil, err
		}
		user, err := s.accountOf(ctx, w.Tx(), email)
		if err != nil {
			return nil, err
		}
		g, events := newGrant(Grant{
			ID: gid, Dossier: d.ID, Office: d.Office, Kind: GranteePerson, Person: id, Central: p.Relation.Central(),
			Email: email, Phone: phone, Level: in.Level,
		}, actor, user, s.o.Now())
		out = g
		return events, w.PutGrant(ctx, g)
	})
	if err != nil {
		return Grant{}, err
	}
	return out, nil
}

// GrantAdvisor gives registered external advisor id access to their
// dossier at level, reachable at the email and phone given at registration
// (ACC-8). Only the manager may call it (ACC-9). Invitation or notification
// as for GrantPerson (ACC-5). Errors: ErrInvalid (actor, level); ErrNotFound
// (advisor); ErrForbidden (ACC-9); ErrConflict (already granted; archived).
func (s *Service) GrantAdvisor(ctx context.Context, actor cabinet.UserID, id AdvisorID, level Level) (Grant, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, err
	}
	if !level.Valid() {
		return Grant{}, cabinet.Invalid("level", "%v is not read_only or read_write", level)
	}
	gid := cabinet.NewID[GrantID](s.o.IDs, "grant")
	var out Grant
	err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		a, err := w.Advisor(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, a.Dossier)
		if err != nil {
			return nil, err
		}
		if err := CanManageAdvisorAccess(d, actor); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(d.ID)
		}
		if g, err := w.GrantOfAdvisor(ctx, id); err == nil {
			return nil, cabinet.Conflict("ACC-4", "advisor %q already has access (grant %q); change its level instead", id, g.ID)
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return nil, err
		}
		user, err := s.accountOf(ctx, w.Tx(), a.Email)
		if err != nil {
			return nil, err
		}
		g, events := newGrant(Grant{
			ID: gid, Dossier: d.ID, Office: d.Office, Kind: GranteeAdvisor, Advisor: id,
			Email: a.Email, Phone: a.Phone, Level: level,
		}, actor, user, s.o.Now())
		out = g
		return events, w.PutGrant(ctx, g)
	})
	if err != nil {
		return Grant{}, err
	}
	return out, nil
}

// canManageGrant checks who may change or revoke g.
func canManageGrant(ctx context.Context, r Reader, d Dossier, actor cabinet.UserID, g Grant) error {
	if g.Kind == GranteeAdvisor {
		return CanManageAdvisorAccess(d, actor)
	}
	p, err := r.Person(ctx, g.Person)
	if err != nil {
		return err
	}
	held, err := heldGrants(ctx, r, d.ID, actor)
	if err != nil {
		return err
	}
	return CanManagePersonAccess(d, actor, held, p.Relation)
}

// ChangeLevel sets the level of grant id (ACC-4); a central person's grant
// can change level too (ACC-6). Callers: as GrantPerson for persons' grants
// (ACC-1, ACC-7), the manager only for advisors' (ACC-9). Setting the
// current level changes nothing. Errors: ErrInvalid (actor, level);
// ErrNotFound; ErrForbidden (ACC-1, ACC-7, ACC-9); ErrConflict (archived).
func (s *Service) ChangeLevel(ctx context.Context, actor cabinet.UserID, id GrantID, level Level) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if !level.Valid() {
		return cabinet.Invalid("level", "%v is not read_only or read_write", level)
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.Grant(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, g.Dossier)
		if err != nil {
			return nil, err
		}
		if err := canManageGrant(ctx, w, d, actor, g); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(d.ID)
		}
		if g.Level == level {
			return nil, nil
		}
		ev := GrantLevelChanged{Grant: id, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: g.User, From: g.Level, To: level}
		g.Level = level
		return []cabinet.Event{ev}, w.PutGrant(ctx, g)
	})
}

// Revoke revokes and deletes grant id; no reminder follows. A central
// person's grant can never be revoked (ACC-6, an ErrConflict whoever asks:
// an invariant about the grant, not a permission). Callers: as ChangeLevel.
// Errors: ErrInvalid (actor); ErrNotFound; ErrForbidden (ACC-1, ACC-7,
// ACC-9); ErrConflict (ACC-6, archived).
func (s *Service) Revoke(ctx context.Context, actor cabinet.UserID, id GrantID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.Grant(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := CanRevoke(g); err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, g.Dossier)
		if err != nil {
			return nil, err
		}
		if err := canManageGrant(ctx, w, d, actor, g); err != nil {
			return nil, err
		}
		if d.Status == cabinet.DossierArchived {
			return nil, errArchived(d.ID)
		}
		return []cabinet.Event{GrantRevoked{Grant: g}}, w.DeleteGrant(ctx, id)
	})
}

// AccountCreated implements cabinet.AccountListener, inside the
// transaction tx that creates account u: every grant whose email matches
// u.Email (ignoring case) and that has no account yet becomes u's (a
// GranteeLinked event each, returned for the account's batch); their
// reminders stop (ACC-5). Calling it again changes nothing. Errors:
// ErrInvalid ("user" without ID, "email", "tx").
func (s *Service) AccountCreated(ctx context.Context, tx cabinet.Tx, u cabinet.User) ([]cabinet.Event, error) {
	if u.ID == "" {
		return nil, cabinet.Invalid("user", "has no ID")
	}
	email, err := cabinet.ParseEmail("email", u.Email)
	if err != nil {
		return nil, err
	}
	w, err := s.store.AccessWriter(tx)
	if err != nil {
		return nil, err
	}
	grants, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return w.Grants(ctx, GrantFilter{Email: email}, p)
	})
	if err != nil {
		return nil, err
	}
	var events []cabinet.Event
	for _, g := range grants {
		if g.User != "" {
			continue
		}
		g.User = u.ID
		if err := w.PutGrant(ctx, g); err != nil {
			return nil, err
		}
		events = append(events, GranteeLinked{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: u.ID, Email: g.Email})
	}
	return events, nil
}

// dueReminders returns the reminders due at now among the grants awaiting
// an account, with the grants updated as if they were sent. Only the latest
// due reminder of a grant is returned: one that came due while an earlier
// one was still unsent replaces it.
func dueReminders(ctx context.Context, r Reader, now time.Time) ([]ReminderDue, []Grant, error) {
	grants, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return r.Grants(ctx, GrantFilter{AwaitingAccount: true}, p)
	})
	if err != nil {
		return nil, nil, err
	}
	var due []ReminderDue
	var sent []Grant
	for _, g := range grants {
		n := g.reminderAt(now)
		if !g.AwaitingAccount() || n <= g.Reminders {
			continue
		}
		delay := FirstReminderDelay
		if n == 2 {
			delay = SecondReminderDelay
		}
		due = append(due, ReminderDue{
			Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor,
			Email: g.Email, Number: n, InvitedAt: g.InvitedAt, DueAt: g.InvitedAt.Add(delay),
		})
		g.Reminders = n
		sent = append(sent, g)
	}
	return due, sent, nil
}

// DueReminders returns, without changing anything, the reminders that
// SendDueReminders would send at now (ACC-5), ordered by grant ID. Anyone
// may call it.
func (s *Service) DueReminders(ctx context.Context, now time.Time) ([]ReminderDue, error) {
	var due []ReminderDue
	err := s.store.ViewAccess(ctx, func(r Reader) error {
		var err error
		due, _, err = dueReminders(ctx, r, now)
		return err
	})
	return due, err
}

// SendDueReminders computes the reminders due at the service clock's time
// (7 and 30 days after the invitation, while the grantee has no account and
// the grant exists), marks them sent in the same transaction and publishes
// one ReminderDue event each (actor ""). A reminder is never due twice. It
// is system work: the host calls it periodically. It returns the reminders
// sent.
func (s *Service) SendDueReminders(ctx context.Context) ([]ReminderDue, error) {
	now := s.o.Now()
	var due []ReminderDue
	rev, err := s.store.UpdateAccess(ctx, func(w Writer) error {
		var sent []Grant
		var err error
		due, sent, err = dueReminders(ctx, w, now)
		if err != nil {
			return err
		}
		for _, g := range sent {
			if err := w.PutGrant(ctx, g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	events := make([]cabinet.Event, len(due))
	for i, r := range due {
		events[i] = r
	}
	s.o.Publish(ctx, rev, "", events...)
	return due, nil
}
