package team

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// The permission predicates below are pure functions of the package's
// records and of kernel facts (a user, a time, a DossierReach, whether a
// user holds a central grant). Service calls them inside its transactions
// with the facts read in that transaction, and package policy calls the
// very same functions with the facts of its index, so that the two cannot
// drift. Each returns nil to allow (without allocating), a
// *cabinet.ForbiddenError naming the rule that refuses the actor, or a
// *cabinet.ConflictError naming the rule that protects the target (TEAM-2
// for the lead, TEAM-3 for a used invitation, ACC-12 for an archived
// dossier). When several checks fail, the first in the order documented on
// each predicate is the one reported.

// CanViewTeam allows the members of t to see it, its members and its
// settings (TEAM-4); a personal team is visible only to its owner (TEAM-6);
// a pending team only to the lead it names and to its creator (TEAM-1).
// Order: member, personal (TEAM-6), pending (TEAM-1), TEAM-4.
func CanViewTeam(t Team, u cabinet.UserID) error {
	if t.IsMember(u) {
		return nil
	}
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team is visible only to its owner")
	}
	if t.Pending {
		if u != "" && (u == t.Lead || u == t.CreatedBy) {
			return nil
		}
		return cabinet.Forbidden("TEAM-1", "a pending team is visible only to the lead it names and to its creator")
	}
	return cabinet.Forbidden("TEAM-4", "only the team's members see the team")
}

// errPending is the refusal of every command on a pending team but its
// lead's answer (TEAM-1).
func errPending() error {
	return cabinet.Forbidden("TEAM-1", "the team is pending until its lead advisor accepts it")
}

// CanManageMembers allows the admins of t to invite, remove and change the
// role of members, and to list, resend and revoke invitations (TEAM-3,
// TEAM-4). Order: personal (TEAM-6: no other member, no invitation),
// pending (TEAM-1), admin, TEAM-4.
func CanManageMembers(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team has no other member")
	}
	if t.Pending {
		return errPending()
	}
	if t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-4", "only an admin manages the team's members")
}

// CanRemoveMember protects the lead (TEAM-2): removing target from t is a
// *cabinet.ConflictError when target is its lead, whoever asks. Run after
// CanManageMembers (the actor) and the membership of target (ErrNotFound).
func CanRemoveMember(t Team, target cabinet.UserID) error {
	if target == t.Lead {
		return cabinet.Conflict("TEAM-2", "the lead advisor cannot be removed; the lead hands lead status to another admin first")
	}
	return nil
}

// CanSetRole protects the lead (TEAM-2): demoting t's lead is a
// *cabinet.ConflictError, whoever asks. Run after CanManageMembers and the
// membership of target.
func CanSetRole(t Team, target cabinet.UserID, r Role) error {
	if target == t.Lead && r != RoleAdmin {
		return cabinet.Conflict("TEAM-2", "the lead advisor is always an admin")
	}
	return nil
}

// CanRename allows the admins of t to rename it (TEAM-4). Order: personal
// (TEAM-6: never renamed), pending (TEAM-1), admin, TEAM-4.
func CanRename(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team cannot be renamed")
	}
	if t.Pending {
		return errPending()
	}
	if t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-4", "only an admin renames the team")
}

// CanDelete allows the admins of t to delete it (TEAM-4, TEAM-10). Order:
// personal (TEAM-6: never deleted), pending (TEAM-1: its lead declines it
// instead), admin, TEAM-4.
func CanDelete(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team cannot be deleted")
	}
	if t.Pending {
		return errPending()
	}
	if t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-4", "only an admin deletes the team")
}

// CanLeave allows a member of t to leave it. Order: personal (TEAM-6:
// never left), pending (TEAM-1), not a member (TEAM-4), the lead (TEAM-2, a
// *cabinet.ConflictError: the team must keep its lead, an invariant rather
// than a permission).
func CanLeave(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team cannot be left")
	}
	if t.Pending {
		return errPending()
	}
	if !t.IsMember(u) {
		return cabinet.Forbidden("TEAM-4", "only a member can leave the team")
	}
	if t.Lead == u {
		return cabinet.Conflict("TEAM-2", "the lead advisor cannot leave the team; hand lead status to another admin first")
	}
	return nil
}

// CanTransferLead allows only the lead of t to hand lead status to another
// admin (TEAM-2 v2: no admin can take it). Order: personal (TEAM-6),
// pending (TEAM-1), the lead, TEAM-2. The target is checked separately
// (its membership, then CanBecomeLead).
func CanTransferLead(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team's lead is its owner")
	}
	if t.Pending {
		return errPending()
	}
	if u != "" && t.Lead == u {
		return nil
	}
	return cabinet.Forbidden("TEAM-2", "only the lead advisor hands lead status to another admin")
}

// CanBecomeLead allows lead status to go to to only if to is an admin of t
// (TEAM-2); otherwise a *cabinet.ConflictError naming TEAM-2.
func CanBecomeLead(t Team, to cabinet.UserID) error {
	if t.IsAdmin(to) {
		return nil
	}
	return cabinet.Conflict("TEAM-2", "lead status goes only to an admin; make %s an admin first", to)
}

// CanAnswerTeam allows the lead that pending team t names to accept or
// decline it (TEAM-1 v2: nobody becomes a lead without their own act).
// Order: not the lead it names (Forbidden TEAM-1), not pending (Conflict
// TEAM-1: already answered, or never pending).
func CanAnswerTeam(t Team, u cabinet.UserID) error {
	if u == "" || u != t.Lead {
		return cabinet.Forbidden("TEAM-1", "only the lead advisor a team names accepts or declines it")
	}
	if !t.Pending {
		return cabinet.Conflict("TEAM-1", "the team is not pending")
	}
	return nil
}

// CanViewInvitation allows the invitee (the account whose email matches
// inv's, case-insensitively) and the admins of its team t (CanManageMembers)
// to see invitation inv (TEAM-3). Order: invitee, then CanManageMembers.
func CanViewInvitation(t Team, inv Invitation, u cabinet.User) error {
	if u.ID != "" && cabinet.EqualEmails(inv.Email, u.Email) {
		return nil
	}
	return CanManageMembers(t, u.ID)
}

// CanAcceptInvitation allows account u to accept invitation inv of team t
// at now (TEAM-3). Order: addressed to another email (Forbidden TEAM-3);
// accepted or revoked (Conflict TEAM-3); expired (Conflict TEAM-3); u
// already a member of t (Conflict TEAM-3).
func CanAcceptInvitation(t Team, inv Invitation, u cabinet.User, now time.Time) error {
	if u.ID == "" || !cabinet.EqualEmails(inv.Email, u.Email) {
		return cabinet.Forbidden("TEAM-3", "the invitation is addressed to another email")
	}
	switch {
	case inv.Status != StatusPending:
		return cabinet.Conflict("TEAM-3", "invitation %s is already %s", inv.ID, inv.Status)
	case inv.Expired(now):
		return cabinet.Conflict("TEAM-3", "invitation %s expired at %s", inv.ID, inv.ExpiresAt.Format(time.RFC3339))
	case t.IsMember(u.ID):
		return cabinet.Conflict("TEAM-3", "%s is already a member of the team", u.ID)
	}
	return nil
}

// CanResendInvitation allows the admins of inv's team t to send a pending
// invitation again (TEAM-3). Order: CanManageMembers, then not pending
// (Conflict TEAM-3). The service then refuses, as Invite does, an invitee
// who became a member or an expired invitation superseded by a newer
// pending one (Conflict TEAM-3).
func CanResendInvitation(t Team, inv Invitation, u cabinet.UserID) error {
	if err := CanManageMembers(t, u); err != nil {
		return err
	}
	if inv.Status != StatusPending {
		return cabinet.Conflict("TEAM-3", "invitation %s is already %s", inv.ID, inv.Status)
	}
	return nil
}

// CanRevokeInvitation allows the admins of inv's team t to withdraw a
// pending invitation (TEAM-3). Order: CanManageMembers, then not pending
// (Conflict TEAM-3).
func CanRevokeInvitation(t Team, inv Invitation, u cabinet.UserID) error {
	return CanResendInvitation(t, inv, u)
}

// CanListReferrals allows the members of t to list its referrals (TEAM-12).
// Order: member, personal (TEAM-6), pending (TEAM-1), TEAM-12.
func CanListReferrals(t Team, u cabinet.UserID) error {
	if t.IsMember(u) {
		return nil
	}
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team's referrals are visible only to its owner")
	}
	if t.Pending {
		return errPending()
	}
	return cabinet.Forbidden("TEAM-12", "only the team's members list its referrals")
}

// CanViewReferral allows u to see referral r, which lives in team t: the
// members of t (CanListReferrals), its referrer (who made it, in a team
// they may have left, TEAM-11), and the dossier's granted central persons
// (central: u holds such a grant, access.Facts.HoldsCentralGrant), who may
// see which teams hold their vault (TEAM-9). Otherwise CanListReferrals'
// refusal.
func CanViewReferral(t Team, r Referral, u cabinet.UserID, central bool) error {
	if u != "" && (u == r.Referrer || central) {
		return nil
	}
	if r.Team != t.ID {
		return cabinet.Forbidden("TEAM-12", "the referral is not in this team")
	}
	return CanListReferrals(t, u)
}

// CanListReferralsBy allows only referrer themself to list every referral
// they made, across teams ("one place", seed 000; TEAM-12).
func CanListReferralsBy(referrer, u cabinet.UserID) error {
	if u != "" && u == referrer {
		return nil
	}
	return cabinet.Forbidden("TEAM-12", "only the referrer lists the referrals they made")
}

// CanRefer allows u to refer the dossier d describes into team t (TEAM-7,
// TEAM-8 v2). Order: t pending (Forbidden TEAM-1: a pending team receives
// no referral); u not a member of t (Forbidden TEAM-7; another user's
// personal team included); the dossier unknown, or u neither reaching it
// internally (GRP-3) nor its granted central person (Forbidden TEAM-8:
// referring shares a vault one already holds); the dossier archived
// (Conflict ACC-12).
func CanRefer(t Team, u cabinet.UserID, d DossierReach) error {
	if t.Pending {
		return errPending()
	}
	if !t.IsMember(u) {
		return cabinet.Forbidden("TEAM-7", "only a member refers a client into a team")
	}
	return canShare(d)
}

// canShare is TEAM-8's condition on the referrer, then ACC-12.
func canShare(d DossierReach) error {
	if !d.Entitled() {
		return errNotEntitled
	}
	if d.Archived {
		return cabinet.Conflict("ACC-12", "the dossier is archived: nobody opens it to a team")
	}
	return nil
}

// CanMoveReferral allows u to move referral r from team from to team to
// (TEAM-7), d describing u and r's dossier in the command's transaction.
// Order: r not in from (Forbidden TEAM-7); u not its referrer (Forbidden
// TEAM-7); u no longer a member of from (Forbidden TEAM-11: the referral
// stays in the team its referrer left); to == from: allowed, a no-op; to
// pending (Forbidden TEAM-1); u not a member of to (Forbidden TEAM-7);
// neither side u's personal team (Forbidden TEAM-7: moves go between the
// personal team and a team); then, because a move opens the vault to
// another team, TEAM-8 and ACC-12 as for CanRefer (u must still be
// entitled at move time).
func CanMoveReferral(from, to Team, r Referral, u cabinet.UserID, d DossierReach) error {
	if r.Team != from.ID || from.ID == "" {
		return cabinet.Forbidden("TEAM-7", "the referral is not in this team")
	}
	if u == "" || r.Referrer != u {
		return cabinet.Forbidden("TEAM-7", "only the referrer moves a referral")
	}
	if !from.IsMember(u) {
		return cabinet.Forbidden("TEAM-11", "a referral stays in the team its referrer left")
	}
	if to.ID == from.ID {
		return nil
	}
	if to.Pending {
		return errPending()
	}
	if !to.IsMember(u) {
		return cabinet.Forbidden("TEAM-7", "a referral moves only to a team its referrer belongs to")
	}
	if !from.Personal && !to.Personal {
		return cabinet.Forbidden("TEAM-7", "a referral moves between the personal team and a team, not between two teams")
	}
	return canShare(d)
}

// RouteFacts are the facts about the users of a team route that come from
// other packages, read at decision time.
type RouteFacts struct {
	// Central: the user asking is a granted central person of the dossier
	// (access.Facts.HoldsCentralGrant).
	Central bool
	// ReferrerEntitled: the referral's referrer may themselves take the
	// action asked (TEAM-8 v2: the team route shares what the referrer
	// holds, never more): through an internal route of its office (GRP-3,
	// with GRP-11's office membership), or as its granted central person
	// whose grant allows the action (ACC-11: a read_only grant only views;
	// a read_write one edits the sections a family member edits, never the
	// notes or the tools). For viewing it is DossierReach.Entitled.
	ReferrerEntitled bool
}

// CanReachDossier is the team route (TEAM-8, TEAM-9): it allows u to reach
// the dossier of referral r through team t. Order: r not in t (TEAM-8); u
// not a member of t (TEAM-8); u a granted central person of the dossier
// (f.Central; TEAM-8 v2: the team route never applies to the dossier's own
// central persons, whose rights are their grant's); the referrer no longer
// entitled to the action asked (f.ReferrerEntitled false; TEAM-8 v2: the
// team route shares what the referrer holds, so it opens no more than the
// referrer may do — a read_only holder who refers herself lets her team
// view her vault, not edit it — and it closes when the referrer loses it:
// a collaborator who leaves the office keeps nothing through the referrals
// they made, GRP-11); r.Consent, the dossier's consent, not given (TEAM-9:
// revoked consent closes the route for everyone). All refusals are
// Forbidden.
//
// Decision: the referrer's entitlement is checked at every decision, not
// only when the referral is made or moved.
func CanReachDossier(t Team, r Referral, u cabinet.UserID, f RouteFacts) error {
	if r.Team != t.ID || t.ID == "" {
		return cabinet.Forbidden("TEAM-8", "the referral is not in this team")
	}
	if !t.IsMember(u) {
		return cabinet.Forbidden("TEAM-8", "only the members of the referral's team reach the client's dossier")
	}
	if f.Central {
		return cabinet.Forbidden("TEAM-8", "the team route never applies to the dossier's own central persons")
	}
	if !f.ReferrerEntitled {
		return cabinet.Forbidden("TEAM-8", "a referral shares only what its referrer holds, and its referrer may not do this on the dossier")
	}
	if r.Consent != ConsentGiven {
		return cabinet.Forbidden("TEAM-9", "the client has revoked consent to share their data")
	}
	return nil
}

// CanManageConsent allows only the dossier's granted central persons
// (central, access.Facts.HoldsCentralGrant) to see, revoke and give again
// the dossier's consent (TEAM-9 v2) — not the referrer, not whoever a
// referral names as its client.
func CanManageConsent(central bool) error {
	if central {
		return nil
	}
	return errConsentNotCentral
}

// errConsentNotCentral is CanManageConsent's denial, built once: policy
// asks the predicate for every dossier page's buttons, and a fixed
// sentence needs no allocation per denial. Callers only read it.
var errConsentNotCentral error = &cabinet.ForbiddenError{Rule: "TEAM-9", Reason: "only the dossier's granted central persons change its consent"}

// errNotEntitled is canShare's TEAM-8 denial, built once for the same
// reason.
var errNotEntitled error = &cabinet.ForbiddenError{Rule: "TEAM-8", Reason: "a referrer shares only a dossier they already reach internally or whose central person they are"}
