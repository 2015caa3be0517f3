package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
)

var _ clientgroup.Store = (*Store)(nil)

// ViewClientGroups implements clientgroup.Store: fn reads one REPEATABLE
// READ snapshot.
func (s *Store) ViewClientGroups(ctx context.Context, fn func(r clientgroup.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(cgTx{t}) })
}

// UpdateClientGroups implements clientgroup.Store: fn runs in one
// SERIALIZABLE transaction, and may run more than once (see the package
// doc).
func (s *Store) UpdateClientGroups(ctx context.Context, fn func(w clientgroup.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(cgTx{t}) })
}

// cgTx is the clientgroup package's reader and writer over a transaction.
type cgTx struct{ *txn }

// ClientGroupReader implements clientgroup.Store: the clientgroup records of tx, an open
// transaction (View or Update) of this store.
func (s *Store) ClientGroupReader(tx cabinet.Tx) (clientgroup.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return cgTx{t}, nil
}

// ClientGroupWriter implements clientgroup.Store: the clientgroup records of tx, an open write
// transaction of this store.
func (s *Store) ClientGroupWriter(tx cabinet.Tx) (clientgroup.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return cgTx{t}, nil
}

// Tx implements clientgroup.Reader: the transaction of this reader.
func (w cgTx) Tx() cabinet.Tx { return w.txn }

// required is the *cabinet.InvalidError of an empty key part.
func required[T ~string](field string, id T) error {
	if id == "" {
		return cabinet.Invalid(field, "is required")
	}
	return nil
}

// deleted turns the row counts of a delete into a *cabinet.NotFoundError
// when it removed nothing.
func deleted[T ~string](n []int64, err error, kind string, id T) error {
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return cabinet.NotFound(kind, id)
	}
	return nil
}

// Offices.

const officeCols = `id, name, email, created_by, created_at`

const officeByID = `SELECT ` + officeCols + ` FROM {schema}.offices WHERE id = $1`

func scanOffice(r scanner) (clientgroup.Office, error) {
	var o clientgroup.Office
	var created pgtype.Timestamptz
	err := r.Scan(&o.ID, &o.Name, &o.Email, &o.CreatedBy, &created)
	o.CreatedAt = tsVal(created)
	return o, err
}

func (w cgTx) Office(ctx context.Context, id cabinet.OfficeID) (clientgroup.Office, error) {
	return lookup(ctx, w.txn, bulkOffices, id, "", "office", string(id), func() (clientgroup.Office, error) {
		return getOne(ctx, w.txn, "office", string(id),
			officeByID, []any{string(id)}, scanOffice)
	})
}

func (w cgTx) Offices(ctx context.Context, p cabinet.Page) ([]clientgroup.Office, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listOffices(ctx, pg)
}

func (w cgTx) listOffices(ctx context.Context, pg page) ([]clientgroup.Office, cabinet.Cursor, error) {
	q := &sel{cols: officeCols, from: `{schema}.offices`, key: []string{"id"}}
	return list(ctx, w.txn, q, pg, scanOffice, func(o clientgroup.Office) cabinet.Cursor { return keyCursor(string(o.ID)) })
}

func (w cgTx) PutOffice(ctx context.Context, o clientgroup.Office) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("id", o.ID); err != nil {
		return err
	}
	if err := checkStorable(o); err != nil {
		return err
	}
	return putNew(w.txn, bulkOffices, o.ID, "", o, func() error {
		return put(ctx, w.txn, o, before(officeByID, []any{string(o.ID)}, scanOffice), stmt{`INSERT INTO {schema}.offices (id, name, email, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email,
			created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
			[]any{string(o.ID), o.Name, o.Email, string(o.CreatedBy), tsArg(o.CreatedAt)}})
	})
}

// Collaborators, keyed by (office, user).

const collaboratorCols = `office_id, user_id, profile, added_at`

const collaboratorByKey = `SELECT ` + collaboratorCols + ` FROM {schema}.collaborators WHERE office_id = $1 AND user_id = $2`

func scanCollaborator(r scanner) (clientgroup.Collaborator, error) {
	var c clientgroup.Collaborator
	var profile int16
	var added pgtype.Timestamptz
	err := r.Scan(&c.Office, &c.User, &profile, &added)
	c.Profile, c.AddedAt = cabinet.Profile(profile), tsVal(added)
	return c, err
}

func (w cgTx) Collaborator(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) (clientgroup.Collaborator, error) {
	return lookup(ctx, w.txn, bulkCollabs, collabKey{office, user}, string(user), "collaborator", string(user), func() (clientgroup.Collaborator, error) {
		return getOne(ctx, w.txn, "collaborator", string(user),
			collaboratorByKey,
			[]any{string(office), string(user)}, scanCollaborator)
	})
}

func (w cgTx) Collaborators(ctx context.Context, f clientgroup.CollaboratorFilter, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listCollaborators(ctx, f, pg)
}

func (w cgTx) listCollaborators(ctx context.Context, f clientgroup.CollaboratorFilter, pg page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
	q := &sel{cols: collaboratorCols, from: `{schema}.collaborators`, key: []string{"office_id", "user_id"}}
	if f.Office != "" {
		q.eq("office_id", string(f.Office))
	}
	if f.User != "" {
		q.eq("user_id", string(f.User))
	}
	return list(ctx, w.txn, q, pg, scanCollaborator, func(c clientgroup.Collaborator) cabinet.Cursor {
		return keyCursor(string(c.Office), string(c.User))
	})
}

func (w cgTx) PutCollaborator(ctx context.Context, c clientgroup.Collaborator) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("office", c.Office); err != nil {
		return err
	}
	if err := required("user", c.User); err != nil {
		return err
	}
	if err := checkStorable(c); err != nil {
		return err
	}
	return putNew(w.txn, bulkCollabs, collabKey{c.Office, c.User}, string(c.User), c, func() error {
		return put(ctx, w.txn, c, before(collaboratorByKey, []any{string(c.Office), string(c.User)}, scanCollaborator), stmt{`INSERT INTO {schema}.collaborators (office_id, user_id, profile, added_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (office_id, user_id) DO UPDATE SET profile = EXCLUDED.profile, added_at = EXCLUDED.added_at`,
			[]any{string(c.Office), string(c.User), int16(c.Profile), tsArg(c.AddedAt)}})
	})
}

func (w cgTx) DeleteCollaborator(ctx context.Context, office cabinet.OfficeID, user cabinet.UserID) error {
	n, err := w.write(ctx, before(collaboratorByKey, []any{string(office), string(user)}, scanCollaborator), nil, stmt{`DELETE FROM {schema}.collaborators WHERE office_id = $1 AND user_id = $2`,
		[]any{string(office), string(user)}})
	return deleted(n, err, "collaborator", user)
}

// Collaborator groups.

const cgroupCols = `id, office_id, name, created_at`

const cgroupByID = `SELECT ` + cgroupCols + ` FROM {schema}.collaborator_groups WHERE id = $1`

func scanCollaboratorGroup(r scanner) (clientgroup.CollaboratorGroup, error) {
	var g clientgroup.CollaboratorGroup
	var created pgtype.Timestamptz
	err := r.Scan(&g.ID, &g.Office, &g.Name, &created)
	g.CreatedAt = tsVal(created)
	return g, err
}

func (w cgTx) CollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) (clientgroup.CollaboratorGroup, error) {
	return lookup(ctx, w.txn, bulkCGroups, id, "", "collaborator group", string(id), func() (clientgroup.CollaboratorGroup, error) {
		return getOne(ctx, w.txn, "collaborator group", string(id),
			cgroupByID, []any{string(id)}, scanCollaboratorGroup)
	})
}

func (w cgTx) CollaboratorGroups(ctx context.Context, f clientgroup.CollaboratorGroupFilter, p cabinet.Page) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listCollaboratorGroups(ctx, f, pg)
}

func (w cgTx) listCollaboratorGroups(ctx context.Context, f clientgroup.CollaboratorGroupFilter, pg page) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
	q := &sel{cols: cgroupCols, from: `{schema}.collaborator_groups`, key: []string{"id"}}
	if f.Office != "" {
		q.eq("office_id", string(f.Office))
	}
	return list(ctx, w.txn, q, pg, scanCollaboratorGroup, func(g clientgroup.CollaboratorGroup) cabinet.Cursor {
		return keyCursor(string(g.ID))
	})
}

func (w cgTx) PutCollaboratorGroup(ctx context.Context, g clientgroup.CollaboratorGroup) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("id", g.ID); err != nil {
		return err
	}
	if err := checkStorable(g); err != nil {
		return err
	}
	return putNew(w.txn, bulkCGroups, g.ID, "", g, func() error {
		return put(ctx, w.txn, g, before(cgroupByID, []any{string(g.ID)}, scanCollaboratorGroup), stmt{`INSERT INTO {schema}.collaborator_groups (id, office_id, name, created_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, created_at = EXCLUDED.created_at`,
			[]any{string(g.ID), string(g.Office), g.Name, tsArg(g.CreatedAt)}})
	})
}

func (w cgTx) DeleteCollaboratorGroup(ctx context.Context, id cabinet.CollaboratorGroupID) error {
	n, err := w.write(ctx, before(cgroupByID, []any{string(id)}, scanCollaboratorGroup), nil, stmt{`DELETE FROM {schema}.collaborator_groups WHERE id = $1`, []any{string(id)}})
	return deleted(n, err, "collaborator group", id)
}

// Members of collaborator groups, keyed by (group, user).

const memberCols = `group_id, office_id, user_id`

const memberByKey = `SELECT ` + memberCols + ` FROM {schema}.collaborator_group_members WHERE group_id = $1 AND user_id = $2`

func scanMember(r scanner) (clientgroup.Member, error) {
	var m clientgroup.Member
	err := r.Scan(&m.Group, &m.Office, &m.User)
	return m, err
}

func (w cgTx) Member(ctx context.Context, group cabinet.CollaboratorGroupID, user cabinet.UserID) (clientgroup.Member, error) {
	return lookup(ctx, w.txn, bulkMembers, memberKey{group, user}, string(group), "member", string(user), func() (clientgroup.Member, error) {
		return getOne(ctx, w.txn, "member", string(user),
			memberByKey,
			[]any{string(group), string(user)}, scanMember)
	})
}

func (w cgTx) Members(ctx context.Context, f clientgroup.MemberFilter, p cabinet.Page) ([]clientgroup.Member, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listMembers(ctx, f, pg)
}

func (w cgTx) listMembers(ctx context.Context, f clientgroup.MemberFilter, pg page) ([]clientgroup.Member, cabinet.Cursor, error) {
	q := &sel{cols: memberCols, from: `{schema}.collaborator_group_members`, key: []string{"group_id", "user_id"}}
	if f.Group != "" {
		q.eq("group_id", string(f.Group))
	}
	if f.User != "" {
		q.eq("user_id", string(f.User))
	}
	return list(ctx, w.txn, q, pg, scanMember, func(m clientgroup.Member) cabinet.Cursor {
		return keyCursor(string(m.Group), string(m.User))
	})
}

func (w cgTx) PutMember(ctx context.Context, m clientgroup.Member) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("group", m.Group); err != nil {
		return err
	}
	if err := required("user", m.User); err != nil {
		return err
	}
	if err := checkStorable(m); err != nil {
		return err
	}
	return putNew(w.txn, bulkMembers, memberKey{m.Group, m.User}, string(m.Group), m, func() error {
		return put(ctx, w.txn, m, before(memberByKey, []any{string(m.Group), string(m.User)}, scanMember), stmt{`INSERT INTO {schema}.collaborator_group_members (group_id, user_id, office_id)
		VALUES ($1, $2, $3)
		ON CONFLICT (group_id, user_id) DO UPDATE SET office_id = EXCLUDED.office_id`,
			[]any{string(m.Group), string(m.User), string(m.Office)}})
	})
}

func (w cgTx) DeleteMember(ctx context.Context, group cabinet.CollaboratorGroupID, user cabinet.UserID) error {
	n, err := w.write(ctx, before(memberByKey, []any{string(group), string(user)}, scanMember), nil, stmt{`DELETE FROM {schema}.collaborator_group_members WHERE group_id = $1 AND user_id = $2`,
		[]any{string(group), string(user)}})
	return deleted(n, err, "member", user)
}

// Client groups.

const clientGroupCols = `id, office_id, name, email, created_at`

const clientGroupByID = `SELECT ` + clientGroupCols + ` FROM {schema}.client_groups WHERE id = $1`

func scanClientGroup(r scanner) (clientgroup.ClientGroup, error) {
	var g clientgroup.ClientGroup
	var created pgtype.Timestamptz
	err := r.Scan(&g.ID, &g.Office, &g.Name, &g.Email, &created)
	g.CreatedAt = tsVal(created)
	return g, err
}

func (w cgTx) ClientGroup(ctx context.Context, id cabinet.ClientGroupID) (clientgroup.ClientGroup, error) {
	return lookup(ctx, w.txn, bulkGroups, id, "", "client group", string(id), func() (clientgroup.ClientGroup, error) {
		return getOne(ctx, w.txn, "client group", string(id),
			clientGroupByID, []any{string(id)}, scanClientGroup)
	})
}

func (w cgTx) ClientGroups(ctx context.Context, f clientgroup.ClientGroupFilter, p cabinet.Page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listClientGroups(ctx, f, pg)
}

func (w cgTx) listClientGroups(ctx context.Context, f clientgroup.ClientGroupFilter, pg page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
	q := &sel{cols: clientGroupCols, from: `{schema}.client_groups`, key: []string{"id"}}
	if f.Office != "" {
		q.eq("office_id", string(f.Office))
	}
	return list(ctx, w.txn, q, pg, scanClientGroup, func(g clientgroup.ClientGroup) cabinet.Cursor { return keyCursor(string(g.ID)) })
}

func (w cgTx) PutClientGroup(ctx context.Context, g clientgroup.ClientGroup) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("id", g.ID); err != nil {
		return err
	}
	if err := checkStorable(g); err != nil {
		return err
	}
	return putNew(w.txn, bulkGroups, g.ID, "", g, func() error {
		return put(ctx, w.txn, g, before(clientGroupByID, []any{string(g.ID)}, scanClientGroup), stmt{`INSERT INTO {schema}.client_groups (id, office_id, name, email, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, email = EXCLUDED.email,
			created_at = EXCLUDED.created_at`,
			[]any{string(g.ID), string(g.Office), g.Name, g.Email, tsArg(g.CreatedAt)}})
	})
}

func (w cgTx) DeleteClientGroup(ctx context.Context, id cabinet.ClientGroupID) error {
	n, err := w.write(ctx, before(clientGroupByID, []any{string(id)}, scanClientGroup), nil, stmt{`DELETE FROM {schema}.client_groups WHERE id = $1`, []any{string(id)}})
	return deleted(n, err, "client group", id)
}

// Direct assignments, keyed by (client group, user).

const directCols = `client_group_id, office_id, user_id, expires_at`

const directByKey = `SELECT ` + directCols + ` FROM {schema}.direct_assignments WHERE client_group_id = $1 AND user_id = $2`

func scanDirect(r scanner) (clientgroup.DirectAssignment, error) {
	var a clientgroup.DirectAssignment
	var expires pgtype.Timestamptz
	err := r.Scan(&a.ClientGroup, &a.Office, &a.User, &expires)
	a.ExpiresAt = tsVal(expires)
	return a, err
}

func (w cgTx) DirectAssignment(ctx context.Context, group cabinet.ClientGroupID, user cabinet.UserID) (clientgroup.DirectAssignment, error) {
	return lookup(ctx, w.txn, bulkDirects, directKey{group, user}, string(group), "direct assignment", string(user), func() (clientgroup.DirectAssignment, error) {
		return getOne(ctx, w.txn, "direct assignment", string(user),
			directByKey,
			[]any{string(group), string(user)}, scanDirect)
	})
}

func (w cgTx) DirectAssignments(ctx context.Context, f clientgroup.DirectAssignmentFilter, p cabinet.Page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listDirectAssignments(ctx, f, pg)
}

func (w cgTx) listDirectAssignments(ctx context.Context, f clientgroup.DirectAssignmentFilter, pg page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
	q := &sel{cols: directCols, from: `{schema}.direct_assignments`, key: []string{"client_group_id", "user_id"}}
	if f.ClientGroup != "" {
		q.eq("client_group_id", string(f.ClientGroup))
	}
	if f.User != "" {
		q.eq("user_id", string(f.User))
	}
	return list(ctx, w.txn, q, pg, scanDirect, func(a clientgroup.DirectAssignment) cabinet.Cursor {
		return keyCursor(string(a.ClientGroup), string(a.User))
	})
}

func (w cgTx) PutDirectAssignment(ctx context.Context, a clientgroup.DirectAssignment) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("client_group", a.ClientGroup); err != nil {
		return err
	}
	if err := required("user", a.User); err != nil {
		return err
	}
	if err := checkStorable(a); err != nil {
		return err
	}
	return putNew(w.txn, bulkDirects, directKey{a.ClientGroup, a.User}, string(a.ClientGroup), a, func() error {
		return put(ctx, w.txn, a, before(directByKey, []any{string(a.ClientGroup), string(a.User)}, scanDirect), stmt{`INSERT INTO {schema}.direct_assignments (client_group_id, user_id, office_id, expires_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (client_group_id, user_id) DO UPDATE SET office_id = EXCLUDED.office_id, expires_at = EXCLUDED.expires_at`,
			[]any{string(a.ClientGroup), string(a.User), string(a.Office), tsArg(a.ExpiresAt)}})
	})
}

func (w cgTx) DeleteDirectAssignment(ctx context.Context, group cabinet.ClientGroupID, user cabinet.UserID) error {
	n, err := w.write(ctx, before(directByKey, []any{string(group), string(user)}, scanDirect), nil, stmt{`DELETE FROM {schema}.direct_assignments WHERE client_group_id = $1 AND user_id = $2`,
		[]any{string(group), string(user)}})
	return deleted(n, err, "direct assignment", user)
}

// Group assignments, keyed by (client group, collaborator group).

const groupAssignmentCols = `client_group_id, office_id, collaborator_group_id`

const groupAssignmentByKey = `SELECT ` + groupAssignmentCols + ` FROM {schema}.group_assignments WHERE client_group_id = $1 AND collaborator_group_id = $2`

func scanGroupAssignment(r scanner) (clientgroup.GroupAssignment, error) {
	var a clientgroup.GroupAssignment
	err := r.Scan(&a.ClientGroup, &a.Office, &a.CollaboratorGroup)
	return a, err
}

func (w cgTx) GroupAssignment(ctx context.Context, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) (clientgroup.GroupAssignment, error) {
	return lookup(ctx, w.txn, bulkGAssigns, gassignKey{group, cgroup}, string(group), "group assignment", string(cgroup), func() (clientgroup.GroupAssignment, error) {
		return getOne(ctx, w.txn, "group assignment", string(cgroup),
			groupAssignmentByKey,
			[]any{string(group), string(cgroup)}, scanGroupAssignment)
	})
}

func (w cgTx) GroupAssignments(ctx context.Context, f clientgroup.GroupAssignmentFilter, p cabinet.Page) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listGroupAssignments(ctx, f, pg)
}

func (w cgTx) listGroupAssignments(ctx context.Context, f clientgroup.GroupAssignmentFilter, pg page) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
	q := &sel{cols: groupAssignmentCols, from: `{schema}.group_assignments`, key: []string{"client_group_id", "collaborator_group_id"}}
	if f.ClientGroup != "" {
		q.eq("client_group_id", string(f.ClientGroup))
	}
	if f.CollaboratorGroup != "" {
		q.eq("collaborator_group_id", string(f.CollaboratorGroup))
	}
	return list(ctx, w.txn, q, pg, scanGroupAssignment, func(a clientgroup.GroupAssignment) cabinet.Cursor {
		return keyCursor(string(a.ClientGroup), string(a.CollaboratorGroup))
	})
}

func (w cgTx) PutGroupAssignment(ctx context.Context, a clientgroup.GroupAssignment) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("client_group", a.ClientGroup); err != nil {
		return err
	}
	if err := required("collaborator_group", a.CollaboratorGroup); err != nil {
		return err
	}
	if err := checkStorable(a); err != nil {
		return err
	}
	return putNew(w.txn, bulkGAssigns, gassignKey{a.ClientGroup, a.CollaboratorGroup}, string(a.ClientGroup), a, func() error {
		return put(ctx, w.txn, a, before(groupAssignmentByKey, []any{string(a.ClientGroup), string(a.CollaboratorGroup)}, scanGroupAssignment), stmt{`INSERT INTO {schema}.group_assignments (client_group_id, collaborator_group_id, office_id)
		VALUES ($1, $2, $3)
		ON CONFLICT (client_group_id, collaborator_group_id) DO UPDATE SET office_id = EXCLUDED.office_id`,
			[]any{string(a.ClientGroup), string(a.CollaboratorGroup), string(a.Office)}})
	})
}

func (w cgTx) DeleteGroupAssignment(ctx context.Context, group cabinet.ClientGroupID, cgroup cabinet.CollaboratorGroupID) error {
	n, err := w.write(ctx, before(groupAssignmentByKey, []any{string(group), string(cgroup)}, scanGroupAssignment), nil, stmt{`DELETE FROM {schema}.group_assignments WHERE client_group_id = $1 AND collaborator_group_id = $2`,
		[]any{string(group), string(cgroup)}})
	return deleted(n, err, "group assignment", cgroup)
}

// Placements, keyed by dossier (GRP-4).

const placementCols = `dossier_id, office_id, client_group_id`

const placementByDossier = `SELECT ` + placementCols + ` FROM {schema}.placements WHERE dossier_id = $1`

func scanPlacement(r scanner) (clientgroup.Placement, error) {
	var p clientgroup.Placement
	err := r.Scan(&p.Dossier, &p.Office, &p.ClientGroup)
	return p, err
}

func (w cgTx) Placement(ctx context.Context, dossier cabinet.DossierID) (clientgroup.Placement, error) {
	return lookup(ctx, w.txn, bulkPlacements, dossier, "", "placement", string(dossier), func() (clientgroup.Placement, error) {
		return getOne(ctx, w.txn, "placement", string(dossier),
			placementByDossier, []any{string(dossier)}, scanPlacement)
	})
}

func (w cgTx) Placements(ctx context.Context, f clientgroup.PlacementFilter, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listPlacements(ctx, f, pg)
}

func (w cgTx) listPlacements(ctx context.Context, f clientgroup.PlacementFilter, pg page) ([]clientgroup.Placement, cabinet.Cursor, error) {
	q := &sel{cols: placementCols, from: `{schema}.placements`, key: []string{"dossier_id"}}
	if f.ClientGroup != "" {
		q.eq("client_group_id", string(f.ClientGroup))
	}
	if f.Office != "" {
		q.eq("office_id", string(f.Office))
	}
	return list(ctx, w.txn, q, pg, scanPlacement, func(p clientgroup.Placement) cabinet.Cursor { return keyCursor(string(p.Dossier)) })
}

func (w cgTx) PutPlacement(ctx context.Context, p clientgroup.Placement) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := required("dossier", p.Dossier); err != nil {
		return err
	}
	if err := required("client_group", p.ClientGroup); err != nil {
		return err
	}
	if err := checkStorable(p); err != nil {
		return err
	}
	return putNew(w.txn, bulkPlacements, p.Dossier, "", p, func() error {
		return put(ctx, w.txn, p, before(placementByDossier, []any{string(p.Dossier)}, scanPlacement), stmt{`INSERT INTO {schema}.placements (dossier_id, office_id, client_group_id)
		VALUES ($1, $2, $3)
		ON CONFLICT (dossier_id) DO UPDATE SET office_id = EXCLUDED.office_id, client_group_id = EXCLUDED.client_group_id`,
			[]any{string(p.Dossier), string(p.Office), string(p.ClientGroup)}})
	})
}

func (w cgTx) DeletePlacement(ctx context.Context, dossier cabinet.DossierID) error {
	n, err := w.write(ctx, before(placementByDossier, []any{string(dossier)}, scanPlacement), nil, stmt{`DELETE FROM {schema}.placements WHERE dossier_id = $1`, []any{string(dossier)}})
	return deleted(n, err, "placement", dossier)
}
