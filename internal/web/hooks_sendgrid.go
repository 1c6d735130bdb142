package web

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/feedback"
)

// sendgridEvent is one event of SendGrid's event webhook.
type sendgridEvent struct {
	Email     string `json:"email"`
	Event     string `json:"event"`
	SMTPID    string `json:"smtp-id"`
	EventID   string `json:"sg_event_id"`
	MessageID string `json:"sg_message_id"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	Response  string `json:"response"`
	Type      string `json:"type"` // bounce or blocked, for bounce events
}

// sendgridHook receives SendGrid's signed event webhook: an ECDSA signature
// over the timestamp and the body, checked with CRIER_SENDGRID_WEBHOOK_KEY.
func (s *Server) sendgridHook(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Hooks.SendGridPublicKey == "" {
		http.NotFound(w, r)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	err := verifySendGrid(s.cfg.Hooks.SendGridPublicKey, body,
		r.Header.Get("X-Twilio-Email-Event-Webhook-Signature"),
		r.Header.Get("X-Twilio-Email-Event-Webhook-Timestamp"), s.cfg.Hooks.Now())
	if err != nil {
		s.refuse(w, r, err.Error())
		return
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		http.Error(w, "want a JSON array of events", http.StatusBadRequest)
		return
	}
	var events []feedback.Event
	for _, one := range raw {
		var e sendgridEvent
		if err := json.Unmarshal(one, &e); err != nil {
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		if rep, final, ok := sendgridReport(e); ok {
			events = append(events, feedback.Event{Provider: "sendgrid", Report: rep, Final: final,
				ProviderMessageID: e.MessageID, Payload: one, ID: e.EventID})
		}
	}
	s.applyEvents(w, r, events)
}

// sendgridReport maps an event onto the classifier; ok is false for events
// that say nothing about delivery (processed, open, click).
func sendgridReport(e sendgridEvent) (rep bounce.Report, final, ok bool) {
	switch e.Event {
	case "bounce":
		rep = bounce.ProviderFailure(e.Email, true, e.Status, e.Reason)
		if e.Type == "blocked" && rep.Class == bounce.HardBounce {
			rep.Class, rep.Reason = bounce.SoftBounce, bounce.ReasonBlocked
		}
	case "deferred":
		rep = bounce.ProviderFailure(e.Email, false, "4.0.0", e.Response)
	case "dropped":
		rep, final = sendgridDropped(e), true
	case "spamreport":
		rep, final = bounce.ProviderComplaint(e.Email, false), true
	case "unsubscribe", "group_unsubscribe":
		rep, final = bounce.ProviderComplaint(e.Email, true), true
	case "delivered":
		rep, final = bounce.ProviderDelivered(e.Email, e.Response), true
	default:
		return rep, false, false
	}
	rep.MessageID = strings.TrimSpace(e.SMTPID)
	return rep, final || e.Event == "bounce", true
}

// sendgridDropped reads why SendGrid did not even try: its own suppression
// lists, which mirror an earlier bounce, complaint or unsubscribe.
func sendgridDropped(e sendgridEvent) bounce.Report {
	reason := strings.ToLower(e.Reason)
	switch {
	case strings.Contains(reason, "unsubscribed"):
		return bounce.ProviderComplaint(e.Email, true)
	case strings.Contains(reason, "spam reporting"):
		return bounce.ProviderComplaint(e.Email, false)
	case strings.Contains(reason, "bounced address"), strings.Contains(reason, "invalid"):
		return bounce.ProviderFailure(e.Email, true, "5.1.1", "user unknown ("+e.Reason+")")
	}
	return bounce.ProviderFailure(e.Email, true, "5.0.0", "dropped by the provider: "+e.Reason)
}

// verifySendGrid checks SendGrid's signature: ECDSA (P-256, SHA-256, ASN.1)
// over timestamp + body, with a timestamp no older than maxSignatureAge.
func verifySendGrid(publicKey string, body []byte, signature, timestamp string, now time.Time) error {
	der, err := base64.StdEncoding.DecodeString(publicKey)
	if err != nil {
		return errors.New("CRIER_SENDGRID_WEBHOOK_KEY is not base64")
	}
	parsed, err := x509.ParsePKIXPublicKey(der)
	key, ok := parsed.(*ecdsa.PublicKey)
	if err != nil || !ok {
		return errors.New("CRIER_SENDGRID_WEBHOOK_KEY is not an ECDSA public key")
	}
	if err := fresh(timestamp, now); err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) == 0 {
		return errors.New("signature missing or not base64")
	}
	digest := sha256.Sum256(append([]byte(timestamp), body...))
	if !ecdsa.VerifyASN1(key, digest[:], sig) {
		return errors.New("signature does not verify")
	}
	return nil
}

// fresh checks a Unix timestamp against now.
func fresh(timestamp string, now time.Time) error {
	sec, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return errors.New("timestamp missing")
	}
	age := now.Sub(time.Unix(sec, 0))
	if age > maxSignatureAge || age < -maxSignatureAge {
		return errors.New("timestamp too old or in the future")
	}
	return nil
}
