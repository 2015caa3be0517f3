package pgstore_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/access/accesstest"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/clientgroup/clientgrouptest"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/contact/contacttest"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/procedure/proceduretest"
	"github.com/cabinet-go/cabinet/team"
	"github.com/cabinet-go/cabinet/team/teamtest"
)

func TestTeamConformance(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 8, nil)
	teamtest.RunStoreTests(t, func(t *testing.T) team.Store { return pgtest.Store(t, pool) })
}

func TestAccessConformance(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 8, nil)
	accesstest.RunStoreTests(t, func(t *testing.T) access.Store { return pgtest.Store(t, pool) })
}

func TestClientGroupConformance(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 8, nil)
	clientgrouptest.RunStoreTests(t, func(t *testing.T) clientgroup.Store { return pgtest.Store(t, pool) })
}

func TestContactConformance(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 8, nil)
	contacttest.RunStoreTests(t, func(t *testing.T) contact.Store { return pgtest.Store(t, pool) })
}

func TestProcedureConformance(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 8, nil)
	proceduretest.RunStoreTests(t, func(t *testing.T) procedure.Store { return pgtest.Store(t, pool) })
}
