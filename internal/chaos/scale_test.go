package chaos_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSeveralWorkers sends the same campaign to the same contacts with one,
// two and four workers at once: every message ends the same way whatever the
// number of workers. The throughput of each run is logged (2 cores shared by
// everything here: no timing is asserted).
func TestSeveralWorkers(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	var first map[string]string
	firstN := 0
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			r := newRig(t, ctx, rigOptions{concurrency: 8})
			for range workers {
				r.startWorker()
			}
			time.Sleep(time.Second) // let them start, so that the rate is the sending's
			r.launch()
			r.waitSettled(2 * time.Minute)
			res := r.verify("sent", "delivered", "bounced")
			n, rate := r.throughput()
			t.Logf("%d workers: %d messages handed over at %.0f/s", workers, n, rate)
			// An SMS is delivered once its callback came; whether it came is
			// serve's business, not the workers'.
			final := map[string]string{}
			for k, status := range res.final {
				if status == "delivered" {
					status = "sent"
				}
				final[k] = status
			}
			if first == nil {
				first, firstN = final, n
				return
			}
			require.Equal(t, first, final, "the same results as with one worker")
			require.Equal(t, firstN, n, "as many hand-overs recorded as with one worker")
		})
	}
}
