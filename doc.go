// Package cabinet is the shared kernel of the cabinet library: the
// collaboration and access-control rules of advisory practices (wealth and
// estate advisors, accounting offices, notaries, real-estate sales teams).
// A Go service imports the domain packages, keeps their state behind the
// library's storage interfaces (memstore in memory, pgstore in PostgreSQL),
// and asks package policy "can X do Y on Z?". The contract is SPEC version
// 2; every rule has an ID (TEAM-, ACC-, GRP-, CON-, PROC-, POL-).
//
// # Where to start
//
//   - kit.New(ctx, store) wires every service and the policy engine over
//     one store; package scenario builds a whole office in a few lines for
//     tests and demos; examples/ has one runnable program per product.
//   - Accounts are created by team.Service.CreateUser (a host-driven
//     sign-up: it takes a Host, not an acting user), because an account and
//     its personal team are created together (TEAM-6). Offices are created
//     by clientgroup.Service.CreateOffice, by any account, who becomes the
//     office's first admin.
//   - policy.Engine.Check answers every question; every command and every
//     permission-checked read of the services has its policy.Action, and the
//     services accept exactly what Check allows (property-tested).
//   - Package bulk imports and exports a practice's state; package hygiene
//     gives an office's admins its lint-style reports (GRP-2, GRP-6, GRP-11,
//     ACC-5, TEAM-2).
//   - due.Service.Due (Kit.Due) lists, in one host-driven call, every
//     time-driven obligation at an instant: ACC-5 reminders, team
//     invitations expiring or expired (TEAM-3), trials ending or ended
//     (PROC-1), invited contributors who have not answered (PROC-5).
//
// # The model (SPEC §1)
//
// An office is the tenant. Its collaborators (users with profile admin or
// standard) work on dossiers, the client files. A dossier has an office, a
// status (draft, activated, archived), a manager, assigned collaborators, a
// family tree, registered external advisors, at most one client group, and
// sections. Around the dossier:
//
//   - team: user accounts, and advisor teams that share their referred
//     clients (TEAM-1…12): teams created for someone else wait for their
//     lead, referring needs reach, consent is one switch per dossier.
//   - access: dossiers, their family tree, grants to holders, family members
//     and external advisors, invitations and reminders (ACC-1…12).
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
// Revision that every committed change returns, the transaction handle Tx
// that lets one command read and write several packages' records, the page
// contract (Page, All, Each), the one route vocabulary (Routes), Host for
// host-driven work, domain events with the change log (Key, Change,
// ChangeLog, Delivery), the User account with AccountListener and
// CollaboratorListener, the two enums more than one package reads (Profile,
// DossierStatus) with DossierFacts, the validators of names, free text,
// emails and phones, and the what-if context markers every store honours
// (DryRun, AtRevision, ErrDryRun; policy.Engine.Preview builds on them).
//
// # Threat model
//
// IDs are identifiers, not secrets: every actor below may know any ID. The
// library assumes the host authenticates its users and passes the acting
// user's ID honestly; everything else is checked by the library, at the
// moment of the decision, against the state inside the command's
// transaction.
//
//   - An outsider (an account with no link to an office) obtains nothing of
//     the office: referring a dossier needs reach (TEAM-8), naming someone
//     lead of a team makes it pending until they accept (TEAM-1), and every
//     read and command is permission-checked (POL-1). An unknown ID is a
//     not-found error or a denial, never an allow (POL-4).
//   - A collaborator removed from the office keeps nothing: in the same
//     transaction they stop managing and being assigned to its dossiers,
//     their group memberships go, and their impersonation sessions end
//     (GRP-11, CON-6); the referrals they made stop opening the dossiers
//     (TEAM-8, checked at every decision).
//   - A family member or a central person never raises their own rights:
//     only the manager decides who is central (ACC-2), a central person
//     grants at most their own level and no account holds two grants on one
//     dossier (ACC-7), read_write grants never reach the office's notes nor
//     the advisor's tools (ACC-11), and the team route never applies to the
//     dossier's own central persons (TEAM-8); a holder who refers her own
//     vault lets her team do no more than she may (a read_only grant: view
//     only; TEAM-8).
//   - An external advisor edits at most the three inventory sections and
//     never uses simulations or reports (ACC-10); only the manager manages
//     advisors (ACC-9).
//   - A contributor sees only the items of their role and no other
//     participant's details, on every read path (PROC-3); staff who reach a
//     case review every item (PROC-7).
//   - A collaborator impersonating a contact only views what the contact
//     sees, never more, and the session ends with their membership (CON-6,
//     POL-5).
//   - Archived dossiers are read-only for everyone (ACC-12); the manager or
//     an admin may reactivate one.
//
// The tests that prove it: the no-escalation properties
// (policy.TestINV12NoEscalation, SPEC §3 invariant 12), written against an
// oracle that reads the raw records, not policy; the agreement property
// (policy.TestPOL1ServicesAgreeWithCheck) over every command and read of
// the five services by every kind of actor; the differential property
// against a reference evaluator written from the SPEC text
// (policy.TestPOL1DifferentialAgainstReference); an independent Cedar
// encoding of the dossier question in benchmarks/peers/crosscheck; one
// named test per v2 rule and per attack in each package (e.g.
// TestTEAM8ReferRequiresReach, TestGRP11RemovedManagerKeepsNothing,
// TestCON6SessionEndsWhenCollaboratorLeaves,
// TestPROC3ParticipantReadsShowOnlyTheirRole); the concurrency tests of a
// manager removed while granting and a dossier archived while placed, on
// memstore and on PostgreSQL; and fuzz targets for every parser, validator
// and for Check itself. Input that nobody types on purpose (control and
// bidi characters, zero-width names, domain literals, Unicode case folding
// in email keys) is refused (ParseName, ParseText, ParseEmail, EmailKey).
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
// acting user (or, for host-driven work, a Host), and typed arguments; it
// returns the record as stored (if any), the Revision it committed and an
// error. It runs like this:
//
//  1. validate the input (→ *InvalidError naming the field);
//  2. open one store transaction (Store.Update…);
//  3. read what the command needs and check the actor's right to run it with
//     the package's exported permission predicates (→ *ForbiddenError naming
//     the rule) and the invariants (→ *ConflictError);
//  4. write, and record the command's events as one Batch in the same
//     transaction (Options.Emit, Tx.Emit); if anything fails the
//     transaction is rolled back and nothing changed, events included (SPEC
//     §3 invariant 8);
//  5. the commit writes the batch and the keys of every record written into
//     the store's change log (ChangeLog) under the new Revision, which the
//     command returns. The host's sinks receive the batch from the log
//     (Delivery), at least once and in revision order, even if the process
//     dies right after the commit (SPEC §3 invariant 13); the policy engine
//     follows the same log.
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
// predicates) and kit (which wires them) import them all, and hygiene
// (read-only reports) reads three of their stores. The rule and the
// write see one state, and a command commits whole or not at all, whatever
// packages it touches (SPEC §3 invariant 8). Nothing is passed through
// context and there is no package-level state.
//
// Package kit does the wiring in one call: kit.New(ctx, store, opts...)
// builds the policy engine from the store, then the Facts and the five
// services, registers the listeners (account sign-ups, collaborator
// removals), makes the engine follow the store's change log and delivers
// every committed batch to the host's sinks after the engine has applied
// it, so that policy answers are fresh as soon as a command returns.
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
// stable output). Events are not an option: every command records its
// batch in its transaction, and the host receives the batches from the
// store's change log through a Delivery (package kit wires one to the
// sinks given with kit.WithSink; EventLog keeps them in memory). The library sends no email and writes no log: invitations,
// reminders, grants, revocations and moves are events the host acts on.
package cabinet
