package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/team"
)

// The tests of the rules changed or added by SPEC v2 (issue 11) and the
// seed features of issue 12, each attack of issue 11 shown impossible.

// grantChild grants the child at childEmail and level, by actor.
func (w *world) grantChild(actor cabinet.UserID, level access.Level) (access.Grant, error) {
	g, _, err := w.svc.GrantPerson(w.ctx, actor, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: level})
	return g, err
}

// removeCollaborator takes user out of the office through clientgroup, as
// an admin would (GRP-11).
func (w *world) removeCollaborator(user cabinet.UserID) {
	w.t.Helper()
	_, err := w.groups.RemoveCollaborator(w.ctx, uAdmin, office, user)
	require.NoError(w.t, err)
}

// ACC-2 v2: who is central is an access decision, the manager's alone.
func TestACC2CentralPersonsAreTheManagers(t *testing.T) {
	w := newWorld(t)
	// A read_write family member: the child, granted read_write and signed up.
	_, err := w.grantChild(uMgr, access.LevelReadWrite)
	require.NoError(t, err)
	w.signUp(uChild, childEmail)
	w.log.Reset()

	t.Run("attack: a read_write family member adds a co-holder", func(t *testing.T) {
		before := w.snapshot()
		_, _, err := w.svc.AddPerson(w.ctx, uChild, w.dossier.ID, access.PersonInput{Name: "Mallory", Relation: access.RelationCoHolder})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2")
	})
	t.Run("attack: a read_write family member demotes a not yet granted holder", func(t *testing.T) {
		// The co-holder has no grant yet: demoting them to other would take
		// them out of the central persons before the manager grants them.
		before := w.snapshot()
		_, _, err := w.svc.EditPerson(w.ctx, uChild, w.coHolder.ID, access.PersonInput{Name: w.coHolder.Name, Relation: access.RelationOther})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2")
	})
	t.Run("attack: a read_write family member removes a not yet granted co-holder", func(t *testing.T) {
		before := w.snapshot()
		err := errRev(w.svc.RemovePerson(w.ctx, uChild, w.coHolder.ID))
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2")
	})
	t.Run("nor do admins, assigned collaborators, holders or advisors", func(t *testing.T) {
		before := w.snapshot()
		for _, actor := range []cabinet.UserID{uAdmin, uCol, uHolder, uNotary} {
			_, _, err := w.svc.AddPerson(w.ctx, actor, w.dossier.ID, access.PersonInput{Name: "X", Relation: access.RelationCoHolder})
			requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2")
			_, _, err = w.svc.EditPerson(w.ctx, actor, w.spouse.ID, access.PersonInput{Name: "Eve", Relation: access.RelationCoHolder})
			requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2")
			_, _, err = w.svc.EditPerson(w.ctx, actor, w.coHolder.ID, access.PersonInput{Name: "Paul M.", Relation: access.RelationCoHolder})
			requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-2")
			requireFailed(t, w, before, errRev(w.svc.RemovePerson(w.ctx, actor, w.coHolder.ID)), cabinet.ErrForbidden, "ACC-2")
		}
	})
	t.Run("everything else about non-central persons is theirs", func(t *testing.T) {
		tom, _, err := w.svc.AddPerson(w.ctx, uChild, w.dossier.ID, access.PersonInput{Name: "Tom", Relation: access.RelationChild})
		require.NoError(t, err)
		_, _, err = w.svc.EditPerson(w.ctx, uChild, tom.ID, access.PersonInput{Name: "Tom Martin", Relation: access.RelationOther})
		require.NoError(t, err)
		_, _, err = w.svc.EditPerson(w.ctx, uCol, w.spouse.ID, access.PersonInput{Name: "Eve M.", Relation: access.RelationParent})
		require.NoError(t, err)
		require.NoError(t, errRev(w.svc.RemovePerson(w.ctx, uAdmin, tom.ID)))
	})
	t.Run("the manager decides who is central", func(t *testing.T) {
		p, _, err := w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: "Zoé", Relation: access.RelationCoHolder})
		require.NoError(t, err)
		_, _, err = w.svc.EditPerson(w.ctx, uMgr, p.ID, access.PersonInput{Name: "Zoé", Relation: access.RelationChild})
		require.NoError(t, err)
		_, _, err = w.svc.EditPerson(w.ctx, uMgr, w.coHolder.ID, access.PersonInput{Name: "Paul", Relation: access.RelationSpouse})
		require.NoError(t, err)
		require.NoError(t, errRev(w.svc.RemovePerson(w.ctx, uMgr, p.ID)))
	})
	t.Run("a manager who left the office decides nothing (GRP-11)", func(t *testing.T) {
		w := newWorld(t)
		w.removeCollaborator(uMgr)
		w.log.Reset()
		before := w.snapshot()
		_, _, err := w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: "X", Relation: access.RelationCoHolder})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-11")
		// Even a dossier that still names them (a store not yet released)
		// gives them no ACC-2 right: the predicate checks the profile.
		d := w.getDossier()
		d.Manager = uMgr
		err = access.CanEditPerson(d, access.Actor{ID: uMgr, Routes: cabinet.NoRoutes}, access.RelationInvalid, access.RelationCoHolder, access.Grant{})
		assert.Equal(t, "ACC-11", cabinet.RuleOf(err))
		err = access.CanEditPerson(d, access.Actor{ID: uMgr, Held: []access.Grant{{Dossier: d.ID, User: uMgr, Kind: access.GranteePerson, Level: access.LevelReadWrite}}}, access.RelationInvalid, access.RelationCoHolder, access.Grant{})
		assert.Equal(t, "ACC-2", cabinet.RuleOf(err))
	})
}

// ACC-3 v2: a grant's email and phone are corrected while no account is
// linked; the invitation is sent again and the reminders restart.
func TestACC3CorrectGrantContact(t *testing.T) {
	const typo = "anne@exmaple.com"
	w := newWorld(t)
	g, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.coHolder.ID, access.GrantInput{Email: typo, Phone: phone, Level: access.LevelReadWrite})
	require.NoError(t, err)
	w.clock.Advance(8 * 24 * time.Hour)
	_, _, err = w.svc.SendDueReminders(w.ctx, "scheduler") // the 7-day reminder goes to the typo
	require.NoError(t, err)
	w.log.Reset()

	t.Run("attack: a mistyped email on a central person's grant", func(t *testing.T) {
		// The grant is irrevocable (ACC-6): without a correction, whoever
		// signs up with the mistyped address views the vault for ever.
		before := w.snapshot()
		requireFailed(t, w, before, errRev(w.svc.Revoke(w.ctx, uMgr, g.ID)), cabinet.ErrConflict, "ACC-6")
		got, rev, err := w.svc.CorrectGrantContact(w.ctx, uMgr, g.ID, access.ContactInput{Email: "paul@example.com", Phone: "07 11 22 33 44"})
		require.NoError(t, err)
		assert.Equal(t, w.store.Revision(), rev)
		assert.Equal(t, "paul@example.com", got.Email)
		assert.Equal(t, "+33711223344", got.Phone)
		assert.Equal(t, w.clock.Now(), got.InvitedAt, "reminders restart from the correction")
		assert.Zero(t, got.Reminders)
		assert.Equal(t, []cabinet.Event{
			access.GrantContactCorrected{Grant: g.ID, Dossier: w.dossier.ID, Office: office, Person: w.coHolder.ID,
				PreviousEmail: typo, PreviousPhone: "+33612345678", Email: "paul@example.com", Phone: "+33711223344"},
			access.InvitationSent{Grant: g.ID, Dossier: w.dossier.ID, Office: office, Person: w.coHolder.ID,
				Email: "paul@example.com", Phone: "+33711223344", At: w.clock.Now()},
		}, w.log.Events())
		// Whoever signs up with the typo gets nothing.
		w.signUp("u_typo", typo)
		stored, _ := w.grantOf(w.coHolder.ID)
		assert.Empty(t, stored.User)
		// The reminders count from the correction: none at day 8 + 6.
		w.clock.Advance(6 * 24 * time.Hour)
		due, err := w.svc.DueReminders(w.ctx, "scheduler")
		require.NoError(t, err)
		assert.Empty(t, due)
		w.clock.Advance(24 * time.Hour)
		due, err = w.svc.DueReminders(w.ctx, "scheduler")
		require.NoError(t, err)
		require.Len(t, due, 1)
		assert.Equal(t, "paul@example.com", due[0].Email)
		assert.Equal(t, uint8(1), due[0].Number)
	})
	t.Run("once an account is linked the details are fixed", func(t *testing.T) {
		w.signUp("u_paul", "paul@example.com")
		w.log.Reset()
		before := w.snapshot()
		_, _, err := w.svc.CorrectGrantContact(w.ctx, uMgr, g.ID, access.ContactInput{Email: "p2@example.com", Phone: phone})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-3")
		_, _, err = w.svc.CorrectGrantContact(w.ctx, uMgr, w.holderGrant.ID, access.ContactInput{Email: holderEmail, Phone: "07 00 00 00 00"})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-3")
	})
	t.Run("whoever may manage the grant corrects it", func(t *testing.T) {
		w := newWorld(t)
		kid, err := w.grantChild(uHolder, access.LevelReadOnly)
		require.NoError(t, err)
		w.log.Reset()
		before := w.snapshot()
		for _, actor := range []cabinet.UserID{uAdmin, uCol, uNotary, uStrange} {
			_, _, err := w.svc.CorrectGrantContact(w.ctx, actor, kid.ID, access.ContactInput{Email: "lea@example.com", Phone: phone})
			requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1")
		}
		_, _, err = w.svc.CorrectGrantContact(w.ctx, uMgr, kid.ID, access.ContactInput{Email: "nope", Phone: phone})
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "email", cabinet.FieldOf(err))
		// The granted holder corrects her daughter's grant (ACC-7).
		got, _, err := w.svc.CorrectGrantContact(w.ctx, uHolder, kid.ID, access.ContactInput{Email: "lea@example.com", Phone: phone})
		require.NoError(t, err)
		assert.Equal(t, "lea@example.com", got.Email)
		// Unchanged details are a no-op.
		w.log.Reset()
		_, rev, err := w.svc.CorrectGrantContact(w.ctx, uHolder, kid.ID, access.ContactInput{Email: "lea@example.com", Phone: phone})
		require.NoError(t, err)
		assert.Equal(t, w.store.Revision(), rev)
		assert.Empty(t, w.log.Events())
		// A corrected email that has an account is linked and notified.
		w.signUp("u_lea2", "lea2@example.com")
		w.log.Reset()
		got, _, err = w.svc.CorrectGrantContact(w.ctx, uMgr, kid.ID, access.ContactInput{Email: "lea2@example.com", Phone: phone})
		require.NoError(t, err)
		assert.Equal(t, cabinet.UserID("u_lea2"), got.User)
		assert.True(t, got.InvitedAt.IsZero())
		assert.Equal(t, []string{"access.grant_contact_corrected", "access.access_notified"}, w.log.Names())
	})
	t.Run("a correction keeps one grant per account (ACC-7)", func(t *testing.T) {
		w := newWorld(t)
		kid, err := w.grantChild(uMgr, access.LevelReadOnly)
		require.NoError(t, err)
		w.log.Reset()
		before := w.snapshot()
		for _, email := range []string{holderEmail, strings.ToUpper(notaryEmail)} {
			_, _, err := w.svc.CorrectGrantContact(w.ctx, uMgr, kid.ID, access.ContactInput{Email: email, Phone: phone})
			requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-7")
		}
		_, _, err = w.svc.CorrectGrantContact(w.ctx, uMgr, kid.ID, access.ContactInput{Email: string(uMgr) + "@staff.example", Phone: phone})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-7")
	})
}

// ACC-7 v2: a central person grants at most their own level, and no
// account holds two grants on one dossier.
func TestACC7OwnLevelAndOneGrantPerAccount(t *testing.T) {
	w := newWorld(t)
	_, _, err := w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadOnly)
	require.NoError(t, err)
	w.log.Reset()
	t.Run("attack: a read_only central person grants a relative read_write at an address they control", func(t *testing.T) {
		before := w.snapshot()
		_, err := w.grantChild(uHolder, access.LevelReadWrite)
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-7")
		// …nor at her own address, whatever the level: her account has a grant.
		_, _, err = w.svc.GrantPerson(w.ctx, uHolder, w.child.ID, access.GrantInput{Email: "HOLDER@example.com", Phone: phone, Level: access.LevelReadOnly})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-7")
	})
	t.Run("at most her own level, also when changing a level", func(t *testing.T) {
		kid, err := w.grantChild(uHolder, access.LevelReadOnly)
		require.NoError(t, err)
		w.log.Reset()
		before := w.snapshot()
		requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, uHolder, kid.ID, access.LevelReadWrite)), cabinet.ErrForbidden, "ACC-7")
		// The manager may; then the read_only holder may lower it again.
		_, _, err = w.svc.ChangeLevel(w.ctx, uMgr, kid.ID, access.LevelReadWrite)
		require.NoError(t, err)
		_, _, err = w.svc.ChangeLevel(w.ctx, uHolder, kid.ID, access.LevelReadOnly)
		require.NoError(t, err)
	})
	t.Run("attack: a read_only central person redirects a read_write grant to an address they control", func(t *testing.T) {
		w := newWorld(t)
		_, _, err := w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadOnly)
		require.NoError(t, err)
		kid, err := w.grantChild(uMgr, access.LevelReadWrite) // not signed up yet
		require.NoError(t, err)
		w.signUp("u_anne2", "anne.second@example.com") // the holder's second address
		w.log.Reset()
		before := w.snapshot()
		_, _, err = w.svc.CorrectGrantContact(w.ctx, uHolder, kid.ID, access.ContactInput{Email: "anne.second@example.com", Phone: phone})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-7")
	})
	t.Run("no account holds two grants on one dossier", func(t *testing.T) {
		w := newWorld(t)
		before := w.snapshot()
		// The notary's account already holds the advisor grant.
		_, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: notaryEmail, Phone: phone, Level: access.LevelReadOnly})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-7")
		// One grant per email key, even before the account exists.
		_, err = w.grantChild(uMgr, access.LevelReadOnly)
		require.NoError(t, err)
		w.log.Reset()
		before = w.snapshot()
		_, _, err = w.svc.GrantPerson(w.ctx, uMgr, w.spouse.ID, access.GrantInput{Email: " CHILD@example.com", Phone: phone, Level: access.LevelReadOnly})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-7")
		adv, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "Banque", Email: childEmail, Phone: phone, Type: access.AdvisorBanker})
		require.NoError(t, err) // registering grants nothing
		w.log.Reset()
		before = w.snapshot()
		_, _, err = w.svc.GrantAdvisor(w.ctx, uMgr, adv.ID, access.LevelReadOnly)
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-7")
		// So signing up links at most one grant per dossier.
		w.signUp(uChild, childEmail)
		var held []access.Grant
		require.NoError(t, w.store.ViewAccess(w.ctx, func(r access.Reader) error {
			var err error
			held, _, err = r.Grants(w.ctx, access.GrantFilter{Dossier: w.dossier.ID, User: uChild}, cabinet.Page{})
			return err
		}))
		assert.Len(t, held, 1)
	})
	t.Run("nobody grants their own account, the manager included", func(t *testing.T) {
		w := newWorld(t)
		before := w.snapshot()
		_, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: string(uMgr) + "@staff.example", Phone: phone, Level: access.LevelReadWrite})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-7")
		adv, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "Me", Email: string(uMgr) + "@staff.example", Phone: phone, Type: access.AdvisorLawyer})
		require.NoError(t, err)
		w.log.Reset()
		before = w.snapshot()
		_, _, err = w.svc.GrantAdvisor(w.ctx, uMgr, adv.ID, access.LevelReadWrite)
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-7")
	})
}

// ACC-11 v2: family members and central persons with read_write edit the
// four client sections, documents included; never notes nor tools;
// advisors stay on three (ACC-10).
func TestACC11FamilyEditsDocuments(t *testing.T) {
	for _, tc := range []struct {
		g    access.Grant
		want map[access.Section]bool
		rule string
	}{
		{access.Grant{Kind: access.GranteePerson, Central: true, Level: access.LevelReadWrite},
			map[access.Section]bool{access.SectionFamilyStructure: true, access.SectionAssetInventory: true, access.SectionDonationInventory: true, access.SectionDocuments: true}, "ACC-11"},
		{access.Grant{Kind: access.GranteePerson, Level: access.LevelReadWrite},
			map[access.Section]bool{access.SectionFamilyStructure: true, access.SectionAssetInventory: true, access.SectionDonationInventory: true, access.SectionDocuments: true}, "ACC-11"},
		{access.Grant{Kind: access.GranteePerson, Level: access.LevelReadOnly}, map[access.Section]bool{}, "ACC-11"},
		{access.Grant{Kind: access.GranteeAdvisor, Level: access.LevelReadWrite},
			map[access.Section]bool{access.SectionFamilyStructure: true, access.SectionAssetInventory: true, access.SectionDonationInventory: true}, "ACC-10"},
	} {
		for _, s := range access.Sections() {
			err := access.GrantAllows(tc.g, access.Edit(s))
			if tc.want[s] {
				assert.NoError(t, err, "%+v edit %s", tc.g, s)
				continue
			}
			assert.Equal(t, tc.rule, cabinet.RuleOf(err), "%+v edit %s", tc.g, s)
		}
		for _, tool := range access.Tools() {
			assert.Equal(t, tc.rule, cabinet.RuleOf(access.GrantAllows(tc.g, access.UseTool(tool))))
		}
		assert.NoError(t, access.GrantAllows(tc.g, access.View()))
	}
	assert.False(t, access.SectionNotes.OpenTo(access.GranteePerson))
	assert.False(t, access.SectionDocuments.OpenTo(access.GranteeAdvisor))
	assert.False(t, access.SectionDocuments.OpenTo(access.GranteeInvalid))
}

// ACC-12: an archived dossier is read-only for everyone; reactivation by
// an admin or the manager is the one way out.
func TestACC12ArchivedDossierIsReadOnly(t *testing.T) {
	w := newWorld(t)
	kid, err := w.grantChild(uMgr, access.LevelReadOnly)
	require.NoError(t, err)
	_, _, err = w.svc.SetStatus(w.ctx, uAdmin, w.dossier.ID, cabinet.DossierArchived)
	require.NoError(t, err)
	w.log.Reset()
	id := w.dossier.ID
	commands := map[string]func(actor cabinet.UserID) error{
		"SetManager":  func(a cabinet.UserID) error { return errOf(w.svc.SetManager(w.ctx, a, id, uCol)) },
		"SetAssigned": func(a cabinet.UserID) error { return errOf(w.svc.SetAssigned(w.ctx, a, id, nil)) },
		"AddPerson": func(a cabinet.UserID) error {
			return errOf(w.svc.AddPerson(w.ctx, a, id, access.PersonInput{Name: "X", Relation: access.RelationChild}))
		},
		"EditPerson": func(a cabinet.UserID) error {
			return errOf(w.svc.EditPerson(w.ctx, a, w.spouse.ID, access.PersonInput{Name: "Eve", Relation: access.RelationSpouse}))
		},
		"RemovePerson": func(a cabinet.UserID) error { return errRev(w.svc.RemovePerson(w.ctx, a, w.spouse.ID)) },
		"RegisterAdvisor": func(a cabinet.UserID) error {
			return errOf(w.svc.RegisterAdvisor(w.ctx, a, id, access.AdvisorInput{Name: "B", Email: "b@example.com", Phone: phone, Type: access.AdvisorBanker}))
		},
		"EditAdvisor": func(a cabinet.UserID) error {
			return errOf(w.svc.EditAdvisor(w.ctx, a, w.notary.ID, access.AdvisorInput{Name: "Maître D.", Email: notaryEmail, Phone: phone, Type: access.AdvisorNotary}))
		},
		"RemoveAdvisor": func(a cabinet.UserID) error { return errRev(w.svc.RemoveAdvisor(w.ctx, a, w.notary.ID)) },
		"GrantPerson": func(a cabinet.UserID) error {
			return errOf(w.svc.GrantPerson(w.ctx, a, w.spouse.ID, access.GrantInput{Email: "eve@example.com", Phone: phone, Level: access.LevelReadOnly}))
		},
		"GrantAdvisor": func(a cabinet.UserID) error {
			return errOf(w.svc.GrantAdvisor(w.ctx, a, w.notary.ID, access.LevelReadOnly))
		},
		"ChangeLevel": func(a cabinet.UserID) error {
			return errOf(w.svc.ChangeLevel(w.ctx, a, kid.ID, access.LevelReadWrite))
		},
		"CorrectGrantContact": func(a cabinet.UserID) error {
			return errOf(w.svc.CorrectGrantContact(w.ctx, a, kid.ID, access.ContactInput{Email: "lea@example.com", Phone: phone}))
		},
		"Revoke":             func(a cabinet.UserID) error { return errRev(w.svc.Revoke(w.ctx, a, kid.ID)) },
		"SetStatus to draft": func(a cabinet.UserID) error { return errOf(w.svc.SetStatus(w.ctx, a, id, cabinet.DossierDraft)) },
	}
	before := w.snapshot()
	for name, cmd := range commands {
		for _, actor := range []cabinet.UserID{uMgr, uAdmin, uHolder, uNotary, uCol, uStrange} {
			t.Run(name+" by "+string(actor), func(t *testing.T) {
				err := cmd(actor)
				if name == "SetStatus to draft" && actor != uMgr && actor != uAdmin {
					requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1") // who first, then the move
					return
				}
				requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-12")
			})
		}
	}
	t.Run("every grant keeps viewing (ACC-6) and the tree is still read", func(t *testing.T) {
		d, err := w.svc.Dossier(w.ctx, uHolder, id)
		require.NoError(t, err)
		assert.Equal(t, cabinet.DossierArchived, d.Status)
		ps, _, err := w.svc.Persons(w.ctx, uNotary, access.PersonFilter{Dossier: id}, cabinet.Page{})
		require.NoError(t, err)
		assert.Len(t, ps, 4)
		g, _ := w.grantOf(w.holder.ID)
		assert.NoError(t, access.GrantAllows(g, access.View()))
	})
	t.Run("only its manager or an admin reactivates it", func(t *testing.T) {
		for _, actor := range []cabinet.UserID{uCol, uHolder, uNotary, uStrange} {
			requireFailed(t, w, before, errOf(w.svc.SetStatus(w.ctx, actor, id, cabinet.DossierActivated)), cabinet.ErrForbidden, "ACC-1")
		}
		d, _, err := w.svc.SetStatus(w.ctx, uMgr, id, cabinet.DossierActivated)
		require.NoError(t, err)
		assert.Equal(t, cabinet.DossierActivated, d.Status)
		_, _, err = w.svc.SetManager(w.ctx, uMgr, id, uCol)
		require.NoError(t, err, "an active dossier changes again")
		_, _, err = w.svc.SetStatus(w.ctx, uCol, id, cabinet.DossierArchived)
		require.NoError(t, err)
		_, _, err = w.svc.Activate(w.ctx, uAdmin, id, "")
		require.NoError(t, err)
	})
}

// GRP-11 v2: every right that comes from being the manager or an assignee
// needs being a collaborator of the dossier's office at decision time, and
// removing the collaborator releases them in the same transaction.
func TestGRP11RemovedManagerKeepsNothing(t *testing.T) {
	w := newWorld(t)
	w.removeCollaborator(uMgr)
	w.removeCollaborator(uCol)
	d := w.getDossier()
	assert.Empty(t, d.Manager, "the manager is released (GRP-7 then falls back)")
	assert.Empty(t, d.Assigned, "the assignee is released")
	w.log.Reset()
	before := w.snapshot()
	t.Run("attack: the removed manager manages family access", func(t *testing.T) {
		_, err := w.grantChild(uMgr, access.LevelReadWrite)
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1")
	})
	t.Run("attack: the removed manager grants a person of the tree at their own email", func(t *testing.T) {
		_, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.spouse.ID, access.GrantInput{Email: string(uMgr) + "@staff.example", Phone: phone, Level: access.LevelReadWrite})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-1")
	})
	t.Run("attack: the removed manager manages external advisors", func(t *testing.T) {
		_, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "B", Email: "b@example.com", Phone: phone, Type: access.AdvisorBanker})
		requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-9")
		requireFailed(t, w, before, errOf(w.svc.ChangeLevel(w.ctx, uMgr, w.notaryGrant.ID, access.LevelReadOnly)), cabinet.ErrForbidden, "ACC-9")
		requireFailed(t, w, before, errRev(w.svc.Revoke(w.ctx, uMgr, w.notaryGrant.ID)), cabinet.ErrForbidden, "ACC-9")
	})
	t.Run("they organise and edit nothing, and see nothing", func(t *testing.T) {
		for _, actor := range []cabinet.UserID{uMgr, uCol} {
			requireFailed(t, w, before, errOf(w.svc.SetManager(w.ctx, actor, w.dossier.ID, uOther)), cabinet.ErrForbidden, "ACC-1")
			requireFailed(t, w, before, errOf(w.svc.SetStatus(w.ctx, actor, w.dossier.ID, cabinet.DossierArchived)), cabinet.ErrForbidden, "ACC-1")
			_, _, err := w.svc.AddPerson(w.ctx, actor, w.dossier.ID, access.PersonInput{Name: "X", Relation: access.RelationChild})
			requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-11")
			_, err = w.svc.Dossier(w.ctx, actor, w.dossier.ID)
			assert.Equal(t, "POL-1", cabinet.RuleOf(err))
			_, _, err = w.svc.PersonsWithAccess(w.ctx, actor, access.PersonFilter{Dossier: w.dossier.ID}, cabinet.Page{})
			assert.Equal(t, "POL-1", cabinet.RuleOf(err))
		}
	})
	t.Run("a dossier that still names them gives them nothing (the predicates check the profile)", func(t *testing.T) {
		stale := w.getDossier()
		stale.Manager = uMgr
		gone := access.Actor{ID: uMgr} // ProfileInvalid: not a collaborator
		for name, err := range map[string]error{
			"CanManageExternalAccess": access.CanManageExternalAccess(stale, gone),
			"CanManageAdvisorAccess":  access.CanManageAdvisorAccess(stale, gone),
			"CanManagePersonAccess":   access.CanManagePersonAccess(stale, gone, access.RelationChild, access.LevelReadOnly),
			"CanManageDossier":        access.CanManageDossier(stale, gone),
			"CanSetStatus":            access.CanSetStatus(stale, gone, cabinet.DossierArchived),
			"CanEditFamilyTree":       access.CanEditFamilyTree(stale, gone),
			"CanViewDossier":          access.CanViewDossier(stale, gone),
		} {
			assert.ErrorIs(t, err, cabinet.ErrForbidden, name)
		}
		back := access.Actor{ID: uMgr, Profile: cabinet.ProfileStandard}
		assert.NoError(t, access.CanManageExternalAccess(stale, back))
	})
	t.Run("an admin names a new manager, who then manages", func(t *testing.T) {
		_, _, err := w.svc.SetManager(w.ctx, uAdmin, w.dossier.ID, uOther)
		require.NoError(t, err)
		_, err = w.grantChild(uOther, access.LevelReadOnly)
		require.NoError(t, err)
	})
}

// GRP-11 under concurrency: a manager removed from the office while they
// grant can never commit the grant after the removal. The directory is
// wrapped so that the grant pauses right after reading the manager's
// profile; the removal is started then. If the profile were read outside
// the grant's transaction, the removal would commit in the pause and the
// grant after it; read inside, the removal waits for the grant's commit.
// Each interleaving's outcome is checked against the revisions.
func TestGRP11ManagerRemovedWhileGrantingConcurrency(t *testing.T) {
	for i := range 20 {
		w := newWorld(t)
		paused := make(chan struct{})
		resume := make(chan struct{})
		hook := &pausingDirectory{Directory: clientgroup.NewFacts(w.store, access.NewFacts(w.store)), user: uMgr, paused: paused, resume: resume}
		svc := access.NewService(w.store, hook, teamFacts(w.store), cabinet.WithClock(w.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
		type result struct {
			rev cabinet.Revision
			err error
		}
		granted := make(chan result, 1)
		removed := make(chan result, 1)
		grant := func() {
			_, rev, err := svc.GrantPerson(context.Background(), uMgr, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadWrite})
			granted <- result{rev, err}
		}
		var rm result
		if i%2 == 0 {
			go grant()
			<-paused // the grant holds its snapshot of the directory
			go func() {
				rev, err := w.groups.RemoveCollaborator(context.Background(), uAdmin, office, uMgr)
				removed <- result{rev, err}
			}()
			select {
			case rm = <-removed: // only possible if the grant's facts were read outside its transaction
			case <-time.After(20 * time.Millisecond):
			}
			close(resume)
		} else {
			// The removal first: the grant then reads a non-collaborator.
			rev, err := w.groups.RemoveCollaborator(context.Background(), uAdmin, office, uMgr)
			rm = result{rev, err}
			go grant()
			<-paused
			close(resume)
		}
		g := <-granted
		if rm.rev == 0 && rm.err == nil {
			rm = <-removed
		}
		require.NoError(t, rm.err)
		if g.err == nil {
			require.Less(t, g.rev, rm.rev, "run %d: the grant committed after the manager's removal", i)
			continue
		}
		require.Equal(t, "ACC-1", cabinet.RuleOf(g.err), "run %d: %v", i, g.err)
		_, found := w.grantOf(w.child.ID)
		require.False(t, found, "run %d", i)
	}
}

// pausingDirectory signals paused (once) when the profile of user is read,
// and waits for resume before answering.
type pausingDirectory struct {
	access.Directory
	user   cabinet.UserID
	paused chan struct{}
	resume chan struct{}
	done   bool
}

func (d *pausingDirectory) Profile(ctx context.Context, tx cabinet.Tx, o cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	p, err := d.Directory.Profile(ctx, tx, o, u)
	if u == d.user && !d.done {
		d.done = true
		close(d.paused)
		<-d.resume
	}
	return p, err
}

// GRP-5 v2: the manager or an admin names the client group at activation,
// in the same command; afterwards placing and moving are admin work.
func TestGRP5ActivateWithClientGroup(t *testing.T) {
	w := newService(t)
	estates, _, err := w.groups.CreateClientGroup(w.ctx, uAdmin, office, "Estates", "")
	require.NoError(t, err)
	other, _, err := w.groups.CreateClientGroup(w.ctx, uStrange, "o2", "Elsewhere", "")
	require.NoError(t, err)
	d, _, err := w.svc.CreateDossier(w.ctx, uMgr, office, "Roux")
	require.NoError(t, err)
	placement := func(id cabinet.DossierID) cabinet.ClientGroupID {
		t.Helper()
		var g cabinet.ClientGroupID
		require.NoError(t, w.store.ViewClientGroups(w.ctx, func(r clientgroup.Reader) error {
			p, err := r.Placement(w.ctx, id)
			g = p.ClientGroup
			if errors.Is(err, cabinet.ErrNotFound) {
				return nil
			}
			return err
		}))
		return g
	}
	w.log.Reset()
	before := w.snapshot()
	t.Run("a group of another office is a conflict, and nothing is activated", func(t *testing.T) {
		requireFailed(t, w, before, errOf(w.svc.Activate(w.ctx, uMgr, d.ID, other.ID)), cabinet.ErrConflict, "GRP-1")
		requireFailed(t, w, before, errOf(w.svc.Activate(w.ctx, uMgr, d.ID, "group_nope")), cabinet.ErrNotFound, "")
		requireFailed(t, w, before, errOf(w.svc.Activate(w.ctx, uCol, d.ID, estates.ID)), cabinet.ErrForbidden, "ACC-1")
	})
	t.Run("the manager activates and places in one command and one batch", func(t *testing.T) {
		got, rev, err := w.svc.Activate(w.ctx, uMgr, d.ID, estates.ID)
		require.NoError(t, err)
		assert.Equal(t, cabinet.DossierActivated, got.Status)
		assert.Equal(t, estates.ID, placement(d.ID))
		batches := w.log.Batches()
		require.Len(t, batches, 1)
		assert.Equal(t, rev, batches[0].Revision)
		assert.Equal(t, []cabinet.Event{
			access.DossierStatusChanged{Dossier: d.ID, Office: office, From: cabinet.DossierDraft, To: cabinet.DossierActivated},
			clientgroup.DossierMoved{Office: office, Dossier: d.ID, To: estates.ID},
		}, batches[0].Events)
	})
	t.Run("afterwards placing and moving are for admins", func(t *testing.T) {
		w.log.Reset()
		before := w.snapshot()
		requireFailed(t, w, before, errOf(w.svc.Activate(w.ctx, uMgr, d.ID, estates.ID)), cabinet.ErrConflict, "GRP-5")
		requireFailed(t, w, before, errRev(w.groups.MoveDossier(w.ctx, uMgr, d.ID, "")), cabinet.ErrForbidden, "GRP-5")
		_, err := w.groups.MoveDossier(w.ctx, uAdmin, d.ID, "")
		require.NoError(t, err)
	})
	t.Run("an admin activates a draft into a group too", func(t *testing.T) {
		d2, _, err := w.svc.CreateDossier(w.ctx, uCol, office, "Durand")
		require.NoError(t, err)
		_, _, err = w.svc.Activate(w.ctx, uAdmin, d2.ID, estates.ID)
		require.NoError(t, err)
		assert.Equal(t, estates.ID, placement(d2.ID))
	})
}

// Seed 001: a registered external advisor is edited without losing their
// grant; type other carries a free label.
func TestSeed001EditAdvisor(t *testing.T) {
	w := newWorld(t)
	t.Run("name, type and label change; the grant stays", func(t *testing.T) {
		a, _, err := w.svc.EditAdvisor(w.ctx, uMgr, w.notary.ID, access.AdvisorInput{Name: "Maître Dupont-Roy", Email: notaryEmail, Phone: phone, Type: access.AdvisorOther, Label: "notaire honoraire"})
		require.NoError(t, err)
		assert.Equal(t, "notaire honoraire", a.Label)
		assert.Equal(t, access.AdvisorOther, a.Type)
		g, err := w.svc.Grant(w.ctx, uMgr, w.notaryGrant.ID)
		require.NoError(t, err)
		assert.Equal(t, w.notaryGrant, g)
		ev := w.log.Events()
		require.Len(t, ev, 1)
		assert.Equal(t, access.AdvisorEdited{Office: office, Advisor: a, Previous: w.notary, Grant: w.notaryGrant.ID}, ev[0])
	})
	t.Run("the label belongs to type other", func(t *testing.T) {
		before := w.snapshot()
		w.log.Reset()
		_, _, err := w.svc.EditAdvisor(w.ctx, uMgr, w.notary.ID, access.AdvisorInput{Name: "M", Email: notaryEmail, Phone: phone, Type: access.AdvisorOther})
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "label", cabinet.FieldOf(err))
		_, _, err = w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "B", Email: "b@example.com", Phone: phone, Type: access.AdvisorBanker, Label: "banquier"})
		requireFailed(t, w, before, err, cabinet.ErrInvalid, "")
		assert.Equal(t, "label", cabinet.FieldOf(err))
		a, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "C", Email: "c@example.com", Phone: phone, Type: access.AdvisorOther, Label: " commissaire aux comptes "})
		require.NoError(t, err)
		assert.Equal(t, "commissaire aux comptes", a.Label)
	})
	t.Run("a linked advisor's email and phone are fixed (ACC-3)", func(t *testing.T) {
		w.log.Reset()
		before := w.snapshot()
		_, _, err := w.svc.EditAdvisor(w.ctx, uMgr, w.notary.ID, access.AdvisorInput{Name: "M", Email: "new@example.com", Phone: phone, Type: access.AdvisorNotary})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-3")
		_, _, err = w.svc.EditAdvisor(w.ctx, uMgr, w.notary.ID, access.AdvisorInput{Name: "M", Email: notaryEmail, Phone: "07 00 00 00 01", Type: access.AdvisorNotary})
		requireFailed(t, w, before, err, cabinet.ErrConflict, "ACC-3")
	})
	t.Run("an unlinked advisor's grant follows the corrected details", func(t *testing.T) {
		a, _, err := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "Banque", Email: "bank@exmaple.com", Phone: phone, Type: access.AdvisorBanker})
		require.NoError(t, err)
		g, _, err := w.svc.GrantAdvisor(w.ctx, uMgr, a.ID, access.LevelReadOnly)
		require.NoError(t, err)
		w.clock.Advance(time.Hour)
		w.log.Reset()
		a2, _, err := w.svc.EditAdvisor(w.ctx, uMgr, a.ID, access.AdvisorInput{Name: "Banque", Email: "bank@example.com", Phone: phone, Type: access.AdvisorBanker})
		require.NoError(t, err)
		assert.Equal(t, "bank@example.com", a2.Email)
		g2, err := w.svc.Grant(w.ctx, uMgr, g.ID)
		require.NoError(t, err)
		assert.Equal(t, "bank@example.com", g2.Email)
		assert.Equal(t, w.clock.Now(), g2.InvitedAt)
		assert.Equal(t, []string{"access.advisor_edited", "access.grant_contact_corrected", "access.invitation_sent"}, w.log.Names())
		// And the other way: correcting the grant updates the advisor.
		_, _, err = w.svc.CorrectGrantContact(w.ctx, uMgr, g.ID, access.ContactInput{Email: "bank2@example.com", Phone: phone})
		require.NoError(t, err)
		a3, err := w.svc.Advisor(w.ctx, uMgr, a.ID)
		require.NoError(t, err)
		assert.Equal(t, "bank2@example.com", a3.Email)
	})
	t.Run("only the manager edits advisors (ACC-9)", func(t *testing.T) {
		w.log.Reset()
		before := w.snapshot()
		for _, actor := range []cabinet.UserID{uAdmin, uCol, uHolder, uNotary, uStrange} {
			_, _, err := w.svc.EditAdvisor(w.ctx, actor, w.notary.ID, access.AdvisorInput{Name: "Hacked", Email: notaryEmail, Phone: phone, Type: access.AdvisorNotary})
			requireFailed(t, w, before, err, cabinet.ErrForbidden, "ACC-9")
		}
	})
}

// Seed 001: the "Droits d'accès" tab — the family tree with each person's
// grant state and the registered advisors with their access — is read by
// the office and the granted central persons; other grantees see the tree
// and their own grant, not others' contact details.
func TestSeed001AccessRightsTab(t *testing.T) {
	w := newWorld(t)
	kid, err := w.grantChild(uHolder, access.LevelReadOnly)
	require.NoError(t, err)
	id := w.dossier.ID
	t.Run("who sees the whole tab", func(t *testing.T) {
		for _, actor := range []cabinet.UserID{uMgr, uAdmin, uCol, uHolder} {
			ps, next, err := w.svc.PersonsWithAccess(w.ctx, actor, access.PersonFilter{Dossier: id}, cabinet.Page{})
			require.NoError(t, err, actor)
			assert.Empty(t, next)
			states := map[access.PersonID]access.AccessState{}
			for _, p := range ps {
				states[p.Person.ID] = p.State
			}
			assert.Equal(t, map[access.PersonID]access.AccessState{
				w.holder.ID: access.AccessActive, w.coHolder.ID: access.AccessNone, w.spouse.ID: access.AccessNone, w.child.ID: access.AccessInvited,
			}, states, actor)
			as, _, err := w.svc.AdvisorsWithAccess(w.ctx, actor, access.AdvisorFilter{Dossier: id}, cabinet.Page{})
			require.NoError(t, err)
			require.Len(t, as, 1)
			assert.Equal(t, access.AdvisorAccess{Advisor: w.notary, State: access.AccessActive, Grant: w.notaryGrant}, as[0])
		}
	})
	t.Run("paged like every listing", func(t *testing.T) {
		var all []access.PersonAccess
		for p, err := range cabinet.Each(w.ctx, func(ctx context.Context, p cabinet.Page) ([]access.PersonAccess, cabinet.Cursor, error) {
			p.Limit = 1
			return w.svc.PersonsWithAccess(ctx, uMgr, access.PersonFilter{Dossier: id}, p)
		}) {
			require.NoError(t, err)
			all = append(all, p)
		}
		assert.Len(t, all, 4)
		_, _, err := w.svc.PersonsWithAccess(w.ctx, uMgr, access.PersonFilter{Dossier: id}, cabinet.Page{Limit: -1})
		assert.Equal(t, "limit", cabinet.FieldOf(err))
		_, _, err = w.svc.PersonsWithAccess(w.ctx, uMgr, access.PersonFilter{}, cabinet.Page{})
		assert.Equal(t, "dossier", cabinet.FieldOf(err))
	})
	t.Run("other grantees see the tree and their own grant, not the tab", func(t *testing.T) {
		w.signUp(uChild, childEmail)
		for _, actor := range []cabinet.UserID{uChild, uNotary} {
			_, _, err := w.svc.PersonsWithAccess(w.ctx, actor, access.PersonFilter{Dossier: id}, cabinet.Page{})
			assert.Equal(t, "ACC-7", cabinet.RuleOf(err), actor)
			_, _, err = w.svc.AdvisorsWithAccess(w.ctx, actor, access.AdvisorFilter{Dossier: id}, cabinet.Page{})
			assert.Equal(t, "ACC-7", cabinet.RuleOf(err), actor)
			_, err = w.svc.Grant(w.ctx, actor, w.holderGrant.ID)
			assert.Equal(t, "ACC-7", cabinet.RuleOf(err), actor)
			ps, _, err := w.svc.Persons(w.ctx, actor, access.PersonFilter{Dossier: id}, cabinet.Page{})
			require.NoError(t, err)
			assert.Len(t, ps, 4)
		}
		g, err := w.svc.Grant(w.ctx, uChild, kid.ID)
		require.NoError(t, err)
		assert.Equal(t, uChild, g.User)
		_, err = w.svc.Advisor(w.ctx, uChild, w.notary.ID)
		assert.Equal(t, "ACC-7", cabinet.RuleOf(err))
	})
	t.Run("outsiders see nothing; unknown IDs are not found", func(t *testing.T) {
		for _, actor := range []cabinet.UserID{uOther, uStrange, "u_nobody"} {
			_, err := w.svc.Dossier(w.ctx, actor, id)
			assert.Equal(t, "POL-1", cabinet.RuleOf(err), actor)
			_, _, err = w.svc.PersonsWithAccess(w.ctx, actor, access.PersonFilter{Dossier: id}, cabinet.Page{})
			assert.Equal(t, "POL-1", cabinet.RuleOf(err), actor)
			_, err = w.svc.Person(w.ctx, actor, w.holder.ID)
			assert.Equal(t, "POL-1", cabinet.RuleOf(err), actor)
		}
		_, err := w.svc.Dossier(w.ctx, uMgr, "dos_nope")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
		_, err = w.svc.Grant(w.ctx, uMgr, "grant_nope")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
		_, err = w.svc.Dossier(w.ctx, "", id)
		assert.Equal(t, "actor", cabinet.FieldOf(err))
	})
}

// Issue 12: every event's name is "access." + its type's name in
// snake_case, and names are unique.
func TestEventTypesNamesMatchTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range access.EventTypes() {
		typ := strings.TrimPrefix(typeName(e), "access.")
		want := "access." + snake(typ)
		assert.Equal(t, want, e.EventName(), typ)
		assert.False(t, seen[e.EventName()], "duplicate %s", e.EventName())
		seen[e.EventName()] = true
	}
	assert.Len(t, seen, 21) // 18, and issue 16's three expiry events
}

// Host-driven work names its host (issue 12).
func TestRemindersAreHostDriven(t *testing.T) {
	w := newWorld(t)
	_, _, err := w.svc.SendDueReminders(w.ctx, "")
	assert.Equal(t, "host", cabinet.FieldOf(err))
	_, err = w.svc.DueReminders(w.ctx, "")
	assert.Equal(t, "host", cabinet.FieldOf(err))
	_, err = w.grantChild(uMgr, access.LevelReadOnly)
	require.NoError(t, err)
	w.clock.Advance(access.FirstReminderDelay)
	w.log.Reset()
	due, rev, err := w.svc.SendDueReminders(w.ctx, "scheduler")
	require.NoError(t, err)
	require.Len(t, due, 1)
	b := w.log.Batches()
	require.Len(t, b, 1)
	assert.Equal(t, cabinet.Host("scheduler"), b[0].Host)
	assert.Empty(t, b[0].Actor)
	assert.Equal(t, rev, b[0].Revision)
}

// TEAM-4, TEAM-8: a member of a team holding a referral of the dossier
// reaches it as the office does for reading it and editing its family
// tree (non-central persons only, ACC-2), but not the access-rights tab;
// the route closes with consent (TEAM-9) and never helps the dossier's
// own central persons.
func TestTEAM8TeamRouteOpensTheDossierAndItsTree(t *testing.T) {
	w := newWorld(t)
	const advisor = cabinet.UserID("u_team_advisor")
	require.NoError(t, putUser(w.ctx, w.store, newUser(advisor, "advisor@teams.example")))
	tm := team.Team{ID: "team_roux", Name: "Roux advisers", Lead: uMgr, CreatedBy: uMgr, CreatedAt: start,
		Members: []team.Member{{User: uMgr, Role: team.RoleAdmin, JoinedAt: start}, {User: advisor, Role: team.RoleMember, JoinedAt: start}}}
	_, err := w.store.UpdateTeams(w.ctx, func(tw team.Writer) error {
		if err := tw.PutTeam(w.ctx, tm); err != nil {
			return err
		}
		return tw.PutReferral(w.ctx, team.Referral{ID: "ref_roux", Team: tm.ID, Referrer: uMgr, ClientName: "Anne Martin",
			ClientEmail: holderEmail, Dossier: w.dossier.ID, CreatedAt: start})
	})
	require.NoError(t, err)

	_, err = w.svc.Dossier(w.ctx, advisor, w.dossier.ID)
	require.NoError(t, err, "the team route views the dossier")
	_, _, err = w.svc.AddPerson(w.ctx, advisor, w.dossier.ID, access.PersonInput{Name: "Hugo Martin", Relation: access.RelationChild})
	require.NoError(t, err, "the team route edits the family tree (TEAM-4 full access)")
	_, _, err = w.svc.AddPerson(w.ctx, advisor, w.dossier.ID, access.PersonInput{Name: "Zoé Martin", Relation: access.RelationCoHolder})
	wantRule(t, err, cabinet.ErrForbidden, "ACC-2")
	_, _, err = w.svc.PersonsWithAccess(w.ctx, advisor, access.PersonFilter{Dossier: w.dossier.ID}, cabinet.Page{})
	wantRule(t, err, cabinet.ErrForbidden, "ACC-7")

	// The dossier's client revokes consent: the route closes.
	_, err = w.store.UpdateTeams(w.ctx, func(tw team.Writer) error {
		return tw.PutDossierConsent(w.ctx, team.DossierConsent{Dossier: w.dossier.ID, State: team.ConsentRevoked, ChangedBy: uHolder, ChangedAt: start})
	})
	require.NoError(t, err)
	_, err = w.svc.Dossier(w.ctx, advisor, w.dossier.ID)
	wantRule(t, err, cabinet.ErrForbidden, "POL-1")
}

// TEAM-8 v2: the team route opens the family tree for editing only when
// the referral's referrer may edit it themselves. The holder (read_write)
// refers her vault into her team: her teammate edits the tree; lowered to
// read_only, her referral lets the teammate view the dossier, not edit it.
func TestTEAM8TeamRouteIsBoundedByItsReferrer(t *testing.T) {
	w := newWorld(t)
	const mate = cabinet.UserID("u_team_mate")
	require.NoError(t, putUser(w.ctx, w.store, newUser(mate, "mate@teams.example")))
	tm := team.Team{ID: "team_family", Name: "Family", Lead: uHolder, CreatedBy: uHolder, CreatedAt: start,
		Members: []team.Member{{User: uHolder, Role: team.RoleAdmin, JoinedAt: start}, {User: mate, Role: team.RoleMember, JoinedAt: start}}}
	_, err := w.store.UpdateTeams(w.ctx, func(tw team.Writer) error {
		if err := tw.PutTeam(w.ctx, tm); err != nil {
			return err
		}
		return tw.PutReferral(w.ctx, team.Referral{ID: "ref_self", Team: tm.ID, Referrer: uHolder, ClientName: "Anne Martin",
			ClientEmail: holderEmail, Dossier: w.dossier.ID, CreatedAt: start})
	})
	require.NoError(t, err)
	_, _, err = w.svc.AddPerson(w.ctx, mate, w.dossier.ID, access.PersonInput{Name: "Hugo Martin", Relation: access.RelationChild})
	require.NoError(t, err, "a read_write referrer's team edits the tree")

	_, _, err = w.svc.ChangeLevel(w.ctx, uMgr, w.holderGrant.ID, access.LevelReadOnly)
	require.NoError(t, err)
	_, err = w.svc.Dossier(w.ctx, mate, w.dossier.ID)
	require.NoError(t, err, "a read_only referrer's team views the dossier")
	_, _, err = w.svc.AddPerson(w.ctx, mate, w.dossier.ID, access.PersonInput{Name: "Léa Martin", Relation: access.RelationChild})
	wantRule(t, err, cabinet.ErrForbidden, "ACC-11")
}

func wantRule(t *testing.T, err, sentinel error, rule string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	assert.Equal(t, rule, cabinet.RuleOf(err), "rule of %v", err)
}

// ACC-7 v2: nobody raises their own grant — not even the dossier's
// manager, whose grant (a relative's, at the address of their account)
// would outlive their office membership (GRP-11). Another entitled granter
// may raise it, and its holder may lower it.
func TestACC7NobodyRaisesTheirOwnGrant(t *testing.T) {
	w := newWorld(t)
	kid, _, err := w.svc.AddPerson(w.ctx, uMgr, w.dossier.ID, access.PersonInput{Name: "Paul Martin", Relation: access.RelationChild})
	require.NoError(t, err)
	g, _, err := w.svc.GrantPerson(w.ctx, uHolder, kid.ID, access.GrantInput{Email: string(uMgr) + "@staff.example", Phone: phone, Level: access.LevelReadOnly})
	require.NoError(t, err)
	require.Equal(t, uMgr, g.User, "the grant is linked to the manager's account")

	_, _, err = w.svc.ChangeLevel(w.ctx, uMgr, g.ID, access.LevelReadWrite)
	wantRule(t, err, cabinet.ErrForbidden, "ACC-7")
	_, _, err = w.svc.ChangeLevel(w.ctx, uHolder, g.ID, access.LevelReadWrite)
	require.NoError(t, err, "the holder, read_write, raises it")
	_, _, err = w.svc.ChangeLevel(w.ctx, uMgr, g.ID, access.LevelReadOnly)
	require.NoError(t, err, "its holder lowers it")
}
