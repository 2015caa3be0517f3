package policy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
)

// What-if previews (issue 16). Preview runs a command in a dry run
// (cabinet.DryRun): the store runs the command's transaction, and before
// rolling it back hands it to the engine, which loads a complete index from
// that uncommitted state and compares, for every dossier, who reaches it
// by which routes, before (the engine's index, which is exactly at the
// transaction's snapshot revision) and after (the loaded one). Apply runs
// the command again under cabinet.AtRevision: it commits only if the store
// has not moved since the preview, so that the commit causes exactly the
// previewed diff.

// DiffActions returns the actions a Diff compares, on the plain dossier
// resource (DossierResource), one per tier of the dossier's routes:
// ViewDossier (any route: internal, team, grants), UseReports (internal
// and team routes only, ACC-10) and SetManager (office admins and the
// manager, ACC-1). The other dossier actions are granted along these
// routes, refined by a section, a level or a person.
func DiffActions() []Action { return []Action{ViewDossier, UseReports, SetManager} }

// Command is a command to preview or apply: any call of the services over
// the engine's store that runs one Update… with the context it is given,
// and returns the revision it committed (a command's own revision result)
// and its error, e.g.
//
//	func(ctx context.Context) (cabinet.Revision, error) {
//		return groups.RemoveCollaborator(ctx, admin, office, user)
//	}
//
// Every command of the five services writes in exactly one Update… (each
// service has one write path), so any of them is a Command. In a preview
// the command returns cabinet.ErrDryRun (its Update… was rolled back); the
// closure returns it, or nil. A closure that runs several commands is
// refused by Preview: it would see the first one's diff only, the others
// running against a state that was rolled back. The dry run travels in the
// context: a closure that calls the services with another context (an
// outer one it captured) is not previewed — its command commits, and
// Preview can only say it saw no Update….
type Command func(ctx context.Context) (cabinet.Revision, error)

// Diff is the access a command would change, computed by Preview at one
// revision of the store.
type Diff struct {
	// Revision is the revision the diff was computed at: the head of the
	// store when the command ran in its dry run. Apply commits the command
	// only if the head is still Revision.
	Revision cabinet.Revision
	// At is the instant the answers were computed at (the engine's clock):
	// access that depends on time (an impersonation session, a trial) is
	// as of At, before and after.
	At time.Time
	// Changes lists every (dossier, user, action) whose routes differ, for
	// the actions of DiffActions, sorted by dossier, user and action. Empty
	// when the command changes no one's access to any dossier.
	Changes []Change
}

// Change is one user's access to one dossier for one action, before and
// after the command. Before and After are the routes Check answers
// (NoRoutes when it denies); they differ.
type Change struct {
	Dossier cabinet.DossierID
	User    cabinet.UserID
	Action  Action
	Before  cabinet.Routes
	After   cabinet.Routes
}

// Gained returns the routes the user gains.
func (c Change) Gained() cabinet.Routes { return c.After &^ c.Before }

// Lost returns the routes the user loses.
func (c Change) Lost() cabinet.Routes { return c.Before &^ c.After }

// String returns e.g. "d_1 u_2 view_dossier: -group_direct (assigned → none)".
func (c Change) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s:", c.Dossier, c.User, c.Action)
	if g := c.Gained(); g != 0 {
		fmt.Fprintf(&b, " +%s", g)
	}
	if l := c.Lost(); l != 0 {
		fmt.Fprintf(&b, " -%s", l)
	}
	fmt.Fprintf(&b, " (%s → %s)", routesOrNone(c.Before), routesOrNone(c.After))
	return b.String()
}

func routesOrNone(r cabinet.Routes) string {
	if r == cabinet.NoRoutes {
		return "none"
	}
	return r.String()
}

// errBehind is returned by a preview's inspection when the engine is not
// at the transaction's snapshot revision: Preview syncs and runs again.
var errBehind = errors.New("policy: the engine is not at the preview's revision")

// previewAttempts bounds how many times Preview runs the command when the
// engine keeps lagging the store (commits from other processes).
const previewAttempts = 5

// Preview runs cmd in a dry run and returns the access diff it would cause,
// bound to the revision it was computed at; nothing is committed — no
// revision, no change-log entry, no event delivered. The command itself
// checks its actor's rights, and a denied or failed command returns its
// own error (the diff is nil).
//
// Preview is a host API: show its diff only to someone entitled to see
// it (e.g. an office's admin confirming a change to the office). The diff
// covers every account and every dossier, not only what the command's
// actor may view, and a dry run leaves no trace — no event, no invitation
// — so a host that handed any actor their own previews would let them
// learn, silently and repeatedly, e.g. whether an email has an account
// (a GrantPerson previewed to it shows that account gaining a route).
// Other errors: an
// *cabinet.InvalidError naming "command" when cmd is nil or ran no
// Update… or more than one; a *cabinet.ConflictError when the engine kept
// lagging the store (commits from other processes) after a few syncs; the
// store's, ctx's.
//
// The engine syncs to the store's head first (Sync); the dry run then
// compares the engine's index, which must be exactly at the transaction's
// snapshot revision, with an index loaded from the transaction's
// uncommitted state. Cost: one full load of the store's state through the
// transaction (what New costs) and, on both sides, one Check per existing
// dossier, per existing user and per action of DiffActions — O(dossiers ×
// users). Every dossier is compared, so the diff is complete whatever the
// command touches; it is meant for an admin's confirmation screen, not for
// a hot path. On PostgreSQL the load runs inside the command's SERIALIZABLE
// transaction, which is rolled back. The answers compared are not
// decisions: the decision log (SetDecisionLog) does not receive them.
func (e *Engine) Preview(ctx context.Context, cmd Command) (*Diff, error) {
	if cmd == nil {
		return nil, cabinet.Invalid("command", "is required")
	}
	for range previewAttempts {
		if _, err := e.Sync(ctx); err != nil {
			return nil, err
		}
		var (
			diff  *Diff
			multi error
		)
		inspect := func(ctx context.Context, tx cabinet.Tx, _ []cabinet.Key) error {
			// A store calls the inspection again only after one that failed
			// (PostgreSQL re-runs a transaction whose read failed to
			// serialize); after one that succeeded, the command has gone on
			// to another Update…, whose diff would not be the commit's.
			if diff != nil {
				multi = cabinet.Invalid("command", "runs more than one Update…: preview one command at a time")
				return multi
			}
			d, err := e.diffIn(ctx, tx)
			if err != nil {
				return err
			}
			diff = d
			return nil
		}
		_, err := cmd(cabinet.DryRun(ctx, inspect))
		switch {
		case multi != nil:
			return nil, multi
		case errors.Is(err, errBehind):
			continue
		case err != nil && !errors.Is(err, cabinet.ErrDryRun):
			return nil, err
		case diff == nil:
			return nil, cabinet.Invalid("command", "ran no Update… of the engine's store under the context it was given: nothing to preview — a command run with another context is not a dry run and may have committed")
		}
		return diff, nil
	}
	return nil, cabinet.Conflict("", "the engine kept lagging the store's head: preview again")
}

// Apply runs cmd — the command previewed as d — under cabinet.AtRevision:
// the store commits it only if its head is still d.Revision, so that the
// commit changes exactly the access d lists (at d.At: access that depends
// on time may have moved with it). It returns cmd's revision. Any caller
// may ask: the command checks its actor's rights. Errors: a
// *cabinet.ConflictError (errors.Is cabinet.ErrConflict) when another
// command committed since the preview — preview again; an
// *cabinet.InvalidError naming "diff" or "command" when one is nil; the
// command's own errors.
func (e *Engine) Apply(ctx context.Context, d *Diff, cmd Command) (cabinet.Revision, error) {
	switch {
	case d == nil:
		return 0, cabinet.Invalid("diff", "is required")
	case cmd == nil:
		return 0, cabinet.Invalid("command", "is required")
	}
	return cmd(cabinet.AtRevision(ctx, d.Revision))
}

// diffIn computes the diff between the engine's index and the state of tx,
// an Update's transaction holding the command's uncommitted writes.
func (e *Engine) diffIn(ctx context.Context, tx cabinet.Tx) (*Diff, error) {
	rev := tx.Revision()
	clock := frozen(e.clock.Now())
	e.mu.RLock()
	if e.rev != rev {
		e.mu.RUnlock()
		return nil, errBehind
	}
	// Both sides answer at the one frozen instant, the expiries (issue 16)
	// included, which the index reads from its own clock: before through a
	// shallow copy of the index carrying the frozen clock (answersOf only
	// reads), after through the index loaded with it.
	view := *e.ix
	view.clock = clock
	before := answersOf(&view, clock)
	e.mu.RUnlock()
	r, err := readersOf(e.store, tx)
	if err != nil {
		return nil, err
	}
	ix, err := load(ctx, r, clock)
	if err != nil {
		return nil, err
	}
	after := answersOf(ix, clock)
	return &Diff{Revision: rev, At: clock.Now(), Changes: compare(before, after)}, nil
}

// readersOf returns the five packages' readers of tx.
func readersOf(store Store, tx cabinet.Tx) (readers, error) {
	var r readers
	var err error
	if r.teams, err = store.TeamReader(tx); err != nil {
		return r, err
	}
	if r.access, err = store.AccessReader(tx); err != nil {
		return r, err
	}
	if r.groups, err = store.ClientGroupReader(tx); err != nil {
		return r, err
	}
	if r.contacts, err = store.ContactReader(tx); err != nil {
		return r, err
	}
	r.procedures, err = store.ProcedureReader(tx)
	return r, err
}

// frozen is a clock stopped at one instant, so that both sides of a diff
// are answered at the same time.
type frozen time.Time

func (f frozen) Now() time.Time { return time.Time(f) }

// accessKey is one (dossier, user, action) of a diff.
type accessKey struct {
	dossier cabinet.DossierID
	user    cabinet.UserID
	action  Action
}

// answersOf returns the routes of every existing user to every existing
// dossier, for each action of DiffActions, where Check allows.
func answersOf(ix *index, clock cabinet.Clock) map[accessKey]cabinet.Routes {
	out := map[accessKey]cabinet.Routes{}
	actions := DiffActions()
	for _, u := range ix.users {
		if u == nil || !u.exists {
			continue
		}
		s := User(u.id)
		sub := ix.resolve(s, clock)
		for i := range ix.dossiers.len() {
			d := ix.dossiers.at(i)
			if !d.exists {
				continue
			}
			id := d.id
			for _, a := range actions {
				dec := ix.answer(&sub, s, a, DossierResource(id), clock, 0)
				if dec.Allowed {
					out[accessKey{id, u.id, a}] = dec.Routes
				}
			}
		}
	}
	return out
}

// compare lists the keys whose routes differ between before and after,
// sorted.
func compare(before, after map[accessKey]cabinet.Routes) []Change {
	var out []Change
	for k, b := range before {
		if a := after[k]; a != b {
			out = append(out, Change{Dossier: k.dossier, User: k.user, Action: k.action, Before: b, After: a})
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			out = append(out, Change{Dossier: k.dossier, User: k.user, Action: k.action, After: a})
		}
	}
	slices.SortFunc(out, func(x, y Change) int {
		return cmp.Or(cmp.Compare(x.Dossier, y.Dossier), cmp.Compare(x.User, y.User), cmp.Compare(x.Action, y.Action))
	})
	return out
}
