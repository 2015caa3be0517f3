package memdb

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// This file exposes internals to the black-box tests of package memdb_test.

// Check verifies the table's B-tree invariants and that no journal is left
// open outside a Write.
func (t *Table[K, V]) Check() error {
	if t.tx != nil || len(t.log) != 0 || len(t.olds) != 0 {
		return errors.New("journal left open after the transaction")
	}
	if err := checkSums(&t.rows, &t.sum, func(k K) K { return k }, 0); err != nil {
		return err
	}
	return t.rows.check()
}

// checkSums verifies that every summary of tree is the one sum computes for
// the part of its key that key returns, under high (the stable bits).
func checkSums[K, V any, S cmp.Ordered](tree *btree[K, V], sum *summarizer[S], key func(K) S, shift int) error {
	var err error
	tree.each(func(s *uint64, k K) {
		part := key(k)
		low := *s
		if shift > 0 {
			low = *s & (1<<shift - 1)
		}
		switch {
		case err != nil:
		case sum.str == nil:
			if low != 0 {
				err = fmt.Errorf("numeric key %v has summary %x", part, low)
			}
		case !strings.HasPrefix(sum.str(part), sum.prefix):
			err = fmt.Errorf("key %v lacks the common prefix %q", part, sum.prefix)
		case low != sum.of(part)>>shift:
			err = fmt.Errorf("key %v has a stale summary %x (prefix %q)", part, low, sum.prefix)
		}
	})
	return err
}

// Check verifies the index's B-tree invariants and that no journal is left
// open outside a Write.
func (x *Index[K, M]) Check() error {
	if x.tx != nil || len(x.log) != 0 {
		return errors.New("journal left open after the transaction")
	}
	if err := checkSums(&x.pairs, &x.sum, func(p pair[K, M]) K { return p.k }, 0); err != nil {
		return err
	}
	return x.pairs.check()
}

// Check verifies the index's B-tree invariants, its summaries and that no
// journal is left open outside a Write.
func (x *SymIndex[M]) Check() error {
	if x.tx != nil || len(x.log) != 0 {
		return errors.New("journal left open after the transaction")
	}
	if err := checkSums(&x.items, &x.sum, func(m M) M { return m }, symShift); err != nil {
		return err
	}
	return x.items.check()
}

// Fill returns the number of nodes of the table's tree and the share of
// their slots in use.
func (t *Table[K, V]) Fill() (nodes int, fill float64) { return t.rows.fill() }

// Fill returns the number of nodes of the index's tree and the share of
// their slots in use.
func (x *Index[K, M]) Fill() (nodes int, fill float64) { return x.pairs.fill() }

func (t *btree[K, V]) fill() (nodes int, fill float64) {
	var walk func(n *node[K, V])
	walk = func(n *node[K, V]) {
		nodes++
		if n.kids != nil {
			for _, c := range n.kids.at[:n.n+1] {
				walk(c)
			}
		}
	}
	if t.root != nil {
		walk(t.root)
	}
	if nodes == 0 {
		return 0, 0
	}
	return nodes, float64(t.len) / float64(nodes*maxItems)
}

func (t *btree[K, V]) check() error {
	if t.root == nil {
		if t.len != 0 {
			return fmt.Errorf("empty tree with len %d", t.len)
		}
		return nil
	}
	if t.root.n == 0 {
		return errors.New("empty root")
	}
	var (
		leafDepth = -1
		prev      *K
		prevS     uint64
	)
	// after reports whether the item (s, k) sorts strictly after the
	// previous one.
	after := func(s uint64, k K) bool {
		if s != prevS {
			return s > prevS
		}
		return t.tie != nil && t.tie(*prev, k)
	}
	var walk func(n *node[K, V], depth int, root bool) (int, error)
	walk = func(n *node[K, V], depth int, root bool) (int, error) {
		if n.n > maxItems || (!root && n.n < 1) {
			return 0, fmt.Errorf("node with %d items at depth %d", n.n, depth)
		}
		for i := n.n; i < slots; i++ {
			if n.sums[i] != 0 || !reflect.ValueOf(&n.keys[i]).Elem().IsZero() || !reflect.ValueOf(&n.vals[i]).Elem().IsZero() {
				return 0, fmt.Errorf("slot %d of a node with %d items is not cleared", i, n.n)
			}
		}
		if n.kids == nil {
			if leafDepth < 0 {
				leafDepth = depth
			} else if leafDepth != depth {
				return 0, fmt.Errorf("leaves at depths %d and %d", leafDepth, depth)
			}
			for i := range n.n {
				if prev != nil && !after(n.sums[i], n.keys[i]) {
					return 0, fmt.Errorf("keys out of order: %v then %v", *prev, n.keys[i])
				}
				prev, prevS = &n.keys[i], n.sums[i]
			}
			return n.n, nil
		}
		total := n.n
		for i := 0; i <= n.n; i++ {
			c := n.kids.at[i]
			if c == nil {
				return 0, fmt.Errorf("missing child %d of %d", i, n.n+1)
			}
			got, err := walk(c, depth+1, false)
			if err != nil {
				return 0, err
			}
			if got != n.kids.size[i] {
				return 0, fmt.Errorf("child %d holds %d items, its parent records %d", i, got, n.kids.size[i])
			}
			total += got
			if i < n.n {
				if !after(n.sums[i], n.keys[i]) {
					return 0, fmt.Errorf("separator %v not after %v", n.keys[i], *prev)
				}
				prev, prevS = &n.keys[i], n.sums[i]
			}
		}
		for i := n.n + 1; i <= slots; i++ {
			if n.kids.at[i] != nil || n.kids.size[i] != 0 {
				return 0, fmt.Errorf("child slot %d of a node with %d items is not cleared", i, n.n)
			}
		}
		return total, nil
	}
	got, err := walk(t.root, 0, true)
	if err != nil {
		return err
	}
	if got != t.len {
		return fmt.Errorf("tree holds %d items, len is %d", got, t.len)
	}
	return nil
}
