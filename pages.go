package cabinet

import (
	"context"
	"iter"
)

// Page sizes shared by every listing of every package, in the stores'
// Readers and in the services alike.
const (
	// DefaultPageSize is the size of a page whose Limit is zero.
	DefaultPageSize = 100
	// MaxPageSize is the largest page a listing returns; larger limits are
	// clamped to it.
	MaxPageSize = 1000
)

// Page asks a listing for one page. Every listing of cabinet — a store
// Reader's or a service's — is ordered by the record's key, takes a Page and
// returns the records after the cursor After ("" = from the start), at most
// the page's size of them, and the cursor of the next page: "" when there is
// no further record, never "" when it left records out. A listing never
// truncates silently.
//
// Limit 0 means DefaultPageSize; a Limit above MaxPageSize is clamped to it;
// a negative Limit is an *InvalidError naming "limit". A cursor is opaque
// and only valid with the listing and filter that returned it.
type Page struct {
	After Cursor
	Limit int
}

// FirstPage returns the first page of size limit (0: DefaultPageSize).
func FirstPage(limit int) Page { return Page{Limit: limit} }

// Size returns the number of records the page asks for: DefaultPageSize for
// a zero Limit, at most MaxPageSize, or an *InvalidError naming "limit" for
// a negative one.
func (p Page) Size() (int, error) {
	switch {
	case p.Limit < 0:
		return 0, Invalid("limit", "must not be negative, got %d", p.Limit)
	case p.Limit == 0:
		return DefaultPageSize, nil
	default:
		return min(p.Limit, MaxPageSize), nil
	}
}

// Next returns the page after this one, starting at next (the cursor the
// listing returned), with the same limit.
func (p Page) Next(next Cursor) Page { return Page{After: next, Limit: p.Limit} }

// Listing is a listing with its filter bound: it returns one page of
// records and the cursor of the next page ("" when there is none).
type Listing[T any] func(ctx context.Context, p Page) ([]T, Cursor, error)

// Each walks the listing from the start, page after page of MaxPageSize
// records, and yields every record in order. The first error is yielded
// (with the zero T) and ends the walk.
func Each[T any](ctx context.Context, list Listing[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		p := Page{Limit: MaxPageSize}
		for {
			items, next, err := list(ctx, p)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			p = p.Next(next)
		}
	}
}

// All walks the listing from the start and returns every record in order,
// or the first error and no records.
func All[T any](ctx context.Context, list Listing[T]) ([]T, error) {
	var out []T
	for it, err := range Each(ctx, list) {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
