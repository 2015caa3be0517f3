package access_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// TestParsePersonACC2 checks the exported validator of a family-tree person
// (ACC-2): the name through cabinet.ParseName, the relation one of six.
func TestParsePersonACC2(t *testing.T) {
	cases := []struct {
		name  string
		in    access.PersonInput
		want  access.PersonInput
		field string // "" when valid
	}{
		{"trimmed", access.PersonInput{Name: "  Ann Smith ", Relation: access.RelationHolder}, access.PersonInput{Name: "Ann Smith", Relation: access.RelationHolder}, ""},
		{"every relation", access.PersonInput{Name: "Bob", Relation: access.RelationOther}, access.PersonInput{Name: "Bob", Relation: access.RelationOther}, ""},
		{"blank name", access.PersonInput{Name: " ", Relation: access.RelationChild}, access.PersonInput{}, "name"},
		{"control character", access.PersonInput{Name: "A\x00B", Relation: access.RelationChild}, access.PersonInput{}, "name"},
		{"no relation", access.PersonInput{Name: "Ann"}, access.PersonInput{}, "relation"},
		{"unknown relation", access.PersonInput{Name: "Ann", Relation: access.Relation(42)}, access.PersonInput{}, "relation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := access.ParsePerson(c.in)
			if c.field != "" {
				require.ErrorIs(t, err, cabinet.ErrInvalid)
				assert.Equal(t, c.field, cabinet.FieldOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}
