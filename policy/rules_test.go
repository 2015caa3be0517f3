package policy_test

import (
	"context"
	"errors"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// rich is an office where every route of POL-1 exists once.
type rich struct {
	*engWorld
	cgMember, assigned, kid cabinet.UserID
	referrer                cabinet.UserID // assigned to dossier, refers it into tm (TEAM-8 v2)
	tm                      cabinet.TeamID
	referral                cabinet.ReferralID
	zoe                     cabinet.UserID
	zoeContact              cabinet.ContactID
	session                 contact.SessionID
	proc                    cabinet.ProcedureID
	kase                    cabinet.CaseID
	mainItem, notaryItem    procedure.ItemID
}

func newRich(t testing.TB) *rich {
	t.Helper()
	w := &rich{engWorld: newEngWorld(t)}
	ctx, k := w.ctx, w.k
	w.cgMember = w.user("Carl Member", "carl@example.com")
	w.assigned = w.user("Asha Assigned", "asha@example.com")
	w.referrer = w.user("Rex Referrer", "rex@example.com")
	for _, u := range []cabinet.UserID{w.cgMember, w.assigned, w.referrer} {
		engMust(rec(k.Groups.AddCollaborator(ctx, w.admin, w.office, u, cabinet.ProfileStandard)))(t)
	}
	engOK(t, errOf(k.Access.SetStatus(ctx, w.admin, w.dossier, cabinet.DossierActivated)))
	engOK(t, errOf(k.Access.SetStatus(ctx, w.admin, w.dossier2, cabinet.DossierActivated)))
	engOK(t, errRev(k.Groups.MoveDossier(ctx, w.admin, w.dossier, w.group)))
	engOK(t, errOf(k.Groups.AssignCollaborator(ctx, w.admin, w.group, w.staff)))
	engOK(t, errOf(k.Access.SetAssigned(ctx, w.admin, w.dossier, []cabinet.UserID{w.assigned, w.referrer})))
	cg := engMust(rec(k.Groups.CreateCollaboratorGroup(ctx, w.admin, w.office, "Tax")))(t)
	engOK(t, errOf(k.Groups.AddMember(ctx, w.admin, cg.ID, w.cgMember)))
	engOK(t, errOf(k.Groups.AssignCollaboratorGroup(ctx, w.admin, w.group, cg.ID)))
	engOK(t, errOf(k.Access.SetManager(ctx, w.admin, w.dossier2, w.other)))
	// Grants on dossier2: the client (holder), a child, an advisor.
	holder := engMust(rec(k.Access.AddPerson(ctx, w.other, w.dossier2, access.PersonInput{Name: "Cleo", Relation: access.RelationHolder})))(t)
	engMust(rec(k.Access.GrantPerson(ctx, w.other, holder.ID, access.GrantInput{Email: "cleo@example.com", Phone: "+33612345678", Level: access.LevelReadOnly})))(t)
	child := engMust(rec(k.Access.AddPerson(ctx, w.other, w.dossier2, access.PersonInput{Name: "Kid", Relation: access.RelationChild})))(t)
	engMust(rec(k.Access.GrantPerson(ctx, w.other, child.ID, access.GrantInput{Email: "kid@example.com", Phone: "+33612345679", Level: access.LevelReadWrite})))(t)
	w.kid = w.user("Kid", "kid@example.com")
	adv := engMust(rec(k.Access.RegisterAdvisor(ctx, w.other, w.dossier2, access.AdvisorInput{Name: "Abe", Email: "abe@example.com", Phone: "+33612345670", Type: access.AdvisorBanker})))(t)
	engMust(rec(k.Access.GrantAdvisor(ctx, w.other, adv.ID, access.LevelReadOnly)))(t)
	// The team route to dossier.
	// (TEAM-8 v2: the referrer, an assigned collaborator, already reaches it.)
	tm := engMust(rec(k.Teams.CreateTeam(ctx, w.outsider, "Advisors", w.outsider)))(t)
	w.tm = tm.ID
	inv := engMust(rec(k.Teams.Invite(ctx, w.outsider, tm.ID, "rex@example.com", team.RoleMember)))(t)
	engMust(rec(k.Teams.AcceptInvitation(ctx, w.referrer, inv.ID)))(t)
	w.referral = engMust(rec(k.Teams.Refer(ctx, w.referrer, team.ReferInput{Team: tm.ID, ClientName: "Cleo", ClientEmail: "cleo@example.com", Dossier: w.dossier})))(t).ID
	// A client contact with an account, impersonated by staff.
	c := engMust(rec(k.Contacts.CreateContact(ctx, w.admin, w.office, contact.KindClient, contact.Fields{FirstName: "Zoe", LastName: "Z", Email: "zoe@example.com"})))(t)
	w.zoeContact = c.ID
	engMust(rec(k.Contacts.InviteContact(ctx, w.admin, c.ID)))(t)
	w.zoe = w.user("Zoe", "zoe@example.com")
	w.session = engMust(rec(k.Contacts.StartImpersonation(ctx, w.staff, c.ID)))(t).ID
	// A procedure with a contributor role, and a case on dossier.
	engMust(rec(k.Procedures.SetPlan(ctx, testHost, w.office, procedure.PlanPlatinum)))(t)
	p := engMust(rec(k.Procedures.CreateProcedure(ctx, w.admin, w.office, "Loan", "Borrower")))(t)
	w.proc = p.ID
	notary := engMust(rec(k.Procedures.AddRole(ctx, w.admin, p.ID, "Notary", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))))(t)
	w.mainItem = engMust(rec(k.Procedures.AddItem(ctx, w.admin, p.ID, "ID card", p.Roles[0].ID)))(t).ID
	w.notaryItem = engMust(rec(k.Procedures.AddItem(ctx, w.admin, p.ID, "Deed", notary.ID)))(t).ID
	w.kase = engMust(rec(k.Procedures.OpenCase(ctx, w.admin, p.ID, w.dossier, procedure.Invitee{Email: "cleo@example.com"})))(t).ID
	engMust(rec(k.Procedures.InviteContributor(ctx, w.admin, w.kase, notary.ID, procedure.Invitee{Email: "abe@example.com"}, false)))(t)
	return w
}

var (
	view = policy.ViewDossier
	u    = policy.User
	dr   = policy.DossierResource
)

// TestPOL1EveryRouteToADossier: every route of POL-1 opens the dossier, and
// management rights follow the rules (e.g. ACC-1: an admin views a dossier
// but does not manage its external access).
func TestPOL1EveryRouteToADossier(t *testing.T) {
	w := newRich(t)
	tests := []struct {
		name string
		who  cabinet.UserID
		a    policy.Action
		r    policy.Resource
		want cabinet.Routes
	}{
		{"GRP-3 admin", w.admin, view, dr(w.dossier2), cabinet.RouteAdmin},
		{"GRP-3 manager", w.other, view, dr(w.dossier2), cabinet.RouteManager},
		{"GRP-3 assigned", w.assigned, view, dr(w.dossier), cabinet.RouteAssigned},
		{"GRP-3 group direct", w.staff, view, dr(w.dossier), cabinet.RouteGroupDirect},
		{"GRP-3 collaborator group", w.cgMember, view, dr(w.dossier), cabinet.RouteCollaboratorGroup},
		{"TEAM-8 team", w.outsider, view, dr(w.dossier), cabinet.RouteTeam},
		{"ACC-7 central person", w.client, view, dr(w.dossier2), cabinet.RouteCentralPerson},
		{"ACC-11 family", w.kid, view, dr(w.dossier2), cabinet.RouteFamily},
		{"ACC-10 external advisor", w.advisor, view, dr(w.dossier2), cabinet.RouteExternalAdvisor},
		{"GRP-2 ungrouped dossier, standard collaborator", w.staff, view, dr(w.dossier2), 0},
		{"POL-1 stranger", w.zoe, view, dr(w.dossier), 0},
		{"ACC-11 read_write family edits an open section", w.kid, policy.EditSection, policy.SectionResource(w.dossier2, access.SectionAssetInventory), cabinet.RouteFamily},
		{"ACC-11 family never edits notes", w.kid, policy.EditSection, policy.SectionResource(w.dossier2, access.SectionNotes), 0},
		{"ACC-10 read_only advisor does not edit", w.advisor, policy.EditSection, policy.SectionResource(w.dossier2, access.SectionAssetInventory), 0},
		{"ACC-10 advisors never use reports", w.advisor, policy.UseReports, dr(w.dossier2), 0},
		{"internal route uses simulations", w.staff, policy.UseSimulations, dr(w.dossier), cabinet.RouteGroupDirect},
		{"ACC-1 manager manages family access", w.other, policy.ManageFamilyAccess, dr(w.dossier2), cabinet.RouteManager},
		{"ACC-7 central person manages family access", w.client, policy.ManageFamilyAccess, dr(w.dossier2), cabinet.RouteCentralPerson},
		{"ACC-7 family member does not", w.kid, policy.ManageFamilyAccess, dr(w.dossier2), 0},
		{"ACC-9 admin does not manage external advisors", w.admin, policy.ManageExternalAdvisors, dr(w.dossier2), 0},
		{"ACC-9 manager manages external advisors", w.other, policy.ManageExternalAdvisors, dr(w.dossier2), cabinet.RouteManager},
		{"GRP-5 admin assigns an activated dossier", w.admin, policy.AssignClientGroup, dr(w.dossier2), cabinet.RouteAdmin},
		{"GRP-5 standard cannot assign", w.other, policy.AssignClientGroup, dr(w.dossier2), 0},
		{"SetManager admin", w.admin, policy.SetManager, dr(w.dossier2), cabinet.RouteAdmin},
		{"SetManager manager", w.other, policy.SetManager, dr(w.dossier2), cabinet.RouteManager},
		{"GRP-5 admin administers groups", w.admin, policy.AdministerClientGroups, policy.OfficeResource(w.office), cabinet.RouteAdmin},
		{"GRP-5 standard does not", w.staff, policy.AdministerCollaboratorGroups, policy.OfficeResource(w.office), 0},
		{"TEAM-4 team admin renames", w.outsider, policy.RenameTeam, policy.TeamResource(w.tm), cabinet.RouteTeamAdmin},
		{"TEAM-4 non-member does not view", w.staff, policy.ViewTeam, policy.TeamResource(w.tm), 0},
		{"CON-6 collaborator impersonates", w.staff, policy.ImpersonateContact, policy.ContactResource(w.zoeContact), cabinet.RouteCollaborator},
		{"CON-1 non-collaborator does not invite", w.zoe, policy.InviteContact, policy.ContactResource(w.zoeContact), 0},
		{"PROC-2 admin configures on platinum", w.admin, policy.ConfigureRoles, policy.ProcedureResource(w.proc), cabinet.RouteAdmin},
		{"PROC-7 staff who reach the dossier invite", w.staff, policy.InviteContributor, policy.CaseResource(w.kase), cabinet.RouteCaseStaff},
		{"PROC-7 staff without the dossier do not", w.other, policy.InviteContributor, policy.CaseResource(w.kase), 0},
		{"PROC-3 main recipient views main items", w.client, policy.ViewItem, policy.ItemResource(w.kase, w.mainItem), cabinet.RouteMainRecipient},
		{"PROC-3 contributor views own items", w.advisor, policy.UploadItem, policy.ItemResource(w.kase, w.notaryItem), cabinet.RouteContributor},
		{"PROC-3 contributor not other roles' items", w.advisor, policy.ViewItem, policy.ItemResource(w.kase, w.mainItem), 0},
		{"PROC-4 contributor lacks submit", w.advisor, policy.SubmitItem, policy.ItemResource(w.kase, w.notaryItem), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.t = t
			d := w.want(u(tt.who), tt.a, tt.r, tt.want)
			if d.Rule == "" || d.Reason == "" {
				t.Errorf("decision %+v does not explain itself", d)
			}
		})
	}
	// Several routes at once are all reported (the creator manages it).
	w.t = t
	w.want(u(w.admin), view, dr(w.dossier), cabinet.RouteAdmin|cabinet.RouteManager)
}

// TestPOL2DecisionsExplainThemselves: allows name their routes and rules;
// denials name the rule that forbade the nearest route.
func TestPOL2DecisionsExplainThemselves(t *testing.T) {
	w := newRich(t)
	tests := []struct {
		name       string
		who        cabinet.UserID
		a          policy.Action
		r          policy.Resource
		rule, text string
	}{
		{"allow", w.staff, view, dr(w.dossier), "GRP-3", "group_direct"},
		{"ACC-10 advisor reports", w.advisor, policy.UseReports, dr(w.dossier2), "ACC-10", "external advisors cannot use reports (ACC-10)"},
		{"ACC-11 family simulations", w.kid, policy.UseSimulations, dr(w.dossier2), "ACC-11", "family members cannot use simulations (ACC-11)"},
		{"ACC-10 read_only edit", w.advisor, policy.EditSection, policy.SectionResource(w.dossier2, access.SectionAssetInventory), "ACC-10", "read_only"},
		{"GRP-2 no group", w.staff, view, dr(w.dossier2), "GRP-2", "no client group"},
		{"GRP-3 no internal route", w.other, view, dr(w.dossier), "GRP-3", "no internal route"},
		{"POL-1 no route", w.zoe, view, dr(w.dossier), "POL-1", "no route to the dossier"},
		{"ACC-9 admin and advisors", w.admin, policy.ManageExternalAdvisors, dr(w.dossier2), "ACC-9", "manager"},
		{"TEAM-6 personal team", w.outsider, policy.RenameTeam, policy.TeamResource(personalTeam(t, w)), "TEAM-6", "personal team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.t = t
			d := w.check(u(tt.who), tt.a, tt.r)
			if d.Rule != tt.rule || !strings.Contains(d.Reason, tt.text) {
				t.Errorf("%v = rule %q reason %q, want rule %q reason containing %q", tt.a, d.Rule, d.Reason, tt.rule, tt.text)
			}
			if want := d.Allowed; strings.HasPrefix(d.String(), "allow") != want {
				t.Errorf("String() = %q", d.String())
			}
		})
	}
	// TEAM-9: a revoked consent closes the team route and says so. Only
	// the dossier's granted central person changes it (TEAM-9 v2).
	w.t = t
	holder := engMust(rec(w.k.Access.AddPerson(w.ctx, w.admin, w.dossier, access.PersonInput{Name: "Hugo", Relation: access.RelationHolder})))(t)
	engMust(rec(w.k.Access.GrantPerson(w.ctx, w.admin, holder.ID, access.GrantInput{Email: "hugo@example.com", Phone: "+33611112222", Level: access.LevelReadOnly})))(t)
	hugo := w.user("Hugo", "hugo@example.com")
	engMust(rec(w.k.Teams.RevokeConsent(w.ctx, hugo, w.dossier)))(t)
	d := w.want(u(w.outsider), view, dr(w.dossier), 0)
	if d.Rule != "TEAM-9" {
		t.Errorf("revoked consent: rule %q reason %q, want TEAM-9", d.Rule, d.Reason)
	}
}

func personalTeam(t *testing.T, w *rich) cabinet.TeamID {
	t.Helper()
	return engMust(w.k.Teams.PersonalTeam(w.ctx, w.outsider))(t).ID
}

// TestPOL3ReverseQueries: Dossiers and Viewers agree exactly with Check.
func TestPOL3ReverseQueries(t *testing.T) {
	w := newRich(t)
	extra := engMust(rec(w.k.Access.CreateDossier(w.ctx, w.admin, w.office, "Draft")))(t).ID
	all := []cabinet.DossierID{w.dossier, w.dossier2, extra}
	users := []cabinet.UserID{w.admin, w.staff, w.other, w.outsider, w.client, w.advisor, w.cgMember, w.assigned, w.referrer, w.kid, w.zoe}
	queries := []policy.DossierQuery{
		{},
		{Action: policy.EditSection, Section: access.SectionAssetInventory},
		{ClientGroup: w.group},
		{Status: cabinet.DossierDraft},
		{Action: policy.ManageFamilyAccess},
	}
	for _, who := range users {
		for _, q := range queries {
			got := engDossiers(t, w.k.Policy, u(who), q)
			var want []cabinet.DossierID
			for _, d := range all {
				a := q.Action
				if a == policy.ActionInvalid {
					a = view
				}
				dec := w.check(u(who), a, policy.SectionResource(d, q.Section))
				fct := engMust(dossierOf(w.ctx, w.store, d))(t)
				if dec.Allowed && (!q.Status.Valid() || fct.Status == q.Status) && (q.ClientGroup == "" || (d == w.dossier && q.ClientGroup == w.group)) {
					want = append(want, d)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Dossiers(%s, %+v) = %v, want %v", who, q, got, want)
			}
		}
	}
	if got := engDossiers(t, w.k.Policy, u(w.admin), policy.DossierQuery{}); len(got) != 3 {
		t.Errorf("admin sees %v, want all three dossiers", got)
	}
	if _, err := first(w.k.Policy.Dossiers(w.ctx, u(w.admin), policy.DossierQuery{Action: policy.ViewTeam})); !errors.Is(err, cabinet.ErrInvalid) {
		t.Errorf("Dossiers with a team action: err %v, want ErrInvalid", err)
	}
	for _, d := range all {
		got := engViewers(t, w.k.Policy, d)
		var want []policy.Access
		for _, who := range users {
			if dec := w.check(u(who), view, dr(d)); dec.Allowed {
				want = append(want, policy.Access{User: who, Routes: dec.Routes})
			}
		}
		slices.SortFunc(want, func(a, b policy.Access) int { return strings.Compare(string(a.User), string(b.User)) })
		if !slices.Equal(got, want) {
			t.Errorf("Viewers(%s) = %v, want %v", d, got, want)
		}
	}
	if got := engViewers(t, w.k.Policy, "d_missing"); len(got) != 0 {
		t.Errorf("Viewers of an unknown dossier = %v", got)
	}
}

func first[K, V any](seq func(func(K, V) bool)) (K, V) {
	var k K
	var v V
	for kk, vv := range seq {
		k, v = kk, vv
		break
	}
	return k, v
}

// TestPOL4UnknownIsDenied: unknown subjects, actions and resources are
// denials naming POL-4, never errors and never allows.
func TestPOL4UnknownIsDenied(t *testing.T) {
	w := newRich(t)
	tests := []struct {
		name string
		s    policy.Subject
		a    policy.Action
		r    policy.Resource
	}{
		{"unknown user", u("u_ghost"), view, dr(w.dossier)},
		{"empty subject", policy.Subject{}, view, dr(w.dossier)},
		{"unknown session", policy.Impersonating("s_ghost"), view, dr(w.dossier)},
		{"invalid action", u(w.admin), policy.ActionInvalid, dr(w.dossier)},
		{"out of range action", u(w.admin), policy.Action(200), dr(w.dossier)},
		{"wrong resource kind", u(w.admin), view, policy.TeamResource(w.tm)},
		{"invalid resource kind", u(w.admin), view, policy.Resource{ID: string(w.dossier)}},
		{"unknown dossier", u(w.admin), view, dr("d_ghost")},
		{"edit without section", u(w.admin), policy.EditSection, dr(w.dossier)},
		{"unknown team", u(w.admin), policy.ViewTeam, policy.TeamResource("t_ghost")},
		{"unknown office", u(w.admin), policy.AdministerClientGroups, policy.OfficeResource("o_ghost")},
		{"unknown contact", u(w.admin), policy.InviteContact, policy.ContactResource("c_ghost")},
		{"unknown procedure", u(w.admin), policy.ConfigureRoles, policy.ProcedureResource("p_ghost")},
		{"unknown case", u(w.admin), policy.InviteContributor, policy.CaseResource("k_ghost")},
		{"unknown item", u(w.client), policy.ViewItem, policy.ItemResource(w.kase, "i_ghost")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := w.k.Policy.Check(w.ctx, tt.s, tt.a, tt.r)
			if err != nil {
				t.Fatalf("error %v, want a denial", err)
			}
			if d.Allowed || d.Routes != 0 || d.Rule != "POL-4" || d.Reason == "" {
				t.Errorf("%+v, want a POL-4 denial with a reason", d)
			}
		})
	}
	// A cancelled context is an error, not a decision.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.k.Policy.Check(ctx, u(w.admin), view, dr(w.dossier)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: err %v", err)
	}
}

// TestPOL5ImpersonationCarriesTheActor: during impersonation the decision
// is the contact's, never more, and records the acting collaborator.
func TestPOL5ImpersonationCarriesTheActor(t *testing.T) {
	w := newRich(t)
	s := policy.Impersonating(w.session)
	d := w.want(s, view, dr(w.dossier), 0) // staff reaches it; Zoe does not
	if d.Actor != w.staff || d.User != w.zoe || d.Contact != w.zoeContact {
		t.Errorf("decision %+v: want actor %s, user %s, contact %s", d, w.staff, w.zoe, w.zoeContact)
	}
	// Never more than the contact: on every viewing question the session's
	// answer equals the contact's own; every other action is denied naming
	// CON-6 (v2: impersonation is for seeing what the contact sees).
	for _, r := range w.resources() {
		for _, a := range policy.Actions() {
			if !a.AppliesTo(r.Kind) {
				continue
			}
			got, own := w.check(s, a, r), w.check(u(w.zoe), a, r)
			if !a.Viewing() {
				if got.Allowed || got.Rule != "CON-6" {
					t.Fatalf("%v %v: impersonated %v, want a CON-6 denial", a, r, got)
				}
				continue
			}
			if got.Allowed != own.Allowed || got.Routes != own.Routes {
				t.Fatalf("%v %v: impersonated %v, contact's own %v", a, r, got, own)
			}
		}
	}
	// Zoe gets a grant: the session sees what she sees.
	p := engMust(rec(w.k.Access.AddPerson(w.ctx, w.admin, w.dossier, access.PersonInput{Name: "Zoe", Relation: access.RelationSpouse})))(t)
	engOK(t, errOf(w.k.Access.SetManager(w.ctx, w.admin, w.dossier, w.other)))
	engMust(rec(w.k.Access.GrantPerson(w.ctx, w.other, p.ID, access.GrantInput{Email: "zoe@example.com", Phone: "+33611111111", Level: access.LevelReadOnly})))(t)
	w.want(s, view, dr(w.dossier), cabinet.RouteFamily)
	// Zoe becomes a collaborator of the office: the session is void (CON-6).
	engMust(rec(w.k.Groups.AddCollaborator(w.ctx, w.admin, w.office, w.zoe, cabinet.ProfileStandard)))(t)
	if d := w.want(s, view, dr(w.dossier), 0); d.Rule != "CON-6" {
		t.Errorf("contact turned collaborator: %+v, want CON-6", d)
	}
	engOK(t, errRev(w.k.Groups.RemoveCollaborator(w.ctx, w.admin, w.office, w.zoe)))
	w.want(s, view, dr(w.dossier), cabinet.RouteFamily)
	// The session expires by the clock.
	w.clock.Advance(contact.SessionLifetime + time.Minute)
	if d := w.want(s, view, dr(w.dossier), 0); d.Rule != "CON-6" || d.Actor != w.staff {
		t.Errorf("expired session: %+v, want CON-6 with the actor", d)
	}
	// A stopped session too.
	w.clock.Set(t0Plus(w))
	s2 := engMust(rec(w.k.Contacts.StartImpersonation(w.ctx, w.staff, w.zoeContact)))(t)
	w.want(policy.Impersonating(s2.ID), view, dr(w.dossier), cabinet.RouteFamily)
	engMust(rec(w.k.Contacts.StopImpersonation(w.ctx, w.staff, s2.ID)))(t)
	if d := w.want(policy.Impersonating(s2.ID), view, dr(w.dossier), 0); d.Rule != "CON-6" {
		t.Errorf("stopped session: %+v", d)
	}
	// An archived contact's session is void.
	s3 := engMust(rec(w.k.Contacts.StartImpersonation(w.ctx, w.staff, w.zoeContact)))(t)
	engMust(rec(w.k.Contacts.ArchiveContact(w.ctx, w.admin, w.zoeContact)))(t)
	if d := w.want(policy.Impersonating(s3.ID), view, dr(w.dossier), 0); d.Rule != "CON-6" {
		t.Errorf("archived contact: %+v", d)
	}
	w.fresh()
}

func t0Plus(w *rich) time.Time { return w.clock.Now().Add(time.Minute) }

// TestPOL6SameStateSameDecision: the same state gives the same decisions
// after Reload and from a second engine loaded from the same store.
func TestPOL6SameStateSameDecision(t *testing.T) {
	w := newRich(t)
	before := snapshot(w.engWorld, w.k.Policy)
	if err := w.k.Policy.Reload(w.ctx); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(w.engWorld, w.k.Policy); !slices.Equal(before, after) {
		t.Error("decisions changed after Reload")
	}
	second, err := policy.New(w.ctx, engSources(w.store), policy.WithClock(w.clock))
	if err != nil {
		t.Fatal(err)
	}
	if other := snapshot(w.engWorld, second); !slices.Equal(before, other) {
		t.Error("a second engine on the same store decides differently")
	}
	w.fresh()
}

func snapshot(w *engWorld, e *policy.Engine) []policy.Decision {
	var out []policy.Decision
	for _, s := range w.subjects() {
		for _, r := range w.resources() {
			for _, a := range policy.Actions() {
				if !a.AppliesTo(r.Kind) {
					continue
				}
				d, err := e.Check(w.ctx, s, a, r)
				if err != nil {
					w.t.Fatal(err)
				}
				d.Revision = 0
				out = append(out, d)
			}
		}
	}
	return out
}

// failingStore is a store whose reads fail while fail is set.
type failingStore struct {
	*memstore.Store
	fail atomic.Bool
}

var errDown = errors.New("store down")

func (f *failingStore) ViewTeams(ctx context.Context, fn func(team.Reader) error) error {
	if f.fail.Load() {
		return errDown
	}
	return f.Store.ViewTeams(ctx, fn)
}

// TestPOL6FailedSyncChangesNothing: a sync that cannot read the store
// leaves the index and its revision as they were — Check answers from the
// index at that revision, never claiming the change it could not apply —
// and a question that asks for the change (AtLeast its revision) gets the
// store's error instead of a stale answer; once the store is back, Sync
// (or Reload) applies the change.
func TestPOL6FailedSyncChangesNothing(t *testing.T) {
	w := newRich(t)
	fs := &failingStore{Store: w.store}
	e, err := policy.New(w.ctx, fs, policy.WithClock(w.clock))
	if err != nil {
		t.Fatal(err)
	}
	loaded := e.Revision()
	if loaded != w.store.Revision() {
		t.Fatalf("New: revision %d, want the store's %d", loaded, w.store.Revision())
	}
	fs.fail.Store(true)
	_, rev, err := w.k.Access.SetAssigned(w.ctx, w.other, w.dossier2, []cabinet.UserID{w.staff})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Sync(w.ctx); !errors.Is(err, errDown) || got != loaded {
		t.Errorf("Sync while down: %d, %v, want %d and the store's error", got, err, loaded)
	}
	if got := e.Revision(); got != loaded {
		t.Errorf("a failed sync moved the revision to %d; it must stay %d", got, loaded)
	}
	d, err := e.Check(w.ctx, u(w.admin), view, dr(w.dossier))
	if err != nil || !d.Allowed || d.Revision != loaded {
		t.Errorf("Check after a failed sync: %+v, %v, want the index's answer at revision %d", d, err, loaded)
	}
	if _, err := e.CheckAt(w.ctx, policy.AtLeast(rev), u(w.admin), view, dr(w.dossier)); !errors.Is(err, errDown) {
		t.Errorf("CheckAt(AtLeast(%d)) while down: %v, want the store's error", rev, err)
	}
	if _, err := first(e.Dossiers(w.ctx, u(w.admin), policy.DossierQuery{Consistency: policy.AtLeast(rev)})); !errors.Is(err, errDown) {
		t.Errorf("Dossiers at least %d while down: %v", rev, err)
	}
	if err := e.Reload(w.ctx); !errors.Is(err, errDown) {
		t.Errorf("Reload while down: %v", err)
	}
	fs.fail.Store(false)
	if got, err := e.Sync(w.ctx); err != nil || got != rev {
		t.Fatalf("Sync once the store is back: %d, %v, want %d", got, err, rev)
	}
	fresh, err := policy.New(w.ctx, w.store, policy.WithClock(w.clock))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := snapshot(w.engWorld, e), snapshot(w.engWorld, fresh); !slices.Equal(got, want) {
		t.Error("after the sync: the engine's decisions differ from a fresh engine's")
	}
}

// TestCheckAllocations pins the internal-route path at zero allocations:
// a collaborator asking ViewDossier or EditSection, allowed or plainly
// denied.
func TestCheckAllocations(t *testing.T) {
	w := newRich(t)
	cases := []struct {
		name string
		who  cabinet.UserID
		a    policy.Action
		r    policy.Resource
	}{
		{"allow group direct", w.staff, view, dr(w.dossier)},
		{"allow collaborator group", w.cgMember, view, dr(w.dossier)},
		{"allow admin edit", w.admin, policy.EditSection, policy.SectionResource(w.dossier, access.SectionNotes)},
		{"deny no internal route", w.other, view, dr(w.dossier)},
		{"deny no group", w.staff, view, dr(w.dossier2)},
		{"deny stranger", w.zoe, view, dr(w.dossier)},
		{"deny unknown user", "u_ghost", view, dr(w.dossier)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			n := testing.AllocsPerRun(200, func() {
				_, _ = w.k.Policy.Check(ctx, u(c.who), c.a, c.r)
			})
			if n != 0 {
				t.Errorf("%v allocations per Check, want 0", n)
			}
		})
	}
}

// ACC-7 (issue 7, "one rule, one place"): ManageFamilyAccess on one person
// answers with access.CanManagePersonAccess, as access.Service does: the
// manager for anyone of the tree, a granted central person for non-central
// persons only; a person outside the dossier's tree is unknown (POL-4).
func TestACC7PersonResource(t *testing.T) {
	w := newRich(t)
	coHolder := engMust(rec(w.k.Access.AddPerson(w.ctx, w.other, w.dossier2, access.PersonInput{Name: "Paul", Relation: access.RelationCoHolder})))(t)
	sibling := engMust(rec(w.k.Access.AddPerson(w.ctx, w.other, w.dossier2, access.PersonInput{Name: "Sib", Relation: access.RelationChild})))(t)
	elsewhere := engMust(rec(w.k.Access.AddPerson(w.ctx, w.admin, w.dossier, access.PersonInput{Name: "Else", Relation: access.RelationChild})))(t)
	pr := func(p access.PersonID) policy.Resource { return policy.PersonResource(w.dossier2, p) }
	tests := []struct {
		name   string
		who    cabinet.UserID
		a      policy.Action
		r      policy.Resource
		routes cabinet.Routes
		rule   string
	}{
		{"ACC-1 manager manages a central person", w.other, policy.ManageFamilyAccess, pr(coHolder.ID), cabinet.RouteManager, "ACC-1"},
		{"ACC-1 manager manages a child", w.other, policy.ManageFamilyAccess, pr(sibling.ID), cabinet.RouteManager, "ACC-1"},
		{"ACC-7 central person manages a non-central person", w.client, policy.ManageFamilyAccess, pr(sibling.ID), cabinet.RouteCentralPerson, "ACC-7"},
		{"ACC-7 central person does not manage a central person", w.client, policy.ManageFamilyAccess, pr(coHolder.ID), 0, "ACC-7"},
		{"ACC-1 family member does not", w.kid, policy.ManageFamilyAccess, pr(sibling.ID), 0, "ACC-1"},
		{"ACC-1 admin does not", w.admin, policy.ManageFamilyAccess, pr(sibling.ID), 0, "ACC-1"},
		{"POL-4 unknown person", w.other, policy.ManageFamilyAccess, pr("person_unknown"), 0, "POL-4"},
		{"POL-4 person of another tree", w.other, policy.ManageFamilyAccess, pr(elsewhere.ID), 0, "POL-4"},
		{"POL-4 person with another action", w.other, view, pr(sibling.ID), 0, "POL-4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.t = t
			d := w.check(u(tt.who), tt.a, tt.r)
			if d.Routes != tt.routes || d.Allowed != (tt.routes != 0) || d.Rule != tt.rule {
				t.Errorf("%v on %v = %v routes %v rule %q, want routes %v rule %q", tt.a, tt.r, d, d.Routes, d.Rule, tt.routes, tt.rule)
			}
		})
	}
	w.t = t
	if got, want := pr(sibling.ID).String(), "dossier "+string(w.dossier2)+" person "+string(sibling.ID); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// Freshness: once the sibling becomes a co-holder (by the manager), the
	// central person may no longer manage them (ACC-7).
	engMust(rec(w.k.Access.EditPerson(w.ctx, w.other, sibling.ID, access.PersonInput{Name: "Sib", Relation: access.RelationCoHolder})))(t)
	if d := w.check(u(w.client), policy.ManageFamilyAccess, pr(sibling.ID)); d.Allowed || d.Rule != "ACC-7" {
		t.Errorf("after EditPerson: %v (rule %q), want an ACC-7 denial", d, d.Rule)
	}
	engOK(t, errRev(w.k.Access.RemovePerson(w.ctx, w.admin, elsewhere.ID)))
	if d := w.check(u(w.other), policy.ManageFamilyAccess, pr(elsewhere.ID)); d.Allowed || d.Rule != "POL-4" {
		t.Errorf("after RemovePerson: %v (rule %q), want POL-4", d, d.Rule)
	}
}

// POL-2 v2: the rule a decision names is the one that governs the action
// on its route — ACC-9 for managing external advisors, ACC-11 for a
// holder's (or family member's) edit, ACC-1 for the manager managing family
// access, ACC-7 for a central person doing so — and Decision.String shows
// every rule its reason lists.
func TestPOL2RuleGovernsTheAction(t *testing.T) {
	w := newRich(t)
	tests := []struct {
		name   string
		who    cabinet.UserID
		a      policy.Action
		r      policy.Resource
		rule   string
		string string
	}{
		{"ACC-9 the manager manages external advisors", w.other, policy.ManageExternalAdvisors, dr(w.dossier2), "ACC-9", "allow via manager (ACC-9)"},
		{"ACC-1 the manager manages family access", w.other, policy.ManageFamilyAccess, dr(w.dossier2), "ACC-1", "allow via manager (ACC-1)"},
		{"ACC-7 a central person manages family access", w.client, policy.ManageFamilyAccess, dr(w.dossier2), "ACC-7", "allow via central_person (ACC-7)"},
		{"ACC-11 a read_write family member edits an open section", w.kid, policy.EditSection, policy.SectionResource(w.dossier2, access.SectionDocuments), "ACC-11", "allow via family (ACC-11)"},
		{"ACC-11 a holder views", w.client, view, dr(w.dossier2), "ACC-11", "allow via central_person (ACC-11)"},
		{"ACC-10 an external advisor views", w.advisor, view, dr(w.dossier2), "ACC-10", "allow via external_advisor (ACC-10)"},
		{"GRP-3 and TEAM-8 together", w.referrer, view, dr(w.dossier), "GRP-3", "allow via assigned|team (GRP-3, TEAM-8)"},
		{"ACC-1 organising", w.admin, policy.SetManager, dr(w.dossier2), "ACC-1", "allow via admin (ACC-1)"},
		{"GRP-5 placing", w.admin, policy.AssignClientGroup, dr(w.dossier2).WithGroup(w.group), "GRP-5", "allow via admin (GRP-5)"},
		{"PROC-7 staff view an item", w.staff, policy.ViewItem, policy.ItemResource(w.kase, w.mainItem), "PROC-7", "allow via case_staff (PROC-7)"},
		{"PROC-3 the main recipient views an item", w.client, policy.ViewItem, policy.ItemResource(w.kase, w.mainItem), "PROC-3", "allow via main_recipient (PROC-3)"},
		{"TEAM-4 a team admin", w.outsider, policy.RenameTeam, policy.TeamResource(w.tm), "TEAM-4", "allow via team_admin (TEAM-4)"},
		{"ACC-9 denies an admin managing advisors", w.admin, policy.ManageExternalAdvisors, dr(w.dossier2), "ACC-9", "deny: only the dossier's manager manages external advisors' access (ACC-9)"},
		{"ACC-1 denies a family member managing family access", w.kid, policy.ManageFamilyAccess, dr(w.dossier2), "ACC-1", "deny: only the dossier's manager manages the access of people outside the office (ACC-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.t = t
			d := w.check(u(tt.who), tt.a, tt.r)
			if d.Rule != tt.rule || d.String() != tt.string {
				t.Errorf("%v on %v = rule %q, String %q; want rule %q, String %q", tt.a, tt.r, d.Rule, d.String(), tt.rule, tt.string)
			}
		})
	}
	// Every allow of the world: String lists the distinct rules of the
	// reason, the first being Decision.Rule, each a rule the route's table
	// names; a denial's String is its reason.
	w.t = t
	for _, s := range w.subjects() {
		for _, r := range w.resources() {
			for _, a := range policy.Actions() {
				if !a.AppliesTo(r.Kind) {
					continue
				}
				d := w.check(s, a, r)
				if !d.Allowed {
					if d.String() != "deny: "+d.Reason || !strings.HasSuffix(d.Reason, "("+d.Rule+")") {
						t.Fatalf("%v %v %v: denial %q does not end with its rule %s", s, a, r, d.String(), d.Rule)
					}
					continue
				}
				if !a.Routes().Has(d.Routes) {
					t.Fatalf("%v %v %v: routes %s outside the action's %s", s, a, r, d.Routes, a.Routes())
				}
				open := strings.Index(d.String(), "(")
				rules := strings.Split(strings.TrimSuffix(d.String()[open+1:], ")"), ", ")
				if d.String() != "allow via "+d.Routes.String()+" ("+strings.Join(rules, ", ")+")" || rules[0] != d.Rule || len(rules) > bits.OnesCount32(uint32(d.Routes)) {
					t.Fatalf("%v %v %v: String %q, rule %s, routes %s", s, a, r, d.String(), d.Rule, d.Routes)
				}
			}
		}
	}
}
