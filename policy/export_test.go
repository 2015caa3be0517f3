package policy

// Test hooks for the black-box tests of package policy_test: compiled into
// the tests only.

import (
	"fmt"
	"hash/maphash"
	"reflect"
	"slices"
	"sort"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/procedure"
)

// IndexDiff compares the indexes of a and b structurally — users,
// dossiers, offices, client groups and collaborator groups, each by ID with
// its links (staff, reach sets, memberships, placed dossiers) — and
// returns "" when they hold the same, else what differs first. Records
// that hold nothing (an ID a refresh interned and emptied again, which a
// fresh load never sees) count as absent. It also reports a list of
// either index that is not sorted as the index keeps it. Decisions read
// only part of the index, so an entry a refresh leaves behind (a dossier
// still in its old manager's staff, a dossier still listed in a client
// group it left) may change no answer; this makes it visible: the tests
// compare an engine that followed the change log with a fresh load.
func IndexDiff(a, b *Engine) string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	va, vb := a.ix.view(), b.ix.view()
	for _, msg := range []string{va.unsorted, vb.unsorted} {
		if msg != "" {
			return msg
		}
	}
	for _, part := range []struct {
		name string
		a, b any
	}{
		{"user", va.users, vb.users}, {"dossier", va.dossiers, vb.dossiers}, {"office", va.offices, vb.offices},
		{"client group", va.cgs, vb.cgs}, {"collaborator group", va.colgs, vb.colgs},
	} {
		if msg := diffMaps(part.name, part.a, part.b); msg != "" {
			return msg
		}
	}
	return ""
}

// diffMaps reports the first key (in sorted order) whose values differ
// between maps a and b of the same type.
func diffMaps(name string, a, b any) string {
	ma, mb := reflect.ValueOf(a), reflect.ValueOf(b)
	var keys []string
	seen := map[string]reflect.Value{}
	for _, m := range []reflect.Value{ma, mb} {
		for _, k := range m.MapKeys() {
			if _, ok := seen[k.String()]; !ok {
				seen[k.String()] = k
				keys = append(keys, k.String())
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		x, y := ma.MapIndex(seen[k]), mb.MapIndex(seen[k])
		var xi, yi any
		if x.IsValid() {
			xi = x.Interface()
		}
		if y.IsValid() {
			yi = y.Interface()
		}
		if !reflect.DeepEqual(xi, yi) {
			return fmt.Sprintf("%s %s differs:\n  %+v\n  %+v", name, k, xi, yi)
		}
	}
	return ""
}

type userView struct {
	Exists   bool
	Email    string
	Personal cabinet.TeamID
	Offices  []officeProfile
	Direct   []cabinet.ClientGroupID
	Via      []cabinet.ClientGroupID
	CGroups  []cabinet.CollaboratorGroupID
	Teams    []cabinet.TeamID
	Staff    []cabinet.DossierID
	Grants   []access.GrantID
	Until    map[cabinet.ClientGroupID]time.Time
}

type dossierView struct {
	Exists                             bool
	Facts                              cabinet.DossierFacts
	Group                              cabinet.ClientGroupID
	HasGrants, HasRefs, Expiring, Cons bool
}

type officeView struct {
	Exists   bool
	Collabs  map[cabinet.UserID]cabinet.Profile
	Dossiers []cabinet.DossierID // o.dossiers, as IDs, sorted
	ByID     []cabinet.DossierID // o.byID, as IDs, in its order
	HasPlan  bool
	Plan     procedure.OfficePlan
}

type cgView struct {
	Exists   bool
	G        clientgroup.ClientGroup
	Direct   []cabinet.UserID
	Colgs    []cabinet.CollaboratorGroupID
	Dossiers []cabinet.DossierID
}

type colgView struct {
	Exists  bool
	Members []cabinet.UserID
	CGs     []cabinet.ClientGroupID
}

// indexView is an index by IDs, without its interning.
type indexView struct {
	users    map[cabinet.UserID]userView
	dossiers map[cabinet.DossierID]dossierView
	offices  map[cabinet.OfficeID]officeView
	cgs      map[cabinet.ClientGroupID]cgView
	colgs    map[cabinet.CollaboratorGroupID]colgView
	unsorted string // the first list not kept sorted, if any
}

// nilIfEmpty returns s, or nil when it is empty.
func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

func (ix *index) view() indexView {
	v := indexView{
		users: map[cabinet.UserID]userView{}, dossiers: map[cabinet.DossierID]dossierView{},
		offices: map[cabinet.OfficeID]officeView{}, cgs: map[cabinet.ClientGroupID]cgView{},
		colgs: map[cabinet.CollaboratorGroupID]colgView{},
	}
	check := func(what string, sorted bool) {
		if !sorted && v.unsorted == "" {
			v.unsorted = what + " is not sorted"
		}
	}
	dossIDs := func(what string, is []uint32) []cabinet.DossierID {
		check(what, slices.IsSorted(is))
		out := make([]cabinet.DossierID, 0, len(is))
		for _, i := range is {
			out = append(out, ix.dossiers.at(i).id)
		}
		slices.Sort(out)
		return nilIfEmpty(out)
	}
	cgIDs := func(what string, is []uint32) []cabinet.ClientGroupID {
		check(what, slices.IsSorted(is))
		out := ix.cgIDs(is)
		slices.Sort(out)
		return nilIfEmpty(out)
	}
	until := map[cabinet.UserID]map[cabinet.ClientGroupID]time.Time{}
	for k, t := range ix.directUntil {
		if until[k.user] == nil {
			until[k.user] = map[cabinet.ClientGroupID]time.Time{}
		}
		until[k.user][ix.cgID(k.group)] = t
	}
	for _, u := range ix.users {
		w := userView{
			Exists: u.exists, Email: u.email, Personal: u.personal, Offices: nilIfEmpty(u.offices),
			Direct:  cgIDs("the direct groups of user "+string(u.id), u.direct),
			Via:     cgIDs("the via groups of user "+string(u.id), u.via),
			CGroups: nilIfEmpty(u.cgroups), Teams: nilIfEmpty(u.teams),
			Staff:  dossIDs("the staff of user "+string(u.id), u.staff),
			Grants: nilIfEmpty(u.grants), Until: until[u.id],
		}
		check("the collaborator groups of user "+string(u.id), slices.IsSorted(u.cgroups))
		check("the teams of user "+string(u.id), slices.IsSorted(u.teams))
		if !reflect.ValueOf(w).IsZero() {
			v.users[u.id] = w
		}
	}
	for i := range ix.dossiers.len() {
		d := ix.dossiers.at(i)
		f := ix.factsOf(d)
		f.Assigned = nilIfEmpty(f.Assigned)
		w := dossierView{Exists: d.exists, Facts: f, Group: ix.cgID(d.group), HasGrants: d.hasGrants, HasRefs: d.hasRefs,
			Expiring: d.expiring, Cons: d.consentRevoked}
		if !reflect.DeepEqual(w, dossierView{Facts: cabinet.DossierFacts{ID: f.ID}}) {
			v.dossiers[f.ID] = w
		}
	}
	for id, o := range ix.offices {
		w := officeView{Exists: o.exists, Collabs: o.collabs, Dossiers: dossIDs("the dossiers of office "+string(id), o.dossiers),
			HasPlan: o.hasPlan, Plan: o.plan}
		if len(w.Collabs) == 0 {
			w.Collabs = nil
		}
		for _, di := range o.byID {
			w.ByID = append(w.ByID, ix.dossiers.at(di).id)
		}
		check("the dossiers by ID of office "+string(id), slices.IsSorted(w.ByID))
		if !reflect.ValueOf(w).IsZero() {
			v.offices[id] = w
		}
	}
	for id, g := range ix.cgs {
		w := cgView{Exists: g.exists, Direct: nilIfEmpty(g.direct), Colgs: nilIfEmpty(g.colgs),
			Dossiers: dossIDs("the dossiers of client group "+string(id), g.dossiers)}
		if g.exists {
			w.G = g.g
		}
		check("the direct collaborators of client group "+string(id), slices.IsSorted(g.direct))
		check("the collaborator groups of client group "+string(id), slices.IsSorted(g.colgs))
		if !reflect.ValueOf(w).IsZero() {
			v.cgs[id] = w
		}
	}
	for id, g := range ix.colgs {
		w := colgView{Exists: g.exists, Members: nilIfEmpty(g.members), CGs: nilIfEmpty(g.cgs)}
		check("the members of collaborator group "+string(id), slices.IsSorted(g.members))
		check("the client groups of collaborator group "+string(id), slices.IsSorted(g.cgs))
		if !reflect.ValueOf(w).IsZero() {
			v.colgs[id] = w
		}
	}
	return v
}

// SortedSearches are the index's membership tests of a sorted uint32 set
// (hasSorted: binary search), for TestSortedSearches.
var SortedSearches = map[string]func([]uint32, uint32) bool{
	"hasSorted": hasSorted[[]uint32, uint32],
}

// DossTableFull is the dossier table's growth test (dosstable.go full).
var DossTableFull = full

// FindRun is the most IDs dossTable.findAll looks up at once.
const FindRun = findRun

// NewDossTable returns, over a new, empty dossier table (dosstable.go),
// the interning of an ID as index.internDossier does it (find, else add;
// added reports the add), find, and the records' IDs by index.
func NewDossTable() (intern func(cabinet.DossierID) (uint32, bool), find func(cabinet.DossierID) (uint32, bool), id func(uint32) cabinet.DossierID) {
	t := newDossTable()
	intern = func(id cabinet.DossierID) (uint32, bool) {
		if i, ok := t.find(id); ok {
			return i, false
		}
		return t.add(id), true
	}
	return intern, t.find, func(i uint32) cabinet.DossierID { return t.at(i).id }
}

// NewDossTableRuns returns, over a new, empty dossier table, add (of an ID
// not in it), find, findAll, and the home slot and tag of an ID at the
// table's present size: two IDs of one key share a tag by chance, which
// findAll's comparison phase must probe past (TestDossTableFindAll).
func NewDossTableRuns() (add func(cabinet.DossierID) uint32, find func(cabinet.DossierID) (uint32, bool), findAll func([]cabinet.DossierID, []uint32), probeKey func(cabinet.DossierID) uint64) {
	t := newDossTable()
	probeKey = func(id cabinet.DossierID) uint64 {
		mask := uint64(len(t.slots) - 1)
		h := maphash.String(t.seed, string(id))
		return h&mask<<32 | uint64(slotOf(h, uint32(mask), 0))
	}
	return t.add, t.find, t.findAll, probeKey
}

// MergeSorted is mergeSorted, for its test.
var MergeSorted = mergeSorted
