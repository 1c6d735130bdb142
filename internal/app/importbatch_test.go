package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// contactState lists the live contacts with their owner, statuses, open flags and
// keys, one line each, in a stable order: what an import and a revert change.
func contactState(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `
		SELECT concat_ws(' | ', c.first_name, c.last_name, c.email, c.phone_e164,
			c.phone_type, COALESCE(u.name, '-'), c.email_status, c.phone_status,
			(SELECT string_agg(kind, ',' ORDER BY kind) FROM contact_flags f
			 WHERE f.contact_id = c.id AND f.resolved_at IS NULL),
			(SELECT string_agg(key, ',' ORDER BY key) FROM contact_keys k
			 WHERE k.contact_id = c.id))
		FROM contacts c LEFT JOIN users u ON u.id = c.owner_id
		WHERE c.deleted_at IS NULL ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		out = append(out, line)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestImportBatchSizesAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roster, err := app.LoadRoster("testdata/managers.csv")
	require.NoError(t, err)

	type outcome struct {
		sums  []string
		state []string
	}
	run := func(t *testing.T, size int) outcome {
		st, _ := testenv.Store(t)
		opts := app.ImportOptions{DefaultRegion: "TR", Managers: roster, BatchRows: size}
		var o outcome
		for _, f := range []string{"testdata/contacts.csv", "testdata/update.csv"} {
			sum, err := app.Import(ctx, st, f, opts)
			require.NoError(t, err)
			require.Equal(t, sum.RowsIn, sum.Imported+sum.Updated+sum.Unchanged+sum.Rejected)
			o.sums = append(o.sums, fmt.Sprintf("%+v dup %d", sum.ImportCounts, sum.Duplicates))
		}
		o.state = contactState(t, st)
		return o
	}
	want := run(t, 0)
	require.Equal(t, []string{
		"{RowsIn:6 Imported:4 Updated:0 Unchanged:1 Rejected:1} dup 1",
		"{RowsIn:8 Imported:2 Updated:2 Unchanged:4 Rejected:0} dup 3",
	}, want.sums)
	for _, size := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			t.Parallel()
			got := run(t, size)
			require.Equal(t, want, got, "batches of %d rows", size)
		})
	}
}

func TestImportRevertRestoresState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roster, err := app.LoadRoster("testdata/managers.csv")
	require.NoError(t, err)
	opts := app.ImportOptions{DefaultRegion: "TR", Managers: roster, BatchRows: 2}
	st, _ := testenv.Store(t)

	_, err = app.Import(ctx, st, "testdata/contacts.csv", opts)
	require.NoError(t, err)
	before := contactState(t, st)
	sum, err := app.Import(ctx, st, "testdata/update.csv", opts)
	require.NoError(t, err)
	after := contactState(t, st)
	require.NotEqual(t, before, after)

	res, err := st.ImportRevert(ctx, sum.ID)
	require.NoError(t, err)
	// Fatma's row leaves her e-mail blank: it keeps the stored one, no change.
	require.Equal(t, store.RevertResult{Removed: 2, Restored: 2}, res)
	require.Equal(t, before, contactState(t, st), "keys, flags and data as before")

	again, err := app.Import(ctx, st, "testdata/update.csv", opts)
	require.NoError(t, err, "the keys went with the reverted contacts")
	require.Equal(t, sum.ImportCounts, again.ImportCounts)
	require.Equal(t, after, contactState(t, st))

	reimport, err := app.Import(ctx, st, "testdata/update.csv", opts)
	require.NoError(t, err)
	require.Zero(t, reimport.Imported+reimport.Updated, "re-importing changes nothing")
	require.Equal(t, after, contactState(t, st))
}

func TestImportStoresEmailMarks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	path := filepath.Join(t.TempDir(), "marks.csv")
	require.NoError(t, os.WriteFile(path, []byte("first,last,email,company\n"+
		",,info@firma.com.tr,Firma\nAli,Kaya,ali@mailinator.com,\nCan,Er,can@example.com,\n"),
		0o600))
	_, err := app.Import(ctx, st, path, app.ImportOptions{})
	require.NoError(t, err)
	rows, err := st.Pool().Query(ctx, `SELECT email || ' ' || email_role || ' ' ||
		email_disposable FROM contacts ORDER BY email`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"ali@mailinator.com false true", "can@example.com false false",
		"info@firma.com.tr true false"}, got)
}
