package policy_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

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

// "One rule, one place" (issue 7; POL-1, POL-2): the domain services' own
// permission checks and policy.Check must not be two copies of the rules
// that can drift. TestPOL1ServicesAgreeWithCheck runs random command
// sequences against every service wired by kit.New, and for each command
// with a policy counterpart asks Check(User(actor), action, resource) on the
// state just BEFORE the command, then runs it:
//
//   - the service returned nil → Check allowed;
//   - the service returned an error wrapping cabinet.ErrForbidden → Check
//     denied, naming the same rule (cabinet.RuleOf(err) == Decision.Rule,
//     except for an actor without an account, whom Check denies POL-4
//     before any rule of the resource);
//   - any other error (invalid input, not found, conflict) says nothing about
//     permission and is skipped.
//
// Together the two directions say: the service accepts exactly the commands
// that Check allows, up to non-permission errors.
//
// Rules that protect the target whatever the actor are conflicts, not
// permissions (see /work/policy-semantics.md): removing or demoting the
// team's lead (TEAM-2), revoking a central person's grant (ACC-6) and
// placing a dossier into another office's group (GRP-1) are ErrConflict
// and skipped, so the generator draws those targets freely. Managing one
// person's access is asked with policy.PersonResource, which Check answers
// with the service's own predicate (ACC-7: a granted central person may
// manage non-central persons only).

// Users of every world. ghost has no account (Check denies POL-4).
var agreeUsers = []string{"ada", "ben", "cat", "dan", "eve", "fay", "ghost"}

// agreeWorld is one small world built through kit, and the IDs the commands
// pick from.
type agreeWorld struct {
	k     *kit.Kit
	store *memstore.Store
	clock *cabinet.ManualClock
	users []cabinet.User // indexed like agreeUsers; ghost has only an ID
	email map[string]cabinet.UserID

	offices  []cabinet.OfficeID // o1 (ada admin; ben, cat standard), o2 (fay admin)
	teams    []cabinet.TeamID
	dossiers []cabinet.DossierID
	persons  []agreePerson // persons of the trees, central ones included
	advisors []access.AdvisorID
	groups   []cabinet.ClientGroupID
	groupOf  map[cabinet.ClientGroupID]cabinet.OfficeID
	contacts []cabinet.ContactID
	procs    []procedure.Procedure
	cases    []procedure.Case
	invites  []team.Invitation
	referral cabinet.ReferralID
}

func (w *agreeWorld) user(i int) cabinet.UserID { return w.users[i%len(w.users)].ID }

// agreePerson is a person of a dossier's family tree.
type agreePerson struct {
	id      access.PersonID
	dossier cabinet.DossierID
}

func pickID[T any](ids []T, i int) (T, bool) {
	var zero T
	if len(ids) == 0 {
		return zero, false
	}
	return ids[i%len(ids)], true
}

// newAgreeWorld builds the world every sequence starts from.
func newAgreeWorld(ctx context.Context) (*agreeWorld, error) {
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store := memstore.New(memstore.RunTwice())
	k, err := kit.New(ctx, store, cabinet.WithClock(clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		return nil, err
	}
	w := &agreeWorld{k: k, store: store, clock: clock, email: map[string]cabinet.UserID{}, groupOf: map[cabinet.ClientGroupID]cabinet.OfficeID{}}
	var firstErr error
	must := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	// Accounts. dan and eve sign up only after the contacts naming them
	// exist, so that signing up links those contacts to their accounts
	// (impersonating a contact needs its account, CON-6).
	w.users = make([]cabinet.User, len(agreeUsers))
	signUp := func(i int) {
		name := agreeUsers[i]
		u, err := rec(k.Teams.CreateUser(ctx, testHost, name, name+"@example.com"))
		must(err)
		w.users[i] = u
		w.email[u.Email] = u.ID
	}
	for _, i := range []int{0, 1, 2, 5} {
		signUp(i)
	}
	w.users[3] = cabinet.User{ID: "user_dan", Email: "dan@example.com"} // until dan signs up
	w.users[4] = cabinet.User{ID: "user_eve", Email: "eve@example.com"}
	w.users[6] = cabinet.User{ID: "u_ghost"}
	if firstErr != nil {
		return nil, firstErr
	}
	ada, ben, cat, dan, eve, fay := w.users[0], w.users[1], w.users[2], w.users[3], w.users[4], w.users[5]

	// Offices and client groups (clientgroup).
	o1, err := rec(k.Groups.CreateOffice(ctx, ada.ID, "Office one", "one@example.org"))
	must(err)
	o2, err := rec(k.Groups.CreateOffice(ctx, fay.ID, "Office two", "two@example.org"))
	must(err)
	_, err = rec(k.Groups.AddCollaborator(ctx, ada.ID, o1.ID, ben.ID, cabinet.ProfileStandard))
	must(err)
	_, err = rec(k.Groups.AddCollaborator(ctx, ada.ID, o1.ID, cat.ID, cabinet.ProfileStandard))
	must(err)
	w.offices = []cabinet.OfficeID{o1.ID, o2.ID}
	for _, o := range []clientgroup.Office{o1, o2} {
		admin := ada.ID
		if o.ID == o2.ID {
			admin = fay.ID
		}
		g, err := rec(k.Groups.CreateClientGroup(ctx, admin, o.ID, "Group", ""))
		must(err)
		w.groups = append(w.groups, g.ID)
		w.groupOf[g.ID] = o.ID
	}
	if firstErr != nil {
		return nil, firstErr
	}

	// Contacts (contact): a client for dan and a partner for eve in o1, a
	// lead in o1, a client for dan in o2.
	for _, c := range []struct {
		actor  cabinet.UserID
		office cabinet.OfficeID
		kind   contact.Kind
		email  string
	}{
		{ada.ID, o1.ID, contact.KindClient, dan.Email},
		{ben.ID, o1.ID, contact.KindPartner, eve.Email},
		{cat.ID, o1.ID, contact.KindLead, ""},
		{fay.ID, o2.ID, contact.KindClient, dan.Email},
	} {
		x, err := rec(k.Contacts.CreateContact(ctx, c.actor, c.office, c.kind, contact.Fields{FirstName: "C", LastName: "Doe", Email: c.email}))
		must(err)
		w.contacts = append(w.contacts, x.ID)
	}

	signUp(3)
	signUp(4)
	dan, eve = w.users[3], w.users[4]
	if firstErr != nil {
		return nil, firstErr
	}

	// Dossiers (access): d1 managed by ben, activated, with a holder granted
	// to dan, a co-holder without access, a child and a notary; d2 managed
	// by cat, a draft; d3 in o2.
	d1, err := rec(k.Access.CreateDossier(ctx, ben.ID, o1.ID, "D one"))
	must(err)
	must(errOf(k.Access.SetStatus(ctx, ben.ID, d1.ID, cabinet.DossierActivated)))
	d2, err := rec(k.Access.CreateDossier(ctx, cat.ID, o1.ID, "D two"))
	must(err)
	d3, err := rec(k.Access.CreateDossier(ctx, fay.ID, o2.ID, "D three"))
	must(err)
	must(errOf(k.Access.SetStatus(ctx, fay.ID, d3.ID, cabinet.DossierActivated)))
	w.dossiers = []cabinet.DossierID{d1.ID, d2.ID, d3.ID}
	holder, err := rec(k.Access.AddPerson(ctx, ben.ID, d1.ID, access.PersonInput{Name: "Holder", Relation: access.RelationHolder}))
	must(err)
	_, err = rec(k.Access.GrantPerson(ctx, ben.ID, holder.ID, access.GrantInput{Email: dan.Email, Phone: "06 12 34 56 78", Level: access.LevelReadWrite}))
	must(err)
	coHolder, err := rec(k.Access.AddPerson(ctx, ben.ID, d1.ID, access.PersonInput{Name: "Co-holder", Relation: access.RelationCoHolder}))
	must(err)
	w.persons = append(w.persons, agreePerson{holder.ID, d1.ID}, agreePerson{coHolder.ID, d1.ID})
	for _, d := range []struct {
		id    cabinet.DossierID
		actor cabinet.UserID
	}{{d1.ID, ben.ID}, {d2.ID, cat.ID}, {d3.ID, fay.ID}} {
		p, err := rec(k.Access.AddPerson(ctx, d.actor, d.id, access.PersonInput{Name: "Child", Relation: access.RelationChild}))
		must(err)
		w.persons = append(w.persons, agreePerson{p.ID, d.id})
		a, err := rec(k.Access.RegisterAdvisor(ctx, d.actor, d.id, access.AdvisorInput{Name: "Notary", Email: eve.Email, Phone: "01 23 45 67 89", Type: access.AdvisorNotary}))
		must(err)
		w.advisors = append(w.advisors, a.ID)
	}
	if firstErr != nil {
		return nil, firstErr
	}

	// Teams (team): ben leads t1 with dan's referral for d1; everybody's
	// personal team can be drawn too (TEAM-6).
	t1, err := rec(k.Teams.CreateTeam(ctx, ben.ID, "Team one", ""))
	must(err)
	w.teams = append(w.teams, t1.ID)
	ref, err := rec(k.Teams.Refer(ctx, ben.ID, team.ReferInput{Team: t1.ID, ClientName: "Dan", ClientEmail: dan.Email, Dossier: d1.ID}))
	must(err)
	w.referral = ref.ID
	for _, u := range []cabinet.User{ada, dan} {
		p, err := k.Teams.PersonalTeam(ctx, u.ID)
		must(err)
		w.teams = append(w.teams, p.ID)
	}

	// Procedures (procedure): o1 is platinum, o2 standard; each procedure
	// has a contributor role (o1 only: premium), items for both roles and
	// a case for dan, attached to a dossier in o1.
	_, err = rec(k.Procedures.SetPlan(ctx, testHost, o1.ID, procedure.PlanPlatinum))
	must(err)
	for _, o := range []struct {
		id     cabinet.OfficeID
		admin  cabinet.UserID
		staff  cabinet.UserID
		dossie cabinet.DossierID
	}{{o1.ID, ada.ID, ben.ID, d1.ID}, {o2.ID, fay.ID, fay.ID, ""}} {
		p, err := rec(k.Procedures.CreateProcedure(ctx, o.admin, o.id, "Proc", "Client"))
		must(err)
		if err != nil {
			continue
		}
		if o.id == o1.ID {
			_, err = rec(k.Procedures.AddRole(ctx, o.admin, p.ID, "Spouse", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload)))
			must(err)
		}
		_, err = rec(k.Procedures.AddItem(ctx, o.admin, p.ID, "ID card", ""))
		must(err)
		if o.id == o1.ID {
			p, err = k.Procedures.Procedure(ctx, o.admin, p.ID)
			must(err)
			_, err = rec(k.Procedures.AddItem(ctx, o.admin, p.ID, "Spouse ID", p.Roles[1].ID))
			must(err)
		}
		p, err = k.Procedures.Procedure(ctx, o.admin, p.ID)
		must(err)
		w.procs = append(w.procs, p)
		c, err := rec(k.Procedures.OpenCase(ctx, o.staff, p.ID, o.dossie, procedure.Invitee{Email: dan.Email}))
		must(err)
		w.cases = append(w.cases, c)
		// dan, the main recipient, has uploaded the first item, so that
		// Submit can succeed (a submission needs a document).
		_, err = rec(k.Procedures.Upload(ctx, dan.ID, c.ID, p.Items[0].ID, "id.pdf"))
		must(err)
	}
	// dan's client contact in o1 is invited (and, dan having an account,
	// active): it can be impersonated from the start (CON-6).
	_, err = rec(k.Contacts.InviteContact(ctx, ada.ID, w.contacts[0]))
	must(err)
	if firstErr != nil {
		return nil, firstErr
	}
	return w, nil
}

// agreeCmd is one random step: Op picks the command, Actor the user, A and B
// the arguments.
type agreeCmd struct{ Op, Actor, A, B int }

func (c agreeCmd) String() string {
	return fmt.Sprintf("%s(actor %s, %d, %d)", agreeOpNames[c.Op%len(agreeOpNames)], agreeUsers[c.Actor%len(agreeUsers)], c.A, c.B)
}

var agreeOpNames = []string{
	"Invite", "RenameTeam", "DeleteTeam", "Referrals", "RemoveMember",
	"SetManager", "GrantAdvisor", "ChangeLevel", "Revoke", "GrantPerson",
	"CreateClientGroup", "RenameClientGroup", "CreateCollaboratorGroup", "MoveDossier",
	"InviteContact", "StartImpersonation",
	"AddRole", "InviteContributor", "Upload", "Comment", "Submit",
	// state changes without a policy agreeQuestion
	"AcceptInvitation", "SetStatus", "SetProfile", "AssignCollaborator", "Advance",
	"ToggleConsent", "SetPlan", "RegisterAdvisor",
}

// agreeQuestion is the policy counterpart of a command.
type agreeQuestion struct {
	action policy.Action
	res    policy.Resource
}

// step runs c: it returns the question to ask before running it (ok false
// when the command has none or cannot be drawn) and the command to run.
func (w *agreeWorld) step(ctx context.Context, c agreeCmd) (q agreeQuestion, ok bool, run func() error) {
	actor := w.user(c.Actor)
	a, b := c.A, c.B
	emails := []string{"ada@example.com", "ben@example.com", "cat@example.com", "dan@example.com", "eve@example.com", "new@example.com"}
	email := emails[b%len(emails)]
	k := w.k
	switch agreeOpNames[c.Op%len(agreeOpNames)] {
	case "Invite":
		t, _ := pickID(w.teams, a)
		role := team.RoleMember
		if b%2 == 1 {
			role = team.RoleAdmin
		}
		return agreeQuestion{policy.ManageTeamMembers, policy.TeamResource(t)}, true, func() error {
			inv, err := rec(k.Teams.Invite(ctx, actor, t, email, role))
			if err == nil {
				w.invites = append(w.invites, inv)
			}
			return err
		}
	case "RenameTeam":
		t, _ := pickID(w.teams, a)
		return agreeQuestion{policy.RenameTeam, policy.TeamResource(t)}, true, func() error {
			_, err := rec(k.Teams.RenameTeam(ctx, actor, t, fmt.Sprintf("Team %d", b)))
			return err
		}
	case "DeleteTeam":
		t, _ := pickID(w.teams, a)
		return agreeQuestion{policy.DeleteTeam, policy.TeamResource(t)}, true, func() error {
			return errRev(k.Teams.DeleteTeam(ctx, actor, t, team.ReassignToDeleter))
		}
	case "Referrals":
		t, _ := pickID(w.teams, a)
		return agreeQuestion{policy.ListReferrals, policy.TeamResource(t)}, true, func() error {
			_, _, err := k.Teams.Referrals(ctx, actor, t, team.ReferralFilter{}, cabinet.Page{})
			return err
		}
	case "RemoveMember":
		t, _ := pickID(w.teams, a)
		// Half the time the team's lead: removing the lead is a conflict
		// whoever asks (TEAM-2), skipped (see top).
		target := w.user(b)
		if b%2 == 0 {
			_ = w.store.ViewTeams(ctx, func(r team.Reader) error {
				x, err := r.Team(ctx, t)
				if err == nil {
					target = x.Lead
				}
				return err
			})
		}
		return agreeQuestion{policy.ManageTeamMembers, policy.TeamResource(t)}, true, func() error {
			return errRev(k.Teams.RemoveMember(ctx, actor, t, target))
		}
	case "SetManager":
		d, _ := pickID(w.dossiers, a)
		m := w.user(b)
		return agreeQuestion{policy.SetManager, policy.DossierResource(d)}, true, func() error {
			return errOf(k.Access.SetManager(ctx, actor, d, m))
		}
	case "GrantAdvisor":
		adv, _ := pickID(w.advisors, a)
		d := w.dossiers[a%len(w.advisors)] // advisors[i] is on dossiers[i]
		level := access.Level(1 + b%2)
		return agreeQuestion{policy.ManageExternalAdvisors, policy.DossierResource(d)}, true, func() error {
			_, err := rec(k.Access.GrantAdvisor(ctx, actor, adv, level))
			return err
		}
	case "ChangeLevel", "Revoke":
		// Any grant: an advisor's (ManageExternalAdvisors, ACC-9) or a
		// person's, central ones included (ManageFamilyAccess on that
		// person, ACC-7; revoking a central grant is an ACC-6 conflict,
		// skipped, see top).
		gs, err := w.allGrants(ctx)
		if err != nil {
			return agreeQuestion{}, false, nil
		}
		g, ok := pickID(gs, a)
		if !ok {
			return agreeQuestion{}, false, nil
		}
		q := agreeQuestion{policy.ManageExternalAdvisors, policy.DossierResource(g.Dossier)}
		if g.Kind == access.GranteePerson {
			q = agreeQuestion{policy.ManageFamilyAccess, policy.PersonResource(g.Dossier, g.Person)}
		}
		if agreeOpNames[c.Op%len(agreeOpNames)] == "Revoke" {
			return q, true, func() error { return errRev(k.Access.Revoke(ctx, actor, g.ID)) }
		}
		return q, true, func() error { return errOf(k.Access.ChangeLevel(ctx, actor, g.ID, access.Level(1+b%2))) }
	case "GrantPerson":
		// Any person, central ones included: a granted central person may
		// manage non-central persons only (ACC-7), which PersonResource
		// asks.
		p, _ := pickID(w.persons, a)
		return agreeQuestion{policy.ManageFamilyAccess, policy.PersonResource(p.dossier, p.id)}, true, func() error {
			_, err := rec(k.Access.GrantPerson(ctx, actor, p.id, access.GrantInput{Email: email, Phone: "06 11 22 33 44", Level: access.Level(1 + b%2)}))
			return err
		}
	case "CreateClientGroup":
		o, _ := pickID(w.offices, a)
		return agreeQuestion{policy.AdministerClientGroups, policy.OfficeResource(o)}, true, func() error {
			g, err := rec(k.Groups.CreateClientGroup(ctx, actor, o, "New group", ""))
			if err == nil {
				w.groups = append(w.groups, g.ID)
				w.groupOf[g.ID] = o
			}
			return err
		}
	case "RenameClientGroup":
		g, _ := pickID(w.groups, a)
		return agreeQuestion{policy.AdministerClientGroups, policy.OfficeResource(w.groupOf[g])}, true, func() error {
			_, err := rec(k.Groups.RenameClientGroup(ctx, actor, g, fmt.Sprintf("Group %d", b)))
			return err
		}
	case "CreateCollaboratorGroup":
		o, _ := pickID(w.offices, a)
		return agreeQuestion{policy.AdministerCollaboratorGroups, policy.OfficeResource(o)}, true, func() error {
			_, err := rec(k.Groups.CreateCollaboratorGroup(ctx, actor, o, "Team"))
			return err
		}
	case "MoveDossier":
		d, _ := pickID(w.dossiers, a)
		// Any group: a group of another office is a conflict whoever asks
		// (GRP-1), skipped (see top).
		g, _ := pickID(w.groups, b)
		return agreeQuestion{policy.AssignClientGroup, policy.DossierResource(d)}, true, func() error {
			return errRev(k.Groups.MoveDossier(ctx, actor, d, g))
		}
	case "InviteContact":
		x, _ := pickID(w.contacts, a)
		return agreeQuestion{policy.InviteContact, policy.ContactResource(x)}, true, func() error {
			_, err := rec(k.Contacts.InviteContact(ctx, actor, x))
			return err
		}
	case "StartImpersonation":
		x, _ := pickID(w.contacts, a)
		return agreeQuestion{policy.ImpersonateContact, policy.ContactResource(x)}, true, func() error {
			_, err := rec(k.Contacts.StartImpersonation(ctx, actor, x))
			return err
		}
	case "AddRole":
		p, _ := pickID(w.procs, a)
		return agreeQuestion{policy.ConfigureRoles, policy.ProcedureResource(p.ID)}, true, func() error {
			_, err := rec(k.Procedures.AddRole(ctx, actor, p.ID, fmt.Sprintf("Role %d", b), procedure.PermissionsOf(procedure.PermView)))
			return err
		}
	case "InviteContributor":
		cs, _ := pickID(w.cases, a)
		p := w.procOf(cs)
		role := p.Roles[b%len(p.Roles)].ID
		return agreeQuestion{policy.InviteContributor, policy.CaseResource(cs.ID)}, true, func() error {
			_, err := rec(k.Procedures.InviteContributor(ctx, actor, cs.ID, role, procedure.Invitee{Email: email}, false))
			return err
		}
	case "Upload", "Comment", "Submit":
		cs, _ := pickID(w.cases, a)
		p := w.procOf(cs)
		item := p.Items[b%len(p.Items)].ID
		r := policy.ItemResource(cs.ID, item)
		switch agreeOpNames[c.Op%len(agreeOpNames)] {
		case "Upload":
			return agreeQuestion{policy.UploadItem, r}, true, func() error {
				_, err := rec(k.Procedures.Upload(ctx, actor, cs.ID, item, "scan.pdf"))
				return err
			}
		case "Comment":
			return agreeQuestion{policy.CommentItem, r}, true, func() error {
				_, err := rec(k.Procedures.Comment(ctx, actor, cs.ID, item, "looks good"))
				return err
			}
		}
		return agreeQuestion{policy.SubmitItem, r}, true, func() error { return errOf(k.Procedures.Submit(ctx, actor, cs.ID, item)) }

	// State changes, so that the questions meet varied states.
	case "AcceptInvitation":
		inv, ok := pickID(w.invites, a)
		if !ok {
			return agreeQuestion{}, false, nil
		}
		return agreeQuestion{}, false, func() error {
			_, err := rec(k.Teams.AcceptInvitation(ctx, w.email[inv.Email], inv.ID))
			return err
		}
	case "SetStatus":
		d, _ := pickID(w.dossiers, a)
		st := []cabinet.DossierStatus{cabinet.DossierActivated, cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierArchived}[b%4]
		return agreeQuestion{}, false, func() error {
			err := errOf(k.Access.SetStatus(ctx, w.users[0].ID, d, st))
			if err != nil {
				err = errOf(k.Access.SetStatus(ctx, w.users[5].ID, d, st))
			}
			return err
		}
	case "SetProfile":
		u := w.users[1+b%2].ID // ben or cat
		prof := cabinet.ProfileStandard
		if a%2 == 1 {
			prof = cabinet.ProfileAdmin
		}
		return agreeQuestion{}, false, func() error {
			_, err := rec(k.Groups.SetProfile(ctx, w.users[0].ID, w.offices[0], u, prof))
			return err
		}
	case "AssignCollaborator":
		g, _ := pickID(w.groups, a)
		return agreeQuestion{}, false, func() error {
			return errOf(k.Groups.AssignCollaborator(ctx, w.users[0].ID, g, w.users[1+b%2].ID))
		}
	case "Advance":
		return agreeQuestion{}, false, func() error {
			w.clock.Advance(time.Duration(1+a) * 24 * time.Hour * time.Duration(1+b))
			return nil
		}
	case "ToggleConsent":
		return agreeQuestion{}, false, func() error {
			if b%2 == 0 {
				_, err := rec(k.Teams.RevokeConsent(ctx, w.users[3].ID, w.dossiers[0]))
				return err
			}
			_, err := rec(k.Teams.RestoreConsent(ctx, w.users[3].ID, w.dossiers[0]))
			return err
		}
	case "SetPlan":
		o, _ := pickID(w.offices, a)
		plan := procedure.Plan(1 + b%2)
		return agreeQuestion{}, false, func() error {
			_, err := rec(k.Procedures.SetPlan(ctx, testHost, o, plan))
			return err
		}
	case "RegisterAdvisor":
		d, _ := pickID(w.dossiers, a)
		return agreeQuestion{}, false, func() error {
			// The dossier's current manager registers a second advisor; the
			// grant commands keep drawing the first ones.
			f, err := dossierOf(ctx, w.store, d)
			if err != nil {
				return err
			}
			_, err = rec(k.Access.RegisterAdvisor(ctx, f.Manager, d, access.AdvisorInput{Name: "Lawyer", Email: email, Phone: "01 23 45 67 00", Type: access.AdvisorLawyer}))
			return err
		}
	}
	return agreeQuestion{}, false, nil
}

func (w *agreeWorld) procOf(c procedure.Case) procedure.Procedure {
	for _, p := range w.procs {
		if p.ID == c.Procedure {
			return p
		}
	}
	return procedure.Procedure{}
}

// allGrants returns every grant of the store, ordered by ID.
func (w *agreeWorld) allGrants(ctx context.Context) ([]access.Grant, error) {
	var out []access.Grant
	err := w.store.ViewAccess(ctx, func(r access.Reader) error {
		var err error
		out, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, p)
		})
		return err
	})
	return out, err
}

// agreeStats counts, per action, the commands the services accepted and
// forbade, the rules of the services' refusals, and the rules of the
// conflicts (skipped by the property).
type agreeStats struct {
	mu        sync.Mutex
	accepted  map[policy.Action]int
	forbidden map[policy.Action]int
	rules     map[string]int // rule of a service's ErrForbidden → count
	conflicts map[string]int // rule of a service's ErrConflict → count
}

func (s *agreeStats) add(a policy.Action, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err == nil:
		s.accepted[a]++
	case errors.Is(err, cabinet.ErrForbidden):
		s.forbidden[a]++
		s.rules[cabinet.RuleOf(err)]++
	case errors.Is(err, cabinet.ErrConflict):
		s.conflicts[cabinet.RuleOf(err)]++
	}
}

// runAgreement runs cmds on a fresh world and returns the first disagreement.
func runAgreement(ctx context.Context, cmds []agreeCmd, stats *agreeStats) string {
	w, err := newAgreeWorld(ctx)
	if err != nil {
		return "building the world: " + err.Error()
	}
	for i, c := range cmds {
		q, ask, run := w.step(ctx, c)
		if run == nil {
			continue
		}
		var dec policy.Decision
		if ask {
			if dec, err = w.k.Policy.Check(ctx, policy.User(w.user(c.Actor)), q.action, q.res); err != nil {
				return fmt.Sprintf("step %d %v: Check: %v", i, c, err)
			}
		}
		cmdErr := run()
		if !ask {
			continue
		}
		switch {
		case cmdErr == nil && !dec.Allowed:
			return fmt.Sprintf("step %d %v: the service accepted it but Check(%s, %s) denied: %s", i, c, q.action, q.res, dec)
		case errors.Is(cmdErr, cabinet.ErrForbidden) && dec.Allowed:
			return fmt.Sprintf("step %d %v: the service forbade it (%v) but Check(%s, %s) allowed: %s", i, c, cmdErr, q.action, q.res, dec)
		case errors.Is(cmdErr, cabinet.ErrForbidden) && cabinet.RuleOf(cmdErr) != dec.Rule && w.user(c.Actor) != "u_ghost":
			// Both deny: the same rule, one rule in one place (ghost has no
			// account: Check denies it POL-4 before any rule of the
			// resource, while the service meets the resource's rule first).
			return fmt.Sprintf("step %d %v: the service forbade it naming %s (%v) but Check(%s, %s) names %s: %s", i, c, cabinet.RuleOf(cmdErr), cmdErr, q.action, q.res, dec.Rule, dec)
		}
		stats.add(q.action, cmdErr)
	}
	return ""
}

func agreeGen() gopter.Gen {
	return gen.SliceOf(gopter.CombineGens(
		gen.IntRange(0, len(agreeOpNames)-1), gen.IntRange(0, len(agreeUsers)-1), gen.IntRange(0, 7), gen.IntRange(0, 7),
	).Map(func(v []any) agreeCmd { return agreeCmd{v[0].(int), v[1].(int), v[2].(int), v[3].(int)} }))
}

// POL-1, POL-2 (issue 7, "one rule, one place"): every command a service
// accepts is one policy.Check allows for that actor, and every command a
// service forbids is one Check denies.
func TestPOL1ServicesAgreeWithCheck(t *testing.T) {
	ctx := context.Background()
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	params.MinSize = 10
	params.MaxSize = 26 // 10 to 25 commands per sequence
	stats := &agreeStats{accepted: map[policy.Action]int{}, forbidden: map[policy.Action]int{}, rules: map[string]int{}, conflicts: map[string]int{}}
	properties := gopter.NewProperties(params)
	properties.Property("services accept exactly what Check allows", prop.ForAll(func(cmds []agreeCmd) string {
		return runAgreement(ctx, cmds, stats)
	}, agreeGen()))
	properties.TestingRun(t)
	if t.Failed() {
		return
	}

	// The property is vacuous for an action the sequences never decided:
	// each covered action must have been both accepted and forbidden.
	covered := []policy.Action{
		policy.ManageTeamMembers, policy.RenameTeam, policy.DeleteTeam, policy.ListReferrals,
		policy.SetManager, policy.ManageExternalAdvisors, policy.ManageFamilyAccess,
		policy.AdministerClientGroups, policy.AdministerCollaboratorGroups, policy.AssignClientGroup,
		policy.InviteContact, policy.ImpersonateContact,
		policy.ConfigureRoles, policy.InviteContributor, policy.UploadItem, policy.CommentItem, policy.SubmitItem,
	}
	var lines []string
	for _, a := range covered {
		lines = append(lines, fmt.Sprintf("%-30s accepted %5d  forbidden %5d", a, stats.accepted[a], stats.forbidden[a]))
		if stats.accepted[a] == 0 || stats.forbidden[a] == 0 {
			t.Errorf("%s: accepted %d, forbidden %d times: the generator does not exercise both sides", a, stats.accepted[a], stats.forbidden[a])
		}
	}
	t.Logf("outcomes per action:\n%s", strings.Join(lines, "\n"))
	t.Logf("service refusals by rule: %s; conflicts by rule (skipped): %s", countsOf(stats.rules), countsOf(stats.conflicts))
	// The target invariants are drawn and met as conflicts, and a central
	// person acting on a central person is a refusal Check names (ACC-7).
	for _, r := range []string{"TEAM-2", "ACC-6", "GRP-1"} {
		if stats.conflicts[r] == 0 {
			t.Errorf("no command met the %s conflict: the generator does not draw that target", r)
		}
	}
	for _, r := range []string{"ACC-7", "ACC-9", "ACC-1", "TEAM-4", "GRP-5"} {
		if stats.rules[r] == 0 {
			t.Errorf("no command was refused with %s", r)
		}
	}
}

// countsOf formats a rule → count map, sorted.
func countsOf(m map[string]int) string {
	var out []string
	for k, n := range m {
		out = append(out, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
