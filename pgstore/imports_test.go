package pgstore_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The PostgreSQL driver stays in package pgstore (and its test helper
// internal/pgtest): no domain package, nor policy, kit or memstore, imports
// it, in its code or its tests. The exceptions are examples/postgres and
// examples/replicas, host programs, which open the host's own pools.
func TestOnlyPgstoreImportsPgx(t *testing.T) {
	t.Parallel()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not in PATH")
	}
	out, err := exec.Command(gobin, "list", "-f",
		`{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`,
		"github.com/cabinet-go/cabinet/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := map[string]bool{
		"github.com/cabinet-go/cabinet/pgstore":           true,
		"github.com/cabinet-go/cabinet/internal/pgtest":   true,
		"github.com/cabinet-go/cabinet/examples/postgres": true,
		"github.com/cabinet-go/cabinet/examples/replicas": true,
	}
	checked := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		checked++
		if allowed[fields[0]] {
			continue
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "github.com/jackc/") {
				t.Errorf("%s imports %s: only pgstore may use the PostgreSQL driver", fields[0], imp)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("go list listed %d packages; expected the whole module", checked)
	}
}
