package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/procedure/proceduretest"
	"github.com/cabinet-go/cabinet/team"
	"github.com/cabinet-go/cabinet/team/teamtest"
)

// Times keep microseconds and come back in UTC, in columns and in the JSON
// of nested values alike; the zero time stays the zero time.
func TestTimesAreMicrosecondsInUTC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, nil)
	in := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("CET", 3600))
	want := time.Date(2026, 1, 2, 2, 4, 5, 123456000, time.UTC)
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		if err := w.PutUser(ctx, cabinet.User{ID: "u1", Email: "u1@example.com", CreatedAt: in}); err != nil {
			return err
		}
		return w.PutTeam(ctx, team.Team{ID: "t1", Members: []team.Member{{User: "u1", Role: team.RoleAdmin, JoinedAt: in}, {User: "u2"}}})
	})
	require.NoError(t, err)
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		u, err := r.User(ctx, "u1")
		require.NoError(t, err)
		assert.Equal(t, want, u.CreatedAt)
		tm, err := r.Team(ctx, "t1")
		require.NoError(t, err)
		assert.Equal(t, want, tm.Members[0].JoinedAt)
		assert.Equal(t, time.Time{}, tm.Members[1].JoinedAt)
		assert.Equal(t, time.Time{}, tm.CreatedAt)
		return nil
	}))
}

// PostgreSQL text holds neither NUL bytes nor invalid UTF-8: a Put of such a
// string is an *cabinet.InvalidError naming the field, a lookup of such a key
// finds nothing, and the transaction goes on.
func TestUnstorableStrings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, nil)
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		err := w.PutUser(ctx, cabinet.User{ID: "u1", DisplayName: "a\x00b", Email: "u1@example.com"})
		assert.ErrorIs(t, err, cabinet.ErrInvalid)
		assert.Equal(t, "display_name", cabinet.FieldOf(err))
		err = w.PutTeam(ctx, team.Team{ID: "t1", Members: []team.Member{{User: "ok"}, {User: "\xff"}}})
		assert.Equal(t, "members[1].user", cabinet.FieldOf(err))
		_, err = w.User(ctx, "u\x00")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
		_, err = w.UserByEmail(ctx, "\xffa@example.com")
		assert.ErrorIs(t, err, cabinet.ErrNotFound)
		teams, _, err := w.ListTeams(ctx, team.TeamFilter{Member: "\x00"}, cabinet.Page{})
		assert.NoError(t, err)
		assert.Empty(t, teams)
		_, _, err = w.ListUsers(ctx, cabinet.Page{After: "\xff"})
		assert.Equal(t, "after", cabinet.FieldOf(err))
		assert.ErrorIs(t, w.DeleteTeam(ctx, "t\x00"), cabinet.ErrNotFound)
		return w.PutUser(ctx, cabinet.User{ID: "u1", DisplayName: "fine", Email: "u1@example.com"})
	})
	require.NoError(t, err)
	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		u, err := r.User(ctx, "u1")
		assert.NoError(t, err)
		assert.Equal(t, "fine", u.DisplayName)
		return nil
	}))
}

// The store encodes its arguments so that every QueryExecMode of the host's
// pool works: the suites of the packages with JSON columns and text[]
// arguments pass with the simple protocol too.
func TestSimpleProtocolPool(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 4, func(c *pgxpool.Config) { c.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol })
	t.Run("team", func(t *testing.T) {
		teamtest.RunStoreTests(t, func(t *testing.T) team.Store { return pgtest.Store(t, pool) })
	})
	t.Run("procedure", func(t *testing.T) {
		proceduretest.RunStoreTests(t, func(t *testing.T) procedure.Store { return pgtest.Store(t, pool) })
	})
}
