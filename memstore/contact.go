package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

var _ contact.Store = (*Store)(nil)

// contactTables holds the contact package's rows.
type contactTables struct {
	contacts  *memdb.Table[cabinet.ContactID, contact.Contact]
	companies *memdb.Table[contact.CompanyID, contact.Company]
	projects  *memdb.Table[contact.ProjectID, contact.Project]
	decisions *memdb.Table[contact.DecisionID, contact.Decision]
	units     *memdb.Table[contact.UnitID, contact.Unit]
	sessions  *memdb.Table[contact.SessionID, contact.Session]
	// emailKey is the unique index (office, cabinet.EmailKey) → contact (CON-7).
	emailKey *memdb.Table[string, cabinet.ContactID]
	// byEmail indexes contacts of every office by cabinet.EmailKey.
	byEmail *memdb.Index[string, cabinet.ContactID]
}

func (t *contactTables) init() {
	t.contacts = memdb.NewTable[cabinet.ContactID, contact.Contact](nil)
	t.companies = memdb.NewTable[contact.CompanyID, contact.Company](nil)
	t.projects = memdb.NewTable[contact.ProjectID](func(p contact.Project) contact.Project {
		p.Partners = slices.Clone(p.Partners)
		return p
	})
	t.decisions = memdb.NewTable[contact.DecisionID](func(d contact.Decision) contact.Decision {
		d.Partners = slices.Clone(d.Partners)
		return d
	})
	t.units = memdb.NewTable[contact.UnitID](func(u contact.Unit) contact.Unit {
		u.Leads = slices.Clone(u.Leads)
		u.Buyers = slices.Clone(u.Buyers)
		return u
	})
	t.sessions = memdb.NewTable[contact.SessionID, contact.Session](nil)
	t.emailKey = memdb.NewTable[string, cabinet.ContactID](nil)
	t.byEmail = memdb.NewIndex[string, cabinet.ContactID]()
}

func conEmailKey(office cabinet.OfficeID, email string) string {
	return string(office) + "\x00" + cabinet.EmailKey(email)
}

// ViewContacts implements contact.Store.
func (s *Store) ViewContacts(ctx context.Context, fn func(r contact.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(s.contactReaderOf(t)) })
}

// UpdateContacts implements contact.Store. With RunTwice, fn runs twice.
func (s *Store) UpdateContacts(ctx context.Context, fn func(w contact.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(s.contactWriterOf(t)) })
}

// ContactReader implements contact.Store: the contact records of tx, an open
// transaction of this store.
func (s *Store) ContactReader(tx cabinet.Tx) (contact.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return s.contactReaderOf(t), nil
}

// ContactWriter implements contact.Store: the contact records of tx, an open
// write transaction of this store.
func (s *Store) ContactWriter(tx cabinet.Tx) (contact.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return s.contactWriterOf(t), nil
}

func (s *Store) contactReaderOf(t *txn) contactReader { return contactReader{t: &s.contact, x: t} }

func (s *Store) contactWriterOf(t *txn) contactWriter {
	return contactWriter{contactReader: s.contactReaderOf(t), tx: t.w}
}

type contactReader struct {
	t *contactTables
	x *txn
}

// Revision implements contact.Reader: the revision of the snapshot.
func (r contactReader) Revision() cabinet.Revision { return r.x.rev }

// Tx implements contact.Reader.
func (r contactReader) Tx() cabinet.Tx { return r.x }

type contactWriter struct {
	contactReader
	tx *memdb.Tx
}

func conGet[K ~string, V any](ctx context.Context, t *memdb.Table[K, V], kind string, id K) (V, error) {
	var zero V
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	v, ok := t.Get(id)
	if !ok {
		return zero, cabinet.NotFound(kind, id)
	}
	return v, nil
}

// conPage returns a page of the rows of t that match keep.
func conPage[K ~string, V any](ctx context.Context, t *memdb.Table[K, V], p cabinet.Page, keep func(V) bool) ([]V, cabinet.Cursor, error) {
	return page(ctx, t.View(), t.Get, keep, p)
}

func (r contactReader) Contact(ctx context.Context, id cabinet.ContactID) (contact.Contact, error) {
	return conGet(ctx, r.t.contacts, "contact", id)
}

func (r contactReader) ContactByEmail(ctx context.Context, office cabinet.OfficeID, email string) (contact.Contact, error) {
	if err := ctx.Err(); err != nil {
		return contact.Contact{}, err
	}
	id, ok := r.t.emailKey.Get(conEmailKey(office, email))
	if !ok || cabinet.EmailKey(email) == "" {
		return contact.Contact{}, cabinet.NotFound("contact email", cabinet.EmailKey(email))
	}
	return r.Contact(ctx, id)
}

func (r contactReader) ContactsByEmail(ctx context.Context, email string) ([]contact.Contact, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := cabinet.EmailKey(email)
	if key == "" {
		return nil, nil
	}
	var out []contact.Contact
	for id := range r.t.byEmail.View(key).All() {
		c, _ := r.t.contacts.Get(id)
		out = append(out, c)
	}
	return out, nil
}

func (r contactReader) ListContacts(ctx context.Context, f contact.ContactFilter, p cabinet.Page) ([]contact.Contact, cabinet.Cursor, error) {
	return conPage(ctx, r.t.contacts, p, f.Match)
}

func (r contactReader) Company(ctx context.Context, id contact.CompanyID) (contact.Company, error) {
	return conGet(ctx, r.t.companies, "company", id)
}

func conInOffice[V any](office cabinet.OfficeID, of func(V) cabinet.OfficeID) func(V) bool {
	return func(v V) bool { return office == "" || of(v) == office }
}

func (r contactReader) ListCompanies(ctx context.Context, office cabinet.OfficeID, p cabinet.Page) ([]contact.Company, cabinet.Cursor, error) {
	return conPage(ctx, r.t.companies, p, conInOffice(office, func(c contact.Company) cabinet.OfficeID { return c.Office }))
}

func (r contactReader) Project(ctx context.Context, id contact.ProjectID) (contact.Project, error) {
	return conGet(ctx, r.t.projects, "project", id)
}

func (r contactReader) ListProjects(ctx context.Context, f contact.PartnerFilter, p cabinet.Page) ([]contact.Project, cabinet.Cursor, error) {
	return conPage(ctx, r.t.projects, p, func(p contact.Project) bool { return f.Match(p.Office, p.Partners) })
}

func (r contactReader) Decision(ctx context.Context, id contact.DecisionID) (contact.Decision, error) {
	return conGet(ctx, r.t.decisions, "decision", id)
}

func (r contactReader) ListDecisions(ctx context.Context, f contact.PartnerFilter, p cabinet.Page) ([]contact.Decision, cabinet.Cursor, error) {
	return conPage(ctx, r.t.decisions, p, func(d contact.Decision) bool { return f.Match(d.Office, d.Partners) })
}

func (r contactReader) Unit(ctx context.Context, id contact.UnitID) (contact.Unit, error) {
	return conGet(ctx, r.t.units, "unit", id)
}

func (r contactReader) ListUnits(ctx context.Context, f contact.UnitFilter, p cabinet.Page) ([]contact.Unit, cabinet.Cursor, error) {
	return conPage(ctx, r.t.units, p, f.Match)
}

func (r contactReader) Session(ctx context.Context, id contact.SessionID) (contact.Session, error) {
	return conGet(ctx, r.t.sessions, "session", id)
}

func (r contactReader) ListSessions(ctx context.Context, f contact.SessionFilter, p cabinet.Page) ([]contact.Session, cabinet.Cursor, error) {
	return conPage(ctx, r.t.sessions, p, f.Match)
}

func conCheckID[K ~string](ctx context.Context, kind string, id K) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return cabinet.Invalid("id", "%s ID is required", kind)
	}
	return nil
}

func (w contactWriter) PutContact(ctx context.Context, c contact.Contact) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.contacts, c.ID, c)
	if err := conCheckID(ctx, "contact", c.ID); err != nil {
		return err
	}
	newKey := ""
	if cabinet.EmailKey(c.Email) != "" {
		newKey = conEmailKey(c.Office, c.Email)
		if other, ok := w.t.emailKey.Get(newKey); ok && other != c.ID {
			return cabinet.Conflict("CON-7", "email %s is already used by contact %s", c.Email, other)
		}
	}
	if old, ok := w.t.contacts.Get(c.ID); ok && cabinet.EmailKey(old.Email) != "" {
		oldKey := conEmailKey(old.Office, old.Email)
		if oldKey != newKey {
			w.t.emailKey.Delete(w.tx, oldKey)
		}
		w.t.byEmail.Remove(w.tx, cabinet.EmailKey(old.Email), c.ID)
	}
	if newKey != "" {
		w.t.emailKey.Put(w.tx, newKey, c.ID)
		w.t.byEmail.Add(w.tx, cabinet.EmailKey(c.Email), c.ID)
	}
	w.t.contacts.Put(w.tx, c.ID, c)
	return nil
}

func conPut[K cmp.Ordered, V any](ctx context.Context, tx *memdb.Tx, t *memdb.Table[K, V], kind string, id K, v V) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var zero K
	if id == zero {
		return cabinet.Invalid("id", "%s ID is required", kind)
	}
	t.Put(tx, id, v)
	return nil
}

func (w contactWriter) PutCompany(ctx context.Context, c contact.Company) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.companies, c.ID, c)
	return conPut(ctx, w.tx, w.t.companies, "company", c.ID, c)
}

func (w contactWriter) PutProject(ctx context.Context, p contact.Project) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.projects, p.ID, p)
	return conPut(ctx, w.tx, w.t.projects, "project", p.ID, p)
}

func (w contactWriter) PutDecision(ctx context.Context, d contact.Decision) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.decisions, d.ID, d)
	return conPut(ctx, w.tx, w.t.decisions, "decision", d.ID, d)
}

func (w contactWriter) PutUnit(ctx context.Context, u contact.Unit) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.units, u.ID, u)
	return conPut(ctx, w.tx, w.t.units, "unit", u.ID, u)
}

func (w contactWriter) PutSession(ctx context.Context, s contact.Session) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.sessions, s.ID, s)
	return conPut(ctx, w.tx, w.t.sessions, "session", s.ID, s)
}
