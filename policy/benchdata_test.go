package policy_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/team"
)

// benchSize describes one generated state of the benchmarks.
type benchSize struct {
	name          string
	users         int // collaborators of the single office, ~2% admins
	dossiers      int
	clientGroups  int
	collabGroups  int // collaborator groups of ~membersPerGroup members each
	teams         int // small advisor teams, each with a few referrals
	grants        int // person grants to client accounts (not collaborators)
	seed          uint64
	membersPerGrp int
}

var (
	sizeSmall = benchSize{
		name: "small", users: 1_000, dossiers: 10_000, clientGroups: 100, collabGroups: 20,
		teams: 10, grants: 100, seed: 1, membersPerGrp: 20,
	}
	sizeLarge = benchSize{
		name: "large", users: 10_000, dossiers: 1_000_000, clientGroups: 5_000, collabGroups: 1_000,
		teams: 50, grants: 1_000, seed: 2, membersPerGrp: 20,
	}
)

const (
	benchOffice    cabinet.OfficeID = "o_bench"
	directPerCG                     = 3 // direct collaborators per client group
	cgroupsPerCG                    = 2 // collaborator groups assigned per client group
	batchRows                       = 10_000
	groupedShare                    = 0.9 // share of dossiers placed in a client group
	adminEvery                      = 50  // every 50th user is an admin: 2%
	referralsPerTm                  = 10
)

var benchEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// world is the generated state as plain records, before it is written to a
// store. The baseline is built from it.
type world struct {
	users    []cabinet.User
	collabs  []clientgroup.Collaborator
	cgroups  []clientgroup.CollaboratorGroup
	members  []clientgroup.Member
	groups   []clientgroup.ClientGroup
	direct   []clientgroup.DirectAssignment
	gassign  []clientgroup.GroupAssignment
	place    []clientgroup.Placement
	dossiers []access.Dossier
	persons  []access.Person
	grants   []access.Grant
	teams    []team.Team
	refs     []team.Referral

	standard []cabinet.UserID // standard-profile collaborators
}

func userID(i int) cabinet.UserID       { return cabinet.UserID(fmt.Sprintf("u%06d", i)) }
func dossierID(i int) cabinet.DossierID { return cabinet.DossierID(fmt.Sprintf("d%07d", i)) }
func clientGroupID(i int) cabinet.ClientGroupID {
	return cabinet.ClientGroupID(fmt.Sprintf("g%05d", i))
}
func cgroupID(i int) cabinet.CollaboratorGroupID {
	return cabinet.CollaboratorGroupID(fmt.Sprintf("k%05d", i))
}
func clientUserID(i int) cabinet.UserID { return cabinet.UserID(fmt.Sprintf("c%06d", i)) }
func teamID(i int) cabinet.TeamID       { return cabinet.TeamID(fmt.Sprintf("t%04d", i)) }
func referralID(i, j int) cabinet.ReferralID {
	return cabinet.ReferralID(fmt.Sprintf("r%04d_%02d", i, j))
}
func isAdminIndex(i int) bool                   { return i%adminEvery == 0 }
func pickDistinct(r *rand.Rand, n, k int) []int { return r.Perm(n)[:k] }
func benchEmail(u cabinet.UserID) string        { return string(u) + "@bench.example" }
func personID(i int) access.PersonID            { return access.PersonID(fmt.Sprintf("p%06d", i)) }
func grantID(i int) access.GrantID              { return access.GrantID(fmt.Sprintf("a%06d", i)) }

// generate builds the world of size sz, deterministically from sz.seed.
func generate(sz benchSize) *world {
	r := rand.New(rand.NewPCG(sz.seed, 0xcab1))
	w := &world{}

	w.users = make([]cabinet.User, 0, sz.users+sz.grants)
	w.collabs = make([]clientgroup.Collaborator, 0, sz.users)
	for i := range sz.users {
		u := userID(i)
		w.users = append(w.users, cabinet.User{ID: u, DisplayName: string(u), Email: benchEmail(u), CreatedAt: benchEpoch})
		p := cabinet.ProfileStandard
		if isAdminIndex(i) {
			p = cabinet.ProfileAdmin
		} else {
			w.standard = append(w.standard, u)
		}
		w.collabs = append(w.collabs, clientgroup.Collaborator{Office: benchOffice, User: u, Profile: p, AddedAt: benchEpoch})
	}

	// Collaborator groups: membersPerGrp distinct standard collaborators each.
	for i := range sz.collabGroups {
		g := cgroupID(i)
		w.cgroups = append(w.cgroups, clientgroup.CollaboratorGroup{ID: g, Office: benchOffice, Name: string(g), CreatedAt: benchEpoch})
		for _, j := range pickDistinct(r, len(w.standard), min(sz.membersPerGrp, len(w.standard))) {
			w.members = append(w.members, clientgroup.Member{Group: g, Office: benchOffice, User: w.standard[j]})
		}
	}

	// Client groups, each with a few direct collaborators and collaborator groups.
	for i := range sz.clientGroups {
		g := clientGroupID(i)
		w.groups = append(w.groups, clientgroup.ClientGroup{ID: g, Office: benchOffice, Name: string(g), CreatedAt: benchEpoch})
		for _, j := range pickDistinct(r, len(w.standard), directPerCG) {
			w.direct = append(w.direct, clientgroup.DirectAssignment{ClientGroup: g, Office: benchOffice, User: w.standard[j]})
		}
		if sz.collabGroups > 0 {
			for _, j := range pickDistinct(r, sz.collabGroups, min(cgroupsPerCG, sz.collabGroups)) {
				w.gassign = append(w.gassign, clientgroup.GroupAssignment{ClientGroup: g, Office: benchOffice, CollaboratorGroup: cgroupID(j)})
			}
		}
	}

	// Dossiers: a manager, 0–2 assigned collaborators, 90% in a client group.
	w.dossiers = make([]access.Dossier, 0, sz.dossiers)
	w.place = make([]clientgroup.Placement, 0, int(float64(sz.dossiers)*groupedShare)+1)
	for i := range sz.dossiers {
		d := dossierID(i)
		mgr := userID(r.IntN(sz.users))
		var assigned []cabinet.UserID
		for range r.IntN(3) {
			u := userID(r.IntN(sz.users))
			if u != mgr && !slices.Contains(assigned, u) {
				assigned = append(assigned, u)
			}
		}
		slices.Sort(assigned)
		w.dossiers = append(w.dossiers, access.Dossier{
			ID: d, Office: benchOffice, Name: string(d), Status: statusOf(r),
			Manager: mgr, Assigned: assigned, CreatedBy: mgr, CreatedAt: benchEpoch,
		})
		if r.Float64() < groupedShare {
			w.place = append(w.place, clientgroup.Placement{Dossier: d, Office: benchOffice, ClientGroup: clientGroupID(r.IntN(sz.clientGroups))})
		}
	}

	// A few client accounts holding person grants (ACC-11 / ACC-7).
	for i := range sz.grants {
		u := clientUserID(i)
		w.users = append(w.users, cabinet.User{ID: u, DisplayName: string(u), Email: benchEmail(u), CreatedAt: benchEpoch})
		d := dossierID(r.IntN(sz.dossiers))
		rel := access.RelationHolder
		if i%2 == 1 {
			rel = access.RelationChild
		}
		w.persons = append(w.persons, access.Person{ID: personID(i), Dossier: d, Name: string(u), Relation: rel, CreatedAt: benchEpoch})
		w.grants = append(w.grants, access.Grant{
			ID: grantID(i), Dossier: d, Office: benchOffice, Kind: access.GranteePerson, Person: personID(i),
			Central: rel.Central(), Email: benchEmail(u), Level: access.LevelReadOnly, User: u,
			GrantedBy: userID(0), GrantedAt: benchEpoch,
		})
	}

	// A few advisor teams of standard collaborators, each with referrals.
	for i := range sz.teams {
		t := teamID(i)
		var ms []team.Member
		for k, j := range pickDistinct(r, len(w.standard), 5) {
			role := team.RoleMember
			if k == 0 {
				role = team.RoleAdmin
			}
			ms = append(ms, team.Member{User: w.standard[j], Role: role, JoinedAt: benchEpoch})
		}
		lead := ms[0].User
		slices.SortFunc(ms, func(a, b team.Member) int { return compareStrings(string(a.User), string(b.User)) })
		w.teams = append(w.teams, team.Team{ID: t, Name: string(t), Lead: lead, CreatedBy: lead, CreatedAt: benchEpoch, Members: ms})
		for j := range referralsPerTm {
			consent := team.ConsentGiven
			if j%4 == 3 {
				consent = team.ConsentRevoked
			}
			w.refs = append(w.refs, team.Referral{
				ID: referralID(i, j), Team: t, Referrer: lead, ClientName: "client",
				ClientEmail: fmt.Sprintf("client%04d_%02d@bench.example", i, j),
				Dossier:     dossierID(r.IntN(sz.dossiers)), Consent: consent, CreatedAt: benchEpoch,
			})
		}
	}
	return w
}

// statusOf draws a status: 60% activated, 20% draft, 20% archived.
func statusOf(r *rand.Rand) cabinet.DossierStatus {
	switch r.IntN(5) {
	case 3:
		return cabinet.DossierDraft
	case 4:
		return cabinet.DossierArchived
	}
	return cabinet.DossierActivated
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// write stores w into s directly through the stores' writers (no services),
// in transactions of batchRows rows.
func (w *world) write(ctx context.Context, s *memstore.Store) error {
	teams := func(fn func(tw team.Writer) error) error {
		_, err := s.UpdateTeams(ctx, fn)
		return err
	}
	cg := func(fn func(cw clientgroup.Writer) error) error {
		_, err := s.UpdateClientGroups(ctx, fn)
		return err
	}
	acc := func(fn func(aw access.Writer) error) error {
		_, err := s.UpdateAccess(ctx, fn)
		return err
	}
	if err := batched(w.users, func(b []cabinet.User) error {
		return teams(func(tw team.Writer) error {
			for _, u := range b {
				if err := tw.PutUser(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})
	}); err != nil {
		return err
	}
	if err := teams(func(tw team.Writer) error {
		for _, t := range w.teams {
			if err := tw.PutTeam(ctx, t); err != nil {
				return err
			}
		}
		for _, ref := range w.refs {
			if err := tw.PutReferral(ctx, ref); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := cg(func(cw clientgroup.Writer) error {
		return cw.PutOffice(ctx, clientgroup.Office{ID: benchOffice, Name: "Bench office", Email: "office@bench.example", CreatedBy: userID(0), CreatedAt: benchEpoch})
	}); err != nil {
		return err
	}
	cgSteps := []error{
		batched(w.collabs, func(b []clientgroup.Collaborator) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(c clientgroup.Collaborator) error { return cw.PutCollaborator(ctx, c) })
			})
		}),
		batched(w.cgroups, func(b []clientgroup.CollaboratorGroup) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(g clientgroup.CollaboratorGroup) error { return cw.PutCollaboratorGroup(ctx, g) })
			})
		}),
		batched(w.members, func(b []clientgroup.Member) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(m clientgroup.Member) error { return cw.PutMember(ctx, m) })
			})
		}),
		batched(w.groups, func(b []clientgroup.ClientGroup) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(g clientgroup.ClientGroup) error { return cw.PutClientGroup(ctx, g) })
			})
		}),
		batched(w.direct, func(b []clientgroup.DirectAssignment) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(a clientgroup.DirectAssignment) error { return cw.PutDirectAssignment(ctx, a) })
			})
		}),
		batched(w.gassign, func(b []clientgroup.GroupAssignment) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(a clientgroup.GroupAssignment) error { return cw.PutGroupAssignment(ctx, a) })
			})
		}),
		batched(w.dossiers, func(b []access.Dossier) error {
			return acc(func(aw access.Writer) error {
				return each(b, func(d access.Dossier) error { return aw.PutDossier(ctx, d) })
			})
		}),
		batched(w.place, func(b []clientgroup.Placement) error {
			return cg(func(cw clientgroup.Writer) error {
				return each(b, func(p clientgroup.Placement) error { return cw.PutPlacement(ctx, p) })
			})
		}),
		batched(w.persons, func(b []access.Person) error {
			return acc(func(aw access.Writer) error {
				return each(b, func(p access.Person) error { return aw.PutPerson(ctx, p) })
			})
		}),
		batched(w.grants, func(b []access.Grant) error {
			return acc(func(aw access.Writer) error {
				return each(b, func(g access.Grant) error { return aw.PutGrant(ctx, g) })
			})
		}),
	}
	for _, err := range cgSteps {
		if err != nil {
			return err
		}
	}
	return nil
}

// batched calls fn on consecutive slices of at most batchRows rows.
func batched[T any](rows []T, fn func([]T) error) error {
	for len(rows) > 0 {
		n := min(batchRows, len(rows))
		if err := fn(rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func each[T any](rows []T, fn func(T) error) error {
	for _, v := range rows {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// baseline answers the internal-access question (GRP-3) the way a service
// author would by hand, with plain maps: can collaborator u view dossier d?
type baseline struct {
	profiles map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile
	dossiers map[cabinet.DossierID]baseDossier
	direct   map[cabinet.ClientGroupID]map[cabinet.UserID]bool
	cgroups  map[cabinet.ClientGroupID][]cabinet.CollaboratorGroupID
	members  map[cabinet.CollaboratorGroupID]map[cabinet.UserID]bool
}

type baseDossier struct {
	office   cabinet.OfficeID
	manager  cabinet.UserID
	assigned []cabinet.UserID
	group    cabinet.ClientGroupID // "" when in no client group
}

func newBaseline(w *world) *baseline {
	b := &baseline{
		profiles: map[cabinet.OfficeID]map[cabinet.UserID]cabinet.Profile{},
		dossiers: make(map[cabinet.DossierID]baseDossier, len(w.dossiers)),
		direct:   map[cabinet.ClientGroupID]map[cabinet.UserID]bool{},
		cgroups:  map[cabinet.ClientGroupID][]cabinet.CollaboratorGroupID{},
		members:  map[cabinet.CollaboratorGroupID]map[cabinet.UserID]bool{},
	}
	for _, c := range w.collabs {
		if b.profiles[c.Office] == nil {
			b.profiles[c.Office] = map[cabinet.UserID]cabinet.Profile{}
		}
		b.profiles[c.Office][c.User] = c.Profile
	}
	for _, d := range w.dossiers {
		b.dossiers[d.ID] = baseDossier{office: d.Office, manager: d.Manager, assigned: d.Assigned}
	}
	for _, p := range w.place {
		d := b.dossiers[p.Dossier]
		d.group = p.ClientGroup
		b.dossiers[p.Dossier] = d
	}
	for _, a := range w.direct {
		if b.direct[a.ClientGroup] == nil {
			b.direct[a.ClientGroup] = map[cabinet.UserID]bool{}
		}
		b.direct[a.ClientGroup][a.User] = true
	}
	for _, a := range w.gassign {
		b.cgroups[a.ClientGroup] = append(b.cgroups[a.ClientGroup], a.CollaboratorGroup)
	}
	for _, m := range w.members {
		if b.members[m.Group] == nil {
			b.members[m.Group] = map[cabinet.UserID]bool{}
		}
		b.members[m.Group][m.User] = true
	}
	return b
}

// canView reports whether collaborator u reaches dossier d internally.
func (b *baseline) canView(u cabinet.UserID, id cabinet.DossierID) bool {
	d, ok := b.dossiers[id]
	if !ok {
		return false
	}
	profile, ok := b.profiles[d.office][u]
	if !ok {
		return false
	}
	if profile == cabinet.ProfileAdmin {
		return true
	}
	if d.manager == u {
		return true
	}
	for _, a := range d.assigned {
		if a == u {
			return true
		}
	}
	if d.group == "" {
		return false
	}
	if b.direct[d.group][u] {
		return true
	}
	for _, g := range b.cgroups[d.group] {
		if b.members[g][u] {
			return true
		}
	}
	return false
}
