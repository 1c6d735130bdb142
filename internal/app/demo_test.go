package app_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// TestDemoLoop runs the whole loop — generated export, import, launch, worker,
// stand-ins, callbacks — and checks that every contact was sent, skipped with
// a reason or bounced, that the stand-ins got exactly what the ledger says,
// and that the report's figures are the ledger's.
func TestDemoLoop(t *testing.T) {
	t.Parallel()
	cfg, dbName, prefix := demoConfig(t, "crier_test_demo_")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := app.RunDemo(ctx, cfg, app.DemoOptions{Seed: 7, Contacts: 400,
		Database: dbName, Dir: filepath.Join(t.TempDir(), "new", "demo"), QueuePrefix: prefix})
	require.NoError(t, err)
	require.FileExists(t, res.ExportPath, "a missing --dir is created")

	require.Empty(t, res.Mismatches, "ledger and stand-ins disagree")
	require.Zero(t, res.CallbacksBad, "some callbacks were not accepted")
	imp := res.Import
	require.Equal(t, 400, imp.RowsIn)
	require.Equal(t, imp.RowsIn, imp.Imported+imp.Updated+imp.Unchanged+imp.Rejected)

	st, err := store.Open(ctx, res.DatabaseURL)
	require.NoError(t, err)
	defer st.Close()
	checkEveryMessageSettled(t, ctx, st)
	checkBouncesMatchScenario(t, ctx, st, res)
	checkReportMatchesLedger(t, res)
}

func checkEveryMessageSettled(t *testing.T, ctx context.Context, st *store.Store) {
	rows, err := st.Pool().Query(ctx, `SELECT channel, status, skip_reason, count(*)
		FROM messages GROUP BY 1, 2, 3`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var channel, status, reason string
		var n int
		require.NoError(t, rows.Scan(&channel, &status, &reason, &n))
		require.Contains(t, []string{"sent", "delivered", "bounced", "skipped"}, status,
			"%d %s messages ended %s", n, channel, status)
		if status == "skipped" {
			require.NotEmpty(t, reason, "a skipped message has a reason")
		}
		if channel == "sms" && status == "sent" {
			t.Errorf("%d SMS never got their delivery callback", n)
		}
	}
	require.NoError(t, rows.Err())

	// Every contact in the audience has a row per channel.
	var contacts, emailRows, smsRows int
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM contacts),
		(SELECT count(*) FROM messages WHERE channel = 'email'),
		(SELECT count(*) FROM messages WHERE channel = 'sms')`).Scan(&contacts, &emailRows, &smsRows))
	require.Equal(t, contacts, emailRows)
	require.Equal(t, contacts, smsRows)
}

func checkBouncesMatchScenario(t *testing.T, ctx context.Context, st *store.Store, res app.DemoResult) {
	rows, err := st.Pool().Query(ctx, `SELECT m.channel, m.address,
		EXISTS (SELECT 1 FROM contact_flags f WHERE f.contact_id = m.contact_id
			AND f.resolved_at IS NULL AND f.kind IN ('email_bounced', 'phone_undeliverable')),
		EXISTS (SELECT 1 FROM suppressions x WHERE x.channel = m.channel AND x.address = m.address)
		FROM messages m WHERE m.status = 'bounced'`)
	require.NoError(t, err)
	defer rows.Close()
	bounced := 0
	for rows.Next() {
		var channel, address string
		var flagged, suppressed bool
		require.NoError(t, rows.Scan(&channel, &address, &flagged, &suppressed))
		bounced++
		require.True(t, flagged, "a bounced contact is flagged for its owner")
		require.True(t, suppressed, "a bounced address is suppressed")
		if channel == "email" {
			require.True(t, slices.Contains(res.Scenario.BounceEmails, address),
				"only scenario addresses bounce")
			continue
		}
		_, rejected := res.Scenario.RejectNumbers[address]
		_, undelivered := res.Scenario.UndeliveredNumbers[address]
		require.True(t, rejected || undelivered, "only scenario numbers fail")
	}
	require.NoError(t, rows.Err())
	require.Positive(t, bounced, "the scenario makes some messages bounce")
}

func checkReportMatchesLedger(t *testing.T, res app.DemoResult) {
	var emailSent, smsSent, emailBounced, smsBounced int
	for _, line := range res.Report.Lines {
		emailSent += line.Channels["email"].Sent
		smsSent += line.Channels["sms"].Sent
		emailBounced += line.Channels["email"].Bounced
		smsBounced += line.Channels["sms"].Bounced
	}
	require.Equal(t, res.EmailsSunk, emailSent)
	require.Equal(t, res.SMSSunk, smsSent)
	require.Equal(t, res.Progress["email"]["bounced"], emailBounced)
	require.Equal(t, res.Progress["sms"]["bounced"], smsBounced)
	require.GreaterOrEqual(t, len(res.Report.Lines), 6, "about six managers")
}

// demoConfig returns a configuration on the test servers, the name of a demo
// database dropped when the test ends, and a queue prefix of the test's own.
func demoConfig(t *testing.T, dbPrefix string) (config.Config, string, string) {
	t.Helper()
	redisURL, prefix := testenv.Redis(t)
	dbName := testenv.Name(dbPrefix)
	cfg, err := config.Load(func(name string) string {
		return map[string]string{"CRIER_DATABASE_URL": testenv.ServerURL(),
			"CRIER_REDIS_URL": redisURL}[name]
	})
	require.NoError(t, err)
	url, err := store.WithDatabase(cfg.DatabaseURL, dbName)
	require.NoError(t, err)
	testenv.DropOnCleanup(t, url)
	return cfg, dbName, prefix
}
