package access_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/internal/enumtest"
)

// Round trips of access's enum parsers: for each, every valid value's
// String() parses back to it, an accepted input is exactly a valid value's
// name, and anything else is an *cabinet.InvalidError naming the field.

// FuzzParseActionKind: the kinds of GrantAllows's actions (ACC-4, ACC-7,
// ACC-9, ACC-10, ACC-11).
func FuzzParseActionKind(f *testing.F) { enumtest.Fuzz(f, "action", access.ParseActionKind) }

// FuzzParseSection: the five sections (ACC-10, ACC-11).
func FuzzParseSection(f *testing.F) { enumtest.Fuzz(f, "section", access.ParseSection) }

// FuzzParseTool: simulations and reports (ACC-10, ACC-11).
func FuzzParseTool(f *testing.F) { enumtest.Fuzz(f, "tool", access.ParseTool) }

// FuzzParseRelation: the relations of the family tree (ACC-2).
func FuzzParseRelation(f *testing.F) { enumtest.Fuzz(f, "relation", access.ParseRelation) }

// FuzzParseLevel: read_only and read_write (ACC-4).
func FuzzParseLevel(f *testing.F) { enumtest.Fuzz(f, "level", access.ParseLevel) }

// FuzzParseAdvisorType: the professions of external advisors (ACC-8).
func FuzzParseAdvisorType(f *testing.F) { enumtest.Fuzz(f, "type", access.ParseAdvisorType) }
