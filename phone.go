package cabinet

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultPhoneRegion is the country calling code ParsePhone assumes for a
// national number (one written with a leading trunk "0" and no "+"): France,
// +33.
const DefaultPhoneRegion = "33"

// maxPhoneLength is the longest phone input ParsePhone reads, in bytes
// once trimmed: room for 15 digits with a separator after each and a prefix.
const maxPhoneLength = 40

// ParsePhone validates a phone number and returns it in E.164: "+" then the
// country code and subscriber number, 8 to 15 digits, no leading zero.
// Spaces, dots, hyphens, slashes and parentheses are separators and are
// dropped. Accepted forms:
//
//   - international, "+" then digits: "+44 20 7946 0958" → "+442079460958";
//   - international with the "00" prefix: "0044 20 7946 0958" → "+442079460958";
//   - in either international form, the trunk zero written "(0)" right
//     after the country code (one to three digits) is dropped:
//     "+33 (0)6 12 34 56 78" → "+33612345678", "0044 (0)20 7946 0958" →
//     "+442079460958"; a "(0)" anywhere else is refused, since dropping it
//     would silently give another number;
//   - national, in the default region (France, +33): ten digits starting
//     with "0", "06 12 34 56 78" → "+33612345678".
//
// No other country-specific guessing is done, except that a French number
// (+33) must have nine digits after the country code (a stray trunk zero,
// "+330612345678", is dropped).
//
// Only ASCII digits and the separators above are accepted, after white space
// (unicode.IsSpace) is trimmed from both ends: control characters,
// bidirectional controls, zero-width characters, full-width or other
// non-ASCII digits and letters are refused, as is an input longer than 40
// bytes. The error is an *InvalidError naming field.
func ParsePhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if len(s) > maxPhoneLength {
		return "", Invalid(field, "is longer than %d characters", maxPhoneLength)
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '+' || isPhoneSeparator(r)) {
			if r < utf8.RuneSelf && unicode.IsPrint(r) {
				return "", Invalid(field, "contains %q, which is not a digit or separator", r)
			}
			return "", Invalid(field, "contains %U, which is not a digit or separator", r)
		}
	}
	international := false
	switch {
	case strings.HasPrefix(s, "+"):
		international, s = true, s[1:]
	case strings.HasPrefix(s, "00"):
		international, s = true, s[2:]
	}
	// In a national number the parentheses are mere separators: "(0)6 12…"
	// is the trunk zero itself.
	if i := strings.Index(s, "(0)"); international && i >= 0 {
		if n := countDigits(s[:i]); n < 1 || n > 3 {
			return "", Invalid(field, "\"(0)\" is only allowed right after the country code")
		}
		s = s[:i] + s[i+len("(0)"):]
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+':
			return "", Invalid(field, "has a \"+\" that does not start it")
		}
	}
	d := string(digits)
	if !international {
		if len(d) != 10 || d[0] != '0' || d[1] == '0' {
			return "", Invalid(field, "a national number has ten digits starting with 0; use +<country code> otherwise")
		}
		d = DefaultPhoneRegion + d[1:]
	}
	if strings.HasPrefix(d, DefaultPhoneRegion) {
		national := d[len(DefaultPhoneRegion):]
		if len(national) == 10 && national[0] == '0' {
			national = national[1:]
		}
		if len(national) != 9 || national[0] == '0' {
			return "", Invalid(field, "a French number has nine digits after +33")
		}
		d = DefaultPhoneRegion + national
	}
	if len(d) < 8 || len(d) > 15 {
		return "", Invalid(field, "has %d digits; E.164 numbers have 8 to 15", len(d))
	}
	if d[0] == '0' {
		return "", Invalid(field, "country codes do not start with 0")
	}
	return "+" + d, nil
}

// isPhoneSeparator reports whether r is one of the separators ParsePhone
// drops.
func isPhoneSeparator(r rune) bool {
	return r == ' ' || r == '.' || r == '-' || r == '/' || r == '(' || r == ')'
}

// countDigits returns the number of ASCII digits in s.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}
