package internalaccess

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/casbin/casbin/v2"
	casbinmodel "github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// Engine answers the internal-access question for the requests of one
// World. Check(u, d) reports whether World.Users[u] reaches
// World.Dossiers[d]; an error means the question could not be answered.
// Each engine keeps the IDs in its own representation (strings for
// cabinet and casbin, EntityUIDs for cedar-go), built once at load.
type Engine interface {
	Name() string
	Check(u, d int) (bool, error)
}

// Loader builds an engine from a World.
type Loader struct {
	Name string
	Load func(ctx context.Context, w *World) (Engine, error)
}

// Loaders returns the three engines, cabinet first.
func Loaders() []Loader {
	return []Loader{
		{"cabinet", func(ctx context.Context, w *World) (Engine, error) {
			s, err := FillStore(ctx, w)
			if err != nil {
				return nil, err
			}
			return LoadCabinet(ctx, w, s)
		}},
		{"cedar-go", func(_ context.Context, w *World) (Engine, error) { return LoadCedar(w) }},
		{"casbin", func(_ context.Context, w *World) (Engine, error) { return LoadCasbin(w) }},
	}
}

// --- cabinet ---------------------------------------------------------------

// batchRows is the number of records written per store transaction.
const batchRows = 10_000

// FillStore writes w into a new memstore through the stores' Writers (no
// services), in transactions of batchRows records.
func FillStore(ctx context.Context, w *World) (*memstore.Store, error) {
	s := memstore.New()
	cg := func(fn func(cw clientgroup.Writer) error) error {
		_, err := s.UpdateClientGroups(ctx, fn)
		return err
	}
	steps := []func() error{
		func() error {
			return batched(w.Users, func(b []cabinet.User) error {
				_, err := s.UpdateTeams(ctx, func(tw team.Writer) error {
					return each(b, func(u cabinet.User) error { return tw.PutUser(ctx, u) })
				})
				return err
			})
		},
		func() error {
			return cg(func(cw clientgroup.Writer) error {
				return cw.PutOffice(ctx, clientgroup.Office{ID: Office, Name: "Peers office", Email: "office@peers.example", CreatedBy: UserID(0), CreatedAt: epoch})
			})
		},
		func() error {
			return batched(w.Collabs, func(b []clientgroup.Collaborator) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(c clientgroup.Collaborator) error { return cw.PutCollaborator(ctx, c) })
				})
			})
		},
		func() error {
			return batched(w.CGroups, func(b []clientgroup.CollaboratorGroup) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(g clientgroup.CollaboratorGroup) error { return cw.PutCollaboratorGroup(ctx, g) })
				})
			})
		},
		func() error {
			return batched(w.Members, func(b []clientgroup.Member) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(m clientgroup.Member) error { return cw.PutMember(ctx, m) })
				})
			})
		},
		func() error {
			return batched(w.Groups, func(b []clientgroup.ClientGroup) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(g clientgroup.ClientGroup) error { return cw.PutClientGroup(ctx, g) })
				})
			})
		},
		func() error {
			return batched(w.Direct, func(b []clientgroup.DirectAssignment) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(a clientgroup.DirectAssignment) error { return cw.PutDirectAssignment(ctx, a) })
				})
			})
		},
		func() error {
			return batched(w.GAssign, func(b []clientgroup.GroupAssignment) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(a clientgroup.GroupAssignment) error { return cw.PutGroupAssignment(ctx, a) })
				})
			})
		},
		func() error {
			return batched(w.Dossiers, func(b []access.Dossier) error {
				_, err := s.UpdateAccess(ctx, func(aw access.Writer) error {
					return each(b, func(d access.Dossier) error { return aw.PutDossier(ctx, d) })
				})
				return err
			})
		},
		func() error {
			return batched(w.Place, func(b []clientgroup.Placement) error {
				return cg(func(cw clientgroup.Writer) error {
					return each(b, func(p clientgroup.Placement) error { return cw.PutPlacement(ctx, p) })
				})
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

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

type cabinetEngine struct {
	ctx    context.Context
	engine *policy.Engine
	users  []policy.Subject
	// dossiers: the Resource is made per Check, as a host does; a table of
	// a million Resources (160 bytes each) would count in the engine's heap.
	dossiers []cabinet.DossierID
}

// LoadCabinet builds cabinet's policy.Engine over s (which holds w, see
// FillStore) with policy.New.
func LoadCabinet(ctx context.Context, w *World, s *memstore.Store) (Engine, error) {
	e, err := policy.New(ctx, s)
	if err != nil {
		return nil, err
	}
	c := &cabinetEngine{ctx: ctx, engine: e, users: make([]policy.Subject, len(w.Users)), dossiers: make([]cabinet.DossierID, len(w.Dossiers))}
	for i, u := range w.Users {
		c.users[i] = policy.User(u.ID)
	}
	for i, d := range w.Dossiers {
		c.dossiers[i] = cabinet.DossierID(d.ID)
	}
	return c, nil
}

func (c *cabinetEngine) Name() string { return "cabinet" }

func (c *cabinetEngine) Check(u, d int) (bool, error) {
	dec, err := c.engine.Check(c.ctx, c.users[u], policy.ViewDossier, policy.DossierResource(c.dossiers[d]))
	return dec.Allowed, err
}

// --- cedar-go --------------------------------------------------------------

//go:embed internal.cedar
var internalCedar []byte

type cedarEngine struct {
	policies *cedar.PolicySet
	entities types.EntityMap
	action   types.EntityUID
	users    []types.EntityUID
	dossiers []types.EntityUID
}

// Cedar entity types of the encoding (see internal.cedar).
const (
	tUser         types.EntityType = "User"
	tDossier      types.EntityType = "Dossier"
	tOffice       types.EntityType = "Office"
	tOfficeAdmins types.EntityType = "OfficeAdmins"
	tClientGroup  types.EntityType = "ClientGroup"
	tCollabGroup  types.EntityType = "CollaboratorGroup"
	tAction       types.EntityType = "Action"
)

func uid(t types.EntityType, id string) types.EntityUID {
	return types.NewEntityUID(t, types.String(id))
}

// LoadCedar builds a cedar-go EntityMap from w and parses internal.cedar.
func LoadCedar(w *World) (Engine, error) {
	ps, err := cedar.NewPolicySetFromBytes("internal.cedar", internalCedar)
	if err != nil {
		return nil, err
	}
	userParents := make(map[cabinet.UserID][]types.EntityUID, len(w.Users))
	for _, c := range w.Collabs {
		userParents[c.User] = append(userParents[c.User], uid(tOffice, string(c.Office)))
		if c.Profile == cabinet.ProfileAdmin {
			userParents[c.User] = append(userParents[c.User], uid(tOfficeAdmins, string(c.Office)))
		}
	}
	for _, a := range w.Direct {
		userParents[a.User] = append(userParents[a.User], uid(tClientGroup, string(a.ClientGroup)))
	}
	for _, m := range w.Members {
		userParents[m.User] = append(userParents[m.User], uid(tCollabGroup, string(m.Group)))
	}
	cgParents := map[cabinet.CollaboratorGroupID][]types.EntityUID{}
	for _, a := range w.GAssign {
		cgParents[a.CollaboratorGroup] = append(cgParents[a.CollaboratorGroup], uid(tClientGroup, string(a.ClientGroup)))
	}
	placement := make(map[cabinet.DossierID]cabinet.ClientGroupID, len(w.Place))
	for _, p := range w.Place {
		placement[p.Dossier] = p.ClientGroup
	}

	em := make(types.EntityMap, len(w.Users)+len(w.Dossiers)+len(w.Groups)+len(w.CGroups)+3)
	put := func(e types.Entity) { em[e.UID] = e }
	put(types.Entity{UID: uid(tOffice, string(Office)), Attributes: types.NewRecord(types.RecordMap{"admins": uid(tOfficeAdmins, string(Office))})})
	for _, g := range w.Groups {
		put(types.Entity{UID: uid(tClientGroup, string(g.ID))})
	}
	for _, g := range w.CGroups {
		put(types.Entity{UID: uid(tCollabGroup, string(g.ID)), Parents: types.NewEntityUIDSet(cgParents[g.ID]...)})
	}
	c := &cedarEngine{policies: ps, entities: em, action: uid(tAction, "view_dossier"),
		users: make([]types.EntityUID, len(w.Users)), dossiers: make([]types.EntityUID, len(w.Dossiers))}
	for i, u := range w.Users {
		c.users[i] = uid(tUser, string(u.ID))
		put(types.Entity{UID: c.users[i], Parents: types.NewEntityUIDSet(userParents[u.ID]...)})
	}
	for i, d := range w.Dossiers {
		c.dossiers[i] = uid(tDossier, string(d.ID))
		assigned := make([]types.Value, len(d.Assigned))
		for j, a := range d.Assigned {
			assigned[j] = uid(tUser, string(a))
		}
		attrs := types.RecordMap{"office": uid(tOffice, string(d.Office)), "assigned": types.NewSet(assigned...)}
		if d.Manager != "" {
			attrs["manager"] = uid(tUser, string(d.Manager))
		}
		if g, ok := placement[d.ID]; ok {
			attrs["clientGroup"] = uid(tClientGroup, string(g))
		}
		put(types.Entity{UID: c.dossiers[i], Attributes: types.NewRecord(attrs)})
	}
	return c, nil
}

func (c *cedarEngine) Name() string { return "cedar-go" }

func (c *cedarEngine) Check(u, d int) (bool, error) {
	dec, diag := cedar.Authorize(c.policies, c.entities, cedar.Request{Principal: c.users[u], Action: c.action, Resource: c.dossiers[d]})
	if len(diag.Errors) > 0 {
		return false, fmt.Errorf("cedar-go: %v", diag.Errors)
	}
	return dec == cedar.Allow, nil
}

// --- casbin ----------------------------------------------------------------

//go:embed model.conf
var casbinModel string

// adminRole is the casbin role of the admins of office o.
func adminRole(o cabinet.OfficeID) string { return "admins:" + string(o) }

type casbinEngine struct {
	enforcer *casbin.Enforcer
	users    []string
	dossiers []string
}

// LoadCasbin builds a casbin Enforcer over model.conf whose adapter loads
// one grouping rule ("g") per link of w (see model.conf). NewEnforcer loads
// the policy and builds every role link once (BuildRoleLinks).
func LoadCasbin(w *World) (Engine, error) {
	m, err := casbinmodel.NewModelFromString(casbinModel)
	if err != nil {
		return nil, err
	}
	e, err := casbin.NewEnforcer(m, &worldAdapter{w: w})
	if err != nil {
		return nil, err
	}
	c := &casbinEngine{enforcer: e, users: make([]string, len(w.Users)), dossiers: make([]string, len(w.Dossiers))}
	for i, u := range w.Users {
		c.users[i] = string(u.ID)
	}
	for i, d := range w.Dossiers {
		c.dossiers[i] = string(d.ID)
	}
	return c, nil
}

func (c *casbinEngine) Name() string { return "casbin" }

func (c *casbinEngine) Check(u, d int) (bool, error) {
	return c.enforcer.Enforce(c.dossiers[d], c.users[u])
}

// worldAdapter is a read-only casbin adapter that loads the role links of a
// World.
type worldAdapter struct{ w *World }

var errReadOnly = errors.New("worldAdapter is read-only")

func (a *worldAdapter) LoadPolicy(m casbinmodel.Model) error {
	w := a.w
	link := func(from, to string) error { return persist.LoadPolicyArray([]string{"g", from, to}, m) }
	var err error
	try := func(from, to string) {
		if err == nil {
			err = link(from, to)
		}
	}
	for _, c := range w.Collabs {
		if c.Profile == cabinet.ProfileAdmin {
			try(adminRole(c.Office), string(c.User))
		}
	}
	for _, mb := range w.Members {
		try(string(mb.Group), string(mb.User))
	}
	for _, d := range w.Direct {
		try(string(d.ClientGroup), string(d.User))
	}
	for _, g := range w.GAssign {
		try(string(g.ClientGroup), string(g.CollaboratorGroup))
	}
	for _, p := range w.Place {
		try(string(p.Dossier), string(p.ClientGroup))
	}
	for _, d := range w.Dossiers {
		try(string(d.ID), adminRole(d.Office))
		if d.Manager != "" {
			try(string(d.ID), string(d.Manager))
		}
		for _, u := range d.Assigned {
			try(string(d.ID), string(u))
		}
	}
	return err
}

func (a *worldAdapter) SavePolicy(casbinmodel.Model) error          { return errReadOnly }
func (a *worldAdapter) AddPolicy(string, string, []string) error    { return errReadOnly }
func (a *worldAdapter) RemovePolicy(string, string, []string) error { return errReadOnly }
func (a *worldAdapter) RemoveFilteredPolicy(string, string, int, ...string) error {
	return errReadOnly
}
