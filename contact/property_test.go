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
type command struct{ Op, A, B, C int }

func (c command) String() string { return fmt.Sprintf("op%d(%d,%d,%d)", c.Op, c.A, c.B, c.C) }

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
	switch c.A % 4 {
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
		k := contact.Kind(c.A % 4)
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
		return w.svc.AccountCreated(ctx, cabinet.User{ID: cabinet.UserID(fmt.Sprintf("u%d", c.B%3)), Email: propEmails[c.A%len(propEmails)]})
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
	default:
		w.clock.Advance(time.Duration(c.A+1) * 15 * time.Minute)
		return nil
	}
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
			return r.ListContacts(ctx, contact.ContactFilter{IncludeArchived: true}, a, 0)
		}); err != nil {
			return err
		}
		if s.Companies, err = all(func(a cabinet.Cursor) ([]contact.Company, cabinet.Cursor, error) {
			return r.ListCompanies(ctx, "", a, 0)
		}); err != nil {
			return err
		}
		if s.Projects, err = all(func(a cabinet.Cursor) ([]contact.Project, cabinet.Cursor, error) {
			return r.ListProjects(ctx, "", a, 0)
		}); err != nil {
			return err
		}
		if s.Decisions, err = all(func(a cabinet.Cursor) ([]contact.Decision, cabinet.Cursor, error) {
			return r.ListDecisions(ctx, "", a, 0)
		}); err != nil {
			return err
		}
		if s.Units, err = all(func(a cabinet.Cursor) ([]contact.Unit, cabinet.Cursor, error) { return r.ListUnits(ctx, "", a, 0) }); err != nil {
			return err
		}
		if s.Sessions, err = all(func(a cabinet.Cursor) ([]contact.Session, cabinet.Cursor, error) {
			return r.ListSessions(ctx, contact.SessionFilter{}, a, 0)
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

func commandsGen() gopter.Gen {
	cmd := gopter.CombineGens(gen.IntRange(0, 14), gen.IntRange(0, 6), gen.IntRange(0, 6), gen.IntRange(0, 6)).
		Map(func(v []any) command { return command{v[0].(int), v[1].(int), v[2].(int), v[3].(int)} })
	return gen.SliceOf(cmd)
}

func propParams() *gopter.TestParameters {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 1000
	p.MaxSize = 25 // at most 25 commands per sequence
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
func TestPropertySoldUnitBuyersAreClientsCON5(t *testing.T) {
	properties := gopter.NewProperties(propParams())
	sold := 0
	properties.Property("CON-5 buyers of sold units are not leads", prop.ForAll(func(cmds []command) string {
		return runSequence(t, cmds, func(_ *world, _ error, _, now snapshot) string {
			kinds := map[cabinet.ContactID]contact.Kind{}
			for _, c := range now.Contacts {
				kinds[c.ID] = c.Kind
			}
			for _, u := range now.Units {
				if u.Status != contact.UnitStatusSold {
					continue
				}
				sold++
				for _, b := range u.Buyers {
					if kinds[b] != contact.KindClient {
						return fmt.Sprintf("buyer %s of sold unit %s is a %s", b, u.ID, kinds[b])
					}
				}
			}
			return ""
		})
	}, commandsGen()))
	properties.TestingRun(t)
	if sold == 0 {
		t.Fatal("no sequence sold a unit: the generator does not exercise CON-5")
	}
}
