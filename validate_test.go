package cabinet_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
)

// requireInvalid fails unless err is an *cabinet.InvalidError naming field.
func requireInvalid(t *testing.T, err error, field string, got string) {
	t.Helper()
	require.Error(t, err, "accepted as %q", got)
	require.ErrorIs(t, err, cabinet.ErrInvalid)
	var ie *cabinet.InvalidError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, field, ie.Field)
}

// ---------------------------------------------------------------- emails

// ACC-3, CON-7: valid addresses are accepted and normalised (trimmed, domain
// lower-cased, local part kept), and the normal form is accepted unchanged.
func TestACC3EmailAcceptsDotAtomAddresses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "ann@example.com", "ann@example.com"},
		{"domain lower-cased, local part kept", "Ann.Lee@Example.COM", "Ann.Lee@example.com"},
		{"surrounding white space trimmed", " \t ann@example.com\u00a0\u3000", "ann@example.com"},
		{"plus tag and subdomain", "a.b+tag@mail.sub.example.org", "a.b+tag@mail.sub.example.org"},
		{"every atext character", "!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com"},
		{"digits and hyphens in labels", "x@a-1.b2-c.io", "x@a-1.b2-c.io"},
		{"punycode domain", "ann@XN--bcher-kva.example", "ann@xn--bcher-kva.example"},
		{"numeric labels before a named TLD", "ann@127.0.0.1.example", "ann@127.0.0.1.example"},
		{"64-character local part", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com"},
		{"63-character label", "ann@" + strings.Repeat("b", 63) + ".com", "ann@" + strings.Repeat("b", 63) + ".com"},
		{"254 characters in all", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseEmail("email", tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := cabinet.ParseEmail("email", got)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
	require.Len(t, tests[len(tests)-1].want, 254)
}

// ACC-3: an address that is not an ASCII dot-atom at a host name is refused
// with an *InvalidError naming the field, whatever the field is called.
func TestACC3EmailRejectsMalformedAddresses(t *testing.T) {
	tests := []struct{ name, in, reason string }{
		// The review's examples.
		{"domain literal IPv4", "ann@[127.0.0.1]", "domain literals"},
		{"domain literal IPv6", "ann@[IPv6:::1]", "domain literals"},
		{"label starts and ends with a hyphen", "ann@-example-.com", "hyphen"},
		// Domains.
		{"IPv4 address as domain", "ann@127.0.0.1", ""},
		{"all-numeric TLD", "ann@example.123", "all digits"},
		{"label starts with a hyphen", "ann@-example.com", ""},
		{"label ends with a hyphen", "ann@example-.com", ""},
		{"TLD ends with a hyphen", "ann@example.com-", ""},
		{"underscore in a label", "ann@ex_ample.com", ""},
		{"64-character label", "ann@" + strings.Repeat("b", 64) + ".com", ""},
		{"dot-less host", "ann@localhost", ""},
		{"empty label", "ann@example..com", ""},
		{"leading dot", "ann@.example.com", ""},
		{"trailing dot", "ann@example.com.", ""},
		{"no domain", "ann@", ""},
		{"comment in domain", "ann@(c)example.com", ""},
		// Local parts.
		{"no local part", "@example.com", ""},
		{"no @", "ann.example.com", ""},
		{"two @", "ann@lee@example.com", ""},
		{"quoted local part", `"ann"@example.com`, "quoted"},
		{"quoted local part with a space", `"ann lee"@example.com`, ""},
		{"quoted local part with an @", `"ann@x"@example.com`, ""},
		{"leading dot in local part", ".ann@example.com", ""},
		{"trailing dot in local part", "ann.@example.com", ""},
		{"doubled dot in local part", "ann..lee@example.com", ""},
		{"comma in local part", "ann,lee@example.com", ""},
		{"backslash in local part", `ann\lee@example.com`, ""},
		{"65-character local part", strings.Repeat("a", 65) + "@example.com", ""},
		{"255 characters in all", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".com", ""},
		// Forms that are not a bare addr-spec.
		{"display name", "Ann <ann@example.com>", ""},
		{"angle brackets", "<ann@example.com>", ""},
		{"space inside", "ann lee@example.com", ""},
		{"blank", " \t\u00a0", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseEmail("recipient_email", tt.in)
			requireInvalid(t, err, "recipient_email", got)
			if tt.reason != "" {
				assert.Contains(t, err.Error(), tt.reason)
			}
		})
	}
}

// ACC-3, CON-7: non-ASCII addresses are refused, so no accepted address
// holds a Unicode look-alike or a character that Unicode case folding would
// merge with another (the Kelvin sign U+212A folds to "k").
func TestACC3EmailRejectsNonASCII(t *testing.T) {
	tests := []struct{ name, in string }{
		{"Kelvin sign in local part", "\u212Aelvin@example.com"},
		{"Kelvin sign in domain", "kelvin@\u212Aelvin.com"},
		{"UTF-8 local part (SMTPUTF8)", "josé@example.com"},
		{"internationalised domain not in punycode", "ann@bücher.example"},
		{"Cyrillic look-alike", "\u0430nn@example.com"},
		{"full-width at sign", "ann\uFF20example.com"},
		{"zero-width space", "ann\u200B@example.com"},
		{"right-to-left override", "ann\u202E@example.com"},
		{"NUL", "ann@example.com\x00"},
		{"escape", "\x1b[31mann@example.com"},
		{"C1 control", "ann\u0085lee@example.com"},
		{"DEL", "ann\x7f@example.com"},
		{"invalid UTF-8", "ann\xff@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseEmail("email", tt.in)
			requireInvalid(t, err, "email", got)
		})
	}
}

// CON-7 (and the account, grant and seat indexes): EmailKey folds ASCII
// letters only, so two distinct addresses never share a key. The Kelvin
// sign, the dotted capital I, the final sigma and full-width letters all
// have lower-case mappings in Unicode that strings.ToLower would apply.
func TestCON7EmailKeyFoldsASCIIOnly(t *testing.T) {
	same := []struct{ a, b string }{
		{"Ann@Example.COM", "ann@example.com"},
		{"ANN.LEE+X@EXAMPLE.COM", "ann.lee+x@example.com"},
		{"  ann@example.com\n", "ann@example.com"},
	}
	for _, tt := range same {
		t.Run("same "+tt.a, func(t *testing.T) {
			assert.Equal(t, cabinet.EmailKey(tt.b), cabinet.EmailKey(tt.a))
			assert.True(t, cabinet.EqualEmails(tt.a, tt.b))
		})
	}
	distinct := []struct{ a, b string }{
		{"\u212Aelvin@example.com", "kelvin@example.com"}, // Kelvin sign
		{"\u212Aelvin@example.com", "Kelvin@example.com"},
		{"\u0130an@example.com", "ian@example.com"},            // dotted capital I
		{"\u03a3@example.com", "\u03c3@example.com"},           // capital and small sigma
		{"\uFF21nn@example.com", "\uFF41nn@example.com"},       // full-width A and a
		{"\u00c5@example.com", "\u00e5@example.com"},           // Å and å
		{"ann@example.com\xff", "ann@example.com\xef\xbf\xbd"}, // invalid byte and U+FFFD
	}
	for _, tt := range distinct {
		t.Run("distinct "+tt.a, func(t *testing.T) {
			assert.NotEqual(t, cabinet.EmailKey(tt.a), cabinet.EmailKey(tt.b))
			assert.False(t, cabinet.EqualEmails(tt.a, tt.b))
		})
	}
	// What the review found: both spellings parse (before) to one identity.
	// Now the Kelvin spelling is refused outright and its key is its own.
	_, err := cabinet.ParseEmail("email", "\u212Aelvin@example.com")
	requireInvalid(t, err, "email", "")
	assert.Equal(t, "\u212Aelvin@example.com", cabinet.EmailKey("\u212Aelvin@example.com"))
	assert.Equal(t, "", cabinet.EmailKey(" \u3000\t"))
}

// ------------------------------------------------------------------ names

// GRP-6, CON-1, CON-3, ACC-8: a required name is refused when it is blank,
// invisible, or carries a character a person could not have typed on
// purpose as part of a name.
func TestParseNameRejectsInvisibleAndControlCharacters(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"only ASCII white space", " \t\r\n "},
		{"only no-break spaces", "\u00a0\u00a0"},
		{"only ideographic spaces", "\u3000\u3000"},
		{"only zero-width spaces", "\u200B\u200B\u200B"},
		{"only zero-width joiners", "\u200D\u200D"},
		{"only zero-width non-joiners", "\u200C"},
		{"only word joiners", "\u2060"},
		{"only byte-order marks", "\uFEFF"},
		{"only Hangul fillers", "\u3164\u3164"},
		{"only a half-width Hangul filler", "\uFFA0"},
		{"only Braille blanks", "\u2800\u2800"},
		{"only combining marks", "\u0301\u0308"},
		{"only a variation selector", "\uFE0F"},
		{"NUL", "Ann\x00Lee"},
		{"C0 control", "Ann\x01"},
		{"escape sequence", "\x1b[2JAnn"},
		{"tab inside", "Ann\tLee"},
		{"newline inside", "Ann\nLee"},
		{"DEL", "Ann\x7f"},
		{"C1 next line", "Ann\u0085Lee"},
		{"C1 control sequence introducer", "Ann\u009b31m"},
		{"line separator", "Ann\u2028Lee"},
		{"paragraph separator", "Ann\u2029Lee"},
		{"right-to-left override", "Ann\u202Egnp.exe"},
		{"left-to-right embedding", "\u202AAnn"},
		{"pop directional formatting", "Ann\u202C"},
		{"right-to-left isolate", "Ann\u2067Lee"},
		{"pop directional isolate", "Ann\u2069"},
		{"left-to-right mark", "Ann\u200ELee"},
		{"right-to-left mark", "Ann\u200F"},
		{"Arabic letter mark", "\u061CAnn"},
		{"zero-width space inside", "Ann\u200BLee"},
		{"word joiner inside", "Ann\u2060Lee"},
		{"byte-order mark inside", "Ann\uFEFFLee"},
		{"soft hyphen", "Ann\u00ADLee"},
		{"invisible times", "Ann\u2062Lee"},
		{"tag characters", "Ann\U000E0041\U000E0042"},
		{"interlinear annotation", "Ann\uFFF9Lee"},
		{"combining grapheme joiner", "Ann\u034FLee"},
		{"Hangul filler inside", "Ann\u3164Lee"},
		{"noncharacter", "Ann\uFDD0"},
		{"plane-end noncharacter", "Ann\U0010FFFF"},
		{"replacement character", "Ann\uFFFD"},
		{"invalid UTF-8", "Ann\xffLee"},
		{"truncated UTF-8", "Ann\xc3"},
		{"joiner at the end", "Ann\u200D"},
		{"joiner at the start", "\u200DAnn"},
		{"non-joiner at the end", "Ann\u200C"},
		{"joiner before a space", "Ann\u200D Lee"},
		{"joiner after a space", "Ann \u200DLee"},
		{"two joiners", "Ann\u200D\u200DLee"},
		{"joiner before a zero-width space", "Ann\u200D\u200BLee"},
		{"variation selector at the start", "\uFE0FAnn"},
		{"variation selector after a space", "Ann \uFE0F"},
		{"two variation selectors", "\u2764\uFE0F\uFE0F"},
		{"one character too long", strings.Repeat("é", cabinet.MaxNameLength+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseName("first_name", tt.in)
			requireInvalid(t, err, "first_name", got)
		})
	}
}

// GRP-6, CON-1: names in every script are accepted and trimmed of Unicode
// white space; joiners between visible characters (Persian, Indic scripts,
// emoji sequences) and variation selectors after a visible character are
// kept.
func TestParseNameAcceptsNamesInEveryScript(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ASCII, trimmed", "  Smith family  ", "Smith family"},
		{"accents and apostrophe", "Zoë O'Brien-Lefèvre", "Zoë O'Brien-Lefèvre"},
		{"no-break spaces trimmed, one kept inside", "\u00a0M.\u00a0Dupont\u00a0", "M.\u00a0Dupont"},
		{"ideographic spaces trimmed and kept inside", "\u3000山田\u3000太郎\u3000", "山田\u3000太郎"},
		{"trailing newline trimmed", "Ann Lee\r\n", "Ann Lee"},
		{"Persian with a zero-width non-joiner", "حسن\u200Cزاده", "حسن\u200Cزاده"},
		{"Devanagari joiner after a virama", "क्\u200Dष", "क्\u200Dष"},
		{"emoji ZWJ sequence", "Team \U0001F469\u200D\U0001F4BB", "Team \U0001F469\u200D\U0001F4BB"},
		{"emoji with skin tone and joiner", "\U0001F469\U0001F3FD\u200D\U0001F52C lab", "\U0001F469\U0001F3FD\u200D\U0001F52C lab"},
		{"emoji with variation selector and joiner", "\u2764\uFE0F\u200D\U0001F525", "\u2764\uFE0F\u200D\U0001F525"},
		{"keycap", "Room 1\uFE0F\u20E3", "Room 1\uFE0F\u20E3"},
		{"ideographic variation sequence", "葛\U000E0100飾", "葛\U000E0100飾"},
		{"Hebrew", "דוד לוי", "דוד לוי"},
		{"combining accent", "Zoe\u0308", "Zoe\u0308"},
		{"private use", "Acme \uF8FF", "Acme \uF8FF"},
		{"a lone symbol", "—", "—"},
		{"max length", strings.Repeat("é", cabinet.MaxNameLength), strings.Repeat("é", cabinet.MaxNameLength)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseName("name", tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := cabinet.ParseName("name", got)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

// ------------------------------------------------------------------- text

// Free text (comments) keeps newlines and tabs and the invisible characters
// of ordinary writing, normalises line endings, and refuses controls,
// terminal escapes, reordering bidi controls and hidden-text characters.
func TestParseText(t *testing.T) {
	const textMax = 40
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"trimmed", "  ok, thanks \n\n", "ok, thanks", true},
		{"newlines and tabs kept", "Line 1\n\tLine 2", "Line 1\n\tLine 2", true},
		{"CRLF becomes LF", "a\r\nb\r\n", "a\nb", true},
		{"lone CR becomes LF", "a\rb", "a\nb", true},
		{"bidi marks kept", "שלום\u200F!", "שלום\u200F!", true},
		{"zero-width characters kept", "Thai\u200Bword \U0001F468\u200D\U0001F469\u200D\U0001F467 حسن\u200Cزاده", "Thai\u200Bword \U0001F468\u200D\U0001F469\u200D\U0001F467 حسن\u200Cزاده", true},
		{"soft hyphen and variation selector", "co\u00ADoperate \u2764\uFE0F", "co\u00ADoperate \u2764\uFE0F", true},
		{"replacement character kept", "pasted \uFFFD text", "pasted \uFFFD text", true},
		{"exactly max", strings.Repeat("x", textMax), strings.Repeat("x", textMax), true},
		{"max counted after CRLF normalisation", strings.Repeat("x", 20) + "\r\n" + strings.Repeat("y", 19), strings.Repeat("x", 20) + "\n" + strings.Repeat("y", 19), true},
		{"max counted in characters", strings.Repeat("é", textMax), strings.Repeat("é", textMax), true},
		{"empty", "", "", false},
		{"blank", " \n\t\u00a0\u3000", "", false},
		{"only zero-width characters", "\u200B\u200C\u200D", "", false},
		{"only combining marks", "\u0301", "", false},
		{"one over max", strings.Repeat("x", textMax+1), "", false},
		{"NUL", "ok\x00", "", false},
		{"escape sequence", "ok \x1b[2J\x1b[H", "", false},
		{"bell", "ok\a", "", false},
		{"backspace", "ok\b\b", "", false},
		{"vertical tab", "a\vb", "", false},
		{"form feed", "a\fb", "", false},
		{"DEL", "ok\x7f", "", false},
		{"C1 control sequence introducer", "ok\u009b2J", "", false},
		{"C1 next line", "a\u0085b", "", false},
		{"line separator", "a\u2028b", "", false},
		{"right-to-left override", "see \u202Eexe.txt", "", false},
		{"left-to-right override", "a\u202Db", "", false},
		{"right-to-left embedding", "a\u202Bb", "", false},
		{"first strong isolate", "a\u2068b\u2069", "", false},
		{"tag characters", "ok\U000E0069\U000E0067\U000E006E", "", false},
		{"byte-order mark", "\uFEFFok", "", false},
		{"interlinear annotation", "a\uFFFAb", "", false},
		{"Hangul filler", "ok\u3164", "", false},
		{"noncharacter", "ok\uFFFE", "", false},
		{"invalid UTF-8", "ok\xc0\xaf", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cabinet.ParseText("text", tt.in, textMax)
			if !tt.ok {
				requireInvalid(t, err, "text", got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := cabinet.ParseText("text", got, textMax)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
	for _, max := range []int{0, -1} {
		got, err := cabinet.ParseText("text", "x", max)
		requireInvalid(t, err, "text", got)
	}
}

// ------------------------------------------------------------- fuzz targets

// nameSeeds are inputs for the name and text fuzz targets: the accepted and
// refused examples above, in short.
var nameSeeds = []string{
	"Smith family", "  Ann  ", "\u200B", "\u200D", "a\u200Db", "a\u200D", "\u202Eabc", "a\x00b",
	"\x1b[31mred", "\u00a0\u3000", "حسن\u200Cزاده", "\U0001F469\u200D\U0001F4BB", "\u2764\uFE0F\u200D\U0001F525",
	"\uFE0F", "\u3164", "\u2800", "a\xffb", "a\r\nb", "a\u2028b", "\U000E0041", strings.Repeat("é", 201),
}

// inRejectedClass reports whether r is a character no accepted name holds
// anywhere: controls, line and paragraph separators, format characters
// other than the two joiners, fillers, noncharacters and U+FFFD.
func inRejectedClass(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' ||
		unicode.Is(unicode.Cf, r) && r != '\u200C' && r != '\u200D' ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Noncharacter_Code_Point, r) || r == utf8.RuneError
}

// FuzzParseName: an accepted name is valid UTF-8, trimmed, at most
// MaxNameLength characters, holds no character of a rejected class, no
// joiner at an end or beside white space, has a visible character, and is
// accepted again unchanged (idempotent). A refusal names the field.
func FuzzParseName(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cabinet.ParseName("name", s)
		if err != nil {
			if cabinet.FieldOf(err) != "name" || !errors.Is(err, cabinet.ErrInvalid) {
				t.Fatalf("error %v is not an *InvalidError naming name", err)
			}
			return
		}
		if !utf8.ValidString(got) || got != strings.TrimSpace(got) || utf8.RuneCountInString(got) > cabinet.MaxNameLength {
			t.Fatalf("%q accepted as %q: not trimmed UTF-8 of at most %d characters", s, got, cabinet.MaxNameLength)
		}
		if !strings.Contains(s, got) {
			t.Fatalf("%q accepted as %q, which is not a substring of the input", s, got)
		}
		visible := false
		runes := []rune(got)
		for i, r := range runes {
			if inRejectedClass(r) {
				t.Fatalf("%q accepted as %q, holding %U", s, got, r)
			}
			if (r == '\u200C' || r == '\u200D') && (i == 0 || i == len(runes)-1 || unicode.IsSpace(runes[i-1]) || unicode.IsSpace(runes[i+1])) {
				t.Fatalf("%q accepted as %q, a joiner at an end or beside a space", s, got)
			}
			visible = visible || unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S)
		}
		if !visible {
			t.Fatalf("%q accepted as %q, which has nothing visible", s, got)
		}
		again, err := cabinet.ParseName("name", got)
		if err != nil || again != got {
			t.Fatalf("ParseName(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}

// FuzzParseText: accepted text is valid UTF-8, trimmed, within max, holds
// no control but tab and newline (no CR), no reordering bidi control, no tag
// character, and is accepted again unchanged. A refusal names the field.
func FuzzParseText(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s, 20)
	}
	f.Add("line 1\r\nline 2\r", 2000)
	f.Add("ok", 0)
	f.Fuzz(func(t *testing.T, s string, max int) {
		got, err := cabinet.ParseText("comment", s, max)
		if err != nil {
			if cabinet.FieldOf(err) != "comment" || !errors.Is(err, cabinet.ErrInvalid) {
				t.Fatalf("error %v is not an *InvalidError naming comment", err)
			}
			return
		}
		if !utf8.ValidString(got) || got == "" || got != strings.TrimSpace(got) || utf8.RuneCountInString(got) > max {
			t.Fatalf("%q accepted as %q: not trimmed non-empty UTF-8 of at most %d characters", s, got, max)
		}
		for _, r := range got {
			if unicode.IsControl(r) && r != '\n' && r != '\t' ||
				r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 ||
				r >= 0xE0000 && r <= 0xE007F || r == '\uFEFF' {
				t.Fatalf("%q accepted as %q, holding %U", s, got, r)
			}
		}
		again, err := cabinet.ParseText("comment", got, max)
		if err != nil || again != got {
			t.Fatalf("ParseText(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}

// asciiLower maps A–Z to a–z byte by byte and keeps every other byte.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FuzzEmailIdentity (ACC-3, CON-7): an accepted address is printable ASCII
// and re-parses to itself; its key is its ASCII lower-case; two accepted
// addresses share a key exactly when they are equal ignoring ASCII case.
func FuzzEmailIdentity(f *testing.F) {
	pairs := [][2]string{
		{"ann@example.com", "ANN@EXAMPLE.COM"},
		{"\u212Aelvin@example.com", "kelvin@example.com"},
		{"ann@[127.0.0.1]", "ann@127.0.0.1"},
		{"ann@-example-.com", "ann@example.com"},
		{`"ann"@example.com`, "ann@example.com"},
		{"a.b+c@x-y.io", "A.B+C@X-Y.IO"},
		{"ann@xn--bcher-kva.example", "ann@bücher.example"},
		{" ann@example.com ", "ann@example.com\x00"},
	}
	for _, p := range pairs {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ga, errA := cabinet.ParseEmail("email", a)
		gb, errB := cabinet.ParseEmail("email", b)
		for _, c := range []struct {
			in, got string
			err     error
		}{{a, ga, errA}, {b, gb, errB}} {
			if c.err != nil {
				if cabinet.FieldOf(c.err) != "email" || !errors.Is(c.err, cabinet.ErrInvalid) {
					t.Fatalf("error %v is not an *InvalidError naming email", c.err)
				}
				continue
			}
			for i := 0; i < len(c.got); i++ {
				if c.got[i] <= ' ' || c.got[i] >= 0x7f {
					t.Fatalf("%q accepted as %q, holding byte %#x", c.in, c.got, c.got[i])
				}
			}
			if len(c.got) > 254 || strings.Count(c.got, "@") != 1 {
				t.Fatalf("%q accepted as %q", c.in, c.got)
			}
			if again, err := cabinet.ParseEmail("email", c.got); err != nil || again != c.got {
				t.Fatalf("ParseEmail(%q) = %q, %v; not idempotent", c.got, again, err)
			}
			if k := cabinet.EmailKey(c.got); k != asciiLower(c.got) {
				t.Fatalf("EmailKey(%q) = %q, not its ASCII lower-case", c.got, k)
			}
		}
		if errA == nil && errB == nil {
			if cabinet.EqualEmails(ga, gb) != strings.EqualFold(ga, gb) {
				t.Fatalf("%q and %q: EqualEmails %v, equal ignoring ASCII case %v", ga, gb, cabinet.EqualEmails(ga, gb), strings.EqualFold(ga, gb))
			}
		}
	})
}

// FuzzEmailKey (CON-7): on any string, EmailKey is the ASCII lower-case of
// the trimmed string — every non-ASCII byte kept in place — and is
// idempotent.
func FuzzEmailKey(f *testing.F) {
	for _, s := range []string{"Ann@Example.COM", "\u212Aelvin@example.com", " x ", "\xff\xfeA", "\u0130", "ǅ@x.y", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := cabinet.EmailKey(s)
		trimmed := strings.TrimSpace(s)
		if len(k) != len(trimmed) {
			t.Fatalf("EmailKey(%q) = %q changed the length", s, k)
		}
		for i := 0; i < len(k); i++ {
			if c := trimmed[i]; c >= 0x80 && k[i] != c {
				t.Fatalf("EmailKey(%q) = %q changed the non-ASCII byte %d", s, k, i)
			}
		}
		if k != asciiLower(trimmed) {
			t.Fatalf("EmailKey(%q) = %q, want %q", s, k, asciiLower(trimmed))
		}
		if again := cabinet.EmailKey(k); again != k {
			t.Fatalf("EmailKey not idempotent: %q → %q → %q", s, k, again)
		}
	})
}
