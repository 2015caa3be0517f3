package contact_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
)

// CON-6 v2: the pure predicate that ResolveSession, StopImpersonation and
// package policy share. Every reason a session ends, in order.
func TestCON6CanUseSession(t *testing.T) {
	s := contact.Session{ID: "s", Office: o1, Actor: bob, Contact: "c", ContactUser: "u", StartedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	c := contact.Contact{ID: "c", Office: o1, Kind: contact.KindClient, Status: contact.StatusActive, User: "u"}
	ok := contact.SessionFacts{Actor: cabinet.ProfileStandard, ActorSince: t0.Add(-time.Hour)}
	at := t0.Add(time.Minute)
	tests := []struct {
		name  string
		s     func(*contact.Session)
		c     func(*contact.Contact)
		f     func(*contact.SessionFacts)
		at    time.Time
		allow bool
	}{
		{"CON-6 usable", nil, nil, nil, at, true},
		{"CON-6 membership began at the start", nil, nil, func(f *contact.SessionFacts) { f.ActorSince = t0 }, at, true},
		{"CON-6 admin actor", nil, nil, func(f *contact.SessionFacts) { f.Actor = cabinet.ProfileAdmin }, at, true},
		{"CON-6 invited partner", nil, func(c *contact.Contact) { c.Kind, c.Status = contact.KindPartner, contact.StatusInvited }, nil, at, true},
		{"CON-6 expired", nil, nil, nil, t0.Add(time.Hour), false},
		{"CON-6 before start", nil, nil, nil, t0.Add(-time.Second), false},
		{"CON-6 stopped", func(s *contact.Session) { s.StoppedAt = t0.Add(time.Second) }, nil, nil, at, false},
		{"CON-6 actor left the office", nil, nil, func(f *contact.SessionFacts) { *f = contact.SessionFacts{} }, at, false},
		{"CON-6 actor came back after the start", nil, nil, func(f *contact.SessionFacts) { f.ActorSince = t0.Add(time.Second) }, at, false},
		{"CON-6 other contact", nil, func(c *contact.Contact) { c.ID = "c2" }, nil, at, false},
		{"CON-6 contact gone", nil, func(c *contact.Contact) { *c = contact.Contact{} }, nil, at, false},
		{"CON-6 contact archived", nil, func(c *contact.Contact) { c.Archived = true }, nil, at, false},
		{"CON-6 contact became a lead", nil, func(c *contact.Contact) { c.Kind = contact.KindLead }, nil, at, false},
		{"CON-6 contact back to added", nil, func(c *contact.Contact) { c.Status = contact.StatusAdded }, nil, at, false},
		{"CON-6 contact's user became a collaborator", nil, nil, func(f *contact.SessionFacts) { f.Target = cabinet.ProfileStandard }, at, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, f := s, c, ok
			if tt.s != nil {
				tt.s(&s)
			}
			if tt.c != nil {
				tt.c(&c)
			}
			if tt.f != nil {
				tt.f(&f)
			}
			sub, err := contact.CanUseSession(s, c, f, tt.at)
			if !tt.allow {
				wantErr(t, err, cabinet.ErrForbidden, "CON-6")
				if sub != (contact.Subject{}) {
					t.Fatalf("refusal returned subject %+v", sub)
				}
				if e := contact.CanStopSession(s, bob, err); cabinet.RuleOf(e) != "CON-6" || !errors.Is(e, cabinet.ErrConflict) {
					t.Fatalf("CanStopSession on an ended session = %v, want conflict CON-6", e)
				}
				return
			}
			wantErr(t, err, nil, "")
			if sub != (contact.Subject{Session: "s", Office: o1, Contact: "c", User: "u", Actor: bob}) {
				t.Fatalf("subject %+v: the contact's identity, carrying the actor", sub)
			}
			wantErr(t, contact.CanStopSession(s, bob, nil), nil, "")
			wantErr(t, contact.CanStopSession(s, alice, nil), cabinet.ErrForbidden, "CON-6")
		})
	}
}

// CON-6: who reads and lists session records (the predicates).
func TestCON6SessionReadPredicates(t *testing.T) {
	s := contact.Session{ID: "s", Office: o1, Actor: bob}
	for _, tc := range []struct {
		actor cabinet.UserID
		p     cabinet.Profile
		view  bool
	}{
		{bob, cabinet.ProfileStandard, true},
		{bob, cabinet.ProfileInvalid, false}, // left the office
		{alice, cabinet.ProfileAdmin, true},
		{"dave", cabinet.ProfileStandard, false},
		{"", cabinet.ProfileStandard, false},
	} {
		err := contact.CanViewSession(s, tc.actor, tc.p)
		if (err == nil) != tc.view || (err != nil && cabinet.RuleOf(err) != "CON-6") {
			t.Errorf("CanViewSession(%s, %s) = %v, want view=%v", tc.actor, tc.p, err, tc.view)
		}
	}
	wantErr(t, contact.CanListSessions(contact.SessionFilter{Office: o1}, alice, cabinet.ProfileAdmin), nil, "")
	wantErr(t, contact.CanListSessions(contact.SessionFilter{Office: o1, Actor: bob}, bob, cabinet.ProfileStandard), nil, "")
	wantErr(t, contact.CanListSessions(contact.SessionFilter{Office: o1}, bob, cabinet.ProfileStandard), cabinet.ErrForbidden, "CON-6")
	wantErr(t, contact.CanListSessions(contact.SessionFilter{Office: o1, Actor: bob}, bob, cabinet.ProfileInvalid), cabinet.ErrForbidden, "CON-6")
}

// Issue 12, seed 002: a client contact is linked to the dossier and the
// family-tree person it is about; who may link, and ACC-12 on an archived
// dossier.
func TestLinkContactToDossierAndPerson(t *testing.T) {
	f := newFixture(t)
	ann := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	bea := f.mustCreate(t, o1, contact.KindClient, "Bea", "Lee", "bea@x.co")
	pat := f.mustCreate(t, o1, contact.KindPartner, "Pat", "Ng", "pat@x.co")
	lead := f.mustCreate(t, o1, contact.KindLead, "Leo", "Ray", "")
	arch := f.mustCreate(t, o1, contact.KindClient, "Old", "One", "old@x.co")
	if _, _, err := f.svc.ArchiveContact(ctx, alice, arch.ID); err != nil {
		t.Fatal(err)
	}
	f.log.Reset()
	c, rev, err := f.svc.LinkContact(ctx, alice, ann.ID, "d1", "p1")
	wantErr(t, err, nil, "")
	if c.Dossier != "d1" || c.Person != "p1" || rev != f.store.Revision() {
		t.Fatalf("linked %+v at %d", c, rev)
	}
	if d := cmp.Diff([]cabinet.Event{contact.ContactLinked{Office: o1, Contact: ann.ID, Dossier: "d1", Person: "p1"}}, f.log.Events()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	// The dossier's contacts, and the person's.
	got, _, err := f.svc.Contacts(ctx, bob, contact.ContactFilter{Office: o1, Dossier: "d1"}, cabinet.Page{})
	wantErr(t, err, nil, "")
	if len(got) != 1 || got[0].ID != ann.ID {
		t.Fatalf("contacts of d1 = %v", got)
	}
	tests := []struct {
		name    string
		actor   cabinet.UserID
		c       cabinet.ContactID
		dossier cabinet.DossierID
		person  access.PersonID
		err     error
		rule    string
	}{
		{"a person is linked to one contact", alice, bea.ID, "d1", "p1", cabinet.ErrConflict, ""},
		{"the same link again", alice, ann.ID, "d1", "p1", cabinet.ErrConflict, ""},
		{"CON-1 a collaborator who does not reach the dossier", bob, bea.ID, "d1", "p2", cabinet.ErrForbidden, "CON-1"},
		{"CON-1 not a collaborator of the office", carol, bea.ID, "d1", "p2", cabinet.ErrForbidden, "CON-1"},
		{"CON-1 an outsider", mallory, bea.ID, "d1", "", cabinet.ErrForbidden, "CON-1"},
		{"CON-4 a partner", alice, pat.ID, "d1", "p2", cabinet.ErrForbidden, "CON-4"},
		{"CON-4 a lead", alice, lead.ID, "d1", "p2", cabinet.ErrForbidden, "CON-4"},
		{"CON-4 an archived contact", alice, arch.ID, "d1", "p2", cabinet.ErrForbidden, "CON-4"},
		{"a dossier of another office does not exist", alice, bea.ID, "d2", "", cabinet.ErrNotFound, ""},
		{"an unknown dossier", alice, bea.ID, "d404", "", cabinet.ErrNotFound, ""},
		{"a person of another dossier", alice, bea.ID, "d1", "p3", cabinet.ErrNotFound, ""},
		{"a person of another office", alice, bea.ID, "d1", "p9", cabinet.ErrNotFound, ""},
		{"an unknown person", alice, bea.ID, "d1", "p404", cabinet.ErrNotFound, ""},
		{"ACC-12 an archived dossier is read-only", bob, bea.ID, "d3", "p3", cabinet.ErrConflict, "ACC-12"},
		{"an unknown contact", alice, "contact_404", "d1", "p2", cabinet.ErrNotFound, ""},
		{"no dossier", alice, bea.ID, "", "p2", cabinet.ErrInvalid, "dossier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev := f.store.Revision()
			f.log.Reset()
			_, _, err := f.svc.LinkContact(ctx, tt.actor, tt.c, tt.dossier, tt.person)
			wantErr(t, err, tt.err, tt.rule)
			if f.store.Revision() != rev || len(f.log.Events()) != 0 {
				t.Fatal("a refused link changed something")
			}
		})
	}
	// Re-linking moves the link; the event names the old one.
	f.log.Reset()
	c, _, err = f.svc.LinkContact(ctx, alice, ann.ID, "d1", "p2")
	wantErr(t, err, nil, "")
	if d := cmp.Diff([]cabinet.Event{contact.ContactLinked{Office: o1, Contact: ann.ID, Dossier: "d1", Person: "p2", PreviousDossier: "d1", PreviousPerson: "p1"}}, f.log.Events()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	// p1 is free again; a dossier-only link.
	if _, _, err := f.svc.LinkContact(ctx, alice, bea.ID, "d1", "p1"); err != nil {
		t.Fatal(err)
	}
	if c, _, err = f.svc.LinkContact(ctx, alice, bea.ID, "d1", ""); err != nil || c.Person != "" {
		t.Fatalf("dossier-only link: %+v %v", c, err)
	}
	// Unlinking: any collaborator of the office (no reach needed).
	f.log.Reset()
	c, _, err = f.svc.UnlinkContact(ctx, bob, ann.ID)
	wantErr(t, err, nil, "")
	if c.Dossier != "" || c.Person != "" {
		t.Fatalf("unlinked %+v", c)
	}
	if d := cmp.Diff([]cabinet.Event{contact.ContactUnlinked{Office: o1, Contact: ann.ID, Dossier: "d1", Person: "p2"}}, f.log.Events()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	_, _, err = f.svc.UnlinkContact(ctx, bob, ann.ID)
	wantErr(t, err, cabinet.ErrConflict, "")
	_, _, err = f.svc.UnlinkContact(ctx, carol, bea.ID)
	wantErr(t, err, cabinet.ErrForbidden, "CON-1")
	t.Run("ACC-12 a link to a dossier archived since cannot be removed", func(t *testing.T) {
		f.dossiers.dossiers["d1"] = cabinet.DossierFacts{ID: "d1", Office: o1, Status: cabinet.DossierArchived}
		defer func() {
			f.dossiers.dossiers["d1"] = cabinet.DossierFacts{ID: "d1", Office: o1, Status: cabinet.DossierActivated}
		}()
		rev := f.store.Revision()
		_, _, err := f.svc.UnlinkContact(ctx, alice, bea.ID)
		wantErr(t, err, cabinet.ErrConflict, "ACC-12")
		_, _, err = f.svc.LinkContact(ctx, alice, bea.ID, "d1", "p2")
		wantErr(t, err, cabinet.ErrConflict, "ACC-12")
		if f.store.Revision() != rev {
			t.Fatal("refused command wrote")
		}
	})
}

// Issue 12, seed 002: a company's overview lists its partners with the
// projects and decisions they are on (a permission-checked read).
func TestCompanyOverviewListsPartnersProjectsDecisions(t *testing.T) {
	f := newFixture(t)
	p1, _, err := f.svc.CreateContact(ctx, alice, o1, contact.KindPartner, contact.Fields{FirstName: "Pat", LastName: "Ng", Email: "pat@x.co", NewCompany: "Acme"})
	wantErr(t, err, nil, "")
	p2, _, err := f.svc.CreateContact(ctx, alice, o1, contact.KindPartner, contact.Fields{FirstName: "Sam", LastName: "Oh", Email: "sam@x.co", Company: p1.Company})
	wantErr(t, err, nil, "")
	outside := f.mustCreate(t, o1, contact.KindPartner, "Out", "Side", "out@x.co")
	tower, _, _ := f.svc.CreateProject(ctx, alice, o1, "Tower")
	villa, _, _ := f.svc.CreateProject(ctx, alice, o1, "Villa")
	notary, _, _ := f.svc.CreateDecision(ctx, alice, o1, "Pick a notary")
	for _, add := range []error{
		second3(f.svc.AddProjectPartner(ctx, alice, tower.ID, p1.ID)),
		second3(f.svc.AddProjectPartner(ctx, alice, villa.ID, p1.ID)),
		second3(f.svc.AddProjectPartner(ctx, alice, villa.ID, p2.ID)),
		second3(f.svc.AddProjectPartner(ctx, alice, villa.ID, outside.ID)),
		second3(f.svc.AddDecisionPartner(ctx, alice, notary.ID, p2.ID)),
	} {
		wantErr(t, add, nil, "")
	}
	ov, err := f.svc.CompanyOverview(ctx, bob, p1.Company)
	wantErr(t, err, nil, "")
	type row struct {
		Partner   cabinet.ContactID
		Projects  []contact.ProjectID
		Decisions []contact.DecisionID
	}
	var got []row
	for _, po := range ov.Partners {
		r := row{Partner: po.Partner.ID}
		for _, p := range po.Projects {
			r.Projects = append(r.Projects, p.ID)
		}
		for _, d := range po.Decisions {
			r.Decisions = append(r.Decisions, d.ID)
		}
		got = append(got, r)
	}
	want := []row{
		{Partner: p1.ID, Projects: []contact.ProjectID{tower.ID, villa.ID}},
		{Partner: p2.ID, Projects: []contact.ProjectID{villa.ID}, Decisions: []contact.DecisionID{notary.ID}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("overview (-want +got):\n%s", d)
	}
	for _, a := range []cabinet.UserID{carol, mallory} {
		_, err := f.svc.CompanyOverview(ctx, a, p1.Company)
		wantErr(t, err, cabinet.ErrForbidden, "CON-1")
	}
	_, err = f.svc.CompanyOverview(ctx, alice, "company_404")
	wantErr(t, err, cabinet.ErrNotFound, "")
}

func second3[A any](_ A, _ cabinet.Revision, err error) error { return err }

// Issue 12 paging: every listing takes a cabinet.Page (zero limit is
// cabinet.DefaultPageSize, larger limits are clamped to cabinet.MaxPageSize,
// negative is invalid) and returns the cursor of the rest — ListContacts
// used to cut at 100 silently.
func TestListingsFollowThePageContract(t *testing.T) {
	f := newFixture(t, nil...)
	const n = cabinet.DefaultPageSize + 5
	_, err := f.store.UpdateContacts(ctx, func(w contact.Writer) error {
		for i := range n {
			c := contact.Contact{ID: cabinet.ContactID(fmt.Sprintf("c%04d", i)), Office: o1, Kind: contact.KindLead, Status: contact.StatusAdded, FirstName: "L", LastName: "L"}
			if err := w.PutContact(ctx, c); err != nil {
				return err
			}
			if err := w.PutUnit(ctx, contact.Unit{ID: contact.UnitID(fmt.Sprintf("u%04d", i)), Office: o1, Name: "U", Status: contact.UnitStatusAvailable}); err != nil {
				return err
			}
		}
		return nil
	})
	wantErr(t, err, nil, "")
	page, next, err := f.svc.Contacts(ctx, bob, contact.ContactFilter{Office: o1}, cabinet.Page{})
	wantErr(t, err, nil, "")
	if len(page) != cabinet.DefaultPageSize || next == "" {
		t.Fatalf("zero limit: %d contacts, next %q; want %d and a cursor", len(page), next, cabinet.DefaultPageSize)
	}
	rest, next2, err := f.svc.Contacts(ctx, bob, contact.ContactFilter{Office: o1}, cabinet.Page{After: next, Limit: cabinet.MaxPageSize + 1})
	wantErr(t, err, nil, "")
	if len(rest) != 5 || next2 != "" {
		t.Fatalf("rest: %d contacts, next %q", len(rest), next2)
	}
	units, err := cabinet.All(ctx, func(ctx2 context.Context, p cabinet.Page) ([]contact.Unit, cabinet.Cursor, error) {
		return f.svc.Units(ctx2, alice, contact.UnitFilter{Office: o1}, p)
	})
	wantErr(t, err, nil, "")
	if len(units) != n {
		t.Fatalf("cabinet.All over Units: %d, want %d", len(units), n)
	}
	for name, list := range map[string]func(p cabinet.Page) error{
		"Contacts": func(p cabinet.Page) error {
			_, _, err := f.svc.Contacts(ctx, bob, contact.ContactFilter{Office: o1}, p)
			return err
		},
		"Companies": func(p cabinet.Page) error {
			_, _, err := f.svc.Companies(ctx, bob, contact.CompanyFilter{Office: o1}, p)
			return err
		},
		"Projects": func(p cabinet.Page) error {
			_, _, err := f.svc.Projects(ctx, bob, contact.PartnerFilter{Office: o1}, p)
			return err
		},
		"Decisions": func(p cabinet.Page) error {
			_, _, err := f.svc.Decisions(ctx, bob, contact.PartnerFilter{Office: o1}, p)
			return err
		},
		"Units": func(p cabinet.Page) error {
			_, _, err := f.svc.Units(ctx, bob, contact.UnitFilter{Office: o1}, p)
			return err
		},
		"Sessions": func(p cabinet.Page) error {
			_, _, err := f.svc.Sessions(ctx, alice, contact.SessionFilter{Office: o1}, p)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			wantErr(t, list(cabinet.Page{Limit: -1}), cabinet.ErrInvalid, "limit")
			wantErr(t, list(cabinet.Page{}), nil, "")
		})
	}
}

// Who may read and manage an office's contact records: its collaborators
// (admin or standard), for every getter, listing and command that is
// RuleManage's (CON-1); nobody from another office, no outsider, not a
// collaborator removed from the office.
func TestCON1EveryReadAndCommandIsPermissionChecked(t *testing.T) {
	f := newFixture(t)
	f.dir.add(o1, "gone", cabinet.ProfileStandard, t0.Add(-time.Hour))
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	p := f.mustCreate(t, o1, contact.KindPartner, "Pat", "Ng", "pat@x.co")
	lead := f.mustCreate(t, o1, contact.KindLead, "Leo", "Ray", "")
	co, _, _ := f.svc.CreateCompany(ctx, alice, o1, "Acme")
	proj, _, _ := f.svc.CreateProject(ctx, alice, o1, "Tower")
	dec, _, _ := f.svc.CreateDecision(ctx, alice, o1, "Notary")
	unit, _, _ := f.svc.CreateUnit(ctx, alice, o1, "Flat")
	f.dir.remove(o1, "gone")
	ops := map[string]func(a cabinet.UserID) error{
		"Contact": func(a cabinet.UserID) error { _, err := f.svc.Contact(ctx, a, c.ID); return err },
		"Contacts": func(a cabinet.UserID) error {
			_, _, err := f.svc.Contacts(ctx, a, contact.ContactFilter{Office: o1}, cabinet.Page{})
			return err
		},
		"Company": func(a cabinet.UserID) error { _, err := f.svc.Company(ctx, a, co.ID); return err },
		"Companies": func(a cabinet.UserID) error {
			_, _, err := f.svc.Companies(ctx, a, contact.CompanyFilter{Office: o1}, cabinet.Page{})
			return err
		},
		"CompanyOverview": func(a cabinet.UserID) error { _, err := f.svc.CompanyOverview(ctx, a, co.ID); return err },
		"Project":         func(a cabinet.UserID) error { _, err := f.svc.Project(ctx, a, proj.ID); return err },
		"Projects": func(a cabinet.UserID) error {
			_, _, err := f.svc.Projects(ctx, a, contact.PartnerFilter{Office: o1}, cabinet.Page{})
			return err
		},
		"Decision": func(a cabinet.UserID) error { _, err := f.svc.Decision(ctx, a, dec.ID); return err },
		"Decisions": func(a cabinet.UserID) error {
			_, _, err := f.svc.Decisions(ctx, a, contact.PartnerFilter{Office: o1}, cabinet.Page{})
			return err
		},
		"Unit": func(a cabinet.UserID) error { _, err := f.svc.Unit(ctx, a, unit.ID); return err },
		"Units": func(a cabinet.UserID) error {
			_, _, err := f.svc.Units(ctx, a, contact.UnitFilter{Office: o1}, cabinet.Page{})
			return err
		},
		"CreateContact": func(a cabinet.UserID) error {
			return second3(f.svc.CreateContact(ctx, a, o1, contact.KindLead, contact.Fields{FirstName: "L", LastName: string(a)}))
		},
		"EditContact": func(a cabinet.UserID) error {
			return second3(f.svc.EditContact(ctx, a, c.ID, contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann@x.co"}))
		},
		"InviteContact":      func(a cabinet.UserID) error { return second3(f.svc.InviteContact(ctx, a, c.ID)) },
		"LinkContact":        func(a cabinet.UserID) error { return second3(f.svc.LinkContact(ctx, a, c.ID, "d3", "")) },
		"UnlinkContact":      func(a cabinet.UserID) error { return second3(f.svc.UnlinkContact(ctx, a, c.ID)) },
		"CreateCompany":      func(a cabinet.UserID) error { return second3(f.svc.CreateCompany(ctx, a, o1, "Co")) },
		"CreateProject":      func(a cabinet.UserID) error { return second3(f.svc.CreateProject(ctx, a, o1, "P")) },
		"CreateDecision":     func(a cabinet.UserID) error { return second3(f.svc.CreateDecision(ctx, a, o1, "D")) },
		"CreateUnit":         func(a cabinet.UserID) error { return second3(f.svc.CreateUnit(ctx, a, o1, "U")) },
		"AddProjectPartner":  func(a cabinet.UserID) error { return second3(f.svc.AddProjectPartner(ctx, a, proj.ID, p.ID)) },
		"AddDecisionPartner": func(a cabinet.UserID) error { return second3(f.svc.AddDecisionPartner(ctx, a, dec.ID, p.ID)) },
		"AttachLead":         func(a cabinet.UserID) error { return second3(f.svc.AttachLead(ctx, a, unit.ID, lead.ID)) },
		"SetUnitStatus": func(a cabinet.UserID) error {
			return second3(f.svc.SetUnitStatus(ctx, a, unit.ID, contact.UnitStatusReserved))
		},
		"MarkUnitSold": func(a cabinet.UserID) error {
			return second3(f.svc.MarkUnitSold(ctx, a, unit.ID, []cabinet.ContactID{lead.ID}))
		},
		"ArchiveContact": func(a cabinet.UserID) error { return second3(f.svc.ArchiveContact(ctx, a, p.ID)) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			for _, a := range []cabinet.UserID{carol, mallory, "gone", "u-contact"} {
				rev := f.store.Revision()
				err := op(a)
				if !errors.Is(err, cabinet.ErrForbidden) || cabinet.RuleOf(err) != contact.RuleManage {
					t.Errorf("%s by %s: %v, want forbidden (%s)", name, a, err, contact.RuleManage)
				}
				if f.store.Revision() != rev {
					t.Errorf("%s by %s: a refused command wrote", name, a)
				}
			}
			if err := op(bob); errors.Is(err, cabinet.ErrForbidden) && cabinet.RuleOf(err) == contact.RuleManage {
				t.Errorf("%s by bob (standard collaborator): %v", name, err)
			}
			wantErr(t, op(""), cabinet.ErrInvalid, "actor")
		})
	}
}

// Issue 12: event names are "contact." + the snake_case type name, unique,
// and EventTypes lists every event the package publishes.
func TestEventNamesMatchTypeNames(t *testing.T) {
	seen := map[string]bool{}
	upper := regexp.MustCompile(`[A-Z]`)
	for _, e := range contact.EventTypes() {
		typ := fmt.Sprintf("%T", e)
		typ = typ[strings.LastIndex(typ, ".")+1:]
		want := "contact." + strings.TrimPrefix(upper.ReplaceAllStringFunc(typ, func(s string) string { return "_" + strings.ToLower(s) }), "_")
		if e.EventName() != want {
			t.Errorf("%s.EventName() = %q, want %q", typ, e.EventName(), want)
		}
		if seen[want] {
			t.Errorf("%s listed twice", want)
		}
		seen[want] = true
	}
	if len(seen) != 21 {
		t.Errorf("EventTypes lists %d events", len(seen))
	}
}

// Issue 12: a command returns the revision it committed; a failure returns
// 0 and writes nothing.
func TestCommandsReturnTheirRevision(t *testing.T) {
	f := newFixture(t)
	c, rev, err := f.svc.CreateContact(ctx, alice, o1, contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann@x.co", Phone: "06 12 34 56 78"})
	wantErr(t, err, nil, "")
	if rev == 0 || rev != f.store.Revision() || f.log.Batches()[0].Revision != rev {
		t.Fatalf("revision %d, store %d, batch %v", rev, f.store.Revision(), f.log.Batches())
	}
	if c.Phone != "+33612345678" {
		t.Fatalf("phone %q, want E.164", c.Phone)
	}
	_, rev, err = f.svc.CreateContact(ctx, alice, o1, contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann2@x.co", Phone: "12"})
	wantErr(t, err, cabinet.ErrInvalid, "phone")
	if rev != 0 {
		t.Fatalf("failed command returned revision %d", rev)
	}
}

// contact.Facts answers, in the caller's transaction, what procedure needs
// to seat a contributor from a contact of the office (issue 12, seed 004).
func TestFactsContactInTheCallersTransaction(t *testing.T) {
	f := newFixture(t)
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	facts := contact.NewFacts(f.store)
	err := f.store.ViewContacts(ctx, func(r contact.Reader) error {
		got, err := facts.Contact(ctx, r.Tx(), c.ID)
		if err != nil || got.ID != c.ID || got.Email != "ann@x.co" {
			t.Errorf("Facts.Contact = %+v %v", got, err)
		}
		_, err = facts.Contact(ctx, r.Tx(), "contact_404")
		wantErr(t, err, cabinet.ErrNotFound, "")
		return nil
	})
	wantErr(t, err, nil, "")
	var done cabinet.Tx
	_ = f.store.ViewContacts(ctx, func(r contact.Reader) error { done = r.Tx(); return nil })
	_, err = facts.Contact(ctx, done, c.ID)
	wantErr(t, err, cabinet.ErrInvalid, "tx")
}

// CON-6 v2: the removal of a collaborator can also stop their sessions in
// its own transaction (Service.CollaboratorRemoved), so that a removal and
// a new membership in the same instant of the clock do not revive them.
func TestCON6CollaboratorRemovedStopsTheirSessions(t *testing.T) {
	f := newFixture(t)
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	f.mustInvite(t, c.ID)
	s, _, err := f.svc.StartImpersonation(ctx, bob, c.ID)
	wantErr(t, err, nil, "")
	mine, _, err := f.svc.StartImpersonation(ctx, alice, c.ID)
	wantErr(t, err, nil, "")
	removal := func() []cabinet.Event {
		var events []cabinet.Event
		_, err := f.store.UpdateContacts(ctx, func(w contact.Writer) error {
			var err error
			f.dir.remove(o1, bob) // the removal, in the same transaction
			events, err = f.svc.CollaboratorRemoved(ctx, w.Tx(), o1, bob)
			return err
		})
		wantErr(t, err, nil, "")
		return events
	}
	events := removal()
	if d := cmp.Diff([]cabinet.Event{contact.ImpersonationStopped{Office: o1, Session: s.ID, Actor: bob, Contact: c.ID,
		StoppedAt: t0, Reason: "collaborator_removed"}}, events); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	f.dir.add(o1, bob, cabinet.ProfileStandard, t0) // added back at the very same instant
	_, err = f.svc.ResolveSession(ctx, bob, s.ID)
	wantErr(t, err, cabinet.ErrForbidden, "CON-6")
	if _, err := f.svc.ResolveSession(ctx, alice, mine.ID); err != nil {
		t.Fatalf("another collaborator's session: %v", err)
	}
	if again := removal(); len(again) != 0 {
		t.Fatalf("second call: %v", again)
	}
	_, err = f.svc.CollaboratorRemoved(ctx, nil, o1, "")
	wantErr(t, err, cabinet.ErrInvalid, "user")
}
