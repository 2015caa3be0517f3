// Package memstore is the in-memory implementation of every cabinet store:
// team.Store, access.Store, clientgroup.Store, contact.Store and
// procedure.Store, all on one *Store. It is the embedded default, safe for
// concurrent use, and passes each package's conformance suite
// (teamtest, accesstest, …).
//
// All domains share one lock and one revision counter (internal/memdb): every
// Update… method runs its function in an all-or-nothing transaction under the
// write lock and returns the new cabinet.Revision; every View… method runs
// under the read lock and sees a consistent snapshot. Values go in and come
// out as copies: no caller ever holds a pointer into the store.
package memstore

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// Store holds the state of every cabinet package in memory. Create it with
// New; the zero value is not usable.
type Store struct {
	db memdb.DB

	team        teamTables
	access      accessTables
	clientgroup clientgroupTables
	contact     contactTables
	procedure   procedureTables
}

// New returns an empty store.
func New() *Store {
	s := &Store{}
	s.team.init()
	s.access.init()
	s.clientgroup.init()
	s.contact.init()
	s.procedure.init()
	return s
}

// Revision returns the revision of the last committed change, whatever the
// package that made it.
func (s *Store) Revision() cabinet.Revision { return cabinet.Revision(s.db.Revision()) }
