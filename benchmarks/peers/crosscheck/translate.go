package crosscheck

// The translation layer: cabinet's stored records, read through the store
// Readers, become Cedar entities. It is data only — who is a collaborator,
// an admin, a member of what, which grants exist with which kind, level and
// central flag, which teams hold a referral of which dossier — and never
// decides anything: every rule is in dossier.cedar.
//
// This is the one file to adapt when cabinet's store interfaces change.
//
// Entities built (see dossier.cedar for how the policies read them):
//
//	User::"u"              parents: Office::"o" (collaborator of o), OfficeAdmins::"o"
//	                       (admin profile in o), ClientGroup::"g" (direct collaborator
//	                       of g), CollaboratorGroup::"k" (member of k), Team::"t"
//	                       (member of t, any role)
//	CollaboratorGroup::"k" parents: ClientGroup::"g" for each client group k is assigned to
//	ClientGroup::"g", Team::"t", OfficeAdmins::"o": no attributes
//	Office::"o"            attrs: admins (OfficeAdmins::"o")
//	Dossier::"d"           attrs: office, status ("draft"|"activated"|"archived"),
//	                       manager (absent when unset), assigned (Set<User>),
//	                       clientGroup (absent when none), referralTeams (Set<Team>),
//	                       teamConsent (Bool), grants (record, below)
//
//	grants = { central: {read_only: Set<User>, read_write: Set<User>},
//	           family:  {read_only: ..., read_write: ...},   // non-central persons
//	           advisor: {read_only: ..., read_write: ...} }  // external advisors
//
// Only grants linked to an account (Grant.User set) appear: a grant still
// awaiting its account gives nobody anything.
//
// Decision (cabinet v1 cannot express SPEC v2's one consent switch per
// dossier, TEAM-9 v2: consent lives on each referral today): teamConsent is
// false when any referral of the dossier has revoked consent, true
// otherwise. The property's states keep every referral of a dossier on the
// same consent, as v2's single switch would.

import (
	"context"
	"slices"

	"github.com/cedar-policy/cedar-go/types"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/team"
)

// Stores are the cabinet stores the translation reads. memstore.Store is
// all three.
type Stores interface {
	team.Store
	access.Store
	clientgroup.Store
}

// Cedar entity types of the encoding.
const (
	TypeUser         types.EntityType = "User"
	TypeDossier      types.EntityType = "Dossier"
	TypeOffice       types.EntityType = "Office"
	TypeOfficeAdmins types.EntityType = "OfficeAdmins"
	TypeClientGroup  types.EntityType = "ClientGroup"
	TypeCollabGroup  types.EntityType = "CollaboratorGroup"
	TypeTeam         types.EntityType = "Team"
	TypeAction       types.EntityType = "Action"
)

func uid(t types.EntityType, id string) types.EntityUID {
	return types.NewEntityUID(t, types.String(id))
}

// page is the page size of every listing read.
const page = 1000

func all[T any](list func(after cabinet.Cursor, limit int) ([]T, cabinet.Cursor, error)) ([]T, error) {
	return cabinet.CollectPages(func(after cabinet.Cursor) ([]T, cabinet.Cursor, error) { return list(after, page) })
}

// Translate reads the whole state of s and returns it as Cedar entities.
func Translate(ctx context.Context, s Stores) (types.EntityMap, error) {
	parents := map[types.EntityUID][]types.EntityUID{} // child -> parents
	addParent := func(child, parent types.EntityUID) { parents[child] = append(parents[child], parent) }
	em := types.EntityMap{}
	put := func(id types.EntityUID, attrs types.RecordMap) {
		em[id] = types.Entity{UID: id, Attributes: types.NewRecord(attrs)}
	}

	// Teams: members.
	var refs []team.Referral
	err := s.ViewTeams(ctx, func(r team.Reader) error {
		users, err := all(func(a cabinet.Cursor, n int) ([]cabinet.User, cabinet.Cursor, error) { return r.ListUsers(ctx, a, n) })
		if err != nil {
			return err
		}
		for _, u := range users {
			put(uid(TypeUser, string(u.ID)), nil)
		}
		teams, err := all(func(a cabinet.Cursor, n int) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, t := range teams {
			put(uid(TypeTeam, string(t.ID)), nil)
			for _, m := range t.Members {
				addParent(uid(TypeUser, string(m.User)), uid(TypeTeam, string(t.ID)))
			}
		}
		refs, err = all(func(a cabinet.Cursor, n int) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, a, n)
		})
		return err
	})
	if err != nil {
		return nil, err
	}

	// Client groups: offices, collaborators, groups, memberships, placements.
	placement := map[cabinet.DossierID]cabinet.ClientGroupID{}
	err = s.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		offices, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.Office, cabinet.Cursor, error) {
			return r.Offices(ctx, a, n)
		})
		if err != nil {
			return err
		}
		for _, o := range offices {
			put(uid(TypeOffice, string(o.ID)), types.RecordMap{"admins": uid(TypeOfficeAdmins, string(o.ID))})
			put(uid(TypeOfficeAdmins, string(o.ID)), nil)
		}
		collabs, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, c := range collabs {
			u := uid(TypeUser, string(c.User))
			addParent(u, uid(TypeOffice, string(c.Office)))
			if c.Profile == cabinet.ProfileAdmin {
				addParent(u, uid(TypeOfficeAdmins, string(c.Office)))
			}
		}
		cgroups, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
			return r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, g := range cgroups {
			put(uid(TypeCollabGroup, string(g.ID)), nil)
		}
		members, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.Member, cabinet.Cursor, error) {
			return r.Members(ctx, clientgroup.MemberFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, m := range members {
			addParent(uid(TypeUser, string(m.User)), uid(TypeCollabGroup, string(m.Group)))
		}
		groups, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
			return r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, g := range groups {
			put(uid(TypeClientGroup, string(g.ID)), nil)
		}
		direct, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
			return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, d := range direct {
			addParent(uid(TypeUser, string(d.User)), uid(TypeClientGroup, string(d.ClientGroup)))
		}
		gassign, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
			return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		for _, g := range gassign {
			addParent(uid(TypeCollabGroup, string(g.CollaboratorGroup)), uid(TypeClientGroup, string(g.ClientGroup)))
		}
		place, err := all(func(a cabinet.Cursor, n int) ([]clientgroup.Placement, cabinet.Cursor, error) {
			return r.Placements(ctx, clientgroup.PlacementFilter{}, a, n)
		})
		for _, p := range place {
			placement[p.Dossier] = p.ClientGroup
		}
		return err
	})
	if err != nil {
		return nil, err
	}

	// Access: dossiers and grants.
	err = s.ViewAccess(ctx, func(r access.Reader) error {
		dossiers, err := all(func(a cabinet.Cursor, n int) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		grants, err := all(func(a cabinet.Cursor, n int) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, a, n)
		})
		if err != nil {
			return err
		}
		// grantees[dossier]["central"|"family"|"advisor"]["read_only"|"read_write"]
		grantees := map[cabinet.DossierID]map[string]map[string][]types.Value{}
		for _, g := range grants {
			if g.User == "" {
				continue
			}
			kind := "family"
			switch {
			case g.Kind == access.GranteeAdvisor:
				kind = "advisor"
			case g.Central:
				kind = "central"
			}
			if grantees[g.Dossier] == nil {
				grantees[g.Dossier] = map[string]map[string][]types.Value{}
			}
			if grantees[g.Dossier][kind] == nil {
				grantees[g.Dossier][kind] = map[string][]types.Value{}
			}
			lv := g.Level.String()
			grantees[g.Dossier][kind][lv] = append(grantees[g.Dossier][kind][lv], uid(TypeUser, string(g.User)))
		}
		teamsOf := map[cabinet.DossierID][]types.Value{}
		consent := map[cabinet.DossierID]bool{}
		for _, ref := range refs {
			t := uid(TypeTeam, string(ref.Team))
			if !slices.Contains(teamsOf[ref.Dossier], types.Value(t)) {
				teamsOf[ref.Dossier] = append(teamsOf[ref.Dossier], t)
			}
			if _, seen := consent[ref.Dossier]; !seen {
				consent[ref.Dossier] = true
			}
			if ref.Consent != team.ConsentGiven {
				consent[ref.Dossier] = false
			}
		}
		for _, d := range dossiers {
			assigned := make([]types.Value, 0, len(d.Assigned))
			for _, a := range d.Assigned {
				assigned = append(assigned, uid(TypeUser, string(a)))
			}
			given, ok := consent[d.ID]
			attrs := types.RecordMap{
				"office":        uid(TypeOffice, string(d.Office)),
				"status":        types.String(d.Status.String()),
				"assigned":      types.NewSet(assigned...),
				"referralTeams": types.NewSet(teamsOf[d.ID]...),
				"teamConsent":   types.Boolean(given || !ok),
			}
			if d.Manager != "" {
				attrs["manager"] = uid(TypeUser, string(d.Manager))
			}
			if g, ok := placement[d.ID]; ok {
				attrs["clientGroup"] = uid(TypeClientGroup, string(g))
			}
			byKind := types.RecordMap{}
			for _, kind := range []string{"central", "family", "advisor"} {
				byKind[types.String(kind)] = types.NewRecord(types.RecordMap{
					"read_only":  types.NewSet(grantees[d.ID][kind]["read_only"]...),
					"read_write": types.NewSet(grantees[d.ID][kind]["read_write"]...),
				})
			}
			attrs["grants"] = types.NewRecord(byKind)
			put(uid(TypeDossier, string(d.ID)), attrs)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	for child, ps := range parents {
		e, ok := em[child]
		if !ok {
			e = types.Entity{UID: child, Attributes: types.NewRecord(nil)}
		}
		e.Parents = types.NewEntityUIDSet(ps...)
		em[child] = e
	}
	return em, nil
}
