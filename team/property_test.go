package team_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// op is one random command. Kind picks the command; A, B, C pick its
// arguments among the records that exist (plus one unknown ID each), so a
// sequence mixes valid and invalid commands.
type op struct {
	Kind, A, B, C int
}

const opKinds = 16

var (
	names  = []string{"Ann", "Bob", "Cyd", "Dee", "Eva", " "}
	emails = []string{"ann@example.com", "BOB@example.com", "cyd@example.com", "dee@example.com", "eva@example.com", "not-an-email"}
)

// snapshot is the whole state of the team store, read through the Reader.
type snapshot struct {
	Users       []cabinet.User
	Teams       []team.Team
	Invitations []team.Invitation
	Referrals   []team.Referral
}

func readAll[T any](list func(after cabinet.Cursor) ([]T, cabinet.Cursor, error)) []T {
	var out []T
	var after cabinet.Cursor
	for {
		// Small pages exercise the cursors too.
		page, next, err := list(after)
		if err != nil {
			panic(err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		after = next
	}
}

func takeSnapshot(ctx context.Context, s team.Store) snapshot {
	var snap snapshot
	err := s.ViewTeams(ctx, func(r team.Reader) error {
		snap.Users = readAll(func(a cabinet.Cursor) ([]cabinet.User, cabinet.Cursor, error) {
			return r.ListUsers(ctx, cabinet.Page{After: a, Limit: 3})
		})
		snap.Teams = readAll(func(a cabinet.Cursor) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		snap.Invitations = readAll(func(a cabinet.Cursor) ([]team.Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, team.InvitationFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		snap.Referrals = readAll(func(a cabinet.Cursor) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, cabinet.Page{After: a, Limit: 3})
		})
		return nil
	})
	if err != nil {
		panic(err)
	}
	return snap
}

// world runs random commands against a fresh service.
type world struct {
	ctx   context.Context
	store *memstore.Store
	svc   *team.Service
	clock *cabinet.ManualClock
	log   *cabinet.EventLog
	refs  map[cabinet.ReferralID]bool // every referral ever created
}

func newWorld() *world {
	w := &world{ctx: context.Background(), store: memstore.New(memstore.RunTwice()), clock: cabinet.NewManualClock(start), log: &cabinet.EventLog{}, refs: map[cabinet.ReferralID]bool{}}
	w.svc = team.NewService(w.store, cabinet.WithClock(w.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}), cabinet.WithEvents(w.log))
	for i := range 3 {
		if _, err := w.svc.CreateUser(w.ctx, names[i], emails[i]); err != nil {
			panic(err)
		}
	}
	// Ann leads a team where Bob is a member and has referred Cyd.
	ann, _ := w.svc.UserByEmail(w.ctx, emails[0])
	bob, _ := w.svc.UserByEmail(w.ctx, emails[1])
	tm, err := w.svc.CreateTeam(w.ctx, ann.ID, "Start", "")
	if err != nil {
		panic(err)
	}
	inv, err := w.svc.Invite(w.ctx, ann.ID, tm.ID, emails[1], team.RoleMember)
	if err != nil {
		panic(err)
	}
	if _, err := w.svc.AcceptInvitation(w.ctx, bob.ID, inv.ID); err != nil {
		panic(err)
	}
	r, err := w.svc.Refer(w.ctx, bob.ID, team.ReferInput{Team: tm.ID, ClientName: "Client", ClientEmail: emails[2], Dossier: "d0"})
	if err != nil {
		panic(err)
	}
	w.refs[r.ID] = true
	// Two pending invitations: Cyd has an account, Dee has none yet.
	for _, e := range emails[2:4] {
		if _, err := w.svc.Invite(w.ctx, ann.ID, tm.ID, e, team.RoleAdmin); err != nil {
			panic(err)
		}
	}
	return w
}

func pick[T any](xs []T, i int, unknown T) T {
	i %= len(xs) + 1
	if i == len(xs) {
		return unknown
	}
	return xs[i]
}

// apply runs op and returns its error.
func (w *world) apply(o op, s snapshot) error {
	ctx, svc := w.ctx, w.svc
	var users []cabinet.UserID
	for _, u := range s.Users {
		users = append(users, u.ID)
	}
	var teams []cabinet.TeamID
	for _, t := range s.Teams {
		teams = append(teams, t.ID)
	}
	var invs []team.InvitationID
	for _, i := range s.Invitations {
		invs = append(invs, i.ID)
	}
	var refs []cabinet.ReferralID
	for _, r := range s.Referrals {
		refs = append(refs, r.ID)
	}
	user := func(i int) cabinet.UserID { return pick(users, i, "user_404") }
	tm := func(i int) cabinet.TeamID { return pick(teams, i, "team_404") }
	inv := func(i int) team.InvitationID {
		var pending []team.InvitationID
		for _, x := range s.Invitations {
			if x.Status == team.StatusPending {
				pending = append(pending, x.ID)
			}
		}
		if i%4 == 3 || len(pending) == 0 {
			return pick(invs, i, "inv_404")
		}
		return pending[i%len(pending)]
	}
	ref := func(i int) cabinet.ReferralID { return pick(refs, i, "ref_404") }
	// Biased pickers, so that many commands are valid: three times out of
	// four they choose among the records that make sense for the command.
	teamOf := func(u cabinet.UserID, i int) cabinet.TeamID {
		var mine []cabinet.TeamID
		for _, t := range s.Teams {
			if !t.Personal && t.IsMember(u) {
				mine = append(mine, t.ID)
			}
		}
		if i%4 == 3 || len(mine) == 0 {
			return tm(i)
		}
		return mine[i%len(mine)]
	}
	memberOf := func(id cabinet.TeamID, i int) cabinet.UserID {
		for _, t := range s.Teams {
			if t.ID == id && i%4 != 3 {
				return t.Members[i%len(t.Members)].User
			}
		}
		return user(i)
	}
	byEmail := func(email string, i int) cabinet.UserID {
		for _, u := range s.Users {
			if i%4 != 3 && cabinet.EqualEmails(u.Email, email) {
				return u.ID
			}
		}
		return user(i)
	}
	referral := func(id cabinet.ReferralID) team.Referral {
		for _, r := range s.Referrals {
			if r.ID == id {
				return r
			}
		}
		return team.Referral{}
	}
	personal := func(u cabinet.UserID) cabinet.TeamID {
		for _, t := range s.Teams {
			if t.Personal && t.Owner == u {
				return t.ID
			}
		}
		return "team_404"
	}
	role := team.Role((o.B+o.C)%2 + 1)
	if (o.A+o.C)%7 == 6 {
		role = team.RoleInvalid
	}
	actor := user(o.A)
	var err error
	switch o.Kind {
	case 0:
		_, err = svc.CreateUser(ctx, names[o.A%len(names)], emails[o.B%len(emails)])
	case 1:
		lead := user(o.B)
		if o.B%3 == 0 {
			lead = ""
		}
		_, err = svc.CreateTeam(ctx, actor, names[o.C%len(names)]+" team", lead)
	case 2:
		_, err = svc.Invite(ctx, actor, teamOf(actor, o.B), emails[o.C%len(emails)], role)
	case 3, 4:
		id := inv(o.B)
		var email string
		for _, i := range s.Invitations {
			if i.ID == id {
				email = i.Email
			}
		}
		_, err = svc.AcceptInvitation(ctx, byEmail(email, o.A), id)
	case 5:
		id := inv(o.B)
		for _, i := range s.Invitations {
			if i.ID == id && o.A%4 != 3 {
				actor = i.InvitedBy
			}
		}
		err = svc.RevokeInvitation(ctx, actor, id)
	case 6:
		t := teamOf(actor, o.B)
		err = svc.RemoveMember(ctx, actor, t, memberOf(t, o.C))
	case 7:
		err = svc.Leave(ctx, actor, teamOf(actor, o.B))
	case 8:
		t := teamOf(actor, o.B)
		err = svc.ChangeRole(ctx, actor, t, memberOf(t, o.C), role)
	case 9:
		t := teamOf(actor, o.B)
		err = svc.TransferLead(ctx, actor, t, memberOf(t, o.C))
	case 10, 11:
		t := teamOf(actor, o.B)
		if o.B%3 == 0 {
			t = ""
		}
		var r team.Referral
		r, err = svc.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Client", ClientEmail: emails[o.C%len(emails)], Dossier: cabinet.DossierID(fmt.Sprintf("d%d", o.C))})
		if err == nil {
			w.refs[r.ID] = true
		}
	case 12:
		r := referral(ref(o.B))
		if o.A%4 != 3 && r.Referrer != "" {
			actor = r.Referrer
		}
		to := personal(actor)
		if o.C%2 == 1 {
			to = teamOf(actor, o.C)
		}
		_, err = svc.MoveReferral(ctx, actor, ref(o.B), to)
	case 13:
		id := ref(o.B)
		if r := referral(id); o.A%4 != 3 && r.Client != "" {
			actor = r.Client
		}
		if o.C%2 == 0 {
			_, err = svc.RevokeConsent(ctx, actor, id)
		} else {
			_, err = svc.RestoreConsent(ctx, actor, id)
		}
	case 14:
		err = svc.DeleteTeam(ctx, actor, teamOf(actor, o.B), team.Reassignment(o.C%3))
	case 15:
		if o.C%2 == 0 {
			w.clock.Advance(8 * 24 * time.Hour)
			return nil
		}
		_, err = svc.RenameTeam(ctx, actor, teamOf(actor, o.B), names[o.C%len(names)])
	}
	return err
}

// invariant checks one property of the state after a command; it returns a
// description of the violation or "".
type invariant func(w *world, before, after snapshot, err error, eventsBefore, eventsAfter int) string

func runProperty(t *testing.T, check invariant) {
	t.Helper()
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	params.MaxSize = 26 // exclusive: sequences of 0 to 25 commands
	opGen := gen.Struct(reflect.TypeOf(op{}), map[string]gopter.Gen{
		"Kind": gen.IntRange(0, opKinds-1),
		"A":    gen.IntRange(0, 12),
		"B":    gen.IntRange(0, 12),
		"C":    gen.IntRange(0, 12),
	})
	props := gopter.NewProperties(params)
	props.Property("holds after every command", prop.ForAll(func(ops []op) string {
		w := newWorld()
		for i, o := range ops {
			before := takeSnapshot(w.ctx, w.store)
			nb := len(w.log.Events())
			err := w.apply(o, before)
			after := takeSnapshot(w.ctx, w.store)
			if msg := check(w, before, after, err, nb, len(w.log.Events())); msg != "" {
				return fmt.Sprintf("after command %d %+v (err %v): %s", i, o, err, msg)
			}
		}
		return ""
	}, gen.SliceOf(opGen)))
	props.TestingRun(t)
}

// Invariant 3 (TEAM-2): every team's lead advisor is one of its admins, and
// every team has an admin.
func TestPropertyLeadIsAdmin_TEAM2(t *testing.T) {
	runProperty(t, func(_ *world, _, after snapshot, _ error, _, _ int) string {
		for _, tm := range after.Teams {
			if !tm.IsAdmin(tm.Lead) {
				return fmt.Sprintf("team %s: lead %s is not an admin", tm.ID, tm.Lead)
			}
			if len(tm.Admins()) == 0 {
				return fmt.Sprintf("team %s has no admin", tm.ID)
			}
		}
		return ""
	})
}

// Invariant 4 (TEAM-7, TEAM-10, TEAM-11): no referral is lost or
// duplicated; each lives in exactly one existing team.
func TestPropertyReferralsNeverLost_TEAM7_TEAM10_TEAM11(t *testing.T) {
	runProperty(t, func(w *world, _, after snapshot, _ error, _, _ int) string {
		teams := map[cabinet.TeamID]bool{}
		for _, tm := range after.Teams {
			teams[tm.ID] = true
		}
		seen := map[cabinet.ReferralID]int{}
		for _, r := range after.Referrals {
			seen[r.ID]++
			if !teams[r.Team] {
				return fmt.Sprintf("referral %s is in team %s, which does not exist", r.ID, r.Team)
			}
		}
		if len(seen) != len(w.refs) {
			return fmt.Sprintf("%d referrals stored, %d created", len(seen), len(w.refs))
		}
		for id := range w.refs {
			if seen[id] != 1 {
				return fmt.Sprintf("referral %s stored %d times", id, seen[id])
			}
		}
		// Listing team by team finds each referral once.
		count := map[cabinet.ReferralID]int{}
		_ = w.store.ViewTeams(w.ctx, func(r team.Reader) error {
			for id := range teams {
				rs, _, _ := r.ListReferrals(w.ctx, team.ReferralFilter{Team: id}, cabinet.Page{})
				for _, x := range rs {
					count[x.ID]++
				}
			}
			return nil
		})
		for id := range w.refs {
			if count[id] != 1 {
				return fmt.Sprintf("referral %s is listed in %d teams", id, count[id])
			}
		}
		return ""
	})
}

// Invariant 5 (TEAM-6): a personal team has one member, its owner, and each
// user has exactly one personal team.
func TestPropertyPersonalTeamHasOnlyItsOwner_TEAM6(t *testing.T) {
	runProperty(t, func(_ *world, _, after snapshot, _ error, _, _ int) string {
		owners := map[cabinet.UserID]int{}
		for _, tm := range after.Teams {
			if !tm.Personal {
				continue
			}
			owners[tm.Owner]++
			want := []cabinet.UserID{tm.Owner}
			var got []cabinet.UserID
			for _, m := range tm.Members {
				got = append(got, m.User)
			}
			if !slices.Equal(want, got) || tm.Lead != tm.Owner {
				return fmt.Sprintf("personal team %s of %s has members %v, lead %s", tm.ID, tm.Owner, got, tm.Lead)
			}
		}
		for _, u := range after.Users {
			if owners[u.ID] != 1 {
				return fmt.Sprintf("user %s has %d personal teams", u.ID, owners[u.ID])
			}
		}
		return ""
	})
}

// Invariant 8: a failed command changes nothing and publishes nothing.
// Invariant 9 (TEAM-9) rides along: a revoked consent closes the team route
// to every member.
func TestPropertyFailedCommandChangesNothing(t *testing.T) {
	runProperty(t, func(_ *world, before, after snapshot, err error, nb, na int) string {
		if err != nil {
			if d := cmp.Diff(before, after); d != "" {
				return "state changed (-before +after):\n" + d
			}
			if na != nb {
				return fmt.Sprintf("%d events published", na-nb)
			}
		}
		teams := map[cabinet.TeamID]team.Team{}
		for _, tm := range after.Teams {
			teams[tm.ID] = tm
		}
		for _, r := range after.Referrals {
			tm := teams[r.Team]
			for _, m := range tm.Members {
				err := team.CanReachDossier(tm, r, m.User)
				if (r.Consent == team.ConsentRevoked) != (cabinet.RuleOf(err) == "TEAM-9") || (r.Consent == team.ConsentGiven && err != nil) {
					return fmt.Sprintf("referral %s consent %s: route for %s = %v", r.ID, r.Consent, m.User, err)
				}
			}
		}
		return ""
	})
}
