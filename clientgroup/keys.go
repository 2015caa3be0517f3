package clientgroup

import "github.com/cabinet-go/cabinet"

// The change-log keys of the package's records (cabinet.Key): the record
// itself and every record it refers to; a record with a composite identity
// gives the keys of its parts. Every store records them, before and after
// each write.

// Keys returns the office and its creator.
func (o Office) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyOffice, o.ID), cabinet.KeyOf(cabinet.KeyUser, o.CreatedBy)}
}

// Keys returns the office, the user and the user's account (a
// collaborator is one of the user's own records: cabinet.KeyAccount).
func (c Collaborator) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyOffice, c.Office), cabinet.KeyOf(cabinet.KeyUser, c.User), cabinet.KeyOf(cabinet.KeyAccount, c.User)}
}

// Keys returns the collaborator group and its office.
func (g CollaboratorGroup) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyCollaboratorGroup, g.ID), cabinet.KeyOf(cabinet.KeyOffice, g.Office)}
}

// Keys returns the collaborator group, its office, the user and the
// user's account (cabinet.KeyAccount).
func (m Member) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyCollaboratorGroup, m.Group), cabinet.KeyOf(cabinet.KeyOffice, m.Office),
		cabinet.KeyOf(cabinet.KeyUser, m.User), cabinet.KeyOf(cabinet.KeyAccount, m.User)}
}

// Keys returns the client group and its office.
func (g ClientGroup) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyClientGroup, g.ID), cabinet.KeyOf(cabinet.KeyOffice, g.Office)}
}

// Keys returns the client group, its office, the user and the user's
// account (cabinet.KeyAccount).
func (a DirectAssignment) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyClientGroup, a.ClientGroup), cabinet.KeyOf(cabinet.KeyOffice, a.Office),
		cabinet.KeyOf(cabinet.KeyUser, a.User), cabinet.KeyOf(cabinet.KeyAccount, a.User)}
}

// Keys returns the client group, its office and the collaborator group.
func (a GroupAssignment) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyClientGroup, a.ClientGroup), cabinet.KeyOf(cabinet.KeyOffice, a.Office), cabinet.KeyOf(cabinet.KeyCollaboratorGroup, a.CollaboratorGroup)}
}

// Keys returns the dossier, its office and its client group.
func (p Placement) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyDossier, p.Dossier), cabinet.KeyOf(cabinet.KeyOffice, p.Office), cabinet.KeyOf(cabinet.KeyClientGroup, p.ClientGroup)}
}
