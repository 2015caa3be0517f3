package policy

import (
	"fmt"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Action is what a subject wants to do: one enum for every command and every
// permission-checked read of every package (POL-1 v2). Each action applies
// to one or more kinds of Resource (Action.Kinds); the package doc's action
// table says which service methods each one answers. The zero value is
// invalid and always denied (POL-4).
type Action uint8

// Actions, grouped by the kind of resource they apply to.
const (
	ActionInvalid Action = iota

	// On an account (ResourceAccount).
	CreateTeam      // "create_team": any account creates a team for a lead account, itself or another (then pending, TEAM-1)
	CreateOffice    // "create_office": an account creates an office of which it becomes the admin (the account itself only)
	EditAccount     // "edit_account": an account changes its own display name (the account itself only)
	ListReferralsBy // "list_referrals_by": the referrer lists every referral they made (TEAM-12)

	// On a team (ResourceTeam).
	ViewTeam          // "view_team": members; a pending team's lead and creator (TEAM-1, TEAM-4, TEAM-6)
	ViewInvitations   // "view_invitations": admins list the team's invitations (TEAM-3)
	ManageTeamMembers // "manage_team_members": admins invite, remove, change role (TEAM-3, TEAM-4)
	RenameTeam        // "rename_team": admins, never a personal team (TEAM-4, TEAM-6)
	DeleteTeam        // "delete_team": admins, never a personal team (TEAM-4, TEAM-6, TEAM-10)
	ListReferrals     // "list_referrals": members (TEAM-12)
	LeaveTeam         // "leave_team": members but the lead (TEAM-2, TEAM-11)
	TransferLead      // "transfer_lead": the lead hands lead status to an admin (TEAM-2)
	AnswerTeam        // "answer_team": the lead a pending team names accepts or declines it (TEAM-1)

	// On a team invitation (ResourceInvitation).
	ViewInvitation   // "view_invitation": its invitee and the team's admins (TEAM-3)
	AcceptInvitation // "accept_invitation": its invitee, while pending and unexpired (TEAM-3)
	ManageInvitation // "manage_invitation": the team's admins resend or revoke it while pending (TEAM-3)

	// On a referral (ResourceReferral).
	ViewReferral // "view_referral": its referrer, its team's members, the dossier's central persons (TEAM-12)
	MoveReferral // "move_referral": its referrer, still entitled, to Resource.Team (TEAM-7, TEAM-8)

	// On a dossier (ResourceDossier), or one of its persons, advisors,
	// grants or sections (PersonResource, AdvisorResource, GrantResource,
	// SectionResource).
	ViewDossier            // "view_dossier": any route (POL-1); also its family tree (access.Service.Dossier, Person, Persons)
	EditSection            // "edit_section": internal and team routes; read_write grants on their open sections (ACC-10, ACC-11)
	UseSimulations         // "use_simulations": internal and team routes only (ACC-10, ACC-11)
	UseReports             // "use_reports": internal and team routes only (ACC-10, ACC-11)
	EditFamilyTree         // "edit_family_tree": add (Resource.Relation) or edit a person (ACC-2, ACC-11)
	RemovePerson           // "remove_person": remove a person of the tree (ACC-2, ACC-6)
	ManageFamilyAccess     // "manage_family_access": the manager, or a granted central person for non-central persons at most at their level (ACC-1, ACC-7)
	GrantAccess            // "grant_access": grant a person (ACC-1, ACC-7) or an advisor (ACC-9) access at Resource.Level
	ChangeGrantLevel       // "change_grant_level": set a grant's level to Resource.Level (ACC-4, ACC-7, ACC-9)
	CorrectGrantContact    // "correct_grant_contact": correct an unlinked grant's email and phone (ACC-3)
	RevokeGrant            // "revoke_grant": revoke a grant, never a central person's (ACC-6, ACC-7, ACC-9)
	ViewGrant              // "view_grant": its holder and whoever sees the access rights (ACC-7)
	ViewAccessRights       // "view_access_rights": the "Droits d'accès" tab: internal routes and granted central persons (ACC-7)
	ManageExternalAdvisors // "manage_external_advisors": the manager only registers, edits, removes advisors (ACC-8, ACC-9)
	AssignClientGroup      // "assign_client_group": office admins put an activated dossier into Resource.Group, or take it out (GRP-5)
	SetManager             // "set_manager": office admins and the manager set the manager and the assigned collaborators (ACC-1)
	SetStatus              // "set_status": office admins and the manager move it to Resource.Status, with a client group at activation (ACC-1, ACC-12, GRP-5)
	ReadContactAddress     // "read_contact_address": whoever reaches it internally or holds a grant (GRP-7)
	ViewRoutes             // "view_routes": Resource.User's internal routes: that user and office admins (GRP-3)
	Refer                  // "refer": refer it into Resource.Team (the personal team when ""): a member who reaches it (TEAM-7, TEAM-8)
	ViewConsent            // "view_consent": the dossier's granted central persons (TEAM-9)
	ManageConsent          // "manage_consent": the dossier's granted central persons revoke and give consent again (TEAM-9)

	// On an office (ResourceOffice).
	ViewOffice                   // "view_office": its collaborators read its organisation (GRP-1)
	ManageOffice                 // "manage_office": admins edit the office and manage its collaborators (GRP-5)
	AdministerClientGroups       // "administer_client_groups": office admins (GRP-5)
	AdministerCollaboratorGroups // "administer_collaborator_groups": office admins (GRP-5)
	ListDossiers                 // "list_dossiers": its collaborators list the dossiers they reach (GRP-9)
	CreateDossier                // "create_dossier": its collaborators (ACC-1)
	ViewContacts                 // "view_contacts": its collaborators read contacts and their records (CON-1)
	ManageContacts               // "manage_contacts": its collaborators manage contacts and their records (CON-1, CON-4, CON-5)
	ListSessions                 // "list_sessions": admins all impersonation sessions; a collaborator those of Resource.User, themself (CON-6)
	ViewPlan                     // "view_plan": its collaborators read its plan (PROC-1)
	StartTrial                   // "start_trial": an admin starts the one free trial (PROC-1)
	ConfigureProcedures          // "configure_procedures": admins create procedures (PROC-2)
	ViewProcedures               // "view_procedures": its collaborators read its procedures (PROC-2)
	ListCases                    // "list_cases": its collaborators list the cases they reach (PROC-7)

	// On a contact (ResourceContact) or a record of contact's (company,
	// project, decision, unit: ResourceCompany, ResourceProject,
	// ResourceDecision, ResourceUnit).
	InviteContact      // "invite_contact": collaborators of the contact's office (CON-1, CON-3)
	ImpersonateContact // "impersonate_contact": collaborators, invited/active clients and partners (CON-6)
	LinkContact        // "link_contact": link a client to Resource.Dossier (and Resource.Person) the collaborator reaches (CON-1, CON-4, ACC-12)
	UnlinkContact      // "unlink_contact": remove a contact's link (CON-1, ACC-12)

	// On an impersonation session (ResourceSession).
	ViewSession // "view_session": its actor while a collaborator, and the office's admins (CON-6)
	UseSession  // "use_session": its actor, while the session is usable (CON-6)
	StopSession // "stop_session": its actor, while the session is usable (CON-6)

	// On a procedure (ResourceProcedure).
	ConfigureProcedure // "configure_procedure": admins configure it: main role, items, automation (PROC-2)
	ConfigureRoles     // "configure_roles": admins, while the premium option is available: contributor roles (PROC-1, PROC-2)
	OpenCase           // "open_case": collaborators, attached to Resource.Dossier they reach (PROC-7, ACC-12)

	// On a case (ResourceCase).
	ViewCase          // "view_case": staff who reach the case (PROC-7)
	ViewAsParticipant // "view_as_participant": its participants see their seat and role (PROC-3)
	InviteContributor // "invite_contributor": staff who reach the case, premium (PROC-7, PROC-1, ACC-12)
	RemoveContributor // "remove_contributor": staff who reach the case (PROC-7, ACC-12)

	// On a document item of a case (ResourceItem).
	ViewItem    // "view_item": participants of the item's role with view, and staff who reach the case (PROC-3, PROC-4, PROC-7)
	UploadItem  // "upload_item": participants of the item's role with upload (PROC-3, PROC-4, ACC-12)
	CommentItem // "comment_item": … with comment
	SubmitItem  // "submit_item": … with submit
	ReviewItem  // "review_item": staff who reach the case (PROC-7, ACC-12)

	actionCount // not an action
)

// kindSet is a set of resource kinds.
type kindSet uint32

func kinds(ks ...ResourceKind) kindSet {
	var s kindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

// actionInfo is what the vocabulary says of one action.
type actionInfo struct {
	name    string
	kinds   kindSet
	viewing bool           // a viewing action: allowed while impersonating (CON-6) and on an archived dossier (ACC-12)
	routes  cabinet.Routes // every route through which the action may be allowed
	tab     *ruleTab       // the rule of each route, for allows (POL-2)
}

const (
	dossierRoutes = cabinet.InternalRoutes | cabinet.RouteTeam | cabinet.RouteCentralPerson | cabinet.RouteFamily | cabinet.RouteExternalAdvisor
	anyGrant      = cabinet.RouteCentralPerson | cabinet.RouteFamily | cabinet.RouteExternalAdvisor
	anyTeamRole   = cabinet.RouteTeamAdmin | cabinet.RouteTeamMember
	adminManager  = cabinet.RouteAdmin | cabinet.RouteManager
)

var (
	kAccount    = kinds(ResourceAccount)
	kTeam       = kinds(ResourceTeam)
	kInvitation = kinds(ResourceInvitation)
	kReferral   = kinds(ResourceReferral)
	kDossier    = kinds(ResourceDossier)
	kOffice     = kinds(ResourceOffice)
	kContact    = kinds(ResourceContact)
	kSession    = kinds(ResourceSession)
	kProcedure  = kinds(ResourceProcedure)
	kCase       = kinds(ResourceCase)
	kItem       = kinds(ResourceItem)
	kRecords    = kinds(ResourceContact, ResourceCompany, ResourceProject, ResourceDecision, ResourceUnit)
)

var actionInfos = [actionCount]actionInfo{
	ActionInvalid: {name: "invalid"},

	CreateTeam:      {name: "create_team", kinds: kAccount, routes: cabinet.RouteSelf, tab: one("TEAM-1")},
	CreateOffice:    {name: "create_office", kinds: kAccount, routes: cabinet.RouteSelf, tab: one("GRP-1")},
	EditAccount:     {name: "edit_account", kinds: kAccount, routes: cabinet.RouteSelf, tab: one("TEAM-6")},
	ListReferralsBy: {name: "list_referrals_by", kinds: kAccount, viewing: true, routes: cabinet.RouteSelf, tab: one("TEAM-12")},

	ViewTeam:          {name: "view_team", kinds: kTeam, viewing: true, routes: anyTeamRole | cabinet.RouteSelf, tab: tabTeamView},
	ViewInvitations:   {name: "view_invitations", kinds: kTeam, viewing: true, routes: cabinet.RouteTeamAdmin, tab: one("TEAM-3")},
	ManageTeamMembers: {name: "manage_team_members", kinds: kTeam, routes: cabinet.RouteTeamAdmin, tab: one("TEAM-4")},
	RenameTeam:        {name: "rename_team", kinds: kTeam, routes: cabinet.RouteTeamAdmin, tab: one("TEAM-4")},
	DeleteTeam:        {name: "delete_team", kinds: kTeam, routes: cabinet.RouteTeamAdmin, tab: one("TEAM-4")},
	ListReferrals:     {name: "list_referrals", kinds: kTeam, viewing: true, routes: anyTeamRole, tab: one("TEAM-12")},
	LeaveTeam:         {name: "leave_team", kinds: kTeam, routes: anyTeamRole, tab: one("TEAM-11")},
	TransferLead:      {name: "transfer_lead", kinds: kTeam, routes: cabinet.RouteTeamAdmin, tab: one("TEAM-2")},
	AnswerTeam:        {name: "answer_team", kinds: kTeam, routes: cabinet.RouteSelf, tab: one("TEAM-1")},

	ViewInvitation:   {name: "view_invitation", kinds: kInvitation, viewing: true, routes: cabinet.RouteSelf | cabinet.RouteTeamAdmin, tab: one("TEAM-3")},
	AcceptInvitation: {name: "accept_invitation", kinds: kInvitation, routes: cabinet.RouteSelf, tab: one("TEAM-3")},
	ManageInvitation: {name: "manage_invitation", kinds: kInvitation, routes: cabinet.RouteTeamAdmin, tab: one("TEAM-3")},

	ViewReferral: {name: "view_referral", kinds: kReferral, viewing: true, routes: cabinet.RouteSelf | cabinet.RouteCentralPerson | anyTeamRole, tab: tabReferralView},
	MoveReferral: {name: "move_referral", kinds: kReferral, routes: cabinet.RouteSelf, tab: one("TEAM-7")},

	ViewDossier:            {name: "view_dossier", kinds: kDossier, viewing: true, routes: dossierRoutes, tab: tabContent},
	EditSection:            {name: "edit_section", kinds: kDossier, routes: dossierRoutes, tab: tabContent},
	UseSimulations:         {name: "use_simulations", kinds: kDossier, routes: cabinet.InternalRoutes | cabinet.RouteTeam, tab: tabContent},
	UseReports:             {name: "use_reports", kinds: kDossier, routes: cabinet.InternalRoutes | cabinet.RouteTeam, tab: tabContent},
	EditFamilyTree:         {name: "edit_family_tree", kinds: kDossier, routes: dossierRoutes, tab: tabContent},
	RemovePerson:           {name: "remove_person", kinds: kDossier, routes: dossierRoutes, tab: tabContent},
	ManageFamilyAccess:     {name: "manage_family_access", kinds: kDossier, routes: cabinet.RouteManager | cabinet.RouteCentralPerson, tab: tabFamily},
	GrantAccess:            {name: "grant_access", kinds: kDossier, routes: cabinet.RouteManager | cabinet.RouteCentralPerson, tab: tabFamily},
	ChangeGrantLevel:       {name: "change_grant_level", kinds: kDossier, routes: cabinet.RouteManager | cabinet.RouteCentralPerson, tab: tabFamily},
	CorrectGrantContact:    {name: "correct_grant_contact", kinds: kDossier, routes: cabinet.RouteManager | cabinet.RouteCentralPerson, tab: one("ACC-3")},
	RevokeGrant:            {name: "revoke_grant", kinds: kDossier, routes: cabinet.RouteManager | cabinet.RouteCentralPerson, tab: tabFamily},
	ViewGrant:              {name: "view_grant", kinds: kDossier, viewing: true, routes: cabinet.InternalRoutes | cabinet.RouteCentralPerson | cabinet.RouteSelf, tab: tabAccessRights},
	ViewAccessRights:       {name: "view_access_rights", kinds: kDossier, viewing: true, routes: cabinet.InternalRoutes | cabinet.RouteCentralPerson, tab: tabAccessRights},
	ManageExternalAdvisors: {name: "manage_external_advisors", kinds: kDossier, routes: cabinet.RouteManager, tab: one("ACC-9")},
	AssignClientGroup:      {name: "assign_client_group", kinds: kDossier, routes: cabinet.RouteAdmin, tab: one("GRP-5")},
	SetManager:             {name: "set_manager", kinds: kDossier, routes: adminManager, tab: one("ACC-1")},
	SetStatus:              {name: "set_status", kinds: kDossier, routes: adminManager, tab: one("ACC-1")},
	ReadContactAddress:     {name: "read_contact_address", kinds: kDossier, viewing: true, routes: cabinet.InternalRoutes | anyGrant, tab: one("GRP-7")},
	ViewRoutes:             {name: "view_routes", kinds: kDossier, viewing: true, routes: cabinet.RouteSelf | cabinet.RouteAdmin, tab: one("GRP-3")},
	Refer:                  {name: "refer", kinds: kDossier, routes: cabinet.InternalRoutes | cabinet.RouteCentralPerson, tab: one("TEAM-8")},
	ViewConsent:            {name: "view_consent", kinds: kDossier, viewing: true, routes: cabinet.RouteCentralPerson, tab: one("TEAM-9")},
	ManageConsent:          {name: "manage_consent", kinds: kDossier, routes: cabinet.RouteCentralPerson, tab: one("TEAM-9")},

	ViewOffice:                   {name: "view_office", kinds: kOffice, viewing: true, routes: cabinet.RouteCollaborator, tab: one("GRP-1")},
	ManageOffice:                 {name: "manage_office", kinds: kOffice, routes: cabinet.RouteAdmin, tab: one("GRP-5")},
	AdministerClientGroups:       {name: "administer_client_groups", kinds: kOffice, routes: cabinet.RouteAdmin, tab: one("GRP-5")},
	AdministerCollaboratorGroups: {name: "administer_collaborator_groups", kinds: kOffice, routes: cabinet.RouteAdmin, tab: one("GRP-5")},
	ListDossiers:                 {name: "list_dossiers", kinds: kOffice, viewing: true, routes: cabinet.RouteCollaborator, tab: one("GRP-9")},
	CreateDossier:                {name: "create_dossier", kinds: kOffice, routes: cabinet.RouteCollaborator, tab: one("ACC-1")},
	ViewContacts:                 {name: "view_contacts", kinds: kOffice | kRecords, viewing: true, routes: cabinet.RouteCollaborator, tab: one("CON-1")},
	ManageContacts:               {name: "manage_contacts", kinds: kOffice | kRecords, routes: cabinet.RouteCollaborator, tab: one("CON-1")},
	ListSessions:                 {name: "list_sessions", kinds: kOffice, viewing: true, routes: cabinet.RouteAdmin | cabinet.RouteCollaborator, tab: one("CON-6")},
	ViewPlan:                     {name: "view_plan", kinds: kOffice, viewing: true, routes: cabinet.RouteCollaborator, tab: one("PROC-1")},
	StartTrial:                   {name: "start_trial", kinds: kOffice, routes: cabinet.RouteAdmin, tab: one("PROC-1")},
	ConfigureProcedures:          {name: "configure_procedures", kinds: kOffice, routes: cabinet.RouteAdmin, tab: one("PROC-2")},
	ViewProcedures:               {name: "view_procedures", kinds: kOffice | kProcedure, viewing: true, routes: cabinet.RouteCollaborator, tab: one("PROC-2")},
	ListCases:                    {name: "list_cases", kinds: kOffice, viewing: true, routes: cabinet.RouteCollaborator, tab: one("PROC-7")},

	InviteContact:      {name: "invite_contact", kinds: kContact, routes: cabinet.RouteCollaborator, tab: one("CON-1")},
	ImpersonateContact: {name: "impersonate_contact", kinds: kContact, routes: cabinet.RouteCollaborator, tab: one("CON-6")},
	LinkContact:        {name: "link_contact", kinds: kContact, routes: cabinet.RouteCollaborator, tab: one("CON-1")},
	UnlinkContact:      {name: "unlink_contact", kinds: kContact, routes: cabinet.RouteCollaborator, tab: one("CON-1")},

	ViewSession: {name: "view_session", kinds: kSession, viewing: true, routes: cabinet.RouteAdmin | cabinet.RouteCollaborator, tab: one("CON-6")},
	UseSession:  {name: "use_session", kinds: kSession, routes: cabinet.RouteCollaborator, tab: one("CON-6")},
	StopSession: {name: "stop_session", kinds: kSession, routes: cabinet.RouteCollaborator, tab: one("CON-6")},

	ConfigureProcedure: {name: "configure_procedure", kinds: kProcedure, routes: cabinet.RouteAdmin, tab: one("PROC-2")},
	ConfigureRoles:     {name: "configure_roles", kinds: kProcedure, routes: cabinet.RouteAdmin, tab: one("PROC-1")},
	OpenCase:           {name: "open_case", kinds: kProcedure, routes: cabinet.RouteCaseStaff, tab: one("PROC-7")},

	ViewCase:          {name: "view_case", kinds: kCase, viewing: true, routes: cabinet.RouteCaseStaff, tab: one("PROC-7")},
	ViewAsParticipant: {name: "view_as_participant", kinds: kCase, viewing: true, routes: cabinet.RouteMainRecipient | cabinet.RouteContributor, tab: one("PROC-3")},
	InviteContributor: {name: "invite_contributor", kinds: kCase, routes: cabinet.RouteCaseStaff, tab: one("PROC-7")},
	RemoveContributor: {name: "remove_contributor", kinds: kCase, routes: cabinet.RouteCaseStaff, tab: one("PROC-7")},

	ViewItem:    {name: "view_item", kinds: kItem, viewing: true, routes: cabinet.RouteMainRecipient | cabinet.RouteContributor | cabinet.RouteCaseStaff, tab: tabItem},
	UploadItem:  {name: "upload_item", kinds: kItem, routes: cabinet.RouteMainRecipient | cabinet.RouteContributor, tab: one("PROC-3")},
	CommentItem: {name: "comment_item", kinds: kItem, routes: cabinet.RouteMainRecipient | cabinet.RouteContributor, tab: one("PROC-3")},
	SubmitItem:  {name: "submit_item", kinds: kItem, routes: cabinet.RouteMainRecipient | cabinet.RouteContributor, tab: one("PROC-3")},
	ReviewItem:  {name: "review_item", kinds: kItem, routes: cabinet.RouteCaseStaff, tab: one("PROC-7")},
}

// String returns the action's snake_case name, e.g. "view_dossier".
func (a Action) String() string {
	if a < actionCount {
		return actionInfos[a].name
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return a > ActionInvalid && a < actionCount }

// Viewing reports whether a only reads: the actions allowed while
// impersonating (every other is denied naming CON-6) and on an archived
// dossier (every other dossier action is denied naming ACC-12, but
// reactivation and consent). False for an invalid action.
func (a Action) Viewing() bool { return a.Valid() && actionInfos[a].viewing }

// Routes returns every route through which a may be allowed: a Decision
// allowing a names a non-empty subset of them. NoRoutes for an invalid
// action.
func (a Action) Routes() cabinet.Routes {
	if !a.Valid() {
		return cabinet.NoRoutes
	}
	return actionInfos[a].routes
}

// Kinds returns the kinds of resource a applies to, in ResourceKind order
// (nil for an invalid action). Check denies a with any other kind (POL-4).
func (a Action) Kinds() []ResourceKind {
	if !a.Valid() {
		return nil
	}
	var out []ResourceKind
	for k := ResourceKind(1); k < resourceKindCount; k++ {
		if actionInfos[a].kinds&(1<<k) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// AppliesTo reports whether a applies to resources of kind k.
func (a Action) AppliesTo(k ResourceKind) bool {
	return a.Valid() && k.Valid() && actionInfos[a].kinds&(1<<k) != 0
}

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
		if actionInfos[a].name == s {
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
	ResourceInvalid    ResourceKind = iota
	ResourceTeam                    // "team"
	ResourceDossier                 // "dossier", or a person, advisor, grant or section of it
	ResourceOffice                  // "office"
	ResourceContact                 // "contact"
	ResourceProcedure               // "procedure"
	ResourceCase                    // "case"
	ResourceItem                    // "item"
	ResourceAccount                 // "account": a user's account
	ResourceInvitation              // "invitation": a team invitation
	ResourceReferral                // "referral"
	ResourceSession                 // "session": an impersonation session
	ResourceCompany                 // "company" (contact)
	ResourceProject                 // "project" (contact)
	ResourceDecision                // "decision" (contact)
	ResourceUnit                    // "unit": a property unit in sales (contact)

	resourceKindCount // not a kind
)

var resourceKindNames = [...]string{"invalid", "team", "dossier", "office", "contact", "procedure", "case", "item",
	"account", "invitation", "referral", "session", "company", "project", "decision", "unit"}

// String returns the kind's name, e.g. "dossier".
func (k ResourceKind) String() string {
	if int(k) < len(resourceKindNames) {
		return resourceKindNames[k]
	}
	return fmt.Sprintf("ResourceKind(%d)", uint8(k))
}

// Valid reports whether k is a known kind.
func (k ResourceKind) Valid() bool { return k > ResourceInvalid && k < resourceKindCount }

// ResourceKindOf returns the first kind of resource action a applies to
// (see Action.Kinds for all of them), or ResourceInvalid for an invalid
// action.
func ResourceKindOf(a Action) ResourceKind {
	if ks := a.Kinds(); len(ks) > 0 {
		return ks[0]
	}
	return ResourceInvalid
}

// Resource names what an action applies to. Build it with the
// constructors (TeamResource, DossierResource, …) and the With methods,
// which fill the refinements some actions read; a refinement an action
// does not read is ignored, one it requires and misses is a denial (POL-4).
// Resource is comparable.
type Resource struct {
	Kind ResourceKind
	// ID is the team, dossier, office, contact, procedure, case, account,
	// invitation, referral, session, company, project, decision or unit ID.
	ID string

	// Refinements of a dossier (ResourceDossier).
	Section access.Section   // EditSection: the section edited
	Person  access.PersonID  // a person of its family tree
	Advisor access.AdvisorID // a registered external advisor of it
	Grant   access.GrantID   // a grant on it

	Item     procedure.ItemID      // ResourceItem: the item of the case ID
	Level    access.Level          // GrantAccess, ChangeGrantLevel, ManageFamilyAccess on a person: the level given
	Relation access.Relation       // EditFamilyTree: the person's new relation (RelationInvalid: unchanged)
	Status   cabinet.DossierStatus // SetStatus: the status asked
	Group    cabinet.ClientGroupID // AssignClientGroup: the group ("" takes the dossier out); SetStatus to activated: the group named (GRP-5)
	Team     cabinet.TeamID        // Refer: the team referred into ("" the subject's personal team); MoveReferral: the destination
	User     cabinet.UserID        // ViewRoutes: whose routes; ListSessions: whose sessions; TransferLead: the new lead
	Dossier  cabinet.DossierID     // LinkContact, OpenCase: the dossier linked or attached ("" for none)
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
// ManageFamilyAccess (may the subject manage that person's access, at
// Level when set: access.CanManagePersonAccess), GrantAccess,
// EditFamilyTree and RemovePerson. A person who is not in d's tree is
// denied (POL-4).
func PersonResource(d cabinet.DossierID, p access.PersonID) Resource {
	return Resource{Kind: ResourceDossier, ID: string(d), Person: p}
}

// AdvisorResource names one registered external advisor of a dossier, for
// ManageExternalAdvisors (edit, remove), GrantAccess and ViewAccessRights.
// An advisor who is not d's is denied (POL-4).
func AdvisorResource(d cabinet.DossierID, a access.AdvisorID) Resource {
	return Resource{Kind: ResourceDossier, ID: string(d), Advisor: a}
}

// GrantResource names one grant on a dossier, for ChangeGrantLevel,
// CorrectGrantContact, RevokeGrant and ViewGrant. A grant that is not on d
// is denied (POL-4).
func GrantResource(d cabinet.DossierID, g access.GrantID) Resource {
	return Resource{Kind: ResourceDossier, ID: string(d), Grant: g}
}

// OfficeResource names an office.
func OfficeResource(id cabinet.OfficeID) Resource {
	return Resource{Kind: ResourceOffice, ID: string(id)}
}

// ContactResource names a contact.
func ContactResource(id cabinet.ContactID) Resource {
	return Resource{Kind: ResourceContact, ID: string(id)}
}

// CompanyResource names a company of contact's.
func CompanyResource(id contact.CompanyID) Resource {
	return Resource{Kind: ResourceCompany, ID: string(id)}
}

// ProjectResource names a project of contact's.
func ProjectResource(id contact.ProjectID) Resource {
	return Resource{Kind: ResourceProject, ID: string(id)}
}

// DecisionResource names a decision of contact's.
func DecisionResource(id contact.DecisionID) Resource {
	return Resource{Kind: ResourceDecision, ID: string(id)}
}

// UnitResource names a property unit of contact's.
func UnitResource(id contact.UnitID) Resource { return Resource{Kind: ResourceUnit, ID: string(id)} }

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

// AccountResource names a user's account.
func AccountResource(u cabinet.UserID) Resource {
	return Resource{Kind: ResourceAccount, ID: string(u)}
}

// InvitationResource names a team invitation.
func InvitationResource(id team.InvitationID) Resource {
	return Resource{Kind: ResourceInvitation, ID: string(id)}
}

// ReferralResource names a referral.
func ReferralResource(id cabinet.ReferralID) Resource {
	return Resource{Kind: ResourceReferral, ID: string(id)}
}

// SessionResource names an impersonation session.
func SessionResource(id contact.SessionID) Resource {
	return Resource{Kind: ResourceSession, ID: string(id)}
}

// WithLevel returns r with Level l.
func (r Resource) WithLevel(l access.Level) Resource { r.Level = l; return r }

// WithRelation returns r with Relation rel.
func (r Resource) WithRelation(rel access.Relation) Resource { r.Relation = rel; return r }

// WithStatus returns r with Status s.
func (r Resource) WithStatus(s cabinet.DossierStatus) Resource { r.Status = s; return r }

// WithGroup returns r with Group g.
func (r Resource) WithGroup(g cabinet.ClientGroupID) Resource { r.Group = g; return r }

// WithTeam returns r with Team t.
func (r Resource) WithTeam(t cabinet.TeamID) Resource { r.Team = t; return r }

// WithUser returns r with User u.
func (r Resource) WithUser(u cabinet.UserID) Resource { r.User = u; return r }

// WithDossier returns r with Dossier d, and Person p when not "".
func (r Resource) WithDossier(d cabinet.DossierID, p access.PersonID) Resource {
	r.Dossier, r.Person = d, p
	return r
}

// String returns e.g. "dossier d_1", "dossier d_1#asset_inventory",
// "dossier d_1 person p_2 level read_only", "item c_1/i_2".
func (r Resource) String() string {
	var b strings.Builder
	if r.Kind == ResourceItem {
		fmt.Fprintf(&b, "item %s/%s", r.ID, r.Item)
	} else {
		fmt.Fprintf(&b, "%s %s", r.Kind, r.ID)
	}
	if r.Section != access.SectionInvalid {
		fmt.Fprintf(&b, "#%s", r.Section)
	}
	for _, f := range [...]struct{ name, v string }{
		{"person", string(r.Person)}, {"advisor", string(r.Advisor)}, {"grant", string(r.Grant)},
		{"team", string(r.Team)}, {"user", string(r.User)}, {"dossier", string(r.Dossier)}, {"group", string(r.Group)},
	} {
		if f.v != "" {
			fmt.Fprintf(&b, " %s %s", f.name, f.v)
		}
	}
	if r.Level != access.LevelInvalid {
		fmt.Fprintf(&b, " level %s", r.Level)
	}
	if r.Relation != access.RelationInvalid {
		fmt.Fprintf(&b, " relation %s", r.Relation)
	}
	if r.Status != cabinet.DossierStatusInvalid {
		fmt.Fprintf(&b, " status %s", r.Status)
	}
	return b.String()
}

// Subject is who asks. A plain user is User(id); an impersonation session is
// Impersonating(session): the decision is then the contact's, never more,
// only viewing actions can be allowed, and it records the acting
// collaborator (CON-6, POL-5).
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
	// Routes are the routes that allow the action (empty when denied), a
	// subset of Action.Routes.
	Routes cabinet.Routes
	// Rule is the rule ID behind the decision: for an allow the rule that
	// governs the action on its first route (e.g. ACC-9 for managing
	// external advisors, ACC-11 for a holder's edit); for a denial the rule
	// that forbade the nearest route, e.g. "ACC-10".
	Rule string
	// Reason is a sentence for people. An allow lists its routes and every
	// rule they are allowed by, e.g. "allowed via manager|team (GRP-3,
	// TEAM-8)"; a denial ends with its rule, e.g. "external advisors
	// cannot use reports (ACC-10)".
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

// String returns "allow via manager|team (GRP-3, TEAM-8)", with every
// rule the reason lists, or "deny: <reason>".
func (d Decision) String() string {
	if d.Allowed {
		if rest, ok := strings.CutPrefix(d.Reason, "allowed via "); ok {
			return "allow via " + rest
		}
		return fmt.Sprintf("allow via %s (%s)", d.Routes, strings.Join(d.Routes.Rules(), ", "))
	}
	return "deny: " + d.Reason
}
