// Package crosscheck is a second formulation of cabinet's dossier question
// in another formalism: Cedar policies (dossier.cedar) written from SPEC
// version 2, evaluated by cedar-go over entities translated from cabinet's
// stored records (translate.go, data only). Its tests assert, over random
// states, that cabinet's policy.Engine.Check and cedar-go's Authorize agree
// on every (user, dossier action, dossier, refinement) question, and report
// every disagreement with the minimal state, the question, both answers and
// the SPEC rule read.
//
// The question covers every route of POL-1 to a dossier — internal (GRP-3,
// GRP-11), team (TEAM-8 with its referrer still entitled, TEAM-9), central
// person and family grants (ACC-6, ACC-7, ACC-11), external advisor
// (ACC-10) — the archived rule (ACC-12), the manager-only actions (ACC-1,
// ACC-2, ACC-9, GRP-5, GRP-11), and the dossier actions of SPEC v2's
// vocabulary that need no person, advisor or grant of the dossier:
// edit_family_tree, view_access_rights, set_status, read_contact_address,
// refer, view_consent and manage_consent (DossierActions). Contributor
// routes (PROC-3), impersonation (CON-6) and the actions on one person,
// advisor or grant are out of its scope.
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

// ActionShareVault is the encoding's own helper action, not one of
// cabinet's: may the principal share the dossier with a team (TEAM-8 v2:
// it reaches the dossier through an internal route of its office or is its
// granted central person). Derive asks it to compute the sharers and
// sharingTeams attributes. ActionShareEdit and ActionShareFull are the
// same question for what a shared vault opens beyond viewing (TEAM-8 v2: a
// referral never opens more than its referrer holds): editing the client
// sections (an internal route, or a read_write central grant) and
// everything the team route gives (an internal route).
const (
	ActionShareVault = "share_vault"
	ActionShareEdit  = "share_edit"
	ActionShareFull  = "share_full"
)

// Entities returns the state of s as the policies read it: Translate's
// data completed by Derive.
func Entities(ctx context.Context, s Stores, ps *cedar.PolicySet) (types.EntityMap, error) {
	em, err := Translate(ctx, s)
	if err != nil {
		return nil, err
	}
	return Derive(ps, em)
}

// derived are the team attributes Derive computes, each from one helper
// action: the teams of the dossier's referrals whose referrer the policy
// set allows that action.
var derived = []struct{ action, users, teams string }{
	{ActionShareVault, "sharers", "sharingTeams"},
	{ActionShareEdit, "editSharers", "editingTeams"},
	{ActionShareFull, "fullSharers", "fullTeams"},
}

// Derive adds to every dossier of em the attributes that Cedar cannot
// compute in one request, because it has no quantifier over a set: sharers
// (Set<User>), the users dossier.cedar allows ActionShareVault on the
// dossier, and sharingTeams (Set<Team>), the teams of the dossier's
// referrals whose referrer is a sharer; likewise editSharers/editingTeams
// (ActionShareEdit) and fullSharers/fullTeams (ActionShareFull). So the
// rule — who is entitled to share the vault, and how much, TEAM-8 v2 — is
// in the policies "share_*"; Derive only asks them and filters the
// referrals by their answers. The team route reads the team sets: it
// applies only while a referral's referrer still reaches the dossier, and
// opens no more than the referrer holds (TEAM-8 v2, GRP-11). It returns an
// error if a policy fails to evaluate.
func Derive(ps *cedar.PolicySet, em types.EntityMap) (types.EntityMap, error) {
	out := em.Clone()
	var users []types.EntityUID
	for id := range em {
		if id.Type == TypeUser {
			users = append(users, id)
		}
	}
	for id, d := range em {
		if id.Type != TypeDossier {
			continue
		}
		attrs := d.Attributes.Map()
		for _, x := range derived {
			var sharers []types.Value
			isSharer := map[types.EntityUID]bool{}
			for _, u := range users {
				dec, diag := cedar.Authorize(ps, em, cedar.Request{
					Principal: u, Action: uid(TypeAction, x.action), Resource: id, Context: types.NewRecord(nil),
				})
				if len(diag.Errors) > 0 {
					return nil, fmt.Errorf("%s on %s: %s: %s", x.action, id, diag.Errors[0].PolicyID, diag.Errors[0].Message)
				}
				if dec == cedar.Allow {
					sharers = append(sharers, u)
					isSharer[u] = true
				}
			}
			var teams []types.Value
			refs, _ := d.Attributes.Get("referrals")
			set, _ := refs.(types.Set)
			for v := range set.All() {
				ref, ok := em[v.(types.EntityUID)]
				if !ok {
					continue
				}
				referrer, _ := ref.Attributes.Get("referrer")
				t, _ := ref.Attributes.Get("team")
				if r, ok := referrer.(types.EntityUID); ok && isSharer[r] && !slices.ContainsFunc(teams, t.Equal) {
					teams = append(teams, t)
				}
			}
			attrs[types.String(x.users)] = types.NewSet(sharers...)
			attrs[types.String(x.teams)] = types.NewSet(teams...)
		}
		d.Attributes = types.NewRecord(attrs)
		out[id] = d
	}
	return out, nil
}

// DossierActions are the actions of the question, in vocabulary order.
var DossierActions = []policy.Action{
	policy.ViewDossier, policy.EditSection, policy.UseSimulations, policy.UseReports,
	policy.EditFamilyTree, policy.ManageFamilyAccess, policy.ViewAccessRights, policy.ManageExternalAdvisors,
	policy.AssignClientGroup, policy.SetManager, policy.SetStatus, policy.ReadContactAddress,
	policy.Refer, policy.ViewConsent, policy.ManageConsent,
}

// Question is one (user, action, dossier) question with the refinement its
// action reads (policy.Resource's fields of the same names): Section for
// EditSection, Relation for EditFamilyTree (a person added with that
// relation; RelationInvalid: the tree at all), Level for
// ManageFamilyAccess (LevelInvalid: none given), Status for SetStatus,
// Group for AssignClientGroup ("" takes the dossier out of its group) and
// Team for Refer ("" the subject's personal team).
type Question struct {
	User     cabinet.UserID
	Action   policy.Action
	Dossier  cabinet.DossierID
	Section  access.Section
	Relation access.Relation
	Level    access.Level
	Status   cabinet.DossierStatus
	Group    cabinet.ClientGroupID
	Team     cabinet.TeamID
}

// refinement returns q's refinement as "name=value" pairs.
func (q Question) refinement() []string {
	var out []string
	if q.Action == policy.EditSection {
		out = append(out, q.Section.String())
	}
	if q.Relation != access.RelationInvalid {
		out = append(out, "relation "+q.Relation.String())
	}
	if q.Level != access.LevelInvalid {
		out = append(out, "level "+q.Level.String())
	}
	if q.Status != cabinet.DossierStatusInvalid {
		out = append(out, "to "+q.Status.String())
	}
	if q.Group != "" {
		out = append(out, "group "+string(q.Group))
	}
	if q.Team != "" {
		out = append(out, "team "+string(q.Team))
	}
	return out
}

// String returns e.g. "user u1 edit_section(documents) dossier d2".
func (q Question) String() string {
	a := q.Action.String()
	if r := q.refinement(); len(r) > 0 {
		a += "(" + strings.Join(r, ", ") + ")"
	}
	return fmt.Sprintf("user %s %s dossier %s", q.User, a, q.Dossier)
}

// Questions returns every question about users and dossiers: each
// dossier action once per refinement — edit_section once per section and
// once without a valid section (denied, POL-4); edit_family_tree without
// relation and adding a holder; manage_family_access without level and at
// each level; set_status to each status; assign_client_group taking the
// dossier out and into each of groups; refer into the subject's personal
// team and into each of teams.
func Questions(users []cabinet.UserID, dossiers []cabinet.DossierID, groups []cabinet.ClientGroupID, teams []cabinet.TeamID) []Question {
	var out []Question
	for _, u := range users {
		for _, d := range dossiers {
			q := Question{User: u, Dossier: d}
			for _, a := range DossierActions {
				q.Action = a
				switch a {
				case policy.EditSection:
					for _, s := range append(access.Sections(), access.SectionInvalid) {
						out = append(out, Question{User: u, Action: a, Dossier: d, Section: s})
					}
				case policy.EditFamilyTree:
					for _, rel := range []access.Relation{access.RelationInvalid, access.RelationHolder} {
						out = append(out, Question{User: u, Action: a, Dossier: d, Relation: rel})
					}
				case policy.ManageFamilyAccess:
					for _, l := range []access.Level{access.LevelInvalid, access.LevelReadOnly, access.LevelReadWrite} {
						out = append(out, Question{User: u, Action: a, Dossier: d, Level: l})
					}
				case policy.SetStatus:
					for _, s := range []cabinet.DossierStatus{cabinet.DossierDraft, cabinet.DossierActivated, cabinet.DossierArchived} {
						out = append(out, Question{User: u, Action: a, Dossier: d, Status: s})
					}
				case policy.AssignClientGroup:
					for _, g := range append([]cabinet.ClientGroupID{""}, groups...) {
						out = append(out, Question{User: u, Action: a, Dossier: d, Group: g})
					}
				case policy.Refer:
					for _, t := range append([]cabinet.TeamID{""}, teams...) {
						out = append(out, Question{User: u, Action: a, Dossier: d, Team: t})
					}
				default:
					out = append(out, q)
				}
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
// archived_read_only (ACC-12)" or "deny (no permit matched)".
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

// Authorize asks cedar-go question q over entities em (as Entities
// returns them). The refinement goes in the request's context: section
// (edit_section, always), relation, level, status (strings), group
// (ClientGroup) and team (Team) when set.
func Authorize(ps *cedar.PolicySet, em types.EntityMap, q Question) Answer {
	ctx := types.RecordMap{}
	if q.Action == policy.EditSection {
		ctx["section"] = types.String(q.Section.String())
	}
	if q.Relation != access.RelationInvalid {
		ctx["relation"] = types.String(q.Relation.String())
	}
	if q.Level != access.LevelInvalid {
		ctx["level"] = types.String(q.Level.String())
	}
	if q.Status != cabinet.DossierStatusInvalid {
		ctx["status"] = types.String(q.Status.String())
	}
	if q.Group != "" {
		ctx["group"] = uid(TypeClientGroup, string(q.Group))
	}
	if q.Team != "" {
		ctx["team"] = uid(TypeTeam, string(q.Team))
	}
	req := cedar.Request{
		Principal: uid(TypeUser, string(q.User)),
		Action:    uid(TypeAction, q.Action.String()),
		Resource:  uid(TypeDossier, string(q.Dossier)),
		Context:   types.NewRecord(ctx),
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

// Check asks cabinet's engine question q, on policy.DossierResource(q.Dossier)
// refined with q's section, relation, level, status, group and team.
func Check(ctx context.Context, e *policy.Engine, q Question) (policy.Decision, error) {
	r := policy.DossierResource(q.Dossier)
	r.Section, r.Relation, r.Level, r.Status, r.Group, r.Team = q.Section, q.Relation, q.Level, q.Status, q.Group, q.Team
	return e.Check(ctx, policy.User(q.User), q.Action, r)
}

// archived is ACC-12 v2 as the encoding reads it, shared by the readings
// below.
const archived = "; on an archived dossier nothing but viewing (ACC-12 v2)"

// SpecReading says, for action a, what SPEC v2 allows, as dossier.cedar
// encodes it: the rules to read when a disagreement is reported.
func SpecReading(a policy.Action) string {
	switch a {
	case policy.ViewDossier:
		return "POL-1: any route — internal (GRP-3, only collaborators of the office, GRP-11), team (TEAM-8; only while a referral's referrer still reaches the dossier internally or is its granted central person, TEAM-8 v2; closed while the dossier's consent is revoked, TEAM-9 v2; never for its central persons, TEAM-8 v2), any grant (ACC-4, ACC-11, ACC-10); archived dossiers stay viewable (ACC-12 v2)"
	case policy.EditSection:
		return "internal and team routes edit every section; read_write central/family grants edit family_structure, asset_inventory, donation_inventory and documents, never notes (ACC-11 v2); read_write advisors only the three inventory sections (ACC-10); read_only only views" + archived
	case policy.UseSimulations, policy.UseReports:
		return "internal and team routes only; grants never (ACC-10, ACC-11 v2)" + archived
	case policy.EditFamilyTree:
		return "whoever edits family_structure — internal and team routes, read_write grants of any kind (ACC-10, ACC-11 v2); a central person (holder, co_holder) only by the manager still a collaborator (ACC-2 v2, GRP-11 v2)" + archived
	case policy.ManageFamilyAccess:
		return "the manager, still a collaborator of the office (ACC-1, GRP-11 v2), at any level, or a granted central person at most at their own level (ACC-7 v2); admins not (ACC-1)" + archived
	case policy.ViewAccessRights:
		return "the office's collaborators with an internal route (GRP-3, GRP-11) and the granted central persons (ACC-7); not the team route, family members nor advisors (cabinet's decision)"
	case policy.ManageExternalAdvisors:
		return "only the manager, still a collaborator of the office (ACC-9, GRP-11 v2)" + archived
	case policy.SetManager:
		return "an admin of the office or the manager still a collaborator there (GRP-5 v2, GRP-11 v2)" + archived
	case policy.SetStatus:
		return "an admin of the office or the manager still a collaborator there (GRP-5 v2, GRP-11 v2); moves draft → activated, activated → archived, archived → activated (reactivation, the one change an archived dossier takes: ACC-12 v2 as the lead reads it), and to the current status (a no-op, cabinet's decision)"
	case policy.AssignClientGroup:
		return "admins only; into a group of the dossier's office (GRP-1), activated dossiers only (GRP-5 v2); out of its group, any dossier (a draft's is a no-op, cabinet's decision)" + archived
	case policy.ReadContactAddress:
		return "whoever reaches the dossier internally (GRP-3, GRP-11) or holds a grant on it (GRP-7; not the team route, cabinet's decision)"
	case policy.Refer:
		return "a member of the team (the personal team when none is named, TEAM-7), not pending (TEAM-1 v2), who reaches the dossier internally or is its granted central person (TEAM-8 v2)" + archived
	case policy.ViewConsent, policy.ManageConsent:
		return "the dossier's granted central persons, and nobody else (TEAM-9 v2); also on an archived dossier (cabinet's decision against ACC-12's letter, for the lead to confirm)"
	}
	return "not a dossier action"
}
