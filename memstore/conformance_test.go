package memstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/access/accesstest"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/clientgroup/clientgrouptest"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/contact/contacttest"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/procedure/proceduretest"
	"github.com/cabinet-go/cabinet/team"
	"github.com/cabinet-go/cabinet/team/teamtest"
)

// variants are the stores every conformance suite runs on: the default one,
// and one that runs every Update's function twice, as a retrying store
// (PostgreSQL) may, so that a suite whose functions are not safe to re-run
// fails here first.
var variants = []struct {
	name string
	opts []memstore.Option
}{
	{"default", nil},
	{"RunTwice", []memstore.Option{memstore.RunTwice()}},
}

func TestConformance(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Run("team", func(t *testing.T) {
				teamtest.RunStoreTests(t, func(*testing.T) team.Store { return memstore.New(v.opts...) })
			})
			t.Run("access", func(t *testing.T) {
				accesstest.RunStoreTests(t, func(*testing.T) access.Store { return memstore.New(v.opts...) })
			})
			t.Run("clientgroup", func(t *testing.T) {
				clientgrouptest.RunStoreTests(t, func(*testing.T) clientgroup.Store { return memstore.New(v.opts...) })
			})
			t.Run("contact", func(t *testing.T) {
				contacttest.RunStoreTests(t, func(*testing.T) contact.Store { return memstore.New(v.opts...) })
			})
			t.Run("procedure", func(t *testing.T) {
				proceduretest.RunStoreTests(t, func(*testing.T) procedure.Store { return memstore.New(v.opts...) })
			})
		})
	}
}
