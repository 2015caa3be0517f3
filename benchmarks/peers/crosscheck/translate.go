package crosscheck

// The translation layer: cabinet's stored records, read through the store
// Readers, become Cedar entities. It is data only — who is a collaborator,
// an admin, a member of what, which teams are pending, which grants exist
// with which kind, level and central flag, which referrals (team,
// referrer) a dossier has, its consent switch, its status — and never
// decides anything: every rule is in dossier.cedar.
//
// This is the one file to adapt when cabinet's store interfaces change.
//
// Entities built (see dossier.cedar for how the policies read them):
//
//	User::"u"              attrs: personalTeam (Team, absent when none)
//	                       parents: Office::"o" (collaborator of o), OfficeAdmins::"o"
//	                       (admin profile in o), ClientGroup::"g" (direct collaborator
//	                       of g), CollaboratorGroup::"k" (member of k), Team::"t"
//	                       (member of t, any role)
//	CollaboratorGroup::"k" parents: ClientGroup::"g" for each client group k is assigned to
//	ClientGroup::"g"       attrs: office
//	Team::"t"              attrs: personal (Bool), pending (Bool, TEAM-1)
//	Office::"o"            attrs: admins (OfficeAdmins::"o")
//	OfficeAdmins::"o"      no attributes
//	Referral::"r"          attrs: team, referrer (User), dossier
//	Dossier::"d"           attrs: office, status ("draft"|"activated"|"archived"),
//	                       manager (absent when unset), assigned (Set<User>),
//	                       clientGroup (absent when none), referrals (Set<Referral>),
//	                       teamConsent (Bool: its consent switch, TEAM-9), grants
//	                       (record, below)
//
//	grants = { central: {read_only: Set<User>, read_write: Set<User>},
//	           family:  {read_only: ..., read_write: ...},   // non-central persons
//	           advisor: {read_only: ..., read_write: ...} }  // external advisors
//
// Only grants linked to an account (Grant.User set) appear: a grant still
// awaiting its account gives nobody anything. A dossier without a
// team.DossierConsent record has consent given (TEAM-9 v2, the store's
// default).
//
// Two attributes of Dossier are not data but derived by dossier.cedar
// itself (Derive, cedar.go): sharers and sharingTeams (and editingTeams,
// fullTeams with their sharer sets). Translate leaves
// them out; Entities adds them.

import (
	"context"

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
	TypeReferral     types.EntityType = "Referral"
	TypeAction       types.EntityType = "Action"
)

func uid(t types.EntityType, id string) types.EntityUID {
	return types.NewEntityUID(t, types.String(id))
}

// Translate reads the whole state of s and returns it as Cedar entities
// (data only, without the derived attributes: see Entities).
func Translate(ctx context.Context, s Stores) (types.EntityMap, error) {
	parents := map[types.EntityUID][]types.EntityUID{} // child -> parents
	addParent := func(child, parent types.EntityUID) { parents[child] = append(parents[child], parent) }
	em := types.EntityMap{}
	put := func(id types.EntityUID, attrs types.RecordMap) {
		em[id] = types.Entity{UID: id, Attributes: types.NewRecord(attrs)}
	}

	// Teams: accounts, members, pending teams, referrals, consent.
	var refs []team.Referral
	revoked := map[cabinet.DossierID]bool{}
	err := s.ViewTeams(ctx, func(r team.Reader) error {
		users, err := cabinet.All(ctx, r.ListUsers)
		if err != nil {
			return err
		}
		teams, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, p)
		})
		if err != nil {
			return err
		}
		personal := map[cabinet.UserID]cabinet.TeamID{}
		for _, t := range teams {
			put(uid(TypeTeam, string(t.ID)), types.RecordMap{"personal": types.Boolean(t.Personal), "pending": types.Boolean(t.Pending)})
			if t.Personal {
				personal[t.Owner] = t.ID
			}
			for _, m := range t.Members {
				addParent(uid(TypeUser, string(m.User)), uid(TypeTeam, string(t.ID)))
			}
		}
		for _, u := range users {
			attrs := types.RecordMap{}
			if t, ok := personal[u.ID]; ok {
				attrs["personalTeam"] = uid(TypeTeam, string(t))
			}
			put(uid(TypeUser, string(u.ID)), attrs)
		}
		refs, err = cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, p)
		})
		if err != nil {
			return err
		}
		consents, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.DossierConsent, cabinet.Cursor, error) {
			return r.ListDossierConsents(ctx, team.ConsentFilter{}, p)
		})
		for _, c := range consents {
			revoked[c.Dossier] = c.State != team.ConsentGiven
		}
		return err
	})
	if err != nil {
		return nil, err
	}

	// Client groups: offices, collaborators, groups, memberships, placements.
	placement := map[cabinet.DossierID]cabinet.ClientGroupID{}
	err = s.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		offices, err := cabinet.All(ctx, r.Offices)
		if err != nil {
			return err
		}
		for _, o := range offices {
			put(uid(TypeOffice, string(o.ID)), types.RecordMap{"admins": uid(TypeOfficeAdmins, string(o.ID))})
			put(uid(TypeOfficeAdmins, string(o.ID)), nil)
		}
		collabs, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, p)
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
		cgroups, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
			return r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, g := range cgroups {
			put(uid(TypeCollabGroup, string(g.ID)), nil)
		}
		members, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Member, cabinet.Cursor, error) {
			return r.Members(ctx, clientgroup.MemberFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, m := range members {
			addParent(uid(TypeUser, string(m.User)), uid(TypeCollabGroup, string(m.Group)))
		}
		groups, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
			return r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, g := range groups {
			put(uid(TypeClientGroup, string(g.ID)), types.RecordMap{"office": uid(TypeOffice, string(g.Office))})
		}
		direct, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
			return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, d := range direct {
			addParent(uid(TypeUser, string(d.User)), uid(TypeClientGroup, string(d.ClientGroup)))
		}
		gassign, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
			return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, p)
		})
		if err != nil {
			return err
		}
		for _, g := range gassign {
			addParent(uid(TypeCollabGroup, string(g.CollaboratorGroup)), uid(TypeClientGroup, string(g.ClientGroup)))
		}
		place, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
			return r.Placements(ctx, clientgroup.PlacementFilter{}, p)
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
		dossiers, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, p)
		})
		if err != nil {
			return err
		}
		grants, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, p)
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
		refsOf := map[cabinet.DossierID][]types.Value{}
		for _, ref := range refs {
			id := uid(TypeReferral, string(ref.ID))
			put(id, types.RecordMap{
				"team":     uid(TypeTeam, string(ref.Team)),
				"referrer": uid(TypeUser, string(ref.Referrer)),
				"dossier":  uid(TypeDossier, string(ref.Dossier)),
			})
			refsOf[ref.Dossier] = append(refsOf[ref.Dossier], id)
		}
		for _, d := range dossiers {
			assigned := make([]types.Value, 0, len(d.Assigned))
			for _, a := range d.Assigned {
				assigned = append(assigned, uid(TypeUser, string(a)))
			}
			attrs := types.RecordMap{
				"office":      uid(TypeOffice, string(d.Office)),
				"status":      types.String(d.Status.String()),
				"assigned":    types.NewSet(assigned...),
				"referrals":   types.NewSet(refsOf[d.ID]...),
				"teamConsent": types.Boolean(!revoked[d.ID]),
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
