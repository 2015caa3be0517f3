package bulk

import (
	"context"
	"errors"
	"iter"
	"slices"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/team"
)

// Export streams the whole state of one office in the record format, in an
// order Import accepts: the users it involves (its collaborators, the
// managers, creators and grantees of its dossiers, the teams, referrers and
// clients of the referrals of its dossiers, its contacts' accounts), each
// with its personal team; the office with its first admin (the admin with
// the lowest user ID); its other collaborators; its collaborator groups,
// each followed by its members; its client groups, each followed by its
// direct and group assignments; its dossiers, each followed by its family
// tree, external advisors, grants and consent switch; its companies and
// contacts; the teams holding referrals of its dossiers; those referrals.
//
// Everything is read in one consistent snapshot (one View of the store)
// page by page: Export holds the IDs of the users, teams and referrals it
// involves, never the records themselves. The consumer runs inside that
// View: it must not write to the store while it iterates (memstore would
// wait for its own read lock). An unknown office is yielded as an error
// wrapping cabinet.ErrNotFound; a store error or ctx's error is yielded and
// ends the stream.
//
// Decision: an office's export holds what decides who reaches its dossiers
// (POL-1): import(Export(s, office)) answers every question about those
// dossiers as s does, for every user it holds. The records of other offices
// those users belong to, the referrals of other offices' dossiers in the
// same teams, team invitations, impersonation sessions, projects,
// decisions, sales units, procedures and cases are not exported.
func Export(ctx context.Context, store Store, office cabinet.OfficeID) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		x := &exporter{ctx: ctx, store: store, yield: yield}
		x.view(func() error { return x.office(office) })
	}
}

// ExportAll streams the whole state of the store in the record format, in
// an order Import accepts: every user with its personal team; every office
// as Export writes it (without the users and teams); every team that is
// not a personal team; every referral. It reads one View, page by page,
// holding no record beyond the current page, with the same rules for the
// consumer as Export. Not exported: as for Export.
func ExportAll(ctx context.Context, store Store) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		x := &exporter{ctx: ctx, store: store, yield: yield}
		x.view(x.all)
	}
}

// errStop ends the View when the consumer stops iterating.
var errStop = errors.New("bulk: export stopped by its consumer")

// exporter walks one View of the store and yields records.
type exporter struct {
	ctx      context.Context
	store    Store
	yield    func(Record, error) bool
	team     team.Reader
	access   access.Reader
	groups   clientgroup.Reader
	contacts contact.Reader
}

func (x *exporter) view(fn func() error) {
	err := x.store.ViewTeams(x.ctx, func(tr team.Reader) error {
		tx := tr.Tx()
		x.team = tr
		var err error
		if x.access, err = x.store.AccessReader(tx); err != nil {
			return err
		}
		if x.groups, err = x.store.ClientGroupReader(tx); err != nil {
			return err
		}
		if x.contacts, err = x.store.ContactReader(tx); err != nil {
			return err
		}
		return fn()
	})
	if err != nil && !errors.Is(err, errStop) {
		x.yield(nil, err)
	}
}

func (x *exporter) emit(r Record) error {
	if !x.yield(r, nil) {
		return errStop
	}
	return nil
}

// each calls fn for every record of list, page by page.
func each[T any](ctx context.Context, list cabinet.Listing[T], fn func(T) error) error {
	for v, err := range cabinet.Each(ctx, list) {
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// ---- the whole store ----

func (x *exporter) all() error {
	ctx := x.ctx
	err := each(ctx, func(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error) {
		return x.team.ListUsers(ctx, p)
	}, x.user)
	if err != nil {
		return err
	}
	err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Office, cabinet.Cursor, error) {
		return x.groups.Offices(ctx, p)
	}, func(o clientgroup.Office) error { return x.officeBody(o) })
	if err != nil {
		return err
	}
	err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
		return x.team.ListTeams(ctx, team.TeamFilter{}, p)
	}, func(t team.Team) error {
		if t.Personal {
			return nil
		}
		return x.emit(teamRecord(t))
	})
	if err != nil {
		return err
	}
	return each(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
		return x.team.ListReferrals(ctx, team.ReferralFilter{}, p)
	}, func(r team.Referral) error { return x.emit(referralRecord(r)) })
}

// user emits u with its personal team.
func (x *exporter) user(u cabinet.User) error {
	p, err := x.team.PersonalTeam(x.ctx, u.ID)
	if err != nil {
		return err
	}
	return x.emit(User{ID: u.ID, DisplayName: u.DisplayName, Email: u.Email, CreatedAt: u.CreatedAt,
		PersonalTeam: p.ID, FirstTeam: p.FirstTeam})
}

// ---- one office ----

// set is a set of IDs, emitted in ascending order.
type set[T ~string] map[T]struct{}

func (s set[T]) add(ids ...T) {
	for _, id := range ids {
		if id != "" {
			s[id] = struct{}{}
		}
	}
}

func (s set[T]) sorted() []T {
	out := make([]T, 0, len(s))
	for id := range s {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (x *exporter) office(id cabinet.OfficeID) error {
	ctx := x.ctx
	if id == "" {
		return cabinet.Invalid("office", "is required")
	}
	o, err := x.groups.Office(ctx, id)
	if err != nil {
		return err
	}
	// First pass: the users, teams and referrals the office involves.
	users, teams, refs := set[cabinet.UserID]{}, set[cabinet.TeamID]{}, set[cabinet.ReferralID]{}
	users.add(o.CreatedBy)
	err = each(ctx, x.collaborators(id), func(c clientgroup.Collaborator) error {
		users.add(c.User)
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, x.dossiers(id), func(d access.Dossier) error {
		users.add(d.CreatedBy, d.Manager)
		users.add(d.Assigned...)
		err := each(ctx, x.grants(d.ID), func(g access.Grant) error {
			users.add(g.User, g.GrantedBy)
			return nil
		})
		if err != nil {
			return err
		}
		err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
			return x.team.ListReferrals(ctx, team.ReferralFilter{Dossier: d.ID}, p)
		}, func(r team.Referral) error {
			refs.add(r.ID)
			teams.add(r.Team)
			users.add(r.Referrer, r.Client)
			return nil
		})
		if err != nil {
			return err
		}
		if c, err := x.team.DossierConsent(ctx, d.ID); err == nil {
			users.add(c.ChangedBy)
		} else if !errors.Is(err, cabinet.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, x.officeContacts(id), func(c contact.Contact) error {
		users.add(c.User)
		return nil
	})
	if err != nil {
		return err
	}
	var ts []team.Team
	for _, tid := range teams.sorted() {
		t, err := x.team.Team(ctx, tid)
		if err != nil {
			return err
		}
		if t.Personal {
			users.add(t.Owner)
			continue
		}
		users.add(t.Lead, t.CreatedBy)
		for _, m := range t.Members {
			users.add(m.User)
		}
		ts = append(ts, t)
	}
	// Then the records, in dependency order.
	for _, uid := range users.sorted() {
		u, err := x.team.User(ctx, uid)
		if errors.Is(err, cabinet.ErrNotFound) {
			continue // a name kept as history (a creator, a granter) that no account has
		}
		if err != nil {
			return err
		}
		if err := x.user(u); err != nil {
			return err
		}
	}
	if err := x.officeBody(o); err != nil {
		return err
	}
	for _, t := range ts {
		if err := x.emit(teamRecord(t)); err != nil {
			return err
		}
	}
	for _, rid := range refs.sorted() {
		r, err := x.team.Referral(ctx, rid)
		if err != nil {
			return err
		}
		if err := x.emit(referralRecord(r)); err != nil {
			return err
		}
	}
	return nil
}

func (x *exporter) collaborators(office cabinet.OfficeID) cabinet.Listing[clientgroup.Collaborator] {
	return func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
		return x.groups.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: office}, p)
	}
}

func (x *exporter) dossiers(office cabinet.OfficeID) cabinet.Listing[access.Dossier] {
	return func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
		return x.access.Dossiers(ctx, access.DossierFilter{Office: office}, p)
	}
}

func (x *exporter) grants(d cabinet.DossierID) cabinet.Listing[access.Grant] {
	return func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
		return x.access.Grants(ctx, access.GrantFilter{Dossier: d}, p)
	}
}

func (x *exporter) officeContacts(office cabinet.OfficeID) cabinet.Listing[contact.Contact] {
	return func(ctx context.Context, p cabinet.Page) ([]contact.Contact, cabinet.Cursor, error) {
		return x.contacts.ListContacts(ctx, contact.ContactFilter{Office: office, IncludeArchived: true}, p)
	}
}

// officeBody emits the office and everything of it but the users, teams and
// referrals.
func (x *exporter) officeBody(o clientgroup.Office) error {
	ctx := x.ctx
	var admin clientgroup.Collaborator
	err := each(ctx, x.collaborators(o.ID), func(c clientgroup.Collaborator) error {
		if admin.User == "" && c.Profile == cabinet.ProfileAdmin {
			admin = c
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = x.emit(Office{ID: o.ID, Name: o.Name, Email: o.Email, Admin: admin.User, AdminSince: admin.AddedAt,
		CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt})
	if err != nil {
		return err
	}
	err = each(ctx, x.collaborators(o.ID), func(c clientgroup.Collaborator) error {
		if c.User == admin.User {
			return nil
		}
		return x.emit(Collaborator{Office: c.Office, User: c.User, Profile: c.Profile, AddedAt: c.AddedAt})
	})
	if err != nil {
		return err
	}
	err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
		return x.groups.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{Office: o.ID}, p)
	}, x.collaboratorGroup)
	if err != nil {
		return err
	}
	err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
		return x.groups.ClientGroups(ctx, clientgroup.ClientGroupFilter{Office: o.ID}, p)
	}, x.clientGroup)
	if err != nil {
		return err
	}
	if err := each(ctx, x.dossiers(o.ID), x.dossier); err != nil {
		return err
	}
	err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]contact.Company, cabinet.Cursor, error) {
		return x.contacts.ListCompanies(ctx, o.ID, p)
	}, func(c contact.Company) error {
		return x.emit(Company{ID: c.ID, Office: c.Office, Name: c.Name, CreatedAt: c.CreatedAt})
	})
	if err != nil {
		return err
	}
	return each(ctx, x.officeContacts(o.ID), func(c contact.Contact) error {
		return x.emit(Contact{ID: c.ID, Office: c.Office, Kind: c.Kind, Status: c.Status, FirstName: c.FirstName,
			LastName: c.LastName, Email: c.Email, Phone: c.Phone, Company: c.Company, User: c.User,
			Archived: c.Archived, Dossier: c.Dossier, Person: c.Person, CreatedAt: c.CreatedAt,
			UpdatedAt: c.UpdatedAt, InvitedAt: c.InvitedAt})
	})
}

func (x *exporter) collaboratorGroup(g clientgroup.CollaboratorGroup) error {
	if err := x.emit(CollaboratorGroup{ID: g.ID, Office: g.Office, Name: g.Name, CreatedAt: g.CreatedAt}); err != nil {
		return err
	}
	return each(x.ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Member, cabinet.Cursor, error) {
		return x.groups.Members(ctx, clientgroup.MemberFilter{Group: g.ID}, p)
	}, func(m clientgroup.Member) error { return x.emit(Member{Group: m.Group, User: m.User}) })
}

func (x *exporter) clientGroup(g clientgroup.ClientGroup) error {
	ctx := x.ctx
	if err := x.emit(ClientGroup{ID: g.ID, Office: g.Office, Name: g.Name, Email: g.Email, CreatedAt: g.CreatedAt}); err != nil {
		return err
	}
	err := each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
		return x.groups.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{ClientGroup: g.ID}, p)
	}, func(a clientgroup.DirectAssignment) error {
		return x.emit(DirectAssignment{ClientGroup: a.ClientGroup, User: a.User, ExpiresAt: a.ExpiresAt})
	})
	if err != nil {
		return err
	}
	return each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
		return x.groups.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{ClientGroup: g.ID}, p)
	}, func(a clientgroup.GroupAssignment) error {
		return x.emit(GroupAssignment{ClientGroup: a.ClientGroup, CollaboratorGroup: a.CollaboratorGroup})
	})
}

// dossier emits d with its placement, then its tree, advisors, grants and
// consent switch.
func (x *exporter) dossier(d access.Dossier) error {
	ctx := x.ctx
	rec := Dossier{ID: d.ID, Office: d.Office, Name: d.Name, Status: d.Status, Manager: d.Manager,
		Assigned: slices.Clone(d.Assigned), CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	if len(rec.Assigned) == 0 {
		rec.Assigned = nil
	}
	if p, err := x.groups.Placement(ctx, d.ID); err == nil {
		rec.ClientGroup = p.ClientGroup
	} else if !errors.Is(err, cabinet.ErrNotFound) {
		return err
	}
	if err := x.emit(rec); err != nil {
		return err
	}
	err := each(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
		return x.access.Persons(ctx, access.PersonFilter{Dossier: d.ID}, p)
	}, func(p access.Person) error {
		return x.emit(Person{ID: p.ID, Dossier: p.Dossier, Name: p.Name, Relation: p.Relation, CreatedAt: p.CreatedAt})
	})
	if err != nil {
		return err
	}
	err = each(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Advisor, cabinet.Cursor, error) {
		return x.access.Advisors(ctx, access.AdvisorFilter{Dossier: d.ID}, p)
	}, func(a access.Advisor) error {
		return x.emit(Advisor{ID: a.ID, Dossier: a.Dossier, Name: a.Name, Email: a.Email, Phone: a.Phone,
			Type: a.Type, Label: a.Label, CreatedAt: a.CreatedAt})
	})
	if err != nil {
		return err
	}
	err = each(ctx, x.grants(d.ID), func(g access.Grant) error {
		r := Grant{ID: g.ID, Person: g.Person, Advisor: g.Advisor, Level: g.Level, GrantedBy: g.GrantedBy,
			GrantedAt: g.GrantedAt, InvitedAt: g.InvitedAt, Reminders: g.Reminders, ExpiresAt: g.ExpiresAt}
		if g.Kind == access.GranteePerson {
			r.Email, r.Phone = g.Email, g.Phone
		}
		return x.emit(r)
	})
	if err != nil {
		return err
	}
	c, err := x.team.DossierConsent(ctx, d.ID)
	if errors.Is(err, cabinet.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return x.emit(Consent{Dossier: c.Dossier, State: c.State, ChangedBy: c.ChangedBy, ChangedAt: c.ChangedAt})
}

func teamRecord(t team.Team) Team {
	r := Team{ID: t.ID, Name: t.Name, Lead: t.Lead, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, Pending: t.Pending}
	for _, m := range t.Members {
		r.Members = append(r.Members, TeamMember{User: m.User, Role: m.Role, JoinedAt: m.JoinedAt})
	}
	return r
}

func referralRecord(r team.Referral) Referral {
	return Referral{ID: r.ID, Team: r.Team, Referrer: r.Referrer, ClientName: r.ClientName,
		ClientEmail: r.ClientEmail, Dossier: r.Dossier, CreatedAt: r.CreatedAt}
}
