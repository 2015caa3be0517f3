package pgstore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

// Migration 0006 (issue 15) stores the change log's events as json instead
// of jsonb — kept as the store wrote them, not parsed into jsonb's form and
// printed again — compressed with lz4 where the server offers it (the
// keys too): the events of a version-5 change still read back, and a
// commit afterwards stores exactly the text the store encoded.
func TestMigration0006StoresEventsAsJSON(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	name := pgtest.Schema(t, pool)
	ms, err := pgstore.Migrations(pgstore.WithSchema(name))
	require.NoError(t, err)
	require.Equal(t, "0006_events_json.sql", ms[5].Name)
	s := pgx.Identifier{name}.Sanitize()
	before := team.UserCreated{User: "u1"}
	data, err := json.Marshal(before)
	require.NoError(t, err)
	old, err := json.Marshal([]map[string]any{{"name": before.EventName(), "data": json.RawMessage(data)}})
	require.NoError(t, err)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, m := range ms[:5] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+s+`.changes (revision, committed_at, batch_at, host, events, keys)
			VALUES (nextval('`+s+`.revision_seq'), now(), now(), 'test', $1::jsonb, '{user:u1}')`, string(old))
		return err
	}))
	require.NoError(t, pgstore.Migrate(ctx, pool, pgstore.WithSchema(name)))
	st, err := pgstore.New(ctx, pool, pgstore.WithSchema(name))
	require.NoError(t, err)

	var typ, compression, keysCompression string
	require.NoError(t, pool.QueryRow(ctx, `SELECT format_type(atttypid, atttypmod), attcompression::text FROM pg_attribute
		WHERE attrelid = $1::regclass AND attname = 'events'`, s+".changes").Scan(&typ, &compression))
	require.NoError(t, pool.QueryRow(ctx, `SELECT attcompression::text FROM pg_attribute
		WHERE attrelid = $1::regclass AND attname = 'keys'`, s+".changes").Scan(&keysCompression))
	assert.Equal(t, "json", typ)
	var lz4 bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_settings
		WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`).Scan(&lz4))
	if lz4 {
		assert.Equal(t, "l", compression, "the server offers lz4: the events are compressed with it")
		assert.Equal(t, "l", keysCompression, "the server offers lz4: the keys are compressed with it")
	} else {
		t.Logf("this server has no lz4: the column keeps the default compression (%q)", compression)
	}

	got := changes(t, st, 0)
	require.Len(t, got, 1)
	assert.Equal(t, []cabinet.Event{before}, got[0].Batch.Events, "a version-5 change's events read back")

	after := team.UserCreated{User: "u2"}
	rev, err := st.UpdateTeams(ctx, func(w team.Writer) error {
		if err := w.PutUser(ctx, cabinet.User{ID: "u2", DisplayName: "Two", Email: "u2@example.com"}); err != nil {
			return err
		}
		return w.Tx().Emit(cabinet.Batch{Host: "test", Events: []cabinet.Event{after}})
	})
	require.NoError(t, err)
	data, err = json.Marshal(after)
	require.NoError(t, err)
	var stored string
	require.NoError(t, pool.QueryRow(ctx, `SELECT events::text FROM `+s+`.changes WHERE revision = $1`, int64(rev)).Scan(&stored))
	assert.Equal(t, `[{"name":"`+after.EventName()+`","data":`+string(data)+`}]`, stored,
		"the events are stored as the store encoded them, not re-encoded by the server")
	got = changes(t, st, rev-1)
	require.Len(t, got, 1)
	assert.Equal(t, []cabinet.Event{after}, got[0].Batch.Events)
}
