package devsink

import (
	"net/http"
	"strings"
)

// StatsPath is where the Twilio listener serves Stats as JSON, so that a test
// or script can check what a `crier devsink` process received. It lists
// addresses and numbers: the sink is a local stand-in and holds no real
// customer's data.
const StatsPath = "/devsink/stats"

// Stats counts what the sink received.
type Stats struct {
	// Emails counts the accepted mails per lower-cased envelope recipient.
	Emails map[string]int `json:"emails"`
	// SMS counts the accepted messages per recipient number.
	SMS map[string]int `json:"sms"`
	// SMSStatus counts the messages per latest status (queued, sent,
	// delivered, undelivered).
	SMSStatus map[string]int `json:"sms_status"`
	// CallbacksPending is how many status callbacks are not posted yet.
	CallbacksPending int `json:"callbacks_pending"`
	// Faults counts the injected faults.
	Faults FaultCounts `json:"faults"`
	// FaultSeed is the seed the faults are drawn with.
	FaultSeed uint64 `json:"fault_seed"`
}

// Stats returns the counts of what the sink received so far.
func (s *Sink) Stats() Stats {
	st := Stats{Emails: map[string]int{}, SMS: map[string]int{}, SMSStatus: map[string]int{},
		Faults: s.faults.counts(), FaultSeed: s.faults.seed}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.emails {
		st.Emails[strings.ToLower(e.To)]++
	}
	for _, m := range s.sms {
		st.SMS[m.To]++
		st.SMSStatus[m.Status]++
	}
	st.CallbacksPending = s.pending
	return st
}

// handleStats answers GET StatsPath.
func (s *Sink) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}
