package cabinet_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cabinet-go/cabinet"
)

// FuzzRoutesRoundTrip (POL-1) adds to FuzzParseRoutes: every valid set of
// routes (a spread of uint32 values is tried) has a String() that parses back
// to it, and no invalid set's String() parses; an accepted input names exactly
// the routes of the parsed set (each part of the input is one of its routes
// and each of its routes is a part of the input), and a refused input is an
// *cabinet.InvalidError naming "route" with the empty set.
func FuzzRoutesRoundTrip(f *testing.F) {
	for i := 0; i < 1<<17; i += 257 {
		r := cabinet.Routes(i)
		got, err := cabinet.ParseRoutes(r.String())
		switch {
		case r.Valid() && (err != nil || got != r):
			f.Fatalf("ParseRoutes(%q) = %v, %v; want %d", r.String(), got, err, i)
		case !r.Valid() && err == nil:
			f.Fatalf("ParseRoutes(%q) of invalid set %d accepted as %v", r.String(), i, got)
		}
		f.Add(r.String())
	}
	for _, s := range []string{"", "none", "Admin", "admin|", "|admin", "admin||manager", "manager|admin", "admin|admin", "none|admin", " admin", "unknown"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := cabinet.ParseRoutes(s)
		if err != nil {
			var ie *cabinet.InvalidError
			if !errors.As(err, &ie) || !errors.Is(err, cabinet.ErrInvalid) || ie.Field != "route" || r != cabinet.NoRoutes {
				t.Fatalf("ParseRoutes(%q) = %v, %v; want NoRoute and an *InvalidError naming route", s, r, err)
			}
			return
		}
		if !r.Valid() {
			t.Fatalf("ParseRoutes(%q) = %d, an invalid set", s, uint32(r))
		}
		want := strings.Split(r.String(), "|")
		if s == "" || s == "none" {
			if r != cabinet.NoRoutes {
				t.Fatalf("ParseRoutes(%q) = %v, want the empty set", s, r)
			}
			return
		}
		parts := strings.Split(s, "|")
		for _, p := range parts {
			if !slices.Contains(want, p) {
				t.Fatalf("ParseRoutes(%q) = %v, which lacks %q", s, r, p)
			}
		}
		for _, w := range want {
			if !slices.Contains(parts, w) {
				t.Fatalf("ParseRoutes(%q) = %v, which adds %q", s, r, w)
			}
		}
	})
}
