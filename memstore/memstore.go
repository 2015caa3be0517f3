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
//
// Memory: the IDs that records repeat (offices, users, groups) are interned
// once for the whole store (memdb.Symbols), so the largest tables, dossiers
// and placements, store 4-byte symbols in rows of their own shape, and the
// indexes by those IDs are memdb.SymIndexes of 24 bytes a pair. The
// by-office indexes of dossiers and placements are built only once their
// rows name a second office, and then stay built: until then, a listing by
// office walks the table (byoffice.go). A dossier row packs its assigned
// collaborators and its name in one string, and keeps its CreatedAt in 8
// bytes when it is a UTC time without a monotonic reading, as every service
// writes it (any other Time is kept whole beside the row: instant.go), so
// that a row is 40 bytes. The change log keeps each change's keys in a
// compact, front-coded string and is bounded by changes (WithRetention)
// and by keys and events (WithRetainedItems). At 1,000,000 dossiers the
// store holds 222 MB (BenchmarkStoreHeap in package policy, issue 15).
package memstore

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// Store holds the state of every cabinet package in memory. Create it with
// New; the zero value is not usable.
type Store struct {
	db   memdb.DB
	syms *memdb.Symbols // the IDs records repeat (sym.go)

	team        teamTables
	access      accessTables
	clientgroup clientgroupTables
	contact     contactTables
	procedure   procedureTables

	fault fault     // armed by FailNextWrite (tests)
	log   changeLog // the change log (cabinet.ChangeLog)
	// keys is the key recorder a write transaction takes and gives back
	// once its keys are encoded, so that its small arrays and its size
	// hints serve the next one; both under the write lock (update).
	keys keyRecorder
}

// Option configures a Store.
type Option func(*Store)

// RunTwice makes every Update… run its function twice: the first run is
// rolled back whatever it returns, then the function runs again and its
// result commits. A store over PostgreSQL re-runs a function after a
// serialization failure, so every function given to an Update must be safe
// to re-run; tests use RunTwice to catch one that is not (a closure that
// appends to an outer slice without resetting it, an event published from
// inside the transaction, …). It is a test option: it doubles the cost of
// every write.
func RunTwice() Option { return func(s *Store) { s.db.SetRerun(true) } }

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{syms: memdb.NewSymbols()}
	s.log.init()
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
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
