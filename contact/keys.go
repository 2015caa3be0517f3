package contact

import "github.com/cabinet-go/cabinet"

// The change-log keys of the package's records (cabinet.Key): the record
// itself and every record it refers to. Every store records them, before
// and after each write.

// Keys returns the contact, its office, company, account, and the dossier
// and person it is linked to.
func (c Contact) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyContact, c.ID), cabinet.KeyOf(cabinet.KeyOffice, c.Office),
		cabinet.KeyOf(cabinet.KeyCompany, c.Company), cabinet.KeyOf(cabinet.KeyUser, c.User),
		cabinet.KeyOf(cabinet.KeyDossier, c.Dossier), cabinet.KeyOf(cabinet.KeyPerson, c.Person)}
}

// Keys returns the company and its office.
func (c Company) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyCompany, c.ID), cabinet.KeyOf(cabinet.KeyOffice, c.Office)}
}

// Keys returns the project, its office and its partners.
func (p Project) Keys() []cabinet.Key {
	return contactKeys([]cabinet.Key{cabinet.KeyOf(cabinet.KeyProject, p.ID), cabinet.KeyOf(cabinet.KeyOffice, p.Office)}, p.Partners)
}

// Keys returns the decision, its office and its partners.
func (d Decision) Keys() []cabinet.Key {
	return contactKeys([]cabinet.Key{cabinet.KeyOf(cabinet.KeyDecision, d.ID), cabinet.KeyOf(cabinet.KeyOffice, d.Office)}, d.Partners)
}

// Keys returns the unit, its office, its leads and its buyers.
func (u Unit) Keys() []cabinet.Key {
	return contactKeys(contactKeys([]cabinet.Key{cabinet.KeyOf(cabinet.KeyUnit, u.ID), cabinet.KeyOf(cabinet.KeyOffice, u.Office)}, u.Leads), u.Buyers)
}

// Keys returns the session, its office, its contact and the two accounts
// (the collaborator and the contact's).
func (s Session) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeySession, s.ID), cabinet.KeyOf(cabinet.KeyOffice, s.Office),
		cabinet.KeyOf(cabinet.KeyContact, s.Contact), cabinet.KeyOf(cabinet.KeyUser, s.Actor), cabinet.KeyOf(cabinet.KeyUser, s.ContactUser)}
}

func contactKeys(ks []cabinet.Key, ids []cabinet.ContactID) []cabinet.Key {
	for _, id := range ids {
		ks = append(ks, cabinet.KeyOf(cabinet.KeyContact, id))
	}
	return ks
}
