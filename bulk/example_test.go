package bulk_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
)

// A practice moves in from a JSON-lines file, with its own IDs; policy
// then answers over the imported state.
func ExampleImporter_Import() {
	const file = `{"user":{"id":"ann","display_name":"Ann Admin","email":"ann@smith.example"}}
{"user":{"id":"bob","display_name":"Bob Desk","email":"bob@smith.example"}}
{"user":{"id":"dan","display_name":"Dan Client","email":"dan@home.example"}}
{"office":{"id":"smith","name":"Smith & Partners","email":"hello@smith.example","admin":"ann"}}
{"collaborator":{"office":"smith","user":"bob","profile":"standard"}}
{"client_group":{"id":"estates","office":"smith","name":"Estates"}}
{"direct_assignment":{"client_group":"estates","user":"bob"}}
{"dossier":{"id":"CLI-00042","office":"smith","name":"Dan's vault","status":"activated","manager":"ann","client_group":"estates"}}
{"person":{"id":"CLI-00042/1","dossier":"CLI-00042","name":"Dan Client","relation":"holder"}}
{"grant":{"id":"CLI-00042/g1","person":"CLI-00042/1","email":"dan@home.example","phone":"+33 6 12 34 56 78","level":"read_write"}}
`
	ctx := context.Background()
	store := memstore.New()
	im := bulk.NewImporter(store, cabinet.WithClock(cabinet.NewManualClock(epoch)))
	res, err := im.Import(ctx, "migration", bulk.ReadLines(strings.NewReader(file)))
	fmt.Println(res.Records, "records in", res.Batches, "batch,", err)

	engine, _ := policy.New(ctx, store)
	for _, q := range []struct {
		user cabinet.UserID
		a    policy.Action
		r    policy.Resource
	}{
		{"bob", policy.ViewDossier, policy.DossierResource("CLI-00042")},
		{"dan", policy.EditSection, policy.SectionResource("CLI-00042", access.SectionDocuments)},
		{"dan", policy.UseReports, policy.DossierResource("CLI-00042")},
	} {
		d, _ := engine.Check(ctx, policy.User(q.user), q.a, q.r)
		fmt.Println(q.user, q.a, d)
	}

	// The same line, read twice, is a conflict: an import never replaces.
	_, err = im.Import(ctx, "migration", bulk.ReadLines(strings.NewReader(file)))
	fmt.Println(err)
	// Output:
	// 10 records in 1 batch, <nil>
	// bob view_dossier allow via group_direct (GRP-3)
	// dan edit_section allow via central_person (ACC-11)
	// dan use_reports deny: family members cannot use reports (ACC-11)
	// bulk: record 0 (user "ann"), field id: cabinet: conflict: user "ann" already exists: an import never replaces a record
}

// An office's export, one record per line.
func ExampleExport() {
	ctx := context.Background()
	store := memstore.New()
	im := bulk.NewImporter(store, cabinet.WithClock(cabinet.NewManualClock(epoch)))
	_, _ = im.Import(ctx, "migration", bulk.Stream(
		bulk.User{ID: "ann", DisplayName: "Ann", Email: "ann@smith.example", PersonalTeam: "ann-team"},
		bulk.Office{ID: "smith", Name: "Smith", Email: "hello@smith.example", Admin: "ann"},
		bulk.Dossier{ID: "d1", Office: "smith", Name: "Vault", Status: cabinet.DossierDraft, Manager: "ann"},
	))
	_, err := bulk.WriteLines(os.Stdout, bulk.Export(ctx, store, "smith"))
	fmt.Println(err)
	// Output:
	// {"user":{"id":"ann","display_name":"Ann","email":"ann@smith.example","created_at":"2026-03-01T09:00:00Z","personal_team":"ann-team"}}
	// {"office":{"id":"smith","name":"Smith","email":"hello@smith.example","admin":"ann","admin_since":"2026-03-01T09:00:00Z","created_by":"ann","created_at":"2026-03-01T09:00:00Z"}}
	// {"dossier":{"id":"d1","office":"smith","name":"Vault","manager":"ann","created_by":"ann","created_at":"2026-03-01T09:00:00Z","status":"draft"}}
	// <nil>
}
