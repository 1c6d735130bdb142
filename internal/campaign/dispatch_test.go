package campaign_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/store"
)

// call is one ledger call the dispatcher made.
type call struct {
	Op         string // sent, retry, failed, unknown, bounced
	ID         int64
	ProviderID string
	Code       string
	Detail     string
	Bounce     store.BounceParams
}

// fakeLedger hands out one message (or a claim error) and records the outcome.
type fakeLedger struct {
	msg      store.MessageToSend
	claimErr error

	mu     sync.Mutex
	claims int
	calls  []call
}

func (l *fakeLedger) record(c call) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
	return nil
}

func (l *fakeLedger) recorded() []call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]call(nil), l.calls...)
}

func (l *fakeLedger) MessageClaim(_ context.Context, id int64) (store.MessageToSend, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.claims++
	if l.claimErr != nil {
		return store.MessageToSend{}, l.claimErr
	}
	if id != l.msg.ID {
		return store.MessageToSend{}, fmt.Errorf("message %d: %w", id, store.ErrNotFound)
	}
	return l.msg, nil
}

func (l *fakeLedger) MessageSent(_ context.Context, id int64, providerID string) error {
	return l.record(call{Op: "sent", ID: id, ProviderID: providerID})
}

func (l *fakeLedger) MessageRetry(_ context.Context, id int64, code, detail string) error {
	return l.record(call{Op: "retry", ID: id, Code: code, Detail: detail})
}

func (l *fakeLedger) MessageFailed(_ context.Context, id int64, code, detail string) error {
	return l.record(call{Op: "failed", ID: id, Code: code, Detail: detail})
}

func (l *fakeLedger) MessageUnknown(_ context.Context, id int64, detail string) error {
	return l.record(call{Op: "unknown", ID: id, Detail: detail})
}

func (l *fakeLedger) MessageBounced(_ context.Context, p store.BounceParams) error {
	return l.record(call{Op: "bounced", ID: p.MessageID, Bounce: p})
}

// fakeSender records what it was asked to send and answers with err or a receipt.
type fakeSender struct {
	err error

	mu     sync.Mutex
	emails []delivery.Email
	sms    []delivery.SMS
}

func (s *fakeSender) SendEmail(_ context.Context, m delivery.Email) (delivery.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emails = append(s.emails, m)
	if s.err != nil {
		return delivery.Receipt{}, s.err
	}
	id := fmt.Sprintf("<crier.%d.abc@example.com.tr>", m.MessageID)
	return delivery.Receipt{ProviderID: id}, nil
}

func (s *fakeSender) SendSMS(_ context.Context, m delivery.SMS) (delivery.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sms = append(s.sms, m)
	if s.err != nil {
		return delivery.Receipt{}, s.err
	}
	return delivery.Receipt{ProviderID: "SM0123456789abcdef0123456789abcdef"}, nil
}

func (s *fakeSender) sent() ([]delivery.Email, []delivery.SMS) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery.Email(nil), s.emails...), append([]delivery.SMS(nil), s.sms...)
}

const (
	mailFrom  = "kampanya@example.com.tr"
	publicURL = "https://crier.example.com"
)

var testLinks = campaign.NewLinks(publicURL, []byte("dispatch-key"))

func message(channel string) store.MessageToSend {
	address := "ayse@example.com"
	if channel == campaign.ChannelSMS {
		address = "+905321234567"
	}
	return store.MessageToSend{ID: 501, CampaignID: 3, CampaignSlug: "spring-sale", ContactID: 9,
		Channel: channel, Address: address, Attempts: 1, FirstName: "Ayşe", LastName: "Yılmaz",
		Company: "Örnek A.Ş.", OwnerName: "Zeynep Kılıç", OwnerEmail: "zeynep@satis.example.com"}
}

// dispatcher returns a dispatcher over the bundled campaigns and counts loads.
func dispatcher(l *fakeLedger, s *fakeSender, loads *int) *campaign.Dispatcher {
	var mu sync.Mutex
	load := func(slug string) (*campaign.Campaign, error) {
		mu.Lock()
		*loads++
		mu.Unlock()
		return campaign.Load(crier.Campaigns, slug)
	}
	return campaign.NewDispatcher(l, s, s, load, campaign.DispatcherConfig{MailFrom: mailFrom,
		PublicURL: publicURL, Links: testLinks}, slog.New(slog.DiscardHandler))
}

func smtpErr(kind delivery.ErrorKind, code, enhanced string) error {
	return &delivery.Error{Channel: delivery.ChannelEmail, Kind: kind, Code: code,
		Enhanced: enhanced, Detail: code + " " + enhanced + " <ayse@example.com> said no"}
}

func TestDispatcherOutcomes(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		name    string
		channel string
		sendErr error
		last    bool
		want    call  // the one ledger call expected; Detail is not compared
		wantErr error // nil, or what the returned error must wrap
	}{
		{
			name: "EmailAcceptedIsSentWithMessageID", channel: campaign.ChannelEmail,
			want: call{Op: "sent", ID: 501, ProviderID: "<crier.501.abc@example.com.tr>"},
		},
		{
			name: "SMSAcceptedIsSentWithSID", channel: campaign.ChannelSMS,
			want: call{Op: "sent", ID: 501, ProviderID: "SM0123456789abcdef0123456789abcdef"},
		},
		{
			name: "UnknownMailboxBouncesSuppressesAndFlags", channel: campaign.ChannelEmail,
			sendErr: smtpErr(delivery.Permanent, "550", "5.1.1"),
			want: call{Op: "bounced", ID: 501, Bounce: store.BounceParams{MessageID: 501,
				Status: "bounced", Code: "550 5.1.1", Suppress: true, Flag: "email_bounced",
				Source: "email"}},
		},
		{
			name: "PolicyRejectionFailsWithoutFlagOrSuppression", channel: campaign.ChannelEmail,
			sendErr: smtpErr(delivery.Permanent, "550", "5.7.1"),
			want: call{Op: "bounced", ID: 501, Bounce: store.BounceParams{MessageID: 501,
				Status: "failed", Code: "550 5.7.1", Source: "email"}},
		},
		{
			name: "FullMailboxIsRetried", channel: campaign.ChannelEmail,
			sendErr: smtpErr(delivery.Permanent, "552", "5.2.2"),
			want:    call{Op: "retry", ID: 501, Code: "552 5.2.2"}, wantErr: campaign.ErrTemporary,
		},
		{
			name: "FullMailboxOnLastAttemptFails", channel: campaign.ChannelEmail,
			sendErr: smtpErr(delivery.Permanent, "552", "5.2.2"), last: true,
			want: call{Op: "failed", ID: 501, Code: "552 5.2.2"},
		},
		{
			name: "TemporaryIsRetried", channel: campaign.ChannelEmail,
			sendErr: smtpErr(delivery.Temporary, "451", "4.3.0"),
			want:    call{Op: "retry", ID: 501, Code: "451 4.3.0"}, wantErr: campaign.ErrTemporary,
		},
		{
			name: "TemporaryOnLastAttemptFails", channel: campaign.ChannelEmail,
			sendErr: smtpErr(delivery.Temporary, "421", ""), last: true,
			want: call{Op: "failed", ID: 501, Code: "421"},
		},
		{
			name: "TemporarySMSIsRetried", channel: campaign.ChannelSMS,
			sendErr: &delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Temporary,
				Code: "20429"},
			want: call{Op: "retry", ID: 501, Code: "20429"}, wantErr: campaign.ErrTemporary,
		},
		{
			name: "AmbiguousIsUnknownNotResent", channel: campaign.ChannelEmail,
			sendErr: &delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Ambiguous},
			want:    call{Op: "unknown", ID: 501},
		},
		{
			name: "AmbiguousOnLastAttemptIsStillUnknown", channel: campaign.ChannelSMS,
			sendErr: &delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Ambiguous},
			last:    true, want: call{Op: "unknown", ID: 501},
		},
		{
			name: "UnclassifiedErrorIsUnknown", channel: campaign.ChannelEmail,
			sendErr: errors.New("connection reset"),
			want:    call{Op: "unknown", ID: 501},
		},
		{
			name: "InvalidNumberBouncesSuppressesAndFlags", channel: campaign.ChannelSMS,
			sendErr: &delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Permanent,
				Code: "21211", Detail: "Invalid 'To' Phone Number"},
			want: call{Op: "bounced", ID: 501, Bounce: store.BounceParams{MessageID: 501,
				Status: "bounced", Code: "21211", Detail: "Invalid 'To' Phone Number",
				Suppress: true, Flag: "phone_undeliverable", Source: "sms"}},
		},
		{
			name: "OptedOutNumberFailsWithoutFlagAndWithdrawsConsent", channel: campaign.ChannelSMS,
			sendErr: &delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Permanent,
				Code: "21610"},
			want: call{Op: "bounced", ID: 501, Bounce: store.BounceParams{MessageID: 501,
				Status: "failed", Code: "21610", Source: "sms", WithdrawConsent: true}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ledger := &fakeLedger{msg: message(tc.channel)}
			sender := &fakeSender{err: tc.sendErr}
			var loads int
			err := dispatcher(ledger, sender, &loads).Send(t.Context(), 501, tc.last)
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorIs(t, err, tc.sendErr, "the send error is kept for the log")
			}
			emails, sms := sender.sent()
			if tc.channel == campaign.ChannelEmail {
				require.Len(t, emails, 1)
				require.Empty(t, sms)
			} else {
				require.Len(t, sms, 1)
				require.Empty(t, emails)
			}

			calls := ledger.recorded()
			require.Len(t, calls, 1, "exactly one outcome is recorded: %+v", calls)
			got := calls[0]
			if got.Op == "bounced" {
				require.NotEmpty(t, got.Bounce.FlagDetail, "the outcome is explained in words")
				if tc.want.Bounce.Detail == "" {
					got.Bounce.Detail = ""
				}
				got.Bounce.FlagDetail = ""
			} else if tc.sendErr != nil {
				require.NotEmpty(t, got.Detail)
				require.NotContains(t, got.Detail, "ayse@example.com",
					"the recorded detail is the log-safe error text")
			}
			got.Detail = ""
			require.Equal(t, tc.want, got)
		})
	}
}

func TestDispatcherRefusedClaimSendsNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"AlreadyHandled", store.ErrAlreadyHandled},
		{"Interrupted", store.ErrInterrupted},
		{"NotRunning", store.ErrNotRunning},
		{"Suppressed", fmt.Errorf("message 501: %w", store.ErrSuppressed)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ledger := &fakeLedger{msg: message(campaign.ChannelEmail), claimErr: tc.err}
			sender := &fakeSender{}
			var loads int
			require.NoError(t, dispatcher(ledger, sender, &loads).Send(t.Context(), 501, false))
			emails, sms := sender.sent()
			require.Empty(t, emails)
			require.Empty(t, sms)
			require.Empty(t, ledger.recorded())
			require.Zero(t, loads)
		})
	}

	t.Run("LedgerTroubleIsTemporary", func(t *testing.T) {
		t.Parallel()
		dbErr := errors.New("connection refused")
		ledger := &fakeLedger{claimErr: dbErr}
		sender := &fakeSender{}
		var loads int
		err := dispatcher(ledger, sender, &loads).Send(t.Context(), 501, true)
		require.ErrorIs(t, err, campaign.ErrTemporary)
		require.ErrorIs(t, err, dbErr)
		emails, sms := sender.sent()
		require.Empty(t, emails)
		require.Empty(t, sms)
		require.Empty(t, ledger.recorded())
	})
}

func TestDispatcherEmailIsInTheManagersName(t *testing.T) {
	t.Parallel()
	ledger := &fakeLedger{msg: message(campaign.ChannelEmail)}
	sender := &fakeSender{}
	var loads int
	require.NoError(t, dispatcher(ledger, sender, &loads).Send(t.Context(), 501, false))
	emails, _ := sender.sent()
	require.Len(t, emails, 1)
	m := emails[0]

	require.Equal(t, int64(501), m.MessageID)
	require.Equal(t, "Zeynep Kılıç", m.FromName)
	require.Equal(t, mailFrom, m.FromAddress, "mail leaves from the company's address")
	require.Equal(t, "Zeynep Kılıç", m.ReplyToName)
	require.Equal(t, "zeynep@satis.example.com", m.ReplyTo, "replies reach the manager")
	require.Equal(t, "ayse@example.com", m.To)
	require.Equal(t, "Bahar indirimi başladı: tüm ürünlerde %30", m.Subject)
	require.Contains(t, m.Text, "Merhaba Ayşe,")
	require.Contains(t, m.Text, "Örnek A.Ş. için")
	require.Contains(t, m.Text, testLinks.Unsubscribe(501))
	require.Contains(t, m.HTML, `href="`+testLinks.Unsubscribe(501)+`"`)
	require.Equal(t, testLinks.ListUnsubscribe(501), m.Headers)
}

func TestDispatcherManagerWithoutEmailGetsNoReplyTo(t *testing.T) {
	t.Parallel()
	msg := message(campaign.ChannelEmail)
	msg.OwnerEmail = ""
	ledger := &fakeLedger{msg: msg}
	sender := &fakeSender{}
	var loads int
	require.NoError(t, dispatcher(ledger, sender, &loads).Send(t.Context(), 501, false))
	emails, _ := sender.sent()
	require.Len(t, emails, 1)
	m := emails[0]
	require.Empty(t, m.ReplyTo)
	require.Empty(t, m.ReplyToName, "no Reply-To name without an address")
	require.Equal(t, "Zeynep Kılıç", m.FromName, "the mail is still in the manager's name")
	require.NotContains(t, m.Text, "bana ulaşır", "no promise that replies reach the manager")
	require.NotContains(t, m.HTML, "bana ulaşır")
}

func TestDispatcherSMSCarriesStatusCallback(t *testing.T) {
	t.Parallel()
	ledger := &fakeLedger{msg: message(campaign.ChannelSMS)}
	sender := &fakeSender{}
	var loads int
	require.NoError(t, dispatcher(ledger, sender, &loads).Send(t.Context(), 501, false))
	_, sms := sender.sent()
	require.Len(t, sms, 1)
	require.Equal(t, int64(501), sms[0].MessageID)
	require.Equal(t, "+905321234567", sms[0].To)
	require.Equal(t, publicURL+"/webhooks/twilio/status?message_id=501", sms[0].StatusCallback)
	require.True(t, strings.HasPrefix(sms[0].Body, "Sayın Ayşe, "), sms[0].Body)
	require.Contains(t, sms[0].Body, "Zeynep Kılıç")
}

func TestDispatcherLoadsEachCampaignOnce(t *testing.T) {
	t.Parallel()
	ledger := &fakeLedger{msg: message(campaign.ChannelEmail)}
	sender := &fakeSender{}
	var loads int
	d := dispatcher(ledger, sender, &loads)
	for range 3 {
		require.NoError(t, d.Send(t.Context(), 501, false))
	}
	require.Equal(t, 1, loads)
	require.Len(t, ledger.recorded(), 3)
}

func TestDispatcherUnloadableCampaignIsNotSent(t *testing.T) {
	t.Parallel()
	msg := message(campaign.ChannelEmail)
	msg.CampaignSlug = "deleted-campaign"
	ledger := &fakeLedger{msg: msg}
	sender := &fakeSender{}
	var loads int
	d := dispatcher(ledger, sender, &loads)

	err := d.Send(t.Context(), 501, true)
	require.NoError(t, err)
	emails, sms := sender.sent()
	require.Empty(t, emails)
	require.Empty(t, sms)
	calls := ledger.recorded()
	require.Len(t, calls, 1)
	require.Equal(t, "failed", calls[0].Op)

	require.Error(t, d.Send(t.Context(), 501, false))
	require.Equal(t, 2, loads, "a failed load is not cached")
}
