package bulk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/team"
)

// Each record kind has two steps. prepare checks what the record holds by
// itself with the validators the services use (cabinet.ParseName,
// ParseEmail, ParsePhone, access.ParsePerson, …) and returns it
// normalised; apply checks it against the state of the batch's
// transaction (what it refers to, the invariants that involve other
// records) and writes it through the store's Writers, with the events the
// service that creates such a record publishes.

// ---- users (TEAM-6) ----

func (r User) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if r.DisplayName, err = cabinet.ParseName("display_name", r.DisplayName); err != nil {
		return nil, err
	}
	if r.Email, err = cabinet.ParseEmail("email", r.Email); err != nil {
		return nil, err
	}
	if err = optID("personal_team", r.PersonalTeam); err != nil {
		return nil, err
	}
	if err = optID("first_team", r.FirstTeam); err != nil {
		return nil, err
	}
	if r.PersonalTeam == "" {
		r.PersonalTeam = cabinet.NewID[cabinet.TeamID](im.o.IDs, "team")
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply creates the account and its personal team as
// team.Service.CreateUser does (TEAM-6: one member, its owner, admin and
// lead), links the referrals waiting for its email, and tells the account
// listeners (grants, contacts, contributor seats waiting for the email,
// ACC-5), in the batch's transaction.
func (r User) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.team.User(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindUser, r.Key())
	}
	if other, err := a.team.UserByEmail(ctx, r.Email); err == nil {
		return fail("email", cabinet.Conflict("", "an account already uses the email of %s", other.ID))
	} else if ok, err := found(other, err); err != nil || ok {
		return err
	}
	if ok, err := found(a.team.Team(ctx, r.PersonalTeam)); err != nil || ok {
		return orTaken(err, "personal_team", KindTeam, string(r.PersonalTeam))
	}
	u := cabinet.User{ID: r.ID, DisplayName: r.DisplayName, Email: r.Email, CreatedAt: r.CreatedAt}
	p := team.Team{
		ID: r.PersonalTeam, Personal: true, Owner: u.ID, Lead: u.ID, CreatedBy: u.ID, CreatedAt: u.CreatedAt,
		Members: []team.Member{{User: u.ID, Role: team.RoleAdmin, JoinedAt: u.CreatedAt}}, FirstTeam: r.FirstTeam,
	}
	if err := a.team.PutUser(ctx, u); err != nil {
		return err
	}
	if err := a.team.PutTeam(ctx, p); err != nil {
		return err
	}
	a.emit(
		team.UserCreated{User: u.ID, DisplayName: u.DisplayName, Email: u.Email, PersonalTeam: p.ID},
		team.TeamCreated{Team: p.ID, Name: team.PersonalTeamName(u.DisplayName), Personal: true, Lead: u.ID, CreatedBy: u.ID},
	)
	for ref, err := range cabinet.Each(ctx, func(ctx context.Context, pg cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
		return a.team.ListReferrals(ctx, team.ReferralFilter{ClientEmail: u.Email}, pg)
	}) {
		if err != nil {
			return err
		}
		if ref.Client != "" {
			continue
		}
		ref.Client = u.ID
		if err := a.team.PutReferral(ctx, ref); err != nil {
			return err
		}
		a.emit(team.ReferralClientLinked{Referral: ref.ID, Team: ref.Team, Dossier: ref.Dossier, Client: u.ID})
	}
	for _, l := range a.listeners {
		if l == nil {
			continue
		}
		more, err := l.AccountCreated(ctx, a.team.Tx(), u)
		if err != nil {
			return err
		}
		a.emit(more...)
	}
	return nil
}

// orTaken returns err, or when it is nil the conflict of a record that
// already exists.
func orTaken(err error, field string, k Kind, key string) error {
	if err != nil {
		return err
	}
	return taken(field, k, key)
}

// ---- offices and collaborators (clientgroup) ----

func (r Office) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if r.Name, err = cabinet.ParseName("name", r.Name); err != nil {
		return nil, err
	}
	if r.Email, err = cabinet.ParseEmail("email", r.Email); err != nil {
		return nil, err
	}
	if err = checkID("admin", r.Admin); err != nil {
		return nil, err
	}
	if err = optID("created_by", r.CreatedBy); err != nil {
		return nil, err
	}
	if r.CreatedBy == "" {
		r.CreatedBy = r.Admin
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	r.AdminSince = stamp(r.AdminSince, r.CreatedAt)
	return r, nil
}

// apply creates the office with its admin, as
// clientgroup.Service.CreateOffice does.
func (r Office) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.groups.Office(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindOffice, r.Key())
	}
	if _, err := a.team.User(ctx, r.Admin); err != nil {
		return fail("admin", err)
	}
	o := clientgroup.Office{ID: r.ID, Name: r.Name, Email: r.Email, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	if err := a.groups.PutOffice(ctx, o); err != nil {
		return err
	}
	c := clientgroup.Collaborator{Office: r.ID, User: r.Admin, Profile: cabinet.ProfileAdmin, AddedAt: r.AdminSince}
	if err := a.groups.PutCollaborator(ctx, c); err != nil {
		return err
	}
	a.emit(
		clientgroup.OfficeCreated{Office: o.ID, Name: o.Name, Email: o.Email, Admin: r.Admin},
		clientgroup.CollaboratorAdded{Office: o.ID, User: r.Admin, Profile: cabinet.ProfileAdmin},
	)
	return nil
}

func (r Collaborator) prepare(im *Importer) (Record, error) {
	if err := checkID("office", r.Office); err != nil {
		return nil, err
	}
	if err := checkID("user", r.User); err != nil {
		return nil, err
	}
	if !r.Profile.Valid() {
		return nil, cabinet.Invalid("profile", "%s is not admin or standard", r.Profile)
	}
	r.AddedAt = stamp(r.AddedAt, im.o.Now())
	return r, nil
}

// apply adds the collaborator as clientgroup.Service.AddCollaborator does:
// the office and the account must exist, and the user must not already be
// a collaborator of the office.
func (r Collaborator) apply(a *applier) error {
	ctx := a.ctx
	if err := a.office(r.Office); err != nil {
		return fail("office", err)
	}
	if _, err := a.team.User(ctx, r.User); err != nil {
		return fail("user", err)
	}
	if ok, err := a.collaborator(r.Office, r.User); err != nil || ok {
		return orTaken(err, "user", KindCollaborator, r.Key())
	}
	c := clientgroup.Collaborator{Office: r.Office, User: r.User, Profile: r.Profile, AddedAt: r.AddedAt}
	if err := a.groups.PutCollaborator(ctx, c); err != nil {
		return err
	}
	a.emit(clientgroup.CollaboratorAdded{Office: r.Office, User: r.User, Profile: r.Profile})
	return nil
}

func (r CollaboratorGroup) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err = checkID("office", r.Office); err != nil {
		return nil, err
	}
	if r.Name, err = cabinet.ParseName("name", r.Name); err != nil {
		return nil, err
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply creates the group in its office (GRP-6: a name).
func (r CollaboratorGroup) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.groups.CollaboratorGroup(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindCollaboratorGroup, r.Key())
	}
	if err := a.office(r.Office); err != nil {
		return fail("office", err)
	}
	g := clientgroup.CollaboratorGroup{ID: r.ID, Office: r.Office, Name: r.Name, CreatedAt: r.CreatedAt}
	if err := a.groups.PutCollaboratorGroup(ctx, g); err != nil {
		return err
	}
	a.emit(clientgroup.CollaboratorGroupCreated{Office: r.Office, Group: r.ID, Name: r.Name})
	return nil
}

func (r Member) prepare(*Importer) (Record, error) {
	if err := checkID("group", r.Group); err != nil {
		return nil, err
	}
	if err := checkID("user", r.User); err != nil {
		return nil, err
	}
	return r, nil
}

// apply adds the member as clientgroup.Service.AddMember does: the user
// must be a collaborator of the group's office (GRP-1; not found
// otherwise).
func (r Member) apply(a *applier) error {
	ctx := a.ctx
	g, err := a.groups.CollaboratorGroup(ctx, r.Group)
	if err != nil {
		return fail("group", err)
	}
	if ok, err := a.collaborator(g.Office, r.User); err != nil {
		return err
	} else if !ok {
		return fail("user", cabinet.NotFound("collaborator", r.User))
	}
	if ok, err := found(a.groups.Member(ctx, r.Group, r.User)); err != nil || ok {
		return orTaken(err, "user", KindMember, r.Key())
	}
	if err := a.groups.PutMember(ctx, clientgroup.Member{Group: r.Group, Office: g.Office, User: r.User}); err != nil {
		return err
	}
	a.emit(clientgroup.CollaboratorGroupMemberAdded{Office: g.Office, Group: r.Group, User: r.User})
	return nil
}

func (r ClientGroup) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err = checkID("office", r.Office); err != nil {
		return nil, err
	}
	if r.Name, err = cabinet.ParseName("name", r.Name); err != nil {
		return nil, err
	}
	if r.Email, err = optionalEmail("email", r.Email); err != nil {
		return nil, err
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply creates the client group in its office (GRP-6 name, GRP-7
// optional email).
func (r ClientGroup) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.groups.ClientGroup(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindClientGroup, r.Key())
	}
	if err := a.office(r.Office); err != nil {
		return fail("office", err)
	}
	g := clientgroup.ClientGroup{ID: r.ID, Office: r.Office, Name: r.Name, Email: r.Email, CreatedAt: r.CreatedAt}
	if err := a.groups.PutClientGroup(ctx, g); err != nil {
		return err
	}
	a.emit(clientgroup.ClientGroupCreated{Office: r.Office, Group: r.ID, Name: r.Name, Email: r.Email})
	return nil
}

func (r DirectAssignment) prepare(im *Importer) (Record, error) {
	if err := checkID("client_group", r.ClientGroup); err != nil {
		return nil, err
	}
	if err := checkID("user", r.User); err != nil {
		return nil, err
	}
	// An expiry may be past: an import restores a state as it was
	// exported, and an expired assignment is one (issue 16; the services
	// refuse a past expiry for a new assignment, which would open nothing).
	r.ExpiresAt = stamp(r.ExpiresAt, r.ExpiresAt)
	return r, nil
}

// apply assigns the collaborator as clientgroup.Service.AssignCollaborator
// does: a collaborator of the group's office (GRP-1; not found otherwise),
// until r.ExpiresAt when set (issue 16).
func (r DirectAssignment) apply(a *applier) error {
	ctx := a.ctx
	g, err := a.groups.ClientGroup(ctx, r.ClientGroup)
	if err != nil {
		return fail("client_group", err)
	}
	if ok, err := a.collaborator(g.Office, r.User); err != nil {
		return err
	} else if !ok {
		return fail("user", cabinet.NotFound("collaborator", r.User))
	}
	if ok, err := found(a.groups.DirectAssignment(ctx, r.ClientGroup, r.User)); err != nil || ok {
		return orTaken(err, "user", KindDirectAssignment, r.Key())
	}
	if err := a.groups.PutDirectAssignment(ctx, clientgroup.DirectAssignment{ClientGroup: r.ClientGroup, Office: g.Office, User: r.User, ExpiresAt: r.ExpiresAt}); err != nil {
		return err
	}
	a.emit(clientgroup.CollaboratorAssigned{Office: g.Office, ClientGroup: r.ClientGroup, User: r.User, ExpiresAt: r.ExpiresAt})
	return nil
}

func (r GroupAssignment) prepare(*Importer) (Record, error) {
	if err := checkID("client_group", r.ClientGroup); err != nil {
		return nil, err
	}
	if err := checkID("collaborator_group", r.CollaboratorGroup); err != nil {
		return nil, err
	}
	return r, nil
}

// apply assigns the collaborator group as
// clientgroup.Service.AssignCollaboratorGroup does: both groups of one
// office (a *cabinet.ConflictError naming GRP-1 otherwise).
func (r GroupAssignment) apply(a *applier) error {
	ctx := a.ctx
	g, err := a.groups.ClientGroup(ctx, r.ClientGroup)
	if err != nil {
		return fail("client_group", err)
	}
	cg, err := a.groups.CollaboratorGroup(ctx, r.CollaboratorGroup)
	if err != nil {
		return fail("collaborator_group", err)
	}
	if cg.Office != g.Office {
		return fail("collaborator_group", cabinet.Conflict("GRP-1", "collaborator group %s belongs to another office than client group %s", cg.ID, g.ID))
	}
	if ok, err := found(a.groups.GroupAssignment(ctx, r.ClientGroup, r.CollaboratorGroup)); err != nil || ok {
		return orTaken(err, "collaborator_group", KindGroupAssignment, r.Key())
	}
	ga := clientgroup.GroupAssignment{ClientGroup: g.ID, Office: g.Office, CollaboratorGroup: cg.ID}
	if err := a.groups.PutGroupAssignment(ctx, ga); err != nil {
		return err
	}
	a.emit(clientgroup.CollaboratorGroupAssigned{Office: g.Office, ClientGroup: g.ID, CollaboratorGroup: cg.ID})
	return nil
}

// ---- dossiers and their trees (access) ----

func (r Dossier) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err = checkID("office", r.Office); err != nil {
		return nil, err
	}
	if r.Name, err = cabinet.ParseName("name", r.Name); err != nil {
		return nil, err
	}
	if !r.Status.Valid() {
		return nil, cabinet.Invalid("status", "%v is not a dossier status", r.Status)
	}
	if err = optID("manager", r.Manager); err != nil {
		return nil, err
	}
	for _, u := range r.Assigned {
		if err = checkID("assigned", u); err != nil {
			return nil, err
		}
	}
	// As access.Service.SetAssigned: ascending, no duplicates, never the
	// manager.
	if len(r.Assigned) > 0 {
		assigned := slices.Clone(r.Assigned)
		slices.Sort(assigned)
		assigned = slices.Compact(assigned)
		r.Assigned = slices.DeleteFunc(assigned, func(u cabinet.UserID) bool { return u == r.Manager })
	}
	if len(r.Assigned) == 0 {
		r.Assigned = nil
	}
	if err = optID("client_group", r.ClientGroup); err != nil {
		return nil, err
	}
	if err = optID("created_by", r.CreatedBy); err != nil {
		return nil, err
	}
	if r.CreatedBy == "" {
		r.CreatedBy = r.Manager
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply creates the dossier and its placement. The manager and the
// assigned collaborators must be collaborators of the office, as
// access.Service.SetManager and SetAssigned require (GRP-11: nobody
// outside the office manages or is assigned a dossier). The client group
// must exist and be placeable: clientgroup.CanPlace (GRP-1 same office,
// GRP-5 only an activated dossier), with an archived dossier taken as the
// activated dossier it was when placed (ACC-12 keeps an archived dossier
// in its group).
func (r Dossier) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.access.Dossier(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindDossier, r.Key())
	}
	if err := a.office(r.Office); err != nil {
		return fail("office", err)
	}
	if r.Manager != "" {
		if ok, err := a.collaborator(r.Office, r.Manager); err != nil {
			return err
		} else if !ok {
			return fail("manager", cabinet.Invalid("manager", "%q is not a collaborator of office %q", r.Manager, r.Office))
		}
	}
	for _, u := range r.Assigned {
		if ok, err := a.collaborator(r.Office, u); err != nil {
			return err
		} else if !ok {
			return fail("assigned", cabinet.Invalid("assigned", "%q is not a collaborator of office %q", u, r.Office))
		}
	}
	d := access.Dossier{ID: r.ID, Office: r.Office, Name: r.Name, Status: r.Status, Manager: r.Manager,
		Assigned: r.Assigned, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	var g clientgroup.ClientGroup
	if r.ClientGroup != "" {
		var err error
		if g, err = a.groups.ClientGroup(ctx, r.ClientGroup); err != nil {
			return fail("client_group", err)
		}
		facts := cabinet.DossierFacts{ID: d.ID, Office: d.Office, Status: d.Status, Manager: d.Manager}
		if facts.Status == cabinet.DossierArchived {
			facts.Status = cabinet.DossierActivated
		}
		if err := clientgroup.CanPlace(facts, g); err != nil {
			return fail("client_group", err)
		}
	}
	if err := a.access.PutDossier(ctx, d); err != nil {
		return err
	}
	a.emit(access.DossierCreated{Dossier: d})
	if g.ID != "" {
		if err := a.groups.PutPlacement(ctx, clientgroup.Placement{Dossier: d.ID, Office: d.Office, ClientGroup: g.ID}); err != nil {
			return err
		}
		a.emit(clientgroup.DossierMoved{Office: d.Office, Dossier: d.ID, To: g.ID})
	}
	return nil
}

func (r Person) prepare(im *Importer) (Record, error) {
	if err := checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err := checkID("dossier", r.Dossier); err != nil {
		return nil, err
	}
	in, err := access.ParsePerson(access.PersonInput{Name: r.Name, Relation: r.Relation})
	if err != nil {
		return nil, err
	}
	r.Name, r.Relation = in.Name, in.Relation
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply adds the person to the dossier's tree; a second holder is refused
// by access.CheckOneHolder (ACC-2).
func (r Person) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.access.Person(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindPerson, r.Key())
	}
	d, err := a.access.Dossier(ctx, r.Dossier)
	if err != nil {
		return fail("dossier", err)
	}
	if r.Relation == access.RelationHolder {
		tree, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
			return a.access.Persons(ctx, access.PersonFilter{Dossier: d.ID}, p)
		})
		if err != nil {
			return err
		}
		if err := access.CheckOneHolder(tree, ""); err != nil {
			return fail("relation", err)
		}
	}
	p := access.Person{ID: r.ID, Dossier: d.ID, Name: r.Name, Relation: r.Relation, CreatedAt: r.CreatedAt}
	if err := a.access.PutPerson(ctx, p); err != nil {
		return err
	}
	a.emit(access.PersonAdded{Office: d.Office, Person: p})
	return nil
}

func (r Advisor) prepare(im *Importer) (Record, error) {
	if err := checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err := checkID("dossier", r.Dossier); err != nil {
		return nil, err
	}
	in, err := access.ParseAdvisor(access.AdvisorInput{Name: r.Name, Email: r.Email, Phone: r.Phone, Type: r.Type, Label: r.Label})
	if err != nil {
		return nil, err
	}
	r.Name, r.Email, r.Phone, r.Type, r.Label = in.Name, in.Email, in.Phone, in.Type, in.Label
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply registers the advisor in the dossier (ACC-8: it grants nothing).
func (r Advisor) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.access.Advisor(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindAdvisor, r.Key())
	}
	d, err := a.access.Dossier(ctx, r.Dossier)
	if err != nil {
		return fail("dossier", err)
	}
	adv := access.Advisor{ID: r.ID, Dossier: d.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, Type: r.Type,
		Label: r.Label, CreatedAt: r.CreatedAt}
	if err := a.access.PutAdvisor(ctx, adv); err != nil {
		return err
	}
	a.emit(access.AdvisorRegistered{Office: d.Office, Advisor: adv})
	return nil
}

func (r Grant) prepare(im *Importer) (Record, error) {
	if err := checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err := optID("person", r.Person); err != nil {
		return nil, err
	}
	if err := optID("advisor", r.Advisor); err != nil {
		return nil, err
	}
	switch {
	case r.Person == "" && r.Advisor == "":
		return nil, cabinet.Invalid("person", "is required: a grant is to a person of the tree or to a registered advisor (ACC-2, ACC-8)")
	case r.Person != "" && r.Advisor != "":
		return nil, cabinet.Invalid("advisor", "a grant is to a person or to an advisor, not both")
	case r.Person != "":
		in, err := access.ParseGrant(access.GrantInput{Email: r.Email, Phone: r.Phone, Level: r.Level})
		if err != nil {
			return nil, err
		}
		r.Email, r.Phone, r.Level = in.Email, in.Phone, in.Level
	default:
		if strings.TrimSpace(r.Email) != "" {
			return nil, cabinet.Invalid("email", "an advisor's grant uses the advisor's registered email (ACC-8)")
		}
		if strings.TrimSpace(r.Phone) != "" {
			return nil, cabinet.Invalid("phone", "an advisor's grant uses the advisor's registered phone (ACC-8)")
		}
		r.Email, r.Phone = "", ""
		if !r.Level.Valid() {
			return nil, cabinet.Invalid("level", "%v is not read_only or read_write", r.Level)
		}
	}
	if err := optID("granted_by", r.GrantedBy); err != nil {
		return nil, err
	}
	if r.Reminders > 2 {
		return nil, cabinet.Invalid("reminders", "is %d: 0 none, 1 the 7-day, 2 the 30-day reminder (ACC-5)", r.Reminders)
	}
	if r.Person != "" && !r.ExpiresAt.IsZero() {
		return nil, cabinet.Invalid("expires_at", "only an external advisor's grant expires (issue 16)")
	}
	// An advisor's grant may have expired already: the import restores
	// it as exported (issue 16).
	r.GrantedAt = stamp(r.GrantedAt, im.o.Now())
	r.InvitedAt = stamp(r.InvitedAt, r.InvitedAt)
	r.ExpiresAt = stamp(r.ExpiresAt, r.ExpiresAt)
	return r, nil
}

// apply creates the grant. The person or advisor must exist and hold no
// grant yet (ACC-4); a person's grant is central when the person is
// (ACC-6, ACC-7). The grant is linked to the account of its email, if any,
// as at sign-up (ACC-5), and access.CanGrantTo refuses a second grant on
// the dossier to the same email or account (ACC-7).
func (r Grant) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.access.Grant(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindGrant, r.Key())
	}
	g := access.Grant{ID: r.ID, Email: r.Email, Phone: r.Phone, Level: r.Level, GrantedBy: r.GrantedBy,
		GrantedAt: r.GrantedAt, InvitedAt: r.InvitedAt, Reminders: r.Reminders, ExpiresAt: r.ExpiresAt}
	var prev access.Grant
	var err error
	if r.Person != "" {
		p, err := a.access.Person(ctx, r.Person)
		if err != nil {
			return fail("person", err)
		}
		g.Kind, g.Person, g.Dossier, g.Central = access.GranteePerson, p.ID, p.Dossier, p.Relation.Central()
		prev, err = a.access.GrantOfPerson(ctx, p.ID)
		if ok, err := found(prev, err); err != nil {
			return err
		} else if ok {
			return fail("person", cabinet.Conflict("ACC-4", "person %q already has access (grant %q)", p.ID, prev.ID))
		}
	} else {
		adv, err := a.access.Advisor(ctx, r.Advisor)
		if err != nil {
			return fail("advisor", err)
		}
		g.Kind, g.Advisor, g.Dossier, g.Email, g.Phone = access.GranteeAdvisor, adv.ID, adv.Dossier, adv.Email, adv.Phone
		prev, err = a.access.GrantOfAdvisor(ctx, adv.ID)
		if ok, err := found(prev, err); err != nil {
			return err
		} else if ok {
			return fail("advisor", cabinet.Conflict("ACC-4", "advisor %q already has access (grant %q)", adv.ID, prev.ID))
		}
	}
	d, err := a.access.Dossier(ctx, g.Dossier)
	if err != nil {
		return err
	}
	g.Office = d.Office
	if u, err := a.team.UserByEmail(ctx, g.Email); err == nil {
		g.User = u.ID
	} else if _, err := found(u, err); err != nil {
		return err
	}
	existing, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
		return a.access.Grants(ctx, access.GrantFilter{Dossier: d.ID}, p)
	})
	if err != nil {
		return err
	}
	// The host grants, not an account: access.Actor{} is nobody, so only
	// the one-grant-per-email-and-account rule of ACC-7 can refuse.
	if err := access.CanGrantTo(d.ID, access.Actor{}, g.Email, g.User, existing, ""); err != nil {
		field := "email"
		if g.Kind == access.GranteeAdvisor {
			field = "advisor"
		}
		return fail(field, err)
	}
	var notice cabinet.Event
	if a.im.invite && (g.User != "" || g.InvitedAt.IsZero()) {
		notice = invite(&g, a.now)
	}
	if err := a.access.PutGrant(ctx, g); err != nil {
		return err
	}
	a.emit(access.GrantCreated{Grant: g})
	if notice != nil {
		a.emit(notice)
	}
	return nil
}

// invite fills in g's notification or invitation at now as
// access.Service.GrantPerson does (ACC-5) and returns the event telling the
// host: access.AccessNotified for a linked grant, access.InvitationSent
// otherwise (its reminders count from now).
func invite(g *access.Grant, now time.Time) cabinet.Event {
	g.Reminders = 0
	if g.User != "" {
		g.InvitedAt = time.Time{}
		return access.AccessNotified{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: g.User, Email: g.Email}
	}
	g.InvitedAt = now
	return access.InvitationSent{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, Email: g.Email, Phone: g.Phone, At: now}
}

// ---- consent, teams and referrals (team) ----

func (r Consent) prepare(im *Importer) (Record, error) {
	if err := checkID("dossier", r.Dossier); err != nil {
		return nil, err
	}
	if !r.State.Valid() {
		return nil, cabinet.Invalid("state", "%v is not given or revoked", r.State)
	}
	if err := optID("changed_by", r.ChangedBy); err != nil {
		return nil, err
	}
	r.ChangedAt = stamp(r.ChangedAt, im.o.Now())
	return r, nil
}

// apply stores the dossier's consent switch (TEAM-9), with the event the
// consent commands publish for that state.
func (r Consent) apply(a *applier) error {
	ctx := a.ctx
	if _, err := a.access.Dossier(ctx, r.Dossier); err != nil {
		return fail("dossier", err)
	}
	if ok, err := found(a.team.DossierConsent(ctx, r.Dossier)); err != nil || ok {
		return orTaken(err, "dossier", KindConsent, r.Key())
	}
	c := team.DossierConsent{Dossier: r.Dossier, State: r.State, ChangedBy: r.ChangedBy, ChangedAt: r.ChangedAt}
	if err := a.team.PutDossierConsent(ctx, c); err != nil {
		return err
	}
	var refs []cabinet.ReferralID
	var teams []cabinet.TeamID
	for ref, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
		return a.team.ListReferrals(ctx, team.ReferralFilter{Dossier: r.Dossier}, p)
	}) {
		if err != nil {
			return err
		}
		refs = append(refs, ref.ID)
		teams = append(teams, ref.Team)
	}
	slices.Sort(teams)
	teams = slices.Compact(teams)
	if r.State == team.ConsentRevoked {
		a.emit(team.ConsentWithdrawn{Dossier: r.Dossier, By: r.ChangedBy, Referrals: refs, Teams: teams})
	} else {
		a.emit(team.ConsentRestored{Dossier: r.Dossier, By: r.ChangedBy, Referrals: refs, Teams: teams})
	}
	return nil
}

func (r Team) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if r.Name, err = cabinet.ParseName("name", r.Name); err != nil {
		return nil, err
	}
	if err = checkID("lead", r.Lead); err != nil {
		return nil, err
	}
	if err = optID("created_by", r.CreatedBy); err != nil {
		return nil, err
	}
	if r.CreatedBy == "" {
		r.CreatedBy = r.Lead
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	ms := slices.Clone(r.Members)
	for i := range ms {
		if err = checkID("members", ms[i].User); err != nil {
			return nil, err
		}
		if !ms[i].Role.Valid() {
			return nil, cabinet.Invalid("members", "member %q has no valid role (%v): member or admin", ms[i].User, ms[i].Role)
		}
		ms[i].JoinedAt = stamp(ms[i].JoinedAt, r.CreatedAt)
	}
	slices.SortFunc(ms, func(x, y TeamMember) int { return strings.Compare(string(x.User), string(y.User)) })
	for i := 1; i < len(ms); i++ {
		if ms[i].User == ms[i-1].User {
			return nil, cabinet.Invalid("members", "lists %q twice", ms[i].User)
		}
	}
	if len(ms) == 0 {
		ms = nil
	}
	r.Members = ms
	if r.Pending {
		// TEAM-1: a team is pending only when created on its lead's behalf
		// by someone else, and has no member until the lead accepts it.
		if r.CreatedBy == r.Lead {
			return nil, fail("pending", cabinet.Conflict("TEAM-1", "a team is pending only when created on its lead's behalf by someone else"))
		}
		if len(ms) > 0 {
			return nil, fail("members", cabinet.Conflict("TEAM-1", "a pending team has no member until its lead accepts it"))
		}
		return r, nil
	}
	// TEAM-2: the lead of an accepted team is one of its admins (so the
	// team has an admin).
	i, ok := slices.BinarySearchFunc(ms, r.Lead, func(m TeamMember, u cabinet.UserID) int { return strings.Compare(string(m.User), string(u)) })
	if !ok || ms[i].Role != team.RoleAdmin {
		return nil, fail("lead", cabinet.Conflict("TEAM-2", "the lead advisor %q is always an admin of the team", r.Lead))
	}
	return r, nil
}

// apply creates the team with its members as if each had joined: the
// lead, the creator and every member must have an account; a member whose
// personal team has not yet sent its referrals to a first team (TEAM-7)
// gets this team as its first, with no referral moved (the import puts
// every referral where the stream says).
func (r Team) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.team.Team(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindTeam, r.Key())
	}
	if _, err := a.team.User(ctx, r.Lead); err != nil {
		return fail("lead", err)
	}
	if _, err := a.team.User(ctx, r.CreatedBy); err != nil {
		return fail("created_by", err)
	}
	t := team.Team{ID: r.ID, Name: r.Name, Pending: r.Pending, Lead: r.Lead, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	first := make([]bool, len(r.Members))
	for i, m := range r.Members {
		if _, err := a.team.User(ctx, m.User); err != nil {
			return fail("members", err)
		}
		t.Members = append(t.Members, team.Member{User: m.User, Role: m.Role, JoinedAt: m.JoinedAt})
		p, err := a.team.PersonalTeam(ctx, m.User)
		if err != nil {
			return err
		}
		if p.FirstTeam == "" {
			p.FirstTeam, first[i] = t.ID, true
			if err := a.team.PutTeam(ctx, p); err != nil {
				return err
			}
		}
	}
	if err := a.team.PutTeam(ctx, t); err != nil {
		return err
	}
	created := team.TeamCreated{Team: t.ID, Name: t.Name, Pending: t.Pending, Lead: t.Lead, CreatedBy: t.CreatedBy}
	var joined []cabinet.Event
	for i, m := range t.Members {
		if m.User == t.Lead {
			created.FirstTeam = first[i]
			continue
		}
		joined = append(joined, team.MemberJoined{Team: t.ID, User: m.User, Role: m.Role, FirstTeam: first[i]})
	}
	a.emit(created)
	a.emit(joined...)
	return nil
}

func (r Referral) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err = optID("team", r.Team); err != nil {
		return nil, err
	}
	if err = checkID("referrer", r.Referrer); err != nil {
		return nil, err
	}
	if r.ClientName, err = cabinet.ParseName("client_name", r.ClientName); err != nil {
		return nil, err
	}
	if r.ClientEmail, err = cabinet.ParseEmail("client_email", r.ClientEmail); err != nil {
		return nil, err
	}
	if err = checkID("dossier", r.Dossier); err != nil {
		return nil, err
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply creates the referral in its team ("" the referrer's personal team,
// TEAM-7), which must not be pending (TEAM-1: a pending team holds no
// referral), on an existing dossier; the client's account is linked by
// email, as team.Service.Refer does.
func (r Referral) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.team.Referral(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindReferral, r.Key())
	}
	if _, err := a.team.User(ctx, r.Referrer); err != nil {
		return fail("referrer", err)
	}
	var t team.Team
	var err error
	if r.Team == "" {
		if t, err = a.team.PersonalTeam(ctx, r.Referrer); err != nil {
			return fail("referrer", err)
		}
	} else if t, err = a.team.Team(ctx, r.Team); err != nil {
		return fail("team", err)
	}
	if t.Pending {
		return fail("team", cabinet.Conflict("TEAM-1", "team %q is pending: it holds no referral until its lead accepts it", t.ID))
	}
	if _, err := a.access.Dossier(ctx, r.Dossier); err != nil {
		return fail("dossier", err)
	}
	ref := team.Referral{ID: r.ID, Team: t.ID, Referrer: r.Referrer, ClientName: r.ClientName, ClientEmail: r.ClientEmail,
		Dossier: r.Dossier, CreatedAt: r.CreatedAt}
	if u, err := a.team.UserByEmail(ctx, r.ClientEmail); err == nil {
		ref.Client = u.ID
	} else if _, err := found(u, err); err != nil {
		return err
	}
	consent := team.ConsentGiven
	if c, err := a.team.DossierConsent(ctx, r.Dossier); err == nil {
		consent = c.State
	} else if _, err := found(c, err); err != nil {
		return err
	}
	if err := a.team.PutReferral(ctx, ref); err != nil {
		return err
	}
	a.emit(team.ReferralCreated{Referral: ref.ID, Team: t.ID, Referrer: ref.Referrer, ClientName: ref.ClientName,
		ClientEmail: ref.ClientEmail, Client: ref.Client, Dossier: ref.Dossier, Consent: consent})
	return nil
}

// ---- companies and contacts (contact) ----

func (r Company) prepare(im *Importer) (Record, error) {
	var err error
	if err = checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err = checkID("office", r.Office); err != nil {
		return nil, err
	}
	if r.Name, err = cabinet.ParseName("name", r.Name); err != nil {
		return nil, err
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	return r, nil
}

// apply creates the company in its office (CON-2).
func (r Company) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.contacts.Company(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindCompany, r.Key())
	}
	if err := a.office(r.Office); err != nil {
		return fail("office", err)
	}
	if err := a.contacts.PutCompany(ctx, contact.Company{ID: r.ID, Office: r.Office, Name: r.Name, CreatedAt: r.CreatedAt}); err != nil {
		return err
	}
	a.emit(contact.CompanyCreated{Office: r.Office, Company: r.ID, Name: r.Name})
	return nil
}

func (r Contact) prepare(im *Importer) (Record, error) {
	if err := checkID("id", r.ID); err != nil {
		return nil, err
	}
	if err := checkID("office", r.Office); err != nil {
		return nil, err
	}
	if !r.Kind.Valid() {
		return nil, cabinet.Invalid("kind", "%v is not client, partner or lead", r.Kind)
	}
	if err := optID("company", r.Company); err != nil {
		return nil, err
	}
	// CON-1, CON-2, CON-3 through contact.ValidateFields. A client without
	// email is a lead converted by a sale (CON-5), still added: its fields
	// are a lead's.
	as := r.Kind
	if r.Kind == contact.KindClient && strings.TrimSpace(r.Email) == "" {
		as = contact.KindLead
		if r.Status != contact.StatusAdded {
			return nil, cabinet.Invalid("email", "is required for a client that is not added (CON-1)")
		}
	}
	f, err := contact.ValidateFields(as, contact.Fields{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone, Company: r.Company})
	if err != nil {
		return nil, err
	}
	r.FirstName, r.LastName, r.Email, r.Phone, r.Company = f.FirstName, f.LastName, f.Email, f.Phone, f.Company
	switch {
	case !r.Status.Valid():
		return nil, cabinet.Invalid("status", "%v is not added, invited or active", r.Status)
	case r.Kind == contact.KindLead && r.Status != contact.StatusAdded:
		return nil, cabinet.Invalid("status", "a lead is never invited (CON-3): its status is added")
	case r.Status == contact.StatusActive && r.User == "":
		return nil, cabinet.Invalid("user", "an active contact is linked to its account (CON-1)")
	case r.Status != contact.StatusActive && r.User != "":
		return nil, cabinet.Invalid("user", "only an active contact is linked to an account (CON-1)")
	}
	if err := optID("user", r.User); err != nil {
		return nil, err
	}
	if err := optID("dossier", r.Dossier); err != nil {
		return nil, err
	}
	if err := optID("person", r.Person); err != nil {
		return nil, err
	}
	if r.Person != "" && r.Dossier == "" {
		return nil, cabinet.Invalid("person", "a contact is linked to a person of a dossier's tree: give the dossier")
	}
	if r.Dossier != "" && r.Kind != contact.KindClient {
		return nil, fail("dossier", cabinet.Conflict("CON-4", "only client contacts are linked to a dossier, this is a %s", r.Kind))
	}
	r.CreatedAt = stamp(r.CreatedAt, im.o.Now())
	r.UpdatedAt = stamp(r.UpdatedAt, r.CreatedAt)
	r.InvitedAt = stamp(r.InvitedAt, r.InvitedAt)
	return r, nil
}

// apply creates the contact as it stands: its company (of the same office,
// not found otherwise, as contact.Service resolves it), its account, its
// link to a dossier of the office and a person of that dossier's tree, a
// person linked to no other contact of the office (as
// contact.Service.LinkContact), and an email no other contact of the
// office uses (CON-7).
func (r Contact) apply(a *applier) error {
	ctx := a.ctx
	if ok, err := found(a.contacts.Contact(ctx, r.ID)); err != nil || ok {
		return orTaken(err, "id", KindContact, r.Key())
	}
	if err := a.office(r.Office); err != nil {
		return fail("office", err)
	}
	if r.Company != "" {
		co, err := a.contacts.Company(ctx, r.Company)
		if err != nil {
			return fail("company", err)
		}
		if co.Office != r.Office {
			return fail("company", cabinet.NotFound("company", r.Company))
		}
	}
	if r.User != "" {
		if _, err := a.team.User(ctx, r.User); err != nil {
			return fail("user", err)
		}
	}
	if r.Dossier != "" {
		d, err := a.access.Dossier(ctx, r.Dossier)
		if err != nil {
			return fail("dossier", err)
		}
		if d.Office != r.Office {
			return fail("dossier", cabinet.NotFound("dossier", r.Dossier))
		}
		if r.Person != "" {
			if err := r.checkPerson(a); err != nil {
				return err
			}
		}
	}
	if r.Email != "" {
		if other, err := a.contacts.ContactByEmail(ctx, r.Office, r.Email); err == nil {
			return fail("email", cabinet.Conflict("CON-7", "email %s is already used by contact %s (%s)", r.Email, other.ID, other.Name()))
		} else if _, err := found(other, err); err != nil {
			return err
		}
	}
	c := contact.Contact{ID: r.ID, Office: r.Office, Kind: r.Kind, Status: r.Status, FirstName: r.FirstName,
		LastName: r.LastName, Email: r.Email, Phone: r.Phone, Company: r.Company, User: r.User, Archived: r.Archived,
		Dossier: r.Dossier, Person: r.Person, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, InvitedAt: r.InvitedAt}
	if err := a.contacts.PutContact(ctx, c); err != nil {
		return fail("email", err)
	}
	a.emit(contact.ContactCreated{Office: c.Office, Contact: c.ID, Kind: c.Kind, Status: c.Status,
		FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: c.Phone, Company: c.Company})
	if c.Company != "" {
		a.emit(contact.PartnerAttached{Office: c.Office, Company: c.Company, Contact: c.ID})
	}
	if c.Dossier != "" {
		a.emit(contact.ContactLinked{Office: c.Office, Contact: c.ID, Dossier: c.Dossier, Person: c.Person})
	}
	return nil
}

// checkPerson checks the contact's person link: a person of the linked
// dossier's tree (Decision: a person removed from the tree after the link
// was made — the services keep the link — is accepted as the dangling link
// it is), linked to no other contact of the office.
func (r Contact) checkPerson(a *applier) error {
	ctx := a.ctx
	p, err := a.access.Person(ctx, r.Person)
	if ok, err := found(p, err); err != nil {
		return err
	} else if ok && p.Dossier != r.Dossier {
		return fail("person", cabinet.NotFound("person", r.Person))
	}
	linked, _, err := a.contacts.ListContacts(ctx, contact.ContactFilter{Office: r.Office, Person: r.Person, IncludeArchived: true}, cabinet.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(linked) > 0 {
		o := linked[0]
		return fail("person", cabinet.Conflict("", "person %s is already linked to contact %s (%s)", r.Person, o.ID, o.Name()))
	}
	return nil
}
