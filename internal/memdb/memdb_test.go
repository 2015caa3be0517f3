package memdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet/internal/memdb"
)

func TestWriteRollsBackOnError(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, []int](func(v []int) []int { return append([]int(nil), v...) })
	idx := memdb.NewIndex[string, string]()
	ctx := context.Background()
	rev, err := db.Write(ctx, func(tx *memdb.Tx) error {
		tab.Put(tx, "a", []int{1})
		idx.Add(tx, "k", "a")
		return nil
	})
	if err != nil || rev != 1 {
		t.Fatalf("first write: rev=%d err=%v", rev, err)
	}
	boom := errors.New("boom")
	_, err = db.Write(ctx, func(tx *memdb.Tx) error {
		tab.Put(tx, "a", []int{2})
		tab.Put(tx, "b", []int{3})
		tab.Delete(tx, "a")
		idx.Add(tx, "k", "b")
		idx.Remove(tx, "k", "a")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if v, ok := tab.Get("a"); !ok || len(v) != 1 || v[0] != 1 {
		t.Errorf("a = %v %v after rollback, want [1]", v, ok)
	}
	if tab.Has("b") || tab.Len() != 1 {
		t.Errorf("b present after rollback")
	}
	if !idx.Has("k", "a") || idx.Has("k", "b") {
		t.Errorf("index not rolled back: %v", idx.Members("k"))
	}
	if db.Revision() != 1 {
		t.Errorf("revision = %d after failed write, want 1", db.Revision())
	}
}

func TestWriteRollsBackOnPanic(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	func() {
		defer func() { _ = recover() }()
		_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
			tab.Put(tx, "a", 1)
			panic("boom")
		})
	}()
	if tab.Has("a") {
		t.Fatal("write survived a panic")
	}
}

func TestGetReturnsCopy(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, []int](func(v []int) []int { return append([]int(nil), v...) })
	_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error { tab.Put(tx, "a", []int{1}); return nil })
	v, _ := tab.Get("a")
	v[0] = 99
	if w, _ := tab.Get("a"); w[0] != 1 {
		t.Fatal("Get handed out a pointer into the table")
	}
}

func TestEmptyWriteKeepsRevision(t *testing.T) {
	var db memdb.DB
	rev, err := db.Write(context.Background(), func(*memdb.Tx) error { return nil })
	if err != nil || rev != 0 {
		t.Fatalf("rev=%d err=%v, want 0 nil", rev, err)
	}
}

func TestReadAndTxSeeTheLastCommittedRevision(t *testing.T) {
	var db memdb.DB
	ctx := context.Background()
	tab := memdb.NewTable[string, int](nil)
	for want := uint64(1); want <= 3; want++ {
		rev, err := db.Write(ctx, func(tx *memdb.Tx) error {
			if tx.Revision() != want-1 {
				t.Errorf("tx.Revision() = %d, want %d", tx.Revision(), want-1)
			}
			tab.Put(tx, "k", int(want))
			return nil
		})
		if err != nil || rev != want {
			t.Fatalf("Write = %d, %v; want %d", rev, err, want)
		}
		var seen uint64
		if err := db.Read(ctx, func(rev uint64) error { seen = rev; return nil }); err != nil || seen != want {
			t.Fatalf("Read saw revision %d (err %v), want %d", seen, err, want)
		}
	}
	// A failed write leaves the revision where it was.
	_, _ = db.Write(ctx, func(tx *memdb.Tx) error { tab.Put(tx, "k", 9); return errors.New("no") })
	if got := db.Revision(); got != 3 {
		t.Fatalf("Revision after a failed write = %d, want 3", got)
	}
}

func TestCancelledContext(t *testing.T) {
	var db memdb.DB
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Write(ctx, func(*memdb.Tx) error { t.Fatal("ran"); return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if err := db.Read(ctx, func(uint64) error { t.Fatal("ran"); return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestAfterPaginates(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
		for i, k := range []string{"c", "a", "b"} {
			tab.Put(tx, k, i)
		}
		return nil
	})
	var got []string
	for k := range tab.After("a") {
		got = append(got, k)
	}
	if len(got) != 2 || got[0] != "b" || got[1] != "c" {
		t.Fatalf("After(a) = %v", got)
	}
}

func TestSortedKeyCachesFollowWritesAndRollbacks(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	idx := memdb.NewIndex[string, string]()
	ctx := context.Background()
	put := func(k string) error {
		_, err := db.Write(ctx, func(tx *memdb.Tx) error { tab.Put(tx, k, 1); idx.Add(tx, "all", k); return nil })
		return err
	}
	for _, k := range []string{"c", "a"} {
		if err := put(k); err != nil {
			t.Fatal(err)
		}
	}
	if got := tab.Keys(); len(got) != 2 || got[0] != "a" || got[1] != "c" {
		t.Fatalf("Keys = %v", got)
	}
	_ = idx.Members("all") // fill the cache
	_ = put("b")
	if got := tab.Keys(); len(got) != 3 || got[1] != "b" {
		t.Fatalf("Keys after insert = %v, want [a b c]", got)
	}
	if got := idx.Members("all"); len(got) != 3 || got[1] != "b" {
		t.Fatalf("Members after insert = %v, want [a b c]", got)
	}
	_, _ = db.Write(ctx, func(tx *memdb.Tx) error {
		tab.Put(tx, "d", 1)
		idx.Add(tx, "all", "d")
		tab.Delete(tx, "a")
		idx.Remove(tx, "all", "a")
		_, _ = tab.Keys(), idx.Members("all") // cache the in-transaction state
		return errors.New("roll back")
	})
	if got := tab.Keys(); len(got) != 3 || got[0] != "a" || got[2] != "c" {
		t.Fatalf("Keys after rollback = %v, want [a b c]", got)
	}
	if got := idx.Members("all"); len(got) != 3 || got[0] != "a" || got[2] != "c" {
		t.Fatalf("Members after rollback = %v, want [a b c]", got)
	}
	keys := tab.Keys()
	keys = append(keys, "z") // must not write into the shared cache
	if got := tab.Keys(); len(got) != 3 {
		t.Fatalf("append to Keys leaked into the cache: %v (appended %v)", got, keys)
	}
}

func TestConcurrentReadersShareTheCache(t *testing.T) {
	var db memdb.DB
	tab := memdb.NewTable[string, int](nil)
	_, _ = db.Write(context.Background(), func(tx *memdb.Tx) error {
		for _, k := range []string{"b", "a", "c"} {
			tab.Put(tx, k, 1)
		}
		return nil
	})
	done := make(chan bool)
	for range 4 {
		go func() {
			_ = db.Read(context.Background(), func(uint64) error {
				ok := len(tab.Keys()) == 3
				done <- ok
				return nil
			})
		}()
	}
	for range 4 {
		if !<-done {
			t.Fatal("a reader saw a wrong key count")
		}
	}
}
