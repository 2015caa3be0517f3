package policy_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
)

// listingKinds are the kinds of resource the paged reverse queries answer
// for.
var listingKinds = []policy.ResourceKind{policy.ResourceDossier, policy.ResourceTeam, policy.ResourceCase, policy.ResourceItem}

// listingResources are the plain resources of kind k in the snapshot —
// those Resources lists — in the listing's order (ID; items by case, then
// item). EditSection asks SectionResource of section.
func (c *diffCase) listingResources(k policy.ResourceKind, a policy.Action, section access.Section) []policy.Resource {
	var out []policy.Resource
	switch k {
	case policy.ResourceDossier:
		for _, d := range sortedKeys(c.snap.dossiers) {
			if a == policy.EditSection {
				out = append(out, policy.SectionResource(d, section))
			} else {
				out = append(out, policy.DossierResource(d))
			}
		}
	case policy.ResourceTeam:
		for _, t := range sortedKeys(c.snap.teams) {
			out = append(out, policy.TeamResource(t))
		}
	case policy.ResourceCase:
		for _, id := range sortedKeys(c.snap.cases) {
			out = append(out, policy.CaseResource(id))
		}
	case policy.ResourceItem:
		for _, id := range sortedKeys(c.snap.cases) {
			p, ok := c.snap.procedures[c.snap.cases[id].Procedure]
			if !ok {
				continue
			}
			var items []policy.Resource
			for _, it := range p.Items {
				items = append(items, policy.ItemResource(id, it.ID))
			}
			slices.SortFunc(items, func(a, b policy.Resource) int { return cmpStrings(string(a.Item), string(b.Item)) })
			out = append(out, items...)
		}
	}
	return out
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pageAll walks a paged listing to its end with pages of size limit
// (0: cabinet.DefaultPageSize) and returns every record, checking that each
// page is at rev, no larger than asked, full when it has a next cursor, and
// that the walk ends.
func pageAll[T any](limit int, rev cabinet.Revision, list func(cabinet.Page) ([]T, cabinet.Cursor, cabinet.Revision, error)) ([]T, error) {
	size := limit
	if size == 0 {
		size = cabinet.DefaultPageSize
	}
	var out []T
	p := cabinet.FirstPage(limit)
	for pages := 0; ; pages++ {
		if pages > 10000 {
			return nil, fmt.Errorf("the walk does not end")
		}
		items, next, at, err := list(p)
		if err != nil {
			return nil, err
		}
		switch {
		case at != rev:
			return nil, fmt.Errorf("page %d at revision %d, the engine is at %d", pages, at, rev)
		case len(items) > size:
			return nil, fmt.Errorf("page %d has %d records, asked %d", pages, len(items), size)
		case next != "" && len(items) < size:
			return nil, fmt.Errorf("page %d has %d records of %d and a next cursor", pages, len(items), size)
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p = p.Next(next)
	}
}

// TestPOL3PagedListingsAgreeWithCheck checks POL-3's paged reverse queries
// on 1,000 random states (100 with -short), with random page sizes, paging
// to the end:
//
//   - Resources(s, a) for every subject and every action of the dossier,
//     team, case and item kinds lists exactly {r : Check(s, a, r) allowed}
//     over every resource of the kind in the state, in order, each once;
//   - DossiersPage(s, q) with a random client group and status filter lists
//     exactly the allowed dossiers that pass it;
//   - Who(a, r) for every such resource and action, and for three random
//     resources with the refinements the action reads (persons, grants,
//     advisors, levels, statuses, groups, teams, users) or unknown IDs,
//     lists exactly {u : Check(User(u), a, r) allowed}, in order, with the
//     decision's Routes and Rule.
//
// Half the states are asked of the kit's engine (kept current from the
// change log), half of one loaded afresh from the store, so that both ways
// of building the index's reverse links are checked.
func TestPOL3PagedListingsAgreeWithCheck(t *testing.T) {
	ctx := context.Background()
	var mu syncCounter
	var nResources, nWho, nKinds [8]int
	p := prop.ForAll(func(ints genState) string {
		c, err := newDiffCase(ctx, ints)
		if err != nil {
			return "building the state: " + err.Error()
		}
		h := fnv.New64a()
		fmt.Fprint(h, []int(ints))
		rng := rand.New(rand.NewPCG(h.Sum64(), 16))
		eng := c.eng
		if rng.IntN(2) == 1 {
			if eng, err = policy.New(ctx, c.w.store, policy.WithClock(c.w.clock)); err != nil {
				return "loading a fresh engine: " + err.Error()
			}
		}
		rev := eng.Revision()
		size := func() int { return []int{0, 1, 1, 2, 2, 3, 5}[rng.IntN(7)] }
		groups := append([]cabinet.ClientGroupID{""}, sortedKeys(c.snap.clientGroups)...)
		statuses := []cabinet.DossierStatus{cabinet.DossierStatusInvalid, cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierArchived}
		var res, who [8]int
		for _, k := range listingKinds {
			for _, a := range policy.Actions() {
				if policy.ResourceKindOf(a) != k {
					continue
				}
				section := access.SectionInvalid
				if a == policy.EditSection {
					section = gpick(access.Sections(), rng.IntN(100))
				}
				universe := c.listingResources(k, a, section)
				for _, s := range c.subjects() {
					var want []policy.Resource
					allowed := map[policy.Resource]bool{}
					for _, r := range universe {
						dec, err := eng.Check(ctx, s, a, r)
						if err != nil {
							return c.fail("Check(%s, %s, %s): %v", s, a, r, err)
						}
						if dec.Allowed {
							want = append(want, r)
							allowed[r] = true
						}
					}
					if a == policy.ViewRoutes {
						// Not listed (any account asks it of any dossier):
						// refused, naming the action.
						_, rerr := eng.Resources(ctx, s, policy.ResourceQuery{Action: a}, cabinet.Page{})
						_, derr := eng.DossiersPage(ctx, s, policy.DossierQuery{Action: a}, cabinet.Page{})
						if !errors.Is(rerr, cabinet.ErrInvalid) || !errors.Is(derr, cabinet.ErrInvalid) {
							return c.fail("Resources/DossiersPage(%s, view_routes) = %v / %v, want invalid action", s, rerr, derr)
						}
						continue
					}
					q := policy.ResourceQuery{Action: a, Section: section}
					got, err := pageAll(size(), rev, func(p cabinet.Page) ([]policy.Resource, cabinet.Cursor, cabinet.Revision, error) {
						pg, err := eng.Resources(ctx, s, q, p)
						return pg.Resources, pg.Next, pg.Revision, err
					})
					if err != nil {
						return c.fail("Resources(%s, %s): %v", s, a, err)
					}
					if !slices.Equal(got, want) {
						return c.fail("POL-3: Resources(%s, %s) = %v, Check allows %v", s, a, got, want)
					}
					res[k] += len(got)
					if k != policy.ResourceDossier {
						continue
					}
					dq := policy.DossierQuery{Action: a, Section: section, ClientGroup: gpick(groups, rng.IntN(100)), Status: gpick(statuses, rng.IntN(100))}
					var wantIDs []cabinet.DossierID
					for _, r := range want {
						d := cabinet.DossierID(r.ID)
						if (dq.ClientGroup == "" || c.snap.groupOf(d) == dq.ClientGroup) && (!dq.Status.Valid() || c.snap.dossiers[d].Status == dq.Status) {
							wantIDs = append(wantIDs, d)
						}
					}
					gotIDs, err := pageAll(size(), rev, func(p cabinet.Page) ([]cabinet.DossierID, cabinet.Cursor, cabinet.Revision, error) {
						pg, err := eng.DossiersPage(ctx, s, dq, p)
						return pg.Dossiers, pg.Next, pg.Revision, err
					})
					if err != nil {
						return c.fail("DossiersPage(%s, %+v): %v", s, dq, err)
					}
					if !slices.Equal(gotIDs, wantIDs) {
						return c.fail("POL-3: DossiersPage(%s, %+v) = %v, Check allows %v", s, dq, gotIDs, wantIDs)
					}
				}
				// Who is also asked of resources with the refinements the
				// action reads, and of unknown ones: a few at random.
				asked := slices.Clone(universe)
				if refined := c.snap.refResources(a); len(refined) > 0 {
					for range 3 {
						asked = append(asked, refined[rng.IntN(len(refined))])
					}
				}
				for _, r := range asked {
					var want []policy.Permit
					for _, u := range sortedKeys(c.snap.users) {
						dec, err := eng.Check(ctx, policy.User(u), a, r)
						if err != nil {
							return c.fail("Check: %v", err)
						}
						if dec.Allowed {
							want = append(want, policy.Permit{User: u, Routes: dec.Routes, Rule: dec.Rule})
						}
					}
					got, err := pageAll(size(), rev, func(p cabinet.Page) ([]policy.Permit, cabinet.Cursor, cabinet.Revision, error) {
						pg, err := eng.Who(ctx, policy.WhoQuery{Action: a, Resource: r}, p)
						return pg.Permits, pg.Next, pg.Revision, err
					})
					if err != nil {
						return c.fail("Who(%s, %s): %v", a, r, err)
					}
					if !slices.Equal(got, want) {
						return c.fail("POL-3: Who(%s, %s) = %v, Check allows %v", a, r, got, want)
					}
					who[k] += len(got)
				}
			}
		}
		mu.add(func() {
			for k := range res {
				nResources[k] += res[k]
				nWho[k] += who[k]
				if res[k] > 0 {
					nKinds[k]++
				}
			}
		})
		return ""
	}, genStates())
	report(t, p, diffParams())
	for _, k := range listingKinds {
		t.Logf("%s: %d resources listed, %d permits, %d states listing one", k, nResources[k], nWho[k], nKinds[k])
		if nResources[k] == 0 || nWho[k] == 0 {
			t.Errorf("vacuous for %s: %d resources listed, %d permits", k, nResources[k], nWho[k])
		}
	}
}
