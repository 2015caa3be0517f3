package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// schemaToken is replaced by the quoted schema name in the migrations and
// in every query.
const schemaToken = "{schema}"

// Migration is one numbered step of the store's schema, for a host that
// applies migrations with its own tool (see Migrations).
type Migration struct {
	// Version is the step's number: 1, 2, … with no gap.
	Version int
	// Name is the embedded file's name, e.g. "0001_init.sql".
	Name string
	// SQL is the step's statements, with the schema name substituted,
	// ending with the insert of Version into the schema_version table that
	// New checks. Run it in one transaction.
	SQL string
}

// ErrSchemaVersion is matched (errors.Is) by the error New returns when the
// database schema is not at the version the code needs. That error is a
// *SchemaVersionError and also wraps cabinet.ErrConflict: the database's
// state conflicts with the code.
var ErrSchemaVersion = errors.New("pgstore: schema version mismatch")

// SchemaVersionError reports a schema behind the code (run Migrate, or the
// host's migration tool with Migrations) or ahead of it (the database was
// migrated by a newer version of cabinet: upgrade the code).
type SchemaVersionError struct {
	Schema string // the schema name
	Have   int    // the version in the database, 0 when never migrated
	Want   int    // the version the code needs: the last migration
}

// Error implements error.
func (e *SchemaVersionError) Error() string {
	if e.Have < e.Want {
		return fmt.Sprintf("pgstore: schema %q is at version %d, behind the code's %d: run pgstore.Migrate (or apply pgstore.Migrations)", e.Schema, e.Have, e.Want)
	}
	return fmt.Sprintf("pgstore: schema %q is at version %d, ahead of the code's %d: this build of cabinet is older than the one that migrated the database", e.Schema, e.Have, e.Want)
}

// Unwrap returns ErrSchemaVersion and cabinet.ErrConflict.
func (e *SchemaVersionError) Unwrap() []error { return []error{ErrSchemaVersion, cabinet.ErrConflict} }

// Migrations returns every migration of the store in order, with the schema
// name (DefaultSchema or WithSchema's) substituted, for hosts that run their
// own migration tool instead of Migrate. Each step ends by recording its
// version, so New accepts the schema once all are applied. An invalid schema
// name is an *cabinet.InvalidError naming "schema".
func Migrations(opts ...Option) ([]Migration, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return migrations(c)
}

// migrations reads the embedded files, checks their numbering and
// substitutes the schema.
func migrations(c config) ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading the embedded migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("pgstore: embedded migration %q is not named NNNN_name.sql", name)
		}
		body, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("pgstore: reading migration %s: %w", name, err)
		}
		sql := strings.ReplaceAll(string(body), schemaToken, c.quoted()) +
			fmt.Sprintf("\nINSERT INTO %s.schema_version (version) VALUES (%d);\n", c.quoted(), v)
		out = append(out, Migration{Version: v, Name: name, SQL: sql})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("pgstore: embedded migrations are not numbered 1…%d without gaps (found %s)", len(out), m.Name)
		}
	}
	return out, nil
}

// Migrate brings the store's schema (DefaultSchema or WithSchema's) in the
// database of pool up to the version this code needs, creating it if
// needed. It applies each missing migration in its own transaction, in
// order, while holding a session advisory lock on one connection, so
// replicas that start together migrate once: the others wait, then find
// nothing to do. A schema ahead of the code is a *SchemaVersionError; an
// invalid schema name an *cabinet.InvalidError naming "schema"; database
// failures are returned as they are. Any caller may run it; it is
// idempotent.
func Migrate(ctx context.Context, pool *pgxpool.Pool, opts ...Option) error {
	c, err := newConfig(opts)
	if err != nil {
		return err
	}
	if pool == nil {
		return cabinet.Invalid("pool", "is required")
	}
	ms, err := migrations(c)
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	key := advisoryKey("migrate", c.schema)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return err
	}
	// If ctx is done the unlock fails and pgx closes the connection, which
	// releases the lock just the same.
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()

	have, err := schemaVersion(ctx, conn.Conn(), c)
	if err != nil {
		return err
	}
	if have > len(ms) {
		return &SchemaVersionError{Schema: c.schema, Have: have, Want: len(ms)}
	}
	for _, m := range ms[have:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, m.SQL)
			return err
		})
		if err != nil {
			return fmt.Errorf("pgstore: migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// querier is what schemaVersion needs of a connection or a pool.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// schemaVersion returns the highest version recorded in the schema's
// schema_version table, 0 when the table does not exist.
func schemaVersion(ctx context.Context, q querier, c config) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", c.quoted()+".schema_version").Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+c.quoted()+".schema_version").Scan(&v)
	return v, err
}
