package cabinet_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
)

// DryRun runs a command's transaction and hands it, still open, to the
// inspection, then rolls it back: nothing is committed.
func ExampleDryRun() {
	ctx := context.Background()
	store := memstore.New()
	k, err := kit.New(ctx, store, kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		panic(err)
	}
	dry := cabinet.DryRun(ctx, func(ctx context.Context, tx cabinet.Tx, keys []cabinet.Key) error {
		fmt.Println("inspecting the transaction at revision", tx.Revision(), "- it wrote", keys)
		return nil
	})
	_, _, err = k.Teams.CreateUser(dry, "signup", "Ada", "ada@example.com")
	fmt.Println(errors.Is(err, cabinet.ErrDryRun), "- the store is at revision", store.Revision())
	// Output:
	// inspecting the transaction at revision 0 - it wrote [user:user_1 team:team_2 account:user_1]
	// true - the store is at revision 0
}

// AtRevision commits a command only if the store's head is still the given
// revision.
func ExampleAtRevision() {
	ctx := context.Background()
	store := memstore.New()
	k, err := kit.New(ctx, store, kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		panic(err)
	}
	r := store.Revision()
	_, rev, err := k.Teams.CreateUser(cabinet.AtRevision(ctx, r), "signup", "Ada", "ada@example.com")
	fmt.Println(rev, err)
	_, _, err = k.Teams.CreateUser(cabinet.AtRevision(ctx, r), "signup", "Bob", "bob@example.com")
	fmt.Println(errors.Is(err, cabinet.ErrConflict), err)
	// Output:
	// 1 <nil>
	// true cabinet: conflict: the state moved since revision 0 (the head is 1): preview again
}
