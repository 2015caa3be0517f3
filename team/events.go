package team

import (
	"time"

	"github.com/cabinet-go/cabinet"
)

// UserCreated: an account was created with its personal team (TEAM-6).
type UserCreated struct {
	User         cabinet.UserID
	DisplayName  string
	Email        string
	PersonalTeam cabinet.TeamID
}

// TeamCreated: a team was created (Personal: a user's personal team,
// TEAM-6). Lead is its first admin and member (TEAM-1). FirstTeam: it is
// the lead's first non-personal team, which received the referrals of their
// personal team (TEAM-7; one ReferralMoved each follows in the batch).
type TeamCreated struct {
	Team      cabinet.TeamID
	Name      string
	Personal  bool
	Lead      cabinet.UserID
	CreatedBy cabinet.UserID
	FirstTeam bool
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
	Team cabinet.TeamID
	User cabinet.UserID
	From Role
	To   Role
}

// LeadTransferred: lead status passed from From to To, an admin (TEAM-2).
type LeadTransferred struct {
	Team cabinet.TeamID
	From cabinet.UserID
	To   cabinet.UserID
}

// ReferralCreated: Referrer referred a client into Team (TEAM-7).
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

// ReferralMoved: a referral changed team (TEAM-7, TEAM-10).
type ReferralMoved struct {
	Referral cabinet.ReferralID
	Dossier  cabinet.DossierID
	From     cabinet.TeamID
	To       cabinet.TeamID
	Reason   MoveReason
}

// ReferralClientLinked: the referred client created their account, which is
// now the referral's Client.
type ReferralClientLinked struct {
	Referral cabinet.ReferralID
	Team     cabinet.TeamID
	Client   cabinet.UserID
}

// ConsentWithdrawn (event "team.consent_revoked"): the client closed their dossier to the team route (TEAM-9).
type ConsentWithdrawn struct {
	Referral cabinet.ReferralID
	Team     cabinet.TeamID
	Client   cabinet.UserID
	Dossier  cabinet.DossierID
}

// ConsentRestored: the client gave consent again (TEAM-9).
type ConsentRestored struct {
	Referral cabinet.ReferralID
	Team     cabinet.TeamID
	Client   cabinet.UserID
	Dossier  cabinet.DossierID
}

// EventName implements cabinet.Event.
func (UserCreated) EventName() string { return "team.user_created" }

// EventName implements cabinet.Event.
func (TeamCreated) EventName() string { return "team.team_created" }

// EventName implements cabinet.Event.
func (TeamRenamed) EventName() string { return "team.team_renamed" }

// EventName implements cabinet.Event.
func (TeamDeleted) EventName() string { return "team.team_deleted" }

// EventName implements cabinet.Event.
func (InvitationCreated) EventName() string { return "team.invitation_created" }

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
func (ConsentWithdrawn) EventName() string { return "team.consent_revoked" }

// EventName implements cabinet.Event.
func (ConsentRestored) EventName() string { return "team.consent_restored" }
