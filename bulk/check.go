package bulk

import (
	"errors"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// MaxIDLength is the longest ID an imported record may carry, in bytes.
const MaxIDLength = 200

// checkID validates a required ID: 1 to MaxIDLength bytes of printable
// ASCII without space (Decision: IDs are opaque, but they travel in
// cursors, URLs and JSON lines, so they are kept to one unambiguous
// spelling). The error is an *cabinet.InvalidError naming field.
func checkID[T ~string](field string, id T) error {
	if id == "" {
		return cabinet.Invalid(field, "is required")
	}
	return optID(field, id)
}

// optID validates an optional ID: "" or as checkID.
func optID[T ~string](field string, id T) error {
	s := string(id)
	if len(s) > MaxIDLength {
		return cabinet.Invalid(field, "is %d bytes long, more than %d", len(s), MaxIDLength)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return cabinet.Invalid(field, "%+q is not an ID: printable ASCII without space only", s)
		}
	}
	return nil
}

// optionalEmail validates an email that may be blank, as
// clientgroup.Service does for a client group's address (GRP-7): "" when
// blank, else cabinet.ParseEmail.
func optionalEmail(field, email string) (string, error) {
	if strings.TrimSpace(email) == "" {
		return "", nil
	}
	return cabinet.ParseEmail(field, email)
}

// stamp returns t in the stores' precision (UTC, microseconds; see
// cabinet.Options.Now), or def when t is zero.
func stamp(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t.UTC().Truncate(time.Microsecond)
}

// found turns a getter's result into "exists": nil is true, a not-found
// error false, any other error is returned.
func found[T any](_ T, err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, cabinet.ErrNotFound):
		return false, nil
	}
	return false, err
}

// taken is the conflict of a record whose key the store already holds:
// an import never replaces a record (Decision), so importing a stream
// twice stops at its first record.
func taken(field string, k Kind, key string) error {
	return fail(field, cabinet.Conflict("", "%s %q already exists: an import never replaces a record", k, key))
}
