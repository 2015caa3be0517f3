package scenario

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
)

// Contact has the office's admin add a contact of kind k named first last
// (contact.Service.CreateContact), with status added: a client or partner at
// EmailFor(first+" "+last) (CON-1, CON-2), a lead with no email (CON-3).
// A partner in a company, or a contact with a phone, is written with
// s.Contacts.CreateContact. It returns the contact as stored.
func (s *Scenario) Contact(office cabinet.OfficeID, k contact.Kind, first, last string) contact.Contact {
	s.tb.Helper()
	f := contact.Fields{FirstName: first, LastName: last}
	if k != contact.KindLead {
		f.Email = EmailFor(first + " " + last)
	}
	admin, err := s.adminOf(office)
	var c contact.Contact
	if err == nil {
		c, _, err = s.Contacts.CreateContact(s.ctx, admin, office, k, f)
	}
	if err != nil {
		s.fail(err, "Contact(%s, %s, %q, %q)", office, k, first, last)
	}
	return c
}

// Plan sets office's plan (procedure.Service.SetPlan, host HostBilling):
// procedure.PlanPlatinum includes contributor roles (PROC-1). It returns the
// office's plan state as stored.
func (s *Scenario) Plan(office cabinet.OfficeID, plan procedure.Plan) procedure.OfficePlan {
	s.tb.Helper()
	p, _, err := s.Procedures.SetPlan(s.ctx, HostBilling, office, plan)
	if err != nil {
		s.fail(err, "Plan(%s, %s)", office, plan)
	}
	return p
}

// Procedure has the office's admin create a procedure named name whose main
// recipient role is mainRole (procedure.Service.CreateProcedure; PROC-2). It
// returns the procedure as stored.
func (s *Scenario) Procedure(office cabinet.OfficeID, name, mainRole string) procedure.Procedure {
	s.tb.Helper()
	admin, err := s.adminOf(office)
	var p procedure.Procedure
	if err == nil {
		p, _, err = s.Procedures.CreateProcedure(s.ctx, admin, office, name, mainRole)
	}
	if err != nil {
		s.fail(err, "Procedure(%s, %q, %q)", office, name, mainRole)
	}
	return p
}

// Role has the office's admin add a contributor role named name with perms
// to procedure p (procedure.Service.AddRole; PROC-2, PROC-4). The office
// needs the contributors option (PROC-1): Plan(office,
// procedure.PlanPlatinum) first, or start its trial. It returns the role.
func (s *Scenario) Role(p cabinet.ProcedureID, name string, perms ...procedure.Permission) procedure.Role {
	s.tb.Helper()
	proc, err := s.procedure(p)
	var admin cabinet.UserID
	if err == nil {
		admin, err = s.adminOf(proc.Office)
	}
	var r procedure.Role
	if err == nil {
		r, _, err = s.Procedures.AddRole(s.ctx, admin, p, name, procedure.PermissionsOf(perms...))
	}
	if err != nil {
		s.fail(err, "Role(%s, %q, %v)", p, name, perms)
	}
	return r
}

// Item has the office's admin add a document item named name to procedure
// p, assigned to role ("" for the main recipient; procedure.Service.AddItem,
// PROC-3). It returns the item.
func (s *Scenario) Item(p cabinet.ProcedureID, name string, role procedure.RoleID) procedure.Item {
	s.tb.Helper()
	proc, err := s.procedure(p)
	var admin cabinet.UserID
	if err == nil {
		admin, err = s.adminOf(proc.Office)
	}
	var it procedure.Item
	if err == nil {
		it, _, err = s.Procedures.AddItem(s.ctx, admin, p, name, role)
	}
	if err != nil {
		s.fail(err, "Item(%s, %q, %s)", p, name, role)
	}
	return it
}

// Case opens a case of procedure p for recipient, by their name and
// email, attached to dossier d ("" for none) (procedure.Service.OpenCase,
// PROC-5): opened by d's manager, or by the office's admin for an unattached
// case or a dossier without manager. It returns the case as stored, its
// recipient's seat linked to their account.
func (s *Scenario) Case(p cabinet.ProcedureID, d cabinet.DossierID, recipient cabinet.User) procedure.Case {
	s.tb.Helper()
	proc, err := s.procedure(p)
	var opener cabinet.UserID
	if err == nil {
		if d != "" {
			opener, err = s.managerOf(d)
		} else {
			opener, err = s.adminOf(proc.Office)
		}
	}
	var c procedure.Case
	if err == nil {
		c, _, err = s.Procedures.OpenCase(s.ctx, opener, p, d, procedure.Invitee{Name: recipient.DisplayName, Email: recipient.Email})
	}
	if err != nil {
		s.fail(err, "Case(%s, %s, %s)", p, d, recipient.ID)
	}
	return c
}

// Contributor has whoever opened case c invite who, by their name and email,
// into contributor role, with the invitation email
// (procedure.Service.InviteContributor; PROC-5, PROC-6; the office needs the
// contributors option, PROC-1). It returns the seat as stored.
func (s *Scenario) Contributor(c cabinet.CaseID, role procedure.RoleID, who cabinet.User) procedure.Participant {
	s.tb.Helper()
	var rec procedure.Case
	err := s.Store.ViewProcedures(s.ctx, func(r procedure.Reader) error {
		var err error
		rec, err = r.Case(s.ctx, c)
		return err
	})
	var seat procedure.Participant
	if err == nil {
		seat, _, err = s.Procedures.InviteContributor(s.ctx, rec.OpenedBy, c, role, procedure.Invitee{Name: who.DisplayName, Email: who.Email}, true)
	}
	if err != nil {
		s.fail(err, "Contributor(%s, %s, %s)", c, role, who.ID)
	}
	return seat
}

// procedure returns procedure id as stored.
func (s *Scenario) procedure(id cabinet.ProcedureID) (procedure.Procedure, error) {
	var p procedure.Procedure
	err := s.Store.ViewProcedures(s.ctx, func(r procedure.Reader) error {
		var err error
		p, err = r.Procedure(s.ctx, id)
		return err
	})
	return p, err
}
