package pgstore_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// domainEvents returns every event type of the five packages, each filled
// from seed (every field set, lists of two).
func domainEvents(seed int) []cabinet.Event {
	var out []cabinet.Event
	for _, e := range slices.Concat(team.EventTypes(), access.EventTypes(), clientgroup.EventTypes(),
		contact.EventTypes(), procedure.EventTypes()) {
		v := reflect.New(reflect.TypeOf(e)).Elem()
		fill(v, v.Type().Name(), seed)
		out = append(out, v.Interface().(cabinet.Event))
	}
	return out
}

// Every event of every package comes back from the change log as it was
// emitted: its type, every field, with the batch's actor, host and time
// (issue 14: "the command's events (as the host will receive them)").
func TestEventsComeBackAsEmitted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, pgtest.Pool(t, 2, nil))
	at := time.Date(2026, 5, 4, 3, 2, 1, 123456000, time.UTC)
	batches := []cabinet.Batch{
		{At: at, Actor: "u_1", Events: domainEvents(1)},
		{At: at.Add(time.Second), Host: "scheduler", Events: domainEvents(2)},
		{At: at, Actor: "u_2", Events: []cabinet.Event{team.TeamDeleted{}, access.GrantRevoked{}}}, // zero values: nil lists, zero times
	}
	var revs []cabinet.Revision
	for _, b := range batches {
		rev, err := s.UpdateTeams(ctx, func(w team.Writer) error { return w.Tx().Emit(b) })
		require.NoError(t, err)
		revs = append(revs, rev)
	}
	got := changes(t, s, 0)
	require.Len(t, got, len(batches))
	for i, c := range got {
		want := batches[i]
		want.Revision = revs[i]
		if diff := cmp.Diff(want, c.Batch); diff != "" {
			t.Errorf("batch %d (-emitted +read):\n%s", i, diff)
		}
	}
	assert.Greater(t, len(batches[0].Events), 90, "every package's events are covered")
}

// Tx.Emit refuses an event the change log could not give back: a type not
// registered under its name (WithEventTypes), or one holding text that
// PostgreSQL cannot store; the transaction then commits nothing.
func TestEmitRefusesWhatItCannotStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t, pgtest.Pool(t, 2, nil))
	for name, tc := range map[string]struct {
		events []cabinet.Event
		field  string
	}{
		"unregistered":       {[]cabinet.Event{team.UserCreated{}, storetest.Event{N: 1}}, "events[1]"},
		"impostor":           {[]cabinet.Event{otherEvent{}}, "events[0]"},
		"nil":                {[]cabinet.Event{nil}, "events[0]"},
		"NUL byte":           {[]cabinet.Event{team.UserCreated{DisplayName: "a\x00b"}}, "events[0].display_name"},
		"invalid UTF-8 text": {[]cabinet.Event{access.PersonAdded{Person: access.Person{Name: "\xff"}}}, "events[0].person.name"},
	} {
		t.Run(name, func(t *testing.T) {
			rev, err := s.UpdateTeams(ctx, func(w team.Writer) error {
				return w.Tx().Emit(cabinet.Batch{Host: "test", Events: tc.events})
			})
			assert.ErrorIs(t, err, cabinet.ErrInvalid)
			assert.Equal(t, tc.field, cabinet.FieldOf(err))
			assert.Zero(t, rev)
		})
	}
	head, err := s.Head(ctx)
	require.NoError(t, err)
	assert.Zero(t, head)
}

// An event this process cannot decode — emitted by a process that
// registers more types — comes back as a pgstore.RawEvent with its name
// and JSON, so that the log's readers are never stopped by it.
func TestUnknownEventsComeBackRaw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	newer := logged(t, pool)
	older := pgtest.Replica(t, newer, pool)
	_, err := newer.UpdateTeams(ctx, func(w team.Writer) error {
		return w.Tx().Emit(cabinet.Batch{Host: "test", Events: []cabinet.Event{storetest.Event{N: 7, Note: "x"}, team.UserCreated{User: "u"}}})
	})
	require.NoError(t, err)
	got := changes(t, older, 0)
	require.Len(t, got, 1)
	require.Len(t, got[0].Batch.Events, 2)
	raw, ok := got[0].Batch.Events[0].(pgstore.RawEvent)
	require.True(t, ok, "%T", got[0].Batch.Events[0])
	assert.Equal(t, "storetest.event", raw.EventName())
	var back storetest.Event
	require.NoError(t, json.Unmarshal(raw.Data, &back))
	assert.Equal(t, storetest.Event{N: 7, Note: "x"}, back)
	assert.Equal(t, team.UserCreated{User: "u"}, got[0].Batch.Events[1])
}
