// Package cabinet is the shared kernel of the cabinet library: the
// collaboration and access-control rules of advisory practices (wealth and
// estate advisors, accounting offices, notaries, real-estate sales teams).
// A Go service imports the domain packages, keeps their state behind the
// library's storage interfaces, and asks package policy "can X do Y on Z?".
//
// # The model (SPEC §1)
//
// An office is the tenant. Its collaborators (users with profile admin or
// standard) work on dossiers, the client files. A dossier has an office, a
// status (draft, activated, archived), a manager, assigned collaborators, a
// family tree, registered external advisors, at most one client group, and
// sections. Around the dossier:
//
//   - team: advisor teams that share their referred clients (TEAM-1…12), and
//     the user accounts themselves — creating a user creates their personal
//     team in the same transaction (TEAM-6).
//   - access: dossiers, their family tree, grants to holders, family members
//     and external advisors, invitations and reminders (ACC-1…11).
//   - clientgroup: the office directory (offices, collaborators and their
//     profiles), collaborator groups and client groups, the internal routes
//     to a dossier (GRP-1…11).
//   - contact: clients, partners and leads of an office, companies, projects,
//     sales units, impersonation (CON-1…7).
//   - procedure: document procedures with contributor roles, cases, premium
//     gating (PROC-1…7).
//   - policy: the one place that answers can-X-do-Y across all of them
//     (POL-1…6).
//
// Nothing crosses offices except an explicit grant, a team, or a contributor
// invitation.
//
// # This package
//
// The kernel is small and stable: typed IDs (UserID, DossierID, …), the
// sentinel errors and their detail types, the Clock, the IDGenerator, the
// Revision that every committed change returns, domain events and the
// EventSink through which the host receives them, the User account and the
// AccountListener, the two enums more than one package reads (Profile,
// DossierStatus) with DossierFacts, and the email and name validators.
//
// # Errors
//
// Every error a cabinet package returns wraps one of ErrNotFound,
// ErrForbidden, ErrInvalid or ErrConflict; match with errors.Is. Details are
// in *NotFoundError (kind and ID), *InvalidError (the field), *ForbiddenError
// (the rule ID, e.g. "ACC-1", and a readable reason) and *ConflictError;
// match with errors.As, or use RuleOf and FieldOf. Context cancellation and
// store failures are returned as they are. Bad input is an error, never a
// panic; an unknown ID is ErrNotFound or a denial, never an allow.
//
// # How a command flows
//
// Every state-changing method of a domain service takes a context, the
// acting user, and typed arguments, and runs like this:
//
//  1. validate the input (→ *InvalidError naming the field);
//  2. open one store transaction (Store.Update…);
//  3. read what the command needs and check the actor's right to run it with
//     the package's exported permission predicates (→ *ForbiddenError naming
//     the rule) and the invariants (→ *ConflictError);
//  4. write; if anything fails the transaction is rolled back and nothing
//     changed (SPEC §3 invariant 8);
//  5. after the commit, publish the command's events as one Batch carrying
//     the new Revision.
//
// The permission predicates are pure exported functions of the package's own
// types (for example team.CanManageMembers, access.GrantAllows). Package
// policy composes the very same predicates, so a rule is written once and the
// services and policy cannot drift (POL-1, POL-2).
//
// # Facts across packages
//
// A command that needs a fact owned by another package (is this user an
// admin of the office? what is this dossier's status? does this email have
// an account?) reads it in its own transaction. Every Reader and Writer
// returns its transaction (Tx), and every Store gives any package's records
// of a Tx it opened (access.Store.AccessReader, clientgroup.Store.
// ClientGroupWriter, …); each package exports a Facts type answering the
// others' questions with a Tx (team.Facts: accounts; access.Facts: dossier
// facts; clientgroup.Facts: profiles and internal routes). A service
// declares the small interface it needs where it is used (access.Directory,
// procedure.Staff, …), expressed in this package's types, so domain
// packages do not import one another; only policy (which composes their
// predicates) and kit (which wires them) import them all. The rule and the
// write see one state, and a command commits whole or not at all, whatever
// packages it touches (SPEC §3 invariant 8). Nothing is passed through
// context and there is no package-level state.
//
// Package kit does the wiring in one call: kit.New(ctx, store, opts...)
// builds the policy engine from the store, then the Facts and the five
// services, and routes every committed event into the engine (then into the
// host's own sink) so that policy answers are fresh as soon as a command
// returns.
//
// Rules that protect a target rather than restrict an actor (the lead of a
// team cannot be removed, TEAM-2; a central person's grant is irrevocable,
// ACC-6; nothing is linked across offices, GRP-1) are
// *ConflictError carrying the rule ID: whoever asks gets the same answer.
// Permission refusals are *ForbiddenError, and policy.Check denies exactly
// the commands that services refuse with ErrForbidden (property-tested).
//
// User accounts live in package team, because an account and its personal
// team are created together (TEAM-6). In the transaction that creates an
// account, team.Service calls every registered AccountListener (access,
// contact and procedure services), which turn what waited for that email (a
// grant, a contact, a contributor seat) into the user's; see
// WithAccountListeners. The account and its links commit together.
//
// # Storage
//
// Each domain package defines its Store interface: a read method that runs a
// function on a consistent snapshot (View…), a write method that runs a
// function in one all-or-nothing transaction and returns the committed
// Revision (Update…), and the accessors that give the package's records of
// a Tx opened by the same store (…Reader, …Writer). A store may run an
// Update's function more than once (PostgreSQL retries serialization
// failures): functions must be safe to re-run, and memstore.RunTwice makes
// the tests prove it. Every reader and writer knows the revision of its
// snapshot (Reader.Revision: the last commit before the View or the
// transaction began), so a consumer such as the policy engine knows how
// fresh its copy is. The reader and writer interfaces are small, ctx-first,
// and document the errors they return (a missing record is ErrNotFound).
//
// Every listing — a store Reader's or a service's — follows one contract
// (Page): ordered by key, one page at a time after an opaque Cursor, zero
// limit is DefaultPageSize, at most MaxPageSize, a negative limit is
// invalid, and a listing never leaves records out without returning the
// cursor of the rest; All and Each walk every page. Values are copied in
// and out; no store hands out pointers into its internals. Each package
// ships an exported conformance suite (package <name>test) that every
// backend runs unchanged. Package memstore implements every Store in
// memory, on one lock and one revision counter; it is the embedded default.
//
// # Time, IDs, events
//
// Services take functional Options: WithClock (default SystemClock; tests and
// examples use ManualClock; services store times in UTC at microsecond
// precision, Options.Now), WithIDs (default RandomIDs; SequentialIDs for
// stable output) and WithEvents (default DiscardEvents; EventLog keeps them
// in memory). The library sends no email and writes no log: invitations,
// reminders, grants, revocations and moves are events the host acts on.
package cabinet
