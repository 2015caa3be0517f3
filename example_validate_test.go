package cabinet_test

import (
	"fmt"

	"github.com/cabinet-go/cabinet"
)

// A name made of zero-width characters, or one carrying a bidi override, is
// refused; a joiner inside an emoji sequence or a Persian name is kept.
func ExampleParseName() {
	for _, s := range []string{"  Smith family ", "\u200B\u200B", "Ann\u202Egnp.exe", "حسن\u200Cزاده"} {
		name, err := cabinet.ParseName("name", s)
		fmt.Printf("%+q %v\n", name, err)
	}
	// Output:
	// "Smith family" <nil>
	// "" cabinet: invalid name: contains an invisible formatting character (U+200B)
	// "" cabinet: invalid name: contains a bidirectional control character (U+202E)
	// "\u062d\u0633\u0646\u200c\u0632\u0627\u062f\u0647" <nil>
}

// Comments keep their lines; terminal escapes are refused.
func ExampleParseText() {
	text, err := cabinet.ParseText("text", "Payslip received.\r\nThanks!\n", 2000)
	fmt.Printf("%q %v\n", text, err)
	_, err = cabinet.ParseText("text", "ok\x1b[2J", 2000)
	fmt.Println(err)
	// Output:
	// "Payslip received.\nThanks!" <nil>
	// cabinet: invalid text: contains a control character (U+001B)
}

// Email keys fold ASCII letters only: the Kelvin sign (U+212A) is not "k",
// and ParseEmail refuses it.
func ExampleEmailKey() {
	fmt.Println(cabinet.EqualEmails("Ann@Example.COM", "ann@example.com"))
	fmt.Println(cabinet.EqualEmails("\u212Aelvin@example.com", "kelvin@example.com"))
	_, err := cabinet.ParseEmail("email", "\u212Aelvin@example.com")
	fmt.Println(err)
	_, err = cabinet.ParseEmail("email", "ann@[127.0.0.1]")
	fmt.Println(err)
	// Output:
	// true
	// false
	// cabinet: invalid email: "\u212aelvin@example.com" is not an ASCII email address (write an internationalised domain in its xn-- form)
	// cabinet: invalid email: "ann@[127.0.0.1]" has no valid domain: domain literals ([…]) are not accepted
}
