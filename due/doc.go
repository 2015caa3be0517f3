// Package due answers one question for the host's scheduler: what is due
// at this instant? Service.Due lists every time-driven obligation of the
// library in one call, read from one consistent snapshot of the store, as
// typed Obligation values, each carrying the event the host acts on (send a
// reminder, warn an admin, nudge a contributor). It changes nothing and
// sends nothing: the library sends no email (ACC-5).
//
// # What is listed (by kind, with the rule)
//
//   - KindInvitationReminder (ACC-5): the 7- and 30-day reminders of a
//     grantee invited to create an account. This is access's own
//     computation (access.DueRemindersAt, the one DueReminders and
//     SendDueReminders use), so the list equals access.Service.DueReminders
//     at the same instant (property-tested). Event: access.ReminderDue. The
//     obligation stays listed until the host calls
//     access.Service.SendDueReminders (which marks it sent and publishes the
//     event), the grantee creates an account, or the grant is revoked or its
//     contact corrected (the reminders restart).
//
//   - KindTeamInvitationExpiring (TEAM-3): a pending team invitation that
//     expires within Windows.InvitationExpiring (default 48 hours), due
//     that long before its ExpiresAt. Event: team.InvitationExpiring.
//
//   - KindTeamInvitationExpired (TEAM-3): a pending invitation whose
//     lifetime is over (team.Invitation.Expired), due at its ExpiresAt,
//     listed while it stays pending. Event: team.InvitationExpired.
//     Both team kinds disappear when the invitation is accepted, revoked,
//     resent (its lifetime restarts) or deleted with its team.
//
//   - KindTrialEnding (PROC-1): an office's free trial of the contributors
//     option ends within Windows.TrialEnding (default 48 hours), due that
//     long before its end, unless the platinum plan or an active boosters
//     add-on will still give the option at the trial's end. Event:
//     procedure.TrialEnding.
//
//   - KindTrialEnded (PROC-1): the trial is over and the office has the
//     option neither by plan nor by boosters (procedure.PremiumAvailable
//     without the trial), due at the trial's end, listed until it gets the
//     option. Event: procedure.TrialEnded.
//
//   - KindContributorUnanswered (PROC-5, PROC-6): a contributor seated on
//     a case and sent the invitation (Participant.Invited, NotifiedAt) who
//     has not answered Windows.ContributorAnswer (default 7 days, the
//     first ACC-5 delay) after it. "Answered" is read from the records that
//     exist: a document, a comment or a submission on the case by the
//     contributor's account (procedure.ItemState Documents[].By,
//     Comments[].By, SubmittedBy) at or after their invitation (NotifiedAt;
//     what the person did on an earlier seat of the case does not answer
//     this one). A contributor without an account has
//     not answered (they cannot act before signing up); signing up alone
//     is not an answer. Contributors added silently (PROC-6) were not
//     invited and are never listed; nor are those whose role carries only
//     view (PROC-4: they have nothing to answer). The obligation
//     disappears when they answer, or their seat is emptied or given to
//     someone else (whose own invitation then counts). Event:
//     procedure.ContributorUnanswered.
//
//   - KindAccessExpiring (ACC-10, GRP-3; issue 16, an extension of SPEC
//     v2): an external advisor's grant (access.Grant.ExpiresAt, Rule
//     "ACC-10", ID the grant) or a direct assignment to a client group
//     (clientgroup.DirectAssignment.ExpiresAt, Rule "GRP-3", ID
//     "<client group>/<user>") expires within Windows.AccessExpiring
//     (default 7 days), due that long before its ExpiresAt. Events:
//     access.AdvisorAccessExpiring, clientgroup.AssignmentExpiring.
//
//   - KindAccessExpired (ACC-10, GRP-3; issue 16): the grant or the
//     assignment has expired — its route closed at ExpiresAt with no
//     command (the services and package policy follow their clock) — and
//     is still stored; due at its ExpiresAt, listed until it is revoked,
//     removed, replaced or given a new expiry. Events:
//     access.AdvisorAccessExpired, clientgroup.AssignmentExpired.
//     An expiry changed before the window or the instant moves both kinds
//     with it; a cleared expiry lists nothing.
//
// # Instants and order
//
// An obligation is listed exactly from its DueAt on (DueAt ≤ at) until it
// is resolved, and never before. The list is ordered by DueAt, then Kind
// (as strings), then ID, so that two calls over the same state give the
// same list. The same (Kind, ID, DueAt) names the same obligation from one
// call to the next: a host that acts on each obligation once keeps that
// key (the ACC-5 reminders are the exception, marked handled by
// SendDueReminders).
//
// Service.Due reads the instant from the service's injected clock
// (cabinet.WithClock), as every service does. Service.DueAt takes the
// instant explicitly: it is a read, not a command (no command takes a now,
// issue 12), and "what will be due on Friday" is a question a scheduler or
// a test asks. Both are host-driven work: they take a cabinet.Host, as
// access.Service.DueReminders does, because no user asks for the whole
// practice's obligations and they are not permission-checked.
//
// # Why a package
//
// The obligations belong to four packages (access, clientgroup, team,
// procedure) that do not import one another; a read of all four in one
// snapshot needs their stores together. Package due is that small read: it
// opens one View of its Store (any store that is an access.Store, a
// clientgroup.Store, a team.Store and a procedure.Store, such as
// memstore.Store or pgstore.Store) and reads the other packages' records
// through the Tx accessors (ClientGroupReader, TeamReader,
// ProcedureReader), so the answer is one state, never a mix of two. It is
// a package rather than a kit method so that a host that wires services by
// hand uses it too; kit.New builds one (Kit.Due) on the kit's clock.
//
// A call reads every grant, every direct assignment, every pending team
// invitation, every stored office plan and every case: it is a periodic
// job's read (the host calls it every few minutes or hours), not a request
// path, and it is not paged.
package due
