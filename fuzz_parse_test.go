package cabinet_test

import (
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/enumtest"
)

// FuzzParseProfile: profile names round-trip through String and Parse;
// anything else is an *InvalidError naming "profile".
func FuzzParseProfile(f *testing.F) { enumtest.Fuzz(f, "profile", cabinet.ParseProfile) }

// FuzzParseDossierStatus: status names round-trip through String and
// Parse; anything else is an *InvalidError naming "status".
func FuzzParseDossierStatus(f *testing.F) {
	enumtest.Fuzz(f, "status", cabinet.ParseDossierStatus)
}
