package policy_test

// A gopter generator of random small states, built THROUGH THE SERVICES of a
// kit (so that every state is reachable): a few users, one or two offices
// with admins and standard collaborators, dossiers with managers, assigned
// collaborators and status changes (archived ones and reactivations),
// client groups and collaborator groups with memberships and dossier moves
// (some at activation), collaborator removals and re-additions (removed
// managers, sessions of departed collaborators), teams with members,
// pending teams accepted or declined, lead transfers, referrals by
// entitled referrers and self-referring central persons (the dossier's one
// consent switch revoked by its central persons), family persons and
// grants (unlinked ones corrected), external advisors (with free labels),
// accounts created after grants (linking), contacts linked to dossiers and
// impersonation sessions (some stopped or expired through the
// ManualClock), contact records (units with leads, sold), procedures with
// roles, items, cases, contributors, uploads, submissions and reviews,
// plans and trials; issue 16's time-bound access: advisors' grants and
// direct assignments with an expiry (set, changed, cleared, re-granted)
// and the clock advanced to, or past, an expiry.
//
// A state is decoded from a slice of ints chosen by gopter: a few ints for
// the bootstrap, then five ints per command (kind and four arguments),
// interpreted against the current world. Commands may fail; failures are part
// of the game (a failed command changes nothing).

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

const (
	genMaxUsers    = 6
	genMaxDossiers = 6
	genBootInts    = 8
	genArgsPerCmd  = 5
	genMaxCommands = 40
	genCommandKind = 60
)

// genEmails is the pool of addresses: user i signs up with genEmails[i], so
// grants, referrals, contacts and seats addressed to a later user's email
// are linked when that account is created. The last two never get one.
var genEmails = []string{
	"ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com",
	"eve@example.com", "fay@example.com", "gus@example.com", "hal@example.com",
}

var genT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// genWorld is one state under construction, with the IDs created so far.
type genWorld struct {
	ctx   context.Context
	clock *cabinet.ManualClock
	ids   *cabinet.SequentialIDs
	store *memstore.Store
	kit   *kit.Kit

	emails []string // the pool of addresses (genEmails by default)

	users     []cabinet.UserID
	offices   []cabinet.OfficeID
	dossiers  []cabinet.DossierID
	teams     []cabinet.TeamID // non-personal
	referrals []cabinet.ReferralID
	groups    []cabinet.ClientGroupID
	cgroups   []cabinet.CollaboratorGroupID
	persons   []access.PersonID
	advisors  []access.AdvisorID
	grants    []access.GrantID
	contacts  []cabinet.ContactID
	sessions  []contact.SessionID
	procs     []cabinet.ProcedureID
	roles     map[cabinet.ProcedureID][]procedure.RoleID
	items     map[cabinet.ProcedureID][]procedure.ItemID
	cases     []cabinet.CaseID

	log    []string // one line per command, with its outcome
	failed int
}

// genState is the gopter value: the ints a world is decoded from.
type genState []int

// genStates generates the int slices of random states.
func genStates() gopter.Gen {
	return gen.IntRange(4, genMaxCommands).FlatMap(func(v any) gopter.Gen {
		n := v.(int)
		return gen.SliceOfN(genBootInts+n*genArgsPerCmd, gen.IntRange(0, 1<<20)).Map(func(xs []int) genState { return xs })
	}, reflect.TypeOf(genState(nil)))
}

func gpick[T any](xs []T, i int) T { return xs[((i%len(xs))+len(xs))%len(xs)] }

// buildWorld builds the state described by ints through a fresh kit over a
// fresh memstore.
func buildWorld(ctx context.Context, ints genState) (*genWorld, error) {
	w, err := newGenWorld(ctx, memstore.New(memstore.RunTwice()), &cabinet.SequentialIDs{}, cabinet.NewManualClock(genT0), genEmails)
	if err != nil {
		return nil, err
	}
	w.build(ints)
	return w, nil
}

// newGenWorld returns an empty world whose kit (built with opts) runs over
// store; its users sign up with emails (at least genMaxUsers of them).
func newGenWorld(ctx context.Context, store *memstore.Store, ids *cabinet.SequentialIDs, clock *cabinet.ManualClock, emails []string, opts ...kit.Option) (*genWorld, error) {
	k, err := kit.New(ctx, store, append([]kit.Option{kit.WithClock(clock), kit.WithIDs(ids)}, opts...)...)
	if err != nil {
		return nil, err
	}
	return &genWorld{
		ctx: ctx, clock: clock, ids: ids, store: store, kit: k, emails: emails,
		roles: map[cabinet.ProcedureID][]procedure.RoleID{},
		items: map[cabinet.ProcedureID][]procedure.ItemID{},
	}, nil
}

// build runs the bootstrap and the commands described by ints.
func (w *genWorld) build(ints genState) {
	boot := make([]int, genBootInts)
	copy(boot, ints)
	w.bootstrap(boot)
	for i := genBootInts; i+genArgsPerCmd <= len(ints); i += genArgsPerCmd {
		w.command(ints[i : i+genArgsPerCmd])
	}
}

// note records a command and its outcome.
func (w *genWorld) note(desc string, err error) {
	if err != nil {
		w.failed++
		desc += " -> " + err.Error()
	}
	w.log = append(w.log, desc)
}

// String is the world's history, for failure reports.
func (w *genWorld) String() string {
	out := ""
	for i, l := range w.log {
		out += fmt.Sprintf("  %2d. %s\n", i+1, l)
	}
	return out
}

func (w *genWorld) createUser() {
	if len(w.users) >= genMaxUsers {
		return
	}
	i := len(w.users)
	u, err := rec(w.kit.Teams.CreateUser(w.ctx, testHost, fmt.Sprintf("User%d", i), w.emails[i]))
	if u.ID != "" {
		w.users = append(w.users, u.ID)
	}
	w.note(fmt.Sprintf("CreateUser(%s) = %s", w.emails[i], u.ID), err)
}

// bootstrap creates 2–4 users, one or two offices and some collaborators,
// so that short sequences already give interesting states.
func (w *genWorld) bootstrap(b []int) {
	for range 2 + b[0]%3 {
		w.createUser()
	}
	nOffices := 1 + b[1]%2
	for i := range nOffices {
		o, err := rec(w.kit.Groups.CreateOffice(w.ctx, w.users[i], fmt.Sprintf("Office%d", i), fmt.Sprintf("office%d@example.com", i)))
		if err == nil {
			w.offices = append(w.offices, o.ID)
		}
		w.note(fmt.Sprintf("CreateOffice(%s) = %s", w.users[i], o.ID), err)
	}
	for j, u := range w.users[1:] {
		bits := b[2+j%4] >> (j % 3)
		if bits%3 == 0 {
			continue
		}
		prof := cabinet.ProfileStandard
		if bits%5 == 0 {
			prof = cabinet.ProfileAdmin
		}
		o := w.offices[(bits/3)%len(w.offices)]
		_, err := rec(w.kit.Groups.AddCollaborator(w.ctx, w.users[0], o, u, prof))
		if err != nil && len(w.offices) > 1 {
			_, err = rec(w.kit.Groups.AddCollaborator(w.ctx, w.users[1], o, u, prof))
		}
		w.note(fmt.Sprintf("AddCollaborator(%s, %s, %s)", o, u, prof), err)
	}
	for range b[6] % 3 {
		w.createDossier(b[7], b[6])
		b[7] /= 3
	}
}

// user returns a user, or now and then an unknown or empty one.
func (w *genWorld) user(i int) cabinet.UserID {
	switch i % 17 {
	case 15:
		return "user_unknown"
	case 16:
		return ""
	}
	return gpick(w.users, i)
}

func (w *genWorld) office(i int) cabinet.OfficeID { return gpick(w.offices, i) }

// collaborators lists the collaborators of office o with their profiles.
func (w *genWorld) collaborators(o cabinet.OfficeID) []clientgroup.Collaborator {
	var out []clientgroup.Collaborator
	_ = w.store.ViewClientGroups(w.ctx, func(r clientgroup.Reader) error {
		cs, err := refListAll(func(a cabinet.Cursor, n int) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(w.ctx, clientgroup.CollaboratorFilter{Office: o}, cabinet.Page{After: a, Limit: n})
		})
		out = cs
		return err
	})
	return out
}

// staff returns, most of the time, a collaborator of o (an admin when admin
// is set), else any user: so that most commands pass their permission check
// and some do not.
func (w *genWorld) staff(o cabinet.OfficeID, admin bool, i int) cabinet.UserID {
	if i%5 == 0 {
		return w.user(i / 5)
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
	return gpick(pool, i/5)
}

func (w *genWorld) dossier(i int) (access.Dossier, bool) {
	if len(w.dossiers) == 0 {
		return access.Dossier{}, false
	}
	id := gpick(w.dossiers, i)
	var d access.Dossier
	err := w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		d, err = r.Dossier(w.ctx, id)
		return err
	})
	return d, err == nil
}

// dossierActor is, most of the time, the dossier's manager or an admin of
// its office.
func (w *genWorld) dossierActor(d access.Dossier, i int) cabinet.UserID {
	if i%3 != 0 && d.Manager != "" {
		return d.Manager
	}
	return w.staff(d.Office, true, i)
}

func (w *genWorld) createDossier(a, b int) {
	if len(w.dossiers) >= genMaxDossiers || len(w.offices) == 0 {
		return
	}
	o := w.office(a)
	actor := w.staff(o, false, b+1)
	d, err := rec(w.kit.Access.CreateDossier(w.ctx, actor, o, "Dossier"))
	if err == nil {
		w.dossiers = append(w.dossiers, d.ID)
		if b%2 == 0 {
			err = errOf(w.kit.Access.SetStatus(w.ctx, actor, d.ID, cabinet.DossierActivated))
		}
	}
	w.note(fmt.Sprintf("CreateDossier(%s, %s) = %s", actor, o, d.ID), err)
}

func (w *genWorld) teamAdmin(t cabinet.TeamID, i int) cabinet.UserID {
	if i%4 == 0 {
		return w.user(i / 4)
	}
	var tm team.Team
	_ = w.store.ViewTeams(w.ctx, func(r team.Reader) error {
		var err error
		tm, err = r.Team(w.ctx, t)
		return err
	})
	var admins []cabinet.UserID
	for _, m := range tm.Members {
		if m.Role == team.RoleAdmin {
			admins = append(admins, m.User)
		}
	}
	if len(admins) == 0 {
		return w.user(i)
	}
	return gpick(admins, i/4)
}

func (w *genWorld) referral(i int) (team.Referral, bool) {
	if len(w.referrals) == 0 {
		return team.Referral{}, false
	}
	var r team.Referral
	err := w.store.ViewTeams(w.ctx, func(rd team.Reader) error {
		var err error
		r, err = rd.Referral(w.ctx, gpick(w.referrals, i))
		return err
	})
	return r, err == nil
}

func (w *genWorld) grant(i int) (access.Grant, bool) {
	if len(w.grants) == 0 {
		return access.Grant{}, false
	}
	var g access.Grant
	err := w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		g, err = r.Grant(w.ctx, gpick(w.grants, i))
		return err
	})
	return g, err == nil
}

func (w *genWorld) contactRec(i int) (contact.Contact, bool) {
	if len(w.contacts) == 0 {
		return contact.Contact{}, false
	}
	var c contact.Contact
	err := w.store.ViewContacts(w.ctx, func(r contact.Reader) error {
		var err error
		c, err = r.Contact(w.ctx, gpick(w.contacts, i))
		return err
	})
	return c, err == nil
}

func (w *genWorld) caseRec(i int) (procedure.Case, bool) {
	if len(w.cases) == 0 {
		return procedure.Case{}, false
	}
	var k procedure.Case
	err := w.store.ViewProcedures(w.ctx, func(r procedure.Reader) error {
		var err error
		k, err = r.Case(w.ctx, gpick(w.cases, i))
		return err
	})
	return k, err == nil
}

func (w *genWorld) procOffice(p cabinet.ProcedureID) cabinet.OfficeID {
	var out cabinet.OfficeID
	_ = w.store.ViewProcedures(w.ctx, func(r procedure.Reader) error {
		pr, err := r.Procedure(w.ctx, p)
		out = pr.Office
		return err
	})
	return out
}

var genPerms = []procedure.Permissions{
	procedure.AllPermissions,
	procedure.PermissionsOf(procedure.PermView),
	procedure.PermissionsOf(procedure.PermView, procedure.PermUpload),
	procedure.PermissionsOf(procedure.PermView, procedure.PermComment, procedure.PermSubmit),
	0,
}

// command applies one random command.
func (w *genWorld) command(x []int) {
	ctx, k := w.ctx, w.kit
	kind, a, b, c, d := x[0]%genCommandKind, x[1], x[2], x[3], x[4]
	switch kind {
	case 0:
		w.createUser()
	case 1, 2: // add a collaborator
		o := w.office(a)
		actor := w.staff(o, true, b)
		u := w.user(c)
		prof := cabinet.ProfileStandard
		if d%4 == 0 {
			prof = cabinet.ProfileAdmin
		}
		_, err := rec(k.Groups.AddCollaborator(ctx, actor, o, u, prof))
		w.note(fmt.Sprintf("AddCollaborator(%s, %s, %s, %s)", actor, o, u, prof), err)
	case 3: // remove a collaborator (GRP-11) or change a profile
		o := w.office(a)
		actor := w.staff(o, true, b)
		u := w.staff(o, false, c+1)
		if d%2 == 0 {
			err := errRev(k.Groups.RemoveCollaborator(ctx, actor, o, u))
			w.note(fmt.Sprintf("RemoveCollaborator(%s, %s, %s)", actor, o, u), err)
			return
		}
		prof := cabinet.Profile(1 + d/2%2)
		_, err := rec(k.Groups.SetProfile(ctx, actor, o, u, prof))
		w.note(fmt.Sprintf("SetProfile(%s, %s, %s, %s)", actor, o, u, prof), err)
	case 4, 5:
		w.createDossier(a, b)
	case 6: // set the manager
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		m := w.staff(dd.Office, false, c+1)
		if d%5 == 0 {
			m = ""
		}
		err := errOf(k.Access.SetManager(ctx, actor, dd.ID, m))
		w.note(fmt.Sprintf("SetManager(%s, %s, %q)", actor, dd.ID, m), err)
	case 7: // set the assigned collaborators
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		var us []cabinet.UserID
		for i, col := range w.collaborators(dd.Office) {
			if (c>>i)&1 == 1 {
				us = append(us, col.User)
			}
		}
		err := errOf(k.Access.SetAssigned(ctx, actor, dd.ID, us))
		w.note(fmt.Sprintf("SetAssigned(%s, %s, %v)", actor, dd.ID, us), err)
	case 8: // change the status
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		st := cabinet.DossierStatus(1 + c%3)
		err := errOf(k.Access.SetStatus(ctx, actor, dd.ID, st))
		w.note(fmt.Sprintf("SetStatus(%s, %s, %s)", actor, dd.ID, st), err)
	case 9: // create a client group
		o := w.office(a)
		actor := w.staff(o, true, b)
		g, err := rec(k.Groups.CreateClientGroup(ctx, actor, o, "Group", ""))
		if err == nil {
			w.groups = append(w.groups, g.ID)
		}
		w.note(fmt.Sprintf("CreateClientGroup(%s, %s) = %s", actor, o, g.ID), err)
	case 10, 11: // move a dossier into a group, or out
		dd, ok := w.dossier(a)
		if !ok || len(w.groups) == 0 {
			return
		}
		actor := w.staff(dd.Office, true, b)
		to := gpick(w.groups, c)
		if d%6 == 0 {
			to = ""
		}
		err := errRev(k.Groups.MoveDossier(ctx, actor, dd.ID, to))
		w.note(fmt.Sprintf("MoveDossier(%s, %s, %q)", actor, dd.ID, to), err)
	case 12: // assign or unassign a collaborator directly to a group
		if len(w.groups) == 0 {
			return
		}
		g := gpick(w.groups, a)
		o := w.office(b)
		actor := w.staff(o, true, b/2)
		u := w.staff(o, false, c+1)
		var err error
		if d%4 == 0 {
			err = errRev(k.Groups.UnassignCollaborator(ctx, actor, g, u))
		} else {
			err = errOf(k.Groups.AssignCollaborator(ctx, actor, g, u))
		}
		w.note(fmt.Sprintf("Assign/UnassignCollaborator(%d, %s, %s, %s)", d%4, actor, g, u), err)
	case 13: // collaborator groups: create, add a member, assign to a client group
		o := w.office(a)
		actor := w.staff(o, true, b)
		switch {
		case len(w.cgroups) == 0 || d%4 == 0:
			cg, err := rec(k.Groups.CreateCollaboratorGroup(ctx, actor, o, "Team"))
			if err == nil {
				w.cgroups = append(w.cgroups, cg.ID)
			}
			w.note(fmt.Sprintf("CreateCollaboratorGroup(%s, %s) = %s", actor, o, cg.ID), err)
		case d%4 == 1 || len(w.groups) == 0:
			cg := gpick(w.cgroups, c)
			u := w.staff(o, false, c/3+1)
			err := errOf(k.Groups.AddMember(ctx, actor, cg, u))
			w.note(fmt.Sprintf("AddMember(%s, %s, %s)", actor, cg, u), err)
		default:
			cg, g := gpick(w.cgroups, c), gpick(w.groups, c/7)
			err := errOf(k.Groups.AssignCollaboratorGroup(ctx, actor, g, cg))
			w.note(fmt.Sprintf("AssignCollaboratorGroup(%s, %s, %s)", actor, g, cg), err)
		}
	case 14: // undo on collaborator groups and client groups
		o := w.office(a)
		actor := w.staff(o, true, b)
		switch {
		case d%5 == 0 && len(w.groups) > 0:
			g := gpick(w.groups, c)
			err := errRev(k.Groups.DeleteClientGroup(ctx, actor, g))
			w.note(fmt.Sprintf("DeleteClientGroup(%s, %s)", actor, g), err)
		case d%5 == 1 && len(w.cgroups) > 0:
			cg := gpick(w.cgroups, c)
			err := errRev(k.Groups.DeleteCollaboratorGroup(ctx, actor, cg))
			w.note(fmt.Sprintf("DeleteCollaboratorGroup(%s, %s)", actor, cg), err)
		case d%5 == 2 && len(w.cgroups) > 0:
			cg := gpick(w.cgroups, c)
			u := w.staff(o, false, c/3+1)
			err := errRev(k.Groups.RemoveMember(ctx, actor, cg, u))
			w.note(fmt.Sprintf("RemoveMember(%s, %s, %s)", actor, cg, u), err)
		case len(w.cgroups) > 0 && len(w.groups) > 0:
			cg, g := gpick(w.cgroups, c), gpick(w.groups, c/7)
			err := errRev(k.Groups.UnassignCollaboratorGroup(ctx, actor, g, cg))
			w.note(fmt.Sprintf("UnassignCollaboratorGroup(%s, %s, %s)", actor, g, cg), err)
		}
	case 15: // create a team
		actor, lead := w.user(a), w.user(b)
		if c%3 != 0 {
			lead = ""
		}
		t, err := rec(k.Teams.CreateTeam(ctx, actor, "Team", lead))
		if err == nil {
			w.teams = append(w.teams, t.ID)
		}
		w.note(fmt.Sprintf("CreateTeam(%s, lead %q) = %s", actor, lead, t.ID), err)
	case 16, 17: // invite a user into a team, and they accept
		if len(w.teams) == 0 {
			return
		}
		t := gpick(w.teams, a)
		actor := w.teamAdmin(t, b)
		invitee := gpick(w.users, c)
		role := team.RoleMember
		if d%3 == 0 {
			role = team.RoleAdmin
		}
		inv, err := rec(k.Teams.Invite(ctx, actor, t, w.emails[slicesIndex(w.users, invitee)], role))
		if err == nil && d%5 != 0 {
			_, err = rec(k.Teams.AcceptInvitation(ctx, invitee, inv.ID))
		}
		w.note(fmt.Sprintf("Invite+Accept(%s, %s, %s, %s)", actor, t, invitee, role), err)
	case 18: // a member leaves or is removed
		if len(w.teams) == 0 {
			return
		}
		t := gpick(w.teams, a)
		u := gpick(w.users, c)
		var err error
		if d%2 == 0 {
			err = errRev(k.Teams.Leave(ctx, u, t))
		} else {
			err = errRev(k.Teams.RemoveMember(ctx, w.teamAdmin(t, b), t, u))
		}
		w.note(fmt.Sprintf("Leave/RemoveMember(%d, %s, %s)", d%2, t, u), err)
	case 19, 20, 21: // refer a client (most of the time by someone who reaches it)
		if len(w.dossiers) == 0 {
			return
		}
		actor := w.user(a)
		if dd, ok := w.dossier(c); ok && a%3 != 0 {
			actor = w.dossierActor(dd, a)
		}
		var t cabinet.TeamID
		if len(w.teams) > 0 && b%3 != 0 {
			t = gpick(w.teams, b)
		}
		dos := gpick(w.dossiers, c)
		if c%11 == 10 {
			dos = "dos_elsewhere"
		}
		email := gpick(w.emails, d)
		r, err := rec(k.Teams.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Client", ClientEmail: email, Dossier: dos}))
		if err == nil {
			w.referrals = append(w.referrals, r.ID)
		}
		w.note(fmt.Sprintf("Refer(%s, team %q, %s, %s) = %s", actor, t, email, dos, r.ID), err)
	case 22, 23: // a central person of a referred dossier revokes or restores its consent (TEAM-9 v2)
		r, ok := w.referral(a)
		if !ok {
			return
		}
		actor := w.centralOf(r.Dossier, b)
		if b%6 == 0 || actor == "" {
			actor = w.user(b)
		}
		var err error
		if c%3 == 0 {
			_, err = rec(k.Teams.RestoreConsent(ctx, actor, r.Dossier))
		} else {
			_, err = rec(k.Teams.RevokeConsent(ctx, actor, r.Dossier))
		}
		w.note(fmt.Sprintf("Revoke/RestoreConsent(%d, %s, %s)", c%3, actor, r.ID), err)
	case 24: // move a referral, or delete a team
		if d%3 == 0 && len(w.teams) > 0 {
			t := gpick(w.teams, a)
			actor := w.teamAdmin(t, b)
			err := errRev(k.Teams.DeleteTeam(ctx, actor, t, team.Reassignment(1+c%2)))
			w.note(fmt.Sprintf("DeleteTeam(%s, %s)", actor, t), err)
			return
		}
		r, ok := w.referral(a)
		if !ok {
			return
		}
		var to cabinet.TeamID
		if len(w.teams) > 0 {
			to = gpick(w.teams, c)
		}
		if c%2 == 0 {
			_ = w.store.ViewTeams(ctx, func(rd team.Reader) error {
				p, err := rd.PersonalTeam(ctx, r.Referrer)
				to = p.ID
				return err
			})
		}
		_, err := rec(k.Teams.MoveReferral(ctx, r.Referrer, r.ID, to))
		w.note(fmt.Sprintf("MoveReferral(%s, %s, %s)", r.Referrer, r.ID, to), err)
	case 25, 26: // add a family person
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		rel := access.Relation(1 + c%6)
		p, err := rec(k.Access.AddPerson(ctx, actor, dd.ID, access.PersonInput{Name: "Person", Relation: rel}))
		if err == nil {
			w.persons = append(w.persons, p.ID)
		}
		w.note(fmt.Sprintf("AddPerson(%s, %s, %s) = %s", actor, dd.ID, rel, p.ID), err)
	case 27, 28: // grant a person access
		if len(w.persons) == 0 {
			return
		}
		pid := gpick(w.persons, a)
		var p access.Person
		var dd access.Dossier
		_ = w.store.ViewAccess(ctx, func(r access.Reader) error {
			var err error
			if p, err = r.Person(ctx, pid); err != nil {
				return err
			}
			dd, err = r.Dossier(ctx, p.Dossier)
			return err
		})
		actor := w.dossierActor(dd, b)
		if b%7 == 3 { // a central person granting a family member (ACC-7)
			actor = w.user(b / 7)
		}
		level := access.Level(1 + c%2)
		email := gpick(w.emails, d)
		g, err := rec(k.Access.GrantPerson(ctx, actor, pid, access.GrantInput{Email: email, Phone: "+33612345678", Level: level}))
		if err == nil {
			w.grants = append(w.grants, g.ID)
		}
		w.note(fmt.Sprintf("GrantPerson(%s, %s, %s, %s) = %s", actor, pid, email, level, g.ID), err)
	case 29: // register an external advisor and grant them access
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		email := gpick(w.emails, d)
		adv, err := rec(k.Access.RegisterAdvisor(ctx, actor, dd.ID, access.AdvisorInput{Name: "Advisor", Email: email, Phone: "+33612345679", Type: access.AdvisorNotary}))
		if err == nil {
			w.advisors = append(w.advisors, adv.ID)
			var g access.Grant
			g, err = rec(k.Access.GrantAdvisor(ctx, actor, adv.ID, access.Level(1+c%2)))
			if err == nil {
				w.grants = append(w.grants, g.ID)
			}
		}
		w.note(fmt.Sprintf("RegisterAdvisor+Grant(%s, %s, %s)", actor, dd.ID, email), err)
	case 30: // change a grant's level, revoke it, or edit the person
		g, ok := w.grant(a)
		if !ok {
			return
		}
		dd, _ := w.dossier(slicesIndex(w.dossiers, g.Dossier))
		actor := w.dossierActor(dd, b)
		var err error
		switch c % 3 {
		case 0:
			err = errOf(k.Access.ChangeLevel(ctx, actor, g.ID, access.Level(1+d%2)))
		case 1:
			err = errRev(k.Access.Revoke(ctx, actor, g.ID))
		default:
			if g.Person == "" {
				return
			}
			_, err = rec(k.Access.EditPerson(ctx, actor, g.Person, access.PersonInput{Name: "Person", Relation: access.Relation(1 + d%6)}))
		}
		w.note(fmt.Sprintf("ChangeLevel/Revoke/EditPerson(%d, %s, %s)", c%3, actor, g.ID), err)
	case 31: // create a contact
		o := w.office(a)
		actor := w.staff(o, false, b)
		kd := contact.Kind(1 + c%3)
		f := contact.Fields{FirstName: "First", LastName: "Last", Email: gpick(w.emails, d)}
		ct, err := rec(k.Contacts.CreateContact(ctx, actor, o, kd, f))
		if err == nil {
			w.contacts = append(w.contacts, ct.ID)
		}
		w.note(fmt.Sprintf("CreateContact(%s, %s, %s, %s) = %s", actor, o, kd, f.Email, ct.ID), err)
	case 32: // invite a contact, or archive it
		ct, ok := w.contactRec(a)
		if !ok {
			return
		}
		actor := w.staff(ct.Office, false, b)
		var err error
		if c%5 == 0 {
			_, err = rec(k.Contacts.ArchiveContact(ctx, actor, ct.ID))
		} else {
			_, err = rec(k.Contacts.InviteContact(ctx, actor, ct.ID))
		}
		w.note(fmt.Sprintf("Invite/ArchiveContact(%d, %s, %s)", c%5, actor, ct.ID), err)
	case 33: // start or stop impersonating
		if d%3 == 0 && len(w.sessions) > 0 {
			sid := gpick(w.sessions, a)
			var ses contact.Session
			_ = w.store.ViewContacts(ctx, func(r contact.Reader) error {
				var err error
				ses, err = r.Session(ctx, sid)
				return err
			})
			_, err := rec(k.Contacts.StopImpersonation(ctx, ses.Actor, sid))
			w.note(fmt.Sprintf("StopImpersonation(%s, %s)", ses.Actor, sid), err)
			return
		}
		ct, ok := w.contactRec(a)
		if !ok {
			return
		}
		actor := w.staff(ct.Office, false, b)
		ses, err := rec(k.Contacts.StartImpersonation(ctx, actor, ct.ID))
		if err == nil {
			w.sessions = append(w.sessions, ses.ID)
		}
		w.note(fmt.Sprintf("StartImpersonation(%s, %s) = %s", actor, ct.ID, ses.ID), err)
	case 34: // time passes: sessions expire, trials and boosters end
		dur := gpick([]time.Duration{10 * time.Minute, 45 * time.Minute, 2 * time.Hour, 3 * 24 * time.Hour, 8 * 24 * time.Hour}, a)
		w.clock.Advance(dur)
		w.note(fmt.Sprintf("Advance(%s)", dur), nil)
	case 35: // plans: platinum, boosters, trial
		o := w.office(a)
		var err error
		switch b % 4 {
		case 0:
			_, err = rec(k.Procedures.SetPlan(ctx, testHost, o, procedure.Plan(1+c%2)))
		case 1:
			now := w.clock.Now()
			_, err = rec(k.Procedures.SetBoosters(ctx, testHost, o, now.Add(-time.Hour), now.Add(time.Duration(1+c%48)*time.Hour)))
		default:
			actor := w.staff(o, true, c)
			_, err = rec(k.Procedures.StartTrial(ctx, actor, o))
		}
		w.note(fmt.Sprintf("Plan(%d, %s)", b%4, o), err)
	case 36: // create a procedure, or add a role
		o := w.office(a)
		actor := w.staff(o, true, b)
		if len(w.procs) == 0 || d%3 == 0 {
			p, err := rec(k.Procedures.CreateProcedure(ctx, actor, o, "Procedure", "Tenant"))
			if err == nil {
				w.procs = append(w.procs, p.ID)
				w.roles[p.ID] = []procedure.RoleID{p.Roles[0].ID}
			}
			w.note(fmt.Sprintf("CreateProcedure(%s, %s) = %s", actor, o, p.ID), err)
			return
		}
		p := gpick(w.procs, c)
		actor = w.staff(w.procOffice(p), true, b)
		r, err := rec(k.Procedures.AddRole(ctx, actor, p, fmt.Sprintf("Guarantor%d", len(w.roles[p])), gpick(genPerms, d/3)))
		if err == nil {
			w.roles[p] = append(w.roles[p], r.ID)
		}
		w.note(fmt.Sprintf("AddRole(%s, %s) = %s", actor, p, r.ID), err)
	case 37: // add an item, reassign it, or change a role's permissions
		if len(w.procs) == 0 {
			return
		}
		p := gpick(w.procs, a)
		actor := w.staff(w.procOffice(p), true, b)
		role := gpick(w.roles[p], c)
		var err error
		switch {
		case d%3 == 0 && len(w.items[p]) > 0:
			_, err = rec(k.Procedures.ReassignItem(ctx, actor, p, gpick(w.items[p], d/3), role))
		case d%3 == 1:
			_, err = rec(k.Procedures.SetRolePermissions(ctx, actor, p, role, gpick(genPerms, d/3)))
		default:
			var it procedure.Item
			it, err = rec(k.Procedures.AddItem(ctx, actor, p, "Item", role))
			if err == nil {
				w.items[p] = append(w.items[p], it.ID)
			}
		}
		w.note(fmt.Sprintf("Item/Permissions(%d, %s, %s, %s)", d%3, actor, p, role), err)
	case 38: // open a case
		if len(w.procs) == 0 {
			return
		}
		p := gpick(w.procs, a)
		o := w.procOffice(p)
		actor := w.staff(o, false, b)
		var dos cabinet.DossierID
		if len(w.dossiers) > 0 && c%3 != 0 {
			dos = gpick(w.dossiers, c)
		}
		email := gpick(w.emails, d)
		kc, err := rec(k.Procedures.OpenCase(ctx, actor, p, dos, procedure.Invitee{Email: email}))
		if err == nil {
			w.cases = append(w.cases, kc.ID)
		}
		w.note(fmt.Sprintf("OpenCase(%s, %s, %q, %s) = %s", actor, p, dos, email, kc.ID), err)
	case 39: // seat a contributor, or remove one
		kc, ok := w.caseRec(a)
		if !ok {
			return
		}
		actor := kc.OpenedBy
		if b%4 == 0 {
			actor = w.staff(kc.Office, false, b)
		}
		role := gpick(w.roles[kc.Procedure], c)
		var err error
		if d%5 == 0 {
			err = errRev(k.Procedures.RemoveContributor(ctx, actor, kc.ID, role))
		} else {
			_, err = rec(k.Procedures.InviteContributor(ctx, actor, kc.ID, role, procedure.Invitee{Email: gpick(w.emails, d/5)}, d%2 == 0))
		}
		w.note(fmt.Sprintf("Invite/RemoveContributor(%d, %s, %s, %s)", d%5, actor, kc.ID, role), err)
	case 40, 41: // a whole CON-6 story: a contact for a user, invited (so active), impersonated
		o := w.office(a)
		actor := w.staff(o, false, b)
		u := gpick(w.users, c)
		f := contact.Fields{FirstName: "First", LastName: "Last", Email: w.emails[slicesIndex(w.users, u)]}
		ct, err := rec(k.Contacts.CreateContact(ctx, actor, o, contact.Kind(1+d%2), f))
		if err == nil {
			w.contacts = append(w.contacts, ct.ID)
			_, err = rec(k.Contacts.InviteContact(ctx, actor, ct.ID))
		}
		if err == nil {
			var ses contact.Session
			ses, err = rec(k.Contacts.StartImpersonation(ctx, actor, ct.ID))
			if err == nil {
				w.sessions = append(w.sessions, ses.ID)
			}
		}
		w.note(fmt.Sprintf("Contact+Invite+Impersonate(%s, %s, %s) = %s", actor, o, f.Email, ct.ID), err)
	case 42: // a whole TEAM-9 story: the manager refers a dossier, its central person revokes consent
		dd, ok := w.dossier(d)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, a)
		var t cabinet.TeamID
		if len(w.teams) > 0 && b%4 != 0 {
			t = gpick(w.teams, b)
		}
		client := w.centralOf(dd.ID, c)
		if client == "" && len(w.users) > 1 {
			// The dossier's holder first: a person granted at an account's address.
			holder, err := rec(k.Access.AddPerson(ctx, actor, dd.ID, access.PersonInput{Name: "Holder", Relation: access.Relation(1 + c%2)}))
			if err == nil {
				w.persons = append(w.persons, holder.ID)
				who := gpick(w.users, c+1)
				g, err := rec(k.Access.GrantPerson(ctx, actor, holder.ID, access.GrantInput{Email: w.emails[slicesIndex(w.users, who)], Phone: "+33612345688", Level: access.Level(1 + d%2)}))
				if err == nil {
					w.grants = append(w.grants, g.ID)
					client = w.centralOf(dd.ID, c)
				}
			}
		}
		r, err := rec(k.Teams.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Client", ClientEmail: gpick(w.emails, c), Dossier: dd.ID}))
		if err == nil {
			w.referrals = append(w.referrals, r.ID)
			if client != "" {
				_, err = rec(k.Teams.RevokeConsent(ctx, client, r.Dossier))
			}
		}
		w.note(fmt.Sprintf("Refer+Revoke(%s, team %q, central %s, %s) = %s", actor, t, client, dd.ID, r.ID), err)
	case 43: // a whole GRP-3 story: a client group with a dossier and a collaborator group
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		admin := w.staff(dd.Office, true, b)
		err := errOf(k.Access.SetStatus(ctx, admin, dd.ID, cabinet.DossierActivated))
		var g clientgroup.ClientGroup
		if err == nil {
			g, err = rec(k.Groups.CreateClientGroup(ctx, admin, dd.Office, "Group", "group@example.com"))
		}
		var cg clientgroup.CollaboratorGroup
		if err == nil {
			w.groups = append(w.groups, g.ID)
			err = errRev(k.Groups.MoveDossier(ctx, admin, dd.ID, g.ID))
		}
		if err == nil {
			cg, err = rec(k.Groups.CreateCollaboratorGroup(ctx, admin, dd.Office, "Juniors"))
		}
		member := w.staff(dd.Office, false, c+1)
		if err == nil {
			w.cgroups = append(w.cgroups, cg.ID)
			err = errOf(k.Groups.AddMember(ctx, admin, cg.ID, member))
		}
		if err == nil {
			err = errOf(k.Groups.AssignCollaboratorGroup(ctx, admin, g.ID, cg.ID))
		}
		w.note(fmt.Sprintf("Group+CollaboratorGroup(%s, %s, member %s) = %s, %s", admin, dd.ID, member, g.ID, cg.ID), err)
	case 44: // a whole PROC-3 story: premium office, procedure, role, items, case, contributor
		o := w.office(a)
		admin := w.staff(o, true, b)
		var err error
		if b%3 == 0 {
			_, err = rec(k.Procedures.StartTrial(ctx, admin, o))
		} else {
			_, err = rec(k.Procedures.SetPlan(ctx, testHost, o, procedure.PlanPlatinum))
		}
		var p procedure.Procedure
		var r procedure.Role
		var kc procedure.Case
		if err == nil {
			p, err = rec(k.Procedures.CreateProcedure(ctx, admin, o, "Lease", "Tenant"))
		}
		if err == nil {
			w.procs = append(w.procs, p.ID)
			w.roles[p.ID] = []procedure.RoleID{p.Roles[0].ID}
			r, err = rec(k.Procedures.AddRole(ctx, admin, p.ID, "Guarantor", gpick(genPerms, c)))
		}
		if err == nil {
			w.roles[p.ID] = append(w.roles[p.ID], r.ID)
			for _, role := range []procedure.RoleID{p.Roles[0].ID, r.ID, r.ID} {
				it, ierr := rec(k.Procedures.AddItem(ctx, admin, p.ID, "Item", role))
				if ierr == nil {
					w.items[p.ID] = append(w.items[p.ID], it.ID)
				}
			}
			var dos cabinet.DossierID
			if d%2 == 0 && len(w.dossiers) > 0 {
				if dd, ok := w.dossier(d / 2); ok && dd.Office == o {
					dos = dd.ID
				}
			}
			kc, err = rec(k.Procedures.OpenCase(ctx, admin, p.ID, dos, procedure.Invitee{Email: w.emails[(c/5)%len(w.users)]}))
		}
		if err == nil {
			w.cases = append(w.cases, kc.ID)
			_, err = rec(k.Procedures.InviteContributor(ctx, admin, kc.ID, r.ID, procedure.Invitee{Email: w.emails[(c/5+1+d%3)%len(w.emails)]}, d%3 == 0))
		}
		w.note(fmt.Sprintf("Premium+Procedure+Case+Contributor(%s, %s) = %s, %s", admin, o, p.ID, kc.ID), err)
	case 45: // the lead of a pending team accepts or declines it (TEAM-1)
		var pending []team.Team
		_ = w.store.ViewTeams(ctx, func(r team.Reader) error {
			ts, _, err := r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{Limit: cabinet.MaxPageSize})
			for _, t := range ts {
				if t.Pending {
					pending = append(pending, t)
				}
			}
			return err
		})
		if len(pending) == 0 {
			return
		}
		t := gpick(pending, a)
		actor := t.Lead
		if b%5 == 0 {
			actor = w.user(b)
		}
		var err error
		if c%3 == 0 {
			err = errRev(k.Teams.DeclineTeam(ctx, actor, t.ID))
		} else {
			err = errOf(k.Teams.AcceptTeam(ctx, actor, t.ID))
		}
		w.note(fmt.Sprintf("Accept/DeclineTeam(%d, %s, %s)", c%3, actor, t.ID), err)
	case 46: // a granted central person refers their own dossier (TEAM-8 v2)
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.centralOf(dd.ID, b)
		if actor == "" {
			return
		}
		var t cabinet.TeamID
		switch {
		case c%3 == 1:
			// Their own team with a colleague in it, so that the team
			// route is bounded by what the referrer holds (a read_only
			// holder lets her team view, not edit: TEAM-8 v2).
			own, err := rec(k.Teams.CreateTeam(ctx, actor, "Family office", ""))
			w.note(fmt.Sprintf("CreateTeam(%s) = %s", actor, own.ID), err)
			if err != nil {
				return
			}
			w.teams = append(w.teams, own.ID)
			t = own.ID
			if mate := w.user(d); mate != actor {
				inv, err := rec(k.Teams.Invite(ctx, actor, t, genEmails[slicesIndex(w.users, mate)], team.RoleMember))
				if err == nil {
					_, err = rec(k.Teams.AcceptInvitation(ctx, mate, inv.ID))
				}
				w.note(fmt.Sprintf("Invite+Accept(%s, %s, %s)", actor, t, mate), err)
			}
		case len(w.teams) > 0 && c%2 == 0:
			t = gpick(w.teams, c)
		}
		r, err := rec(k.Teams.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Me", ClientEmail: gpick(w.emails, d), Dossier: dd.ID}))
		if err == nil {
			w.referrals = append(w.referrals, r.ID)
		}
		w.note(fmt.Sprintf("SelfRefer(%s, team %q, %s) = %s", actor, t, dd.ID, r.ID), err)
	case 47: // activate a dossier into a client group (GRP-5 v2)
		dd, ok := w.dossier(a)
		if !ok || len(w.groups) == 0 {
			return
		}
		actor := w.dossierActor(dd, b)
		g := gpick(w.groups, c)
		err := errOf(k.Access.Activate(ctx, actor, dd.ID, g))
		w.note(fmt.Sprintf("Activate(%s, %s, %s)", actor, dd.ID, g), err)
	case 48: // correct an unlinked grant's email and phone (ACC-3 v2)
		g, ok := w.grant(a)
		if !ok {
			return
		}
		dd, _ := w.dossier(slicesIndex(w.dossiers, g.Dossier))
		actor := w.dossierActor(dd, b)
		if b%4 == 1 {
			actor = w.centralOf(g.Dossier, b)
		}
		email := gpick(w.emails, c)
		err := errOf(k.Access.CorrectGrantContact(ctx, actor, g.ID, access.ContactInput{Email: email, Phone: "+33612340099"}))
		w.note(fmt.Sprintf("CorrectGrantContact(%s, %s, %s)", actor, g.ID, email), err)
	case 49: // hand lead status, or change a role (TEAM-2)
		if len(w.teams) == 0 {
			return
		}
		t := gpick(w.teams, a)
		var tm team.Team
		_ = w.store.ViewTeams(ctx, func(r team.Reader) error {
			var err error
			tm, err = r.Team(ctx, t)
			return err
		})
		if len(tm.Members) == 0 {
			return
		}
		to := gpick(tm.Members, b).User
		var err error
		if c%2 == 0 {
			err = errOf(k.Teams.ChangeRole(ctx, w.teamAdmin(t, d), t, to, team.RoleAdmin))
		} else {
			err = errOf(k.Teams.TransferLead(ctx, tm.Lead, t, to))
		}
		w.note(fmt.Sprintf("ChangeRole/TransferLead(%d, %s, %s)", c%2, t, to), err)
	case 50: // link a client contact to a dossier and person, or unlink it
		ct, ok := w.contactRec(a)
		dd, ok2 := w.dossier(b)
		if !ok || !ok2 {
			return
		}
		actor := w.dossierActor(dd, c)
		var err error
		if d%4 == 0 {
			err = errOf(k.Contacts.UnlinkContact(ctx, actor, ct.ID))
		} else {
			var p access.PersonID
			if len(w.persons) > 0 && d%3 != 0 {
				p = gpick(w.persons, d)
			}
			err = errOf(k.Contacts.LinkContact(ctx, actor, ct.ID, dd.ID, p))
		}
		w.note(fmt.Sprintf("Link/UnlinkContact(%d, %s, %s, %s)", d%4, actor, ct.ID, dd.ID), err)
	case 51: // contact records: a unit with a lead, sold; a project with a partner
		o := w.office(a)
		actor := w.staff(o, false, b)
		var err error
		if c%2 == 0 {
			var un contact.Unit
			un, err = rec(k.Contacts.CreateUnit(ctx, actor, o, "Lot"))
			lead, lerr := rec(k.Contacts.CreateContact(ctx, actor, o, contact.KindLead, contact.Fields{FirstName: "L", LastName: fmt.Sprintf("Lead%d", d)}))
			if err == nil && lerr == nil {
				w.contacts = append(w.contacts, lead.ID)
				err = errOf(k.Contacts.AttachLead(ctx, actor, un.ID, lead.ID))
				if err == nil && d%2 == 0 {
					err = errOf(k.Contacts.MarkUnitSold(ctx, actor, un.ID, []cabinet.ContactID{lead.ID}))
				}
			}
		} else {
			_, err = rec(k.Contacts.CreateProject(ctx, actor, o, "Project"))
		}
		w.note(fmt.Sprintf("Records(%d, %s, %s)", c%2, actor, o), err)
	case 52: // a participant uploads and submits; staff review
		kc, ok := w.caseRec(a)
		if !ok || len(w.items[kc.Procedure]) == 0 {
			return
		}
		it := gpick(w.items[kc.Procedure], b)
		seats := append([]procedure.Participant{kc.Recipient}, kc.Contributors...)
		part := gpick(seats, c).User
		var err error
		switch d % 3 {
		case 0:
			err = errOf(k.Procedures.Upload(ctx, part, kc.ID, it, "doc.pdf"))
		case 1:
			if err = errOf(k.Procedures.Upload(ctx, part, kc.ID, it, "doc.pdf")); err == nil {
				err = errOf(k.Procedures.Submit(ctx, part, kc.ID, it))
			}
		default: // the whole story: upload, submit, review
			if err = errOf(k.Procedures.Upload(ctx, part, kc.ID, it, "doc.pdf")); err == nil {
				err = errOf(k.Procedures.Submit(ctx, part, kc.ID, it))
			}
			if rerr := errOf(k.Procedures.ReviewItem(ctx, kc.OpenedBy, kc.ID, it, procedure.Verdict(1+c%2), "")); err == nil {
				err = rerr
			}
		}
		w.note(fmt.Sprintf("Upload/Submit/Review(%d, %s, %s, %s)", d%3, part, kc.ID, it), err)
	case 53: // register an advisor of type other with a label (ACC-8), edit it
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		adv, err := rec(k.Access.RegisterAdvisor(ctx, actor, dd.ID, access.AdvisorInput{Name: "Advisor", Email: gpick(w.emails, c), Phone: "+33612345600", Type: access.AdvisorOther, Label: "banquier privé"}))
		if err == nil {
			w.advisors = append(w.advisors, adv.ID)
			if d%2 == 0 {
				err = errOf(k.Access.EditAdvisor(ctx, actor, adv.ID, access.AdvisorInput{Name: "Advisor", Email: gpick(w.emails, d), Phone: "+33612345600", Type: access.AdvisorOther, Label: "avocat"}))
			}
		}
		w.note(fmt.Sprintf("RegisterAdvisor(other)(%s, %s)", actor, dd.ID), err)
	case 54: // a removed collaborator is added again (a session does not come back, CON-6)
		o := w.office(a)
		actor := w.staff(o, true, b)
		u := w.user(c)
		err := errOf(k.Groups.AddCollaborator(ctx, actor, o, u, cabinet.ProfileStandard))
		w.note(fmt.Sprintf("AddCollaborator again(%s, %s, %s)", actor, o, u), err)
	case 55: // a session's collaborator leaves the office (CON-6 v2)
		if len(w.sessions) == 0 {
			return
		}
		var ses contact.Session
		_ = w.store.ViewContacts(ctx, func(r contact.Reader) error {
			var err error
			ses, err = r.Session(ctx, gpick(w.sessions, a))
			return err
		})
		actor := w.staff(ses.Office, true, b)
		err := errRev(k.Groups.RemoveCollaborator(ctx, actor, ses.Office, ses.Actor))
		w.note(fmt.Sprintf("RemoveImpersonator(%s, %s, %s)", actor, ses.Office, ses.Actor), err)
	case 56: // a whole TEAM-8 v2 story: a holder granted read_only (or read_write) refers her own vault into her team
		dd, ok := w.dossier(a)
		if !ok || len(w.users) < 2 {
			return
		}
		actor := w.dossierActor(dd, b)
		holder, err := rec(k.Access.AddPerson(ctx, actor, dd.ID, access.PersonInput{Name: "Holder", Relation: access.RelationHolder}))
		if err != nil {
			w.note(fmt.Sprintf("AddPerson(%s, %s, holder)", actor, dd.ID), err)
			return
		}
		w.persons = append(w.persons, holder.ID)
		client, mate := gpick(w.users, c), gpick(w.users, c+1+d%3)
		level := access.LevelReadOnly
		if d%4 == 3 {
			level = access.LevelReadWrite
		}
		g, err := rec(k.Access.GrantPerson(ctx, actor, holder.ID, access.GrantInput{Email: genEmails[slicesIndex(w.users, client)], Phone: "+33612345689", Level: level}))
		var t team.Team
		if err == nil {
			w.grants = append(w.grants, g.ID)
			t, err = rec(k.Teams.CreateTeam(ctx, client, "Family office", ""))
		}
		if err == nil {
			w.teams = append(w.teams, t.ID)
			var inv team.Invitation
			if inv, err = rec(k.Teams.Invite(ctx, client, t.ID, genEmails[slicesIndex(w.users, mate)], team.RoleMember)); err == nil {
				_, err = rec(k.Teams.AcceptInvitation(ctx, mate, inv.ID))
			}
		}
		var r team.Referral
		if err == nil {
			if r, err = rec(k.Teams.Refer(ctx, client, team.ReferInput{Team: t.ID, ClientName: "Me", ClientEmail: genEmails[slicesIndex(w.users, client)], Dossier: dd.ID})); err == nil {
				w.referrals = append(w.referrals, r.ID)
			}
		}
		w.note(fmt.Sprintf("HolderSelfRefer(%s, %s, %s, client %s %s, mate %s) = %s", actor, dd.ID, holder.ID, client, level, mate, r.ID), err)
	case 57: // issue 16: an advisor granted until an instant; an advisor's grant's expiry changed or cleared; an expired one granted again
		at := w.expiry(c)
		if g, ok := w.grant(a); ok && d%3 != 0 {
			dd, _ := w.dossier(slicesIndex(w.dossiers, g.Dossier))
			actor := w.dossierActor(dd, b)
			if d%3 == 1 {
				_, err := rec(k.Access.SetGrantExpiry(ctx, actor, g.ID, at))
				w.note(fmt.Sprintf("SetGrantExpiry(%s, %s, %s)", actor, g.ID, at.Format(time.RFC3339)), err)
				return
			}
			ng, err := rec(k.Access.GrantAdvisorUntil(ctx, actor, g.Advisor, access.Level(1+c%2), at))
			if err == nil {
				w.grants = append(w.grants, ng.ID)
			}
			w.note(fmt.Sprintf("GrantAdvisorUntil again(%s, %s, %s) = %s", actor, g.Advisor, at.Format(time.RFC3339), ng.ID), err)
			return
		}
		dd, ok := w.dossier(a)
		if !ok {
			return
		}
		actor := w.dossierActor(dd, b)
		email := gpick(w.emails[:len(w.users)], d) // an account's: the grant is linked
		adv, err := rec(k.Access.RegisterAdvisor(ctx, actor, dd.ID, access.AdvisorInput{Name: "Notary", Email: email, Phone: "+33612345670", Type: access.AdvisorNotary}))
		var g access.Grant
		if err == nil {
			w.advisors = append(w.advisors, adv.ID)
			if g, err = rec(k.Access.GrantAdvisorUntil(ctx, actor, adv.ID, access.Level(1+c%2), at)); err == nil {
				w.grants = append(w.grants, g.ID)
			}
		}
		w.note(fmt.Sprintf("RegisterAdvisor+GrantUntil(%s, %s, %s, %s) = %s", actor, dd.ID, email, at.Format(time.RFC3339), g.ID), err)
		if err == nil && d%2 == 0 {
			w.advanceNear(at, b)
		}
	case 58: // issue 16: a collaborator assigned directly to a group until an instant (again: the expiry replaced)
		if len(w.groups) == 0 {
			return
		}
		g := gpick(w.groups, a)
		o := w.office(b)
		actor := w.staff(o, true, b/2)
		u := w.staff(o, false, c+1)
		at := w.expiry(d)
		err := errOf(k.Groups.AssignCollaboratorUntil(ctx, actor, g, u, at))
		w.note(fmt.Sprintf("AssignCollaboratorUntil(%s, %s, %s, %s)", actor, g, u, at.Format(time.RFC3339)), err)
		if err == nil && c%2 == 0 {
			w.advanceNear(at, a)
		}
	case 59: // issue 16: time passes to the instant an access expires, or just before or after it
		var next time.Time
		now := w.clock.Now()
		_ = w.store.ViewAccess(ctx, func(r access.Reader) error {
			gs, err := refListAll(func(x cabinet.Cursor, n int) ([]access.Grant, cabinet.Cursor, error) {
				return r.Grants(ctx, access.GrantFilter{}, cabinet.Page{After: x, Limit: n})
			})
			for _, g := range gs {
				if g.ExpiresAt.After(now) && (next.IsZero() || g.ExpiresAt.Before(next)) {
					next = g.ExpiresAt
				}
			}
			return err
		})
		_ = w.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
			das, err := refListAll(func(x cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
				return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, cabinet.Page{After: x, Limit: n})
			})
			for _, da := range das {
				if da.ExpiresAt.After(now) && (next.IsZero() || da.ExpiresAt.Before(next)) {
					next = da.ExpiresAt
				}
			}
			return err
		})
		w.advanceNear(next, a)
	}
}

// advanceNear advances the clock to just before at, at it or just after it
// (by i), when that is later than now (issue 16's boundaries); the zero
// time does nothing.
func (w *genWorld) advanceNear(at time.Time, i int) {
	if at.IsZero() {
		return
	}
	at = at.Add(time.Duration(i%3-1) * time.Second)
	if now := w.clock.Now(); at.After(now) {
		w.clock.Advance(at.Sub(now))
		w.note(fmt.Sprintf("AdvanceTo(%s)", at.Format(time.RFC3339)), nil)
	}
}

// expiry returns an instant of issue 16's expiries from now: usually soon
// (so that the clock reaches it), sometimes none (the zero time) or now
// itself (refused: invalid input).
func (w *genWorld) expiry(i int) time.Time {
	switch i % 7 {
	case 0:
		return time.Time{}
	case 1:
		return w.clock.Now()
	}
	return w.clock.Now().Add(gpick([]time.Duration{30 * time.Minute, 2 * time.Hour, 3 * 24 * time.Hour, 9 * 24 * time.Hour}, i/7))
}

// centralOf returns, most of the time, a user holding a grant to a central
// person of dossier d ("" when there is none).
func (w *genWorld) centralOf(d cabinet.DossierID, i int) cabinet.UserID {
	var out []cabinet.UserID
	_ = w.store.ViewAccess(w.ctx, func(r access.Reader) error {
		gs, _, err := r.Grants(w.ctx, access.GrantFilter{Dossier: d}, cabinet.Page{Limit: cabinet.MaxPageSize})
		for _, g := range gs {
			if g.Central && g.User != "" {
				out = append(out, g.User)
			}
		}
		return err
	})
	if len(out) == 0 {
		return ""
	}
	return gpick(out, i)
}

// slicesIndex is the index of v in xs, or len(xs)+1 when absent (so that
// gpick then picks something else rather than panicking).
func slicesIndex[T comparable](xs []T, v T) int {
	for i, x := range xs {
		if x == v {
			return i
		}
	}
	return len(xs) + 1
}
