package devsink

import (
	"net/http"
	"strings"
)

// StatsPath is where the Twilio listener serves Stats as JSON, so that a test,
// script or benchmark can check what a `crier devsink` process received. It
// lists addresses and numbers: the sink is a local stand-in and holds no real
// customer's data.
const StatsPath = "/devsink/stats"

// Stats is what the sink received so far. The totals are kept in both modes;
// the per-recipient counts only when the sink keeps messages (not CountOnly).
type Stats struct {
	Emails           int64 `json:"emails"`            // accepted mails, one per recipient
	SMS              int64 `json:"sms"`               // accepted messages
	Callbacks        int64 `json:"callbacks"`         // status callbacks finished
	CallbacksPending int   `json:"callbacks_pending"` // scheduled, not yet answered

	// EmailsTo counts the accepted mails per lower-cased envelope recipient.
	EmailsTo map[string]int `json:"emails_to,omitempty"`
	// SMSTo counts the accepted messages per recipient number.
	SMSTo map[string]int `json:"sms_to,omitempty"`
	// SMSStatus counts the messages per latest status (queued, sent,
	// delivered, undelivered).
	SMSStatus map[string]int `json:"sms_status,omitempty"`

	// Faults counts the injected faults.
	Faults FaultCounts `json:"faults"`
	// FaultSeed is the seed the faults are drawn with.
	FaultSeed uint64 `json:"fault_seed"`
}

// Stats returns the counts of what the sink received so far.
func (s *Sink) Stats() Stats {
	st := Stats{
		Emails: s.count.emails.Load(), SMS: s.count.sms.Load(),
		Callbacks: s.count.callbacks.Load(),
		Faults:    s.faults.counts(), FaultSeed: s.faults.seed,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.CallbacksPending = s.pending
	if s.cfg.CountOnly {
		return st
	}
	st.EmailsTo, st.SMSTo, st.SMSStatus = map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range s.emails {
		st.EmailsTo[strings.ToLower(e.To)]++
	}
	for _, m := range s.sms {
		st.SMSTo[m.To]++
		st.SMSStatus[m.Status]++
	}
	return st
}

// handleStats answers GET StatsPath.
func (s *Sink) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}
