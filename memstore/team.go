package memstore

import (
	"context"
	"slices"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
	"github.com/cabinet-go/cabinet/team"
)

var _ team.Store = (*Store)(nil)

// teamTables holds the team package's rows and secondary indexes.
type teamTables struct {
	users       *memdb.Table[cabinet.UserID, cabinet.User]
	userByEmail *memdb.Table[string, cabinet.UserID] // EmailKey → user
	teams       *memdb.Table[cabinet.TeamID, team.Team]
	personal    *memdb.Table[cabinet.UserID, cabinet.TeamID] // owner → personal team
	teamsOf     *memdb.Index[cabinet.UserID, cabinet.TeamID] // member → teams
	pendingOf   *memdb.Index[cabinet.UserID, cabinet.TeamID] // lead → pending teams (TEAM-1)
	invitations *memdb.Table[team.InvitationID, team.Invitation]
	invsOfTeam  *memdb.Index[cabinet.TeamID, team.InvitationID]
	invsOfEmail *memdb.Index[string, team.InvitationID] // EmailKey → invitations
	referrals   *memdb.Table[cabinet.ReferralID, team.Referral]
	refsOfTeam  *memdb.Index[cabinet.TeamID, cabinet.ReferralID]
	refsOfEmail *memdb.Index[string, cabinet.ReferralID] // client EmailKey → referrals
	refsOfDoss  *memdb.Index[cabinet.DossierID, cabinet.ReferralID]
	refsBy      *memdb.Index[cabinet.UserID, cabinet.ReferralID] // referrer → referrals
	consents    *memdb.Table[cabinet.DossierID, team.DossierConsent]
}

func (t *teamTables) init() {
	t.users = memdb.NewTable[cabinet.UserID, cabinet.User](nil)
	t.userByEmail = memdb.NewTable[string, cabinet.UserID](nil)
	t.teams = memdb.NewTable[cabinet.TeamID, team.Team](func(v team.Team) team.Team {
		v.Members = slices.Clone(v.Members)
		return v
	})
	t.personal = memdb.NewTable[cabinet.UserID, cabinet.TeamID](nil)
	t.teamsOf = memdb.NewIndex[cabinet.UserID, cabinet.TeamID]()
	t.pendingOf = memdb.NewIndex[cabinet.UserID, cabinet.TeamID]()
	t.invitations = memdb.NewTable[team.InvitationID, team.Invitation](nil)
	t.invsOfTeam = memdb.NewIndex[cabinet.TeamID, team.InvitationID]()
	t.invsOfEmail = memdb.NewIndex[string, team.InvitationID]()
	t.referrals = memdb.NewTable[cabinet.ReferralID, team.Referral](nil)
	t.refsOfTeam = memdb.NewIndex[cabinet.TeamID, cabinet.ReferralID]()
	t.refsOfEmail = memdb.NewIndex[string, cabinet.ReferralID]()
	t.refsOfDoss = memdb.NewIndex[cabinet.DossierID, cabinet.ReferralID]()
	t.refsBy = memdb.NewIndex[cabinet.UserID, cabinet.ReferralID]()
	t.consents = memdb.NewTable[cabinet.DossierID, team.DossierConsent](nil)
}

// ViewTeams implements team.Store.
func (s *Store) ViewTeams(ctx context.Context, fn func(r team.Reader) error) error {
	return s.view(ctx, func(t *txn) error { return fn(s.teamReaderOf(t)) })
}

// UpdateTeams implements team.Store. With RunTwice, fn runs twice.
func (s *Store) UpdateTeams(ctx context.Context, fn func(w team.Writer) error) (cabinet.Revision, error) {
	return s.update(ctx, func(t *txn) error { return fn(s.teamWriterOf(t)) })
}

// TeamReader implements team.Store: the team records of tx, an open
// transaction of this store.
func (s *Store) TeamReader(tx cabinet.Tx) (team.Reader, error) {
	t, err := s.txOf(tx, false)
	if err != nil {
		return nil, err
	}
	return s.teamReaderOf(t), nil
}

// TeamWriter implements team.Store: the team records of tx, an open
// write transaction of this store.
func (s *Store) TeamWriter(tx cabinet.Tx) (team.Writer, error) {
	t, err := s.txOf(tx, true)
	if err != nil {
		return nil, err
	}
	return s.teamWriterOf(t), nil
}

func (s *Store) teamReaderOf(t *txn) teamReader { return teamReader{t: &s.team, x: t} }

func (s *Store) teamWriterOf(t *txn) teamWriter {
	return teamWriter{teamReader: s.teamReaderOf(t), tx: t.w}
}

type teamReader struct {
	t *teamTables
	x *txn
}

// Revision implements team.Reader: the revision of the snapshot.
func (r teamReader) Revision() cabinet.Revision { return r.x.rev }

// Tx implements team.Reader.
func (r teamReader) Tx() cabinet.Tx { return r.x }

type teamWriter struct {
	teamReader
	tx *memdb.Tx
}

func (r teamReader) User(ctx context.Context, id cabinet.UserID) (cabinet.User, error) {
	if err := ctx.Err(); err != nil {
		return cabinet.User{}, err
	}
	u, ok := r.t.users.Get(id)
	if !ok {
		return cabinet.User{}, cabinet.NotFound("user", id)
	}
	return u, nil
}

func (r teamReader) UserByEmail(ctx context.Context, email string) (cabinet.User, error) {
	if err := ctx.Err(); err != nil {
		return cabinet.User{}, err
	}
	id, ok := r.t.userByEmail.Get(cabinet.EmailKey(email))
	if !ok {
		return cabinet.User{}, cabinet.NotFound("user", email)
	}
	return r.User(ctx, id)
}

func (r teamReader) ListUsers(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error) {
	return page(ctx, r.t.users.View(), r.t.users.Get, func(cabinet.User) bool { return true }, p)
}

func (r teamReader) Team(ctx context.Context, id cabinet.TeamID) (team.Team, error) {
	if err := ctx.Err(); err != nil {
		return team.Team{}, err
	}
	t, ok := r.t.teams.Get(id)
	if !ok {
		return team.Team{}, cabinet.NotFound("team", id)
	}
	return t, nil
}

func (r teamReader) PersonalTeam(ctx context.Context, owner cabinet.UserID) (team.Team, error) {
	if err := ctx.Err(); err != nil {
		return team.Team{}, err
	}
	id, ok := r.t.personal.Get(owner)
	if !ok {
		return team.Team{}, cabinet.NotFound("personal team of user", owner)
	}
	return r.Team(ctx, id)
}

func (r teamReader) ListTeams(ctx context.Context, f team.TeamFilter, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
	ids := r.t.teams.View()
	switch {
	case f.Member != "":
		ids = r.t.teamsOf.View(f.Member)
	case f.PendingLead != "":
		ids = r.t.pendingOf.View(f.PendingLead)
	}
	return page(ctx, ids, r.t.teams.Get, f.Match, p)
}

func (r teamReader) Invitation(ctx context.Context, id team.InvitationID) (team.Invitation, error) {
	if err := ctx.Err(); err != nil {
		return team.Invitation{}, err
	}
	inv, ok := r.t.invitations.Get(id)
	if !ok {
		return team.Invitation{}, cabinet.NotFound("invitation", id)
	}
	return inv, nil
}

func (r teamReader) ListInvitations(ctx context.Context, f team.InvitationFilter, p cabinet.Page) ([]team.Invitation, cabinet.Cursor, error) {
	var ids memdb.Keys[team.InvitationID]
	switch {
	case f.Team != "":
		ids = r.t.invsOfTeam.View(f.Team)
	case f.Email != "":
		ids = r.t.invsOfEmail.View(cabinet.EmailKey(f.Email))
	default:
		ids = r.t.invitations.View()
	}
	return page(ctx, ids, r.t.invitations.Get, f.Match, p)
}

func (r teamReader) Referral(ctx context.Context, id cabinet.ReferralID) (team.Referral, error) {
	if err := ctx.Err(); err != nil {
		return team.Referral{}, err
	}
	ref, ok := r.referral(id)
	if !ok {
		return team.Referral{}, cabinet.NotFound("referral", id)
	}
	return ref, nil
}

// referral returns referral id with its Consent derived from its dossier's
// consent record (TEAM-9): ConsentGiven when there is none.
func (r teamReader) referral(id cabinet.ReferralID) (team.Referral, bool) {
	ref, ok := r.t.referrals.Get(id)
	if !ok {
		return ref, false
	}
	ref.Consent = team.ConsentGiven
	if c, ok := r.t.consents.Get(ref.Dossier); ok {
		ref.Consent = c.State
	}
	return ref, true
}

func (r teamReader) ListReferrals(ctx context.Context, f team.ReferralFilter, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
	var ids memdb.Keys[cabinet.ReferralID]
	switch {
	case f.Team != "":
		ids = r.t.refsOfTeam.View(f.Team)
	case f.Dossier != "":
		ids = r.t.refsOfDoss.View(f.Dossier)
	case f.Referrer != "":
		ids = r.t.refsBy.View(f.Referrer)
	case f.ClientEmail != "":
		ids = r.t.refsOfEmail.View(cabinet.EmailKey(f.ClientEmail))
	default:
		ids = r.t.referrals.View()
	}
	return page(ctx, ids, r.referral, f.Match, p)
}

func (r teamReader) DossierConsent(ctx context.Context, dossier cabinet.DossierID) (team.DossierConsent, error) {
	if err := ctx.Err(); err != nil {
		return team.DossierConsent{}, err
	}
	c, ok := r.t.consents.Get(dossier)
	if !ok {
		return team.DossierConsent{}, cabinet.NotFound("consent of dossier", dossier)
	}
	return c, nil
}

func (r teamReader) ListDossierConsents(ctx context.Context, f team.ConsentFilter, p cabinet.Page) ([]team.DossierConsent, cabinet.Cursor, error) {
	return page(ctx, r.t.consents.View(), r.t.consents.Get, f.Match, p)
}

func (w teamWriter) PutUser(ctx context.Context, u cabinet.User) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.users, u.ID, u)
	if u.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	key := cabinet.EmailKey(u.Email)
	if other, ok := w.t.userByEmail.Get(key); ok && other != u.ID {
		return cabinet.Conflict("", "user %s already has this email", other)
	}
	if old, ok := w.t.users.Get(u.ID); ok {
		w.t.userByEmail.Delete(w.tx, cabinet.EmailKey(old.Email))
	}
	w.t.users.Put(w.tx, u.ID, u)
	w.t.userByEmail.Put(w.tx, key, u.ID)
	return nil
}

func (w teamWriter) PutTeam(ctx context.Context, t team.Team) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.teams, t.ID, t)
	if t.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if t.Personal {
		if other, ok := w.t.personal.Get(t.Owner); ok && other != t.ID {
			return cabinet.Conflict("TEAM-6", "user %s already has personal team %s", t.Owner, other)
		}
	}
	w.unindexTeam(t.ID)
	w.t.teams.Put(w.tx, t.ID, t)
	for _, m := range t.Members {
		w.t.teamsOf.Add(w.tx, m.User, t.ID)
	}
	if t.Pending {
		w.t.pendingOf.Add(w.tx, t.Lead, t.ID)
	}
	if t.Personal {
		w.t.personal.Put(w.tx, t.Owner, t.ID)
	}
	return nil
}

func (w teamWriter) unindexTeam(id cabinet.TeamID) {
	old, ok := w.t.teams.Get(id)
	if !ok {
		return
	}
	for _, m := range old.Members {
		w.t.teamsOf.Remove(w.tx, m.User, id)
	}
	if old.Pending {
		w.t.pendingOf.Remove(w.tx, old.Lead, id)
	}
	if old.Personal {
		w.t.personal.Delete(w.tx, old.Owner)
	}
}

func (w teamWriter) DeleteTeam(ctx context.Context, id cabinet.TeamID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.teams, id)
	if !w.t.teams.Has(id) {
		return cabinet.NotFound("team", id)
	}
	w.unindexTeam(id)
	w.t.teams.Delete(w.tx, id)
	return nil
}

func (w teamWriter) PutInvitation(ctx context.Context, inv team.Invitation) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.invitations, inv.ID, inv)
	if inv.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	w.unindexInvitation(inv.ID)
	w.t.invitations.Put(w.tx, inv.ID, inv)
	w.t.invsOfTeam.Add(w.tx, inv.Team, inv.ID)
	w.t.invsOfEmail.Add(w.tx, cabinet.EmailKey(inv.Email), inv.ID)
	return nil
}

func (w teamWriter) unindexInvitation(id team.InvitationID) {
	if old, ok := w.t.invitations.Get(id); ok {
		w.t.invsOfTeam.Remove(w.tx, old.Team, id)
		w.t.invsOfEmail.Remove(w.tx, cabinet.EmailKey(old.Email), id)
	}
}

func (w teamWriter) DeleteInvitation(ctx context.Context, id team.InvitationID) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchDelete(w.x, w.t.invitations, id)
	if !w.t.invitations.Has(id) {
		return cabinet.NotFound("invitation", id)
	}
	w.unindexInvitation(id)
	w.t.invitations.Delete(w.tx, id)
	return nil
}

func (w teamWriter) PutReferral(ctx context.Context, r team.Referral) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.referrals, r.ID, r)
	if r.ID == "" {
		return cabinet.Invalid("id", "is required")
	}
	if old, ok := w.t.referrals.Get(r.ID); ok {
		w.t.refsOfTeam.Remove(w.tx, old.Team, r.ID)
		w.t.refsOfEmail.Remove(w.tx, cabinet.EmailKey(old.ClientEmail), r.ID)
		w.t.refsOfDoss.Remove(w.tx, old.Dossier, r.ID)
		w.t.refsBy.Remove(w.tx, old.Referrer, r.ID)
	}
	r.Consent = team.ConsentInvalid // derived when read, never stored
	w.t.referrals.Put(w.tx, r.ID, r)
	w.t.refsOfTeam.Add(w.tx, r.Team, r.ID)
	w.t.refsOfEmail.Add(w.tx, cabinet.EmailKey(r.ClientEmail), r.ID)
	w.t.refsOfDoss.Add(w.tx, r.Dossier, r.ID)
	w.t.refsBy.Add(w.tx, r.Referrer, r.ID)
	return nil
}

func (w teamWriter) PutDossierConsent(ctx context.Context, c team.DossierConsent) error {
	if err := w.x.write(ctx); err != nil {
		return err
	}
	touchPut(w.x, w.t.consents, c.Dossier, c)
	if c.Dossier == "" {
		return cabinet.Invalid("dossier", "is required")
	}
	if !c.State.Valid() {
		return cabinet.Invalid("consent", "must be given or revoked")
	}
	w.t.consents.Put(w.tx, c.Dossier, c)
	return nil
}
