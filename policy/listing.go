package policy

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/procedure"
)

// DossierPage is one page of DossiersPage (POL-3).
type DossierPage struct {
	// Dossiers are the page's dossiers, in ID order.
	Dossiers []cabinet.DossierID
	// Next is the cursor of the next page: "" when no allowed dossier
	// follows, never "" when the page left one out.
	Next cabinet.Cursor
	// Revision is the revision of the index the page was decided at.
	Revision cabinet.Revision
}

// ResourceQuery selects the resources on which a subject may take one
// action (POL-3): dossiers, teams, cases or document items of cases.
type ResourceQuery struct {
	// Action is the action asked; it must apply to ResourceDossier,
	// ResourceTeam, ResourceCase or ResourceItem (other kinds are an
	// *cabinet.InvalidError naming "action"). It is asked of the plain
	// resource — DossierResource (SectionResource of Section for
	// EditSection), TeamResource, CaseResource, ItemResource — so the
	// actions that need a refinement (a person, an advisor, a grant, a
	// status) list nothing.
	Action Action
	// Section is the section for EditSection.
	Section access.Section
	// Consistency is how fresh the index must be to answer (the zero value:
	// as it is; see Consistency).
	Consistency Consistency
}

// ResourcePage is one page of Resources (POL-3).
type ResourcePage struct {
	// Resources are the page's resources, of the action's kind, in ID order
	// (items: by case ID, then item ID).
	Resources []Resource
	// Next is the cursor of the next page: "" when no allowed resource
	// follows, never "" when the page left one out.
	Next cabinet.Cursor
	// Revision is the revision of the index the page was decided at.
	Revision cabinet.Revision
}

// WhoQuery asks who may take Action on Resource (POL-3).
type WhoQuery struct {
	// Action is the action asked; it must apply to Resource's kind.
	Action Action
	// Resource is a dossier (DossierResource, SectionResource, or any
	// refinement of it), a team, a case or a document item; other kinds
	// are an *cabinet.InvalidError naming "resource".
	Resource Resource
	// Consistency is how fresh the index must be to answer (the zero value:
	// as it is; see Consistency).
	Consistency Consistency
}

// Permit is one user whom Check allows an action on a resource, with the
// decision's routes and rule (Decision.Routes, Decision.Rule).
type Permit struct {
	User   cabinet.UserID
	Routes cabinet.Routes
	Rule   string
}

// WhoPage is one page of Who (POL-3).
type WhoPage struct {
	// Permits are the page's users, in user ID order.
	Permits []Permit
	// Next is the cursor of the next page: "" when no allowed user
	// follows, never "" when the page left one out.
	Next cabinet.Cursor
	// Revision is the revision of the index the page was decided at.
	Revision cabinet.Revision
}

// ready validates the page and cursor of a listing whose fingerprint is fp,
// and waits until the index is as fresh as c asks and at least as fresh as
// the cursor's page. It returns the page size and the cursor, if any.
func (e *Engine) ready(ctx context.Context, c Consistency, p cabinet.Page, fp uint64) (int, *cursor, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	limit, err := p.Size()
	if err != nil {
		return 0, nil, err
	}
	cur, ok, err := decodeCursor(p.After, fp)
	if err != nil {
		return 0, nil, err
	}
	if c.wait() {
		if _, err := e.Await(ctx, c); err != nil {
			return 0, nil, err
		}
	}
	if !ok {
		return limit, nil, nil
	}
	if e.Revision() < cur.rev {
		// A cursor of a fresher engine (another replica's): never go back.
		// A cursor is not signed: one whose revision is past the head of
		// the log this engine reads was edited (or comes from a fresher
		// source than this engine's), and is refused rather than waited for
		// until ctx ends.
		head, err := e.log.Head(ctx)
		if err != nil {
			return 0, nil, err
		}
		if cur.rev > head {
			return 0, nil, cabinet.Invalid("cursor", "is at revision %d, past the store's head %d", cur.rev, head)
		}
		if _, err := e.Await(ctx, AtLeast(cur.rev)); err != nil {
			return 0, nil, err
		}
	}
	return limit, &cur, nil
}

// afterKey returns the key a page resumes after: the cursor's first key,
// or nil at the start (no cursor).
func afterKey[K ~string](cur *cursor) *K {
	if cur == nil {
		return nil
	}
	k := K(cur.key[0])
	return &k
}

// next returns the cursor after key k of a page at rev, or "" when no
// record follows.
func next(more bool, fp uint64, rev cabinet.Revision, k0, k1 string) cabinet.Cursor {
	if !more {
		return ""
	}
	return cursor{fp: fp, rev: rev, key: [2]string{k0, k1}}.encode()
}

// DossiersPage returns one page of the dossiers s may act on with q.Action
// (ViewDossier by default), filtered as q asks: exactly those Check allows,
// in ID order, after p.After, at most p.Size() of them (POL-3). Any caller
// may ask; its cost is proportional to the subject's memberships and to the
// dossiers decided, not to the number of dossiers.
//
// Pages and revisions: the page is decided at one revision
// (DossierPage.Revision). A cursor taken at revision r and used after the
// index has moved continues, in ID order, on the newer index — as
// Zanzibar's "at least as fresh": never on an older one (on a replica
// behind r the query first waits for r) — so each dossier appears at most
// once in a walk, on the page of the revision it was decided at; a walk
// started and finished at one revision lists exactly what Check allows at
// it.
//
// Errors: ctx's; Await's when q.Consistency (or a cursor of a fresher
// revision) waits; an *cabinet.InvalidError naming "action" when q.Action
// is not a dossier action, "limit" for a negative limit, "cursor" for a
// cursor of another query (another subject, action or filter, or another
// listing).
func (e *Engine) DossiersPage(ctx context.Context, s Subject, q DossierQuery, p cabinet.Page) (DossierPage, error) {
	a, err := dossierAction(q.Action)
	if err != nil {
		return DossierPage{}, err
	}
	q.Action = a
	fp := fingerprint("dossiers", s, a, q.Section, q.ClientGroup, q.Status)
	limit, cur, err := e.ready(ctx, q.Consistency, p, fp)
	if err != nil {
		return DossierPage{}, err
	}
	after := afterKey[cabinet.DossierID](cur)
	e.mu.RLock()
	defer e.mu.RUnlock()
	ids, more := e.dossierPage(s, q, after, limit)
	out := DossierPage{Dossiers: ids, Revision: e.rev}
	if len(ids) > 0 {
		out.Next = next(more, fp, e.rev, string(ids[len(ids)-1]), "")
	}
	return out, nil
}

// Resources returns one page of the resources on which s may take
// q.Action: exactly those of the action's kind for which Check allows it,
// in ID order (items by case, then item), after p.After, at most p.Size()
// of them (POL-3). Any caller may ask. Candidates come from the subject's
// memberships, never from a scan of every resource: the dossiers as
// DossiersPage; the teams s is a member of and the pending teams naming s
// lead or creator; the cases attached to the dossiers s reaches
// internally, the unattached cases of the offices s administers and the
// cases s opened or holds a seat on; the items of those cases. ViewRoutes is
// not listed (invalid "action"): any account may ask its own routes to any
// existing dossier (GRP-3), one at a time, and a listing would hand it the
// IDs of every office's dossiers. During impersonation only viewing
// actions list anything (CON-6).
//
// Pages, cursors and revisions are as DossiersPage's. Errors: ctx's;
// Await's; an *cabinet.InvalidError naming "action" when q.Action does not
// apply to a dossier, team, case or item, "limit" for a negative limit,
// "cursor" for a cursor of another query.
func (e *Engine) Resources(ctx context.Context, s Subject, q ResourceQuery, p cabinet.Page) (ResourcePage, error) {
	a := q.Action
	if a == ViewRoutes {
		return ResourcePage{}, errViewRoutesListed
	}
	kind := ResourceKindOf(a)
	switch kind {
	case ResourceDossier, ResourceTeam, ResourceCase, ResourceItem:
	default:
		return ResourcePage{}, cabinet.Invalid("action", "%s does not apply to a dossier, team, case or item", a)
	}
	if a != EditSection {
		q.Section = access.SectionInvalid // read by EditSection only
	}
	fp := fingerprint("resources", s, a, q.Section)
	limit, cur, err := e.ready(ctx, q.Consistency, p, fp)
	if err != nil {
		return ResourcePage{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := ResourcePage{Revision: e.rev}
	var more bool
	var last [2]string
	switch kind {
	case ResourceDossier:
		after := afterKey[cabinet.DossierID](cur)
		var ids []cabinet.DossierID
		ids, more = e.dossierPage(s, DossierQuery{Action: a, Section: q.Section}, after, limit)
		for _, id := range ids {
			out.Resources = append(out.Resources, SectionResource(id, q.Section))
			last[0] = string(id)
		}
	case ResourceTeam:
		out.Resources, last, more = e.resourcePage(s, a, cur, limit, func(ix *index, u *userRec) []Resource {
			var rs []Resource
			for _, t := range ix.teamCandidates(u) {
				rs = append(rs, TeamResource(t))
			}
			return rs
		})
	case ResourceCase:
		out.Resources, last, more = e.resourcePage(s, a, cur, limit, func(ix *index, u *userRec) []Resource {
			var rs []Resource
			for _, c := range ix.caseCandidates(u) {
				rs = append(rs, CaseResource(c))
			}
			return rs
		})
	case ResourceItem:
		out.Resources, last, more = e.resourcePage(s, a, cur, limit, func(ix *index, u *userRec) []Resource {
			var rs []Resource
			for _, k := range ix.itemsOf(ix.caseCandidates(u)) {
				rs = append(rs, ItemResource(k.c, k.item))
			}
			return rs
		})
	}
	if len(out.Resources) > 0 {
		out.Next = next(more, fp, e.rev, last[0], last[1])
	}
	return out, nil
}

// resourceKey is the key of a team, case or item resource in a cursor.
func resourceKey(r Resource) [2]string { return [2]string{r.ID, string(r.Item)} }

func compareResources(a, b Resource) int {
	return compareItemKeys(itemKey{cabinet.CaseID(a.ID), a.Item}, itemKey{cabinet.CaseID(b.ID), b.Item})
}

// resourcePage is a page of Resources for a team, case or item action,
// under the read lock: the candidates of cands (sorted by ID, then item)
// after cur, decided as Check.
func (e *Engine) resourcePage(s Subject, a Action, cur *cursor, limit int, cands func(*index, *userRec) []Resource) ([]Resource, [2]string, bool) {
	ix := e.ix
	u := ix.listSubject(s, a, e.clock)
	if u == nil {
		return nil, [2]string{}, false
	}
	var after *Resource
	if cur != nil {
		after = &Resource{ID: cur.key[0], Item: procedure.ItemID(cur.key[1])}
	}
	out, last, more := pick(cands(ix, u), compareResources, after, limit, func(r Resource) (Resource, bool) {
		return r, ix.decide(u, a, r, e.clock).routes != 0
	})
	return out, resourceKey(last), more
}

// Who returns one page of the users whom Check allows q.Action on
// q.Resource, each with the decision's routes and rule, in user ID order,
// after p.After, at most p.Size() of them (POL-3): for a dossier (any
// dossier action, on DossierResource, SectionResource or a refinement),
// a team, a case or a document item. Any caller may ask (it names who holds
// access: a host shows it to whoever may see the access rights). Candidates
// come from the resource's side: for a dossier those who reach it
// internally, the members of the teams holding its referrals and its
// grantees (for ViewRoutes of one's own routes, GRP-3, every account); for
// a team its members, lead, creator and owner; for a case or an item its
// opener, its participants, its office's admins and those who reach its
// dossier internally. Viewers is Who for ViewDossier on a dossier.
//
// Pages, cursors and revisions are as DossiersPage's. Errors: ctx's;
// Await's; an *cabinet.InvalidError naming "resource" for a resource of
// another kind, "action" for an action that does not apply to it, "limit"
// for a negative limit, "cursor" for a cursor of another query.
func (e *Engine) Who(ctx context.Context, q WhoQuery, p cabinet.Page) (WhoPage, error) {
	a, r := q.Action, q.Resource
	switch r.Kind {
	case ResourceDossier, ResourceTeam, ResourceCase, ResourceItem:
	default:
		return WhoPage{}, cabinet.Invalid("resource", "Who answers for dossiers, teams, cases and items, not %s", r.Kind)
	}
	if !a.AppliesTo(r.Kind) {
		return WhoPage{}, cabinet.Invalid("action", "%s does not apply to a %s", a, r.Kind)
	}
	fp := fingerprint("who", a, r)
	limit, cur, err := e.ready(ctx, q.Consistency, p, fp)
	if err != nil {
		return WhoPage{}, err
	}
	after := afterKey[cabinet.UserID](cur)
	e.mu.RLock()
	defer e.mu.RUnlock()
	ps, more := e.whoPage(a, r, after, limit)
	out := WhoPage{Permits: ps, Revision: e.rev}
	if len(ps) > 0 {
		out.Next = next(more, fp, e.rev, string(ps[len(ps)-1].User), "")
	}
	return out, nil
}
