package cabinet

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the longest name (team, group, person, procedure…) that
// the library accepts, in characters (Unicode code points).
const MaxNameLength = 200

// Email length limits (RFC 5321 §4.5.3.1): a local part of at most 64
// octets, a whole address of at most 254 (the 256-octet path minus its angle
// brackets).
const (
	maxEmailLength      = 254
	maxEmailLocalLength = 64
	maxDomainLabel      = 63
)

// ParseEmail validates an email address and returns it normalised: trimmed
// of surrounding white space, domain lower-cased, local part kept as given
// (comparisons that must ignore case use EmailKey or EqualEmails). The error
// is an *InvalidError naming field.
//
// The address is the addr-spec of RFC 5322 restricted to what mail systems
// deliver in practice, so that one mailbox has one spelling:
//
//   - ASCII only, no space or control character. Non-ASCII local parts
//     (SMTPUTF8, RFC 6531) are refused; an internationalised domain must be
//     given in its ASCII (punycode, "xn--") form. This keeps every accepted
//     address free of Unicode look-alikes and case-folding surprises.
//   - Exactly one "@". The local part is a dot-atom: one or more atext
//     characters (letters, digits and !#$%&'*+-/=?^_`{|}~) in dot-separated
//     runs, no leading, trailing or doubled dot, at most 64 characters.
//     Quoted local parts ("john doe"@example.com) are refused: almost no
//     mailbox uses them and `"ann"@example.com` is the same mailbox as
//     ann@example.com, which would give one address two keys.
//   - The domain is a host name of at least two labels separated by dots:
//     each label is 1 to 63 letters, digits or hyphens and neither starts
//     nor ends with a hyphen, and the last label (the top-level domain) is
//     not all digits. Domain literals (ann@[127.0.0.1]), IP addresses,
//     dot-less hosts (ann@localhost) and a trailing dot are refused.
//   - At most 254 characters in all.
//
// No display name, angle brackets or comments are accepted. Error reasons
// quote the input in ASCII (non-ASCII characters escaped, \u212a), so that a
// look-alike shows.
func ParseEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if len(s) > maxEmailLength {
		return "", Invalid(field, "is longer than %d characters", maxEmailLength)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return "", Invalid(field, "%+q is not an ASCII email address (write an internationalised domain in its xn-- form)", s)
		case c <= ' ' || c == 0x7f:
			return "", Invalid(field, "%+q contains a space or control character", s)
		}
	}
	at := strings.IndexByte(s, '@')
	if at < 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "", Invalid(field, "%+q is not an email address: it needs exactly one @", s)
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if err := checkLocalPart(local); err != "" {
		return "", Invalid(field, "%+q is not an email address: %s", s, err)
	}
	if err := checkDomain(domain); err != "" {
		return "", Invalid(field, "%+q has no valid domain: %s", s, err)
	}
	return local + "@" + domain, nil
}

// checkLocalPart returns why local is not an RFC 5322 dot-atom of at most
// 64 characters, or "".
func checkLocalPart(local string) string {
	switch {
	case local == "":
		return "the part before @ is empty"
	case len(local) > maxEmailLocalLength:
		return fmt.Sprintf("the part before @ is longer than %d characters", maxEmailLocalLength)
	case strings.HasPrefix(local, `"`):
		return "quoted local parts are not accepted"
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return "the part before @ has a leading, trailing or doubled dot"
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; c != '.' && !isAtext(c) {
			return fmt.Sprintf("%q is not allowed before @", c)
		}
	}
	return ""
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkDomain returns why the lower-cased domain is not a host name of at
// least two LDH labels with a non-numeric top-level label, or "".
func checkDomain(domain string) string {
	if strings.HasPrefix(domain, "[") {
		return "domain literals ([…]) are not accepted"
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "a domain has at least two labels (example.com)"
	}
	for _, l := range labels {
		switch {
		case l == "":
			return "empty label (leading, trailing or doubled dot)"
		case len(l) > maxDomainLabel:
			return fmt.Sprintf("label longer than %d characters", maxDomainLabel)
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Sprintf("label %q starts or ends with a hyphen", l)
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Sprintf("%q is not a letter, digit or hyphen", c)
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "the top-level domain is all digits"
	}
	return ""
}

// EmailKey returns the key under which an email address is unique: user
// accounts (team), contacts of an office (CON-7), grants (access),
// invitations and contributor seats are all matched by it. Any caller may
// use it on any string, stored or user-given; it never fails.
//
// The key is email with surrounding white space (unicode.IsSpace) removed
// and the ASCII letters A–Z mapped to a–z. Every other byte is kept as it
// is: no Unicode case folding or normalisation is applied, and the bytes of
// non-ASCII characters and of invalid UTF-8 are copied unchanged. So, for two
// addresses a and b returned by ParseEmail, EmailKey(a) == EmailKey(b)
// exactly when a and b are equal ignoring ASCII case; two distinct addresses
// never share a key. (strings.ToLower would not do: it maps the Kelvin sign
// U+212A to "k", making "\u212Aelvin@example.com" and
// "kelvin@example.com" one identity.) EmailKey is idempotent, and returns ""
// for a blank string.
//
// Stores must index emails by this key computed in Go, never by a database's
// own case folding (SQL lower, citext, ILIKE), which folds Unicode.
func EmailKey(email string) string {
	s := strings.TrimSpace(email)
	i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// EqualEmails reports whether a and b are the same address ignoring ASCII
// case: EmailKey(a) == EmailKey(b). Any caller may use it on any strings.
func EqualEmails(a, b string) bool { return EmailKey(a) == EmailKey(b) }

// ParseName validates a name (of a person, team, group, procedure, role,
// document…) and returns it with white space (the Unicode White_Space
// property: ASCII spaces, tabs and newlines, U+0085, U+00A0, U+3000 and the
// other Zs spaces) trimmed from both ends. Any caller may use it. The error
// is an *InvalidError naming field. A name is refused when it:
//
//   - is not valid UTF-8;
//   - is blank once trimmed ("is required");
//   - is longer than MaxNameLength characters (code points) once trimmed;
//   - contains, once trimmed, a control character (C0 U+0000–U+001F, DEL,
//     C1 U+0080–U+009F: a tab or newline inside a name too, a name is one
//     line) or a line or paragraph separator (U+2028, U+2029);
//   - contains a bidirectional control (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069), which would let a name reorder the text
//     around it;
//   - contains any other format character (Unicode category Cf: zero-width
//     space U+200B, word joiner U+2060, U+FEFF, soft hyphen U+00AD, tags
//     U+E0000–U+E007F, …), with one exception: the zero-width non-joiner
//     U+200C and the zero-width joiner U+200D, which Persian, Indic scripts
//     and emoji sequences (woman, ZWJ, laptop: a
//     woman technologist) need, are accepted only between two visible
//     characters (after a letter, mark, digit, punctuation or symbol, and
//     before a letter, digit, punctuation or symbol) — never at an end,
//     next to a space or next to another invisible character;
//   - contains a variation selector (U+FE00–U+FE0F, U+E0100–U+E01EF,
//     Mongolian U+180B–U+180D, U+180F) that does not directly follow a
//     letter, digit, punctuation or symbol;
//   - contains an invisible filler or reserved code point: the
//     Other_Default_Ignorable_Code_Point characters (Hangul fillers U+115F,
//     U+1160, U+3164, U+FFA0, combining grapheme joiner U+034F, …),
//     noncharacters (U+FDD0–U+FDEF, U+xxFFFE, U+xxFFFF), or U+FFFD, the mark
//     of an earlier decoding failure;
//   - has no letter, digit, punctuation or symbol at all (only combining
//     marks, variation selectors or the Braille blank U+2800).
//
// Spaces inside the name (any Zs character, including U+00A0 and U+3000)
// are kept as typed. No Unicode normalisation is applied: names are shown,
// never used as keys.
func ParseName(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Invalid(field, "is not valid UTF-8")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(s); n > MaxNameLength {
		return "", Invalid(field, "is %d characters long, more than %d", n, MaxNameLength)
	}
	prev := rune(-1) // the previous rune, -1 at the start
	visible := false
	for i, r := range s {
		switch {
		case r == '\u200C' || r == '\u200D':
			next, size := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if prev < 0 || !isVisible(prev) && !unicode.IsMark(prev) || size == 0 || !isVisible(next) {
				return "", Invalid(field, "has a joiner (%U) that is not between two visible characters", r)
			}
		case unicode.Is(unicode.Variation_Selector, r):
			if prev < 0 || !isVisible(prev) {
				return "", Invalid(field, "has a variation selector (%U) that does not follow a visible character", r)
			}
		default:
			if why := rejectedInName(r); why != "" {
				return "", Invalid(field, "contains %s (%U)", why, r)
			}
		}
		visible = visible || isVisible(r)
		prev = r
	}
	if !visible {
		return "", Invalid(field, "has no letter, digit, punctuation or symbol")
	}
	return s, nil
}

// rejectedInName describes the class of r if ParseName refuses it wherever
// it stands, or returns "". Joiners and variation selectors are checked by
// ParseName itself.
func rejectedInName(r rune) string {
	switch {
	case unicode.IsControl(r):
		return "a control character"
	case r == '\u2028' || r == '\u2029':
		return "a line or paragraph separator"
	case unicode.Is(unicode.Bidi_Control, r):
		return "a bidirectional control character"
	case unicode.Is(unicode.Cf, r):
		return "an invisible formatting character"
	case r == utf8.RuneError:
		return "the replacement character of a broken encoding"
	}
	return rejectedEverywhere(r)
}

// rejectedEverywhere describes the class of r if neither names nor text may
// contain it whatever its position — invisible characters that nobody types
// as content and that can carry hidden text — or returns "".
func rejectedEverywhere(r rune) string {
	switch {
	case r >= 0xE0000 && r <= 0xE007F:
		return "an invisible tag character"
	case r == '\uFEFF' || r >= 0xFFF9 && r <= 0xFFFB:
		return "an invisible formatting character"
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r):
		return "an invisible filler character"
	case unicode.Is(unicode.Noncharacter_Code_Point, r):
		return "a noncharacter"
	}
	return ""
}

// isVisible reports whether r is a letter, digit, punctuation or symbol
// that renders as something: categories L, N, P and S, less the invisible
// fillers (Hangul fillers) and the Braille blank U+2800.
func isVisible(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) &&
		r != '\u2800' && !unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// ParseText validates free text such as a comment and returns it
// normalised: line endings "\r\n" and lone "\r" become "\n", and white space
// (the Unicode White_Space property) is trimmed from both ends. max is the
// longest text accepted, in characters (code points) after normalisation; a
// max below 1 accepts nothing. The error is an *InvalidError naming field.
// Text is refused when it:
//
//   - is not valid UTF-8;
//   - is blank once trimmed ("is required"), or has no letter, digit,
//     punctuation or symbol at all (only invisible or combining characters);
//   - is longer than max characters;
//   - contains a control character other than tab and newline: NUL, ESC
//     (terminal escape sequences), backspace, DEL, the C1 controls
//     U+0080–U+009F (CSI U+009B included) and the rest of C0;
//   - contains a line or paragraph separator (U+2028, U+2029): write a
//     newline;
//   - contains a bidirectional embedding, override or isolate
//     (U+202A–U+202E, U+2066–U+2069), which reorder the text displayed after
//     them ("Trojan Source");
//   - contains a Unicode tag character (U+E0000–U+E007F), U+FEFF, an
//     interlinear annotation character (U+FFF9–U+FFFB), an
//     Other_Default_Ignorable_Code_Point filler (U+3164, …) or a
//     noncharacter: invisible characters that can carry hidden text.
//
// Unlike a name, text may contain the characters of ordinary writing in
// every script: the bidirectional marks U+200E, U+200F and U+061C, the
// zero-width space, non-joiner and joiner, the soft hyphen, variation
// selectors and emoji sequences, anywhere.
func ParseText(field, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Invalid(field, "is not valid UTF-8")
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", Invalid(field, "is %d characters long, more than %d", n, max)
	}
	visible := false
	for _, r := range s {
		why := ""
		switch {
		case r == '\n' || r == '\t':
		case unicode.IsControl(r):
			why = "a control character"
		case r == '\u2028' || r == '\u2029':
			why = "a line or paragraph separator"
		case r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
			why = "a bidirectional embedding, override or isolate"
		default:
			why = rejectedEverywhere(r)
		}
		if why != "" {
			return "", Invalid(field, "contains %s (%U)", why, r)
		}
		visible = visible || isVisible(r)
	}
	if !visible {
		return "", Invalid(field, "has no letter, digit, punctuation or symbol")
	}
	return s, nil
}

// CheckExpiry validates an expiry asked for at now (issue 16: an external
// advisor's grant, a direct assignment to a client group): the zero time
// (no expiry) or an instant after now. Otherwise it returns an
// *InvalidError naming field. The services refuse a past expiry for a new
// grant or assignment, which would open nothing; an import restores one as
// exported (package bulk).
func CheckExpiry(field string, expiresAt, now time.Time) error {
	if expiresAt.IsZero() || expiresAt.After(now) {
		return nil
	}
	return Invalid(field, "%s is not after now (%s)", expiresAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
}
