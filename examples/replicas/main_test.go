package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet/internal/pgtest"
)

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

// The example shows read-your-writes across two replicas (issue 14): B,
// asked at the revision of each command A commits, answers with A's write
// (GRP-3: Noah sees the dossier while assigned to its client group). Without
// CABINET_POSTGRES it says how to run it and exits with status 2; on a
// schema a previous run filled it refuses with status 1.
func TestReadYourWritesAcrossReplicas(t *testing.T) {
	conn := pgtest.ConnString(t)
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not in PATH")
	}
	bin := filepath.Join(t.TempDir(), "replicas")
	out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	_, stderr, status := execute(t, bin)
	assert.Equal(t, 2, status, "without CABINET_POSTGRES")
	assert.Contains(t, stderr, "CABINET_POSTGRES is not set")
	assert.Contains(t, stderr, "scripts/with-postgres")

	schema := "CABINET_SCHEMA=" + pgtest.Schema(t, pgtest.Pool(t, 1, nil))
	got, stderr, status := execute(t, bin, "CABINET_POSTGRES="+conn, schema)
	require.Equal(t, 0, status, "stderr: %s", stderr)
	for _, want := range []string{
		"A: Louise assigns Noah to Estates; the command returns its revision.",
		"B, asked at A's revision: can Noah view the dossier? allow via group_direct (GRP-3)",
		"A: Louise unassigns Noah.",
		"B, asked at A's revision: can Noah view the dossier? deny: the collaborator has no internal route to the dossier (GRP-3)",
		"B, fully consistent (the store's head): deny:",
	} {
		assert.Contains(t, got, want)
	}

	_, stderr, status = execute(t, bin, "CABINET_POSTGRES="+conn, schema)
	assert.Equal(t, 1, status, "a second run on the same schema")
	assert.Contains(t, stderr, "already holds records")
}
