package contact_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/enumtest"
)

// Round trips of contact's enum parsers (fuzz_test.go covers
// ValidateFields): for each, every valid value's String() parses back to
// it, an accepted input is exactly a valid value's name, and anything else
// is an *cabinet.InvalidError naming the field.

// FuzzParseKind: client, partner and lead (CON-1, CON-2, CON-3).
func FuzzParseKind(f *testing.F) { enumtest.Fuzz(f, "kind", contact.ParseKind) }

// FuzzParseStatus: added, invited and active (CON-1).
func FuzzParseStatus(f *testing.F) { enumtest.Fuzz(f, "status", contact.ParseStatus) }

// FuzzParseUnitStatus: available, reserved and sold (CON-5).
func FuzzParseUnitStatus(f *testing.F) {
	enumtest.Fuzz(f, "unit_status", contact.ParseUnitStatus)
}
