package pgstore

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/team"
)

var _ team.Store = (*Store)(nil)

// ViewTeams implements team.Store: fn reads one REPEATABLE READ snapshot.
func (s *Store) ViewTeams(ctx context.Context, fn func(r team.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(teamTx{t}) })
}

// UpdateTeams implements team.Store: fn runs in one SERIALIZABLE
// transaction, and may run more than once (see the package doc).
func (s *Store) UpdateTeams(ctx context.Context, fn func(w team.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(teamTx{t}) })
}

// teamTx is the team package's reader and writer over a transaction.
type teamTx struct{ *txn }

// TeamReader implements team.Store: the team records of tx, an open
// transaction (View or Update) of this store.
func (s *Store) TeamReader(tx cabinet.Tx) (team.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return teamTx{t}, nil
}

// TeamWriter implements team.Store: the team records of tx, an open write
// transaction of this store.
func (s *Store) TeamWriter(tx cabinet.Tx) (team.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return teamTx{t}, nil
}

// Tx implements team.Reader: the transaction of this reader.
func (w teamTx) Tx() cabinet.Tx { return w.txn }

// memberJSON is a team.Member in the teams.members column.
type memberJSON struct {
	User     cabinet.UserID `json:"user"`
	Role     team.Role      `json:"role"`
	JoinedAt jtime          `json:"joined_at"`
}

// Users.

const userCols = `id, display_name, email, created_at`

func scanUser(r scanner) (cabinet.User, error) {
	var u cabinet.User
	var created pgtype.Timestamptz
	err := r.Scan(&u.ID, &u.DisplayName, &u.Email, &created)
	u.CreatedAt = tsVal(created)
	return u, err
}

const userByID = `SELECT ` + userCols + ` FROM {schema}.users WHERE id = $1`

func (w teamTx) User(ctx context.Context, id cabinet.UserID) (cabinet.User, error) {
	return lookup(ctx, w.txn, bulkUsers, id, "", "user", string(id), func() (cabinet.User, error) {
		return getOne(ctx, w.txn, "user", string(id), userByID, []any{string(id)}, scanUser)
	})
}

func (w teamTx) UserByEmail(ctx context.Context, email string) (cabinet.User, error) {
	key := cabinet.EmailKey(email)
	return lookup(ctx, w.txn, bulkByEmail, key, "", "user", email, func() (cabinet.User, error) {
		return getOne(ctx, w.txn, "user", email,
			`SELECT `+userCols+` FROM {schema}.users WHERE email_key = $1`, []any{key}, scanUser)
	})
}

// bulkEmail returns what bulk mode knows of the account of email key key.
func (w teamTx) bulkEmail(key string) (u cabinet.User, found, ok bool) {
	if w.bulk == nil {
		return u, false, false
	}
	return w.bulk.byEmail.known(key, "")
}

func (w teamTx) ListUsers(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listUsers(ctx, pg)
}

func (w teamTx) listUsers(ctx context.Context, pg page) ([]cabinet.User, cabinet.Cursor, error) {
	q := &sel{cols: userCols, from: `{schema}.users`, key: []string{"id"}}
	return list(ctx, w.txn, q, pg, scanUser, func(u cabinet.User) cabinet.Cursor { return keyCursor(string(u.ID)) })
}

func (w teamTx) PutUser(ctx context.Context, u cabinet.User) (err error) {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if u.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(u); err != nil {
		return err
	}
	key := cabinet.EmailKey(u.Email)
	var other string
	if o, found, ok := w.bulkEmail(key); ok {
		// Bulk mode knows the account of key, if any.
		if found && o.ID != u.ID {
			return cabinet.Conflict("", "user %s already has this email", o.ID)
		}
	} else {
		switch err := w.row(ctx, `SELECT id FROM {schema}.users WHERE email_key = $1 AND id <> $2`, []any{key, string(u.ID)}, &other); {
		case err == nil:
			return cabinet.Conflict("", "user %s already has this email", other)
		case !isNoRows(err):
			return err
		}
	}
	if b := w.bulk; b != nil {
		fresh := b.users.absent(u.ID, "")
		defer func() {
			switch {
			case err != nil:
			case fresh:
				b.byEmail.rows[key] = &u
			default: // its email may have changed
				b.byEmail.forget()
			}
		}()
	}
	return putNew(w.txn, bulkUsers, u.ID, "", u, func() error {
		return put(ctx, w.txn, u, before(userByID, []any{string(u.ID)}, scanUser), stmt{`INSERT INTO {schema}.users (id, display_name, email, email_key, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, email = EXCLUDED.email,
			email_key = EXCLUDED.email_key, created_at = EXCLUDED.created_at`,
			[]any{string(u.ID), u.DisplayName, u.Email, key, tsArg(u.CreatedAt)}})
	})
}

// Teams.

const teamCols = `id, name, personal, pending, owner_id, lead_id, created_by, created_at, members, first_team`

func scanTeam(r scanner) (team.Team, error) {
	var tm team.Team
	var created pgtype.Timestamptz
	var members []byte
	if err := r.Scan(&tm.ID, &tm.Name, &tm.Personal, &tm.Pending, &tm.Owner, &tm.Lead, &tm.CreatedBy, &created, &members, &tm.FirstTeam); err != nil {
		return tm, err
	}
	tm.CreatedAt = tsVal(created)
	ms, err := jsonVal[memberJSON](members)
	tm.Members = mapSlice(ms, func(m memberJSON) team.Member {
		return team.Member{User: m.User, Role: m.Role, JoinedAt: time.Time(m.JoinedAt)}
	})
	return tm, err
}

const teamByID = `SELECT ` + teamCols + ` FROM {schema}.teams WHERE id = $1`

func (w teamTx) Team(ctx context.Context, id cabinet.TeamID) (team.Team, error) {
	tm, err := lookup(ctx, w.txn, bulkTeams, id, "", "team", string(id), func() (team.Team, error) {
		return getOne(ctx, w.txn, "team", string(id), teamByID, []any{string(id)}, scanTeam)
	})
	tm.Members = slices.Clone(tm.Members) // the caller's own: bulk mode keeps tm
	return tm, err
}

func (w teamTx) PersonalTeam(ctx context.Context, owner cabinet.UserID) (team.Team, error) {
	tm, err := lookup(ctx, w.txn, bulkPersonal, owner, "", "personal team of user", string(owner), func() (team.Team, error) {
		return getOne(ctx, w.txn, "personal team of user", string(owner),
			`SELECT `+teamCols+` FROM {schema}.teams WHERE owner_id = $1 AND personal`, []any{string(owner)}, scanTeam)
	})
	tm.Members = slices.Clone(tm.Members) // the caller's own: bulk mode keeps tm
	return tm, err
}

func (w teamTx) ListTeams(ctx context.Context, f team.TeamFilter, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listTeams(ctx, f, pg)
}

func (w teamTx) listTeams(ctx context.Context, f team.TeamFilter, pg page) ([]team.Team, cabinet.Cursor, error) {
	q := &sel{cols: teamCols, from: `{schema}.teams`, key: []string{"id"}}
	if f.Member != "" {
		q.where(`id IN (SELECT team_id FROM {schema}.team_members WHERE user_id = ` + q.arg(string(f.Member)) + `)`)
	}
	if f.PendingLead != "" {
		q.where(`pending AND lead_id = ` + q.arg(string(f.PendingLead)))
	}
	return list(ctx, w.txn, q, pg, scanTeam, func(t team.Team) cabinet.Cursor { return keyCursor(string(t.ID)) })
}

func (w teamTx) PutTeam(ctx context.Context, tm team.Team) (err error) {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if tm.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(tm); err != nil {
		return err
	}
	var personal *team.Team
	if w.bulk != nil && tm.Personal {
		if p, found, ok := w.bulk.personal.known(tm.Owner, ""); ok && (!found || p.ID == tm.ID) {
			personal = &p // bulk mode knows the owner has no other personal team
		}
	}
	if tm.Personal && personal == nil {
		var other string
		switch err := w.row(ctx, `SELECT id FROM {schema}.teams WHERE owner_id = $1 AND personal AND id <> $2`,
			[]any{string(tm.Owner), string(tm.ID)}, &other); {
		case err == nil:
			return cabinet.Conflict("TEAM-6", "user %s already has personal team %s", tm.Owner, other)
		case !isNoRows(err):
			return err
		}
	}
	members, err := jsonArg(mapSlice(tm.Members, func(m team.Member) memberJSON {
		return memberJSON{User: m.User, Role: m.Role, JoinedAt: jtime(m.JoinedAt)}
	}))
	if err != nil {
		return err
	}
	users := make([]string, len(tm.Members))
	for i, m := range tm.Members {
		users[i] = string(m.User)
	}
	tm.Members = slices.Clone(tm.Members) // bulk mode keeps tm
	if b := w.bulk; b != nil {
		fresh := b.teams.absent(tm.ID, "")
		defer func() {
			switch {
			case err != nil:
			case fresh && tm.Personal:
				b.personal.rows[tm.Owner] = &tm
			case !fresh: // it may have been another account's personal team
				b.personal.forget()
			}
		}()
	}
	return putNew(w.txn, bulkTeams, tm.ID, "", tm, func() error { return w.putTeam(ctx, tm, members, users) })
}

// putTeam writes tm with its member rows (members: tm.Members as jsonArg
// gives them; users: their IDs), after reading the row it replaces.
func (w teamTx) putTeam(ctx context.Context, tm team.Team, members any, users []string) error {
	return put(ctx, w.txn, tm, before(teamByID, []any{string(tm.ID)}, scanTeam),
		stmt{`INSERT INTO {schema}.teams (id, name, personal, pending, owner_id, lead_id, created_by, created_at, members, first_team)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, personal = EXCLUDED.personal, pending = EXCLUDED.pending,
				owner_id = EXCLUDED.owner_id, lead_id = EXCLUDED.lead_id, created_by = EXCLUDED.created_by,
				created_at = EXCLUDED.created_at, members = EXCLUDED.members, first_team = EXCLUDED.first_team`,
			[]any{string(tm.ID), tm.Name, tm.Personal, tm.Pending, string(tm.Owner), string(tm.Lead), string(tm.CreatedBy),
				tsArg(tm.CreatedAt), members, string(tm.FirstTeam)}},
		stmt{`DELETE FROM {schema}.team_members WHERE team_id = $1`, []any{string(tm.ID)}},
		stmt{`INSERT INTO {schema}.team_members (team_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
			[]any{string(tm.ID), users}},
	)
}

func (w teamTx) DeleteTeam(ctx context.Context, id cabinet.TeamID) error {
	n, err := w.write(ctx, before(teamByID, []any{string(id)}, scanTeam), nil,
		stmt{`DELETE FROM {schema}.teams WHERE id = $1`, []any{string(id)}},
		stmt{`DELETE FROM {schema}.team_members WHERE team_id = $1`, []any{string(id)}})
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return cabinet.NotFound("team", id)
	}
	return nil
}

// Invitations.

const invitationCols = `id, team_id, email, role, invited_by, status, created_at, expires_at, accepted_by, closed_at, resent_at`

func scanInvitation(r scanner) (team.Invitation, error) {
	var inv team.Invitation
	var role, status int16
	var created, expires, closed, resent pgtype.Timestamptz
	err := r.Scan(&inv.ID, &inv.Team, &inv.Email, &role, &inv.InvitedBy, &status, &created, &expires, &inv.AcceptedBy, &closed, &resent)
	inv.Role, inv.Status = team.Role(role), team.InvitationStatus(status)
	inv.CreatedAt, inv.ExpiresAt, inv.ClosedAt, inv.ResentAt = tsVal(created), tsVal(expires), tsVal(closed), tsVal(resent)
	return inv, err
}

const invitationByID = `SELECT ` + invitationCols + ` FROM {schema}.invitations WHERE id = $1`

func (w teamTx) Invitation(ctx context.Context, id team.InvitationID) (team.Invitation, error) {
	return getOne(ctx, w.txn, "invitation", string(id), invitationByID, []any{string(id)}, scanInvitation)
}

func (w teamTx) ListInvitations(ctx context.Context, f team.InvitationFilter, p cabinet.Page) ([]team.Invitation, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return w.listInvitations(ctx, f, pg)
}

func (w teamTx) listInvitations(ctx context.Context, f team.InvitationFilter, pg page) ([]team.Invitation, cabinet.Cursor, error) {
	q := &sel{cols: invitationCols, from: `{schema}.invitations`, key: []string{"id"}}
	if f.Team != "" {
		q.eq("team_id", string(f.Team))
	}
	if f.Email != "" {
		q.eq("email_key", cabinet.EmailKey(f.Email))
	}
	if f.Status != team.InvitationStatusInvalid {
		q.eq("status", int16(f.Status))
	}
	return list(ctx, w.txn, q, pg, scanInvitation, func(i team.Invitation) cabinet.Cursor { return keyCursor(string(i.ID)) })
}

func (w teamTx) PutInvitation(ctx context.Context, inv team.Invitation) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if inv.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(inv); err != nil {
		return err
	}
	return put(ctx, w.txn, inv, before(invitationByID, []any{string(inv.ID)}, scanInvitation), stmt{`INSERT INTO {schema}.invitations
			(id, team_id, email, email_key, role, invited_by, status, created_at, expires_at, accepted_by, closed_at, resent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, email = EXCLUDED.email, email_key = EXCLUDED.email_key,
			role = EXCLUDED.role, invited_by = EXCLUDED.invited_by, status = EXCLUDED.status,
			created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
			accepted_by = EXCLUDED.accepted_by, closed_at = EXCLUDED.closed_at, resent_at = EXCLUDED.resent_at`,
		[]any{string(inv.ID), string(inv.Team), inv.Email, cabinet.EmailKey(inv.Email), int16(inv.Role), string(inv.InvitedBy),
			int16(inv.Status), tsArg(inv.CreatedAt), tsArg(inv.ExpiresAt), string(inv.AcceptedBy), tsArg(inv.ClosedAt),
			tsArg(inv.ResentAt)}})
}

func (w teamTx) DeleteInvitation(ctx context.Context, id team.InvitationID) error {
	n, err := w.write(ctx, before(invitationByID, []any{string(id)}, scanInvitation), nil,
		stmt{`DELETE FROM {schema}.invitations WHERE id = $1`, []any{string(id)}})
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return cabinet.NotFound("invitation", id)
	}
	return nil
}

// Referrals. A referral's consent is not stored: every read takes it from
// its dossier's consent record, given when there is none (TEAM-9 v2).

const (
	referralCols = `r.id, r.team_id, r.referrer_id, r.client_name, r.client_email, r.client_id, r.dossier_id,
	coalesce(c.state, ` + consentGiven + `), r.created_at`
	referralFrom = `{schema}.referrals r LEFT JOIN {schema}.dossier_consents c ON c.dossier_id = r.dossier_id`
	// consentGiven is team.ConsentGiven in SQL: the consent of a dossier
	// without a record.
	consentGiven = "1"
)

// The SQL default above must be team.ConsentGiven.
var _ = [1]struct{}{}[team.ConsentGiven-1]

func scanReferral(r scanner) (team.Referral, error) {
	var ref team.Referral
	var consent int16
	var created pgtype.Timestamptz
	err := r.Scan(&ref.ID, &ref.Team, &ref.Referrer, &ref.ClientName, &ref.ClientEmail, &ref.Client, &ref.Dossier, &consent, &created)
	ref.Consent, ref.CreatedAt = team.Consent(consent), tsVal(created)
	return ref, err
}

const referralByID = `SELECT ` + referralCols + ` FROM ` + referralFrom + ` WHERE r.id = $1`

func (w teamTx) Referral(ctx context.Context, id cabinet.ReferralID) (team.Referral, error) {
	return getOne(ctx, w.txn, "referral", string(id), referralByID, []any{string(id)}, scanReferral)
}

func (w teamTx) ListReferrals(ctx context.Context, f team.ReferralFilter, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if f.ClientEmail != "" && f == (team.ReferralFilter{ClientEmail: f.ClientEmail}) &&
		w.none(func(b *bulkState) map[string]bool { return b.none.referrals }, cabinet.EmailKey(f.ClientEmail)) {
		return nil, "", noneCursor(pg.after)
	}
	return w.listReferrals(ctx, f, pg)
}

// listReferrals implements team.ReferralFilter.Match in SQL; the consent
// filter matches the derived consent, so a page holds only matching rows.
func (w teamTx) listReferrals(ctx context.Context, f team.ReferralFilter, pg page) ([]team.Referral, cabinet.Cursor, error) {
	q := &sel{cols: referralCols, from: referralFrom, key: []string{"r.id"}}
	if f.Team != "" {
		q.eq("r.team_id", string(f.Team))
	}
	if f.Referrer != "" {
		q.eq("r.referrer_id", string(f.Referrer))
	}
	if f.Client != "" {
		q.eq("r.client_id", string(f.Client))
	}
	if f.ClientEmail != "" {
		q.eq("r.client_email_key", cabinet.EmailKey(f.ClientEmail))
	}
	if f.Dossier != "" {
		q.eq("r.dossier_id", string(f.Dossier))
	}
	if f.Consent != team.ConsentInvalid {
		q.eq("coalesce(c.state, "+consentGiven+")", int16(f.Consent))
	}
	return list(ctx, w.txn, q, pg, scanReferral, func(r team.Referral) cabinet.Cursor { return keyCursor(string(r.ID)) })
}

// PutReferral implements team.Writer; r.Consent is not stored.
func (w teamTx) PutReferral(ctx context.Context, r team.Referral) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if r.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if err := checkStorable(r); err != nil {
		return err
	}
	if w.bulk != nil {
		delete(w.bulk.none.referrals, cabinet.EmailKey(r.ClientEmail))
	}
	return put(ctx, w.txn, r, before(referralByID, []any{string(r.ID)}, scanReferral), stmt{`INSERT INTO {schema}.referrals
			(id, team_id, referrer_id, client_name, client_email, client_email_key, client_id, dossier_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET team_id = EXCLUDED.team_id, referrer_id = EXCLUDED.referrer_id,
			client_name = EXCLUDED.client_name, client_email = EXCLUDED.client_email,
			client_email_key = EXCLUDED.client_email_key, client_id = EXCLUDED.client_id, dossier_id = EXCLUDED.dossier_id,
			created_at = EXCLUDED.created_at`,
		[]any{string(r.ID), string(r.Team), string(r.Referrer), r.ClientName, r.ClientEmail, cabinet.EmailKey(r.ClientEmail),
			string(r.Client), string(r.Dossier), tsArg(r.CreatedAt)}})
}

// Dossier consents (TEAM-9 v2), keyed by dossier.

const consentCols = `dossier_id, state, changed_by, changed_at`

func scanConsent(r scanner) (team.DossierConsent, error) {
	var c team.DossierConsent
	var state int16
	var changed pgtype.Timestamptz
	err := r.Scan(&c.Dossier, &state, &c.ChangedBy, &changed)
	c.State, c.ChangedAt = team.Consent(state), tsVal(changed)
	return c, err
}

const consentByDossier = `SELECT ` + consentCols + ` FROM {schema}.dossier_consents WHERE dossier_id = $1`

func (w teamTx) DossierConsent(ctx context.Context, dossier cabinet.DossierID) (team.DossierConsent, error) {
	return getOne(ctx, w.txn, "consent of dossier", string(dossier), consentByDossier, []any{string(dossier)}, scanConsent)
}

func (w teamTx) ListDossierConsents(ctx context.Context, f team.ConsentFilter, p cabinet.Page) ([]team.DossierConsent, cabinet.Cursor, error) {
	pg, err := w.pageOf(ctx, p)
	if err != nil {
		return nil, "", err
	}
	q := &sel{cols: consentCols, from: `{schema}.dossier_consents`, key: []string{"dossier_id"}}
	if f.State != team.ConsentInvalid {
		q.eq("state", int16(f.State))
	}
	return list(ctx, w.txn, q, pg, scanConsent, func(c team.DossierConsent) cabinet.Cursor { return keyCursor(string(c.Dossier)) })
}

func (w teamTx) PutDossierConsent(ctx context.Context, c team.DossierConsent) error {
	if err := w.ready(ctx); err != nil {
		return err
	}
	if c.Dossier == "" {
		return cabinet.Invalid("dossier", "is required")
	}
	if !c.State.Valid() {
		return cabinet.Invalid("consent", "must be given or revoked")
	}
	if err := checkStorable(c); err != nil {
		return err
	}
	return put(ctx, w.txn, c, before(consentByDossier, []any{string(c.Dossier)}, scanConsent), stmt{`INSERT INTO {schema}.dossier_consents (dossier_id, state, changed_by, changed_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (dossier_id) DO UPDATE SET state = EXCLUDED.state, changed_by = EXCLUDED.changed_by,
			changed_at = EXCLUDED.changed_at`,
		[]any{string(c.Dossier), int16(c.State), string(c.ChangedBy), tsArg(c.ChangedAt)}})
}
