package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// commitUser is storetest.Commit over the team store: it writes a user and
// may emit a batch.
func commitUser(s *memstore.Store) storetest.Commit {
	return func(ctx context.Context, n int, emit, fail bool) (cabinet.Revision, error) {
		return s.UpdateTeams(ctx, func(w team.Writer) error {
			id := fmt.Sprintf("u%d", n)
			if n != 3 { // the third transaction only emits
				if err := w.PutUser(ctx, cabinet.User{ID: cabinet.UserID(id), DisplayName: id, Email: id + "@example.com"}); err != nil {
					return err
				}
			}
			if emit {
				if err := w.Tx().Emit(cabinet.Batch{Actor: "tester", Events: []cabinet.Event{storetest.Event{N: n}}}); err != nil {
					return err
				}
			}
			if n == 3 && !emit {
				return w.Tx().Emit(cabinet.Batch{})
			}
			if fail {
				return errors.New("abort")
			}
			return nil
		})
	}
}

func TestChangeLog(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			s := memstore.New(v.opts...)
			storetest.ChangeLog(t, s, commitUser(s))
		})
	}
}

// A reader asking for changes the log no longer retains gets a
// *cabinet.StaleError naming the oldest one kept (issue 14: "a revision
// older than the retention is a typed error telling the reader to
// reload").
func TestChangeLogRetention(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(memstore.WithRetention(3))
	commit := commitUser(s)
	for n := 10; n < 15; n++ {
		if _, err := commit(ctx, n, true, false); err != nil {
			t.Fatal(err)
		}
	}
	var got []cabinet.Revision
	for c, err := range s.Changes(ctx, 2) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Revision)
	}
	if len(got) != 3 || got[0] != 3 {
		t.Fatalf("changes after 2: %v, want [3 4 5]", got)
	}
	for _, err := range s.Changes(ctx, 1) {
		var stale *cabinet.StaleError
		if !errors.As(err, &stale) || !errors.Is(err, cabinet.ErrStale) || stale.Oldest != 3 {
			t.Fatalf("changes after 1: %v, want a StaleError with oldest 3", err)
		}
		break
	}
}

// Delivery hands every committed batch to the sinks once per process, in
// revision order, resuming from its cursor; concurrent committers and
// concurrent drains (commit hooks) do not reorder nor repeat batches.
func TestDeliveryInOrderFromCursor(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(memstore.RunTwice())
	var log cabinet.EventLog
	cursor := cabinet.NewMemoryCursor(0)
	d := cabinet.NewDelivery(s, cursor, &log)
	s.OnCommit(func(cabinet.Revision) {
		if _, err := d.Drain(ctx); err != nil {
			t.Error(err)
		}
	})
	commit := commitUser(s)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if _, err := commit(ctx, 1000+w*20+i, true, false); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	bs := log.Batches()
	if len(bs) != 120 {
		t.Fatalf("%d batches delivered, want 120", len(bs))
	}
	for i := 1; i < len(bs); i++ {
		if bs[i].Revision <= bs[i-1].Revision {
			t.Fatalf("batch %d at revision %d after %d", i, bs[i].Revision, bs[i-1].Revision)
		}
	}
	if rev, _ := cursor.Load(ctx); rev != s.Revision() {
		t.Errorf("cursor at %d, head %d", rev, s.Revision())
	}

	// A second delivery resuming from a saved position hands over only what
	// came after it.
	var late cabinet.EventLog
	d2 := cabinet.NewDelivery(s, cabinet.NewMemoryCursor(bs[99].Revision), &late)
	if _, err := d2.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(late.Batches()); n != 20 {
		t.Errorf("resumed delivery handed over %d batches, want 20", n)
	}
}

// A reader streaming the change log while commits trim it (a small
// retention) sees each retained change as it was committed: trimming never
// rewrites what a reader holds.
func TestChangeLogTrimmingKeepsReadersConsistent(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(memstore.WithRetention(4))
	commit := commitUser(s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := 10; n < 400; n++ {
			if _, err := commit(ctx, n, true, false); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		var prev cabinet.Revision
		for c, err := range s.Changes(ctx, max(s.Revision(), 4)-4) {
			if errors.Is(err, cabinet.ErrStale) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Batch.Revision != c.Revision || (prev != 0 && c.Revision != prev+1) {
				t.Fatalf("change %d (batch %d) after %d", c.Revision, c.Batch.Revision, prev)
			}
			prev = c.Revision
		}
	}
}

// The change log records, for every transaction, the keys of every record
// it wrote, before and after, normalized (issue 14): the property writes
// random dossiers and placements — IDs repeated, long (a two-byte length in
// the log's encoding) and with arbitrary bytes — and compares each
// change's keys with cabinet.NormalizeKeys over the records' own Keys.
func TestPropertyChangeKeysAreTheRecordsKeysNormalized(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	if testing.Short() {
		params.MinSuccessfulTests = 100
	}
	params.MaxSize = 30
	type op struct{ Kind, Dossier, Office, Manager, Assigned, Group int }
	dossier := func(i int) cabinet.DossierID {
		switch i % 10 {
		case 8:
			return cabinet.DossierID(fmt.Sprintf("d%d-%s", i, strings.Repeat("x", 140)))
		case 9:
			return cabinet.DossierID(fmt.Sprintf("d\x00\xff%d", i))
		}
		return cabinet.DossierID(fmt.Sprintf("d%02d", i))
	}
	user := func(i int) cabinet.UserID {
		if i == 0 {
			return ""
		}
		return cabinet.UserID(fmt.Sprintf("u%d", i))
	}
	opGen := gen.Struct(reflect.TypeOf(op{}), map[string]gopter.Gen{
		"Kind":     gen.IntRange(0, 2), // put dossier, put placement, delete placement
		"Dossier":  gen.IntRange(0, 29),
		"Office":   gen.IntRange(0, 2),
		"Manager":  gen.IntRange(0, 7),
		"Assigned": gen.IntRange(0, 255), // a bit set of users 1..8
		"Group":    gen.IntRange(0, 4),
	})
	props := gopter.NewProperties(params)
	props.Property("keys of a change = NormalizeKeys(keys of the records written, before and after)", prop.ForAll(func(txs [][]op) string {
		ctx := context.Background()
		s := memstore.New()
		dossiers := map[cabinet.DossierID]access.Dossier{}
		placements := map[cabinet.DossierID]clientgroup.Placement{}
		for n, ops := range txs {
			var want []cabinet.Key
			before := s.Revision()
			rev, err := s.UpdateAccess(ctx, func(w access.Writer) error {
				cw, err := s.ClientGroupWriter(w.Tx())
				if err != nil {
					return err
				}
				want = nil
				for _, o := range ops {
					id := dossier(o.Dossier)
					switch o.Kind {
					case 0:
						d := access.Dossier{ID: id, Office: cabinet.OfficeID(fmt.Sprintf("o%d", o.Office)), Name: "n",
							Status: cabinet.DossierActivated, Manager: user(o.Manager), CreatedBy: user(o.Manager)}
						for u := 1; u <= 8; u++ {
							if o.Assigned&(1<<(u-1)) != 0 && user(u) != d.Manager {
								d.Assigned = append(d.Assigned, user(u))
							}
						}
						if old, ok := dossiers[id]; ok {
							want = append(want, old.Keys()...)
						}
						want = append(want, d.Keys()...)
						dossiers[id] = d
						if err := w.PutDossier(ctx, d); err != nil {
							return err
						}
					case 1:
						p := clientgroup.Placement{Dossier: id, Office: cabinet.OfficeID(fmt.Sprintf("o%d", o.Office)),
							ClientGroup: cabinet.ClientGroupID(fmt.Sprintf("g%d", o.Group))}
						if old, ok := placements[id]; ok {
							want = append(want, old.Keys()...)
						}
						want = append(want, p.Keys()...)
						placements[id] = p
						if err := cw.PutPlacement(ctx, p); err != nil {
							return err
						}
					case 2:
						old, ok := placements[id]
						if !ok {
							continue
						}
						want = append(want, old.Keys()...)
						delete(placements, id)
						if err := cw.DeletePlacement(ctx, id); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Sprintf("transaction %d: %v", n, err)
			}
			want = cabinet.NormalizeKeys(want)
			if rev == before { // nothing written: no change
				continue
			}
			for c, err := range s.Changes(ctx, before) {
				if err != nil {
					return err.Error()
				}
				if c.Revision != rev || !slices.Equal(c.Keys, want) {
					return fmt.Sprintf("transaction %d: change %d has keys %v, want %d with %v", n, c.Revision, c.Keys, rev, want)
				}
				break
			}
		}
		return ""
	}, gen.SliceOf(gen.SliceOf(opGen))))
	props.TestingRun(t)
}

// WithRetainedItems bounds the log by its keys and events: the oldest
// changes go first, and the last change stays whatever its size.
func TestChangeLogRetainedItems(t *testing.T) {
	ctx := context.Background()
	// Each account is two keys (cabinet.KeyUser and KeyAccount), so 20
	// items hold three changes of three accounts and not four.
	s := memstore.New(memstore.WithRetainedItems(20))
	put := func(n int) cabinet.Revision {
		t.Helper()
		rev, err := s.UpdateTeams(ctx, func(w team.Writer) error {
			for i := range n {
				id := cabinet.UserID(fmt.Sprintf("u%d-%d", n, i))
				if err := w.PutUser(ctx, cabinet.User{ID: id, DisplayName: "x", Email: string(id) + "@example.com"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return rev
	}
	changes := func(after cabinet.Revision) ([]cabinet.Revision, error) {
		var revs []cabinet.Revision
		for c, err := range s.Changes(ctx, after) {
			if err != nil {
				return revs, err
			}
			revs = append(revs, c.Revision)
		}
		return revs, nil
	}
	for range 4 {
		put(3) // 6 keys each: the log holds the last 3 (18 keys)
	}
	if revs, err := changes(1); err != nil || !slices.Equal(revs, []cabinet.Revision{2, 3, 4}) {
		t.Fatalf("changes after 1: %v, %v; want [2 3 4]", revs, err)
	}
	var stale *cabinet.StaleError
	if _, err := changes(0); !errors.As(err, &stale) || stale.Oldest != 2 {
		t.Fatalf("changes after 0: %v, want a StaleError with oldest 2", err)
	}
	big := put(25) // more than the whole budget: kept alone
	if revs, err := changes(big - 1); err != nil || !slices.Equal(revs, []cabinet.Revision{big}) {
		t.Fatalf("changes after %d: %v, %v; want [%d]", big-1, revs, err, big)
	}
	if _, err := changes(big - 2); !errors.As(err, &stale) || stale.Oldest != big {
		t.Fatalf("changes after %d: %v, want a StaleError with oldest %d", big-2, err, big)
	}
}

// TestKeptWriterTouchesNoLaterChange checks that a Writer kept past its
// Update's function (a host's misuse) can neither write nor add keys to
// the change of a later transaction: the store reuses one key recorder
// from transaction to transaction (issue 15), and an outside review found
// that a kept Writer's late Put recorded its keys into the next change.
func TestKeptWriterTouchesNoLaterChange(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	var kept clientgroup.Writer
	if _, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		kept = w
		return w.PutOffice(ctx, clientgroup.Office{ID: "o1", Name: "One", Email: "one@example.com", CreatedBy: "u1"})
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []clientgroup.Collaborator{
		{User: "ghost"}, // invalid: its keys were recorded before the check
		{Office: "o1", User: "ghost", Profile: cabinet.ProfileStandard},
	} {
		if err := kept.PutCollaborator(ctx, c); !errors.Is(err, cabinet.ErrInvalid) {
			t.Errorf("a kept Writer's PutCollaborator(%+v) = %v, want an invalid tx", c, err)
		}
	}
	rev, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		return w.PutOffice(ctx, clientgroup.Office{ID: "o2", Name: "Two", Email: "two@example.com", CreatedBy: "u1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for c, err := range s.Changes(ctx, rev-1) {
		if err != nil {
			t.Fatal(err)
		}
		want := []cabinet.Key{{Kind: cabinet.KeyUser, ID: "u1"}, {Kind: cabinet.KeyOffice, ID: "o2"}} // the office and its creator
		if !reflect.DeepEqual(c.Keys, want) {
			t.Errorf("the change after a kept Writer's writes has keys %v, want %v", c.Keys, want)
		}
	}
	if _, ok, err := func() (clientgroup.Collaborator, bool, error) {
		var got clientgroup.Collaborator
		var found bool
		err := s.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
			c, err := r.Collaborator(ctx, "o1", "ghost")
			got, found = c, err == nil
			return nil
		})
		return got, found, err
	}(); err != nil || ok {
		t.Errorf("a kept Writer's PutCollaborator wrote (found %v, %v)", ok, err)
	}
}
