// Package crosscheck is a second formulation of cabinet's dossier question
// in another formalism: Cedar policies (dossier.cedar) written from SPEC
// version 2, evaluated by cedar-go over entities translated from cabinet's
// stored records (translate.go, data only). Its tests assert, over random
// states, that cabinet's policy.Engine.Check and cedar-go's Authorize agree
// on every (user, action, dossier, section) question, and report every
// disagreement with the minimal state, the question, both answers and the
// SPEC rule read.
//
// The question covers every route of POL-1 to a dossier — internal (GRP-3,
// GRP-11), team (TEAM-8, TEAM-9), central person and family grants (ACC-6,
// ACC-7, ACC-11), external advisor (ACC-10) — the archived rule (ACC-12)
// and the manager-only actions (ACC-1, ACC-9, GRP-5, GRP-11). Contributor
// routes (PROC-3) and impersonation (CON-6) are out of its scope.
package crosscheck

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/policy"
)

//go:embed dossier.cedar
var dossierCedar []byte

// Policies parses dossier.cedar into a policy set whose IDs are the
// policies' @id annotations. It returns an error if the file does not
// parse or a policy has no @id.
func Policies() (*cedar.PolicySet, error) {
	list, err := cedar.NewPolicyListFromBytes("dossier.cedar", dossierCedar)
	if err != nil {
		return nil, err
	}
	ps := cedar.NewPolicySet()
	for _, p := range list {
		id, ok := p.Annotations()["id"]
		if !ok || id == "" {
			return nil, fmt.Errorf("dossier.cedar:%d: policy without @id", p.Position().Line)
		}
		if !ps.Add(cedar.PolicyID(id), p) {
			return nil, fmt.Errorf("dossier.cedar:%d: duplicate @id %q", p.Position().Line, id)
		}
	}
	return ps, nil
}

// DossierActions are the actions of the question, in vocabulary order.
var DossierActions = []policy.Action{
	policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports,
	policy.ManageFamilyAccess, policy.ManageExternalAdvisors, policy.AssignClientGroup, policy.SetManager,
}

// Question is one (user, action, dossier, section) question; Section is
// set for policy.EditSection only.
type Question struct {
	User    cabinet.UserID
	Action  policy.Action
	Dossier cabinet.DossierID
	Section access.Section
}

// String returns e.g. "user u1 edit_section(documents) dossier d2".
func (q Question) String() string {
	a := q.Action.String()
	if q.Action == policy.EditSection {
		a += "(" + q.Section.String() + ")"
	}
	return fmt.Sprintf("user %s %s dossier %s", q.User, a, q.Dossier)
}

// Questions returns every question about users and dossiers: each
// dossier action, edit_section once per section and once without a valid
// section (denied, POL-4).
func Questions(users []cabinet.UserID, dossiers []cabinet.DossierID) []Question {
	var out []Question
	for _, u := range users {
		for _, d := range dossiers {
			for _, a := range DossierActions {
				if a == policy.EditSection {
					for _, s := range append(access.Sections(), access.SectionInvalid) {
						out = append(out, Question{User: u, Action: a, Dossier: d, Section: s})
					}
					continue
				}
				out = append(out, Question{User: u, Action: a, Dossier: d})
			}
		}
	}
	return out
}

// Answer is cedar-go's answer to a question.
type Answer struct {
	Allowed bool
	// Policies are the @id of the policies that decided: the permits of an
	// allow, the forbids of a denial (none when no permit matched).
	Policies []string
	// Rules are those policies' @rule annotations.
	Rules []string
	// Errors are the evaluation errors cedar-go reported (a correct
	// encoding has none).
	Errors []string
}

// String returns "allow via internal (GRP-3, GRP-11)", "deny by
// archived_read_only (ACC-12)" or "deny (no policy matched)".
func (a Answer) String() string {
	var b strings.Builder
	switch {
	case a.Allowed:
		b.WriteString("allow via ")
	case len(a.Policies) > 0:
		b.WriteString("deny by ")
	default:
		b.WriteString("deny (no permit matched)")
	}
	for i, p := range a.Policies {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", p, a.Rules[i])
	}
	if len(a.Errors) > 0 {
		fmt.Fprintf(&b, "; errors: %s", strings.Join(a.Errors, "; "))
	}
	return b.String()
}

// Authorize asks cedar-go question q over entities em.
func Authorize(ps *cedar.PolicySet, em types.EntityMap, q Question) Answer {
	req := cedar.Request{
		Principal: uid(TypeUser, string(q.User)),
		Action:    uid(TypeAction, q.Action.String()),
		Resource:  uid(TypeDossier, string(q.Dossier)),
		Context:   types.NewRecord(nil),
	}
	if q.Action == policy.EditSection {
		req.Context = types.NewRecord(types.RecordMap{"section": types.String(q.Section.String())})
	}
	dec, diag := cedar.Authorize(ps, em, req)
	out := Answer{Allowed: dec == cedar.Allow}
	for _, r := range diag.Reasons {
		out.Policies = append(out.Policies, string(r.PolicyID))
	}
	slices.Sort(out.Policies)
	for _, id := range out.Policies {
		out.Rules = append(out.Rules, string(ps.Get(cedar.PolicyID(id)).Annotations()["rule"]))
	}
	for _, e := range diag.Errors {
		out.Errors = append(out.Errors, fmt.Sprintf("%s: %s", e.PolicyID, e.Message))
	}
	return out
}

// Check asks cabinet's engine question q.
func Check(ctx context.Context, e *policy.Engine, q Question) (policy.Decision, error) {
	r := policy.DossierResource(q.Dossier)
	if q.Action == policy.EditSection {
		r = policy.SectionResource(q.Dossier, q.Section)
	}
	return e.Check(ctx, policy.User(q.User), q.Action, r)
}

// SpecReading says, for action a, what SPEC v2 allows, as dossier.cedar
// encodes it: the rules to read when a disagreement is reported.
func SpecReading(a policy.Action) string {
	switch a {
	case policy.ViewDossier:
		return "POL-1: any route — internal (GRP-3, only collaborators of the office, GRP-11), team (TEAM-8; closed while the dossier's consent is revoked, TEAM-9 v2; never for its central persons, TEAM-8 v2), any grant (ACC-4, ACC-11, ACC-10); archived dossiers stay viewable (ACC-12 v2)"
	case policy.EditSection:
		return "internal and team routes edit every section; read_write central/family grants edit family_structure, asset_inventory, donation_inventory and documents, never notes (ACC-11 v2); read_write advisors only the three inventory sections (ACC-10); read_only only views; nothing on an archived dossier (ACC-12 v2)"
	case policy.UseSimulations, policy.UseReports:
		return "internal and team routes only; grants never (ACC-10, ACC-11 v2); nothing on an archived dossier (ACC-12 v2)"
	case policy.ManageFamilyAccess:
		return "the manager, still a collaborator of the office (ACC-1, GRP-11 v2), or a granted central person (ACC-7); admins not (ACC-1); nothing on an archived dossier (ACC-12 v2)"
	case policy.ManageExternalAdvisors:
		return "only the manager, still a collaborator of the office (ACC-9, GRP-11 v2); nothing on an archived dossier (ACC-12 v2)"
	case policy.SetManager:
		return "an admin of the office or the manager still a collaborator there (GRP-5 v2, GRP-11 v2); nothing on an archived dossier (ACC-12 v2)"
	case policy.AssignClientGroup:
		return "admins only, activated dossiers only (GRP-5 v2); nothing on an archived dossier (ACC-12 v2)"
	}
	return "not a dossier action"
}
