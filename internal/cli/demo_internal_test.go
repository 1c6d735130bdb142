package cli

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/config"
)

func TestDemoQueuePrefix(t *testing.T) {
	t.Parallel()
	globals := func(vars map[string]string) *Globals {
		getenv := func(k string) string { return vars[k] }
		cfg, err := config.Load(getenv)
		require.NoError(t, err)
		return &Globals{env: Env{Getenv: getenv}, cfg: cfg}
	}
	c := demoCmd{Database: "crier_demo"}
	logger := slog.New(slog.DiscardHandler)
	require.Empty(t, c.options(globals(nil), logger).QueuePrefix,
		"unset: the demo keeps its own default queues")
	require.Equal(t, "mine:", c.options(globals(map[string]string{
		"CRIER_QUEUE_PREFIX": "mine:"}), logger).QueuePrefix)
}
