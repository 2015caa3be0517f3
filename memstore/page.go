package memstore

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// page returns the rows of ids (a key view of a table or an index, in
// ascending order) after the page's cursor, keeping those for which keep
// (nil: all) is true, at most p.Size() of them (cabinet.Page: 0 is
// cabinet.DefaultPageSize, negative is invalid). The cursor it returns is
// the ID of the page's last row when more matching rows follow, "" otherwise.
// A page costs O(log n + what it reads): the view starts at the cursor,
// and the page is allocated once, for at most limit rows (fewer when the
// view holds fewer), not grown row by row. Every package's listings use it.
func page[K ~string, V any](ctx context.Context, ids memdb.Keys[K], get func(K) (V, bool), keep func(V) bool, p cabinet.Page) ([]V, cabinet.Cursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit, err := p.Size()
	if err != nil {
		return nil, "", err
	}
	seq := ids.All()
	if p.After != "" {
		seq = ids.After(K(p.After))
	}
	var out []V // nil for an empty page
	var last K
	for id := range seq {
		v, ok := get(id)
		if !ok || (keep != nil && !keep(v)) {
			continue
		}
		if len(out) == limit {
			return out, cabinet.Cursor(last), nil
		}
		if out == nil {
			out = make([]V, 0, min(limit, ids.Len()))
		}
		out = append(out, v)
		last = id
	}
	return out, "", nil
}
