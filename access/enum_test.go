package access_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
)

func TestEnums(t *testing.T) {
	type enum interface {
		String() string
		Valid() bool
	}
	tests := []struct {
		name  string
		valid []enum
		zero  enum
		parse func(string) (enum, error)
		field string
	}{
		{"section", []enum{access.SectionFamilyStructure, access.SectionAssetInventory, access.SectionDonationInventory, access.SectionDocuments, access.SectionNotes}, access.SectionInvalid,
			func(s string) (enum, error) { return access.ParseSection(s) }, "section"},
		{"tool", []enum{access.ToolSimulations, access.ToolReports}, access.ToolInvalid,
			func(s string) (enum, error) { return access.ParseTool(s) }, "tool"},
		{"relation", []enum{access.RelationHolder, access.RelationCoHolder, access.RelationSpouse, access.RelationChild, access.RelationParent, access.RelationOther}, access.RelationInvalid,
			func(s string) (enum, error) { return access.ParseRelation(s) }, "relation"},
		{"level", []enum{access.LevelReadOnly, access.LevelReadWrite}, access.LevelInvalid,
			func(s string) (enum, error) { return access.ParseLevel(s) }, "level"},
		{"advisor type", []enum{access.AdvisorBanker, access.AdvisorNotary, access.AdvisorLawyer, access.AdvisorAccountant, access.AdvisorInsurer, access.AdvisorOther}, access.AdvisorTypeInvalid,
			func(s string) (enum, error) { return access.ParseAdvisorType(s) }, "type"},
		{"action kind", []enum{access.ActionView, access.ActionEdit, access.ActionUseTool, access.ActionManageFamily, access.ActionManageAdvisors}, access.ActionInvalid,
			func(s string) (enum, error) { return access.ParseActionKind(s) }, "action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range tt.valid {
				assert.True(t, v.Valid(), v.String())
				got, err := tt.parse(v.String())
				require.NoError(t, err)
				assert.Equal(t, v, got)
			}
			assert.False(t, tt.zero.Valid())
			assert.Equal(t, "invalid", tt.zero.String())
			for _, bad := range []string{"", "invalid", "READ_ONLY", "x"} {
				_, err := tt.parse(bad)
				assert.ErrorIs(t, err, cabinet.ErrInvalid, bad)
				assert.Equal(t, tt.field, cabinet.FieldOf(err))
			}
		})
	}
	assert.Equal(t, "Level(9)", access.Level(9).String())
	assert.Equal(t, "GranteeKind(7)", access.GranteeKind(7).String())
	assert.Equal(t, "edit asset_inventory", access.Edit(access.SectionAssetInventory).String())
	assert.Equal(t, "use_tool simulations", access.UseTool(access.ToolSimulations).String())
	assert.Equal(t, "manage_family_access", access.ManageFamilyAccess().String())
}

// FuzzGrantPersonInput feeds arbitrary email and phone values to
// GrantPerson (ACC-3): no panic; a rejection is an *InvalidError naming the
// field and changes nothing; an accepted grant stores values that the
// validators accept again unchanged.
func FuzzGrantPersonInput(f *testing.F) {
	f.Add("lea@example.com", "06 12 34 56 78")
	f.Add(" Lea@EXAMPLE.com", "+33 (0)6 12 34 56 78")
	f.Add("a@b", "0044 20 7946 0958")
	f.Add("x y@example.com", "+")
	f.Fuzz(func(t *testing.T, email, ph string) {
		w := newWorld(t)
		before := w.snapshot()
		g, _, err := w.svc.GrantPerson(w.ctx, uMgr, w.child.ID, access.GrantInput{Email: email, Phone: ph, Level: access.LevelReadOnly})
		if err != nil {
			if !errors.Is(err, cabinet.ErrInvalid) || (cabinet.FieldOf(err) != "email" && cabinet.FieldOf(err) != "phone") {
				t.Fatalf("GrantPerson(%q, %q): %v", email, ph, err)
			}
			if !cmp.Equal(before, w.snapshot()) || len(w.log.Events()) > 0 {
				t.Fatalf("rejected input changed something")
			}
			return
		}
		if e, err := cabinet.ParseEmail("email", g.Email); err != nil || e != g.Email {
			t.Fatalf("stored email %q re-parsed as %q, %v", g.Email, e, err)
		}
		if p, err := cabinet.ParsePhone("phone", g.Phone); err != nil || p != g.Phone {
			t.Fatalf("stored phone %q re-parsed as %q, %v", g.Phone, p, err)
		}
	})
}

// Concurrent commands keep the store consistent (run under -race).
func TestConcurrentCommands(t *testing.T) {
	w := newWorld(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Go(func() {
			p, _, err := w.svc.AddPerson(context.Background(), uMgr, w.dossier.ID, access.PersonInput{Name: fmt.Sprintf("Kid %d", i), Relation: access.RelationChild})
			if err != nil {
				errs <- err
				return
			}
			_, _, err = w.svc.GrantPerson(context.Background(), uHolder, p.ID, access.GrantInput{Email: fmt.Sprintf("kid%d@example.com", i), Phone: phone, Level: access.LevelReadOnly})
			if err != nil {
				errs <- err
			}
			if _, _, err := w.svc.SendDueReminders(context.Background(), "scheduler"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	snap := w.snapshot()
	assert.Len(t, snap.Grants, 2+8)
	assert.Len(t, snap.Persons, 4+8)
}
