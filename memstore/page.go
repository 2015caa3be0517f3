package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
)

// page returns the rows of ids (ascending, as memdb's Keys and Members
// give them) after the cursor, keeping those
// for which keep (nil: all) is true, at most limit of them (limit ≤ 0: no
// limit). The cursor it returns is the ID of the page's last row when more
// rows follow, "" otherwise. Every package's listings use it.
func page[K ~string, V any](ctx context.Context, ids []K, get func(K) (V, bool), keep func(V) bool, after cabinet.Cursor, limit int) ([]V, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if after != "" {
		// ids are ascending: jump past the cursor instead of scanning to it.
		i, found := slices.BinarySearchFunc(ids, string(after), func(id K, a string) int { return strings.Compare(string(id), a) })
		if found {
			i++
		}
		ids = ids[i:]
	}
	var out []V
	var last K
	for _, id := range ids {
		v, ok := get(id)
		if !ok || (keep != nil && !keep(v)) {
			continue
		}
		if limit > 0 && len(out) == limit {
			return out, cabinet.Cursor(last), nil
		}
		out = append(out, v)
		last = id
	}
	return out, "", nil
}
