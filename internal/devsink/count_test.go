package devsink_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/devsink"
)

func TestCountOnlyCountsAndKeepsNothing(t *testing.T) {
	t.Parallel()
	var callbacks atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		callbacks.Add(1)
	}))
	t.Cleanup(hook.Close)
	s := start(t, devsink.Config{CountOnly: true, CallbackDelay: time.Millisecond})

	for _, rcpt := range []string{"a@customer.example", "b@customer.example"} {
		require.NoError(t, sendRaw(t, strings.TrimPrefix(s.SMTPURL(), "smtp://"), rcpt,
			"Subject: x\r\n\r\nbody\r\n"))
	}
	for range 3 {
		status, _ := createSMS(t, s, authToken, url.Values{"To": {"+905321234567"},
			"From": {"CRIER"}, "Body": {"x"}, "StatusCallback": {hook.URL}})
		require.Equal(t, http.StatusCreated, status)
	}
	require.NoError(t, s.WaitCallbacks(t.Context()))

	st := s.Stats()
	require.Equal(t, devsink.Stats{Emails: 2, SMS: 3, Callbacks: 6, FaultSeed: st.FaultSeed}, st,
		"totals only: no per-recipient counts")
	require.Equal(t, int32(6), callbacks.Load(), "sent and delivered for each SMS")
	require.Empty(t, s.Emails())
	require.Empty(t, s.SMS())
	require.Empty(t, s.Callbacks())

	resp, err := http.Get(s.TwilioURL() + devsink.StatsPath)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got devsink.Stats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Equal(t, s.Stats(), got, "another process can watch the counts")
}

func TestCallbacksOfManySMSAreAllPosted(t *testing.T) {
	t.Parallel()
	var callbacks atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		callbacks.Add(1)
	}))
	t.Cleanup(hook.Close)
	s := start(t, devsink.Config{CallbackDelay: time.Millisecond})
	const n = 200 // more than the posters, so the queue is worked in turns
	for range n {
		status, _ := createSMS(t, s, authToken, url.Values{"To": {"+905321234567"},
			"From": {"CRIER"}, "Body": {"x"}, "StatusCallback": {hook.URL}})
		require.Equal(t, http.StatusCreated, status)
	}
	require.NoError(t, s.WaitCallbacks(t.Context()))
	require.Equal(t, int32(2*n), callbacks.Load())
	for _, m := range s.SMS() {
		require.Equal(t, "delivered", m.Status)
	}
}
