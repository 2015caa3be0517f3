package cabinet

import "strings"

// DefaultPhoneRegion is the country calling code ParsePhone assumes for a
// national number (one written with a leading trunk "0" and no "+"): France,
// +33.
const DefaultPhoneRegion = "33"

// ParsePhone validates a phone number and returns it in E.164: "+" then the
// country code and subscriber number, 8 to 15 digits, no leading zero.
// Spaces, dots, hyphens, slashes and parentheses are separators and are
// dropped. Accepted forms:
//
//   - international, "+" then digits: "+44 20 7946 0958" → "+442079460958";
//     the trunk zero written "(0)" after the country code is dropped
//     ("+33 (0)6 12 34 56 78" → "+33612345678");
//   - international with the "00" prefix: "0044 20 7946 0958" → "+442079460958";
//   - national, in the default region (France, +33): ten digits starting
//     with "0", "06 12 34 56 78" → "+33612345678".
//
// No other country-specific guessing is done, except that a French number
// (+33) must have nine digits after the country code (a stray trunk zero,
// "+330612345678", is dropped). The error is an *InvalidError naming field.
func ParsePhone(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if len(s) > 40 {
		return "", Invalid(field, "is longer than 40 characters")
	}
	international := false
	switch {
	case strings.HasPrefix(s, "+"):
		international, s = true, s[1:]
		s = strings.Replace(s, "(0)", "", 1)
	case strings.HasPrefix(s, "00"):
		international, s = true, s[2:]
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' || c == ')':
		default:
			return "", Invalid(field, "contains %q, which is not a digit or separator", c)
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
