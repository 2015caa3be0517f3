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

// TestParseAdvisorACC3ACC8 checks the exported validator of an external
// advisor's details: name, email (ACC-3), phone in E.164 (ACC-3), type and
// the label of type other (ACC-8).
func TestParseAdvisorACC3ACC8(t *testing.T) {
	ok := access.AdvisorInput{Name: " Nora ", Email: "Nora@Example.COM", Phone: "+33 6 12 34 56 78", Type: access.AdvisorNotary}
	got, err := access.ParseAdvisor(ok)
	require.NoError(t, err)
	assert.Equal(t, access.AdvisorInput{Name: "Nora", Email: "Nora@example.com", Phone: "+33612345678", Type: access.AdvisorNotary}, got)

	other := ok
	other.Type, other.Label = access.AdvisorOther, " banquier privé "
	got, err = access.ParseAdvisor(other)
	require.NoError(t, err)
	assert.Equal(t, "banquier privé", got.Label)

	cases := []struct {
		name  string
		edit  func(*access.AdvisorInput)
		field string
	}{
		{"blank name", func(in *access.AdvisorInput) { in.Name = "" }, "name"},
		{"bad email", func(in *access.AdvisorInput) { in.Email = "nora@" }, "email"},
		{"missing phone", func(in *access.AdvisorInput) { in.Phone = "" }, "phone"},
		{"bad phone", func(in *access.AdvisorInput) { in.Phone = "12" }, "phone"},
		{"no type", func(in *access.AdvisorInput) { in.Type = access.AdvisorTypeInvalid }, "type"},
		{"label on a named type", func(in *access.AdvisorInput) { in.Label = "x" }, "label"},
		{"other without label", func(in *access.AdvisorInput) { in.Type = access.AdvisorOther }, "label"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			_, err := access.ParseAdvisor(in)
			require.ErrorIs(t, err, cabinet.ErrInvalid)
			assert.Equal(t, c.field, cabinet.FieldOf(err))
		})
	}
}

// TestParseGrantACC3 checks the exported validator of GrantPerson's input:
// email and phone both required and valid (ACC-3), a level (ACC-4).
func TestParseGrantACC3(t *testing.T) {
	got, err := access.ParseGrant(access.GrantInput{Email: " Ann@Example.com ", Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	require.NoError(t, err)
	assert.Equal(t, access.GrantInput{Email: "Ann@example.com", Phone: "+33612345678", Level: access.LevelReadWrite}, got)
	cases := []struct {
		name  string
		in    access.GrantInput
		field string
	}{
		{"missing email", access.GrantInput{Phone: "+33612345678", Level: access.LevelReadOnly}, "email"},
		{"bad email", access.GrantInput{Email: "ann", Phone: "+33612345678", Level: access.LevelReadOnly}, "email"},
		{"missing phone", access.GrantInput{Email: "ann@example.com", Level: access.LevelReadOnly}, "phone"},
		{"bad phone", access.GrantInput{Email: "ann@example.com", Phone: "abc", Level: access.LevelReadOnly}, "phone"},
		{"no level", access.GrantInput{Email: "ann@example.com", Phone: "+33612345678"}, "level"},
		{"email first", access.GrantInput{}, "email"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := access.ParseGrant(c.in)
			require.ErrorIs(t, err, cabinet.ErrInvalid)
			assert.Equal(t, c.field, cabinet.FieldOf(err))
		})
	}
}

// TestCheckOneHolderACC2 checks the exported one-holder rule of a family
// tree (ACC-2): a second holder is a conflict naming ACC-2; the holder
// itself (being edited) and co-holders are not.
func TestCheckOneHolderACC2(t *testing.T) {
	tree := []access.Person{
		{ID: "p1", Relation: access.RelationHolder},
		{ID: "p2", Relation: access.RelationCoHolder},
		{ID: "p3", Relation: access.RelationChild},
	}
	err := access.CheckOneHolder(tree, "")
	require.ErrorIs(t, err, cabinet.ErrConflict)
	assert.Equal(t, "ACC-2", cabinet.RuleOf(err))
	assert.ErrorIs(t, access.CheckOneHolder(tree, "p3"), cabinet.ErrConflict, "making another person holder")
	assert.NoError(t, access.CheckOneHolder(tree, "p1"), "the holder itself")
	assert.NoError(t, access.CheckOneHolder(tree[1:], ""), "co-holders only")
	assert.NoError(t, access.CheckOneHolder(nil, ""), "an empty tree")
}
