package cabinet

// Tx is one open transaction of a store that holds the records of every
// package (memstore.Store, pgstore.Store): a read-only snapshot inside a
// View…, a read-write transaction inside an Update…. Every package's Reader
// returns its Tx, and every package's Store gives that package's records of
// a Tx it opened (team.Store.TeamsIn, access.Store.AccessIn, …), so that a
// command reads the facts other packages own — an office profile, a
// dossier's status, an account — and writes their records in its own
// transaction: all of it commits together or none of it does (SPEC §3
// invariant 8), and no rule is checked against a fact read before the
// transaction.
//
// A Tx is valid only while the function it was given to runs, and only
// with the store that opened it. A store may run an Update's function more
// than once (PostgreSQL retries serialization failures), each time with a
// fresh Tx: functions must not keep a Tx, and must be safe to re-run.
type Tx interface {
	// Revision returns the revision of the transaction's snapshot: the last
	// change committed before it began.
	Revision() Revision
	// Writable reports whether the transaction may write (an Update's).
	Writable() bool
	// Emit records the batch of events the transaction's command
	// publishes: the store writes it into its change log (ChangeLog) in the
	// same transaction, under the commit's revision (b.Revision is set by
	// the store), so that no committed command's events are ever lost
	// (SPEC §3 invariant 13). A transaction that emits a batch commits a new
	// revision even if it wrote nothing else. Calling Emit again replaces
	// the batch. On a read-only Tx it is an *InvalidError naming "tx".
	Emit(b Batch) error
}
