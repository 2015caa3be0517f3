// Package access holds client dossiers and their outward-facing rights: the
// family tree, registered external advisors, and the grants that let
// holders, family members and advisors into a dossier, with their
// invitations and reminders (SPEC rules ACC-1 … ACC-12, v2).
//
// # The dossier
//
// A Dossier belongs to one office and has a status (cabinet.DossierDraft →
// cabinet.DossierActivated → cabinet.DossierArchived), a manager (the
// collaborator in charge, possibly unset) and assigned collaborators. Its
// sections (Section: family_structure, asset_inventory, donation_inventory,
// documents, notes) and tools (Tool: simulations, reports) are what actions
// are about. Other packages read dossiers through Facts, in their own
// transactions.
//
// # Who may do what
//
// Every permission decision is one exported pure predicate of the
// package's types, used by Service and composed by package policy, so that
// the two cannot drift. The predicates take an Actor: the acting user, their
// profile in the dossier's office (cabinet.ProfileInvalid when they are not
// a collaborator of it), their internal routes to the dossier (GRP-3) and
// the grants they hold on it — as seen at decision time, inside the
// command's transaction. A denial is a *cabinet.ForbiddenError naming the
// rule; a rule that protects a target (ACC-3 a linked grant, ACC-6 a
// central grant, ACC-7 an account that already holds a grant, ACC-12 an
// archived dossier, ACC-2 a second holder, ACC-4 a person already granted)
// is a *cabinet.ConflictError naming it, whoever asks.
//
//   - ACC-1 CanManageExternalAccess: only the manager manages the access of
//     people outside the office. Office admins can open the dossier (package
//     clientgroup, GRP-3) and organise it, but cannot grant.
//   - ACC-2 (v2) Persons of the tree have a Relation; holder and co_holder
//     are central (Relation.Central). Access is granted only to a Person of
//     the tree (GrantPerson) or to a registered Advisor (GrantAdvisor). Who
//     is central is an access decision (CanEditPerson): only the manager
//     adds a central person, changes a relation to or from holder/co_holder,
//     edits or removes a central person; admins, assigned collaborators and
//     family members who may edit the family structure edit everything else
//     about non-central persons.
//   - ACC-3 (v2) GrantPerson needs an email (cabinet.ParseEmail) and a phone
//     (cabinet.ParsePhone, E.164, default region France); a bad value is an
//     *cabinet.InvalidError naming "email" or "phone" and nothing changes.
//     While no account is linked to a grant, whoever may manage it corrects
//     its email and phone (CorrectGrantContact, CanCorrectContact): the
//     invitation is sent again and its reminders restart from the
//     correction. Once an account is linked the details are fixed
//     (ErrConflict ACC-3).
//   - ACC-4 A grant is LevelReadOnly or LevelReadWrite (ChangeLevel).
//   - ACC-5 A grantee whose email has an account is linked to it and gets an
//     AccessNotified event; otherwise an InvitationSent event, then
//     ReminderDue events 7 and 30 days later (SendDueReminders, host-driven)
//     while the grantee has no account and the grant exists.
//     AccountCreated links the grant and stops the reminders.
//     DueRemindersAt is the same computation over a Reader at a given
//     instant, for package due's one-snapshot list of obligations.
//   - ACC-6 CanRevoke: a grant to a central person is never revoked, by
//     anyone; its level can change. Revoke, RemovePerson and demoting a
//     granted central person (EditPerson) fail with a *cabinet.ConflictError
//     naming ACC-6.
//   - ACC-7 (v2) CanManagePersonAccess: a central person holding a grant
//     manages the access of the non-central persons of the tree, never of
//     central persons nor of advisors, and grants at most their own level —
//     also when changing a level or correcting a grant's address. No account
//     holds two grants on one dossier (CanGrantTo): a grant to an email whose
//     account already holds a grant there — the granter's own included — is
//     a conflict, and so is a second grant to the same email key on the
//     dossier, linked or not, so that linking at sign-up never gives an
//     account two grants. Nobody grants their own account (forbidden, ACC-7).
//   - ACC-8 RegisterAdvisor records an advisor (name, email, phone,
//     AdvisorType, and for AdvisorOther a free Label: "banquier privé",
//     "commissaire aux comptes"…) without granting anything; EditAdvisor
//     changes them without touching their grant (seed 001).
//   - ACC-9 CanManageAdvisorAccess: only the manager registers, edits and
//     removes advisors and grants, changes, corrects or revokes their access.
//   - ACC-10, ACC-11 (v2) GrantAllows: every grant views; a read_write grant
//     edits the sections open to its kind (Section.OpenTo) — for an external
//     advisor family_structure, asset_inventory and donation_inventory
//     (ACC-10), for a central person or family member those three and
//     documents (ACC-11) — never notes; no grant uses simulations or
//     reports. Denials name ACC-10 for advisors and ACC-11 for persons.
//   - ACC-12 (v2) CheckWritable: an archived dossier is read-only for
//     everyone. Every command predicate calls it first, so every change to an
//     archived dossier — its organisation, family tree, advisors, grants,
//     client group — is a *cabinet.ConflictError naming ACC-12, whoever asks.
//     Reads go on (every grant still views, ACC-6).
//   - GRP-11 (v2) Every right that comes from being the manager or an
//     assigned collaborator (ACC-1, ACC-2, ACC-9, SetManager, the family
//     tree) requires the actor to be a collaborator of the dossier's office
//     at decision time: the predicates check Actor.Profile, the service reads
//     it in the command's transaction, and Facts.ReleaseCollaborator unsets
//     a departing collaborator as manager and assignee in the transaction
//     that removes them (clientgroup.Service.RemoveCollaborator).
//   - GRP-5 (v2) Activate: whoever may activate a dossier (its manager or an
//     admin) names its client group in the same command and transaction
//     (Directory.PlaceOnActivation); afterwards placing is admin work.
//
// A subject holds at most one grant per dossier (ACC-7); policy asks
// GrantAllows of the grant the subject holds on the dossier (Reader.Grants
// with GrantFilter.User).
//
// # Reads
//
// Service reads are permission-checked, in one snapshot: Dossier, Person
// and Persons (CanViewDossier: an internal route or any grant), the
// "Droits d'accès" tab PersonsWithAccess and AdvisorsWithAccess, and
// Advisor (CanViewAccessRights), and Grant (CanViewGrant). Listings follow
// cabinet.Page.
//
// # Decisions (where the specification is silent)
//
//   - Decision: any collaborator of the office creates a dossier and becomes
//     its manager; it starts as a draft. An office admin or the current
//     manager (while a collaborator) sets the manager (who must be a
//     collaborator of the office; "" unsets it) and the assigned
//     collaborators, and changes the status (CanManageDossier,
//     CanSetStatus). These denials name ACC-1, the rule that puts the
//     manager in charge of the dossier.
//   - Decision: status moves are draft → activated, activated → archived and
//     archived → activated. Reactivation is the one way out of an archive
//     (ACC-12): an admin of the office or the manager who is still a
//     collaborator may reactivate, as they may archive — the same people,
//     by the same command, every move published as an event; a manager who
//     left the office (GRP-11) cannot. Leaving an archive for draft is a
//     conflict naming ACC-12; activated → draft and draft → archived are
//     conflicts without rule. Grants are kept while archived, so central
//     persons keep their view (invariant 2), and AccountCreated still links
//     an archived dossier's grants (it changes whose a grant is, not what it
//     allows); the reminders do not depend on the status. Grants may be
//     given in draft.
//   - Decision: the family tree (family_structure) is edited by the
//     collaborators who reach the dossier internally (admins, the manager,
//     assigned collaborators, client-group routes — clientgroup's
//     InternalRoutes, so never someone who left the office), by the members
//     of a team reaching it through the team route (TEAM-4: full access to
//     the team's client dossiers) and by holders of a read_write grant
//     (ACC-10, ACC-11); others get ACC-11 (CanEditFamilyTree). Who is
//     central stays the manager's decision (ACC-2).
//   - Decision: editing the name of a central person is the manager's too
//     (ACC-2: every change to a central person).
//   - Decision: a tree has at most one holder (ErrConflict ACC-2); any
//     number of co-holders.
//   - Decision: removing a person who holds a grant revokes it, and so needs
//     the right to revoke it; a granted central person can never be removed
//     nor made non-central (ErrConflict ACC-6). When the manager makes a
//     granted non-central person central, the grant becomes irrevocable.
//   - Decision: one grant per person and per advisor; granting again is an
//     ErrConflict (ACC-4) — change the level instead (an advisor's expired
//     grant is replaced, issue 16).
//   - Decision: a correction that leaves email and phone unchanged is a
//     no-op (it does not resend the invitation). A corrected email that
//     already has an account links the grant at once and notifies that
//     account, as GrantPerson would. A correction keeps the grant's
//     GrantedBy and GrantedAt; its InvitedAt restarts.
//   - Decision: an advisor edit that changes the email or the phone of an
//     advisor whose grant has no account is a correction of that grant
//     (CanCorrectContact; the grant follows, re-invited); of an advisor
//     whose grant is linked it is refused (ErrConflict ACC-3 — revoke and
//     grant again to move the access to another address). Name, type and
//     label change freely. CorrectGrantContact on an advisor's grant updates
//     the advisor's registered email and phone too, so both stay equal.
//   - Decision: a label is required for type other and refused for the
//     named types ("label").
//   - Decision: the "Droits d'accès" tab (persons' and advisors' grants,
//     contact details and invitation states) is read by the collaborators
//     with an internal route and by the granted central persons. Family
//     members and external advisors do not manage access and do not see
//     others' emails and phones (personal data): ErrForbidden ACC-7. They
//     see the tree itself (Persons) and their own grant (Grant). Anyone else
//     gets ErrForbidden POL-1 (no route). Reads of an archived dossier are
//     allowed.
//   - Decision: a revoked grant is deleted (a GrantRevoked event carries it);
//     granting again issues a new grant and a new invitation.
//   - Decision: when both reminders are overdue at once (the host did not
//     call SendDueReminders for more than 23 days), only the 30-day one is
//     sent; the 7-day one is skipped.
//   - Decision: RemoveAdvisor (manager only) removes a registered advisor and
//     revokes their grant.
//   - Decision: a grant's Central flag is stored on the grant and kept in
//     step with the person's relation, so that the predicates are functions
//     of Dossier and Grant alone.
//   - Decision: Activate naming a group for a dossier that is already
//     activated is an ErrConflict naming GRP-5 (placing it is admin work,
//     clientgroup.Service.MoveDossier); for a dossier reactivated from the
//     archive it places it when it is in no group, and is a GRP-5 conflict
//     when it is in another one.
//
// # Time-bound access (issue 16)
//
// SPEC v2 is silent on expiry; this is an extension of it, asked by issue
// 16. An external advisor's grant may carry an expiry (Grant.ExpiresAt;
// the zero time is none): a notary during a succession, a banker for a
// loan file. It is set by GrantAdvisorUntil (GrantAdvisor grants with
// none) and changed — extended, shortened, cleared, or set anew on an
// expired grant, which opens it again — by SetGrantExpiry, with the
// entitlement of ChangeLevel on an advisor's grant: the manager while a
// collaborator (ACC-9; package policy answers it as ChangeGrantLevel). An
// expiry not after the service clock's now is invalid input naming
// "expires_at" (CheckExpiry); a person's grant never expires (invalid
// "grant").
//
//   - The grant is live iff now < ExpiresAt (Grant.Expired, at the
//     injected clock): at that instant it stops allowing anything, with no
//     command. An expired grant is as if not held (LiveGrants): the
//     service's predicates, Facts.HoldsGrant (GRP-7) and TEAM-8 v2's bound
//     (a referrer's grant that expired shares nothing) all see it so, and
//     so does package policy at decision time. A read refused to the
//     holder of an expired grant names its rule, ACC-10, with a reason
//     saying it expired (ExpiredRefusal).
//   - Decision: an expired grant stays stored — listed, with its expiry,
//     in the "Droits d'accès" tab and by Grant — until it is revoked or
//     replaced; while stored it still counts for one grant per email and
//     per account (ACC-7). Granting an advisor whose grant has expired
//     replaces it in one command (a GrantRevoked event, then GrantCreated
//     and the invitation or notification); granting over a live grant is
//     still an ACC-4 conflict.
//   - Events: GrantCreated carries the expiry; SetGrantExpiry publishes
//     GrantExpiryChanged. AdvisorAccessExpiring and AdvisorAccessExpired
//     are not recorded by a command: package due lists them (within its
//     window, 7 days by default; then until the grant is removed).
//
// # Storage and events
//
// Store (ViewAccess/UpdateAccess) with Reader and Writer; memstore.Store
// implements it and accesstest.RunStoreTests is its conformance suite.
// Every command goes through one write path and records, in its own
// transaction, one batch of events naming the records it touched
// (cabinet.Options.Emit: the host receives it from the store's change log,
// SPEC §3 invariant 13); EventTypes lists them.
// Commands return the record as stored and the committed cabinet.Revision
// ((cabinet.Revision, error) for removals and revocations).
//
// Facts from other packages come through Directory (office membership,
// internal routes and the placement at activation: clientgroup.Facts) and
// Accounts (UserByEmail, team.Facts), asked with the command's own
// transaction (cabinet.Tx): the actor's profile, a manager's membership and
// an email's account are read in the transaction that writes, never before
// it. Facts (access.Facts) answers the other packages' questions about
// dossiers, and releases a departing collaborator (GRP-11), in the same
// way.
package access
