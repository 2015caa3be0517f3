package cabinet_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
)

func TestErrorsMatchSentinels(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		sentinel error
		rule     string
		field    string
	}{
		{"not found", cabinet.NotFound("team", cabinet.TeamID("t1")), cabinet.ErrNotFound, "", ""},
		{"invalid", cabinet.Invalid("email", "is required"), cabinet.ErrInvalid, "", "email"},
		{"forbidden", cabinet.Forbidden("ACC-1", "only the manager"), cabinet.ErrForbidden, "ACC-1", ""},
		{"conflict", cabinet.Conflict("CON-7", "duplicate email"), cabinet.ErrConflict, "CON-7", ""},
		{"wrapped forbidden", fmt.Errorf("grant: %w", cabinet.Forbidden("ACC-6", "irrevocable")), cabinet.ErrForbidden, "ACC-6", ""},
	}
	all := []error{cabinet.ErrNotFound, cabinet.ErrInvalid, cabinet.ErrForbidden, cabinet.ErrConflict}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range all {
				assert.Equal(t, s == tt.sentinel, errors.Is(tt.err, s), "errors.Is(%v, %v)", tt.err, s)
			}
			assert.Equal(t, tt.rule, cabinet.RuleOf(tt.err))
			assert.Equal(t, tt.field, cabinet.FieldOf(tt.err))
		})
	}
	var nf *cabinet.NotFoundError
	require.ErrorAs(t, cabinet.NotFound("user", cabinet.UserID("u9")), &nf)
	assert.Equal(t, "user", nf.Kind)
	assert.Equal(t, "u9", nf.ID)
	assert.Equal(t, `cabinet: forbidden: only the manager (ACC-1)`, cabinet.Forbidden("ACC-1", "only the manager").Error())
}

func TestParseEmail(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"alice@example.com", "alice@example.com", true},
		{"  Alice@Example.COM ", "Alice@example.com", true},
		{"a.b+tag@sub.example.org", "a.b+tag@sub.example.org", true},
		{"", "", false},
		{"   ", "", false},
		{"alice", "", false},
		{"alice@", "", false},
		{"@example.com", "", false},
		{"alice@localhost", "", false},
		{"Alice <alice@example.com>", "", false},
		{"<alice@example.com>", "", false},
		{"alice@example..com", "", false},
		{"alice@.example.com", "", false},
		{"al ice@example.com", "", false},
		{"alice@example.com.", "", false},
		{strings.Repeat("a", 250) + "@example.com", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := cabinet.ParseEmail("email", tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, cabinet.ErrInvalid)
				assert.Equal(t, "email", cabinet.FieldOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"alice@example.com", " Bob@EXAMPLE.org", "x@y", "\"q\"@a.b", "a@b.c\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cabinet.ParseEmail("email", s)
		if err != nil {
			if !errors.Is(err, cabinet.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		again, err := cabinet.ParseEmail("email", got)
		if err != nil || again != got {
			t.Fatalf("normalised %q re-parsed as %q, %v", got, again, err)
		}
	})
}

func TestParseEmailIsIdempotentProperty(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	properties := gopter.NewProperties(params)
	local := gen.RegexMatch(`[A-Za-z0-9._+-]{1,12}`)
	domain := gen.RegexMatch(`[A-Za-z0-9-]{1,8}\.[A-Za-z]{2,4}`)
	properties.Property("accepted addresses are normalised once", prop.ForAll(
		func(l, d string) bool {
			got, err := cabinet.ParseEmail("email", l+"@"+d)
			if err != nil {
				return true // some generated locals (leading dot) are invalid; fine
			}
			again, err := cabinet.ParseEmail("email", got)
			return err == nil && again == got && cabinet.EqualEmails(got, l+"@"+d)
		}, local, domain))
	properties.TestingRun(t)
}

func TestParseName(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"trimmed", "  Smith family  ", "Smith family", true},
		{"blank", "  \t", "", false},
		{"control", "a\x01b", "", false},
		{"too long", strings.Repeat("é", cabinet.MaxNameLength+1), "", false},
		{"max length", strings.Repeat("é", cabinet.MaxNameLength), strings.Repeat("é", cabinet.MaxNameLength), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseName("name", tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, cabinet.ErrInvalid)
				assert.Equal(t, "name", cabinet.FieldOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestEnums(t *testing.T) {
	for _, p := range []cabinet.Profile{cabinet.ProfileAdmin, cabinet.ProfileStandard} {
		got, err := cabinet.ParseProfile(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)
		assert.True(t, p.Valid())
	}
	assert.False(t, cabinet.ProfileInvalid.Valid())
	_, err := cabinet.ParseProfile("root")
	assert.ErrorIs(t, err, cabinet.ErrInvalid)
	for _, s := range []cabinet.DossierStatus{cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierArchived} {
		got, err := cabinet.ParseDossierStatus(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	assert.False(t, cabinet.DossierStatusInvalid.Valid())
	assert.Equal(t, "DossierStatus(9)", cabinet.DossierStatus(9).String())
}

func TestSequentialIDsAreUniqueUnderConcurrency(t *testing.T) {
	var ids cabinet.SequentialIDs
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				id := cabinet.NewID[cabinet.TeamID](&ids, "team")
				mu.Lock()
				if seen[string(id)] {
					t.Errorf("duplicate %s", id)
				}
				seen[string(id)] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, 800)
	r1, r2 := cabinet.RandomIDs{}.NewID("u"), cabinet.RandomIDs{}.NewID("u")
	assert.NotEqual(t, r1, r2)
	assert.True(t, strings.HasPrefix(r1, "u_"))
}

type named string

func (n named) EventName() string { return string(n) }

// emitTx is a writable cabinet.Tx that keeps what it is given to emit.
type emitTx struct{ emitted []cabinet.Batch }

func (*emitTx) Revision() cabinet.Revision { return 0 }
func (*emitTx) Writable() bool             { return true }
func (t *emitTx) Emit(b cabinet.Batch) error {
	t.emitted = append(t.emitted, b)
	return nil
}

// Options.Emit records a command's events as one batch in its transaction
// (SPEC §3 invariant 13: the store writes it in its change log), at the
// clock's time, naming the actor or the host; without events it records
// nothing.
func TestOptionsEmitAndEventLog(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := cabinet.NewManualClock(start)
	o := cabinet.NewOptions(cabinet.WithClock(clock))
	tx := &emitTx{}
	require.NoError(t, o.Emit(tx, "u1")) // no events: nothing emitted
	require.NoError(t, o.EmitHost(tx, "billing"))
	assert.Empty(t, tx.emitted)
	clock.Advance(time.Hour)
	require.NoError(t, o.Emit(tx, "u1", named("a.one"), named("a.two")))
	require.NoError(t, o.EmitHost(tx, "billing", named("a.three")))
	want := []cabinet.Batch{
		{At: start.Add(time.Hour), Actor: "u1", Events: []cabinet.Event{named("a.one"), named("a.two")}},
		{At: start.Add(time.Hour), Host: "billing", Events: []cabinet.Event{named("a.three")}},
	}
	if diff := cmp.Diff(want, tx.emitted); diff != "" {
		t.Fatalf("batches (-want +got):\n%s", diff)
	}

	var log cabinet.EventLog
	for i, b := range want {
		b.Revision = cabinet.Revision(i + 1)
		log.Publish(context.Background(), b)
	}
	assert.Equal(t, []string{"a.one", "a.two", "a.three"}, log.Names())
	assert.Len(t, log.Batches(), 2)
	log.Reset()
	assert.Empty(t, log.Events())

	d := cabinet.NewOptions()
	assert.IsType(t, cabinet.SystemClock{}, d.Clock)
	assert.IsType(t, cabinet.RandomIDs{}, d.IDs)
}

func TestMultiSinkPublishesToEverySink(t *testing.T) {
	var a, b cabinet.EventLog
	sink := cabinet.MultiSink{&a, &b}
	sink.Publish(context.Background(), cabinet.Batch{Revision: 1, Events: []cabinet.Event{named("x.y")}})
	assert.Equal(t, []string{"x.y"}, a.Names())
	assert.Equal(t, []string{"x.y"}, b.Names())
}

func TestAllFollowsCursors(t *testing.T) {
	data := []string{"a", "b", "c", "d", "e"}
	calls := 0
	list := func(_ context.Context, p cabinet.Page) ([]string, cabinet.Cursor, error) {
		calls++
		start := 0
		for i, s := range data {
			if cabinet.Cursor(s) == p.After {
				start = i + 1
			}
		}
		end := min(start+2, len(data))
		next := cabinet.Cursor("")
		if end < len(data) {
			next = cabinet.Cursor(data[end-1])
		}
		return data[start:end], next, nil
	}
	got, err := cabinet.All(context.Background(), list)
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.Equal(t, 3, calls)

	boom := errors.New("boom")
	_, err = cabinet.All(context.Background(), func(context.Context, cabinet.Page) ([]string, cabinet.Cursor, error) { return nil, "", boom })
	assert.ErrorIs(t, err, boom)
}

// The page contract every listing shares: zero is the default size, the
// maximum clamps, a negative limit names the field.
func TestPageSize(t *testing.T) {
	for _, tc := range []struct {
		limit, want int
	}{{0, cabinet.DefaultPageSize}, {1, 1}, {cabinet.MaxPageSize, cabinet.MaxPageSize}, {cabinet.MaxPageSize + 1, cabinet.MaxPageSize}} {
		got, err := cabinet.Page{Limit: tc.limit}.Size()
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "limit %d", tc.limit)
	}
	_, err := cabinet.Page{Limit: -1}.Size()
	assert.Equal(t, "limit", cabinet.FieldOf(err))
}
