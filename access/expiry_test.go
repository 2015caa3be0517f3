package access_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// TestACC10AdvisorGrantExpires (issue 16, an extension of SPEC v2): an
// external advisor's grant with an expiry allows its actions while now <
// ExpiresAt on the service's clock, and nothing from that instant on, with
// no command; the service's reads name ACC-10 and say "expired"; the
// expired grant stays listed with its expiry until revoked or replaced.
func TestACC10AdvisorGrantExpires(t *testing.T) {
	w := newWorld(t)
	until := start.Add(10 * 24 * time.Hour)
	g, _, err := w.svc.SetGrantExpiry(w.ctx, uMgr, w.notaryGrant.ID, until)
	require.NoError(t, err)
	assert.Equal(t, until, g.ExpiresAt)
	assert.Equal(t, []cabinet.Event{access.GrantExpiryChanged{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Advisor: w.notary.ID, User: uNotary, To: until}},
		w.log.Events(), "the event carries the expiry")

	for _, tc := range []struct {
		name string
		at   time.Time
		open bool
	}{
		{"before", until.Add(-time.Nanosecond), true},
		{"at", until, false},
		{"after", until.Add(24 * time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.clock.Set(tc.at)
			_, viewErr := w.svc.Dossier(w.ctx, uNotary, w.dossier.ID)
			_, _, editErr := w.svc.EditPerson(w.ctx, uNotary, w.child.ID, access.PersonInput{Name: "Léa M.", Relation: access.RelationChild})
			if tc.open {
				assert.NoError(t, viewErr)
				assert.NoError(t, editErr, "read_write: edits the family structure (ACC-10)")
				return
			}
			require.ErrorIs(t, viewErr, cabinet.ErrForbidden)
			assert.Equal(t, "ACC-10", cabinet.RuleOf(viewErr))
			assert.True(t, strings.Contains(viewErr.Error(), "expired"), "%v", viewErr)
			assert.ErrorIs(t, editErr, cabinet.ErrForbidden)
			kept, err := w.svc.Grant(w.ctx, uMgr, g.ID)
			require.NoError(t, err)
			assert.Equal(t, until, kept.ExpiresAt, "listed with its expiry")
			assert.True(t, kept.Expired(w.clock.Now()))
		})
	}
}

// ACC-9, issue 16: the expiry is set when granting or changed later by the
// manager only; an expiry not after now is invalid input naming
// expires_at; a person's grant never expires; an expired grant is replaced
// by granting again (GrantRevoked then GrantCreated), a live one is an
// ACC-4 conflict.
func TestACC9GrantExpiryIsTheManagers(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	cases := []struct {
		name  string
		run   func() error
		is    error
		field string
		rule  string
	}{
		{"expiry at now", func() error { return errOf(w.svc.SetGrantExpiry(w.ctx, uMgr, w.notaryGrant.ID, now)) }, cabinet.ErrInvalid, "expires_at", ""},
		{"expiry in the past", func() error { return errOf(w.svc.SetGrantExpiry(w.ctx, uMgr, w.notaryGrant.ID, now.Add(-time.Hour))) }, cabinet.ErrInvalid, "expires_at", ""},
		{"a person's grant", func() error { return errOf(w.svc.SetGrantExpiry(w.ctx, uMgr, w.holderGrant.ID, now.Add(time.Hour))) }, cabinet.ErrInvalid, "grant", ""},
		{"an assigned collaborator", func() error { return errOf(w.svc.SetGrantExpiry(w.ctx, uCol, w.notaryGrant.ID, now.Add(time.Hour))) }, cabinet.ErrForbidden, "", "ACC-9"},
		{"the central person", func() error { return errOf(w.svc.SetGrantExpiry(w.ctx, uHolder, w.notaryGrant.ID, now.Add(time.Hour))) }, cabinet.ErrForbidden, "", "ACC-9"},
		{"granting a live grant again", func() error {
			return errOf(w.svc.GrantAdvisorUntil(w.ctx, uMgr, w.notary.ID, access.LevelReadOnly, now.Add(time.Hour)))
		}, cabinet.ErrConflict, "", "ACC-4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w.log.Reset()
			err := tc.run()
			require.ErrorIs(t, err, tc.is)
			assert.Equal(t, tc.field, cabinet.FieldOf(err))
			assert.Equal(t, tc.rule, cabinet.RuleOf(err))
			assert.Empty(t, w.log.Events(), "a failed command changes nothing")
		})
	}

	t.Run("cleared, then an expired grant replaced", func(t *testing.T) {
		_, _, err := w.svc.SetGrantExpiry(w.ctx, uMgr, w.notaryGrant.ID, now.Add(time.Hour))
		require.NoError(t, err)
		g, _, err := w.svc.SetGrantExpiry(w.ctx, uMgr, w.notaryGrant.ID, time.Time{})
		require.NoError(t, err)
		assert.True(t, g.ExpiresAt.IsZero())
		_, _, err = w.svc.SetGrantExpiry(w.ctx, uMgr, w.notaryGrant.ID, now.Add(time.Hour))
		require.NoError(t, err)
		w.clock.Set(now.Add(time.Hour))
		w.log.Reset()
		ng, _, err := w.svc.GrantAdvisorUntil(w.ctx, uMgr, w.notary.ID, access.LevelReadOnly, now.Add(48*time.Hour))
		require.NoError(t, err)
		assert.NotEqual(t, w.notaryGrant.ID, ng.ID)
		assert.Equal(t, uNotary, ng.User, "linked again to the advisor's account")
		evs := w.log.Events()
		require.Len(t, evs, 3)
		assert.IsType(t, access.GrantRevoked{}, evs[0])
		assert.Equal(t, access.GrantCreated{Grant: ng}, evs[1], "the event carries the expiry")
		_, err = w.svc.Grant(w.ctx, uMgr, w.notaryGrant.ID)
		assert.True(t, errors.Is(err, cabinet.ErrNotFound), "the expired grant was replaced: %v", err)
		_, err = w.svc.Dossier(w.ctx, uNotary, w.dossier.ID)
		assert.NoError(t, err)
	})
}
