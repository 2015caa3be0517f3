package policy

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// The incremental refresh. A store records, for every record a change
// writes, the keys of the record as it was and as it is (cabinet.Key): its
// own key and the keys of the records it refers to. Sync gathers the keys of
// the changes it applies into a touched set, reads each touched record
// again from one snapshot (fetch: reads only, the index untouched, so a
// failed read changes nothing), then applies what it read through the
// index's setters under the write lock (apply: no errors).
//
// Every record the index holds is reached from a key of its own kind —
// a team from KeyTeam, a grant from KeyGrant, … — except those with a
// composite identity, which the store writes as the keys of their parts;
// the refresh reads each from the side that is always among them:
//
//   - a collaborator (office, user), a collaborator-group membership
//     (group, office, user) and a direct assignment (client group, office,
//     user): from the user's account (cabinet.KeyAccount, which they emit
//     with the account itself), whose account and three lists are read and
//     synced;
//   - a collaborator-group assignment (client group, office, collaborator
//     group): from the client group, whose list is read and synced;
//   - a placement (dossier, office, client group): from the dossier;
//   - a consent switch (KeyConsent, by dossier) and a plan (KeyPlan, by
//     office): from their own kinds.
//
// The other keys a record names (a dossier's office, a grant's dossier, …)
// are read too — the refresh reloads what the change may have touched,
// which is a little more than it wrote — except KeyUser: a user that a
// record merely names (a dossier's manager and assigned collaborators, a
// grant's holder, a team's members) is linked by that record's own setter,
// and its account and lists are read again only when a KeyAccount of it is
// in the change. Reading every user a changed dossier names, with their
// memberships, made a collaborator's removal that unsets 1,000 dossiers
// cost 4.6× more at the large size than at the small one (issue 15).

// set is a set of IDs.
type set[K comparable] map[K]struct{}

// put adds k to the set *s, making it on first use.
func put[K comparable](s *set[K], k K) {
	if *s == nil {
		*s = set[K]{}
	}
	(*s)[k] = struct{}{}
}

// touched is the set of records a run of changes wrote, by kind.
type touched struct {
	users     set[cabinet.UserID]
	teams     set[cabinet.TeamID]
	invites   set[team.InvitationID]
	referrals set[cabinet.ReferralID]
	consents  set[cabinet.DossierID]
	dossiers  set[cabinet.DossierID]
	persons   set[access.PersonID]
	advisors  set[access.AdvisorID]
	grants    set[access.GrantID]
	offices   set[cabinet.OfficeID]
	colgs     set[cabinet.CollaboratorGroupID]
	cgs       set[cabinet.ClientGroupID]
	contacts  set[cabinet.ContactID]
	sessions  set[contact.SessionID]
	records   set[recordKey]
	plans     set[cabinet.OfficeID]
	procs     set[cabinet.ProcedureID]
	cases     set[cabinet.CaseID]
}

func newTouched() *touched { return &touched{} }

// addKeys adds the records named by keys (a change's Keys).
func (t *touched) addKeys(keys []cabinet.Key) {
	for _, k := range keys {
		t.add(k)
	}
}

// add adds the record named by k. Kinds the index does not hold (and
// invalid ones) are ignored, and so is KeyUser: a user is read again from
// its KeyAccount (see the file's comment).
func (t *touched) add(k cabinet.Key) {
	id := k.ID
	if id == "" {
		return
	}
	switch k.Kind {
	case cabinet.KeyAccount:
		put(&t.users, cabinet.UserID(id))
	case cabinet.KeyTeam:
		put(&t.teams, cabinet.TeamID(id))
	case cabinet.KeyInvitation:
		put(&t.invites, team.InvitationID(id))
	case cabinet.KeyReferral:
		put(&t.referrals, cabinet.ReferralID(id))
	case cabinet.KeyConsent:
		put(&t.consents, cabinet.DossierID(id))
	case cabinet.KeyDossier:
		put(&t.dossiers, cabinet.DossierID(id))
	case cabinet.KeyPerson:
		put(&t.persons, access.PersonID(id))
	case cabinet.KeyAdvisor:
		put(&t.advisors, access.AdvisorID(id))
	case cabinet.KeyGrant:
		put(&t.grants, access.GrantID(id))
	case cabinet.KeyOffice:
		put(&t.offices, cabinet.OfficeID(id))
	case cabinet.KeyCollaboratorGroup:
		put(&t.colgs, cabinet.CollaboratorGroupID(id))
	case cabinet.KeyClientGroup:
		put(&t.cgs, cabinet.ClientGroupID(id))
	case cabinet.KeyContact:
		put(&t.contacts, cabinet.ContactID(id))
	case cabinet.KeyCompany:
		put(&t.records, recordKey{ResourceCompany, id})
	case cabinet.KeyProject:
		put(&t.records, recordKey{ResourceProject, id})
	case cabinet.KeyDecision:
		put(&t.records, recordKey{ResourceDecision, id})
	case cabinet.KeyUnit:
		put(&t.records, recordKey{ResourceUnit, id})
	case cabinet.KeySession:
		put(&t.sessions, contact.SessionID(id))
	case cabinet.KeyPlan:
		put(&t.plans, cabinet.OfficeID(id))
	case cabinet.KeyProcedure:
		put(&t.procs, cabinet.ProcedureID(id))
	case cabinet.KeyCase:
		put(&t.cases, cabinet.CaseID(id))
	}
}

// notFound reports whether err says the record does not exist.
func notFound(err error) bool { return errors.Is(err, cabinet.ErrNotFound) }

// found is one record read again: ok is false when it no longer exists.
type found[K any, V any] struct {
	id K
	v  V
	ok bool
}

// ptr returns the record, or nil when it does not exist.
func (f *found[K, V]) ptr() *V {
	if !f.ok {
		return nil
	}
	return &f.v
}

// getAll reads every ID of s with get; a not-found record is !ok.
func getAll[K comparable, V any](s set[K], get func(K) (V, error)) ([]found[K, V], error) {
	if len(s) == 0 {
		return nil, nil
	}
	out := make([]found[K, V], 0, len(s))
	for id := range s {
		v, err := get(id)
		switch {
		case err == nil:
			out = append(out, found[K, V]{id: id, v: v, ok: true})
		case notFound(err):
			out = append(out, found[K, V]{id: id})
		default:
			return nil, err
		}
	}
	return out, nil
}

// listAll returns every record of a cursor listing.
func listAll[T any](ctx context.Context, list func(after cabinet.Cursor, limit int) ([]T, cabinet.Cursor, error)) ([]T, error) {
	var out []T
	err := each(ctx, list, func(v T) { out = append(out, v) })
	return out, err
}

// userUpdate is a user read again: the account and the relations read from
// the user's side.
type userUpdate struct {
	id      cabinet.UserID
	account *cabinet.User
	collabs []clientgroup.Collaborator
	groups  []cabinet.CollaboratorGroupID       // memberships
	direct  []cabinet.ClientGroupID             // direct assignments
	until   map[cabinet.ClientGroupID]time.Time // their expiries, when set (issue 16)
}

// dossierUpdate is a dossier read again: its access record and placement.
type dossierUpdate struct {
	id    cabinet.DossierID
	rec   *access.Dossier
	group cabinet.ClientGroupID // "" when in no group
}

// cgUpdate is a client group read again, with its collaborator groups.
type cgUpdate struct {
	id    cabinet.ClientGroupID
	rec   *clientgroup.ClientGroup
	colgs []cabinet.CollaboratorGroupID
}

// update is what fetch read: every touched record as of one snapshot.
type update struct {
	users     []userUpdate
	teams     []found[cabinet.TeamID, team.Team]
	invites   []found[team.InvitationID, team.Invitation]
	referrals []found[cabinet.ReferralID, team.Referral]
	consents  []found[cabinet.DossierID, team.DossierConsent]
	dossiers  []dossierUpdate
	persons   []found[access.PersonID, access.Person]
	advisors  []found[access.AdvisorID, access.Advisor]
	grants    []found[access.GrantID, access.Grant]
	offices   []found[cabinet.OfficeID, clientgroup.Office]
	colgs     []found[cabinet.CollaboratorGroupID, clientgroup.CollaboratorGroup]
	cgs       []cgUpdate
	contacts  []found[cabinet.ContactID, contact.Contact]
	sessions  []found[contact.SessionID, contact.Session]
	records   []found[recordKey, cabinet.OfficeID]
	plans     []found[cabinet.OfficeID, procedure.OfficePlan]
	procs     []found[cabinet.ProcedureID, procedure.Procedure]
	cases     []found[cabinet.CaseID, procedure.Case]
}

// fetch reads every record t names from the readers of one snapshot. It
// does not touch the index.
func fetch(ctx context.Context, r readers, t *touched) (*update, error) {
	up := &update{}
	var err error
	for u := range t.users {
		x := userUpdate{id: u}
		acc, err := r.teams.User(ctx, u)
		switch {
		case err == nil:
			x.account = &acc
		case !notFound(err):
			return nil, err
		}
		if x.collabs, err = listAll(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.groups.Collaborators(ctx, clientgroup.CollaboratorFilter{User: u}, cabinet.Page{After: a, Limit: n})
		}); err != nil {
			return nil, err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Member, cabinet.Cursor, error) {
			return r.groups.Members(ctx, clientgroup.MemberFilter{User: u}, cabinet.Page{After: a, Limit: n})
		}, func(m clientgroup.Member) { x.groups = append(x.groups, m.Group) }); err != nil {
			return nil, err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
			return r.groups.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{User: u}, cabinet.Page{After: a, Limit: n})
		}, func(d clientgroup.DirectAssignment) {
			x.direct = append(x.direct, d.ClientGroup)
			if !d.ExpiresAt.IsZero() {
				if x.until == nil {
					x.until = map[cabinet.ClientGroupID]time.Time{}
				}
				x.until[d.ClientGroup] = d.ExpiresAt
			}
		}); err != nil {
			return nil, err
		}
		up.users = append(up.users, x)
	}
	if up.teams, err = getAll(t.teams, func(id cabinet.TeamID) (team.Team, error) { return r.teams.Team(ctx, id) }); err != nil {
		return nil, err
	}
	if up.invites, err = getAll(t.invites, func(id team.InvitationID) (team.Invitation, error) { return r.teams.Invitation(ctx, id) }); err != nil {
		return nil, err
	}
	if up.referrals, err = getAll(t.referrals, func(id cabinet.ReferralID) (team.Referral, error) { return r.teams.Referral(ctx, id) }); err != nil {
		return nil, err
	}
	if up.consents, err = getAll(t.consents, func(id cabinet.DossierID) (team.DossierConsent, error) { return r.teams.DossierConsent(ctx, id) }); err != nil {
		return nil, err
	}
	// In ID order: apply interns the new ones in that order, so that the
	// index's sorted lists (the office's, in index and in ID order) grow
	// by appends when a batch creates dossiers (issue 15).
	for _, d := range sortedIDs(t.dossiers) {
		x := dossierUpdate{id: d}
		rec, err := r.access.Dossier(ctx, d)
		switch {
		case err == nil:
			x.rec = &rec
		case !notFound(err):
			return nil, err
		}
		p, err := r.groups.Placement(ctx, d)
		switch {
		case err == nil:
			x.group = p.ClientGroup
		case !notFound(err):
			return nil, err
		}
		up.dossiers = append(up.dossiers, x)
	}
	if up.persons, err = getAll(t.persons, func(id access.PersonID) (access.Person, error) { return r.access.Person(ctx, id) }); err != nil {
		return nil, err
	}
	if up.advisors, err = getAll(t.advisors, func(id access.AdvisorID) (access.Advisor, error) { return r.access.Advisor(ctx, id) }); err != nil {
		return nil, err
	}
	if up.grants, err = getAll(t.grants, func(id access.GrantID) (access.Grant, error) { return r.access.Grant(ctx, id) }); err != nil {
		return nil, err
	}
	if up.offices, err = getAll(t.offices, func(id cabinet.OfficeID) (clientgroup.Office, error) { return r.groups.Office(ctx, id) }); err != nil {
		return nil, err
	}
	if up.colgs, err = getAll(t.colgs, func(id cabinet.CollaboratorGroupID) (clientgroup.CollaboratorGroup, error) {
		return r.groups.CollaboratorGroup(ctx, id)
	}); err != nil {
		return nil, err
	}
	for g := range t.cgs {
		x := cgUpdate{id: g}
		rec, err := r.groups.ClientGroup(ctx, g)
		switch {
		case err == nil:
			x.rec = &rec
		case !notFound(err):
			return nil, err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
			return r.groups.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{ClientGroup: g}, cabinet.Page{After: a, Limit: n})
		}, func(ga clientgroup.GroupAssignment) { x.colgs = append(x.colgs, ga.CollaboratorGroup) }); err != nil {
			return nil, err
		}
		up.cgs = append(up.cgs, x)
	}
	if up.contacts, err = getAll(t.contacts, func(id cabinet.ContactID) (contact.Contact, error) { return r.contacts.Contact(ctx, id) }); err != nil {
		return nil, err
	}
	if up.sessions, err = getAll(t.sessions, func(id contact.SessionID) (contact.Session, error) { return r.contacts.Session(ctx, id) }); err != nil {
		return nil, err
	}
	if up.records, err = getAll(t.records, func(k recordKey) (cabinet.OfficeID, error) { return recordOffice(ctx, r.contacts, k) }); err != nil {
		return nil, err
	}
	if up.plans, err = getAll(t.plans, func(id cabinet.OfficeID) (procedure.OfficePlan, error) { return r.procedures.Plan(ctx, id) }); err != nil {
		return nil, err
	}
	if up.procs, err = getAll(t.procs, func(id cabinet.ProcedureID) (procedure.Procedure, error) { return r.procedures.Procedure(ctx, id) }); err != nil {
		return nil, err
	}
	if up.cases, err = getAll(t.cases, func(id cabinet.CaseID) (procedure.Case, error) { return r.procedures.Case(ctx, id) }); err != nil {
		return nil, err
	}
	return up, nil
}

// apply writes what fetch read into ix, through its setters (which keep
// both sides of every relation), then recomputes the derived data. The
// caller holds the engine's write lock.
func (up *update) apply(ix *index) {
	for _, u := range up.users {
		ix.setUser(u.id, u.account)
		_, ur := ix.internUser(u.id)
		for _, op := range slices.Clone(ur.offices) {
			if !slices.ContainsFunc(u.collabs, func(c clientgroup.Collaborator) bool { return c.Office == op.office }) {
				ix.setCollab(op.office, u.id, cabinet.ProfileInvalid, time.Time{})
			}
		}
		for _, c := range u.collabs {
			ix.setCollab(c.Office, u.id, c.Profile, c.AddedAt)
		}
		syncSorted(ur.cgroups, u.groups, func(g cabinet.CollaboratorGroupID, in bool) { ix.setMember(g, u.id, in) })
		syncSorted(ix.cgIDs(ur.direct), u.direct, func(g cabinet.ClientGroupID, in bool) { ix.setDirect(g, u.id, in) })
		for _, g := range u.direct {
			ix.setDirectExpiry(g, u.id, u.until[g])
		}
	}
	for i := range up.teams {
		ix.setTeam(up.teams[i].id, up.teams[i].ptr())
	}
	for i := range up.invites {
		ix.setInvitation(up.invites[i].id, up.invites[i].ptr())
	}
	for i := range up.referrals {
		ix.setReferral(up.referrals[i].id, up.referrals[i].ptr())
	}
	for _, c := range up.consents {
		state := team.ConsentGiven // no switch: consent is given (TEAM-9)
		if c.ok {
			state = c.v.State
		}
		ix.setConsent(c.id, state)
	}
	for _, d := range up.dossiers {
		ix.refreshDossier(d.id, d.rec)
	}
	ix.placeAll(up.dossiers)
	for _, p := range up.persons {
		if p.ok {
			ix.persons[p.id] = p.v
		} else {
			delete(ix.persons, p.id)
		}
	}
	for i := range up.advisors {
		ix.setAdvisor(up.advisors[i].id, up.advisors[i].ptr())
	}
	for i := range up.grants {
		ix.setGrant(up.grants[i].id, up.grants[i].ptr())
	}
	for _, o := range up.offices {
		ix.setOfficeExists(o.id, o.ok)
	}
	for _, g := range up.colgs {
		ix.setCollaboratorGroup(g.id, g.ok)
	}
	for _, g := range up.cgs {
		ix.setClientGroup(g.id, g.rec)
		syncSorted(ix.cg(g.id).colgs, g.colgs, func(c cabinet.CollaboratorGroupID, in bool) { ix.setGroupAssignment(g.id, c, in) })
	}
	for _, c := range up.contacts {
		if c.ok {
			ix.contacts[c.id] = c.v
		} else {
			delete(ix.contacts, c.id)
		}
	}
	for _, s := range up.sessions {
		if s.ok {
			ix.sessions[s.id] = s.v
		} else {
			delete(ix.sessions, s.id)
		}
	}
	for _, k := range up.records {
		office := cabinet.OfficeID("")
		if k.ok {
			office = k.v
		}
		ix.setRecord(k.id, office)
	}
	for i := range up.plans {
		ix.setPlan(up.plans[i].id, up.plans[i].ptr())
	}
	for _, p := range up.procs {
		if p.ok {
			ix.procedures[p.id] = p.v
		} else {
			delete(ix.procedures, p.id)
		}
	}
	for _, c := range up.cases {
		if c.ok {
			ix.setCase(c.id, &c.v)
		} else {
			ix.setCase(c.id, nil)
		}
	}
	ix.finalize()
}

// refreshDossier is setDossier for the refresh. A dossier that exists and
// stays in its office keeps its place in the office's lists, and only the
// staff it gains or loses is linked or unlinked: setDossier unlinks every
// old staff member and links every new one, a removal and an insertion in
// each one's sorted staff list, and searches the office's two lists of
// every dossier — for each of the 10,000 dossiers a group deletion names
// with their placements, although none of that changed (issue 15). Other
// cases (a new dossier, one that moves office, one that no longer exists)
// go through setDossier.
func (ix *index) refreshDossier(id cabinet.DossierID, rec *access.Dossier) {
	di, ok := ix.dossiers.find(id)
	if !ok || rec == nil || !ix.dossiers.at(di).exists || ix.officeOf(ix.dossiers.at(di)) != rec.Office {
		ix.setDossier(id, rec)
		return
	}
	d := ix.dossiers.at(di) // a dossTable never moves its records
	old := ix.factsOf(d)
	d.status = rec.Status
	ix.storeStaff(d, rec)
	now := cabinet.DossierFacts{Manager: rec.Manager, Assigned: rec.Assigned}
	inStaff := func(f *cabinet.DossierFacts, u cabinet.UserID) bool {
		return u == f.Manager || slices.Contains(f.Assigned, u)
	}
	eachStaff(&old, func(u cabinet.UserID) {
		if !inStaff(&now, u) {
			if r := ix.user(u); r != nil {
				r.staff = removeSorted(r.staff, di)
			}
		}
	})
	eachStaff(&now, func(u cabinet.UserID) {
		if !inStaff(&old, u) {
			_, r := ix.internUser(u)
			r.staff = insertSorted(r.staff, di)
		}
	})
}

// eachStaff calls fn with the manager (when set) and each assigned
// collaborator of f.
func eachStaff(f *cabinet.DossierFacts, fn func(cabinet.UserID)) {
	if f.Manager != "" {
		fn(f.Manager)
	}
	for _, u := range f.Assigned {
		fn(u)
	}
}

// sortedIDs returns the IDs of s, sorted.
func sortedIDs[K cmp.Ordered](s set[K]) []K {
	out := make([]K, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// placeAll is setPlacement for every dossier of ds, in one pass: the
// dossiers leaving and joining each client group are gathered first, and
// a group's sorted list is then rebuilt in one merge when many change —
// one removal per dossier moved every later entry each time, so deleting
// a client group of 10,000 dossiers with its placements cost O(n²)
// (issue 15). A group with few changes takes them one at a time.
func (ix *index) placeAll(ds []dossierUpdate) {
	type delta struct{ in, out []uint32 }
	var deltas map[uint32]*delta
	at := func(g uint32) *delta {
		if deltas == nil {
			deltas = map[uint32]*delta{}
		}
		d := deltas[g]
		if d == nil {
			d = &delta{}
			deltas[g] = d
		}
		return d
	}
	for _, u := range ds {
		var gi uint32
		if u.group != "" {
			gi = ix.cg(u.group).idx
		}
		di, d := ix.internDossier(u.id)
		if d.group == gi {
			continue
		}
		if d.group != 0 {
			x := at(d.group)
			x.out = append(x.out, di)
		}
		d.group = gi
		if gi != 0 {
			x := at(gi)
			x.in = append(x.in, di)
		}
	}
	for g, x := range deltas {
		r := ix.cgRecs[g]
		if len(x.in)+len(x.out) <= mergeAbove {
			for _, di := range x.out {
				r.dossiers = removeSorted(r.dossiers, di)
			}
			for _, di := range x.in {
				r.dossiers = insertSorted(r.dossiers, di)
			}
			continue
		}
		r.dossiers = mergeSorted(r.dossiers, x.in, x.out)
	}
}

// mergeAbove is the number of changes to one sorted list above which
// placeAll rebuilds it in one merge rather than inserting and removing
// each.
const mergeAbove = 16

// mergeSorted returns sorted list s without the values of out and with
// those of in (neither need be sorted; out's values absent from s and in's
// present in s are ignored), in one pass over s. It sorts in and out.
func mergeSorted(s, in, out []uint32) []uint32 {
	slices.Sort(in)
	slices.Sort(out)
	res := make([]uint32, 0, len(s)+len(in))
	i, j := 0, 0
	keep := func(v uint32) {
		for j < len(out) && out[j] < v {
			j++
		}
		if j < len(out) && out[j] == v {
			return
		}
		if n := len(res); n > 0 && res[n-1] == v {
			return
		}
		res = append(res, v)
	}
	for _, v := range s {
		for i < len(in) && in[i] < v {
			keep(in[i])
			i++
		}
		keep(v)
	}
	for ; i < len(in); i++ {
		keep(in[i])
	}
	return res
}

// syncSorted makes the relation "owner → others" equal to fresh: set(x, false)
// for each old x not in fresh, set(x, true) for each x of fresh not in old.
// The setters keep both sides of a relation together, so an x in both is
// left alone: setting it again would mark its users for the via
// recomputation (finalize) for nothing — for every placement, the members
// of every collaborator group assigned to the client group (issue 15).
func syncSorted[E comparable](old, fresh []E, set func(E, bool)) {
	prev := slices.Clone(old) // the setters may change old's array
	for _, x := range prev {
		if !slices.Contains(fresh, x) {
			set(x, false)
		}
	}
	for _, x := range fresh {
		if !slices.Contains(prev, x) {
			set(x, true)
		}
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
