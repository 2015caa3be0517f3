package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// POL-6 on PostgreSQL: the same state gives the same decisions on both
// stores. Each random state is built twice, by the same commands through
// the services, wired as kit wires them, over a fresh memstore and over a
// pgstore (a schema emptied between states): every command must have the
// same outcome on both — error, record, and the batch its transaction
// committed to the change log. (The services run without a policy engine
// following each commit: the engines below are loaded once the state is
// built.) Then a policy engine loaded afresh from each store
// (policy.New) answers every question the state
// allows: each user, an unknown user and each impersonation session, for
// every action of policy.Actions, on every resource of the action's kind in
// the state (each section for edit_section, each person of the tree for
// manage_family_access, each item of each case) and an unknown one; and
// both list the same viewers of every dossier. Every decision must be
// equal, revision included.
//
// POL6_STATES overrides the number of states (default 1,000; 100 under
// -short).
func TestPOL6SameStateSameDecisionsOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	pg := pgtest.Store(t, pool)
	states := 1000
	if testing.Short() {
		states = 100
	}
	if n, err := strconv.Atoi(os.Getenv("POL6_STATES")); err == nil && n > 0 {
		states = n
	}
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = states
	params.MaxShrinkCount = 20
	var questions, allowed, commands, failed int
	start := time.Now()
	properties := gopter.NewProperties(params)
	properties.Property("same state, same decisions", prop.ForAll(func(ints []int) string {
		if err := emptyStore(ctx, pool, pg); err != nil {
			return "emptying the PostgreSQL store: " + err.Error()
		}
		w, msg := buildBoth(ctx, pg, ints)
		if msg != "" {
			return msg + "\n" + w.history()
		}
		commands += len(w.log)
		failed += w.failed
		n, yes, msg := sameDecisions(ctx, w)
		questions, allowed = questions+n, allowed+yes
		if msg != "" {
			return msg + "\n" + w.history()
		}
		return ""
	}, genCommands()))
	properties.TestingRun(t)
	t.Logf("POL-6 on PostgreSQL: %d states, %d commands (%d refused alike), %d questions (%d allowed), in %s",
		states, commands, failed, questions, allowed, time.Since(start).Round(time.Millisecond))
}

// emptyStore deletes every record of s and restarts its revisions: a
// fresh store without a fresh schema.
func emptyStore(ctx context.Context, pool *pgxpool.Pool, s *pgstore.Store) error {
	schema := pgx.Identifier{s.Schema()}.Sanitize()
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT IN ('schema_version', 'change_log')`, s.Schema())
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var n string
		err := r.Scan(&n)
		return schema + "." + pgx.Identifier{n}.Sanitize(), err
	})
	if err != nil {
		return err
	}
	// DELETE, not TRUNCATE: on tables of a few rows it is some fifty times
	// faster (TRUNCATE makes new files for every table and index).
	var q strings.Builder
	for _, t := range tables {
		q.WriteString("DELETE FROM " + t + "; ")
	}
	q.WriteString("UPDATE " + schema + ".change_log SET pruned_through = 0; ") // its one row stays
	q.WriteString("ALTER SEQUENCE " + schema + ".revision_seq RESTART")
	_, err = pool.Exec(ctx, q.String())
	return err
}

// genCommands generates the ints a state is decoded from: a few for the
// bootstrap, then five per command, 4 to 40 commands.
func genCommands() gopter.Gen { return genCommandsOf(4, 40) }

// genCommandsOf is genCommands with lo to hi commands.
func genCommandsOf(lo, hi int) gopter.Gen {
	return gen.IntRange(lo, hi).FlatMap(func(v any) gopter.Gen {
		return gen.SliceOfN(8+v.(int)*5, gen.IntRange(0, 1<<20))
	}, reflect.TypeOf([]int(nil)))
}

// pol6Emails are the addresses of the state: user i signs up with
// pol6Emails[i], so that grants, referrals, contacts and seats addressed to
// a later user are linked when the account is created; the last two never
// get an account.
var pol6Emails = []string{"ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com",
	"eve@example.com", "fay@example.com", "gus@example.com", "hal@example.com"}

// both is one random state built on the two stores.
type both struct {
	ctx   context.Context
	clock *cabinet.ManualClock
	mem   *memstore.Store
	pg    *pgstore.Store
	// emails are the addresses of the state (pol6Emails unless another
	// world shares the pgstore: each world has its own).
	emails []string
	// shared is set when another world commits to the same pgstore
	// concurrently (TestINV13…): do then compares the errors and records
	// only, not each command's batches, since the pgstore's log
	// interleaves both worlds' (the test compares the logs as a whole).
	shared bool
	kits   [2]*kit.Kit         // the services only (servicesWithoutPolicy)
	last   [2]cabinet.Revision // the change log of each store read up to
	// follower is an engine loaded from the empty pgstore before the first
	// command, which then follows its change log (SPEC §3 invariant 13).
	follower *policy.Engine

	users    []cabinet.UserID
	offices  []cabinet.OfficeID
	dossiers []cabinet.DossierID
	persons  []access.PersonID
	advisors []access.AdvisorID
	grants   []access.GrantID
	groups   []cabinet.ClientGroupID
	cgroups  []cabinet.CollaboratorGroupID
	teams    []cabinet.TeamID
	contacts []cabinet.ContactID
	sessions []contact.SessionID
	procs    []cabinet.ProcedureID
	roles    map[cabinet.ProcedureID][]procedure.RoleID
	items    map[cabinet.ProcedureID][]procedure.ItemID
	cases    []cabinet.CaseID

	log    []string
	failed int
}

func (w *both) history() string {
	var b strings.Builder
	for i, l := range w.log {
		fmt.Fprintf(&b, "  %2d. %s\n", i+1, l)
	}
	return b.String()
}

func pick[T any](xs []T, i int) T { return xs[i%len(xs)] }

// do runs one command on both kits; it returns the record the command
// returned and whether it succeeded, or a mismatch message: the error, the
// record and the batches of events the command committed to each store's
// change log must be the same on both.
func do[T any](w *both, desc string, cmd func(k *kit.Kit) (T, error)) (T, bool, string) {
	a, errA := cmd(w.kits[0])
	b, errB := cmd(w.kits[1])
	if fmt.Sprint(errA) != fmt.Sprint(errB) {
		return a, false, fmt.Sprintf("%s: memstore %v, pgstore %v", desc, errA, errB)
	}
	if d := cmp.Diff(a, b); d != "" {
		return a, false, fmt.Sprintf("%s: the records differ (-memstore +pgstore):\n%s", desc, d)
	}
	var batches [2][]cabinet.Batch
	logs := []cabinet.ChangeLog{w.mem, w.pg}
	if w.shared {
		logs = nil
	}
	for i, log := range logs {
		for c, err := range log.Changes(w.ctx, w.last[i]) {
			if err != nil {
				return a, false, fmt.Sprintf("%s: reading the change log: %v", desc, err)
			}
			if len(c.Batch.Events) > 0 {
				b := c.Batch
				b.Revision = c.Revision
				batches[i] = append(batches[i], b)
			}
			w.last[i] = c.Revision
		}
	}
	if d := cmp.Diff(batches[0], batches[1]); d != "" {
		return a, false, fmt.Sprintf("%s: the committed events differ (-memstore +pgstore):\n%s", desc, d)
	}
	if errA != nil {
		w.failed++
		desc += " -> " + errA.Error()
	}
	w.log = append(w.log, desc)
	return a, errA == nil, ""
}

// rec drops the revision of a command's result: revisions are compared by
// the decisions.
func rec[T any](v T, _ cabinet.Revision, err error) (T, error) { return v, err }

// buildBoth builds the state of ints on a fresh memstore and on pg (empty).
func buildBoth(ctx context.Context, pg *pgstore.Store, ints []int) (*both, string) {
	w := &both{ctx: ctx, clock: cabinet.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), mem: memstore.New(), pg: pg, emails: pol6Emails,
		roles: map[cabinet.ProcedureID][]procedure.RoleID{}, items: map[cabinet.ProcedureID][]procedure.ItemID{}}
	for i, s := range []kit.Store{w.mem, w.pg} {
		w.kits[i] = servicesWithoutPolicy(s, cabinet.WithClock(w.clock), cabinet.WithIDs(&cabinet.SequentialIDs{}))
	}
	f, err := policy.New(ctx, pg, policy.WithClock(w.clock))
	if err != nil {
		return w, "loading the follower: " + err.Error()
	}
	w.follower = f
	boot := make([]int, 8)
	copy(boot, ints)
	if msg := w.bootstrap(boot); msg != "" {
		return w, msg
	}
	for i := 8; i+5 <= len(ints); i += 5 {
		if msg := w.command(ints[i : i+5]); msg != "" {
			return w, msg
		}
	}
	return w, ""
}

func (w *both) createUser() string {
	if len(w.users) >= 6 {
		return ""
	}
	i := len(w.users)
	u, ok, msg := do(w, "CreateUser "+w.emails[i], func(k *kit.Kit) (cabinet.User, error) {
		return rec(k.Teams.CreateUser(w.ctx, "signup", fmt.Sprintf("User%d", i), w.emails[i]))
	})
	if ok {
		w.users = append(w.users, u.ID)
	}
	return msg
}

// bootstrap signs 2–4 users up, creates one or two offices and adds some
// collaborators and a dossier or two, so that short states are already
// interesting.
func (w *both) bootstrap(b []int) string {
	for range 2 + b[0]%3 {
		if msg := w.createUser(); msg != "" {
			return msg
		}
	}
	for i := range 1 + b[1]%2 {
		o, ok, msg := do(w, "CreateOffice", func(k *kit.Kit) (clientgroup.Office, error) {
			return rec(k.Groups.CreateOffice(w.ctx, w.users[i], fmt.Sprintf("Office%d", i), fmt.Sprintf("office%d@example.com", i)))
		})
		if msg != "" {
			return msg
		}
		if ok {
			w.offices = append(w.offices, o.ID)
		}
	}
	for j, u := range w.users[1:] {
		bits := b[2+j%4] >> (j % 3)
		if bits%3 == 0 {
			continue
		}
		prof := cabinet.ProfileStandard
		if bits%5 == 0 {
			prof = cabinet.ProfileAdmin
		}
		o := pick(w.offices, bits/3)
		admin := w.users[0]
		if o != w.offices[0] {
			admin = w.users[1]
		}
		if _, _, msg := do(w, fmt.Sprintf("AddCollaborator %s %s %s", o, u, prof), func(k *kit.Kit) (clientgroup.Collaborator, error) {
			return rec(k.Groups.AddCollaborator(w.ctx, admin, o, u, prof))
		}); msg != "" {
			return msg
		}
	}
	for i := range 1 + b[6]%2 {
		if msg := w.createDossier(b[7]>>i, i); msg != "" {
			return msg
		}
	}
	return ""
}

// user is, now and then, an unknown or an empty user.
func (w *both) user(i int) cabinet.UserID {
	switch i % 17 {
	case 15:
		return "user_unknown"
	case 16:
		return ""
	}
	return pick(w.users, i)
}

// personDossier returns the dossier of person p, as the memstore holds it
// (both stores hold the same state).
func (w *both) personDossier(p access.PersonID) (access.Dossier, bool) {
	var d access.Dossier
	err := w.mem.ViewAccess(w.ctx, func(r access.Reader) error {
		per, err := r.Person(w.ctx, p)
		if err != nil {
			return err
		}
		d, err = r.Dossier(w.ctx, per.Dossier)
		return err
	})
	return d, err == nil
}

// contactRec returns contact id as the memstore holds it.
func (w *both) contactRec(id cabinet.ContactID) (contact.Contact, bool) {
	var c contact.Contact
	err := w.mem.ViewContacts(w.ctx, func(r contact.Reader) error {
		var err error
		c, err = r.Contact(w.ctx, id)
		return err
	})
	return c, err == nil
}

// caseRec returns case id as the memstore holds it.
func (w *both) caseRec(id cabinet.CaseID) (procedure.Case, bool) {
	var c procedure.Case
	err := w.mem.ViewProcedures(w.ctx, func(r procedure.Reader) error {
		var err error
		c, err = r.Case(w.ctx, id)
		return err
	})
	return c, err == nil
}

// staff is, most of the time, a collaborator of office o (an admin when
// admin is set), else any user.
func (w *both) staff(o cabinet.OfficeID, admin bool, i int) cabinet.UserID {
	if i%5 == 0 {
		return w.user(i / 5)
	}
	var pool []cabinet.UserID
	_ = w.mem.ViewClientGroups(w.ctx, func(r clientgroup.Reader) error {
		cs, err := cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
			return r.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: o}, p)
		})
		for _, c := range cs {
			if !admin || c.Profile == cabinet.ProfileAdmin {
				pool = append(pool, c.User)
			}
		}
		return err
	})
	if len(pool) == 0 {
		return w.user(i)
	}
	return pick(pool, i/5)
}

// dossier returns a dossier of the state as stored.
func (w *both) dossier(i int) (access.Dossier, bool) {
	if len(w.dossiers) == 0 {
		return access.Dossier{}, false
	}
	var d access.Dossier
	err := w.mem.ViewAccess(w.ctx, func(r access.Reader) error {
		var err error
		d, err = r.Dossier(w.ctx, pick(w.dossiers, i))
		return err
	})
	return d, err == nil
}

// dossierActor is, most of the time, the dossier's manager, else an admin
// of its office or anyone.
func (w *both) dossierActor(d access.Dossier, i int) cabinet.UserID {
	if i%3 != 0 && d.Manager != "" {
		return d.Manager
	}
	return w.staff(d.Office, true, i)
}

func (w *both) createDossier(a, b int) string {
	if len(w.dossiers) >= 6 || len(w.offices) == 0 {
		return ""
	}
	o := pick(w.offices, a)
	actor := w.staff(o, false, b+1)
	d, ok, msg := do(w, fmt.Sprintf("CreateDossier %s %s", actor, o), func(k *kit.Kit) (access.Dossier, error) {
		return rec(k.Access.CreateDossier(w.ctx, actor, o, "Dossier"))
	})
	if !ok || msg != "" {
		return msg
	}
	w.dossiers = append(w.dossiers, d.ID)
	if b%2 == 0 {
		_, _, msg = do(w, "SetStatus activated "+string(d.ID), func(k *kit.Kit) (access.Dossier, error) {
			return rec(k.Access.SetStatus(w.ctx, actor, d.ID, cabinet.DossierActivated))
		})
	}
	return msg
}

// teamActor is, most of the time, an admin of team t.
func (w *both) teamActor(t cabinet.TeamID, i int) cabinet.UserID {
	if i%4 == 0 {
		return w.user(i / 4)
	}
	var tm team.Team
	_ = w.mem.ViewTeams(w.ctx, func(r team.Reader) error {
		var err error
		tm, err = r.Team(w.ctx, t)
		return err
	})
	if tm.Pending {
		return tm.Lead
	}
	var admins []cabinet.UserID
	for _, m := range tm.Members {
		if m.Role == team.RoleAdmin {
			admins = append(admins, m.User)
		}
	}
	if len(admins) == 0 {
		return w.user(i)
	}
	return pick(admins, i/4)
}

// centralOf is, most of the time, the account holding a central grant on
// dossier d.
func (w *both) centralOf(d cabinet.DossierID, i int) cabinet.UserID {
	if i%4 == 0 {
		return w.user(i / 4)
	}
	var out cabinet.UserID
	_ = w.mem.ViewAccess(w.ctx, func(r access.Reader) error {
		gs, err := cabinet.All(w.ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{Dossier: d}, p)
		})
		for _, g := range gs {
			if g.Central && g.User != "" {
				out = g.User
			}
		}
		return err
	})
	if out == "" {
		return w.user(i)
	}
	return out
}

var pol6Perms = []procedure.Permissions{
	procedure.AllPermissions,
	procedure.PermissionsOf(procedure.PermView),
	procedure.PermissionsOf(procedure.PermView, procedure.PermUpload),
	procedure.PermissionsOf(procedure.PermView, procedure.PermComment, procedure.PermSubmit),
	0,
}

// command decodes and runs one command of five ints.
func (w *both) command(x []int) string {
	ctx := w.ctx
	kind, a, b, c, d := x[0]%34, x[1], x[2], x[3], x[4]
	type none = struct{}
	revOnly := func(rev cabinet.Revision, err error) (none, error) { return none{}, err }
	switch kind {
	case 0:
		return w.createUser()
	case 1, 2: // AddCollaborator
		o := pick(w.offices, a)
		actor, u := w.staff(o, true, b), w.user(c)
		prof := cabinet.ProfileStandard
		if d%4 == 0 {
			prof = cabinet.ProfileAdmin
		}
		_, _, msg := do(w, fmt.Sprintf("AddCollaborator %s %s %s %s", actor, o, u, prof), func(k *kit.Kit) (clientgroup.Collaborator, error) {
			return rec(k.Groups.AddCollaborator(ctx, actor, o, u, prof))
		})
		return msg
	case 3: // RemoveCollaborator (GRP-11) or SetProfile
		o := pick(w.offices, a)
		actor, u := w.staff(o, true, b), w.staff(o, false, c+1)
		if d%2 == 0 {
			_, _, msg := do(w, fmt.Sprintf("RemoveCollaborator %s %s %s", actor, o, u), func(k *kit.Kit) (none, error) {
				return revOnly(k.Groups.RemoveCollaborator(ctx, actor, o, u))
			})
			return msg
		}
		prof := cabinet.Profile(1 + d/2%2)
		_, _, msg := do(w, fmt.Sprintf("SetProfile %s %s %s %s", actor, o, u, prof), func(k *kit.Kit) (clientgroup.Collaborator, error) {
			return rec(k.Groups.SetProfile(ctx, actor, o, u, prof))
		})
		return msg
	case 4, 5:
		return w.createDossier(a, b)
	case 6: // SetManager
		dd, ok := w.dossier(a)
		if !ok {
			return ""
		}
		actor, m := w.dossierActor(dd, b), w.staff(dd.Office, false, c+1)
		_, _, msg := do(w, fmt.Sprintf("SetManager %s %s %s", actor, dd.ID, m), func(k *kit.Kit) (access.Dossier, error) {
			return rec(k.Access.SetManager(ctx, actor, dd.ID, m))
		})
		return msg
	case 7: // SetAssigned
		dd, ok := w.dossier(a)
		if !ok {
			return ""
		}
		actor := w.dossierActor(dd, b)
		var us []cabinet.UserID
		for i, u := range w.users {
			if (c>>i)&1 == 1 {
				us = append(us, u)
			}
		}
		_, _, msg := do(w, fmt.Sprintf("SetAssigned %s %s %v", actor, dd.ID, us), func(k *kit.Kit) (access.Dossier, error) {
			return rec(k.Access.SetAssigned(ctx, actor, dd.ID, us))
		})
		return msg
	case 8: // SetStatus
		dd, ok := w.dossier(a)
		if !ok {
			return ""
		}
		actor, st := w.dossierActor(dd, b), cabinet.DossierStatus(1+c%3)
		_, _, msg := do(w, fmt.Sprintf("SetStatus %s %s %s", actor, dd.ID, st), func(k *kit.Kit) (access.Dossier, error) {
			return rec(k.Access.SetStatus(ctx, actor, dd.ID, st))
		})
		return msg
	case 9: // CreateClientGroup
		o := pick(w.offices, a)
		actor := w.staff(o, true, b)
		g, ok, msg := do(w, fmt.Sprintf("CreateClientGroup %s %s", actor, o), func(k *kit.Kit) (clientgroup.ClientGroup, error) {
			return rec(k.Groups.CreateClientGroup(ctx, actor, o, fmt.Sprintf("Group%d", len(w.groups)), ""))
		})
		if ok {
			w.groups = append(w.groups, g.ID)
		}
		return msg
	case 10, 11: // MoveDossier
		dd, ok := w.dossier(a)
		if !ok || len(w.groups) == 0 {
			return ""
		}
		actor, to := w.staff(dd.Office, true, b), pick(w.groups, c)
		if d%6 == 0 {
			to = ""
		}
		_, _, msg := do(w, fmt.Sprintf("MoveDossier %s %s %q", actor, dd.ID, to), func(k *kit.Kit) (none, error) {
			return revOnly(k.Groups.MoveDossier(ctx, actor, dd.ID, to))
		})
		return msg
	case 12: // Assign or UnassignCollaborator
		if len(w.groups) == 0 {
			return ""
		}
		g, o := pick(w.groups, a), pick(w.offices, b)
		actor, u := w.staff(o, true, b/2), w.staff(o, false, c+1)
		if d%4 == 0 {
			_, _, msg := do(w, fmt.Sprintf("UnassignCollaborator %s %s %s", actor, g, u), func(k *kit.Kit) (none, error) {
				return revOnly(k.Groups.UnassignCollaborator(ctx, actor, g, u))
			})
			return msg
		}
		_, _, msg := do(w, fmt.Sprintf("AssignCollaborator %s %s %s", actor, g, u), func(k *kit.Kit) (clientgroup.DirectAssignment, error) {
			return rec(k.Groups.AssignCollaborator(ctx, actor, g, u))
		})
		return msg
	case 13: // collaborator groups
		o := pick(w.offices, a)
		actor := w.staff(o, true, b)
		switch {
		case len(w.cgroups) == 0 || d%4 == 0:
			cg, ok, msg := do(w, fmt.Sprintf("CreateCollaboratorGroup %s %s", actor, o), func(k *kit.Kit) (clientgroup.CollaboratorGroup, error) {
				return rec(k.Groups.CreateCollaboratorGroup(ctx, actor, o, fmt.Sprintf("Team%d", len(w.cgroups))))
			})
			if ok {
				w.cgroups = append(w.cgroups, cg.ID)
			}
			return msg
		case d%4 == 1 || len(w.groups) == 0:
			cg, u := pick(w.cgroups, c), w.staff(o, false, c/3+1)
			_, _, msg := do(w, fmt.Sprintf("AddMember %s %s %s", actor, cg, u), func(k *kit.Kit) (clientgroup.Member, error) {
				return rec(k.Groups.AddMember(ctx, actor, cg, u))
			})
			return msg
		default:
			cg, g := pick(w.cgroups, c), pick(w.groups, c/7)
			_, _, msg := do(w, fmt.Sprintf("AssignCollaboratorGroup %s %s %s", actor, g, cg), func(k *kit.Kit) (clientgroup.GroupAssignment, error) {
				return rec(k.Groups.AssignCollaboratorGroup(ctx, actor, g, cg))
			})
			return msg
		}
	case 14: // DeleteClientGroup, RemoveMember
		o := pick(w.offices, a)
		actor := w.staff(o, true, b)
		if d%2 == 0 && len(w.groups) > 0 {
			g := pick(w.groups, c)
			_, _, msg := do(w, fmt.Sprintf("DeleteClientGroup %s %s", actor, g), func(k *kit.Kit) (none, error) {
				return revOnly(k.Groups.DeleteClientGroup(ctx, actor, g))
			})
			return msg
		}
		if len(w.cgroups) > 0 {
			cg, u := pick(w.cgroups, c), w.staff(o, false, c/3+1)
			_, _, msg := do(w, fmt.Sprintf("RemoveMember %s %s %s", actor, cg, u), func(k *kit.Kit) (none, error) {
				return revOnly(k.Groups.RemoveMember(ctx, actor, cg, u))
			})
			return msg
		}
	case 15: // CreateTeam, pending when for someone else (TEAM-1)
		actor, lead := w.user(a), w.user(b)
		if c%3 != 0 {
			lead = ""
		}
		t, ok, msg := do(w, fmt.Sprintf("CreateTeam %s lead %q", actor, lead), func(k *kit.Kit) (team.Team, error) {
			return rec(k.Teams.CreateTeam(ctx, actor, fmt.Sprintf("Team%d", len(w.teams)), lead))
		})
		if ok {
			w.teams = append(w.teams, t.ID)
		}
		return msg
	case 16, 17: // Invite and AcceptInvitation, or AcceptTeam
		if len(w.teams) == 0 {
			return ""
		}
		t := pick(w.teams, a)
		actor := w.teamActor(t, b)
		if d%7 == 0 {
			_, _, msg := do(w, fmt.Sprintf("AcceptTeam %s %s", actor, t), func(k *kit.Kit) (team.Team, error) {
				return rec(k.Teams.AcceptTeam(ctx, actor, t))
			})
			return msg
		}
		i := c % len(w.users)
		role := team.RoleMember
		if d%3 == 0 {
			role = team.RoleAdmin
		}
		inv, ok, msg := do(w, fmt.Sprintf("Invite %s %s %s %s", actor, t, w.emails[i], role), func(k *kit.Kit) (team.Invitation, error) {
			return rec(k.Teams.Invite(ctx, actor, t, w.emails[i], role))
		})
		if !ok || msg != "" || d%5 == 0 {
			return msg
		}
		_, _, msg = do(w, fmt.Sprintf("AcceptInvitation %s %s", w.users[i], inv.ID), func(k *kit.Kit) (team.Team, error) {
			return rec(k.Teams.AcceptInvitation(ctx, w.users[i], inv.ID))
		})
		return msg
	case 18: // Leave or RemoveMember
		if len(w.teams) == 0 {
			return ""
		}
		t, u := pick(w.teams, a), pick(w.users, c)
		if d%2 == 0 {
			_, _, msg := do(w, fmt.Sprintf("Leave %s %s", u, t), func(k *kit.Kit) (none, error) {
				return revOnly(k.Teams.Leave(ctx, u, t))
			})
			return msg
		}
		actor := w.teamActor(t, b)
		_, _, msg := do(w, fmt.Sprintf("RemoveMember %s %s %s", actor, t, u), func(k *kit.Kit) (none, error) {
			return revOnly(k.Teams.RemoveMember(ctx, actor, t, u))
		})
		return msg
	case 19, 20: // Refer (TEAM-8)
		dd, ok := w.dossier(c)
		if !ok {
			return ""
		}
		actor := w.dossierActor(dd, a)
		var t cabinet.TeamID
		if len(w.teams) > 0 && b%3 != 0 {
			t = pick(w.teams, b)
		}
		email := pick(w.emails, d)
		_, _, msg := do(w, fmt.Sprintf("Refer %s team %q %s %s", actor, t, email, dd.ID), func(k *kit.Kit) (team.Referral, error) {
			return rec(k.Teams.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Client", ClientEmail: email, Dossier: dd.ID}))
		})
		return msg
	case 21: // RevokeConsent or RestoreConsent (TEAM-9)
		if len(w.dossiers) == 0 {
			return ""
		}
		dos := pick(w.dossiers, a)
		actor := w.centralOf(dos, b)
		if c%3 == 0 {
			_, _, msg := do(w, fmt.Sprintf("RestoreConsent %s %s", actor, dos), func(k *kit.Kit) (team.DossierConsent, error) {
				return rec(k.Teams.RestoreConsent(ctx, actor, dos))
			})
			return msg
		}
		_, _, msg := do(w, fmt.Sprintf("RevokeConsent %s %s", actor, dos), func(k *kit.Kit) (team.DossierConsent, error) {
			return rec(k.Teams.RevokeConsent(ctx, actor, dos))
		})
		return msg
	case 22, 23: // AddPerson
		dd, ok := w.dossier(a)
		if !ok {
			return ""
		}
		actor := w.dossierActor(dd, b)
		rel := access.Relations()[c%len(access.Relations())]
		p, ok, msg := do(w, fmt.Sprintf("AddPerson %s %s %s", actor, dd.ID, rel), func(k *kit.Kit) (access.Person, error) {
			return rec(k.Access.AddPerson(ctx, actor, dd.ID, access.PersonInput{Name: fmt.Sprintf("Person%d", len(w.persons)), Relation: rel}))
		})
		if ok {
			w.persons = append(w.persons, p.ID)
		}
		return msg
	case 24, 25: // GrantPerson (ACC-1, ACC-7)
		if len(w.persons) == 0 {
			return ""
		}
		p := pick(w.persons, a)
		actor := w.user(b)
		if dd, ok := w.personDossier(p); ok {
			actor = w.dossierActor(dd, b)
			if b%5 == 1 {
				actor = w.centralOf(dd.ID, b)
			}
		}
		email := pick(w.emails, c)
		level := access.Level(1 + d%2)
		g, ok, msg := do(w, fmt.Sprintf("GrantPerson %s %s %s %s", actor, p, email, level), func(k *kit.Kit) (access.Grant, error) {
			return rec(k.Access.GrantPerson(ctx, actor, p, access.GrantInput{Email: email, Phone: "0612345678", Level: level}))
		})
		if ok {
			w.grants = append(w.grants, g.ID)
		}
		return msg
	case 26: // RegisterAdvisor and GrantAdvisor (ACC-8, ACC-9)
		dd, ok := w.dossier(a)
		if !ok {
			return ""
		}
		actor, email := w.dossierActor(dd, b), pick(w.emails, c)
		adv, ok, msg := do(w, fmt.Sprintf("RegisterAdvisor %s %s %s", actor, dd.ID, email), func(k *kit.Kit) (access.Advisor, error) {
			return rec(k.Access.RegisterAdvisor(ctx, actor, dd.ID, access.AdvisorInput{Name: "Advisor", Email: email, Phone: "0123456789", Type: access.AdvisorNotary}))
		})
		if !ok || msg != "" {
			return msg
		}
		w.advisors = append(w.advisors, adv.ID)
		level := access.Level(1 + d%2)
		g, ok, msg := do(w, fmt.Sprintf("GrantAdvisor %s %s %s", actor, adv.ID, level), func(k *kit.Kit) (access.Grant, error) {
			return rec(k.Access.GrantAdvisor(ctx, actor, adv.ID, level))
		})
		if ok {
			w.grants = append(w.grants, g.ID)
		}
		return msg
	case 27: // ChangeLevel or Revoke
		if len(w.grants) == 0 {
			return ""
		}
		id := pick(w.grants, a)
		actor := w.user(b)
		if dd, ok := w.dossier(c); ok && c%2 == 0 {
			actor = w.dossierActor(dd, b)
		}
		if d%3 == 0 {
			_, _, msg := do(w, fmt.Sprintf("Revoke %s %s", actor, id), func(k *kit.Kit) (none, error) {
				return revOnly(k.Access.Revoke(ctx, actor, id))
			})
			return msg
		}
		level := access.Level(1 + d%2)
		_, _, msg := do(w, fmt.Sprintf("ChangeLevel %s %s %s", actor, id, level), func(k *kit.Kit) (access.Grant, error) {
			return rec(k.Access.ChangeLevel(ctx, actor, id, level))
		})
		return msg
	case 28: // CreateContact and InviteContact (CON-1)
		o := pick(w.offices, a)
		actor := w.staff(o, false, b)
		kind := contact.Kind(1 + c%3)
		f := contact.Fields{FirstName: "First", LastName: fmt.Sprintf("Last%d", len(w.contacts))}
		if kind != contact.KindLead {
			f.Email = pick(w.emails, c/3)
		}
		ct, ok, msg := do(w, fmt.Sprintf("CreateContact %s %s %s %s", actor, o, kind, f.Email), func(k *kit.Kit) (contact.Contact, error) {
			return rec(k.Contacts.CreateContact(ctx, actor, o, kind, f))
		})
		if !ok || msg != "" {
			return msg
		}
		w.contacts = append(w.contacts, ct.ID)
		if d%3 != 0 {
			_, _, msg = do(w, fmt.Sprintf("InviteContact %s %s", actor, ct.ID), func(k *kit.Kit) (contact.Contact, error) {
				return rec(k.Contacts.InviteContact(ctx, actor, ct.ID))
			})
		}
		return msg
	case 29: // StartImpersonation or StopImpersonation (CON-6)
		if len(w.contacts) == 0 {
			return ""
		}
		if d%3 == 0 && len(w.sessions) > 0 {
			s := pick(w.sessions, a)
			actor := w.user(b)
			_, _, msg := do(w, fmt.Sprintf("StopImpersonation %s %s", actor, s), func(k *kit.Kit) (contact.Session, error) {
				return rec(k.Contacts.StopImpersonation(ctx, actor, s))
			})
			return msg
		}
		ct := pick(w.contacts, a)
		actor := w.user(b)
		if c2, ok := w.contactRec(ct); ok && b%4 != 0 {
			actor = w.staff(c2.Office, false, c+1)
		}
		s, ok, msg := do(w, fmt.Sprintf("StartImpersonation %s %s", actor, ct), func(k *kit.Kit) (contact.Session, error) {
			return rec(k.Contacts.StartImpersonation(ctx, actor, ct))
		})
		if ok {
			w.sessions = append(w.sessions, s.ID)
		}
		return msg
	case 30: // StartTrial and CreateProcedure, AddRole, AddItem (PROC-1, PROC-2)
		o := pick(w.offices, a)
		actor := w.staff(o, true, b)
		if len(w.procs) == 0 || d%3 == 0 {
			if d%2 == 0 {
				if _, _, msg := do(w, fmt.Sprintf("StartTrial %s %s", actor, o), func(k *kit.Kit) (procedure.OfficePlan, error) {
					return rec(k.Procedures.StartTrial(ctx, actor, o))
				}); msg != "" {
					return msg
				}
			}
			p, ok, msg := do(w, fmt.Sprintf("CreateProcedure %s %s", actor, o), func(k *kit.Kit) (procedure.Procedure, error) {
				return rec(k.Procedures.CreateProcedure(ctx, actor, o, fmt.Sprintf("Proc%d", len(w.procs)), "Tenant"))
			})
			if ok {
				w.procs = append(w.procs, p.ID)
				w.roles[p.ID] = []procedure.RoleID{p.Roles[0].ID}
			}
			return msg
		}
		p := pick(w.procs, c)
		if d%2 == 0 {
			r, ok, msg := do(w, fmt.Sprintf("AddRole %s %s", actor, p), func(k *kit.Kit) (procedure.Role, error) {
				return rec(k.Procedures.AddRole(ctx, actor, p, fmt.Sprintf("Role%d", len(w.roles[p])), pick(pol6Perms, c/3)))
			})
			if ok {
				w.roles[p] = append(w.roles[p], r.ID)
			}
			return msg
		}
		role := pick(w.roles[p], c/3)
		it, ok, msg := do(w, fmt.Sprintf("AddItem %s %s %s", actor, p, role), func(k *kit.Kit) (procedure.Item, error) {
			return rec(k.Procedures.AddItem(ctx, actor, p, fmt.Sprintf("Item%d", len(w.items[p])), role))
		})
		if ok {
			w.items[p] = append(w.items[p], it.ID)
		}
		return msg
	case 31: // OpenCase (PROC-7) or InviteContributor (PROC-5)
		if len(w.procs) == 0 {
			return ""
		}
		if d%2 == 0 && len(w.cases) > 0 {
			cs := pick(w.cases, a)
			actor := w.staff(pick(w.offices, b), false, b/2)
			c2, _ := w.caseRec(cs)
			role := pick(append(w.roles[c2.Procedure], "role_unknown"), c)
			email := pick(w.emails, c/5)
			_, _, msg := do(w, fmt.Sprintf("InviteContributor %s %s %s %s", actor, cs, role, email), func(k *kit.Kit) (procedure.Participant, error) {
				return rec(k.Procedures.InviteContributor(ctx, actor, cs, role, procedure.Invitee{Email: email}, d%3 == 0))
			})
			return msg
		}
		p := pick(w.procs, a)
		dd, ok := w.dossier(b)
		if !ok {
			return ""
		}
		actor, email := w.dossierActor(dd, c), pick(w.emails, d)
		k1, ok, msg := do(w, fmt.Sprintf("OpenCase %s %s %s %s", actor, p, dd.ID, email), func(k *kit.Kit) (procedure.Case, error) {
			return rec(k.Procedures.OpenCase(ctx, actor, p, dd.ID, procedure.Invitee{Email: email}))
		})
		if ok {
			w.cases = append(w.cases, k1.ID)
		}
		return msg
	case 32: // Upload, Submit (PROC-3, PROC-4)
		if len(w.cases) == 0 {
			return ""
		}
		cs := pick(w.cases, a)
		c2, _ := w.caseRec(cs)
		items := w.items[c2.Procedure]
		if len(items) == 0 {
			return ""
		}
		item, actor := pick(items, b), w.user(c)
		if d%2 == 0 {
			_, _, msg := do(w, fmt.Sprintf("Upload %s %s %s", actor, cs, item), func(k *kit.Kit) (procedure.ItemState, error) {
				return rec(k.Procedures.Upload(ctx, actor, cs, item, "doc.pdf"))
			})
			return msg
		}
		_, _, msg := do(w, fmt.Sprintf("Submit %s %s %s", actor, cs, item), func(k *kit.Kit) (procedure.ItemState, error) {
			return rec(k.Procedures.Submit(ctx, actor, cs, item))
		})
		return msg
	case 33: // time passes: invitations and sessions expire
		w.clock.Advance(time.Duration(1+a%48) * time.Hour)
		w.log = append(w.log, fmt.Sprintf("clock +%dh", 1+a%48))
	}
	return ""
}

// sameDecisions loads a policy engine afresh from each store and compares
// every decision; it returns the number of questions asked and of those
// allowed, or a mismatch.
func sameDecisions(ctx context.Context, w *both) (n, allowed int, msg string) {
	var engines [2]*policy.Engine
	for i, s := range []kit.Store{w.mem, w.pg} {
		// policy.New, not kit.New: a kit adds a commit hook to the store,
		// and the pgstore serves every state — with a hook per state, each
		// commit synced every earlier state's engine.
		e, err := policy.New(ctx, s, policy.WithClock(w.clock))
		if err != nil {
			return 0, 0, "loading the policy: " + err.Error()
		}
		engines[i] = e
	}
	// The engine that followed the log from the empty store answers like
	// the one loaded afresh (invariant 13), at the same revision.
	if _, err := w.follower.Sync(ctx); err != nil {
		return 0, 0, "syncing the follower: " + err.Error()
	}
	if got, want := w.follower.Revision(), engines[1].Revision(); got != want {
		return 0, 0, fmt.Sprintf("the follower synced to revision %d, the fresh engine loaded %d", got, want)
	}
	rs, msg := resources(ctx, w)
	if msg != "" {
		return 0, 0, msg
	}
	subjects := []policy.Subject{policy.User("user_unknown")}
	for _, u := range w.users {
		subjects = append(subjects, policy.User(u))
	}
	for _, s := range w.sessions {
		subjects = append(subjects, policy.Impersonating(s))
	}
	for _, s := range subjects {
		for _, a := range policy.Actions() {
			for _, r := range rs[policy.ResourceKindOf(a)] {
				if a == policy.EditSection && r.Section == access.SectionInvalid ||
					a != policy.EditSection && r.Section != access.SectionInvalid ||
					a != policy.ManageFamilyAccess && r.Person != "" {
					continue
				}
				n++
				m, errM := engines[0].Check(ctx, s, a, r)
				p, errP := engines[1].Check(ctx, s, a, r)
				if m.Allowed {
					allowed++
				}
				if fmt.Sprint(errM) != fmt.Sprint(errP) {
					return n, allowed, fmt.Sprintf("Check(%s, %s, %s): memstore error %v, pgstore error %v", s, a, r, errM, errP)
				}
				if d := cmp.Diff(m, p); d != "" {
					return n, allowed, fmt.Sprintf("Check(%s, %s, %s) differs (-memstore +pgstore):\n%s", s, a, r, d)
				}
				f, errF := w.follower.Check(ctx, s, a, r)
				if d := cmp.Diff(p, f); d != "" || fmt.Sprint(errF) != fmt.Sprint(errP) {
					return n, allowed, fmt.Sprintf("Check(%s, %s, %s) differs (-fresh +follower of the log):\n%s (errors %v, %v)", s, a, r, d, errP, errF)
				}
			}
		}
	}
	for _, d := range append(w.dossiers, "dos_unknown") {
		var viewers [3][]string
		for i, e := range append(engines[:], w.follower) {
			for v, err := range e.Viewers(ctx, d) {
				viewers[i] = append(viewers[i], fmt.Sprintf("%s %s %v", v.User, v.Routes, err))
			}
		}
		n++
		if diff := cmp.Diff(viewers[0], viewers[1]); diff != "" {
			return n, allowed, fmt.Sprintf("Viewers(%s) differ (-memstore +pgstore):\n%s", d, diff)
		}
		if diff := cmp.Diff(viewers[1], viewers[2]); diff != "" {
			return n, allowed, fmt.Sprintf("Viewers(%s) differ (-fresh +follower of the log):\n%s", d, diff)
		}
	}
	return n, allowed, ""
}

// resources returns, by kind, every resource of the state (read from the
// memstore) and an unknown one of each kind.
func resources(ctx context.Context, w *both) (map[policy.ResourceKind][]policy.Resource, string) {
	rs := map[policy.ResourceKind][]policy.Resource{
		policy.ResourceTeam:      {policy.TeamResource("team_unknown")},
		policy.ResourceDossier:   {policy.DossierResource("dos_unknown"), policy.SectionResource("dos_unknown", access.SectionNotes)},
		policy.ResourceOffice:    {policy.OfficeResource("office_unknown")},
		policy.ResourceContact:   {policy.ContactResource("contact_unknown")},
		policy.ResourceProcedure: {policy.ProcedureResource("proc_unknown")},
		policy.ResourceCase:      {policy.CaseResource("case_unknown")},
		policy.ResourceItem:      {policy.ItemResource("case_unknown", "item_unknown")},
	}
	err := w.mem.ViewTeams(ctx, func(r team.Reader) error {
		ts, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, p)
		})
		for _, t := range ts {
			rs[policy.ResourceTeam] = append(rs[policy.ResourceTeam], policy.TeamResource(t.ID))
		}
		return err
	})
	if err != nil {
		return nil, err.Error()
	}
	err = w.mem.ViewAccess(ctx, func(r access.Reader) error {
		for _, d := range w.dossiers {
			rs[policy.ResourceDossier] = append(rs[policy.ResourceDossier], policy.DossierResource(d))
			for s := access.SectionFamilyStructure; s <= access.SectionNotes; s++ {
				rs[policy.ResourceDossier] = append(rs[policy.ResourceDossier], policy.SectionResource(d, s))
			}
			rs[policy.ResourceDossier] = append(rs[policy.ResourceDossier], policy.PersonResource(d, "person_unknown"))
		}
		ps, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Person, cabinet.Cursor, error) {
			return r.Persons(ctx, access.PersonFilter{}, p)
		})
		for _, p := range ps {
			rs[policy.ResourceDossier] = append(rs[policy.ResourceDossier], policy.PersonResource(p.Dossier, p.ID))
		}
		return err
	})
	if err != nil {
		return nil, err.Error()
	}
	for _, o := range w.offices {
		rs[policy.ResourceOffice] = append(rs[policy.ResourceOffice], policy.OfficeResource(o))
	}
	for _, c := range w.contacts {
		rs[policy.ResourceContact] = append(rs[policy.ResourceContact], policy.ContactResource(c))
	}
	for _, p := range w.procs {
		rs[policy.ResourceProcedure] = append(rs[policy.ResourceProcedure], policy.ProcedureResource(p))
	}
	err = w.mem.ViewProcedures(ctx, func(r procedure.Reader) error {
		for _, id := range w.cases {
			c, err := r.Case(ctx, id)
			if err != nil {
				return err
			}
			rs[policy.ResourceCase] = append(rs[policy.ResourceCase], policy.CaseResource(id))
			for _, it := range append(w.items[c.Procedure], "item_unknown") {
				rs[policy.ResourceItem] = append(rs[policy.ResourceItem], policy.ItemResource(id, it))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err.Error()
	}
	return rs, ""
}
