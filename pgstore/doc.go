// Package pgstore is the PostgreSQL implementation of every cabinet store:
// team.Store, access.Store, clientgroup.Store, contact.Store and
// procedure.Store, all on one *Store over the host's own *pgxpool.Pool. It
// passes each package's conformance suite (teamtest, accesstest, …) against
// a real server.
//
// # Setting up
//
// The tables live in one schema, DefaultSchema ("cabinet") unless
// WithSchema names another. Migrate creates or upgrades it; New refuses a
// schema that is not at exactly the code's version (*SchemaVersionError):
//
//	if err := pgstore.Migrate(ctx, pool); err != nil { … }
//	store, err := pgstore.New(ctx, pool)
//
// A host with its own migration tool applies Migrations() instead. The
// migrations are the numbered files under migrations/, embedded in the
// binary; each runs in its own transaction while Migrate holds a session
// advisory lock, so replicas starting together are safe. Migration 0004
// (issue 16) adds the nullable expires_at columns of grants and direct
// assignments (NULL: no expiry, as every earlier row). Migration 0005
// (issue 15) gives every retained change that names a user ("user:id")
// the account key of that user ("account:id", cabinet.KeyAccount), which
// the policy engine now reads a user's own records from. Migration 0006
// (issue 15) stores the change log's events as json instead of jsonb (no
// query looks inside them: the server no longer parses each batch's events
// into jsonb on insert), and compresses them and the keys with lz4 where
// the server offers it. Its change of type rewrites the changes table under
// an ACCESS EXCLUSIVE lock: on a long change log, commits and views wait
// for it, so run it when the service is quiet (or prune the log first,
// WithRetention). A pg_dump of such a schema names lz4: for a server built
// without lz4, dump it with pg_dump --no-toast-compression.
//
// # Transactions
//
// Every View… method runs its function in one REPEATABLE READ READ ONLY
// transaction: a consistent snapshot. Every Update… method runs its
// function in one SERIALIZABLE transaction, so a rule that reads several
// rows (the last admin of a team, the lead is an admin) holds under
// concurrent commands: PostgreSQL aborts one of two transactions whose
// interleaving no serial order explains, and the store runs the whole
// function again — on SQLSTATE 40001 (serialization failure), 40P01
// (deadlock) and 23505 (a unique index, see below) — up to
// DefaultMaxAttempts times (WithMaxAttempts), with a short jittered
// backoff that respects the context, and after the last attempt returns an
// error wrapping cabinet.ErrConflict and the last database error. So fn may
// run more than once: it must not keep effects outside the transaction, or
// must reset them on each run. A statement error aborts the transaction:
// the store keeps the first one, fails every later statement with it, and
// never commits — even if fn swallowed the error and returned nil.
//
// An Update's transaction sets enable_seqscan off for itself (SET LOCAL,
// never on the host's connection): a sequential scan's predicate lock
// covers its whole table, and on small tables, where the planner prefers
// them, concurrent commands on unrelated records would abort each other;
// index scans lock only the pages and rows they read.
//
// The readers and writers of the five packages are views of one internal
// transaction type, so that one transaction can reach every package's
// records.
//
// # Revisions
//
// The five packages share one revision counter, and revision order is
// commit order: a reader that sees revision N sees every revision below N.
// A transaction that wrote something (or emitted a batch) ends with
// pg_advisory_xact_lock on a key of the schema, then takes nextval of a
// sequence and inserts it in the changes table (the change log); the lock
// is held until the commit completes, so the next writer takes its number
// only after this commit is visible. Revisions can have gaps (a transaction
// that fails at COMMIT after taking its number), never late arrivals. A
// reader's Revision is the highest revision in its snapshot's change log. A
// transaction that wrote nothing returns that revision and takes none.
//
// What-if (cabinet.DryRun, cabinet.AtRevision, used by policy.Engine.Preview
// and Apply): a dry run runs the Update's function, hands the open
// transaction to the inspection and rolls it back — no revision, no row in
// the change log, no notification. An Update bound to revision r begins
// with LOCK TABLE on the changes table in SHARE ROW EXCLUSIVE mode, before
// its snapshot (LOCK takes none): once it holds the lock no other
// transaction can insert into the change log, and its snapshot sees every
// commit before it, so the head it reads first is the true head; it runs
// the function only if that is r (a *cabinet.ConflictError otherwise), and
// takes its revision without the advisory lock, which a waiting committer
// may hold. Concurrent writers wait for it, like for any commit.
//
// # The change log
//
// Store implements cabinet.ChangeLog (SPEC §3 invariant 13). The row a
// commit inserts in the changes table holds, in the same transaction, the
// batch its command emitted (cabinet.Tx.Emit: its time, actor or host, and
// events) and the keys of every record the transaction wrote: every Put
// and every Delete of every package queues, in the same round trip and
// before its write, the read of the row it replaces or deletes, and
// records the keys of the record as it was and as it is (cabinet.Key: old
// and new foreign IDs alike), so that no consumer depends on an event
// naming what changed. A commit that dies before COMMIT leaves neither its
// records nor its change; one that commits leaves both.
//
// Events are stored as JSON, each with its EventName, and decoded back to
// the type registered under that name: the event types of the five domain
// packages always are, a host's own with WithEventTypes. Tx.Emit refuses
// an event it could not give back (an *cabinet.InvalidError naming it): a
// type not registered, text PostgreSQL cannot store. An event this process
// cannot decode (a newer process emitted it) comes back as a RawEvent.
//
// Changes reads the log in pages of 500 changes, each page one statement
// on the store's pool and no transaction held open in between, so a
// consumer may take its time over each change (a host's sink sending mail).
// The log keeps the last WithRetention revisions (DefaultRetention), and
// the changes younger than WithRetentionAge, and every change after the
// lowest saved delivery cursor (Store.DeliveryCursor), however old; older
// changes are deleted by Prune, which the store runs by itself, after the
// commit of every 128th revision, in a READ COMMITTED transaction of its
// own — never in a command's transaction, where deleting a row that a
// concurrent SERIALIZABLE command also deletes would abort one of them. A
// reader positioned before the retention horizon gets a *cabinet.StaleError
// and reloads. Migration 0003 puts the horizon at the head of the existing
// log, whose changes have no events nor keys: a reader starting from 0 on
// an upgraded schema loads in full.
//
// OnCommit registers hooks run in the committing goroutine after each
// commit through the Store, before the Update… returns (package kit feeds
// the policy engine and the host's delivery from them, in process).
//
// # Waiting for commits
//
// Every commit notifies (pg_notify, delivered when the commit is visible)
// the schema's channel (NotifyChannel) with its revision. Wait listens on
// it — on one connection per Store, outside the pool, held only while
// something waits — and polls the head every WithPollInterval
// (DefaultPollInterval, 1 s) as a safety net; a commit through the same
// Store wakes its waiters at once. When the listening connection breaks the
// store reconnects and wakes every waiter, which re-reads the log from its
// own position: a replica that reconnects reads the backlog first. Behind a
// connection pooler in transaction mode, where LISTEN does not work, give
// WithPollOnly: Wait then polls only. A follower over Changes and Wait
// (cabinet.Delivery.Run, the policy engine's follow loop) therefore sees a
// commit of another process within a notification's round trip, or within
// the poll interval when polling only.
//
// # Delivery cursors
//
// Store.DeliveryCursor(name) is a cabinet.DeliveryCursor kept in the
// delivery_cursors table, so that a cabinet.Delivery resumes after a crash
// or on another replica where the last one stopped: each committed batch
// reaches the host's sinks at least once, even if the process dies right
// after the commit. Cursor.SaveTx saves it inside the host's own pgx
// transaction — the one that writes what the batch asks for (an outbox) —
// so that a batch is handled exactly once.
//
// # Hot standby
//
// A Store over a hot standby's pool (a streaming replica of the primary's
// database, same schema) serves View… methods and the change log (Changes,
// Head, Wait, so the initial load and the follow loop of a policy engine)
// while commands go to a Store over the primary's pool; its Update…
// methods fail, as PostgreSQL refuses writes on a standby. Revision order
// is commit order there too: the standby replays commits in WAL order, and
// the revision lock orders the commits' WAL records. Its Head is the
// standby's revision — what it has replayed — and its Wait returns once
// the standby has replayed a commit after the given revision: give it
// WithNotifyPool(primaryPool) to be woken by the primary's notifications
// (PostgreSQL does not run LISTEN on a standby; a notification makes the
// store poll the standby, from 1 ms backing off to 50 ms, until it has
// replayed that commit), or WithPollOnly to poll the standby. A reader that
// must see a command committed on the primary waits for the command's
// revision (Wait(ctx, rev-1), or policy.AtLeast(rev) for an engine)
// before it reads. Run the standby with hot_standby_feedback = on (or a
// large max_standby_streaming_delay): otherwise replay may cancel a long
// snapshot, such as an initial load, which then fails with SQLSTATE 40001
// and must be retried. scripts/with-postgres --standby starts such a pair
// for the tests.
//
// # Values
//
// Values that Go defines are computed in Go and stored in their own
// columns — cabinet.EmailKey of every email that is looked up, the
// lower-cased search copies of a contact's names and email
// (contact.ContactFilter.Text), access.Grant.AwaitingAccount — never
// re-derived by SQL functions whose result depends on the database's
// locale. Identifiers are text COLLATE "C", so listings are ordered as Go
// orders strings, whatever the database's collation.
//
// The database holds the invariants it can: unique email keys (users;
// contacts per office, CON-7), one personal team per owner (TEAM-6), one
// grant per person and per advisor (ACC-4), one grant per email key and
// one per account on a dossier (ACC-7), one placement per dossier (GRP-4),
// one consent record per dossier (TEAM-9). The Put methods check them
// first and return a *cabinet.ConflictError naming the rule; the index
// catches a concurrent transaction, and the re-run reports it the same way.
//
// A referral's consent is not stored: every read of a referral takes it
// from its dossier's consent record (team.DossierConsent), given when there
// is none, in the same query, so ReferralFilter.Consent filters in SQL.
// Lists that a record holds (a team's members, a dossier's assigned
// collaborators, a case's seats) are jsonb columns, with side tables kept
// in step for the lookups by member (team_members, dossier_assigned,
// case_seats); lists of contact IDs (a project's or decision's partners, a
// unit's leads) are matched by jsonb containment through GIN indexes.
//
// # Bulk import
//
// Store implements bulk.BatchPreparer: in the transaction of each batch of
// a bulk.Importer, PrepareBatch reads ahead, in one round trip, every
// record the batch's checks will look up (accounts by ID and email key,
// offices, groups, collaborators, members, assignments, dossiers,
// placements, persons, grants, teams) and the email keys no referral,
// grant, contact or case seat holds, and the transaction then answers those
// lookups itself; new records are queued and written with COPY (pgx
// CopyFrom, one round trip per table) before the next statement that
// reaches PostgreSQL and before the commit. The batch's change-log entry
// holds the same events and keys as the record-by-record path's
// (TestBulkImportFastPathWritesWhatSlowPathWrites compares both on random
// streams). A prepared transaction is not retried: the importer runs a
// failed batch again record by record, which retries as usual and names
// the record at fault.
//
// # Upgrading from version 1
//
// Migration 0002 brings a schema of cabinet's first release to SPEC v2 and
// carries its data over: a dossier of which any referral had consent
// revoked keeps consent revoked (one switch per dossier now), with the
// client and time of the latest such change; a personal team's stored name
// is dropped (its label is derived); the assigned collaborators are
// indexed; a unit's v1 buyers become its leads, and for a sold unit also its
// buyers (v1 converted them all); a participant invited in v1 was notified
// when added. A v1 schema holding two grants to one email or one account on
// a dossier, which ACC-7 v2 forbids, is not migrated: Migrate stops with an
// error naming the grants, and changes nothing, until the office revokes
// all but one of each.
//
// Times are stored with microsecond precision, as PostgreSQL keeps them,
// and read back in UTC: a time put with nanoseconds or in another location
// reads back truncated to the microsecond, in UTC. The zero time is stored
// as NULL and reads back as the zero time. Nil and empty lists read back as
// they were put.
//
// PostgreSQL text cannot hold a NUL byte or invalid UTF-8: a Put of a record
// with such a string is an *cabinet.InvalidError naming the field, and a
// lookup of such a key finds nothing.
//
// # Advisory locks
//
// The store takes advisory locks (pg_advisory_lock, pg_advisory_xact_lock)
// on two bigint keys per schema, derived from the schema name by FNV-1a; a
// host using advisory locks of its own in the same database should keep
// away from them.
package pgstore
