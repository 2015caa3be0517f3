package team

import "github.com/cabinet-go/cabinet"

// The permission predicates below are pure functions of the package's
// records. Service calls them inside its transactions and package policy
// composes the very same functions. Each returns nil to allow (without
// allocating) or a *cabinet.ForbiddenError naming the rule.

// CanViewTeam allows the members of t to see it, its members and its
// referrals (TEAM-4); a personal team is visible only to its owner (TEAM-6).
func CanViewTeam(t Team, u cabinet.UserID) error {
	if t.IsMember(u) {
		return nil
	}
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team is visible only to its owner")
	}
	return cabinet.Forbidden("TEAM-4", "only the team's members see the team")
}

// CanManageMembers allows the admins of t to invite, remove and change the
// role of members (TEAM-4). A personal team accepts no invitation and has no
// other member (TEAM-6).
func CanManageMembers(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team has no other member")
	}
	if t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-4", "only an admin manages the team's members")
}

// CanRename allows the admins of t to rename it (TEAM-4); a personal team
// cannot be renamed (TEAM-6).
func CanRename(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team cannot be renamed")
	}
	if t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-4", "only an admin renames the team")
}

// CanDelete allows the admins of t to delete it (TEAM-4, TEAM-10); a
// personal team cannot be deleted (TEAM-6).
func CanDelete(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team cannot be deleted")
	}
	if t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-4", "only an admin deletes the team")
}

// CanLeave allows a member of t to leave it, except its lead (TEAM-2, a
// *cabinet.ConflictError: the team must keep its lead, an invariant rather
// than a permission) and the owner of a personal team (TEAM-6, a
// *cabinet.ForbiddenError, as for a non-member, TEAM-4).
func CanLeave(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team cannot be left")
	}
	if !t.IsMember(u) {
		return cabinet.Forbidden("TEAM-4", "only a member can leave the team")
	}
	if t.Lead == u {
		return cabinet.Conflict("TEAM-2", "the lead advisor cannot leave the team; hand lead status to another admin first")
	}
	return nil
}

// CanTransferLead allows the lead or an admin of t to hand lead status to
// another admin (TEAM-2). The target must be checked separately (an admin).
func CanTransferLead(t Team, u cabinet.UserID) error {
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team's lead is its owner")
	}
	if t.Lead == u || t.IsAdmin(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-2", "only the lead or an admin hands lead status")
}

// CanListReferrals allows the members of t to list its referrals (TEAM-12;
// TEAM-6 for a personal team).
func CanListReferrals(t Team, u cabinet.UserID) error {
	if t.IsMember(u) {
		return nil
	}
	if t.Personal {
		return cabinet.Forbidden("TEAM-6", "a personal team's referrals are visible only to its owner")
	}
	return cabinet.Forbidden("TEAM-12", "only the team's members list its referrals")
}

// CanRefer allows a member of t to refer a client into it (TEAM-7, TEAM-8).
func CanRefer(t Team, u cabinet.UserID) error {
	if t.IsMember(u) {
		return nil
	}
	return cabinet.Forbidden("TEAM-7", "only a member refers a client into a team")
}

// CanReachDossier is the team route (TEAM-8): it allows u to reach the
// dossier of referral r through team t when r lives in t, u is a member of
// t, and the client's consent is given. A revoked consent closes the route
// for everyone (TEAM-9).
func CanReachDossier(t Team, r Referral, u cabinet.UserID) error {
	if r.Team != t.ID || t.ID == "" {
		return cabinet.Forbidden("TEAM-8", "the referral is not in this team")
	}
	if !t.IsMember(u) {
		return cabinet.Forbidden("TEAM-8", "only the members of the referral's team reach the client's dossier")
	}
	if r.Consent != ConsentGiven {
		return cabinet.Forbidden("TEAM-9", "the client has revoked consent to share their data")
	}
	return nil
}

// CanChangeConsent allows only the referred client (the account linked to
// r) to revoke or give back consent (TEAM-9).
func CanChangeConsent(r Referral, u cabinet.UserID) error {
	if r.Client != "" && r.Client == u {
		return nil
	}
	return cabinet.Forbidden("TEAM-9", "only the referred client changes their consent")
}

// CanMoveReferral allows u to move r out of team from (TEAM-7): u made the
// referral, or it sits in u's personal team; and u is a member of from.
// The destination is checked by the service (u's personal team or a team u
// belongs to, one of the two being the personal team).
func CanMoveReferral(from Team, r Referral, u cabinet.UserID) error {
	if r.Team != from.ID {
		return cabinet.Forbidden("TEAM-7", "the referral is not in this team")
	}
	if r.Referrer != u && !(from.Personal && from.Owner == u) {
		return cabinet.Forbidden("TEAM-7", "only the referrer moves a referral")
	}
	if !from.IsMember(u) {
		return cabinet.Forbidden("TEAM-11", "a referral stays in the team its referrer left")
	}
	return nil
}
