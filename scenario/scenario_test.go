package scenario_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/scenario"
	"github.com/cabinet-go/cabinet/team"
)

// recorder is a TB whose Fatalf returns, so that a test can see what a
// failed step reports.
type recorder struct{ msgs []string }

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// office is the smallest world most tests start from: Louise created the
// office (its admin), Marc is a standard collaborator.
func office(t *testing.T, opts ...scenario.Option) (*scenario.Scenario, clientgroup.Office, cabinet.User) {
	t.Helper()
	s := scenario.New(t, opts...)
	o := s.Office("Martin Wealth", s.User("Louise").ID)
	return s, o, s.Collaborator(o.ID, "Marc", cabinet.ProfileStandard)
}

func TestNewDefaults(t *testing.T) {
	var sink cabinet.EventLog
	s, o, _ := office(t, scenario.WithSink(&sink))
	assert.Equal(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), s.Clock.Now())
	assert.Equal(t, cabinet.OfficeID("office_3"), o.ID, "sequential IDs: two users, then the office")
	assert.Equal(t, s.Events.Names(), sink.Names(), "the host's sink sees every batch the log sees")
	assert.Contains(t, s.Events.Names(), "clientgroup.office_created")
	for _, b := range s.Events.Batches() {
		if b.Host != "" {
			assert.Equal(t, scenario.HostSignUp, b.Host, "only sign-ups are host-driven here")
		}
	}
	assert.Equal(t, s.Policy.Revision(), s.Events.Batches()[len(s.Events.Batches())-1].Revision, "the engine has applied every batch")

	later := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	assert.Equal(t, later, scenario.New(t, scenario.WithStart(later)).Clock.Now())
}

func TestNewWithStoreLoadsItsState(t *testing.T) {
	store := memstore.New()
	first, o, marc := office(t, scenario.WithStore(store))
	d := first.Dossier(o.ID, "Roux family", marc.ID)

	// A second scenario over the same store sees the office: the engine is
	// loaded from the store's state.
	s := scenario.New(t, scenario.WithStore(store), scenario.WithKitOptions(kit.WithIDs(cabinet.RandomIDs{})))
	assert.True(t, s.Check(marc.ID, policy.ViewDossier, policy.DossierResource(d.ID)).Allowed)
	noah := s.Collaborator(o.ID, "Noah", cabinet.ProfileStandard)
	assert.NotRegexp(t, `^user_\d+$`, string(noah.ID), "WithKitOptions overrides the sequential IDs")
}

func TestNewWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := scenario.New(t, scenario.WithContext(ctx))
	assert.Equal(t, ctx, s.Context())
	cancel()
	var r recorder
	s = scenario.New(&r, scenario.WithContext(ctx))
	if len(r.msgs) == 0 { // the engine may load without reading the context
		s.User("Louise")
	}
	require.Len(t, r.msgs, 1)
	assert.Contains(t, r.msgs[0], "context canceled")
}

func TestEmailFor(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Louise", "louise@example.com"},
		{"Léa Martin", "lea.martin@example.com"},
		{"Maître Dupuis", "maitre.dupuis@example.com"},
		{"  Jean-François  O'Brien ", "jean.francois.o.brien@example.com"},
		{"Œdipe Ærø Straße", "oedipe.aero.strasse@example.com"},
		{"Agent 007", "agent.007@example.com"},
		{"李雷", "person@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, scenario.EmailFor(tc.name))
			_, err := cabinet.ParseEmail("email", tc.want)
			assert.NoError(t, err)
		})
	}
}

// TEAM-6: every account comes with its personal team.
func TestUserAndSignUp(t *testing.T) {
	s := scenario.New(t)
	marc := s.User("Marc")
	assert.Equal(t, "marc@example.com", marc.Email)
	assert.Equal(t, "Marc", marc.DisplayName)
	assert.Equal(t, "marc2@example.com", s.User("Marc").Email, "the next free address")
	other := s.SignUp("Marc Roux", "MARC.ROUX@roux.example")
	assert.Equal(t, "MARC.ROUX@roux.example", other.Email)
	assert.Equal(t, "marc3@example.com", s.User("Marc").Email, "SignUp's addresses count")
	s.SignUp("Eve", "eve@example.com")
	assert.Equal(t, "eve2@example.com", s.User("Eve").Email, "an address an account has is taken")

	personal, err := s.Teams.PersonalTeam(s.Context(), marc.ID)
	require.NoError(t, err)
	assert.Equal(t, []cabinet.UserID{marc.ID}, personal.Admins())
}

func TestOfficeAndCollaborators(t *testing.T) {
	s, o, marc := office(t)
	ctx := s.Context()
	assert.Equal(t, "martin.wealth@example.com", o.Email)
	admin, err := s.Groups.Collaborator(ctx, o.CreatedBy, o.ID, o.CreatedBy)
	require.NoError(t, err)
	assert.Equal(t, cabinet.ProfileAdmin, admin.Profile, "GRP-5: the creator is the office's first admin")
	c, err := s.Groups.Collaborator(ctx, o.CreatedBy, o.ID, marc.ID)
	require.NoError(t, err)
	assert.Equal(t, cabinet.ProfileStandard, c.Profile)

	paul := s.User("Paul")
	s.AddCollaborator(o.ID, paul.ID, cabinet.ProfileAdmin)
	c, err = s.Groups.Collaborator(ctx, o.CreatedBy, o.ID, paul.ID)
	require.NoError(t, err)
	assert.Equal(t, cabinet.ProfileAdmin, c.Profile)

	// The creator left: the office's other admin runs its organisation.
	_, err = s.Groups.RemoveCollaborator(ctx, paul.ID, o.ID, o.CreatedBy)
	require.NoError(t, err)
	noah := s.Collaborator(o.ID, "Noah", cabinet.ProfileStandard)
	assert.Equal(t, paul.ID, s.Events.Batches()[len(s.Events.Batches())-1].Actor)
	assert.NotEmpty(t, noah.ID)
}

// GRP-3: every route the group steps open.
func TestGroups(t *testing.T) {
	s, o, marc := office(t)
	noah := s.Collaborator(o.ID, "Noah", cabinet.ProfileStandard)
	ines := s.Collaborator(o.ID, "Inès", cabinet.ProfileStandard)
	d1 := s.Dossier(o.ID, "Roux family", marc.ID)
	d2 := s.Dossier(o.ID, "Petit family", marc.ID)
	estates := s.ClientGroup(o.ID, "Estates")
	juniors := s.CollaboratorGroup(o.ID, "Juniors", ines.ID)
	s.Place(estates.ID, d1.ID, d2.ID)
	s.Assign(estates.ID, noah.ID)
	s.AssignGroup(estates.ID, juniors.ID)

	members, _, err := s.Groups.Members(s.Context(), o.CreatedBy, clientgroup.MemberFilter{Group: juniors.ID}, cabinet.Page{})
	require.NoError(t, err)
	require.Len(t, members, 1)
	assert.Equal(t, ines.ID, members[0].User)
	for _, d := range []cabinet.DossierID{d1.ID, d2.ID} {
		for u, want := range map[cabinet.UserID]cabinet.Routes{noah.ID: cabinet.RouteGroupDirect, ines.ID: cabinet.RouteCollaboratorGroup} {
			r, err := s.Groups.Routes(s.Context(), o.CreatedBy, u, d)
			require.NoError(t, err)
			assert.Equal(t, want, r, "%s on %s", u, d)
		}
	}
	entries, _, err := s.Groups.Dossiers(s.Context(), o.CreatedBy, clientgroup.DossierFilter{ClientGroup: estates.ID}, cabinet.Page{})
	require.NoError(t, err)
	assert.Len(t, entries, 2)
	var moves []int // the number of dossier_moved events of each batch that has some
	for _, b := range s.Events.Batches() {
		n := 0
		for _, e := range b.Events {
			if e.EventName() == "clientgroup.dossier_moved" {
				n++
			}
		}
		if n > 0 {
			moves = append(moves, n)
		}
	}
	assert.Equal(t, []int{2}, moves, "Place: both dossiers in one command and one batch")
}

func TestDossiers(t *testing.T) {
	s, o, marc := office(t)
	noah := s.Collaborator(o.ID, "Noah", cabinet.ProfileStandard)

	d := s.Dossier(o.ID, "Roux family", marc.ID)
	assert.Equal(t, cabinet.DossierActivated, d.Status)
	assert.Equal(t, marc.ID, d.Manager)
	assert.Equal(t, marc.ID, d.CreatedBy)

	draft := s.DraftDossier(o.ID, "Petit family", marc.ID)
	assert.Equal(t, cabinet.DossierDraft, draft.Status)

	orphan := s.Dossier(o.ID, "Blanc family", "")
	assert.Equal(t, cabinet.UserID(""), orphan.Manager)
	assert.Equal(t, o.CreatedBy, orphan.CreatedBy)
	assert.Equal(t, cabinet.DossierActivated, orphan.Status)

	d = s.SetAssigned(d.ID, noah.ID)
	assert.Equal(t, []cabinet.UserID{noah.ID}, d.Assigned)
	assert.True(t, s.Check(noah.ID, policy.ViewDossier, policy.DossierResource(d.ID)).Allowed)

	assert.Equal(t, cabinet.DossierArchived, s.SetStatus(d.ID, cabinet.DossierArchived).Status)
	assert.Equal(t, cabinet.DossierActivated, s.SetStatus(draft.ID, cabinet.DossierActivated).Status)
}

// ACC-2 … ACC-9: the family tree, its grants and the advisors are the
// manager's, and every grantee is signed up unless invited only.
func TestGrants(t *testing.T) {
	s, o, marc := office(t)
	ctx := s.Context()
	d := s.Dossier(o.ID, "Martin family", marc.ID)
	anne := s.Person(d.ID, "Anne Martin", access.RelationHolder)
	assert.Equal(t, access.RelationHolder, anne.Relation)
	assert.Equal(t, d.ID, anne.Dossier)

	g := s.Grant(anne.ID, access.LevelReadWrite)
	assert.Equal(t, access.AccessActive, g.State())
	assert.Equal(t, "anne.martin@example.com", g.Email)
	assert.Equal(t, "+33610000001", g.Phone)
	assert.Equal(t, marc.ID, g.GrantedBy)
	u, err := s.Teams.User(ctx, g.User, g.User)
	require.NoError(t, err)
	assert.Equal(t, "Anne Martin", u.DisplayName)
	assert.True(t, s.Check(g.User, policy.ManageFamilyAccess, policy.DossierResource(d.ID)).Allowed, "ACC-7")

	lea := s.GrantInvited(s.Person(d.ID, "Léa Martin", access.RelationChild).ID, access.LevelReadOnly)
	assert.Equal(t, access.AccessInvited, lea.State())
	assert.Equal(t, "+33610000002", lea.Phone)
	s.Clock.Advance(access.FirstReminderDelay)
	due, err := s.Access.DueReminders(ctx, "scheduler")
	require.NoError(t, err)
	require.Len(t, due, 1, "ACC-5")
	assert.Equal(t, lea.ID, due[0].Grant)

	// A person named as an existing account: the grant goes to that account.
	paul := s.User("Paul Martin")
	pg := s.Grant(s.Person(d.ID, "Paul Martin", access.RelationSpouse).ID, access.LevelReadOnly)
	assert.Equal(t, paul.ID, pg.User)

	notary := s.Advisor(d.ID, "Maître Dupuis", access.AdvisorNotary)
	assert.Equal(t, "maitre.dupuis@example.com", notary.Email)
	ng := s.GrantAdvisor(notary.ID, access.LevelReadWrite)
	assert.Equal(t, access.GranteeAdvisor, ng.Kind)
	assert.Equal(t, access.AccessActive, ng.State())
	assert.True(t, s.Check(ng.User, policy.EditSection, policy.SectionResource(d.ID, access.SectionAssetInventory)).Allowed)
	assert.False(t, s.Check(ng.User, policy.UseReports, policy.DossierResource(d.ID)).Allowed, "ACC-10")
}

// TEAM-1, TEAM-3, TEAM-7, TEAM-8: a team of a lead and members, a referral
// its referrer could make, and the team route it opens.
func TestTeamsAndReferrals(t *testing.T) {
	s, o, marc := office(t)
	d := s.Dossier(o.ID, "Roux family", marc.ID)
	paul, julie := s.User("Paul"), s.User("Julie")

	tm := s.Team("Roux advisers", marc.ID, paul.ID)
	assert.False(t, tm.Pending)
	assert.Equal(t, marc.ID, tm.Lead)
	assert.True(t, tm.IsAdmin(marc.ID))
	role, ok := tm.Role(paul.ID)
	assert.True(t, ok)
	assert.Equal(t, team.RoleMember, role)

	tm = s.AddToTeam(tm.ID, julie.ID, team.RoleAdmin)
	assert.True(t, tm.IsAdmin(julie.ID))
	assert.Len(t, tm.Members, 3)

	assert.False(t, s.Check(paul.ID, policy.ViewDossier, policy.DossierResource(d.ID)).Allowed)
	ref := s.Refer(tm.ID, d.ID, marc.ID, "Claire Roux")
	assert.Equal(t, tm.ID, ref.Team)
	assert.Equal(t, "claire.roux@example.com", ref.ClientEmail)
	reaches, err := s.Teams.ReachesDossier(s.Context(), paul.ID, d.ID)
	require.NoError(t, err)
	assert.True(t, reaches, "TEAM-8")
	assert.True(t, s.Check(paul.ID, policy.ViewDossier, policy.DossierResource(d.ID)).Allowed)

	// In the referrer's personal team.
	mine := s.Refer("", s.Dossier(o.ID, "Petit family", marc.ID).ID, marc.ID, "Jean Petit")
	personal, err := s.Teams.PersonalTeam(s.Context(), marc.ID)
	require.NoError(t, err)
	assert.Equal(t, personal.ID, mine.Team)
}

// CON-1, CON-3: clients and partners have an email, leads none; every
// contact starts added.
func TestContacts(t *testing.T) {
	s, o, _ := office(t)
	for _, tc := range []struct {
		kind  contact.Kind
		email string
	}{
		{contact.KindClient, "ann.lee@example.com"},
		{contact.KindPartner, "ann.lee.2@example.com"},
		{contact.KindLead, ""},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			last := "Lee"
			if tc.kind == contact.KindPartner {
				last = "Lee 2" // CON-7: one email per office
			}
			c := s.Contact(o.ID, tc.kind, "Ann", last)
			assert.Equal(t, tc.kind, c.Kind)
			assert.Equal(t, tc.email, c.Email)
			assert.Equal(t, contact.StatusAdded, c.Status)
			assert.Equal(t, o.ID, c.Office)
		})
	}
}

// PROC-1 … PROC-5: a premium office's procedure with a contributor role,
// a case and its contributor, who sees only the items of their role.
func TestProcedures(t *testing.T) {
	s, o, marc := office(t)
	d := s.Dossier(o.ID, "Roux family", marc.ID)
	tom, gina := s.User("Tom"), s.User("Gina")

	assert.Equal(t, procedure.PlanPlatinum, s.Plan(o.ID, procedure.PlanPlatinum).Plan)
	p := s.Procedure(o.ID, "Rental application", "Tenant")
	assert.Equal(t, "Tenant", p.MainRole().Name)
	guarantor := s.Role(p.ID, "Guarantor", procedure.PermView, procedure.PermUpload)
	assert.Equal(t, procedure.PermissionsOf(procedure.PermView, procedure.PermUpload), guarantor.Permissions)
	payslips := s.Item(p.ID, "Payslips", "")
	taxNotice := s.Item(p.ID, "Guarantor's tax notice", guarantor.ID)

	c := s.Case(p.ID, d.ID, tom)
	assert.Equal(t, marc.ID, c.OpenedBy)
	assert.Equal(t, tom.ID, c.Recipient.User)
	seat := s.Contributor(c.ID, guarantor.ID, gina)
	assert.Equal(t, gina.ID, seat.User)
	assert.True(t, seat.Invited, "PROC-6: invited with the email")

	v, err := s.Procedures.ParticipantView(s.Context(), gina.ID, c.ID)
	require.NoError(t, err)
	require.Len(t, v.Items, 1, "PROC-3")
	assert.Equal(t, taxNotice.ID, v.Items[0].Item.ID)
	assert.False(t, s.Check(gina.ID, policy.ViewItem, policy.ItemResource(c.ID, payslips.ID)).Allowed, "PROC-3")

	unattached := s.Case(p.ID, "", tom)
	assert.Equal(t, o.CreatedBy, unattached.OpenedBy)
}

// A failed step reports the step and the service's error, rule included,
// and returns the zero value when the TB's Fatalf returns.
func TestFailedStepReportsStepAndError(t *testing.T) {
	for _, tc := range []struct {
		name string
		step func(s *scenario.Scenario, o clientgroup.Office, marc cabinet.User) any
		want []string
	}{
		{"unknown office", func(s *scenario.Scenario, _ clientgroup.Office, _ cabinet.User) any {
			return s.Collaborator("office_nope", "Noah", cabinet.ProfileStandard)
		}, []string{`scenario: Collaborator(office_nope, "Noah", standard): `, "not found"}},
		{"draft dossier placed (GRP-5)", func(s *scenario.Scenario, o clientgroup.Office, marc cabinet.User) any {
			d := s.DraftDossier(o.ID, "Petit family", marc.ID)
			s.Place(s.ClientGroup(o.ID, "Estates").ID, d.ID)
			return nil
		}, []string{"scenario: Place(", "(GRP-5)"}},
		{"invalid name", func(s *scenario.Scenario, o clientgroup.Office, marc cabinet.User) any {
			return s.Dossier(o.ID, " ", marc.ID)
		}, []string{`scenario: Dossier(office_3, " ", user_4): `, "name"}},
		{"referral without reach (TEAM-8)", func(s *scenario.Scenario, o clientgroup.Office, marc cabinet.User) any {
			return s.Refer("", s.Dossier(o.ID, "Roux family", marc.ID).ID, s.User("Paul").ID, "Claire Roux")
		}, []string{"scenario: Refer(", "(TEAM-8)"}},
		{"advisor of type other without label (ACC-8)", func(s *scenario.Scenario, o clientgroup.Office, marc cabinet.User) any {
			return s.Advisor(s.Dossier(o.ID, "Roux family", marc.ID).ID, "Jo", access.AdvisorOther)
		}, []string{`scenario: Advisor(`, "label"}},
		{"contributor without premium (PROC-1)", func(s *scenario.Scenario, o clientgroup.Office, _ cabinet.User) any {
			return s.Role(s.Procedure(o.ID, "Loan", "Borrower").ID, "Co-borrower", procedure.PermView)
		}, []string{`scenario: Role(`, "(PROC-1)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			s := scenario.New(&r)
			o := s.Office("Martin Wealth", s.User("Louise").ID)
			marc := s.Collaborator(o.ID, "Marc", cabinet.ProfileStandard)
			require.Empty(t, r.msgs)
			got := tc.step(s, o, marc)
			require.Len(t, r.msgs, 1, "one failed step, reported once")
			for _, w := range tc.want {
				assert.Contains(t, r.msgs[0], w)
			}
			if got != nil {
				assert.Zero(t, got, "a failed step returns the zero value")
			}
		})
	}
}

func TestPanicUnwrapsToTheServiceError(t *testing.T) {
	s := scenario.New(scenario.Panic)
	o := s.Office("Martin Wealth", s.User("Louise").ID)
	marc := s.Collaborator(o.ID, "Marc", cabinet.ProfileStandard)
	d := s.Dossier(o.ID, "Roux family", marc.ID)
	anne := s.Person(d.ID, "Anne Martin", access.RelationHolder)
	s.Grant(anne.ID, access.LevelReadOnly)
	defer func() {
		e, ok := recover().(*scenario.Error)
		require.True(t, ok, "Panic panics with an *Error")
		step := fmt.Sprintf("Grant(%s, read_write)", anne.ID)
		assert.Equal(t, step, e.Step)
		assert.ErrorIs(t, e, cabinet.ErrConflict)
		assert.Equal(t, "ACC-4", cabinet.RuleOf(e), "the person already has access: change its level")
		assert.True(t, strings.HasPrefix(e.Error(), "scenario: "+step+": "), e.Error())
	}()
	s.Grant(anne.ID, access.LevelReadWrite)
	t.Fatal("Grant did not panic")
}

// Fatal ends the program: status 1, the step and its error on stderr.
func TestFatalExits(t *testing.T) {
	if os.Getenv("SCENARIO_FATAL_CHILD") == "1" {
		s := scenario.New(scenario.Fatal)
		s.Office("Martin Wealth", "user_nobody")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFatalExits$")
	cmd.Env = append(os.Environ(), "SCENARIO_FATAL_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the child must exit with an error, got %v", err)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, stderr.String(), `scenario: Office("Martin Wealth", user_nobody): `)
}

// The same steps give the same IDs and the same events: examples print the
// same every time.
func TestDeterministic(t *testing.T) {
	build := func() (*scenario.Scenario, []string) {
		s, o, marc := office(t)
		d := s.Dossier(o.ID, "Roux family", marc.ID)
		g := s.Grant(s.Person(d.ID, "Claire Roux", access.RelationHolder).ID, access.LevelReadWrite)
		tm := s.Team("Roux advisers", marc.ID, s.User("Paul").ID)
		r := s.Refer(tm.ID, d.ID, marc.ID, "Claire Roux")
		return s, []string{string(d.ID), string(g.ID), string(g.User), string(tm.ID), string(r.ID)}
	}
	s1, ids1 := build()
	s2, ids2 := build()
	assert.Equal(t, ids1, ids2)
	assert.Equal(t, s1.Events.Names(), s2.Events.Names())
}
