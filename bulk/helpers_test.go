package bulk_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// host names the importer of the tests.
const host cabinet.Host = "migration"

var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// newStore returns an empty memory store whose transactions run twice, as
// every fixture of the library does (a store may re-run an Update).
func newStore() *memstore.Store { return memstore.New(memstore.RunTwice()) }

// newImporter returns an importer into s with a manual clock and
// sequential IDs.
func newImporter(s *memstore.Store, opts ...cabinet.Option) *bulk.Importer {
	opts = append([]cabinet.Option{cabinet.WithClock(cabinet.NewManualClock(epoch)), cabinet.WithIDs(&cabinet.SequentialIDs{})}, opts...)
	return bulk.NewImporter(s, opts...)
}

// practice is a small office with every kind of record: three
// collaborators, a collaborator group, a client group, two dossiers (one
// placed), a family tree with a granted holder, an external advisor, a
// revoked consent, a team with a referral, a company, a partner and a
// client linked to the holder.
func practice() []bulk.Record {
	at := func(d int) time.Time { return epoch.Add(time.Duration(d) * time.Hour) }
	return []bulk.Record{
		bulk.User{ID: "u_ann", DisplayName: "Ann Admin", Email: "ann@office.example", CreatedAt: at(-100), PersonalTeam: "pt_ann"},
		bulk.User{ID: "u_bob", DisplayName: "Bob Standard", Email: "bob@office.example", CreatedAt: at(-99), PersonalTeam: "pt_bob"},
		bulk.User{ID: "u_cat", DisplayName: "Cat Standard", Email: "cat@office.example", CreatedAt: at(-98), PersonalTeam: "pt_cat"},
		bulk.User{ID: "u_dan", DisplayName: "Dan Client", Email: "dan@home.example", CreatedAt: at(-97), PersonalTeam: "pt_dan"},
		bulk.Office{ID: "o_1", Name: "Smith & Partners", Email: "hello@office.example", Admin: "u_ann", CreatedAt: at(-90)},
		bulk.Collaborator{Office: "o_1", User: "u_bob", Profile: cabinet.ProfileStandard, AddedAt: at(-89)},
		bulk.Collaborator{Office: "o_1", User: "u_cat", Profile: cabinet.ProfileStandard, AddedAt: at(-88)},
		bulk.CollaboratorGroup{ID: "k_1", Office: "o_1", Name: "Paris desk", CreatedAt: at(-80)},
		bulk.Member{Group: "k_1", User: "u_bob"},
		bulk.ClientGroup{ID: "g_1", Office: "o_1", Name: "Estates", Email: "estates@office.example", CreatedAt: at(-79)},
		bulk.DirectAssignment{ClientGroup: "g_1", User: "u_cat"},
		bulk.GroupAssignment{ClientGroup: "g_1", CollaboratorGroup: "k_1"},
		bulk.Dossier{ID: "d_1", Office: "o_1", Name: "Dan's vault", Status: cabinet.DossierActivated, Manager: "u_ann", ClientGroup: "g_1", CreatedAt: at(-70)},
		bulk.Person{ID: "p_1", Dossier: "d_1", Name: "Dan Client", Relation: access.RelationHolder, CreatedAt: at(-69)},
		bulk.Person{ID: "p_2", Dossier: "d_1", Name: "Dana Client", Relation: access.RelationChild, CreatedAt: at(-68)},
		bulk.Advisor{ID: "a_1", Dossier: "d_1", Name: "Nora Notary", Email: "nora@notary.example", Phone: "+33612345678", Type: access.AdvisorNotary, CreatedAt: at(-67)},
		bulk.Grant{ID: "gr_1", Person: "p_1", Email: "dan@home.example", Phone: "+33611111111", Level: access.LevelReadWrite, GrantedBy: "u_ann", GrantedAt: at(-66)},
		bulk.Grant{ID: "gr_2", Advisor: "a_1", Level: access.LevelReadOnly, GrantedBy: "u_ann", GrantedAt: at(-65), InvitedAt: at(-65)},
		bulk.Dossier{ID: "d_2", Office: "o_1", Name: "Draft file", Status: cabinet.DossierDraft, Manager: "u_bob", Assigned: []cabinet.UserID{"u_cat"}, CreatedAt: at(-60)},
		bulk.Consent{Dossier: "d_2", State: team.ConsentRevoked, ChangedBy: "u_dan", ChangedAt: at(-59)},
		bulk.Company{ID: "c_1", Office: "o_1", Name: "Notaires Réunis", CreatedAt: at(-50)},
		bulk.Contact{ID: "ct_1", Office: "o_1", Kind: contact.KindPartner, Status: contact.StatusAdded, FirstName: "Paul", LastName: "Partner", Email: "paul@partner.example", Company: "c_1", CreatedAt: at(-49)},
		bulk.Contact{ID: "ct_2", Office: "o_1", Kind: contact.KindClient, Status: contact.StatusActive, FirstName: "Dan", LastName: "Client", Email: "dan@home.example", User: "u_dan", Dossier: "d_1", Person: "p_1", CreatedAt: at(-48), InvitedAt: at(-48)},
		bulk.Team{ID: "t_1", Name: "Estate advisors", Lead: "u_ann", CreatedAt: at(-40), Members: []bulk.TeamMember{
			{User: "u_ann", Role: team.RoleAdmin}, {User: "u_bob", Role: team.RoleMember, JoinedAt: at(-39)},
		}},
		bulk.Referral{ID: "r_1", Team: "t_1", Referrer: "u_ann", ClientName: "Dan Client", ClientEmail: "dan@home.example", Dossier: "d_1", CreatedAt: at(-30)},
	}
}

// load imports recs into a new store and returns it.
func load(t *testing.T, recs ...bulk.Record) *memstore.Store {
	t.Helper()
	s := newStore()
	_, err := newImporter(s).Import(context.Background(), host, bulk.Stream(recs...))
	require.NoError(t, err)
	return s
}

// dump returns every record of s (ExportAll).
func dump(t testing.TB, s *memstore.Store) []bulk.Record {
	t.Helper()
	var out []bulk.Record
	for r, err := range bulk.ExportAll(context.Background(), s) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

// without returns recs without the records for which drop is true.
func without(recs []bulk.Record, drop func(bulk.Record) bool) []bulk.Record {
	var out []bulk.Record
	for _, r := range recs {
		if !drop(r) {
			out = append(out, r)
		}
	}
	return out
}
