package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/metrics"
)

type fakeLedger struct{ err error }

func (l fakeLedger) MessageCounts(context.Context) ([]metrics.LedgerCount, error) {
	return []metrics.LedgerCount{
		{Channel: "email", Status: "sent", Count: 90},
		{Channel: "email", Status: "bounced", Reason: "550 5.1.1", Count: 7},
		{Channel: "sms", Status: "skipped", Reason: "not_mobile", Count: 3},
	}, l.err
}

type fakeQueue struct{}

func (fakeQueue) GetQueueInfo(name string) (*asynq.QueueInfo, error) {
	if name == "crier:sms" {
		return nil, errors.New("queue not found")
	}
	return &asynq.QueueInfo{Queue: name, Pending: 12, Active: 4, Retry: 1,
		Latency: 1500 * time.Millisecond}, nil
}

type fakeSender struct{ err error }

func (s fakeSender) SendEmail(context.Context, delivery.Email) (delivery.Receipt, error) {
	return delivery.Receipt{ProviderID: "<x>"}, s.err
}

func (s fakeSender) SendSMS(context.Context, delivery.SMS) (delivery.Receipt, error) {
	return delivery.Receipt{ProviderID: "SM1"}, s.err
}

func scrape(t *testing.T, r *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, 200, rec.Code)
	body, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(body)
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	r := metrics.New(fakeLedger{}, fakeQueue{}, []string{"crier:email", "crier:sms"},
		slog.New(slog.DiscardHandler))

	_, err := r.Email(fakeSender{}).SendEmail(t.Context(), delivery.Email{})
	require.NoError(t, err)
	permanent := &delivery.Error{Channel: "sms", Kind: delivery.Permanent, Code: "21211"}
	_, err = r.SMS(fakeSender{err: permanent}).SendSMS(t.Context(), delivery.SMS{})
	require.ErrorIs(t, err, permanent, "the wrapper hands errors on unchanged")

	out := scrape(t, r)
	for _, want := range []string{
		`crier_messages{channel="email",reason="",status="sent"} 90`,
		`crier_messages{channel="email",reason="550 5.1.1",status="bounced"} 7`,
		`crier_messages{channel="sms",reason="not_mobile",status="skipped"} 3`,
		`crier_queue_tasks{queue="crier:email",state="pending"} 12`,
		`crier_queue_tasks{queue="crier:email",state="active"} 4`,
		`crier_queue_latency_seconds{queue="crier:email"} 1.5`,
		`crier_scrape_error{source="ledger"} 0`,
		`crier_sends_total{channel="email",result="ok"} 1`,
		`crier_sends_total{channel="sms",result="error"} 1`,
		`crier_provider_errors_total{channel="sms",kind="` + delivery.Permanent.String() + `"} 1`,
		`crier_send_duration_seconds_count{channel="email"} 1`,
		`process_resident_memory_bytes`,
	} {
		require.Contains(t, out, want)
	}
	require.NotContains(t, out, `queue="crier:sms"`, "a queue not in Redis yet is left out")
}

func TestMetricsLedgerFailureIsReported(t *testing.T) {
	t.Parallel()
	r := metrics.New(fakeLedger{err: errors.New("db down")}, nil, nil, slog.New(slog.DiscardHandler))
	out := scrape(t, r)
	require.True(t, strings.Contains(out, `crier_scrape_error{source="ledger"} 1`), out)
}
