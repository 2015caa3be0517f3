package pgstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

// Migration 0005 (issue 15) gives every retained change of a version-4
// schema that names a user the account key of that user (cabinet.KeyAccount),
// which the policy engine now reads a user's account and lists from: a
// change of an earlier schema is read as it was before, keeps its other
// keys, and stays normalized; a change naming no user is left alone. A
// commit afterwards records the account key itself.
func TestMigration0005AddsAccountKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	name := pgtest.Schema(t, pool)
	ms, err := pgstore.Migrations(pgstore.WithSchema(name))
	require.NoError(t, err)
	require.Equal(t, "0005_account_keys.sql", ms[4].Name)
	s := pgx.Identifier{name}.Sanitize()
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, m := range ms[:4] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
		}
		for _, keys := range [][]string{
			{"user:u1", "user:u2", "dossier:d1", "office:o1"}, // a dossier with its manager and assigned collaborator, normalized
			{"dossier:d2", "office:o1"},                       // names no user
			nil,                                               // a change without keys
		} {
			if _, err := tx.Exec(ctx, `INSERT INTO `+s+`.changes (revision, committed_at, keys)
				VALUES (nextval('`+s+`.revision_seq'), now(), $1::text[])`, keys); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, pgstore.Migrate(ctx, pool, pgstore.WithSchema(name)))
	st, err := pgstore.New(ctx, pool, pgstore.WithSchema(name))
	require.NoError(t, err)

	var got [][]cabinet.Key
	for c, err := range st.Changes(ctx, 0) {
		require.NoError(t, err)
		got = append(got, c.Keys)
	}
	k := cabinet.KeyOf[string]
	require.Len(t, got, 3)
	assert.Equal(t, []cabinet.Key{k(cabinet.KeyUser, "u1"), k(cabinet.KeyUser, "u2"), k(cabinet.KeyDossier, "d1"), k(cabinet.KeyOffice, "o1"),
		k(cabinet.KeyAccount, "u1"), k(cabinet.KeyAccount, "u2")}, got[0], "a version-4 change naming users names their accounts")
	assert.True(t, slices.IsSortedFunc(got[0], cabinet.CompareKeys), "the keys stay sorted: %v", got[0])
	assert.Equal(t, []cabinet.Key{k(cabinet.KeyDossier, "d2"), k(cabinet.KeyOffice, "o1")}, got[1], "a change naming no user is left alone")
	assert.Empty(t, got[2], "a change without keys stays without")

	rev, err := st.UpdateTeams(ctx, func(w team.Writer) error {
		return w.PutUser(ctx, cabinet.User{ID: "u3", DisplayName: "Three", Email: "u3@example.com"})
	})
	require.NoError(t, err)
	for c, err := range st.Changes(ctx, rev-1) {
		require.NoError(t, err)
		assert.Contains(t, c.Keys, k(cabinet.KeyAccount, "u3"), "a new account records its account key")
	}
}
