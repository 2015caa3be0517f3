package scenario

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/team"
)

// Team has lead create a team named name for themselves (team.Service.
// CreateTeam: active at once, lead its first admin, TEAM-1), then invite
// each of members by their account's email as a member, and each accept
// (Invite, AcceptInvitation; TEAM-3). It returns the team as stored, with
// its members.
//
// A team created on someone else's behalf is pending until its lead accepts
// it (TEAM-1 v2): write that step with s.Teams.CreateTeam and AcceptTeam.
func (s *Scenario) Team(name string, lead cabinet.UserID, members ...cabinet.UserID) team.Team {
	s.tb.Helper()
	t, _, err := s.Teams.CreateTeam(s.ctx, lead, name, "")
	for _, m := range members {
		if err != nil {
			break
		}
		t, err = s.join(t.ID, lead, m, team.RoleMember)
	}
	if err != nil {
		s.fail(err, "Team(%q, %s, %v)", name, lead, members)
		return team.Team{}
	}
	return t
}

// AddToTeam has team t's lead invite user, who has an account, with role,
// and user accept (team.Service.Invite, AcceptInvitation; TEAM-3). It
// returns the team as stored.
func (s *Scenario) AddToTeam(t cabinet.TeamID, user cabinet.UserID, role team.Role) team.Team {
	s.tb.Helper()
	var lead cabinet.UserID
	err := s.Store.ViewTeams(s.ctx, func(r team.Reader) error {
		rec, err := r.Team(s.ctx, t)
		lead = rec.Lead
		return err
	})
	var rec team.Team
	if err == nil {
		rec, err = s.join(t, lead, user, role)
	}
	if err != nil {
		s.fail(err, "AddToTeam(%s, %s, %s)", t, user, role)
		return team.Team{}
	}
	return rec
}

func (s *Scenario) join(t cabinet.TeamID, inviter, user cabinet.UserID, role team.Role) (team.Team, error) {
	u, err := s.user(user)
	if err != nil {
		return team.Team{}, err
	}
	inv, _, err := s.Teams.Invite(s.ctx, inviter, t, u.Email, role)
	if err != nil {
		return team.Team{}, err
	}
	rec, _, err := s.Teams.AcceptInvitation(s.ctx, user, inv.ID)
	return rec, err
}

// Refer has referrer refer the client named client, at EmailFor(client),
// whose dossier is d, in team t ("" for the referrer's personal team)
// (team.Service.Refer): every member of t then reaches d through the team
// route while the dossier's consent is given (TEAM-7, TEAM-8, TEAM-9).
// TEAM-8 v2: the referrer must already reach d (internally, or as its
// granted central person). It returns the referral as stored.
func (s *Scenario) Refer(t cabinet.TeamID, d cabinet.DossierID, referrer cabinet.UserID, client string) team.Referral {
	s.tb.Helper()
	r, _, err := s.Teams.Refer(s.ctx, referrer, team.ReferInput{Team: t, ClientName: client, ClientEmail: EmailFor(client), Dossier: d})
	if err != nil {
		s.fail(err, "Refer(%s, %s, %s, %q)", t, d, referrer, client)
	}
	return r
}
