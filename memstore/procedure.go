package memstore

import (
	"context"
	"slices"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
	"github.com/cabinet-go/cabinet/procedure"
)

// procedureTables holds the procedure package's rows.
type procedureTables struct {
	plans      *memdb.Table[cabinet.OfficeID, procedure.OfficePlan]
	procedures *memdb.Table[cabinet.ProcedureID, procedure.Procedure]
	cases      *memdb.Table[cabinet.CaseID, procedure.Case]

	procsByOffice  *memdb.Index[cabinet.OfficeID, cabinet.ProcedureID]
	casesByOffice  *memdb.Index[cabinet.OfficeID, cabinet.CaseID]
	casesByProc    *memdb.Index[cabinet.ProcedureID, cabinet.CaseID]
	casesByDossier *memdb.Index[cabinet.DossierID, cabinet.CaseID]
	casesByUser    *memdb.Index[cabinet.UserID, cabinet.CaseID]
	casesByEmail   *memdb.Index[string, cabinet.CaseID] // cabinet.EmailKey
}

func (t *procedureTables) init() {
	t.plans = memdb.NewTable[cabinet.OfficeID, procedure.OfficePlan](nil)
	t.procedures = memdb.NewTable[cabinet.ProcedureID](cloneProcedure)
	t.cases = memdb.NewTable[cabinet.CaseID](cloneCase)
	t.procsByOffice = memdb.NewIndex[cabinet.OfficeID, cabinet.ProcedureID]()
	t.casesByOffice = memdb.NewIndex[cabinet.OfficeID, cabinet.CaseID]()
	t.casesByProc = memdb.NewIndex[cabinet.ProcedureID, cabinet.CaseID]()
	t.casesByDossier = memdb.NewIndex[cabinet.DossierID, cabinet.CaseID]()
	t.casesByUser = memdb.NewIndex[cabinet.UserID, cabinet.CaseID]()
	t.casesByEmail = memdb.NewIndex[string, cabinet.CaseID]()
}

func cloneProcedure(p procedure.Procedure) procedure.Procedure {
	p.Roles = slices.Clone(p.Roles)
	p.Items = slices.Clone(p.Items)
	return p
}

func cloneCase(c procedure.Case) procedure.Case {
	c.Contributors = slices.Clone(c.Contributors)
	if c.Items != nil {
		items := make([]procedure.ItemState, len(c.Items))
		for i, st := range c.Items {
			st.Documents = slices.Clone(st.Documents)
			st.Comments = slices.Clone(st.Comments)
			st.Reviews = slices.Clone(st.Reviews)
			items[i] = st
		}
		c.Items = items
	}
	return c
}

var _ procedure.Store = (*Store)(nil)

// ViewProcedures implements procedure.Store.
func (s *Store) ViewProcedures(ctx context.Context, fn func(r procedure.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(s.procedureReaderOf(t)) })
}

// UpdateProcedures implements procedure.Store. With RunTwice, fn runs twice.
func (s *Store) UpdateProcedures(ctx context.Context, fn func(w procedure.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(s.procedureWriterOf(t)) })
}

// ProcedureReader implements procedure.Store: the procedure records of tx, an open
// transaction of this store.
func (s *Store) ProcedureReader(tx cabinet.Tx) (procedure.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return s.procedureReaderOf(t), nil
}

// ProcedureWriter implements procedure.Store: the procedure records of tx, an open
// write transaction of this store.
func (s *Store) ProcedureWriter(tx cabinet.Tx) (procedure.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return s.procedureWriterOf(t), nil
}

func (s *Store) procedureReaderOf(t *txn) procReader { return procReader{t: &s.procedure, x: t} }

func (s *Store) procedureWriterOf(t *txn) procWriter {
	return procWriter{procReader: s.procedureReaderOf(t), tx: t.w}
}

type procReader struct {
	t *procedureTables
	x *txn
}

// Revision implements procedure.Reader: the revision of the snapshot.
func (r procReader) Revision() cabinet.Revision { return r.x.rev }

// Tx implements procedure.Reader.
func (r procReader) Tx() cabinet.Tx { return r.x }

func (r procReader) Plan(ctx context.Context, office cabinet.OfficeID) (procedure.OfficePlan, error) {
	if err := ctx.Err(); err != nil {
		return procedure.OfficePlan{}, err
	}
	p, ok := r.t.plans.Get(office)
	if !ok {
		return procedure.OfficePlan{}, cabinet.NotFound("office plan", office)
	}
	return p, nil
}

func (r procReader) ListPlans(ctx context.Context, p cabinet.Page) ([]procedure.OfficePlan, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	return pageAll(ctx, r.t.plans, r.t.plans.View(), p, func(procedure.OfficePlan) bool { return true })
}

func (r procReader) Procedure(ctx context.Context, id cabinet.ProcedureID) (procedure.Procedure, error) {
	if err := ctx.Err(); err != nil {
		return procedure.Procedure{}, err
	}
	p, ok := r.t.procedures.Get(id)
	if !ok {
		return procedure.Procedure{}, cabinet.NotFound("procedure", id)
	}
	return p, nil
}

func (r procReader) ListProcedures(ctx context.Context, f procedure.ProcedureFilter, p cabinet.Page) ([]procedure.Procedure, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	keys := r.t.procedures.View()
	if f.Office != "" {
		keys = r.t.procsByOffice.View(f.Office)
	}
	return pageAll(ctx, r.t.procedures, keys, p, func(p procedure.Procedure) bool {
		return f.Office == "" || p.Office == f.Office
	})
}

func (r procReader) Case(ctx context.Context, id cabinet.CaseID) (procedure.Case, error) {
	if err := ctx.Err(); err != nil {
		return procedure.Case{}, err
	}
	c, ok := r.t.cases.Get(id)
	if !ok {
		return procedure.Case{}, cabinet.NotFound("case", id)
	}
	return c, nil
}

func (r procReader) ListCases(ctx context.Context, f procedure.CaseFilter, p cabinet.Page) ([]procedure.Case, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	var keys memdb.Keys[cabinet.CaseID]
	switch {
	case f.User != "":
		keys = r.t.casesByUser.View(f.User)
	case f.Email != "":
		keys = r.t.casesByEmail.View(cabinet.EmailKey(f.Email))
	case f.Dossier != "":
		keys = r.t.casesByDossier.View(f.Dossier)
	case f.Procedure != "":
		keys = r.t.casesByProc.View(f.Procedure)
	case f.Office != "":
		keys = r.t.casesByOffice.View(f.Office)
	default:
		keys = r.t.cases.View()
	}
	return pageAll(ctx, r.t.cases, keys, p, func(c procedure.Case) bool { return caseMatches(c, f) })
}

func caseMatches(c procedure.Case, f procedure.CaseFilter) bool {
	if (f.Office != "" && c.Office != f.Office) || (f.Procedure != "" && c.Procedure != f.Procedure) || (f.Dossier != "" && c.Dossier != f.Dossier) {
		return false
	}
	if f.User != "" {
		if _, ok := procedure.SeatOf(c, f.User); !ok {
			return false
		}
	}
	if f.Email != "" && !slices.ContainsFunc(c.Seats(), func(p procedure.Participant) bool { return cabinet.EqualEmails(p.Email, f.Email) }) {
		return false
	}
	return true
}

func (r procReader) Seats(ctx context.Context, user cabinet.UserID) ([]procedure.Seat, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []procedure.Seat
	for id := range r.t.casesByUser.View(user).All() {
		c, ok := r.t.cases.Get(id)
		if !ok {
			continue
		}
		for i, p := range c.Seats() {
			if p.User == user {
				out = append(out, procedure.Seat{Case: c.ID, Procedure: c.Procedure, Office: c.Office, Dossier: c.Dossier, Role: p.Role, Main: i == 0, User: user, Email: p.Email})
			}
		}
	}
	if out == nil {
		out = []procedure.Seat{}
	}
	return out, nil
}

type procWriter struct {
	procReader
	tx *memdb.Tx
}

func (w procWriter) PutPlan(ctx context.Context, p procedure.OfficePlan) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.plans, p.Office, p)
	if p.Office == "" {
		return cabinet.Invalid("office", "is required")
	}
	w.t.plans.Put(w.tx, p.Office, p)
	return nil
}

func (w procWriter) PutProcedure(ctx context.Context, p procedure.Procedure) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.procedures, p.ID, p)
	if p.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if old, ok := w.t.procedures.Get(p.ID); ok {
		w.t.procsByOffice.Remove(w.tx, old.Office, old.ID)
	}
	w.t.procedures.Put(w.tx, p.ID, p)
	w.t.procsByOffice.Add(w.tx, p.Office, p.ID)
	return nil
}

func (w procWriter) PutCase(ctx context.Context, c procedure.Case) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.cases, c.ID, c)
	if c.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if old, ok := w.t.cases.Get(c.ID); ok {
		w.t.casesByOffice.Remove(w.tx, old.Office, old.ID)
		w.t.casesByProc.Remove(w.tx, old.Procedure, old.ID)
		if old.Dossier != "" {
			w.t.casesByDossier.Remove(w.tx, old.Dossier, old.ID)
		}
		for _, p := range old.Seats() {
			if p.User != "" {
				w.t.casesByUser.Remove(w.tx, p.User, old.ID)
			}
			w.t.casesByEmail.Remove(w.tx, cabinet.EmailKey(p.Email), old.ID)
		}
	}
	w.t.cases.Put(w.tx, c.ID, c)
	w.t.casesByOffice.Add(w.tx, c.Office, c.ID)
	w.t.casesByProc.Add(w.tx, c.Procedure, c.ID)
	if c.Dossier != "" {
		w.t.casesByDossier.Add(w.tx, c.Dossier, c.ID)
	}
	for _, p := range c.Seats() {
		if p.User != "" {
			w.t.casesByUser.Add(w.tx, p.User, c.ID)
		}
		if p.Email != "" {
			w.t.casesByEmail.Add(w.tx, cabinet.EmailKey(p.Email), c.ID)
		}
	}
	return nil
}

// pageAll pages keys of t with page, returning an empty (non-nil) slice when
// nothing matches, as the procedure listings document.
func pageAll[K ~string, V any](ctx context.Context, t *memdb.Table[K, V], keys memdb.Keys[K], p cabinet.Page, match func(V) bool) ([]V, cabinet.Cursor, error) {
	out, next, err := page(ctx, keys, t.Get, match, p)
	if err == nil && out == nil {
		out = []V{}
	}
	return out, next, err
}
