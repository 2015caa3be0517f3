package contact

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

// Package-local identifiers. They are opaque, never empty when valid, and
// drawn from the service's cabinet.IDGenerator.
type (
	CompanyID  string // a company that partners belong to (CON-2)
	ProjectID  string // a project that partners are added to (CON-4)
	DecisionID string // a decision that partners are added to (CON-4)
	UnitID     string // a property unit in sales (CON-4, CON-5)
	SessionID  string // an impersonation session (CON-6)
)

// Kind is what a contact is to the office. The zero value is invalid.
type Kind uint8

// Kinds.
const (
	KindInvalid Kind = iota
	KindClient       // "client": first name, last name, email required (CON-1)
	KindPartner      // "partner": first name, last name, email required, optional company (CON-2)
	KindLead         // "lead": first and last name only (CON-3)
)

var kindNames = [...]string{"invalid", "client", "partner", "lead"}

// String returns "client", "partner", "lead" or "invalid".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Valid reports whether k is one of the three kinds.
func (k Kind) Valid() bool { return k >= KindClient && k <= KindLead }

// ParseKind returns the kind named s, or an *cabinet.InvalidError for field
// "kind".
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames[1:] {
		if s == n {
			return Kind(i + 1), nil
		}
	}
	return KindInvalid, cabinet.Invalid("kind", "%q is not client, partner or lead", s)
}

// Status is a contact's platform-access state: added → invited → active
// (CON-1). Clients and partners follow it; leads stay added (they are never
// invited). The zero value is invalid.
type Status uint8

// Statuses.
const (
	StatusInvalid Status = iota
	StatusAdded          // "added": known to the office, no platform access
	StatusInvited        // "invited": an invitation was sent, no account yet
	StatusActive         // "active": linked to the user account created for it
)

var statusNames = [...]string{"invalid", "added", "invited", "active"}

// String returns "added", "invited", "active" or "invalid".
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Valid reports whether s is one of the three statuses.
func (s Status) Valid() bool { return s >= StatusAdded && s <= StatusActive }

// ParseStatus returns the status named s, or an *cabinet.InvalidError for
// field "status".
func ParseStatus(s string) (Status, error) {
	for i, n := range statusNames[1:] {
		if s == n {
			return Status(i + 1), nil
		}
	}
	return StatusInvalid, cabinet.Invalid("status", "%q is not added, invited or active", s)
}

// UnitStatus is the sales state of a property unit: available → reserved →
// sold (reserved → available is allowed; sold is final). The zero value is
// invalid.
type UnitStatus uint8

// Unit statuses.
const (
	UnitStatusInvalid   UnitStatus = iota
	UnitStatusAvailable            // "available"
	UnitStatusReserved             // "reserved"
	UnitStatusSold                 // "sold": final; its buyer leads became clients (CON-5)
)

var unitStatusNames = [...]string{"invalid", "available", "reserved", "sold"}

// String returns "available", "reserved", "sold" or "invalid".
func (s UnitStatus) String() string {
	if int(s) < len(unitStatusNames) {
		return unitStatusNames[s]
	}
	return fmt.Sprintf("UnitStatus(%d)", uint8(s))
}

// Valid reports whether s is one of the three unit statuses.
func (s UnitStatus) Valid() bool { return s >= UnitStatusAvailable && s <= UnitStatusSold }

// ParseUnitStatus returns the unit status named s, or an
// *cabinet.InvalidError for field "unit_status".
func ParseUnitStatus(s string) (UnitStatus, error) {
	for i, n := range unitStatusNames[1:] {
		if s == n {
			return UnitStatus(i + 1), nil
		}
	}
	return UnitStatusInvalid, cabinet.Invalid("unit_status", "%q is not available, reserved or sold", s)
}

// Contact is a client, partner or lead known to an office. Records are plain
// values; stores copy them in and out.
type Contact struct {
	ID        cabinet.ContactID
	Office    cabinet.OfficeID
	Kind      Kind
	Status    Status
	FirstName string
	LastName  string
	Email     string         // normalised (cabinet.ParseEmail); "" only for leads and for clients converted from a lead without email
	Phone     string         // E.164 (cabinet.ParsePhone); "" when not given
	Company   CompanyID      // partners only; "" when none
	User      cabinet.UserID // the linked account once active; "" before
	Archived  bool           // archived contacts keep their email reserved (CON-7) and cannot be used
	// Dossier and Person link a client contact to the dossier and the
	// family-tree person it is about (Service.LinkContact), so that the
	// contact, the person's grant and the dossier's referrals tell one story.
	// Both "" when the contact is not linked; Person may be "" for a contact
	// linked to a dossier only.
	Dossier   cabinet.DossierID
	Person    access.PersonID
	CreatedAt time.Time
	UpdatedAt time.Time
	InvitedAt time.Time // last (re-)invitation; zero if never invited
}

// Name returns "First Last".
func (c Contact) Name() string { return c.FirstName + " " + c.LastName }

// Company groups partners (CON-2). A company lists its partners: the
// contacts whose Company is its ID (Reader.ListContacts with
// ContactFilter.Company; Service.CompanyOverview).
type Company struct {
	ID        CompanyID
	Office    cabinet.OfficeID
	Name      string
	CreatedAt time.Time
}

// Project is a piece of work partners are added to; only existing partner
// contacts of the same office can be added (CON-4).
type Project struct {
	ID        ProjectID
	Office    cabinet.OfficeID
	Name      string
	Partners  []cabinet.ContactID // ascending, no duplicates
	CreatedAt time.Time
}

// Decision is a decision partners are added to; only existing partner
// contacts of the same office can be added (CON-4).
type Decision struct {
	ID        DecisionID
	Office    cabinet.OfficeID
	Title     string
	Partners  []cabinet.ContactID // ascending, no duplicates
	CreatedAt time.Time
}

// Unit is a property unit in sales. Only existing leads of the same office
// can be attached to it as prospective buyers (CON-4, Service.AttachLead).
// Marking it sold names its buyers among the attached leads; only they
// become clients, the other attached leads stay leads (CON-5 v2,
// Service.MarkUnitSold).
type Unit struct {
	ID     UnitID
	Office cabinet.OfficeID
	Name   string
	Status UnitStatus
	// Leads are the contacts attached as prospective buyers, ascending, no
	// duplicates. They stay attached after the sale.
	Leads []cabinet.ContactID
	// Buyers are the attached contacts the sale named (CON-5), ascending,
	// a non-empty subset of Leads once sold, nil before.
	Buyers    []cabinet.ContactID
	CreatedAt time.Time
	SoldAt    time.Time // zero unless sold
}

// Attached reports whether contact c is attached to the unit.
func (u Unit) Attached(c cabinet.ContactID) bool {
	_, found := slices.BinarySearch(u.Leads, c)
	return found
}

// Fields is the input of CreateContact and EditContact: what a collaborator
// types in the contact form.
type Fields struct {
	FirstName string
	LastName  string
	Email     string // required for clients and partners (CON-1, CON-2), optional for leads (CON-3)
	Phone     string // optional for every kind; E.164 after cabinet.ParsePhone
	// Company puts a partner in an existing company of the office (CON-2).
	Company CompanyID
	// NewCompany, when not blank, creates a company of that name on the spot
	// and puts the partner in it (CON-2). Company and NewCompany are
	// exclusive.
	NewCompany string
}

// ValidateFields checks f for a contact of kind k and returns it normalised
// (names by cabinet.ParseName, email by cabinet.ParseEmail, phone by
// cabinet.ParsePhone, company name by cabinet.ParseName). Any caller may
// use it. Errors are *cabinet.InvalidError naming the field: "kind",
// "first_name", "last_name", "email", "phone", "company", "new_company".
// It never panics, whatever the input.
func ValidateFields(k Kind, f Fields) (Fields, error) {
	if !k.Valid() {
		return Fields{}, cabinet.Invalid("kind", "%s is not client, partner or lead", k)
	}
	var err error
	out := Fields{}
	if out.FirstName, err = cabinet.ParseName("first_name", f.FirstName); err != nil {
		return Fields{}, err
	}
	if out.LastName, err = cabinet.ParseName("last_name", f.LastName); err != nil {
		return Fields{}, err
	}
	if k == KindLead && strings.TrimSpace(f.Email) == "" {
		out.Email = "" // CON-3: a lead needs first and last name only
	} else if out.Email, err = cabinet.ParseEmail("email", f.Email); err != nil {
		return Fields{}, err
	}
	if strings.TrimSpace(f.Phone) != "" {
		if out.Phone, err = cabinet.ParsePhone("phone", f.Phone); err != nil {
			return Fields{}, err
		}
	}
	company := CompanyID(strings.TrimSpace(string(f.Company)))
	newCompany := strings.TrimSpace(f.NewCompany)
	if k != KindPartner {
		if company != "" {
			return Fields{}, cabinet.Invalid("company", "only partners belong to a company (CON-2)")
		}
		if newCompany != "" {
			return Fields{}, cabinet.Invalid("new_company", "only partners belong to a company (CON-2)")
		}
		return out, nil
	}
	if company != "" && newCompany != "" {
		return Fields{}, cabinet.Invalid("company", "give an existing company or a new company name, not both")
	}
	out.Company = company
	if newCompany != "" {
		if out.NewCompany, err = cabinet.ParseName("new_company", newCompany); err != nil {
			return Fields{}, err
		}
	}
	return out, nil
}
