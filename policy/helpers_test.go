package policy_test

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/memstore"
)

// The services' commands return (record, revision, error) or (revision,
// error) (issue 12); these helpers keep what a test needs.

// rec drops the revision of a command's (record, revision, error).
func rec[T any](v T, _ cabinet.Revision, err error) (T, error) { return v, err }

// errOf keeps the error of a command's (record, revision, error).
func errOf[T any](_ T, _ cabinet.Revision, err error) error { return err }

// errRev keeps the error of a command's (revision, error).
func errRev(_ cabinet.Revision, err error) error { return err }

// testHost names the host-driven work of the tests (sign-ups, plans).
const testHost cabinet.Host = "test"

// dossierOf reads dossier d straight from the store.
func dossierOf(ctx context.Context, s *memstore.Store, d cabinet.DossierID) (access.Dossier, error) {
	var out access.Dossier
	err := s.ViewAccess(ctx, func(r access.Reader) error {
		var err error
		out, err = r.Dossier(ctx, d)
		return err
	})
	return out, err
}
