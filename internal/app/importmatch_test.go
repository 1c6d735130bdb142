package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/testenv"
)

// Two people sharing a mobile number stay two contacts, whether they come in
// one file or in two: a phone match does not override a different e-mail.
func TestImportSharedMobileKeepsBothPeople(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	want := []string{
		"Ali | Veli | ali@example.com | +905321234567 | mobile | zeynep.kilic@satis.example.com" +
			" | valid | valid | duplicate | email:ali@example.com",
		"Ayşe | Yılmaz | ayse@example.com | +905321234567 | mobile | zeynep.kilic@satis.example.com" +
			" | valid | valid | email:ayse@example.com,mobile:+905321234567",
	}
	for name, files := range map[string][]string{
		"OneFile":  {"testdata/shared_mobile.csv"},
		"TwoFiles": {"testdata/shared_mobile_a.csv", "testdata/shared_mobile_b.csv"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, _ := testenv.Store(t)
			imported := 0
			for _, f := range files {
				sum, err := app.Import(ctx, st, f, app.ImportOptions{DefaultRegion: "TR"})
				require.NoError(t, err)
				imported += sum.Imported
				require.Zero(t, sum.Updated, "no row overwrites another person")
			}
			require.Equal(t, 2, imported)
			require.Equal(t, want, contactState(t, st))
		})
	}
}

// A later file with blank cells leaves the stored values as they are, for
// every field, and says so by changing nothing.
func TestImportBlankCellsKeepStoredValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	opts := app.ImportOptions{DefaultRegion: "TR"}
	_, err := app.Import(ctx, st, "testdata/blanks_a.csv", opts)
	require.NoError(t, err)
	before := contactState(t, st)
	for _, f := range []string{"testdata/blanks_b.csv", "testdata/blanks_c.csv"} {
		sum, err := app.Import(ctx, st, f, opts)
		require.NoError(t, err)
		require.Equal(t, 1, sum.Unchanged, "%s: %+v", f, sum.ImportCounts)
		require.Equal(t, before, contactState(t, st), f)
	}
	var company string
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT company FROM contacts`).Scan(&company))
	require.Equal(t, "Örnek A.Ş.", company)
}

// An owner written as a name, an address in any case, a display-name address or
// a mailto: is one manager; "@SUM(1)" is a name, not an address.
func TestImportOwnerFormsAreOneManager(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	_, err := app.Import(ctx, st, "testdata/owner_forms.csv", app.ImportOptions{DefaultRegion: "TR"})
	require.NoError(t, err)
	rows, err := st.Pool().Query(ctx, `SELECT u.name, COALESCE(u.email, '-'), count(c.id)
		FROM users u JOIN contacts c ON c.owner_id = u.id GROUP BY 1, 2 ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name, email string
		var n int
		require.NoError(t, rows.Scan(&name, &email, &n))
		got = append(got, fmt.Sprintf("%s %s %d", name, email, n))
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"@SUM(1) - 1",
		"Zeynep Kılıç zeynep.kilic@satis.example.com 4"}, got)
}

// A stored contact with no e-mail is matched by its mobile only by a row with
// a name that meets its own: another person's row is a new contact.
func TestImportSharedMobileNoEmailComparesNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	opts := app.ImportOptions{DefaultRegion: "TR"}
	_, err := app.Import(ctx, st, "testdata/shared_mobile_noemail_a.csv", opts)
	require.NoError(t, err)
	sum, err := app.Import(ctx, st, "testdata/shared_mobile_noemail_b.csv", opts)
	require.NoError(t, err)
	require.Equal(t, 1, sum.Imported, "Ali is new")
	require.Equal(t, 1, sum.Updated, "Ayşe gets her e-mail and new surname")
	require.Equal(t, []string{
		"Ali | Veli | ali@example.com | +905321234567 | mobile | - | valid | valid" +
			" | duplicate,owner_missing | email:ali@example.com",
		"Ayşe | Yılmaz-Kaya | ayse@example.com | +905321234567 | mobile | - | valid | valid" +
			" | owner_missing | email:ayse@example.com,mobile:+905321234567",
	}, contactState(t, st))
}

// An opt-out is not taken back by a later row whose opt-out cell is blank.
func TestImportKeepsOptOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	opts := app.ImportOptions{DefaultRegion: "TR"}
	for _, f := range []string{"testdata/optout_a.csv", "testdata/optout_b.csv"} {
		_, err := app.Import(ctx, st, f, opts)
		require.NoError(t, err)
	}
	var consent bool
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT consent_email FROM contacts`).Scan(&consent))
	require.False(t, consent)
	require.Contains(t, contactState(t, st)[0], "opt_out")
}
