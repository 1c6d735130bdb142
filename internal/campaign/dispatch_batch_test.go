package campaign_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/store"
)

// batchLedger is a fakeLedger with bulk statements: it claims each message
// once and logs every statement, so that tests see the windows.
type batchLedger struct {
	*fakeLedger
	due map[int64]store.MessageToSend // claimable messages

	mu         sync.Mutex
	claimed    map[int64]bool
	unsettled  map[int64]bool // refused once as store.Refusals.Unsettled
	statements []string
}

func newBatchLedger(channel string, ids ...int64) *batchLedger {
	l := &batchLedger{fakeLedger: &fakeLedger{}, due: map[int64]store.MessageToSend{},
		claimed: map[int64]bool{}}
	for _, id := range ids {
		m := message(channel)
		m.ID = id
		m.Address = fmt.Sprintf("kisi%d@example.com", id)
		if channel == campaign.ChannelSMS {
			m.Address = fmt.Sprintf("+90532100%04d", id)
		}
		l.due[id] = m
	}
	return l
}

func (l *batchLedger) MessagesSentAndClaim(_ context.Context, sent []store.SentMessage,
	ids []int64) ([]store.MessageToSend, store.Refusals, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var stmt []string
	if len(sent) > 0 {
		stmt = append(stmt, "record"+idList(sentIDs(sent)))
	}
	var out []store.MessageToSend
	var refused store.Refusals
	for _, id := range ids {
		if l.unsettled[id] {
			delete(l.unsettled, id)
			refused.Unsettled++
			continue
		}
		if m, ok := l.due[id]; ok && !l.claimed[id] {
			l.claimed[id] = true
			out = append(out, m)
		}
	}
	l.statements = append(l.statements, strings.Join(append(stmt, "claim"+idList(ids)), " "))
	return out, refused, nil
}

func (l *batchLedger) MessagesSent(_ context.Context, sent []store.SentMessage) error {
	if len(sent) == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.statements = append(l.statements, "record"+idList(sentIDs(sent)))
	return nil
}

func (l *batchLedger) log() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.statements...)
}

func sentIDs(sent []store.SentMessage) []int64 {
	ids := make([]int64, len(sent))
	for i, m := range sent {
		ids[i] = m.ID
	}
	return ids
}

func idList(ids []int64) string { return fmt.Sprint(ids) }

// scriptSender answers each send with answer(n, messageID), n counting from 1.
type scriptSender struct {
	answer func(n int, messageID int64) error

	mu   sync.Mutex
	n    int
	sent []int64
}

func (s *scriptSender) call(id int64) error {
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	var err error
	if s.answer != nil {
		err = s.answer(n, id)
	}
	if err == nil {
		s.mu.Lock()
		s.sent = append(s.sent, id)
		s.mu.Unlock()
	}
	return err
}

func (s *scriptSender) SendEmail(_ context.Context, m delivery.Email) (delivery.Receipt, error) {
	return delivery.Receipt{ProviderID: fmt.Sprintf("<%d@x>", m.MessageID)}, s.call(m.MessageID)
}

func (s *scriptSender) SendSMS(_ context.Context, m delivery.SMS) (delivery.Receipt, error) {
	return delivery.Receipt{ProviderID: fmt.Sprintf("SM%d", m.MessageID)}, s.call(m.MessageID)
}

func (s *scriptSender) delivered() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.sent...)
}

// fakeLimiter records what it was asked.
type fakeLimiter struct {
	mu     sync.Mutex
	takes  []string
	pauses []time.Duration
}

func (f *fakeLimiter) Take(_ context.Context, channel string, campaignID int64, perCampaign, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.takes = append(f.takes, fmt.Sprintf("%s campaign %d limit %d: %d", channel, campaignID,
		perCampaign, n))
	return nil
}

func (f *fakeLimiter) SlowDown(_ context.Context, _ string, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pauses = append(f.pauses, d)
	return nil
}

func batchDispatcher(l *batchLedger, s *scriptSender, lim campaign.Limiter, window int) *campaign.Dispatcher {
	load := func(slug string) (*campaign.Campaign, error) { return campaign.Load(crier.Campaigns, slug) }
	return campaign.NewDispatcher(l, s, s, load, campaign.DispatcherConfig{MailFrom: mailFrom,
		PublicURL: publicURL, Links: testLinks, Window: window, Limiter: lim},
		slog.New(slog.DiscardHandler))
}

func TestSendBatchGoesWindowByWindow(t *testing.T) {
	t.Parallel()
	ledger := newBatchLedger(campaign.ChannelEmail, 1, 2, 3, 4, 5)
	sender := &scriptSender{}
	limiter := &fakeLimiter{}
	d := batchDispatcher(ledger, sender, limiter, 2)

	require.NoError(t, d.SendBatch(t.Context(), []int64{1, 2, 3, 4, 5}))
	require.Equal(t, []int64{1, 2, 3, 4, 5}, sender.delivered())
	require.Equal(t, []string{
		"claim[1 2]",
		"record[1 2] claim[3 4]", // a window is recorded as the next is claimed
		"record[3 4] claim[5]",
		"record[5]",
	}, ledger.log())
	require.Equal(t, []string{"email campaign 3 limit 0: 2", "email campaign 3 limit 0: 2",
		"email campaign 3 limit 0: 1"}, limiter.takes, "one limiter call per window")

	// The task runs again (asynq is at least once): nothing is sent twice.
	require.NoError(t, d.SendBatch(t.Context(), []int64{1, 2, 3, 4, 5}))
	require.Equal(t, []int64{1, 2, 3, 4, 5}, sender.delivered())
}

func TestSendBatchSendsSMSOfAWindowTogether(t *testing.T) {
	t.Parallel()
	ledger := newBatchLedger(campaign.ChannelSMS, 1, 2, 3)
	release := make(chan struct{})
	var inFlight sync.WaitGroup
	inFlight.Add(3)
	sender := &scriptSender{answer: func(int, int64) error {
		inFlight.Done()
		<-release // every SMS of the window must be in flight before any returns
		return nil
	}}
	go func() { inFlight.Wait(); close(release) }()
	require.NoError(t, batchDispatcher(ledger, sender, nil, 3).SendBatch(t.Context(),
		[]int64{1, 2, 3}))
	require.ElementsMatch(t, []int64{1, 2, 3}, sender.delivered())
}

func TestSendBatchSettlesFailuresOneByOne(t *testing.T) {
	t.Parallel()
	ledger := newBatchLedger(campaign.ChannelEmail, 1, 2, 3)
	sender := &scriptSender{answer: func(_ int, id int64) error {
		switch id {
		case 2:
			return smtpErr(delivery.Permanent, "550", "5.1.1")
		case 3:
			return smtpErr(delivery.Temporary, "451", "4.3.0")
		}
		return nil
	}}
	err := batchDispatcher(ledger, sender, nil, 3).SendBatch(t.Context(), []int64{1, 2, 3})
	require.ErrorIs(t, err, campaign.ErrTemporary, "the batch comes back for message 3")
	require.Equal(t, []string{"claim[1 2 3]", "record[1]"}, ledger.log())
	calls := ledger.recorded()
	require.Len(t, calls, 2)
	require.Equal(t, "bounced", calls[0].Op)
	require.Equal(t, int64(2), calls[0].ID)
	require.Equal(t, "retry", calls[1].Op)
	require.Equal(t, int64(3), calls[1].ID)
}

func TestSendBatchSlowsDownWhenTheProviderAsks(t *testing.T) {
	t.Parallel()
	ledger := newBatchLedger(campaign.ChannelEmail, 1)
	sender := &scriptSender{answer: func(n int, _ int64) error {
		if n <= 2 {
			return smtpErr(delivery.Temporary, "421", "4.7.0")
		}
		return nil
	}}
	limiter := &fakeLimiter{}
	require.NoError(t, batchDispatcher(ledger, sender, limiter, 1).SendBatch(t.Context(),
		[]int64{1}))
	require.Equal(t, []int64{1}, sender.delivered(), "sent once the provider took it")
	require.Len(t, limiter.pauses, 2, "every worker was held twice")
	require.Empty(t, ledger.recorded(), "no retry, no failure: the message was only slowed")
	require.Equal(t, []string{"claim[1]", "record[1]"}, ledger.log())
}

func TestSendBatchGivesUpSlowingDownAfterALimit(t *testing.T) {
	t.Parallel()
	ledger := newBatchLedger(campaign.ChannelSMS, 1)
	throttled := &delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Temporary,
		Code: "20429", RetryAfter: time.Millisecond}
	sender := &scriptSender{answer: func(int, int64) error { return throttled }}
	limiter := &fakeLimiter{}
	err := batchDispatcher(ledger, sender, limiter, 1).SendBatch(t.Context(), []int64{1})
	require.ErrorIs(t, err, campaign.ErrTemporary)
	require.NotEmpty(t, limiter.pauses)
	require.Equal(t, time.Millisecond, limiter.pauses[0], "Retry-After is honoured")
	calls := ledger.recorded()
	require.Len(t, calls, 1)
	require.Equal(t, "retry", calls[0].Op, "back in the queue with its reason, not failed")
}

func TestSendBatchComesBackForWhatTheClaimLeftUnsettled(t *testing.T) {
	t.Parallel()
	ledger := newBatchLedger(campaign.ChannelEmail, 1, 2, 3)
	// Message 2's campaign was paused and resumed under the claim, again and
	// again: the ledger left it queued.
	ledger.unsettled = map[int64]bool{2: true}
	sender := &scriptSender{}
	d := batchDispatcher(ledger, sender, nil, 3)
	err := d.SendBatch(t.Context(), []int64{1, 2, 3})
	require.ErrorIs(t, err, campaign.ErrTemporary, "the task must run again for message 2")
	require.Equal(t, []int64{1, 3}, sender.delivered())

	require.NoError(t, d.SendBatch(t.Context(), []int64{1, 2, 3}), "asynq's retry")
	require.Equal(t, []int64{1, 3, 2}, sender.delivered(), "each message sent once")
}
