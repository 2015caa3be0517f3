// Package policy is the one place that answers "can X do Y on Z?" across
// the whole library (POL-1 … POL-6).
//
// # Questions and answers
//
// Engine.Check(ctx, subject, action, resource) returns a Decision. The
// vocabulary is typed: Action (one enum for every package's actions),
// Resource (built with TeamResource, DossierResource, SectionResource,
// OfficeResource, ContactResource, ProcedureResource, CaseResource,
// ItemResource), Subject (User(id), or Impersonating(session)) and cabinet.Routes
// (a bit set naming how the subject reaches the resource).
//
// A denial is a decision, not an error (POL-2): Allowed is false, Rule names
// the rule that forbade the nearest route and Reason says it in a sentence
// ending with the rule ID, e.g. "external advisors cannot use reports
// (ACC-10)". An allow names its routes and their rules ("allowed via
// manager|team (GRP-3, TEAM-8)"). The error result is non-nil only when the
// question could not be answered: ctx done, or a stale index (see Freshness).
//
// # Rules
//
//   - POL-1: every action of every package is answered, over every route to
//     a dossier: internal (GRP-3: admin, manager, assigned, group direct,
//     collaborator group), team (TEAM-8, closed while consent is revoked,
//     TEAM-9), central person and family grants (ACC-6, ACC-7, ACC-11),
//     external advisor (ACC-10), and for case items the main recipient and
//     contributors (PROC-3).
//   - POL-2: every decision explains itself (above). For a dossier the
//     denial names, in this priority: a grant's refusal (GrantAllows, e.g.
//     ACC-10, ACC-11); a referral of one of the subject's teams with revoked
//     consent (TEAM-9); a collaborator of the office without internal route
//     (GRP-2 when the dossier is in no client group, else GRP-3); else POL-1
//     "no route to the dossier". For other resources, the predicate's own
//     error (rule and reason).
//   - POL-3: Engine.Dossiers lists the dossiers a subject can view (or act on
//     with any dossier action, e.g. EditSection of a section), filterable by
//     client group and status; Engine.Viewers lists who can view a dossier
//     with their routes. Both agree exactly with Check.
//   - POL-4: an unknown subject (no account, no session), an invalid action,
//     a resource of the wrong kind, an EditSection without a valid section,
//     or an unknown resource (dossier, team, office, contact, procedure,
//     case, item) is a denial naming POL-4 — never an error, never an allow.
//   - POL-5: a decision for Impersonating(session) is the contact's: the
//     session must resolve at the engine's clock (contact.Resolve, CON-6);
//     the contact must exist, be invited or active and not archived; the
//     session's contact user must exist and not be a collaborator of the
//     session's office — otherwise deny CON-6. Then the decision is exactly
//     that of User(contact user), with Decision.User the contact's account,
//     Decision.Contact the contact and Decision.Actor the collaborator behind
//     the session. It is never more than the contact's own.
//   - POL-6: the decision depends only on the stores' state: after Reload, or
//     from a second engine over the same store, the same questions get the
//     same answers.
//
// # Semantics by resource
//
// The engine never re-encodes a rule that a domain package owns: it fills
// the packages' pure predicates from its index. Dossier (facts from access,
// client group from clientgroup's placement):
//
//   - internal routes I = clientgroup.InternalRoutes over a
//     cabinet.RouteFacts built from the index (the subject must be a
//     collaborator of the dossier's office, GRP-11);
//   - team route = a referral of the dossier in a team of the subject for
//     which team.CanReachDossier allows;
//   - grant routes = the subject's grants on the dossier: central person,
//     family (non-central person) or external advisor, kept only when
//     access.GrantAllows allows the action;
//   - ViewDossier and EditSection(s): I ∪ team ∪ allowing grants;
//     UseSimulations and UseReports: I ∪ team (grants never, ACC-10/11);
//   - ManageFamilyAccess on DossierResource: manager
//     (access.CanManageExternalAccess, ACC-1) ∪ central person
//     (access.HoldsCentralGrant, ACC-7); on PersonResource(d, p): exactly
//     access.CanManagePersonAccess (the manager for anyone, a granted
//     central person for non-central persons only, ACC-1/ACC-7), routes
//     manager and/or central person; a person not in d's tree, or a Person
//     with another action, is denied POL-4;
//     ManageExternalAdvisors: the manager only (access.CanManageAdvisorAccess,
//     the predicate access.Service uses: anyone else, an admin included, is
//     denied with ACC-9);
//   - AssignClientGroup: admin (clientgroup.CanAdminister) of an activated
//     dossier (clientgroup.CanPlace, GRP-5); SetManager:
//     access.CanManageDossier, routes admin and/or manager.
//
// Team: team.CanViewTeam, CanManageMembers, CanRename, CanDelete,
// CanListReferrals; route team_admin for an admin of the team, else
// team_member. Office: AdministerClientGroups and
// AdministerCollaboratorGroups by clientgroup.CanAdminister (GRP-5). Contact:
// InviteContact by contact.CanManageContacts and contact.CanInvite (CON-1,
// CON-3); ImpersonateContact by contact.CanImpersonate (CON-6). Procedure:
// ConfigureRoles by procedure.CanConfigure and procedure.PremiumAvailable at
// the engine's clock (PROC-1, PROC-2; an office without stored plan is
// standard). Case: InviteContributor by procedure.CanReachCase (the
// dossier is reached when I ≠ ∅) and PremiumAvailable (PROC-7, PROC-1).
// Item: ViewItem/UploadItem/CommentItem/SubmitItem by procedure.ItemAllows
// with PermView/PermUpload/PermComment/PermSubmit; route main_recipient for
// the case's main recipient, contributor otherwise (PROC-3, PROC-4).
//
// Decision: the dossier's status changes nothing except AssignClientGroup
// (only activated dossiers are placed, GRP-5).
//
// # The index
//
// New loads every record the decisions need from the five stores (cursor
// listings, each store read in its own View, never one store from inside
// another's callback) into an in-memory index guarded by a sync.RWMutex.
// User and dossier IDs are interned to dense uint32 indexes. Per dossier the
// index keeps the access record and a cabinet.DossierFacts value (so filling
// cabinet.RouteFacts allocates nothing), its client group, its grants
// and its referrals; per user: offices with profiles, the client groups
// reached directly and through collaborator groups (sorted slices, binary
// search), teams, managed/assigned dossiers and grants; per office its
// collaborators, dossiers and plan; per client group its dossiers, direct
// collaborators and collaborator groups; per collaborator group its members
// and client groups. Common denials reuse static reason strings, and the
// reasons of every combination of dossier routes are built once, so the
// internal-route path of Check (a collaborator asking ViewDossier or
// EditSection, allowed or plainly denied) does not allocate.
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
// iterating).
//
// # Freshness
//
// Engine implements cabinet.EventSink: wire it into every service (package
// kit does). Publish collects, by reflection over every event's fields
// (structs, slices, maps, pointers), every value of the ID types
// cabinet.UserID, DossierID, TeamID, ReferralID, ClientGroupID,
// CollaboratorGroupID, OfficeID, ContactID, ProcedureID, CaseID and
// access.GrantID, PersonID, AdvisorID, contact.SessionID; it then reloads
// those entities and their relations from both sides (e.g. for a user: the
// account, the office profiles, collaborator-group memberships, direct
// assignments, grants, teams, referrals where they are the client, cases
// where they hold a seat; for a client group: its direct collaborators,
// collaborator groups and placements, old and new), and recomputes the
// derived data (reach sets of the users whose memberships changed, dossier
// grant lists). Decision: when in doubt the refresh reloads more. Publish
// must be called after the commit and outside any store transaction, which
// is what cabinet.Options.Publish does.
//
// Revisions: the engine's Revision (also on every Decision) means "every
// change up to this revision is in the index". New starts at the revision
// of the snapshot it loaded (Reader.Revision; the smallest of the five
// stores' when they keep separate counters); a successful Publish raises it
// to the batch's revision; a failed refresh leaves it where it was. A
// replica holding a change's revision r answers from a fresh enough view
// when Revision() >= r (Zanzibar's "zookie").
//
// If a refresh fails, the engine remembers the error and Check, Dossiers
// and Viewers return it (never a stale answer) until Reload, which
// rebuilds the whole index, succeeds. Reload does not block questions while
// it loads; the batches published meanwhile are applied again to the new
// index before it replaces the old one, so a change committed during the
// load is never lost.
//
// Decision: the clock (cabinet.WithClock) decides session expiry and the
// premium option's availability at question time; the index does not need a
// refresh when time passes.
package policy
