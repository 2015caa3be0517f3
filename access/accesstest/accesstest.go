// Package accesstest is the conformance suite of access.Store: every
// implementation runs RunStoreTests unchanged.
package accesstest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/internal/storetest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func dossier(id, office string, assigned ...cabinet.UserID) access.Dossier {
	return access.Dossier{ID: cabinet.DossierID(id), Office: cabinet.OfficeID(office), Name: "D " + id,
		Status: cabinet.DossierDraft, Manager: "u_mgr", Assigned: assigned, CreatedBy: "u_mgr", CreatedAt: t0}
}

func person(id, dossier string, rel access.Relation) access.Person {
	return access.Person{ID: access.PersonID(id), Dossier: cabinet.DossierID(dossier), Name: "P " + id, Relation: rel, CreatedAt: t0}
}

func advisor(id, dossier string) access.Advisor {
	return access.Advisor{ID: access.AdvisorID(id), Dossier: cabinet.DossierID(dossier), Name: "A " + id,
		Email: id + "@example.com", Phone: "+33612345678", Type: access.AdvisorNotary, CreatedAt: t0}
}

func personGrant(id, dossier, p, email string, user cabinet.UserID) access.Grant {
	g := access.Grant{ID: access.GrantID(id), Dossier: cabinet.DossierID(dossier), Office: "o1", Kind: access.GranteePerson,
		Person: access.PersonID(p), Email: email, Phone: "+33612345678", Level: access.LevelReadOnly, User: user,
		GrantedBy: "u_mgr", GrantedAt: t0}
	if user == "" {
		g.InvitedAt = t0
	}
	return g
}

func put(t *testing.T, s access.Store, fn func(ctx context.Context, w access.Writer) error) cabinet.Revision {
	t.Helper()
	ctx := context.Background()
	rev, err := s.UpdateAccess(ctx, func(w access.Writer) error { return fn(ctx, w) })
	require.NoError(t, err)
	return rev
}

func view(t *testing.T, s access.Store, fn func(ctx context.Context, r access.Reader)) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.ViewAccess(ctx, func(r access.Reader) error { fn(ctx, r); return nil }))
}

// RunStoreTests checks that the store made by newStore (a fresh, empty one
// per call) honours the access.Store contract.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) access.Store) {
	t.Run("Revision", func(t *testing.T) {
		s := newStore(t)
		storetest.Revisions(t, s.ViewAccess, s.UpdateAccess, func(ctx context.Context, w access.Writer, n int) error {
			return w.PutDossier(ctx, dossier(fmt.Sprintf("d_rev%d", n), "o1"))
		})
	})
	t.Run("ChangeLogKeys", func(t *testing.T) {
		s := newStore(t)
		upd := func(fn func(ctx context.Context, w access.Writer) error) func(ctx context.Context) (cabinet.Revision, error) {
			return func(ctx context.Context) (cabinet.Revision, error) {
				return s.UpdateAccess(ctx, func(w access.Writer) error { return fn(ctx, w) })
			}
		}
		storetest.Keys(t, s, upd(func(ctx context.Context, w access.Writer) error {
			return w.PutGrant(ctx, personGrant("g1", "d1", "p1", "a@example.com", "u1"))
		}), cabinet.KeyOf(cabinet.KeyGrant, "g1"), cabinet.KeyOf(cabinet.KeyDossier, "d1"), cabinet.KeyOf(cabinet.KeyPerson, "p1"), cabinet.KeyOf(cabinet.KeyUser, "u1"))
		// Relinking a grant names the old and the new account; a delete
		// names what was deleted.
		storetest.Keys(t, s, upd(func(ctx context.Context, w access.Writer) error {
			return w.PutGrant(ctx, personGrant("g1", "d1", "p1", "a@example.com", "u2"))
		}), cabinet.KeyOf(cabinet.KeyUser, "u1"), cabinet.KeyOf(cabinet.KeyUser, "u2"))
		storetest.Keys(t, s, upd(func(ctx context.Context, w access.Writer) error { return w.DeleteGrant(ctx, "g1") }),
			cabinet.KeyOf(cabinet.KeyGrant, "g1"), cabinet.KeyOf(cabinet.KeyDossier, "d1"), cabinet.KeyOf(cabinet.KeyUser, "u2"))
		storetest.Keys(t, s, upd(func(ctx context.Context, w access.Writer) error {
			return w.PutDossier(ctx, dossier("d5", "o1", "u7"))
		}), cabinet.KeyOf(cabinet.KeyDossier, "d5"), cabinet.KeyOf(cabinet.KeyOffice, "o1"), cabinet.KeyOf(cabinet.KeyUser, "u_mgr"), cabinet.KeyOf(cabinet.KeyUser, "u7"))
	})
	t.Run("Transactions", func(t *testing.T) {
		s := newStore(t)
		storetest.Transactions(t, s.ViewAccess, s.UpdateAccess, s.AccessReader, s.AccessWriter,
			func(ctx context.Context, w access.Writer, n int) error {
				return w.PutDossier(ctx, dossier(fmt.Sprintf("d_tx%d", n), "o1"))
			},
			func(ctx context.Context, r access.Reader, n int) (bool, error) {
				_, err := r.Dossier(ctx, cabinet.DossierID(fmt.Sprintf("d_tx%d", n)))
				if errors.Is(err, cabinet.ErrNotFound) {
					return false, nil
				}
				return err == nil, err
			})
	})
	t.Run("GetMissingIsNotFound", func(t *testing.T) {
		s := newStore(t)
		view(t, s, func(ctx context.Context, r access.Reader) {
			_, err := r.Dossier(ctx, "nope")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			_, err = r.Person(ctx, "nope")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			_, err = r.Advisor(ctx, "nope")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			_, err = r.Grant(ctx, "nope")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			_, err = r.GrantOfPerson(ctx, "nope")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			_, err = r.GrantOfAdvisor(ctx, "nope")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
		})
		_, err := s.UpdateAccess(context.Background(), func(w access.Writer) error {
			ctx := context.Background()
			assert.ErrorIs(t, w.DeletePerson(ctx, "nope"), cabinet.ErrNotFound)
			assert.ErrorIs(t, w.DeleteAdvisor(ctx, "nope"), cabinet.ErrNotFound)
			assert.ErrorIs(t, w.DeleteGrant(ctx, "nope"), cabinet.ErrNotFound)
			assert.ErrorIs(t, w.PutDossier(ctx, access.Dossier{}), cabinet.ErrInvalid)
			assert.ErrorIs(t, w.PutGrant(ctx, access.Grant{}), cabinet.ErrInvalid)
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("PutGetRoundTripAndIndexes", func(t *testing.T) {
		s := newStore(t)
		d := dossier("d1", "o1", "u_a", "u_b")
		p := person("p1", "d1", access.RelationHolder)
		a := advisor("a1", "d1")
		g := personGrant("g1", "d1", "p1", "Holder@Example.com", "")
		ga := access.Grant{ID: "g2", Dossier: "d1", Office: "o1", Kind: access.GranteeAdvisor, Advisor: "a1",
			Email: a.Email, Phone: a.Phone, Level: access.LevelReadWrite, User: "u_notary", GrantedAt: t0,
			ExpiresAt: t0.Add(30 * 24 * time.Hour)} // issue 16: the expiry round-trips
		rev := put(t, s, func(ctx context.Context, w access.Writer) error {
			return errors.Join(w.PutDossier(ctx, d), w.PutDossier(ctx, dossier("d2", "o2")), w.PutPerson(ctx, p),
				w.PutAdvisor(ctx, a), w.PutGrant(ctx, g), w.PutGrant(ctx, ga))
		})
		assert.NotZero(t, rev)
		view(t, s, func(ctx context.Context, r access.Reader) {
			got, err := r.Dossier(ctx, "d1")
			require.NoError(t, err)
			assert.Empty(t, cmp.Diff(d, got))
			gp, err := r.Person(ctx, "p1")
			require.NoError(t, err)
			assert.Equal(t, p, gp)
			gadv, err := r.Advisor(ctx, "a1")
			require.NoError(t, err)
			assert.Equal(t, a, gadv)
			gg, err := r.GrantOfPerson(ctx, "p1")
			require.NoError(t, err)
			assert.Equal(t, g, gg)
			gg, err = r.GrantOfAdvisor(ctx, "a1")
			require.NoError(t, err)
			assert.Equal(t, ga, gg)

			ds, next, err := r.Dossiers(ctx, access.DossierFilter{Office: "o2"}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Equal(t, cabinet.Cursor(""), next)
			require.Len(t, ds, 1)
			assert.Equal(t, cabinet.DossierID("d2"), ds[0].ID)

			for name, tc := range map[string]struct {
				f    access.GrantFilter
				want []access.GrantID
			}{
				"all":               {access.GrantFilter{}, []access.GrantID{"g1", "g2"}},
				"dossier":           {access.GrantFilter{Dossier: "d1"}, []access.GrantID{"g1", "g2"}},
				"other dossier":     {access.GrantFilter{Dossier: "d2"}, nil},
				"user":              {access.GrantFilter{User: "u_notary"}, []access.GrantID{"g2"}},
				"email ignore case": {access.GrantFilter{Email: "holder@EXAMPLE.com"}, []access.GrantID{"g1"}},
				"awaiting":          {access.GrantFilter{AwaitingAccount: true}, []access.GrantID{"g1"}},
				"dossier and user":  {access.GrantFilter{Dossier: "d1", User: "u_notary"}, []access.GrantID{"g2"}},
			} {
				gs, _, err := r.Grants(ctx, tc.f, cabinet.Page{Limit: 10})
				require.NoError(t, err, name)
				var ids []access.GrantID
				for _, g := range gs {
					ids = append(ids, g.ID)
				}
				assert.Equal(t, tc.want, ids, name)
			}
		})
		// Linking the account moves the grant between indexes.
		g.User, g.Reminders = "u_holder", 1
		put(t, s, func(ctx context.Context, w access.Writer) error { return w.PutGrant(ctx, g) })
		view(t, s, func(ctx context.Context, r access.Reader) {
			gs, _, err := r.Grants(ctx, access.GrantFilter{AwaitingAccount: true}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, gs)
			gs, _, err = r.Grants(ctx, access.GrantFilter{User: "u_holder"}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			require.Len(t, gs, 1)
			assert.Equal(t, g, gs[0])
		})
		// Deleting removes the records and their index entries.
		put(t, s, func(ctx context.Context, w access.Writer) error {
			return errors.Join(w.DeleteGrant(ctx, "g1"), w.DeletePerson(ctx, "p1"), w.DeleteGrant(ctx, "g2"), w.DeleteAdvisor(ctx, "a1"))
		})
		view(t, s, func(ctx context.Context, r access.Reader) {
			_, err := r.GrantOfPerson(ctx, "p1")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			_, err = r.GrantOfAdvisor(ctx, "a1")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			gs, _, err := r.Grants(ctx, access.GrantFilter{User: "u_holder"}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, gs)
			ps, _, err := r.Persons(ctx, access.PersonFilter{Dossier: "d1"}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, ps)
			as, _, err := r.Advisors(ctx, access.AdvisorFilter{}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, as)
		})
	})

	t.Run("DossierFilters", func(t *testing.T) {
		// GRP-11: a store indexes dossiers by manager and by assigned
		// collaborator, and the indexes follow every change.
		s := newStore(t)
		withStatus := func(d access.Dossier, st cabinet.DossierStatus, mgr cabinet.UserID) access.Dossier {
			d.Status, d.Manager = st, mgr
			return d
		}
		put(t, s, func(ctx context.Context, w access.Writer) error {
			return errors.Join(
				w.PutDossier(ctx, withStatus(dossier("d1", "o1", "u_a"), cabinet.DossierActivated, "u_m")),
				w.PutDossier(ctx, withStatus(dossier("d2", "o1", "u_a", "u_b"), cabinet.DossierArchived, "u_n")),
				w.PutDossier(ctx, withStatus(dossier("d3", "o1"), cabinet.DossierDraft, "u_m")),
				w.PutDossier(ctx, withStatus(dossier("d4", "o2", "u_a"), cabinet.DossierActivated, "u_m")),
				w.PutDossier(ctx, withStatus(dossier("d5", "o1"), cabinet.DossierActivated, "")),
			)
		})
		check := func(stage string, want map[string][]cabinet.DossierID, filters map[string]access.DossierFilter) {
			t.Helper()
			view(t, s, func(ctx context.Context, r access.Reader) {
				for name, f := range filters {
					ds, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
						return r.Dossiers(ctx, f, p)
					})
					require.NoError(t, err, name)
					var ids []cabinet.DossierID
					for _, d := range ds {
						ids = append(ids, d.ID)
					}
					assert.Equal(t, want[name], ids, "%s: %s", stage, name)
				}
			})
		}
		filters := map[string]access.DossierFilter{
			"manager":             {Manager: "u_m"},
			"manager in office":   {Office: "o1", Manager: "u_m"},
			"assigned":            {Assigned: "u_a"},
			"assigned in office":  {Office: "o1", Assigned: "u_a"},
			"status":              {Office: "o1", Status: cabinet.DossierActivated},
			"manager and status":  {Manager: "u_m", Status: cabinet.DossierDraft},
			"assigned and status": {Assigned: "u_a", Status: cabinet.DossierArchived},
			"nobody":              {Manager: "u_nobody"},
		}
		check("after put", map[string][]cabinet.DossierID{
			"manager":             {"d1", "d3", "d4"},
			"manager in office":   {"d1", "d3"},
			"assigned":            {"d1", "d2", "d4"},
			"assigned in office":  {"d1", "d2"},
			"status":              {"d1", "d5"},
			"manager and status":  {"d3"},
			"assigned and status": {"d2"},
		}, filters)
		put(t, s, func(ctx context.Context, w access.Writer) error {
			return errors.Join(
				w.PutDossier(ctx, withStatus(dossier("d1", "o1"), cabinet.DossierActivated, "u_n")),
				w.PutDossier(ctx, withStatus(dossier("d3", "o1", "u_a"), cabinet.DossierActivated, "")),
			)
		})
		check("after replace", map[string][]cabinet.DossierID{
			"manager":             {"d4"},
			"assigned":            {"d2", "d3", "d4"},
			"assigned in office":  {"d2", "d3"},
			"status":              {"d1", "d3", "d5"},
			"assigned and status": {"d2"},
		}, filters)
	})

	t.Run("Pagination", func(t *testing.T) {
		s := newStore(t)
		put(t, s, func(ctx context.Context, w access.Writer) error {
			if err := w.PutDossier(ctx, dossier("d1", "o1")); err != nil {
				return err
			}
			for i := range 7 {
				if err := w.PutPerson(ctx, person(fmt.Sprintf("p%d", i), "d1", access.RelationChild)); err != nil {
					return err
				}
			}
			return w.PutPerson(ctx, person("q0", "d9", access.RelationChild))
		})
		view(t, s, func(ctx context.Context, r access.Reader) {
			var got []access.PersonID
			var after cabinet.Cursor
			pages := 0
			for {
				ps, next, err := r.Persons(ctx, access.PersonFilter{Dossier: "d1"}, cabinet.Page{After: after, Limit: 3})
				require.NoError(t, err)
				assert.LessOrEqual(t, len(ps), 3)
				for _, p := range ps {
					got = append(got, p.ID)
				}
				pages++
				if next == "" {
					break
				}
				after = next
			}
			assert.Equal(t, []access.PersonID{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}, got)
			assert.Equal(t, 3, pages)
			_, _, err := r.Persons(ctx, access.PersonFilter{}, cabinet.Page{Limit: -1})
			assert.ErrorIs(t, err, cabinet.ErrInvalid)
			assert.Equal(t, "limit", cabinet.FieldOf(err))
			all, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
				return r.Persons(ctx, access.PersonFilter{}, p)
			})
			require.NoError(t, err)
			assert.Len(t, all, 8)
			// An exactly full last page has no next cursor.
			ps, next, err := r.Persons(ctx, access.PersonFilter{Dossier: "d1"}, cabinet.Page{After: "p3", Limit: 3})
			require.NoError(t, err)
			assert.Len(t, ps, 3)
			assert.Equal(t, cabinet.Cursor(""), next)
		})
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		s := newStore(t)
		rev0 := put(t, s, func(ctx context.Context, w access.Writer) error { return w.PutDossier(ctx, dossier("d1", "o1")) })
		boom := errors.New("boom")
		rev, err := s.UpdateAccess(context.Background(), func(w access.Writer) error {
			ctx := context.Background()
			d := dossier("d1", "o9")
			d.Name = "changed"
			require.NoError(t, w.PutDossier(ctx, d))
			require.NoError(t, w.PutPerson(ctx, person("p1", "d1", access.RelationHolder)))
			require.NoError(t, w.PutGrant(ctx, personGrant("g1", "d1", "p1", "x@example.com", "")))
			return boom
		})
		assert.ErrorIs(t, err, boom)
		assert.Zero(t, rev)
		view(t, s, func(ctx context.Context, r access.Reader) {
			d, err := r.Dossier(ctx, "d1")
			require.NoError(t, err)
			assert.Equal(t, "D d1", d.Name)
			ds, _, err := r.Dossiers(ctx, access.DossierFilter{Office: "o9"}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, ds)
			_, err = r.Person(ctx, "p1")
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			gs, _, err := r.Grants(ctx, access.GrantFilter{}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, gs)
		})
		// Nothing written: the revision does not move.
		rev2, err := s.UpdateAccess(context.Background(), func(w access.Writer) error { return nil })
		require.NoError(t, err)
		assert.Equal(t, rev0, rev2)
	})

	t.Run("CopiesNotAliases", func(t *testing.T) {
		s := newStore(t)
		d := dossier("d1", "o1", "u_a")
		put(t, s, func(ctx context.Context, w access.Writer) error { return w.PutDossier(ctx, d) })
		d.Assigned[0] = "u_mutated"
		view(t, s, func(ctx context.Context, r access.Reader) {
			got, err := r.Dossier(ctx, "d1")
			require.NoError(t, err)
			assert.Equal(t, []cabinet.UserID{"u_a"}, got.Assigned)
			got.Assigned[0] = "u_mutated"
			again, err := r.Dossier(ctx, "d1")
			require.NoError(t, err)
			assert.Equal(t, []cabinet.UserID{"u_a"}, again.Assigned)
			ds, _, err := r.Dossiers(ctx, access.DossierFilter{}, cabinet.Page{Limit: 10})
			require.NoError(t, err)
			ds[0].Assigned[0] = "u_mutated"
			again, err = r.Dossier(ctx, "d1")
			require.NoError(t, err)
			assert.Equal(t, []cabinet.UserID{"u_a"}, again.Assigned)
		})
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		called := false
		err := s.ViewAccess(ctx, func(access.Reader) error { called = true; return nil })
		assert.ErrorIs(t, err, context.Canceled)
		_, err = s.UpdateAccess(ctx, func(access.Writer) error { called = true; return nil })
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, called)
	})
}
