package access

import (
	"github.com/cabinet-go/cabinet"
)

// ActionKind is the kind of thing a grantee may try on a dossier.
// The zero value is invalid.
type ActionKind uint8

// Action kinds.
const (
	ActionInvalid        ActionKind = iota
	ActionView                      // "view": open the dossier and read every section
	ActionEdit                      // "edit": change one section
	ActionUseTool                   // "use_tool": create simulations or reports
	ActionManageFamily              // "manage_family_access": grant/change/revoke family members (ACC-7)
	ActionManageAdvisors            // "manage_advisor_access": grant/change/revoke external advisors (ACC-9)
)

var actionKindNames = []string{"invalid", "view", "edit", "use_tool", "manage_family_access", "manage_advisor_access"}

// String returns the kind's name, e.g. "use_tool".
func (k ActionKind) String() string { return enumString(actionKindNames, "ActionKind", uint8(k)) }

// Valid reports whether k is a known kind.
func (k ActionKind) Valid() bool { return k >= ActionView && k <= ActionManageAdvisors }

// ParseActionKind returns the kind named s, or an *cabinet.InvalidError for
// field "action".
func ParseActionKind(s string) (ActionKind, error) {
	v, err := parseEnum(actionKindNames, "action", s)
	return ActionKind(v), err
}

// Action is what a grantee tries on a dossier: a kind, with the section for
// ActionEdit and the tool for ActionUseTool. Build it with View, Edit,
// UseTool, ManageFamilyAccess or ManageAdvisorAccess.
type Action struct {
	Kind    ActionKind
	Section Section // ActionEdit only
	Tool    Tool    // ActionUseTool only
}

// View is the action of opening the dossier.
func View() Action { return Action{Kind: ActionView} }

// Edit is the action of changing section s.
func Edit(s Section) Action { return Action{Kind: ActionEdit, Section: s} }

// UseTool is the action of using tool t (creating simulations or reports).
func UseTool(t Tool) Action { return Action{Kind: ActionUseTool, Tool: t} }

// ManageFamilyAccess is the action of granting, changing or revoking the
// access of family members.
func ManageFamilyAccess() Action { return Action{Kind: ActionManageFamily} }

// ManageAdvisorAccess is the action of granting, changing or revoking the
// access of external advisors.
func ManageAdvisorAccess() Action { return Action{Kind: ActionManageAdvisors} }

// Valid reports whether a is well formed.
func (a Action) Valid() bool {
	switch a.Kind {
	case ActionView, ActionManageFamily, ActionManageAdvisors:
		return a.Section == SectionInvalid && a.Tool == ToolInvalid
	case ActionEdit:
		return a.Section.Valid() && a.Tool == ToolInvalid
	case ActionUseTool:
		return a.Tool.Valid() && a.Section == SectionInvalid
	}
	return false
}

// String returns e.g. "view", "edit asset_inventory", "use_tool reports".
func (a Action) String() string {
	switch a.Kind {
	case ActionEdit:
		return "edit " + a.Section.String()
	case ActionUseTool:
		return "use_tool " + a.Tool.String()
	}
	return a.Kind.String()
}

// Actor is what the predicates know about the acting user on one dossier,
// as seen at decision time (a command reads it in its own transaction;
// package policy fills it from its index):
//
//   - ID: the user ("" is nobody: every right is denied);
//   - Profile: their profile in the dossier's office, cabinet.ProfileInvalid
//     when they are not a collaborator of it. Every right that comes from
//     being the manager or an assigned collaborator requires a valid
//     profile (GRP-11 v2): a manager who left the office manages nothing,
//     even while the dossier still names them;
//   - Routes: their internal routes to the dossier (GRP-3), as
//     clientgroup.InternalRoutes computes them — cabinet.NoRoutes for a
//     non-collaborator — plus cabinet.RouteTeam when they reach it through
//     a team for the action the predicate decides (TEAM-8, TEAM-9; a
//     referral in one of their teams whose referrer may take that action
//     themselves, TEAM-8 v2: viewing for CanViewDossier, editing the
//     family structure for CanEditFamilyTree and CanEditPerson). Only the
//     predicates that say so read it (family-tree edits and reads); others
//     may leave it empty;
//   - Held: the grants they hold on the dossier (any others are ignored).
type Actor struct {
	ID      cabinet.UserID
	Profile cabinet.Profile
	Routes  cabinet.Routes
	Held    []Grant
}

// isManager reports whether a is d's manager and still a collaborator of
// its office (ACC-1, GRP-11 v2).
func (a Actor) isManager(d Dossier) bool { return d.IsManager(a.ID) && a.Profile.Valid() }

// reaches reports whether a has an internal route to the dossier (GRP-3).
func (a Actor) reaches() bool { return a.ID != "" && a.Routes&cabinet.InternalRoutes != 0 }

// opens reports whether a reaches the dossier as its office or its team
// does: an internal route (GRP-3) or the team route, which gives a team's
// members full access to their clients' dossiers (TEAM-4, TEAM-8).
func (a Actor) opens() bool {
	return a.ID != "" && a.Routes&(cabinet.InternalRoutes|cabinet.RouteTeam) != 0
}

// centralLevel returns the highest level of a's grants to a central person
// of d (ACC-7), LevelInvalid when a holds none.
func (a Actor) centralLevel(d cabinet.DossierID) Level {
	best := LevelInvalid
	if a.ID == "" {
		return best
	}
	for i := range a.Held {
		g := &a.Held[i]
		if g.Dossier == d && g.User == a.ID && g.Kind == GranteePerson && g.Central && g.Level.Valid() && g.Level > best {
			best = g.Level
		}
	}
	return best
}

// GrantAllows reports whether grant g lets its holder perform a on g's
// dossier. It returns nil when allowed, and otherwise a
// *cabinet.ForbiddenError naming the rule:
//
//   - view: every grant (ACC-4);
//   - edit: a read_write grant edits the sections open to its kind
//     (Section.OpenTo): for an external advisor family_structure,
//     asset_inventory and donation_inventory (ACC-10); for a person of the
//     tree, central or not, those three and documents (ACC-11 v2); notes
//     never; denials name ACC-10 for advisors and ACC-11 for persons;
//   - use simulations or reports: never (ACC-10, ACC-11);
//   - manage family access: a grant to a central person (ACC-7) — which
//     persons they may manage, at which level, is CanManagePersonAccess's
//     question;
//   - manage external advisors' access: never, only the manager (ACC-9).
//
// GrantAllows does not know the dossier's status: on an archived dossier
// every action other than viewing is refused by the predicates of the
// commands (ACC-12, CheckWritable). An invalid grant (unknown kind or
// level) or an invalid action is denied (POL-4) with an
// *cabinet.InvalidError naming "grant" or "action". For a valid grant and
// action neither path allocates: the denials are built once and shared
// (read them, do not modify them). g's User and dossier are not checked: the caller asks about the
// grants the subject holds on the dossier at hand.
func GrantAllows(g Grant, a Action) error {
	if !g.Kind.Valid() || !g.Level.Valid() {
		return cabinet.Invalid("grant", "grant %q has no valid kind or level", g.ID)
	}
	if !a.Valid() {
		return cabinet.Invalid("action", "%v is not a valid action", a)
	}
	k := 0 // grantDenied's index of g.Kind
	if g.Kind == GranteeAdvisor {
		k = 1
	}
	switch a.Kind {
	case ActionView:
		return nil
	case ActionEdit:
		if !a.Section.OpenTo(g.Kind) {
			return grantDenied.edit[k][a.Section]
		}
		if g.Level != LevelReadWrite {
			return grantDenied.readOnly[k]
		}
		return nil
	case ActionUseTool:
		return grantDenied.tool[k][a.Tool]
	case ActionManageFamily:
		if g.Kind == GranteePerson && g.Central {
			return nil
		}
		return errNotFamilyManager
	default: // ActionManageAdvisors
		return errNotAdvisorManager
	}
}

// CheckWritable returns a *cabinet.ConflictError naming ACC-12 when d is
// archived: an archived dossier is read-only for everyone, and every
// command that would change it (its organisation, family tree, advisors,
// grants, client group) is refused, whoever asks. The one way out is
// reactivation (CanSetStatus). Every command predicate of this package
// calls it first. No allocation on the allow path.
func CheckWritable(d Dossier) error {
	if d.Status == cabinet.DossierArchived {
		return cabinet.Conflict("ACC-12", "dossier %q is archived: it is read-only until an admin or its manager reactivates it", d.ID)
	}
	return nil
}

// CanCreateDossier reports whether a may create a dossier in the office
// whose profile a.Profile is: any collaborator of it (Decision, ACC-1: the
// creator becomes its manager). It returns nil or a *cabinet.ForbiddenError
// naming ACC-1.
func CanCreateDossier(a Actor) error {
	if a.ID != "" && a.Profile.Valid() {
		return nil
	}
	return cabinet.Forbidden("ACC-1", "only a collaborator of the office creates its dossiers")
}

// CanManageDossier reports whether a may change d's organisation (its
// manager and assigned collaborators): an admin of d's office, or d's
// manager while a collaborator of it (GRP-11 v2). Checks, in order: ACC-12
// (*cabinet.ConflictError, archived), then ACC-1 (*cabinet.ForbiddenError).
// Status changes are CanSetStatus's.
func CanManageDossier(d Dossier, a Actor) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	return canOrganise(d, a)
}

func canOrganise(d Dossier, a Actor) error {
	if a.ID != "" && (a.Profile == cabinet.ProfileAdmin || a.isManager(d)) {
		return nil
	}
	return errNotOrganiser
}

// CanSetStatus reports whether a may move d to status to. Who: an admin of
// d's office or d's manager while a collaborator of it (ACC-1, a
// *cabinet.ForbiddenError), checked first. Then the move: draft →
// activated, activated → archived and archived → activated (reactivation,
// the one change an archived dossier accepts, ACC-12); setting the current
// status is allowed (a no-op). Leaving archived for anything but activated
// is a *cabinet.ConflictError naming ACC-12; the other moves (activated →
// draft, draft → archived) are a *cabinet.ConflictError without rule. An
// invalid status is an *cabinet.InvalidError naming "status".
func CanSetStatus(d Dossier, a Actor, to cabinet.DossierStatus) error {
	if !to.Valid() {
		return cabinet.Invalid("status", "%v is not a dossier status", to)
	}
	if err := canOrganise(d, a); err != nil {
		return err
	}
	from := d.Status
	switch {
	case from == to,
		from == cabinet.DossierDraft && to == cabinet.DossierActivated,
		from == cabinet.DossierActivated && to == cabinet.DossierArchived,
		from == cabinet.DossierArchived && to == cabinet.DossierActivated:
		return nil
	case from == cabinet.DossierArchived:
		return cabinet.Conflict("ACC-12", "an archived dossier only leaves its archive by reactivation, not to %s", to)
	}
	return cabinet.Conflict("", "a dossier cannot move from %s to %s", from, to)
}

// CanManageExternalAccess reports whether a may manage the access of
// people outside the office to d (ACC-1): only the manager, while a
// collaborator of d's office (GRP-11 v2); admins cannot. Checks, in order:
// ACC-12 (conflict), ACC-1 (*cabinet.ForbiddenError). ACC-7 widens this for
// family members; see CanManagePersonAccess.
func CanManageExternalAccess(d Dossier, a Actor) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if a.isManager(d) {
		return nil
	}
	return errNotPersonManager
}

// CanManageAdvisorAccess reports whether a may register, edit or remove
// external advisors of d and grant, change, correct or revoke their access
// (ACC-8, ACC-9): only the manager while a collaborator of d's office
// (GRP-11 v2); central persons, admins and other collaborators cannot.
// Checks, in order: ACC-12 (conflict), ACC-9 (*cabinet.ForbiddenError).
func CanManageAdvisorAccess(d Dossier, a Actor) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if a.isManager(d) {
		return nil
	}
	return errNotAdvisorManager
}

// CanManagePersonAccess reports whether a may grant, change, correct or
// revoke the access of a person of d's family tree whose relation is
// target, at level (the level granted or set; LevelInvalid when no level
// is given, as when revoking or correcting contact details). Checks, in
// order:
//
//  1. ACC-12: d archived (*cabinet.ConflictError);
//  2. the manager, while a collaborator of d's office (GRP-11 v2), may for
//     anyone of the tree at any level (ACC-1);
//  3. a central person holding a grant on d (ACC-7) may for non-central
//     persons only, and at most at their own level (ACC-7 v2): otherwise
//     a *cabinet.ForbiddenError naming ACC-7;
//  4. anyone else: a *cabinet.ForbiddenError naming ACC-1.
//
// The allow path does not allocate.
func CanManagePersonAccess(d Dossier, a Actor, target Relation, level Level) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if a.isManager(d) {
		return nil
	}
	if own := a.centralLevel(d.ID); own != LevelInvalid {
		if target.Central() {
			return cabinet.Forbidden("ACC-7", "a central person cannot manage the access of another central person")
		}
		if level.Valid() && level > own {
			return cabinet.Forbidden("ACC-7", "a central person grants at most their own level (%s)", own)
		}
		return nil
	}
	return errNotPersonManager
}

// CentralGrantAllows reports whether one of held is a grant on dossier d to
// a central person, linked to user u, that allows act (ACC-7, ACC-11): what
// a referrer who is the dossier's client may share with a team (TEAM-8 v2).
func CentralGrantAllows(d cabinet.DossierID, u cabinet.UserID, held []Grant, act Action) bool {
	if u == "" {
		return false
	}
	for i := range held {
		g := &held[i]
		if g.Dossier == d && g.User == u && g.Kind == GranteePerson && g.Central && GrantAllows(*g, act) == nil {
			return true
		}
	}
	return false
}

// HoldsCentralGrant reports whether one of held is a grant on dossier d to a
// central person, linked to user u (ACC-7).
func HoldsCentralGrant(d cabinet.DossierID, u cabinet.UserID, held []Grant) bool {
	if u == "" {
		return false
	}
	for i := range held {
		g := &held[i]
		if g.Dossier == d && g.User == u && g.Kind == GranteePerson && g.Central {
			return true
		}
	}
	return false
}

// CanRevoke reports whether g may be revoked at all: a grant to a central
// person never can, by anyone (ACC-6). It returns nil or a
// *cabinet.ConflictError naming ACC-6 (ErrConflict): the protection is an
// invariant about the grant, not a permission of the actor, so it is not
// ErrForbidden. Who may revoke is CanRevokeGrant's question.
func CanRevoke(g Grant) error {
	if g.Kind == GranteePerson && g.Central {
		return cabinet.Conflict("ACC-6", "access granted to a central person can never be revoked")
	}
	return nil
}

// CanRevokeGrant is the predicate of Service.Revoke (and of removing a
// granted person or advisor): may a revoke g, a grant on d whose person's
// relation is target (ignored for advisors)? Checks, in order: ACC-12
// (conflict), ACC-6 (conflict: a central person's grant), then who —
// CanManageAdvisorAccess for an advisor's grant (ACC-9),
// CanManagePersonAccess for a person's (ACC-1, ACC-7).
func CanRevokeGrant(d Dossier, a Actor, g Grant, target Relation) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if err := CanRevoke(g); err != nil {
		return err
	}
	return canManageGrant(d, a, g, target, LevelInvalid)
}

// CanChangeLevel is the predicate of Service.ChangeLevel: may a set g's
// level to level (ACC-4)? A central person's grant can change level too
// (ACC-6), by the manager only. Checks: ACC-12 (conflict); for an
// advisor's grant CanManageAdvisorAccess (ACC-9); for a person's
// CanManagePersonAccess(target, level) (ACC-1, ACC-7: a central person sets
// at most their own level); then ACC-7 v2 — nobody raises their own
// grant, the manager included (a *cabinet.ForbiddenError: a grant is the
// access of someone outside the office, and one raised by its own holder
// would outlive their office membership, GRP-11; lowering it is allowed).
func CanChangeLevel(d Dossier, a Actor, g Grant, target Relation, level Level) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if err := canManageGrant(d, a, g, target, level); err != nil {
		return err
	}
	if a.ID != "" && g.User == a.ID && level > g.Level {
		return cabinet.Forbidden("ACC-7", "nobody raises their own grant")
	}
	return nil
}

// CanCorrectContact is the predicate of Service.CorrectGrantContact (and of
// an advisor edit that changes email or phone): may a correct the email
// and phone of g (ACC-3 v2)? Checks, in order: ACC-12 (conflict); ACC-3 — a
// grant linked to an account has fixed details (*cabinet.ConflictError,
// whoever asks); then who: the manager; for a non-central person's grant,
// a granted central person whose level is at least the grant's (ACC-7: a
// correction sends the grant to a new address, as granting it again would,
// so a read_only central person cannot redirect a read_write grant to an
// address they control); for an advisor's grant the manager only (ACC-9).
func CanCorrectContact(d Dossier, a Actor, g Grant, target Relation) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if g.User != "" {
		return cabinet.Conflict("ACC-3", "grant %q is linked to an account: its email and phone are fixed", g.ID)
	}
	return canManageGrant(d, a, g, target, g.Level)
}

func canManageGrant(d Dossier, a Actor, g Grant, target Relation, level Level) error {
	if g.Kind == GranteeAdvisor {
		return CanManageAdvisorAccess(d, a)
	}
	return CanManagePersonAccess(d, a, target, level)
}

// CanGrantTo checks the one-grant-per-account rule (ACC-7 v2) for a grant
// on dossier d to email, whose account (as seen at decision time) is
// account ("" when the email has none). existing are the grants on d; the
// grant except (being corrected) is ignored. Checks, in order:
//
//  1. another grant on d to the same email (compared by cabinet.EmailKey,
//     linked or not — one grant per email key per dossier, so that
//     linking at sign-up never gives an account two grants), or held by
//     account: a *cabinet.ConflictError naming ACC-7 — this includes the
//     granter's own grant;
//  2. account is a.ID, the granter themselves: a *cabinet.ForbiddenError
//     naming ACC-7 — nobody opens a route for themselves by their own
//     command (SPEC §3 invariant 12).
func CanGrantTo(d cabinet.DossierID, a Actor, email string, account cabinet.UserID, existing []Grant, except GrantID) error {
	key := cabinet.EmailKey(email)
	for i := range existing {
		g := &existing[i]
		if g.Dossier != d || g.ID == except {
			continue
		}
		if cabinet.EmailKey(g.Email) == key || (account != "" && g.User == account) {
			return cabinet.Conflict("ACC-7", "the account of %s already holds a grant on dossier %q (grant %q): no account holds two", email, d, g.ID)
		}
	}
	if account != "" && account == a.ID {
		return cabinet.Forbidden("ACC-7", "nobody grants access to their own account")
	}
	return nil
}

// CanEditFamilyTree reports whether a may edit d's family tree at all
// (family_structure): a collaborator of d's office with an internal route
// to d (a.Routes: admin, manager, assigned, client group; GRP-3, so never
// someone who left the office, GRP-11), a member of a team reaching d
// through the team route (TEAM-4: full access to the team's client
// dossiers, as policy's EditSection answers), or a holder of a grant on d
// that allows editing family_structure (read_write; ACC-10, ACC-11). Who is
// central stays the manager's decision (ACC-2, CanEditPerson), and adding a
// person grants nobody anything. Checks, in order: ACC-12 (conflict),
// ACC-11 (*cabinet.ForbiddenError). Which persons they may change is
// CanEditPerson's question. The allow path does not allocate.
func CanEditFamilyTree(d Dossier, a Actor) error {
	if err := CheckWritable(d); err != nil {
		return err
	}
	if a.opens() {
		return nil
	}
	if a.ID != "" {
		for i := range a.Held {
			g := &a.Held[i]
			if g.Dossier == d.ID && g.User == a.ID && GrantAllows(*g, Action{Kind: ActionEdit, Section: SectionFamilyStructure}) == nil {
				return nil
			}
		}
	}
	return errNotTreeEditor
}

// CanEditPerson is the predicate of AddPerson (from = RelationInvalid),
// EditPerson and RemovePerson (to = RelationInvalid): may a change a person
// of d's tree from relation from to relation to? g is the person's grant
// (the zero Grant when they have none). Checks, in order:
//
//  1. CanEditFamilyTree: ACC-12 (conflict), ACC-11 (forbidden);
//  2. ACC-2 v2 (*cabinet.ForbiddenError): who is central is an access
//     decision — only the manager, while a collaborator (GRP-11), adds,
//     edits or removes a central person, or moves a relation to or from
//     holder/co_holder; admins, assigned collaborators and grantees edit
//     non-central persons only;
//  3. ACC-6 (*cabinet.ConflictError, whoever asks): a granted central
//     person stays in the tree and stays central;
//  4. removing a person who holds a grant revokes it: CanRevokeGrant.
func CanEditPerson(d Dossier, a Actor, from, to Relation, g Grant) error {
	if err := CanEditFamilyTree(d, a); err != nil {
		return err
	}
	if (from.Central() || to.Central()) && !a.isManager(d) {
		return cabinet.Forbidden("ACC-2", "only the dossier's manager decides who is a central person (holder or co_holder)")
	}
	if g.ID == "" {
		return nil
	}
	if g.Kind == GranteePerson && g.Central && !to.Central() {
		if to == RelationInvalid {
			return cabinet.Conflict("ACC-6", "a central person who was granted access stays in the family tree: that access can never be revoked")
		}
		return cabinet.Conflict("ACC-6", "a central person who was granted access stays central: that access can never be revoked")
	}
	if to == RelationInvalid {
		return CanRevokeGrant(d, a, g, from)
	}
	return nil
}

// CanViewDossier is the predicate of the reads of a dossier and its family
// tree (Service.Dossier, Person, Persons): a has an internal route to d
// (a.Routes, GRP-3), reaches it through the team route (TEAM-8), or holds
// a grant on it (ACC-4: every grant views) — policy's ViewDossier.
// Archived dossiers are viewed like the others (ACC-12). A denial is a
// *cabinet.ForbiddenError naming POL-1 (no route).
func CanViewDossier(d Dossier, a Actor) error {
	if a.opens() {
		return nil
	}
	for i := range a.Held {
		if g := &a.Held[i]; a.ID != "" && g.Dossier == d.ID && g.User == a.ID && g.Kind.Valid() {
			return nil
		}
	}
	return cabinet.Forbidden("POL-1", "no route to dossier %q", d.ID)
}

// CanViewAccessRights is the predicate of the "Droits d'accès" tab
// (Service.PersonsWithAccess, AdvisorsWithAccess, Advisor, Grant): the
// grants, contact details and invitation states of d's family tree and
// advisors. Allowed: collaborators with an internal route to d (GRP-3) and
// the granted central persons (ACC-7). Decision: the team route does not
// open the tab — the grants and the family's emails and phones are the
// business of the office and the family, not of the advisors a client was
// referred to. Decision: the other grantees —
// family members and external advisors — do not manage access and do not
// see others' emails and phones (personal data): a *cabinet.ForbiddenError
// naming ACC-7; they see the tree itself (CanViewDossier) and their own
// grant (CanViewGrant). Anyone else: POL-1.
func CanViewAccessRights(d Dossier, a Actor) error {
	if a.reaches() {
		return nil
	}
	if HoldsCentralGrant(d.ID, a.ID, a.Held) {
		return nil
	}
	if err := CanViewDossier(d, a); err != nil {
		return err
	}
	return errNotAccessViewer
}

// CanViewGrant is the predicate of Service.Grant: CanViewAccessRights, or
// the grant is a's own (a grantee sees their own grant).
func CanViewGrant(d Dossier, a Actor, g Grant) error {
	if a.ID != "" && g.User == a.ID && g.Dossier == d.ID {
		return nil
	}
	return CanViewAccessRights(d, a)
}

// The fixed denials of the predicates policy asks for every dossier page's
// buttons, built once so that a denial allocates nothing. Callers only read
// them (errors.As, Error).
var (
	errNotOrganiser      error = &cabinet.ForbiddenError{Rule: "ACC-1", Reason: "only an office admin or the dossier's manager organises the dossier"}
	errNotAdvisorManager error = &cabinet.ForbiddenError{Rule: "ACC-9", Reason: "only the dossier's manager manages external advisors' access"}
	errNotPersonManager  error = &cabinet.ForbiddenError{Rule: "ACC-1", Reason: "only the dossier's manager manages the access of people outside the office"}
	errNotFamilyManager  error = &cabinet.ForbiddenError{Rule: "ACC-7", Reason: "only the manager and granted central persons manage family access"}
	errNotAccessViewer   error = &cabinet.ForbiddenError{Rule: "ACC-7", Reason: "only the office and the granted central persons see the dossier's access rights"}
	errNotTreeEditor     error = &cabinet.ForbiddenError{Rule: "ACC-11", Reason: "only the dossier's collaborators and read_write grantees edit the family structure"}
)

// grantDenied holds GrantAllows's denials for each grantee kind (index 0
// a person of the family tree, ACC-11; 1 an external advisor, ACC-10) and
// each section or tool, built once. A valid action's section and tool are
// valid, so GrantAllows indexes them directly.
var grantDenied = func() (t struct {
	edit     [2][SectionNotes + 1]error
	readOnly [2]error
	tool     [2][ToolReports + 1]error
}) {
	for k, who := range [2]string{"family members", "external advisors"} {
		rule := [2]string{"ACC-11", "ACC-10"}[k]
		for s := range t.edit[k] {
			t.edit[k][s] = cabinet.Forbidden(rule, "%s cannot edit %s", who, Section(s))
		}
		t.readOnly[k] = cabinet.Forbidden(rule, "read_only access lets %s only view", who)
		for tl := range t.tool[k] {
			t.tool[k][tl] = cabinet.Forbidden(rule, "%s cannot use %s", who, Tool(tl))
		}
	}
	return t
}()
