// Package bulk imports and exports the state of a practice in bulk: the
// onboarding of an existing practice (offices, collaborators, collaborator
// and client groups, dossiers with their managers and placements, family
// trees and grants, teams and referrals, contacts) and the export of an
// office's whole state for backups and migration (issue 15).
//
// # Records
//
// A stream is a sequence of Record values — User, Office, Collaborator,
// CollaboratorGroup, Member, ClientGroup, DirectAssignment,
// GroupAssignment, Dossier, Person, Advisor, Grant, Consent, Team,
// Referral, Company, Contact — given as an iter.Seq2[Record, error]
// (Stream turns a slice into one; ReadLines reads a JSON-lines file, whose
// line n holds record n-1; WriteLines writes one). Records refer to each
// other by cabinet IDs, and those IDs are the host's own (Decision: a
// practice moving in keeps its identifiers — "client-00042" is a valid
// DossierID — so a stream needs no mapping table and the export of a store
// imports with the same IDs; an ID is 1 to MaxIDLength bytes of printable
// ASCII without space). Only the personal team of a User record without
// PersonalTeam gets an ID drawn from the importer's generator. A record may
// refer to what the store already holds or to a record earlier in the
// stream, never to a later one; Export writes records in such an order.
// Composite records have no ID of their own: a collaborator is an
// (office, user) pair, a member a (group, user) pair, and so on.
//
// # Import
//
// Importer.Import is host-driven work, like sign-up: it takes a
// cabinet.Host, not an acting user. Records are read in order and written
// in batches (WithBatchSize, DefaultBatchSize), one store transaction per
// batch, through the packages' Store Writers, on memstore.Store,
// pgstore.Store or any other Store. A store that implements BatchPreparer
// (pgstore.Store) is handed each batch's records first, in its
// transaction, so that it can read ahead what the checks look up and write
// new records in bulk (COPY); the checks and the events stay the
// importer's, and a prepared batch that fails for any reason is run again
// record by record, whose error names the record at fault. A batch is all
// or nothing: the first bad record — invalid,
// referring to nothing, breaking an invariant, already in the store — or
// the first error of the stream stops the import, nothing of its batch is
// written, and the error is a *RecordError naming the record's position
// (Index), kind, key and field, wrapping the cause (an
// *cabinet.InvalidError naming the field, a *cabinet.NotFoundError, or a
// *cabinet.ConflictError naming the rule). Earlier batches stay committed;
// Result says how many records were.
//
// Decision (idempotence): an import never replaces what the store holds. A
// record whose ID — or key, for composite records — is already stored is a
// *cabinet.ConflictError (no rule), so importing a stream twice stops at
// its first record and writes nothing. To resume an interrupted import,
// skip its Result.Records first records.
//
// # Rules applied
//
// The import checks every record with the services' own exported
// validators and invariant checks, not copies of them: cabinet.ParseName,
// ParseEmail and ParsePhone, the enums' Valid, access.ParsePerson,
// ParseAdvisor, ParseGrant, CheckOneHolder and CanGrantTo,
// clientgroup.CanPlace, contact.ValidateFields, and the stores' own unique
// indexes. In detail:
//
//   - TEAM-6: a User record creates the account and its personal team
//     together, as team.Service.CreateUser does (one member, its owner,
//     admin and lead; never a Team record); a second account with the same
//     email (cabinet.EmailKey) is a conflict. In the same transaction the
//     referrals waiting for its email are linked and the account
//     listeners run (by default those kit wires: access, contact and
//     procedure services), so that grants, contacts and contributor seats
//     waiting for the email become the account's as at sign-up (ACC-5,
//     CON-1).
//   - GRP-5 (Decision of clientgroup: an office always keeps an admin): an
//     Office record names its first admin, who is added with it.
//   - GRP-1: members and direct assignments are collaborators of the
//     group's office (not found otherwise, as clientgroup.Service); a
//     collaborator group is assigned only to a client group of its office,
//     and a dossier placed only in a client group of its office
//     (conflicts naming GRP-1).
//   - GRP-4: a Dossier has at most one client group — its ClientGroup field.
//   - GRP-5: only an activated dossier is placed (clientgroup.CanPlace); an
//     archived one keeps the group it had when activated (ACC-12), a draft
//     is refused.
//   - GRP-11: a dossier's manager and assigned collaborators are
//     collaborators of its office (as access.Service.SetManager and
//     SetAssigned; invalid "manager" or "assigned" otherwise).
//   - ACC-2: a person has one of the six relations; a tree has at most one
//     holder (access.CheckOneHolder).
//   - ACC-3, ACC-4: a person's grant has a valid email and phone and a
//     level (access.ParseGrant); an advisor's grant uses the advisor's
//     registered details (ACC-8, access.ParseAdvisor); a person or advisor
//     holds at most one grant (conflict ACC-4).
//   - ACC-5: a grant is linked to the account of its email, if any, as at
//     sign-up; it has no account field. ACC-6, ACC-7: a grant to a holder or
//     co-holder is central; no account holds two grants on a dossier, nor
//     two grants go to one email (access.CanGrantTo, conflict ACC-7).
//   - TEAM-1: a pending team was created on its lead's behalf by someone
//     else and has no member; a pending team holds no referral. TEAM-2:
//     an accepted team's lead is one of its admins (conflicts naming the
//     rule). TEAM-7: a referral lives in one team, its referrer's
//     personal team when it names none; a member of an imported team whose
//     personal team has no first team gets this one, with no referral
//     moved. TEAM-9: a consent record holds a valid state.
//   - CON-1, CON-2, CON-3 (contact.ValidateFields): clients and partners
//     have first name, last name and email — except a client that is a
//     lead converted by a sale (CON-5), still added; leads need names only
//     and are never invited; only partners have a company, of the same
//     office; an active contact, and only an active one, is linked to its
//     account. CON-4: only a client is linked to a dossier, of the same
//     office, and a person of its tree is linked to at most one contact.
//     CON-7: an email is unique among an office's contacts (the store's
//     index, a conflict naming CON-7).
//
// # Rules not applied, and why that is safe
//
// The permission rules of the commands do not apply: who may create an
// office, add a collaborator or organise groups (GRP-5's admin profile),
// who may create, manage or activate a dossier (ACC-1), who may grant
// (ACC-1, ACC-7's "a central person grants non-central persons at most
// their own level", ACC-9), who may refer (TEAM-7 membership, TEAM-8's
// entitlement of the referrer at referral time), who changes consent
// (TEAM-9), who may make someone a team's lead or member (TEAM-1's "the
// lead's own act", TEAM-3's invitations), who manages contacts (CON-1).
// These rules protect a practice from its users; the import is host-driven
// — the host owns the data it migrates and asserts the state it loads, as
// it does when it signs a person up — and no user acts. Rules that say
// what happened when (ACC-12's "an archived dossier is read-only", GRP-5's
// "placing is at activation or admin work") do not apply either: an
// archived dossier arrives with the tree, grants and group it had. What
// keeps this safe at decision time still holds after an import, because
// policy checks it at every decision: a referral's team route needs its
// referrer entitled now (TEAM-8 v2) and consent given (TEAM-9), a manager
// or assignee must be a collaborator of the office now (GRP-11), and an
// archived dossier is only viewed (ACC-12).
//
// Decision: history fields — who created an office or a dossier, who
// granted, who changed consent — are kept as given and need not name an
// account; a team's creator and lead must, as the pending team's creator
// sees it (TEAM-1).
//
// # Events
//
// Every imported record produces the events of the service command that
// creates such a record (team.UserCreated and the personal
// team.TeamCreated, clientgroup.OfficeCreated, access.DossierCreated with
// a clientgroup.DossierMoved for its placement, access.GrantCreated,
// team.MemberJoined, team.ReferralCreated, contact.ContactCreated, …), and
// the account listeners' events. A batch's events are one cabinet.Batch
// naming the host, emitted through the batch's transaction (cabinet.Tx.Emit)
// so that they are in the store's change log under the batch's revision,
// as the services record theirs: the host receives them from the log
// (cabinet.Delivery; package kit wires one), like any command's. No
// invitation is sent for an imported grant unless the host asks
// (WithInvitations); the events still say what was imported, so the host
// may decide. A policy engine over the store (policy.Engine) applies an
// import like any change of the log, from the keys the store recorded for
// every record written: Engine.Sync after the import, or the engine's
// follow loop; an engine that fell behind the log's retention during a
// large import reloads in full by itself.
//
// # Export
//
// Export streams the whole state of one office, and ExportAll the whole
// store, in the same record format and in an order Import accepts, from
// one View page by page (cabinet.Each over the Readers). Importing an
// export into an empty store gives the same policy decisions as the
// source for every user, action and dossier resource (property-tested
// with ExportAll, and with Export for the users it holds), and exporting
// it again gives the same records. Team invitations, impersonation
// sessions, projects, decisions, sales units, procedures, cases and plans
// are not exported nor imported (Decision: none of them decides who
// reaches a dossier; they are for a later version).
package bulk
