// Package procedure holds multi-recipient document procedures: procedures
// with a main recipient role and contributor roles, their document items,
// the cases that run them, staff review of what participants submit, and
// the premium gating of contributor roles (SPEC rules PROC-1 … PROC-7).
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
// at most one contributor per contributor role. A seat (Participant) is
// given to an Invitee: an existing contact of the office (its name, email
// and phone are copied; package contact, through the Contacts interface)
// or typed-in contact details — an email, and optionally a name and a
// phone (issue 12, seed 004). Participants are identified by email and,
// once they have an account, by a cabinet.UserID: the account is linked
// when the seat is taken if it already exists (Accounts.UserByEmail), else
// when it is created (Service.AccountCreated, a cabinet.AccountListener).
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
//     Existing contributors keep what they had: their seat, their role and
//     its permissions; uploading, commenting, submitting, viewing, staff
//     review and removing a contributor never consult the plan.
//   - PROC-2 One main recipient role, created with the procedure and never
//     removed; contributor roles have non-blank names unique in the
//     procedure ignoring case (ErrConflict naming PROC-2).
//   - PROC-3 (v2) Every item belongs to one existing role; a participant
//     sees and acts on only the items of their role (ItemAllows,
//     VisibleItems) — on every read path: a participant reads a case only
//     through ParticipantView / ParticipantViews (ViewFor), which hold
//     their own seat and role and the items of their role, and nothing of
//     any other participant (no other seat, email, name, phone or account;
//     every By of the item states that is not theirs is "",
//     RedactItemState); CaseItem gives a participant an item of their role
//     only, redacted the same way; Case, Cases and CaseSeats are staff
//     reads and refuse participants (PROC-7). Reassigning an item changes
//     who sees it at once, on every case of the procedure. A role with
//     items cannot be removed (ErrConflict, PROC-3).
//   - PROC-4 Each role's permissions bound what its participants do on their
//     items; Upload, Comment and Submit check them through ItemAllows.
//   - PROC-5 A case for one main recipient, optionally attached to a
//     dossier; one contributor per contributor role (a filled seat, the main
//     role, or an email already seated on the case → ErrConflict naming
//     PROC-5). A role with a seated contributor cannot be removed (PROC-5).
//   - PROC-6 Seating a contributor publishes ContributorInvited (the host
//     sends the invitation; Participant.NotifiedAt records when it was due)
//     when the procedure has a notification automation or the inviter
//     ticked "notify"; otherwise ContributorAddedSilently.
//     ContributorReplaced carries InvitationSent by the same rule. Staff see
//     which seats are filled, by whom, who was notified and when
//     (CaseSeats).
//   - PROC-7 (v2) Staff who reach a case view and review every item of it
//     (CaseItem, ReviewItem; CanViewItem, CanReviewItem). Staff reach a case
//     attached to a dossier exactly when they reach the dossier internally
//     (Staff.ReachesDossier, GRP-3, read in the command's or the read's
//     transaction: a collaborator removed from the office loses it at
//     once, GRP-11); an unattached case is reachable by the office's admins
//     and the collaborator who opened it (CanReachCase). Opening a case
//     attached to a dossier needs the same reach (CanOpenCase).
//   - ACC-12 (v2) The cases of an archived dossier are read-only: no new
//     case on it, no seat change (invite, replace, remove), no upload,
//     comment, submission or review — a *cabinet.ConflictError naming
//     ACC-12 (CanChangeCase), checked after the actor's permission; reading
//     them (Case, CaseItem, CaseSeats, ParticipantView) stays allowed. The
//     dossier's status is read in the command's transaction (Dossiers).
//
// # Viewing and impersonation (CON-6)
//
// A collaborator impersonating a contact (package contact) sees what the
// contact sees: the viewing actions of this package are the participant
// reads (ParticipantView, ParticipantViews, VisibleItems, and CaseItem for
// an item of the participant's role). Every command, and every staff read,
// is not a viewing action of the contact.
//
// # Who may do what (decisions)
//
//   - Decision: office admins configure procedures (create, roles,
//     permissions, items, automation); the denial names PROC-2
//     (CanConfigure). Standard collaborators cannot. Every collaborator of
//     the office reads its procedures (CanViewProcedure, PROC-2) and its
//     plan (CanViewPlan, PROC-1).
//   - Decision: the plan and the boosters add-on are set by the host's
//     billing through SetPlan and SetBoosters, host-driven work that takes
//     a cabinet.Host instead of an actor (the batch names the host). An
//     office admin starts the one free trial (StartTrial, CanStartTrial); a
//     second start, even after the trial ended, is ErrConflict naming
//     PROC-1; a non-admin is refused with PROC-1. An office with no stored
//     plan is on the standard plan.
//   - Decision: the trial's and the boosters' end instants are outside the
//     option (half-open intervals), to the microsecond of the service's
//     clock (cabinet.Options.Now).
//   - Decision: the main recipient role needs no premium: creating
//     procedures, renaming the main role, setting its permissions (all four
//     by default), adding items to it and giving an item back to it are
//     always possible. Removing a contributor is always possible too
//     (withdrawing access needs no option), except on an archived dossier's
//     case (ACC-12).
//   - Decision: any collaborator of the office may open a case (unattached,
//     or attached to a dossier of the office they reach); staff who reach a
//     case (PROC-7) invite, replace and remove its contributors, see its
//     seats and every item, and review submitted items. Staff do not upload,
//     comment or submit: those are the participants' (main recipient and
//     contributors) commands.
//   - Decision (review, PROC-7): only a submitted item is reviewed. Accepted
//     closes it (nothing more is uploaded; it cannot be reviewed again);
//     rejected reopens it — the submission is cleared, the documents stay,
//     and the participant may upload and submit again. The optional comment
//     goes through cabinet.ParseText. Participants see reviews on their
//     items, without the reviewer's identity.
//   - Decision: a dossier of another office given to OpenCase is not found
//     (v1 reported it as invalid input naming the other office's dossier:
//     nothing leaks across offices).
//   - Decision (seed 004): an Invitee is a contact of the office or typed-in
//     details, not both (ErrInvalid "contact"). A contact of another office
//     is not found; an archived contact is refused naming CON-4, a lead
//     naming CON-3 (leads are never invited to the platform), a contact
//     without email is invalid ("contact") (CanSeatContact). The email
//     identifies the seat; name and phone are optional
//     (cabinet.ParseName, cabinet.ParsePhone).
//   - Decision: a permission set that holds upload, comment or submit must
//     hold view (ErrInvalid, field "permissions"); an empty set is allowed
//     (the role sees nothing).
//   - Decision: ItemAllows returns a *cabinet.NotFoundError for an item that
//     is not in the procedure (an unknown ID is never an allow), and a
//     *cabinet.ForbiddenError naming PROC-3 or PROC-4 otherwise.
//   - Decision: an item can be submitted once, only after at least one
//     upload; after submission nothing more can be uploaded (ErrConflict)
//     until a review rejects it.
//   - Decision: a user holds at most one seat per case; emails are compared
//     with cabinet.EqualEmails.
//   - Decision: AccountCreated links seats also on the cases of an archived
//     dossier: linking an identity changes no content, and viewing stays
//     allowed there (it is part of the sign-up's one transaction, which an
//     ACC-12 refusal would abort).
//   - Facts from other packages (profiles, dossier reach, dossier facts,
//     accounts, contacts) are read inside the command's or the read's
//     transaction, with its cabinet.Tx, so the check and the write see one
//     state.
//
// # Commands and reads
//
// Every command goes through one write path (one UpdateProcedures
// transaction, whose events it records in the same transaction for the
// store's change log, SPEC §3 invariant 13), returns the record as
// stored and the cabinet.Revision it committed (or 0 and the error), and
// decides with the exported pure predicates that package policy calls:
// CanConfigure, PremiumAvailable, CanStartTrial, CanOpenCase,
// CanInviteContributor, CanManageSeats, CanActOnItem, CanReviewItem;
// reads with CanViewPlan, CanViewProcedure, CanReachCase, CanViewItem,
// CanViewAsParticipant. A failed command changes nothing, also when it
// fails after its first write. Every listing takes a cabinet.Page.
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
// ItemSubmitted, ItemReviewed, ParticipantLinked (EventTypes). Each names
// the office, procedure, case and dossier it touches and carries the new
// values; EventName is "procedure." + the snake_case type name.
// TrialEnding, TrialEnded and ContributorUnanswered (also in EventTypes)
// are published by no command: they are the events of the PROC-1 and
// PROC-5 obligations that package due lists.
package procedure
