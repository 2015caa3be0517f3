package memstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
	"github.com/cabinet-go/cabinet/team/teamtest"
)

func TestTeamStoreConformance(t *testing.T) {
	teamtest.RunStoreTests(t, func(*testing.T) team.Store { return memstore.New() })
}
