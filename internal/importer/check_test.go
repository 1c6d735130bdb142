package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
)

// runCheck runs Check on testdata files and returns its output lines and error.
func runCheck(t *testing.T, opts CheckOptions, files ...string) ([]string, error) {
	t.Helper()
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join("testdata", f)
	}
	var out bytes.Buffer
	err := Check(context.Background(), paths, opts, &out)
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), err
}

func TestCheckOutput(t *testing.T) {
	t.Parallel()
	lines, err := runCheck(t, CheckOptions{}, "check_a.csv", "check_b.csv")
	require.NoError(t, err)
	want := []string{
		`{"file":"check_a.csv","row":1,"first_name":"Ali","last_name":"Veli","company":"",` +
			`"email":"ali@example.com","email_suggestion":"","phone_e164":"+905321112233",` +
			`"phone_type":"mobile","flags":[],"duplicate_of":"","owner":"Zeynep Kılıç",` +
			`"error":""}`,
		`{"file":"check_a.csv","row":2,"first_name":"Ayşe","last_name":"Kaya","company":"",` +
			`"email":"ayse@example.com","email_suggestion":"","phone_e164":"+905321112244",` +
			`"phone_type":"mobile","flags":[],"duplicate_of":"","owner":"Emre Çetin",` +
			`"error":""}`,
		`{"file":"check_a.csv","row":3,"first_name":"","last_name":"","company":"",` +
			`"email":"","email_suggestion":"","phone_e164":"","phone_type":"","flags":[],` +
			`"duplicate_of":"","owner":"","error":"has 3 fields, header has 5"}`,
		`{"file":"check_a.csv","row":4,"first_name":"","last_name":"","company":"",` +
			`"email":"","email_suggestion":"","phone_e164":"","phone_type":"","flags":[],` +
			`"duplicate_of":"","owner":"","error":"no name, e-mail or phone"}`,
		`{"file":"check_b.csv","row":1,"first_name":"Ali","last_name":"Veli","company":"",` +
			`"email":"ali@example.com","email_suggestion":"","phone_e164":"","phone_type":` +
			`"missing","flags":["phone_missing","duplicate"],"duplicate_of":"check_a.csv:1",` +
			`"owner":"ZEYNEP KILIÇ","error":""}`,
		`{"file":"check_b.csv","row":2,"first_name":"Ayşe","last_name":"Kaya","company":"",` +
			`"email":"","email_suggestion":"","phone_e164":"+905321112244","phone_type":` +
			`"mobile","flags":["email_missing","duplicate","owner_conflict","opt_out"],` +
			`"duplicate_of":"check_a.csv:2","owner":"Burak Öztürk","error":""}`,
		`{"file":"check_b.csv","row":3,"first_name":"Mehmet","last_name":"Öz",` +
			`"company":"Öz \"Gıda\"","email":"mehmet@gmial.com","email_suggestion":` +
			`"mehmet@gmail.com","phone_e164":"+902125551234","phone_type":"fixed_line",` +
			`"flags":["email_typo_suspected","phone_not_mobile","owner_missing"],` +
			`"duplicate_of":"","owner":"","error":""}`,
		`{"file":"check_b.csv","row":4,"first_name":"","last_name":"","company":"",` +
			`"email":"","email_suggestion":"","phone_e164":"","phone_type":"","flags":[],` +
			`"duplicate_of":"","owner":"","error":"column \"İzin\": opt-out/consent value ` +
			`not recognised (want true/false, 1/0, yes/no or evet/hayır)"}`,
	}
	require.Equal(t, want, lines)
}

func TestCheckDuplicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		files       []string
		file        string
		row         int
		duplicateOf string
		conflict    bool
	}{
		{"same file, same owner", []string{"dups.csv"}, "dups.csv", 2, "dups.csv:1", false},
		{"earliest of e-mail and phone match", []string{"dups.csv"}, "dups.csv", 4,
			"dups.csv:1", true},
		{"e-mail owner spells the name", []string{"dups.csv"}, "dups.csv", 5,
			"dups.csv:1", false},
		{"no owner is no conflict", []string{"dups.csv"}, "dups.csv", 6, "dups.csv:3", false},
		{"across files", []string{"check_a.csv", "dups.csv"}, "dups.csv", 1,
			"check_a.csv:1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lines, err := runCheck(t, CheckOptions{}, tt.files...)
			require.NoError(t, err)
			row := findRow(t, []byte(strings.Join(lines, "\n")), tt.file, tt.row)
			require.Equal(t, tt.duplicateOf, row.DuplicateOf)
			require.Contains(t, row.Flags, contact.FlagDuplicate)
			require.Equal(t, tt.conflict, contains(row.Flags, "owner_conflict"))
		})
	}
}

// findRow decodes Check output and returns the line of file:row.
func findRow(t *testing.T, out []byte, file string, row int) CheckRow {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r CheckRow
		require.NoError(t, dec.Decode(&r))
		if r.File == file && r.Row == row {
			return r
		}
	}
	t.Fatalf("no row %s:%d in output", file, row)
	return CheckRow{}
}

// contains reports whether flags holds f.
func contains[T ~string](flags []T, f T) bool {
	for _, g := range flags {
		if g == f {
			return true
		}
	}
	return false
}

func TestCheckBadFileGoesOn(t *testing.T) {
	t.Parallel()
	lines, err := runCheck(t, CheckOptions{}, "missing.csv", "no_contact_columns.csv",
		"generic_min.csv")
	require.Error(t, err)
	require.Contains(t, err.Error(), "missing.csv")
	require.Contains(t, err.Error(), "no_contact_columns.csv: no name, e-mail or phone column")
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], `"file":"generic_min.csv","row":1`)
}

func TestCheckCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := Check(ctx, []string{filepath.Join("testdata", "generic_min.csv")}, CheckOptions{},
		&out)
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, out.String())
}

func TestCheckMappingAndRegion(t *testing.T) {
	t.Parallel()
	opts := CheckOptions{Mapping: loadFixtureMapping(t), DefaultRegion: "TR"}
	lines, err := runCheck(t, opts, "mapped.csv")
	require.NoError(t, err)
	require.Len(t, lines, 1)
	var row CheckRow
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &row))
	require.Equal(t, "+905321112233", row.PhoneE164)
	require.Equal(t, []string{"opt_out"}, flagStrings(row))
}

// flagStrings returns the row's flags as strings.
func flagStrings(r CheckRow) []string {
	out := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		out[i] = string(f)
	}
	return out
}

func TestCheckWarnsOfHeaders(t *testing.T) {
	t.Parallel()
	var warnings []string
	opts := CheckOptions{Warn: func(w string) { warnings = append(warnings, w) }}
	var out strings.Builder
	require.NoError(t, Check(context.Background(), []string{"testdata/synonyms.csv"}, opts, &out))
	require.Equal(t, []string{`synonyms.csv: columns not read: "Notlar", "Kaynak"`}, warnings)
	require.Contains(t, out.String(), `"email":"ali@example.com"`)
}
