// Command postgres is the quickstart's story on PostgreSQL: the same office,
// dossier, grants and team as examples/quickstart, and the same questions
// to the policy engine, over a pgstore.Store instead of a memstore.
//
// It connects with the connection string in CABINET_POSTGRES (a host's own
// *pgxpool.Pool), migrates the schema CABINET_SCHEMA (default
// cabinet_example) with pgstore.Migrate, refuses a schema that already holds
// records (a previous run: drop it, or name another), runs the story and
// prints the decisions. Next to a throwaway server:
//
//	bash scripts/with-postgres sh -c 'CABINET_POSTGRES="$CABINET_TEST_POSTGRES" go run ./examples/postgres'
//
// Without CABINET_POSTGRES it says so and exits with status 2.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet/examples/internal/quickstory"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/scenario"
)

// defaultSchema is the schema the example uses unless CABINET_SCHEMA names
// another: not pgstore.DefaultSchema, so that it never writes its story
// into a host's real cabinet schema.
const defaultSchema = "cabinet_example"

func main() {
	conn := os.Getenv("CABINET_POSTGRES")
	if conn == "" {
		fmt.Fprint(os.Stderr, `postgres: CABINET_POSTGRES is not set; give it a PostgreSQL connection string, e.g.
  CABINET_POSTGRES='postgres://user@localhost/db' go run ./examples/postgres
or run it next to a throwaway server (needs PostgreSQL's server binaries):
  bash scripts/with-postgres sh -c 'CABINET_POSTGRES="$CABINET_TEST_POSTGRES" go run ./examples/postgres'
`)
		os.Exit(2)
	}
	schema := os.Getenv("CABINET_SCHEMA")
	if schema == "" {
		schema = defaultSchema
	}
	if err := run(context.Background(), os.Stdout, conn, schema); err != nil {
		fmt.Fprintln(os.Stderr, "postgres:", err)
		os.Exit(1)
	}
}

// errStop ends the story at its first failing step (see must).
type errStop struct{ err error }

// must keeps the story short: a failing step panics with errStop, which run
// turns back into its error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(errStop{err})
	}
	return v
}

// run migrates schema in the database of conn, then tells the story on it,
// printing to out.
func run(ctx context.Context, out io.Writer, conn, schema string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch stop := r.(type) {
			case errStop:
				err = stop.err
			case *scenario.Error: // a failed step of the story (scenario.Panic)
				err = stop
			default:
				panic(r)
			}
		}
	}()
	pool, err := pgxpool.New(ctx, conn)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := pgstore.Migrate(ctx, pool, pgstore.WithSchema(schema)); err != nil {
		return err
	}
	store, err := pgstore.New(ctx, pool, pgstore.WithSchema(schema))
	if err != nil {
		return err
	}
	if rev, err := store.Revision(ctx); err != nil {
		return err
	} else if rev > 0 {
		return errors.New("schema " + schema + " already holds records (a previous run?): drop it with DROP SCHEMA " +
			schema + " CASCADE, or set CABINET_SCHEMA to another name")
	}
	fmt.Fprintf(out, "PostgreSQL schema %q migrated.\n", store.Schema())

	// From here on the story is the quickstart's (examples/internal/
	// quickstory), over the PostgreSQL store, with the quickstart's fixed
	// clock and sequential IDs, so that it prints the same every time.
	s := scenario.New(scenario.Panic, scenario.WithStore(store), scenario.WithContext(ctx))
	told, err := quickstory.Tell(s, out)
	if err != nil {
		return err
	}
	dossier, paul := policy.DossierResource(told.Dossier), told.Paul

	// The state is in PostgreSQL: services and an engine loaded afresh from
	// the store (another process would do the same) give the same answer.
	fresh := must(kit.New(ctx, store, kit.WithClock(s.Clock)))
	dec := must(fresh.Policy.Check(ctx, policy.User(paul), policy.ViewDossier, dossier))
	fmt.Fprintf(out, "\nA policy engine loaded afresh from PostgreSQL agrees: %s\n", dec)
	return nil
}
