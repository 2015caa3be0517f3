package clientgroup

import (
	"context"
	"slices"

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

// Dossiers tells the service about dossiers, as seen by a transaction of the
// store (access.Facts implements it).
type Dossiers interface {
	// DossierFacts returns the dossier's office, status, manager and
	// assigned collaborators as seen by tx, or an error wrapping
	// cabinet.ErrNotFound.
	DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error)
}

// Service applies the office-directory and client-group commands (GRP-1 …
// GRP-11) and answers the internal-route questions. It is safe for concurrent
// use. Create it with NewService.
type Service struct {
	store    Store
	users    Users
	dossiers Dossiers
	o        cabinet.Options
}

// NewService returns a Service keeping its records in store, learning about
// accounts from users and about dossiers from dossiers. Options give the
// clock, the ID generator and the event sink.
func NewService(store Store, users Users, dossiers Dossiers, opts ...cabinet.Option) *Service {
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

// CreateOffice creates an office named name with general address email.
// Any existing user may create one and becomes its first admin (Decision).
// Errors: ErrInvalid (actor, name, email), ErrNotFound when actor has no
// account.
func (s *Service) CreateOffice(ctx context.Context, actor cabinet.UserID, name, email string) (Office, error) {
	if err := checkActor(actor); err != nil {
		return Office{}, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Office{}, err
	}
	email, err = cabinet.ParseEmail("email", email)
	if err != nil {
		return Office{}, err
	}
	now := s.o.Now()
	o := Office{ID: cabinet.NewID[cabinet.OfficeID](s.o.IDs, "office"), Name: name, Email: email, CreatedBy: actor, CreatedAt: now}
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		if _, err := s.users.User(ctx, w.Tx(), actor); err != nil {
			return err
		}
		if err := w.PutOffice(ctx, o); err != nil {
			return err
		}
		return w.PutCollaborator(ctx, Collaborator{Office: o.ID, User: actor, Profile: cabinet.ProfileAdmin, AddedAt: now})
	})
	if err != nil {
		return Office{}, err
	}
	s.o.Publish(ctx, rev, actor,
		OfficeCreated{Office: o.ID, Name: o.Name, Email: o.Email, Admin: actor},
		CollaboratorAdded{Office: o.ID, User: actor, Profile: cabinet.ProfileAdmin})
	return o, nil
}

// UpdateOffice sets the office's name and general email. Admins only (GRP-5).
// Errors: ErrInvalid (actor, office, name, email), ErrNotFound (office),
// ErrForbidden (GRP-5).
func (s *Service) UpdateOffice(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name, email string) (Office, error) {
	if err := checkActor(actor); err != nil {
		return Office{}, err
	}
	if err := checkID("office", office); err != nil {
		return Office{}, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Office{}, err
	}
	email, err = cabinet.ParseEmail("email", email)
	if err != nil {
		return Office{}, err
	}
	var o Office
	var changed bool
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		o, err = w.Office(ctx, office)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		if o.Name == name && o.Email == email {
			return nil
		}
		o.Name, o.Email, changed = name, email, true
		return w.PutOffice(ctx, o)
	})
	if err != nil {
		return Office{}, err
	}
	if changed {
		s.o.Publish(ctx, rev, actor, OfficeUpdated{Office: o.ID, Name: o.Name, Email: o.Email})
	}
	return o, nil
}

// AddCollaborator makes user a collaborator of office with profile. Admins
// only (GRP-5). Errors: ErrInvalid (actor, office, user, profile),
// ErrNotFound (office, or user has no account), ErrForbidden (GRP-5),
// ErrConflict when user already is a collaborator of office.
func (s *Service) AddCollaborator(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, profile cabinet.Profile) (Collaborator, error) {
	if err := checkActor(actor); err != nil {
		return Collaborator{}, err
	}
	if err := checkID("office", office); err != nil {
		return Collaborator{}, err
	}
	if err := checkID("user", user); err != nil {
		return Collaborator{}, err
	}
	if !profile.Valid() {
		return Collaborator{}, cabinet.Invalid("profile", "%s is not admin or standard", profile)
	}
	c := Collaborator{Office: office, User: user, Profile: profile, AddedAt: s.o.Now()}
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		if _, err := w.Office(ctx, office); err != nil {
			return err
		}
		if _, err := s.users.User(ctx, w.Tx(), user); err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		if _, err := w.Collaborator(ctx, office, user); err == nil {
			return cabinet.Conflict("", "user %s already is a collaborator of office %s", user, office)
		} else if !isNotFound(err) {
			return err
		}
		return w.PutCollaborator(ctx, c)
	})
	if err != nil {
		return Collaborator{}, err
	}
	s.o.Publish(ctx, rev, actor, CollaboratorAdded{Office: office, User: user, Profile: profile})
	return c, nil
}

// SetProfile changes a collaborator's profile. Admins only (GRP-5); the last
// admin of an office cannot be demoted (ErrConflict, rule GRP-5: an office
// always keeps an admin to administer it). Setting the current profile is a
// no-op. Errors: ErrInvalid, ErrNotFound (office, collaborator),
// ErrForbidden (GRP-5), ErrConflict (GRP-5).
func (s *Service) SetProfile(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, profile cabinet.Profile) (Collaborator, error) {
	if err := checkActor(actor); err != nil {
		return Collaborator{}, err
	}
	if err := checkID("office", office); err != nil {
		return Collaborator{}, err
	}
	if err := checkID("user", user); err != nil {
		return Collaborator{}, err
	}
	if !profile.Valid() {
		return Collaborator{}, cabinet.Invalid("profile", "%s is not admin or standard", profile)
	}
	var c Collaborator
	var from cabinet.Profile
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		if _, err := w.Office(ctx, office); err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		var err error
		c, err = w.Collaborator(ctx, office, user)
		if err != nil {
			return err
		}
		from = c.Profile
		if from == profile {
			return nil
		}
		if from == cabinet.ProfileAdmin {
			n, err := countAdmins(ctx, w, office)
			if err != nil {
				return err
			}
			if n <= 1 {
				return cabinet.Conflict("GRP-5", "user %s is the last admin of office %s", user, office)
			}
		}
		c.Profile = profile
		return w.PutCollaborator(ctx, c)
	})
	if err != nil {
		return Collaborator{}, err
	}
	if from != profile {
		s.o.Publish(ctx, rev, actor, CollaboratorProfileChanged{Office: office, User: user, From: from, To: profile})
	}
	return c, nil
}

// RemoveCollaborator takes user out of office. Admins only (GRP-5); an admin
// may remove themselves unless they are the last admin (ErrConflict, GRP-5).
// Every internal route the user had in the office disappears with them
// (GRP-11): their collaborator-group memberships and direct client-group
// assignments are deleted in the same transaction, and InternalRoutes gives
// a non-collaborator no route even if access still names them manager or
// assigned collaborator. Errors: ErrInvalid, ErrNotFound (office,
// collaborator), ErrForbidden (GRP-5), ErrConflict (GRP-5).
func (s *Service) RemoveCollaborator(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("office", office); err != nil {
		return err
	}
	if err := checkID("user", user); err != nil {
		return err
	}
	var events []cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		events = events[:0]
		if _, err := w.Office(ctx, office); err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		c, err := w.Collaborator(ctx, office, user)
		if err != nil {
			return err
		}
		if c.Profile == cabinet.ProfileAdmin {
			n, err := countAdmins(ctx, w, office)
			if err != nil {
				return err
			}
			if n <= 1 {
				return cabinet.Conflict("GRP-5", "user %s is the last admin of office %s", user, office)
			}
		}
		ms, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Member, cabinet.Cursor, error) {
			return w.Members(ctx, MemberFilter{User: user}, p)
		})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Office != office {
				continue
			}
			if err := w.DeleteMember(ctx, m.Group, m.User); err != nil {
				return err
			}
			events = append(events, CollaboratorGroupMemberRemoved{Office: office, Group: m.Group, User: user})
		}
		das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
			return w.DirectAssignments(ctx, DirectAssignmentFilter{User: user}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range das {
			if a.Office != office {
				continue
			}
			if err := w.DeleteDirectAssignment(ctx, a.ClientGroup, a.User); err != nil {
				return err
			}
			events = append(events, CollaboratorUnassigned{Office: office, ClientGroup: a.ClientGroup, User: user})
		}
		events = append(events, CollaboratorRemoved{Office: office, User: user, Profile: c.Profile})
		return w.DeleteCollaborator(ctx, office, user)
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

// ---- collaborator groups ----

// CreateCollaboratorGroup creates a collaborator group named name in office.
// Admins only (GRP-5). Errors: ErrInvalid (actor, office, name), ErrNotFound
// (office), ErrForbidden (GRP-5).
func (s *Service) CreateCollaboratorGroup(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (CollaboratorGroup, error) {
	if err := checkActor(actor); err != nil {
		return CollaboratorGroup{}, err
	}
	if err := checkID("office", office); err != nil {
		return CollaboratorGroup{}, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return CollaboratorGroup{}, err
	}
	g := CollaboratorGroup{ID: cabinet.NewID[cabinet.CollaboratorGroupID](s.o.IDs, "cgroup"), Office: office, Name: name, CreatedAt: s.o.Now()}
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		if _, err := w.Office(ctx, office); err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		return w.PutCollaboratorGroup(ctx, g)
	})
	if err != nil {
		return CollaboratorGroup{}, err
	}
	s.o.Publish(ctx, rev, actor, CollaboratorGroupCreated{Office: office, Group: g.ID, Name: name})
	return g, nil
}

// RenameCollaboratorGroup renames a collaborator group. Admins only (GRP-5).
// Errors: ErrInvalid (actor, group, name), ErrNotFound (group), ErrForbidden.
func (s *Service) RenameCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, name string) (CollaboratorGroup, error) {
	if err := checkActor(actor); err != nil {
		return CollaboratorGroup{}, err
	}
	if err := checkID("group", group); err != nil {
		return CollaboratorGroup{}, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return CollaboratorGroup{}, err
	}
	var g CollaboratorGroup
	changed := false
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		g, err = w.CollaboratorGroup(ctx, group)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		if g.Name == name {
			return nil
		}
		g.Name, changed = name, true
		return w.PutCollaboratorGroup(ctx, g)
	})
	if err != nil {
		return CollaboratorGroup{}, err
	}
	if changed {
		s.o.Publish(ctx, rev, actor, CollaboratorGroupRenamed{Office: g.Office, Group: g.ID, Name: name})
	}
	return g, nil
}

// DeleteCollaboratorGroup deletes a collaborator group, its memberships and
// its assignments to client groups. Admins only (GRP-5). Errors: ErrInvalid,
// ErrNotFound (group), ErrForbidden (GRP-5).
func (s *Service) DeleteCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("group", group); err != nil {
		return err
	}
	var events []cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		events = events[:0]
		g, err := w.CollaboratorGroup(ctx, group)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		ms, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Member, cabinet.Cursor, error) {
			return w.Members(ctx, MemberFilter{Group: group}, p)
		})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := w.DeleteMember(ctx, m.Group, m.User); err != nil {
				return err
			}
			events = append(events, CollaboratorGroupMemberRemoved{Office: g.Office, Group: group, User: m.User})
		}
		gas, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error) {
			return w.GroupAssignments(ctx, GroupAssignmentFilter{CollaboratorGroup: group}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range gas {
			if err := w.DeleteGroupAssignment(ctx, a.ClientGroup, a.CollaboratorGroup); err != nil {
				return err
			}
			events = append(events, CollaboratorGroupUnassigned{Office: g.Office, ClientGroup: a.ClientGroup, CollaboratorGroup: group})
		}
		events = append(events, CollaboratorGroupDeleted{Office: g.Office, Group: group})
		return w.DeleteCollaboratorGroup(ctx, group)
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

// AddMember puts a collaborator of the group's office into a collaborator
// group (GRP-8). Admins only (GRP-5). Adding a current member is a no-op.
// Errors: ErrInvalid, ErrNotFound (group, or user is not a collaborator of
// the office), ErrForbidden (GRP-5).
func (s *Service) AddMember(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, user cabinet.UserID) error {
	return s.setMember(ctx, actor, group, user, true)
}

// RemoveMember takes a collaborator out of a collaborator group. Admins only
// (GRP-5). Errors: ErrInvalid, ErrNotFound (group, membership), ErrForbidden.
func (s *Service) RemoveMember(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, user cabinet.UserID) error {
	return s.setMember(ctx, actor, group, user, false)
}

func (s *Service) setMember(ctx context.Context, actor cabinet.UserID, group cabinet.CollaboratorGroupID, user cabinet.UserID, add bool) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("group", group); err != nil {
		return err
	}
	if err := checkID("user", user); err != nil {
		return err
	}
	var ev cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		ev = nil
		g, err := w.CollaboratorGroup(ctx, group)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		if add {
			if _, err := w.Collaborator(ctx, g.Office, user); err != nil {
				return err
			}
			if _, err := w.Member(ctx, group, user); err == nil {
				return nil
			} else if !isNotFound(err) {
				return err
			}
			ev = CollaboratorGroupMemberAdded{Office: g.Office, Group: group, User: user}
			return w.PutMember(ctx, Member{Group: group, Office: g.Office, User: user})
		}
		if err := w.DeleteMember(ctx, group, user); err != nil {
			return err
		}
		ev = CollaboratorGroupMemberRemoved{Office: g.Office, Group: group, User: user}
		return nil
	})
	if err != nil {
		return err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, ev)
	}
	return nil
}

// ---- client groups ----

// CreateClientGroup creates a client group in office with a required name
// (GRP-6; duplicates allowed, see DuplicateNames) and an optional email
// ("" for none, GRP-7). Admins only (GRP-5). Errors: ErrInvalid (actor,
// office, name, email), ErrNotFound (office), ErrForbidden (GRP-5).
func (s *Service) CreateClientGroup(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name, email string) (ClientGroup, error) {
	if err := checkActor(actor); err != nil {
		return ClientGroup{}, err
	}
	if err := checkID("office", office); err != nil {
		return ClientGroup{}, err
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return ClientGroup{}, err
	}
	email, err = optionalEmail(email)
	if err != nil {
		return ClientGroup{}, err
	}
	g := ClientGroup{ID: cabinet.NewID[cabinet.ClientGroupID](s.o.IDs, "group"), Office: office, Name: name, Email: email, CreatedAt: s.o.Now()}
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		if _, err := w.Office(ctx, office); err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		return w.PutClientGroup(ctx, g)
	})
	if err != nil {
		return ClientGroup{}, err
	}
	s.o.Publish(ctx, rev, actor, ClientGroupCreated{Office: office, Group: g.ID, Name: name, Email: email})
	return g, nil
}

func optionalEmail(email string) (string, error) {
	if isBlank(email) {
		return "", nil
	}
	return cabinet.ParseEmail("email", email)
}

// RenameClientGroup renames a client group (name required, GRP-6). Admins
// only (GRP-5). Errors: ErrInvalid (actor, group, name), ErrNotFound,
// ErrForbidden (GRP-5).
func (s *Service) RenameClientGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, name string) (ClientGroup, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return ClientGroup{}, err
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
// is blank (GRP-7). Admins only (GRP-5). Errors: ErrInvalid (actor, group,
// email), ErrNotFound, ErrForbidden (GRP-5).
func (s *Service) SetClientGroupEmail(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, email string) (ClientGroup, error) {
	email, err := optionalEmail(email)
	if err != nil {
		return ClientGroup{}, err
	}
	return s.editClientGroup(ctx, actor, group, func(g *ClientGroup) cabinet.Event {
		if g.Email == email {
			return nil
		}
		g.Email = email
		return ClientGroupEmailChanged{Office: g.Office, Group: g.ID, Email: email}
	})
}

func (s *Service) editClientGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, edit func(g *ClientGroup) cabinet.Event) (ClientGroup, error) {
	if err := checkActor(actor); err != nil {
		return ClientGroup{}, err
	}
	if err := checkID("group", group); err != nil {
		return ClientGroup{}, err
	}
	var g ClientGroup
	var ev cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		var err error
		g, err = w.ClientGroup(ctx, group)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		if ev = edit(&g); ev == nil {
			return nil
		}
		return w.PutClientGroup(ctx, g)
	})
	if err != nil {
		return ClientGroup{}, err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, ev)
	}
	return g, nil
}

// DeleteClientGroup deletes a client group: its dossiers are taken out (they
// are then in no group, GRP-2) and its assignments removed, in one
// transaction. Admins only (GRP-5). Errors: ErrInvalid, ErrNotFound,
// ErrForbidden (GRP-5).
func (s *Service) DeleteClientGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("group", group); err != nil {
		return err
	}
	var events []cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		events = events[:0]
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		ps, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Placement, cabinet.Cursor, error) {
			return w.Placements(ctx, PlacementFilter{ClientGroup: group}, p)
		})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := w.DeletePlacement(ctx, p.Dossier); err != nil {
				return err
			}
			events = append(events, DossierMoved{Office: g.Office, Dossier: p.Dossier, From: group})
		}
		das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
			return w.DirectAssignments(ctx, DirectAssignmentFilter{ClientGroup: group}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range das {
			if err := w.DeleteDirectAssignment(ctx, a.ClientGroup, a.User); err != nil {
				return err
			}
			events = append(events, CollaboratorUnassigned{Office: g.Office, ClientGroup: group, User: a.User})
		}
		gas, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]GroupAssignment, cabinet.Cursor, error) {
			return w.GroupAssignments(ctx, GroupAssignmentFilter{ClientGroup: group}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range gas {
			if err := w.DeleteGroupAssignment(ctx, a.ClientGroup, a.CollaboratorGroup); err != nil {
				return err
			}
			events = append(events, CollaboratorGroupUnassigned{Office: g.Office, ClientGroup: group, CollaboratorGroup: a.CollaboratorGroup})
		}
		events = append(events, ClientGroupDeleted{Office: g.Office, Group: group})
		return w.DeleteClientGroup(ctx, group)
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

// ---- dossiers (GRP-4, GRP-5) ----

// MoveDossier puts dossier into client group to, taking it out of its
// previous group in the same step (GRP-4); to == "" takes it out of its
// group. Admins of the office only (GRP-5). Only an activated dossier of the
// group's office can be put into a group (GRP-5, GRP-1); any dossier can be
// taken out. Moving a dossier to the group it is in is a no-op.
//
// The dossier's facts are read in the same transaction as the placement is
// written: a dossier archived while it is being placed never commits the
// placement. Errors: ErrInvalid (actor, dossier), ErrNotFound (dossier, group, or no
// placement when taking out), ErrConflict (GRP-1: a group of another
// office than the dossier's, whoever asks), ErrForbidden (GRP-5: not an
// admin of the office, or a dossier that is not activated).
func (s *Service) MoveDossier(ctx context.Context, actor cabinet.UserID, dossier cabinet.DossierID, to cabinet.ClientGroupID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("dossier", dossier); err != nil {
		return err
	}
	var ev cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		ev = nil
		old, err := w.Placement(ctx, dossier)
		had := err == nil
		if err != nil && !isNotFound(err) {
			return err
		}
		if to == "" {
			if !had {
				return cabinet.NotFound("placement", dossier)
			}
			if err := requireAdmin(ctx, w, old.Office, actor); err != nil {
				return err
			}
			ev = DossierMoved{Office: old.Office, Dossier: dossier, From: old.ClientGroup}
			return w.DeletePlacement(ctx, dossier)
		}
		facts, err := s.dossiers.DossierFacts(ctx, w.Tx(), dossier)
		if err != nil {
			return err
		}
		g, err := w.ClientGroup(ctx, to)
		if err != nil {
			return err
		}
		if facts.Office != g.Office {
			// GRP-1: a group of another office is an invalid target
			// whoever asks (ErrConflict), checked before the actor's
			// permission, which is then about one office only.
			return CanPlace(facts, g)
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		if err := CanPlace(facts, g); err != nil {
			return err
		}
		if had && old.ClientGroup == to {
			return nil
		}
		ev = DossierMoved{Office: g.Office, Dossier: dossier, From: old.ClientGroup, To: to}
		return w.PutPlacement(ctx, Placement{Dossier: dossier, Office: g.Office, ClientGroup: to})
	})
	if err != nil {
		return err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, ev)
	}
	return nil
}

// ---- assignments (GRP-1, GRP-8, GRP-10) ----

// AssignCollaborator assigns a collaborator of the group's office directly to
// a client group (GRP-1, GRP-8); assigning twice is a no-op. Admins only
// (GRP-5). Errors: ErrInvalid, ErrNotFound (group, or user not a
// collaborator of the office), ErrForbidden (GRP-5).
func (s *Service) AssignCollaborator(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, user cabinet.UserID) error {
	if err := checkID("group", group); err != nil {
		return err
	}
	if err := checkID("user", user); err != nil {
		return err
	}
	return s.setDirect(ctx, actor, func(w Writer) (cabinet.OfficeID, map[cabinet.ClientGroupID]bool, cabinet.UserID, error) {
		g, err := w.ClientGroup(ctx, group)
		return g.Office, map[cabinet.ClientGroupID]bool{group: true}, user, err
	}, false)
}

// UnassignCollaborator removes a collaborator's direct assignment to a client
// group. Admins only (GRP-5). Errors: ErrInvalid, ErrNotFound (group,
// assignment), ErrForbidden (GRP-5).
func (s *Service) UnassignCollaborator(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, user cabinet.UserID) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("group", group); err != nil {
		return err
	}
	if err := checkID("user", user); err != nil {
		return err
	}
	var g ClientGroup
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		var err error
		if g, err = w.ClientGroup(ctx, group); err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		return w.DeleteDirectAssignment(ctx, group, user)
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, CollaboratorUnassigned{Office: g.Office, ClientGroup: group, User: user})
	return nil
}

// SetCollaboratorClientGroups edits a collaborator's client groups from the
// collaborator's side (GRP-10): afterwards user is a direct collaborator of
// exactly the client groups listed (all of office), with the same records and
// events as AssignCollaborator/UnassignCollaborator on each group. Admins
// only (GRP-5). Errors: ErrInvalid (actor, office, user, groups),
// ErrNotFound (office, user not a collaborator, a group), ErrForbidden
// (GRP-5), ErrConflict (GRP-1, a group of another office).
func (s *Service) SetCollaboratorClientGroups(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, user cabinet.UserID, groups []cabinet.ClientGroupID) error {
	if err := checkID("office", office); err != nil {
		return err
	}
	if err := checkID("user", user); err != nil {
		return err
	}
	want := make(map[cabinet.ClientGroupID]bool, len(groups))
	for _, g := range groups {
		if g == "" {
			return cabinet.Invalid("groups", "contains an empty client group ID")
		}
		want[g] = true
	}
	return s.setDirect(ctx, actor, func(w Writer) (cabinet.OfficeID, map[cabinet.ClientGroupID]bool, cabinet.UserID, error) {
		if _, err := w.Office(ctx, office); err != nil {
			return "", nil, "", err
		}
		return office, want, user, nil
	}, true)
}

// setDirect is the one implementation of direct assignments, used from the
// group side and from the collaborator side (GRP-10). target returns the
// office, the groups the user must be in, and the user; when exact is set,
// the user's other direct groups of the office are removed.
func (s *Service) setDirect(ctx context.Context, actor cabinet.UserID, target func(w Writer) (cabinet.OfficeID, map[cabinet.ClientGroupID]bool, cabinet.UserID, error), exact bool) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	var events []cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		events = events[:0]
		office, want, user, err := target(w)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, office, actor); err != nil {
			return err
		}
		if _, err := w.Collaborator(ctx, office, user); err != nil {
			return err
		}
		ids := make([]cabinet.ClientGroupID, 0, len(want))
		for g := range want {
			ids = append(ids, g)
		}
		slices.Sort(ids)
		for _, id := range ids {
			g, err := w.ClientGroup(ctx, id)
			if err != nil {
				return err
			}
			if g.Office != office {
				return cabinet.Conflict("GRP-1", "client group %s belongs to another office", id)
			}
		}
		if exact {
			cur, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]DirectAssignment, cabinet.Cursor, error) {
				return w.DirectAssignments(ctx, DirectAssignmentFilter{User: user}, p)
			})
			if err != nil {
				return err
			}
			for _, a := range cur {
				if a.Office != office || want[a.ClientGroup] {
					continue
				}
				if err := w.DeleteDirectAssignment(ctx, a.ClientGroup, user); err != nil {
					return err
				}
				events = append(events, CollaboratorUnassigned{Office: office, ClientGroup: a.ClientGroup, User: user})
			}
		}
		for _, id := range ids {
			if _, err := w.DirectAssignment(ctx, id, user); err == nil {
				continue
			} else if !isNotFound(err) {
				return err
			}
			if err := w.PutDirectAssignment(ctx, DirectAssignment{ClientGroup: id, Office: office, User: user}); err != nil {
				return err
			}
			events = append(events, CollaboratorAssigned{Office: office, ClientGroup: id, User: user})
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, events...)
	return nil
}

// AssignCollaboratorGroup assigns a collaborator group to a client group of
// the same office (GRP-1, GRP-8); assigning twice is a no-op. Admins only
// (GRP-5). Errors: ErrInvalid, ErrNotFound (either group), ErrForbidden
// (GRP-5), ErrConflict (GRP-1, a collaborator group of another office).
func (s *Service) AssignCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) error {
	return s.setGroupAssignment(ctx, actor, group, cgroup, true)
}

// UnassignCollaboratorGroup removes a collaborator group from a client group.
// Admins only (GRP-5). Errors: ErrInvalid, ErrNotFound (group, assignment),
// ErrForbidden (GRP-5).
func (s *Service) UnassignCollaboratorGroup(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) error {
	return s.setGroupAssignment(ctx, actor, group, cgroup, false)
}

func (s *Service) setGroupAssignment(ctx context.Context, actor cabinet.UserID, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID, add bool) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkID("group", group); err != nil {
		return err
	}
	if err := checkID("collaborator_group", cgroup); err != nil {
		return err
	}
	var ev cabinet.Event
	rev, err := s.store.UpdateClientGroups(ctx, func(w Writer) error {
		ev = nil
		g, err := w.ClientGroup(ctx, group)
		if err != nil {
			return err
		}
		if err := requireAdmin(ctx, w, g.Office, actor); err != nil {
			return err
		}
		if !add {
			if err := w.DeleteGroupAssignment(ctx, group, cgroup); err != nil {
				return err
			}
			ev = CollaboratorGroupUnassigned{Office: g.Office, ClientGroup: group, CollaboratorGroup: cgroup}
			return nil
		}
		cg, err := w.CollaboratorGroup(ctx, cgroup)
		if err != nil {
			return err
		}
		if cg.Office != g.Office {
			return cabinet.Conflict("GRP-1", "collaborator group %s belongs to another office than client group %s", cgroup, group)
		}
		if _, err := w.GroupAssignment(ctx, group, cgroup); err == nil {
			return nil
		} else if !isNotFound(err) {
			return err
		}
		ev = CollaboratorGroupAssigned{Office: g.Office, ClientGroup: group, CollaboratorGroup: cgroup}
		return w.PutGroupAssignment(ctx, GroupAssignment{ClientGroup: group, Office: g.Office, CollaboratorGroup: cgroup})
	})
	if err != nil {
		return err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, ev)
	}
	return nil
}
