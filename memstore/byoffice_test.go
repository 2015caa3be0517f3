package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
)

// TestListingsByOfficeAcrossOffices: the store builds its by-office index
// of dossiers and placements only once a second office exists (issue 15),
// so listings by office must agree with a filter of the whole table while
// the rows name one office, after a transaction that named a second office
// is rolled back, as a second and a third office appear, as rows move
// between offices and are deleted, and back down to one office.
func TestListingsByOfficeAcrossOffices(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	offices := []cabinet.OfficeID{"o-a", "o-b", "o-c", "o-never"}
	r := rand.New(rand.NewPCG(15, 1))

	check := func(step string) {
		t.Helper()
		err := s.ViewAccess(ctx, func(ar access.Reader) error {
			all := pages(t, func(p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
				return ar.Dossiers(ctx, access.DossierFilter{}, p)
			})
			for _, o := range append(offices, "") {
				var want []access.Dossier
				for _, d := range all {
					if d.Office == o {
						want = append(want, d)
					}
				}
				got := pages(t, func(p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
					return ar.Dossiers(ctx, access.DossierFilter{Office: o}, p)
				})
				if o == "" {
					want = all // a zero field matches all
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: dossiers of office %q: got %d %v, want %d %v", step, o, len(got), ids(got), len(want), ids(want))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.ViewClientGroups(ctx, func(cr clientgroup.Reader) error {
			all := pages(t, func(p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
				return cr.Placements(ctx, clientgroup.PlacementFilter{}, p)
			})
			for _, o := range offices {
				var want []clientgroup.Placement
				for _, pl := range all {
					if pl.Office == o {
						want = append(want, pl)
					}
				}
				got := pages(t, func(p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
					return cr.Placements(ctx, clientgroup.PlacementFilter{Office: o}, p)
				})
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: placements of office %q: got %d, want %d", step, o, len(got), len(want))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put := func(n int, office cabinet.OfficeID) {
		t.Helper()
		id := cabinet.DossierID(fmt.Sprintf("d%03d", n))
		if _, err := s.UpdateAccess(ctx, func(w access.Writer) error {
			return w.PutDossier(ctx, access.Dossier{ID: id, Office: office, Name: string(id),
				Status: cabinet.DossierActivated, Manager: "u1"})
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
			return w.PutPlacement(ctx, clientgroup.Placement{Dossier: id, Office: office, ClientGroup: "g1"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	unplace := func(n int) {
		t.Helper()
		id := cabinet.DossierID(fmt.Sprintf("d%03d", n))
		if _, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
			err := w.DeletePlacement(ctx, id)
			if errors.Is(err, cabinet.ErrNotFound) {
				return nil
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}

	check("empty")
	for n := range 40 {
		put(n, "o-a")
	}
	check("one office")
	// A transaction naming a second office, rolled back.
	if _, err := s.UpdateAccess(ctx, func(w access.Writer) error {
		if err := w.PutDossier(ctx, access.Dossier{ID: "d500", Office: "o-b", Name: "x", Manager: "u1"}); err != nil {
			return err
		}
		return errors.New("rolled back")
	}); err == nil {
		t.Fatal("the failing transaction committed")
	}
	if _, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		if err := w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d500", Office: "o-b", ClientGroup: "g1"}); err != nil {
			return err
		}
		return errors.New("rolled back")
	}); err == nil {
		t.Fatal("the failing transaction committed")
	}
	check("second office rolled back")
	put(5, "o-a") // a write after the rollback: the index must not half-exist
	check("one office after the rollback")
	for n := 40; n < 60; n++ {
		put(n, "o-b")
	}
	check("second office")
	for n := 60; n < 70; n++ {
		put(n, "o-c")
	}
	check("third office")
	for range 60 {
		n := r.IntN(70)
		put(n, offices[r.IntN(3)])
		if r.IntN(3) == 0 {
			unplace(r.IntN(70))
		}
		check(fmt.Sprintf("move d%03d", n))
	}
	// Back to one office: every row moves to o-c, then to o-a.
	for _, o := range []cabinet.OfficeID{"o-c", "o-a"} {
		for n := range 70 {
			put(n, o)
		}
		check("all in " + string(o))
	}
	put(3, "o-b")
	check("a second office again")
	for n := range 70 {
		unplace(n)
	}
	check("no placements")
}

// pages collects every page of a listing, 7 records at a time.
func pages[V any](t *testing.T, list func(cabinet.Page) ([]V, cabinet.Cursor, error)) []V {
	t.Helper()
	var all []V
	p := cabinet.FirstPage(7)
	for {
		got, next, err := list(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got...)
		if next == "" {
			return all
		}
		p = p.Next(next)
	}
}

func ids(ds []access.Dossier) []cabinet.DossierID {
	out := make([]cabinet.DossierID, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}
