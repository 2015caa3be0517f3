package policy_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// answersOf loads a fresh engine over store and asks it, for every account
// and every dossier of the store, every action of policy.DiffActions.
func answersOf(ctx context.Context, store policy.Store, clock cabinet.Clock) (map[[3]string]cabinet.Routes, error) {
	e, err := policy.New(ctx, store, policy.WithClock(clock))
	if err != nil {
		return nil, err
	}
	var users []cabinet.UserID
	var dossiers []cabinet.DossierID
	err = store.ViewTeams(ctx, func(r team.Reader) error {
		for after := cabinet.Cursor(""); ; {
			page, next, err := r.ListUsers(ctx, cabinet.Page{After: after, Limit: cabinet.MaxPageSize})
			if err != nil {
				return err
			}
			for _, u := range page {
				users = append(users, u.ID)
			}
			if next == "" {
				break
			}
			after = next
		}
		ar, err := store.AccessReader(r.Tx())
		if err != nil {
			return err
		}
		for after := cabinet.Cursor(""); ; {
			page, next, err := ar.Dossiers(ctx, access.DossierFilter{}, cabinet.Page{After: after, Limit: cabinet.MaxPageSize})
			if err != nil {
				return err
			}
			for _, d := range page {
				dossiers = append(dossiers, d.ID)
			}
			if next == "" {
				break
			}
			after = next
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[[3]string]cabinet.Routes{}
	for _, u := range users {
		for _, d := range dossiers {
			for _, a := range policy.DiffActions() {
				dec, err := e.Check(ctx, policy.User(u), a, policy.DossierResource(d))
				if err != nil {
					return nil, err
				}
				if dec.Allowed {
					out[[3]string{string(d), string(u), a.String()}] = dec.Routes
				}
			}
		}
	}
	return out, nil
}

// observedDiff is the diff between two answersOf, as policy.Diff lists it.
func observedDiff(before, after map[[3]string]cabinet.Routes) []string {
	var out []string
	line := func(k [3]string, b, a cabinet.Routes) string {
		act, _ := policy.ParseAction(k[2])
		return policy.Change{Dossier: cabinet.DossierID(k[0]), User: cabinet.UserID(k[1]), Action: act, Before: b, After: a}.String()
	}
	for k, b := range before {
		if a := after[k]; a != b {
			out = append(out, line(k, b, a))
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			out = append(out, line(k, 0, a))
		}
	}
	slices.Sort(out)
	return out
}

// lines returns the diff's changes as strings, sorted as strings (for
// comparison with observedDiff).
func lines(d *policy.Diff) []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.String())
	}
	slices.Sort(out)
	return out
}

// previewApplyExact previews cmd, checks that the preview wrote nothing,
// applies it and checks that the commit changed exactly the previewed
// access (fresh engines before and after). It returns the diff.
func previewApplyExact(t *testing.T, ctx context.Context, store *memstore.Store, k *kit.Kit, clock cabinet.Clock, cmd policy.Command) *policy.Diff {
	t.Helper()
	before, err := answersOf(ctx, store, clock)
	if err != nil {
		t.Fatal(err)
	}
	head := store.Revision()
	d, err := k.Policy.Preview(ctx, cmd)
	if err != nil {
		t.Fatalf("Preview: %v", err)
	}
	if d.Revision != head || store.Revision() != head {
		t.Fatalf("preview at %d, head %d then %d: a dry run takes no revision", d.Revision, head, store.Revision())
	}
	rev, err := k.Policy.Apply(ctx, d, cmd)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if rev <= head {
		t.Fatalf("Apply returned revision %d, head was %d", rev, head)
	}
	after, err := answersOf(ctx, store, clock)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(observedDiff(before, after), lines(d)); diff != "" {
		t.Fatalf("the preview is not what the commit did (-observed +previewed):\n%s", diff)
	}
	return d
}

// change is one line of a diff.
func change(d cabinet.DossierID, u cabinet.UserID, a policy.Action, before, after cabinet.Routes) string {
	return policy.Change{Dossier: d, User: u, Action: a, Before: before, After: after}.String()
}

// both is the change for viewing the dossier and using its reports.
func both(d cabinet.DossierID, u cabinet.UserID, before, after cabinet.Routes) []string {
	return []string{change(d, u, policy.ViewDossier, before, after), change(d, u, policy.UseReports, before, after)}
}

// all is the change for every action of policy.DiffActions.
func all(d cabinet.DossierID, u cabinet.UserID, before, after cabinet.Routes) []string {
	return append(both(d, u, before, after), change(d, u, policy.SetManager, before, after))
}

// TestWhatIfEachCommandKind: issue 16's six command kinds, previewed on an
// office where every route exists, each with the access it gains or loses;
// applying each changes exactly that.
func TestWhatIfEachCommandKind(t *testing.T) {
	tests := []struct {
		name string
		cmd  func(w *rich) policy.Command
		want func(w *rich) []string
	}{
		{
			name: "GRP-11 remove a collaborator",
			cmd: func(w *rich) policy.Command {
				return func(ctx context.Context) (cabinet.Revision, error) {
					return w.k.Groups.RemoveCollaborator(ctx, w.admin, w.office, w.staff)
				}
			},
			want: func(w *rich) []string {
				return both(w.dossier, w.staff, cabinet.RouteGroupDirect, 0)
			},
		},
		{
			name: "GRP-5 move a dossier to another group",
			cmd: func(w *rich) policy.Command {
				south := engMust(rec(w.k.Groups.CreateClientGroup(w.ctx, w.admin, w.office, "South", "")))(w.t)
				return func(ctx context.Context) (cabinet.Revision, error) {
					return w.k.Groups.MoveDossier(ctx, w.admin, w.dossier, south.ID)
				}
			},
			want: func(w *rich) []string {
				return append(both(w.dossier, w.cgMember, cabinet.RouteCollaboratorGroup, 0),
					both(w.dossier, w.staff, cabinet.RouteGroupDirect, 0)...)
			},
		},
		{
			name: "TEAM-5 delete a team, referrals to the deleter",
			cmd: func(w *rich) policy.Command {
				return func(ctx context.Context) (cabinet.Revision, error) {
					return w.k.Teams.DeleteTeam(ctx, w.outsider, w.tm, team.ReassignToDeleter)
				}
			},
			want: func(w *rich) []string {
				// The referral goes to the deleter's personal team: Rex, its
				// referrer, keeps only his assignment.
				return both(w.dossier, w.referrer, cabinet.RouteAssigned|cabinet.RouteTeam, cabinet.RouteAssigned)
			},
		},
		{
			name: "TEAM-5 delete a team, referrals to their referrers",
			cmd: func(w *rich) policy.Command {
				return func(ctx context.Context) (cabinet.Revision, error) {
					return w.k.Teams.DeleteTeam(ctx, w.outsider, w.tm, team.ReassignToReferrers)
				}
			},
			want: func(w *rich) []string {
				// The referral goes to Rex's personal team: Otto, the team's
				// lead, loses the dossier.
				return both(w.dossier, w.outsider, cabinet.RouteTeam, 0)
			},
		},
		{
			name: "ACC-1 change a manager",
			cmd: func(w *rich) policy.Command {
				return func(ctx context.Context) (cabinet.Revision, error) {
					_, rev, err := w.k.Access.SetManager(ctx, w.admin, w.dossier2, w.staff)
					return rev, err
				}
			},
			want: func(w *rich) []string {
				return append(all(w.dossier2, w.staff, 0, cabinet.RouteManager), all(w.dossier2, w.other, cabinet.RouteManager, 0)...)
			},
		},
		{
			name: "ACC-6 revoke a grant",
			cmd: func(w *rich) policy.Command {
				var grant access.GrantID
				engOK(w.t, w.store.ViewAccess(w.ctx, func(r access.Reader) error {
					gs, _, err := r.Grants(w.ctx, access.GrantFilter{User: w.kid}, cabinet.Page{})
					if err == nil && len(gs) == 1 {
						grant = gs[0].ID
					}
					return err
				}))
				return func(ctx context.Context) (cabinet.Revision, error) {
					return w.k.Access.Revoke(ctx, w.other, grant)
				}
			},
			want: func(w *rich) []string {
				return []string{change(w.dossier2, w.kid, policy.ViewDossier, cabinet.RouteFamily, 0)}
			},
		},
		{
			name: "TEAM-3 transfer the lead",
			cmd: func(w *rich) policy.Command {
				engMust(rec(w.k.Teams.ChangeRole(w.ctx, w.outsider, w.tm, w.referrer, team.RoleAdmin)))(w.t)
				return func(ctx context.Context) (cabinet.Revision, error) {
					_, rev, err := w.k.Teams.TransferLead(ctx, w.outsider, w.tm, w.referrer)
					return rev, err
				}
			},
			want: func(w *rich) []string {
				return nil // TEAM-4: the lead's rights are the team's, not its dossiers'
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newRich(t)
			cmd := tt.cmd(w)
			d := previewApplyExact(t, w.ctx, w.store, w.k, w.clock, cmd)
			want := tt.want(w)
			slices.Sort(want)
			if diff := cmp.Diff(want, lines(d)); diff != "" {
				t.Errorf("diff (-want +got):\n%s", diff)
			}
		})
	}
}

// countingSink counts the batches it is handed.
type countingSink struct {
	mu sync.Mutex
	n  int
}

func (s *countingSink) Publish(context.Context, cabinet.Batch) {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
}

func (s *countingSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// TestWhatIfDryRunWritesNothing: a preview takes no revision, writes no
// change-log entry, changes no record, delivers nothing to the sinks
// (SPEC §3 invariants 8 and 13 hold: a dry run is a command that did not
// commit).
func TestWhatIfDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	sink := &countingSink{}
	clock := cabinet.NewManualClock(engT0)
	k, err := kit.New(ctx, store, kit.WithClock(clock), kit.WithIDs(&cabinet.SequentialIDs{}), kit.WithSink(sink))
	engOK(t, err)
	ada := engMust(rec(k.Teams.CreateUser(ctx, testHost, "Ada", "ada@example.com")))(t)
	sam := engMust(rec(k.Teams.CreateUser(ctx, testHost, "Sam", "sam@example.com")))(t)
	office := engMust(rec(k.Groups.CreateOffice(ctx, ada.ID, "Practice", "office@example.com")))(t)
	engMust(rec(k.Groups.AddCollaborator(ctx, ada.ID, office.ID, sam.ID, cabinet.ProfileAdmin)))(t)
	d := engMust(rec(k.Access.CreateDossier(ctx, ada.ID, office.ID, "Dupont")))(t)

	head, delivered := store.Revision(), sink.count()
	diff, err := k.Policy.Preview(ctx, func(ctx context.Context) (cabinet.Revision, error) {
		return k.Groups.RemoveCollaborator(ctx, ada.ID, office.ID, sam.ID)
	})
	engOK(t, err)
	if len(diff.Changes) == 0 {
		t.Fatal("removing an admin changes nothing?")
	}
	if store.Revision() != head || k.Policy.Revision() != head {
		t.Errorf("revision %d (engine %d) after a dry run at %d", store.Revision(), k.Policy.Revision(), head)
	}
	for c, err := range store.Changes(ctx, head) {
		t.Errorf("change-log entry after a dry run: %v %v", c, err)
	}
	if n := sink.count(); n != delivered {
		t.Errorf("the sink got %d batches during a dry run", n-delivered)
	}
	dec, err := k.Policy.Check(ctx, policy.User(sam.ID), policy.ViewDossier, policy.DossierResource(d.ID))
	engOK(t, err)
	if !dec.Allowed {
		t.Errorf("Sam lost the dossier in a dry run: %v", dec)
	}
	// A failed command is its own error, and previews nothing.
	_, err = k.Policy.Preview(ctx, func(ctx context.Context) (cabinet.Revision, error) {
		return k.Groups.RemoveCollaborator(ctx, sam.ID, office.ID, "u_nobody")
	})
	if err == nil || errors.Is(err, cabinet.ErrDryRun) {
		t.Errorf("a failed command previewed: %v", err)
	}
	// A closure that runs two commands is refused.
	_, err = k.Policy.Preview(ctx, func(ctx context.Context) (cabinet.Revision, error) {
		_, _ = k.Groups.RemoveCollaborator(ctx, ada.ID, office.ID, sam.ID)
		return k.Groups.RemoveCollaborator(ctx, sam.ID, office.ID, ada.ID)
	})
	if !errors.Is(err, cabinet.ErrInvalid) {
		t.Errorf("two commands previewed as one: %v", err)
	}
	if store.Revision() != head {
		t.Errorf("revision %d after refused previews at %d", store.Revision(), head)
	}
}

// TestWhatIfConflictWhenTheStateMoved: a preview is bound to its revision;
// applying it after another command committed is a conflict
// (cabinet.ErrConflict) and changes nothing; previewing again and applying
// works.
func TestWhatIfConflictWhenTheStateMoved(t *testing.T) {
	w := newRich(t)
	cmd := func(ctx context.Context) (cabinet.Revision, error) {
		return w.k.Groups.RemoveCollaborator(ctx, w.admin, w.office, w.staff)
	}
	d, err := w.k.Policy.Preview(w.ctx, cmd)
	engOK(t, err)
	engMust(rec(w.k.Groups.CreateClientGroup(w.ctx, w.admin, w.office, "South", "")))(t)
	head := w.store.Revision()
	_, err = w.k.Policy.Apply(w.ctx, d, cmd)
	if !errors.Is(err, cabinet.ErrConflict) {
		t.Fatalf("Apply after another commit: %v, want a conflict", err)
	}
	if w.store.Revision() != head {
		t.Fatalf("a refused Apply committed: revision %d, was %d", w.store.Revision(), head)
	}
	previewApplyExact(t, w.ctx, w.store, w.k, w.clock, cmd)
}

// TestWhatIfBoundUpdateRacesACommit: on memstore, an Update bound to the
// head revision r (cabinet.AtRevision) checks it under the write lock, so
// a command that tries to commit meanwhile waits for it: the bound update
// commits r+1, the other r+2. One bound to a revision the store moved past
// runs nothing and is a conflict.
func TestWhatIfBoundUpdateRacesACommit(t *testing.T) {
	w := newEngWorld(t)
	r := w.store.Revision()
	opened := make(chan struct{})
	var once sync.Once
	other := make(chan cabinet.Revision, 1)
	go func() {
		<-opened
		g, rev, err := w.k.Groups.CreateCollaboratorGroup(w.ctx, w.admin, w.office, "Tax")
		if err != nil || g.ID == "" {
			t.Errorf("the other command: %v", err)
		}
		other <- rev
	}()
	rev, err := w.store.UpdateClientGroups(cabinet.AtRevision(w.ctx, r), func(cw clientgroup.Writer) error {
		once.Do(func() { close(opened) })
		time.Sleep(100 * time.Millisecond) // the other command commits now, if it can
		return cw.Tx().Emit(cabinet.Batch{Actor: w.admin})
	})
	engOK(t, err)
	if o := <-other; rev != r+1 || o != r+2 {
		t.Fatalf("bound update committed %d, the other %d; head was %d", rev, o, r)
	}
	ran := false
	_, err = w.store.UpdateClientGroups(cabinet.AtRevision(w.ctx, r), func(clientgroup.Writer) error {
		ran = true
		return nil
	})
	if !errors.Is(err, cabinet.ErrConflict) || ran {
		t.Fatalf("an update bound to a past revision: ran %v, %v", ran, err)
	}
}
