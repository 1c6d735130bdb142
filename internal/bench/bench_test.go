package bench

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

func TestRateIsOverTheSendSpan(t *testing.T) {
	t.Parallel()
	first := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)
	require.InDelta(t, 1000.0, rate(store.SendSpan{Sent: 2001, First: first,
		Last: first.Add(2 * time.Second)}), 0.001)
	require.Zero(t, rate(store.SendSpan{Sent: 1, First: first, Last: first}), "one send has no rate")
	require.Zero(t, rate(store.SendSpan{}))
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, WriteTable(&b, Result{Recipients: 100, Workers: 1, Concurrency: 8,
		Plan: 1500 * time.Millisecond, Enqueued: 200, EnqueueRate: 4000, EmailSent: 100,
		EmailRate: 900, SMSSent: 100, SMSRate: 300, LastCallback: 3 * time.Second,
		SinkEmails: 100, SinkSMS: 100, CeilingSMTP: 1000, CeilingSMS: 500, CeilingConns: 4,
		RSS: []ProcessRSS{{Name: "worker 1", Bytes: 40 << 20}}}))
	out := b.String()
	require.Contains(t, out, "100 recipients (e-mail + SMS each), 1 worker(s), concurrency 8")
	require.Regexp(t, `plan \(both channels\)\s+1\.50 s\s+200 rows`, out)
	require.Regexp(t, `e-mail send\s+900 /s\s+90% of ceiling, 100 sent, sink got 100`, out)
	require.Regexp(t, `SMS send\s+300 /s\s+60% of ceiling`, out)
	require.Regexp(t, `peak RSS worker 1\s+40 MB`, out)
}

func TestPeakRSSOfThisProcess(t *testing.T) {
	t.Parallel()
	n, err := peakRSSOf(os.Getpid())
	require.NoError(t, err)
	require.Greater(t, n, int64(1<<20), "a Go test binary holds more than a megabyte")
	_, err = peakRSSOf(-1)
	require.Error(t, err)
}
