package delivery

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	mail "github.com/wneessen/go-mail"
)

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url    string
		port   int
		ssl    bool
		policy mail.TLSPolicy
		user   string
	}{
		{"smtp://127.0.0.1:2525", 2525, false, mail.TLSOpportunistic, ""},
		{"smtp://mail.example.com", 587, false, mail.TLSMandatory, ""},
		{"smtp://u:p%40ss@mail.example.com:25?tls=opportunistic", 25, false, mail.TLSOpportunistic, "u"},
		{"smtp://localhost:1025?tls=none", 1025, false, mail.NoTLS, ""},
		{"smtp://localhost?tls=starttls", 587, false, mail.TLSMandatory, ""},
		{"smtps://apikey:secret@smtp.example.com", 465, true, mail.NoTLS, "apikey"},
	}
	for _, tc := range cases {
		ep, err := parseSMTPURL(tc.url)
		require.NoError(t, err, tc.url)
		require.Equal(t, tc.port, ep.port, tc.url)
		require.Equal(t, tc.ssl, ep.ssl, tc.url)
		require.Equal(t, tc.policy, ep.policy, tc.url)
		require.Equal(t, tc.user, ep.user, tc.url)
	}
}

func TestParseSMTPURLErrorsHidePassword(t *testing.T) {
	t.Parallel()
	bad := []string{
		"",
		"http://u:hunter2@mail.example.com",
		"smtp://u:hunter2@:25",
		"smtp://u:hunter2@mail.example.com:99999",
		"smtp://u:hunter2@mail.example.com?tls=maybe",
		"smtp://u:hunter2@mail.example.com?foo=1",
		"smtps://u:hunter2@mail.example.com?tls=none",
		"smtp://u:hunter2@mail.example.com/path",
		"smtp://u:hun/ter2@mail.example.com", // unescaped slash in the password
		"smtp://u:hunter2@mail example.com",
	}
	for _, raw := range bad {
		_, err := parseSMTPURL(raw)
		require.Error(t, err, raw)
		require.Contains(t, err.Error(), "CRIER_SMTP_URL", raw)
		require.NotContains(t, err.Error(), "hunter2", raw)
		require.NotContains(t, err.Error(), "hun/", raw)
		_, err = NewSMTPSender(SMTPConfig{URL: raw})
		require.Error(t, err)
		require.NotContains(t, err.Error(), "hunter2", raw)
	}
}

func TestParseReply(t *testing.T) {
	t.Parallel()
	code, enh, ok := parseReply("550 5.1.1 <a@b>: User unknown")
	require.True(t, ok)
	require.Equal(t, 550, code)
	require.Equal(t, "5.1.1", enh)
	code, enh, ok = parseReply("421 Service not available")
	require.True(t, ok)
	require.Equal(t, 421, code)
	require.Empty(t, enh)
	_, enh, _ = parseReply("550 4.1.1 class mismatch")
	require.Empty(t, enh)
	_, _, ok = parseReply("write: broken pipe")
	require.False(t, ok)
}

func TestErrorTextIsContactFree(t *testing.T) {
	t.Parallel()
	cause := errors.New("550 5.1.1 <ayse@customer.example>: unknown")
	e := &Error{Channel: ChannelEmail, Kind: Permanent, Code: "550", Enhanced: "5.1.1",
		Detail: "550 5.1.1 <ayse@customer.example>: unknown", Err: cause, op: "sending SMTP RCPT TO command"}
	require.Equal(t, "delivery: email permanent failure 550 5.1.1: sending SMTP RCPT TO command", e.Error())
	require.ErrorIs(t, e, cause)
	require.Equal(t, Permanent, KindOf(e))
	require.Equal(t, Ambiguous, KindOf(errors.New("unknown")))
	require.Equal(t, ErrorKind(0), KindOf(nil))
}
