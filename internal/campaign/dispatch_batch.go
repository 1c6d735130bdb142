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
	MessagesSentAndClaim(ctx context.Context, sent []store.SentMessage,
		ids []int64) ([]store.MessageToSend, store.Refusals, error)
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
// works through them in windows of DispatcherConfig.Window: a window is
// claimed in the ledger, its messages go out (e-mail one after another over a
// pooled connection, SMS concurrently), and those the provider accepted are
// recorded in the same statement, and so the same commit, that claims the
// next window. Only a claimed window is in doubt if the worker dies, so the
// window bounds the unknowns a crash can leave. It returns an error wrapping
// ErrTemporary when some message should be retried later.
func (d *Dispatcher) SendBatch(ctx context.Context, ids []int64) error {
	if d.batch == nil {
		return d.sendEach(ctx, ids)
	}
	window := max(d.cfg.Window, 1)
	var retry error
	var sent []store.SentMessage // accepted by the provider, not yet recorded
	for len(ids) > 0 {
		n := min(len(ids), window)
		claimed, unsettled, err := d.recordAndClaim(ctx, sent, ids[:n])
		if err != nil {
			return err
		}
		if unsettled > 0 {
			// Left queued, to be claimed when asynq retries this task.
			retry = fmt.Errorf("%w: %d messages: their campaign kept changing status",
				ErrTemporary, unsettled)
		}
		sent, ids = nil, ids[n:]
		if len(claimed) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return d.unclaim(ctx, claimed, err)
		}
		var failed error
		sent, failed = d.sendWindow(ctx, claimed)
		if failed != nil {
			retry = failed
		}
	}
	if err := d.recordSent(ctx, sent); err != nil {
		return err
	}
	return retry
}

// recordAndClaim records sent and claims ids in one statement. The record
// must survive a stopping worker: the sends happened. It also returns how
// many messages the claim left unsettled (see store.Refusals).
func (d *Dispatcher) recordAndClaim(ctx context.Context, sent []store.SentMessage,
	ids []int64) ([]store.MessageToSend, int, error) {
	claimCtx := ctx
	if len(sent) > 0 {
		claimCtx = context.WithoutCancel(ctx)
	}
	claimed, refused, err := d.batch.MessagesSentAndClaim(claimCtx, sent, ids)
	if err != nil {
		if rerr := d.recordSent(ctx, sent); rerr != nil {
			return nil, 0, rerr
		}
		if len(claimed) > 0 {
			// Claimed, then the statement settling the refused failed:
			// nothing of these was sent, so they go back to the queue.
			return nil, 0, d.unclaim(ctx, claimed, err)
		}
		return nil, 0, fmt.Errorf("%w: %w", ErrTemporary, err)
	}
	if refused.Interrupted > 0 {
		d.logger.WarnContext(ctx, "Messages were interrupted mid-send; recorded as unknown",
			"count", refused.Interrupted)
	}
	return claimed, refused.Unsettled, nil
}

// recordSent records messages the provider accepted, trying twice: a message
// left sending would become unknown although it was sent.
func (d *Dispatcher) recordSent(ctx context.Context, sent []store.SentMessage) error {
	ctx = context.WithoutCancel(ctx)
	err := d.batch.MessagesSent(ctx, sent)
	if err != nil {
		err = d.batch.MessagesSent(ctx, sent)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}
	return nil
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

// sendWindow sends the claimed messages of one window. It returns those the
// provider accepted, to be recorded with the next claim, and settles the
// others one by one (they are few, and each needs its reason); the error
// wraps ErrTemporary when some of them should be retried later.
func (d *Dispatcher) sendWindow(ctx context.Context, claimed []store.MessageToSend) ([]store.SentMessage, error) {
	if err := d.take(ctx, claimed); err != nil {
		return nil, d.unclaim(ctx, claimed, err)
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

	settleCtx := context.WithoutCancel(ctx)
	sent := make([]store.SentMessage, 0, len(claimed))
	var retry error
	for i, r := range results {
		m := claimed[i]
		if r.err == nil {
			sent = append(sent, store.SentMessage{ID: m.ID, ProviderID: r.receipt.ProviderID})
			continue
		}
		if err := d.settle(settleCtx, m, r.err, m.Attempts >= MaxAttempts); err != nil {
			retry = err
		}
	}
	return sent, retry
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
			pause = slowDownPause(wait)
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

// slowDownPause is how long every worker holds a channel after the n-th
// (from 0) "slow down" of one message when the provider did not say how long:
// exponential with jitter, about 0.25s, 0.5s, 1s … up to 1 min. It starts
// short because the hold stops the whole channel, not one message: a relay
// that answers a few percent of commands with 421/451 must not bring a
// campaign down to a handful of mails a second.
func slowDownPause(n int) time.Duration {
	d := min(250*time.Millisecond<<min(n, 8), time.Minute)
	return d/2 + rand.N(d/2+1)
}
