package team_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/team"
)

func TestReferralsAndFirstTeam_TEAM7(t *testing.T) {
	f := newFixture(t)
	ann, bob := f.user(t, "Ann"), f.user(t, "Bob")

	t.Run("TEAM-7 a referral outside a team lives in the personal team", func(t *testing.T) {
		r := f.refer(t, ann, "", "Client1")
		assert.Equal(t, f.personal(t, ann).ID, r.Team)
		assert.Equal(t, team.ConsentGiven, r.Consent)
		assert.Equal(t, start, r.CreatedAt)
		assert.Equal(t, team.ReferralCreated{Referral: r.ID, Team: r.Team, Referrer: ann, ClientName: "Client1",
			ClientEmail: "client1@example.com", Dossier: "dossier-client1", Consent: team.ConsentGiven}, f.last())
	})
	r2 := f.refer(t, ann, "", "Client2")
	pAnn := f.personal(t, ann).ID
	var first cabinet.TeamID
	t.Run("TEAM-7 creating the first team takes every personal referral", func(t *testing.T) {
		names := f.newNames(t, func() { first = f.team(t, ann, "First") })
		assert.Equal(t, []string{"team.team_created", "team.referral_moved", "team.referral_moved"}, names)
		created := f.log.Events()[len(f.log.Events())-3].(team.TeamCreated)
		assert.True(t, created.FirstTeam)
		refs, _, err := f.svc.Referrals(f.ctx, ann, first, team.ReferralFilter{}, cabinet.Page{})
		require.NoError(t, err)
		assert.Len(t, refs, 2)
		left, _, _ := f.svc.Referrals(f.ctx, ann, pAnn, team.ReferralFilter{}, cabinet.Page{})
		assert.Empty(t, left)
		assert.Equal(t, first, f.personal(t, ann).FirstTeam)
		assert.Equal(t, team.ReferralMoved{Referral: r2.ID, Dossier: r2.Dossier, Referrer: ann, From: pAnn, To: first, Reason: team.MoveFirstTeam}, f.last())
	})
	t.Run("TEAM-7 later teams receive nothing", func(t *testing.T) {
		r3 := f.refer(t, ann, "", "Client3")
		later := f.team(t, ann, "Later")
		assert.False(t, f.last().(team.TeamCreated).FirstTeam)
		assert.Equal(t, pAnn, f.getReferral(t, r3.ID).Team)
		refs, _, _ := f.svc.Referrals(f.ctx, ann, later, team.ReferralFilter{}, cabinet.Page{})
		assert.Empty(t, refs)
	})
	t.Run("TEAM-7 joining the first team by invitation takes the personal referrals", func(t *testing.T) {
		rb := f.refer(t, bob, "", "Client4")
		f.join(t, ann, first, bob, "Bob", team.RoleMember)
		assert.Equal(t, first, f.getReferral(t, rb.ID).Team)
	})
	t.Run("TEAM-7 a referrer moves a referral between personal team and a team", func(t *testing.T) {
		r := f.refer(t, bob, first, "Client5")
		assert.Equal(t, first, r.Team)
		pBob := f.personal(t, bob).ID
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, ann, r.ID, pAnn)), cabinet.ErrForbidden, "TEAM-7") // not the referrer
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, bob, r.ID, pAnn)), cabinet.ErrForbidden, "TEAM-7") // not a team bob belongs to
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, bob, r.ID, "team_404")), cabinet.ErrNotFound, "")
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, bob, "ref_404", pBob)), cabinet.ErrNotFound, "")
			_, rev, err := f.svc.MoveReferral(f.ctx, bob, r.ID, first)
			require.NoError(t, err, "to its current team: a no-op")
			assert.Equal(t, f.store.Revision(), rev)
		})
		moved, rev, err := f.svc.MoveReferral(f.ctx, bob, r.ID, pBob)
		require.NoError(t, err)
		assert.Equal(t, f.store.Revision(), rev)
		assert.Equal(t, pBob, moved.Team)
		assert.Equal(t, team.ReferralMoved{Referral: r.ID, Dossier: r.Dossier, Referrer: bob, From: first, To: pBob, Reason: team.MoveManual}, f.last())
		moved, _, err = f.svc.MoveReferral(f.ctx, bob, r.ID, first)
		require.NoError(t, err)
		assert.Equal(t, first, moved.Team)
	})
	t.Run("TEAM-7 not directly between two teams", func(t *testing.T) {
		second := f.team(t, bob, "Bob's second")
		r := f.refer(t, bob, first, "Client6")
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, bob, r.ID, second)), cabinet.ErrForbidden, "TEAM-7")
		})
	})
	t.Run("TEAM-7 referring into a team needs membership; bad input", func(t *testing.T) {
		carl := f.user(t, "Carl")
		f.facts.setInternal(carl, "d", true)
		f.facts.setInternal(ann, "d", true)
		for _, tc := range []struct {
			name     string
			actor    cabinet.UserID
			in       team.ReferInput
			sentinel error
			rule     string
		}{
			{"non-member", carl, team.ReferInput{Team: first, ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrForbidden, "TEAM-7"},
			{"unknown team", ann, team.ReferInput{Team: "team_404", ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrNotFound, ""},
			{"unknown actor", "user_404", team.ReferInput{ClientName: "C", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrNotFound, ""},
			{"no client name", ann, team.ReferInput{ClientName: " ", ClientEmail: "c@example.com", Dossier: "d"}, cabinet.ErrInvalid, "client_name"},
			{"bad client email", ann, team.ReferInput{ClientName: "C", ClientEmail: "c@", Dossier: "d"}, cabinet.ErrInvalid, "client_email"},
			{"no dossier", ann, team.ReferInput{ClientName: "C", ClientEmail: "c@example.com", Dossier: "  "}, cabinet.ErrInvalid, "dossier"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.noEvents(t, func() {
					_, rev, err := f.svc.Refer(f.ctx, tc.actor, tc.in)
					wantErr(t, err, tc.sentinel, tc.rule)
					assert.Zero(t, rev)
				})
			})
		}
	})
}

// TEAM-8 v2: referring is sharing a vault one already holds. Each attack of
// issue 11 is a row: the referral is refused naming the rule and nothing is
// written.
func TestTEAM8ReferRequiresReach(t *testing.T) {
	f := newFixture(t)
	manager := f.user(t, "Manager") // a collaborator who reaches d internally (GRP-3)
	outsider := f.user(t, "Outsider")
	member := f.user(t, "Member") // reaches d only through the team route
	notary := f.user(t, "Notary") // read_write external advisor of d: not internal, not central
	family := f.user(t, "Family") // read_write family member of d: not central
	departed := f.user(t, "Departed")
	holder := f.user(t, "Holder") // the granted holder of d
	const d = cabinet.DossierID("dossier-roux")
	f.facts.setInternal(manager, d, true)
	f.facts.setInternal(departed, d, true)
	f.facts.setCentral(holder, d, true)
	tm := f.team(t, manager, "Advisers")
	f.join(t, manager, tm, member, "Member", team.RoleMember)
	other := f.team(t, member, "Member's own")
	shared, _, err := f.svc.Refer(f.ctx, manager, team.ReferInput{Team: tm, ClientName: "Claire", ClientEmail: "claire@example.com", Dossier: d})
	require.NoError(t, err)
	ok, err := f.svc.ReachesDossier(f.ctx, member, d)
	require.NoError(t, err)
	require.True(t, ok, "the member reaches d through the team route")
	// The collaborator then leaves the office (GRP-11): no internal route.
	f.facts.setInternal(departed, d, false)
	f.facts.dossier("dossier-archived", cabinet.DossierArchived)
	f.facts.setInternal(manager, "dossier-archived", true)

	refer := func(actor cabinet.UserID, into cabinet.TeamID, dossier cabinet.DossierID) error {
		return err3(f.svc.Refer(f.ctx, actor, team.ReferInput{Team: into, ClientName: "Claire", ClientEmail: "claire@example.com", Dossier: dossier}))
	}
	for _, tc := range []struct {
		name     string
		actor    cabinet.UserID
		into     cabinet.TeamID
		dossier  cabinet.DossierID
		sentinel error
		rule     string
	}{
		{"an outsider with no office refers another office's dossier into their personal team", outsider, "", d, cabinet.ErrForbidden, "TEAM-8"},
		{"an outsider refers an unknown dossier", outsider, "", "dossier-404", cabinet.ErrForbidden, "TEAM-8"},
		{"a member reaching it only through the team route re-refers it into another team", member, other, d, cabinet.ErrForbidden, "TEAM-8"},
		{"the same member re-refers it into their personal team", member, "", d, cabinet.ErrForbidden, "TEAM-8"},
		{"a read_write notary refers the dossier", notary, "", d, cabinet.ErrForbidden, "TEAM-8"},
		{"a read_write family member refers the dossier", family, "", d, cabinet.ErrForbidden, "TEAM-8"},
		{"a collaborator removed from the office refers it", departed, "", d, cabinet.ErrForbidden, "TEAM-8"},
		{"ACC-12 an archived dossier is never shared", manager, "", "dossier-archived", cabinet.ErrConflict, "ACC-12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := f.referralCount(t)
			f.noEvents(t, func() { wantErr(t, refer(tc.actor, tc.into, tc.dossier), tc.sentinel, tc.rule) })
			assert.Equal(t, n, f.referralCount(t), "nothing is written")
			ok, err := f.svc.ReachesDossier(f.ctx, tc.actor, tc.dossier)
			require.NoError(t, err)
			if tc.actor != member {
				assert.False(t, ok, "no team route was opened")
			}
		})
	}
	t.Run("TEAM-8 a collaborator who reaches it internally refers it", func(t *testing.T) {
		require.NoError(t, refer(manager, "", d))
	})
	t.Run("TEAM-8 a granted central person refers themself", func(t *testing.T) {
		f.join(t, manager, tm, holder, "Holder", team.RoleMember)
		r, _, err := f.svc.Refer(f.ctx, holder, team.ReferInput{Team: tm, ClientName: "Holder", ClientEmail: email("Holder"), Dossier: d})
		require.NoError(t, err)
		assert.Equal(t, holder, r.Client)
	})
	// Attack closed: a read_only holder referring herself gets nothing
	// more herself: her team reaches the vault, she does not through it.
	t.Run("TEAM-8 the team route never applies to the dossier's central persons", func(t *testing.T) {
		ok, err := f.svc.ReachesDossier(f.ctx, holder, d)
		require.NoError(t, err)
		assert.False(t, ok, "the holder has no team route to her own vault")
		ok, err = f.svc.ReachesDossier(f.ctx, member, d)
		require.NoError(t, err)
		assert.True(t, ok, "her team reaches it")
		tt := f.getTeam(t, tm)
		wantErr(t, team.CanReachDossier(tt, shared, holder, team.RouteFacts{Central: true, ReferrerEntitled: true}), cabinet.ErrForbidden, "TEAM-8")
		assert.NoError(t, team.CanReachDossier(tt, shared, member, team.RouteFacts{ReferrerEntitled: true}))
	})
	t.Run("TEAM-8 the predicate", func(t *testing.T) {
		tt := f.getTeam(t, tm)
		for _, tc := range []struct {
			name string
			d    team.DossierReach
			rule string
		}{
			{"internal", team.DossierReach{Exists: true, Internal: true}, ""},
			{"central", team.DossierReach{Exists: true, Central: true}, ""},
			{"neither", team.DossierReach{Exists: true}, "TEAM-8"},
			{"unknown dossier", team.DossierReach{Internal: true, Central: true}, "TEAM-8"},
			{"archived", team.DossierReach{Exists: true, Internal: true, Archived: true}, "ACC-12"},
			{"archived and not entitled: TEAM-8 first", team.DossierReach{Exists: true, Archived: true}, "TEAM-8"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := team.CanRefer(tt, manager, tc.d)
				if tc.rule == "" {
					assert.NoError(t, err)
					return
				}
				assert.Equal(t, tc.rule, cabinet.RuleOf(err))
				wantErr(t, team.CanRefer(tt, outsider, tc.d), cabinet.ErrForbidden, "TEAM-7") // membership first
			})
		}
	})
}

// TEAM-8 v2 at move time: moving opens the vault to another team, so the
// mover must be its referrer and still entitled when moving; the first-team
// move applies the same check.
func TestTEAM8MoveReferralRechecksReach(t *testing.T) {
	f := newFixture(t)
	ann, bob := f.user(t, "Ann"), f.user(t, "Bob")
	r := f.refer(t, ann, "", "Kept")
	r2 := f.refer(t, ann, "", "Moved")
	// Ann leaves the office: she no longer reaches the first client's
	// dossier. Her first team receives only what she may still share.
	f.facts.setInternal(ann, r.Dossier, false)
	tm := f.team(t, ann, "First")
	pAnn := f.personal(t, ann).ID
	assert.Equal(t, pAnn, f.getReferral(t, r.ID).Team, "a referral its referrer may no longer share stays in the personal team")
	assert.Equal(t, tm, f.getReferral(t, r2.ID).Team)
	assert.Equal(t, tm, f.personal(t, ann).FirstTeam)
	f.join(t, ann, tm, bob, "Bob", team.RoleMember)
	ok, _ := f.svc.ReachesDossier(f.ctx, bob, r.Dossier)
	assert.False(t, ok, "Bob was never given the kept dossier")

	t.Run("TEAM-8 a referrer no longer entitled cannot move it into a team", func(t *testing.T) {
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, ann, r.ID, tm)), cabinet.ErrForbidden, "TEAM-8")
		})
		ok, _ := f.svc.ReachesDossier(f.ctx, bob, r.Dossier)
		assert.False(t, ok)
	})
	t.Run("TEAM-8 nor back into the personal team", func(t *testing.T) {
		f.facts.setInternal(ann, r2.Dossier, false)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, ann, r2.ID, pAnn)), cabinet.ErrForbidden, "TEAM-8")
		})
		f.facts.setInternal(ann, r2.Dossier, true)
	})
	t.Run("ACC-12 nor a referral of an archived dossier", func(t *testing.T) {
		f.facts.dossier(r2.Dossier, cabinet.DossierArchived)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, ann, r2.ID, pAnn)), cabinet.ErrConflict, "ACC-12")
		})
		f.facts.dossier(r2.Dossier, cabinet.DossierActivated)
	})
	t.Run("TEAM-7 only the referrer moves it, not another member", func(t *testing.T) {
		f.facts.setInternal(bob, r2.Dossier, true)
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.MoveReferral(f.ctx, bob, r2.ID, f.personal(t, bob).ID)), cabinet.ErrForbidden, "TEAM-7")
		})
	})
	t.Run("TEAM-8 entitled again, the referrer moves it", func(t *testing.T) {
		f.facts.setInternal(ann, r.Dossier, true)
		moved, _, err := f.svc.MoveReferral(f.ctx, ann, r.ID, tm)
		require.NoError(t, err)
		assert.Equal(t, tm, moved.Team)
		ok, _ := f.svc.ReachesDossier(f.ctx, bob, r.Dossier)
		assert.True(t, ok)
	})
}

func TestTeamRoute_TEAM8(t *testing.T) {
	f := newFixture(t)
	lead, member, outsider := f.user(t, "Lead"), f.user(t, "Member"), f.user(t, "Outsider")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, member, "Member", team.RoleMember)
	r := f.refer(t, lead, tm, "Client")
	tt := f.getTeam(t, tm)
	for _, tc := range []struct {
		name string
		user cabinet.UserID
		want bool
	}{
		{"referrer", lead, true},
		{"other member", member, true},
		{"outsider", outsider, false},
		{"unknown user", "user_404", false},
	} {
		t.Run("TEAM-8 "+tc.name, func(t *testing.T) {
			err := team.CanReachDossier(tt, r, tc.user, team.RouteFacts{ReferrerEntitled: true})
			if tc.want {
				assert.NoError(t, err)
			} else {
				wantErr(t, err, cabinet.ErrForbidden, "TEAM-8")
			}
			ok, err := f.svc.ReachesDossier(f.ctx, tc.user, r.Dossier)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ok)
		})
	}
	t.Run("TEAM-8 a referral of another team gives no route", func(t *testing.T) {
		other := f.getTeam(t, f.personal(t, lead).ID)
		wantErr(t, team.CanReachDossier(other, r, lead, team.RouteFacts{ReferrerEntitled: true}), cabinet.ErrForbidden, "TEAM-8")
		ok, _ := f.svc.ReachesDossier(f.ctx, lead, "dossier-unknown")
		assert.False(t, ok)
	})
	t.Run("TEAM-8 members see the client's referral", func(t *testing.T) {
		got, err := f.svc.Referral(f.ctx, member, r.ID)
		require.NoError(t, err)
		assert.Equal(t, r, got)
		wantErr(t, err2(f.svc.Referral(f.ctx, outsider, r.ID)), cabinet.ErrForbidden, "TEAM-12")
		wantErr(t, err2(f.svc.Referral(f.ctx, member, "ref_404")), cabinet.ErrNotFound, "")
	})
}

// TEAM-9 v2: consent is one switch per dossier, held by the dossier's
// granted central persons only.
func TestTEAM9ConsentIsOneSwitchPerDossier(t *testing.T) {
	f := newFixture(t)
	lead, member, other := f.user(t, "Lead"), f.user(t, "Member"), f.user(t, "Other")
	holder, cohold, family := f.user(t, "Holder"), f.user(t, "Cohold"), f.user(t, "Family")
	named := f.user(t, "Named") // whoever a referral names as its client
	t1 := f.team(t, lead, "T1")
	f.join(t, lead, t1, member, "Member", team.RoleMember)
	t2 := f.team(t, other, "T2")
	const d = cabinet.DossierID("dossier-roux")
	f.facts.setInternal(member, d, true)
	f.facts.setInternal(other, d, true)
	f.facts.setCentral(holder, d, true)
	f.facts.setCentral(cohold, d, true)
	r1, _, err := f.svc.Refer(f.ctx, member, team.ReferInput{Team: t1, ClientName: "Named", ClientEmail: email("Named"), Dossier: d})
	require.NoError(t, err)
	assert.Equal(t, named, r1.Client)
	r2, _, err := f.svc.Refer(f.ctx, other, team.ReferInput{Team: t2, ClientName: "Roux", ClientEmail: "roux@example.com", Dossier: d})
	require.NoError(t, err)
	reaches := func(u cabinet.UserID) bool {
		t.Helper()
		ok, err := f.svc.ReachesDossier(f.ctx, u, d)
		require.NoError(t, err)
		return ok
	}
	require.True(t, reaches(lead))
	require.True(t, reaches(other))

	t.Run("TEAM-9 only a granted central person changes consent", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			actor cabinet.UserID
		}{
			{"the referrer", member}, // issue 11: a rule with no test until now
			{"another referrer", other},
			{"the team's lead", lead},
			{"whoever the referral names as its client", named},
			{"a family member", family},
			{"nobody", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.noEvents(t, func() {
					wantErr(t, err3(f.svc.RevokeConsent(f.ctx, tc.actor, d)), sentinelFor(tc.actor), ruleUnlessEmpty(tc.actor, "TEAM-9"))
					wantErr(t, err3(f.svc.RestoreConsent(f.ctx, tc.actor, d)), sentinelFor(tc.actor), ruleUnlessEmpty(tc.actor, "TEAM-9"))
					wantErr(t, err2(f.svc.DossierConsent(f.ctx, tc.actor, d)), sentinelFor(tc.actor), ruleUnlessEmpty(tc.actor, "TEAM-9"))
				})
			})
		}
		f.noEvents(t, func() {
			wantErr(t, err3(f.svc.RevokeConsent(f.ctx, holder, "dossier-404")), cabinet.ErrForbidden, "TEAM-9")
		})
		assert.True(t, reaches(lead))
	})
	t.Run("TEAM-9 revoking closes the team route in every team, keeps the listings", func(t *testing.T) {
		c, err := f.svc.DossierConsent(f.ctx, holder, d)
		require.NoError(t, err)
		assert.Equal(t, team.DossierConsent{Dossier: d, State: team.ConsentGiven}, c, "given by default")
		f.clock.Advance(time.Hour)
		got, rev, err := f.svc.RevokeConsent(f.ctx, holder, d)
		require.NoError(t, err)
		assert.Equal(t, f.store.Revision(), rev)
		assert.Equal(t, team.DossierConsent{Dossier: d, State: team.ConsentRevoked, ChangedBy: holder, ChangedAt: start.Add(time.Hour)}, got)
		assert.Equal(t, team.ConsentWithdrawn{Dossier: d, By: holder, Referrals: []cabinet.ReferralID{r1.ID, r2.ID}, Teams: []cabinet.TeamID{t1, t2}}, f.last())
		for _, u := range []cabinet.UserID{lead, member, other} {
			assert.False(t, reaches(u), "%s still reaches the dossier", u)
		}
		for _, x := range []struct {
			actor cabinet.UserID
			tm    cabinet.TeamID
			id    cabinet.ReferralID
		}{{lead, t1, r1.ID}, {other, t2, r2.ID}} {
			refs, _, err := f.svc.Referrals(f.ctx, x.actor, x.tm, team.ReferralFilter{}, cabinet.Page{})
			require.NoError(t, err)
			require.Len(t, refs, 1, "still listed")
			assert.Equal(t, team.ConsentRevoked, refs[0].Consent, "the listing shows the dossier's consent")
			wantErr(t, team.CanReachDossier(f.getTeam(t, x.tm), refs[0], x.actor, team.RouteFacts{ReferrerEntitled: true}), cabinet.ErrForbidden, "TEAM-9")
		}
		f.noEvents(t, func() {
			_, rev, err := f.svc.RevokeConsent(f.ctx, cohold, d)
			require.NoError(t, err, "revoking again is a no-op, by either central person")
			assert.Equal(t, f.store.Revision(), rev)
		})
		got, err = f.svc.DossierConsent(f.ctx, cohold, d)
		require.NoError(t, err)
		assert.Equal(t, team.ConsentRevoked, got.State)
	})
	t.Run("TEAM-9 a referral made while revoked is listed revoked and opens nothing", func(t *testing.T) {
		r3, _, err := f.svc.Refer(f.ctx, lead, team.ReferInput{Team: t1, ClientName: "Roux", ClientEmail: "roux@example.com", Dossier: d})
		wantErr(t, err, cabinet.ErrForbidden, "TEAM-8") // the lead never reached it internally
		assert.Equal(t, team.Referral{}, r3)
		r4 := f.refer(t, lead, t1, "Unrelated")
		assert.Equal(t, team.ConsentGiven, r4.Consent)
	})
	t.Run("TEAM-9 consent given again reopens every team", func(t *testing.T) {
		got, _, err := f.svc.RestoreConsent(f.ctx, cohold, d)
		require.NoError(t, err)
		assert.Equal(t, team.ConsentGiven, got.State)
		assert.Equal(t, cohold, got.ChangedBy)
		assert.Equal(t, team.ConsentRestored{Dossier: d, By: cohold, Referrals: []cabinet.ReferralID{r1.ID, r2.ID}, Teams: []cabinet.TeamID{t1, t2}}, f.last())
		assert.True(t, reaches(lead))
		assert.True(t, reaches(other))
		assert.False(t, reaches(holder), "TEAM-8: never to the central person herself")
	})
	t.Run("TEAM-9 decision: consent changes on an archived dossier are allowed", func(t *testing.T) {
		f.facts.dossier(d, cabinet.DossierArchived)
		require.NoError(t, err3(f.svc.RevokeConsent(f.ctx, holder, d)))
		assert.False(t, reaches(lead))
		require.NoError(t, err3(f.svc.RestoreConsent(f.ctx, holder, d)))
		f.facts.dossier(d, cabinet.DossierActivated)
	})
	t.Run("TEAM-9 predicate", func(t *testing.T) {
		assert.NoError(t, team.CanManageConsent(true))
		wantErr(t, team.CanManageConsent(false), cabinet.ErrForbidden, "TEAM-9")
	})
}

// sentinelFor is ErrForbidden, or ErrNotFound for an empty actor.
func sentinelFor(actor cabinet.UserID) error {
	if actor == "" {
		return cabinet.ErrNotFound
	}
	return cabinet.ErrForbidden
}

// ruleUnlessEmpty is rule, or "" for an empty actor (an unknown user is
// ErrNotFound, which names no rule).
func ruleUnlessEmpty(actor cabinet.UserID, rule string) string {
	if actor == "" {
		return ""
	}
	return rule
}

func TestTEAM12FilterByConsent(t *testing.T) {
	f := newFixture(t)
	lead, m, holder := f.user(t, "Lead"), f.user(t, "M"), f.user(t, "Holder")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, m, "M", team.RoleMember)
	var all []team.Referral
	for i, who := range []cabinet.UserID{lead, m, lead, m, lead} {
		f.clock.Advance(time.Minute)
		all = append(all, f.refer(t, who, tm, "Client"+string(rune('A'+i))))
	}
	f.facts.setCentral(holder, all[2].Dossier, true)
	_, _, err := f.svc.RevokeConsent(f.ctx, holder, all[2].Dossier)
	require.NoError(t, err)
	all[2] = f.getReferral(t, all[2].ID)
	cx := f.user(t, "ClientC")
	all[2].Client = cx
	for _, tc := range []struct {
		name string
		f    team.ReferralFilter
		want []team.Referral
	}{
		{"TEAM-12 all", team.ReferralFilter{}, byID(all...)},
		{"TEAM-12 by referrer", team.ReferralFilter{Referrer: m}, byID(all[1], all[3])},
		{"TEAM-12 by consent revoked", team.ReferralFilter{Consent: team.ConsentRevoked}, byID(all[2])},
		{"TEAM-12 by referrer and consent", team.ReferralFilter{Referrer: lead, Consent: team.ConsentGiven}, byID(all[0], all[4])},
		{"TEAM-12 team field ignored", team.ReferralFilter{Team: "team_other"}, byID(all...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := f.svc.Referrals(f.ctx, m, tm, tc.f, cabinet.Page{})
			require.NoError(t, err)
			assert.Equal(t, cabinet.Cursor(""), next)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("TEAM-12 each entry carries referrer, client, consent and date", func(t *testing.T) {
		r := f.getReferral(t, all[2].ID)
		assert.Equal(t, lead, r.Referrer)
		assert.Equal(t, "ClientC", r.ClientName)
		assert.Equal(t, cx, r.Client)
		assert.Equal(t, team.ConsentRevoked, r.Consent)
		assert.Equal(t, start.Add(3*time.Minute), r.CreatedAt)
	})
	t.Run("TEAM-12 paginated", func(t *testing.T) {
		p1, next, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{Limit: 3})
		require.NoError(t, err)
		require.NotEmpty(t, next)
		p2, next2, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{After: next, Limit: 3})
		require.NoError(t, err)
		assert.Empty(t, next2)
		assert.Equal(t, byID(all...), append(p1, p2...))
	})
	t.Run("TEAM-12 members only", func(t *testing.T) {
		out := f.user(t, "Out")
		wantErr(t, err3(f.svc.Referrals(f.ctx, out, tm, team.ReferralFilter{}, cabinet.Page{})), cabinet.ErrForbidden, "TEAM-12")
		wantErr(t, err3(f.svc.Referrals(f.ctx, out, "team_404", team.ReferralFilter{}, cabinet.Page{})), cabinet.ErrNotFound, "")
	})
}

// Issue 12 (seed 000, "Gestion centralisée des références"): an advisor
// sees every referral they made, across teams, in one place — and only
// they do (TEAM-12).
func TestReferralsByReferrerAcrossTeams_TEAM12(t *testing.T) {
	f := newFixture(t)
	ann, bob := f.user(t, "Ann"), f.user(t, "Bob")
	t1 := f.team(t, ann, "T1")
	t2 := f.team(t, bob, "T2")
	f.join(t, bob, t2, ann, "Ann", team.RoleMember)
	mine := []team.Referral{f.refer(t, ann, t1, "C1"), f.refer(t, ann, "", "C2"), f.refer(t, ann, t2, "C3")}
	f.refer(t, bob, t2, "C4")
	// Ann leaves T2: the referral stays there (TEAM-11) and in her list.
	require.NoError(t, err2(f.svc.Leave(f.ctx, ann, t2)))
	got, next, err := f.svc.ReferralsBy(f.ctx, ann, ann, team.ReferralFilter{}, cabinet.Page{})
	require.NoError(t, err)
	assert.Empty(t, next)
	assert.Equal(t, byID(mine...), got)
	in2, _, err := f.svc.ReferralsBy(f.ctx, ann, ann, team.ReferralFilter{Team: t2, Referrer: bob}, cabinet.Page{})
	require.NoError(t, err)
	assert.Equal(t, []team.Referral{mine[2]}, in2, "f narrows; its Referrer is the one asked")
	p1, next, err := f.svc.ReferralsBy(f.ctx, ann, ann, team.ReferralFilter{}, cabinet.Page{Limit: 2})
	require.NoError(t, err)
	p2, _, err := f.svc.ReferralsBy(f.ctx, ann, ann, team.ReferralFilter{}, cabinet.Page{After: next, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, byID(mine...), append(p1, p2...))
	wantErr(t, err3(f.svc.ReferralsBy(f.ctx, bob, ann, team.ReferralFilter{}, cabinet.Page{})), cabinet.ErrForbidden, "TEAM-12")
	wantErr(t, err3(f.svc.ReferralsBy(f.ctx, "user_404", "user_404", team.ReferralFilter{}, cabinet.Page{})), cabinet.ErrNotFound, "")
	one, err := f.svc.Referral(f.ctx, ann, mine[2].ID)
	require.NoError(t, err, "the referrer still sees a referral in a team they left")
	assert.Equal(t, mine[2], one)
}

// Who sees one referral (TEAM-12, TEAM-9): its team's members, its referrer,
// the dossier's granted central persons; not whoever it names as client.
func TestReferralVisibility_TEAM12(t *testing.T) {
	f := newFixture(t)
	lead, holder, outsider := f.user(t, "Lead"), f.user(t, "Holder"), f.user(t, "Outsider")
	tm := f.team(t, lead, "T")
	r := f.refer(t, lead, tm, "Outsider") // names the outsider as client
	assert.Equal(t, outsider, r.Client)
	f.facts.setCentral(holder, r.Dossier, true)
	for _, u := range []cabinet.UserID{lead, holder} {
		got, err := f.svc.Referral(f.ctx, u, r.ID)
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	wantErr(t, err2(f.svc.Referral(f.ctx, outsider, r.ID)), cabinet.ErrForbidden, "TEAM-12")
	wantErr(t, team.CanViewReferral(f.getTeam(t, tm), r, outsider, false), cabinet.ErrForbidden, "TEAM-12")
	assert.NoError(t, team.CanViewReferral(f.getTeam(t, tm), r, holder, true))
}

func TestDeleteTeam_TEAM10(t *testing.T) {
	setup := func(t *testing.T) (*fixture, cabinet.UserID, cabinet.UserID, cabinet.UserID, cabinet.TeamID, []team.Referral) {
		f := newFixture(t)
		lead, admin, gone := f.user(t, "Lead"), f.user(t, "Admin"), f.user(t, "Gone")
		tm := f.team(t, lead, "T")
		f.join(t, lead, tm, admin, "Admin", team.RoleAdmin)
		f.join(t, lead, tm, gone, "Gone", team.RoleMember)
		refs := []team.Referral{f.refer(t, lead, tm, "C1"), f.refer(t, gone, tm, "C2"), f.refer(t, admin, tm, "C3")}
		require.NoError(t, err2(f.svc.Leave(f.ctx, gone, tm)))
		_, _, err := f.svc.Invite(f.ctx, lead, tm, "pending@example.com", team.RoleMember)
		require.NoError(t, err)
		return f, lead, admin, gone, tm, refs
	}
	t.Run("TEAM-10 a reassignment choice is required", func(t *testing.T) {
		f, _, admin, _, tm, _ := setup(t)
		f.noEvents(t, func() {
			wantErr(t, err2(f.svc.DeleteTeam(f.ctx, admin, tm, team.ReassignInvalid)), cabinet.ErrInvalid, "reassignment")
			wantErr(t, err2(f.svc.DeleteTeam(f.ctx, admin, tm, team.Reassignment(9))), cabinet.ErrInvalid, "reassignment")
			wantErr(t, err2(f.svc.DeleteTeam(f.ctx, admin, "team_404", team.ReassignToDeleter)), cabinet.ErrNotFound, "")
		})
		f.getTeam(t, tm)
	})
	t.Run("TEAM-10 all to the deleting admin's personal team", func(t *testing.T) {
		f, _, admin, _, tm, refs := setup(t)
		names := f.newNames(t, func() {
			rev, err := f.svc.DeleteTeam(f.ctx, admin, tm, team.ReassignToDeleter)
			require.NoError(t, err)
			assert.Equal(t, f.store.Revision(), rev)
		})
		assert.Equal(t, []string{"team.referral_moved", "team.referral_moved", "team.referral_moved", "team.team_deleted"}, names)
		p := f.personal(t, admin).ID
		for _, r := range refs {
			assert.Equal(t, p, f.getReferral(t, r.ID).Team)
		}
		del := f.last().(team.TeamDeleted)
		assert.Equal(t, team.ReassignToDeleter, del.Reassignment)
		assert.Equal(t, admin, del.DeletedBy)
		assert.Len(t, del.Invitations, 3, "two accepted and one pending invitation are gone")
		wantErr(t, err2(f.svc.Team(f.ctx, admin, tm)), cabinet.ErrNotFound, "")
		var left []team.Invitation
		require.NoError(t, f.store.ViewTeams(f.ctx, func(r team.Reader) error {
			var err error
			left, _, err = r.ListInvitations(f.ctx, team.InvitationFilter{Team: tm}, cabinet.Page{})
			return err
		}))
		assert.Empty(t, left)
	})
	t.Run("TEAM-10 each back to its referrer, who may have left", func(t *testing.T) {
		f, lead, admin, gone, tm, refs := setup(t)
		require.NoError(t, err2(f.svc.DeleteTeam(f.ctx, lead, tm, team.ReassignToReferrers)))
		for i, u := range []cabinet.UserID{lead, gone, admin} {
			assert.Equal(t, f.personal(t, u).ID, f.getReferral(t, refs[i].ID).Team)
		}
	})
}

func TestRemoveAndLeaveKeepReferrals_TEAM11(t *testing.T) {
	f := newFixture(t)
	lead, m1, m2 := f.user(t, "Lead"), f.user(t, "M1"), f.user(t, "M2")
	tm := f.team(t, lead, "T")
	f.join(t, lead, tm, m1, "M1", team.RoleAdmin)
	f.join(t, lead, tm, m2, "M2", team.RoleMember)
	r1, r2 := f.refer(t, m1, tm, "C1"), f.refer(t, m2, tm, "C2")

	names := f.newNames(t, func() { require.NoError(t, err2(f.svc.RemoveMember(f.ctx, lead, tm, m1))) })
	assert.Equal(t, []string{"team.member_removed"}, names)
	names = f.newNames(t, func() { require.NoError(t, err2(f.svc.Leave(f.ctx, m2, tm))) })
	assert.Equal(t, []string{"team.member_left"}, names)
	tt := f.getTeam(t, tm)
	assert.False(t, tt.IsMember(m1))
	assert.False(t, tt.IsMember(m2))
	for _, r := range []team.Referral{r1, r2} {
		assert.Equal(t, tm, f.getReferral(t, r.ID).Team, "TEAM-11: the referral stays in the team")
	}
	refs, _, err := f.svc.Referrals(f.ctx, lead, tm, team.ReferralFilter{}, cabinet.Page{})
	require.NoError(t, err)
	assert.Len(t, refs, 2)
	// The former member reaches the dossiers no more, nor moves them out.
	ok, _ := f.svc.ReachesDossier(f.ctx, m1, r1.Dossier)
	assert.False(t, ok)
	f.noEvents(t, func() {
		wantErr(t, err3(f.svc.MoveReferral(f.ctx, m1, r1.ID, f.personal(t, m1).ID)), cabinet.ErrForbidden, "TEAM-11")
		wantErr(t, err2(f.svc.Leave(f.ctx, m2, tm)), cabinet.ErrForbidden, "TEAM-4")
	})
}

func TestPredicatesDoNotAllocateOnAllow(t *testing.T) {
	members := []team.Member{{User: "u1", Role: team.RoleAdmin}, {User: "u2", Role: team.RoleMember}, {User: "u3", Role: team.RoleAdmin}}
	tt := team.Team{ID: "t", Lead: "u1", Members: members}
	pt := team.Team{ID: "p", Personal: true, Owner: "u2", Lead: "u2", Members: []team.Member{{User: "u2", Role: team.RoleAdmin}}}
	pend := team.Team{ID: "q", Pending: true, Lead: "u1", CreatedBy: "u2"}
	r := team.Referral{ID: "r", Team: "t", Referrer: "u2", Client: "c", Consent: team.ConsentGiven}
	inv := team.Invitation{ID: "i", Team: "t", Email: "x@example.com", Status: team.StatusPending, ExpiresAt: start.Add(time.Hour)}
	// Same case: cabinet.EqualEmails allocates to fold a mixed-case pair.
	x := cabinet.User{ID: "ux", Email: "x@example.com"}
	reach := team.DossierReach{Exists: true, Internal: true}
	allocs := testing.AllocsPerRun(100, func() {
		if team.CanViewTeam(tt, "u2") != nil || team.CanManageMembers(tt, "u3") != nil ||
			team.CanRename(tt, "u1") != nil || team.CanDelete(tt, "u1") != nil ||
			team.CanListReferrals(tt, "u2") != nil || team.CanReachDossier(tt, r, "u2", team.RouteFacts{ReferrerEntitled: true}) != nil ||
			team.CanLeave(tt, "u2") != nil || team.CanTransferLead(tt, "u1") != nil ||
			team.CanBecomeLead(tt, "u3") != nil || team.CanRemoveMember(tt, "u2") != nil ||
			team.CanSetRole(tt, "u1", team.RoleAdmin) != nil || team.CanAnswerTeam(pend, "u1") != nil ||
			team.CanViewTeam(pend, "u2") != nil || team.CanViewInvitation(tt, inv, x) != nil ||
			team.CanAcceptInvitation(tt, inv, x, start) != nil || team.CanResendInvitation(tt, inv, "u1") != nil ||
			team.CanRevokeInvitation(tt, inv, "u3") != nil || team.CanViewReferral(tt, r, "u2", false) != nil ||
			team.CanListReferralsBy("u2", "u2") != nil || team.CanManageConsent(true) != nil ||
			team.CanMoveReferral(tt, pt, r, "u2", reach) != nil || team.CanRefer(tt, "u2", reach) != nil {
			panic("denied")
		}
		if _, ok := tt.Role("u3"); !ok {
			panic("no role")
		}
	})
	assert.Zero(t, allocs)
}

// Issue 12: every event's name is "team." and the snake_case of its type's
// name, and names are unique.
func TestEventNamesMatchTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range team.EventTypes() {
		typ := reflect.TypeOf(e).Name()
		want := "team." + snake(typ)
		assert.Equal(t, want, e.EventName(), "event type %s", typ)
		assert.False(t, seen[e.EventName()], "duplicate event name %s", e.EventName())
		seen[e.EventName()] = true
	}
	assert.Len(t, seen, 23)
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// byID sorts referrals as listings return them: by ID (as strings, so
// "ref_10" comes before "ref_7").
func byID(rs ...team.Referral) []team.Referral {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b team.Referral) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

// TEAM-8 v2, GRP-11: the team route shares what its referrer holds, at
// every decision: when the referrer leaves the office (no internal route
// any more), the referrals they made no longer open the dossier to their
// team — nor to themselves through their personal team — and they open it
// again only if the referrer is entitled again.
func TestTEAM8TeamRouteClosesWhenTheReferrerLosesReach(t *testing.T) {
	f := newFixture(t)
	referrer := f.user(t, "Referrer")
	member := f.user(t, "Member")
	const d = cabinet.DossierID("dossier-roux")
	f.facts.setInternal(referrer, d, true)
	tm := f.team(t, referrer, "Advisers")
	f.join(t, referrer, tm, member, "Member", team.RoleMember)
	_, _, err := f.svc.Refer(f.ctx, referrer, team.ReferInput{Team: tm, ClientName: "Claire", ClientEmail: "claire@example.com", Dossier: d})
	require.NoError(t, err)
	reaches := func(u cabinet.UserID) bool {
		t.Helper()
		ok, err := f.svc.ReachesDossier(f.ctx, u, d)
		require.NoError(t, err)
		return ok
	}
	require.True(t, reaches(member), "the member reaches d through the team route")

	f.facts.setInternal(referrer, d, false) // the referrer leaves the office
	assert.False(t, reaches(member), "the route closes with the referrer's reach")
	assert.False(t, reaches(referrer), "the departed referrer keeps nothing through the team")

	f.facts.setCentral(referrer, d, true) // entitled again, as the vault's client
	assert.True(t, reaches(member))

	tt := f.getTeam(t, tm)
	var r team.Referral
	require.NoError(t, f.store.ViewTeams(f.ctx, func(rd team.Reader) error {
		refs, _, err := rd.ListReferrals(f.ctx, team.ReferralFilter{Team: tm}, cabinet.Page{})
		if err == nil && len(refs) == 1 {
			r = refs[0]
		}
		return err
	}))
	wantErr(t, team.CanReachDossier(tt, r, member, team.RouteFacts{}), cabinet.ErrForbidden, "TEAM-8")
}
