package cabinet

import (
	"context"
	"time"
)

// Options are the collaborators every service needs. Services take them as
// functional options (WithClock, WithIDs, WithEvents, …) and fill the gaps
// with defaults: SystemClock, RandomIDs, DiscardEvents.
type Options struct {
	Clock                 Clock
	IDs                   IDGenerator
	Events                EventSink
	AccountListeners      []AccountListener
	CollaboratorListeners []CollaboratorListener
}

// Option configures a service. Every package's NewService accepts them.
type Option func(*Options)

// WithClock makes the service tell time with c.
func WithClock(c Clock) Option { return func(o *Options) { o.Clock = c } }

// WithIDs makes the service draw new IDs from g.
func WithIDs(g IDGenerator) Option { return func(o *Options) { o.IDs = g } }

// WithEvents makes the service publish committed events to s.
func WithEvents(s EventSink) Option { return func(o *Options) { o.Events = s } }

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
	if o.Events == nil {
		o.Events = DiscardEvents{}
	}
	return o
}

// Now returns the clock's time in UTC, truncated to the microsecond: the
// precision every store keeps (PostgreSQL's timestamptz holds
// microseconds), so a time a service writes is the time it reads back.
// Services take every time they store or compare from Now.
func (o Options) Now() time.Time { return o.Clock.Now().UTC().Truncate(time.Microsecond) }

// Publish sends events as one Batch to o.Events, unless there are none.
// Services call it after a successful commit of a user's command.
func (o Options) Publish(ctx context.Context, rev Revision, actor UserID, events ...Event) {
	if len(events) == 0 {
		return
	}
	o.Events.Publish(ctx, Batch{Revision: rev, At: o.Now(), Actor: actor, Events: events})
}

// PublishHost is Publish for host-driven work: the Batch names host instead
// of a user.
func (o Options) PublishHost(ctx context.Context, rev Revision, host Host, events ...Event) {
	if len(events) == 0 {
		return
	}
	o.Events.Publish(ctx, Batch{Revision: rev, At: o.Now(), Host: host, Events: events})
}
