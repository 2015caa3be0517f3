package memdb

// This file holds the ordered structure under Table, Index and SymIndex: an
// in-memory B-tree of (key, value) items, values stored inline, with the
// size of every child subtree kept in its parent so that the rank of a key
// (how many items sort before it) costs O(log n).
//
// Every item carries a summary, an integer ordered like the keys (see
// key.go): items are ordered by summary first, and two items of equal
// summary by the tree's tie function. A node keeps its summaries in an array
// of their own, so that a search compares integers held in a few cache
// lines of the node and reads a key itself (a string's bytes, outside the
// node) only when two summaries are equal. A tree whose summaries are exact
// (a SymIndex with integer members) has no tie function.
//
// Shape: every leaf is at the same depth; a node holds at most maxItems
// items at rest (one more while an insertion overflows it, before its parent
// splits it or spills the excess into a sibling); an inner node with n items
// has n+1 children. Every node but the root holds at least one item. Nodes
// normally hold at least minItems items, but two cases leave smaller ones,
// which is harmless for correctness and fixed as they fill or shrink: an
// insertion at the very end of the tree splits the last node unevenly (the
// left part stays full, so ascending loads fill nodes almost completely), and
// a redistribution between two siblings leaves both at about half.
//
// Vacated slots are zeroed so that the tree never keeps a deleted key or
// value alive for the garbage collector.

// slots is the capacity of a node. 63 makes a leaf of a SymIndex of string
// members 1,528 bytes (summaries and string headers), inside Go's
// 1,536-byte size class.
const (
	slots    = 63
	maxItems = slots - 1
	minItems = maxItems / 2
)

// btree is an ordered map from (summary, K) to V: items are ordered by
// summary, then by tie. The zero value with tie and stable set is an empty
// tree. It is not safe for concurrent writes; reads (lookup, ascend, rank,
// seek) never modify it.
type btree[K, V any] struct {
	root *node[K, V]
	len  int
	// mods counts insertions and removals (not values replaced in place): an
	// iteration that sees it change resumes after the last key it yielded.
	mods uint64
	// tie orders two keys whose summaries are equal (it reports a < b);
	// nil when equal summaries mean equal keys.
	tie func(a, b K) bool
	// stable masks the bits of a summary that never change while the item
	// is stored (a SymIndex's key); the other bits are recomputed when a
	// table's common prefix shrinks, so an iteration resuming after a write
	// compares only the stable bits, then the keys with tie.
	stable uint64
}

type node[K, V any] struct {
	n    int // items in use: sums[:n], keys[:n], vals[:n]
	sums [slots]uint64
	keys [slots]K
	vals [slots]V
	kids *kids[K, V] // nil in a leaf
}

// kids are the children of an inner node and the number of items under each.
type kids[K, V any] struct {
	at   [slots + 1]*node[K, V]
	size [slots + 1]int
}

// count returns the number of items in n's subtree, from n's own items and
// its children's recorded sizes.
func (n *node[K, V]) count() int {
	c := n.n
	if n.kids != nil {
		for _, s := range n.kids.size[:n.n+1] {
			c += s
		}
	}
	return c
}

// find returns the position of the first item of n not less than (s, k),
// and whether that item is (s, k). It compares summaries inline and calls
// tie only between equal summaries.
func (t *btree[K, V]) find(n *node[K, V], s uint64, k K) (int, bool) {
	lo, hi := 0, n.n
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if c := n.sums[h]; c < s || (c == s && t.tie != nil && t.tie(n.keys[h], k)) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo, lo < n.n && n.sums[lo] == s && (t.tie == nil || !t.tie(k, n.keys[lo]))
}

// lowerBound returns the position of the first item of n for which below is
// false. below must be true for a prefix of the order and false after it.
func lowerBound[K, V any](n *node[K, V], below func(s uint64, k K) bool) int {
	lo, hi := 0, n.n
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if below(n.sums[h], n.keys[h]) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// lookup returns a pointer to the value stored under (s, k), or nil. The
// pointer is valid until the next write.
func (t *btree[K, V]) lookup(s uint64, k K) *V {
	for n := t.root; n != nil; {
		i, found := t.find(n, s, k)
		if found {
			return &n.vals[i]
		}
		if n.kids == nil {
			return nil
		}
		n = n.kids.at[i]
	}
	return nil
}

// set stores v under (s, k), returning the value it replaces, if any.
func (t *btree[K, V]) set(s uint64, k K, v V) (old V, had bool) {
	if t.root == nil {
		t.root = new(node[K, V])
	}
	old, had, appended := t.insert(t.root, s, k, v, true)
	if had {
		return old, true
	}
	t.len++
	t.mods++
	if l := t.root; l.n > maxItems {
		ss, sk, sv, r := split(l, splitPoint(l, appended))
		root := &node[K, V]{n: 1, kids: new(kids[K, V])}
		root.sums[0], root.keys[0], root.vals[0] = ss, sk, sv
		root.kids.at[0], root.kids.at[1] = l, r
		root.kids.size[0], root.kids.size[1] = l.count(), r.count()
		t.root = root
	}
	return old, false
}

// insert puts ((s, k), v) in n's subtree. It leaves n with maxItems+1 items
// when n overflows: n's parent (or set, for the root) then splits it. edge
// tells whether n is the last node of its level; appended reports an
// insertion after every key of the tree.
func (t *btree[K, V]) insert(n *node[K, V], s uint64, k K, v V, edge bool) (old V, had, appended bool) {
	i, found := t.find(n, s, k)
	if found {
		old, n.vals[i] = n.vals[i], v
		return old, true, false
	}
	if n.kids == nil {
		appended = edge && i == n.n
		copy(n.sums[i+1:n.n+1], n.sums[i:n.n])
		copy(n.keys[i+1:n.n+1], n.keys[i:n.n])
		copy(n.vals[i+1:n.n+1], n.vals[i:n.n])
		n.sums[i], n.keys[i], n.vals[i] = s, k, v
		n.n++
		return old, false, appended
	}
	c := n.kids.at[i]
	old, had, appended = t.insert(c, s, k, v, edge && i == n.n)
	if had {
		return old, true, false
	}
	n.kids.size[i]++
	if c.n > maxItems {
		overflow(n, i, appended)
	}
	return old, false, appended
}

// splitPoint returns where to split an overflowing node: in the middle, or,
// after an insertion at the end of the tree, just before the new key, so
// that an ascending load leaves full nodes behind it.
func splitPoint[K, V any](n *node[K, V], appended bool) int {
	if appended {
		return n.n - 2
	}
	return n.n / 2
}

// overflow fixes p's child i, which holds maxItems+1 items: it spills items
// into a sibling with room, or splits the child in two.
func overflow[K, V any](p *node[K, V], i int, appended bool) {
	c := p.kids.at[i]
	if !appended {
		if i > 0 {
			if l := p.kids.at[i-1]; l.n < maxItems {
				moveLeft(p, i, (c.n-l.n+1)/2)
				return
			}
		}
		if i < p.n {
			if r := p.kids.at[i+1]; r.n < maxItems {
				moveRight(p, i, (c.n-r.n+1)/2)
				return
			}
		}
	}
	ss, sk, sv, r := split(c, splitPoint(c, appended))
	copy(p.sums[i+1:p.n+1], p.sums[i:p.n])
	copy(p.keys[i+1:p.n+1], p.keys[i:p.n])
	copy(p.vals[i+1:p.n+1], p.vals[i:p.n])
	copy(p.kids.at[i+2:p.n+2], p.kids.at[i+1:p.n+1])
	copy(p.kids.size[i+2:p.n+2], p.kids.size[i+1:p.n+1])
	p.sums[i], p.keys[i], p.vals[i] = ss, sk, sv
	p.kids.at[i+1] = r
	p.kids.size[i], p.kids.size[i+1] = c.count(), r.count()
	p.n++
}

// split moves the items of n after position mid into a new node and returns
// the item at mid (the separator, which n's parent takes) and the new node.
func split[K, V any](n *node[K, V], mid int) (uint64, K, V, *node[K, V]) {
	ss, sk, sv := n.sums[mid], n.keys[mid], n.vals[mid]
	r := &node[K, V]{n: n.n - mid - 1}
	copy(r.sums[:], n.sums[mid+1:n.n])
	copy(r.keys[:], n.keys[mid+1:n.n])
	copy(r.vals[:], n.vals[mid+1:n.n])
	if n.kids != nil {
		r.kids = new(kids[K, V])
		copy(r.kids.at[:], n.kids.at[mid+1:n.n+1])
		copy(r.kids.size[:], n.kids.size[mid+1:n.n+1])
		clear(n.kids.at[mid+1 : n.n+1])
		clear(n.kids.size[mid+1 : n.n+1])
	}
	clear(n.sums[mid:n.n])
	clear(n.keys[mid:n.n])
	clear(n.vals[mid:n.n])
	n.n = mid
	return ss, sk, sv, r
}

// moveLeft moves k items from p's child i to its left sibling, through the
// separator between them (k >= 1).
func moveLeft[K, V any](p *node[K, V], i, k int) {
	l, r := p.kids.at[i-1], p.kids.at[i]
	l.sums[l.n], l.keys[l.n], l.vals[l.n] = p.sums[i-1], p.keys[i-1], p.vals[i-1]
	copy(l.sums[l.n+1:], r.sums[:k-1])
	copy(l.keys[l.n+1:], r.keys[:k-1])
	copy(l.vals[l.n+1:], r.vals[:k-1])
	p.sums[i-1], p.keys[i-1], p.vals[i-1] = r.sums[k-1], r.keys[k-1], r.vals[k-1]
	copy(r.sums[:], r.sums[k:r.n])
	copy(r.keys[:], r.keys[k:r.n])
	copy(r.vals[:], r.vals[k:r.n])
	clear(r.sums[r.n-k : r.n])
	clear(r.keys[r.n-k : r.n])
	clear(r.vals[r.n-k : r.n])
	if r.kids != nil {
		copy(l.kids.at[l.n+1:], r.kids.at[:k])
		copy(l.kids.size[l.n+1:], r.kids.size[:k])
		copy(r.kids.at[:], r.kids.at[k:r.n+1])
		copy(r.kids.size[:], r.kids.size[k:r.n+1])
		clear(r.kids.at[r.n+1-k : r.n+1])
		clear(r.kids.size[r.n+1-k : r.n+1])
	}
	l.n += k
	r.n -= k
	p.kids.size[i-1], p.kids.size[i] = l.count(), r.count()
}

// moveRight moves k items from p's child i to its right sibling, through the
// separator between them (k >= 1).
func moveRight[K, V any](p *node[K, V], i, k int) {
	l, r := p.kids.at[i], p.kids.at[i+1]
	copy(r.sums[k:], r.sums[:r.n])
	copy(r.keys[k:], r.keys[:r.n])
	copy(r.vals[k:], r.vals[:r.n])
	r.sums[k-1], r.keys[k-1], r.vals[k-1] = p.sums[i], p.keys[i], p.vals[i]
	copy(r.sums[:k-1], l.sums[l.n-k+1:l.n])
	copy(r.keys[:k-1], l.keys[l.n-k+1:l.n])
	copy(r.vals[:k-1], l.vals[l.n-k+1:l.n])
	p.sums[i], p.keys[i], p.vals[i] = l.sums[l.n-k], l.keys[l.n-k], l.vals[l.n-k]
	clear(l.sums[l.n-k : l.n])
	clear(l.keys[l.n-k : l.n])
	clear(l.vals[l.n-k : l.n])
	if l.kids != nil {
		copy(r.kids.at[k:], r.kids.at[:r.n+1])
		copy(r.kids.size[k:], r.kids.size[:r.n+1])
		copy(r.kids.at[:k], l.kids.at[l.n-k+1:l.n+1])
		copy(r.kids.size[:k], l.kids.size[l.n-k+1:l.n+1])
		clear(l.kids.at[l.n-k+1 : l.n+1])
		clear(l.kids.size[l.n-k+1 : l.n+1])
	}
	l.n -= k
	r.n += k
	p.kids.size[i], p.kids.size[i+1] = l.count(), r.count()
}

// merge appends p's child i+1 and the separator before it to child i, and
// drops both from p.
func merge[K, V any](p *node[K, V], i int) {
	l, r := p.kids.at[i], p.kids.at[i+1]
	l.sums[l.n], l.keys[l.n], l.vals[l.n] = p.sums[i], p.keys[i], p.vals[i]
	copy(l.sums[l.n+1:], r.sums[:r.n])
	copy(l.keys[l.n+1:], r.keys[:r.n])
	copy(l.vals[l.n+1:], r.vals[:r.n])
	if l.kids != nil {
		copy(l.kids.at[l.n+1:], r.kids.at[:r.n+1])
		copy(l.kids.size[l.n+1:], r.kids.size[:r.n+1])
	}
	l.n += r.n + 1
	copy(p.sums[i:], p.sums[i+1:p.n])
	copy(p.keys[i:], p.keys[i+1:p.n])
	copy(p.vals[i:], p.vals[i+1:p.n])
	copy(p.kids.at[i+1:], p.kids.at[i+2:p.n+1])
	copy(p.kids.size[i+1:], p.kids.size[i+2:p.n+1])
	p.n--
	var zk K
	var zv V
	p.sums[p.n], p.keys[p.n], p.vals[p.n] = 0, zk, zv
	p.kids.at[p.n+1], p.kids.size[p.n+1] = nil, 0
	p.kids.size[i] = l.count()
}

// underflow fixes p's child i after a removal left it with fewer than
// minItems items: it merges the child with a sibling when both fit in one
// node, and otherwise evens out the two.
func underflow[K, V any](p *node[K, V], i int) {
	if p.kids.at[i].n >= minItems || p.n == 0 {
		return
	}
	j := max(i-1, 0) // the pair (j, j+1) holds child i and a sibling
	l, r := p.kids.at[j], p.kids.at[j+1]
	switch {
	case l.n+r.n+1 <= maxItems:
		merge(p, j)
	case l.n > r.n:
		moveRight(p, j, (l.n-r.n)/2)
	default:
		moveLeft(p, j+1, (r.n-l.n)/2)
	}
}

// delete removes (s, k), returning its value if it was present.
func (t *btree[K, V]) delete(s uint64, k K) (old V, had bool) {
	if t.root == nil {
		return old, false
	}
	old, had = t.remove(t.root, s, k)
	if !had {
		return old, false
	}
	t.len--
	t.mods++
	if t.root.n == 0 {
		if t.root.kids != nil {
			t.root = t.root.kids.at[0]
		} else {
			t.root = nil
		}
	}
	return old, true
}

// remove deletes (s, k) from n's subtree, leaving n with fewer than
// minItems items if it underflows: n's parent fixes it.
func (t *btree[K, V]) remove(n *node[K, V], s uint64, k K) (old V, had bool) {
	i, found := t.find(n, s, k)
	if n.kids == nil {
		if !found {
			return old, false
		}
		old = n.vals[i]
		copy(n.sums[i:], n.sums[i+1:n.n])
		copy(n.keys[i:], n.keys[i+1:n.n])
		copy(n.vals[i:], n.vals[i+1:n.n])
		n.n--
		var zk K
		var zv V
		n.sums[n.n], n.keys[n.n], n.vals[n.n] = 0, zk, zv
		return old, true
	}
	if found {
		old = n.vals[i]
		n.sums[i], n.keys[i], n.vals[i] = removeMax(n.kids.at[i])
	} else if old, had = t.remove(n.kids.at[i], s, k); !had {
		return old, false
	}
	n.kids.size[i]--
	underflow(n, i)
	return old, true
}

// removeMax removes and returns the last item of n's (non-empty) subtree.
func removeMax[K, V any](n *node[K, V]) (uint64, K, V) {
	if n.kids == nil {
		n.n--
		s, k, v := n.sums[n.n], n.keys[n.n], n.vals[n.n]
		var zk K
		var zv V
		n.sums[n.n], n.keys[n.n], n.vals[n.n] = 0, zk, zv
		return s, k, v
	}
	i := n.n
	s, k, v := removeMax(n.kids.at[i])
	n.kids.size[i]--
	underflow(n, i)
	return s, k, v
}

// Results of walk.
const (
	walkDone  = iota // the subtree is exhausted
	walkStop         // yield returned false
	walkMoved        // the tree changed after the last yield
)

// ascend calls yield for every item for which below is false (every item
// when below is nil), in ascending order, until yield returns false. If the
// tree changes while yield runs (the caller wrote to it), the walk resumes
// after the last key yielded, in the tree as it is then.
func (t *btree[K, V]) ascend(below func(s uint64, k K) bool, yield func(s uint64, k K, v V) bool) {
	for t.root != nil {
		var lastS uint64
		var last K
		if t.walk(t.root, below, yield, t.mods, &lastS, &last) != walkMoved {
			return
		}
		// The summaries may have been recomputed since: compare their
		// stable bits, then the keys.
		ls := lastS & t.stable
		below = func(s uint64, k K) bool {
			if s &= t.stable; s != ls {
				return s < ls
			}
			return t.tie == nil || !t.tie(last, k)
		}
	}
}

func (t *btree[K, V]) walk(n *node[K, V], below func(uint64, K) bool, yield func(uint64, K, V) bool, mods uint64, lastS *uint64, last *K) int {
	i := 0
	if below != nil {
		i = lowerBound(n, below)
	}
	for ; ; i++ {
		if n.kids != nil {
			if r := t.walk(n.kids.at[i], below, yield, mods, lastS, last); r != walkDone {
				return r
			}
			below = nil // every later child is past the bound
		}
		if i >= n.n {
			return walkDone
		}
		*lastS, *last = n.sums[i], n.keys[i]
		if !yield(n.sums[i], n.keys[i], n.vals[i]) {
			return walkStop
		}
		if t.mods != mods {
			return walkMoved
		}
	}
}

// seek returns the first key for which below is false (every key when below
// is nil).
func (t *btree[K, V]) seek(below func(uint64, K) bool) (K, bool) {
	var best *K
	for n := t.root; n != nil; {
		i := 0
		if below != nil {
			i = lowerBound(n, below)
		}
		if i < n.n {
			best = &n.keys[i]
		}
		if n.kids == nil {
			break
		}
		n = n.kids.at[i]
	}
	if best == nil {
		var zero K
		return zero, false
	}
	return *best, true
}

// rank returns the number of keys for which below is true.
func (t *btree[K, V]) rank(below func(uint64, K) bool) int {
	r := 0
	for n := t.root; n != nil; {
		i := lowerBound(n, below)
		r += i
		if n.kids == nil {
			break
		}
		for _, s := range n.kids.size[:i] {
			r += s
		}
		n = n.kids.at[i]
	}
	return r
}

// each calls f with a pointer to the summary of every key, in ascending
// order. f may change a summary only in a way that keeps the order.
func (t *btree[K, V]) each(f func(s *uint64, k K)) {
	var walk func(n *node[K, V])
	walk = func(n *node[K, V]) {
		for i := 0; i <= n.n; i++ {
			if n.kids != nil {
				walk(n.kids.at[i])
			}
			if i < n.n {
				f(&n.sums[i], n.keys[i])
			}
		}
	}
	if t.root != nil {
		walk(t.root)
	}
}
