package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/cabinet-go/cabinet"
)

// page returns the rows of ids (ascending, as memdb's Keys and Members
// give them) after the page's cursor, keeping those for which keep (nil:
// all) is true, at most p.Size() of them (cabinet.Page: 0 is
// cabinet.DefaultPageSize, negative is invalid). The cursor it returns is
// the ID of the page's last row when more matching rows follow, "" otherwise.
// Every package's listings use it.
func page[K ~string, V any](ctx context.Context, ids []K, get func(K) (V, bool), keep func(V) bool, p cabinet.Page) ([]V, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit, err := p.Size()
	if err != nil {
		return nil, "", err
	}
	if p.After != "" {
		// ids are ascending: jump past the cursor instead of scanning to it.
		i, found := slices.BinarySearchFunc(ids, string(p.After), func(id K, a string) int { return strings.Compare(string(id), a) })
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
		if len(out) == limit {
			return out, cabinet.Cursor(last), nil
		}
		out = append(out, v)
		last = id
	}
	return out, "", nil
}
