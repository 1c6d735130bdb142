package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/testenv"
)

func TestImportWritesRejectsToFixAndReimport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	dir := t.TempDir()
	opts := app.ImportOptions{DefaultRegion: "TR", RejectsDir: dir}

	sum, err := app.Import(ctx, st, "testdata/contacts.csv", opts)
	require.NoError(t, err)
	require.Equal(t, 1, sum.Rejected)
	path := filepath.Join(dir, "contacts.rejected.csv")
	require.Equal(t, path, sum.RejectsFile)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "crier_row,crier_column,crier_error,first,last,email,mobile,phone,owner,company\n"+
		"5,,\"no name, e-mail or phone\",,,,,,Emre Çetin,\n", string(raw))

	// The operator fills in the missing data and imports the file again.
	fixed := strings.Replace(string(raw), ",,,,,,Emre Çetin,", ",Gül,Şen,gul@example.com,,,Emre Çetin,", 1)
	fixedPath := filepath.Join(dir, "fixed.csv")
	require.NoError(t, os.WriteFile(fixedPath, []byte(fixed), 0o600))
	again, err := app.Import(ctx, st, fixedPath, opts)
	require.NoError(t, err)
	require.Equal(t, 1, again.Imported)
	require.Zero(t, again.Rejected)
	require.Empty(t, again.RejectsFile, "no rejects, no file")
	_, err = os.Stat(filepath.Join(dir, "fixed.rejected.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
