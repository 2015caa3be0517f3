// Package examples holds the runnable programs of cabinet, one per source
// document (seed) and a quickstart, each in its own directory and run with
// go run ./examples/<name>:
//
//   - quickstart: the first program to run — an office, a dossier, a grant,
//     an advisor and a team, and the policy engine's answers;
//   - teams (seed 000): advisor teams, pending teams, referrals, consent;
//   - family-access (seed 001): a dossier's family tree, grants, external
//     advisors, reminders, archiving;
//   - contacts (seed 002): clients, partners, companies, leads, sales,
//     impersonation;
//   - client-groups (seed 003): client and collaborator groups, activation
//     into a group, the active-clients monitor;
//   - joint-application (seed 004): a procedure with contributor roles,
//     premium gating, participants' views and staff review;
//   - access-review (issue 16): who can do what on a dossier and why, a
//     what-if preview of removing a collaborator, applied at its revision
//     and shown exact, and a stale preview refused.
//
// Each (but access-review, which uses package kit directly) builds its
// world with package scenario and prints every step and the policy
// engine's decisions. This package itself holds no code: its test builds
// and runs every program above and checks its output.
package examples
