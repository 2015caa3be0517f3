// Package access holds client dossiers and their outward-facing rights: the
// family tree, registered external advisors, and the grants that let
// holders, family members and advisors into a dossier, with their
// invitations and reminders (SPEC rules ACC-1 … ACC-11).
//
// # The dossier
//
// A Dossier belongs to one office and has a status (cabinet.DossierDraft →
// cabinet.DossierActivated → cabinet.DossierArchived), a manager (the
// collaborator in charge, possibly unset) and assigned collaborators. Its
// sections (Section: family_structure, asset_inventory, donation_inventory,
// documents, notes) and tools (Tool: simulations, reports) are what actions
// are about. Other packages read a dossier through Service.DossierFacts.
//
// # Who may do what
//
// Each rule is a pure exported predicate, used by Service and composed by
// package policy; a denial is a *cabinet.ForbiddenError naming the rule.
//
//   - ACC-1 CanManageExternalAccess: only the manager manages the access of
//     people outside the office. Office admins can open the dossier (package
//     clientgroup, GRP-3) and organise it, but cannot grant.
//   - ACC-2 Persons of the tree have a Relation; holder and co_holder are
//     central (Relation.Central). Access is granted only to a Person of the
//     tree (GrantPerson) or to a registered Advisor (GrantAdvisor).
//   - ACC-3 GrantPerson needs an email (cabinet.ParseEmail) and a phone
//     (cabinet.ParsePhone, E.164, default region France); a bad value is an
//     *cabinet.InvalidError naming "email" or "phone" and nothing changes.
//   - ACC-4 A grant is LevelReadOnly or LevelReadWrite (ChangeLevel).
//   - ACC-5 A grantee whose email has an account is linked to it and gets an
//     AccessNotified event; otherwise an InvitationSent event, then
//     ReminderDue events 7 and 30 days later (SendDueReminders) while the
//     grantee has no account and the grant exists. AccountCreated links the
//     grant and stops the reminders.
//   - ACC-6 CanRevoke: a grant to a central person is never revoked, by
//     anyone; its level can change. This protects the target, it is not a
//     permission of the actor: Revoke, RemovePerson and demoting a granted
//     central person (EditPerson) fail with a *cabinet.ConflictError naming
//     ACC-6 (ErrConflict), never ErrForbidden.
//   - ACC-7 CanManagePersonAccess: a central person holding a grant manages
//     the access of the non-central persons of the tree, never of central
//     persons nor of advisors.
//   - ACC-8 RegisterAdvisor records an advisor (name, email, phone,
//     AdvisorType) without granting anything.
//   - ACC-9 CanManageAdvisorAccess: only the manager registers advisors and
//     grants, changes or revokes their access.
//   - ACC-10, ACC-11 GrantAllows: every grant views; a read_write grant
//     edits family_structure, asset_inventory and donation_inventory only;
//     no grant uses simulations or reports. Denials name ACC-10 for
//     advisors ("external advisors cannot use reports") and ACC-11 for
//     family members and central persons.
//
// A subject may hold several grants (one per person or advisor record
// whose email is theirs); policy asks GrantAllows of each grant the
// subject holds on the dossier (Reader.Grants with GrantFilter.User).
//
// # Decisions (where the specification is silent)
//
//   - Decision: any collaborator of the office creates a dossier and becomes
//     its manager; it starts as a draft. An office admin or the current
//     manager sets the manager (who must be a collaborator of the office;
//     "" unsets it) and the assigned collaborators, and changes the status
//     (CanManageDossier). These denials name ACC-1, the rule that puts the
//     manager in charge of the dossier.
//   - Decision: status moves are draft → activated, activated → archived and
//     archived → activated; others are an ErrConflict. An archived dossier
//     is frozen: every change other than its status is an ErrConflict
//     (no rule ID). Grants are kept while archived, so central persons
//     keep their view (invariant 2). Grants may be given in draft.
//   - Decision: the family tree (persons) is edited by the office's admins,
//     the manager, the assigned collaborators, and any holder of a
//     read_write grant on the dossier (ACC-10, ACC-11 allow them to edit
//     family_structure); others get ACC-11 (CanEditFamilyTree). Client
//     group routes (GRP-3) are not known here; policy may widen this.
//   - Decision: a tree has at most one holder (ErrConflict ACC-2); any
//     number of co-holders.
//   - Decision: removing a person who holds a grant revokes it, and so needs
//     the right to revoke it; a granted central person can never be removed
//     (ErrConflict ACC-6). A granted central person cannot be given a
//     non-central relation (ErrConflict ACC-6); only the manager may make a granted non-central
//     person central (ACC-7), and the grant then becomes irrevocable.
//   - Decision: one grant per person and per advisor; granting again is an
//     ErrConflict (ACC-4) — change the level instead. Email and phone of a
//     grant are fixed at grant time.
//   - Decision: a revoked grant is deleted (a GrantRevoked event carries it);
//     granting again issues a new grant and a new invitation.
//   - Decision: when both reminders are overdue at once (the host did not
//     call SendDueReminders for more than 23 days), only the 30-day one is
//     sent; the 7-day one is skipped. Reminders do not depend on the
//     dossier's status.
//   - Decision: RemoveAdvisor (manager only) removes a registered advisor and
//     revokes their grant. Advisors are not edited: remove and register.
//   - Decision: a grant's Central flag is stored on the grant and kept in
//     step with the person's relation, so that the predicates are functions
//     of Dossier and Grant alone.
//
// # Storage and events
//
// Store (ViewAccess/UpdateAccess) with Reader and Writer; memstore.Store
// implements it and accesstest.RunStoreTests is its conformance suite.
// Every command publishes, after commit, events naming the records it
// touched: DossierCreated, DossierStatusChanged, DossierManagerSet,
// DossierAssignedChanged, PersonAdded, PersonEdited, PersonRemoved,
// AdvisorRegistered, AdvisorRemoved, GrantCreated, GrantLevelChanged,
// GrantRevoked, InvitationSent, AccessNotified, ReminderDue, GranteeLinked.
//
// Facts from other packages come through Directory (office membership,
// clientgroup.Facts) and Accounts (UserByEmail, team.Facts), asked with the
// command's own transaction (cabinet.Tx): the actor's profile, a manager's
// membership and an email's account are read in the transaction that
// writes, never before it. Facts (access.Facts) answers the other packages'
// questions about dossiers in the same way.
package access
