package crosscheck_test

// Random small cabinet states, as plain records written straight through
// the stores' Writers (memstore.New, UpdateTeams / UpdateClientGroups /
// UpdateAccess), not through the services: so that a state can hold what
// the services would refuse to build today but SPEC v2 still decides (a
// manager who is no longer a collaborator of the office, GRP-11 v2), and so
// that a failing state can be shrunk record by record. Referential
// integrity is kept: every ID a record names exists (normalize).
//
// Decision: the states follow SPEC v2's data invariants — one consent
// record per dossier at most (team.DossierConsent, TEAM-9 v2; none means
// given), at most one grant per account and dossier (ACC-7 v2), draft
// dossiers in no client group (GRP-5), a grant's Central flag equal to its
// person's relation (ACC-2), pending teams without members nor referrals
// (TEAM-1 v2). They do not keep TEAM-8's "the referrer reached the dossier
// when referring": a referral's referrer is drawn among its team's members
// and the dossier's staff and grantees, entitled or not today, since the
// team route depends on the referrer's entitlement at decision time.

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// state is one cabinet state as records.
type state struct {
	Users     []cabinet.User
	Offices   []clientgroup.Office
	Collabs   []clientgroup.Collaborator
	CGroups   []clientgroup.CollaboratorGroup
	Members   []clientgroup.Member
	Groups    []clientgroup.ClientGroup
	Direct    []clientgroup.DirectAssignment
	GAssign   []clientgroup.GroupAssignment
	Place     []clientgroup.Placement
	Dossiers  []access.Dossier
	Persons   []access.Person
	Advisors  []access.Advisor
	Grants    []access.Grant
	Teams     []team.Team
	Referrals []team.Referral
	Consents  []team.DossierConsent
}

func (s *state) clone() *state {
	c := &state{
		Users: slices.Clone(s.Users), Offices: slices.Clone(s.Offices), Collabs: slices.Clone(s.Collabs),
		CGroups: slices.Clone(s.CGroups), Members: slices.Clone(s.Members), Groups: slices.Clone(s.Groups),
		Direct: slices.Clone(s.Direct), GAssign: slices.Clone(s.GAssign), Place: slices.Clone(s.Place),
		Dossiers: slices.Clone(s.Dossiers), Persons: slices.Clone(s.Persons), Advisors: slices.Clone(s.Advisors),
		Grants: slices.Clone(s.Grants), Teams: slices.Clone(s.Teams), Referrals: slices.Clone(s.Referrals),
		Consents: slices.Clone(s.Consents),
	}
	for i := range c.Dossiers {
		c.Dossiers[i].Assigned = slices.Clone(c.Dossiers[i].Assigned)
	}
	for i := range c.Teams {
		c.Teams[i].Members = slices.Clone(c.Teams[i].Members)
	}
	return c
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// genState draws a state: two offices, eight users, a few collaborators
// per office (some admins), collaborator groups and client groups with
// memberships and assignments, six dossiers (draft, activated, archived)
// with managers — sometimes a user who is no longer a collaborator of the
// office —, assigned collaborators and placements, family trees with
// grants (central and not, both levels, some awaiting an account),
// external advisors with grants, personal, shared and pending teams,
// referrals by referrers entitled or not, and a consent record for some
// dossiers (given or revoked).
func genState(r *rand.Rand) *state {
	s := &state{}
	users := make([]cabinet.UserID, 8)
	for i := range users {
		users[i] = cabinet.UserID(fmt.Sprintf("u%d", i+1))
		s.Users = append(s.Users, cabinet.User{ID: users[i], DisplayName: string(users[i]), Email: string(users[i]) + "@example.com", CreatedAt: t0})
	}
	offices := []cabinet.OfficeID{"o1", "o2"}
	collabs := map[cabinet.OfficeID][]cabinet.UserID{}
	for _, o := range offices {
		s.Offices = append(s.Offices, clientgroup.Office{ID: o, Name: string(o), Email: string(o) + "@example.com", CreatedBy: users[0], CreatedAt: t0})
		for _, u := range users {
			if r.Intn(100) < 40 {
				p := cabinet.ProfileStandard
				if r.Intn(100) < 25 {
					p = cabinet.ProfileAdmin
				}
				s.Collabs = append(s.Collabs, clientgroup.Collaborator{Office: o, User: u, Profile: p, AddedAt: t0})
				collabs[o] = append(collabs[o], u)
			}
		}
	}
	// staff draws a collaborator of o, or (rarely, or when o has none) any
	// user: someone who left the office but still appears in its records.
	staff := func(o cabinet.OfficeID) cabinet.UserID {
		if len(collabs[o]) == 0 || r.Intn(100) < 12 {
			return pick(r, users)
		}
		return pick(r, collabs[o])
	}
	n := 0
	next := func(prefix string) string { n++; return fmt.Sprintf("%s%d", prefix, n) }

	groupsOf := map[cabinet.OfficeID][]cabinet.ClientGroupID{}
	for _, o := range offices {
		var cgs []cabinet.CollaboratorGroupID
		for range r.Intn(3) {
			k := cabinet.CollaboratorGroupID(next("k"))
			cgs = append(cgs, k)
			s.CGroups = append(s.CGroups, clientgroup.CollaboratorGroup{ID: k, Office: o, Name: string(k), CreatedAt: t0})
			for range 1 + r.Intn(3) {
				s.Members = append(s.Members, clientgroup.Member{Group: k, Office: o, User: staff(o)})
			}
		}
		for range 1 + r.Intn(2) {
			g := cabinet.ClientGroupID(next("g"))
			groupsOf[o] = append(groupsOf[o], g)
			s.Groups = append(s.Groups, clientgroup.ClientGroup{ID: g, Office: o, Name: string(g), CreatedAt: t0})
			for range r.Intn(3) {
				s.Direct = append(s.Direct, clientgroup.DirectAssignment{ClientGroup: g, Office: o, User: staff(o)})
			}
			for _, k := range cgs {
				if r.Intn(2) == 0 {
					s.GAssign = append(s.GAssign, clientgroup.GroupAssignment{ClientGroup: g, Office: o, CollaboratorGroup: k})
				}
			}
		}
	}

	statuses := []cabinet.DossierStatus{cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierActivated, cabinet.DossierArchived}
	var dossiers []cabinet.DossierID
	for range 6 {
		o := pick(r, offices)
		d := access.Dossier{ID: cabinet.DossierID(next("d")), Office: o, Name: "dossier", Status: pick(r, statuses), CreatedBy: users[0], CreatedAt: t0}
		if r.Intn(100) < 85 {
			d.Manager = staff(o)
		}
		for range r.Intn(3) {
			if u := staff(o); u != d.Manager && !slices.Contains(d.Assigned, u) {
				d.Assigned = append(d.Assigned, u)
			}
		}
		slices.Sort(d.Assigned)
		s.Dossiers = append(s.Dossiers, d)
		dossiers = append(dossiers, d.ID)
		if d.Status != cabinet.DossierDraft && r.Intn(100) < 60 {
			s.Place = append(s.Place, clientgroup.Placement{Dossier: d.ID, Office: o, ClientGroup: pick(r, groupsOf[o])})
		}

		// Family tree and grants; one grant per account and dossier.
		granted := map[cabinet.UserID]bool{}
		grantee := func() cabinet.UserID {
			if r.Intn(100) < 15 {
				return "" // awaiting an account
			}
			u := pick(r, users)
			if granted[u] {
				return ""
			}
			granted[u] = true
			return u
		}
		levels := []access.Level{access.LevelReadOnly, access.LevelReadWrite}
		for range r.Intn(4) {
			p := access.Person{ID: access.PersonID(next("p")), Dossier: d.ID, Name: "person", Relation: pick(r, access.Relations()), CreatedAt: t0}
			s.Persons = append(s.Persons, p)
			if r.Intn(100) < 75 {
				s.Grants = append(s.Grants, access.Grant{
					ID: access.GrantID(next("a")), Dossier: d.ID, Office: o, Kind: access.GranteePerson, Person: p.ID,
					Central: p.Relation.Central(), Email: string(p.ID) + "@example.com", Phone: "+33600000000",
					Level: pick(r, levels), User: grantee(), GrantedBy: d.Manager, GrantedAt: t0,
				})
			}
		}
		for range r.Intn(3) {
			a := access.Advisor{ID: access.AdvisorID(next("x")), Dossier: d.ID, Name: "advisor", Email: "adv@example.com", Phone: "+33600000001", Type: access.AdvisorNotary, CreatedAt: t0}
			s.Advisors = append(s.Advisors, a)
			if r.Intn(100) < 75 {
				s.Grants = append(s.Grants, access.Grant{
					ID: access.GrantID(next("a")), Dossier: d.ID, Office: o, Kind: access.GranteeAdvisor, Advisor: a.ID,
					Email: string(a.ID) + "@example.com", Phone: "+33600000001",
					Level: pick(r, levels), User: grantee(), GrantedBy: d.Manager, GrantedAt: t0,
				})
			}
		}
	}

	// Teams: every user's personal team, and a few shared teams.
	for _, u := range users {
		s.Teams = append(s.Teams, team.Team{ID: cabinet.TeamID("pt_" + string(u)), Name: string(u) + " personal", Personal: true,
			Owner: u, Lead: u, CreatedBy: u, CreatedAt: t0, Members: []team.Member{{User: u, Role: team.RoleAdmin, JoinedAt: t0}}})
	}
	for range 1 + r.Intn(3) {
		id := cabinet.TeamID(next("t"))
		var ms []team.Member
		for _, u := range users {
			if r.Intn(100) < 30 {
				ms = append(ms, team.Member{User: u, Role: team.RoleMember, JoinedAt: t0})
			}
		}
		if len(ms) == 0 {
			ms = append(ms, team.Member{User: pick(r, users), Role: team.RoleMember, JoinedAt: t0})
		}
		ms[0].Role = team.RoleAdmin
		lead := ms[0].User
		slices.SortFunc(ms, func(a, b team.Member) int { return strings.Compare(string(a.User), string(b.User)) })
		s.Teams = append(s.Teams, team.Team{ID: id, Name: string(id), Lead: lead, CreatedBy: lead, CreatedAt: t0, Members: ms})
	}
	// Pending teams (TEAM-1 v2): created by an assistant for a lead who has
	// not answered; no member, no referral.
	for range r.Intn(3) {
		id := cabinet.TeamID(next("tp"))
		s.Teams = append(s.Teams, team.Team{ID: id, Name: string(id), Pending: true, Lead: pick(r, users), CreatedBy: pick(r, users), CreatedAt: t0})
	}
	// Consent: one switch per dossier (TEAM-9 v2), stored for some.
	for _, d := range dossiers {
		switch n := r.Intn(100); {
		case n < 30:
			s.Consents = append(s.Consents, team.DossierConsent{Dossier: d, State: team.ConsentRevoked, ChangedBy: users[0], ChangedAt: t0})
		case n < 45:
			s.Consents = append(s.Consents, team.DossierConsent{Dossier: d, State: team.ConsentGiven, ChangedBy: users[0], ChangedAt: t0})
		}
	}
	// Referrals, in accepted teams. The referrer is a member of the team, or
	// someone tied to the dossier (its manager, an assigned collaborator, a
	// grantee) or anyone: entitled to the dossier today or not (TEAM-8 v2).
	var accepted []team.Team
	for _, t := range s.Teams {
		if !t.Pending {
			accepted = append(accepted, t)
		}
	}
	for range r.Intn(6) {
		t := pick(r, accepted)
		d := pick(r, s.Dossiers)
		var who []cabinet.UserID
		for _, m := range t.Members {
			who = append(who, m.User)
		}
		if d.Manager != "" {
			who = append(who, d.Manager)
		}
		who = append(who, d.Assigned...)
		for _, g := range s.Grants {
			if g.Dossier == d.ID && g.User != "" {
				who = append(who, g.User)
			}
		}
		referrer := pick(r, users)
		if r.Intn(100) < 85 {
			referrer = pick(r, who)
		}
		s.Referrals = append(s.Referrals, team.Referral{
			ID: cabinet.ReferralID(next("r")), Team: t.ID, Referrer: referrer, ClientName: "client",
			ClientEmail: "client@example.com", Dossier: d.ID, CreatedAt: t0,
		})
	}
	// Now and then a central grantee is a member of a team holding a
	// referral of their own dossier (TEAM-8 v2: no team route for them).
	if r.Intn(100) < 40 && len(s.Referrals) > 0 {
		ref := pick(r, s.Referrals)
		for _, g := range s.Grants {
			if g.Dossier == ref.Dossier && g.Central && g.User != "" {
				for i := range s.Teams {
					if s.Teams[i].ID == ref.Team && !s.Teams[i].Personal && !s.Teams[i].IsMember(g.User) {
						s.Teams[i].Members = append(s.Teams[i].Members, team.Member{User: g.User, Role: team.RoleMember, JoinedAt: t0})
						slices.SortFunc(s.Teams[i].Members, func(a, b team.Member) int { return strings.Compare(string(a.User), string(b.User)) })
					}
				}
				break
			}
		}
	}
	s.normalize()
	return s
}

// normalize drops every record that names a record that no longer exists,
// and unsets references to missing users, keeping the state consistent
// after a shrink step removed something.
func (s *state) normalize() {
	users := map[cabinet.UserID]bool{}
	for _, u := range s.Users {
		users[u.ID] = true
	}
	offices := map[cabinet.OfficeID]bool{}
	for _, o := range s.Offices {
		offices[o.ID] = true
	}
	s.Collabs = slices.DeleteFunc(s.Collabs, func(c clientgroup.Collaborator) bool { return !offices[c.Office] || !users[c.User] })
	s.CGroups = slices.DeleteFunc(s.CGroups, func(g clientgroup.CollaboratorGroup) bool { return !offices[g.Office] })
	cgroups := map[cabinet.CollaboratorGroupID]bool{}
	for _, g := range s.CGroups {
		cgroups[g.ID] = true
	}
	s.Members = slices.DeleteFunc(s.Members, func(m clientgroup.Member) bool { return !cgroups[m.Group] || !users[m.User] })
	s.Groups = slices.DeleteFunc(s.Groups, func(g clientgroup.ClientGroup) bool { return !offices[g.Office] })
	groups := map[cabinet.ClientGroupID]bool{}
	for _, g := range s.Groups {
		groups[g.ID] = true
	}
	s.Direct = slices.DeleteFunc(s.Direct, func(a clientgroup.DirectAssignment) bool { return !groups[a.ClientGroup] || !users[a.User] })
	s.GAssign = slices.DeleteFunc(s.GAssign, func(a clientgroup.GroupAssignment) bool {
		return !groups[a.ClientGroup] || !cgroups[a.CollaboratorGroup]
	})
	s.Dossiers = slices.DeleteFunc(s.Dossiers, func(d access.Dossier) bool { return !offices[d.Office] })
	dossiers := map[cabinet.DossierID]bool{}
	for i := range s.Dossiers {
		d := &s.Dossiers[i]
		dossiers[d.ID] = true
		if !users[d.Manager] {
			d.Manager = ""
		}
		d.Assigned = slices.DeleteFunc(d.Assigned, func(u cabinet.UserID) bool { return !users[u] })
	}
	s.Place = slices.DeleteFunc(s.Place, func(p clientgroup.Placement) bool { return !dossiers[p.Dossier] || !groups[p.ClientGroup] })
	s.Persons = slices.DeleteFunc(s.Persons, func(p access.Person) bool { return !dossiers[p.Dossier] })
	s.Advisors = slices.DeleteFunc(s.Advisors, func(a access.Advisor) bool { return !dossiers[a.Dossier] })
	persons := map[access.PersonID]bool{}
	for _, p := range s.Persons {
		persons[p.ID] = true
	}
	advisors := map[access.AdvisorID]bool{}
	for _, a := range s.Advisors {
		advisors[a.ID] = true
	}
	s.Grants = slices.DeleteFunc(s.Grants, func(g access.Grant) bool {
		return !dossiers[g.Dossier] || (g.Kind == access.GranteePerson && !persons[g.Person]) || (g.Kind == access.GranteeAdvisor && !advisors[g.Advisor])
	})
	for i := range s.Grants {
		if !users[s.Grants[i].User] {
			s.Grants[i].User = ""
		}
	}
	s.Teams = slices.DeleteFunc(s.Teams, func(t team.Team) bool { return t.Personal && !users[t.Owner] })
	teams := map[cabinet.TeamID]bool{}
	for i := range s.Teams {
		t := &s.Teams[i]
		teams[t.ID] = true
		t.Members = slices.DeleteFunc(t.Members, func(m team.Member) bool { return !users[m.User] })
	}
	s.Referrals = slices.DeleteFunc(s.Referrals, func(r team.Referral) bool { return !teams[r.Team] || !dossiers[r.Dossier] })
	s.Consents = slices.DeleteFunc(s.Consents, func(c team.DossierConsent) bool { return !dossiers[c.Dossier] })
}

// store writes s into a new memory store through the stores' Writers.
func (s *state) store(ctx context.Context) (*memstore.Store, error) {
	m := memstore.New()
	if _, err := m.UpdateTeams(ctx, func(w team.Writer) error {
		for _, u := range s.Users {
			if err := w.PutUser(ctx, u); err != nil {
				return err
			}
		}
		for _, t := range s.Teams {
			if err := w.PutTeam(ctx, t); err != nil {
				return err
			}
		}
		for _, r := range s.Referrals {
			if err := w.PutReferral(ctx, r); err != nil {
				return err
			}
		}
		for _, c := range s.Consents {
			if err := w.PutDossierConsent(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := m.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		for _, o := range s.Offices {
			if err := w.PutOffice(ctx, o); err != nil {
				return err
			}
		}
		for _, c := range s.Collabs {
			if err := w.PutCollaborator(ctx, c); err != nil {
				return err
			}
		}
		for _, g := range s.CGroups {
			if err := w.PutCollaboratorGroup(ctx, g); err != nil {
				return err
			}
		}
		for _, mb := range s.Members {
			if err := w.PutMember(ctx, mb); err != nil {
				return err
			}
		}
		for _, g := range s.Groups {
			if err := w.PutClientGroup(ctx, g); err != nil {
				return err
			}
		}
		for _, a := range s.Direct {
			if err := w.PutDirectAssignment(ctx, a); err != nil {
				return err
			}
		}
		for _, a := range s.GAssign {
			if err := w.PutGroupAssignment(ctx, a); err != nil {
				return err
			}
		}
		for _, p := range s.Place {
			if err := w.PutPlacement(ctx, p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := m.UpdateAccess(ctx, func(w access.Writer) error {
		for _, d := range s.Dossiers {
			if err := w.PutDossier(ctx, d); err != nil {
				return err
			}
		}
		for _, p := range s.Persons {
			if err := w.PutPerson(ctx, p); err != nil {
				return err
			}
		}
		for _, a := range s.Advisors {
			if err := w.PutAdvisor(ctx, a); err != nil {
				return err
			}
		}
		for _, g := range s.Grants {
			if err := w.PutGrant(ctx, g); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return m, nil
}

// String lists the state compactly, one kind of record per line.
func (s *state) String() string {
	var b strings.Builder
	line := func(label string, items []string) {
		if len(items) > 0 {
			fmt.Fprintf(&b, "  %s: %s\n", label, strings.Join(items, "; "))
		}
	}
	var xs []string
	for _, c := range s.Collabs {
		xs = append(xs, fmt.Sprintf("%s in %s (%s)", c.User, c.Office, c.Profile))
	}
	line("collaborators", xs)
	xs = nil
	for _, g := range s.CGroups {
		var ms []string
		for _, m := range s.Members {
			if m.Group == g.ID {
				ms = append(ms, string(m.User))
			}
		}
		xs = append(xs, fmt.Sprintf("%s of %s members [%s]", g.ID, g.Office, strings.Join(ms, " ")))
	}
	line("collaborator groups", xs)
	xs = nil
	for _, g := range s.Groups {
		var ds, ks []string
		for _, a := range s.Direct {
			if a.ClientGroup == g.ID {
				ds = append(ds, string(a.User))
			}
		}
		for _, a := range s.GAssign {
			if a.ClientGroup == g.ID {
				ks = append(ks, string(a.CollaboratorGroup))
			}
		}
		xs = append(xs, fmt.Sprintf("%s of %s direct [%s] collaborator groups [%s]", g.ID, g.Office, strings.Join(ds, " "), strings.Join(ks, " ")))
	}
	line("client groups", xs)
	xs = nil
	for _, d := range s.Dossiers {
		grp := ""
		for _, p := range s.Place {
			if p.Dossier == d.ID {
				grp = " in " + string(p.ClientGroup)
			}
		}
		mgr := "none"
		if d.Manager != "" {
			mgr = string(d.Manager)
		}
		xs = append(xs, fmt.Sprintf("%s of %s %s manager %s assigned %v%s", d.ID, d.Office, d.Status, mgr, d.Assigned, grp))
	}
	line("dossiers", xs)
	xs = nil
	rel := map[access.PersonID]access.Relation{}
	for _, p := range s.Persons {
		rel[p.ID] = p.Relation
	}
	for _, g := range s.Grants {
		who := "awaiting account"
		if g.User != "" {
			who = "user " + string(g.User)
		}
		if g.Kind == access.GranteeAdvisor {
			xs = append(xs, fmt.Sprintf("%s on %s advisor %s %s %s", g.ID, g.Dossier, g.Advisor, g.Level, who))
		} else {
			xs = append(xs, fmt.Sprintf("%s on %s person %s (%s, central %v) %s %s", g.ID, g.Dossier, g.Person, rel[g.Person], g.Central, g.Level, who))
		}
	}
	line("grants", xs)
	xs = nil
	for _, t := range s.Teams {
		if t.Personal && !slices.ContainsFunc(s.Referrals, func(r team.Referral) bool { return r.Team == t.ID }) {
			continue
		}
		var ms []string
		for _, m := range t.Members {
			ms = append(ms, string(m.User))
		}
		pending := ""
		if t.Pending {
			pending = fmt.Sprintf(" pending (lead %s, created by %s)", t.Lead, t.CreatedBy)
		}
		xs = append(xs, fmt.Sprintf("%s members [%s]%s", t.ID, strings.Join(ms, " "), pending))
	}
	line("teams", xs)
	xs = nil
	for _, r := range s.Referrals {
		xs = append(xs, fmt.Sprintf("%s in %s of %s by %s", r.ID, r.Team, r.Dossier, r.Referrer))
	}
	line("referrals", xs)
	xs = nil
	for _, c := range s.Consents {
		xs = append(xs, fmt.Sprintf("%s %s", c.Dossier, c.State))
	}
	line("consent records", xs)
	return b.String()
}
