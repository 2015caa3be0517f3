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

func TestCancelledContext(t *testing.T) {
	var db memdb.DB
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Write(ctx, func(*memdb.Tx) error { t.Fatal("ran"); return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if err := db.Read(ctx, func() error { t.Fatal("ran"); return nil }); !errors.Is(err, context.Canceled) {
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
