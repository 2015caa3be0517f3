package pgstore_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/team"
)

// The table-backed delivery cursor: 0 until saved, never moved back, one
// position per name, saved in a statement of its own or in the host's
// transaction (committed with it, or not at all), dropped on demand.
func TestDeliveryCursorTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	s := pgtest.Store(t, pool)
	mailer, outbox := s.DeliveryCursor("mailer"), s.DeliveryCursor("outbox")
	load := func(c *pgstore.Cursor) cabinet.Revision {
		t.Helper()
		rev, err := c.Load(ctx)
		require.NoError(t, err)
		return rev
	}
	assert.Zero(t, load(mailer))
	require.NoError(t, mailer.Save(ctx, 5))
	require.NoError(t, mailer.Save(ctx, 3))
	assert.Equal(t, cabinet.Revision(5), load(mailer), "a cursor never moves back")
	assert.Zero(t, load(outbox))

	// In the host's transaction: rolled back with it, or committed with it.
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, outbox.SaveTx(ctx, tx, 9))
	rev, err := outbox.LoadTx(ctx, tx)
	require.NoError(t, err)
	assert.Equal(t, cabinet.Revision(9), rev)
	require.NoError(t, tx.Rollback(ctx))
	assert.Zero(t, load(outbox))
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.SaveTx(ctx, tx, 9) }))
	assert.Equal(t, cabinet.Revision(9), load(outbox))

	// Another process (store) over the schema shares the position.
	assert.Equal(t, cabinet.Revision(9), func() cabinet.Revision {
		rev, err := pgtest.Replica(t, s, pool).DeliveryCursor("outbox").Load(ctx)
		require.NoError(t, err)
		return rev
	}())

	require.NoError(t, outbox.Drop(ctx))
	assert.Zero(t, load(outbox))

	for _, name := range []string{"", "a\x00b", "\xff"} {
		c := s.DeliveryCursor(name)
		_, err := c.Load(ctx)
		assert.Equal(t, "name", cabinet.FieldOf(err), "%q", name)
		assert.Equal(t, "name", cabinet.FieldOf(c.Save(ctx, 1)), "%q", name)
		assert.Equal(t, "name", cabinet.FieldOf(c.Drop(ctx)), "%q", name)
	}
	assert.Equal(t, "tx", cabinet.FieldOf(mailer.SaveTx(ctx, nil, 1)))
}

// A Delivery over the table-backed cursor resumes where the last one,
// in any process, stopped.
func TestDeliveryResumesFromTheTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	s := logged(t, pool)
	commit := commitUser(s)
	for n := 1; n <= 3; n++ {
		_, err := commit(ctx, n, n != 2, false)
		require.NoError(t, err)
	}
	var first cabinet.EventLog
	at, err := cabinet.NewDelivery(s, s.DeliveryCursor("host"), &first).Drain(ctx)
	require.NoError(t, err)
	assert.Equal(t, cabinet.Revision(3), at)
	assert.Len(t, first.Batches(), 2, "the change that emitted nothing hands over no batch")

	r := replica(t, s)
	var second cabinet.EventLog
	d := cabinet.NewDelivery(r, r.DeliveryCursor("host"), &second)
	_, err = d.Drain(ctx)
	require.NoError(t, err)
	assert.Empty(t, second.Batches(), "nothing is delivered twice")
	r4, err := commit(ctx, 4, true, false)
	require.NoError(t, err)
	_, err = d.Drain(ctx)
	require.NoError(t, err)
	require.Len(t, second.Batches(), 1)
	assert.Equal(t, r4, second.Batches()[0].Revision)
}

// The environment of TestDeliverySurvivesSIGKILL's child processes.
const (
	childEnv  = "CABINET_PGSTORE_SIGKILL_CHILD" // "commit" or "deliver"
	schemaEnv = "CABINET_PGSTORE_SIGKILL_SCHEMA"
)

// SPEC §3 invariant 13, "nothing committed is lost": a process commits a
// command and is killed with SIGKILL right after the commit, before
// anything delivers its events; a restarted process delivers them from the
// cursor the host persists, and does not deliver again what was delivered
// before.
func TestDeliverySurvivesSIGKILL(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "commit":
		sigkillCommitChild(t)
		return
	case "deliver":
		sigkillDeliverChild(t)
		return
	}
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	s := pgtest.Store(t, pool)

	// Before: one batch, delivered, its revision saved.
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		return w.Tx().Emit(cabinet.Batch{Host: "signup", Events: []cabinet.Event{team.UserCreated{User: "u_before"}}})
	})
	require.NoError(t, err)
	at, err := cabinet.NewDelivery(s, s.DeliveryCursor("host"), &cabinet.EventLog{}).Drain(ctx)
	require.NoError(t, err)

	child := func(mode string) (*exec.Cmd, []byte, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDeliverySurvivesSIGKILL$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), childEnv+"="+mode, schemaEnv+"="+s.Schema())
		out, err := cmd.CombinedOutput()
		return cmd, out, err
	}
	cmd, out, err := child("commit")
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the committing child: %s", out)
	status, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, status.Signaled() && status.Signal() == syscall.SIGKILL, "the child was not killed by SIGKILL: %v\n%s", cmd.ProcessState, out)
	head, err := s.Head(ctx)
	require.NoError(t, err)
	require.Greater(t, head, at, "the child's command committed")
	saved, err := s.DeliveryCursor("host").Load(ctx)
	require.NoError(t, err)
	require.Equal(t, at, saved, "nothing delivered the child's batch")

	_, out, err = child("deliver")
	require.NoError(t, err, "the delivering child: %s", out)
	var delivered []string
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		if line, ok := strings.CutPrefix(sc.Text(), "delivered: "); ok {
			delivered = append(delivered, line)
		}
	}
	assert.Equal(t, []string{fmt.Sprintf("%d signup team.user_created u_killed", head)}, delivered,
		"the killed child's batch, and only it, is delivered after the restart")
	saved, err = s.DeliveryCursor("host").Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, head, saved)
}

// sigkillStore opens the parent's schema from a child process.
func sigkillStore(t *testing.T) *pgstore.Store {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := pgstore.New(ctx, pgtest.Pool(t, 2, nil), pgstore.WithSchema(os.Getenv(schemaEnv)))
	require.NoError(t, err)
	return s
}

// sigkillCommitChild commits a command that emits a batch and kills its own
// process, with SIGKILL, in the first commit hook — before any delivery a
// host would wire after it.
func sigkillCommitChild(t *testing.T) {
	s := sigkillStore(t)
	s.OnCommit(func(cabinet.Revision) { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) })
	var log cabinet.EventLog
	d := cabinet.NewDelivery(s, s.DeliveryCursor("host"), &log)
	s.OnCommit(func(cabinet.Revision) { _, _ = d.Drain(context.Background()) })
	_, err := s.UpdateTeams(context.Background(), func(w team.Writer) error {
		if err := w.PutUser(context.Background(), cabinet.User{ID: "u_killed", DisplayName: "K", Email: "k@example.com"}); err != nil {
			return err
		}
		return w.Tx().Emit(cabinet.Batch{Host: "signup", Events: []cabinet.Event{team.UserCreated{User: "u_killed"}}})
	})
	t.Fatalf("the commit returned (%v): the child was not killed", err)
}

// sigkillDeliverChild delivers from the persisted cursor, printing each
// event it hands over.
func sigkillDeliverChild(t *testing.T) {
	s := sigkillStore(t)
	_, err := cabinet.NewDelivery(s, s.DeliveryCursor("host"), printer{}).Drain(context.Background())
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// printer prints every event it is given, one line each.
type printer struct{}

func (printer) Publish(_ context.Context, b cabinet.Batch) {
	for _, e := range b.Events {
		fmt.Printf("delivered: %d %s %s %s\n", b.Revision, b.Host, e.EventName(), e.(team.UserCreated).User)
	}
}
