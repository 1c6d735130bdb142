package contact

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixtureRow is one line of a testdata TSV file, keyed by the header's column names.
type fixtureRow map[string]string

// loadTSV reads a tab-separated fixture from testdata: a header line, then one case a
// line, no quoting. The raw_json column holds the input as a JSON string so that
// invisible characters survive editors; it is decoded into the "raw" key.
func loadTSV(t *testing.T, name string) []fixtureRow {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	sc := bufio.NewScanner(f)
	var header []string
	var rows []fixtureRow
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if header == nil {
			header = cols
			continue
		}
		require.Len(t, cols, len(header), "line %d of %s", len(rows)+2, name)
		row := fixtureRow{}
		for i, h := range header {
			row[h] = cols[i]
		}
		var raw string
		require.NoError(t, json.Unmarshal([]byte(row["raw_json"]), &raw), row["raw_json"])
		row["raw"] = raw
		rows = append(rows, row)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, rows)
	return rows
}

// splitList splits a fixture cell holding several values joined by sep; "" gives nil.
func splitList(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// flagList converts flag names to Flags; "" gives nil.
func flagList(names []string) []Flag {
	var out []Flag
	for _, n := range names {
		out = append(out, Flag(n))
	}
	return out
}

// requireNoEcho fails when a plain-words detail repeats a distinctive part of the raw
// value: contact data must never reach logs through a detail.
func requireNoEcho(t *testing.T, detail, raw string) {
	t.Helper()
	for _, w := range strings.FieldsFunc(raw, func(r rune) bool {
		return strings.ContainsRune(" \t@<>;,/:()\"'", r)
	}) {
		if len([]rune(w)) >= 6 {
			require.NotContains(t, detail, w, "detail echoes the raw value")
		}
	}
}
