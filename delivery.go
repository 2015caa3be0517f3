package cabinet

import (
	"context"
	"sync"
)

// DeliveryCursor is where a Delivery resumes: the revision of the last
// change whose batch the host's sinks have handled. The host persists it
// next to what its sink writes (pgstore.Store offers a table-backed one);
// MemoryCursor keeps it in memory.
type DeliveryCursor interface {
	// Load returns the saved revision (0 when nothing was saved).
	Load(ctx context.Context) (Revision, error)
	// Save records that every change up to rev has been delivered.
	Save(ctx context.Context, rev Revision) error
}

// MemoryCursor is a DeliveryCursor held in memory, for a process whose
// sinks keep nothing across restarts (a policy engine, tests). The zero
// value starts at revision 0 and is safe for concurrent use.
type MemoryCursor struct {
	mu  sync.Mutex
	rev Revision
}

// NewMemoryCursor returns a cursor at rev.
func NewMemoryCursor(rev Revision) *MemoryCursor { return &MemoryCursor{rev: rev} }

// Load implements DeliveryCursor.
func (c *MemoryCursor) Load(context.Context) (Revision, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rev, nil
}

// Save implements DeliveryCursor.
func (c *MemoryCursor) Save(_ context.Context, rev Revision) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rev = max(c.rev, rev)
	return nil
}

// Delivery hands the batches of a store's change log to the host's sinks:
// each committed batch at least once, in revision order, with its revision,
// resuming from a DeliveryCursor (SPEC §3 invariant 13). It is the one path
// by which committed events reach a host: a process that dies between a
// commit and its delivery delivers it when it resumes.
//
// At least once means a batch may be handed over again after a crash
// between a sink's Publish and the cursor's Save: make handlers
// idempotent, keyed by Batch.Revision (a sink that writes an outbox can
// save the cursor in the same database transaction as the outbox rows, and
// skip a revision it already holds).
//
// Drain and Run are safe to call from several goroutines: deliveries are
// serialized, so sinks see batches one at a time, in order.
type Delivery struct {
	log    ChangeLog
	cursor DeliveryCursor
	sinks  []EventSink
	mu     sync.Mutex
}

// NewDelivery returns a delivery of log's batches to sinks from cursor.
// log and cursor must not be nil.
func NewDelivery(log ChangeLog, cursor DeliveryCursor, sinks ...EventSink) *Delivery {
	if log == nil || cursor == nil {
		panic("cabinet.NewDelivery: nil log or cursor")
	}
	return &Delivery{log: log, cursor: cursor, sinks: sinks}
}

// Drain delivers every change committed after the cursor, in order: each
// batch with events goes to every sink, then the cursor is saved at its
// revision (a change without events only moves the cursor). It returns the
// revision delivered up to. A *StaleError (ErrStale) means the changes
// after the cursor are no longer retained: batches were lost to this
// cursor, and the host must decide (reconcile, then Save the head).
func (d *Delivery) Drain(ctx context.Context) (Revision, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, err := d.cursor.Load(ctx)
	if err != nil {
		return 0, err
	}
	for c, err := range d.log.Changes(ctx, at) {
		if err != nil {
			return at, err
		}
		if len(c.Batch.Events) > 0 {
			b := c.Batch
			b.Revision = c.Revision
			for _, s := range d.sinks {
				s.Publish(ctx, b)
			}
		}
		if err := d.cursor.Save(ctx, c.Revision); err != nil {
			return at, err
		}
		at = c.Revision
	}
	return at, nil
}

// Run drains, then waits for the next commit and drains again, until ctx
// is done (it then returns ctx's error) or a drain fails.
func (d *Delivery) Run(ctx context.Context) error {
	for {
		at, err := d.Drain(ctx)
		if err != nil {
			return err
		}
		if err := d.log.Wait(ctx, at); err != nil {
			return err
		}
	}
}
