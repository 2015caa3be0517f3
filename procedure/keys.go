package procedure

import "github.com/cabinet-go/cabinet"

// The change-log keys of the package's records (cabinet.Key): the record
// itself and every record it refers to. Every store records them, before
// and after each write.

// Keys returns the plan (keyed by its office) and the office.
func (p OfficePlan) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyPlan, p.Office), cabinet.KeyOf(cabinet.KeyOffice, p.Office), cabinet.KeyOf(cabinet.KeyUser, p.TrialStartedBy)}
}

// Keys returns the procedure, its office and its creator.
func (p Procedure) Keys() []cabinet.Key {
	return []cabinet.Key{cabinet.KeyOf(cabinet.KeyProcedure, p.ID), cabinet.KeyOf(cabinet.KeyOffice, p.Office), cabinet.KeyOf(cabinet.KeyUser, p.CreatedBy)}
}

// Keys returns the case, its office, procedure and dossier, and the
// accounts and contacts of its seats.
func (c Case) Keys() []cabinet.Key {
	ks := []cabinet.Key{cabinet.KeyOf(cabinet.KeyCase, c.ID), cabinet.KeyOf(cabinet.KeyOffice, c.Office),
		cabinet.KeyOf(cabinet.KeyProcedure, c.Procedure), cabinet.KeyOf(cabinet.KeyDossier, c.Dossier), cabinet.KeyOf(cabinet.KeyUser, c.OpenedBy)}
	for _, p := range append([]Participant{c.Recipient}, c.Contributors...) {
		ks = append(ks, cabinet.KeyOf(cabinet.KeyUser, p.User), cabinet.KeyOf(cabinet.KeyContact, p.Contact))
	}
	return ks
}
