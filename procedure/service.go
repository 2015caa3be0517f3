package procedure

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

// Staff is what the service needs to know about an office's collaborators,
// as seen by a transaction of the store (clientgroup.Facts implements it).
type Staff interface {
	// Profile returns user's profile in office as seen by tx, or an error
	// wrapping cabinet.ErrNotFound when the office is unknown or the user is
	// not one of its collaborators.
	Profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error)
	// ReachesDossier reports whether user reaches dossier by an internal
	// route (GRP-3) as seen by tx.
	ReachesDossier(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (bool, error)
}

// Dossiers gives the facts of a dossier as seen by a transaction of the
// store (access.Facts implements it).
type Dossiers interface {
	// DossierFacts returns the dossier's facts as seen by tx, or an error
	// wrapping cabinet.ErrNotFound.
	DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error)
}

// Accounts finds the account of an email, so that a participant who already
// has an account is linked to it when seated (team.Facts implements it).
type Accounts interface {
	// UserByEmail returns the account with that email as seen by tx, or an
	// error wrapping cabinet.ErrNotFound when there is none.
	UserByEmail(ctx context.Context, tx cabinet.Tx, email string) (cabinet.User, error)
}

// Contacts gives a contact of an office as seen by a transaction of the
// store, so that a seat can be filled from an existing contact (issue 12,
// seed 004; contact.Facts implements it).
type Contacts interface {
	// Contact returns the contact, or an error wrapping cabinet.ErrNotFound.
	Contact(ctx context.Context, tx cabinet.Tx, id cabinet.ContactID) (contact.Contact, error)
}

// MaxCommentLength is the longest comment (of a participant or of a review)
// accepted, in characters (cabinet.ParseText).
const MaxCommentLength = 2000

// Service applies the procedure commands and answers the
// permission-checked reads. Create it with NewService; it is safe for
// concurrent use.
type Service struct {
	store    Store
	staff    Staff
	dossiers Dossiers
	accounts Accounts
	contacts Contacts
	o        cabinet.Options
}

var _ cabinet.AccountListener = (*Service)(nil)

// NewService returns a service keeping its state in store, learning about
// collaborators from staff, about dossiers from dossiers, about accounts
// from accounts and about the office's contacts from contacts, all asked
// inside the command's transaction. opts set the clock and the ID
// generator.
func NewService(store Store, staff Staff, dossiers Dossiers, accounts Accounts, contacts Contacts, opts ...cabinet.Option) *Service {
	return &Service{store: store, staff: staff, dossiers: dossiers, accounts: accounts, contacts: contacts, o: cabinet.NewOptions(opts...)}
}

// update is the one write path of the service: it runs fn in one
// UpdateProcedures transaction and records the events fn returned in that
// transaction, as one batch — for actor, or for host when host is set
// (host-driven work) (Options.Emit): the store's change log holds them
// from the commit on, and the host receives them from it
// (cabinet.Delivery), so none is lost and none bypasses the log (SPEC §3
// invariant 13). fn may run more than once (it returns its events instead
// of collecting them outside). It returns the committed revision (the
// current one when fn wrote nothing), or 0 and the error.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, host cabinet.Host, fn func(w Writer) ([]cabinet.Event, error)) (cabinet.Revision, error) {
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		events, err := fn(w)
		if err != nil {
			return err
		}
		if host != "" {
			return s.o.EmitHost(w.Tx(), host, events...)
		}
		return s.o.Emit(w.Tx(), actor, events...)
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}

func checkActor(actor cabinet.UserID) error {
	if actor == "" {
		return cabinet.Invalid("actor", "is required")
	}
	return nil
}

// ---------------------------------------------------------------- plans

// SetPlan sets the office's plan. It is host-driven work for the host's
// billing (host names it, e.g. "billing"; its batch carries it): the host
// calls it when a subscription changes. It returns the office's plan state
// as stored. Setting the plan the office already has changes nothing and
// publishes nothing. Losing platinum never removes a contributor (PROC-1).
// Errors: *cabinet.InvalidError for "host", "office" or "plan".
func (s *Service) SetPlan(ctx context.Context, host cabinet.Host, office cabinet.OfficeID, plan Plan) (OfficePlan, cabinet.Revision, error) {
	if err := host.Check(); err != nil {
		return OfficePlan{}, 0, err
	}
	if office == "" {
		return OfficePlan{}, 0, cabinet.Invalid("office", "is required")
	}
	if !plan.Valid() {
		return OfficePlan{}, 0, cabinet.Invalid("plan", "%s is not standard or platinum", plan)
	}
	var out OfficePlan
	rev, err := s.update(ctx, "", host, func(w Writer) ([]cabinet.Event, error) {
		p, err := planOf(ctx, w, office)
		if err != nil {
			return nil, err
		}
		out = p
		if p.Plan == plan {
			return nil, nil
		}
		p.Plan = plan
		if err := w.PutPlan(ctx, p); err != nil {
			return nil, err
		}
		out = p
		return []cabinet.Event{PlanChanged{Office: office, Plan: p.Plan, BoostersFrom: p.BoostersFrom, BoostersUntil: p.BoostersUntil}}, nil
	})
	if err != nil {
		return OfficePlan{}, 0, err
	}
	return out, rev, nil
}

// SetBoosters sets the active period [from, until) of the office's boosters
// add-on; two zero times remove the add-on. Host-driven (billing), like
// SetPlan; it returns the plan state as stored. Errors:
// *cabinet.InvalidError for "host", "office" or "boosters_until" (until
// not after from, or only one of them zero).
func (s *Service) SetBoosters(ctx context.Context, host cabinet.Host, office cabinet.OfficeID, from, until time.Time) (OfficePlan, cabinet.Revision, error) {
	if err := host.Check(); err != nil {
		return OfficePlan{}, 0, err
	}
	if office == "" {
		return OfficePlan{}, 0, cabinet.Invalid("office", "is required")
	}
	if from.IsZero() != until.IsZero() || (!from.IsZero() && !until.After(from)) {
		return OfficePlan{}, 0, cabinet.Invalid("boosters_until", "must be after the start of the boosters period")
	}
	from, until = from.UTC().Truncate(time.Microsecond), until.UTC().Truncate(time.Microsecond)
	var out OfficePlan
	rev, err := s.update(ctx, "", host, func(w Writer) ([]cabinet.Event, error) {
		p, err := planOf(ctx, w, office)
		if err != nil {
			return nil, err
		}
		out = p
		if p.BoostersFrom.Equal(from) && p.BoostersUntil.Equal(until) {
			return nil, nil
		}
		p.BoostersFrom, p.BoostersUntil = from, until
		if err := w.PutPlan(ctx, p); err != nil {
			return nil, err
		}
		out = p
		return []cabinet.Event{PlanChanged{Office: office, Plan: p.Plan, BoostersFrom: from, BoostersUntil: until}}, nil
	})
	if err != nil {
		return OfficePlan{}, 0, err
	}
	return out, rev, nil
}

// StartTrial starts the office's one free 7-day trial of the contributors
// option now (PROC-1). Only an admin of the office may (CanStartTrial). It
// returns the plan state as stored. Errors: *cabinet.InvalidError
// ("actor", "office"); *cabinet.ForbiddenError naming PROC-1 when actor is
// not an admin of the office; *cabinet.ConflictError naming PROC-1 when the
// office already started its trial (once per office, even if it has
// ended).
func (s *Service) StartTrial(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID) (OfficePlan, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return OfficePlan{}, 0, err
	}
	if office == "" {
		return OfficePlan{}, 0, cabinet.Invalid("office", "is required")
	}
	var out OfficePlan
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		prof, err := s.profile(ctx, w.Tx(), office, actor)
		if err != nil {
			return nil, err
		}
		p, err := planOf(ctx, w, office)
		if err != nil {
			return nil, err
		}
		if err := CanStartTrial(prof, p); err != nil {
			return nil, err
		}
		now := s.o.Now()
		p.TrialStartedAt, p.TrialStartedBy = now, actor
		if err := w.PutPlan(ctx, p); err != nil {
			return nil, err
		}
		out = p
		return []cabinet.Event{TrialStarted{Office: office, StartedBy: actor, StartedAt: now, EndsAt: p.TrialEndsAt()}}, nil
	})
	if err != nil {
		return OfficePlan{}, 0, err
	}
	return out, rev, nil
}

func planOf(ctx context.Context, r Reader, office cabinet.OfficeID) (OfficePlan, error) {
	p, err := r.Plan(ctx, office)
	if errors.Is(err, cabinet.ErrNotFound) {
		return OfficePlan{Office: office, Plan: PlanStandard}, nil
	}
	return p, err
}

// ---------------------------------------------------------------- procedures

// CreateProcedure creates a procedure of office with its main recipient
// role named mainRole, which has every permission (PROC-2). Only an admin of
// the office may (CanConfigure). It returns the procedure as stored.
// Errors: *cabinet.InvalidError ("actor", "office", "name", "main_role");
// *cabinet.ForbiddenError naming PROC-2.
func (s *Service) CreateProcedure(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name, mainRole string) (Procedure, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Procedure{}, 0, err
	}
	if office == "" {
		return Procedure{}, 0, cabinet.Invalid("office", "is required")
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Procedure{}, 0, err
	}
	mainRole, err = cabinet.ParseName("main_role", mainRole)
	if err != nil {
		return Procedure{}, 0, err
	}
	id := cabinet.NewID[cabinet.ProcedureID](s.o.IDs, "proc")
	roleID := cabinet.NewID[RoleID](s.o.IDs, "role")
	var out Procedure
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		prof, err := s.profile(ctx, w.Tx(), office, actor)
		if err != nil {
			return nil, err
		}
		if err := CanConfigure(prof); err != nil {
			return nil, err
		}
		p := Procedure{
			ID: id, Office: office, Name: name,
			Roles:     []Role{{ID: roleID, Name: mainRole, Main: true, Permissions: AllPermissions}},
			CreatedBy: actor, CreatedAt: s.o.Now(),
		}
		if err := w.PutProcedure(ctx, p); err != nil {
			return nil, err
		}
		out = p
		return []cabinet.Event{ProcedureCreated{Office: office, Procedure: p.ID, Name: name, MainRole: p.Roles[0]}}, nil
	})
	if err != nil {
		return Procedure{}, 0, err
	}
	return out, rev, nil
}

// configure runs a configuration command through update: the procedure must
// exist and the actor be an admin of its office (CanConfigure, PROC-2);
// then fn edits the procedure and returns its events; the procedure is
// written only when fn returns events. It returns the procedure as stored.
func (s *Service) configure(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, fn func(w Writer, p *Procedure) ([]cabinet.Event, error)) (Procedure, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Procedure{}, 0, err
	}
	var out Procedure
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Procedure(ctx, proc)
		if err != nil {
			return nil, err
		}
		prof, err := s.profile(ctx, w.Tx(), p.Office, actor)
		if err != nil {
			return nil, err
		}
		if err := CanConfigure(prof); err != nil {
			return nil, err
		}
		events, err := fn(w, &p)
		if err != nil {
			return nil, err
		}
		if len(events) > 0 {
			if err := w.PutProcedure(ctx, p); err != nil {
				return nil, err
			}
		}
		out = p
		return events, nil
	})
	if err != nil {
		return Procedure{}, 0, err
	}
	return out, rev, nil
}

// AddRole adds a contributor role named name with permissions perms to the
// procedure (PROC-2, PROC-4). Only an admin of the office (PROC-2), while the
// contributors option is available (PROC-1). It returns the new role.
// Errors: *cabinet.InvalidError ("actor", "name", "permissions": a set with
// upload, comment or submit but no view is invalid); ErrNotFound
// (procedure); *cabinet.ForbiddenError naming PROC-2 or PROC-1;
// *cabinet.ConflictError naming PROC-2 when a role of the procedure already
// has that name (ignoring case).
func (s *Service) AddRole(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, name string, perms Permissions) (Role, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Role{}, 0, err
	}
	if !perms.Valid() {
		return Role{}, 0, cabinet.Invalid("permissions", "%s is not a valid permission set (acting on an item needs view)", perms)
	}
	role := Role{ID: cabinet.NewID[RoleID](s.o.IDs, "role"), Name: name, Permissions: perms}
	_, rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) ([]cabinet.Event, error) {
		if err := s.premium(ctx, w, p.Office); err != nil {
			return nil, err
		}
		if err := uniqueRoleName(*p, "", name); err != nil {
			return nil, err
		}
		p.Roles = append(p.Roles, role)
		return []cabinet.Event{RoleAdded{Office: p.Office, Procedure: p.ID, Role: role}}, nil
	})
	if err != nil {
		return Role{}, 0, err
	}
	return role, rev, nil
}

// RenameRole renames a role. Only an admin of the office (PROC-2); renaming a
// contributor role needs the contributors option (PROC-1), renaming the main
// recipient role does not. Renaming to the current name changes nothing.
// It returns the role as stored. Errors: *cabinet.InvalidError ("actor",
// "name"); ErrNotFound (procedure, role); *cabinet.ForbiddenError naming
// PROC-2 or PROC-1; *cabinet.ConflictError naming PROC-2 for a duplicate
// name.
func (s *Service) RenameRole(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, role RoleID, name string) (Role, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Role{}, 0, err
	}
	var out Role
	_, rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) ([]cabinet.Event, error) {
		i := slices.IndexFunc(p.Roles, func(r Role) bool { return r.ID == role })
		if i < 0 {
			return nil, cabinet.NotFound("role", role)
		}
		if !p.Roles[i].Main {
			if err := s.premium(ctx, w, p.Office); err != nil {
				return nil, err
			}
		}
		out = p.Roles[i]
		if p.Roles[i].Name == name {
			return nil, nil
		}
		if err := uniqueRoleName(*p, role, name); err != nil {
			return nil, err
		}
		ev := RoleRenamed{Office: p.Office, Procedure: p.ID, Role: role, OldName: p.Roles[i].Name, Name: name}
		p.Roles[i].Name = name
		out = p.Roles[i]
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return Role{}, 0, err
	}
	return out, rev, nil
}

// RemoveRole removes a contributor role. Only an admin of the office
// (PROC-2), while the contributors option is available (PROC-1). Errors:
// *cabinet.InvalidError ("actor"); ErrNotFound (procedure, role);
// *cabinet.ForbiddenError naming PROC-2 (the main recipient role cannot be
// removed), PROC-2 or PROC-1; *cabinet.ConflictError naming PROC-3 while
// items are assigned to the role, or PROC-5 while a case has a contributor
// in it.
func (s *Service) RemoveRole(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, role RoleID) (cabinet.Revision, error) {
	_, rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) ([]cabinet.Event, error) {
		i := slices.IndexFunc(p.Roles, func(r Role) bool { return r.ID == role })
		if i < 0 {
			return nil, cabinet.NotFound("role", role)
		}
		if p.Roles[i].Main {
			return nil, cabinet.Forbidden("PROC-2", "the main recipient role cannot be removed")
		}
		if err := s.premium(ctx, w, p.Office); err != nil {
			return nil, err
		}
		for _, it := range p.Items {
			if it.Role == role {
				return nil, cabinet.Conflict("PROC-3", "item %q is still assigned to role %q", it.Name, p.Roles[i].Name)
			}
		}
		if err := eachCase(ctx, w, CaseFilter{Procedure: p.ID}, func(c Case) error {
			if _, ok := c.Contributor(role); ok {
				return cabinet.Conflict("PROC-5", "case %s still has a contributor in role %q", c.ID, p.Roles[i].Name)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		ev := RoleRemoved{Office: p.Office, Procedure: p.ID, Role: role, Name: p.Roles[i].Name}
		p.Roles = slices.Delete(p.Roles, i, i+1)
		return []cabinet.Event{ev}, nil
	})
	return rev, err
}

// SetRolePermissions sets a role's permission set (PROC-4). Only an admin of
// the office (PROC-2); for a contributor role, only while the contributors
// option is available (PROC-1). Setting the current set changes nothing.
// It returns the role as stored. Errors: *cabinet.InvalidError ("actor",
// "permissions"); ErrNotFound (procedure, role); *cabinet.ForbiddenError
// naming PROC-2 or PROC-1.
func (s *Service) SetRolePermissions(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, role RoleID, perms Permissions) (Role, cabinet.Revision, error) {
	if !perms.Valid() {
		return Role{}, 0, cabinet.Invalid("permissions", "%s is not a valid permission set (acting on an item needs view)", perms)
	}
	var out Role
	_, rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) ([]cabinet.Event, error) {
		i := slices.IndexFunc(p.Roles, func(r Role) bool { return r.ID == role })
		if i < 0 {
			return nil, cabinet.NotFound("role", role)
		}
		if !p.Roles[i].Main {
			if err := s.premium(ctx, w, p.Office); err != nil {
				return nil, err
			}
		}
		out = p.Roles[i]
		if out.Permissions == perms {
			return nil, nil
		}
		ev := RolePermissionsChanged{Office: p.Office, Procedure: p.ID, Role: role, Old: out.Permissions, Permissions: perms}
		p.Roles[i].Permissions = perms
		out = p.Roles[i]
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return Role{}, 0, err
	}
	return out, rev, nil
}

// AddItem adds a document item named name, assigned to role ("" for the
// main recipient role, the default; PROC-3). Only an admin of the office
// (PROC-2); assigning it to a contributor role needs the contributors option
// (PROC-1). It returns the new item. Errors: *cabinet.InvalidError
// ("actor", "name"); ErrNotFound (procedure, role); *cabinet.ForbiddenError
// naming PROC-2 or PROC-1.
func (s *Service) AddItem(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, name string, role RoleID) (Item, cabinet.Revision, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Item{}, 0, err
	}
	id := cabinet.NewID[ItemID](s.o.IDs, "item")
	var out Item
	_, rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) ([]cabinet.Event, error) {
		r, err := s.assignable(ctx, w, *p, role)
		if err != nil {
			return nil, err
		}
		out = Item{ID: id, Name: name, Role: r.ID}
		p.Items = append(p.Items, out)
		return []cabinet.Event{ItemAdded{Office: p.Office, Procedure: p.ID, Item: out}}, nil
	})
	if err != nil {
		return Item{}, 0, err
	}
	return out, rev, nil
}

// ReassignItem assigns the item to role ("" for the main recipient role).
// From the commit on, only that role's participants see and act on it, on
// every case of the procedure (PROC-3, invariant 6). Only an admin of the
// office (PROC-2); assigning to a contributor role needs the contributors
// option (PROC-1), giving an item back to the main recipient does not.
// Reassigning to the current role changes nothing. It returns the item as
// stored. Errors: *cabinet.InvalidError ("actor"); ErrNotFound (procedure,
// item, role); *cabinet.ForbiddenError naming PROC-2 or PROC-1.
func (s *Service) ReassignItem(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, item ItemID, role RoleID) (Item, cabinet.Revision, error) {
	var out Item
	_, rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) ([]cabinet.Event, error) {
		i := slices.IndexFunc(p.Items, func(it Item) bool { return it.ID == item })
		if i < 0 {
			return nil, cabinet.NotFound("item", item)
		}
		r, err := s.assignable(ctx, w, *p, role)
		if err != nil {
			return nil, err
		}
		out = p.Items[i]
		if out.Role == r.ID {
			return nil, nil
		}
		ev := ItemReassigned{Office: p.Office, Procedure: p.ID, Item: item, From: out.Role, To: r.ID}
		p.Items[i].Role = r.ID
		out = p.Items[i]
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return Item{}, 0, err
	}
	return out, rev, nil
}

// SetAutomation configures (enabled) or removes the procedure's notification
// automation: while it is configured, every invited contributor gets the
// invitation email (PROC-6). Only an admin of the office (PROC-2). Setting
// the current value changes nothing. It returns the procedure as stored.
// Errors: *cabinet.InvalidError ("actor"); ErrNotFound (procedure);
// *cabinet.ForbiddenError naming PROC-2.
func (s *Service) SetAutomation(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, enabled bool) (Procedure, cabinet.Revision, error) {
	return s.configure(ctx, actor, proc, func(_ Writer, p *Procedure) ([]cabinet.Event, error) {
		if p.Automation == enabled {
			return nil, nil
		}
		p.Automation = enabled
		return []cabinet.Event{AutomationSet{Office: p.Office, Procedure: p.ID, Enabled: enabled}}, nil
	})
}

// assignable returns the role an item may be assigned to: the main role for
// "", else the named role; a contributor role needs the option (PROC-1).
func (s *Service) assignable(ctx context.Context, r Reader, p Procedure, role RoleID) (Role, error) {
	if role == "" {
		return p.MainRole(), nil
	}
	rr, ok := p.Role(role)
	if !ok {
		return Role{}, cabinet.NotFound("role", role)
	}
	if !rr.Main {
		if err := s.premium(ctx, r, p.Office); err != nil {
			return Role{}, err
		}
	}
	return rr, nil
}

func uniqueRoleName(p Procedure, except RoleID, name string) error {
	for _, r := range p.Roles {
		if r.ID != except && strings.EqualFold(r.Name, name) {
			return cabinet.Conflict("PROC-2", "the procedure already has a role named %q", r.Name)
		}
	}
	return nil
}

// premium checks PROC-1 for office at the service's current time, inside a
// transaction.
func (s *Service) premium(ctx context.Context, r Reader, office cabinet.OfficeID) error {
	p, err := planOf(ctx, r, office)
	if err != nil {
		return err
	}
	return PremiumAvailable(p, s.o.Now())
}

// ---------------------------------------------------------------- cases

// seatFor resolves who a seat goes to: the office's contact it names
// (CanSeatContact) or the typed-in details (already validated), linked to
// their account when the email has one. The participant is returned
// without role, adder nor dates.
func (s *Service) seatFor(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, who Invitee) (Participant, error) {
	p := Participant{Email: who.Email, Name: who.Name, Phone: who.Phone}
	if who.Contact != "" {
		c, err := s.contacts.Contact(ctx, tx, who.Contact)
		if err != nil {
			return Participant{}, err
		}
		if err := CanSeatContact(office, c); err != nil {
			return Participant{}, err
		}
		p = Participant{Email: c.Email, Name: c.Name(), Phone: c.Phone, Contact: c.ID}
	}
	user, err := s.accountOf(ctx, tx, p.Email)
	if err != nil {
		return Participant{}, err
	}
	p.User = user
	return p, nil
}

// OpenCase opens a case of the procedure for the main recipient, attached
// to dossier (or unattached when dossier is ""; PROC-5). The recipient is
// an existing contact of the office or typed-in details (an email, and
// optionally a name and a phone: ValidateInvitee with prefix "recipient_"),
// linked to their account at once if they have one. The actor must be a
// collaborator of the procedure's office who reaches the dossier, which
// must belong to the same office and not be archived (CanOpenCase). It
// returns the case as stored. Errors: *cabinet.InvalidError ("actor",
// "recipient_email", "recipient_name", "recipient_phone",
// "recipient_contact"); ErrNotFound (procedure; dossier unknown or of
// another office; contact); *cabinet.ForbiddenError naming PROC-7, or
// CON-3/CON-4 for an unusable contact; *cabinet.ConflictError naming
// ACC-12 (archived dossier).
func (s *Service) OpenCase(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, dossier cabinet.DossierID, recipient Invitee) (Case, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Case{}, 0, err
	}
	recipient, err := ValidateInvitee("recipient_", recipient)
	if err != nil {
		return Case{}, 0, err
	}
	id := cabinet.NewID[cabinet.CaseID](s.o.IDs, "case")
	var out Case
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Procedure(ctx, proc)
		if err != nil {
			return nil, err
		}
		prof, err := s.profile(ctx, w.Tx(), p.Office, actor)
		if err != nil {
			return nil, err
		}
		var d cabinet.DossierFacts
		reaches := false
		if dossier != "" && prof.Valid() {
			if d, err = s.dossiers.DossierFacts(ctx, w.Tx(), dossier); err != nil {
				return nil, err
			}
			if d.Office == p.Office {
				if reaches, err = s.staff.ReachesDossier(ctx, w.Tx(), actor, dossier); err != nil {
					return nil, err
				}
			}
		}
		if err := CanOpenCase(p, actor, prof, d, reaches); err != nil {
			return nil, err
		}
		seat, err := s.seatFor(ctx, w.Tx(), p.Office, recipient)
		if err != nil {
			return nil, err
		}
		now := s.o.Now()
		seat.Role, seat.AddedBy, seat.AddedAt = p.MainRole().ID, actor, now
		if seat.User != "" {
			seat.LinkedAt = now
		}
		c := Case{ID: id, Office: p.Office, Procedure: p.ID, Dossier: dossier, OpenedBy: actor, OpenedAt: now, Recipient: seat}
		if err := w.PutCase(ctx, c); err != nil {
			return nil, err
		}
		out = c
		return []cabinet.Event{CaseOpened{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, OpenedBy: actor, Recipient: c.Recipient}}, nil
	})
	if err != nil {
		return Case{}, 0, err
	}
	return out, rev, nil
}

// InviteContributor seats a contributor in the contributor role of the case
// (PROC-5): one contributor per role; who is an existing contact of the
// office or typed-in details (an email, optionally a name and a phone;
// issue 12, seed 004). Staff who reach the case may, while the contributors
// option is available and the case is not read-only (CanInviteContributor:
// PROC-7, ACC-12, PROC-1). The invitation is to be sent (event
// ContributorInvited, NotifiedAt set) when the procedure has a notification
// automation or notify is true; otherwise the contributor is added silently
// (event ContributorAddedSilently) (PROC-6). It returns the seat as
// stored. Errors: *cabinet.InvalidError ("actor", "role", "email", "name",
// "phone", "contact"); ErrNotFound (case, role, contact);
// *cabinet.ForbiddenError naming PROC-7 or PROC-1, or CON-3/CON-4 for an
// unusable contact; *cabinet.ConflictError naming ACC-12, or PROC-5 when
// the role is the main recipient's, the seat is filled, or the person
// already holds a seat on the case.
func (s *Service) InviteContributor(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID, who Invitee, notify bool) (Participant, cabinet.Revision, error) {
	return s.seat(ctx, actor, id, role, who, notify, false)
}

// ReplaceContributor gives the seat of role to who, in one step; the
// previous contributor loses the seat. Same access, option and PROC-6 rules
// as InviteContributor. Errors: as InviteContributor, plus ErrNotFound
// ("contributor") when the seat is empty.
func (s *Service) ReplaceContributor(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID, who Invitee, notify bool) (Participant, cabinet.Revision, error) {
	return s.seat(ctx, actor, id, role, who, notify, true)
}

func (s *Service) seat(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID, who Invitee, notify, replace bool) (Participant, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Participant{}, 0, err
	}
	if role == "" {
		return Participant{}, 0, cabinet.Invalid("role", "is required")
	}
	who, err := ValidateInvitee("", who)
	if err != nil {
		return Participant{}, 0, err
	}
	var out Participant
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		c, err := w.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		f, err := s.caseFacts(ctx, w, actor, c, true)
		if err != nil {
			return nil, err
		}
		plan, err := planOf(ctx, w, c.Office)
		if err != nil {
			return nil, err
		}
		now := s.o.Now()
		if err := CanInviteContributor(c, actor, f.profile, f.reaches, f.status, plan, now); err != nil {
			return nil, err
		}
		p, err := w.Procedure(ctx, c.Procedure)
		if err != nil {
			return nil, err
		}
		r, ok := p.Role(role)
		if !ok {
			return nil, cabinet.NotFound("role", role)
		}
		if r.Main {
			return nil, cabinet.Conflict("PROC-5", "the main recipient is seated when the case is opened")
		}
		old, filled := c.Contributor(role)
		switch {
		case replace && !filled:
			return nil, cabinet.NotFound("contributor", role)
		case !replace && filled:
			return nil, cabinet.Conflict("PROC-5", "role %q already has a contributor on this case", r.Name)
		}
		np, err := s.seatFor(ctx, w.Tx(), c.Office, who)
		if err != nil {
			return nil, err
		}
		for _, seat := range c.Seats() {
			if seat.Role == role && replace {
				if cabinet.EqualEmails(seat.Email, np.Email) {
					return nil, cabinet.Conflict("PROC-5", "%s already holds this seat", np.Email)
				}
				continue
			}
			if cabinet.EqualEmails(seat.Email, np.Email) || (np.User != "" && seat.User == np.User) {
				return nil, cabinet.Conflict("PROC-5", "%s already holds a seat on this case", np.Email)
			}
		}
		sent := p.Automation || notify
		np.Role, np.AddedBy, np.AddedAt, np.Invited = role, actor, now, sent
		if sent {
			np.NotifiedAt = now
		}
		if np.User != "" {
			np.LinkedAt = now
		}
		c.Contributors = slices.DeleteFunc(c.Contributors, func(q Participant) bool { return q.Role == role })
		c.Contributors = append(c.Contributors, np)
		slices.SortFunc(c.Contributors, func(a, b Participant) int { return strings.Compare(string(a.Role), string(b.Role)) })
		if err := w.PutCase(ctx, c); err != nil {
			return nil, err
		}
		out = np
		switch {
		case replace:
			return []cabinet.Event{ContributorReplaced{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Old: old, New: np, InvitationSent: sent}}, nil
		case sent:
			return []cabinet.Event{ContributorInvited{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: np, ByAutomation: p.Automation, NotifyTicked: notify}}, nil
		default:
			return []cabinet.Event{ContributorAddedSilently{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: np}}, nil
		}
	})
	if err != nil {
		return Participant{}, 0, err
	}
	return out, rev, nil
}

// RemoveContributor empties the seat of role on the case. Staff who reach the
// case may, unless the case is read-only (CanManageSeats: PROC-7, ACC-12);
// the contributors option is not needed (withdrawing is always possible).
// Errors: *cabinet.InvalidError ("actor", "role"); ErrNotFound (case,
// "contributor" when the seat is empty); *cabinet.ForbiddenError naming
// PROC-7; *cabinet.ConflictError naming ACC-12.
func (s *Service) RemoveContributor(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID) (cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	if role == "" {
		return 0, cabinet.Invalid("role", "is required")
	}
	return s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		c, err := w.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		f, err := s.caseFacts(ctx, w, actor, c, true)
		if err != nil {
			return nil, err
		}
		if err := CanManageSeats(c, actor, f.profile, f.reaches, f.status); err != nil {
			return nil, err
		}
		old, ok := c.Contributor(role)
		if !ok {
			return nil, cabinet.NotFound("contributor", role)
		}
		c.Contributors = slices.DeleteFunc(c.Contributors, func(q Participant) bool { return q.Role == role })
		if err := w.PutCase(ctx, c); err != nil {
			return nil, err
		}
		return []cabinet.Event{ContributorRemoved{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: old}}, nil
	})
}

// ---------------------------------------------------------------- items

// Upload adds a document named document to the item on the case. Only a
// participant whose role the item is assigned to (PROC-3) and whose role has
// upload (PROC-4), on a case that is not read-only (ACC-12): CanActOnItem.
// The premium option is never needed (PROC-1: existing contributors keep
// what they had). It returns the item's state as the participant sees it
// (RedactItemState). Errors: *cabinet.InvalidError ("actor", "document");
// ErrNotFound (case, item); *cabinet.ForbiddenError naming PROC-3 or
// PROC-4; *cabinet.ConflictError naming ACC-12, or when the item was
// already submitted.
func (s *Service) Upload(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, document string) (ItemState, cabinet.Revision, error) {
	name, err := cabinet.ParseName("document", document)
	if err != nil {
		return ItemState{}, 0, err
	}
	return s.onItem(ctx, actor, id, item, PermUpload, func(c Case, st *ItemState, role RoleID, now time.Time) (cabinet.Event, error) {
		if st.Submitted() {
			return nil, cabinet.Conflict("", "the item was already submitted")
		}
		d := Document{Name: name, By: actor, At: now}
		st.Documents = append(st.Documents, d)
		return ItemUploaded{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: role, Document: d}, nil
	})
}

// Comment adds a comment to the item on the case. Only a participant whose
// role the item is assigned to (PROC-3) and whose role has comment (PROC-4),
// on a case that is not read-only (ACC-12): CanActOnItem. The text goes
// through cabinet.ParseText (at most MaxCommentLength characters). It
// returns the item's state as the participant sees it. Errors:
// *cabinet.InvalidError ("actor", "text"); ErrNotFound (case, item);
// *cabinet.ForbiddenError naming PROC-3 or PROC-4; *cabinet.ConflictError
// naming ACC-12.
func (s *Service) Comment(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, text string) (ItemState, cabinet.Revision, error) {
	text, err := cabinet.ParseText("text", text, MaxCommentLength)
	if err != nil {
		return ItemState{}, 0, err
	}
	return s.onItem(ctx, actor, id, item, PermComment, func(c Case, st *ItemState, role RoleID, now time.Time) (cabinet.Event, error) {
		cm := Comment{Text: text, By: actor, At: now}
		st.Comments = append(st.Comments, cm)
		return ItemCommented{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: role, Comment: cm}, nil
	})
}

// Submit submits the item on the case as complete. Only a participant whose
// role the item is assigned to (PROC-3) and whose role has submit (PROC-4),
// on a case that is not read-only (ACC-12): CanActOnItem. It returns the
// item's state as the participant sees it. Errors: *cabinet.InvalidError
// ("actor"); ErrNotFound (case, item); *cabinet.ForbiddenError naming
// PROC-3 or PROC-4; *cabinet.ConflictError naming ACC-12, or when the item
// has no document or is already submitted.
func (s *Service) Submit(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID) (ItemState, cabinet.Revision, error) {
	return s.onItem(ctx, actor, id, item, PermSubmit, func(c Case, st *ItemState, role RoleID, now time.Time) (cabinet.Event, error) {
		if st.Submitted() {
			return nil, cabinet.Conflict("", "the item was already submitted")
		}
		if len(st.Documents) == 0 {
			return nil, cabinet.Conflict("", "the item has no document to submit")
		}
		st.SubmittedBy, st.SubmittedAt = actor, now
		return ItemSubmitted{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: role, SubmittedBy: actor, SubmittedAt: now}, nil
	})
}

// onItem runs a participant's item command through update: CanActOnItem
// with the dossier's status of the transaction, then fn on the item's
// state. It returns the state as the actor sees it.
func (s *Service) onItem(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, perm Permission, fn func(c Case, st *ItemState, role RoleID, now time.Time) (cabinet.Event, error)) (ItemState, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return ItemState{}, 0, err
	}
	var out ItemState
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		c, err := w.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		p, err := w.Procedure(ctx, c.Procedure)
		if err != nil {
			return nil, err
		}
		status, err := s.dossierStatus(ctx, w.Tx(), c)
		if err != nil {
			return nil, err
		}
		if err := CanActOnItem(p, c, actor, item, perm, status); err != nil {
			return nil, err
		}
		it, _ := p.Item(item)
		st := stateOf(&c, item)
		ev, err := fn(c, st, it.Role, s.o.Now())
		if err != nil {
			return nil, err
		}
		if err := w.PutCase(ctx, c); err != nil {
			return nil, err
		}
		out = RedactItemState(*st, actor)
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return ItemState{}, 0, err
	}
	return out, rev, nil
}

// stateOf returns a pointer to the state of item in c.Items, adding an
// empty one (kept ordered by item ID) if nothing happened on it yet.
func stateOf(c *Case, item ItemID) *ItemState {
	i, found := slices.BinarySearchFunc(c.Items, item, func(st ItemState, id ItemID) int { return strings.Compare(string(st.Item), string(id)) })
	if !found {
		c.Items = slices.Insert(c.Items, i, ItemState{Item: item})
	}
	return &c.Items[i]
}

// ReviewItem records a staff review of a submitted item of the case (PROC-7
// v2): accepted (the item is complete) or rejected (the item is reopened:
// its submission is cleared, its documents stay, and the participant may
// upload and submit again), with an optional comment (cabinet.ParseText, at
// most MaxCommentLength characters; "" for none). Staff who reach the case
// may, unless it is read-only (CanReviewItem: PROC-7, ACC-12); the premium
// option is not needed. It returns the item's state as stored. Errors:
// *cabinet.InvalidError ("actor", "verdict", "comment"); ErrNotFound (case,
// item); *cabinet.ForbiddenError naming PROC-7; *cabinet.ConflictError
// naming ACC-12, or when the item is not submitted or already accepted.
func (s *Service) ReviewItem(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, verdict Verdict, comment string) (ItemState, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return ItemState{}, 0, err
	}
	if !verdict.Valid() {
		return ItemState{}, 0, cabinet.Invalid("verdict", "%s is not accepted or rejected", verdict)
	}
	if strings.TrimSpace(comment) != "" {
		var err error
		if comment, err = cabinet.ParseText("comment", comment, MaxCommentLength); err != nil {
			return ItemState{}, 0, err
		}
	} else {
		comment = ""
	}
	var out ItemState
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		c, err := w.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		p, err := w.Procedure(ctx, c.Procedure)
		if err != nil {
			return nil, err
		}
		f, err := s.caseFacts(ctx, w, actor, c, true)
		if err != nil {
			return nil, err
		}
		if err := CanReviewItem(p, c, actor, item, f.profile, f.reaches, f.status); err != nil {
			return nil, err
		}
		st := stateOf(&c, item)
		switch {
		case st.Accepted():
			return nil, cabinet.Conflict("", "the item was already accepted")
		case !st.Submitted():
			return nil, cabinet.Conflict("", "only a submitted item is reviewed")
		}
		now := s.o.Now()
		it, _ := p.Item(item)
		ev := ItemReviewed{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: it.Role,
			Verdict: verdict, Comment: comment, ReviewedBy: actor, ReviewedAt: now, SubmittedBy: st.SubmittedBy, Reopened: verdict == VerdictRejected}
		st.Reviews = append(st.Reviews, Review{Verdict: verdict, Comment: comment, By: actor, At: now})
		if verdict == VerdictRejected {
			st.SubmittedBy, st.SubmittedAt = "", time.Time{}
		}
		out = *st
		out.Documents, out.Comments, out.Reviews = slices.Clone(st.Documents), slices.Clone(st.Comments), slices.Clone(st.Reviews)
		if err := w.PutCase(ctx, c); err != nil {
			return nil, err
		}
		return []cabinet.Event{ev}, nil
	})
	if err != nil {
		return ItemState{}, 0, err
	}
	return out, rev, nil
}

// ---------------------------------------------------------------- accounts

// AccountCreated implements cabinet.AccountListener, inside the
// transaction tx that creates account u: every seat (main recipient or
// contributor) held by u's email (cabinet.EqualEmails) and not yet linked
// becomes u's, with a ParticipantLinked event each, returned for the
// account's batch — also on a case of an archived dossier (linking an
// identity changes no content, and viewing stays allowed there). Idempotent:
// a second call links nothing. Only the account-creating service
// (team.Service) calls it. Errors: *cabinet.InvalidError ("user", "tx");
// the store's.
func (s *Service) AccountCreated(ctx context.Context, tx cabinet.Tx, u cabinet.User) ([]cabinet.Event, error) {
	if u.ID == "" || strings.TrimSpace(u.Email) == "" {
		return nil, cabinet.Invalid("user", "needs an ID and an email")
	}
	w, err := s.store.ProcedureWriter(tx)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	var cases []Case
	if err := eachCase(ctx, w, CaseFilter{Email: u.Email}, func(c Case) error {
		cases = append(cases, c)
		return nil
	}); err != nil {
		return nil, err
	}
	var events []cabinet.Event
	for _, c := range cases {
		changed := false
		link := func(p *Participant, main bool) {
			if p.User == "" && cabinet.EqualEmails(p.Email, u.Email) {
				p.User, p.LinkedAt = u.ID, now
				changed = true
				events = append(events, ParticipantLinked{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Role: p.Role, Main: main, Email: p.Email, User: u.ID})
			}
		}
		link(&c.Recipient, true)
		for i := range c.Contributors {
			link(&c.Contributors[i], false)
		}
		if changed {
			if err := w.PutCase(ctx, c); err != nil {
				return nil, err
			}
		}
	}
	return events, nil
}

// ---------------------------------------------------------------- helpers

// profile returns actor's profile in office as seen by tx,
// cabinet.ProfileInvalid when actor is not a collaborator of it.
func (s *Service) profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, actor cabinet.UserID) (cabinet.Profile, error) {
	if actor == "" {
		return cabinet.ProfileInvalid, nil
	}
	p, err := s.staff.Profile(ctx, tx, office, actor)
	if errors.Is(err, cabinet.ErrNotFound) {
		return cabinet.ProfileInvalid, nil
	}
	if err != nil {
		return cabinet.ProfileInvalid, err
	}
	return p, nil
}

// caseFacts are the facts of other packages that decide a staff member's
// access to a case and whether it may change.
type caseFacts struct {
	profile cabinet.Profile
	reaches bool
	status  cabinet.DossierStatus // DossierStatusInvalid for an unattached case
}

// caseFacts reads, as seen by r, user's profile in c's office, whether they
// reach c's dossier internally, and — when status is set, for a command —
// that dossier's status.
func (s *Service) caseFacts(ctx context.Context, r Reader, user cabinet.UserID, c Case, status bool) (caseFacts, error) {
	var f caseFacts
	var err error
	if f.profile, err = s.profile(ctx, r.Tx(), c.Office, user); err != nil {
		return f, err
	}
	if c.Dossier != "" && f.profile.Valid() {
		if f.reaches, err = s.staff.ReachesDossier(ctx, r.Tx(), user, c.Dossier); err != nil {
			return f, err
		}
	}
	if status {
		f.status, err = s.dossierStatus(ctx, r.Tx(), c)
	}
	return f, err
}

// dossierStatus returns the status of c's dossier as seen by tx,
// DossierStatusInvalid for an unattached case.
func (s *Service) dossierStatus(ctx context.Context, tx cabinet.Tx, c Case) (cabinet.DossierStatus, error) {
	if c.Dossier == "" {
		return cabinet.DossierStatusInvalid, nil
	}
	d, err := s.dossiers.DossierFacts(ctx, tx, c.Dossier)
	if err != nil {
		return cabinet.DossierStatusInvalid, err
	}
	return d.Status, nil
}

func (s *Service) accountOf(ctx context.Context, tx cabinet.Tx, email string) (cabinet.UserID, error) {
	u, err := s.accounts.UserByEmail(ctx, tx, email)
	if errors.Is(err, cabinet.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// eachCase calls fn on every case matching f, page by page.
func eachCase(ctx context.Context, r Reader, f CaseFilter, fn func(Case) error) error {
	for c, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]Case, cabinet.Cursor, error) {
		return r.ListCases(ctx, f, p)
	}) {
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}
