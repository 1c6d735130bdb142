package delivery_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/devsink"
)

// Test credentials for the fake Twilio account.
const (
	testAccountSID = "AC0123456789abcdef0123456789abcdef"
	testAuthToken  = "f00dfeedf00dfeedf00dfeedf00dfeed"
	testFrom       = "+15005550006"
)

// startSink starts a devsink on free loopback ports and closes it after t.
func startSink(t *testing.T, rules devsink.Rules) *devsink.Sink {
	t.Helper()
	s := devsink.New(devsink.Config{
		SMTPAddr: "127.0.0.1:0", TwilioAddr: "127.0.0.1:0",
		AccountSID: testAccountSID, AuthToken: testAuthToken,
		Rules: rules, CallbackDelay: 1,
	})
	require.NoError(t, s.Start(t.Context()))
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// smtpSender returns a sender for rawURL, closed after t.
func smtpSender(t *testing.T, rawURL string) *delivery.SMTPSender {
	t.Helper()
	s, err := delivery.NewSMTPSender(delivery.SMTPConfig{URL: rawURL, HelloName: "crier.test"})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// twilioSender returns a sender pointed at apiURL.
func twilioSender(t *testing.T, apiURL, token string) *delivery.TwilioSender {
	t.Helper()
	s, err := delivery.NewTwilioSender(delivery.TwilioConfig{
		AccountSID: testAccountSID, AuthToken: token, From: testFrom, APIURL: apiURL,
	})
	require.NoError(t, err)
	return s
}

// callback is one status callback as the test's webhook received it.
type callback struct {
	status, errorCode, sid string
	valid                  bool
}

// callbackReceiver is a webhook that checks each callback's signature with
// twilio-go's RequestValidator and reports it on the returned channel.
func callbackReceiver(t *testing.T) (callbackURL string, got <-chan callback) {
	t.Helper()
	ch := make(chan callback, 16)
	validator := client.NewRequestValidator(testAuthToken)
	var fullURL string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		ch <- callback{
			status: r.PostForm.Get("MessageStatus"), errorCode: r.PostForm.Get("ErrorCode"),
			sid:   r.PostForm.Get("MessageSid"),
			valid: validator.Validate(fullURL, flatten(r.PostForm), r.Header.Get("X-Twilio-Signature")),
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	fullURL = "http://" + srv.Listener.Addr().String() + "/twilio/status?message=42"
	srv.Start() // after fullURL is set: the handler reads it
	t.Cleanup(srv.Close)
	return fullURL, ch
}

// flatten turns form values into the map RequestValidator takes.
func flatten(v url.Values) map[string]string {
	m := make(map[string]string, len(v))
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

// waitCallbacks waits for the sink's pending callbacks.
func waitCallbacks(t *testing.T, s *devsink.Sink) {
	t.Helper()
	require.NoError(t, s.WaitCallbacks(t.Context()))
}

// asDeliveryError asserts err is a *delivery.Error and returns it.
func asDeliveryError(t *testing.T, err error) *delivery.Error {
	t.Helper()
	require.Error(t, err)
	de, ok := err.(*delivery.Error)
	require.Truef(t, ok, "want *delivery.Error, got %T: %v", err, err)
	return de
}

// toValues turns a flat map into url.Values.
func toValues(m map[string]string) url.Values {
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v
}

// jsonError answers with Twilio's JSON error body.
func jsonError(status, code int, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"code":%d,"message":%q,"more_info":"https://www.twilio.com/docs/errors/%d","status":%d}`,
			code, msg, code, status)
	}
}

// htmlError answers with a non-JSON body, as a proxy in front of the API might.
func htmlError(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, "<html><body>Bad Gateway</body></html>")
	}
}
