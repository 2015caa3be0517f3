package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// want is the program's whole output: the review, the preview of removing
// Noah, the review after the commit, and the stale preview refused.
const want = `Access review of the Roux family dossier (dos_18), at revision 27:
  Louise  view_dossier, use_reports, set_manager — allowed via admin (GRP-3)
  Marc    view_dossier, use_reports, set_manager — allowed via manager|team (GRP-3, TEAM-8)
  Noah    view_dossier, use_reports — allowed via group_direct (GRP-3)
  Iris    view_dossier, use_reports — allowed via collaborator_group (GRP-3)
  Paul    view_dossier, use_reports — allowed via team (TEAM-8)
  Claire  view_dossier — allowed via central_person (ACC-11)
  Dupuis  view_dossier — allowed via external_advisor (ACC-10)

Louise previews removing Noah from the office (GRP-11):
  computed at revision 27; nothing committed (the store is still at 27)
  Noah: view_dossier loses group_direct (no longer allowed)
  Noah: use_reports loses group_direct (no longer allowed)

Louise applies it at revision 27: committed as revision 28. The review again:
  Louise  view_dossier, use_reports, set_manager — allowed via admin (GRP-3)
  Marc    view_dossier, use_reports, set_manager — allowed via manager|team (GRP-3, TEAM-8)
  Iris    view_dossier, use_reports — allowed via collaborator_group (GRP-3)
  Paul    view_dossier, use_reports — allowed via team (TEAM-8)
  Claire  view_dossier — allowed via central_person (ACC-11)
  Dupuis  view_dossier — allowed via external_advisor (ACC-10)
The reviews differ by exactly the 2 previewed changes: the preview was exact.

Louise previews handing the dossier's management from Marc to Iris (ACC-1):
  Marc: view_dossier loses manager|team (no longer allowed)
  Marc: use_reports loses manager|team (no longer allowed)
  Marc: set_manager loses manager (no longer allowed)
  Iris: view_dossier gains manager (now via manager|collaborator_group)
  Iris: use_reports gains manager (now via manager|collaborator_group)
  Iris: set_manager gains manager (now via manager)
  Paul: view_dossier loses team (no longer allowed)
  Paul: use_reports loses team (no longer allowed)
Meanwhile Louise creates the client group Trusts (revision 29).
Applying the preview of revision 28: refused: cabinet: conflict: the state moved since revision 28 (the head is 29): preview again
`

// TestAccessReviewOutput runs the story and checks every line it prints,
// as an Example would.
func TestAccessReviewOutput(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
