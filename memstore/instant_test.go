package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/memstore"
)

// TestDossierCreatedAtComesBackAsItWentIn: a dossier row keeps CreatedAt in
// 8 bytes when it is a UTC time without a monotonic reading, and the whole
// Time beside the row otherwise (issue 15). Every Time — zero, UTC to the
// nanosecond, the epoch, Local with a monotonic reading, a fixed zone, a
// year outside what 8 bytes of nanoseconds hold, the two instants the row
// reserves — comes back from Dossier, Dossiers and EachDossier exactly as
// written (reflect.DeepEqual: same location, same monotonic reading), when
// a dossier's CreatedAt changes from one kind to the other and back, and
// after a transaction that changed it is rolled back.
func TestDossierCreatedAtComesBackAsItWentIn(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	times := []time.Time{
		{},
		time.Date(2026, 12, 3, 12, 0, 0, 123456789, time.UTC),
		time.Unix(0, 0).UTC(),
		time.Now(),
		time.Now().Round(0),
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600)),
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("UTC", 0)),
		time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, -1<<63).UTC(),
		time.Unix(0, -1<<63+1).UTC(),
		time.Unix(0, 1<<63-1).UTC(),
	}
	dossier := func(i int, at time.Time) access.Dossier {
		return access.Dossier{ID: cabinet.DossierID(fmt.Sprintf("d%02d", i)), Office: "o1", Name: "n",
			Status: cabinet.DossierActivated, Manager: "m1", CreatedBy: "m1", CreatedAt: at}
	}
	write := func(ds ...access.Dossier) {
		t.Helper()
		if _, err := s.UpdateAccess(ctx, func(w access.Writer) error {
			for _, d := range ds {
				if err := w.PutDossier(ctx, d); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, want []access.Dossier) {
		t.Helper()
		err := s.ViewAccess(ctx, func(r access.Reader) error {
			for _, d := range want {
				got, err := r.Dossier(ctx, d.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got.CreatedAt, d.CreatedAt) {
					t.Errorf("%s: Dossier(%s).CreatedAt = %#v, want %#v", step, d.ID, got.CreatedAt, d.CreatedAt)
				}
			}
			page, _, err := r.Dossiers(ctx, access.DossierFilter{Office: "o1"}, cabinet.FirstPage(100))
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(page, want) {
				t.Errorf("%s: Dossiers differ from what was written", step)
			}
			var each []access.Dossier
			if err := r.(interface {
				EachDossier(context.Context, func(*access.Dossier) error) error
			}).EachDossier(ctx, func(d *access.Dossier) error {
				each = append(each, *d)
				return nil
			}); err != nil {
				return err
			}
			if !reflect.DeepEqual(each, want) {
				t.Errorf("%s: EachDossier differs from what was written", step)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var want []access.Dossier
	for i, at := range times {
		want = append(want, dossier(i, at))
	}
	write(want...)
	check("written", want)
	// Every dossier takes the next one's time: each kind turns into another.
	for round := range 2 {
		next := make([]access.Dossier, len(want))
		for i := range want {
			next[i] = dossier(i, want[(i+1)%len(want)].CreatedAt)
		}
		// Rolled back first: the store must be as before.
		if _, err := s.UpdateAccess(ctx, func(w access.Writer) error {
			for _, d := range next {
				if err := w.PutDossier(ctx, d); err != nil {
					return err
				}
			}
			return errors.New("rolled back")
		}); err == nil {
			t.Fatal("the failing transaction committed")
		}
		check(fmt.Sprintf("round %d rolled back", round), want)
		write(next...)
		want = next
		check(fmt.Sprintf("round %d", round), want)
	}
}
