package access_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// TestGrantAllows is the pure matrix of what a grant lets its holder do
// (ACC-10 for external advisors, ACC-11 for family members and central
// persons).
func TestGrantAllows(t *testing.T) {
	type holder struct {
		name string
		g    access.Grant
		rule string // the rule named by denials of section edits and tools
	}
	holders := []holder{}
	for _, kind := range []access.GranteeKind{access.GranteePerson, access.GranteeAdvisor} {
		for _, central := range []bool{false, true} {
			if kind == access.GranteeAdvisor && central {
				continue
			}
			for _, l := range []access.Level{access.LevelReadOnly, access.LevelReadWrite} {
				rule := "ACC-11"
				if kind == access.GranteeAdvisor {
					rule = "ACC-10"
				}
				holders = append(holders, holder{
					name: fmt.Sprintf("%s central=%v %s", kind, central, l),
					g:    access.Grant{ID: "g", Dossier: "d", Kind: kind, Central: central, Level: l, User: "u"},
					rule: rule,
				})
			}
		}
	}
	check := func(t *testing.T, h holder, a access.Action, wantRule string) {
		t.Helper()
		err := access.GrantAllows(h.g, a)
		if wantRule == "" {
			assert.NoError(t, err, "%s: %v", h.name, a)
			return
		}
		require.ErrorIs(t, err, cabinet.ErrForbidden, "%s: %v", h.name, a)
		assert.Equal(t, wantRule, cabinet.RuleOf(err), "%s: %v", h.name, a)
	}
	for _, h := range holders {
		t.Run(h.name, func(t *testing.T) {
			check(t, h, access.View(), "")
			for _, s := range access.Sections() {
				want := h.rule
				if s.OpenTo(h.g.Kind) && h.g.Level == access.LevelReadWrite {
					want = ""
				}
				check(t, h, access.Edit(s), want)
			}
			for _, tool := range access.Tools() {
				check(t, h, access.UseTool(tool), h.rule) // never, at any level
			}
			if h.g.Kind == access.GranteePerson && h.g.Central {
				check(t, h, access.ManageFamilyAccess(), "")
			} else {
				check(t, h, access.ManageFamilyAccess(), "ACC-7")
			}
			check(t, h, access.ManageAdvisorAccess(), "ACC-9")
		})
	}
	t.Run("reasons are readable (POL-2)", func(t *testing.T) {
		err := access.GrantAllows(access.Grant{Kind: access.GranteeAdvisor, Level: access.LevelReadWrite}, access.UseTool(access.ToolReports))
		assert.EqualError(t, err, "cabinet: forbidden: external advisors cannot use reports (ACC-10)")
		err = access.GrantAllows(access.Grant{Kind: access.GranteePerson, Level: access.LevelReadWrite}, access.Edit(access.SectionNotes))
		assert.EqualError(t, err, "cabinet: forbidden: family members cannot edit notes (ACC-11)")
	})
	t.Run("invalid grants and actions are denied (POL-4)", func(t *testing.T) {
		for _, a := range []access.Action{{}, access.Edit(access.SectionInvalid), access.UseTool(access.Tool(9)), {Kind: access.ActionView, Section: access.SectionNotes}} {
			err := access.GrantAllows(holders[0].g, a)
			assert.ErrorIs(t, err, cabinet.ErrInvalid, "%v", a)
			assert.Equal(t, "action", cabinet.FieldOf(err))
		}
		err := access.GrantAllows(access.Grant{}, access.View())
		assert.Equal(t, "grant", cabinet.FieldOf(err))
	})
}

// TestPredicatesDoNotAllocate pins the allow path of the predicates that
// policy composes on every decision.
func TestPredicatesDoNotAllocate(t *testing.T) {
	d := access.Dossier{ID: "d", Office: "o", Status: cabinet.DossierActivated, Manager: "m", Assigned: []cabinet.UserID{"a", "b"}}
	held := []access.Grant{
		{ID: "g0", Dossier: "other", Kind: access.GranteePerson, Central: true, User: "h", Level: access.LevelReadWrite},
		{ID: "g1", Dossier: "d", Kind: access.GranteePerson, Central: true, User: "h", Level: access.LevelReadWrite},
	}
	adv := access.Grant{ID: "g2", Dossier: "d", Kind: access.GranteeAdvisor, User: "n", Level: access.LevelReadWrite}
	kid := access.Grant{ID: "g3", Dossier: "d", Kind: access.GranteePerson, Person: "p3", Email: "kid@example.com", Level: access.LevelReadOnly}
	mgr := access.Actor{ID: "m", Profile: cabinet.ProfileStandard, Routes: cabinet.RouteManager}
	holder := access.Actor{ID: "h", Held: held}
	assigned := access.Actor{ID: "b", Profile: cabinet.ProfileStandard, Routes: cabinet.RouteAssigned}
	var sink error
	allocs := testing.AllocsPerRun(200, func() {
		sink = errorsJoin(sink,
			access.GrantAllows(adv, access.View()),
			access.GrantAllows(adv, access.Edit(access.SectionAssetInventory)),
			access.GrantAllows(held[1], access.ManageFamilyAccess()),
			access.CheckWritable(d),
			access.CanManageExternalAccess(d, mgr),
			access.CanManageAdvisorAccess(d, mgr),
			access.CanManagePersonAccess(d, mgr, access.RelationHolder, access.LevelReadWrite),
			access.CanManagePersonAccess(d, holder, access.RelationChild, access.LevelReadWrite),
			access.CanRevoke(adv),
			access.CanRevokeGrant(d, holder, kid, access.RelationChild),
			access.CanChangeLevel(d, mgr, adv, access.RelationInvalid, access.LevelReadOnly),
			access.CanCorrectContact(d, holder, kid, access.RelationChild),
			access.CanGrantTo("d", mgr, "new@example.com", "", held, ""),
			access.CanManageDossier(d, mgr),
			access.CanSetStatus(d, mgr, cabinet.DossierActivated),
			access.CanEditFamilyTree(d, assigned),
			access.CanEditFamilyTree(d, holder),
			access.CanEditPerson(d, assigned, access.RelationChild, access.RelationParent, access.Grant{}),
			access.CanEditPerson(d, mgr, access.RelationChild, access.RelationCoHolder, kid),
			access.CanViewDossier(d, holder),
			access.CanViewAccessRights(d, holder),
			access.CanViewGrant(d, holder, held[1]),
		)
	})
	require.NoError(t, sink)
	assert.Zero(t, allocs)
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// TestPermissionMatrix runs each management command as each actor against
// a fresh world, in upspin's check(actor, action, target, want) style.
// want is "" for allowed or the rule ID of the denial (ACC-1, ACC-6, ACC-7,
// ACC-9).
func TestPermissionMatrix(t *testing.T) {
	type target int
	const (
		child target = iota
		coHolder
		holder
		notary
	)
	targetNames := []string{"child", "co_holder", "holder", "notary"}
	check := func(actor cabinet.UserID, action string, tg target, want string) {
		t.Helper()
		t.Run(fmt.Sprintf("%s %s %s", actor, action, targetNames[tg]), func(t *testing.T) {
			w := newWorld(t)
			persons := map[target]access.Person{child: w.child, coHolder: w.coHolder, holder: w.holder}
			// Give the child and the co-holder read_only grants first for
			// level/revoke checks.
			kid, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: childEmail, Phone: phone, Level: access.LevelReadOnly})
			require.NoError(t, err)
			co, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.coHolder.ID, access.GrantInput{Email: "paul@example.com", Phone: phone, Level: access.LevelReadOnly})
			require.NoError(t, err)
			grants := map[target]access.Grant{child: kid, coHolder: co, holder: w.holderGrant, notary: w.notaryGrant}
			if action == "grant" {
				require.NoError(t, errRev(w.svc.Revoke(w.ctx, uMgr, kid.ID)))
			}
			w.log.Reset()
			before := w.snapshot()
			switch action {
			case "grant":
				if tg == notary {
					a, _, err2 := w.svc.RegisterAdvisor(w.ctx, uMgr, w.dossier.ID, access.AdvisorInput{Name: "N2", Email: "n2@example.com", Phone: phone, Type: access.AdvisorNotary})
					require.NoError(t, err2)
					w.log.Reset()
					before = w.snapshot()
					_, _, err = w.svc.GrantAdvisor(w.ctx, actor, a.ID, access.LevelReadWrite)
				} else {
					_, _, err = w.svc.GrantPerson(w.ctx, actor, persons[tg].ID, access.GrantInput{Email: "new@example.com", Phone: phone, Level: access.LevelReadWrite})
					if tg != child && err == nil {
						t.Fatalf("%s already had a grant; the check is set up wrong", targetNames[tg])
					}
				}
			case "level":
				next := access.LevelReadWrite
				if grants[tg].Level == next {
					next = access.LevelReadOnly
				}
				_, _, err = w.svc.ChangeLevel(w.ctx, actor, grants[tg].ID, next)
			case "revoke":
				_, err = w.svc.Revoke(w.ctx, actor, grants[tg].ID)
			case "register":
				_, _, err = w.svc.RegisterAdvisor(w.ctx, actor, w.dossier.ID, access.AdvisorInput{Name: "L", Email: "l@example.com", Phone: phone, Type: access.AdvisorLawyer})
			default:
				t.Fatalf("unknown action %q", action)
			}
			if want == "" {
				require.NoError(t, err)
				assert.NotEmpty(t, w.log.Names())
				return
			}
			sentinel := cabinet.ErrForbidden
			if want == "ACC-6" {
				// Revoking a central grant breaks an invariant about the
				// target whoever asks: a conflict, not a permission.
				sentinel = cabinet.ErrConflict
			}
			requireFailed(t, w, before, err, sentinel, want)
		})
	}

	// The manager: everything but revoking central persons (ACC-1, ACC-6).
	check(uMgr, "grant", child, "")
	check(uMgr, "grant", notary, "")
	check(uMgr, "level", holder, "")
	check(uMgr, "level", coHolder, "")
	check(uMgr, "level", child, "")
	check(uMgr, "level", notary, "")
	check(uMgr, "revoke", child, "")
	check(uMgr, "revoke", notary, "")
	check(uMgr, "revoke", holder, "ACC-6")
	check(uMgr, "revoke", coHolder, "ACC-6")
	check(uMgr, "register", notary, "")

	// Office admin and assigned collaborator: no outside access (ACC-1, ACC-9).
	for _, u := range []cabinet.UserID{uAdmin, uCol, uOther, uStrange} {
		check(u, "grant", child, "ACC-1")
		check(u, "level", child, "ACC-1")
		check(u, "level", holder, "ACC-1")
		check(u, "revoke", child, "ACC-1")
		check(u, "revoke", holder, "ACC-6")
		check(u, "grant", notary, "ACC-9")
		check(u, "level", notary, "ACC-9")
		check(u, "revoke", notary, "ACC-9")
		check(u, "register", notary, "ACC-9")
	}

	// The granted holder: non-central family only (ACC-7), no advisors (ACC-9).
	check(uHolder, "grant", child, "")
	check(uHolder, "level", child, "")
	check(uHolder, "revoke", child, "")
	check(uHolder, "level", coHolder, "ACC-7")
	check(uHolder, "level", holder, "ACC-7")
	check(uHolder, "revoke", coHolder, "ACC-6")
	check(uHolder, "grant", notary, "ACC-9")
	check(uHolder, "level", notary, "ACC-9")
	check(uHolder, "revoke", notary, "ACC-9")
	check(uHolder, "register", notary, "ACC-9")

	// The notary with read_write: no management at all (ACC-1, ACC-9).
	check(uNotary, "grant", child, "ACC-1")
	check(uNotary, "level", child, "ACC-1")
	check(uNotary, "revoke", child, "ACC-1")
	check(uNotary, "level", notary, "ACC-9")
	check(uNotary, "revoke", notary, "ACC-9")
	check(uNotary, "register", notary, "ACC-9")
}
