// Package team holds advisor teams and the user accounts themselves
// (TEAM-1 … TEAM-12, SPEC v2): advisors who share the clients they refer.
// Accounts are created here (Service.CreateUser, host-driven sign-up).
//
// # Model
//
// A cabinet.User is an account. CreateUser creates it together with its
// personal team in one transaction (TEAM-6), and in that same transaction
// tells every cabinet.AccountListener, so that other packages turn what
// waited for that email into the new user's: all of it commits, or none.
//
// A Team has members, each with a Role: RoleMember has full access to the
// team's client dossiers; RoleAdmin has the same plus managing members
// (invite, remove, change role) and settings (rename, delete) (TEAM-4). One
// admin is the lead advisor (Team.Lead). A team created on someone else's
// behalf is Pending until that lead accepts it.
//
// An Invitation is a pending membership addressed to an email with a role
// (TEAM-3). A Referral is a client that an advisor brought in: it records
// the referrer, the client (name, email, and the client's account once they
// have one), the client's dossier (vault) and the date; it lives in exactly
// one team (TEAM-7). A DossierConsent is the one consent switch of a dossier
// (TEAM-9); every referral reads with its dossier's consent.
//
// # Rules enforced
//
//   - TEAM-1 (v2) CreateTeam(actor, name, lead): when the actor is the lead
//     (lead "" means the actor), the team is active and the lead is its
//     first admin, member and lead. When the actor creates it on someone
//     else's behalf, the team is Pending: it has no member, receives no
//     referral (CanRefer), moves nothing (TEAM-7), and every command but
//     its lead's AcceptTeam or DeclineTeam refuses it naming TEAM-1. On
//     AcceptTeam the lead becomes admin, member and lead, and TEAM-7's
//     first-team move happens then; DeclineTeam deletes it. The creator is
//     recorded (CreatedBy) and is a member only if added later. Nobody
//     makes a user the lead of a team without that user's own act.
//   - TEAM-2 (v2) The lead cannot be demoted (ChangeRole, CanSetRole),
//     removed (RemoveMember, CanRemoveMember) or leave (Leave, CanLeave);
//     these protect the target and are a *cabinet.ConflictError naming
//     TEAM-2, never ErrForbidden; a non-admin acting stays ErrForbidden
//     (TEAM-4). Only the lead hands lead status to another admin
//     (TransferLead, CanTransferLead, CanBecomeLead); no admin can take
//     it. Since the lead is always an admin, every accepted team has one.
//   - TEAM-3 Invite (admins) addresses an email, with or without an account;
//     AcceptInvitation by the account with that email (compared by
//     cabinet.EmailKey) makes it a member; RevokeInvitation withdraws and
//     ResendInvitation sends again a pending invitation. Accepting an
//     accepted, revoked or expired invitation is a *cabinet.ConflictError
//     naming TEAM-3; accepting someone else's is forbidden (TEAM-3).
//   - TEAM-4 CanManageMembers, CanRename, CanDelete: admins only; members
//     see the team (CanViewTeam).
//   - TEAM-5 Any number of teams per user, created, joined or accepted.
//   - TEAM-6 The personal team is created with the user, has exactly its
//     owner as member (an admin and its lead), is visible to the owner only,
//     accepts no invitation, and cannot be renamed, deleted or left. Its
//     label is derived, not stored: PersonalTeamName of the owner's current
//     display name, so it follows SetDisplayName.
//   - TEAM-7 Refer without a team puts the referral in the referrer's
//     personal team. When a user creates, accepts or joins their first
//     non-personal team, the referrals of their personal team move to it
//     (events ReferralMoved, reason first_team); later teams receive
//     nothing. MoveReferral moves a referral its actor made between their
//     personal team and a team they belong to.
//   - TEAM-8 (v2) Refer requires the dossier to exist and the referrer to
//     reach it, in the command's transaction, through an internal route of
//     its office (GRP-3, Directory = clientgroup.Facts) or to be its granted
//     central person (Dossiers.HoldsCentralGrant = access.Facts); otherwise
//     it is a *cabinet.ForbiddenError naming TEAM-8 and nothing is written
//     (CanRefer, with a DossierReach). MoveReferral and the first-team move
//     re-check it, since moving opens the vault to another team. The team
//     route itself is CanReachDossier(t, r, u, RouteFacts): u a member of the
//     team holding r, u not a granted central person of the dossier (the
//     team route never applies to them: referring oneself gives one's team
//     access, never oneself more), the referrer still entitled (Decision:
//     checked at every decision — the route shares what the referrer holds,
//     so a collaborator who leaves the office keeps nothing through the
//     referrals they made, GRP-11), consent given. It opens no more than
//     the referrer holds: RouteFacts.ReferrerEntitled is whether the
//     referrer may take the action asked themselves (a read_only holder's
//     self-referral lets her team view her vault, not edit it). Facts
//     answers viewing (TeamRoute; ReachesDossier by dossier) and gives the
//     referrers (TeamReferrers) to the packages that decide more: access
//     for the family tree, policy for every action.
//   - TEAM-9 (v2) Consent is one switch per dossier (DossierConsent, given
//     by default), held by the dossier's granted central persons only
//     (CanManageConsent): RevokeConsent closes the team route to the
//     dossier in every team that holds a referral of it, RestoreConsent
//     reopens it. Neither the referrer nor whoever a referral names as its
//     client can change it. While revoked, the referrals are still listed,
//     with consent revoked, and CanReachDossier denies with TEAM-9.
//   - TEAM-10 DeleteTeam requires a Reassignment: ReassignToDeleter (all to
//     the deleting admin's personal team) or ReassignToReferrers (each to its
//     referrer's personal team, members who left included). The team and its
//     invitations are deleted; no referral is lost.
//   - TEAM-11 RemoveMember and Leave keep the member's referrals in the team.
//   - TEAM-12 Referrals lists a team's referrals (referrer, client, consent,
//     date) filtered by referrer and consent state, with cursors; members
//     only. ReferralsBy lists every referral one advisor made, across
//     teams, to that advisor only.
//   - ACC-12 (owned by access) Refer and MoveReferral refuse an archived
//     dossier with a *cabinet.ConflictError naming ACC-12.
//
// # Permission predicates
//
// Every permission decision of a command or read is one exported pure
// predicate of this package's records and kernel facts: CanViewTeam,
// CanManageMembers, CanRemoveMember, CanSetRole, CanRename, CanDelete,
// CanLeave, CanTransferLead, CanBecomeLead, CanAnswerTeam,
// CanViewInvitation, CanAcceptInvitation, CanResendInvitation,
// CanRevokeInvitation, CanListReferrals, CanViewReferral,
// CanListReferralsBy, CanRefer, CanMoveReferral, CanReachDossier and
// CanManageConsent. They return nil (without allocating), a
// *cabinet.ForbiddenError naming the rule that refuses the actor, or a
// *cabinet.ConflictError naming the rule that protects the target. The
// facts they need from other packages (DossierReach, central) are read by
// Service inside its transaction; package policy calls the very same
// functions with the facts of its index.
//
// # Events
//
// Every command records, in its own transaction, one batch of events
// naming every record it touched (cabinet.Options.Emit: the store's change
// log holds it from the commit on, and the host receives it from there,
// cabinet.Delivery; SPEC §3 invariant 13) (EventTypes lists them; each EventName is "team."
// and the snake_case of its type's name): UserCreated, DisplayNameChanged,
// TeamCreated, TeamAccepted, TeamDeclined, TeamRenamed, TeamDeleted,
// InvitationCreated, InvitationResent, InvitationAccepted,
// InvitationRevoked, MemberJoined, MemberRemoved, MemberLeft, RoleChanged,
// LeadTransferred, ReferralCreated, ReferralMoved, ReferralClientLinked,
// ConsentWithdrawn and ConsentRestored. A failed command, or one that
// changes nothing, records nothing. The events account listeners return
// (access, contact, procedure) are in CreateUser's batch, which names its
// host. Two more event types are recorded by no command: InvitationExpiring
// and InvitationExpired are the events of the TEAM-3 obligations that
// package due lists (EventTypes holds them too).
//
// # Shape
//
// Commands return the record as stored and the cabinet.Revision they
// committed ((Revision, error) for those that delete, remove or revoke);
// a no-op returns the store's current revision, a failure 0. Every command
// goes through one write path. Reads are getters (Team, Referral,
// Invitation, User, DossierConsent, PersonalTeam) and listings taking a
// cabinet.Page (Teams, PendingTeams, Referrals, ReferralsBy, Invitations,
// PendingInvitations), each run in one View with its facts read in it.
//
// # Decisions
//
// Where the specification is silent:
//
//   - Decision: user accounts live here (an account and its personal team
//     are created together). Sign-up (CreateUser) and looking an account up
//     by email (UserByEmail) are host-driven: no user may probe which
//     emails have accounts. Any existing account reads any account by ID
//     (User): accounts are the directory by which collaborators, advisors
//     and clients find each other. Emails are unique among users by
//     cabinet.EmailKey; a second account with the same email is a
//     *cabinet.ConflictError.
//   - Decision: a personal team's name is not stored; its label is
//     PersonalTeamName(owner's display name) in everything Service returns,
//     and the display name is not limited by the label's length.
//   - Decision: an assistant needs no relation to the lead to create a team
//     for them (the seed says the assistant uses the lead's credentials);
//     both must be existing users. A pending team is visible to its lead
//     and its creator (CanViewTeam) and listed by PendingTeams for its
//     lead; it stays pending until answered (no expiry), and only the lead
//     answers it. Accepting or declining twice is a Conflict (TEAM-1).
//   - Decision: invitations expire DefaultInvitationLifetime (14 days) after
//     they are sent, by the injected clock; Service.WithInvitationLifetime
//     returns a service with another lifetime. Expiry is computed, not
//     stored (Invitation.Expired). An expired invitation may be replaced by
//     a new one; a pending unexpired invitation for the same email and
//     team, or an email whose account is already a member, is a
//     ConflictError (TEAM-3). ResendInvitation restarts the lifetime (also
//     of an expired invitation, unless a newer one is pending). Invitations
//     are matched to accounts by email; nothing is rewritten when the
//     invitee signs up.
//   - Decision: "first non-personal team" means the first ever: once a
//     user's personal referrals went to a team (Team.FirstTeam on the
//     personal team), leaving or deleting it does not make a later team
//     "first". A pending team becomes first only when accepted.
//   - Decision: TEAM-8 v2 wins over TEAM-7's "all referrals move": the
//     first-team move moves each personal referral MoveReferral would let
//     its referrer move (still entitled to the dossier, not archived); the
//     others stay, listed, in the personal team.
//   - Decision: only the referrer moves a referral (TEAM-7 "a referral they
//     made"), while a member of the team it leaves (TEAM-11) and still
//     entitled to its dossier (TEAM-8 v2). A move must have the personal
//     team on one side; moving directly between two teams is forbidden
//     (TEAM-7). Moving to the current team is a no-op. TEAM-10's
//     reassignments are not re-checked: no referral may be lost.
//   - Decision: an unknown dossier in Refer or MoveReferral is a TEAM-8
//     refusal, and in the consent commands and reads a TEAM-9 refusal
//     (not ErrNotFound): a user learns nothing about dossiers they do not
//     hold.
//   - Decision: consent changes on an archived dossier are allowed: closing
//     access is never an escalation, and restoring it reopens only a view
//     of an archived dossier (ACC-12). Revoking a revoked consent, or
//     restoring a given one, is a no-op without event.
//   - Decision: referring the same client twice creates two referrals; the
//     library does not deduplicate. Referral.Client (linked by email) is
//     for the listing only and gives that account no right.
//   - Decision: a referral is visible (Referral) to the members of its
//     team, its referrer (in a team they left too) and the dossier's
//     granted central persons; a non-member asking for a team is denied
//     with TEAM-4 (TEAM-6 for a personal team, TEAM-1 for a pending one),
//     for its referrals with TEAM-12. Invitation(id) is for its invitee and
//     the team's admins; Invitations(team) for admins; PendingInvitations
//     shows a user the invitations addressed to their email.
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
// conformance suite for any other backend. A Reader fills Referral.Consent
// from the dossier's DossierConsent record.
package team
