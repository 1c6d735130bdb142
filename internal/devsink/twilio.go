package devsink

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
	"time"
)

// apiVersion is the only Twilio REST version the sink speaks.
const apiVersion = "2010-04-01"

// ReceivedSMS is one message created through the fake Twilio API.
type ReceivedSMS struct {
	// SID is the message SID the API returned ("SM" + 32 hex digits).
	SID string
	// To is the recipient number.
	To string
	// From is the sending number, if the request named one.
	From string
	// MessagingServiceSID is the messaging service, if the request named one.
	MessagingServiceSID string
	// Body is the message text.
	Body string
	// StatusCallback is the URL status callbacks go to ("" for none).
	StatusCallback string
	// Status is the message's latest status: queued, sent, delivered or
	// undelivered.
	Status string
	// ErrorCode is the delivery error code of an undelivered message, else 0.
	ErrorCode int
	// DateCreated is when the API accepted the message.
	DateCreated time.Time
}

// SMS returns a copy of every accepted message, in arrival order, with its
// latest status.
func (s *Sink) SMS() []ReceivedSMS {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ReceivedSMS, len(s.sms))
	for i, r := range s.sms {
		out[i] = *r
	}
	return out
}

// newHTTPServer routes the fake Twilio API.
func (s *Sink) newHTTPServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", s.handleCreate)
	mux.HandleFunc("GET /2010-04-01/Accounts/{AccountSid}/Messages/{file}", s.handleFetch)
	mux.HandleFunc("GET "+StatsPath, s.handleStats)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, notFound(r.URL.Path))
	})
	return &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: log.New(slogWriter{s.log}, "", 0),
	}
}

// handleCreate answers POST .../Messages.json.
func (s *Sink) handleCreate(w http.ResponseWriter, r *http.Request) {
	if apiErr := s.authorize(r); apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	if s.injectTwilioFault(w) {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeAPIError(w, &apiError{Code: 21000, Message: "Malformed request body", Status: http.StatusBadRequest})
		return
	}
	f := r.PostForm
	rec := ReceivedSMS{
		To: f.Get("To"), From: f.Get("From"), MessagingServiceSID: f.Get("MessagingServiceSid"),
		Body: f.Get("Body"), StatusCallback: f.Get("StatusCallback"),
	}
	if apiErr := validateCreate(rec); apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	stored, apiErr := s.accept(rec)
	if apiErr != nil {
		s.log.Info("devsink: sms rejected by rule", "code", apiErr.Code)
		writeAPIError(w, apiErr)
		return
	}
	if !s.cfg.CountOnly {
		s.log.Info("devsink: sms accepted", "sid", stored.SID)
	}
	writeJSON(w, http.StatusCreated, s.resource(stored))
}

// injectTwilioFault answers with an injected 429 or 500 and reports whether
// it did. The request is not read: nothing was created.
func (s *Sink) injectTwilioFault(w http.ResponseWriter) bool {
	switch s.faults.twilioFault() {
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", s.faults.retryAfterSeconds())
		writeAPIError(w, &apiError{Code: 20429, Message: "Too Many Requests (devsink fault)",
			Status: http.StatusTooManyRequests})
		return true
	case http.StatusInternalServerError:
		writeAPIError(w, &apiError{Code: 20500, Message: "Internal Server Error (devsink fault)",
			Status: http.StatusInternalServerError})
		return true
	}
	return false
}

// validateCreate checks the parameters Twilio requires.
func validateCreate(rec ReceivedSMS) *apiError {
	switch {
	case rec.To == "":
		return &apiError{Code: 21604, Message: "A 'To' phone number is required.", Status: http.StatusBadRequest}
	case rec.From == "" && rec.MessagingServiceSID == "":
		return &apiError{Code: 21603, Message: "A 'From' phone number is required.", Status: http.StatusBadRequest}
	case rec.Body == "":
		return &apiError{Code: 21602, Message: "Message body is required.", Status: http.StatusBadRequest}
	}
	return nil
}

// accept applies the rules and stores rec, scheduling its callbacks.
func (s *Sink) accept(rec ReceivedSMS) (ReceivedSMS, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, ok := s.rules.RejectNumbers[rec.To]; ok {
		return ReceivedSMS{}, &apiError{Code: code, Message: rejectMessage(code, rec), Status: http.StatusBadRequest}
	}
	if s.closed {
		return ReceivedSMS{}, &apiError{Code: 20500, Message: "Internal Server Error", Status: http.StatusServiceUnavailable}
	}
	rec.SID, rec.Status, rec.DateCreated = newSID(), "queued", time.Now().UTC()
	stored := rec
	if !s.cfg.CountOnly {
		// A counting sink keeps nothing per message: 100,000 SMS would cost
		// it 100 MB, and nobody asks it about one (fetches answer 404).
		s.sms = append(s.sms, &stored)
		s.bySID[rec.SID] = &stored
	}
	s.count.sms.Add(1)
	if rec.StatusCallback != "" {
		s.scheduleCallbacksLocked(rec, s.rules.UndeliveredNumbers[rec.To])
	}
	return rec, nil
}

// handleFetch answers GET .../Messages/{Sid}.json.
func (s *Sink) handleFetch(w http.ResponseWriter, r *http.Request) {
	if apiErr := s.authorize(r); apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	sid, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	s.mu.Lock()
	rec, found := s.bySID[sid]
	var cp ReceivedSMS
	if found {
		cp = *rec
	}
	s.mu.Unlock()
	if !ok || !found {
		writeAPIError(w, notFound(r.URL.Path))
		return
	}
	writeJSON(w, http.StatusOK, s.resource(cp))
}

// authorize checks HTTP Basic credentials and the account in the path.
func (s *Sink) authorize(r *http.Request) *apiError {
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.AccountSID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.AuthToken)) != 1 {
		return &apiError{Code: 20003, Message: "Authenticate", Status: http.StatusUnauthorized}
	}
	if r.PathValue("AccountSid") != s.cfg.AccountSID {
		return notFound(r.URL.Path)
	}
	return nil
}

// newSID returns "SM" followed by 32 random hex digits.
func newSID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	return "SM" + hex.EncodeToString(b[:])
}

// apiError is Twilio's JSON error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// notFound is Twilio's 20404 for path.
func notFound(path string) *apiError {
	return &apiError{Code: 20404, Message: "The requested resource " + path + " was not found", Status: http.StatusNotFound}
}

// rejectMessage is the text Twilio gives with code for rec.
func rejectMessage(code int, rec ReceivedSMS) string {
	switch code {
	case 21211:
		return fmt.Sprintf("The 'To' number %s is not a valid phone number.", rec.To)
	case 21614:
		return "'To' number is not a valid mobile number"
	case 21610:
		return "Attempt to send to unsubscribed recipient"
	case 21408:
		return fmt.Sprintf("Permission to send an SMS has not been enabled for the region indicated by the 'To' number: %s.", rec.To)
	case 21612:
		return fmt.Sprintf("The 'To' phone number: %s, is not currently reachable using the 'From' phone number: %s via SMS.", rec.To, rec.From)
	default:
		return fmt.Sprintf("Twilio error %d (devsink rule)", code)
	}
}

// writeAPIError writes e as Twilio does.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	e.MoreInfo = fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code)
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	}
	writeJSON(w, e.Status, e)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
