// Package scenario builds a small cabinet world in a few lines: an office and
// its people, dossiers with their family trees and grants, external advisors,
// teams and referrals, contacts, procedures and cases, over every service
// wired together by package kit. It is for hosts' tests, demos and the
// examples: each step is one line, and the kit (services and policy engine)
// is there for everything else.
//
//	s := scenario.New(t)                                           // in a test; scenario.Fatal in a program
//	office := s.Office("Martin Wealth", s.User("Louise").ID)       // Louise signs up, creates the office: its admin
//	marc := s.Collaborator(office.ID, "Marc", cabinet.ProfileStandard)
//	noah := s.Collaborator(office.ID, "Noah", cabinet.ProfileStandard)
//	d := s.Dossier(office.ID, "Roux family", marc.ID)              // activated, managed by Marc
//	dec := s.Check(noah.ID, policy.ViewDossier, policy.DossierResource(d.ID)) // deny: no route (GRP-2)
//
// # What New gives
//
// New wires a kit.Kit over a memstore.Store that runs every Update's function
// twice (memstore.RunTwice, as the library's own fixtures do), with a
// cabinet.ManualClock starting on Monday 2 March 2026, 09:00 UTC, and
// cabinet.SequentialIDs, so that a scenario prints the same every time. Every
// event batch is delivered from the store's change log (kit.WithSink) to
// Scenario.Events (a cabinet.EventLog), after the policy engine has applied
// it and before the sinks given with WithSink.
// The Scenario embeds the *kit.Kit: s.Teams, s.Access, s.Groups, s.Contacts,
// s.Procedures and s.Policy are the services, to call for any step the
// builder has no method for — in particular every step whose outcome is the
// point (a refusal, a rule at work), which is clearer written out.
//
// # Who runs each step
//
// The builder's methods are commands of the services, run by the actor the
// rules expect, so that a scenario reads like what people do:
//
//   - User and SignUp sign a person up (team.Service.CreateUser, host
//     "signup"); every later grant, invitation, contact or seat waiting for
//     that email is linked to the account in the same transaction.
//   - Office is created by its first admin; the office's organisation
//     (collaborators, groups, placements, contacts, procedures, dossier
//     status and assignments) is done by the office's admin: the user who
//     created it, while they are an admin of it, else its admin with the
//     smallest ID.
//   - Dossier and DraftDossier are created by their manager (every
//     collaborator may create a dossier and manages it); its family tree,
//     grants and advisors are the manager's (ACC-1, ACC-2, ACC-9). On a
//     dossier without manager the office's admin runs these steps, and the
//     rules refuse the grants and advisors (ACC-1, ACC-9) and the central
//     persons (ACC-2).
//   - Team is created by its lead, who invites the members; each accepts
//     (TEAM-1, TEAM-3). Refer is the referrer's act (TEAM-8: they must
//     already reach the dossier).
//   - Case is opened by the dossier's manager (the office admin for an
//     unattached case, or a dossier without manager) and its contributors are
//     invited, with notification, by whoever opened it (PROC-5, PROC-6).
//   - Plan is host-driven billing (procedure.Service.SetPlan, host
//     "billing").
//
// # Names, emails and phones
//
// People are created from their display name; the builder gives them an
// email made of the name, in lower case, accents folded and words joined by
// dots, at example.com ("Léa Martin" is lea.martin@example.com), and a
// phone number of its own when a command needs one (+33 6 10 00 00 01,
// +33 6 10 00 00 02, …). User picks the next free address when the name's is
// taken (marc2@example.com); SignUp takes the email you give. Grant and
// GrantAdvisor sign the grantee up under the person's or advisor's name at
// the granted address, unless an account already has that address (then the
// grant is linked to it, as for any grant): s.User("Anne Martin") followed by
// a grant to a person named "Anne Martin" gives Anne's existing account the
// grant.
//
// # Errors
//
// A step that fails ends the scenario: New takes a TB, which every
// *testing.T, *testing.B and *testing.F is, and a failing step calls its
// Fatalf with the step and the error ("scenario: Grant(person_9, read_write):
// cabinet: forbidden: … (ACC-1)"), failing the test at the line of the step.
// A program, which has no testing.TB, passes Fatal (print the step and its
// error to standard error and exit with status 1) or Panic (panic with an
// *Error, which unwraps to the service's error). Should a TB's Fatalf
// return, the step returns the zero value (and, if New itself failed, the
// Scenario has no kit: later steps panic).
//
// A Scenario is for one goroutine at a time (like a testing.T); the kit it
// holds is safe for concurrent use.
package scenario
