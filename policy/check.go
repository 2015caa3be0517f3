package policy

import (
	"errors"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Static denial reasons: the common denials reuse these strings so that they
// do not allocate.
const (
	reasonUnknownUser     = "the subject is not a known account (POL-4)"
	reasonUnknownSession  = "the impersonation session does not exist (POL-4)"
	reasonBadAction       = "the action is not a known action (POL-4)"
	reasonWrongKind       = "the action does not apply to this kind of resource (POL-4)"
	reasonBadSection      = "edit_section needs a valid section (POL-4)"
	reasonUnknownResource = "the resource does not exist (POL-4)"
	reasonPersonAction    = "a person of the family tree is a resource of manage_family_access only (POL-4)"
	reasonUnknownPerson   = "the person is not in the dossier's family tree (POL-4)"
	reasonNoRoute         = "no route to the dossier (POL-1)"
	reasonNoGroup         = "the dossier is in no client group and the collaborator is neither admin, manager nor assigned (GRP-2)"
	reasonNoInternal      = "the collaborator has no internal route to the dossier (GRP-3)"
	reasonNoAccount       = "the impersonated contact has no account (CON-6)"
	reasonContactState    = "the impersonated contact is no longer invited or active (CON-6)"
	reasonContactIsStaff  = "the impersonated contact's account is a collaborator of the office (CON-6)"
)

// allowReasons holds the reason of every allow whose routes are among the
// nine dossier routes, so that the common allows do not allocate.
var allowReasons = func() []string {
	out := make([]string, 1<<9)
	for r := cabinet.Routes(1); r < 1<<9; r++ {
		out[r] = buildAllowReason(r)
	}
	return out
}()

func buildAllowReason(r cabinet.Routes) string {
	var rules []string
	r.Each(func(q cabinet.Routes) {
		rule := q.Rule()
		for _, x := range rules {
			if x == rule {
				return
			}
		}
		rules = append(rules, rule)
	})
	return "allowed via " + r.String() + " (" + strings.Join(rules, ", ") + ")"
}

func allowReason(r cabinet.Routes) string {
	if r < cabinet.Routes(len(allowReasons)) {
		return allowReasons[r]
	}
	return buildAllowReason(r)
}

// verdict is a decision without its subject fields.
type verdict struct {
	routes cabinet.Routes
	rule   string
	reason string
}

func allow(r cabinet.Routes) verdict {
	return verdict{routes: r, rule: r.Rule(), reason: allowReason(r)}
}

func deny(rule, reason string) verdict { return verdict{rule: rule, reason: reason} }

// denyErr turns a predicate's error into a denial naming its rule;
// fallback is the rule when the error names none.
func denyErr(err error, fallback string) verdict {
	var f *cabinet.ForbiddenError
	if errors.As(err, &f) {
		return verdict{rule: f.Rule, reason: f.Reason + " (" + f.Rule + ")"}
	}
	var c *cabinet.ConflictError
	if errors.As(err, &c) && c.Rule != "" {
		return verdict{rule: c.Rule, reason: c.Reason + " (" + c.Rule + ")"}
	}
	if errors.Is(err, cabinet.ErrNotFound) {
		return verdict{rule: "POL-4", reason: err.Error() + " (POL-4)"}
	}
	return verdict{rule: fallback, reason: err.Error() + " (" + fallback + ")"}
}

// both allows with routes when neither err1 nor err2; else denies with
// the first error.
func both(routes cabinet.Routes, err1, err2 error, fallback string) verdict {
	if err1 != nil {
		return denyErr(err1, fallback)
	}
	if err2 != nil {
		return denyErr(err2, fallback)
	}
	return allow(routes)
}

// decide answers for user record u (an existing account). The caller holds
// the read lock.
func (ix *index) decide(u *userRec, a Action, r Resource, clock cabinet.Clock) verdict {
	if !a.Valid() {
		return deny("POL-4", reasonBadAction)
	}
	if r.Kind != ResourceKindOf(a) {
		return deny("POL-4", reasonWrongKind)
	}
	switch r.Kind {
	case ResourceDossier:
		d := ix.dossier(cabinet.DossierID(r.ID))
		if d == nil || !d.exists {
			return deny("POL-4", reasonUnknownResource)
		}
		if r.Person != "" {
			if a != ManageFamilyAccess {
				return deny("POL-4", reasonPersonAction)
			}
			return ix.decidePerson(u, d, r.Person)
		}
		return ix.decideDossier(u, d, a, r.Section)
	case ResourceTeam:
		t, ok := ix.teams[cabinet.TeamID(r.ID)]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		return decideTeam(u.id, t, a)
	case ResourceOffice:
		o := ix.offices[cabinet.OfficeID(r.ID)]
		if o == nil || !o.exists {
			return deny("POL-4", reasonUnknownResource)
		}
		// AdministerClientGroups, AdministerCollaboratorGroups (GRP-5).
		if err := clientgroup.CanAdminister(u.profile(cabinet.OfficeID(r.ID))); err != nil {
			return denyErr(err, "GRP-5")
		}
		return allow(cabinet.RouteAdmin)
	case ResourceContact:
		c, ok := ix.contacts[cabinet.ContactID(r.ID)]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		p := u.profile(c.Office)
		if a == InviteContact {
			return both(cabinet.RouteCollaborator, contact.CanManageContacts(p), contact.CanInvite(c), "CON-1")
		}
		target := cabinet.ProfileInvalid
		if c.User != "" {
			if cu := ix.user(c.User); cu != nil {
				target = cu.profile(c.Office)
			}
		}
		return both(cabinet.RouteCollaborator, contact.CanImpersonate(c.Office, p, c, target), nil, "CON-6")
	case ResourceProcedure:
		p, ok := ix.procedures[cabinet.ProcedureID(r.ID)]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		return both(cabinet.RouteAdmin, procedure.CanConfigure(u.profile(p.Office)),
			procedure.PremiumAvailable(ix.planOf(p.Office), clock.Now()), "PROC-2")
	case ResourceCase:
		k, ok := ix.cases[cabinet.CaseID(r.ID)]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		reaches := false
		if k.Dossier != "" {
			if d := ix.dossier(k.Dossier); d != nil && d.exists {
				reaches = ix.internal(u, d) != 0
			}
		}
		return both(cabinet.RouteCaseStaff, procedure.CanReachCase(k, u.id, u.profile(k.Office), reaches),
			procedure.PremiumAvailable(ix.planOf(k.Office), clock.Now()), "PROC-7")
	case ResourceItem:
		k, ok := ix.cases[cabinet.CaseID(r.ID)]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		p, ok := ix.procedures[k.Procedure]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		if _, ok := p.Item(r.Item); !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		perm := [...]procedure.Permission{procedure.PermView, procedure.PermUpload, procedure.PermComment, procedure.PermSubmit}[a-ViewItem]
		if err := procedure.ItemAllows(p, k, u.id, r.Item, perm); err != nil {
			return denyErr(err, "PROC-3")
		}
		if k.Recipient.User == u.id {
			return allow(cabinet.RouteMainRecipient)
		}
		return allow(cabinet.RouteContributor)
	}
	return deny("POL-4", reasonWrongKind)
}

func decideTeam(u cabinet.UserID, t team.Team, a Action) verdict {
	var err error
	switch a {
	case ViewTeam:
		err = team.CanViewTeam(t, u)
	case ManageTeamMembers:
		err = team.CanManageMembers(t, u)
	case RenameTeam:
		err = team.CanRename(t, u)
	case DeleteTeam:
		err = team.CanDelete(t, u)
	default: // ListReferrals
		err = team.CanListReferrals(t, u)
	}
	if err != nil {
		return denyErr(err, "TEAM-4")
	}
	if t.IsAdmin(u) {
		return allow(cabinet.RouteTeamAdmin)
	}
	return allow(cabinet.RouteTeamMember)
}

// internal returns u's internal routes to d (GRP-3), by
// clientgroup.InternalRoutes over the index's facts.
func (ix *index) internal(u *userRec, d *dossRec) cabinet.Routes {
	f := clientgroup.RouteFacts{Dossier: d.facts, Profile: u.profile(d.facts.Office), ClientGroup: ix.cgID(d.group)}
	if d.group != 0 {
		f.Direct = hasSorted(u.direct, d.group)
		f.ThroughCollaboratorGroup = hasSorted(u.via, d.group)
	}
	return fromGroupRoutes(clientgroup.InternalRoutes(u.id, f))
}

// fromGroupRoutes maps clientgroup's five routes onto the engine's.
func fromGroupRoutes(r cabinet.Routes) cabinet.Routes {
	var out cabinet.Routes
	if r&cabinet.RouteAdmin != 0 {
		out |= cabinet.RouteAdmin
	}
	if r&cabinet.RouteManager != 0 {
		out |= cabinet.RouteManager
	}
	if r&cabinet.RouteAssigned != 0 {
		out |= cabinet.RouteAssigned
	}
	if r&cabinet.RouteGroupDirect != 0 {
		out |= cabinet.RouteGroupDirect
	}
	if r&cabinet.RouteCollaboratorGroup != 0 {
		out |= cabinet.RouteCollaboratorGroup
	}
	return out
}

// teamRoute returns cabinet.RouteTeam when one of d's referrals lives in a team of
// u that lets u reach it (team.CanReachDossier), else the first refusal of a
// referral in one of u's teams (TEAM-9 when consent is revoked), or nil.
func (ix *index) teamRoute(u *userRec, d *dossRec) (cabinet.Routes, error) {
	var first error
	for _, id := range ix.refsOf(d) {
		ref := ix.referrals[id]
		if !hasSorted(u.teams, ref.Team) {
			continue // not one of u's teams: no route to try
		}
		// central false: the index does not yet exclude central persons from
		// the team route (TEAM-8 v2); package policy's rewrite will.
		err := team.CanReachDossier(ix.teams[ref.Team], ref, u.id, team.RouteFacts{ReferrerEntitled: true})
		if err == nil {
			return cabinet.RouteTeam, nil
		}
		if first == nil {
			first = err
		}
	}
	return 0, first
}

// grantRoute is the route a grant opens.
func grantRoute(g *access.Grant) cabinet.Routes {
	switch {
	case g.Kind == access.GranteeAdvisor:
		return cabinet.RouteExternalAdvisor
	case g.Central:
		return cabinet.RouteCentralPerson
	default:
		return cabinet.RouteFamily
	}
}

// grantRoutes returns the routes of u's grants on d that allow act, and the
// first refusal of one of u's grants.
func grantRoutes(u cabinet.UserID, grants []access.Grant, act access.Action) (cabinet.Routes, error) {
	var routes cabinet.Routes
	var first error
	for i := range grants {
		g := &grants[i]
		if g.User != u || u == "" {
			continue
		}
		if err := access.GrantAllows(*g, act); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		routes |= grantRoute(g)
	}
	return routes, first
}

var dossierTool = map[Action]access.Tool{UseSimulations: access.ToolSimulations, UseReports: access.ToolReports}

// decideDossier answers a dossier action for u on d.
func (ix *index) decideDossier(u *userRec, d *dossRec, a Action, s access.Section) verdict {
	profile := u.profile(d.facts.Office)
	switch a {
	case ViewDossier, EditSection, UseSimulations, UseReports:
		var act access.Action
		switch a {
		case ViewDossier:
			act = access.View()
		case EditSection:
			if !s.Valid() {
				return deny("POL-4", reasonBadSection)
			}
			act = access.Edit(s)
		default:
			act = access.UseTool(dossierTool[a])
		}
		in := ix.internal(u, d)
		tr, terr := ix.teamRoute(u, d)
		gr, gerr := grantRoutes(u.id, ix.grantsOf(d), act)
		if routes := in | tr | gr; routes != 0 {
			return allow(routes)
		}
		switch {
		case gerr != nil:
			return denyErr(gerr, "POL-1")
		case terr != nil:
			return denyErr(terr, "TEAM-8")
		case profile.Valid() && d.group == 0:
			return deny("GRP-2", reasonNoGroup)
		case profile.Valid():
			return deny("GRP-3", reasonNoInternal)
		}
		return deny("POL-1", reasonNoRoute)
	case ManageFamilyAccess:
		var routes cabinet.Routes
		grants := ix.grantsOf(d)
		merr := access.CanManageExternalAccess(d.dossier(), access.Actor{ID: u.id, Profile: profile, Held: grants})
		if merr == nil {
			routes |= cabinet.RouteManager
		}
		if access.HoldsCentralGrant(d.facts.ID, u.id, grants) {
			routes |= cabinet.RouteCentralPerson
		}
		if routes != 0 {
			return allow(routes)
		}
		if _, gerr := grantRoutes(u.id, grants, access.ManageFamilyAccess()); gerr != nil {
			return denyErr(gerr, "ACC-7")
		}
		return denyErr(merr, "ACC-1")
	case ManageExternalAdvisors:
		// The very predicate access.Service uses (ACC-9), so that both
		// name the same rule.
		if err := access.CanManageAdvisorAccess(d.dossier(), access.Actor{ID: u.id, Profile: profile}); err != nil {
			return denyErr(err, "ACC-9")
		}
		return allow(cabinet.RouteManager)
	case AssignClientGroup:
		return both(cabinet.RouteAdmin, clientgroup.CanAdminister(profile),
			clientgroup.CanPlace(d.facts, clientgroup.ClientGroup{ID: ix.cgID(d.group), Office: d.facts.Office}), "GRP-5")
	case SetManager:
		if err := access.CanManageDossier(d.dossier(), access.Actor{ID: u.id, Profile: profile}); err != nil {
			return denyErr(err, "ACC-1")
		}
		var routes cabinet.Routes
		if profile == cabinet.ProfileAdmin {
			routes |= cabinet.RouteAdmin
		}
		if d.dossier().IsManager(u.id) && profile.Valid() {
			routes |= cabinet.RouteManager
		}
		return allow(routes)
	}
	return deny("POL-4", reasonWrongKind)
}

// decidePerson answers ManageFamilyAccess for one person p of d's tree
// with access.CanManagePersonAccess, the predicate access.Service uses
// (ACC-1, ACC-7): cabinet.RouteManager for the manager, cabinet.RouteCentralPerson for a
// granted central person when p is not central.
func (ix *index) decidePerson(u *userRec, d *dossRec, id access.PersonID) verdict {
	p, ok := ix.persons[id]
	if !ok || p.Dossier != d.facts.ID {
		return deny("POL-4", reasonUnknownPerson)
	}
	dd, grants := d.dossier(), ix.grantsOf(d)
	if err := access.CanManagePersonAccess(dd, access.Actor{ID: u.id, Profile: u.profile(dd.Office), Held: grants}, p.Relation, access.LevelInvalid); err != nil {
		return denyErr(err, "ACC-7")
	}
	var routes cabinet.Routes
	if dd.IsManager(u.id) {
		routes |= cabinet.RouteManager
	}
	if !p.Relation.Central() && access.HoldsCentralGrant(dd.ID, u.id, grants) {
		routes |= cabinet.RouteCentralPerson
	}
	return allow(routes)
}

// subject is a resolved Subject: whose rights apply and who acts.
type subject struct {
	user    *userRec // nil when denied
	userID  cabinet.UserID
	actor   cabinet.UserID
	contact cabinet.ContactID
	denied  verdict // set when user is nil
}

// resolve resolves s against the index (POL-4, POL-5, CON-6). The clock is
// read only for an impersonation session.
func (ix *index) resolve(s Subject, clock cabinet.Clock) subject {
	if s.Session == "" {
		out := subject{userID: s.User, actor: s.User}
		if u := ix.user(s.User); u != nil && u.exists {
			out.user = u
		} else {
			out.denied = deny("POL-4", reasonUnknownUser)
		}
		return out
	}
	ses, ok := ix.sessions[s.Session]
	if !ok {
		return subject{userID: s.User, actor: s.User, denied: deny("POL-4", reasonUnknownSession)}
	}
	out := subject{userID: ses.ContactUser, actor: ses.Actor, contact: ses.Contact}
	sub, err := contact.Resolve(ses, clock.Now())
	if err != nil {
		out.denied = denyErr(err, "CON-6")
		return out
	}
	c, ok := ix.contacts[sub.Contact]
	if !ok || c.Archived || (c.Status != contact.StatusInvited && c.Status != contact.StatusActive) {
		out.denied = deny("CON-6", reasonContactState)
		return out
	}
	if sub.User == "" {
		out.denied = deny("CON-6", reasonNoAccount)
		return out
	}
	if o := ix.offices[sub.Office]; o != nil {
		if _, staff := o.collabs[sub.User]; staff {
			out.denied = deny("CON-6", reasonContactIsStaff)
			return out
		}
	}
	out.userID = sub.User
	out.actor = sub.Actor
	out.contact = sub.Contact
	if u := ix.user(sub.User); u != nil && u.exists {
		out.user = u
	} else {
		out.denied = deny("POL-4", reasonUnknownUser)
	}
	return out
}

// check is Check under the read lock.
// The clock is read only by the decisions that depend on time (sessions,
// premium plans), so that the common checks do not pay for it.
func (ix *index) check(s Subject, a Action, r Resource, clock cabinet.Clock, rev cabinet.Revision) Decision {
	sub := ix.resolve(s, clock)
	v := sub.denied
	if sub.user != nil {
		v = ix.decide(sub.user, a, r, clock)
	}
	return Decision{
		Allowed: v.routes != 0, Routes: v.routes, Rule: v.rule, Reason: v.reason,
		User: sub.userID, Actor: sub.actor, Contact: sub.contact, Revision: rev,
	}
}
