package team

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// UserCreated: an account was created with its personal team (TEAM-6), by
// host-driven sign-up.
type UserCreated struct {
	User         cabinet.UserID
	DisplayName  string
	Email        string
	PersonalTeam cabinet.TeamID
}

// DisplayNameChanged: a user changed their display name; the label of their
// personal team follows it (TEAM-6, PersonalTeamName).
type DisplayNameChanged struct {
	User         cabinet.UserID
	OldName      string
	DisplayName  string
	PersonalTeam cabinet.TeamID
}

// TeamCreated: a team was created (Personal: a user's personal team,
// TEAM-6). When CreatedBy is the Lead, the lead is its first admin and
// member (TEAM-1) and FirstTeam says it is the lead's first non-personal
// team, which received the referrals of their personal team (TEAM-7; one
// ReferralMoved each follows in the batch). When CreatedBy is someone else,
// Pending is true: the team waits for Lead's answer (the host tells the
// lead) and has no member yet.
type TeamCreated struct {
	Team      cabinet.TeamID
	Name      string
	Personal  bool
	Pending   bool
	Lead      cabinet.UserID
	CreatedBy cabinet.UserID
	FirstTeam bool
}

// TeamAccepted: the lead accepted a team created on their behalf (TEAM-1)
// and is now its admin and lead. FirstTeam: as in TeamCreated (TEAM-7; one
// ReferralMoved per moved referral follows in the batch).
type TeamAccepted struct {
	Team      cabinet.TeamID
	Lead      cabinet.UserID
	CreatedBy cabinet.UserID
	FirstTeam bool
}

// TeamDeclined: the lead declined a team created on their behalf; it is
// deleted (TEAM-1).
type TeamDeclined struct {
	Team      cabinet.TeamID
	Name      string
	Lead      cabinet.UserID
	CreatedBy cabinet.UserID
}

// TeamRenamed: an admin renamed a team (TEAM-4).
type TeamRenamed struct {
	Team    cabinet.TeamID
	OldName string
	Name    string
}

// TeamDeleted: an admin deleted a team (TEAM-10). Its referrals were moved
// (one ReferralMoved each, in the same batch), its pending and past
// invitations deleted.
type TeamDeleted struct {
	Team         cabinet.TeamID
	Reassignment Reassignment
	DeletedBy    cabinet.UserID
	Members      []cabinet.UserID // the members it had, ascending
	Invitations  []InvitationID   // the invitations deleted with it, ascending
}

// InvitationCreated: an admin invited Email into Team with Role (TEAM-3).
// Invitee is the account that already has this email, or "" (the host then
// invites the person to sign up).
type InvitationCreated struct {
	Invitation InvitationID
	Team       cabinet.TeamID
	Email      string
	Role       Role
	InvitedBy  cabinet.UserID
	Invitee    cabinet.UserID
	ExpiresAt  time.Time
}

// InvitationResent: an admin sent a pending invitation again (TEAM-3); its
// lifetime restarted and it now expires at ExpiresAt. Invitee as in
// InvitationCreated.
type InvitationResent struct {
	Invitation InvitationID
	Team       cabinet.TeamID
	Email      string
	Role       Role
	ResentBy   cabinet.UserID
	Invitee    cabinet.UserID
	ExpiresAt  time.Time
}

// InvitationAccepted: the invitee accepted and joined (a MemberJoined event
// follows in the same batch).
type InvitationAccepted struct {
	Invitation InvitationID
	Team       cabinet.TeamID
	User       cabinet.UserID
}

// InvitationRevoked: an admin withdrew a pending invitation (TEAM-3).
type InvitationRevoked struct {
	Invitation InvitationID
	Team       cabinet.TeamID
	Email      string
	RevokedBy  cabinet.UserID
}

// MemberJoined: User became a member of Team with Role. Invitation is the
// invitation accepted. FirstTeam: it is the user's first non-personal team,
// which received the referrals of their personal team (TEAM-7).
type MemberJoined struct {
	Team       cabinet.TeamID
	User       cabinet.UserID
	Role       Role
	Invitation InvitationID
	FirstTeam  bool
}

// MemberRemoved: an admin removed User from Team (TEAM-11: their referrals
// stay in the team).
type MemberRemoved struct {
	Team      cabinet.TeamID
	User      cabinet.UserID
	RemovedBy cabinet.UserID
}

// MemberLeft: User left Team (TEAM-11: their referrals stay in the team).
type MemberLeft struct {
	Team cabinet.TeamID
	User cabinet.UserID
}

// RoleChanged: an admin changed User's role in Team (TEAM-4).
type RoleChanged struct {
	Team      cabinet.TeamID
	User      cabinet.UserID
	From      Role
	To        Role
	ChangedBy cabinet.UserID
}

// LeadTransferred: the lead From handed lead status to To, an admin
// (TEAM-2).
type LeadTransferred struct {
	Team cabinet.TeamID
	From cabinet.UserID
	To   cabinet.UserID
}

// ReferralCreated: Referrer referred a client into Team (TEAM-7), sharing
// Dossier with its members (TEAM-8). Consent is the dossier's consent at
// that moment (TEAM-9).
type ReferralCreated struct {
	Referral    cabinet.ReferralID
	Team        cabinet.TeamID
	Referrer    cabinet.UserID
	ClientName  string
	ClientEmail string
	Client      cabinet.UserID // "" while the client has no account
	Dossier     cabinet.DossierID
	Consent     Consent
}

// ReferralMoved: a referral of Referrer changed team (TEAM-7, TEAM-10).
type ReferralMoved struct {
	Referral cabinet.ReferralID
	Dossier  cabinet.DossierID
	Referrer cabinet.UserID
	From     cabinet.TeamID
	To       cabinet.TeamID
	Reason   MoveReason
}

// ReferralClientLinked: the referred client created their account, which is
// now the referral's Client.
type ReferralClientLinked struct {
	Referral cabinet.ReferralID
	Team     cabinet.TeamID
	Dossier  cabinet.DossierID
	Client   cabinet.UserID
}

// ConsentWithdrawn: a granted central person (By) revoked the consent of
// Dossier (TEAM-9): the team route to it is closed in every team. Referrals
// and Teams are the referrals of the dossier and the teams holding them at
// that moment, ascending.
type ConsentWithdrawn struct {
	Dossier   cabinet.DossierID
	By        cabinet.UserID
	Referrals []cabinet.ReferralID
	Teams     []cabinet.TeamID
}

// ConsentRestored: a granted central person (By) gave the consent of
// Dossier again (TEAM-9): the team route reopens. Referrals and Teams as in
// ConsentWithdrawn.
type ConsentRestored struct {
	Dossier   cabinet.DossierID
	By        cabinet.UserID
	Referrals []cabinet.ReferralID
	Teams     []cabinet.TeamID
}

// InvitationExpiring: a pending invitation expires at ExpiresAt, within
// the window the host asked package due about (TEAM-3); the host may remind
// the invitee or have an admin resend it. No command publishes it: it is
// the event of a due.Obligation, reported while the invitation is pending
// and not yet expired.
type InvitationExpiring struct {
	Invitation InvitationID
	Team       cabinet.TeamID
	Email      string
	Role       Role
	InvitedBy  cabinet.UserID
	ExpiresAt  time.Time
}

// InvitationExpired: a pending invitation's lifetime ended at ExpiresAt
// and it can no longer be accepted (TEAM-3); an admin may resend or revoke
// it. No command publishes it: it is the event of a due.Obligation,
// reported while the invitation stays pending.
type InvitationExpired struct {
	Invitation InvitationID
	Team       cabinet.TeamID
	Email      string
	Role       Role
	InvitedBy  cabinet.UserID
	ExpiresAt  time.Time
}

// EventTypes returns the zero value of every event type of the package, in
// declaration order, so that hosts and tests can enumerate them (each
// EventName is "team." followed by the snake_case of the type's name):
// those its commands publish, and the two that package due reports
// (InvitationExpiring, InvitationExpired).
func EventTypes() []cabinet.Event {
	return []cabinet.Event{
		UserCreated{}, DisplayNameChanged{}, TeamCreated{}, TeamAccepted{}, TeamDeclined{},
		TeamRenamed{}, TeamDeleted{}, InvitationCreated{}, InvitationResent{},
		InvitationAccepted{}, InvitationRevoked{}, MemberJoined{}, MemberRemoved{},
		MemberLeft{}, RoleChanged{}, LeadTransferred{}, ReferralCreated{}, ReferralMoved{},
		ReferralClientLinked{}, ConsentWithdrawn{}, ConsentRestored{},
		InvitationExpiring{}, InvitationExpired{},
	}
}

// EventName implements cabinet.Event.
func (UserCreated) EventName() string { return "team.user_created" }

// EventName implements cabinet.Event.
func (DisplayNameChanged) EventName() string { return "team.display_name_changed" }

// EventName implements cabinet.Event.
func (TeamCreated) EventName() string { return "team.team_created" }

// EventName implements cabinet.Event.
func (TeamAccepted) EventName() string { return "team.team_accepted" }

// EventName implements cabinet.Event.
func (TeamDeclined) EventName() string { return "team.team_declined" }

// EventName implements cabinet.Event.
func (TeamRenamed) EventName() string { return "team.team_renamed" }

// EventName implements cabinet.Event.
func (TeamDeleted) EventName() string { return "team.team_deleted" }

// EventName implements cabinet.Event.
func (InvitationCreated) EventName() string { return "team.invitation_created" }

// EventName implements cabinet.Event.
func (InvitationResent) EventName() string { return "team.invitation_resent" }

// EventName implements cabinet.Event.
func (InvitationAccepted) EventName() string { return "team.invitation_accepted" }

// EventName implements cabinet.Event.
func (InvitationRevoked) EventName() string { return "team.invitation_revoked" }

// EventName implements cabinet.Event.
func (MemberJoined) EventName() string { return "team.member_joined" }

// EventName implements cabinet.Event.
func (MemberRemoved) EventName() string { return "team.member_removed" }

// EventName implements cabinet.Event.
func (MemberLeft) EventName() string { return "team.member_left" }

// EventName implements cabinet.Event.
func (RoleChanged) EventName() string { return "team.role_changed" }

// EventName implements cabinet.Event.
func (LeadTransferred) EventName() string { return "team.lead_transferred" }

// EventName implements cabinet.Event.
func (ReferralCreated) EventName() string { return "team.referral_created" }

// EventName implements cabinet.Event.
func (ReferralMoved) EventName() string { return "team.referral_moved" }

// EventName implements cabinet.Event.
func (ReferralClientLinked) EventName() string { return "team.referral_client_linked" }

// EventName implements cabinet.Event.
func (ConsentWithdrawn) EventName() string { return "team.consent_withdrawn" }

// EventName implements cabinet.Event.
func (ConsentRestored) EventName() string { return "team.consent_restored" }

// EventName implements cabinet.Event.
func (InvitationExpiring) EventName() string { return "team.invitation_expiring" }

// EventName implements cabinet.Event.
func (InvitationExpired) EventName() string { return "team.invitation_expired" }
