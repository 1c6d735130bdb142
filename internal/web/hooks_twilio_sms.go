package web

import (
	"net/http"

	"github.com/twilio/twilio-go/client"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/store"
)

// Replies to the Turkish keywords; Twilio answers STOP and START itself.
const (
	replyOptOut = "SMS listemizden çıkarıldınız. Yeniden katılmak için BAŞLA yazın."
	replyOptIn  = "SMS listemize yeniden katıldınız. Çıkmak için İPTAL yazın."
)

// twilioInbound receives an SMS a customer sent to our number. STOP, İPTAL or
// RET withdraw the SMS consent of every contact with that number; START or
// BAŞLA give it back. Anything else is kept as an event and not answered.
func (s *Server) twilioInbound(w http.ResponseWriter, r *http.Request) {
	params, ok := s.twilioParams(w, r)
	if !ok {
		return
	}
	keyword := bounce.SMSKeyword(params["Body"])
	kind := map[bounce.Keyword]string{bounce.NoKeyword: "inbound_sms",
		bounce.OptOutKeyword: "opt_out", bounce.OptInKeyword: "opt_in"}[keyword]
	evidence := store.Evidence{Provider: "twilio", Kind: kind, Payload: params,
		Digest: "twilio-sms:" + params["MessageSid"]}
	if s.cfg.Hooks.Router == nil {
		http.Error(w, "feedback not configured", http.StatusServiceUnavailable)
		return
	}
	changed, err := s.cfg.Hooks.Router.HandleSMSKeyword(r.Context(), params["From"], keyword, evidence)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "Inbound SMS", "sid", params["MessageSid"], "kind", kind,
		"contacts_changed", changed)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	reply := ""
	switch {
	case keyword == bounce.OptOutKeyword && params["OptOutType"] == "":
		reply = replyOptOut
	case keyword == bounce.OptInKeyword && params["OptOutType"] == "":
		reply = replyOptIn
	}
	if reply == "" {
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response/>`)) //nolint:errcheck // client may be gone
		return
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>` + //nolint:errcheck // client may be gone
		reply + `</Message></Response>`))
}

// twilioParams reads and verifies a signed Twilio request; on failure it has
// answered.
func (s *Server) twilioParams(w http.ResponseWriter, r *http.Request) (map[string]string, bool) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return nil, false
	}
	params := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	validator := client.NewRequestValidator(s.cfg.TwilioAuthToken)
	if !validator.Validate(s.cfg.PublicURL+r.URL.RequestURI(), params,
		r.Header.Get("X-Twilio-Signature")) {
		s.refuse(w, r, "Twilio signature")
		return nil, false
	}
	return params, true
}
