package team

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
)

// InvitationID identifies a team invitation (TEAM-3).
type InvitationID string

// Role is a member's role in a team (TEAM-4). The zero value is invalid.
type Role uint8

// Roles.
const (
	RoleInvalid Role = iota
	RoleMember       // "member": full access to the team's client dossiers
	RoleAdmin        // "admin": a member who also manages members and settings
)

var roleNames = [...]string{"invalid", "member", "admin"}

// String returns "member", "admin" or "invalid".
func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Valid reports whether r is RoleMember or RoleAdmin.
func (r Role) Valid() bool { return r == RoleMember || r == RoleAdmin }

// ParseRole returns the role named s ("member" or "admin"), or an
// *cabinet.InvalidError for field "role".
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames[1:] {
		if s == n {
			return Role(i + 1), nil
		}
	}
	return RoleInvalid, cabinet.Invalid("role", "%q is not member or admin", s)
}

// InvitationStatus is the stored state of an invitation. Expiry is not a
// stored state: a pending invitation is expired when the clock has reached
// its ExpiresAt (see Invitation.Expired). The zero value is invalid.
type InvitationStatus uint8

// Invitation statuses.
const (
	InvitationStatusInvalid InvitationStatus = iota
	StatusPending                            // "pending": may be accepted or revoked
	StatusAccepted                           // "accepted": used, the invitee joined
	StatusRevoked                            // "revoked": withdrawn by an admin
)

var invitationStatusNames = [...]string{"invalid", "pending", "accepted", "revoked"}

// String returns "pending", "accepted", "revoked" or "invalid".
func (s InvitationStatus) String() string {
	if int(s) < len(invitationStatusNames) {
		return invitationStatusNames[s]
	}
	return fmt.Sprintf("InvitationStatus(%d)", uint8(s))
}

// Valid reports whether s is one of the three statuses.
func (s InvitationStatus) Valid() bool { return s >= StatusPending && s <= StatusRevoked }

// ParseInvitationStatus returns the status named s, or an
// *cabinet.InvalidError for field "status".
func ParseInvitationStatus(s string) (InvitationStatus, error) {
	for i, n := range invitationStatusNames[1:] {
		if s == n {
			return InvitationStatus(i + 1), nil
		}
	}
	return InvitationStatusInvalid, cabinet.Invalid("status", "%q is not pending, accepted or revoked", s)
}

// Consent is a referred client's consent to share their data with the team
// (TEAM-9). The zero value is invalid.
type Consent uint8

// Consent states.
const (
	ConsentInvalid Consent = iota
	ConsentGiven           // "given": the team route to the dossier is open
	ConsentRevoked         // "revoked": the referral is listed, the dossier is closed to the team
)

var consentNames = [...]string{"invalid", "given", "revoked"}

// String returns "given", "revoked" or "invalid".
func (c Consent) String() string {
	if int(c) < len(consentNames) {
		return consentNames[c]
	}
	return fmt.Sprintf("Consent(%d)", uint8(c))
}

// Valid reports whether c is ConsentGiven or ConsentRevoked.
func (c Consent) Valid() bool { return c == ConsentGiven || c == ConsentRevoked }

// ParseConsent returns the consent state named s ("given" or "revoked"), or
// an *cabinet.InvalidError for field "consent".
func ParseConsent(s string) (Consent, error) {
	for i, n := range consentNames[1:] {
		if s == n {
			return Consent(i + 1), nil
		}
	}
	return ConsentInvalid, cabinet.Invalid("consent", "%q is not given or revoked", s)
}

// Reassignment is the choice an admin makes when deleting a team: where its
// referrals go (TEAM-10). The zero value is invalid, so a deletion without a
// choice is refused.
type Reassignment uint8

// Reassignment choices.
const (
	ReassignInvalid     Reassignment = iota
	ReassignToDeleter                // "to_deleter": every referral to the deleting admin's personal team
	ReassignToReferrers              // "to_referrers": each referral to its referrer's personal team
)

var reassignmentNames = [...]string{"invalid", "to_deleter", "to_referrers"}

// String returns "to_deleter", "to_referrers" or "invalid".
func (r Reassignment) String() string {
	if int(r) < len(reassignmentNames) {
		return reassignmentNames[r]
	}
	return fmt.Sprintf("Reassignment(%d)", uint8(r))
}

// Valid reports whether r is ReassignToDeleter or ReassignToReferrers.
func (r Reassignment) Valid() bool { return r == ReassignToDeleter || r == ReassignToReferrers }

// ParseReassignment returns the choice named s, or an *cabinet.InvalidError
// for field "reassignment".
func ParseReassignment(s string) (Reassignment, error) {
	for i, n := range reassignmentNames[1:] {
		if s == n {
			return Reassignment(i + 1), nil
		}
	}
	return ReassignInvalid, cabinet.Invalid("reassignment", "%q is not to_deleter or to_referrers", s)
}

// MoveReason says why a referral changed team (event ReferralMoved).
// The zero value is invalid.
type MoveReason uint8

// Move reasons.
const (
	MoveReasonInvalid MoveReason = iota
	MoveFirstTeam                // "first_team": the referrer joined or created their first team (TEAM-7)
	MoveManual                   // "manual": moved by its referrer (TEAM-7)
	MoveTeamDeleted              // "team_deleted": its team was deleted (TEAM-10)
)

var moveReasonNames = [...]string{"invalid", "first_team", "manual", "team_deleted"}

// String returns "first_team", "manual", "team_deleted" or "invalid".
func (m MoveReason) String() string {
	if int(m) < len(moveReasonNames) {
		return moveReasonNames[m]
	}
	return fmt.Sprintf("MoveReason(%d)", uint8(m))
}

// Valid reports whether m is one of the three reasons.
func (m MoveReason) Valid() bool { return m >= MoveFirstTeam && m <= MoveTeamDeleted }

// ParseMoveReason returns the reason named s, or an *cabinet.InvalidError
// for field "reason".
func ParseMoveReason(s string) (MoveReason, error) {
	for i, n := range moveReasonNames[1:] {
		if s == n {
			return MoveReason(i + 1), nil
		}
	}
	return MoveReasonInvalid, cabinet.Invalid("reason", "%q is not first_team, manual or team_deleted", s)
}

// Member is one user's membership of a team.
type Member struct {
	User     cabinet.UserID
	Role     Role
	JoinedAt time.Time
}

// Team is an advisor team, or a user's personal team (TEAM-6).
//
// Members is sorted by User and holds each user once. In a personal team,
// Owner is the one member (an admin) and also the Lead; in any other team
// Owner is empty. FirstTeam is set only on a personal team: the first
// non-personal team its owner joined, created or accepted, which received
// the personal team's referrals (TEAM-7); empty until then.
//
// Pending marks a team created on someone else's behalf that its Lead has
// not accepted yet (TEAM-1): it has no member, receives no referral, moves
// nothing and no command but AcceptTeam and DeclineTeam (by its Lead) applies
// to it.
//
// Name is the team's name. A personal team's name is not stored (it is ""
// in the store): Service fills it, on every team it returns, with
// PersonalTeamName of the owner's current display name (TEAM-6).
type Team struct {
	ID        cabinet.TeamID
	Name      string
	Personal  bool
	Pending   bool           // awaiting its lead's acceptance (TEAM-1); never a personal team
	Owner     cabinet.UserID // personal teams only
	Lead      cabinet.UserID // the lead advisor, always an admin once accepted (TEAM-2)
	CreatedBy cabinet.UserID // the lead, or the assistant who created it for them (TEAM-1)
	CreatedAt time.Time
	Members   []Member
	FirstTeam cabinet.TeamID // personal teams only (TEAM-7)
}

// PersonalTeamName is the one derivation of a personal team's label from
// its owner's display name: "<display name> personal" (TEAM-6). The label
// is computed when a team is read, never stored, so it follows every change
// of the display name (SetDisplayName). A host that shows another language
// builds its own label from the owner's name instead.
func PersonalTeamName(displayName string) string { return displayName + " personal" }

func compareMember(m Member, u cabinet.UserID) int { return cmp.Compare(m.User, u) }

// Role returns u's role in t and whether u is a member. It does not
// allocate.
func (t Team) Role(u cabinet.UserID) (Role, bool) {
	i, ok := slices.BinarySearchFunc(t.Members, u, compareMember)
	if !ok {
		return RoleInvalid, false
	}
	return t.Members[i].Role, true
}

// IsMember reports whether u is a member of t (any role).
func (t Team) IsMember(u cabinet.UserID) bool {
	_, ok := t.Role(u)
	return ok
}

// IsAdmin reports whether u is an admin of t.
func (t Team) IsAdmin(u cabinet.UserID) bool {
	r, _ := t.Role(u)
	return r == RoleAdmin
}

// Admins returns the users who are admins of t, ascending.
func (t Team) Admins() []cabinet.UserID {
	var out []cabinet.UserID
	for _, m := range t.Members {
		if m.Role == RoleAdmin {
			out = append(out, m.User)
		}
	}
	return out
}

// withMember returns a copy of t where u has role r (added or changed).
func (t Team) withMember(u cabinet.UserID, r Role, at time.Time) Team {
	ms := slices.Clone(t.Members)
	i, ok := slices.BinarySearchFunc(ms, u, compareMember)
	if ok {
		ms[i].Role = r
	} else {
		ms = slices.Insert(ms, i, Member{User: u, Role: r, JoinedAt: at})
	}
	t.Members = ms
	return t
}

// withoutMember returns a copy of t without u.
func (t Team) withoutMember(u cabinet.UserID) Team {
	ms := slices.Clone(t.Members)
	if i, ok := slices.BinarySearchFunc(ms, u, compareMember); ok {
		ms = slices.Delete(ms, i, i+1)
	}
	t.Members = ms
	return t
}

// Invitation is a pending membership of a team, addressed to an email with a
// role (TEAM-3). The invitee accepts it with the account whose email matches,
// created before or after the invitation.
type Invitation struct {
	ID         InvitationID
	Team       cabinet.TeamID
	Email      string // normalised (cabinet.ParseEmail); matched case-insensitively
	Role       Role
	InvitedBy  cabinet.UserID
	Status     InvitationStatus
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedBy cabinet.UserID // set when accepted
	ClosedAt   time.Time      // when accepted or revoked
	ResentAt   time.Time      // when an admin last sent it again (ResendInvitation); zero if never
}

// Expired reports whether inv is pending and its lifetime is over at now.
func (inv Invitation) Expired(now time.Time) bool {
	return inv.Status == StatusPending && !now.Before(inv.ExpiresAt)
}

// Referral is a client an advisor brought in by inviting them (TEAM-7). It
// lives in exactly one team. Client is set once the client has an account
// (at referral time if they already had one, otherwise when CreateUser
// creates the account with ClientEmail); it is a name for the listing only
// and gives its account no right (TEAM-9 v2: consent belongs to the
// dossier's granted central persons).
//
// Consent is not stored with the referral: it is the consent of its
// Dossier (one switch per dossier, DossierConsent, TEAM-9), filled in by
// every Reader when it returns the referral (ConsentGiven when the dossier
// has no consent record) and ignored by Writer.PutReferral.
type Referral struct {
	ID          cabinet.ReferralID
	Team        cabinet.TeamID
	Referrer    cabinet.UserID
	ClientName  string
	ClientEmail string         // normalised (cabinet.ParseEmail)
	Client      cabinet.UserID // "" until the client has an account
	Dossier     cabinet.DossierID
	Consent     Consent // derived from the dossier's DossierConsent when read
	CreatedAt   time.Time
}

// DossierConsent is the one consent switch of a dossier (TEAM-9 v2): while
// State is ConsentRevoked no team reaches the dossier through the team
// route, in every team that holds a referral of it. Only the dossier's
// granted central persons change it. A dossier without a record has
// consent given (Reader.DossierConsent returns ErrNotFound and Service
// reports the default, ConsentGiven with no ChangedBy).
type DossierConsent struct {
	Dossier   cabinet.DossierID
	State     Consent
	ChangedBy cabinet.UserID // the central person who last changed it; "" for the default
	ChangedAt time.Time      // zero for the default
}

// DossierReach is what TEAM-8 needs to know about a user and a dossier,
// read in the command's transaction from the packages that own it: whether
// the dossier exists and is archived (access, ACC-12), whether the user
// reaches it through an internal route of its office (clientgroup, GRP-3)
// and whether the user holds a grant to one of its central persons (access,
// ACC-6/ACC-7). CanRefer and CanMoveReferral decide with it.
type DossierReach struct {
	Exists   bool
	Archived bool
	Internal bool // an internal route, GRP-3
	Central  bool // a granted holder or co-holder
}

// Entitled reports whether the user may share the dossier with a team
// (TEAM-8): it exists and they reach it internally or are its granted
// central person.
func (d DossierReach) Entitled() bool { return d.Exists && (d.Internal || d.Central) }

// TeamFilter selects teams in Reader.ListTeams. Zero fields match all.
type TeamFilter struct {
	Member      cabinet.UserID // teams u is a member of
	PendingLead cabinet.UserID // pending teams awaiting u's acceptance as lead (TEAM-1)
}

// ConsentFilter selects consent records in Reader.ListDossierConsents.
// Zero fields match all.
type ConsentFilter struct {
	State Consent
}

// Match reports whether c satisfies f.
func (f ConsentFilter) Match(c DossierConsent) bool {
	return f.State == ConsentInvalid || c.State == f.State
}

// InvitationFilter selects invitations in Reader.ListInvitations. Zero
// fields match all.
type InvitationFilter struct {
	Team   cabinet.TeamID
	Email  string // compared with cabinet.EmailKey
	Status InvitationStatus
}

// ReferralFilter selects referrals in Reader.ListReferrals and
// Service.Referrals (TEAM-12). Zero fields match all. Consent matches the
// referral's derived consent, that of its dossier (TEAM-9).
type ReferralFilter struct {
	Team        cabinet.TeamID
	Referrer    cabinet.UserID
	Client      cabinet.UserID
	ClientEmail string // compared with cabinet.EmailKey
	Dossier     cabinet.DossierID
	Consent     Consent
}

// Match reports whether r satisfies f.
func (f ReferralFilter) Match(r Referral) bool {
	return (f.Team == "" || r.Team == f.Team) &&
		(f.Referrer == "" || r.Referrer == f.Referrer) &&
		(f.Client == "" || r.Client == f.Client) &&
		(f.ClientEmail == "" || cabinet.EqualEmails(r.ClientEmail, f.ClientEmail)) &&
		(f.Dossier == "" || r.Dossier == f.Dossier) &&
		(f.Consent == ConsentInvalid || r.Consent == f.Consent)
}

// Match reports whether inv satisfies f.
func (f InvitationFilter) Match(inv Invitation) bool {
	return (f.Team == "" || inv.Team == f.Team) &&
		(f.Email == "" || cabinet.EqualEmails(inv.Email, f.Email)) &&
		(f.Status == InvitationStatusInvalid || inv.Status == f.Status)
}

// Match reports whether t satisfies f.
func (f TeamFilter) Match(t Team) bool {
	return (f.Member == "" || t.IsMember(f.Member)) &&
		(f.PendingLead == "" || (t.Pending && t.Lead == f.PendingLead))
}
