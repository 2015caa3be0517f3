package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
)

// Migration 0004 (issue 16) adds the nullable expiry columns of grants and
// direct assignments: the rows of a version-3 schema read with no expiry
// (the zero time) and are kept; an expiry written afterwards round-trips.
func TestMigration0004AddsExpiries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	name := pgtest.Schema(t, pool)
	ms, err := pgstore.Migrations(pgstore.WithSchema(name))
	require.NoError(t, err)
	require.Equal(t, "0004_expiry.sql", ms[3].Name)
	s := pgx.Identifier{name}.Sanitize()
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, m := range ms[:3] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+s+`.grants (id, dossier_id, office_id, kind, person_id, advisor_id, central, email, email_key, phone,
			level, user_id, granted_by, reminders, awaiting_account)
			VALUES ('g1', 'd1', 'o1', 2, '', 'a1', false, 'n@x.example', 'n@x.example', '', 1, 'u_n', 'u_m', 0, false)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+s+`.direct_assignments (client_group_id, user_id, office_id) VALUES ('cg1', 'u_s', 'o1')`)
		return err
	}))
	require.NoError(t, pgstore.Migrate(ctx, pool, pgstore.WithSchema(name)))
	st, err := pgstore.New(ctx, pool, pgstore.WithSchema(name))
	require.NoError(t, err)

	require.NoError(t, st.ViewAccess(ctx, func(r access.Reader) error {
		g, err := r.Grant(ctx, "g1")
		require.NoError(t, err)
		assert.True(t, g.ExpiresAt.IsZero(), "a version-3 grant has no expiry")
		return nil
	}))
	require.NoError(t, st.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		a, err := r.DirectAssignment(ctx, "cg1", "u_s")
		require.NoError(t, err)
		assert.True(t, a.ExpiresAt.IsZero(), "a version-3 assignment has no expiry")
		return nil
	}))

	until := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	_, err = st.UpdateAccess(ctx, func(w access.Writer) error {
		g, err := w.Grant(ctx, "g1")
		if err != nil {
			return err
		}
		g.ExpiresAt = until
		return w.PutGrant(ctx, g)
	})
	require.NoError(t, err)
	_, err = st.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		return w.PutDirectAssignment(ctx, clientgroup.DirectAssignment{ClientGroup: "cg1", Office: "o1", User: "u_s", ExpiresAt: until})
	})
	require.NoError(t, err)
	require.NoError(t, st.ViewAccess(ctx, func(r access.Reader) error {
		g, err := r.Grant(ctx, "g1")
		require.NoError(t, err)
		assert.Equal(t, until, g.ExpiresAt)
		return nil
	}))
	require.NoError(t, st.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		a, err := r.DirectAssignment(ctx, "cg1", "u_s")
		require.NoError(t, err)
		assert.Equal(t, until, a.ExpiresAt)
		return nil
	}))
}
