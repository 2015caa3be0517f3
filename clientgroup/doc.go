// Package clientgroup is the office directory and the office's inward-facing
// organisation: offices and their collaborators (profile admin or standard),
// collaborator groups, client groups, and the internal routes by which a
// collaborator reaches a dossier (GRP-1 … GRP-11).
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
// the Routes bitset: admin (admin profile in the dossier's office), manager,
// assigned (from package access, through the Dossiers interface),
// group_direct (direct collaborator of the dossier's client group) and
// collaborator_group (member of a collaborator group assigned to it). A
// dossier in no client group has only the first three (GRP-2).
// InternalRoutes is the pure, allocation-free function deciding it from a
// RouteFacts value; Service.Routes fills RouteFacts from the store, and
// package policy can fill it from its own index.
//
// InternalRoutes requires the user to be a collaborator of the dossier's
// office: a user with no profile there gets no route at all, even if access
// still names them manager or assigned collaborator. With the cascade in
// RemoveCollaborator (memberships and direct assignments deleted in the same
// transaction) this is GRP-11.
//
// # Rules enforced
//
//   - GRP-1: groups, members, assignments and placements stay in one office.
//     A link across offices is an invalid target whoever asks, not a
//     permission of the actor: an ErrConflict (*cabinet.ConflictError)
//     naming GRP-1. For a placement (MoveDossier, CanPlace's office clause)
//     it is checked before the actor's admin profile, as policy composes
//     CanPlace; for assignments, after it. A collaborator of another office
//     is simply not found in this one (ErrNotFound).
//   - GRP-2, GRP-3: InternalRoutes, Service.Routes, Service.ReachesDossier.
//   - GRP-4: a dossier has at most one Placement: the store keys placements by
//     dossier, and Writer.PutPlacement replaces the previous one in the same
//     transaction (Service.MoveDossier).
//   - GRP-5: CanAdminister — only admins create, edit and delete client and
//     collaborator groups, place and take out dossiers, and manage the
//     directory; CanPlace — only activated dossiers are placed.
//   - GRP-6: names required (cabinet.ParseName); Service.DuplicateNames
//     reports names used twice in an office (case-insensitive).
//   - GRP-7: Service.ContactAddress and the pure ContactAddress.
//   - GRP-8: a collaborator, and a collaborator group, may be assigned to any
//     number of client groups.
//   - GRP-9: Service.ListDossiers (cursor-paginated) and Service.Dossiers
//     (iter.Seq2), filtered by client group, status and manager.
//   - GRP-10: AssignCollaborator/UnassignCollaborator (group side) and
//     SetCollaboratorClientGroups (collaborator side) write the very same
//     DirectAssignment records and events.
//   - GRP-11: RemoveCollaborator; InternalRoutes as above.
//
// # Decisions
//
//   - Decision: any user with an account may create an office and becomes
//     its first admin (like TEAM-1 for teams). An office's general email is
//     required (GRP-7 falls back to it).
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
//   - Decision: taking a dossier out of its group (MoveDossier with to = "")
//     needs an admin but not an activated dossier, so archived dossiers can
//     leave their group. Deleting a client group takes its dossiers out.
//   - Decision: the dossier's status plays no part in the internal routes.
//   - Users (team.Facts) and Dossiers (access.Facts) are asked inside the
//     command's transaction, with its cabinet.Tx: a dossier archived while
//     it is being placed never commits the placement. Facts answers the
//     other packages' questions (profiles, internal routes) the same way.
//   - Decision: read queries (Profile, Routes, ListDossiers, …) are not
//     gated by an actor; package policy gates reads.
//   - Decision: the client-group email is optional; a blank email clears it.
//   - Decision: duplicate names are compared ignoring case and surrounding
//     white space.
//
// # Events
//
// Every committed command publishes one batch; cascades (removing a
// collaborator, deleting a group) publish the removed memberships,
// assignments and placements before the command's own event.
package clientgroup
