package procedure

import (
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

// PremiumAvailable reports whether the contributors option is available to
// the office described by p at instant at (PROC-1): it is while the plan is
// platinum, while the boosters add-on is active (BoostersFrom ≤ at <
// BoostersUntil), or during the one free trial (TrialStartedAt ≤ at <
// TrialStartedAt+7 days; the end instant is outside). It returns nil, or a
// *cabinet.ForbiddenError naming PROC-1 that says why not. It is pure and
// does not allocate when the option is available.
func PremiumAvailable(p OfficePlan, at time.Time) error {
	if p.Plan == PlanPlatinum {
		return nil
	}
	if !p.BoostersFrom.IsZero() && !at.Before(p.BoostersFrom) && at.Before(p.BoostersUntil) {
		return nil
	}
	if !p.TrialStartedAt.IsZero() && !at.Before(p.TrialStartedAt) && at.Before(p.TrialEndsAt()) {
		return nil
	}
	switch {
	case !p.TrialStartedAt.IsZero() && !at.Before(p.TrialEndsAt()):
		return cabinet.Forbidden("PROC-1", "contributor roles are a premium option: the office's trial ended at %s; it needs the platinum plan or the boosters add-on",
			p.TrialEndsAt().UTC().Format(time.RFC3339))
	case !p.BoostersUntil.IsZero() && !at.Before(p.BoostersUntil):
		return cabinet.Forbidden("PROC-1", "contributor roles are a premium option: the office's boosters add-on expired at %s",
			p.BoostersUntil.UTC().Format(time.RFC3339))
	default:
		return cabinet.Forbidden("PROC-1", "contributor roles are a premium option: the office is on the %s plan without boosters or an active trial", planOrStandard(p.Plan))
	}
}

func planOrStandard(p Plan) Plan {
	if !p.Valid() {
		return PlanStandard
	}
	return p
}

// CanConfigure reports whether a collaborator with profile may configure the
// office's procedures: create them, add, rename and remove roles, set
// permissions, add and reassign items, set the automation. Only office
// admins may (decision; the rule is PROC-2, the procedure's configuration).
// It returns nil or a *cabinet.ForbiddenError naming PROC-2.
func CanConfigure(profile cabinet.Profile) error {
	if profile == cabinet.ProfileAdmin {
		return nil
	}
	return errConfigure()
}

func errConfigure() error {
	return cabinet.Forbidden("PROC-2", "only an admin of the office configures its procedures")
}

// CanViewPlan reports whether a user whose profile in the office is profile
// may read the office's plan state (Service.OfficePlan): its collaborators.
// It returns nil or a *cabinet.ForbiddenError naming PROC-1. Pure.
func CanViewPlan(profile cabinet.Profile) error {
	if profile.Valid() {
		return nil
	}
	return cabinet.Forbidden("PROC-1", "only collaborators of the office read its plan")
}

// CanStartTrial reports whether a user whose profile in the office is
// profile may start the office's one free trial now, plan being its plan
// state (PROC-1): only an admin (*cabinet.ForbiddenError naming PROC-1),
// and once per office, even after the trial ended (*cabinet.ConflictError
// naming PROC-1). Pure.
func CanStartTrial(profile cabinet.Profile, plan OfficePlan) error {
	if profile != cabinet.ProfileAdmin {
		return cabinet.Forbidden("PROC-1", "only an admin of the office starts its trial")
	}
	if !plan.TrialStartedAt.IsZero() {
		return cabinet.Conflict("PROC-1", "the office already used its free trial (started %s)", plan.TrialStartedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// CanViewProcedure reports whether a user whose profile in the procedure's
// office is profile may read the office's procedures (their roles, items
// and automation): its collaborators. Participants read their own role
// through ParticipantView. It returns nil or a *cabinet.ForbiddenError
// naming PROC-2. Pure.
func CanViewProcedure(profile cabinet.Profile) error {
	if profile.Valid() {
		return nil
	}
	return cabinet.Forbidden("PROC-2", "only collaborators of the office read its procedures")
}

// CanOpenCase reports whether user, whose profile in p.Office is profile,
// may open a case of procedure p, unattached (dossier is the zero
// DossierFacts) or attached to the dossier d, which user reaches
// internally or not (reaches: GRP-3, clientgroup.Facts.ReachesDossier). It
// returns, checked in this order: a *cabinet.ForbiddenError naming PROC-7
// when user is not a collaborator of p.Office; for an attached case, a
// *cabinet.NotFoundError when d belongs to another office (other offices'
// dossiers do not exist for this one), a *cabinet.ForbiddenError naming
// PROC-7 when user does not reach d, a *cabinet.ConflictError naming ACC-12
// when d is archived; or nil. Pure.
func CanOpenCase(p Procedure, user cabinet.UserID, profile cabinet.Profile, d cabinet.DossierFacts, reaches bool) error {
	if !profile.Valid() || user == "" {
		return errNotStaff()
	}
	if d.ID == "" {
		return nil
	}
	switch {
	case d.Office != p.Office:
		return cabinet.NotFound("dossier", d.ID)
	case !reaches:
		return errDossierRoute()
	case d.Status == cabinet.DossierArchived:
		return errArchived(d.ID)
	}
	return nil
}

// CanChangeCase reports whether case c may change, dossier being the status
// of the dossier it is attached to (ignored for an unattached case): a case
// attached to an archived dossier is read-only (ACC-12) — no seat change,
// no upload, comment, submission or review — and the answer is a
// *cabinet.ConflictError naming ACC-12. Pure; no allocation when it allows.
func CanChangeCase(c Case, dossier cabinet.DossierStatus) error {
	if c.Dossier != "" && dossier == cabinet.DossierArchived {
		return errArchived(c.Dossier)
	}
	return nil
}

func errArchived(d cabinet.DossierID) error {
	return cabinet.Conflict("ACC-12", "dossier %s is archived: its cases are read-only", d)
}

// CanManageSeats reports whether user may remove a contributor of case c:
// staff who reach the case (CanReachCase, PROC-7), then the case must be
// changeable (CanChangeCase, ACC-12). Withdrawing access needs no premium
// option. Pure.
func CanManageSeats(c Case, user cabinet.UserID, profile cabinet.Profile, reachesDossier bool, dossier cabinet.DossierStatus) error {
	if err := CanReachCase(c, user, profile, reachesDossier); err != nil {
		return err
	}
	return CanChangeCase(c, dossier)
}

// CanInviteContributor reports whether user may seat a contributor on case
// c (invite or replace): CanManageSeats, then the contributors option must
// be available at now for the office's plan (PremiumAvailable, PROC-1:
// outside it, inviting contributors is refused; existing contributors keep
// what they had). Pure.
func CanInviteContributor(c Case, user cabinet.UserID, profile cabinet.Profile, reachesDossier bool, dossier cabinet.DossierStatus, plan OfficePlan, now time.Time) error {
	if err := CanManageSeats(c, user, profile, reachesDossier, dossier); err != nil {
		return err
	}
	return PremiumAvailable(plan, now)
}

// CanSeatContact reports whether contact c may be seated on a case of
// office (issue 12, seed 004: a contributor invited from an existing
// contact of the office). It returns, in this order, a
// *cabinet.NotFoundError when c belongs to another office, a
// *cabinet.ForbiddenError naming CON-4 when c is archived or CON-3 when it
// is a lead (leads are never invited to the platform), an
// *cabinet.InvalidError ("contact") when it has no email, or nil. Pure.
func CanSeatContact(office cabinet.OfficeID, c contact.Contact) error {
	switch {
	case c.Office != office:
		return cabinet.NotFound("contact", c.ID)
	case c.Archived:
		return cabinet.Forbidden("CON-4", "contact %s is archived", c.ID)
	case c.Kind == contact.KindLead:
		return cabinet.Forbidden("CON-3", "a lead is never invited to the platform; it becomes a client when it buys a unit")
	case c.Email == "":
		return cabinet.Invalid("contact", "contact %s has no email", c.ID)
	}
	return nil
}

// CanReachCase reports whether a collaborator reaches case c internally
// (PROC-7): an attached case follows its dossier (reachesDossier is the
// answer of the office directory, GRP-3, for user and c.Dossier); an
// unattached case is reachable by the office's admins and by the collaborator
// who opened it. profile is the user's profile in c.Office
// (cabinet.ProfileInvalid when the user is not a collaborator of it, which
// always denies). It returns nil or a *cabinet.ForbiddenError naming PROC-7,
// and does not allocate.
func CanReachCase(c Case, user cabinet.UserID, profile cabinet.Profile, reachesDossier bool) error {
	if !profile.Valid() || user == "" {
		return errNotStaff()
	}
	if c.Dossier != "" {
		if reachesDossier {
			return nil
		}
		return errDossierRoute()
	}
	if profile == cabinet.ProfileAdmin || c.OpenedBy == user {
		return nil
	}
	return errUnattached()
}

func errNotStaff() error {
	return cabinet.Forbidden("PROC-7", "only collaborators of the case's office reach a case")
}
func errDossierRoute() error {
	return cabinet.Forbidden("PROC-7", "staff access to a case follows its dossier, which this collaborator does not reach")
}
func errUnattached() error {
	return cabinet.Forbidden("PROC-7", "an unattached case is reachable only by the office's admins and the collaborator who opened it")
}

// SeatOf returns the participant seat that user holds on c (the main
// recipient or a contributor) and whether there is one. A user holds at
// most one seat per case.
func SeatOf(c Case, user cabinet.UserID) (Participant, bool) {
	if user == "" {
		return Participant{}, false
	}
	if c.Recipient.User == user {
		return c.Recipient, true
	}
	for _, p := range c.Contributors {
		if p.User == user {
			return p, true
		}
	}
	return Participant{}, false
}

// ItemAllows reports whether user, as a participant of case c of procedure
// p, may exercise perm on item (PROC-3, PROC-4). The main recipient and each
// contributor act only on the items assigned to their role (PROC-3), and
// only with their role's permissions (PROC-4). It returns nil; a
// *cabinet.ForbiddenError naming PROC-3 (not a participant of the case, the
// case is not of p, or the item belongs to another role) or PROC-4 (the role
// lacks perm, or perm is invalid); or a *cabinet.NotFoundError when the item
// is not one of p's. The plan of the office is not consulted: losing the
// premium option never takes away a contributor's access (PROC-1). Pure; no
// allocation when it allows.
func ItemAllows(p Procedure, c Case, user cabinet.UserID, item ItemID, perm Permission) error {
	if c.Procedure != p.ID {
		return errOtherProcedure()
	}
	seat, ok := SeatOf(c, user)
	if !ok {
		return errNotParticipant()
	}
	it, ok := p.Item(item)
	if !ok {
		return cabinet.NotFound("item", item)
	}
	if it.Role != seat.Role {
		return errOtherRole()
	}
	role, ok := p.Role(seat.Role)
	if !ok {
		return errOtherRole()
	}
	if !perm.Valid() {
		return errBadPermission()
	}
	if !role.Permissions.Has(perm) {
		return cabinet.Forbidden("PROC-4", "the role %q does not have the %s permission", role.Name, perm)
	}
	return nil
}

func errOtherProcedure() error {
	return cabinet.Forbidden("PROC-3", "the case is not an instance of this procedure")
}
func errNotParticipant() error {
	return cabinet.Forbidden("PROC-3", "only the case's recipient and contributors act on its items")
}
func errOtherRole() error     { return cabinet.Forbidden("PROC-3", "the item is assigned to another role") }
func errBadPermission() error { return cabinet.Forbidden("PROC-4", "unknown permission") }

// CanActOnItem reports whether user, a participant of case c, may upload,
// comment or submit (perm) on item: ItemAllows (PROC-3, PROC-4), then the
// case must be changeable (CanChangeCase, ACC-12). The premium option is
// never consulted (PROC-1: existing contributors keep what they had). Pure.
func CanActOnItem(p Procedure, c Case, user cabinet.UserID, item ItemID, perm Permission, dossier cabinet.DossierStatus) error {
	if err := ItemAllows(p, c, user, item, perm); err != nil {
		return err
	}
	return CanChangeCase(c, dossier)
}

// CanViewItem reports whether user may view item of case c of procedure p:
// a participant through ItemAllows with the view permission (PROC-3,
// PROC-4), or staff who reach the case (CanReachCase, PROC-7 v2: staff view
// every item of the cases they reach). Viewing is allowed on an archived
// dossier's case. It returns nil; when both routes fail, the participant's
// denial (PROC-3, PROC-4, or not found) if user holds a seat on c, else the
// staff denial (PROC-7); a *cabinet.NotFoundError for an item that is not
// p's once a route allows. Pure.
func CanViewItem(p Procedure, c Case, user cabinet.UserID, item ItemID, profile cabinet.Profile, reachesDossier bool) error {
	seatErr := ItemAllows(p, c, user, item, PermView)
	if seatErr == nil {
		return nil
	}
	staffErr := CanReachCase(c, user, profile, reachesDossier)
	if staffErr == nil && c.Procedure == p.ID {
		if _, ok := p.Item(item); !ok {
			return cabinet.NotFound("item", item)
		}
		return nil
	}
	if _, seated := SeatOf(c, user); seated {
		return seatErr
	}
	if staffErr == nil {
		return errOtherProcedure()
	}
	return staffErr
}

// CanReviewItem reports whether user may review (accept or reject) item of
// case c of procedure p (PROC-7 v2): staff who reach the case
// (CanReachCase), then the item must be p's (*cabinet.NotFoundError), then
// the case must be changeable (CanChangeCase, ACC-12). Participants do not
// review. Pure.
func CanReviewItem(p Procedure, c Case, user cabinet.UserID, item ItemID, profile cabinet.Profile, reachesDossier bool, dossier cabinet.DossierStatus) error {
	if err := CanReachCase(c, user, profile, reachesDossier); err != nil {
		return err
	}
	if c.Procedure != p.ID {
		return errOtherProcedure()
	}
	if _, ok := p.Item(item); !ok {
		return cabinet.NotFound("item", item)
	}
	return CanChangeCase(c, dossier)
}

// CanViewAsParticipant reports whether user holds a seat on case c, and may
// so read its participant view (ParticipantView). It returns nil or a
// *cabinet.ForbiddenError naming PROC-3. Pure.
func CanViewAsParticipant(c Case, user cabinet.UserID) error {
	if _, ok := SeatOf(c, user); ok {
		return nil
	}
	return errNotParticipant()
}

// ViewFor returns the participant view of case c of procedure p for user
// (PROC-3 v2): their seat and role, the items of their role if it has view
// (in procedure order, each with its state), and nothing of any other
// participant — every By in the item states that is not user is "". It
// returns CanViewAsParticipant's error when user holds no seat, or a
// *cabinet.ForbiddenError naming PROC-3 when c is not an instance of p.
// Pure; the result shares no memory with c.
func ViewFor(p Procedure, c Case, user cabinet.UserID) (ParticipantView, error) {
	if c.Procedure != p.ID {
		return ParticipantView{}, errOtherProcedure()
	}
	seat, ok := SeatOf(c, user)
	if !ok {
		return ParticipantView{}, errNotParticipant()
	}
	role, _ := p.Role(seat.Role)
	v := ParticipantView{
		Case: c.ID, Office: c.Office, Procedure: c.Procedure, ProcedureName: p.Name, OpenedAt: c.OpenedAt,
		Main: c.Recipient.User == user, Role: role, Seat: seat,
	}
	for _, it := range VisibleItems(p, c, user) {
		v.Items = append(v.Items, ItemView{Item: it, State: RedactItemState(c.ItemState(it.ID), user)})
	}
	return v, nil
}

// RedactItemState returns a copy of st as viewer may see it in a
// participant's view: every By (documents, comments, submission, reviews)
// that is not viewer becomes "". Pure.
func RedactItemState(st ItemState, viewer cabinet.UserID) ItemState {
	redact := func(u cabinet.UserID) cabinet.UserID {
		if u == viewer {
			return u
		}
		return ""
	}
	out := ItemState{Item: st.Item, SubmittedBy: redact(st.SubmittedBy), SubmittedAt: st.SubmittedAt}
	for _, d := range st.Documents {
		d.By = redact(d.By)
		out.Documents = append(out.Documents, d)
	}
	for _, cm := range st.Comments {
		cm.By = redact(cm.By)
		out.Comments = append(out.Comments, cm)
	}
	for _, r := range st.Reviews {
		r.By = redact(r.By)
		out.Reviews = append(out.Reviews, r)
	}
	return out
}

// VisibleItems returns the items of p that user may view on case c (PROC-3):
// the items of their role, if their role has the view permission. Nil when
// user is not a participant.
func VisibleItems(p Procedure, c Case, user cabinet.UserID) []Item {
	var out []Item
	for _, it := range p.Items {
		if ItemAllows(p, c, user, it.ID, PermView) == nil {
			out = append(out, it)
		}
	}
	return out
}
