package contact

import (
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// ContactCreated: a contact was added (CON-1, CON-2, CON-3). Status is
// always added.
type ContactCreated struct {
	Office    cabinet.OfficeID
	Contact   cabinet.ContactID
	Kind      Kind
	Status    Status
	FirstName string
	LastName  string
	Email     string
	Phone     string
	Company   CompanyID
}

// ContactEdited: a contact's details changed; the values are the new ones,
// PreviousCompany the company it was in before ("" if none).
type ContactEdited struct {
	Office          cabinet.OfficeID
	Contact         cabinet.ContactID
	FirstName       string
	LastName        string
	Email           string
	Phone           string
	Company         CompanyID
	PreviousCompany CompanyID
}

// ContactLinked: a client contact was linked to a dossier and, when Person
// is not "", to that person of its family tree (issue 12, seed 002).
// PreviousDossier and PreviousPerson are the link it replaced ("" when it
// had none).
type ContactLinked struct {
	Office          cabinet.OfficeID
	Contact         cabinet.ContactID
	Dossier         cabinet.DossierID
	Person          access.PersonID
	PreviousDossier cabinet.DossierID
	PreviousPerson  access.PersonID
}

// ContactUnlinked: a contact's link to a dossier (and person) was removed.
type ContactUnlinked struct {
	Office  cabinet.OfficeID
	Contact cabinet.ContactID
	Dossier cabinet.DossierID
	Person  access.PersonID
}

// ContactArchived: a contact was archived. Sessions impersonating it end
// (their events follow in the same batch).
type ContactArchived struct {
	Office  cabinet.OfficeID
	Contact cabinet.ContactID
}

// ContactInvited: the host must send an invitation to Email (CON-1). Resent
// is true when the contact was already invited.
type ContactInvited struct {
	Office  cabinet.OfficeID
	Contact cabinet.ContactID
	Kind    Kind
	Email   string
	Resent  bool
}

// ContactActivated: the contact is now active and linked to User (CON-1),
// because the person created an account or already had one when invited.
type ContactActivated struct {
	Office  cabinet.OfficeID
	Contact cabinet.ContactID
	User    cabinet.UserID
}

// ContactKindChanged: a lead became a client because a unit it was buying
// was sold (CON-5). Status is added.
type ContactKindChanged struct {
	Office  cabinet.OfficeID
	Contact cabinet.ContactID
	Unit    UnitID
	From    Kind
	To      Kind
	Status  Status
}

// CompanyCreated: a company was created (CON-2).
type CompanyCreated struct {
	Office  cabinet.OfficeID
	Company CompanyID
	Name    string
}

// PartnerAttached: a partner was put in a company (CON-2). Previous is the
// company it left, "" if none.
type PartnerAttached struct {
	Office   cabinet.OfficeID
	Company  CompanyID
	Contact  cabinet.ContactID
	Previous CompanyID
}

// PartnerDetached: a partner left its company (edit without company).
type PartnerDetached struct {
	Office  cabinet.OfficeID
	Company CompanyID
	Contact cabinet.ContactID
}

// ProjectCreated: a project was created.
type ProjectCreated struct {
	Office  cabinet.OfficeID
	Project ProjectID
	Name    string
}

// ProjectPartnerAdded: a partner contact was added to a project (CON-4).
type ProjectPartnerAdded struct {
	Office  cabinet.OfficeID
	Project ProjectID
	Contact cabinet.ContactID
}

// DecisionCreated: a decision was created.
type DecisionCreated struct {
	Office   cabinet.OfficeID
	Decision DecisionID
	Title    string
}

// DecisionPartnerAdded: a partner contact was added to a decision (CON-4).
type DecisionPartnerAdded struct {
	Office   cabinet.OfficeID
	Decision DecisionID
	Contact  cabinet.ContactID
}

// UnitCreated: a property unit was created, available.
type UnitCreated struct {
	Office cabinet.OfficeID
	Unit   UnitID
	Name   string
	Status UnitStatus
}

// LeadAttached: a lead was attached to a unit as a prospective buyer (CON-4).
type LeadAttached struct {
	Office  cabinet.OfficeID
	Unit    UnitID
	Contact cabinet.ContactID
}

// UnitStatusChanged: a unit moved From → To. When To is sold
// (MarkUnitSold), the ContactKindChanged events of the converted buyers and
// a UnitSold event follow in the same batch.
type UnitStatusChanged struct {
	Office cabinet.OfficeID
	Unit   UnitID
	From   UnitStatus
	To     UnitStatus
}

// UnitSold: a unit was sold to Buyers, the attached contacts the sale named
// (CON-5 v2). Converted lists the buyers that were leads and became
// clients, each also reported by a ContactKindChanged event; Remaining the
// attached contacts the sale did not name, which stay as they were (leads
// stay leads). All three ascending.
type UnitSold struct {
	Office    cabinet.OfficeID
	Unit      UnitID
	Buyers    []cabinet.ContactID
	Converted []cabinet.ContactID
	Remaining []cabinet.ContactID
	SoldAt    time.Time
}

// ImpersonationStarted: Actor now sees the platform as Contact (CON-6).
type ImpersonationStarted struct {
	Office      cabinet.OfficeID
	Session     SessionID
	Actor       cabinet.UserID
	Contact     cabinet.ContactID
	ContactUser cabinet.UserID
	StartedAt   time.Time
	ExpiresAt   time.Time
}

// ImpersonationStopped: the session was stopped (CON-6): Actor is back to
// their own identity. Reason is "stopped" (by the actor), "replaced" (the
// actor started another session), "contact_archived", or
// "collaborator_removed" (Service.CollaboratorRemoved, in the removal's
// transaction). A session ends when its actor leaves the office even
// without this event (CanUseSession).
type ImpersonationStopped struct {
	Office      cabinet.OfficeID
	Session     SessionID
	Actor       cabinet.UserID
	Contact     cabinet.ContactID
	ContactUser cabinet.UserID
	StoppedAt   time.Time
	Reason      string
}

// EventName returns "contact.contact_created".
func (ContactCreated) EventName() string { return "contact.contact_created" }

// EventName returns "contact.contact_edited".
func (ContactEdited) EventName() string { return "contact.contact_edited" }

// EventName returns "contact.contact_archived".
func (ContactArchived) EventName() string { return "contact.contact_archived" }

// EventName returns "contact.contact_invited".
func (ContactInvited) EventName() string { return "contact.contact_invited" }

// EventName returns "contact.contact_activated".
func (ContactActivated) EventName() string { return "contact.contact_activated" }

// EventName returns "contact.contact_linked".
func (ContactLinked) EventName() string { return "contact.contact_linked" }

// EventName returns "contact.contact_unlinked".
func (ContactUnlinked) EventName() string { return "contact.contact_unlinked" }

// EventName returns "contact.contact_kind_changed".
func (ContactKindChanged) EventName() string { return "contact.contact_kind_changed" }

// EventName returns "contact.company_created".
func (CompanyCreated) EventName() string { return "contact.company_created" }

// EventName returns "contact.partner_attached".
func (PartnerAttached) EventName() string { return "contact.partner_attached" }

// EventName returns "contact.partner_detached".
func (PartnerDetached) EventName() string { return "contact.partner_detached" }

// EventName returns "contact.project_created".
func (ProjectCreated) EventName() string { return "contact.project_created" }

// EventName returns "contact.project_partner_added".
func (ProjectPartnerAdded) EventName() string { return "contact.project_partner_added" }

// EventName returns "contact.decision_created".
func (DecisionCreated) EventName() string { return "contact.decision_created" }

// EventName returns "contact.decision_partner_added".
func (DecisionPartnerAdded) EventName() string { return "contact.decision_partner_added" }

// EventName returns "contact.unit_created".
func (UnitCreated) EventName() string { return "contact.unit_created" }

// EventName returns "contact.lead_attached".
func (LeadAttached) EventName() string { return "contact.lead_attached" }

// EventName returns "contact.unit_status_changed".
func (UnitStatusChanged) EventName() string { return "contact.unit_status_changed" }

// EventName returns "contact.unit_sold".
func (UnitSold) EventName() string { return "contact.unit_sold" }

// EventName returns "contact.impersonation_started".
func (ImpersonationStarted) EventName() string { return "contact.impersonation_started" }

// EventName returns "contact.impersonation_stopped".
func (ImpersonationStopped) EventName() string { return "contact.impersonation_stopped" }

// EventTypes returns the zero value of every event type of the package, in
// declaration order: hosts use it to register decoders, tests to check that
// every EventName is "contact." + the snake_case type name.
func EventTypes() []cabinet.Event {
	return []cabinet.Event{
		ContactCreated{}, ContactEdited{}, ContactLinked{}, ContactUnlinked{}, ContactArchived{},
		ContactInvited{}, ContactActivated{}, ContactKindChanged{},
		CompanyCreated{}, PartnerAttached{}, PartnerDetached{},
		ProjectCreated{}, ProjectPartnerAdded{}, DecisionCreated{}, DecisionPartnerAdded{},
		UnitCreated{}, LeadAttached{}, UnitStatusChanged{}, UnitSold{},
		ImpersonationStarted{}, ImpersonationStopped{},
	}
}
