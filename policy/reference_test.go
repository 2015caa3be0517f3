package policy_test

// The reference evaluator of SPEC §3 invariant 11: a plain, slow reading of
// SPEC v2 §2 (every (v2) rule) and of the decisions the packages' docs
// write down where the SPEC is silent (the action table of policy's doc),
// written separately from the engine. It shares no helper with the engine
// and calls none of the domain packages' permission predicates (team.Can*,
// access.GrantAllows/Can*/HoldsCentralGrant, clientgroup.InternalRoutes/
// Can*, contact.Can*/Resolve, procedure.ItemAllows/Can*/PremiumAvailable),
// nor the records' helper methods (Team.IsMember, Dossier.IsManager,
// Session.ActiveAt, Relation.Central, Permissions.Has, Case.ItemState, …),
// nor policy's Action.Viewing/Kinds/Routes: every rule is restated here from
// the raw records with simple loops, and which action applies to which
// resource is restated too.
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

// since is when u's current membership of office o began.
func (s *refSnapshot) since(u cabinet.UserID, o cabinet.OfficeID) time.Time {
	for _, c := range s.collaborators {
		if c.Office == o && c.User == u {
			return c.AddedAt
		}
	}
	return time.Time{}
}

func isCollaboratorProfile(p cabinet.Profile) bool {
	return p == cabinet.ProfileAdmin || p == cabinet.ProfileStandard
}

func (s *refSnapshot) isCollaborator(u cabinet.UserID, o cabinet.OfficeID) bool {
	return isCollaboratorProfile(s.profile(u, o))
}

func (s *refSnapshot) isAdmin(u cabinet.UserID, o cabinet.OfficeID) bool {
	return s.profile(u, o) == cabinet.ProfileAdmin
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
		// Issue 16: the direct route is open iff now < ExpiresAt (or none).
		if a.ClientGroup == g && a.User == u && (a.ExpiresAt.IsZero() || s.now.Before(a.ExpiresAt)) {
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

// isManager: d's manager while a collaborator of its office (ACC-1, GRP-11).
func (s *refSnapshot) isManager(u cabinet.UserID, d access.Dossier) bool {
	return u != "" && d.Manager == u && s.isCollaborator(u, d.Office)
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

// roleRoute is team_admin for an admin of t, team_member for a member.
func roleRoute(t team.Team, u cabinet.UserID) cabinet.Routes {
	role, ok := teamRole(t, u)
	switch {
	case !ok:
		return cabinet.NoRoutes
	case role == team.RoleAdmin:
		return cabinet.RouteTeamAdmin
	}
	return cabinet.RouteTeamMember
}

func isCentral(rel access.Relation) bool {
	return rel == access.RelationHolder || rel == access.RelationCoHolder
}

// grantsOf are the grants u holds on dossier d and that have not expired
// (issue 16: a grant is held iff now < ExpiresAt, or it has none).
func (s *refSnapshot) grantsOf(u cabinet.UserID, d cabinet.DossierID) []access.Grant {
	var out []access.Grant
	for _, g := range s.grants {
		if u != "" && g.User == u && g.Dossier == d && (g.ExpiresAt.IsZero() || s.now.Before(g.ExpiresAt)) {
			out = append(out, g)
		}
	}
	return out
}

// centralLevel is the highest level of u's grants to a central person of
// d, LevelInvalid when u holds none (ACC-7).
func (s *refSnapshot) centralLevel(u cabinet.UserID, d cabinet.DossierID) access.Level {
	best := access.LevelInvalid
	for _, g := range s.grantsOf(u, d) {
		if g.Kind == access.GranteePerson && g.Central && validLevel(g.Level) && g.Level > best {
			best = g.Level
		}
	}
	return best
}

// central reports whether u is a granted central person of d.
func (s *refSnapshot) central(u cabinet.UserID, d cabinet.DossierID) bool {
	for _, g := range s.grantsOf(u, d) {
		if g.Kind == access.GranteePerson && g.Central {
			return true
		}
	}
	return false
}

// consentGiven is dossier d's one consent switch (TEAM-9 v2).
func (s *refSnapshot) consentGiven(d cabinet.DossierID) bool {
	c, ok := s.consents[d]
	return !ok || c != team.ConsentRevoked
}

// entitled: u may share dossier d (TEAM-8 v2): it exists and u reaches it
// internally or is its granted central person.
func (s *refSnapshot) entitled(u cabinet.UserID, id cabinet.DossierID) bool {
	d, ok := s.dossiers[id]
	return ok && (s.internal(u, d) != cabinet.NoRoutes || s.central(u, id))
}

// viaTeam reports whether u reaches dossier d through the team route for
// what (TEAM-8 v2, TEAM-9): a referral of d lives in a team u is a member
// of, d's consent is given, u is not d's granted central person, and the
// referral's referrer may do what themselves (referrerMay: a referral
// never opens more than its referrer holds).
func (s *refSnapshot) viaTeam(u cabinet.UserID, d cabinet.DossierID, what refNeed) bool {
	if !s.consentGiven(d) || s.central(u, d) {
		return false
	}
	for _, r := range s.referrals {
		if r.Dossier != d {
			continue
		}
		t, ok := s.teams[r.Team]
		if !ok {
			continue
		}
		if _, member := teamRole(t, u); member && s.referrerMay(r.Referrer, d, what) {
			return true
		}
	}
	return false
}

// refNeed is what a team route is asked to open: viewing, editing one
// section, or a tool.
type refNeed struct {
	edit    bool
	tool    bool
	section access.Section
}

var (
	refNeedView = refNeed{}
	refNeedTool = refNeed{tool: true}
)

func refNeedEdit(x access.Section) refNeed { return refNeed{edit: true, section: x} }

// referrerMay: referrer u may do what on d themselves — an internal route
// does everything the team route gives; a central grant views, and edits
// the client sections (family structure, inventories, documents) when
// read_write; never the notes or the tools (ACC-11 v2).
func (s *refSnapshot) referrerMay(u cabinet.UserID, id cabinet.DossierID, what refNeed) bool {
	d, ok := s.dossiers[id]
	if !ok {
		return false
	}
	if s.internal(u, d) != cabinet.NoRoutes {
		return true
	}
	for _, g := range s.grantsOf(u, id) {
		if g.Kind != access.GranteePerson || !g.Central {
			continue
		}
		switch {
		case what.tool:
		case !what.edit:
			return true
		case g.Level == access.LevelReadWrite && what.section != access.SectionNotes:
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

// heldRoutes are the routes of every grant u holds on d.
func (s *refSnapshot) heldRoutes(u cabinet.UserID, d cabinet.DossierID) cabinet.Routes {
	var r cabinet.Routes
	for _, g := range s.grantsOf(u, d) {
		if validLevel(g.Level) {
			r |= grantRoute(g)
		}
	}
	return r
}

// editRoutes are the routes of u's read_write grants on d that open
// section x: for an external advisor family_structure, asset_inventory
// and donation_inventory (ACC-10); for a person of the tree those and
// documents (ACC-11 v2); notes never.
func (s *refSnapshot) editRoutes(u cabinet.UserID, d cabinet.DossierID, x access.Section) cabinet.Routes {
	var r cabinet.Routes
	for _, g := range s.grantsOf(u, d) {
		if g.Level != access.LevelReadWrite {
			continue
		}
		open := x == access.SectionFamilyStructure || x == access.SectionAssetInventory || x == access.SectionDonationInventory
		if g.Kind == access.GranteePerson && x == access.SectionDocuments {
			open = true
		}
		if open {
			r |= grantRoute(g)
		}
	}
	return r
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

// trialUsed reports whether office o started its one trial (PROC-1).
func (s *refSnapshot) trialUsed(o cabinet.OfficeID) bool {
	for _, p := range s.plans {
		if p.Office == o && !p.TrialStartedAt.IsZero() {
			return true
		}
	}
	return false
}

// usable reports whether impersonation session x may be used now (CON-6
// v2): active (started, not stopped, not expired); its collaborator still a
// collaborator of the office, without interruption since it started; its
// contact still an unarchived, invited or active client or partner of the
// office whose account is not a collaborator of it.
func (s *refSnapshot) usable(x contact.Session) bool {
	if s.now.Before(x.StartedAt) || !s.now.Before(x.ExpiresAt) {
		return false
	}
	if !x.StoppedAt.IsZero() && !s.now.Before(x.StoppedAt) {
		return false
	}
	if !s.isCollaborator(x.Actor, x.Office) || s.since(x.Actor, x.Office).After(x.StartedAt) {
		return false
	}
	c, ok := s.contacts[x.Contact]
	if !ok || c.Office != x.Office || c.Archived {
		return false
	}
	if c.Kind != contact.KindClient && c.Kind != contact.KindPartner {
		return false
	}
	if c.Status != contact.StatusInvited && c.Status != contact.StatusActive {
		return false
	}
	return !s.isCollaborator(x.ContactUser, x.Office)
}

// ---- the question ----

// refViewing are the actions that only read: the only ones allowed while
// impersonating (CON-6 v2) and on an archived dossier (ACC-12 v2).
var refViewing = map[policy.Action]bool{
	policy.ListReferralsBy: true, policy.ViewTeam: true, policy.ViewInvitations: true, policy.ListReferrals: true,
	policy.ViewInvitation: true, policy.ViewReferral: true, policy.ViewDossier: true, policy.ViewGrant: true,
	policy.ViewAccessRights: true, policy.ReadContactAddress: true, policy.ViewRoutes: true, policy.ViewConsent: true,
	policy.ViewOffice: true, policy.ListDossiers: true, policy.ViewContacts: true, policy.ListSessions: true,
	policy.ViewPlan: true, policy.ViewProcedures: true, policy.ListCases: true, policy.ViewSession: true,
	policy.ViewCase: true, policy.ViewAsParticipant: true, policy.ViewItem: true,
}

// refResolve turns a subject into the user whose rights decide, or ok=false
// for a denial (POL-4 unknown user; CON-6 for a session that is not usable
// or whose contact has no account), and whether it impersonates.
func (s *refSnapshot) refResolve(sub policy.Subject) (cabinet.UserID, bool) {
	if sub.Session == "" {
		if _, ok := s.users[sub.User]; !ok || sub.User == "" {
			return "", false
		}
		return sub.User, true
	}
	x, ok := s.sessions[sub.Session]
	if !ok || !s.usable(x) || x.ContactUser == "" {
		return "", false
	}
	if _, ok := s.users[x.ContactUser]; !ok {
		return "", false
	}
	return x.ContactUser, true
}

// ref answers whether sub may do a on res, with the routes that allow it
// (cabinet.NoRoutes when denied).
func ref(s *refSnapshot, sub policy.Subject, a policy.Action, res policy.Resource) (bool, cabinet.Routes) {
	u, ok := s.refResolve(sub)
	if !ok {
		return false, cabinet.NoRoutes
	}
	if sub.Session != "" && !refViewing[a] {
		return false, cabinet.NoRoutes // CON-6 v2: impersonation only views
	}
	r := refRoutes(s, u, a, res)
	return r != cabinet.NoRoutes, r
}

// refRoutes is the set of routes by which user u may do a on res.
func refRoutes(s *refSnapshot, u cabinet.UserID, a policy.Action, res policy.Resource) cabinet.Routes {
	switch res.Kind {
	case policy.ResourceAccount:
		return s.onAccount(u, a, cabinet.UserID(res.ID))
	case policy.ResourceTeam:
		t, ok := s.teams[cabinet.TeamID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		return s.onTeam(u, a, t, res)
	case policy.ResourceInvitation:
		return s.onInvitation(u, a, team.InvitationID(res.ID))
	case policy.ResourceReferral:
		return s.onReferral(u, a, cabinet.ReferralID(res.ID), res.Team)
	case policy.ResourceDossier:
		return s.onDossier(u, a, res)
	case policy.ResourceOffice:
		o := cabinet.OfficeID(res.ID)
		if _, ok := s.offices[o]; !ok {
			return cabinet.NoRoutes
		}
		return s.onOffice(u, a, o, res.User)
	case policy.ResourceContact, policy.ResourceCompany, policy.ResourceProject, policy.ResourceDecision, policy.ResourceUnit:
		return s.onContactRecord(u, a, res)
	case policy.ResourceSession:
		return s.onSession(u, a, contact.SessionID(res.ID))
	case policy.ResourceProcedure:
		return s.onProcedure(u, a, cabinet.ProcedureID(res.ID), res.Dossier)
	case policy.ResourceCase:
		return s.onCase(u, a, cabinet.CaseID(res.ID))
	case policy.ResourceItem:
		return s.onItem(u, a, cabinet.CaseID(res.ID), res.Item)
	}
	return cabinet.NoRoutes // POL-4: not a kind
}

func (s *refSnapshot) onAccount(u cabinet.UserID, a policy.Action, id cabinet.UserID) cabinet.Routes {
	_, exists := s.users[id]
	switch a {
	case policy.CreateTeam: // TEAM-1, TEAM-5: any account, for any lead account
		if exists {
			return cabinet.RouteSelf
		}
	case policy.CreateOffice, policy.EditAccount: // the account itself
		if exists && id == u {
			return cabinet.RouteSelf
		}
	case policy.ListReferralsBy: // TEAM-12: the referrer themself
		if id == u {
			return cabinet.RouteSelf
		}
	}
	return cabinet.NoRoutes
}

// settable: neither personal (TEAM-6) nor pending (TEAM-1).
func settable(t team.Team) bool { return !t.Personal && !t.Pending }

func (s *refSnapshot) onTeam(u cabinet.UserID, a policy.Action, t team.Team, res policy.Resource) cabinet.Routes {
	role := roleRoute(t, u)
	switch a {
	case policy.ViewTeam: // members (TEAM-4, TEAM-6); a pending team: its lead and creator (TEAM-1)
		if role != cabinet.NoRoutes {
			return role
		}
		if t.Pending && u != "" && (u == t.Lead || u == t.CreatedBy) {
			return cabinet.RouteSelf
		}
	case policy.ViewInvitations, policy.ManageTeamMembers, policy.RenameTeam, policy.DeleteTeam: // admins (TEAM-3, TEAM-4)
		if settable(t) && role == cabinet.RouteTeamAdmin {
			return role
		}
	case policy.ListReferrals: // members (TEAM-12)
		return role
	case policy.LeaveTeam: // members but the lead (TEAM-2, TEAM-11)
		if settable(t) && u != t.Lead {
			return role
		}
	case policy.TransferLead: // the lead, to an admin (TEAM-2 v2)
		if !settable(t) || u == "" || u != t.Lead {
			return cabinet.NoRoutes
		}
		if res.User != "" && roleRoute(t, res.User) != cabinet.RouteTeamAdmin {
			return cabinet.NoRoutes
		}
		return cabinet.RouteTeamAdmin
	case policy.AnswerTeam: // the lead a pending team names (TEAM-1 v2)
		if t.Pending && u != "" && u == t.Lead {
			return cabinet.RouteSelf
		}
	}
	return cabinet.NoRoutes
}

func (s *refSnapshot) onInvitation(u cabinet.UserID, a policy.Action, id team.InvitationID) cabinet.Routes {
	inv, ok := s.invitations[id]
	if !ok {
		return cabinet.NoRoutes
	}
	t, ok := s.teams[inv.Team]
	if !ok {
		return cabinet.NoRoutes
	}
	mine := u != "" && cabinet.EmailKey(s.users[u].Email) == cabinet.EmailKey(inv.Email)
	admin := settable(t) && roleRoute(t, u) == cabinet.RouteTeamAdmin
	pending := inv.Status == team.StatusPending
	switch a {
	case policy.ViewInvitation: // its invitee and the team's admins (TEAM-3)
		var r cabinet.Routes
		if mine {
			r |= cabinet.RouteSelf
		}
		if admin {
			r |= cabinet.RouteTeamAdmin
		}
		return r
	case policy.AcceptInvitation: // its invitee, pending, unexpired, not yet a member (TEAM-3)
		_, member := teamRole(t, u)
		if mine && pending && s.now.Before(inv.ExpiresAt) && !member {
			return cabinet.RouteSelf
		}
	case policy.ManageInvitation: // admins, while pending (TEAM-3)
		if admin && pending {
			return cabinet.RouteTeamAdmin
		}
	}
	return cabinet.NoRoutes
}

func (s *refSnapshot) onReferral(u cabinet.UserID, a policy.Action, id cabinet.ReferralID, dest cabinet.TeamID) cabinet.Routes {
	var r team.Referral
	found := false
	for _, x := range s.referrals {
		if x.ID == id {
			r, found = x, true
		}
	}
	if !found {
		return cabinet.NoRoutes
	}
	from, ok := s.teams[r.Team]
	if !ok {
		return cabinet.NoRoutes
	}
	switch a {
	case policy.ViewReferral: // its referrer, its team's members, the dossier's central persons (TEAM-12, TEAM-9)
		var routes cabinet.Routes
		if u != "" && u == r.Referrer {
			routes |= cabinet.RouteSelf
		}
		if s.central(u, r.Dossier) {
			routes |= cabinet.RouteCentralPerson
		}
		return routes | roleRoute(from, u)
	case policy.MoveReferral: // its referrer, between the personal team and a team, still entitled (TEAM-7, TEAM-8)
		to, ok := s.teams[dest]
		if !ok || u == "" || u != r.Referrer {
			return cabinet.NoRoutes
		}
		if _, member := teamRole(from, u); !member {
			return cabinet.NoRoutes
		}
		if to.ID == from.ID {
			return cabinet.RouteSelf
		}
		if _, member := teamRole(to, u); !member || to.Pending || (!from.Personal && !to.Personal) {
			return cabinet.NoRoutes
		}
		if !s.entitled(u, r.Dossier) || s.dossiers[r.Dossier].Status == cabinet.DossierArchived {
			return cabinet.NoRoutes
		}
		return cabinet.RouteSelf
	}
	return cabinet.NoRoutes
}

// personOf returns person id of dossier d.
func (s *refSnapshot) personOf(d cabinet.DossierID, id access.PersonID) (access.Person, bool) {
	for _, p := range s.persons {
		if p.ID == id && p.Dossier == d {
			return p, true
		}
	}
	return access.Person{}, false
}

// grantOfPerson and grantOfAdvisor return the grant a person or advisor
// holds.
func (s *refSnapshot) grantOfPerson(p access.PersonID) (access.Grant, bool) {
	for _, g := range s.grants {
		if g.Kind == access.GranteePerson && g.Person == p {
			return g, true
		}
	}
	return access.Grant{}, false
}

// An expired grant does not count (issue 16: granting again replaces it).
func (s *refSnapshot) grantOfAdvisor(a access.AdvisorID) (access.Grant, bool) {
	for _, g := range s.grants {
		if g.Kind == access.GranteeAdvisor && g.Advisor == a && (g.ExpiresAt.IsZero() || s.now.Before(g.ExpiresAt)) {
			return g, true
		}
	}
	return access.Grant{}, false
}

// familyAccess is who manages the access of a person whose relation is rel,
// at level (LevelInvalid: none asked): the manager for anyone (ACC-1); a
// granted central person for non-central persons, at most at their level
// (ACC-7 v2).
func (s *refSnapshot) familyAccess(u cabinet.UserID, d access.Dossier, rel access.Relation, level access.Level) cabinet.Routes {
	var r cabinet.Routes
	if s.isManager(u, d) {
		r |= cabinet.RouteManager
	}
	if own := s.centralLevel(u, d.ID); own != access.LevelInvalid && !isCentral(rel) && (!validLevel(level) || level <= own) {
		r |= cabinet.RouteCentralPerson
	}
	return r
}

// refDossierTargets says which of Person, Advisor, Grant a dossier action
// takes, and whether one is required (the action table of policy's doc).
var refDossierTargets = map[policy.Action][3]int{ // person, advisor, grant: 0 no, 1 optional, 2 required (one of)
	policy.ManageFamilyAccess:     {1, 0, 0},
	policy.GrantAccess:            {2, 2, 0},
	policy.EditFamilyTree:         {1, 0, 0},
	policy.RemovePerson:           {2, 0, 0},
	policy.ChangeGrantLevel:       {0, 0, 2},
	policy.CorrectGrantContact:    {0, 0, 2},
	policy.RevokeGrant:            {0, 0, 2},
	policy.ViewGrant:              {0, 0, 2},
	policy.ViewAccessRights:       {0, 1, 0},
	policy.ManageExternalAdvisors: {0, 1, 0},
}

func (s *refSnapshot) onDossier(u cabinet.UserID, a policy.Action, res policy.Resource) cabinet.Routes {
	id := cabinet.DossierID(res.ID)
	d, exists := s.dossiers[id]
	switch a {
	case policy.Refer: // a member of the team (the personal one by default), entitled, not archived (TEAM-7, TEAM-8 v2)
		tid := res.Team
		if tid == "" {
			for _, t := range s.teams {
				if t.Personal && t.Owner == u {
					tid = t.ID
				}
			}
		}
		t, ok := s.teams[tid]
		if !ok || t.Pending {
			return cabinet.NoRoutes
		}
		if _, member := teamRole(t, u); !member || !exists || !s.entitled(u, id) || d.Status == cabinet.DossierArchived {
			return cabinet.NoRoutes
		}
		r := s.internal(u, d)
		if s.central(u, id) {
			r |= cabinet.RouteCentralPerson
		}
		return r
	case policy.ViewConsent, policy.ManageConsent: // its granted central persons, archived or not (TEAM-9 v2)
		if exists && s.central(u, id) {
			return cabinet.RouteCentralPerson
		}
		return cabinet.NoRoutes
	}
	if !exists {
		return cabinet.NoRoutes
	}
	// Which of person, advisor, grant the action takes (POL-4 otherwise).
	takes, known := refDossierTargets[a]
	switch {
	case !known && (res.Person != "" || res.Advisor != "" || res.Grant != ""):
		return cabinet.NoRoutes
	case (res.Person != "" && takes[0] == 0) || (res.Advisor != "" && takes[1] == 0) || (res.Grant != "" && takes[2] == 0):
		return cabinet.NoRoutes
	case (res.Person != "" && res.Advisor != "") || (res.Person != "" && res.Grant != "") || (res.Advisor != "" && res.Grant != ""):
		return cabinet.NoRoutes
	case (takes[0] == 2 || takes[1] == 2 || takes[2] == 2) && res.Person == "" && res.Advisor == "" && res.Grant == "":
		return cabinet.NoRoutes
	}
	var person access.Person
	if res.Person != "" {
		p, ok := s.personOf(id, res.Person)
		if !ok {
			return cabinet.NoRoutes
		}
		person = p
	}
	var adv access.Advisor
	if res.Advisor != "" {
		x, ok := s.advisors[res.Advisor]
		if !ok || x.Dossier != id {
			return cabinet.NoRoutes
		}
		adv = x
	}
	var grant access.Grant
	if res.Grant != "" {
		found := false
		for _, g := range s.grants {
			if g.ID == res.Grant && g.Dossier == id {
				grant, found = g, true
			}
		}
		if !found {
			return cabinet.NoRoutes
		}
	}
	archived := d.Status == cabinet.DossierArchived
	if archived && !refViewing[a] && a != policy.SetStatus {
		return cabinet.NoRoutes // ACC-12 v2 (reactivation is SetStatus's; consent above)
	}
	in := s.internal(u, d)
	team := func(what refNeed) cabinet.Routes {
		if s.viaTeam(u, id, what) {
			return cabinet.RouteTeam
		}
		return cabinet.NoRoutes
	}
	switch a {
	case policy.ViewDossier: // any route (POL-1): internal, team, every grant
		return in | team(refNeedView) | s.heldRoutes(u, id)
	case policy.EditSection:
		if res.Section < access.SectionFamilyStructure || res.Section > access.SectionNotes {
			return cabinet.NoRoutes
		}
		return in | team(refNeedEdit(res.Section)) | s.editRoutes(u, id, res.Section)
	case policy.UseSimulations, policy.UseReports: // grants never (ACC-10, ACC-11)
		return in | team(refNeedTool)
	case policy.EditFamilyTree, policy.RemovePerson: // ACC-2 v2, ACC-6, ACC-11
		from, to := access.RelationInvalid, res.Relation
		if res.Person != "" {
			from = person.Relation
			if to == access.RelationInvalid {
				to = from
			}
		}
		if a == policy.RemovePerson {
			to = access.RelationInvalid
		}
		r := in | team(refNeedEdit(access.SectionFamilyStructure)) | s.editRoutes(u, id, access.SectionFamilyStructure)
		if r == cabinet.NoRoutes {
			return r // ACC-11: nobody else edits the family structure
		}
		if isCentral(from) || isCentral(to) {
			if !s.isManager(u, d) {
				return cabinet.NoRoutes // who is central is the manager's decision
			}
			r &= cabinet.RouteManager
		}
		if g, granted := s.grantOfPerson(person.ID); res.Person != "" && granted {
			if g.Central && !isCentral(to) {
				return cabinet.NoRoutes // ACC-6: a granted central person stays, and stays central
			}
			if a == policy.RemovePerson { // removing revokes the grant: its manager or a central person too
				revoke := s.familyAccess(u, d, from, access.LevelInvalid)
				if revoke == cabinet.NoRoutes {
					return cabinet.NoRoutes
				}
				r |= revoke
			}
		}
		return r
	case policy.ManageFamilyAccess:
		rel := access.RelationOther // may they manage some non-central person's access?
		if res.Person != "" {
			rel = person.Relation
		}
		return s.familyAccess(u, d, rel, res.Level)
	case policy.GrantAccess: // a person or an advisor without grant yet (ACC-4)
		if res.Advisor != "" {
			if _, granted := s.grantOfAdvisor(adv.ID); granted || !s.isManager(u, d) {
				return cabinet.NoRoutes
			}
			return cabinet.RouteManager // ACC-9
		}
		if _, granted := s.grantOfPerson(person.ID); granted {
			return cabinet.NoRoutes
		}
		return s.familyAccess(u, d, person.Relation, res.Level)
	case policy.ChangeGrantLevel, policy.CorrectGrantContact, policy.RevokeGrant:
		level := access.LevelInvalid
		switch a {
		case policy.ChangeGrantLevel:
			if !validLevel(res.Level) {
				return cabinet.NoRoutes
			}
			level = res.Level
			if u != "" && grant.User == u && level > grant.Level {
				return cabinet.NoRoutes // ACC-7 v2: nobody raises their own grant
			}
		case policy.CorrectGrantContact:
			if grant.User != "" {
				return cabinet.NoRoutes // ACC-3 v2: linked details are fixed
			}
			level = grant.Level // a correction redirects the grant (ACC-7)
		case policy.RevokeGrant:
			if grant.Kind == access.GranteePerson && grant.Central {
				return cabinet.NoRoutes // ACC-6
			}
		}
		if grant.Kind == access.GranteeAdvisor {
			if s.isManager(u, d) {
				return cabinet.RouteManager // ACC-9
			}
			return cabinet.NoRoutes
		}
		rel := access.RelationInvalid
		for _, p := range s.persons {
			if p.ID == grant.Person {
				rel = p.Relation
			}
		}
		return s.familyAccess(u, d, rel, level)
	case policy.ViewGrant: // its holder, the office's internal routes, the central persons (ACC-7)
		r := in
		if s.central(u, id) {
			r |= cabinet.RouteCentralPerson
		}
		if u != "" && grant.User == u {
			r |= cabinet.RouteSelf
		}
		return r
	case policy.ViewAccessRights: // internal routes and the granted central persons (ACC-7)
		r := in
		if s.central(u, id) {
			r |= cabinet.RouteCentralPerson
		}
		return r
	case policy.ManageExternalAdvisors: // the manager only (ACC-8, ACC-9)
		if s.isManager(u, d) {
			return cabinet.RouteManager
		}
	case policy.AssignClientGroup: // admins, activated dossiers, a group of its office (GRP-1, GRP-5)
		if res.Group != "" {
			g, ok := s.clientGroups[res.Group]
			if !ok || g.Office != d.Office || d.Status != cabinet.DossierActivated {
				return cabinet.NoRoutes
			}
		}
		if s.isAdmin(u, d.Office) {
			return cabinet.RouteAdmin
		}
	case policy.SetManager: // admins and the manager (ACC-1)
		return s.organisers(u, d)
	case policy.SetStatus:
		return s.setStatus(u, d, res)
	case policy.ReadContactAddress: // internal routes and grantees (GRP-7)
		return in | s.heldRoutes(u, id)
	case policy.ViewRoutes: // the user themself, or an admin of the office (GRP-3)
		who := res.User
		if who == "" {
			who = u
		}
		var r cabinet.Routes
		if u != "" && who == u {
			r |= cabinet.RouteSelf
		}
		if s.isAdmin(u, d.Office) {
			r |= cabinet.RouteAdmin
		}
		return r
	}
	return cabinet.NoRoutes
}

func (s *refSnapshot) organisers(u cabinet.UserID, d access.Dossier) cabinet.Routes {
	var r cabinet.Routes
	if s.isAdmin(u, d.Office) {
		r |= cabinet.RouteAdmin
	}
	if s.isManager(u, d) {
		r |= cabinet.RouteManager
	}
	return r
}

// setStatus: admins and the manager move a dossier draft → activated,
// activated → archived, archived → activated (its reactivation), or to its
// own status; naming a client group at activation needs a dossier not yet
// activated, a group of its office, and the dossier in no other group
// (ACC-1, ACC-12, GRP-5 v2).
func (s *refSnapshot) setStatus(u cabinet.UserID, d access.Dossier, res policy.Resource) cabinet.Routes {
	to := res.Status
	if to != cabinet.DossierDraft && to != cabinet.DossierActivated && to != cabinet.DossierArchived {
		return cabinet.NoRoutes
	}
	if res.Group != "" && to != cabinet.DossierActivated {
		return cabinet.NoRoutes
	}
	r := s.organisers(u, d)
	from := d.Status
	ok := from == to || (from == cabinet.DossierDraft && to == cabinet.DossierActivated) ||
		(from == cabinet.DossierActivated && to == cabinet.DossierArchived) || (from == cabinet.DossierArchived && to == cabinet.DossierActivated)
	if !ok {
		return cabinet.NoRoutes
	}
	if res.Group != "" {
		g, exists := s.clientGroups[res.Group]
		if from == cabinet.DossierActivated || !exists || g.Office != d.Office {
			return cabinet.NoRoutes
		}
		if cur := s.groupOf(d.ID); cur != "" && cur != res.Group {
			return cabinet.NoRoutes
		}
	}
	return r
}

func (s *refSnapshot) onOffice(u cabinet.UserID, a policy.Action, o cabinet.OfficeID, who cabinet.UserID) cabinet.Routes {
	collab, admin := s.isCollaborator(u, o), s.isAdmin(u, o)
	switch a {
	case policy.ViewOffice, policy.ListDossiers, policy.CreateDossier, policy.ViewContacts, policy.ManageContacts,
		policy.ViewPlan, policy.ViewProcedures, policy.ListCases: // its collaborators (GRP-1, GRP-9, ACC-1, CON-1, PROC-1, PROC-2, PROC-7)
		if collab {
			return cabinet.RouteCollaborator
		}
	case policy.ManageOffice, policy.AdministerClientGroups, policy.AdministerCollaboratorGroups, policy.ConfigureProcedures: // admins (GRP-5, PROC-2)
		if admin {
			return cabinet.RouteAdmin
		}
	case policy.ListSessions: // admins all; a collaborator their own (CON-6)
		var r cabinet.Routes
		if admin {
			r |= cabinet.RouteAdmin
		}
		if collab && who == u {
			r |= cabinet.RouteCollaborator
		}
		return r
	case policy.StartTrial: // an admin, once (PROC-1)
		if admin && !s.trialUsed(o) {
			return cabinet.RouteAdmin
		}
	}
	return cabinet.NoRoutes
}

func (s *refSnapshot) onContactRecord(u cabinet.UserID, a policy.Action, res policy.Resource) cabinet.Routes {
	var office cabinet.OfficeID
	var c contact.Contact
	switch res.Kind {
	case policy.ResourceContact:
		x, ok := s.contacts[cabinet.ContactID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		c, office = x, x.Office
	case policy.ResourceCompany:
		x, ok := s.companies[contact.CompanyID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		office = x.Office
	case policy.ResourceProject:
		x, ok := s.projects[contact.ProjectID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		office = x.Office
	case policy.ResourceDecision:
		x, ok := s.decisions[contact.DecisionID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		office = x.Office
	case policy.ResourceUnit:
		x, ok := s.units[contact.UnitID(res.ID)]
		if !ok {
			return cabinet.NoRoutes
		}
		office = x.Office
	}
	if !s.isCollaborator(u, office) {
		return cabinet.NoRoutes // CON-1, CON-6: the office's collaborators only
	}
	switch a {
	case policy.ViewContacts, policy.ManageContacts:
		return cabinet.RouteCollaborator
	}
	if res.Kind != policy.ResourceContact {
		return cabinet.NoRoutes
	}
	switch a {
	case policy.InviteContact: // clients and partners with an email, not archived, not active (CON-1, CON-3)
		if c.Kind == contact.KindLead || c.Archived || c.Status == contact.StatusActive || c.Email == "" {
			return cabinet.NoRoutes
		}
		return cabinet.RouteCollaborator
	case policy.ImpersonateContact: // an invited or active client or partner, not a collaborator (CON-6)
		if (c.Kind != contact.KindClient && c.Kind != contact.KindPartner) || c.Archived ||
			(c.Status != contact.StatusInvited && c.Status != contact.StatusActive) || s.isCollaborator(c.User, c.Office) {
			return cabinet.NoRoutes
		}
		return cabinet.RouteCollaborator
	case policy.LinkContact: // a client, to a dossier of the office the collaborator reaches, not archived; its person in the tree
		d, ok := s.dossiers[res.Dossier]
		if !ok || c.Kind != contact.KindClient || c.Archived || d.Office != c.Office || s.internal(u, d) == cabinet.NoRoutes || d.Status == cabinet.DossierArchived {
			return cabinet.NoRoutes
		}
		if res.Person != "" {
			if _, ok := s.personOf(d.ID, res.Person); !ok {
				return cabinet.NoRoutes
			}
		}
		return cabinet.RouteCollaborator
	case policy.UnlinkContact: // a linked contact, its dossier not archived (ACC-12)
		if c.Dossier == "" || s.dossiers[c.Dossier].Status == cabinet.DossierArchived {
			return cabinet.NoRoutes
		}
		return cabinet.RouteCollaborator
	}
	return cabinet.NoRoutes
}

func (s *refSnapshot) onSession(u cabinet.UserID, a policy.Action, id contact.SessionID) cabinet.Routes {
	x, ok := s.sessions[id]
	if !ok {
		return cabinet.NoRoutes
	}
	switch a {
	case policy.ViewSession: // the office's admins; its actor while a collaborator (CON-6)
		var r cabinet.Routes
		if s.isAdmin(u, x.Office) {
			r |= cabinet.RouteAdmin
		}
		if u != "" && x.Actor == u && s.isCollaborator(u, x.Office) {
			r |= cabinet.RouteCollaborator
		}
		return r
	case policy.UseSession, policy.StopSession: // its actor, while usable (CON-6 v2)
		if u != "" && x.Actor == u && s.usable(x) {
			return cabinet.RouteCollaborator
		}
	}
	return cabinet.NoRoutes
}

func (s *refSnapshot) onProcedure(u cabinet.UserID, a policy.Action, id cabinet.ProcedureID, dossier cabinet.DossierID) cabinet.Routes {
	p, ok := s.procedures[id]
	if !ok {
		return cabinet.NoRoutes
	}
	switch a {
	case policy.ConfigureProcedure: // admins (PROC-2)
		if s.isAdmin(u, p.Office) {
			return cabinet.RouteAdmin
		}
	case policy.ConfigureRoles: // admins, with the premium option (PROC-1, PROC-2)
		if s.isAdmin(u, p.Office) && s.premium(p.Office) {
			return cabinet.RouteAdmin
		}
	case policy.ViewProcedures: // its office's collaborators (PROC-2)
		if s.isCollaborator(u, p.Office) {
			return cabinet.RouteCollaborator
		}
	case policy.OpenCase: // a collaborator; attached: a dossier of the office they reach, not archived (PROC-7, ACC-12)
		if !s.isCollaborator(u, p.Office) {
			return cabinet.NoRoutes
		}
		if dossier != "" {
			d, ok := s.dossiers[dossier]
			if !ok || d.Office != p.Office || s.internal(u, d) == cabinet.NoRoutes || d.Status == cabinet.DossierArchived {
				return cabinet.NoRoutes
			}
		}
		return cabinet.RouteCaseStaff
	}
	return cabinet.NoRoutes
}

// staff reports whether u reaches case k as staff (PROC-7): a collaborator
// of its office; an attached case follows its dossier, an unattached one is
// its office's admins' and its opener's.
func (s *refSnapshot) staff(u cabinet.UserID, k procedure.Case) bool {
	if !s.isCollaborator(u, k.Office) {
		return false
	}
	if k.Dossier != "" {
		d, ok := s.dossiers[k.Dossier]
		return ok && s.internal(u, d) != cabinet.NoRoutes
	}
	return s.isAdmin(u, k.Office) || k.OpenedBy == u
}

// changeable: a case attached to an archived dossier is read-only (ACC-12).
func (s *refSnapshot) changeable(k procedure.Case) bool {
	return k.Dossier == "" || s.dossiers[k.Dossier].Status != cabinet.DossierArchived
}

// seat is u's seat on k: the main recipient's first, else a contributor's.
func seat(k procedure.Case, u cabinet.UserID) (procedure.RoleID, cabinet.Routes) {
	if u == "" {
		return "", cabinet.NoRoutes
	}
	if k.Recipient.User == u {
		return k.Recipient.Role, cabinet.RouteMainRecipient
	}
	for _, c := range k.Contributors {
		if c.User == u {
			return c.Role, cabinet.RouteContributor
		}
	}
	return "", cabinet.NoRoutes
}

func (s *refSnapshot) onCase(u cabinet.UserID, a policy.Action, id cabinet.CaseID) cabinet.Routes {
	k, ok := s.cases[id]
	if !ok {
		return cabinet.NoRoutes
	}
	switch a {
	case policy.ViewCase: // staff (PROC-7)
		if s.staff(u, k) {
			return cabinet.RouteCaseStaff
		}
	case policy.ViewAsParticipant: // its participants (PROC-3)
		_, r := seat(k, u)
		return r
	case policy.InviteContributor: // staff, a changeable case, premium (PROC-7, ACC-12, PROC-1)
		if s.staff(u, k) && s.changeable(k) && s.premium(k.Office) {
			return cabinet.RouteCaseStaff
		}
	case policy.RemoveContributor: // staff, a changeable case (PROC-7, ACC-12)
		if s.staff(u, k) && s.changeable(k) {
			return cabinet.RouteCaseStaff
		}
	}
	return cabinet.NoRoutes
}

var refPerm = map[policy.Action]procedure.Permission{
	policy.ViewItem: procedure.PermView, policy.UploadItem: procedure.PermUpload,
	policy.CommentItem: procedure.PermComment, policy.SubmitItem: procedure.PermSubmit,
}

func (s *refSnapshot) onItem(u cabinet.UserID, a policy.Action, id cabinet.CaseID, item procedure.ItemID) cabinet.Routes {
	k, ok := s.cases[id]
	if !ok {
		return cabinet.NoRoutes
	}
	p, ok := s.procedures[k.Procedure]
	if !ok {
		return cabinet.NoRoutes
	}
	itemRole, found := procedure.RoleID(""), false
	for _, it := range p.Items {
		if it.ID == item {
			itemRole, found = it.Role, true
		}
	}
	if !found {
		return cabinet.NoRoutes // POL-4
	}
	// The participant route: the item of the seat's role, the role's
	// permission (PROC-3, PROC-4).
	participant := cabinet.NoRoutes
	if role, r := seat(k, u); r != cabinet.NoRoutes && role == itemRole {
		for _, x := range p.Roles {
			if perm, ok := refPerm[a]; ok && x.ID == role && x.Permissions&(1<<perm) != 0 {
				participant = r
			}
		}
	}
	switch a {
	case policy.ViewItem: // participants, and staff every item (PROC-7 v2)
		if s.staff(u, k) {
			return participant | cabinet.RouteCaseStaff
		}
		return participant
	case policy.UploadItem, policy.CommentItem, policy.SubmitItem: // participants, a changeable case (ACC-12)
		if s.changeable(k) {
			return participant
		}
	case policy.ReviewItem: // staff, a changeable case (PROC-7 v2, ACC-12)
		if s.staff(u, k) && s.changeable(k) {
			return cabinet.RouteCaseStaff
		}
	}
	return cabinet.NoRoutes
}

// refResources lists, for action a, the resources of the snapshot it may
// be asked about — with the refinements the action reads, and unknown IDs
// (POL-4): the universe of the differential property's questions.
func (s *refSnapshot) refResources(a policy.Action) []policy.Resource {
	var out []policy.Resource
	users := append(sortedKeys(s.users), "user_unknown")
	teams := append(sortedKeys(s.teams), "team_unknown")
	dossiers := append(sortedKeys(s.dossiers), "dos_unknown")
	offices := append(sortedKeys(s.offices), "office_unknown")
	levels := []access.Level{access.LevelInvalid, access.LevelReadOnly, access.LevelReadWrite}
	for _, k := range a.Kinds() {
		switch k {
		case policy.ResourceAccount:
			for _, u := range users {
				out = append(out, policy.AccountResource(u))
			}
		case policy.ResourceTeam:
			for _, t := range teams {
				out = append(out, policy.TeamResource(t))
				if a == policy.TransferLead {
					for _, m := range s.teams[t].Members {
						out = append(out, policy.TeamResource(t).WithUser(m.User))
					}
				}
			}
		case policy.ResourceInvitation:
			for _, id := range append(sortedKeys(s.invitations), "inv_unknown") {
				out = append(out, policy.InvitationResource(id))
			}
		case policy.ResourceReferral:
			for _, r := range s.referrals {
				if a == policy.MoveReferral {
					for _, t := range teams {
						out = append(out, policy.ReferralResource(r.ID).WithTeam(t))
					}
					continue
				}
				out = append(out, policy.ReferralResource(r.ID))
			}
			out = append(out, policy.ReferralResource("ref_unknown"))
		case policy.ResourceDossier:
			for _, id := range dossiers {
				out = append(out, policy.DossierResource(id))
				switch a {
				case policy.EditSection:
					out = out[:len(out)-1]
					for _, x := range access.Sections() {
						out = append(out, policy.SectionResource(id, x))
					}
					out = append(out, policy.SectionResource(id, access.SectionInvalid))
				case policy.ManageFamilyAccess, policy.GrantAccess, policy.EditFamilyTree, policy.RemovePerson:
					for _, p := range s.persons {
						for _, l := range levels {
							if l != access.LevelInvalid && a != policy.ManageFamilyAccess && a != policy.GrantAccess {
								continue
							}
							out = append(out, policy.PersonResource(id, p.ID).WithLevel(l))
						}
						if a == policy.EditFamilyTree {
							for _, rel := range []access.Relation{access.RelationHolder, access.RelationChild} {
								out = append(out, policy.PersonResource(id, p.ID).WithRelation(rel))
							}
						}
					}
					out = append(out, policy.PersonResource(id, "per_unknown"))
					if a == policy.EditFamilyTree {
						for _, rel := range []access.Relation{access.RelationCoHolder, access.RelationSpouse} {
							out = append(out, policy.DossierResource(id).WithRelation(rel))
						}
					}
					if a == policy.GrantAccess || a == policy.ManageFamilyAccess {
						out = append(out, policy.DossierResource(id).WithLevel(access.LevelReadWrite))
					}
				case policy.ChangeGrantLevel, policy.CorrectGrantContact, policy.RevokeGrant, policy.ViewGrant:
					for _, g := range s.grants {
						out = append(out, policy.GrantResource(id, g.ID))
						if a == policy.ChangeGrantLevel {
							out = append(out, policy.GrantResource(id, g.ID).WithLevel(access.LevelReadOnly), policy.GrantResource(id, g.ID).WithLevel(access.LevelReadWrite))
						}
					}
				case policy.SetStatus:
					for _, st := range []cabinet.DossierStatus{cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierArchived} {
						out = append(out, policy.DossierResource(id).WithStatus(st))
					}
					for _, g := range append(sortedKeys(s.clientGroups), "group_unknown") {
						out = append(out, policy.DossierResource(id).WithStatus(cabinet.DossierActivated).WithGroup(g),
							policy.DossierResource(id).WithStatus(cabinet.DossierArchived).WithGroup(g))
					}
				case policy.AssignClientGroup:
					for _, g := range append(sortedKeys(s.clientGroups), "group_unknown") {
						out = append(out, policy.DossierResource(id).WithGroup(g))
					}
				case policy.ViewRoutes:
					for _, u := range users {
						out = append(out, policy.DossierResource(id).WithUser(u))
					}
				case policy.Refer:
					for _, t := range teams {
						out = append(out, policy.DossierResource(id).WithTeam(t))
					}
				}
				if a == policy.GrantAccess || a == policy.ViewAccessRights || a == policy.ManageExternalAdvisors {
					for _, adv := range append(sortedKeys(s.advisors), "adv_unknown") {
						out = append(out, policy.AdvisorResource(id, adv))
						if a == policy.GrantAccess {
							out = append(out, policy.AdvisorResource(id, adv).WithLevel(access.LevelReadOnly))
						}
					}
				}
				if a == policy.ViewDossier || a == policy.SetManager {
					// Refinements the action does not take (POL-4).
					for _, p := range s.persons {
						out = append(out, policy.PersonResource(id, p.ID))
					}
					for _, g := range s.grants {
						out = append(out, policy.GrantResource(id, g.ID))
					}
				}
			}
		case policy.ResourceOffice:
			for _, o := range offices {
				out = append(out, policy.OfficeResource(o))
				if a == policy.ListSessions {
					for _, u := range users {
						out = append(out, policy.OfficeResource(o).WithUser(u))
					}
				}
			}
		case policy.ResourceContact:
			for _, c := range append(sortedKeys(s.contacts), "contact_unknown") {
				if a == policy.LinkContact {
					for _, d := range dossiers {
						out = append(out, policy.ContactResource(c).WithDossier(d, ""))
						for _, p := range s.persons {
							out = append(out, policy.ContactResource(c).WithDossier(d, p.ID))
						}
					}
					out = append(out, policy.ContactResource(c))
					continue
				}
				out = append(out, policy.ContactResource(c))
			}
		case policy.ResourceCompany:
			for _, id := range append(sortedKeys(s.companies), "company_unknown") {
				out = append(out, policy.CompanyResource(id))
			}
		case policy.ResourceProject:
			for _, id := range append(sortedKeys(s.projects), "project_unknown") {
				out = append(out, policy.ProjectResource(id))
			}
		case policy.ResourceDecision:
			for _, id := range append(sortedKeys(s.decisions), "decision_unknown") {
				out = append(out, policy.DecisionResource(id))
			}
		case policy.ResourceUnit:
			for _, id := range append(sortedKeys(s.units), "unit_unknown") {
				out = append(out, policy.UnitResource(id))
			}
		case policy.ResourceSession:
			for _, id := range append(sortedKeys(s.sessions), "session_unknown") {
				out = append(out, policy.SessionResource(id))
			}
		case policy.ResourceProcedure:
			for _, id := range append(sortedKeys(s.procedures), "proc_unknown") {
				out = append(out, policy.ProcedureResource(id))
				if a == policy.OpenCase {
					for _, d := range dossiers {
						out = append(out, policy.ProcedureResource(id).WithDossier(d, ""))
					}
				}
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
