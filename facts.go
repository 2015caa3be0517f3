package cabinet

import "fmt"

// Profile is a collaborator's profile in an office (package clientgroup owns
// the directory; the type lives here because access, contact, procedure and
// policy read it through their own small interfaces). The zero value is
// invalid.
type Profile uint8

// Profiles.
const (
	ProfileInvalid  Profile = iota
	ProfileAdmin            // "admin": all dossiers of the office, group administration (GRP-3, GRP-5)
	ProfileStandard         // "standard": only the dossiers the office's organisation gives them
)

var profileNames = [...]string{"invalid", "admin", "standard"}

// String returns "admin", "standard" or "invalid".
func (p Profile) String() string {
	if int(p) < len(profileNames) {
		return profileNames[p]
	}
	return fmt.Sprintf("Profile(%d)", uint8(p))
}

// Valid reports whether p is ProfileAdmin or ProfileStandard.
func (p Profile) Valid() bool { return p == ProfileAdmin || p == ProfileStandard }

// ParseProfile returns the profile named s ("admin" or "standard"), or an
// *InvalidError for field "profile".
func ParseProfile(s string) (Profile, error) {
	for i, n := range profileNames[1:] {
		if s == n {
			return Profile(i + 1), nil
		}
	}
	return ProfileInvalid, Invalid("profile", "%q is not admin or standard", s)
}

// DossierStatus is the lifecycle state of a dossier: draft → activated →
// archived. Package access owns the lifecycle; the type lives here because
// clientgroup (GRP-5) and policy read it. The zero value is invalid.
type DossierStatus uint8

// Dossier statuses.
const (
	DossierStatusInvalid DossierStatus = iota
	DossierDraft                       // "draft"
	DossierActivated                   // "activated"
	DossierArchived                    // "archived"
)

var dossierStatusNames = [...]string{"invalid", "draft", "activated", "archived"}

// String returns "draft", "activated", "archived" or "invalid".
func (s DossierStatus) String() string {
	if int(s) < len(dossierStatusNames) {
		return dossierStatusNames[s]
	}
	return fmt.Sprintf("DossierStatus(%d)", uint8(s))
}

// Valid reports whether s is one of the three statuses.
func (s DossierStatus) Valid() bool { return s >= DossierDraft && s <= DossierArchived }

// ParseDossierStatus returns the status named s, or an *InvalidError for
// field "status".
func ParseDossierStatus(s string) (DossierStatus, error) {
	for i, n := range dossierStatusNames[1:] {
		if s == n {
			return DossierStatus(i + 1), nil
		}
	}
	return DossierStatusInvalid, Invalid("status", "%q is not draft, activated or archived", s)
}

// DossierFacts is what packages other than access need to know about a
// dossier: its office, status, manager and assigned collaborators.
// access.Service.DossierFacts returns it; clientgroup and procedure read it
// through interfaces of their own.
type DossierFacts struct {
	ID       DossierID
	Office   OfficeID
	Status   DossierStatus
	Manager  UserID   // "" when the dossier has no manager
	Assigned []UserID // additional assigned collaborators, ascending, without the manager
}
