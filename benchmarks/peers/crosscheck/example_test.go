package crosscheck_test

import (
	"context"
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/benchmarks/peers/crosscheck"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/policy"
	"github.com/cabinet-go/cabinet/team"
)

// Translate a cabinet state and ask Cedar: the manager of an archived
// dossier may still view it, but not edit it (ACC-12, SPEC v2).
func Example() {
	ctx := context.Background()
	s := memstore.New()
	_, _ = s.UpdateTeams(ctx, func(w team.Writer) error {
		return w.PutUser(ctx, cabinet.User{ID: "ann", Email: "ann@example.com"})
	})
	_, _ = s.UpdateClientGroups(ctx, func(w clientgroup.Writer) error {
		if err := w.PutOffice(ctx, clientgroup.Office{ID: "o1", Name: "Office"}); err != nil {
			return err
		}
		return w.PutCollaborator(ctx, clientgroup.Collaborator{Office: "o1", User: "ann", Profile: cabinet.ProfileStandard})
	})
	_, _ = s.UpdateAccess(ctx, func(w access.Writer) error {
		return w.PutDossier(ctx, access.Dossier{ID: "d1", Office: "o1", Status: cabinet.DossierArchived, Manager: "ann"})
	})
	ps, err := crosscheck.Policies()
	if err != nil {
		fmt.Println(err)
		return
	}
	entities, err := crosscheck.Entities(ctx, s, ps)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, q := range []crosscheck.Question{
		{User: "ann", Action: policy.ViewDossier, Dossier: "d1"},
		{User: "ann", Action: policy.EditSection, Dossier: "d1", Section: access.SectionNotes},
	} {
		fmt.Printf("%s: %s\n", q, crosscheck.Authorize(ps, entities, q))
	}
	// Output:
	// user ann view_dossier dossier d1: allow via internal (GRP-3, GRP-11)
	// user ann edit_section(notes) dossier d1: deny by archived_read_only (ACC-12)
}
