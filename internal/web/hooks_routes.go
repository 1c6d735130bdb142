package web

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/crier-dev/crier/internal/feedback"
	"github.com/crier-dev/crier/internal/store"
)

// HooksConfig configures what comes back to crier over HTTP: provider
// webhooks (each refused with 404 until its secret is configured), Twilio's
// inbound SMS, and /metrics.
type HooksConfig struct {
	// Router applies reports to the ledger. Nil builds one over the store with
	// the default outcome rules.
	Router *feedback.Router
	// SESTopicARNs are the SNS topics whose notifications are accepted.
	SESTopicARNs []string
	// SNSCerts fetches an SNS signing certificate; nil fetches it over HTTPS.
	// Tests inject their own.
	SNSCerts func(ctx context.Context, url string) (*x509.Certificate, error)
	// SNSConfirm visits a subscription's SubscribeURL; nil does an HTTPS GET.
	SNSConfirm func(ctx context.Context, url string) error
	// SendGridPublicKey is the base64 ECDSA key of SendGrid's signed webhook.
	SendGridPublicKey string
	// PostmarkAuth is "user:password" of Postmark's basic auth.
	PostmarkAuth string
	// MailgunSigningKey verifies Mailgun's HMAC signatures.
	MailgunSigningKey string
	// Metrics serves /metrics; nil serves none.
	Metrics http.Handler
	// Now is the clock signatures' timestamps are checked against.
	Now func() time.Time
}

// maxSignatureAge is how old a signed webhook's timestamp may be: a replayed
// request older than this is refused.
const maxSignatureAge = 15 * time.Minute

func (s *Server) routeHooks(mux *http.ServeMux) {
	h := &s.cfg.Hooks
	if h.Router == nil {
		if fs, ok := s.store.(feedback.Store); ok {
			h.Router = feedback.NewRouter(fs, feedback.Config{}, s.logger)
		}
	}
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.SNSCerts == nil {
		h.SNSCerts = cachedCerts(fetchCert)
	}
	mux.HandleFunc("POST /webhooks/ses", s.sesHook)
	mux.HandleFunc("POST /webhooks/sendgrid", s.sendgridHook)
	mux.HandleFunc("POST /webhooks/postmark", s.postmarkHook)
	mux.HandleFunc("POST /webhooks/mailgun", s.mailgunHook)
	mux.HandleFunc("POST /webhooks/twilio/sms", s.twilioInbound)
	if h.Metrics != nil {
		mux.Handle("GET /metrics", h.Metrics)
	}
}

// applyEvents hands provider events to the router and answers: 204 when all
// were recorded, 500 (the provider retries) when one failed.
func (s *Server) applyEvents(w http.ResponseWriter, r *http.Request, events []feedback.Event) {
	if s.cfg.Hooks.Router == nil {
		http.Error(w, "feedback not configured", http.StatusServiceUnavailable)
		return
	}
	applied := 0
	for _, e := range events {
		res, err := s.cfg.Hooks.Router.HandleEvent(r.Context(), e)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if res.Ignored == "" {
			applied++
		}
	}
	s.logger.DebugContext(r.Context(), "Webhook", "path", r.URL.Path, "events", len(events),
		"applied", applied)
	w.WriteHeader(http.StatusNoContent)
}

// refuse answers a webhook whose signature or credentials do not verify. It
// logs the path and the reason, never the body.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, why string) {
	s.logger.WarnContext(r.Context(), "Webhook refused", "path", r.URL.Path, "why", why,
		"remote_addr", r.RemoteAddr)
	http.Error(w, "signature does not verify", http.StatusForbidden)
}

// rawJSON keeps a payload as evidence exactly as it came.
func rawJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	return nil
}

var _ feedback.Store = (*store.Store)(nil)

// readBody reads a webhook's body; a body over the server's limit answers 413.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	return body, true
}
