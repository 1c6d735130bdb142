package importer

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRowTally(t *testing.T) {
	t.Parallel()
	tally := NewRowTally([]TallyManager{
		{Name: "Zeynep Kılıç", Email: "zeynep.kilic@example.com"},
		{Name: "Emre Çetin", Email: "EMRE.CETIN@example.com"},
		{Name: "Serkan Aydın", Email: "serkan@example.com"},
	})
	paths := []string{filepath.Join("testdata", "check_a.csv"),
		filepath.Join("testdata", "check_b.csv")}
	err := CheckEach(context.Background(), paths, CheckOptions{}, func(row CheckRow) error {
		tally.Add(row)
		return nil
	})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, tally.WriteCSV(&out))
	want := strings.Join([]string{
		"owner_name,owner_email,contacts,valid_email_count,valid_email_share," +
			"valid_mobile_count,valid_mobile_share,email_missing,email_invalid," +
			"email_typo_suspected,phone_missing,phone_invalid,phone_not_mobile," +
			"duplicate_of,name_missing,owner_missing,opt_out,owner_conflict",
		// Ali Veli twice (by name, then in capitals); rejected rows (no contact
		// field, a consent cell that is neither yes nor no) are not counted.
		"Zeynep Kılıç,zeynep.kilic@example.com,2,2,1.0000,1,0.5000,0,0,0,1,0,0,1,0,0,0,0",
		"Emre Çetin,emre.cetin@example.com,1,1,1.0000,1,1.0000,0,0,0,0,0,0,0,0,0,0,0",
		"Serkan Aydın,serkan@example.com,0,0,0.0000,0,0.0000,0,0,0,0,0,0,0,0,0,0,0",
		// An owner missing from the roster gets a line of its own.
		"Burak Öztürk,,1,0,0.0000,1,1.0000,1,0,0,0,0,0,1,0,0,1,1",
		"(no owner),,1,0,0.0000,0,0.0000,0,0,1,0,0,1,0,0,1,0,0",
		"",
	}, "\n")
	require.Equal(t, want, out.String())
}
