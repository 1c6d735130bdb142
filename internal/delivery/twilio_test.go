package delivery_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/devsink"
)

func TestSendSMSDeliveredWithValidSignature(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	cbURL, got := callbackReceiver(t)
	rcpt, err := twilioSender(t, sink.TwilioURL(), testAuthToken).SendSMS(t.Context(), delivery.SMS{
		MessageID: 7, To: "+905321234567", Body: "Büyük indirim yarın başlıyor!", StatusCallback: cbURL,
	})
	require.NoError(t, err)
	require.Regexp(t, `^SM[0-9a-f]{32}$`, rcpt.ProviderID)

	sms := sink.SMS()
	require.Len(t, sms, 1)
	require.Equal(t, rcpt.ProviderID, sms[0].SID)
	require.Equal(t, "+905321234567", sms[0].To)
	require.Equal(t, testFrom, sms[0].From)
	require.Equal(t, "Büyük indirim yarın başlıyor!", sms[0].Body)

	waitCallbacks(t, sink)
	for _, want := range []string{"sent", "delivered"} {
		cb := <-got
		require.Equal(t, want, cb.status)
		require.Equal(t, rcpt.ProviderID, cb.sid)
		require.True(t, cb.valid, "twilio-go's RequestValidator must accept the signature")
	}
	results := sink.Callbacks()
	require.Len(t, results, 2)
	require.Equal(t, http.StatusNoContent, results[1].HTTPStatus)
	require.Equal(t, "delivered", sink.SMS()[0].Status)
}

func TestSendSMSUndeliveredCallback(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{UndeliveredNumbers: map[string]int{"+905320000003": 30003}})
	cbURL, got := callbackReceiver(t)
	_, err := twilioSender(t, sink.TwilioURL(), testAuthToken).SendSMS(t.Context(), delivery.SMS{
		To: "+905320000003", Body: "Sale!", StatusCallback: cbURL,
	})
	require.NoError(t, err, "the API accepts; failure comes later by callback")
	waitCallbacks(t, sink)
	require.Equal(t, "sent", (<-got).status)
	final := <-got
	require.Equal(t, "undelivered", final.status)
	require.Equal(t, "30003", final.errorCode)
	require.True(t, final.valid)
}

func TestForgedSignatureDoesNotValidate(t *testing.T) {
	t.Parallel()
	params := map[string]string{"MessageSid": "SM1", "MessageStatus": "delivered", "To": "+905321234567"}
	u := "https://crier.example/twilio/status?message=42"
	good := devsink.Sign(testAuthToken, u, toValues(params))
	v := client.NewRequestValidator(testAuthToken)
	require.True(t, v.Validate(u, params, good))

	forged := devsink.Sign("not-the-token", u, toValues(params))
	require.False(t, v.Validate(u, params, forged), "signed with another token")
	require.False(t, v.Validate(u+"&x=1", params, good), "different URL")
	tampered := map[string]string{"MessageSid": "SM1", "MessageStatus": "failed", "To": "+905321234567"}
	require.False(t, v.Validate(u, tampered, good), "tampered parameters")
	require.False(t, v.Validate(u, params, ""), "missing signature")
}

func TestSendSMSRejectedNumbersArePermanent(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{RejectNumbers: map[string]int{
		"+15005550001": 21211, "+15005550009": 21614, "+15005550010": 21610,
	}})
	sender := twilioSender(t, sink.TwilioURL(), testAuthToken)
	for number, code := range map[string]string{"+15005550001": "21211", "+15005550009": "21614", "+15005550010": "21610"} {
		_, err := sender.SendSMS(t.Context(), delivery.SMS{To: number, Body: "Sale!"})
		de := asDeliveryError(t, err)
		require.Equal(t, delivery.Permanent, de.Kind, code)
		require.Equal(t, code, de.Code)
		require.Equal(t, delivery.ChannelSMS, de.Channel)
		require.NotEmpty(t, de.Detail)
		require.NotContains(t, de.Error(), number, "Error() must not carry the number")
	}
	require.Empty(t, sink.SMS())
}

func TestSendSMSWrongTokenIsConfig(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	_, err := twilioSender(t, sink.TwilioURL(), "wrongtoken").SendSMS(t.Context(), delivery.SMS{To: "+905321234567", Body: "x"})
	de := asDeliveryError(t, err)
	require.Equal(t, delivery.Config, de.Kind)
	require.Equal(t, "20003", de.Code)
}

func TestSendSMSMessagingService(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	sender, err := delivery.NewTwilioSender(delivery.TwilioConfig{
		AccountSID: testAccountSID, AuthToken: testAuthToken, APIURL: sink.TwilioURL(),
		MessagingServiceSID: "MG0123456789abcdef0123456789abcdef",
	})
	require.NoError(t, err)
	_, err = sender.SendSMS(t.Context(), delivery.SMS{To: "+905321234567", Body: "Sale!"})
	require.NoError(t, err)
	got := sink.SMS()[0]
	require.Equal(t, "MG0123456789abcdef0123456789abcdef", got.MessagingServiceSID)
	require.Empty(t, got.From)
}

func TestSendSMSHTTPFailures(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		handler http.HandlerFunc
		kind    delivery.ErrorKind
		code    string
	}{
		"503 with Twilio JSON": {jsonError(503, 20503, "Service unavailable"), delivery.Temporary, "20503"},
		"429 too many":         {jsonError(429, 20429, "Too Many Requests"), delivery.Temporary, "20429"},
		"502 HTML":             {htmlError(502), delivery.Temporary, ""},
		"400 unknown code":     {jsonError(400, 21602, "Message body is required."), delivery.Config, "21602"},
		"201 garbage":          {htmlError(201), delivery.Ambiguous, ""},
		"dropped after request": {func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}, delivery.Ambiguous, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			_, err := twilioSender(t, srv.URL, testAuthToken).SendSMS(t.Context(), delivery.SMS{To: "+905321234567", Body: "x"})
			de := asDeliveryError(t, err)
			require.Equal(t, tc.kind, de.Kind, "%v", err)
			require.Equal(t, tc.code, de.Code)
		})
	}
}

func TestSendSMSConnectionRefusedIsTemporary(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	_, err = twilioSender(t, "http://"+addr, testAuthToken).SendSMS(t.Context(), delivery.SMS{To: "+905321234567", Body: "x"})
	require.Equal(t, delivery.Temporary, asDeliveryError(t, err).Kind)
}

func TestSendSMSInvalidInput(t *testing.T) {
	t.Parallel()
	sender := twilioSender(t, "http://127.0.0.1:1", testAuthToken)
	_, err := sender.SendSMS(t.Context(), delivery.SMS{To: "05321234567", Body: "x"})
	require.Equal(t, delivery.Permanent, asDeliveryError(t, err).Kind)
	_, err = sender.SendSMS(t.Context(), delivery.SMS{To: "+905321234567", Body: " "})
	require.Equal(t, delivery.Config, asDeliveryError(t, err).Kind)
	_, err = sender.SendSMS(t.Context(), delivery.SMS{To: "+905321234567", Body: "x", StatusCallback: "/relative"})
	require.Equal(t, delivery.Config, asDeliveryError(t, err).Kind)
}

func TestNewTwilioSenderValidates(t *testing.T) {
	t.Parallel()
	_, err := delivery.NewTwilioSender(delivery.TwilioConfig{AccountSID: testAccountSID, AuthToken: testAuthToken})
	require.Error(t, err, "no From and no messaging service")
	_, err = delivery.NewTwilioSender(delivery.TwilioConfig{AuthToken: testAuthToken, From: testFrom})
	require.Error(t, err, "no account SID")
	_, err = delivery.NewTwilioSender(delivery.TwilioConfig{
		AccountSID: testAccountSID, AuthToken: testAuthToken, From: testFrom, APIURL: "ftp://x",
	})
	require.Error(t, err)
}

func TestSendSMSTooManyRequestsSaysHowLongToWait(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3")
		jsonError(429, 20429, "Too Many Requests")(w, r)
	}))
	t.Cleanup(srv.Close)
	_, err := twilioSender(t, srv.URL, testAuthToken).SendSMS(t.Context(),
		delivery.SMS{To: "+905321234567", Body: "x"})
	de := asDeliveryError(t, err)
	require.True(t, de.SlowDown(), "429 asks the sender to slow down")
	require.Equal(t, 3*time.Second, de.RetryAfter)
}

func TestErrorSlowDown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  delivery.Error
		slow bool
	}{
		{delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Temporary, Code: "421"}, true},
		{delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Temporary, Code: "451"}, true},
		{delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Temporary, Code: "452"}, true},
		{delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Temporary, Code: "441"}, false},
		{delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Temporary}, false},
		{delivery.Error{Channel: delivery.ChannelEmail, Kind: delivery.Permanent, Code: "550"}, false},
		{delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Temporary, Code: "20429"}, true},
		{delivery.Error{Channel: delivery.ChannelSMS, Kind: delivery.Temporary, Code: "20503"}, false},
	} {
		require.Equal(t, tc.slow, tc.err.SlowDown(), "%s", tc.err.Error())
	}
}
