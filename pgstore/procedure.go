package pgstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/procedure"
)

var _ procedure.Store = (*Store)(nil)

// ViewProcedures implements procedure.Store: fn reads one REPEATABLE READ
// snapshot.
func (s *Store) ViewProcedures(ctx context.Context, fn func(r procedure.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(procTx{t}) })
}

// UpdateProcedures implements procedure.Store: fn runs in one SERIALIZABLE
// transaction, and may run more than once (see the package doc).
func (s *Store) UpdateProcedures(ctx context.Context, fn func(w procedure.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(procTx{t}) })
}

// procTx is the procedure package's reader and writer over a transaction.
type procTx struct{ *txn }

// ProcedureReader implements procedure.Store: the procedure records of tx, an open
// transaction (View or Update) of this store.
func (s *Store) ProcedureReader(tx cabinet.Tx) (procedure.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return procTx{t}, nil
}

// ProcedureWriter implements procedure.Store: the procedure records of tx, an open write
// transaction of this store.
func (s *Store) ProcedureWriter(tx cabinet.Tx) (procedure.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return procTx{t}, nil
}

// Tx implements procedure.Reader: the transaction of this reader.
func (w procTx) Tx() cabinet.Tx { return w.txn }

// nonNil returns an empty slice for nil: the procedure listings return an
// empty, non-nil page when nothing matches.
func nonNil[T any](v []T, next cabinet.Cursor, err error) ([]T, cabinet.Cursor, error) {
	if err == nil && v == nil {
		v = []T{}
	}
	return v, next, err
}

// JSON forms of the nested values, in the procedures and cases columns.
type (
	roleJSON struct {
		ID          procedure.RoleID      `json:"id"`
		Name        string                `json:"name"`
		Main        bool                  `json:"main"`
		Permissions procedure.Permissions `json:"permissions"`
	}
	itemJSON struct {
		ID   procedure.ItemID `json:"id"`
		Name string           `json:"name"`
		Role procedure.RoleID `json:"role"`
	}
	participantJSON struct {
		Role       procedure.RoleID  `json:"role"`
		Email      string            `json:"email"`
		Name       string            `json:"name,omitempty"`
		Phone      string            `json:"phone,omitempty"`
		Contact    cabinet.ContactID `json:"contact,omitempty"`
		User       cabinet.UserID    `json:"user"`
		AddedBy    cabinet.UserID    `json:"added_by"`
		AddedAt    jtime             `json:"added_at"`
		Invited    bool              `json:"invited"`
		NotifiedAt jtime             `json:"notified_at"`
		LinkedAt   jtime             `json:"linked_at"`
	}
	documentJSON struct {
		Name string         `json:"name"`
		By   cabinet.UserID `json:"by"`
		At   jtime          `json:"at"`
	}
	commentJSON struct {
		Text string         `json:"text"`
		By   cabinet.UserID `json:"by"`
		At   jtime          `json:"at"`
	}
	reviewJSON struct {
		Verdict procedure.Verdict `json:"verdict"`
		Comment string            `json:"comment,omitempty"`
		By      cabinet.UserID    `json:"by"`
		At      jtime             `json:"at"`
	}
	itemStateJSON struct {
		Item        procedure.ItemID `json:"item"`
		Documents   []documentJSON   `json:"documents"`
		Comments    []commentJSON    `json:"comments"`
		SubmittedBy cabinet.UserID   `json:"submitted_by"`
		SubmittedAt jtime            `json:"submitted_at"`
		Reviews     []reviewJSON     `json:"reviews"`
	}
)

func toParticipantJSON(p procedure.Participant) participantJSON {
	return participantJSON{Role: p.Role, Email: p.Email, Name: p.Name, Phone: p.Phone, Contact: p.Contact, User: p.User,
		AddedBy: p.AddedBy, AddedAt: jtime(p.AddedAt), Invited: p.Invited, NotifiedAt: jtime(p.NotifiedAt), LinkedAt: jtime(p.LinkedAt)}
}

func (p participantJSON) value() procedure.Participant {
	return procedure.Participant{Role: p.Role, Email: p.Email, Name: p.Name, Phone: p.Phone, Contact: p.Contact, User: p.User,
		AddedBy: p.AddedBy, AddedAt: time.Time(p.AddedAt), Invited: p.Invited, NotifiedAt: time.Time(p.NotifiedAt),
		LinkedAt: time.Time(p.LinkedAt)}
}

func toItemStateJSON(s procedure.ItemState) itemStateJSON {
	return itemStateJSON{
		Item: s.Item,
		Documents: mapSlice(s.Documents, func(d procedure.Document) documentJSON {
			return documentJSON{Name: d.Name, By: d.By, At: jtime(d.At)}
		}),
		Comments: mapSlice(s.Comments, func(c procedure.Comment) commentJSON {
			return commentJSON{Text: c.Text, By: c.By, At: jtime(c.At)}
		}),
		SubmittedBy: s.SubmittedBy, SubmittedAt: jtime(s.SubmittedAt),
		Reviews: mapSlice(s.Reviews, func(r procedure.Review) reviewJSON {
			return reviewJSON{Verdict: r.Verdict, Comment: r.Comment, By: r.By, At: jtime(r.At)}
		}),
	}
}

func (s itemStateJSON) value() procedure.ItemState {
	return procedure.ItemState{
		Item: s.Item,
		Documents: mapSlice(s.Documents, func(d documentJSON) procedure.Document {
			return procedure.Document{Name: d.Name, By: d.By, At: time.Time(d.At)}
		}),
		Comments: mapSlice(s.Comments, func(c commentJSON) procedure.Comment {
			return procedure.Comment{Text: c.Text, By: c.By, At: time.Time(c.At)}
		}),
		SubmittedBy: s.SubmittedBy, SubmittedAt: time.Time(s.SubmittedAt),
		Reviews: mapSlice(s.Reviews, func(r reviewJSON) procedure.Review {
			return procedure.Review{Verdict: r.Verdict, Comment: r.Comment, By: r.By, At: time.Time(r.At)}
		}),
	}
}

// Office plans, keyed by office.

const planCols = `office_id, plan, boosters_from, boosters_until, trial_started_at, trial_started_by`

const planByOffice = `SELECT ` + planCols + ` FROM {schema}.office_plans WHERE office_id = $1`

func scanPlan(r scanner) (procedure.OfficePlan, error) {
	var p procedure.OfficePlan
	var plan int16
	var from, until, trial pgtype.Timestamptz
	err := r.Scan(&p.Office, &plan, &from, &until, &trial, &p.TrialStartedBy)
	p.Plan = procedure.Plan(plan)
	p.BoostersFrom, p.BoostersUntil, p.TrialStartedAt = tsVal(from), tsVal(until), tsVal(trial)
	return p, err
}

func (w procTx) Plan(ctx context.Context, office cabinet.OfficeID) (procedure.OfficePlan, error) {
	return getOne(ctx, w.txn, "office plan", string(office),
		planByOffice, []any{string(office)}, scanPlan)
}

func (w procTx) ListPlans(ctx context.Context, p cabinet.Page) ([]procedure.OfficePlan, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return nonNil(w.listPlans(ctx, pg))
}

func (w procTx) listPlans(ctx context.Context, pg page) ([]procedure.OfficePlan, cabinet.Cursor, error) {
	q := &sel{cols: planCols, from: `{schema}.office_plans`, key: []string{"office_id"}}
	return list(ctx, w.txn, q, pg, scanPlan, func(p procedure.OfficePlan) cabinet.Cursor { return keyCursor(string(p.Office)) })
}

func (w procTx) PutPlan(ctx context.Context, p procedure.OfficePlan) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if p.Office == "" {
		return cabinet.Invalid("office", "is required")
	}
	if err := checkStorable(p); err != nil {
		return err
	}
	return put(ctx, w.txn, p, before(planByOffice, []any{string(p.Office)}, scanPlan), stmt{`INSERT INTO {schema}.office_plans
			(office_id, plan, boosters_from, boosters_until, trial_started_at, trial_started_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (office_id) DO UPDATE SET plan = EXCLUDED.plan, boosters_from = EXCLUDED.boosters_from,
			boosters_until = EXCLUDED.boosters_until, trial_started_at = EXCLUDED.trial_started_at,
			trial_started_by = EXCLUDED.trial_started_by`,
		[]any{string(p.Office), int16(p.Plan), tsArg(p.BoostersFrom), tsArg(p.BoostersUntil), tsArg(p.TrialStartedAt),
			string(p.TrialStartedBy)}})
}

// Procedures.

const procedureCols = `id, office_id, name, roles, items, automation, created_by, created_at`

const procedureByID = `SELECT ` + procedureCols + ` FROM {schema}.procedures WHERE id = $1`

func scanProcedure(r scanner) (procedure.Procedure, error) {
	var p procedure.Procedure
	var roles, items []byte
	var created pgtype.Timestamptz
	if err := r.Scan(&p.ID, &p.Office, &p.Name, &roles, &items, &p.Automation, &p.CreatedBy, &created); err != nil {
		return p, err
	}
	p.CreatedAt = tsVal(created)
	rs, err := jsonVal[roleJSON](roles)
	if err != nil {
		return p, err
	}
	p.Roles = mapSlice(rs, func(r roleJSON) procedure.Role {
		return procedure.Role{ID: r.ID, Name: r.Name, Main: r.Main, Permissions: r.Permissions}
	})
	is, err := jsonVal[itemJSON](items)
	p.Items = mapSlice(is, func(i itemJSON) procedure.Item { return procedure.Item{ID: i.ID, Name: i.Name, Role: i.Role} })
	return p, err
}

func (w procTx) Procedure(ctx context.Context, id cabinet.ProcedureID) (procedure.Procedure, error) {
	return getOne(ctx, w.txn, "procedure", string(id),
		procedureByID, []any{string(id)}, scanProcedure)
}

func (w procTx) ListProcedures(ctx context.Context, f procedure.ProcedureFilter, p cabinet.Page) ([]procedure.Procedure, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return nonNil(w.listProcedures(ctx, f, pg))
}

func (w procTx) listProcedures(ctx context.Context, f procedure.ProcedureFilter, pg page) ([]procedure.Procedure, cabinet.Cursor, error) {
	q := inOffice(&sel{cols: procedureCols, from: `{schema}.procedures`, key: []string{"id"}}, f.Office)
	return list(ctx, w.txn, q, pg, scanProcedure, func(p procedure.Procedure) cabinet.Cursor { return keyCursor(string(p.ID)) })
}

func (w procTx) PutProcedure(ctx context.Context, p procedure.Procedure) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if p.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(p); err != nil {
		return err
	}
	roles, err := jsonArg(mapSlice(p.Roles, func(r procedure.Role) roleJSON {
		return roleJSON{ID: r.ID, Name: r.Name, Main: r.Main, Permissions: r.Permissions}
	}))
	if err != nil {
		return err
	}
	items, err := jsonArg(mapSlice(p.Items, func(i procedure.Item) itemJSON { return itemJSON{ID: i.ID, Name: i.Name, Role: i.Role} }))
	if err != nil {
		return err
	}
	return put(ctx, w.txn, p, before(procedureByID, []any{string(p.ID)}, scanProcedure), stmt{`INSERT INTO {schema}.procedures (id, office_id, name, roles, items, automation, created_by, created_at)
		VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, name = EXCLUDED.name, roles = EXCLUDED.roles,
			items = EXCLUDED.items, automation = EXCLUDED.automation, created_by = EXCLUDED.created_by,
			created_at = EXCLUDED.created_at`,
		[]any{string(p.ID), string(p.Office), p.Name, roles, items, p.Automation, string(p.CreatedBy), tsArg(p.CreatedAt)}})
}

// Cases, with their seats indexed in case_seats.

const caseCols = `id, office_id, procedure_id, dossier_id, opened_by, opened_at, recipient, contributors, items`

const caseByID = `SELECT ` + caseCols + ` FROM {schema}.cases WHERE id = $1`

func scanCase(r scanner) (procedure.Case, error) {
	var c procedure.Case
	var recipient, contributors, items []byte
	var opened pgtype.Timestamptz
	if err := r.Scan(&c.ID, &c.Office, &c.Procedure, &c.Dossier, &c.OpenedBy, &opened, &recipient, &contributors, &items); err != nil {
		return c, err
	}
	c.OpenedAt = tsVal(opened)
	var rec participantJSON
	if err := json.Unmarshal(recipient, &rec); err != nil {
		return c, err
	}
	c.Recipient = rec.value()
	cs, err := jsonVal[participantJSON](contributors)
	if err != nil {
		return c, err
	}
	c.Contributors = mapSlice(cs, participantJSON.value)
	is, err := jsonVal[itemStateJSON](items)
	c.Items = mapSlice(is, itemStateJSON.value)
	return c, err
}

func (w procTx) Case(ctx context.Context, id cabinet.CaseID) (procedure.Case, error) {
	return getOne(ctx, w.txn, "case", string(id),
		caseByID, []any{string(id)}, scanCase)
}

func (w procTx) ListCases(ctx context.Context, f procedure.CaseFilter, p cabinet.Page) ([]procedure.Case, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if f.Email != "" && f == (procedure.CaseFilter{Email: f.Email}) &&
		w.none(func(b *bulkState) map[string]bool { return b.none.cases }, cabinet.EmailKey(f.Email)) {
		return nonNil[procedure.Case](nil, "", noneCursor(pg.after))
	}
	return nonNil(w.listCases(ctx, f, pg))
}

func (w procTx) listCases(ctx context.Context, f procedure.CaseFilter, pg page) ([]procedure.Case, cabinet.Cursor, error) {
	q := inOffice(&sel{cols: caseCols, from: `{schema}.cases`, key: []string{"id"}}, f.Office)
	if f.Procedure != "" {
		q.eq("procedure_id", string(f.Procedure))
	}
	if f.Dossier != "" {
		q.eq("dossier_id", string(f.Dossier))
	}
	if f.User != "" {
		q.where(`id IN (SELECT case_id FROM {schema}.case_seats WHERE user_id = ` + q.arg(string(f.User)) + `)`)
	}
	if f.Email != "" {
		q.where(`id IN (SELECT case_id FROM {schema}.case_seats WHERE email_key = ` + q.arg(cabinet.EmailKey(f.Email)) + `)`)
	}
	return list(ctx, w.txn, q, pg, scanCase, func(c procedure.Case) cabinet.Cursor { return keyCursor(string(c.ID)) })
}

func (w procTx) Seats(ctx context.Context, user cabinet.UserID) ([]procedure.Seat, error) {
	if err := w.ready(ctx); err != nil {
		return nil, err
	}
	out := []procedure.Seat{}
	if user == "" || !storable(string(user)) {
		return out, nil
	}
	cases, err := queryAll(ctx, w.txn, `SELECT `+caseCols+` FROM {schema}.cases
		WHERE id IN (SELECT case_id FROM {schema}.case_seats WHERE user_id = $1) ORDER BY id`, []any{string(user)}, scanCase)
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		for i, p := range c.Seats() {
			if p.User == user {
				out = append(out, procedure.Seat{Case: c.ID, Procedure: c.Procedure, Office: c.Office, Dossier: c.Dossier,
					Role: p.Role, Main: i == 0, User: user, Email: p.Email})
			}
		}
	}
	return out, nil
}

func (w procTx) PutCase(ctx context.Context, c procedure.Case) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if c.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(c); err != nil {
		return err
	}
	recipient, err := json.Marshal(toParticipantJSON(c.Recipient))
	if err != nil {
		return err
	}
	contributors, err := jsonArg(mapSlice(c.Contributors, toParticipantJSON))
	if err != nil {
		return err
	}
	items, err := jsonArg(mapSlice(c.Items, toItemStateJSON))
	if err != nil {
		return err
	}
	seats := c.Seats()
	users, emails := make([]string, len(seats)), make([]string, len(seats))
	for i, p := range seats {
		users[i], emails[i] = string(p.User), cabinet.EmailKey(p.Email)
	}
	if w.bulk != nil {
		for _, e := range emails {
			delete(w.bulk.none.cases, e)
		}
	}
	return put(ctx, w.txn, c, before(caseByID, []any{string(c.ID)}, scanCase),
		stmt{`INSERT INTO {schema}.cases (id, office_id, procedure_id, dossier_id, opened_by, opened_at, recipient, contributors, items)
			VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb)
			ON CONFLICT (id) DO UPDATE SET office_id = EXCLUDED.office_id, procedure_id = EXCLUDED.procedure_id,
				dossier_id = EXCLUDED.dossier_id, opened_by = EXCLUDED.opened_by, opened_at = EXCLUDED.opened_at,
				recipient = EXCLUDED.recipient, contributors = EXCLUDED.contributors, items = EXCLUDED.items`,
			[]any{string(c.ID), string(c.Office), string(c.Procedure), string(c.Dossier), string(c.OpenedBy), tsArg(c.OpenedAt),
				string(recipient), contributors, items}},
		stmt{`DELETE FROM {schema}.case_seats WHERE case_id = $1`, []any{string(c.ID)}},
		stmt{`INSERT INTO {schema}.case_seats (case_id, seat, user_id, email_key)
			SELECT $1, s.n - 1, s.user_id, s.email_key FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS s (user_id, email_key, n)`,
			[]any{string(c.ID), users, emails}},
	)
}
