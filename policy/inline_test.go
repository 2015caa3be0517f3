package policy_test

import (
	"os/exec"
	"regexp"
	"testing"
)

// TestDossiersIteratorInlines guards what makes an admin's listing cost
// about a plain scan (issue 15, BenchmarkAdminDossiers): the compiler
// inlines Engine.Dossiers' iterator, and dossierList.each within it, into
// the caller's range loop, so that each ID is a direct call of the loop's
// body (inlined too when small) instead of two indirect calls. each sits
// just under the inliner's budget; an edit that pushes it over costs the
// listing ~4× with no other symptom, so this test asks the compiler.
// Skipped under -short (it compiles the package) and without the go tool.
func TestDossiersIteratorInlines(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package: skipped under -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	for _, want := range []string{
		`can inline \(\*dossierList\)\.each\b`,
		`can inline \(\*Engine\)\.Dossiers\b`,
		`can inline \(\*Engine\)\.Dossiers\.func1\b`,
	} {
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("the compiler no longer reports %q (go build -gcflags=-m=2 ./policy/ gives the cost)", want)
		}
	}
}
