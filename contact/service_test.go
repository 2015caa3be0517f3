package contact_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

// CON-1, CON-2, CON-3: required fields per kind; validation names the field
// and changes nothing.
func TestCreateContactRequiredFields(t *testing.T) {
	tests := []struct {
		name  string
		kind  contact.Kind
		f     contact.Fields
		err   error
		field string
	}{
		{"CON-1 client ok", contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann@x.co"}, nil, ""},
		{"CON-1 client without email", contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee"}, cabinet.ErrInvalid, "email"},
		{"CON-1 client without first name", contact.KindClient, contact.Fields{FirstName: " ", LastName: "Lee", Email: "ann@x.co"}, cabinet.ErrInvalid, "first_name"},
		{"CON-1 client without last name", contact.KindClient, contact.Fields{FirstName: "Ann", Email: "ann@x.co"}, cabinet.ErrInvalid, "last_name"},
		{"CON-1 client malformed email", contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann at x"}, cabinet.ErrInvalid, "email"},
		{"CON-1 client with company", contact.KindClient, contact.Fields{FirstName: "Ann", LastName: "Lee", Email: "ann@x.co", NewCompany: "Acme"}, cabinet.ErrInvalid, "new_company"},
		{"CON-2 partner ok", contact.KindPartner, contact.Fields{FirstName: "Pat", LastName: "Ng", Email: "pat@x.co"}, nil, ""},
		{"CON-2 partner without email", contact.KindPartner, contact.Fields{FirstName: "Pat", LastName: "Ng"}, cabinet.ErrInvalid, "email"},
		{"CON-2 partner unknown company", contact.KindPartner, contact.Fields{FirstName: "Pat", LastName: "Ng", Email: "pat@x.co", Company: "company_404"}, cabinet.ErrNotFound, ""},
		{"CON-2 partner both companies", contact.KindPartner, contact.Fields{FirstName: "Pat", LastName: "Ng", Email: "pat@x.co", Company: "c", NewCompany: "Acme"}, cabinet.ErrInvalid, "company"},
		{"CON-3 lead names only", contact.KindLead, contact.Fields{FirstName: "Leo", LastName: "Ray"}, nil, ""},
		{"CON-3 lead with email", contact.KindLead, contact.Fields{FirstName: "Leo", LastName: "Ray", Email: "leo@x.co"}, nil, ""},
		{"CON-3 lead malformed email", contact.KindLead, contact.Fields{FirstName: "Leo", LastName: "Ray", Email: "leo@"}, cabinet.ErrInvalid, "email"},
		{"CON-3 lead without last name", contact.KindLead, contact.Fields{FirstName: "Leo"}, cabinet.ErrInvalid, "last_name"},
		{"invalid kind", contact.KindInvalid, contact.Fields{FirstName: "A", LastName: "B", Email: "a@x.co"}, cabinet.ErrInvalid, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			rev := f.store.Revision()
			c, _, err := f.svc.CreateContact(ctx, bob, o1, tt.kind, tt.f)
			wantErr(t, err, tt.err, tt.field)
			if tt.err != nil {
				if f.store.Revision() != rev || len(f.log.Events()) != 0 {
					t.Fatalf("failed command changed the store or published %v", f.log.Names())
				}
				return
			}
			if c.Status != contact.StatusAdded || c.Kind != tt.kind || c.Office != o1 {
				t.Fatalf("created %+v, want an added %s of o1", c, tt.kind)
			}
			if got := f.get(t, c.ID); !cmp.Equal(got, c) {
				t.Fatalf("stored %+v, returned %+v", got, c)
			}
			if names := f.log.Names(); !cmp.Equal(names, []string{"contact.contact_created"}) {
				t.Fatalf("events = %v", names)
			}
		})
	}
}

// CON-2: a partner joins an existing company or one created on the spot; a
// company lists its partners.
func TestPartnerCompanyCON2(t *testing.T) {
	f := newFixture(t)
	p1, _, err := f.svc.CreateContact(ctx, alice, o1, contact.KindPartner, contact.Fields{FirstName: "Pat", LastName: "Ng", Email: "pat@x.co", NewCompany: " Acme "})
	wantErr(t, err, nil, "")
	if p1.Company == "" {
		t.Fatal("partner not in the company created on the spot")
	}
	if got := f.log.Names(); !cmp.Equal(got, []string{"contact.company_created", "contact.contact_created", "contact.partner_attached"}) {
		t.Fatalf("events = %v", got)
	}
	p2, _, err := f.svc.CreateContact(ctx, bob, o1, contact.KindPartner, contact.Fields{FirstName: "Sam", LastName: "Oh", Email: "sam@x.co", Company: p1.Company})
	wantErr(t, err, nil, "")
	ov, err := f.svc.CompanyOverview(ctx, bob, p1.Company)
	wantErr(t, err, nil, "")
	if co, partners := ov.Company, ov.Partners; co.Name != "Acme" || len(partners) != 2 || partners[0].Partner.ID != p1.ID || partners[1].Partner.ID != p2.ID {
		t.Fatalf("company %+v lists %v, want Acme with %s, %s", co, partners, p1.ID, p2.ID)
	}
	// A company of another office cannot be used.
	_, _, err = f.svc.CreateContact(ctx, carol, o2, contact.KindPartner, contact.Fields{FirstName: "X", LastName: "Y", Email: "x@y.co", Company: p1.Company})
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, err = f.svc.CompanyOverview(ctx, carol, p1.Company)
	wantErr(t, err, cabinet.ErrForbidden, "CON-1")
	// Moving p2 out of the company.
	f.log.Reset()
	_, _, err = f.svc.EditContact(ctx, alice, p2.ID, contact.Fields{FirstName: "Sam", LastName: "Oh", Email: "sam@x.co"})
	wantErr(t, err, nil, "")
	if got := f.log.Names(); !cmp.Equal(got, []string{"contact.contact_edited", "contact.partner_detached"}) {
		t.Fatalf("events = %v", got)
	}
	if ov, _ := f.svc.CompanyOverview(ctx, alice, p1.Company); len(ov.Partners) != 1 {
		t.Fatalf("company still lists %d partners", len(ov.Partners))
	}
}

// CON-7: emails are unique per office among contacts, ignoring case; the
// error names the existing contact.
func TestEmailUniquePerOfficeCON7(t *testing.T) {
	f := newFixture(t)
	ann := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "Ann@X.co")
	lead := f.mustCreate(t, o1, contact.KindLead, "Leo", "Ray", "")
	f.mustCreate(t, o1, contact.KindLead, "Lia", "Ray", "") // empty emails never collide
	f.mustCreate(t, o2, contact.KindClient, "Ann", "Lee", "ann@x.co")
	rev := f.store.Revision()
	f.log.Reset()
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"CON-7 create partner same email other case", func() error {
			_, _, err := f.svc.CreateContact(ctx, alice, o1, contact.KindPartner, contact.Fields{FirstName: "P", LastName: "Q", Email: "ANN@x.CO"})
			return err
		}},
		{"CON-7 create lead same email", func() error {
			_, _, err := f.svc.CreateContact(ctx, alice, o1, contact.KindLead, contact.Fields{FirstName: "P", LastName: "Q", Email: "ann@x.co"})
			return err
		}},
		{"CON-7 edit onto taken email", func() error {
			_, _, err := f.svc.EditContact(ctx, alice, lead.ID, contact.Fields{FirstName: "Leo", LastName: "Ray", Email: "aNN@x.co"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			wantErr(t, err, cabinet.ErrConflict, "CON-7")
			if !strings.Contains(err.Error(), string(ann.ID)) {
				t.Fatalf("error %q does not name the existing contact %s", err, ann.ID)
			}
			if f.store.Revision() != rev || len(f.log.Events()) != 0 {
				t.Fatalf("failed command changed something")
			}
		})
	}
	// Archived contacts keep their email reserved.
	_, _, err := f.svc.ArchiveContact(ctx, alice, ann.ID)
	wantErr(t, err, nil, "")
	_, _, err = f.svc.CreateContact(ctx, alice, o1, contact.KindClient, contact.Fields{FirstName: "A", LastName: "B", Email: "ann@x.co"})
	wantErr(t, err, cabinet.ErrConflict, "CON-7")
	// Editing a contact keeping its own email is fine.
	_, _, err = f.svc.EditContact(ctx, alice, lead.ID, contact.Fields{FirstName: "Leon", LastName: "Ray", Email: "leon@x.co"})
	wantErr(t, err, nil, "")
	_, _, err = f.svc.EditContact(ctx, alice, lead.ID, contact.Fields{FirstName: "Leon", LastName: "Ray", Email: "LEON@x.co"})
	wantErr(t, err, nil, "")
}

// CON-1: added → invited → active; re-inviting re-sends; inviting an active
// contact is an error; AccountCreated links and is idempotent.
func TestClientLifecycleCON1(t *testing.T) {
	f := newFixture(t)
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	if c.Status != contact.StatusAdded {
		t.Fatalf("new client status %s, want added", c.Status)
	}
	f.log.Reset()
	c = f.mustInvite(t, c.ID)
	if c.Status != contact.StatusInvited || !c.InvitedAt.Equal(t0) {
		t.Fatalf("after invite: %+v", c)
	}
	f.clock.Advance(time.Hour)
	c = f.mustInvite(t, c.ID)
	ev := f.log.Events()
	if len(ev) != 2 || ev[0] != (contact.ContactInvited{Office: o1, Contact: c.ID, Kind: contact.KindClient, Email: "ann@x.co"}) ||
		ev[1] != (contact.ContactInvited{Office: o1, Contact: c.ID, Kind: contact.KindClient, Email: "ann@x.co", Resent: true}) {
		t.Fatalf("events = %#v", ev)
	}
	// Someone else's account creation does nothing.
	wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: "u9", Email: "other@x.co"}), nil, "")
	if f.get(t, c.ID).Status != contact.StatusInvited {
		t.Fatal("unrelated account activated the contact")
	}
	f.log.Reset()
	u := cabinet.User{ID: "u1", Email: "ANN@x.co"}
	wantErr(t, signUp(ctx, f.store, f.svc, u), nil, "")
	got := f.get(t, c.ID)
	if got.Status != contact.StatusActive || got.User != "u1" {
		t.Fatalf("after account created: %+v", got)
	}
	if ev := f.log.Events(); len(ev) != 1 || ev[0] != (contact.ContactActivated{Office: o1, Contact: c.ID, User: "u1"}) {
		t.Fatalf("events = %#v", ev)
	}
	// Idempotent.
	rev := f.store.Revision()
	wantErr(t, signUp(ctx, f.store, f.svc, u), nil, "")
	if f.store.Revision() != rev || len(f.log.Events()) != 1 {
		t.Fatal("second AccountCreated changed something")
	}
	_, _, err := f.svc.InviteContact(ctx, alice, c.ID)
	wantErr(t, err, cabinet.ErrConflict, "CON-1")

	t.Run("CON-1 added contact is not activated by an account", func(t *testing.T) {
		d := f.mustCreate(t, o1, contact.KindPartner, "Dan", "Po", "dan@x.co")
		wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: "u2", Email: "dan@x.co"}), nil, "")
		if got := f.get(t, d.ID); got.Status != contact.StatusAdded || got.User != "" {
			t.Fatalf("added contact changed: %+v", got)
		}
	})
	t.Run("CON-1 invite when the email already has an account activates at once", func(t *testing.T) {
		f.accounts["eve@x.co"] = cabinet.User{ID: "u3", Email: "eve@x.co"}
		e := f.mustCreate(t, o1, contact.KindPartner, "Eve", "Ko", "Eve@x.co")
		f.log.Reset()
		e = f.mustInvite(t, e.ID)
		if e.Status != contact.StatusActive || e.User != "u3" {
			t.Fatalf("invited with existing account: %+v", e)
		}
		if got := f.log.Names(); !cmp.Equal(got, []string{"contact.contact_invited", "contact.contact_activated"}) {
			t.Fatalf("events = %v", got)
		}
	})
	t.Run("CON-3 a lead cannot be invited", func(t *testing.T) {
		l := f.mustCreate(t, o1, contact.KindLead, "Leo", "Ray", "leo@x.co")
		_, _, err := f.svc.InviteContact(ctx, alice, l.ID)
		wantErr(t, err, cabinet.ErrForbidden, "CON-3")
	})
	t.Run("archived contact cannot be invited", func(t *testing.T) {
		a := f.mustCreate(t, o1, contact.KindClient, "Arc", "Hive", "arc@x.co")
		_, _, err := f.svc.ArchiveContact(ctx, alice, a.ID)
		wantErr(t, err, nil, "")
		_, _, err = f.svc.InviteContact(ctx, alice, a.ID)
		wantErr(t, err, cabinet.ErrConflict, "CON-1")
		_, _, err = f.svc.ArchiveContact(ctx, alice, a.ID)
		wantErr(t, err, cabinet.ErrConflict, "")
		_, _, err = f.svc.EditContact(ctx, alice, a.ID, contact.Fields{FirstName: "A", LastName: "B", Email: "arc@x.co"})
		wantErr(t, err, cabinet.ErrConflict, "")
	})
	t.Run("bad account input", func(t *testing.T) {
		wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{Email: "a@x.co"}), cabinet.ErrInvalid, "user")
		wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: "u"}), cabinet.ErrInvalid, "email")
	})
}

// CON-4: only existing partners of the same office join projects and
// decisions; only existing leads are attached to units.
func TestOnlyExistingContactsCON4(t *testing.T) {
	f := newFixture(t)
	partner := f.mustCreate(t, o1, contact.KindPartner, "Pat", "Ng", "pat@x.co")
	client := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	lead := f.mustCreate(t, o1, contact.KindLead, "Leo", "Ray", "")
	archived := f.mustCreate(t, o1, contact.KindPartner, "Old", "One", "old@x.co")
	archivedLead := f.mustCreate(t, o1, contact.KindLead, "Old", "Lead", "")
	other := f.mustCreate(t, o2, contact.KindPartner, "Far", "Away", "far@x.co")
	otherLead := f.mustCreate(t, o2, contact.KindLead, "Far", "Lead", "")
	for _, id := range []cabinet.ContactID{archived.ID, archivedLead.ID} {
		if _, _, err := f.svc.ArchiveContact(ctx, alice, id); err != nil {
			t.Fatal(err)
		}
	}
	proj, _, err := f.svc.CreateProject(ctx, bob, o1, "Tower")
	wantErr(t, err, nil, "")
	dec, _, err := f.svc.CreateDecision(ctx, bob, o1, "Pick a notary")
	wantErr(t, err, nil, "")
	unit, _, err := f.svc.CreateUnit(ctx, bob, o1, "Flat 1A")
	wantErr(t, err, nil, "")

	addProject := func(c cabinet.ContactID) error {
		_, _, err := f.svc.AddProjectPartner(ctx, bob, proj.ID, c)
		return err
	}
	addDecision := func(c cabinet.ContactID) error {
		_, _, err := f.svc.AddDecisionPartner(ctx, bob, dec.ID, c)
		return err
	}
	attach := func(c cabinet.ContactID) error { _, _, err := f.svc.AttachLead(ctx, bob, unit.ID, c); return err }
	tests := []struct {
		name  string
		do    func(cabinet.ContactID) error
		c     cabinet.ContactID
		err   error
		rule  string
		event string
	}{
		{"CON-4 project partner", addProject, partner.ID, nil, "", "contact.project_partner_added"},
		{"CON-4 project partner twice", addProject, partner.ID, cabinet.ErrConflict, "", ""},
		{"CON-4 project client", addProject, client.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 project lead", addProject, lead.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 project archived partner", addProject, archived.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 project unknown contact", addProject, "contact_404", cabinet.ErrNotFound, "", ""},
		{"CON-4 project partner of another office", addProject, other.ID, cabinet.ErrNotFound, "", ""},
		{"CON-4 decision partner", addDecision, partner.ID, nil, "", "contact.decision_partner_added"},
		{"CON-4 decision client", addDecision, client.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 decision unknown contact", addDecision, "contact_404", cabinet.ErrNotFound, "", ""},
		{"CON-4 decision partner of another office", addDecision, other.ID, cabinet.ErrNotFound, "", ""},
		{"CON-4 unit lead", attach, lead.ID, nil, "", "contact.lead_attached"},
		{"CON-4 unit lead twice", attach, lead.ID, cabinet.ErrConflict, "", ""},
		{"CON-4 unit partner", attach, partner.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 unit client", attach, client.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 unit archived lead", attach, archivedLead.ID, cabinet.ErrForbidden, "CON-4", ""},
		{"CON-4 unit unknown contact", attach, "contact_404", cabinet.ErrNotFound, "", ""},
		{"CON-4 unit lead of another office", attach, otherLead.ID, cabinet.ErrNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.log.Reset()
			rev := f.store.Revision()
			err := tt.do(tt.c)
			wantErr(t, err, tt.err, tt.rule)
			if tt.err != nil {
				if f.store.Revision() != rev || len(f.log.Events()) != 0 {
					t.Fatal("failed command changed something")
				}
				return
			}
			if got := f.log.Names(); !cmp.Equal(got, []string{tt.event}) {
				t.Fatalf("events = %v", got)
			}
		})
	}
	var p contact.Project
	_ = f.store.ViewContacts(ctx, func(r contact.Reader) error { p, err = r.Project(ctx, proj.ID); return err })
	if !cmp.Equal(p.Partners, []cabinet.ContactID{partner.ID}) {
		t.Fatalf("project partners = %v", p.Partners)
	}
	u, err := f.svc.Unit(ctx, alice, unit.ID)
	wantErr(t, err, nil, "")
	if !cmp.Equal(u.Leads, []cabinet.ContactID{lead.ID}) || u.Buyers != nil {
		t.Fatalf("unit leads = %v, buyers = %v", u.Leads, u.Buyers)
	}
	_, _, err = f.svc.AddProjectPartner(ctx, bob, "project_404", partner.ID)
	wantErr(t, err, cabinet.ErrNotFound, "")
	_, _, err = f.svc.AttachLead(ctx, carol, unit.ID, lead.ID)
	wantErr(t, err, cabinet.ErrForbidden, "CON-1")
}

// CON-5 v2: marking a unit sold names its buyers among the leads attached
// to it; only they become clients (same contact, kind changed, status
// added), in the same step; the other attached leads stay leads; selling
// twice is an error.
func TestCON5MarkSoldConvertsOnlyNamedBuyers(t *testing.T) {
	f := newFixture(t)
	l1 := f.mustCreate(t, o1, contact.KindLead, "Leo", "Ray", "leo@x.co")
	l2 := f.mustCreate(t, o1, contact.KindLead, "Lia", "Ray", "")
	l3 := f.mustCreate(t, o1, contact.KindLead, "Not", "Buying", "")
	l4 := f.mustCreate(t, o1, contact.KindLead, "Never", "Attached", "")
	unit, _, _ := f.svc.CreateUnit(ctx, alice, o1, "Flat 1A")
	for _, l := range []cabinet.ContactID{l1.ID, l2.ID, l3.ID} {
		if _, _, err := f.svc.AttachLead(ctx, alice, unit.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	u, rev, err := f.svc.SetUnitStatus(ctx, bob, unit.ID, contact.UnitStatusReserved)
	wantErr(t, err, nil, "")
	if u.Status != contact.UnitStatusReserved || rev != f.store.Revision() {
		t.Fatalf("status %s at revision %d (store %d)", u.Status, rev, f.store.Revision())
	}
	_, _, err = f.svc.SetUnitStatus(ctx, bob, unit.ID, contact.UnitStatusReserved)
	wantErr(t, err, cabinet.ErrConflict, "")

	// Refusals change nothing.
	for _, tc := range []struct {
		name    string
		buyers  []cabinet.ContactID
		err     error
		ruleOrF string
	}{
		{"CON-5 no buyer named", nil, cabinet.ErrInvalid, "buyers"},
		{"CON-5 empty buyer list", []cabinet.ContactID{}, cabinet.ErrInvalid, "buyers"},
		{"CON-5 blank buyer", []cabinet.ContactID{l1.ID, " "}, cabinet.ErrInvalid, "buyers"},
		{"CON-5 buyer named twice", []cabinet.ContactID{l1.ID, l1.ID}, cabinet.ErrInvalid, "buyers"},
		{"CON-5 buyer not attached", []cabinet.ContactID{l1.ID, l4.ID}, cabinet.ErrConflict, "CON-5"},
		{"CON-5 unknown buyer", []cabinet.ContactID{"contact_404"}, cabinet.ErrNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := f.store.Revision()
			f.log.Reset()
			_, _, err := f.svc.MarkUnitSold(ctx, bob, unit.ID, tc.buyers)
			wantErr(t, err, tc.err, tc.ruleOrF)
			if f.store.Revision() != rev || len(f.log.Events()) != 0 {
				t.Fatal("a refused sale changed something")
			}
		})
	}
	_, _, err = f.svc.MarkUnitSold(ctx, carol, unit.ID, []cabinet.ContactID{l1.ID})
	wantErr(t, err, cabinet.ErrForbidden, "CON-1")

	f.log.Reset()
	f.clock.Advance(time.Hour)
	// The attack of issue 11: the sale must not turn every attached lead
	// into a client, only the buyers it names (l2 before l1: the order of
	// the names does not matter).
	u, rev, err = f.svc.MarkUnitSold(ctx, bob, unit.ID, []cabinet.ContactID{l2.ID, l1.ID})
	wantErr(t, err, nil, "")
	if u.Status != contact.UnitStatusSold || !u.SoldAt.Equal(t0.Add(time.Hour)) || rev != f.store.Revision() ||
		!cmp.Equal(u.Buyers, []cabinet.ContactID{l1.ID, l2.ID}) || !cmp.Equal(u.Leads, []cabinet.ContactID{l1.ID, l2.ID, l3.ID}) {
		t.Fatalf("unit after sale: %+v at %d", u, rev)
	}
	for _, id := range []cabinet.ContactID{l1.ID, l2.ID} {
		if c := f.get(t, id); c.Kind != contact.KindClient || c.Status != contact.StatusAdded {
			t.Fatalf("buyer %s after sale: %s/%s, want client/added", id, c.Kind, c.Status)
		}
	}
	for _, id := range []cabinet.ContactID{l3.ID, l4.ID} {
		if c := f.get(t, id); c.Kind != contact.KindLead {
			t.Fatalf("CON-5 attack: %s, not named as a buyer, became a %s", id, c.Kind)
		}
	}
	wantEvents := []cabinet.Event{
		contact.UnitStatusChanged{Office: o1, Unit: unit.ID, From: contact.UnitStatusReserved, To: contact.UnitStatusSold},
		contact.ContactKindChanged{Office: o1, Contact: l1.ID, Unit: unit.ID, From: contact.KindLead, To: contact.KindClient, Status: contact.StatusAdded},
		contact.ContactKindChanged{Office: o1, Contact: l2.ID, Unit: unit.ID, From: contact.KindLead, To: contact.KindClient, Status: contact.StatusAdded},
		contact.UnitSold{Office: o1, Unit: unit.ID, Buyers: []cabinet.ContactID{l1.ID, l2.ID}, Converted: []cabinet.ContactID{l1.ID, l2.ID},
			Remaining: []cabinet.ContactID{l3.ID}, SoldAt: t0.Add(time.Hour)},
	}
	if d := cmp.Diff(wantEvents, f.log.Events()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	if len(f.log.Batches()) != 1 {
		t.Fatalf("sale published %d batches, want 1 (same step)", len(f.log.Batches()))
	}
	t.Run("CON-5 selling twice", func(t *testing.T) {
		_, _, err := f.svc.MarkUnitSold(ctx, bob, unit.ID, []cabinet.ContactID{l3.ID})
		wantErr(t, err, cabinet.ErrConflict, "CON-5")
		_, _, err = f.svc.SetUnitStatus(ctx, bob, unit.ID, contact.UnitStatusAvailable)
		wantErr(t, err, cabinet.ErrConflict, "CON-5")
		if c := f.get(t, l3.ID); c.Kind != contact.KindLead {
			t.Fatal("a refused second sale converted a lead")
		}
	})
	t.Run("CON-5 no lead attached after sale", func(t *testing.T) {
		_, _, err := f.svc.AttachLead(ctx, bob, unit.ID, l4.ID)
		wantErr(t, err, cabinet.ErrConflict, "CON-5")
	})
	t.Run("CON-5 a client buying a second unit stays a client", func(t *testing.T) {
		u2, _, _ := f.svc.CreateUnit(ctx, alice, o1, "Flat 2B")
		l5 := f.mustCreate(t, o1, contact.KindLead, "Two", "Units", "")
		for _, l := range []cabinet.ContactID{l3.ID, l5.ID} {
			if _, _, err := f.svc.AttachLead(ctx, alice, u2.ID, l); err != nil {
				t.Fatal(err)
			}
		}
		u3, _, _ := f.svc.CreateUnit(ctx, alice, o1, "Flat 3C")
		if _, _, err := f.svc.AttachLead(ctx, alice, u3.ID, l5.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.MarkUnitSold(ctx, alice, u2.ID, []cabinet.ContactID{l5.ID}); err != nil {
			t.Fatal(err)
		}
		f.log.Reset()
		if _, _, err := f.svc.MarkUnitSold(ctx, alice, u3.ID, []cabinet.ContactID{l5.ID}); err != nil {
			t.Fatalf("selling a second unit to a converted lead: %v", err)
		}
		if c := f.get(t, l5.ID); c.Kind != contact.KindClient {
			t.Fatalf("second buyer %+v", c)
		}
		if got := f.log.Names(); !cmp.Equal(got, []string{"contact.unit_status_changed", "contact.unit_sold"}) {
			t.Fatalf("events = %v (no kind change for a client)", got)
		}
	})
	t.Run("CON-4 an archived attached lead cannot be named a buyer", func(t *testing.T) {
		u4, _, _ := f.svc.CreateUnit(ctx, alice, o1, "Flat 4D")
		l6 := f.mustCreate(t, o1, contact.KindLead, "Gone", "Away", "")
		if _, _, err := f.svc.AttachLead(ctx, alice, u4.ID, l6.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.ArchiveContact(ctx, alice, l6.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.svc.MarkUnitSold(ctx, alice, u4.ID, []cabinet.ContactID{l6.ID})
		wantErr(t, err, cabinet.ErrForbidden, "CON-4")
		other := f.mustCreate(t, o2, contact.KindLead, "Far", "Lead", "")
		_, _, err = f.svc.MarkUnitSold(ctx, alice, u4.ID, []cabinet.ContactID{other.ID})
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
	t.Run("CON-5 converted lead without email needs one before invitation", func(t *testing.T) {
		_, _, err := f.svc.InviteContact(ctx, alice, l2.ID)
		wantErr(t, err, cabinet.ErrInvalid, "email")
		_, _, err = f.svc.EditContact(ctx, alice, l2.ID, contact.Fields{FirstName: "Lia", LastName: "Ray"})
		wantErr(t, err, cabinet.ErrInvalid, "email")
		_, _, err = f.svc.EditContact(ctx, alice, l2.ID, contact.Fields{FirstName: "Lia", LastName: "Ray", Email: "lia@x.co"})
		wantErr(t, err, nil, "")
		c := f.mustInvite(t, l2.ID)
		if c.Status != contact.StatusInvited {
			t.Fatalf("status %s", c.Status)
		}
	})
	t.Run("bad unit status", func(t *testing.T) {
		_, _, err := f.svc.SetUnitStatus(ctx, bob, unit.ID, contact.UnitStatusInvalid)
		wantErr(t, err, cabinet.ErrInvalid, "unit_status")
		_, _, err = f.svc.SetUnitStatus(ctx, bob, unit.ID, contact.UnitStatusSold)
		wantErr(t, err, cabinet.ErrInvalid, "unit_status")
		_, _, err = f.svc.SetUnitStatus(ctx, bob, "unit_404", contact.UnitStatusReserved)
		wantErr(t, err, cabinet.ErrNotFound, "")
		_, _, err = f.svc.MarkUnitSold(ctx, bob, "unit_404", []cabinet.ContactID{l1.ID})
		wantErr(t, err, cabinet.ErrNotFound, "")
	})
}

// CON-6: the impersonation matrix.
func TestImpersonationMatrixCON6(t *testing.T) {
	f := newFixture(t)
	mk := func(k contact.Kind, first, email string) contact.Contact {
		return f.mustCreate(t, o1, k, first, "X", email)
	}
	added := mk(contact.KindClient, "Added", "added@x.co")
	invited := mk(contact.KindClient, "Invited", "invited@x.co")
	f.mustInvite(t, invited.ID)
	active := mk(contact.KindPartner, "Active", "active@x.co")
	f.mustInvite(t, active.ID)
	wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: "u-active", Email: "active@x.co"}), nil, "")
	invitedPartner := mk(contact.KindPartner, "InvP", "invp@x.co")
	f.mustInvite(t, invitedPartner.ID)
	lead := mk(contact.KindLead, "Lead", "lead@x.co")
	archived := mk(contact.KindClient, "Arch", "arch@x.co")
	f.mustInvite(t, archived.ID)
	if _, _, err := f.svc.ArchiveContact(ctx, alice, archived.ID); err != nil {
		t.Fatal(err)
	}
	// A contact linked to bob, a collaborator of o1.
	colleague := mk(contact.KindClient, "Bob", "bob@x.co")
	f.mustInvite(t, colleague.ID)
	wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: bob, Email: "bob@x.co"}), nil, "")
	farAway := f.mustCreate(t, o2, contact.KindClient, "Far", "Away", "far@x.co")
	if _, _, err := f.svc.InviteContact(ctx, carol, farAway.ID); err != nil {
		t.Fatal(err)
	}

	check := func(actor cabinet.UserID, c cabinet.ContactID, want error) {
		t.Helper()
		rev := f.store.Revision()
		f.log.Reset()
		s, _, err := f.svc.StartImpersonation(ctx, actor, c)
		if want != nil {
			if !errors.Is(err, want) || (want == cabinet.ErrForbidden && cabinet.RuleOf(err) != "CON-6") {
				t.Errorf("%s impersonating %s: err = %v, want %v (CON-6)", actor, c, err, want)
			}
			if f.store.Revision() != rev || len(f.log.Events()) != 0 {
				t.Errorf("%s impersonating %s: refused command changed something", actor, c)
			}
			return
		}
		if err != nil {
			t.Errorf("%s impersonating %s: %v", actor, c, err)
			return
		}
		if s.Actor != actor || s.Contact != c {
			t.Errorf("session %+v", s)
		}
		if _, _, err := f.svc.StopImpersonation(ctx, actor, s.ID); err != nil {
			t.Errorf("stop: %v", err)
		}
	}
	check(alice, invited.ID, nil)                    // CON-6 invited client
	check(bob, active.ID, nil)                       // CON-6 active partner, standard profile
	check(alice, invitedPartner.ID, nil)             // CON-6 invited partner
	check(alice, added.ID, cabinet.ErrForbidden)     // CON-6 never an added contact
	check(alice, lead.ID, cabinet.ErrForbidden)      // CON-6 never a lead
	check(alice, archived.ID, cabinet.ErrForbidden)  // archived contact
	check(alice, colleague.ID, cabinet.ErrForbidden) // CON-6 never a collaborator
	check(carol, invited.ID, cabinet.ErrForbidden)   // CON-6 never across offices
	check(alice, farAway.ID, cabinet.ErrForbidden)   // CON-6 never across offices
	check(mallory, invited.ID, cabinet.ErrForbidden) // not a collaborator
	check(alice, "contact_404", cabinet.ErrNotFound)
	check("", invited.ID, cabinet.ErrInvalid)
}

// CON-6: the session yields the contact's identity, records both, ends on
// stop, expires after SessionLifetime.
func TestImpersonationSessionCON6(t *testing.T) {
	f := newFixture(t)
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	f.mustInvite(t, c.ID)
	wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: "u-ann", Email: "ann@x.co"}), nil, "")
	f.log.Reset()
	s, _, err := f.svc.StartImpersonation(ctx, alice, c.ID)
	wantErr(t, err, nil, "")
	want := contact.Session{ID: s.ID, Office: o1, Actor: alice, Contact: c.ID, ContactUser: "u-ann",
		StartedAt: t0, ExpiresAt: t0.Add(contact.SessionLifetime)}
	if d := cmp.Diff(want, s); d != "" {
		t.Fatalf("session (-want +got):\n%s", d)
	}
	if ev := f.log.Events(); len(ev) != 1 || ev[0] != (contact.ImpersonationStarted{Office: o1, Session: s.ID, Actor: alice,
		Contact: c.ID, ContactUser: "u-ann", StartedAt: t0, ExpiresAt: want.ExpiresAt}) {
		t.Fatalf("events = %#v", ev)
	}
	sub, err := f.svc.ResolveSession(ctx, alice, s.ID)
	wantErr(t, err, nil, "")
	if sub != (contact.Subject{Session: s.ID, Office: o1, Contact: c.ID, User: "u-ann", Actor: alice}) {
		t.Fatalf("subject = %+v: decisions must be the contact's, carrying the actor", sub)
	}
	t.Run("CON-6 only the actor stops", func(t *testing.T) {
		_, _, err := f.svc.StopImpersonation(ctx, bob, s.ID)
		wantErr(t, err, cabinet.ErrForbidden, "CON-6")
	})
	t.Run("CON-6 expired session is not usable", func(t *testing.T) {
		f.clock.Advance(contact.SessionLifetime - time.Second)
		_, err := f.svc.ResolveSession(ctx, alice, s.ID)
		wantErr(t, err, nil, "")
		f.clock.Advance(time.Second)
		_, err = f.svc.ResolveSession(ctx, alice, s.ID)
		wantErr(t, err, cabinet.ErrForbidden, "CON-6")
		_, _, err = f.svc.StopImpersonation(ctx, alice, s.ID)
		wantErr(t, err, cabinet.ErrConflict, "CON-6")
	})
	t.Run("CON-6 stop returns to own identity", func(t *testing.T) {
		s2, _, err := f.svc.StartImpersonation(ctx, alice, c.ID)
		wantErr(t, err, nil, "")
		f.log.Reset()
		f.clock.Advance(time.Minute)
		stopped, _, err := f.svc.StopImpersonation(ctx, alice, s2.ID)
		wantErr(t, err, nil, "")
		if stopped.StoppedAt.IsZero() {
			t.Fatal("StoppedAt not recorded")
		}
		if ev := f.log.Events(); len(ev) != 1 || ev[0] != (contact.ImpersonationStopped{Office: o1, Session: s2.ID, Actor: alice,
			Contact: c.ID, ContactUser: "u-ann", StoppedAt: stopped.StoppedAt, Reason: "stopped"}) {
			t.Fatalf("events = %#v", ev)
		}
		_, err = f.svc.ResolveSession(ctx, alice, s2.ID)
		wantErr(t, err, cabinet.ErrForbidden, "CON-6")
		_, _, err = f.svc.StopImpersonation(ctx, alice, s2.ID)
		wantErr(t, err, cabinet.ErrConflict, "CON-6")
		got, err := f.svc.Session(ctx, alice, s2.ID)
		wantErr(t, err, nil, "")
		if got.Actor != alice || got.Contact != c.ID {
			t.Fatalf("recorded session lost an identity: %+v", got)
		}
	})
	t.Run("CON-6 one session per actor, archive ends sessions", func(t *testing.T) {
		p := f.mustCreate(t, o1, contact.KindPartner, "Pat", "Ng", "pat@x.co")
		f.mustInvite(t, p.ID)
		s3, _, err := f.svc.StartImpersonation(ctx, alice, c.ID)
		wantErr(t, err, nil, "")
		s4, _, err := f.svc.StartImpersonation(ctx, alice, p.ID)
		wantErr(t, err, nil, "")
		if _, err := f.svc.ResolveSession(ctx, alice, s3.ID); !errors.Is(err, cabinet.ErrForbidden) {
			t.Fatalf("replaced session still resolves: %v", err)
		}
		if sub, err := f.svc.ResolveSession(ctx, alice, s4.ID); err != nil || sub.Contact != p.ID || sub.User != "" {
			t.Fatalf("resolve s4 = %+v %v (an invited contact has no user)", sub, err)
		}
		_, _, err = f.svc.ArchiveContact(ctx, bob, p.ID)
		wantErr(t, err, nil, "")
		if _, err := f.svc.ResolveSession(ctx, alice, s4.ID); !errors.Is(err, cabinet.ErrForbidden) {
			t.Fatalf("session on archived contact still resolves: %v", err)
		}
	})
	t.Run("CON-6 session stops resolving when the contact becomes a collaborator", func(t *testing.T) {
		s5, _, err := f.svc.StartImpersonation(ctx, bob, c.ID)
		wantErr(t, err, nil, "")
		_, err = f.svc.ResolveSession(ctx, bob, s5.ID)
		wantErr(t, err, nil, "")
		f.dir.add(o1, "u-ann", cabinet.ProfileStandard, f.clock.Now())
		defer f.dir.remove(o1, "u-ann")
		_, err = f.svc.ResolveSession(ctx, bob, s5.ID)
		wantErr(t, err, cabinet.ErrForbidden, "CON-6")
		_, _, err = f.svc.StopImpersonation(ctx, bob, s5.ID)
		wantErr(t, err, cabinet.ErrConflict, "CON-6")
	})
	_, err = f.svc.ResolveSession(ctx, alice, "session_404")
	wantErr(t, err, cabinet.ErrNotFound, "")
}

// CON-6 v2, the attack of issue 11: after the impersonating collaborator
// left the office, their session kept allowing. A session ends as soon as
// its collaborator is no longer a collaborator of the office — for
// ResolveSession and StopImpersonation at once, with no command — and it
// does not come back when they are added again.
func TestCON6SessionEndsWhenCollaboratorLeaves(t *testing.T) {
	f := newFixture(t)
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	f.mustInvite(t, c.ID)
	wantErr(t, signUp(ctx, f.store, f.svc, cabinet.User{ID: "u-ann", Email: "ann@x.co"}), nil, "")
	s, _, err := f.svc.StartImpersonation(ctx, bob, c.ID)
	wantErr(t, err, nil, "")
	f.clock.Advance(time.Minute)
	if _, err := f.svc.ResolveSession(ctx, bob, s.ID); err != nil {
		t.Fatalf("fresh session: %v", err)
	}
	rev := f.store.Revision()
	f.dir.remove(o1, bob) // clientgroup removes bob from the office
	_, err = f.svc.ResolveSession(ctx, bob, s.ID)
	wantErr(t, err, cabinet.ErrForbidden, "CON-6")
	_, _, err = f.svc.StopImpersonation(ctx, bob, s.ID)
	wantErr(t, err, cabinet.ErrConflict, "CON-6")
	_, err = f.svc.Session(ctx, bob, s.ID)
	wantErr(t, err, cabinet.ErrForbidden, "CON-6") // a departed collaborator reads nothing of the office
	if f.store.Revision() != rev {
		t.Fatal("ending by departure wrote something")
	}
	// Added again a minute later: the session stays ended.
	f.clock.Advance(time.Minute)
	f.dir.add(o1, bob, cabinet.ProfileStandard, f.clock.Now())
	_, err = f.svc.ResolveSession(ctx, bob, s.ID)
	wantErr(t, err, cabinet.ErrForbidden, "CON-6")
	_, _, err = f.svc.StopImpersonation(ctx, bob, s.ID)
	wantErr(t, err, cabinet.ErrConflict, "CON-6")
	// A new session works.
	s2, _, err := f.svc.StartImpersonation(ctx, bob, c.ID)
	wantErr(t, err, nil, "")
	if sub, err := f.svc.ResolveSession(ctx, bob, s2.ID); err != nil || sub.User != "u-ann" || sub.Actor != bob {
		t.Fatalf("new session: %+v %v", sub, err)
	}
	// A profile change keeps the membership (and the session).
	f.dir.add(o1, bob, cabinet.ProfileAdmin, f.dir.members[o1][bob].since)
	if _, err := f.svc.ResolveSession(ctx, bob, s2.ID); err != nil {
		t.Fatalf("after a profile change: %v", err)
	}
}

// CON-6: a session ID is not a bearer token, and session records are read
// by their actor and the office's admins only (audit).
func TestCON6SessionReadsArePermissionChecked(t *testing.T) {
	f := newFixture(t)
	f.dir.add(o1, "dave", cabinet.ProfileStandard, t0.Add(-time.Hour))
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	f.mustInvite(t, c.ID)
	s, _, err := f.svc.StartImpersonation(ctx, bob, c.ID)
	wantErr(t, err, nil, "")
	for _, tc := range []struct {
		actor cabinet.UserID
		read  bool // Session
		use   bool // ResolveSession
		list  bool // Sessions of the office, all actors
		own   bool // Sessions of the office, Actor: actor
	}{
		{bob, true, true, false, true},      // the actor
		{alice, true, false, true, true},    // an admin of the office: audit, never use
		{"dave", false, false, false, true}, // another standard collaborator
		{carol, false, false, false, false}, // an admin of another office
		{mallory, false, false, false, false},
	} {
		t.Run(string(tc.actor), func(t *testing.T) {
			_, err := f.svc.Session(ctx, tc.actor, s.ID)
			if tc.read {
				wantErr(t, err, nil, "")
			} else {
				wantErr(t, err, cabinet.ErrForbidden, "CON-6")
			}
			_, err = f.svc.ResolveSession(ctx, tc.actor, s.ID)
			if tc.use {
				wantErr(t, err, nil, "")
			} else {
				wantErr(t, err, cabinet.ErrForbidden, "CON-6")
			}
			got, _, err := f.svc.Sessions(ctx, tc.actor, contact.SessionFilter{Office: o1}, cabinet.Page{})
			if tc.list {
				wantErr(t, err, nil, "")
				if len(got) != 1 || got[0].ID != s.ID {
					t.Fatalf("Sessions = %v", got)
				}
			} else {
				wantErr(t, err, cabinet.ErrForbidden, "CON-6")
			}
			got, _, err = f.svc.Sessions(ctx, tc.actor, contact.SessionFilter{Office: o1, Actor: tc.actor}, cabinet.Page{})
			if tc.own {
				wantErr(t, err, nil, "")
				if tc.actor == bob && len(got) != 1 || tc.actor != bob && len(got) != 0 {
					t.Fatalf("own Sessions = %v", got)
				}
			} else {
				wantErr(t, err, cabinet.ErrForbidden, "CON-6")
			}
			_, _, err = f.svc.StopImpersonation(ctx, tc.actor, s.ID)
			if tc.actor != bob {
				wantErr(t, err, cabinet.ErrForbidden, "CON-6")
			}
		})
	}
	_, _, err = f.svc.Sessions(ctx, alice, contact.SessionFilter{}, cabinet.Page{})
	wantErr(t, err, cabinet.ErrInvalid, "office")
	_, _, err = f.svc.Sessions(ctx, alice, contact.SessionFilter{Office: o1}, cabinet.Page{Limit: -1})
	wantErr(t, err, cabinet.ErrInvalid, "limit")
	_, err = f.svc.Session(ctx, alice, "session_404")
	wantErr(t, err, cabinet.ErrNotFound, "")
}

// CON-6: the pure predicates used by package policy.
func TestPredicatesCON6(t *testing.T) {
	ok := contact.Contact{ID: "c", Office: o1, Kind: contact.KindClient, Status: contact.StatusActive, User: "u"}
	tests := []struct {
		name          string
		office        cabinet.OfficeID
		actor, target cabinet.Profile
		mod           func(c *contact.Contact)
		allow         bool
	}{
		{"CON-6 admin on active client", o1, cabinet.ProfileAdmin, cabinet.ProfileInvalid, nil, true},
		{"CON-6 standard on invited partner", o1, cabinet.ProfileStandard, cabinet.ProfileInvalid, func(c *contact.Contact) {
			c.Kind, c.Status = contact.KindPartner, contact.StatusInvited
		}, true},
		{"CON-6 not a collaborator", o1, cabinet.ProfileInvalid, cabinet.ProfileInvalid, nil, false},
		{"CON-6 other office", o2, cabinet.ProfileAdmin, cabinet.ProfileInvalid, nil, false},
		{"CON-6 added", o1, cabinet.ProfileAdmin, cabinet.ProfileInvalid, func(c *contact.Contact) { c.Status = contact.StatusAdded }, false},
		{"CON-6 lead", o1, cabinet.ProfileAdmin, cabinet.ProfileInvalid, func(c *contact.Contact) { c.Kind = contact.KindLead }, false},
		{"CON-6 archived", o1, cabinet.ProfileAdmin, cabinet.ProfileInvalid, func(c *contact.Contact) { c.Archived = true }, false},
		{"CON-6 collaborator target", o1, cabinet.ProfileAdmin, cabinet.ProfileStandard, nil, false},
		{"CON-6 invalid kind", o1, cabinet.ProfileAdmin, cabinet.ProfileInvalid, func(c *contact.Contact) { c.Kind = contact.KindInvalid }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			if tt.mod != nil {
				tt.mod(&c)
			}
			err := contact.CanImpersonate(tt.office, tt.actor, c, tt.target)
			if tt.allow {
				wantErr(t, err, nil, "")
				return
			}
			wantErr(t, err, cabinet.ErrForbidden, "CON-6")
		})
	}
	s := contact.Session{ID: "s", Office: o1, Actor: alice, Contact: "c", StartedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	for _, tc := range []struct {
		at   time.Time
		stop time.Time
		ok   bool
	}{
		{t0.Add(-time.Second), time.Time{}, false},
		{t0, time.Time{}, true},
		{t0.Add(time.Hour - 1), time.Time{}, true},
		{t0.Add(time.Hour), time.Time{}, false},
		{t0.Add(time.Minute), t0.Add(time.Minute), false},
		{t0.Add(time.Second), t0.Add(time.Minute), true}, // resolving a past instant before the stop
	} {
		s.StoppedAt = tc.stop
		_, err := contact.Resolve(s, tc.at)
		if (err == nil) != tc.ok || (err != nil && cabinet.RuleOf(err) != "CON-6") {
			t.Errorf("Resolve at %v stop %v: %v, want ok=%v", tc.at, tc.stop, err, tc.ok)
		}
	}
}

// The allow paths of the predicates do not allocate (policy calls them on
// every decision).
func TestPredicatesDoNotAllocate(t *testing.T) {
	c := contact.Contact{ID: "c", Office: o1, Kind: contact.KindPartner, Status: contact.StatusInvited}
	u := contact.Unit{ID: "u", Office: o1, Status: contact.UnitStatusAvailable, Leads: []cabinet.ContactID{"a", "b"}}
	l := contact.Contact{ID: "l", Office: o1, Kind: contact.KindLead}
	s := contact.Session{ID: "s", Office: o1, Actor: alice, Contact: "c", StartedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	n := testing.AllocsPerRun(100, func() {
		_ = contact.CanImpersonate(o1, cabinet.ProfileAdmin, c, cabinet.ProfileInvalid)
		_ = contact.CanManageContacts(cabinet.ProfileStandard)
		_ = contact.CanAddPartner(o1, c)
		_ = contact.CanAttachLead(u, l)
		_, _ = contact.Resolve(s, t0)
	})
	if n != 0 {
		t.Fatalf("allow path allocates %v times", n)
	}
}

// Who may manage an office's contacts: its collaborators, admin or
// standard; nobody from another office (RuleManage, CON-1).
func TestManagementPermissionMatrix(t *testing.T) {
	f := newFixture(t)
	c := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	unit, _, _ := f.svc.CreateUnit(ctx, alice, o1, "Flat")
	actions := map[string]func(actor cabinet.UserID) error{
		"create": func(a cabinet.UserID) error {
			_, _, err := f.svc.CreateContact(ctx, a, o1, contact.KindLead, contact.Fields{FirstName: "L", LastName: string(a)})
			return err
		},
		"read": func(a cabinet.UserID) error { _, err := f.svc.Contact(ctx, a, c.ID); return err },
		"list": func(a cabinet.UserID) error {
			_, _, err := f.svc.Contacts(ctx, a, contact.ContactFilter{Office: o1}, cabinet.Page{})
			return err
		},
		"edit": func(a cabinet.UserID) error {
			_, _, err := f.svc.EditContact(ctx, a, c.ID, contact.Fields{FirstName: "Ann", LastName: string(a), Email: "ann@x.co"})
			return err
		},
		"invite":    func(a cabinet.UserID) error { _, _, err := f.svc.InviteContact(ctx, a, c.ID); return err },
		"company":   func(a cabinet.UserID) error { _, _, err := f.svc.CreateCompany(ctx, a, o1, "Acme"); return err },
		"unit":      func(a cabinet.UserID) error { _, _, err := f.svc.CreateUnit(ctx, a, o1, "U"); return err },
		"read unit": func(a cabinet.UserID) error { _, err := f.svc.Unit(ctx, a, unit.ID); return err },
		"project":   func(a cabinet.UserID) error { _, _, err := f.svc.CreateProject(ctx, a, o1, "P"); return err },
		"decision":  func(a cabinet.UserID) error { _, _, err := f.svc.CreateDecision(ctx, a, o1, "D"); return err },
		"unit status": func(a cabinet.UserID) error {
			_, _, err := f.svc.SetUnitStatus(ctx, a, unit.ID, contact.UnitStatusReserved)
			return err
		},
	}
	check := func(actor cabinet.UserID, action string, want bool) {
		t.Helper()
		err := actions[action](actor)
		if want && err != nil && !errors.Is(err, cabinet.ErrConflict) {
			t.Errorf("%s %s: %v, want allowed", actor, action, err)
		}
		if !want && (!errors.Is(err, cabinet.ErrForbidden) || cabinet.RuleOf(err) != contact.RuleManage) {
			t.Errorf("%s %s: %v, want forbidden (%s)", actor, action, err, contact.RuleManage)
		}
	}
	for action := range actions {
		check(carol, action, false)
		check(mallory, action, false)
		check(alice, action, true)
		check(bob, action, true)
	}
	_, _, err := f.svc.Contacts(ctx, alice, contact.ContactFilter{}, cabinet.Page{})
	wantErr(t, err, cabinet.ErrInvalid, "office")
	_, _, err = f.svc.CreateContact(ctx, "", o1, contact.KindLead, contact.Fields{FirstName: "a", LastName: "b"})
	wantErr(t, err, cabinet.ErrInvalid, "actor")
}

// Listing and searching by kind, status and text.
func TestListAndSearch(t *testing.T) {
	f := newFixture(t)
	ann := f.mustCreate(t, o1, contact.KindClient, "Ann", "Lee", "ann@x.co")
	f.mustCreate(t, o1, contact.KindClient, "Bea", "Moss", "bea@x.co")
	f.mustCreate(t, o1, contact.KindLead, "Leo", "Leeward", "")
	arch := f.mustCreate(t, o1, contact.KindClient, "Arch", "Lee", "arch@x.co")
	f.mustInvite(t, ann.ID)
	_, _, _ = f.svc.ArchiveContact(ctx, alice, arch.ID)
	f.mustCreate(t, o2, contact.KindClient, "Ann", "Lee", "ann@x.co")
	names := func(flt contact.ContactFilter) []string {
		t.Helper()
		flt.Office = o1
		var out []string
		var after cabinet.Cursor
		for {
			cs, next, err := f.svc.Contacts(ctx, bob, flt, cabinet.Page{After: after, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				out = append(out, c.FirstName)
			}
			if next == "" {
				return out
			}
			after = next
		}
	}
	for _, tc := range []struct {
		name string
		f    contact.ContactFilter
		want []string
	}{
		{"all", contact.ContactFilter{}, []string{"Ann", "Bea", "Leo"}},
		{"with archived", contact.ContactFilter{IncludeArchived: true}, []string{"Ann", "Bea", "Leo", "Arch"}},
		{"clients", contact.ContactFilter{Kind: contact.KindClient}, []string{"Ann", "Bea"}},
		{"invited", contact.ContactFilter{Status: contact.StatusInvited}, []string{"Ann"}},
		{"text lee", contact.ContactFilter{Text: " LEE"}, []string{"Ann", "Leo"}},
		{"text email", contact.ContactFilter{Text: "bea@"}, []string{"Bea"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(tc.f); !cmp.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEnums(t *testing.T) {
	for _, k := range []contact.Kind{contact.KindClient, contact.KindPartner, contact.KindLead} {
		if got, err := contact.ParseKind(k.String()); err != nil || got != k || !k.Valid() {
			t.Errorf("kind %v round trip: %v %v", k, got, err)
		}
	}
	for _, s := range []contact.Status{contact.StatusAdded, contact.StatusInvited, contact.StatusActive} {
		if got, err := contact.ParseStatus(s.String()); err != nil || got != s || !s.Valid() {
			t.Errorf("status %v round trip: %v %v", s, got, err)
		}
	}
	for _, s := range []contact.UnitStatus{contact.UnitStatusAvailable, contact.UnitStatusReserved, contact.UnitStatusSold} {
		if got, err := contact.ParseUnitStatus(s.String()); err != nil || got != s || !s.Valid() {
			t.Errorf("unit status %v round trip: %v %v", s, got, err)
		}
	}
	_, err := contact.ParseKind("collaborator")
	wantErr(t, err, cabinet.ErrInvalid, "kind")
	_, err = contact.ParseStatus("")
	wantErr(t, err, cabinet.ErrInvalid, "status")
	_, err = contact.ParseUnitStatus("let")
	wantErr(t, err, cabinet.ErrInvalid, "unit_status")
	if contact.KindInvalid.Valid() || contact.StatusInvalid.Valid() || contact.UnitStatusInvalid.Valid() {
		t.Error("zero values must be invalid")
	}
	if contact.Kind(9).String() != "Kind(9)" || contact.Status(9).String() != "Status(9)" || contact.UnitStatus(9).String() != "UnitStatus(9)" {
		t.Error("out-of-range String")
	}
}

// CON-7 under concurrency: many collaborators adding the same email at once;
// exactly one wins, the others get the conflict.
func TestConcurrentSameEmailCON7(t *testing.T) {
	f := newFixture(t)
	const n = 16
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := alice
			if i%2 == 1 {
				actor = bob
			}
			_, _, err := f.svc.CreateContact(ctx, actor, o1, contact.KindClient,
				contact.Fields{FirstName: "Ann", LastName: "Lee", Email: []string{"ann@x.co", "ANN@x.co"}[i%2]})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		if err == nil {
			ok++
		} else if cabinet.RuleOf(err) != "CON-7" {
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creations succeeded, want exactly 1", ok)
	}
}
