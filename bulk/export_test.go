package bulk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/team"
)

// twoOffices is practice() and a second office whose collaborator Oz is a
// member of practice's team, with a dossier, a person and a referral of
// its own in that team.
func twoOffices() []bulk.Record {
	recs := without(practice(), func(r bulk.Record) bool { _, ok := r.(bulk.Referral); return ok })
	recs = without(recs, func(r bulk.Record) bool { _, ok := r.(bulk.Team); return ok })
	return append(recs,
		bulk.User{ID: "u_oz", DisplayName: "Oz Other", Email: "oz@other.example", PersonalTeam: "pt_oz"},
		bulk.User{ID: "u_lone", DisplayName: "Lone", Email: "lone@example.com", PersonalTeam: "pt_lone"},
		bulk.Office{ID: "o_2", Name: "Other office", Email: "hello@other.example", Admin: "u_oz"},
		bulk.Dossier{ID: "d_9", Office: "o_2", Name: "Other vault", Status: cabinet.DossierActivated, Manager: "u_oz"},
		bulk.Person{ID: "p_9", Dossier: "d_9", Name: "Other person", Relation: access.RelationHolder},
		bulk.Team{ID: "t_1", Name: "Estate advisors", Lead: "u_ann", Members: []bulk.TeamMember{
			{User: "u_ann", Role: team.RoleAdmin}, {User: "u_bob", Role: team.RoleMember}, {User: "u_oz", Role: team.RoleMember},
		}},
		bulk.Referral{ID: "r_1", Team: "t_1", Referrer: "u_ann", ClientName: "Dan Client", ClientEmail: "dan@home.example", Dossier: "d_1"},
		bulk.Referral{ID: "r_9", Team: "t_1", Referrer: "u_oz", ClientName: "Other", ClientEmail: "other@example.com", Dossier: "d_9"},
	)
}

// TestExportOffice: an office's export holds its records and the users and
// teams its dossiers involve, nothing of another office, and imports.
func TestExportOffice(t *testing.T) {
	s := load(t, twoOffices()...)
	recs, err := collect(bulk.Export(context.Background(), s, "o_1"))
	require.NoError(t, err)
	var users, offices, dossiers, refs []string
	for _, r := range recs {
		switch r := r.(type) {
		case bulk.User:
			users = append(users, string(r.ID))
		case bulk.Office:
			offices = append(offices, string(r.ID))
		case bulk.Dossier:
			dossiers = append(dossiers, string(r.ID))
		case bulk.Referral:
			refs = append(refs, string(r.ID))
		}
	}
	assert.Equal(t, []string{"u_ann", "u_bob", "u_cat", "u_dan", "u_oz"}, users, "collaborators, the grantee, the team's members; not u_lone")
	assert.Equal(t, []string{"o_1"}, offices)
	assert.Equal(t, []string{"d_1", "d_2"}, dossiers)
	assert.Equal(t, []string{"r_1"}, refs, "not the other office's referral in the same team")
	_, err = roundTrip(context.Background(), recs, 3)
	require.NoError(t, err)
}

// TestExportErrors: an unknown office is not found, an empty one invalid.
func TestExportErrors(t *testing.T) {
	s := load(t, practice()...)
	_, err := collect(bulk.Export(context.Background(), s, "o_none"))
	assert.ErrorIs(t, err, cabinet.ErrNotFound)
	_, err = collect(bulk.Export(context.Background(), s, ""))
	assert.ErrorIs(t, err, cabinet.ErrInvalid)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = collect(bulk.ExportAll(ctx, s))
	assert.ErrorIs(t, err, context.Canceled)
}

// TestExportStopsWithItsConsumer: a consumer that stops early ends the
// View (the store takes writes again).
func TestExportStopsWithItsConsumer(t *testing.T) {
	s := load(t, practice()...)
	n := 0
	for _, err := range bulk.ExportAll(context.Background(), s) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	_, err := newImporter(s).Import(context.Background(), host, bulk.Stream(bulk.User{ID: "u_new", DisplayName: "New", Email: "new@example.com"}))
	require.NoError(t, err)
}
