package pgstore

import (
	"hash/fnv"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cabinet-go/cabinet"
)

// DefaultSchema is the PostgreSQL schema that holds the store's tables
// unless WithSchema names another.
const DefaultSchema = "cabinet"

// DefaultMaxAttempts is how many times an Update… runs its function before
// giving up on serialization failures and deadlocks (see WithMaxAttempts).
// With 16 concurrent writers on the records of one small office (every
// index one page, so every command reads pages the others write),
// BenchmarkCommands saw about 1 command in 4,000 still conflicting after 10
// attempts, none after 20; most commands run once.
const DefaultMaxAttempts = 20

// DefaultRetention is how many of the latest revisions the change log
// keeps by default (WithRetention), as memstore.DefaultRetention.
const DefaultRetention = 100_000

// DefaultPollInterval is how often, by default, a Wait that has had no
// notification asks the database for its head revision (WithPollInterval).
const DefaultPollInterval = time.Second

// Option configures New, Migrate and Migrations.
type Option func(*config)

type config struct {
	schema       string
	maxAttempts  int
	retention    int
	retentionAge time.Duration
	pollInterval time.Duration
	pollOnly     bool
	notifyPool   *pgxpool.Pool
	eventTypes   []cabinet.Event
}

// WithSchema puts the store's tables in the PostgreSQL schema name instead
// of DefaultSchema. name must be a plain SQL identifier — a letter or "_",
// then letters, digits or "_", at most 63 bytes, not starting with "pg_" —
// and is always quoted, so it is case-sensitive. Give the same option to
// Migrate, Migrations and New. An invalid name makes them return an
// *cabinet.InvalidError naming "schema".
func WithSchema(name string) Option {
	return func(c *config) { c.schema = name }
}

// WithMaxAttempts sets how many times an Update… method runs its function
// when PostgreSQL aborts the transaction with a serialization failure or a
// deadlock (SQLSTATE 40001, 40P01) before returning an error wrapping
// cabinet.ErrConflict. The default is DefaultMaxAttempts; n < 1 makes New
// return an *cabinet.InvalidError naming "max_attempts". Only New reads it.
func WithMaxAttempts(n int) Option {
	return func(c *config) { c.maxAttempts = n }
}

// WithRetention makes the change log keep at least the last n revisions
// (default DefaultRetention); older changes are pruned (see Store.Prune),
// and a reader asking for changes after a pruned revision gets a
// *cabinet.StaleError and reloads. Changes after a saved delivery cursor
// are never pruned (see Store.DeliveryCursor). n < 1 makes New return an
// *cabinet.InvalidError naming "retention". Only New reads it.
func WithRetention(n int) Option {
	return func(c *config) { c.retention = n }
}

// WithRetentionAge makes the change log also keep every change committed
// less than d ago, however many revisions followed it: a change is pruned
// only once it is both behind the last WithRetention revisions and older
// than d. d < 0 makes New return an *cabinet.InvalidError naming
// "retention_age"; 0 (the default) keeps no change for its age. Only New
// reads it.
func WithRetentionAge(d time.Duration) Option {
	return func(c *config) { c.retentionAge = d }
}

// WithPollInterval sets how often a Wait that has had no notification
// asks the database for its head revision: the safety net under
// LISTEN/NOTIFY, and the only wake-up with WithPollOnly. The default is
// DefaultPollInterval; d ≤ 0 makes New return an *cabinet.InvalidError
// naming "poll_interval". Only New reads it.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) { c.pollInterval = d }
}

// WithPollOnly makes Wait poll the head revision every poll interval
// instead of listening for the notifications that every commit sends: for
// a pool behind a connection pooler in transaction mode (PgBouncer's
// pool_mode = transaction), where LISTEN does not work. Commits still
// notify, for the processes that listen. Only New reads it.
func WithPollOnly() Option {
	return func(c *config) { c.pollOnly = true }
}

// WithNotifyPool makes Wait listen for commits on pool rather than on the
// store's own: for a store over a hot standby (PostgreSQL does not run
// LISTEN on a standby), pool is the primary's, where commands commit and
// notify. A notification then makes Wait poll the standby briefly until
// it has replayed the commit. Without it, a store over a standby can only
// poll (WithPollOnly). Only New reads it.
func WithNotifyPool(pool *pgxpool.Pool) Option {
	return func(c *config) { c.notifyPool = pool }
}

// WithEventTypes registers event types beyond the five domain packages'
// (team.EventTypes, access.EventTypes, …, always registered), for a host
// that emits events of its own in the store's transactions: the change
// log stores each event as JSON with its EventName, and decodes it back to
// the type registered under that name (see RawEvent for one it cannot).
// Tx.Emit refuses an event whose type is not registered. Two types with
// one EventName, or a nil event, make New return an *cabinet.InvalidError
// naming "event_types". Only New reads it.
func WithEventTypes(types ...cabinet.Event) Option {
	return func(c *config) { c.eventTypes = append(c.eventTypes, types...) }
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// newConfig applies opts over the defaults and validates the result.
func newConfig(opts []Option) (config, error) {
	c := config{schema: DefaultSchema, maxAttempts: DefaultMaxAttempts, retention: DefaultRetention, pollInterval: DefaultPollInterval}
	for _, o := range opts {
		o(&c)
	}
	if len(c.schema) > 63 || !identifier.MatchString(c.schema) {
		return c, cabinet.Invalid("schema", "%q is not a plain SQL identifier (a letter or _, then letters, digits or _, at most 63 bytes)", c.schema)
	}
	if strings.HasPrefix(strings.ToLower(c.schema), "pg_") {
		return c, cabinet.Invalid("schema", "%q starts with pg_, which PostgreSQL reserves", c.schema)
	}
	if c.maxAttempts < 1 {
		return c, cabinet.Invalid("max_attempts", "must be at least 1, got %d", c.maxAttempts)
	}
	if c.retention < 1 {
		return c, cabinet.Invalid("retention", "must keep at least 1 revision, got %d", c.retention)
	}
	if c.retentionAge < 0 {
		return c, cabinet.Invalid("retention_age", "must not be negative, got %v", c.retentionAge)
	}
	if c.pollInterval <= 0 {
		return c, cabinet.Invalid("poll_interval", "must be positive, got %v", c.pollInterval)
	}
	return c, nil
}

// quoted returns the schema as a quoted SQL identifier.
func (c config) quoted() string { return pgx.Identifier{c.schema}.Sanitize() }

// advisoryKey returns the key of the advisory lock used for purpose in
// schema: the FNV-1a hash of both, so that stores in different schemas of
// one database do not wait for each other.
func advisoryKey(purpose, schema string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("github.com/cabinet-go/cabinet/pgstore\x00" + purpose + "\x00" + schema))
	return int64(h.Sum64())
}
