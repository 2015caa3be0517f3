package cabinet

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by a cabinet package wraps exactly one
// of them (but ErrDryRun, which only the caller of a dry run sees); match
// with errors.Is. The concrete error types below carry the details (which
// field, which rule, which record) and are matched with errors.As.
var (
	// ErrNotFound: an ID or email names nothing in the store.
	ErrNotFound = errors.New("cabinet: not found")
	// ErrForbidden: the actor is not allowed to run the command. The error is a
	// *ForbiddenError naming the rule ID that forbids it.
	ErrForbidden = errors.New("cabinet: forbidden")
	// ErrInvalid: the input is malformed. The error is an *InvalidError naming
	// the offending field.
	ErrInvalid = errors.New("cabinet: invalid input")
	// ErrConflict: the command would break an invariant or collides with the
	// current state (duplicate, already used, concurrent update). The error is
	// a *ConflictError.
	ErrConflict = errors.New("cabinet: conflict")
)

// NotFoundError reports that a record of some kind does not exist.
// It matches ErrNotFound with errors.Is.
type NotFoundError struct {
	Kind string // e.g. "team", "dossier", "user"
	ID   string // the ID or key that was looked up
}

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("cabinet: %s %q not found", e.Kind, e.ID)
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// NotFound returns a *NotFoundError for the record kind and id.
func NotFound[T ~string](kind string, id T) error {
	return &NotFoundError{Kind: kind, ID: string(id)}
}

// InvalidError reports malformed input and names the field at fault.
// It matches ErrInvalid with errors.Is.
type InvalidError struct {
	Field  string // the input field, e.g. "email", "name", "phone"
	Reason string // what is wrong with it, e.g. "is required"
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("cabinet: invalid %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Invalid returns an *InvalidError for field with a formatted reason.
// Without args, format is the reason as it is (not passed through fmt).
func Invalid(field, format string, args ...any) error {
	reason := format // a fixed sentence, as most are: no copy, no allocation
	if len(args) > 0 {
		reason = fmt.Sprintf(format, args...)
	}
	return &InvalidError{Field: field, Reason: reason}
}

// ForbiddenError reports that a rule of the specification forbids the
// command. It matches ErrForbidden with errors.Is.
type ForbiddenError struct {
	Rule   string // the rule ID, e.g. "TEAM-2", "ACC-1"
	Reason string // a sentence a user can read, e.g. "only the manager manages external access"
}

// Error implements error.
func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("cabinet: forbidden: %s (%s)", e.Reason, e.Rule)
}

// Unwrap returns ErrForbidden.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// Forbidden returns a *ForbiddenError for rule with a formatted reason.
// Without args, format is the reason as it is (not passed through fmt).
func Forbidden(rule, format string, args ...any) error {
	reason := format // a fixed sentence, as most are: no copy, no allocation
	if len(args) > 0 {
		reason = fmt.Sprintf(format, args...)
	}
	return &ForbiddenError{Rule: rule, Reason: reason}
}

// ConflictError reports that the command collides with the current state:
// a duplicate, an invitation already used, a rule-protected invariant, or a
// concurrent update. Rule is set when a rule of the specification is the
// cause. It matches ErrConflict with errors.Is.
type ConflictError struct {
	Rule   string // optional rule ID, e.g. "CON-7"
	Reason string
}

// Error implements error.
func (e *ConflictError) Error() string {
	if e.Rule == "" {
		return "cabinet: conflict: " + e.Reason
	}
	return fmt.Sprintf("cabinet: conflict: %s (%s)", e.Reason, e.Rule)
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Conflict returns a *ConflictError for rule (may be empty) with a formatted
// reason.
// Without args, format is the reason as it is (not passed through fmt).
func Conflict(rule, format string, args ...any) error {
	reason := format // a fixed sentence, as most are: no copy, no allocation
	if len(args) > 0 {
		reason = fmt.Sprintf(format, args...)
	}
	return &ConflictError{Rule: rule, Reason: reason}
}

// RuleOf returns the rule ID carried by err (a *ForbiddenError or a
// *ConflictError anywhere in its chain), or "" if there is none.
func RuleOf(err error) string {
	var f *ForbiddenError
	if errors.As(err, &f) {
		return f.Rule
	}
	var c *ConflictError
	if errors.As(err, &c) {
		return c.Rule
	}
	return ""
}

// FieldOf returns the field named by an *InvalidError in err's chain, or "".
func FieldOf(err error) string {
	var i *InvalidError
	if errors.As(err, &i) {
		return i.Field
	}
	return ""
}
