package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/testenv"
)

func TestImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roster, err := app.LoadRoster("testdata/managers.csv")
	require.NoError(t, err)
	opts := app.ImportOptions{DefaultRegion: "TR", Managers: roster}

	t.Run("CountsEveryRowAndNamesRejects", func(t *testing.T) {
		t.Parallel()
		st, _ := testenv.Store(t)
		sum, err := app.Import(ctx, st, "testdata/contacts.csv", opts)
		require.NoError(t, err)
		require.Equal(t, 6, sum.RowsIn, "the blank line is not a row")
		require.Equal(t, sum.RowsIn, sum.Imported+sum.Updated+sum.Unchanged+sum.Rejected)
		require.Equal(t, 4, sum.Imported)
		require.Equal(t, 1, sum.Duplicates, "Ali Kaya repeats Ayşe's address")
		require.Equal(t, 1, sum.Rejected)
		require.Equal(t, 5, sum.Rejects[0].Row)
		require.Contains(t, sum.Rejects[0].Error(), "contacts.csv: row 5")

		var managers, withEmail int
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT count(*), count(email)
			FROM users WHERE role = 'manager'`).Scan(&managers, &withEmail))
		require.Equal(t, 2, managers, "owner names match whatever their case and spacing")
		require.Equal(t, 2, withEmail, "the roster gives managers their address")
	})

	t.Run("ReimportChangesNothing", func(t *testing.T) {
		t.Parallel()
		st, _ := testenv.Store(t)
		_, err := app.Import(ctx, st, "testdata/contacts.csv", opts)
		require.NoError(t, err)
		sum, err := app.Import(ctx, st, "testdata/contacts.csv", opts)
		require.NoError(t, err)
		require.Zero(t, sum.Imported)
		require.Zero(t, sum.Updated)
		require.Equal(t, 5, sum.Unchanged)
	})

	t.Run("DryRunWritesNothing", func(t *testing.T) {
		t.Parallel()
		st, _ := testenv.Store(t)
		dry := opts
		dry.DryRun = true
		sum, err := app.Import(ctx, st, "testdata/contacts.csv", dry)
		require.NoError(t, err)
		require.Equal(t, 4, sum.Imported)
		var contacts, imports int
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM contacts),
			(SELECT count(*) FROM imports)`).Scan(&contacts, &imports))
		require.Zero(t, contacts)
		require.Zero(t, imports)
	})

	t.Run("MissingFileIsNamed", func(t *testing.T) {
		t.Parallel()
		st, _ := testenv.Store(t)
		_, err := app.Import(ctx, st, "testdata/nope.csv", opts)
		require.ErrorContains(t, err, "nope.csv")
	})
}

func TestImportOwnerEmailMustBeAnAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	_, err := app.Import(ctx, st, "testdata/owner-cells.csv", app.ImportOptions{DefaultRegion: "TR"})
	require.NoError(t, err)
	emails := map[string]*string{}
	rows, err := st.Pool().Query(ctx, `SELECT name, email FROM users WHERE role = 'manager'`)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		var email *string
		require.NoError(t, rows.Scan(&name, &email))
		emails[name] = email
	}
	require.NoError(t, rows.Err())
	require.Contains(t, emails, "@SUM(1)")
	require.Nil(t, emails["@SUM(1)"], "a formula with an @ is no e-mail address")
	// An owner cell holding an address names the manager by its normalised form.
	require.Contains(t, emails, "emre@satis.example.com")
	require.NotNil(t, emails["emre@satis.example.com"])
	require.Equal(t, "emre@satis.example.com", *emails["emre@satis.example.com"])
}
