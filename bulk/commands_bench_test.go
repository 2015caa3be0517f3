package bulk_test

// BenchmarkCommandsBySize (issue 15): the hot commands through kit — the
// policy engine's refresh included — on a practice imported at the small
// size and, with CABINET_BENCH_LARGE=1, at the large one (1,000,000
// dossiers), so that each command's cost can be compared between the two:
// a command must cost what it touches, not the office's size.
//
//	go test -run '^$' -bench CommandsBySize -benchmem ./bulk
//	CABINET_BENCH_LARGE=1 go test -run '^$' -bench CommandsBySize -benchmem -timeout 60m ./bulk
//
// Commands, by bu(0) (the office's admin) unless said: CreateUser (host
// signup), CreateDossier (by a standard collaborator), SetManager (toggled
// between two collaborators), MoveDossier (toggled between two client
// groups), AddCollaborator and RemoveCollaborator (alternating: GRP-11's
// release included), GrantPerson and Revoke (alternating, by the manager,
// on a child of the dossier's family tree).

import (
	"context"
	"fmt"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
)

func BenchmarkCommandsBySize(b *testing.B) {
	ctx := context.Background()
	for _, z := range benchSizes(b) {
		b.Run(z.name, func(b *testing.B) {
			s := memstore.New()
			if _, err := bulk.NewImporter(s).Import(ctx, "bench", z.records()); err != nil {
				b.Fatal(err)
			}
			k, err := kit.New(ctx, s)
			if err != nil {
				b.Fatal(err)
			}
			const office cabinet.OfficeID = "o_bench"
			admin, std := bu(0), bu(1)
			d := cabinet.DossierID("d0000001") // activated, in a client group
			// GrantPerson is the manager's (ACC-1): d0000002's, as records() made it.
			gd, mgr := cabinet.DossierID("d0000002"), bu((2*31)%z.users)
			child, _, err := k.Access.AddPerson(ctx, admin, gd, access.PersonInput{Name: "Child", Relation: access.RelationChild})
			if err != nil {
				b.Fatal(err)
			}
			newcomer, _, err := k.Teams.CreateUser(ctx, "signup", "Newcomer", "newcomer@office.example")
			if err != nil {
				b.Fatal(err)
			}
			var grant access.GrantID
			cmds := []struct {
				name string
				run  func(i int) error
			}{
				{"CreateUser", func(i int) error {
					_, _, err := k.Teams.CreateUser(ctx, "signup", "New", fmt.Sprintf("new%d-%s@home.example", i, z.name))
					return err
				}},
				{"CreateDossier", func(int) error {
					_, _, err := k.Access.CreateDossier(ctx, std, office, "New client")
					return err
				}},
				{"SetManager", func(i int) error {
					_, _, err := k.Access.SetManager(ctx, admin, d, bu(2+i%2))
					return err
				}},
				{"MoveDossier", func(i int) error {
					_, err := k.Groups.MoveDossier(ctx, admin, d, cabinet.ClientGroupID(fmt.Sprintf("g%05d", 1+i%2)))
					return err
				}},
				{"AddRemoveCollaborator", func(i int) error {
					if i%2 == 0 {
						_, _, err := k.Groups.AddCollaborator(ctx, admin, office, newcomer.ID, cabinet.ProfileStandard)
						return err
					}
					_, err := k.Groups.RemoveCollaborator(ctx, admin, office, newcomer.ID)
					return err
				}},
				{"GrantRevoke", func(i int) error {
					if i%2 == 0 {
						g, _, err := k.Access.GrantPerson(ctx, mgr, child.ID, access.GrantInput{
							Email: "child@home.example", Phone: "0612345678", Level: access.LevelReadOnly})
						grant = g.ID
						return err
					}
					_, err := k.Access.Revoke(ctx, mgr, grant)
					return err
				}},
			}
			for _, c := range cmds {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						if err := c.run(i); err != nil {
							b.Fatalf("%s #%d: %v", c.name, i, err)
						}
						i++
					}
					if i%2 == 1 && (c.name == "AddRemoveCollaborator" || c.name == "GrantRevoke") {
						if err := c.run(i); err != nil { // leave the pair closed
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
