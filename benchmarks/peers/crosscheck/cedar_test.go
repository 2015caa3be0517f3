package crosscheck_test

import (
	"context"
	"math/rand"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/benchmarks/peers/crosscheck"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// matrixState is a hand-built state in which each user stands for one
// route or one limit of SPEC v2.
func matrixState() *state {
	s := &state{}
	for _, u := range []cabinet.UserID{"adm", "mgr", "asg", "dir", "mem", "ex", "adm2", "hold", "kid", "adv", "advro", "tm", "tm3", "cent3"} {
		s.Users = append(s.Users, cabinet.User{ID: u, DisplayName: string(u), Email: string(u) + "@example.com", CreatedAt: t0})
	}
	s.Offices = []clientgroup.Office{{ID: "o1", Name: "o1", CreatedAt: t0}, {ID: "o2", Name: "o2", CreatedAt: t0}}
	s.Collabs = []clientgroup.Collaborator{
		{Office: "o1", User: "adm", Profile: cabinet.ProfileAdmin},
		{Office: "o1", User: "mgr", Profile: cabinet.ProfileStandard},
		{Office: "o1", User: "asg", Profile: cabinet.ProfileStandard},
		{Office: "o1", User: "dir", Profile: cabinet.ProfileStandard},
		{Office: "o1", User: "mem", Profile: cabinet.ProfileStandard},
		{Office: "o2", User: "adm2", Profile: cabinet.ProfileAdmin},
	}
	s.CGroups = []clientgroup.CollaboratorGroup{{ID: "k1", Office: "o1", Name: "k1"}}
	s.Members = []clientgroup.Member{{Group: "k1", Office: "o1", User: "mem"}, {Group: "k1", Office: "o1", User: "ex"}}
	s.Groups = []clientgroup.ClientGroup{{ID: "g1", Office: "o1", Name: "g1"}}
	s.Direct = []clientgroup.DirectAssignment{{ClientGroup: "g1", Office: "o1", User: "dir"}, {ClientGroup: "g1", Office: "o1", User: "ex"}}
	s.GAssign = []clientgroup.GroupAssignment{{ClientGroup: "g1", Office: "o1", CollaboratorGroup: "k1"}}
	s.Dossiers = []access.Dossier{
		{ID: "d1", Office: "o1", Status: cabinet.DossierActivated, Manager: "mgr", Assigned: []cabinet.UserID{"asg"}},
		{ID: "d2", Office: "o1", Status: cabinet.DossierActivated, Manager: "ex", Assigned: []cabinet.UserID{"ex"}}, // ex left o1
		{ID: "d3", Office: "o1", Status: cabinet.DossierActivated, Manager: "mgr"},
		{ID: "d4", Office: "o1", Status: cabinet.DossierArchived, Manager: "mgr"},
		{ID: "d5", Office: "o1", Status: cabinet.DossierDraft, Manager: "mgr"},
	}
	s.Place = []clientgroup.Placement{{Dossier: "d1", Office: "o1", ClientGroup: "g1"}, {Dossier: "d4", Office: "o1", ClientGroup: "g1"}}
	s.Persons = []access.Person{
		{ID: "p1", Dossier: "d1", Relation: access.RelationHolder},
		{ID: "p2", Dossier: "d1", Relation: access.RelationChild},
		{ID: "p3", Dossier: "d3", Relation: access.RelationHolder},
	}
	s.Advisors = []access.Advisor{{ID: "x1", Dossier: "d1", Type: access.AdvisorNotary}, {ID: "x2", Dossier: "d1", Type: access.AdvisorBanker}}
	s.Grants = []access.Grant{
		{ID: "a1", Dossier: "d1", Office: "o1", Kind: access.GranteePerson, Person: "p1", Central: true, Level: access.LevelReadOnly, User: "hold"},
		{ID: "a2", Dossier: "d1", Office: "o1", Kind: access.GranteePerson, Person: "p2", Level: access.LevelReadWrite, User: "kid"},
		{ID: "a3", Dossier: "d1", Office: "o1", Kind: access.GranteeAdvisor, Advisor: "x1", Level: access.LevelReadWrite, User: "adv"},
		{ID: "a4", Dossier: "d1", Office: "o1", Kind: access.GranteeAdvisor, Advisor: "x2", Level: access.LevelReadOnly, User: "advro"},
		{ID: "a5", Dossier: "d3", Office: "o1", Kind: access.GranteePerson, Person: "p3", Central: true, Level: access.LevelReadWrite, User: "cent3"},
	}
	s.Teams = []team.Team{
		{ID: "t1", Name: "t1", Lead: "tm", Members: []team.Member{{User: "hold", Role: team.RoleMember}, {User: "tm", Role: team.RoleAdmin}}},
		{ID: "t3", Name: "t3", Lead: "tm3", Members: []team.Member{{User: "tm3", Role: team.RoleAdmin}}},
	}
	s.Referrals = []team.Referral{
		{ID: "r1", Team: "t1", Referrer: "tm", Dossier: "d1", Consent: team.ConsentGiven},
		{ID: "r3", Team: "t3", Referrer: "tm3", Dossier: "d3", Consent: team.ConsentRevoked},
	}
	return s
}

// TestCedarPolicies checks dossier.cedar against SPEC v2 on matrixState,
// without cabinet: each row is one sentence of the SPEC.
func TestCedarPolicies(t *testing.T) {
	ctx := context.Background()
	ps := policies(t)
	m, err := matrixState().store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	em, err := crosscheck.Translate(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	const (
		view  = policy.ViewDossier
		edit  = policy.EditSection
		sims  = policy.UseSimulations
		reps  = policy.UseReports
		fam   = policy.ManageFamilyAccess
		advs  = policy.ManageExternalAdvisors
		setm  = policy.SetManager
		place = policy.AssignClientGroup
	)
	var (
		fs    = access.SectionFamilyStructure
		ai    = access.SectionAssetInventory
		docs  = access.SectionDocuments
		notes = access.SectionNotes
	)
	check := func(rule string, u cabinet.UserID, a policy.Action, s access.Section, d cabinet.DossierID, want bool) {
		t.Helper()
		q := crosscheck.Question{User: u, Action: a, Dossier: d, Section: s}
		t.Run(rule+"/"+q.String(), func(t *testing.T) {
			got := crosscheck.Authorize(ps, em, q)
			if len(got.Errors) > 0 {
				t.Fatalf("evaluation errors: %v", got.Errors)
			}
			if got.Allowed != want {
				t.Errorf("%s: %s; want allowed=%v", q, got, want)
			}
		})
	}
	// GRP-3: the five internal routes open every content action.
	check("GRP-3", "adm", view, 0, "d1", true)
	check("GRP-3", "adm", edit, notes, "d1", true)
	check("GRP-3", "adm", reps, 0, "d1", true)
	check("GRP-3", "mgr", view, 0, "d1", true)
	check("GRP-3", "asg", edit, notes, "d1", true)
	check("GRP-3", "dir", view, 0, "d1", true)
	check("GRP-3", "mem", sims, 0, "d1", true)
	check("GRP-2", "dir", view, 0, "d3", false)  // d3 is in no client group
	check("GRP-3", "adm2", view, 0, "d1", false) // admin of another office
	// GRP-11 (v2): someone who left the office keeps nothing.
	check("GRP-11", "ex", view, 0, "d2", false)
	check("GRP-11", "ex", view, 0, "d1", false)
	check("GRP-11", "ex", advs, 0, "d2", false)
	check("GRP-11", "ex", fam, 0, "d2", false)
	check("GRP-11", "ex", setm, 0, "d2", false)
	// TEAM-8, TEAM-4: the team route is full access to the content.
	check("TEAM-8", "tm", view, 0, "d1", true)
	check("TEAM-4", "tm", edit, docs, "d1", true)
	check("TEAM-4", "tm", reps, 0, "d1", true)
	check("TEAM-8", "tm", fam, 0, "d1", false)
	// TEAM-9 (v2): revoked consent closes the team route.
	check("TEAM-9", "tm3", view, 0, "d3", false)
	// TEAM-8 (v2): never for the dossier's own central persons.
	check("TEAM-8", "hold", sims, 0, "d1", false)
	check("TEAM-8", "hold", edit, fs, "d1", false) // read_only, team route closed to them
	// ACC-4, ACC-7: a central person views and manages family access.
	check("ACC-4", "hold", view, 0, "d1", true)
	check("ACC-7", "hold", fam, 0, "d1", true)
	check("ACC-9", "hold", advs, 0, "d1", false)
	check("ACC-11", "cent3", edit, docs, "d3", true)
	check("ACC-11", "cent3", edit, notes, "d3", false)
	check("ACC-11", "cent3", reps, 0, "d3", false)
	// ACC-11 (v2): read_write family members edit the client sections.
	check("ACC-11", "kid", edit, docs, "d1", true)
	check("ACC-11", "kid", edit, ai, "d1", true)
	check("ACC-11", "kid", edit, notes, "d1", false)
	check("ACC-11", "kid", reps, 0, "d1", false)
	check("ACC-7", "kid", fam, 0, "d1", false)
	// ACC-10: external advisors.
	check("ACC-10", "adv", edit, ai, "d1", true)
	check("ACC-10", "adv", edit, docs, "d1", false)
	check("ACC-10", "adv", sims, 0, "d1", false)
	check("ACC-10", "advro", edit, fs, "d1", false)
	check("ACC-10", "advro", view, 0, "d1", true)
	// ACC-1, ACC-9: the manager only, admins not.
	check("ACC-1", "mgr", fam, 0, "d1", true)
	check("ACC-1", "adm", fam, 0, "d1", false)
	check("ACC-9", "mgr", advs, 0, "d1", true)
	check("ACC-9", "adm", advs, 0, "d1", false)
	// GRP-5, GRP-11: setting the manager, placing.
	check("GRP-5", "adm", setm, 0, "d1", true)
	check("GRP-11", "mgr", setm, 0, "d1", true)
	check("GRP-5", "asg", setm, 0, "d1", false)
	check("GRP-5", "adm", place, 0, "d1", true)
	check("GRP-5", "adm", place, 0, "d5", false) // draft
	check("GRP-5", "mgr", place, 0, "d1", false)
	// ACC-12 (v2): archived is read-only for everyone.
	check("ACC-12", "adm", view, 0, "d4", true)
	check("ACC-12", "adm", edit, ai, "d4", false)
	check("ACC-12", "mgr", fam, 0, "d4", false)
	check("ACC-12", "adm", setm, 0, "d4", false)
	check("ACC-12", "adm", place, 0, "d4", false)
	// POL-4: an unknown user.
	check("POL-4", nobody, view, 0, "d1", false)
}

// TestPoliciesAreNamed: every policy of dossier.cedar has an @id and names
// the rules it encodes (@rule), so that every decision says why (POL-2).
func TestPoliciesAreNamed(t *testing.T) {
	ps := policies(t)
	n := 0
	for id, p := range ps.All() {
		n++
		if p.Annotations()["rule"] == "" {
			t.Errorf("policy %s has no @rule", id)
		}
	}
	if n < 10 {
		t.Errorf("dossier.cedar has %d policies, want every route and limit", n)
	}
}

// TestGeneratorCoversEveryPolicy guards the property against a generator
// that never reaches a route: over 200 random states, every policy of
// dossier.cedar decides at least one question.
func TestGeneratorCoversEveryPolicy(t *testing.T) {
	ctx := context.Background()
	ps := policies(t)
	fired := map[string]int{}
	for i := range 200 {
		s := genState(rand.New(rand.NewSource(int64(1000 + i))))
		m, err := s.store(ctx)
		if err != nil {
			t.Fatal(err)
		}
		em, err := crosscheck.Translate(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range questions(s) {
			for _, p := range crosscheck.Authorize(ps, em, q).Policies {
				fired[p]++
			}
		}
	}
	for id := range ps.All() {
		if fired[string(id)] == 0 {
			t.Errorf("no random state makes policy %s decide anything", id)
		}
	}
	t.Logf("policies deciding, over 200 states: %v", fired)
}
