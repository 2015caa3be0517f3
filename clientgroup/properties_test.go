package clientgroup_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

var (
	// The actors: the admins ann and bob, the standard collaborators sam,
	// tia and ugo (any of whom may be removed from the office, GRP-11),
	// vic (an outsider with an account), nobody, and fam, adv and con — a
	// family member, an external advisor and a contributor, with accounts
	// and no profile in the office.
	propActors   = []cabinet.UserID{"ann", "bob", "sam", "tia", "ugo", "vic", "", "fam", "adv", "con"}
	propDossiers = []cabinet.DossierID{"act1", "act2", "act3", "draft", "archived", "other", "missing"}
	propNames    = []string{"General", "Estates", "general", "Office", "North", " "}
	propEmails   = []string{"", "group@example.com", "g2@example.com", "", "not an email"}
	propProfiles = []cabinet.Profile{cabinet.ProfileAdmin, cabinet.ProfileStandard, cabinet.ProfileStandard, cabinet.ProfileInvalid}
)

func propParams() *gopter.TestParameters {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 1000
	p.MaxSize = 25
	return p
}

// world runs random commands against an env and remembers the groups made.
type world struct {
	e       *env
	groups  []cabinet.ClientGroupID
	cgroups []cabinet.CollaboratorGroupID
}

// newWorldOn starts from the env over a store made with opts, with two
// client groups and one collaborator group.
func newWorldOn(t testing.TB, opts ...memstore.Option) *world {
	w := &world{e: newEnvOn(t, opts...)}
	for _, n := range []string{"General", "Estates"} {
		g, _, err := w.e.svc.CreateClientGroup(ctx, "ann", w.e.office, n, "")
		must(t, err)
		w.groups = append(w.groups, g.ID)
	}
	cg, _, err := w.e.svc.CreateCollaboratorGroup(ctx, "ann", w.e.office, "Juniors")
	must(t, err)
	w.cgroups = append(w.cgroups, cg.ID)
	w.e.log.Reset()
	return w
}

func pick[T any](xs []T, n uint32) T { return xs[int(n)%len(xs)] }

// group mostly picks an existing client group, sometimes an unknown or
// empty ID.
func (w *world) group(n uint32) cabinet.ClientGroupID {
	if len(w.groups) > 0 && n%7 != 6 {
		return pick(w.groups, n)
	}
	return pick([]cabinet.ClientGroupID{"group_nope", ""}, n/7)
}

func (w *world) cgroup(n uint32) cabinet.CollaboratorGroupID {
	if len(w.cgroups) > 0 && n%7 != 6 {
		return pick(w.cgroups, n)
	}
	return "cgroup_nope"
}

// numKinds is the number of commands run decodes.
const numKinds = 22

// run decodes and runs one command; it returns its name and error.
func (w *world) run(c uint32) (string, error) {
	name, _, _, _, err := w.runCmd(c)
	return name, err
}

// runCmd decodes and runs one command; it returns its name, kind, actor
// and error, and for a listing what it showed that it should not have.
func (w *world) runCmd(c uint32) (string, uint32, cabinet.UserID, string, error) {
	kind, a, b, x := c%numKinds, (c/numKinds)%10, (c/(numKinds*10))%11, (c/(numKinds*110))%13
	name, err := w.exec(kind, a, b, x)
	actor := pick(propActors, a)
	if a < 6 && x%4 != 0 {
		actor = pick([]cabinet.UserID{"ann", "bob"}, a)
	}
	if kind == 21 && err == nil { // a read: check what it showed
		return name, kind, actor, w.checkListing(actor, kind, b, x), nil
	}
	return name, kind, actor, "", err
}

func (w *world) exec(kind, a, b, x uint32) (string, error) {
	e := w.e
	actor := pick(propActors, a)
	if a < 6 && x%4 != 0 { // mostly admins, so that most commands go through
		actor = pick([]cabinet.UserID{"ann", "bob"}, a)
	}
	user := pick(propActors, b)
	switch kind {
	case 0:
		g, _, err := e.svc.CreateClientGroup(ctx, actor, e.office, pick(propNames, b), pick(propEmails, x))
		if err == nil {
			w.groups = append(w.groups, g.ID)
		}
		return "CreateClientGroup", err
	case 1:
		_, _, err := e.svc.RenameClientGroup(ctx, actor, w.group(b), pick(propNames, x))
		return "RenameClientGroup", err
	case 2:
		_, _, err := e.svc.SetClientGroupEmail(ctx, actor, w.group(b), pick(propEmails, x))
		return "SetClientGroupEmail", err
	case 3:
		return "DeleteClientGroup", errRev(e.svc.DeleteClientGroup(ctx, actor, w.group(b)))
	case 4:
		g, _, err := e.svc.CreateCollaboratorGroup(ctx, actor, e.office, pick(propNames, b))
		if err == nil {
			w.cgroups = append(w.cgroups, g.ID)
		}
		return "CreateCollaboratorGroup", err
	case 5:
		return "DeleteCollaboratorGroup", errRev(e.svc.DeleteCollaboratorGroup(ctx, actor, w.cgroup(b)))
	case 6:
		return "AddMember", errOf(e.svc.AddMember(ctx, actor, w.cgroup(x), user))
	case 7:
		return "RemoveMember", errRev(e.svc.RemoveMember(ctx, actor, w.cgroup(x), user))
	case 8, 17:
		return "MoveDossier", errRev(e.svc.MoveDossier(ctx, actor, pick(propDossiers, b), w.group(x)))
	case 9:
		return "AssignCollaborator", errOf(e.svc.AssignCollaborator(ctx, actor, w.group(x), user))
	case 10:
		return "UnassignCollaborator", errRev(e.svc.UnassignCollaborator(ctx, actor, w.group(x), user))
	case 11:
		return "AssignCollaboratorGroup", errOf(e.svc.AssignCollaboratorGroup(ctx, actor, w.group(x), w.cgroup(b)))
	case 12:
		return "UnassignCollaboratorGroup", errRev(e.svc.UnassignCollaboratorGroup(ctx, actor, w.group(x), w.cgroup(b)))
	case 13:
		return "SetCollaboratorClientGroups", errRev(e.svc.SetCollaboratorClientGroups(ctx, actor, e.office, user, []cabinet.ClientGroupID{w.group(x), w.group(b)}))
	case 14:
		_, _, err := e.svc.AddCollaborator(ctx, actor, e.office, user, pick(propProfiles, x))
		return "AddCollaborator", err
	case 15:
		_, _, err := e.svc.SetProfile(ctx, actor, e.office, user, pick(propProfiles, x))
		return "SetProfile", err
	case 16:
		return "RemoveCollaborator", errRev(e.svc.RemoveCollaborator(ctx, actor, e.office, user))
	case 18:
		_, _, err := e.svc.RenameCollaboratorGroup(ctx, actor, w.cgroup(b), pick(propNames, x))
		return "RenameCollaboratorGroup", err
	case 20:
		to := w.group(x)
		if x%5 == 4 {
			to = ""
		}
		_, err := e.svc.MoveDossiers(ctx, actor, []cabinet.DossierID{pick(propDossiers, b), pick(propDossiers, x), pick(propDossiers, b+x)}, to)
		return "MoveDossiers", err
	case 21:
		f := pick([]clientgroup.DossierFilter{
			{Office: e.office}, {Office: e.office, NoGroup: true}, {ClientGroup: w.group(x)},
			{Office: e.office, Status: cabinet.DossierActivated, Manager: "sam"},
		}, b)
		_, _, err := e.svc.Dossiers(ctx, actor, f, cabinet.Page{Limit: int(x % 3)})
		return "Dossiers", err
	default:
		_, _, err := e.svc.UpdateOffice(ctx, actor, e.office, pick(propNames, b), pick(propEmails, x))
		return "UpdateOffice", err
	}
}

// onePerDossier checks SPEC §3 invariant 1 (GRP-4) through both directions
// of the store: group → dossiers and dossier → group agree, and each dossier
// is listed under at most one group, an existing one of its office.
func onePerDossier(t testing.TB, e *env) error {
	sn := takeSnapshot(t, e.store)
	groupOf := map[cabinet.DossierID]cabinet.ClientGroupID{}
	return e.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		for _, g := range sn.ClientGroups {
			ps, _, err := r.Placements(ctx, clientgroup.PlacementFilter{ClientGroup: g.ID}, cabinet.Page{})
			if err != nil {
				return err
			}
			for _, p := range ps {
				if prev, ok := groupOf[p.Dossier]; ok {
					return fmt.Errorf("GRP-4: dossier %s in %s and %s", p.Dossier, prev, g.ID)
				}
				groupOf[p.Dossier] = g.ID
				if p.Office != g.Office {
					return fmt.Errorf("GRP-1: dossier %s of office %s in group %s of %s", p.Dossier, p.Office, g.ID, g.Office)
				}
			}
		}
		for _, p := range sn.Placements {
			if groupOf[p.Dossier] != p.ClientGroup {
				return fmt.Errorf("GRP-4: dossier %s → %s but group index says %q", p.Dossier, p.ClientGroup, groupOf[p.Dossier])
			}
		}
		if len(sn.Placements) != len(groupOf) {
			return fmt.Errorf("GRP-4: %d placements, %d listed by groups", len(sn.Placements), len(groupOf))
		}
		return nil
	})
}

// noRouteUnlessCollaborator checks GRP-11 on the whole state: a user who is
// not a collaborator of the office has no internal route and no membership
// or direct assignment in it.
func noRouteUnlessCollaborator(t testing.TB, e *env) error {
	sn := takeSnapshot(t, e.store)
	isCollab := map[cabinet.UserID]bool{}
	for _, c := range sn.Collaborators {
		isCollab[c.User] = true
	}
	for _, m := range sn.Members {
		if !isCollab[m.User] {
			return fmt.Errorf("GRP-11: non-collaborator %s is in collaborator group %s", m.User, m.Group)
		}
	}
	for _, a := range sn.Direct {
		if !isCollab[a.User] {
			return fmt.Errorf("GRP-11: non-collaborator %s is assigned to %s", a.User, a.ClientGroup)
		}
	}
	for _, u := range propActors {
		if isCollab[u] || u == "" {
			continue
		}
		for _, d := range propDossiers[:6] {
			r, err := e.svc.Routes(ctx, u, u, d)
			if err != nil {
				return err
			}
			if r != cabinet.NoRoutes {
				return fmt.Errorf("GRP-11: non-collaborator %q reaches %s by %v", u, d, r)
			}
		}
	}
	return nil
}

func genSequence() gopter.Gen { return gen.SliceOf(gen.UInt32()) }

// checkListing reruns the listing of kind 21 and checks that only
// collaborators list, and that each sees only what they reach (GRP-3,
// GRP-9).
func (w *world) checkListing(actor cabinet.UserID, _, b, x uint32) string {
	e := w.e
	f := pick([]clientgroup.DossierFilter{
		{Office: e.office}, {Office: e.office, NoGroup: true}, {ClientGroup: w.group(x)},
		{Office: e.office, Status: cabinet.DossierActivated, Manager: "sam"},
	}, b)
	all, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DossierEntry, cabinet.Cursor, error) {
		return e.svc.Dossiers(ctx, actor, f, p)
	})
	if err != nil {
		return err.Error()
	}
	prof, err := e.profile(e.office, actor)
	if err != nil {
		return fmt.Sprintf("%s listed the office's dossiers without being a collaborator", actor)
	}
	for _, d := range all {
		r, err := e.svc.Routes(ctx, actor, actor, d.Dossier.ID)
		if err != nil {
			return err.Error()
		}
		if prof != cabinet.ProfileAdmin && !r.Any() {
			return fmt.Sprintf("%s sees %s, which they do not reach", actor, d.Dossier.ID)
		}
		if f.NoGroup && d.ClientGroup != "" || f.ClientGroup != "" && d.ClientGroup != f.ClientGroup {
			return fmt.Sprintf("%s listed with its group %q against the filter %+v", d.Dossier.ID, d.ClientGroup, f)
		}
	}
	return ""
}

// armFault arms, for about one command in three, a fault at the k-th write
// of its transaction (k in 1..4): a store failure or a context cancelled
// part-way (SPEC §3 invariant 8 v2). It returns the k armed, or 0.
func armFault(e *env, n uint32) int {
	if n%3 != 0 {
		return 0
	}
	var err error = errBoom
	if n%2 == 0 {
		err = context.Canceled
	}
	k := 1 + int(n/6)%4
	e.store.FailNextWrite(k, err)
	return k
}

var errBoom = errors.New("disk full")

// v2Invariants checks, between two snapshots around one command by actor,
// what SPEC v2 adds: GRP-11 (no dossier names a non-collaborator as its
// manager or assignee), ACC-12 (an archived dossier's placement changes
// only when its group is deleted) and GRP-5 (only admins move dossiers).
func v2Invariants(before, after snapshot, office cabinet.OfficeID, name string, actor cabinet.UserID) string {
	collab := map[cabinet.UserID]cabinet.Profile{}
	for _, c := range after.Collaborators {
		if c.Office == office {
			collab[c.User] = c.Profile
		}
	}
	for _, d := range after.Dossiers {
		if d.Office != office {
			continue
		}
		if d.Manager != "" && !collab[d.Manager].Valid() {
			return fmt.Sprintf("GRP-11: %s is managed by %s, not a collaborator", d.ID, d.Manager)
		}
		for _, u := range d.Assigned {
			if !collab[u].Valid() {
				return fmt.Sprintf("GRP-11: %s has %s assigned, not a collaborator", d.ID, u)
			}
		}
	}
	placed := func(sn snapshot) map[cabinet.DossierID]cabinet.ClientGroupID {
		m := map[cabinet.DossierID]cabinet.ClientGroupID{}
		for _, p := range sn.Placements {
			m[p.Dossier] = p.ClientGroup
		}
		return m
	}
	pb, pa := placed(before), placed(after)
	wasAdmin := false
	for _, c := range before.Collaborators {
		if c.Office == office && c.User == actor && c.Profile == cabinet.ProfileAdmin {
			wasAdmin = true
		}
	}
	for _, d := range after.Dossiers {
		if pb[d.ID] == pa[d.ID] {
			continue
		}
		if d.Status == cabinet.DossierArchived && name != "DeleteClientGroup" {
			return fmt.Sprintf("ACC-12: %s moved archived dossier %s from %q to %q", name, d.ID, pb[d.ID], pa[d.ID])
		}
		if !wasAdmin {
			return fmt.Sprintf("GRP-5: %s by %s, not an admin, moved %s", name, actor, d.ID)
		}
	}
	return ""
}

// SPEC §3 invariant 1 (GRP-4) and invariant 8 (a failed command changes
// nothing and publishes nothing — also when it fails after its first write
// or its context is cancelled part-way), with the v2 invariants GRP-11,
// ACC-12 and GRP-5, over random sequences of valid and invalid commands by
// admins, standard collaborators (who may be removed), an outsider, a
// family member, an external advisor and a contributor. Every other run
// uses a store without RunTwice: with RunTwice a fault fires in the first
// run of a transaction, which the store rolls back in any case.
func TestPropertyInvariants1And8(t *testing.T) {
	var fired, failedPartWay int
	props := gopter.NewProperties(propParams())
	props.Property("GRP-4 one group per dossier; failed commands change nothing; GRP-11, ACC-12, GRP-5", prop.ForAll(
		func(cmds []uint32) string {
			opts := []memstore.Option{memstore.RunTwice()}
			if len(cmds)%2 == 0 {
				opts = nil
			}
			w := newWorldOn(t, opts...)
			for i, c := range cmds {
				before := takeSnapshot(t, w.e.store)
				nEvents := len(w.e.log.Events())
				k := armFault(w.e, c/7)
				name, _, actor, problem, err := w.runCmd(c)
				if problem != "" {
					return fmt.Sprintf("step %d %s: %s", i, name, problem)
				}
				if k > 0 && !w.e.store.DisarmFault() {
					fired++
					if err != nil {
						failedPartWay++
					}
					name += fmt.Sprintf(" [fault at write %d]", k)
				}
				after := takeSnapshot(t, w.e.store)
				if err != nil {
					if d := cmp.Diff(before, after); d != "" {
						return fmt.Sprintf("step %d %s failed (%v) but changed the state: %s", i, name, err, d)
					}
					if n := len(w.e.log.Events()); n != nEvents {
						return fmt.Sprintf("step %d %s failed (%v) but published %d events", i, name, err, n-nEvents)
					}
				}
				if err := onePerDossier(t, w.e); err != nil {
					return fmt.Sprintf("after step %d %s: %v", i, name, err)
				}
				if msg := v2Invariants(before, after, w.e.office, name, actor); msg != "" && err == nil {
					return fmt.Sprintf("after step %d %s: %s", i, name, msg)
				}
			}
			return ""
		}, genSequence()))
	props.TestingRun(t)
	t.Logf("faults fired in %d commands, %d of which failed part-way", fired, failedPartWay)
	if failedPartWay == 0 {
		t.Error("no command failed after its first write: the property cannot see a broken rollback")
	}
}

// GRP-11: removing a collaborator leaves them no internal route, at once and
// in every later state until they are added again.
func TestPropertyGRP11RemovedCollaboratorHasNoRoute(t *testing.T) {
	props := gopter.NewProperties(propParams())
	props.Property("GRP-11 removed collaborators have no internal route", prop.ForAll(
		func(cmds []uint32) string {
			w := &world{e: newEnv(t)}
			// give everybody routes to start with
			g, _, err := w.e.svc.CreateClientGroup(ctx, "ann", w.e.office, "All", "")
			must(t, err)
			cg, _, err := w.e.svc.CreateCollaboratorGroup(ctx, "ann", w.e.office, "Everyone")
			must(t, err)
			w.groups, w.cgroups = append(w.groups, g.ID), append(w.cgroups, cg.ID)
			must(t, errOf(w.e.svc.AssignCollaboratorGroup(ctx, "ann", g.ID, cg.ID)))
			for _, u := range []cabinet.UserID{"sam", "tia", "ugo"} {
				must(t, errOf(w.e.svc.AddMember(ctx, "ann", cg.ID, u)))
				must(t, errOf(w.e.svc.AssignCollaborator(ctx, "ann", g.ID, u)))
			}
			for _, d := range []cabinet.DossierID{"act1", "act2", "act3"} {
				must(t, errRev(w.e.svc.MoveDossier(ctx, "ann", d, g.ID)))
			}
			for i, c := range cmds {
				if i%3 == 0 { // remove someone often
					c = c - c%numKinds + 16
				}
				name, cmdErr := w.run(c)
				if err := noRouteUnlessCollaborator(t, w.e); err != nil {
					return fmt.Sprintf("after step %d %s (err %v): %v", i, name, cmdErr, err)
				}
			}
			return ""
		}, genSequence()))
	props.TestingRun(t)
}

// SPEC §3 invariant 1 under concurrency: goroutines moving dossiers between
// groups (and out) at once never leave a dossier in two groups, and the
// DossierMoved events replayed in revision order give the store's state.
func TestPropertyGRP4ConcurrentMoves(t *testing.T) {
	props := gopter.NewProperties(propParams())
	props.Property("GRP-4 concurrent moves keep one group per dossier", prop.ForAll(
		func(moves []uint32) string {
			e := newEnv(t)
			var groups []cabinet.ClientGroupID
			for _, n := range []string{"A", "B", "C"} {
				g, _, err := e.svc.CreateClientGroup(ctx, "ann", e.office, n, "")
				must(t, err)
				groups = append(groups, g.ID)
			}
			e.log.Reset()
			targets := append(slices.Clone(groups), "")
			var wg sync.WaitGroup
			for worker := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := worker; i < len(moves); i += 4 {
						m := moves[i]
						actor := pick([]cabinet.UserID{"ann", "bob"}, m)
						_, _ = e.svc.MoveDossier(ctx, actor, pick(propDossiers[:3], m/2), pick(targets, m/6))
					}
				}()
			}
			wg.Wait()
			if err := onePerDossier(t, e); err != nil {
				return err.Error()
			}
			batches := e.log.Batches()
			slices.SortFunc(batches, func(a, b cabinet.Batch) int { return int(a.Revision) - int(b.Revision) })
			replay := map[cabinet.DossierID]cabinet.ClientGroupID{}
			for _, b := range batches {
				for _, ev := range b.Events {
					m := ev.(clientgroup.DossierMoved)
					if replay[m.Dossier] != m.From {
						return fmt.Sprintf("event %+v does not follow %q", m, replay[m.Dossier])
					}
					replay[m.Dossier] = m.To
				}
			}
			for _, p := range takeSnapshot(t, e.store).Placements {
				if replay[p.Dossier] != p.ClientGroup {
					return fmt.Sprintf("replay says %s in %q, store says %q", p.Dossier, replay[p.Dossier], p.ClientGroup)
				}
				delete(replay, p.Dossier)
			}
			for d, g := range replay {
				if g != "" {
					return fmt.Sprintf("replay says %s in %s, store has no placement", d, g)
				}
			}
			return ""
		}, genSequence()))
	props.TestingRun(t)
}
