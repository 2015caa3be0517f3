package memstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/procedure/proceduretest"
)

func TestProcedureStore(t *testing.T) {
	proceduretest.RunStoreTests(t, func(*testing.T) procedure.Store { return memstore.New() })
}
