package policy

import (
	"cmp"
	"context"
	"slices"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/procedure"
)

// The reverse queries (POL-3) take their candidates from one side of the
// question — the subject's memberships for "which resources", the
// resource's records for "who" — and decide each candidate exactly as
// Check would (the same decision functions), in key order, so that every
// answer equals Check by construction and a page stops as soon as it is
// full.

// pick decides keys (sorted by compare, without duplicates) in order,
// starting after *after when it is not nil, and returns the answers of the
// first limit keys decide allows (limit < 0: all of them), the key of the
// last one, and whether an allowed key follows it.
func pick[K, T any](keys []K, compare func(a, b K) int, after *K, limit int, decide func(K) (T, bool)) (out []T, last K, more bool) {
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(keys, *after, compare)
		if start < len(keys) && compare(keys[start], *after) == 0 {
			start++
		}
	}
	for _, k := range keys[start:] {
		t, ok := decide(k)
		if !ok {
			continue
		}
		if len(out) == limit {
			return out, last, true
		}
		out = append(out, t)
		last = k
	}
	return out, last, false
}

// sortedUnique sorts s and removes its duplicates.
func sortedUnique[S ~[]E, E cmp.Ordered](s S) S {
	slices.Sort(s)
	return slices.Compact(s)
}

// listSubject resolves s for a listing of a: its user record, or nil when
// Check allows s nothing of a (an unknown subject, an unusable session, a
// session asking for a non-viewing action: POL-4, CON-6).
func (ix *index) listSubject(s Subject, a Action, clock cabinet.Clock) *userRec {
	sub := ix.resolve(s, clock)
	if sub.user == nil || (s.Session != "" && !a.Viewing()) {
		return nil
	}
	return sub.user
}

// dossierCandidates returns the IDs of the existing dossiers (of interned
// client group qg when not 0) that u may reach by a route of POL-1, sorted:
// every dossier of the offices where u is an admin, the dossiers u manages
// or is assigned to, the dossiers of the client groups u reaches (directly
// or through a collaborator group), the referral dossiers of u's teams and
// the dossiers of u's grants. Every route of a dossier action starts from
// one of these (ViewRoutes, which any account may ask of any dossier, is
// not listed: errViewRoutesListed).
func (ix *index) dossierCandidates(u *userRec, a Action, qg uint32) []cabinet.DossierID {
	var out []cabinet.DossierID
	consider := func(di uint32) {
		d := ix.dossiers.at(di)
		if d.exists && (qg == 0 || d.group == qg) {
			out = append(out, d.id)
		}
	}
	for _, di := range ix.internalCandidates(u, qg) {
		consider(di)
	}
	ix.outwardCandidates(u, consider)
	return sortedUnique(out)
}

// outwardCandidates calls consider with the indexes of the dossiers u may
// reach from outside the office: the referral dossiers of u's teams
// (TEAM-8) and the dossiers of u's grants (ACC-6, ACC-10).
func (ix *index) outwardCandidates(u *userRec, consider func(di uint32)) {
	for _, t := range u.teams {
		for _, rid := range ix.teamRefs[t] {
			if d := ix.referrals[rid].Dossier; d != "" {
				if di, ok := ix.dossiers.find(d); ok {
					consider(di)
				}
			}
		}
	}
	for _, gid := range u.grants {
		if di, ok := ix.dossiers.find(ix.grants[gid].Dossier); ok {
			consider(di)
		}
	}
}

// internalCandidates returns the indexes of the dossiers u may reach
// internally (GRP-3), with duplicates, in client group qg when not 0: the
// dossiers of the offices where u is an admin, those u manages or is
// assigned to, and those of the client groups u reaches.
func (ix *index) internalCandidates(u *userRec, qg uint32) []uint32 {
	var out []uint32
	for _, op := range u.offices {
		if op.profile == cabinet.ProfileAdmin {
			if o := ix.offices[op.office]; o != nil {
				out = append(out, o.dossiers...)
			}
		}
	}
	out = append(out, u.staff...)
	for _, groups := range [2][]uint32{u.direct, u.via} {
		for _, g := range groups {
			if qg == 0 || g == qg {
				out = append(out, ix.cgRecs[g].dossiers...)
			}
		}
	}
	return out
}

// dossierPage answers a page of DossiersPage (and Dossiers, with limit <
// 0) under the read lock: the dossiers after `after` (nil: from the start)
// that s may act on with q.Action (validated), in ID order.
func (e *Engine) dossierPage(s Subject, q DossierQuery, after *cabinet.DossierID, limit int) ([]cabinet.DossierID, bool) {
	ix, a := e.ix, q.Action
	u := ix.listSubject(s, a, e.clock)
	if u == nil {
		return nil, false // as Check: nothing is allowed (POL-4, CON-6)
	}
	var qg uint32 // q.ClientGroup interned, when set
	if q.ClientGroup != "" {
		g := ix.cgs[q.ClientGroup]
		if g == nil {
			return nil, false // no dossier is in an unknown group
		}
		qg = g.idx
	}
	decide := ix.dossierDecider(u, q, e.clock)
	if qg == 0 {
		if admin := ix.adminOffices(u); len(admin) > 0 {
			return ix.adminDossierPage(u, a, q.Status, admin, after, limit, decide)
		}
	}
	cands := ix.dossierCandidates(u, a, qg)
	out, _, more := pick(cands, cmp.Compare, after, limit, decide)
	return out, more
}

// dossierDecider returns how a listing for user record u decides one
// candidate of query q (q.Action validated): as Check would, and outside
// q.Status when set. It reports the ID and whether it is allowed.
func (ix *index) dossierDecider(u *userRec, q DossierQuery, clock cabinet.Clock) func(cabinet.DossierID) (cabinet.DossierID, bool) {
	return func(id cabinet.DossierID) (cabinet.DossierID, bool) {
		d := ix.dossier(id)
		if q.Status.Valid() && d.status != q.Status {
			return "", false
		}
		dq := decision{ix: ix, u: u, a: q.Action, r: SectionResource(id, q.Section), clock: clock}
		return id, dq.dossierAt(id, d).routes != 0
	}
}

// adminOffices returns the records of the offices where u is an admin.
func (ix *index) adminOffices(u *userRec) []*officeRec {
	var out []*officeRec
	for _, op := range u.offices {
		if op.profile == cabinet.ProfileAdmin {
			if o := ix.offices[op.office]; o != nil {
				out = append(out, o)
			}
		}
	}
	return out
}

// adminDossierPage is dossierPage for a subject who administers offices
// (issue 15: an admin's listing costs its page, not the office): the
// dossiers of those offices are read in ID order from each office's byID,
// from the cursor on, merged with the subject's other candidates (outside
// those offices: staff, client groups, teams, grants), and decided in
// order until the page is full. An admin views every dossier of their
// office (GRP-3, and ACC-12 leaves viewing open), so for ViewDossier the
// office's dossiers are allowed without deciding each; every other action
// is decided as Check would.
func (ix *index) adminDossierPage(u *userRec, a Action, status cabinet.DossierStatus, admin []*officeRec, after *cabinet.DossierID, limit int, decide func(cabinet.DossierID) (cabinet.DossierID, bool)) ([]cabinet.DossierID, bool) {
	administered := func(o cabinet.OfficeID) bool { return u.profile(o) == cabinet.ProfileAdmin }
	var rest []cabinet.DossierID // the other candidates, outside the administered offices
	for _, id := range ix.dossierCandidatesOutside(u, administered) {
		if after == nil || id > *after {
			rest = append(rest, id)
		}
	}
	pos := make([]int, len(admin)) // each office's next position in byID
	if after != nil {
		for k, o := range admin {
			i, found := ix.searchByID(o.byID, *after)
			if found {
				i++
			}
			pos[k] = i
		}
	}
	n := len(rest) // the page's capacity: every candidate, or the limit
	for _, o := range admin {
		n += len(o.byID)
	}
	if limit >= 0 {
		n = min(n, limit)
	}
	out := make([]cabinet.DossierID, 0, n)
	if len(admin) == 1 && a == ViewDossier && !status.Valid() {
		return ix.adminViewPage(admin[0].byID[pos[0]:], rest, limit, out, decide)
	}
	for {
		// The smallest next ID among the offices' streams and rest.
		best, from := cabinet.DossierID(""), -2
		for k, o := range admin {
			if pos[k] < len(o.byID) {
				if id := ix.dossiers.at(o.byID[pos[k]]).id; from == -2 || id < best {
					best, from = id, k
				}
			}
		}
		if len(rest) > 0 && (from == -2 || rest[0] < best) {
			best, from = rest[0], -1
		}
		if from == -2 {
			return out, false
		}
		var ok bool
		if from == -1 {
			rest = rest[1:]
			_, ok = decide(best)
		} else {
			d := ix.dossiers.at(admin[from].byID[pos[from]])
			pos[from]++
			if a == ViewDossier {
				ok = d.exists && (!status.Valid() || d.status == status)
			} else {
				_, ok = decide(best)
			}
		}
		if !ok {
			continue
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, best)
	}
}

// adminViewPage is adminDossierPage for ViewDossier, in no status filter,
// for an admin of one office (the common case): every dossier of byID (the
// office's, in ID order, from the cursor on; all exist) is allowed, so the
// page copies the runs of byID between the subject's other candidates
// (rest, sorted, none in byID) and decides only those — no comparison nor
// test per dossier of the office (issue 15: an admin's listing within 2×
// of a plain scan). It appends to out and returns the page and whether an
// allowed dossier follows it.
func (ix *index) adminViewPage(byID []uint32, rest []cabinet.DossierID, limit int, out []cabinet.DossierID, decide func(cabinet.DossierID) (cabinet.DossierID, bool)) ([]cabinet.DossierID, bool) {
	for {
		end := len(byID) // the run before rest's next candidate
		if len(rest) > 0 {
			end, _ = ix.searchByID(byID, rest[0])
		}
		if limit >= 0 && len(out)+end > limit {
			return ix.appendIDs(out, byID[:limit-len(out)]), true
		}
		out, byID = ix.appendIDs(out, byID[:end]), byID[end:]
		if len(rest) == 0 {
			return out, false
		}
		id := rest[0]
		rest = rest[1:]
		if _, ok := decide(id); ok {
			if len(out) == limit {
				return out, true
			}
			out = append(out, id)
		}
	}
}

// appendIDs appends the IDs of dossiers dis to out.
func (ix *index) appendIDs(out []cabinet.DossierID, dis []uint32) []cabinet.DossierID {
	for _, di := range dis {
		out = append(out, ix.dossiers.at(di).id)
	}
	return out
}

// dossierCandidatesOutside is dossierCandidates (for any action but
// ViewRoutes, in no client-group filter) without the dossiers of the
// offices skip reports: u's staff dossiers, the dossiers of the client
// groups u reaches, the referral dossiers of u's teams and the dossiers of
// u's grants, sorted, each once.
func (ix *index) dossierCandidatesOutside(u *userRec, skip func(cabinet.OfficeID) bool) []cabinet.DossierID {
	var out []cabinet.DossierID
	consider := func(di uint32) {
		d := ix.dossiers.at(di)
		if d.exists && !skip(ix.officeOf(d)) {
			out = append(out, d.id)
		}
	}
	for _, di := range u.staff {
		consider(di)
	}
	for _, groups := range [2][]uint32{u.direct, u.via} {
		for _, g := range groups {
			for _, di := range ix.cgRecs[g].dossiers {
				consider(di)
			}
		}
	}
	ix.outwardCandidates(u, consider)
	return sortedUnique(out)
}

// dossierAction validates the action of a DossierQuery: ViewDossier when
// zero, else a dossier action.
func dossierAction(a Action) (Action, error) {
	if a == ActionInvalid {
		return ViewDossier, nil
	}
	if !a.AppliesTo(ResourceDossier) {
		return a, cabinet.Invalid("action", "%s is not a dossier action", a)
	}
	if a == ViewRoutes {
		return a, errViewRoutesListed
	}
	return a, nil
}

// errViewRoutesListed refuses to list ViewRoutes: any account may ask its
// own routes to any existing dossier (GRP-3), one dossier at a time, so
// that a listing would hand anyone the IDs of every office's dossiers (an
// outside review's finding).
var errViewRoutesListed = cabinet.Invalid("action", "view_routes is asked of one dossier, not listed: any account may ask its own routes to any dossier (GRP-3), and a listing would enumerate every office's dossiers")

// dossiers answers Dossiers: it waits for the freshness q.Consistency
// asks, then decides the whole answer under the read lock, at one revision,
// and returns it as a dossierList to be yielded after the lock is
// released. (The wait is here, not in Dossiers' iterator, to keep that
// iterator small enough to inline: see dossierList.each.)
func (e *Engine) dossiers(ctx context.Context, s Subject, q DossierQuery) (dossierList, error) {
	if q.Consistency.wait() {
		if _, err := e.Await(ctx, q.Consistency); err != nil {
			return dossierList{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return dossierList{}, err
	}
	a, err := dossierAction(q.Action)
	if err != nil {
		return dossierList{}, err
	}
	q.Action = a
	e.mu.RLock()
	defer e.mu.RUnlock()
	ix := e.ix
	if a == ViewDossier && q.ClientGroup == "" && !q.Status.Valid() {
		if u := ix.listSubject(s, a, e.clock); u != nil {
			if admin := ix.adminOffices(u); len(admin) == 1 {
				return ix.adminViewList(u, admin[0], ix.dossierDecider(u, q, e.clock)), nil
			}
		}
	}
	out, _ := e.dossierPage(s, q, nil, -1)
	return dossierList{ids: out}, nil
}

// dossierList is an answer of Dossiers, decided under the engine's read
// lock and yielded after it is released (issue 15: an admin's listing
// within 2× of a plain scan). An admin's listing of one office is runs:
// record indexes (slots of the dossier table) whose concatenation is the
// answer in ID order — the runs of the office's byID as it was under the
// lock (lent: not written in place below its length from then on, see
// insertByID; every one allowed), each followed by one of the subject's
// other allowed dossiers (outside the office) that sorts before the next
// run; they are placed under the lock, so the merge after it compares
// nothing. Every other answer is ids, sorted. The IDs of runs are read
// from the records in chunks (a copy of the dossier table's chunk list)
// without the lock: a record's ID is written once, when the record is
// added, into a chunk that never moves (dosstable.go), and is never written
// again; the refreshes that run meanwhile write other fields of the
// records, or records after them. So nothing is copied per dossier of the
// office under the lock.
type dossierList struct {
	runs   [][]uint32
	chunks [][]dossRec
	ids    []cabinet.DossierID
}

// each yields the list's IDs in ID order (the runs', then ids: one of the
// two is empty), each with a nil error, until yield returns false. It
// takes the listing's own yield (Dossiers) and is kept small enough that
// the compiler inlines it, with Dossiers' iterator, into the caller's range
// loop: yield is then a direct call to the loop's body, which the compiler
// may inline too, so that an ID of an admin's listing of a million
// dossiers costs a load from its record and the caller's loop body, not
// two indirect calls (issue 15: 1.9× a plain scan when each took 113 of the
// inliner's budget of 80, 0.5× inlined). go build -gcflags=-m=2 ./policy/
// shows its cost; keep it within the budget.
func (l *dossierList) each(yield func(cabinet.DossierID, error) bool) {
	for _, run := range l.runs {
		for _, di := range run {
			if !yield(l.chunks[di/dossChunk][di%dossChunk].id, nil) {
				return
			}
		}
	}
	for _, id := range l.ids {
		if !yield(id, nil) {
			return
		}
	}
}

// adminViewList is the whole of Dossiers for ViewDossier, in no filter but
// the section, for a subject u who administers one office o (the common
// case, as adminViewPage): every dossier of o.byID is allowed (GRP-3,
// ACC-12 leaves viewing open) and is listed from o.byID; the subject's other
// candidates (outside o: staff, client groups, teams, grants) are decided
// by decide (dossierDecider), as adminViewPage's are, and each allowed one
// is placed between the runs of o.byID by a binary search.
func (ix *index) adminViewList(u *userRec, o *officeRec, decide func(cabinet.DossierID) (cabinet.DossierID, bool)) dossierList {
	administered := func(id cabinet.OfficeID) bool { return u.profile(id) == cabinet.ProfileAdmin }
	var ids []cabinet.DossierID // the other allowed dossiers, sorted
	var others []uint32         // their record indexes
	for _, id := range ix.dossierCandidatesOutside(u, administered) {
		if _, ok := decide(id); ok {
			ids, others = append(ids, id), append(others, ix.dossier(id).idx)
		}
	}
	runs := make([][]uint32, 0, 2*len(others)+1)
	from := 0
	for k, id := range ids {
		i, _ := ix.searchByID(o.byID, id) // never found: id is outside o
		runs = append(runs, o.byID[from:i:i], others[k:k+1:k+1])
		from = i
	}
	runs = append(runs, o.byID[from:])
	o.byIDLent.Store(true)
	return dossierList{runs: runs, chunks: slices.Clone(ix.dossiers.chunks)}
}

// teamCandidates returns the teams u may act on, sorted: the teams u is a
// member of and the pending teams naming u their lead or creator (TEAM-1).
// Every route of a team action (team_admin, team_member, self) starts from
// one of these.
func (ix *index) teamCandidates(u *userRec) []cabinet.TeamID {
	out := slices.Concat(u.teams, ix.links.pendingTeams[u.id])
	return sortedUnique(out)
}

// caseCandidates returns the cases u may act on, sorted: the cases
// attached to the dossiers u may reach internally (staff, PROC-7), the
// unattached cases of the offices where u is an admin, and the cases u
// opened or holds a seat on (PROC-3). Every route of a case or item action
// (case_staff, main_recipient, contributor) starts from one of these.
func (ix *index) caseCandidates(u *userRec) []cabinet.CaseID {
	var out []cabinet.CaseID
	for _, di := range ix.internalCandidates(u, 0) {
		out = append(out, ix.links.dossCases[ix.dossiers.at(di).id]...)
	}
	for _, op := range u.offices {
		if op.profile == cabinet.ProfileAdmin {
			out = append(out, ix.links.looseCases[op.office]...)
		}
	}
	out = append(out, ix.links.userCases[u.id]...)
	return sortedUnique(out)
}

// itemKey is the key of a document item: its case, then its item ID.
type itemKey struct {
	c    cabinet.CaseID
	item procedure.ItemID
}

func compareItemKeys(a, b itemKey) int {
	if c := cmp.Compare(a.c, b.c); c != 0 {
		return c
	}
	return cmp.Compare(a.item, b.item)
}

// itemsOf returns the keys of every item of the cases cs (sorted), those
// of the case's procedure, sorted by case then item.
func (ix *index) itemsOf(cs []cabinet.CaseID) []itemKey {
	var out []itemKey
	for _, c := range cs {
		p, ok := ix.procedures[ix.cases[c].Procedure]
		if !ok {
			continue
		}
		from := len(out)
		for _, it := range p.Items {
			out = append(out, itemKey{c, it.ID})
		}
		slices.SortFunc(out[from:], compareItemKeys)
		out = slices.CompactFunc(out, func(a, b itemKey) bool { return a == b })
	}
	return out
}

// dossierUsers adds to cands the users who may reach dossier d (by its
// record; nil or not existing adds nothing) internally: the admins of its
// office, its manager and assigned collaborators, the direct collaborators
// of its client group and the members of the collaborator groups assigned
// to it (GRP-3).
func (ix *index) dossierUsers(d *dossRec, cands []cabinet.UserID) []cabinet.UserID {
	if d == nil || !d.exists {
		return cands
	}
	if o := ix.offices[ix.officeOf(d)]; o != nil {
		for u, p := range o.collabs {
			if p == cabinet.ProfileAdmin {
				cands = append(cands, u)
			}
		}
	}
	f := ix.factsOf(d)
	cands = append(cands, f.Manager)
	cands = append(cands, f.Assigned...)
	if d.group != 0 {
		if g := ix.cgRecs[d.group]; g != nil {
			cands = append(cands, g.direct...)
			for _, c := range g.colgs {
				if cr := ix.colgs[c]; cr != nil {
					cands = append(cands, cr.members...)
				}
			}
		}
	}
	return cands
}

// whoCandidates returns the users who may take a on r (of a kind Who
// answers for), sorted, from r's side:
//
//   - a dossier: those who reach it internally (dossierUsers), the members
//     of the teams holding its referrals and its grantees (those of expired
//     grants too); for ViewRoutes, which any account may ask of its own
//     routes (GRP-3), every account when r.User is "" (else r.User and the
//     office's admins);
//   - a team: its members, its lead, its creator and its owner;
//   - a case or an item of it: whoever opened it, its participants, the
//     admins of its office and those who reach its dossier internally.
func (ix *index) whoCandidates(a Action, r Resource) []cabinet.UserID {
	var out []cabinet.UserID
	switch r.Kind {
	case ResourceDossier:
		d := ix.dossier(cabinet.DossierID(r.ID))
		if d == nil || !d.exists {
			return nil // every dossier action denies an unknown dossier (POL-4, TEAM-8, TEAM-9)
		}
		if a == ViewRoutes {
			if r.User == "" {
				for _, u := range ix.users {
					out = append(out, u.id)
				}
				return sortedUnique(out)
			}
			out = append(out, r.User)
		}
		out = ix.dossierUsers(d, out)
		for _, rid := range ix.refsOf(d) {
			for _, m := range ix.teams[ix.referrals[rid].Team].Members {
				out = append(out, m.User)
			}
		}
		if d.hasGrants {
			// Every grantee, an expired grant's too (issue 16): its holder
			// still views the grant itself (ACC-7).
			for _, g := range ix.dossGrants[d.idx] {
				out = append(out, g.User)
			}
		}
	case ResourceTeam:
		t, ok := ix.teams[cabinet.TeamID(r.ID)]
		if !ok {
			return nil
		}
		out = append(out, t.Lead, t.CreatedBy, t.Owner)
		for _, m := range t.Members {
			out = append(out, m.User)
		}
	case ResourceCase, ResourceItem:
		k, ok := ix.cases[cabinet.CaseID(r.ID)]
		if !ok {
			return nil
		}
		out = append(out, caseUsers(k)...)
		if o := ix.offices[k.Office]; o != nil {
			for u, p := range o.collabs {
				if p == cabinet.ProfileAdmin {
					out = append(out, u)
				}
			}
		}
		if k.Dossier != "" {
			out = ix.dossierUsers(ix.dossier(k.Dossier), out)
		}
	}
	out = sortedUnique(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}

// whoPage answers a page of Who (and Viewers, with limit < 0) under the
// read lock: the users after `after` (nil: from the start) whom Check
// allows a on r (both validated), in ID order, each with the decision's
// routes and rule.
func (e *Engine) whoPage(a Action, r Resource, after *cabinet.UserID, limit int) ([]Permit, bool) {
	ix := e.ix
	out, _, more := pick(ix.whoCandidates(a, r), cmp.Compare, after, limit, func(id cabinet.UserID) (Permit, bool) {
		u := ix.user(id)
		if u == nil || !u.exists {
			return Permit{}, false
		}
		v := ix.decide(u, a, r, e.clock)
		return Permit{User: id, Routes: v.routes, Rule: v.rule}, v.routes != 0
	})
	return out, more
}

// viewers answers Viewers under the read lock and returns a copy: Who's
// answer for ViewDossier on the dossier.
func (e *Engine) viewers(ctx context.Context, id cabinet.DossierID) ([]Access, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	ps, _ := e.whoPage(ViewDossier, DossierResource(id), nil, -1)
	var out []Access
	for _, p := range ps {
		out = append(out, Access{User: p.User, Routes: p.Routes})
	}
	return out, nil
}
