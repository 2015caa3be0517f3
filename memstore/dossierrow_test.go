package memstore_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/memstore"
)

// TestDossierComesBackAsItWentIn: the store packs a dossier's assigned
// collaborators with its name in one string (issue 15); every dossier —
// no list, an empty list, one, a few, a list just below, at and above the
// length the row counts inline, with an empty or a long name — comes back
// from Dossier, Dossiers by assigned and EachDossier exactly as written.
func TestDossierComesBackAsItWentIn(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	users := func(n int) []cabinet.UserID {
		out := make([]cabinet.UserID, n)
		for i := range out {
			out[i] = cabinet.UserID(fmt.Sprintf("u%06d", i))
		}
		return out
	}
	var want []access.Dossier
	for i, n := range []int{-1, 0, 1, 3, 65534, 65535, 65536, 70000} {
		var assigned []cabinet.UserID
		if n >= 0 {
			assigned = users(n)
		}
		for j, name := range []string{"", "a dossier", strings.Repeat("a long name ", 30)} {
			want = append(want, access.Dossier{
				ID: cabinet.DossierID(fmt.Sprintf("d%02d%d", i, j)), Office: "o1", Name: name,
				Status: cabinet.DossierActivated, Manager: "m1", Assigned: assigned, CreatedBy: "m1",
				CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
			})
		}
	}
	if _, err := s.UpdateAccess(ctx, func(w access.Writer) error {
		for _, d := range want {
			if err := w.PutDossier(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	err := s.ViewAccess(ctx, func(r access.Reader) error {
		for _, d := range want {
			got, err := r.Dossier(ctx, d.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, d) {
				t.Errorf("Dossier(%s): name %q, %d assigned; want %q, %d", d.ID, got.Name, len(got.Assigned), d.Name, len(d.Assigned))
			}
			if len(d.Assigned) > 0 {
				last := d.Assigned[len(d.Assigned)-1]
				page, _, err := r.Dossiers(ctx, access.DossierFilter{Assigned: last}, cabinet.FirstPage(100))
				if err != nil {
					return err
				}
				found := false
				for _, p := range page {
					found = found || p.ID == d.ID
				}
				if !found {
					t.Errorf("Dossiers(assigned %s) misses %s", last, d.ID)
				}
			}
		}
		var each []access.Dossier
		if err := r.(interface {
			EachDossier(context.Context, func(*access.Dossier) error) error
		}).EachDossier(ctx, func(d *access.Dossier) error {
			c := *d
			if d.Assigned != nil {
				c.Assigned = append([]cabinet.UserID{}, d.Assigned...)
			}
			each = append(each, c)
			return nil
		}); err != nil {
			return err
		}
		if !reflect.DeepEqual(each, want) {
			for i := range min(len(each), len(want)) {
				if !reflect.DeepEqual(each[i], want[i]) {
					t.Errorf("EachDossier: %s: name %q, %d assigned (nil %v); want %q, %d (nil %v)", want[i].ID, each[i].Name, len(each[i].Assigned), each[i].Assigned == nil, want[i].Name, len(want[i].Assigned), want[i].Assigned == nil)
				}
			}
			t.Errorf("EachDossier: %d dossiers, want %d", len(each), len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
