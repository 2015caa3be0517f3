package policy

import (
	"cmp"
	"slices"
	"sync/atomic"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// The index mirrors the five stores' records that decisions depend on, plus
// reverse links kept in step by the setters below. Every mutation goes
// through a setter that updates both sides of a relation, so the full build
// (load.go) and the incremental refresh (refresh.go) share one code path.
// Users and dossiers are interned to dense uint32 indexes. User records are
// held by pointer; dossier records (there are many) are held by value in
// the chunks of a dossTable (dosstable.go), which never move them: a
// *dossRec stays valid for the index's life.

// officeProfile is one office a user collaborates in, with the profile.
type officeProfile struct {
	office  cabinet.OfficeID
	profile cabinet.Profile
	since   time.Time // when the current membership began (clientgroup.Collaborator.AddedAt)
}

// userRec is what the index knows about one user ID.
type userRec struct {
	id       cabinet.UserID
	idx      uint32                        // the interned index (dossRec.manager and the assigned arena hold idx+1)
	one      [1]cabinet.UserID             // {id}: the Assigned of routeFacts, without allocating
	exists   bool                          // an account in the team store
	email    string                        // the account's email
	personal cabinet.TeamID                // the account's personal team
	offices  []officeProfile               // sorted by office
	direct   []uint32                      // client groups (interned) u is directly assigned to, sorted
	via      []uint32                      // client groups (interned) reached through collaborator groups, sorted (derived)
	cgroups  []cabinet.CollaboratorGroupID // collaborator groups u is a member of, sorted
	teams    []cabinet.TeamID              // teams u is a member of, sorted
	staff    []uint32                      // dossiers u manages or is assigned to, sorted
	grants   []access.GrantID              // grants whose User is u, sorted
}

// profile returns u's profile in office o, or ProfileInvalid.
func (u *userRec) profile(o cabinet.OfficeID) cabinet.Profile {
	for i := range u.offices {
		if u.offices[i].office == o {
			return u.offices[i].profile
		}
	}
	return cabinet.ProfileInvalid
}

// membership returns u's profile in office o and when that membership
// began, or ProfileInvalid and the zero time.
func (u *userRec) membership(o cabinet.OfficeID) (cabinet.Profile, time.Time) {
	for i := range u.offices {
		if u.offices[i].office == o {
			return u.offices[i].profile, u.offices[i].since
		}
	}
	return cabinet.ProfileInvalid, time.Time{}
}

// dossRec is what the index knows about one dossier ID: only what the
// decisions read, in 48 bytes on 64-bit platforms (issue 15: dense
// per-dossier records). The office is interned (index.officeIDs), the
// manager and the assigned collaborators are user indexes plus one (0: no
// manager), the assigned ones a range of the index's arena (index.asg).
// The accessors rebuild what the predicates take: factsOf (the
// cabinet.DossierFacts), and, without allocating, dossierFor (the
// access.Dossier the access predicates see for one actor) and routeFacts
// (the facts InternalRoutesOf needs for one user).
// Grants and referrals, which few dossiers have, live in the index's side
// maps keyed by the dossier's index; hasGrants and hasRefs say whether to
// look there.
type dossRec struct {
	id      cabinet.DossierID
	office  uint32 // the interned office (index.officeIDs), 0 when none
	manager uint32 // the manager's user index + 1, 0 when none
	asgOff  uint32 // the assigned collaborators: index.asg[asgOff:asgOff+asgN], in the record's order
	asgN    uint32
	group   uint32 // the interned client group, 0 when none
	idx     uint32 // the dossier's own index
	status  cabinet.DossierStatus
	exists  bool
	// hasGrants: dossGrantIDs[idx] is not empty; hasRefs: dossRefs[idx]
	// is not empty.
	hasGrants, hasRefs bool
	// expiring: one of the dossier's grants has an expiry (issue 16), so
	// grantsOf reads the clock to leave out the expired ones.
	expiring bool
	// consentRevoked: the dossier's consent is revoked (TEAM-9 v2: one
	// switch per dossier, team.DossierConsent).
	consentRevoked bool
}

// assignedOf returns the user indexes + 1 of d's assigned collaborators
// (shared with the index: read only).
func (ix *index) assignedOf(d *dossRec) []uint32 {
	return ix.asg[d.asgOff : d.asgOff+d.asgN : d.asgOff+d.asgN]
}

// managerOf returns the ID of d's manager, "" when none.
func (ix *index) managerOf(d *dossRec) cabinet.UserID {
	if d.manager == 0 {
		return ""
	}
	return ix.users[d.manager-1].id
}

// officeOf returns the ID of d's office, "" when none.
func (ix *index) officeOf(d *dossRec) cabinet.OfficeID { return ix.officeIDs[d.office] }

// factsOf returns the access record's facts of d as the predicates see
// them (a new Assigned slice when d has assigned collaborators).
func (ix *index) factsOf(d *dossRec) cabinet.DossierFacts {
	f := cabinet.DossierFacts{ID: d.id, Office: ix.officeOf(d), Status: d.status, Manager: ix.managerOf(d)}
	if d.asgN > 0 {
		f.Assigned = make([]cabinet.UserID, d.asgN)
		for k, a := range ix.assignedOf(d) {
			f.Assigned[k] = ix.users[a-1].id
		}
	}
	return f
}

// dossierFor returns the access record of d as the access predicates see
// it when u asks (nil u: nobody): its ID, office, status and manager, and
// as Assigned u alone when u is one of d's assigned collaborators (u.one),
// else none. The access predicates compare the assigned collaborators with
// the actor only (access/rules.go: none reads the list otherwise), so this
// answers as the whole record would, without allocating a list per
// question: a dossier page's buttons ask a dozen and allocate nothing
// (issue 15). A predicate that read the whole list would take factsOf's.
func (ix *index) dossierFor(u *userRec, d *dossRec) access.Dossier {
	dd := access.Dossier{ID: d.id, Office: ix.officeOf(d), Status: d.status, Manager: ix.managerOf(d)}
	if u != nil && ix.isAssigned(u, d) {
		dd.Assigned = u.one[:]
	}
	return dd
}

// isAssigned reports whether u is one of d's assigned collaborators. It
// compares d's assigned range (0–2 user indexes for most dossiers)
// directly: asking u's staff set first whether to look at it (an
// interpolation, a division and a walk) cost more than the range, even
// where the range is a cache miss (issue 15: a page of 50 and a random
// Check, 3–14% faster without it).
func (ix *index) isAssigned(u *userRec, d *dossRec) bool {
	return d.asgN > 0 && slices.Contains(ix.assignedOf(d), u.idx+1)
}

// routeFacts sets *f to the facts of d that clientgroup.InternalRoutesOf
// reads for u — the office, and u as the manager or an assigned
// collaborator when u is one — without allocating: InternalRoutesOf
// compares only u with the manager and the assigned, so the other staff
// IDs change nothing. It fills the caller's facts rather than returning
// them: every Check asks, and the copy of a returned DossierFacts was a
// tenth of a batch's cost (issue 15).
func (ix *index) routeFacts(f *cabinet.DossierFacts, u *userRec, d *dossRec) {
	*f = cabinet.DossierFacts{Office: ix.officeOf(d)}
	me := u.idx + 1
	if d.manager == me {
		f.Manager = u.id
	}
	if ix.isAssigned(u, d) {
		f.Assigned = u.one[:]
	}
}

type officeRec struct {
	idx      uint32 // the interned index (index.officeIDs), never 0
	exists   bool
	collabs  map[cabinet.UserID]cabinet.Profile
	dossiers []uint32 // every dossier of the office, sorted
	// byID holds the same dossiers ordered by ID, for an admin's listing
	// (reverse.go: adminDossierPage, adminViewPage), which pages the office in ID order
	// without sorting it.
	byID []uint32
	// byIDLent: an admin's listing (dossierList) holds byID past the read
	// lock, so byID must not be written in place below its length (set by
	// the listing under the read lock, cleared by the writer that copies
	// byID under the write lock).
	byIDLent atomic.Bool
	plan     procedure.OfficePlan
	hasPlan  bool
}

type cgRec struct {
	idx      uint32 // the interned index (never 0)
	exists   bool
	g        clientgroup.ClientGroup
	direct   []cabinet.UserID
	colgs    []cabinet.CollaboratorGroupID
	dossiers []uint32 // placed dossiers, sorted
}

type colgRec struct {
	exists  bool
	members []cabinet.UserID
	cgs     []cabinet.ClientGroupID
}

type index struct {
	userIdx  map[cabinet.UserID]uint32
	users    []*userRec
	dossiers dossTable // every dossier ID seen, by interned index (dosstable.go)
	// asg holds the assigned collaborators of every dossier (user indexes
	// + 1), each dossier's a range (dossRec.asgOff, asgN). setDossier
	// rewrites a range in place when the new list fits, else appends one:
	// what a refresh leaves behind is reclaimed by the next full load.
	asg []uint32
	// officeIDs are the interned offices' IDs by index; officeIDs[0] is "".
	officeIDs []cabinet.OfficeID

	// Side maps of the dossiers, keyed by dossier index; an entry exists
	// only when its list is not empty.
	dossGrantIDs map[uint32][]access.GrantID     // every grant on the dossier, sorted
	dossGrants   map[uint32][]access.Grant       // the same grants (derived, in dossGrantIDs order)
	dossRefs     map[uint32][]cabinet.ReferralID // referrals of the dossier, sorted

	offices    map[cabinet.OfficeID]*officeRec
	cgs        map[cabinet.ClientGroupID]*cgRec
	cgRecs     []*cgRec // by interned index; cgRecs[0] is nil (no group)
	colgs      map[cabinet.CollaboratorGroupID]*colgRec
	teams      map[cabinet.TeamID]team.Team
	teamRefs   map[cabinet.TeamID][]cabinet.ReferralID
	referrals  map[cabinet.ReferralID]team.Referral
	grants     map[access.GrantID]access.Grant
	persons    map[access.PersonID]access.Person // every person of every family tree
	contacts   map[cabinet.ContactID]contact.Contact
	sessions   map[contact.SessionID]contact.Session
	procedures map[cabinet.ProcedureID]procedure.Procedure
	cases      map[cabinet.CaseID]procedure.Case

	invitations  map[team.InvitationID]team.Invitation
	teamInvites  map[cabinet.TeamID][]team.InvitationID // every invitation of the team, sorted
	advisors     map[access.AdvisorID]access.Advisor
	dossAdvisors map[cabinet.DossierID][]access.AdvisorID // the advisors of a dossier, sorted
	records      map[recordKey]cabinet.OfficeID           // contact's companies, projects, decisions and units → their office

	dirtyUsers    map[uint32]struct{} // via sets to recompute
	dirtyDossiers map[uint32]struct{} // grant lists to recompute

	links reverseLinks // for the reverse queries only (reverselinks.go)

	// Issue 16: time-bound access. directUntil holds the expiry of every
	// direct assignment that has one (a whatif clone must copy it); clock
	// is the engine's, read at decision time by grantsOf and liveDirect.
	directUntil map[directKey]time.Time
	clock       cabinet.Clock
}

// directKey names a direct assignment: the user, the interned client group.
type directKey struct {
	user  cabinet.UserID
	group uint32
}

func newIndex() *index {
	return &index{
		userIdx:       map[cabinet.UserID]uint32{},
		dossiers:      newDossTable(),
		dossGrantIDs:  map[uint32][]access.GrantID{},
		dossGrants:    map[uint32][]access.Grant{},
		dossRefs:      map[uint32][]cabinet.ReferralID{},
		offices:       map[cabinet.OfficeID]*officeRec{},
		officeIDs:     []cabinet.OfficeID{""},
		cgs:           map[cabinet.ClientGroupID]*cgRec{},
		cgRecs:        []*cgRec{nil},
		colgs:         map[cabinet.CollaboratorGroupID]*colgRec{},
		teams:         map[cabinet.TeamID]team.Team{},
		teamRefs:      map[cabinet.TeamID][]cabinet.ReferralID{},
		referrals:     map[cabinet.ReferralID]team.Referral{},
		grants:        map[access.GrantID]access.Grant{},
		persons:       map[access.PersonID]access.Person{},
		contacts:      map[cabinet.ContactID]contact.Contact{},
		sessions:      map[contact.SessionID]contact.Session{},
		procedures:    map[cabinet.ProcedureID]procedure.Procedure{},
		cases:         map[cabinet.CaseID]procedure.Case{},
		invitations:   map[team.InvitationID]team.Invitation{},
		teamInvites:   map[cabinet.TeamID][]team.InvitationID{},
		advisors:      map[access.AdvisorID]access.Advisor{},
		dossAdvisors:  map[cabinet.DossierID][]access.AdvisorID{},
		records:       map[recordKey]cabinet.OfficeID{},
		dirtyUsers:    map[uint32]struct{}{},
		dirtyDossiers: map[uint32]struct{}{},
		directUntil:   map[directKey]time.Time{},
		clock:         cabinet.SystemClock{},
	}
}

// Sorted-slice helpers. The index's slices are private to it and only
// mutated under the engine's write lock.

// insertSorted adds v to sorted s unless it is there. A v that sorts last
// is appended without a search: the load interns dossiers in ID order
// (load.go), so its inserts are appends; a refresh may insert anywhere.
func insertSorted[S ~[]E, E cmp.Ordered](s S, v E) S {
	if n := len(s); n == 0 || s[n-1] < v {
		return append(s, v)
	}
	i, ok := slices.BinarySearch(s, v)
	if ok {
		return s
	}
	return slices.Insert(s, i, v)
}

func removeSorted[S ~[]E, E cmp.Ordered](s S, v E) S {
	i, ok := slices.BinarySearch(s, v)
	if !ok {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// hasSorted reports whether ascending s holds v: a scan of a short s (a
// user's client groups, most staff lists), else a binary search with the
// type's own < (slices.BinarySearch's cmp.Compare orders NaNs, which no
// list here holds, at a cost on every Check).
func hasSorted[S ~[]E, E cmp.Ordered](s S, v E) bool {
	if len(s) <= 8 {
		for _, x := range s {
			if x >= v {
				return x == v
			}
		}
		return false
	}
	// Branch-free: the halving loop's only branch is its count, and the
	// step is a conditional move, so a search over a list in cache costs
	// no mispredictions (half the time of the branching search in a batch:
	// issue 15).
	base, n := 0, len(s)
	for n > 1 {
		half := n >> 1
		lt := 0
		if s[base+half-1] < v {
			lt = 1
		}
		base += half & -lt
		n -= half
	}
	return s[base] == v
}

// user returns the record of id, or nil when the ID was never seen.
func (ix *index) user(id cabinet.UserID) *userRec {
	if i, ok := ix.userIdx[id]; ok {
		return ix.users[i]
	}
	return nil
}

// internUser returns the index and record of id, creating them.
func (ix *index) internUser(id cabinet.UserID) (uint32, *userRec) {
	if i, ok := ix.userIdx[id]; ok {
		return i, ix.users[i]
	}
	i := uint32(len(ix.users))
	u := &userRec{id: id, idx: i, one: [1]cabinet.UserID{id}}
	ix.users = append(ix.users, u)
	ix.userIdx[id] = i
	return i, u
}

// dossier returns the record of id, or nil when the ID was never seen.
func (ix *index) dossier(id cabinet.DossierID) *dossRec {
	if i, ok := ix.dossiers.find(id); ok {
		return ix.dossiers.at(i)
	}
	return nil
}

// internDossier returns the index and record of id, creating them.
func (ix *index) internDossier(id cabinet.DossierID) (uint32, *dossRec) {
	if i, ok := ix.dossiers.find(id); ok {
		return i, ix.dossiers.at(i)
	}
	i := ix.dossiers.add(id)
	return i, ix.dossiers.at(i)
}

// grantsOf returns the grants on d (nil for most dossiers) that are live
// at the engine's clock: an expired grant opens no route and is as if not
// held (access.LiveGrants, issue 16). The clock is read only when one of
// d's grants has an expiry.
func (ix *index) grantsOf(d *dossRec) []access.Grant {
	if !d.hasGrants {
		return nil
	}
	if d.expiring {
		return access.LiveGrants(ix.dossGrants[d.idx], ix.clock.Now())
	}
	return ix.dossGrants[d.idx]
}

// expiredGrantOf returns a grant of u on d that has expired at the
// engine's clock (issue 16), or false.
func (ix *index) expiredGrantOf(u cabinet.UserID, d *dossRec) (access.Grant, bool) {
	if !d.hasGrants || !d.expiring || u == "" {
		return access.Grant{}, false
	}
	now := ix.clock.Now()
	for _, g := range ix.dossGrants[d.idx] {
		if g.User == u && g.Expired(now) {
			return g, true
		}
	}
	return access.Grant{}, false
}

// liveDirect reports whether u is directly assigned to interned client
// group g and the assignment has not expired at the engine's clock (GRP-3,
// issue 16). The clock is read only for an assignment with an expiry.
func (ix *index) liveDirect(u *userRec, g uint32) bool {
	if !hasSorted(u.direct, g) {
		return false
	}
	if len(ix.directUntil) == 0 {
		return true
	}
	t, ok := ix.directUntil[directKey{u.id, g}]
	return !ok || ix.clock.Now().Before(t)
}

// expiredDirect reports whether u's direct assignment to interned client
// group g exists and has expired at the engine's clock (issue 16).
func (ix *index) expiredDirect(u *userRec, g uint32) bool {
	return g != 0 && len(ix.directUntil) != 0 && hasSorted(u.direct, g) && !ix.liveDirect(u, g)
}

// refsOf returns the referrals of d (nil for most dossiers).
func (ix *index) refsOf(d *dossRec) []cabinet.ReferralID {
	if !d.hasRefs {
		return nil
	}
	return ix.dossRefs[d.idx]
}

// setSide stores list as m[di] (deleting the entry when empty) and
// reports whether it is not empty.
func setSide[E any](m map[uint32][]E, di uint32, list []E) bool {
	if len(list) == 0 {
		delete(m, di)
		return false
	}
	m[di] = list
	return true
}

func (ix *index) office(id cabinet.OfficeID) *officeRec {
	o := ix.offices[id]
	if o == nil {
		o = &officeRec{idx: uint32(len(ix.officeIDs)), collabs: map[cabinet.UserID]cabinet.Profile{}}
		ix.offices[id] = o
		ix.officeIDs = append(ix.officeIDs, id)
	}
	return o
}

func (ix *index) cg(id cabinet.ClientGroupID) *cgRec {
	g := ix.cgs[id]
	if g == nil {
		g = &cgRec{idx: uint32(len(ix.cgRecs)), g: clientgroup.ClientGroup{ID: id}}
		ix.cgs[id] = g
		ix.cgRecs = append(ix.cgRecs, g)
	}
	return g
}

// cgID returns the ID of interned client group i ("" for 0).
func (ix *index) cgID(i uint32) cabinet.ClientGroupID {
	if i == 0 {
		return ""
	}
	return ix.cgRecs[i].g.ID
}

// cgIDs returns the IDs of interned client groups is.
func (ix *index) cgIDs(is []uint32) []cabinet.ClientGroupID {
	out := make([]cabinet.ClientGroupID, len(is))
	for k, i := range is {
		out[k] = ix.cgID(i)
	}
	return out
}

func (ix *index) colg(id cabinet.CollaboratorGroupID) *colgRec {
	g := ix.colgs[id]
	if g == nil {
		g = &colgRec{}
		ix.colgs[id] = g
	}
	return g
}

// ---- setters ----

// setUser stores account u (nil: id has no account).
func (ix *index) setUser(id cabinet.UserID, u *cabinet.User) {
	_, r := ix.internUser(id)
	r.exists, r.email = u != nil, ""
	if u != nil {
		r.email = u.Email
	}
}

func (ix *index) setOfficeExists(id cabinet.OfficeID, exists bool) { ix.office(id).exists = exists }

// setCollab records u's profile in office o and when the membership began;
// ProfileInvalid removes it.
func (ix *index) setCollab(o cabinet.OfficeID, id cabinet.UserID, p cabinet.Profile, since time.Time) {
	or := ix.office(o)
	_, u := ix.internUser(id)
	i := slices.IndexFunc(u.offices, func(op officeProfile) bool { return op.office == o })
	if p == cabinet.ProfileInvalid {
		delete(or.collabs, id)
		if i >= 0 {
			u.offices = slices.Delete(u.offices, i, i+1)
		}
		return
	}
	or.collabs[id] = p
	if i >= 0 {
		u.offices[i].profile, u.offices[i].since = p, since
		return
	}
	j, _ := slices.BinarySearchFunc(u.offices, o, func(op officeProfile, o cabinet.OfficeID) int { return cmp.Compare(op.office, o) })
	u.offices = slices.Insert(u.offices, j, officeProfile{office: o, profile: p, since: since})
}

func (ix *index) setMember(g cabinet.CollaboratorGroupID, id cabinet.UserID, in bool) {
	gr := ix.colg(g)
	ui, u := ix.internUser(id)
	if in {
		gr.members = insertSorted(gr.members, id)
		u.cgroups = insertSorted(u.cgroups, g)
	} else {
		gr.members = removeSorted(gr.members, id)
		u.cgroups = removeSorted(u.cgroups, g)
	}
	ix.dirtyUsers[ui] = struct{}{}
}

func (ix *index) setDirect(g cabinet.ClientGroupID, id cabinet.UserID, in bool) {
	gr := ix.cg(g)
	_, u := ix.internUser(id)
	if in {
		gr.direct = insertSorted(gr.direct, id)
		u.direct = insertSorted(u.direct, gr.idx)
	} else {
		gr.direct = removeSorted(gr.direct, id)
		u.direct = removeSorted(u.direct, gr.idx)
		delete(ix.directUntil, directKey{id, gr.idx})
	}
}

// setDirectExpiry records when id's direct assignment to g expires (the
// zero time: never, issue 16).
func (ix *index) setDirectExpiry(g cabinet.ClientGroupID, id cabinet.UserID, at time.Time) {
	k := directKey{id, ix.cg(g).idx}
	if at.IsZero() {
		delete(ix.directUntil, k)
		return
	}
	ix.directUntil[k] = at
}

func (ix *index) setGroupAssignment(g cabinet.ClientGroupID, c cabinet.CollaboratorGroupID, in bool) {
	gr, cr := ix.cg(g), ix.colg(c)
	if in {
		gr.colgs = insertSorted(gr.colgs, c)
		cr.cgs = insertSorted(cr.cgs, g)
	} else {
		gr.colgs = removeSorted(gr.colgs, c)
		cr.cgs = removeSorted(cr.cgs, g)
	}
	for _, m := range cr.members {
		ui, _ := ix.internUser(m)
		ix.dirtyUsers[ui] = struct{}{}
	}
}

func (ix *index) setClientGroup(id cabinet.ClientGroupID, g *clientgroup.ClientGroup) {
	r := ix.cg(id)
	if g == nil {
		r.exists = false
		return
	}
	r.exists, r.g = true, *g
}

func (ix *index) setCollaboratorGroup(id cabinet.CollaboratorGroupID, exists bool) {
	ix.colg(id).exists = exists
}

// setPlacement puts dossier d into client group g ("" takes it out).
func (ix *index) setPlacement(id cabinet.DossierID, g cabinet.ClientGroupID) {
	var gi uint32
	if g != "" {
		gi = ix.cg(g).idx
	}
	di, d := ix.internDossier(id)
	if d.group == gi {
		return
	}
	if d.group != 0 {
		old := ix.cgRecs[d.group]
		old.dossiers = removeSorted(old.dossiers, di)
	}
	d.group = gi
	if gi != 0 {
		nr := ix.cgRecs[gi]
		nr.dossiers = insertSorted(nr.dossiers, di)
	}
}

// setDossier stores the access record of a dossier (nil: it does not
// exist) and returns the dossier's index.
func (ix *index) setDossier(id cabinet.DossierID, rec *access.Dossier) uint32 {
	di, d := ix.internDossier(id)
	// Unlink the old staff and office.
	if d.exists {
		ix.unlinkStaff(di, d)
		if rec == nil || rec.Office != ix.officeOf(d) {
			o := ix.offices[ix.officeOf(d)]
			o.dossiers = removeSorted(o.dossiers, di)
			ix.removeByID(o, id)
		}
	}
	if rec == nil {
		d.exists, d.office, d.manager, d.asgN, d.status = false, 0, 0, 0, cabinet.DossierStatusInvalid
		return di
	}
	o := ix.office(rec.Office)
	d.exists, d.office, d.status = true, o.idx, rec.Status
	ix.storeStaff(d, rec)
	if d.manager != 0 {
		u := ix.users[d.manager-1]
		u.staff = insertSorted(u.staff, di)
	}
	for _, a := range ix.assignedOf(d) {
		u := ix.users[a-1]
		u.staff = insertSorted(u.staff, di)
	}
	o.dossiers = insertSorted(o.dossiers, di)
	ix.insertByID(o, id, di)
	return di
}

// storeStaff sets d's manager and assigned collaborators to rec's,
// interning the users; it links nothing. The assigned range is rewritten
// in place when rec's list fits in it, else a new one is appended to the
// arena.
func (ix *index) storeStaff(d *dossRec, rec *access.Dossier) {
	d.manager = 0
	if rec.Manager != "" {
		mi, _ := ix.internUser(rec.Manager)
		d.manager = mi + 1
	}
	n := uint32(len(rec.Assigned))
	if n > d.asgN || n == 0 {
		d.asgOff = uint32(len(ix.asg)) // a new range (none when n == 0)
	}
	d.asgN = 0
	for _, a := range rec.Assigned {
		ai, _ := ix.internUser(a)
		if k := d.asgOff + d.asgN; int(k) < len(ix.asg) {
			ix.asg[k] = ai + 1
		} else {
			ix.asg = append(ix.asg, ai+1)
		}
		d.asgN++
	}
}

// searchByID returns where dossier id is, or would be, in byID (sorted
// by ID), and whether it is there.
func (ix *index) searchByID(byID []uint32, id cabinet.DossierID) (int, bool) {
	return slices.BinarySearchFunc(byID, id, func(di uint32, id cabinet.DossierID) int {
		return cmp.Compare(ix.dossiers.at(di).id, id)
	})
}

// insertByID adds dossier di, whose ID is id, to o.byID unless it is
// there. An id that sorts last is appended without a search (the load's
// case). While an admin's listing holds o.byID (o.byIDLent, see
// dossierList), the array is not written below its length: an ID that
// sorts before the last goes into a new array, once per listing taken;
// otherwise the tail is shifted in place.
func (ix *index) insertByID(o *officeRec, id cabinet.DossierID, di uint32) {
	byID := o.byID
	if n := len(byID); n == 0 || ix.dossiers.at(byID[n-1]).id < id {
		o.byID = append(byID, di) // writes past every lent slice's length
		return
	}
	i, ok := ix.searchByID(byID, id)
	if ok {
		return
	}
	if !o.byIDLent.Load() {
		o.byID = slices.Insert(byID, i, di)
		return
	}
	out := make([]uint32, len(byID)+1, cap(byID)+1)
	copy(out, byID[:i])
	out[i] = di
	copy(out[i+1:], byID[i:])
	o.byID = out
	o.byIDLent.Store(false)
}

// removeByID removes dossier id from o.byID when it is there, into a new
// array while a listing holds it (see insertByID).
func (ix *index) removeByID(o *officeRec, id cabinet.DossierID) {
	byID := o.byID
	i, ok := ix.searchByID(byID, id)
	if !ok {
		return
	}
	if !o.byIDLent.Load() {
		o.byID = slices.Delete(byID, i, i+1)
		return
	}
	out := make([]uint32, len(byID)-1, cap(byID))
	copy(out, byID[:i])
	copy(out[i:], byID[i+1:])
	o.byID = out
	o.byIDLent.Store(false)
}

// unlinkStaff removes dossier di, whose record is d, from the staff sets
// of its manager and assigned collaborators.
func (ix *index) unlinkStaff(di uint32, d *dossRec) {
	if d.manager != 0 {
		u := ix.users[d.manager-1]
		u.staff = removeSorted(u.staff, di)
	}
	for _, a := range ix.assignedOf(d) {
		u := ix.users[a-1]
		u.staff = removeSorted(u.staff, di)
	}
}

// setGrant stores grant id (nil: it does not exist).
func (ix *index) setGrant(id access.GrantID, g *access.Grant) {
	if old, ok := ix.grants[id]; ok {
		di, d := ix.internDossier(old.Dossier)
		d.hasGrants = setSide(ix.dossGrantIDs, di, removeSorted(ix.dossGrantIDs[di], id))
		ix.dirtyDossiers[di] = struct{}{}
		if old.User != "" {
			if u := ix.user(old.User); u != nil {
				u.grants = removeSorted(u.grants, id)
			}
		}
		delete(ix.grants, id)
	}
	if g == nil {
		return
	}
	ix.grants[id] = *g
	di, d := ix.internDossier(g.Dossier)
	d.hasGrants = setSide(ix.dossGrantIDs, di, insertSorted(ix.dossGrantIDs[di], id))
	ix.dirtyDossiers[di] = struct{}{}
	if g.User != "" {
		_, u := ix.internUser(g.User)
		u.grants = insertSorted(u.grants, id)
	}
}

// setTeam stores team id (nil: it does not exist).
func (ix *index) setTeam(id cabinet.TeamID, t *team.Team) {
	if old, ok := ix.teams[id]; ok {
		for _, m := range old.Members {
			if u := ix.user(m.User); u != nil {
				u.teams = removeSorted(u.teams, id)
			}
		}
		if old.Personal {
			if u := ix.user(old.Owner); u != nil && u.personal == id {
				u.personal = ""
			}
		}
		ix.links.linkTeam(old, false)
		delete(ix.teams, id)
	}
	if t == nil {
		return
	}
	ix.teams[id] = *t
	ix.links.linkTeam(*t, true)
	for _, m := range t.Members {
		_, u := ix.internUser(m.User)
		u.teams = insertSorted(u.teams, id)
	}
	if t.Personal && t.Owner != "" {
		_, u := ix.internUser(t.Owner)
		u.personal = id
	}
}

// setReferral stores referral id (nil: it does not exist).
func (ix *index) setReferral(id cabinet.ReferralID, r *team.Referral) {
	if old, ok := ix.referrals[id]; ok {
		ix.teamRefs[old.Team] = removeSorted(ix.teamRefs[old.Team], id)
		if len(ix.teamRefs[old.Team]) == 0 {
			delete(ix.teamRefs, old.Team)
		}
		if old.Dossier != "" {
			di, d := ix.internDossier(old.Dossier)
			d.hasRefs = setSide(ix.dossRefs, di, removeSorted(ix.dossRefs[di], id))
		}
		delete(ix.referrals, id)
	}
	if r == nil {
		return
	}
	ix.referrals[id] = *r
	ix.teamRefs[r.Team] = insertSorted(ix.teamRefs[r.Team], id)
	if r.Dossier != "" {
		di, d := ix.internDossier(r.Dossier)
		d.hasRefs = setSide(ix.dossRefs, di, insertSorted(ix.dossRefs[di], id))
	}
}

// setInvitation stores invitation id (nil: it does not exist).
func (ix *index) setInvitation(id team.InvitationID, inv *team.Invitation) {
	if old, ok := ix.invitations[id]; ok {
		ix.teamInvites[old.Team] = removeSorted(ix.teamInvites[old.Team], id)
		if len(ix.teamInvites[old.Team]) == 0 {
			delete(ix.teamInvites, old.Team)
		}
		delete(ix.invitations, id)
	}
	if inv == nil {
		return
	}
	ix.invitations[id] = *inv
	ix.teamInvites[inv.Team] = insertSorted(ix.teamInvites[inv.Team], id)
}

// setAdvisor stores advisor id (nil: it does not exist).
func (ix *index) setAdvisor(id access.AdvisorID, a *access.Advisor) {
	if old, ok := ix.advisors[id]; ok {
		ix.dossAdvisors[old.Dossier] = removeSorted(ix.dossAdvisors[old.Dossier], id)
		if len(ix.dossAdvisors[old.Dossier]) == 0 {
			delete(ix.dossAdvisors, old.Dossier)
		}
		delete(ix.advisors, id)
	}
	if a == nil {
		return
	}
	ix.advisors[id] = *a
	ix.dossAdvisors[a.Dossier] = insertSorted(ix.dossAdvisors[a.Dossier], id)
}

// setConsent records dossier id's consent (TEAM-9).
func (ix *index) setConsent(id cabinet.DossierID, c team.Consent) {
	_, d := ix.internDossier(id)
	d.consentRevoked = c == team.ConsentRevoked
}

// recordKey names a company, project, decision or unit of contact's.
type recordKey struct {
	kind ResourceKind
	id   string
}

// setRecord stores the office of a contact record ("": it does not exist).
func (ix *index) setRecord(k recordKey, office cabinet.OfficeID) {
	if office == "" {
		delete(ix.records, k)
		return
	}
	ix.records[k] = office
}

func (ix *index) setPlan(o cabinet.OfficeID, p *procedure.OfficePlan) {
	r := ix.office(o)
	if p == nil {
		r.plan, r.hasPlan = procedure.OfficePlan{}, false
		return
	}
	r.plan, r.hasPlan = *p, true
}

// planOf returns the plan of office o, the zero plan of o when none is stored.
func (ix *index) planOf(o cabinet.OfficeID) procedure.OfficePlan {
	if r := ix.offices[o]; r != nil && r.hasPlan {
		return r.plan
	}
	return procedure.OfficePlan{Office: o}
}

// finalize recomputes the derived data of what the setters marked dirty.
func (ix *index) finalize() {
	for ui := range ix.dirtyUsers {
		u := ix.users[ui]
		u.via = u.via[:0]
		for _, g := range u.cgroups {
			if r := ix.colgs[g]; r != nil {
				for _, c := range r.cgs {
					u.via = append(u.via, ix.cg(c).idx)
				}
			}
		}
		slices.Sort(u.via)
		u.via = slices.Compact(u.via)
	}
	ix.dirtyUsers = emptied(ix.dirtyUsers)
	for di := range ix.dirtyDossiers {
		ids := ix.dossGrantIDs[di]
		gs := ix.dossGrants[di][:0]
		expiring := false
		for _, id := range ids {
			g := ix.grants[id]
			gs = append(gs, g)
			expiring = expiring || !g.ExpiresAt.IsZero()
		}
		setSide(ix.dossGrants, di, gs)
		ix.dossiers.at(di).expiring = expiring
	}
	ix.dirtyDossiers = emptied(ix.dirtyDossiers)
}

// emptied returns m emptied: cleared when it is small, else a new map. A
// Go map never shrinks, and ranging over or clearing it costs its
// capacity, not its length: the load marks every member of a collaborator
// group dirty, and that map's capacity then cost every later refresh that
// dirties one user (a membership, a group assignment) O(users) — 4 µs at
// 10,000 users, 1 ms for a map that once held 1,000,000 (issue 15).
func emptied[K comparable, V any](m map[K]V) map[K]V {
	if len(m) > emptiedBelow {
		return map[K]V{}
	}
	clear(m)
	return m
}

// emptiedBelow is the length above which emptied makes a new map.
const emptiedBelow = 64
