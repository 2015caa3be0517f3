package bulk_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
)

// withExpiries is practice() with issue 16's expiries: the advisor's grant
// and the direct assignment expire after the import's clock.
func withExpiries() []bulk.Record {
	recs := practice()
	for i, r := range recs {
		switch x := r.(type) {
		case bulk.DirectAssignment:
			x.ExpiresAt = epoch.Add(48 * time.Hour)
			recs[i] = x
		case bulk.Grant:
			if x.Advisor != "" {
				x.ExpiresAt = epoch.Add(72 * time.Hour)
				recs[i] = x
			}
		}
	}
	return recs
}

// Issue 16 (ACC-10, GRP-3): an advisor's grant's and a direct assignment's
// expiry is imported, exported, and round-trips through JSON lines.
func TestACC10GRP3ExpiriesRoundTrip(t *testing.T) {
	s := load(t, withExpiries()...)
	got := dump(t, s)
	found := 0
	for _, r := range got {
		switch x := r.(type) {
		case bulk.DirectAssignment:
			require.Equal(t, epoch.Add(48*time.Hour), x.ExpiresAt, "%+v", x)
			found++
		case bulk.Grant:
			want := time.Time{}
			if x.Advisor != "" {
				want = epoch.Add(72 * time.Hour)
			}
			require.Equal(t, want, x.ExpiresAt, "%+v", x)
			found++
		}
	}
	require.Equal(t, 3, found)
	var buf bytes.Buffer
	_, err := bulk.WriteLines(&buf, bulk.Stream(got...))
	require.NoError(t, err)
	require.Contains(t, buf.String(), `"expires_at":"2026-03-04T09:00:00Z"`)
	var back []bulk.Record
	for r, err := range bulk.ReadLines(&buf) {
		require.NoError(t, err)
		back = append(back, r)
	}
	if d := cmp.Diff(got, back); d != "" {
		t.Fatalf("JSON lines changed the records (-exported +read):\n%s", d)
	}
	// Another store loaded from the export holds the same records.
	if d := cmp.Diff(got, dump(t, load(t, back...))); d != "" {
		t.Fatalf("re-import (-first +second):\n%s", d)
	}
}

// Issue 16: a person's grant has no expiry (invalid expires_at).
func TestACC10PersonGrantExpiryRefused(t *testing.T) {
	checkRefusals(t, []refusal{
		{"a person's grant with an expiry", bulk.Grant{ID: "gr_9", Person: "p_2", Email: "dana@home.example", Phone: "+33622222222", Level: access.LevelReadOnly, ExpiresAt: epoch.Add(time.Hour)}, cabinet.ErrInvalid, "", "expires_at"},
	})
}

// Issue 16: an expiry already past at the import's clock is imported as
// it was exported — an expired advisor's grant, an expired direct
// assignment — so that the export of a state holding expired access
// imports again (import(export(s)) = s); the services alone refuse a past
// expiry on a new grant or assignment.
func TestACC10GRP3ExpiredAccessReimports(t *testing.T) {
	var recs []bulk.Record
	for _, r := range withExpiries() {
		switch x := r.(type) {
		case bulk.Grant:
			if x.Advisor != "" {
				x.ExpiresAt = epoch.Add(-time.Hour)
			}
			r = x
		case bulk.DirectAssignment:
			x.ExpiresAt = epoch
			r = x
		}
		recs = append(recs, r)
	}
	got := dump(t, load(t, recs...))
	expired := 0
	for _, r := range got {
		switch x := r.(type) {
		case bulk.Grant:
			if x.Advisor != "" {
				require.Equal(t, epoch.Add(-time.Hour), x.ExpiresAt)
				expired++
			}
		case bulk.DirectAssignment:
			require.Equal(t, epoch, x.ExpiresAt)
			expired++
		}
	}
	require.Positive(t, expired)
	if d := cmp.Diff(got, dump(t, load(t, got...))); d != "" {
		t.Fatalf("re-import (-first +second):\n%s", d)
	}
}
