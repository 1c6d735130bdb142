package cli_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/cli"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
	"github.com/crier-dev/crier/internal/web"
)

func TestUserAddPrintsAWorkingToken(t *testing.T) {
	t.Parallel()
	url := testenv.Database(t)
	vars := map[string]string{"CRIER_DATABASE_URL": url}
	var stdout, stderr bytes.Buffer
	code := cli.Run(t.Context(), []string{"user", "add", "Selin@Example.com", "--role",
		"supervisor", "--name", "Selin Kaya", "--password-stdin"}, cli.Env{
		Stdin: strings.NewReader("a long password\n"), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return vars[k] }})
	require.Equal(t, 0, code, stderr.String())
	require.Contains(t, stdout.String(), "Selin Kaya <selin@example.com>, supervisor.")
	token := regexp.MustCompile(`(?m)^([A-Z2-7]{40,})$`).FindString(stdout.String())
	require.NotEmpty(t, token, stdout.String())

	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	defer st.Close()
	u, err := st.WebAPITokenUser(context.Background(), web.HashToken(token))
	require.NoError(t, err)
	require.Equal(t, "selin@example.com", u.Email)
	require.True(t, u.HasPassword)
	require.NotContains(t, u.PasswordHash, "a long password")

	r := run(t, vars, "user", "add", "x@example.com", "--role", "boss", "--no-password")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "--role")

	code = cli.Run(t.Context(), []string{"user", "add", "short@example.com", "--role",
		"operator", "--password-stdin"}, cli.Env{Stdin: strings.NewReader("short\n"),
		Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
	require.Equal(t, 1, code)
	require.Contains(t, stderr.String(), "at least 8 characters")
}
