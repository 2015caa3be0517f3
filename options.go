package cabinet

import "time"

// Options are the collaborators every service needs. Services take them as
// functional options (WithClock, WithIDs, WithAccountListeners, …) and fill
// the gaps with defaults: SystemClock, RandomIDs.
//
// There is no event sink among them: a service records each command's
// events in the command's own transaction (Options.Emit, Tx.Emit), and the
// host receives them from the store's change log (ChangeLog, Delivery), so
// that no committed command's events are lost and none can bypass the log
// (SPEC §3 invariant 13).
type Options struct {
	Clock                 Clock
	IDs                   IDGenerator
	AccountListeners      []AccountListener
	CollaboratorListeners []CollaboratorListener
}

// Option configures a service. Every package's NewService accepts them.
type Option func(*Options)

// WithClock makes the service tell time with c.
func WithClock(c Clock) Option { return func(o *Options) { o.Clock = c } }

// WithIDs makes the service draw new IDs from g.
func WithIDs(g IDGenerator) Option { return func(o *Options) { o.IDs = g } }

// WithAccountListeners registers the services told when an account is
// created (see AccountListener). Only the service that creates accounts
// (team.Service) uses it; others ignore it.
func WithAccountListeners(ls ...AccountListener) Option {
	return func(o *Options) { o.AccountListeners = append(o.AccountListeners, ls...) }
}

// WithCollaboratorListeners registers the services told when a collaborator
// is removed from an office (see CollaboratorListener). Only the service
// that removes collaborators (clientgroup.Service) uses it; others ignore
// it.
func WithCollaboratorListeners(ls ...CollaboratorListener) Option {
	return func(o *Options) { o.CollaboratorListeners = append(o.CollaboratorListeners, ls...) }
}

// NewOptions applies opts over the defaults and returns the result.
func NewOptions(opts ...Option) Options {
	var o Options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.IDs == nil {
		o.IDs = RandomIDs{}
	}
	return o
}

// Now returns the clock's time in UTC, truncated to the microsecond: the
// precision every store keeps (PostgreSQL's timestamptz holds
// microseconds), so a time a service writes is the time it reads back.
// Services take every time they store or compare from Now.
func (o Options) Now() time.Time { return o.Clock.Now().UTC().Truncate(time.Microsecond) }

// Emit records events as the batch of actor's command in tx, the command's
// own transaction, at the time Now (Tx.Emit): the store writes it into its
// change log when the transaction commits, and nothing if it does not.
// Without events it records nothing (a command that changed nothing
// commits no revision). Services call it at the end of a command's
// transaction function, from their one write path; a function the store
// runs again emits again on its fresh Tx. It returns Tx.Emit's error.
func (o Options) Emit(tx Tx, actor UserID, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	return tx.Emit(Batch{At: o.Now(), Actor: actor, Events: events})
}

// EmitHost is Emit for host-driven work: the batch names host instead of a
// user.
func (o Options) EmitHost(tx Tx, host Host, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	return tx.Emit(Batch{At: o.Now(), Host: host, Events: events})
}
