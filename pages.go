package cabinet

// CollectPages calls list from the start, then with each returned cursor,
// until a page comes back with an empty cursor, and returns every item in
// order. list is a store listing with its filter and page size bound. The
// first error ends the walk and is returned with no items.
func CollectPages[T any](list func(after Cursor) ([]T, Cursor, error)) ([]T, error) {
	var out []T
	var after Cursor
	for {
		page, next, err := list(after)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}
