package cabinet_test

import (
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet"
)

func TestRoutesString(t *testing.T) {
	for _, c := range []struct {
		r    cabinet.Routes
		want string
	}{
		{cabinet.NoRoutes, "none"},
		{cabinet.RouteAdmin, "admin"},
		{cabinet.RouteManager | cabinet.RouteAssigned, "manager|assigned"},
		{cabinet.RouteGroupDirect | cabinet.RouteCollaboratorGroup, "group_direct|collaborator_group"},
		{cabinet.RouteManager | cabinet.RouteTeam, "manager|team"},
		{cabinet.RouteContributor | 1<<20, "contributor|Routes(0x100000)"},
		{cabinet.RouteSelf, "self"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%#x.String() = %q, want %q", uint32(c.r), got, c.want)
		}
	}
	if cabinet.NoRoutes.Has(cabinet.NoRoutes) || !cabinet.RouteAdmin.Any() {
		t.Error("Has/Any")
	}
	if got := (cabinet.RouteManager | cabinet.RouteTeam | cabinet.RouteAdmin).Rules(); len(got) != 2 || got[0] != "GRP-3" || got[1] != "TEAM-8" {
		t.Errorf("Rules = %v", got)
	}
}

func TestParseRoutes(t *testing.T) {
	for r := cabinet.Routes(0); r < 1<<16; r += 7 {
		got, err := cabinet.ParseRoutes(r.String())
		if err != nil || got != r || !r.Valid() {
			t.Errorf("ParseRoutes(%q) = %v, %v", r.String(), got, err)
		}
	}
	_, err := cabinet.ParseRoutes("admin|owner")
	if !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "route" {
		t.Errorf("bad name: %v", err)
	}
	if cabinet.Routes(1 << 20).Valid() {
		t.Error("unknown bit is valid")
	}
}

func FuzzParseRoutes(f *testing.F) {
	for _, s := range []string{"", "none", "admin", "manager|assigned", "x|", "|", "team|contributor"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := cabinet.ParseRoutes(s)
		if err != nil {
			if !errors.Is(err, cabinet.ErrInvalid) || cabinet.FieldOf(err) != "route" {
				t.Fatalf("err %v does not name the route field", err)
			}
			return
		}
		back, err := cabinet.ParseRoutes(r.String())
		if err != nil || back != r {
			t.Fatalf("round trip %q → %v → %v, %v", s, r, back, err)
		}
	})
}
