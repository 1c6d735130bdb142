package chaos_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPauseResumeFiveTimes pauses a running campaign five times and resumes
// it each time: while paused nothing is sent, and when it is done nobody got
// it twice (listmonk's bug) and nobody was forgotten.
func TestPauseResumeFiveTimes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rnd := testRand(t)
	r := newRig(t, ctx, rigOptions{concurrency: 4})
	r.launch()
	_, total := r.progress()
	r.startWorker()

	for i, share := range []int{10, 25, 40, 55, 70} {
		r.waitFor(time.Minute, "the campaign to get on", func() bool {
			return r.handedOver() >= total*share/100
		})
		r.run("campaign", "pause", slug)
		held := r.waitStill(10 * time.Second)
		time.Sleep(time.Duration(300+rnd.IntN(700)) * time.Millisecond)
		require.Equal(t, held, r.handedOver(), "pause %d: messages were sent while paused", i+1)
		pending := r.countStatus("pending")
		t.Logf("pause %d at %d of %d handed over; %d back to pending", i+1, held, total, pending)
		r.run("campaign", "resume", slug)
	}

	r.waitSettled(2 * time.Minute)
	res := r.verify("sent", "delivered", "bounced")
	t.Logf("%d messages, %d received after five pauses", total, res.received)
}

// waitStill waits until no message was handed over for a second (the sends
// in flight at a pause finish) and returns the count.
func (r *rig) waitStill(limit time.Duration) int {
	r.t.Helper()
	last, since := r.handedOver(), time.Now()
	r.waitFor(limit, "sending to stop", func() bool {
		if n := r.handedOver(); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) >= time.Second
	})
	return last
}

// countStatus counts the campaign's messages in status.
func (r *rig) countStatus(status string) int {
	var n int
	err := r.db.QueryRow(r.ctx, `SELECT count(*) FROM messages m JOIN campaigns k
		ON k.id = m.campaign_id WHERE k.slug = $1 AND m.status = $2`, slug, status).Scan(&n)
	require.NoError(r.t, err)
	return n
}
