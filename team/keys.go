package team

import "github.com/cabinet-go/cabinet"

// The change-log keys of the package's records (cabinet.Key): the record
// itself and every record it refers to. Every store records them, before
// and after each write.

// Keys returns the team and every user it names (owner, lead, creator,
// members).
func (t Team) Keys() []cabinet.Key {
	ks := []cabinet.Key{cabinet.KeyOf(cabinet.KeyTeam, t.ID), cabinet.KeyOf(cabinet.KeyUser, t.Owner),
		cabinet.KeyOf(cabinet.KeyUser, t.Lead), cabinet.KeyOf(cabinet.KeyUser, t.CreatedBy)}
	for _, m := range t.Members {
		ks = append(ks, cabinet.KeyOf(cabinet.KeyUser, m.User))
	}
	return ks
}

// Keys returns the invitation, its team and the users it names.
func (inv Invitation) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyInvitation, inv.ID), cabinet.KeyOf(cabinet.KeyTeam, inv.Team),
		cabinet.KeyOf(cabinet.KeyUser, inv.InvitedBy), cabinet.KeyOf(cabinet.KeyUser, inv.AcceptedBy)}
}

// Keys returns the referral, its team, its dossier and its users.
func (r Referral) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyReferral, r.ID), cabinet.KeyOf(cabinet.KeyTeam, r.Team),
		cabinet.KeyOf(cabinet.KeyDossier, r.Dossier), cabinet.KeyOf(cabinet.KeyUser, r.Referrer), cabinet.KeyOf(cabinet.KeyUser, r.Client)}
}

// Keys returns the consent switch and its dossier.
func (c DossierConsent) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyConsent, c.Dossier), cabinet.KeyOf(cabinet.KeyDossier, c.Dossier)}
}
