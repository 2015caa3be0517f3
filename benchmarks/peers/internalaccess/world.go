// Package internalaccess answers one question — cabinet's internal-access
// question, GRP-3 — with three engines over one random state: cabinet's
// policy.Engine, cedar-go and casbin. It builds the state, loads it into
// each engine, checks that the peers agree with cabinet, and measures a
// random check, its allocations, the load time and the heap after load.
//
// The question (SPEC GRP-3): a collaborator reaches a dossier internally if
// they are an admin of the dossier's office, its manager, one of its
// assigned collaborators, a direct collaborator of its client group, or a
// member of a collaborator group assigned to its client group. Every user
// of the generated state is a collaborator of its single office, so GRP-11
// ("only collaborators of the dossier's office") holds trivially; see the
// module's README for what each peer can and cannot express.
//
// The state is plain data (World), generated deterministically from a
// Size's seed; each engine is built from that data only.
package internalaccess

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
)

// Size describes one generated state.
type Size struct {
	Name          string
	Users         int // collaborators of the office; every AdminEvery-th is an admin
	Dossiers      int
	ClientGroups  int
	CollabGroups  int // collaborator groups of MembersPerGroup standard collaborators each
	MembersPerGrp int
	Seed          uint64
}

// The two sizes of the issue: small runs by default, large on request.
var (
	Small = Size{Name: "small", Users: 1_000, Dossiers: 10_000, ClientGroups: 100, CollabGroups: 50, MembersPerGrp: 20, Seed: 1}
	Large = Size{Name: "large", Users: 10_000, Dossiers: 1_000_000, ClientGroups: 5_000, CollabGroups: 1_000, MembersPerGrp: 20, Seed: 2}
)

// Shape of the generated state.
const (
	// Office is the single office of the state.
	Office cabinet.OfficeID = "o1"
	// AdminEvery makes every 50th user an admin: 2%.
	AdminEvery = 50
	// DirectPerGroup is the number of direct collaborators of each client group.
	DirectPerGroup = 3
	// CollabGroupsPerGroup is the number of collaborator groups assigned to each client group.
	CollabGroupsPerGroup = 2
	// GroupedShare is the share of dossiers placed in a client group.
	GroupedShare = 0.9
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// World is the generated state as the records cabinet stores.
type World struct {
	Size     Size
	Users    []cabinet.User
	Collabs  []clientgroup.Collaborator
	CGroups  []clientgroup.CollaboratorGroup
	Members  []clientgroup.Member
	Groups   []clientgroup.ClientGroup
	Direct   []clientgroup.DirectAssignment
	GAssign  []clientgroup.GroupAssignment
	Place    []clientgroup.Placement
	Dossiers []access.Dossier
}

// UserID returns the ID of user i.
func UserID(i int) cabinet.UserID { return cabinet.UserID(fmt.Sprintf("u%06d", i)) }

// DossierID returns the ID of dossier i.
func DossierID(i int) cabinet.DossierID { return cabinet.DossierID(fmt.Sprintf("d%07d", i)) }

func clientGroupID(i int) cabinet.ClientGroupID {
	return cabinet.ClientGroupID(fmt.Sprintf("g%05d", i))
}

func cgroupID(i int) cabinet.CollaboratorGroupID {
	return cabinet.CollaboratorGroupID(fmt.Sprintf("k%05d", i))
}

// Generate builds the state of size sz, deterministically from sz.Seed.
func Generate(sz Size) *World {
	r := rand.New(rand.NewPCG(sz.Seed, 0xcab1))
	w := &World{Size: sz}
	var standard []cabinet.UserID
	w.Users = make([]cabinet.User, 0, sz.Users)
	w.Collabs = make([]clientgroup.Collaborator, 0, sz.Users)
	for i := range sz.Users {
		u := UserID(i)
		w.Users = append(w.Users, cabinet.User{ID: u, DisplayName: string(u), Email: string(u) + "@peers.example", CreatedAt: epoch})
		p := cabinet.ProfileStandard
		if i%AdminEvery == 0 {
			p = cabinet.ProfileAdmin
		} else {
			standard = append(standard, u)
		}
		w.Collabs = append(w.Collabs, clientgroup.Collaborator{Office: Office, User: u, Profile: p, AddedAt: epoch})
	}
	for i := range sz.CollabGroups {
		g := cgroupID(i)
		w.CGroups = append(w.CGroups, clientgroup.CollaboratorGroup{ID: g, Office: Office, Name: string(g), CreatedAt: epoch})
		for _, j := range r.Perm(len(standard))[:min(sz.MembersPerGrp, len(standard))] {
			w.Members = append(w.Members, clientgroup.Member{Group: g, Office: Office, User: standard[j]})
		}
	}
	for i := range sz.ClientGroups {
		g := clientGroupID(i)
		w.Groups = append(w.Groups, clientgroup.ClientGroup{ID: g, Office: Office, Name: string(g), CreatedAt: epoch})
		for _, j := range r.Perm(len(standard))[:DirectPerGroup] {
			w.Direct = append(w.Direct, clientgroup.DirectAssignment{ClientGroup: g, Office: Office, User: standard[j]})
		}
		for _, j := range r.Perm(sz.CollabGroups)[:min(CollabGroupsPerGroup, sz.CollabGroups)] {
			w.GAssign = append(w.GAssign, clientgroup.GroupAssignment{ClientGroup: g, Office: Office, CollaboratorGroup: cgroupID(j)})
		}
	}
	w.Dossiers = make([]access.Dossier, 0, sz.Dossiers)
	w.Place = make([]clientgroup.Placement, 0, int(float64(sz.Dossiers)*GroupedShare)+1)
	for i := range sz.Dossiers {
		d := DossierID(i)
		mgr := UserID(r.IntN(sz.Users))
		var assigned []cabinet.UserID
		for range r.IntN(3) {
			if u := UserID(r.IntN(sz.Users)); u != mgr && !slices.Contains(assigned, u) {
				assigned = append(assigned, u)
			}
		}
		slices.Sort(assigned)
		w.Dossiers = append(w.Dossiers, access.Dossier{
			ID: d, Office: Office, Name: string(d), Status: cabinet.DossierActivated,
			Manager: mgr, Assigned: assigned, CreatedBy: mgr, CreatedAt: epoch,
		})
		if r.Float64() < GroupedShare {
			w.Place = append(w.Place, clientgroup.Placement{Dossier: d, Office: Office, ClientGroup: clientGroupID(r.IntN(sz.ClientGroups))})
		}
	}
	return w
}

// Request is one question: may User reach Dossier internally?
type Request struct {
	User    int // index into World.Users
	Dossier int // index into World.Dossiers
}

// Requests returns n random requests drawn with seed.
func (w *World) Requests(n int, seed uint64) []Request {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b9))
	out := make([]Request, n)
	for i := range out {
		out[i] = Request{User: r.IntN(len(w.Users)), Dossier: r.IntN(len(w.Dossiers))}
	}
	return out
}
