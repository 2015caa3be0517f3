// Package teamtest is the conformance suite of team.Store: every backend
// (memstore, and later PostgreSQL) runs RunStoreTests unchanged.
package teamtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/team"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// RunStoreTests checks the contract of team.Store, team.Reader and
// team.Writer on stores made by newStore (each subtest gets a fresh, empty
// store).
func RunStoreTests(t *testing.T, newStore func(t *testing.T) team.Store) {
	t.Run("Revision", func(t *testing.T) {
		s := newStore(t)
		storetest.Revisions(t, s.ViewTeams, s.UpdateTeams, func(ctx context.Context, w team.Writer, n int) error {
			return w.PutUser(ctx, user(fmt.Sprintf("u_rev%d", n), fmt.Sprintf("rev%d@example.com", n)))
		})
	})
	t.Run("ChangeLogKeys", func(t *testing.T) {
		s := newStore(t)
		upd := func(fn func(ctx context.Context, w team.Writer) error) func(ctx context.Context) (cabinet.Revision, error) {
			return func(ctx context.Context) (cabinet.Revision, error) {
				return s.UpdateTeams(ctx, func(w team.Writer) error { return fn(ctx, w) })
			}
		}
		storetest.Keys(t, s, upd(func(ctx context.Context, w team.Writer) error {
			return w.PutReferral(ctx, ref("r1", "t1", "u1", "c@example.com", "d1"))
		}), cabinet.KeyOf(cabinet.KeyReferral, "r1"), cabinet.KeyOf(cabinet.KeyTeam, "t1"), cabinet.KeyOf(cabinet.KeyDossier, "d1"), cabinet.KeyOf(cabinet.KeyUser, "u1"))
		// A move names the old and the new team and dossier.
		storetest.Keys(t, s, upd(func(ctx context.Context, w team.Writer) error {
			return w.PutReferral(ctx, ref("r1", "t2", "u1", "c@example.com", "d2"))
		}), cabinet.KeyOf(cabinet.KeyTeam, "t1"), cabinet.KeyOf(cabinet.KeyTeam, "t2"), cabinet.KeyOf(cabinet.KeyDossier, "d1"), cabinet.KeyOf(cabinet.KeyDossier, "d2"))
		storetest.Keys(t, s, upd(func(ctx context.Context, w team.Writer) error {
			if err := w.PutTeam(ctx, personal("tp", "u9")); err != nil {
				return err
			}
			return w.DeleteTeam(ctx, "tp")
		}), cabinet.KeyOf(cabinet.KeyTeam, "tp"), cabinet.KeyOf(cabinet.KeyUser, "u9"))
		// An account names the user and its account (issue 15).
		storetest.Keys(t, s, upd(func(ctx context.Context, w team.Writer) error {
			return w.PutUser(ctx, user("u8", "u8@example.com"))
		}), cabinet.KeyOf(cabinet.KeyUser, "u8"), cabinet.KeyOf(cabinet.KeyAccount, "u8"))
	})
	t.Run("Transactions", func(t *testing.T) {
		s := newStore(t)
		storetest.Transactions(t, s.ViewTeams, s.UpdateTeams, s.TeamReader, s.TeamWriter,
			func(ctx context.Context, w team.Writer, n int) error {
				return w.PutUser(ctx, user(fmt.Sprintf("u_tx%d", n), fmt.Sprintf("tx%d@example.com", n)))
			},
			func(ctx context.Context, r team.Reader, n int) (bool, error) {
				_, err := r.User(ctx, cabinet.UserID(fmt.Sprintf("u_tx%d", n)))
				if errors.Is(err, cabinet.ErrNotFound) {
					return false, nil
				}
				return err == nil, err
			})
	})
	t.Run("Users", func(t *testing.T) { testUsers(t, newStore(t)) })
	t.Run("Teams", func(t *testing.T) { testTeams(t, newStore(t)) })
	t.Run("Invitations", func(t *testing.T) { testInvitations(t, newStore(t)) })
	t.Run("Referrals", func(t *testing.T) { testReferrals(t, newStore(t)) })
	t.Run("Consents", func(t *testing.T) { testConsents(t, newStore(t)) })
	t.Run("PendingTeams", func(t *testing.T) { testPendingTeams(t, newStore(t)) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, newStore(t)) })
	t.Run("Rollback", func(t *testing.T) { testRollback(t, newStore(t)) })
	t.Run("Copies", func(t *testing.T) { testCopies(t, newStore(t)) })
	t.Run("CancelledContext", func(t *testing.T) { testCancelled(t, newStore(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newStore(t)) })
}

// testConcurrent runs writers and readers at once (run it with -race): every
// write commits exactly once and readers see whole transactions.
func testConcurrent(t *testing.T, s team.Store) {
	ctx := context.Background()
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("u%02d", i)
			_, err := s.UpdateTeams(ctx, func(w team.Writer) error {
				if err := w.PutUser(ctx, user(id, id+"@example.com")); err != nil {
					return err
				}
				return w.PutTeam(ctx, personal("t"+id, id))
			})
			if err != nil {
				t.Errorf("concurrent UpdateTeams: %v", err)
			}
		}()
		go func() {
			defer wg.Done()
			_ = s.ViewTeams(ctx, func(r team.Reader) error {
				users, _, err := r.ListUsers(ctx, cabinet.Page{})
				if err != nil {
					t.Errorf("concurrent ListUsers: %v", err)
				}
				for _, u := range users {
					if _, err := r.PersonalTeam(ctx, u.ID); err != nil {
						t.Errorf("user %s visible without its personal team: %v", u.ID, err)
					}
				}
				return nil
			})
		}()
	}
	wg.Wait()
	view(t, s, func(r team.Reader) error {
		users, _, _ := r.ListUsers(ctx, cabinet.Page{})
		if len(users) != n {
			t.Errorf("%d users after %d concurrent writes", len(users), n)
		}
		return nil
	})
}

func update(t *testing.T, s team.Store, fn func(w team.Writer) error) cabinet.Revision {
	t.Helper()
	rev, err := s.UpdateTeams(context.Background(), fn)
	if err != nil {
		t.Fatalf("UpdateTeams: %v", err)
	}
	return rev
}

func view(t *testing.T, s team.Store, fn func(r team.Reader) error) {
	t.Helper()
	if err := s.ViewTeams(context.Background(), fn); err != nil {
		t.Fatalf("ViewTeams: %v", err)
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, cabinet.ErrNotFound) {
		t.Errorf("%s: got %v, want ErrNotFound", what, err)
	}
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func user(id, email string) cabinet.User {
	return cabinet.User{ID: cabinet.UserID(id), DisplayName: "U " + id, Email: email, CreatedAt: t0}
}

func personal(id, owner string) team.Team {
	return team.Team{ID: cabinet.TeamID(id), Name: owner + " personal", Personal: true, Owner: cabinet.UserID(owner),
		Lead: cabinet.UserID(owner), CreatedBy: cabinet.UserID(owner), CreatedAt: t0,
		Members: []team.Member{{User: cabinet.UserID(owner), Role: team.RoleAdmin, JoinedAt: t0}}}
}

func group(id, lead string, others ...string) team.Team {
	tm := team.Team{ID: cabinet.TeamID(id), Name: "Team " + id, Lead: cabinet.UserID(lead), CreatedBy: cabinet.UserID(lead), CreatedAt: t0}
	tm.Members = append(tm.Members, team.Member{User: cabinet.UserID(lead), Role: team.RoleAdmin, JoinedAt: t0})
	for _, o := range others {
		tm.Members = append(tm.Members, team.Member{User: cabinet.UserID(o), Role: team.RoleMember, JoinedAt: t0})
	}
	return tm
}

func testUsers(t *testing.T, s team.Store) {
	ctx := context.Background()
	a, b := user("u1", "Ann@Example.com"), user("u2", "bob@example.com")
	rev := update(t, s, func(w team.Writer) error {
		if err := w.PutUser(ctx, a); err != nil {
			return err
		}
		return w.PutUser(ctx, b)
	})
	if rev == 0 {
		t.Errorf("revision after a write = 0")
	}
	view(t, s, func(r team.Reader) error {
		got, err := r.User(ctx, "u1")
		if err != nil {
			t.Errorf("User: %v", err)
		}
		diff(t, "User", a, got)
		got, err = r.UserByEmail(ctx, "ann@EXAMPLE.com")
		if err != nil {
			t.Errorf("UserByEmail is case-insensitive: %v", err)
		}
		diff(t, "UserByEmail", a, got)
		_, err = r.User(ctx, "nobody")
		wantNotFound(t, "User(unknown)", err)
		_, err = r.UserByEmail(ctx, "nobody@example.com")
		wantNotFound(t, "UserByEmail(unknown)", err)
		all, next, err := r.ListUsers(ctx, cabinet.Page{})
		if err != nil || next != "" {
			t.Errorf("ListUsers: next=%q err=%v", next, err)
		}
		diff(t, "ListUsers", []cabinet.User{a, b}, all)
		return nil
	})
	// A second user with the same email (any case) is a conflict.
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return w.PutUser(ctx, user("u3", "ANN@example.com")) })
	if !errors.Is(err, cabinet.ErrConflict) {
		t.Errorf("PutUser(duplicate email) = %v, want ErrConflict", err)
	}
	// Changing a user's email moves the lookup.
	a.Email = "ann@new.example"
	update(t, s, func(w team.Writer) error { return w.PutUser(ctx, a) })
	view(t, s, func(r team.Reader) error {
		_, err := r.UserByEmail(ctx, "ann@example.com")
		wantNotFound(t, "UserByEmail(old email)", err)
		got, err := r.UserByEmail(ctx, "ann@new.example")
		if err != nil || got.ID != "u1" {
			t.Errorf("UserByEmail(new email) = %v, %v", got.ID, err)
		}
		return nil
	})
	_, err = s.UpdateTeams(ctx, func(w team.Writer) error { return w.PutUser(ctx, user("", "x@example.com")) })
	if !errors.Is(err, cabinet.ErrInvalid) {
		t.Errorf("PutUser(empty ID) = %v, want ErrInvalid", err)
	}
}

func testTeams(t *testing.T, s team.Store) {
	ctx := context.Background()
	p1, p2 := personal("t1", "u1"), personal("t2", "u2")
	g := group("t3", "u1", "u2")
	update(t, s, func(w team.Writer) error {
		for _, tm := range []team.Team{p1, p2, g} {
			if err := w.PutTeam(ctx, tm); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(r team.Reader) error {
		got, err := r.Team(ctx, "t3")
		if err != nil {
			t.Errorf("Team: %v", err)
		}
		diff(t, "Team", g, got)
		got, err = r.PersonalTeam(ctx, "u2")
		if err != nil {
			t.Errorf("PersonalTeam: %v", err)
		}
		diff(t, "PersonalTeam", p2, got)
		_, err = r.Team(ctx, "nope")
		wantNotFound(t, "Team(unknown)", err)
		_, err = r.PersonalTeam(ctx, "nobody")
		wantNotFound(t, "PersonalTeam(unknown)", err)
		mine, _, err := r.ListTeams(ctx, team.TeamFilter{Member: "u2"}, cabinet.Page{})
		if err != nil {
			t.Errorf("ListTeams: %v", err)
		}
		diff(t, "ListTeams(member u2)", []team.Team{p2, g}, mine)
		all, _, _ := r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{})
		diff(t, "ListTeams(all)", []team.Team{p1, p2, g}, all)
		return nil
	})
	// A second personal team for the same owner is a conflict.
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return w.PutTeam(ctx, personal("t9", "u1")) })
	if !errors.Is(err, cabinet.ErrConflict) {
		t.Errorf("PutTeam(second personal team) = %v, want ErrConflict", err)
	}
	// Replacing a team re-indexes its members.
	g2 := group("t3", "u1")
	update(t, s, func(w team.Writer) error { return w.PutTeam(ctx, g2) })
	view(t, s, func(r team.Reader) error {
		mine, _, _ := r.ListTeams(ctx, team.TeamFilter{Member: "u2"}, cabinet.Page{})
		diff(t, "ListTeams(member u2) after removal", []team.Team{p2}, mine)
		return nil
	})
	update(t, s, func(w team.Writer) error { return w.DeleteTeam(ctx, "t3") })
	view(t, s, func(r team.Reader) error {
		_, err := r.Team(ctx, "t3")
		wantNotFound(t, "Team(deleted)", err)
		mine, _, _ := r.ListTeams(ctx, team.TeamFilter{Member: "u1"}, cabinet.Page{})
		diff(t, "ListTeams(member u1) after delete", []team.Team{p1}, mine)
		return nil
	})
	_, err = s.UpdateTeams(ctx, func(w team.Writer) error { return w.DeleteTeam(ctx, "t3") })
	wantNotFound(t, "DeleteTeam(missing)", err)
}

func testInvitations(t *testing.T, s team.Store) {
	ctx := context.Background()
	i1 := team.Invitation{ID: "i1", Team: "t1", Email: "Ann@example.com", Role: team.RoleMember, InvitedBy: "u1", Status: team.StatusPending, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	i2 := team.Invitation{ID: "i2", Team: "t2", Email: "ann@example.com", Role: team.RoleAdmin, InvitedBy: "u1", Status: team.StatusRevoked, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), ClosedAt: t0}
	i3 := team.Invitation{ID: "i3", Team: "t1", Email: "bob@example.com", Role: team.RoleMember, InvitedBy: "u1", Status: team.StatusPending, CreatedAt: t0, ExpiresAt: t0.Add(3 * time.Hour), ResentAt: t0.Add(2 * time.Hour)}
	update(t, s, func(w team.Writer) error {
		for _, inv := range []team.Invitation{i1, i2, i3} {
			if err := w.PutInvitation(ctx, inv); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(r team.Reader) error {
		got, err := r.Invitation(ctx, "i2")
		if err != nil {
			t.Errorf("Invitation: %v", err)
		}
		diff(t, "Invitation", i2, got)
		_, err = r.Invitation(ctx, "zz")
		wantNotFound(t, "Invitation(unknown)", err)
		for _, c := range []struct {
			name string
			f    team.InvitationFilter
			want []team.Invitation
		}{
			{"all", team.InvitationFilter{}, []team.Invitation{i1, i2, i3}},
			{"team", team.InvitationFilter{Team: "t1"}, []team.Invitation{i1, i3}},
			{"email any case", team.InvitationFilter{Email: "ANN@example.com"}, []team.Invitation{i1, i2}},
			{"status", team.InvitationFilter{Status: team.StatusRevoked}, []team.Invitation{i2}},
			{"team+email", team.InvitationFilter{Team: "t1", Email: "bob@example.com"}, []team.Invitation{i3}},
		} {
			got, _, err := r.ListInvitations(ctx, c.f, cabinet.Page{})
			if err != nil {
				t.Errorf("ListInvitations(%s): %v", c.name, err)
			}
			diff(t, "ListInvitations("+c.name+")", c.want, got)
		}
		return nil
	})
	i1.Team = "t2"
	update(t, s, func(w team.Writer) error {
		if err := w.PutInvitation(ctx, i1); err != nil {
			return err
		}
		return w.DeleteInvitation(ctx, "i3")
	})
	view(t, s, func(r team.Reader) error {
		got, _, _ := r.ListInvitations(ctx, team.InvitationFilter{Team: "t1"}, cabinet.Page{})
		diff(t, "ListInvitations(t1) after move and delete", []team.Invitation(nil), got)
		_, err := r.Invitation(ctx, "i3")
		wantNotFound(t, "Invitation(deleted)", err)
		return nil
	})
	_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return w.DeleteInvitation(ctx, "i3") })
	wantNotFound(t, "DeleteInvitation(missing)", err)
}

// ref builds a referral as a Reader returns it when its dossier has no
// consent record: Consent given.
func ref(id, tm, referrer, email, dossier string) team.Referral {
	return team.Referral{ID: cabinet.ReferralID(id), Team: cabinet.TeamID(tm), Referrer: cabinet.UserID(referrer),
		ClientName: "Client " + id, ClientEmail: email, Dossier: cabinet.DossierID(dossier), Consent: team.ConsentGiven, CreatedAt: t0}
}

func testReferrals(t *testing.T, s team.Store) {
	ctx := context.Background()
	r1 := ref("r1", "t1", "u1", "c1@example.com", "d1")
	r2 := ref("r2", "t1", "u2", "C1@example.com", "d2")
	r2.Client = "u9"
	r3 := ref("r3", "t2", "u1", "c3@example.com", "d1")
	update(t, s, func(w team.Writer) error {
		for _, x := range []team.Referral{r1, r2, r3} {
			if err := w.PutReferral(ctx, x); err != nil {
				return err
			}
		}
		// The consent of d2 is revoked: r2 reads with it (TEAM-9, one
		// switch per dossier).
		return w.PutDossierConsent(ctx, team.DossierConsent{Dossier: "d2", State: team.ConsentRevoked, ChangedBy: "u9", ChangedAt: t0})
	})
	r2.Consent = team.ConsentRevoked
	view(t, s, func(r team.Reader) error {
		got, err := r.Referral(ctx, "r2")
		if err != nil {
			t.Errorf("Referral: %v", err)
		}
		diff(t, "Referral (consent derived from the dossier)", r2, got)
		_, err = r.Referral(ctx, "zz")
		wantNotFound(t, "Referral(unknown)", err)
		for _, c := range []struct {
			name string
			f    team.ReferralFilter
			want []team.Referral
		}{
			{"all", team.ReferralFilter{}, []team.Referral{r1, r2, r3}},
			{"team", team.ReferralFilter{Team: "t1"}, []team.Referral{r1, r2}},
			{"team+referrer", team.ReferralFilter{Team: "t1", Referrer: "u2"}, []team.Referral{r2}},
			{"referrer across teams", team.ReferralFilter{Referrer: "u1"}, []team.Referral{r1, r3}},
			{"team+consent", team.ReferralFilter{Team: "t1", Consent: team.ConsentGiven}, []team.Referral{r1}},
			{"consent revoked", team.ReferralFilter{Consent: team.ConsentRevoked}, []team.Referral{r2}},
			{"client", team.ReferralFilter{Client: "u9"}, []team.Referral{r2}},
			{"client email any case", team.ReferralFilter{ClientEmail: "c1@EXAMPLE.com"}, []team.Referral{r1, r2}},
			{"dossier", team.ReferralFilter{Dossier: "d1"}, []team.Referral{r1, r3}},
			{"none", team.ReferralFilter{Team: "t9"}, nil},
		} {
			got, _, err := r.ListReferrals(ctx, c.f, cabinet.Page{})
			if err != nil {
				t.Errorf("ListReferrals(%s): %v", c.name, err)
			}
			diff(t, "ListReferrals("+c.name+")", c.want, got)
		}
		return nil
	})
	r1.Team, r1.Dossier, r1.ClientEmail, r1.Referrer = "t2", "d5", "new@example.com", "u3"
	stale := r1
	stale.Consent = team.ConsentRevoked // ignored: consent is the dossier's
	update(t, s, func(w team.Writer) error { return w.PutReferral(ctx, stale) })
	view(t, s, func(r team.Reader) error {
		for _, c := range []struct {
			name string
			f    team.ReferralFilter
			want []team.Referral
		}{
			{"old team", team.ReferralFilter{Team: "t1"}, []team.Referral{r2}},
			{"new team", team.ReferralFilter{Team: "t2"}, []team.Referral{r1, r3}},
			{"old dossier", team.ReferralFilter{Dossier: "d1"}, []team.Referral{r3}},
			{"new email", team.ReferralFilter{ClientEmail: "new@example.com"}, []team.Referral{r1}},
			{"old referrer", team.ReferralFilter{Referrer: "u1"}, []team.Referral{r3}},
			{"new referrer", team.ReferralFilter{Referrer: "u3"}, []team.Referral{r1}},
		} {
			got, _, _ := r.ListReferrals(ctx, c.f, cabinet.Page{})
			diff(t, "ListReferrals after replace ("+c.name+")", c.want, got)
		}
		return nil
	})
}

// testConsents checks the consent switches of dossiers (TEAM-9): one record
// per dossier, read back as stored, listed by state, and the consent every
// referral of that dossier reads with.
func testConsents(t *testing.T, s team.Store) {
	ctx := context.Background()
	view(t, s, func(r team.Reader) error {
		_, err := r.DossierConsent(ctx, "d1")
		wantNotFound(t, "DossierConsent(never set)", err)
		return nil
	})
	c1 := team.DossierConsent{Dossier: "d1", State: team.ConsentRevoked, ChangedBy: "u1", ChangedAt: t0}
	c2 := team.DossierConsent{Dossier: "d2", State: team.ConsentGiven, ChangedBy: "u2", ChangedAt: t0.Add(time.Hour)}
	update(t, s, func(w team.Writer) error {
		for _, x := range []team.Referral{ref("r1", "t1", "u1", "a@example.com", "d1"), ref("r2", "t2", "u1", "b@example.com", "d1")} {
			if err := w.PutReferral(ctx, x); err != nil {
				return err
			}
		}
		if err := w.PutDossierConsent(ctx, c1); err != nil {
			return err
		}
		return w.PutDossierConsent(ctx, c2)
	})
	view(t, s, func(r team.Reader) error {
		got, err := r.DossierConsent(ctx, "d1")
		if err != nil {
			t.Errorf("DossierConsent: %v", err)
		}
		diff(t, "DossierConsent", c1, got)
		all, next, err := r.ListDossierConsents(ctx, team.ConsentFilter{}, cabinet.Page{})
		if err != nil || next != "" {
			t.Errorf("ListDossierConsents: next %q, %v", next, err)
		}
		diff(t, "ListDossierConsents(all)", []team.DossierConsent{c1, c2}, all)
		revoked, _, _ := r.ListDossierConsents(ctx, team.ConsentFilter{State: team.ConsentRevoked}, cabinet.Page{})
		diff(t, "ListDossierConsents(revoked)", []team.DossierConsent{c1}, revoked)
		p1, next, _ := r.ListDossierConsents(ctx, team.ConsentFilter{}, cabinet.Page{Limit: 1})
		p2, last, _ := r.ListDossierConsents(ctx, team.ConsentFilter{}, cabinet.Page{After: next, Limit: 1})
		if next == "" || last != "" {
			t.Errorf("ListDossierConsents pages: next %q then %q", next, last)
		}
		diff(t, "ListDossierConsents pages", []team.DossierConsent{c1, c2}, append(p1, p2...))
		refs, _, _ := r.ListReferrals(ctx, team.ReferralFilter{Dossier: "d1"}, cabinet.Page{})
		for _, x := range refs {
			if x.Consent != team.ConsentRevoked {
				t.Errorf("referral %s of d1 reads consent %s, want revoked in every team", x.ID, x.Consent)
			}
		}
		return nil
	})
	// Giving it back reopens every referral of the dossier.
	c1.State, c1.ChangedAt = team.ConsentGiven, t0.Add(2*time.Hour)
	update(t, s, func(w team.Writer) error { return w.PutDossierConsent(ctx, c1) })
	view(t, s, func(r team.Reader) error {
		refs, _, _ := r.ListReferrals(ctx, team.ReferralFilter{Consent: team.ConsentRevoked}, cabinet.Page{})
		diff(t, "ListReferrals(revoked) after restore", []team.Referral(nil), refs)
		got, _ := r.DossierConsent(ctx, "d1")
		diff(t, "DossierConsent after restore", c1, got)
		return nil
	})
	for _, bad := range []team.DossierConsent{{State: team.ConsentRevoked}, {Dossier: "d3"}, {Dossier: "d3", State: team.Consent(9)}} {
		_, err := s.UpdateTeams(ctx, func(w team.Writer) error { return w.PutDossierConsent(ctx, bad) })
		if !errors.Is(err, cabinet.ErrInvalid) {
			t.Errorf("PutDossierConsent(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
}

// testPendingTeams checks TeamFilter.PendingLead (TEAM-1): pending teams
// are listed by their lead until they are accepted.
func testPendingTeams(t *testing.T, s team.Store) {
	ctx := context.Background()
	p := team.Team{ID: "t1", Name: "For Ann", Pending: true, Lead: "u1", CreatedBy: "u2", CreatedAt: t0}
	other := team.Team{ID: "t2", Name: "For Bob", Pending: true, Lead: "u3", CreatedBy: "u2", CreatedAt: t0}
	active := group("t3", "u1")
	update(t, s, func(w team.Writer) error {
		for _, tm := range []team.Team{p, other, active} {
			if err := w.PutTeam(ctx, tm); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(r team.Reader) error {
		got, _, err := r.ListTeams(ctx, team.TeamFilter{PendingLead: "u1"}, cabinet.Page{})
		if err != nil {
			t.Errorf("ListTeams(pending lead): %v", err)
		}
		diff(t, "ListTeams(pending for u1)", []team.Team{p}, got)
		mine, _, _ := r.ListTeams(ctx, team.TeamFilter{Member: "u1"}, cabinet.Page{})
		diff(t, "ListTeams(member u1): a pending team has no member", []team.Team{active}, mine)
		back, _ := r.Team(ctx, "t1")
		diff(t, "Team(pending)", p, back)
		return nil
	})
	accepted := p
	accepted.Pending = false
	accepted.Members = []team.Member{{User: "u1", Role: team.RoleAdmin, JoinedAt: t0}}
	update(t, s, func(w team.Writer) error { return w.PutTeam(ctx, accepted) })
	view(t, s, func(r team.Reader) error {
		got, _, _ := r.ListTeams(ctx, team.TeamFilter{PendingLead: "u1"}, cabinet.Page{})
		diff(t, "ListTeams(pending for u1) after acceptance", []team.Team(nil), got)
		mine, _, _ := r.ListTeams(ctx, team.TeamFilter{Member: "u1"}, cabinet.Page{})
		diff(t, "ListTeams(member u1) after acceptance", []team.Team{accepted, active}, mine)
		return nil
	})
	update(t, s, func(w team.Writer) error { return w.DeleteTeam(ctx, "t2") })
	view(t, s, func(r team.Reader) error {
		got, _, _ := r.ListTeams(ctx, team.TeamFilter{PendingLead: "u3"}, cabinet.Page{})
		diff(t, "ListTeams(pending for u3) after delete", []team.Team(nil), got)
		return nil
	})
}

func testPagination(t *testing.T, s team.Store) {
	ctx := context.Background()
	var want []team.Referral
	update(t, s, func(w team.Writer) error {
		want = want[:0] // the store may run this function more than once
		for _, id := range []string{"r1", "r2", "r3", "r4", "r5"} {
			x := ref(id, "t1", "u1", "c@example.com", "d")
			want = append(want, x)
			if err := w.PutReferral(ctx, x); err != nil {
				return err
			}
		}
		// One in another team, interleaved by ID, must not count in a page.
		return w.PutReferral(ctx, ref("r35", "t2", "u1", "c@example.com", "d"))
	})
	view(t, s, func(r team.Reader) error {
		var got []team.Referral
		var after cabinet.Cursor
		pages := 0
		for {
			p, next, err := r.ListReferrals(ctx, team.ReferralFilter{Team: "t1"}, cabinet.Page{After: after, Limit: 2})
			if err != nil {
				t.Fatalf("ListReferrals page: %v", err)
			}
			if len(p) > 2 {
				t.Errorf("page of %d > limit 2", len(p))
			}
			got = append(got, p...)
			pages++
			if next == "" {
				break
			}
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			after = next
		}
		diff(t, "all pages", want, got)
		if pages != 3 {
			t.Errorf("pages = %d, want 3", pages)
		}
		// An exact last page says there is no next page.
		p, next, _ := r.ListReferrals(ctx, team.ReferralFilter{Team: "t1"}, cabinet.Page{After: "r3", Limit: 2})
		if len(p) != 2 || next != "" {
			t.Errorf("last full page: %d records, next %q; want 2, \"\"", len(p), next)
		}
		users, next, err := r.ListUsers(ctx, cabinet.Page{Limit: 1})
		if err != nil || len(users) != 0 || next != "" {
			t.Errorf("ListUsers(empty store) = %v, %q, %v", users, next, err)
		}
		return nil
	})
}

func testRollback(t *testing.T, s team.Store) {
	ctx := context.Background()
	before := update(t, s, func(w team.Writer) error { return w.PutUser(ctx, user("u1", "a@example.com")) })
	boom := errors.New("boom")
	rev, err := s.UpdateTeams(ctx, func(w team.Writer) error {
		if err := w.PutUser(ctx, user("u2", "b@example.com")); err != nil {
			return err
		}
		if err := w.PutTeam(ctx, personal("t1", "u2")); err != nil {
			return err
		}
		if err := w.PutReferral(ctx, ref("r1", "t1", "u2", "c@example.com", "d")); err != nil {
			return err
		}
		if err := w.PutDossierConsent(ctx, team.DossierConsent{Dossier: "d", State: team.ConsentRevoked}); err != nil {
			return err
		}
		if err := w.PutInvitation(ctx, team.Invitation{ID: "i1", Team: "t1", Email: "x@example.com", Status: team.StatusPending}); err != nil {
			return err
		}
		// Reads inside the transaction see its own writes.
		if _, err := w.PersonalTeam(ctx, "u2"); err != nil {
			t.Errorf("read-your-writes: %v", err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("UpdateTeams returned %v, want fn's error", err)
	}
	if rev != 0 && rev != before {
		t.Errorf("failed UpdateTeams returned revision %d", rev)
	}
	view(t, s, func(r team.Reader) error {
		_, err := r.User(ctx, "u2")
		wantNotFound(t, "User after rollback", err)
		_, err = r.UserByEmail(ctx, "b@example.com")
		wantNotFound(t, "UserByEmail after rollback", err)
		_, err = r.PersonalTeam(ctx, "u2")
		wantNotFound(t, "PersonalTeam after rollback", err)
		_, err = r.Referral(ctx, "r1")
		wantNotFound(t, "Referral after rollback", err)
		_, err = r.Invitation(ctx, "i1")
		wantNotFound(t, "Invitation after rollback", err)
		_, err = r.DossierConsent(ctx, "d")
		wantNotFound(t, "DossierConsent after rollback", err)
		return nil
	})
	// Nothing written: the revision does not move.
	rev = update(t, s, func(team.Writer) error { return nil })
	if rev != before {
		t.Errorf("empty transaction revision = %d, want %d", rev, before)
	}
	next := update(t, s, func(w team.Writer) error { return w.PutUser(ctx, user("u3", "c@example.com")) })
	if next <= before {
		t.Errorf("revision after write = %d, want > %d", next, before)
	}
}

func testCopies(t *testing.T, s team.Store) {
	ctx := context.Background()
	g := group("t1", "u1", "u2")
	update(t, s, func(w team.Writer) error { return w.PutTeam(ctx, g) })
	g.Members[0].Role = team.RoleMember // mutate the caller's value after Put
	view(t, s, func(r team.Reader) error {
		got, _ := r.Team(ctx, "t1")
		if got.Members[0].Role != team.RoleAdmin {
			t.Errorf("store aliases the slice given to PutTeam")
		}
		got.Members[1].Role = team.RoleAdmin // mutate a value read
		again, _ := r.Team(ctx, "t1")
		if again.Members[1].Role != team.RoleMember {
			t.Errorf("store hands out an alias of its slice")
		}
		list, _, _ := r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{})
		list[0].Members[1].Role = team.RoleAdmin
		again, _ = r.Team(ctx, "t1")
		if again.Members[1].Role != team.RoleMember {
			t.Errorf("ListTeams hands out an alias of the store's slice")
		}
		return nil
	})
}

func testCancelled(t *testing.T, s team.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.ViewTeams(ctx, func(team.Reader) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("ViewTeams(cancelled) = %v, ran=%v", err, ran)
	}
	_, err = s.UpdateTeams(ctx, func(w team.Writer) error {
		ran = true
		return w.PutUser(ctx, user("u1", "a@example.com"))
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("UpdateTeams(cancelled) = %v", err)
	}
	_ = s.ViewTeams(context.Background(), func(r team.Reader) error {
		_, err := r.User(context.Background(), "u1")
		wantNotFound(t, "User after cancelled update", err)
		_, err = r.User(ctx, "u1")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Reader with a cancelled ctx = %v, want context.Canceled", err)
		}
		return nil
	})
}
