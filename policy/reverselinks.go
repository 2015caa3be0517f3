package policy

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// reverseLinks are the links from a subject's memberships (and from a
// dossier or an office) to the teams and cases the reverse queries list
// (reverse.go, listing.go), which Check does not need: Check reads a team
// or a case by its ID. They are kept in step by setTeam and setCase, like
// every other link of the index. The maps are created on first use.
type reverseLinks struct {
	pendingTeams map[cabinet.UserID][]cabinet.TeamID    // pending teams naming u their lead or creator (TEAM-1), sorted
	userCases    map[cabinet.UserID][]cabinet.CaseID    // cases u opened or holds a seat on, sorted
	dossCases    map[cabinet.DossierID][]cabinet.CaseID // cases attached to the dossier, sorted
	looseCases   map[cabinet.OfficeID][]cabinet.CaseID  // unattached cases of the office, sorted
}

// linkSorted adds (in) or removes v from m[k], dropping an empty entry.
func linkSorted[K comparable, V ~string](m *map[K][]V, k K, v V, in bool) {
	if *m == nil {
		*m = map[K][]V{}
	}
	var list []V
	if in {
		list = insertSorted((*m)[k], v)
	} else {
		list = removeSorted((*m)[k], v)
	}
	if len(list) == 0 {
		delete(*m, k)
		return
	}
	(*m)[k] = list
}

// linkTeam links (in) or unlinks team t's lead and creator while it is
// pending.
func (l *reverseLinks) linkTeam(t team.Team, in bool) {
	if !t.Pending {
		return
	}
	for _, u := range [2]cabinet.UserID{t.Lead, t.CreatedBy} {
		if u != "" {
			linkSorted(&l.pendingTeams, u, t.ID, in)
		}
	}
}

// caseUsers are the users a case links: who opened it and who holds a
// seat on it.
func caseUsers(k procedure.Case) []cabinet.UserID {
	out := []cabinet.UserID{k.OpenedBy, k.Recipient.User}
	for _, p := range k.Contributors {
		out = append(out, p.User)
	}
	return out
}

// linkCase links (in) or unlinks case k.
func (l *reverseLinks) linkCase(k procedure.Case, in bool) {
	for _, u := range caseUsers(k) {
		if u != "" {
			linkSorted(&l.userCases, u, k.ID, in)
		}
	}
	if k.Dossier != "" {
		linkSorted(&l.dossCases, k.Dossier, k.ID, in)
	} else {
		linkSorted(&l.looseCases, k.Office, k.ID, in)
	}
}

// setCase stores case id (nil: it does not exist) and its reverse links.
func (ix *index) setCase(id cabinet.CaseID, k *procedure.Case) {
	if old, ok := ix.cases[id]; ok {
		ix.links.linkCase(old, false)
		delete(ix.cases, id)
	}
	if k == nil {
		return
	}
	ix.cases[id] = *k
	ix.links.linkCase(*k, true)
}
