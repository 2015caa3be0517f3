// Package policy is the one place that answers "can X do Y on Z?" across
// the whole library (POL-1 … POL-6, SPEC v2).
//
// # Questions and answers
//
// Engine.Check(ctx, subject, action, resource) returns a Decision. The
// vocabulary is typed: Action (one enum for every command and every
// permission-checked read of every package, POL-1 v2), Resource (built
// with TeamResource, DossierResource, SectionResource, PersonResource,
// AdvisorResource, GrantResource, OfficeResource, ContactResource,
// CompanyResource, ProjectResource, DecisionResource, UnitResource,
// ProcedureResource, CaseResource, ItemResource, AccountResource,
// InvitationResource, ReferralResource, SessionResource, and refined with
// WithLevel, WithRelation, WithStatus, WithGroup, WithTeam, WithUser and
// WithDossier for the actions that read the command's input), Subject
// (User(id), or Impersonating(session)) and cabinet.Routes (how the subject
// is allowed). Action.Kinds says which resources an action applies to,
// Action.Routes through which routes it may be allowed, Action.Viewing
// whether it only reads.
//
// A denial is a decision, not an error (POL-2): Allowed is false, Rule names
// the rule that forbade the nearest route and Reason says it in a sentence
// ending with the rule ID, e.g. "external advisors cannot use reports
// (ACC-10)". An allow names its routes and the rule that governs the action
// on each of them (POL-2 v2): "allow via manager (ACC-9)" for the manager
// managing external advisors, "allow via central_person (ACC-11)" for a
// holder's edit, "allow via assigned|team (GRP-3, TEAM-8)"; Decision.String
// shows every rule the reason lists. The error result is non-nil only when
// the question could not be answered: ctx done, or a question asked at a
// Consistency that waits and could not reach it (see Freshness).
//
// # Rules
//
//   - POL-1 v2: every state-changing command and every permission-checked
//     read of every service has its Action (the table below), and the
//     services accept exactly the commands Check allows for the same actor —
//     property TestPOL1ServicesAgreeWithCheck runs every method of the five
//     services by every kind of actor and compares. Routes to a dossier:
//     internal (GRP-3: admin, manager, assigned, group direct, collaborator
//     group), team (TEAM-8, TEAM-9), central person and family grants
//     (ACC-6, ACC-7, ACC-11), external advisor (ACC-10), and for case items
//     the main recipient and contributors (PROC-3) and the case's staff
//     (PROC-7 v2).
//   - POL-2 v2: every decision explains itself (above). The rule an allow
//     names is the one that governs the action on its route. A denial names
//     the predicate's rule, in the predicate's order — the order of the
//     service that owns the rule, so that both name the same one. For a
//     dossier's content (view, edit, tools) the denial names, in this
//     priority: ACC-12 for an archived dossier (every action but viewing); a
//     grant's refusal (access.GrantAllows, e.g. ACC-10, ACC-11); an expired
//     grant (ACC-10 for an advisor's, "expired", issue 16); a team route's
//     refusal (TEAM-8, TEAM-9); a collaborator of the office whose direct
//     assignment to the dossier's client group expired (GRP-3, "expired",
//     issue 16); a collaborator of the office without internal route (GRP-2
//     when the dossier is in no client group, else GRP-3); else POL-1 "no
//     route". The same question asked through
//     DossierResource, PersonResource or AdvisorResource gets the same
//     decision and names the same rule (TestPOL2SameQuestionSameRule).
//   - POL-3: Engine.Dossiers lists the dossiers a subject can act on with a
//     dossier action (ViewDossier by default), filterable by client group
//     and status (DossiersPage pages it); Engine.Viewers lists who can view
//     a dossier with their routes; Engine.Resources lists the dossiers,
//     teams, cases or items a subject may take any action of their kind
//     on, and Engine.Who who may take an action on one of them, with the
//     decision's routes and rule. Every listing agrees exactly with Check
//     (TestPOL3ReverseQueriesAgreeWithCheck,
//     TestPOL3PagedListingsAgreeWithCheck), is ordered by ID and pages
//     with a cursor, never truncating silently (see Reverse queries).
//   - POL-4: an unknown subject (no account, no session), an invalid action,
//     a resource of a kind the action does not apply to, a refinement the
//     action does not take or a missing one it needs, an invalid section,
//     level or status, or an unknown resource is a denial — never an error,
//     never an allow. Most name POL-4; where the owning service answers an
//     unknown ID with its rule instead (no existence oracle), Check names
//     that rule: Refer on an unknown dossier TEAM-8, consent TEAM-9; an
//     unknown item is the item predicates' not-found after their
//     participant or staff check.
//   - POL-5: a decision for Impersonating(session) is the contact's, with
//     Decision.User the contact's account, Decision.Contact the contact and
//     Decision.Actor the collaborator behind the session; it is never more
//     than the contact's own.
//   - POL-6: the decision depends only on the store's state at the
//     decision's revision: after Reload, after Sync, or from a second
//     engine over the same store at the same revision, the same questions
//     get the same answers.
//
// The v2 rules Check answers as their services enforce them, each through
// the owning package's exported predicates:
//
//   - TEAM-1: a team created for another lead is pending; only that lead
//     answers it (AnswerTeam, team.CanAnswerTeam); it has no member, no
//     admin and receives no referral.
//   - TEAM-2: only the lead hands lead status, to an admin (TransferLead:
//     team.CanTransferLead, team.CanBecomeLead); the lead never leaves.
//   - TEAM-8: Refer needs a dossier the referrer reaches internally or whose
//     granted central person they are (team.CanRefer). The team route
//     (team.CanReachDossier) never applies to the dossier's own granted
//     central persons and holds only while one referral's referrer still
//     reaches the dossier, at decision time: a collaborator who leaves the
//     office keeps nothing through the referrals they made (GRP-11). It
//     opens an action only when that referrer may take it themselves (an
//     internal route, or a central grant that allows it, ACC-11): a
//     read_only holder who refers herself lets her team view her vault,
//     a read_write one lets it edit the client sections and the family
//     tree; the notes and the tools only through an internal referrer.
//   - TEAM-9: consent is one switch per dossier (team.DossierConsent), held
//     by its granted central persons (ViewConsent, ManageConsent:
//     team.CanManageConsent); revoked, it closes the team route to the
//     dossier in every team.
//   - ACC-2: who is central is the manager's (EditFamilyTree, RemovePerson:
//     access.CanEditPerson).
//   - ACC-3: an unlinked grant's email and phone are corrected by whoever
//     manages it (CorrectGrantContact: access.CanCorrectContact); linked,
//     they are fixed.
//   - ACC-7: a granted central person manages non-central persons at most
//     at their own level (ManageFamilyAccess, GrantAccess,
//     ChangeGrantLevel with Resource.Level: access.CanManagePersonAccess).
//     The one-grant-per-account part depends on the email granted, which
//     the service checks on top (access.CanGrantTo).
//   - ACC-11: central persons' and family members' read_write grants edit
//     every client section, documents included, never notes nor the tools
//     (access.GrantAllows).
//   - ACC-12: on an archived dossier every action but viewing is denied
//     naming ACC-12 (access.CheckWritable, and each predicate's own check),
//     but its reactivation (SetStatus to activated, access.CanSetStatus) and
//     consent (TEAM-9: closing access is never an escalation).
//   - GRP-5: whoever may activate a dossier names its client group in the
//     same command (SetStatus to activated WithGroup:
//     clientgroup.CanPlaceOnActivation); afterwards placing is admin work
//     (AssignClientGroup: clientgroup.CanMoveDossier).
//   - GRP-11: every right of a manager or assignee needs the user to be a
//     collaborator of the dossier's office at decision time (the access
//     predicates read the subject's profile; clientgroup.InternalRoutes).
//   - CON-5: marking a unit sold is ManageContacts on the unit; the buyers it
//     names are the service's check on top (contact.CanMarkSold).
//   - CON-6: a session is usable while contact.CanUseSession says so — its
//     collaborator still a collaborator of the office since it started, its
//     contact still impersonable — so that Check and
//     contact.Service.ResolveSession agree at every moment; while
//     impersonating, every action but viewing is denied naming CON-6.
//   - PROC-3: participants read their seat and their role's items
//     (ViewAsParticipant, ViewItem: procedure.CanViewAsParticipant,
//     procedure.ItemAllows); they do not read the staff's case (ViewCase).
//   - PROC-7: staff who reach the case view and review every item (ViewItem:
//     procedure.CanViewItem, ReviewItem: procedure.CanReviewItem).
//
// # Actions
//
// Each action, the resource it applies to, the service methods it answers,
// the predicate Check calls with the index's facts, and the routes of an
// allow with their rules. "On top" names what a service checks beyond the
// action, on input the Resource does not carry; Check allows, the service
// refuses (TestPOL1ServicesAgreeWithCheck checks those parts too, from the
// records).
//
// On an account (AccountResource):
//
//   - CreateTeam — team.Service.CreateTeam, the resource being the lead
//     (the subject itself, or another account: the team is then pending) —
//     any account — self (TEAM-1).
//   - CreateOffice — clientgroup.Service.CreateOffice, the resource being
//     the subject's own account — self (GRP-1).
//   - EditAccount — team.Service.SetDisplayName on the subject's own
//     account — self (TEAM-6).
//   - ListReferralsBy — team.Service.ReferralsBy(referrer) —
//     team.CanListReferralsBy — self (TEAM-12).
//
// On a team (TeamResource):
//
//   - ViewTeam — Team — team.CanViewTeam — team_admin or team_member
//     (TEAM-4); self for a pending team's lead and creator (TEAM-1).
//   - ViewInvitations — Invitations — team.CanManageMembers — team_admin
//     (TEAM-3).
//   - ManageTeamMembers — Invite, RemoveMember, ChangeRole —
//     team.CanManageMembers — team_admin (TEAM-4). On top: the member
//     removed or demoted is the lead (TEAM-2), the invitee is a member or
//     has a pending invitation (TEAM-3).
//   - RenameTeam, DeleteTeam — RenameTeam, DeleteTeam — team.CanRename,
//     team.CanDelete — team_admin (TEAM-4).
//   - ListReferrals — Referrals — team.CanListReferrals — team_admin or
//     team_member (TEAM-12).
//   - LeaveTeam — Leave — team.CanLeave — team_admin or team_member
//     (TEAM-11).
//   - TransferLead — TransferLead, WithUser(the new lead) —
//     team.CanTransferLead, team.CanBecomeLead — team_admin (TEAM-2).
//   - AnswerTeam — AcceptTeam, DeclineTeam — team.CanAnswerTeam — self
//     (TEAM-1).
//
// On a team invitation (InvitationResource):
//
//   - ViewInvitation — Invitation — team.CanViewInvitation — self (its
//     invitee), team_admin (TEAM-3).
//   - AcceptInvitation — AcceptInvitation — team.CanAcceptInvitation at the
//     engine's clock — self (TEAM-3).
//   - ManageInvitation — ResendInvitation, RevokeInvitation —
//     team.CanResendInvitation — team_admin (TEAM-3). On top (resend): the
//     invitee became a member, or another pending invitation to the email
//     (TEAM-3).
//
// On a referral (ReferralResource):
//
//   - ViewReferral — Referral — team.CanViewReferral — self (its
//     referrer), team_admin or team_member (TEAM-12), central_person
//     (TEAM-9).
//   - MoveReferral — MoveReferral, WithTeam(the destination) —
//     team.CanMoveReferral — self (TEAM-7).
//
// On a dossier (DossierResource, or its refinements):
//
//   - ViewDossier — access.Service.Dossier, Person, Persons — internal
//     routes, the team route, every grant — GRP-3, TEAM-8, ACC-11 (central
//     persons and family), ACC-10 (advisors).
//   - EditSection (SectionResource), UseSimulations, UseReports — no service
//     method (the host's sections and tools) — internal and team routes,
//     read_write grants on their open sections (access.GrantAllows), never
//     a grant for the tools; ACC-12 first — the rules of ViewDossier.
//   - EditFamilyTree — AddPerson (DossierResource WithRelation), EditPerson
//     (PersonResource WithRelation) — access.CanEditPerson (or
//     CanEditFamilyTree without person nor relation) with internal and team
//     routes — the routes that open the tree: internal, team, read_write
//     grants; manager only for a change to a central person (ACC-2). On
//     top: a second holder (ACC-2).
//   - RemovePerson — RemovePerson (PersonResource) — access.CanEditPerson
//     (and CanRevokeGrant for a granted person) — as EditFamilyTree, plus
//     the routes that revoke the grant.
//   - ManageFamilyAccess — DossierResource (may the subject manage some
//     non-central person's access) or PersonResource, at Resource.Level —
//     access.CanManagePersonAccess — manager (ACC-1), central_person
//     (ACC-7).
//   - GrantAccess — GrantPerson (PersonResource WithLevel), GrantAdvisor
//     (AdvisorResource WithLevel) — access.CanManagePersonAccess or
//     CanManageAdvisorAccess, then ACC-4 (already granted) — manager (ACC-1,
//     ACC-9 for advisors), central_person (ACC-7). On top: the email's
//     account already holds a grant, or is the granter's (ACC-7,
//     access.CanGrantTo).
//   - ChangeGrantLevel — ChangeLevel (GrantResource WithLevel) —
//     access.CanChangeLevel — manager, central_person (ACC-1, ACC-7; ACC-9
//     for an advisor's grant).
//   - CorrectGrantContact — CorrectGrantContact (GrantResource), and
//     EditAdvisor when it changes a granted advisor's email or phone —
//     access.CanCorrectContact — manager, central_person (ACC-3). On top:
//     the new email's account (ACC-7).
//   - RevokeGrant — Revoke (GrantResource) — access.CanRevokeGrant — manager,
//     central_person (ACC-1, ACC-7; ACC-9 for an advisor's grant).
//   - ViewGrant — Grant (GrantResource) — access.CanViewGrant — self (its
//     holder, ACC-7), internal routes (GRP-3), central_person (ACC-7).
//   - ViewAccessRights — PersonsWithAccess, AdvisorsWithAccess, Advisor
//     (AdvisorResource) — access.CanViewAccessRights — internal routes
//     (GRP-3), central_person (ACC-7).
//   - ManageExternalAdvisors — RegisterAdvisor (DossierResource),
//     EditAdvisor, RemoveAdvisor (AdvisorResource) —
//     access.CanManageAdvisorAccess — manager (ACC-9).
//   - AssignClientGroup — clientgroup.Service.MoveDossier, MoveDossiers (one
//     question per dossier, in ascending order), WithGroup(the group; ""
//     takes it out) — clientgroup.CanMoveDossier — admin (GRP-5).
//   - SetManager — SetManager, SetAssigned — access.CanManageDossier —
//     admin, manager (ACC-1).
//   - SetStatus — SetStatus (WithStatus), Activate (WithStatus(activated)
//     and WithGroup) — access.CanSetStatus, and with a group the dossier not
//     yet activated (GRP-5) and clientgroup.CanPlaceOnActivation — admin,
//     manager (ACC-1).
//   - ReadContactAddress — clientgroup.Service.ContactAddress —
//     clientgroup.CanReadContactAddress — internal routes and grants (GRP-7).
//   - ViewRoutes — clientgroup.Service.Routes, ReachesDossier,
//     WithUser(whose routes) — clientgroup.CanViewRoutes — self, admin
//     (GRP-3).
//   - Refer — team.Service.Refer, WithTeam(the team; "" the subject's
//     personal team) — team.CanRefer — the referrer's internal routes,
//     central_person (TEAM-8).
//   - ViewConsent, ManageConsent — DossierConsent; RevokeConsent,
//     RestoreConsent — team.CanManageConsent — central_person (TEAM-9).
//
// On an office (OfficeResource):
//
//   - ViewOffice — clientgroup.Service.Office, Collaborator(s),
//     ClientGroup(s), CollaboratorGroup(s), Members, DirectAssignments,
//     GroupAssignments, ClientGroupsOf, DuplicateNames (the office of the
//     record read) — clientgroup.CanViewOffice — collaborator (GRP-1).
//   - ManageOffice — UpdateOffice, AddCollaborator, SetProfile,
//     RemoveCollaborator — clientgroup.CanAdminister — admin (GRP-5). On
//     top: the last admin (GRP-5), an existing collaborator (no rule).
//   - AdministerClientGroups — CreateClientGroup, RenameClientGroup,
//     SetClientGroupEmail, DeleteClientGroup, AssignCollaborator,
//     UnassignCollaborator, AssignCollaboratorGroup,
//     UnassignCollaboratorGroup, SetCollaboratorClientGroups —
//     clientgroup.CanAdminister — admin (GRP-5). On top: a group of another
//     office (GRP-1).
//   - AdministerCollaboratorGroups — CreateCollaboratorGroup,
//     RenameCollaboratorGroup, DeleteCollaboratorGroup, AddMember,
//     RemoveMember — clientgroup.CanAdminister — admin (GRP-5).
//   - ListDossiers — clientgroup.Service.Dossiers — clientgroup.CanListDossiers
//     — collaborator (GRP-9); the rows are the dossiers the subject reaches
//     (Engine.Dossiers).
//   - CreateDossier — access.Service.CreateDossier — access.CanCreateDossier
//     — collaborator (ACC-1).
//   - ViewContacts, ManageContacts — the contact listings (Contacts,
//     Companies, Projects, Decisions, Units) and the creations
//     (CreateContact, CreateCompany, CreateProject, CreateDecision,
//     CreateUnit); also on a contact, company, project, decision or unit
//     (Contact, Company, CompanyOverview, Project, Decision, Unit; EditContact,
//     ArchiveContact, AddProjectPartner, AddDecisionPartner, AttachLead,
//     SetUnitStatus, MarkUnitSold) — contact.CanManageContacts —
//     collaborator (CON-1). On top: the records' own conditions (CON-4,
//     CON-5, CON-7, an archived contact).
//   - ListSessions — contact.Service.Sessions, WithUser(the filter's actor)
//     — contact.CanListSessions — admin, collaborator (their own; CON-6).
//   - ViewPlan — procedure.Service.OfficePlan — procedure.CanViewPlan —
//     collaborator (PROC-1).
//   - StartTrial — StartTrial — procedure.CanStartTrial — admin (PROC-1).
//   - ConfigureProcedures — CreateProcedure — procedure.CanConfigure —
//     admin (PROC-2).
//   - ViewProcedures — Procedures (office), Procedure (ProcedureResource) —
//     procedure.CanViewProcedure — collaborator (PROC-2).
//   - ListCases — Cases — a collaborator of the office
//     (procedure.CanReachCase's first check) — collaborator (PROC-7); the
//     rows are the cases they reach.
//
// On a contact (ContactResource):
//
//   - InviteContact — InviteContact — contact.CanManageContacts,
//     contact.CanInvite — collaborator (CON-1).
//   - ImpersonateContact — StartImpersonation — contact.CanImpersonate —
//     collaborator (CON-6).
//   - LinkContact — LinkContact, WithDossier(dossier, person) —
//     contact.CanManageContacts, contact.CanLinkContact — collaborator
//     (CON-1). On top: the same link, a person linked to another contact.
//   - UnlinkContact — UnlinkContact — contact.CanManageContacts,
//     contact.CanUnlinkContact — collaborator (CON-1).
//
// On an impersonation session (SessionResource):
//
//   - ViewSession — Session — contact.CanViewSession — admin, collaborator
//     (its actor; CON-6).
//   - UseSession — ResolveSession — its actor, contact.CanUseSession —
//     collaborator (CON-6).
//   - StopSession — StopImpersonation — contact.CanStopSession with
//     CanUseSession — collaborator (CON-6).
//
// On a procedure (ProcedureResource):
//
//   - ConfigureProcedure — SetAutomation, and RenameRole,
//     SetRolePermissions, AddItem, ReassignItem on the main role —
//     procedure.CanConfigure — admin (PROC-2). On top: removing the main
//     role (PROC-2), a duplicate role name (PROC-2).
//   - ConfigureRoles — AddRole, and RenameRole, SetRolePermissions,
//     AddItem, ReassignItem, RemoveRole on a contributor role —
//     procedure.CanConfigure, procedure.PremiumAvailable at the engine's
//     clock — admin (PROC-1). On top: a duplicate name (PROC-2), items
//     assigned (PROC-3), a case with a contributor in the role (PROC-5).
//   - OpenCase — OpenCase, WithDossier(the dossier; "" unattached) —
//     procedure.CanOpenCase — case_staff (PROC-7).
//
// On a case (CaseResource):
//
//   - ViewCase — Case, CaseSeats — procedure.CanReachCase — case_staff
//     (PROC-7).
//   - ViewAsParticipant — ParticipantView, VisibleItems —
//     procedure.CanViewAsParticipant — main_recipient, contributor (PROC-3).
//   - InviteContributor — InviteContributor, ReplaceContributor —
//     procedure.CanInviteContributor — case_staff (PROC-7). On top: the role
//     and the seat (PROC-5), the contact (CON-3, CON-4).
//   - RemoveContributor — RemoveContributor — procedure.CanManageSeats —
//     case_staff (PROC-7).
//
// On a document item of a case (ItemResource):
//
//   - ViewItem — CaseItem — procedure.CanViewItem — main_recipient,
//     contributor (PROC-3), case_staff (PROC-7).
//   - UploadItem, CommentItem, SubmitItem — Upload, Comment, Submit —
//     procedure.CanActOnItem — main_recipient, contributor (PROC-3). On top:
//     the item's state (submitted, no document, accepted).
//   - ReviewItem — ReviewItem — procedure.CanReviewItem — case_staff
//     (PROC-7). On top: the item's state.
//
// Not asked of policy: host-driven work, which no subject does
// (team.Service.CreateUser, access.Service.SendDueReminders and
// DueReminders, procedure.Service.SetPlan and SetBoosters); the listeners
// called inside another command's transaction (AccountCreated,
// CollaboratorRemoved); the reads of the subject's own records, which have
// no rule (team.Service.Teams, PendingTeams, PersonalTeam,
// PendingInvitations, clientgroup.Service.Offices,
// procedure.Service.ParticipantViews); team.Service.User, the directory any
// account reads; and team.Service.ReachesDossier, a fact for hosts and
// tests.
//
// Decisions (where the SPEC is silent):
//
//   - Decision: a service's "no route" (POL-1, access.CanViewDossier) and
//     Check's more precise nearest rule (GRP-2, GRP-3, TEAM-8, TEAM-9) are
//     the same denial; everywhere else both name the same rule.
//   - Decision: ManageFamilyAccess on a DossierResource asks whether the
//     subject may manage the access of a non-central person of the tree
//     (the manager, a granted central person), naming the rules
//     PersonResource would; a manager who is also a granted central person
//     is allowed through central_person only at most at their own level.
//   - Decision: removing a granted person lists the routes that open the
//     tree and those by which the subject may revoke the grant.
//   - Decision: a denial the owning predicate gives as a conflict without
//     rule (a status move, a contact already unlinked) names the action's
//     governing rule (ACC-1, CON-1).
//   - Decision: the clock (cabinet.WithClock) decides session expiry,
//     invitation expiry, the premium option's availability and the
//     expiry of time-bound access at question time; the index does not need
//     a refresh when time passes.
//   - Time-bound access (issue 16, an extension of SPEC v2, which is
//     silent on expiry): an external advisor's grant
//     (access.Grant.ExpiresAt) and a direct assignment
//     (clientgroup.DirectAssignment.ExpiresAt) open their route iff now <
//     ExpiresAt at the engine's clock, on every path — Check, CheckBatch,
//     AllowedActions, Explain, Dossiers, Viewers — and for TEAM-8 v2's
//     bound (a referrer whose only route expired shares nothing): an
//     expired grant is as if not held (access.LiveGrants), an expired
//     assignment opens no group_direct route. The grant's expiry is
//     changed by whoever may change its level (access.Service.
//     SetGrantExpiry answers as ChangeGrantLevel, ACC-9); an expired
//     advisor may be granted again (GrantAccess: the expired grant is
//     replaced); the assignment's by whoever may assign (assigning again,
//     AdministerClientGroups, GRP-5). No action is added.
//
// # The index
//
// New loads every record the decisions need from the five stores (cursor
// listings, each store read in its own View, never one store from inside
// another's callback) into an in-memory index guarded by a sync.RWMutex.
// User and dossier IDs are interned to dense uint32 indexes. Per dossier the
// index keeps a 48-byte record (issue 15): its ID, its office interned,
// its manager and assigned collaborators as user indexes (the assigned in
// one arena), its status, client group and consent switch — the
// cabinet.DossierFacts and access.Dossier the predicates take are rebuilt
// from it, and the internal routes read only the asking user's part of it
// (no allocation) — in chunks of 4,096 records found through an
// open-addressing table of 4-byte indexes (a million dossiers: an index of
// about 90 MB, a resident peak during the load about 1.2× the steady
// state); its grants, advisors and referrals sit in side maps. The load
// reads the dossiers first, in ID order, so the sorted lists of dossiers
// grow by appends, and streams the dossiers and placements of a store that
// offers it (memstore's EachDossier and EachPlacement) rather than paging
// them. Per user: the account's email
// and personal team, offices with profiles and the start of each
// membership, the client groups reached directly and through collaborator
// groups (sorted slices, binary search), teams, managed/assigned dossiers
// and grants; per office its collaborators, dossiers and plan; per client
// group its dossiers, direct collaborators and collaborator groups; per
// collaborator group its members and client groups; the expiry of each
// direct assignment that has one, and per dossier whether one of its
// grants has an expiry (the clock is read only then); and the team
// invitations, persons, contacts and the office of each of contact's
// records, sessions, procedures and cases. Common denials reuse static
// reason strings, and the reasons of every combination of routes an action
// may allow through are built once, so the internal-route path of Check (a
// collaborator asking ViewDossier or EditSection, allowed or plainly
// denied) does not allocate.
//
// Reverse queries use the same index: Dossiers gathers candidates from the
// subject's memberships only (all dossiers of the offices where they are
// admin, dossiers they manage or are assigned to, dossiers of the client
// groups they reach, referral dossiers of their teams, dossiers of their
// grants), dedupes them, and decides each as Check would; Viewers gathers
// the office's admins, manager, assigned collaborators, the client group's
// direct collaborators and collaborator-group members, the referral teams'
// members and the grantees. Both compute their answer under the read lock
// and yield after releasing it (the caller may call the engine while
// iterating). For Resources and Who the index also links each pending team
// to its lead and creator, and each case to its dossier (or, unattached,
// its office) and to whoever opened it or holds a seat on it.
//
// # Reverse queries
//
// Four listings answer the reverse questions of POL-3, each exactly the
// set Check allows (they ask the same decision functions of every
// candidate):
//
//   - Dossiers (an iterator) and DossiersPage: the dossiers subject s may
//     take a dossier action on (ViewDossier by default; EditSection of a
//     section), filtered by client group and status.
//   - Resources: the resources of the action's kind s may take it on, for
//     the actions of dossiers, teams, cases and items, asked of the plain
//     resource (DossierResource or SectionResource, TeamResource,
//     CaseResource, ItemResource): the actions that need a refinement list
//     nothing. Candidates come from s's memberships: the dossiers as above;
//     the teams s is a member of and the pending ones naming s lead or
//     creator (TEAM-1); the cases attached to the dossiers s reaches
//     internally, the unattached cases of the offices s administers and
//     the cases s opened or holds a seat on (PROC-3, PROC-7); the items of
//     those cases. ViewRoutes is not listed (Resources and DossiersPage
//     refuse it, naming "action"): any account may ask its own routes to
//     any existing dossier (GRP-3), one at a time, and a listing would hand
//     anyone the IDs of every office's dossiers (an outside review's
//     finding).
//   - Viewers and Who: the users whom Check allows an action on a dossier
//     (any dossier action, on the dossier, a section or a refinement), a
//     team, a case or an item, each with the decision's routes (Who: and
//     rule). Candidates come from the resource's side: for a dossier as
//     Viewers; for a team its members, lead, creator and owner; for a case
//     or an item its opener, participants, office admins and those who
//     reach its dossier internally.
//
// Order and pages: DossiersPage, Resources and Who take a cabinet.Page and
// return their records in ID order (items by case ID, then item ID), at
// most Page.Size() of them, with the cursor of the next page — "" when no
// allowed record follows, never "" when the page left one out. Each
// candidate after the cursor is decided in order, and a page stops when
// full: its cost is the subject's (or the resource's) memberships plus the
// candidates decided. A cursor is opaque and bound to its query: a cursor
// of another listing, subject, action, filter or resource is an
// *cabinet.InvalidError naming "cursor"; a negative limit names "limit".
// A cursor is not signed: the subject always comes from the call, so a
// forged one reads nothing another subject's listing would; one whose
// revision is past the head of the log the engine reads is refused
// ("cursor") rather than waited for.
//
// Revisions: a page is decided under one read lock, at the revision it
// carries (Revision). A cursor taken at revision r and used after the
// index has moved continues on the newer index, in ID order — Zanzibar's
// "at least as fresh": each record appears at most once in a walk, decided
// at the revision of its page; a walk that stays at one revision lists
// exactly what Check allows at it. A cursor is never resumed on an older
// index: on a replica behind r the listing first waits until it has
// applied r (Await). The query's Consistency asks for more freshness, as
// for Check.
//
// # Batches
//
// CheckBatch answers many (action, resource) questions of one subject at
// one revision, under one read lock, resolving the subject once; each
// answer is Check's (property TestBatchAndLogAgreeWithCheck). AllowedActions is
// the set of actions of a resource's kind that Check allows the subject on
// that resource as given, for a UI's buttons (the actions that need a
// refinement the resource lacks are not in it). CheckBatch appends to the
// caller's buffer and does not allocate on the internal-route path;
// BenchmarkCheckBatch and BenchmarkAllowedActions compare their
// ns/decision with Check's.
//
// Prepare copies a batch of questions and looks up their dossiers once;
// CheckPrepared answers it as CheckBatch does, without the lookups by ID
// (on a large index a third of a batch's cost: a page asked again and
// again, by many users or at every refresh). Decision: a Prepared holds
// the record indexes of one index and its generation, never a decision —
// an index never moves nor removes a record, so a place stays the same
// dossier's for the index's life; a dossier unknown when prepared is
// looked up, and after a full reload, or for another engine's Prepared,
// every one is (TestPreparedAgreesWithCheckAfterCommands). A host that
// kept its own interned IDs could not be given more safely: the Prepared
// is opaque and immutable, so no stale or foreign place can name another
// dossier.
//
// # Decision log
//
// SetDecisionLog installs a DecisionLog that receives every decision of
// Check, CheckBatch and AllowedActions as a DecisionRecord: the subject as
// asked, whose rights decided and the collaborator behind an impersonation
// (POL-5), the action, the resource, allowed, routes, rule and revision.
// It is called after the engine's lock is released, in the caller's
// goroutine; listings and Explain are not logged. DecisionRecord marshals
// to one flat JSON object (ExampleEngine_SetDecisionLog writes JSON lines).
// Unset, it costs Check one atomic load and no allocation
// (BenchmarkCheckLogged). Decision: a setter rather than an option of New,
// because New takes the cabinet.Option every service shares and kit builds
// the engine; the host installs the log on kit.Kit.Policy.
//
// # Explain
//
// Explain answers a question as Check does and returns a Trace: the
// Decision (Check's) and the steps considered, in order, each with its
// outcome and the rule that decided it. The gates come first (the subject,
// POL-4, CON-6); for a dossier's content (ViewDossier, EditSection,
// UseSimulations, UseReports) every route follows in Check's order:
// ACC-12, each internal route (GRP-2, GRP-3, GRP-11), the team route
// through each referral in the subject's teams (TEAM-8, TEAM-9), each grant
// the subject holds (ACC-10, ACC-11). Every other action has one step, its
// predicate's verdict. Explain is a separate call: Check never builds a
// trace. Property TestExplainAgreesWithCheck: the decision is Check's, the
// allowed steps open exactly its routes, a denial's rule is a refused
// step's.
//
// # Hygiene reports
//
// The admins' hygiene reports of an office (dossiers in no client group,
// GRP-2; without a manager or whose manager left, GRP-11; grants waiting
// for an account over 30 days, ACC-5; duplicate client-group names, GRP-6;
// teams whose only admin is the lead, TEAM-2) are not policy's: package
// hygiene computes them from one snapshot of the stores and checks, in
// that snapshot, the predicate this engine answers ManageOffice with
// (clientgroup.CanAdminister, GRP-5). Decision: they are rare admin reads over records the
// index does not keep (names, invitation times), proportional to the
// office; the index stays what the decisions need.
//
// # Freshness
//
// The engine follows the store's change log (cabinet.ChangeLog, SPEC §3
// invariant 13); it is not an event sink and never sees the services.
// New loads the whole index from ONE snapshot of the store (one View; the
// other packages' readers from its Tx) and starts at that snapshot's
// revision. Sync reads Changes after the engine's revision, in revision
// order, gathers the keys the store recorded for every record each change
// wrote (cabinet.Change.Keys: the record before and after, and the records
// it refers to, recorded by the store's own Put and Delete — no refresh
// depends on an event naming an ID), reads those records again from one
// snapshot, and applies them under the write lock. The kinds map one to
// one onto the index (KeyAccount: the account and, read from the user's
// side, the office profiles, collaborator-group memberships and direct
// assignments, while a KeyUser alone, a user some record names, reads
// nothing; KeyClientGroup: the group and its collaborator groups;
// KeyDossier: the access record and its placement; KeyConsent, KeyPlan,
// KeyGrant, … their record); the derived data (reach sets, grant lists)
// are recomputed. Decisions that depend on other users' records — the team
// route on its referrer's reach, a session on its collaborator's
// membership — are computed at question time from the index, so refreshing
// the records written is enough.
//
// Revisions: the engine's Revision (also on every Decision) means "every
// change of the log up to this revision is in the index, and none after
// it is claimed". It advances only in log order, to the last change a Sync
// applied, never past one it has not applied — also with concurrent
// writers. A failed Sync (the store's error, ctx's) changes neither the
// index nor the revision, and returns the error; the next Sync starts
// again from there. If the log no longer retains the changes after the
// engine's revision (*cabinet.StaleError: the engine fell behind the
// retention), Sync reloads the whole index from its snapshot by itself
// and calls the hook of WithReloadHook(from, to). Reload rebuilds the
// index on request, without blocking questions while it loads.
//
// Consistency per question, as Zanzibar and SpiceDB offer it: Check,
// Viewers and a DossierQuery with the zero Consistency answer from the
// index as it is (they never wait, and Check does not allocate); CheckAt,
// ViewersAt and DossierQuery.Consistency take AtLeast(r) — wait, bounded
// by ctx, until the index has applied revision r (every command returns
// the revision its caller needs: read-your-writes, on this process or on a
// replica) — or FullyConsistent() — wait for the store's head revision as
// of the question. A question that waits syncs the engine itself (the
// change is in the log, whichever process committed it) and waits on the
// log for a revision not committed yet. Await is the wait alone.
//
// Who syncs: package kit calls Sync after every commit of its process (the
// store's commit hooks), so a command returns with the engine up to date;
// Follow (and kit.Run) syncs as commits arrive from other processes.
//
// # What-if
//
// Engine.Preview runs a command (any closure over the services: a Command)
// in a dry run of the store (cabinet.DryRun: the command's transaction is
// handed, still open, to the engine and rolled back — no revision, no
// change-log entry, no event delivered) and returns the access diff it
// would cause: for every dossier, every account and each action of
// DiffActions (ViewDossier, UseReports, SetManager), the routes before and
// after, wherever they differ, sorted by dossier, user and action. Before
// is the engine's index, which must be exactly at the transaction's
// snapshot revision (Preview syncs first, and again if a commit slipped
// in); after is an index loaded from the transaction's uncommitted state,
// the same load New does — so the diff is complete and exact by
// construction, whatever the command touches, at the cost of one full
// load through the transaction plus one Check per dossier, account and
// action on both sides: O(dossiers × users), for an admin's confirmation
// screen, not a hot path. Both sides are answered at one instant (Diff.At).
//
// The diff is bound to its revision (Diff.Revision): Engine.Apply runs the
// command under cabinet.AtRevision, and the store commits it only if its
// head is still that revision, checked under its commit serialisation
// (memstore: the write lock; pgstore: the change log locked before the
// snapshot) — else a *cabinet.ConflictError, and nothing changes. Applied,
// the command changes exactly the previewed access (property-tested
// against fresh engines), provided it draws the same new IDs and reads the
// same time as in its preview: a command that creates records names, in
// its preview, IDs that its commit will not reuse, and access that depends
// on time (a trial, a session) is as of Diff.At. Every service command
// writes in one Update…, so each is previewable; a closure that runs two
// is refused (*cabinet.InvalidError naming "command").
//
// # Tests
//
// TestPOL1ServicesAgreeWithCheck (services and Check agree on every
// command and read), TestPOL1DifferentialAgainstReference (invariant 11:
// a reference evaluator restated from the SPEC text agrees on every random
// state and question), TestINV12NoEscalation (invariant 12: over random
// sequences by every kind of actor, every new route was opened by an
// entitled actor), TestPOL2SameQuestionSameRule, TestPOL3… (the reverse
// queries and their pages), the invariant 9
// and 10 properties, one test per v2 rule (rules_v2_test.go), issue 16's
// expiries before, at and after the instant on every path
// (expiry_test.go: TestACC10AdvisorGrantExpires,
// TestGRP3DirectAssignmentExpires, TestTEAM8ExpiredReferrerSharesNothing;
// the random states grant and assign with expiries and move the clock to
// them, and the differential requires expired routes) and FuzzCheck.
package policy
