// Package contact holds the contacts of an office — clients, partners and
// leads, before and after they have accounts — with the companies partners
// belong to, the projects and decisions partners are added to, the property
// units in sales that leads buy, and impersonation (CON-1 … CON-7).
//
// # Semantics
//
// A Contact belongs to one office (cabinet.OfficeID) and has a Kind:
//
//   - client: first name, last name and email required (CON-1);
//   - partner: the same, and optionally a Company, existing or created on
//     the spot in the same command; a company lists its partners (CON-2,
//     Service.CompanyPartners);
//   - lead: first and last name only; an email is optional (CON-3).
//
// Its Status is the platform-access lifecycle of CON-1: added (known, no
// access) → invited (Service.InviteContact; a ContactInvited event asks the
// host to send the invitation; inviting again re-sends it, Resent=true) →
// active (the person created an account: Service.AccountCreated, the
// cabinet.AccountListener called by team.Service, links the contact to the
// user). Inviting an active contact is a conflict.
//
// Emails are unique per office among contacts, ignoring case (CON-7,
// cabinet.EmailKey): the service checks it and the Store enforces it again
// with a unique index (Writer.PutContact); the error is a
// *cabinet.ConflictError naming CON-7 and the existing contact.
//
// Only existing contacts can be used (CON-4): a partner of the same office
// before joining a project (AddProjectPartner) or a decision
// (AddDecisionPartner), a lead of the same office before being attached to
// a unit as a prospective buyer (AttachBuyer). A Unit is available →
// reserved (and back) → sold; sold is final. Marking it sold
// (SetUnitStatus) turns every buyer that is still a lead into a client with
// status added, in the same transaction (CON-5); selling twice is a
// conflict naming CON-5.
//
// Impersonation (CON-6): a collaborator of the contact's office starts a
// Session as an invited or active client or partner (StartImpersonation).
// Never an added contact, a lead, an archived contact, a contact whose user
// is a collaborator of the office, nor across offices: the pure predicate
// CanImpersonate says so with a *cabinet.ForbiddenError naming CON-6. The
// session records both identities (Actor and Contact/ContactUser), lasts at
// most SessionLifetime from its start by the service's clock, and ends on
// StopImpersonation. Resolve (pure) and Service.ResolveSession (which also
// re-checks through the Directory that the actor is still a collaborator
// and the contact's user has not become one) turn an active session into
// the effective Subject: later decisions are the
// contact's — never more — and carry the actor (POL-5). Package policy
// composes CanImpersonate, Resolve and the records of this package.
//
// # Rules enforced
//
//   - CON-1 client fields; added → invited → active; CanInvite. Also named
//     by every "not a collaborator of the office" denial (RuleManage).
//   - CON-2 partner fields, companies (existing or created on the spot).
//   - CON-3 lead fields; leads are never invited (CanInvite).
//   - CON-4 only existing partners / leads of the same office are used
//     (CanAddPartner, CanAttachBuyer).
//   - CON-5 a sold unit's buyer leads become clients in the same step.
//   - CON-6 impersonation (CanImpersonate, Session, Resolve).
//   - CON-7 email uniqueness per office, in the service and the store.
//
// # Commands
//
// Every command follows the kernel's flow (see package cabinet): validate
// the input, then one Store.UpdateContacts transaction that reads, checks
// (the exported predicates) and writes, then one event batch. A failed
// command changes nothing and publishes nothing. Facts owned by other
// packages — the actor's profile (Directory, implemented by
// clientgroup.Facts) and whether an email has an account (Accounts,
// implemented by team.Facts) — are read inside the command's transaction,
// with its cabinet.Tx, so the check and the write see one state.
//
// # Decisions (where the specification is silent)
//
//   - Decision: any collaborator of the office, admin or standard, manages
//     its contacts, companies, projects, decisions and units. Others are
//     refused with a *cabinet.ForbiddenError naming CON-1 (RuleManage): the
//     specification has no separate rule ID for "who manages contacts".
//   - Decision: partners have the same lifecycle as clients (added →
//     invited → active): CON-6 speaks of invited and active partners, so
//     they must be invitable. Leads always stay added.
//   - Decision: a contact of another office is reported as not found (an
//     unknown company, contact or unit likewise), never as forbidden, so
//     that nothing leaks across offices; a contact of the right office but
//     the wrong kind, or archived, is refused naming CON-4.
//   - Decision: archiving is a soft delete. An archived contact leaves the
//     default listings, cannot be edited, invited, attached or
//     impersonated, and running sessions impersonating it end (reason
//     "contact_archived"). Its email stays reserved (CON-7 counts archived
//     contacts) so that a re-created person does not silently duplicate it.
//   - Decision: inviting a contact whose email already has an account
//     (Accounts.UserByEmail) links it at once: invited then active, two
//     events in one batch. AccountCreated only activates invited contacts
//     (added ones were never invited), in every office, and is idempotent.
//   - Decision: the email of an invited or active contact may be edited; the
//     link to the user stays (it is by ID). A client converted from a lead
//     without email must get one (EditContact) before InviteContact, which
//     otherwise fails with an *cabinet.InvalidError for "email".
//   - Decision: a unit can be sold from available or reserved, with or
//     without buyers; a sold unit accepts no more buyers. A buyer lead that
//     was archived after being attached is still converted, so that every
//     lead attached to a sold unit is a client. Setting a unit to its
//     current status is a conflict.
//   - Decision: one impersonation session per actor at a time: starting a
//     new one ends the previous (reason "replaced"). Only the session's
//     actor can stop it; stopping a session that has already ended (stopped
//     or expired) is a conflict naming CON-6. SessionLifetime is one hour.
//   - Decision: AccountCreated publishes its batch with the new user as
//     actor (the person whose sign-up caused it).
//
// # Storage
//
// Store is dumb persistence: Reader getters return a *cabinet.NotFoundError
// for a missing record; listings are ordered by ID and paginated with a
// cabinet.Cursor (ContactFilter.Match and SessionFilter.Match are the
// reference filter semantics); Writer.PutContact keeps the CON-7 unique
// index. Package memstore implements it; package contacttest is the
// conformance suite every implementation runs.
package contact
