package policy_test

// One test per SPEC v2 rule that policy answers, each named after its rule
// and built on the rich world (rules_test.go) through the services: every
// attack of issue 11 that policy can be asked about is a denial here.

import (
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// expect is one question and its expected answer: the routes when allowed,
// else the rule of the denial.
type expect struct {
	name   string
	s      policy.Subject
	a      policy.Action
	r      policy.Resource
	routes cabinet.Routes
	rule   string // the denial's rule when routes is empty
}

func (w *rich) expectAll(t *testing.T, tests []expect) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.t = t
			d := w.check(tt.s, tt.a, tt.r)
			switch {
			case tt.routes != 0 && (!d.Allowed || d.Routes != tt.routes):
				t.Errorf("%v %v %v = %v (routes %s), want routes %s", tt.s, tt.a, tt.r, d, d.Routes, tt.routes)
			case tt.routes == 0 && (d.Allowed || d.Rule != tt.rule):
				t.Errorf("%v %v %v = %v (rule %s), want a %s denial", tt.s, tt.a, tt.r, d, d.Rule, tt.rule)
			}
		})
	}
	w.t = t
}

func (w *rich) personal(u cabinet.UserID) cabinet.TeamID {
	w.t.Helper()
	return engMust(w.k.Teams.PersonalTeam(w.ctx, u))(w.t).ID
}

// TEAM-1 v2: a team created for someone else is pending until that lead
// accepts it; only they answer; it has no member and nobody manages it.
func TestTEAM1PendingTeamAnsweredByItsLead(t *testing.T) {
	w := newRich(t)
	tp := engMust(rec(w.k.Teams.CreateTeam(w.ctx, w.staff, "For Otto", w.outsider)))(t).ID
	tr := policy.TeamResource(tp)
	w.expectAll(t, []expect{
		{"the named lead answers", u(w.outsider), policy.AnswerTeam, tr, cabinet.RouteSelf, ""},
		{"the creator does not answer", u(w.staff), policy.AnswerTeam, tr, 0, "TEAM-1"},
		{"nobody else answers", u(w.other), policy.AnswerTeam, tr, 0, "TEAM-1"},
		{"the named lead sees it", u(w.outsider), policy.ViewTeam, tr, cabinet.RouteSelf, ""},
		{"its creator sees it", u(w.staff), policy.ViewTeam, tr, cabinet.RouteSelf, ""},
		{"others do not", u(w.other), policy.ViewTeam, tr, 0, "TEAM-1"},
		{"nobody manages its members", u(w.outsider), policy.ManageTeamMembers, tr, 0, "TEAM-1"},
		{"it receives no referral", u(w.referrer), policy.Refer, dr(w.dossier).WithTeam(tp), 0, "TEAM-1"},
	})
	engMust(rec(w.k.Teams.AcceptTeam(w.ctx, w.outsider, tp)))(t)
	w.expectAll(t, []expect{
		{"accepted: its lead is its admin", u(w.outsider), policy.ManageTeamMembers, tr, cabinet.RouteTeamAdmin, ""},
		{"answering twice is a conflict", u(w.outsider), policy.AnswerTeam, tr, 0, "TEAM-1"},
	})
}

// TEAM-2 v2: only the lead hands lead status, to an admin; the lead cannot
// leave.
func TestTEAM2OnlyTheLeadHandsLeadStatus(t *testing.T) {
	w := newRich(t)
	tr := policy.TeamResource(w.tm)
	w.expectAll(t, []expect{
		{"to a member who is not an admin", u(w.outsider), policy.TransferLead, tr.WithUser(w.referrer), 0, "TEAM-2"},
		{"the lead leaving", u(w.outsider), policy.LeaveTeam, tr, 0, "TEAM-2"},
		{"a member leaving", u(w.referrer), policy.LeaveTeam, tr, cabinet.RouteTeamMember, ""},
	})
	engMust(rec(w.k.Teams.ChangeRole(w.ctx, w.outsider, w.tm, w.referrer, team.RoleAdmin)))(t)
	w.expectAll(t, []expect{
		{"an admin cannot take it", u(w.referrer), policy.TransferLead, tr.WithUser(w.referrer), 0, "TEAM-2"},
		{"the lead hands it to an admin", u(w.outsider), policy.TransferLead, tr.WithUser(w.referrer), cabinet.RouteTeamAdmin, ""},
		{"to someone outside the team", u(w.outsider), policy.TransferLead, tr.WithUser(w.staff), 0, "POL-4"},
	})
}

// TEAM-8 v2: referring shares a vault one already holds — an internal route
// or the granted central person — and the team route never raises anyone's
// rights: not the central persons' own, and it closes when the referrer
// loses the dossier (GRP-11).
func TestTEAM8ReferRequiresReach(t *testing.T) {
	w := newRich(t)
	w.expectAll(t, []expect{
		{"an account with no link", u(w.zoe), policy.Refer, dr(w.dossier2), 0, "TEAM-8"},
		{"an unknown dossier", u(w.zoe), policy.Refer, dr("dos_unknown"), 0, "TEAM-8"},
		{"a member reaching it only through the team route", u(w.outsider), policy.Refer, dr(w.dossier), 0, "TEAM-8"},
		{"a read_write family member", u(w.kid), policy.Refer, dr(w.dossier2), 0, "TEAM-8"},
		{"an external advisor", u(w.advisor), policy.Refer, dr(w.dossier2), 0, "TEAM-8"},
		{"a collaborator without route", u(w.staff), policy.Refer, dr(w.dossier2), 0, "TEAM-8"},
		{"an assigned collaborator", u(w.assigned), policy.Refer, dr(w.dossier), cabinet.RouteAssigned, ""},
		{"the granted holder, into her personal team", u(w.client), policy.Refer, dr(w.dossier2), cabinet.RouteCentralPerson, ""},
		{"into another user's personal team", u(w.assigned), policy.Refer, dr(w.dossier).WithTeam(w.personal(w.admin)), 0, "TEAM-7"},
	})
	// The holder refers herself: her team gets the team route, she keeps
	// her grant's rights and nothing more.
	engMust(rec(w.k.Teams.Refer(w.ctx, w.client, team.ReferInput{ClientName: "Cleo", ClientEmail: "cleo@example.com", Dossier: w.dossier2})))(t)
	w.expectAll(t, []expect{
		{"the holder views through her grant only", u(w.client), view, dr(w.dossier2), cabinet.RouteCentralPerson, ""},
		{"the holder does not use reports", u(w.client), policy.UseReports, dr(w.dossier2), 0, "ACC-11"},
		{"the holder does not edit notes", u(w.client), policy.EditSection, policy.SectionResource(w.dossier2, access.SectionNotes), 0, "ACC-11"},
	})
	// The referrer leaves the office: the team route through their
	// referral closes.
	w.want(u(w.outsider), view, dr(w.dossier), cabinet.RouteTeam)
	engOK(t, errRev(w.k.Groups.RemoveCollaborator(w.ctx, w.admin, w.office, w.referrer)))
	if d := w.want(u(w.outsider), view, dr(w.dossier), 0); d.Rule != "TEAM-8" {
		t.Errorf("after the referrer left: %v, want a TEAM-8 denial", d)
	}
	// An archived dossier is shared with nobody (after TEAM-8).
	engOK(t, errOf(w.k.Access.SetStatus(w.ctx, w.admin, w.dossier, cabinet.DossierArchived)))
	w.expectAll(t, []expect{
		{"archived", u(w.assigned), policy.Refer, dr(w.dossier), 0, "ACC-12"},
		{"archived, and no reach", u(w.zoe), policy.Refer, dr(w.dossier), 0, "TEAM-8"},
	})
	w.fresh()
}

// TEAM-8 v2: the team route opens no more than its referrer holds. A
// read_only holder who refers her own vault into her team lets her
// teammate view it — not edit it, not its notes, not the tools; raised to
// read_write, the teammate edits what a holder edits, never the notes or
// the tools. The services agree (access refuses the family-tree edit).
func TestTEAM8TeamRouteOpensNoMoreThanItsReferrerHolds(t *testing.T) {
	w := newRich(t)
	holder := engMust(rec(w.k.Access.AddPerson(w.ctx, w.admin, w.dossier, access.PersonInput{Name: "Hugo", Relation: access.RelationHolder})))(t)
	g := engMust(rec(w.k.Access.GrantPerson(w.ctx, w.admin, holder.ID, access.GrantInput{Email: "hugo@example.com", Phone: "+33611112222", Level: access.LevelReadOnly})))(t)
	hugo := w.user("Hugo", "hugo@example.com")
	mate := w.user("Tess Mate", "tess@example.com")
	tm := engMust(rec(w.k.Teams.CreateTeam(w.ctx, hugo, "Family office", "")))(t).ID
	inv := engMust(rec(w.k.Teams.Invite(w.ctx, hugo, tm, "tess@example.com", team.RoleMember)))(t)
	engMust(rec(w.k.Teams.AcceptInvitation(w.ctx, mate, inv.ID)))(t)
	engMust(rec(w.k.Teams.Refer(w.ctx, hugo, team.ReferInput{Team: tm, ClientName: "Hugo", ClientEmail: "hugo@example.com", Dossier: w.dossier})))(t)
	notes := policy.SectionResource(w.dossier, access.SectionNotes)
	assets := policy.SectionResource(w.dossier, access.SectionAssetInventory)
	w.expectAll(t, []expect{
		{"read_only referrer: the teammate views", u(mate), view, dr(w.dossier), cabinet.RouteTeam, ""},
		{"read_only referrer: no section edit", u(mate), policy.EditSection, assets, 0, "TEAM-8"},
		{"read_only referrer: no family tree edit", u(mate), policy.EditFamilyTree, dr(w.dossier), 0, "ACC-11"},
		{"read_only referrer: no reports", u(mate), policy.UseReports, dr(w.dossier), 0, "TEAM-8"},
		{"the holder herself: her grant only", u(hugo), policy.EditSection, assets, 0, "ACC-11"},
	})
	_, _, err := w.k.Access.AddPerson(w.ctx, mate, w.dossier, access.PersonInput{Name: "Nina", Relation: access.RelationOther})
	if !errors.Is(err, cabinet.ErrForbidden) {
		t.Fatalf("AddPerson through a read_only referrer's team route: %v, want ErrForbidden", err)
	}
	engMust(rec(w.k.Access.ChangeLevel(w.ctx, w.admin, g.ID, access.LevelReadWrite)))(t)
	w.expectAll(t, []expect{
		{"read_write referrer: the teammate edits a client section", u(mate), policy.EditSection, assets, cabinet.RouteTeam, ""},
		{"read_write referrer: the teammate edits the family tree", u(mate), policy.EditFamilyTree, dr(w.dossier), cabinet.RouteTeam, ""},
		{"read_write referrer: never the notes", u(mate), policy.EditSection, notes, 0, "TEAM-8"},
		{"read_write referrer: never the tools", u(mate), policy.UseSimulations, dr(w.dossier), 0, "TEAM-8"},
	})
	engMust(rec(w.k.Access.AddPerson(w.ctx, mate, w.dossier, access.PersonInput{Name: "Nina", Relation: access.RelationOther})))(t)
	w.fresh()
}

// TEAM-9 v2: consent is one switch per dossier, held by its granted
// central persons only; revoking closes the team route in every team.
func TestTEAM9ConsentIsOneSwitchPerDossier(t *testing.T) {
	w := newRich(t)
	// A second team holds a referral of dossier: staff's (group direct).
	t2 := engMust(rec(w.k.Teams.CreateTeam(w.ctx, w.staff, "Second", "")))(t).ID
	inv := engMust(rec(w.k.Teams.Invite(w.ctx, w.staff, t2, "olga@example.com", team.RoleMember)))(t)
	engMust(rec(w.k.Teams.AcceptInvitation(w.ctx, w.other, inv.ID)))(t)
	engMust(rec(w.k.Teams.Refer(w.ctx, w.staff, team.ReferInput{Team: t2, ClientName: "Cleo", ClientEmail: "cleo@example.com", Dossier: w.dossier})))(t)
	holder := engMust(rec(w.k.Access.AddPerson(w.ctx, w.admin, w.dossier, access.PersonInput{Name: "Hugo", Relation: access.RelationHolder})))(t)
	engMust(rec(w.k.Access.GrantPerson(w.ctx, w.admin, holder.ID, access.GrantInput{Email: "hugo@example.com", Phone: "+33611112222", Level: access.LevelReadOnly})))(t)
	hugo := w.user("Hugo", "hugo@example.com")
	w.expectAll(t, []expect{
		{"the holder changes it", u(hugo), policy.ManageConsent, dr(w.dossier), cabinet.RouteCentralPerson, ""},
		{"the holder reads it", u(hugo), policy.ViewConsent, dr(w.dossier), cabinet.RouteCentralPerson, ""},
		{"not the referrer", u(w.referrer), policy.ManageConsent, dr(w.dossier), 0, "TEAM-9"},
		{"not the client a referral names", u(w.client), policy.ManageConsent, dr(w.dossier), 0, "TEAM-9"},
		{"not the manager", u(w.admin), policy.ManageConsent, dr(w.dossier), 0, "TEAM-9"},
		{"an unknown dossier", u(hugo), policy.ManageConsent, dr("dos_unknown"), 0, "TEAM-9"},
		{"open in the first team", u(w.outsider), view, dr(w.dossier), cabinet.RouteTeam, ""},
		{"open in the second team", u(w.other), view, dr(w.dossier), cabinet.RouteTeam, ""},
	})
	engMust(rec(w.k.Teams.RevokeConsent(w.ctx, hugo, w.dossier)))(t)
	w.expectAll(t, []expect{
		{"closed in the first team", u(w.outsider), view, dr(w.dossier), 0, "TEAM-9"},
		{"closed in the second team", u(w.other), policy.EditSection, policy.SectionResource(w.dossier, access.SectionAssetInventory), 0, "TEAM-9"},
		{"the referral is still listed", u(w.outsider), policy.ListReferrals, policy.TeamResource(w.tm), cabinet.RouteTeamAdmin, ""},
	})
	w.fresh()
	engMust(rec(w.k.Teams.RestoreConsent(w.ctx, hugo, w.dossier)))(t)
	w.want(u(w.other), view, dr(w.dossier), cabinet.RouteTeam)
}

// ACC-2 v2: who is central is the manager's decision; a read_write family
// member edits everything else about non-central persons.
func TestACC2CentralPersonsAreTheManagers(t *testing.T) {
	w := newRich(t)
	var cleo access.PersonID
	for _, p := range mustPersons(w.ctx, w.store, w.dossier2) {
		if p.Relation == access.RelationHolder {
			cleo = p.ID
		}
	}
	kidPerson := func() access.PersonID {
		for _, p := range mustPersons(w.ctx, w.store, w.dossier2) {
			if p.Relation == access.RelationChild {
				return p.ID
			}
		}
		return ""
	}()
	d2 := dr(w.dossier2)
	w.expectAll(t, []expect{
		{"the family member adds a child", u(w.kid), policy.EditFamilyTree, d2.WithRelation(access.RelationChild), cabinet.RouteFamily, ""},
		{"the family member does not add a co-holder", u(w.kid), policy.EditFamilyTree, d2.WithRelation(access.RelationCoHolder), 0, "ACC-2"},
		{"the family member does not edit the holder", u(w.kid), policy.EditFamilyTree, policy.PersonResource(w.dossier2, cleo), 0, "ACC-2"},
		{"the family member does not make a child holder", u(w.kid), policy.EditFamilyTree, policy.PersonResource(w.dossier2, kidPerson).WithRelation(access.RelationHolder), 0, "ACC-2"},
		{"the family member does not remove the holder", u(w.kid), policy.RemovePerson, policy.PersonResource(w.dossier2, cleo), 0, "ACC-2"},
		{"an admin does not add a co-holder", u(w.admin), policy.EditFamilyTree, d2.WithRelation(access.RelationCoHolder), 0, "ACC-2"},
		{"the manager adds a co-holder", u(w.other), policy.EditFamilyTree, d2.WithRelation(access.RelationCoHolder), cabinet.RouteManager, ""},
		{"a read_only holder does not edit the tree", u(w.client), policy.EditFamilyTree, d2.WithRelation(access.RelationChild), 0, "ACC-11"},
		{"the granted holder is never removed", u(w.other), policy.RemovePerson, policy.PersonResource(w.dossier2, cleo), 0, "ACC-6"},
	})
}

// ACC-3 v2: while no account is linked, whoever manages a grant corrects
// its email and phone; once linked, they are fixed.
func TestACC3CorrectsAnUnlinkedGrant(t *testing.T) {
	w := newRich(t)
	p := engMust(rec(w.k.Access.AddPerson(w.ctx, w.other, w.dossier2, access.PersonInput{Name: "Neph", Relation: access.RelationOther})))(t)
	g := engMust(rec(w.k.Access.GrantPerson(w.ctx, w.other, p.ID, access.GrantInput{Email: "typo@exmaple.com", Phone: "+33612340000", Level: access.LevelReadOnly})))(t)
	linked := w.grantOf("cleo@example.com")
	w.expectAll(t, []expect{
		{"the manager corrects an unlinked grant", u(w.other), policy.CorrectGrantContact, policy.GrantResource(w.dossier2, g.ID), cabinet.RouteManager, ""},
		{"the central person corrects a family grant", u(w.client), policy.CorrectGrantContact, policy.GrantResource(w.dossier2, g.ID), cabinet.RouteCentralPerson, ""},
		{"a linked grant is fixed", u(w.other), policy.CorrectGrantContact, policy.GrantResource(w.dossier2, linked), 0, "ACC-3"},
		{"an admin does not correct", u(w.admin), policy.CorrectGrantContact, policy.GrantResource(w.dossier2, g.ID), 0, "ACC-1"},
		{"a grant of another dossier", u(w.other), policy.CorrectGrantContact, policy.GrantResource(w.dossier, g.ID), 0, "POL-4"},
	})
}

// ACC-7 v2: a central person grants non-central persons at most their own
// level (the one-grant-per-account part is the service's, on the email).
func TestACC7CentralPersonGrantsAtMostOwnLevel(t *testing.T) {
	w := newRich(t)
	p := engMust(rec(w.k.Access.AddPerson(w.ctx, w.other, w.dossier2, access.PersonInput{Name: "Gran", Relation: access.RelationParent})))(t)
	co := engMust(rec(w.k.Access.AddPerson(w.ctx, w.other, w.dossier2, access.PersonInput{Name: "Co", Relation: access.RelationCoHolder})))(t)
	pr := policy.PersonResource(w.dossier2, p.ID)
	w.expectAll(t, []expect{
		{"read_only holder grants read_only", u(w.client), policy.GrantAccess, pr.WithLevel(access.LevelReadOnly), cabinet.RouteCentralPerson, ""},
		{"read_only holder does not grant read_write", u(w.client), policy.GrantAccess, pr.WithLevel(access.LevelReadWrite), 0, "ACC-7"},
		{"same question as manage_family_access", u(w.client), policy.ManageFamilyAccess, pr.WithLevel(access.LevelReadWrite), 0, "ACC-7"},
		{"not a central person", u(w.client), policy.GrantAccess, policy.PersonResource(w.dossier2, co.ID).WithLevel(access.LevelReadOnly), 0, "ACC-7"},
		{"the manager grants read_write", u(w.other), policy.GrantAccess, pr.WithLevel(access.LevelReadWrite), cabinet.RouteManager, ""},
		{"the family member does not grant", u(w.kid), policy.GrantAccess, pr.WithLevel(access.LevelReadOnly), 0, "ACC-1"},
		{"an already granted person", u(w.other), policy.GrantAccess, policy.PersonResource(w.dossier2, mustPersonWithGrant(t, w, "kid@example.com")).WithLevel(access.LevelReadOnly), 0, "ACC-4"},
		{"the holder raises a grant above her level", u(w.client), policy.ChangeGrantLevel, policy.GrantResource(w.dossier2, w.grantOf("kid@example.com")).WithLevel(access.LevelReadWrite), 0, "ACC-7"},
	})
}

func mustPersonWithGrant(t *testing.T, w *rich, email string) access.PersonID {
	t.Helper()
	var p access.PersonID
	engOK(t, w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		g, err := r.Grant(w.ctx, w.grantOf(email))
		p = g.Person
		return err
	}))
	return p
}

// ACC-11 v2: central persons and family members with read_write edit every
// client section, documents included, never notes nor the tools; read_only
// only views.
func TestACC11GrantsEditClientSections(t *testing.T) {
	w := newRich(t)
	sec := func(s access.Section) policy.Resource { return policy.SectionResource(w.dossier2, s) }
	w.expectAll(t, []expect{
		{"read_write family edits documents", u(w.kid), policy.EditSection, sec(access.SectionDocuments), cabinet.RouteFamily, ""},
		{"read_write family edits donations", u(w.kid), policy.EditSection, sec(access.SectionDonationInventory), cabinet.RouteFamily, ""},
		{"read_write family never edits notes", u(w.kid), policy.EditSection, sec(access.SectionNotes), 0, "ACC-11"},
		{"read_write family never uses simulations", u(w.kid), policy.UseSimulations, dr(w.dossier2), 0, "ACC-11"},
		{"read_only holder only views", u(w.client), policy.EditSection, sec(access.SectionDocuments), 0, "ACC-11"},
		{"advisors never edit documents", u(w.advisor), policy.EditSection, sec(access.SectionDocuments), 0, "ACC-10"},
	})
}

// ACC-12 v2: an archived dossier is read-only: every action but viewing is
// denied naming ACC-12 — but its reactivation, and consent (TEAM-9).
func TestACC12ArchivedDossierOnlyViews(t *testing.T) {
	w := newRich(t)
	engOK(t, errOf(w.k.Access.SetStatus(w.ctx, w.admin, w.dossier2, cabinet.DossierArchived)))
	d2 := dr(w.dossier2)
	w.expectAll(t, []expect{
		{"the holder views", u(w.client), view, d2, cabinet.RouteCentralPerson, ""},
		{"the manager views", u(w.other), view, d2, cabinet.RouteManager, ""},
		{"the manager does not edit", u(w.other), policy.EditSection, policy.SectionResource(w.dossier2, access.SectionAssetInventory), 0, "ACC-12"},
		{"the family member does not edit", u(w.kid), policy.EditSection, policy.SectionResource(w.dossier2, access.SectionAssetInventory), 0, "ACC-12"},
		{"the manager does not use reports", u(w.other), policy.UseReports, d2, 0, "ACC-12"},
		{"nor manage family access", u(w.other), policy.ManageFamilyAccess, d2, 0, "ACC-12"},
		{"nor the holder", u(w.client), policy.ManageFamilyAccess, d2, 0, "ACC-12"},
		{"nor manage advisors", u(w.other), policy.ManageExternalAdvisors, d2, 0, "ACC-12"},
		{"nor organise it", u(w.admin), policy.SetManager, d2, 0, "ACC-12"},
		{"nor edit the tree", u(w.other), policy.EditFamilyTree, d2.WithRelation(access.RelationChild), 0, "ACC-12"},
		{"nor place it", u(w.admin), policy.AssignClientGroup, d2.WithGroup(w.group), 0, "ACC-12"},
		{"nor take it out", u(w.admin), policy.AssignClientGroup, d2, 0, "ACC-12"},
		{"nor refer it", u(w.other), policy.Refer, d2, 0, "ACC-12"},
		{"nor move it back to draft", u(w.admin), policy.SetStatus, d2.WithStatus(cabinet.DossierDraft), 0, "ACC-12"},
		{"the access rights are read", u(w.other), policy.ViewAccessRights, d2, cabinet.RouteManager, ""},
		{"an admin reactivates it", u(w.admin), policy.SetStatus, d2.WithStatus(cabinet.DossierActivated), cabinet.RouteAdmin, ""},
		{"consent is changed", u(w.client), policy.ManageConsent, d2, cabinet.RouteCentralPerson, ""},
	})
}

// GRP-5 v2: whoever may activate a dossier names its client group in the
// same command; afterwards placing is admin work.
func TestGRP5PlacementAtActivation(t *testing.T) {
	w := newRich(t)
	d5 := engMust(rec(w.k.Access.CreateDossier(w.ctx, w.other, w.office, "Draft")))(t).ID
	at := policy.DossierResource(d5).WithStatus(cabinet.DossierActivated)
	w.expectAll(t, []expect{
		{"the manager activates it into a group", u(w.other), policy.SetStatus, at.WithGroup(w.group), cabinet.RouteManager, ""},
		{"the manager does not place it later", u(w.other), policy.AssignClientGroup, policy.DossierResource(d5).WithGroup(w.group), 0, "GRP-5"},
		{"a draft is not placed by an admin", u(w.admin), policy.AssignClientGroup, policy.DossierResource(d5).WithGroup(w.group), 0, "GRP-5"},
		{"a group of another office", u(w.other), policy.SetStatus, at.WithGroup("group_unknown"), 0, "POL-4"},
		{"an activated dossier is not activated into a group", u(w.admin), policy.SetStatus, dr(w.dossier2).WithStatus(cabinet.DossierActivated).WithGroup(w.group), 0, "GRP-5"},
		{"a group with another status", u(w.other), policy.SetStatus, policy.DossierResource(d5).WithStatus(cabinet.DossierArchived).WithGroup(w.group), 0, "POL-4"},
	})
}

// GRP-11 v2: a collaborator removed from the office keeps no right of a
// manager or an assignee, and nothing through the referrals they made.
func TestGRP11RemovedManagerKeepsNothing(t *testing.T) {
	w := newRich(t)
	w.want(u(w.other), policy.ManageExternalAdvisors, dr(w.dossier2), cabinet.RouteManager)
	engOK(t, errRev(w.k.Groups.RemoveCollaborator(w.ctx, w.admin, w.office, w.other)))
	d2 := dr(w.dossier2)
	w.expectAll(t, []expect{
		{"no view", u(w.other), view, d2, 0, "POL-1"},
		{"no family access", u(w.other), policy.ManageFamilyAccess, d2, 0, "ACC-1"},
		{"no advisors", u(w.other), policy.ManageExternalAdvisors, d2, 0, "ACC-9"},
		{"no organising", u(w.other), policy.SetManager, d2, 0, "ACC-1"},
		{"no grant to a person", u(w.other), policy.GrantAccess, policy.PersonResource(w.dossier2, mustPersonWithGrant(t, w, "kid@example.com")).WithLevel(access.LevelReadOnly), 0, "ACC-1"},
		{"no contact address", u(w.other), policy.ReadContactAddress, d2, 0, "GRP-7"},
		{"no referral", u(w.other), policy.Refer, d2, 0, "TEAM-8"},
	})
	w.fresh()
}

// CON-6 v2: impersonation only views, as the contact; the session ends when
// its collaborator leaves the office, and a collaborator added again does
// not get it back.
func TestCON6ImpersonationOnlyViewsAndEndsWithTheCollaborator(t *testing.T) {
	w := newRich(t)
	p := engMust(rec(w.k.Access.AddPerson(w.ctx, w.admin, w.dossier, access.PersonInput{Name: "Zoe", Relation: access.RelationSpouse})))(t)
	engMust(rec(w.k.Access.GrantPerson(w.ctx, w.admin, p.ID, access.GrantInput{Email: "zoe@example.com", Phone: "+33611111111", Level: access.LevelReadWrite})))(t)
	s := policy.Impersonating(w.session)
	sec := policy.SectionResource(w.dossier, access.SectionAssetInventory)
	w.expectAll(t, []expect{
		{"the contact edits", u(w.zoe), policy.EditSection, sec, cabinet.RouteFamily, ""},
		{"the session views", s, view, dr(w.dossier), cabinet.RouteFamily, ""},
		{"the session does not edit", s, policy.EditSection, sec, 0, "CON-6"},
		{"the session does not manage consent", s, policy.ManageConsent, dr(w.dossier), 0, "CON-6"},
		{"the session does not accept an invitation", s, policy.CreateTeam, policy.AccountResource(w.zoe), 0, "CON-6"},
		{"the actor uses the session", u(w.staff), policy.UseSession, policy.SessionResource(w.session), cabinet.RouteCollaborator, ""},
		{"another collaborator does not", u(w.other), policy.UseSession, policy.SessionResource(w.session), 0, "CON-6"},
	})
	engOK(t, errRev(w.k.Groups.RemoveCollaborator(w.ctx, w.admin, w.office, w.staff)))
	w.expectAll(t, []expect{
		{"ended: nothing is viewed", s, view, dr(w.dossier), 0, "CON-6"},
		{"ended: the actor cannot use it", u(w.staff), policy.UseSession, policy.SessionResource(w.session), 0, "CON-6"},
	})
	engMust(rec(w.k.Groups.AddCollaborator(w.ctx, w.admin, w.office, w.staff, cabinet.ProfileStandard)))(t)
	w.expectAll(t, []expect{
		{"added again: still ended", s, view, dr(w.dossier), 0, "CON-6"},
		{"added again: stopping is a conflict", u(w.staff), policy.StopSession, policy.SessionResource(w.session), 0, "CON-6"},
	})
	w.fresh()
}

// PROC-3 v2 and PROC-7 v2: participants read their seat and their role's
// items; staff who reach the case view and review every item; participants
// do not read the staff's case.
func TestPROC3PROC7ParticipantsAndStaff(t *testing.T) {
	w := newRich(t)
	main, notary := policy.ItemResource(w.kase, w.mainItem), policy.ItemResource(w.kase, w.notaryItem)
	kr := policy.CaseResource(w.kase)
	w.expectAll(t, []expect{
		{"PROC-7 staff view the main item", u(w.staff), policy.ViewItem, main, cabinet.RouteCaseStaff, ""},
		{"PROC-7 staff view the contributor's item", u(w.admin), policy.ViewItem, notary, cabinet.RouteCaseStaff, ""},
		{"PROC-7 staff review", u(w.staff), policy.ReviewItem, main, cabinet.RouteCaseStaff, ""},
		{"PROC-7 staff read the case", u(w.staff), policy.ViewCase, kr, cabinet.RouteCaseStaff, ""},
		{"PROC-7 staff without the dossier do not", u(w.other), policy.ViewItem, main, 0, "PROC-7"},
		{"PROC-7 participants do not review", u(w.client), policy.ReviewItem, main, 0, "PROC-7"},
		{"PROC-7 participants do not read the staff's case", u(w.advisor), policy.ViewCase, kr, 0, "PROC-7"},
		{"PROC-3 the contributor reads their seat", u(w.advisor), policy.ViewAsParticipant, kr, cabinet.RouteContributor, ""},
		{"PROC-3 the main recipient reads theirs", u(w.client), policy.ViewAsParticipant, kr, cabinet.RouteMainRecipient, ""},
		{"PROC-3 a non-participant does not", u(w.staff), policy.ViewAsParticipant, kr, 0, "PROC-3"},
		{"PROC-3 the contributor does not view the main item", u(w.advisor), policy.ViewItem, main, 0, "PROC-3"},
		{"PROC-3 an unknown item", u(w.client), policy.ViewItem, policy.ItemResource(w.kase, "i_ghost"), 0, "POL-4"},
	})
}

// PROC-1: outside the premium option inviting contributors is refused, and
// existing contributors keep what they had.
func TestPROC1ExistingContributorsKeepWhatTheyHad(t *testing.T) {
	w := newRich(t)
	engMust(rec(w.k.Procedures.SetPlan(w.ctx, testHost, w.office, procedure.PlanStandard)))(t)
	w.expectAll(t, []expect{
		{"no more invitations", u(w.staff), policy.InviteContributor, policy.CaseResource(w.kase), 0, "PROC-1"},
		{"no contributor roles", u(w.admin), policy.ConfigureRoles, policy.ProcedureResource(w.proc), 0, "PROC-1"},
		{"the main role is still configured", u(w.admin), policy.ConfigureProcedure, policy.ProcedureResource(w.proc), cabinet.RouteAdmin, ""},
		{"the contributor still uploads", u(w.advisor), policy.UploadItem, policy.ItemResource(w.kase, w.notaryItem), cabinet.RouteContributor, ""},
		{"a seat is still withdrawn", u(w.staff), policy.RemoveContributor, policy.CaseResource(w.kase), cabinet.RouteCaseStaff, ""},
	})
	_, _, err := w.k.Procedures.Upload(w.ctx, w.advisor, w.kase, w.notaryItem, "deed.pdf")
	engOK(t, err)
}

// CON-5 v2: marking a unit sold is manage_contacts on the unit; the buyers
// it names are checked by the service on top (CON-5: among the attached
// leads), as the agreement property verifies on every sale.
func TestCON5BuyersAreCheckedOnTop(t *testing.T) {
	w := newRich(t)
	lead := engMust(rec(w.k.Contacts.CreateContact(w.ctx, w.admin, w.office, contact.KindLead, contact.Fields{FirstName: "L", LastName: "Ead"})))(t)
	other := engMust(rec(w.k.Contacts.CreateContact(w.ctx, w.admin, w.office, contact.KindLead, contact.Fields{FirstName: "O", LastName: "Ther"})))(t)
	unit := engMust(rec(w.k.Contacts.CreateUnit(w.ctx, w.admin, w.office, "Lot 7")))(t)
	engMust(rec(w.k.Contacts.AttachLead(w.ctx, w.admin, unit.ID, lead.ID)))(t)
	w.want(u(w.staff), policy.ManageContacts, policy.UnitResource(unit.ID), cabinet.RouteCollaborator)
	if d := w.check(u(w.zoe), policy.ManageContacts, policy.UnitResource(unit.ID)); d.Allowed || d.Rule != "CON-1" {
		t.Errorf("a stranger: %v, want CON-1", d)
	}
	_, _, err := w.k.Contacts.MarkUnitSold(w.ctx, w.staff, unit.ID, []cabinet.ContactID{other.ID})
	var c *cabinet.ConflictError
	if !errors.As(err, &c) || c.Rule != "CON-5" {
		t.Fatalf("selling to a lead not attached: %v, want a CON-5 conflict", err)
	}
	engMust(rec(w.k.Contacts.MarkUnitSold(w.ctx, w.staff, unit.ID, []cabinet.ContactID{lead.ID})))(t)
	w.fresh()
}
