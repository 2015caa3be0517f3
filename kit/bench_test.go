package kit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// BenchmarkCommands measures a command through kit on memstore, the policy
// engine's refresh included (policy=kit), against the same services wired
// without an engine (policy=none): the difference is what keeping the
// engine current costs per command.
//
//	go test -run '^$' -bench Commands -benchmem ./kit/
//
// The office holds 100 collaborators and 2,000 dossiers spread over two
// client groups, so that a refresh that widens beyond what a command wrote
// (every dossier of a client group a dossier moved into) shows. Each writer
// cycles over six commands on its own records: AddCollaborator,
// GrantPerson, MoveDossier (into a group), RemoveCollaborator (GRP-11
// release included), Revoke, MoveDossier (into the other group).
func BenchmarkCommands(b *testing.B) {
	for _, pol := range []string{"kit", "none"} {
		for _, writers := range []int{1, 4} {
			b.Run(fmt.Sprintf("policy=%s/writers=%d", pol, writers), func(b *testing.B) {
				f := newCommandFixture(b, memstore.New(), writers, pol == "kit")
				b.ReportAllocs()
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for w := range writers {
					wg.Go(func() {
						for j := 0; next.Add(1) <= int64(b.N); j++ {
							if err := f.command(w, j); err != nil {
								b.Errorf("writer %d, command %d: %v", w, j, err)
								return
							}
						}
					})
				}
				wg.Wait()
			})
		}
	}
}

// commandFixture is an office with background collaborators and dossiers
// and, per writer, a user to add and remove, an activated dossier managed
// by the admin and a child of its tree to grant and revoke, and two client
// groups to move the dossiers between.
type commandFixture struct {
	ctx      context.Context
	k        *kit.Kit
	admin    cabinet.UserID
	office   cabinet.OfficeID
	groups   [2]cabinet.ClientGroupID
	users    []cabinet.UserID
	dossiers []cabinet.DossierID
	children []access.PersonID
	grants   []access.GrantID
}

func newCommandFixture(b *testing.B, store kit.Store, writers int, withPolicy bool) *commandFixture {
	b.Helper()
	ctx := context.Background()
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	// The state is built without an engine; kit.New loads it.
	k := servicesWithoutPolicy(store, cabinet.WithIDs(&cabinet.SequentialIDs{}))
	f := &commandFixture{ctx: ctx, grants: make([]access.GrantID, writers)}
	admin, _, err := k.Teams.CreateUser(ctx, "bench", "Admin", "admin@bench.example")
	must(err)
	f.admin = admin.ID
	o, _, err := k.Groups.CreateOffice(ctx, f.admin, "Bench", "office@bench.example")
	must(err)
	f.office = o.ID
	for i := range f.groups {
		g, _, err := k.Groups.CreateClientGroup(ctx, f.admin, f.office, fmt.Sprintf("Group %d", i), "")
		must(err)
		f.groups[i] = g.ID
	}
	var staff []cabinet.UserID
	for i := range 100 {
		u, _, err := k.Teams.CreateUser(ctx, "bench", fmt.Sprintf("Staff %d", i), fmt.Sprintf("staff%d@bench.example", i))
		must(err)
		_, _, err = k.Groups.AddCollaborator(ctx, f.admin, f.office, u.ID, cabinet.ProfileStandard)
		must(err)
		staff = append(staff, u.ID)
	}
	for i := range 2000 {
		d, _, err := k.Access.CreateDossier(ctx, staff[i%len(staff)], f.office, fmt.Sprintf("Background %d", i))
		must(err)
		_, _, err = k.Access.SetStatus(ctx, f.admin, d.ID, cabinet.DossierActivated)
		must(err)
		_, err = k.Groups.MoveDossier(ctx, f.admin, d.ID, f.groups[i%2])
		must(err)
	}
	for w := range writers {
		u, _, err := k.Teams.CreateUser(ctx, "bench", fmt.Sprintf("Writer %d", w), fmt.Sprintf("writer%d@bench.example", w))
		must(err)
		d, _, err := k.Access.CreateDossier(ctx, f.admin, f.office, fmt.Sprintf("Dossier %d", w))
		must(err)
		_, _, err = k.Access.SetStatus(ctx, f.admin, d.ID, cabinet.DossierActivated)
		must(err)
		p, _, err := k.Access.AddPerson(ctx, f.admin, d.ID, access.PersonInput{Name: "Child", Relation: access.RelationChild})
		must(err)
		f.users, f.dossiers, f.children = append(f.users, u.ID), append(f.dossiers, d.ID), append(f.children, p.ID)
	}
	if withPolicy {
		k, err = kit.New(ctx, store, kit.WithIDs(&cabinet.SequentialIDs{}))
		must(err)
	}
	f.k = k
	return f
}

// servicesWithoutPolicy wires the services over store as kit.New does,
// without the policy engine.
func servicesWithoutPolicy(store kit.Store, opts ...cabinet.Option) *kit.Kit {
	dossiers := access.NewFacts(store)
	groups := clientgroup.NewFacts(store, dossiers)
	accounts := team.NewFacts(store, groups, dossiers)
	k := &kit.Kit{}
	k.Access = access.NewService(store, groups, accounts, opts...)
	k.Contacts = contact.NewService(store, groups, accounts, dossiers, opts...)
	k.Groups = clientgroup.NewService(store, accounts, dossiers, append(opts, cabinet.WithCollaboratorListeners(k.Contacts))...)
	k.Procedures = procedure.NewService(store, groups, dossiers, accounts, contact.NewFacts(store), opts...)
	k.Teams = team.NewService(store, groups, dossiers, append(opts, cabinet.WithAccountListeners(k.Access, k.Contacts, k.Procedures))...)
	return k
}

// command runs writer w's j-th command.
func (f *commandFixture) command(w, j int) error {
	ctx, k := f.ctx, f.k
	var err error
	switch j % 6 {
	case 0:
		_, _, err = k.Groups.AddCollaborator(ctx, f.admin, f.office, f.users[w], cabinet.ProfileStandard)
	case 1:
		var g access.Grant
		g, _, err = k.Access.GrantPerson(ctx, f.admin, f.children[w], access.GrantInput{
			Email: fmt.Sprintf("child%d@bench.example", w), Phone: "0612345678", Level: access.LevelReadOnly})
		f.grants[w] = g.ID
	case 2, 5:
		_, err = k.Groups.MoveDossier(ctx, f.admin, f.dossiers[w], f.groups[j%2])
	case 3:
		_, err = k.Groups.RemoveCollaborator(ctx, f.admin, f.office, f.users[w])
	case 4:
		_, err = k.Access.Revoke(ctx, f.admin, f.grants[w])
	}
	return err
}
