package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/feedback"
)

// mailgunWebhook is one Mailgun webhook call.
type mailgunWebhook struct {
	Signature struct {
		Timestamp string `json:"timestamp"`
		Token     string `json:"token"`
		Signature string `json:"signature"`
	} `json:"signature"`
	EventData json.RawMessage `json:"event-data"`
}

type mailgunEvent struct {
	ID             string `json:"id"`
	Event          string `json:"event"`
	Severity       string `json:"severity"`
	Reason         string `json:"reason"`
	Recipient      string `json:"recipient"`
	DeliveryStatus struct {
		Code        json.Number `json:"code"`
		Message     string      `json:"message"`
		Description string      `json:"description"`
	} `json:"delivery-status"`
	Message struct {
		Headers struct {
			MessageID string `json:"message-id"`
		} `json:"headers"`
	} `json:"message"`
}

// mailgunHook receives Mailgun's webhooks: an HMAC-SHA256 of timestamp and
// token with CRIER_MAILGUN_SIGNING_KEY, with a fresh timestamp.
func (s *Server) mailgunHook(w http.ResponseWriter, r *http.Request) {
	key := s.cfg.Hooks.MailgunSigningKey
	if key == "" {
		http.NotFound(w, r)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var hook mailgunWebhook
	if err := json.Unmarshal(body, &hook); err != nil {
		http.Error(w, "bad webhook", http.StatusBadRequest)
		return
	}
	sig := hook.Signature
	if err := verifyMailgun(key, sig.Timestamp, sig.Token, sig.Signature, s.cfg.Hooks.Now()); err != nil {
		s.refuse(w, r, err.Error())
		return
	}
	var e mailgunEvent
	if err := json.Unmarshal(hook.EventData, &e); err != nil {
		http.Error(w, "bad event-data", http.StatusBadRequest)
		return
	}
	rep, final, ok := mailgunReport(e)
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.applyEvents(w, r, []feedback.Event{{Provider: "mailgun", Report: rep, Final: final,
		Payload: rawJSON(hook.EventData), ID: e.ID}})
}

// mailgunReport maps a Mailgun event onto the classifier; ok is false for
// events that say nothing about delivery.
func mailgunReport(e mailgunEvent) (rep bounce.Report, final, ok bool) {
	ds := e.DeliveryStatus
	switch e.Event {
	case "failed":
		final = e.Severity != "temporary"
		text := strings.TrimSpace(ds.Message + " " + ds.Description)
		rep = bounce.ProviderFailure(e.Recipient, final, ds.Code.String(), text)
		if !final && rep.Class == bounce.HardBounce {
			rep.Class = bounce.SoftBounce
		}
	case "complained":
		rep, final = bounce.ProviderComplaint(e.Recipient, false), true
	case "unsubscribed":
		rep, final = bounce.ProviderComplaint(e.Recipient, true), true
	case "delivered":
		rep, final = bounce.ProviderDelivered(e.Recipient, ds.Message), true
	default:
		return rep, false, false
	}
	if id := strings.Trim(e.Message.Headers.MessageID, "<> "); id != "" {
		rep.MessageID = "<" + id + ">"
	}
	return rep, final, true
}

// verifyMailgun checks Mailgun's signature: hex HMAC-SHA256 of timestamp and
// token.
func verifyMailgun(key, timestamp, token, signature string, now time.Time) error {
	if err := fresh(timestamp, now); err != nil {
		return err
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(timestamp + token))
	want := hex.EncodeToString(mac.Sum(nil))
	if token == "" || !hmac.Equal([]byte(strings.ToLower(signature)), []byte(want)) {
		return errors.New("signature does not verify")
	}
	return nil
}
