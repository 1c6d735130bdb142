package devsink_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/devsink"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	f, err := devsink.ParseFaults(" smtp-temp-fail=0.2, smtp-drop=0.05,smtp-lost-reply=0.01," +
		"twilio-429=0.1,twilio-500=1,retry-after=3s,seed=7")
	require.NoError(t, err)
	require.Equal(t, devsink.Faults{Seed: 7, SMTPTempFail: 0.2, SMTPDrop: 0.05, SMTPLostReply: 0.01,
		TwilioTooMany: 0.1, TwilioServerError: 1, RetryAfter: 3 * time.Second}, f)

	f, err = devsink.ParseFaults("")
	require.NoError(t, err)
	require.Zero(t, f)

	for spec, want := range map[string]string{
		"smtp-drop":          "want key=value",
		"smtp-drop=1.5":      "smtp-drop: want a fraction",
		"smtp-drop=-0.1":     "smtp-drop: want a fraction",
		"explode=0.1":        "explode: unknown key",
		"seed=0":             "seed: want a positive integer",
		"retry-after=soon":   "retry-after: want a duration",
		"twilio-429=lots,x=": "twilio-429: want a fraction",
	} {
		_, err := devsink.ParseFaults(spec)
		require.ErrorContains(t, err, want, spec)
	}
}

// sendOnce sends one mail on a fresh connection and says how it ended: "ok",
// or the SMTP code of a refusal, or "dropped" when the connection broke.
func sendOnce(t *testing.T, addr, rcpt string) string {
	t.Helper()
	c, err := smtp.Dial(addr)
	require.NoError(t, err)
	defer func() { _ = c.Close() }()
	require.NoError(t, c.Hello("test.localhost"))
	end := func(err error) string {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			if se.Code == 421 {
				// The server closes the channel after a 421.
				require.Error(t, c.Noop(), "connection still open after 421")
			}
			return fmt.Sprint(se.Code)
		}
		return "dropped"
	}
	if err := c.Mail("a@x.example", nil); err != nil {
		return end(err)
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return end(err)
	}
	w, err := c.Data()
	if err != nil {
		return end(err)
	}
	msg := "From: a@x.example\r\nTo: " + rcpt + "\r\nSubject: hi\r\n\r\n" +
		strings.Repeat("Hello.\r\n", 100)
	if _, err := io.WriteString(w, msg); err != nil {
		return "dropped"
	}
	if err := w.Close(); err != nil {
		return end(err)
	}
	return "ok"
}

func TestSMTPFaults(t *testing.T) {
	t.Parallel()
	s := start(t, devsink.Config{Faults: devsink.Faults{Seed: 42, SMTPTempFail: 0.2, SMTPDrop: 0.1}})
	addr := strings.TrimPrefix(s.SMTPURL(), "smtp://")
	ends := map[string]int{}
	for i := range 300 {
		ends[sendOnce(t, addr, fmt.Sprintf("r%d@x.example", i))]++
	}
	t.Logf("300 sends: %v; faults %+v", ends, s.FaultCounts())

	require.Len(t, s.Emails(), ends["ok"], "only mails answered 250 are kept")
	fc := s.FaultCounts()
	require.EqualValues(t, ends["421"]+ends["451"], fc.SMTPTempFail)
	require.EqualValues(t, ends["dropped"], fc.SMTPDrop)
	require.Positive(t, ends["421"])
	require.Positive(t, ends["451"])
	require.Positive(t, fc.SMTPDropData, "some drops come mid-DATA")
	require.Less(t, fc.SMTPDropData, fc.SMTPDrop, "others at MAIL or RCPT")
	require.Equal(t, uint64(42), s.FaultSeed())
}

func TestSMTPLostReplyKeepsTheMail(t *testing.T) {
	t.Parallel()
	s := start(t, devsink.Config{Faults: devsink.Faults{SMTPLostReply: 1}})
	addr := strings.TrimPrefix(s.SMTPURL(), "smtp://")
	require.Equal(t, "dropped", sendOnce(t, addr, "b@x.example"))
	require.Len(t, s.Emails(), 1, "the mail arrived though the sender saw no 250")
	require.EqualValues(t, 1, s.FaultCounts().SMTPLostReply)
}

func TestTwilioFaults(t *testing.T) {
	t.Parallel()
	s := start(t, devsink.Config{Faults: devsink.Faults{TwilioTooMany: 1,
		RetryAfter: 1500 * time.Millisecond}})
	form := url.Values{"To": {"+905321234567"}, "From": {"+1"}, "Body": {"x"}}
	u := s.TwilioURL() + "/2010-04-01/Accounts/" + accountSID + "/Messages.json"
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(accountSID, authToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, "2", resp.Header.Get("Retry-After"), "rounded up to whole seconds")
	require.EqualValues(t, 20429, body["code"])

	s5 := start(t, devsink.Config{Faults: devsink.Faults{TwilioServerError: 1}})
	status, body := createSMS(t, s5, authToken, form)
	require.Equal(t, http.StatusInternalServerError, status)
	require.EqualValues(t, 20500, body["code"])

	require.Empty(t, s.SMS())
	require.Empty(t, s5.SMS())
	require.EqualValues(t, 1, s.FaultCounts().TwilioTooMany)
	require.EqualValues(t, 1, s5.FaultCounts().TwilioServer)
}

func TestStatsEndpoint(t *testing.T) {
	t.Parallel()
	s := start(t, devsink.Config{})
	addr := strings.TrimPrefix(s.SMTPURL(), "smtp://")
	require.Equal(t, "ok", sendOnce(t, addr, "B@x.example"))
	require.Equal(t, "ok", sendOnce(t, addr, "b@x.example"))
	status, _ := createSMS(t, s, authToken,
		url.Values{"To": {"+905321234567"}, "From": {"+1"}, "Body": {"x"}})
	require.Equal(t, http.StatusCreated, status)

	resp, err := http.Get(s.TwilioURL() + devsink.StatsPath)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var st devsink.Stats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	require.Equal(t, map[string]int{"b@x.example": 2}, st.EmailsTo)
	require.Equal(t, map[string]int{"+905321234567": 1}, st.SMSTo)
	require.EqualValues(t, 2, st.Emails)
	require.EqualValues(t, 1, st.SMS)
	require.Equal(t, map[string]int{"queued": 1}, st.SMSStatus)
	require.Equal(t, s.FaultSeed(), st.FaultSeed)
}
