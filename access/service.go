package access

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Directory is what the service needs from the office directory, as seen
// by a transaction of the store (clientgroup.Facts implements it).
type Directory interface {
	// Profile returns user's profile in office as seen by tx, or an error
	// wrapping cabinet.ErrNotFound when the office is unknown or user is not
	// one of its collaborators.
	Profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error)
	// Routes returns user's internal routes to dossier as seen by tx
	// (GRP-3; cabinet.NoRoutes for a user who is not a collaborator of the
	// dossier's office, GRP-11).
	Routes(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) (cabinet.Routes, error)
	// PlaceOnActivation puts dossier, activated in tx a moment
	// before, into the client group group, in tx (GRP-5 v2), and returns
	// the events to publish. A group of another office is a
	// *cabinet.ConflictError naming GRP-1; a dossier already in another
	// group one naming GRP-5; an unknown group ErrNotFound.
	PlaceOnActivation(ctx context.Context, tx cabinet.Tx, dossier cabinet.DossierID, group cabinet.ClientGroupID) ([]cabinet.Event, error)
}

// Accounts tells what package team knows, as seen by a transaction of the
// store (team.Facts implements it): whether an email has an account, and
// whether a user reaches a dossier through the team route.
type Accounts interface {
	// UserByEmail returns the account whose email is email (ignoring case)
	// as seen by tx, or an error wrapping cabinet.ErrNotFound when there is
	// none.
	UserByEmail(ctx context.Context, tx cabinet.Tx, email string) (cabinet.User, error)
	// TeamReferrers returns, as seen by tx, the referrers of the referrals
	// of dossier that open the team route to user but for the referrers'
	// own rights (TEAM-8, TEAM-9: a team of user, user not the dossier's
	// central person, consent given). The route opens an action only when
	// one of them may take it themselves (TEAM-8 v2); package access
	// checks that with its own grants and the directory's routes.
	TeamReferrers(ctx context.Context, tx cabinet.Tx, user cabinet.UserID, dossier cabinet.DossierID) ([]cabinet.UserID, error)
}

// Service applies the commands of the access package: dossiers, family
// trees, external advisors, grants, invitations and reminders, and answers
// the permission-checked reads of them. It is safe for concurrent use. It
// implements cabinet.AccountListener.
type Service struct {
	store    Store
	dir      Directory
	accounts Accounts
	o        cabinet.Options
}

var _ cabinet.AccountListener = (*Service)(nil)

// NewService returns a service over store, learning office membership,
// internal routes and placements from dir and accounts from accounts. opts
// set the clock and the ID generator. store, dir and accounts must not be
// nil.
func NewService(store Store, dir Directory, accounts Accounts, opts ...cabinet.Option) *Service {
	if store == nil || dir == nil || accounts == nil {
		panic("access.NewService: nil store, directory or accounts")
	}
	return &Service{store: store, dir: dir, accounts: accounts, o: cabinet.NewOptions(opts...)}
}

// PersonInput is a person of the family tree as given to AddPerson and
// EditPerson.
type PersonInput struct {
	Name     string
	Relation Relation
}

// AdvisorInput is an external advisor as given to RegisterAdvisor and
// EditAdvisor. Label is required when Type is AdvisorOther and must be
// empty otherwise.
type AdvisorInput struct {
	Name  string
	Email string
	Phone string
	Type  AdvisorType
	Label string
}

// GrantInput is what GrantPerson needs (ACC-3, ACC-4).
type GrantInput struct {
	Email string
	Phone string
	Level Level
}

// ContactInput is the corrected email and phone of a grant
// (CorrectGrantContact, ACC-3).
type ContactInput struct {
	Email string
	Phone string
}

func checkActor(actor cabinet.UserID) error {
	if actor == "" {
		return cabinet.Invalid("actor", "is required")
	}
	return nil
}

// profile returns user's profile in office as seen by tx, ProfileInvalid
// when they are not a collaborator there.
func (s *Service) profile(ctx context.Context, tx cabinet.Tx, office cabinet.OfficeID, user cabinet.UserID) (cabinet.Profile, error) {
	p, err := s.dir.Profile(ctx, tx, office, user)
	if errors.Is(err, cabinet.ErrNotFound) {
		return cabinet.ProfileInvalid, nil
	}
	if err != nil {
		return cabinet.ProfileInvalid, err
	}
	return p, nil
}

// routesFor says which routes actorOn reads: none, or the internal routes
// and the team route for one action.
type routesFor uint8

const (
	noRoutes         routesFor = iota
	routesToView               // the team route as it opens viewing (CanViewDossier)
	routesToEditTree           // the team route as it opens editing the family structure (CanEditFamilyTree)
)

// actorOn reads, in r's transaction, what the predicates know about actor
// on d: profile, held grants and, unless rf is noRoutes, internal routes
// and the team route for rf's action (teamRoute).
func (s *Service) actorOn(ctx context.Context, r Reader, d Dossier, actor cabinet.UserID, rf routesFor) (Actor, error) {
	a := Actor{ID: actor}
	var err error
	if a.Profile, err = s.profile(ctx, r.Tx(), d.Office, actor); err != nil {
		return a, err
	}
	if a.Held, err = heldGrants(ctx, r, d.ID, actor, s.o.Now()); err != nil {
		return a, err
	}
	if rf == noRoutes {
		return a, nil
	}
	if a.Routes, err = s.dir.Routes(ctx, r.Tx(), actor, d.ID); err != nil {
		return a, err
	}
	act := View()
	if rf == routesToEditTree {
		act = Edit(SectionFamilyStructure)
	}
	team, err := s.teamRoute(ctx, r, d, actor, act)
	if err != nil {
		return a, err
	}
	if team {
		a.Routes |= cabinet.RouteTeam
	}
	return a, nil
}

// teamRoute reports whether actor reaches d through the team route for
// act, in r's transaction: a referral opens the route (Accounts'
// TeamReferrers: a team of actor, actor not central, consent given) and
// its referrer may take act themselves — an internal route (GRP-3,
// GRP-11) or a central grant that allows act (ACC-11). TEAM-8 v2: a
// referral never opens more than its referrer holds.
func (s *Service) teamRoute(ctx context.Context, r Reader, d Dossier, actor cabinet.UserID, act Action) (bool, error) {
	referrers, err := s.accounts.TeamReferrers(ctx, r.Tx(), actor, d.ID)
	if err != nil {
		return false, err
	}
	for _, ref := range referrers {
		in, err := s.dir.Routes(ctx, r.Tx(), ref, d.ID)
		if err != nil {
			return false, err
		}
		if in&cabinet.InternalRoutes != 0 {
			return true, nil
		}
		held, err := heldGrants(ctx, r, d.ID, ref, s.o.Now())
		if err != nil {
			return false, err
		}
		if CentralGrantAllows(d.ID, ref, held, act) {
			return true, nil
		}
	}
	return false, nil
}

// heldGrants returns the grants actor holds on d that are live at now:
// an expired grant (Grant.Expired) is as if not held (issue 16).
func heldGrants(ctx context.Context, r Reader, d cabinet.DossierID, actor cabinet.UserID, now time.Time) ([]Grant, error) {
	all, err := allHeldGrants(ctx, r, d, actor)
	if err != nil {
		return nil, err
	}
	return LiveGrants(all, now), nil
}

// allHeldGrants returns every grant actor holds on d, expired or not.
func allHeldGrants(ctx context.Context, r Reader, d cabinet.DossierID, actor cabinet.UserID) ([]Grant, error) {
	if actor == "" {
		return nil, nil
	}
	return cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return r.Grants(ctx, GrantFilter{Dossier: d, User: actor}, p)
	})
}

// refused returns err, except that a denial (ErrForbidden) of an actor who
// holds an expired grant on d becomes the denial of that grant's rule
// (ACC-10 for an external advisor) saying it expired (issue 16).
func (s *Service) refused(ctx context.Context, r Reader, d Dossier, actor cabinet.UserID, err error) error {
	if err == nil || !errors.Is(err, cabinet.ErrForbidden) {
		return err
	}
	all, lerr := allHeldGrants(ctx, r, d.ID, actor)
	if lerr != nil {
		return lerr
	}
	now := s.o.Now()
	for _, g := range all {
		if g.Expired(now) {
			return ExpiredRefusal(g)
		}
	}
	return err
}

// ExpiredRefusal is the denial of an action that grant g would have
// allowed had it not expired: a *cabinet.ForbiddenError naming ACC-10 (an
// external advisor's grant; ACC-4 for any other) whose reason says
// "expired" (issue 16).
func ExpiredRefusal(g Grant) error {
	rule := "ACC-4"
	if g.Kind == GranteeAdvisor {
		rule = "ACC-10"
	}
	return cabinet.Forbidden(rule, "grant %q expired at %s", g.ID, g.ExpiresAt.UTC().Format(time.RFC3339))
}

func dossierGrants(ctx context.Context, r Reader, d cabinet.DossierID) ([]Grant, error) {
	return cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return r.Grants(ctx, GrantFilter{Dossier: d}, p)
	})
}

// update is the one write path of the service: it runs fn in one
// transaction and records the events fn returned in that transaction, as
// one batch — for actor's command, or for host's work when host is set
// (Options.Emit): the store's change log holds them from the commit on, and
// the host receives them from it (cabinet.Delivery), so none is lost and
// none bypasses the log (SPEC §3 invariant 13). It returns the committed
// revision (the store's current one for a no-op), or 0 and the error.
func (s *Service) update(ctx context.Context, actor cabinet.UserID, host cabinet.Host, fn func(w Writer) ([]cabinet.Event, error)) (cabinet.Revision, error) {
	rev, err := s.store.UpdateAccess(ctx, func(w Writer) error {
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

// CreateDossier creates a draft dossier named name in office, managed by
// actor. Any collaborator of the office may call it (CanCreateDossier). It
// returns the dossier and the revision. Errors: ErrInvalid (actor, office,
// name); ErrForbidden (ACC-1) when actor is not a collaborator of office.
func (s *Service) CreateDossier(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID, name string) (Dossier, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Dossier{}, 0, err
	}
	if office == "" {
		return Dossier{}, 0, cabinet.Invalid("office", "is required")
	}
	name, err := cabinet.ParseName("name", name)
	if err != nil {
		return Dossier{}, 0, err
	}
	d := Dossier{
		ID: cabinet.NewID[cabinet.DossierID](s.o.IDs, "dos"), Office: office, Name: name,
		Status: cabinet.DossierDraft, Manager: actor, CreatedBy: actor, CreatedAt: s.o.Now(),
	}
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		prof, err := s.profile(ctx, w.Tx(), office, actor)
		if err != nil {
			return nil, err
		}
		if err := CanCreateDossier(Actor{ID: actor, Profile: prof}); err != nil {
			return nil, err
		}
		return []cabinet.Event{DossierCreated{Dossier: d}}, w.PutDossier(ctx, d)
	})
	if err != nil {
		return Dossier{}, 0, err
	}
	return d, rev, nil
}

// SetManager makes manager the manager of dossier id ("" unsets it); the
// new manager is taken out of the assigned collaborators. An admin of the
// dossier's office or its current manager, while a collaborator of it,
// may call it (CanManageDossier). It returns the dossier as stored.
// Errors: ErrInvalid (actor; "manager" when manager is not a collaborator
// of the office); ErrNotFound; ErrConflict (ACC-12, archived); ErrForbidden
// (ACC-1).
func (s *Service) SetManager(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, manager cabinet.UserID) (Dossier, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Dossier{}, 0, err
	}
	var out Dossier
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanManageDossier(d, a); err != nil {
			return nil, err
		}
		if manager != "" {
			mp, err := s.profile(ctx, w.Tx(), d.Office, manager)
			if err != nil {
				return nil, err
			}
			if !mp.Valid() {
				return nil, cabinet.Invalid("manager", "%q is not a collaborator of office %q", manager, d.Office)
			}
		}
		out = d
		if d.Manager == manager {
			return nil, nil
		}
		prev := d.Manager
		d.Manager = manager
		d.Assigned = slices.DeleteFunc(d.Assigned, func(u cabinet.UserID) bool { return u == manager })
		out = d
		ev := DossierManagerSet{Dossier: id, Office: d.Office, Previous: prev, Manager: manager, Assigned: slices.Clone(d.Assigned)}
		return []cabinet.Event{ev}, w.PutDossier(ctx, d)
	})
	if err != nil {
		return Dossier{}, 0, err
	}
	return out, rev, nil
}

// SetAssigned replaces the assigned collaborators of dossier id with users
// (duplicates and the manager are dropped). Callers as SetManager
// (CanManageDossier). It returns the dossier as stored. Errors: ErrInvalid
// (actor; "assigned" when a user is empty or not a collaborator of the
// office); ErrNotFound; ErrConflict (ACC-12); ErrForbidden (ACC-1).
func (s *Service) SetAssigned(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, users []cabinet.UserID) (Dossier, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Dossier{}, 0, err
	}
	want := slices.Clone(users)
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) > 0 && want[0] == "" {
		return Dossier{}, 0, cabinet.Invalid("assigned", "contains an empty user ID")
	}
	var out Dossier
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanManageDossier(d, a); err != nil {
			return nil, err
		}
		for _, u := range want {
			p, err := s.profile(ctx, w.Tx(), d.Office, u)
			if err != nil {
				return nil, err
			}
			if !p.Valid() {
				return nil, cabinet.Invalid("assigned", "%q is not a collaborator of office %q", u, d.Office)
			}
		}
		out = d
		next := slices.DeleteFunc(slices.Clone(want), func(u cabinet.UserID) bool { return u == d.Manager })
		if slices.Equal(next, d.Assigned) {
			return nil, nil
		}
		ev := DossierAssignedChanged{Dossier: id, Office: d.Office, Assigned: slices.Clone(next)}
		for _, u := range next {
			if !d.IsAssigned(u) {
				ev.Added = append(ev.Added, u)
			}
		}
		for _, u := range d.Assigned {
			if _, ok := slices.BinarySearch(next, u); !ok {
				ev.Removed = append(ev.Removed, u)
			}
		}
		d.Assigned = next
		out = d
		return []cabinet.Event{ev}, w.PutDossier(ctx, d)
	})
	if err != nil {
		return Dossier{}, 0, err
	}
	return out, rev, nil
}

// SetStatus moves dossier id to status (CanSetStatus): draft → activated,
// activated → archived, and archived → activated, the reactivation that is
// the one way out of an archive (ACC-12); setting the current status
// changes nothing. An admin of the dossier's office or its manager, while a
// collaborator of it, may call it. It returns the dossier as stored.
// Errors: ErrInvalid (actor, status); ErrNotFound; ErrForbidden (ACC-1);
// ErrConflict (ACC-12 leaving an archive other than by reactivation; no
// rule for the other refused moves).
func (s *Service) SetStatus(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, status cabinet.DossierStatus) (Dossier, cabinet.Revision, error) {
	return s.setStatus(ctx, actor, id, status, "")
}

// Activate activates dossier id (a draft, or an archived dossier being
// reactivated) and, when group is not "", puts it into that client group
// in the same transaction and the same event batch (GRP-5 v2: whoever may
// activate a dossier — its manager or an admin — names its group at
// activation; afterwards placing and moving are for admins,
// clientgroup.Service.MoveDossier). Callers as SetStatus. Activating an
// activated dossier without a group changes nothing. It returns the
// dossier as stored. Errors: as SetStatus; ErrNotFound (group);
// ErrConflict (GRP-1, a group of another office; GRP-5, a group named for
// a dossier that is already activated or already in another group).
func (s *Service) Activate(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, group cabinet.ClientGroupID) (Dossier, cabinet.Revision, error) {
	return s.setStatus(ctx, actor, id, cabinet.DossierActivated, group)
}

func (s *Service) setStatus(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, status cabinet.DossierStatus, group cabinet.ClientGroupID) (Dossier, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Dossier{}, 0, err
	}
	if !status.Valid() {
		return Dossier{}, 0, cabinet.Invalid("status", "%v is not a dossier status", status)
	}
	var out Dossier
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanSetStatus(d, a, status); err != nil {
			return nil, err
		}
		out = d
		if group != "" && d.Status == cabinet.DossierActivated {
			return nil, cabinet.Conflict("GRP-5", "dossier %q is already activated: placing it in a client group is admin work", id)
		}
		if d.Status == status {
			return nil, nil
		}
		ev := DossierStatusChanged{Dossier: id, Office: d.Office, From: d.Status, To: status}
		d.Status = status
		out = d
		if err := w.PutDossier(ctx, d); err != nil {
			return nil, err
		}
		events := []cabinet.Event{ev}
		if group != "" {
			placed, err := s.dir.PlaceOnActivation(ctx, w.Tx(), id, group)
			if err != nil {
				return nil, err
			}
			events = append(events, placed...)
		}
		return events, nil
	})
	if err != nil {
		return Dossier{}, 0, err
	}
	return out, rev, nil
}

// ParsePerson validates a person of the family tree as AddPerson and
// EditPerson take it (ACC-2) and returns it normalised: the name by
// cabinet.ParseName, the relation one of the six. Any caller may use it
// (package bulk validates imported persons with it). Errors: an
// *cabinet.InvalidError naming "name" or "relation".
func ParsePerson(in PersonInput) (PersonInput, error) {
	name, err := cabinet.ParseName("name", in.Name)
	if err != nil {
		return in, err
	}
	if !in.Relation.Valid() {
		return in, cabinet.Invalid("relation", "%v is not a relation", in.Relation)
	}
	return PersonInput{Name: name, Relation: in.Relation}, nil
}

// checkOneHolder returns a conflict (ACC-2) if another person than except
// is the holder of dossier d.
func checkOneHolder(ctx context.Context, r Reader, d cabinet.DossierID, except PersonID) error {
	persons, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Person, cabinet.Cursor, error) {
		return r.Persons(ctx, PersonFilter{Dossier: d}, p)
	})
	if err != nil {
		return err
	}
	return CheckOneHolder(persons, except)
}

// CheckOneHolder is the one-holder rule of a family tree (ACC-2, Decision:
// a tree has at most one holder, any number of co-holders): it returns a
// *cabinet.ConflictError naming ACC-2 when a person of tree other than
// except is the holder, so that except (a person being made holder, or ""
// for a new one) may not become a second. Pure; any caller may use it
// (package bulk checks imported trees with it).
func CheckOneHolder(tree []Person, except PersonID) error {
	for _, p := range tree {
		if p.ID != except && p.Relation == RelationHolder {
			return cabinet.Conflict("ACC-2", "the family tree already has a holder, %q; add a co_holder instead", p.ID)
		}
	}
	return nil
}

// grantOf returns the grant of person p, the zero Grant when there is none.
func grantOf(ctx context.Context, r Reader, p PersonID) (Grant, error) {
	g, err := r.GrantOfPerson(ctx, p)
	if errors.Is(err, cabinet.ErrNotFound) {
		return Grant{}, nil
	}
	return g, err
}

// grantOfAdvisor returns the grant of advisor a, the zero Grant when there
// is none.
func grantOfAdvisor(ctx context.Context, r Reader, a AdvisorID) (Grant, error) {
	g, err := r.GrantOfAdvisor(ctx, a)
	if errors.Is(err, cabinet.ErrNotFound) {
		return Grant{}, nil
	}
	return g, err
}

// AddPerson adds a person to the family tree of dossier id (ACC-2). A tree
// has at most one holder. Callers (CanEditPerson): collaborators with an
// internal route to the dossier and read_write grantees, for non-central
// persons; the manager only for a holder or co-holder (ACC-2 v2). It
// returns the person. Errors: ErrInvalid (actor, name, relation);
// ErrNotFound; ErrConflict (ACC-12; ACC-2, a second holder); ErrForbidden
// (ACC-11, ACC-2).
func (s *Service) AddPerson(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, in PersonInput) (Person, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Person{}, 0, err
	}
	in, err := ParsePerson(in)
	if err != nil {
		return Person{}, 0, err
	}
	p := Person{ID: cabinet.NewID[PersonID](s.o.IDs, "per"), Dossier: id, Name: in.Name, Relation: in.Relation, CreatedAt: s.o.Now()}
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, routesToEditTree)
		if err != nil {
			return nil, err
		}
		if err := CanEditPerson(d, a, RelationInvalid, p.Relation, Grant{}); err != nil {
			return nil, err
		}
		if p.Relation == RelationHolder {
			if err := checkOneHolder(ctx, w, id, ""); err != nil {
				return nil, err
			}
		}
		return []cabinet.Event{PersonAdded{Office: d.Office, Person: p}}, w.PutPerson(ctx, p)
	})
	if err != nil {
		return Person{}, 0, err
	}
	return p, rev, nil
}

// EditPerson changes a person's name and relation (CanEditPerson): a
// central person, and any move to or from holder/co_holder, is the
// manager's (ACC-2 v2); a granted central person stays central (ACC-6).
// When the manager makes a granted person central, the grant becomes a
// central person's, irrevocable (its Central flag follows). An unchanged
// person is a no-op. It returns the person as stored. Errors: ErrInvalid;
// ErrNotFound; ErrConflict (ACC-12; ACC-2, a second holder; ACC-6);
// ErrForbidden (ACC-11, ACC-2).
func (s *Service) EditPerson(ctx context.Context, actor cabinet.UserID, id PersonID, in PersonInput) (Person, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Person{}, 0, err
	}
	in, err := ParsePerson(in)
	if err != nil {
		return Person{}, 0, err
	}
	var out Person
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, p.Dossier)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, routesToEditTree)
		if err != nil {
			return nil, err
		}
		g, err := grantOf(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanEditPerson(d, a, p.Relation, in.Relation, g); err != nil {
			return nil, err
		}
		out = p
		if p.Name == in.Name && p.Relation == in.Relation {
			return nil, nil
		}
		if in.Relation == RelationHolder && p.Relation != RelationHolder {
			if err := checkOneHolder(ctx, w, p.Dossier, id); err != nil {
				return nil, err
			}
		}
		ev := PersonEdited{Office: d.Office, PreviousRelation: p.Relation, Grant: g.ID}
		if g.ID != "" && g.Central != in.Relation.Central() {
			g.Central = in.Relation.Central()
			if err := w.PutGrant(ctx, g); err != nil {
				return nil, err
			}
		}
		p.Name, p.Relation = in.Name, in.Relation
		out, ev.Person = p, p
		return []cabinet.Event{ev}, w.PutPerson(ctx, p)
	})
	if err != nil {
		return Person{}, 0, err
	}
	return out, rev, nil
}

// RemovePerson removes a person from the family tree (CanEditPerson); a
// central person is the manager's to remove (ACC-2 v2). If the person holds
// a grant it is revoked too, which needs the right to revoke it: a granted
// central person can never be removed (ACC-6, an ErrConflict whoever asks).
// Errors: ErrInvalid; ErrNotFound; ErrConflict (ACC-12, ACC-6);
// ErrForbidden (ACC-11, ACC-2, ACC-1, ACC-7).
func (s *Service) RemovePerson(ctx context.Context, actor cabinet.UserID, id PersonID) (cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, p.Dossier)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, routesToEditTree)
		if err != nil {
			return nil, err
		}
		g, err := grantOf(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if err := CanEditPerson(d, a, p.Relation, RelationInvalid, g); err != nil {
			return nil, err
		}
		events := []cabinet.Event{PersonRemoved{Office: d.Office, Dossier: d.ID, Person: id}}
		if g.ID != "" {
			if err := w.DeleteGrant(ctx, g.ID); err != nil {
				return nil, err
			}
			events = append(events, GrantRevoked{Grant: g})
		}
		return events, w.DeletePerson(ctx, id)
	})
}

// ParseAdvisor validates an external advisor's details as RegisterAdvisor
// and EditAdvisor take them (ACC-3, ACC-8) and returns them normalised: the
// name by cabinet.ParseName, the email by cabinet.ParseEmail, the phone by
// cabinet.ParsePhone (E.164), a valid AdvisorType, and a Label (by
// cabinet.ParseName) required for AdvisorOther and refused for the named
// types. Any caller may use it (package bulk validates imported advisors
// with it). Errors: an *cabinet.InvalidError naming "name", "email",
// "phone", "type" or "label".
func ParseAdvisor(in AdvisorInput) (AdvisorInput, error) {
	var out AdvisorInput
	var err error
	if out.Name, err = cabinet.ParseName("name", in.Name); err != nil {
		return out, err
	}
	if out.Email, err = cabinet.ParseEmail("email", in.Email); err != nil {
		return out, err
	}
	if out.Phone, err = cabinet.ParsePhone("phone", in.Phone); err != nil {
		return out, err
	}
	if !in.Type.Valid() {
		return out, cabinet.Invalid("type", "%v is not an advisor type", in.Type)
	}
	out.Type = in.Type
	if in.Type == AdvisorOther {
		if out.Label, err = cabinet.ParseName("label", in.Label); err != nil {
			return out, err
		}
	} else if strings.TrimSpace(in.Label) != "" {
		return out, cabinet.Invalid("label", "is only for advisors of type other, not %s", in.Type)
	}
	return out, nil
}

// RegisterAdvisor registers an external advisor in dossier id, without
// giving them access (ACC-8). Only the dossier's manager, while a
// collaborator of its office, may call it (CanManageAdvisorAccess). It
// returns the advisor. Errors: ErrInvalid (actor, name, email, phone,
// type, label); ErrNotFound; ErrConflict (ACC-12); ErrForbidden (ACC-9).
func (s *Service) RegisterAdvisor(ctx context.Context, actor cabinet.UserID, id cabinet.DossierID, in AdvisorInput) (Advisor, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Advisor{}, 0, err
	}
	in, err := ParseAdvisor(in)
	if err != nil {
		return Advisor{}, 0, err
	}
	adv := Advisor{ID: cabinet.NewID[AdvisorID](s.o.IDs, "adv"), Dossier: id, Name: in.Name, Email: in.Email, Phone: in.Phone,
		Type: in.Type, Label: in.Label, CreatedAt: s.o.Now()}
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		d, err := w.Dossier(ctx, id)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanManageAdvisorAccess(d, a); err != nil {
			return nil, err
		}
		return []cabinet.Event{AdvisorRegistered{Office: d.Office, Advisor: adv}}, w.PutAdvisor(ctx, adv)
	})
	if err != nil {
		return Advisor{}, 0, err
	}
	return adv, rev, nil
}

// EditAdvisor changes a registered advisor's name, email, phone, type and
// label without touching their access (seed 001). Only the manager, while a
// collaborator, may call it (CanManageAdvisorAccess). When the email or the
// phone changes and the advisor holds a grant, the change is a correction
// of the grant's details (CanCorrectContact, ACC-3 v2): refused once an
// account is linked (ErrConflict ACC-3; revoke and grant again instead);
// otherwise the grant follows, its invitation is sent again and its
// reminders restart from now (or, if the new email has an account, it is
// linked and notified), and the new email must not give an account two
// grants on the dossier (ACC-7). An unchanged advisor is a no-op. It
// returns the advisor as stored. Errors: ErrInvalid (actor, name, email,
// phone, type, label); ErrNotFound; ErrConflict (ACC-12, ACC-3, ACC-7);
// ErrForbidden (ACC-9, ACC-7).
func (s *Service) EditAdvisor(ctx context.Context, actor cabinet.UserID, id AdvisorID, in AdvisorInput) (Advisor, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Advisor{}, 0, err
	}
	in, err := ParseAdvisor(in)
	if err != nil {
		return Advisor{}, 0, err
	}
	var out Advisor
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		adv, err := w.Advisor(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, adv.Dossier)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		g, err := grantOfAdvisor(ctx, w, id)
		if err != nil {
			return nil, err
		}
		contact := adv.Email != in.Email || adv.Phone != in.Phone
		if contact && g.ID != "" {
			err = CanCorrectContact(d, a, g, RelationInvalid)
		} else {
			err = CanManageAdvisorAccess(d, a)
		}
		if err != nil {
			return nil, err
		}
		out = adv
		next := adv
		next.Name, next.Email, next.Phone, next.Type, next.Label = in.Name, in.Email, in.Phone, in.Type, in.Label
		if next == adv {
			return nil, nil
		}
		events := []cabinet.Event{AdvisorEdited{Office: d.Office, Advisor: next, Previous: adv, Grant: g.ID}}
		if contact && g.ID != "" {
			corrected, err := s.correct(ctx, w, d, a, g, in.Email, in.Phone)
			if err != nil {
				return nil, err
			}
			events = append(events, corrected...)
		}
		out = next
		return events, w.PutAdvisor(ctx, next)
	})
	if err != nil {
		return Advisor{}, 0, err
	}
	return out, rev, nil
}

// RemoveAdvisor takes an external advisor out of their dossier, revoking
// their grant if any. Only the dossier's manager, while a collaborator,
// may call it (CanManageAdvisorAccess). Errors: ErrInvalid; ErrNotFound;
// ErrConflict (ACC-12); ErrForbidden (ACC-9).
func (s *Service) RemoveAdvisor(ctx context.Context, actor cabinet.UserID, id AdvisorID) (cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		adv, err := w.Advisor(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, adv.Dossier)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanManageAdvisorAccess(d, a); err != nil {
			return nil, err
		}
		events := []cabinet.Event{AdvisorRemoved{Office: d.Office, Dossier: d.ID, Advisor: id}}
		g, err := grantOfAdvisor(ctx, w, id)
		if err != nil {
			return nil, err
		}
		if g.ID != "" {
			if err := w.DeleteGrant(ctx, g.ID); err != nil {
				return nil, err
			}
			events = append(events, GrantRevoked{Grant: g})
		}
		return events, w.DeleteAdvisor(ctx, id)
	})
}

// accountOf returns the account of email as seen by tx, or "" when there is
// none.
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

// invite fills in g's account or invitation at now (ACC-5) and returns the
// event that tells the host: AccessNotified when user has an account,
// InvitationSent otherwise (reminders then count from now).
func invite(g *Grant, user cabinet.UserID, now time.Time) cabinet.Event {
	g.User, g.Reminders = user, 0
	if user != "" {
		g.InvitedAt = time.Time{}
		return AccessNotified{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: user, Email: g.Email}
	}
	g.InvitedAt = now
	return InvitationSent{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, Email: g.Email, Phone: g.Phone, At: now}
}

// issue checks the one-grant-per-account rule for g (ACC-7), fills in its
// account or invitation, stores it and returns its events.
func (s *Service) issue(ctx context.Context, w Writer, a Actor, g Grant) (Grant, []cabinet.Event, error) {
	user, err := s.accountOf(ctx, w.Tx(), g.Email)
	if err != nil {
		return g, nil, err
	}
	existing, err := dossierGrants(ctx, w, g.Dossier)
	if err != nil {
		return g, nil, err
	}
	if err := CanGrantTo(g.Dossier, a, g.Email, user, existing, ""); err != nil {
		return g, nil, err
	}
	now := s.o.Now()
	g.GrantedBy, g.GrantedAt = a.ID, now
	notice := invite(&g, user, now)
	return g, []cabinet.Event{GrantCreated{Grant: g}, notice}, w.PutGrant(ctx, g)
}

// ParseGrant validates what GrantPerson takes (ACC-3, ACC-4) and returns it
// normalised: an email (cabinet.ParseEmail) and a phone (cabinet.ParsePhone,
// E.164), both required, and a valid Level. Any caller may use it (package
// bulk validates imported grants with it). Errors, in this order: an
// *cabinet.InvalidError naming "email", "phone" or "level".
func ParseGrant(in GrantInput) (GrantInput, error) {
	email, err := cabinet.ParseEmail("email", in.Email)
	if err != nil {
		return GrantInput{}, err
	}
	phone, err := cabinet.ParsePhone("phone", in.Phone)
	if err != nil {
		return GrantInput{}, err
	}
	if !in.Level.Valid() {
		return GrantInput{}, cabinet.Invalid("level", "%v is not read_only or read_write", in.Level)
	}
	return GrantInput{Email: email, Phone: phone, Level: in.Level}, nil
}

// GrantPerson gives person id of a family tree access to its dossier at
// in.Level, reachable at in.Email and in.Phone, both required and valid
// (ACC-2, ACC-3, ACC-4). If the email has an account the grant is linked
// to it and an AccessNotified event is published, else an InvitationSent
// event and reminders follow (ACC-5). Callers (CanManagePersonAccess): the
// manager while a collaborator (ACC-1, GRP-11), a granted central person
// for a non-central person at most at their own level (ACC-7). No account
// holds two grants on one dossier, and nobody grants their own account
// (CanGrantTo, ACC-7). It returns the grant. Errors: ErrInvalid (actor,
// email, phone, level); ErrNotFound (person); ErrConflict (ACC-12; ACC-4,
// the person already has access — change its level; ACC-7, the email or its
// account already holds a grant on the dossier); ErrForbidden (ACC-1,
// ACC-7).
func (s *Service) GrantPerson(ctx context.Context, actor cabinet.UserID, id PersonID, in GrantInput) (Grant, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, 0, err
	}
	in, err := ParseGrant(in)
	if err != nil {
		return Grant{}, 0, err
	}
	email, phone := in.Email, in.Phone
	gid := cabinet.NewID[GrantID](s.o.IDs, "grant")
	var out Grant
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		p, err := w.Person(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, p.Dossier)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanManagePersonAccess(d, a, p.Relation, in.Level); err != nil {
			return nil, err
		}
		if g, err := grantOf(ctx, w, id); err != nil {
			return nil, err
		} else if g.ID != "" {
			return nil, cabinet.Conflict("ACC-4", "person %q already has access (grant %q); change its level instead", id, g.ID)
		}
		g, events, err := s.issue(ctx, w, a, Grant{
			ID: gid, Dossier: d.ID, Office: d.Office, Kind: GranteePerson, Person: id, Central: p.Relation.Central(),
			Email: email, Phone: phone, Level: in.Level,
		})
		out = g
		return events, err
	})
	if err != nil {
		return Grant{}, 0, err
	}
	return out, rev, nil
}

// GrantAdvisor gives registered external advisor id access to their
// dossier at level, reachable at the email and phone given at registration
// (ACC-8), with no expiry: GrantAdvisorUntil with the zero time. Callers,
// result and errors: as GrantAdvisorUntil.
func (s *Service) GrantAdvisor(ctx context.Context, actor cabinet.UserID, id AdvisorID, level Level) (Grant, cabinet.Revision, error) {
	return s.GrantAdvisorUntil(ctx, actor, id, level, time.Time{})
}

// GrantAdvisorUntil gives registered external advisor id access to their
// dossier at level, reachable at the email and phone given at registration
// (ACC-8), until expiresAt (issue 16: from that instant the grant allows
// nothing, with no command; the zero time is no expiry). Only the manager,
// while a collaborator, may call it (ACC-9). Invitation or notification as
// for GrantPerson (ACC-5); one grant per account (ACC-7). An advisor whose
// grant has expired may be granted again: the expired grant is revoked (a
// GrantRevoked event) and replaced by a new one in the same command; a
// live grant is a conflict. It returns the grant. Errors: ErrInvalid
// (actor, level, expires_at when not after the service clock's now);
// ErrNotFound (advisor); ErrConflict (ACC-12; ACC-4, already granted;
// ACC-7); ErrForbidden (ACC-9, ACC-7).
func (s *Service) GrantAdvisorUntil(ctx context.Context, actor cabinet.UserID, id AdvisorID, level Level, expiresAt time.Time) (Grant, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, 0, err
	}
	if !level.Valid() {
		return Grant{}, 0, cabinet.Invalid("level", "%v is not read_only or read_write", level)
	}
	now := s.o.Now()
	if err := cabinet.CheckExpiry("expires_at", expiresAt, now); err != nil {
		return Grant{}, 0, err
	}
	gid := cabinet.NewID[GrantID](s.o.IDs, "grant")
	var out Grant
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		adv, err := w.Advisor(ctx, id)
		if err != nil {
			return nil, err
		}
		d, err := w.Dossier(ctx, adv.Dossier)
		if err != nil {
			return nil, err
		}
		a, err := s.actorOn(ctx, w, d, actor, noRoutes)
		if err != nil {
			return nil, err
		}
		if err := CanManageAdvisorAccess(d, a); err != nil {
			return nil, err
		}
		var events []cabinet.Event
		if g, err := grantOfAdvisor(ctx, w, id); err != nil {
			return nil, err
		} else if g.ID != "" && !g.Expired(now) {
			return nil, cabinet.Conflict("ACC-4", "advisor %q already has access (grant %q); change its level instead", id, g.ID)
		} else if g.ID != "" {
			// An expired grant is replaced (issue 16).
			if err := w.DeleteGrant(ctx, g.ID); err != nil {
				return nil, err
			}
			events = append(events, GrantRevoked{Grant: g})
		}
		g, more, err := s.issue(ctx, w, a, Grant{
			ID: gid, Dossier: d.ID, Office: d.Office, Kind: GranteeAdvisor, Advisor: id,
			Email: adv.Email, Phone: adv.Phone, Level: level, ExpiresAt: expiresAt,
		})
		out = g
		return append(events, more...), err
	})
	if err != nil {
		return Grant{}, 0, err
	}
	return out, rev, nil
}

// SetGrantExpiry sets when external advisor's grant id expires (issue 16):
// extends, shortens or, with the zero time, clears it; an expired grant can
// be given a new expiry too, which opens it again. It is changing the
// grant, with the entitlement of ChangeLevel on an advisor's grant: only
// the manager, while a collaborator (ACC-9; policy's ChangeGrantLevel
// action answers for it). Setting the current expiry changes nothing;
// otherwise a GrantExpiryChanged event is published. It returns the grant
// as stored. Errors: ErrInvalid (actor; expires_at when not after the
// service clock's now; grant when id is a person's grant, which never
// expires); ErrNotFound; ErrConflict (ACC-12); ErrForbidden (ACC-1, ACC-9).
func (s *Service) SetGrantExpiry(ctx context.Context, actor cabinet.UserID, id GrantID, expiresAt time.Time) (Grant, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, 0, err
	}
	now := s.o.Now()
	if err := cabinet.CheckExpiry("expires_at", expiresAt, now); err != nil {
		return Grant{}, 0, err
	}
	var out Grant
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		g, d, a, rel, err := s.grantTarget(ctx, w, id, actor)
		if err != nil {
			return nil, err
		}
		if err := CanChangeLevel(d, a, g, rel, g.Level); err != nil {
			return nil, err
		}
		if g.Kind != GranteeAdvisor {
			return nil, cabinet.Invalid("grant", "grant %q is a person's: only an external advisor's grant expires", id)
		}
		out = g
		if g.ExpiresAt.Equal(expiresAt) {
			return nil, nil
		}
		ev := GrantExpiryChanged{Grant: id, Dossier: g.Dossier, Office: g.Office, Advisor: g.Advisor, User: g.User, From: g.ExpiresAt, To: expiresAt}
		g.ExpiresAt = expiresAt
		out = g
		return []cabinet.Event{ev}, w.PutGrant(ctx, g)
	})
	if err != nil {
		return Grant{}, 0, err
	}
	return out, rev, nil
}

// grantTarget reads grant id, its dossier, the actor's facts on it and the
// relation of the grant's person (RelationInvalid for an advisor's grant).
func (s *Service) grantTarget(ctx context.Context, w Writer, id GrantID, actor cabinet.UserID) (Grant, Dossier, Actor, Relation, error) {
	g, err := w.Grant(ctx, id)
	if err != nil {
		return g, Dossier{}, Actor{}, RelationInvalid, err
	}
	d, err := w.Dossier(ctx, g.Dossier)
	if err != nil {
		return g, d, Actor{}, RelationInvalid, err
	}
	a, err := s.actorOn(ctx, w, d, actor, noRoutes)
	if err != nil {
		return g, d, a, RelationInvalid, err
	}
	rel := RelationInvalid
	if g.Kind == GranteePerson {
		p, err := w.Person(ctx, g.Person)
		if err != nil {
			return g, d, a, rel, err
		}
		rel = p.Relation
	}
	return g, d, a, rel, nil
}

// ChangeLevel sets the level of grant id (ACC-4); a central person's grant
// can change level too (ACC-6), by the manager. Callers (CanChangeLevel):
// as GrantPerson for persons' grants — a central person sets at most their
// own level (ACC-7) — the manager only for advisors' (ACC-9). Setting the
// current level changes nothing. It returns the grant as stored. Errors:
// ErrInvalid (actor, level); ErrNotFound; ErrConflict (ACC-12);
// ErrForbidden (ACC-1, ACC-7, ACC-9).
func (s *Service) ChangeLevel(ctx context.Context, actor cabinet.UserID, id GrantID, level Level) (Grant, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, 0, err
	}
	if !level.Valid() {
		return Grant{}, 0, cabinet.Invalid("level", "%v is not read_only or read_write", level)
	}
	var out Grant
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		g, d, a, rel, err := s.grantTarget(ctx, w, id, actor)
		if err != nil {
			return nil, err
		}
		if err := CanChangeLevel(d, a, g, rel, level); err != nil {
			return nil, err
		}
		out = g
		if g.Level == level {
			return nil, nil
		}
		ev := GrantLevelChanged{Grant: id, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: g.User, From: g.Level, To: level}
		g.Level = level
		out = g
		return []cabinet.Event{ev}, w.PutGrant(ctx, g)
	})
	if err != nil {
		return Grant{}, 0, err
	}
	return out, rev, nil
}

// correct writes the corrected email and phone on g (and on its advisor's
// record) and re-issues its invitation (ACC-3, ACC-5); the caller checked
// CanCorrectContact.
func (s *Service) correct(ctx context.Context, w Writer, d Dossier, a Actor, g Grant, email, phone string) ([]cabinet.Event, error) {
	user, err := s.accountOf(ctx, w.Tx(), email)
	if err != nil {
		return nil, err
	}
	existing, err := dossierGrants(ctx, w, d.ID)
	if err != nil {
		return nil, err
	}
	if err := CanGrantTo(d.ID, a, email, user, existing, g.ID); err != nil {
		return nil, err
	}
	ev := GrantContactCorrected{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor,
		PreviousEmail: g.Email, PreviousPhone: g.Phone, Email: email, Phone: phone, User: user}
	g.Email, g.Phone = email, phone
	notice := invite(&g, user, s.o.Now())
	return []cabinet.Event{ev, notice}, w.PutGrant(ctx, g)
}

// CorrectGrantContact corrects the email and phone of grant id while no
// account is linked to it (ACC-3 v2: "check that these details are
// correct"). The invitation is sent again to the corrected address and its
// reminders restart from now; if the corrected email has an account, the
// grant is linked to it and the account notified instead (ACC-5). The
// corrected email must not give an account two grants on the dossier, nor
// be the corrector's own (ACC-7). For an advisor's grant the advisor's
// registered email and phone follow. Callers (CanCorrectContact): whoever
// may manage the grant — the manager, a granted central person for a
// non-central person's grant (ACC-7), the manager only for advisors'
// (ACC-9). Unchanged details are a no-op. It returns the grant as stored.
// Errors: ErrInvalid (actor, email, phone); ErrNotFound; ErrConflict
// (ACC-12; ACC-3, an account is linked; ACC-7); ErrForbidden (ACC-1, ACC-7,
// ACC-9).
func (s *Service) CorrectGrantContact(ctx context.Context, actor cabinet.UserID, id GrantID, in ContactInput) (Grant, cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return Grant{}, 0, err
	}
	email, err := cabinet.ParseEmail("email", in.Email)
	if err != nil {
		return Grant{}, 0, err
	}
	phone, err := cabinet.ParsePhone("phone", in.Phone)
	if err != nil {
		return Grant{}, 0, err
	}
	var out Grant
	rev, err := s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		g, d, a, rel, err := s.grantTarget(ctx, w, id, actor)
		if err != nil {
			return nil, err
		}
		if err := CanCorrectContact(d, a, g, rel); err != nil {
			return nil, err
		}
		out = g
		if g.Email == email && g.Phone == phone {
			return nil, nil
		}
		var events []cabinet.Event
		if g.Kind == GranteeAdvisor {
			adv, err := w.Advisor(ctx, g.Advisor)
			if err != nil {
				return nil, err
			}
			next := adv
			next.Email, next.Phone = email, phone
			if err := w.PutAdvisor(ctx, next); err != nil {
				return nil, err
			}
			events = append(events, AdvisorEdited{Office: d.Office, Advisor: next, Previous: adv, Grant: g.ID})
		}
		corrected, err := s.correct(ctx, w, d, a, g, email, phone)
		if err != nil {
			return nil, err
		}
		if out, err = w.Grant(ctx, id); err != nil {
			return nil, err
		}
		return append(events, corrected...), nil
	})
	if err != nil {
		return Grant{}, 0, err
	}
	return out, rev, nil
}

// Revoke revokes and deletes grant id; no reminder follows. A central
// person's grant can never be revoked (ACC-6, an ErrConflict whoever asks).
// Callers (CanRevokeGrant): as ChangeLevel. Errors: ErrInvalid (actor);
// ErrNotFound; ErrConflict (ACC-12, ACC-6); ErrForbidden (ACC-1, ACC-7,
// ACC-9).
func (s *Service) Revoke(ctx context.Context, actor cabinet.UserID, id GrantID) (cabinet.Revision, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	return s.update(ctx, actor, "", func(w Writer) ([]cabinet.Event, error) {
		g, d, a, rel, err := s.grantTarget(ctx, w, id, actor)
		if err != nil {
			return nil, err
		}
		if err := CanRevokeGrant(d, a, g, rel); err != nil {
			return nil, err
		}
		return []cabinet.Event{GrantRevoked{Grant: g}}, w.DeleteGrant(ctx, id)
	})
}

// AccountCreated implements cabinet.AccountListener, inside the
// transaction tx that creates account u: every grant whose email matches
// u.Email (ignoring case) and that has no account yet becomes u's (a
// GranteeLinked event each, returned for the account's batch); their
// reminders stop (ACC-5). Since a dossier holds at most one grant per email
// key (ACC-7, CanGrantTo), the new account never holds two grants on one
// dossier. Calling it again changes nothing. It works on archived dossiers
// too: linking changes who the grant's account is, not what it allows.
// Errors: ErrInvalid ("user" without ID, "email", "tx").
func (s *Service) AccountCreated(ctx context.Context, tx cabinet.Tx, u cabinet.User) ([]cabinet.Event, error) {
	if u.ID == "" {
		return nil, cabinet.Invalid("user", "has no ID")
	}
	email, err := cabinet.ParseEmail("email", u.Email)
	if err != nil {
		return nil, err
	}
	w, err := s.store.AccessWriter(tx)
	if err != nil {
		return nil, err
	}
	grants, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return w.Grants(ctx, GrantFilter{Email: email}, p)
	})
	if err != nil {
		return nil, err
	}
	var events []cabinet.Event
	for _, g := range grants {
		if g.User != "" {
			continue
		}
		g.User = u.ID
		if err := w.PutGrant(ctx, g); err != nil {
			return nil, err
		}
		events = append(events, GranteeLinked{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor, User: u.ID, Email: g.Email})
	}
	return events, nil
}

// dueReminders returns the reminders due at now among the grants awaiting
// an account, with the grants updated as if they were sent. Only the latest
// due reminder of a grant is returned: one that came due while an earlier
// one was still unsent replaces it.
func dueReminders(ctx context.Context, r Reader, now time.Time) ([]ReminderDue, []Grant, error) {
	grants, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]Grant, cabinet.Cursor, error) {
		return r.Grants(ctx, GrantFilter{AwaitingAccount: true}, p)
	})
	if err != nil {
		return nil, nil, err
	}
	var due []ReminderDue
	var sent []Grant
	for _, g := range grants {
		n := g.reminderAt(now)
		if !g.AwaitingAccount() || n <= g.Reminders {
			continue
		}
		delay := FirstReminderDelay
		if n == 2 {
			delay = SecondReminderDelay
		}
		due = append(due, ReminderDue{
			Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Person: g.Person, Advisor: g.Advisor,
			Email: g.Email, Number: n, InvitedAt: g.InvitedAt, DueAt: g.InvitedAt.Add(delay),
		})
		g.Reminders = n
		sent = append(sent, g)
	}
	return due, sent, nil
}

// DueRemindersAt returns, without changing anything, the reminders that
// SendDueReminders would send if it ran at instant at over the records r
// reads (ACC-5), ordered by grant ID: the computation DueReminders and
// SendDueReminders use, for a read that gathers several packages'
// obligations in one snapshot (package due). Any caller holding a Reader
// may call it; at is the instant asked about, not a command's time. It
// returns r's errors as they are.
func DueRemindersAt(ctx context.Context, r Reader, at time.Time) ([]ReminderDue, error) {
	due, _, err := dueReminders(ctx, r, at)
	return due, err
}

// DueReminders returns, without changing anything, the reminders that
// SendDueReminders would send now, at the service clock's time (ACC-5),
// ordered by grant ID. It is host-driven: host names the component asking
// (e.g. "scheduler"). Errors: ErrInvalid ("host").
func (s *Service) DueReminders(ctx context.Context, host cabinet.Host) ([]ReminderDue, error) {
	if err := host.Check(); err != nil {
		return nil, err
	}
	now := s.o.Now()
	var due []ReminderDue
	err := s.store.ViewAccess(ctx, func(r Reader) error {
		var err error
		due, _, err = dueReminders(ctx, r, now)
		return err
	})
	return due, err
}

// SendDueReminders computes the reminders due at the service clock's time
// (7 and 30 days after the invitation, or after its last correction, while
// the grantee has no account and the grant exists), marks them sent in the
// same transaction and publishes one ReminderDue event each in a batch
// naming host. A reminder is never due twice. Reminders do not depend on
// the dossier's status. It is host-driven work: the host calls it
// periodically. It returns the reminders sent and the revision. Errors:
// ErrInvalid ("host").
func (s *Service) SendDueReminders(ctx context.Context, host cabinet.Host) ([]ReminderDue, cabinet.Revision, error) {
	if err := host.Check(); err != nil {
		return nil, 0, err
	}
	now := s.o.Now()
	var due []ReminderDue
	rev, err := s.update(ctx, "", host, func(w Writer) ([]cabinet.Event, error) {
		var sent []Grant
		var err error
		due, sent, err = dueReminders(ctx, w, now)
		if err != nil {
			return nil, err
		}
		events := make([]cabinet.Event, 0, len(due))
		for i, g := range sent {
			if err := w.PutGrant(ctx, g); err != nil {
				return nil, err
			}
			events = append(events, due[i])
		}
		return events, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return due, rev, nil
}
