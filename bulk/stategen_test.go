package bulk_test

// A generator of random small states built THROUGH THE SERVICES of a kit
// over memstore, so that every state is reachable: users (some signing up
// after the grants, referrals and contacts addressed to them), one or two
// offices with admins and standard collaborators (some removed again),
// collaborator and client groups with members and assignments, dossiers
// with managers, assigned collaborators, activations with a group, moves
// and archives, family trees with central and other persons, grants and
// external advisors, teams (some pending, some deleted) with members and
// referrals, consent revoked and restored, contacts invited, linked,
// archived and converted by a sale.
//
// A state is decoded from a slice of ints chosen by gopter: five ints per
// command (kind and four arguments), interpreted against the current world.
// Commands may fail: a failed command changes nothing.

import (
	"context"
	"fmt"
	"reflect"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

const (
	genMaxUsers   = 7
	genArgs       = 5
	genMaxCmds    = 90
	genKinds      = 38
	genMaxDossier = 6
)

// genEmails: user i signs up with genEmails[i]; the last one never does.
var genEmails = []string{
	"ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com",
	"eve@example.com", "fay@example.com", "gus@example.com", "zed@example.com",
}

type genState []int

func genStates() gopter.Gen {
	return gen.IntRange(20, genMaxCmds).FlatMap(func(v any) gopter.Gen {
		return gen.SliceOfN(2+v.(int)*genArgs, gen.IntRange(0, 1<<20)).Map(func(xs []int) genState { return xs })
	}, reflect.TypeOf(genState(nil)))
}

func pick[T any](xs []T, i int) T { return xs[((i%len(xs))+len(xs))%len(xs)] }

type world struct {
	ctx   context.Context
	store *memstore.Store
	kit   *kit.Kit

	users    []cabinet.UserID
	offices  []cabinet.OfficeID
	dossiers []cabinet.DossierID
	teams    []cabinet.TeamID
	refs     []cabinet.ReferralID
	groups   []cabinet.ClientGroupID
	cgroups  []cabinet.CollaboratorGroupID
	persons  []access.PersonID
	advisors []access.AdvisorID
	grants   []access.GrantID
	contacts []cabinet.ContactID

	log []string
}

func buildWorld(ctx context.Context, ints genState) (*world, error) {
	store := memstore.New()
	k, err := kit.New(ctx, store, kit.WithClock(cabinet.NewManualClock(epoch)), kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		return nil, err
	}
	w := &world{ctx: ctx, store: store, kit: k}
	for range 2 + ints[0]%2 {
		w.createUser()
	}
	for i := range 1 + ints[1]%2 {
		o, _, err := k.Groups.CreateOffice(ctx, w.users[i], fmt.Sprintf("Office %d", i), fmt.Sprintf("office%d@example.com", i))
		w.note("CreateOffice", err)
		if err == nil {
			w.offices = append(w.offices, o.ID)
		}
	}
	for i := 2; i+genArgs <= len(ints); i += genArgs {
		w.command(ints[i : i+genArgs])
	}
	return w, nil
}

func (w *world) note(what string, err error) {
	if err != nil {
		what += ": " + err.Error()
	}
	w.log = append(w.log, what)
}

func (w *world) String() string {
	out := ""
	for i, l := range w.log {
		out += fmt.Sprintf("  %2d. %s\n", i+1, l)
	}
	return out
}

func (w *world) createUser() {
	if len(w.users) >= genMaxUsers {
		return
	}
	i := len(w.users)
	u, _, err := w.kit.Teams.CreateUser(w.ctx, host, fmt.Sprintf("User %d", i), genEmails[i])
	w.note("CreateUser "+genEmails[i], err)
	if err == nil {
		w.users = append(w.users, u.ID)
	}
}

func (w *world) user(i int) cabinet.UserID { return pick(w.users, i) }

func (w *world) collaborators(o cabinet.OfficeID) []clientgroup.Collaborator {
	var out []clientgroup.Collaborator
	_ = w.store.ViewClientGroups(w.ctx, func(r clientgroup.Reader) error {
		var err error
		out, err = cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: o}, p)
		})
		return err
	})
	return out
}

// staff is mostly a collaborator of o (an admin when admin is set),
// sometimes anybody.
func (w *world) staff(o cabinet.OfficeID, admin bool, i int) cabinet.UserID {
	if i%7 == 0 {
		return w.user(i / 7)
	}
	var pool []cabinet.UserID
	for _, c := range w.collaborators(o) {
		if !admin || c.Profile == cabinet.ProfileAdmin {
			pool = append(pool, c.User)
		}
	}
	if len(pool) == 0 {
		return w.user(i)
	}
	return pick(pool, i/7)
}

func (w *world) dossier(i int) (access.Dossier, bool) {
	if len(w.dossiers) == 0 {
		return access.Dossier{}, false
	}
	var d access.Dossier
	err := w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		d, err = r.Dossier(w.ctx, pick(w.dossiers, i))
		return err
	})
	return d, err == nil
}

// manager is mostly the dossier's manager, else an admin of its office.
func (w *world) manager(d access.Dossier, i int) cabinet.UserID {
	if i%4 != 0 && d.Manager != "" {
		return d.Manager
	}
	return w.staff(d.Office, true, i)
}

func (w *world) person(i int) (access.Person, access.Dossier, bool) {
	if len(w.persons) == 0 {
		return access.Person{}, access.Dossier{}, false
	}
	var p access.Person
	var d access.Dossier
	err := w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		if p, err = r.Person(w.ctx, pick(w.persons, i)); err != nil {
			return err
		}
		d, err = r.Dossier(w.ctx, p.Dossier)
		return err
	})
	return p, d, err == nil
}

func (w *world) grantRec(i int) (access.Grant, access.Dossier, bool) {
	if len(w.grants) == 0 {
		return access.Grant{}, access.Dossier{}, false
	}
	var g access.Grant
	var d access.Dossier
	err := w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		if g, err = r.Grant(w.ctx, pick(w.grants, i)); err != nil {
			return err
		}
		d, err = r.Dossier(w.ctx, g.Dossier)
		return err
	})
	return g, d, err == nil
}

func (w *world) teamRec(i int) (team.Team, bool) {
	if len(w.teams) == 0 {
		return team.Team{}, false
	}
	var t team.Team
	err := w.store.ViewTeams(w.ctx, func(r team.Reader) error {
		var err error
		t, err = r.Team(w.ctx, pick(w.teams, i))
		return err
	})
	return t, err == nil
}

// member is mostly a member (an admin when admin is set) of t.
func (w *world) member(t team.Team, admin bool, i int) cabinet.UserID {
	var pool []cabinet.UserID
	for _, m := range t.Members {
		if !admin || m.Role == team.RoleAdmin {
			pool = append(pool, m.User)
		}
	}
	if len(pool) == 0 || i%6 == 0 {
		return w.user(i)
	}
	return pick(pool, i)
}

// central returns a user holding a central grant on d, or a random user.
func (w *world) central(d cabinet.DossierID, i int) cabinet.UserID {
	var pool []cabinet.UserID
	_ = w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		gs, err := cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{Dossier: d}, p)
		})
		for _, g := range gs {
			if g.Central && g.User != "" {
				pool = append(pool, g.User)
			}
		}
		return err
	})
	if len(pool) == 0 {
		return w.user(i)
	}
	return pick(pool, i)
}

func (w *world) contactRec(i int) (contact.Contact, bool) {
	if len(w.contacts) == 0 {
		return contact.Contact{}, false
	}
	var c contact.Contact
	err := w.store.ViewContacts(w.ctx, func(r contact.Reader) error {
		var err error
		c, err = r.Contact(w.ctx, pick(w.contacts, i))
		return err
	})
	return c, err == nil
}

var relations = access.Relations()

func (w *world) command(x []int) {
	ctx, k := w.ctx, w.kit
	kind, a, b, c, e := x[0]%genKinds, x[1], x[2], x[3], x[4]
	o := pick(w.offices, a)
	switch kind {
	case 0:
		w.createUser()
	case 1:
		prof := cabinet.ProfileStandard
		if b%4 == 0 {
			prof = cabinet.ProfileAdmin
		}
		_, _, err := k.Groups.AddCollaborator(ctx, w.staff(o, true, c), o, w.user(b), prof)
		w.note("AddCollaborator", err)
	case 2:
		prof := cabinet.ProfileStandard
		if b%2 == 0 {
			prof = cabinet.ProfileAdmin
		}
		_, _, err := k.Groups.SetProfile(ctx, w.staff(o, true, c), o, w.user(e), prof)
		w.note("SetProfile", err)
	case 3:
		target := w.user(e)
		for _, col := range w.collaborators(o) {
			if col.Profile == cabinet.ProfileStandard && e%3 != 0 {
				target = col.User
			}
		}
		_, err := k.Groups.RemoveCollaborator(ctx, w.staff(o, true, c), o, target)
		w.note("RemoveCollaborator", err)
	case 4:
		g, _, err := k.Groups.CreateCollaboratorGroup(ctx, w.staff(o, true, c), o, "Desk")
		w.note("CreateCollaboratorGroup", err)
		if err == nil {
			w.cgroups = append(w.cgroups, g.ID)
		}
	case 5:
		if len(w.cgroups) == 0 {
			return
		}
		_, _, err := k.Groups.AddMember(ctx, w.staff(o, true, c), pick(w.cgroups, b), w.staff(o, false, e+1))
		w.note("AddMember", err)
	case 6:
		email := ""
		if b%2 == 0 {
			email = "group@example.com"
		}
		g, _, err := k.Groups.CreateClientGroup(ctx, w.staff(o, true, c), o, "Clients", email)
		w.note("CreateClientGroup", err)
		if err == nil {
			w.groups = append(w.groups, g.ID)
		}
	case 7:
		if len(w.groups) == 0 {
			return
		}
		_, _, err := k.Groups.AssignCollaborator(ctx, w.staff(o, true, c), pick(w.groups, b), w.staff(o, false, e+1))
		w.note("AssignCollaborator", err)
	case 8:
		if len(w.groups) == 0 || len(w.cgroups) == 0 {
			return
		}
		_, _, err := k.Groups.AssignCollaboratorGroup(ctx, w.staff(o, true, c), pick(w.groups, b), pick(w.cgroups, e))
		w.note("AssignCollaboratorGroup", err)
	case 9, 10:
		if len(w.dossiers) >= genMaxDossier {
			return
		}
		actor := w.staff(o, false, c+1)
		d, _, err := k.Access.CreateDossier(ctx, actor, o, "Vault")
		w.note("CreateDossier", err)
		if err == nil {
			w.dossiers = append(w.dossiers, d.ID)
			if b%3 != 0 {
				group := cabinet.ClientGroupID("")
				if len(w.groups) > 0 && b%2 == 0 {
					group = pick(w.groups, e)
				}
				_, _, err = k.Access.Activate(ctx, actor, d.ID, group)
				w.note("Activate", err)
			}
		}
	case 11:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		_, _, err := k.Access.SetManager(ctx, w.manager(d, c), d.ID, w.staff(d.Office, false, e+1))
		w.note("SetManager", err)
	case 12:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		_, _, err := k.Access.SetAssigned(ctx, w.manager(d, c), d.ID, []cabinet.UserID{w.staff(d.Office, false, e+1), w.staff(d.Office, false, b+1)})
		w.note("SetAssigned", err)
	case 13:
		d, ok := w.dossier(a)
		if !ok || len(w.groups) == 0 {
			return
		}
		to := pick(w.groups, b)
		if e%4 == 0 {
			to = ""
		}
		_, err := k.Groups.MoveDossier(ctx, w.staff(d.Office, true, c), d.ID, to)
		w.note("MoveDossier", err)
	case 14:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		to := cabinet.DossierArchived
		if d.Status != cabinet.DossierActivated {
			to = cabinet.DossierActivated
		}
		_, _, err := k.Access.SetStatus(ctx, w.manager(d, c), d.ID, to)
		w.note("SetStatus "+to.String(), err)
	case 15, 16:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		p, _, err := k.Access.AddPerson(ctx, w.manager(d, c), d.ID, access.PersonInput{Name: fmt.Sprintf("Person %d", len(w.persons)), Relation: pick(relations, b)})
		w.note("AddPerson", err)
		if err == nil {
			w.persons = append(w.persons, p.ID)
		}
	case 17:
		p, d, ok := w.person(a)
		if !ok {
			return
		}
		_, _, err := k.Access.EditPerson(ctx, w.manager(d, c), p.ID, access.PersonInput{Name: p.Name, Relation: pick(relations, b)})
		w.note("EditPerson", err)
	case 18:
		p, d, ok := w.person(a)
		if !ok {
			return
		}
		_, err := k.Access.RemovePerson(ctx, w.manager(d, c), p.ID)
		w.note("RemovePerson", err)
	case 19, 20:
		p, d, ok := w.person(a)
		if !ok {
			return
		}
		actor := w.manager(d, c)
		if b%3 == 0 {
			actor = w.central(d.ID, c)
		}
		level := access.LevelReadOnly
		if e%2 == 0 {
			level = access.LevelReadWrite
		}
		email := pick(genEmails, b)
		if b%3 != 0 {
			email = genEmails[b%len(w.users)] // an existing account: a central person or family member who signs in
		}
		g, _, err := k.Access.GrantPerson(ctx, actor, p.ID, access.GrantInput{Email: email, Phone: "+33612345678", Level: level})
		w.note("GrantPerson", err)
		if err == nil {
			w.grants = append(w.grants, g.ID)
		}
	case 21:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.manager(d, c)
		adv, _, err := k.Access.RegisterAdvisor(ctx, actor, d.ID, access.AdvisorInput{Name: "Advisor", Email: pick(genEmails, b+3), Phone: "+33698765432", Type: access.AdvisorLawyer})
		w.note("RegisterAdvisor", err)
		if err != nil {
			return
		}
		w.advisors = append(w.advisors, adv.ID)
		if e%3 != 0 {
			g, _, err := k.Access.GrantAdvisor(ctx, actor, adv.ID, access.Level(1+e%2))
			w.note("GrantAdvisor", err)
			if err == nil {
				w.grants = append(w.grants, g.ID)
			}
		}
	case 22:
		g, d, ok := w.grantRec(a)
		if !ok {
			return
		}
		if b%2 == 0 {
			_, err := k.Access.Revoke(ctx, w.manager(d, c), g.ID)
			w.note("Revoke", err)
		} else {
			_, _, err := k.Access.ChangeLevel(ctx, w.manager(d, c), g.ID, access.Level(1+e%2))
			w.note("ChangeLevel", err)
		}
	case 23:
		actor := w.user(c)
		lead := actor
		if b%3 == 0 {
			lead = w.user(e)
		}
		t, _, err := k.Teams.CreateTeam(ctx, actor, "Advisors", lead)
		w.note("CreateTeam", err)
		if err == nil {
			w.teams = append(w.teams, t.ID)
		}
	case 24:
		t, ok := w.teamRec(a)
		if !ok {
			return
		}
		_, _, err := k.Teams.AcceptTeam(ctx, t.Lead, t.ID)
		w.note("AcceptTeam", err)
	case 25:
		t, ok := w.teamRec(a)
		if !ok {
			return
		}
		role := team.RoleMember
		if b%3 == 0 {
			role = team.RoleAdmin
		}
		i := b % len(w.users)
		inv, _, err := k.Teams.Invite(ctx, w.member(t, true, c), t.ID, genEmails[i], role)
		w.note("Invite", err)
		if err == nil && e%4 != 0 {
			_, _, err = k.Teams.AcceptInvitation(ctx, w.users[i], inv.ID)
			w.note("AcceptInvitation", err)
		}
	case 26:
		t, ok := w.teamRec(a)
		if !ok {
			return
		}
		if b%2 == 0 {
			_, err := k.Teams.Leave(ctx, w.member(t, false, c), t.ID)
			w.note("Leave", err)
		} else {
			_, err := k.Teams.RemoveMember(ctx, w.member(t, true, c), t.ID, w.member(t, false, e))
			w.note("RemoveMember", err)
		}
	case 27, 28:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.staff(d.Office, false, c+1)
		if b%4 == 0 {
			actor = w.central(d.ID, c)
		}
		var tid cabinet.TeamID
		if t, ok := w.teamRec(e); ok && b%3 != 0 {
			tid = t.ID
		}
		r, _, err := k.Teams.Refer(ctx, actor, team.ReferInput{Team: tid, ClientName: "Client", ClientEmail: pick(genEmails, e), Dossier: d.ID})
		w.note("Refer", err)
		if err == nil {
			w.refs = append(w.refs, r.ID)
		}
	case 29:
		if len(w.refs) == 0 {
			return
		}
		var r team.Referral
		_ = w.store.ViewTeams(ctx, func(rd team.Reader) error {
			var err error
			r, err = rd.Referral(ctx, pick(w.refs, a))
			return err
		})
		to := cabinet.TeamID("")
		if t, ok := w.teamRec(b); ok {
			to = t.ID
		}
		if e%2 == 0 {
			var p team.Team
			_ = w.store.ViewTeams(ctx, func(rd team.Reader) error {
				var err error
				p, err = rd.PersonalTeam(ctx, r.Referrer)
				return err
			})
			to = p.ID
		}
		_, _, err := k.Teams.MoveReferral(ctx, r.Referrer, r.ID, to)
		w.note("MoveReferral", err)
	case 30:
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.central(d.ID, c)
		var err error
		if b%3 == 0 {
			_, _, err = k.Teams.RestoreConsent(ctx, actor, d.ID)
		} else {
			_, _, err = k.Teams.RevokeConsent(ctx, actor, d.ID)
		}
		w.note("Consent", err)
	case 31:
		t, ok := w.teamRec(a)
		if !ok {
			return
		}
		how := team.ReassignToDeleter
		if b%2 == 0 {
			how = team.ReassignToReferrers
		}
		_, err := k.Teams.DeleteTeam(ctx, w.member(t, true, c), t.ID, how)
		w.note("DeleteTeam", err)
	case 32:
		kinds := []contact.Kind{contact.KindClient, contact.KindPartner, contact.KindLead}
		kd := pick(kinds, b)
		f := contact.Fields{FirstName: "Carla", LastName: fmt.Sprint("Contact", len(w.contacts)), Email: pick(genEmails, e)}
		if kd == contact.KindLead && e%2 == 0 {
			f.Email = ""
		}
		if kd == contact.KindPartner && e%3 == 0 {
			f.NewCompany = "Partners Inc"
		}
		actor := w.staff(o, false, c+1)
		ct, _, err := k.Contacts.CreateContact(ctx, actor, o, kd, f)
		w.note("CreateContact", err)
		if err != nil {
			return
		}
		w.contacts = append(w.contacts, ct.ID)
		if e%3 == 1 {
			_, _, err = k.Contacts.InviteContact(ctx, actor, ct.ID)
			w.note("InviteContact", err)
		}
	case 33:
		ct, ok := w.contactRec(a)
		if !ok {
			return
		}
		d, ok := w.dossier(b)
		if !ok {
			return
		}
		var person access.PersonID
		if p, pd, ok := w.person(e); ok && pd.ID == d.ID {
			person = p.ID
		}
		_, _, err := k.Contacts.LinkContact(ctx, w.staff(ct.Office, true, c), ct.ID, d.ID, person)
		w.note("LinkContact", err)
	case 34:
		ct, ok := w.contactRec(a)
		if !ok {
			return
		}
		actor := w.staff(ct.Office, false, c+1)
		if b%2 == 0 {
			_, _, err := k.Contacts.ArchiveContact(ctx, actor, ct.ID)
			w.note("ArchiveContact", err)
			return
		}
		u, _, err := k.Contacts.CreateUnit(ctx, actor, ct.Office, "Flat")
		w.note("CreateUnit", err)
		if err != nil {
			return
		}
		if _, _, err = k.Contacts.AttachLead(ctx, actor, u.ID, ct.ID); err == nil {
			_, _, err = k.Contacts.MarkUnitSold(ctx, actor, u.ID, []cabinet.ContactID{ct.ID})
		}
		w.note("SellUnit", err)
	case 36, 37:
		// A central person who has an account: the manager adds a holder or
		// co-holder and grants them at an existing user's email.
		d, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.manager(d, c)
		rel := access.RelationCoHolder
		if b%2 == 0 {
			rel = access.RelationHolder
		}
		p, _, err := k.Access.AddPerson(ctx, actor, d.ID, access.PersonInput{Name: "Central", Relation: rel})
		w.note("AddPerson central", err)
		if err != nil {
			return
		}
		w.persons = append(w.persons, p.ID)
		g, _, err := k.Access.GrantPerson(ctx, actor, p.ID, access.GrantInput{Email: genEmails[e%len(w.users)], Phone: "+33612345678", Level: access.Level(1 + b%2)})
		w.note("GrantPerson central", err)
		if err == nil {
			w.grants = append(w.grants, g.ID)
		}
	case 35:
		t, ok := w.teamRec(a)
		if !ok {
			return
		}
		if b%2 == 0 {
			_, _, err := k.Teams.ChangeRole(ctx, w.member(t, true, c), t.ID, w.member(t, false, e), team.RoleAdmin)
			w.note("ChangeRole", err)
		} else {
			_, _, err := k.Teams.TransferLead(ctx, t.Lead, t.ID, w.member(t, true, e))
			w.note("TransferLead", err)
		}
	}
}
