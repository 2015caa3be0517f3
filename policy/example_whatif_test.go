package policy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/policy"
)

// Preview runs a command without committing it and lists whose access to
// which dossier it would change: here, making Sam the dossier's manager instead of Ada, the admin who created it.
func ExampleEngine_Preview() {
	ctx, k, admin, sam, _, d := exampleOffice()
	diff, err := k.Policy.Preview(ctx, func(ctx context.Context) (cabinet.Revision, error) {
		_, rev, err := k.Access.SetManager(ctx, admin, d, sam)
		return rev, err
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("previewed at revision", diff.Revision, "- the engine is still at", k.Policy.Revision())
	for _, c := range diff.Changes {
		fmt.Println(c)
	}
	// Output:
	// previewed at revision 12 - the engine is still at 12
	// dos_9 user_1 view_dossier: -manager (admin|manager → admin)
	// dos_9 user_1 use_reports: -manager (admin|manager → admin)
	// dos_9 user_1 set_manager: -manager (admin|manager → admin)
	// dos_9 user_3 view_dossier: +manager (group_direct → manager|group_direct)
	// dos_9 user_3 use_reports: +manager (group_direct → manager|group_direct)
	// dos_9 user_3 set_manager: +manager (none → manager)
}

// Apply commits a previewed command only if the state has not moved since
// the preview: the first Apply commits, a second one bound to the same
// revision is a conflict.
func ExampleEngine_Apply() {
	ctx, k, admin, sam, _, d := exampleOffice()
	cmd := func(ctx context.Context) (cabinet.Revision, error) {
		_, rev, err := k.Access.SetManager(ctx, admin, d, sam)
		return rev, err
	}
	diff, err := k.Policy.Preview(ctx, cmd)
	if err != nil {
		panic(err)
	}
	rev, err := k.Policy.Apply(ctx, diff, cmd)
	fmt.Println("applied at", diff.Revision, "→ revision", rev, err)
	dec, _ := k.Policy.Check(ctx, policy.User(sam), policy.SetManager, policy.DossierResource(d))
	fmt.Println("Sam sets the manager:", dec.Allowed)
	_, err = k.Policy.Apply(ctx, diff, cmd)
	fmt.Println("again:", errors.Is(err, cabinet.ErrConflict))
	// Output:
	// applied at 12 → revision 13 <nil>
	// Sam sets the manager: true
	// again: true
}
