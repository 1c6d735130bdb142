package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// launchEnv is a fresh database, its own queues and a relay over them.
func launchEnv(t *testing.T) (*store.Store, func(context.Context, string) (app.LaunchResult, error)) {
	t.Helper()
	st, dbURL := testenv.Store(t)
	redisURL, prefix := testenv.Redis(t)
	cfg, err := config.Load(func(name string) string {
		return map[string]string{"CRIER_DATABASE_URL": dbURL, "CRIER_REDIS_URL": redisURL,
			"CRIER_QUEUE_PREFIX": prefix}[name]
	})
	require.NoError(t, err)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	relay, closer, err := app.NewRelay(cfg, st, logger)
	require.NoError(t, err)
	t.Cleanup(func() { closer.Close() })
	return st, func(ctx context.Context, slug string) (app.LaunchResult, error) {
		return app.Launch(ctx, st, relay, crier.Campaigns, slug)
	}
}

func campaignStatus(t *testing.T, st *store.Store, slug string) string {
	t.Helper()
	k, err := st.CampaignBySlug(context.Background(), slug)
	require.NoError(t, err)
	return k.Status
}

func TestLaunchOfAnEmptyAudienceFinishes(t *testing.T) {
	t.Parallel()
	st, launch := launchEnv(t)
	res, err := launch(t.Context(), "spring-sale")
	require.NoError(t, err)
	require.Zero(t, res.Planned())
	require.Zero(t, res.Queued)
	require.Equal(t, "finished", res.Campaign.Status)
	require.Equal(t, "finished", campaignStatus(t, st, "spring-sale"))
}

func TestFinishSettled(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st, launch := launchEnv(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	roster, err := app.LoadRoster("testdata/managers.csv")
	require.NoError(t, err)
	_, err = app.Import(ctx, st, "testdata/contacts.csv",
		app.ImportOptions{DefaultRegion: "TR", Managers: roster})
	require.NoError(t, err)

	res, err := launch(ctx, "spring-sale")
	require.NoError(t, err)
	require.Positive(t, res.Queued)
	require.Equal(t, "running", res.Campaign.Status)

	require.NoError(t, app.FinishSettled(ctx, st, logger))
	require.Equal(t, "running", campaignStatus(t, st, "spring-sale"),
		"queued messages keep the campaign running")

	// A worker takes every message; all but one are sent: still running.
	_, err = st.Pool().Exec(ctx, `UPDATE messages SET status = 'sending'
		WHERE campaign_id = $1 AND status = 'queued'`, res.Campaign.ID)
	require.NoError(t, err)
	_, err = st.Pool().Exec(ctx, `UPDATE messages SET status = 'sent'
		WHERE campaign_id = $1 AND status = 'sending'
		AND id <> (SELECT min(id) FROM messages WHERE campaign_id = $1 AND status = 'sending')`,
		res.Campaign.ID)
	require.NoError(t, err)
	require.NoError(t, app.FinishSettled(ctx, st, logger))
	require.Equal(t, "running", campaignStatus(t, st, "spring-sale"))

	_, err = st.Pool().Exec(ctx, `UPDATE messages SET status = 'failed'
		WHERE campaign_id = $1 AND status = 'sending'`, res.Campaign.ID)
	require.NoError(t, err)
	require.NoError(t, app.FinishSettled(ctx, st, logger))
	require.Equal(t, "finished", campaignStatus(t, st, "spring-sale"))
}
