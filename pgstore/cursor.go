package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/cabinet-go/cabinet"
)

// Cursor is a cabinet.DeliveryCursor kept in the store's delivery_cursors
// table under a name: where a host's cabinet.Delivery resumes after a
// restart, on any replica. Get one with Store.DeliveryCursor. It is safe
// for concurrent use.
//
// The change log keeps every change after the lowest saved cursor, whatever
// the retention (WithRetention): a delivery that is down for a while finds
// its batches when it comes back, and nothing committed is lost to it
// (SPEC §3 invariant 13). Drop a cursor that is no longer used, or the log
// grows without bound.
type Cursor struct {
	s    *Store
	name string
}

var _ cabinet.DeliveryCursor = (*Cursor)(nil)

// DeliveryCursor returns the cursor named name (a delivery's: "mailer",
// "outbox"). Several processes using one name share one position: run one
// delivery per name at a time (or accept that batches are handed to both).
// A cursor never saved loads as revision 0; if the log no longer holds the
// changes after 0 (it was pruned, or the schema was migrated from a version
// without the change log), the delivery's Drain returns a
// *cabinet.StaleError, and the host decides where to start (Save the head
// to deliver only what comes next). An empty name, or one PostgreSQL cannot
// store, makes every method return an *cabinet.InvalidError naming "name".
func (s *Store) DeliveryCursor(name string) *Cursor { return &Cursor{s: s, name: name} }

// Name returns the cursor's name.
func (c *Cursor) Name() string { return c.name }

func (c *Cursor) check() error {
	if c.name == "" || !storable(c.name) {
		return cabinet.Invalid("name", "a delivery cursor needs a non-empty name that PostgreSQL can store")
	}
	return nil
}

const (
	cursorLoadSQL = `SELECT revision FROM {schema}.delivery_cursors WHERE name = $1`
	// cursorSaveSQL never moves a cursor back: a late Save of an older
	// revision (a concurrent delivery) keeps the newer one.
	cursorSaveSQL = `INSERT INTO {schema}.delivery_cursors (name, revision, saved_at) VALUES ($1, $2, clock_timestamp())
		ON CONFLICT (name) DO UPDATE SET revision = greatest(delivery_cursors.revision, EXCLUDED.revision),
			saved_at = EXCLUDED.saved_at`
	cursorDropSQL = `DELETE FROM {schema}.delivery_cursors WHERE name = $1`
)

// Load implements cabinet.DeliveryCursor: the saved revision, 0 when none
// was saved. Database errors are returned as they are.
func (c *Cursor) Load(ctx context.Context) (cabinet.Revision, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	var rev int64
	err := c.s.pool.QueryRow(ctx, c.s.sql(cursorLoadSQL), c.name).Scan(&rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return cabinet.Revision(rev), err
}

// Save implements cabinet.DeliveryCursor: it records, in a statement of
// its own, that every change up to rev has been delivered. It never moves
// the cursor back. Database errors are returned as they are.
func (c *Cursor) Save(ctx context.Context, rev cabinet.Revision) error {
	if err := c.check(); err != nil {
		return err
	}
	_, err := c.s.pool.Exec(ctx, c.s.sql(cursorSaveSQL), c.name, int64(rev))
	return err
}

// SaveTx is Save inside the host's own transaction tx on the same database
// (the store's schema must be reachable from it): a sink that writes what
// a batch asks for (an outbox row, a read model) in tx saves the cursor in
// tx too, so that both commit or neither does, and a batch is handled
// exactly once even across a crash. Delivery's own Save after the sink
// returns then changes nothing.
func (c *Cursor) SaveTx(ctx context.Context, tx pgx.Tx, rev cabinet.Revision) error {
	if err := c.check(); err != nil {
		return err
	}
	if tx == nil {
		return cabinet.Invalid("tx", "is required")
	}
	_, err := tx.Exec(ctx, c.s.sql(cursorSaveSQL), c.name, int64(rev))
	return err
}

// LoadTx is Load inside the host's transaction tx: a sink that saves with
// SaveTx reads the cursor in the same transaction to skip a batch it has
// already handled (a batch is handed over again after a crash between the
// sink's commit and Delivery's Save only if the sink did not save).
func (c *Cursor) LoadTx(ctx context.Context, tx pgx.Tx) (cabinet.Revision, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if tx == nil {
		return 0, cabinet.Invalid("tx", "is required")
	}
	var rev int64
	err := tx.QueryRow(ctx, c.s.sql(cursorLoadSQL), c.name).Scan(&rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return cabinet.Revision(rev), err
}

// Drop deletes the cursor, so that it no longer holds back the pruning of
// the change log; a later Load returns 0. Database errors are returned as
// they are.
func (c *Cursor) Drop(ctx context.Context) error {
	if err := c.check(); err != nil {
		return err
	}
	_, err := c.s.pool.Exec(ctx, c.s.sql(cursorDropSQL), c.name)
	return err
}
