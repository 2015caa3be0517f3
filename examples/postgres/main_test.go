package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet/internal/pgtest"
)

// decisionLine is a line where a story prints a decision: a question and
// its answer, or a viewer and their routes.
var decisionLine = regexp.MustCompile(`^(Can .* (allow via|deny:) |  \S.* via \S+$)`)

// decisions returns the decision lines of out.
func decisions(out string) []string {
	var lines []string
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\n")
		if decisionLine.MatchString(line) {
			lines = append(lines, line)
		}
	}
	return lines
}

// build compiles the command in dir into a temporary directory, as name.
func build(t *testing.T, dir, name string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not in PATH")
	}
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command(gobin, "build", "-o", bin, dir).CombinedOutput()
	require.NoError(t, err, "go build %s: %s", dir, out)
	return bin
}

// execute runs bin with the environment, without CABINET_POSTGRES and
// CABINET_SCHEMA, plus env; it returns stdout, stderr and the exit status.
func execute(t *testing.T, bin string, env ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CABINET_POSTGRES=") && !strings.HasPrefix(kv, "CABINET_SCHEMA=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &exit):
		return stdout.String(), stderr.String(), exit.ExitCode()
	}
	t.Fatalf("running %s: %v", bin, err)
	return "", "", 0
}

// The example tells the quickstart's story on PostgreSQL and prints the
// quickstart's decisions, line for line. Without CABINET_POSTGRES it says
// how to run it and exits with status 2; on a schema a previous run filled
// it refuses with status 1.
func TestPrintsTheQuickstartsDecisions(t *testing.T) {
	conn := pgtest.ConnString(t)
	quickstart, example := build(t, "../quickstart", "quickstart"), build(t, ".", "postgres")

	_, stderr, status := execute(t, example)
	assert.Equal(t, 2, status, "without CABINET_POSTGRES")
	assert.Contains(t, stderr, "CABINET_POSTGRES is not set")
	assert.Contains(t, stderr, "scripts/with-postgres")

	want, _, status := execute(t, quickstart)
	require.Equal(t, 0, status, "the quickstart")
	require.NotEmpty(t, decisions(want), "the quickstart prints decisions")

	schema := "CABINET_SCHEMA=" + pgtest.Schema(t, pgtest.Pool(t, 1, nil))
	got, stderr, status := execute(t, example, "CABINET_POSTGRES="+conn, schema)
	require.Equal(t, 0, status, "stderr: %s", stderr)
	assert.Equal(t, decisions(want), decisions(got))
	assert.Contains(t, got, "A policy engine loaded afresh from PostgreSQL agrees: deny")

	_, stderr, status = execute(t, example, "CABINET_POSTGRES="+conn, schema)
	assert.Equal(t, 1, status, "a second run on the same schema")
	assert.Contains(t, stderr, "already holds records")
}
