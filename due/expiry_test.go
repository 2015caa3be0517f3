package due_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/due"
)

// expiries returns the issue-16 part of list.
func expiries(list []due.Obligation) []due.Obligation {
	return of(list, due.KindAccessExpiring, due.KindAccessExpired)
}

// ACC-10, issue 16: an external advisor's grant with an expiry is
// "expiring" from the window before its ExpiresAt and "expired" from it
// on, until it is revoked; changing the expiry moves both, clearing it
// lists nothing.
func TestACC10AdvisorAccessExpiringAndExpired(t *testing.T) {
	window := due.DefaultAccessExpiring
	w := newOffice(t)
	adv := w.Advisor(w.dossier, "Maître Blanc", access.AdvisorNotary)
	until := w.Clock.Now().Add(30 * 24 * time.Hour)
	g, _, err := w.Access.GrantAdvisorUntil(w.Context(), w.admin, adv.ID, access.LevelReadOnly, until)
	require.NoError(t, err)
	subject := due.Subject{Office: w.office, Dossier: w.dossier, Grant: g.ID, Advisor: adv.ID}

	w.Clock.Set(until.Add(-window - time.Nanosecond))
	assert.Empty(t, expiries(w.due(t)), "not before the window")
	w.Clock.Set(until.Add(-window))
	assert.Equal(t, []due.Obligation{{
		Kind: due.KindAccessExpiring, Rule: "ACC-10", ID: string(g.ID), Subject: subject, DueAt: until.Add(-window),
		Event: access.AdvisorAccessExpiring{Grant: g.ID, Dossier: w.dossier, Office: w.office, Advisor: adv.ID, ExpiresAt: until},
	}}, expiries(w.due(t)))
	w.Clock.Set(until.Add(-time.Nanosecond))
	assert.Equal(t, due.KindAccessExpiring, expiries(w.due(t))[0].Kind, "still expiring just before")
	w.Clock.Set(until)
	assert.Equal(t, []due.Obligation{{
		Kind: due.KindAccessExpired, Rule: "ACC-10", ID: string(g.ID), Subject: subject, DueAt: until,
		Event: access.AdvisorAccessExpired{Grant: g.ID, Dossier: w.dossier, Office: w.office, Advisor: adv.ID, ExpiresAt: until},
	}}, expiries(w.due(t)))

	// Extended beyond the window: nothing is due; shortened into it: expiring.
	_, _, err = w.Access.SetGrantExpiry(w.Context(), w.admin, g.ID, w.Clock.Now().Add(window+time.Hour))
	require.NoError(t, err)
	assert.Empty(t, expiries(w.due(t)), "extended")
	_, _, err = w.Access.SetGrantExpiry(w.Context(), w.admin, g.ID, w.Clock.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Len(t, of(w.due(t), due.KindAccessExpiring), 1, "shortened")
	_, _, err = w.Access.SetGrantExpiry(w.Context(), w.admin, g.ID, time.Time{})
	require.NoError(t, err)
	w.Clock.Advance(365 * 24 * time.Hour)
	assert.Empty(t, expiries(w.due(t)), "cleared")
	_, _, err = w.Access.SetGrantExpiry(w.Context(), w.admin, g.ID, w.Clock.Now().Add(time.Minute))
	require.NoError(t, err)
	w.Clock.Advance(time.Minute)
	assert.Len(t, of(w.due(t), due.KindAccessExpired), 1)
	_, err = w.Access.Revoke(w.Context(), w.admin, g.ID)
	require.NoError(t, err)
	assert.Empty(t, expiries(w.due(t)), "revoked")
}

// GRP-3, issue 16: a direct assignment with an expiry is "expiring", then
// "expired" until it is removed; assigning again replaces the expiry.
func TestGRP3AssignmentExpiringAndExpired(t *testing.T) {
	w := newOffice(t)
	window := 24 * time.Hour
	svc := w.Due.WithWindows(due.Windows{AccessExpiring: window})
	list := func() []due.Obligation {
		t.Helper()
		l, err := svc.Due(w.Context(), host)
		require.NoError(t, err)
		return expiries(l)
	}
	staff := w.Collaborator(w.office, "Paul Staff", cabinet.ProfileStandard)
	g := w.ClientGroup(w.office, "North")
	until := w.Clock.Now().Add(10 * 24 * time.Hour)
	_, _, err := w.Groups.AssignCollaboratorUntil(w.Context(), w.admin, g.ID, staff.ID, until)
	require.NoError(t, err)
	subject := due.Subject{Office: w.office, ClientGroup: g.ID, User: staff.ID}
	id := string(g.ID) + "/" + string(staff.ID)

	w.Clock.Set(until.Add(-window - time.Nanosecond))
	assert.Empty(t, list(), "not before the window")
	w.Clock.Set(until.Add(-window))
	assert.Equal(t, []due.Obligation{{
		Kind: due.KindAccessExpiring, Rule: "GRP-3", ID: id, Subject: subject, DueAt: until.Add(-window),
		Event: clientgroup.AssignmentExpiring{Office: w.office, ClientGroup: g.ID, User: staff.ID, ExpiresAt: until},
	}}, list())
	w.Clock.Set(until.Add(time.Hour))
	assert.Equal(t, []due.Obligation{{
		Kind: due.KindAccessExpired, Rule: "GRP-3", ID: id, Subject: subject, DueAt: until,
		Event: clientgroup.AssignmentExpired{Office: w.office, ClientGroup: g.ID, User: staff.ID, ExpiresAt: until},
	}}, list())
	_, _, err = w.Groups.AssignCollaboratorUntil(w.Context(), w.admin, g.ID, staff.ID, w.Clock.Now().Add(2*window))
	require.NoError(t, err)
	assert.Empty(t, list(), "assigned again, beyond the window")
	w.Clock.Advance(3 * window)
	assert.Len(t, list(), 1)
	_, err = w.Groups.UnassignCollaborator(w.Context(), w.admin, g.ID, staff.ID)
	require.NoError(t, err)
	assert.Empty(t, list(), "removed")
	assert.Equal(t, due.DefaultAccessExpiring, w.Due.Windows().AccessExpiring, "7 days by default")
}
