package web

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// moments are the dates a page prints; they vary from run to run.
var moments = regexp.MustCompile(`\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}|\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}`)

// TestGoldenPages compares key pages with testdata/golden: `go test
// ./internal/web -run TestGoldenPages -update` rewrites them after a wanted
// change, and the diff is reviewed like code.
func TestGoldenPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pages := []struct{ name, who, path, lang string }{
		{"flags_manager", "managerA", "/flags", "en"},
		{"flags_manager_tr", "managerA", "/flags", "tr"},
		{"supervisor", "supervisor", "/supervisor", "en"},
		{"campaign_preview", "marketing", "/campaigns/weekend-flash", "en"},
		{"contact_operator", "operator", "/contacts/" + itoa(f.contactA), "en"},
		{"login_tr", "", "/login", "tr"},
	}
	for _, p := range pages {
		status, body, _ := f.do(f.client(p.who), "GET", p.path, "", "",
			http.Header{"Accept-Language": {p.lang}})
		require.Equal(t, http.StatusOK, status, p.name)
		got := moments.ReplaceAllString(body, "DATE")
		file := filepath.Join("testdata", "golden", p.name+".html")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
			require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
			continue
		}
		want, err := os.ReadFile(file)
		require.NoError(t, err, "no golden file: run with -update")
		require.Equal(t, string(want), got, "%s differs from %s (run with -update if wanted)",
			p.name, file)
	}
}
