package policy_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// engWorld is a small office built through the services (kit), with the
// engine fed by their events.
type engWorld struct {
	t     testing.TB
	ctx   context.Context
	store *memstore.Store
	clock *cabinet.ManualClock
	k     *kit.Kit

	admin, staff, other, outsider, client, advisor cabinet.UserID
	office                                         cabinet.OfficeID
	group                                          cabinet.ClientGroupID
	dossier, dossier2                              cabinet.DossierID
}

var engT0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func newEngWorld(t testing.TB) *engWorld {
	t.Helper()
	ctx := context.Background()
	w := &engWorld{t: t, ctx: ctx, store: memstore.New(memstore.RunTwice()), clock: cabinet.NewManualClock(engT0)}
	k, err := kit.New(ctx, w.store, kit.WithClock(w.clock), kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		t.Fatal(err)
	}
	w.k = k
	w.admin = w.user("Ada Admin", "ada@example.com")
	w.staff = w.user("Sam Staff", "sam@example.com")
	w.other = w.user("Olga Other", "olga@example.com")
	w.outsider = w.user("Otto Outsider", "otto@example.com")
	w.client = w.user("Cleo Client", "cleo@example.com")
	w.advisor = w.user("Abe Advisor", "abe@example.com")
	o := engMust(rec(k.Groups.CreateOffice(ctx, w.admin, "Practice", "office@example.com")))(t)
	w.office = o.ID
	engMust(rec(k.Groups.AddCollaborator(ctx, w.admin, w.office, w.staff, cabinet.ProfileStandard)))(t)
	engMust(rec(k.Groups.AddCollaborator(ctx, w.admin, w.office, w.other, cabinet.ProfileStandard)))(t)
	w.group = engMust(rec(k.Groups.CreateClientGroup(ctx, w.admin, w.office, "North", "")))(t).ID
	w.dossier = engMust(rec(k.Access.CreateDossier(ctx, w.admin, w.office, "Dupont")))(t).ID
	w.dossier2 = engMust(rec(k.Access.CreateDossier(ctx, w.admin, w.office, "Martin")))(t).ID
	w.fresh()
	return w
}

func (w *engWorld) user(name, email string) cabinet.UserID {
	w.t.Helper()
	return engMust(rec(w.k.Teams.CreateUser(w.ctx, testHost, name, email)))(w.t).ID
}

func engMust[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func engOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *engWorld) check(s policy.Subject, a policy.Action, r policy.Resource) policy.Decision {
	w.t.Helper()
	d, err := w.k.Policy.Check(w.ctx, s, a, r)
	if err != nil {
		w.t.Fatalf("Check(%v, %v, %v): %v", s, a, r, err)
	}
	return d
}

// want asserts the decision's Allowed and Routes.
func (w *engWorld) want(s policy.Subject, a policy.Action, r policy.Resource, routes cabinet.Routes) policy.Decision {
	w.t.Helper()
	d := w.check(s, a, r)
	if d.Allowed != (routes != 0) || d.Routes != routes {
		w.t.Errorf("%v %v %v = %v (rule %s), want routes %v", s, a, r, d, d.Rule, routes)
	}
	return d
}

// resources lists every resource of the store, read straight from it.
func (w *engWorld) resources() []policy.Resource {
	w.t.Helper()
	var out []policy.Resource
	ctx := w.ctx
	snap, err := takeSnapshot(ctx, w.store, w.clock.Now())
	engOK(w.t, err)
	for _, id := range sortedKeys(snap.teams) {
		out = append(out, policy.TeamResource(id))
	}
	for _, id := range sortedKeys(snap.users) {
		out = append(out, policy.AccountResource(id))
	}
	for _, id := range sortedKeys(snap.invitations) {
		out = append(out, policy.InvitationResource(id))
	}
	for _, x := range snap.referrals {
		out = append(out, policy.ReferralResource(x.ID))
		for _, t := range sortedKeys(snap.teams) {
			out = append(out, policy.ReferralResource(x.ID).WithTeam(t))
		}
	}
	for _, id := range sortedKeys(snap.dossiers) {
		out = append(out, policy.DossierResource(id).WithStatus(cabinet.DossierActivated),
			policy.DossierResource(id).WithStatus(cabinet.DossierArchived),
			policy.DossierResource(id).WithUser(w.staff))
		for _, g := range sortedKeys(snap.clientGroups) {
			out = append(out, policy.DossierResource(id).WithGroup(g))
		}
		for _, t := range sortedKeys(snap.teams) {
			out = append(out, policy.DossierResource(id).WithTeam(t))
		}
	}
	for _, p := range snap.persons {
		out = append(out, policy.PersonResource(p.Dossier, p.ID), policy.PersonResource(p.Dossier, p.ID).WithLevel(access.LevelReadWrite),
			policy.PersonResource(p.Dossier, p.ID).WithRelation(access.RelationHolder))
	}
	for _, id := range sortedKeys(snap.advisors) {
		out = append(out, policy.AdvisorResource(snap.advisors[id].Dossier, id))
	}
	for _, g := range snap.grants {
		out = append(out, policy.GrantResource(g.Dossier, g.ID), policy.GrantResource(g.Dossier, g.ID).WithLevel(access.LevelReadWrite))
	}
	for _, id := range sortedKeys(snap.sessions) {
		out = append(out, policy.SessionResource(id))
	}
	for _, id := range sortedKeys(snap.companies) {
		out = append(out, policy.CompanyResource(id))
	}
	for _, id := range sortedKeys(snap.projects) {
		out = append(out, policy.ProjectResource(id))
	}
	for _, id := range sortedKeys(snap.decisions) {
		out = append(out, policy.DecisionResource(id))
	}
	for _, id := range sortedKeys(snap.units) {
		out = append(out, policy.UnitResource(id))
	}
	for _, id := range sortedKeys(snap.offices) {
		out = append(out, policy.OfficeResource(id).WithUser(w.staff))
	}
	for _, c := range sortedKeys(snap.contacts) {
		for _, d := range sortedKeys(snap.dossiers) {
			out = append(out, policy.ContactResource(c).WithDossier(d, ""))
		}
	}
	for _, p := range sortedKeys(snap.procedures) {
		for _, d := range sortedKeys(snap.dossiers) {
			out = append(out, policy.ProcedureResource(p).WithDossier(d, ""))
		}
	}
	engOK(w.t, w.store.ViewAccess(ctx, func(r access.Reader) error {
		ds, _, err := r.Dossiers(ctx, access.DossierFilter{}, cabinet.Page{Limit: cabinet.MaxPageSize})
		for _, d := range ds {
			out = append(out, policy.DossierResource(d.ID))
			for _, s := range access.Sections() {
				out = append(out, policy.SectionResource(d.ID, s))
			}
		}
		return err
	}))
	engOK(w.t, w.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		os, _, err := r.Offices(ctx, cabinet.Page{})
		for _, o := range os {
			out = append(out, policy.OfficeResource(o.ID))
		}
		return err
	}))
	engOK(w.t, w.store.ViewContacts(ctx, func(r contact.Reader) error {
		cs, _, err := r.ListContacts(ctx, contact.ContactFilter{IncludeArchived: true}, cabinet.Page{Limit: cabinet.MaxPageSize})
		for _, c := range cs {
			out = append(out, policy.ContactResource(c.ID))
		}
		return err
	}))
	engOK(w.t, w.store.ViewProcedures(ctx, func(r procedure.Reader) error {
		ps, _, err := r.ListProcedures(ctx, procedure.ProcedureFilter{}, cabinet.Page{})
		if err != nil {
			return err
		}
		items := map[cabinet.ProcedureID][]procedure.Item{}
		for _, p := range ps {
			out = append(out, policy.ProcedureResource(p.ID))
			items[p.ID] = p.Items
		}
		cs, _, err := r.ListCases(ctx, procedure.CaseFilter{}, cabinet.Page{})
		for _, c := range cs {
			out = append(out, policy.CaseResource(c.ID))
			for _, it := range items[c.Procedure] {
				out = append(out, policy.ItemResource(c.ID, it.ID))
			}
		}
		return err
	}))
	return out
}

// subjects lists every user and every impersonation session of the store.
func (w *engWorld) subjects() []policy.Subject {
	w.t.Helper()
	var out []policy.Subject
	engOK(w.t, w.store.ViewTeams(w.ctx, func(r team.Reader) error {
		us, _, err := r.ListUsers(w.ctx, cabinet.Page{})
		for _, u := range us {
			out = append(out, policy.User(u.ID))
		}
		return err
	}))
	engOK(w.t, w.store.ViewContacts(w.ctx, func(r contact.Reader) error {
		ss, _, err := r.ListSessions(w.ctx, contact.SessionFilter{}, cabinet.Page{Limit: cabinet.MaxPageSize})
		for _, s := range ss {
			out = append(out, policy.Impersonating(s.ID))
		}
		return err
	}))
	return append(out, policy.User("u_ghost"))
}

// fresh asserts that the kit's engine, kept up to date by Publish, answers
// every question exactly as an engine loaded now from the same store
// (decisions, reasons, reverse queries).
func (w *engWorld) fresh() {
	w.t.Helper()
	loaded, err := policy.New(w.ctx, engSources(w.store), policy.WithClock(w.clock))
	if err != nil {
		w.t.Fatal(err)
	}
	res := w.resources()
	for _, s := range w.subjects() {
		for _, a := range policy.Actions() {
			for _, r := range res {
				if !a.AppliesTo(r.Kind) {
					continue
				}
				got, err1 := w.k.Policy.Check(w.ctx, s, a, r)
				want, err2 := loaded.Check(w.ctx, s, a, r)
				if err1 != nil || err2 != nil {
					w.t.Fatalf("Check errors: %v, %v", err1, err2)
				}
				got.Revision, want.Revision = 0, 0
				if got != want {
					w.t.Fatalf("stale index: %v %v %v\n published: %+v\n    loaded: %+v", s, a, r, got, want)
				}
			}
		}
		for _, q := range []policy.DossierQuery{{}, {Action: policy.EditSection, Section: access.SectionAssetInventory}} {
			got, want := engDossiers(w.t, w.k.Policy, s, q), engDossiers(w.t, loaded, s, q)
			if !slices.Equal(got, want) {
				w.t.Fatalf("stale Dossiers(%v, %+v): published %v, loaded %v", s, q, got, want)
			}
		}
	}
	for _, r := range res {
		if r.Kind == policy.ResourceDossier && r == policy.DossierResource(cabinet.DossierID(r.ID)) {
			id := cabinet.DossierID(r.ID)
			got, want := engViewers(w.t, w.k.Policy, id), engViewers(w.t, loaded, id)
			if !slices.Equal(got, want) {
				w.t.Fatalf("stale Viewers(%s): published %v, loaded %v", id, got, want)
			}
		}
	}
}

func engSources(s *memstore.Store) policy.Store {
	return s
}

func engDossiers(t testing.TB, e *policy.Engine, s policy.Subject, q policy.DossierQuery) []cabinet.DossierID {
	t.Helper()
	var out []cabinet.DossierID
	for id, err := range e.Dossiers(context.Background(), s, q) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func engViewers(t testing.TB, e *policy.Engine, d cabinet.DossierID) []policy.Access {
	t.Helper()
	var out []policy.Access
	for a, err := range e.Viewers(context.Background(), d) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// TestPublishKeepsIndexFresh runs every kind of command of every service
// and, after each, compares the published engine with a freshly loaded one.
func TestPublishKeepsIndexFresh(t *testing.T) {
	w := newEngWorld(t)
	ctx, k := w.ctx, w.k
	steps := []struct {
		name string
		run  func() error
	}{
		{"activate", func() error { return errOf(k.Access.SetStatus(ctx, w.admin, w.dossier, cabinet.DossierActivated)) }},
		{"activate2", func() error { return errOf(k.Access.SetStatus(ctx, w.admin, w.dossier2, cabinet.DossierActivated)) }},
		{"place", func() error { return errRev(k.Groups.MoveDossier(ctx, w.admin, w.dossier, w.group)) }},
		{"assign collaborator", func() error { return errOf(k.Groups.AssignCollaborator(ctx, w.admin, w.group, w.staff)) }},
		{"set manager", func() error { return errOf(k.Access.SetManager(ctx, w.admin, w.dossier2, w.other)) }},
		{"set assigned", func() error { return errOf(k.Access.SetAssigned(ctx, w.admin, w.dossier2, []cabinet.UserID{w.staff})) }},
		{"collaborator group", func() error {
			g, err := rec(k.Groups.CreateCollaboratorGroup(ctx, w.admin, w.office, "Tax"))
			if err != nil {
				return err
			}
			if err := errOf(k.Groups.AddMember(ctx, w.admin, g.ID, w.other)); err != nil {
				return err
			}
			return errOf(k.Groups.AssignCollaboratorGroup(ctx, w.admin, w.group, g.ID))
		}},
		{"unassign collaborator", func() error { return errRev(k.Groups.UnassignCollaborator(ctx, w.admin, w.group, w.staff)) }},
		{"profile to admin", func() error {
			_, err := rec(k.Groups.SetProfile(ctx, w.admin, w.office, w.staff, cabinet.ProfileAdmin))
			return err
		}},
		{"profile back", func() error {
			_, err := rec(k.Groups.SetProfile(ctx, w.admin, w.office, w.staff, cabinet.ProfileStandard))
			return err
		}},
		{"family grant", func() error {
			p, err := rec(k.Access.AddPerson(ctx, w.other, w.dossier2, access.PersonInput{Name: "Cleo", Relation: access.RelationHolder}))
			if err != nil {
				return err
			}
			_, err = rec(k.Access.GrantPerson(ctx, w.other, p.ID, access.GrantInput{Email: "cleo@example.com", Phone: "+33612345678", Level: access.LevelReadOnly}))
			return err
		}},
		{"advisor grant", func() error {
			a, err := rec(k.Access.RegisterAdvisor(ctx, w.other, w.dossier2, access.AdvisorInput{Name: "Abe", Email: "abe@example.com", Phone: "+33612345670", Type: access.AdvisorBanker}))
			if err != nil {
				return err
			}
			_, err = rec(k.Access.GrantAdvisor(ctx, w.other, a.ID, access.LevelReadWrite))
			return err
		}},
		{"grant to a future account", func() error {
			p, err := rec(k.Access.AddPerson(ctx, w.other, w.dossier2, access.PersonInput{Name: "Kid", Relation: access.RelationChild}))
			if err != nil {
				return err
			}
			_, err = rec(k.Access.GrantPerson(ctx, w.other, p.ID, access.GrantInput{Email: "kid@example.com", Phone: "+33612345679", Level: access.LevelReadWrite}))
			return err
		}},
		{"account created", func() error { _, err := rec(k.Teams.CreateUser(ctx, testHost, "Kid", "kid@example.com")); return err }},
		{"team and referral", func() error {
			// TEAM-8 v2: a referrer shares a vault they already reach; the
			// outsider leads the team, the manager (other) and the admin refer.
			tm, err := rec(k.Teams.CreateTeam(ctx, w.outsider, "Advisors", w.outsider))
			if err != nil {
				return err
			}
			for _, m := range []struct {
				u     cabinet.UserID
				email string
			}{{w.other, "olga@example.com"}, {w.admin, "ada@example.com"}} {
				inv, err := rec(k.Teams.Invite(ctx, w.outsider, tm.ID, m.email, team.RoleMember))
				if err != nil {
					return err
				}
				if _, err := rec(k.Teams.AcceptInvitation(ctx, m.u, inv.ID)); err != nil {
					return err
				}
			}
			if _, err = rec(k.Teams.Refer(ctx, w.other, team.ReferInput{Team: tm.ID, ClientName: "Cleo", ClientEmail: "cleo@example.com", Dossier: w.dossier2})); err != nil {
				return err
			}
			_, err = rec(k.Teams.Refer(ctx, w.admin, team.ReferInput{Team: tm.ID, ClientName: "Dupont", ClientEmail: "dupont@example.com", Dossier: w.dossier}))
			return err
		}},
		{"revoke consent", func() error { return errOf(k.Teams.RevokeConsent(ctx, w.client, w.dossier2)) }},
		{"remove collaborator", func() error {
			// GRP-11: other stops managing dossier2; the team route through
			// the referral they made closes (TEAM-8 v2). The admin takes over.
			if err := errRev(k.Groups.RemoveCollaborator(ctx, w.admin, w.office, w.other)); err != nil {
				return err
			}
			w.fresh()
			return errOf(k.Access.SetManager(ctx, w.admin, w.dossier2, w.admin))
		}},
		{"contact and impersonation", func() error {
			c, err := rec(k.Contacts.CreateContact(ctx, w.admin, w.office, contact.KindClient, contact.Fields{FirstName: "Zoe", LastName: "Z", Email: "zoe@example.com"}))
			if err != nil {
				return err
			}
			if _, err := rec(k.Contacts.InviteContact(ctx, w.admin, c.ID)); err != nil {
				return err
			}
			if _, err := rec(k.Teams.CreateUser(ctx, testHost, "Zoe", "zoe@example.com")); err != nil {
				return err
			}
			_, err = rec(k.Contacts.StartImpersonation(ctx, w.staff, c.ID))
			return err
		}},
		{"procedure and case", func() error {
			if _, err := rec(k.Procedures.SetPlan(ctx, testHost, w.office, procedure.PlanPlatinum)); err != nil {
				return err
			}
			p, err := rec(k.Procedures.CreateProcedure(ctx, w.admin, w.office, "Loan", "Borrower"))
			if err != nil {
				return err
			}
			if _, err := rec(k.Procedures.AddItem(ctx, w.admin, p.ID, "ID card", p.Roles[0].ID)); err != nil {
				return err
			}
			_, err = rec(k.Procedures.OpenCase(ctx, w.admin, p.ID, w.dossier, procedure.Invitee{Email: "cleo@example.com"}))
			return err
		}},
		{"team invitation accepted", func() error {
			ts, _, err := k.Teams.Teams(ctx, w.outsider, cabinet.Page{})
			if err != nil {
				return err
			}
			for _, tm := range ts {
				if tm.Personal {
					continue
				}
				inv, err := rec(k.Teams.Invite(ctx, w.outsider, tm.ID, "sam@example.com", team.RoleMember))
				if err != nil {
					return err
				}
				if _, err := rec(k.Teams.AcceptInvitation(ctx, w.staff, inv.ID)); err != nil {
					return err
				}
				return nil
			}
			return fmt.Errorf("no team")
		}},
		{"restore consent", func() error { return errOf(k.Teams.RestoreConsent(ctx, w.client, w.dossier2)) }},
		{"team role changed and member removed", func() error {
			tm := w.sharedTeam()
			if err := errOf(k.Teams.ChangeRole(ctx, w.outsider, tm, w.staff, team.RoleAdmin)); err != nil {
				return err
			}
			w.fresh()
			return errRev(k.Teams.RemoveMember(ctx, w.outsider, tm, w.staff))
		}},
		{"referral moved", func() error {
			rs, _, err := k.Teams.ReferralsBy(ctx, w.admin, w.admin, team.ReferralFilter{}, cabinet.Page{})
			if err != nil || len(rs) == 0 {
				return fmt.Errorf("referrals by the admin: %v %v", rs, err)
			}
			pt, err := k.Teams.PersonalTeam(ctx, w.admin)
			if err != nil {
				return err
			}
			if _, err = rec(k.Teams.MoveReferral(ctx, w.admin, rs[0].ID, pt.ID)); err != nil {
				return err
			}
			w.fresh()
			_, err = rec(k.Teams.MoveReferral(ctx, w.admin, rs[0].ID, w.sharedTeam()))
			return err
		}},
		{"team deleted", func() error {
			return errRev(k.Teams.DeleteTeam(ctx, w.outsider, w.sharedTeam(), team.ReassignToDeleter))
		}},
		{"grant level changed, then revoked", func() error {
			g := w.grantOf("kid@example.com")
			if err := errOf(k.Access.ChangeLevel(ctx, w.admin, g, access.LevelReadOnly)); err != nil {
				return err
			}
			w.fresh()
			return errRev(k.Access.Revoke(ctx, w.admin, g))
		}},
		{"advisor removed", func() error {
			g := w.grantOf("abe@example.com")
			if err := errRev(k.Access.Revoke(ctx, w.admin, g)); err != nil {
				return err
			}
			return nil
		}},
		{"collaborator group emptied and deleted", func() error {
			var gid cabinet.CollaboratorGroupID
			engOK(w.t, w.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
				gs, _, err := r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, cabinet.Page{})
				if len(gs) > 0 {
					gid = gs[0].ID
				}
				return err
			}))
			if err := errOf(k.Groups.AddMember(ctx, w.admin, gid, w.staff)); err != nil {
				return err
			}
			w.fresh()
			if err := errRev(k.Groups.UnassignCollaboratorGroup(ctx, w.admin, w.group, gid)); err != nil {
				return err
			}
			w.fresh()
			if err := errOf(k.Groups.AssignCollaboratorGroup(ctx, w.admin, w.group, gid)); err != nil {
				return err
			}
			w.fresh()
			if err := errRev(k.Groups.RemoveMember(ctx, w.admin, gid, w.staff)); err != nil {
				return err
			}
			w.fresh()
			return errRev(k.Groups.DeleteCollaboratorGroup(ctx, w.admin, gid))
		}},
		{"collaborator client groups set", func() error {
			return errRev(k.Groups.SetCollaboratorClientGroups(ctx, w.admin, w.office, w.staff, []cabinet.ClientGroupID{w.group}))
		}},
		{"dossier moved to another group", func() error {
			g2, err := rec(k.Groups.CreateClientGroup(ctx, w.admin, w.office, "South", ""))
			if err != nil {
				return err
			}
			return errRev(k.Groups.MoveDossier(ctx, w.admin, w.dossier, g2.ID))
		}},
		{"dossier archived", func() error { return errOf(k.Access.SetStatus(ctx, w.admin, w.dossier2, cabinet.DossierArchived)) }},
		{"contributor invited, account created", func() error {
			var kid cabinet.CaseID
			var role procedure.RoleID
			engOK(w.t, w.store.ViewProcedures(ctx, func(r procedure.Reader) error {
				cs, _, err := r.ListCases(ctx, procedure.CaseFilter{}, cabinet.Page{})
				if len(cs) > 0 {
					kid = cs[0].ID
					p, err := r.Procedure(ctx, cs[0].Procedure)
					if err != nil {
						return err
					}
					role = p.Roles[0].ID
					_ = role
				}
				return err
			}))
			c, err := k.Procedures.Case(ctx, w.admin, kid)
			if err != nil {
				return err
			}
			nr, err := rec(k.Procedures.AddRole(ctx, w.admin, c.Procedure, "Notary", procedure.PermissionsOf(procedure.PermView)))
			if err != nil {
				return err
			}
			if _, err := rec(k.Procedures.AddItem(ctx, w.admin, c.Procedure, "Deed", nr.ID)); err != nil {
				return err
			}
			if _, err := rec(k.Procedures.InviteContributor(ctx, w.admin, kid, nr.ID, procedure.Invitee{Email: "newbie@example.com"}, true)); err != nil {
				return err
			}
			w.fresh()
			_, err = rec(k.Teams.CreateUser(ctx, testHost, "Newbie", "newbie@example.com"))
			return err
		}},
		{"plan changes", func() error {
			if _, err := rec(k.Procedures.SetPlan(ctx, testHost, w.office, procedure.PlanStandard)); err != nil {
				return err
			}
			w.fresh()
			_, err := rec(k.Procedures.StartTrial(ctx, w.admin, w.office))
			return err
		}},
		{"impersonation stopped, contact archived", func() error {
			var sid contact.SessionID
			var cid cabinet.ContactID
			engOK(w.t, w.store.ViewContacts(ctx, func(r contact.Reader) error {
				ss, _, err := r.ListSessions(ctx, contact.SessionFilter{}, cabinet.Page{})
				if len(ss) > 0 {
					sid, cid = ss[0].ID, ss[0].Contact
				}
				return err
			}))
			if _, err := rec(k.Contacts.StopImpersonation(ctx, w.staff, sid)); err != nil {
				return err
			}
			w.fresh()
			_, err := rec(k.Contacts.ArchiveContact(ctx, w.admin, cid))
			return err
		}},
		{"clock passes", func() error { w.clock.Advance(8 * 24 * time.Hour); return nil }},
		{"delete client group", func() error { return errRev(k.Groups.DeleteClientGroup(ctx, w.admin, w.group)) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		w.fresh()
	}
	if w.k.Policy.Revision() == 0 {
		t.Error("Revision() = 0 after commands")
	}
}

// sharedTeam returns the first non-personal team of the outsider.
func (w *engWorld) sharedTeam() cabinet.TeamID {
	w.t.Helper()
	ts, _, err := w.k.Teams.Teams(w.ctx, w.outsider, cabinet.Page{})
	engOK(w.t, err)
	for _, tm := range ts {
		if !tm.Personal {
			return tm.ID
		}
	}
	w.t.Fatal("no shared team")
	return ""
}

// grantOf returns the grant sent to email.
func (w *engWorld) grantOf(email string) access.GrantID {
	w.t.Helper()
	var id access.GrantID
	engOK(w.t, w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		gs, _, err := r.Grants(w.ctx, access.GrantFilter{Email: email}, cabinet.Page{Limit: cabinet.MaxPageSize})
		if len(gs) > 0 {
			id = gs[0].ID
		}
		return err
	}))
	if id == "" {
		w.t.Fatalf("no grant to %s", email)
	}
	return id
}
