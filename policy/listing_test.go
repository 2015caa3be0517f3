package policy_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
)

// listingFixture is an office whose admin created four dossiers, all
// assigned to the standard collaborator sam, over a store a replica can
// read too.
type listingFixture struct {
	ctx      context.Context
	store    *memstore.Store
	k        *kit.Kit
	admin    cabinet.UserID
	sam      cabinet.UserID
	dossiers []cabinet.DossierID // sorted
}

func newListingFixture(t *testing.T) *listingFixture {
	t.Helper()
	ctx := context.Background()
	store := memstore.New()
	k, err := kit.New(ctx, store, kit.WithIDs(&cabinet.SequentialIDs{}))
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	admin, err := rec(k.Teams.CreateUser(ctx, testHost, "Ada", "ada@example.com"))
	must(err)
	sam, err := rec(k.Teams.CreateUser(ctx, testHost, "Sam", "sam@example.com"))
	must(err)
	office, err := rec(k.Groups.CreateOffice(ctx, admin.ID, "Practice", "office@example.com"))
	must(err)
	must(errOf(k.Groups.AddCollaborator(ctx, admin.ID, office.ID, sam.ID, cabinet.ProfileStandard)))
	f := &listingFixture{ctx: ctx, store: store, k: k, admin: admin.ID, sam: sam.ID}
	for _, name := range []string{"Dupont", "Martin", "Bernard", "Petit"} {
		d, err := rec(k.Access.CreateDossier(ctx, admin.ID, office.ID, name))
		must(err)
		must(errOf(k.Access.SetAssigned(ctx, admin.ID, d.ID, []cabinet.UserID{sam.ID})))
		f.dossiers = append(f.dossiers, d.ID)
	}
	slices.Sort(f.dossiers)
	return f
}

// invalidField returns the field an *cabinet.InvalidError names, or "" for
// any other error.
func invalidField(err error) string {
	var inv *cabinet.InvalidError
	if errors.As(err, &inv) {
		return inv.Field
	}
	return ""
}

// TestPOL3ListingsRejectBadInput checks that the paged reverse queries
// answer bad input with an *cabinet.InvalidError naming the field: a
// negative limit, a cursor that is not one or belongs to another query
// (another subject, action, filter, resource or listing), an action or a
// resource they do not answer for (POL-3).
func TestPOL3ListingsRejectBadInput(t *testing.T) {
	f := newListingFixture(t)
	ctx, e := f.ctx, f.k.Policy
	sam, admin := policy.User(f.sam), policy.User(f.admin)
	view := policy.ResourceQuery{Action: policy.ViewDossier}
	first := cabinet.FirstPage(1)
	resCursor := func(s policy.Subject, q policy.ResourceQuery) cabinet.Cursor {
		pg, err := e.Resources(ctx, s, q, first)
		if err != nil || pg.Next == "" {
			t.Fatalf("Resources(%s, %+v): %v, next %q", s, q, err, pg.Next)
		}
		return pg.Next
	}
	samView := resCursor(sam, view)
	dosCursor := func(q policy.DossierQuery) cabinet.Cursor {
		pg, err := e.DossiersPage(ctx, sam, q, first)
		if err != nil || pg.Next == "" {
			t.Fatalf("DossiersPage(%+v): %v, next %q", q, err, pg.Next)
		}
		return pg.Next
	}
	whoQ := policy.WhoQuery{Action: policy.ViewDossier, Resource: policy.DossierResource(f.dossiers[0])}
	whoPage, err := e.Who(ctx, whoQ, first)
	if err != nil || whoPage.Next == "" {
		t.Fatalf("Who: %v, next %q", err, whoPage.Next)
	}
	after := func(c cabinet.Cursor) cabinet.Page { return cabinet.Page{After: c, Limit: 1} }
	for _, tc := range []struct {
		name  string
		run   func() error
		field string
	}{
		{"a negative limit", func() error {
			_, err := e.Resources(ctx, sam, view, cabinet.Page{Limit: -1})
			return err
		}, "limit"},
		{"a negative limit (Who)", func() error { _, err := e.Who(ctx, whoQ, cabinet.Page{Limit: -1}); return err }, "limit"},
		{"not a cursor", func() error { _, err := e.Resources(ctx, sam, view, after("dos_1")); return err }, "cursor"},
		{"a truncated cursor", func() error { _, err := e.Resources(ctx, sam, view, after(samView[:len(samView)-3])); return err }, "cursor"},
		{"a cursor edited past the store's head", func() error {
			// The reviewer's forgery: the revision of a real cursor raised
			// to 2^62. Refused at once, not waited for until ctx ends.
			b, err := base64.RawURLEncoding.DecodeString(string(samView))
			if err != nil {
				t.Fatal(err)
			}
			_, n := binary.Uvarint(b[9:])
			forged := append(binary.AppendUvarint(slices.Clone(b[:9]), 1<<62), b[9+n:]...)
			tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_, err = e.Resources(tctx, sam, view, after(cabinet.Cursor(base64.RawURLEncoding.EncodeToString(forged))))
			return err
		}, "cursor"},
		{"another subject's cursor", func() error { _, err := e.Resources(ctx, admin, view, after(samView)); return err }, "cursor"},
		{"another action's cursor", func() error {
			_, err := e.Resources(ctx, sam, policy.ResourceQuery{Action: policy.UseReports}, after(samView))
			return err
		}, "cursor"},
		{"Who's cursor in Resources", func() error { _, err := e.Resources(ctx, sam, view, after(whoPage.Next)); return err }, "cursor"},
		{"Resources' cursor in DossiersPage", func() error {
			_, err := e.DossiersPage(ctx, sam, policy.DossierQuery{}, after(samView))
			return err
		}, "cursor"},
		{"another filter's cursor", func() error {
			c := dosCursor(policy.DossierQuery{Status: cabinet.DossierDraft})
			_, err := e.DossiersPage(ctx, sam, policy.DossierQuery{}, after(c))
			return err
		}, "cursor"},
		{"another resource's cursor", func() error {
			q := whoQ
			q.Resource = policy.DossierResource(f.dossiers[1])
			_, err := e.Who(ctx, q, after(whoPage.Next))
			return err
		}, "cursor"},
		{"an office action in Resources", func() error {
			_, err := e.Resources(ctx, sam, policy.ResourceQuery{Action: policy.ViewOffice}, first)
			return err
		}, "action"},
		{"view_routes in Resources (it would enumerate every office's dossiers)", func() error {
			_, err := e.Resources(ctx, sam, policy.ResourceQuery{Action: policy.ViewRoutes}, first)
			return err
		}, "action"},
		{"view_routes in DossiersPage", func() error {
			_, err := e.DossiersPage(ctx, sam, policy.DossierQuery{Action: policy.ViewRoutes}, first)
			return err
		}, "action"},
		{"no action in Resources", func() error { _, err := e.Resources(ctx, sam, policy.ResourceQuery{}, first); return err }, "action"},
		{"a team action in DossiersPage", func() error {
			_, err := e.DossiersPage(ctx, sam, policy.DossierQuery{Action: policy.ViewTeam}, first)
			return err
		}, "action"},
		{"an office in Who", func() error {
			_, err := e.Who(ctx, policy.WhoQuery{Action: policy.ViewOffice, Resource: policy.OfficeResource("office_1")}, first)
			return err
		}, "resource"},
		{"an action of another kind in Who", func() error {
			_, err := e.Who(ctx, policy.WhoQuery{Action: policy.ViewTeam, Resource: whoQ.Resource}, first)
			return err
		}, "action"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, cabinet.ErrInvalid) || invalidField(err) != tc.field {
				t.Fatalf("error %v, want an *cabinet.InvalidError naming %q", err, tc.field)
			}
		})
	}
}

// TestPOL3PagesNeverTruncateSilently walks Resources with pages of one:
// every page but the last is full and has a next cursor, the last has
// none, and the walk lists every dossier once, in ID order (POL-3).
func TestPOL3PagesNeverTruncateSilently(t *testing.T) {
	f := newListingFixture(t)
	var got []cabinet.DossierID
	p := cabinet.FirstPage(1)
	for i := 0; ; i++ {
		pg, err := f.k.Policy.Resources(f.ctx, policy.User(f.sam), policy.ResourceQuery{Action: policy.EditSection, Section: 1}, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Resources) != 1 {
			t.Fatalf("page %d: %v, want one dossier", i, pg.Resources)
		}
		got = append(got, cabinet.DossierID(pg.Resources[0].ID))
		if pg.Next == "" {
			break
		}
		p = p.Next(pg.Next)
	}
	if !slices.Equal(got, f.dossiers) {
		t.Fatalf("listed %v, want %v", got, f.dossiers)
	}
}

// TestPOL3CursorContinuesOnTheNewerIndex: a cursor taken at revision r and
// used after the index moved continues in ID order on the newer index
// (Zanzibar's "at least as fresh"): the next page is at the new revision,
// lists nothing twice and drops a dossier the subject lost meanwhile.
func TestPOL3CursorContinuesOnTheNewerIndex(t *testing.T) {
	f := newListingFixture(t)
	e, sam := f.k.Policy, policy.User(f.sam)
	p1, err := e.DossiersPage(f.ctx, sam, policy.DossierQuery{}, cabinet.FirstPage(2))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p1.Dossiers, f.dossiers[:2]) || p1.Next == "" {
		t.Fatalf("first page %v (next %q), want %v and a cursor", p1.Dossiers, p1.Next, f.dossiers[:2])
	}
	rev, err := errRev2(f.k.Access.SetAssigned(f.ctx, f.admin, f.dossiers[2], nil))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.DossiersPage(f.ctx, sam, policy.DossierQuery{}, cabinet.Page{After: p1.Next, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Revision < rev || p2.Revision <= p1.Revision {
		t.Fatalf("second page at revision %d, first at %d, the change at %d", p2.Revision, p1.Revision, rev)
	}
	if !slices.Equal(p2.Dossiers, f.dossiers[3:]) || p2.Next != "" {
		t.Fatalf("second page %v (next %q), want %v and no cursor", p2.Dossiers, p2.Next, f.dossiers[3:])
	}
}

// errRev2 keeps the revision and error of a command's (record, revision,
// error).
func errRev2[T any](_ T, rev cabinet.Revision, err error) (cabinet.Revision, error) { return rev, err }

// TestPOL3CursorOfAFresherEngineWaits: a cursor of a page at revision r,
// used on a replica whose index is behind r, makes the replica catch up to
// r first: a walk never goes back to an older state (POL-3, POL-6).
func TestPOL3CursorOfAFresherEngineWaits(t *testing.T) {
	f := newListingFixture(t)
	replica, err := policy.New(f.ctx, f.store)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := errRev2(f.k.Access.SetAssigned(f.ctx, f.admin, f.dossiers[3], nil))
	if err != nil {
		t.Fatal(err)
	}
	if replica.Revision() >= rev {
		t.Fatalf("the replica is at %d, already past the change at %d", replica.Revision(), rev)
	}
	sam := policy.User(f.sam)
	p1, err := f.k.Policy.DossiersPage(f.ctx, sam, policy.DossierQuery{}, cabinet.FirstPage(2))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := replica.DossiersPage(f.ctx, sam, policy.DossierQuery{}, cabinet.Page{After: p1.Next, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Revision < p1.Revision {
		t.Fatalf("the replica answered at %d, behind the cursor's %d", p2.Revision, p1.Revision)
	}
	if !slices.Equal(p2.Dossiers, f.dossiers[2:3]) || p2.Next != "" {
		t.Fatalf("replica's page %v (next %q), want %v", p2.Dossiers, p2.Next, f.dossiers[2:3])
	}
}
