package cabinet_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
)

// ACC-3: a phone number holds ASCII digits and separators only; controls,
// bidi and zero-width characters, non-ASCII digits and absurd lengths are
// refused naming the field, and a "(0)" is dropped only right after the
// country code.
func TestACC3PhoneRejectsInvisibleAndNonASCII(t *testing.T) {
	tests := []struct{ name, in string }{
		{"full-width digits", "０６１２３４５６７８"},
		{"Arabic-Indic digits", "٠٦١٢٣٤٥٦٧٨"},
		{"one full-width digit", "06 12 34 56 7８"},
		{"NUL", "0612345678\x00"},
		{"escape", "\x1b[31m0612345678"},
		{"tab inside", "06\t12 34 56 78"},
		{"C1 control", "06\u00851234 5678"},
		{"right-to-left override", "\u202E0612345678"},
		{"left-to-right mark", "+33\u200E612345678"},
		{"zero-width space", "06\u200B12345678"},
		{"no-break space inside", "06\u00a012 34 56 78"},
		{"invalid UTF-8", "0612345678\xff"},
		{"letter", "06 12 34 56 7O"},
		{"plus inside", "+33 6+12 34 56 78"},
		{"two plus signs", "++33612345678"},
		{"00 then plus", "00+33612345678"},
		{"trunk zero mid-number", "+44 20 7946 (0)958"},
		{"trunk zero before the country code", "+(0)44 20 7946 0958"},
		{"trunk zero after four digits", "+4420(0)79460958"},
		{"41 bytes", strings.Repeat("1", 41)},
		{"a megabyte", "+" + strings.Repeat("1", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParsePhone("phone", tt.in)
			requireInvalid(t, err, "phone", got)
		})
	}
	ok := []struct{ in, want string }{
		{"0044 (0)20 7946 0958", "+442079460958"},
		{"+44 (0)20 7946 0958", "+442079460958"},
		{"+352 (0)621 123 456", "+352621123456"},
		{"\u00a0+33 6 12 34 56 78\u3000", "+33612345678"},
		{"(06) 12 34 56 78", "+33612345678"},
	}
	for _, tt := range ok {
		t.Run(tt.in, func(t *testing.T) {
			got, err := cabinet.ParsePhone("phone", tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// FuzzParsePhoneDigits (ACC-3): an accepted phone number comes from ASCII
// digits and separators only, and its digits are the input's: with the
// default region for a national number, otherwise the input's digits (after
// the "00" prefix) with at most one trunk zero dropped.
func FuzzParsePhoneDigits(f *testing.F) {
	for _, s := range []string{"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0044 (0)20 7946 0958", "+44 20 7946 (0)958", "+330612345678", "０６１２３４５６７８", "+33\u200E612345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cabinet.ParsePhone("phone", s)
		if err != nil {
			return // FuzzParsePhone checks the error's field
		}
		in := strings.TrimSpace(s)
		var digits []byte
		for _, r := range in {
			switch {
			case r >= '0' && r <= '9':
				digits = append(digits, byte(r))
			case !strings.ContainsRune("+ .-/()", r):
				t.Fatalf("%q accepted as %q despite %U", s, got, r)
			}
		}
		d, out := string(digits), got[1:]
		switch {
		case strings.HasPrefix(in, "+"):
		case strings.HasPrefix(in, "00"):
			d = d[2:]
		default:
			if out != cabinet.DefaultPhoneRegion+d[1:] {
				t.Fatalf("national %q accepted as %q", s, got)
			}
			return
		}
		if out != d && !droppedOneZero(d, out) {
			t.Fatalf("%q accepted as %q: digits %s changed", s, got, d)
		}
	})
}

// droppedOneZero reports whether out is d with one '0' removed.
func droppedOneZero(d, out string) bool {
	for i := 0; i < len(d); i++ {
		if d[i] == '0' && d[:i]+d[i+1:] == out {
			return true
		}
	}
	return false
}
