// Command access-review is an admin's access review of one client dossier
// (issue 16): it lists who can do what on the dossier and why, previews
// removing a collaborator from the office — the access diff the removal
// would cause, computed without committing anything, bound to the revision
// it was computed at — prints the diff, applies the removal at that
// revision, and shows that the diff was exact: the review taken again
// differs from the first by exactly the previewed changes. It ends with a
// preview that another command overtakes: applying it is a conflict.
//
// It runs on memstore:
//
//	go run ./examples/access-review
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "access-review:", err)
		os.Exit(1)
	}
}

// story is the office of the review: who is who, by ID.
type story struct {
	k       *kit.Kit
	names   map[cabinet.UserID]string
	users   []cabinet.UserID
	office  cabinet.OfficeID
	dossier cabinet.DossierID
	louise  cabinet.UserID // the office's admin
	noah    cabinet.UserID // a standard collaborator, in the dossier's client group
}

// run tells the story on out.
func run(ctx context.Context, out io.Writer) error {
	s, err := build(ctx)
	if err != nil {
		return err
	}
	k := s.k
	fmt.Fprintf(out, "Access review of the Roux family dossier (%s), at revision %d:\n", s.dossier, k.Policy.Revision())
	before, err := s.review(ctx, out)
	if err != nil {
		return err
	}

	remove := func(ctx context.Context) (cabinet.Revision, error) {
		return k.Groups.RemoveCollaborator(ctx, s.louise, s.office, s.noah)
	}
	fmt.Fprintln(out, "\nLouise previews removing Noah from the office (GRP-11):")
	diff, err := k.Policy.Preview(ctx, remove)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  computed at revision %d; nothing committed (the store is still at %d)\n", diff.Revision, k.Policy.Revision())
	for _, c := range diff.Changes {
		fmt.Fprintf(out, "  %s: %s\n", s.names[c.User], s.describe(c))
	}

	rev, err := k.Policy.Apply(ctx, diff, remove)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nLouise applies it at revision %d: committed as revision %d. The review again:\n", diff.Revision, rev)
	after, err := s.review(ctx, out)
	if err != nil {
		return err
	}
	observed := s.changes(before, after)
	if !slices.Equal(observed, diff.Changes) {
		return fmt.Errorf("the preview was not exact: previewed %v, observed %v", diff.Changes, observed)
	}
	fmt.Fprintf(out, "The reviews differ by exactly the %d previewed changes: the preview was exact.\n", len(observed))

	fmt.Fprintln(out, "\nLouise previews handing the dossier's management from Marc to Iris (ACC-1):")
	setIris := func(ctx context.Context) (cabinet.Revision, error) {
		_, rev, err := k.Access.SetManager(ctx, s.louise, s.dossier, s.user("Iris"))
		return rev, err
	}
	diff, err = k.Policy.Preview(ctx, setIris)
	if err != nil {
		return err
	}
	for _, c := range diff.Changes {
		fmt.Fprintf(out, "  %s: %s\n", s.names[c.User], s.describe(c))
	}
	if _, _, err := k.Groups.CreateClientGroup(ctx, s.louise, s.office, "Trusts", ""); err != nil {
		return err
	}
	fmt.Fprintf(out, "Meanwhile Louise creates the client group Trusts (revision %d).\n", k.Policy.Revision())
	_, err = k.Policy.Apply(ctx, diff, setIris)
	if !errors.Is(err, cabinet.ErrConflict) {
		return fmt.Errorf("applying a stale preview: %v, want a conflict", err)
	}
	fmt.Fprintf(out, "Applying the preview of revision %d: refused: %v\n", diff.Revision, err)
	return nil
}

// build creates the office: Louise (admin), Marc (standard, the dossier's
// manager), Noah (standard, directly in the client group Estates), Iris
// (standard, in the collaborator group Tax assigned to Estates); the
// dossier in Estates, its holder Claire and its notary Dupuis granted, and
// Paul in the team Marc referred it to.
func build(ctx context.Context) (*story, error) {
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(ctx, memstore.New(), kit.WithClock(clock), kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		return nil, err
	}
	s := &story{k: k, names: map[cabinet.UserID]string{}}
	var errs []error
	try := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	user := func(name, email string) cabinet.UserID {
		u, _, err := k.Teams.CreateUser(ctx, "signup", name, email)
		try(err)
		s.names[u.ID] = name
		s.users = append(s.users, u.ID)
		return u.ID
	}
	louise, marc, noah, iris := user("Louise", "louise@w.example"), user("Marc", "marc@w.example"), user("Noah", "noah@w.example"), user("Iris", "iris@w.example")
	paul, claire, dupuis := user("Paul", "paul@p.example"), user("Claire", "claire@example.com"), user("Dupuis", "dupuis@n.example")
	s.louise, s.noah = louise, noah
	office, _, err := k.Groups.CreateOffice(ctx, louise, "Martin Wealth", "contact@w.example")
	if err != nil {
		return nil, err
	}
	s.office = office.ID
	for _, u := range []cabinet.UserID{marc, noah, iris} {
		_, _, err = k.Groups.AddCollaborator(ctx, louise, office.ID, u, cabinet.ProfileStandard)
		try(err)
	}
	estates, _, err := k.Groups.CreateClientGroup(ctx, louise, office.ID, "Estates", "")
	if err != nil {
		return nil, err
	}
	tax, _, err := k.Groups.CreateCollaboratorGroup(ctx, louise, office.ID, "Tax")
	if err != nil {
		return nil, err
	}
	_, _, err = k.Groups.AddMember(ctx, louise, tax.ID, iris)
	try(err)
	_, _, err = k.Groups.AssignCollaboratorGroup(ctx, louise, estates.ID, tax.ID)
	try(err)
	_, _, err = k.Groups.AssignCollaborator(ctx, louise, estates.ID, noah)
	try(err)
	d, _, err := k.Access.CreateDossier(ctx, marc, office.ID, "Roux family")
	if err != nil {
		return nil, err
	}
	s.dossier = d.ID
	_, _, err = k.Access.SetStatus(ctx, marc, d.ID, cabinet.DossierActivated)
	try(err)
	_, err = k.Groups.MoveDossier(ctx, louise, d.ID, estates.ID)
	try(err)
	holder, _, err := k.Access.AddPerson(ctx, marc, d.ID, access.PersonInput{Name: "Claire Roux", Relation: access.RelationHolder})
	try(err)
	_, _, err = k.Access.GrantPerson(ctx, marc, holder.ID, access.GrantInput{Email: "claire@example.com", Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	try(err)
	notary, _, err := k.Access.RegisterAdvisor(ctx, marc, d.ID, access.AdvisorInput{Name: "Dupuis", Email: "dupuis@n.example", Phone: "01 23 45 67 89", Type: access.AdvisorNotary})
	try(err)
	_, _, err = k.Access.GrantAdvisor(ctx, marc, notary.ID, access.LevelReadWrite)
	try(err)
	tm, _, err := k.Teams.CreateTeam(ctx, marc, "Roux advisers", "")
	try(err)
	inv, _, err := k.Teams.Invite(ctx, marc, tm.ID, "paul@p.example", team.RoleMember)
	try(err)
	_, _, err = k.Teams.AcceptInvitation(ctx, paul, inv.ID)
	try(err)
	_, _, err = k.Teams.Refer(ctx, marc, team.ReferInput{Team: tm.ID, ClientName: "Claire Roux", ClientEmail: "claire@example.com", Dossier: d.ID})
	try(err)
	_, _ = claire, dupuis
	return s, errors.Join(errs...)
}

// user returns the ID of the user called name.
func (s *story) user(name string) cabinet.UserID {
	for id, n := range s.names {
		if n == name {
			return id
		}
	}
	return ""
}

// review prints, for every user who reaches the dossier, the actions of
// policy.DiffActions they may take and why (the decision's reason), and
// returns the routes of each (user, action), as a diff lists them.
func (s *story) review(ctx context.Context, out io.Writer) (map[[2]string]cabinet.Routes, error) {
	routes := map[[2]string]cabinet.Routes{}
	for _, u := range s.users {
		var can []string
		var why string
		for _, a := range policy.DiffActions() {
			dec, err := s.k.Policy.Check(ctx, policy.User(u), a, policy.DossierResource(s.dossier))
			if err != nil {
				return nil, err
			}
			if dec.Allowed {
				can = append(can, a.String())
				routes[[2]string{string(u), a.String()}] = dec.Routes
				if a == policy.ViewDossier {
					why = dec.Reason
				}
			}
		}
		if len(can) > 0 {
			fmt.Fprintf(out, "  %-7s %s — %s\n", s.names[u], strings.Join(can, ", "), why)
		}
	}
	return routes, nil
}

// describe says what a change gains and loses.
func (s *story) describe(c policy.Change) string {
	var parts []string
	if g := c.Gained(); g != 0 {
		parts = append(parts, "gains "+g.String())
	}
	if l := c.Lost(); l != 0 {
		parts = append(parts, "loses "+l.String())
	}
	verb := "now via " + c.After.String()
	if c.After == 0 {
		verb = "no longer allowed"
	}
	return fmt.Sprintf("%s %s (%s)", c.Action, strings.Join(parts, ", "), verb)
}

// changes is the diff between two reviews, in a Diff's order (dossier,
// user, action).
func (s *story) changes(before, after map[[2]string]cabinet.Routes) []policy.Change {
	var out []policy.Change
	add := func(k [2]string, b, a cabinet.Routes) {
		act, _ := policy.ParseAction(k[1])
		out = append(out, policy.Change{Dossier: s.dossier, User: cabinet.UserID(k[0]), Action: act, Before: b, After: a})
	}
	for k, b := range before {
		if a := after[k]; a != b {
			add(k, b, a)
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			add(k, 0, a)
		}
	}
	slices.SortFunc(out, func(x, y policy.Change) int {
		if c := strings.Compare(string(x.User), string(y.User)); c != 0 {
			return c
		}
		return int(x.Action) - int(y.Action)
	})
	return out
}
