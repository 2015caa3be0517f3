package memstore

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// keyRecorder collects the change-log keys of one transaction, by kind: a
// bulk batch writes tens of thousands of records naming the same office
// and the same few thousand users, so the recorder drops a key equal to the
// last one of its kind as it arrives, and normalizes each kind apart at
// commit (IDs of one kind often arrive already sorted: a dossier batch in
// ID order), which is what cabinet.NormalizeKeys does over the whole set.
type keyRecorder struct {
	ids   [][]string // by kind, in arrival order
	hints []int      // by kind, the length ids starts at (memdb.ResetLog)
	n     int        // IDs recorded
}

// add records k, unless its ID is empty, its kind invalid, or it repeats
// the last key of its kind.
func (r *keyRecorder) add(k cabinet.Key) {
	if k.ID == "" || !k.Kind.Valid() {
		return
	}
	if int(k.Kind) >= len(r.ids) {
		r.ids = append(r.ids, make([][]string, int(k.Kind)+1-len(r.ids))...)
		r.hints = append(r.hints, make([]int, len(r.ids)-len(r.hints))...)
	}
	ids := r.ids[k.Kind]
	if n := len(ids); n > 0 && ids[n-1] == k.ID {
		return
	}
	r.ids[k.Kind] = memdb.AppendLog(ids, r.hints[k.Kind], k.ID)
	r.n++
}

// frontCoded is the number of keys from which a change's keys are
// front-coded: below it every key is written whole (its shared prefix 0),
// so that decoding a command's few keys slices their IDs from the log's
// string with no allocation but the keys' slice.
const frontCoded = 16

// encode returns the recorded keys normalized (sorted by kind, then ID,
// without duplicates) in the change log's compact form.
func (r *keyRecorder) encode() logKeys {
	if r.n == 0 {
		return logKeys{}
	}
	n := 0
	for kind := range r.ids {
		ids := r.ids[kind]
		if len(ids) == 0 {
			continue
		}
		if !slices.IsSorted(ids) {
			slices.Sort(ids)
		}
		ids = slices.Compact(ids)
		r.ids[kind] = ids
		n += len(ids)
	}
	front := n >= frontCoded
	shared := func(prev, id string) int {
		if !front {
			return 0
		}
		return sharedPrefix(prev, id)
	}
	size := 0
	for _, ids := range r.ids {
		prev := ""
		for _, id := range ids {
			sh := shared(prev, id)
			size += 1 + uvarintLen(sh) + uvarintLen(len(id)-sh) + len(id) - sh
			prev = id
		}
	}
	var b strings.Builder // its String does not copy the bytes again
	b.Grow(size)
	var num [binary.MaxVarintLen64]byte
	for kind, ids := range r.ids {
		prev := ""
		for _, id := range ids {
			sh := shared(prev, id)
			b.WriteByte(byte(kind))
			b.Write(binary.AppendUvarint(num[:0], uint64(sh)))
			b.Write(binary.AppendUvarint(num[:0], uint64(len(id)-sh)))
			b.WriteString(id[sh:])
			prev = id
		}
	}
	return logKeys{data: b.String(), n: n}
}

// reset empties the recorder for the store's next transaction, dropping its
// references to the IDs, as memdb resets its journals (memdb.ResetLog: a
// small array kept, a large one released, leaving a size hint for a bulk
// import's next batch, which records as many keys: issue 15).
func (r *keyRecorder) reset() {
	for kind := range r.ids {
		r.ids[kind] = memdb.ResetLog(r.ids[kind], &r.hints[kind])
	}
	r.n = 0
}

// sharedPrefix returns the length of the longest common prefix of a and b.
func sharedPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// logKeys are the normalized keys of one change as the change log keeps
// them, front-coded: each key as its kind's byte, the length of the prefix
// its ID shares with the previous key's ID of the same kind (uvarint; 0 for
// the first key of a kind), the length of the rest of its ID (uvarint) and
// that rest, in one string (a change of fewer than frontCoded keys writes
// every shared prefix as 0). Normalized IDs of one kind are sorted, and a
// batch's IDs share most of their bytes (d0000123, d0000124, …), so a key
// costs a few bytes, against 24 of cabinet.Key, and the log keeps no
// pointer into the records.
type logKeys struct {
	data string
	n    int
}

// decode returns the keys as a new slice; their IDs share data's bytes, or,
// when they are front-coded, one new string.
func (k logKeys) decode() []cabinet.Key {
	if k.n == 0 {
		return nil
	}
	// First pass: the IDs' total length, and whether any ID shares a
	// prefix; if none does, the IDs are sliced from data.
	total, front := 0, false
	for s := k.data; len(s) > 0; {
		_, shared, rest, next := k.entry(s)
		total += shared + rest
		front = front || shared > 0
		s = next[rest:]
	}
	if !front {
		out := make([]cabinet.Key, 0, k.n)
		for s := k.data; len(s) > 0; {
			kind, _, rest, next := k.entry(s)
			out = append(out, cabinet.Key{Kind: kind, ID: next[:rest]})
			s = next[rest:]
		}
		return out
	}
	// Second pass: the IDs, one after the other in one string (a Builder
	// never changes the bytes it has written, so its String so far is
	// read for the shared prefixes).
	var b strings.Builder
	b.Grow(total)
	prevKind, prevStart := cabinet.KeyKind(0), 0
	for s := k.data; len(s) > 0; {
		kind, shared, rest, next := k.entry(s)
		start := b.Len()
		if shared > 0 && kind == prevKind {
			b.WriteString(b.String()[prevStart : prevStart+shared])
		}
		b.WriteString(next[:rest])
		prevKind, prevStart = kind, start
		s = next[rest:]
	}
	// Third pass: the keys, slicing that string.
	ids := b.String()
	out := make([]cabinet.Key, 0, k.n)
	for s := k.data; len(s) > 0; {
		kind, shared, rest, next := k.entry(s)
		out = append(out, cabinet.Key{Kind: kind, ID: ids[:shared+rest]})
		ids = ids[shared+rest:]
		s = next[rest:]
	}
	return out
}

// entry reads the head of the key at the start of s: its kind, the length
// of the prefix it shares with the previous ID, the length of the rest of
// its ID, and s from that rest on.
func (logKeys) entry(s string) (kind cabinet.KeyKind, shared, rest int, next string) {
	kind = cabinet.KeyKind(s[0])
	i := 1
	shared, i = readUvarint(s, i)
	rest, i = readUvarint(s, i)
	return kind, shared, rest, s[i:]
}

// readUvarint reads the uvarint at s[i:] and returns it and the position
// after it.
func readUvarint(s string, i int) (int, int) {
	v, shift := 0, 0
	for ; s[i] >= 0x80; i++ {
		v |= int(s[i]&0x7f) << shift
		shift += 7
	}
	return v | int(s[i])<<shift, i + 1
}
