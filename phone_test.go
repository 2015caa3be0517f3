package cabinet_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
)

// ACC-3: phone numbers are normalised to E.164 with France as the default
// region; bad values are rejected naming the field.
func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"06 12 34 56 78", "+33612345678", true},
		{"06.12.34.56.78", "+33612345678", true},
		{"06-12-34-56-78", "+33612345678", true},
		{"0612345678", "+33612345678", true},
		{"+33 6 12 34 56 78", "+33612345678", true},
		{"+33 (0)6 12 34 56 78", "+33612345678", true},
		{"+330612345678", "+33612345678", true},
		{"0033 6 12 34 56 78", "+33612345678", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"0044 20 7946 0958", "+442079460958", true},
		{"+1 (415) 555-2671", "+14155552671", true},
		{"  +32 470 12 34 56 ", "+32470123456", true},
		{"", "", false},
		{"   ", "", false},
		{"612345678", "", false},                      // national without trunk zero
		{"00612345678", "+612345678", true},           // "00" prefix: an Australian number
		{"+33 6 12 34 56", "", false},                 // French number too short
		{"+33 0 12 34 56 78 9", "+33123456789", true}, // stray trunk zero dropped
		{"+33 1 12 34 56 78 9", "", false},
		{"06 12 34 56 7x", "", false},
		{"+", "", false},
		{"+0 123 456 789", "", false},
		{"+1234567", "", false},          // 7 digits
		{"+1234567890123456", "", false}, // 16 digits
		{"06 12 34 56 78 90", "", false},
		{"０６１２３４５６７８", "", false}, // full-width digits
		{strings.Repeat("1", 41), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := cabinet.ParsePhone("phone", tt.in)
			if !tt.ok {
				require.Error(t, err, "got %q", got)
				require.ErrorIs(t, err, cabinet.ErrInvalid)
				assert.Equal(t, "phone", cabinet.FieldOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := cabinet.ParsePhone("phone", got)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

// FuzzParsePhone: no panic; accepted values are E.164 and re-accepted
// unchanged (ACC-3).
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0044 20 7946 0958", "+1 (415) 555-2671", "+", "00", "0\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cabinet.ParsePhone("phone", s)
		if err != nil {
			if !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "phone" {
				t.Fatalf("error %v is not an *InvalidError for phone", err)
			}
			return
		}
		if len(got) < 9 || len(got) > 16 || got[0] != '+' || got[1] == '0' {
			t.Fatalf("%q accepted as %q, not E.164", s, got)
		}
		for _, c := range got[1:] {
			if c < '0' || c > '9' {
				t.Fatalf("%q accepted as %q, not E.164", s, got)
			}
		}
		again, err := cabinet.ParsePhone("phone", got)
		if err != nil || again != got {
			t.Fatalf("normalised %q re-parsed as %q, %v", got, again, err)
		}
	})
}
