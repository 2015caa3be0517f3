package bulk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/team"
)

// refusal is a record the import must refuse after practice(): the error's
// sentinel, rule (for conflicts and denials) and field.
type refusal struct {
	name     string
	rec      bulk.Record
	sentinel error
	rule     string
	field    string
}

// checkRefusals imports practice() (plus a second office) into a store,
// then each case's record on its own, and checks the error and that the
// store is unchanged (nothing of the batch written, no revision).
func checkRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	base := append(practice(),
		bulk.User{ID: "u_oz", DisplayName: "Oz Other", Email: "oz@other.example", PersonalTeam: "pt_oz"},
		bulk.Office{ID: "o_2", Name: "Other office", Email: "hello@other.example", Admin: "u_oz"},
		bulk.CollaboratorGroup{ID: "k_2", Office: "o_2", Name: "Other desk"},
		bulk.ClientGroup{ID: "g_2", Office: "o_2", Name: "Other clients"},
		bulk.Dossier{ID: "d_9", Office: "o_2", Name: "Other vault", Status: cabinet.DossierActivated, Manager: "u_oz"},
		bulk.Person{ID: "p_9", Dossier: "d_9", Name: "Other person", Relation: access.RelationHolder},
	)
	s := load(t, base...)
	before, rev := dump(t, s), s.Revision()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := newImporter(s).Import(context.Background(), host, bulk.Stream(c.rec))
			require.Error(t, err)
			require.ErrorIs(t, err, c.sentinel, "%v", err)
			var re *bulk.RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 0, re.Index)
			assert.Equal(t, c.rec.RecordKind(), re.Kind)
			assert.Equal(t, c.rule, cabinet.RuleOf(err), "%v", err)
			assert.Equal(t, c.field, re.Field, "%v", err)
			assert.Zero(t, res.Records)
			assert.Equal(t, rev, s.Revision(), "a refused record commits nothing")
			if d := cmp.Diff(before, dump(t, s)); d != "" {
				t.Fatalf("the store changed (-before +after):\n%s", d)
			}
		})
	}
}

// TestImportTEAM6PersonalTeam: a User record creates the account with its
// personal team, exactly one member, its owner, admin and lead (TEAM-6);
// a second account with the same email (by cabinet.EmailKey) is refused.
func TestImportTEAM6PersonalTeam(t *testing.T) {
	s := load(t, bulk.User{ID: "u_1", DisplayName: "Ann", Email: "Ann@Example.com"}, bulk.User{ID: "u_2", DisplayName: "Bob", Email: "bob@example.com", PersonalTeam: "mine"})
	err := s.ViewTeams(context.Background(), func(r team.Reader) error {
		p, err := r.PersonalTeam(context.Background(), "u_1")
		require.NoError(t, err)
		assert.True(t, p.Personal)
		assert.Equal(t, cabinet.UserID("u_1"), p.Owner)
		assert.Equal(t, cabinet.UserID("u_1"), p.Lead)
		assert.Equal(t, []team.Member{{User: "u_1", Role: team.RoleAdmin, JoinedAt: epoch}}, p.Members)
		assert.True(t, strings.HasPrefix(string(p.ID), "team_"), "a personal team ID is drawn: %s", p.ID)
		p, err = r.PersonalTeam(context.Background(), "u_2")
		require.NoError(t, err)
		assert.Equal(t, cabinet.TeamID("mine"), p.ID)
		return nil
	})
	require.NoError(t, err)
	checkRefusals(t, []refusal{
		{"same email, other case", bulk.User{ID: "u_x", DisplayName: "X", Email: "ANN@office.example"}, cabinet.ErrConflict, "", "email"},
		{"taken personal team", bulk.User{ID: "u_x", DisplayName: "X", Email: "x@example.com", PersonalTeam: "t_1"}, cabinet.ErrConflict, "", "personal_team"},
		{"bad email", bulk.User{ID: "u_x", DisplayName: "X", Email: "x@"}, cabinet.ErrInvalid, "", "email"},
		{"blank name", bulk.User{ID: "u_x", DisplayName: " ", Email: "x@example.com"}, cabinet.ErrInvalid, "", "display_name"},
		{"existing user", bulk.User{ID: "u_ann", DisplayName: "X", Email: "x@example.com"}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportTEAM1TEAM2Teams: an accepted team's lead is an admin member
// (TEAM-2); a pending team was created on its lead's behalf and has no
// member, and holds no referral (TEAM-1); members have accounts.
func TestImportTEAM1TEAM2Teams(t *testing.T) {
	admin := func(u cabinet.UserID) bulk.TeamMember { return bulk.TeamMember{User: u, Role: team.RoleAdmin} }
	member := func(u cabinet.UserID) bulk.TeamMember { return bulk.TeamMember{User: u, Role: team.RoleMember} }
	checkRefusals(t, []refusal{
		{"TEAM-2 lead not a member", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{admin("u_bob")}}, cabinet.ErrConflict, "TEAM-2", "lead"},
		{"TEAM-2 lead not an admin", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{member("u_ann"), admin("u_bob")}}, cabinet.ErrConflict, "TEAM-2", "lead"},
		{"TEAM-2 no member", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann"}, cabinet.ErrConflict, "TEAM-2", "lead"},
		{"TEAM-1 pending with members", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", CreatedBy: "u_bob", Pending: true, Members: []bulk.TeamMember{admin("u_ann")}}, cabinet.ErrConflict, "TEAM-1", "members"},
		{"TEAM-1 pending by its lead", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", Pending: true}, cabinet.ErrConflict, "TEAM-1", "pending"},
		{"unknown member", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{admin("u_ann"), member("u_nobody")}}, cabinet.ErrNotFound, "", "members"},
		{"member twice", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{admin("u_ann"), member("u_ann")}}, cabinet.ErrInvalid, "", "members"},
		{"no role", bulk.Team{ID: "t_x", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{{User: "u_ann"}}}, cabinet.ErrInvalid, "", "members"},
		{"unknown lead", bulk.Team{ID: "t_x", Name: "X", Lead: "u_nobody", CreatedBy: "u_ann", Pending: true}, cabinet.ErrNotFound, "", "lead"},
		{"existing team", bulk.Team{ID: "t_1", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{admin("u_ann")}}, cabinet.ErrConflict, "", "id"},
		{"a personal team's ID", bulk.Team{ID: "pt_ann", Name: "X", Lead: "u_ann", Members: []bulk.TeamMember{admin("u_ann")}}, cabinet.ErrConflict, "", "id"},
	})
	// TEAM-1: the pending team of the store holds no referral.
	s2 := load(t, append(practice(), bulk.Team{ID: "t_p", Name: "Pending", Lead: "u_bob", CreatedBy: "u_cat", Pending: true})...)
	_, err := newImporter(s2).Import(context.Background(), host, bulk.Stream(
		bulk.Referral{ID: "r_x", Team: "t_p", Referrer: "u_ann", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d_1"}))
	require.ErrorIs(t, err, cabinet.ErrConflict)
	assert.Equal(t, "TEAM-1", cabinet.RuleOf(err))
	var re *bulk.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "team", re.Field)
}

// TestImportTEAM7Referrals: a referral naming no team lives in its
// referrer's personal team; a member of an imported team whose personal
// team has no first team gets it (so that a later team receives nothing,
// TEAM-7); the client's account is linked by email.
func TestImportTEAM7Referrals(t *testing.T) {
	recs := without(practice(), func(r bulk.Record) bool { _, ok := r.(bulk.Team); return ok })
	recs = without(recs, func(r bulk.Record) bool { _, ok := r.(bulk.Referral); return ok })
	recs = append(recs,
		bulk.Referral{ID: "r_own", Referrer: "u_bob", ClientName: "Dan", ClientEmail: "DAN@home.example", Dossier: "d_1"},
		bulk.Team{ID: "t_1", Name: "Advisors", Lead: "u_ann", Members: []bulk.TeamMember{{User: "u_ann", Role: team.RoleAdmin}, {User: "u_bob", Role: team.RoleMember}}},
	)
	s := load(t, recs...)
	ctx := context.Background()
	err := s.ViewTeams(ctx, func(r team.Reader) error {
		ref, err := r.Referral(ctx, "r_own")
		require.NoError(t, err)
		assert.Equal(t, cabinet.TeamID("pt_bob"), ref.Team)
		assert.Equal(t, cabinet.UserID("u_dan"), ref.Client)
		for _, u := range []cabinet.UserID{"u_ann", "u_bob"} {
			p, err := r.PersonalTeam(ctx, u)
			require.NoError(t, err)
			assert.Equal(t, cabinet.TeamID("t_1"), p.FirstTeam, "%s", u)
		}
		p, err := r.PersonalTeam(ctx, "u_cat")
		require.NoError(t, err)
		assert.Empty(t, p.FirstTeam)
		return nil
	})
	require.NoError(t, err)
	// So the team Bob creates next through the services is not his first:
	// his personal referral stays where the import put it (TEAM-7).
	k, err := kit.New(ctx, s, kit.WithClock(cabinet.NewManualClock(epoch)))
	require.NoError(t, err)
	_, _, err = k.Teams.CreateTeam(ctx, "u_bob", "Bob's team", "")
	require.NoError(t, err)
	ref, err := k.Teams.Referral(ctx, "u_bob", "r_own")
	require.NoError(t, err)
	assert.Equal(t, cabinet.TeamID("pt_bob"), ref.Team)
	checkRefusals(t, []refusal{
		{"unknown dossier", bulk.Referral{ID: "r_x", Referrer: "u_ann", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d_none"}, cabinet.ErrNotFound, "", "dossier"},
		{"unknown team", bulk.Referral{ID: "r_x", Team: "t_none", Referrer: "u_ann", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d_1"}, cabinet.ErrNotFound, "", "team"},
		{"unknown referrer", bulk.Referral{ID: "r_x", Referrer: "u_none", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d_1"}, cabinet.ErrNotFound, "", "referrer"},
		{"bad client email", bulk.Referral{ID: "r_x", Referrer: "u_ann", ClientName: "C", ClientEmail: "c", Dossier: "d_1"}, cabinet.ErrInvalid, "", "client_email"},
		{"existing referral", bulk.Referral{ID: "r_1", Referrer: "u_ann", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d_1"}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportTEAM9Consent: a consent record has a valid state, is the
// dossier's only one, and names an existing dossier.
func TestImportTEAM9Consent(t *testing.T) {
	checkRefusals(t, []refusal{
		{"no state", bulk.Consent{Dossier: "d_1"}, cabinet.ErrInvalid, "", "state"},
		{"unknown dossier", bulk.Consent{Dossier: "d_none", State: team.ConsentRevoked}, cabinet.ErrNotFound, "", "dossier"},
		{"second consent record", bulk.Consent{Dossier: "d_2", State: team.ConsentGiven}, cabinet.ErrConflict, "", "dossier"},
	})
}

// TestImportGRP1SameOffice: nothing is linked across offices — members and
// direct assignments are collaborators of the group's office, collaborator
// groups are assigned and dossiers placed only within their office.
func TestImportGRP1SameOffice(t *testing.T) {
	checkRefusals(t, []refusal{
		{"collaborator group of another office", bulk.GroupAssignment{ClientGroup: "g_1", CollaboratorGroup: "k_2"}, cabinet.ErrConflict, "GRP-1", "collaborator_group"},
		{"dossier into another office's group", bulk.Dossier{ID: "d_x", Office: "o_2", Name: "X", Status: cabinet.DossierActivated, ClientGroup: "g_1"}, cabinet.ErrConflict, "GRP-1", "client_group"},
		{"member of another office", bulk.Member{Group: "k_1", User: "u_oz"}, cabinet.ErrNotFound, "", "user"},
		{"direct assignment of another office", bulk.DirectAssignment{ClientGroup: "g_1", User: "u_oz"}, cabinet.ErrNotFound, "", "user"},
		{"member twice", bulk.Member{Group: "k_1", User: "u_bob"}, cabinet.ErrConflict, "", "user"},
		{"assignment twice", bulk.GroupAssignment{ClientGroup: "g_1", CollaboratorGroup: "k_1"}, cabinet.ErrConflict, "", "collaborator_group"},
		{"unknown client group", bulk.DirectAssignment{ClientGroup: "g_none", User: "u_bob"}, cabinet.ErrNotFound, "", "client_group"},
		{"collaborator twice", bulk.Collaborator{Office: "o_1", User: "u_bob", Profile: cabinet.ProfileAdmin}, cabinet.ErrConflict, "", "user"},
		{"no profile", bulk.Collaborator{Office: "o_1", User: "u_dan"}, cabinet.ErrInvalid, "", "profile"},
		{"unknown office", bulk.Collaborator{Office: "o_none", User: "u_dan", Profile: cabinet.ProfileStandard}, cabinet.ErrNotFound, "", "office"},
		{"client group bad email", bulk.ClientGroup{ID: "g_x", Office: "o_1", Name: "X", Email: "nope"}, cabinet.ErrInvalid, "", "email"},
		{"client group without name", bulk.ClientGroup{ID: "g_x", Office: "o_1"}, cabinet.ErrInvalid, "", "name"},
	})
}

// TestImportGRP4GRP5Placement: a dossier is in at most one client group,
// its own field (GRP-4); only an activated dossier is placed — an archived
// one keeps its group, a draft is refused (GRP-5 through
// clientgroup.CanPlace); an office comes with an admin.
func TestImportGRP4GRP5Placement(t *testing.T) {
	s := load(t, append(practice(), bulk.Dossier{ID: "d_a", Office: "o_1", Name: "Archived", Status: cabinet.DossierArchived, ClientGroup: "g_1"})...)
	ctx := context.Background()
	err := s.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		ps, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
			return r.Placements(ctx, clientgroup.PlacementFilter{}, p)
		})
		assert.Equal(t, []clientgroup.Placement{{Dossier: "d_1", Office: "o_1", ClientGroup: "g_1"}, {Dossier: "d_a", Office: "o_1", ClientGroup: "g_1"}}, ps)
		c, err2 := r.Collaborator(ctx, "o_1", "u_ann")
		assert.Equal(t, cabinet.ProfileAdmin, c.Profile, "the office's admin")
		require.NoError(t, err2)
		return err
	})
	require.NoError(t, err)
	checkRefusals(t, []refusal{
		{"a draft placed", bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X", Status: cabinet.DossierDraft, ClientGroup: "g_1"}, cabinet.ErrForbidden, "GRP-5", "client_group"},
		{"unknown group", bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X", Status: cabinet.DossierActivated, ClientGroup: "g_none"}, cabinet.ErrNotFound, "", "client_group"},
		{"office without admin", bulk.Office{ID: "o_x", Name: "X", Email: "x@example.com"}, cabinet.ErrInvalid, "", "admin"},
		{"office with an unknown admin", bulk.Office{ID: "o_x", Name: "X", Email: "x@example.com", Admin: "u_none"}, cabinet.ErrNotFound, "", "admin"},
		{"office without email", bulk.Office{ID: "o_x", Name: "X", Admin: "u_ann"}, cabinet.ErrInvalid, "", "email"},
		{"existing office", bulk.Office{ID: "o_1", Name: "X", Email: "x@example.com", Admin: "u_ann"}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportGRP11ManagerIsCollaborator: a dossier's manager and assigned
// collaborators are collaborators of its office (GRP-11, as
// access.Service.SetManager and SetAssigned); the status is valid.
func TestImportGRP11ManagerIsCollaborator(t *testing.T) {
	s := load(t, append(practice(), bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X", Status: cabinet.DossierDraft, Manager: "u_bob",
		Assigned: []cabinet.UserID{"u_cat", "u_bob", "u_cat"}})...)
	err := s.ViewAccess(context.Background(), func(r access.Reader) error {
		d, err := r.Dossier(context.Background(), "d_x")
		assert.Equal(t, []cabinet.UserID{"u_cat"}, d.Assigned, "sorted, deduplicated, without the manager")
		assert.Equal(t, cabinet.UserID("u_bob"), d.CreatedBy)
		return err
	})
	require.NoError(t, err)
	checkRefusals(t, []refusal{
		{"manager outside the office", bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X", Status: cabinet.DossierDraft, Manager: "u_dan"}, cabinet.ErrInvalid, "", "manager"},
		{"manager of another office", bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X", Status: cabinet.DossierDraft, Manager: "u_oz"}, cabinet.ErrInvalid, "", "manager"},
		{"assigned outside the office", bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X", Status: cabinet.DossierDraft, Assigned: []cabinet.UserID{"u_bob", "u_dan"}}, cabinet.ErrInvalid, "", "assigned"},
		{"no status", bulk.Dossier{ID: "d_x", Office: "o_1", Name: "X"}, cabinet.ErrInvalid, "", "status"},
		{"unknown office", bulk.Dossier{ID: "d_x", Office: "o_none", Name: "X", Status: cabinet.DossierDraft}, cabinet.ErrNotFound, "", "office"},
		{"existing dossier", bulk.Dossier{ID: "d_1", Office: "o_1", Name: "X", Status: cabinet.DossierDraft}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportACC2FamilyTree: persons have a name and one of the six
// relations; a tree has at most one holder (access.CheckOneHolder).
func TestImportACC2FamilyTree(t *testing.T) {
	load(t, append(practice(), bulk.Person{ID: "p_x", Dossier: "d_1", Name: "Co", Relation: access.RelationCoHolder})...)
	checkRefusals(t, []refusal{
		{"a second holder", bulk.Person{ID: "p_x", Dossier: "d_1", Name: "X", Relation: access.RelationHolder}, cabinet.ErrConflict, "ACC-2", "relation"},
		{"no relation", bulk.Person{ID: "p_x", Dossier: "d_1", Name: "X"}, cabinet.ErrInvalid, "", "relation"},
		{"no name", bulk.Person{ID: "p_x", Dossier: "d_1", Relation: access.RelationChild}, cabinet.ErrInvalid, "", "name"},
		{"unknown dossier", bulk.Person{ID: "p_x", Dossier: "d_none", Name: "X", Relation: access.RelationChild}, cabinet.ErrNotFound, "", "dossier"},
		{"existing person", bulk.Person{ID: "p_1", Dossier: "d_1", Name: "X", Relation: access.RelationChild}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportACC3ACC4ACC8Grants: a person's grant has a valid email and
// phone and a level (ACC-3, ACC-4, access.ParseGrant); an advisor's uses
// the advisor's registered details (ACC-8); one grant per person and per
// advisor (ACC-4).
func TestImportACC3ACC4ACC8Grants(t *testing.T) {
	checkRefusals(t, []refusal{
		{"ACC-3 no phone", bulk.Grant{ID: "gr_x", Person: "p_2", Email: "dana@home.example", Level: access.LevelReadOnly}, cabinet.ErrInvalid, "", "phone"},
		{"ACC-3 bad email", bulk.Grant{ID: "gr_x", Person: "p_2", Email: "dana", Phone: "+33612345678", Level: access.LevelReadOnly}, cabinet.ErrInvalid, "", "email"},
		{"ACC-4 no level", bulk.Grant{ID: "gr_x", Person: "p_2", Email: "dana@home.example", Phone: "+33612345678"}, cabinet.ErrInvalid, "", "level"},
		{"ACC-4 second grant to a person", bulk.Grant{ID: "gr_x", Person: "p_1", Email: "dan2@home.example", Phone: "+33612345678", Level: access.LevelReadOnly}, cabinet.ErrConflict, "ACC-4", "person"},
		{"ACC-4 second grant to an advisor", bulk.Grant{ID: "gr_x", Advisor: "a_1", Level: access.LevelReadOnly}, cabinet.ErrConflict, "ACC-4", "advisor"},
		{"ACC-8 advisor grant with an email", bulk.Grant{ID: "gr_x", Advisor: "a_1", Email: "x@example.com", Level: access.LevelReadOnly}, cabinet.ErrInvalid, "", "email"},
		{"ACC-8 advisor type other without label", bulk.Advisor{ID: "a_x", Dossier: "d_1", Name: "X", Email: "x@example.com", Phone: "+33612345678", Type: access.AdvisorOther}, cabinet.ErrInvalid, "", "label"},
		{"ACC-8 advisor without phone", bulk.Advisor{ID: "a_x", Dossier: "d_1", Name: "X", Email: "x@example.com", Type: access.AdvisorBanker}, cabinet.ErrInvalid, "", "phone"},
		{"neither person nor advisor", bulk.Grant{ID: "gr_x", Level: access.LevelReadOnly}, cabinet.ErrInvalid, "", "person"},
		{"both person and advisor", bulk.Grant{ID: "gr_x", Person: "p_2", Advisor: "a_1", Level: access.LevelReadOnly}, cabinet.ErrInvalid, "", "advisor"},
		{"unknown person", bulk.Grant{ID: "gr_x", Person: "p_none", Email: "x@example.com", Phone: "+33612345678", Level: access.LevelReadOnly}, cabinet.ErrNotFound, "", "person"},
		{"reminders out of range", bulk.Grant{ID: "gr_x", Person: "p_2", Email: "dana@home.example", Phone: "+33612345678", Level: access.LevelReadOnly, Reminders: 3}, cabinet.ErrInvalid, "", "reminders"},
		{"existing grant", bulk.Grant{ID: "gr_1", Person: "p_2", Email: "dana@home.example", Phone: "+33612345678", Level: access.LevelReadOnly}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportACC5ACC6ACC7GrantAccounts: a grant is linked to the account of
// its email, whichever comes first (ACC-5, as at sign-up); a grant to a
// holder or co-holder is central (ACC-6); no account holds two grants on a
// dossier and no email gets two (ACC-7, access.CanGrantTo).
func TestImportACC5ACC6ACC7GrantAccounts(t *testing.T) {
	recs := append(practice(),
		bulk.Grant{ID: "gr_late", Person: "p_2", Email: "Late@home.example", Phone: "+33612345678", Level: access.LevelReadOnly},
		bulk.User{ID: "u_late", DisplayName: "Late", Email: "late@home.example"},
	)
	s := load(t, recs...)
	ctx := context.Background()
	err := s.ViewAccess(ctx, func(r access.Reader) error {
		g, err := r.Grant(ctx, "gr_1")
		require.NoError(t, err)
		assert.Equal(t, cabinet.UserID("u_dan"), g.User, "the account existed")
		assert.True(t, g.Central, "a holder's grant is central")
		assert.Equal(t, cabinet.OfficeID("o_1"), g.Office)
		g, err = r.Grant(ctx, "gr_late")
		require.NoError(t, err)
		assert.Equal(t, cabinet.UserID("u_late"), g.User, "linked at the account's import, as at sign-up")
		assert.False(t, g.Central)
		g, err = r.Grant(ctx, "gr_2")
		require.NoError(t, err)
		assert.Equal(t, "nora@notary.example", g.Email, "an advisor's grant takes the advisor's email")
		assert.Equal(t, access.GranteeAdvisor, g.Kind)
		return nil
	})
	require.NoError(t, err)
	checkRefusals(t, []refusal{
		{"ACC-7 an account's second grant", bulk.Grant{ID: "gr_x", Person: "p_2", Email: "DAN@home.example", Phone: "+33612345678", Level: access.LevelReadOnly}, cabinet.ErrConflict, "ACC-7", "email"},
		{"ACC-7 an email's second grant", bulk.Grant{ID: "gr_x", Person: "p_2", Email: "nora@notary.example", Phone: "+33612345678", Level: access.LevelReadOnly}, cabinet.ErrConflict, "ACC-7", "email"},
	})
}

// TestImportContactsCON1CON2CON3: contacts are checked by
// contact.ValidateFields (CON-1 client, CON-2 partner, CON-3 lead) and
// their status by the CON-1 life cycle.
func TestImportContactsCON1CON2CON3(t *testing.T) {
	load(t, append(practice(),
		bulk.Contact{ID: "ct_lead", Office: "o_1", Kind: contact.KindLead, Status: contact.StatusAdded, FirstName: "Lea", LastName: "Lead"},
		bulk.Contact{ID: "ct_sold", Office: "o_1", Kind: contact.KindClient, Status: contact.StatusAdded, FirstName: "Sam", LastName: "Sold"},
	)...)
	c := func(k contact.Kind, st contact.Status, email string) bulk.Contact {
		return bulk.Contact{ID: "ct_x", Office: "o_1", Kind: k, Status: st, FirstName: "X", LastName: "Y", Email: email}
	}
	withCompany := c(contact.KindPartner, contact.StatusAdded, "p2@example.com")
	withCompany.Company = "c_none"
	leadCompany := c(contact.KindLead, contact.StatusAdded, "")
	leadCompany.Company = "c_1"
	active := c(contact.KindClient, contact.StatusActive, "x@example.com")
	linkedAdded := c(contact.KindClient, contact.StatusAdded, "x@example.com")
	linkedAdded.User = "u_cat"
	noName := c(contact.KindLead, contact.StatusAdded, "")
	noName.LastName = ""
	otherOffice := c(contact.KindPartner, contact.StatusAdded, "p3@example.com")
	otherOffice.Office, otherOffice.Company = "o_2", "c_1"
	checkRefusals(t, []refusal{
		{"CON-1 client invited without email", c(contact.KindClient, contact.StatusInvited, ""), cabinet.ErrInvalid, "", "email"},
		{"CON-2 partner without email", c(contact.KindPartner, contact.StatusAdded, ""), cabinet.ErrInvalid, "", "email"},
		{"CON-3 lead without last name", noName, cabinet.ErrInvalid, "", "last_name"},
		{"CON-3 lead invited", c(contact.KindLead, contact.StatusInvited, ""), cabinet.ErrInvalid, "", "status"},
		{"CON-2 lead in a company", leadCompany, cabinet.ErrInvalid, "", "company"},
		{"CON-2 unknown company", withCompany, cabinet.ErrNotFound, "", "company"},
		{"CON-2 company of another office", otherOffice, cabinet.ErrNotFound, "", "company"},
		{"CON-1 active without account", active, cabinet.ErrInvalid, "", "user"},
		{"CON-1 account of an added contact", linkedAdded, cabinet.ErrInvalid, "", "user"},
		{"no kind", c(contact.KindInvalid, contact.StatusAdded, "x@example.com"), cabinet.ErrInvalid, "", "kind"},
		{"existing contact", bulk.Contact{ID: "ct_1", Office: "o_1", Kind: contact.KindLead, Status: contact.StatusAdded, FirstName: "X", LastName: "Y"}, cabinet.ErrConflict, "", "id"},
	})
}

// TestImportCON4CON7Contacts: only a client is linked to a dossier of its
// office and a person of that tree, linked to no other contact (CON-4, as
// contact.Service.LinkContact); an email is unique among an office's
// contacts, ignoring case (CON-7), but not across offices.
func TestImportCON4CON7Contacts(t *testing.T) {
	load(t, append(practice(),
		bulk.User{ID: "u_oz", DisplayName: "Oz", Email: "oz@other.example"},
		bulk.Office{ID: "o_2", Name: "Other", Email: "o2@example.com", Admin: "u_oz"},
		bulk.Contact{ID: "ct_o2", Office: "o_2", Kind: contact.KindPartner, Status: contact.StatusAdded, FirstName: "Paul", LastName: "Twin", Email: "paul@partner.example"},
	)...)
	link := func(k contact.Kind, d cabinet.DossierID, p access.PersonID) bulk.Contact {
		return bulk.Contact{ID: "ct_x", Office: "o_1", Kind: k, Status: contact.StatusAdded, FirstName: "X", LastName: "Y", Email: "x@example.com", Dossier: d, Person: p}
	}
	checkRefusals(t, []refusal{
		{"CON-7 same email, other case", bulk.Contact{ID: "ct_x", Office: "o_1", Kind: contact.KindClient, Status: contact.StatusAdded, FirstName: "X", LastName: "Y", Email: "PAUL@partner.example"}, cabinet.ErrConflict, "CON-7", "email"},
		{"CON-4 a partner linked", link(contact.KindPartner, "d_1", ""), cabinet.ErrConflict, "CON-4", "dossier"},
		{"a dossier of another office", link(contact.KindClient, "d_9", ""), cabinet.ErrNotFound, "", "dossier"},
		{"a person of another tree", link(contact.KindClient, "d_1", "p_9"), cabinet.ErrNotFound, "", "person"},
		{"a person linked twice", link(contact.KindClient, "d_1", "p_1"), cabinet.ErrConflict, "", "person"},
		{"a person without dossier", link(contact.KindClient, "", "p_2"), cabinet.ErrInvalid, "", "person"},
	})
}

// TestImportIDs: IDs are required, printable ASCII without space, at most
// bulk.MaxIDLength bytes.
func TestImportIDs(t *testing.T) {
	checkRefusals(t, []refusal{
		{"empty", bulk.CollaboratorGroup{Office: "o_1", Name: "X"}, cabinet.ErrInvalid, "", "id"},
		{"space", bulk.CollaboratorGroup{ID: "k x", Office: "o_1", Name: "X"}, cabinet.ErrInvalid, "", "id"},
		{"non-ASCII", bulk.CollaboratorGroup{ID: "kü", Office: "o_1", Name: "X"}, cabinet.ErrInvalid, "", "id"},
		{"too long", bulk.CollaboratorGroup{ID: cabinet.CollaboratorGroupID(strings.Repeat("k", bulk.MaxIDLength+1)), Office: "o_1", Name: "X"}, cabinet.ErrInvalid, "", "id"},
		{"a reference", bulk.Member{Group: "k_1", User: "u bob"}, cabinet.ErrInvalid, "", "user"},
	})
	load(t, bulk.User{ID: cabinet.UserID("CLI-00042/" + strings.Repeat("x", bulk.MaxIDLength-10)), DisplayName: "Host IDs", Email: "h@example.com"})
}

// TestImportArchivedDossierACC12: an archived dossier arrives with its
// tree, grants and group (ACC-12 forbids changing it, not loading it).
func TestImportArchivedDossierACC12(t *testing.T) {
	load(t, append(practice(),
		bulk.Dossier{ID: "d_a", Office: "o_1", Name: "Archived", Status: cabinet.DossierArchived, Manager: "u_bob", ClientGroup: "g_1"},
		bulk.Person{ID: "p_a", Dossier: "d_a", Name: "Holder", Relation: access.RelationHolder},
		bulk.Grant{ID: "gr_a", Person: "p_a", Email: "cat@office.example", Phone: "+33612345678", Level: access.LevelReadWrite},
		bulk.Referral{ID: "r_a", Referrer: "u_bob", ClientName: "H", ClientEmail: "h@example.com", Dossier: "d_a"},
	)...)
}
