// Package hygiene reports what an office's admins should tidy up: the
// lint-style, read-only queries of issue 16. One call, Service.Report,
// returns every finding for one office:
//
//   - Ungrouped (GRP-2): activated dossiers in no client group, which only
//     the admins, their manager and their assigned collaborators reach.
//     Draft and archived dossiers cannot be placed (GRP-5) and are left out.
//   - Unmanaged (GRP-11, GRP-7): dossiers, draft or activated, without a
//     manager, or whose manager is no longer a collaborator of the office
//     (GRP-11 v2 unsets a departing manager in the same transaction, so the
//     second kind appears only in state written otherwise). Archived
//     dossiers are read-only (ACC-12) and left out.
//   - StaleGrants (ACC-5): grants on the office's dossiers still waiting for
//     an account more than 30 days after their invitation (Grant.InvitedAt;
//     a correction, ACC-3, restarts it), at the injected clock's time.
//   - DuplicateNames (GRP-6): client-group names used more than once in the
//     office, compared as clientgroup.Service.DuplicateNames compares them
//     (ignoring case and surrounding space).
//   - LeadOnlyAdmin (TEAM-2): accepted, non-personal teams whose only admin
//     is their lead — the teams holding a referral of one of the office's
//     dossiers, or led by one of its collaborators. Decision: these are the
//     teams an office's admins have a stake in; teams belong to people, not
//     to offices.
//
// Only the office's admins may ask (GRP-5, clientgroup.CanAdminister: what
// policy answers for ManageOffice), checked in the report's own snapshot,
// so a collaborator removed or demoted a moment before reads nothing.
// Decision: reports live in this small package over the stores, not in
// policy's index: they are rare admin reads that need records the index
// does not keep (dossier names, grants' invitation times, every team's
// roles), and their cost is proportional to the office, not to a question.
// Everything is read in one snapshot: one View of the client-group store,
// the access and team records through the same transaction
// (AccessReader, TeamReader); Report.Revision is that snapshot's.
package hygiene

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/team"
)

// StaleAfter is how long after its invitation a grant still waiting for an
// account is reported (ACC-5's second reminder).
const StaleAfter = 30 * 24 * time.Hour

// Store is what the reports read: the team, access and client-group
// stores of one backing store (memstore.Store and pgstore.Store are), so
// that one transaction reads all three.
type Store interface {
	team.Store
	access.Store
	clientgroup.Store
}

// Service computes the reports. It is safe for concurrent use.
type Service struct {
	store Store
	clock cabinet.Clock
}

// New returns a Service reading store. Options: WithClock (the time
// StaleGrants is computed at); the others are ignored. It returns an
// *cabinet.InvalidError naming "store" when store is nil.
func New(store Store, opts ...cabinet.Option) (*Service, error) {
	if store == nil {
		return nil, cabinet.Invalid("store", "is required")
	}
	o := cabinet.NewOptions(opts...)
	return &Service{store: store, clock: o.Clock}, nil
}

// Why a dossier is in Report.Unmanaged.
type Unmanaged uint8

const (
	// NoManager: the dossier has no manager (GRP-7 then falls back to its
	// client group's or the office's address).
	NoManager Unmanaged = iota + 1
	// ManagerLeft: its manager is no longer a collaborator of the office
	// (GRP-11).
	ManagerLeft
)

// String returns "no_manager" or "manager_left".
func (u Unmanaged) String() string {
	switch u {
	case NoManager:
		return "no_manager"
	case ManagerLeft:
		return "manager_left"
	}
	return "invalid"
}

// UnmanagedDossier is one dossier of Report.Unmanaged.
type UnmanagedDossier struct {
	Dossier cabinet.DossierID
	Name    string
	Why     Unmanaged
	Manager cabinet.UserID // the departed manager, for ManagerLeft
}

// StaleGrant is one grant of Report.StaleGrants.
type StaleGrant struct {
	Grant     access.GrantID
	Dossier   cabinet.DossierID
	Email     string
	InvitedAt time.Time
	Waiting   time.Duration // since InvitedAt, at Report.At
}

// Report is every finding for one office, each list ascending by ID.
type Report struct {
	Office         cabinet.OfficeID
	At             time.Time        // the clock's time StaleGrants is computed at
	Revision       cabinet.Revision // the revision of the snapshot read
	Ungrouped      []cabinet.DossierID
	Unmanaged      []UnmanagedDossier
	StaleGrants    []StaleGrant
	DuplicateNames []clientgroup.DuplicateName
	LeadOnlyAdmin  []cabinet.TeamID
}

// Report returns the hygiene report of office for actor, one of its admins.
// Errors: *cabinet.InvalidError naming "actor" or "office" when empty;
// cabinet.ErrNotFound for an unknown office; *cabinet.ForbiddenError
// naming GRP-5 when actor is not an admin of the office (a collaborator
// who left, or never was, included); a store's error, or ctx.Err(). It
// changes nothing.
func (s *Service) Report(ctx context.Context, actor cabinet.UserID, office cabinet.OfficeID) (Report, error) {
	if actor == "" {
		return Report{}, cabinet.Invalid("actor", "is required")
	}
	if office == "" {
		return Report{}, cabinet.Invalid("office", "is required")
	}
	var rep Report
	err := s.store.ViewClientGroups(ctx, func(r clientgroup.Reader) error {
		var err error
		rep, err = s.report(ctx, r, actor, office)
		return err
	})
	if err != nil {
		return Report{}, err
	}
	return rep, nil
}

// report reads the report in r's snapshot.
func (s *Service) report(ctx context.Context, r clientgroup.Reader, actor cabinet.UserID, office cabinet.OfficeID) (Report, error) {
	if _, err := r.Office(ctx, office); err != nil {
		return Report{}, err
	}
	profile := cabinet.ProfileInvalid
	switch c, err := r.Collaborator(ctx, office, actor); {
	case err == nil:
		profile = c.Profile
	case !errors.Is(err, cabinet.ErrNotFound):
		return Report{}, err
	}
	if err := clientgroup.CanAdminister(profile); err != nil {
		return Report{}, err
	}
	ar, err := s.store.AccessReader(r.Tx())
	if err != nil {
		return Report{}, err
	}
	tr, err := s.store.TeamReader(r.Tx())
	if err != nil {
		return Report{}, err
	}
	rep := Report{Office: office, At: s.clock.Now().UTC(), Revision: r.Revision()}

	// Client groups: collaborators, groups, placements.
	collabs := map[cabinet.UserID]bool{}
	for c, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
		return r.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: office}, p)
	}) {
		if err != nil {
			return Report{}, err
		}
		collabs[c.User] = true
	}
	placed := map[cabinet.DossierID]bool{}
	for pl, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.Placement, cabinet.Cursor, error) {
		return r.Placements(ctx, clientgroup.PlacementFilter{Office: office}, p)
	}) {
		if err != nil {
			return Report{}, err
		}
		placed[pl.Dossier] = true
	}
	groups, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
		return r.ClientGroups(ctx, clientgroup.ClientGroupFilter{Office: office}, p)
	})
	if err != nil {
		return Report{}, err
	}
	rep.DuplicateNames = clientgroup.DuplicateNamesOf(groups) // ascending by ID

	// Dossiers and their grants.
	dossiers, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Dossier, cabinet.Cursor, error) {
		return ar.Dossiers(ctx, access.DossierFilter{Office: office}, p)
	})
	if err != nil {
		return Report{}, err
	}
	for _, d := range dossiers { // ascending ID
		for g, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]access.Grant, cabinet.Cursor, error) {
			return ar.Grants(ctx, access.GrantFilter{Dossier: d.ID}, p)
		}) {
			if err != nil {
				return Report{}, err
			}
			if g.User == "" && !g.InvitedAt.IsZero() && rep.At.Sub(g.InvitedAt) > StaleAfter {
				rep.StaleGrants = append(rep.StaleGrants, StaleGrant{Grant: g.ID, Dossier: d.ID, Email: g.Email, InvitedAt: g.InvitedAt, Waiting: rep.At.Sub(g.InvitedAt)})
			}
		}
		if d.Status == cabinet.DossierActivated && !placed[d.ID] {
			rep.Ungrouped = append(rep.Ungrouped, d.ID)
		}
		if d.Status == cabinet.DossierArchived {
			continue
		}
		switch {
		case d.Manager == "":
			rep.Unmanaged = append(rep.Unmanaged, UnmanagedDossier{Dossier: d.ID, Name: d.Name, Why: NoManager})
		case !collabs[d.Manager]:
			rep.Unmanaged = append(rep.Unmanaged, UnmanagedDossier{Dossier: d.ID, Name: d.Name, Why: ManagerLeft, Manager: d.Manager})
		}
	}
	slices.SortFunc(rep.StaleGrants, func(a, b StaleGrant) int { return strings.Compare(string(a.Grant), string(b.Grant)) })

	// Teams: those with a referral of the office's dossiers, and those
	// led by its collaborators.
	seen := map[cabinet.TeamID]bool{}
	check := func(t team.Team) {
		if seen[t.ID] {
			return
		}
		seen[t.ID] = true
		if t.Personal || t.Pending {
			return
		}
		if admins := t.Admins(); len(admins) == 1 && admins[0] == t.Lead {
			rep.LeadOnlyAdmin = append(rep.LeadOnlyAdmin, t.ID)
		}
	}
	for _, d := range dossiers {
		for ref, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Referral, cabinet.Cursor, error) {
			return tr.ListReferrals(ctx, team.ReferralFilter{Dossier: d.ID}, p)
		}) {
			if err != nil {
				return Report{}, err
			}
			if seen[ref.Team] {
				continue
			}
			t, err := tr.Team(ctx, ref.Team)
			if err != nil {
				return Report{}, err
			}
			check(t)
		}
	}
	for u := range collabs {
		for t, err := range cabinet.Each(ctx, func(ctx context.Context, p cabinet.Page) ([]team.Team, cabinet.Cursor, error) {
			return tr.ListTeams(ctx, team.TeamFilter{Member: u}, p)
		}) {
			if err != nil {
				return Report{}, err
			}
			if t.Lead == u {
				check(t)
			}
		}
	}
	slices.Sort(rep.LeadOnlyAdmin)
	return rep, nil
}
