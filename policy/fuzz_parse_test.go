package policy_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/internal/enumtest"
	"github.com/cabinet-go/cabinet/policy"
)

// FuzzParseAction (POL-1, POL-4): every valid action's String() parses back
// to it, an accepted input is exactly an action's name, and anything else —
// "invalid" included — is an *cabinet.InvalidError naming "action", so no
// invalid action can be written out and read back.
func FuzzParseAction(f *testing.F) { enumtest.Fuzz(f, "action", policy.ParseAction) }
