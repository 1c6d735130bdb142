package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/feedback"
	"github.com/crier-dev/crier/internal/store"
)

// twilioStatus receives a Twilio status callback. A callback whose signature
// does not verify gets 403 and changes nothing.
func (s *Server) twilioStatus(w http.ResponseWriter, r *http.Request) {
	params, ok := s.twilioParams(w, r)
	if !ok {
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

// applyStatus keeps the callback as evidence and applies it: delivered
// marks the message delivered; undelivered and failed go through the outcome
// rules with the ErrorCode's outcome (bounce.FromTwilio).
func (s *Server) applyStatus(r *http.Request, id int64, params map[string]string) error {
	status := params["MessageStatus"]
	if (status != "undelivered" && status != "failed") || s.cfg.Hooks.Router == nil {
		if err := s.store.EventRecord(r.Context(), "twilio", "status", id, params); err != nil {
			return err
		}
		if status == "delivered" {
			return s.store.MessageDelivered(r.Context(), id)
		}
		return nil // queued, sending, sent: intermediate states, kept as events only
	}
	code, _ := strconv.Atoi(params["ErrorCode"])
	o := bounce.FromTwilio(code)
	s.logger.InfoContext(r.Context(), "SMS not delivered", "message_id", id,
		"code", code, "reason", o.Reason)
	_, err := s.cfg.Hooks.Router.HandleKnown(r.Context(), feedback.Known{MessageID: id,
		Outcome: o, Final: true, Code: params["ErrorCode"], Detail: "Twilio status " + status,
		Source: "twilio_callback",
		Evidence: store.Evidence{Provider: "twilio", Kind: "status", Payload: params,
			Digest: "twilio-status:" + params["MessageSid"] + ":" + status}})
	return err
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.ErrorContext(r.Context(), "Request failed", "path", r.URL.Path, "error", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
