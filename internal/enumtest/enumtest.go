// Package enumtest holds the fuzz property that every enum parser of the
// library shares: cabinet.ParseProfile, access.ParseLevel, team.ParseRole,
// policy.ParseAction and the others (STYLE: typed enums with String() and an
// invalid zero value). It is imported by tests only.
package enumtest

import (
	"errors"
	"strings"
	"testing"

	"github.com/cabinet-go/cabinet"
)

// Enum is a typed enum of the library: a uint8 whose zero value is invalid,
// with Valid and String.
type Enum interface {
	~uint8
	String() string
	Valid() bool
}

// Fuzz runs, as fuzz target f, the round-trip property of parse, the parser
// of enum T whose errors name field:
//
//   - every valid value v of T (all 256 uint8 values are tried) has a
//     String() that parse maps back to v, and String() of every invalid
//     value (the zero value's "invalid" included) is refused — nothing
//     invalid can be written out and read back;
//   - on any input s, parse either returns a valid value whose String() is
//     exactly s (parsing is exact: no case folding, trimming or aliases), or
//     returns the zero value and an *cabinet.InvalidError naming field.
//
// The seed corpus holds every valid name and near misses of each (case,
// surrounding space, NUL, hyphen for underscore, prefixes).
func Fuzz[T Enum](f *testing.F, field string, parse func(string) (T, error)) {
	f.Helper()
	var names []string
	for i := range 256 {
		v := T(i)
		s := v.String()
		got, err := parse(s)
		switch {
		case v.Valid() && (err != nil || got != v):
			f.Fatalf("parse(%q) = %v, %v; want %d", s, got, err, i)
		case !v.Valid() && err == nil:
			f.Fatalf("parse(%q) of invalid value %d accepted as %v", s, i, got)
		case v.Valid():
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		f.Fatal("the enum has no valid value")
	}
	f.Add("")
	f.Add("invalid")
	for _, n := range names {
		for _, s := range []string{
			n, strings.ToUpper(n), strings.ToUpper(n[:1]) + n[1:], " " + n, n + " ", n + "\x00",
			n + "\n", strings.ReplaceAll(n, "_", "-"), n[:len(n)-1], n + n[len(n)-1:],
		} {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parse(s)
		if err == nil {
			if !v.Valid() || v.String() != s {
				t.Fatalf("parse(%q) = %d (%q), want a valid value whose name is the input", s, uint8(v), v.String())
			}
			return
		}
		var ie *cabinet.InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, cabinet.ErrInvalid) || ie.Field != field {
			t.Fatalf("parse(%q) error %v is not an *cabinet.InvalidError naming %q", s, err, field)
		}
		if v != 0 {
			t.Fatalf("parse(%q) failed but returned %d, not the zero value", s, uint8(v))
		}
	})
}
