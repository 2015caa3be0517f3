package scenario

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
)

// defaultStart is when a scenario's clock starts unless WithStart says
// otherwise.
func defaultStart() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

// The hosts that run a scenario's host-driven work (cabinet.Host).
const (
	HostSignUp  cabinet.Host = "signup"  // User, SignUp and the sign-ups of Grant and GrantAdvisor
	HostBilling cabinet.Host = "billing" // Plan
)

// TB is what a Scenario reports a failed step to. testing.TB (every
// *testing.T, *testing.B and *testing.F) satisfies it; so do Fatal and
// Panic, for programs. Fatalf is called once, with the failed step and its
// error, and is expected not to return (as testing.T's does not).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Fatal is the TB of a program: a failed step prints "scenario: <step>:
// <error>" on standard error and exits with status 1.
var Fatal TB = fatal{}

// Panic is the TB of a program that recovers: a failed step panics with an
// *Error naming the step and wrapping the service's error.
var Panic TB = panicking{}

type fatal struct{}

func (fatal) Helper() {}

func (fatal) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

type panicking struct{}

func (panicking) Helper() {}

func (panicking) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (panicking) fail(e *Error) { panic(e) }

// failer is a TB that takes the *Error itself (Panic).
type failer interface{ fail(*Error) }

// Error is a failed step: the builder method and its arguments, and the
// error the service returned. It unwraps to that error, so errors.Is and
// errors.As see the cabinet sentinels and error types.
type Error struct {
	Step string // e.g. `Grant(person_9, read_write)`
	Err  error
}

// Error returns "scenario: <step>: <error>".
func (e *Error) Error() string { return "scenario: " + e.Step + ": " + e.Err.Error() }

// Unwrap returns the service's error.
func (e *Error) Unwrap() error { return e.Err }

// Option configures New.
type Option func(*config)

type config struct {
	ctx   context.Context
	store kit.Store
	start time.Time
	sinks []cabinet.EventSink
	opts  []kit.Option
}

// WithStore builds the scenario over store instead of a new
// memstore.New(memstore.RunTwice()) — e.g. a PostgreSQL store, or a memory
// store with other options. Its current state is loaded into the policy
// engine.
func WithStore(store kit.Store) Option { return func(c *config) { c.store = store } }

// WithStart starts the scenario's clock at t instead of Monday 2 March
// 2026, 09:00 UTC.
func WithStart(t time.Time) Option { return func(c *config) { c.start = t } }

// WithSink gives every committed event batch to sink as well (kit.WithSink),
// after the policy engine and the scenario's Events log: e.g. a host's
// mailer that prints what it would send.
func WithSink(sink cabinet.EventSink) Option {
	return func(c *config) { c.sinks = append(c.sinks, sink) }
}

// WithContext runs every step with ctx instead of context.Background()
// (e.g. a test's t.Context()).
func WithContext(ctx context.Context) Option { return func(c *config) { c.ctx = ctx } }

// WithKitOptions adds opts to those New gives kit.New (after them, so they
// win): e.g. kit.WithIDs(cabinet.RandomIDs{}) or
// kit.WithAccountListeners(…). A kit.WithClock given here makes
// Scenario.Clock a clock the services do not read.
func WithKitOptions(opts ...kit.Option) Option {
	return func(c *config) { c.opts = append(c.opts, opts...) }
}

// Scenario is a cabinet world under construction: the kit wired over one
// store, its clock, the events published so far, and the builder's steps.
// Create it with New.
type Scenario struct {
	// Kit holds the services and the policy engine; its fields are
	// promoted: s.Teams, s.Access, s.Groups, s.Contacts, s.Procedures,
	// s.Policy.
	*kit.Kit
	// Store is the store every service runs on.
	Store kit.Store
	// Clock is the services' clock: Advance or Set it to let time pass
	// (reminders, invitation expiry, trials, impersonation sessions).
	Clock *cabinet.ManualClock
	// Events holds every committed event batch, in revision order, as the
	// kit delivered it from the store's change log.
	Events *cabinet.EventLog

	ctx    context.Context
	tb     TB
	emails map[string]bool // email keys of the accounts User handed out
	phones int
}

// New builds a scenario: a kit over a new memory store (see the package
// documentation for the defaults), reporting failed steps to tb — a test's
// t, or Fatal or Panic in a program. A kit that cannot be built fails tb.
func New(tb TB, opts ...Option) *Scenario {
	tb.Helper()
	c := config{ctx: context.Background(), start: defaultStart()}
	for _, o := range opts {
		o(&c)
	}
	if c.store == nil {
		c.store = memstore.New(memstore.RunTwice())
	}
	s := &Scenario{
		Store:  c.store,
		Clock:  cabinet.NewManualClock(c.start),
		Events: &cabinet.EventLog{},
		ctx:    c.ctx,
		tb:     tb,
		emails: map[string]bool{},
	}
	kopts := append([]kit.Option{
		kit.WithClock(s.Clock),
		kit.WithIDs(&cabinet.SequentialIDs{}),
		kit.WithSink(append([]cabinet.EventSink{s.Events}, c.sinks...)...),
	}, c.opts...)
	k, err := kit.New(s.ctx, s.Store, kopts...)
	if err != nil {
		s.fail(err, "New()")
		return s
	}
	s.Kit = k
	return s
}

// Context returns the context every step runs with, for calling the kit's
// services directly.
func (s *Scenario) Context() context.Context { return s.ctx }

// Check asks the policy engine whether user may do action on r
// (policy.Engine.Check with policy.User(user)) and returns its decision,
// which prints as "allow via … (RULE)" or "deny: … (RULE)". A denial is a
// decision; only a question the engine cannot answer fails the scenario.
func (s *Scenario) Check(user cabinet.UserID, action policy.Action, r policy.Resource) policy.Decision {
	s.tb.Helper()
	dec, err := s.Policy.Check(s.ctx, policy.User(user), action, r)
	if err != nil {
		s.fail(err, "Check(%s, %s, %s %s)", user, action, r.Kind, r.ID)
	}
	return dec
}

// fail reports a failed step to the TB.
func (s *Scenario) fail(err error, format string, args ...any) {
	s.tb.Helper()
	e := &Error{Step: fmt.Sprintf(format, args...), Err: err}
	if f, ok := s.tb.(failer); ok {
		f.fail(e)
		return
	}
	s.tb.Fatalf("%s", e.Error())
}

// EmailFor returns the address the builder derives from a display name:
// the name in lower case, Latin accents folded, every run of other
// characters a dot, at example.com ("Léa Martin" → "lea.martin@example.com",
// "Maître Dupuis" → "maitre.dupuis@example.com"); "person@example.com" for a
// name with no letter or digit.
func EmailFor(name string) string { return slug(name) + "@example.com" }

func slug(name string) string {
	var b strings.Builder
	dot := false
	for _, r := range strings.ToLower(name) {
		if f, ok := folded[r]; ok {
			if dot && b.Len() > 0 {
				b.WriteByte('.')
			}
			dot = false
			b.WriteString(f)
			continue
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dot && b.Len() > 0 {
				b.WriteByte('.')
			}
			dot = false
			b.WriteRune(r)
			continue
		}
		dot = true
	}
	if b.Len() == 0 {
		return "person"
	}
	return b.String()
}

// folded spells the Latin letters of European names in ASCII.
var folded = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
}

// nextPhone returns a new French mobile number, the builder's own.
func (s *Scenario) nextPhone() string {
	s.phones++
	n := s.phones
	return fmt.Sprintf("+33 6 10 %02d %02d %02d", n/10000%100, n/100%100, n%100)
}

// isNotFound reports whether err is a not-found error.
func isNotFound(err error) bool { return errors.Is(err, cabinet.ErrNotFound) }
