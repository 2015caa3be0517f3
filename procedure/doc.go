// Package procedure holds multi-recipient document procedures: procedures
// with a main recipient role and contributor roles, their document items,
// the cases that run them, and the premium gating of contributor roles
// (SPEC rules PROC-1 … PROC-7).
//
// # Model
//
// A Procedure belongs to an office. It has one main recipient role (always
// Roles[0]) and any number of named contributor roles — tenant → guarantor,
// borrower → co-borrower, tenant #1 → tenants #2, #3 (PROC-2). Each role
// carries a set of Permissions among view, upload, comment and submit
// (PROC-4). Each document Item is assigned to exactly one role, the main
// recipient's by default (PROC-3). A procedure may have a notification
// automation (PROC-6).
//
// A Case is one running instance of a procedure for one main recipient,
// optionally attached to a dossier of the same office (PROC-5). Staff seat
// at most one contributor per contributor role. Participants (the main
// recipient and the contributors) are identified by email and, once they
// have an account, by a cabinet.UserID: the account is linked when the seat
// is taken if it already exists (Accounts.UserByEmail), else when it is
// created (Service.AccountCreated, a cabinet.AccountListener).
//
// # Rules
//
//   - PROC-1 Contributor roles are a premium option, available while the
//     office's plan is platinum, while its boosters add-on is active
//     [BoostersFrom, BoostersUntil), or during its one free trial
//     [TrialStartedAt, TrialStartedAt+7 days). PremiumAvailable is the pure
//     function that says whether, and why not. Outside the option, adding,
//     renaming, removing a contributor role, setting its permissions,
//     assigning an item to a contributor role, and inviting or replacing a
//     contributor are refused (*cabinet.ForbiddenError naming PROC-1).
//     Existing contributors keep their seat, their role and its permissions:
//     ItemAllows never consults the plan.
//   - PROC-2 One main recipient role, created with the procedure and never
//     removed; contributor roles have non-blank names unique in the
//     procedure ignoring case (ErrConflict naming PROC-2).
//   - PROC-3 Every item belongs to one existing role; a participant sees and
//     acts on only the items of their role (ItemAllows, VisibleItems).
//     Reassigning an item changes who sees it at once, on every case of the
//     procedure. A role with items cannot be removed (ErrConflict, PROC-3).
//   - PROC-4 Each role's permissions bound what its participants do on their
//     items; Upload, Comment and Submit check them through ItemAllows.
//   - PROC-5 A case for one main recipient, optionally attached to a
//     dossier; one contributor per contributor role (a filled seat, the main
//     role, or an email already seated on the case → ErrConflict naming
//     PROC-5). A role with a seated contributor cannot be removed (PROC-5).
//   - PROC-6 Seating a contributor publishes ContributorInvited (the host
//     sends the invitation) when the procedure has a notification automation
//     or the inviter ticked "notify"; otherwise ContributorAddedSilently.
//     ContributorReplaced carries InvitationSent by the same rule.
//   - PROC-7 Staff reach a case attached to a dossier exactly when they
//     reach the dossier internally (Staff.ReachesDossier, GRP-3); an
//     unattached case is reachable by the office's admins and the
//     collaborator who opened it (CanReachCase). Opening a case attached to
//     a dossier needs the same reach.
//
// # Who may do what (decisions)
//
//   - Decision: office admins configure procedures (create, roles,
//     permissions, items, automation); the denial names PROC-2
//     (CanConfigure). Standard collaborators cannot.
//   - Decision: the plan and the boosters add-on are set by the host's
//     billing through SetPlan and SetBoosters, host-level methods without an
//     actor (their events are published with an empty actor). An office admin
//     starts the one free trial (StartTrial); a second start, even after the
//     trial ended, is ErrConflict naming PROC-1; a non-admin is refused with
//     PROC-1. An office with no stored plan is on the standard plan.
//   - Decision: the trial's and the boosters' end instants are outside the
//     option (half-open intervals), to the nanosecond of the injected clock.
//   - Decision: the main recipient role needs no premium: creating
//     procedures, renaming the main role, setting its permissions (all four
//     by default), adding items to it and giving an item back to it are
//     always possible. Removing a contributor is always possible too
//     (withdrawing access needs no option).
//   - Decision: any collaborator of the office may open a case (unattached,
//     or attached to a dossier they reach); staff who reach a case (PROC-7)
//     invite, replace and remove its contributors. Staff do not upload,
//     comment or submit: those are the participants' (main recipient and
//     contributors) commands.
//   - Decision: a permission set that holds upload, comment or submit must
//     hold view (ErrInvalid, field "permissions"); an empty set is allowed
//     (the role sees nothing).
//   - Decision: ItemAllows returns a *cabinet.NotFoundError for an item that
//     is not in the procedure (an unknown ID is never an allow), and a
//     *cabinet.ForbiddenError naming PROC-3 or PROC-4 otherwise.
//   - Decision: an item can be submitted once, only after at least one
//     upload; after submission nothing more can be uploaded (ErrConflict).
//   - Decision: a user holds at most one seat per case; emails are compared
//     with cabinet.EqualEmails.
//   - Facts from other packages (profiles, dossier reach, dossier facts,
//     accounts) are read inside the command's transaction, with its
//     cabinet.Tx, so the check and the write see one state.
//
// # Store
//
// Store has the shape every cabinet package shares (ViewProcedures,
// UpdateProcedures). The Reader lists every record kind with cursor
// pagination: office plans, procedures (by office) and cases (by office,
// procedure, dossier, user or email), and gives a user's seats — the two
// directions package policy needs. proceduretest.RunStoreTests is the
// contract; memstore implements it.
//
// # Events
//
// PlanChanged, TrialStarted, ProcedureCreated, RoleAdded, RoleRenamed,
// RoleRemoved, RolePermissionsChanged, ItemAdded, ItemReassigned,
// AutomationSet, CaseOpened, ContributorInvited, ContributorAddedSilently,
// ContributorRemoved, ContributorReplaced, ItemUploaded, ItemCommented,
// ItemSubmitted, ParticipantLinked. Each names the office, procedure, case
// and dossier it touches and carries the new values.
package procedure
