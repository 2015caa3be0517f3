package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

var _ kit.Store = (*pgstore.Store)(nil)

// story runs the quickstart's commands over store and returns the policy's
// decisions, one line per question.
func story(t *testing.T, store kit.Store) []string {
	t.Helper()
	ctx := context.Background()
	clock := cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	k, err := kit.New(ctx, store, kit.WithClock(clock), kit.WithIDs(&cabinet.SequentialIDs{}))
	require.NoError(t, err)
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	user := func(name, email string) cabinet.User {
		u, _, err := k.Teams.CreateUser(ctx, "signup", name, email)
		must(err)
		return u
	}
	louise, marc, noah := user("Louise", "louise@w.example"), user("Marc", "marc@w.example"), user("Noah", "noah@w.example")
	paul, claire, dupuis := user("Paul", "paul@p.example"), user("Claire", "claire@example.com"), user("Dupuis", "dupuis@n.example")
	office, _, err := k.Groups.CreateOffice(ctx, louise.ID, "Martin Wealth", "contact@w.example")
	must(err)
	_, _, err = k.Groups.AddCollaborator(ctx, louise.ID, office.ID, marc.ID, cabinet.ProfileStandard)
	must(err)
	_, _, err = k.Groups.AddCollaborator(ctx, louise.ID, office.ID, noah.ID, cabinet.ProfileStandard)
	must(err)
	estates, _, err := k.Groups.CreateClientGroup(ctx, louise.ID, office.ID, "Estates", "")
	must(err)
	d, _, err := k.Access.CreateDossier(ctx, marc.ID, office.ID, "Roux family")
	must(err)
	_, _, err = k.Access.SetStatus(ctx, marc.ID, d.ID, cabinet.DossierActivated)
	must(err)
	holder, _, err := k.Access.AddPerson(ctx, marc.ID, d.ID, access.PersonInput{Name: "Claire Roux", Relation: access.RelationHolder})
	must(err)
	_, _, err = k.Access.GrantPerson(ctx, marc.ID, holder.ID, access.GrantInput{Email: claire.Email, Phone: "06 12 34 56 78", Level: access.LevelReadWrite})
	must(err)
	notary, _, err := k.Access.RegisterAdvisor(ctx, marc.ID, d.ID, access.AdvisorInput{Name: "Dupuis", Email: dupuis.Email, Phone: "01 23 45 67 89", Type: access.AdvisorNotary})
	must(err)
	_, _, err = k.Access.GrantAdvisor(ctx, marc.ID, notary.ID, access.LevelReadWrite)
	must(err)
	tm, _, err := k.Teams.CreateTeam(ctx, marc.ID, "Roux advisers", "")
	must(err)
	inv, _, err := k.Teams.Invite(ctx, marc.ID, tm.ID, paul.Email, team.RoleMember)
	must(err)
	_, _, err = k.Teams.AcceptInvitation(ctx, paul.ID, inv.ID)
	must(err)
	_, _, err = k.Teams.Refer(ctx, marc.ID, team.ReferInput{Team: tm.ID, ClientName: "Claire Roux", ClientEmail: claire.Email, Dossier: d.ID})
	must(err)

	var out []string
	ask := func(u cabinet.UserID, a policy.Action, r policy.Resource) {
		dec, err := k.Policy.Check(ctx, policy.User(u), a, r)
		must(err)
		out = append(out, fmt.Sprintf("%s %s: %s", u, a, dec))
	}
	dossier := policy.DossierResource(d.ID)
	ask(noah.ID, policy.ViewDossier, dossier)
	_, err = k.Groups.MoveDossier(ctx, louise.ID, d.ID, estates.ID)
	must(err)
	_, _, err = k.Groups.AssignCollaborator(ctx, louise.ID, estates.ID, noah.ID)
	must(err)
	ask(noah.ID, policy.ViewDossier, dossier)
	ask(dupuis.ID, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory))
	ask(louise.ID, policy.ManageExternalAdvisors, dossier)
	ask(marc.ID, policy.ManageExternalAdvisors, dossier)
	ask(claire.ID, policy.ManageFamilyAccess, dossier)
	ask(paul.ID, policy.ViewDossier, dossier)
	for v, err := range k.Policy.Viewers(ctx, d.ID) {
		must(err)
		out = append(out, fmt.Sprintf("viewer %s via %s", v.User, v.Routes))
	}
	_, _, err = k.Teams.RevokeConsent(ctx, claire.ID, d.ID)
	must(err)
	ask(paul.ID, policy.ViewDossier, dossier)

	// A policy engine loaded afresh from the store agrees with the one kept
	// up to date by the events.
	fresh, err := kit.New(ctx, store, kit.WithClock(clock))
	must(err)
	for _, u := range []cabinet.UserID{louise.ID, marc.ID, noah.ID, paul.ID, claire.ID, dupuis.ID} {
		a, err := k.Policy.Check(ctx, policy.User(u), policy.ViewDossier, dossier)
		must(err)
		b, err := fresh.Policy.Check(ctx, policy.User(u), policy.ViewDossier, dossier)
		must(err)
		assert.Equal(t, a.String(), b.String(), "user %s", u)
	}
	return out
}

// The services run on pgstore as on memstore: the quickstart's story gives
// the same decisions on both.
func TestKitOnPostgresAgreesWithMemory(t *testing.T) {
	t.Parallel()
	onMemory := story(t, memstore.New())
	onPostgres := story(t, pgtest.Store(t, nil))
	assert.Equal(t, onMemory, onPostgres)
	assert.Len(t, onPostgres, 14)
}
