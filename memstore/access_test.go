package memstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/access/accesstest"
	"github.com/cabinet-go/cabinet/memstore"
)

func TestAccessStore(t *testing.T) {
	accesstest.RunStoreTests(t, func(*testing.T) access.Store { return memstore.New() })
}
