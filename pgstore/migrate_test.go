package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
)

func TestMigrationsAreNumberedAndSubstituted(t *testing.T) {
	t.Parallel()
	ms, err := pgstore.Migrations(pgstore.WithSchema("Host_Schema"))
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for i, m := range ms {
		assert.Equal(t, i+1, m.Version, m.Name)
		assert.True(t, strings.HasPrefix(m.Name, fmt.Sprintf("%04d_", m.Version)), m.Name)
		assert.NotContains(t, m.SQL, "{schema}", m.Name)
		assert.Contains(t, m.SQL, `"Host_Schema".`, m.Name)
		assert.Contains(t, m.SQL, fmt.Sprintf(`INSERT INTO "Host_Schema".schema_version (version) VALUES (%d);`, m.Version), m.Name)
	}
	def, err := pgstore.Migrations()
	require.NoError(t, err)
	assert.Contains(t, def[0].SQL, `CREATE SCHEMA IF NOT EXISTS "cabinet";`)
}

func TestInvalidSchemaNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "1abc", "a-b", `a"b`, "a b", "pg_cabinet", "PG_x", "é", strings.Repeat("a", 64), "x;DROP TABLE y"} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			_, err := pgstore.Migrations(pgstore.WithSchema(name))
			assert.ErrorIs(t, err, cabinet.ErrInvalid)
			assert.Equal(t, "schema", cabinet.FieldOf(err))
			// Neither Migrate nor New reach the database with it.
			assert.Equal(t, "schema", cabinet.FieldOf(pgstore.Migrate(context.Background(), nil, pgstore.WithSchema(name))))
			_, err = pgstore.New(context.Background(), nil, pgstore.WithSchema(name))
			assert.Equal(t, "schema", cabinet.FieldOf(err))
		})
	}
	for _, name := range []string{"cabinet", "_x", "Cabinet_2", strings.Repeat("a", 63)} {
		_, err := pgstore.Migrations(pgstore.WithSchema(name))
		assert.NoError(t, err, name)
	}
}

func TestNewRefusesASchemaBehindOrAhead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	schema := pgstore.WithSchema(pgtest.Schema(t, pool))

	// Never migrated: version 0, behind.
	_, err := pgstore.New(ctx, pool, schema)
	var sv *pgstore.SchemaVersionError
	require.ErrorAs(t, err, &sv)
	assert.ErrorIs(t, err, pgstore.ErrSchemaVersion)
	assert.ErrorIs(t, err, cabinet.ErrConflict)
	assert.Equal(t, 0, sv.Have)
	assert.Contains(t, err.Error(), "behind")

	require.NoError(t, pgstore.Migrate(ctx, pool, schema))
	require.NoError(t, pgstore.Migrate(ctx, pool, schema), "Migrate is idempotent")
	s, err := pgstore.New(ctx, pool, schema)
	require.NoError(t, err)

	// A newer cabinet migrated the database: the schema is ahead.
	_, err = pool.Exec(ctx, "INSERT INTO "+pgx.Identifier{s.Schema()}.Sanitize()+".schema_version (version) VALUES (9999)")
	require.NoError(t, err)
	_, err = pgstore.New(ctx, pool, schema)
	require.ErrorAs(t, err, &sv)
	assert.ErrorIs(t, err, pgstore.ErrSchemaVersion)
	assert.Equal(t, 9999, sv.Have)
	assert.Contains(t, err.Error(), "ahead")
	err = pgstore.Migrate(ctx, pool, schema)
	assert.ErrorIs(t, err, pgstore.ErrSchemaVersion, "Migrate does not touch a schema ahead of the code")

	_, err = pgstore.New(ctx, pool, schema, pgstore.WithMaxAttempts(0))
	assert.Equal(t, "max_attempts", cabinet.FieldOf(err))
}

// Two replicas starting together: both Migrate calls succeed, on separate
// connections, and the schema ends at the code's version, migrated once.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 8, nil)
	schema := pgstore.WithSchema(pgtest.Schema(t, pool))
	const replicas = 4
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	start := make(chan struct{})
	for i := range replicas {
		wg.Go(func() {
			<-start
			errs[i] = pgstore.Migrate(ctx, pool, schema)
		})
	}
	close(start)
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	s, err := pgstore.New(ctx, pool, schema)
	require.NoError(t, err)
	ms, err := pgstore.Migrations(schema)
	require.NoError(t, err)
	var rows, max int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*), max(version) FROM "+pgx.Identifier{s.Schema()}.Sanitize()+".schema_version").Scan(&rows, &max))
	assert.Equal(t, len(ms), rows, "each migration applied once")
	assert.Equal(t, len(ms), max)
}

// A host running its own migration tool applies Migrations() and New
// accepts the result.
func TestMigrationsAppliedByTheHost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	schema := pgstore.WithSchema(pgtest.Schema(t, pool))
	ms, err := pgstore.Migrations(schema)
	require.NoError(t, err)
	for _, m := range ms {
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, m.SQL)
			return err
		}), m.Name)
	}
	_, err = pgstore.New(ctx, pool, schema)
	require.NoError(t, err)
}
