package policy_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// pagesOnly is a memstore whose access and client-group readers offer only
// their listings: the optional streaming reads (EachDossier,
// EachPlacement) are hidden, as on a store without them.
type pagesOnly struct{ *memstore.Store }

func (s pagesOnly) AccessReader(tx cabinet.Tx) (access.Reader, error) {
	r, err := s.Store.AccessReader(tx)
	return struct{ access.Reader }{r}, err
}

func (s pagesOnly) ClientGroupReader(tx cabinet.Tx) (clientgroup.Reader, error) {
	r, err := s.Store.ClientGroupReader(tx)
	return struct{ clientgroup.Reader }{r}, err
}

// TestLoadStreamsOrPagesAlike (issue 15): the engine loads the dossiers and
// the placements of a store that streams them (memstore's EachDossier and
// EachPlacement) and of one that only pages them into the same index —
// every decision, Dossiers and Viewers agree. A stream that skips the last
// dossier or placement fails it.
func TestLoadStreamsOrPagesAlike(t *testing.T) {
	w := newRich(t)
	ctx := context.Background()
	type dossierStreamer interface {
		EachDossier(context.Context, func(*access.Dossier) error) error
	}
	type placementStreamer interface {
		EachPlacement(context.Context, func(clientgroup.Placement) error) error
	}
	// The memory store offers both streams, pagesOnly neither: the two
	// engines below load through the two paths.
	for _, st := range []policy.Store{w.store, pagesOnly{w.store}} {
		_, streams := st.(pagesOnly)
		streams = !streams
		engOK(t, st.ViewTeams(ctx, func(tr team.Reader) error {
			ar, err := st.AccessReader(tr.Tx())
			engOK(t, err)
			cr, err := st.ClientGroupReader(tr.Tx())
			engOK(t, err)
			_, ds := ar.(dossierStreamer)
			_, ps := cr.(placementStreamer)
			if ds != streams || ps != streams {
				t.Fatalf("%T: EachDossier %v, EachPlacement %v, want %v", st, ds, ps, streams)
			}
			return nil
		}))
	}
	streamed, err := policy.New(ctx, w.store, policy.WithClock(w.clock))
	engOK(t, err)
	paged, err := policy.New(ctx, pagesOnly{w.store}, policy.WithClock(w.clock))
	engOK(t, err)
	res := w.resources()
	n := 0
	for _, s := range w.subjects() {
		for _, a := range policy.Actions() {
			for _, r := range res {
				if !a.AppliesTo(r.Kind) {
					continue
				}
				got, err1 := streamed.Check(ctx, s, a, r)
				want, err2 := paged.Check(ctx, s, a, r)
				engOK(t, err1)
				engOK(t, err2)
				if got != want {
					t.Fatalf("%v %v %v: streamed %+v, paged %+v", s, a, r, got, want)
				}
				n++
			}
		}
		got, want := engDossiers(t, streamed, s, policy.DossierQuery{}), engDossiers(t, paged, s, policy.DossierQuery{})
		if !slices.Equal(got, want) {
			t.Fatalf("Dossiers(%v): streamed %v, paged %v", s, got, want)
		}
	}
	for _, r := range res {
		if r.Kind == policy.ResourceDossier && r == policy.DossierResource(cabinet.DossierID(r.ID)) {
			id := cabinet.DossierID(r.ID)
			got, want := engViewers(t, streamed, id), engViewers(t, paged, id)
			if !slices.Equal(got, want) {
				t.Fatalf("Viewers(%s): streamed %v, paged %v", id, got, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no question asked")
	}
}
