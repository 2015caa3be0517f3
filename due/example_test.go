package due_test

import (
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/scenario"
	"github.com/cabinet-go/cabinet/team"
)

// A scheduler asks what is due, acts on each obligation's event, and asks
// again: a grantee who has not signed up a week after the invitation is
// reminded (ACC-5), the office's free trial ended without a plan that
// includes contributors (PROC-1), and a team invitation nobody accepted
// expires within 48 hours (TEAM-3). Upgrading the plan and sending the
// reminder resolve two of them; the host keeps each obligation's
// (Kind, ID, DueAt) to act on it once.
func Example() {
	s := scenario.New(scenario.Fatal)
	office := s.Office("Martin Wealth", s.User("Louise").ID)
	d := s.Dossier(office.ID, "Roux family", office.CreatedBy)
	s.GrantInvited(s.Person(d.ID, "Kid Roux", access.RelationChild).ID, access.LevelReadOnly)
	advisors := s.Team("Advisors", office.CreatedBy)
	if _, _, err := s.Teams.Invite(s.Context(), office.CreatedBy, advisors.ID, "noa@example.com", team.RoleMember); err != nil {
		scenario.Fatal.Fatalf("Invite: %v", err)
	}
	if _, _, err := s.Procedures.StartTrial(s.Context(), office.CreatedBy, office.ID); err != nil {
		scenario.Fatal.Fatalf("StartTrial: %v", err)
	}

	show := func() {
		list, err := s.Due.Due(s.Context(), "scheduler")
		if err != nil {
			scenario.Fatal.Fatalf("Due: %v", err)
		}
		for _, o := range list {
			fmt.Printf("%s %s %s: %s\n", o.DueAt.Format("Jan 2 15:04"), o.Rule, o.Kind, o.Event.EventName())
		}
		fmt.Println("--")
	}
	s.Clock.Advance(12 * 24 * time.Hour) // Saturday 14 March
	show()
	s.Plan(office.ID, procedure.PlanPlatinum)
	if _, _, err := s.Access.SendDueReminders(s.Context(), "scheduler"); err != nil {
		scenario.Fatal.Fatalf("SendDueReminders: %v", err)
	}
	show()
	// Output:
	// Mar 9 09:00 ACC-5 invitation_reminder: access.reminder_due
	// Mar 9 09:00 PROC-1 trial_ended: procedure.trial_ended
	// Mar 14 09:00 TEAM-3 team_invitation_expiring: team.invitation_expiring
	// --
	// Mar 14 09:00 TEAM-3 team_invitation_expiring: team.invitation_expiring
	// --
}
