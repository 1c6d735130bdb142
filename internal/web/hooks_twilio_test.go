package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/devsink"
)

// inbound posts a signed inbound SMS and returns the status and TwiML reply.
func (b *bundle) inbound(t *testing.T, body string) (int, string) {
	t.Helper()
	target := b.publicURL + "/webhooks/twilio/sms"
	params := url.Values{"MessageSid": {"SMin" + strings.ToUpper(body)}, "From": {"+905321234567"},
		"To": {"+908505550000"}, "Body": {body}}
	req, err := http.NewRequest("POST", target, strings.NewReader(params.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", devsink.Sign(token, target, params))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(reply)
}

func (b *bundle) consentSMS(t *testing.T) (bool, string) {
	t.Helper()
	var consent bool
	var source string
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT consent_sms, consent_source
		FROM contacts WHERE id = $1`, b.contactID).Scan(&consent, &source))
	return consent, source
}

func TestTwilioInboundSMS(t *testing.T) {
	t.Parallel()
	b := setup(t)

	code, reply := b.inbound(t, "merhaba, indirim ne zaman?")
	require.Equal(t, http.StatusOK, code)
	require.NotContains(t, reply, "<Message>", "ordinary replies are not answered")
	consent, _ := b.consentSMS(t)
	require.True(t, consent)

	code, reply = b.inbound(t, "iptal")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, reply, "BAŞLA", "a Turkish keyword gets a Turkish answer")
	consent, source := b.consentSMS(t)
	require.False(t, consent)
	require.Equal(t, "sms_keyword", source)
	var flags int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM contact_flags
		WHERE contact_id = $1 AND kind = 'opt_out'`, b.contactID).Scan(&flags))
	require.Zero(t, flags, "opting out is no data-quality flag")

	_, _ = b.inbound(t, "Başla")
	consent, _ = b.consentSMS(t)
	require.True(t, consent)

	_, _ = b.inbound(t, "STOP")
	consent, _ = b.consentSMS(t)
	require.False(t, consent)

	var events int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM events
		WHERE provider = 'twilio' AND kind IN ('inbound_sms', 'opt_out', 'opt_in')`).Scan(&events))
	require.Equal(t, 4, events, "every inbound SMS is kept")
}

func TestTwilioInboundSMSRefusesForgeries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	params := url.Values{"From": {"+905321234567"}, "Body": {"STOP"}}
	req, err := http.NewRequest("POST", b.publicURL+"/webhooks/twilio/sms",
		strings.NewReader(params.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", devsink.Sign("wrong", b.publicURL+"/webhooks/twilio/sms", params))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	consent, _ := b.consentSMS(t)
	require.True(t, consent)
}

func TestTwilioStatusOutcomeTable(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]struct{ status, flag string }{
		"30005": {"bounced", "phone_undeliverable"}, // unknown number: hard
		"30006": {"bounced", "phone_undeliverable"}, // landline: hard
		"30007": {"failed", ""},                     // carrier filtering: not the contact's fault
		"30008": {"failed", ""},                     // unknown error: soft, counted
	} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			params := undelivered()
			params.Set("ErrorCode", code)
			require.Equal(t, http.StatusNoContent, b.callback(t, params, token))
			require.Equal(t, want.status, b.status(t))
			var flag string
			_ = b.st.Pool().QueryRow(b.ctx, `SELECT kind FROM contact_flags WHERE contact_id = $1
				AND kind = 'phone_undeliverable' AND resolved_at IS NULL`, b.contactID).Scan(&flag)
			require.Equal(t, want.flag, flag)
		})
	}
}
