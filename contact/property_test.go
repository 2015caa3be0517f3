package contact_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

// command is one random step; its small integers pick the operation and its
// arguments (out-of-range picks give unknown IDs and bad input on purpose).
// D picks a new contact's kind (D%4) and company (D/4), independently of the
// office (A%4): when A picked all three, every op-0 contact had a kind
// invalid for its office (invalid kind, client with a company, partner in an
// office the actor is not in, lead without office) and never got created.
type command struct{ Op, A, B, C, D int }

func (c command) String() string { return fmt.Sprintf("op%d(%d,%d,%d,%d)", c.Op, c.A, c.B, c.C, c.D) }

var (
	propActors  = []cabinet.UserID{alice, bob, carol, mallory, ""}
	propOffices = []cabinet.OfficeID{o1, o1, o2, ""}
	propEmails  = []string{"ann@x.co", "ANN@X.co", "leo@x.co", "", "not an email", "pat@y.co"}
	propNames   = []string{"Ann", "Leo", " ", "Pat"}
)

// world is the state a sequence runs against, with the IDs it created.
type world struct {
	*fixture
	contacts []cabinet.ContactID
	units    []contact.UnitID
	sessions []contact.SessionID
	projects []contact.ProjectID
	companys []contact.CompanyID
	sale     salePath
}

// salePath is the progress of advanceSale.
type salePath struct {
	lead     cabinet.ContactID
	unit     contact.UnitID
	attached bool
}

func pick[T ~string](ids []T, i int) T {
	if len(ids) == 0 || i >= len(ids)+1 {
		return T("unknown_1")
	}
	if i == len(ids) {
		return T("unknown_2")
	}
	return ids[i]
}

func (w *world) fields(c command) contact.Fields {
	f := contact.Fields{FirstName: propNames[c.B%len(propNames)], LastName: "Doe", Email: propEmails[c.C%len(propEmails)]}
	switch c.D / 4 {
	case 1:
		f.NewCompany = "Acme"
	case 2:
		f.Company = pick(w.companys, c.B%3)
	}
	return f
}

// apply runs c and returns its error.
func (w *world) apply(c command) error {
	actor := propActors[c.B%len(propActors)]
	switch c.Op {
	case 0, 1:
		k := contact.Kind(c.D % 4)
		if c.Op == 1 {
			k = contact.KindLead // more leads, so that sales convert some
		}
		x, err := w.svc.CreateContact(ctx, propActors[c.C%2], propOffices[c.A%len(propOffices)], k, w.fields(c))
		if err == nil {
			w.contacts = append(w.contacts, x.ID)
			if x.Company != "" {
				w.companys = append(w.companys, x.Company)
			}
		}
		return err
	case 2:
		_, err := w.svc.EditContact(ctx, actor, pick(w.contacts, c.A), w.fields(c))
		return err
	case 3:
		_, err := w.svc.ArchiveContact(ctx, actor, pick(w.contacts, c.A))
		return err
	case 4:
		_, err := w.svc.InviteContact(ctx, actor, pick(w.contacts, c.A))
		return err
	case 5:
		return signUp(ctx, w.store, w.svc, w.log, cabinet.User{ID: cabinet.UserID(fmt.Sprintf("u%d", c.B%3)), Email: propEmails[c.A%len(propEmails)]})
	case 6:
		u, err := w.svc.CreateUnit(ctx, propActors[c.C%2], propOffices[c.A%len(propOffices)], "Flat")
		if err == nil {
			w.units = append(w.units, u.ID)
		}
		return err
	case 7, 8:
		_, err := w.svc.AttachBuyer(ctx, actor, pick(w.units, c.A%3), pick(w.contacts, c.C))
		return err
	case 9:
		_, err := w.svc.SetUnitStatus(ctx, actor, pick(w.units, c.A%3), contact.UnitStatus(c.C%4))
		return err
	case 10:
		s, err := w.svc.StartImpersonation(ctx, actor, pick(w.contacts, c.A))
		if err == nil {
			w.sessions = append(w.sessions, s.ID)
		}
		return err
	case 11:
		_, err := w.svc.StopImpersonation(ctx, actor, pick(w.sessions, c.A%3))
		return err
	case 12:
		p, err := w.svc.CreateProject(ctx, propActors[c.C%2], propOffices[c.A%len(propOffices)], "Tower")
		if err == nil {
			w.projects = append(w.projects, p.ID)
		}
		return err
	case 13:
		_, err := w.svc.AddProjectPartner(ctx, actor, pick(w.projects, c.A%2), pick(w.contacts, c.C))
		return err
	case 15:
		return w.advanceSale(c)
	default:
		w.clock.Advance(time.Duration(c.A+1) * 15 * time.Minute)
		return nil
	}
}

// advanceSale takes the next step of the sale path, by alice or bob (B%2):
// create a lead in o1 (email and names drawn as for op 1, so it can fail),
// create a unit in o1, attach the lead as a buyer, sell the unit. A failed
// step (also when random commands archived the lead or sold the unit) starts
// the path over. Selling a unit to a lead needs these four commands in this
// order with the right picks: drawn as independent random commands (ops 1,
// 6, 7, 9) they came together in about 3 of 1000 sequences, so the CON-5
// coverage check failed about one run in twenty. The step depends only on
// the commands before it: a sequence replays and shrinks the same way.
func (w *world) advanceSale(c command) error {
	actor := propActors[c.B%2]
	var err error
	switch {
	case w.sale.lead == "":
		var x contact.Contact
		f := w.fields(c)
		f.Company, f.NewCompany = "", ""
		if x, err = w.svc.CreateContact(ctx, actor, o1, contact.KindLead, f); err == nil {
			w.sale.lead = x.ID
			w.contacts = append(w.contacts, x.ID)
		}
	case w.sale.unit == "":
		var u contact.Unit
		if u, err = w.svc.CreateUnit(ctx, actor, o1, "Flat"); err == nil {
			w.sale.unit = u.ID
			w.units = append(w.units, u.ID)
		}
	case !w.sale.attached:
		if _, err = w.svc.AttachBuyer(ctx, actor, w.sale.unit, w.sale.lead); err == nil {
			w.sale.attached = true
		}
	default:
		_, err = w.svc.SetUnitStatus(ctx, actor, w.sale.unit, contact.UnitStatusSold)
		w.sale = salePath{}
	}
	if err != nil {
		w.sale = salePath{}
	}
	return err
}

// snapshot is the whole store state as the Reader shows it.
type snapshot struct {
	Rev       cabinet.Revision
	Contacts  []contact.Contact
	Companies []contact.Company
	Projects  []contact.Project
	Decisions []contact.Decision
	Units     []contact.Unit
	Sessions  []contact.Session
	ByEmail   map[string][]cabinet.ContactID
}

func all[T any](list func(after cabinet.Cursor) ([]T, cabinet.Cursor, error)) ([]T, error) {
	var out []T
	var after cabinet.Cursor
	for {
		page, next, err := list(after)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}

func (w *world) snapshot() (snapshot, error) {
	s := snapshot{Rev: w.store.Revision(), ByEmail: map[string][]cabinet.ContactID{}}
	err := w.store.ViewContacts(ctx, func(r contact.Reader) error {
		var err error
		if s.Contacts, err = all(func(a cabinet.Cursor) ([]contact.Contact, cabinet.Cursor, error) {
			return r.ListContacts(ctx, contact.ContactFilter{IncludeArchived: true}, cabinet.Page{After: a})
		}); err != nil {
			return err
		}
		if s.Companies, err = all(func(a cabinet.Cursor) ([]contact.Company, cabinet.Cursor, error) {
			return r.ListCompanies(ctx, "", cabinet.Page{After: a})
		}); err != nil {
			return err
		}
		if s.Projects, err = all(func(a cabinet.Cursor) ([]contact.Project, cabinet.Cursor, error) {
			return r.ListProjects(ctx, "", cabinet.Page{After: a})
		}); err != nil {
			return err
		}
		if s.Decisions, err = all(func(a cabinet.Cursor) ([]contact.Decision, cabinet.Cursor, error) {
			return r.ListDecisions(ctx, "", cabinet.Page{After: a})
		}); err != nil {
			return err
		}
		if s.Units, err = all(func(a cabinet.Cursor) ([]contact.Unit, cabinet.Cursor, error) {
			return r.ListUnits(ctx, "", cabinet.Page{After: a})
		}); err != nil {
			return err
		}
		if s.Sessions, err = all(func(a cabinet.Cursor) ([]contact.Session, cabinet.Cursor, error) {
			return r.ListSessions(ctx, contact.SessionFilter{}, cabinet.Page{After: a})
		}); err != nil {
			return err
		}
		for _, e := range propEmails {
			if _, done := s.ByEmail[cabinet.EmailKey(e)]; done {
				continue
			}
			s.ByEmail[cabinet.EmailKey(e)] = []cabinet.ContactID{}
			cs, err := r.ContactsByEmail(ctx, e)
			if err != nil {
				return err
			}
			for _, c := range cs {
				s.ByEmail[cabinet.EmailKey(e)] = append(s.ByEmail[cabinet.EmailKey(e)], c.ID)
			}
		}
		return nil
	})
	return s, err
}

// Op 15 (4 of 19 draws) advances the sale path; the other ops are uniform.
func commandsGen() gopter.Gen {
	cmd := gopter.CombineGens(gen.IntRange(0, 18), gen.IntRange(0, 6), gen.IntRange(0, 6), gen.IntRange(0, 6), gen.IntRange(0, 11)).
		Map(func(v []any) command {
			return command{min(v[0].(int), 15), v[1].(int), v[2].(int), v[3].(int), v[4].(int)}
		})
	return gen.SliceOf(cmd)
}

// propParams runs 1000 sequences of 8 to 24 commands. gopter grows the size
// from MinSize to MaxSize over the run and gen.SliceOf draws a length in
// [MinSize, size): with the default MinSize 0 the mean sequence had only ~6
// commands and the first 40 were empty.
func propParams() *gopter.TestParameters {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 1000
	p.MinSize = 8
	p.MaxSize = 25 // at most 24 commands per sequence
	return p
}

// runSequence applies cmds to a fresh world, calling after (with whether the
// command failed and the snapshots around it) after each; it returns the
// first violation found, or "".
func runSequence(t *testing.T, cmds []command, after func(w *world, err error, before, now snapshot) string) string {
	w := &world{fixture: newFixture(t)}
	for i, c := range cmds {
		before, err := w.snapshot()
		if err != nil {
			return err.Error()
		}
		events := len(w.log.Events())
		cmdErr := w.apply(c)
		now, err := w.snapshot()
		if err != nil {
			return err.Error()
		}
		if cmdErr != nil && len(w.log.Events()) != events {
			return fmt.Sprintf("step %d %v failed (%v) but published events", i, c, cmdErr)
		}
		if msg := after(w, cmdErr, before, now); msg != "" {
			return fmt.Sprintf("step %d %v (err %v): %s", i, c, cmdErr, msg)
		}
	}
	return ""
}

// Invariant 8: a failed command changes nothing and publishes nothing.
func TestPropertyFailedCommandChangesNothing(t *testing.T) {
	properties := gopter.NewProperties(propParams())
	properties.Property("invariant 8: a failed command changes nothing", prop.ForAll(func(cmds []command) string {
		return runSequence(t, cmds, func(_ *world, err error, before, now snapshot) string {
			if err == nil {
				return ""
			}
			if d := cmp.Diff(before, now); d != "" {
				return "state changed:\n" + d
			}
			return ""
		})
	}, commandsGen()))
	properties.TestingRun(t)
}

// CON-7: emails stay unique per office among contacts, ignoring case, and
// the store's email index agrees with the contacts.
func TestPropertyEmailsUniquePerOfficeCON7(t *testing.T) {
	properties := gopter.NewProperties(propParams())
	properties.Property("CON-7 emails unique per office", prop.ForAll(func(cmds []command) string {
		return runSequence(t, cmds, func(_ *world, _ error, _, now snapshot) string {
			seen := map[string]cabinet.ContactID{}
			index := map[string][]cabinet.ContactID{}
			for _, c := range now.Contacts {
				if c.Email == "" {
					if c.Kind == contact.KindPartner {
						return fmt.Sprintf("partner %s has no email", c.ID)
					}
					continue
				}
				k := string(c.Office) + "|" + cabinet.EmailKey(c.Email)
				if other, dup := seen[k]; dup {
					return fmt.Sprintf("contacts %s and %s share %s", other, c.ID, k)
				}
				seen[k] = c.ID
				index[cabinet.EmailKey(c.Email)] = append(index[cabinet.EmailKey(c.Email)], c.ID)
			}
			for key, ids := range now.ByEmail {
				if !cmp.Equal(ids, index[key], cmpopts.EquateEmpty()) {
					return fmt.Sprintf("email index for %s = %v, contacts say %v", key, ids, index[key])
				}
			}
			return ""
		})
	}, commandsGen()))
	properties.TestingRun(t)
}

// CON-5: every lead attached to a sold unit is a client.
//
// The property is vacuous unless sales of units with lead buyers happen, so
// the test also counts the sequences in which a command sold a unit and
// converted at least one lead, and requires many of them. The count is per
// sequence, not per step (which counted one sale again at every later step).
func TestPropertySoldUnitBuyersAreClientsCON5(t *testing.T) {
	properties := gopter.NewProperties(propParams())
	sequences, converting := 0, 0
	properties.Property("CON-5 buyers of sold units are not leads", prop.ForAll(func(cmds []command) string {
		sequences++
		converted := false
		msg := runSequence(t, cmds, func(_ *world, err error, before, now snapshot) string {
			kinds := map[cabinet.ContactID]contact.Kind{}
			for _, c := range now.Contacts {
				kinds[c.ID] = c.Kind
			}
			for _, u := range now.Units {
				if u.Status != contact.UnitStatusSold {
					continue
				}
				for _, b := range u.Buyers {
					if kinds[b] != contact.KindClient {
						return fmt.Sprintf("buyer %s of sold unit %s is a %s", b, u.ID, kinds[b])
					}
				}
			}
			if err == nil && len(now.Contacts) == len(before.Contacts) {
				for i, c := range before.Contacts {
					if c.Kind == contact.KindLead && now.Contacts[i].Kind == contact.KindClient {
						converted = true
					}
				}
			}
			return ""
		})
		if converted {
			converting++
		}
		return msg
	}, commandsGen()))
	properties.TestingRun(t)
	// About 15% of sequences convert a lead (130 to 175 of 1000 measured,
	// standard deviation ~11); 30 is about 10 standard deviations below.
	t.Logf("%d of %d sequences sold a unit and converted a lead", converting, sequences)
	if converting < 30 {
		t.Fatalf("only %d of %d sequences sold a unit with a lead buyer: the generator does not exercise CON-5", converting, sequences)
	}
}
