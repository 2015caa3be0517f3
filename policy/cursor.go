package policy

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"

	"github.com/cabinet-go/cabinet"
)

// cursor is the position of a reverse query's page (listing.go): the
// fingerprint of the query it belongs to, the revision of the page that
// returned it, and the key of that page's last record (a dossier, team,
// case or user ID; for items the case ID and the item ID).
type cursor struct {
	fp  uint64
	rev cabinet.Revision
	key [2]string
}

// cursorVersion is the first byte of every encoded cursor.
const cursorVersion = 1

// encode returns c as an opaque cabinet.Cursor.
func (c cursor) encode() cabinet.Cursor {
	b := []byte{cursorVersion}
	b = binary.BigEndian.AppendUint64(b, c.fp)
	b = binary.AppendUvarint(b, uint64(c.rev))
	b = binary.AppendUvarint(b, uint64(len(c.key[0])))
	b = append(b, c.key[0]...)
	b = append(b, c.key[1]...)
	return cabinet.Cursor(base64.RawURLEncoding.EncodeToString(b))
}

// decodeCursor returns the position of cur in the query whose fingerprint
// is fp, and whether there is one ("" is the start). A cursor that is not
// one of this query's is an *cabinet.InvalidError naming "cursor".
func decodeCursor(cur cabinet.Cursor, fp uint64) (cursor, bool, error) {
	if cur == "" {
		return cursor{}, false, nil
	}
	bad := func() (cursor, bool, error) {
		return cursor{}, false, cabinet.Invalid("cursor", "is not a cursor of this query")
	}
	b, err := base64.RawURLEncoding.DecodeString(string(cur))
	if err != nil || len(b) < 9 || b[0] != cursorVersion {
		return bad()
	}
	c := cursor{fp: binary.BigEndian.Uint64(b[1:9])}
	if c.fp != fp {
		return bad()
	}
	b = b[9:]
	rev, n := binary.Uvarint(b)
	if n <= 0 {
		return bad()
	}
	b = b[n:]
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return bad()
	}
	b = b[n:]
	c.rev, c.key[0], c.key[1] = cabinet.Revision(rev), string(b[:l]), string(b[l:])
	return c, true, nil
}

// fingerprint is the 64-bit FNV-1a hash of a query's kind and fields: two
// queries that differ in anything a page depends on have different
// fingerprints (but for a hash collision), so a cursor cannot be resumed in
// another query.
func fingerprint(parts ...any) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprintf(h, "%+v\x00", p)
	}
	return h.Sum64()
}
