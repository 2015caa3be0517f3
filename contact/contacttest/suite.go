// Package contacttest is the conformance suite of contact.Store: every
// implementation runs RunStoreTests unchanged (memstore does, in
// memstore/contact_test.go).
package contacttest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/storetest"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func update(t *testing.T, s contact.Store, fn func(w contact.Writer) error) cabinet.Revision {
	t.Helper()
	rev, err := s.UpdateContacts(context.Background(), fn)
	if err != nil {
		t.Fatalf("UpdateContacts: %v", err)
	}
	return rev
}

func view(t *testing.T, s contact.Store, fn func(r contact.Reader) error) {
	t.Helper()
	if err := s.ViewContacts(context.Background(), fn); err != nil {
		t.Fatalf("ViewContacts: %v", err)
	}
}

func mkContact(id, office, email string) contact.Contact {
	return contact.Contact{ID: cabinet.ContactID(id), Office: cabinet.OfficeID(office), Kind: contact.KindClient,
		Status: contact.StatusAdded, FirstName: "F" + id, LastName: "L" + id, Email: email, CreatedAt: t0, UpdatedAt: t0}
}

// RunStoreTests checks every Reader and Writer method's contract on stores
// made by newStore (each call must return an empty store).
func RunStoreTests(t *testing.T, newStore func(t *testing.T) contact.Store) {
	ctx := context.Background()

	t.Run("Revision", func(t *testing.T) {
		s := newStore(t)
		storetest.Revisions(t, s.ViewContacts, s.UpdateContacts, func(ctx context.Context, w contact.Writer, n int) error {
			return w.PutContact(ctx, mkContact(fmt.Sprintf("c_rev%d", n), "o1", fmt.Sprintf("rev%d@example.com", n)))
		})
	})
	t.Run("Transactions", func(t *testing.T) {
		s := newStore(t)
		storetest.Transactions(t, s.ViewContacts, s.UpdateContacts, s.ContactReader, s.ContactWriter,
			func(ctx context.Context, w contact.Writer, n int) error {
				return w.PutContact(ctx, mkContact(fmt.Sprintf("c_tx%d", n), "o1", fmt.Sprintf("tx%d@example.com", n)))
			},
			func(ctx context.Context, r contact.Reader, n int) (bool, error) {
				_, err := r.Contact(ctx, cabinet.ContactID(fmt.Sprintf("c_tx%d", n)))
				if errors.Is(err, cabinet.ErrNotFound) {
					return false, nil
				}
				return err == nil, err
			})
	})
	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		view(t, s, func(r contact.Reader) error {
			checks := map[string]error{}
			_, checks["Contact"] = r.Contact(ctx, "nope")
			_, checks["ContactByEmail"] = r.ContactByEmail(ctx, "o1", "a@b.co")
			_, checks["Company"] = r.Company(ctx, "nope")
			_, checks["Project"] = r.Project(ctx, "nope")
			_, checks["Decision"] = r.Decision(ctx, "nope")
			_, checks["Unit"] = r.Unit(ctx, "nope")
			_, checks["Session"] = r.Session(ctx, "nope")
			for name, err := range checks {
				if !errors.Is(err, cabinet.ErrNotFound) {
					t.Errorf("%s: err = %v, want ErrNotFound", name, err)
				}
			}
			cs, err := r.ContactsByEmail(ctx, "a@b.co")
			if err != nil || len(cs) != 0 {
				t.Errorf("ContactsByEmail on empty store = %v, %v", cs, err)
			}
			return nil
		})
	})

	t.Run("PutAndGetEveryRecord", func(t *testing.T) {
		s := newStore(t)
		c := mkContact("c1", "o1", "Ann@Example.com")
		c.Phone, c.Dossier, c.Person = "+33612345678", "d1", "person_1"
		co := contact.Company{ID: "co1", Office: "o1", Name: "Acme", CreatedAt: t0}
		p := contact.Project{ID: "p1", Office: "o1", Name: "P", Partners: []cabinet.ContactID{"c1"}, CreatedAt: t0}
		d := contact.Decision{ID: "d1", Office: "o1", Title: "D", Partners: []cabinet.ContactID{"c1"}, CreatedAt: t0}
		u := contact.Unit{ID: "u1", Office: "o1", Name: "U", Status: contact.UnitStatusSold,
			Leads: []cabinet.ContactID{"c1", "c2"}, Buyers: []cabinet.ContactID{"c1"}, CreatedAt: t0, SoldAt: t0}
		ses := contact.Session{ID: "s1", Office: "o1", Actor: "alice", Contact: "c1", StartedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		rev := update(t, s, func(w contact.Writer) error {
			return errors.Join(w.PutContact(ctx, c), w.PutCompany(ctx, co), w.PutProject(ctx, p),
				w.PutDecision(ctx, d), w.PutUnit(ctx, u), w.PutSession(ctx, ses))
		})
		if rev == 0 {
			t.Errorf("revision after a write = 0")
		}
		view(t, s, func(r contact.Reader) error {
			gc, err := r.Contact(ctx, "c1")
			check(t, "Contact", c, gc, err)
			gco, err := r.Company(ctx, "co1")
			check(t, "Company", co, gco, err)
			gp, err := r.Project(ctx, "p1")
			check(t, "Project", p, gp, err)
			gd, err := r.Decision(ctx, "d1")
			check(t, "Decision", d, gd, err)
			gu, err := r.Unit(ctx, "u1")
			check(t, "Unit", u, gu, err)
			gs, err := r.Session(ctx, "s1")
			check(t, "Session", ses, gs, err)
			for _, f := range []contact.ContactFilter{{Dossier: "d1"}, {Person: "person_1"}, {Office: "o1", Dossier: "d1", Person: "person_1"}} {
				cs, next, err := r.ListContacts(ctx, f, cabinet.Page{})
				if err != nil || next != "" || len(cs) != 1 || cs[0].ID != "c1" {
					t.Errorf("ListContacts(%+v) = %v %q %v, want c1", f, cs, next, err)
				}
			}
			for _, f := range []contact.ContactFilter{{Dossier: "d2"}, {Person: "person_2"}} {
				if cs, _, err := r.ListContacts(ctx, f, cabinet.Page{}); err != nil || len(cs) != 0 {
					t.Errorf("ListContacts(%+v) = %v %v, want none", f, cs, err)
				}
			}
			return nil
		})
	})

	t.Run("EmptyIDRejected", func(t *testing.T) {
		s := newStore(t)
		_, err := s.UpdateContacts(ctx, func(w contact.Writer) error { return w.PutContact(ctx, mkContact("", "o1", "")) })
		if !errors.Is(err, cabinet.ErrInvalid) {
			t.Errorf("PutContact with empty ID: err = %v, want ErrInvalid", err)
		}
	})

	t.Run("CON-7 EmailUniqueIndex", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(w contact.Writer) error {
			return errors.Join(w.PutContact(ctx, mkContact("c1", "o1", "ann@example.com")),
				w.PutContact(ctx, mkContact("c2", "o2", "ANN@example.com")), // other office: allowed
				w.PutContact(ctx, mkContact("c3", "o1", "")),                // empty emails never collide
				w.PutContact(ctx, mkContact("c4", "o1", "")))
		})
		_, err := s.UpdateContacts(ctx, func(w contact.Writer) error {
			return w.PutContact(ctx, mkContact("c5", "o1", "Ann@Example.COM"))
		})
		if !errors.Is(err, cabinet.ErrConflict) || cabinet.RuleOf(err) != "CON-7" {
			t.Fatalf("duplicate email: err = %v, want conflict CON-7", err)
		}
		var ce *cabinet.ConflictError
		if errors.As(err, &ce) && !strings.Contains(ce.Reason, "c1") {
			t.Errorf("conflict %q does not name the existing contact c1", ce.Reason)
		}
		view(t, s, func(r contact.Reader) error {
			if _, err := r.Contact(ctx, "c5"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("c5 written despite conflict: %v", err)
			}
			c, err := r.ContactByEmail(ctx, "o1", " ANN@EXAMPLE.COM ")
			if err != nil || c.ID != "c1" {
				t.Errorf("ContactByEmail case-insensitive = %v, %v; want c1", c.ID, err)
			}
			cs, err := r.ContactsByEmail(ctx, "ann@EXAMPLE.com")
			if err != nil || len(cs) != 2 || cs[0].ID != "c1" || cs[1].ID != "c2" {
				t.Errorf("ContactsByEmail = %v, %v; want c1, c2", cs, err)
			}
			return nil
		})
		// Changing c1's email frees the old key and takes the new one.
		update(t, s, func(w contact.Writer) error {
			return w.PutContact(ctx, mkContact("c1", "o1", "new@example.com"))
		})
		update(t, s, func(w contact.Writer) error {
			return w.PutContact(ctx, mkContact("c5", "o1", "ann@example.com"))
		})
		_, err = s.UpdateContacts(ctx, func(w contact.Writer) error {
			return w.PutContact(ctx, mkContact("c3", "o1", "NEW@example.com"))
		})
		if cabinet.RuleOf(err) != "CON-7" {
			t.Errorf("edit onto a taken email: err = %v, want CON-7", err)
		}
		view(t, s, func(r contact.Reader) error {
			if c, err := r.ContactByEmail(ctx, "o1", "ann@example.com"); err != nil || c.ID != "c5" {
				t.Errorf("freed email: %v %v, want c5", c.ID, err)
			}
			if cs, _ := r.ContactsByEmail(ctx, "new@example.com"); len(cs) != 1 || cs[0].ID != "c1" {
				t.Errorf("ContactsByEmail(new) = %v", cs)
			}
			if c, _ := r.Contact(ctx, "c3"); c.Email != "" {
				t.Errorf("c3 changed despite conflict: %+v", c)
			}
			return nil
		})
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		s := newStore(t)
		rev0 := update(t, s, func(w contact.Writer) error { return w.PutContact(ctx, mkContact("c1", "o1", "a@b.co")) })
		boom := errors.New("boom")
		_, err := s.UpdateContacts(ctx, func(w contact.Writer) error {
			_ = w.PutContact(ctx, mkContact("c1", "o1", "changed@b.co"))
			_ = w.PutContact(ctx, mkContact("c2", "o1", "a2@b.co"))
			_ = w.PutUnit(ctx, contact.Unit{ID: "u1", Office: "o1", Name: "U", Status: contact.UnitStatusAvailable})
			_ = w.PutCompany(ctx, contact.Company{ID: "co1", Office: "o1", Name: "C"})
			_ = w.PutProject(ctx, contact.Project{ID: "p1", Office: "o1", Name: "P"})
			_ = w.PutDecision(ctx, contact.Decision{ID: "d1", Office: "o1", Title: "D"})
			_ = w.PutSession(ctx, contact.Session{ID: "s1", Office: "o1"})
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		view(t, s, func(r contact.Reader) error {
			c, _ := r.Contact(ctx, "c1")
			if c.Email != "a@b.co" {
				t.Errorf("c1 email = %q after rollback", c.Email)
			}
			if _, err := r.ContactByEmail(ctx, "o1", "changed@b.co"); !errors.Is(err, cabinet.ErrNotFound) {
				t.Errorf("email index not rolled back")
			}
			if _, err := r.ContactByEmail(ctx, "o1", "a@b.co"); err != nil {
				t.Errorf("old email index lost by rollback: %v", err)
			}
			for name, err := range map[string]error{
				"contact": second(r.Contact(ctx, "c2")), "unit": second(r.Unit(ctx, "u1")),
				"company": second(r.Company(ctx, "co1")), "project": second(r.Project(ctx, "p1")),
				"decision": second(r.Decision(ctx, "d1")), "session": second(r.Session(ctx, "s1")),
			} {
				if !errors.Is(err, cabinet.ErrNotFound) {
					t.Errorf("%s survived rollback: %v", name, err)
				}
			}
			return nil
		})
		rev2 := update(t, s, func(contact.Writer) error { return nil })
		if rev2 != rev0 {
			t.Errorf("revision after failed and empty writes = %d, want %d", rev2, rev0)
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(w contact.Writer) error {
			var errs []error
			for i := range 7 {
				c := mkContact(fmt.Sprintf("c%d", i), "o1", fmt.Sprintf("p%d@x.co", i))
				if i%2 == 1 {
					c.Kind = contact.KindLead
				}
				if i == 6 {
					c.Office = "o2"
				}
				errs = append(errs, w.PutContact(ctx, c),
					w.PutCompany(ctx, contact.Company{ID: contact.CompanyID(fmt.Sprintf("co%d", i)), Office: c.Office, Name: "C"}),
					w.PutProject(ctx, contact.Project{ID: contact.ProjectID(fmt.Sprintf("p%d", i)), Office: c.Office, Name: "P", Partners: partnersOf(i)}),
					w.PutDecision(ctx, contact.Decision{ID: contact.DecisionID(fmt.Sprintf("d%d", i)), Office: c.Office, Title: "D", Partners: partnersOf(i + 1)}),
					w.PutUnit(ctx, contact.Unit{ID: contact.UnitID(fmt.Sprintf("u%d", i)), Office: c.Office, Name: "U",
						Status: []contact.UnitStatus{contact.UnitStatusAvailable, contact.UnitStatusReserved}[i%2], Leads: partnersOf(i)}),
					w.PutSession(ctx, contact.Session{ID: contact.SessionID(fmt.Sprintf("s%d", i)), Office: c.Office, Actor: "a", Contact: c.ID}))
			}
			return errors.Join(errs...)
		})
		view(t, s, func(r contact.Reader) error {
			want := []string{"c0", "c1", "c2", "c3", "c4", "c5"}
			if got := collect(t, func(after cabinet.Cursor) ([]contact.Contact, cabinet.Cursor, error) {
				return r.ListContacts(ctx, contact.ContactFilter{Office: "o1"}, cabinet.Page{After: after, Limit: 4})
			}, func(c contact.Contact) string { return string(c.ID) }); !cmp.Equal(got, want) {
				t.Errorf("ListContacts pages = %v, want %v", got, want)
			}
			if got := collect(t, func(after cabinet.Cursor) ([]contact.Contact, cabinet.Cursor, error) {
				return r.ListContacts(ctx, contact.ContactFilter{Office: "o1", Kind: contact.KindLead}, cabinet.Page{After: after, Limit: 2})
			}, func(c contact.Contact) string { return string(c.ID) }); !cmp.Equal(got, []string{"c1", "c3", "c5"}) {
				t.Errorf("ListContacts leads = %v", got)
			}
			wantAll := []string{"0", "1", "2", "3", "4", "5"}
			strip := func(s string) string { return s[len(s)-1:] }
			checks := map[string][]string{
				"companies": collect(t, func(a cabinet.Cursor) ([]contact.Company, cabinet.Cursor, error) {
					return r.ListCompanies(ctx, "o1", cabinet.Page{After: a, Limit: 5})
				},
					func(v contact.Company) string { return strip(string(v.ID)) }),
				"projects": collect(t, func(a cabinet.Cursor) ([]contact.Project, cabinet.Cursor, error) {
					return r.ListProjects(ctx, contact.PartnerFilter{Office: "o1"}, cabinet.Page{After: a, Limit: 3})
				},
					func(v contact.Project) string { return strip(string(v.ID)) }),
				"decisions": collect(t, func(a cabinet.Cursor) ([]contact.Decision, cabinet.Cursor, error) {
					return r.ListDecisions(ctx, contact.PartnerFilter{Office: "o1"}, cabinet.Page{After: a, Limit: 1})
				},
					func(v contact.Decision) string { return strip(string(v.ID)) }),
				"units": collect(t, func(a cabinet.Cursor) ([]contact.Unit, cabinet.Cursor, error) {
					return r.ListUnits(ctx, contact.UnitFilter{Office: "o1"}, cabinet.Page{After: a, Limit: 6})
				},
					func(v contact.Unit) string { return strip(string(v.ID)) }),
				"sessions": collect(t, func(a cabinet.Cursor) ([]contact.Session, cabinet.Cursor, error) {
					return r.ListSessions(ctx, contact.SessionFilter{Office: "o1"}, cabinet.Page{After: a})
				}, func(v contact.Session) string { return strip(string(v.ID)) }),
			}
			for name, got := range checks {
				if !cmp.Equal(got, wantAll) {
					t.Errorf("%s = %v, want %v", name, got, wantAll)
				}
			}
			// The filters of projects, decisions and units (PartnerFilter,
			// UnitFilter): c1 is a partner of p1, p3 and p5 and of d0, d2
			// and d4, and attached to units u1, u3 and u5 (u5 reserved).
			filtered := map[string][]string{
				"projects of c1": collect(t, func(a cabinet.Cursor) ([]contact.Project, cabinet.Cursor, error) {
					return r.ListProjects(ctx, contact.PartnerFilter{Office: "o1", Partner: "c1"}, cabinet.Page{After: a, Limit: 1})
				}, func(v contact.Project) string { return strip(string(v.ID)) }),
				"decisions of c1": collect(t, func(a cabinet.Cursor) ([]contact.Decision, cabinet.Cursor, error) {
					return r.ListDecisions(ctx, contact.PartnerFilter{Partner: "c1"}, cabinet.Page{After: a, Limit: 2})
				}, func(v contact.Decision) string { return strip(string(v.ID)) }),
				"units of c1": collect(t, func(a cabinet.Cursor) ([]contact.Unit, cabinet.Cursor, error) {
					return r.ListUnits(ctx, contact.UnitFilter{Office: "o1", Lead: "c1"}, cabinet.Page{After: a, Limit: 1})
				}, func(v contact.Unit) string { return strip(string(v.ID)) }),
				"available units": collect(t, func(a cabinet.Cursor) ([]contact.Unit, cabinet.Cursor, error) {
					return r.ListUnits(ctx, contact.UnitFilter{Office: "o1", Status: contact.UnitStatusAvailable}, cabinet.Page{After: a, Limit: 2})
				}, func(v contact.Unit) string { return strip(string(v.ID)) }),
			}
			for name, want := range map[string][]string{
				"projects of c1": {"1", "3", "5"}, "decisions of c1": {"0", "2", "4", "6"},
				"units of c1": {"1", "3", "5"}, "available units": {"0", "2", "4"},
			} {
				if got := filtered[name]; !cmp.Equal(got, want) {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
			ss, next, err := r.ListSessions(ctx, contact.SessionFilter{Contact: "c6"}, cabinet.Page{Limit: 10})
			if err != nil || next != "" || len(ss) != 1 || ss[0].ID != "s6" {
				t.Errorf("ListSessions by contact = %v %q %v", ss, next, err)
			}
			return nil
		})
	})

	t.Run("CopiesNotAliases", func(t *testing.T) {
		s := newStore(t)
		u := contact.Unit{ID: "u1", Office: "o1", Name: "U", Status: contact.UnitStatusAvailable, Leads: []cabinet.ContactID{"c1"}, Buyers: []cabinet.ContactID{"c1"}}
		p := contact.Project{ID: "p1", Office: "o1", Name: "P", Partners: []cabinet.ContactID{"c1"}}
		d := contact.Decision{ID: "d1", Office: "o1", Title: "D", Partners: []cabinet.ContactID{"c1"}}
		update(t, s, func(w contact.Writer) error {
			return errors.Join(w.PutUnit(ctx, u), w.PutProject(ctx, p), w.PutDecision(ctx, d))
		})
		u.Leads[0], u.Buyers[0], p.Partners[0], d.Partners[0] = "x", "x", "x", "x" // mutate what was put
		view(t, s, func(r contact.Reader) error {
			gu, _ := r.Unit(ctx, "u1")
			gp, _ := r.Project(ctx, "p1")
			gd, _ := r.Decision(ctx, "d1")
			if gu.Leads[0] != "c1" || gu.Buyers[0] != "c1" || gp.Partners[0] != "c1" || gd.Partners[0] != "c1" {
				t.Errorf("store aliases the caller's slices")
			}
			gu.Leads[0], gu.Buyers[0], gp.Partners[0], gd.Partners[0] = "y", "y", "y", "y" // mutate what came out
			gu2, _ := r.Unit(ctx, "u1")
			gp2, _ := r.Project(ctx, "p1")
			gd2, _ := r.Decision(ctx, "d1")
			if gu2.Leads[0] != "c1" || gu2.Buyers[0] != "c1" || gp2.Partners[0] != "c1" || gd2.Partners[0] != "c1" {
				t.Errorf("store hands out its own slices")
			}
			return nil
		})
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.ViewContacts(cctx, func(contact.Reader) error { t.Error("view ran"); return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("ViewContacts: err = %v", err)
		}
		if _, err := s.UpdateContacts(cctx, func(contact.Writer) error { t.Error("update ran"); return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("UpdateContacts: err = %v", err)
		}
	})
}

// partnersOf returns ["c1"] for odd i, nil for even i: the partners (or
// leads) of the i-th record of the pagination test.
func partnersOf(i int) []cabinet.ContactID {
	if i%2 == 1 {
		return []cabinet.ContactID{"c1"}
	}
	return nil
}

func second[T any](_ T, err error) error { return err }

func check[T any](t *testing.T, name string, want, got T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, d)
	}
}

func collect[T any](t *testing.T, list func(after cabinet.Cursor) ([]T, cabinet.Cursor, error), key func(T) string) []string {
	t.Helper()
	var out []string
	var after cabinet.Cursor
	for range 100 {
		page, next, err := list(after)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, v := range page {
			out = append(out, key(v))
		}
		if next == "" {
			return out
		}
		after = next
	}
	t.Fatal("pagination does not end")
	return nil
}
