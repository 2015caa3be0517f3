package policy_test

// The entitlement oracle of the no-escalation properties (SPEC §3
// invariant 12; see escalation_test.go for the properties, the world and the
// command table).
//
// Nothing here asks package policy who is entitled. The oracle reads the raw
// records of every store through the store Readers (memstore implements all
// of them) into an escSnap, and decides from those records alone, with the
// SPEC v2 definitions written out below (each function names its rules):
//
//   - manager: Dossier.Manager is the user AND the user is a collaborator of
//     the dossier's office (GRP-11 v2);
//   - admin: an admin profile in the dossier's office (GRP-3);
//   - internal reach: GRP-3's five routes from the records, each requiring
//     office membership (GRP-3, GRP-11);
//   - granted central person: a grant linked to the user, to a person of the
//     dossier's tree whose relation is holder or co_holder (ACC-2, ACC-6,
//     ACC-7).
//
// Package policy is used only to ASK: escCapabilities records, for every
// subject, dossier and dossier action, the routes policy.Engine.Check
// allows. Three checks then run after every command:
//
//   - escOpened (dynamic): every capability that is new, or reached by a new
//     route, was opened by an actor the rules entitle to open that route, in
//     the state BEFORE the command (escJustify);
//   - escHeld (static): every route a capability is allowed through is one
//     the records give in the state AFTER the command (escBound): a removed
//     collaborator keeps no internal or manager right, the team route never
//     applies to the dossier's central persons and never opens what its
//     referrer could not do, an impersonation session allows only viewing,
//     only while its collaborator is a collaborator of the office, and never
//     more than its contact;
//   - escPositions: the positions that decide entitlements change only by
//     the acts the rules name (a team's lead, TEAM-1/TEAM-2 v2; who is
//     central in a family tree, ACC-2 v2).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// escReferrerBoundEveryStep chooses how TEAM-8 v2's "a referral never opens a
// dossier its referrer could not open" is read by escHeld. true (the
// decision taken here): at every moment, the team route allows an action
// only if one referrer of a referral in the subject's team can take it now
// (internally or as the dossier's granted central person), so a referrer
// who loses their own access (removed from the office) takes the team's
// with them. false: the bound is checked only when the referral is made or
// moved (escOpened). Flip it if the lead decides that team routes outlive
// their referrer's access.
const escReferrerBoundEveryStep = true

// ---- the raw state ----

// escOU is an (office, user) pair.
type escOU struct {
	office cabinet.OfficeID
	user   cabinet.UserID
}

// escSnap is the raw state of every store at one moment, read through the
// store Readers. It is what the oracle decides from.
type escSnap struct {
	now       time.Time
	users     map[cabinet.UserID]cabinet.User
	byEmail   map[string]cabinet.UserID // cabinet.EmailKey → account
	teams     map[cabinet.TeamID]team.Team
	invites   map[team.InvitationID]team.Invitation
	referrals map[cabinet.ReferralID]team.Referral
	refsOf    map[cabinet.DossierID][]cabinet.ReferralID

	offices   map[cabinet.OfficeID]clientgroup.Office
	profiles  map[escOU]cabinet.Profile
	cgMembers map[cabinet.CollaboratorGroupID]map[cabinet.UserID]bool
	groupCGs  map[cabinet.ClientGroupID][]cabinet.CollaboratorGroupID
	direct    map[cabinet.ClientGroupID]map[cabinet.UserID]bool
	placement map[cabinet.DossierID]cabinet.ClientGroupID
	// firstGroup is the first client group of each office (by ID): the
	// group AssignClientGroup is asked about (placing the dossier in a
	// group of its office, GRP-5).
	firstGroup map[cabinet.OfficeID]cabinet.ClientGroupID

	dossiers map[cabinet.DossierID]access.Dossier
	persons  map[access.PersonID]access.Person
	advisors map[access.AdvisorID]access.Advisor
	grants   map[access.GrantID]access.Grant
	grantsOn map[cabinet.DossierID][]access.GrantID

	contacts map[cabinet.ContactID]contact.Contact
	sessions map[contact.SessionID]contact.Session

	// revoked are the dossiers whose consent (TEAM-9 v2: one switch per
	// dossier, held by its granted central persons) is revoked: the
	// team.DossierConsent records.
	revoked map[cabinet.DossierID]bool
}

// escSnapshot reads every record of store, at the clock's time.
func escSnapshot(ctx context.Context, store *memstore.Store, now time.Time) (*escSnap, error) {
	s := &escSnap{
		now: now, users: map[cabinet.UserID]cabinet.User{}, byEmail: map[string]cabinet.UserID{},
		teams: map[cabinet.TeamID]team.Team{}, invites: map[team.InvitationID]team.Invitation{},
		referrals: map[cabinet.ReferralID]team.Referral{}, refsOf: map[cabinet.DossierID][]cabinet.ReferralID{},
		offices: map[cabinet.OfficeID]clientgroup.Office{}, profiles: map[escOU]cabinet.Profile{},
		cgMembers: map[cabinet.CollaboratorGroupID]map[cabinet.UserID]bool{},
		groupCGs:  map[cabinet.ClientGroupID][]cabinet.CollaboratorGroupID{},
		direct:    map[cabinet.ClientGroupID]map[cabinet.UserID]bool{},
		placement: map[cabinet.DossierID]cabinet.ClientGroupID{}, firstGroup: map[cabinet.OfficeID]cabinet.ClientGroupID{},
		dossiers: map[cabinet.DossierID]access.Dossier{}, persons: map[access.PersonID]access.Person{},
		advisors: map[access.AdvisorID]access.Advisor{}, grants: map[access.GrantID]access.Grant{},
		grantsOn: map[cabinet.DossierID][]access.GrantID{},
		contacts: map[cabinet.ContactID]contact.Contact{}, sessions: map[contact.SessionID]contact.Session{},
		revoked: map[cabinet.DossierID]bool{},
	}
	err := store.ViewTeams(ctx, func(r team.Reader) error {
		users, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error) {
			return r.ListUsers(ctx, p)
		})
		if err != nil {
			return err
		}
		for _, u := range users {
			s.users[u.ID] = u
			s.byEmail[cabinet.EmailKey(u.Email)] = u.ID
		}
		teams, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, t := range teams {
			s.teams[t.ID] = t
		}
		invs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, team.InvitationFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, inv := range invs {
			s.invites[inv.ID] = inv
		}
		refs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, ref := range refs {
			s.referrals[ref.ID] = ref
			s.refsOf[ref.Dossier] = append(s.refsOf[ref.Dossier], ref.ID)
		}
		consents, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.DossierConsent, cabinet.Cursor, error) {
			return r.ListDossierConsents(ctx, team.ConsentFilter{}, p)
		})
		for _, c := range consents {
			s.revoked[c.Dossier] = c.State == team.ConsentRevoked
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		offices, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Office, cabinet.Cursor, error) {
			return r.Offices(ctx, p)
		})
		if err != nil {
			return err
		}
		for _, o := range offices {
			s.offices[o.ID] = o
		}
		collabs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, c := range collabs {
			s.profiles[escOU{c.Office, c.User}] = c.Profile
		}
		members, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Member, cabinet.Cursor, error) {
			return r.Members(ctx, clientgroup.MemberFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, m := range members {
			if s.cgMembers[m.Group] == nil {
				s.cgMembers[m.Group] = map[cabinet.UserID]bool{}
			}
			s.cgMembers[m.Group][m.User] = true
		}
		gas, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
			return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range gas {
			s.groupCGs[a.ClientGroup] = append(s.groupCGs[a.ClientGroup], a.CollaboratorGroup)
		}
		das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
			return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range das {
			if s.direct[a.ClientGroup] == nil {
				s.direct[a.ClientGroup] = map[cabinet.UserID]bool{}
			}
			s.direct[a.ClientGroup][a.User] = true
		}
		pls, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
			return r.Placements(ctx, clientgroup.PlacementFilter{}, p)
		})
		for _, p := range pls {
			s.placement[p.Dossier] = p.ClientGroup
		}
		if err != nil {
			return err
		}
		groups, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
			return r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, p)
		})
		for _, g := range groups {
			if s.firstGroup[g.Office] == "" || g.ID < s.firstGroup[g.Office] {
				s.firstGroup[g.Office] = g.ID
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = store.ViewAccess(ctx, func(r access.Reader) error {
		ds, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, d := range ds {
			s.dossiers[d.ID] = d
		}
		ps, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
			return r.Persons(ctx, access.PersonFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, p := range ps {
			s.persons[p.ID] = p
		}
		as, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Advisor, cabinet.Cursor, error) {
			return r.Advisors(ctx, access.AdvisorFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, a := range as {
			s.advisors[a.ID] = a
		}
		gs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, p)
		})
		for _, g := range gs {
			s.grants[g.ID] = g
			s.grantsOn[g.Dossier] = append(s.grantsOn[g.Dossier], g.ID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = store.ViewContacts(ctx, func(r contact.Reader) error {
		cs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]contact.Contact, cabinet.Cursor, error) {
			return r.ListContacts(ctx, contact.ContactFilter{IncludeArchived: true}, p)
		})
		if err != nil {
			return err
		}
		for _, c := range cs {
			s.contacts[c.ID] = c
		}
		ss, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]contact.Session, cabinet.Cursor, error) {
			return r.ListSessions(ctx, contact.SessionFilter{}, p)
		})
		for _, x := range ss {
			s.sessions[x.ID] = x
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// escSorted returns the keys of m, ascending.
func escSorted[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ---- definitions from the records (SPEC v2) ----

// profile is u's profile in office o, ProfileInvalid when u is not a
// collaborator there.
func (s *escSnap) profile(o cabinet.OfficeID, u cabinet.UserID) cabinet.Profile {
	if u == "" {
		return cabinet.ProfileInvalid
	}
	return s.profiles[escOU{o, u}]
}

// isCollaborator: u is a collaborator of office o (GRP-11: every internal and
// manager right requires it).
func (s *escSnap) isCollaborator(o cabinet.OfficeID, u cabinet.UserID) bool {
	return s.profile(o, u).Valid()
}

// isAdmin: u has the admin profile in office o (GRP-3, GRP-5).
func (s *escSnap) isAdmin(o cabinet.OfficeID, u cabinet.UserID) bool {
	return s.profile(o, u) == cabinet.ProfileAdmin
}

// isManager: u is dossier d's manager in the v2 sense — its Manager field
// AND a collaborator of its office (GRP-11 v2).
func (s *escSnap) isManager(d cabinet.DossierID, u cabinet.UserID) bool {
	dos, ok := s.dossiers[d]
	return ok && u != "" && dos.Manager == u && s.isCollaborator(dos.Office, u)
}

// staleManager: u is named manager of d by the record but is not a
// collaborator of its office any more (the GRP-11 hole).
func (s *escSnap) staleManager(d cabinet.DossierID, u cabinet.UserID) bool {
	dos, ok := s.dossiers[d]
	return ok && u != "" && dos.Manager == u && !s.isCollaborator(dos.Office, u)
}

// internalRoutes are u's routes to d by GRP-3, each requiring u to be a
// collaborator of d's office (GRP-11): admin, manager, assigned, a direct
// collaborator of d's client group, a member of a collaborator group
// assigned to it.
func (s *escSnap) internalRoutes(u cabinet.UserID, d cabinet.DossierID) cabinet.Routes {
	dos, ok := s.dossiers[d]
	if !ok || !s.isCollaborator(dos.Office, u) {
		return 0
	}
	var r cabinet.Routes
	if s.isAdmin(dos.Office, u) {
		r |= cabinet.RouteAdmin
	}
	if dos.Manager == u {
		r |= cabinet.RouteManager
	}
	if slices.Contains(dos.Assigned, u) {
		r |= cabinet.RouteAssigned
	}
	if g, ok := s.placement[d]; ok {
		if s.direct[g][u] {
			r |= cabinet.RouteGroupDirect
		}
		for _, cg := range s.groupCGs[g] {
			if s.cgMembers[cg][u] {
				r |= cabinet.RouteCollaboratorGroup
				break
			}
		}
	}
	return r
}

// escCentral: the person's relation makes them central (ACC-2).
func escCentral(r access.Relation) bool {
	return r == access.RelationHolder || r == access.RelationCoHolder
}

// grantsOf returns the grants linked to account u on dossier d.
func (s *escSnap) grantsOf(u cabinet.UserID, d cabinet.DossierID) []access.Grant {
	var out []access.Grant
	if u == "" {
		return nil
	}
	for _, id := range s.grantsOn[d] {
		if g := s.grants[id]; g.User == u {
			out = append(out, g)
		}
	}
	return out
}

// grantRoute is the route grant g opens, by the records: an advisor's grant
// the external-advisor route (ACC-10); a grant to a person whose relation is
// holder or co_holder the central-person route (ACC-6, ACC-7); any other
// person's the family route (ACC-11).
func (s *escSnap) grantRoute(g access.Grant) cabinet.Routes {
	if g.Kind == access.GranteeAdvisor {
		return cabinet.RouteExternalAdvisor
	}
	if p, ok := s.persons[g.Person]; ok && escCentral(p.Relation) {
		return cabinet.RouteCentralPerson
	}
	return cabinet.RouteFamily
}

// centralGrant returns u's grant as a granted central person of d: linked
// to u, to a holder or co_holder of d's tree (ACC-6, ACC-7).
func (s *escSnap) centralGrant(u cabinet.UserID, d cabinet.DossierID) (access.Grant, bool) {
	for _, g := range s.grantsOf(u, d) {
		if s.grantRoute(g) == cabinet.RouteCentralPerson {
			return g, true
		}
	}
	return access.Grant{}, false
}

// escGrantPermits says whether a grant of route kind r at level lv allows
// act (and section sec for EditSection), by SPEC v2: viewing always;
// editing family_structure, asset_inventory, donation_inventory (and, for
// central persons and family members, documents, ACC-11 v2) with
// read_write only; never notes, simulations or reports (ACC-10, ACC-11);
// managing family access only as a central person (ACC-7); managing
// external advisors never (ACC-9).
func escGrantPermits(r cabinet.Routes, lv access.Level, act policy.Action, sec access.Section) (bool, string, string) {
	rule, who := "ACC-11", "family members and central persons"
	if r == cabinet.RouteExternalAdvisor {
		rule, who = "ACC-10", "external advisors"
	}
	switch act {
	case policy.ViewDossier:
		return true, "", ""
	case policy.EditSection:
		open := sec == access.SectionFamilyStructure || sec == access.SectionAssetInventory || sec == access.SectionDonationInventory ||
			(sec == access.SectionDocuments && r != cabinet.RouteExternalAdvisor)
		if !open {
			return false, rule, fmt.Sprintf("%s never edit %s", who, sec)
		}
		if lv != access.LevelReadWrite {
			return false, rule, "a read_only grant only views"
		}
		return true, "", ""
	case policy.UseSimulations, policy.UseReports:
		return false, rule, fmt.Sprintf("%s never use simulations or reports", who)
	case policy.ManageFamilyAccess:
		if r == cabinet.RouteCentralPerson {
			return true, "", ""
		}
		return false, "ACC-7", "only the manager and granted central persons manage family access"
	}
	return false, "ACC-9", "only the dossier's manager manages external advisors"
}

// canRefer says whether u may share dossier d with a team (TEAM-8 v2): d
// exists, and u reaches it internally (GRP-3, with GRP-11) or is its
// granted central person.
func (s *escSnap) canRefer(u cabinet.UserID, d cabinet.DossierID) (bool, string) {
	if _, ok := s.dossiers[d]; !ok {
		return false, fmt.Sprintf("dossier %s does not exist", d)
	}
	if s.internalRoutes(u, d) != 0 {
		return true, ""
	}
	if _, ok := s.centralGrant(u, d); ok {
		return true, ""
	}
	return false, fmt.Sprintf("%s neither reaches %s internally (GRP-3) nor is its granted central person", u, d)
}

// referrerCan says whether referrer u can take act on d themself, by the
// routes a referral shares (TEAM-8 v2: internal routes, or their own
// central grant; never another team route, never a family or advisor
// grant), on a dossier that is not archived unless act is viewing (ACC-12).
func (s *escSnap) referrerCan(u cabinet.UserID, d cabinet.DossierID, act policy.Action, sec access.Section) (bool, string) {
	dos, ok := s.dossiers[d]
	if !ok {
		return false, "the dossier does not exist"
	}
	if dos.Status == cabinet.DossierArchived && act != policy.ViewDossier {
		return false, "the dossier is archived (ACC-12)"
	}
	if s.internalRoutes(u, d) != 0 {
		return true, ""
	}
	if g, ok := s.centralGrant(u, d); ok {
		if ok, _, why := escGrantPermits(cabinet.RouteCentralPerson, g.Level, act, sec); !ok {
			return false, fmt.Sprintf("its referrer %s is a %s central person: %s", u, g.Level, why)
		}
		return true, ""
	}
	return false, fmt.Sprintf("its referrer %s neither reaches the dossier internally nor is its granted central person", u)
}

// consentGiven says whether referral ref opens its dossier to its team
// (TEAM-9 v2): its dossier's consent record is not revoked.
func (s *escSnap) consentGiven(ref team.Referral) bool {
	return !s.revoked[ref.Dossier]
}

// escTeamRole returns u's role in t and whether u is a member, from the
// members list.
func escTeamRole(t team.Team, u cabinet.UserID) (team.Role, bool) {
	for _, m := range t.Members {
		if m.User == u {
			return m.Role, true
		}
	}
	return team.RoleInvalid, false
}

// inviterIsAdmin says whether invitation inv was issued by an admin of its
// (non-personal) team, in this state (TEAM-3, TEAM-4).
func (s *escSnap) inviterIsAdmin(inv team.Invitation) bool {
	t, ok := s.teams[inv.Team]
	if !ok || t.Personal {
		return false
	}
	r, ok := escTeamRole(t, inv.InvitedBy)
	return ok && r == team.RoleAdmin
}

// mayGrant says whether actor may give grant g (its kind, person and level)
// in this state (ACC-1, ACC-7 v2, ACC-9, GRP-11 v2): the manager for anyone
// of the tree and for registered advisors; a granted central person for a
// non-central person only, at most at their own level. A manager of record
// who left the office may not (GRP-11).
func (s *escSnap) mayGrant(actor cabinet.UserID, g access.Grant, level access.Level) (bool, string, string) {
	d := g.Dossier
	if s.isManager(d, actor) {
		return true, "", ""
	}
	if s.staleManager(d, actor) {
		return false, "GRP-11", fmt.Sprintf("%s is still named manager of %s but is no longer a collaborator of its office: a manager's rights require it", actor, d)
	}
	if g.Kind == access.GranteeAdvisor {
		return false, "ACC-9", fmt.Sprintf("only the manager of %s manages external advisors, not %s", d, actor)
	}
	cg, ok := s.centralGrant(actor, d)
	if !ok {
		return false, "ACC-1", fmt.Sprintf("%s is neither the manager of %s nor its granted central person", actor, d)
	}
	if p, ok := s.persons[g.Person]; ok && escCentral(p.Relation) {
		return false, "ACC-7", "a central person never grants another central person"
	}
	if level > cg.Level {
		return false, "ACC-7", fmt.Sprintf("%s holds %s and grants at most their own level, not %s", actor, cg.Level, level)
	}
	return true, "", ""
}

// ---- capabilities, as policy answers them ----

// escCapKey is one capability: a subject, a dossier, an action (and the
// section of EditSection).
type escCapKey struct {
	subj    policy.Subject
	dossier cabinet.DossierID
	action  policy.Action
	section access.Section
}

// escCaps maps every allowed capability to the routes Check named, and
// keeps the capabilities in the order they were added (escCapabilities adds
// them in a stable order: subjects, dossiers, questions).
type escCaps struct {
	routes map[escCapKey]cabinet.Routes
	keys   []escCapKey
}

func newEscCaps() *escCaps { return newEscCapsSized(0) }

func newEscCapsSized(n int) *escCaps {
	return &escCaps{routes: make(map[escCapKey]cabinet.Routes, n), keys: make([]escCapKey, 0, n)}
}

// get returns the routes of k (none when k is not allowed).
func (c *escCaps) get(k escCapKey) cabinet.Routes { return c.routes[k] }

// add records that k is allowed through r (r ≠ 0; added once).
func (c *escCaps) add(k escCapKey, r cabinet.Routes) {
	if _, ok := c.routes[k]; !ok {
		c.keys = append(c.keys, k)
	}
	c.routes[k] = r
}

// escQuestion is one dossier action asked of every subject and dossier.
type escQuestion struct {
	action  policy.Action
	section access.Section
}

// escQuestions are every dossier action of policy/vocab.go, EditSection
// once per section.
var escQuestions = func() []escQuestion {
	out := []escQuestion{{action: policy.ViewDossier}}
	for _, s := range access.Sections() {
		out = append(out, escQuestion{policy.EditSection, s})
	}
	for _, a := range []policy.Action{policy.UseSimulations, policy.UseReports, policy.ManageFamilyAccess,
		policy.ManageExternalAdvisors, policy.SetManager, policy.AssignClientGroup} {
		out = append(out, escQuestion{action: a})
	}
	return out
}()

// escCapabilities asks engine every dossier question for every subject of
// s: every account as policy.User, every impersonation session as
// policy.Impersonating.
func escCapabilities(ctx context.Context, engine *policy.Engine, s *escSnap) (*escCaps, error) {
	subjects := make([]policy.Subject, 0, len(s.users)+len(s.sessions))
	for _, u := range escSorted(s.users) {
		subjects = append(subjects, policy.User(u))
	}
	for _, id := range escSorted(s.sessions) {
		subjects = append(subjects, policy.Impersonating(id))
	}
	caps := newEscCapsSized(len(subjects) * len(s.dossiers) * 4)
	dossiers := escSorted(s.dossiers)
	for _, subj := range subjects {
		for _, d := range dossiers {
			for _, q := range escQuestions {
				res := policy.DossierResource(d)
				switch q.action {
				case policy.EditSection:
					res = policy.SectionResource(d, q.section)
				case policy.AssignClientGroup:
					// v2: placing it into a group of its office (without a
					// group the question is taking it out).
					g := s.firstGroup[s.dossiers[d].Office]
					if g == "" {
						continue
					}
					res = res.WithGroup(g)
				}
				dec, err := engine.Check(ctx, subj, q.action, res)
				if err != nil {
					return nil, fmt.Errorf("Check(%s, %s, %s): %w", subj, q.action, res, err)
				}
				if dec.Allowed {
					caps.add(escCapKey{subj, d, q.action, q.section}, dec.Routes)
				}
			}
		}
	}
	return caps, nil
}

func (k escCapKey) what() string {
	if k.action == policy.EditSection {
		return fmt.Sprintf("%s#%s", k.action, k.section)
	}
	return k.action.String()
}

// ---- the step and its findings ----

// escStep is one command as the oracle sees it: who acted (the account
// created, for a sign-up; "" for the clock), the table move and its
// arguments, and the service's answer.
type escStep struct {
	move  string
	actor cabinet.UserID
	args  string
	err   error
}

// escViolation is one broken rule after one command.
type escViolation struct {
	rule   string // the SPEC v2 rule it violates
	check  string // "opened", "held" or "position"
	cap    escCapKey
	routes cabinet.Routes // the routes at fault (0 for a position)
	why    string
}

// escLedger remembers, for every grant and team invitation, whether the
// command that last shaped it was entitled — what a later sign-up or
// acceptance inherits (ACC-5, TEAM-3).
type escLedger struct {
	grants  map[access.GrantID]escProvenance
	invites map[team.InvitationID]bool // issued by an admin of the team
}

// escProvenance is the judgement of the command that created or last
// changed a grant (its level, person, email or route).
type escProvenance struct {
	ok        bool
	rule, why string
}

func newEscLedger() *escLedger {
	return &escLedger{grants: map[access.GrantID]escProvenance{}, invites: map[team.InvitationID]bool{}}
}

// record judges every grant and invitation created or changed by st (s0
// before it, s1 after it).
func (l *escLedger) record(s0, s1 *escSnap, st escStep) {
	for _, id := range escSorted(s1.grants) {
		g := s1.grants[id]
		old, existed := s0.grants[id]
		if existed && old.Level == g.Level && old.Email == g.Email && old.Person == g.Person && s0.grantRoute(old) == s1.grantRoute(g) {
			continue
		}
		ok, rule, why := s0.mayGrant(st.actor, g, g.Level)
		if ok && existed && s0.grantRoute(old) != s1.grantRoute(g) && !s0.isManager(g.Dossier, st.actor) {
			ok, rule, why = false, "ACC-2", fmt.Sprintf("%s changed who is central; only the manager does (ACC-2 v2)", st.actor)
		}
		l.grants[id] = escProvenance{ok: ok, rule: rule, why: why}
	}
	for _, id := range escSorted(s1.invites) {
		if _, existed := s0.invites[id]; !existed {
			l.invites[id] = s0.inviterIsAdmin(s1.invites[id])
		}
	}
}

// escJust is the oracle's answer for one new route of one capability.
type escJust struct {
	ok     bool
	ownAct bool // opened by the gaining user's own act the rules allow (acceptance, sign-up, a new dossier)
	how    string
	rule   string
	why    string
}

func escOK(how string) escJust { return escJust{ok: true, how: how} }

// escByPosition is an opening the actor is entitled to by their office
// position (admin, manager), given by someone else: also when it is for
// themself (an admin appointing herself manager).
func escByPosition(how string) escJust { return escJust{ok: true, ownAct: true, how: how} }

// escOpened is the dynamic check: every capability of a user that is new
// after st, or reached by a new route, was opened by an entitled actor
// (escJustify), and a new capability never comes from the gaining user's own
// command alone — except accepting an invitation, signing up, or creating a
// new dossier (invariant 12). Impersonation sessions are not judged here:
// escHeld bounds them by their contact, whose own gains are judged here.
// count receives every new (capability, route) judged and how it was
// justified.
func escOpened(s0, s1 *escSnap, c0, c1 *escCaps, st escStep, led *escLedger, count func(r cabinet.Routes, how string)) []escViolation {
	var out []escViolation
	for _, key := range c1.keys {
		if c1.get(key)&^c0.get(key) == 0 {
			continue
		}
		if key.subj.Session != "" {
			continue
		}
		r0, r1 := c0.get(key), c1.get(key)
		fresh := r1 &^ r0
		if fresh == 0 {
			continue
		}
		ownOK, failed := false, false
		fresh.Each(func(r cabinet.Routes) {
			j := escJustify(s0, s1, st, led, key, r)
			if count != nil {
				how := j.how
				if !j.ok {
					how = "VIOLATION " + j.rule
				}
				count(r, how)
			}
			if !j.ok {
				out = append(out, escViolation{rule: j.rule, check: "opened", cap: key, routes: r, why: j.why})
				failed = true
				return
			}
			ownOK = ownOK || j.ownAct
		})
		if r0 == 0 && key.subj.User == st.actor && !ownOK && !failed {
			out = append(out, escViolation{rule: escRuleOf(fresh), check: "opened", cap: key, routes: fresh,
				why: fmt.Sprintf("%s gained it through their own command alone (invariant 12: only accepting an invitation, signing up or creating a dossier opens something for oneself)", st.actor)})
		}
	}
	return out
}

// escRuleOf names the rule governing a route set: team TEAM-8, central and
// family grants ACC-7, advisors ACC-9, internal routes GRP-3.
func escRuleOf(r cabinet.Routes) string {
	switch {
	case r&cabinet.RouteTeam != 0:
		return "TEAM-8"
	case r&(cabinet.RouteCentralPerson|cabinet.RouteFamily) != 0:
		return "ACC-7"
	case r&cabinet.RouteExternalAdvisor != 0:
		return "ACC-9"
	}
	return "GRP-3"
}

// escJustify says whether route r of capability key, new after st, was
// opened by an actor entitled to open it, in the state before st:
//
//   - on a dossier created by st: its creator, a collaborator of the office,
//     and only the admin and manager routes (ACC-1, GRP-3);
//   - a status change by an admin of the office or the manager restores what
//     the records already give (ACC-12);
//   - the admin route: by an admin of the office (GRP-5); the manager and
//     assigned routes: by an admin or the manager (ACC-1); the client-group
//     routes: by an admin (GRP-5) — never by a manager of record who left
//     (GRP-11);
//   - the team route: escJustifyTeam (TEAM-3, TEAM-7, TEAM-8, TEAM-9);
//   - grant routes: escJustifyGrant (ACC-1, ACC-2, ACC-5, ACC-7, ACC-9).
func escJustify(s0, s1 *escSnap, st escStep, led *escLedger, key escCapKey, r cabinet.Routes) escJust {
	d := key.dossier
	d1 := s1.dossiers[d]
	d0, existed := s0.dossiers[d]
	if !existed {
		if d1.CreatedBy == st.actor && s0.isCollaborator(d1.Office, st.actor) && r&(cabinet.RouteAdmin|cabinet.RouteManager) != 0 {
			return escJust{ok: true, ownAct: true, how: "new dossier by a collaborator"}
		}
		if r == cabinet.RouteTeam {
			return escJust{rule: "TEAM-8", why: fmt.Sprintf("%s was created by this command, and a referral made before it existed opens it by the team route (TEAM-8 v2: the dossier must exist)", d)}
		}
		return escJust{rule: "ACC-1", why: fmt.Sprintf("a new dossier opens only its office's admin and manager routes to collaborators; %s was opened by %s", r, st.actor)}
	}
	if d0.Status != d1.Status && (s0.isAdmin(d0.Office, st.actor) || s0.isManager(d, st.actor)) {
		return escByPosition("status change by admin or manager")
	}
	office := d0.Office
	switch {
	case r == cabinet.RouteAdmin:
		if s0.isAdmin(office, st.actor) {
			return escByPosition("internal by admin")
		}
		return escJust{rule: "GRP-5", why: fmt.Sprintf("the admin route is opened only by an admin of %s, not %s", office, st.actor)}
	case r == cabinet.RouteManager || r == cabinet.RouteAssigned:
		if s0.isAdmin(office, st.actor) {
			return escByPosition("internal by admin")
		}
		if s0.isManager(d, st.actor) {
			return escByPosition("internal by manager")
		}
		if s0.staleManager(d, st.actor) {
			return escJust{rule: "GRP-11", why: fmt.Sprintf("%s is named manager of %s but left its office: no manager right remains", st.actor, d)}
		}
		return escJust{rule: "ACC-1", why: fmt.Sprintf("the %s route is opened only by an admin of %s or the manager of %s, not %s", r, office, d, st.actor)}
	case r&cabinet.InternalRoutes != 0:
		if s0.isAdmin(office, st.actor) {
			return escByPosition("internal by admin")
		}
		return escJust{rule: "GRP-5", why: fmt.Sprintf("client-group routes are opened only by an admin of %s, not %s", office, st.actor)}
	case r == cabinet.RouteTeam:
		return escJustifyTeam(s0, s1, st, led, key)
	case r&(cabinet.RouteCentralPerson|cabinet.RouteFamily|cabinet.RouteExternalAdvisor) != 0:
		return escJustifyGrant(s0, s1, st, led, key, r)
	}
	return escJust{rule: "POL-1", why: fmt.Sprintf("route %s is not a dossier route", r)}
}

// escJustifyTeam justifies a new team route of key's user u: some referral
// of the dossier lives in a team of u with consent given, and whatever made
// it reach u in this command was entitled:
//
//   - a new referral: made by its referrer, who before the command reached
//     the dossier internally or was its granted central person (TEAM-8 v2);
//   - a referral moved into the team (by its referrer, a first-team
//     transfer or a team's deletion): its referrer reached the dossier
//     before the command (TEAM-7, TEAM-8 v2);
//   - consent given again: by a granted central person of the dossier
//     (TEAM-9 v2);
//   - u joined the team: by accepting, themself, an invitation issued by an
//     admin of the team (TEAM-3), or by creating it as its own lead (TEAM-1).
//
// Nothing changed about a referral that already reached u: the capability
// is new because its referrer can do more; escHeld bounds it.
func escJustifyTeam(s0, s1 *escSnap, st escStep, led *escLedger, key escCapKey) escJust {
	u, d := key.subj.User, key.dossier
	var first escJust
	var reasons []string
	for _, id := range s1.refsOf[d] {
		ref := s1.referrals[id]
		t1, ok := s1.teams[ref.Team]
		if !ok || !s1.consentGiven(ref) {
			continue
		}
		if _, member := escTeamRole(t1, u); !member {
			continue
		}
		j := escJustifyReferral(s0, s1, st, led, u, ref)
		if j.ok {
			return j
		}
		if first.rule == "" {
			first = j
		}
		reasons = append(reasons, j.why)
	}
	if first.rule == "" {
		return escJust{rule: "TEAM-8", why: fmt.Sprintf("no referral of %s with consent given lives in a team of %s", d, u)}
	}
	return escJust{rule: first.rule, why: strings.Join(reasons, "; ")}
}

// escJustifyReferral judges one referral of escJustifyTeam.
func escJustifyReferral(s0, s1 *escSnap, st escStep, led *escLedger, u cabinet.UserID, ref team.Referral) escJust {
	d := ref.Dossier
	j := escJust{ok: true, how: "team: unchanged referral"}
	old, existed := s0.referrals[ref.ID]
	switch {
	case !existed:
		if ref.Referrer != st.actor {
			return escJust{rule: "TEAM-8", why: fmt.Sprintf("referral %s names %s as referrer but %s made it (TEAM-8)", ref.ID, ref.Referrer, st.actor)}
		}
		if ok, why := s0.canRefer(st.actor, d); !ok {
			return escJust{rule: "TEAM-8", why: fmt.Sprintf("%s referred %s into team %s, but %s (TEAM-8 v2)", st.actor, d, ref.Team, why)}
		}
		j.how = "team: referral by a referrer who reaches the dossier"
	default:
		if old.Team != ref.Team {
			if ok, why := s0.canRefer(ref.Referrer, d); !ok {
				return escJust{rule: "TEAM-8", why: fmt.Sprintf("referral %s of %s moved into team %s, but %s (TEAM-8 v2)", ref.ID, d, ref.Team, why)}
			}
			j.how = "team: referral moved, referrer reaches the dossier"
		}
		if !s0.consentGiven(old) {
			if _, ok := s0.centralGrant(st.actor, d); !ok {
				return escJust{rule: "TEAM-9", why: fmt.Sprintf("consent to share %s was given again by %s, who is not its granted central person (TEAM-9 v2)", d, st.actor)}
			}
			j.how = "team: consent restored by a central person"
		}
	}
	t0, teamExisted := s0.teams[ref.Team]
	_, wasMember := escTeamRole(t0, u)
	if teamExisted && wasMember {
		return j
	}
	t1 := s1.teams[ref.Team]
	if !teamExisted && t1.Lead == u && u == st.actor {
		j.how, j.ownAct = "team: own new team", true
		return j
	}
	for _, id := range escSorted(s1.invites) {
		inv := s1.invites[id]
		was, ok := s0.invites[id]
		if inv.Team != ref.Team || inv.AcceptedBy != u || inv.Status != team.StatusAccepted || !ok || was.Status != team.StatusPending {
			continue
		}
		if u != st.actor {
			return escJust{rule: "TEAM-3", why: fmt.Sprintf("%s's invitation %s was accepted by %s (TEAM-3)", u, id, st.actor)}
		}
		if !led.invites[id] {
			return escJust{rule: "TEAM-3", why: fmt.Sprintf("%s accepted invitation %s, which no admin of team %s issued (TEAM-3)", u, id, ref.Team)}
		}
		j.how, j.ownAct = "team: accepted an admin's invitation", true
		return j
	}
	rule := "TEAM-3"
	if !teamExisted {
		rule = "TEAM-1"
	}
	return escJust{rule: rule, why: fmt.Sprintf("%s became a member of team %s by %s's command, without accepting an invitation (%s)", u, ref.Team, st.actor, rule)}
}

// escJustifyGrant justifies a new grant route r of key's user u: some grant
// of u on the dossier opens r and allows the action, and whatever made it
// u's in this command was entitled:
//
//   - a new grant: made by an actor mayGrant allows (ACC-1, ACC-7 v2, ACC-9,
//     GRP-11 v2), never to the actor's own account (invariant 12);
//   - a grant linked at u's own sign-up: the ledger says the command that
//     last shaped it was entitled (ACC-5);
//   - a level raised: by an actor mayGrant allows at the new level (ACC-4,
//     ACC-7 v2), never on the actor's own grant;
//   - a person made central: by the manager only (ACC-2 v2).
func escJustifyGrant(s0, s1 *escSnap, st escStep, led *escLedger, key escCapKey, r cabinet.Routes) escJust {
	u, d := key.subj.User, key.dossier
	var first escJust
	for _, g := range s1.grantsOf(u, d) {
		if s1.grantRoute(g) != r {
			continue
		}
		if ok, _, _ := escGrantPermits(r, g.Level, key.action, key.section); !ok {
			continue
		}
		j := escJustifyOneGrant(s0, st, led, u, g, r)
		if j.ok {
			return j
		}
		if first.rule == "" {
			first = j
		}
	}
	if first.rule != "" {
		return first
	}
	return escJust{rule: escRuleOf(r), why: fmt.Sprintf("%s holds no %s grant on %s that allows %s", u, r, d, key.what())}
}

func escJustifyOneGrant(s0 *escSnap, st escStep, led *escLedger, u cabinet.UserID, g access.Grant, r cabinet.Routes) escJust {
	old, existed := s0.grants[g.ID]
	if !existed {
		if g.User == st.actor && len(s0.grantsOf(st.actor, g.Dossier)) > 0 {
			return escJust{rule: "ACC-7", why: fmt.Sprintf("%s, who already holds a grant on %s, granted %s at the email of their own account: no account holds two grants on one dossier, nobody raises their own rights by granting a relative at an address they control (ACC-7 v2)", st.actor, g.Dossier, g.ID)}
		}
		if g.User == st.actor {
			return escJust{rule: "ACC-1", why: fmt.Sprintf("%s granted %s at the email of their own account and gained access through it: grants are the access of people outside the office (ACC-1), never their granter's (invariant 12)", st.actor, g.ID)}
		}
		if ok, rule, why := s0.mayGrant(st.actor, g, g.Level); !ok {
			return escJust{rule: rule, why: fmt.Sprintf("grant %s (%s, %s) was made by %s: %s (%s)", g.ID, r, g.Level, st.actor, why, rule)}
		}
		return escOK("grant by an entitled granter")
	}
	j := escOK("grant: unchanged")
	if old.User == "" && g.User == u {
		_, had := s0.users[u]
		switch {
		case had && old.Email == g.Email:
			return escJust{rule: "ACC-5", why: fmt.Sprintf("grant %s was linked to the existing account %s outside its sign-up", g.ID, u)}
		case had:
			// ACC-3 v2: the unlinked grant's email was corrected to the
			// address of an existing account, which links it (ACC-5: that
			// account is notified): a grant of that account by the
			// corrector, judged as one — never the corrector's own
			// account (ACC-7 v2), and by someone who may grant it.
			if g.User == st.actor {
				return escJust{rule: "ACC-7", why: fmt.Sprintf("%s corrected grant %s to the email of their own account and gained access through it (ACC-7 v2)", st.actor, g.ID)}
			}
			if ok, rule, why := s0.mayGrant(st.actor, g, g.Level); !ok {
				return escJust{rule: rule, why: fmt.Sprintf("grant %s was corrected to the email of the existing account %s by %s: %s (%s)", g.ID, u, st.actor, why, rule)}
			}
			j = escOK("grant corrected to an existing account by an entitled corrector")
		default:
			p, ok := led.grants[g.ID]
			if !ok || !p.ok {
				return escJust{rule: p.rule, why: fmt.Sprintf("%s signed up with the email of grant %s (%s, %s), whose granter was not entitled: %s (%s)", u, g.ID, r, g.Level, p.why, p.rule)}
			}
			j = escJust{ok: true, ownAct: true, how: "grant linked at sign-up"}
		}
	}
	if old.Level < g.Level {
		if g.User == st.actor {
			return escJust{rule: escRuleOf(r), why: fmt.Sprintf("%s raised their own grant %s to %s (invariant 12)", st.actor, g.ID, g.Level)}
		}
		if ok, rule, why := s0.mayGrant(st.actor, g, g.Level); !ok {
			return escJust{rule: rule, why: fmt.Sprintf("grant %s was raised to %s by %s: %s (%s)", g.ID, g.Level, st.actor, why, rule)}
		}
		j.how = "grant level raised by an entitled actor"
	}
	if s0.grantRoute(old) != r {
		if !s0.isManager(g.Dossier, st.actor) {
			return escJust{rule: "ACC-2", why: fmt.Sprintf("grant %s moved from %s to %s by %s; only the manager changes who is central (ACC-2 v2)", g.ID, s0.grantRoute(old), r, st.actor)}
		}
		j.how = "person made central by the manager"
	}
	return j
}

// escHeld is the static check on the state after a command: every route of
// every capability is one the records give now (escBound), and the records
// themselves hold no account with two grants on one dossier (ACC-7 v2).
// count receives every (capability, route) checked.
func escHeld(s *escSnap, caps *escCaps, count func(r cabinet.Routes)) []escViolation {
	var out []escViolation
	for _, key := range caps.keys {
		routes := caps.get(key)
		if key.subj.Session != "" {
			out = append(out, escSessionBound(s, caps, key, routes)...)
			continue
		}
		routes.Each(func(r cabinet.Routes) {
			if count != nil {
				count(r)
			}
			if ok, rule, why := escBound(s, key.subj.User, key.dossier, key.action, key.section, r); !ok {
				out = append(out, escViolation{rule: rule, check: "held", cap: key, routes: r, why: why})
			}
		})
	}
	for _, d := range escSorted(s.dossiers) {
		seen := map[cabinet.UserID]access.GrantID{}
		for _, id := range s.grantsOn[d] {
			g := s.grants[id]
			if g.User == "" {
				continue
			}
			if other, dup := seen[g.User]; dup {
				out = append(out, escViolation{rule: "ACC-7", check: "held", cap: escCapKey{subj: policy.User(g.User), dossier: d},
					why: fmt.Sprintf("%s holds two grants on %s (%s and %s): no account holds two grants on one dossier (ACC-7 v2)", g.User, d, other, id)})
			}
			seen[g.User] = id
		}
	}
	return out
}

// escBound says whether user u may reach d by route r for act (and sec),
// by the records of s and SPEC v2:
//
//   - an archived dossier allows only viewing (ACC-12);
//   - view, edit, simulations, reports: any internal route the records give
//     (GRP-3, GRP-11); the team route when escTeamBound allows; a grant of
//     the route's kind that allows the action (ACC-10, ACC-11 v2);
//   - manage family access: the manager (ACC-1, GRP-11) or a granted central
//     person (ACC-7); manage external advisors: the manager (ACC-9);
//     set manager: an admin or the manager (ACC-1); assign a client group:
//     an admin, on an activated dossier (GRP-5).
func escBound(s *escSnap, u cabinet.UserID, d cabinet.DossierID, act policy.Action, sec access.Section, r cabinet.Routes) (bool, string, string) {
	dos, ok := s.dossiers[d]
	if !ok {
		return false, "POL-4", "the dossier does not exist"
	}
	if dos.Status == cabinet.DossierArchived && act != policy.ViewDossier {
		return false, "ACC-12", fmt.Sprintf("%s is archived: read-only for everyone (ACC-12 v2)", d)
	}
	internal := func() (bool, string, string) {
		if !s.isCollaborator(dos.Office, u) {
			return false, "GRP-11", fmt.Sprintf("%s is not a collaborator of %s (removed, or never added): no internal or manager right (GRP-11 v2)", u, dos.Office)
		}
		if s.internalRoutes(u, d)&r == 0 {
			return false, "GRP-3", fmt.Sprintf("the records give %s no %s route to %s", u, r, d)
		}
		return true, "", ""
	}
	switch act {
	case policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports:
		switch {
		case r&cabinet.InternalRoutes != 0:
			return internal()
		case r == cabinet.RouteTeam:
			return escTeamBound(s, u, d, act, sec)
		case r&(cabinet.RouteCentralPerson|cabinet.RouteFamily|cabinet.RouteExternalAdvisor) != 0:
			rule, why := "", ""
			for _, g := range s.grantsOf(u, d) {
				if s.grantRoute(g) != r {
					continue
				}
				ok, grule, gwhy := escGrantPermits(r, g.Level, act, sec)
				if ok {
					return true, "", ""
				}
				rule, why = grule, fmt.Sprintf("grant %s (%s): %s (%s)", g.ID, g.Level, gwhy, grule)
			}
			if rule == "" {
				return false, escRuleOf(r), fmt.Sprintf("%s holds no %s grant on %s", u, r, d)
			}
			return false, rule, why
		}
	case policy.ManageFamilyAccess:
		switch r {
		case cabinet.RouteManager:
			if ok, rule, why := internal(); !ok {
				return false, rule, why
			}
			return true, "", ""
		case cabinet.RouteCentralPerson:
			if _, ok := s.centralGrant(u, d); ok {
				return true, "", ""
			}
			return false, "ACC-7", fmt.Sprintf("%s is not a granted central person of %s", u, d)
		}
		return false, "ACC-1", "only the manager and granted central persons manage family access"
	case policy.ManageExternalAdvisors:
		if r == cabinet.RouteManager {
			if ok, rule, why := internal(); !ok {
				return false, rule, why
			}
			return true, "", ""
		}
		return false, "ACC-9", "only the manager manages external advisors"
	case policy.SetManager:
		if r == cabinet.RouteAdmin || r == cabinet.RouteManager {
			return internal()
		}
		return false, "ACC-1", "only an admin or the manager sets the manager"
	case policy.AssignClientGroup:
		if r != cabinet.RouteAdmin {
			return false, "GRP-5", "only admins place dossiers into client groups"
		}
		if dos.Status != cabinet.DossierActivated {
			return false, "GRP-5", fmt.Sprintf("%s is %s: only activated dossiers are placed", d, dos.Status)
		}
		return internal()
	}
	return false, "POL-1", fmt.Sprintf("route %s does not apply to %s", r, act)
}

// escTeamBound is the team route's bound (TEAM-8 v2, TEAM-9): never for a
// granted central person of the dossier; only through a referral of it in
// one of u's teams with consent given; and (escReferrerBoundEveryStep) only
// for an action one such referral's referrer can take now (referrerCan).
func escTeamBound(s *escSnap, u cabinet.UserID, d cabinet.DossierID, act policy.Action, sec access.Section) (bool, string, string) {
	if _, ok := s.centralGrant(u, d); ok {
		return false, "TEAM-8", fmt.Sprintf("%s is a granted central person of %s: the team route never applies to the dossier's own central persons (TEAM-8 v2)", u, d)
	}
	var revoked bool
	var reasons []string
	for _, id := range s.refsOf[d] {
		ref := s.referrals[id]
		t, ok := s.teams[ref.Team]
		if !ok {
			continue
		}
		if _, member := escTeamRole(t, u); !member {
			continue
		}
		if !s.consentGiven(ref) {
			revoked = true
			continue
		}
		if !escReferrerBoundEveryStep {
			return true, "", ""
		}
		ok, why := s.referrerCan(ref.Referrer, d, act, sec)
		if ok {
			return true, "", ""
		}
		reasons = append(reasons, fmt.Sprintf("referral %s in %s: %s", id, ref.Team, why))
	}
	switch {
	case len(reasons) > 0:
		return false, "TEAM-8", "the team route opens no more than its referrer can do (TEAM-8 v2): " + strings.Join(reasons, "; ")
	case revoked:
		return false, "TEAM-9", fmt.Sprintf("consent to share %s is revoked (TEAM-9)", d)
	}
	return false, "TEAM-8", fmt.Sprintf("no referral of %s lives in a team of %s", d, u)
}

// escSessionBound is CON-6 v2 on an impersonation session's capability: the
// session is active at the clock, its collaborator is still a collaborator
// of its office, the contact is invited or active and not archived, its
// account is not a collaborator of the office; only viewing; and never
// more than the contact alone (every route also the contact's in caps, and
// given by the records, invariant 10).
func escSessionBound(s *escSnap, caps *escCaps, key escCapKey, routes cabinet.Routes) []escViolation {
	v := func(why string) []escViolation {
		return []escViolation{{rule: "CON-6", check: "held", cap: key, routes: routes, why: why}}
	}
	ses, ok := s.sessions[key.subj.Session]
	if !ok {
		return v("the session does not exist")
	}
	if !ses.ActiveAt(s.now) {
		return v(fmt.Sprintf("session %s is not active at %s", ses.ID, s.now.Format(time.RFC3339)))
	}
	if !s.isCollaborator(ses.Office, ses.Actor) {
		return v(fmt.Sprintf("%s, who impersonates in session %s, is no longer a collaborator of %s: the session has ended (CON-6 v2)", ses.Actor, ses.ID, ses.Office))
	}
	c, ok := s.contacts[ses.Contact]
	if !ok || c.Archived || (c.Status != contact.StatusInvited && c.Status != contact.StatusActive) {
		return v(fmt.Sprintf("contact %s is no longer invited or active", ses.Contact))
	}
	if ses.ContactUser == "" || s.isCollaborator(ses.Office, ses.ContactUser) {
		return v(fmt.Sprintf("the impersonated account %q has no account or is a collaborator of the office", ses.ContactUser))
	}
	if key.action != policy.ViewDossier {
		return v(fmt.Sprintf("while impersonating only viewing actions are allowed, not %s (CON-6 v2)", key.what()))
	}
	own := escCapKey{subj: policy.User(ses.ContactUser), dossier: key.dossier, action: key.action, section: key.section}
	if extra := routes &^ caps.get(own); extra != 0 {
		return v(fmt.Sprintf("the session reaches %s by %s, which the contact %s alone does not (invariant 10)", key.dossier, extra, ses.ContactUser))
	}
	var out []escViolation
	routes.Each(func(r cabinet.Routes) {
		if ok, _, why := escBound(s, ses.ContactUser, key.dossier, key.action, key.section, r); !ok {
			out = append(out, escViolation{rule: "CON-6", check: "held", cap: key, routes: r,
				why: fmt.Sprintf("never more than the contact %s has: %s", ses.ContactUser, why)})
		}
	})
	return out
}

// escPositions checks the positions that decide entitlements, before (s0)
// and after (s1) st:
//
//   - a team's lead, an admin and member of it, becomes so only by their own
//     act (creating the team, accepting a team created for them) or by the
//     current lead handing it over — never by taking it (TEAM-1 v2,
//     TEAM-2 v2); a personal team's at sign-up;
//   - who is central in a dossier's tree (adding or removing a holder or
//     co_holder, changing a relation to or from them) changes only by the
//     manager's command (ACC-2 v2).
func escPositions(s0, s1 *escSnap, st escStep) []escViolation {
	var out []escViolation
	for _, id := range escSorted(s1.teams) {
		t := s1.teams[id]
		if _, member := escTeamRole(t, t.Lead); !member || t.Lead == "" {
			continue
		}
		t0, existed := s0.teams[id]
		_, wasMember := escTeamRole(t0, t.Lead)
		if existed && t0.Lead == t.Lead && wasMember {
			continue
		}
		switch {
		case !existed && t.Personal && t.Owner == t.Lead && s0.users[t.Lead].ID == "":
			continue // created with the account (TEAM-6)
		case (!existed || t0.Lead == t.Lead) && st.actor == t.Lead:
			continue // their own act: creating the team, or accepting a team created for them
		case existed && t0.Lead != t.Lead && wasLead(t0, st.actor):
			continue // handed over by the lead
		}
		v := escViolation{rule: "TEAM-2", check: "position", cap: escCapKey{subj: policy.User(t.Lead)},
			why: fmt.Sprintf("%s became lead of team %s by %s's command; only its lead %s hands lead status over, nobody takes it (TEAM-2 v2)", t.Lead, id, st.actor, t0.Lead)}
		if !existed || t0.Lead == t.Lead {
			v.rule = "TEAM-1"
			v.why = fmt.Sprintf("%s made %s the lead and an admin of team %s without %s's own act (TEAM-1 v2: a team created for someone else is pending until they accept it)", st.actor, t.Lead, id, t.Lead)
		}
		out = append(out, v)
	}
	for _, d := range escSorted(s1.dossiers) {
		if _, existed := s0.dossiers[d]; !existed {
			continue
		}
		was, is := escCentralSet(s0, d), escCentralSet(s1, d)
		if slices.Equal(was, is) || s0.isManager(d, st.actor) {
			continue
		}
		out = append(out, escViolation{rule: "ACC-2", check: "position", cap: escCapKey{subj: policy.User(st.actor), dossier: d},
			why: fmt.Sprintf("%s changed the central persons of %s from %v to %v; only the manager does (ACC-2 v2)", st.actor, d, was, is)})
	}
	return out
}

func wasLead(t team.Team, u cabinet.UserID) bool {
	_, member := escTeamRole(t, u)
	return u != "" && t.Lead == u && member
}

// escCentralSet lists the persons of d's tree who are holder or co_holder.
func escCentralSet(s *escSnap, d cabinet.DossierID) []access.PersonID {
	var out []access.PersonID
	for _, id := range escSorted(s.persons) {
		if p := s.persons[id]; p.Dossier == d && escCentral(p.Relation) {
			out = append(out, id)
		}
	}
	return out
}
