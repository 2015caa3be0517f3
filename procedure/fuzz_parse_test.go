package procedure_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/internal/enumtest"
	"github.com/cabinet-go/cabinet/procedure"
)

// Round trips of procedure's enum parsers: for each, every valid value's
// String() parses back to it, an accepted input is exactly a valid value's
// name, and anything else is an *cabinet.InvalidError naming the field.

// FuzzParsePlan: standard and platinum (PROC-1).
func FuzzParsePlan(f *testing.F) { enumtest.Fuzz(f, "plan", procedure.ParsePlan) }

// FuzzParsePermission: view, upload, comment and submit (PROC-4).
func FuzzParsePermission(f *testing.F) {
	enumtest.Fuzz(f, "permission", procedure.ParsePermission)
}
