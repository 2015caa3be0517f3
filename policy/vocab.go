package policy

import (
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
)

// Action is what a subject wants to do. Each action applies to one kind of
// Resource (see ResourceKindOf). The zero value is invalid and always
// denied (POL-4).
type Action uint8

// Actions, grouped by the kind of resource they apply to.
const (
	ActionInvalid Action = iota

	// On a team (ResourceTeam).
	ViewTeam          // "view_team": members and admins (TEAM-4, TEAM-6)
	ManageTeamMembers // "manage_team_members": invite, remove, change role (TEAM-3, TEAM-4)
	RenameTeam        // "rename_team": admins, never a personal team (TEAM-4, TEAM-6)
	DeleteTeam        // "delete_team": admins, never a personal team (TEAM-4, TEAM-6, TEAM-10)
	ListReferrals     // "list_referrals": members (TEAM-12)

	// On a dossier (ResourceDossier; EditSection needs Resource.Section).
	ViewDossier            // "view_dossier": any route (POL-1)
	EditSection            // "edit_section": internal and team routes; read_write grants on the three open sections (ACC-10, ACC-11)
	UseSimulations         // "use_simulations": internal and team routes only (ACC-10, ACC-11)
	UseReports             // "use_reports": internal and team routes only (ACC-10, ACC-11)
	ManageFamilyAccess     // "manage_family_access": the manager, or a granted central person (ACC-1, ACC-7); with PersonResource, for that person (ACC-7)
	ManageExternalAdvisors // "manage_external_advisors": the manager only (ACC-9)
	AssignClientGroup      // "assign_client_group": office admins, activated dossiers (GRP-5)
	SetManager             // "set_manager": office admins and the current manager (access.CanManageDossier)

	// On an office (ResourceOffice).
	AdministerClientGroups       // "administer_client_groups": office admins (GRP-5)
	AdministerCollaboratorGroups // "administer_collaborator_groups": office admins (GRP-5)

	// On a contact (ResourceContact).
	InviteContact      // "invite_contact": collaborators of the contact's office (CON-1)
	ImpersonateContact // "impersonate_contact": collaborators, invited/active clients and partners (CON-6)

	// On a procedure (ResourceProcedure).
	ConfigureRoles // "configure_roles": office admins while the premium option is available (PROC-1, PROC-2)

	// On a case (ResourceCase).
	InviteContributor // "invite_contributor": staff who reach the case (PROC-7), premium (PROC-1)

	// On a document item of a case (ResourceItem).
	ViewItem    // "view_item": participants of the item's role with view (PROC-3, PROC-4)
	UploadItem  // "upload_item": … with upload
	CommentItem // "comment_item": … with comment
	SubmitItem  // "submit_item": … with submit

	actionCount // not an action
)

var actionNames = [...]string{
	"invalid",
	"view_team", "manage_team_members", "rename_team", "delete_team", "list_referrals",
	"view_dossier", "edit_section", "use_simulations", "use_reports",
	"manage_family_access", "manage_external_advisors", "assign_client_group", "set_manager",
	"administer_client_groups", "administer_collaborator_groups",
	"invite_contact", "impersonate_contact",
	"configure_roles",
	"invite_contributor",
	"view_item", "upload_item", "comment_item", "submit_item",
}

// String returns the action's snake_case name, e.g. "view_dossier".
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return a > ActionInvalid && a < actionCount }

// Actions returns every valid action, in declaration order.
func Actions() []Action {
	out := make([]Action, 0, actionCount-1)
	for a := ActionInvalid + 1; a < actionCount; a++ {
		out = append(out, a)
	}
	return out
}

// ParseAction returns the action named s, or an *cabinet.InvalidError for
// field "action".
func ParseAction(s string) (Action, error) {
	for a := ActionInvalid + 1; a < actionCount; a++ {
		if actionNames[a] == s {
			return a, nil
		}
	}
	return ActionInvalid, cabinet.Invalid("action", "%q is not an action", s)
}

// ResourceKind is the kind of thing an action applies to. The zero value
// is invalid.
type ResourceKind uint8

// Resource kinds.
const (
	ResourceInvalid   ResourceKind = iota
	ResourceTeam                   // "team"
	ResourceDossier                // "dossier"
	ResourceOffice                 // "office"
	ResourceContact                // "contact"
	ResourceProcedure              // "procedure"
	ResourceCase                   // "case"
	ResourceItem                   // "item"
)

var resourceKindNames = [...]string{"invalid", "team", "dossier", "office", "contact", "procedure", "case", "item"}

// String returns the kind's name, e.g. "dossier".
func (k ResourceKind) String() string {
	if int(k) < len(resourceKindNames) {
		return resourceKindNames[k]
	}
	return fmt.Sprintf("ResourceKind(%d)", uint8(k))
}

// Valid reports whether k is a known kind.
func (k ResourceKind) Valid() bool { return k >= ResourceTeam && k <= ResourceItem }

// ResourceKindOf returns the kind of resource action a applies to, or
// ResourceInvalid for an invalid action.
func ResourceKindOf(a Action) ResourceKind {
	switch {
	case a >= ViewTeam && a <= ListReferrals:
		return ResourceTeam
	case a >= ViewDossier && a <= SetManager:
		return ResourceDossier
	case a == AdministerClientGroups || a == AdministerCollaboratorGroups:
		return ResourceOffice
	case a == InviteContact || a == ImpersonateContact:
		return ResourceContact
	case a == ConfigureRoles:
		return ResourceProcedure
	case a == InviteContributor:
		return ResourceCase
	case a >= ViewItem && a <= SubmitItem:
		return ResourceItem
	}
	return ResourceInvalid
}

// Resource names what an action applies to. Build it with TeamResource,
// DossierResource, SectionResource, PersonResource, OfficeResource,
// ContactResource, ProcedureResource, CaseResource or ItemResource.
type Resource struct {
	Kind    ResourceKind
	ID      string           // the team, dossier, office, contact, procedure or case ID
	Section access.Section   // EditSection only
	Item    procedure.ItemID // ResourceItem only; ID is then the case
	Person  access.PersonID  // ManageFamilyAccess only: the person of the dossier's tree whose access is managed (ACC-7)
}

// TeamResource names a team.
func TeamResource(id cabinet.TeamID) Resource { return Resource{Kind: ResourceTeam, ID: string(id)} }

// DossierResource names a dossier.
func DossierResource(id cabinet.DossierID) Resource {
	return Resource{Kind: ResourceDossier, ID: string(id)}
}

// SectionResource names one section of a dossier, for EditSection.
func SectionResource(id cabinet.DossierID, s access.Section) Resource {
	return Resource{Kind: ResourceDossier, ID: string(id), Section: s}
}

// PersonResource names one person of a dossier's family tree, for
// ManageFamilyAccess: may the subject grant, change or revoke that person's
// access (access.CanManagePersonAccess: the manager for anyone, a granted
// central person for non-central persons only, ACC-1, ACC-7)? A person who
// is not in d's tree is denied (POL-4).
func PersonResource(d cabinet.DossierID, p access.PersonID) Resource {
	return Resource{Kind: ResourceDossier, ID: string(d), Person: p}
}

// OfficeResource names an office.
func OfficeResource(id cabinet.OfficeID) Resource {
	return Resource{Kind: ResourceOffice, ID: string(id)}
}

// ContactResource names a contact.
func ContactResource(id cabinet.ContactID) Resource {
	return Resource{Kind: ResourceContact, ID: string(id)}
}

// ProcedureResource names a procedure.
func ProcedureResource(id cabinet.ProcedureID) Resource {
	return Resource{Kind: ResourceProcedure, ID: string(id)}
}

// CaseResource names a case.
func CaseResource(id cabinet.CaseID) Resource { return Resource{Kind: ResourceCase, ID: string(id)} }

// ItemResource names a document item of a case.
func ItemResource(c cabinet.CaseID, item procedure.ItemID) Resource {
	return Resource{Kind: ResourceItem, ID: string(c), Item: item}
}

// String returns e.g. "dossier d_1", "dossier d_1#asset_inventory",
// "dossier d_1 person p_2", "item c_1/i_2".
func (r Resource) String() string {
	switch {
	case r.Kind == ResourceItem:
		return fmt.Sprintf("item %s/%s", r.ID, r.Item)
	case r.Person != "" && r.Section != access.SectionInvalid:
		return fmt.Sprintf("%s %s#%s person %s", r.Kind, r.ID, r.Section, r.Person)
	case r.Person != "":
		return fmt.Sprintf("%s %s person %s", r.Kind, r.ID, r.Person)
	case r.Section != access.SectionInvalid:
		return fmt.Sprintf("%s %s#%s", r.Kind, r.ID, r.Section)
	}
	return fmt.Sprintf("%s %s", r.Kind, r.ID)
}

// Subject is who asks. A plain user is User(id); an impersonation session is
// Impersonating(session): the decision is then the contact's, never more,
// and records the acting collaborator (CON-6, POL-5).
type Subject struct {
	User    cabinet.UserID
	Session contact.SessionID
}

// User is the subject of a signed-in user acting as themself.
func User(id cabinet.UserID) Subject { return Subject{User: id} }

// Impersonating is the subject of an impersonation session (CON-6).
func Impersonating(s contact.SessionID) Subject { return Subject{Session: s} }

// String returns "user u_1" or "session s_1".
func (s Subject) String() string {
	if s.Session != "" {
		return "session " + string(s.Session)
	}
	return "user " + string(s.User)
}

// Decision is the answer to Check. A denial is a decision, not an error
// (POL-2): Allowed is false, Rule names the rule that forbade the nearest
// route and Reason says it in a sentence.
type Decision struct {
	Allowed bool
	// Routes are the routes that allow the action (empty when denied).
	Routes cabinet.Routes
	// Rule is the rule ID behind the decision: the first allowing route's
	// rule, or the rule that forbade the nearest route, e.g. "ACC-10".
	Rule string
	// Reason is a sentence for people, e.g. "external advisors cannot use
	// reports (ACC-10)".
	Reason string
	// User is whose rights decided: the subject's user, or during
	// impersonation the contact's account ("" if it has none).
	User cabinet.UserID
	// Actor is who acts: the subject's user, or during impersonation the
	// collaborator behind the session (POL-5).
	Actor cabinet.UserID
	// Contact is the impersonated contact, "" outside impersonation.
	Contact cabinet.ContactID
	// Revision is the revision of the state the decision was taken on.
	Revision cabinet.Revision
}

// String returns "allow via manager|team (GRP-3)" or "deny: <reason>".
func (d Decision) String() string {
	if d.Allowed {
		return fmt.Sprintf("allow via %s (%s)", d.Routes, d.Rule)
	}
	return "deny: " + d.Reason
}
