package procedure

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cabinet-go/cabinet"
)

// Staff is what the service needs to know about an office's collaborators.
// clientgroup.Service implements it.
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

// MaxCommentLength is the longest comment accepted, in characters.
const MaxCommentLength = 2000

// Service applies the procedure commands. Create it with NewService; it is
// safe for concurrent use.
type Service struct {
	store    Store
	staff    Staff
	dossiers Dossiers
	accounts Accounts
	o        cabinet.Options
}

var _ cabinet.AccountListener = (*Service)(nil)

// NewService returns a service keeping its state in store, learning about
// collaborators from staff, about dossiers from dossiers and about accounts
// from accounts. opts set the clock, the ID generator and the event sink.
func NewService(store Store, staff Staff, dossiers Dossiers, accounts Accounts, opts ...cabinet.Option) *Service {
	return &Service{store: store, staff: staff, dossiers: dossiers, accounts: accounts, o: cabinet.NewOptions(opts...)}
}

// ---------------------------------------------------------------- plans

// OfficePlan returns the office's plan state: the stored one, or PlanStandard
// without boosters nor trial when none was stored. Anyone may call it.
func (s *Service) OfficePlan(ctx context.Context, office cabinet.OfficeID) (OfficePlan, error) {
	var p OfficePlan
	err := s.store.ViewProcedures(ctx, func(r Reader) error {
		var err error
		p, err = planOf(ctx, r, office)
		return err
	})
	return p, err
}

// Premium reports whether the office may use contributor roles now
// (PROC-1): nil, or a *cabinet.ForbiddenError naming PROC-1 saying why not.
// See PremiumAvailable.
func (s *Service) Premium(ctx context.Context, office cabinet.OfficeID) error {
	p, err := s.OfficePlan(ctx, office)
	if err != nil {
		return err
	}
	return PremiumAvailable(p, s.o.Now())
}

// SetPlan sets the office's plan. It is a host-level method for the host's
// billing, with no actor: the host calls it when a subscription changes.
// Errors: *cabinet.InvalidError for "office" or "plan". Setting the plan the
// office already has changes nothing and publishes nothing. Losing platinum
// never removes a contributor (PROC-1).
func (s *Service) SetPlan(ctx context.Context, office cabinet.OfficeID, plan Plan) (OfficePlan, error) {
	if office == "" {
		return OfficePlan{}, cabinet.Invalid("office", "is required")
	}
	if !plan.Valid() {
		return OfficePlan{}, cabinet.Invalid("plan", "%s is not standard or platinum", plan)
	}
	var p OfficePlan
	var events []cabinet.Event
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		var err error
		if p, err = planOf(ctx, w, office); err != nil {
			return err
		}
		if p.Plan == plan {
			return nil
		}
		p.Plan = plan
		events = append(events, PlanChanged{Office: office, Plan: p.Plan, BoostersFrom: p.BoostersFrom, BoostersUntil: p.BoostersUntil})
		return w.PutPlan(ctx, p)
	})
	if err != nil {
		return OfficePlan{}, err
	}
	s.o.Publish(ctx, rev, "", events...)
	return p, nil
}

// SetBoosters sets the active period [from, until) of the office's boosters
// add-on; two zero times remove the add-on. Host-level (billing), no actor.
// Errors: *cabinet.InvalidError for "office" or "boosters_until" (until not
// after from, or only one of them zero).
func (s *Service) SetBoosters(ctx context.Context, office cabinet.OfficeID, from, until time.Time) (OfficePlan, error) {
	if office == "" {
		return OfficePlan{}, cabinet.Invalid("office", "is required")
	}
	if from.IsZero() != until.IsZero() || (!from.IsZero() && !until.After(from)) {
		return OfficePlan{}, cabinet.Invalid("boosters_until", "must be after the start of the boosters period")
	}
	var p OfficePlan
	var events []cabinet.Event
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		var err error
		if p, err = planOf(ctx, w, office); err != nil {
			return err
		}
		if p.BoostersFrom.Equal(from) && p.BoostersUntil.Equal(until) {
			return nil
		}
		p.BoostersFrom, p.BoostersUntil = from, until
		events = append(events, PlanChanged{Office: office, Plan: p.Plan, BoostersFrom: from, BoostersUntil: until})
		return w.PutPlan(ctx, p)
	})
	if err != nil {
		return OfficePlan{}, err
	}
	s.o.Publish(ctx, rev, "", events...)
	return p, nil
}

// StartTrial starts the office's one free 7-day trial of the contributors
// option now (PROC-1). Only an admin of the office may. Errors:
// *cabinet.InvalidError ("office"); *cabinet.ForbiddenError naming PROC-1
// when actor is not an admin of the office; *cabinet.ConflictError naming
// PROC-1 when the office already started its trial (once per office, even if
// it has ended).
func (s *Service) StartTrial(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID) (OfficePlan, error) {
	if office == "" {
		return OfficePlan{}, cabinet.Invalid("office", "is required")
	}
	now := s.o.Now()
	var p OfficePlan
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		prof, err := s.profile(ctx, w.Tx(), office, actor)
		if err != nil {
			return err
		}
		if prof != cabinet.ProfileAdmin {
			return cabinet.Forbidden("PROC-1", "only an admin of the office starts its trial")
		}
		if p, err = planOf(ctx, w, office); err != nil {
			return err
		}
		if !p.TrialStartedAt.IsZero() {
			return cabinet.Conflict("PROC-1", "the office already used its free trial (started %s)", p.TrialStartedAt.UTC().Format(time.RFC3339))
		}
		p.TrialStartedAt, p.TrialStartedBy = now, actor
		return w.PutPlan(ctx, p)
	})
	if err != nil {
		return OfficePlan{}, err
	}
	s.o.Publish(ctx, rev, actor, TrialStarted{Office: office, StartedBy: actor, StartedAt: now, EndsAt: p.TrialEndsAt()})
	return p, nil
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
// the office may (PROC-2). Errors: *cabinet.InvalidError ("office", "name",
// "main_role"); *cabinet.ForbiddenError naming PROC-2.
func (s *Service) CreateProcedure(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name, mainRole string) (Procedure, error) {
	if office == "" {
		return Procedure{}, cabinet.Invalid("office", "is required")
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Procedure{}, err
	}
	mainRole, err = cabinet.ParseName("main_role", mainRole)
	if err != nil {
		return Procedure{}, err
	}
	p := Procedure{
		ID:        cabinet.NewID[cabinet.ProcedureID](s.o.IDs, "proc"),
		Office:    office,
		Name:      name,
		Roles:     []Role{{ID: cabinet.NewID[RoleID](s.o.IDs, "role"), Name: mainRole, Main: true, Permissions: AllPermissions}},
		CreatedBy: actor,
		CreatedAt: s.o.Now(),
	}
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		prof, err := s.profile(ctx, w.Tx(), office, actor)
		if err != nil {
			return err
		}
		if err := CanConfigure(prof); err != nil {
			return err
		}
		return w.PutProcedure(ctx, p)
	})
	if err != nil {
		return Procedure{}, err
	}
	s.o.Publish(ctx, rev, actor, ProcedureCreated{Office: office, Procedure: p.ID, Name: name, MainRole: p.Roles[0]})
	return p, nil
}

// Procedure returns the procedure to a collaborator of its office.
// Errors: ErrNotFound; *cabinet.ForbiddenError naming PROC-7 when actor is
// not a collaborator of the procedure's office.
func (s *Service) Procedure(ctx context.Context, actor cabinet.UserID, id cabinet.ProcedureID) (Procedure, error) {
	var p Procedure
	err := s.store.ViewProcedures(ctx, func(r Reader) error {
		var err error
		if p, err = r.Procedure(ctx, id); err != nil {
			return err
		}
		prof, err := s.profile(ctx, r.Tx(), p.Office, actor)
		if err != nil {
			return err
		}
		if !prof.Valid() {
			return errNotStaff()
		}
		return nil
	})
	if err != nil {
		return Procedure{}, err
	}
	return p, nil
}

// AddRole adds a contributor role named name with permissions perms to the
// procedure (PROC-2, PROC-4). Only an admin of the office (PROC-2), while the
// contributors option is available (PROC-1). Errors: *cabinet.InvalidError
// ("name", "permissions": a set with upload, comment or submit but no view
// is invalid); ErrNotFound (procedure); *cabinet.ForbiddenError naming PROC-2
// or PROC-1; *cabinet.ConflictError naming PROC-2 when a role of the
// procedure already has that name (ignoring case).
func (s *Service) AddRole(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, name string, perms Permissions) (Role, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Role{}, err
	}
	if !perms.Valid() {
		return Role{}, cabinet.Invalid("permissions", "%s is not a valid permission set (acting on an item needs view)", perms)
	}
	role := Role{ID: cabinet.NewID[RoleID](s.o.IDs, "role"), Name: name, Permissions: perms}
	var p Procedure
	rev, err := s.configure(ctx, actor, proc, func(w Writer, pp *Procedure) error {
		if err := s.premium(ctx, w, pp.Office); err != nil {
			return err
		}
		if err := uniqueRoleName(*pp, "", name); err != nil {
			return err
		}
		pp.Roles = append(pp.Roles, role)
		p = *pp
		return nil
	})
	if err != nil {
		return Role{}, err
	}
	s.o.Publish(ctx, rev, actor, RoleAdded{Office: p.Office, Procedure: p.ID, Role: role})
	return role, nil
}

// RenameRole renames a role. Only an admin of the office (PROC-2); renaming a
// contributor role needs the contributors option (PROC-1), renaming the main
// recipient role does not. Renaming to the current name changes nothing.
// Errors: *cabinet.InvalidError ("name"); ErrNotFound (procedure, role);
// *cabinet.ForbiddenError naming PROC-2 or PROC-1; *cabinet.ConflictError
// naming PROC-2 for a duplicate name.
func (s *Service) RenameRole(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, role RoleID, name string) (Role, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Role{}, err
	}
	var out Role
	var ev *RoleRenamed
	rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) error {
		i := slices.IndexFunc(p.Roles, func(r Role) bool { return r.ID == role })
		if i < 0 {
			return cabinet.NotFound("role", role)
		}
		if !p.Roles[i].Main {
			if err := s.premium(ctx, w, p.Office); err != nil {
				return err
			}
		}
		if p.Roles[i].Name == name {
			out = p.Roles[i]
			return errNoChange
		}
		if err := uniqueRoleName(*p, role, name); err != nil {
			return err
		}
		ev = &RoleRenamed{Office: p.Office, Procedure: p.ID, Role: role, OldName: p.Roles[i].Name, Name: name}
		p.Roles[i].Name = name
		out = p.Roles[i]
		return nil
	})
	if err != nil {
		return Role{}, err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, *ev)
	}
	return out, nil
}

// RemoveRole removes a contributor role. Only an admin of the office
// (PROC-2), while the contributors option is available (PROC-1). Errors:
// ErrNotFound (procedure, role); *cabinet.ForbiddenError naming PROC-2 (the
// main recipient role cannot be removed), PROC-2 or PROC-1;
// *cabinet.ConflictError naming PROC-3 while items are assigned to the role,
// or PROC-5 while a case has a contributor in it.
func (s *Service) RemoveRole(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, role RoleID) error {
	var ev RoleRemoved
	rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) error {
		i := slices.IndexFunc(p.Roles, func(r Role) bool { return r.ID == role })
		if i < 0 {
			return cabinet.NotFound("role", role)
		}
		if p.Roles[i].Main {
			return cabinet.Forbidden("PROC-2", "the main recipient role cannot be removed")
		}
		if err := s.premium(ctx, w, p.Office); err != nil {
			return err
		}
		for _, it := range p.Items {
			if it.Role == role {
				return cabinet.Conflict("PROC-3", "item %q is still assigned to role %q", it.Name, p.Roles[i].Name)
			}
		}
		if err := eachCase(ctx, w, CaseFilter{Procedure: p.ID}, func(c Case) error {
			if _, ok := c.Contributor(role); ok {
				return cabinet.Conflict("PROC-5", "case %s still has a contributor in role %q", c.ID, p.Roles[i].Name)
			}
			return nil
		}); err != nil {
			return err
		}
		ev = RoleRemoved{Office: p.Office, Procedure: p.ID, Role: role, Name: p.Roles[i].Name}
		p.Roles = slices.Delete(p.Roles, i, i+1)
		return nil
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, ev)
	return nil
}

// SetRolePermissions sets a role's permission set (PROC-4). Only an admin of
// the office (PROC-2); for a contributor role, only while the contributors
// option is available (PROC-1). Setting the current set changes nothing.
// Errors: *cabinet.InvalidError ("permissions"); ErrNotFound (procedure,
// role); *cabinet.ForbiddenError naming PROC-2 or PROC-1.
func (s *Service) SetRolePermissions(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, role RoleID, perms Permissions) (Role, error) {
	if !perms.Valid() {
		return Role{}, cabinet.Invalid("permissions", "%s is not a valid permission set (acting on an item needs view)", perms)
	}
	var out Role
	var ev *RolePermissionsChanged
	rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) error {
		i := slices.IndexFunc(p.Roles, func(r Role) bool { return r.ID == role })
		if i < 0 {
			return cabinet.NotFound("role", role)
		}
		if !p.Roles[i].Main {
			if err := s.premium(ctx, w, p.Office); err != nil {
				return err
			}
		}
		out = p.Roles[i]
		if out.Permissions == perms {
			return errNoChange
		}
		ev = &RolePermissionsChanged{Office: p.Office, Procedure: p.ID, Role: role, Old: out.Permissions, Permissions: perms}
		p.Roles[i].Permissions = perms
		out = p.Roles[i]
		return nil
	})
	if err != nil {
		return Role{}, err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, *ev)
	}
	return out, nil
}

// AddItem adds a document item named name, assigned to role ("" for the
// main recipient role, the default; PROC-3). Only an admin of the office
// (PROC-2); assigning it to a contributor role needs the contributors option
// (PROC-1). Errors: *cabinet.InvalidError ("name"); ErrNotFound (procedure,
// role); *cabinet.ForbiddenError naming PROC-2 or PROC-1.
func (s *Service) AddItem(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, name string, role RoleID) (Item, error) {
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Item{}, err
	}
	item := Item{ID: cabinet.NewID[ItemID](s.o.IDs, "item"), Name: name}
	var p Procedure
	rev, err := s.configure(ctx, actor, proc, func(w Writer, pp *Procedure) error {
		r, err := s.assignable(ctx, w, *pp, role)
		if err != nil {
			return err
		}
		item.Role = r.ID
		pp.Items = append(pp.Items, item)
		p = *pp
		return nil
	})
	if err != nil {
		return Item{}, err
	}
	s.o.Publish(ctx, rev, actor, ItemAdded{Office: p.Office, Procedure: p.ID, Item: item})
	return item, nil
}

// ReassignItem assigns the item to role ("" for the main recipient role).
// From the commit on, only that role's participants see and act on it, on
// every case of the procedure (PROC-3, invariant 6). Only an admin of the
// office (PROC-2); assigning to a contributor role needs the contributors
// option (PROC-1), giving an item back to the main recipient does not.
// Reassigning to the current role changes nothing. Errors: ErrNotFound
// (procedure, item, role); *cabinet.ForbiddenError naming PROC-2 or PROC-1.
func (s *Service) ReassignItem(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, item ItemID, role RoleID) (Item, error) {
	var out Item
	var ev *ItemReassigned
	rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) error {
		i := slices.IndexFunc(p.Items, func(it Item) bool { return it.ID == item })
		if i < 0 {
			return cabinet.NotFound("item", item)
		}
		r, err := s.assignable(ctx, w, *p, role)
		if err != nil {
			return err
		}
		out = p.Items[i]
		if out.Role == r.ID {
			return errNoChange
		}
		ev = &ItemReassigned{Office: p.Office, Procedure: p.ID, Item: item, From: out.Role, To: r.ID}
		p.Items[i].Role = r.ID
		out = p.Items[i]
		return nil
	})
	if err != nil {
		return Item{}, err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, *ev)
	}
	return out, nil
}

// SetAutomation configures (enabled) or removes the procedure's notification
// automation: while it is configured, every invited contributor gets the
// invitation email (PROC-6). Only an admin of the office (PROC-2). Setting
// the current value changes nothing. Errors: ErrNotFound (procedure);
// *cabinet.ForbiddenError naming PROC-2.
func (s *Service) SetAutomation(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, enabled bool) error {
	var ev *AutomationSet
	rev, err := s.configure(ctx, actor, proc, func(w Writer, p *Procedure) error {
		if p.Automation == enabled {
			return errNoChange
		}
		p.Automation = enabled
		ev = &AutomationSet{Office: p.Office, Procedure: p.ID, Enabled: enabled}
		return nil
	})
	if err != nil {
		return err
	}
	if ev != nil {
		s.o.Publish(ctx, rev, actor, *ev)
	}
	return nil
}

// errNoChange makes configure skip the write; it never leaves the package.
var errNoChange = errors.New("procedure: no change")

// configure runs a configuration command: the procedure must exist and the
// actor be an admin of its office (PROC-2); then fn edits the procedure in a
// transaction. fn returns errNoChange to write nothing.
func (s *Service) configure(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, fn func(w Writer, p *Procedure) error) (cabinet.Revision, error) {
	return s.store.UpdateProcedures(ctx, func(w Writer) error {
		p, err := w.Procedure(ctx, proc)
		if err != nil {
			return err
		}
		prof, err := s.profile(ctx, w.Tx(), p.Office, actor)
		if err != nil {
			return err
		}
		if err := CanConfigure(prof); err != nil {
			return err
		}
		if err := fn(w, &p); err != nil {
			if errors.Is(err, errNoChange) {
				return nil
			}
			return err
		}
		return w.PutProcedure(ctx, p)
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

// OpenCase opens a case of the procedure for the main recipient identified
// by recipientEmail, attached to dossier (or unattached when dossier is "";
// PROC-5). The actor must be a collaborator of the procedure's office; for an
// attached case the dossier must belong to that office and the actor must
// reach it (PROC-7). The recipient is linked to their account at once if
// they have one. Errors: *cabinet.InvalidError ("recipient_email",
// "dossier": a dossier of another office); ErrNotFound (procedure, dossier);
// *cabinet.ForbiddenError naming PROC-7.
func (s *Service) OpenCase(ctx context.Context, actor cabinet.UserID, proc cabinet.ProcedureID, dossier cabinet.DossierID, recipientEmail string) (Case, error) {
	email, err := cabinet.ParseEmail("recipient_email", recipientEmail)
	if err != nil {
		return Case{}, err
	}
	now := s.o.Now()
	id := cabinet.NewID[cabinet.CaseID](s.o.IDs, "case")
	var c Case
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		p, err := w.Procedure(ctx, proc)
		if err != nil {
			return err
		}
		prof, err := s.profile(ctx, w.Tx(), p.Office, actor)
		if err != nil {
			return err
		}
		if !prof.Valid() {
			return errNotStaff()
		}
		reaches := false
		if dossier != "" {
			f, err := s.dossiers.DossierFacts(ctx, w.Tx(), dossier)
			if err != nil {
				return err
			}
			if f.Office != p.Office {
				return cabinet.Invalid("dossier", "dossier %s belongs to another office than the procedure", dossier)
			}
			if reaches, err = s.staff.ReachesDossier(ctx, w.Tx(), actor, dossier); err != nil {
				return err
			}
		}
		c = Case{ID: id, Office: p.Office, Procedure: p.ID, Dossier: dossier, OpenedBy: actor, OpenedAt: now}
		if err := CanReachCase(c, actor, prof, reaches); err != nil {
			return err
		}
		user, err := s.accountOf(ctx, w.Tx(), email)
		if err != nil {
			return err
		}
		c.Recipient = Participant{Role: p.MainRole().ID, Email: email, User: user, AddedBy: actor, AddedAt: now}
		if user != "" {
			c.Recipient.LinkedAt = now
		}
		return w.PutCase(ctx, c)
	})
	if err != nil {
		return Case{}, err
	}
	s.o.Publish(ctx, rev, actor, CaseOpened{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, OpenedBy: actor, Recipient: c.Recipient})
	return c, nil
}

// Case returns the case to staff who reach it (PROC-7) and to its
// participants. Errors: ErrNotFound; *cabinet.ForbiddenError naming PROC-7.
func (s *Service) Case(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID) (Case, error) {
	var c Case
	err := s.store.ViewProcedures(ctx, func(r Reader) error {
		var err error
		if c, err = r.Case(ctx, id); err != nil {
			return err
		}
		if _, ok := SeatOf(c, actor); ok {
			return nil
		}
		return s.staffReaches(ctx, r.Tx(), actor, c)
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// VisibleItems returns the items of the case that actor, a participant,
// may view (PROC-3: only the items of their role, and only if the role has
// view). Errors: ErrNotFound; *cabinet.ForbiddenError naming PROC-3 when
// actor holds no seat on the case.
func (s *Service) VisibleItems(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID) ([]Item, error) {
	c, p, err := s.viewCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, ok := SeatOf(c, actor); !ok {
		return nil, errNotParticipant()
	}
	return VisibleItems(p, c, actor), nil
}

// InviteContributor seats a contributor identified by email in the
// contributor role of the case (PROC-5): one contributor per role. Staff who
// reach the case may (PROC-7), while the contributors option is available
// (PROC-1). The invitation is to be sent (event ContributorInvited) when the
// procedure has a notification automation or notify is true; otherwise the
// contributor is added silently (event ContributorAddedSilently) (PROC-6).
// Errors: *cabinet.InvalidError ("email", "role"); ErrNotFound (case, role);
// *cabinet.ForbiddenError naming PROC-7 or PROC-1; *cabinet.ConflictError
// naming PROC-5 when the role is the main recipient's, the seat is filled, or
// the email already holds a seat on the case.
func (s *Service) InviteContributor(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID, email string, notify bool) (Participant, error) {
	return s.seat(ctx, actor, id, role, email, notify, false)
}

// ReplaceContributor gives the seat of role to the person identified by
// email, in one step; the previous contributor loses the seat. Same access,
// option and PROC-6 rules as InviteContributor. Errors: as InviteContributor,
// plus ErrNotFound ("contributor") when the seat is empty.
func (s *Service) ReplaceContributor(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID, email string, notify bool) (Participant, error) {
	return s.seat(ctx, actor, id, role, email, notify, true)
}

func (s *Service) seat(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID, email string, notify, replace bool) (Participant, error) {
	email, err := cabinet.ParseEmail("email", email)
	if err != nil {
		return Participant{}, err
	}
	if role == "" {
		return Participant{}, cabinet.Invalid("role", "is required")
	}
	now := s.o.Now()
	var ev cabinet.Event
	var np Participant
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		c, err := w.Case(ctx, id)
		if err != nil {
			return err
		}
		if err := s.staffReaches(ctx, w.Tx(), actor, c); err != nil {
			return err
		}
		user, err := s.accountOf(ctx, w.Tx(), email)
		if err != nil {
			return err
		}
		p, err := w.Procedure(ctx, c.Procedure)
		if err != nil {
			return err
		}
		r, ok := p.Role(role)
		if !ok {
			return cabinet.NotFound("role", role)
		}
		if r.Main {
			return cabinet.Conflict("PROC-5", "the main recipient is seated when the case is opened")
		}
		if err := s.premium(ctx, w, c.Office); err != nil {
			return err
		}
		old, filled := c.Contributor(role)
		switch {
		case replace && !filled:
			return cabinet.NotFound("contributor", role)
		case !replace && filled:
			return cabinet.Conflict("PROC-5", "role %q already has a contributor on this case", r.Name)
		}
		for _, seat := range c.Seats() {
			if seat.Role == role && replace {
				if cabinet.EqualEmails(seat.Email, email) {
					return cabinet.Conflict("PROC-5", "%s already holds this seat", email)
				}
				continue
			}
			if cabinet.EqualEmails(seat.Email, email) || (user != "" && seat.User == user) {
				return cabinet.Conflict("PROC-5", "%s already holds a seat on this case", email)
			}
		}
		sent := p.Automation || notify
		np = Participant{Role: role, Email: email, User: user, AddedBy: actor, AddedAt: now, Invited: sent}
		if user != "" {
			np.LinkedAt = now
		}
		c.Contributors = slices.DeleteFunc(c.Contributors, func(q Participant) bool { return q.Role == role })
		c.Contributors = append(c.Contributors, np)
		slices.SortFunc(c.Contributors, func(a, b Participant) int { return strings.Compare(string(a.Role), string(b.Role)) })
		switch {
		case replace:
			ev = ContributorReplaced{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Old: old, New: np, InvitationSent: sent}
		case sent:
			ev = ContributorInvited{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: np, ByAutomation: p.Automation, NotifyTicked: notify}
		default:
			ev = ContributorAddedSilently{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: np}
		}
		return w.PutCase(ctx, c)
	})
	if err != nil {
		return Participant{}, err
	}
	s.o.Publish(ctx, rev, actor, ev)
	return np, nil
}

// RemoveContributor empties the seat of role on the case. Staff who reach the
// case may (PROC-7); the contributors option is not needed (withdrawing is
// always possible). Errors: *cabinet.InvalidError ("role"); ErrNotFound
// (case, "contributor" when the seat is empty); *cabinet.ForbiddenError
// naming PROC-7.
func (s *Service) RemoveContributor(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, role RoleID) error {
	if role == "" {
		return cabinet.Invalid("role", "is required")
	}
	var ev ContributorRemoved
	rev, err := s.store.UpdateProcedures(ctx, func(w Writer) error {
		c, err := w.Case(ctx, id)
		if err != nil {
			return err
		}
		if err := s.staffReaches(ctx, w.Tx(), actor, c); err != nil {
			return err
		}
		old, ok := c.Contributor(role)
		if !ok {
			return cabinet.NotFound("contributor", role)
		}
		c.Contributors = slices.DeleteFunc(c.Contributors, func(q Participant) bool { return q.Role == role })
		ev = ContributorRemoved{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: old}
		return w.PutCase(ctx, c)
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, ev)
	return nil
}

// ---------------------------------------------------------------- items

// Upload adds a document named document to the item on the case. Only a
// participant whose role the item is assigned to (PROC-3) and whose role has
// upload (PROC-4). Errors: *cabinet.InvalidError ("document"); ErrNotFound
// (case, item); *cabinet.ForbiddenError naming PROC-3 or PROC-4;
// *cabinet.ConflictError when the item was already submitted.
func (s *Service) Upload(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, document string) (Document, error) {
	name, err := cabinet.ParseName("document", document)
	if err != nil {
		return Document{}, err
	}
	d := Document{Name: name, By: actor, At: s.o.Now()}
	var ev ItemUploaded
	rev, err := s.onItem(ctx, actor, id, item, PermUpload, func(c Case, st *ItemState, role RoleID) error {
		if st.SubmittedBy != "" {
			return cabinet.Conflict("", "the item was already submitted")
		}
		st.Documents = append(st.Documents, d)
		ev = ItemUploaded{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: role, Document: d}
		return nil
	})
	if err != nil {
		return Document{}, err
	}
	s.o.Publish(ctx, rev, actor, ev)
	return d, nil
}

// Comment adds a comment to the item on the case. Only a participant whose
// role the item is assigned to (PROC-3) and whose role has comment (PROC-4).
// Errors: *cabinet.InvalidError ("text": blank or longer than
// MaxCommentLength); ErrNotFound (case, item); *cabinet.ForbiddenError
// naming PROC-3 or PROC-4.
func (s *Service) Comment(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, text string) (Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Comment{}, cabinet.Invalid("text", "is required")
	}
	if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxCommentLength {
		return Comment{}, cabinet.Invalid("text", "must be valid UTF-8 of at most %d characters", MaxCommentLength)
	}
	cm := Comment{Text: text, By: actor, At: s.o.Now()}
	var ev ItemCommented
	rev, err := s.onItem(ctx, actor, id, item, PermComment, func(c Case, st *ItemState, role RoleID) error {
		st.Comments = append(st.Comments, cm)
		ev = ItemCommented{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: role, Comment: cm}
		return nil
	})
	if err != nil {
		return Comment{}, err
	}
	s.o.Publish(ctx, rev, actor, ev)
	return cm, nil
}

// Submit submits the item on the case as complete. Only a participant whose
// role the item is assigned to (PROC-3) and whose role has submit (PROC-4).
// Errors: ErrNotFound (case, item); *cabinet.ForbiddenError naming PROC-3 or
// PROC-4; *cabinet.ConflictError when the item has no document or was
// already submitted.
func (s *Service) Submit(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID) error {
	now := s.o.Now()
	var ev ItemSubmitted
	rev, err := s.onItem(ctx, actor, id, item, PermSubmit, func(c Case, st *ItemState, role RoleID) error {
		if st.SubmittedBy != "" {
			return cabinet.Conflict("", "the item was already submitted")
		}
		if len(st.Documents) == 0 {
			return cabinet.Conflict("", "the item has no document to submit")
		}
		st.SubmittedBy, st.SubmittedAt = actor, now
		ev = ItemSubmitted{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Item: item, Role: role, SubmittedBy: actor, SubmittedAt: now}
		return nil
	})
	if err != nil {
		return err
	}
	s.o.Publish(ctx, rev, actor, ev)
	return nil
}

func (s *Service) onItem(ctx context.Context, actor cabinet.UserID, id cabinet.CaseID, item ItemID, perm Permission, fn func(c Case, st *ItemState, role RoleID) error) (cabinet.Revision, error) {
	return s.store.UpdateProcedures(ctx, func(w Writer) error {
		c, err := w.Case(ctx, id)
		if err != nil {
			return err
		}
		p, err := w.Procedure(ctx, c.Procedure)
		if err != nil {
			return err
		}
		if err := ItemAllows(p, c, actor, item, perm); err != nil {
			return err
		}
		it, _ := p.Item(item)
		i := slices.IndexFunc(c.Items, func(st ItemState) bool { return st.Item == item })
		if i < 0 {
			c.Items = append(c.Items, ItemState{Item: item})
			slices.SortFunc(c.Items, func(a, b ItemState) int { return strings.Compare(string(a.Item), string(b.Item)) })
			i = slices.IndexFunc(c.Items, func(st ItemState) bool { return st.Item == item })
		}
		if err := fn(c, &c.Items[i], it.Role); err != nil {
			return err
		}
		return w.PutCase(ctx, c)
	})
}

// ---------------------------------------------------------------- accounts

// AccountCreated implements cabinet.AccountListener, inside the
// transaction tx that creates account u: every seat (main recipient or
// contributor) held by u's email (cabinet.EqualEmails) and not yet linked
// becomes u's, with a ParticipantLinked event each, returned for the
// account's batch. Idempotent: a second call links nothing. Errors:
// *cabinet.InvalidError ("user", "tx"); the store's.
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

// staffReaches checks PROC-7 for actor on c, as seen by tx.
func (s *Service) staffReaches(ctx context.Context, tx cabinet.Tx, actor cabinet.UserID, c Case) error {
	prof, err := s.profile(ctx, tx, c.Office, actor)
	if err != nil {
		return err
	}
	reaches := false
	if prof.Valid() && c.Dossier != "" {
		if reaches, err = s.staff.ReachesDossier(ctx, tx, actor, c.Dossier); err != nil {
			return err
		}
	}
	return CanReachCase(c, actor, prof, reaches)
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

func (s *Service) viewCase(ctx context.Context, id cabinet.CaseID) (Case, Procedure, error) {
	var c Case
	var p Procedure
	err := s.store.ViewProcedures(ctx, func(r Reader) error {
		var err error
		if c, err = r.Case(ctx, id); err != nil {
			return err
		}
		p, err = r.Procedure(ctx, c.Procedure)
		return err
	})
	return c, p, err
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
