package chaos_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/testenv"
)

// TestRedisFlushedAndRestarted flushes the queue's Redis mid-campaign and
// later restarts it (empty: it keeps nothing on disk). Redis only carries
// work, so the campaign finishes from the ledger: nothing twice, nothing lost.
func TestRedisFlushedAndRestarted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	redis, err := testenv.StartRedis()
	require.NoError(t, err)
	t.Cleanup(func() { _ = redis.Close() })
	r := newRig(t, ctx, rigOptions{redisURL: redis.URL, concurrency: 4})
	r.launch()
	_, total := r.progress()
	r.startWorker()
	r.startWorker()

	r.waitFor(time.Minute, "a fifth of the campaign", func() bool {
		return r.handedOver() > total/5
	})
	require.NoError(t, redis.Flush(ctx))
	t.Logf("flushed Redis with %d of %d messages handed over", r.handedOver(), total)

	r.waitFor(time.Minute, "half the campaign", func() bool { return r.handedOver() > total/2 })
	require.NoError(t, redis.Stop())
	t.Logf("stopped Redis with %d of %d messages handed over", r.handedOver(), total)
	time.Sleep(time.Second)
	require.NoError(t, redis.Start())

	r.waitSettled(3 * time.Minute)
	res := r.verify("sent", "delivered", "bounced", "unknown")
	t.Logf("%d messages, %d received, %d unknown after a flush and a restart of Redis",
		total, res.received, res.unknown)
}

// TestPostgresRestarted crashes the ledger's Postgres mid-campaign (pg_ctl
// stop -m immediate, on a private cluster) and starts it again: the campaign
// finishes, nothing twice, nothing lost.
func TestPostgresRestarted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	pg, err := testenv.StartPostgres("")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Close() }) // registered first, so it runs after the rig's cleanups
	r := newRig(t, ctx, rigOptions{pgServer: pg.URL, concurrency: 4})
	r.launch()
	_, total := r.progress()
	r.startWorker()
	r.startWorker()

	r.waitFor(time.Minute, "a fifth of the campaign", func() bool {
		return r.handedOver() > total/5
	})
	require.NoError(t, pg.Stop("immediate"))
	t.Log("Postgres crashed")
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, pg.Start())
	t.Logf("Postgres back with %d of %d messages handed over", r.handedOver(), total)

	r.waitSettled(90 * time.Second)
	res := r.verify("sent", "delivered", "bounced", "unknown")
	t.Logf("%d messages, %d received, %d unknown after a Postgres crash", total, res.received,
		res.unknown)
	require.LessOrEqual(t, res.unknown, 2*4, "only messages in flight at the crash may be in doubt")
}
