package policy

import (
	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/team"
)

// A dossier page's buttons (issue 15): AllowedActions on a dossier named
// by its ID alone, when no decision log wants each action's Decision.
// dossierAt answers one action at a time and works out, for each, the
// routes of POL-1 it needs (internal, team, grants, central person) and
// the access record the predicates read; dossierButtons works them out
// once per (user, dossier) and, for each action, takes dossierAt's route
// set and asks its predicate with dossierAt's inputs for a resource
// without refinements. An action is allowed when its predicate allows and
// its routes are not empty, so the predicate is asked only when the routes
// are not (the answer is the same, at the cost of a test); the two whose
// route is a constant (ManageExternalAdvisors, AssignClientGroup) are
// asked only of whom their predicate's first check lets through (the
// manager while a collaborator, an admin). TestBatchAndLogAgreeWithCheck
// compares the sets with Check's answers, action by action, on random
// states.

// plainDossier reports whether r names a dossier by its ID and nothing
// else (DossierResource): the resource of a dossier page, whose buttons
// dossierButtons answers.
func plainDossier(r *Resource) bool {
	return r.Kind == ResourceDossier && r.Section == access.SectionInvalid &&
		r.Person == "" && r.Advisor == "" && r.Grant == "" && r.Item == "" &&
		r.Level == access.LevelInvalid && r.Relation == access.RelationInvalid &&
		r.Status == cabinet.DossierStatusInvalid && r.Group == "" && r.Team == "" &&
		r.User == "" && r.Dossier == ""
}

// viewingActions is the set of the viewing actions (Action.Viewing).
var viewingActions = func() (s ActionSet) {
	for a := ActionInvalid + 1; a < actionCount; a++ {
		if actionInfos[a].viewing {
			s.add(a)
		}
	}
	return s
}()

// viewing returns the viewing actions of s: what gate leaves an
// impersonation session (CON-6 v2).
func (s ActionSet) viewing() ActionSet {
	return ActionSet{bits: [2]uint64{s.bits[0] & viewingActions.bits[0], s.bits[1] & viewingActions.bits[1]}}
}

// dossierButtons returns the dossier actions that user record u (an
// existing account) may take on DossierResource(id), whose record is d
// (nil or not existing when unknown): the set of the actions dossierAt
// allows there (gate's impersonation rule is the caller's). The caller
// holds the read lock.
func (ix *index) dossierButtons(u *userRec, id cabinet.DossierID, d *dossRec) ActionSet {
	var set ActionSet
	exists := d != nil && d.exists
	var grants []access.Grant
	central := false
	var p cabinet.Profile
	var in cabinet.Routes
	if exists {
		grants = ix.grantsOf(d)
		central = access.HoldsCentralGrant(id, u.id, grants)
		p = u.profile(ix.officeOf(d))
		in = ix.internalAt(u, d, p)
	}
	// ViewConsent, ManageConsent: the granted central persons, whether or
	// not the dossier exists (TEAM-9, no existence oracle).
	if team.CanManageConsent(central) == nil {
		set.add(ViewConsent)
		set.add(ManageConsent)
	}
	// Refer, into the personal team (refer, reach): routes in ∪ central.
	if exists && (in != 0 || central) {
		if t, ok := ix.teams[u.personal]; ok {
			reach := team.DossierReach{Exists: true, Archived: d.status == cabinet.DossierArchived, Internal: in != 0, Central: central}
			if team.CanRefer(t, u.id, reach) == nil {
				set.add(Refer)
			}
		}
	}
	if !exists {
		return set // every other action: POL-4
	}
	archived := d.status == cabinet.DossierArchived

	// The content actions (content): internal ∪ team ∪ allowing grants;
	// but viewing, none on an archived dossier (ACC-12). EditSection
	// needs a section: denied (POL-4).
	view := access.View()
	trView, _ := ix.teamRoute(u, d, view)
	if gr, _ := grantRoutes(u.id, grants, view); in|trView|gr != 0 {
		set.add(ViewDossier)
	}
	if !archived {
		for i, a := range [...]Action{UseSimulations, UseReports} {
			act := access.UseTool(dossierTool[i])
			tr, _ := ix.teamRoute(u, d, act)
			if gr, _ := grantRoutes(u.id, grants, act); in|tr|gr != 0 {
				set.add(a)
			}
		}
	}

	dd := ix.dossierFor(u, d)
	actor := access.Actor{ID: u.id, Profile: p, Held: grants} // decision.actor
	// decision.isManager: dd.IsManager(u.id) (the manager's index is u's
	// exactly when its ID is u's) while a collaborator.
	manager := u.id != "" && d.manager == u.idx+1 && p.Valid()
	admin := p == cabinet.ProfileAdmin

	// EditFamilyTree with no person: familyTree's CanEditFamilyTree, via
	// the routes that open the tree for editing.
	fs := access.Edit(access.SectionFamilyStructure)
	trFS, _ := ix.teamRoute(u, d, fs)
	editor := actor // decision.actorWithRoutes
	editor.Routes = in | trFS
	if gr, _ := grantRoutes(u.id, grants, fs); editor.Routes|gr != 0 && access.CanEditFamilyTree(dd, editor) == nil {
		set.add(EditFamilyTree)
	}
	// ManageFamilyAccess with no person: may they manage someone's access
	// (RelationOther, no level)? Via the manager, or a central person
	// allowed alone (familyRoutes).
	if manager || central && access.CanManagePersonAccess(dd, access.Actor{ID: u.id, Held: grants}, access.RelationOther, access.LevelInvalid) == nil {
		if access.CanManagePersonAccess(dd, actor, access.RelationOther, access.LevelInvalid) == nil {
			set.add(ManageFamilyAccess)
		}
	}
	// ViewAccessRights: via the internal routes and a central person.
	viewer := actor
	viewer.Routes = in | trView
	if (in != 0 || central) && access.CanViewAccessRights(dd, viewer) == nil {
		set.add(ViewAccessRights)
	}
	// ManageExternalAdvisors: CanManageAdvisorAccess lets only the manager
	// while a collaborator through (ACC-9).
	if manager && access.CanManageAdvisorAccess(dd, actor) == nil {
		set.add(ManageExternalAdvisors)
	}
	// AssignClientGroup out of any group (Resource.Group ""):
	// CanMoveDossier lets only an admin through (CanAdminister, GRP-5),
	// and reads no staff of the dossier for that move.
	if admin && clientgroup.CanMoveDossier(cabinet.DossierFacts{ID: d.id, Office: dd.Office, Status: d.status, Manager: dd.Manager}, clientgroup.ClientGroup{}, p) == nil {
		set.add(AssignClientGroup)
	}
	// SetManager: via an admin and the manager (organisers).
	if (admin || manager) && access.CanManageDossier(dd, actor) == nil {
		set.add(SetManager)
	}
	// SetStatus needs a status: denied (POL-4).
	if held := heldRoutes(u.id, grants); in|held != 0 && clientgroup.CanReadContactAddress(in, held != 0) == nil {
		set.add(ReadContactAddress)
	}
	// ViewRoutes: the subject's own routes (Resource.User ""), via self.
	if clientgroup.CanViewRoutes(u.id, u.id, p) == nil {
		set.add(ViewRoutes)
	}
	// RemovePerson, GrantAccess and the grant actions need a person,
	// advisor or grant: denied (POL-4).
	return set
}
