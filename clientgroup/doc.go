// Package clientgroup is the office directory and the office's inward-facing
// organisation: offices and their collaborators (profile admin or standard),
// collaborator groups, client groups, and the internal routes by which a
// collaborator reaches a dossier (GRP-1 … GRP-11, v2, and ACC-12 for
// placements).
//
// # Model
//
// An Office has a name and a general email. Its Collaborators are users with
// a cabinet.Profile. A CollaboratorGroup is a named set of collaborators
// (Member records). A ClientGroup (name, optional email) holds dossiers
// (Placement records, keyed by dossier), direct collaborators
// (DirectAssignment) and collaborator groups (GroupAssignment) (GRP-1). All of
// them belong to one office, and nothing is linked across offices (GRP-1).
//
// # Internal routes (GRP-2, GRP-3, GRP-11)
//
// A collaborator reaches a dossier internally through any of five routes,
// the cabinet.Routes bitset: admin (admin profile in the dossier's office), manager,
// assigned (from package access, through the Dossiers interface),
// group_direct (direct collaborator of the dossier's client group) and
// collaborator_group (member of a collaborator group assigned to it). A
// dossier in no client group has only the first three (GRP-2).
// InternalRoutes is the pure, allocation-free function deciding it from a
// RouteFacts value; Service.Routes fills RouteFacts from the store.
// InternalRoutesOf is the same function with the facts passed apart (the
// dossier's by pointer), which package policy calls from its own index on
// every check; InternalRoutes calls it, so the rule has one source.
//
// InternalRoutes requires the user to be a collaborator of the dossier's
// office: a user with no profile there gets no route at all, even if a
// dossier still names them manager or assigned collaborator (GRP-11).
//
// # Time-bound direct assignments (issue 16)
//
// SPEC v2 is silent on expiry; this is an extension of it, asked by issue
// 16. A direct assignment may carry an expiry
// (DirectAssignment.ExpiresAt; the zero time is none), set by
// AssignCollaboratorUntil (AssignCollaborator assigns with none). The
// group_direct route it opens is live iff now < ExpiresAt
// (DirectAssignment.Expired, at the injected clock): at that instant it
// closes with no command, in Service.Routes, ReachesDossier, the dossier
// listing (GRP-9), Facts.Routes (which the access, team, contact and
// procedure services ask) and package policy, whose denial names GRP-3
// with a reason saying it expired. RouteFactsIn takes the instant: an
// expired assignment is not RouteFacts.Direct.
//
//   - The expiry is the admins' (GRP-5), the entitlement of assigning:
//     assigning again replaces it — extends, shortens, clears it (the zero
//     time), or reopens an expired assignment — with an
//     AssignmentExpiryChanged event; the same expiry again is a no-op. An
//     expiry not after the service clock's now is invalid input naming
//     "expires_at" (CheckExpiry). SetCollaboratorClientGroups keeps the
//     expiry of the assignments it keeps, and adds new ones without.
//   - Decision: an expired assignment stays stored, listed with its expiry
//     (DirectAssignments, ClientGroupsOf), until it is removed or assigned
//     again.
//   - Events: CollaboratorAssigned carries the expiry.
//     AssignmentExpiring and AssignmentExpired are not recorded by a
//     command: package due lists them (within its window, 7 days by
//     default; then until the assignment is removed).
//
// # Rules enforced
//
// Every permission decision is one exported pure predicate (CanAdminister,
// CanMoveDossier, CanPlace, CanPlaceOnActivation, CanViewOffice,
// CanListDossiers, CanViewRoutes, CanReadContactAddress), used by Service
// and composed by package policy.
//
//   - GRP-1: groups, members, assignments and placements stay in one office.
//     A link across offices is an invalid target whoever asks, not a
//     permission of the actor: an ErrConflict (*cabinet.ConflictError)
//     naming GRP-1. For a placement (CanMoveDossier) it is checked before
//     the actor's admin profile; for assignments, after it. A collaborator
//     of another office is simply not found in this one (ErrNotFound).
//   - GRP-2, GRP-3: InternalRoutes, InternalRoutesOf, Service.Routes, Service.ReachesDossier.
//   - GRP-4: a dossier has at most one Placement: the store keys placements by
//     dossier, and Writer.PutPlacement replaces the previous one in the same
//     transaction (Service.MoveDossier, MoveDossiers).
//   - GRP-5 (v2): CanAdminister — only admins create, edit and delete client
//     and collaborator groups, place, move and take out dossiers, and manage
//     the directory; CanPlace — only activated dossiers are placed. The
//     manager or an admin names a dossier's group at activation, in the same
//     command (access.Service.Activate, through Facts.PlaceOnActivation and
//     CanPlaceOnActivation); afterwards moving it is admin work.
//   - GRP-6: names required (cabinet.ParseName); Service.DuplicateNames
//     reports names used twice in an office (case-insensitive).
//   - GRP-7: Service.ContactAddress and the pure ContactAddress: the
//     manager's address only while the manager is a collaborator of the
//     office, else the group's, else the office's.
//   - GRP-8: a collaborator, and a collaborator group, may be assigned to any
//     number of client groups.
//   - GRP-9 (seed 003): Service.Dossiers lists an office's dossiers — with or
//     without a client-group filter, "in no group", by status and by
//     manager, combinable, the active-clients monitor — for its
//     collaborators, each seeing the dossiers they reach (admins: all).
//     MoveDossiers places several dossiers in one command, one transaction
//     and one event batch, all or nothing (the seed's multi-select).
//   - GRP-10: AssignCollaborator/UnassignCollaborator (group side) and
//     SetCollaboratorClientGroups (collaborator side) write the very same
//     DirectAssignment records and events.
//   - GRP-11 (v2): RemoveCollaborator, in one transaction, deletes the
//     collaborator's memberships and direct assignments and, through
//     Dossiers.ReleaseCollaborator (access.Facts), unsets them as manager of
//     the office's dossiers and takes them off every assigned list — so no
//     right that comes from being manager or assignee survives their
//     departure (package access checks the profile at decision time too).
//   - ACC-12 (v2): an archived dossier is read-only: MoveDossier and
//     MoveDossiers neither place it nor take it out (*cabinet.ConflictError
//     naming ACC-12, whoever asks).
//
// # Decisions
//
//   - Decision: any user with an account may create an office and becomes
//     its first admin (like TEAM-1 for teams); CreateOffice is where offices
//     are created. An office's general email is required (GRP-7 falls back
//     to it).
//   - Decision: an office always keeps at least one admin: demoting or
//     removing the last admin is ErrConflict naming GRP-5 (without an admin
//     nobody could administer the groups). An admin may demote or remove
//     themselves otherwise.
//   - Decision: managing collaborators (add, change profile, remove) is
//     admin work under GRP-5. A user may be a collaborator of several
//     offices. Offices are never deleted by this package.
//   - Decision: adding a member, assigning a collaborator or a collaborator
//     group twice, moving a dossier to the group it is in, or setting an
//     unchanged value is a successful no-op that publishes nothing. Removing
//     what does not exist is ErrNotFound.
//   - Decision (ACC-12): an archived dossier stays in its group; it is
//     neither placed nor taken out by MoveDossier(s). Two things still
//     change an archived dossier's organisation, because they change the
//     office, not the dossier, and only take access away: deleting its
//     client group takes it out (it is then in no group), and removing a
//     collaborator releases them as its manager or assignee (GRP-11). To
//     move an archived dossier, reactivate it first (access).
//   - Decision: the dossier's status plays no part in the internal routes.
//   - Users (team.Facts) and Dossiers (access.Facts) are asked inside the
//     command's transaction, with its cabinet.Tx: a dossier archived while
//     it is being placed never commits the placement. Facts answers the
//     other packages' questions (profiles, internal routes) the same way.
//   - Decision: the reads of an office's organisation (Office,
//     Collaborator(s), ClientGroup(s), CollaboratorGroup(s), Members,
//     DirectAssignments, GroupAssignments, ClientGroupsOf, DuplicateNames)
//     are for its collaborators (CanViewOffice, ErrForbidden GRP-1): nobody
//     outside learns how an office is organised. Offices lists the actor's
//     own offices. Routes and ReachesDossier answer about oneself, or about
//     anyone for an admin of the dossier's office (CanViewRoutes, GRP-3).
//     ContactAddress is for whoever reaches the dossier internally or holds
//     a grant on it (CanReadContactAddress, GRP-7).
//   - Decision: the client-group email is optional; a blank email clears it.
//   - Decision: duplicate names are compared ignoring case and surrounding
//     white space.
//   - Decision: MoveDossiers takes at most MaxMove dossiers; duplicates are
//     ignored; the dossiers are checked in ascending ID order, so the first
//     refused one names the rule.
//
// # Events
//
// Every command goes through one write path and records, in its own
// transaction, one batch (cabinet.Options.Emit: the host receives it from
// the store's change log, SPEC §3 invariant 13); cascades (removing a
// collaborator, deleting a group) record
// the removed memberships, assignments, placements and — for a removed
// collaborator — access's DossierManagerSet and DossierAssignedChanged
// events before the command's own event. EventTypes lists the package's
// event types. Commands return the record as stored and the committed
// cabinet.Revision ((cabinet.Revision, error) for removals, moves and set
// replacements).
package clientgroup
