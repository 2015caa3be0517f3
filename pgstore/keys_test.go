package pgstore_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// fill sets every field of v from seed, walking structs and slices: text
// is the field's name and the seed (so that every ID changes with the
// seed), numbers are 1 (a valid enum value), booleans follow the seed's
// parity, times are a whole microsecond in UTC, slices hold two elements.
func fill(v reflect.Value, name string, seed int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 1, seed, 0, 0, 1000, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s%d", strings.ToLower(name), seed))
	case reflect.Bool:
		v.SetBool(seed%2 == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				fill(v.Field(i), f.Name, seed)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), name, seed*10+i)
		}
		v.Set(s)
	}
}

// record is a record of type T filled from seed, whose identity ident then
// fixes (the same record across seeds).
func record[T any](seed int, ident func(*T)) T {
	var v T
	fill(reflect.ValueOf(&v).Elem(), reflect.TypeFor[T]().Name(), seed)
	ident(&v)
	return v
}

type keyed interface{ Keys() []cabinet.Key }

// writeCase is one kind of record and the Writer methods that put and
// delete it.
type writeCase struct {
	put, del string                                                                                 // the methods, "team.PutUser"
	write    func(ctx context.Context, s kit.Store, tx cabinet.Tx, seed int) ([]cabinet.Key, error) // puts the record of seed; its keys
	remove   func(ctx context.Context, s kit.Store, tx cabinet.Tx) error                            // deletes it (nil: no Delete)
}

// caseOf builds a writeCase of the package whose writer of a transaction
// writer returns.
func caseOf[W any, T keyed](pkg string, writer func(kit.Store, cabinet.Tx) (W, error), ident func(*T),
	putName string, put func(W, context.Context, T) error, delName string, del func(W, context.Context, T) error) writeCase {
	c := writeCase{put: pkg + "." + putName}
	c.write = func(ctx context.Context, s kit.Store, tx cabinet.Tx, seed int) ([]cabinet.Key, error) {
		w, err := writer(s, tx)
		if err != nil {
			return nil, err
		}
		v := record(seed, ident)
		return v.Keys(), put(w, ctx, v)
	}
	if del != nil {
		c.del = pkg + "." + delName
		c.remove = func(ctx context.Context, s kit.Store, tx cabinet.Tx) error {
			w, err := writer(s, tx)
			if err != nil {
				return err
			}
			return del(w, ctx, record(1, ident))
		}
	}
	return c
}

func teamW(s kit.Store, tx cabinet.Tx) (team.Writer, error)           { return s.TeamWriter(tx) }
func accessW(s kit.Store, tx cabinet.Tx) (access.Writer, error)       { return s.AccessWriter(tx) }
func groupW(s kit.Store, tx cabinet.Tx) (clientgroup.Writer, error)   { return s.ClientGroupWriter(tx) }
func contactW(s kit.Store, tx cabinet.Tx) (contact.Writer, error)     { return s.ContactWriter(tx) }
func procedureW(s kit.Store, tx cabinet.Tx) (procedure.Writer, error) { return s.ProcedureWriter(tx) }

// writeCases covers every Put and Delete method of the five packages'
// Writers (TestChangeLogKeysOfEveryWrite checks that none is missing).
func writeCases() []writeCase {
	return []writeCase{
		caseOf("team", teamW, func(u *cabinet.User) { u.ID = "u" }, "PutUser", team.Writer.PutUser, "", nil),
		caseOf("team", teamW, func(t *team.Team) { t.ID = "t" }, "PutTeam", team.Writer.PutTeam,
			"DeleteTeam", func(w team.Writer, ctx context.Context, t team.Team) error { return w.DeleteTeam(ctx, t.ID) }),
		caseOf("team", teamW, func(i *team.Invitation) { i.ID = "i" }, "PutInvitation", team.Writer.PutInvitation,
			"DeleteInvitation", func(w team.Writer, ctx context.Context, i team.Invitation) error {
				return w.DeleteInvitation(ctx, i.ID)
			}),
		caseOf("team", teamW, func(r *team.Referral) { r.ID = "r" }, "PutReferral", team.Writer.PutReferral, "", nil),
		caseOf("team", teamW, func(c *team.DossierConsent) { c.Dossier = "d" }, "PutDossierConsent", team.Writer.PutDossierConsent, "", nil),

		caseOf("access", accessW, func(d *access.Dossier) { d.ID = "d" }, "PutDossier", access.Writer.PutDossier, "", nil),
		caseOf("access", accessW, func(p *access.Person) { p.ID = "p" }, "PutPerson", access.Writer.PutPerson,
			"DeletePerson", func(w access.Writer, ctx context.Context, p access.Person) error { return w.DeletePerson(ctx, p.ID) }),
		caseOf("access", accessW, func(a *access.Advisor) { a.ID = "a" }, "PutAdvisor", access.Writer.PutAdvisor,
			"DeleteAdvisor", func(w access.Writer, ctx context.Context, a access.Advisor) error { return w.DeleteAdvisor(ctx, a.ID) }),
		caseOf("access", accessW, func(g *access.Grant) { g.ID = "g" }, "PutGrant", access.Writer.PutGrant,
			"DeleteGrant", func(w access.Writer, ctx context.Context, g access.Grant) error { return w.DeleteGrant(ctx, g.ID) }),

		caseOf("clientgroup", groupW, func(o *clientgroup.Office) { o.ID = "o" }, "PutOffice", clientgroup.Writer.PutOffice, "", nil),
		caseOf("clientgroup", groupW, func(c *clientgroup.Collaborator) { c.Office, c.User = "o", "u" }, "PutCollaborator", clientgroup.Writer.PutCollaborator,
			"DeleteCollaborator", func(w clientgroup.Writer, ctx context.Context, c clientgroup.Collaborator) error {
				return w.DeleteCollaborator(ctx, c.Office, c.User)
			}),
		caseOf("clientgroup", groupW, func(g *clientgroup.CollaboratorGroup) { g.ID = "cg" }, "PutCollaboratorGroup", clientgroup.Writer.PutCollaboratorGroup,
			"DeleteCollaboratorGroup", func(w clientgroup.Writer, ctx context.Context, g clientgroup.CollaboratorGroup) error {
				return w.DeleteCollaboratorGroup(ctx, g.ID)
			}),
		caseOf("clientgroup", groupW, func(m *clientgroup.Member) { m.Group, m.User = "cg", "u" }, "PutMember", clientgroup.Writer.PutMember,
			"DeleteMember", func(w clientgroup.Writer, ctx context.Context, m clientgroup.Member) error {
				return w.DeleteMember(ctx, m.Group, m.User)
			}),
		caseOf("clientgroup", groupW, func(g *clientgroup.ClientGroup) { g.ID = "g" }, "PutClientGroup", clientgroup.Writer.PutClientGroup,
			"DeleteClientGroup", func(w clientgroup.Writer, ctx context.Context, g clientgroup.ClientGroup) error {
				return w.DeleteClientGroup(ctx, g.ID)
			}),
		caseOf("clientgroup", groupW, func(a *clientgroup.DirectAssignment) { a.ClientGroup, a.User = "g", "u" }, "PutDirectAssignment", clientgroup.Writer.PutDirectAssignment,
			"DeleteDirectAssignment", func(w clientgroup.Writer, ctx context.Context, a clientgroup.DirectAssignment) error {
				return w.DeleteDirectAssignment(ctx, a.ClientGroup, a.User)
			}),
		caseOf("clientgroup", groupW, func(a *clientgroup.GroupAssignment) { a.ClientGroup, a.CollaboratorGroup = "g", "cg" }, "PutGroupAssignment", clientgroup.Writer.PutGroupAssignment,
			"DeleteGroupAssignment", func(w clientgroup.Writer, ctx context.Context, a clientgroup.GroupAssignment) error {
				return w.DeleteGroupAssignment(ctx, a.ClientGroup, a.CollaboratorGroup)
			}),
		caseOf("clientgroup", groupW, func(p *clientgroup.Placement) { p.Dossier = "d" }, "PutPlacement", clientgroup.Writer.PutPlacement,
			"DeletePlacement", func(w clientgroup.Writer, ctx context.Context, p clientgroup.Placement) error {
				return w.DeletePlacement(ctx, p.Dossier)
			}),

		caseOf("contact", contactW, func(c *contact.Contact) { c.ID = "c" }, "PutContact", contact.Writer.PutContact, "", nil),
		caseOf("contact", contactW, func(c *contact.Company) { c.ID = "co" }, "PutCompany", contact.Writer.PutCompany, "", nil),
		caseOf("contact", contactW, func(p *contact.Project) { p.ID = "pr" }, "PutProject", contact.Writer.PutProject, "", nil),
		caseOf("contact", contactW, func(d *contact.Decision) { d.ID = "de" }, "PutDecision", contact.Writer.PutDecision, "", nil),
		caseOf("contact", contactW, func(u *contact.Unit) { u.ID = "un" }, "PutUnit", contact.Writer.PutUnit, "", nil),
		caseOf("contact", contactW, func(s *contact.Session) { s.ID = "se" }, "PutSession", contact.Writer.PutSession, "", nil),

		caseOf("procedure", procedureW, func(p *procedure.OfficePlan) { p.Office = "o" }, "PutPlan", procedure.Writer.PutPlan, "", nil),
		caseOf("procedure", procedureW, func(p *procedure.Procedure) { p.ID = "pc" }, "PutProcedure", procedure.Writer.PutProcedure, "", nil),
		caseOf("procedure", procedureW, func(c *procedure.Case) { c.ID = "ca" }, "PutCase", procedure.Writer.PutCase, "", nil),
	}
}

// changeKeys returns the keys of the change at rev.
func changeKeys(t *testing.T, log cabinet.ChangeLog, rev cabinet.Revision) []cabinet.Key {
	t.Helper()
	for c, err := range log.Changes(context.Background(), rev-1) {
		require.NoError(t, err)
		require.Equal(t, rev, c.Revision)
		return c.Keys
	}
	t.Fatalf("no change at %d", rev)
	return nil
}

// Every Put and Delete of every package records in the change log the keys
// of the record as it was and as it is — old and new foreign IDs alike —
// read by the store itself in the write's transaction (issue 14: "the keys
// of every record it wrote, captured by the store's own Put/Delete"), and
// exactly the keys memstore records for the same writes.
func TestChangeLogKeysOfEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg := pgtest.Store(t, pgtest.Pool(t, 2, nil))
	mem := memstore.New()

	cases := writeCases()
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.put] = true
		if c.del != "" {
			covered[c.del] = true
		}
	}
	for pkg, w := range map[string]reflect.Type{
		"team": reflect.TypeFor[team.Writer](), "access": reflect.TypeFor[access.Writer](),
		"clientgroup": reflect.TypeFor[clientgroup.Writer](), "contact": reflect.TypeFor[contact.Writer](),
		"procedure": reflect.TypeFor[procedure.Writer](),
	} {
		for i := range w.NumMethod() {
			name := w.Method(i).Name
			if strings.HasPrefix(name, "Put") || strings.HasPrefix(name, "Delete") {
				assert.True(t, covered[pkg+"."+name], "no write case for %s.Writer.%s", pkg, name)
			}
		}
	}

	type store interface {
		kit.Store
		cabinet.ChangeLog
	}
	run := func(s store, fn func(tx cabinet.Tx) error) cabinet.Revision {
		t.Helper()
		rev, err := s.UpdateTeams(ctx, func(w team.Writer) error { return fn(w.Tx()) })
		require.NoError(t, err)
		return rev
	}
	for _, c := range cases {
		t.Run(c.put, func(t *testing.T) {
			var (
				was, now []cabinet.Key
				logs     [][]cabinet.Key // the keys of each write, on each store
			)
			for _, s := range []store{mem, pg} {
				var keys [][]cabinet.Key
				for seed := 1; seed <= 2; seed++ {
					rev := run(s, func(tx cabinet.Tx) error {
						ks, err := c.write(ctx, s, tx, seed)
						if seed == 1 {
							was = ks
						} else {
							now = ks
						}
						return err
					})
					keys = append(keys, changeKeys(t, s, rev))
				}
				if c.remove != nil {
					rev := run(s, func(tx cabinet.Tx) error { return c.remove(ctx, s, tx) })
					keys = append(keys, changeKeys(t, s, rev))
				}
				logs = append(logs, slices.Concat(keys...))
				contains(t, keys[0], was, "the first put")
				contains(t, keys[1], slices.Concat(was, now), "the second put: old and new keys")
				if c.remove != nil {
					contains(t, keys[2], now, c.del)
				}
			}
			assert.Equal(t, logs[0], logs[1], "pgstore records the keys memstore records")
		})
	}
}

// contains checks that have holds every key of want (with a non-empty ID).
func contains(t *testing.T, have, want []cabinet.Key, what string) {
	t.Helper()
	for _, k := range cabinet.NormalizeKeys(slices.Clone(want)) {
		assert.Contains(t, have, k, what)
	}
}
