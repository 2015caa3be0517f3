package policy

import (
	"cmp"
	"context"
	"errors"
	"maps"
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
//     group): from the client group, whose list is read and synced when
//     the change names a collaborator group (every assignment it wrote
//     did);
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

// ids is a list of IDs of one kind, as the changes named them: a set once
// norm has sorted it and dropped its duplicates. A change's keys come
// normalized (cabinet.Key: sorted by kind, then ID), so the list of one
// change is already a set, and norm only checks it: a map per kind cost a
// placement a dozen allocations and a group deletion of 10,000 dossiers
// 10,000 hash inserts, then a sort of the map's keys (issue 15).
type ids[K cmp.Ordered] []K

// put appends k to the list *s unless it repeats the last ID.
func put[K cmp.Ordered](s *ids[K], k K) {
	if n := len(*s); n > 0 && (*s)[n-1] == k {
		return
	}
	*s = append(*s, k)
}

// norm sorts the list (when it is not) and drops its duplicates.
func (s *ids[K]) norm() {
	if !slices.IsSorted(*s) {
		slices.Sort(*s)
	}
	*s = slices.Compact(*s)
}

// set is a set of IDs (for the few kinds whose IDs are not ordered).
type set[K comparable] map[K]struct{}

// putSet adds k to the set *s, making it on first use.
func putSet[K comparable](s *set[K], k K) {
	if *s == nil {
		*s = set[K]{}
	}
	(*s)[k] = struct{}{}
}

// touched is the set of records a run of changes wrote, by kind.
type touched struct {
	users     ids[cabinet.UserID]
	teams     ids[cabinet.TeamID]
	invites   ids[team.InvitationID]
	referrals ids[cabinet.ReferralID]
	consents  ids[cabinet.DossierID]
	dossiers  ids[cabinet.DossierID]
	persons   ids[access.PersonID]
	advisors  ids[access.AdvisorID]
	grants    ids[access.GrantID]
	offices   ids[cabinet.OfficeID]
	colgs     ids[cabinet.CollaboratorGroupID]
	cgs       ids[cabinet.ClientGroupID]
	contacts  ids[cabinet.ContactID]
	sessions  ids[contact.SessionID]
	records   set[recordKey]
	plans     ids[cabinet.OfficeID]
	procs     ids[cabinet.ProcedureID]
	cases     ids[cabinet.CaseID]
}

func newTouched() *touched { return &touched{} }

// norm makes every list of t a set (ids.norm); fetch reads them in ID
// order, which keeps a batch's reads of neighbouring records together.
func (t *touched) norm() {
	t.users.norm()
	t.teams.norm()
	t.invites.norm()
	t.referrals.norm()
	t.consents.norm()
	t.dossiers.norm()
	t.persons.norm()
	t.advisors.norm()
	t.grants.norm()
	t.offices.norm()
	t.colgs.norm()
	t.cgs.norm()
	t.contacts.norm()
	t.sessions.norm()
	t.plans.norm()
	t.procs.norm()
	t.cases.norm()
}

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
		putSet(&t.records, recordKey{ResourceCompany, id})
	case cabinet.KeyProject:
		putSet(&t.records, recordKey{ResourceProject, id})
	case cabinet.KeyDecision:
		putSet(&t.records, recordKey{ResourceDecision, id})
	case cabinet.KeyUnit:
		putSet(&t.records, recordKey{ResourceUnit, id})
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
func getAll[K comparable, V any](s []K, get func(K) (V, error)) ([]found[K, V], error) {
	if len(s) == 0 {
		return nil, nil
	}
	out := make([]found[K, V], 0, len(s))
	for _, id := range s {
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

// dossierUpdate is a dossier read again: its access record (when ok) and
// placement. The record is held by value: a group deletion reads 10,000,
// and one allocation each was 10,000 of its refresh's 26,857 (issue 15).
type dossierUpdate struct {
	id    cabinet.DossierID
	di    uint32 // its index, set by apply
	ok    bool   // the dossier exists
	rec   access.Dossier
	group cabinet.ClientGroupID // "" when in no group
}

// record returns the access record, or nil when the dossier does not exist.
func (d *dossierUpdate) record() *access.Dossier {
	if !d.ok {
		return nil
	}
	return &d.rec
}

// cgUpdate is a client group read again, with its collaborator groups
// when they may have changed (listed).
type cgUpdate struct {
	id     cabinet.ClientGroupID
	ok     bool // the client group exists
	rec    clientgroup.ClientGroup
	colgs  []cabinet.CollaboratorGroupID
	listed bool
}

// record returns the client group, or nil when it does not exist.
func (g *cgUpdate) record() *clientgroup.ClientGroup {
	if !g.ok {
		return nil
	}
	return &g.rec
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
	t.norm()
	for _, u := range t.users {
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
	// In ID order (norm): apply interns the new ones in that order, so
	// that the index's sorted lists (the office's, in index and in ID
	// order) grow by appends when a batch creates dossiers (issue 15).
	if len(t.dossiers) > 0 {
		up.dossiers = make([]dossierUpdate, 0, len(t.dossiers))
	}
	for _, d := range t.dossiers {
		up.dossiers = append(up.dossiers, dossierUpdate{id: d})
		x := &up.dossiers[len(up.dossiers)-1]
		rec, err := r.access.Dossier(ctx, d)
		switch {
		case err == nil:
			x.rec, x.ok = rec, true
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
	if len(t.cgs) > 0 {
		up.cgs = make([]cgUpdate, 0, len(t.cgs))
	}
	for _, g := range t.cgs {
		up.cgs = append(up.cgs, cgUpdate{id: g})
		x := &up.cgs[len(up.cgs)-1]
		rec, err := r.groups.ClientGroup(ctx, g)
		switch {
		case err == nil:
			x.rec, x.ok = rec, true
		case !notFound(err):
			return nil, err
		}
		// A collaborator-group assignment names its collaborator group
		// (clientgroup.GroupAssignment.Keys), so a change without a
		// KeyCollaboratorGroup changed none: a placement names its two
		// client groups, and listing their assignments was a tenth of its
		// refresh at the small size, a sixth at the large, and 26 of its
		// 70 allocations (issue 15).
		if x.listed = len(t.colgs) > 0; x.listed {
			if err := each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
				return r.groups.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{ClientGroup: g}, cabinet.Page{After: a, Limit: n})
			}, func(ga clientgroup.GroupAssignment) { x.colgs = append(x.colgs, ga.CollaboratorGroup) }); err != nil {
				return nil, err
			}
		}
	}
	if up.contacts, err = getAll(t.contacts, func(id cabinet.ContactID) (contact.Contact, error) { return r.contacts.Contact(ctx, id) }); err != nil {
		return nil, err
	}
	if up.sessions, err = getAll(t.sessions, func(id contact.SessionID) (contact.Session, error) { return r.contacts.Session(ctx, id) }); err != nil {
		return nil, err
	}
	if up.records, err = getAll(slices.Collect(maps.Keys(t.records)), func(k recordKey) (cabinet.OfficeID, error) { return recordOffice(ctx, r.contacts, k) }); err != nil {
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
	var staff []move
	for i := range up.dossiers {
		d := &up.dossiers[i]
		d.di = ix.refreshDossier(d.id, d.record(), &staff)
	}
	applyMoves(staff, func(u uint32) *[]uint32 { return &ix.users[u].staff })
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
	for i := range up.cgs {
		g := &up.cgs[i]
		ix.setClientGroup(g.id, g.record())
		if g.listed {
			syncSorted(ix.cg(g.id).colgs, g.colgs, func(c cabinet.CollaboratorGroupID, in bool) { ix.setGroupAssignment(g.id, c, in) })
		}
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

// refreshDossier is setDossier for the refresh, returning the dossier's
// index. A dossier that exists and stays in its office keeps its place in
// the office's lists, and only the staff it gains or loses is linked or
// unlinked: setDossier unlinks every old staff member and links every new
// one, a removal and an insertion in each one's sorted staff list, and
// searches the office's two lists of every dossier — for each of the
// 10,000 dossiers a group deletion names with their placements, although
// none of that changed (issue 15). The staff gained or lost is compared as
// the user indexes the record holds (no IDs, no allocation) and appended
// to *staff, keyed by user index, rather than applied: a collaborator who
// leaves unsets 1,000 dossiers, and removing them from the collaborator's
// staff set one at a time moved half the set each time (applyMoves merges
// them). Other cases (a new dossier, one that moves office, one that no
// longer exists) go through setDossier.
func (ix *index) refreshDossier(id cabinet.DossierID, rec *access.Dossier, staff *[]move) uint32 {
	di, ok := ix.dossiers.find(id)
	if !ok || rec == nil || !ix.dossiers.at(di).exists || ix.officeOf(ix.dossiers.at(di)) != rec.Office {
		return ix.setDossier(id, rec)
	}
	d := ix.dossiers.at(di) // a dossTable never moves its records
	// The staff as user indexes + 1 (0: no manager), copied before
	// storeStaff, which may rewrite the assigned range in place.
	var oldBuf, nowBuf [8]uint32
	old := append(append(oldBuf[:0], d.manager), ix.assignedOf(d)...)
	d.status = rec.Status
	ix.storeStaff(d, rec)
	now := append(append(nowBuf[:0], d.manager), ix.assignedOf(d)...)
	for _, u := range old {
		if u != 0 && !slices.Contains(now, u) {
			*staff = append(*staff, move{key: u - 1, di: di, out: true})
		}
	}
	for _, u := range now {
		if u != 0 && !slices.Contains(old, u) {
			*staff = append(*staff, move{key: u - 1, di: di})
		}
	}
	return di
}

// move is one change to a sorted set of dossier indexes held by key (a
// user's staff set, by user index; a client group's dossiers, by group
// index): dossier di leaves it (out) or joins it.
type move struct {
	key, di uint32
	out     bool
}

// applyMoves applies moves ms to the sorted sets that list returns by key.
// The moves of one set are gathered (ms is sorted by key, then dossier:
// usually a run already in order), and the set is rebuilt in one merge
// when there are many of them — one removal per dossier moved every later
// entry each time, so deleting a client group of 10,000 dossiers with its
// placements cost O(n²) (issue 15) — else they are taken one at a time.
func applyMoves(ms []move, list func(key uint32) *[]uint32) {
	if len(ms) == 0 {
		return
	}
	slices.SortFunc(ms, func(a, b move) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.di, b.di)) })
	var in, out []uint32
	for i := 0; i < len(ms); {
		k := ms[i].key
		in, out = in[:0], out[:0]
		j := i
		for ; j < len(ms) && ms[j].key == k; j++ {
			if ms[j].out {
				out = append(out, ms[j].di)
			} else {
				in = append(in, ms[j].di)
			}
		}
		s := list(k)
		if j-i <= mergeAbove {
			for _, di := range out {
				*s = removeSorted(*s, di)
			}
			for _, di := range in {
				*s = insertSorted(*s, di)
			}
		} else {
			*s = mergeSorted(*s, in, out)
		}
		i = j
	}
}

// placeAll is setPlacement for every dossier of ds (whose indexes apply
// has set: dossierUpdate.di, no second lookup), in one pass: the dossiers
// leaving and joining each client group are gathered, then applied by
// applyMoves.
func (ix *index) placeAll(ds []dossierUpdate) {
	var ms []move
	for _, u := range ds {
		var gi uint32
		if u.group != "" {
			gi = ix.cg(u.group).idx
		}
		d := ix.dossiers.at(u.di)
		if d.group == gi {
			continue
		}
		if d.group != 0 {
			ms = append(ms, move{key: d.group, di: u.di, out: true})
		}
		d.group = gi
		if gi != 0 {
			ms = append(ms, move{key: gi, di: u.di})
		}
	}
	applyMoves(ms, func(g uint32) *[]uint32 { return &ix.cgRecs[g].dossiers })
}

// mergeAbove is the number of changes to one sorted list above which
// placeAll rebuilds it in one merge rather than inserting and removing
// each.
const mergeAbove = 16

// mergeSorted returns sorted list s without the values of out and with
// those of in (neither need be sorted; out's values absent from s and in's
// present in s are ignored), in one pass over s. It sorts in and out. A
// value in both in and out is in the result, as when applyMoves removes
// then inserts one at a time (no refresh moves one dossier both ways in
// one set today: refreshDossier compares the old and new staff as sets,
// and a touched dossier is refreshed once per Sync).
func mergeSorted(s, in, out []uint32) []uint32 {
	slices.Sort(in)
	slices.Sort(out)
	res := make([]uint32, 0, len(s)+len(in))
	i, j := 0, 0
	keep := func(v uint32, joins bool) {
		for j < len(out) && out[j] < v {
			j++
		}
		if !joins && j < len(out) && out[j] == v {
			return
		}
		if n := len(res); n > 0 && res[n-1] == v {
			return
		}
		res = append(res, v)
	}
	for _, v := range s {
		for i < len(in) && in[i] <= v {
			keep(in[i], true)
			i++
		}
		keep(v, false)
	}
	for ; i < len(in); i++ {
		keep(in[i], true)
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
