package memstore

import (
	"context"

	"github.com/cabinet-go/cabinet"
)

// page returns the rows of ids (ascending) after the cursor, keeping those
// for which keep (nil: all) is true, at most limit of them (limit ≤ 0: no
// limit). The cursor it returns is the ID of the page's last row when more
// rows follow, "" otherwise. Every package's listings use it.
func page[K ~string, V any](ctx context.Context, ids []K, get func(K) (V, bool), keep func(V) bool, after cabinet.Cursor, limit int) ([]V, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	var out []V
	var last K
	for _, id := range ids {
		if after != "" && string(id) <= string(after) {
			continue
		}
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
