package access

import "github.com/cabinet-go/cabinet"

// The change-log keys of the package's records (cabinet.Key): the record
// itself and every record it refers to. Every store records them, before
// and after each write.

// Keys returns the dossier, its office and the users it names.
func (d Dossier) Keys() []cabinet.Key {
	ks := []cabinet.Key{cabinet.KeyOf(cabinet.KeyDossier, d.ID), cabinet.KeyOf(cabinet.KeyOffice, d.Office),
		cabinet.KeyOf(cabinet.KeyUser, d.Manager), cabinet.KeyOf(cabinet.KeyUser, d.CreatedBy)}
	for _, u := range d.Assigned {
		ks = append(ks, cabinet.KeyOf(cabinet.KeyUser, u))
	}
	return ks
}

// Keys returns the person and their dossier.
func (p Person) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyPerson, p.ID), cabinet.KeyOf(cabinet.KeyDossier, p.Dossier)}
}

// Keys returns the advisor and their dossier.
func (a Advisor) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyAdvisor, a.ID), cabinet.KeyOf(cabinet.KeyDossier, a.Dossier)}
}

// Keys returns the grant, its dossier and office, its grantee (person or
// advisor) and the accounts it names.
func (g Grant) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyGrant, g.ID), cabinet.KeyOf(cabinet.KeyDossier, g.Dossier),
		cabinet.KeyOf(cabinet.KeyOffice, g.Office), cabinet.KeyOf(cabinet.KeyPerson, g.Person),
		cabinet.KeyOf(cabinet.KeyAdvisor, g.Advisor), cabinet.KeyOf(cabinet.KeyUser, g.User), cabinet.KeyOf(cabinet.KeyUser, g.GrantedBy)}
}
