// Package pgtest gives tests a PostgreSQL store of their own: a pool on the
// database named by the CABINET_TEST_POSTGRES connection string (which
// scripts/with-postgres exports) and a fresh schema per test, dropped at the
// test's cleanup, so that tests and suites run in parallel without seeing
// each other's records.
//
// Without CABINET_TEST_POSTGRES a test using it is skipped, with one line
// saying how to run it — except under CI=true, where it fails: CI must run
// the PostgreSQL tests.
//
// A test of a hot standby takes a pool on it with StandbyPool: the server
// named by CABINET_TEST_POSTGRES_STANDBY, a streaming standby of the first
// (scripts/with-postgres --standby starts both). Without it such a test is
// skipped, under CI=true too unless CABINET_TEST_REQUIRE_STANDBY=true
// (scripts/check sets it).
//
// It is test support: only tests import it. It and package pgstore are the
// only importers of the PostgreSQL driver.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet/pgstore"
)

// EnvVar names the environment variable holding the test database's
// connection string, e.g. "host=/tmp/cabinet-pg.x dbname=cabinet_test
// user=postgres".
const EnvVar = "CABINET_TEST_POSTGRES"

// StandbyEnvVar names the environment variable holding the connection
// string of a hot standby of the test database, e.g. "host=/tmp/cabinet-pg.x
// port=5433 dbname=cabinet_test user=postgres".
const StandbyEnvVar = "CABINET_TEST_POSTGRES_STANDBY"

// RequireStandbyEnvVar, set to "true", makes a test needing the standby
// fail rather than skip when StandbyEnvVar is not set.
const RequireStandbyEnvVar = "CABINET_TEST_REQUIRE_STANDBY"

// ConnString returns the test database's connection string, skipping t (or,
// under CI=true, failing it) when EnvVar is not set.
func ConnString(t testing.TB) string {
	t.Helper()
	conn := os.Getenv(EnvVar)
	if conn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set, and CI=true: CI must run the PostgreSQL tests (bash scripts/check runs them through scripts/with-postgres)", EnvVar)
		}
		t.Skipf("PostgreSQL tests skipped (%s is not set); run: bash scripts/with-postgres go test ./pgstore/...", EnvVar)
	}
	return conn
}

// StandbyPool returns a new pool on the test database's hot standby (see
// StandbyEnvVar) with at most maxConns connections, closed at t's cleanup,
// skipping t when there is none (failing it under
// CABINET_TEST_REQUIRE_STANDBY=true).
func StandbyPool(t testing.TB, maxConns int32) *pgxpool.Pool {
	t.Helper()
	conn := os.Getenv(StandbyEnvVar)
	if conn == "" {
		if os.Getenv(RequireStandbyEnvVar) == "true" {
			t.Fatalf("%s is not set, and %s=true", StandbyEnvVar, RequireStandbyEnvVar)
		}
		t.Skipf("hot standby tests skipped (%s is not set); run: bash scripts/with-postgres --standby go test ./pgstore/...", StandbyEnvVar)
	}
	return pool(t, conn, StandbyEnvVar, maxConns, nil)
}

// CatchUp waits, for at most 30 s, until the hot standby behind standby has
// replayed everything written through primary so far (a fresh schema
// included), failing t after that.
func CatchUp(t testing.TB, primary, standby *pgxpool.Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var lsn string
	if err := primary.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatalf("pgtest: reading the primary's WAL position: %v", err)
	}
	for {
		var done bool
		if err := standby.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done); err != nil {
			t.Fatalf("pgtest: reading the standby's replay position: %v", err)
		}
		if done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("pgtest: the standby did not replay %s in 30 s", lsn)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Pool returns a new pool on the test database with at most maxConns
// connections (0: pgxpool's default), closed at t's cleanup. configure, when
// not nil, may change the configuration further.
func Pool(t testing.TB, maxConns int32, configure func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	return pool(t, ConnString(t), EnvVar, maxConns, configure)
}

func pool(t testing.TB, conn, env string, maxConns int32, configure func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(conn)
	if err != nil {
		t.Fatalf("pgtest: parsing %s: %v", env, err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	if configure != nil {
		configure(cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: connecting: %v", err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("pgtest: connecting to the test database: %v", err)
	}
	return pool
}

// Schema returns the name of a fresh schema for t (not created: Migrate
// creates it), dropped with everything in it at t's cleanup, before pool is
// closed.
func Schema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + sanitize(t.Name()) + "_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("pgtest: dropping schema %s: %v", name, err)
		}
	})
	return name
}

// sanitize keeps the letters and digits of a test name, lower-cased, at
// most 40 of them, so that the schema name is a short plain identifier.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case b.Len() >= 40:
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// Store returns a migrated, empty store for t in a fresh schema, over pool
// (a new Pool when nil). opts are passed to pgstore.Migrate and pgstore.New
// after the schema option.
func Store(t testing.TB, pool *pgxpool.Pool, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	if pool == nil {
		pool = Pool(t, 4, nil)
	}
	opts = append([]pgstore.Option{pgstore.WithSchema(Schema(t, pool))}, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := pgstore.Migrate(ctx, pool, opts...); err != nil {
		t.Fatalf("pgtest: migrating: %v", err)
	}
	s, err := pgstore.New(ctx, pool, opts...)
	if err != nil {
		t.Fatalf("pgtest: pgstore.New: %v", err)
	}
	return s
}

// Replica returns another store over the schema of s, through pool (its own
// connections, as another process of the host would have): a replica. opts
// are passed to pgstore.New after the schema option.
func Replica(t testing.TB, s *pgstore.Store, pool *pgxpool.Pool, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	opts = append([]pgstore.Option{pgstore.WithSchema(s.Schema())}, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := pgstore.New(ctx, pool, opts...)
	if err != nil {
		t.Fatalf("pgtest: pgstore.New of a replica: %v", err)
	}
	return r
}
