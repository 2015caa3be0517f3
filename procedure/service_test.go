package procedure_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/procedure"
)

func TestEnums(t *testing.T) {
	for _, p := range []procedure.Plan{procedure.PlanStandard, procedure.PlanPlatinum} {
		got, err := procedure.ParsePlan(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)
		assert.True(t, p.Valid())
	}
	_, err := procedure.ParsePlan("gold")
	assert.Equal(t, "plan", cabinet.FieldOf(err))
	assert.False(t, procedure.PlanInvalid.Valid())
	for _, p := range []procedure.Permission{procedure.PermView, procedure.PermUpload, procedure.PermComment, procedure.PermSubmit} {
		got, err := procedure.ParsePermission(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	_, err = procedure.ParsePermission("delete")
	assert.Equal(t, "permission", cabinet.FieldOf(err))
	assert.False(t, procedure.PermissionInvalid.Valid())
	assert.Equal(t, "view+upload+comment+submit", procedure.AllPermissions.String())
	assert.Equal(t, "none", procedure.Permissions(0).String())
	assert.False(t, procedure.PermissionsOf(procedure.PermUpload).Valid(), "upload without view")
	assert.False(t, procedure.Permissions(0x80).Valid())
	assert.True(t, procedure.PermissionsOf(procedure.PermView).Valid())
}

// PROC-1: the premium option, tested to the second with the injected clock.
func TestPROC1PremiumAvailable(t *testing.T) {
	start := t0
	end := start.Add(procedure.TrialDuration)
	tests := []struct {
		name string
		plan procedure.OfficePlan
		at   time.Time
		ok   bool
	}{
		{"standard without anything", procedure.OfficePlan{Plan: procedure.PlanStandard}, start, false},
		{"no stored plan", procedure.OfficePlan{}, start, false},
		{"platinum", procedure.OfficePlan{Plan: procedure.PlanPlatinum}, start, true},
		{"trial first second", procedure.OfficePlan{Plan: procedure.PlanStandard, TrialStartedAt: start}, start, true},
		{"trial one second before start", procedure.OfficePlan{Plan: procedure.PlanStandard, TrialStartedAt: start}, start.Add(-time.Second), false},
		{"trial last second", procedure.OfficePlan{Plan: procedure.PlanStandard, TrialStartedAt: start}, end.Add(-time.Second), true},
		{"trial end instant is outside", procedure.OfficePlan{Plan: procedure.PlanStandard, TrialStartedAt: start}, end, false},
		{"trial one second after", procedure.OfficePlan{Plan: procedure.PlanStandard, TrialStartedAt: start}, end.Add(time.Second), false},
		{"boosters active", procedure.OfficePlan{Plan: procedure.PlanStandard, BoostersFrom: start, BoostersUntil: start.Add(time.Hour)}, start, true},
		{"boosters last second", procedure.OfficePlan{Plan: procedure.PlanStandard, BoostersFrom: start, BoostersUntil: start.Add(time.Hour)}, start.Add(time.Hour - time.Second), true},
		{"boosters expired", procedure.OfficePlan{Plan: procedure.PlanStandard, BoostersFrom: start, BoostersUntil: start.Add(time.Hour)}, start.Add(time.Hour), false},
		{"boosters not yet", procedure.OfficePlan{Plan: procedure.PlanStandard, BoostersFrom: start, BoostersUntil: start.Add(time.Hour)}, start.Add(-time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := procedure.PremiumAvailable(tt.plan, tt.at)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
			var fe *cabinet.ForbiddenError
			require.ErrorAs(t, err, &fe)
			assert.NotEmpty(t, fe.Reason)
		})
	}
	allocs := testing.AllocsPerRun(100, func() {
		_ = procedure.PremiumAvailable(procedure.OfficePlan{Plan: procedure.PlanStandard, TrialStartedAt: start}, start)
	})
	assert.Zero(t, allocs, "PremiumAvailable allocates when it allows")
}

// PROC-1: the trial through the service: once per office, admins only, 7
// days to the second; outside the option configuring roles and inviting is
// refused and nothing changes.
func TestPROC1TrialAndGating(t *testing.T) {
	e := newEnv(t)
	p, _, err := e.svc.CreateProcedure(e.ctx, "admin", "o1", "Loan", "Borrower")
	require.NoError(t, err)

	_, _, err = e.svc.AddRole(e.ctx, "admin", p.ID, "Co-borrower", procedure.PermissionsOf(procedure.PermView))
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	requireRule(t, e.premium("o1"), cabinet.ErrForbidden, "PROC-1")

	_, _, err = e.svc.StartTrial(e.ctx, "std", "o1")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.StartTrial(e.ctx, "admin2", "o1")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")

	plan, _, err := e.svc.StartTrial(e.ctx, "admin", "o1")
	require.NoError(t, err)
	assert.Equal(t, t0.Add(7*24*time.Hour), plan.TrialEndsAt())
	_, _, err = e.svc.StartTrial(e.ctx, "admin", "o1")
	requireRule(t, err, cabinet.ErrConflict, "PROC-1")

	co, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "Co-borrower", procedure.PermissionsOf(procedure.PermView))
	require.NoError(t, err)
	c, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "borrower@example.com"})
	require.NoError(t, err)

	e.clock.Set(plan.TrialEndsAt().Add(-time.Second)) // last second of the trial
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, co.ID, procedure.Invitee{Email: "co@example.com"}, false)
	require.NoError(t, err)

	e.clock.Set(plan.TrialEndsAt()) // the end instant is outside
	_, _, err = e.svc.AddRole(e.ctx, "admin", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView))
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.ReplaceContributor(e.ctx, "admin", c.ID, co.ID, procedure.Invitee{Email: "other@example.com"}, false)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.SetRolePermissions(e.ctx, "admin", p.ID, co.ID, procedure.AllPermissions)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.RenameRole(e.ctx, "admin", p.ID, co.ID, "Co")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	requireRule(t, err2(e.svc.RemoveRole(e.ctx, "admin", p.ID, co.ID)), cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.AddItem(e.ctx, "admin", p.ID, "Co ID", co.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	// Not premium: the main role and the main recipient's items.
	_, _, err = e.svc.AddItem(e.ctx, "admin", p.ID, "Borrower ID", "")
	require.NoError(t, err)
	_, _, err = e.svc.RenameRole(e.ctx, "admin", p.ID, p.Roles[0].ID, "Main borrower")
	require.NoError(t, err)

	// Existing contributors keep their seat.
	got := e.getCase(c.ID)
	seat, ok := got.Contributor(co.ID)
	require.True(t, ok)
	assert.Equal(t, "co@example.com", seat.Email)

	// Boosters bring the option back for their period; platinum for good.
	_, _, err = e.svc.SetBoosters(e.ctx, "billing", "o1", e.clock.Now(), e.clock.Now().Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, e.premium("o1"))
	e.clock.Advance(time.Hour)
	requireRule(t, e.premium("o1"), cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.SetPlan(e.ctx, "billing", "o1", procedure.PlanPlatinum)
	require.NoError(t, err)
	require.NoError(t, e.premium("o1"))

	_, _, err = e.svc.SetBoosters(e.ctx, "billing", "o1", t0, t0)
	assert.Equal(t, "boosters_until", cabinet.FieldOf(err))
	_, _, err = e.svc.SetPlan(e.ctx, "billing", "o1", procedure.PlanInvalid)
	assert.Equal(t, "plan", cabinet.FieldOf(err))
	assert.Contains(t, e.log.Names(), "procedure.trial_started")
	assert.Contains(t, e.log.Names(), "procedure.plan_changed")
}

// PROC-2: one main recipient role and named contributor roles; admins
// configure; names required and unique.
func TestPROC2Roles(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	require.Len(t, p.Roles, 2)
	assert.True(t, p.Roles[0].Main)
	assert.Equal(t, "Tenant", p.MainRole().Name)
	assert.Equal(t, procedure.AllPermissions, p.MainRole().Permissions)

	_, _, err := e.svc.CreateProcedure(e.ctx, "std", "o1", "X", "Y")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-2")
	_, _, err = e.svc.CreateProcedure(e.ctx, "admin2", "o1", "X", "Y")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-2")
	_, _, err = e.svc.AddRole(e.ctx, "std", p.ID, "Co-tenant", procedure.PermissionsOf(procedure.PermView))
	requireRule(t, err, cabinet.ErrForbidden, "PROC-2")

	e.log.Reset()
	invalid := []struct {
		name  string
		run   func() error
		field string
	}{
		{"blank procedure name", func() error { _, _, err := e.svc.CreateProcedure(e.ctx, "admin", "o1", "  ", "Tenant"); return err }, "name"},
		{"blank main role", func() error { _, _, err := e.svc.CreateProcedure(e.ctx, "admin", "o1", "P", ""); return err }, "main_role"},
		{"no office", func() error { _, _, err := e.svc.CreateProcedure(e.ctx, "admin", "", "P", "T"); return err }, "office"},
		{"blank role name", func() error {
			_, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "\t", procedure.PermissionsOf(procedure.PermView))
			return err
		}, "name"},
		{"upload without view", func() error {
			_, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "X", procedure.PermissionsOf(procedure.PermUpload))
			return err
		}, "permissions"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			require.ErrorIs(t, err, cabinet.ErrInvalid)
			assert.Equal(t, tt.field, cabinet.FieldOf(err))
		})
	}
	_, _, err = e.svc.AddRole(e.ctx, "admin", p.ID, "guarantor", procedure.PermissionsOf(procedure.PermView))
	requireRule(t, err, cabinet.ErrConflict, "PROC-2")
	_, _, err = e.svc.RenameRole(e.ctx, "admin", p.ID, p.Roles[1].ID, "TENANT")
	requireRule(t, err, cabinet.ErrConflict, "PROC-2")
	requireRule(t, err2(e.svc.RemoveRole(e.ctx, "admin", p.ID, p.Roles[0].ID)), cabinet.ErrForbidden, "PROC-2")
	_, _, err = e.svc.RenameRole(e.ctx, "admin", p.ID, "role_none", "X")
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	_, _, err = e.svc.AddRole(e.ctx, "admin", "proc_none", "X", procedure.PermissionsOf(procedure.PermView))
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	assert.Empty(t, e.log.Names(), "failed commands publish nothing")
	assert.Equal(t, p, e.procedure(p.ID), "failed commands change nothing")

	// Tenant #1 → tenants #2, #3.
	coloc, _, err := e.svc.CreateProcedure(e.ctx, "admin", "o1", "Flat share", "Tenant #1")
	require.NoError(t, err)
	for _, n := range []string{"Tenant #2", "Tenant #3"} {
		_, _, err := e.svc.AddRole(e.ctx, "admin", coloc.ID, n, procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))
		require.NoError(t, err)
	}
	r, _, err := e.svc.RenameRole(e.ctx, "admin", coloc.ID, e.procedure(coloc.ID).Roles[2].ID, "Tenant #3 (student)")
	require.NoError(t, err)
	assert.Equal(t, "Tenant #3 (student)", r.Name)
	require.NoError(t, err2(e.svc.RemoveRole(e.ctx, "admin", coloc.ID, r.ID)))
	assert.Len(t, e.procedure(coloc.ID).Roles, 2)
	assert.Equal(t, []string{"procedure.procedure_created", "procedure.role_added", "procedure.role_added", "procedure.role_renamed", "procedure.role_removed"}, e.log.Names())
}

// PROC-3: each item belongs to exactly one role (main by default); a
// contributor sees and acts on only their role's items; reassigning changes
// who sees it at once.
func TestPROC3ItemsPerRole(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	tenant, guarantor := p.Roles[0], p.Roles[1]
	payslip, gid := p.Items[0], p.Items[1]
	assert.Equal(t, tenant.ID, payslip.Role, "main recipient by default")
	assert.Equal(t, guarantor.ID, gid.Role)

	e.f.account(cabinet.User{ID: "u-tenant", Email: "tenant@example.com"})
	e.f.account(cabinet.User{ID: "u-guar", Email: "guarantor@example.com"})
	c, _, err := e.svc.OpenCase(e.ctx, "std", p.ID, "d1", procedure.Invitee{Email: "tenant@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "std", c.ID, guarantor.ID, procedure.Invitee{Email: "guarantor@example.com"}, false)
	require.NoError(t, err)

	items, err := e.svc.VisibleItems(e.ctx, "u-guar", c.ID)
	require.NoError(t, err)
	assert.Equal(t, []procedure.Item{gid}, items)
	items, err = e.svc.VisibleItems(e.ctx, "u-tenant", c.ID)
	require.NoError(t, err)
	assert.Equal(t, []procedure.Item{payslip}, items)
	_, err = e.svc.VisibleItems(e.ctx, "stranger", c.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-3")

	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, payslip.ID, "payslip.pdf")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-3")
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, gid.ID, "id.pdf")
	require.NoError(t, err)
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, "item_none", "id.pdf")
	require.ErrorIs(t, err, cabinet.ErrNotFound)

	// Reassign the payslip to the guarantor: immediately theirs, no longer the tenant's.
	_, _, err = e.svc.ReassignItem(e.ctx, "admin", p.ID, payslip.ID, guarantor.ID)
	require.NoError(t, err)
	items, _ = e.svc.VisibleItems(e.ctx, "u-guar", c.ID)
	assert.Len(t, items, 2)
	items, _ = e.svc.VisibleItems(e.ctx, "u-tenant", c.ID)
	assert.Empty(t, items)
	// And back to the main recipient with "".
	it, _, err := e.svc.ReassignItem(e.ctx, "admin", p.ID, payslip.ID, "")
	require.NoError(t, err)
	assert.Equal(t, tenant.ID, it.Role)

	// Items must go to an existing role; a role with items cannot be removed.
	_, _, err = e.svc.AddItem(e.ctx, "admin", p.ID, "X", "role_none")
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	_, _, err = e.svc.ReassignItem(e.ctx, "admin", p.ID, payslip.ID, "role_none")
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	_, _, err = e.svc.ReassignItem(e.ctx, "std", p.ID, payslip.ID, guarantor.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-2")
	requireRule(t, err2(e.svc.RemoveRole(e.ctx, "admin", p.ID, guarantor.ID)), cabinet.ErrConflict, "PROC-3")
}

// PROC-4: each role's permissions (view, upload, comment, submit).
func TestPROC4Permissions(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	guarantor, gid := p.Roles[1], p.Items[1]
	e.f.account(cabinet.User{ID: "u-guar", Email: "guarantor@example.com"})
	c, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "", procedure.Invitee{Email: "tenant@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, guarantor.ID, procedure.Invitee{Email: "guarantor@example.com"}, true)
	require.NoError(t, err)

	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, gid.ID, "id.pdf")
	require.NoError(t, err, "the guarantor may upload")
	_, _, err = e.svc.Comment(e.ctx, "u-guar", c.ID, gid.ID, "here it is")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-4")
	requireRule(t, err3(e.svc.Submit(e.ctx, "u-guar", c.ID, gid.ID)), cabinet.ErrForbidden, "PROC-4")

	_, _, err = e.svc.SetRolePermissions(e.ctx, "admin", p.ID, guarantor.ID, procedure.AllPermissions)
	require.NoError(t, err)
	cm, _, err := e.svc.Comment(e.ctx, "u-guar", c.ID, gid.ID, "  here it is ")
	require.NoError(t, err)
	require.Len(t, cm.Comments, 1)
	assert.Equal(t, "here it is", cm.Comments[0].Text)
	assert.Equal(t, cabinet.UserID("u-guar"), cm.Comments[0].By)
	require.NoError(t, err3(e.svc.Submit(e.ctx, "u-guar", c.ID, gid.ID)))
	require.ErrorIs(t, err3(e.svc.Submit(e.ctx, "u-guar", c.ID, gid.ID)), cabinet.ErrConflict)
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, gid.ID, "late.pdf")
	require.ErrorIs(t, err, cabinet.ErrConflict)
	st := e.getCase(c.ID).ItemState(gid.ID)
	assert.Len(t, st.Documents, 1)
	assert.Len(t, st.Comments, 1)
	assert.Equal(t, cabinet.UserID("u-guar"), st.SubmittedBy)

	_, _, err = e.svc.Comment(e.ctx, "u-guar", c.ID, gid.ID, " ")
	assert.Equal(t, "text", cabinet.FieldOf(err))
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, gid.ID, "")
	assert.Equal(t, "document", cabinet.FieldOf(err))

	// Submitting needs a document first.
	_, _, err = e.svc.SetRolePermissions(e.ctx, "admin", p.ID, p.Roles[0].ID, procedure.PermissionsOf(procedure.PermView, procedure.PermSubmit))
	require.NoError(t, err)
	e.f.account(cabinet.User{ID: "u-tenant", Email: "tenant@example.com"})
	require.NoError(t, signUp(e.ctx, e.store, e.svc, cabinet.User{ID: "u-tenant", Email: "tenant@example.com"}))
	require.ErrorIs(t, err3(e.svc.Submit(e.ctx, "u-tenant", c.ID, p.Items[0].ID)), cabinet.ErrConflict)
	_, _, err = e.svc.Upload(e.ctx, "u-tenant", c.ID, p.Items[0].ID, "payslip.pdf")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-4")
}

// PROC-5: a case for one main recipient, optionally attached to a dossier;
// one contributor per role, with contact details.
func TestPROC5Cases(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	guarantor := p.Roles[1]
	c, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "Tenant@Example.com"})
	require.NoError(t, err)
	assert.Equal(t, "Tenant@example.com", c.Recipient.Email)
	assert.Equal(t, p.Roles[0].ID, c.Recipient.Role)
	assert.Equal(t, cabinet.DossierID("d1"), c.Dossier)

	_, _, err = e.svc.OpenCase(e.ctx, "admin", p.ID, "d2", procedure.Invitee{Email: "x@example.com"})
	// v2 (issue 11: nothing leaks across offices): a dossier of another
	// office does not exist for this one, as an unknown one.
	require.ErrorIs(t, err, cabinet.ErrNotFound, "a dossier of another office")
	_, _, err = e.svc.OpenCase(e.ctx, "admin", p.ID, "d_none", procedure.Invitee{Email: "x@example.com"})
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	_, _, err = e.svc.OpenCase(e.ctx, "admin", p.ID, "", procedure.Invitee{Email: "not an email"})
	assert.Equal(t, "recipient_email", cabinet.FieldOf(err))
	_, _, err = e.svc.OpenCase(e.ctx, "admin", "proc_none", "", procedure.Invitee{Email: "x@example.com"})
	require.ErrorIs(t, err, cabinet.ErrNotFound)

	e.log.Reset()
	bad := []struct {
		name, email string
		role        procedure.RoleID
		sentinel    error
		rule, field string
	}{
		{"malformed email", "guarantor@", guarantor.ID, cabinet.ErrInvalid, "", "email"},
		{"no role", "g@example.com", "", cabinet.ErrInvalid, "", "role"},
		{"unknown role", "g@example.com", "role_none", cabinet.ErrNotFound, "", ""},
		{"main role", "g@example.com", p.Roles[0].ID, cabinet.ErrConflict, "PROC-5", ""},
		{"the recipient's email", "TENANT@example.com", guarantor.ID, cabinet.ErrConflict, "PROC-5", ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.InviteContributor(e.ctx, "admin", c.ID, tt.role, procedure.Invitee{Email: tt.email}, false)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.rule, cabinet.RuleOf(err))
			assert.Equal(t, tt.field, cabinet.FieldOf(err))
		})
	}
	assert.Empty(t, e.log.Names())
	assert.Empty(t, e.getCase(c.ID).Contributors)

	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, guarantor.ID, procedure.Invitee{Email: "g@example.com"}, false)
	require.NoError(t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, guarantor.ID, procedure.Invitee{Email: "h@example.com"}, false)
	requireRule(t, err, cabinet.ErrConflict, "PROC-5")

	np, _, err := e.svc.ReplaceContributor(e.ctx, "admin", c.ID, guarantor.ID, procedure.Invitee{Email: "h@example.com"}, false)
	require.NoError(t, err)
	assert.Equal(t, "h@example.com", np.Email)
	_, _, err = e.svc.ReplaceContributor(e.ctx, "admin", c.ID, guarantor.ID, procedure.Invitee{Email: "H@example.com"}, false)
	requireRule(t, err, cabinet.ErrConflict, "PROC-5")
	require.NoError(t, err2(e.svc.RemoveContributor(e.ctx, "admin", c.ID, guarantor.ID)))
	require.ErrorIs(t, err2(e.svc.RemoveContributor(e.ctx, "admin", c.ID, guarantor.ID)), cabinet.ErrNotFound)
	_, _, err = e.svc.ReplaceContributor(e.ctx, "admin", c.ID, guarantor.ID, procedure.Invitee{Email: "h@example.com"}, false)
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	assert.Equal(t, []string{"procedure.contributor_added_silently", "procedure.contributor_replaced", "procedure.contributor_removed"}, e.log.Names())

	// The Reader gives the cases of a dossier.
	var cases []procedure.Case
	require.NoError(t, e.store.ViewProcedures(e.ctx, func(r procedure.Reader) error {
		var err error
		cases, _, err = r.ListCases(e.ctx, procedure.CaseFilter{Dossier: "d1"}, cabinet.Page{})
		return err
	}))
	require.Len(t, cases, 1)
	assert.Equal(t, c.ID, cases[0].ID)
}

// PROC-5: a role with a seated contributor cannot be removed.
func TestPROC5RemoveRoleWithContributor(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	_, _, err := e.svc.ReassignItem(e.ctx, "admin", p.ID, p.Items[1].ID, "")
	require.NoError(t, err)
	c, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "", procedure.Invitee{Email: "t@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, p.Roles[1].ID, procedure.Invitee{Email: "g@example.com"}, false)
	require.NoError(t, err)
	requireRule(t, err2(e.svc.RemoveRole(e.ctx, "admin", p.ID, p.Roles[1].ID)), cabinet.ErrConflict, "PROC-5")
	require.NoError(t, err2(e.svc.RemoveContributor(e.ctx, "admin", c.ID, p.Roles[1].ID)))
	require.NoError(t, err2(e.svc.RemoveRole(e.ctx, "admin", p.ID, p.Roles[1].ID)))
}

// PROC-6: the invitation is sent with an automation or when "notify" is
// ticked; otherwise the contributor is added silently.
func TestPROC6Invitation(t *testing.T) {
	tests := []struct {
		name       string
		automation bool
		notify     bool
		want       string
	}{
		{"neither: silent", false, false, "procedure.contributor_added_silently"},
		{"notify ticked", false, true, "procedure.contributor_invited"},
		{"automation", true, false, "procedure.contributor_invited"},
		{"both", true, true, "procedure.contributor_invited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.rental()
			require.NoError(t, err3(e.svc.SetAutomation(e.ctx, "admin", p.ID, tt.automation)))
			requireRule(t, err3(e.svc.SetAutomation(e.ctx, "std", p.ID, true)), cabinet.ErrForbidden, "PROC-2")
			c, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "t@example.com"})
			require.NoError(t, err)
			e.log.Reset()
			np, _, err := e.svc.InviteContributor(e.ctx, "admin", c.ID, p.Roles[1].ID, procedure.Invitee{Email: "g@example.com"}, tt.notify)
			require.NoError(t, err)
			assert.Equal(t, tt.want != "procedure.contributor_added_silently", np.Invited)
			require.Equal(t, []string{tt.want}, e.log.Names())
			switch ev := e.log.Events()[0].(type) {
			case procedure.ContributorInvited:
				assert.Equal(t, tt.automation, ev.ByAutomation)
				assert.Equal(t, tt.notify, ev.NotifyTicked)
				assert.Equal(t, c.ID, ev.Case)
				assert.Equal(t, cabinet.DossierID("d1"), ev.Dossier)
				assert.Equal(t, cabinet.OfficeID("o1"), ev.Office)
				assert.Equal(t, "g@example.com", ev.Contributor.Email)
			case procedure.ContributorAddedSilently:
				assert.Equal(t, c.ID, ev.Case)
			default:
				t.Fatalf("unexpected event %T", ev)
			}
			// Replacing follows the same rule.
			e.log.Reset()
			_, _, err = e.svc.ReplaceContributor(e.ctx, "admin", c.ID, p.Roles[1].ID, procedure.Invitee{Email: "h@example.com"}, tt.notify)
			require.NoError(t, err)
			rep := e.log.Events()[0].(procedure.ContributorReplaced)
			assert.Equal(t, tt.automation || tt.notify, rep.InvitationSent)
			assert.Equal(t, "g@example.com", rep.Old.Email)
		})
	}
}

// PROC-7: staff access to a case follows its dossier; an unattached case is
// reachable by admins and its opener.
func TestPROC7StaffAccess(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	attached, _, err := e.svc.OpenCase(e.ctx, "std", p.ID, "d1", procedure.Invitee{Email: "a@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.OpenCase(e.ctx, "std2", p.ID, "d1", procedure.Invitee{Email: "a@example.com"})
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	_, _, err = e.svc.OpenCase(e.ctx, "admin2", p.ID, "", procedure.Invitee{Email: "a@example.com"})
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	unattached, _, err := e.svc.OpenCase(e.ctx, "std2", p.ID, "", procedure.Invitee{Email: "b@example.com"})
	require.NoError(t, err)

	// The permission matrix: check(actor, case, want).
	check := func(actor cabinet.UserID, c procedure.Case, want bool) {
		t.Helper()
		_, err := e.svc.Case(e.ctx, actor, c.ID)
		if want {
			assert.NoError(t, err, "%s on %s", actor, c.ID)
			return
		}
		requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
		_, _, err = e.svc.InviteContributor(e.ctx, actor, c.ID, p.Roles[1].ID, procedure.Invitee{Email: "g@example.com"}, false)
		requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	}
	check("admin", attached, true) // reaches d1 (GRP-3)
	check("std", attached, true)   // reaches d1
	check("std2", attached, false) // does not reach d1
	check("admin2", attached, false)
	check("nobody", attached, false)
	check("admin", unattached, true) // office admin
	check("std2", unattached, true)  // the opener
	check("std", unattached, false)  // another standard collaborator
	check("admin2", unattached, false)

	// Following the dossier: std loses the route, loses the case.
	e.f.mu.Lock()
	delete(e.f.reaches["std"], "d1")
	e.f.mu.Unlock()
	check("std", attached, false)

	// The pure predicate.
	c := procedure.Case{Dossier: "", OpenedBy: "u1"}
	assert.NoError(t, procedure.CanReachCase(c, "u1", cabinet.ProfileStandard, false))
	requireRule(t, procedure.CanReachCase(c, "u1", cabinet.ProfileInvalid, true), cabinet.ErrForbidden, "PROC-7")
	c.Dossier = "d"
	requireRule(t, procedure.CanReachCase(c, "u1", cabinet.ProfileAdmin, false), cabinet.ErrForbidden, "PROC-7")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = procedure.CanReachCase(c, "u1", cabinet.ProfileAdmin, true) }))
}

// PROC-3/PROC-4: ItemAllows as a matrix, and allocation-free when it allows.
func TestItemAllowsMatrix(t *testing.T) {
	p := procedure.Procedure{
		ID: "p",
		Roles: []procedure.Role{
			{ID: "main", Name: "Tenant", Main: true, Permissions: procedure.AllPermissions},
			{ID: "g", Name: "Guarantor", Permissions: procedure.PermissionsOf(procedure.PermView, procedure.PermUpload)},
			{ID: "h", Name: "Silent", Permissions: 0},
		},
		Items: []procedure.Item{{ID: "i-main", Role: "main"}, {ID: "i-g", Role: "g"}, {ID: "i-h", Role: "h"}},
	}
	c := procedure.Case{ID: "c", Procedure: "p",
		Recipient:    procedure.Participant{Role: "main", Email: "t@example.com", User: "tenant"},
		Contributors: []procedure.Participant{{Role: "g", Email: "g@example.com", User: "guar"}, {Role: "h", Email: "h@example.com", User: "silent"}, {Role: "x", Email: "x@example.com"}},
	}
	check := func(user cabinet.UserID, perm procedure.Permission, item procedure.ItemID, want string) {
		t.Helper()
		err := procedure.ItemAllows(p, c, user, item, perm)
		switch want {
		case "":
			assert.NoError(t, err, "%s %s %s", user, perm, item)
		case "notfound":
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
		default:
			requireRule(t, err, cabinet.ErrForbidden, want)
		}
	}
	for _, perm := range []procedure.Permission{procedure.PermView, procedure.PermUpload, procedure.PermComment, procedure.PermSubmit} {
		check("tenant", perm, "i-main", "")
		check("tenant", perm, "i-g", "PROC-3")
		check("guar", perm, "i-main", "PROC-3")
		check("silent", perm, "i-h", "PROC-4")
		check("stranger", perm, "i-main", "PROC-3")
		check("", perm, "i-main", "PROC-3")
		check("tenant", perm, "i-none", "notfound")
	}
	check("guar", procedure.PermView, "i-g", "")
	check("guar", procedure.PermUpload, "i-g", "")
	check("guar", procedure.PermComment, "i-g", "PROC-4")
	check("guar", procedure.PermSubmit, "i-g", "PROC-4")
	check("tenant", procedure.PermissionInvalid, "i-main", "PROC-4")
	other := c
	other.Procedure = "q"
	requireRule(t, procedure.ItemAllows(p, other, "tenant", "i-main", procedure.PermView), cabinet.ErrForbidden, "PROC-3")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = procedure.ItemAllows(p, c, "guar", "i-g", procedure.PermUpload) }), "ItemAllows allocates when it allows")
	assert.Equal(t, []procedure.Item{{ID: "i-g", Role: "g"}}, procedure.VisibleItems(p, c, "guar"))
	assert.Empty(t, procedure.VisibleItems(p, c, "silent"))
}

// Participants by email become users when they create their account
// (cabinet.AccountListener); idempotent.
func TestAccountCreatedLinksSeats(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	c1, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "Ann@Example.com"})
	require.NoError(t, err)
	c2, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "", procedure.Invitee{Email: "bob@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c2.ID, p.Roles[1].ID, procedure.Invitee{Email: "ann@example.com"}, false)
	require.NoError(t, err)
	assert.Empty(t, e.getCase(c1.ID).Recipient.User)

	e.log.Reset()
	u := cabinet.User{ID: "u-ann", Email: "ANN@example.com"}
	require.NoError(t, signUp(e.ctx, e.store, e.svc, u))
	assert.Equal(t, []string{"procedure.participant_linked", "procedure.participant_linked"}, e.log.Names())
	assert.Equal(t, cabinet.UserID("u-ann"), e.getCase(c1.ID).Recipient.User)
	seat, _ := e.getCase(c2.ID).Contributor(p.Roles[1].ID)
	assert.Equal(t, cabinet.UserID("u-ann"), seat.User)
	assert.Empty(t, e.getCase(c2.ID).Recipient.User)

	e.log.Reset()
	before := e.store.Revision()
	require.NoError(t, signUp(e.ctx, e.store, e.svc, u), "idempotent")
	assert.Empty(t, e.log.Names())
	assert.Equal(t, before, e.store.Revision())

	var seats []procedure.Seat
	require.NoError(t, e.store.ViewProcedures(e.ctx, func(r procedure.Reader) error {
		var err error
		seats, err = r.Seats(e.ctx, "u-ann")
		return err
	}))
	require.Len(t, seats, 2)
	assert.True(t, seats[0].Main != seats[1].Main)

	// An account that already exists is linked when seated.
	e.f.account(cabinet.User{ID: "u-cy", Email: "cy@example.com"})
	c3, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "", procedure.Invitee{Email: "Cy@example.com"})
	require.NoError(t, err)
	assert.Equal(t, cabinet.UserID("u-cy"), c3.Recipient.User)
	assert.True(t, errors.Is(signUp(e.ctx, e.store, e.svc, cabinet.User{}), cabinet.ErrInvalid))
}
