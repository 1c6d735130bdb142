package devsink_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"github.com/crier-dev/crier/internal/devsink"
)

const (
	accountSID = "AC00000000000000000000000000000001"
	authToken  = "0123456789abcdef0123456789abcdef"
)

// start runs a sink on free ports until the test ends.
func start(t *testing.T, cfg devsink.Config) *devsink.Sink {
	t.Helper()
	cfg.SMTPAddr, cfg.TwilioAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.AccountSID, cfg.AuthToken = accountSID, authToken
	s := devsink.New(cfg)
	require.NoError(t, s.Start(t.Context()))
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// createSMS posts to the fake Messages API with the given credentials.
func createSMS(t *testing.T, s *devsink.Sink, token string, form url.Values) (int, map[string]any) {
	t.Helper()
	u := s.TwilioURL() + "/2010-04-01/Accounts/" + accountSID + "/Messages.json"
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(accountSID, token)
	return doJSON(t, req)
}

// doJSON runs req and decodes the JSON answer.
func doJSON(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestTwilioCreateAndFetch(t *testing.T) {
	t.Parallel()
	s := start(t, devsink.Config{})
	status, body := createSMS(t, s, authToken, url.Values{"To": {"+905321234567"}, "From": {"+15005550006"}, "Body": {"Merhaba"}})
	require.Equal(t, http.StatusCreated, status)
	sid, _ := body["sid"].(string)
	require.Regexp(t, `^SM[0-9a-f]{32}$`, sid)
	require.Equal(t, "queued", body["status"])
	require.Equal(t, "+905321234567", body["to"])
	require.Equal(t, "1", body["num_segments"])
	_, err := time.Parse(time.RFC1123Z, body["date_created"].(string))
	require.NoError(t, err)
	require.Equal(t, "/2010-04-01/Accounts/"+accountSID+"/Messages/"+sid+".json", body["uri"])

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.TwilioURL()+body["uri"].(string), nil)
	require.NoError(t, err)
	req.SetBasicAuth(accountSID, authToken)
	status, fetched := doJSON(t, req)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, sid, fetched["sid"])
	require.Zero(t, s.CallbacksPending(), "no StatusCallback, no callbacks")
}

func TestTwilioErrors(t *testing.T) {
	t.Parallel()
	s := start(t, devsink.Config{Rules: devsink.Rules{RejectNumbers: map[string]int{"+15005550001": 21211}}})
	status, body := createSMS(t, s, "wrong", url.Values{"To": {"+905321234567"}, "From": {"+1"}, "Body": {"x"}})
	require.Equal(t, http.StatusUnauthorized, status)
	require.EqualValues(t, 20003, body["code"])

	status, body = createSMS(t, s, authToken, url.Values{"To": {"+15005550001"}, "From": {"+1"}, "Body": {"x"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.EqualValues(t, 21211, body["code"])
	require.EqualValues(t, 400, body["status"])
	require.Equal(t, "The 'To' number +15005550001 is not a valid phone number.", body["message"])
	require.Equal(t, "https://www.twilio.com/docs/errors/21211", body["more_info"])

	status, body = createSMS(t, s, authToken, url.Values{"To": {"+905321234567"}, "Body": {"x"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.EqualValues(t, 21603, body["code"])
	require.Empty(t, s.SMS())
}

func TestSignIsAcceptedByTwilioValidator(t *testing.T) {
	t.Parallel()
	params := url.Values{"MessageSid": {"SMx"}, "MessageStatus": {"delivered"}, "AccountSid": {accountSID}, "To": {"+1"}}
	for _, u := range []string{"https://crier.example/hook?a=1&b=2", "http://127.0.0.1:8080/twilio/status"} {
		sig := devsink.Sign(authToken, u, params)
		v := client.NewRequestValidator(authToken)
		flat := map[string]string{}
		for k := range params {
			flat[k] = params.Get(k)
		}
		require.True(t, v.Validate(u, flat, sig), u)
		flat["MessageStatus"] = "failed"
		require.False(t, v.Validate(u, flat, sig), u)
	}
}

func TestCallbacksAreRetriedOn5xx(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(hook.Close)
	s := start(t, devsink.Config{CallbackDelay: time.Millisecond})
	status, _ := createSMS(t, s, authToken, url.Values{
		"To": {"+905321234567"}, "MessagingServiceSid": {"MG1"}, "Body": {"x"}, "StatusCallback": {hook.URL + "/cb"},
	})
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, 2, s.CallbacksPending())
	require.NoError(t, s.WaitCallbacks(t.Context()))
	res := s.Callbacks()
	require.Len(t, res, 2)
	require.Equal(t, "sent", res[0].Status)
	require.Equal(t, 2, res[0].Attempts)
	require.Equal(t, http.StatusOK, res[0].HTTPStatus)
	require.Equal(t, "delivered", res[1].Status)
	require.Equal(t, 1, res[1].Attempts)
	require.Equal(t, devsink.Sign(authToken, hook.URL+"/cb", res[1].Params), res[1].Signature)
}

func TestCloseAbandonsPendingCallbacks(t *testing.T) {
	t.Parallel()
	s := devsink.New(devsink.Config{
		SMTPAddr: "127.0.0.1:0", TwilioAddr: "127.0.0.1:0", AccountSID: accountSID, AuthToken: authToken,
		CallbackDelay: time.Hour,
	})
	require.NoError(t, s.Start(t.Context()))
	status, _ := createSMS(t, s, authToken, url.Values{
		"To": {"+905321234567"}, "From": {"+1"}, "Body": {"x"}, "StatusCallback": {"http://127.0.0.1:1/cb"},
	})
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, 2, s.CallbacksPending())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.Error(t, s.WaitCallbacks(ctx))
	require.NoError(t, s.Close())
	require.Zero(t, s.CallbacksPending())
	require.NoError(t, s.WaitCallbacks(t.Context()))
}

func TestSMTPAcceptsBouncesAndWritesEML(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, devsink.Config{Dir: dir, Rules: devsink.Rules{BounceEmails: map[string]bool{"gone@x.example": true}}})
	addr := strings.TrimPrefix(s.SMTPURL(), "smtp://")
	msg := "From: A <a@x.example>\r\nTo: b@x.example\r\nMessage-ID: <m1@x.example>\r\nSubject: hi\r\n\r\nHello\r\n"
	err := sendRaw(t, addr, "b@x.example", msg)
	require.NoError(t, err)
	err = sendRaw(t, addr, "GONE@x.example", msg)
	var smtpErr *smtp.SMTPError
	require.ErrorAs(t, err, &smtpErr)
	require.Equal(t, 550, smtpErr.Code)
	require.Equal(t, smtp.EnhancedCode{5, 1, 1}, smtpErr.EnhancedCode)
	require.Contains(t, smtpErr.Message, "User unknown")

	mails := s.Emails()
	require.Len(t, mails, 1)
	require.Equal(t, "b@x.example", mails[0].To)
	require.Equal(t, "a@x.example", mails[0].MailFrom)
	require.Equal(t, "<m1@x.example>", mails[0].MessageID)
	text, html, err := mails[0].TextAndHTML()
	require.NoError(t, err)
	require.Equal(t, "Hello\r\n", text)
	require.Empty(t, html)
	raw, err := os.ReadFile(filepath.Join(dir, "000001.eml"))
	require.NoError(t, err)
	require.Equal(t, msg, string(raw))
}

func TestLoadRules(t *testing.T) {
	t.Parallel()
	rules, err := devsink.LoadRules(strings.NewReader(`
# comment
bounce Nobody@Example.com
reject +15005550001 21614
reject +15005550002
undelivered +15005550006 30005
undelivered +15005550007
`))
	require.NoError(t, err)
	require.True(t, rules.BounceEmails["nobody@example.com"])
	require.Equal(t, map[string]int{"+15005550001": 21614, "+15005550002": 21211}, rules.RejectNumbers)
	require.Equal(t, map[string]int{"+15005550006": 30005, "+15005550007": 30003}, rules.UndeliveredNumbers)

	for _, bad := range []string{"bounce", "bounce not-an-address", "reject 15005550001", "reject +1 abc", "explode +1", "bounce a@b c"} {
		_, err := devsink.LoadRules(strings.NewReader("# first\n" + bad))
		require.ErrorContains(t, err, "line 2", bad)
	}
}

// sendRaw sends msg to rcpt over plain SMTP with AUTH PLAIN, as go-mail does
// when CRIER_SMTP_URL carries credentials.
func sendRaw(t *testing.T, addr, rcpt, msg string) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	require.NoError(t, err)
	defer func() { _ = c.Close() }()
	require.NoError(t, c.Hello("test.localhost"))
	require.NoError(t, c.Auth(sasl.NewPlainClient("", "user", "pass")))
	require.NoError(t, c.Mail("a@x.example", nil))
	if err := c.Rcpt(rcpt, nil); err != nil {
		return err
	}
	w, err := c.Data()
	require.NoError(t, err)
	_, err = io.WriteString(w, msg)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return c.Quit()
}
