package scenario

import (
	"context"
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/team"
)

// User signs up a person named name (team.Service.CreateUser, host
// HostSignUp) at EmailFor(name), or, when an account already has that
// address, at the first free one of name2@, name3@, … It returns the
// account. Anything waiting for the address (a grant, a team invitation, a
// contact, a seat on a case) is linked to it in the same transaction.
func (s *Scenario) User(name string) cabinet.User {
	s.tb.Helper()
	base := slug(name)
	email := base + "@example.com"
	for n := 2; s.emails[cabinet.EmailKey(email)] || s.hasAccount(email); n++ {
		email = fmt.Sprintf("%s%d@example.com", base, n)
	}
	u, _, err := s.Teams.CreateUser(s.ctx, HostSignUp, name, email)
	if err != nil {
		s.fail(err, "User(%q)", name)
		return cabinet.User{}
	}
	s.emails[cabinet.EmailKey(u.Email)] = true
	return u
}

// SignUp signs up a person named name at email (team.Service.CreateUser,
// host HostSignUp), e.g. the address a grant or an invitation was sent to.
// It returns the account; anything waiting for the address is linked to it
// in the same transaction.
func (s *Scenario) SignUp(name, email string) cabinet.User {
	s.tb.Helper()
	u, _, err := s.Teams.CreateUser(s.ctx, HostSignUp, name, email)
	if err != nil {
		s.fail(err, "SignUp(%q, %q)", name, email)
		return cabinet.User{}
	}
	s.emails[cabinet.EmailKey(u.Email)] = true
	return u
}

// Office has admin create an office named name, with the general address
// EmailFor(name) (clientgroup.Service.CreateOffice): admin is its first
// admin, and runs the office's organisation in later steps. It returns the
// office.
func (s *Scenario) Office(name string, admin cabinet.UserID) clientgroup.Office {
	s.tb.Helper()
	o, _, err := s.Groups.CreateOffice(s.ctx, admin, name, EmailFor(name))
	if err != nil {
		s.fail(err, "Office(%q, %s)", name, admin)
	}
	return o
}

// Collaborator signs up a person named name (as User does) and has the
// office's admin add them to office with profile p. It returns the account.
func (s *Scenario) Collaborator(office cabinet.OfficeID, name string, p cabinet.Profile) cabinet.User {
	s.tb.Helper()
	u := s.User(name)
	if u.ID == "" {
		return u
	}
	if !s.addCollaborator(office, u.ID, p, "Collaborator(%s, %q, %s)", office, name, p) {
		return cabinet.User{}
	}
	return u
}

// AddCollaborator has the office's admin add user, who already has an
// account, to office with profile p (clientgroup.Service.AddCollaborator).
func (s *Scenario) AddCollaborator(office cabinet.OfficeID, user cabinet.UserID, p cabinet.Profile) {
	s.tb.Helper()
	s.addCollaborator(office, user, p, "AddCollaborator(%s, %s, %s)", office, user, p)
}

func (s *Scenario) addCollaborator(office cabinet.OfficeID, user cabinet.UserID, p cabinet.Profile, step string, args ...any) bool {
	s.tb.Helper()
	admin, err := s.adminOf(office)
	if err == nil {
		_, _, err = s.Groups.AddCollaborator(s.ctx, admin, office, user, p)
	}
	if err != nil {
		s.fail(err, step, args...)
		return false
	}
	return true
}

// ClientGroup has the office's admin create a client group named name,
// without an address of its own (clientgroup.Service.CreateClientGroup).
// It returns the group.
func (s *Scenario) ClientGroup(office cabinet.OfficeID, name string) clientgroup.ClientGroup {
	s.tb.Helper()
	admin, err := s.adminOf(office)
	var g clientgroup.ClientGroup
	if err == nil {
		g, _, err = s.Groups.CreateClientGroup(s.ctx, admin, office, name, "")
	}
	if err != nil {
		s.fail(err, "ClientGroup(%s, %q)", office, name)
	}
	return g
}

// CollaboratorGroup has the office's admin create a collaborator group named
// name with members, collaborators of the office
// (clientgroup.Service.CreateCollaboratorGroup, AddMember). It returns the
// group.
func (s *Scenario) CollaboratorGroup(office cabinet.OfficeID, name string, members ...cabinet.UserID) clientgroup.CollaboratorGroup {
	s.tb.Helper()
	admin, err := s.adminOf(office)
	var g clientgroup.CollaboratorGroup
	if err == nil {
		g, _, err = s.Groups.CreateCollaboratorGroup(s.ctx, admin, office, name)
	}
	for _, m := range members {
		if err != nil {
			break
		}
		_, _, err = s.Groups.AddMember(s.ctx, admin, g.ID, m)
	}
	if err != nil {
		s.fail(err, "CollaboratorGroup(%s, %q, %v)", office, name, members)
		return clientgroup.CollaboratorGroup{}
	}
	return g
}

// Assign has the office's admin assign users, collaborators of the office,
// directly to client group g (clientgroup.Service.AssignCollaborator): they
// reach its dossiers (GRP-3).
func (s *Scenario) Assign(g cabinet.ClientGroupID, users ...cabinet.UserID) {
	s.tb.Helper()
	admin, err := s.adminOfGroup(g)
	for _, u := range users {
		if err != nil {
			break
		}
		_, _, err = s.Groups.AssignCollaborator(s.ctx, admin, g, u)
	}
	if err != nil {
		s.fail(err, "Assign(%s, %v)", g, users)
	}
}

// AssignGroup has the office's admin assign collaborator group cg to client
// group g (clientgroup.Service.AssignCollaboratorGroup): its members reach
// g's dossiers (GRP-3).
func (s *Scenario) AssignGroup(g cabinet.ClientGroupID, cg cabinet.CollaboratorGroupID) {
	s.tb.Helper()
	admin, err := s.adminOfGroup(g)
	if err == nil {
		_, _, err = s.Groups.AssignCollaboratorGroup(s.ctx, admin, g, cg)
	}
	if err != nil {
		s.fail(err, "AssignGroup(%s, %s)", g, cg)
	}
}

// Place has the office's admin put dossiers, activated dossiers of the
// office, into client group g in one command (clientgroup.Service.
// MoveDossiers; GRP-4, GRP-5).
func (s *Scenario) Place(g cabinet.ClientGroupID, dossiers ...cabinet.DossierID) {
	s.tb.Helper()
	admin, err := s.adminOfGroup(g)
	if err == nil {
		_, err = s.Groups.MoveDossiers(s.ctx, admin, dossiers, g)
	}
	if err != nil {
		s.fail(err, "Place(%s, %v)", g, dossiers)
	}
}

// adminOf returns who runs office's organisation: the user who created it
// while they are an admin of it, else its admin with the smallest ID.
func (s *Scenario) adminOf(office cabinet.OfficeID) (cabinet.UserID, error) {
	var admin cabinet.UserID
	err := s.Store.ViewClientGroups(s.ctx, func(r clientgroup.Reader) error {
		o, err := r.Office(s.ctx, office)
		if err != nil {
			return err
		}
		if c, err := r.Collaborator(s.ctx, office, o.CreatedBy); err == nil && c.Profile == cabinet.ProfileAdmin {
			admin = c.User
			return nil
		} else if !isNotFound(err) && err != nil {
			return err
		}
		for c, err := range cabinet.Each(s.ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: office}, p)
		}) {
			if err != nil {
				return err
			}
			if c.Profile == cabinet.ProfileAdmin {
				admin = c.User
				return nil
			}
		}
		return cabinet.NotFound("admin of office", office)
	})
	return admin, err
}

// adminOfGroup returns the admin of client group g's office.
func (s *Scenario) adminOfGroup(g cabinet.ClientGroupID) (cabinet.UserID, error) {
	var office cabinet.OfficeID
	err := s.Store.ViewClientGroups(s.ctx, func(r clientgroup.Reader) error {
		cg, err := r.ClientGroup(s.ctx, g)
		office = cg.Office
		return err
	})
	if err != nil {
		return "", err
	}
	return s.adminOf(office)
}

// hasAccount reports whether an account has email.
func (s *Scenario) hasAccount(email string) bool {
	found := false
	_ = s.Store.ViewTeams(s.ctx, func(r team.Reader) error {
		_, err := r.UserByEmail(s.ctx, email)
		found = err == nil
		return nil
	})
	return found
}

// user returns account id.
func (s *Scenario) user(id cabinet.UserID) (cabinet.User, error) {
	var u cabinet.User
	err := s.Store.ViewTeams(s.ctx, func(r team.Reader) error {
		var err error
		u, err = r.User(s.ctx, id)
		return err
	})
	return u, err
}
