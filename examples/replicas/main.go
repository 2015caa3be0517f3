// Command replicas shows two replicas of a host over one PostgreSQL
// database, and read-your-writes across them: replica A and replica B are
// each a kit over a pgstore.Store on a pool of their own, as two processes
// of the host would be. A command committed through A returns its
// revision; a question to B's policy engine asked at that revision
// (policy.AtLeast) is answered once B has applied it — B reads the change
// from the store's change log itself — so it sees A's write, while B's
// default answer is its index as it is. B also follows the log by itself
// (kit.Run, woken by LISTEN/NOTIFY).
//
// It connects with the connection string in CABINET_POSTGRES, migrates the
// schema CABINET_SCHEMA (default cabinet_replicas) with pgstore.Migrate,
// refuses a schema that already holds records (a previous run: drop it, or
// name another), and tells the story. Next to a throwaway server:
//
//	bash scripts/with-postgres sh -c 'CABINET_POSTGRES="$CABINET_TEST_POSTGRES" go run ./examples/replicas'
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

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
)

// defaultSchema is the schema the example uses unless CABINET_SCHEMA names
// another: not pgstore.DefaultSchema, so that it never writes its story
// into a host's real cabinet schema.
const defaultSchema = "cabinet_replicas"

func main() {
	conn := os.Getenv("CABINET_POSTGRES")
	if conn == "" {
		fmt.Fprint(os.Stderr, `replicas: CABINET_POSTGRES is not set; give it a PostgreSQL connection string, e.g.
  CABINET_POSTGRES='postgres://user@localhost/db' go run ./examples/replicas
or run it next to a throwaway server (needs PostgreSQL's server binaries):
  bash scripts/with-postgres sh -c 'CABINET_POSTGRES="$CABINET_TEST_POSTGRES" go run ./examples/replicas'
`)
		os.Exit(2)
	}
	schema := os.Getenv("CABINET_SCHEMA")
	if schema == "" {
		schema = defaultSchema
	}
	if err := run(context.Background(), os.Stdout, conn, schema); err != nil {
		fmt.Fprintln(os.Stderr, "replicas:", err)
		os.Exit(1)
	}
}

// replica is one process of the host: its own pool, store and kit.
type replica struct {
	pool  *pgxpool.Pool
	store *pgstore.Store
	kit   *kit.Kit
}

// open connects a replica to the schema, which must be migrated.
func open(ctx context.Context, conn, schema string) (*replica, error) {
	pool, err := pgxpool.New(ctx, conn)
	if err != nil {
		return nil, err
	}
	store, err := pgstore.New(ctx, pool, pgstore.WithSchema(schema))
	if err != nil {
		pool.Close()
		return nil, err
	}
	k, err := kit.New(ctx, store)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &replica{pool: pool, store: store, kit: k}, nil
}

// run migrates schema in the database of conn, then tells the story on two
// replicas of it, printing to out.
func run(ctx context.Context, out io.Writer, conn, schema string) error {
	pool, err := pgxpool.New(ctx, conn)
	if err != nil {
		return err
	}
	err = pgstore.Migrate(ctx, pool, pgstore.WithSchema(schema))
	pool.Close()
	if err != nil {
		return err
	}
	a, err := open(ctx, conn, schema)
	if err != nil {
		return err
	}
	defer a.pool.Close()
	if rev, err := a.store.Revision(ctx); err != nil {
		return err
	} else if rev > 0 {
		return errors.New("schema " + schema + " already holds records (a previous run?): drop it with DROP SCHEMA " +
			schema + " CASCADE, or set CABINET_SCHEMA to another name")
	}
	b, err := open(ctx, conn, schema)
	if err != nil {
		return err
	}
	defer b.pool.Close()
	fmt.Fprintf(out, "Replicas A and B: two pools, two stores, two policy engines over the PostgreSQL schema %q.\n", schema)

	// B follows the change log by itself, as a replica that serves
	// questions all day does; the questions below do not depend on it.
	follow, stop := context.WithCancel(ctx)
	following := make(chan error, 1)
	go func() { following <- b.kit.Run(follow) }()
	defer func() {
		stop()
		<-following
	}()

	// On A: an office where Noah, a standard collaborator, sees a dossier
	// of the client group Estates only while he is assigned to it (GRP-3).
	o, err := setUp(ctx, a.kit)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, `A: Louise sets up the office "Martin Wealth": Noah is a standard collaborator, the dossier "Roux family" is in the client group Estates.`)

	ask := func(c policy.Consistency) (policy.Decision, error) {
		return b.kit.Policy.CheckAt(ctx, c, policy.User(o.noah), policy.ViewDossier, policy.DossierResource(o.dossier))
	}
	_, rev, err := a.kit.Groups.AssignCollaborator(ctx, o.louise, o.estates, o.noah)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "A: Louise assigns Noah to Estates; the command returns its revision.")
	d, err := ask(policy.AtLeast(rev))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "B, asked at A's revision: can Noah view the dossier? %s\n", d)
	fmt.Fprintf(out, "  (B answered at revision %d, at least A's %d)\n", d.Revision, rev)

	rev, err = a.kit.Groups.UnassignCollaborator(ctx, o.louise, o.estates, o.noah)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "A: Louise unassigns Noah.")
	if d, err = ask(policy.AtLeast(rev)); err != nil {
		return err
	}
	fmt.Fprintf(out, "B, asked at A's revision: can Noah view the dossier? %s\n", d)
	if d, err = ask(policy.FullyConsistent()); err != nil {
		return err
	}
	fmt.Fprintf(out, "B, fully consistent (the store's head): %s\n", d)
	return nil
}

// office is what setUp made.
type office struct {
	louise, noah cabinet.UserID
	estates      cabinet.ClientGroupID
	dossier      cabinet.DossierID
}

// setUp builds the office through k.
func setUp(ctx context.Context, k *kit.Kit) (office, error) {
	var o office
	louise, _, err := k.Teams.CreateUser(ctx, "signup", "Louise", "louise@w.example")
	if err != nil {
		return o, err
	}
	noah, _, err := k.Teams.CreateUser(ctx, "signup", "Noah", "noah@w.example")
	if err != nil {
		return o, err
	}
	of, _, err := k.Groups.CreateOffice(ctx, louise.ID, "Martin Wealth", "contact@w.example")
	if err != nil {
		return o, err
	}
	if _, _, err := k.Groups.AddCollaborator(ctx, louise.ID, of.ID, noah.ID, cabinet.ProfileStandard); err != nil {
		return o, err
	}
	estates, _, err := k.Groups.CreateClientGroup(ctx, louise.ID, of.ID, "Estates", "")
	if err != nil {
		return o, err
	}
	d, _, err := k.Access.CreateDossier(ctx, louise.ID, of.ID, "Roux family")
	if err != nil {
		return o, err
	}
	if _, _, err := k.Access.SetStatus(ctx, louise.ID, d.ID, cabinet.DossierActivated); err != nil {
		return o, err
	}
	if _, err := k.Groups.MoveDossier(ctx, louise.ID, d.ID, estates.ID); err != nil {
		return o, err
	}
	return office{louise: louise.ID, noah: noah.ID, estates: estates.ID, dossier: d.ID}, nil
}
