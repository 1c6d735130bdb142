package web_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
	"github.com/crier-dev/crier/internal/web"
)

const (
	recipient = "yok@musteri.example"
	topicARN  = "arn:aws:sns:eu-central-1:123456789012:crier-ses"
	certURL   = "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-abc.pem"
)

// hooks is a store with one e-mail sent to recipient and a server with every
// webhook configured.
type hooks struct {
	ctx       context.Context
	st        *store.Store
	srv       *httptest.Server
	messageID int64
	smtpID    string
	snsKey    *rsa.PrivateKey
	sgKey     *ecdsa.PrivateKey
	confirmed []string
	now       time.Time
}

func setupHooks(t *testing.T) *hooks {
	t.Helper()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	owner, err := st.ManagerEnsure(ctx, "Emre Çetin", contact.FoldTR("Emre Çetin"), "")
	require.NoError(t, err)
	c := contact.Normalize(contact.Input{FirstName: "Ayşe", LastName: "Yılmaz", Email: recipient,
		Phones: []contact.PhoneCell{{Raw: "0532 123 45 67"}}, Owner: "Emre Çetin"}, contact.Options{})
	_, _, err = st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
		OwnerID: owner, Contact: c})
	require.NoError(t, err)
	k, err := st.CampaignLaunch(ctx, "hooks", "Hooks", map[string]string{})
	require.NoError(t, err)
	_, err = st.MessagesPlan(ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	h := &hooks{ctx: ctx, st: st, now: time.Now()}
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT id FROM messages WHERE channel = 'email'`).
		Scan(&h.messageID))
	_, err = st.MessageClaim(ctx, h.messageID)
	require.NoError(t, err)
	h.smtpID = "<crier." + strconv.FormatInt(h.messageID, 10) + ".f00d@example.com.tr>"
	require.NoError(t, st.MessageSent(ctx, h.messageID, h.smtpID))

	h.snsKey, err = rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	cert := selfSigned(t, h.snsKey)
	h.sgKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&h.sgKey.PublicKey)
	require.NoError(t, err)

	handler := web.NewServer(st, web.Config{PublicURL: "http://crier.test", TwilioAuthToken: token,
		Links: campaign.NewLinks("http://crier.test", []byte("key")), Hooks: web.HooksConfig{
			SESTopicARNs: []string{topicARN},
			SNSCerts: func(_ context.Context, url string) (*x509.Certificate, error) {
				require.Equal(t, certURL, url)
				return cert, nil
			},
			SNSConfirm: func(_ context.Context, url string) error {
				h.confirmed = append(h.confirmed, url)
				return nil
			},
			SendGridPublicKey: base64.StdEncoding.EncodeToString(der),
			PostmarkAuth:      "pm:geheim",
			MailgunSigningKey: "mg-key",
			Now:               func() time.Time { return h.now },
		}}, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	h.srv = httptest.NewServer(handler)
	t.Cleanup(h.srv.Close)
	return h
}

func selfSigned(t *testing.T, key *rsa.PrivateKey) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

func (h *hooks) post(t *testing.T, path string, body []byte, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest("POST", h.srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// outcome returns the message's status, whether the recipient is suppressed
// and the open flags of its contact.
func (h *hooks) outcome(t *testing.T) (status string, suppressed bool, flags []string) {
	t.Helper()
	require.NoError(t, h.st.Pool().QueryRow(h.ctx, `SELECT m.status,
		EXISTS (SELECT 1 FROM suppressions WHERE address = m.address),
		ARRAY(SELECT kind FROM contact_flags WHERE contact_id = m.contact_id
			AND resolved_at IS NULL AND kind IN ('email_bounced', 'complaint') ORDER BY kind)
		FROM messages m WHERE m.id = $1`, h.messageID).Scan(&status, &suppressed, &flags))
	return status, suppressed, flags
}

func (h *hooks) requireUntouched(t *testing.T) {
	t.Helper()
	status, suppressed, flags := h.outcome(t)
	require.Equal(t, "sent", status)
	require.False(t, suppressed)
	require.Empty(t, flags)
}

func (h *hooks) requireHardBounce(t *testing.T) {
	t.Helper()
	status, suppressed, flags := h.outcome(t)
	require.Equal(t, "bounced", status)
	require.True(t, suppressed)
	require.Equal(t, []string{"email_bounced"}, flags)
}

func (h *hooks) sns(t *testing.T, typ, message string) map[string]string {
	t.Helper()
	m := map[string]string{"Type": typ, "MessageId": "sns-1", "TopicArn": topicARN,
		"Message": message, "Timestamp": "2026-12-04T04:40:00.000Z", "SignatureVersion": "2",
		"SigningCertURL": certURL}
	canon := "Message\n" + message + "\nMessageId\nsns-1\n"
	if typ == "SubscriptionConfirmation" {
		m["SubscribeURL"] = "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x"
		m["Token"] = "x"
		canon += "SubscribeURL\n" + m["SubscribeURL"] + "\nTimestamp\n" + m["Timestamp"] +
			"\nToken\nx\n"
	} else {
		canon += "Timestamp\n" + m["Timestamp"] + "\n"
	}
	canon += "TopicArn\n" + topicARN + "\nType\n" + typ + "\n"
	digest := sha256.Sum256([]byte(canon))
	sig, err := rsa.SignPKCS1v15(rand.Reader, h.snsKey, crypto.SHA256, digest[:])
	require.NoError(t, err)
	m["Signature"] = base64.StdEncoding.EncodeToString(sig)
	return m
}

func jsonBody(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestSESWebhook(t *testing.T) {
	t.Parallel()
	notification := func(h *hooks) string {
		return `{"notificationType":"Bounce","bounce":{"bounceType":"Permanent",` +
			`"bounceSubType":"General","bouncedRecipients":[{"emailAddress":"` + recipient +
			`","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]},` +
			`"mail":{"messageId":"ses-1","commonHeaders":{"messageId":"` + h.smtpID + `"}}}`
	}

	t.Run("SignedBounceFlags", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		body := jsonBody(t, h.sns(t, "Notification", notification(h)))
		require.Equal(t, http.StatusNoContent, h.post(t, "/webhooks/ses", body, nil))
		h.requireHardBounce(t)
	})
	t.Run("ForgedSignatureChangesNothing", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		m := h.sns(t, "Notification", notification(h))
		m["Message"] = strings.Replace(m["Message"], "5.1.1", "5.1.2", 1)
		require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/ses", jsonBody(t, m), nil))
		h.requireUntouched(t)
	})
	t.Run("CertificateFromElsewhereIsRefused", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		m := h.sns(t, "Notification", notification(h))
		m["SigningCertURL"] = "https://sns.eu-central-1.amazonaws.com.evil.example/c.pem"
		require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/ses", jsonBody(t, m), nil))
		m["SigningCertURL"], m["TopicArn"] = certURL, "arn:aws:sns:eu-central-1:1:other"
		require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/ses", jsonBody(t, m), nil))
		h.requireUntouched(t)
	})
	t.Run("SubscriptionIsConfirmed", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		m := h.sns(t, "SubscriptionConfirmation", "You have chosen to subscribe")
		require.Equal(t, http.StatusNoContent, h.post(t, "/webhooks/ses", jsonBody(t, m), nil))
		require.Equal(t, []string{m["SubscribeURL"]}, h.confirmed)
	})
}

func (h *hooks) sendgrid(t *testing.T, body []byte, at time.Time) http.Header {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	digest := sha256.Sum256(append([]byte(ts), body...))
	sig, err := ecdsa.SignASN1(rand.Reader, h.sgKey, digest[:])
	require.NoError(t, err)
	return http.Header{"X-Twilio-Email-Event-Webhook-Signature": {base64.StdEncoding.EncodeToString(sig)},
		"X-Twilio-Email-Event-Webhook-Timestamp": {ts}}
}

func TestSendGridWebhook(t *testing.T) {
	t.Parallel()
	events := func(h *hooks, event string) []byte {
		return jsonBody(t, []map[string]any{
			{"email": recipient, "event": "open", "sg_event_id": "e0", "smtp-id": h.smtpID},
			{"email": recipient, "event": event, "sg_event_id": "e1", "smtp-id": h.smtpID,
				"status": "5.1.1", "reason": "550 5.1.1 The email account does not exist", "type": "bounce"},
		})
	}

	t.Run("SignedBounceFlags", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		body := events(h, "bounce")
		require.Equal(t, http.StatusNoContent, h.post(t, "/webhooks/sendgrid", body, h.sendgrid(t, body, h.now)))
		h.requireHardBounce(t)
	})
	t.Run("SpamReportSuppressesAndFlagsComplaint", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		body := events(h, "spamreport")
		require.Equal(t, http.StatusNoContent, h.post(t, "/webhooks/sendgrid", body, h.sendgrid(t, body, h.now)))
		status, suppressed, flags := h.outcome(t)
		require.Equal(t, "delivered", status)
		require.True(t, suppressed)
		require.Equal(t, []string{"complaint"}, flags)
	})
	t.Run("BadOrStaleSignatureChangesNothing", func(t *testing.T) {
		t.Parallel()
		h := setupHooks(t)
		body := events(h, "bounce")
		header := h.sendgrid(t, body, h.now)
		tampered := bytes.Replace(body, []byte("5.1.1"), []byte("5.1.2"), 1)
		require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/sendgrid", tampered, header))
		stale := h.sendgrid(t, body, h.now.Add(-time.Hour))
		require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/sendgrid", body, stale))
		require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/sendgrid", body, nil))
		h.requireUntouched(t)
	})
}

func TestPostmarkWebhook(t *testing.T) {
	t.Parallel()
	h := setupHooks(t)
	body := jsonBody(t, map[string]any{"RecordType": "Bounce", "ID": 42, "Type": "HardBounce",
		"Email": recipient, "MessageID": "pm-1", "Description": "The server was unable to deliver",
		"Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist"})
	wrong := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("pm:nope"))}}
	require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/postmark", body, wrong))
	h.requireUntouched(t)
	right := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("pm:geheim"))}}
	require.Equal(t, http.StatusNoContent, h.post(t, "/webhooks/postmark", body, right))
	h.requireHardBounce(t) // matched by recipient: Postmark's MessageID is its own
}

func TestMailgunWebhook(t *testing.T) {
	t.Parallel()
	h := setupHooks(t)
	hook := func(signature string) []byte {
		ts := strconv.FormatInt(h.now.Unix(), 10)
		if signature == "" {
			mac := hmac.New(sha256.New, []byte("mg-key"))
			mac.Write([]byte(ts + "tok"))
			signature = hex.EncodeToString(mac.Sum(nil))
		}
		return jsonBody(t, map[string]any{
			"signature": map[string]string{"timestamp": ts, "token": "tok", "signature": signature},
			"event-data": map[string]any{"id": "mg-1", "event": "failed", "severity": "permanent",
				"recipient": recipient, "delivery-status": map[string]any{"code": 550,
					"message": "5.1.1 No such user here"},
				"message": map[string]any{"headers": map[string]string{
					"message-id": strings.Trim(h.smtpID, "<>")}}},
		})
	}
	require.Equal(t, http.StatusForbidden, h.post(t, "/webhooks/mailgun", hook(strings.Repeat("0", 64)), nil))
	h.requireUntouched(t)
	require.Equal(t, http.StatusNoContent, h.post(t, "/webhooks/mailgun", hook(""), nil))
	h.requireHardBounce(t)
}

func TestUnconfiguredWebhooksAreNotServed(t *testing.T) {
	t.Parallel()
	st, _ := testenv.Store(t)
	srv := httptest.NewServer(web.NewServer(st, web.Config{PublicURL: "http://crier.test",
		Links: campaign.NewLinks("http://crier.test", []byte("key"))},
		slog.New(slog.DiscardHandler)).Handler())
	t.Cleanup(srv.Close)
	for _, path := range []string{"/webhooks/ses", "/webhooks/sendgrid", "/webhooks/postmark",
		"/webhooks/mailgun"} {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
}
