package delivery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/testenv"
)

// waits records the waits a limiter asked for and lets time pass for real,
// in small steps, so that redis_rate sees its tokens come back.
type waits struct {
	mu  sync.Mutex
	all []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.all = append(w.all, d)
	w.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(min(d, 50*time.Millisecond)):
		return nil
	}
}

func (w *waits) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.all)
}

// limiters returns two limiters on one Redis namespace: two workers.
func limiters(t *testing.T, rates map[string]int) (a, b *delivery.RateLimiter, wa, wb *waits) {
	t.Helper()
	url, prefix := testenv.Redis(t)
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	a, b = delivery.NewRateLimiter(rdb, prefix, rates), delivery.NewRateLimiter(rdb, prefix, rates)
	wa, wb = &waits{}, &waits{}
	delivery.SetSleep(a, wa.sleep)
	delivery.SetSleep(b, wb.sleep)
	return a, b, wa, wb
}

func TestRateLimiterIsSharedByWorkers(t *testing.T) {
	t.Parallel()
	a, b, wa, wb := limiters(t, map[string]int{"email": 10})
	ctx := t.Context()
	require.NoError(t, a.Take(ctx, "email", 1, 0, 10), "a second's worth is there at once")
	require.Zero(t, wa.count())
	require.NoError(t, b.Take(ctx, "email", 1, 0, 5))
	require.NotZero(t, wb.count(), "the other worker waits: the budget is global")
}

func TestRateLimiterUnlimitedChannelNeverWaits(t *testing.T) {
	t.Parallel()
	a, _, wa, _ := limiters(t, map[string]int{"email": 0})
	require.NoError(t, a.Take(t.Context(), "email", 1, 0, 10_000))
	require.NoError(t, a.Take(t.Context(), "sms", 1, 0, 10_000))
	require.Zero(t, wa.count())
}

func TestRateLimiterCampaignThrottle(t *testing.T) {
	t.Parallel()
	a, _, wa, _ := limiters(t, nil)
	ctx := t.Context()
	require.NoError(t, a.Take(ctx, "sms", 7, 5, 5))
	require.Zero(t, wa.count())
	require.NoError(t, a.Take(ctx, "sms", 8, 5, 5), "another campaign has its own budget")
	require.Zero(t, wa.count())
	require.NoError(t, a.Take(ctx, "sms", 7, 5, 3))
	require.NotZero(t, wa.count(), "campaign 7 spent its second")
}

func TestRateLimiterSlowDownHoldsEveryWorker(t *testing.T) {
	t.Parallel()
	a, b, _, wb := limiters(t, nil)
	ctx := t.Context()
	require.NoError(t, a.SlowDown(ctx, "sms", 300*time.Millisecond))
	require.NoError(t, a.SlowDown(ctx, "sms", 10*time.Millisecond), "a shorter pause keeps the longer")
	require.NoError(t, b.Take(ctx, "sms", 1, 0, 1))
	require.NotZero(t, wb.count())
	require.Greater(t, wb.all[0], 100*time.Millisecond, "waits out the pause another worker set")
	require.NoError(t, b.Take(ctx, "email", 1, 0, 1), "other channels are not held")
}
