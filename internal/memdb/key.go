package memdb

import (
	"cmp"
	"reflect"
	"strings"
)

// A B-tree search compares the key it looks for with about log2(n) stored
// keys. When keys are strings, each comparison reads the key's bytes, which
// live outside the node: at a million rows that is a cache miss per
// comparison, and a lookup costs several times a hash map's. So a table of
// string keys stores each key with a summary, an integer ordered like the
// keys themselves, and compares summaries first: a node's summaries sit in
// the node, and the key's bytes are only read when two summaries tie.
//
// The summary of a key is its first 8 bytes after the prefix shared by every
// key the table has held (IDs such as "dossier_…" share "dossier_"), read
// as a big-endian integer, zero-padded. For two keys with that prefix, a
// smaller summary means a smaller key, and equal summaries decide nothing.
// When a key without the prefix arrives, the prefix shrinks to what it
// shares with that key and every summary is recomputed (O(n), at most
// maxPrefix times over the table's life, in practice while it is nearly
// empty).

// maxPrefix bounds the common prefix a table tracks.
const maxPrefix = 32

// less orders two keys: the tie function of a table's tree.
func less[K cmp.Ordered](a, b K) bool { return a < b }

// summarizer computes the summaries of one table's keys (or one index's
// keys or members).
type summarizer[K cmp.Ordered] struct {
	// str returns the bytes of a key whose kind is string (named string
	// types included); it is nil for numeric keys, whose summary is 0.
	str func(K) string
	// prefix is shared by every key the table holds; set once the table
	// has held a key.
	prefix string
	set    bool
}

func newSummarizer[K cmp.Ordered]() summarizer[K] {
	var zero K
	if reflect.TypeOf(zero).Kind() != reflect.String {
		return summarizer[K]{}
	}
	// reflect.Value.String neither allocates nor copies.
	return summarizer[K]{str: func(k K) string { return reflect.ValueOf(k).String() }}
}

// probe returns the summary of k, for a lookup, or false if no key of the
// table can equal k (k lacks the common prefix).
func (s *summarizer[K]) probe(k K) (uint64, bool) {
	if s.str == nil || !s.set {
		return 0, true
	}
	b := s.str(k)
	if !strings.HasPrefix(b, s.prefix) {
		return 0, false
	}
	return summary(b[len(s.prefix):]), true
}

// admit returns the summary of k, about to be inserted, shrinking the
// prefix (and reporting that every stored summary must be recomputed) if k
// lacks it.
func (s *summarizer[K]) admit(k K) (sum uint64, resum bool) {
	if s.str == nil {
		return 0, false
	}
	b := s.str(k)
	if !s.set {
		s.prefix, s.set = strings.Clone(b[:min(len(b), maxPrefix)]), true
	} else if !strings.HasPrefix(b, s.prefix) {
		n := 0
		for n < len(b) && n < len(s.prefix) && b[n] == s.prefix[n] {
			n++
		}
		s.prefix, resum = s.prefix[:n], true
	}
	return summary(b[len(s.prefix):]), resum
}

// of returns the summary of a stored key for the current prefix.
func (s *summarizer[K]) of(k K) uint64 {
	if s.str == nil {
		return 0
	}
	return summary(s.str(k)[len(s.prefix):])
}

// summary reads the first 8 bytes of b as a big-endian integer, padding a
// shorter b with zeros.
func summary(b string) uint64 {
	if len(b) >= 8 { // the usual case, compiled to one load and a byte swap
		return uint64(b[7]) | uint64(b[6])<<8 | uint64(b[5])<<16 | uint64(b[4])<<24 |
			uint64(b[3])<<32 | uint64(b[2])<<40 | uint64(b[1])<<48 | uint64(b[0])<<56
	}
	var x uint64
	for i := range 8 {
		x <<= 8
		if i < len(b) {
			x |= uint64(b[i])
		}
	}
	return x
}
