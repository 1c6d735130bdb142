package main_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/demo"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// TestWorkerKilledMidCampaign kills `crier worker` with SIGKILL while it sends,
// starts it again, and checks that the campaign finishes with nobody getting
// the same message twice and every message accounted for.
func TestWorkerKilledMidCampaign(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := buildCrier(t)
	st, dbURL := testenv.Store(t)
	redisURL, prefix := testenv.Redis(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	data := importDemoData(t, ctx, st, 600)
	sink := devsink.New(devsink.Config{SMTPAddr: "127.0.0.1:0", TwilioAddr: "127.0.0.1:0",
		AccountSID: config.DevAccountSID, AuthToken: config.DevAuthToken, Logger: quiet,
		Rules: devsink.Rules{RejectNumbers: data.Scenario.RejectNumbers,
			UndeliveredNumbers: data.Scenario.UndeliveredNumbers,
			BounceEmails:       setOf(data.Scenario.BounceEmails)}})
	require.NoError(t, sink.Start(ctx))
	defer sink.Close()

	env := map[string]string{
		"CRIER_DATABASE_URL": dbURL, "CRIER_REDIS_URL": redisURL, "CRIER_QUEUE_PREFIX": prefix,
		"CRIER_SMTP_URL": sink.SMTPURL(), "TWILIO_API_URL": sink.TwilioURL(),
		"CRIER_PUBLIC_URL": serveCallbacks(t, ctx, st, quiet), "CRIER_WORKER_CONCURRENCY": "4",
		"CRIER_RELAY_INTERVAL": "200ms",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	relay, client, err := app.NewRelay(cfg, st, quiet)
	require.NoError(t, err)
	defer client.Close()
	launched, err := app.Launch(ctx, st, relay, crier.Campaigns, "spring-sale")
	require.NoError(t, err)

	first := startWorker(t, bin, env)
	waitFor(t, ctx, func() bool { return len(sink.Emails())+len(sink.SMS()) >= 150 })
	require.NoError(t, first.Process.Kill())
	first.Wait() //nolint:errcheck // killed on purpose
	sentBeforeKill := len(sink.Emails()) + len(sink.SMS())

	second := startWorker(t, bin, env)
	defer func() { second.Process.Signal(os.Interrupt); second.Wait() }() //nolint:errcheck
	waitFor(t, ctx, func() bool {
		p, err := st.CampaignProgress(ctx, launched.Campaign.ID)
		require.NoError(t, err)
		return p.Open() == 0
	})
	require.NoError(t, sink.WaitCallbacks(ctx))
	require.Greater(t, len(sink.Emails())+len(sink.SMS()), sentBeforeKill,
		"the second worker finished the campaign")

	checkNothingTwice(t, sink)
	// Every mail the server got is recorded as sent, or as unknown when the
	// kill came between the hand-over and the record.
	status := map[string]string{}
	rows, err := st.Pool().Query(ctx, `SELECT address, status FROM messages
		WHERE campaign_id = $1 AND channel = 'email'`, launched.Campaign.ID)
	require.NoError(t, err)
	for rows.Next() {
		var address, s string
		require.NoError(t, rows.Scan(&address, &s))
		if s != "skipped" { // contacts sharing an address: the others are skipped
			status[address] = s
		}
	}
	require.NoError(t, rows.Err())
	for _, e := range sink.Emails() {
		require.Contains(t, []string{"sent", "unknown"}, status[strings.ToLower(e.To)])
	}
	p, err := st.CampaignProgress(ctx, launched.Campaign.ID)
	require.NoError(t, err)
	require.LessOrEqual(t, p["email"]["unknown"]+p["sms"]["unknown"], 4,
		"at most the messages in flight at the kill are in doubt")
}

func checkNothingTwice(t *testing.T, sink *devsink.Sink) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range sink.Emails() {
		key := "email:" + strings.ToLower(e.To)
		require.False(t, seen[key], "an address got the campaign e-mail twice")
		seen[key] = true
	}
	for _, m := range sink.SMS() {
		key := "sms:" + m.To
		require.False(t, seen[key], "a number got the campaign SMS twice")
		seen[key] = true
	}
}

func buildCrier(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crier")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "build crier: %s", out)
	return bin
}

func importDemoData(t *testing.T, ctx context.Context, st *store.Store, n int) demo.Dataset {
	t.Helper()
	path := filepath.Join(t.TempDir(), "contacts.csv")
	f, err := os.Create(path)
	require.NoError(t, err)
	data, err := demo.Generate(f, demo.Options{Seed: 3, Contacts: n})
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, err = app.Import(ctx, st, path, app.ImportOptions{DefaultRegion: "TR"})
	require.NoError(t, err)
	return data
}

// serveCallbacks serves the web handlers for Twilio's callbacks and returns
// their public URL.
func serveCallbacks(t *testing.T, ctx context.Context, st *store.Store, logger *slog.Logger) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + ln.Addr().String()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"CRIER_PUBLIC_URL": url}[k]
	})
	require.NoError(t, err)
	go app.NewWebServer(cfg, st, logger).Serve(ctx, ln) //nolint:errcheck // ends with ctx
	return url
}

func startWorker(t *testing.T, bin string, env map[string]string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "worker", "--log-level", "warn")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = &testWriter{t: t}
	require.NoError(t, cmd.Start())
	return cmd
}

// waitFor polls cond until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("timed out waiting")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// testWriter sends a subprocess's log lines to the test log.
type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
