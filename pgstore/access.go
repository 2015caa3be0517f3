package pgstore

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

var _ access.Store = (*Store)(nil)

// ViewAccess implements access.Store: fn reads one REPEATABLE READ snapshot.
func (s *Store) ViewAccess(ctx context.Context, fn func(r access.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(accessTx{t}) })
}

// UpdateAccess implements access.Store: fn runs in one SERIALIZABLE
// transaction, and may run more than once (see the package doc).
func (s *Store) UpdateAccess(ctx context.Context, fn func(w access.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(accessTx{t}) })
}

// accessTx is the access package's reader and writer over a transaction.
type accessTx struct{ *txn }

// AccessReader implements access.Store: the access records of tx, an open
// transaction (View or Update) of this store.
func (s *Store) AccessReader(tx cabinet.Tx) (access.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return accessTx{t}, nil
}

// AccessWriter implements access.Store: the access records of tx, an open write
// transaction of this store.
func (s *Store) AccessWriter(tx cabinet.Tx) (access.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return accessTx{t}, nil
}

// Tx implements access.Reader: the transaction of this reader.
func (w accessTx) Tx() cabinet.Tx { return w.txn }

// Dossiers.

const dossierCols = `id, office_id, name, status, manager_id, assigned, created_by, created_at`

func scanDossier(r scanner) (access.Dossier, error) {
	var d access.Dossier
	var status int16
	var assigned []byte
	var created pgtype.Timestamptz
	if err := r.Scan(&d.ID, &d.Office, &d.Name, &status, &d.Manager, &assigned, &d.CreatedBy, &created); err != nil {
		return d, err
	}
	d.Status, d.CreatedAt = cabinet.DossierStatus(status), tsVal(created)
	var err error
	d.Assigned, err = jsonVal[cabinet.UserID](assigned)
	return d, err
}

const dossierByID = `SELECT ` + dossierCols + ` FROM {schema}.dossiers WHERE id = $1`

func (w accessTx) Dossier(ctx context.Context, id cabinet.DossierID) (access.Dossier, error) {
	d, err := lookup(ctx, w.txn, bulkDossiers, id, "", "dossier", string(id), func() (access.Dossier, error) {
		return getOne(ctx, w.txn, "dossier", string(id), dossierByID, []any{string(id)}, scanDossier)
	})
	d.Assigned = slices.Clone(d.Assigned) // the caller's own: bulk mode keeps d
	return d, err
}

func (w accessTx) Dossiers(ctx context.Context, f access.DossierFilter, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listDossiers(ctx, f, pg)
}

func (w accessTx) listDossiers(ctx context.Context, f access.DossierFilter, pg page) ([]access.Dossier, cabinet.Cursor, error) {
	q := &sel{cols: dossierCols, from: `{schema}.dossiers`, key: []string{"id"}}
	if f.Office != "" {
		q.eq("office_id", string(f.Office))
	}
	if f.Manager != "" {
		q.eq("manager_id", string(f.Manager))
	}
	if f.Assigned != "" {
		q.where(`id IN (SELECT dossier_id FROM {schema}.dossier_assigned WHERE user_id = ` + q.arg(string(f.Assigned)) + `)`)
	}
	if f.Status != cabinet.DossierStatusInvalid {
		q.eq("status", int16(f.Status))
	}
	return list(ctx, w.txn, q, pg, scanDossier, func(d access.Dossier) cabinet.Cursor { return keyCursor(string(d.ID)) })
}

func (w accessTx) PutDossier(ctx context.Context, d access.Dossier) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if d.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(d); err != nil {
		return err
	}
	assigned, err := jsonArg(d.Assigned)
	if err != nil {
		return err
	}
	users := make([]string, len(d.Assigned))
	for i, u := range d.Assigned {
		users[i] = string(u)
	}
	d.Assigned = slices.Clone(d.Assigned) // bulk mode keeps d
	return putNew(w.txn, bulkDossiers, d.ID, "", d, func() error { return w.putDossier(ctx, d, assigned, users) })
}

// putDossier writes d with its assigned rows (assigned: d.Assigned as
// jsonArg gives it; users: its IDs), after reading the row it replaces.
func (w accessTx) putDossier(ctx context.Context, d access.Dossier, assigned any, users []string) error {
	return put(ctx, w.txn, d, before(dossierByID, []any{string(d.ID)}, scanDossier),
		stmt{`INSERT INTO {schema}.dossiers (id, office_id, name, status, manager_id, assigned, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
			ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, status = EXCLUDED.status,
				manager_id = EXCLUDED.manager_id, assigned = EXCLUDED.assigned, created_by = EXCLUDED.created_by,
				created_at = EXCLUDED.created_at`,
			[]any{string(d.ID), string(d.Office), d.Name, int16(d.Status), string(d.Manager), assigned, string(d.CreatedBy), tsArg(d.CreatedAt)}},
		// dossier_assigned follows the assigned list: only the rows that
		// changed are written, so that a Put that keeps the list (a status
		// change) touches none of them.
		stmt{`DELETE FROM {schema}.dossier_assigned WHERE dossier_id = $1 AND NOT (user_id = ANY ($2::text[]))`,
			[]any{string(d.ID), users}},
		stmt{`INSERT INTO {schema}.dossier_assigned (dossier_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
			[]any{string(d.ID), users}},
	)
}

// Persons.

const personCols = `id, dossier_id, name, relation, created_at`

func scanPerson(r scanner) (access.Person, error) {
	var p access.Person
	var rel int16
	var created pgtype.Timestamptz
	err := r.Scan(&p.ID, &p.Dossier, &p.Name, &rel, &created)
	p.Relation, p.CreatedAt = access.Relation(rel), tsVal(created)
	return p, err
}

const personByID = `SELECT ` + personCols + ` FROM {schema}.persons WHERE id = $1`

func (w accessTx) Person(ctx context.Context, id access.PersonID) (access.Person, error) {
	return lookup(ctx, w.txn, bulkPersons, id, "", "person", string(id), func() (access.Person, error) {
		return getOne(ctx, w.txn, "person", string(id), personByID, []any{string(id)}, scanPerson)
	})
}

func (w accessTx) Persons(ctx context.Context, f access.PersonFilter, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if b := w.bulk; b != nil && f.Dossier != "" {
		if out, next, ok, err := b.personsOf.page(string(f.Dossier), pg); ok {
			return out, next, err
		}
	}
	return w.listPersons(ctx, f, pg)
}

func (w accessTx) listPersons(ctx context.Context, f access.PersonFilter, pg page) ([]access.Person, cabinet.Cursor, error) {
	q := &sel{cols: personCols, from: `{schema}.persons`, key: []string{"id"}}
	if f.Dossier != "" {
		q.eq("dossier_id", string(f.Dossier))
	}
	return list(ctx, w.txn, q, pg, scanPerson, func(p access.Person) cabinet.Cursor { return keyCursor(string(p.ID)) })
}

func (w accessTx) PutPerson(ctx context.Context, p access.Person) (err error) {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if p.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(p); err != nil {
		return err
	}
	if b := w.bulk; b != nil {
		fresh := b.persons.absent(p.ID, "")
		defer func() {
			switch {
			case err != nil:
			case fresh:
				b.personsOf.add(string(p.Dossier), p)
			default: // it may have left another dossier's tree
				b.personsOf.m = map[string][]access.Person{}
			}
		}()
	}
	return putNew(w.txn, bulkPersons, p.ID, "", p, func() error {
		return put(ctx, w.txn, p, before(personByID, []any{string(p.ID)}, scanPerson), stmt{`INSERT INTO {schema}.persons (id, dossier_id, name, relation, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET dossier_id = EXCLUDED.dossier_id, name = EXCLUDED.name,
			relation = EXCLUDED.relation, created_at = EXCLUDED.created_at`,
			[]any{string(p.ID), string(p.Dossier), p.Name, int16(p.Relation), tsArg(p.CreatedAt)}})
	})
}

func (w accessTx) DeletePerson(ctx context.Context, id access.PersonID) error {
	n, err := w.write(ctx, before(personByID, []any{string(id)}, scanPerson), nil,
		stmt{`DELETE FROM {schema}.persons WHERE id = $1`, []any{string(id)}})
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return cabinet.NotFound("person", id)
	}
	return nil
}

// Advisors.

const advisorCols = `id, dossier_id, name, email, phone, type, label, created_at`

func scanAdvisor(r scanner) (access.Advisor, error) {
	var a access.Advisor
	var typ int16
	var created pgtype.Timestamptz
	err := r.Scan(&a.ID, &a.Dossier, &a.Name, &a.Email, &a.Phone, &typ, &a.Label, &created)
	a.Type, a.CreatedAt = access.AdvisorType(typ), tsVal(created)
	return a, err
}

const advisorByID = `SELECT ` + advisorCols + ` FROM {schema}.advisors WHERE id = $1`

func (w accessTx) Advisor(ctx context.Context, id access.AdvisorID) (access.Advisor, error) {
	return getOne(ctx, w.txn, "advisor", string(id), advisorByID, []any{string(id)}, scanAdvisor)
}

func (w accessTx) Advisors(ctx context.Context, f access.AdvisorFilter, p cabinet.Page) ([]access.Advisor, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listAdvisors(ctx, f, pg)
}

func (w accessTx) listAdvisors(ctx context.Context, f access.AdvisorFilter, pg page) ([]access.Advisor, cabinet.Cursor, error) {
	q := &sel{cols: advisorCols, from: `{schema}.advisors`, key: []string{"id"}}
	if f.Dossier != "" {
		q.eq("dossier_id", string(f.Dossier))
	}
	return list(ctx, w.txn, q, pg, scanAdvisor, func(a access.Advisor) cabinet.Cursor { return keyCursor(string(a.ID)) })
}

func (w accessTx) PutAdvisor(ctx context.Context, a access.Advisor) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if a.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(a); err != nil {
		return err
	}
	return put(ctx, w.txn, a, before(advisorByID, []any{string(a.ID)}, scanAdvisor), stmt{`INSERT INTO {schema}.advisors (id, dossier_id, name, email, phone, type, label, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET dossier_id = EXCLUDED.dossier_id, name = EXCLUDED.name, email = EXCLUDED.email,
			phone = EXCLUDED.phone, type = EXCLUDED.type, label = EXCLUDED.label, created_at = EXCLUDED.created_at`,
		[]any{string(a.ID), string(a.Dossier), a.Name, a.Email, a.Phone, int16(a.Type), a.Label, tsArg(a.CreatedAt)}})
}

func (w accessTx) DeleteAdvisor(ctx context.Context, id access.AdvisorID) error {
	n, err := w.write(ctx, before(advisorByID, []any{string(id)}, scanAdvisor), nil,
		stmt{`DELETE FROM {schema}.advisors WHERE id = $1`, []any{string(id)}})
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return cabinet.NotFound("advisor", id)
	}
	return nil
}

// Grants.

const grantCols = `id, dossier_id, office_id, kind, person_id, advisor_id, central, email, phone, level,
	user_id, granted_by, granted_at, invited_at, reminders, expires_at`

func scanGrant(r scanner) (access.Grant, error) {
	var g access.Grant
	var kind, level, reminders int16
	var granted, invited, expires pgtype.Timestamptz
	err := r.Scan(&g.ID, &g.Dossier, &g.Office, &kind, &g.Person, &g.Advisor, &g.Central, &g.Email, &g.Phone, &level,
		&g.User, &g.GrantedBy, &granted, &invited, &reminders, &expires)
	g.Kind, g.Level, g.Reminders = access.GranteeKind(kind), access.Level(level), uint8(reminders)
	g.GrantedAt, g.InvitedAt, g.ExpiresAt = tsVal(granted), tsVal(invited), tsVal(expires)
	return g, err
}

const grantByID = `SELECT ` + grantCols + ` FROM {schema}.grants WHERE id = $1`

func (w accessTx) Grant(ctx context.Context, id access.GrantID) (access.Grant, error) {
	return lookup(ctx, w.txn, bulkGrants, id, "", "grant", string(id), func() (access.Grant, error) {
		return getOne(ctx, w.txn, "grant", string(id), grantByID, []any{string(id)}, scanGrant)
	})
}

func (w accessTx) GrantOfPerson(ctx context.Context, p access.PersonID) (access.Grant, error) {
	return lookup(ctx, w.txn, bulkGrantOf, p, "", "grant of person", string(p), func() (access.Grant, error) {
		return getOne(ctx, w.txn, "grant of person", string(p),
			`SELECT `+grantCols+` FROM {schema}.grants WHERE person_id = $1 AND person_id <> ''`, []any{string(p)}, scanGrant)
	})
}

func (w accessTx) GrantOfAdvisor(ctx context.Context, a access.AdvisorID) (access.Grant, error) {
	return getOne(ctx, w.txn, "grant of advisor", string(a),
		`SELECT `+grantCols+` FROM {schema}.grants WHERE advisor_id = $1 AND advisor_id <> ''`, []any{string(a)}, scanGrant)
}

func (w accessTx) Grants(ctx context.Context, f access.GrantFilter, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if f.Email != "" && f == (access.GrantFilter{Email: f.Email}) &&
		w.none(func(b *bulkState) map[string]bool { return b.none.grants }, cabinet.EmailKey(f.Email)) {
		return nil, "", noneCursor(pg.after)
	}
	if b := w.bulk; b != nil && f.Dossier != "" && f == (access.GrantFilter{Dossier: f.Dossier}) {
		if out, next, ok, err := b.grantsOf.page(string(f.Dossier), pg); ok {
			return out, next, err
		}
	}
	return w.listGrants(ctx, f, pg)
}

func (w accessTx) listGrants(ctx context.Context, f access.GrantFilter, pg page) ([]access.Grant, cabinet.Cursor, error) {
	q := &sel{cols: grantCols, from: `{schema}.grants`, key: []string{"id"}}
	if f.Dossier != "" {
		q.eq("dossier_id", string(f.Dossier))
	}
	if f.User != "" {
		q.eq("user_id", string(f.User))
	}
	if f.Email != "" {
		q.eq("email_key", cabinet.EmailKey(f.Email))
	}
	if f.AwaitingAccount {
		q.where("awaiting_account")
	}
	return list(ctx, w.txn, q, pg, scanGrant, func(g access.Grant) cabinet.Cursor { return keyCursor(string(g.ID)) })
}

func (w accessTx) PutGrant(ctx context.Context, g access.Grant) (err error) {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if g.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(g); err != nil {
		return err
	}
	if b := w.bulk; b != nil {
		delete(b.none.grants, cabinet.EmailKey(g.Email))
		if b.grantFree(g) {
			// A new grant that bulk mode knows breaks no unique index: COPY.
			b.grants.queue = append(b.grants.queue, g)
			b.grants.rows[g.ID] = &g
			b.grantOf.rows[g.Person] = &g
			b.grantsOf.add(string(g.Dossier), g)
			w.keys = append(w.keys, g.Keys()...)
			w.wrote = true
			w.enqueued()
			return nil
		}
		fresh := b.grants.absent(g.ID, "")
		defer func() {
			if err != nil {
				return
			}
			b.grants.rows[g.ID] = &g
			if fresh {
				if g.Person != "" {
					b.grantOf.rows[g.Person] = &g
				}
				b.grantsOf.add(string(g.Dossier), g)
			} else { // its person or dossier may have changed
				b.grantOf.forget()
				b.grantsOf.m = map[string][]access.Grant{}
			}
		}()
	}
	// One grant per person, one per advisor (ACC-4), one per email key and
	// one per account on a dossier (ACC-7 v2): the unique indexes hold
	// them; these checks name the grant in the way.
	var other string
	switch err := w.row(ctx, `SELECT id FROM {schema}.grants
			WHERE id <> $1 AND (person_id = $2 AND person_id <> '' OR advisor_id = $3 AND advisor_id <> '') LIMIT 1`,
		[]any{string(g.ID), string(g.Person), string(g.Advisor)}, &other); {
	case err == nil:
		return cabinet.Conflict("ACC-4", "the grantee of grant %s already has grant %s", g.ID, other)
	case !isNoRows(err):
		return err
	}
	key := cabinet.EmailKey(g.Email)
	switch err := w.row(ctx, `SELECT id FROM {schema}.grants
			WHERE dossier_id = $1 AND id <> $2 AND (email_key = $3 AND email_key <> '' OR user_id = $4 AND user_id <> '') LIMIT 1`,
		[]any{string(g.Dossier), string(g.ID), key, string(g.User)}, &other); {
	case err == nil:
		return cabinet.Conflict("ACC-7", "grant %s on dossier %s already has the email or the account of grant %s: one grant per email and per account on a dossier", other, g.Dossier, g.ID)
	case !isNoRows(err):
		return err
	}
	return put(ctx, w.txn, g, before(grantByID, []any{string(g.ID)}, scanGrant), stmt{`INSERT INTO {schema}.grants (id, dossier_id, office_id, kind, person_id, advisor_id, central,
			email, email_key, phone, level, user_id, granted_by, granted_at, invited_at, reminders, awaiting_account, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (id) DO UPDATE SET dossier_id = EXCLUDED.dossier_id, office_id = EXCLUDED.office_id, kind = EXCLUDED.kind,
			person_id = EXCLUDED.person_id, advisor_id = EXCLUDED.advisor_id, central = EXCLUDED.central,
			email = EXCLUDED.email, email_key = EXCLUDED.email_key, phone = EXCLUDED.phone, level = EXCLUDED.level,
			user_id = EXCLUDED.user_id, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at,
			invited_at = EXCLUDED.invited_at, reminders = EXCLUDED.reminders, awaiting_account = EXCLUDED.awaiting_account,
			expires_at = EXCLUDED.expires_at`,
		[]any{string(g.ID), string(g.Dossier), string(g.Office), int16(g.Kind), string(g.Person), string(g.Advisor), g.Central,
			g.Email, key, g.Phone, int16(g.Level), string(g.User), string(g.GrantedBy),
			tsArg(g.GrantedAt), tsArg(g.InvitedAt), int16(g.Reminders), g.AwaitingAccount(), tsArg(g.ExpiresAt)}})
}

func (w accessTx) DeleteGrant(ctx context.Context, id access.GrantID) error {
	n, err := w.write(ctx, before(grantByID, []any{string(id)}, scanGrant), nil,
		stmt{`DELETE FROM {schema}.grants WHERE id = $1`, []any{string(id)}})
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return cabinet.NotFound("grant", id)
	}
	return nil
}
