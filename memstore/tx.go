package memstore

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/memdb"
)

// txn is one transaction of the store: a read snapshot inside a View… (w is
// nil) or a write transaction inside an Update…. It implements cabinet.Tx;
// every package's reader and writer of the same transaction share it, so a
// command reaches any package's records through the store's …Reader and
// …Writer methods.
type txn struct {
	s    *Store
	rev  cabinet.Revision
	w    *memdb.Tx
	open bool
}

var _ cabinet.Tx = (*txn)(nil)

// Revision implements cabinet.Tx.
func (t *txn) Revision() cabinet.Revision { return t.rev }

// Writable implements cabinet.Tx.
func (t *txn) Writable() bool { return t.w != nil }

// view runs fn on a read transaction under the read lock.
func (s *Store) view(ctx context.Context, fn func(t *txn) error) error {
	return s.db.Read(ctx, func(rev uint64) error {
		t := &txn{s: s, rev: cabinet.Revision(rev), open: true}
		defer func() { t.open = false }()
		return fn(t)
	})
}

// update runs fn in a write transaction under the write lock.
func (s *Store) update(ctx context.Context, fn func(t *txn) error) (cabinet.Revision, error) {
	rev, err := s.db.Write(ctx, func(tx *memdb.Tx) error {
		t := &txn{s: s, rev: cabinet.Revision(tx.Revision()), w: tx, open: true}
		defer func() { t.open = false }()
		return fn(t)
	})
	if err != nil {
		return 0, err
	}
	return cabinet.Revision(rev), nil
}

// txOf returns tx as one of this store's open transactions; write asks for
// a writable one. Anything else is an *cabinet.InvalidError naming "tx".
func (s *Store) txOf(tx cabinet.Tx, write bool) (*txn, error) {
	t, ok := tx.(*txn)
	switch {
	case !ok || t == nil || t.s != s:
		return nil, cabinet.Invalid("tx", "is not a transaction of this store")
	case !t.open:
		return nil, cabinet.Invalid("tx", "is no longer open")
	case write && t.w == nil:
		return nil, cabinet.Invalid("tx", "is read-only")
	}
	return t, nil
}
