package memstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/clientgroup/clientgrouptest"
	"github.com/cabinet-go/cabinet/memstore"
)

func TestClientGroupStore(t *testing.T) {
	clientgrouptest.RunStoreTests(t, func(t *testing.T) clientgroup.Store { return memstore.New() })
}
