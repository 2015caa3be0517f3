// Package clientgrouptest is the conformance suite every clientgroup.Store
// implementation runs unchanged: RunStoreTests.
package clientgrouptest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/internal/storetest"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// RunStoreTests checks that the stores made by newStore (each call returns an
// empty store) honour the contract of clientgroup.Store, Reader and Writer.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) clientgroup.Store) {
	ctx := context.Background()

	update := func(t *testing.T, s clientgroup.Store, fn func(w clientgroup.Writer) error) cabinet.Revision {
		t.Helper()
		rev, err := s.UpdateClientGroups(ctx, fn)
		if err != nil {
			t.Fatalf("UpdateClientGroups: %v", err)
		}
		return rev
	}
	view := func(t *testing.T, s clientgroup.Store, fn func(r clientgroup.Reader) error) {
		t.Helper()
		if err := s.ViewClientGroups(ctx, fn); err != nil {
			t.Fatalf("ViewClientGroups: %v", err)
		}
	}
	wantNotFound := func(t *testing.T, what string, err error) {
		t.Helper()
		if !errors.Is(err, cabinet.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", what, err)
		}
	}

	t.Run("Revision", func(t *testing.T) {
		s := newStore(t)
		storetest.Revisions(t, s.ViewClientGroups, s.UpdateClientGroups, func(ctx context.Context, w clientgroup.Writer, n int) error {
			return w.PutOffice(ctx, clientgroup.Office{ID: cabinet.OfficeID(fmt.Sprintf("o_rev%d", n)), Name: "Office"})
		})
	})
	t.Run("ChangeLogKeys", func(t *testing.T) {
		s := newStore(t)
		upd := func(fn func(ctx context.Context, w clientgroup.Writer) error) func(ctx context.Context) (cabinet.Revision, error) {
			return func(ctx context.Context) (cabinet.Revision, error) {
				return s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error { return fn(ctx, w) })
			}
		}
		storetest.Keys(t, s, upd(func(ctx context.Context, w clientgroup.Writer) error {
			return w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d1", Office: "o1", ClientGroup: "g1"})
		}), cabinet.KeyOf(cabinet.KeyDossier, "d1"), cabinet.KeyOf(cabinet.KeyClientGroup, "g1"), cabinet.KeyOf(cabinet.KeyOffice, "o1"))
		storetest.Keys(t, s, upd(func(ctx context.Context, w clientgroup.Writer) error {
			return w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d1", Office: "o1", ClientGroup: "g2"})
		}), cabinet.KeyOf(cabinet.KeyClientGroup, "g1"), cabinet.KeyOf(cabinet.KeyClientGroup, "g2"))
		storetest.Keys(t, s, upd(func(ctx context.Context, w clientgroup.Writer) error {
			if err := w.PutCollaborator(ctx, clientgroup.Collaborator{Office: "o1", User: "u1", Profile: cabinet.ProfileStandard}); err != nil {
				return err
			}
			return w.DeleteCollaborator(ctx, "o1", "u1")
		}), cabinet.KeyOf(cabinet.KeyOffice, "o1"), cabinet.KeyOf(cabinet.KeyUser, "u1"), cabinet.KeyOf(cabinet.KeyAccount, "u1"))
		// A membership and a direct assignment are the user's own records
		// too: the change names its account (issue 15).
		storetest.Keys(t, s, upd(func(ctx context.Context, w clientgroup.Writer) error {
			if err := w.PutMember(ctx, clientgroup.Member{Group: "k1", Office: "o1", User: "u2"}); err != nil {
				return err
			}
			return w.PutDirectAssignment(ctx, clientgroup.DirectAssignment{ClientGroup: "g1", Office: "o1", User: "u3"})
		}), cabinet.KeyOf(cabinet.KeyAccount, "u2"), cabinet.KeyOf(cabinet.KeyAccount, "u3"))
	})
	t.Run("Transactions", func(t *testing.T) {
		s := newStore(t)
		storetest.Transactions(t, s.ViewClientGroups, s.UpdateClientGroups, s.ClientGroupReader, s.ClientGroupWriter,
			func(ctx context.Context, w clientgroup.Writer, n int) error {
				return w.PutOffice(ctx, clientgroup.Office{ID: cabinet.OfficeID(fmt.Sprintf("o_tx%d", n)), Name: "Office"})
			},
			func(ctx context.Context, r clientgroup.Reader, n int) (bool, error) {
				_, err := r.Office(ctx, cabinet.OfficeID(fmt.Sprintf("o_tx%d", n)))
				if errors.Is(err, cabinet.ErrNotFound) {
					return false, nil
				}
				return err == nil, err
			})
	})
	t.Run("GetMissingIsNotFound", func(t *testing.T) {
		s := newStore(t)
		view(t, s, func(r clientgroup.Reader) error {
			_, err := r.Office(ctx, "o")
			wantNotFound(t, "Office", err)
			_, err = r.Collaborator(ctx, "o", "u")
			wantNotFound(t, "Collaborator", err)
			_, err = r.CollaboratorGroup(ctx, "c")
			wantNotFound(t, "CollaboratorGroup", err)
			_, err = r.Member(ctx, "c", "u")
			wantNotFound(t, "Member", err)
			_, err = r.ClientGroup(ctx, "g")
			wantNotFound(t, "ClientGroup", err)
			_, err = r.DirectAssignment(ctx, "g", "u")
			wantNotFound(t, "DirectAssignment", err)
			_, err = r.GroupAssignment(ctx, "g", "c")
			wantNotFound(t, "GroupAssignment", err)
			_, err = r.Placement(ctx, "d")
			wantNotFound(t, "Placement", err)
			return nil
		})
	})

	t.Run("DeleteMissingIsNotFound", func(t *testing.T) {
		s := newStore(t)
		rev0, _ := s.UpdateClientGroups(ctx, func(clientgroup.Writer) error { return nil })
		for name, del := range map[string]func(w clientgroup.Writer) error{
			"Collaborator":      func(w clientgroup.Writer) error { return w.DeleteCollaborator(ctx, "o", "u") },
			"CollaboratorGroup": func(w clientgroup.Writer) error { return w.DeleteCollaboratorGroup(ctx, "c") },
			"Member":            func(w clientgroup.Writer) error { return w.DeleteMember(ctx, "c", "u") },
			"ClientGroup":       func(w clientgroup.Writer) error { return w.DeleteClientGroup(ctx, "g") },
			"DirectAssignment":  func(w clientgroup.Writer) error { return w.DeleteDirectAssignment(ctx, "g", "u") },
			"GroupAssignment":   func(w clientgroup.Writer) error { return w.DeleteGroupAssignment(ctx, "g", "c") },
			"Placement":         func(w clientgroup.Writer) error { return w.DeletePlacement(ctx, "d") },
		} {
			rev, err := s.UpdateClientGroups(ctx, del)
			wantNotFound(t, "Delete"+name, err)
			if err == nil && rev != rev0 {
				t.Errorf("Delete%s: revision moved", name)
			}
		}
	})

	t.Run("PutGetDelete", func(t *testing.T) {
		s := newStore(t)
		o := clientgroup.Office{ID: "o1", Name: "Office", Email: "a@b.be", CreatedBy: "u1", CreatedAt: t0}
		c := clientgroup.Collaborator{Office: "o1", User: "u1", Profile: cabinet.ProfileAdmin, AddedAt: t0}
		cg := clientgroup.CollaboratorGroup{ID: "c1", Office: "o1", Name: "Team", CreatedAt: t0}
		m := clientgroup.Member{Group: "c1", Office: "o1", User: "u1"}
		g := clientgroup.ClientGroup{ID: "g1", Office: "o1", Name: "General", Email: "g@b.be", CreatedAt: t0}
		da := clientgroup.DirectAssignment{ClientGroup: "g1", Office: "o1", User: "u1",
			ExpiresAt: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)} // issue 16: the expiry round-trips
		ga := clientgroup.GroupAssignment{ClientGroup: "g1", Office: "o1", CollaboratorGroup: "c1"}
		p := clientgroup.Placement{Dossier: "d1", Office: "o1", ClientGroup: "g1"}
		rev1 := update(t, s, func(w clientgroup.Writer) error {
			return errors.Join(w.PutOffice(ctx, o), w.PutCollaborator(ctx, c), w.PutCollaboratorGroup(ctx, cg),
				w.PutMember(ctx, m), w.PutClientGroup(ctx, g), w.PutDirectAssignment(ctx, da),
				w.PutGroupAssignment(ctx, ga), w.PutPlacement(ctx, p))
		})
		if rev1 == 0 {
			t.Errorf("revision after a write = 0")
		}
		view(t, s, func(r clientgroup.Reader) error {
			check := func(name string, got, want any, err error) {
				t.Helper()
				if err != nil || got != want {
					t.Errorf("%s = %+v, %v; want %+v", name, got, err, want)
				}
			}
			gotO, err := r.Office(ctx, "o1")
			check("Office", gotO, o, err)
			gotC, err := r.Collaborator(ctx, "o1", "u1")
			check("Collaborator", gotC, c, err)
			gotCG, err := r.CollaboratorGroup(ctx, "c1")
			check("CollaboratorGroup", gotCG, cg, err)
			gotM, err := r.Member(ctx, "c1", "u1")
			check("Member", gotM, m, err)
			gotG, err := r.ClientGroup(ctx, "g1")
			check("ClientGroup", gotG, g, err)
			gotDA, err := r.DirectAssignment(ctx, "g1", "u1")
			check("DirectAssignment", gotDA, da, err)
			gotGA, err := r.GroupAssignment(ctx, "g1", "c1")
			check("GroupAssignment", gotGA, ga, err)
			gotP, err := r.Placement(ctx, "d1")
			check("Placement", gotP, p, err)
			// copies, not aliases
			gotO.Name = "changed"
			again, _ := r.Office(ctx, "o1")
			check("Office after changing a copy", again, o, nil)
			return nil
		})
		rev2 := update(t, s, func(w clientgroup.Writer) error {
			return errors.Join(w.DeleteCollaborator(ctx, "o1", "u1"), w.DeleteCollaboratorGroup(ctx, "c1"),
				w.DeleteMember(ctx, "c1", "u1"), w.DeleteClientGroup(ctx, "g1"), w.DeleteDirectAssignment(ctx, "g1", "u1"),
				w.DeleteGroupAssignment(ctx, "g1", "c1"), w.DeletePlacement(ctx, "d1"))
		})
		if rev2 <= rev1 {
			t.Errorf("revision %d after %d", rev2, rev1)
		}
		view(t, s, func(r clientgroup.Reader) error {
			_, err := r.Placement(ctx, "d1")
			wantNotFound(t, "Placement after delete", err)
			_, err = r.Member(ctx, "c1", "u1")
			wantNotFound(t, "Member after delete", err)
			ms, _, err := r.Members(ctx, clientgroup.MemberFilter{User: "u1"}, cabinet.Page{})
			if err != nil || len(ms) != 0 {
				t.Errorf("Members after delete = %v, %v", ms, err)
			}
			cs, _, err := r.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: "o1"}, cabinet.Page{})
			if err != nil || len(cs) != 0 {
				t.Errorf("Collaborators after delete = %v, %v", cs, err)
			}
			return nil
		})
	})

	// GRP-4: the store keeps one placement per dossier.
	t.Run("GRP-4_PutPlacementReplaces", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(w clientgroup.Writer) error {
			return errors.Join(w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d1", Office: "o1", ClientGroup: "g1"}),
				w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d1", Office: "o1", ClientGroup: "g2"}))
		})
		view(t, s, func(r clientgroup.Reader) error {
			p, err := r.Placement(ctx, "d1")
			if err != nil || p.ClientGroup != "g2" {
				t.Errorf("Placement = %+v, %v; want g2", p, err)
			}
			in1, _, _ := r.Placements(ctx, clientgroup.PlacementFilter{ClientGroup: "g1"}, cabinet.Page{})
			in2, _, _ := r.Placements(ctx, clientgroup.PlacementFilter{ClientGroup: "g2"}, cabinet.Page{})
			if len(in1) != 0 || len(in2) != 1 {
				t.Errorf("g1 has %v, g2 has %v; want the dossier in g2 only", in1, in2)
			}
			return nil
		})
	})

	t.Run("RollbackWritesNothing", func(t *testing.T) {
		s := newStore(t)
		rev0 := update(t, s, func(w clientgroup.Writer) error {
			return w.PutOffice(ctx, clientgroup.Office{ID: "o1", Name: "A"})
		})
		boom := errors.New("boom")
		rev, err := s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
			_ = w.PutOffice(ctx, clientgroup.Office{ID: "o1", Name: "B"})
			_ = w.PutOffice(ctx, clientgroup.Office{ID: "o2", Name: "C"})
			_ = w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d", Office: "o1", ClientGroup: "g"})
			_ = w.PutMember(ctx, clientgroup.Member{Group: "c", Office: "o1", User: "u"})
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		_ = rev
		view(t, s, func(r clientgroup.Reader) error {
			o, _ := r.Office(ctx, "o1")
			if o.Name != "A" {
				t.Errorf("o1 name = %q after rollback", o.Name)
			}
			_, err := r.Office(ctx, "o2")
			wantNotFound(t, "o2 after rollback", err)
			_, err = r.Placement(ctx, "d")
			wantNotFound(t, "placement after rollback", err)
			ms, _, _ := r.Members(ctx, clientgroup.MemberFilter{Group: "c"}, cabinet.Page{})
			if len(ms) != 0 {
				t.Errorf("members after rollback: %v", ms)
			}
			return nil
		})
		rev1, err := s.UpdateClientGroups(ctx, func(clientgroup.Writer) error { return nil })
		if err != nil || rev1 != rev0 {
			t.Errorf("empty update revision = %d, %v; want %d unchanged", rev1, err, rev0)
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		s := newStore(t)
		update(t, s, func(w clientgroup.Writer) error {
			var errs []error
			for i := range 7 {
				o := cabinet.OfficeID(fmt.Sprintf("o%d", i))
				errs = append(errs, w.PutOffice(ctx, clientgroup.Office{ID: o, Name: "x"}))
				for j := range 3 {
					u := cabinet.UserID(fmt.Sprintf("u%d", j))
					errs = append(errs,
						w.PutCollaborator(ctx, clientgroup.Collaborator{Office: o, User: u, Profile: cabinet.ProfileStandard}),
						w.PutClientGroup(ctx, clientgroup.ClientGroup{ID: cabinet.ClientGroupID(fmt.Sprintf("g%d%d", i, j)), Office: o, Name: "n"}),
						w.PutCollaboratorGroup(ctx, clientgroup.CollaboratorGroup{ID: cabinet.CollaboratorGroupID(fmt.Sprintf("c%d%d", i, j)), Office: o, Name: "n"}),
						w.PutMember(ctx, clientgroup.Member{Group: cabinet.CollaboratorGroupID(fmt.Sprintf("c%d0", i)), Office: o, User: u}),
						w.PutDirectAssignment(ctx, clientgroup.DirectAssignment{ClientGroup: cabinet.ClientGroupID(fmt.Sprintf("g%d%d", i, j)), Office: o, User: u}),
						w.PutGroupAssignment(ctx, clientgroup.GroupAssignment{ClientGroup: cabinet.ClientGroupID(fmt.Sprintf("g%d0", i)), Office: o, CollaboratorGroup: cabinet.CollaboratorGroupID(fmt.Sprintf("c%d%d", i, j))}),
						w.PutPlacement(ctx, clientgroup.Placement{Dossier: cabinet.DossierID(fmt.Sprintf("d%d%d", i, j)), Office: o, ClientGroup: cabinet.ClientGroupID(fmt.Sprintf("g%d0", i))}),
					)
				}
			}
			return errors.Join(errs...)
		})
		view(t, s, func(r clientgroup.Reader) error {
			cases := []struct {
				name string
				want int
				list func(after cabinet.Cursor, limit int) (int, []string, cabinet.Cursor, error)
			}{
				{"Offices", 7, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Offices(ctx, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Office) string { return string(x.ID) }), n, err
				}},
				{"Collaborators", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Collaborators(ctx, clientgroup.CollaboratorFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Collaborator) string { return string(x.Office) + "/" + string(x.User) }), n, err
				}},
				{"CollaboratorsOfUser", 7, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Collaborators(ctx, clientgroup.CollaboratorFilter{User: "u1"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Collaborator) string { return string(x.Office) }), n, err
				}},
				{"CollaboratorsOfOffice", 3, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Collaborators(ctx, clientgroup.CollaboratorFilter{Office: "o3"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Collaborator) string { return string(x.User) }), n, err
				}},
				{"CollaboratorGroups", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.CollaboratorGroup) string { return string(x.ID) }), n, err
				}},
				{"CollaboratorGroupsOfOffice", 3, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.CollaboratorGroups(ctx, clientgroup.CollaboratorGroupFilter{Office: "o2"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.CollaboratorGroup) string { return string(x.ID) }), n, err
				}},
				{"Members", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Members(ctx, clientgroup.MemberFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Member) string { return string(x.Group) + "/" + string(x.User) }), n, err
				}},
				{"MembersOfUser", 7, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Members(ctx, clientgroup.MemberFilter{User: "u2"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Member) string { return string(x.Group) }), n, err
				}},
				{"MembersOfGroupAndUser", 1, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Members(ctx, clientgroup.MemberFilter{Group: "c40", User: "u2"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Member) string { return string(x.Group) }), n, err
				}},
				{"ClientGroups", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.ClientGroups(ctx, clientgroup.ClientGroupFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.ClientGroup) string { return string(x.ID) }), n, err
				}},
				{"ClientGroupsOfOffice", 3, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.ClientGroups(ctx, clientgroup.ClientGroupFilter{Office: "o6"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.ClientGroup) string { return string(x.ID) }), n, err
				}},
				{"DirectAssignments", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.DirectAssignment) string { return string(x.ClientGroup) + "/" + string(x.User) }), n, err
				}},
				{"DirectAssignmentsOfUser", 7, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.DirectAssignments(ctx, clientgroup.DirectAssignmentFilter{User: "u0"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.DirectAssignment) string { return string(x.ClientGroup) }), n, err
				}},
				{"GroupAssignments", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.GroupAssignment) string {
						return string(x.ClientGroup) + "/" + string(x.CollaboratorGroup)
					}), n, err
				}},
				{"GroupAssignmentsOfClientGroup", 3, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{ClientGroup: "g10"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.GroupAssignment) string { return string(x.CollaboratorGroup) }), n, err
				}},
				{"GroupAssignmentsOfCollaboratorGroup", 1, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.GroupAssignments(ctx, clientgroup.GroupAssignmentFilter{CollaboratorGroup: "c12"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.GroupAssignment) string { return string(x.ClientGroup) }), n, err
				}},
				{"Placements", 21, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Placements(ctx, clientgroup.PlacementFilter{}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Placement) string { return string(x.Dossier) }), n, err
				}},
				{"PlacementsOfClientGroup", 3, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Placements(ctx, clientgroup.PlacementFilter{ClientGroup: "g50"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Placement) string { return string(x.Dossier) }), n, err
				}},
				{"PlacementsOfOffice", 3, func(a cabinet.Cursor, l int) (int, []string, cabinet.Cursor, error) {
					v, n, err := r.Placements(ctx, clientgroup.PlacementFilter{Office: "o5"}, cabinet.Page{After: a, Limit: l})
					return len(v), keys(v, func(x clientgroup.Placement) string { return string(x.Dossier) }), n, err
				}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					n, allKeys, next, err := c.list("", 0)
					if err != nil || n != c.want || next != "" {
						t.Fatalf("unlimited: %d records, next %q, err %v; want %d, \"\"", n, next, err, c.want)
					}
					for _, limit := range []int{1, 2, 3, 5} {
						var got []string
						var after cabinet.Cursor
						for pages := 0; ; pages++ {
							if pages > c.want+1 {
								t.Fatalf("limit %d: too many pages", limit)
							}
							n, ks, next, err := c.list(after, limit)
							if err != nil {
								t.Fatal(err)
							}
							if n > limit {
								t.Fatalf("limit %d: page of %d", limit, n)
							}
							got = append(got, ks...)
							if next == "" {
								break
							}
							if n != limit {
								t.Fatalf("limit %d: short page %d with a next cursor", limit, n)
							}
							after = next
						}
						if fmt.Sprint(got) != fmt.Sprint(allKeys) {
							t.Errorf("limit %d: pages give %v, want %v", limit, got, allKeys)
						}
					}
				})
			}
			return nil
		})
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ran := false
		err := s.ViewClientGroups(cctx, func(clientgroup.Reader) error { ran = true; return nil })
		if !errors.Is(err, context.Canceled) || ran {
			t.Errorf("View with cancelled ctx: err %v, ran %v", err, ran)
		}
		_, err = s.UpdateClientGroups(cctx, func(w clientgroup.Writer) error {
			ran = true
			return w.PutOffice(ctx, clientgroup.Office{ID: "o"})
		})
		if !errors.Is(err, context.Canceled) || ran {
			t.Errorf("Update with cancelled ctx: err %v, ran %v", err, ran)
		}
		// A reader used with a cancelled context reports it.
		view(t, s, func(r clientgroup.Reader) error {
			if _, err := r.Office(cctx, "o"); !errors.Is(err, context.Canceled) {
				t.Errorf("Office(cancelled) = %v", err)
			}
			if _, _, err := r.Offices(cctx, cabinet.Page{}); !errors.Is(err, context.Canceled) {
				t.Errorf("Offices(cancelled) = %v", err)
			}
			return nil
		})
	})

	t.Run("EmptyKeysAreInvalid", func(t *testing.T) {
		s := newStore(t)
		for name, put := range map[string]func(w clientgroup.Writer) error{
			"Office":      func(w clientgroup.Writer) error { return w.PutOffice(ctx, clientgroup.Office{}) },
			"ClientGroup": func(w clientgroup.Writer) error { return w.PutClientGroup(ctx, clientgroup.ClientGroup{}) },
			"Placement":   func(w clientgroup.Writer) error { return w.PutPlacement(ctx, clientgroup.Placement{Dossier: "d"}) },
			"Member":      func(w clientgroup.Writer) error { return w.PutMember(ctx, clientgroup.Member{Group: "c"}) },
		} {
			if _, err := s.UpdateClientGroups(ctx, put); !errors.Is(err, cabinet.ErrInvalid) {
				t.Errorf("Put%s with an empty key: %v, want ErrInvalid", name, err)
			}
		}
	})
}

func keys[T any](v []T, k func(T) string) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = k(x)
	}
	return out
}
