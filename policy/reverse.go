package policy

import (
	"context"
	"slices"

	"github.com/cabinet-go/cabinet"
)

// dossiers answers Dossiers under the read lock and returns a copy.
//
// Candidates come from the subject's memberships only: every dossier of the
// offices where the user is an admin, the dossiers they manage or are
// assigned to, the dossiers of the client groups they reach (directly or
// through a collaborator group), the referral dossiers of their teams and
// the dossiers of their grants. Every route of POL-1 starts from one of
// these, so no other dossier can be allowed. Each candidate is then decided
// exactly as Check would, and filtered.
func (e *Engine) dossiers(ctx context.Context, s Subject, q DossierQuery) ([]cabinet.DossierID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a := q.Action
	if a == ActionInvalid {
		a = ViewDossier
	}
	if !a.AppliesTo(ResourceDossier) {
		return nil, cabinet.Invalid("action", "%s is not a dossier action", a)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	ix := e.ix
	sub := ix.resolve(s, e.clock)
	if sub.user == nil || (s.Session != "" && !a.Viewing()) {
		return nil, nil // as Check: nothing is allowed (POL-4, CON-6)
	}
	u := sub.user
	var qg uint32 // q.ClientGroup interned, when set
	if q.ClientGroup != "" {
		g := ix.cgs[q.ClientGroup]
		if g == nil {
			return nil, nil // no dossier is in an unknown group
		}
		qg = g.idx
	}
	seen := map[uint32]struct{}{}
	var out []cabinet.DossierID
	consider := func(di uint32) {
		if _, ok := seen[di]; ok {
			return
		}
		seen[di] = struct{}{}
		d := &ix.dossiers[di]
		if !d.exists {
			return
		}
		if qg != 0 && d.group != qg {
			return
		}
		if q.Status.Valid() && d.facts.Status != q.Status {
			return
		}
		dq := decision{ix: ix, u: u, a: a, r: SectionResource(d.facts.ID, q.Section), clock: e.clock}
		if dq.dossierAt(d.facts.ID, d).routes != 0 {
			out = append(out, d.facts.ID)
		}
	}
	for _, op := range u.offices {
		if op.profile == cabinet.ProfileAdmin {
			if o := ix.offices[op.office]; o != nil {
				for _, di := range o.dossiers {
					consider(di)
				}
			}
		}
	}
	for _, di := range u.staff {
		consider(di)
	}
	for _, groups := range [2][]uint32{u.direct, u.via} {
		for _, g := range groups {
			if qg != 0 && g != qg {
				continue
			}
			for _, di := range ix.cgRecs[g].dossiers {
				consider(di)
			}
		}
	}
	for _, t := range u.teams {
		for _, rid := range ix.teamRefs[t] {
			if d := ix.referrals[rid].Dossier; d != "" {
				if di, ok := ix.dossIdx[d]; ok {
					consider(di)
				}
			}
		}
	}
	for _, gid := range u.grants {
		if di, ok := ix.dossIdx[ix.grants[gid].Dossier]; ok {
			consider(di)
		}
	}
	return out, nil
}

// viewers answers Viewers under the read lock and returns a copy.
//
// Candidates come from the dossier's side: the admins of its office, its
// manager and assigned collaborators, the direct collaborators of its client
// group and the members of the collaborator groups assigned to it, the
// members of the teams holding its referrals, and its grantees. Each is then
// decided exactly as Check would.
func (e *Engine) viewers(ctx context.Context, id cabinet.DossierID) ([]Access, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	ix := e.ix
	d := ix.dossier(id)
	if d == nil || !d.exists {
		return nil, nil
	}
	cands := map[cabinet.UserID]struct{}{}
	add := func(u cabinet.UserID) {
		if u != "" {
			cands[u] = struct{}{}
		}
	}
	if o := ix.offices[d.facts.Office]; o != nil {
		for u, p := range o.collabs {
			if p == cabinet.ProfileAdmin {
				add(u)
			}
		}
	}
	add(d.facts.Manager)
	for _, u := range d.facts.Assigned {
		add(u)
	}
	if d.group != 0 {
		if g := ix.cgRecs[d.group]; g != nil {
			for _, u := range g.direct {
				add(u)
			}
			for _, c := range g.colgs {
				if cr := ix.colgs[c]; cr != nil {
					for _, u := range cr.members {
						add(u)
					}
				}
			}
		}
	}
	for _, rid := range ix.refsOf(d) {
		for _, m := range ix.teams[ix.referrals[rid].Team].Members {
			add(m.User)
		}
	}
	for _, g := range ix.grantsOf(d) {
		add(g.User)
	}
	var out []Access
	for uid := range cands {
		u := ix.user(uid)
		if u == nil || !u.exists {
			continue
		}
		if r := ix.decide(u, ViewDossier, DossierResource(id), e.clock).routes; r != 0 {
			out = append(out, Access{User: uid, Routes: r})
		}
	}
	slices.SortFunc(out, func(a, b Access) int {
		switch {
		case a.User < b.User:
			return -1
		case a.User > b.User:
			return 1
		}
		return 0
	})
	return out, nil
}
