package memstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/contact/contacttest"
	"github.com/cabinet-go/cabinet/memstore"
)

func TestContactStore(t *testing.T) {
	contacttest.RunStoreTests(t, func(*testing.T) contact.Store { return memstore.New() })
}
