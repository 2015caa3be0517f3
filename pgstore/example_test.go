package pgstore_test

import (
	"fmt"

	"github.com/cabinet-go/cabinet/pgstore"
)

// A host that runs its own migration tool takes the store's migrations, in
// order, with its schema name substituted.
func ExampleMigrations() {
	ms, err := pgstore.Migrations(pgstore.WithSchema("advisory"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range ms {
		fmt.Println(m.Version, m.Name)
	}
	// Output:
	// 1 0001_init.sql
	// 2 0002_v2.sql
	// 3 0003_change_log.sql
	// 4 0004_expiry.sql
	// 5 0005_account_keys.sql
	// 6 0006_events_json.sql
}
