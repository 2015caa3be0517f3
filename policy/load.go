package policy

import (
	"context"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// pageSize is the page the engine asks of every listing (the largest every
// store accepts).
const pageSize = 1000

// each calls fn for every record of a cursor listing, page by page.
func each[T any](ctx context.Context, list func(after cabinet.Cursor, limit int) ([]T, cabinet.Cursor, error), fn func(T)) error {
	var after cabinet.Cursor
	for {
		page, next, err := list(after, pageSize)
		if err != nil {
			return err
		}
		for _, v := range page {
			fn(v)
		}
		if next == "" || len(page) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		after = next
	}
}

// dossierStreamer is what an access.Reader may offer besides its listings:
// one streaming pass over every dossier, in ID order, handing fn a record
// it reuses (memstore's EachDossier). The load type-asserts it and falls
// back to the Dossiers pages for the other stores: over the memory store,
// copying a million dossiers into pages of a thousand was most of what the
// load allocated (issue 15: total allocation ≤ 2× the index). setDossier
// keeps nothing of the record but its immutable strings.
type dossierStreamer interface {
	EachDossier(ctx context.Context, fn func(d *access.Dossier) error) error
}

// placementStreamer is dossierStreamer's counterpart for a
// clientgroup.Reader's placements (memstore's EachPlacement).
type placementStreamer interface {
	EachPlacement(ctx context.Context, fn func(p clientgroup.Placement) error) error
}

// readers are the five packages' readers of one snapshot of the store.
type readers struct {
	teams      team.Reader
	access     access.Reader
	groups     clientgroup.Reader
	contacts   contact.Reader
	procedures procedure.Reader
}

// view runs fn on one snapshot of store — one View, the other packages'
// readers taken from its Tx — with the snapshot's revision.
func view(ctx context.Context, store Store, fn func(rev cabinet.Revision, r readers) error) error {
	return store.ViewTeams(ctx, func(tr team.Reader) error {
		tx := tr.Tx()
		r := readers{teams: tr}
		var err error
		if r.access, err = store.AccessReader(tx); err != nil {
			return err
		}
		if r.groups, err = store.ClientGroupReader(tx); err != nil {
			return err
		}
		if r.contacts, err = store.ContactReader(tx); err != nil {
			return err
		}
		if r.procedures, err = store.ProcedureReader(tx); err != nil {
			return err
		}
		return fn(tx.Revision(), r)
	})
}

// load builds a complete index from the readers of one snapshot; its
// decisions read clock (issue 16's expiries).
func load(ctx context.Context, rd readers, clock cabinet.Clock) (*index, error) {
	ix := newIndex()
	ix.clock = clock
	// The dossiers come first, in ID order (every store lists them so):
	// they are interned in that order, so the index's sorted lists of
	// dossiers (an office's, a client group's, a user's staff set; by
	// index or by ID) grow by appends (insertSorted, insertByID).
	err := func(r access.Reader) error {
		if s, ok := r.(dossierStreamer); ok {
			if err := s.EachDossier(ctx, func(d *access.Dossier) error { ix.setDossier(d.ID, d); return nil }); err != nil {
				return err
			}
		} else if err := each(ctx, func(a cabinet.Cursor, n int) ([]access.Dossier, cabinet.Cursor, error) {
			return r.Dossiers(ctx, access.DossierFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(d access.Dossier) { ix.setDossier(d.ID, &d) }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]access.Person, cabinet.Cursor, error) {
			return r.Persons(ctx, access.PersonFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(p access.Person) { ix.persons[p.ID] = p }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]access.Advisor, cabinet.Cursor, error) {
			return r.Advisors(ctx, access.AdvisorFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(x access.Advisor) { ix.setAdvisor(x.ID, &x) }); err != nil {
			return err
		}
		return each(ctx, func(a cabinet.Cursor, n int) ([]access.Grant, cabinet.Cursor, error) {
			return r.Grants(ctx, access.GrantFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(g access.Grant) { ix.setGrant(g.ID, &g) })
	}(rd.access)
	if err != nil {
		return nil, err
	}
	err = func(r team.Reader) error {
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]cabinet.User, cabinet.Cursor, error) {
			return r.ListUsers(ctx, cabinet.Page{After: a, Limit: n})
		}, func(u cabinet.User) { ix.setUser(u.ID, &u) }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Team, cabinet.Cursor, error) {
			return r.ListTeams(ctx, team.TeamFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(t team.Team) { ix.setTeam(t.ID, &t) }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Referral, cabinet.Cursor, error) {
			return r.ListReferrals(ctx, team.ReferralFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(x team.Referral) { ix.setReferral(x.ID, &x) }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]team.Invitation, cabinet.Cursor, error) {
			return r.ListInvitations(ctx, team.InvitationFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(x team.Invitation) { ix.setInvitation(x.ID, &x) }); err != nil {
			return err
		}
		return each(ctx, func(a cabinet.Cursor, n int) ([]team.DossierConsent, cabinet.Cursor, error) {
			return r.ListDossierConsents(ctx, team.ConsentFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(c team.DossierConsent) { ix.setConsent(c.Dossier, c.State) })
	}(rd.teams)
	if err != nil {
		return nil, err
	}
	err = func(r clientgroup.Reader) error {
		steps := []func() error{
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Office, cabinet.Cursor, error) {
					return r.Offices(ctx, cabinet.Page{After: a, Limit: n})
				}, func(o clientgroup.Office) { ix.setOfficeExists(o.ID, true) })
			},
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Collaborator, cabinet.Cursor, error) {
					return r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(c clientgroup.Collaborator) { ix.setCollab(c.Office, c.User, c.Profile, c.AddedAt) })
			},
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.CollaboratorGroup, cabinet.Cursor, error) {
					return r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(g clientgroup.CollaboratorGroup) { ix.setCollaboratorGroup(g.ID, true) })
			},
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Member, cabinet.Cursor, error) {
					return r.Members(ctx, clientgroup.MemberFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(m clientgroup.Member) { ix.setMember(m.Group, m.User, true) })
			},
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.ClientGroup, cabinet.Cursor, error) {
					return r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(g clientgroup.ClientGroup) { ix.setClientGroup(g.ID, &g) })
			},
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.DirectAssignment, cabinet.Cursor, error) {
					return r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(d clientgroup.DirectAssignment) {
					ix.setDirect(d.ClientGroup, d.User, true)
					ix.setDirectExpiry(d.ClientGroup, d.User, d.ExpiresAt)
				})
			},
			func() error {
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.GroupAssignment, cabinet.Cursor, error) {
					return r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(g clientgroup.GroupAssignment) { ix.setGroupAssignment(g.ClientGroup, g.CollaboratorGroup, true) })
			},
			func() error {
				if s, ok := r.(placementStreamer); ok {
					return s.EachPlacement(ctx, func(p clientgroup.Placement) error { ix.setPlacement(p.Dossier, p.ClientGroup); return nil })
				}
				return each(ctx, func(a cabinet.Cursor, n int) ([]clientgroup.Placement, cabinet.Cursor, error) {
					return r.Placements(ctx, clientgroup.PlacementFilter{}, cabinet.Page{After: a, Limit: n})
				}, func(p clientgroup.Placement) { ix.setPlacement(p.Dossier, p.ClientGroup) })
			},
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		return nil
	}(rd.groups)
	if err != nil {
		return nil, err
	}
	err = func(r contact.Reader) error {
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]contact.Contact, cabinet.Cursor, error) {
			return r.ListContacts(ctx, contact.ContactFilter{IncludeArchived: true}, cabinet.Page{After: a, Limit: n})
		}, func(c contact.Contact) { ix.contacts[c.ID] = c }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]contact.Session, cabinet.Cursor, error) {
			return r.ListSessions(ctx, contact.SessionFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(s contact.Session) { ix.sessions[s.ID] = s }); err != nil {
			return err
		}
		return loadRecords(ctx, r, ix)
	}(rd.contacts)
	if err != nil {
		return nil, err
	}
	err = func(r procedure.Reader) error {
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]procedure.OfficePlan, cabinet.Cursor, error) {
			return r.ListPlans(ctx, cabinet.Page{After: a, Limit: n})
		}, func(p procedure.OfficePlan) { ix.setPlan(p.Office, &p) }); err != nil {
			return err
		}
		if err := each(ctx, func(a cabinet.Cursor, n int) ([]procedure.Procedure, cabinet.Cursor, error) {
			return r.ListProcedures(ctx, procedure.ProcedureFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(p procedure.Procedure) { ix.procedures[p.ID] = p }); err != nil {
			return err
		}
		return each(ctx, func(a cabinet.Cursor, n int) ([]procedure.Case, cabinet.Cursor, error) {
			return r.ListCases(ctx, procedure.CaseFilter{}, cabinet.Page{After: a, Limit: n})
		}, func(c procedure.Case) { ix.setCase(c.ID, &c) })
	}(rd.procedures)
	if err != nil {
		return nil, err
	}
	ix.finalize()
	return ix, nil
}

// loadRecords loads the office of every company, project, decision and
// unit of contact's.
func loadRecords(ctx context.Context, r contact.Reader, ix *index) error {
	if err := each(ctx, func(a cabinet.Cursor, n int) ([]contact.Company, cabinet.Cursor, error) {
		return r.ListCompanies(ctx, "", cabinet.Page{After: a, Limit: n})
	}, func(x contact.Company) { ix.setRecord(recordKey{ResourceCompany, string(x.ID)}, x.Office) }); err != nil {
		return err
	}
	if err := each(ctx, func(a cabinet.Cursor, n int) ([]contact.Project, cabinet.Cursor, error) {
		return r.ListProjects(ctx, contact.PartnerFilter{}, cabinet.Page{After: a, Limit: n})
	}, func(x contact.Project) { ix.setRecord(recordKey{ResourceProject, string(x.ID)}, x.Office) }); err != nil {
		return err
	}
	if err := each(ctx, func(a cabinet.Cursor, n int) ([]contact.Decision, cabinet.Cursor, error) {
		return r.ListDecisions(ctx, contact.PartnerFilter{}, cabinet.Page{After: a, Limit: n})
	}, func(x contact.Decision) { ix.setRecord(recordKey{ResourceDecision, string(x.ID)}, x.Office) }); err != nil {
		return err
	}
	return each(ctx, func(a cabinet.Cursor, n int) ([]contact.Unit, cabinet.Cursor, error) {
		return r.ListUnits(ctx, contact.UnitFilter{}, cabinet.Page{After: a, Limit: n})
	}, func(x contact.Unit) { ix.setRecord(recordKey{ResourceUnit, string(x.ID)}, x.Office) })
}
