package due_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/due"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/scenario"
	"github.com/cabinet-go/cabinet/team"
)

const host cabinet.Host = "scheduler"

// office is a small practice: an admin who manages a dossier, on a clock
// the services and due share.
type office struct {
	*scenario.Scenario
	office  cabinet.OfficeID
	admin   cabinet.UserID
	dossier cabinet.DossierID
}

func newOffice(t *testing.T) *office {
	t.Helper()
	s := scenario.New(t)
	admin := s.User("Louise Admin")
	o := s.Office("Martin Wealth", admin.ID)
	d := s.Dossier(o.ID, "Roux family", admin.ID)
	return &office{Scenario: s, office: o.ID, admin: admin.ID, dossier: d.ID}
}

// due lists what is due now, failing the test on error.
func (w *office) due(t *testing.T) []due.Obligation {
	t.Helper()
	list, err := w.Due.Due(w.Context(), host)
	require.NoError(t, err)
	return list
}

// of returns the obligations of kind k in list.
func of(list []due.Obligation, kinds ...due.Kind) []due.Obligation {
	var out []due.Obligation
	for _, o := range list {
		for _, k := range kinds {
			if o.Kind == k {
				out = append(out, o)
			}
		}
	}
	return out
}

// reminders returns the ACC-5 part of list as access.ReminderDue values.
func reminders(list []due.Obligation) []access.ReminderDue {
	var out []access.ReminderDue
	for _, o := range of(list, due.KindInvitationReminder) {
		out = append(out, o.Event.(access.ReminderDue))
	}
	return out
}

// ACC-5: a reminder is listed from 7 (then 30) days after the invitation,
// exactly as access.DueReminders says, and disappears when the grantee
// creates an account, the grant is revoked, its contact is corrected or
// the reminder is sent.
func TestACC5RemindersAppearWhenDueAndGoWhenResolved(t *testing.T) {
	cases := []struct {
		name    string
		resolve func(t *testing.T, w *office, g access.Grant)
	}{
		{"account created", func(t *testing.T, w *office, g access.Grant) { w.SignUp("Kid Roux", g.Email) }},
		{"grant revoked", func(t *testing.T, w *office, g access.Grant) {
			_, err := w.Access.Revoke(w.Context(), w.admin, g.ID)
			require.NoError(t, err)
		}},
		{"contact corrected", func(t *testing.T, w *office, g access.Grant) {
			_, _, err := w.Access.CorrectGrantContact(w.Context(), w.admin, g.ID, access.ContactInput{Email: "kid.new@example.com", Phone: g.Phone})
			require.NoError(t, err)
		}},
		{"reminder sent", func(t *testing.T, w *office, g access.Grant) {
			_, _, err := w.Access.SendDueReminders(w.Context(), host)
			require.NoError(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newOffice(t)
			g := w.GrantInvited(w.Person(w.dossier, "Kid Roux", access.RelationChild).ID, access.LevelReadOnly)
			agree := func() []access.ReminderDue {
				t.Helper()
				want, err := w.Access.DueReminders(w.Context(), host)
				require.NoError(t, err)
				got := reminders(w.due(t))
				assert.Equal(t, want, got, "Due's ACC-5 part equals DueReminders")
				return got
			}
			w.Clock.Set(g.InvitedAt.Add(access.FirstReminderDelay - time.Nanosecond))
			assert.Empty(t, agree(), "not before 7 days")
			w.Clock.Set(g.InvitedAt.Add(access.FirstReminderDelay))
			got := agree()
			require.Len(t, got, 1)
			assert.Equal(t, uint8(1), got[0].Number)
			o := of(w.due(t), due.KindInvitationReminder)[0]
			assert.Equal(t, due.Obligation{
				Kind: due.KindInvitationReminder, Rule: "ACC-5", ID: string(g.ID),
				Subject: due.Subject{Office: w.office, Dossier: w.dossier, Grant: g.ID},
				DueAt:   g.InvitedAt.Add(access.FirstReminderDelay), Event: got[0],
			}, o)

			tc.resolve(t, w, g)
			assert.Empty(t, agree(), "resolved")
		})
	}
	t.Run("the 30-day reminder replaces an unsent 7-day one", func(t *testing.T) {
		w := newOffice(t)
		g := w.GrantInvited(w.Person(w.dossier, "Kid Roux", access.RelationChild).ID, access.LevelReadOnly)
		w.Clock.Set(g.InvitedAt.Add(access.SecondReminderDelay))
		got := reminders(w.due(t))
		require.Len(t, got, 1)
		assert.Equal(t, uint8(2), got[0].Number)
		assert.Equal(t, g.InvitedAt.Add(access.SecondReminderDelay), got[0].DueAt)
	})
}

// TEAM-3: a pending invitation is "expiring" from the window before its
// ExpiresAt, "expired" from ExpiresAt while still pending; accepting,
// revoking, resending it or deleting its team resolves it.
func TestTEAM3InvitationsExpiringAndExpired(t *testing.T) {
	window := due.DefaultInvitationExpiring
	cases := []struct {
		name    string
		expired bool // resolve after it expired (else while expiring)
		resolve func(t *testing.T, w *office, lead cabinet.UserID, inv team.Invitation)
	}{
		{"accepted", false, func(t *testing.T, w *office, lead cabinet.UserID, inv team.Invitation) {
			u := w.SignUp("Noa Guest", inv.Email)
			_, _, err := w.Teams.AcceptInvitation(w.Context(), u.ID, inv.ID)
			require.NoError(t, err)
		}},
		{"revoked while expiring", false, func(t *testing.T, w *office, lead cabinet.UserID, inv team.Invitation) {
			_, err := w.Teams.RevokeInvitation(w.Context(), lead, inv.ID)
			require.NoError(t, err)
		}},
		{"revoked once expired", true, func(t *testing.T, w *office, lead cabinet.UserID, inv team.Invitation) {
			_, err := w.Teams.RevokeInvitation(w.Context(), lead, inv.ID)
			require.NoError(t, err)
		}},
		{"resent once expired", true, func(t *testing.T, w *office, lead cabinet.UserID, inv team.Invitation) {
			_, _, err := w.Teams.ResendInvitation(w.Context(), lead, inv.ID)
			require.NoError(t, err)
		}},
		{"team deleted", true, func(t *testing.T, w *office, lead cabinet.UserID, inv team.Invitation) {
			_, err := w.Teams.DeleteTeam(w.Context(), lead, inv.Team, team.ReassignToReferrers)
			require.NoError(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newOffice(t)
			tm := w.Team("Advisors", w.admin)
			inv, _, err := w.Teams.Invite(w.Context(), w.admin, tm.ID, "noa.guest@example.com", team.RoleMember)
			require.NoError(t, err)
			teamPart := func() []due.Obligation {
				return of(w.due(t), due.KindTeamInvitationExpiring, due.KindTeamInvitationExpired)
			}
			w.Clock.Set(inv.ExpiresAt.Add(-window - time.Nanosecond))
			assert.Empty(t, teamPart(), "not before the window")
			w.Clock.Set(inv.ExpiresAt.Add(-window))
			assert.Equal(t, []due.Obligation{{
				Kind: due.KindTeamInvitationExpiring, Rule: "TEAM-3", ID: string(inv.ID),
				Subject: due.Subject{Team: tm.ID, Invitation: inv.ID}, DueAt: inv.ExpiresAt.Add(-window),
				Event: team.InvitationExpiring{Invitation: inv.ID, Team: tm.ID, Email: inv.Email, Role: team.RoleMember, InvitedBy: w.admin, ExpiresAt: inv.ExpiresAt},
			}}, teamPart())
			w.Clock.Set(inv.ExpiresAt.Add(-time.Nanosecond))
			assert.Equal(t, due.KindTeamInvitationExpiring, teamPart()[0].Kind)
			if tc.expired {
				w.Clock.Set(inv.ExpiresAt)
				assert.Equal(t, []due.Obligation{{
					Kind: due.KindTeamInvitationExpired, Rule: "TEAM-3", ID: string(inv.ID),
					Subject: due.Subject{Team: tm.ID, Invitation: inv.ID}, DueAt: inv.ExpiresAt,
					Event: team.InvitationExpired{Invitation: inv.ID, Team: tm.ID, Email: inv.Email, Role: team.RoleMember, InvitedBy: w.admin, ExpiresAt: inv.ExpiresAt},
				}}, teamPart())
				w.Clock.Advance(90 * 24 * time.Hour)
				assert.Len(t, teamPart(), 1, "listed while it stays pending")
			}
			tc.resolve(t, w, w.admin, inv)
			assert.Empty(t, teamPart(), "resolved")
		})
	}
	t.Run("the window is an option", func(t *testing.T) {
		w := newOffice(t)
		tm := w.Team("Advisors", w.admin)
		inv, _, err := w.Teams.Invite(w.Context(), w.admin, tm.ID, "noa.guest@example.com", team.RoleMember)
		require.NoError(t, err)
		svc := w.Due.WithWindows(due.Windows{InvitationExpiring: 24 * time.Hour})
		assert.Equal(t, 24*time.Hour, svc.Windows().InvitationExpiring)
		assert.Equal(t, due.DefaultTrialEnding, svc.Windows().TrialEnding, "a zero field keeps its default")
		list, err := svc.DueAt(w.Context(), host, inv.ExpiresAt.Add(-25*time.Hour))
		require.NoError(t, err)
		assert.Empty(t, list)
		list, err = svc.DueAt(w.Context(), host, inv.ExpiresAt.Add(-24*time.Hour))
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, inv.ExpiresAt.Add(-24*time.Hour), list[0].DueAt)
	})
}

// PROC-1: a trial is "ending" from the window before its end and "ended"
// from its end on, while the office would not have the contributors option
// without it; the platinum plan or boosters covering the end resolve it.
func TestPROC1TrialsEndingAndEnded(t *testing.T) {
	window := due.DefaultTrialEnding
	cases := []struct {
		name    string
		ended   bool // resolve after the end (else while ending)
		resolve func(t *testing.T, w *office, end time.Time)
	}{
		{"plan upgraded while ending", false, func(t *testing.T, w *office, end time.Time) {
			w.Plan(w.office, procedure.PlanPlatinum)
		}},
		{"plan upgraded once ended", true, func(t *testing.T, w *office, end time.Time) {
			w.Plan(w.office, procedure.PlanPlatinum)
		}},
		{"boosters over the end", false, func(t *testing.T, w *office, end time.Time) {
			_, _, err := w.Procedures.SetBoosters(w.Context(), scenario.HostBilling, w.office, w.Clock.Now(), end.Add(30*24*time.Hour))
			require.NoError(t, err)
		}},
		{"boosters once ended", true, func(t *testing.T, w *office, end time.Time) {
			_, _, err := w.Procedures.SetBoosters(w.Context(), scenario.HostBilling, w.office, w.Clock.Now(), w.Clock.Now().Add(30*24*time.Hour))
			require.NoError(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newOffice(t)
			plan, _, err := w.Procedures.StartTrial(w.Context(), w.admin, w.office)
			require.NoError(t, err)
			end := plan.TrialEndsAt()
			trials := func() []due.Obligation { return of(w.due(t), due.KindTrialEnding, due.KindTrialEnded) }
			w.Clock.Set(end.Add(-window - time.Nanosecond))
			assert.Empty(t, trials(), "not before the window")
			w.Clock.Set(end.Add(-window))
			assert.Equal(t, []due.Obligation{{
				Kind: due.KindTrialEnding, Rule: "PROC-1", ID: string(w.office), Subject: due.Subject{Office: w.office},
				DueAt: end.Add(-window), Event: procedure.TrialEnding{Office: w.office, StartedAt: plan.TrialStartedAt, EndsAt: end},
			}}, trials())
			if tc.ended {
				w.Clock.Set(end)
				assert.Equal(t, []due.Obligation{{
					Kind: due.KindTrialEnded, Rule: "PROC-1", ID: string(w.office), Subject: due.Subject{Office: w.office},
					DueAt: end, Event: procedure.TrialEnded{Office: w.office, StartedAt: plan.TrialStartedAt, EndedAt: end},
				}}, trials())
			}
			tc.resolve(t, w, end)
			assert.Empty(t, trials(), "resolved")
			w.Clock.Set(end.Add(24 * time.Hour))
			assert.Empty(t, trials(), "still resolved after the end")
		})
	}
	t.Run("boosters that stop before the end do not resolve it", func(t *testing.T) {
		w := newOffice(t)
		plan, _, err := w.Procedures.StartTrial(w.Context(), w.admin, w.office)
		require.NoError(t, err)
		end := plan.TrialEndsAt()
		_, _, err = w.Procedures.SetBoosters(w.Context(), scenario.HostBilling, w.office, w.Clock.Now(), end.Add(-time.Hour))
		require.NoError(t, err)
		w.Clock.Set(end.Add(-window))
		assert.Len(t, of(w.due(t), due.KindTrialEnding), 1)
		w.Clock.Set(end)
		assert.Len(t, of(w.due(t), due.KindTrialEnded), 1)
	})
	t.Run("an office that never started a trial", func(t *testing.T) {
		w := newOffice(t)
		w.Plan(w.office, procedure.PlanStandard)
		w.Clock.Advance(365 * 24 * time.Hour)
		assert.Empty(t, of(w.due(t), due.KindTrialEnding, due.KindTrialEnded))
	})
}

// caseWorld is an office on platinum with a procedure whose contributor
// role "Guarantor" may upload, and a case with a tenant.
type caseWorld struct {
	*office
	proc     procedure.Procedure
	role     procedure.Role
	viewOnly procedure.Role
	item     procedure.Item
	c        procedure.Case
}

func newCaseWorld(t *testing.T) *caseWorld {
	t.Helper()
	w := &caseWorld{office: newOffice(t)}
	w.Plan(w.office.office, procedure.PlanPlatinum)
	w.proc = w.Procedure(w.office.office, "Rental", "Tenant")
	w.role = w.Role(w.proc.ID, "Guarantor", procedure.PermView, procedure.PermUpload)
	w.viewOnly = w.Role(w.proc.ID, "Observer", procedure.PermView)
	w.item = w.Item(w.proc.ID, "Guarantor's payslip", w.role.ID)
	w.c = w.Case(w.proc.ID, w.dossier, cabinet.User{DisplayName: "Tom Tenant", Email: "tom@example.com"})
	return w
}

// PROC-5, PROC-6: an invited contributor who has not answered (no
// document, comment or submission by their account) is listed from the
// window after their invitation; answering, leaving the seat or being
// replaced resolves it. Silent seats and view-only roles are never listed.
func TestPROC5ContributorsWhoHaveNotAnswered(t *testing.T) {
	window := due.DefaultContributorAnswer
	guarantor := cabinet.User{DisplayName: "Gus Guarantor", Email: "gus@example.com"}
	cases := []struct {
		name    string
		resolve func(t *testing.T, w *caseWorld)
	}{
		{"contributor answered", func(t *testing.T, w *caseWorld) {
			u := w.SignUp(guarantor.DisplayName, guarantor.Email)
			assert.Len(t, of(w.due(t), due.KindContributorUnanswered), 1, "signing up is not an answer")
			_, _, err := w.Procedures.Upload(w.Context(), u.ID, w.c.ID, w.item.ID, "payslip.pdf")
			require.NoError(t, err)
		}},
		{"seat emptied", func(t *testing.T, w *caseWorld) {
			_, err := w.Procedures.RemoveContributor(w.Context(), w.admin, w.c.ID, w.role.ID)
			require.NoError(t, err)
		}},
		{"seat given to someone else", func(t *testing.T, w *caseWorld) {
			_, _, err := w.Procedures.ReplaceContributor(w.Context(), w.admin, w.c.ID, w.role.ID, procedure.Invitee{Email: "gail@example.com"}, true)
			require.NoError(t, err)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newCaseWorld(t)
			seat := w.Contributor(w.c.ID, w.role.ID, guarantor)
			unanswered := func() []due.Obligation { return of(w.due(t), due.KindContributorUnanswered) }
			w.Clock.Set(seat.NotifiedAt.Add(window - time.Nanosecond))
			assert.Empty(t, unanswered(), "not before the window")
			w.Clock.Set(seat.NotifiedAt.Add(window))
			assert.Equal(t, []due.Obligation{{
				Kind: due.KindContributorUnanswered, Rule: "PROC-5", ID: string(w.c.ID) + "/" + string(w.role.ID),
				Subject: due.Subject{Office: w.office.office, Dossier: w.dossier, Procedure: w.proc.ID, Case: w.c.ID, Role: w.role.ID},
				DueAt:   seat.NotifiedAt.Add(window),
				Event:   procedure.ContributorUnanswered{Office: w.office.office, Procedure: w.proc.ID, Case: w.c.ID, Dossier: w.dossier, Contributor: seat, DueAt: seat.NotifiedAt.Add(window)},
			}}, unanswered())
			replacedAt := w.Clock.Now()
			tc.resolve(t, w)
			assert.Empty(t, unanswered(), "resolved")
			if tc.name == "seat given to someone else" {
				w.Clock.Set(replacedAt.Add(window))
				got := unanswered()
				require.Len(t, got, 1, "the new contributor's own invitation counts")
				assert.Equal(t, "gail@example.com", got[0].Event.(procedure.ContributorUnanswered).Contributor.Email)
			}
		})
	}
	t.Run("silent seats and view-only roles are never listed", func(t *testing.T) {
		w := newCaseWorld(t)
		_, _, err := w.Procedures.InviteContributor(w.Context(), w.admin, w.c.ID, w.role.ID, procedure.Invitee{Email: guarantor.Email}, false)
		require.NoError(t, err)
		w.Contributor(w.c.ID, w.viewOnly.ID, cabinet.User{DisplayName: "Olive Observer", Email: "olive@example.com"})
		w.Clock.Advance(60 * 24 * time.Hour)
		assert.Empty(t, of(w.due(t), due.KindContributorUnanswered))
	})
}

// The call itself: host-driven, the instant explicit or the clock's, one
// deterministic order, and the extension point for kinds to come.
func TestDueCallOrderAndSources(t *testing.T) {
	w := newCaseWorld(t)
	ctx := w.Context()
	_, err := w.Due.Due(ctx, "")
	assert.Equal(t, "host", cabinet.FieldOf(err))
	_, err = w.Due.DueAt(ctx, "", w.Clock.Now())
	assert.Equal(t, "host", cabinet.FieldOf(err))
	_, err = w.Due.DueAt(ctx, host, time.Time{})
	assert.Equal(t, "at", cabinet.FieldOf(err))

	// One of each kind, due at different and at equal instants.
	g1 := w.GrantInvited(w.Person(w.dossier, "Kid Roux", access.RelationChild).ID, access.LevelReadOnly)
	g2 := w.GrantInvited(w.Person(w.dossier, "Ann Roux", access.RelationChild).ID, access.LevelReadOnly)
	tm := w.Team("Advisors", w.admin)
	_, _, err = w.Teams.Invite(ctx, w.admin, tm.ID, "noa.guest@example.com", team.RoleMember)
	require.NoError(t, err)
	w.Contributor(w.c.ID, w.role.ID, cabinet.User{DisplayName: "Gus", Email: "gus@example.com"})
	at := g1.InvitedAt.Add(20 * 24 * time.Hour)
	list, err := w.Due.DueAt(ctx, host, at)
	require.NoError(t, err)
	var kinds []due.Kind
	for i, o := range list {
		kinds = append(kinds, o.Kind)
		assert.False(t, o.DueAt.After(at))
		if i > 0 {
			p := list[i-1]
			assert.True(t, p.DueAt.Before(o.DueAt) || p.DueAt.Equal(o.DueAt) && (p.Kind < o.Kind || p.Kind == o.Kind && p.ID < o.ID), "order at %d", i)
		}
	}
	// Same instant for the two reminders and the contributor: kind, then ID.
	assert.Equal(t, []due.Kind{due.KindContributorUnanswered, due.KindInvitationReminder, due.KindInvitationReminder, due.KindTeamInvitationExpired}, kinds)
	assert.Equal(t, []string{string(g1.ID), string(g2.ID)}, []string{list[1].ID, list[2].ID})
	now, err := w.Due.Due(ctx, host)
	require.NoError(t, err)
	assert.Empty(t, now, "nothing is due at the clock's time")

	// A Source adds its kind in the same snapshot and the same order.
	var sawTx bool
	src := due.SourceFunc(func(ctx context.Context, tx cabinet.Tx, at time.Time) ([]due.Obligation, error) {
		_, err := w.Store.AccessReader(tx)
		sawTx = err == nil
		return []due.Obligation{{Kind: "access_expired", Rule: "ACC-X", ID: "grant_9", DueAt: at, Event: access.GrantRevoked{}}}, nil
	})
	list, err = w.Due.WithSources(src).DueAt(ctx, host, at)
	require.NoError(t, err)
	assert.True(t, sawTx, "the source reads the View's transaction")
	assert.Equal(t, due.Kind("access_expired"), list[len(list)-1].Kind)
	bad := due.SourceFunc(func(context.Context, cabinet.Tx, time.Time) ([]due.Obligation, error) {
		return []due.Obligation{{Kind: "x", ID: "y", DueAt: at.Add(time.Hour), Rule: "R", Event: access.GrantRevoked{}}}, nil
	})
	_, err = w.Due.WithSources(bad).DueAt(ctx, host, at)
	assert.Equal(t, "source", cabinet.FieldOf(err), "a source may not list what is not due yet")
}
