package procedure_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
)

// rentalCase opens, on the rental procedure, a case attached to d1 for the
// tenant (u-tenant) with a guarantor (u-guar) seated, the tenant's payslip
// uploaded and the guarantor's ID uploaded and submitted.
func (e *env) rentalCase() (procedure.Procedure, procedure.Case) {
	e.t.Helper()
	p := e.rental()
	e.f.account(cabinet.User{ID: "u-tenant", Email: "tenant@example.com"})
	e.f.account(cabinet.User{ID: "u-guar", Email: "guarantor@example.com"})
	c, _, err := e.svc.OpenCase(e.ctx, "std", p.ID, "d1", procedure.Invitee{Name: "Tom Tenant", Email: "tenant@example.com", Phone: "+33 6 11 11 11 11"})
	require.NoError(e.t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "std", c.ID, p.Roles[1].ID, procedure.Invitee{Name: "Gina Guarantor", Email: "guarantor@example.com", Phone: "06 22 22 22 22"}, true)
	require.NoError(e.t, err)
	_, _, err = e.svc.Upload(e.ctx, "u-tenant", c.ID, p.Items[0].ID, "payslip.pdf")
	require.NoError(e.t, err)
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, p.Items[1].ID, "id.pdf")
	require.NoError(e.t, err)
	_, _, err = e.svc.SetRolePermissions(e.ctx, "admin", p.ID, p.Roles[1].ID, procedure.AllPermissions)
	require.NoError(e.t, err)
	_, _, err = e.svc.Submit(e.ctx, "u-guar", c.ID, p.Items[1].ID)
	require.NoError(e.t, err)
	return e.procedure(p.ID), e.getCase(c.ID)
}

// strings returns every string held by v (recursively), to check that a
// read shows nothing of someone else.
func stringsOf(v any) []string {
	var out []string
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if v.String() != "" {
				out = append(out, v.String())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		}
	}
	walk(reflect.ValueOf(v))
	return out
}

// leaks returns what of seat (email, name, phone, account) appears in v.
func leaks(v any, seat procedure.Participant) []string {
	var out []string
	for _, s := range stringsOf(v) {
		for _, secret := range []string{seat.Email, seat.Name, seat.Phone, string(seat.User)} {
			if secret != "" && strings.EqualFold(s, secret) {
				out = append(out, s)
			}
		}
	}
	return out
}

// PROC-3 v2, the attack of issue 11: procedure.Service.Case returned the
// whole case to any participant — a guarantor read the tenant's uploaded
// payslip and every participant's email. Every read path a participant can
// call now shows the items of their role only, and no other participant's
// contact details.
func TestPROC3ParticipantReadsShowOnlyTheirRole(t *testing.T) {
	e := newEnv(t)
	p, c := e.rentalCase()
	payslip, gid := p.Items[0], p.Items[1]
	tenant, guar := c.Recipient, c.Contributors[0]

	_, err := e.svc.Case(e.ctx, "u-guar", c.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	_, err = e.svc.Case(e.ctx, "u-tenant", c.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")

	v, err := e.svc.ParticipantView(e.ctx, "u-guar", c.ID)
	require.NoError(t, err)
	require.Len(t, v.Items, 1)
	assert.Equal(t, gid.ID, v.Items[0].Item.ID)
	assert.Equal(t, guar.Email, v.Seat.Email)
	assert.Equal(t, "+33622222222", v.Seat.Phone)
	assert.False(t, v.Main)
	assert.Empty(t, leaks(v, tenant), "the guarantor's view shows the tenant's details")
	for _, s := range stringsOf(v) {
		assert.NotEqual(t, "payslip.pdf", s, "the guarantor's view shows the tenant's payslip")
	}

	tv, err := e.svc.ParticipantView(e.ctx, "u-tenant", c.ID)
	require.NoError(t, err)
	require.Len(t, tv.Items, 1)
	assert.Equal(t, payslip.ID, tv.Items[0].Item.ID)
	assert.True(t, tv.Main)
	assert.Empty(t, leaks(tv, guar), "the tenant's view shows the guarantor's details")

	views, next, err := e.svc.ParticipantViews(e.ctx, "u-guar", cabinet.Page{})
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, views, 1)
	assert.Equal(t, v, views[0])

	_, err = e.svc.CaseItem(e.ctx, "u-guar", c.ID, payslip.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-3")
	iv, err := e.svc.CaseItem(e.ctx, "u-guar", c.ID, gid.ID)
	require.NoError(t, err)
	assert.Equal(t, "id.pdf", iv.State.Documents[0].Name)

	_, _, err = e.svc.Cases(e.ctx, "u-guar", procedure.CaseFilter{Office: "o1"}, cabinet.Page{})
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	_, err = e.svc.CaseSeats(e.ctx, "u-guar", c.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")

	// After the payslip is given to the guarantor, they see it — but not
	// who uploaded it (RedactItemState).
	_, _, err = e.svc.ReassignItem(e.ctx, "admin", p.ID, payslip.ID, guar.Role)
	require.NoError(t, err)
	v, err = e.svc.ParticipantView(e.ctx, "u-guar", c.ID)
	require.NoError(t, err)
	require.Len(t, v.Items, 2)
	assert.Empty(t, leaks(v, tenant), "a reassigned item shows its former participant")
	assert.Equal(t, cabinet.UserID(""), v.Items[0].State.Documents[0].By)
	// Strangers read nothing.
	for _, a := range []cabinet.UserID{"stranger", "admin2"} {
		_, err := e.svc.ParticipantView(e.ctx, a, c.ID)
		requireRule(t, err, cabinet.ErrForbidden, "PROC-3")
		_, err = e.svc.CaseItem(e.ctx, a, c.ID, gid.ID)
		requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
		views, _, err := e.svc.ParticipantViews(e.ctx, a, cabinet.Page{})
		require.NoError(t, err)
		assert.Empty(t, views)
	}
}

// PROC-7 v2: staff who reach a case view and review every item of it;
// participants and staff who do not reach it cannot; a rejection reopens
// the item, an acceptance closes it; a collaborator removed from the
// office (GRP-11) loses the case.
func TestPROC7StaffViewAndReviewEveryItem(t *testing.T) {
	e := newEnv(t)
	p, c := e.rentalCase()
	payslip, gid := p.Items[0], p.Items[1]
	for _, a := range []cabinet.UserID{"admin", "std"} {
		for _, it := range []procedure.Item{payslip, gid} {
			iv, err := e.svc.CaseItem(e.ctx, a, c.ID, it.ID)
			require.NoError(t, err, "%s views %s", a, it.Name)
			assert.NotEmpty(t, iv.State.Documents[0].By, "staff see who uploaded")
		}
	}
	_, err := e.svc.CaseItem(e.ctx, "admin", c.ID, "item_none")
	require.ErrorIs(t, err, cabinet.ErrNotFound)
	for _, a := range []cabinet.UserID{"std2", "admin2", "stranger", "u-tenant", "u-guar"} {
		_, _, err := e.svc.ReviewItem(e.ctx, a, c.ID, gid.ID, procedure.VerdictAccepted, "")
		requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	}
	_, err = e.svc.CaseItem(e.ctx, "std2", c.ID, gid.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")

	// Only a submitted item is reviewed.
	_, _, err = e.svc.ReviewItem(e.ctx, "std", c.ID, payslip.ID, procedure.VerdictAccepted, "")
	require.ErrorIs(t, err, cabinet.ErrConflict)
	_, _, err = e.svc.ReviewItem(e.ctx, "std", c.ID, gid.ID, procedure.VerdictInvalid, "")
	assert.Equal(t, "verdict", cabinet.FieldOf(err))
	_, _, err = e.svc.ReviewItem(e.ctx, "std", c.ID, gid.ID, procedure.VerdictRejected, "bad\x1b[31m")
	assert.Equal(t, "comment", cabinet.FieldOf(err))

	e.log.Reset()
	e.clock.Advance(time.Hour)
	st, rev, err := e.svc.ReviewItem(e.ctx, "std", c.ID, gid.ID, procedure.VerdictRejected, "  blurry,\r\nplease scan again ")
	require.NoError(t, err)
	assert.Equal(t, e.store.Revision(), rev)
	assert.False(t, st.Submitted(), "a rejection reopens the item")
	require.Len(t, st.Reviews, 1)
	assert.Equal(t, procedure.Review{Verdict: procedure.VerdictRejected, Comment: "blurry,\nplease scan again", By: "std", At: t0.Add(time.Hour)}, st.Reviews[0])
	assert.Equal(t, []string{"procedure.item_reviewed"}, e.log.Names())
	ev := e.log.Events()[0].(procedure.ItemReviewed)
	assert.True(t, ev.Reopened)
	assert.Equal(t, cabinet.UserID("u-guar"), ev.SubmittedBy)
	// The guarantor sees the review, not who wrote it, and submits again.
	v, err := e.svc.ParticipantView(e.ctx, "u-guar", c.ID)
	require.NoError(t, err)
	assert.Equal(t, "blurry,\nplease scan again", v.Items[0].State.Reviews[0].Comment)
	assert.Empty(t, v.Items[0].State.Reviews[0].By)
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, gid.ID, "id-scan.pdf")
	require.NoError(t, err)
	_, _, err = e.svc.Submit(e.ctx, "u-guar", c.ID, gid.ID)
	require.NoError(t, err)
	st, _, err = e.svc.ReviewItem(e.ctx, "admin", c.ID, gid.ID, procedure.VerdictAccepted, "")
	require.NoError(t, err)
	assert.True(t, st.Accepted() && st.Submitted())
	_, _, err = e.svc.ReviewItem(e.ctx, "admin", c.ID, gid.ID, procedure.VerdictRejected, "")
	require.ErrorIs(t, err, cabinet.ErrConflict, "an accepted item stays accepted")
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, gid.ID, "more.pdf")
	require.ErrorIs(t, err, cabinet.ErrConflict)

	// GRP-11: std removed from the office loses the case at once.
	e.f.leave("o1", "std")
	_, err = e.svc.CaseItem(e.ctx, "std", c.ID, gid.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	_, err = e.svc.Case(e.ctx, "std", c.ID)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")

	// An unattached case: the office's admins and its opener.
	u, _, err := e.svc.OpenCase(e.ctx, "std2", p.ID, "", procedure.Invitee{Email: "tenant@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.Upload(e.ctx, "u-tenant", u.ID, payslip.ID, "p.pdf")
	require.NoError(t, err)
	_, _, err = e.svc.Submit(e.ctx, "u-tenant", u.ID, payslip.ID)
	require.NoError(t, err)
	for a, want := range map[cabinet.UserID]bool{"admin": true, "std2": true, "admin2": false, "u-tenant": false} {
		_, err := e.svc.CaseItem(e.ctx, a, u.ID, gid.ID)
		assert.Equal(t, want, err == nil, "%s views an item of another role on the unattached case: %v", a, err)
	}
	_, _, err = e.svc.ReviewItem(e.ctx, "std2", u.ID, payslip.ID, procedure.VerdictAccepted, "fine")
	require.NoError(t, err)
}

// PROC-1, the test issue 11 names: a contributor uploading after the
// office's premium option ended keeps what they had ("existing contributors
// keep what they had"), while inviting a new contributor is refused then.
func TestPROC1ContributorUploadsAfterPremiumEnded(t *testing.T) {
	e := newEnv(t)
	p, _, err := e.svc.CreateProcedure(e.ctx, "admin", "o1", "Loan", "Borrower")
	require.NoError(t, err)
	plan, _, err := e.svc.StartTrial(e.ctx, "admin", "o1")
	require.NoError(t, err)
	co, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "Co-borrower", procedure.AllPermissions)
	require.NoError(t, err)
	item, _, err := e.svc.AddItem(e.ctx, "admin", p.ID, "Co-borrower's payslips", co.ID)
	require.NoError(t, err)
	_, _, err = e.svc.AddRole(e.ctx, "admin", p.ID, "Guarantor", procedure.AllPermissions)
	require.NoError(t, err)
	p = e.procedure(p.ID)
	e.f.account(cabinet.User{ID: "u-co", Email: "co@example.com"})
	c, _, err := e.svc.OpenCase(e.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "borrower@example.com"})
	require.NoError(t, err)
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, co.ID, procedure.Invitee{Email: "co@example.com"}, false)
	require.NoError(t, err)

	e.clock.Set(plan.TrialEndsAt().Add(time.Minute)) // the option has ended
	requireRule(t, e.premium("o1"), cabinet.ErrForbidden, "PROC-1")

	// The existing contributor keeps what they had.
	st, _, err := e.svc.Upload(e.ctx, "u-co", c.ID, item.ID, "payslip.pdf")
	require.NoError(t, err, "an existing contributor uploads after the option ended")
	assert.Len(t, st.Documents, 1)
	_, _, err = e.svc.Comment(e.ctx, "u-co", c.ID, item.ID, "here")
	require.NoError(t, err)
	_, _, err = e.svc.Submit(e.ctx, "u-co", c.ID, item.ID)
	require.NoError(t, err)
	v, err := e.svc.ParticipantView(e.ctx, "u-co", c.ID)
	require.NoError(t, err)
	assert.Len(t, v.Items, 1)
	// Staff review without the option; withdrawing needs none either.
	_, _, err = e.svc.ReviewItem(e.ctx, "admin", c.ID, item.ID, procedure.VerdictAccepted, "")
	require.NoError(t, err)

	// Inviting a new contributor is refused, and changes nothing.
	rev := e.store.Revision()
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, p.Roles[2].ID, procedure.Invitee{Email: "guarantor@example.com"}, true)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	_, _, err = e.svc.ReplaceContributor(e.ctx, "admin", c.ID, co.ID, procedure.Invitee{Email: "other@example.com"}, true)
	requireRule(t, err, cabinet.ErrForbidden, "PROC-1")
	assert.Equal(t, rev, e.store.Revision())
	_, err = e.svc.RemoveContributor(e.ctx, "admin", c.ID, co.ID)
	require.NoError(t, err)
}

// ACC-12 for cases: the cases of an archived dossier are read-only — no new
// case, no seat change, no upload, comment, submission or review — with a
// conflict naming ACC-12; reading them stays allowed.
func TestACC12CasesOfArchivedDossierAreReadOnly(t *testing.T) {
	e := newEnv(t)
	p, c := e.rentalCase()
	payslip, gid := p.Items[0], p.Items[1]
	_, _, err := e.svc.SetRolePermissions(e.ctx, "admin", p.ID, p.Roles[0].ID, procedure.AllPermissions)
	require.NoError(t, err)
	co, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "Co-tenant", procedure.AllPermissions)
	require.NoError(t, err)
	e.f.setStatus("d1", cabinet.DossierArchived)
	rev := e.store.Revision()
	for name, err := range map[string]error{
		"OpenCase":           err3(e.svc.OpenCase(e.ctx, "admin", p.ID, "d1", procedure.Invitee{Email: "new@example.com"})),
		"InviteContributor":  err3(e.svc.InviteContributor(e.ctx, "admin", c.ID, co.ID, procedure.Invitee{Email: "co@example.com"}, false)),
		"ReplaceContributor": err3(e.svc.ReplaceContributor(e.ctx, "admin", c.ID, p.Roles[1].ID, procedure.Invitee{Email: "co@example.com"}, false)),
		"RemoveContributor":  err2(e.svc.RemoveContributor(e.ctx, "admin", c.ID, p.Roles[1].ID)),
		"Upload":             err3(e.svc.Upload(e.ctx, "u-tenant", c.ID, payslip.ID, "more.pdf")),
		"Comment":            err3(e.svc.Comment(e.ctx, "u-tenant", c.ID, payslip.ID, "hello")),
		"Submit":             err3(e.svc.Submit(e.ctx, "u-tenant", c.ID, payslip.ID)),
		"ReviewItem":         err3(e.svc.ReviewItem(e.ctx, "std", c.ID, gid.ID, procedure.VerdictAccepted, "")),
	} {
		t.Run(name, func(t *testing.T) { requireRule(t, err, cabinet.ErrConflict, "ACC-12") })
	}
	assert.Equal(t, rev, e.store.Revision(), "a refused command on an archived dossier's case wrote")
	// Permissions come first: a stranger is refused for who they are.
	_, _, err = e.svc.ReviewItem(e.ctx, "std2", c.ID, gid.ID, procedure.VerdictAccepted, "")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	_, _, err = e.svc.Upload(e.ctx, "u-guar", c.ID, payslip.ID, "x.pdf")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-3")
	// Viewing stays allowed.
	_, err = e.svc.Case(e.ctx, "std", c.ID)
	require.NoError(t, err)
	_, err = e.svc.CaseItem(e.ctx, "admin", c.ID, payslip.ID)
	require.NoError(t, err)
	_, err = e.svc.ParticipantView(e.ctx, "u-guar", c.ID)
	require.NoError(t, err)
	_, err = e.svc.CaseSeats(e.ctx, "std", c.ID)
	require.NoError(t, err)
	// An unattached case is not affected; reactivation lifts it.
	e.f.setStatus("d1", cabinet.DossierActivated)
	_, err = e.svc.RemoveContributor(e.ctx, "admin", c.ID, p.Roles[1].ID)
	require.NoError(t, err)
}

// Issue 12, seed 004: a contributor is invited with the contact details the
// seed names (name, email, phone) or from an existing contact of the
// office; staff see which seats are filled, who was notified and when.
func TestSeed004InviteWithDetailsOrContactAndSeats(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	_, _, err := e.svc.AddRole(e.ctx, "admin", p.ID, "Co-tenant", procedure.PermissionsOf(procedure.PermView))
	require.NoError(t, err)
	p = e.procedure(p.ID)
	tenantRole, guarRole, coRole := p.Roles[0], p.Roles[1], p.Roles[2]
	e.f.contact(contact.Contact{ID: "c-ann", Office: "o1", Kind: contact.KindClient, FirstName: "Ann", LastName: "Lee", Email: "ann@example.com", Phone: "+33611111111"})
	e.f.contact(contact.Contact{ID: "c-pat", Office: "o1", Kind: contact.KindPartner, FirstName: "Pat", LastName: "Ng", Email: "pat@example.com"})
	e.f.contact(contact.Contact{ID: "c-far", Office: "o2", Kind: contact.KindClient, FirstName: "Far", LastName: "Away", Email: "far@example.com"})
	e.f.contact(contact.Contact{ID: "c-old", Office: "o1", Kind: contact.KindClient, FirstName: "Old", LastName: "One", Email: "old@example.com", Archived: true})
	e.f.contact(contact.Contact{ID: "c-lead", Office: "o1", Kind: contact.KindLead, FirstName: "Leo", LastName: "Ray", Email: "leo@example.com"})
	e.f.contact(contact.Contact{ID: "c-nomail", Office: "o1", Kind: contact.KindClient, FirstName: "No", LastName: "Mail"})
	e.f.account(cabinet.User{ID: "u-pat", Email: "pat@example.com"})

	c, _, err := e.svc.OpenCase(e.ctx, "std", p.ID, "d1", procedure.Invitee{Contact: "c-ann"})
	require.NoError(t, err)
	assert.Equal(t, procedure.Participant{Role: tenantRole.ID, Email: "ann@example.com", Name: "Ann Lee", Phone: "+33611111111", Contact: "c-ann",
		AddedBy: "std", AddedAt: t0}, c.Recipient)

	for _, tc := range []struct {
		name  string
		who   procedure.Invitee
		err   error
		ruleF string
	}{
		{"a contact of another office does not exist", procedure.Invitee{Contact: "c-far"}, cabinet.ErrNotFound, ""},
		{"an unknown contact", procedure.Invitee{Contact: "c-404"}, cabinet.ErrNotFound, ""},
		{"CON-4 an archived contact", procedure.Invitee{Contact: "c-old"}, cabinet.ErrForbidden, "CON-4"},
		{"CON-3 a lead is never invited", procedure.Invitee{Contact: "c-lead"}, cabinet.ErrForbidden, "CON-3"},
		{"a contact without email", procedure.Invitee{Contact: "c-nomail"}, cabinet.ErrInvalid, "contact"},
		{"a contact and details", procedure.Invitee{Contact: "c-pat", Email: "x@example.com"}, cabinet.ErrInvalid, "contact"},
		{"no email", procedure.Invitee{Name: "Gina"}, cabinet.ErrInvalid, "email"},
		{"a bad phone", procedure.Invitee{Email: "g@example.com", Phone: "12"}, cabinet.ErrInvalid, "phone"},
		{"a name with a control character", procedure.Invitee{Email: "g@example.com", Name: "Gi\x00na"}, cabinet.ErrInvalid, "name"},
		{"PROC-5 the recipient again", procedure.Invitee{Email: "ANN@example.com"}, cabinet.ErrConflict, "PROC-5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := e.store.Revision()
			_, _, err := e.svc.InviteContributor(e.ctx, "std", c.ID, guarRole.ID, tc.who, false)
			require.ErrorIs(t, err, tc.err)
			assert.Equal(t, tc.ruleF, cabinet.RuleOf(err)+cabinet.FieldOf(err))
			assert.Equal(t, rev, e.store.Revision())
		})
	}

	e.clock.Advance(time.Hour)
	g, _, err := e.svc.InviteContributor(e.ctx, "std", c.ID, guarRole.ID, procedure.Invitee{Contact: "c-pat"}, true)
	require.NoError(t, err)
	assert.Equal(t, procedure.Participant{Role: guarRole.ID, Email: "pat@example.com", Name: "Pat Ng", Contact: "c-pat", User: "u-pat",
		AddedBy: "std", AddedAt: t0.Add(time.Hour), Invited: true, NotifiedAt: t0.Add(time.Hour), LinkedAt: t0.Add(time.Hour)}, g)
	e.clock.Advance(time.Hour)
	_, _, err = e.svc.InviteContributor(e.ctx, "admin", c.ID, coRole.ID, procedure.Invitee{Name: " Gina Moreau ", Email: "gina@example.com", Phone: "06 12 34 56 78"}, false)
	require.NoError(t, err)

	seats, err := e.svc.CaseSeats(e.ctx, "std", c.ID)
	require.NoError(t, err)
	require.Len(t, seats, 3)
	assert.Equal(t, []string{"Tenant", "Guarantor", "Co-tenant"}, []string{seats[0].Role.Name, seats[1].Role.Name, seats[2].Role.Name})
	for _, st := range seats {
		assert.True(t, st.Filled)
	}
	assert.Equal(t, t0.Add(time.Hour), seats[1].Participant.NotifiedAt, "the guarantor was notified, at the invitation")
	assert.True(t, seats[2].Participant.NotifiedAt.IsZero(), "the co-tenant was added silently")
	assert.Equal(t, procedure.Participant{Role: coRole.ID, Email: "gina@example.com", Name: "Gina Moreau", Phone: "+33612345678",
		AddedBy: "admin", AddedAt: t0.Add(2 * time.Hour)}, seats[2].Participant)
	_, err = e.svc.RemoveContributor(e.ctx, "std", c.ID, coRole.ID)
	require.NoError(t, err)
	seats, _ = e.svc.CaseSeats(e.ctx, "std", c.ID)
	assert.False(t, seats[2].Filled)
	assert.Equal(t, procedure.Participant{}, seats[2].Participant)
	for _, a := range []cabinet.UserID{"std2", "admin2", "u-pat", "stranger"} {
		_, err := e.svc.CaseSeats(e.ctx, a, c.ID)
		requireRule(t, err, cabinet.ErrForbidden, "PROC-7")
	}
}

// Issue 12: every read of the service is permission-checked, and every
// listing takes a cabinet.Page.
func TestReadsArePermissionChecked(t *testing.T) {
	e := newEnv(t)
	p, c := e.rentalCase()
	e.f.collaborator("o1", "gone", cabinet.ProfileAdmin)
	e.f.leave("o1", "gone")
	reads := map[string]func(a cabinet.UserID) error{
		"OfficePlan": func(a cabinet.UserID) error { _, err := e.svc.OfficePlan(e.ctx, a, "o1"); return err },
		"Procedure":  func(a cabinet.UserID) error { _, err := e.svc.Procedure(e.ctx, a, p.ID); return err },
		"Procedures": func(a cabinet.UserID) error {
			_, _, err := e.svc.Procedures(e.ctx, a, procedure.ProcedureFilter{Office: "o1"}, cabinet.Page{})
			return err
		},
		"Cases": func(a cabinet.UserID) error {
			_, _, err := e.svc.Cases(e.ctx, a, procedure.CaseFilter{Office: "o1"}, cabinet.Page{})
			return err
		},
		"Case":      func(a cabinet.UserID) error { _, err := e.svc.Case(e.ctx, a, c.ID); return err },
		"CaseSeats": func(a cabinet.UserID) error { _, err := e.svc.CaseSeats(e.ctx, a, c.ID); return err },
		"CaseItem":  func(a cabinet.UserID) error { _, err := e.svc.CaseItem(e.ctx, a, c.ID, p.Items[0].ID); return err },
	}
	rules := map[string]string{"OfficePlan": "PROC-1", "Procedure": "PROC-2", "Procedures": "PROC-2"}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, read("admin"))
			require.NoError(t, read("std"))
			for _, a := range []cabinet.UserID{"admin2", "stranger", "gone", "u-guar"} {
				want := rules[name]
				if want == "" {
					want = "PROC-7"
				}
				if name == "CaseItem" && a == "u-guar" {
					want = "PROC-3" // a participant, of another role
				}
				requireRule(t, read(a), cabinet.ErrForbidden, want)
			}
			assert.Equal(t, "actor", cabinet.FieldOf(read("")))
		})
	}
	// Cases lists only the cases the actor reaches; std2 reaches none.
	cases, _, err := e.svc.Cases(e.ctx, "std2", procedure.CaseFilter{Office: "o1"}, cabinet.Page{})
	require.NoError(t, err)
	assert.Empty(t, cases)
	cases, _, err = e.svc.Cases(e.ctx, "std", procedure.CaseFilter{Office: "o1", Dossier: "d1"}, cabinet.Page{})
	require.NoError(t, err)
	require.Len(t, cases, 1)
	_, _, err = e.svc.Cases(e.ctx, "std", procedure.CaseFilter{}, cabinet.Page{})
	assert.Equal(t, "office", cabinet.FieldOf(err))
	_, _, err = e.svc.Cases(e.ctx, "std", procedure.CaseFilter{Office: "o1"}, cabinet.Page{Limit: -1})
	assert.Equal(t, "limit", cabinet.FieldOf(err))
	_, _, err = e.svc.ParticipantViews(e.ctx, "u-guar", cabinet.Page{Limit: -1})
	assert.Equal(t, "limit", cabinet.FieldOf(err))
}

// Issue 12 paging: a staff listing filtered by reach never drops the
// cursor of the rest, and cabinet.All walks it whole.
func TestCasesPagesKeepTheCursor(t *testing.T) {
	e := newEnv(t)
	p := e.rental()
	var mine []cabinet.CaseID
	for i := range 7 {
		actor := cabinet.UserID("std")
		if i%2 == 1 {
			actor = "std2"
		}
		c, _, err := e.svc.OpenCase(e.ctx, actor, p.ID, "", procedure.Invitee{Email: fmt.Sprintf("r%d@example.com", i)})
		require.NoError(t, err)
		if actor == "std2" {
			mine = append(mine, c.ID)
		}
	}
	got, err := cabinet.All(e.ctx, func(ctx context.Context, pg cabinet.Page) ([]procedure.Case, cabinet.Cursor, error) {
		pg.Limit = 2
		return e.svc.Cases(ctx, "std2", procedure.CaseFilter{Office: "o1"}, pg)
	})
	require.NoError(t, err)
	var ids []cabinet.CaseID
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	slices.Sort(mine)
	assert.Equal(t, mine, ids)
	// A page of one: std2 may not reach the store's first case, but the
	// cursor of the rest is there.
	page, next, err := e.svc.Cases(e.ctx, "std2", procedure.CaseFilter{Office: "o1"}, cabinet.Page{Limit: 1})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(page), 1)
	assert.NotEmpty(t, next, "a page that left records out returns the cursor of the rest")
}

// Issue 12: SetPlan and SetBoosters are host-driven work: they take a
// cabinet.Host, refuse an empty one, and their batch names the host.
func TestPlanIsHostDriven(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.svc.SetPlan(e.ctx, "", "o1", procedure.PlanPlatinum)
	assert.Equal(t, "host", cabinet.FieldOf(err))
	_, _, err = e.svc.SetBoosters(e.ctx, "", "o1", time.Time{}, time.Time{})
	assert.Equal(t, "host", cabinet.FieldOf(err))
	plan, rev, err := e.svc.SetPlan(e.ctx, "billing", "o1", procedure.PlanPlatinum)
	require.NoError(t, err)
	assert.Equal(t, procedure.PlanPlatinum, plan.Plan)
	b := e.log.Batches()
	require.Len(t, b, 1)
	assert.Equal(t, cabinet.Host("billing"), b[0].Host)
	assert.Empty(t, b[0].Actor)
	assert.Equal(t, rev, b[0].Revision)
	// A no-op returns the store's current revision and publishes nothing.
	_, rev2, err := e.svc.SetPlan(e.ctx, "billing", "o1", procedure.PlanPlatinum)
	require.NoError(t, err)
	assert.Equal(t, rev, rev2)
	assert.Len(t, e.log.Batches(), 1)
}

// Free text (comments, review comments) goes through cabinet.ParseText:
// what nobody types on purpose is refused, line endings are normalised.
func TestCommentsAreParsedText(t *testing.T) {
	e := newEnv(t)
	p, c := e.rentalCase()
	payslip := p.Items[0]
	for _, bad := range []string{"", " \n ", "nul\x00", "esc\x1b[2J", "bidi \u202e", "tag\U000E0041", strings.Repeat("x", procedure.MaxCommentLength+1)} {
		_, _, err := e.svc.Comment(e.ctx, "u-tenant", c.ID, payslip.ID, bad)
		assert.Equal(t, "text", cabinet.FieldOf(err), "%q", bad)
	}
	st, _, err := e.svc.Comment(e.ctx, "u-tenant", c.ID, payslip.ID, " line one\r\nline two\rthree ")
	require.NoError(t, err)
	assert.Equal(t, "line one\nline two\nthree", st.Comments[0].Text)
}

// Issue 12: event names are "procedure." + the snake_case type name, unique.
func TestEventNamesMatchTypeNames(t *testing.T) {
	seen := map[string]bool{}
	upper := regexp.MustCompile(`[A-Z]`)
	for _, ev := range procedure.EventTypes() {
		typ := fmt.Sprintf("%T", ev)
		typ = typ[strings.LastIndex(typ, ".")+1:]
		want := "procedure." + strings.TrimPrefix(upper.ReplaceAllStringFunc(typ, func(s string) string { return "_" + strings.ToLower(s) }), "_")
		assert.Equal(t, want, ev.EventName(), typ)
		assert.False(t, seen[want], "%s listed twice", want)
		seen[want] = true
	}
	assert.Len(t, seen, 23)
}

// The pure predicates policy calls, with their order of checks.
func TestPROC7PredicatesAndViewFor(t *testing.T) {
	p := procedure.Procedure{ID: "p", Office: "o1", Name: "Rental",
		Roles: []procedure.Role{{ID: "t", Name: "Tenant", Main: true, Permissions: procedure.AllPermissions}, {ID: "g", Name: "Guarantor", Permissions: procedure.PermissionsOf(procedure.PermView)}},
		Items: []procedure.Item{{ID: "i-t", Role: "t"}, {ID: "i-g", Role: "g"}}}
	c := procedure.Case{ID: "c", Office: "o1", Procedure: "p", Dossier: "d", OpenedBy: "std",
		Recipient:    procedure.Participant{Role: "t", Email: "t@x.co", User: "ut", Name: "Tom"},
		Contributors: []procedure.Participant{{Role: "g", Email: "g@x.co", User: "ug"}},
		Items:        []procedure.ItemState{{Item: "i-t", Documents: []procedure.Document{{Name: "payslip.pdf", By: "ut"}}}}}
	// CanViewItem: a participant's route, or staff's.
	assert.NoError(t, procedure.CanViewItem(p, c, "ug", "i-g", cabinet.ProfileInvalid, false))
	requireRule(t, procedure.CanViewItem(p, c, "ug", "i-t", cabinet.ProfileInvalid, false), cabinet.ErrForbidden, "PROC-3")
	assert.NoError(t, procedure.CanViewItem(p, c, "std", "i-t", cabinet.ProfileStandard, true))
	assert.NoError(t, procedure.CanViewItem(p, c, "ug", "i-t", cabinet.ProfileStandard, true), "a participant who is also staff")
	requireRule(t, procedure.CanViewItem(p, c, "std", "i-t", cabinet.ProfileStandard, false), cabinet.ErrForbidden, "PROC-7")
	require.ErrorIs(t, procedure.CanViewItem(p, c, "std", "i-none", cabinet.ProfileStandard, true), cabinet.ErrNotFound)
	// CanReviewItem: staff only, the item must exist, then ACC-12.
	assert.NoError(t, procedure.CanReviewItem(p, c, "std", "i-g", cabinet.ProfileStandard, true, cabinet.DossierActivated))
	requireRule(t, procedure.CanReviewItem(p, c, "ut", "i-t", cabinet.ProfileInvalid, false, cabinet.DossierActivated), cabinet.ErrForbidden, "PROC-7")
	requireRule(t, procedure.CanReviewItem(p, c, "std", "i-t", cabinet.ProfileStandard, true, cabinet.DossierArchived), cabinet.ErrConflict, "ACC-12")
	requireRule(t, procedure.CanReviewItem(p, c, "std2", "i-t", cabinet.ProfileStandard, false, cabinet.DossierArchived), cabinet.ErrForbidden, "PROC-7")
	// CanActOnItem: ItemAllows first, then ACC-12.
	requireRule(t, procedure.CanActOnItem(p, c, "ut", "i-t", procedure.PermUpload, cabinet.DossierArchived), cabinet.ErrConflict, "ACC-12")
	requireRule(t, procedure.CanActOnItem(p, c, "ug", "i-t", procedure.PermUpload, cabinet.DossierArchived), cabinet.ErrForbidden, "PROC-3")
	requireRule(t, procedure.CanActOnItem(p, c, "ug", "i-g", procedure.PermUpload, cabinet.DossierActivated), cabinet.ErrForbidden, "PROC-4")
	// CanOpenCase: staff, then the dossier's office, reach, status.
	d := cabinet.DossierFacts{ID: "d", Office: "o1", Status: cabinet.DossierActivated}
	assert.NoError(t, procedure.CanOpenCase(p, "std", cabinet.ProfileStandard, d, true))
	assert.NoError(t, procedure.CanOpenCase(p, "std", cabinet.ProfileStandard, cabinet.DossierFacts{}, false))
	requireRule(t, procedure.CanOpenCase(p, "x", cabinet.ProfileInvalid, d, true), cabinet.ErrForbidden, "PROC-7")
	require.ErrorIs(t, procedure.CanOpenCase(p, "std", cabinet.ProfileStandard, cabinet.DossierFacts{ID: "d2", Office: "o2"}, true), cabinet.ErrNotFound)
	requireRule(t, procedure.CanOpenCase(p, "std", cabinet.ProfileStandard, d, false), cabinet.ErrForbidden, "PROC-7")
	d.Status = cabinet.DossierArchived
	requireRule(t, procedure.CanOpenCase(p, "std", cabinet.ProfileStandard, d, true), cabinet.ErrConflict, "ACC-12")
	// ViewFor holds nothing of the other seat.
	v, err := procedure.ViewFor(p, c, "ug")
	require.NoError(t, err)
	assert.Empty(t, leaks(v, c.Recipient))
	assert.Equal(t, []procedure.ItemView{{Item: p.Items[1], State: procedure.ItemState{Item: "i-g"}}}, v.Items)
	_, err = procedure.ViewFor(p, c, "std")
	requireRule(t, err, cabinet.ErrForbidden, "PROC-3")
	// The allow paths do not allocate.
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		_ = procedure.CanChangeCase(c, cabinet.DossierActivated)
		_ = procedure.CanActOnItem(p, c, "ut", "i-t", procedure.PermUpload, cabinet.DossierActivated)
		_ = procedure.CanReviewItem(p, c, "std", "i-g", cabinet.ProfileStandard, true, cabinet.DossierActivated)
		_ = procedure.CanViewItem(p, c, "ug", "i-g", cabinet.ProfileInvalid, false)
	}))
}
