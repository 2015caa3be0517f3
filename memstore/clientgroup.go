package memstore

import (
	"cmp"
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

var _ clientgroup.Store = (*Store)(nil)

// clientgroupTables holds the clientgroup package's rows. Composite keys join
// their parts with a NUL byte, so that key order is (first, second) order.
// Every index is keyed by the Sym of an office, user or group (sym.go);
// placements, the largest table, are stored as placementRows.
type clientgroupTables struct {
	offices *memdb.Table[cabinet.OfficeID, clientgroup.Office]

	collaborators       *memdb.Table[string, clientgroup.Collaborator] // office\x00user
	collaboratorsOffice *memdb.SymIndex[string]
	collaboratorsUser   *memdb.SymIndex[string]

	cgroups       *memdb.Table[cabinet.CollaboratorGroupID, clientgroup.CollaboratorGroup]
	cgroupsOffice *memdb.SymIndex[cabinet.CollaboratorGroupID]

	members      *memdb.Table[string, clientgroup.Member] // group\x00user
	membersGroup *memdb.SymIndex[string]
	membersUser  *memdb.SymIndex[string]

	groups       *memdb.Table[cabinet.ClientGroupID, clientgroup.ClientGroup]
	groupsOffice *memdb.SymIndex[cabinet.ClientGroupID]

	direct      *memdb.Table[string, clientgroup.DirectAssignment] // client group\x00user
	directGroup *memdb.SymIndex[string]
	directUser  *memdb.SymIndex[string]

	gassign       *memdb.Table[string, clientgroup.GroupAssignment] // client group\x00collaborator group
	gassignGroup  *memdb.SymIndex[string]
	gassignCGroup *memdb.SymIndex[string]

	// placements is keyed by dossier: a dossier has at most one client
	// group (GRP-4).
	placements       *memdb.Table[cabinet.DossierID, placementRow]
	placementsGroup  *memdb.SymIndex[cabinet.DossierID]
	placementsOffice *officeIndex[cabinet.DossierID, placementRow] // byoffice.go
}

// placementRow is a clientgroup.Placement as the table stores it, keyed by
// its dossier: 8 bytes against 48.
type placementRow struct {
	office, group memdb.Sym
}

func (r placementRow) placement(syms *memdb.Symbols, dossier cabinet.DossierID) clientgroup.Placement {
	return clientgroup.Placement{Dossier: dossier, Office: idOf[cabinet.OfficeID](syms, r.office),
		ClientGroup: idOf[cabinet.ClientGroupID](syms, r.group)}
}

func (t *clientgroupTables) init() {
	t.offices = memdb.NewTable[cabinet.OfficeID, clientgroup.Office](nil)
	t.collaborators = memdb.NewTable[string, clientgroup.Collaborator](nil)
	t.collaboratorsOffice = memdb.NewSymIndex[string]()
	t.collaboratorsUser = memdb.NewSymIndex[string]()
	t.cgroups = memdb.NewTable[cabinet.CollaboratorGroupID, clientgroup.CollaboratorGroup](nil)
	t.cgroupsOffice = memdb.NewSymIndex[cabinet.CollaboratorGroupID]()
	t.members = memdb.NewTable[string, clientgroup.Member](nil)
	t.membersGroup = memdb.NewSymIndex[string]()
	t.membersUser = memdb.NewSymIndex[string]()
	t.groups = memdb.NewTable[cabinet.ClientGroupID, clientgroup.ClientGroup](nil)
	t.groupsOffice = memdb.NewSymIndex[cabinet.ClientGroupID]()
	t.direct = memdb.NewTable[string, clientgroup.DirectAssignment](nil)
	t.directGroup = memdb.NewSymIndex[string]()
	t.directUser = memdb.NewSymIndex[string]()
	t.gassign = memdb.NewTable[string, clientgroup.GroupAssignment](nil)
	t.gassignGroup = memdb.NewSymIndex[string]()
	t.gassignCGroup = memdb.NewSymIndex[string]()
	t.placements = memdb.NewTable[cabinet.DossierID, placementRow](nil)
	t.placementsGroup = memdb.NewSymIndex[cabinet.DossierID]()
	t.placementsOffice = newOfficeIndex(t.placements, func(r placementRow) memdb.Sym { return r.office })
}

func pairKey[A, B ~string](a A, b B) string { return string(a) + "\x00" + string(b) }

// ViewClientGroups implements clientgroup.Store.
func (s *Store) ViewClientGroups(ctx context.Context, fn func(r clientgroup.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(s.clientgroupReaderOf(t)) })
}

// UpdateClientGroups implements clientgroup.Store. With RunTwice, fn runs twice.
func (s *Store) UpdateClientGroups(ctx context.Context, fn func(w clientgroup.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(s.clientgroupWriterOf(t)) })
}

// ClientGroupReader implements clientgroup.Store: the clientgroup records of tx, an open
// transaction of this store.
func (s *Store) ClientGroupReader(tx cabinet.Tx) (clientgroup.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return s.clientgroupReaderOf(t), nil
}

// ClientGroupWriter implements clientgroup.Store: the clientgroup records of tx, an open
// write transaction of this store.
func (s *Store) ClientGroupWriter(tx cabinet.Tx) (clientgroup.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return s.clientgroupWriterOf(t), nil
}

func (s *Store) clientgroupReaderOf(t *txn) cgReader { return cgReader{t: &s.clientgroup, x: t} }

func (s *Store) clientgroupWriterOf(t *txn) cgWriter {
	return cgWriter{cgReader: s.clientgroupReaderOf(t), tx: t.w}
}

type cgReader struct {
	t *clientgroupTables
	x *txn
}

// Revision implements clientgroup.Reader: the revision of the snapshot.
func (r cgReader) Revision() cabinet.Revision { return r.x.rev }

// Tx implements clientgroup.Reader.
func (r cgReader) Tx() cabinet.Tx { return r.x }

type cgWriter struct {
	cgReader
	tx *memdb.Tx
}

func nf[T ~string](ctx context.Context, kind string, id T) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return cabinet.NotFound(kind, id)
}

func get[K cmp.Ordered, V any](ctx context.Context, t *memdb.Table[K, V], kind string, k K, display string) (V, error) {
	var zero V
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	v, ok := t.Get(k)
	if !ok {
		return zero, cabinet.NotFound(kind, display)
	}
	return v, nil
}

func (r cgReader) Office(ctx context.Context, id cabinet.OfficeID) (clientgroup.Office, error) {
	return get(ctx, r.t.offices, "office", id, string(id))
}

func (r cgReader) Offices(ctx context.Context, p cabinet.Page) ([]clientgroup.Office, cabinet.Cursor, error) {
	return page(ctx, r.t.offices.View(), r.t.offices.Get, nil, p)
}

func (r cgReader) Collaborator(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) (clientgroup.Collaborator, error) {
	return get(ctx, r.t.collaborators, "collaborator", pairKey(office, user), string(user))
}

func (r cgReader) Collaborators(ctx context.Context, f clientgroup.CollaboratorFilter, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
	var keys memdb.Keys[string]
	switch {
	case f.Office != "":
		keys = viewOf(r.x.s.syms, r.t.collaboratorsOffice, f.Office)
	case f.User != "":
		keys = viewOf(r.x.s.syms, r.t.collaboratorsUser, f.User)
	default:
		keys = r.t.collaborators.View()
	}
	return page(ctx, keys, r.t.collaborators.Get, func(c clientgroup.Collaborator) bool {
		return (f.Office == "" || c.Office == f.Office) && (f.User == "" || c.User == f.User)
	}, p)
}

func (r cgReader) CollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) (clientgroup.CollaboratorGroup, error) {
	return get(ctx, r.t.cgroups, "collaborator group", id, string(id))
}

func (r cgReader) CollaboratorGroups(ctx context.Context, f clientgroup.CollaboratorGroupFilter, p cabinet.Page) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
	keys := r.t.cgroups.View()
	if f.Office != "" {
		keys = viewOf(r.x.s.syms, r.t.cgroupsOffice, f.Office)
	}
	return page(ctx, keys, r.t.cgroups.Get, nil, p)
}

func (r cgReader) Member(ctx context.Context, group cabinet.CollaboratorGroupID, user cabinet.UserID) (clientgroup.Member, error) {
	return get(ctx, r.t.members, "member", pairKey(group, user), string(user))
}

func (r cgReader) Members(ctx context.Context, f clientgroup.MemberFilter, p cabinet.Page) ([]clientgroup.Member, cabinet.Cursor, error) {
	var keys memdb.Keys[string]
	switch {
	case f.Group != "":
		keys = viewOf(r.x.s.syms, r.t.membersGroup, f.Group)
	case f.User != "":
		keys = viewOf(r.x.s.syms, r.t.membersUser, f.User)
	default:
		keys = r.t.members.View()
	}
	return page(ctx, keys, r.t.members.Get, func(m clientgroup.Member) bool {
		return (f.Group == "" || m.Group == f.Group) && (f.User == "" || m.User == f.User)
	}, p)
}

func (r cgReader) ClientGroup(ctx context.Context, id cabinet.ClientGroupID) (clientgroup.ClientGroup, error) {
	return get(ctx, r.t.groups, "client group", id, string(id))
}

func (r cgReader) ClientGroups(ctx context.Context, f clientgroup.ClientGroupFilter, p cabinet.Page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
	keys := r.t.groups.View()
	if f.Office != "" {
		keys = viewOf(r.x.s.syms, r.t.groupsOffice, f.Office)
	}
	return page(ctx, keys, r.t.groups.Get, nil, p)
}

func (r cgReader) DirectAssignment(ctx context.Context, group cabinet.ClientGroupID, user cabinet.UserID) (clientgroup.DirectAssignment, error) {
	return get(ctx, r.t.direct, "direct assignment", pairKey(group, user), string(user))
}

func (r cgReader) DirectAssignments(ctx context.Context, f clientgroup.DirectAssignmentFilter, p cabinet.Page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
	var keys memdb.Keys[string]
	switch {
	case f.ClientGroup != "":
		keys = viewOf(r.x.s.syms, r.t.directGroup, f.ClientGroup)
	case f.User != "":
		keys = viewOf(r.x.s.syms, r.t.directUser, f.User)
	default:
		keys = r.t.direct.View()
	}
	return page(ctx, keys, r.t.direct.Get, func(a clientgroup.DirectAssignment) bool {
		return (f.ClientGroup == "" || a.ClientGroup == f.ClientGroup) && (f.User == "" || a.User == f.User)
	}, p)
}

func (r cgReader) GroupAssignment(ctx context.Context, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) (clientgroup.GroupAssignment, error) {
	return get(ctx, r.t.gassign, "group assignment", pairKey(group, cgroup), string(cgroup))
}

func (r cgReader) GroupAssignments(ctx context.Context, f clientgroup.GroupAssignmentFilter, p cabinet.Page) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
	var keys memdb.Keys[string]
	switch {
	case f.ClientGroup != "":
		keys = viewOf(r.x.s.syms, r.t.gassignGroup, f.ClientGroup)
	case f.CollaboratorGroup != "":
		keys = viewOf(r.x.s.syms, r.t.gassignCGroup, f.CollaboratorGroup)
	default:
		keys = r.t.gassign.View()
	}
	return page(ctx, keys, r.t.gassign.Get, func(a clientgroup.GroupAssignment) bool {
		return (f.ClientGroup == "" || a.ClientGroup == f.ClientGroup) && (f.CollaboratorGroup == "" || a.CollaboratorGroup == f.CollaboratorGroup)
	}, p)
}

func (r cgReader) Placement(ctx context.Context, dossier cabinet.DossierID) (clientgroup.Placement, error) {
	if err := ctx.Err(); err != nil {
		return clientgroup.Placement{}, err
	}
	row, ok := r.t.placements.Get(dossier)
	if !ok {
		return clientgroup.Placement{}, cabinet.NotFound("placement", dossier)
	}
	return row.placement(r.x.s.syms, dossier), nil
}

func (r cgReader) Placements(ctx context.Context, f clientgroup.PlacementFilter, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
	syms := r.x.s.syms
	var keys memdb.Keys[cabinet.DossierID]
	switch {
	case f.ClientGroup != "":
		keys = viewOf(syms, r.t.placementsGroup, f.ClientGroup)
	case f.Office != "":
		keys = r.t.placementsOffice.view(syms, f.Office)
	default:
		keys = r.t.placements.View()
	}
	group, okGroup := syms.Lookup(string(f.ClientGroup))
	office, okOffice := syms.Lookup(string(f.Office))
	get := func(d cabinet.DossierID) (clientgroup.Placement, bool) {
		row, ok := r.t.placements.Get(d)
		if !ok || (f.ClientGroup != "" && (!okGroup || row.group != group)) ||
			(f.Office != "" && (!okOffice || row.office != office)) {
			return clientgroup.Placement{}, false
		}
		return row.placement(syms, d), true
	}
	return page(ctx, keys, get, nil, p)
}

func required[T ~string](field string, id T) error {
	if id == "" {
		return cabinet.Invalid(field, "is required")
	}
	return nil
}

func (w cgWriter) PutOffice(ctx context.Context, o clientgroup.Office) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.offices, o.ID, o)
	if err := required("id", o.ID); err != nil {
		return err
	}
	w.t.offices.Put(w.tx, o.ID, o)
	return nil
}

func (w cgWriter) PutCollaborator(ctx context.Context, c clientgroup.Collaborator) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.collaborators, pairKey(c.Office, c.User), c)
	if err := required("office", c.Office); err != nil {
		return err
	}
	if err := required("user", c.User); err != nil {
		return err
	}
	k := pairKey(c.Office, c.User)
	w.t.collaborators.Put(w.tx, k, c)
	index(w.x, w.t.collaboratorsOffice, c.Office, k)
	index(w.x, w.t.collaboratorsUser, c.User, k)
	return nil
}

func (w cgWriter) DeleteCollaborator(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.collaborators, pairKey(office, user))
	k := pairKey(office, user)
	if !w.t.collaborators.Delete(w.tx, k) {
		return nf(ctx, "collaborator", user)
	}
	unindex(w.x, w.t.collaboratorsOffice, office, k)
	unindex(w.x, w.t.collaboratorsUser, user, k)
	return nil
}

func (w cgWriter) PutCollaboratorGroup(ctx context.Context, g clientgroup.CollaboratorGroup) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.cgroups, g.ID, g)
	if err := required("id", g.ID); err != nil {
		return err
	}
	if old, ok := w.t.cgroups.Get(g.ID); ok {
		unindex(w.x, w.t.cgroupsOffice, old.Office, g.ID)
	}
	w.t.cgroups.Put(w.tx, g.ID, g)
	index(w.x, w.t.cgroupsOffice, g.Office, g.ID)
	return nil
}

func (w cgWriter) DeleteCollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.cgroups, id)
	old, ok := w.t.cgroups.Get(id)
	if !ok {
		return nf(ctx, "collaborator group", id)
	}
	w.t.cgroups.Delete(w.tx, id)
	unindex(w.x, w.t.cgroupsOffice, old.Office, id)
	return nil
}

func (w cgWriter) PutMember(ctx context.Context, m clientgroup.Member) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.members, pairKey(m.Group, m.User), m)
	if err := required("group", m.Group); err != nil {
		return err
	}
	if err := required("user", m.User); err != nil {
		return err
	}
	k := pairKey(m.Group, m.User)
	w.t.members.Put(w.tx, k, m)
	index(w.x, w.t.membersGroup, m.Group, k)
	index(w.x, w.t.membersUser, m.User, k)
	return nil
}

func (w cgWriter) DeleteMember(ctx context.Context, group cabinet.CollaboratorGroupID, user cabinet.UserID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.members, pairKey(group, user))
	k := pairKey(group, user)
	if !w.t.members.Delete(w.tx, k) {
		return nf(ctx, "member", user)
	}
	unindex(w.x, w.t.membersGroup, group, k)
	unindex(w.x, w.t.membersUser, user, k)
	return nil
}

func (w cgWriter) PutClientGroup(ctx context.Context, g clientgroup.ClientGroup) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.groups, g.ID, g)
	if err := required("id", g.ID); err != nil {
		return err
	}
	if old, ok := w.t.groups.Get(g.ID); ok {
		unindex(w.x, w.t.groupsOffice, old.Office, g.ID)
	}
	w.t.groups.Put(w.tx, g.ID, g)
	index(w.x, w.t.groupsOffice, g.Office, g.ID)
	return nil
}

func (w cgWriter) DeleteClientGroup(ctx context.Context, id cabinet.ClientGroupID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.groups, id)
	old, ok := w.t.groups.Get(id)
	if !ok {
		return nf(ctx, "client group", id)
	}
	w.t.groups.Delete(w.tx, id)
	unindex(w.x, w.t.groupsOffice, old.Office, id)
	return nil
}

func (w cgWriter) PutDirectAssignment(ctx context.Context, a clientgroup.DirectAssignment) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.direct, pairKey(a.ClientGroup, a.User), a)
	if err := required("client_group", a.ClientGroup); err != nil {
		return err
	}
	if err := required("user", a.User); err != nil {
		return err
	}
	k := pairKey(a.ClientGroup, a.User)
	w.t.direct.Put(w.tx, k, a)
	index(w.x, w.t.directGroup, a.ClientGroup, k)
	index(w.x, w.t.directUser, a.User, k)
	return nil
}

func (w cgWriter) DeleteDirectAssignment(ctx context.Context, group cabinet.ClientGroupID, user cabinet.UserID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.direct, pairKey(group, user))
	k := pairKey(group, user)
	if !w.t.direct.Delete(w.tx, k) {
		return nf(ctx, "direct assignment", user)
	}
	unindex(w.x, w.t.directGroup, group, k)
	unindex(w.x, w.t.directUser, user, k)
	return nil
}

func (w cgWriter) PutGroupAssignment(ctx context.Context, a clientgroup.GroupAssignment) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.gassign, pairKey(a.ClientGroup, a.CollaboratorGroup), a)
	if err := required("client_group", a.ClientGroup); err != nil {
		return err
	}
	if err := required("collaborator_group", a.CollaboratorGroup); err != nil {
		return err
	}
	k := pairKey(a.ClientGroup, a.CollaboratorGroup)
	w.t.gassign.Put(w.tx, k, a)
	index(w.x, w.t.gassignGroup, a.ClientGroup, k)
	index(w.x, w.t.gassignCGroup, a.CollaboratorGroup, k)
	return nil
}

func (w cgWriter) DeleteGroupAssignment(ctx context.Context, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.gassign, pairKey(group, cgroup))
	k := pairKey(group, cgroup)
	if !w.t.gassign.Delete(w.tx, k) {
		return nf(ctx, "group assignment", cgroup)
	}
	unindex(w.x, w.t.gassignGroup, group, k)
	unindex(w.x, w.t.gassignCGroup, cgroup, k)
	return nil
}

// PutPlacement implements clientgroup.Writer: one lookup of the row it
// replaces, whose index entries it removes by Sym, then the row and its
// entries.
func (w cgWriter) PutPlacement(ctx context.Context, p clientgroup.Placement) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	old, had := w.t.placements.Get(p.Dossier)
	if had {
		w.x.touch(old.placement(w.x.s.syms, p.Dossier).Keys()...)
	}
	w.x.touch(p.Keys()...)
	if err := required("dossier", p.Dossier); err != nil {
		return err
	}
	if err := required("client_group", p.ClientGroup); err != nil {
		return err
	}
	if had {
		w.t.placementsGroup.Remove(w.tx, old.group, p.Dossier)
		w.t.placementsOffice.remove(w.tx, old.office, p.Dossier)
	}
	row := placementRow{office: intern(w.x, p.Office), group: intern(w.x, p.ClientGroup)}
	w.t.placements.Put(w.tx, p.Dossier, row)
	w.t.placementsGroup.Add(w.tx, row.group, p.Dossier)
	w.t.placementsOffice.add(w.tx, row.office, p.Dossier)
	return nil
}

func (w cgWriter) DeletePlacement(ctx context.Context, dossier cabinet.DossierID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	old, ok := w.t.placements.Get(dossier)
	if !ok {
		return nf(ctx, "placement", dossier)
	}
	w.x.touch(old.placement(w.x.s.syms, dossier).Keys()...)
	w.t.placements.Delete(w.tx, dossier)
	w.t.placementsGroup.Remove(w.tx, old.group, dossier)
	w.t.placementsOffice.remove(w.tx, old.office, dossier)
	return nil
}

// EachPlacement calls fn with every placement of the snapshot, in
// ascending dossier order, in one pass over the table: the streaming read
// of a bulk reader such as the policy engine's load (issue 15), which
// would otherwise copy every placement into a page. It is not part of
// clientgroup.Reader; a caller type-asserts it and falls back to
// Placements. An error of fn stops the walk and is returned; so is ctx's
// error, checked every 1,024 placements.
func (r cgReader) EachPlacement(ctx context.Context, fn func(p clientgroup.Placement) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	syms := r.x.s.syms
	n := 0
	var err error
	for d, row := range r.t.placements.All() {
		if n++; n%1024 == 0 {
			if err = ctx.Err(); err != nil {
				break
			}
		}
		if err = fn(row.placement(syms, d)); err != nil {
			break
		}
	}
	return err
}
