package pgstore

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/clientgroup"
)

var _ bulk.BatchPreparer = (*Store)(nil)

// PrepareBatch implements bulk.BatchPreparer: it puts tx, an open write
// transaction of this store, in bulk mode for the batch of an import.
//
// In bulk mode the transaction reads ahead, in one round trip, the records
// the batch's checks look up by key — its users, offices, client groups,
// the collaborator rows of its users, its dossiers, their placements and
// its persons — and keeps what it read, found or not, as the transaction
// sees it (a cache of the transaction's own snapshot, which every Put of
// those kinds through tx keeps up to date, and every Delete empties). A
// lookup it holds costs no round trip; one it does not goes to PostgreSQL
// and is kept too. A Put of a dossier, placement or person that the
// transaction knows to be absent is queued instead of written: the queue
// is written with COPY (one round trip per table) before the next
// statement that reaches PostgreSQL, and at the latest before the commit.
// Such a Put records the same change-log keys as the record-by-record path
// (the record's keys; there was no row before it), so the transaction
// commits exactly the rows and the change-log entry that the same Puts
// would have written one by one.
//
// A transaction in bulk mode is not run again on a serialization failure:
// its error goes back to the importer, which runs the batch again record
// by record (in an ordinary transaction, retried as usual), and that run
// names the record at fault.
//
// Decision: dossier_assigned rows exist only for a stored dossier
// (PutDossier is their only writer, and no dossier is ever deleted), so a
// queued new dossier writes its assigned rows with no delete of stale ones.
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
	var want wanted
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
	users, offices, groups, dossiers, persons []string
}

func (w *wanted) add(r bulk.Record) {
	switch r := r.(type) {
	case bulk.User:
		w.users = append(w.users, string(r.ID))
	case bulk.Office:
		w.offices = append(w.offices, string(r.ID))
		w.users = append(w.users, string(r.Admin))
	case bulk.Collaborator:
		w.offices = append(w.offices, string(r.Office))
		w.users = append(w.users, string(r.User))
	case bulk.Member:
		w.users = append(w.users, string(r.User))
	case bulk.ClientGroup:
		w.groups = append(w.groups, string(r.ID))
		w.offices = append(w.offices, string(r.Office))
	case bulk.DirectAssignment:
		w.groups = append(w.groups, string(r.ClientGroup))
		w.users = append(w.users, string(r.User))
	case bulk.GroupAssignment:
		w.groups = append(w.groups, string(r.ClientGroup))
	case bulk.Dossier:
		w.dossiers = append(w.dossiers, string(r.ID))
		w.offices = append(w.offices, string(r.Office))
		if r.Manager != "" {
			w.users = append(w.users, string(r.Manager))
		}
		for _, u := range r.Assigned {
			w.users = append(w.users, string(u))
		}
		if r.ClientGroup != "" {
			w.groups = append(w.groups, string(r.ClientGroup))
		}
	case bulk.Person:
		w.persons = append(w.persons, string(r.ID))
		w.dossiers = append(w.dossiers, string(r.Dossier))
	case bulk.Advisor:
		w.dossiers = append(w.dossiers, string(r.Dossier))
	case bulk.Grant:
		if r.Person != "" {
			w.persons = append(w.persons, string(r.Person))
		}
	case bulk.Consent:
		w.dossiers = append(w.dossiers, string(r.Dossier))
	case bulk.Referral:
		w.users = append(w.users, string(r.Referrer))
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

// collabKey is a collaborator's key.
type collabKey struct {
	office cabinet.OfficeID
	user   cabinet.UserID
}

// bulkState is a transaction's bulk mode: what it knows of the records of
// some kinds, and the new records queued for COPY. In a map, a nil value
// means "known to be absent"; a missing entry means "unknown".
type bulkState struct {
	users      map[cabinet.UserID]*cabinet.User
	offices    map[cabinet.OfficeID]*clientgroup.Office
	groups     map[cabinet.ClientGroupID]*clientgroup.ClientGroup
	collabs    map[collabKey]*clientgroup.Collaborator
	collabsOf  map[cabinet.UserID]bool // users whose every collaborator row is in collabs
	dossiers   map[cabinet.DossierID]*access.Dossier
	placements map[cabinet.DossierID]*clientgroup.Placement
	persons    map[access.PersonID]*access.Person

	qDossiers   []access.Dossier
	qPlacements []clientgroup.Placement
	qPersons    []access.Person
}

func newBulkState() *bulkState {
	b := &bulkState{}
	b.forget()
	return b
}

// forget drops everything the transaction knew (not the queue).
func (b *bulkState) forget() {
	b.users = map[cabinet.UserID]*cabinet.User{}
	b.offices = map[cabinet.OfficeID]*clientgroup.Office{}
	b.groups = map[cabinet.ClientGroupID]*clientgroup.ClientGroup{}
	b.collabs = map[collabKey]*clientgroup.Collaborator{}
	b.collabsOf = map[cabinet.UserID]bool{}
	b.dossiers = map[cabinet.DossierID]*access.Dossier{}
	b.placements = map[cabinet.DossierID]*clientgroup.Placement{}
	b.persons = map[access.PersonID]*access.Person{}
}

func (b *bulkState) queued() bool {
	return len(b.qDossiers)+len(b.qPlacements)+len(b.qPersons) > 0
}

// known returns what m knows of k: ok when it knows, found when the record
// exists (v is a copy of it).
func known[K comparable, V any](m map[K]*V, k K) (v V, found, ok bool) {
	p, ok := m[k]
	if !ok || p == nil {
		return v, false, ok
	}
	return *p, true, true
}

// absent reports whether m knows k to be absent.
func absent[K comparable, V any](m map[K]*V, k K) bool {
	p, ok := m[k]
	return ok && p == nil
}

// remember records in m what a lookup of k returned: the record, or a
// *cabinet.NotFoundError (absent); any other error records nothing.
func remember[K comparable, V any](m map[K]*V, k K, v V, err error) {
	switch {
	case err == nil:
		m[k] = &v
	case errors.Is(err, cabinet.ErrNotFound):
		m[k] = nil
	}
}

// readAhead reads what want names, in one round trip, into b.
func (b *bulkState) readAhead(ctx context.Context, t *txn, want *wanted) error {
	users, offices, groups := keys(want.users), keys(want.offices), keys(want.groups)
	dossiers, persons := keys(want.dossiers), keys(want.persons)
	for _, u := range users {
		b.users[cabinet.UserID(u)] = nil
		b.collabsOf[cabinet.UserID(u)] = true
	}
	for _, o := range offices {
		b.offices[cabinet.OfficeID(o)] = nil
	}
	for _, g := range groups {
		b.groups[cabinet.ClientGroupID(g)] = nil
	}
	for _, d := range dossiers {
		b.dossiers[cabinet.DossierID(d)] = nil
		b.placements[cabinet.DossierID(d)] = nil
	}
	for _, p := range persons {
		b.persons[access.PersonID(p)] = nil
	}
	type read struct {
		q    string
		ids  []string
		scan func(scanner) error
	}
	reads := []read{
		{`SELECT ` + userCols + ` FROM {schema}.users WHERE id = ANY ($1::text[])`, users, func(r scanner) error {
			u, err := scanUser(r)
			b.users[u.ID] = &u
			return err
		}},
		{`SELECT ` + collaboratorCols + ` FROM {schema}.collaborators WHERE user_id = ANY ($1::text[])`, users, func(r scanner) error {
			c, err := scanCollaborator(r)
			b.collabs[collabKey{c.Office, c.User}] = &c
			return err
		}},
		{`SELECT ` + officeCols + ` FROM {schema}.offices WHERE id = ANY ($1::text[])`, offices, func(r scanner) error {
			o, err := scanOffice(r)
			b.offices[o.ID] = &o
			return err
		}},
		{`SELECT ` + clientGroupCols + ` FROM {schema}.client_groups WHERE id = ANY ($1::text[])`, groups, func(r scanner) error {
			g, err := scanClientGroup(r)
			b.groups[g.ID] = &g
			return err
		}},
		{`SELECT ` + dossierCols + ` FROM {schema}.dossiers WHERE id = ANY ($1::text[])`, dossiers, func(r scanner) error {
			d, err := scanDossier(r)
			b.dossiers[d.ID] = &d
			return err
		}},
		{`SELECT ` + placementCols + ` FROM {schema}.placements WHERE dossier_id = ANY ($1::text[])`, dossiers, func(r scanner) error {
			p, err := scanPlacement(r)
			b.placements[p.Dossier] = &p
			return err
		}},
		{`SELECT ` + personCols + ` FROM {schema}.persons WHERE id = ANY ($1::text[])`, persons, func(r scanner) error {
			p, err := scanPerson(r)
			b.persons[p.ID] = &p
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

// flushBulk writes the queued records, with COPY, one round trip per table.
// It runs before any statement reaches PostgreSQL in bulk mode, so that
// every read sees the transaction's writes.
func (t *txn) flushBulk(ctx context.Context) error {
	b := t.bulk
	if b == nil || !b.queued() {
		return nil
	}
	if t.failed != nil {
		return t.failed
	}
	schema := t.s.cfg.schema
	var assigned [][]any
	dossiers := make([][]any, len(b.qDossiers))
	for i, d := range b.qDossiers {
		a, err := jsonArg(d.Assigned)
		if err != nil {
			return t.fail(err)
		}
		dossiers[i] = []any{string(d.ID), string(d.Office), d.Name, int16(d.Status), string(d.Manager), a, string(d.CreatedBy), tsArg(d.CreatedAt)}
		for _, u := range d.Assigned {
			assigned = append(assigned, []any{string(d.ID), string(u)})
		}
	}
	placements := make([][]any, len(b.qPlacements))
	for i, p := range b.qPlacements {
		placements[i] = []any{string(p.Dossier), string(p.Office), string(p.ClientGroup)}
	}
	persons := make([][]any, len(b.qPersons))
	for i, p := range b.qPersons {
		persons[i] = []any{string(p.ID), string(p.Dossier), p.Name, int16(p.Relation), tsArg(p.CreatedAt)}
	}
	b.qDossiers, b.qPlacements, b.qPersons = b.qDossiers[:0], b.qPlacements[:0], b.qPersons[:0]
	copies := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"dossiers", []string{"id", "office_id", "name", "status", "manager_id", "assigned", "created_by", "created_at"}, dossiers},
		{"dossier_assigned", []string{"dossier_id", "user_id"}, assigned},
		{"placements", []string{"dossier_id", "office_id", "client_group_id"}, placements},
		{"persons", []string{"id", "dossier_id", "name", "relation", "created_at"}, persons},
	}
	for _, c := range copies {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{schema, c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return t.fail(err)
		}
	}
	return nil
}

// queue records for the change log the keys of a new record queued for
// COPY, as a Put writing it at once would (no row before it).
func (t *txn) queue(keys []cabinet.Key) {
	t.keys = append(t.keys, keys...)
	t.wrote = true
}

// stored returns a pointer to a copy of v, for a bulkState map.
func stored[V any](v V) *V { return &v }

// answer returns what a lookup that bulk mode knows returns, as getOne
// would: ctx's or the transaction's error first, then v when it was found,
// else the *cabinet.NotFoundError of kind and display.
func answer[V any](ctx context.Context, t *txn, v V, found bool, kind, display string) (V, error) {
	var zero V
	if err := t.ready(ctx); err != nil {
		return zero, err
	}
	if !found {
		return zero, cabinet.NotFound(kind, display)
	}
	return v, nil
}
