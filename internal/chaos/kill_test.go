package chaos_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestWorkersKilledAtRandom kills `crier worker` with SIGKILL at random
// moments during a campaign of several thousand messages, several times,
// starting a new one each time. Every message ends sent, delivered, bounced,
// skipped or unknown, and the stand-ins received nothing twice.
func TestWorkersKilledAtRandom(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rnd := testRand(t)
	r := newRig(t, ctx, rigOptions{})
	r.launch()
	_, total := r.progress()

	const kills = 4
	worker := r.startWorker()
	for i := range kills {
		// Kill at a random moment while the campaign is under way.
		wait := time.Duration(300+rnd.IntN(1200)) * time.Millisecond
		time.Sleep(wait)
		before := r.handedOver()
		worker.kill()
		t.Logf("kill %d after %s: %d of %d messages handed over", i+1, wait, before, total)
		worker = r.startWorker()
	}
	open, _ := r.progress()
	require.Positive(t, open, "the kills came before the campaign was done; send more messages")

	r.waitSettled(3 * time.Minute)
	res := r.verify("sent", "delivered", "bounced", "unknown")
	t.Logf("%d messages, %d received, %d unknown after %d kills", total, res.received,
		res.unknown, kills)
	require.LessOrEqual(t, res.unknown, kills*8,
		"only messages in flight at a kill (concurrency 8) may be in doubt")
}
