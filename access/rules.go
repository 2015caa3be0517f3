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

// GrantAllows reports whether grant g lets its holder perform a on g's
// dossier. It returns nil when allowed, and otherwise a
// *cabinet.ForbiddenError naming the rule:
//
//   - view: every grant (ACC-4);
//   - edit family_structure, asset_inventory, donation_inventory: read_write
//     grants only; other sections never (ACC-10 for advisors, ACC-11 for
//     family members and central persons);
//   - use simulations or reports: never (ACC-10, ACC-11);
//   - manage family access: a grant to a central person (ACC-7) — which
//     persons they may manage is CanManagePersonAccess's question;
//   - manage external advisors' access: never, only the manager (ACC-9).
//
// An invalid grant (unknown kind or level) or an invalid action is denied
// (POL-4) with an *cabinet.InvalidError naming "grant" or "action". The
// allow path does not allocate. g's User and dossier are not checked: the
// caller asks about the grants the subject holds on the dossier at hand.
func GrantAllows(g Grant, a Action) error {
	if !g.Kind.Valid() || !g.Level.Valid() {
		return cabinet.Invalid("grant", "grant %q has no valid kind or level", g.ID)
	}
	if !a.Valid() {
		return cabinet.Invalid("action", "%v is not a valid action", a)
	}
	rule, who := "ACC-11", "family members"
	if g.Kind == GranteeAdvisor {
		rule, who = "ACC-10", "external advisors"
	}
	switch a.Kind {
	case ActionView:
		return nil
	case ActionEdit:
		if !a.Section.OpenToGrantees() {
			return cabinet.Forbidden(rule, "%s cannot edit %s", who, a.Section)
		}
		if g.Level != LevelReadWrite {
			return cabinet.Forbidden(rule, "read_only access lets %s only view", who)
		}
		return nil
	case ActionUseTool:
		return cabinet.Forbidden(rule, "%s cannot use %s", who, a.Tool)
	case ActionManageFamily:
		if g.Kind == GranteePerson && g.Central {
			return nil
		}
		return cabinet.Forbidden("ACC-7", "only the manager and granted central persons manage family access")
	default: // ActionManageAdvisors
		return cabinet.Forbidden("ACC-9", "only the dossier's manager manages external advisors' access")
	}
}

// CanManageExternalAccess reports whether actor may manage the access of
// people outside the office to d (ACC-1): only the manager, admins
// included. It returns nil or a *cabinet.ForbiddenError naming ACC-1. ACC-7
// widens this for family members; see CanManagePersonAccess.
func CanManageExternalAccess(d Dossier, actor cabinet.UserID) error {
	if d.IsManager(actor) {
		return nil
	}
	return cabinet.Forbidden("ACC-1", "only the dossier's manager manages the access of people outside the office")
}

// CanManageAdvisorAccess reports whether actor may register external
// advisors in d and grant, change or revoke their access (ACC-8, ACC-9):
// only the manager; central persons and other collaborators cannot. It
// returns nil or a *cabinet.ForbiddenError naming ACC-9.
func CanManageAdvisorAccess(d Dossier, actor cabinet.UserID) error {
	if d.IsManager(actor) {
		return nil
	}
	return cabinet.Forbidden("ACC-9", "only the dossier's manager manages external advisors' access")
}

// CanManagePersonAccess reports whether actor may grant, change or revoke
// the access of a person of d's family tree whose relation is target.
// held are the grants actor holds (any dossier; those of other dossiers or
// other users are ignored). Allowed: the manager, for anyone of the tree
// (ACC-1); a central person holding a grant on d, for non-central persons
// (ACC-7). A central person acting on a central person is denied with
// ACC-7; anyone else with ACC-1. The allow path does not allocate.
func CanManagePersonAccess(d Dossier, actor cabinet.UserID, held []Grant, target Relation) error {
	if d.IsManager(actor) {
		return nil
	}
	if HoldsCentralGrant(d.ID, actor, held) {
		if target.Central() {
			return cabinet.Forbidden("ACC-7", "a central person cannot manage the access of another central person")
		}
		return nil
	}
	return cabinet.Forbidden("ACC-1", "only the dossier's manager manages the access of people outside the office")
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
// ErrForbidden. Who may revoke is a separate question
// (CanManagePersonAccess, CanManageAdvisorAccess).
func CanRevoke(g Grant) error {
	if g.Kind == GranteePerson && g.Central {
		return cabinet.Conflict("ACC-6", "access granted to a central person can never be revoked")
	}
	return nil
}

// CanManageDossier reports whether a collaborator may change d's
// organisation (manager, assigned collaborators, status): an admin of d's
// office or d's manager. profile is actor's profile in d.Office
// (cabinet.ProfileInvalid when actor is not a collaborator there). It
// returns nil or a *cabinet.ForbiddenError naming ACC-1.
func CanManageDossier(d Dossier, actor cabinet.UserID, profile cabinet.Profile) error {
	if profile == cabinet.ProfileAdmin || (d.IsManager(actor) && profile.Valid()) {
		return nil
	}
	return cabinet.Forbidden("ACC-1", "only an office admin or the dossier's manager organises the dossier")
}

// CanEditFamilyTree reports whether actor may add, edit or remove persons
// of d's family tree: a collaborator of d's office who is an admin, the
// manager or an assigned collaborator, or a holder of a grant on d that
// allows editing family_structure (read_write, ACC-10, ACC-11). It returns
// nil or a *cabinet.ForbiddenError naming ACC-11. The allow path does not
// allocate.
func CanEditFamilyTree(d Dossier, actor cabinet.UserID, profile cabinet.Profile, held []Grant) error {
	if profile == cabinet.ProfileAdmin || (profile.Valid() && (d.IsManager(actor) || d.IsAssigned(actor))) {
		return nil
	}
	if actor != "" {
		for i := range held {
			g := &held[i]
			if g.Dossier == d.ID && g.User == actor && g.Kind.Valid() && g.Level == LevelReadWrite {
				return nil
			}
		}
	}
	return cabinet.Forbidden("ACC-11", "only the dossier's collaborators and read_write grantees edit the family structure")
}
