package cabinet

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// MaxNameLength is the longest name (team, group, person, procedure…) that
// the library accepts, in characters.
const MaxNameLength = 200

// ParseEmail validates an email address in RFC 5322 addr-spec syntax (no
// display name, no angle brackets, a dot-less domain refused) and returns it
// normalised: trimmed, domain lower-cased. Local parts are kept as given;
// comparisons that must ignore case use EqualEmails. The error is an
// *InvalidError naming field.
func ParseEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if len(s) > 254 {
		return "", Invalid(field, "is longer than 254 characters")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", Invalid(field, "%q is not an email address", s)
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", Invalid(field, "%q has no valid domain", s)
	}
	for _, r := range s {
		if r < 0x21 || r == 0x7f {
			return "", Invalid(field, "%q contains a space or control character", s)
		}
	}
	return local + "@" + domain, nil
}

// EmailKey returns the case-insensitive key under which an email is unique
// (CON-7, user accounts): the address lower-cased.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// EqualEmails reports whether two addresses are the same ignoring case.
func EqualEmails(a, b string) bool { return EmailKey(a) == EmailKey(b) }

// ParseName trims s and checks it is neither blank nor longer than
// MaxNameLength characters. The error is an *InvalidError naming field.
func ParseName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if !utf8.ValidString(s) {
		return "", Invalid(field, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > MaxNameLength {
		return "", Invalid(field, "is %d characters long, more than %d", n, MaxNameLength)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", Invalid(field, "contains a control character")
		}
	}
	return s, nil
}
