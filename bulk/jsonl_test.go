package bulk_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/bulk"
)

var update = flag.Bool("update", false, "rewrite testdata/practice.jsonl")

// TestJSONLinesGolden: the export of practice() in JSON lines is
// testdata/practice.jsonl (the format's worked example), and reading it
// back gives the same records.
func TestJSONLinesGolden(t *testing.T) {
	recs := dump(t, load(t, practice()...))
	var buf bytes.Buffer
	n, err := bulk.WriteLines(&buf, bulk.Stream(recs...))
	require.NoError(t, err)
	assert.Equal(t, len(recs), n)
	golden := filepath.Join("testdata", "practice.jsonl")
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())
	back, err := collect(bulk.ReadLines(bytes.NewReader(want)))
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(recs, back))
	// And the file imports into the same state.
	s := newStore()
	_, err = newImporter(s).Import(context.Background(), host, bulk.ReadLines(bytes.NewReader(want)))
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(recs, dump(t, s)))
}

// TestReadLinesErrors: a line that cannot be read is a *RecordError naming
// its position (line Index+1) and the field; Import writes nothing of its
// batch.
func TestReadLinesErrors(t *testing.T) {
	ok := `{"user":{"id":"u_1","display_name":"Ann","email":"ann@example.com"}}`
	cases := []struct {
		name  string
		line  string
		field string
	}{
		{"blank line", "  ", "line"},
		{"not JSON", "user u_2", "record"},
		{"not an object", `["user"]`, "record"},
		{"unknown kind", `{"robot":{"id":"r"}}`, "kind"},
		{"two kinds", `{"user":{"id":"u_2","display_name":"B","email":"b@example.com"},"office":{}}`, "record"},
		{"unknown field", `{"dossier":{"id":"d","office":"o","name":"D","status":"draft","manger":"u_1"}}`, "manger"},
		{"unknown field of a plain record", `{"member":{"group":"k","user":"u","role":"admin"}}`, "role"},
		{"bad enum", `{"dossier":{"id":"d","office":"o","name":"D","status":"closed"}}`, "status"},
		{"missing enum", `{"collaborator":{"office":"o","user":"u"}}`, "profile"},
		{"bad consent", `{"consent":{"dossier":"d","state":"maybe"}}`, "state"},
		{"bad role", `{"team":{"id":"t","name":"T","lead":"u","members":[{"user":"u","role":"boss"}]}}`, "role"},
		{"wrong type", `{"grant":{"id":"g","person":"p","level":"read_only","reminders":"two"}}`, "reminders"},
		{"text after", ok + ` {}`, "record"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			input := ok + "\n" + ok + "\r\n" + c.line + "\n" + ok + "\n"
			var got []bulk.Record
			var err error
			for r, e := range bulk.ReadLines(strings.NewReader(input)) {
				if e != nil {
					err = e
					break
				}
				got = append(got, r)
			}
			assert.Len(t, got, 2)
			var re *bulk.RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 2, re.Index, "line 3")
			assert.Equal(t, c.field, re.Field, "%v", err)
			assert.ErrorIs(t, err, cabinet.ErrInvalid)

			s := newStore()
			res, err := newImporter(s).Import(context.Background(), host, bulk.ReadLines(strings.NewReader(input)))
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 2, re.Index)
			assert.Zero(t, res.Records)
			assert.Zero(t, s.Revision(), "nothing of the batch is written")
		})
	}
	// A last line without newline is a line.
	got, err := collect(bulk.ReadLines(strings.NewReader(ok)))
	require.NoError(t, err)
	assert.Len(t, got, 1)
	got, err = collect(bulk.ReadLines(strings.NewReader("")))
	require.NoError(t, err)
	assert.Empty(t, got)
}

// TestMarshalRecordEveryKind: every kind round-trips through one line.
func TestMarshalRecordEveryKind(t *testing.T) {
	seen := map[bulk.Kind]bool{}
	for _, r := range practice() {
		b, err := bulk.MarshalRecord(r)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(b), `{"`+r.RecordKind().String()+`":{`), "%s", b)
		back, err := bulk.UnmarshalRecord(b)
		require.NoError(t, err)
		assert.Empty(t, cmp.Diff(r, back))
		seen[r.RecordKind()] = true
	}
	for k := bulk.KindInvalid + 1; k.Valid(); k++ {
		assert.True(t, seen[k], "practice() has no %s", k)
		got, err := bulk.ParseKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := bulk.MarshalRecord(nil)
	assert.ErrorIs(t, err, cabinet.ErrInvalid)
	_, err = bulk.ParseKind("invalid")
	assert.Equal(t, "kind", cabinet.FieldOf(err))
	assert.Equal(t, "Kind(200)", bulk.Kind(200).String())
}
