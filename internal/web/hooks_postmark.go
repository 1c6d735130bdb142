package web

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/feedback"
)

// postmarkEvent is one Postmark webhook call: a bounce, spam complaint,
// delivery or subscription change.
type postmarkEvent struct {
	RecordType        string
	ID                json.Number
	Type              string // of a bounce: HardBounce, SoftBounce, Transient, ...
	Email             string // bounces and complaints
	Recipient         string // deliveries and subscription changes
	MessageID         string
	Description       string
	Details           string
	SuppressSending   bool
	SuppressionReason string
}

// postmarkHook receives Postmark's webhooks, authenticated with the basic
// auth user and password of CRIER_POSTMARK_WEBHOOK_AUTH.
func (s *Server) postmarkHook(w http.ResponseWriter, r *http.Request) {
	want := s.cfg.Hooks.PostmarkAuth
	if want == "" {
		http.NotFound(w, r)
		return
	}
	user, pass, ok := r.BasicAuth()
	got := user + ":" + pass
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="crier webhooks"`)
		s.refuse(w, r, "basic auth does not match")
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var e postmarkEvent
	if err := json.Unmarshal(body, &e); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	rep, final, ok := postmarkReport(e)
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	id := e.RecordType + ":" + e.ID.String() + ":" + e.MessageID
	s.applyEvents(w, r, []feedback.Event{{Provider: "postmark", Report: rep, Final: final,
		ProviderMessageID: e.MessageID, Payload: rawJSON(body), ID: id}})
}

// postmarkReport maps a Postmark record onto the classifier; ok is false for
// records that say nothing about delivery (opens, clicks).
func postmarkReport(e postmarkEvent) (rep bounce.Report, final, ok bool) {
	switch e.RecordType {
	case "Bounce":
		return postmarkBounce(e)
	case "SpamComplaint":
		return bounce.ProviderComplaint(e.Email, false), true, true
	case "Delivery":
		return bounce.ProviderDelivered(e.Recipient, e.Details), true, true
	case "SubscriptionChange":
		if e.SuppressSending && e.SuppressionReason == "ManualSuppression" {
			return bounce.ProviderComplaint(e.Recipient, true), true, true
		}
	}
	return rep, false, false
}

// postmarkBounce reads a bounce by its Postmark type, the way Postmark's
// documentation defines them.
func postmarkBounce(e postmarkEvent) (bounce.Report, bool, bool) {
	text := e.Details + " " + e.Description
	switch e.Type {
	case "HardBounce", "BadEmailAddress":
		rep := bounce.ProviderFailure(e.Email, true, "5.1.1", text)
		if rep.Class != bounce.HardBounce {
			// Postmark's own verdict: the address does not exist.
			rep.Class, rep.Reason = bounce.HardBounce, bounce.ReasonUserUnknown
		}
		return rep, true, true
	case "SpamComplaint":
		return bounce.ProviderComplaint(e.Email, false), true, true
	case "Unsubscribe":
		return bounce.ProviderComplaint(e.Email, true), true, true
	case "AutoResponder", "OpenRelayTest", "Subscribe", "ChallengeVerification":
		return bounce.Report{}, false, false
	case "Transient", "SoftBounce", "DnsError":
		final := e.Type != "Transient"
		rep := bounce.ProviderFailure(e.Email, final, "4.0.0", text)
		rep.Class = bounce.SoftBounce // Postmark's verdict: it may work later
		return rep, final, true
	case "SpamNotification", "Blocked", "ContentRelated", "VirusNotification":
		rep := bounce.ProviderFailure(e.Email, true, "5.7.1", text)
		rep.Class = bounce.SoftBounce
		if rep.Reason == bounce.ReasonUserUnknown || rep.Reason == bounce.ReasonHostUnknown {
			rep.Reason = bounce.ReasonBlocked
		}
		return rep, true, true
	}
	return bounce.ProviderFailure(e.Email, true, "", strings.TrimSpace(text+" ("+e.Type+")")), true, true
}
