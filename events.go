package cabinet

import (
	"context"
	"sync"
	"time"
)

// Event is a domain event: something a host may have to act on (send an
// invitation, a reminder, a notification; refresh a cache). Each package
// declares its events as plain structs; EventName returns a stable
// "package.snake_case" name such as "team.invitation_created".
type Event interface {
	EventName() string
}

// Batch is the set of events produced by one command, recorded in the
// command's transaction (Tx.Emit) and so in the store's change log under
// the revision it committed. Events of a failed command are never
// recorded, hence never delivered.
type Batch struct {
	Revision Revision  // the revision the command committed (set by the store)
	At       time.Time // the service clock's time when the command ran
	Actor    UserID    // the user who ran the command ("" for host-driven work)
	Host     Host      // the host component that ran host-driven work ("" for a user's command)
	Events   []Event
}

// Host names the part of the host application that runs host-driven work —
// work no user asks for, such as sending due reminders ("scheduler"),
// setting an office's plan ("billing") or signing a person up ("signup").
// The commands that are host-driven take a Host instead of an acting user,
// so that the call says so explicitly; the name is recorded in the event
// Batch. The empty Host is invalid.
type Host string

// Check returns an *InvalidError naming "host" when h is empty.
func (h Host) Check() error {
	if h == "" {
		return Invalid("host", "is required: name the host component doing the work")
	}
	return nil
}

// EventSink receives the batches of committed commands from a Delivery
// (package kit wires one to the host's sinks): each batch at least once, in
// revision order, one at a time. The host implements it (to send emails,
// fill an outbox, update a read model); a handler that must not act twice
// keys what it does by Batch.Revision (see Delivery). Publish runs after
// the commit, so it cannot undo the command; it must not run commands
// itself (deliveries are serialized, and a command may deliver its own
// batch before it returns: hand such work to another goroutine).
type EventSink interface {
	Publish(ctx context.Context, b Batch)
}

// DiscardEvents is an EventSink that drops everything.
type DiscardEvents struct{}

// Publish implements EventSink.
func (DiscardEvents) Publish(context.Context, Batch) {}

// EventLog is an EventSink that keeps every batch in memory, for tests and
// examples. The zero value is ready to use and safe for concurrent use.
type EventLog struct {
	mu      sync.Mutex
	batches []Batch
}

// Publish implements EventSink.
func (l *EventLog) Publish(_ context.Context, b Batch) {
	l.mu.Lock()
	l.batches = append(l.batches, b)
	l.mu.Unlock()
}

// Events returns every event published so far, oldest first.
func (l *EventLog) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for _, b := range l.batches {
		out = append(out, b.Events...)
	}
	return out
}

// Batches returns a copy of every batch published so far, oldest first.
func (l *EventLog) Batches() []Batch {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Batch(nil), l.batches...)
}

// Names returns the EventName of every event published so far, oldest first.
func (l *EventLog) Names() []string {
	var out []string
	for _, e := range l.Events() {
		out = append(out, e.EventName())
	}
	return out
}

// Reset forgets every batch.
func (l *EventLog) Reset() {
	l.mu.Lock()
	l.batches = nil
	l.mu.Unlock()
}

// MultiSink publishes every batch to each of its sinks in order, for a
// host that hands one sink where it has several.
type MultiSink []EventSink

// Publish implements EventSink.
func (m MultiSink) Publish(ctx context.Context, b Batch) {
	for _, s := range m {
		s.Publish(ctx, b)
	}
}
