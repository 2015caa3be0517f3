package due_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/due"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/scenario"
	"github.com/cabinet-go/cabinet/team"
)

// The random sequences: a command kind and three small arguments each.
type op struct {
	Kind    int
	A, B, C int
}

const (
	opGrant = iota
	opSignUp
	opRevokeGrant
	opCorrectGrant
	opSendReminders
	opInvite
	opAccept
	opRevokeInvitation
	opResend
	opStartTrial
	opSetPlan
	opSetBoosters
	opInviteContributor
	opUpload
	opRemoveContributor
	opAdvance
	opAdvance2 // time passes twice as often
	opKinds
)

var (
	propEmails = []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"}
	propSteps  = []time.Duration{time.Hour, 20 * time.Hour, 46 * time.Hour, 48 * time.Hour, 5 * 24 * time.Hour, 7 * 24 * time.Hour, 12 * 24 * time.Hour, 23 * 24 * time.Hour}
)

func pick[T any](xs []T, i int) T { return xs[i%len(xs)] }

// model is what the test knows from the commands' own answers, never from
// due: the subjects resolved, and the pending invitations and seats with
// the instants they depend on.
type model struct {
	accounts       map[string]cabinet.UserID // email → account
	grants         []access.Grant            // every grant created, as last returned
	resolvedGrants map[access.GrantID]bool   // linked or revoked
	invitations    []team.Invitation         // as last returned
	closed         map[team.InvitationID]bool
	trialEnd       time.Time
	platinum       bool
	boostFrom      time.Time
	boostUntil     time.Time
	seats          map[procedure.RoleID]procedure.Participant // current contributors
	uploads        []procedure.Document                       // successful uploads
}

type propWorld struct {
	*caseWorld
	tm    cabinet.TeamID
	other procedure.Role // a second answering role
	items map[procedure.RoleID]procedure.ItemID
	m     model
}

func newPropWorld(t *testing.T) *propWorld {
	w := &propWorld{caseWorld: newCaseWorld(t)}
	w.other = w.Role(w.proc.ID, "Co-tenant", procedure.PermView, procedure.PermUpload, procedure.PermComment)
	w.items = map[procedure.RoleID]procedure.ItemID{
		w.role.ID: w.item.ID, w.other.ID: w.Item(w.proc.ID, "Co-tenant's ID", w.other.ID).ID,
	}
	w.Plan(w.office.office, procedure.PlanStandard) // the trial and the plan are the sequence's
	w.tm = w.Team("Advisors", w.admin).ID
	w.m = model{
		accounts: map[string]cabinet.UserID{}, resolvedGrants: map[access.GrantID]bool{},
		closed: map[team.InvitationID]bool{}, seats: map[procedure.RoleID]procedure.Participant{},
	}
	return w
}

// apply runs o; a refused command changes nothing and is not an error of
// the property.
func (w *propWorld) apply(o op) string {
	ctx, m := w.Context(), &w.m
	now := w.Clock.Now()
	switch o.Kind {
	case opGrant:
		p, _, err := w.Access.AddPerson(ctx, w.admin, w.dossier, access.PersonInput{Name: "Kid", Relation: access.RelationChild})
		if err != nil {
			return fmt.Sprintf("AddPerson: %v", err)
		}
		g, _, err := w.Access.GrantPerson(ctx, w.admin, p.ID, access.GrantInput{Email: pick(propEmails, o.A), Phone: "+33 6 12 34 56 78", Level: access.LevelReadOnly})
		if err == nil {
			m.grants = append(m.grants, g)
			if g.User != "" {
				m.resolvedGrants[g.ID] = true
			}
		}
		return fmt.Sprintf("grant %s → %v", pick(propEmails, o.A), err)
	case opSignUp:
		email := pick(propEmails, o.A)
		u, _, err := w.Teams.CreateUser(ctx, scenario.HostSignUp, "Someone", email)
		if err == nil {
			m.accounts[email] = u.ID
			for _, g := range m.grants {
				if cabinet.EqualEmails(g.Email, email) {
					m.resolvedGrants[g.ID] = true
				}
			}
			for r, s := range m.seats {
				if cabinet.EqualEmails(s.Email, email) {
					s.User = u.ID
					m.seats[r] = s
				}
			}
		}
		return fmt.Sprintf("sign up %s → %v", email, err)
	case opRevokeGrant, opCorrectGrant:
		if len(m.grants) == 0 {
			return "no grant"
		}
		i := o.A % len(m.grants)
		g := m.grants[i]
		if o.Kind == opRevokeGrant {
			_, err := w.Access.Revoke(ctx, w.admin, g.ID)
			if err == nil {
				m.resolvedGrants[g.ID] = true
			}
			return fmt.Sprintf("revoke %s → %v", g.ID, err)
		}
		ng, _, err := w.Access.CorrectGrantContact(ctx, w.admin, g.ID, access.ContactInput{Email: pick(propEmails, o.B), Phone: g.Phone})
		if err == nil {
			m.grants[i] = ng
			if ng.User != "" {
				m.resolvedGrants[g.ID] = true
			}
		}
		return fmt.Sprintf("correct %s → %s: %v", g.ID, pick(propEmails, o.B), err)
	case opSendReminders:
		_, _, err := w.Access.SendDueReminders(ctx, host)
		return fmt.Sprintf("send reminders → %v", err)
	case opInvite:
		inv, _, err := w.Teams.Invite(ctx, w.admin, w.tm, pick(propEmails, o.A), team.RoleMember)
		if err == nil {
			m.invitations = append(m.invitations, inv)
		}
		return fmt.Sprintf("invite %s → %v", pick(propEmails, o.A), err)
	case opAccept, opRevokeInvitation, opResend:
		if len(m.invitations) == 0 {
			return "no invitation"
		}
		i := o.A % len(m.invitations)
		inv := m.invitations[i]
		var err error
		switch o.Kind {
		case opAccept:
			u, ok := m.accounts[inv.Email]
			if !ok {
				return "invitee has no account"
			}
			_, _, err = w.Teams.AcceptInvitation(ctx, u, inv.ID)
			if err == nil {
				m.closed[inv.ID] = true
			}
		case opRevokeInvitation:
			_, err = w.Teams.RevokeInvitation(ctx, w.admin, inv.ID)
			if err == nil {
				m.closed[inv.ID] = true
			}
		default:
			var ni team.Invitation
			if ni, _, err = w.Teams.ResendInvitation(ctx, w.admin, inv.ID); err == nil {
				m.invitations[i] = ni
			}
		}
		return fmt.Sprintf("invitation op %d on %s → %v", o.Kind, inv.ID, err)
	case opStartTrial:
		p, _, err := w.Procedures.StartTrial(ctx, w.admin, w.office.office)
		if err == nil {
			m.trialEnd = p.TrialEndsAt()
		}
		return fmt.Sprintf("start trial → %v", err)
	case opSetPlan:
		plan := pick([]procedure.Plan{procedure.PlanStandard, procedure.PlanPlatinum}, o.A)
		_, _, err := w.Procedures.SetPlan(ctx, scenario.HostBilling, w.office.office, plan)
		if err == nil {
			m.platinum = plan == procedure.PlanPlatinum
		}
		return fmt.Sprintf("plan %s → %v", plan, err)
	case opSetBoosters:
		var from, until time.Time
		if o.A%3 != 0 {
			from, until = now, now.Add(pick(propSteps, o.B))
		}
		_, _, err := w.Procedures.SetBoosters(ctx, scenario.HostBilling, w.office.office, from, until)
		if err == nil {
			m.boostFrom, m.boostUntil = from, until
		}
		return fmt.Sprintf("boosters [%s, %s) → %v", from, until, err)
	case opInviteContributor:
		role := pick([]procedure.RoleID{w.role.ID, w.other.ID, w.viewOnly.ID}, o.A)
		seat, _, err := w.Procedures.InviteContributor(ctx, w.admin, w.c.ID, role, procedure.Invitee{Email: pick(propEmails, o.B)}, o.C%3 != 0)
		if err == nil {
			m.seats[role] = seat
		}
		return fmt.Sprintf("invite contributor %s as %s → %v", pick(propEmails, o.B), role, err)
	case opUpload:
		role := pick([]procedure.RoleID{w.role.ID, w.other.ID}, o.A)
		seat, ok := m.seats[role]
		if !ok || seat.User == "" {
			return "no seated account"
		}
		_, _, err := w.Procedures.Upload(ctx, seat.User, w.c.ID, w.items[role], "doc.pdf")
		if err == nil {
			m.uploads = append(m.uploads, procedure.Document{By: seat.User, At: now})
		}
		return fmt.Sprintf("upload by %s → %v", seat.User, err)
	case opRemoveContributor:
		role := pick([]procedure.RoleID{w.role.ID, w.other.ID, w.viewOnly.ID}, o.A)
		_, err := w.Procedures.RemoveContributor(ctx, w.admin, w.c.ID, role)
		if err == nil {
			delete(m.seats, role)
		}
		return fmt.Sprintf("remove contributor %s → %v", role, err)
	default:
		w.Clock.Advance(pick(propSteps, o.A))
		return fmt.Sprintf("advance to %s", w.Clock.Now().Format(time.RFC3339))
	}
}

// check compares Due at the clock's time with access.DueReminders and with
// the model; it returns a description of the first violation or "".
func (w *propWorld) check(seen map[due.Kind]int) string {
	ctx, m, now := w.Context(), &w.m, w.Clock.Now()
	list, err := w.Due.Due(ctx, host)
	if err != nil {
		return fmt.Sprintf("Due: %v", err)
	}
	for _, o := range list {
		seen[o.Kind]++
	}
	want, err := w.Access.DueReminders(ctx, host)
	if err != nil {
		return fmt.Sprintf("DueReminders: %v", err)
	}
	// ACC-5: Due's part is access's computation, exactly (access orders
	// by grant ID, Due by due time first).
	got := reminders(list)
	slices.SortFunc(got, func(a, b access.ReminderDue) int { return strings.Compare(string(a.Grant), string(b.Grant)) })
	if d := cmp.Diff(want, got); d != "" {
		return "ACC-5 part differs from DueReminders (-want +got):\n" + d
	}
	if !slices.IsSortedFunc(list, func(a, b due.Obligation) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	}) {
		return "not ordered by due time, kind, ID"
	}
	// TEAM-3: exactly the pending invitations in their window, with the
	// model's instants; none that was accepted or revoked.
	type entry struct {
		Kind  due.Kind
		DueAt time.Time
	}
	gotInv, wantInv := map[string]entry{}, map[string]entry{}
	window := due.DefaultInvitationExpiring
	for _, inv := range m.invitations {
		switch {
		case m.closed[inv.ID]:
		case !now.Before(inv.ExpiresAt):
			wantInv[string(inv.ID)] = entry{due.KindTeamInvitationExpired, inv.ExpiresAt}
		case !now.Before(inv.ExpiresAt.Add(-window)):
			wantInv[string(inv.ID)] = entry{due.KindTeamInvitationExpiring, inv.ExpiresAt.Add(-window)}
		}
	}
	premium := m.platinum
	for _, o := range list {
		if o.DueAt.After(now) {
			return fmt.Sprintf("%s %s listed before it is due (%s)", o.Kind, o.ID, o.DueAt)
		}
		switch o.Kind {
		case due.KindInvitationReminder:
			if m.resolvedGrants[o.Subject.Grant] {
				return fmt.Sprintf("reminder listed for resolved grant %s", o.Subject.Grant)
			}
		case due.KindTeamInvitationExpiring, due.KindTeamInvitationExpired:
			gotInv[o.ID] = entry{o.Kind, o.DueAt}
		case due.KindTrialEnding, due.KindTrialEnded:
			end := m.trialEnd
			at := now
			if end.After(at) {
				at = end
			}
			boosted := !m.boostFrom.IsZero() && !at.Before(m.boostFrom) && at.Before(m.boostUntil)
			if end.IsZero() || premium || boosted {
				return fmt.Sprintf("%s listed for a resolved trial (end %s, platinum %v, boosters [%s, %s))", o.Kind, end, premium, m.boostFrom, m.boostUntil)
			}
			if (o.Kind == due.KindTrialEnded) != !now.Before(end) {
				return fmt.Sprintf("%s at %s for a trial ending %s", o.Kind, now, end)
			}
		case due.KindContributorUnanswered:
			seat, ok := m.seats[o.Subject.Role]
			switch {
			case !ok:
				return fmt.Sprintf("unanswered listed for empty seat %s", o.Subject.Role)
			case o.Subject.Role == w.viewOnly.ID:
				return "unanswered listed for a view-only role"
			case !seat.Invited:
				return fmt.Sprintf("unanswered listed for a silent seat %s", o.Subject.Role)
			}
			for _, u := range m.uploads {
				if u.By == seat.User && !u.At.Before(seat.NotifiedAt) {
					return fmt.Sprintf("unanswered listed for %s who uploaded at %s", seat.User, u.At)
				}
			}
		}
	}
	if d := cmp.Diff(wantInv, gotInv); d != "" {
		return "TEAM-3 part differs from the model (-want +got):\n" + d
	}
	return ""
}

// ACC-5, TEAM-3, PROC-1, PROC-5: over random commands and clock advances,
// Due's ACC-5 part equals access.DueReminders at every step, the TEAM-3
// part is exactly the model's, nothing is listed before it is due, and no
// obligation is listed for a resolved subject.
func TestDueProperty(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 1000
	if testing.Short() {
		params.MinSuccessfulTests = 100
	}
	opGen := gen.Struct(reflect.TypeOf(op{}), map[string]gopter.Gen{
		"Kind": gen.IntRange(0, opKinds-1),
		"A":    gen.IntRange(0, 11),
		"B":    gen.IntRange(0, 11),
		"C":    gen.IntRange(0, 11),
	})
	seqGen := gen.IntRange(8, 32).FlatMap(func(n any) gopter.Gen {
		return gen.SliceOfN(n.(int), opGen)
	}, reflect.TypeOf([]op{}))
	seen := map[due.Kind]int{} // obligations listed, per kind, over the run
	props := gopter.NewProperties(params)
	props.Property("Due agrees with access and the model after every command", prop.ForAll(func(ops []op) string {
		w := newPropWorld(t)
		var trace []string
		for _, o := range ops {
			trace = append(trace, w.apply(o))
			if msg := w.check(seen); msg != "" {
				return fmt.Sprintf("%s\nafter:\n  %s", msg, joinLines(trace))
			}
		}
		return ""
	}, seqGen))
	props.TestingRun(t)
	// The sequences reach every kind: a property that lists nothing proves
	// nothing.
	for _, k := range []due.Kind{due.KindInvitationReminder, due.KindTeamInvitationExpiring, due.KindTeamInvitationExpired,
		due.KindTrialEnding, due.KindTrialEnded, due.KindContributorUnanswered} {
		if seen[k] == 0 {
			t.Errorf("no sequence listed a %s obligation", k)
		}
	}
	t.Logf("obligations listed per kind: %v", seen)
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n  "
		}
		out += l
	}
	return out
}
