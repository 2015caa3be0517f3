package team_test

import (
	"testing"

	"github.com/cabinet-go/cabinet/internal/enumtest"
	"github.com/cabinet-go/cabinet/team"
)

// Round trips of team's enum parsers: for each, every valid value's String()
// parses back to it, an accepted input is exactly a valid value's name, and
// anything else is an *cabinet.InvalidError naming the field.

// FuzzParseRole: member and admin (TEAM-4).
func FuzzParseRole(f *testing.F) { enumtest.Fuzz(f, "role", team.ParseRole) }

// FuzzParseInvitationStatus: the stored states of an invitation (TEAM-3).
func FuzzParseInvitationStatus(f *testing.F) {
	enumtest.Fuzz(f, "status", team.ParseInvitationStatus)
}

// FuzzParseConsent: given and revoked (TEAM-9).
func FuzzParseConsent(f *testing.F) { enumtest.Fuzz(f, "consent", team.ParseConsent) }

// FuzzParseReassignment: where a deleted team's referrals go (TEAM-10).
func FuzzParseReassignment(f *testing.F) {
	enumtest.Fuzz(f, "reassignment", team.ParseReassignment)
}

// FuzzParseMoveReason: why a referral changed team (TEAM-7, TEAM-10).
func FuzzParseMoveReason(f *testing.F) { enumtest.Fuzz(f, "reason", team.ParseMoveReason) }
