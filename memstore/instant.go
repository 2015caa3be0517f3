package memstore

import (
	"math"
	"time"
)

// instant is a time.Time as a dossier row stores it: 8 bytes, not 24, so
// that the row is 40 bytes and the dossier table's node of 63 items fits
// Go's 4,096-byte size class (issue 15). It holds the Unix time in
// nanoseconds of a time that is UTC (nil location) and carries no
// monotonic clock reading — what every service writes (Options.Now) and
// what PostgreSQL gives back — and one of two reserved values otherwise:
// noTime for the zero Time, oddTime for any other Time (a location, a
// monotonic reading, a year outside 1678–2262), which the row's table keeps
// whole beside it, so that every Time comes back exactly as it went in.
type instant int64

const (
	noTime  instant = math.MinInt64     // the zero time.Time
	oddTime instant = math.MinInt64 + 1 // the Time is kept whole elsewhere
)

// instantOf returns t as an instant; oddTime when t needs to be kept whole.
func instantOf(t time.Time) instant {
	if t == (time.Time{}) {
		return noTime
	}
	n := instant(t.UnixNano())
	if n == noTime || n == oddTime || n.time() != t {
		return oddTime
	}
	return n
}

// time returns the Time i holds (not for oddTime).
func (i instant) time() time.Time {
	if i == noTime {
		return time.Time{}
	}
	return time.Unix(0, int64(i)).UTC()
}
