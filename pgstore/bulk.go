package pgstore

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/team"
)

var _ bulk.BatchPreparer = (*Store)(nil)

// PrepareBatch implements bulk.BatchPreparer: it puts tx, an open write
// transaction of this store, in bulk mode for the batch of an import.
//
// In bulk mode the transaction reads ahead, in one round trip, the records
// the batch's checks look up by key — accounts (by ID and by email key) and
// their personal teams, teams, offices, client groups (with their
// assignments when the batch assigns them or creates them — a dossier
// placed in a group reads none), collaborator groups with their members,
// the collaborator rows of the accounts the
// batch places in the office, dossiers with their placements, persons and
// grants, persons with their grants — and the email keys that no referral,
// grant, contact or case seat holds. It keeps what it read, found or not,
// as the transaction sees it (a cache of the transaction's own snapshot,
// which every Put of those kinds through tx keeps up to date, and every
// Delete empties). A lookup it holds — or a listing it holds whole: a
// dossier's persons or grants, an empty listing by email — costs no round
// trip; one it does not goes to PostgreSQL and is kept too. A Put of a
// record the transaction knows to be absent (of every kind above but
// offices, and a grant only when what it holds shows no unique index
// broken) is queued instead of written: the queue is written with COPY
// (one round trip per table) before the next statement that reaches
// PostgreSQL, and at the latest before the commit. Such a Put records the
// same change-log keys as the record-by-record path (the record's keys;
// there was no row before it), so the transaction commits exactly the rows
// and the change-log entry that the same Puts would have written one by
// one.
//
// A transaction in bulk mode is not run again on a serialization failure:
// its error goes back to the importer, which runs the batch again record
// by record (in an ordinary transaction, retried as usual), and that run
// names the record at fault.
//
// Decision: dossier_assigned and team_members rows exist only for a stored
// dossier or team (PutDossier and PutTeam are their only writers, no
// dossier is ever deleted and DeleteTeam deletes a team's rows), so a
// queued new dossier or team writes its rows with no delete of stale ones.
//
// Errors: an *cabinet.InvalidError naming "tx" if tx is not an open write
// transaction of this store; the database's error.
func (s *Store) PrepareBatch(ctx context.Context, tx cabinet.Tx, batch []bulk.Record) error {
	t, err := s.txOf(tx, true)
	if err != nil {
		return err
	}
	if err := t.ready(ctx); err != nil {
		return err
	}
	if err := t.flushBulk(ctx); err != nil {
		return err
	}
	b := newBulkState()
	want := newWanted(len(batch))
	// Every record queued records its keys: room for a few each.
	t.keys = slices.Grow(t.keys, 4*len(batch))
	for _, r := range batch {
		want.add(r)
	}
	if err := b.readAhead(ctx, t, &want); err != nil {
		return err
	}
	t.bulk = b
	return nil
}

// wanted is what a batch's checks will look up by key.
type wanted struct {
	users       []string // looked up by ID, and their personal teams
	collabUsers []string // whose collaborator rows are looked up
	offices     []string
	groups      []string // client groups
	assigned    []string // client groups whose assignments are looked up
	cgroups     []string // collaborator groups, with their members
	dossiers    []string // with their placements, persons and grants
	persons     []string // with their grants
	grants      []string
	emails      []string // email keys: accounts, and the listings by email
	teams       []string

	personDossier map[access.PersonID]cabinet.DossierID // of the batch's persons
}

// newWanted returns an empty wanted with room for a batch of n records in
// the lists most records add to (a dossier adds its ID, its office and its
// manager; the keys are sorted and deduplicated after).
func newWanted(n int) wanted {
	return wanted{dossiers: make([]string, 0, n), offices: make([]string, 0, n), collabUsers: make([]string, 0, n),
		groups: make([]string, 0, n)}
}

func (w *wanted) add(r bulk.Record) {
	switch r := r.(type) {
	case bulk.User:
		w.users = append(w.users, string(r.ID))
		w.teams = append(w.teams, string(r.PersonalTeam))
		w.emails = append(w.emails, cabinet.EmailKey(r.Email))
	case bulk.Office:
		w.offices = append(w.offices, string(r.ID))
		w.users = append(w.users, string(r.Admin))
		w.collabUsers = append(w.collabUsers, string(r.Admin))
	case bulk.Collaborator:
		w.offices = append(w.offices, string(r.Office))
		w.users = append(w.users, string(r.User))
		w.collabUsers = append(w.collabUsers, string(r.User))
	case bulk.CollaboratorGroup:
		w.cgroups = append(w.cgroups, string(r.ID))
		w.offices = append(w.offices, string(r.Office))
	case bulk.Member:
		w.cgroups = append(w.cgroups, string(r.Group))
		w.collabUsers = append(w.collabUsers, string(r.User))
	case bulk.ClientGroup:
		w.groups = append(w.groups, string(r.ID))
		w.assigned = append(w.assigned, string(r.ID))
		w.offices = append(w.offices, string(r.Office))
	case bulk.DirectAssignment:
		w.groups = append(w.groups, string(r.ClientGroup))
		w.assigned = append(w.assigned, string(r.ClientGroup))
		w.collabUsers = append(w.collabUsers, string(r.User))
	case bulk.GroupAssignment:
		w.groups = append(w.groups, string(r.ClientGroup))
		w.assigned = append(w.assigned, string(r.ClientGroup))
		w.cgroups = append(w.cgroups, string(r.CollaboratorGroup))
	case bulk.Dossier:
		w.dossiers = append(w.dossiers, string(r.ID))
		w.offices = append(w.offices, string(r.Office))
		if r.Manager != "" {
			w.collabUsers = append(w.collabUsers, string(r.Manager))
		}
		for _, u := range r.Assigned {
			w.collabUsers = append(w.collabUsers, string(u))
		}
		if r.ClientGroup != "" { // the group, not its assignments: a placement reads none
			w.groups = append(w.groups, string(r.ClientGroup))
		}
	case bulk.Person:
		w.persons = append(w.persons, string(r.ID))
		w.dossiers = append(w.dossiers, string(r.Dossier))
		if w.personDossier == nil {
			w.personDossier = map[access.PersonID]cabinet.DossierID{}
		}
		w.personDossier[r.ID] = r.Dossier
	case bulk.Advisor:
		w.dossiers = append(w.dossiers, string(r.Dossier))
	case bulk.Grant:
		w.grants = append(w.grants, string(r.ID))
		w.emails = append(w.emails, cabinet.EmailKey(r.Email))
		if r.Person != "" {
			w.persons = append(w.persons, string(r.Person))
			if d, ok := w.personDossier[r.Person]; ok {
				w.dossiers = append(w.dossiers, string(d))
			}
		}
	case bulk.Consent:
		w.dossiers = append(w.dossiers, string(r.Dossier))
	case bulk.Referral:
		w.users = append(w.users, string(r.Referrer))
		w.emails = append(w.emails, cabinet.EmailKey(r.ClientEmail))
		w.dossiers = append(w.dossiers, string(r.Dossier))
	case bulk.Contact:
		w.offices = append(w.offices, string(r.Office))
		if r.User != "" {
			w.users = append(w.users, string(r.User))
		}
		if r.Dossier != "" {
			w.dossiers = append(w.dossiers, string(r.Dossier))
		}
	case bulk.Team:
		w.teams = append(w.teams, string(r.ID))
		w.users = append(w.users, string(r.Lead), string(r.CreatedBy))
		for _, m := range r.Members {
			w.users = append(w.users, string(m.User))
		}
	case bulk.Company:
		w.offices = append(w.offices, string(r.Office))
	}
}

// keys returns ids sorted, without duplicates and without keys no row can
// hold.
func keys(ids []string) []string {
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == "" || !storable(s) })
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Composite keys.
type (
	collabKey struct {
		office cabinet.OfficeID
		user   cabinet.UserID
	}
	memberKey struct {
		group cabinet.CollaboratorGroupID
		user  cabinet.UserID
	}
	directKey struct {
		group cabinet.ClientGroupID
		user  cabinet.UserID
	}
	gassignKey struct {
		group  cabinet.ClientGroupID
		cgroup cabinet.CollaboratorGroupID
	}
)

// kept is what a transaction in bulk mode knows of one table: rows by key
// (a nil value: known to be absent; no entry: unknown), the parents (the
// first part of a composite key) whose every row is in rows, and, for a
// table written with COPY, the new rows queued.
type kept[K comparable, V any] struct {
	rows     map[K]*V
	complete map[string]bool
	queue    []V

	table string        // "" for a table never queued
	cols  []string      // the COPY's columns
	row   func(V) []any // the COPY's values of a record
}

func (c *kept[K, V]) forget() {
	c.rows, c.complete = map[K]*V{}, map[string]bool{}
}

// known returns what c knows of k, whose parent is parent ("" for a
// single-column key): ok when it knows, found when the record exists (v a
// copy of it).
func (c *kept[K, V]) known(k K, parent string) (v V, found, ok bool) {
	p, ok := c.rows[k]
	if !ok {
		return v, false, parent != "" && c.complete[parent]
	}
	if p == nil {
		return v, false, true
	}
	return *p, true, true
}

// take returns the queue, for one COPY, and empties it (nil when it is
// empty). The queue's array goes with it: the COPY may run in the
// background while the transaction queues more.
func (c *kept[K, V]) take() pending {
	if len(c.queue) == 0 {
		return nil
	}
	q := queuedRows[V]{table: c.table, cols: c.cols, row: c.row, vs: c.queue}
	// The array goes with the COPY; the next one is as large (a batch
	// queues its kinds in runs), without growing from nothing again.
	c.queue = make([]V, 0, min(len(q.vs), bulkCopyEvery))
	return q
}

// pending is the rows of one table taken from the queues, to be written
// with one COPY.
type pending interface {
	copyTo(ctx context.Context, tx pgx.Tx, schema string) error
}

// queuedRows is a table's queue, taken.
type queuedRows[V any] struct {
	table string
	cols  []string
	row   func(V) []any
	vs    []V
}

func (q queuedRows[V]) copyTo(ctx context.Context, tx pgx.Tx, schema string) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{schema, q.table}, q.cols, &rowSource[V]{vs: q.vs, row: q.row})
	return err
}

// rowSource is a pgx.CopyFromSource of the values of vs, made as the COPY
// reads them.
type rowSource[V any] struct {
	vs  []V
	row func(V) []any
	i   int
}

func (r *rowSource[V]) Next() bool {
	r.i++
	return r.i <= len(r.vs)
}

func (r *rowSource[V]) Values() ([]any, error) { return r.row(r.vs[r.i-1]), nil }

func (r *rowSource[V]) Err() error { return nil }

// derivedRows is the rows of a table that the taken queue of another
// implies (dossier_assigned of dossiers, team_members of teams), made when
// they are written.
type derivedRows struct {
	table string
	cols  []string
	rows  func() [][]any
}

func (d derivedRows) copyTo(ctx context.Context, tx pgx.Tx, schema string) error {
	rows := d.rows()
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{schema, d.table}, d.cols, pgx.CopyFromRows(rows))
	return err
}

// writeTaken writes ps in order, one COPY each, and returns the first
// error. It uses nothing of the transaction but tx, so that it may run in
// the background while the transaction goes on (see txn.enqueued).
func writeTaken(ctx context.Context, tx pgx.Tx, schema string, ps []pending) error {
	for _, p := range ps {
		if err := p.copyTo(ctx, tx, schema); err != nil {
			return err
		}
	}
	return nil
}

// bulkState is a transaction's bulk mode: what it knows of the tables its
// import reads, and the new rows queued for COPY.
type bulkState struct {
	users      kept[cabinet.UserID, cabinet.User]
	offices    kept[cabinet.OfficeID, clientgroup.Office]
	groups     kept[cabinet.ClientGroupID, clientgroup.ClientGroup]
	cgroups    kept[cabinet.CollaboratorGroupID, clientgroup.CollaboratorGroup]
	collabs    kept[collabKey, clientgroup.Collaborator]     // complete by user
	members    kept[memberKey, clientgroup.Member]           // complete by group
	directs    kept[directKey, clientgroup.DirectAssignment] // complete by client group
	gassigns   kept[gassignKey, clientgroup.GroupAssignment] // complete by client group
	dossiers   kept[cabinet.DossierID, access.Dossier]
	placements kept[cabinet.DossierID, clientgroup.Placement]
	persons    kept[access.PersonID, access.Person]
	grants     kept[access.GrantID, access.Grant]
	byEmail    kept[string, cabinet.User]          // users by email key
	grantOf    kept[access.PersonID, access.Grant] // the grant of a person
	personsOf  listsOf[access.Person]              // by dossier
	grantsOf   listsOf[access.Grant]               // by dossier
	teams      kept[cabinet.TeamID, team.Team]
	personal   kept[cabinet.UserID, team.Team] // the personal team of an account

	// Email keys that no row of a table holds (referrals' client email,
	// grants, contacts, case seats): those listings by email are empty.
	none struct{ referrals, grants, contacts, cases map[string]bool }

	n int // records queued since the last take
}

// listsOf is what bulk mode knows of the rows of a table by one parent
// column (the persons of a dossier): the whole list of the parents in m.
type listsOf[V any] struct {
	m   map[string][]V
	key func(V) string // the row's key, the listing's order
}

// add records v, a new row of parent, in the parent's list if it is known.
func (l *listsOf[V]) add(parent string, v V) {
	if vs, ok := l.m[parent]; ok {
		l.m[parent] = append(vs, v)
	}
}

// page answers a listing of the rows of parent, in the order and with the
// cursors of list: ok is false when the parent's list is unknown.
func (l *listsOf[V]) page(parent string, pg page) (out []V, next cabinet.Cursor, ok bool, err error) {
	vs, ok := l.m[parent]
	if !ok {
		return nil, "", false, nil
	}
	after := string(pg.after)
	if !storable(after) {
		return nil, "", true, cabinet.Invalid("after", "is not a cursor of this listing")
	}
	vs = slices.Clone(vs)
	slices.SortFunc(vs, func(a, b V) int { return strings.Compare(l.key(a), l.key(b)) })
	for _, v := range vs {
		if after == "" || l.key(v) > after {
			out = append(out, v)
		}
	}
	if pg.limit > 0 && len(out) > pg.limit {
		out = out[:pg.limit:pg.limit]
		return out, keyCursor(l.key(out[len(out)-1])), true, nil
	}
	return out, "", true, nil
}

func newBulkState() *bulkState {
	b := &bulkState{}
	b.groups.table, b.groups.cols = "client_groups", []string{"id", "office_id", "name", "email", "created_at"}
	b.groups.row = func(g clientgroup.ClientGroup) []any {
		return []any{string(g.ID), string(g.Office), g.Name, g.Email, tsArg(g.CreatedAt)}
	}
	b.cgroups.table, b.cgroups.cols = "collaborator_groups", []string{"id", "office_id", "name", "created_at"}
	b.cgroups.row = func(g clientgroup.CollaboratorGroup) []any {
		return []any{string(g.ID), string(g.Office), g.Name, tsArg(g.CreatedAt)}
	}
	b.collabs.table, b.collabs.cols = "collaborators", []string{"office_id", "user_id", "profile", "added_at"}
	b.collabs.row = func(c clientgroup.Collaborator) []any {
		return []any{string(c.Office), string(c.User), int16(c.Profile), tsArg(c.AddedAt)}
	}
	b.members.table, b.members.cols = "collaborator_group_members", []string{"group_id", "user_id", "office_id"}
	b.members.row = func(m clientgroup.Member) []any { return []any{string(m.Group), string(m.User), string(m.Office)} }
	b.directs.table, b.directs.cols = "direct_assignments", []string{"client_group_id", "user_id", "office_id", "expires_at"}
	b.directs.row = func(a clientgroup.DirectAssignment) []any {
		return []any{string(a.ClientGroup), string(a.User), string(a.Office), tsArg(a.ExpiresAt)}
	}
	b.gassigns.table, b.gassigns.cols = "group_assignments", []string{"client_group_id", "collaborator_group_id", "office_id"}
	b.gassigns.row = func(a clientgroup.GroupAssignment) []any {
		return []any{string(a.ClientGroup), string(a.CollaboratorGroup), string(a.Office)}
	}
	b.dossiers.table, b.dossiers.cols = "dossiers", []string{"id", "office_id", "name", "status", "manager_id", "assigned", "created_by", "created_at"}
	b.dossiers.row = func(d access.Dossier) []any {
		a, _ := jsonArg(d.Assigned) // a list of strings always encodes
		return []any{string(d.ID), string(d.Office), d.Name, int16(d.Status), string(d.Manager), a, string(d.CreatedBy), tsArg(d.CreatedAt)}
	}
	b.placements.table, b.placements.cols = "placements", []string{"dossier_id", "office_id", "client_group_id"}
	b.placements.row = func(p clientgroup.Placement) []any {
		return []any{string(p.Dossier), string(p.Office), string(p.ClientGroup)}
	}
	b.persons.table, b.persons.cols = "persons", []string{"id", "dossier_id", "name", "relation", "created_at"}
	b.persons.row = func(p access.Person) []any {
		return []any{string(p.ID), string(p.Dossier), p.Name, int16(p.Relation), tsArg(p.CreatedAt)}
	}
	b.users.table, b.users.cols = "users", []string{"id", "display_name", "email", "email_key", "created_at"}
	b.users.row = func(u cabinet.User) []any {
		return []any{string(u.ID), u.DisplayName, u.Email, cabinet.EmailKey(u.Email), tsArg(u.CreatedAt)}
	}
	b.grants.table, b.grants.cols = "grants", []string{"id", "dossier_id", "office_id", "kind", "person_id", "advisor_id", "central",
		"email", "email_key", "phone", "level", "user_id", "granted_by", "granted_at", "invited_at", "reminders", "awaiting_account", "expires_at"}
	b.grants.row = func(g access.Grant) []any {
		return []any{string(g.ID), string(g.Dossier), string(g.Office), int16(g.Kind), string(g.Person), string(g.Advisor), g.Central,
			g.Email, cabinet.EmailKey(g.Email), g.Phone, int16(g.Level), string(g.User), string(g.GrantedBy),
			tsArg(g.GrantedAt), tsArg(g.InvitedAt), int16(g.Reminders), g.AwaitingAccount(), tsArg(g.ExpiresAt)}
	}
	b.teams.table, b.teams.cols = "teams", []string{"id", "name", "personal", "pending", "owner_id", "lead_id", "created_by", "created_at", "members", "first_team"}
	b.teams.row = func(tm team.Team) []any {
		members, _ := jsonArg(mapSlice(tm.Members, func(m team.Member) memberJSON { // a list of plain values always encodes
			return memberJSON{User: m.User, Role: m.Role, JoinedAt: jtime(m.JoinedAt)}
		}))
		return []any{string(tm.ID), tm.Name, tm.Personal, tm.Pending, string(tm.Owner), string(tm.Lead), string(tm.CreatedBy),
			tsArg(tm.CreatedAt), members, string(tm.FirstTeam)}
	}
	b.personsOf.key = func(p access.Person) string { return string(p.ID) }
	b.grantsOf.key = func(g access.Grant) string { return string(g.ID) }
	b.forget()
	return b
}

// forget drops everything the transaction knew (not the queues).
func (b *bulkState) forget() {
	b.users.forget()
	b.offices.forget()
	b.groups.forget()
	b.cgroups.forget()
	b.collabs.forget()
	b.members.forget()
	b.directs.forget()
	b.gassigns.forget()
	b.dossiers.forget()
	b.placements.forget()
	b.persons.forget()
	b.grants.forget()
	b.byEmail.forget()
	b.grantOf.forget()
	b.personsOf.m = map[string][]access.Person{}
	b.grantsOf.m = map[string][]access.Grant{}
	b.teams.forget()
	b.personal.forget()
	b.none.referrals, b.none.grants, b.none.contacts, b.none.cases = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
}

// take empties the queues and returns what they held, in the order the
// COPYs must run (a row's parent before it), followed by the rows of
// dossier_assigned and team_members that the taken dossiers and teams
// imply.
func (b *bulkState) take() []pending {
	dossiers, teams := b.dossiers.queue, b.teams.queue
	var out []pending
	for _, q := range []interface{ take() pending }{&b.users, &b.teams, &b.groups, &b.cgroups, &b.collabs, &b.members,
		&b.directs, &b.gassigns, &b.dossiers, &b.placements, &b.persons, &b.grants} {
		if p := q.take(); p != nil {
			out = append(out, p)
		}
	}
	if len(teams) > 0 {
		out = append(out, derivedRows{table: "team_members", cols: []string{"team_id", "user_id"}, rows: func() [][]any {
			var members [][]any
			for _, tm := range teams {
				seen := make(map[cabinet.UserID]bool, len(tm.Members))
				for _, m := range tm.Members {
					if !seen[m.User] { // as INSERT … ON CONFLICT DO NOTHING
						seen[m.User] = true
						members = append(members, []any{string(tm.ID), string(m.User)})
					}
				}
			}
			return members
		}})
	}
	if len(dossiers) > 0 {
		out = append(out, derivedRows{table: "dossier_assigned", cols: []string{"dossier_id", "user_id"}, rows: func() [][]any {
			var assigned [][]any
			for _, d := range dossiers {
				for i, u := range d.Assigned {
					if !slices.Contains(d.Assigned[:i], u) { // as INSERT … ON CONFLICT DO NOTHING
						assigned = append(assigned, []any{string(d.ID), string(u)})
					}
				}
			}
			return assigned
		}})
	}
	b.n = 0
	return out
}

func (b *bulkState) queued() bool {
	return len(b.groups.queue)+len(b.cgroups.queue)+len(b.collabs.queue)+len(b.members.queue)+len(b.directs.queue)+
		len(b.gassigns.queue)+len(b.dossiers.queue)+len(b.placements.queue)+len(b.persons.queue)+
		len(b.users.queue)+len(b.grants.queue)+len(b.teams.queue) > 0
}

// lookup answers the lookup of k (parent: see kept.known) from what bulk
// mode keeps in the table pick selects, as getOne would (kind and display
// name a record not found); it asks PostgreSQL with load otherwise, and
// keeps the answer.
func lookup[K comparable, V any](ctx context.Context, t *txn, pick func(*bulkState) *kept[K, V], k K, parent, kind, display string,
	load func() (V, error)) (V, error) {
	if t.bulk != nil {
		if v, found, ok := pick(t.bulk).known(k, parent); ok {
			var zero V
			if err := t.ready(ctx); err != nil {
				return zero, err
			}
			if !found {
				return zero, cabinet.NotFound(kind, display)
			}
			return v, nil
		}
	}
	v, err := load()
	if t.bulk != nil {
		switch c := pick(t.bulk); {
		case err == nil:
			c.rows[k] = &v
		case errors.Is(err, cabinet.ErrNotFound):
			c.rows[k] = nil
		}
	}
	return v, err
}

// putNew puts v, of key k, with write — or, in bulk mode, queues it for
// COPY when the table pick selects has a queue and v's key is known to be
// absent, recording the keys write would (there was no row before). Either
// way bulk mode then knows v.
func putNew[K comparable, V keyed](t *txn, pick func(*bulkState) *kept[K, V], k K, parent string, v V, write func() error) error {
	if t.bulk != nil {
		if !t.open { // as Emit: a transaction kept past its function takes no write
			return cabinet.Invalid("tx", "is read-only or no longer open")
		}
		c := pick(t.bulk)
		if _, found, ok := c.known(k, parent); ok && !found && c.table != "" {
			c.queue = append(c.queue, v)
			c.rows[k] = &v
			t.keys = append(t.keys, v.Keys()...)
			t.wrote = true
			t.enqueued()
			return nil
		}
	}
	if err := write(); err != nil {
		return err
	}
	if t.bulk != nil {
		pick(t.bulk).rows[k] = &v
	}
	return nil
}

// readAhead reads what want names, in one round trip, into b.
func (b *bulkState) readAhead(ctx context.Context, t *txn, want *wanted) error {
	users, offices, groups, assigned := keys(want.users), keys(want.offices), keys(want.groups), keys(want.assigned)
	cgroups, dossiers, persons := keys(want.cgroups), keys(want.dossiers), keys(want.persons)
	grants, emails, teams := keys(want.grants), keys(want.emails), keys(want.teams)
	for _, t := range teams {
		b.teams.rows[cabinet.TeamID(t)] = nil
	}
	for _, e := range emails {
		b.none.referrals[e], b.none.grants[e], b.none.contacts[e], b.none.cases[e] = true, true, true, true
	}
	for _, g := range grants {
		b.grants.rows[access.GrantID(g)] = nil
	}
	for _, e := range emails {
		b.byEmail.rows[e] = nil
	}
	for _, u := range users {
		b.users.rows[cabinet.UserID(u)] = nil
		b.personal.rows[cabinet.UserID(u)] = nil
	}
	collabUsers := keys(want.collabUsers)
	for _, u := range collabUsers {
		b.collabs.complete[u] = true
	}
	for _, o := range offices {
		b.offices.rows[cabinet.OfficeID(o)] = nil
	}
	for _, g := range groups {
		b.groups.rows[cabinet.ClientGroupID(g)] = nil
	}
	for _, g := range assigned {
		b.directs.complete[g], b.gassigns.complete[g] = true, true
	}
	for _, g := range cgroups {
		b.cgroups.rows[cabinet.CollaboratorGroupID(g)] = nil
		b.members.complete[g] = true
	}
	for _, d := range dossiers {
		b.dossiers.rows[cabinet.DossierID(d)] = nil
		b.placements.rows[cabinet.DossierID(d)] = nil
		b.personsOf.m[d], b.grantsOf.m[d] = nil, nil
	}
	for _, p := range persons {
		b.persons.rows[access.PersonID(p)] = nil
		b.grantOf.rows[access.PersonID(p)] = nil
	}
	type read struct {
		q    string
		ids  []string
		scan func(scanner) error
	}
	reads := []read{
		{`SELECT ` + userCols + ` FROM {schema}.users WHERE id = ANY ($1::text[])`, users, func(r scanner) error {
			u, err := scanUser(r)
			b.users.rows[u.ID] = &u
			return err
		}},
		{`SELECT ` + collaboratorCols + ` FROM {schema}.collaborators WHERE user_id = ANY ($1::text[])`, collabUsers, func(r scanner) error {
			c, err := scanCollaborator(r)
			b.collabs.rows[collabKey{c.Office, c.User}] = &c
			return err
		}},
		{`SELECT ` + officeCols + ` FROM {schema}.offices WHERE id = ANY ($1::text[])`, offices, func(r scanner) error {
			o, err := scanOffice(r)
			b.offices.rows[o.ID] = &o
			return err
		}},
		{`SELECT ` + clientGroupCols + ` FROM {schema}.client_groups WHERE id = ANY ($1::text[])`, groups, func(r scanner) error {
			g, err := scanClientGroup(r)
			b.groups.rows[g.ID] = &g
			return err
		}},
		{`SELECT ` + directCols + ` FROM {schema}.direct_assignments WHERE client_group_id = ANY ($1::text[])`, assigned, func(r scanner) error {
			a, err := scanDirect(r)
			b.directs.rows[directKey{a.ClientGroup, a.User}] = &a
			return err
		}},
		{`SELECT ` + groupAssignmentCols + ` FROM {schema}.group_assignments WHERE client_group_id = ANY ($1::text[])`, assigned, func(r scanner) error {
			a, err := scanGroupAssignment(r)
			b.gassigns.rows[gassignKey{a.ClientGroup, a.CollaboratorGroup}] = &a
			return err
		}},
		{`SELECT ` + cgroupCols + ` FROM {schema}.collaborator_groups WHERE id = ANY ($1::text[])`, cgroups, func(r scanner) error {
			g, err := scanCollaboratorGroup(r)
			b.cgroups.rows[g.ID] = &g
			return err
		}},
		{`SELECT ` + memberCols + ` FROM {schema}.collaborator_group_members WHERE group_id = ANY ($1::text[])`, cgroups, func(r scanner) error {
			m, err := scanMember(r)
			b.members.rows[memberKey{m.Group, m.User}] = &m
			return err
		}},
		{`SELECT ` + dossierCols + ` FROM {schema}.dossiers WHERE id = ANY ($1::text[])`, dossiers, func(r scanner) error {
			d, err := scanDossier(r)
			b.dossiers.rows[d.ID] = &d
			return err
		}},
		{`SELECT ` + placementCols + ` FROM {schema}.placements WHERE dossier_id = ANY ($1::text[])`, dossiers, func(r scanner) error {
			p, err := scanPlacement(r)
			b.placements.rows[p.Dossier] = &p
			return err
		}},
		{`SELECT ` + personCols + ` FROM {schema}.persons WHERE id = ANY ($1::text[])`, persons, func(r scanner) error {
			p, err := scanPerson(r)
			b.persons.rows[p.ID] = &p
			return err
		}},
		{`SELECT ` + personCols + ` FROM {schema}.persons WHERE dossier_id = ANY ($1::text[])`, dossiers, func(r scanner) error {
			p, err := scanPerson(r)
			b.personsOf.m[string(p.Dossier)] = append(b.personsOf.m[string(p.Dossier)], p)
			return err
		}},
		{`SELECT ` + grantCols + ` FROM {schema}.grants WHERE dossier_id = ANY ($1::text[])`, dossiers, func(r scanner) error {
			g, err := scanGrant(r)
			b.grantsOf.m[string(g.Dossier)] = append(b.grantsOf.m[string(g.Dossier)], g)
			return err
		}},
		{`SELECT ` + grantCols + ` FROM {schema}.grants WHERE id = ANY ($1::text[])`, grants, func(r scanner) error {
			g, err := scanGrant(r)
			b.grants.rows[g.ID] = &g
			return err
		}},
		{`SELECT ` + grantCols + ` FROM {schema}.grants WHERE person_id = ANY ($1::text[]) AND person_id <> ''`, persons, func(r scanner) error {
			g, err := scanGrant(r)
			b.grantOf.rows[g.Person] = &g
			return err
		}},
		{`SELECT ` + teamCols + ` FROM {schema}.teams WHERE id = ANY ($1::text[])`, teams, func(r scanner) error {
			t, err := scanTeam(r)
			b.teams.rows[t.ID] = &t
			return err
		}},
		{`SELECT ` + teamCols + ` FROM {schema}.teams WHERE owner_id = ANY ($1::text[]) AND personal`, users, func(r scanner) error {
			t, err := scanTeam(r)
			b.personal.rows[t.Owner] = &t
			return err
		}},
		{`SELECT DISTINCT client_email_key FROM {schema}.referrals WHERE client_email_key = ANY ($1::text[])`, emails, func(r scanner) error {
			var k string
			err := r.Scan(&k)
			delete(b.none.referrals, k)
			return err
		}},
		{`SELECT DISTINCT email_key FROM {schema}.grants WHERE email_key = ANY ($1::text[])`, emails, func(r scanner) error {
			var k string
			err := r.Scan(&k)
			delete(b.none.grants, k)
			return err
		}},
		{`SELECT DISTINCT email_key FROM {schema}.contacts WHERE email_key = ANY ($1::text[]) AND email_key <> ''`, emails, func(r scanner) error {
			var k string
			err := r.Scan(&k)
			delete(b.none.contacts, k)
			return err
		}},
		{`SELECT DISTINCT email_key FROM {schema}.case_seats WHERE email_key = ANY ($1::text[])`, emails, func(r scanner) error {
			var k string
			err := r.Scan(&k)
			delete(b.none.cases, k)
			return err
		}},
		{`SELECT ` + userCols + `, email_key FROM {schema}.users WHERE email_key = ANY ($1::text[])`, emails, func(r scanner) error {
			var u cabinet.User
			var created pgtype.Timestamptz
			var key string
			err := r.Scan(&u.ID, &u.DisplayName, &u.Email, &created, &key)
			u.CreatedAt = tsVal(created)
			b.byEmail.rows[key] = &u
			return err
		}},
	}
	reads = slices.DeleteFunc(reads, func(r read) bool { return len(r.ids) == 0 })
	if len(reads) == 0 {
		return nil
	}
	pb := &pgx.Batch{}
	for _, r := range reads {
		pb.Queue(t.s.sql(r.q), r.ids)
	}
	br := t.tx.SendBatch(ctx, pb)
	var err error
	for _, r := range reads {
		if err != nil {
			break
		}
		var rows pgx.Rows
		if rows, err = br.Query(); err != nil {
			break
		}
		for rows.Next() {
			if err = r.scan(rows); err != nil {
				break
			}
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return t.fail(err)
	}
	return nil
}

// bulkCopyEvery is the number of records queued in bulk mode after which
// the transaction writes them with COPY in the background.
const bulkCopyEvery = 2048

// enqueued counts a record just queued in bulk mode. Every bulkCopyEvery
// records it writes the queues with COPY in a goroutine, while the
// transaction goes on (the importer checks the next records, answered from
// what bulk mode keeps): one background COPY at a time — while one runs,
// the records queue on and go with the next. The transaction's connection
// is the goroutine's until waitBulk has seen it end, which every statement
// of the transaction, its commit and its rollback wait for first.
//
// Decision: overlapping the COPYs with the checks (issue 15) takes the
// server's time to write a batch's rows off the importer's path; a COPY
// error fails the transaction as a COPY run in line would, at the next
// wait.
func (t *txn) enqueued() {
	b := t.bulk
	b.n++
	if b.n < bulkCopyEvery {
		return
	}
	if t.copying != nil {
		select {
		case err := <-t.copying:
			t.copying = nil
			if err != nil {
				t.fail(err)
			}
		default:
			return // the last one still runs: these go with the next
		}
	}
	if t.failed != nil {
		return
	}
	ps := b.take()
	done := make(chan error, 1)
	t.copying = done
	ctx, tx, schema := t.ctx, t.tx, t.s.cfg.schema
	go func() { done <- writeTaken(ctx, tx, schema, ps) }()
}

// waitBulk waits for the background COPY (enqueued), if one runs, and
// returns its error, which fails the transaction.
func (t *txn) waitBulk() error {
	if t.copying == nil {
		return nil
	}
	err := <-t.copying
	t.copying = nil
	if err != nil {
		return t.fail(err)
	}
	return nil
}

// flushBulk writes the queued records, with COPY, one round trip per table,
// after the background COPY. It runs before any statement reaches
// PostgreSQL in bulk mode, so that every read sees the transaction's
// writes.
func (t *txn) flushBulk(ctx context.Context) error {
	if err := t.waitBulk(); err != nil {
		return err
	}
	b := t.bulk
	if b == nil || !b.queued() {
		return nil
	}
	if t.failed != nil {
		return t.failed
	}
	if err := writeTaken(ctx, t.tx, t.s.cfg.schema, b.take()); err != nil {
		return t.fail(err)
	}
	return nil
}

// The tables bulk mode keeps, for lookup and putNew.
func bulkUsers(b *bulkState) *kept[cabinet.UserID, cabinet.User]                    { return &b.users }
func bulkOffices(b *bulkState) *kept[cabinet.OfficeID, clientgroup.Office]          { return &b.offices }
func bulkGroups(b *bulkState) *kept[cabinet.ClientGroupID, clientgroup.ClientGroup] { return &b.groups }
func bulkCGroups(b *bulkState) *kept[cabinet.CollaboratorGroupID, clientgroup.CollaboratorGroup] {
	return &b.cgroups
}
func bulkCollabs(b *bulkState) *kept[collabKey, clientgroup.Collaborator]     { return &b.collabs }
func bulkMembers(b *bulkState) *kept[memberKey, clientgroup.Member]           { return &b.members }
func bulkDirects(b *bulkState) *kept[directKey, clientgroup.DirectAssignment] { return &b.directs }
func bulkGAssigns(b *bulkState) *kept[gassignKey, clientgroup.GroupAssignment] {
	return &b.gassigns
}
func bulkDossiers(b *bulkState) *kept[cabinet.DossierID, access.Dossier] { return &b.dossiers }
func bulkPlacements(b *bulkState) *kept[cabinet.DossierID, clientgroup.Placement] {
	return &b.placements
}
func bulkPersons(b *bulkState) *kept[access.PersonID, access.Person] { return &b.persons }
func bulkGrants(b *bulkState) *kept[access.GrantID, access.Grant]    { return &b.grants }
func bulkByEmail(b *bulkState) *kept[string, cabinet.User]           { return &b.byEmail }
func bulkGrantOf(b *bulkState) *kept[access.PersonID, access.Grant]  { return &b.grantOf }

// absent reports whether c knows k (of parent) to be absent.
func (c *kept[K, V]) absent(k K, parent string) bool {
	_, found, ok := c.known(k, parent)
	return ok && !found
}

// grantFree reports whether g is a new grant to a person that bulk mode
// knows to break none of the unique indexes PutGrant checks: no grant with
// its ID, none to its person, and none on its dossier with its email key
// or its account. Anything else goes through PutGrant's own checks.
func (b *bulkState) grantFree(g access.Grant) bool {
	if g.Person == "" || g.Advisor != "" || !b.grants.absent(g.ID, "") || !b.grantOf.absent(g.Person, "") {
		return false
	}
	on, ok := b.grantsOf.m[string(g.Dossier)]
	if !ok {
		return false
	}
	key := cabinet.EmailKey(g.Email)
	for _, o := range on {
		if o.ID != g.ID && (key != "" && cabinet.EmailKey(o.Email) == key || g.User != "" && o.User == g.User) {
			return false
		}
	}
	return true
}
func bulkTeams(b *bulkState) *kept[cabinet.TeamID, team.Team]    { return &b.teams }
func bulkPersonal(b *bulkState) *kept[cabinet.UserID, team.Team] { return &b.personal }

// none reports whether bulk mode knows that no row of the table set
// selects holds email key key.
func (t *txn) none(set func(*bulkState) map[string]bool, key string) bool {
	return t.bulk != nil && set(t.bulk)[key]
}

// noneCursor returns the error list gives for cursor after on an empty
// listing: an *cabinet.InvalidError for a cursor no key can be.
func noneCursor(after cabinet.Cursor) error {
	if !storable(string(after)) {
		return cabinet.Invalid("after", "is not a cursor of this listing")
	}
	return nil
}
