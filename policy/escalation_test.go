package policy_test

// SPEC §3 invariant 12 (v2), no escalation: over random command sequences
// run by every kind of actor, a user gains a route to a dossier only through
// a command whose actor the rules entitle to open that route, and never
// through their own command alone.
//
// Each sequence runs on a fresh world (escWorld: kit.New over
// memstore.New(memstore.RunTwice()), a ManualClock, sequential IDs) whose
// seed holds every actor kind: office admins and standard collaborators,
// an outsider with an account and no link, granted holders and co-holders
// (read_only, read_write), a family member and external advisors with
// grants (read_only, read_write), a team with its lead, an admin and a
// member reaching a dossier only through the team route, a case's main
// recipient and contributor, invited contacts that collaborators can
// impersonate, and addresses waiting for a sign-up. Commands come from ONE
// table, escMoves (name, weight, arguments, run): generic moves by any actor
// and the attacks of issue 11 with raised weights. Valid and invalid
// commands alike are run; after EVERY command the capability set (for every
// account and every impersonation session, every dossier and every dossier
// action, the routes policy.Engine.Check allows) is recomputed and diffed
// against the previous one, and the entitlement oracle of
// escalation_oracle_test.go, which decides from the raw store records and
// never from package policy, judges it (escOpened, escHeld, escPositions).
//
// Properties: TestINV12NoEscalation/all (every move at its table weight) and
// TestINV12NoEscalation/attacks (the attack moves of issue 11 five times
// heavier); both fail on any violation (they did on main before v2, on
// every rule of issue 11; they pass on v2). To shrink one hole at a time, set
// CABINET_ESCALATION_ONLY (see escOnly; /work/notes/escalation-before.md
// has the commands).
//
// Adapting to a new service API: only escMoves and newEscWorld call the
// services; the oracle reads records. See escMoves' comment.

import (
	"context"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// ---- the world ----

// escWorld is one sequence's world: the kit, its store and clock, the seed's
// names, and what the moves pick from.
type escWorld struct {
	k     *kit.Kit
	store *memstore.Store
	clock *cabinet.ManualClock

	user    map[string]cabinet.UserID // seed name → account
	o1, o2  cabinet.OfficeID
	d1      cabinet.DossierID // o1, in client group G1, managed by ben: the vault most attacks aim at
	d2      cabinet.DossierID // o1, in no client group, managed by cat, dan assigned
	d3      cabinet.DossierID // o2: foreign to everyone of o1
	unknown cabinet.DossierID // no such dossier
	groups  []cabinet.ClientGroupID
	cgroups []cabinet.CollaboratorGroupID
	cases   []procedure.Case
	procs   map[cabinet.ProcedureID]procedure.Procedure

	ids     *escIDs
	removed map[cabinet.UserID][]cabinet.OfficeID // who was removed from which office (labels)
	alias   map[string]string                     // record ID → readable name (labels)
	led     *escLedger
}

// escSeedNames are the seed's accounts; each one's email is name@example.com.
var escSeedNames = []string{
	"ada",  // admin of o1
	"ben",  // standard collaborator of o1, manager of D1, lead of T1
	"cat",  // standard collaborator of o1, manager of D2, direct collaborator of G1 (D1's group)
	"dan",  // standard collaborator of o1, in collaborator group K1 (assigned to G1), assigned to D2
	"fay",  // admin of o2, manager of D3
	"hol",  // D1's holder, read_only grant; main recipient of D1's case; invited client contact of o1
	"coh",  // D1's co-holder, read_write grant; invited client contact of o1
	"kid",  // D1's child, read_write family grant
	"nora", // D1's notary, read_write advisor grant; invited partner contact of o1
	"bob",  // D1's banker, read_only advisor grant
	"tess", // member of T1: reaches D1 only through the team route
	"tom",  // admin (not lead) of T1
	"olly", // outsider: an account, no office, no grant, no team; invited by tom to T1 (pending)
	"rita", // contributor (guarantor) on D1's case
}

// escEmail is the seed address of name.
func escEmail(name string) string { return name + "@example.com" }

// escAlt is an address name controls besides their account's: waiting for a
// sign-up.
func escAlt(name string) string { return name + ".alt@example.com" }

// escEmails is the pool of addresses the moves give to grants, referrals,
// invitations and seats: every seed account's, and the addresses waiting
// for a sign-up (escSignUps).
var escEmails = func() []string {
	var out []string
	for _, n := range escSeedNames {
		out = append(out, escEmail(n))
	}
	return append(out, escSignUps...)
}()

// escSignUps are the addresses SignUp creates accounts for: what
// collaborators, central persons, family members and outsiders control
// besides their account, an unregistered lawyer's, a newcomer's.
var escSignUps = []string{
	escAlt("ben"), escAlt("cat"), escAlt("dan"), escAlt("ada"), escAlt("hol"), escAlt("coh"),
	escAlt("kid"), escAlt("olly"), escAlt("tess"), "law@example.com", "newcomer@example.com",
}

const escPhone = "06 12 34 56 78"

var escT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// newEscWorld builds the seed world through the services. ADAPT: the seed
// uses the service API as the table does.
func newEscWorld(ctx context.Context) (*escWorld, error) {
	clock := cabinet.NewManualClock(escT0)
	store := memstore.New(memstore.RunTwice())
	ids := &escIDs{}
	k, err := kit.New(ctx, store, kit.WithClock(clock), kit.WithIDs(ids))
	if err != nil {
		return nil, err
	}
	w := &escWorld{k: k, store: store, clock: clock, ids: ids, user: map[string]cabinet.UserID{},
		procs: map[cabinet.ProcedureID]procedure.Procedure{}, removed: map[cabinet.UserID][]cabinet.OfficeID{},
		alias: map[string]string{}, led: newEscLedger(), unknown: "dos_unknown"}
	var firstErr error
	must := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for _, n := range escSeedNames {
		u, err := rec(k.Teams.CreateUser(ctx, testHost, strings.ToUpper(n[:1])+n[1:], escEmail(n)))
		must(err)
		w.user[n] = u.ID
		w.alias[string(u.ID)] = n
	}
	if firstErr != nil {
		return nil, firstErr
	}
	u := w.user
	// Offices, collaborators, client groups (clientgroup).
	o1, err := rec(k.Groups.CreateOffice(ctx, u["ada"], "Office one", "one@example.org"))
	must(err)
	o2, err := rec(k.Groups.CreateOffice(ctx, u["fay"], "Office two", "two@example.org"))
	must(err)
	w.o1, w.o2 = o1.ID, o2.ID
	for _, n := range []string{"ben", "cat", "dan"} {
		_, err = rec(k.Groups.AddCollaborator(ctx, u["ada"], o1.ID, u[n], cabinet.ProfileStandard))
		must(err)
	}
	for _, g := range []struct {
		admin  cabinet.UserID
		office cabinet.OfficeID
	}{{u["ada"], o1.ID}, {u["ada"], o1.ID}, {u["fay"], o2.ID}} {
		cg, err := rec(k.Groups.CreateClientGroup(ctx, g.admin, g.office, "Group", ""))
		must(err)
		w.groups = append(w.groups, cg.ID)
	}
	k1, err := rec(k.Groups.CreateCollaboratorGroup(ctx, u["ada"], o1.ID, "Heritage desk"))
	must(err)
	w.cgroups = []cabinet.CollaboratorGroupID{k1.ID}
	for i, g := range w.groups {
		w.alias[string(g)] = fmt.Sprintf("G%d", i+1)
	}
	w.alias[string(k1.ID)] = "K1"
	must(errOf(k.Groups.AddMember(ctx, u["ada"], k1.ID, u["dan"])))
	must(errOf(k.Groups.AssignCollaboratorGroup(ctx, u["ada"], w.groups[0], k1.ID)))
	must(errOf(k.Groups.AssignCollaborator(ctx, u["ada"], w.groups[0], u["cat"])))
	if firstErr != nil {
		return nil, firstErr
	}
	// Dossiers (access).
	d1, err := rec(k.Access.CreateDossier(ctx, u["ben"], o1.ID, "Roux family"))
	must(err)
	must(errOf(k.Access.SetStatus(ctx, u["ben"], d1.ID, cabinet.DossierActivated)))
	d2, err := rec(k.Access.CreateDossier(ctx, u["cat"], o1.ID, "Petit family"))
	must(err)
	must(errOf(k.Access.SetStatus(ctx, u["cat"], d2.ID, cabinet.DossierActivated)))
	must(errOf(k.Access.SetAssigned(ctx, u["cat"], d2.ID, []cabinet.UserID{u["dan"]})))
	d3, err := rec(k.Access.CreateDossier(ctx, u["fay"], o2.ID, "Blanc family"))
	must(err)
	must(errOf(k.Access.SetStatus(ctx, u["fay"], d3.ID, cabinet.DossierActivated)))
	must(errRev(k.Groups.MoveDossier(ctx, u["ada"], d1.ID, w.groups[0])))
	w.d1, w.d2, w.d3 = d1.ID, d2.ID, d3.ID
	if firstErr != nil {
		return nil, firstErr
	}
	person := func(actor cabinet.UserID, d cabinet.DossierID, name string, rel access.Relation) access.Person {
		p, err := rec(k.Access.AddPerson(ctx, actor, d, access.PersonInput{Name: name, Relation: rel}))
		must(err)
		return p
	}
	grant := func(p access.Person, email string, lv access.Level) {
		_, err := rec(k.Access.GrantPerson(ctx, u["ben"], p.ID, access.GrantInput{Email: email, Phone: escPhone, Level: lv}))
		must(err)
	}
	grant(person(u["ben"], d1.ID, "Claire Roux", access.RelationHolder), escEmail("hol"), access.LevelReadOnly)
	grant(person(u["ben"], d1.ID, "Paul Roux", access.RelationCoHolder), escEmail("coh"), access.LevelReadWrite)
	grant(person(u["ben"], d1.ID, "Lea Roux", access.RelationChild), escEmail("kid"), access.LevelReadWrite)
	person(u["ben"], d1.ID, "Anne Roux", access.RelationSpouse)   // no grant yet
	person(u["ben"], d1.ID, "Marc Roux", access.RelationCoHolder) // a central person without grant (ACC-2)
	person(u["cat"], d2.ID, "Jean Petit", access.RelationHolder)  // no grant
	person(u["cat"], d2.ID, "Zoe Petit", access.RelationChild)    // no grant
	person(u["fay"], d3.ID, "Hugo Blanc", access.RelationHolder)  // no grant
	person(u["fay"], d3.ID, "Ines Blanc", access.RelationChild)   // no grant
	for _, a := range []struct {
		name  string
		email string
		typ   access.AdvisorType
		level access.Level
	}{
		{"Nora Notaire", escEmail("nora"), access.AdvisorNotary, access.LevelReadWrite},
		{"Bob Banque", escEmail("bob"), access.AdvisorBanker, access.LevelReadOnly},
		{"Luc Avocat", "law@example.com", access.AdvisorLawyer, access.LevelInvalid}, // registered, no grant
	} {
		adv, err := rec(k.Access.RegisterAdvisor(ctx, u["ben"], d1.ID, access.AdvisorInput{Name: a.name, Email: a.email, Phone: escPhone, Type: a.typ}))
		must(err)
		if a.level.Valid() {
			_, err = rec(k.Access.GrantAdvisor(ctx, u["ben"], adv.ID, a.level))
			must(err)
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	// Team (team): ben leads T1 with tom (admin) and tess (member), and
	// refers D1 (its client: hol); tom has invited olly.
	t1, err := rec(k.Teams.CreateTeam(ctx, u["ben"], "Roux advisors", ""))
	must(err)
	for _, m := range []struct {
		name string
		role team.Role
	}{{"tom", team.RoleAdmin}, {"tess", team.RoleMember}} {
		inv, err := rec(k.Teams.Invite(ctx, u["ben"], t1.ID, escEmail(m.name), m.role))
		must(err)
		_, err = rec(k.Teams.AcceptInvitation(ctx, u[m.name], inv.ID))
		must(err)
	}
	_, err = rec(k.Teams.Refer(ctx, u["ben"], team.ReferInput{Team: t1.ID, ClientName: "Claire Roux", ClientEmail: escEmail("hol"), Dossier: d1.ID}))
	must(err)
	_, err = rec(k.Teams.Invite(ctx, u["tom"], t1.ID, escEmail("olly"), team.RoleMember))
	must(err)
	// Contacts (contact): hol and coh are clients of o1, nora a partner,
	// all invited (active: they have accounts); a lead.
	for _, c := range []struct {
		kind  contact.Kind
		email string
	}{{contact.KindClient, escEmail("hol")}, {contact.KindClient, escEmail("coh")}, {contact.KindPartner, escEmail("nora")}, {contact.KindLead, ""}} {
		x, err := rec(k.Contacts.CreateContact(ctx, u["ben"], o1.ID, c.kind, contact.Fields{FirstName: "C", LastName: "Roux", Email: c.email}))
		must(err)
		if c.kind != contact.KindLead {
			_, err = rec(k.Contacts.InviteContact(ctx, u["ben"], x.ID))
			must(err)
		}
	}
	// Procedure (procedure): o1 is platinum; D1's case for hol with rita as
	// guarantor.
	_, err = rec(k.Procedures.SetPlan(ctx, testHost, o1.ID, procedure.PlanPlatinum))
	must(err)
	p, err := rec(k.Procedures.CreateProcedure(ctx, u["ada"], o1.ID, "Rental file", "Tenant"))
	must(err)
	role, err := rec(k.Procedures.AddRole(ctx, u["ada"], p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload)))
	must(err)
	_, err = rec(k.Procedures.AddItem(ctx, u["ada"], p.ID, "Payslip", ""))
	must(err)
	_, err = rec(k.Procedures.AddItem(ctx, u["ada"], p.ID, "Guarantor ID", role.ID))
	must(err)
	p, err = k.Procedures.Procedure(ctx, u["ada"], p.ID)
	must(err)
	w.procs[p.ID] = p
	c, err := rec(k.Procedures.OpenCase(ctx, u["ben"], p.ID, d1.ID, procedure.Invitee{Email: escEmail("hol")}))
	must(err)
	w.cases = append(w.cases, c)
	_, err = rec(k.Procedures.InviteContributor(ctx, u["ben"], c.ID, role.ID, procedure.Invitee{Email: escEmail("rita")}, false))
	must(err)
	if firstErr != nil {
		return nil, firstErr
	}
	// The seed's grants and invitation were made by the manager and a team
	// admin: the ledger starts from the oracle's judgement of them.
	s, err := w.snap(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range escSorted(s.grants) {
		g := s.grants[id]
		ok, rule, why := s.mayGrant(g.GrantedBy, g, g.Level)
		w.led.grants[id] = escProvenance{ok: ok, rule: rule, why: why}
	}
	for _, id := range escSorted(s.invites) {
		w.led.invites[id] = s.inviterIsAdmin(s.invites[id])
	}
	return w, nil
}

// escIDs are cabinet.SequentialIDs that remember the last number given: a
// host's predictable IDs, which an attacker can guess (ReferFutureDossier).
type escIDs struct {
	seq  cabinet.SequentialIDs
	mu   sync.Mutex
	last int
}

// NewID implements cabinet.IDGenerator.
func (g *escIDs) NewID(prefix string) string {
	id := g.seq.NewID(prefix)
	if n, err := strconv.Atoi(id[strings.LastIndexByte(id, '_')+1:]); err == nil {
		g.mu.Lock()
		g.last = n
		g.mu.Unlock()
	}
	return id
}

// next returns the ID the k-th next call would give.
func (g *escIDs) next(prefix string, k int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return fmt.Sprintf("%s_%d", prefix, g.last+k)
}

// snap reads the store and names what is new (labels).
func (w *escWorld) snap(ctx context.Context) (*escSnap, error) {
	s, err := escSnapshot(ctx, w.store, w.clock.Now())
	if err != nil {
		return nil, err
	}
	name := func(id, a string) {
		if _, ok := w.alias[id]; !ok {
			w.alias[id] = a
		}
	}
	for _, id := range escSorted(s.users) {
		name(string(id), strings.SplitN(s.users[id].Email, "@", 2)[0]+"*")
	}
	for i, id := range escSorted(s.offices) {
		name(string(id), fmt.Sprintf("o%d", i+1))
	}
	n := 0
	for _, id := range escSorted(s.dossiers) {
		n++
		name(string(id), fmt.Sprintf("D%d", n))
	}
	n = 0
	for _, id := range escSorted(s.teams) {
		t := s.teams[id]
		if t.Personal {
			name(string(id), "P:"+w.alias[string(t.Owner)])
			continue
		}
		n++
		name(string(id), fmt.Sprintf("T%d", n))
	}
	for _, id := range escSorted(s.persons) {
		p := s.persons[id]
		name(string(id), strings.SplitN(p.Name, " ", 2)[0]+"@"+w.alias[string(p.Dossier)])
	}
	return s, nil
}

var escDigits = regexp.MustCompile(`[0-9]+`)

var escIDPattern = regexp.MustCompile(`\b(user|dos|team|office|per|group|cgroup)_\d+\b`)

// render replaces record IDs in text with their readable names.
func (w *escWorld) render(text string) string {
	return escIDPattern.ReplaceAllStringFunc(text, func(id string) string {
		if a, ok := w.alias[id]; ok {
			return a
		}
		return id
	})
}

// describe says who u is in s: name and positions.
func (w *escWorld) describe(s *escSnap, u cabinet.UserID) string {
	if u == "" {
		return "nobody"
	}
	var pos []string
	for _, o := range escSorted(s.offices) {
		switch s.profile(o, u) {
		case cabinet.ProfileAdmin:
			pos = append(pos, "admin "+string(o))
		case cabinet.ProfileStandard:
			pos = append(pos, "collaborator "+string(o))
		}
	}
	for _, o := range w.removed[u] {
		if !s.isCollaborator(o, u) {
			pos = append(pos, "removed from "+string(o))
		}
	}
	for _, d := range escSorted(s.dossiers) {
		if s.dossiers[d].Manager == u {
			if s.isCollaborator(s.dossiers[d].Office, u) {
				pos = append(pos, "manager "+string(d))
			} else {
				pos = append(pos, "manager of record "+string(d))
			}
		}
		for _, g := range s.grantsOf(u, d) {
			kind := map[cabinet.Routes]string{cabinet.RouteCentralPerson: "central", cabinet.RouteFamily: "family", cabinet.RouteExternalAdvisor: "advisor"}[s.grantRoute(g)]
			pos = append(pos, fmt.Sprintf("%s %s %s", kind, g.Level, d))
		}
	}
	for _, id := range escSorted(s.teams) {
		t := s.teams[id]
		if t.Personal {
			continue
		}
		if r, ok := escTeamRole(t, u); ok {
			what := r.String()
			if t.Lead == u {
				what = "lead"
			}
			pos = append(pos, what+" "+string(id))
		}
	}
	for _, c := range w.cases {
		if c.Recipient.Email == s.users[u].Email {
			pos = append(pos, "main recipient")
		}
	}
	if len(pos) == 0 {
		pos = append(pos, "outsider")
	}
	return fmt.Sprintf("%s[%s]", u, strings.Join(pos, ", "))
}

// ---- the command table ----

// escCmd is one random step: Op indexes escMoves; Actor, A and B are the
// arguments the move interprets against the state before it.
type escCmd struct{ Op, Actor, A, B int }

func (c escCmd) String() string {
	return fmt.Sprintf("%s(%d,%d,%d)", escMoves[c.Op%len(escMoves)].name, c.Actor, c.A, c.B)
}

// escMove is one entry of the command table.
type escMove struct {
	name   string
	weight int    // relative frequency in TestINV12NoEscalation/all
	args   string // what Actor, A and B pick
	// run runs the command on w, picking its arguments in s (the state
	// before it) with c, and returns the actor (for a sign-up the account
	// created; "" for the clock), the arguments as a sentence, and the
	// service's error.
	run func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error)
}

// escMoves is THE command table. Every service call of the sequences is
// here (and in newEscWorld); the oracle never sees a command, only records.
// Adapted to the v2 APIs (issues 11, 12): commands return their revision
// (dropped here), sign-ups are host-driven (testHost), consent is one
// switch per dossier (RevokeConsent/RestoreConsent take the referral's
// dossier; escSnap reads the team.DossierConsent records), teams created
// for someone else are pending (AnswerTeam), ACC-3 corrections
// (CorrectGrantToControlledAddress, EditAdvisorToControlledAddress; the
// ledger re-judges a grant whose email changed) and GRP-5 activation with a
// client group (Activate) have their moves, and assign_client_group is
// asked about placing the dossier into a group of its office. CON-5
// buyers and PROC-3 reads are not dossier capabilities.
var escMoves = []escMove{
	{"SignUp", 3, "A: an address of escSignUps (one in ten: a seed address, a conflict)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		email := escSignUps[c.A%len(escSignUps)]
		if c.B%10 == 9 {
			email = escEmails[c.A%len(escEmails)]
		}
		u, err := rec(w.k.Teams.CreateUser(ctx, testHost, "New Comer", email))
		return u.ID, "CreateUser(" + email + ")", err
	}},
	{"Refer", 3, "Actor: anyone; A: dossier (known, foreign, unknown); B: team (personal, theirs, any) and client email", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		actor := w.anyone(s, c.Actor)
		return w.refer(ctx, s, actor, w.anyDossier(s, c.A), w.teamFor(s, actor, c.B), escEmails[c.B%len(escEmails)])
	}},
	{"ReferForeign", 4, "TEAM-8 attack. Actor: olly, rita, bob, a sign-up or a removed collaborator; A: any dossier (foreign, unknown); into their personal team", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		pool := []cabinet.UserID{w.user["olly"], w.user["rita"], w.user["bob"]}
		for _, u := range escSorted(s.users) {
			if _, seed := w.seedName(u); !seed || len(w.removed[u]) > 0 {
				pool = append(pool, u)
			}
		}
		actor := pool[c.Actor%len(pool)]
		return w.refer(ctx, s, actor, w.anyDossier(s, c.A), "", escEmails[c.B%len(escEmails)])
	}},
	{"ReferFutureDossier", 2, "TEAM-8 attack. Actor: olly, rita or bob; refers the dossier ID the next command would create (predictable IDs) into their personal team", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		actor := []cabinet.UserID{w.user["olly"], w.user["rita"], w.user["bob"]}[c.Actor%3]
		return w.refer(ctx, s, actor, cabinet.DossierID(w.ids.next("dos", 2+c.A%2)), "", escEmail("olly"))
	}},
	{"ReReferViaTeamRoute", 3, "TEAM-8 attack. Actor: tess or tom (D1 through the team route only); D1; B: their personal team or another team of theirs", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		actor := []cabinet.UserID{w.user["tess"], w.user["tom"]}[c.Actor%2]
		return w.refer(ctx, s, actor, w.d1, w.teamFor(s, actor, c.B), escEmail("hol"))
	}},
	{"ReferAsGrantee", 4, "TEAM-8 attack. Actor: nora (rw notary), kid (rw family), hol (ro holder), coh (rw co-holder), bob (ro banker); D1; B: personal team or theirs; client: themself or hol", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		name := []string{"nora", "kid", "hol", "coh", "bob"}[c.Actor%5]
		client := escEmail(name)
		if c.A%2 == 1 {
			client = escEmail("hol")
		}
		return w.refer(ctx, s, w.user[name], w.d1, w.teamFor(s, w.user[name], c.B), client)
	}},
	{"MoveReferral", 2, "A: a referral; Actor: its referrer (or anyone); B: to their personal team, a team of theirs, or any team", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		refs := escSorted(s.referrals)
		if len(refs) == 0 {
			return "", "no referral", nil
		}
		ref := s.referrals[refs[c.A%len(refs)]]
		actor := ref.Referrer
		if c.Actor%4 == 3 {
			actor = w.anyone(s, c.Actor)
		}
		to := w.teamFor(s, actor, c.B)
		if to == "" {
			to = w.personal(s, actor)
		}
		_, err := rec(w.k.Teams.MoveReferral(ctx, actor, ref.ID, to))
		return actor, fmt.Sprintf("MoveReferral(%s of %s, to %s)", ref.ID, ref.Dossier, to), err
	}},
	{"CreateTeam", 2, "Actor: anyone, as its own lead", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		actor := w.anyone(s, c.Actor)
		_, err := rec(w.k.Teams.CreateTeam(ctx, actor, "Team", ""))
		return actor, "CreateTeam(lead: self)", err
	}},
	{"CreateTeamForOther", 3, "TEAM-1 attack. Actor: anyone; A: the lead they name (someone else)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		actor := w.anyone(s, c.Actor)
		lead := w.anyone(s, c.A)
		if lead == actor {
			lead = w.anyone(s, c.A+1)
		}
		_, err := rec(w.k.Teams.CreateTeam(ctx, actor, "Team", lead))
		return actor, fmt.Sprintf("CreateTeam(lead: %s)", lead), err
	}},
	{"Invite", 2, "A: a team; Actor: one of its admins (or anyone); B: email and role", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := w.anyTeam(s, c.A, false)
		actor := w.memberOf(s, t, c.Actor, true)
		role := []team.Role{team.RoleMember, team.RoleAdmin}[c.B%2]
		email := escEmails[c.B%len(escEmails)]
		_, err := rec(w.k.Teams.Invite(ctx, actor, t, email, role))
		return actor, fmt.Sprintf("Invite(%s, %s as %s)", t, email, role), err
	}},
	{"AcceptInvitation", 3, "A: an invitation (pending ones first); Actor: its addressee's account (one in four: anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.invites)
		if len(ids) == 0 {
			return "", "no invitation", nil
		}
		sort.SliceStable(ids, func(i, j int) bool {
			return s.invites[ids[i]].Status == team.StatusPending && s.invites[ids[j]].Status != team.StatusPending
		})
		inv := s.invites[ids[c.A%len(ids)]]
		actor := s.byEmail[cabinet.EmailKey(inv.Email)]
		if actor == "" || c.B%4 == 3 {
			actor = w.anyone(s, c.Actor)
		}
		_, err := rec(w.k.Teams.AcceptInvitation(ctx, actor, inv.ID))
		return actor, fmt.Sprintf("AcceptInvitation(%s to %s for %s)", inv.ID, inv.Team, inv.Email), err
	}},
	{"TransferLead", 1, "A: a team; Actor: its lead; B: to one of its members", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := s.teams[w.anyTeam(s, c.A, false)]
		to := w.memberOf(s, t.ID, c.B, false)
		err := errOf(w.k.Teams.TransferLead(ctx, t.Lead, t.ID, to))
		return t.Lead, fmt.Sprintf("TransferLead(%s to %s)", t.ID, to), err
	}},
	{"TakeLead", 3, "TEAM-2 attack. A: a team; Actor: an admin of it who is not its lead; to: themself", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := s.teams[w.anyTeam(s, c.A, false)]
		actor := w.memberOf(s, t.ID, c.Actor, true)
		for _, m := range t.Members {
			if m.Role == team.RoleAdmin && m.User != t.Lead {
				actor = m.User
			}
		}
		err := errOf(w.k.Teams.TransferLead(ctx, actor, t.ID, actor))
		return actor, fmt.Sprintf("TransferLead(%s to self)", t.ID), err
	}},
	{"RemoveTeamMember", 1, "A: a team; Actor: one of its admins; B: a member (the lead included)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := w.anyTeam(s, c.A, false)
		actor, target := w.memberOf(s, t, c.Actor, true), w.memberOf(s, t, c.B, false)
		return actor, fmt.Sprintf("RemoveMember(%s, %s)", t, target), errRev(w.k.Teams.RemoveMember(ctx, actor, t, target))
	}},
	{"LeaveTeam", 1, "A: a team; Actor: one of its members", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := w.anyTeam(s, c.A, false)
		actor := w.memberOf(s, t, c.Actor, false)
		return actor, fmt.Sprintf("Leave(%s)", t), errRev(w.k.Teams.Leave(ctx, actor, t))
	}},
	{"ChangeRole", 1, "A: a team; Actor: an admin; B: a member and the role", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := w.anyTeam(s, c.A, false)
		actor, target := w.memberOf(s, t, c.Actor, true), w.memberOf(s, t, c.B, false)
		role := []team.Role{team.RoleMember, team.RoleAdmin}[c.B%2]
		return actor, fmt.Sprintf("ChangeRole(%s, %s to %s)", t, target, role), errOf(w.k.Teams.ChangeRole(ctx, actor, t, target, role))
	}},
	{"DeleteTeam", 1, "A: a team; Actor: an admin; B: reassignment", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		t := w.anyTeam(s, c.A, false)
		actor := w.memberOf(s, t, c.Actor, true)
		how := []team.Reassignment{team.ReassignToDeleter, team.ReassignToReferrers}[c.B%2]
		return actor, fmt.Sprintf("DeleteTeam(%s, %s)", t, how), errRev(w.k.Teams.DeleteTeam(ctx, actor, t, how))
	}},
	{"RevokeConsent", 1, "A: a referral; B: actor its client, its referrer, hol or coh, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ref, actor := w.consentActor(s, c)
		_, err := rec(w.k.Teams.RevokeConsent(ctx, actor, ref.Dossier))
		return actor, fmt.Sprintf("RevokeConsent(%s of %s)", ref.ID, ref.Dossier), err
	}},
	{"RestoreConsent", 2, "A: a referral; B: actor its client, its referrer, hol or coh, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ref, actor := w.consentActor(s, c)
		_, err := rec(w.k.Teams.RestoreConsent(ctx, actor, ref.Dossier))
		return actor, fmt.Sprintf("RestoreConsent(%s of %s)", ref.ID, ref.Dossier), err
	}},
	{"RemoveCollaborator", 4, "GRP-11 attack setup. A: office (o1 mostly) and target (a collaborator, dossier managers first); Actor: its admin (one in five: anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		o := w.o1
		if c.A%4 == 3 {
			o = w.o2
		}
		collabs := w.collaborators(s, o)
		if len(collabs) == 0 {
			return "", "no collaborator", nil
		}
		sort.SliceStable(collabs, func(i, j int) bool { return w.manages(s, collabs[i]) && !w.manages(s, collabs[j]) })
		target := collabs[c.A%len(collabs)]
		actor := w.adminOf(s, o, c.Actor)
		if c.B%5 == 4 {
			actor = w.anyone(s, c.Actor)
		}
		return w.removeCollaborator(ctx, actor, o, target)
	}},
	{"RemoveImpersonator", 3, "CON-6 attack setup. The collaborator of an active impersonation session is removed from the office by its admin", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		var live []contact.Session
		for _, id := range escSorted(s.sessions) {
			if x := s.sessions[id]; x.ActiveAt(s.now) && s.isCollaborator(x.Office, x.Actor) {
				live = append(live, x)
			}
		}
		if len(live) == 0 {
			o := w.o1
			collabs := append(w.collaborators(s, o), w.user["ben"])
			return w.removeCollaborator(ctx, w.adminOf(s, o, c.Actor), o, collabs[c.A%len(collabs)])
		}
		x := live[c.A%len(live)]
		return w.removeCollaborator(ctx, w.adminOf(s, x.Office, c.Actor), x.Office, x.Actor)
	}},
	{"AddCollaborator", 2, "A: office and user (anyone, the removed included); Actor: its admin, a collaborator or anyone; B: profile", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		o := w.anyOffice(s, c.A)
		actor := w.insider(s, o, w.adminOf(s, o, c.Actor), c.Actor)
		target := w.anyone(s, c.A+c.B)
		prof := []cabinet.Profile{cabinet.ProfileStandard, cabinet.ProfileStandard, cabinet.ProfileStandard, cabinet.ProfileAdmin}[c.B%4]
		_, err := rec(w.k.Groups.AddCollaborator(ctx, actor, o, target, prof))
		return actor, fmt.Sprintf("AddCollaborator(%s, %s as %s)", o, target, prof), err
	}},
	{"SetProfile", 1, "A: office and collaborator; Actor: its admin, a collaborator or anyone; B: profile", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		o := w.anyOffice(s, c.A)
		collabs := append(w.collaborators(s, o), w.anyone(s, c.B))
		target := collabs[c.B%len(collabs)]
		actor := w.insider(s, o, w.adminOf(s, o, c.Actor), c.Actor)
		prof := []cabinet.Profile{cabinet.ProfileStandard, cabinet.ProfileAdmin}[c.A%2]
		_, err := rec(w.k.Groups.SetProfile(ctx, actor, o, target, prof))
		return actor, fmt.Sprintf("SetProfile(%s, %s to %s)", o, target, prof), err
	}},
	{"SetManager", 2, "A: dossier; B: the new manager (a collaborator, anyone, or unset); Actor: its manager of record, an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.anyDossier(s, c.A)
		actor := w.organiser(s, d, c.Actor)
		m := w.colleague(s, s.dossiers[d].Office, c.B)
		if c.B%7 == 6 {
			m = ""
		}
		return actor, fmt.Sprintf("SetManager(%s, %q)", d, m), errOf(w.k.Access.SetManager(ctx, actor, d, m))
	}},
	{"SetAssigned", 2, "A: dossier; B: one collaborator to assign (or none); Actor: its manager of record, an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.anyDossier(s, c.A)
		actor := w.organiser(s, d, c.Actor)
		var users []cabinet.UserID
		if c.B%3 != 2 {
			users = append(users, w.colleague(s, s.dossiers[d].Office, c.B))
		}
		return actor, fmt.Sprintf("SetAssigned(%s, %v)", d, users), errOf(w.k.Access.SetAssigned(ctx, actor, d, users))
	}},
	{"SetStatus", 2, "A: dossier; B: status (activated, archived, draft); Actor: its manager of record, an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.anyDossier(s, c.A)
		actor := w.organiser(s, d, c.Actor)
		st := []cabinet.DossierStatus{cabinet.DossierArchived, cabinet.DossierActivated, cabinet.DossierArchived, cabinet.DossierDraft}[c.B%4]
		return actor, fmt.Sprintf("SetStatus(%s, %s)", d, st), errOf(w.k.Access.SetStatus(ctx, actor, d, st))
	}},
	{"AssignCollaborator", 2, "A: client group; B: a collaborator (or anyone); Actor: an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		g := w.groups[c.A%len(w.groups)]
		actor := w.insider(s, w.o1, w.adminOf(s, w.o1, c.Actor), c.Actor)
		target := w.colleague(s, w.o1, c.B)
		return actor, fmt.Sprintf("AssignCollaborator(%s, %s)", g, target), errOf(w.k.Groups.AssignCollaborator(ctx, actor, g, target))
	}},
	{"AddToCollaboratorGroup", 2, "B: a collaborator (or anyone) into K1; Actor: an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		g := w.cgroups[c.A%len(w.cgroups)]
		actor := w.insider(s, w.o1, w.adminOf(s, w.o1, c.Actor), c.Actor)
		target := w.colleague(s, w.o1, c.B)
		return actor, fmt.Sprintf("AddMember(%s, %s)", g, target), errOf(w.k.Groups.AddMember(ctx, actor, g, target))
	}},
	{"MoveDossier", 2, "A: dossier; B: client group; Actor: the manager of record, an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.anyDossier(s, c.A)
		g := w.groups[c.B%len(w.groups)]
		actor := w.organiser(s, d, c.Actor)
		return actor, fmt.Sprintf("MoveDossier(%s, %s)", d, g), errRev(w.k.Groups.MoveDossier(ctx, actor, d, g))
	}},
	{"CreateDossier", 1, "A: office; Actor: a collaborator of it (one in three: anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		o := w.anyOffice(s, c.A)
		actor := w.colleague(s, o, c.Actor)
		_, err := rec(w.k.Access.CreateDossier(ctx, actor, o, "New family"))
		return actor, fmt.Sprintf("CreateDossier(%s)", o), err
	}},
	{"CreateOffice", 1, "Actor: anyone (outsiders too)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		actor := w.anyone(s, c.Actor)
		_, err := rec(w.k.Groups.CreateOffice(ctx, actor, "Own office", "own@example.org"))
		return actor, "CreateOffice", err
	}},
	{"GrantPerson", 3, "A: a person of any tree; B: email and level; Actor: anyone (one in three: the dossier's manager of record)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		p := w.anyPerson(s, c.A)
		actor := w.anyone(s, c.Actor)
		if c.Actor%3 == 0 {
			actor = s.dossiers[p.Dossier].Manager
		}
		return w.grantPerson(ctx, actor, p, escEmails[c.B%len(escEmails)], access.Level(1+c.B%2))
	}},
	{"ExManagerGrantsOwnAddress", 4, "GRP-11 attack. Actor: a manager of record who left the office (else the manager); a person of that dossier; at their own email or an address they control; read_write", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		var stale, live []cabinet.DossierID
		for _, d := range escSorted(s.dossiers) {
			if m := s.dossiers[d].Manager; m != "" && s.staleManager(d, m) {
				stale = append(stale, d)
			} else if m != "" {
				live = append(live, d)
			}
		}
		pool := stale
		if len(pool) == 0 {
			pool = live
		}
		if len(pool) == 0 {
			return "", "no dossier has a manager", nil
		}
		d := pool[c.A%len(pool)]
		actor := s.dossiers[d].Manager
		p := w.personOf(s, d, c.A, true)
		name := strings.SplitN(s.users[actor].Email, "@", 2)[0]
		email := s.users[actor].Email
		if c.B%2 == 1 {
			email = escAlt(name)
		}
		return w.grantPerson(ctx, actor, p, email, access.LevelReadWrite)
	}},
	{"CentralGrantsControlledAddress", 3, "ACC-7 attack. Actor: hol (ro holder) or coh (rw co-holder); a person of D1 without grant; at their own email or an address they control; read_write", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		name := []string{"hol", "coh"}[c.Actor%2]
		p := w.personOf(s, w.d1, c.A, true)
		email := escEmail(name)
		if c.B%2 == 1 {
			email = escAlt(name)
		}
		return w.grantPerson(ctx, w.user[name], p, email, access.LevelReadWrite)
	}},
	{"CorrectGrantToControlledAddress", 3, "ACC-3/ACC-7 attack. A: a grant of D1 (unlinked ones first); Actor: its manager of record, hol (ro holder), coh (rw co-holder) or anyone; email: an address the actor controls", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.grants)
		sort.SliceStable(ids, func(i, j int) bool { return s.grants[ids[i]].User == "" && s.grants[ids[j]].User != "" })
		if len(ids) == 0 {
			return "", "no grant", nil
		}
		g := s.grants[ids[c.A%len(ids)]]
		actor := []cabinet.UserID{s.dossiers[g.Dossier].Manager, w.user["hol"], w.user["coh"], w.anyone(s, c.Actor)}[c.Actor%4]
		if actor == "" {
			actor = w.anyone(s, c.Actor)
		}
		name := strings.SplitN(s.users[actor].Email, "@", 2)[0]
		email := escAlt(name)
		if c.B%3 == 0 {
			email = s.users[actor].Email
		}
		_, err := rec(w.k.Access.CorrectGrantContact(ctx, actor, g.ID, access.ContactInput{Email: email, Phone: escPhone}))
		return actor, fmt.Sprintf("CorrectGrantContact(%s of %s to %s)", g.ID, g.Dossier, email), err
	}},
	{"EditAdvisorToControlledAddress", 1, "ACC-3/ACC-9 attack. A: an advisor; Actor: its dossier's manager of record or anyone; the advisor's email becomes an address the actor controls", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.advisors)
		if len(ids) == 0 {
			return "", "no advisor", nil
		}
		a := s.advisors[ids[c.A%len(ids)]]
		actor := w.anyone(s, c.Actor)
		if c.Actor%2 == 0 && s.dossiers[a.Dossier].Manager != "" {
			actor = s.dossiers[a.Dossier].Manager
		}
		email := escAlt(strings.SplitN(s.users[actor].Email, "@", 2)[0])
		_, err := rec(w.k.Access.EditAdvisor(ctx, actor, a.ID, access.AdvisorInput{Name: a.Name, Email: email, Phone: a.Phone, Type: a.Type, Label: a.Label}))
		return actor, fmt.Sprintf("EditAdvisor(%s of %s to %s)", a.ID, a.Dossier, email), err
	}},
	{"AnswerTeam", 2, "TEAM-1. A: a pending team (any team one in four); Actor: the lead it names (one in four: anyone); B: accept or decline", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		var pending []cabinet.TeamID
		for _, id := range escSorted(s.teams) {
			if s.teams[id].Pending {
				pending = append(pending, id)
			}
		}
		t := w.anyTeam(s, c.A, false)
		if len(pending) > 0 && c.A%4 != 3 {
			t = pending[c.A%len(pending)]
		}
		actor := s.teams[t].Lead
		if actor == "" || c.Actor%4 == 3 {
			actor = w.anyone(s, c.Actor)
		}
		if c.B%3 == 2 {
			return actor, fmt.Sprintf("DeclineTeam(%s)", t), errRev(w.k.Teams.DeclineTeam(ctx, actor, t))
		}
		return actor, fmt.Sprintf("AcceptTeam(%s)", t), errOf(w.k.Teams.AcceptTeam(ctx, actor, t))
	}},
	{"Activate", 2, "GRP-5 v2. A: dossier; B: a client group (any office); Actor: its manager of record, an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.anyDossier(s, c.A)
		actor := w.organiser(s, d, c.Actor)
		g := w.groups[c.B%len(w.groups)]
		return actor, fmt.Sprintf("Activate(%s into %s)", d, g), errOf(w.k.Access.Activate(ctx, actor, d, g))
	}},
	{"GrantAdvisor", 2, "A: a registered advisor; B: level; Actor: the manager of record (one in three: anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.advisors)
		if len(ids) == 0 {
			return "", "no advisor", nil
		}
		a := s.advisors[ids[c.A%len(ids)]]
		actor := w.anyone(s, c.Actor)
		if c.Actor%3 != 2 {
			actor = s.dossiers[a.Dossier].Manager
		}
		lv := access.Level(1 + c.B%2)
		_, err := rec(w.k.Access.GrantAdvisor(ctx, actor, a.ID, lv))
		return actor, fmt.Sprintf("GrantAdvisor(%s of %s, %s)", a.Email, a.Dossier, lv), err
	}},
	{"ChangeLevel", 2, "A: a grant; B: level; Actor: hol, coh, kid, the manager of record, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		g, ok := w.anyGrant(s, c.A)
		if !ok {
			return "", "no grant", nil
		}
		actor := w.familyActor(s, g.Dossier, c.Actor)
		lv := access.Level(1 + c.B%2)
		return actor, fmt.Sprintf("ChangeLevel(%s of %s on %s, %s)", g.ID, g.Email, g.Dossier, lv), errOf(w.k.Access.ChangeLevel(ctx, actor, g.ID, lv))
	}},
	{"RevokeGrant", 1, "A: a grant; Actor: hol, coh, kid, the manager of record, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		g, ok := w.anyGrant(s, c.A)
		if !ok {
			return "", "no grant", nil
		}
		actor := w.familyActor(s, g.Dossier, c.Actor)
		return actor, fmt.Sprintf("Revoke(%s of %s on %s)", g.ID, g.Email, g.Dossier), errRev(w.k.Access.Revoke(ctx, actor, g.ID))
	}},
	{"AddPerson", 2, "ACC-2 attack. A: dossier (D1 mostly) and relation (central two in five); Actor: kid, coh, hol, the manager of record, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.d1
		if c.A%3 == 2 {
			d = w.anyDossier(s, c.A)
		}
		actor := w.familyActor(s, d, c.Actor)
		rel := []access.Relation{access.RelationCoHolder, access.RelationChild, access.RelationHolder, access.RelationOther, access.RelationSpouse}[c.B%5]
		_, err := rec(w.k.Access.AddPerson(ctx, actor, d, access.PersonInput{Name: "Added Person", Relation: rel}))
		return actor, fmt.Sprintf("AddPerson(%s, %s)", d, rel), err
	}},
	{"EditPerson", 3, "ACC-2 attack. A: a person (D1 mostly); B: relation, to or from central; Actor: kid, coh, hol, the manager of record, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.d1
		if c.A%4 == 3 {
			d = w.anyDossier(s, c.A)
		}
		p := w.personOf(s, d, c.A, false)
		actor := w.familyActor(s, d, c.Actor)
		rel := access.RelationOther
		if !escCentral(p.Relation) {
			rel = access.RelationCoHolder
		}
		if c.B%3 == 2 {
			rel = access.Relations()[c.B%len(access.Relations())]
		}
		_, err := rec(w.k.Access.EditPerson(ctx, actor, p.ID, access.PersonInput{Name: p.Name, Relation: rel}))
		return actor, fmt.Sprintf("EditPerson(%s from %s to %s)", p.ID, p.Relation, rel), err
	}},
	{"RemovePerson", 2, "ACC-2 attack. A: a person (D1 mostly); Actor: kid, coh, hol, the manager of record, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.d1
		if c.A%4 == 3 {
			d = w.anyDossier(s, c.A)
		}
		p := w.personOf(s, d, c.A, false)
		actor := w.familyActor(s, d, c.Actor)
		return actor, fmt.Sprintf("RemovePerson(%s, %s)", p.ID, p.Relation), errRev(w.k.Access.RemovePerson(ctx, actor, p.ID))
	}},
	{"RegisterAdvisor", 2, "A: dossier; B: email; Actor: the manager of record (or anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := w.anyDossier(s, c.A)
		actor := s.dossiers[d].Manager
		if c.Actor%3 == 2 || actor == "" {
			actor = w.anyone(s, c.Actor)
		}
		email := escEmails[c.B%len(escEmails)]
		_, err := rec(w.k.Access.RegisterAdvisor(ctx, actor, d, access.AdvisorInput{Name: "Eva Expert", Email: email, Phone: escPhone, Type: access.AdvisorAccountant}))
		return actor, fmt.Sprintf("RegisterAdvisor(%s, %s)", d, email), err
	}},
	{"StartImpersonation", 3, "CON-6 attack setup. A: a contact (hol, coh, nora, a lead); Actor: a collaborator of o1 (one in four: anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.contacts)
		x := s.contacts[ids[c.A%len(ids)]]
		actor := w.anyone(s, c.Actor)
		if collabs := w.collaborators(s, x.Office); c.Actor%4 != 3 && len(collabs) > 0 {
			actor = collabs[c.Actor%len(collabs)]
		}
		_, err := rec(w.k.Contacts.StartImpersonation(ctx, actor, x.ID))
		return actor, fmt.Sprintf("StartImpersonation(contact %s of %s, %s)", x.ID, x.Email, x.Kind), err
	}},
	{"StopImpersonation", 1, "A: a session; Actor: its collaborator (or anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.sessions)
		if len(ids) == 0 {
			return "", "no session", nil
		}
		x := s.sessions[ids[c.A%len(ids)]]
		actor := x.Actor
		if c.Actor%4 == 3 {
			actor = w.anyone(s, c.Actor)
		}
		_, err := rec(w.k.Contacts.StopImpersonation(ctx, actor, x.ID))
		return actor, fmt.Sprintf("StopImpersonation(%s)", x.ID), err
	}},
	{"CreateContact", 1, "A: office; B: kind (client, partner) and email; Actor: a collaborator (or anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		o := w.anyOffice(s, c.A)
		actor := w.colleague(s, o, c.Actor)
		kind := []contact.Kind{contact.KindClient, contact.KindPartner}[c.B%2]
		email := escEmails[c.B%len(escEmails)]
		_, err := rec(w.k.Contacts.CreateContact(ctx, actor, o, kind, contact.Fields{FirstName: "New", LastName: "Contact", Email: email}))
		return actor, fmt.Sprintf("CreateContact(%s, %s, %s)", o, kind, email), err
	}},
	{"InviteContact", 1, "A: a contact; Actor: a collaborator (or anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.contacts)
		x := s.contacts[ids[c.A%len(ids)]]
		actor := w.anyone(s, c.Actor)
		if collabs := w.collaborators(s, x.Office); c.Actor%2 == 0 && len(collabs) > 0 {
			actor = collabs[c.Actor%len(collabs)]
		}
		_, err := rec(w.k.Contacts.InviteContact(ctx, actor, x.ID))
		return actor, fmt.Sprintf("InviteContact(%s)", x.ID), err
	}},
	{"ReplaceContributor", 1, "B: email; Actor: ben or ada (or anyone); D1's case, guarantor role", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		cs := w.cases[0]
		p := w.procs[cs.Procedure]
		actor := []cabinet.UserID{w.user["ben"], w.user["ada"], w.anyone(s, c.Actor)}[c.Actor%3]
		email := escEmails[c.B%len(escEmails)]
		_, err := rec(w.k.Procedures.ReplaceContributor(ctx, actor, cs.ID, p.Roles[len(p.Roles)-1].ID, procedure.Invitee{Email: email}, false))
		return actor, fmt.Sprintf("ReplaceContributor(%s, %s)", cs.ID, email), err
	}},
	{"AdvanceClock", 1, "A: minutes (10 to 120), or B: days", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		d := time.Duration(10*(1+c.A%12)) * time.Minute
		if c.B%4 == 3 {
			d = time.Duration(1+c.A%20) * 24 * time.Hour
		}
		w.clock.Advance(d)
		return "", "clock +" + d.String(), nil
	}},
	// Issue 16: time-bound access. An expiry only closes a route at its
	// instant (AdvanceClock); setting one again reopens it, by the same
	// entitled actors as granting or assigning.
	{"GrantAdvisorUntil", 1, "A: a registered advisor; B: level and hours; Actor: the manager of record (one in three: anyone)", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		ids := escSorted(s.advisors)
		if len(ids) == 0 {
			return "", "no advisor", nil
		}
		a := s.advisors[ids[c.A%len(ids)]]
		actor := w.anyone(s, c.Actor)
		if c.Actor%3 != 2 {
			actor = s.dossiers[a.Dossier].Manager
		}
		lv, at := access.Level(1+c.B%2), w.clock.Now().Add(time.Duration(1+c.B%48)*time.Hour)
		_, err := rec(w.k.Access.GrantAdvisorUntil(ctx, actor, a.ID, lv, at))
		return actor, fmt.Sprintf("GrantAdvisorUntil(%s of %s, %s, %s)", a.Email, a.Dossier, lv, at.Format(time.RFC3339)), err
	}},
	{"SetGrantExpiry", 1, "A: a grant; B: hours (0: clear); Actor: hol, coh, kid, the manager of record, or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		g, ok := w.anyGrant(s, c.A)
		if !ok {
			return "", "no grant", nil
		}
		for _, id := range escSorted(s.grants) { // most of the time, a grant with an expiry
			if x := s.grants[id]; !x.ExpiresAt.IsZero() && c.A%4 != 0 {
				g = x
			}
		}
		actor := w.familyActor(s, g.Dossier, c.Actor)
		if now := w.clock.Now(); g.ExpiresAt.After(now) && c.B%2 == 0 {
			w.clock.Advance(g.ExpiresAt.Sub(now)) // the route closes; who may reopen it?
		}
		var at time.Time
		if c.B%48 != 0 {
			at = w.clock.Now().Add(time.Duration(c.B%48) * time.Hour)
		}
		return actor, fmt.Sprintf("SetGrantExpiry(%s of %s on %s, %s)", g.ID, g.Email, g.Dossier, at.Format(time.RFC3339)), errOf(w.k.Access.SetGrantExpiry(ctx, actor, g.ID, at))
	}},
	{"AssignCollaboratorUntil", 1, "A: client group; B: a collaborator (or anyone) and hours; Actor: an admin, a collaborator or anyone", func(ctx context.Context, w *escWorld, s *escSnap, c escCmd) (cabinet.UserID, string, error) {
		g := w.groups[c.A%len(w.groups)]
		actor := w.insider(s, w.o1, w.adminOf(s, w.o1, c.Actor), c.Actor)
		target := w.colleague(s, w.o1, c.B)
		at := w.clock.Now().Add(time.Duration(1+c.B%48) * time.Hour)
		return actor, fmt.Sprintf("AssignCollaboratorUntil(%s, %s, %s)", g, target, at.Format(time.RFC3339)), errOf(w.k.Groups.AssignCollaboratorUntil(ctx, actor, g, target, at))
	}},
}

// ---- move helpers ----

func (w *escWorld) seedName(u cabinet.UserID) (string, bool) {
	for n, id := range w.user {
		if id == u {
			return n, true
		}
	}
	return "", false
}

// anyone picks an account of s (seed and sign-ups).
func (w *escWorld) anyone(s *escSnap, i int) cabinet.UserID {
	ids := escSorted(s.users)
	return ids[i%len(ids)]
}

// anyDossier picks a dossier of s, or (one in eight) an unknown ID.
func (w *escWorld) anyDossier(s *escSnap, i int) cabinet.DossierID {
	ids := escSorted(s.dossiers)
	if i%8 == 7 {
		return w.unknown
	}
	return ids[i%len(ids)]
}

func (w *escWorld) anyOffice(s *escSnap, i int) cabinet.OfficeID {
	ids := escSorted(s.offices)
	return ids[i%len(ids)]
}

// anyTeam picks a team of s (personal ones only if personal).
func (w *escWorld) anyTeam(s *escSnap, i int, personal bool) cabinet.TeamID {
	var ids []cabinet.TeamID
	for _, id := range escSorted(s.teams) {
		if s.teams[id].Personal == personal {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return "team_none"
	}
	return ids[i%len(ids)]
}

// personal returns u's personal team.
func (w *escWorld) personal(s *escSnap, u cabinet.UserID) cabinet.TeamID {
	for _, id := range escSorted(s.teams) {
		if t := s.teams[id]; t.Personal && t.Owner == u {
			return id
		}
	}
	return "team_none"
}

// teamFor picks, by i, "" (u's personal team), a non-personal team of u, or
// any team.
func (w *escWorld) teamFor(s *escSnap, u cabinet.UserID, i int) cabinet.TeamID {
	switch i % 4 {
	case 1:
		var mine []cabinet.TeamID
		for _, id := range escSorted(s.teams) {
			if _, ok := escTeamRole(s.teams[id], u); ok && !s.teams[id].Personal {
				mine = append(mine, id)
			}
		}
		if len(mine) > 0 {
			return mine[i%len(mine)]
		}
	case 2:
		return w.anyTeam(s, i, false)
	}
	return ""
}

// memberOf picks a member of team t (an admin when admin), or anyone when
// it has none.
func (w *escWorld) memberOf(s *escSnap, t cabinet.TeamID, i int, admin bool) cabinet.UserID {
	var out []cabinet.UserID
	for _, m := range s.teams[t].Members {
		if !admin || m.Role == team.RoleAdmin {
			out = append(out, m.User)
		}
	}
	if len(out) == 0 || i%5 == 4 {
		return w.anyone(s, i)
	}
	return out[i%len(out)]
}

// collaborators lists the collaborators of office o in s.
func (w *escWorld) collaborators(s *escSnap, o cabinet.OfficeID) []cabinet.UserID {
	var out []cabinet.UserID
	for _, u := range escSorted(s.users) {
		if s.isCollaborator(o, u) {
			out = append(out, u)
		}
	}
	return out
}

// manages reports whether u is the manager of record of some dossier.
func (w *escWorld) manages(s *escSnap, u cabinet.UserID) bool {
	for _, d := range s.dossiers {
		if d.Manager == u {
			return true
		}
	}
	return false
}

// adminOf picks an admin of office o (anyone when it has none).
func (w *escWorld) adminOf(s *escSnap, o cabinet.OfficeID, i int) cabinet.UserID {
	var out []cabinet.UserID
	for _, u := range escSorted(s.users) {
		if s.isAdmin(o, u) {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return w.anyone(s, i)
	}
	return out[i%len(out)]
}

// organiser picks who organises dossier d: its manager of record, an admin
// of its office, or (insider) a collaborator or anyone.
func (w *escWorld) organiser(s *escSnap, d cabinet.DossierID, i int) cabinet.UserID {
	dos, ok := s.dossiers[d]
	switch {
	case !ok:
		return w.anyone(s, i)
	case i%4 == 0 && dos.Manager != "":
		return dos.Manager
	}
	return w.insider(s, dos.Office, w.adminOf(s, dos.Office, i), i/4)
}

// insider picks, by i, entitled (one in two), a collaborator of office o
// (who is usually not entitled), or anyone: the generic moves try the
// commands of the entitled with the wrong actors too.
func (w *escWorld) insider(s *escSnap, o cabinet.OfficeID, entitled cabinet.UserID, i int) cabinet.UserID {
	switch i % 4 {
	case 0, 1:
		return entitled
	case 2:
		return w.colleague(s, o, i/4)
	}
	return w.anyone(s, i)
}

// colleague picks a collaborator of office o (one in three: anyone).
func (w *escWorld) colleague(s *escSnap, o cabinet.OfficeID, i int) cabinet.UserID {
	collabs := w.collaborators(s, o)
	if len(collabs) == 0 || i%3 == 2 {
		return w.anyone(s, i)
	}
	return collabs[i%len(collabs)]
}

// familyActor picks kid, coh, hol, d's manager of record, or anyone.
func (w *escWorld) familyActor(s *escSnap, d cabinet.DossierID, i int) cabinet.UserID {
	switch i % 5 {
	case 0:
		return w.user["kid"]
	case 1:
		return w.user["coh"]
	case 2:
		return w.user["hol"]
	case 3:
		if m := s.dossiers[d].Manager; m != "" {
			return m
		}
	}
	return w.anyone(s, i)
}

// anyPerson picks a person of any tree.
func (w *escWorld) anyPerson(s *escSnap, i int) access.Person {
	ids := escSorted(s.persons)
	if len(ids) == 0 {
		return access.Person{ID: "per_none"}
	}
	return s.persons[ids[i%len(ids)]]
}

// personOf picks a person of d's tree, those without grant first when
// ungranted.
func (w *escWorld) personOf(s *escSnap, d cabinet.DossierID, i int, ungranted bool) access.Person {
	var with, without []access.Person
	for _, id := range escSorted(s.persons) {
		p := s.persons[id]
		if p.Dossier != d {
			continue
		}
		granted := false
		for _, gid := range s.grantsOn[d] {
			if s.grants[gid].Person == p.ID {
				granted = true
			}
		}
		if granted {
			with = append(with, p)
		} else {
			without = append(without, p)
		}
	}
	all := append(without, with...)
	if ungranted && len(without) > 0 {
		all = without
	}
	if len(all) == 0 {
		return access.Person{ID: "per_none", Dossier: d}
	}
	return all[i%len(all)]
}

// anyGrant picks a grant of s.
func (w *escWorld) anyGrant(s *escSnap, i int) (access.Grant, bool) {
	ids := escSorted(s.grants)
	if len(ids) == 0 {
		return access.Grant{}, false
	}
	return s.grants[ids[i%len(ids)]], true
}

func (w *escWorld) consentActor(s *escSnap, c escCmd) (team.Referral, cabinet.UserID) {
	refs := escSorted(s.referrals)
	if len(refs) == 0 {
		return team.Referral{ID: "ref_none"}, w.anyone(s, c.Actor)
	}
	ref := s.referrals[refs[c.A%len(refs)]]
	actor := []cabinet.UserID{ref.Client, ref.Referrer, w.user["hol"], w.user["coh"], w.anyone(s, c.Actor)}[c.B%5]
	if actor == "" {
		actor = ref.Referrer
	}
	return ref, actor
}

func (w *escWorld) refer(ctx context.Context, s *escSnap, actor cabinet.UserID, d cabinet.DossierID, t cabinet.TeamID, client string) (cabinet.UserID, string, error) {
	_, err := rec(w.k.Teams.Refer(ctx, actor, team.ReferInput{Team: t, ClientName: "Client Name", ClientEmail: client, Dossier: d}))
	where := string(t)
	if t == "" {
		where = "personal team"
	}
	what := string(d)
	if _, ok := s.dossiers[d]; !ok {
		what += " (unknown)"
	}
	return actor, fmt.Sprintf("Refer(%s into %s, client %s)", what, where, client), err
}

func (w *escWorld) removeCollaborator(ctx context.Context, actor cabinet.UserID, o cabinet.OfficeID, target cabinet.UserID) (cabinet.UserID, string, error) {
	err := errRev(w.k.Groups.RemoveCollaborator(ctx, actor, o, target))
	if err == nil {
		w.removed[target] = append(w.removed[target], o)
	}
	return actor, fmt.Sprintf("RemoveCollaborator(%s, %s)", o, target), err
}

func (w *escWorld) grantPerson(ctx context.Context, actor cabinet.UserID, p access.Person, email string, lv access.Level) (cabinet.UserID, string, error) {
	_, err := rec(w.k.Access.GrantPerson(ctx, actor, p.ID, access.GrantInput{Email: email, Phone: escPhone, Level: lv}))
	return actor, fmt.Sprintf("GrantPerson(%s (%s of %s), %s, %s)", p.ID, p.Relation, p.Dossier, email, lv), err
}

// ---- running a sequence ----

// escProperty is one no-escalation property: its generator's weights.
type escProperty struct {
	name  string
	boost map[string]int // weight multiplier per move name
}

// escStats counts what the sequences exercised, so that a pass says
// something (non-vacuity).
type escStats struct {
	mu        sync.Mutex
	sequences int
	commands  int
	accepted  map[string]int // move → commands the services accepted
	refused   map[string]int // move → commands the services refused
	opened    map[string]int // route → new (capability, route) judged by escOpened
	how       map[string]int // justification → count
	held      map[string]int // route → (capability, route) checked by escHeld
	sessions  int            // session capabilities checked
	found     map[string]int // rule → violations seen (focused or not)
	reasons   map[string]int // rule, check and reason with IDs blanked → count (when dump)
	dump      bool
}

func newEscStats() *escStats {
	return &escStats{accepted: map[string]int{}, refused: map[string]int{}, opened: map[string]int{},
		how: map[string]int{}, held: map[string]int{}, found: map[string]int{}, reasons: map[string]int{}}
}

// escIgnored are rules the property does not fail on, from
// CABINET_ESCALATION_IGNORE (comma-separated rule IDs): for auditing what
// remains once the known holes are set aside. Unset in CI.
func escIgnored() map[string]bool {
	out := map[string]bool{}
	for _, r := range strings.Split(os.Getenv("CABINET_ESCALATION_IGNORE"), ",") {
		if r = strings.TrimSpace(r); r != "" {
			out[r] = true
		}
	}
	return out
}

// escOnly restricts the violations that fail a property to those of
// CABINET_ESCALATION_ONLY, a comma-separated list of RULE[/check][~text]
// (check: opened, held or position; text: a substring of the reason with
// readable names), so that gopter shrinks to one hole: for investigating,
// unset in CI.
func escOnly() []string {
	var out []string
	for _, r := range strings.Split(os.Getenv("CABINET_ESCALATION_ONLY"), ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// escFails says whether v fails a property: every violation does, except
// the rules of ignore and, when only is set, those it does not name.
func escFails(w *escWorld, only []string, ignore map[string]bool, v escViolation) bool {
	if ignore[v.rule] {
		return false
	}
	if len(only) == 0 {
		return true
	}
	for _, f := range only {
		f, text, _ := strings.Cut(f, "~")
		rule, check, _ := strings.Cut(f, "/")
		if rule == v.rule && (check == "" || check == v.check) && (text == "" || strings.Contains(w.render(v.why), text)) {
			return true
		}
	}
	return false
}

// escJudged is what the checks found after one command.
type escJudged struct {
	s1         *escSnap
	c1         *escCaps
	violations []escViolation
	opened     []cabinet.Routes // every new (capability, route), by route
	hows       []string         // how each was justified (or "VIOLATION rule")
	held       []cabinet.Routes // every (capability, route) checked by escHeld
}

// judge reads the state after st (s0, c0 before it), runs the three checks
// and records st in the ledger.
func (w *escWorld) judge(ctx context.Context, s0 *escSnap, c0 *escCaps, st escStep) (escJudged, error) {
	var j escJudged
	var err error
	if j.s1, err = w.snap(ctx); err != nil {
		return j, fmt.Errorf("snapshot: %w", err)
	}
	if j.c1, err = escCapabilities(ctx, w.k.Policy, j.s1); err != nil {
		return j, err
	}
	j.violations = escOpened(s0, j.s1, c0, j.c1, st, w.led, func(r cabinet.Routes, how string) {
		j.opened = append(j.opened, r)
		j.hows = append(j.hows, how)
	})
	j.violations = append(j.violations, escHeld(j.s1, j.c1, func(r cabinet.Routes) { j.held = append(j.held, r) })...)
	j.violations = append(j.violations, escPositions(s0, j.s1, st)...)
	w.led.record(s0, j.s1, st)
	return j, nil
}

// start reads the seed's state and checks that it holds the rules.
func (w *escWorld) start(ctx context.Context) (*escSnap, *escCaps, error) {
	s0, err := w.snap(ctx)
	if err != nil {
		return nil, nil, err
	}
	c0, err := escCapabilities(ctx, w.k.Policy, s0)
	if err != nil {
		return nil, nil, err
	}
	if vs := escHeld(s0, c0, nil); len(vs) > 0 {
		return nil, nil, fmt.Errorf("%s", w.render("the seed world already breaks the rules:\n"+escFormat(w, s0, vs)))
	}
	return s0, c0, nil
}

// escRun runs cmds on a fresh world, checking after every command, and
// returns "" or the report of the first command after which a violation
// the property fails on was found.
func escRun(ctx context.Context, p escProperty, cmds []escCmd, stats *escStats, only []string, ignore map[string]bool) string {
	w, err := newEscWorld(ctx)
	if err != nil {
		return "building the world: " + err.Error()
	}
	s0, c0, err := w.start(ctx)
	if err != nil {
		return err.Error()
	}
	stats.mu.Lock()
	stats.sequences++
	stats.mu.Unlock()
	var log []string
	for i, c := range cmds {
		mv := escMoves[c.Op%len(escMoves)]
		actor, args, cmdErr := mv.run(ctx, w, s0, c)
		st := escStep{move: mv.name, actor: actor, args: args, err: cmdErr}
		j, err := w.judge(ctx, s0, c0, st)
		if err != nil {
			return err.Error()
		}
		log = append(log, fmt.Sprintf("%3d. %s", i+1, w.line(s0, c0, j, st)))
		var failing []escViolation
		stats.mu.Lock()
		stats.add(w, st, j)
		for _, v := range j.violations {
			if escFails(w, only, ignore, v) {
				failing = append(failing, v)
			}
		}
		stats.mu.Unlock()
		if len(failing) > 0 {
			return w.render(fmt.Sprintf("invariant 12 (no escalation) broken after command %d of %d [property %s]\ncommands:\n%s\nviolations after command %d:\n%s",
				i+1, len(cmds), p.name, strings.Join(log, "\n"), i+1, escFormat(w, j.s1, failing)))
		}
		s0, c0 = j.s1, j.c1
	}
	return ""
}

// line describes one command and its outcome.
func (w *escWorld) line(s0 *escSnap, c0 *escCaps, j escJudged, st escStep) string {
	gained, lost := 0, 0
	for _, k := range j.c1.keys {
		if c0.get(k) == 0 {
			gained++
		}
	}
	for _, k := range c0.keys {
		if j.c1.get(k) == 0 {
			lost++
		}
	}
	result := "ok"
	if st.err != nil {
		result = "refused: " + st.err.Error()
	}
	return fmt.Sprintf("%s by %s: %s → %s (+%d/-%d capabilities)", st.move, w.describe(s0, st.actor), st.args, result, gained, lost)
}

// add counts one judged command (the caller holds s.mu).
func (s *escStats) add(w *escWorld, st escStep, j escJudged) {
	s.commands++
	if st.err == nil {
		s.accepted[st.move]++
	} else {
		s.refused[st.move]++
	}
	for _, r := range j.opened {
		s.opened[r.String()]++
	}
	for _, h := range j.hows {
		s.how[h]++
	}
	for _, r := range j.held {
		s.held[r.String()]++
	}
	for _, k := range j.c1.keys {
		if k.subj.Session != "" {
			s.sessions++
		}
	}
	for _, v := range j.violations {
		s.found[v.rule]++
		if s.dump {
			s.reasons[v.rule+" ["+v.check+"] "+v.routes.String()+": "+escDigits.ReplaceAllString(w.render(v.why), "#")]++
		}
	}
}

// escFormat lists violations, those of one subject, dossier, route and
// reason on one line with their actions; the first dozen lines in full.
func escFormat(w *escWorld, s *escSnap, vs []escViolation) string {
	type group struct {
		v    escViolation
		what []string
	}
	var groups []*group
	index := map[string]*group{}
	for _, v := range vs {
		k := fmt.Sprintf("%s|%s|%v|%s|%s|%s", v.rule, v.check, v.cap.subj, v.cap.dossier, v.routes, v.why)
		g, ok := index[k]
		if !ok {
			g = &group{v: v}
			index[k] = g
			groups = append(groups, g)
		}
		if v.cap.action != policy.ActionInvalid {
			g.what = append(g.what, v.cap.what())
		}
	}
	var out []string
	for i, g := range groups {
		if i == 12 {
			out = append(out, fmt.Sprintf("  … and %d more", len(groups)-i))
			break
		}
		v := g.v
		who := w.describe(s, v.cap.subj.User)
		if v.cap.subj.Session != "" {
			ses := s.sessions[v.cap.subj.Session]
			who = fmt.Sprintf("session %s (%s impersonating %s)", ses.ID, w.describe(s, ses.Actor), w.describe(s, ses.ContactUser))
		}
		what := strings.Join(g.what, ", ")
		switch {
		case v.check == "position":
			out = append(out, fmt.Sprintf("  - %s [position] %s: %s", v.rule, who, v.why))
		case v.check == "opened":
			out = append(out, fmt.Sprintf("  - %s [opened] %s gained {%s} on %s via %s: %s", v.rule, who, what, v.cap.dossier, v.routes, v.why))
		case len(g.what) == 0:
			out = append(out, fmt.Sprintf("  - %s [held] %s", v.rule, v.why))
		default:
			out = append(out, fmt.Sprintf("  - %s [held] %s holds {%s} on %s via %s: %s", v.rule, who, what, v.cap.dossier, v.routes, v.why))
		}
	}
	return strings.Join(out, "\n")
}

// escGen generates sequences of 10 to 30 commands (mean 20) with p's
// weights.
func escGen(p escProperty) gopter.Gen {
	var ops []gen.WeightedGen
	for i, m := range escMoves {
		weight := m.weight
		if b, ok := p.boost[m.name]; ok {
			weight *= b
		}
		ops = append(ops, gen.WeightedGen{Weight: weight, Gen: gen.Const(i)})
	}
	return gen.SliceOf(gen.Struct(reflect.TypeOf(escCmd{}), map[string]gopter.Gen{
		"Op": gen.Weighted(ops), "Actor": gen.IntRange(0, 63), "A": gen.IntRange(0, 63), "B": gen.IntRange(0, 63),
	}))
}

// escProperties are the no-escalation properties: "all", every move at its
// table weight, and "attacks", the attack moves of issue 11 (and the moves
// they need: sign-ups, impersonation, removals, dossier creation) five
// times heavier. Both fail on every rule; see escOnly to focus one hole.
var escProperties = []escProperty{
	{name: "all"},
	{name: "attacks", boost: map[string]int{
		"ReferForeign": 5, "ReferFutureDossier": 5, "ReReferViaTeamRoute": 5, "ReferAsGrantee": 5, "RestoreConsent": 5,
		"CreateTeamForOther": 5, "TakeLead": 5,
		"RemoveCollaborator": 5, "ExManagerGrantsOwnAddress": 5, "RemoveImpersonator": 5, "StartImpersonation": 5,
		"CentralGrantsControlledAddress": 5, "EditPerson": 5, "AddPerson": 3, "RemovePerson": 3,
		"CorrectGrantToControlledAddress": 5, "EditAdvisorToControlledAddress": 3, "AnswerTeam": 3,
		"SignUp": 3, "CreateDossier": 3, "GrantAdvisorUntil": 3, "SetGrantExpiry": 5,
	}},
}

// SPEC §3 invariant 12 (v2), no escalation; TEAM-1, TEAM-2, TEAM-8, TEAM-9,
// GRP-11, CON-6, ACC-1, ACC-2, ACC-7, ACC-10, ACC-11, ACC-12: over random
// command sequences by every kind of actor, every new (user, dossier,
// route) was opened by an entitled actor, and no capability outlives the
// position it came from. It failed on main before the v2 fixes (see
// /work/notes/escalation-before.md) and passes on v2.
func TestINV12NoEscalation(t *testing.T) {
	ctx := context.Background()
	ignore, only := escIgnored(), escOnly()
	for _, p := range escProperties {
		t.Run(p.name, func(t *testing.T) {
			params := gopter.DefaultTestParameters()
			params.MinSuccessfulTests = 1000
			if testing.Short() {
				params.MinSuccessfulTests = 100
			}
			params.MinSize, params.MaxSize = 10, 51 // 10 to 50 commands, mean about 20 (gopter grows the bound from MinSize)
			if seed, err := strconv.ParseInt(os.Getenv("CABINET_ESCALATION_SEED"), 10, 64); err == nil {
				params.SetSeed(seed) // to replay a run (unset in CI)
			}
			stats := newEscStats()
			stats.dump = testing.Verbose() && (len(ignore) > 0 || len(only) > 0)
			properties := gopter.NewProperties(params)
			properties.Property("no escalation: "+p.name, prop.ForAll(func(cmds []escCmd) string {
				return escRun(ctx, p, cmds, stats, only, ignore)
			}, escGen(p)))
			properties.TestingRun(t)
			t.Logf("coverage: %s", stats.report())
			if stats.dump {
				var lines []string
				for r, n := range stats.reasons {
					lines = append(lines, fmt.Sprintf("%6d %s", n, r))
				}
				sort.Strings(lines)
				t.Logf("violations seen, by kind:\n%s", strings.Join(lines, "\n"))
			}
			if t.Failed() {
				return
			}
			// Non-vacuity: the sequences opened capabilities through every
			// kind of route, and the services accepted commands of the
			// property's attacks.
			if p.name == "all" && !testing.Short() { // 100 sequences open too few advisor grants to require one
				for _, r := range []cabinet.Routes{cabinet.RouteAdmin, cabinet.RouteManager, cabinet.RouteAssigned,
					cabinet.RouteGroupDirect, cabinet.RouteCollaboratorGroup, cabinet.RouteTeam,
					cabinet.RouteCentralPerson, cabinet.RouteFamily, cabinet.RouteExternalAdvisor} {
					if stats.opened[r.String()] == 0 {
						t.Errorf("no sequence opened a capability through route %s: the property says nothing about it", r)
					}
				}
				if stats.sessions == 0 {
					t.Errorf("no impersonation session capability was checked")
				}
			}
		})
	}
}

// report formats the counters.
func (s *escStats) report() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%d sequences, %d commands; ", s.sequences, s.commands)
	fmt.Fprintf(&b, "new (capability, route) judged by route: %s; ", countsOf(s.opened))
	fmt.Fprintf(&b, "justifications: %s; ", countsOf(s.how))
	fmt.Fprintf(&b, "(capability, route) held checks by route: %s; session capabilities checked: %d; ", countsOf(s.held), s.sessions)
	fmt.Fprintf(&b, "violations seen by rule: %s; ", countsOf(s.found))
	var moves []string
	for _, m := range escMoves {
		moves = append(moves, fmt.Sprintf("%s %d/%d", m.name, s.accepted[m.name], s.accepted[m.name]+s.refused[m.name]))
	}
	fmt.Fprintf(&b, "accepted/run per move: %s", strings.Join(moves, ", "))
	return b.String()
}

// ---- the oracle's own tests ----

// SPEC §3 invariant 12 (v2): the seed world holds the rules, and gives every
// route the oracle judges (otherwise the properties would start from a
// broken state, or say nothing about a route).
func TestINV12SeedWorldHoldsTheRules(t *testing.T) {
	ctx := context.Background()
	w, err := newEscWorld(ctx)
	require.NoError(t, err)
	_, c0, err := w.start(ctx)
	require.NoError(t, err)
	var routes cabinet.Routes
	for _, k := range c0.keys {
		routes |= c0.get(k)
	}
	for _, r := range []cabinet.Routes{cabinet.RouteAdmin, cabinet.RouteManager, cabinet.RouteAssigned,
		cabinet.RouteGroupDirect, cabinet.RouteCollaboratorGroup, cabinet.RouteTeam,
		cabinet.RouteCentralPerson, cabinet.RouteFamily, cabinet.RouteExternalAdvisor} {
		require.True(t, routes.Has(r), "the seed gives no capability through %s", r)
	}
}

// escScript is one command of a scripted scenario: it picks its arguments
// in s and returns the actor (for a sign-up, the account created).
type escScript func(ctx context.Context, w *escWorld, s *escSnap) (cabinet.UserID, error)

// personNamed returns the person of s whose name starts with first.
func (w *escWorld) personNamed(s *escSnap, first string) access.PersonID {
	for _, id := range escSorted(s.persons) {
		if strings.HasPrefix(s.persons[id].Name, first+" ") {
			return id
		}
	}
	return "per_none"
}

func (w *escWorld) grantOf(s *escSnap, email string) access.GrantID {
	for _, id := range escSorted(s.grants) {
		if s.grants[id].Email == email {
			return id
		}
	}
	return "grant_none"
}

func (w *escWorld) advisorOf(s *escSnap, email string) access.AdvisorID {
	for _, id := range escSorted(s.advisors) {
		if s.advisors[id].Email == email {
			return id
		}
	}
	return "adv_none"
}

func (w *escWorld) pendingInvitation(s *escSnap, email string) team.InvitationID {
	for _, id := range escSorted(s.invites) {
		if inv := s.invites[id]; inv.Email == email && inv.Status == team.StatusPending {
			return id
		}
	}
	return "inv_none"
}

// lastTeamOf returns the newest non-personal team led by u.
func (w *escWorld) lastTeamOf(s *escSnap, u cabinet.UserID) cabinet.TeamID {
	var out cabinet.TeamID
	for _, id := range escSorted(s.teams) {
		if t := s.teams[id]; !t.Personal && t.Lead == u && id > out {
			out = id
		}
	}
	return out
}

// SPEC §3 invariant 12 (v2), non-vacuity: the paths the rules allow open
// capabilities, and the oracle lets every one of them through (ACC-1, ACC-2,
// ACC-4, ACC-5, ACC-7, ACC-9, TEAM-3, TEAM-8, TEAM-9, GRP-3, GRP-5). Each
// scenario runs through the services and the very checks of the
// properties, and must open its route for its user.
func TestINV12EntitledPathsPass(t *testing.T) {
	as := func(name string, fn func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error) escScript {
		return func(ctx context.Context, w *escWorld, s *escSnap) (cabinet.UserID, error) {
			return w.user[name], fn(ctx, w, s, w.user[name])
		}
	}
	signUp := func(email string) escScript {
		return func(ctx context.Context, w *escWorld, s *escSnap) (cabinet.UserID, error) {
			u, err := rec(w.k.Teams.CreateUser(ctx, testHost, "New Comer", email))
			return u.ID, err
		}
	}
	grant := func(by, person, email string, lv access.Level) escScript {
		return as(by, func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
			_, err := rec(w.k.Access.GrantPerson(ctx, u, w.personNamed(s, person), access.GrantInput{Email: email, Phone: escPhone, Level: lv}))
			return err
		})
	}
	cases := []struct {
		name  string
		steps []escScript
		gains string // the email of the user who must gain
		route cabinet.Routes
	}{
		{"ACC-1 the manager grants a central person", []escScript{grant("ben", "Marc", escEmail("olly"), access.LevelReadOnly)},
			escEmail("olly"), cabinet.RouteCentralPerson},
		{"ACC-5 the manager's grant becomes the newcomer's at sign-up", []escScript{
			grant("ben", "Anne", "newcomer@example.com", access.LevelReadWrite), signUp("newcomer@example.com")},
			"newcomer@example.com", cabinet.RouteFamily},
		{"ACC-7 a read_write central person grants a relative at their level", []escScript{grant("coh", "Anne", escEmail("olly"), access.LevelReadWrite)},
			escEmail("olly"), cabinet.RouteFamily},
		{"ACC-9 the manager grants the registered lawyer, who signs up", []escScript{
			as("ben", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Access.GrantAdvisor(ctx, u, w.advisorOf(s, "law@example.com"), access.LevelReadWrite))
				return err
			}), signUp("law@example.com")},
			"law@example.com", cabinet.RouteExternalAdvisor},
		{"ACC-4 the manager raises the banker to read_write", []escScript{
			as("ben", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				return errOf(w.k.Access.ChangeLevel(ctx, u, w.grantOf(s, escEmail("bob")), access.LevelReadWrite))
			})},
			escEmail("bob"), cabinet.RouteExternalAdvisor},
		{"ACC-2 the manager makes a granted child central", []escScript{
			as("ben", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Access.EditPerson(ctx, u, w.personNamed(s, "Lea"), access.PersonInput{Name: "Lea Roux", Relation: access.RelationCoHolder}))
				return err
			})},
			escEmail("kid"), cabinet.RouteCentralPerson},
		{"TEAM-3 accepting an invitation an admin issued", []escScript{
			as("olly", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.AcceptInvitation(ctx, u, w.pendingInvitation(s, escEmail("olly"))))
				return err
			})},
			escEmail("olly"), cabinet.RouteTeam},
		{"TEAM-8 a collaborator who reaches the dossier shares it with her team", []escScript{
			as("cat", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.CreateTeam(ctx, u, "Cat's team", ""))
				return err
			}),
			as("cat", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.Refer(ctx, u, team.ReferInput{Team: w.lastTeamOf(s, u), ClientName: "Claire Roux", ClientEmail: escEmail("hol"), Dossier: w.d1}))
				return err
			}),
			as("cat", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.Invite(ctx, u, w.lastTeamOf(s, u), escEmail("rita"), team.RoleMember))
				return err
			}),
			as("rita", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.AcceptInvitation(ctx, u, w.pendingInvitation(s, escEmail("rita"))))
				return err
			})},
			escEmail("rita"), cabinet.RouteTeam},
		{"TEAM-9 the holder gives consent again", []escScript{
			as("hol", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.RevokeConsent(ctx, u, w.d1))
				return err
			}),
			as("hol", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Teams.RestoreConsent(ctx, u, w.d1))
				return err
			})},
			escEmail("tess"), cabinet.RouteTeam},
		{"GRP-5 an admin puts a new collaborator into D1's client group", []escScript{
			as("ada", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Groups.AddCollaborator(ctx, u, w.o1, w.user["olly"], cabinet.ProfileStandard))
				return err
			}),
			as("ada", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				return errOf(w.k.Groups.AssignCollaborator(ctx, u, w.groups[0], w.user["olly"]))
			})},
			escEmail("olly"), cabinet.RouteGroupDirect},
		{"GRP-5 an admin adds a collaborator to a collaborator group", []escScript{
			as("ada", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Groups.AddCollaborator(ctx, u, w.o1, w.user["rita"], cabinet.ProfileStandard))
				return err
			}),
			as("ada", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				return errOf(w.k.Groups.AddMember(ctx, u, w.cgroups[0], w.user["rita"]))
			})},
			escEmail("rita"), cabinet.RouteCollaboratorGroup},
		// D2, not D1: D1 is shared with T1 by ben's referral, which (TEAM-8
		// v2, escReferrerBoundEveryStep) ben could no longer back.
		{"ACC-1 the manager hands the dossier to another collaborator", []escScript{
			as("cat", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				return errOf(w.k.Access.SetManager(ctx, u, w.d2, w.user["ben"]))
			})},
			escEmail("ben"), cabinet.RouteManager},
		{"ACC-1 the manager assigns a collaborator", []escScript{
			as("cat", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				return errOf(w.k.Access.SetAssigned(ctx, u, w.d2, []cabinet.UserID{w.user["ben"]}))
			})},
			escEmail("ben"), cabinet.RouteAssigned},
		{"GRP-3 an admin makes a collaborator admin", []escScript{
			as("ada", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Groups.SetProfile(ctx, u, w.o1, w.user["cat"], cabinet.ProfileAdmin))
				return err
			})},
			escEmail("cat"), cabinet.RouteAdmin},
		{"ACC-1 a collaborator opens a dossier", []escScript{
			as("dan", func(ctx context.Context, w *escWorld, s *escSnap, u cabinet.UserID) error {
				_, err := rec(w.k.Access.CreateDossier(ctx, u, w.o1, "Durand family"))
				return err
			})},
			escEmail("dan"), cabinet.RouteManager},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := newEscWorld(ctx)
			require.NoError(t, err)
			s0, c0, err := w.start(ctx)
			require.NoError(t, err)
			var gained cabinet.Routes
			for i, step := range tc.steps {
				actor, cmdErr := step(ctx, w, s0)
				require.NoError(t, cmdErr, "step %d", i+1)
				st := escStep{move: fmt.Sprintf("%s, step %d", tc.name, i+1), actor: actor}
				j, err := w.judge(ctx, s0, c0, st)
				require.NoError(t, err)
				require.Empty(t, j.violations, "step %d: %s", i+1, w.render(escFormat(w, j.s1, j.violations)))
				u := j.s1.byEmail[cabinet.EmailKey(tc.gains)]
				for _, k := range j.c1.keys {
					if k.subj == policy.User(u) {
						gained |= j.c1.get(k) &^ c0.get(k)
					}
				}
				s0, c0 = j.s1, j.c1
			}
			require.True(t, gained.Has(tc.route), "%s gained %s, not %s", tc.gains, gained, tc.route)
		})
	}
}

// escClone copies s so that a test can change the copy (maps and the
// slices of refsOf and grantsOn are copied; their elements are values).
func escClone(s *escSnap) *escSnap {
	c := *s
	c.users, c.byEmail, c.teams, c.invites = maps.Clone(s.users), maps.Clone(s.byEmail), maps.Clone(s.teams), maps.Clone(s.invites)
	c.referrals, c.refsOf = maps.Clone(s.referrals), maps.Clone(s.refsOf)
	c.offices, c.profiles, c.cgMembers, c.groupCGs = maps.Clone(s.offices), maps.Clone(s.profiles), maps.Clone(s.cgMembers), maps.Clone(s.groupCGs)
	c.direct, c.placement = maps.Clone(s.direct), maps.Clone(s.placement)
	c.dossiers, c.persons, c.advisors, c.grants, c.grantsOn = maps.Clone(s.dossiers), maps.Clone(s.persons), maps.Clone(s.advisors), maps.Clone(s.grants), maps.Clone(s.grantsOn)
	c.contacts, c.sessions, c.revoked = maps.Clone(s.contacts), maps.Clone(s.sessions), maps.Clone(s.revoked)
	return &c
}

func escCloneCaps(c *escCaps) *escCaps {
	out := newEscCaps()
	for _, k := range c.keys {
		out.add(k, c.get(k))
	}
	return out
}

// SPEC §3 invariant 12 (v2): the oracle flags what the rules forbid, on the
// seed's records changed by hand — a capability policy would wrongly allow,
// a record a service would wrongly write — whatever today's code does; and
// lets the allowed controls through. The rule named is the one the case is
// about (TEAM-8, TEAM-2, ACC-2, ACC-7, ACC-10, ACC-11, ACC-12, GRP-11,
// CON-6).
func TestINV12OracleFlagsForbiddenChanges(t *testing.T) {
	ctx := context.Background()
	w, err := newEscWorld(ctx)
	require.NoError(t, err)
	seed, seedCaps, err := w.start(ctx)
	require.NoError(t, err)
	u := w.user
	cap := func(who cabinet.UserID, d cabinet.DossierID, a policy.Action, s access.Section) escCapKey {
		return escCapKey{subj: policy.User(who), dossier: d, action: a, section: s}
	}
	// session adds a live session of ben impersonating name's client
	// contact.
	session := func(s *escSnap, name string) contact.SessionID {
		var c cabinet.ContactID
		for _, id := range escSorted(s.contacts) {
			if s.contacts[id].Email == escEmail(name) {
				c = id
			}
		}
		s.sessions["session_forged"] = contact.Session{ID: "session_forged", Office: w.o1, Actor: u["ben"], Contact: c,
			ContactUser: u[name], StartedAt: s.now, ExpiresAt: s.now.Add(time.Hour)}
		return "session_forged"
	}
	forgedGrant := func(s *escSnap, by, to cabinet.UserID, person string, lv access.Level) {
		g := access.Grant{ID: "grant_forged", Dossier: w.d1, Office: w.o1, Kind: access.GranteePerson, Person: w.personNamed(s, person),
			Email: s.users[to].Email, Phone: "+33612345678", Level: lv, User: to, GrantedBy: by, GrantedAt: s.now}
		s.grants[g.ID] = g
		s.grantsOn[w.d1] = append(slices.Clone(s.grantsOn[w.d1]), g.ID)
	}
	cases := []struct {
		name   string
		actor  cabinet.UserID
		change func(s0, s1 *escSnap, c0, c1 *escCaps)
		want   string // "rule/check~a substring of the reason", "" for none
	}{
		{"TEAM-8 an outsider reaches a foreign dossier by the team route", u["olly"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			c1.add(cap(u["olly"], w.d3, policy.ViewDossier, 0), cabinet.RouteTeam)
		}, "TEAM-8/opened~no referral of"},
		{"TEAM-8 the team route never applies to the dossier's central persons", u["hol"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			t1 := s1.teams[s1.referrals[s1.refsOf[w.d1][0]].Team]
			t1.Members = append(slices.Clone(t1.Members), team.Member{User: u["hol"], Role: team.RoleMember})
			s1.teams[t1.ID] = t1
			c1.add(cap(u["hol"], w.d1, policy.UseReports, 0), cabinet.RouteTeam)
		}, "TEAM-8/held~never applies to the dossier's own central persons"},
		{"ACC-11 a family member edits the office's notes", u["kid"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			c1.add(cap(u["kid"], w.d1, policy.EditSection, access.SectionNotes), cabinet.RouteFamily)
		}, "ACC-11/held~never edit notes"},
		{"ACC-10 an external advisor uses reports", u["nora"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			c1.add(cap(u["nora"], w.d1, policy.UseReports, 0), cabinet.RouteExternalAdvisor)
		}, "ACC-10/held~never use simulations or reports"},
		{"ACC-12 an archived dossier is edited", u["ben"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			d := s1.dossiers[w.d1]
			d.Status = cabinet.DossierArchived
			s1.dossiers[w.d1] = d
		}, "ACC-12/held~archived"},
		{"GRP-11 a removed manager keeps the manager's rights", u["ada"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			delete(s1.profiles, escOU{w.o1, u["ben"]})
		}, "GRP-11/held~not a collaborator"},
		{"GRP-11 a removed manager grants access", u["ben"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			delete(s0.profiles, escOU{w.o1, u["ben"]})
			delete(s1.profiles, escOU{w.o1, u["ben"]})
			forgedGrant(s1, u["ben"], u["olly"], "Anne", access.LevelReadOnly)
			c1.add(cap(u["olly"], w.d1, policy.ViewDossier, 0), cabinet.RouteFamily)
		}, "GRP-11/opened~still named manager"},
		{"ACC-7 a read_only holder grants read_write", u["hol"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			forgedGrant(s1, u["hol"], u["olly"], "Anne", access.LevelReadWrite)
			c1.add(cap(u["olly"], w.d1, policy.EditSection, access.SectionAssetInventory), cabinet.RouteFamily)
		}, "ACC-7/opened~at most their own level"},
		{"CON-6 an impersonation session edits what its contact may edit", u["ben"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			c1.add(escCapKey{subj: policy.Impersonating(session(s1, "coh")), dossier: w.d1, action: policy.EditSection, section: access.SectionFamilyStructure}, cabinet.RouteCentralPerson)
		}, "CON-6/held~only viewing"},
		{"CON-6 a session outlives its collaborator's membership", u["ada"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			delete(s1.profiles, escOU{w.o1, u["ben"]})
			c1.add(escCapKey{subj: policy.Impersonating(session(s1, "hol")), dossier: w.d1, action: policy.ViewDossier}, cabinet.RouteCentralPerson)
		}, "CON-6/held~no longer a collaborator"},
		{"CON-6 a session reaches more than its contact", u["ben"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			c1.add(escCapKey{subj: policy.Impersonating(session(s1, "hol")), dossier: w.d1, action: policy.ViewDossier}, cabinet.RouteAdmin)
		}, "CON-6/held~contact hol alone does not"},
		{"control: a session views what its contact views", u["ben"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			c1.add(escCapKey{subj: policy.Impersonating(session(s1, "hol")), dossier: w.d1, action: policy.ViewDossier}, cabinet.RouteCentralPerson)
		}, ""},
		{"TEAM-2 an admin takes the lead", u["tom"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			t1 := s1.teams[s1.referrals[s1.refsOf[w.d1][0]].Team]
			t1.Lead = u["tom"]
			s1.teams[t1.ID] = t1
		}, "TEAM-2/position~only its lead"},
		{"ACC-2 a family member adds a co-holder", u["kid"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			s1.persons["per_forged"] = access.Person{ID: "per_forged", Dossier: w.d1, Name: "Max Roux", Relation: access.RelationCoHolder}
		}, "ACC-2/position~only the manager"},
		{"control: a team member's reports through an internal referrer", u["ada"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			k := cap(u["tess"], w.d1, policy.UseReports, 0)
			c0.routes[k] = 0 // not allowed before, allowed after: a new capability
		}, ""},
		{"control: the manager grants a relative", u["ben"], func(s0, s1 *escSnap, c0, c1 *escCaps) {
			forgedGrant(s1, u["ben"], u["olly"], "Anne", access.LevelReadWrite)
			c1.add(cap(u["olly"], w.d1, policy.EditSection, access.SectionAssetInventory), cabinet.RouteFamily)
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s0, s1 := escClone(seed), escClone(seed)
			c0, c1 := escCloneCaps(seedCaps), escCloneCaps(seedCaps)
			tc.change(s0, s1, c0, c1)
			st := escStep{move: tc.name, actor: tc.actor}
			vs := escOpened(s0, s1, c0, c1, st, w.led, nil)
			vs = append(vs, escHeld(s1, c1, nil)...)
			vs = append(vs, escPositions(s0, s1, st)...)
			if tc.want == "" {
				require.Empty(t, vs, w.render(escFormat(w, s1, vs)))
				return
			}
			want, text, _ := strings.Cut(tc.want, "~")
			found := false
			for _, v := range vs {
				found = found || (v.rule+"/"+v.check == want && strings.Contains(w.render(v.why), text))
			}
			require.True(t, found, "want %s, got:\n%s", tc.want, w.render(escFormat(w, s1, vs)))
		})
	}
}
