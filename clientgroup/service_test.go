package clientgroup_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/google/go-cmp/cmp"
)

// setupGroups creates client groups g1, g2 and collaborator group cg, with
// ugo direct in g1, tia in cg, cg assigned to g2.
func setupGroups(t *testing.T, e *env) (g1, g2 cabinet.ClientGroupID, cg cabinet.CollaboratorGroupID) {
	t.Helper()
	a, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, "General", "")
	must(t, err)
	b, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, "Estates", "estates@example.com")
	must(t, err)
	c, _, err := e.svc.CreateCollaboratorGroup(ctx, "ann", e.office, "Juniors")
	must(t, err)
	must(t, errOf(e.svc.AssignCollaborator(ctx, "ann", a.ID, "ugo")))
	must(t, errOf(e.svc.AddMember(ctx, "ann", c.ID, "tia")))
	must(t, errOf(e.svc.AssignCollaboratorGroup(ctx, "ann", b.ID, c.ID)))
	e.log.Reset()
	return a.ID, b.ID, c.ID
}

func TestOfficeDirectory(t *testing.T) {
	t.Run("CreatorIsFirstAdmin", func(t *testing.T) {
		e := newEnv(t)
		o, _, err := e.svc.CreateOffice(ctx, "vic", "Vic's", "vic-office@example.com")
		must(t, err)
		p, err := e.profile(o.ID, "vic")
		if err != nil || p != cabinet.ProfileAdmin {
			t.Fatalf("Profile = %v, %v", p, err)
		}
		if got := e.log.Names(); !slices.Equal(got, []string{"clientgroup.office_created", "clientgroup.collaborator_added"}) {
			t.Errorf("events %v", got)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		e := newEnv(t)
		_, _, err := e.svc.CreateOffice(ctx, "nobody", "X", "x@example.com")
		wantErr(t, err, cabinet.ErrNotFound, "")
		_, _, err = e.svc.CreateOffice(ctx, "ann", " ", "x@example.com")
		wantErr(t, err, cabinet.ErrInvalid, "name")
		_, _, err = e.svc.CreateOffice(ctx, "ann", "X", "nope")
		wantErr(t, err, cabinet.ErrInvalid, "email")
		_, _, err = e.svc.AddCollaborator(ctx, "ann", e.office, "ghost", cabinet.ProfileStandard)
		wantErr(t, err, cabinet.ErrNotFound, "")
		_, _, err = e.svc.AddCollaborator(ctx, "ann", e.office, "vic", cabinet.ProfileInvalid)
		wantErr(t, err, cabinet.ErrInvalid, "profile")
		_, _, err = e.svc.AddCollaborator(ctx, "ann", e.office, "sam", cabinet.ProfileStandard)
		wantErr(t, err, cabinet.ErrConflict, "")
		_, _, err = e.svc.AddCollaborator(ctx, "ann", "office_nope", "vic", cabinet.ProfileStandard)
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
	t.Run("ProfileNotFound", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.profile("office_nope", "ann")
		wantErr(t, err, cabinet.ErrNotFound, "")
		_, err = e.profile(e.office, "vic")
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
	t.Run("GRP-5_LastAdminStays", func(t *testing.T) {
		e := newEnv(t)
		must(t, errRev(e.svc.RemoveCollaborator(ctx, "ann", e.office, "bob")))
		before := takeSnapshot(t, e.store)
		_, _, err := e.svc.SetProfile(ctx, "ann", e.office, "ann", cabinet.ProfileStandard)
		wantErr(t, err, cabinet.ErrConflict, "GRP-5")
		_, err = e.svc.RemoveCollaborator(ctx, "ann", e.office, "ann")
		wantErr(t, err, cabinet.ErrConflict, "GRP-5")
		if d := cmp.Diff(before, takeSnapshot(t, e.store)); d != "" {
			t.Errorf("state changed: %s", d)
		}
		// With a second admin, ann may step down.
		_, _, err = e.svc.SetProfile(ctx, "ann", e.office, "sam", cabinet.ProfileAdmin)
		must(t, err)
		_, _, err = e.svc.SetProfile(ctx, "ann", e.office, "ann", cabinet.ProfileStandard)
		must(t, err)
		p, _ := e.profile(e.office, "ann")
		if p != cabinet.ProfileStandard {
			t.Errorf("ann is %v", p)
		}
	})
}

// GRP-1: collaborators and collaborator groups assigned to a client group
// reach all its dossiers; nothing links across offices.
func TestGRP1_GroupGivesAccessToAllItsDossiers(t *testing.T) {
	e := newEnv(t)
	g1, g2, cg := setupGroups(t, e)
	for _, d := range []cabinet.DossierID{"act1", "act3"} {
		must(t, errRev(e.svc.MoveDossier(ctx, "ann", d, g1)))
	}
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g2)))
	for _, d := range []cabinet.DossierID{"act1", "act3"} {
		if r := e.routes(t, "ugo", d); !r.Has(cabinet.RouteGroupDirect) {
			t.Errorf("ugo on %s: %v", d, r)
		}
	}
	if r := e.routes(t, "tia", "act2"); !r.Has(cabinet.RouteCollaboratorGroup) {
		t.Errorf("tia on act2: %v", r)
	}
	t.Run("OtherOfficeDossier", func(t *testing.T) {
		// An invalid target whoever asks: a conflict, not a permission.
		_, err := e.svc.MoveDossier(ctx, "ann", "other", g1)
		wantErr(t, err, cabinet.ErrConflict, "GRP-1")
		_, err = e.svc.MoveDossier(ctx, "sam", "other", g1)
		wantErr(t, err, cabinet.ErrConflict, "GRP-1")
	})
	t.Run("OtherOfficeCollaboratorGroup", func(t *testing.T) {
		o2, _, err := e.svc.CreateOffice(ctx, "ann", "Second", "second@example.com")
		must(t, err)
		cg2, _, err := e.svc.CreateCollaboratorGroup(ctx, "ann", o2.ID, "Elsewhere")
		must(t, err)
		// Invalid targets whoever asks, like a placement: conflicts.
		_, _, err = e.svc.AssignCollaboratorGroup(ctx, "ann", g1, cg2.ID)
		wantErr(t, err, cabinet.ErrConflict, "GRP-1")
		_, err = e.svc.SetCollaboratorClientGroups(ctx, "ann", o2.ID, "ann", []cabinet.ClientGroupID{g1})
		wantErr(t, err, cabinet.ErrConflict, "GRP-1")
		// a collaborator of another office cannot join this office's groups
		_, _, err = e.svc.AddMember(ctx, "ann", cg, "vic")
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
}

// GRP-2: a dossier in no group is reached only by admins, its manager and
// assigned collaborators.
func TestGRP2_UngroupedDossier(t *testing.T) {
	e := newEnv(t)
	setupGroups(t, e)
	for _, c := range []struct {
		user cabinet.UserID
		d    cabinet.DossierID
		want cabinet.Routes
	}{
		{"ann", "act3", cabinet.RouteAdmin},
		{"sam", "act1", cabinet.RouteManager},
		{"tia", "act2", cabinet.RouteAssigned},
		{"ugo", "act1", cabinet.NoRoutes},
		{"tia", "act1", cabinet.NoRoutes},
	} {
		if got := e.routes(t, c.user, c.d); got != c.want {
			t.Errorf("%s on %s: %v, want %v", c.user, c.d, got, c.want)
		}
	}
	// InternalRoutes ignores the membership flags when there is no group.
	f := clientgroup.RouteFacts{Dossier: cabinet.DossierFacts{ID: "d", Office: "o"}, Profile: cabinet.ProfileStandard, Direct: true, ThroughCollaboratorGroup: true}
	if got := clientgroup.InternalRoutes("u", f); got != cabinet.NoRoutes {
		t.Errorf("no group but flags: %v", got)
	}
}

// GRP-3: the permission matrix of the five internal routes, through the
// service and its store.
func TestGRP3_PermissionMatrix(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e)
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g1))) // sam manager; ugo direct
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g2))) // tia assigned and via cg
	e.setDossier(cabinet.DossierFacts{ID: "act3", Office: e.office, Status: cabinet.DossierActivated, Manager: "bob", Assigned: []cabinet.UserID{"ugo"}})
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", g2)))

	const (
		A  = cabinet.RouteAdmin
		M  = cabinet.RouteManager
		As = cabinet.RouteAssigned
		G  = cabinet.RouteGroupDirect
		C  = cabinet.RouteCollaboratorGroup
		No = cabinet.NoRoutes
	)
	check := func(user cabinet.UserID, d cabinet.DossierID, want cabinet.Routes) {
		t.Helper()
		got, err := e.svc.Routes(ctx, user, user, d)
		if err != nil {
			t.Fatalf("Routes(%s, %s): %v", user, d, err)
		}
		if got != want {
			t.Errorf("Routes(%s, %s) = %v, want %v", user, d, got, want)
		}
		reach, err := e.svc.ReachesDossier(ctx, user, user, d)
		if err != nil || reach != (want != No) {
			t.Errorf("ReachesDossier(%s, %s) = %v, %v", user, d, reach, err)
		}
	}
	check("ann", "act1", A)
	check("bob", "act3", A|M)
	check("sam", "act1", M)
	check("sam", "act2", No)
	check("ugo", "act1", G)
	check("ugo", "act3", As)
	check("tia", "act2", As|C)
	check("tia", "act3", C)
	check("tia", "act1", No)
	check("vic", "act1", No) // not a collaborator
	check("ann", "other", No)
	_, err := e.svc.Routes(ctx, "ann", "ann", "missing")
	wantErr(t, err, cabinet.ErrNotFound, "")
}

// GRP-4: a dossier is in at most one group; moving takes it out of the
// previous one in one step.
func TestGRP4_MoveTakesOutOfPreviousGroup(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e)
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g1)))
	must(t, errRev(e.svc.MoveDossier(ctx, "bob", "act1", g2)))
	in1, _, err := e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{ClientGroup: g1}, cabinet.Page{})
	must(t, err)
	in2, _, err := e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{ClientGroup: g2}, cabinet.Page{})
	must(t, err)
	if len(in1) != 0 || len(in2) != 1 || in2[0].Dossier.ID != "act1" {
		t.Fatalf("g1 %v, g2 %v", in1, in2)
	}
	want := []cabinet.Event{
		clientgroup.DossierMoved{Office: e.office, Dossier: "act1", To: g1},
		clientgroup.DossierMoved{Office: e.office, Dossier: "act1", From: g1, To: g2},
	}
	if d := cmp.Diff(want, e.log.Events()); d != "" {
		t.Errorf("events: %s", d)
	}
	// moving to the same group is a no-op; taking out works.
	e.log.Reset()
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g2)))
	if n := len(e.log.Events()); n != 0 {
		t.Errorf("no-op published %d events", n)
	}
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", "")))
	wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", "")), cabinet.ErrNotFound, "")
	// deleting a group takes its dossiers out.
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g1)))
	must(t, errRev(e.svc.DeleteClientGroup(ctx, "ann", g1)))
	if r := e.routes(t, "ugo", "act2"); r != cabinet.NoRoutes {
		t.Errorf("ugo after group deletion: %v", r)
	}
	sn := takeSnapshot(t, e.store)
	for _, p := range sn.Placements {
		if p.ClientGroup == g1 {
			t.Errorf("placement left in deleted group: %+v", p)
		}
	}
}

// GRP-5: admin-only commands, and only activated dossiers are placed.
func TestGRP5_AdminOnly(t *testing.T) {
	e := newEnv(t)
	g1, _, cg := setupGroups(t, e)
	cmds := map[string]func(actor cabinet.UserID) error{
		"CreateClientGroup": func(a cabinet.UserID) error {
			_, _, err := e.svc.CreateClientGroup(ctx, a, e.office, "X", "")
			return err
		},
		"RenameClientGroup": func(a cabinet.UserID) error {
			_, _, err := e.svc.RenameClientGroup(ctx, a, g1, "Y")
			return err
		},
		"SetClientGroupEmail": func(a cabinet.UserID) error {
			_, _, err := e.svc.SetClientGroupEmail(ctx, a, g1, "y@example.com")
			return err
		},
		"DeleteClientGroup": func(a cabinet.UserID) error { return errRev(e.svc.DeleteClientGroup(ctx, a, g1)) },
		"CreateCollaboratorGroup": func(a cabinet.UserID) error {
			_, _, err := e.svc.CreateCollaboratorGroup(ctx, a, e.office, "X")
			return err
		},
		"RenameCollaboratorGroup": func(a cabinet.UserID) error {
			_, _, err := e.svc.RenameCollaboratorGroup(ctx, a, cg, "Y")
			return err
		},
		"DeleteCollaboratorGroup": func(a cabinet.UserID) error { return errRev(e.svc.DeleteCollaboratorGroup(ctx, a, cg)) },
		"AddMember":               func(a cabinet.UserID) error { return errOf(e.svc.AddMember(ctx, a, cg, "sam")) },
		"RemoveMember":            func(a cabinet.UserID) error { return errRev(e.svc.RemoveMember(ctx, a, cg, "tia")) },
		"MoveDossier":             func(a cabinet.UserID) error { return errRev(e.svc.MoveDossier(ctx, a, "act1", g1)) },
		"AssignCollaborator":      func(a cabinet.UserID) error { return errOf(e.svc.AssignCollaborator(ctx, a, g1, "sam")) },
		"UnassignCollaborator":    func(a cabinet.UserID) error { return errRev(e.svc.UnassignCollaborator(ctx, a, g1, "ugo")) },
		"AssignCollaboratorGroup": func(a cabinet.UserID) error { return errOf(e.svc.AssignCollaboratorGroup(ctx, a, g1, cg)) },
		"SetCollaboratorClientGroups": func(a cabinet.UserID) error {
			return errRev(e.svc.SetCollaboratorClientGroups(ctx, a, e.office, "sam", []cabinet.ClientGroupID{g1}))
		},
		"AddCollaborator": func(a cabinet.UserID) error {
			_, _, err := e.svc.AddCollaborator(ctx, a, e.office, "vic", cabinet.ProfileStandard)
			return err
		},
		"SetProfile": func(a cabinet.UserID) error {
			_, _, err := e.svc.SetProfile(ctx, a, e.office, "ugo", cabinet.ProfileAdmin)
			return err
		},
		"RemoveCollaborator": func(a cabinet.UserID) error { return errRev(e.svc.RemoveCollaborator(ctx, a, e.office, "ugo")) },
		"UpdateOffice": func(a cabinet.UserID) error {
			_, _, err := e.svc.UpdateOffice(ctx, a, e.office, "New", "new@example.com")
			return err
		},
	}
	for name, cmd := range cmds {
		for _, actor := range []cabinet.UserID{"sam", "vic"} { // standard; not a collaborator
			t.Run(name+"/"+string(actor), func(t *testing.T) {
				before := takeSnapshot(t, e.store)
				e.log.Reset()
				wantErr(t, cmd(actor), cabinet.ErrForbidden, "GRP-5")
				if d := cmp.Diff(before, takeSnapshot(t, e.store)); d != "" {
					t.Errorf("state changed: %s", d)
				}
				if n := len(e.log.Events()); n != 0 {
					t.Errorf("%d events published", n)
				}
			})
		}
	}
	t.Run("OnlyActivatedDossiers", func(t *testing.T) {
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "draft", g1)), cabinet.ErrForbidden, "GRP-5")
		// v2: an archived dossier is read-only (ACC-12, was GRP-5)
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "archived", g1)), cabinet.ErrConflict, "ACC-12")
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "missing", g1)), cabinet.ErrNotFound, "")
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", "group_nope")), cabinet.ErrNotFound, "")
		// v2: an archived dossier is not taken out of its group either
		// (ACC-12; the v1 decision let it leave).
		must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", g1)))
		e.setDossier(cabinet.DossierFacts{ID: "act3", Office: e.office, Status: cabinet.DossierArchived})
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", "")), cabinet.ErrConflict, "ACC-12")
	})
	t.Run("AdminsCan", func(t *testing.T) {
		for _, name := range []string{"CreateClientGroup", "RenameClientGroup", "AddMember", "MoveDossier", "AssignCollaborator"} {
			if err := cmds[name]("bob"); err != nil {
				t.Errorf("%s by admin: %v", name, err)
			}
		}
	})
}

// GRP-6: names are required; duplicates are allowed and reported.
func TestGRP6_NamesAndDuplicates(t *testing.T) {
	e := newEnv(t)
	for _, bad := range []string{"", "   ", "\t"} {
		_, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, bad, "")
		wantErr(t, err, cabinet.ErrInvalid, "name")
		_, _, err = e.svc.CreateCollaboratorGroup(ctx, "ann", e.office, bad)
		wantErr(t, err, cabinet.ErrInvalid, "name")
	}
	a, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, "General", "")
	must(t, err)
	_, _, err = e.svc.RenameClientGroup(ctx, "ann", a.ID, " ")
	wantErr(t, err, cabinet.ErrInvalid, "name")
	b, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, " general ", "")
	must(t, err)
	_, _, err = e.svc.CreateClientGroup(ctx, "ann", e.office, "Office", "")
	must(t, err)
	dups, err := e.svc.DuplicateNames(ctx, "ann", e.office)
	must(t, err)
	want := []clientgroup.DuplicateName{{Name: "General", Groups: []cabinet.ClientGroupID{a.ID, b.ID}}}
	if d := cmp.Diff(want, dups); d != "" {
		t.Errorf("DuplicateNames: %s", d)
	}
	_, err = e.svc.DuplicateNames(ctx, "ann", "office_nope")
	wantErr(t, err, cabinet.ErrNotFound, "")
}

// GRP-7: manager's address, else group's, else office's.
func TestGRP7_ContactAddress(t *testing.T) {
	e := newEnv(t)
	g1, g2, _ := setupGroups(t, e) // g1 has no email, g2 has estates@
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g2)))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g2)))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", g1)))
	for _, c := range []struct {
		d    cabinet.DossierID
		want string
	}{
		{"act1", "sam@example.com"},     // manager
		{"act2", "estates@example.com"}, // group email
		{"act3", "office@example.com"},  // group without email
		{"draft", "office@example.com"}, // no group
	} {
		got, err := e.svc.ContactAddress(ctx, "ann", c.d)
		if err != nil || got != c.want {
			t.Errorf("ContactAddress(%s) = %q, %v; want %q", c.d, got, err, c.want)
		}
	}
	_, _, err := e.svc.SetClientGroupEmail(ctx, "ann", g2, "not an email")
	wantErr(t, err, cabinet.ErrInvalid, "email")
	_, _, err = e.svc.SetClientGroupEmail(ctx, "ann", g2, "")
	must(t, err)
	if got, _ := e.svc.ContactAddress(ctx, "ann", "act2"); got != "office@example.com" {
		t.Errorf("after clearing the group email: %q", got)
	}
}

// GRP-8: a collaborator in several client groups; a collaborator group
// assigned to several client groups.
func TestGRP8_ManyGroups(t *testing.T) {
	e := newEnv(t)
	g1, g2, cg := setupGroups(t, e)
	must(t, errOf(e.svc.AssignCollaborator(ctx, "ann", g2, "ugo")))
	must(t, errOf(e.svc.AssignCollaboratorGroup(ctx, "ann", g1, cg)))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g1)))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act3", g2)))
	for _, d := range []cabinet.DossierID{"act1", "act3"} {
		if !e.routes(t, "ugo", d).Has(cabinet.RouteGroupDirect) {
			t.Errorf("ugo misses %s", d)
		}
		if !e.routes(t, "tia", d).Has(cabinet.RouteCollaboratorGroup) {
			t.Errorf("tia misses %s", d)
		}
	}
	groups, err := e.svc.ClientGroupsOf(ctx, "ann", e.office, "ugo")
	must(t, err)
	if !slices.Equal(groups, []cabinet.ClientGroupID{g1, g2}) {
		t.Errorf("ClientGroupsOf(ugo) = %v", groups)
	}
}

// GRP-9: dossiers by client group, combined with status and manager,
// paginated and streamed.
func TestGRP9_ListDossiers(t *testing.T) {
	e := newEnv(t)
	g1, _, _ := setupGroups(t, e)
	for _, d := range []cabinet.DossierID{"act1", "act2", "act3"} {
		must(t, errRev(e.svc.MoveDossier(ctx, "ann", d, g1)))
	}
	e.setDossier(cabinet.DossierFacts{ID: "act3", Office: e.office, Status: cabinet.DossierArchived, Manager: "sam"})
	ids := func(ds []clientgroup.DossierEntry) []cabinet.DossierID {
		var out []cabinet.DossierID
		for _, d := range ds {
			out = append(out, d.Dossier.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    clientgroup.DossierFilter
		want []cabinet.DossierID
	}{
		{"GroupAlone", clientgroup.DossierFilter{ClientGroup: g1}, []cabinet.DossierID{"act1", "act2", "act3"}},
		{"Status", clientgroup.DossierFilter{ClientGroup: g1, Status: cabinet.DossierActivated}, []cabinet.DossierID{"act1", "act2"}},
		{"Manager", clientgroup.DossierFilter{ClientGroup: g1, Manager: "sam"}, []cabinet.DossierID{"act1", "act3"}},
		{"StatusAndManager", clientgroup.DossierFilter{ClientGroup: g1, Manager: "sam", Status: cabinet.DossierArchived}, []cabinet.DossierID{"act3"}},
		{"Nothing", clientgroup.DossierFilter{ClientGroup: g1, Manager: "ugo"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			all, next, err := e.svc.Dossiers(ctx, "ann", c.f, cabinet.Page{})
			must(t, err)
			if !slices.Equal(ids(all), c.want) || next != "" {
				t.Errorf("ListDossiers = %v, %q; want %v", ids(all), next, c.want)
			}
			var paged []cabinet.DossierID
			var after cabinet.Cursor
			for range 10 {
				page, next, err := e.svc.Dossiers(ctx, "ann", c.f, cabinet.Page{After: after, Limit: 1})
				must(t, err)
				paged = append(paged, ids(page)...)
				if next == "" {
					break
				}
				after = next
			}
			if !slices.Equal(paged, c.want) {
				t.Errorf("paged = %v, want %v", paged, c.want)
			}
			var streamed []cabinet.DossierID
			for d, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DossierEntry, cabinet.Cursor, error) {
				return e.svc.Dossiers(ctx, "ann", c.f, p)
			}) {
				must(t, err)
				streamed = append(streamed, d.Dossier.ID)
			}
			if !slices.Equal(streamed, c.want) {
				t.Errorf("streamed = %v, want %v", streamed, c.want)
			}
		})
	}
	_, _, err := e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{}, cabinet.Page{})
	wantErr(t, err, cabinet.ErrInvalid, "office") // v2: without a group, the office is required
	_, _, err = e.svc.Dossiers(ctx, "ann", clientgroup.DossierFilter{ClientGroup: "group_nope"}, cabinet.Page{})
	wantErr(t, err, cabinet.ErrNotFound, "")
}

// GRP-10: editing a collaborator's client groups from the collaborator's side
// has the same effect as editing the groups.
func TestGRP10_BothSidesOneTruth(t *testing.T) {
	viaGroups := newEnv(t)
	viaCollaborator := newEnv(t)
	ga1, ga2, _ := setupGroups(t, viaGroups)
	gb1, gb2, _ := setupGroups(t, viaCollaborator)
	if ga1 != gb1 || ga2 != gb2 {
		t.Fatal("fixtures differ")
	}
	// ugo: from {g1} to {g2}.
	must(t, errOf(viaGroups.svc.AssignCollaborator(ctx, "ann", ga2, "ugo")))
	must(t, errRev(viaGroups.svc.UnassignCollaborator(ctx, "ann", ga1, "ugo")))
	must(t, errRev(viaCollaborator.svc.SetCollaboratorClientGroups(ctx, "ann", viaCollaborator.office, "ugo", []cabinet.ClientGroupID{gb2})))
	a, b := takeSnapshot(t, viaGroups.store), takeSnapshot(t, viaCollaborator.store)
	a.Revision, b.Revision = 0, 0
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("different state: %s", d)
	}
	sortEv := func(evs []cabinet.Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, e.EventName())
		}
		slices.Sort(out)
		return out
	}
	if d := cmp.Diff(sortEv(viaGroups.log.Events()), sortEv(viaCollaborator.log.Events())); d != "" {
		t.Errorf("different events: %s", d)
	}
	got, err := viaCollaborator.svc.ClientGroupsOf(ctx, "ann", viaCollaborator.office, "ugo")
	must(t, err)
	if !slices.Equal(got, []cabinet.ClientGroupID{gb2}) {
		t.Errorf("ClientGroupsOf = %v", got)
	}
	// and the group side sees what the collaborator side wrote.
	err = viaCollaborator.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		das, _, err := r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{ClientGroup: gb2}, cabinet.Page{})
		if len(das) != 1 || das[0].User != "ugo" {
			t.Errorf("g2 direct collaborators = %v", das)
		}
		return err
	})
	must(t, err)
	wantErr(t, errRev(viaCollaborator.svc.SetCollaboratorClientGroups(ctx, "ann", viaCollaborator.office, "ugo", []cabinet.ClientGroupID{""})), cabinet.ErrInvalid, "groups")
	wantErr(t, errRev(viaCollaborator.svc.SetCollaboratorClientGroups(ctx, "ann", viaCollaborator.office, "vic", nil)), cabinet.ErrNotFound, "")
}

// GRP-11: removing a collaborator removes every internal route, even when
// access still names them manager or assigned collaborator.
func TestGRP11_RemovingCollaboratorRemovesRoutes(t *testing.T) {
	e := newEnv(t)
	g1, g2, cg := setupGroups(t, e)
	must(t, errOf(e.svc.AddMember(ctx, "ann", cg, "sam")))
	must(t, errOf(e.svc.AssignCollaborator(ctx, "ann", g1, "sam")))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act1", g1)))
	must(t, errRev(e.svc.MoveDossier(ctx, "ann", "act2", g2)))
	if r := e.routes(t, "sam", "act1"); r != cabinet.RouteManager|cabinet.RouteGroupDirect {
		t.Fatalf("before: %v", r)
	}
	e.log.Reset()
	must(t, errRev(e.svc.RemoveCollaborator(ctx, "ann", e.office, "sam")))
	for _, d := range []cabinet.DossierID{"act1", "act2", "act3"} {
		if r := e.routes(t, "sam", d); r != cabinet.NoRoutes {
			t.Errorf("sam still reaches %s by %v", d, r)
		}
	}
	sn := takeSnapshot(t, e.store)
	for _, m := range sn.Members {
		if m.User == "sam" {
			t.Errorf("membership left: %+v", m)
		}
	}
	for _, a := range sn.Direct {
		if a.User == "sam" {
			t.Errorf("assignment left: %+v", a)
		}
	}
	want := []cabinet.Event{
		clientgroup.CollaboratorGroupMemberRemoved{Office: e.office, Group: cg, User: "sam"},
		clientgroup.CollaboratorUnassigned{Office: e.office, ClientGroup: g1, User: "sam"},
		// v2: sam is released as manager in the same transaction (GRP-11)
		access.DossierManagerSet{Dossier: "act1", Office: e.office, Previous: "sam"},
		clientgroup.CollaboratorRemoved{Office: e.office, User: "sam", Profile: cabinet.ProfileStandard},
	}
	if d := cmp.Diff(want, e.log.Events()); d != "" {
		t.Errorf("events: %s", d)
	}
	// The pure function: a non-collaborator gets nothing.
	f := clientgroup.RouteFacts{Dossier: cabinet.DossierFacts{ID: "d", Office: "o", Manager: "sam", Assigned: []cabinet.UserID{"sam"}}, ClientGroup: "g", Direct: true, ThroughCollaboratorGroup: true}
	if got := clientgroup.InternalRoutes("sam", f); got != cabinet.NoRoutes {
		t.Errorf("InternalRoutes for a non-collaborator = %v", got)
	}
}

func TestEventsNameRecords(t *testing.T) {
	e := newEnv(t)
	g, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, "G", "g@example.com")
	must(t, err)
	cg, _, err := e.svc.CreateCollaboratorGroup(ctx, "ann", e.office, "C")
	must(t, err)
	must(t, errOf(e.svc.AddMember(ctx, "ann", cg.ID, "sam")))
	must(t, errOf(e.svc.AssignCollaboratorGroup(ctx, "ann", g.ID, cg.ID)))
	_, _, err = e.svc.RenameCollaboratorGroup(ctx, "ann", cg.ID, "C2")
	must(t, err)
	must(t, errRev(e.svc.DeleteCollaboratorGroup(ctx, "ann", cg.ID)))
	_, _, err = e.svc.SetProfile(ctx, "ann", e.office, "sam", cabinet.ProfileAdmin)
	must(t, err)
	want := []cabinet.Event{
		clientgroup.ClientGroupCreated{Office: e.office, Group: g.ID, Name: "G", Email: "g@example.com"},
		clientgroup.CollaboratorGroupCreated{Office: e.office, Group: cg.ID, Name: "C"},
		clientgroup.CollaboratorGroupMemberAdded{Office: e.office, Group: cg.ID, User: "sam"},
		clientgroup.CollaboratorGroupAssigned{Office: e.office, ClientGroup: g.ID, CollaboratorGroup: cg.ID},
		clientgroup.CollaboratorGroupRenamed{Office: e.office, Group: cg.ID, Name: "C2"},
		clientgroup.CollaboratorGroupMemberRemoved{Office: e.office, Group: cg.ID, User: "sam"},
		clientgroup.CollaboratorGroupUnassigned{Office: e.office, ClientGroup: g.ID, CollaboratorGroup: cg.ID},
		clientgroup.CollaboratorGroupDeleted{Office: e.office, Group: cg.ID},
		clientgroup.CollaboratorProfileChanged{Office: e.office, User: "sam", From: cabinet.ProfileStandard, To: cabinet.ProfileAdmin},
	}
	if d := cmp.Diff(want, e.log.Events()); d != "" {
		t.Errorf("events: %s", d)
	}
	for _, b := range e.log.Batches() {
		if b.Actor != "ann" || b.Revision == 0 {
			t.Errorf("batch %+v", b)
		}
	}
}

func TestRemainingCommands(t *testing.T) {
	e := newEnv(t)
	g1, g2, cg := setupGroups(t, e)
	o, _, err := e.svc.UpdateOffice(ctx, "bob", e.office, "Bob & Ann", "hello@example.com")
	must(t, err)
	if got, _ := e.svc.Office(ctx, "ann", e.office); got != o || o.Name != "Bob & Ann" {
		t.Errorf("Office = %+v", got)
	}
	_, _, err = e.svc.UpdateOffice(ctx, "bob", e.office, "Bob & Ann", "nope")
	wantErr(t, err, cabinet.ErrInvalid, "email")
	must(t, errRev(e.svc.RemoveMember(ctx, "ann", cg, "tia")))
	wantErr(t, errRev(e.svc.RemoveMember(ctx, "ann", cg, "tia")), cabinet.ErrNotFound, "")
	must(t, errRev(e.svc.UnassignCollaboratorGroup(ctx, "ann", g2, cg)))
	wantErr(t, errRev(e.svc.UnassignCollaboratorGroup(ctx, "ann", g2, cg)), cabinet.ErrNotFound, "")
	must(t, errRev(e.svc.UnassignCollaborator(ctx, "ann", g1, "ugo")))
	wantErr(t, errRev(e.svc.UnassignCollaborator(ctx, "ann", g1, "ugo")), cabinet.ErrNotFound, "")
	_, _, err = e.svc.SetClientGroupEmail(ctx, "ann", g1, "g1@example.com")
	must(t, err)
	_, _, err = e.svc.RenameClientGroup(ctx, "ann", g1, "Renamed")
	must(t, err)
	got, err := e.svc.ClientGroup(ctx, "ann", g1)
	if err != nil || got.Name != "Renamed" || got.Email != "g1@example.com" {
		t.Errorf("ClientGroup = %+v, %v", got, err)
	}
	c, err := e.svc.CollaboratorGroup(ctx, "ann", cg)
	if err != nil || c.Name != "Juniors" {
		t.Errorf("CollaboratorGroup = %+v, %v", c, err)
	}
	want := []string{
		"clientgroup.office_updated",
		"clientgroup.collaborator_group_member_removed",
		"clientgroup.collaborator_group_unassigned",
		"clientgroup.collaborator_unassigned",
		"clientgroup.client_group_email_changed",
		"clientgroup.client_group_renamed",
	}
	if d := cmp.Diff(want, e.log.Names()); d != "" {
		t.Errorf("events: %s", d)
	}
	t.Run("EmptyIDsAreInvalid", func(t *testing.T) {
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "", "act1", g1)), cabinet.ErrInvalid, "actor")
		wantErr(t, errRev(e.svc.MoveDossier(ctx, "ann", "", g1)), cabinet.ErrInvalid, "dossier")
		wantErr(t, errOf(e.svc.AddMember(ctx, "ann", "", "sam")), cabinet.ErrInvalid, "group")
		wantErr(t, errOf(e.svc.AssignCollaboratorGroup(ctx, "ann", g1, "")), cabinet.ErrInvalid, "collaborator_group")
	})
	t.Run("CancelledContext", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		e.log.Reset()
		before := takeSnapshot(t, e.store)
		_, _, err := e.svc.CreateClientGroup(cctx, "ann", e.office, "X", "")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		if d := cmp.Diff(before, takeSnapshot(t, e.store)); d != "" || len(e.log.Events()) != 0 {
			t.Errorf("cancelled command changed state (%s) or published", d)
		}
	})
}
