package due

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Kind names what an obligation is about. The kinds of this package are
// the constants below; a Source may add its own. Obligations are ordered by
// kind as strings after their due instant.
type Kind string

// The kinds of obligation the package lists (see the package doc).
const (
	KindInvitationReminder     Kind = "invitation_reminder"      // ACC-5
	KindTeamInvitationExpiring Kind = "team_invitation_expiring" // TEAM-3
	KindTeamInvitationExpired  Kind = "team_invitation_expired"  // TEAM-3
	KindTrialEnding            Kind = "trial_ending"             // PROC-1
	KindTrialEnded             Kind = "trial_ended"              // PROC-1
	KindContributorUnanswered  Kind = "contributor_unanswered"   // PROC-5, PROC-6
	KindAccessExpiring         Kind = "access_expiring"          // ACC-10, GRP-3 (issue 16)
	KindAccessExpired          Kind = "access_expired"           // ACC-10, GRP-3 (issue 16)
)

// The default windows (see Windows).
const (
	DefaultInvitationExpiring = 48 * time.Hour
	DefaultTrialEnding        = 48 * time.Hour
	DefaultContributorAnswer  = access.FirstReminderDelay
	DefaultAccessExpiring     = 7 * 24 * time.Hour
)

// Windows are the delays the package's kinds depend on. A zero or negative
// field means its default.
type Windows struct {
	// InvitationExpiring: a pending team invitation is "about to expire"
	// from this long before its ExpiresAt (default 48 hours, TEAM-3).
	InvitationExpiring time.Duration
	// TrialEnding: a trial is "ending" from this long before its end
	// (default 48 hours, PROC-1).
	TrialEnding time.Duration
	// ContributorAnswer: an invited contributor who has not answered this
	// long after their invitation is listed (default 7 days, PROC-5/6).
	ContributorAnswer time.Duration
	// AccessExpiring: an external advisor's grant or a direct assignment
	// is "expiring" from this long before its ExpiresAt (default 7 days,
	// issue 16).
	AccessExpiring time.Duration
}

func (w Windows) withDefaults() Windows {
	if w.InvitationExpiring <= 0 {
		w.InvitationExpiring = DefaultInvitationExpiring
	}
	if w.TrialEnding <= 0 {
		w.TrialEnding = DefaultTrialEnding
	}
	if w.ContributorAnswer <= 0 {
		w.ContributorAnswer = DefaultContributorAnswer
	}
	if w.AccessExpiring <= 0 {
		w.AccessExpiring = DefaultAccessExpiring
	}
	return w
}

// Subject holds the IDs of the records an obligation is about; the fields
// that do not apply to its kind are empty.
type Subject struct {
	Office      cabinet.OfficeID      // the office (ACC-5, PROC-1, PROC-5, issue 16); "" for a team invitation
	Dossier     cabinet.DossierID     // the grant's dossier (ACC-5, ACC-10), the case's if attached (PROC-5)
	Grant       access.GrantID        // ACC-5, ACC-10 (issue 16)
	Advisor     access.AdvisorID      // the expiring grant's advisor (ACC-10, issue 16)
	ClientGroup cabinet.ClientGroupID // the expiring direct assignment's group (GRP-3, issue 16)
	Team        cabinet.TeamID        // TEAM-3
	Invitation  team.InvitationID     // TEAM-3
	Procedure   cabinet.ProcedureID   // PROC-5
	Case        cabinet.CaseID        // PROC-5
	Role        procedure.RoleID      // the contributor's role (PROC-5)
	User        cabinet.UserID        // the contributor's account, "" while they have none (PROC-5); the grantee's or assignee's (issue 16)
}

// Obligation is one thing due at the instant asked about.
type Obligation struct {
	Kind Kind
	// Rule is the ID of the SPEC rule behind the obligation ("ACC-5",
	// "TEAM-3", "PROC-1", "PROC-5"; "ACC-10" or "GRP-3" for an expiry).
	Rule string
	// ID names the subject within its kind: the grant ID (ACC-5, ACC-10),
	// the invitation ID (TEAM-3), the office ID (PROC-1), "<case>/<role>"
	// (PROC-5), "<client group>/<user>" (GRP-3).
	ID      string
	Subject Subject
	// DueAt is the instant the obligation became due (never after the
	// instant asked about).
	DueAt time.Time
	// Event is what the host acts on: access.ReminderDue,
	// team.InvitationExpiring, team.InvitationExpired,
	// procedure.TrialEnding, procedure.TrialEnded,
	// procedure.ContributorUnanswered, access.AdvisorAccessExpiring,
	// access.AdvisorAccessExpired, clientgroup.AssignmentExpiring or
	// clientgroup.AssignmentExpired (or a Source's own).
	Event cabinet.Event
}

// Store is a backend that holds the records due reads: any store that is an
// access.Store, a clientgroup.Store, a team.Store and a procedure.Store,
// such as *memstore.Store, *pgstore.Store or a kit.Store.
type Store interface {
	access.Store
	clientgroup.Store
	team.Store
	procedure.Store
}

// Source is an extension point: another kind of time-driven obligation listed in
// the same call and the same snapshot. Obligations is called inside the
// View that Service.DueAt opens; tx is that View's transaction (pass it to
// a store's …Reader accessor) and at the instant asked about. It returns
// the obligations due at at (DueAt ≤ at), each with a non-empty Kind,
// Rule and ID and an Event, in any order; Service sorts them with the
// rest.
type Source interface {
	Obligations(ctx context.Context, tx cabinet.Tx, at time.Time) ([]Obligation, error)
}

// SourceFunc adapts a function to a Source.
type SourceFunc func(ctx context.Context, tx cabinet.Tx, at time.Time) ([]Obligation, error)

// Obligations implements Source.
func (f SourceFunc) Obligations(ctx context.Context, tx cabinet.Tx, at time.Time) ([]Obligation, error) {
	return f(ctx, tx, at)
}

// Service lists what is due. It holds no state of its own and is safe for
// concurrent use if its Store is.
type Service struct {
	store   Store
	o       cabinet.Options
	windows Windows
	sources []Source
}

// NewService returns a service over store, with the default Windows.
// store must not be nil. Options: cabinet.WithClock (the instant of Due);
// the others are ignored.
func NewService(store Store, opts ...cabinet.Option) *Service {
	if store == nil {
		panic("due.NewService: nil store")
	}
	return &Service{store: store, o: cabinet.NewOptions(opts...), windows: Windows{}.withDefaults()}
}

// WithWindows returns a copy of s that uses w; a zero or negative field
// keeps its default (not s's current value).
func (s *Service) WithWindows(w Windows) *Service {
	c := *s
	c.windows = w.withDefaults()
	return &c
}

// Windows returns the windows s uses, defaults filled in.
func (s *Service) Windows() Windows { return s.windows }

// WithSources returns a copy of s that also lists the obligations of
// sources (see Source), after s's own sources. Nil sources are ignored.
func (s *Service) WithSources(sources ...Source) *Service {
	c := *s
	c.sources = slices.Clone(s.sources)
	for _, src := range sources {
		if src != nil {
			c.sources = append(c.sources, src)
		}
	}
	return &c
}

// Due lists every obligation due now, at the service clock's time: DueAt
// at that instant. It is host-driven: host names the component asking
// (e.g. "scheduler"); it is not permission-checked and changes nothing.
// Errors: *cabinet.InvalidError ("host"); a Source's errors; store errors
// as they are.
func (s *Service) Due(ctx context.Context, host cabinet.Host) ([]Obligation, error) {
	if err := host.Check(); err != nil {
		return nil, err
	}
	return s.DueAt(ctx, host, s.o.Now())
}

// DueAt lists every obligation due at instant at — each with DueAt ≤ at and
// not resolved in the current state — ordered by DueAt, then Kind, then
// ID, read from one snapshot of the store. at is the instant asked about
// (a preview of a later instant, or a past one, is allowed); the records
// are the store's current ones. Host-driven like Due. Errors:
// *cabinet.InvalidError ("host"; "at" when it is the zero time; "source"
// for a Source's malformed obligation); a Source's errors; store errors
// as they are.
func (s *Service) DueAt(ctx context.Context, host cabinet.Host, at time.Time) ([]Obligation, error) {
	if err := host.Check(); err != nil {
		return nil, err
	}
	if at.IsZero() {
		return nil, cabinet.Invalid("at", "is required")
	}
	var out []Obligation
	err := s.store.ViewAccess(ctx, func(ar access.Reader) error {
		out = out[:0]
		tr, err := s.store.TeamReader(ar.Tx())
		if err != nil {
			return err
		}
		pr, err := s.store.ProcedureReader(ar.Tx())
		if err != nil {
			return err
		}
		gr, err := s.store.ClientGroupReader(ar.Tx())
		if err != nil {
			return err
		}
		if out, err = appendReminders(ctx, out, ar, at); err != nil {
			return err
		}
		if out, err = appendTeamInvitations(ctx, out, tr, at, s.windows.InvitationExpiring); err != nil {
			return err
		}
		if out, err = appendTrials(ctx, out, pr, at, s.windows.TrialEnding); err != nil {
			return err
		}
		if out, err = appendContributors(ctx, out, pr, at, s.windows.ContributorAnswer); err != nil {
			return err
		}
		if out, err = appendGrantExpiries(ctx, out, ar, at, s.windows.AccessExpiring); err != nil {
			return err
		}
		if out, err = appendAssignmentExpiries(ctx, out, gr, at, s.windows.AccessExpiring); err != nil {
			return err
		}
		for _, src := range s.sources {
			more, err := src.Obligations(ctx, ar.Tx(), at)
			if err != nil {
				return err
			}
			for _, o := range more {
				if o.Kind == "" || o.Rule == "" || o.ID == "" || o.Event == nil || o.DueAt.IsZero() || o.DueAt.After(at) {
					return cabinet.Invalid("source", "obligation %q/%q: a source's obligation needs a kind, a rule, an ID, an event and a due instant not after %s", o.Kind, o.ID, at.UTC().Format(time.RFC3339))
				}
			}
			out = append(out, more...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, compare)
	return out, nil
}

// compare orders obligations by DueAt, then Kind, then ID.
func compare(a, b Obligation) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// appendReminders adds the ACC-5 reminders, computed by access itself.
func appendReminders(ctx context.Context, out []Obligation, r access.Reader, at time.Time) ([]Obligation, error) {
	due, err := access.DueRemindersAt(ctx, r, at)
	if err != nil {
		return nil, err
	}
	for _, d := range due {
		out = append(out, Obligation{
			Kind: KindInvitationReminder, Rule: "ACC-5", ID: string(d.Grant),
			Subject: Subject{Office: d.Office, Dossier: d.Dossier, Grant: d.Grant},
			DueAt:   d.DueAt, Event: d,
		})
	}
	return out, nil
}

// appendTeamInvitations adds the pending team invitations about to expire
// (within window) or expired (TEAM-3).
func appendTeamInvitations(ctx context.Context, out []Obligation, r team.Reader, at time.Time, window time.Duration) ([]Obligation, error) {
	pending, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Invitation, cabinet.Cursor, error) {
		return r.ListInvitations(ctx, team.InvitationFilter{Status: team.StatusPending}, p)
	})
	if err != nil {
		return nil, err
	}
	for _, inv := range pending {
		if inv.Status != team.StatusPending || inv.ExpiresAt.IsZero() {
			continue
		}
		o := Obligation{Rule: "TEAM-3", ID: string(inv.ID), Subject: Subject{Team: inv.Team, Invitation: inv.ID}}
		switch warn := inv.ExpiresAt.Add(-window); {
		case inv.Expired(at):
			o.Kind, o.DueAt = KindTeamInvitationExpired, inv.ExpiresAt
			o.Event = team.InvitationExpired{Invitation: inv.ID, Team: inv.Team, Email: inv.Email, Role: inv.Role, InvitedBy: inv.InvitedBy, ExpiresAt: inv.ExpiresAt}
		case !at.Before(warn):
			o.Kind, o.DueAt = KindTeamInvitationExpiring, warn
			o.Event = team.InvitationExpiring{Invitation: inv.ID, Team: inv.Team, Email: inv.Email, Role: inv.Role, InvitedBy: inv.InvitedBy, ExpiresAt: inv.ExpiresAt}
		default:
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

// appendTrials adds the trials ending within window or ended (PROC-1), for
// the offices that will not have the contributors option without the trial
// at max(at, the trial's end).
func appendTrials(ctx context.Context, out []Obligation, r procedure.Reader, at time.Time, window time.Duration) ([]Obligation, error) {
	plans, err := cabinet.All(ctx, r.ListPlans)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		end := p.TrialEndsAt()
		if end.IsZero() {
			continue
		}
		warn := end.Add(-window)
		if at.Before(warn) {
			continue
		}
		// The option without the trial, when the trial stops giving it.
		without := p
		without.TrialStartedAt, without.TrialStartedBy = time.Time{}, ""
		if procedure.PremiumAvailable(without, later(at, end)) == nil {
			continue
		}
		o := Obligation{Rule: "PROC-1", ID: string(p.Office), Subject: Subject{Office: p.Office}}
		if at.Before(end) {
			o.Kind, o.DueAt = KindTrialEnding, warn
			o.Event = procedure.TrialEnding{Office: p.Office, StartedAt: p.TrialStartedAt, EndsAt: end}
		} else {
			o.Kind, o.DueAt = KindTrialEnded, end
			o.Event = procedure.TrialEnded{Office: p.Office, StartedAt: p.TrialStartedAt, EndedAt: end}
		}
		out = append(out, o)
	}
	return out, nil
}

// expiryKind says whether an access expiring at expiresAt is listed at at
// with window (issue 16): expired (due at expiresAt) from expiresAt on,
// expiring (due window before it) from then until it; ok is false before.
func expiryKind(expiresAt, at time.Time, window time.Duration) (kind Kind, dueAt time.Time, ok bool) {
	switch warn := expiresAt.Add(-window); {
	case expiresAt.IsZero():
		return "", time.Time{}, false
	case !at.Before(expiresAt):
		return KindAccessExpired, expiresAt, true
	case !at.Before(warn):
		return KindAccessExpiring, warn, true
	}
	return "", time.Time{}, false
}

// appendGrantExpiries adds the external advisors' grants expiring within
// window or expired and still stored (ACC-10, issue 16).
func appendGrantExpiries(ctx context.Context, out []Obligation, r access.Reader, at time.Time, window time.Duration) ([]Obligation, error) {
	grants, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
		return r.Grants(ctx, access.GrantFilter{}, p)
	})
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		kind, dueAt, ok := expiryKind(g.ExpiresAt, at, window)
		if !ok {
			continue
		}
		o := Obligation{Kind: kind, Rule: "ACC-10", ID: string(g.ID), DueAt: dueAt,
			Subject: Subject{Office: g.Office, Dossier: g.Dossier, Grant: g.ID, Advisor: g.Advisor, User: g.User}}
		if kind == KindAccessExpired {
			o.Event = access.AdvisorAccessExpired{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Advisor: g.Advisor, User: g.User, ExpiresAt: g.ExpiresAt}
		} else {
			o.Event = access.AdvisorAccessExpiring{Grant: g.ID, Dossier: g.Dossier, Office: g.Office, Advisor: g.Advisor, User: g.User, ExpiresAt: g.ExpiresAt}
		}
		out = append(out, o)
	}
	return out, nil
}

// appendAssignmentExpiries adds the direct assignments expiring within
// window or expired and still stored (GRP-3, issue 16).
func appendAssignmentExpiries(ctx context.Context, out []Obligation, r clientgroup.Reader, at time.Time, window time.Duration) ([]Obligation, error) {
	das, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
		return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, p)
	})
	if err != nil {
		return nil, err
	}
	for _, a := range das {
		kind, dueAt, ok := expiryKind(a.ExpiresAt, at, window)
		if !ok {
			continue
		}
		o := Obligation{Kind: kind, Rule: "GRP-3", ID: string(a.ClientGroup) + "/" + string(a.User), DueAt: dueAt,
			Subject: Subject{Office: a.Office, ClientGroup: a.ClientGroup, User: a.User}}
		if kind == KindAccessExpired {
			o.Event = clientgroup.AssignmentExpired{Office: a.Office, ClientGroup: a.ClientGroup, User: a.User, ExpiresAt: a.ExpiresAt}
		} else {
			o.Event = clientgroup.AssignmentExpiring{Office: a.Office, ClientGroup: a.ClientGroup, User: a.User, ExpiresAt: a.ExpiresAt}
		}
		out = append(out, o)
	}
	return out, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// appendContributors adds the invited contributors who have not answered
// window after their invitation (PROC-5, PROC-6).
func appendContributors(ctx context.Context, out []Obligation, r procedure.Reader, at time.Time, window time.Duration) ([]Obligation, error) {
	cases, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]procedure.Case, cabinet.Cursor, error) {
		return r.ListCases(ctx, procedure.CaseFilter{}, p)
	})
	if err != nil {
		return nil, err
	}
	procs := map[cabinet.ProcedureID]procedure.Procedure{}
	for _, c := range cases {
		for _, p := range c.Contributors {
			if !p.Invited || p.NotifiedAt.IsZero() {
				continue
			}
			dueAt := p.NotifiedAt.Add(window)
			if at.Before(dueAt) || answered(c, p.User, p.NotifiedAt) {
				continue
			}
			proc, ok := procs[c.Procedure]
			if !ok {
				if proc, err = r.Procedure(ctx, c.Procedure); err != nil && !errors.Is(err, cabinet.ErrNotFound) {
					return nil, err
				}
				procs[c.Procedure] = proc
			}
			if role, ok := proc.Role(p.Role); !ok || !canAnswer(role.Permissions) {
				continue
			}
			out = append(out, Obligation{
				Kind: KindContributorUnanswered, Rule: "PROC-5", ID: string(c.ID) + "/" + string(p.Role),
				Subject: Subject{Office: c.Office, Dossier: c.Dossier, Procedure: c.Procedure, Case: c.ID, Role: p.Role, User: p.User},
				DueAt:   dueAt,
				Event:   procedure.ContributorUnanswered{Office: c.Office, Procedure: c.Procedure, Case: c.ID, Dossier: c.Dossier, Contributor: p, DueAt: dueAt},
			})
		}
	}
	return out, nil
}

// canAnswer reports whether a role's permissions let its contributor do
// anything beyond viewing (PROC-4).
func canAnswer(perms procedure.Permissions) bool {
	return perms.Has(procedure.PermUpload) || perms.Has(procedure.PermComment) || perms.Has(procedure.PermSubmit)
}

// answered reports whether user ("" answers nothing) uploaded, commented
// or submitted anything on case c at or after since (their invitation: what
// they did on an earlier seat of the case does not answer this one).
func answered(c procedure.Case, user cabinet.UserID, since time.Time) bool {
	if user == "" {
		return false
	}
	for _, st := range c.Items {
		if st.SubmittedBy == user && !st.SubmittedAt.Before(since) {
			return true
		}
		for _, d := range st.Documents {
			if d.By == user && !d.At.Before(since) {
				return true
			}
		}
		for _, cm := range st.Comments {
			if cm.By == user && !cm.At.Before(since) {
				return true
			}
		}
	}
	return false
}
