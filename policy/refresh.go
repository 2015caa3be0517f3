package policy

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// touched is the set of entity IDs a batch of events names.
type touched struct {
	users     map[cabinet.UserID]struct{}
	dossiers  map[cabinet.DossierID]struct{}
	teams     map[cabinet.TeamID]struct{}
	referrals map[cabinet.ReferralID]struct{}
	cgs       map[cabinet.ClientGroupID]struct{}
	colgs     map[cabinet.CollaboratorGroupID]struct{}
	offices   map[cabinet.OfficeID]struct{}
	contacts  map[cabinet.ContactID]struct{}
	sessions  map[contact.SessionID]struct{}
	procs     map[cabinet.ProcedureID]struct{}
	cases     map[cabinet.CaseID]struct{}
	grants    map[access.GrantID]struct{}
	persons   map[access.PersonID]struct{}
	advisors  map[access.AdvisorID]struct{}
	invites   map[team.InvitationID]struct{}
	records   map[recordKey]struct{}
}

func newTouched() *touched {
	return &touched{
		users: map[cabinet.UserID]struct{}{}, dossiers: map[cabinet.DossierID]struct{}{},
		teams: map[cabinet.TeamID]struct{}{}, referrals: map[cabinet.ReferralID]struct{}{},
		cgs: map[cabinet.ClientGroupID]struct{}{}, colgs: map[cabinet.CollaboratorGroupID]struct{}{},
		offices: map[cabinet.OfficeID]struct{}{}, contacts: map[cabinet.ContactID]struct{}{},
		sessions: map[contact.SessionID]struct{}{}, procs: map[cabinet.ProcedureID]struct{}{},
		cases: map[cabinet.CaseID]struct{}{}, grants: map[access.GrantID]struct{}{},
		persons: map[access.PersonID]struct{}{}, advisors: map[access.AdvisorID]struct{}{},
		invites: map[team.InvitationID]struct{}{}, records: map[recordKey]struct{}{},
	}
}

var (
	tUser     = reflect.TypeFor[cabinet.UserID]()
	tDossier  = reflect.TypeFor[cabinet.DossierID]()
	tTeam     = reflect.TypeFor[cabinet.TeamID]()
	tReferral = reflect.TypeFor[cabinet.ReferralID]()
	tCG       = reflect.TypeFor[cabinet.ClientGroupID]()
	tColg     = reflect.TypeFor[cabinet.CollaboratorGroupID]()
	tOffice   = reflect.TypeFor[cabinet.OfficeID]()
	tContact  = reflect.TypeFor[cabinet.ContactID]()
	tSession  = reflect.TypeFor[contact.SessionID]()
	tProc     = reflect.TypeFor[cabinet.ProcedureID]()
	tCase     = reflect.TypeFor[cabinet.CaseID]()
	tGrant    = reflect.TypeFor[access.GrantID]()
	tPerson   = reflect.TypeFor[access.PersonID]()
	tAdvisor  = reflect.TypeFor[access.AdvisorID]()
	tInvite   = reflect.TypeFor[team.InvitationID]()
	tCompany  = reflect.TypeFor[contact.CompanyID]()
	tProject  = reflect.TypeFor[contact.ProjectID]()
	tDecision = reflect.TypeFor[contact.DecisionID]()
	tUnit     = reflect.TypeFor[contact.UnitID]()
)

// collect adds every ID held by v (struct fields, slices, arrays, maps,
// pointers and interfaces, recursively) to t.
func (t *touched) collect(v reflect.Value, depth int) {
	if !v.IsValid() || depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if s == "" {
			return
		}
		switch v.Type() {
		case tUser:
			t.users[cabinet.UserID(s)] = struct{}{}
		case tDossier:
			t.dossiers[cabinet.DossierID(s)] = struct{}{}
		case tTeam:
			t.teams[cabinet.TeamID(s)] = struct{}{}
		case tReferral:
			t.referrals[cabinet.ReferralID(s)] = struct{}{}
		case tCG:
			t.cgs[cabinet.ClientGroupID(s)] = struct{}{}
		case tColg:
			t.colgs[cabinet.CollaboratorGroupID(s)] = struct{}{}
		case tOffice:
			t.offices[cabinet.OfficeID(s)] = struct{}{}
		case tContact:
			t.contacts[cabinet.ContactID(s)] = struct{}{}
		case tSession:
			t.sessions[contact.SessionID(s)] = struct{}{}
		case tProc:
			t.procs[cabinet.ProcedureID(s)] = struct{}{}
		case tCase:
			t.cases[cabinet.CaseID(s)] = struct{}{}
		case tGrant:
			t.grants[access.GrantID(s)] = struct{}{}
		case tPerson:
			t.persons[access.PersonID(s)] = struct{}{}
		case tAdvisor:
			t.advisors[access.AdvisorID(s)] = struct{}{}
		case tInvite:
			t.invites[team.InvitationID(s)] = struct{}{}
		case tCompany:
			t.records[recordKey{ResourceCompany, s}] = struct{}{}
		case tProject:
			t.records[recordKey{ResourceProject, s}] = struct{}{}
		case tDecision:
			t.records[recordKey{ResourceDecision, s}] = struct{}{}
		case tUnit:
			t.records[recordKey{ResourceUnit, s}] = struct{}{}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			t.collect(v.Field(i), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			t.collect(v.Index(i), depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			t.collect(it.Key(), depth+1)
			t.collect(it.Value(), depth+1)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			t.collect(v.Elem(), depth+1)
		}
	}
}

func keys[K comparable](m map[K]struct{}) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// notFound reports whether err says the record does not exist.
func notFound(err error) bool { return errors.Is(err, cabinet.ErrNotFound) }

// syncSorted makes the relation "owner → others" equal to fresh: set(x, false)
// for each old x not in fresh, set(x, true) for each of fresh.
func syncSorted[E comparable](old, fresh []E, set func(E, bool)) {
	for _, x := range slices.Clone(old) {
		if !slices.Contains(fresh, x) {
			set(x, false)
		}
	}
	for _, x := range fresh {
		set(x, true)
	}
}

// refresh reloads from src every entity t names, with its relations from
// both sides, then recomputes the derived data. The caller holds the write
// lock. Each store is read in its own View.
func (ix *index) refresh(ctx context.Context, src Sources, t *touched) error {
	users := keys(t.users)
	// Widen: the teams users belonged to, the referrals of touched teams and
	// dossiers, the dossiers of touched grants.
	for _, u := range users {
		if r := ix.user(u); r != nil {
			for _, tm := range r.teams {
				t.teams[tm] = struct{}{}
			}
		}
	}
	for tm := range t.teams {
		for _, r := range ix.teamRefs[tm] {
			t.referrals[r] = struct{}{}
		}
	}
	for d := range t.dossiers {
		if r := ix.dossier(d); r != nil {
			for _, x := range ix.refsOf(r) {
				t.referrals[x] = struct{}{}
			}
		}
	}
	for g := range t.grants {
		if old, ok := ix.grants[g]; ok {
			t.dossiers[old.Dossier] = struct{}{}
		}
	}

	err := src.Teams.ViewTeams(ctx, func(r team.Reader) error {
		for _, u := range users {
			x, err := r.User(ctx, u)
			switch {
			case err == nil:
				ix.setUser(u, &x)
			case notFound(err):
				ix.setUser(u, nil)
			default:
				return err
			}
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Team, cabinet.Cursor, error) {
				return r.ListTeams(ctx, team.TeamFilter{Member: u}, cabinet.Page{After: a, Limit: n})
			}, func(x team.Team) { t.teams[x.ID] = struct{}{} }); err != nil {
				return err
			}
		}
		for tm := range t.teams {
			x, err := r.Team(ctx, tm)
			switch {
			case err == nil:
				ix.setTeam(tm, &x)
			case notFound(err):
				ix.setTeam(tm, nil)
			default:
				return err
			}
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Referral, cabinet.Cursor, error) {
				return r.ListReferrals(ctx, team.ReferralFilter{Team: tm}, cabinet.Page{After: a, Limit: n})
			}, func(x team.Referral) { t.referrals[x.ID] = struct{}{} }); err != nil {
				return err
			}
			// The team's invitations, those it had (a deleted team's are
			// gone) and those it has.
			for _, id := range ix.teamInvites[tm] {
				t.invites[id] = struct{}{}
			}
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Invitation, cabinet.Cursor, error) {
				return r.ListInvitations(ctx, team.InvitationFilter{Team: tm}, cabinet.Page{After: a, Limit: n})
			}, func(x team.Invitation) { t.invites[x.ID] = struct{}{} }); err != nil {
				return err
			}
		}
		for id := range t.invites {
			x, err := r.Invitation(ctx, id)
			switch {
			case err == nil:
				ix.setInvitation(id, &x)
			case notFound(err):
				ix.setInvitation(id, nil)
			default:
				return err
			}
		}
		for d := range t.dossiers {
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Referral, cabinet.Cursor, error) {
				return r.ListReferrals(ctx, team.ReferralFilter{Dossier: d}, cabinet.Page{After: a, Limit: n})
			}, func(x team.Referral) { t.referrals[x.ID] = struct{}{} }); err != nil {
				return err
			}
			c, err := r.DossierConsent(ctx, d)
			switch {
			case err == nil:
				ix.setConsent(d, c.State)
			case notFound(err):
				ix.setConsent(d, team.ConsentGiven)
			default:
				return err
			}
		}
		for _, u := range users {
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Referral, cabinet.Cursor, error) {
				return r.ListReferrals(ctx, team.ReferralFilter{Client: u}, cabinet.Page{After: a, Limit: n})
			}, func(x team.Referral) { t.referrals[x.ID] = struct{}{} }); err != nil {
				return err
			}
		}
		for id := range t.referrals {
			x, err := r.Referral(ctx, id)
			switch {
			case err == nil:
				ix.setReferral(id, &x)
			case notFound(err):
				ix.setReferral(id, nil)
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = src.ClientGroups.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		for o := range t.offices {
			_, err := r.Office(ctx, o)
			switch {
			case err == nil:
				ix.setOfficeExists(o, true)
			case notFound(err):
				ix.setOfficeExists(o, false)
			default:
				return err
			}
		}
		for _, u := range users {
			var cs []clientgroup.Collaborator
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
				return r.Collaborators(ctx, clientgroup.CollaboratorFilter{User: u}, cabinet.Page{After: a, Limit: n})
			}, func(c clientgroup.Collaborator) { cs = append(cs, c) }); err != nil {
				return err
			}
			_, ur := ix.internUser(u)
			for _, op := range slices.Clone(ur.offices) {
				if !slices.ContainsFunc(cs, func(c clientgroup.Collaborator) bool { return c.Office == op.office }) {
					ix.setCollab(op.office, u, cabinet.ProfileInvalid, time.Time{})
				}
			}
			for _, c := range cs {
				ix.setCollab(c.Office, u, c.Profile, c.AddedAt)
			}
			var gs []cabinet.CollaboratorGroupID
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Member, cabinet.Cursor, error) {
				return r.Members(ctx, clientgroup.MemberFilter{User: u}, cabinet.Page{After: a, Limit: n})
			}, func(m clientgroup.Member) { gs = append(gs, m.Group) }); err != nil {
				return err
			}
			syncSorted(ur.cgroups, gs, func(g cabinet.CollaboratorGroupID, in bool) { ix.setMember(g, u, in) })
			var ds []cabinet.ClientGroupID
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
				return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{User: u}, cabinet.Page{After: a, Limit: n})
			}, func(d clientgroup.DirectAssignment) { ds = append(ds, d.ClientGroup) }); err != nil {
				return err
			}
			syncSorted(ix.cgIDs(ur.direct), ds, func(g cabinet.ClientGroupID, in bool) { ix.setDirect(g, u, in) })
		}
		for g := range t.cgs {
			x, err := r.ClientGroup(ctx, g)
			switch {
			case err == nil:
				ix.setClientGroup(g, &x)
			case notFound(err):
				ix.setClientGroup(g, nil)
			default:
				return err
			}
			var us []cabinet.UserID
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
				return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{ClientGroup: g}, cabinet.Page{After: a, Limit: n})
			}, func(d clientgroup.DirectAssignment) { us = append(us, d.User) }); err != nil {
				return err
			}
			syncSorted(ix.cg(g).direct, us, func(u cabinet.UserID, in bool) { ix.setDirect(g, u, in) })
			var cs []cabinet.CollaboratorGroupID
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
				return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{ClientGroup: g}, cabinet.Page{After: a, Limit: n})
			}, func(x clientgroup.GroupAssignment) { cs = append(cs, x.CollaboratorGroup) }); err != nil {
				return err
			}
			syncSorted(ix.cg(g).colgs, cs, func(c cabinet.CollaboratorGroupID, in bool) { ix.setGroupAssignment(g, c, in) })
			// Placements: the dossiers of g now, and those g had (they may
			// have moved or left).
			for _, di := range ix.cg(g).dossiers {
				t.dossiers[ix.dossiers[di].facts.ID] = struct{}{}
			}
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Placement, cabinet.Cursor, error) {
				return r.Placements(ctx, clientgroup.PlacementFilter{ClientGroup: g}, cabinet.Page{After: a, Limit: n})
			}, func(p clientgroup.Placement) { t.dossiers[p.Dossier] = struct{}{} }); err != nil {
				return err
			}
		}
		for c := range t.colgs {
			_, err := r.CollaboratorGroup(ctx, c)
			switch {
			case err == nil:
				ix.setCollaboratorGroup(c, true)
			case notFound(err):
				ix.setCollaboratorGroup(c, false)
			default:
				return err
			}
			var us []cabinet.UserID
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Member, cabinet.Cursor, error) {
				return r.Members(ctx, clientgroup.MemberFilter{Group: c}, cabinet.Page{After: a, Limit: n})
			}, func(m clientgroup.Member) { us = append(us, m.User) }); err != nil {
				return err
			}
			syncSorted(ix.colg(c).members, us, func(u cabinet.UserID, in bool) { ix.setMember(c, u, in) })
			var gs []cabinet.ClientGroupID
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
				return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{CollaboratorGroup: c}, cabinet.Page{After: a, Limit: n})
			}, func(x clientgroup.GroupAssignment) { gs = append(gs, x.ClientGroup) }); err != nil {
				return err
			}
			syncSorted(ix.colg(c).cgs, gs, func(g cabinet.ClientGroupID, in bool) { ix.setGroupAssignment(g, c, in) })
		}
		for d := range t.dossiers {
			p, err := r.Placement(ctx, d)
			switch {
			case err == nil:
				ix.setPlacement(d, p.ClientGroup)
			case notFound(err):
				ix.setPlacement(d, "")
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = src.Access.ViewAccess(ctx, func(r access.Reader) error {
		for p := range t.persons {
			x, err := r.Person(ctx, p)
			switch {
			case err == nil:
				ix.persons[p] = x
			case notFound(err):
				delete(ix.persons, p)
			default:
				return err
			}
			g, err := r.GrantOfPerson(ctx, p)
			if err == nil {
				t.grants[g.ID] = struct{}{}
				t.dossiers[g.Dossier] = struct{}{}
			} else if !notFound(err) {
				return err
			}
		}
		for d := range t.dossiers {
			for _, a := range ix.dossAdvisors[d] {
				t.advisors[a] = struct{}{}
			}
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]access.Advisor, cabinet.Cursor, error) {
				return r.Advisors(ctx, access.AdvisorFilter{Dossier: d}, cabinet.Page{After: a, Limit: n})
			}, func(x access.Advisor) { t.advisors[x.ID] = struct{}{} }); err != nil {
				return err
			}
		}
		for a := range t.advisors {
			x, err := r.Advisor(ctx, a)
			switch {
			case err == nil:
				ix.setAdvisor(a, &x)
			case notFound(err):
				ix.setAdvisor(a, nil)
			default:
				return err
			}
			g, err := r.GrantOfAdvisor(ctx, a)
			if err == nil {
				t.grants[g.ID] = struct{}{}
				t.dossiers[g.Dossier] = struct{}{}
			} else if !notFound(err) {
				return err
			}
		}
		for d := range t.dossiers {
			x, err := r.Dossier(ctx, d)
			switch {
			case err == nil:
				ix.setDossier(d, &x)
			case notFound(err):
				ix.setDossier(d, nil)
			default:
				return err
			}
			var gs []access.Grant
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]access.Grant, cabinet.Cursor, error) {
				return r.Grants(ctx, access.GrantFilter{Dossier: d}, cabinet.Page{After: a, Limit: n})
			}, func(g access.Grant) { gs = append(gs, g) }); err != nil {
				return err
			}
			di, _ := ix.internDossier(d)
			ix.syncGrants(ix.dossGrantIDs[di], gs, t)
		}
		for _, u := range users {
			var gs []access.Grant
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]access.Grant, cabinet.Cursor, error) {
				return r.Grants(ctx, access.GrantFilter{User: u}, cabinet.Page{After: a, Limit: n})
			}, func(g access.Grant) { gs = append(gs, g) }); err != nil {
				return err
			}
			_, ur := ix.internUser(u)
			ix.syncGrants(ur.grants, gs, t)
		}
		for id := range t.grants {
			g, err := r.Grant(ctx, id)
			switch {
			case err == nil:
				ix.setGrant(id, &g)
			case notFound(err):
				ix.setGrant(id, nil)
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = src.Contacts.ViewContacts(ctx, func(r contact.Reader) error {
		for c := range t.contacts {
			x, err := r.Contact(ctx, c)
			switch {
			case err == nil:
				ix.contacts[c] = x
			case notFound(err):
				delete(ix.contacts, c)
			default:
				return err
			}
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]contact.Session, cabinet.Cursor, error) {
				return r.ListSessions(ctx, contact.SessionFilter{Contact: c}, cabinet.Page{After: a, Limit: n})
			}, func(s contact.Session) { ix.sessions[s.ID] = s }); err != nil {
				return err
			}
		}
		for s := range t.sessions {
			x, err := r.Session(ctx, s)
			switch {
			case err == nil:
				ix.sessions[s] = x
			case notFound(err):
				delete(ix.sessions, s)
			default:
				return err
			}
		}
		for k := range t.records {
			office, err := recordOffice(ctx, r, k)
			switch {
			case err == nil:
				ix.setRecord(k, office)
			case notFound(err):
				ix.setRecord(k, "")
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = src.Procedures.ViewProcedures(ctx, func(r procedure.Reader) error {
		for o := range t.offices {
			p, err := r.Plan(ctx, o)
			switch {
			case err == nil:
				ix.setPlan(o, &p)
			case notFound(err):
				ix.setPlan(o, nil)
			default:
				return err
			}
		}
		for p := range t.procs {
			x, err := r.Procedure(ctx, p)
			switch {
			case err == nil:
				ix.procedures[p] = x
			case notFound(err):
				delete(ix.procedures, p)
			default:
				return err
			}
		}
		for _, u := range users {
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]procedure.Case, cabinet.Cursor, error) {
				return r.ListCases(ctx, procedure.CaseFilter{User: u}, cabinet.Page{After: a, Limit: n})
			}, func(c procedure.Case) { t.cases[c.ID] = struct{}{} }); err != nil {
				return err
			}
		}
		for c := range t.cases {
			x, err := r.Case(ctx, c)
			switch {
			case err == nil:
				ix.cases[c] = x
			case notFound(err):
				delete(ix.cases, c)
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ix.finalize()
	return nil
}

// syncGrants stores fresh, and marks the grants of old that fresh lacks to
// be fetched again by ID (they were deleted, or moved out of the listing).
func (ix *index) syncGrants(old []access.GrantID, fresh []access.Grant, t *touched) {
	for _, id := range old {
		if !slices.ContainsFunc(fresh, func(g access.Grant) bool { return g.ID == id }) {
			t.grants[id] = struct{}{}
		}
	}
	for i := range fresh {
		ix.setGrant(fresh[i].ID, &fresh[i])
	}
}

// recordOffice reads the office of contact record k.
func recordOffice(ctx context.Context, r contact.Reader, k recordKey) (cabinet.OfficeID, error) {
	switch k.kind {
	case ResourceCompany:
		x, err := r.Company(ctx, contact.CompanyID(k.id))
		return x.Office, err
	case ResourceProject:
		x, err := r.Project(ctx, contact.ProjectID(k.id))
		return x.Office, err
	case ResourceDecision:
		x, err := r.Decision(ctx, contact.DecisionID(k.id))
		return x.Office, err
	}
	x, err := r.Unit(ctx, contact.UnitID(k.id))
	return x.Office, err
}
