// Package examples_test runs every program under examples/ (issue 12: "the
// examples run in CI"): it builds them all with the go command, runs each,
// and checks that it exits with status 0 and prints the lines its entry in
// expected names. A new example needs an entry; examples/postgres and
// examples/replicas, which need a PostgreSQL server, are left to the
// PostgreSQL tests (their own main_test.go, run under scripts/with-postgres).
package examples_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// expected holds, for each example, text that lines of its output must
// contain: a story line from the services' answers, and the rule at work
// in a step the seed is about.
var expected = map[string][]string{
	"quickstart": {
		`Office "Martin Wealth": admin Louise, standard Marc and Noah, client group "Estates".`,
		"Can Noah view the dossier now?",
		"Claire revokes her consent to share her vault with the team.",
	},
	"teams": {
		"Hugo invites Julien into the pending team: refused: cabinet: forbidden:",
		"her first team received her personal referral",
		"Camille, outside the office, refers the Petits: refused: cabinet: forbidden:",
		`Sophie's personal team is now "Sophie Lefèvre-Morel personal"`,
	},
	"family-access": {
		"Marc (read_only) grants Jules read_write: refused: cabinet: forbidden:",
		"Léa's grant now goes to lea.martin@example.com",
		"Claire grants Jules: refused: cabinet: conflict:",
	},
	"contacts": {
		"Leo Ray is now a client (status added), Mia Fox still a lead",
		"Bob's session resolves: refused: cabinet: forbidden:",
	},
	"client-groups": {
		"Alice puts Bernard and Petit into Sociétés: one batch of 2 events",
		"Chloé moves Dupont SA: refused: cabinet: forbidden:",
		"Dupont SA has no manager now",
	},
	"access-review": {
		"Noah: view_dossier loses group_direct (no longer allowed)",
		"The reviews differ by exactly the 2 previewed changes: the preview was exact.",
		"Applying the preview of revision 28: refused: cabinet: conflict: the state moved since revision 28",
	},
	"joint-application": {
		`Gina Moreau (Garant) sees: "Pièce d'identité du garant", "Avis d'imposition du garant"`,
		"Gina submits it: refused: cabinet: forbidden:",
		"Marc accepts: accepted true",
	},
}

// skipped are the examples this test does not run, and why.
var skipped = map[string]string{
	"postgres": "needs a PostgreSQL server; the PostgreSQL tests cover it",
	"replicas": "needs a PostgreSQL server; the PostgreSQL tests cover it",
}

// rules are the rule IDs each example's output must name (the v2 rules the
// seed's story shows), with the service's refusal or the engine's decision.
var rules = map[string][]string{
	"teams":             {"(TEAM-1)", "(TEAM-2)", "(TEAM-4)", "(TEAM-8)", "(TEAM-9)"},
	"family-access":     {"(ACC-1)", "(ACC-3)", "(ACC-6)", "(ACC-7)", "(ACC-9)", "(ACC-10)", "(ACC-12)"},
	"contacts":          {"(CON-4)", "(CON-6)", "(CON-7)"},
	"client-groups":     {"(GRP-2)", "(GRP-3)", "(GRP-5)"},
	"joint-application": {"(PROC-1)", "(PROC-3)", "(PROC-4)", "(PROC-5)"},
	"quickstart":        {"(GRP-3)", "(TEAM-9)"},
	"access-review":     {"(GRP-3)", "(GRP-11)", "(ACC-1)", "(TEAM-8)", "(ACC-10)"},
}

func TestExamplesRun(t *testing.T) {
	goCmd := goTool(t)
	names := programs(t)
	for name := range expected {
		if !slices.Contains(names, name) {
			t.Errorf("expected names example %q, which is not under examples/", name)
		}
	}

	// Build every example in one go command, into a temporary directory.
	bin := t.TempDir()
	pkgs := make([]string, len(names))
	for i, n := range names {
		pkgs[i] = "./examples/" + n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goCmd, append([]string{"build", "-o", bin + string(filepath.Separator)}, pkgs...)...)
	build.Dir = ".." // the module's root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %v: %v\n%s", pkgs, err, out)
	}

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, ok := expected[name]
			if !ok {
				t.Fatalf("examples/%s has no entry in expected: add the lines it must print", name)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name+exe()))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("examples/%s: %v\nstderr:\n%s\nstdout:\n%s", name, err, stderr.String(), stdout.String())
			}
			lines := strings.Split(stdout.String(), "\n")
			for _, w := range append(want, rules[name]...) {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, w) }) {
					t.Errorf("examples/%s printed no line containing %q; its output:\n%s", name, w, stdout.String())
				}
			}
		})
	}
}

// programs returns the examples to run: every directory under examples/
// holding a main.go, but the skipped ones.
func programs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(e.Name(), "main.go")); err != nil {
			continue
		}
		if why, skip := skipped[e.Name()]; skip {
			t.Logf("examples/%s not run: %s", e.Name(), why)
			continue
		}
		names = append(names, e.Name())
	}
	if len(names) == 0 {
		t.Fatal("no program found under examples/")
	}
	return names
}

// goTool returns the go command on PATH, which go test itself puts first.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH: the examples cannot be built: %v", err)
	}
	return p
}

func exe() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
