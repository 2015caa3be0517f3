package memstore

import (
	"context"
	"encoding/binary"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

var _ access.Store = (*Store)(nil)

// accessTables holds the access package's rows. Dossiers, the largest
// table, are stored as dossierRows; the indexes by office, manager,
// assigned collaborator and user are keyed by Syms (sym.go).
type accessTables struct {
	dossiers       *memdb.Table[cabinet.DossierID, dossierRow]
	oddCreated     *memdb.Table[cabinet.DossierID, time.Time]  // CreatedAt of the rows whose createdAt is oddTime
	byOffice       *officeIndex[cabinet.DossierID, dossierRow] // byoffice.go
	byManager      *memdb.SymIndex[cabinet.DossierID]
	byAssigned     *memdb.SymIndex[cabinet.DossierID]
	persons        *memdb.Table[access.PersonID, access.Person]
	personsOf      *memdb.Index[cabinet.DossierID, access.PersonID]
	advisors       *memdb.Table[access.AdvisorID, access.Advisor]
	advisorsOf     *memdb.Index[cabinet.DossierID, access.AdvisorID]
	grants         *memdb.Table[access.GrantID, access.Grant]
	grantsOf       *memdb.Index[cabinet.DossierID, access.GrantID]
	grantsByUser   *memdb.SymIndex[access.GrantID]
	grantsByEmail  *memdb.Index[string, access.GrantID]
	grantByPerson  *memdb.Index[access.PersonID, access.GrantID]
	grantByAdvisor *memdb.Index[access.AdvisorID, access.GrantID]
	awaiting       *memdb.Index[uint8, access.GrantID] // key 1: grants awaiting an account
}

// dossierRow is an access.Dossier as the table stores it, keyed by its ID:
// 40 bytes against 136, the IDs it repeats interned, its assigned
// collaborators packed with its name in one string (data: the Syms of
// Assigned, 4 bytes each, then the name), so that the row holds one string
// header, not two, and a dossier with no assigned collaborator shares its
// name's bytes, its CreatedAt an instant (instant.go; an odd Time is in
// accessTables.oddCreated) (issue 15).
type dossierRow struct {
	data      string
	createdAt instant
	office    memdb.Sym
	manager   memdb.Sym
	createdBy memdb.Sym
	// nAssigned is the number of Syms at the start of data; manyAssigned
	// means that data starts with that number (4 bytes, little-endian),
	// then the Syms.
	nAssigned uint16
	status    cabinet.DossierStatus
	// emptyAssigned records an Assigned that was empty but not nil, so that
	// the dossier comes back as it went in.
	emptyAssigned bool
}

// noUsers is the empty, non-nil Assigned of EachDossier's dossiers (its
// capacity is 0: an append to it allocates).
var noUsers = []cabinet.UserID{}

// manyAssigned is dossierRow.nAssigned for a list too long for it.
const manyAssigned = 1<<16 - 1

func dossierRowOf(t *txn, d access.Dossier) dossierRow {
	r := dossierRow{
		data: d.Name, createdAt: instantOf(d.CreatedAt),
		office: intern(t, d.Office), manager: intern(t, d.Manager), createdBy: intern(t, d.CreatedBy),
		status: d.Status, emptyAssigned: d.Assigned != nil && len(d.Assigned) == 0,
	}
	if n := len(d.Assigned); n > 0 {
		var b strings.Builder
		b.Grow(4 + 4*n + len(d.Name))
		if n < manyAssigned {
			r.nAssigned = uint16(n)
		} else {
			r.nAssigned = manyAssigned
			b.Write(binary.LittleEndian.AppendUint32(nil, uint32(n)))
		}
		appendSyms(t, &b, d.Assigned)
		b.WriteString(d.Name)
		r.data = b.String()
	}
	return r
}

// split returns the Syms of the dossier's assigned collaborators and its
// name.
func (r *dossierRow) split() (symList, string) {
	start, n := 0, int(r.nAssigned)
	if r.nAssigned == manyAssigned {
		start, n = 4, int(symList(r.data[:4]).at(0))
	}
	end := start + 4*n
	return symList(r.data[start:end]), r.data[end:]
}

// assigned returns the Syms of the dossier's assigned collaborators.
func (r *dossierRow) assigned() symList {
	l, _ := r.split()
	return l
}

// name returns the dossier's name.
func (r *dossierRow) name() string {
	_, name := r.split()
	return name
}

func (r *dossierRow) dossier(t *accessTables, syms *memdb.Symbols, id cabinet.DossierID) access.Dossier {
	return r.dossierWith(t, syms, id, idsOf[cabinet.UserID](syms, r.assigned(), r.emptyAssigned))
}

// dossierWith is dossier with the Assigned list the caller built from
// r.assigned (EachDossier builds it in a buffer it reuses).
func (r *dossierRow) dossierWith(t *accessTables, syms *memdb.Symbols, id cabinet.DossierID, assigned []cabinet.UserID) access.Dossier {
	var created time.Time
	if r.createdAt == oddTime {
		created, _ = t.oddCreated.Get(id)
	} else {
		created = r.createdAt.time()
	}
	return access.Dossier{
		ID: id, Office: idOf[cabinet.OfficeID](syms, r.office), Name: r.name(), Status: r.status,
		Manager:   idOf[cabinet.UserID](syms, r.manager),
		Assigned:  assigned,
		CreatedBy: idOf[cabinet.UserID](syms, r.createdBy), CreatedAt: created,
	}
}

func (t *accessTables) init() {
	t.dossiers = memdb.NewTable[cabinet.DossierID, dossierRow](nil)
	t.oddCreated = memdb.NewTable[cabinet.DossierID, time.Time](nil)
	t.byOffice = newOfficeIndex(t.dossiers, func(r dossierRow) memdb.Sym { return r.office })
	t.byManager = memdb.NewSymIndex[cabinet.DossierID]()
	t.byAssigned = memdb.NewSymIndex[cabinet.DossierID]()
	t.persons = memdb.NewTable[access.PersonID, access.Person](nil)
	t.personsOf = memdb.NewIndex[cabinet.DossierID, access.PersonID]()
	t.advisors = memdb.NewTable[access.AdvisorID, access.Advisor](nil)
	t.advisorsOf = memdb.NewIndex[cabinet.DossierID, access.AdvisorID]()
	t.grants = memdb.NewTable[access.GrantID, access.Grant](nil)
	t.grantsOf = memdb.NewIndex[cabinet.DossierID, access.GrantID]()
	t.grantsByUser = memdb.NewSymIndex[access.GrantID]()
	t.grantsByEmail = memdb.NewIndex[string, access.GrantID]()
	t.grantByPerson = memdb.NewIndex[access.PersonID, access.GrantID]()
	t.grantByAdvisor = memdb.NewIndex[access.AdvisorID, access.GrantID]()
	t.awaiting = memdb.NewIndex[uint8, access.GrantID]()
}

// ViewAccess implements access.Store.
func (s *Store) ViewAccess(ctx context.Context, fn func(r access.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(s.accessReaderOf(t)) })
}

// UpdateAccess implements access.Store. With RunTwice, fn runs twice.
func (s *Store) UpdateAccess(ctx context.Context, fn func(w access.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(s.accessWriterOf(t)) })
}

// AccessReader implements access.Store: the access records of tx, an open
// transaction of this store.
func (s *Store) AccessReader(tx cabinet.Tx) (access.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return s.accessReaderOf(t), nil
}

// AccessWriter implements access.Store: the access records of tx, an open
// write transaction of this store.
func (s *Store) AccessWriter(tx cabinet.Tx) (access.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return s.accessWriterOf(t), nil
}

func (s *Store) accessReaderOf(t *txn) accessReader { return accessReader{t: &s.access, x: t} }

func (s *Store) accessWriterOf(t *txn) accessWriter {
	return accessWriter{accessReader: s.accessReaderOf(t), tx: t.w}
}

type accessReader struct {
	t *accessTables
	x *txn
}

// Revision implements access.Reader: the revision of the snapshot.
func (r accessReader) Revision() cabinet.Revision { return r.x.rev }

// Tx implements access.Reader.
func (r accessReader) Tx() cabinet.Tx { return r.x }

type accessWriter struct {
	accessReader
	tx *memdb.Tx
}

func (r accessReader) Dossier(ctx context.Context, id cabinet.DossierID) (access.Dossier, error) {
	if err := ctx.Err(); err != nil {
		return access.Dossier{}, err
	}
	d, ok := r.dossier(id)
	if !ok {
		return d, cabinet.NotFound("dossier", id)
	}
	return d, nil
}

func (r accessReader) dossier(id cabinet.DossierID) (access.Dossier, bool) {
	row, ok := r.t.dossiers.Get(id)
	if !ok {
		return access.Dossier{}, false
	}
	return row.dossier(r.t, r.x.s.syms, id), true
}

// Dossiers implements access.Reader: it walks the narrowest index the
// filter names (manager, assigned collaborator, office) and keeps the rows
// that match every field, deciding on the stored row before building the
// dossier.
func (r accessReader) Dossiers(ctx context.Context, f access.DossierFilter, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
	syms := r.x.s.syms
	var ids memdb.Keys[cabinet.DossierID]
	switch {
	case f.Manager != "":
		ids = viewOf(syms, r.t.byManager, f.Manager)
	case f.Assigned != "":
		ids = viewOf(syms, r.t.byAssigned, f.Assigned)
	case f.Office != "":
		ids = r.t.byOffice.view(syms, f.Office)
	default:
		ids = r.t.dossiers.View()
	}
	// An ID no record names matches no row (its Sym is absent: ok false).
	office, okOffice := syms.Lookup(string(f.Office))
	manager, okManager := syms.Lookup(string(f.Manager))
	assigned, okAssigned := syms.Lookup(string(f.Assigned))
	get := func(id cabinet.DossierID) (access.Dossier, bool) {
		row, ok := r.t.dossiers.Get(id)
		if !ok ||
			(f.Office != "" && (!okOffice || row.office != office)) ||
			(f.Manager != "" && (!okManager || row.manager != manager)) ||
			(f.Assigned != "" && (!okAssigned || !row.assigned().has(assigned))) ||
			(f.Status != cabinet.DossierStatusInvalid && row.status != f.Status) {
			return access.Dossier{}, false
		}
		return row.dossier(r.t, syms, id), true
	}
	return page(ctx, ids, get, nil, p)
}

func (r accessReader) Person(ctx context.Context, id access.PersonID) (access.Person, error) {
	if err := ctx.Err(); err != nil {
		return access.Person{}, err
	}
	p, ok := r.t.persons.Get(id)
	if !ok {
		return p, cabinet.NotFound("person", id)
	}
	return p, nil
}

func (r accessReader) Persons(ctx context.Context, f access.PersonFilter, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
	ids := r.t.persons.View()
	if f.Dossier != "" {
		ids = r.t.personsOf.View(f.Dossier)
	}
	return page(ctx, ids, r.t.persons.Get, nil, p)
}

func (r accessReader) Advisor(ctx context.Context, id access.AdvisorID) (access.Advisor, error) {
	if err := ctx.Err(); err != nil {
		return access.Advisor{}, err
	}
	a, ok := r.t.advisors.Get(id)
	if !ok {
		return a, cabinet.NotFound("advisor", id)
	}
	return a, nil
}

func (r accessReader) Advisors(ctx context.Context, f access.AdvisorFilter, p cabinet.Page) ([]access.Advisor, cabinet.Cursor, error) {
	ids := r.t.advisors.View()
	if f.Dossier != "" {
		ids = r.t.advisorsOf.View(f.Dossier)
	}
	return page(ctx, ids, r.t.advisors.Get, nil, p)
}

func (r accessReader) Grant(ctx context.Context, id access.GrantID) (access.Grant, error) {
	if err := ctx.Err(); err != nil {
		return access.Grant{}, err
	}
	g, ok := r.t.grants.Get(id)
	if !ok {
		return g, cabinet.NotFound("grant", id)
	}
	return g, nil
}

func (r accessReader) GrantOfPerson(ctx context.Context, p access.PersonID) (access.Grant, error) {
	if err := ctx.Err(); err != nil {
		return access.Grant{}, err
	}
	if id, ok := r.t.grantByPerson.View(p).First(); ok {
		return r.Grant(ctx, id)
	}
	return access.Grant{}, cabinet.NotFound("grant of person", p)
}

func (r accessReader) GrantOfAdvisor(ctx context.Context, a access.AdvisorID) (access.Grant, error) {
	if err := ctx.Err(); err != nil {
		return access.Grant{}, err
	}
	if id, ok := r.t.grantByAdvisor.View(a).First(); ok {
		return r.Grant(ctx, id)
	}
	return access.Grant{}, cabinet.NotFound("grant of advisor", a)
}

func (r accessReader) Grants(ctx context.Context, f access.GrantFilter, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
	var ids memdb.Keys[access.GrantID]
	switch {
	case f.Dossier != "":
		ids = r.t.grantsOf.View(f.Dossier)
	case f.User != "":
		ids = viewOf(r.x.s.syms, r.t.grantsByUser, f.User)
	case f.Email != "":
		ids = r.t.grantsByEmail.View(cabinet.EmailKey(f.Email))
	case f.AwaitingAccount:
		ids = r.t.awaiting.View(1)
	default:
		ids = r.t.grants.View()
	}
	keep := func(g access.Grant) bool {
		return (f.Dossier == "" || g.Dossier == f.Dossier) &&
			(f.User == "" || g.User == f.User) &&
			(f.Email == "" || cabinet.EqualEmails(g.Email, f.Email)) &&
			(!f.AwaitingAccount || g.AwaitingAccount())
	}
	return page(ctx, ids, r.t.grants.Get, keep, p)
}

// PutDossier implements access.Writer: one lookup of the row it replaces,
// whose index entries it removes by Sym, then the row and its entries.
func (w accessWriter) PutDossier(ctx context.Context, d access.Dossier) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	old, had := w.t.dossiers.Get(d.ID)
	if had {
		w.x.touch(old.dossier(w.t, w.x.s.syms, d.ID).Keys()...)
	}
	w.x.touch(d.Keys()...)
	if d.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if had {
		w.t.byOffice.remove(w.tx, old.office, d.ID)
		if old.manager != 0 {
			w.t.byManager.Remove(w.tx, old.manager, d.ID)
		}
		for l, i := old.assigned(), 0; i < l.len(); i++ {
			w.t.byAssigned.Remove(w.tx, l.at(i), d.ID)
		}
	}
	row := dossierRowOf(w.x, d)
	w.t.dossiers.Put(w.tx, d.ID, row)
	if row.createdAt == oddTime {
		w.t.oddCreated.Put(w.tx, d.ID, d.CreatedAt)
	} else if had && old.createdAt == oddTime {
		w.t.oddCreated.Delete(w.tx, d.ID)
	}
	w.t.byOffice.add(w.tx, row.office, d.ID)
	if row.manager != 0 {
		w.t.byManager.Add(w.tx, row.manager, d.ID)
	}
	for l, i := row.assigned(), 0; i < l.len(); i++ {
		w.t.byAssigned.Add(w.tx, l.at(i), d.ID)
	}
	return nil
}

func (w accessWriter) PutPerson(ctx context.Context, p access.Person) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.persons, p.ID, p)
	if p.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if old, ok := w.t.persons.Get(p.ID); ok {
		w.t.personsOf.Remove(w.tx, old.Dossier, p.ID)
	}
	w.t.persons.Put(w.tx, p.ID, p)
	w.t.personsOf.Add(w.tx, p.Dossier, p.ID)
	return nil
}

func (w accessWriter) DeletePerson(ctx context.Context, id access.PersonID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.persons, id)
	old, ok := w.t.persons.Get(id)
	if !ok {
		return cabinet.NotFound("person", id)
	}
	w.t.personsOf.Remove(w.tx, old.Dossier, id)
	w.t.persons.Delete(w.tx, id)
	return nil
}

func (w accessWriter) PutAdvisor(ctx context.Context, a access.Advisor) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.advisors, a.ID, a)
	if a.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if old, ok := w.t.advisors.Get(a.ID); ok {
		w.t.advisorsOf.Remove(w.tx, old.Dossier, a.ID)
	}
	w.t.advisors.Put(w.tx, a.ID, a)
	w.t.advisorsOf.Add(w.tx, a.Dossier, a.ID)
	return nil
}

func (w accessWriter) DeleteAdvisor(ctx context.Context, id access.AdvisorID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.advisors, id)
	old, ok := w.t.advisors.Get(id)
	if !ok {
		return cabinet.NotFound("advisor", id)
	}
	w.t.advisorsOf.Remove(w.tx, old.Dossier, id)
	w.t.advisors.Delete(w.tx, id)
	return nil
}

func (w accessWriter) unindexGrant(g access.Grant) {
	w.t.grantsOf.Remove(w.tx, g.Dossier, g.ID)
	if g.User != "" {
		unindex(w.x, w.t.grantsByUser, g.User, g.ID)
	}
	w.t.grantsByEmail.Remove(w.tx, cabinet.EmailKey(g.Email), g.ID)
	if g.Person != "" {
		w.t.grantByPerson.Remove(w.tx, g.Person, g.ID)
	}
	if g.Advisor != "" {
		w.t.grantByAdvisor.Remove(w.tx, g.Advisor, g.ID)
	}
	w.t.awaiting.Remove(w.tx, 1, g.ID)
}

func (w accessWriter) PutGrant(ctx context.Context, g access.Grant) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.grants, g.ID, g)
	if g.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if old, ok := w.t.grants.Get(g.ID); ok {
		w.unindexGrant(old)
	}
	w.t.grants.Put(w.tx, g.ID, g)
	w.t.grantsOf.Add(w.tx, g.Dossier, g.ID)
	if g.User != "" {
		index(w.x, w.t.grantsByUser, g.User, g.ID)
	}
	w.t.grantsByEmail.Add(w.tx, cabinet.EmailKey(g.Email), g.ID)
	if g.Person != "" {
		w.t.grantByPerson.Add(w.tx, g.Person, g.ID)
	}
	if g.Advisor != "" {
		w.t.grantByAdvisor.Add(w.tx, g.Advisor, g.ID)
	}
	if g.AwaitingAccount() {
		w.t.awaiting.Add(w.tx, 1, g.ID)
	}
	return nil
}

func (w accessWriter) DeleteGrant(ctx context.Context, id access.GrantID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.grants, id)
	old, ok := w.t.grants.Get(id)
	if !ok {
		return cabinet.NotFound("grant", id)
	}
	w.unindexGrant(old)
	w.t.grants.Delete(w.tx, id)
	return nil
}

// EachDossier calls fn with every dossier of the snapshot, in ascending ID
// order, in one pass over the table: the streaming read of a bulk reader
// such as the policy engine's load (issue 15), which would otherwise copy
// every dossier into a page. It is not part of access.Reader; a caller
// type-asserts it and falls back to Dossiers. fn receives one
// *access.Dossier that the next call overwrites, its Assigned slice
// included: fn must copy what it keeps beyond the call (the ID strings may
// be kept: they are immutable). An error of fn stops the walk and is
// returned; so is ctx's error, checked every 1,024 dossiers.
func (r accessReader) EachDossier(ctx context.Context, fn func(d *access.Dossier) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	syms := r.x.s.syms
	var d access.Dossier
	var assigned []cabinet.UserID
	n := 0
	var err error
	for id, row := range r.t.dossiers.All() {
		if n++; n%1024 == 0 {
			if err = ctx.Err(); err != nil {
				break
			}
		}
		assigned = assigned[:0]
		l := row.assigned()
		for i := range l.len() {
			assigned = append(assigned, idOf[cabinet.UserID](syms, l.at(i)))
		}
		d = row.dossierWith(r.t, syms, id, assigned)
		if l.len() == 0 {
			// As dossier gives it: nil, or empty and not nil.
			d.Assigned = nil
			if row.emptyAssigned {
				d.Assigned = noUsers
			}
		}
		if err = fn(&d); err != nil {
			break
		}
	}
	return err
}
