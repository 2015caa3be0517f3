package access_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// requireFailed checks that err wraps sentinel and names rule (if any), and
// that the command changed nothing and published nothing (invariant 8).
func requireFailed(t *testing.T, w *world, before snapshot, err error, sentinel error, rule string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	if rule != "" {
		assert.Equal(t, rule, cabinet.RuleOf(err), "rule of %v", err)
	}
	if diff := cmp.Diff(before, w.snapshot()); diff != "" {
		t.Fatalf("failed command changed the store (-before +after):\n%s", diff)
	}
	assert.Empty(t, w.log.Names(), "failed command published events")
}

func TestDossierLifecycle(t *testing.T) {
	w := newService(t)
	t.Run("any collaborator creates a dossier and manages it (ACC-1)", func(t *testing.T) {
		d, _, err := w.svc.CreateDossier(w.ctx, uOther, office, "  Durand ")
		require.NoError(t, err)
		assert.Equal(t, "Durand", d.Name)
		assert.Equal(t, cabinet.DossierDraft, d.Status)
		assert.Equal(t, uOther, d.Manager)
		f, err := w.dossierFacts(d.ID)
		require.NoError(t, err)
		assert.Equal(t, cabinet.DossierFacts{ID: d.ID, Office: office, Status: cabinet.DossierDraft, Manager: uOther}, f)
		assert.Equal(t, []string{"access.dossier_created"}, w.log.Names())
	})
	t.Run("outsiders cannot create (ACC-1)", func(t *testing.T) {
		w.log.Reset()
		before := w.snapshot()
		_, _, err := w.svc.CreateDossier(w.ctx, uStrange, office, "X")
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1")
		_, _, err = w.svc.CreateDossier(w.ctx, uMgr, office, "  ")
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "name", cabinet.FieldOf(err))
		_, _, err = w.svc.CreateDossier(w.ctx, "", office, "X")
		assert.Equal(t, "actor", cabinet.FieldOf(err))
	})

	w = newWorld(t)
	id := w.dossier.ID
	t.Run("facts list assigned ascending without the manager", func(t *testing.T) {
		require.NoError(t, errOf(w.svc.SetAssigned(w.ctx, uAdmin, id, []cabinet.UserID{uOther, uMgr, uCol, uOther})))
		f, err := w.dossierFacts(id)
		require.NoError(t, err)
		assert.Equal(t, []cabinet.UserID{uCol, uOther}, f.Assigned)
		assert.Equal(t, uMgr, f.Manager)
		require.NoError(t, errOf(w.svc.SetManager(w.ctx, uAdmin, id, uOther)))
		f, err = w.dossierFacts(id)
		require.NoError(t, err)
		assert.Equal(t, []cabinet.UserID{uCol}, f.Assigned)
		assert.Equal(t, uOther, f.Manager)
		require.NoError(t, errOf(w.svc.SetManager(w.ctx, uOther, id, uMgr))) // the current manager hands over
		ev := w.log.Events()
		assert.Equal(t, access.DossierManagerSet{Dossier: id, Office: office, Previous: uOther, Manager: uMgr, Assigned: []cabinet.UserID{uCol}}, ev[len(ev)-1])
		_, err = w.dossierFacts("nope")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
	})
	t.Run("organising the dossier needs admin or manager (ACC-1)", func(t *testing.T) {
		w.log.Reset()
		before := w.snapshot()
		for _, actor := range []cabinet.UserID{uCol, uOther, uHolder, uNotary, uStrange} {
			requireFailed(t, w, before, errOf(w.svc.SetManager(w.ctx, actor, id, uCol)), cabinet.ErrForbidden, "ACC-1")
			requireFailed(t, w, before, errOf(w.svc.SetAssigned(w.ctx, actor, id, nil)), cabinet.ErrForbidden, "ACC-1")
			requireFailed(t, w, before, errOf(w.svc.SetStatus(w.ctx, actor, id, cabinet.DossierArchived)), cabinet.ErrForbidden, "ACC-1")
		}
		_, _, err := w.svc.SetManager(w.ctx, uAdmin, id, uStrange)
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "manager", cabinet.FieldOf(err))
		_, _, err = w.svc.SetAssigned(w.ctx, uAdmin, id, []cabinet.UserID{uHolder})
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "assigned", cabinet.FieldOf(err))
		requireFailed(t, w, before, errOf(w.svc.SetStatus(w.ctx, uAdmin, id, cabinet.DossierDraft)), cabinet.ErrConflict, "")
		_, _, err = w.svc.SetStatus(w.ctx, uAdmin, id, cabinet.DossierStatus(9))
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "status", cabinet.FieldOf(err))
		requireFailed(t, w, before, errOf(w.svc.SetStatus(w.ctx, uAdmin, "nope", cabinet.DossierArchived)), cabinet.ErrNotFound, "")
	})
	t.Run("an archived dossier is frozen until reactivated", func(t *testing.T) {
		require.NoError(t, errOf(w.svc.SetStatus(w.ctx, uAdmin, id, cabinet.DossierArchived)))
		w.log.Reset()
		before := w.snapshot()
		_, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "")
		_, _, err = w.svc.AddPerson(w.ctx, uMgr, id, access.PersonInput{Name: "X", Relation: access.RelationOther})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "")
		requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.notaryGrant.ID, access.LevelReadOnly)), cabinet.ErrConflict, "")
		requireFailed(t, w, before, errOf(w.svc.SetManager(w.ctx, uMgr, id, uCol)), cabinet.ErrConflict, "")
		// Grants survive archiving: the holder can still view (ACC-6).
		g, ok := w.grantOf(w.holder.ID)
		require.True(t, ok)
		assert.NoError(t, access.GrantAllows(g, access.View()))
		require.NoError(t, errOf(w.svc.SetStatus(w.ctx, uMgr, id, cabinet.DossierActivated)))
		assert.Equal(t, []string{"access.dossier_status_changed"}, w.log.Names())
	})
}

// ACC-2: the family tree; access only to persons of the tree; central
// persons are holder and co-holders; one holder per tree.
func TestFamilyTreeACC2(t *testing.T) {
	for _, r := range access.Relations() {
		assert.Equal(t, r == access.RelationHolder || r == access.RelationCoHolder, r.Central(), r.String())
		got, err := access.ParseRelation(r.String())
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	_, err := access.ParseRelation("cousin")
	assert.Equal(t, "relation", cabinet.FieldOf(err))

	w := newWorld(t)
	before := w.snapshot()
	_, _, err = w.svc.GrantPerson(w.ctx, uMgr, "per_unknown", access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
	requireFailed(t, w, before, err, cabinet.ErrNotFound, "")
	_, _, err = w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: "Second holder", Relation: access.RelationHolder})
	requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-2")
	_, _, err = w.svc.EditPerson(w.ctx, uMgr, w.spouse.ID, access.PersonInput{Name: "Eve", Relation: access.RelationHolder})
	requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-2")
	_, _, err = w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: "X", Relation: access.RelationInvalid})
	requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
	assert.Equal(t, "relation", cabinet.FieldOf(err))

	p, _, err := w.svc.EditPerson(w.ctx, uMgr, w.spouse.ID, access.PersonInput{Name: "Eve Martin-Roy", Relation: access.RelationCoHolder})
	require.NoError(t, err)
	assert.Equal(t, access.RelationCoHolder, p.Relation)
	require.NoError(t, errRev(w.svc.RemovePerson(w.ctx, uMgr, w.spouse.ID)))
	assert.Equal(t, []string{"access.person_edited", "access.person_removed"}, w.log.Names())
}

// ACC-3: email and phone are both required and valid; the phone is stored
// in E.164.
func TestGrantNeedsEmailAndPhoneACC3(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name         string
		email, phone string
		level        access.Level
		field        string
	}{
		{"missing email", "", phone, access.LevelReadOnly, "email"},
		{"bad email", "léa at example", phone, access.LevelReadOnly, "email"},
		{"missing phone", childEmail, "", access.LevelReadOnly, "phone"},
		{"bad phone", childEmail, "12", access.LevelReadOnly, "phone"},
		{"letters in phone", childEmail, "06 12 AB 56 78", access.LevelReadOnly, "phone"},
		{"no level", childEmail, phone, access.LevelInvalid, "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.snapshot()
			// Even the manager, for a valid person: the input is checked first.
			_, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: tt.email, Phone: tt.phone, Level: tt.level})
			requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
			assert.Equal(t, tt.field, cabinet.FieldOf(err))
		})
	}
	t.Run("advisor registration validates too", func(t *testing.T) {
		before := w.snapshot()
		_, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "B", Email: "b@example.com", Phone: "+33 1", Type: access.AdvisorBanker})
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "phone", cabinet.FieldOf(err))
	})
	t.Run("valid values are normalised", func(t *testing.T) {
		g, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: " Lea@EXAMPLE.com ", Phone: "06.98.76.54.32", Level: access.LevelReadOnly})
		require.NoError(t, err)
		assert.Equal(t, "Lea@example.com", g.Email)
		assert.Equal(t, "+33698765432", g.Phone)
	})
}

// ACC-4: read_only or read_write, changeable both ways, also for central
// persons (ACC-6).
func TestChangeLevelACC4(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadOnly)))
	g, _ := w.grantOf(w.holder.ID)
	assert.Equal(t, access.LevelReadOnly, g.Level)
	assert.Error(t, access.GrantAllows(g, access.Edit(access.SectionAssetInventory)))
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadWrite)))
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadWrite))) // no-op
	assert.Equal(t, []cabinet.Event{
		access.GrantLevelChanged{Grant: w.holderGrant.ID, Dossier: w.dossier.ID, Office: office, Person: w.holder.ID, User: uHolder, From: access.LevelReadWrite, To: access.LevelReadOnly},
		access.GrantLevelChanged{Grant: w.holderGrant.ID, Dossier: w.dossier.ID, Office: office, Person: w.holder.ID, User: uHolder, From: access.LevelReadOnly, To: access.LevelReadWrite},
	}, w.log.Events())
	w.log.Reset()
	before := w.snapshot()
	_, _, err := w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.Level(7))
	requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
	assert.Equal(t, "level", cabinet.FieldOf(err))
	requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, uMgr, "grant_nope", access.LevelReadOnly)), cabinet.ErrNotFound, "")
	_, _, err = w.svc.GrantPerson(w.ctx, uMgr, w.holder.ID, access.GrantInput{Email: holderEmail, Phone: phone, Level: access.LevelReadOnly})
	requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-4")
	for _, l := range []access.Level{access.LevelReadOnly, access.LevelReadWrite} {
		got, err := access.ParseLevel(l.String())
		require.NoError(t, err)
		assert.Equal(t, l, got)
	}
	_, err = access.ParseLevel("admin")
	assert.Equal(t, "level", cabinet.FieldOf(err))
}

// ACC-5: invitation or notification; reminders at 7 and 30 days while no
// account; each once; none after sign-up or revocation.
func TestInvitationsAndRemindersACC5(t *testing.T) {
	w := newWorld(t)
	t.Run("a grantee with an account is notified", func(t *testing.T) {
		// newWorld granted the holder, whose email had an account.
		assert.Equal(t, uHolder, w.holderGrant.User)
		assert.True(t, w.holderGrant.InvitedAt.IsZero())
	})
	child, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	spouse, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.spouse.ID, access.GrantInput{Email: "eve@example.com", Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	t.Run("a grantee without an account is invited", func(t *testing.T) {
		assert.Equal(t, cabinet.UserID(""), child.User)
		assert.Equal(t, start, child.InvitedAt)
		ev := w.log.Events()
		require.Len(t, ev, 4)
		assert.Equal(t, access.GrantCreated{Grant: child}, ev[0])
		assert.Equal(t, access.InvitationSent{Grant: child.ID, Dossier: w.dossier.ID, Office: office, Person: w.child.ID, Email: childEmail, Phone: "+33612345678", At: start}, ev[1])
	})
	w.log.Reset()
	send := func() []access.ReminderDue {
		t.Helper()
		due, _, err := w.svc.SendDueReminders(w.ctx, "scheduler")
		require.NoError(t, err)
		return due
	}
	t.Run("nothing before 7 days", func(t *testing.T) {
		w.clock.Set(start.Add(7*24*time.Hour - time.Second))
		assert.Empty(t, send())
		assert.Empty(t, w.log.Names())
	})
	t.Run("the 7-day reminder, once", func(t *testing.T) {
		w.clock.Set(start.Add(7 * 24 * time.Hour))
		preview, err := w.svc.DueReminders(w.ctx, "scheduler")
		require.NoError(t, err)
		due := send()
		assert.Equal(t, preview, due)
		require.Len(t, due, 2)
		if due[0].Grant != child.ID {
			due[0], due[1] = due[1], due[0]
		}
		assert.Equal(t, access.ReminderDue{Grant: child.ID, Dossier: w.dossier.ID, Office: office, Person: w.child.ID, Email: childEmail,
			Number: 1, InvitedAt: start, DueAt: start.Add(access.FirstReminderDelay)}, due[0])
		assert.Equal(t, []string{"access.reminder_due", "access.reminder_due"}, w.log.Names())
		assert.Empty(t, send())
		w.clock.Advance(24 * time.Hour)
		assert.Empty(t, send())
	})
	t.Run("none after sign-up; linking is idempotent", func(t *testing.T) {
		w.log.Reset()
		u := newUser(uChild, "CHILD@example.com")
		require.NoError(t, signUp(w.ctx, w.store, w.svc, u))
		require.NoError(t, signUp(w.ctx, w.store, w.svc, u))
		assert.Equal(t, []cabinet.Event{access.GranteeLinked{Grant: child.ID, Dossier: w.dossier.ID, Office: office, Person: w.child.ID, User: uChild, Email: childEmail}}, w.log.Events())
		g, _ := w.grantOf(w.child.ID)
		assert.Equal(t, uChild, g.User)
		assert.Error(t, signUp(w.ctx, w.store, w.svc, cabinet.User{ID: "u_x", Email: "nope"}))
	})
	t.Run("none after revocation", func(t *testing.T) {
		require.NoError(t, errRev(w.svc.Revoke(w.ctx, uMgr, spouse.ID)))
	})
	t.Run("the 30-day reminder only for who still waits", func(t *testing.T) {
		other, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.coHolder.ID, access.GrantInput{Email: "paul@example.com", Phone: phone, Level: access.LevelReadOnly})
		require.NoError(t, err)
		w.log.Reset()
		w.clock.Set(start.Add(60 * 24 * time.Hour))
		due := send()
		// The co-holder was invited at day 8: at day 60 only their 30-day
		// reminder is sent (the 7-day one is skipped as superseded).
		require.Len(t, due, 1)
		assert.Equal(t, other.ID, due[0].Grant)
		assert.Equal(t, uint8(2), due[0].Number)
		assert.Empty(t, send())
		w.clock.Advance(365 * 24 * time.Hour)
		assert.Empty(t, send())
	})
}

// ACC-6: a central person's access is never revoked, by anyone.
func TestCentralGrantIrrevocableACC6(t *testing.T) {
	w := newWorld(t)
	coGrant, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.coHolder.ID, access.GrantInput{Email: "paul@example.com", Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	w.log.Reset()
	before := w.snapshot()
	for _, actor := range []cabinet.UserID{uMgr, uAdmin, uHolder, uNotary} {
		// An invariant about the grant, not a permission: ErrConflict.
		requireFailed(t, w, before, errRev(w.svc.Revoke(w.ctx, actor, w.holderGrant.ID)), cabinet.ErrConflict, "ACC-6")
		requireFailed(t, w, before, errRev(w.svc.Revoke(w.ctx, actor, coGrant.ID)), cabinet.ErrConflict, "ACC-6")
	}
	requireFailed(t, w, before, errRev(w.svc.RemovePerson(w.ctx, uMgr, w.holder.ID)), cabinet.ErrConflict, "ACC-6")
	_, _, err = w.svc.EditPerson(w.ctx, uMgr, w.holder.ID, access.PersonInput{Name: "Anne", Relation: access.RelationSpouse})
	requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-6")
	assert.ErrorIs(t, access.CanRevoke(w.holderGrant), cabinet.ErrConflict)
	assert.NotErrorIs(t, access.CanRevoke(w.holderGrant), cabinet.ErrForbidden)
	// Its level can still change.
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, coGrant.ID, access.LevelReadWrite)))
	// A non-central grantee made central becomes irrevocable too (manager only).
	kid, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	require.NoError(t, access.CanRevoke(kid))
	w.log.Reset()
	before = w.snapshot()
	_, _, err = w.svc.EditPerson(w.ctx, uHolder, w.child.ID, access.PersonInput{Name: "Léa", Relation: access.RelationCoHolder})
	requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2") // v2: who is central is the manager's decision (was ACC-7)
	_, _, err = w.svc.EditPerson(w.ctx, uMgr, w.child.ID, access.PersonInput{Name: "Léa", Relation: access.RelationCoHolder})
	require.NoError(t, err)
	g, _ := w.grantOf(w.child.ID)
	assert.True(t, g.Central)
	assert.ErrorIs(t, errRev(w.svc.Revoke(w.ctx, uMgr, kid.ID)), cabinet.ErrConflict)
}

// ACC-7: a granted central person grants and revokes non-central persons,
// never central persons nor external advisors.
func TestCentralPersonManagesFamilyACC7(t *testing.T) {
	w := newWorld(t)
	g, _, err := w.svc.GrantPerson(w.ctx, uHolder, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadWrite})
	require.NoError(t, err)
	assert.Equal(t, uHolder, g.GrantedBy)
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uHolder, g.ID, access.LevelReadOnly)))
	require.NoError(t, errRev(w.svc.Revoke(w.ctx, uHolder, g.ID)))
	w.log.Reset()
	before := w.snapshot()
	_, _, err = w.svc.GrantPerson(w.ctx, uHolder, w.coHolder.ID, access.GrantInput{Email: "paul@example.com", Phone: phone, Level: access.LevelReadOnly})
	requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-7")
	requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, uHolder, w.holderGrant.ID, access.LevelReadOnly)), cabinet.ErrForbidden, "ACC-7")
	requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, uHolder, w.notaryGrant.ID, access.LevelReadOnly)), cabinet.ErrForbidden, "ACC-9")
	requireFailed(t, w, before, errRev(w.svc.Revoke(w.ctx, uHolder, w.notaryGrant.ID)), cabinet.ErrForbidden, "ACC-9")
	_, _, err = w.svc.GrantAdvisor(w.ctx, uHolder, w.notary.ID, access.LevelReadOnly)
	requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-9")
	_, _, err = w.svc.RegisterAdvisor(w.ctx, uHolder, w.dossier.ID, access.AdvisorInput{Name: "Bank", Email: "bank@example.com", Phone: phone, Type: access.AdvisorBanker})
	requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-9")
	// A central person without a grant has no ACC-7 right: ACC-1 applies.
	w.signUp("u_paul", "paul@example.com")
	w.log.Reset()
	before = w.snapshot()
	_, _, err = w.svc.GrantPerson(w.ctx, "u_paul", w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
	requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1")
}

// ACC-1: only the manager manages outside access; admins and assigned
// collaborators cannot, though they can organise or open the dossier.
func TestOnlyManagerManagesExternalAccessACC1(t *testing.T) {
	w := newWorld(t)
	before := w.snapshot()
	for _, actor := range []cabinet.UserID{uAdmin, uCol, uOther, uStrange, uNotary} {
		_, _, err := w.svc.GrantPerson(w.ctx, actor, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1")
	}
	assert.NoError(t, access.CanManageExternalAccess(w.dossier, access.Actor{ID: uMgr, Profile: cabinet.ProfileStandard}))
	assert.Equal(t, "ACC-1", cabinet.RuleOf(access.CanManageExternalAccess(w.dossier, access.Actor{ID: uAdmin, Profile: cabinet.ProfileAdmin})))
	// The admin can change who the manager is, and then the new manager can.
	require.NoError(t, errOf(w.svc.SetManager(w.ctx, uAdmin, w.dossier.ID, uCol)))
	_, _, err := w.svc.GrantPerson(w.ctx, uCol, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	_, _, err = w.svc.GrantPerson(w.ctx, uMgr, w.spouse.ID, access.GrantInput{Email: "eve@example.com", Phone: phone, Level: access.LevelReadOnly})
	assert.Equal(t, "ACC-1", cabinet.RuleOf(err))
	// A dossier without a manager: nobody manages outside access.
	require.NoError(t, errOf(w.svc.SetManager(w.ctx, uAdmin, w.dossier.ID, "")))
	_, _, err = w.svc.GrantPerson(w.ctx, uAdmin, w.spouse.ID, access.GrantInput{Email: "eve@example.com", Phone: phone, Level: access.LevelReadOnly})
	assert.Equal(t, "ACC-1", cabinet.RuleOf(err))
}

// ACC-8: an advisor is registered first; registering grants nothing.
func TestAdvisorRegistrationACC8(t *testing.T) {
	w := newWorld(t)
	a, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: " Banque X ", Email: "bank@example.com", Phone: "+33 1 23 45 67 89", Type: access.AdvisorBanker})
	require.NoError(t, err)
	assert.Equal(t, "Banque X", a.Name)
	assert.Equal(t, "+33123456789", a.Phone)
	assert.Equal(t, []cabinet.Event{access.AdvisorRegistered{Office: office, Advisor: a}}, w.log.Events())
	err = w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		_, err := r.GrantOfAdvisor(w.ctx, a.ID)
		return err
	})
	assert.ErrorIs(t, err, cabinet.ErrNotFound, "registering must not grant")
	w.log.Reset()
	before := w.snapshot()
	_, _, err = w.svc.GrantAdvisor(w.ctx, uMgr, "adv_unregistered", access.LevelReadOnly)
	requireFailed(t, w, before, err, cabinet.ErrNotFound, "")
	_, _, err = w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "Y", Email: "y@example.com", Phone: phone})
	requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
	assert.Equal(t, "type", cabinet.FieldOf(err))
	g, _, err := w.svc.GrantAdvisor(w.ctx, uMgr, a.ID, access.LevelReadOnly)
	require.NoError(t, err)
	assert.Equal(t, access.GranteeAdvisor, g.Kind)
	assert.Equal(t, []string{"access.grant_created", "access.invitation_sent"}, w.log.Names())
	// Removing the advisor revokes their access.
	w.log.Reset()
	require.NoError(t, errRev(w.svc.RemoveAdvisor(w.ctx, uMgr, a.ID)))
	assert.Equal(t, []string{"access.advisor_removed", "access.grant_revoked"}, w.log.Names())
	for _, at := range []access.AdvisorType{access.AdvisorBanker, access.AdvisorNotary, access.AdvisorLawyer, access.AdvisorAccountant, access.AdvisorInsurer, access.AdvisorOther} {
		got, err := access.ParseAdvisorType(at.String())
		require.NoError(t, err)
		assert.Equal(t, at, got)
	}
}

// ACC-9: only the manager grants, changes or revokes an advisor's access.
func TestOnlyManagerManagesAdvisorsACC9(t *testing.T) {
	w := newWorld(t)
	before := w.snapshot()
	for _, actor := range []cabinet.UserID{uAdmin, uCol, uHolder, uNotary} {
		requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, actor, w.notaryGrant.ID, access.LevelReadOnly)), cabinet.ErrForbidden, "ACC-9")
		requireFailed(t, w, before, errRev(w.svc.Revoke(w.ctx, actor, w.notaryGrant.ID)), cabinet.ErrForbidden, "ACC-9")
		requireFailed(t, w, before, errRev(w.svc.RemoveAdvisor(w.ctx, actor, w.notary.ID)), cabinet.ErrForbidden, "ACC-9")
	}
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.notaryGrant.ID, access.LevelReadOnly)))
	require.NoError(t, errRev(w.svc.Revoke(w.ctx, uMgr, w.notaryGrant.ID)))
	assert.Equal(t, []string{"access.grant_level_changed", "access.grant_revoked"}, w.log.Names())
}

// ACC-10, ACC-11: a read_write grantee edits the family structure; a
// read_only one cannot; collaborators on the dossier can.
func TestFamilyTreeEditingACC11(t *testing.T) {
	w := newWorld(t)
	_, _, err := w.svc.AddPerson(w.ctx, uHolder, w.dossier.ID, access.PersonInput{Name: "Tom", Relation: access.RelationChild})
	require.NoError(t, err, "read_write holder edits family_structure (ACC-11)")
	_, _, err = w.svc.AddPerson(w.ctx, uNotary, w.dossier.ID, access.PersonInput{Name: "Zoé", Relation: access.RelationChild})
	require.NoError(t, err, "read_write advisor edits family_structure (ACC-10)")
	_, _, err = w.svc.AddPerson(w.ctx, uCol, w.dossier.ID, access.PersonInput{Name: "Max", Relation: access.RelationOther})
	require.NoError(t, err)
	_, _, err = w.svc.AddPerson(w.ctx, uAdmin, w.dossier.ID, access.PersonInput{Name: "Ida", Relation: access.RelationParent})
	require.NoError(t, err)
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadOnly)))
	w.log.Reset()
	before := w.snapshot()
	for _, actor := range []cabinet.UserID{uHolder, uOther, uStrange} {
		_, _, err = w.svc.AddPerson(w.ctx, actor, w.dossier.ID, access.PersonInput{Name: "Bob", Relation: access.RelationChild})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-11")
	}
	// A read_write family member may remove a person only if they may also
	// revoke that person's grant.
	require.NoError(t, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadWrite)))
	kid, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadWrite})
	require.NoError(t, err)
	w.signUp(uChild, childEmail)
	// The spouse holds a grant: the child (not central) cannot revoke it.
	_, _, err = w.svc.GrantPerson(w.ctx, uMgr, w.spouse.ID, access.GrantInput{Email: "eve@example.com", Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	w.log.Reset()
	before = w.snapshot()
	requireFailed(t, w, before, errRev(w.svc.RemovePerson(w.ctx, uChild, w.spouse.ID)), cabinet.ErrForbidden, "ACC-1")
	require.NoError(t, errRev(w.svc.RemovePerson(w.ctx, uHolder, w.child.ID)))
	assert.Equal(t, []cabinet.Event{access.PersonRemoved{Office: office, Dossier: w.dossier.ID, Person: w.child.ID}, access.GrantRevoked{Grant: func() access.Grant { kid.User = uChild; return kid }()}}, w.log.Events())
}
