package memstore

import (
	"encoding/binary"
	"slices"

	"github.com/cabinet-go/cabinet"
)

// keyRecorder collects the change-log keys of one transaction, by kind: a
// bulk batch writes tens of thousands of records naming the same office
// and the same few thousand users, so the recorder drops a key equal to the
// last one of its kind as it arrives, and normalizes each kind apart at
// commit (IDs of one kind often arrive already sorted: a dossier batch in
// ID order), which is what cabinet.NormalizeKeys does over the whole set.
type keyRecorder struct {
	ids [][]string // by kind, in arrival order
	n   int        // IDs recorded
}

// add records k, unless its ID is empty, its kind invalid, or it repeats
// the last key of its kind.
func (r *keyRecorder) add(k cabinet.Key) {
	if k.ID == "" || !k.Kind.Valid() {
		return
	}
	if int(k.Kind) >= len(r.ids) {
		r.ids = append(r.ids, make([][]string, int(k.Kind)+1-len(r.ids))...)
	}
	ids := r.ids[k.Kind]
	if n := len(ids); n > 0 && ids[n-1] == k.ID {
		return
	}
	r.ids[k.Kind] = append(ids, k.ID)
	r.n++
}

// encode returns the recorded keys normalized (sorted by kind, then ID,
// without duplicates) in the change log's compact form.
func (r *keyRecorder) encode() logKeys {
	if r.n == 0 {
		return logKeys{}
	}
	size, n := 0, 0
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
		for _, id := range ids {
			size += 1 + uvarintLen(len(id)) + len(id)
		}
		n += len(ids)
	}
	buf := make([]byte, 0, size)
	for kind, ids := range r.ids {
		for _, id := range ids {
			buf = append(buf, byte(kind))
			buf = binary.AppendUvarint(buf, uint64(len(id)))
			buf = append(buf, id...)
		}
	}
	return logKeys{data: string(buf), n: n}
}

func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// logKeys are the normalized keys of one change as the change log keeps
// them: each key as its kind's byte, its ID's length (uvarint) and its ID,
// in one string. A key costs its ID's length plus two bytes, against 24
// bytes of cabinet.Key, and the log keeps no pointer into the records.
type logKeys struct {
	data string
	n    int
}

// decode returns the keys as a new slice; their IDs share data's bytes.
func (k logKeys) decode() []cabinet.Key {
	if k.n == 0 {
		return nil
	}
	out := make([]cabinet.Key, 0, k.n)
	for s := k.data; len(s) > 0; {
		kind := cabinet.KeyKind(s[0])
		l, shift, i := 0, 0, 1
		for ; s[i] >= 0x80; i++ {
			l |= int(s[i]&0x7f) << shift
			shift += 7
		}
		l |= int(s[i]) << shift
		s = s[i+1:]
		out = append(out, cabinet.Key{Kind: kind, ID: s[:l]})
		s = s[l:]
	}
	return out
}
