package access

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// Package-local identifiers.
type (
	PersonID  string // a person of a dossier's family tree
	AdvisorID string // an external advisor registered in a dossier
	GrantID   string // an access grant to a person or an advisor
)

// enumString and parseEnum implement String and Parse for the package's
// uint8 enums, whose names[0] is "invalid".
func enumString(names []string, typ string, v uint8) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

func parseEnum(names []string, field, s string) (uint8, error) {
	for i, n := range names[1:] {
		if s == n {
			return uint8(i + 1), nil
		}
	}
	return 0, cabinet.Invalid(field, "%q is not one of %s", s, strings.Join(names[1:], ", "))
}

// Section is a part of a dossier that can be viewed and edited.
// The zero value is invalid.
type Section uint8

// Sections.
const (
	SectionInvalid           Section = iota
	SectionFamilyStructure           // "family_structure"
	SectionAssetInventory            // "asset_inventory"
	SectionDonationInventory         // "donation_inventory"
	SectionDocuments                 // "documents"
	SectionNotes                     // "notes"
)

var sectionNames = []string{"invalid", "family_structure", "asset_inventory", "donation_inventory", "documents", "notes"}

// Sections lists every valid section, in order.
func Sections() []Section {
	return []Section{SectionFamilyStructure, SectionAssetInventory, SectionDonationInventory, SectionDocuments, SectionNotes}
}

// String returns the section's name, e.g. "family_structure".
func (s Section) String() string { return enumString(sectionNames, "Section", uint8(s)) }

// Valid reports whether s is one of the five sections.
func (s Section) Valid() bool { return s >= SectionFamilyStructure && s <= SectionNotes }

// OpenTo reports whether a read_write grant of kind k may edit s: for an
// external advisor family_structure, asset_inventory and
// donation_inventory (ACC-10); for a person of the family tree, central or
// not, those three and documents (ACC-11 v2). The office's notes are never
// open to grantees; an invalid kind opens nothing.
func (s Section) OpenTo(k GranteeKind) bool {
	switch k {
	case GranteeAdvisor:
		return s == SectionFamilyStructure || s == SectionAssetInventory || s == SectionDonationInventory
	case GranteePerson:
		return s == SectionFamilyStructure || s == SectionAssetInventory || s == SectionDonationInventory || s == SectionDocuments
	}
	return false
}

// ParseSection returns the section named s, or an *cabinet.InvalidError for
// field "section".
func ParseSection(s string) (Section, error) {
	v, err := parseEnum(sectionNames, "section", s)
	return Section(v), err
}

// Tool is a dossier tool. The zero value is invalid.
type Tool uint8

// Tools.
const (
	ToolInvalid     Tool = iota
	ToolSimulations      // "simulations"
	ToolReports          // "reports"
)

var toolNames = []string{"invalid", "simulations", "reports"}

// Tools lists every valid tool.
func Tools() []Tool { return []Tool{ToolSimulations, ToolReports} }

// String returns "simulations", "reports" or "invalid".
func (t Tool) String() string { return enumString(toolNames, "Tool", uint8(t)) }

// Valid reports whether t is a known tool.
func (t Tool) Valid() bool { return t == ToolSimulations || t == ToolReports }

// ParseTool returns the tool named s, or an *cabinet.InvalidError for field
// "tool".
func ParseTool(s string) (Tool, error) {
	v, err := parseEnum(toolNames, "tool", s)
	return Tool(v), err
}

// Relation is a person's place in the family tree (ACC-2). The zero value is
// invalid.
type Relation uint8

// Relations.
const (
	RelationInvalid  Relation = iota
	RelationHolder            // "holder": a central person
	RelationCoHolder          // "co_holder": a central person
	RelationSpouse            // "spouse"
	RelationChild             // "child"
	RelationParent            // "parent"
	RelationOther             // "other"
)

var relationNames = []string{"invalid", "holder", "co_holder", "spouse", "child", "parent", "other"}

// Relations lists every valid relation.
func Relations() []Relation {
	return []Relation{RelationHolder, RelationCoHolder, RelationSpouse, RelationChild, RelationParent, RelationOther}
}

// String returns the relation's name, e.g. "co_holder".
func (r Relation) String() string { return enumString(relationNames, "Relation", uint8(r)) }

// Valid reports whether r is one of the six relations.
func (r Relation) Valid() bool { return r >= RelationHolder && r <= RelationOther }

// Central reports whether r makes a person central: holder or co-holder
// (ACC-2).
func (r Relation) Central() bool { return r == RelationHolder || r == RelationCoHolder }

// ParseRelation returns the relation named s, or an *cabinet.InvalidError for
// field "relation".
func ParseRelation(s string) (Relation, error) {
	v, err := parseEnum(relationNames, "relation", s)
	return Relation(v), err
}

// Level is what a grant allows (ACC-4). The zero value is invalid.
type Level uint8

// Levels.
const (
	LevelInvalid   Level = iota
	LevelReadOnly        // "read_only": view only
	LevelReadWrite       // "read_write": view, and edit the three open sections
)

var levelNames = []string{"invalid", "read_only", "read_write"}

// String returns "read_only", "read_write" or "invalid".
func (l Level) String() string { return enumString(levelNames, "Level", uint8(l)) }

// Valid reports whether l is read_only or read_write.
func (l Level) Valid() bool { return l == LevelReadOnly || l == LevelReadWrite }

// ParseLevel returns the level named s, or an *cabinet.InvalidError for field
// "level".
func ParseLevel(s string) (Level, error) {
	v, err := parseEnum(levelNames, "level", s)
	return Level(v), err
}

// AdvisorType is the profession of an external advisor (ACC-8). The zero
// value is invalid.
type AdvisorType uint8

// Advisor types.
const (
	AdvisorTypeInvalid AdvisorType = iota
	AdvisorBanker                  // "banker"
	AdvisorNotary                  // "notary"
	AdvisorLawyer                  // "lawyer"
	AdvisorAccountant              // "accountant"
	AdvisorInsurer                 // "insurer"
	AdvisorOther                   // "other"
)

var advisorTypeNames = []string{"invalid", "banker", "notary", "lawyer", "accountant", "insurer", "other"}

// String returns the type's name, e.g. "notary".
func (t AdvisorType) String() string { return enumString(advisorTypeNames, "AdvisorType", uint8(t)) }

// Valid reports whether t is one of the six types.
func (t AdvisorType) Valid() bool { return t >= AdvisorBanker && t <= AdvisorOther }

// ParseAdvisorType returns the type named s, or an *cabinet.InvalidError for
// field "type".
func ParseAdvisorType(s string) (AdvisorType, error) {
	v, err := parseEnum(advisorTypeNames, "type", s)
	return AdvisorType(v), err
}

// GranteeKind says whether a grant is held by a person of the family tree
// or by a registered external advisor. The zero value is invalid.
type GranteeKind uint8

// Grantee kinds.
const (
	GranteeInvalid GranteeKind = iota
	GranteePerson              // "person": a person of the family tree (ACC-2, ACC-11)
	GranteeAdvisor             // "advisor": an external advisor (ACC-8, ACC-10)
)

var granteeKindNames = []string{"invalid", "person", "advisor"}

// String returns "person", "advisor" or "invalid".
func (k GranteeKind) String() string { return enumString(granteeKindNames, "GranteeKind", uint8(k)) }

// Valid reports whether k is GranteePerson or GranteeAdvisor.
func (k GranteeKind) Valid() bool { return k == GranteePerson || k == GranteeAdvisor }

// AccessState is the state of one person's or advisor's access in the
// "Droits d'accès" tab (seed 001). The zero value is invalid.
type AccessState uint8

// Access states.
const (
	AccessInvalid AccessState = iota
	AccessNone                // "none": no grant
	AccessInvited             // "invited": granted, no account linked yet (ACC-5 reminders run)
	AccessActive              // "active": granted and linked to an account
)

var accessStateNames = []string{"invalid", "none", "invited", "active"}

// String returns "none", "invited", "active" or "invalid".
func (s AccessState) String() string { return enumString(accessStateNames, "AccessState", uint8(s)) }

// Valid reports whether s is one of the three states.
func (s AccessState) Valid() bool { return s >= AccessNone && s <= AccessActive }

// ParseAccessState returns the state named s, or an *cabinet.InvalidError
// for field "state".
func ParseAccessState(s string) (AccessState, error) {
	v, err := parseEnum(accessStateNames, "state", s)
	return AccessState(v), err
}

// PersonAccess is one line of the family tree in the "Droits d'accès" tab:
// the person and their grant. Grant is the zero Grant when State is
// AccessNone.
type PersonAccess struct {
	Person Person
	State  AccessState
	Grant  Grant
}

// AdvisorAccess is one registered external advisor in the "Droits
// d'accès" tab, with their grant (the zero Grant when State is AccessNone).
type AdvisorAccess struct {
	Advisor Advisor
	State   AccessState
	Grant   Grant
}

// Dossier is a client file. Office never changes after creation.
type Dossier struct {
	ID        cabinet.DossierID
	Office    cabinet.OfficeID
	Name      string
	Status    cabinet.DossierStatus
	Manager   cabinet.UserID   // "" when unset
	Assigned  []cabinet.UserID // ascending, never contains Manager
	CreatedBy cabinet.UserID
	CreatedAt time.Time
}

// Facts returns the dossier as the other packages see it.
func (d Dossier) Facts() cabinet.DossierFacts {
	return cabinet.DossierFacts{
		ID: d.ID, Office: d.Office, Status: d.Status, Manager: d.Manager,
		Assigned: slices.Clone(d.Assigned),
	}
}

// IsManager reports whether u is the dossier's manager (never true for "").
func (d Dossier) IsManager(u cabinet.UserID) bool { return u != "" && d.Manager == u }

// IsAssigned reports whether u is one of the dossier's assigned collaborators.
func (d Dossier) IsAssigned(u cabinet.UserID) bool {
	_, ok := slices.BinarySearch(d.Assigned, u)
	return u != "" && ok
}

// Person is a member of a dossier's family tree (ACC-2).
type Person struct {
	ID        PersonID
	Dossier   cabinet.DossierID
	Name      string
	Relation  Relation
	CreatedAt time.Time
}

// Advisor is an external advisor registered in a dossier (ACC-8).
// Registering gives no access; a grant does. While the advisor's grant has
// no account linked, Email and Phone are the grant's contact details and
// change with it (ACC-3); once linked, they are fixed.
type Advisor struct {
	ID      AdvisorID
	Dossier cabinet.DossierID
	Name    string
	Email   string // normalised by cabinet.ParseEmail
	Phone   string // E.164, by cabinet.ParsePhone
	Type    AdvisorType
	// Label is the profession as the office writes it ("banquier privé",
	// "commissaire aux comptes", …): required for AdvisorOther, empty for
	// the named types (the list of professions is open, ACC-8).
	Label     string
	CreatedAt time.Time
}

// Grant is the access of one person of the tree or one registered advisor
// to a dossier. A revoked grant is deleted.
type Grant struct {
	ID      GrantID
	Dossier cabinet.DossierID
	Office  cabinet.OfficeID // the dossier's office, for convenience
	Kind    GranteeKind
	Person  PersonID  // set when Kind == GranteePerson
	Advisor AdvisorID // set when Kind == GranteeAdvisor
	// Central is true for a grant to a holder or co-holder (ACC-6, ACC-7);
	// the service keeps it in step with the person's relation.
	Central bool
	Email   string // normalised by cabinet.ParseEmail
	Phone   string // E.164, by cabinet.ParsePhone
	Level   Level
	// User is the grantee's account: set at grant time when the email
	// already has one, else when the account is created (AccountCreated).
	User      cabinet.UserID
	GrantedBy cabinet.UserID
	GrantedAt time.Time
	// InvitedAt is when the invitation was issued (ACC-5); zero when the
	// grantee already had an account and was only notified.
	InvitedAt time.Time
	// Reminders is the number of the last reminder handled: 0 none, 1 the
	// 7-day one, 2 the 30-day one.
	Reminders uint8
	// ExpiresAt is when an external advisor's grant stops opening any
	// route (issue 16, an extension of SPEC v2): the grant allows nothing
	// from that instant on (Expired), with no command. Zero means no
	// expiry; a person's grant never has one. An expired grant stays
	// stored, and listed with its expiry, until it is revoked or replaced
	// (GrantAdvisorUntil).
	ExpiresAt time.Time
}

// Expired reports whether g has an expiry and now is at or after it: the
// grant then opens no route and allows nothing (issue 16). A grant is live
// iff its ExpiresAt is zero or now is before it.
func (g Grant) Expired(now time.Time) bool {
	return !g.ExpiresAt.IsZero() && !now.Before(g.ExpiresAt)
}

// LiveGrants returns the grants of gs that have not expired at now (see
// Grant.Expired): gs itself when none has, else a new slice. Package policy
// and the service filter the grants a subject holds with it.
func LiveGrants(gs []Grant, now time.Time) []Grant {
	for i := range gs {
		if gs[i].Expired(now) {
			out := slices.Clone(gs[:i])
			for _, g := range gs[i+1:] {
				if !g.Expired(now) {
					out = append(out, g)
				}
			}
			return out
		}
	}
	return gs
}

// State returns AccessActive when an account is linked to g, else
// AccessInvited.
func (g Grant) State() AccessState {
	if g.User != "" {
		return AccessActive
	}
	return AccessInvited
}

// AwaitingAccount reports whether g's grantee was invited and has no
// account yet, with a reminder still to come (ACC-5).
func (g Grant) AwaitingAccount() bool {
	return g.User == "" && !g.InvitedAt.IsZero() && g.Reminders < 2
}

// The delays after the invitation at which the two reminders are due (ACC-5).
const (
	FirstReminderDelay  = 7 * 24 * time.Hour
	SecondReminderDelay = 30 * 24 * time.Hour
)

// reminderAt returns the number of the latest reminder due for g at now
// (0 none, 1 the 7-day, 2 the 30-day one), whether or not it was sent.
func (g Grant) reminderAt(now time.Time) uint8 {
	switch {
	case g.InvitedAt.IsZero():
		return 0
	case !now.Before(g.InvitedAt.Add(SecondReminderDelay)):
		return 2
	case !now.Before(g.InvitedAt.Add(FirstReminderDelay)):
		return 1
	}
	return 0
}
