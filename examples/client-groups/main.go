// Command client-groups tells the story of an office organising its work
// with client groups (package clientgroup, GRP-1 … GRP-11): admins and
// standard collaborators, a collaborator group, two client groups, and a
// dossier moving from one group to the other — showing who gains and who
// loses access to it.
//
// Run it with: go run ./examples/client-groups
package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
)

// accounts stands in for team.Service (the accounts).
type accounts map[cabinet.UserID]cabinet.User

func (a accounts) User(_ context.Context, _ cabinet.Tx, id cabinet.UserID) (cabinet.User, error) {
	u, ok := a[id]
	if !ok {
		return cabinet.User{}, cabinet.NotFound("user", id)
	}
	return u, nil
}

// putDossier stands in for access.Service: it writes a dossier record
// straight into the store.
func putDossier(ctx context.Context, store *memstore.Store, d access.Dossier) error {
	_, err := store.UpdateAccess(ctx, func(w access.Writer) error { return w.PutDossier(ctx, d) })
	return err
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	people := []cabinet.UserID{"alice", "bruno", "chloe", "david", "emma"}
	users := accounts{}
	for _, p := range people {
		users[p] = cabinet.User{ID: p, DisplayName: string(p), Email: string(p) + "@notaires.example"}
	}
	store := memstore.New()
	log := &cabinet.EventLog{}
	svc := clientgroup.NewService(store, users, access.NewFacts(store),
		cabinet.WithIDs(&cabinet.SequentialIDs{}),
		cabinet.WithClock(cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))),
		cabinet.WithEvents(log))

	step := func(format string, args ...any) { fmt.Printf("\n== "+format+"\n", args...) }

	step("Alice creates the office and becomes its first admin")
	office, _, err := svc.CreateOffice(ctx, "alice", "Étude Martin", "contact@notaires.example")
	if err != nil {
		return err
	}
	fmt.Printf("office %s %q, general address %s\n", office.ID, office.Name, office.Email)

	step("Alice adds Bruno as admin, Chloé, David and Emma as standard collaborators")
	if _, _, err := svc.AddCollaborator(ctx, "alice", office.ID, "bruno", cabinet.ProfileAdmin); err != nil {
		return err
	}
	for _, p := range []cabinet.UserID{"chloe", "david", "emma"} {
		if _, _, err := svc.AddCollaborator(ctx, "alice", office.ID, p, cabinet.ProfileStandard); err != nil {
			return err
		}
	}

	step("A collaborator group and two client groups")
	juniors, _, err := svc.CreateCollaboratorGroup(ctx, "alice", office.ID, "Juniors")
	if err != nil {
		return err
	}
	for _, p := range []cabinet.UserID{"david", "emma"} {
		if _, _, err := svc.AddMember(ctx, "alice", juniors.ID, p); err != nil {
			return err
		}
	}
	estates, _, err := svc.CreateClientGroup(ctx, "alice", office.ID, "Estates", "estates@notaires.example")
	if err != nil {
		return err
	}
	companies, _, err := svc.CreateClientGroup(ctx, "bruno", office.ID, "Companies", "")
	if err != nil {
		return err
	}
	if _, _, err := svc.AssignCollaborator(ctx, "alice", estates.ID, "chloe"); err != nil {
		return err
	}
	if _, _, err := svc.AssignCollaboratorGroup(ctx, "alice", companies.ID, juniors.ID); err != nil {
		return err
	}
	fmt.Printf("%s: Chloé directly; %s: the %s group (David, Emma)\n", estates.Name, companies.Name, juniors.Name)

	step("Chloé (standard) tries to create a client group")
	_, _, err = svc.CreateClientGroup(ctx, "chloe", office.ID, "Mine", "")
	fmt.Println("refused:", err)

	for _, d := range []access.Dossier{
		{ID: "dossier_dupont", Office: office.ID, Name: "Dupont", Status: cabinet.DossierActivated},
		{ID: "dossier_draft", Office: office.ID, Name: "Draft", Status: cabinet.DossierDraft},
	} {
		if err := putDossier(ctx, store, d); err != nil {
			return err
		}
	}

	who := func(d cabinet.DossierID) (map[cabinet.UserID]cabinet.Routes, error) {
		out := map[cabinet.UserID]cabinet.Routes{}
		for _, p := range people {
			r, err := svc.Routes(ctx, "alice", p, d)
			if err != nil {
				return nil, err
			}
			out[p] = r
		}
		return out, nil
	}
	show := func(d cabinet.DossierID, before map[cabinet.UserID]cabinet.Routes) (map[cabinet.UserID]cabinet.Routes, error) {
		now, err := who(d)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			mark := ""
			switch {
			case before != nil && !before[p].Any() && now[p].Any():
				mark = "  <- gains access"
			case before != nil && before[p].Any() && !now[p].Any():
				mark = "  <- loses access"
			}
			fmt.Printf("  %-6s %s%s\n", p, now[p], mark)
		}
		addr, err := svc.ContactAddress(ctx, "alice", d)
		if err != nil {
			return nil, err
		}
		fmt.Println("  write to:", addr)
		return now, nil
	}

	step("The Dupont dossier is activated, in no client group (GRP-2)")
	r, err := show("dossier_dupont", nil)
	if err != nil {
		return err
	}

	step("Alice puts it into %s", estates.Name)
	if _, err := svc.MoveDossier(ctx, "alice", "dossier_dupont", estates.ID); err != nil {
		return err
	}
	if r, err = show("dossier_dupont", r); err != nil {
		return err
	}

	step("Bruno moves it to %s: it leaves %s in the same step (GRP-4)", companies.Name, estates.Name)
	if _, err := svc.MoveDossier(ctx, "bruno", "dossier_dupont", companies.ID); err != nil {
		return err
	}
	if r, err = show("dossier_dupont", r); err != nil {
		return err
	}

	step("A draft dossier cannot be put into a group (GRP-5)")
	_, err = svc.MoveDossier(ctx, "alice", "dossier_draft", estates.ID)
	fmt.Println("refused:", err)

	step("Emma leaves the office: every internal route she had is gone (GRP-11)")
	if _, err := svc.RemoveCollaborator(ctx, "alice", office.ID, "emma"); err != nil {
		return err
	}
	if _, err = show("dossier_dupont", r); err != nil {
		return err
	}

	step("Dossiers of %s (GRP-9)", companies.Name)
	for e, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DossierEntry, cabinet.Cursor, error) {
		return svc.Dossiers(ctx, "alice", clientgroup.DossierFilter{ClientGroup: companies.ID, Status: cabinet.DossierActivated}, p)
	}) {
		if err != nil {
			return err
		}
		fmt.Printf("  %s (%s)\n", e.Dossier.ID, e.Dossier.Status)
	}

	step("Events published")
	names := log.Names()
	counts := map[string]int{}
	for _, n := range names {
		counts[n]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Printf("  %-48s x%d\n", k, counts[k])
	}
	return nil
}
