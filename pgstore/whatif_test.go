package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
)

// whatIfOffice is an office on PostgreSQL with an admin, two standard
// collaborators assigned to a client group, and an activated dossier in it.
type whatIfOffice struct {
	ctx             context.Context
	k               *kit.Kit
	store           *pgstore.Store
	admin, sam, bea cabinet.UserID
	office          cabinet.OfficeID
	dossier         cabinet.DossierID
}

func newWhatIfOffice(t *testing.T) *whatIfOffice {
	t.Helper()
	ctx := context.Background()
	store := pgtest.Store(t, nil)
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(ctx, store, kit.WithClock(clock), kit.WithIDs(&cabinet.SequentialIDs{}))
	require.NoError(t, err)
	must := func(_ any, _ cabinet.Revision, err error) { t.Helper(); require.NoError(t, err) }
	user := func(name, email string) cabinet.UserID {
		u, _, err := k.Teams.CreateUser(ctx, "signup", name, email)
		require.NoError(t, err)
		return u.ID
	}
	w := &whatIfOffice{ctx: ctx, k: k, store: store}
	w.admin, w.sam, w.bea = user("Ada", "ada@example.com"), user("Sam", "sam@example.com"), user("Bea", "bea@example.com")
	o, _, err := k.Groups.CreateOffice(ctx, w.admin, "Practice", "office@example.com")
	require.NoError(t, err)
	w.office = o.ID
	must(k.Groups.AddCollaborator(ctx, w.admin, w.office, w.sam, cabinet.ProfileStandard))
	must(k.Groups.AddCollaborator(ctx, w.admin, w.office, w.bea, cabinet.ProfileStandard))
	g, _, err := k.Groups.CreateClientGroup(ctx, w.admin, w.office, "North", "")
	require.NoError(t, err)
	d, _, err := k.Access.CreateDossier(ctx, w.admin, w.office, "Dupont")
	require.NoError(t, err)
	w.dossier = d.ID
	must(k.Access.SetStatus(ctx, w.admin, d.ID, cabinet.DossierActivated))
	_, err = k.Groups.MoveDossier(ctx, w.admin, d.ID, g.ID)
	require.NoError(t, err)
	must(k.Groups.AssignCollaborator(ctx, w.admin, g.ID, w.sam))
	must(k.Groups.AssignCollaborator(ctx, w.admin, g.ID, w.bea))
	return w
}

func (w *whatIfOffice) remove(u cabinet.UserID) policy.Command {
	return func(ctx context.Context) (cabinet.Revision, error) {
		return w.k.Groups.RemoveCollaborator(ctx, w.admin, w.office, u)
	}
}

func (w *whatIfOffice) head(t *testing.T) cabinet.Revision {
	t.Helper()
	r, err := w.store.Revision(w.ctx)
	require.NoError(t, err)
	return r
}

func (w *whatIfOffice) sees(t *testing.T, u cabinet.UserID) bool {
	t.Helper()
	dec, err := w.k.Policy.CheckAt(w.ctx, policy.FullyConsistent(), policy.User(u), policy.ViewDossier, policy.DossierResource(w.dossier))
	require.NoError(t, err)
	return dec.Allowed
}

// TestWhatIfPreviewAndApplyOnPostgres: issue 16 on pgstore — a preview
// runs the command in a rolled-back transaction (no revision, no change-log
// row) and lists the access it would remove; Apply at its revision commits
// exactly that.
func TestWhatIfPreviewAndApplyOnPostgres(t *testing.T) {
	t.Parallel()
	w := newWhatIfOffice(t)
	head := w.head(t)
	d, err := w.k.Policy.Preview(w.ctx, w.remove(w.sam))
	require.NoError(t, err)
	assert.Equal(t, head, d.Revision)
	assert.Equal(t, head, w.head(t), "a dry run takes no revision")
	var lines []string
	for _, c := range d.Changes {
		lines = append(lines, c.String())
	}
	assert.Equal(t, []string{
		string(w.dossier) + " " + string(w.sam) + " view_dossier: -group_direct (group_direct → none)",
		string(w.dossier) + " " + string(w.sam) + " use_reports: -group_direct (group_direct → none)",
	}, lines)
	assert.True(t, w.sees(t, w.sam), "a dry run changed the state")

	rev, err := w.k.Policy.Apply(w.ctx, d, w.remove(w.sam))
	require.NoError(t, err)
	assert.Greater(t, rev, head)
	assert.False(t, w.sees(t, w.sam))
	assert.True(t, w.sees(t, w.bea))
}

// TestWhatIfConflictOnPostgres: an Apply bound to a revision that another
// command moved past is a conflict and commits nothing — also when the
// other commits race it: of several applies of previews taken at one
// revision, started together, exactly one commits.
func TestWhatIfConflictOnPostgres(t *testing.T) {
	t.Parallel()
	w := newWhatIfOffice(t)
	d, err := w.k.Policy.Preview(w.ctx, w.remove(w.sam))
	require.NoError(t, err)
	_, err = w.k.Policy.Apply(w.ctx, d, w.remove(w.bea)) // another command, bound to the same revision
	require.NoError(t, err)
	head := w.head(t)
	_, err = w.k.Policy.Apply(w.ctx, d, w.remove(w.sam))
	require.ErrorIs(t, err, cabinet.ErrConflict)
	assert.Equal(t, head, w.head(t), "a refused Apply committed")
	assert.True(t, w.sees(t, w.sam))

	// Racing: previews at one revision, then their applies and unbound
	// commands all at once; only one bound apply may commit.
	d, err = w.k.Policy.Preview(w.ctx, w.remove(w.sam))
	require.NoError(t, err)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[i] = w.k.Policy.Apply(w.ctx, d, func(ctx context.Context) (cabinet.Revision, error) {
				_, rev, err := w.k.Groups.CreateClientGroup(ctx, w.admin, w.office, "South "+string(rune('A'+i)), "")
				return rev, err
			})
		}()
		go func() {
			defer wg.Done()
			_, _, err := w.k.Groups.CreateCollaboratorGroup(w.ctx, w.admin, w.office, "Tax "+string(rune('A'+i)))
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	committed := 0
	for _, err := range errs {
		switch {
		case err == nil:
			committed++
		case !errors.Is(err, cabinet.ErrConflict):
			t.Errorf("apply: %v", err)
		}
	}
	assert.LessOrEqual(t, committed, 1, "two applies bound to one revision committed")
}

// TestWhatIfBoundUpdateRacesACommitOnPostgres: an Update bound to the head
// revision r (cabinet.AtRevision) stays open while another command tries to
// commit; the bound one commits only if nothing committed between its
// check and its commit — its revision is then r+1 — and the other commits
// after it. (Seen failing with the change log left unlocked: the other
// command committed r+1 inside the bound transaction, which then
// committed r+2 although the state had moved.)
func TestWhatIfBoundUpdateRacesACommitOnPostgres(t *testing.T) {
	t.Parallel()
	w := newWhatIfOffice(t)
	r := w.head(t)
	opened := make(chan struct{})
	var once sync.Once
	otherDone := make(chan cabinet.Revision, 1)
	go func() {
		<-opened
		_, rev, err := w.k.Groups.CreateCollaboratorGroup(w.ctx, w.admin, w.office, "Tax")
		assert.NoError(t, err)
		otherDone <- rev
	}()
	rev, err := w.store.UpdateClientGroups(cabinet.AtRevision(w.ctx, r), func(cw clientgroup.Writer) error {
		once.Do(func() { close(opened) })
		time.Sleep(300 * time.Millisecond) // the other command commits now, if it can
		return cw.Tx().Emit(cabinet.Batch{Actor: w.admin})
	})
	other := <-otherDone
	if err != nil {
		require.ErrorIs(t, err, cabinet.ErrConflict)
		return
	}
	assert.Equal(t, r+1, rev, "the bound update committed after another commit")
	assert.Greater(t, other, rev)
}
