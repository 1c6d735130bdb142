package campaign

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/store"
)

// MaxAttempts is how often one message is tried before a temporary failure
// becomes final. The ledger counts attempts, so the limit holds however many
// tasks carry the message.
const MaxAttempts = 9

// BatchLedger is the bulk part of the ledger: one statement per window of
// messages instead of one per message.
type BatchLedger interface {
	MessagesClaim(ctx context.Context, ids []int64) ([]store.MessageToSend, store.Refusals, error)
	MessagesSent(ctx context.Context, sent []store.SentMessage) error
}

// Limiter spaces sends out: provider rate limits shared by every worker, a
// campaign's own throttle, and pauses asked for by a provider that said "slow
// down". A nil Limiter means no limits.
type Limiter interface {
	// Take waits until n messages of campaignID may be sent on channel;
	// perCampaign is the campaign's own limit in messages/s, 0 for none.
	Take(ctx context.Context, channel string, campaignID int64, perCampaign, n int) error
	// SlowDown makes every worker hold sends on channel for d.
	SlowDown(ctx context.Context, channel string, d time.Duration) error
}

// maxSlowDowns is how often one message waits out a provider's "slow down"
// before it is put back in the queue like any temporary failure.
const maxSlowDowns = 5

// SendBatch sends messages ids, all of one channel, as a batch task asks. It
// works through them in windows of DispatcherConfig.Window: one statement
// claims a window, its messages go out (e-mail one after another over a
// pooled connection, SMS concurrently), and one statement records those the
// provider accepted. Only a claimed window is in doubt if the worker dies, so
// the window bounds the unknowns a crash can leave. It returns an error
// wrapping ErrTemporary when some message should be retried later.
func (d *Dispatcher) SendBatch(ctx context.Context, ids []int64) error {
	if d.batch == nil {
		return d.sendEach(ctx, ids)
	}
	window := max(d.cfg.Window, 1)
	var retry error
	for len(ids) > 0 {
		n := min(len(ids), window)
		err := d.sendWindow(ctx, ids[:n])
		switch {
		case errors.Is(err, ErrTemporary):
			retry = err
		case err != nil:
			return err
		}
		ids = ids[n:]
	}
	return retry
}

// sendEach sends through the one-message path, for a ledger without bulk
// statements.
func (d *Dispatcher) sendEach(ctx context.Context, ids []int64) error {
	var retry error
	for _, id := range ids {
		if err := d.Send(ctx, id, false); err != nil {
			retry = err
		}
	}
	return retry
}

// sendWindow claims, sends and records one window.
func (d *Dispatcher) sendWindow(ctx context.Context, ids []int64) error {
	claimed, refused, err := d.batch.MessagesClaim(ctx, ids)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}
	if refused.Interrupted > 0 {
		d.logger.WarnContext(ctx, "Messages were interrupted mid-send; recorded as unknown",
			"count", refused.Interrupted)
	}
	if len(claimed) == 0 {
		return nil
	}
	if err := d.take(ctx, claimed); err != nil {
		return d.unclaim(ctx, claimed, err)
	}

	results := make([]sendResult, len(claimed))
	if claimed[0].Channel == ChannelSMS {
		var wg sync.WaitGroup
		for i := range claimed {
			wg.Go(func() { results[i] = d.deliverPatiently(ctx, claimed[i]) })
		}
		wg.Wait()
	} else {
		for i := range claimed {
			results[i] = d.deliverPatiently(ctx, claimed[i])
		}
	}
	return d.record(ctx, claimed, results)
}

// sendResult is what became of one claimed message.
type sendResult struct {
	receipt delivery.Receipt
	err     error
}

// take waits for the rate limits of the claimed messages' channel and
// campaigns.
func (d *Dispatcher) take(ctx context.Context, claimed []store.MessageToSend) error {
	if d.limiter == nil {
		return nil
	}
	counts := map[int64]int{}
	slugs := map[int64]string{}
	for _, m := range claimed {
		counts[m.CampaignID]++
		slugs[m.CampaignID] = m.CampaignSlug
	}
	for id, n := range counts {
		perCampaign := 0
		if c, err := d.load(slugs[id]); err == nil {
			perCampaign = c.Def.Throttle.PerSecond(claimed[0].Channel)
		}
		if err := d.limiter.Take(ctx, claimed[0].Channel, id, perCampaign, n); err != nil {
			return err
		}
	}
	return nil
}

// unclaim puts claimed messages back in the queue after the worker stopped
// before sending them (its context ended while waiting for the limiter).
// Nothing was sent, so this is a retry, not an unknown.
func (d *Dispatcher) unclaim(ctx context.Context, claimed []store.MessageToSend, cause error) error {
	ctx = context.WithoutCancel(ctx)
	for _, m := range claimed {
		if err := d.ledger.MessageRetry(ctx, m.ID, "", "not sent: worker stopped"); err != nil {
			return fmt.Errorf("%w: %w", ErrTemporary, err)
		}
	}
	return fmt.Errorf("%w: %w", ErrTemporary, cause)
}

// deliverPatiently delivers m, waiting out a provider's "slow down" (SMTP
// 421/45x, Twilio 429) a few times instead of failing the message: every
// worker holds that channel meanwhile.
func (d *Dispatcher) deliverPatiently(ctx context.Context, m store.MessageToSend) sendResult {
	for wait := 0; ; wait++ {
		receipt, err := d.deliver(ctx, m)
		pause, slow := slowDown(err)
		if !slow || wait >= maxSlowDowns || d.limiter == nil {
			return sendResult{receipt: receipt, err: err}
		}
		if pause <= 0 {
			pause = backoff(wait)
		}
		d.logger.InfoContext(ctx, "Provider asked to slow down", "message_id", m.ID,
			"channel", m.Channel, "pause", pause)
		if err := d.limiter.SlowDown(ctx, m.Channel, pause); err != nil {
			return sendResult{err: err}
		}
		if err := d.limiter.Take(ctx, m.Channel, m.CampaignID, 0, 1); err != nil {
			return sendResult{err: err}
		}
	}
}

// slowDown reports whether err is a provider asking us to send slower, and
// for how long if it said.
func slowDown(err error) (time.Duration, bool) {
	var derr *delivery.Error
	if !errors.As(err, &derr) || derr.Kind != delivery.Temporary {
		return 0, false
	}
	return derr.RetryAfter, derr.SlowDown()
}

// backoff is an exponential wait with jitter: about 1s, 2s, 4s … up to 1 min.
func backoff(n int) time.Duration {
	d := min(time.Second<<min(n, 6), time.Minute)
	return d/2 + rand.N(d/2+1)
}

// record writes the outcome of a window: the accepted messages in one
// statement, the rest one by one (they are few, and each needs its reason).
func (d *Dispatcher) record(ctx context.Context, claimed []store.MessageToSend, results []sendResult) error {
	// The sends happened: their record must not be lost to a stopping worker.
	ctx = context.WithoutCancel(ctx)
	sent := make([]store.SentMessage, 0, len(claimed))
	for i, r := range results {
		if r.err == nil {
			sent = append(sent, store.SentMessage{ID: claimed[i].ID, ProviderID: r.receipt.ProviderID})
		}
	}
	if err := d.batch.MessagesSent(ctx, sent); err != nil {
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}
	var retry error
	for i, r := range results {
		if r.err == nil {
			continue
		}
		m := claimed[i]
		if err := d.settle(ctx, m, r.err, m.Attempts >= MaxAttempts); err != nil {
			retry = err
		}
	}
	return retry
}
