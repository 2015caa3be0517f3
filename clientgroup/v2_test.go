package clientgroup_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
)

// The tests of the rules changed or added by SPEC v2 (issue 11) and the
// seed features of issue 12, each attack of issue 11 shown impossible.

func (e *env) dossier(t *testing.T, id cabinet.DossierID) cabinet.DossierFacts {
	t.Helper()
	var d cabinet.DossierFacts
	must(t, e.store.ViewAccess(ctx, func(r access.Reader) error {
		var err error
		d, err = access.NewFacts(e.store).DossierFacts(ctx, r.Tx(), id)
		return err
	}))
	return d
}

// requireUnchanged asserts that a failed command changed nothing and
// published nothing (SPEC §3 invariant 8).
func requireUnchanged(t *testing.T, e *env, before snapshot, n int) {
	t.Helper()
	if d := cmp.Diff(before, takeSnapshot(t, e.store)); d != "" {
		t.Fatalf("a failed command changed the store: %s", d)
	}
	if got := len(e.log.Events()); got != n {
		t.Fatalf("a failed command published %d events", got-n)
	}
}

// GRP-11 v2: removing a collaborator releases them, in the same
// transaction, as manager of the office's dossiers and from every
// assigned list — archived dossiers included.
func TestGRP11RemoveCollaboratorReleasesDossiers(t *testing.T) {
	e := newEnv(t)
	e.setDossier(cabinet.DossierFacts{ID: "act3", Office: e.office, Status: cabinet.DossierActivated, Manager: "tia", Assigned: []cabinet.UserID{"sam", "ugo"}})
	e.setDossier(cabinet.DossierFacts{ID: "archived", Office: e.office, Status: cabinet.DossierArchived, Manager: "sam", Assigned: []cabinet.UserID{"tia"}})
	e.setDossier(cabinet.DossierFacts{ID: "other", Office: "office_elsewhere", Status: cabinet.DossierActivated, Manager: "sam"})
	rev, err := e.svc.RemoveCollaborator(ctx, "ann", e.office, "sam")
	must(t, err)
	if rev != e.store.Revision() {
		t.Errorf("revision %d, store at %d", rev, e.store.Revision())
	}
	for _, c := range []struct {
		id       cabinet.DossierID
		manager  cabinet.UserID
		assigned []cabinet.UserID
	}{
		{"act1", "", nil},
		{"act3", "tia", []cabinet.UserID{"ugo"}},
		{"archived", "", []cabinet.UserID{"tia"}},
		{"other", "sam", nil}, // another office's dossier: not this office's to release
	} {
		d := e.dossier(t, c.id)
		if d.Manager != c.manager || !slices.Equal(d.Assigned, c.assigned) {
			t.Errorf("%s: manager %q assigned %v, want %q %v", c.id, d.Manager, d.Assigned, c.manager, c.assigned)
		}
	}
	b := e.log.Batches()
	if len(b) != 1 {
		t.Fatalf("%d batches, want one", len(b))
	}
	want := []cabinet.Event{
		access.DossierManagerSet{Dossier: "act1", Office: e.office, Previous: "sam"},
		access.DossierManagerSet{Dossier: "archived", Office: e.office, Previous: "sam", Assigned: []cabinet.UserID{"tia"}},
		access.DossierAssignedChanged{Dossier: "act3", Office: e.office, Assigned: []cabinet.UserID{"ugo"}, Removed: []cabinet.UserID{"sam"}},
		clientgroup.CollaboratorRemoved{Office: e.office, User: "sam", Profile: cabinet.ProfileStandard},
	}
	if d := cmp.Diff(want, b[0].Events); d != "" {
		t.Errorf("events: %s", d)
	}
	t.Run("attack: ContactAddress kept the departed collaborator's email (GRP-7)", func(t *testing.T) {
		got, err := e.svc.ContactAddress(ctx, "ann", "act1")
		must(t, err)
		if got != "office@example.com" {
			t.Errorf("ContactAddress = %q, want the office's", got)
		}
		// Even a dossier that still names a departed manager (not released
		// by a store) is written about at the group's or office's address.
		e.setDossier(cabinet.DossierFacts{ID: "act2", Office: e.office, Status: cabinet.DossierActivated, Manager: "vic"})
		got, err = e.svc.ContactAddress(ctx, "ann", "act2")
		must(t, err)
		if got != "office@example.com" {
			t.Errorf("ContactAddress with a non-collaborator manager = %q", got)
		}
	})
	t.Run("a failure after the release rolls it back", func(t *testing.T) {
		e := newEnv(t)
		before := takeSnapshot(t, e.store)
		n := len(e.log.Events())
		for k := 1; k <= 2; k++ { // the release of act1, then the removal
			e.store.FailNextWrite(k, context.Canceled)
			_, err := e.svc.RemoveCollaborator(ctx, "ann", e.office, "sam")
			wantErr(t, err, context.Canceled, "")
			requireUnchanged(t, e, before, n)
		}
		e.store.DisarmFault()
		if d := e.dossier(t, "act1"); d.Manager != "sam" {
			t.Errorf("act1 manager %q", d.Manager)
		}
	})
}

// ACC-12 for placements: an archived dossier neither enters nor leaves a
// client group by MoveDossier; deleting its group still takes it out.
func TestACC12ArchivedPlacements(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e)
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", g1)))
	e.setDossier(cabinet.DossierFacts{ID: "act3", Office: e.office, Status: cabinet.DossierArchived})
	e.log.Reset()
	before := takeSnapshot(t, e.store)
	for _, to := range []cabinet.ClientGroupID{g2, ""} {
		_, err := e.svc.MoveDossier(ctx, "ann", "act3", to)
		wantErr(t, err, cabinet.ErrConflict, "ACC-12")
		_, err = e.svc.MoveDossiers(ctx, "ann", []cabinet.DossierID{"act1", "act3"}, to)
		if to == "" {
			wantErr(t, err, cabinet.ErrNotFound, "") // act1 is in no group
		} else {
			wantErr(t, err, cabinet.ErrConflict, "ACC-12")
		}
		requireUnchanged(t, e, before, 0)
	}
	_, err := e.svc.MoveDossier(ctx, "ann", "archived", g1)
	wantErr(t, err, cabinet.ErrConflict, "ACC-12")
	// The same answer as the pure predicate, whoever asks.
	if rule := cabinet.RuleOf(clientgroup.CanMoveDossier(e.dossier(t, "act3"), clientgroup.ClientGroup{}, cabinet.ProfileInvalid)); rule != "ACC-12" {
		t.Errorf("CanMoveDossier names %q", rule)
	}
	must(t, errRev(e.svc.DeleteClientGroup(ctx, "ann", g1)))
	var err2 error
	must(t, e.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		_, err2 = r.Placement(ctx, "act3")
		return nil
	}))
	wantErr(t, err2, cabinet.ErrNotFound, "")
}

// GRP-5 v2: after activation, placing and moving are for admins only —
// the manager names the group at activation (access.Service.Activate,
// through Facts.PlaceOnActivation).
func TestGRP5PlaceOnActivation(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e)
	other, _, err := e.svc.CreateOffice(ctx, "vic", "Elsewhere", "else@example.com")
	must(t, err)
	og, _, err := e.svc.CreateClientGroup(ctx, "vic", other.ID, "Theirs", "")
	must(t, err)
	facts := clientgroup.NewFacts(e.store, access.NewFacts(e.store))
	place := func(d cabinet.DossierID, g cabinet.ClientGroupID) ([]cabinet.Event, error) {
		var events []cabinet.Event
		_, err := e.store.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
			var err error
			events, err = facts.PlaceOnActivation(ctx, w.Tx(), d, g)
			return err
		})
		return events, err
	}
	e.log.Reset()
	before := takeSnapshot(t, e.store)
	for _, c := range []struct {
		d        cabinet.DossierID
		g        cabinet.ClientGroupID
		sentinel error
		rule     string
	}{
		{"act1", og.ID, cabinet.ErrConflict, "GRP-1"},
		{"draft", g1, cabinet.ErrForbidden, "GRP-5"},
		{"archived", g1, cabinet.ErrConflict, "ACC-12"},
		{"act1", "group_nope", cabinet.ErrNotFound, ""},
		{"act1", "", cabinet.ErrInvalid, "group"},
	} {
		_, err := place(c.d, c.g)
		wantErr(t, err, c.sentinel, c.rule)
		requireUnchanged(t, e, before, 0)
	}
	ev, err := place("act1", g1)
	must(t, err)
	if want := []cabinet.Event{clientgroup.DossierMoved{Office: e.office, Dossier: "act1", To: g1}}; !cmp.Equal(want, ev) {
		t.Errorf("events %v", ev)
	}
	if ev, err := place("act1", g1); err != nil || len(ev) != 0 {
		t.Errorf("placing again in the same group: %v %v", ev, err)
	}
	_, err = place("act1", g2)
	wantErr(t, err, cabinet.ErrConflict, "GRP-5")
	// A manager never moves a dossier with MoveDossier (GRP-5).
	_, err = e.svc.MoveDossier(ctx, "sam", "act1", g2)
	wantErr(t, err, cabinet.ErrForbidden, "GRP-5")
}

// Seed 003: several dossiers placed in one command, one transaction and
// one event batch, all or nothing.
func TestSeed003MoveDossiersInOneBatch(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e)
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g2)))
	e.log.Reset()
	rev, err := e.svc.MoveDossiers(ctx, "bob", []cabinet.DossierID{"act3", "act1", "act2", "act1"}, g1)
	must(t, err)
	b := e.log.Batches()
	if len(b) != 1 || b[0].Revision != rev || rev != e.store.Revision() {
		t.Fatalf("batches %+v, revision %d", b, rev)
	}
	want := []cabinet.Event{
		clientgroup.DossierMoved{Office: e.office, Dossier: "act1", To: g1},
		clientgroup.DossierMoved{Office: e.office, Dossier: "act2", From: g2, To: g1},
		clientgroup.DossierMoved{Office: e.office, Dossier: "act3", To: g1},
	}
	if d := cmp.Diff(want, b[0].Events); d != "" {
		t.Errorf("events: %s", d)
	}
	t.Run("all or nothing", func(t *testing.T) {
		e.log.Reset()
		before := takeSnapshot(t, e.store)
		for _, c := range []struct {
			name     string
			actor    cabinet.UserID
			ds       []cabinet.DossierID
			sentinel error
			rule     string
		}{
			{"a draft among them", "ann", []cabinet.DossierID{"act1", "act2", "draft"}, cabinet.ErrForbidden, "GRP-5"},
			{"another office's dossier", "ann", []cabinet.DossierID{"act1", "other"}, cabinet.ErrConflict, "GRP-1"},
			{"an unknown dossier", "ann", []cabinet.DossierID{"act1", "nope"}, cabinet.ErrNotFound, ""},
			{"not an admin", "sam", []cabinet.DossierID{"act1"}, cabinet.ErrForbidden, "GRP-5"},
			{"an outsider", "vic", []cabinet.DossierID{"act1"}, cabinet.ErrForbidden, "GRP-5"},
			{"nothing", "ann", nil, cabinet.ErrInvalid, "dossiers"},
			{"an empty ID", "ann", []cabinet.DossierID{"act1", ""}, cabinet.ErrInvalid, "dossiers"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.svc.MoveDossiers(ctx, c.actor, c.ds, g2)
				wantErr(t, err, c.sentinel, c.rule)
				requireUnchanged(t, e, before, 0)
			})
		}
		for k := 1; k <= 3; k++ {
			e.store.FailNextWrite(k, context.Canceled)
			_, err := e.svc.MoveDossiers(ctx, "ann", []cabinet.DossierID{"act1", "act2", "act3"}, g2)
			wantErr(t, err, context.Canceled, "")
			requireUnchanged(t, e, before, 0)
		}
		too := make([]cabinet.DossierID, clientgroup.MaxMove+1)
		for i := range too {
			too[i] = cabinet.DossierID(fmt.Sprintf("d%04d", i))
		}
		_, err := e.svc.MoveDossiers(ctx, "ann", too, g2)
		wantErr(t, err, cabinet.ErrInvalid, "dossiers")
	})
	t.Run("taking several out", func(t *testing.T) {
		e.log.Reset()
		_, err := e.svc.MoveDossiers(ctx, "ann", []cabinet.DossierID{"act1", "act3"}, "")
		must(t, err)
		if n := len(e.log.Events()); n != 2 {
			t.Errorf("%d events", n)
		}
	})
}

// Seed 003 / GRP-9: the office's dossiers listed without a client-group
// filter, filtered by status, manager, "in no group" and group, combinable
// — the active-clients monitor — and permission-checked.
func TestGRP9Seed003DossierListing(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e) // ugo direct in g1; tia via cg in g2
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g1)))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g2)))
	e.setDossier(cabinet.DossierFacts{ID: "draft", Office: e.office, Status: cabinet.DossierDraft, Manager: "sam"})
	list := func(actor cabinet.UserID, f clientgroup.DossierFilter) ([]string, error) {
		var out []string
		var after cabinet.Cursor
		for {
			page, next, err := e.svc.Dossiers(ctx, actor, f, cabinet.Page{After: after, Limit: 2})
			if err != nil {
				return nil, err
			}
			for _, d := range page {
				out = append(out, string(d.Dossier.ID)+"@"+string(d.ClientGroup))
			}
			if next == "" {
				return out, nil
			}
			after = next
		}
	}
	o := e.office
	for _, c := range []struct {
		name  string
		actor cabinet.UserID
		f     clientgroup.DossierFilter
		want  []string
	}{
		{"the office", "ann", clientgroup.DossierFilter{Office: o}, []string{"act1@" + string(g1), "act2@" + string(g2), "act3@", "archived@", "draft@"}},
		{"activated", "ann", clientgroup.DossierFilter{Office: o, Status: cabinet.DossierActivated}, []string{"act1@" + string(g1), "act2@" + string(g2), "act3@"}},
		{"in no group", "ann", clientgroup.DossierFilter{Office: o, NoGroup: true}, []string{"act3@", "archived@", "draft@"}},
		{"in no group, activated", "bob", clientgroup.DossierFilter{Office: o, NoGroup: true, Status: cabinet.DossierActivated}, []string{"act3@"}},
		{"by manager", "ann", clientgroup.DossierFilter{Office: o, Manager: "sam"}, []string{"act1@" + string(g1), "draft@"}},
		{"by manager, in no group", "ann", clientgroup.DossierFilter{Office: o, Manager: "sam", NoGroup: true}, []string{"draft@"}},
		{"group", "ann", clientgroup.DossierFilter{ClientGroup: g1}, []string{"act1@" + string(g1)}},
		{"group and status", "ann", clientgroup.DossierFilter{Office: o, ClientGroup: g2, Status: cabinet.DossierDraft}, nil},
		{"a standard collaborator sees what they reach: manager", "sam", clientgroup.DossierFilter{Office: o}, []string{"act1@" + string(g1), "draft@"}},
		{"… through a group", "ugo", clientgroup.DossierFilter{Office: o}, []string{"act1@" + string(g1)}},
		{"… assigned and through a collaborator group", "tia", clientgroup.DossierFilter{Office: o}, []string{"act2@" + string(g2)}},
		{"… with the filters", "sam", clientgroup.DossierFilter{Office: o, NoGroup: true}, []string{"draft@"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := list(c.actor, c.f)
			must(t, err)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("who may not list", func(t *testing.T) {
		for _, actor := range []cabinet.UserID{"vic", "nobody"} {
			_, _, err := e.svc.Dossiers(ctx, actor, clientgroup.DossierFilter{Office: o}, cabinet.Page{})
			wantErr(t, err, cabinet.ErrForbidden, "GRP-9")
		}
		must(t, errRev(e.svc.RemoveCollaborator(ctx, "ann", o, "sam")))
		_, _, err := e.svc.Dossiers(ctx, "sam", clientgroup.DossierFilter{Office: o}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrForbidden, "GRP-9") // GRP-11: removed
	})
	t.Run("bad filters", func(t *testing.T) {
		_, _, err := e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{ClientGroup: g1, NoGroup: true}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrInvalid, "no_group")
		_, _, err = e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{Office: "office_elsewhere", ClientGroup: g1}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrConflict, "GRP-1")
		_, _, err = e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{Office: o, Status: cabinet.DossierStatus(9)}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrInvalid, "status")
		_, _, err = e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{Office: o}, cabinet.Page{Limit: -1})
		wantErr(t, err, cabinet.ErrInvalid, "limit")
		_, _, err = e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{Office: "office_nope"}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrNotFound, "")
		_, _, err = e.svc.Dossiers(ctx, "", clientgroup.DossierFilter{Office: o}, cabinet.Page{})
		wantErr(t, err, cabinet.ErrInvalid, "actor")
	})
}

// Issue 12: the reads of the office's organisation take an actor and are
// permission-checked: its collaborators read them, nobody else.
func TestReadsArePermissionChecked(t *testing.T) {
	e := newEnv(t)
	g1, _, cg := setupGroups(t, e)
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g1)))
	reads := map[string]func(actor cabinet.UserID) error{
		"Office":       func(a cabinet.UserID) error { _, err := e.svc.Office(ctx, a, e.office); return err },
		"Collaborator": func(a cabinet.UserID) error { _, err := e.svc.Collaborator(ctx, a, e.office, "sam"); return err },
		"Collaborators": func(a cabinet.UserID) error {
			_, _, err := e.svc.Collaborators(ctx, a, clientgroup.CollaboratorFilter{Office: e.office}, cabinet.Page{})
			return err
		},
		"ClientGroup": func(a cabinet.UserID) error { _, err := e.svc.ClientGroup(ctx, a, g1); return err },
		"ClientGroups": func(a cabinet.UserID) error {
			_, _, err := e.svc.ClientGroups(ctx, a, clientgroup.ClientGroupFilter{Office: e.office}, cabinet.Page{})
			return err
		},
		"CollaboratorGroup": func(a cabinet.UserID) error { _, err := e.svc.CollaboratorGroup(ctx, a, cg); return err },
		"CollaboratorGroups": func(a cabinet.UserID) error {
			_, _, err := e.svc.CollaboratorGroups(ctx, a, clientgroup.CollaboratorGroupFilter{Office: e.office}, cabinet.Page{})
			return err
		},
		"Members": func(a cabinet.UserID) error {
			_, _, err := e.svc.Members(ctx, a, clientgroup.MemberFilter{Group: cg}, cabinet.Page{})
			return err
		},
		"DirectAssignments": func(a cabinet.UserID) error {
			_, _, err := e.svc.DirectAssignments(ctx, a, clientgroup.DirectAssignmentFilter{ClientGroup: g1}, cabinet.Page{})
			return err
		},
		"GroupAssignments": func(a cabinet.UserID) error {
			_, _, err := e.svc.GroupAssignments(ctx, a, clientgroup.GroupAssignmentFilter{CollaboratorGroup: cg}, cabinet.Page{})
			return err
		},
		"ClientGroupsOf": func(a cabinet.UserID) error { _, err := e.svc.ClientGroupsOf(ctx, a, e.office, "ugo"); return err },
		"DuplicateNames": func(a cabinet.UserID) error { _, err := e.svc.DuplicateNames(ctx, a, e.office); return err },
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			for _, a := range []cabinet.UserID{"ann", "sam", "ugo"} {
				must(t, read(a))
			}
			wantErr(t, read("vic"), cabinet.ErrForbidden, "GRP-1")
			wantErr(t, read(""), cabinet.ErrInvalid, "actor")
		})
	}
	t.Run("Offices: one's own", func(t *testing.T) {
		os, next, err := e.svc.Offices(ctx, "sam", cabinet.Page{})
		must(t, err)
		if len(os) != 1 || os[0].ID != e.office || next != "" {
			t.Errorf("Offices = %v %q", os, next)
		}
		os, _, err = e.svc.Offices(ctx, "vic", cabinet.Page{})
		must(t, err)
		if len(os) != 0 {
			t.Errorf("vic's offices %v", os)
		}
	})
	t.Run("Routes: one's own, or an admin's question (GRP-3)", func(t *testing.T) {
		r, err := e.svc.Routes(ctx, "ann", "ugo", "act1")
		must(t, err)
		if r != cabinet.RouteGroupDirect {
			t.Errorf("ugo's routes %v", r)
		}
		if _, err := e.svc.Routes(ctx, "ugo", "ugo", "act1"); err != nil {
			t.Error(err)
		}
		_, err = e.svc.Routes(ctx, "sam", "ugo", "act1")
		wantErr(t, err, cabinet.ErrForbidden, "GRP-3")
		_, err = e.svc.ReachesDossier(ctx, "vic", "ugo", "act1")
		wantErr(t, err, cabinet.ErrForbidden, "GRP-3")
	})
	t.Run("ContactAddress: whoever reaches the dossier (GRP-7)", func(t *testing.T) {
		for _, a := range []cabinet.UserID{"ann", "sam", "ugo"} {
			if _, err := e.svc.ContactAddress(ctx, a, "act1"); err != nil {
				t.Errorf("%s: %v", a, err)
			}
		}
		for _, a := range []cabinet.UserID{"tia", "vic"} {
			_, err := e.svc.ContactAddress(ctx, a, "act1")
			wantErr(t, err, cabinet.ErrForbidden, "GRP-7")
		}
		// A grantee reaches it too.
		_, err := e.store.UpdateAccess(ctx, func(w access.Writer) error {
			return w.PutGrant(ctx, access.Grant{ID: "g1", Dossier: "act1", Office: e.office, Kind: access.GranteePerson, Person: "p1",
				Email: "vic@example.com", Phone: "+33612345678", Level: access.LevelReadOnly, User: "vic"})
		})
		must(t, err)
		if _, err := e.svc.ContactAddress(ctx, "vic", "act1"); err != nil {
			t.Errorf("a grantee: %v", err)
		}
	})
}

// Issue 12: every event's name is "clientgroup." + its type's name in
// snake_case, and names are unique.
func TestEventTypesNamesMatchTypes(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range clientgroup.EventTypes() {
		typ := strings.TrimPrefix(fmt.Sprintf("%T", e), "clientgroup.")
		var b strings.Builder
		for i, r := range typ {
			if unicode.IsUpper(r) {
				if i > 0 {
					b.WriteByte('_')
				}
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
		if want := "clientgroup." + b.String(); e.EventName() != want {
			t.Errorf("%s is published as %q, want %q", typ, e.EventName(), want)
		}
		if seen[e.EventName()] {
			t.Errorf("duplicate %s", e.EventName())
		}
		seen[e.EventName()] = true
	}
	if len(seen) != 22 { // 19, and issue 16's three expiry events
		t.Errorf("%d event types", len(seen))
	}
}

// ACC-12 under concurrency: a dossier archived while it is being placed
// can never commit the placement after the archive. The dossiers' facts
// are wrapped so that the placement pauses right after reading the
// dossier's status; the archive is started then. If the status were read
// outside the placement's transaction, the archive would commit in the
// pause and the placement after it; read inside, the archive waits for the
// placement's commit. Each interleaving's outcome is checked against the
// revisions: a placement that succeeded committed before the archive, and
// one that failed names ACC-12.
func TestACC12ArchivedWhilePlacedConcurrency(t *testing.T) {
	for i := range 20 {
		e := newEnv(t)
		g1, _, _ := setupGroups(t, e)
		paused, resume := make(chan struct{}), make(chan struct{})
		hook := &pausingDossiers{Facts: access.NewFacts(e.store), dossier: "act1", paused: paused, resume: resume}
		svc := clientgroup.NewService(e.store, e.users, hook)
		archive := func() (cabinet.Revision, error) {
			return e.store.UpdateAccess(ctx, func(w access.Writer) error {
				d, err := w.Dossier(ctx, "act1")
				if err != nil {
					return err
				}
				d.Status = cabinet.DossierArchived
				return w.PutDossier(ctx, d)
			})
		}
		type result struct {
			rev cabinet.Revision
			err error
		}
		placed, archived := make(chan result, 1), make(chan result, 1)
		place := func() {
			rev, err := svc.MoveDossiers(context.Background(), "ann", []cabinet.DossierID{"act2", "act1"}, g1)
			placed <- result{rev, err}
		}
		var ar result
		if i%2 == 0 {
			go place()
			<-paused
			go func() { rev, err := archive(); archived <- result{rev, err} }()
			select {
			case ar = <-archived:
			case <-time.After(20 * time.Millisecond):
			}
			close(resume)
		} else {
			rev, err := archive()
			ar = result{rev, err}
			go place()
			<-paused
			close(resume)
		}
		p := <-placed
		if ar.rev == 0 && ar.err == nil {
			ar = <-archived
		}
		must(t, ar.err)
		var placement error
		must(t, e.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
			_, placement = r.Placement(ctx, "act1")
			return nil
		}))
		if p.err == nil {
			if p.rev >= ar.rev {
				t.Fatalf("run %d: the placement committed at %d, after the archive at %d", i, p.rev, ar.rev)
			}
			must(t, placement)
			continue
		}
		wantErr(t, p.err, cabinet.ErrConflict, "ACC-12")
		wantErr(t, placement, cabinet.ErrNotFound, "")
	}
}

// pausingDossiers signals paused (once) when the facts of dossier are
// read, and waits for resume before answering.
type pausingDossiers struct {
	*access.Facts
	dossier cabinet.DossierID
	paused  chan struct{}
	resume  chan struct{}
	done    bool
}

func (d *pausingDossiers) DossierFacts(ctx context.Context, tx cabinet.Tx, id cabinet.DossierID) (cabinet.DossierFacts, error) {
	f, err := d.Facts.DossierFacts(ctx, tx, id)
	if id == d.dossier && !d.done {
		d.done = true
		close(d.paused)
		<-d.resume
	}
	return f, err
}
