// Package contact holds the contacts of an office — clients, partners and
// leads, before and after they have accounts — with the companies partners
// belong to, the projects and decisions partners are added to, the property
// units in sales that leads buy, the link of a client contact to its
// dossier and family-tree person, and impersonation (CON-1 … CON-7).
//
// # Semantics
//
// A Contact belongs to one office (cabinet.OfficeID) and has a Kind:
//
//   - client: first name, last name and email required (CON-1);
//   - partner: the same, and optionally a Company, existing or created on
//     the spot in the same command; a company lists its partners (CON-2,
//     Service.CompanyOverview);
//   - lead: first and last name only; an email is optional (CON-3).
//
// Every kind may have a phone number (E.164, cabinet.ParsePhone). Names go
// through cabinet.ParseName, emails through cabinet.ParseEmail.
//
// Its Status is the platform-access lifecycle of CON-1: added (known, no
// access) → invited (Service.InviteContact; a ContactInvited event asks the
// host to send the invitation; inviting again re-sends it, Resent=true) →
// active (the person created an account: Service.AccountCreated, the
// cabinet.AccountListener called by team.Service, links the contact to the
// user). Inviting an active contact is a conflict.
//
// Emails are unique per office among contacts, ignoring ASCII case (CON-7,
// cabinet.EmailKey): the service checks it and the Store enforces it again
// with a unique index (Writer.PutContact); the error is a
// *cabinet.ConflictError naming CON-7 and the existing contact.
//
// Only existing contacts can be used (CON-4): a partner of the same office
// before joining a project (AddProjectPartner) or a decision
// (AddDecisionPartner), a lead of the same office before being attached to
// a unit as a prospective buyer (AttachLead). A Unit is available ↔
// reserved (SetUnitStatus), then sold (MarkUnitSold); sold is final.
//
// CON-5 (v2): marking a unit sold names its buyer(s) among the leads
// attached to it — a non-empty list, every one attached. Only they become
// clients, in the same transaction (same contact, kind changed, status
// added); the other attached leads stay leads. Unit.Leads keeps the
// attached contacts, Unit.Buyers the named ones; the UnitSold event lists
// Buyers, Converted and Remaining.
//
// A client contact can be linked to the dossier and the family-tree person
// it is about (Service.LinkContact; issue 12, seed 002), so that the
// contact, the person's grant (package access) and the dossier's referrals
// (package team) are one story; ContactFilter.Dossier and .Person find the
// contacts of a dossier or a person.
//
// # Impersonation (CON-6 v2)
//
// Impersonation is for seeing what the contact sees ("voir exactement ce
// que voit votre client"). A collaborator of the contact's office starts a
// Session as an invited or active client or partner (StartImpersonation):
// never an added contact, a lead, an archived contact, a contact whose user
// is a collaborator of the office, nor across offices (CanImpersonate, a
// *cabinet.ForbiddenError naming CON-6). The session records both
// identities (Actor and Contact/ContactUser). It ends when it is stopped
// (StopImpersonation, by its actor), SessionLifetime after its start, and —
// v2 — as soon as its collaborator is no longer a collaborator of the
// office, or its contact can no longer be impersonated, or the contact's
// user becomes a collaborator. The pure predicate CanUseSession decides it
// from the session, its contact and the office's facts (SessionFacts);
// Service.ResolveSession and StopImpersonation read those facts in their
// own snapshot and decide with it, and package policy decides with it too,
// so that they agree at every moment. Ending by departure needs no command:
// it holds from the instant the collaborator is removed, and a collaborator
// removed and added again does not get the session back (the membership
// must have lasted since the session started:
// SessionFacts.ActorSince, clientgroup.Facts.CollaboratorSince). The
// removal may also stop the sessions in its own transaction
// (Service.CollaboratorRemoved, reason "collaborator_removed"), which keeps
// them ended even when a removal and a new membership fall in the same
// microsecond of the clock; package clientgroup calls it when the host
// wires it.
//
// While a session is usable, decisions are the contact's — never more —
// and carry the actor (Subject, POL-5). Viewing actions only: package
// policy allows, while impersonating, only the actions that show what the
// contact sees, and denies every other action naming CON-6. From this
// package's side:
//
//   - No command of this package is ever taken as the contact: contacts,
//     companies, projects, decisions, units and sessions are managed by
//     collaborators under their own identity, and a contact has no right on
//     them. Every command of this package, and every staff read of it
//     (Contact, Contacts, Company, Companies, CompanyOverview, Project,
//     Projects, Decision, Decisions, Unit, Units), is therefore not a
//     viewing action for an impersonating subject: policy denies it while
//     impersonating (CON-6), and the host runs it with the collaborator's
//     own identity only when they are not impersonating.
//   - StopImpersonation, ResolveSession, Session and Sessions are the
//     collaborator's own acts about their session, never the contact's:
//     they are always asked with the collaborator's identity.
//   - The viewing actions are those of the other packages that show the
//     contact's vault and documents: viewing a dossier and its sections
//     (package access, policy.ViewDossier), a team's profile views (package
//     team), a case's participant view and its items with the view
//     permission (procedure.Service.ParticipantView, policy.ViewItem).
//
// Decisions about sessions (where the specification is silent):
//
//   - Decision: only the session's actor resolves a session
//     (ResolveSession takes the actor): a session ID is not a bearer token.
//   - Decision: a session record is read (Session) by its actor while they
//     are a collaborator of the office, and by the office's admins, for
//     audit (CanViewSession); Sessions lists every session of an office
//     for its admins, and their own for other collaborators
//     (CanListSessions). Everyone else is refused naming CON-6.
//   - Decision: one session per actor at a time: starting a new one stops
//     the previous (reason "replaced"). Only the session's actor can stop
//     it; stopping a session that has already ended (stopped, expired,
//     actor departed, contact no longer impersonable) is a conflict naming
//     CON-6 (CanStopSession). SessionLifetime is one hour.
//   - Decision: the subject's user is the contact's account when the
//     session started (Session.ContactUser); an invited contact without an
//     account gives a subject without user, which has no account-based
//     rights.
//
// # Rules enforced
//
//   - CON-1 client fields; added → invited → active; CanInvite. Also named
//     by every "not a collaborator of the office" denial (RuleManage,
//     CanManageContacts) and by a link to a dossier the actor does not
//     reach (CanLinkContact).
//   - CON-2 partner fields, companies (existing or created on the spot), a
//     company's overview of its partners, projects and decisions.
//   - CON-3 lead fields; leads are never invited (CanInvite).
//   - CON-4 only existing partners / leads / clients of the same office
//     are used (CanAddPartner, CanAttachLead, CanMarkSold, CanLinkContact).
//   - CON-5 v2 a sale names its buyers among the attached leads; only they
//     become clients (CanMarkSold, MarkUnitSold).
//   - CON-6 v2 impersonation (CanImpersonate, CanUseSession,
//     CanViewSession, CanListSessions, CanStopSession, Session, Resolve).
//   - CON-7 email uniqueness per office, in the service and the store.
//   - ACC-12 a contact is not linked to, nor unlinked from, an archived
//     dossier (CanLinkContact, CanUnlinkContact; *cabinet.ConflictError
//     naming ACC-12).
//
// # Commands and reads
//
// Every command takes the acting user, returns the record as stored after
// it and the cabinet.Revision it committed (or 0 and the error), and goes
// through the service's one write path: validate the input, then one
// Store.UpdateContacts transaction that reads, checks (the exported pure
// predicates), writes, and records one event batch in the same transaction
// (cabinet.Options.Emit: the host receives it from the store's change log,
// SPEC §3 invariant 13). A failed command changes nothing and records no
// event, also when it
// fails after its first write. Facts owned by other packages — the actor's
// profile, membership and internal routes (Directory, implemented by
// clientgroup.Facts), whether an email has an account (Accounts, team.Facts)
// and a dossier's office, status and tree (Dossiers, access.Facts) — are
// read inside the command's transaction, with its cabinet.Tx, so the check
// and the write see one state.
//
// Every record has a permission-checked getter and listing
// (Contact/Contacts, Company/Companies, Project/Projects,
// Decision/Decisions, Unit/Units, Session/Sessions) with the shared paging
// contract (cabinet.Page; a listing's filter must name the office), read
// in one snapshot. Facts (NewFacts) gives package procedure a contact in
// its own transaction.
//
// # Decisions (where the specification is silent)
//
//   - Decision: any collaborator of the office, admin or standard, manages
//     its contacts, companies, projects, decisions and units, and reads
//     them. Others are refused with a *cabinet.ForbiddenError naming CON-1
//     (RuleManage): the specification has no separate rule ID for "who
//     manages contacts".
//   - Decision: partners have the same lifecycle as clients (added →
//     invited → active): CON-6 speaks of invited and active partners, so
//     they must be invitable. Leads always stay added.
//   - Decision: a contact, company, project, decision, unit or dossier of
//     another office is reported as not found, never as forbidden, so that
//     nothing leaks across offices; a contact of the right office but the
//     wrong kind, or archived, is refused naming CON-4.
//   - Decision: archiving is a soft delete. An archived contact leaves the
//     default listings, cannot be edited, invited, attached, named a buyer,
//     linked or impersonated, and running sessions impersonating it stop
//     (reason "contact_archived"). Its email stays reserved (CON-7 counts
//     archived contacts).
//   - Decision: inviting a contact whose email already has an account
//     (Accounts.UserByEmail) links it at once: invited then active, two
//     events in one batch. AccountCreated only activates invited contacts
//     (added ones were never invited), in every office, and is idempotent.
//   - Decision: the email of an invited or active contact may be edited; the
//     link to the user stays (it is by ID). A client converted from a lead
//     without email must get one (EditContact) before InviteContact, which
//     otherwise fails with an *cabinet.InvalidError for "email".
//   - Decision (CON-5): a unit is sold from available or reserved; its
//     buyers are named by ID, at least one, no duplicates (else
//     *cabinet.InvalidError "buyers"); a buyer not attached to the unit is
//     a *cabinet.ConflictError naming CON-5, an archived buyer a
//     *cabinet.ForbiddenError naming CON-4. A buyer that is already a
//     client (a lead attached to two units that bought the first) stays a
//     client. A sold unit accepts no more leads. Setting a unit to its
//     current status is a conflict; SetUnitStatus never sells.
//   - Decision (seed 002 links): only client contacts are linked; the actor
//     must reach the dossier internally (GRP-3) — nobody links a contact to
//     a vault they cannot open; the person, when given, must be in that
//     dossier's tree; a person is linked to at most one contact of the
//     office; a contact has at most one link (linking again replaces it).
//     Unlinking needs no reach. Neither is possible on an archived dossier
//     (ACC-12: it is read-only), nor on an archived contact.
//   - Decision: AccountCreated publishes its batch with the new user as
//     actor (the person whose sign-up caused it).
//
// # Storage
//
// Store is dumb persistence: Reader getters return a *cabinet.NotFoundError
// for a missing record; listings are ordered by ID and paginated with
// cabinet.Page (ContactFilter.Match, PartnerFilter.Match, UnitFilter.Match
// and SessionFilter.Match are the reference filter semantics);
// Writer.PutContact keeps the CON-7 unique index. Package memstore
// implements it; package contacttest is the conformance suite every
// implementation runs.
package contact
