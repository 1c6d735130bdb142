package cli_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/testenv"
)

func TestImportDryRunAndRevert(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"CRIER_DATABASE_URL": testenv.Database(t)}

	r := run(t, vars, "import", "--dry-run", "testdata/contacts.csv")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "dry run, nothing was changed")

	r = run(t, vars, "import", "--dry-run", "--show-rejects", "2", "testdata/ragged.csv")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "… and 1 more rejected rows (a dry run stores none)")
	require.NotContains(t, r.stdout, "stored with import")

	r = run(t, vars, "import", "testdata/contacts.csv")
	require.Equal(t, 0, r.code, r.stderr)
	id := regexp.MustCompile(`: import (\d+)`).FindStringSubmatch(r.stdout)
	require.Len(t, id, 2, r.stdout)

	r = run(t, vars, "import", "revert", id[1])
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `import \d+ reverted: [1-9]\d* contacts removed, 0 restored`, r.stdout)

	r = run(t, vars, "import", "revert", id[1])
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "already reverted")
}
