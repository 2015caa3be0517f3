package pgstore

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

var _ contact.Store = (*Store)(nil)

// ViewContacts implements contact.Store: fn reads one REPEATABLE READ
// snapshot.
func (s *Store) ViewContacts(ctx context.Context, fn func(r contact.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(contactTx{t}) })
}

// UpdateContacts implements contact.Store: fn runs in one SERIALIZABLE
// transaction, and may run more than once (see the package doc).
func (s *Store) UpdateContacts(ctx context.Context, fn func(w contact.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(contactTx{t}) })
}

// contactTx is the contact package's reader and writer over a transaction.
type contactTx struct{ *txn }

// ContactReader implements contact.Store: the contact records of tx, an open
// transaction (View or Update) of this store.
func (s *Store) ContactReader(tx cabinet.Tx) (contact.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return contactTx{t}, nil
}

// ContactWriter implements contact.Store: the contact records of tx, an open write
// transaction of this store.
func (s *Store) ContactWriter(tx cabinet.Tx) (contact.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return contactTx{t}, nil
}

// Tx implements contact.Reader: the transaction of this reader.
func (w contactTx) Tx() cabinet.Tx { return w.txn }

// idRequired is the *cabinet.InvalidError of a contact record without ID.
func idRequired[T ~string](kind string, id T) error {
	if id == "" {
		return cabinet.Invalid("id", "%s ID is required", kind)
	}
	return nil
}

// Contacts.

const contactCols = `id, office_id, kind, status, first_name, last_name, email, phone, company_id, user_id, archived,
	dossier_id, person_id, created_at, updated_at, invited_at`

const contactByID = `SELECT ` + contactCols + ` FROM {schema}.contacts WHERE id = $1`

func scanContact(r scanner) (contact.Contact, error) {
	var c contact.Contact
	var kind, status int16
	var created, updated, invited pgtype.Timestamptz
	err := r.Scan(&c.ID, &c.Office, &kind, &status, &c.FirstName, &c.LastName, &c.Email, &c.Phone, &c.Company, &c.User, &c.Archived,
		&c.Dossier, &c.Person, &created, &updated, &invited)
	c.Kind, c.Status = contact.Kind(kind), contact.Status(status)
	c.CreatedAt, c.UpdatedAt, c.InvitedAt = tsVal(created), tsVal(updated), tsVal(invited)
	return c, err
}

func (w contactTx) Contact(ctx context.Context, id cabinet.ContactID) (contact.Contact, error) {
	return getOne(ctx, w.txn, "contact", string(id),
		contactByID, []any{string(id)}, scanContact)
}

func (w contactTx) ContactByEmail(ctx context.Context, office cabinet.OfficeID, email string) (contact.Contact, error) {
	key := cabinet.EmailKey(email)
	if err := w.ready(ctx); err != nil {
		return contact.Contact{}, err
	}
	if key == "" {
		return contact.Contact{}, cabinet.NotFound("contact email", key)
	}
	return getOne(ctx, w.txn, "contact email", key,
		`SELECT `+contactCols+` FROM {schema}.contacts WHERE office_id = $1 AND email_key = $2 AND email_key <> ''`,
		[]any{string(office), key}, scanContact)
}

func (w contactTx) ContactsByEmail(ctx context.Context, email string) ([]contact.Contact, error) {
	if err := w.ready(ctx); err != nil {
		return nil, err
	}
	key := cabinet.EmailKey(email)
	if key == "" || !storable(key) {
		return nil, nil
	}
	if w.none(func(b *bulkState) map[string]bool { return b.none.contacts }, key) {
		return nil, nil
	}
	return queryAll(ctx, w.txn, `SELECT `+contactCols+` FROM {schema}.contacts
		WHERE email_key = $1 AND email_key <> '' ORDER BY id`, []any{key}, scanContact)
}

func (w contactTx) ListContacts(ctx context.Context, f contact.ContactFilter, p cabinet.Page) ([]contact.Contact, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listContacts(ctx, f, pg)
}

// listContacts implements contact.ContactFilter.Match in SQL. The search
// text is matched, with strpos, against the lower-cased copies of the three
// fields computed in Go at Put (strings.ToLower, as Match does), never with
// lower() or ILIKE, whose result would depend on the database's locale.
func (w contactTx) listContacts(ctx context.Context, f contact.ContactFilter, pg page) ([]contact.Contact, cabinet.Cursor, error) {
	q := &sel{cols: contactCols, from: `{schema}.contacts`, key: []string{"id"}}
	if f.Office != "" {
		q.eq("office_id", string(f.Office))
	}
	if f.Kind != contact.KindInvalid {
		q.eq("kind", int16(f.Kind))
	}
	if f.Status != contact.StatusInvalid {
		q.eq("status", int16(f.Status))
	}
	if f.Company != "" {
		q.eq("company_id", string(f.Company))
	}
	if f.Dossier != "" {
		q.where("dossier_id <> '' AND dossier_id = " + q.arg(string(f.Dossier)))
	}
	if f.Person != "" {
		q.where("person_id <> '' AND person_id = " + q.arg(string(f.Person)))
	}
	if !f.IncludeArchived {
		q.where("NOT archived")
	}
	if text := strings.ToLower(strings.TrimSpace(f.Text)); text != "" {
		p := q.arg(text)
		q.where("(strpos(first_name_search, " + p + ") > 0 OR strpos(last_name_search, " + p + ") > 0 OR strpos(email_search, " + p + ") > 0)")
	}
	return list(ctx, w.txn, q, pg, scanContact, func(c contact.Contact) cabinet.Cursor { return keyCursor(string(c.ID)) })
}

func (w contactTx) PutContact(ctx context.Context, c contact.Contact) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := idRequired("contact", c.ID); err != nil {
		return err
	}
	if err := checkStorable(c); err != nil {
		return err
	}
	key := cabinet.EmailKey(c.Email)
	if w.bulk != nil {
		delete(w.bulk.none.contacts, key)
	}
	if key != "" {
		// CON-7: the unique index holds it; this check names the contact.
		var other string
		switch err := w.row(ctx, `SELECT id FROM {schema}.contacts
				WHERE office_id = $1 AND email_key = $2 AND email_key <> '' AND id <> $3`,
			[]any{string(c.Office), key, string(c.ID)}, &other); {
		case err == nil:
			return cabinet.Conflict("CON-7", "email %s is already used by contact %s", c.Email, other)
		case !isNoRows(err):
			return err
		}
	}
	return put(ctx, w.txn, c, before(contactByID, []any{string(c.ID)}, scanContact), stmt{`INSERT INTO {schema}.contacts (id, office_id, kind, status, first_name, last_name, email,
			email_key, phone, company_id, user_id, archived, dossier_id, person_id, created_at, updated_at, invited_at,
			first_name_search, last_name_search, email_search)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, kind = EXCLUDED.kind, status = EXCLUDED.status,
			first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = EXCLUDED.email,
			email_key = EXCLUDED.email_key, phone = EXCLUDED.phone, company_id = EXCLUDED.company_id,
			user_id = EXCLUDED.user_id, archived = EXCLUDED.archived, dossier_id = EXCLUDED.dossier_id,
			person_id = EXCLUDED.person_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
			invited_at = EXCLUDED.invited_at, first_name_search = EXCLUDED.first_name_search,
			last_name_search = EXCLUDED.last_name_search, email_search = EXCLUDED.email_search`,
		[]any{string(c.ID), string(c.Office), int16(c.Kind), int16(c.Status), c.FirstName, c.LastName, c.Email,
			key, c.Phone, string(c.Company), string(c.User), c.Archived, string(c.Dossier), string(c.Person),
			tsArg(c.CreatedAt), tsArg(c.UpdatedAt), tsArg(c.InvitedAt),
			strings.ToLower(c.FirstName), strings.ToLower(c.LastName), strings.ToLower(c.Email)}})
}

// inOffice adds the office filter of the office-scoped listings ("" = every
// office).
func inOffice(q *sel, office cabinet.OfficeID) *sel {
	if office != "" {
		q.eq("office_id", string(office))
	}
	return q
}

// withPartner adds the condition that the jsonb list column col holds the
// contact id ("" = no condition), matched by containment, which the GIN
// index of the column serves. An ID that no row can hold matches nothing
// (and never reaches the database, which refuses a NUL in jsonb).
func withPartner(q *sel, col string, id cabinet.ContactID) *sel {
	switch {
	case id == "":
	case !storable(string(id)):
		q.empty = true
	default:
		b, _ := json.Marshal([]cabinet.ContactID{id}) // a list of valid strings always encodes
		q.where(col + " @> " + q.arg(string(b)) + "::jsonb")
	}
	return q
}

// Companies.

const companyCols = `id, office_id, name, created_at`

const companyByID = `SELECT ` + companyCols + ` FROM {schema}.companies WHERE id = $1`

func scanCompany(r scanner) (contact.Company, error) {
	var c contact.Company
	var created pgtype.Timestamptz
	err := r.Scan(&c.ID, &c.Office, &c.Name, &created)
	c.CreatedAt = tsVal(created)
	return c, err
}

func (w contactTx) Company(ctx context.Context, id contact.CompanyID) (contact.Company, error) {
	return getOne(ctx, w.txn, "company", string(id),
		companyByID, []any{string(id)}, scanCompany)
}

func (w contactTx) ListCompanies(ctx context.Context, office cabinet.OfficeID, p cabinet.Page) ([]contact.Company, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listCompanies(ctx, office, pg)
}

func (w contactTx) listCompanies(ctx context.Context, office cabinet.OfficeID, pg page) ([]contact.Company, cabinet.Cursor, error) {
	q := inOffice(&sel{cols: companyCols, from: `{schema}.companies`, key: []string{"id"}}, office)
	return list(ctx, w.txn, q, pg, scanCompany, func(c contact.Company) cabinet.Cursor { return keyCursor(string(c.ID)) })
}

func (w contactTx) PutCompany(ctx context.Context, c contact.Company) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := idRequired("company", c.ID); err != nil {
		return err
	}
	if err := checkStorable(c); err != nil {
		return err
	}
	return put(ctx, w.txn, c, before(companyByID, []any{string(c.ID)}, scanCompany), stmt{`INSERT INTO {schema}.companies (id, office_id, name, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, created_at = EXCLUDED.created_at`,
		[]any{string(c.ID), string(c.Office), c.Name, tsArg(c.CreatedAt)}})
}

// Projects.

const projectCols = `id, office_id, name, partners, created_at`

const projectByID = `SELECT ` + projectCols + ` FROM {schema}.projects WHERE id = $1`

func scanProject(r scanner) (contact.Project, error) {
	var p contact.Project
	var partners []byte
	var created pgtype.Timestamptz
	if err := r.Scan(&p.ID, &p.Office, &p.Name, &partners, &created); err != nil {
		return p, err
	}
	p.CreatedAt = tsVal(created)
	var err error
	p.Partners, err = jsonVal[cabinet.ContactID](partners)
	return p, err
}

func (w contactTx) Project(ctx context.Context, id contact.ProjectID) (contact.Project, error) {
	return getOne(ctx, w.txn, "project", string(id),
		projectByID, []any{string(id)}, scanProject)
}

func (w contactTx) ListProjects(ctx context.Context, f contact.PartnerFilter, p cabinet.Page) ([]contact.Project, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listProjects(ctx, f, pg)
}

func (w contactTx) listProjects(ctx context.Context, f contact.PartnerFilter, pg page) ([]contact.Project, cabinet.Cursor, error) {
	q := withPartner(inOffice(&sel{cols: projectCols, from: `{schema}.projects`, key: []string{"id"}}, f.Office), "partners", f.Partner)
	return list(ctx, w.txn, q, pg, scanProject, func(p contact.Project) cabinet.Cursor { return keyCursor(string(p.ID)) })
}

func (w contactTx) PutProject(ctx context.Context, p contact.Project) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := idRequired("project", p.ID); err != nil {
		return err
	}
	if err := checkStorable(p); err != nil {
		return err
	}
	partners, err := jsonArg(p.Partners)
	if err != nil {
		return err
	}
	return put(ctx, w.txn, p, before(projectByID, []any{string(p.ID)}, scanProject), stmt{`INSERT INTO {schema}.projects (id, office_id, name, partners, created_at)
		VALUES ($1, $2, $3, $4::jsonb, $5)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, partners = EXCLUDED.partners,
			created_at = EXCLUDED.created_at`,
		[]any{string(p.ID), string(p.Office), p.Name, partners, tsArg(p.CreatedAt)}})
}

// Decisions.

const decisionCols = `id, office_id, title, partners, created_at`

const decisionByID = `SELECT ` + decisionCols + ` FROM {schema}.decisions WHERE id = $1`

func scanDecision(r scanner) (contact.Decision, error) {
	var d contact.Decision
	var partners []byte
	var created pgtype.Timestamptz
	if err := r.Scan(&d.ID, &d.Office, &d.Title, &partners, &created); err != nil {
		return d, err
	}
	d.CreatedAt = tsVal(created)
	var err error
	d.Partners, err = jsonVal[cabinet.ContactID](partners)
	return d, err
}

func (w contactTx) Decision(ctx context.Context, id contact.DecisionID) (contact.Decision, error) {
	return getOne(ctx, w.txn, "decision", string(id),
		decisionByID, []any{string(id)}, scanDecision)
}

func (w contactTx) ListDecisions(ctx context.Context, f contact.PartnerFilter, p cabinet.Page) ([]contact.Decision, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listDecisions(ctx, f, pg)
}

func (w contactTx) listDecisions(ctx context.Context, f contact.PartnerFilter, pg page) ([]contact.Decision, cabinet.Cursor, error) {
	q := withPartner(inOffice(&sel{cols: decisionCols, from: `{schema}.decisions`, key: []string{"id"}}, f.Office), "partners", f.Partner)
	return list(ctx, w.txn, q, pg, scanDecision, func(d contact.Decision) cabinet.Cursor { return keyCursor(string(d.ID)) })
}

func (w contactTx) PutDecision(ctx context.Context, d contact.Decision) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := idRequired("decision", d.ID); err != nil {
		return err
	}
	if err := checkStorable(d); err != nil {
		return err
	}
	partners, err := jsonArg(d.Partners)
	if err != nil {
		return err
	}
	return put(ctx, w.txn, d, before(decisionByID, []any{string(d.ID)}, scanDecision), stmt{`INSERT INTO {schema}.decisions (id, office_id, title, partners, created_at)
		VALUES ($1, $2, $3, $4::jsonb, $5)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, title = EXCLUDED.title, partners = EXCLUDED.partners,
			created_at = EXCLUDED.created_at`,
		[]any{string(d.ID), string(d.Office), d.Title, partners, tsArg(d.CreatedAt)}})
}

// Units.

const unitCols = `id, office_id, name, status, leads, buyers, created_at, sold_at`

const unitByID = `SELECT ` + unitCols + ` FROM {schema}.units WHERE id = $1`

func scanUnit(r scanner) (contact.Unit, error) {
	var u contact.Unit
	var status int16
	var leads, buyers []byte
	var created, sold pgtype.Timestamptz
	if err := r.Scan(&u.ID, &u.Office, &u.Name, &status, &leads, &buyers, &created, &sold); err != nil {
		return u, err
	}
	u.Status, u.CreatedAt, u.SoldAt = contact.UnitStatus(status), tsVal(created), tsVal(sold)
	var err error
	if u.Leads, err = jsonVal[cabinet.ContactID](leads); err != nil {
		return u, err
	}
	u.Buyers, err = jsonVal[cabinet.ContactID](buyers)
	return u, err
}

func (w contactTx) Unit(ctx context.Context, id contact.UnitID) (contact.Unit, error) {
	return getOne(ctx, w.txn, "unit", string(id),
		unitByID, []any{string(id)}, scanUnit)
}

func (w contactTx) ListUnits(ctx context.Context, f contact.UnitFilter, p cabinet.Page) ([]contact.Unit, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listUnits(ctx, f, pg)
}

func (w contactTx) listUnits(ctx context.Context, f contact.UnitFilter, pg page) ([]contact.Unit, cabinet.Cursor, error) {
	q := withPartner(inOffice(&sel{cols: unitCols, from: `{schema}.units`, key: []string{"id"}}, f.Office), "leads", f.Lead)
	if f.Status != contact.UnitStatusInvalid {
		q.eq("status", int16(f.Status))
	}
	return list(ctx, w.txn, q, pg, scanUnit, func(u contact.Unit) cabinet.Cursor { return keyCursor(string(u.ID)) })
}

func (w contactTx) PutUnit(ctx context.Context, u contact.Unit) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := idRequired("unit", u.ID); err != nil {
		return err
	}
	if err := checkStorable(u); err != nil {
		return err
	}
	leads, err := jsonArg(u.Leads)
	if err != nil {
		return err
	}
	buyers, err := jsonArg(u.Buyers)
	if err != nil {
		return err
	}
	return put(ctx, w.txn, u, before(unitByID, []any{string(u.ID)}, scanUnit), stmt{`INSERT INTO {schema}.units (id, office_id, name, status, leads, buyers, created_at, sold_at)
		VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, status = EXCLUDED.status,
			leads = EXCLUDED.leads, buyers = EXCLUDED.buyers, created_at = EXCLUDED.created_at, sold_at = EXCLUDED.sold_at`,
		[]any{string(u.ID), string(u.Office), u.Name, int16(u.Status), leads, buyers, tsArg(u.CreatedAt), tsArg(u.SoldAt)}})
}

// Impersonation sessions (CON-6).

const sessionCols = `id, office_id, actor_id, contact_id, contact_user_id, started_at, expires_at, stopped_at`

const sessionByID = `SELECT ` + sessionCols + ` FROM {schema}.contact_sessions WHERE id = $1`

func scanSession(r scanner) (contact.Session, error) {
	var s contact.Session
	var started, expires, stopped pgtype.Timestamptz
	err := r.Scan(&s.ID, &s.Office, &s.Actor, &s.Contact, &s.ContactUser, &started, &expires, &stopped)
	s.StartedAt, s.ExpiresAt, s.StoppedAt = tsVal(started), tsVal(expires), tsVal(stopped)
	return s, err
}

func (w contactTx) Session(ctx context.Context, id contact.SessionID) (contact.Session, error) {
	return getOne(ctx, w.txn, "session", string(id),
		sessionByID, []any{string(id)}, scanSession)
}

func (w contactTx) ListSessions(ctx context.Context, f contact.SessionFilter, p cabinet.Page) ([]contact.Session, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listSessions(ctx, f, pg)
}

func (w contactTx) listSessions(ctx context.Context, f contact.SessionFilter, pg page) ([]contact.Session, cabinet.Cursor, error) {
	q := inOffice(&sel{cols: sessionCols, from: `{schema}.contact_sessions`, key: []string{"id"}}, f.Office)
	if f.Actor != "" {
		q.eq("actor_id", string(f.Actor))
	}
	if f.Contact != "" {
		q.eq("contact_id", string(f.Contact))
	}
	return list(ctx, w.txn, q, pg, scanSession, func(s contact.Session) cabinet.Cursor { return keyCursor(string(s.ID)) })
}

func (w contactTx) PutSession(ctx context.Context, s contact.Session) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if err := idRequired("session", s.ID); err != nil {
		return err
	}
	if err := checkStorable(s); err != nil {
		return err
	}
	return put(ctx, w.txn, s, before(sessionByID, []any{string(s.ID)}, scanSession), stmt{`INSERT INTO {schema}.contact_sessions
			(id, office_id, actor_id, contact_id, contact_user_id, started_at, expires_at, stopped_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, actor_id = EXCLUDED.actor_id,
			contact_id = EXCLUDED.contact_id, contact_user_id = EXCLUDED.contact_user_id, started_at = EXCLUDED.started_at,
			expires_at = EXCLUDED.expires_at, stopped_at = EXCLUDED.stopped_at`,
		[]any{string(s.ID), string(s.Office), string(s.Actor), string(s.Contact), string(s.ContactUser),
			tsArg(s.StartedAt), tsArg(s.ExpiresAt), tsArg(s.StoppedAt)}})
}
