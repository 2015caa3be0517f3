package policy_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// The refresh of a change that writes many dossiers at once (issue 15: it
// costs what the change touched, and its bulk paths — the placements of a
// client group merged in one pass, the staff of a dossier linked by
// difference — must leave the index a fresh load would build): after each
// step, an engine that synced holds the same index as a fresh one
// (policy.IndexDiff) and lists the same dossiers for every user.
func TestRefreshOfBulkChangesEqualsAFreshLoad(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	const office cabinet.OfficeID = "o1"
	users := []cabinet.UserID{"u_admin", "u_a", "u_b", "u_c", "u_d"}
	dossier := func(i int) cabinet.DossierID { return cabinet.DossierID(fmt.Sprintf("d%03d", i)) }
	// Dossiers are created in an order their IDs do not follow, so the
	// refresh interns them out of ID order unless it sorts them.
	order := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = (i * 37) % n
		}
		return out
	}
	const n = 60
	staffed := func(i, shift int) access.Dossier {
		d := access.Dossier{ID: dossier(i), Office: office, Name: "x", Status: cabinet.DossierActivated,
			Manager: users[1+(i+shift)%4], CreatedBy: "u_admin", CreatedAt: benchEpoch}
		for k, u := range users[1:] {
			if (i+shift+k)%3 == 0 && u != d.Manager {
				d.Assigned = append(d.Assigned, u)
			}
		}
		return d
	}
	place := func(w clientgroup.Writer, i int, g cabinet.ClientGroupID) error {
		if g == "" {
			return w.DeletePlacement(ctx, dossier(i))
		}
		return w.PutPlacement(ctx, clientgroup.Placement{Dossier: dossier(i), Office: office, ClientGroup: g})
	}
	steps := []struct {
		name  string
		write func() error
	}{
		{"an office, its collaborators and two client groups", func() error {
			if _, err := s.UpdateTeams(ctx, func(w team.Writer) error {
				for _, u := range users {
					if err := w.PutUser(ctx, cabinet.User{ID: u, DisplayName: string(u), Email: string(u) + "@example.com", CreatedAt: benchEpoch}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
			_, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
				if err := w.PutOffice(ctx, clientgroup.Office{ID: office, Name: "O", CreatedBy: "u_admin", CreatedAt: benchEpoch}); err != nil {
					return err
				}
				for k, u := range users {
					p := cabinet.ProfileStandard
					if k == 0 {
						p = cabinet.ProfileAdmin
					}
					if err := w.PutCollaborator(ctx, clientgroup.Collaborator{Office: office, User: u, Profile: p, AddedAt: benchEpoch}); err != nil {
						return err
					}
				}
				for k, g := range []cabinet.ClientGroupID{"g1", "g2"} {
					if err := w.PutClientGroup(ctx, clientgroup.ClientGroup{ID: g, Office: office, Name: string(g), CreatedAt: benchEpoch}); err != nil {
						return err
					}
					if err := w.PutDirectAssignment(ctx, clientgroup.DirectAssignment{ClientGroup: g, Office: office, User: users[1+k]}); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		}},
		{"60 dossiers created in one change, out of ID order, with their staff", func() error {
			_, err := s.UpdateAccess(ctx, func(w access.Writer) error {
				for _, i := range order(n) {
					if err := w.PutDossier(ctx, staffed(i, 0)); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		}},
		{"40 of them placed in g1 in one change", func() error {
			_, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
				for _, i := range order(n) {
					if i < 40 {
						if err := place(w, i, "g1"); err != nil {
							return err
						}
					}
				}
				return nil
			})
			return err
		}},
		{"25 moved to g2, 5 out of any group, 10 more into g1", func() error {
			_, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
				for i := range n {
					g := cabinet.ClientGroupID("")
					switch {
					case i < 25:
						g = "g2"
					case i < 30:
					case i < 50:
						g = "g1"
					default:
						continue
					}
					if err := place(w, i, g); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		}},
		{"every dossier's staff changed in one change, a few moved to another office and archived", func() error {
			if _, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
				return w.PutOffice(ctx, clientgroup.Office{ID: "o2", Name: "O2", CreatedBy: "u_admin", CreatedAt: benchEpoch})
			}); err != nil {
				return err
			}
			_, err := s.UpdateAccess(ctx, func(w access.Writer) error {
				for _, i := range order(n) {
					d := staffed(i, 1+i%2)
					if i%11 == 0 {
						d.Office, d.Status = "o2", cabinet.DossierArchived
					}
					if err := w.PutDossier(ctx, d); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		}},
		{"g2 deleted with its placements and assignment", func() error {
			_, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
				for i := range 25 {
					if err := place(w, i, ""); err != nil {
						return err
					}
				}
				if err := w.DeleteDirectAssignment(ctx, "g2", users[2]); err != nil {
					return err
				}
				return w.DeleteClientGroup(ctx, "g2")
			})
			return err
		}},
		{"a collaborator leaves, the dossiers they manage unset", func() error {
			if _, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
				return w.DeleteCollaborator(ctx, office, "u_b")
			}); err != nil {
				return err
			}
			_, err := s.UpdateAccess(ctx, func(w access.Writer) error {
				for i := range n {
					d, err := w.Dossier(ctx, dossier(i))
					if err != nil {
						return err
					}
					if d.Manager == "u_b" {
						d.Manager = ""
					}
					d.Assigned = slices.DeleteFunc(d.Assigned, func(u cabinet.UserID) bool { return u == "u_b" })
					if err := w.PutDossier(ctx, d); err != nil {
						return err
					}
				}
				return nil
			})
			return err
		}},
	}
	follower, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if _, err := follower.Sync(ctx); err != nil {
			t.Fatalf("%s: Sync: %v", st.name, err)
		}
		fresh, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if msg := policy.IndexDiff(follower, fresh); msg != "" {
			t.Fatalf("after %s, the synced index differs from a fresh load: %s", st.name, msg)
		}
		for _, u := range users {
			got, err1 := follower.DossiersPage(ctx, policy.User(u), policy.DossierQuery{}, cabinet.Page{Limit: 1000})
			want, err2 := fresh.DossiersPage(ctx, policy.User(u), policy.DossierQuery{}, cabinet.Page{Limit: 1000})
			if err1 != nil || err2 != nil || !slices.Equal(got.Dossiers, want.Dossiers) {
				t.Fatalf("after %s, %s lists %v (%v), a fresh engine %v (%v)", st.name, u, got.Dossiers, err1, want.Dossiers, err2)
			}
		}
	}
}
