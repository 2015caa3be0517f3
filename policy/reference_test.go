package policy_test

// The reference evaluator of SPEC §3 invariant 11: a plain, slow reading of
// SPEC §2 and /work/policy-semantics.md, written separately from the engine.
// It shares no helper with the engine and calls none of the domain packages'
// permission predicates (team.Can*, access.GrantAllows/Can*,
// clientgroup.InternalRoutes/CanAdminister/CanPlace, contact.Can*/Resolve,
// procedure.ItemAllows/CanReachCase/CanConfigure/PremiumAvailable), nor the
// records' helper methods (Team.IsMember, Dossier.IsManager, Session.ActiveAt,
// …): every rule is re-derived here from the raw records with simple loops.
//
// The state is first copied out of the stores' Readers into plain Go maps and
// slices (a refSnapshot); ref then answers one question at a time.

import (
	"context"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// refSnapshot is every record of the five stores, in plain containers.
type refSnapshot struct {
	now time.Time

	users       map[cabinet.UserID]cabinet.User
	teams       map[cabinet.TeamID]team.Team
	referrals   []team.Referral
	invitations map[team.InvitationID]team.Invitation
	consents    map[cabinet.DossierID]team.Consent // stored consent records (TEAM-9 v2); given when none

	dossiers map[cabinet.DossierID]access.Dossier
	grants   []access.Grant
	persons  []access.Person
	advisors map[access.AdvisorID]access.Advisor

	offices       map[cabinet.OfficeID]clientgroup.Office
	collaborators []clientgroup.Collaborator
	clientGroups  map[cabinet.ClientGroupID]clientgroup.ClientGroup
	cgroups       map[cabinet.CollaboratorGroupID]clientgroup.CollaboratorGroup
	members       []clientgroup.Member
	directs       []clientgroup.DirectAssignment
	groupAssigns  []clientgroup.GroupAssignment
	placements    []clientgroup.Placement

	contacts  map[cabinet.ContactID]contact.Contact
	sessions  map[contact.SessionID]contact.Session
	companies map[contact.CompanyID]contact.Company
	projects  map[contact.ProjectID]contact.Project
	decisions map[contact.DecisionID]contact.Decision
	units     map[contact.UnitID]contact.Unit

	plans      []procedure.OfficePlan
	procedures map[cabinet.ProcedureID]procedure.Procedure
	cases      map[cabinet.CaseID]procedure.Case
}

// refStore is what the snapshot reads: memstore.Store is one.
type refStore interface {
	team.Store
	access.Store
	clientgroup.Store
	contact.Store
	procedure.Store
}

// refListAll pages through a listing with pages of 1,000 (a size every
// package's Reader accepts).
func refListAll[T any](list func(after cabinet.Cursor, limit int) ([]T, cabinet.Cursor, error)) ([]T, error) {
	var out []T
	var after cabinet.Cursor
	for {
		page, next, err := list(after, 1000)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// takeSnapshot copies every record of st. now is the instant at which
// time-dependent rules (sessions, premium option) are judged.
func takeSnapshot(ctx context.Context, st refStore, now time.Time) (*refSnapshot, error) {
	s := &refSnapshot{
		now:          now,
		users:        map[cabinet.UserID]cabinet.User{},
		teams:        map[cabinet.TeamID]team.Team{},
		invitations:  map[team.InvitationID]team.Invitation{},
		consents:     map[cabinet.DossierID]team.Consent{},
		advisors:     map[access.AdvisorID]access.Advisor{},
		cgroups:      map[cabinet.CollaboratorGroupID]clientgroup.CollaboratorGroup{},
		companies:    map[contact.CompanyID]contact.Company{},
		projects:     map[contact.ProjectID]contact.Project{},
		decisions:    map[contact.DecisionID]contact.Decision{},
		units:        map[contact.UnitID]contact.Unit{},
		dossiers:     map[cabinet.DossierID]access.Dossier{},
		offices:      map[cabinet.OfficeID]clientgroup.Office{},
		clientGroups: map[cabinet.ClientGroupID]clientgroup.ClientGroup{},
		contacts:     map[cabinet.ContactID]contact.Contact{},
		sessions:     map[contact.SessionID]contact.Session{},
		procedures:   map[cabinet.ProcedureID]procedure.Procedure{},
		cases:        map[cabinet.CaseID]procedure.Case{},
	}
	err := st.ViewTeams(ctx, func(r team.Reader) error {
		us, err := refListAll(func(a cabinet.Cursor, n int) ([]cabinet.User, cabinet.Cursor, error) {
			return r.ListUsers(ctx, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, u := range us {
			s.users[u.ID] = u
		}
		ts, err := refListAll(func(a cabinet.Cursor, n int) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, t := range ts {
			s.teams[t.ID] = t
		}
		s.referrals, err = refListAll(func(a cabinet.Cursor, n int) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		is, err := refListAll(func(a cabinet.Cursor, n int) ([]team.Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, team.InvitationFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, x := range is {
			s.invitations[x.ID] = x
		}
		cs, err := refListAll(func(a cabinet.Cursor, n int) ([]team.DossierConsent, cabinet.Cursor, error) {
			return r.ListDossierConsents(ctx, team.ConsentFilter{}, cabinet.Page{After: a, Limit: n})
		})
		for _, c := range cs {
			s.consents[c.Dossier] = c.State
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = st.ViewAccess(ctx, func(r access.Reader) error {
		ds, err := refListAll(func(a cabinet.Cursor, n int) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, d := range ds {
			s.dossiers[d.ID] = d
		}
		s.grants, err = refListAll(func(a cabinet.Cursor, n int) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		s.persons, err = refListAll(func(a cabinet.Cursor, n int) ([]access.Person, cabinet.Cursor, error) {
			return r.Persons(ctx, access.PersonFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		as, err := refListAll(func(a cabinet.Cursor, n int) ([]access.Advisor, cabinet.Cursor, error) {
			return r.Advisors(ctx, access.AdvisorFilter{}, cabinet.Page{After: a, Limit: n})
		})
		for _, x := range as {
			s.advisors[x.ID] = x
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = st.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		os, err := refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.Office, cabinet.Cursor, error) {
			return r.Offices(ctx, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, o := range os {
			s.offices[o.ID] = o
		}
		if s.collaborators, err = refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, cabinet.Page{After: a, Limit: n})
		}); err != nil {
			return err
		}
		gs, err := refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
			return r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, g := range gs {
			s.clientGroups[g.ID] = g
		}
		cgs, err := refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
			return r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, g := range cgs {
			s.cgroups[g.ID] = g
		}
		if s.members, err = refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.Member, cabinet.Cursor, error) {
			return r.Members(ctx, clientgroup.MemberFilter{}, cabinet.Page{After: a, Limit: n})
		}); err != nil {
			return err
		}
		if s.directs, err = refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
			return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, cabinet.Page{After: a, Limit: n})
		}); err != nil {
			return err
		}
		if s.groupAssigns, err = refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
			return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, cabinet.Page{After: a, Limit: n})
		}); err != nil {
			return err
		}
		s.placements, err = refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.Placement, cabinet.Cursor, error) {
			return r.Placements(ctx, clientgroup.PlacementFilter{}, cabinet.Page{After: a, Limit: n})
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	err = st.ViewContacts(ctx, func(r contact.Reader) error {
		cs, err := refListAll(func(a cabinet.Cursor, n int) ([]contact.Contact, cabinet.Cursor, error) {
			return r.ListContacts(ctx, contact.ContactFilter{IncludeArchived: true}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, c := range cs {
			s.contacts[c.ID] = c
		}
		ss, err := refListAll(func(a cabinet.Cursor, n int) ([]contact.Session, cabinet.Cursor, error) {
			return r.ListSessions(ctx, contact.SessionFilter{}, cabinet.Page{After: a, Limit: n})
		})
		for _, x := range ss {
			s.sessions[x.ID] = x
		}
		if err != nil {
			return err
		}
		return s.takeRecords(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	err = st.ViewProcedures(ctx, func(r procedure.Reader) error {
		var err error
		if s.plans, err = refListAll(func(a cabinet.Cursor, n int) ([]procedure.OfficePlan, cabinet.Cursor, error) {
			return r.ListPlans(ctx, cabinet.Page{After: a, Limit: n})
		}); err != nil {
			return err
		}
		ps, err := refListAll(func(a cabinet.Cursor, n int) ([]procedure.Procedure, cabinet.Cursor, error) {
			return r.ListProcedures(ctx, procedure.ProcedureFilter{}, cabinet.Page{After: a, Limit: n})
		})
		if err != nil {
			return err
		}
		for _, p := range ps {
			s.procedures[p.ID] = p
		}
		ks, err := refListAll(func(a cabinet.Cursor, n int) ([]procedure.Case, cabinet.Cursor, error) {
			return r.ListCases(ctx, procedure.CaseFilter{}, cabinet.Page{After: a, Limit: n})
		})
		for _, k := range ks {
			s.cases[k.ID] = k
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// takeRecords copies contact's companies, projects, decisions and units.
func (s *refSnapshot) takeRecords(ctx context.Context, r contact.Reader) error {
	cs, err := refListAll(func(a cabinet.Cursor, n int) ([]contact.Company, cabinet.Cursor, error) {
		return r.ListCompanies(ctx, "", cabinet.Page{After: a, Limit: n})
	})
	if err != nil {
		return err
	}
	for _, x := range cs {
		s.companies[x.ID] = x
	}
	ps, err := refListAll(func(a cabinet.Cursor, n int) ([]contact.Project, cabinet.Cursor, error) {
		return r.ListProjects(ctx, contact.PartnerFilter{}, cabinet.Page{After: a, Limit: n})
	})
	if err != nil {
		return err
	}
	for _, x := range ps {
		s.projects[x.ID] = x
	}
	ds, err := refListAll(func(a cabinet.Cursor, n int) ([]contact.Decision, cabinet.Cursor, error) {
		return r.ListDecisions(ctx, contact.PartnerFilter{}, cabinet.Page{After: a, Limit: n})
	})
	if err != nil {
		return err
	}
	for _, x := range ds {
		s.decisions[x.ID] = x
	}
	us, err := refListAll(func(a cabinet.Cursor, n int) ([]contact.Unit, cabinet.Cursor, error) {
		return r.ListUnits(ctx, contact.UnitFilter{}, cabinet.Page{After: a, Limit: n})
	})
	for _, x := range us {
		s.units[x.ID] = x
	}
	return err
}

// ---- facts, each re-derived from the records ----

// profile is u's profile in office o, or ProfileInvalid when u is not one of
// its collaborators.
func (s *refSnapshot) profile(u cabinet.UserID, o cabinet.OfficeID) cabinet.Profile {
	if u == "" {
		return cabinet.ProfileInvalid
	}
	for _, c := range s.collaborators {
		if c.Office == o && c.User == u {
			return c.Profile
		}
	}
	return cabinet.ProfileInvalid
}

func isCollaboratorProfile(p cabinet.Profile) bool {
	return p == cabinet.ProfileAdmin || p == cabinet.ProfileStandard
}

// groupOf is the client group d is placed in, "" when none (GRP-2, GRP-4).
func (s *refSnapshot) groupOf(d cabinet.DossierID) cabinet.ClientGroupID {
	for _, p := range s.placements {
		if p.Dossier == d {
			return p.ClientGroup
		}
	}
	return ""
}

// internal is the set of GRP-3 routes of u to dossier d. A user who is not a
// collaborator of d's office has none (GRP-11).
func (s *refSnapshot) internal(u cabinet.UserID, d access.Dossier) cabinet.Routes {
	p := s.profile(u, d.Office)
	if u == "" || d.Office == "" || !isCollaboratorProfile(p) {
		return cabinet.NoRoutes
	}
	var r cabinet.Routes
	if p == cabinet.ProfileAdmin {
		r |= cabinet.RouteAdmin
	}
	if d.Manager == u {
		r |= cabinet.RouteManager
	}
	for _, a := range d.Assigned {
		if a == u {
			r |= cabinet.RouteAssigned
		}
	}
	g := s.groupOf(d.ID)
	if g == "" {
		return r
	}
	for _, a := range s.directs {
		if a.ClientGroup == g && a.User == u {
			r |= cabinet.RouteGroupDirect
		}
	}
	for _, ga := range s.groupAssigns {
		if ga.ClientGroup != g {
			continue
		}
		for _, m := range s.members {
			if m.Group == ga.CollaboratorGroup && m.User == u {
				r |= cabinet.RouteCollaboratorGroup
			}
		}
	}
	return r
}

// teamRole is u's role in team t and whether u is a member.
func teamRole(t team.Team, u cabinet.UserID) (team.Role, bool) {
	for _, m := range t.Members {
		if m.User == u && u != "" {
			return m.Role, true
		}
	}
	return team.RoleInvalid, false
}

// viaTeam reports whether u reaches dossier d through a team holding one of
// its referrals with consent given (TEAM-8, TEAM-9).
func (s *refSnapshot) viaTeam(u cabinet.UserID, d cabinet.DossierID) bool {
	for _, r := range s.referrals {
		if r.Dossier != d || r.Consent != team.ConsentGiven {
			continue
		}
		t, ok := s.teams[r.Team]
		if !ok {
			continue
		}
		if _, member := teamRole(t, u); member {
			return true
		}
	}
	return false
}

// grantRoute is the route a grant opens: central person, family member or
// external advisor (ACC-6/7/10/11).
func grantRoute(g access.Grant) cabinet.Routes {
	switch {
	case g.Kind == access.GranteePerson && g.Central:
		return cabinet.RouteCentralPerson
	case g.Kind == access.GranteePerson:
		return cabinet.RouteFamily
	case g.Kind == access.GranteeAdvisor:
		return cabinet.RouteExternalAdvisor
	}
	return cabinet.NoRoutes
}

// grantsOf are the grants u holds on dossier d.
func (s *refSnapshot) grantsOf(u cabinet.UserID, d cabinet.DossierID) []access.Grant {
	var out []access.Grant
	for _, g := range s.grants {
		if u != "" && g.User == u && g.Dossier == d {
			out = append(out, g)
		}
	}
	return out
}

// openSection reports whether a read_write grantee may edit section x
// (ACC-10, ACC-11).
func openSection(x access.Section) bool {
	return x == access.SectionFamilyStructure || x == access.SectionAssetInventory || x == access.SectionDonationInventory
}

func validLevel(l access.Level) bool {
	return l == access.LevelReadOnly || l == access.LevelReadWrite
}

// premium reports whether the contributors option is available to office o
// now (PROC-1): platinum plan, active boosters, or the 7-day trial.
func (s *refSnapshot) premium(o cabinet.OfficeID) bool {
	for _, p := range s.plans {
		if p.Office != o {
			continue
		}
		if p.Plan == procedure.PlanPlatinum {
			return true
		}
		if !p.BoostersFrom.IsZero() && !s.now.Before(p.BoostersFrom) && s.now.Before(p.BoostersUntil) {
			return true
		}
		if !p.TrialStartedAt.IsZero() && !s.now.Before(p.TrialStartedAt) && s.now.Before(p.TrialStartedAt.Add(7*24*time.Hour)) {
			return true
		}
		return false
	}
	return false // no stored plan: standard, no boosters, no trial
}

// ---- the question ----

// refResolve turns a subject into the user whose rights decide, or ok=false
// for a denial (POL-4 unknown user; CON-6 for a session that does not
// resolve).
func (s *refSnapshot) refResolve(sub policy.Subject) (cabinet.UserID, bool) {
	if sub.Session == "" {
		if _, ok := s.users[sub.User]; !ok || sub.User == "" {
			return "", false
		}
		return sub.User, true
	}
	ses, ok := s.sessions[sub.Session]
	if !ok {
		return "", false
	}
	// Active: started, not expired, not stopped at or before now.
	if s.now.Before(ses.StartedAt) || !s.now.Before(ses.ExpiresAt) {
		return "", false
	}
	if !ses.StoppedAt.IsZero() && !s.now.Before(ses.StoppedAt) {
		return "", false
	}
	c, ok := s.contacts[ses.Contact]
	if !ok || c.Archived || (c.Status != contact.StatusInvited && c.Status != contact.StatusActive) {
		return "", false
	}
	if isCollaboratorProfile(s.profile(ses.ContactUser, ses.Office)) {
		return "", false
	}
	if ses.ContactUser == "" {
		return "", false
	}
	if _, ok := s.users[ses.ContactUser]; !ok {
		return "", false
	}
	return ses.ContactUser, true
}

// ref answers whether sub may do a on res, with the routes that allow it
// (cabinet.NoRoutes when denied).
func ref(s *refSnapshot, sub policy.Subject, a policy.Action, res policy.Resource) (bool, cabinet.Routes) {
	u, ok := s.refResolve(sub)
	if !ok {
		return false, cabinet.NoRoutes
	}
	r := refRoutes(s, u, a, res)
	return r != cabinet.NoRoutes, r
}

// personRoutes answers ManageFamilyAccess for one person of d's tree, from
// the rule text (ACC-1, ACC-7): the manager may manage the access of anyone
// of the tree; a person holding a grant on d as a central person (holder or
// co-holder) only that of non-central persons. A person who is not in d's
// tree: no route (POL-4).
func (s *refSnapshot) personRoutes(u cabinet.UserID, d access.Dossier, id access.PersonID) cabinet.Routes {
	found := false
	var target access.Person
	for _, p := range s.persons {
		if p.ID == id && p.Dossier == d.ID {
			found, target = true, p
		}
	}
	if !found {
		return cabinet.NoRoutes
	}
	var r cabinet.Routes
	if d.Manager != "" && d.Manager == u {
		r |= cabinet.RouteManager // ACC-1: anyone of the tree
	}
	targetCentral := target.Relation == access.RelationHolder || target.Relation == access.RelationCoHolder
	if !targetCentral {
		for _, g := range s.grantsOf(u, d.ID) {
			if g.Kind == access.GranteePerson && g.Central {
				r |= cabinet.RouteCentralPerson // ACC-7: non-central persons only
			}
		}
	}
	return r
}

// refRoutes is the set of routes by which user u may do a on res.
func refRoutes(s *refSnapshot, u cabinet.UserID, a policy.Action, res policy.Resource) cabinet.Routes {
	switch a {
	case policy.ViewTeam, policy.ManageTeamMembers, policy.RenameTeam, policy.DeleteTeam, policy.ListReferrals:
		if res.Kind != policy.ResourceTeam {
			return cabinet.NoRoutes
		}
		t, ok := s.teams[cabinet.TeamID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		role, member := teamRole(t, u)
		if !member {
			return cabinet.NoRoutes
		}
		route := cabinet.RouteTeamMember
		if role == team.RoleAdmin {
			route = cabinet.RouteTeamAdmin
		}
		switch a {
		case policy.ViewTeam, policy.ListReferrals:
			return route // TEAM-4, TEAM-6, TEAM-12: members
		default: // manage members, rename, delete: admins, never a personal team
			if t.Personal || role != team.RoleAdmin {
				return cabinet.NoRoutes
			}
			return route
		}

	case policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports,
		policy.ManageFamilyAccess, policy.ManageExternalAdvisors, policy.AssignClientGroup, policy.SetManager:
		if res.Kind != policy.ResourceDossier {
			return cabinet.NoRoutes
		}
		d, ok := s.dossiers[cabinet.DossierID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		if a == policy.EditSection && (res.Section < access.SectionFamilyStructure || res.Section > access.SectionNotes) {
			return cabinet.NoRoutes
		}
		if res.Person != "" {
			if a != policy.ManageFamilyAccess {
				return cabinet.NoRoutes // a person is a resource of manage_family_access only (POL-4)
			}
			return s.personRoutes(u, d, res.Person)
		}
		var r cabinet.Routes
		switch a {
		case policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports:
			r = s.internal(u, d)
			if s.viaTeam(u, d.ID) {
				r |= cabinet.RouteTeam
			}
			if a == policy.UseSimulations || a == policy.UseReports {
				return r // grants never (ACC-10, ACC-11)
			}
			for _, g := range s.grantsOf(u, d.ID) {
				if !validLevel(g.Level) {
					continue
				}
				if a == policy.ViewDossier || (openSection(res.Section) && g.Level == access.LevelReadWrite) {
					r |= grantRoute(g)
				}
			}
			return r
		case policy.ManageFamilyAccess:
			if d.Manager != "" && d.Manager == u {
				r |= cabinet.RouteManager // ACC-1
			}
			for _, g := range s.grantsOf(u, d.ID) {
				if g.Kind == access.GranteePerson && g.Central {
					r |= cabinet.RouteCentralPerson // ACC-7
				}
			}
			return r
		case policy.ManageExternalAdvisors:
			if d.Manager != "" && d.Manager == u {
				return cabinet.RouteManager // ACC-9
			}
			return cabinet.NoRoutes
		case policy.AssignClientGroup:
			if s.profile(u, d.Office) == cabinet.ProfileAdmin && d.Status == cabinet.DossierActivated {
				return cabinet.RouteAdmin // GRP-5
			}
			return cabinet.NoRoutes
		default: // SetManager: an admin, or the manager while a collaborator
			p := s.profile(u, d.Office)
			if p == cabinet.ProfileAdmin {
				r |= cabinet.RouteAdmin
			}
			if isCollaboratorProfile(p) && d.Manager == u {
				r |= cabinet.RouteManager
			}
			return r
		}

	case policy.AdministerClientGroups, policy.AdministerCollaboratorGroups:
		if res.Kind != policy.ResourceOffice {
			return cabinet.NoRoutes
		}
		o := cabinet.OfficeID(res.ID)
		if _, ok := s.offices[o]; !ok {
			return cabinet.NoRoutes
		}
		if s.profile(u, o) == cabinet.ProfileAdmin {
			return cabinet.RouteAdmin
		}
		return cabinet.NoRoutes

	case policy.InviteContact, policy.ImpersonateContact:
		if res.Kind != policy.ResourceContact {
			return cabinet.NoRoutes
		}
		c, ok := s.contacts[cabinet.ContactID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		if !isCollaboratorProfile(s.profile(u, c.Office)) {
			return cabinet.NoRoutes // CON-1, CON-6: collaborators of the contact's office only
		}
		if a == policy.InviteContact {
			// CON-1, CON-3: clients and partners with an email, not archived, not yet active.
			if c.Kind == contact.KindLead || c.Archived || c.Status == contact.StatusActive || c.Email == "" {
				return cabinet.NoRoutes
			}
			return cabinet.RouteCollaborator
		}
		// CON-6: an invited or active client or partner, not archived, whose
		// account is not a collaborator of the office.
		if c.Kind != contact.KindClient && c.Kind != contact.KindPartner {
			return cabinet.NoRoutes
		}
		if c.Archived || (c.Status != contact.StatusInvited && c.Status != contact.StatusActive) {
			return cabinet.NoRoutes
		}
		if isCollaboratorProfile(s.profile(c.User, c.Office)) {
			return cabinet.NoRoutes
		}
		return cabinet.RouteCollaborator

	case policy.ConfigureRoles:
		if res.Kind != policy.ResourceProcedure {
			return cabinet.NoRoutes
		}
		p, ok := s.procedures[cabinet.ProcedureID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		if s.profile(u, p.Office) == cabinet.ProfileAdmin && s.premium(p.Office) {
			return cabinet.RouteAdmin // PROC-1, PROC-2
		}
		return cabinet.NoRoutes

	case policy.InviteContributor:
		if res.Kind != policy.ResourceCase {
			return cabinet.NoRoutes
		}
		k, ok := s.cases[cabinet.CaseID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		prof := s.profile(u, k.Office)
		if !isCollaboratorProfile(prof) || !s.premium(k.Office) {
			return cabinet.NoRoutes
		}
		if k.Dossier != "" { // PROC-7: staff access follows the dossier
			d, ok := s.dossiers[k.Dossier]
			if ok && s.internal(u, d) != cabinet.NoRoutes {
				return cabinet.RouteCaseStaff
			}
			return cabinet.NoRoutes
		}
		if prof == cabinet.ProfileAdmin || k.OpenedBy == u {
			return cabinet.RouteCaseStaff
		}
		return cabinet.NoRoutes

	case policy.ViewItem, policy.UploadItem, policy.CommentItem, policy.SubmitItem:
		if res.Kind != policy.ResourceItem {
			return cabinet.NoRoutes
		}
		k, ok := s.cases[cabinet.CaseID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		p, ok := s.procedures[k.Procedure]
		if !ok {
			return cabinet.NoRoutes
		}
		itemRole, found := procedure.RoleID(""), false
		for _, it := range p.Items {
			if it.ID == res.Item {
				itemRole, found = it.Role, true
			}
		}
		if !found {
			return cabinet.NoRoutes // POL-4
		}
		// u's seat: the main recipient first, else a contributor (PROC-3).
		var seatRole procedure.RoleID
		route := cabinet.NoRoutes
		if u != "" && k.Recipient.User == u {
			seatRole, route = k.Recipient.Role, cabinet.RouteMainRecipient
		} else {
			for _, c := range k.Contributors {
				if u != "" && c.User == u {
					seatRole, route = c.Role, cabinet.RouteContributor
					break
				}
			}
		}
		if route == cabinet.NoRoutes || seatRole != itemRole {
			return cabinet.NoRoutes
		}
		perm := map[policy.Action]procedure.Permission{
			policy.ViewItem: procedure.PermView, policy.UploadItem: procedure.PermUpload,
			policy.CommentItem: procedure.PermComment, policy.SubmitItem: procedure.PermSubmit,
		}[a]
		for _, role := range p.Roles {
			if role.ID == seatRole && role.Permissions&(1<<perm) != 0 { // PROC-4
				return route
			}
		}
		return cabinet.NoRoutes
	}
	return cabinet.NoRoutes // POL-4: not an action
}

// refResources lists every resource of the snapshot that a of kind k
// applies to, plus unknown IDs (POL-4): the universe of the differential
// property's questions.
func (s *refSnapshot) refResources(a policy.Action) []policy.Resource {
	var out []policy.Resource
	switch policy.ResourceKindOf(a) {
	case policy.ResourceTeam:
		for _, id := range sortedKeys(s.teams) {
			out = append(out, policy.TeamResource(id))
		}
		out = append(out, policy.TeamResource("team_unknown"))
	case policy.ResourceDossier:
		ids := append(sortedKeys(s.dossiers), "dos_unknown")
		for _, id := range ids {
			if a == policy.EditSection {
				for _, x := range access.Sections() {
					out = append(out, policy.SectionResource(id, x))
				}
				out = append(out, policy.SectionResource(id, access.SectionInvalid))
				continue
			}
			out = append(out, policy.DossierResource(id))
			if a == policy.ManageFamilyAccess {
				// Every person of the tree (ACC-7), a person of another
				// tree and an unknown person (POL-4).
				for _, p := range s.persons {
					out = append(out, policy.PersonResource(id, p.ID))
				}
				out = append(out, policy.PersonResource(id, "person_unknown"))
			}
		}
	case policy.ResourceOffice:
		for _, id := range append(sortedKeys(s.offices), "office_unknown") {
			out = append(out, policy.OfficeResource(id))
		}
	case policy.ResourceContact:
		for _, id := range append(sortedKeys(s.contacts), "contact_unknown") {
			out = append(out, policy.ContactResource(id))
		}
	case policy.ResourceProcedure:
		for _, id := range append(sortedKeys(s.procedures), "proc_unknown") {
			out = append(out, policy.ProcedureResource(id))
		}
	case policy.ResourceCase:
		for _, id := range append(sortedKeys(s.cases), "case_unknown") {
			out = append(out, policy.CaseResource(id))
		}
	case policy.ResourceItem:
		for _, id := range sortedKeys(s.cases) {
			k := s.cases[id]
			for _, it := range s.procedures[k.Procedure].Items {
				out = append(out, policy.ItemResource(id, it.ID))
			}
			out = append(out, policy.ItemResource(id, "item_unknown"))
		}
		out = append(out, policy.ItemResource("case_unknown", "item_unknown"))
	}
	return out
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
