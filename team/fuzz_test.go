package team_test

import (
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/team"
)

// FuzzInputs feeds arbitrary strings to every command that parses text: bad
// input must give a typed error, never a panic, and a failed command must
// publish nothing.
func FuzzInputs(f *testing.F) {
	for _, s := range []string{"", " ", "Ann", "ann@example.com", "a@b", "x\x00y", "Émilie@Exemple.fr", "<a@b.c>", "admin", "team_2"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		fx := newFixture(t)
		lead := fx.user(t, "Lead")
		tm := fx.team(t, lead, "T")
		typed := func(err error) {
			t.Helper()
			if err != nil && !errors.Is(err, cabinet.ErrInvalid) && !errors.Is(err, cabinet.ErrConflict) &&
				!errors.Is(err, cabinet.ErrNotFound) && !errors.Is(err, cabinet.ErrForbidden) {
				t.Fatalf("untyped error %v", err)
			}
		}
		n := len(fx.log.Events())
		check := func(err error) {
			t.Helper()
			typed(err)
			if err != nil && len(fx.log.Events()) != n {
				t.Fatalf("failed command published events: %v", err)
			}
			n = len(fx.log.Events())
		}
		fx.facts.setInternal(lead, cabinet.DossierID(a), true)
		check(err3(fx.svc.CreateUser(fx.ctx, cabinet.Host(b), a, b)))
		check(err3(fx.svc.CreateTeam(fx.ctx, lead, a, "")))
		check(err3(fx.svc.RenameTeam(fx.ctx, lead, tm, b)))
		check(err3(fx.svc.SetDisplayName(fx.ctx, lead, a)))
		check(err3(fx.svc.Invite(fx.ctx, lead, tm, a, team.RoleMember)))
		check(err3(fx.svc.Refer(fx.ctx, lead, team.ReferInput{Team: cabinet.TeamID(b), ClientName: a, ClientEmail: b, Dossier: cabinet.DossierID(a)})))
		check(err3(fx.svc.RevokeConsent(fx.ctx, lead, cabinet.DossierID(b))))
		typed(err2(fx.svc.UserByEmail(fx.ctx, signup, a)))
		typed(err2(team.ParseRole(a)))
	})
}
