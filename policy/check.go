package policy

import (
	"errors"
	"time"

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
	reasonRefinement      = "the resource names a person, advisor or grant this action does not apply to (POL-4)"
	reasonNeedsTarget     = "the action needs a person, advisor or grant of the dossier (POL-4)"
	reasonUnknownPerson   = "the person is not in the dossier's family tree (POL-4)"
	reasonUnknownAdvisor  = "the advisor is not registered on the dossier (POL-4)"
	reasonUnknownGrant    = "the grant is not on the dossier (POL-4)"
	reasonBadLevel        = "the action needs a valid level (POL-4)"
	reasonBadStatus       = "set_status needs a valid status, and a client group only with activation (POL-4)"
	reasonUnknownGroup    = "the client group does not exist (POL-4)"
	reasonUnknownTeam     = "the team does not exist (POL-4)"
	reasonNeedsDossier    = "link_contact needs a dossier (POL-4)"
	reasonNoRoute         = "no route to the dossier (POL-1)"
	reasonNoGroup         = "the dossier is in no client group and the collaborator is neither admin, manager nor assigned (GRP-2)"
	reasonNoInternal      = "the collaborator has no internal route to the dossier (GRP-3)"
	reasonArchived        = "the dossier is archived: it is read-only for everyone (ACC-12)"
	reasonNoAccount       = "the impersonated contact has no account (CON-6)"
	reasonOnlyViewing     = "while impersonating, only viewing actions are allowed (CON-6)"
	reasonOwnAccount      = "an account does this for itself only (POL-1)"
	reasonOwnSession      = "only the collaborator who started the session uses it (CON-6)"
	reasonAlreadyGranted  = "the person or advisor already holds a grant: change its level instead (ACC-4)"
	reasonPlacedElsewhere = "the dossier is already activated: placing it in a client group is admin work (GRP-5)"
	reasonGrantExpired    = "the subject's grant on the dossier expired: it allows nothing from its expiry on (issue 16)"
	reasonDirectExpired   = "the collaborator's direct assignment to the dossier's client group expired (GRP-3, issue 16)"
)

// verdict is a decision without its subject fields. A denial taken from a
// predicate's error keeps the error's own sentence in reason and sets
// named: the Decision's Reason is then reason followed by " (rule)", joined
// only when a Decision is built (sentence), so a question whose answer
// only needs Allowed (AllowedActions without a decision log) joins no
// string.
type verdict struct {
	routes cabinet.Routes
	rule   string
	reason string
	named  bool // reason does not end with the rule yet
}

// sentence is the verdict's Reason: reason, ending with its rule.
func (v *verdict) sentence() string {
	if v.named {
		return v.reason + " (" + v.rule + ")"
	}
	return v.reason
}

// allowBy allows via routes, naming their rules in tab.
func allowBy(tab *ruleTab, r cabinet.Routes) verdict {
	return verdict{routes: r, rule: tab.first(r), reason: tab.reason(r)}
}

// allow sets *v to allowBy(tab, r), copied from tab's prepared allows
// when r is one (ruleTab.prepare).
func (v *verdict) allow(tab *ruleTab, r cabinet.Routes) {
	if int(r) < len(tab.low) && tab.low[r].routes != 0 {
		*v = tab.low[r]
		return
	}
	*v = allowBy(tab, r)
}

func deny(rule, reason string) verdict { return verdict{rule: rule, reason: reason} }

// denyErr turns a predicate's error into a denial naming its rule;
// fallback is the rule when the error names none. The predicates return
// their *cabinet.ForbiddenError or *cabinet.ConflictError unwrapped, which
// the type switch takes without errors.As; a wrapped one is still found.
func denyErr(err error, fallback string) verdict {
	switch e := err.(type) {
	case *cabinet.ForbiddenError:
		return verdict{rule: e.Rule, reason: e.Reason, named: true}
	case *cabinet.ConflictError:
		return conflictVerdict(e, fallback)
	}
	return denyWrapped(err, fallback)
}

// conflictVerdict is denyErr for a conflict.
func conflictVerdict(c *cabinet.ConflictError, fallback string) verdict {
	rule := c.Rule
	if rule == "" {
		rule = fallback
	}
	return verdict{rule: rule, reason: c.Reason, named: true}
}

// denyWrapped is denyErr for an error that is not itself a forbidden or
// conflict error (kept apart so that errors.As's targets escape to the
// heap on this path only).
func denyWrapped(err error, fallback string) verdict {
	var f *cabinet.ForbiddenError
	if errors.As(err, &f) {
		return verdict{rule: f.Rule, reason: f.Reason, named: true}
	}
	var c *cabinet.ConflictError
	if errors.As(err, &c) {
		return conflictVerdict(c, fallback)
	}
	if errors.Is(err, cabinet.ErrNotFound) || errors.Is(err, cabinet.ErrInvalid) {
		return verdict{rule: "POL-4", reason: err.Error(), named: true}
	}
	return verdict{rule: fallback, reason: err.Error(), named: true}
}

// decision holds what one question needs: the index, the subject's record,
// the action and resource, and the clock (read only by the decisions that
// depend on time: invitations, sessions, premium plans).
type decision struct {
	ix    *index
	u     *userRec
	a     Action
	r     Resource
	clock cabinet.Clock
}

func (q *decision) now() time.Time { return q.clock.Now() }

// by allows via routes with the action's own rule table.
func (q *decision) by(r cabinet.Routes) verdict { return allowBy(actionInfos[q.a].tab, r) }

// or allows via routes when err is nil, else denies naming err's rule.
func (q *decision) or(routes cabinet.Routes, err error, fallback string) verdict {
	if err != nil {
		return denyErr(err, fallback)
	}
	return q.by(routes)
}

// decide answers for user record u (an existing account). The caller holds
// the read lock.
func (ix *index) decide(u *userRec, a Action, r Resource, clock cabinet.Clock) verdict {
	return ix.decideRef(u, a, &r, clock)
}

// isContent reports whether a is one of the actions on a dossier's content
// (ViewDossier, EditSection, UseSimulations, UseReports), which content
// answers.
func isContent(a Action) bool { return a >= ViewDossier && a <= UseReports }

// contentQuestion reports whether a on r is a content action on a dossier
// without a person, advisor or grant: the questions dossierAt hands to
// content without resolving anything else, which decideRef answers
// directly (the hot path of Check, CheckBatch and the listings).
func contentQuestion(a Action, r *Resource) bool {
	return isContent(a) && r.Kind == ResourceDossier && r.Person == "" && r.Advisor == "" && r.Grant == ""
}

// decideRef is decide for a resource the caller keeps: the hot path (a
// content question, contentQuestion) goes straight to content, without the
// copies of a decision; every other question goes through decide's
// dispatch. The answers are the same either way (dossierAt sends the same
// questions to the same content).
func (ix *index) decideRef(u *userRec, a Action, r *Resource, clock cabinet.Clock) verdict {
	var v verdict
	ix.decideTo(&v, u, a, r, clock)
	return v
}

// decideTo is decideRef into *v (see contentTo).
func (ix *index) decideTo(v *verdict, u *userRec, a Action, r *Resource, clock cabinet.Clock) {
	if contentQuestion(a, r) {
		ix.contentTo(v, u, ix.dossier(cabinet.DossierID(r.ID)), a, r.Section)
		return
	}
	*v = ix.dispatch(u, a, r, clock)
}

// decideAt is decideRef for a dossier resource r (r.Kind is
// ResourceDossier) whose record d the caller looked up once for several
// actions (ix.dossier of r.ID: nil when unknown): the same answer as
// dispatch's, without looking the dossier up again.
func (ix *index) decideAt(u *userRec, a Action, r *Resource, d *dossRec, clock cabinet.Clock) verdict {
	if !a.Valid() {
		return deny("POL-4", reasonBadAction)
	}
	if !a.AppliesTo(ResourceDossier) {
		return deny("POL-4", reasonWrongKind)
	}
	if contentQuestion(a, r) {
		return ix.content(u, d, a, r.Section)
	}
	q := &decision{ix: ix, u: u, a: a, r: *r, clock: clock}
	return q.dossierAt(cabinet.DossierID(r.ID), d)
}

// dispatch answers a question by the resource's kind.
func (ix *index) dispatch(u *userRec, a Action, r *Resource, clock cabinet.Clock) verdict {
	if !a.Valid() {
		return deny("POL-4", reasonBadAction)
	}
	if !a.AppliesTo(r.Kind) {
		return deny("POL-4", reasonWrongKind)
	}
	q := &decision{ix: ix, u: u, a: a, r: *r, clock: clock}
	switch r.Kind {
	case ResourceDossier:
		return q.dossier()
	case ResourceAccount:
		return q.account()
	case ResourceTeam:
		return q.team()
	case ResourceInvitation:
		return q.invitation()
	case ResourceReferral:
		return q.referral()
	case ResourceOffice:
		return q.office()
	case ResourceContact, ResourceCompany, ResourceProject, ResourceDecision, ResourceUnit:
		return q.contactRecord()
	case ResourceSession:
		return q.session()
	case ResourceProcedure:
		return q.procedure()
	case ResourceCase:
		return q.kase()
	case ResourceItem:
		return q.item()
	}
	return deny("POL-4", reasonWrongKind)
}

// ---- accounts ----

func (q *decision) account() verdict {
	id := cabinet.UserID(q.r.ID)
	if q.a == ListReferralsBy {
		// Whether or not id is an account: only the referrer themself.
		return q.or(cabinet.RouteSelf, team.CanListReferralsBy(id, q.u.id), "TEAM-12")
	}
	target := q.ix.user(id)
	if target == nil || !target.exists {
		return deny("POL-4", reasonUnknownResource)
	}
	if q.a == CreateTeam {
		// TEAM-1, TEAM-5: any account creates teams, for itself or (then
		// pending until the lead accepts) for another lead.
		return q.by(cabinet.RouteSelf)
	}
	// CreateOffice, EditAccount: the account itself only.
	if target != q.u {
		return deny("POL-1", reasonOwnAccount)
	}
	return q.by(cabinet.RouteSelf)
}

// ---- teams, invitations, referrals ----

// teamRoutes is team_admin for an admin of t, team_member for another
// member, none otherwise.
func teamRoutes(t team.Team, u cabinet.UserID) cabinet.Routes {
	switch {
	case t.IsAdmin(u):
		return cabinet.RouteTeamAdmin
	case t.IsMember(u):
		return cabinet.RouteTeamMember
	}
	return cabinet.NoRoutes
}

func (q *decision) team() verdict {
	t, ok := q.ix.teams[cabinet.TeamID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	u := q.u.id
	var err error
	switch q.a {
	case ViewTeam:
		if err = team.CanViewTeam(t, u); err == nil && !t.IsMember(u) {
			return q.by(cabinet.RouteSelf) // a pending team's lead or creator
		}
	case ViewInvitations, ManageTeamMembers:
		err = team.CanManageMembers(t, u)
	case RenameTeam:
		err = team.CanRename(t, u)
	case DeleteTeam:
		err = team.CanDelete(t, u)
	case ListReferrals:
		err = team.CanListReferrals(t, u)
	case LeaveTeam:
		err = team.CanLeave(t, u)
	case TransferLead:
		if err = team.CanTransferLead(t, u); err == nil && q.r.User != "" {
			if !t.IsMember(q.r.User) {
				return deny("POL-4", "the new lead is not a member of the team (POL-4)")
			}
			err = team.CanBecomeLead(t, q.r.User)
		}
	case AnswerTeam:
		return q.or(cabinet.RouteSelf, team.CanAnswerTeam(t, u), "TEAM-1")
	}
	return q.or(teamRoutes(t, u), err, "TEAM-4")
}

func (q *decision) invitation() verdict {
	inv, ok := q.ix.invitations[team.InvitationID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	t, ok := q.ix.teams[inv.Team]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	me := cabinet.User{ID: q.u.id, Email: q.u.email}
	switch q.a {
	case ViewInvitation:
		if err := team.CanViewInvitation(t, inv, me); err != nil {
			return denyErr(err, "TEAM-3")
		}
		var routes cabinet.Routes
		if cabinet.EqualEmails(inv.Email, me.Email) {
			routes |= cabinet.RouteSelf
		}
		if team.CanManageMembers(t, me.ID) == nil {
			routes |= cabinet.RouteTeamAdmin
		}
		return q.by(routes)
	case AcceptInvitation:
		return q.or(cabinet.RouteSelf, team.CanAcceptInvitation(t, inv, me, q.now()), "TEAM-3")
	}
	// ManageInvitation: resend or revoke.
	return q.or(cabinet.RouteTeamAdmin, team.CanResendInvitation(t, inv, me.ID), "TEAM-3")
}

// reach is what TEAM-8 knows of u and dossier id: it exists, is archived,
// u reaches it internally, u is its granted central person.
func (ix *index) reach(u *userRec, id cabinet.DossierID) (team.DossierReach, cabinet.Routes) {
	d := ix.dossier(id)
	if d == nil || !d.exists || u == nil {
		return team.DossierReach{}, cabinet.NoRoutes
	}
	in := ix.internal(u, d)
	central := access.HoldsCentralGrant(d.id, u.id, ix.grantsOf(d))
	routes := in
	if central {
		routes |= cabinet.RouteCentralPerson
	}
	return team.DossierReach{Exists: true, Archived: d.status == cabinet.DossierArchived, Internal: in != 0, Central: central}, routes
}

func (q *decision) referral() verdict {
	ref, ok := q.ix.referrals[cabinet.ReferralID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	from, ok := q.ix.teams[ref.Team]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	u := q.u.id
	if q.a == MoveReferral {
		to, ok := q.ix.teams[q.r.Team]
		if !ok {
			return deny("POL-4", reasonUnknownTeam)
		}
		reach, _ := q.ix.reach(q.u, ref.Dossier)
		return q.or(cabinet.RouteSelf, team.CanMoveReferral(from, to, ref, u, reach), "TEAM-7")
	}
	// ViewReferral.
	central := false
	if d := q.ix.dossier(ref.Dossier); d != nil && d.exists {
		central = access.HoldsCentralGrant(d.id, u, q.ix.grantsOf(d))
	}
	if err := team.CanViewReferral(from, ref, u, central); err != nil {
		return denyErr(err, "TEAM-12")
	}
	var routes cabinet.Routes
	if u == ref.Referrer {
		routes |= cabinet.RouteSelf
	}
	if central {
		routes |= cabinet.RouteCentralPerson
	}
	routes |= teamRoutes(from, u)
	return q.by(routes)
}

// ---- dossiers ----

// internal returns u's internal routes to d (GRP-3), by
// clientgroup.InternalRoutesOf (InternalRoutes' rule) over the index's
// facts (GRP-11: only while a collaborator of d's office).
func (ix *index) internal(u *userRec, d *dossRec) cabinet.Routes {
	return ix.internalAt(u, d, u.profile(ix.officeOf(d)))
}

// internalAt is internal for u's profile p in d's office, which the caller
// has already read.
func (ix *index) internalAt(u *userRec, d *dossRec, p cabinet.Profile) cabinet.Routes {
	// The facts of d for u alone (routeFacts: the office, and u as the
	// manager or an assigned collaborator when u is one) give the routes
	// the whole record would, without reading the other staff.
	var facts cabinet.DossierFacts
	ix.routeFacts(&facts, u, d)
	direct, through := false, false
	if d.group != 0 {
		direct = ix.liveDirect(u, d.group) // an expired assignment is no route (issue 16)
		through = hasSorted(u.via, d.group)
	}
	return clientgroup.InternalRoutesOf(u.id, &facts, p, d.group != 0, direct, through) & cabinet.InternalRoutes
}

// teamRoute returns cabinet.RouteTeam when one of d's referrals lives in a
// team of u that lets u reach it for act (team.CanReachDossier with the
// dossier's consent, whether u is its granted central person, and whether
// the referral's referrer may take act themselves — an internal route, or
// a central grant that allows act: TEAM-8 v2, TEAM-9, GRP-11, ACC-11; a
// referral never opens more than its referrer holds), else the first
// refusal of a referral in one of u's teams, or nil.
func (ix *index) teamRoute(u *userRec, d *dossRec, act access.Action) (cabinet.Routes, error) {
	var first error
	known, central := false, false
	for _, id := range ix.refsOf(d) {
		ref := ix.referrals[id]
		if !hasSorted(u.teams, ref.Team) {
			continue // not one of u's teams: no route to try
		}
		if !known {
			central, known = access.HoldsCentralGrant(d.id, u.id, ix.grantsOf(d)), true
		}
		err := ix.referralOpens(u, d, ref, central, act)
		if err == nil {
			return cabinet.RouteTeam, nil
		}
		if first == nil {
			first = err
		}
	}
	return 0, first
}

// referralOpens is team.CanReachDossier for referral ref of d in one of
// u's teams (central: u is d's granted central person), with d's consent
// and whether ref's referrer may take act themselves (TEAM-8 v2). teamRoute
// and Explain's trace both ask it.
func (ix *index) referralOpens(u *userRec, d *dossRec, ref team.Referral, central bool, act access.Action) error {
	ref.Consent = team.ConsentGiven
	if d.consentRevoked {
		ref.Consent = team.ConsentRevoked
	}
	entitled := false
	if r := ix.user(ref.Referrer); r != nil {
		entitled = ix.internal(r, d) != 0 || access.CentralGrantAllows(d.id, r.id, ix.grantsOf(d), act)
	}
	return team.CanReachDossier(ix.teams[ref.Team], ref, u.id, team.RouteFacts{Central: central, ReferrerEntitled: entitled})
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

// heldRoutes returns the routes of every grant u holds on d.
func heldRoutes(u cabinet.UserID, grants []access.Grant) cabinet.Routes {
	var routes cabinet.Routes
	for i := range grants {
		if g := &grants[i]; u != "" && g.User == u {
			routes |= grantRoute(g)
		}
	}
	return routes
}

// dossierTool is the tool of UseSimulations and UseReports, by a -
// UseSimulations.
var dossierTool = [...]access.Tool{access.ToolSimulations, access.ToolReports}

// the dossier a question is about, with its refinements resolved.
type onDossier struct {
	d      *dossRec
	dd     access.Dossier
	grants []access.Grant
	person access.Person // when r.Person
	adv    access.Advisor
	grant  access.Grant // when r.Grant
	pg     access.Grant // the grant of person (zero when none)
}

// actor is the access.Actor of u on the dossier, without routes.
func (q *decision) actor(o *onDossier) access.Actor {
	return access.Actor{ID: q.u.id, Profile: q.u.profile(o.dd.Office), Held: o.grants}
}

// actorWithRoutes is actor with the routes the family-tree and
// access-rights predicates read: internal, and the team route as it opens
// act (TEAM-8 v2).
func (q *decision) actorWithRoutes(o *onDossier, act access.Action) access.Actor {
	a := q.actor(o)
	a.Routes = q.ix.internal(q.u, o.d)
	if tr, _ := q.ix.teamRoute(q.u, o.d, act); tr != 0 {
		a.Routes |= tr
	}
	return a
}

// isManager reports whether u is d's manager while a collaborator of its
// office (ACC-1, GRP-11).
func (q *decision) isManager(o *onDossier) bool {
	return o.dd.IsManager(q.u.id) && q.u.profile(o.dd.Office).Valid()
}

// familyRoutes are the routes by which u manages the access of a person
// whose relation is rel at level (LevelInvalid: none asked): manager when u
// is its manager while a collaborator (ACC-1), central_person when
// access.CanManagePersonAccess allows u as a granted central person alone —
// for a non-central person, at most at their own level (ACC-7 v2).
func (q *decision) familyRoutes(o *onDossier, rel access.Relation, level access.Level) cabinet.Routes {
	var routes cabinet.Routes
	if q.isManager(o) {
		routes |= cabinet.RouteManager
	}
	alone := access.Actor{ID: q.u.id, Profile: cabinet.ProfileInvalid, Held: o.grants}
	if access.HoldsCentralGrant(o.dd.ID, q.u.id, o.grants) && access.CanManagePersonAccess(o.dd, alone, rel, level) == nil {
		routes |= cabinet.RouteCentralPerson
	}
	return routes
}

// refinement reports which of Person, Advisor, Grant each action takes.
const (
	takesPerson = 1 << iota
	takesAdvisor
	takesGrant
	needsTarget // one of them is required
)

var dossierRefinements = [actionCount]int{
	ManageFamilyAccess:     takesPerson,
	GrantAccess:            takesPerson | takesAdvisor | needsTarget,
	EditFamilyTree:         takesPerson,
	RemovePerson:           takesPerson | needsTarget,
	ChangeGrantLevel:       takesGrant | needsTarget,
	CorrectGrantContact:    takesGrant | needsTarget,
	RevokeGrant:            takesGrant | needsTarget,
	ViewGrant:              takesGrant | needsTarget,
	ViewAccessRights:       takesAdvisor,
	ManageExternalAdvisors: takesAdvisor,
}

func (q *decision) dossier() verdict {
	id := cabinet.DossierID(q.r.ID)
	return q.dossierAt(id, q.ix.dossier(id))
}

// dossierAt answers for dossier id, whose record is d (nil or not existing
// when unknown).
func (q *decision) dossierAt(id cabinet.DossierID, d *dossRec) verdict {
	ix, r := q.ix, q.r
	switch q.a {
	case Refer:
		return q.refer(id)
	case ViewConsent, ManageConsent:
		// TEAM-9: an unknown dossier is the same denial (no existence oracle).
		central := false
		if d := ix.dossier(id); d != nil && d.exists {
			central = access.HoldsCentralGrant(id, q.u.id, ix.grantsOf(d))
		}
		return q.or(cabinet.RouteCentralPerson, team.CanManageConsent(central), "TEAM-9")
	}
	if d == nil || !d.exists {
		return deny("POL-4", reasonUnknownResource)
	}
	takes := dossierRefinements[q.a]
	if takes == 0 && r.Person == "" && r.Advisor == "" && r.Grant == "" {
		switch q.a {
		case ViewDossier, EditSection, UseSimulations, UseReports:
			return q.content(d) // the hot path: no refinement to resolve
		}
	}
	o := &onDossier{d: d, dd: ix.dossierFor(q.u, d), grants: ix.grantsOf(d)}
	set := 0
	if r.Person != "" {
		set |= takesPerson
	}
	if r.Advisor != "" {
		set |= takesAdvisor
	}
	if r.Grant != "" {
		set |= takesGrant
	}
	switch {
	case set&^takes != 0 || set&(set-1) != 0:
		return deny("POL-4", reasonRefinement)
	case takes&needsTarget != 0 && set == 0:
		return deny("POL-4", reasonNeedsTarget)
	}
	if r.Person != "" {
		p, ok := ix.persons[r.Person]
		if !ok || p.Dossier != id {
			return deny("POL-4", reasonUnknownPerson)
		}
		o.person = p
		for _, g := range o.grants {
			if g.Kind == access.GranteePerson && g.Person == p.ID {
				o.pg = g
			}
		}
	}
	if r.Advisor != "" {
		a, ok := ix.advisors[r.Advisor]
		if !ok || a.Dossier != id {
			return deny("POL-4", reasonUnknownAdvisor)
		}
		o.adv = a
	}
	if r.Grant != "" {
		g, ok := ix.grants[r.Grant]
		if !ok || g.Dossier != id {
			return deny("POL-4", reasonUnknownGrant)
		}
		o.grant = g
	}
	switch q.a {
	case EditFamilyTree, RemovePerson:
		return q.familyTree(o)
	case ManageFamilyAccess:
		rel := access.RelationOther // DossierResource: may they manage someone's access?
		if r.Person != "" {
			rel = o.person.Relation
		}
		return q.or(q.familyRoutes(o, rel, r.Level), access.CanManagePersonAccess(o.dd, q.actor(o), rel, r.Level), "ACC-1")
	case GrantAccess:
		a := q.actor(o)
		if r.Advisor != "" {
			if err := access.CanManageAdvisorAccess(o.dd, a); err != nil {
				return denyErr(err, "ACC-9")
			}
			for _, g := range o.grants {
				if g.Kind == access.GranteeAdvisor && g.Advisor == o.adv.ID {
					return deny("ACC-4", reasonAlreadyGranted)
				}
			}
			return allowBy(tabAdvisors, cabinet.RouteManager)
		}
		if err := access.CanManagePersonAccess(o.dd, a, o.person.Relation, r.Level); err != nil {
			return denyErr(err, "ACC-1")
		}
		if o.pg.ID != "" {
			return deny("ACC-4", reasonAlreadyGranted)
		}
		return q.by(q.familyRoutes(o, o.person.Relation, r.Level))
	case ChangeGrantLevel, CorrectGrantContact, RevokeGrant:
		return q.grantCommand(o)
	case ViewGrant:
		a := q.actorWithRoutes(o, access.View())
		if err := access.CanViewGrant(o.dd, a, o.grant); err != nil {
			return denyErr(err, "ACC-7")
		}
		routes := a.Routes & cabinet.InternalRoutes
		if access.HoldsCentralGrant(o.dd.ID, q.u.id, o.grants) {
			routes |= cabinet.RouteCentralPerson
		}
		if o.grant.User == q.u.id {
			routes |= cabinet.RouteSelf
		}
		return q.by(routes)
	case ViewAccessRights:
		a := q.actorWithRoutes(o, access.View())
		if err := access.CanViewAccessRights(o.dd, a); err != nil {
			return denyErr(err, "ACC-7")
		}
		routes := a.Routes & cabinet.InternalRoutes
		if access.HoldsCentralGrant(o.dd.ID, q.u.id, o.grants) {
			routes |= cabinet.RouteCentralPerson
		}
		return q.by(routes)
	case ManageExternalAdvisors:
		return q.or(cabinet.RouteManager, access.CanManageAdvisorAccess(o.dd, q.actor(o)), "ACC-9")
	case AssignClientGroup:
		to := clientgroup.ClientGroup{}
		if r.Group != "" {
			g := ix.cgs[r.Group]
			if g == nil || !g.exists {
				return deny("POL-4", reasonUnknownGroup)
			}
			to = clientgroup.ClientGroup{ID: g.g.ID, Office: g.g.Office}
		}
		return q.or(cabinet.RouteAdmin, clientgroup.CanMoveDossier(ix.factsOf(d), to, q.u.profile(o.dd.Office)), "GRP-5")
	case SetManager:
		return q.or(q.organisers(o), access.CanManageDossier(o.dd, q.actor(o)), "ACC-1")
	case SetStatus:
		return q.setStatus(o)
	case ReadContactAddress:
		in := ix.internal(q.u, d)
		held := heldRoutes(q.u.id, o.grants)
		return q.or(in|held, clientgroup.CanReadContactAddress(in, held != 0), "GRP-7")
	case ViewRoutes:
		who := r.User
		if who == "" {
			who = q.u.id
		}
		prof := q.u.profile(o.dd.Office)
		if err := clientgroup.CanViewRoutes(q.u.id, who, prof); err != nil {
			return denyErr(err, "GRP-3")
		}
		var routes cabinet.Routes
		if who == q.u.id {
			routes |= cabinet.RouteSelf
		}
		if prof == cabinet.ProfileAdmin {
			routes |= cabinet.RouteAdmin
		}
		return q.by(routes)
	}
	return deny("POL-4", reasonWrongKind)
}

// organisers are the routes of an admin and of the manager (while a
// collaborator) who organise the dossier (ACC-1).
func (q *decision) organisers(o *onDossier) cabinet.Routes {
	var routes cabinet.Routes
	if q.u.profile(o.dd.Office) == cabinet.ProfileAdmin {
		routes |= cabinet.RouteAdmin
	}
	if q.isManager(o) {
		routes |= cabinet.RouteManager
	}
	return routes
}

// content answers ViewDossier, EditSection, UseSimulations and UseReports:
// internal ∪ team ∪ allowing grants (grants never use the tools). On an
// archived dossier every action but viewing is denied first (ACC-12).
func (q *decision) content(d *dossRec) verdict { return q.ix.content(q.u, d, q.a, q.r.Section) }

// content is decision.content for user record u, dossier record d (nil or
// not existing when the dossier is unknown: POL-4), content action a
// (isContent) and, for EditSection, the section sec.
func (ix *index) content(u *userRec, d *dossRec, a Action, sec access.Section) verdict {
	var v verdict
	ix.contentTo(&v, u, d, a, sec)
	return v
}

// contentTo is content into *v. Check and CheckBatch take their verdict
// this way: a verdict is 48 bytes, too large for the compiler to keep in
// registers, so each return copies it through the stack — and the copy,
// read as wide words just after the call wrote it as narrow ones, stalls
// the processor (a store-forwarding failure, every copy: a quarter of a
// repeated Check; issue 15).
func (ix *index) contentTo(v *verdict, u *userRec, d *dossRec, a Action, sec access.Section) {
	if d == nil || !d.exists {
		*v = deny("POL-4", reasonUnknownResource)
		return
	}
	if a != ViewDossier {
		if a == EditSection && !sec.Valid() {
			*v = deny("POL-4", reasonBadSection)
			return
		}
		if d.status == cabinet.DossierArchived {
			*v = deny("ACC-12", reasonArchived)
			return
		}
	}
	profile := u.profile(ix.officeOf(d))
	in := ix.internalAt(u, d, profile)
	// Most dossiers have no referral and no grant: no team route, no
	// grant route, and no refusal of either (what teamRoute and
	// grantRoutes return for none). An internal route then decides alone,
	// here; the rest (contentBeyond) is a call of its own, so that this,
	// every Check's path, stays short (issue 15: a repeated request).
	if in != 0 && !d.hasRefs && !d.hasGrants {
		v.allow(tabContent, in)
		return
	}
	ix.contentBeyond(v, u, d, a, sec, profile, in)
}

// contentBeyond is contentTo past the internal routes in of u (of profile
// in d's office) to d, into *v: the team and grant routes when d has
// referrals or grants, and every denial's reason (most questions of a page
// of random dossiers are denials).
func (ix *index) contentBeyond(v *verdict, u *userRec, d *dossRec, a Action, sec access.Section, profile cabinet.Profile, in cabinet.Routes) {
	var act access.Action
	switch a {
	case ViewDossier:
		act = access.View()
	case EditSection:
		act = access.Edit(sec)
	default:
		act = access.UseTool(dossierTool[a-UseSimulations])
	}
	var tr, gr cabinet.Routes
	var terr, gerr error
	if d.hasRefs {
		tr, terr = ix.teamRoute(u, d, act)
	}
	if d.hasGrants {
		gr, gerr = grantRoutes(u.id, ix.grantsOf(d), act)
	}
	if routes := in | tr | gr; routes != 0 {
		v.allow(tabContent, routes)
		return
	}
	if gerr != nil {
		*v = denyErr(gerr, "POL-1")
		return
	}
	// Issue 16: an expired grant names its rule, before the team route's
	// refusal (the access service names it the same way on its reads).
	if d.hasGrants && d.expiring { // as expiredGrantOf, without copying a zero Grant on the common path
		if g, ok := ix.expiredGrantOf(u.id, d); ok {
			if g.Kind == access.GranteeAdvisor {
				*v = deny("ACC-10", reasonGrantExpired)
				return
			}
			*v = deny("ACC-4", reasonGrantExpired)
			return
		}
	}
	switch {
	case terr != nil:
		*v = denyErr(terr, "TEAM-8")
	case profile.Valid() && ix.expiredDirect(u, d.group): // issue 16
		*v = deny("GRP-3", reasonDirectExpired)
	case profile.Valid() && d.group == 0:
		*v = deny("GRP-2", reasonNoGroup)
	case profile.Valid():
		*v = deny("GRP-3", reasonNoInternal)
	default:
		*v = deny("POL-1", reasonNoRoute)
	}
}

// familyTree answers EditFamilyTree and RemovePerson with
// access.CanEditPerson: allowed via every route that opens the family
// structure for editing (internal routes, the team route, read_write
// grants); a change to a central person via the manager only (ACC-2);
// removing a granted person also via the routes by which the subject may
// revoke the grant (the manager, a central person).
func (q *decision) familyTree(o *onDossier) verdict {
	from, to := access.RelationInvalid, q.r.Relation
	if q.r.Person != "" {
		from = o.person.Relation
		if to == access.RelationInvalid {
			to = from
		}
	}
	if q.a == RemovePerson {
		to = access.RelationInvalid
	}
	a := q.actorWithRoutes(o, access.Edit(access.SectionFamilyStructure))
	var err error
	if q.r.Person == "" && to == access.RelationInvalid {
		err = access.CanEditFamilyTree(o.dd, a)
	} else {
		err = access.CanEditPerson(o.dd, a, from, to, o.pg)
	}
	if err != nil {
		return denyErr(err, "ACC-11")
	}
	gr, _ := grantRoutes(q.u.id, o.grants, access.Edit(access.SectionFamilyStructure))
	routes := a.Routes | gr
	if from.Central() || to.Central() {
		routes &= cabinet.RouteManager
	}
	if q.a == RemovePerson && o.pg.ID != "" {
		// Removing a granted person revokes the grant: the routes that
		// open the tree, and those by which the subject may revoke.
		routes |= q.familyRoutes(o, from, access.LevelInvalid)
	}
	return q.by(routes)
}

// grantCommand answers ChangeGrantLevel, CorrectGrantContact and
// RevokeGrant with access.CanChangeLevel, CanCorrectContact and
// CanRevokeGrant: a person's grant via the manager (ACC-1) or a central
// person (ACC-7), an advisor's via the manager (ACC-9).
func (q *decision) grantCommand(o *onDossier) verdict {
	g := o.grant
	rel := access.RelationInvalid
	if g.Kind == access.GranteePerson {
		if p, ok := q.ix.persons[g.Person]; ok {
			rel = p.Relation
		}
	}
	a := q.actor(o)
	var err error
	level := access.LevelInvalid // the level the command gives the grant: a correction redirects it at its own (ACC-7)
	switch q.a {
	case ChangeGrantLevel:
		if !q.r.Level.Valid() {
			return deny("POL-4", reasonBadLevel)
		}
		level = q.r.Level
		err = access.CanChangeLevel(o.dd, a, g, rel, level)
	case CorrectGrantContact:
		level = g.Level
		err = access.CanCorrectContact(o.dd, a, g, rel)
	default:
		err = access.CanRevokeGrant(o.dd, a, g, rel)
	}
	fallback, tab := "ACC-1", actionInfos[q.a].tab
	if g.Kind == access.GranteeAdvisor {
		fallback = "ACC-9"
		if q.a != CorrectGrantContact {
			tab = tabAdvisors
		}
	}
	if err != nil {
		return denyErr(err, fallback)
	}
	if g.Kind == access.GranteeAdvisor {
		return allowBy(tab, cabinet.RouteManager)
	}
	return allowBy(tab, q.familyRoutes(o, rel, level))
}

// setStatus answers SetStatus with access.CanSetStatus, and for an
// activation naming a client group what access.Service.Activate checks on
// top: the dossier not yet activated (GRP-5), then
// clientgroup.CanPlaceOnActivation.
func (q *decision) setStatus(o *onDossier) verdict {
	to, g := q.r.Status, q.r.Group
	if !to.Valid() || (g != "" && to != cabinet.DossierActivated) {
		return deny("POL-4", reasonBadStatus)
	}
	if err := access.CanSetStatus(o.dd, q.actor(o), to); err != nil {
		return denyErr(err, "ACC-1")
	}
	if g != "" {
		if o.dd.Status == cabinet.DossierActivated {
			return deny("GRP-5", reasonPlacedElsewhere)
		}
		cg := q.ix.cgs[g]
		if cg == nil || !cg.exists {
			return deny("POL-4", reasonUnknownGroup)
		}
		after := q.ix.factsOf(o.d)
		after.Status = cabinet.DossierActivated
		if err := clientgroup.CanPlaceOnActivation(after, q.ix.cgID(o.d.group), clientgroup.ClientGroup{ID: cg.g.ID, Office: cg.g.Office}); err != nil {
			return denyErr(err, "GRP-5")
		}
	}
	return q.by(q.organisers(o))
}

// refer answers Refer with team.CanRefer: into r.Team, or the subject's
// personal team; an unknown dossier is the same denial as one the subject
// does not reach (TEAM-8, no existence oracle).
func (q *decision) refer(id cabinet.DossierID) verdict {
	tid := q.r.Team
	if tid == "" {
		tid = q.u.personal
	}
	t, ok := q.ix.teams[tid]
	if !ok {
		return deny("POL-4", reasonUnknownTeam)
	}
	reach, routes := q.ix.reach(q.u, id)
	return q.or(routes, team.CanRefer(t, q.u.id, reach), "TEAM-8")
}

// ---- offices ----

func (q *decision) office() verdict {
	o := q.ix.offices[cabinet.OfficeID(q.r.ID)]
	if o == nil || !o.exists {
		return deny("POL-4", reasonUnknownResource)
	}
	id := cabinet.OfficeID(q.r.ID)
	p := q.u.profile(id)
	switch q.a {
	case ViewOffice:
		return q.or(cabinet.RouteCollaborator, clientgroup.CanViewOffice(p), "GRP-1")
	case ManageOffice, AdministerClientGroups, AdministerCollaboratorGroups:
		return q.or(cabinet.RouteAdmin, clientgroup.CanAdminister(p), "GRP-5")
	case ListDossiers:
		return q.or(cabinet.RouteCollaborator, clientgroup.CanListDossiers(p), "GRP-9")
	case CreateDossier:
		return q.or(cabinet.RouteCollaborator, access.CanCreateDossier(access.Actor{ID: q.u.id, Profile: p}), "ACC-1")
	case ViewContacts, ManageContacts:
		return q.or(cabinet.RouteCollaborator, contact.CanManageContacts(p), "CON-1")
	case ListSessions:
		if err := contact.CanListSessions(contact.SessionFilter{Office: id, Actor: q.r.User}, q.u.id, p); err != nil {
			return denyErr(err, "CON-6")
		}
		var routes cabinet.Routes
		if p == cabinet.ProfileAdmin {
			routes |= cabinet.RouteAdmin
		}
		if p.Valid() && q.r.User == q.u.id {
			routes |= cabinet.RouteCollaborator
		}
		return q.by(routes)
	case ViewPlan:
		return q.or(cabinet.RouteCollaborator, procedure.CanViewPlan(p), "PROC-1")
	case StartTrial:
		return q.or(cabinet.RouteAdmin, procedure.CanStartTrial(p, q.ix.planOf(id)), "PROC-1")
	case ConfigureProcedures:
		return q.or(cabinet.RouteAdmin, procedure.CanConfigure(p), "PROC-2")
	case ViewProcedures:
		return q.or(cabinet.RouteCollaborator, procedure.CanViewProcedure(p), "PROC-2")
	case ListCases:
		// procedure.Service.Cases: a collaborator of the office, who then
		// sees the cases they reach — CanReachCase's first check.
		return q.or(cabinet.RouteCollaborator, procedure.CanReachCase(procedure.Case{Office: id, Dossier: "any"}, q.u.id, p, true), "PROC-7")
	}
	return deny("POL-4", reasonWrongKind)
}

// ---- contacts and their records ----

func (q *decision) contactRecord() verdict {
	ix := q.ix
	var office cabinet.OfficeID
	var c contact.Contact
	switch q.r.Kind {
	case ResourceContact:
		x, ok := ix.contacts[cabinet.ContactID(q.r.ID)]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		c, office = x, x.Office
	case ResourceCompany, ResourceProject, ResourceDecision, ResourceUnit:
		o, ok := ix.records[recordKey{q.r.Kind, q.r.ID}]
		if !ok {
			return deny("POL-4", reasonUnknownResource)
		}
		office = o
	}
	p := q.u.profile(office)
	if err := contact.CanManageContacts(p); err != nil && q.a != ImpersonateContact {
		return denyErr(err, "CON-1")
	}
	switch q.a {
	case InviteContact:
		return q.or(cabinet.RouteCollaborator, contact.CanInvite(c), "CON-1")
	case ImpersonateContact:
		target := cabinet.ProfileInvalid
		if c.User != "" {
			if cu := ix.user(c.User); cu != nil {
				target = cu.profile(c.Office)
			}
		}
		return q.or(cabinet.RouteCollaborator, contact.CanImpersonate(c.Office, p, c, target), "CON-6")
	case LinkContact:
		if q.r.Dossier == "" {
			return deny("POL-4", reasonNeedsDossier)
		}
		d := ix.dossier(q.r.Dossier)
		if d == nil || !d.exists {
			return deny("POL-4", reasonUnknownResource)
		}
		var personDossier cabinet.DossierID
		if q.r.Person != "" {
			personDossier = ix.persons[q.r.Person].Dossier
		}
		return q.or(cabinet.RouteCollaborator, contact.CanLinkContact(c, ix.factsOf(d), ix.internal(q.u, d) != 0, q.r.Person, personDossier), "CON-1")
	case UnlinkContact:
		var f cabinet.DossierFacts
		if c.Dossier != "" {
			if d := ix.dossier(c.Dossier); d != nil && d.exists {
				f = ix.factsOf(d)
			}
		}
		return q.or(cabinet.RouteCollaborator, contact.CanUnlinkContact(c, f), "CON-1")
	}
	// ViewContacts, ManageContacts.
	return q.by(cabinet.RouteCollaborator)
}

// ---- impersonation sessions ----

// usable is contact.CanUseSession for s at the engine's clock, with the
// index's facts (CON-6 v2: the same answer as contact.Service.ResolveSession
// at every moment).
func (ix *index) usable(s contact.Session, now time.Time) (contact.Subject, error) {
	var f contact.SessionFacts
	if a := ix.user(s.Actor); a != nil {
		f.Actor, f.ActorSince = a.membership(s.Office)
	}
	if s.ContactUser != "" {
		if t := ix.user(s.ContactUser); t != nil {
			f.Target = t.profile(s.Office)
		}
	}
	return contact.CanUseSession(s, ix.contacts[s.Contact], f, now)
}

func (q *decision) session() verdict {
	s, ok := q.ix.sessions[contact.SessionID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	p := q.u.profile(s.Office)
	switch q.a {
	case ViewSession:
		if err := contact.CanViewSession(s, q.u.id, p); err != nil {
			return denyErr(err, "CON-6")
		}
		var routes cabinet.Routes
		if p == cabinet.ProfileAdmin {
			routes |= cabinet.RouteAdmin
		}
		if p.Valid() && s.Actor == q.u.id {
			routes |= cabinet.RouteCollaborator
		}
		return q.by(routes)
	case UseSession:
		if q.u.id != s.Actor {
			return deny("CON-6", reasonOwnSession)
		}
		_, err := q.ix.usable(s, q.now())
		return q.or(cabinet.RouteCollaborator, err, "CON-6")
	}
	// StopSession.
	_, usable := q.ix.usable(s, q.now())
	return q.or(cabinet.RouteCollaborator, contact.CanStopSession(s, q.u.id, usable), "CON-6")
}

// ---- procedures, cases, items ----

func (q *decision) procedure() verdict {
	p, ok := q.ix.procedures[cabinet.ProcedureID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	prof := q.u.profile(p.Office)
	switch q.a {
	case ConfigureProcedure:
		return q.or(cabinet.RouteAdmin, procedure.CanConfigure(prof), "PROC-2")
	case ConfigureRoles:
		if err := procedure.CanConfigure(prof); err != nil {
			return denyErr(err, "PROC-2")
		}
		return q.or(cabinet.RouteAdmin, procedure.PremiumAvailable(q.ix.planOf(p.Office), q.now()), "PROC-1")
	case ViewProcedures:
		return q.or(cabinet.RouteCollaborator, procedure.CanViewProcedure(prof), "PROC-2")
	}
	// OpenCase, unattached or attached to r.Dossier.
	var f cabinet.DossierFacts
	reaches := false
	if q.r.Dossier != "" && prof.Valid() {
		d := q.ix.dossier(q.r.Dossier)
		if d == nil || !d.exists {
			return deny("POL-4", reasonUnknownResource)
		}
		f, reaches = q.ix.factsOf(d), q.ix.internal(q.u, d) != 0
	}
	return q.or(cabinet.RouteCaseStaff, procedure.CanOpenCase(p, q.u.id, prof, f, reaches), "PROC-7")
}

// caseFacts are the subject's profile in the case's office, whether they
// reach its dossier internally, and its dossier's status
// (DossierStatusInvalid for an unattached case).
func (q *decision) caseFacts(k procedure.Case) (cabinet.Profile, bool, cabinet.DossierStatus) {
	prof := q.u.profile(k.Office)
	if k.Dossier == "" {
		return prof, false, cabinet.DossierStatusInvalid
	}
	d := q.ix.dossier(k.Dossier)
	if d == nil || !d.exists {
		return prof, false, cabinet.DossierStatusInvalid
	}
	return prof, q.ix.internal(q.u, d) != 0, d.status
}

// seatRoute is main_recipient for the case's main recipient, contributor
// for a contributor.
func seatRoute(k procedure.Case, u cabinet.UserID) cabinet.Routes {
	if k.Recipient.User == u && u != "" {
		return cabinet.RouteMainRecipient
	}
	return cabinet.RouteContributor
}

func (q *decision) kase() verdict {
	k, ok := q.ix.cases[cabinet.CaseID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	u := q.u.id
	prof, reaches, status := q.caseFacts(k)
	switch q.a {
	case ViewCase:
		return q.or(cabinet.RouteCaseStaff, procedure.CanReachCase(k, u, prof, reaches), "PROC-7")
	case ViewAsParticipant:
		return q.or(seatRoute(k, u), procedure.CanViewAsParticipant(k, u), "PROC-3")
	case InviteContributor:
		return q.or(cabinet.RouteCaseStaff, procedure.CanInviteContributor(k, u, prof, reaches, status, q.ix.planOf(k.Office), q.now()), "PROC-7")
	}
	// RemoveContributor.
	return q.or(cabinet.RouteCaseStaff, procedure.CanManageSeats(k, u, prof, reaches, status), "PROC-7")
}

// itemPerm is the permission of ViewItem, UploadItem, CommentItem and
// SubmitItem, by a - ViewItem.
var itemPerm = [...]procedure.Permission{procedure.PermView, procedure.PermUpload, procedure.PermComment, procedure.PermSubmit}

func (q *decision) item() verdict {
	k, ok := q.ix.cases[cabinet.CaseID(q.r.ID)]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	p, ok := q.ix.procedures[k.Procedure]
	if !ok {
		return deny("POL-4", reasonUnknownResource)
	}
	// An unknown item is the predicates' not-found (POL-4), in their order
	// (the service's): the participant or staff check comes first.
	u, item := q.u.id, q.r.Item
	prof, reaches, status := q.caseFacts(k)
	switch q.a {
	case ViewItem:
		if err := procedure.CanViewItem(p, k, u, item, prof, reaches); err != nil {
			return denyErr(err, "PROC-3")
		}
		var routes cabinet.Routes
		if procedure.ItemAllows(p, k, u, item, procedure.PermView) == nil {
			routes |= seatRoute(k, u)
		}
		if procedure.CanReachCase(k, u, prof, reaches) == nil {
			routes |= cabinet.RouteCaseStaff
		}
		return q.by(routes)
	case ReviewItem:
		return q.or(cabinet.RouteCaseStaff, procedure.CanReviewItem(p, k, u, item, prof, reaches, status), "PROC-7")
	}
	// UploadItem, CommentItem, SubmitItem.
	return q.or(seatRoute(k, u), procedure.CanActOnItem(p, k, u, item, itemPerm[q.a-ViewItem], status), "PROC-3")
}

// ---- subjects ----

// subject is a resolved Subject: whose rights apply and who acts.
type subject struct {
	user    *userRec // nil when denied
	userID  cabinet.UserID
	actor   cabinet.UserID
	contact cabinet.ContactID
	denied  verdict // set when user is nil
}

// resolve resolves s against the index (POL-4, POL-5, CON-6). The clock is
// read only for an impersonation session, which must be usable
// (contact.CanUseSession, CON-6 v2): its collaborator still a collaborator
// of the office since it started, its contact still an invited or active
// client or partner whose account is not a collaborator.
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
	sub, err := ix.usable(ses, clock.Now())
	if err != nil {
		out.denied = denyErr(err, "CON-6")
		return out
	}
	if sub.User == "" {
		out.denied = deny("CON-6", reasonNoAccount)
		return out
	}
	if u := ix.user(sub.User); u != nil && u.exists {
		out.user = u
	} else {
		out.denied = deny("POL-4", reasonUnknownUser)
	}
	return out
}

// check is Check under the read lock, setting *d (the Decision is 100
// bytes: written once, where the caller keeps it). A user acting as
// themself (no session) is resolved here with one lookup, as resolve
// would; answer then adds nothing but the decision's fields.
func (ix *index) check(d *Decision, s *Subject, a Action, r *Resource, clock cabinet.Clock, rev cabinet.Revision) {
	if s.Session != "" {
		sub := ix.resolve(*s, clock)
		ix.answerRef(d, &sub, s, a, r, clock, rev)
		return
	}
	var v verdict
	if u := ix.user(s.User); u != nil && u.exists {
		ix.decideTo(&v, u, a, r, clock) // decide denies an invalid action as answer does
	} else {
		v = deny("POL-4", reasonUnknownUser)
	}
	setDecision(d, &v, s.User, s.User, "", rev)
}

// answer is check for s already resolved to sub (Trace and WhatIf resolve
// once).
func (ix *index) answer(sub *subject, s Subject, a Action, r Resource, clock cabinet.Clock, rev cabinet.Revision) Decision {
	var d Decision
	ix.answerRef(&d, sub, &s, a, &r, clock, rev)
	return d
}

// answerRef is answer into *d, for a subject and a resource the caller
// keeps.
func (ix *index) answerRef(d *Decision, sub *subject, s *Subject, a Action, r *Resource, clock cabinet.Clock, rev cabinet.Revision) {
	v, gated := gate(sub, s, a)
	if !gated {
		ix.decideTo(&v, sub.user, a, r, clock)
	}
	sub.decide(d, &v, rev)
}

// gate is the part of an answer that does not depend on the resource: the
// subject's denial, an invalid action, and impersonation's viewing-only
// rule (CON-6 v2). It reports whether it decided.
func gate(sub *subject, s *Subject, a Action) (verdict, bool) {
	switch {
	case sub.user == nil:
		return sub.denied, true
	case !a.Valid():
		return deny("POL-4", reasonBadAction), true
	case s.Session != "" && !actionInfos[a].viewing:
		return deny("CON-6", reasonOnlyViewing), true
	}
	return verdict{}, false
}

// decided is the Decision of v for sub at revision rev.
func (sub *subject) decided(v verdict, rev cabinet.Revision) Decision {
	var d Decision
	sub.decide(&d, &v, rev)
	return d
}

// decide sets *d to the Decision of *v for sub at revision rev, in place
// (a Decision is 100 bytes: CheckBatch and Check write it where it is
// kept).
func (sub *subject) decide(d *Decision, v *verdict, rev cabinet.Revision) {
	setDecision(d, v, sub.userID, sub.actor, sub.contact, rev)
}

// setDecision sets every field of *d: the Decision of *v for user, actor
// and contact at revision rev. Field by field, where *d = Decision{…}
// builds the 100 bytes aside and copies them (a tenth of a repeated
// Check: issue 15).
func setDecision(d *Decision, v *verdict, user, actor cabinet.UserID, contact cabinet.ContactID, rev cabinet.Revision) {
	d.Allowed, d.Routes, d.Rule, d.Reason = v.routes != 0, v.routes, v.rule, v.sentence()
	d.User, d.Actor, d.Contact, d.Revision = user, actor, contact, rev
}

// setDecision sets every field: this unkeyed literal stops compiling when
// Decision gains one, which setDecision must then set too.
var _ = Decision{false, 0, "", "", "", "", "", 0}
