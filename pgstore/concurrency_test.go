package pgstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

// These tests run real commands, through the services, as concurrent
// PostgreSQL transactions, and check every outcome against the rule: one
// of the two commands fails naming the rule, or the committed history is
// one in which the rule held — the command that succeeded was serialized
// before the other (its snapshot did not hold the other's commit). A
// command that decided on a fact read outside its transaction, or on a
// snapshot that already held the other command, and still committed, fails
// them.

// office is a small office over a fresh pgstore: an admin, a standard
// collaborator managing an activated dossier with a child in its tree, and
// a client group.
type office struct {
	store   *pgstore.Store
	kit     *kit.Kit
	opts    []cabinet.Option
	admin   cabinet.UserID
	mgr     cabinet.UserID
	id      cabinet.OfficeID
	dossier cabinet.DossierID
	other   cabinet.DossierID // a second activated dossier, moved with the first
	child   access.PersonID
	group   cabinet.ClientGroupID
}

func newOffice(t *testing.T) *office {
	t.Helper()
	ctx := context.Background()
	s := pgtest.Store(t, pgtest.Pool(t, 6, nil))
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	opts := []cabinet.Option{cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.RandomIDs{})}
	k, err := kit.New(ctx, s, kit.WithClock(clock), kit.WithIDs(&cabinet.RandomIDs{}))
	require.NoError(t, err)
	o := &office{store: s, kit: k, opts: opts}
	admin, _, err := k.Teams.CreateUser(ctx, "signup", "Ann", "ann@o.example")
	require.NoError(t, err)
	mgr, _, err := k.Teams.CreateUser(ctx, "signup", "Max", "max@o.example")
	require.NoError(t, err)
	o.admin, o.mgr = admin.ID, mgr.ID
	of, _, err := k.Groups.CreateOffice(ctx, o.admin, "Office", "office@o.example")
	require.NoError(t, err)
	o.id = of.ID
	_, _, err = k.Groups.AddCollaborator(ctx, o.admin, o.id, o.mgr, cabinet.ProfileStandard)
	require.NoError(t, err)
	g, _, err := k.Groups.CreateClientGroup(ctx, o.admin, o.id, "Estates", "")
	require.NoError(t, err)
	o.group = g.ID
	activated := func() cabinet.DossierID {
		d, _, err := k.Access.CreateDossier(ctx, o.mgr, o.id, "Family")
		require.NoError(t, err)
		_, _, err = k.Access.SetStatus(ctx, o.mgr, d.ID, cabinet.DossierActivated)
		require.NoError(t, err)
		return d.ID
	}
	o.dossier, o.other = activated(), activated()
	child, _, err := k.Access.AddPerson(ctx, o.mgr, o.dossier, access.PersonInput{Name: "Léa", Relation: access.RelationChild})
	require.NoError(t, err)
	o.child = child.ID
	return o
}

// snapshots wraps the store so that the snapshot revision of every
// Update… attempt of the wrapped packages is recorded (read first thing, so
// the snapshot is taken when the function starts); last is the revision
// of the last attempt's snapshot, the one that committed if any did.
type snapshots struct {
	*pgstore.Store
	last atomic.Int64
}

func (s *snapshots) UpdateAccess(ctx context.Context, fn func(access.Writer) error) (cabinet.Revision, error) {
	return s.Store.UpdateAccess(ctx, func(w access.Writer) error {
		s.last.Store(int64(w.Tx().Revision()))
		return fn(w)
	})
}

func (s *snapshots) UpdateClientGroups(ctx context.Context, fn func(clientgroup.Writer) error) (cabinet.Revision, error) {
	return s.Store.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		s.last.Store(int64(w.Tx().Revision()))
		return fn(w)
	})
}

// result is a command's outcome.
type result struct {
	rev cabinet.Revision
	err error
}

// interleave runs command (whose fact read pauses it: paused is closed
// then, and it waits for resume) and other, in the interleaving of run: 0
// other starts while command is paused inside its transaction; 1 other
// commits first, then command runs; 2 both start at once (the pause is
// skipped). It returns both outcomes.
func interleave(run int, paused, resume chan struct{}, command, other func() result) (cmd, oth result) {
	cmdDone, othDone := make(chan result, 1), make(chan result, 1)
	switch run % 3 {
	case 0:
		go func() { cmdDone <- command() }()
		<-paused // command holds its snapshot of the fact
		go func() { othDone <- other() }()
		select {
		case oth = <-othDone: // other did not wait for command: it commits first
		case <-time.After(300 * time.Millisecond): // other waits on command's locks
		}
		close(resume)
	case 1:
		close(resume)
		oth = other()
		go func() { cmdDone <- command() }()
	case 2:
		close(resume)
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Go(func() { <-start; cmdDone <- command() })
		wg.Go(func() { <-start; othDone <- other() })
		close(start)
		wg.Wait()
	}
	cmd = <-cmdDone
	if oth.rev == 0 && oth.err == nil {
		oth = <-othDone
	}
	return cmd, oth
}

// GRP-11 on PostgreSQL: a manager removed from the office while granting
// never commits a grant decided on a state that held the removal. Either
// the grant is refused (ACC-1: the manager is gone, or no longer the
// dossier's manager) and absent, having seen the removal, or it committed
// from a snapshot taken before the removal committed — serialized before
// it, when the manager still managed the dossier.
func TestGRP11ManagerRemovedWhileGrantingOnPostgres(t *testing.T) {
	t.Parallel()
	runs := 9
	if testing.Short() {
		runs = 3
	}
	var refused, granted int
	for i := range runs {
		o := newOffice(t)
		ctx := context.Background()
		paused, resume := make(chan struct{}), make(chan struct{})
		dossiers := access.NewFacts(o.store)
		groups := clientgroup.NewFacts(o.store, dossiers)
		hook := &pausingProfile{Directory: groups, user: o.mgr, paused: paused, resume: resume}
		snaps := &snapshots{Store: o.store}
		svc := access.NewService(snaps, hook, team.NewFacts(o.store, groups, dossiers), o.opts...)
		cmd, rm := interleave(i, paused, resume,
			func() result {
				_, rev, err := svc.GrantPerson(ctx, o.mgr, o.child, access.GrantInput{Email: "lea@f.example", Phone: "0612345678", Level: access.LevelReadWrite})
				return result{rev, err}
			},
			func() result {
				rev, err := o.kit.Groups.RemoveCollaborator(ctx, o.admin, o.id, o.mgr)
				return result{rev, err}
			})
		require.NoError(t, rm.err, "run %d: the removal", i)
		snap := cabinet.Revision(snaps.last.Load())
		var found bool
		require.NoError(t, o.store.ViewAccess(ctx, func(r access.Reader) error {
			_, err := r.GrantOfPerson(ctx, o.child)
			found = err == nil
			return nil
		}))
		if cmd.err == nil {
			granted++
			assert.True(t, found, "run %d: the grant committed but is not stored", i)
			assert.Less(t, snap, rm.rev, "run %d: the grant committed from a snapshot at %d that held the removal at %d", i, snap, rm.rev)
			continue
		}
		refused++
		assert.Equal(t, "ACC-1", cabinet.RuleOf(cmd.err), "run %d: %v", i, cmd.err)
		assert.False(t, found, "run %d: a refused grant is stored", i)
		assert.GreaterOrEqual(t, snap, rm.rev, "run %d: refused without having seen the removal", i)
	}
	t.Logf("%d runs: %d granted before the removal, %d refused after it", runs, granted, refused)
}

// pausingProfile signals paused (once) when the profile of user is read in
// a command's transaction, and waits for resume before answering.
type pausingProfile struct {
	access.Directory
	user   cabinet.UserID
	paused chan struct{}
	resume chan struct{}
	once   sync.Once
}

func (d *pausingProfile) Profile(ctx context.Context, tx cabinet.Tx, o cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	p, err := d.Directory.Profile(ctx, tx, o, u)
	if u == d.user {
		d.once.Do(func() { close(d.paused); <-d.resume })
	}
	return p, err
}

// ACC-12 on PostgreSQL: a dossier archived while it is being placed never
// ends up placed by a command that saw it archived. Either the placement
// is refused (ACC-12) and absent, having seen the archive, or it committed
// from a snapshot taken before the archive committed — serialized before
// it, when the dossier was still activated.
func TestACC12ArchivedWhilePlacedOnPostgres(t *testing.T) {
	t.Parallel()
	runs := 9
	if testing.Short() {
		runs = 3
	}
	var refused, placed int
	for i := range runs {
		o := newOffice(t)
		ctx := context.Background()
		paused, resume := make(chan struct{}), make(chan struct{})
		dossiers := access.NewFacts(o.store)
		hook := &pausingDossier{Facts: dossiers, dossier: o.dossier, paused: paused, resume: resume}
		snaps := &snapshots{Store: o.store}
		svc := clientgroup.NewService(snaps, team.NewFacts(o.store, clientgroup.NewFacts(o.store, dossiers), dossiers), hook, o.opts...)
		cmd, ar := interleave(i, paused, resume,
			func() result {
				rev, err := svc.MoveDossiers(ctx, o.admin, []cabinet.DossierID{o.other, o.dossier}, o.group)
				return result{rev, err}
			},
			func() result {
				_, rev, err := o.kit.Access.SetStatus(ctx, o.mgr, o.dossier, cabinet.DossierArchived)
				return result{rev, err}
			})
		require.NoError(t, ar.err, "run %d: the archive", i)
		snap := cabinet.Revision(snaps.last.Load())
		var placement, other error
		require.NoError(t, o.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
			_, placement = r.Placement(ctx, o.dossier)
			_, other = r.Placement(ctx, o.other)
			return nil
		}))
		if cmd.err == nil {
			placed++
			assert.NoError(t, placement, "run %d: the placement committed but is not stored", i)
			assert.NoError(t, other, "run %d", i)
			assert.Less(t, snap, ar.rev, "run %d: the placement committed from a snapshot at %d that held the archive at %d", i, snap, ar.rev)
			continue
		}
		refused++
		assert.ErrorIs(t, cmd.err, cabinet.ErrConflict, "run %d", i)
		assert.Equal(t, "ACC-12", cabinet.RuleOf(cmd.err), "run %d: %v", i, cmd.err)
		assert.ErrorIs(t, placement, cabinet.ErrNotFound, "run %d: a refused placement is stored", i)
		assert.ErrorIs(t, other, cabinet.ErrNotFound, "run %d: a refused batch placed part of it", i)
		assert.GreaterOrEqual(t, snap, ar.rev, "run %d: refused without having seen the archive", i)
	}
	t.Logf("%d runs: %d placed before the archive, %d refused after it", runs, placed, refused)
}

// pausingDossier signals paused (once) when the facts of dossier are read
// in a command's transaction, and waits for resume before answering.
type pausingDossier struct {
	*access.Facts
	dossier cabinet.DossierID
	paused  chan struct{}
	resume  chan struct{}
	once    sync.Once
}

func (d *pausingDossier) DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	f, err := d.Facts.DossierFacts(ctx, tx, id)
	if id == d.dossier {
		d.once.Do(func() { close(d.paused); <-d.resume })
	}
	return f, err
}

// A service command whose transaction PostgreSQL aborts with a
// serialization failure runs again and commits exactly once: two managers'
// edits of one person of the tree, the first paused inside its transaction
// (after reading the person) while the second commits. The first's write
// then conflicts (SQLSTATE 40001), the store re-runs its function, which
// reads the second's edit and writes over it: both commands succeed, each
// commits one revision and publishes one batch, and the last write wins.
func TestServiceCommandRetriedCommitsOnce(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	ctx := context.Background()
	paused, resume := make(chan struct{}), make(chan struct{})
	dossiers := access.NewFacts(o.store)
	groups := clientgroup.NewFacts(o.store, dossiers)
	hook := &countingProfile{pausingProfile: pausingProfile{Directory: groups, user: o.mgr, paused: paused, resume: resume}}
	svc := access.NewService(&snapshots{Store: o.store}, hook, team.NewFacts(o.store, groups, dossiers), o.opts...)
	before, err := o.store.Revision(ctx)
	require.NoError(t, err)

	first := make(chan result, 1)
	go func() {
		_, rev, err := svc.EditPerson(ctx, o.mgr, o.child, access.PersonInput{Name: "Léa first", Relation: access.RelationChild})
		first <- result{rev, err}
	}()
	<-paused
	_, secondRev, err := o.kit.Access.EditPerson(ctx, o.mgr, o.child, access.PersonInput{Name: "Léa second", Relation: access.RelationChild})
	require.NoError(t, err)
	close(resume)
	a := <-first
	require.NoError(t, a.err)

	assert.GreaterOrEqual(t, hook.calls.Load(), int32(2), "the first command's function ran again after the conflict")
	assert.Equal(t, before+1, secondRev)
	assert.Equal(t, before+2, a.rev, "each command committed one revision")
	after, err := o.store.Revision(ctx)
	require.NoError(t, err)
	assert.Equal(t, a.rev, after)
	// The commands' batches are in the store's change log (services emit
	// them in their transaction, issue 14).
	changes, ok := any(o.store).(cabinet.ChangeLog)
	require.True(t, ok, "pgstore.Store keeps no change log (cabinet.ChangeLog) yet")
	var batches []cabinet.Batch
	for c, err := range changes.Changes(ctx, secondRev) {
		require.NoError(t, err)
		batches = append(batches, c.Batch)
	}
	require.Len(t, batches, 1, "the retried command published once")
	assert.Equal(t, a.rev, batches[0].Revision)
	require.Len(t, batches[0].Events, 1)
	ev, ok := batches[0].Events[0].(access.PersonEdited)
	require.True(t, ok, "%T", batches[0].Events[0])
	assert.Equal(t, "Léa first", ev.Person.Name)
	require.NoError(t, o.store.ViewAccess(ctx, func(r access.Reader) error {
		p, err := r.Person(ctx, o.child)
		require.NoError(t, err)
		assert.Equal(t, "Léa first", p.Name, "the re-run wrote after the second command")
		return nil
	}))
}

// countingProfile is pausingProfile counting the reads of user's profile.
type countingProfile struct {
	pausingProfile
	calls atomic.Int32
}

func (d *countingProfile) Profile(ctx context.Context, tx cabinet.Tx, o cabinet.OfficeID, u cabinet.UserID) (cabinet.Profile, error) {
	if u == d.user {
		d.calls.Add(1)
	}
	return d.pausingProfile.Profile(ctx, tx, o, u)
}
