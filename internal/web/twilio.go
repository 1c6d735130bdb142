package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/twilio/twilio-go/client"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/store"
)

// twilioStatus receives a Twilio status callback. A callback whose signature
// does not verify gets 403 and changes nothing.
func (s *Server) twilioStatus(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	params := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	validator := client.NewRequestValidator(s.cfg.TwilioAuthToken)
	if !validator.Validate(s.cfg.PublicURL+r.URL.RequestURI(), params,
		r.Header.Get("X-Twilio-Signature")) {
		s.logger.WarnContext(r.Context(), "Twilio callback with a bad signature refused",
			"remote_addr", r.RemoteAddr)
		http.Error(w, "signature does not verify", http.StatusForbidden)
		return
	}

	id, err := strconv.ParseInt(r.URL.Query().Get("message_id"), 10, 64)
	if err != nil {
		http.Error(w, "message_id missing", http.StatusBadRequest)
		return
	}
	if !s.sidMatches(w, r, id, params["MessageSid"]) {
		return
	}
	if err := s.store.EventRecord(r.Context(), "twilio", "status", id, params); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.applyStatus(r, id, params); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// sidMatches checks that the callback is about the message the URL names, so
// that a callback URL reused for another SID cannot change the wrong message.
func (s *Server) sidMatches(w http.ResponseWriter, r *http.Request, id int64, sid string) bool {
	recorded, err := s.store.MessageProviderID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "unknown message", http.StatusNotFound)
		return false
	}
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	// An empty recorded SID means the callback overtook the worker's record of
	// the send; the signature already proved it comes from Twilio.
	if recorded != "" && recorded != sid {
		http.Error(w, "MessageSid does not match the message", http.StatusConflict)
		return false
	}
	return true
}

func (s *Server) applyStatus(r *http.Request, id int64, params map[string]string) error {
	switch params["MessageStatus"] {
	case "delivered":
		return s.store.MessageDelivered(r.Context(), id)
	case "undelivered", "failed":
		code, _ := strconv.Atoi(params["ErrorCode"])
		o := bounce.FromTwilio(code)
		s.logger.InfoContext(r.Context(), "SMS not delivered", "message_id", id,
			"code", code, "reason", o.Reason)
		return s.store.MessageBounced(r.Context(), store.BounceParams{
			MessageID: id, Status: o.Status(), Code: params["ErrorCode"],
			Detail: "Twilio status " + params["MessageStatus"], Suppress: o.Suppress(),
			Flag: string(o.Flag), FlagDetail: o.Words, Source: "twilio_callback",
		})
	}
	return nil // queued, sending, sent: intermediate states, kept as events only
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.ErrorContext(r.Context(), "Request failed", "path", r.URL.Path, "error", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
