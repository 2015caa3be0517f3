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
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
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

// mustRev is must for the commands that also return the revision they
// committed.
func mustRev[T any](v T, _ cabinet.Revision, err error) T { return must(v, err) }

// run migrates schema in the database of conn, then tells the story on it,
// printing to out.
func run(ctx context.Context, out io.Writer, conn, schema string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			stop, ok := r.(errStop)
			if !ok {
				panic(r)
			}
			err = stop.err
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

	// From here on the story is the quickstart's, over the PostgreSQL
	// store: a fixed clock and sequential IDs so that it prints the same
	// every time.
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(ctx, store, cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		return err
	}

	// People sign up (package team).
	signUp := func(name, email string) cabinet.User { return mustRev(k.Teams.CreateUser(ctx, "signup", name, email)) }
	louise := signUp("Louise", "louise@martin-wealth.example") // office admin
	marc := signUp("Marc", "marc@martin-wealth.example")       // standard, manages the dossier
	noah := signUp("Noah", "noah@martin-wealth.example")       // standard
	paul := signUp("Paul", "paul@partner.example")             // an advisor outside the office
	claire := signUp("Claire", "claire@example.com")           // the client
	dupuis := signUp("Me Dupuis", "dupuis@notaires.example")   // a notary

	// The office (package clientgroup).
	office := mustRev(k.Groups.CreateOffice(ctx, louise.ID, "Martin Wealth", "contact@martin-wealth.example"))
	mustRev(k.Groups.AddCollaborator(ctx, louise.ID, office.ID, marc.ID, cabinet.ProfileStandard))
	mustRev(k.Groups.AddCollaborator(ctx, louise.ID, office.ID, noah.ID, cabinet.ProfileStandard))
	estates := mustRev(k.Groups.CreateClientGroup(ctx, louise.ID, office.ID, "Estates", ""))

	// Claire's dossier (package access).
	d := mustRev(k.Access.CreateDossier(ctx, marc.ID, office.ID, "Roux family"))
	mustRev(k.Access.SetStatus(ctx, marc.ID, d.ID, cabinet.DossierActivated))
	holder := mustRev(k.Access.AddPerson(ctx, marc.ID, d.ID, access.PersonInput{Name: "Claire Roux", Relation: access.RelationHolder}))
	mustRev(k.Access.GrantPerson(ctx, marc.ID, holder.ID, access.GrantInput{Email: claire.Email, Phone: "06 12 34 56 78", Level: access.LevelReadWrite}))
	notary := mustRev(k.Access.RegisterAdvisor(ctx, marc.ID, d.ID, access.AdvisorInput{
		Name: "Me Dupuis", Email: dupuis.Email, Phone: "01 23 45 67 89", Type: access.AdvisorNotary}))
	mustRev(k.Access.GrantAdvisor(ctx, marc.ID, notary.ID, access.LevelReadWrite))

	// A team (package team).
	tm := mustRev(k.Teams.CreateTeam(ctx, marc.ID, "Roux advisers", ""))
	inv := mustRev(k.Teams.Invite(ctx, marc.ID, tm.ID, paul.Email, team.RoleMember))
	mustRev(k.Teams.AcceptInvitation(ctx, paul.ID, inv.ID))
	mustRev(k.Teams.Refer(ctx, marc.ID, team.ReferInput{Team: tm.ID, ClientName: "Claire Roux", ClientEmail: claire.Email, Dossier: d.ID}))
	fmt.Fprintf(out, "Office %q: admin Louise, standard Marc and Noah, client group %q.\n", office.Name, estates.Name)
	fmt.Fprintf(out, "Dossier %q managed by Marc; Claire (holder) and the notary granted; team %q holds Claire's referral.\n\n", d.Name, tm.Name)

	// The questions (package policy), to an engine that loaded from
	// PostgreSQL and follows the commands' events.
	ask := func(question string, u cabinet.UserID, a policy.Action, r policy.Resource) {
		dec := must(k.Policy.Check(ctx, policy.User(u), a, r))
		fmt.Fprintf(out, "%-48s %s\n", question, dec)
	}
	dossier := policy.DossierResource(d.ID)
	ask("Can Noah (standard) view the dossier?", noah.ID, policy.ViewDossier, dossier)
	must(k.Groups.MoveDossier(ctx, louise.ID, d.ID, estates.ID))
	mustRev(k.Groups.AssignCollaborator(ctx, louise.ID, estates.ID, noah.ID))
	fmt.Fprintln(out, "  Louise puts the dossier into Estates and assigns Noah to Estates.")
	ask("Can Noah view the dossier now?", noah.ID, policy.ViewDossier, dossier)
	ask("Can the notary edit the asset inventory?", dupuis.ID, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory))
	ask("Can the notary use reports?", dupuis.ID, policy.UseReports, dossier)
	ask("Can Louise (admin) view the dossier?", louise.ID, policy.ViewDossier, dossier)
	ask("Can Louise manage external advisors?", louise.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Marc (manager) manage external advisors?", marc.ID, policy.ManageExternalAdvisors, dossier)
	ask("Can Claire manage her family's access?", claire.ID, policy.ManageFamilyAccess, dossier)

	fmt.Fprintln(out, "\nWho can view the dossier?")
	for v, err := range k.Policy.Viewers(ctx, d.ID) {
		if err != nil {
			return err
		}
		u := must(k.Teams.User(ctx, louise.ID, v.User))
		fmt.Fprintf(out, "  %-10s via %s\n", u.DisplayName, v.Routes)
	}

	fmt.Fprintln(out, "\nClaire revokes her consent to share data with the team.")
	mustRev(k.Teams.RevokeConsent(ctx, claire.ID, d.ID))
	ask("Can Paul (team member) view the dossier?", paul.ID, policy.ViewDossier, dossier)

	// The state is in PostgreSQL: services and an engine loaded afresh from
	// the store (another process would do the same) give the same answer.
	fresh := must(kit.New(ctx, store, cabinet.WithClock(clock)))
	dec := must(fresh.Policy.Check(ctx, policy.User(paul.ID), policy.ViewDossier, dossier))
	fmt.Fprintf(out, "\nA policy engine loaded afresh from PostgreSQL agrees: %s\n", dec)
	return nil
}
