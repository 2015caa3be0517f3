package scenario

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// Dossier has manager, a collaborator of office, create a dossier named name
// and activate it (access.Service.CreateDossier, SetStatus): manager manages
// it. With manager "", the office's admin creates and activates it and
// leaves it without manager. It returns the dossier as stored.
func (s *Scenario) Dossier(office cabinet.OfficeID, name string, manager cabinet.UserID) access.Dossier {
	s.tb.Helper()
	return s.newDossier(office, name, manager, true, "Dossier(%s, %q, %s)")
}

// DraftDossier is Dossier without the activation: the dossier stays a
// draft, and cannot be put into a client group yet (GRP-5).
func (s *Scenario) DraftDossier(office cabinet.OfficeID, name string, manager cabinet.UserID) access.Dossier {
	s.tb.Helper()
	return s.newDossier(office, name, manager, false, "DraftDossier(%s, %q, %s)")
}

func (s *Scenario) newDossier(office cabinet.OfficeID, name string, manager cabinet.UserID, activate bool, step string) access.Dossier {
	s.tb.Helper()
	actor, err := manager, error(nil)
	if actor == "" {
		actor, err = s.adminOf(office)
	}
	var d access.Dossier
	if err == nil {
		d, _, err = s.Access.CreateDossier(s.ctx, actor, office, name)
	}
	if err == nil && manager == "" {
		d, _, err = s.Access.SetManager(s.ctx, actor, d.ID, "")
	}
	if err == nil && activate {
		d, _, err = s.Access.SetStatus(s.ctx, actor, d.ID, cabinet.DossierActivated)
	}
	if err != nil {
		s.fail(err, step, office, name, manager)
		return access.Dossier{}
	}
	return d
}

// SetStatus has the office's admin move dossier d to status
// (access.Service.SetStatus: draft → activated → archived, and archived →
// activated). It returns the dossier as stored.
func (s *Scenario) SetStatus(d cabinet.DossierID, status cabinet.DossierStatus) access.Dossier {
	s.tb.Helper()
	rec, err := s.dossier(d)
	var admin cabinet.UserID
	if err == nil {
		admin, err = s.adminOf(rec.Office)
	}
	if err == nil {
		rec, _, err = s.Access.SetStatus(s.ctx, admin, d, status)
	}
	if err != nil {
		s.fail(err, "SetStatus(%s, %s)", d, status)
		return access.Dossier{}
	}
	return rec
}

// SetAssigned has the office's admin make users, collaborators of the
// office, the assigned collaborators of dossier d (access.Service.
// SetAssigned): they reach it (GRP-3). It returns the dossier as stored.
func (s *Scenario) SetAssigned(d cabinet.DossierID, users ...cabinet.UserID) access.Dossier {
	s.tb.Helper()
	rec, err := s.dossier(d)
	var admin cabinet.UserID
	if err == nil {
		admin, err = s.adminOf(rec.Office)
	}
	if err == nil {
		rec, _, err = s.Access.SetAssigned(s.ctx, admin, d, users)
	}
	if err != nil {
		s.fail(err, "SetAssigned(%s, %v)", d, users)
		return access.Dossier{}
	}
	return rec
}

// Person has dossier d's manager add a person named name with relation rel
// to its family tree (access.Service.AddPerson; ACC-2: central persons are
// the manager's). It returns the person.
func (s *Scenario) Person(d cabinet.DossierID, name string, rel access.Relation) access.Person {
	s.tb.Helper()
	manager, err := s.managerOf(d)
	var p access.Person
	if err == nil {
		p, _, err = s.Access.AddPerson(s.ctx, manager, d, access.PersonInput{Name: name, Relation: rel})
	}
	if err != nil {
		s.fail(err, "Person(%s, %q, %s)", d, name, rel)
	}
	return p
}

// Grant has the dossier's manager give person p of its family tree access
// at level, at EmailFor(the person's name) and a phone of the builder's
// (access.Service.GrantPerson), then signs the grantee up under the person's
// name at that address, unless an account already has it (the grant is
// then linked to that account). It returns the grant as stored, linked to
// the grantee's account (Grant.User).
func (s *Scenario) Grant(p access.PersonID, level access.Level) access.Grant {
	s.tb.Helper()
	g, name, err := s.grantPerson(p, level)
	if err == nil {
		g, err = s.signUpGrantee(g, name)
	}
	if err != nil {
		s.fail(err, "Grant(%s, %s)", p, level)
		return access.Grant{}
	}
	return g
}

// GrantInvited is Grant without the sign-up: the grantee has no account
// yet, so the invitation is pending and its reminders run (ACC-5), and the
// grant's contact details can still be corrected (ACC-3). It returns the
// grant as stored.
func (s *Scenario) GrantInvited(p access.PersonID, level access.Level) access.Grant {
	s.tb.Helper()
	g, _, err := s.grantPerson(p, level)
	if err != nil {
		s.fail(err, "GrantInvited(%s, %s)", p, level)
		return access.Grant{}
	}
	return g
}

func (s *Scenario) grantPerson(id access.PersonID, level access.Level) (access.Grant, string, error) {
	var p access.Person
	err := s.Store.ViewAccess(s.ctx, func(r access.Reader) error {
		var err error
		p, err = r.Person(s.ctx, id)
		return err
	})
	if err != nil {
		return access.Grant{}, "", err
	}
	manager, err := s.managerOf(p.Dossier)
	if err != nil {
		return access.Grant{}, "", err
	}
	g, _, err := s.Access.GrantPerson(s.ctx, manager, id, access.GrantInput{Email: EmailFor(p.Name), Phone: s.nextPhone(), Level: level})
	return g, p.Name, err
}

// Advisor has dossier d's manager register an external advisor named name
// of type t, at EmailFor(name) and a phone of the builder's
// (access.Service.RegisterAdvisor; ACC-8: registering gives no access).
// AdvisorOther needs a label: register such an advisor with
// s.Access.RegisterAdvisor. It returns the advisor.
func (s *Scenario) Advisor(d cabinet.DossierID, name string, t access.AdvisorType) access.Advisor {
	s.tb.Helper()
	manager, err := s.managerOf(d)
	var a access.Advisor
	if err == nil {
		a, _, err = s.Access.RegisterAdvisor(s.ctx, manager, d, access.AdvisorInput{
			Name: name, Email: EmailFor(name), Phone: s.nextPhone(), Type: t})
	}
	if err != nil {
		s.fail(err, "Advisor(%s, %q, %s)", d, name, t)
	}
	return a
}

// GrantAdvisor has the dossier's manager give registered advisor a access
// at level (access.Service.GrantAdvisor; ACC-9), then signs the advisor up
// under their name at their registered address, unless an account already
// has it. It returns the grant as stored, linked to the advisor's account.
func (s *Scenario) GrantAdvisor(a access.AdvisorID, level access.Level) access.Grant {
	s.tb.Helper()
	var adv access.Advisor
	err := s.Store.ViewAccess(s.ctx, func(r access.Reader) error {
		var err error
		adv, err = r.Advisor(s.ctx, a)
		return err
	})
	var manager cabinet.UserID
	if err == nil {
		manager, err = s.managerOf(adv.Dossier)
	}
	var g access.Grant
	if err == nil {
		g, _, err = s.Access.GrantAdvisor(s.ctx, manager, a, level)
	}
	if err == nil {
		g, err = s.signUpGrantee(g, adv.Name)
	}
	if err != nil {
		s.fail(err, "GrantAdvisor(%s, %s)", a, level)
		return access.Grant{}
	}
	return g
}

// signUpGrantee signs up the grantee of g, named name, unless the grant is
// linked already, and returns the grant as stored.
func (s *Scenario) signUpGrantee(g access.Grant, name string) (access.Grant, error) {
	if g.User != "" {
		return g, nil
	}
	u, _, err := s.Teams.CreateUser(s.ctx, HostSignUp, name, g.Email)
	if err != nil {
		return access.Grant{}, err
	}
	s.emails[cabinet.EmailKey(u.Email)] = true
	err = s.Store.ViewAccess(s.ctx, func(r access.Reader) error {
		var err error
		g, err = r.Grant(s.ctx, g.ID)
		return err
	})
	return g, err
}

// dossier returns dossier id as stored.
func (s *Scenario) dossier(id cabinet.DossierID) (access.Dossier, error) {
	var d access.Dossier
	err := s.Store.ViewAccess(s.ctx, func(r access.Reader) error {
		var err error
		d, err = r.Dossier(s.ctx, id)
		return err
	})
	return d, err
}

// managerOf returns who manages dossier id's outside access: its manager,
// or the office's admin when it has none.
func (s *Scenario) managerOf(id cabinet.DossierID) (cabinet.UserID, error) {
	d, err := s.dossier(id)
	if err != nil {
		return "", err
	}
	if d.Manager != "" {
		return d.Manager, nil
	}
	return s.adminOf(d.Office)
}
