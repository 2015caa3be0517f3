// Package team holds advisor teams and the user accounts themselves
// (TEAM-1 … TEAM-12): advisors who share the clients they refer.
//
// # Model
//
// A cabinet.User is an account. CreateUser creates it together with its
// personal team, "<display name> personal", in one transaction (TEAM-6), and
// then tells every cabinet.AccountListener so that other packages can turn
// what waited for that email into the new user's.
//
// A Team has members, each with a Role: RoleMember has full access to the
// team's client dossiers; RoleAdmin has the same plus managing members
// (invite, remove, change role) and settings (rename, delete) (TEAM-4). One
// admin is the lead advisor (Team.Lead).
//
// An Invitation is a pending membership addressed to an email with a role
// (TEAM-3). A Referral is a client that an advisor brought in: it records
// the referrer, the client (name, email, and the client's account once they
// have one), the client's dossier (vault), the client's Consent and the
// date; it lives in exactly one team (TEAM-7).
//
// # Rules enforced
//
//   - TEAM-1 CreateTeam(actor, name, lead): the lead advisor (the actor when
//     lead is "") becomes the first admin and the lead; an assistant who
//     creates the team on the lead's behalf is recorded as CreatedBy and is
//     not a member.
//   - TEAM-2 The lead cannot be demoted (ChangeRole), removed (RemoveMember)
//     or leave (Leave); TransferLead, run by the lead or an admin, hands lead
//     status to another admin only. Since the lead is always an admin, every
//     team has an admin. TEAM-2 protects the target, not a permission of the
//     actor (an admin may manage members): removing, demoting or the lead
//     leaving is a *cabinet.ConflictError naming TEAM-2 (ErrConflict), never
//     ErrForbidden; a non-admin acting stays ErrForbidden (TEAM-4).
//   - TEAM-3 Invite (admins) addresses an email, with or without an account;
//     AcceptInvitation by the account with that email (case-insensitive)
//     makes it a member; RevokeInvitation withdraws a pending invitation.
//     Accepting an accepted, revoked or expired invitation is a
//     *cabinet.ConflictError naming TEAM-3; accepting someone else's is
//     forbidden (TEAM-3).
//   - TEAM-4 CanManageMembers, CanRename, CanDelete: admins only; members
//     see the team (CanViewTeam).
//   - TEAM-5 Any number of teams per user, created or joined.
//   - TEAM-6 The personal team is created with the user, has exactly its
//     owner as member (an admin and its lead), is visible to the owner only,
//     accepts no invitation, and cannot be renamed, deleted or left.
//   - TEAM-7 Refer without a team puts the referral in the referrer's
//     personal team. When a user creates or joins their first non-personal
//     team, every referral of their personal team moves to it (events
//     ReferralMoved, reason first_team); later teams receive nothing.
//     MoveReferral moves a referral between the actor's personal team and a
//     team the actor belongs to.
//   - TEAM-8 CanReachDossier(t, r, u) is the team route: u is a member of
//     the team that holds referral r. ReachesDossier answers it by dossier.
//   - TEAM-9 RevokeConsent / RestoreConsent, by the client only. While
//     revoked the referral is still listed and CanReachDossier denies with
//     TEAM-9 for everyone.
//   - TEAM-10 DeleteTeam requires a Reassignment: ReassignToDeleter (all to
//     the deleting admin's personal team) or ReassignToReferrers (each to its
//     referrer's personal team, members who left included). The team and its
//     invitations are deleted; no referral is lost.
//   - TEAM-11 RemoveMember and Leave keep the member's referrals in the team.
//   - TEAM-12 Referrals lists a team's referrals (referrer, client, consent,
//     date) filtered by referrer and consent state, with cursors; members
//     only.
//
// # Permission predicates
//
// CanViewTeam, CanManageMembers, CanRename, CanDelete, CanLeave,
// CanTransferLead, CanListReferrals, CanRefer, CanMoveReferral,
// CanChangeConsent and CanReachDossier are pure functions of this package's
// records. They return nil (without allocating) or a *cabinet.ForbiddenError
// naming the rule. Service calls them inside its transactions; package
// policy composes the very same functions.
//
// # Events
//
// Every command publishes, after its commit, one batch of events naming
// every record it touched: UserCreated, TeamCreated, TeamRenamed,
// TeamDeleted, InvitationCreated, InvitationAccepted, InvitationRevoked,
// MemberJoined, MemberRemoved, MemberLeft, RoleChanged, LeadTransferred,
// ReferralCreated, ReferralMoved, ReferralClientLinked, ConsentWithdrawn
// ("team.consent_revoked") and ConsentRestored. A failed command, or one that
// changes nothing, publishes nothing.
//
// # Decisions
//
// Where the specification is silent:
//
//   - Decision: user accounts live here (an account and its personal team
//     are created together). Emails are unique among users by
//     cabinet.EmailKey; a second account with the same email is a
//     *cabinet.ConflictError. CreateUser refuses a display name so long that
//     "<name> personal" would exceed cabinet.MaxNameLength.
//   - Decision: an assistant needs no relation to the lead to create a team
//     for them (the seed says the assistant uses the lead's credentials);
//     both must be existing users.
//   - Decision: invitations expire DefaultInvitationLifetime (14 days) after
//     creation, by the injected clock; Service.WithInvitationLifetime returns
//     a service with another lifetime. Expiry is computed, not stored
//     (Invitation.Expired). An expired invitation may be replaced by a new
//     one; a pending unexpired invitation for the same email and team, or an
//     email whose account is already a member, is a ConflictError (TEAM-3).
//     Invitations are matched to accounts by email; nothing is rewritten when
//     the invitee signs up.
//   - Decision: "first non-personal team" means the first ever: once a
//     user's personal referrals went to a team (Team.FirstTeam on the
//     personal team), leaving or deleting it does not make a later team
//     "first". Referrals made in the personal team afterwards stay there.
//   - Decision: MoveReferral is allowed to the referrer, and to the owner of
//     the personal team holding the referral (e.g. referrals reassigned to a
//     deleting admin); the actor must still be a member of the source team
//     (TEAM-11: a referral stays in a team its referrer left). A move must
//     have the personal team on one side; moving directly between two teams
//     is forbidden (TEAM-7). Moving to the current team is a no-op.
//   - Decision: consent is per referral and changed only by the client, that
//     is the account linked to the referral (by email at Refer, or at
//     CreateUser). Revoking a revoked consent, or restoring a given one, is a
//     no-op without event.
//   - Decision: a referral's dossier ID is not checked against package
//     access (no cross-package dependency); it must only be non-blank.
//   - Decision: referring the same client twice creates two referrals; the
//     library does not deduplicate.
//   - Decision: a non-member asking for a team is denied with TEAM-4 (TEAM-6
//     for a personal team); for its referrals with TEAM-12. Referral(id) is
//     visible to the members of its team and to its client. Invitations(team)
//     is for admins; PendingInvitations shows a user the invitations
//     addressed to their email.
//   - Decision: ChangeRole to the current role and TransferLead to the
//     current lead are no-ops; TransferLead to a member who is not an admin
//     is a ConflictError (TEAM-2), to a non-member ErrNotFound.
//   - Decision: deleting a team deletes all its invitations (pending,
//     accepted and revoked); TeamDeleted lists them.
//   - Decision: listings are ordered by ID as strings (so "ref_10" sorts
//     before "ref_7" with cabinet.SequentialIDs).
//
// # Storage
//
// Store (ViewTeams / UpdateTeams) with Reader and Writer is dumb
// persistence; package memstore implements it and package teamtest is the
// conformance suite for any other backend.
package team
