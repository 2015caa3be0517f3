package pgstore

import (
	"hash/fnv"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

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

// Option configures New, Migrate and Migrations.
type Option func(*config)

type config struct {
	schema      string
	maxAttempts int
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

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// newConfig applies opts over the defaults and validates the result.
func newConfig(opts []Option) (config, error) {
	c := config{schema: DefaultSchema, maxAttempts: DefaultMaxAttempts}
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
