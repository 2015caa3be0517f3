package pgstore

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cabinet-go/cabinet"
)

// storable reports whether PostgreSQL can hold s in a text column: valid
// UTF-8 without NUL bytes. No stored record has a key that is not, so a
// lookup of such a key finds nothing without asking the database (which
// would abort the transaction on it).
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// checkStorable returns an *cabinet.InvalidError naming the first string
// field of record v (walking nested structs and slices) that PostgreSQL
// cannot store, or nil.
func checkStorable(v any) error {
	rv := reflect.ValueOf(v)
	if allText(rv) {
		return nil // the common case, without building the field paths
	}
	if path := badText(rv, ""); path != "" {
		return cabinet.Invalid(path, "contains a NUL byte or is not valid UTF-8, which PostgreSQL cannot store")
	}
	return nil
}

// allText reports whether every string of v (walked as badText walks it)
// is storable.
func allText(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return storable(v.String())
	case reflect.Struct:
		for _, i := range textFields(v.Type()) {
			if !allText(v.Field(i)) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !allText(v.Index(i)) {
				return false
			}
		}
	}
	return true
}

// textFieldsOf caches textFields: reflect.Type → []int. It is
// package-level by decision: a memo of each Go type's layout (as
// encoding/json keeps its encoders), the same for every store and never
// changed once stored, so no store's state or configuration lives in it.
var textFieldsOf sync.Map

// textFields returns the indexes of the exported fields of struct type t
// that allText walks (strings, structs, slices and arrays), computed once
// per type: every Put and every event checks its strings, and
// reflect.Type.Field builds a whole StructField each time (issue 15).
func textFields(t reflect.Type) []int {
	if fs, ok := textFieldsOf.Load(t); ok {
		return fs.([]int)
	}
	var fs []int
	for i := range t.NumField() {
		f := t.Field(i)
		switch f.Type.Kind() {
		case reflect.String, reflect.Struct, reflect.Slice, reflect.Array:
			if f.IsExported() {
				fs = append(fs, i)
			}
		}
	}
	textFieldsOf.Store(t, fs)
	return fs
}

func badText(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.String:
		if !storable(v.String()) {
			if path == "" {
				return "value"
			}
			return path
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue // time.Time and the like
			}
			name := snake(f.Name)
			if path != "" {
				name = path + "." + name
			}
			if p := badText(v.Field(i), name); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p := badText(v.Index(i), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// snake turns a Go field name into the snake_case field names of
// cabinet.InvalidError: DisplayName → display_name, ID → id.
func snake(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// tsArg is the query argument for a time: NULL for the zero time, else the
// time in UTC truncated to the microseconds PostgreSQL keeps.
func tsArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// tsVal is the time read from a timestamptz column: the zero time for NULL,
// else the time in UTC.
func tsVal(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// jtime is a time in pgstore's JSON: null for the zero time, else RFC 3339
// in UTC with at most microseconds, like the timestamptz columns.
type jtime time.Time

// MarshalJSON implements json.Marshaler.
func (j jtime) MarshalJSON() ([]byte, error) {
	t := time.Time(j)
	if t.IsZero() {
		return []byte("null"), nil
	}
	return t.UTC().Truncate(time.Microsecond).MarshalJSON()
}

// UnmarshalJSON implements json.Unmarshaler.
func (j *jtime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*j = jtime{}
		return nil
	}
	var t time.Time
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	*j = jtime(t.UTC())
	return nil
}

// jsonArg is the query argument for a list stored as jsonb: NULL for a nil
// slice (so that nil and empty lists read back as they were put), else the
// JSON text (a string, cast with ::jsonb in the query, so that every
// QueryExecMode of the host's pool encodes it the same way).
func jsonArg[T any](v []T) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// jsonVal decodes a jsonb list column: nil for NULL.
func jsonVal[T any](b []byte) ([]T, error) {
	if b == nil {
		return nil, nil
	}
	var out []T
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// mapSlice converts each element of in with f, keeping a nil slice nil.
func mapSlice[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}
