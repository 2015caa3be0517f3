package clientgroup

import (
	"context"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Users tells the service about accounts, as seen by a transaction of the
// store (team.Facts implements it). It is used to check that a user exists
// before they create an office or become a collaborator, and to learn a
// manager's email (GRP-7).
type Users interface {
	// User returns the account as seen by tx, or an error wrapping
	// cabinet.ErrNotFound.
	User(ctx context.Context, tx cabinet.Tx, id cabinet.UserID) (cabinet.User, error)
}

// Dossiers tells the service about dossiers, and releases a departing
// collaborator from them, as seen by a transaction of the store
// (access.Facts implements it).
type Dossiers interface {
	// DossierFacts returns the dossier's office, status, manager and
	// assigned collaborators as seen by tx, or an error wrapping
	// cabinet.ErrNotFound.
	DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error)
	// Dossiers lists the facts of office's dossiers with status
	// (DossierStatusInvalid: any) and manager ("": any) as seen by tx,
	// ascending by ID, one cabinet.Page at a time.
	Dossiers(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, status cabinet.DossierStatus, manager cabinet.UserID, p cabinet.Page) ([]cabinet.DossierFacts, cabinet.Cursor, error)
	// HoldsGrant reports whether user holds a grant on dossier as seen by
	// tx (ErrNotFound for an unknown dossier).
	HoldsGrant(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error)
	// ReleaseCollaborator, in the write transaction tx, unsets user as
	// manager of office's dossiers and takes them off every assigned list
	// (GRP-11), returning the events to publish.
	ReleaseCollaborator(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) ([]cabinet.Event, error)
}

// Service applies the office-directory and client-group commands (GRP-1 …
// GRP-11) and answers the permission-checked reads of the office's
// organisation and internal routes. It is safe for concurrent use. Create
// it with NewService.
type Service struct {
	store    Store
	users    Users
	dossiers Dossiers
	o        cabinet.Options
}

// NewService returns a Service keeping its records in store, learning about
// accounts from users and about dossiers from dossiers. Options give the
// clock, the ID generator and the collaborator listeners. None of store,
// users and dossiers may be nil.
func NewService(store Store, users Users, dossiers Dossiers, opts ...cabinet.Option) *Service {
	if store == nil || users == nil || dossiers == nil {
		panic("clientgroup.NewService: nil store, users or dossiers")
	}
	return &Service{store: store, users: users, dossiers: dossiers, o: cabinet.NewOptions(opts...)}
}

// ---- helpers ----

func checkActor(actor cabinet.UserID) error {
	if actor == "" {
		return cabinet.Invalid("actor", "is required")
	}
	return nil
}

func checkID[T ~string](field string, id T) error {
	if id == "" {
		return cabinet.Invalid(field, "is required")
	}
	return nil
}

// update is the one write path of the service: it runs fn in one
// transaction and records the events fn returned (its listeners' included)
// in that transaction, as one batch for actor (Options.Emit): the store's
// change log holds them from the commit on, and the host receives them
// from it (cabinet.Delivery), so none is lost and none bypasses the log
// (SPEC §3 invariant 13). It returns the committed revision (the store's
// current one for a no-op), or 0 and the error.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, fn func(w Writer) ([]cabinet.Event, error)) (cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
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

// profileIn returns user's profile in office, ProfileInvalid when they are
// not a collaborator.
func profileIn(ctx context.Context, r Reader, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	c, err := r.Collaborator(ctx, office, user)
	if err != nil {
		if isNotFound(err) {
			return cabinet.ProfileInvalid, nil
		}
		return cabinet.ProfileInvalid, err
	}
	return c.Profile, nil
}

// requireAdmin checks the actor may administer office (GRP-5).
func requireAdmin(ctx context.Context, r Reader, office cabinet.OfficeID, actor cabinet.UserID) error {
	p, err := profileIn(ctx, r, office, actor)
	if err != nil {
		return err
	}
	return CanAdminister(p)
}

func countAdmins(ctx context.Context, r Reader, office cabinet.OfficeID) (int, error) {
	cs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Collaborator, cabinet.Cursor, error) {
		return r.Collaborators(ctx, CollaboratorFilter{Office: office}, p)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		if c.Profile == cabinet.ProfileAdmin {
			n++
		}
	}
	return n, nil
}

// ---- offices and collaborators ----

// CreateOffice creates an office named name with general address email:
// this is where offices are created. Any existing user may create one and
// becomes its first admin (Decision). It returns the office. Errors:
// ErrInvalid (actor, name, email), ErrNotFound when actor has no account.
func (s *Service) CreateOffice(ctx context.Context, actor cabinet.UserID, name, email string) (Office, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Office{}, 0, err
	}
	email, err = cabinet.ParseEmail("email", email)
	if err != nil {
		return Office{}, 0, err
	}
	now := s.o.Now()
	o := Office{ID: cabinet.NewID[cabinet.OfficeID](s.o.IDs, "office"), Name: name, Email: email, CreatedBy: actor, CreatedAt: now}
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := s.users.User(ctx, w.Tx(), actor); err != nil {
			return nil, err
		}
		if err := w.PutOffice(ctx, o); err != nil {
			return nil, err
		}
		return []cabinet.Event{
			OfficeCreated{Office: o.ID, Name: o.Name, Email: o.Email, Admin: actor},
			CollaboratorAdded{Office: o.ID, User: actor, Profile: cabinet.ProfileAdmin},
		}, w.PutCollaborator(ctx, Collaborator{Office: o.ID, User: actor, Profile: cabinet.ProfileAdmin, AddedAt: now})
	})
	if err != nil {
		return Office{}, 0, err
	}
	return o, rev, nil
}

// UpdateOffice sets the office's name and general email. Admins only
// (GRP-5). It returns the office as stored. Errors: ErrInvalid (actor,
// office, name, email), ErrNotFound (office), ErrForbidden (GRP-5).
func (s *Service) UpdateOffice(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name, email string) (Office, cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return Office{}, 0, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Office{}, 0, err
	}
	email, err = cabinet.ParseEmail("email", email)
	if err != nil {
		return Office{}, 0, err
	}
	var o Office
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if o, err = w.Office(ctx, office); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return nil, err
		}
		if o.Name == name && o.Email == email {
			return nil, nil
		}
		o.Name, o.Email = name, email
		return []cabinet.Event{OfficeUpdated{Office: o.ID, Name: o.Name, Email: o.Email}}, w.PutOffice(ctx, o)
	})
	if err != nil {
		return Office{}, 0, err
	}
	return o, rev, nil
}

// AddCollaborator makes user a collaborator of office with profile. Admins
// only (GRP-5). It returns the collaborator. Errors: ErrInvalid (actor,
// office, user, profile), ErrNotFound (office, or user has no account),
// ErrForbidden (GRP-5), ErrConflict when user already is a collaborator of
// office.
func (s *Service) AddCollaborator(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, profile cabinet.Profile) (Collaborator, cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return Collaborator{}, 0, err
	}
	if err := checkID("user", user); err != nil {
		return Collaborator{}, 0, err
	}
	if !profile.Valid() {
		return Collaborator{}, 0, cabinet.Invalid("profile", "%s is not admin or standard", profile)
	}
	c := Collaborator{Office: office, User: user, Profile: profile, AddedAt: s.o.Now()}
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return nil, err
		}
		if _, err := s.users.User(ctx, w.Tx(), user); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return nil, err
		}
		if _, err := w.Collaborator(ctx, office, user); err == nil {
			return nil, cabinet.Conflict("", "user %s already is a collaborator of office %s", user, office)
		} else if !isNotFound(err) {
			return nil, err
		}
		return []cabinet.Event{CollaboratorAdded{Office: office, User: user, Profile: profile}}, w.PutCollaborator(ctx, c)
	})
	if err != nil {
		return Collaborator{}, 0, err
	}
	return c, rev, nil
}

// SetProfile changes a collaborator's profile. Admins only (GRP-5); the last
// admin of an office cannot be demoted (ErrConflict, rule GRP-5: an office
// always keeps an admin to administer it). Setting the current profile is a
// no-op. It returns the collaborator as stored. Errors: ErrInvalid,
// ErrNotFound (office, collaborator), ErrForbidden (GRP-5), ErrConflict
// (GRP-5).
func (s *Service) SetProfile(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, profile cabinet.Profile) (Collaborator, cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return Collaborator{}, 0, err
	}
	if err := checkID("user", user); err != nil {
		return Collaborator{}, 0, err
	}
	if !profile.Valid() {
		return Collaborator{}, 0, cabinet.Invalid("profile", "%s is not admin or standard", profile)
	}
	var c Collaborator
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return nil, err
		}
		var err error
		if c, err = w.Collaborator(ctx, office, user); err != nil {
			return nil, err
		}
		from := c.Profile
		if from == profile {
			return nil, nil
		}
		if from == cabinet.ProfileAdmin {
			n, err := countAdmins(ctx, w, office)
			if err != nil {
				return nil, err
			}
			if n <= 1 {
				return nil, cabinet.Conflict("GRP-5", "user %s is the last admin of office %s", user, office)
			}
		}
		c.Profile = profile
		return []cabinet.Event{CollaboratorProfileChanged{Office: office, User: user, From: from, To: profile}}, w.PutCollaborator(ctx, c)
	})
	if err != nil {
		return Collaborator{}, 0, err
	}
	return c, rev, nil
}

// RemoveCollaborator takes user out of office. Admins only (GRP-5); an admin
// may remove themselves unless they are the last admin (ErrConflict, GRP-5).
// Every internal route and every right the user had in the office
// disappears with them, in the same transaction (GRP-11 v2): their
// collaborator-group memberships and direct client-group assignments are
// deleted, and Dossiers.ReleaseCollaborator (access.Facts) unsets them as
// manager of the office's dossiers (which then have no manager, so GRP-7
// falls back) and takes them off every assigned list — archived dossiers
// included; and every cabinet.CollaboratorListener (contact.Service: the
// impersonation sessions they run end, CON-6) is told in the same
// transaction. One batch carries the cascaded events, then
// CollaboratorRemoved. Errors: ErrInvalid, ErrNotFound (office,
// collaborator), ErrForbidden (GRP-5), ErrConflict (GRP-5).
func (s *Service) RemoveCollaborator(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return 0, err
	}
	if err := checkID("user", user); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return nil, err
		}
		c, err := w.Collaborator(ctx, office, user)
		if err != nil {
			return nil, err
		}
		if c.Profile == cabinet.ProfileAdmin {
			n, err := countAdmins(ctx, w, office)
			if err != nil {
				return nil, err
			}
			if n <= 1 {
				return nil, cabinet.Conflict("GRP-5", "user %s is the last admin of office %s", user, office)
			}
		}
		var events []cabinet.Event
		ms, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Member, cabinet.Cursor, error) {
			return w.Members(ctx, MemberFilter{User: user}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Office != office {
				continue
			}
			if err := w.DeleteMember(ctx, m.Group, m.User); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorGroupMemberRemoved{Office: office, Group: m.Group, User: user})
		}
		das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
			return w.DirectAssignments(ctx, DirectAssignmentFilter{User: user}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range das {
			if a.Office != office {
				continue
			}
			if err := w.DeleteDirectAssignment(ctx, a.ClientGroup, a.User); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorUnassigned{Office: office, ClientGroup: a.ClientGroup, User: user})
		}
		released, err := s.dossiers.ReleaseCollaborator(ctx, w.Tx(), office, user)
		if err != nil {
			return nil, err
		}
		events = append(events, released...)
		for _, l := range s.o.CollaboratorListeners {
			if l == nil {
				continue
			}
			more, err := l.CollaboratorRemoved(ctx, w.Tx(), office, user)
			if err != nil {
				return nil, err
			}
			events = append(events, more...)
		}
		events = append(events, CollaboratorRemoved{Office: office, User: user, Profile: c.Profile})
		return events, w.DeleteCollaborator(ctx, office, user)
	})
}

// ---- collaborator groups ----

// CreateCollaboratorGroup creates a collaborator group named name in office.
// Admins only (GRP-5). It returns the group. Errors: ErrInvalid (actor,
// office, name), ErrNotFound (office), ErrForbidden (GRP-5).
func (s *Service) CreateCollaboratorGroup(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (CollaboratorGroup, cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return CollaboratorGroup{}, 0, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return CollaboratorGroup{}, 0, err
	}
	g := CollaboratorGroup{ID: cabinet.NewID[cabinet.CollaboratorGroupID](s.o.IDs, "cgroup"), Office: office, Name: name, CreatedAt: s.o.Now()}
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return nil, err
		}
		return []cabinet.Event{CollaboratorGroupCreated{Office: office, Group: g.ID, Name: name}}, w.PutCollaboratorGroup(ctx, g)
	})
	if err != nil {
		return CollaboratorGroup{}, 0, err
	}
	return g, rev, nil
}

// RenameCollaboratorGroup renames a collaborator group. Admins only (GRP-5).
// It returns the group as stored. Errors: ErrInvalid (actor, group, name),
// ErrNotFound (group), ErrForbidden.
func (s *Service) RenameCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, name string) (CollaboratorGroup, cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return CollaboratorGroup{}, 0, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return CollaboratorGroup{}, 0, err
	}
	var g CollaboratorGroup
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if g, err = w.CollaboratorGroup(ctx, group); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		if g.Name == name {
			return nil, nil
		}
		g.Name = name
		return []cabinet.Event{CollaboratorGroupRenamed{Office: g.Office, Group: g.ID, Name: name}}, w.PutCollaboratorGroup(ctx, g)
	})
	if err != nil {
		return CollaboratorGroup{}, 0, err
	}
	return g, rev, nil
}

// DeleteCollaboratorGroup deletes a collaborator group, its memberships and
// its assignments to client groups. Admins only (GRP-5). Errors: ErrInvalid,
// ErrNotFound (group), ErrForbidden (GRP-5).
func (s *Service) DeleteCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID) (cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.CollaboratorGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		var events []cabinet.Event
		ms, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Member, cabinet.Cursor, error) {
			return w.Members(ctx, MemberFilter{Group: group}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if err := w.DeleteMember(ctx, m.Group, m.User); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorGroupMemberRemoved{Office: g.Office, Group: group, User: m.User})
		}
		gas, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error) {
			return w.GroupAssignments(ctx, GroupAssignmentFilter{CollaboratorGroup: group}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range gas {
			if err := w.DeleteGroupAssignment(ctx, a.ClientGroup, a.CollaboratorGroup); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorGroupUnassigned{Office: g.Office, ClientGroup: a.ClientGroup, CollaboratorGroup: group})
		}
		events = append(events, CollaboratorGroupDeleted{Office: g.Office, Group: group})
		return events, w.DeleteCollaboratorGroup(ctx, group)
	})
}

// AddMember puts a collaborator of the group's office into a collaborator
// group (GRP-8). Admins only (GRP-5). Adding a current member is a no-op.
// It returns the membership. Errors: ErrInvalid, ErrNotFound (group, or
// user is not a collaborator of the office), ErrForbidden (GRP-5).
func (s *Service) AddMember(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, user cabinet.UserID) (Member, cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return Member{}, 0, err
	}
	if err := checkID("user", user); err != nil {
		return Member{}, 0, err
	}
	var m Member
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.CollaboratorGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		if _, err := w.Collaborator(ctx, g.Office, user); err != nil {
			return nil, err
		}
		m = Member{Group: group, Office: g.Office, User: user}
		if _, err := w.Member(ctx, group, user); err == nil {
			return nil, nil
		} else if !isNotFound(err) {
			return nil, err
		}
		return []cabinet.Event{CollaboratorGroupMemberAdded{Office: g.Office, Group: group, User: user}}, w.PutMember(ctx, m)
	})
	if err != nil {
		return Member{}, 0, err
	}
	return m, rev, nil
}

// RemoveMember takes a collaborator out of a collaborator group. Admins only
// (GRP-5). Errors: ErrInvalid, ErrNotFound (group, membership), ErrForbidden.
func (s *Service) RemoveMember(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, user cabinet.UserID) (cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return 0, err
	}
	if err := checkID("user", user); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.CollaboratorGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		if err := w.DeleteMember(ctx, group, user); err != nil {
			return nil, err
		}
		return []cabinet.Event{CollaboratorGroupMemberRemoved{Office: g.Office, Group: group, User: user}}, nil
	})
}

// ---- client groups ----

// CreateClientGroup creates a client group in office with a required name
// (GRP-6; duplicates allowed, see DuplicateNames) and an optional email
// ("" for none, GRP-7). Admins only (GRP-5). It returns the group. Errors:
// ErrInvalid (actor, office, name, email), ErrNotFound (office),
// ErrForbidden (GRP-5).
func (s *Service) CreateClientGroup(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name, email string) (ClientGroup, cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return ClientGroup{}, 0, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return ClientGroup{}, 0, err
	}
	email, err = optionalEmail(email)
	if err != nil {
		return ClientGroup{}, 0, err
	}
	g := ClientGroup{ID: cabinet.NewID[cabinet.ClientGroupID](s.o.IDs, "group"), Office: office, Name: name, Email: email, CreatedAt: s.o.Now()}
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return nil, err
		}
		return []cabinet.Event{ClientGroupCreated{Office: office, Group: g.ID, Name: name, Email: email}}, w.PutClientGroup(ctx, g)
	})
	if err != nil {
		return ClientGroup{}, 0, err
	}
	return g, rev, nil
}

func optionalEmail(email string) (string, error) {
	if isBlank(email) {
		return "", nil
	}
	return cabinet.ParseEmail("email", email)
}

// RenameClientGroup renames a client group (name required, GRP-6). Admins
// only (GRP-5). It returns the group as stored. Errors: ErrInvalid (actor,
// group, name), ErrNotFound, ErrForbidden (GRP-5).
func (s *Service) RenameClientGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, name string) (ClientGroup, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return ClientGroup{}, 0, err
	}
	return s.editClientGroup(ctx, actor, group, func(g *ClientGroup) cabinet.Event {
		if g.Name == name {
			return nil
		}
		g.Name = name
		return ClientGroupRenamed{Office: g.Office, Group: g.ID, Name: name}
	})
}

// SetClientGroupEmail sets the client group's email, or clears it when email
// is blank (GRP-7). Admins only (GRP-5). It returns the group as stored.
// Errors: ErrInvalid (actor, group, email), ErrNotFound, ErrForbidden
// (GRP-5).
func (s *Service) SetClientGroupEmail(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, email string) (ClientGroup, cabinet.Revision, error) {
	email, err := optionalEmail(email)
	if err != nil {
		return ClientGroup{}, 0, err
	}
	return s.editClientGroup(ctx, actor, group, func(g *ClientGroup) cabinet.Event {
		if g.Email == email {
			return nil
		}
		g.Email = email
		return ClientGroupEmailChanged{Office: g.Office, Group: g.ID, Email: email}
	})
}

func (s *Service) editClientGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, edit func(g *ClientGroup) cabinet.Event) (ClientGroup, cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return ClientGroup{}, 0, err
	}
	var g ClientGroup
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var err error
		if g, err = w.ClientGroup(ctx, group); err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		ev := edit(&g)
		if ev == nil {
			return nil, nil
		}
		return []cabinet.Event{ev}, w.PutClientGroup(ctx, g)
	})
	if err != nil {
		return ClientGroup{}, 0, err
	}
	return g, rev, nil
}

// DeleteClientGroup deletes a client group: its dossiers are taken out (they
// are then in no group, GRP-2) — archived ones too (Decision: deleting the
// group is a change to the office's organisation, not to the archived
// dossier's content, ACC-12) — and its assignments removed, in one
// transaction. Admins only (GRP-5). Errors: ErrInvalid, ErrNotFound,
// ErrForbidden (GRP-5).
func (s *Service) DeleteClientGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID) (cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		var events []cabinet.Event
		ps, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Placement, cabinet.Cursor, error) {
			return w.Placements(ctx, PlacementFilter{ClientGroup: group}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if err := w.DeletePlacement(ctx, p.Dossier); err != nil {
				return nil, err
			}
			events = append(events, DossierMoved{Office: g.Office, Dossier: p.Dossier, From: group})
		}
		das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
			return w.DirectAssignments(ctx, DirectAssignmentFilter{ClientGroup: group}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range das {
			if err := w.DeleteDirectAssignment(ctx, a.ClientGroup, a.User); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorUnassigned{Office: g.Office, ClientGroup: group, User: a.User})
		}
		gas, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error) {
			return w.GroupAssignments(ctx, GroupAssignmentFilter{ClientGroup: group}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range gas {
			if err := w.DeleteGroupAssignment(ctx, a.ClientGroup, a.CollaboratorGroup); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorGroupUnassigned{Office: g.Office, ClientGroup: group, CollaboratorGroup: a.CollaboratorGroup})
		}
		events = append(events, ClientGroupDeleted{Office: g.Office, Group: group})
		return events, w.DeleteClientGroup(ctx, group)
	})
}

// ---- dossiers (GRP-4, GRP-5, ACC-12) ----

// MaxMove is the largest number of dossiers one MoveDossiers command
// places.
const MaxMove = cabinet.MaxPageSize

// MoveDossier puts dossier into client group to, taking it out of its
// previous group in the same step (GRP-4); to == "" takes it out of its
// group. It is MoveDossiers with one dossier. Errors: as MoveDossiers.
func (s *Service) MoveDossier(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID, to cabinet.ClientGroupID) (cabinet.Revision, error) {
	if err := checkID("dossier", dossier); err != nil {
		return 0, err
	}
	return s.MoveDossiers(ctx, actor, []cabinet.DossierID{dossier}, to)
}

// MoveDossiers puts every dossier of dossiers into client group to (or
// takes each out of its group when to == ""), in one command, one
// transaction and one event batch (seed 003's multi-select): all of them
// move, or none does. Each move takes the dossier out of its previous group
// in the same step (GRP-4); a dossier already in to is left as it is.
// Admins of the dossiers' office only (GRP-5 v2: after activation, placing
// and moving are for admins; the manager names a group at activation with
// access.Service.Activate). The predicate is CanMoveDossier, per dossier
// in ascending ID order: GRP-1 (a group of another office), ACC-12 (an
// archived dossier neither enters nor leaves a group), GRP-5 (not an
// admin; a dossier that is not activated). The dossiers' facts are read in
// the same transaction as the placements are written: a dossier archived
// while it is being placed never commits the placement. Duplicates are
// ignored. Errors: ErrInvalid (actor, dossiers: empty, an empty ID, more
// than MaxMove), ErrNotFound (a dossier, the group, or no placement when
// taking out), ErrConflict (GRP-1, ACC-12), ErrForbidden (GRP-5).
func (s *Service) MoveDossiers(ctx context.Context, actor cabinet.UserID, dossiers []cabinet.DossierID, to cabinet.ClientGroupID) (cabinet.Revision, error) {
	ids := slices.Clone(dossiers)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	switch {
	case len(ids) == 0:
		return 0, cabinet.Invalid("dossiers", "is required")
	case ids[0] == "":
		return 0, cabinet.Invalid("dossiers", "contains an empty dossier ID")
	case len(ids) > MaxMove:
		return 0, cabinet.Invalid("dossiers", "has %d dossiers, more than %d", len(ids), MaxMove)
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		var g ClientGroup
		if to != "" {
			var err error
			if g, err = w.ClientGroup(ctx, to); err != nil {
				return nil, err
			}
		}
		var events []cabinet.Event
		for _, id := range ids {
			ev, err := s.move(ctx, w, actor, id, g)
			if err != nil {
				return nil, err
			}
			if ev != nil {
				events = append(events, ev)
			}
		}
		return events, nil
	})
}

// move moves one dossier for MoveDossiers; it returns nil for a no-op.
func (s *Service) move(ctx context.Context, w Writer, actor cabinet.UserID, id cabinet.DossierID, to ClientGroup) (cabinet.Event, error) {
	d, err := s.dossiers.DossierFacts(ctx, w.Tx(), id)
	if err != nil {
		return nil, err
	}
	old, err := w.Placement(ctx, id)
	had := err == nil
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	if to.ID == "" && !had {
		return nil, cabinet.NotFound("placement", id)
	}
	prof, err := profileIn(ctx, w, d.Office, actor)
	if err != nil {
		return nil, err
	}
	if err := CanMoveDossier(d, to, prof); err != nil {
		return nil, err
	}
	if to.ID == "" {
		return DossierMoved{Office: old.Office, Dossier: id, From: old.ClientGroup}, w.DeletePlacement(ctx, id)
	}
	if had && old.ClientGroup == to.ID {
		return nil, nil
	}
	return DossierMoved{Office: to.Office, Dossier: id, From: old.ClientGroup, To: to.ID},
		w.PutPlacement(ctx, Placement{Dossier: id, Office: to.Office, ClientGroup: to.ID})
}

// ---- assignments (GRP-1, GRP-8, GRP-10) ----

// AssignCollaborator assigns a collaborator of the group's office directly to
// a client group (GRP-1, GRP-8), with no expiry: AssignCollaboratorUntil
// with the zero time (which also clears the expiry of an existing
// assignment). Callers, result and errors: as AssignCollaboratorUntil.
func (s *Service) AssignCollaborator(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, user cabinet.UserID) (DirectAssignment, cabinet.Revision, error) {
	return s.AssignCollaboratorUntil(ctx, actor, group, user, time.Time{})
}

// AssignCollaboratorUntil assigns a collaborator of the group's office
// directly to a client group (GRP-1, GRP-8) until expiresAt (issue 16: from
// that instant the direct route closes, with no command; the zero time is
// no expiry). Assigning again replaces the expiry of the existing
// assignment — extends, shortens or clears it, and reopens an expired one
// (an AssignmentExpiryChanged event); with the same expiry it is a no-op.
// Admins only (GRP-5), the entitlement of AssignCollaborator. It returns
// the assignment as stored. Errors: ErrInvalid (actor, group, user;
// expires_at when not after the service clock's now), ErrNotFound (group,
// or user not a collaborator of the office), ErrForbidden (GRP-5).
func (s *Service) AssignCollaboratorUntil(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, user cabinet.UserID, expiresAt time.Time) (DirectAssignment, cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return DirectAssignment{}, 0, err
	}
	if err := checkID("user", user); err != nil {
		return DirectAssignment{}, 0, err
	}
	if err := cabinet.CheckExpiry("expires_at", expiresAt, s.o.Now()); err != nil {
		return DirectAssignment{}, 0, err
	}
	var a DirectAssignment
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		a = DirectAssignment{ClientGroup: group, Office: g.Office, User: user, ExpiresAt: expiresAt}
		events, err := s.setDirect(ctx, w, actor, g.Office, user, []cabinet.ClientGroupID{group}, false)
		if err != nil {
			return nil, err
		}
		if len(events) > 0 { // a new assignment
			if err := w.PutDirectAssignment(ctx, a); err != nil {
				return nil, err
			}
			events[0] = CollaboratorAssigned{Office: g.Office, ClientGroup: group, User: user, ExpiresAt: expiresAt}
			return events, nil
		}
		cur, err := w.DirectAssignment(ctx, group, user)
		if err != nil {
			return nil, err
		}
		if cur.ExpiresAt.Equal(expiresAt) {
			return nil, nil
		}
		return []cabinet.Event{AssignmentExpiryChanged{Office: g.Office, ClientGroup: group, User: user, From: cur.ExpiresAt, To: expiresAt}},
			w.PutDirectAssignment(ctx, a)
	})
	if err != nil {
		return DirectAssignment{}, 0, err
	}
	return a, rev, nil
}

// UnassignCollaborator removes a collaborator's direct assignment to a client
// group. Admins only (GRP-5). Errors: ErrInvalid, ErrNotFound (group,
// assignment), ErrForbidden (GRP-5).
func (s *Service) UnassignCollaborator(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, user cabinet.UserID) (cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return 0, err
	}
	if err := checkID("user", user); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		if err := w.DeleteDirectAssignment(ctx, group, user); err != nil {
			return nil, err
		}
		return []cabinet.Event{CollaboratorUnassigned{Office: g.Office, ClientGroup: group, User: user}}, nil
	})
}

// SetCollaboratorClientGroups edits a collaborator's client groups from the
// collaborator's side (GRP-10): afterwards user is a direct collaborator of
// exactly the client groups listed (all of office), with the same records and
// events as AssignCollaborator/UnassignCollaborator on each group. Admins
// only (GRP-5). Errors: ErrInvalid (actor, office, user, groups),
// ErrNotFound (office, user not a collaborator, a group), ErrForbidden
// (GRP-5), ErrConflict (GRP-1, a group of another office).
func (s *Service) SetCollaboratorClientGroups(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, groups []cabinet.ClientGroupID) (cabinet.Revision, error) {
	if err := checkID("office", office); err != nil {
		return 0, err
	}
	if err := checkID("user", user); err != nil {
		return 0, err
	}
	want := slices.Clone(groups)
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) > 0 && want[0] == "" {
		return 0, cabinet.Invalid("groups", "contains an empty client group ID")
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return nil, err
		}
		return s.setDirect(ctx, w, actor, office, user, want, true)
	})
}

// setDirect is the one implementation of direct assignments, used from the
// group side and from the collaborator side (GRP-10): user must end up a
// direct collaborator of the groups want (ascending, all of office); when
// exact is set, the user's other direct groups of the office are removed.
func (s *Service) setDirect(ctx context.Context, w Writer, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, want []cabinet.ClientGroupID, exact bool) ([]cabinet.Event, error) {
	if err := requireAdmin(ctx, w, office, actor); err != nil {
		return nil, err
	}
	if _, err := w.Collaborator(ctx, office, user); err != nil {
		return nil, err
	}
	for _, id := range want {
		g, err := w.ClientGroup(ctx, id)
		if err != nil {
			return nil, err
		}
		if g.Office != office {
			return nil, cabinet.Conflict("GRP-1", "client group %s belongs to another office", id)
		}
	}
	var events []cabinet.Event
	if exact {
		cur, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
			return w.DirectAssignments(ctx, DirectAssignmentFilter{User: user}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range cur {
			if _, keep := slices.BinarySearch(want, a.ClientGroup); a.Office != office || keep {
				continue
			}
			if err := w.DeleteDirectAssignment(ctx, a.ClientGroup, user); err != nil {
				return nil, err
			}
			events = append(events, CollaboratorUnassigned{Office: office, ClientGroup: a.ClientGroup, User: user})
		}
	}
	for _, id := range want {
		if _, err := w.DirectAssignment(ctx, id, user); err == nil {
			continue
		} else if !isNotFound(err) {
			return nil, err
		}
		if err := w.PutDirectAssignment(ctx, DirectAssignment{ClientGroup: id, Office: office, User: user}); err != nil {
			return nil, err
		}
		events = append(events, CollaboratorAssigned{Office: office, ClientGroup: id, User: user})
	}
	return events, nil
}

// AssignCollaboratorGroup assigns a collaborator group to a client group of
// the same office (GRP-1, GRP-8); assigning twice is a no-op. Admins only
// (GRP-5). It returns the assignment. Errors: ErrInvalid, ErrNotFound
// (either group), ErrForbidden (GRP-5), ErrConflict (GRP-1, a collaborator
// group of another office).
func (s *Service) AssignCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) (GroupAssignment, cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return GroupAssignment{}, 0, err
	}
	if err := checkID("collaborator_group", cgroup); err != nil {
		return GroupAssignment{}, 0, err
	}
	var a GroupAssignment
	rev, err := s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		cg, err := w.CollaboratorGroup(ctx, cgroup)
		if err != nil {
			return nil, err
		}
		if cg.Office != g.Office {
			return nil, cabinet.Conflict("GRP-1", "collaborator group %s belongs to another office than client group %s", cgroup, group)
		}
		a = GroupAssignment{ClientGroup: group, Office: g.Office, CollaboratorGroup: cgroup}
		if _, err := w.GroupAssignment(ctx, group, cgroup); err == nil {
			return nil, nil
		} else if !isNotFound(err) {
			return nil, err
		}
		return []cabinet.Event{CollaboratorGroupAssigned{Office: g.Office, ClientGroup: group, CollaboratorGroup: cgroup}}, w.PutGroupAssignment(ctx, a)
	})
	if err != nil {
		return GroupAssignment{}, 0, err
	}
	return a, rev, nil
}

// UnassignCollaboratorGroup removes a collaborator group from a client group.
// Admins only (GRP-5). Errors: ErrInvalid, ErrNotFound (group, assignment),
// ErrForbidden (GRP-5).
func (s *Service) UnassignCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) (cabinet.Revision, error) {
	if err := checkID("group", group); err != nil {
		return 0, err
	}
	if err := checkID("collaborator_group", cgroup); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, func(w Writer) ([]cabinet.Event, error) {
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return nil, err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return nil, err
		}
		if err := w.DeleteGroupAssignment(ctx, group, cgroup); err != nil {
			return nil, err
		}
		return []cabinet.Event{CollaboratorGroupUnassigned{Office: g.Office, ClientGroup: group, CollaboratorGroup: cgroup}}, nil
	})
}
