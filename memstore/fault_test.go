package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// FailNextWrite makes a transaction fail part-way: the writes before the
// fault are rolled back with it (SPEC §3 invariant 8), the fault fires once,
// and a fault beyond a transaction's writes stays armed until disarmed.
func TestFailNextWrite(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("disk full")
	putUsers := func(s *memstore.Store, prefix string, n int) error {
		_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
			for i := range n {
				id := fmt.Sprintf("%s%d", prefix, i)
				if err := w.PutUser(ctx, cabinet.User{ID: cabinet.UserID(id), DisplayName: id, Email: id + "@example.com"}); err != nil {
					return err
				}
			}
			return nil
		})
		return err
	}
	users := func(s *memstore.Store) int {
		var n int
		_ = s.ViewTeams(ctx, func(r team.Reader) error {
			us, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]cabinet.User, cabinet.Cursor, error) {
				return r.ListUsers(ctx, p)
			})
			n = len(us)
			return err
		})
		return n
	}
	for _, opts := range [][]memstore.Option{nil, {memstore.RunTwice()}} {
		s := memstore.New(opts...)
		rev := s.Revision()
		s.FailNextWrite(2, boom)
		if err := putUsers(s, "a", 3); !errors.Is(err, boom) {
			t.Fatalf("the armed transaction returned %v, want %v", err, boom)
		}
		if got := users(s); got != 0 || s.Revision() != rev {
			t.Fatalf("after a fault at the 2nd write: %d users at revision %d, want none at %d", got, s.Revision(), rev)
		}
		if err := putUsers(s, "b", 3); err != nil {
			t.Fatalf("the fault fired twice: %v", err)
		}
		s.FailNextWrite(5, context.Canceled)
		if err := putUsers(s, "c", 2); err != nil {
			t.Fatalf("a transaction shorter than the fault: %v", err)
		}
		if !s.DisarmFault() || s.DisarmFault() {
			t.Fatal("DisarmFault does not report the armed fault once")
		}
		if got := users(s); got != 5 {
			t.Fatalf("%d users, want 5", got)
		}
	}
}
