package policy_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
)

// fuzzWorld is the rich world (rules_test.go) built once for FuzzCheck, with
// every ID it holds.
var fuzzWorld struct {
	once  sync.Once
	w     *rich
	known map[string]bool
	err   error
}

func fuzzRich(t testing.TB) (*rich, map[string]bool) {
	fuzzWorld.once.Do(func() {
		w := newRich(t)
		snap, err := takeSnapshot(w.ctx, w.store, w.clock.Now())
		if err != nil {
			fuzzWorld.err = err
			return
		}
		known := map[string]bool{}
		for _, ids := range [][]string{keysOf(snap.users), keysOf(snap.teams), keysOf(snap.invitations), keysOf(snap.dossiers),
			keysOf(snap.advisors), keysOf(snap.offices), keysOf(snap.clientGroups), keysOf(snap.contacts), keysOf(snap.sessions),
			keysOf(snap.companies), keysOf(snap.projects), keysOf(snap.decisions), keysOf(snap.units), keysOf(snap.procedures),
			keysOf(snap.cases)} {
			for _, id := range ids {
				known[id] = true
			}
		}
		for _, r := range snap.referrals {
			known[string(r.ID)] = true
		}
		fuzzWorld.w, fuzzWorld.known = w, known
	})
	if fuzzWorld.err != nil {
		t.Fatal(fuzzWorld.err)
	}
	return fuzzWorld.w, fuzzWorld.known
}

func keysOf[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	return out
}

// FuzzCheck (POL-1, POL-2, POL-4, CON-6) asks Engine.Check arbitrary
// subjects, actions and resources — valid and invalid kinds, IDs and
// refinements — on the rich world, and checks every answer: Check never
// errs and never panics; a decision is allowed exactly when it names routes,
// every one of them a route of the action, and always names a rule and a
// reason (the reason of an allow lists the rule; a denial's ends with it);
// the same question gets the same decision; an invalid action, an unknown
// subject and a resource whose ID the world does not hold are never
// allowed (POL-4), the first two naming POL-4; an impersonation session is
// allowed only viewing actions (CON-6 v2).
func FuzzCheck(f *testing.F) {
	// Seeds from the world: every action on a resource of its kind, asked by
	// each kind of subject in turn, sessions included.
	w, _ := fuzzRich(f)
	subjects, resources := w.subjects(), w.resources()
	i := 0
	for _, a := range policy.Actions() {
		for _, r := range resources {
			if !a.AppliesTo(r.Kind) || (r.Kind == policy.ResourceAccount && r.ID != string(w.zoe)) {
				continue
			}
			s := subjects[i%len(subjects)]
			if i%2 == 1 {
				s = policy.Impersonating(w.session) // the session of zoe's contact
			}
			i++
			id := string(s.User)
			if s.Session != "" {
				id = string(s.Session)
			}
			ref3 := string(r.Grant)
			if r.User != "" {
				ref3 = string(r.User)
			} else if r.Dossier != "" {
				ref3 = string(r.Dossier)
			}
			ref2 := string(r.Advisor)
			if r.Group != "" {
				ref2 = string(r.Group)
			} else if r.Team != "" {
				ref2 = string(r.Team)
			}
			ref1 := string(r.Person)
			if r.Item != "" {
				ref1 = string(r.Item)
			}
			f.Add(id, s.Session != "", uint8(a), uint8(r.Kind), r.ID, ref1, ref2, ref3, uint8(r.Section), uint8(r.Level), uint8(r.Relation), uint8(r.Status))
			break
		}
	}
	f.Add("user_3", false, uint8(policy.ViewDossier), uint8(policy.ResourceDossier), "dos_10", "", "", "", uint8(0), uint8(0), uint8(0), uint8(0))
	f.Add("user_1", false, uint8(policy.EditSection), uint8(policy.ResourceDossier), "dos_10", "", "", "", uint8(access.SectionNotes), uint8(0), uint8(0), uint8(0))
	f.Add("session_1", true, uint8(policy.EditSection), uint8(policy.ResourceDossier), "dos_10", "", "", "", uint8(access.SectionAssetInventory), uint8(0), uint8(0), uint8(0))
	f.Add("user_5", false, uint8(policy.ManageFamilyAccess), uint8(policy.ResourceDossier), "dos_11", "per_1", "", "", uint8(0), uint8(access.LevelReadWrite), uint8(0), uint8(0))
	f.Add("user_1", false, uint8(policy.SetStatus), uint8(policy.ResourceDossier), "dos_11", "", "group_9", "", uint8(0), uint8(0), uint8(0), uint8(cabinet.DossierActivated))
	f.Add("u_ghost", false, uint8(200), uint8(99), "", "", "", "", uint8(0), uint8(0), uint8(0), uint8(0))
	f.Add("user_7", false, uint8(policy.Refer), uint8(policy.ResourceDossier), "dos_unknown", "", "team_1", "", uint8(0), uint8(0), uint8(0), uint8(0))
	f.Add("user_1", false, uint8(policy.ViewItem), uint8(policy.ResourceItem), "case_1", "item_1", "", "", uint8(0), uint8(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, subject string, session bool, action, kind uint8, id, ref1, ref2, ref3 string, section, level, relation, status uint8) {
		w, known := fuzzRich(t)
		ctx := context.Background()
		s := policy.User(cabinet.UserID(subject))
		if session {
			s = policy.Impersonating(contact.SessionID(subject))
		}
		a := policy.Action(action)
		r := policy.Resource{
			Kind: policy.ResourceKind(kind), ID: id, Section: access.Section(section),
			Person: access.PersonID(ref1), Advisor: access.AdvisorID(ref2), Grant: access.GrantID(ref3),
			Item: procedure.ItemID(ref1), Level: access.Level(level), Relation: access.Relation(relation),
			Status: cabinet.DossierStatus(status), Group: cabinet.ClientGroupID(ref2), Team: cabinet.TeamID(ref2),
			User: cabinet.UserID(ref3), Dossier: cabinet.DossierID(ref3),
		}
		d, err := w.k.Policy.Check(ctx, s, a, r)
		if err != nil {
			t.Fatalf("Check(%v, %v, %v): error %v", s, a, r, err)
		}
		again, err := w.k.Policy.Check(ctx, s, a, r)
		if err != nil || again != d {
			t.Fatalf("Check(%v, %v, %v) twice: %+v then %+v (%v)", s, a, r, d, again, err)
		}
		if d.Allowed != d.Routes.Any() || d.Rule == "" || d.Reason == "" {
			t.Fatalf("Check(%v, %v, %v) = %+v: allowed iff routes, always a rule and a reason", s, a, r, d)
		}
		if d.Allowed {
			if !a.Routes().Has(d.Routes) || !strings.Contains(d.Reason, d.Rule) || !strings.HasPrefix(d.String(), "allow via "+d.Routes.String()+" (") {
				t.Fatalf("Check(%v, %v, %v) = %+v (%s): routes outside %s, or a reason without its rule", s, a, r, d, d, a.Routes())
			}
		} else if !strings.HasSuffix(d.Reason, "("+d.Rule+")") || d.String() != "deny: "+d.Reason {
			t.Fatalf("Check(%v, %v, %v) = %+v: a denial's reason ends with its rule", s, a, r, d)
		}
		switch {
		case !a.Valid() && (d.Allowed || (d.Rule != "POL-4" && d.Rule != "CON-6")):
			t.Fatalf("invalid action %d: %+v, want a POL-4 denial", action, d)
		case a.Valid() && !session && !known[subject] && (d.Allowed || d.Rule != "POL-4"):
			t.Fatalf("unknown subject %q: %+v, want a POL-4 denial", subject, d)
		case !known[id] && d.Allowed:
			t.Fatalf("unknown resource %v allowed: %+v", r, d)
		case session && d.Allowed && !a.Viewing():
			t.Fatalf("impersonation allowed %s, not a viewing action: %+v", a, d)
		case !a.AppliesTo(r.Kind) && d.Allowed:
			t.Fatalf("%s on a %s allowed: %+v", a, r.Kind, d)
		}
		if a.Valid() {
			if back, err := policy.ParseAction(a.String()); err != nil || back != a {
				t.Fatalf("ParseAction(%q) = %v, %v", a.String(), back, err)
			}
		}
	})
}
