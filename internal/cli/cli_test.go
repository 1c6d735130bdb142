package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/cli"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/testenv"
)

// result is what one run of crier gave back.
type result struct {
	code           int
	stdout, stderr string
}

// run runs crier with args and the variables in vars as its environment.
func run(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(t.Context(), args, cli.Env{Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return vars[k] }})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestHelpAndUsage(t *testing.T) {
	t.Parallel()

	t.Run("HelpListsCommandsAndExitsZero", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "--help")
		require.Equal(t, 0, r.code, r.stderr)
		for _, cmd := range []string{"migrate", "import", "contacts check", "campaign launch",
			"worker", "serve", "devsink", "report managers", "demo", "config"} {
			require.Contains(t, r.stdout, cmd)
		}
	})

	t.Run("CommandHelpListsItsFlags", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "report", "managers", "--help")
		require.Equal(t, 0, r.code, r.stderr)
		require.Contains(t, r.stdout, "--format")
		require.Contains(t, r.stdout, "--campaign")
	})

	t.Run("UnknownCommandExitsTwo", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "frobnicate")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "crier:")
		require.Contains(t, r.stderr, "frobnicate")
		require.Contains(t, r.stderr, "Usage: crier")
	})

	t.Run("NoCommandExitsTwo", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil)
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "crier:")
	})

	t.Run("BadFlagValueExitsTwo", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "report", "managers", "--format", "xml")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "xml")
	})
}

func TestConfigCommand(t *testing.T) {
	t.Parallel()

	t.Run("PrintsRedactedConfiguration", func(t *testing.T) {
		t.Parallel()
		r := run(t, map[string]string{
			"CRIER_SMTP_URL":    "smtps://mailer:smtp-hunter2@smtp.example.com:465",
			"TWILIO_AUTH_TOKEN": "twilio-hunter2",
			"CRIER_SECRET_KEY":  "key-hunter2",
			"CRIER_MAIL_FROM":   "satis@firma.com.tr",
		}, "config")
		require.Equal(t, 0, r.code, r.stderr)
		require.NotContains(t, r.stdout, "hunter2")
		require.Contains(t, r.stdout, "smtps://mailer:xxxxx@smtp.example.com:465")
		require.Contains(t, r.stdout, "satis@firma.com.tr")
		require.Regexp(t, `(?m)^TWILIO_AUTH_TOKEN\s+\(set\)$`, r.stdout)
		require.Regexp(t, `(?m)^CRIER_SECRET_KEY\s+\(set\)$`, r.stdout)
	})

	for name, tc := range map[string]struct{ variable, value string }{
		"BadDatabaseURL": {"CRIER_DATABASE_URL", "mysql://db:3306/crier"},
		"BadConcurrency": {"CRIER_WORKER_CONCURRENCY", "0"},
		"BadInterval":    {"CRIER_RELAY_INTERVAL", "often"},
	} {
		t.Run(name+"ExitsTwoNamingTheVariable", func(t *testing.T) {
			t.Parallel()
			r := run(t, map[string]string{tc.variable: tc.value}, "config")
			require.Equal(t, 2, r.code)
			require.Contains(t, r.stderr, tc.variable)
			require.Empty(t, r.stdout)
		})
	}
}

func TestImportOfMissingFileNamesIt(t *testing.T) {
	t.Parallel()
	r := run(t, nil, "import", "testdata/no-such-export.csv")
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "no-such-export.csv")
}

// checkRow is the part of a `contacts check` line the tests look at.
type checkRow struct {
	File        string   `json:"file"`
	Row         int      `json:"row"`
	FirstName   string   `json:"first_name"`
	Email       string   `json:"email"`
	Suggestion  string   `json:"email_suggestion"`
	PhoneE164   string   `json:"phone_e164"`
	PhoneType   string   `json:"phone_type"`
	Flags       []string `json:"flags"`
	Owner       string   `json:"owner"`
	DuplicateOf string   `json:"duplicate_of"`
}

func TestContactsCheck(t *testing.T) {
	t.Parallel()

	t.Run("PrintsOneJSONLinePerRow", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "contacts", "check", "testdata/contacts.csv")
		require.Equal(t, 0, r.code, r.stderr)
		var rows []checkRow
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		for sc.Scan() {
			var row checkRow
			require.NoError(t, json.Unmarshal(sc.Bytes(), &row), sc.Text())
			rows = append(rows, row)
		}
		require.Len(t, rows, 4)
		for i, row := range rows {
			require.Equal(t, "contacts.csv", row.File)
			require.Equal(t, i+1, row.Row)
		}
		require.Equal(t, "Ayşe", rows[0].FirstName)
		require.Equal(t, "ayse@example.com", rows[0].Email)
		require.Equal(t, "+905321112233", rows[0].PhoneE164)
		require.Equal(t, "Zeynep Kılıç", rows[0].Owner)
		require.Equal(t, "mehmet@gmail.com", rows[1].Suggestion)
		require.Contains(t, rows[1].Flags, "email_typo_suspected")
		require.Contains(t, rows[2].Flags, "phone_not_mobile")
		require.Contains(t, rows[3].Flags, "owner_missing")
	})

	t.Run("MissingFileIsNamed", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "contacts", "check", "testdata/contacts.csv", "testdata/gone.csv")
		require.Equal(t, 1, r.code)
		require.Contains(t, r.stderr, "gone.csv")
		require.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 4,
			"the readable file is still checked")
	})
}

// readCSV parses a CSV report and returns it as header → value per line.
func readCSV(t *testing.T, out string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	require.Equal(t, report.CSVHeader(), recs[0])
	var lines []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		lines = append(lines, m)
	}
	return lines
}

func TestAgainstADatabase(t *testing.T) {
	t.Parallel()
	redisURL, prefix := testenv.Redis(t)
	vars := map[string]string{
		"CRIER_DATABASE_URL": testenv.Database(t),
		"CRIER_REDIS_URL":    redisURL,
		"CRIER_QUEUE_PREFIX": prefix,
	}

	// Steps share the database and run in order.
	r := run(t, vars, "report", "managers", "--format", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	require.Empty(t, readCSV(t, r.stdout), "an empty database has no managers")

	r = run(t, vars, "import", "testdata/contacts.csv")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "contacts.csv")

	r = run(t, vars, "report", "managers", "--format", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	lines := readCSV(t, r.stdout)
	require.Len(t, lines, 3)
	byName := map[string]map[string]string{}
	for _, l := range lines {
		byName[l["manager"]] = l
	}
	require.Equal(t, "2", byName["Zeynep Kılıç"]["contacts"])
	require.Equal(t, "0.5000", byName["Zeynep Kılıç"]["valid_email_share"])
	require.Equal(t, "1", byName["Emre Çetin"]["contacts"])
	require.Equal(t, "0.0000", byName["Emre Çetin"]["valid_mobile_share"])
	require.Equal(t, "1", byName[report.NoOwner]["contacts"])
	require.Equal(t, "", byName["Zeynep Kılıç"]["campaign"])

	r = run(t, vars, "report", "managers")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "No campaign launched yet.")

	r = run(t, vars, "campaign", "launch", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Campaign spring-sale (Bahar İndirimi 2027) launched")

	r = run(t, vars, "report", "managers", "--format", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	for _, l := range readCSV(t, r.stdout) {
		require.Equal(t, "spring-sale", l["campaign"], l["manager"])
		if l["manager"] == "Zeynep Kılıç" {
			require.Equal(t, "2", l["email_planned"])
			require.Equal(t, "1", l["email_skipped"], "the suspected typo is skipped")
		}
	}

	r = run(t, vars, "campaign", "status", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Campaign spring-sale (Bahar İndirimi 2027): running")
	require.Regexp(t, `email\s+queued \d+`, r.stdout)
	require.Regexp(t, `By manager:\n(.*\n)*  Zeynep Kılıç\n    email queued 1, skipped 1\n`,
		r.stdout, "each manager's messages by channel and status")
	require.Contains(t, r.stdout, "  (no owner)\n")

	r = run(t, vars, "campaign", "pause", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	r = run(t, vars, "campaign", "resume", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "continues from the ledger")

	r = run(t, vars, "report", "managers", "--campaign", "no-such-campaign")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "no-such-campaign")
}

// dbVars is the environment of a crier on a fresh database and queues.
func dbVars(t *testing.T) map[string]string {
	t.Helper()
	redisURL, prefix := testenv.Redis(t)
	return map[string]string{
		"CRIER_DATABASE_URL": testenv.Database(t),
		"CRIER_REDIS_URL":    redisURL,
		"CRIER_QUEUE_PREFIX": prefix,
	}
}

func TestLaunchOfAnEmptyAudience(t *testing.T) {
	t.Parallel()
	vars := dbVars(t)
	r := run(t, vars, "campaign", "launch", "weekend-flash")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "warning: campaign weekend-flash has an empty audience")
	require.Contains(t, r.stdout, "campaign weekend-flash is finished")
	r = run(t, vars, "campaign", "status", "weekend-flash")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Campaign weekend-flash (Hafta Sonu Fırsatı): finished")
}

func TestLaunchOfAPausedCampaignRefuses(t *testing.T) {
	t.Parallel()
	vars := dbVars(t)
	r := run(t, vars, "import", "testdata/contacts.csv")
	require.Equal(t, 0, r.code, r.stderr)
	r = run(t, vars, "campaign", "launch", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	r = run(t, vars, "campaign", "pause", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)

	r = run(t, vars, "campaign", "launch", "spring-sale")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr,
		"campaign spring-sale is paused: use `crier campaign resume spring-sale`")
	r = run(t, vars, "campaign", "status", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "Campaign spring-sale (Bahar İndirimi 2027): paused")
}

func TestCampaignMessages(t *testing.T) {
	t.Parallel()
	vars := dbVars(t)
	r := run(t, vars, "campaign", "status", "nope")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stderr, "no campaign nope (launch it with `crier campaign launch nope`)")
	require.NotContains(t, r.stderr, "store: not found")

	r = run(t, vars, "campaign", "launch", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	r = run(t, vars, "campaign", "cancel", "spring-sale")
	require.Equal(t, 0, r.code, r.stderr)
	for _, verb := range []string{"resume", "cancel", "pause"} {
		r = run(t, vars, "campaign", verb, "spring-sale")
		require.Equal(t, 1, r.code, verb)
		require.Contains(t, r.stderr, "campaign spring-sale is cancelled", verb)
	}
}

func TestInterruptSaysWhatIsTrue(t *testing.T) {
	t.Parallel()
	vars := dbVars(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // as if Ctrl-C came at once
	for _, args := range [][]string{
		{"import", "testdata/contacts.csv"},
		{"campaign", "launch", "spring-sale"},
	} {
		var stdout, stderr bytes.Buffer
		code := cli.Run(ctx, args, cli.Env{Stdout: &stdout, Stderr: &stderr,
			Getenv: func(k string) string { return vars[k] }})
		require.Equal(t, 130, code, "%v: %s", args, stderr.String())
		require.Contains(t, stderr.String(), "crier: interrupted; nothing was changed", args)
	}
	r := run(t, vars, "report", "managers", "--format", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	require.Empty(t, readCSV(t, r.stdout), "indeed nothing was imported")
}

func TestWorkerWithRedisDownFailsAtStart(t *testing.T) {
	t.Parallel()
	vars := dbVars(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	vars["CRIER_REDIS_URL"] = "redis://" + addr + "/0"
	vars["CRIER_METRICS_ADDR"] = "off"
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, []string{"worker"}, cli.Env{Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return vars[k] }})
	require.NoError(t, ctx.Err(), "the worker gave up by itself")
	require.Equal(t, 1, code, stderr.String())
	require.Contains(t, stderr.String(), "CRIER_REDIS_URL: Redis at "+addr+" does not answer")
	require.NotContains(t, stderr.String(), "Worker started")
}

func TestServeOnATakenAddressSaysSoBeforeServing(t *testing.T) {
	t.Parallel()
	vars := dbVars(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	vars["CRIER_HTTP_ADDR"] = ln.Addr().String()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, []string{"serve"}, cli.Env{Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return vars[k] }})
	require.Equal(t, 1, code, stderr.String())
	require.Contains(t, stderr.String(), "listen on CRIER_HTTP_ADDR "+ln.Addr().String())
	require.NotContains(t, stderr.String(), "Serving")
}

func TestDevsinkDirIsAFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "mail.eml")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	// Were the file taken, the sink would run until the context ends.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, []string{"devsink", "--smtp-addr", "127.0.0.1:0",
		"--twilio-addr", "127.0.0.1:0", "--dir", file},
		cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	require.Equal(t, 1, code, stderr.String())
	require.Contains(t, stderr.String(), "devsink --dir "+file+": is a file")
	require.NotContains(t, stdout.String(), "SMTP sink")
}
