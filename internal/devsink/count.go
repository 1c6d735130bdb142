package devsink

import (
	"io"
	"net/http"
	"sync/atomic"
)

// counters are what a CountOnly sink keeps instead of the messages: enough for
// a benchmark to know when everything arrived, at a few bytes per message.
type counters struct {
	emails    atomic.Int64
	sms       atomic.Int64
	callbacks atomic.Int64
}

// Stats is what the sink has received so far.
type Stats struct {
	Emails           int64 `json:"emails"`            // accepted mails, one per recipient
	SMS              int64 `json:"sms"`               // accepted messages
	Callbacks        int64 `json:"callbacks"`         // status callbacks finished
	CallbacksPending int   `json:"callbacks_pending"` // scheduled, not yet answered
}

// Stats returns the counts of received mail, SMS and callbacks. They are kept
// in both modes.
func (s *Sink) Stats() Stats {
	st := Stats{
		Emails: s.count.emails.Load(), SMS: s.count.sms.Load(),
		Callbacks: s.count.callbacks.Load(),
	}
	s.mu.Lock()
	st.CallbacksPending = s.pending
	s.mu.Unlock()
	return st
}

// handleStats answers GET /devsink/stats with Stats as JSON, so that a process
// other than the sink's can watch it.
func (s *Sink) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

// discardData reads a mail body without keeping it and counts one mail per
// recipient: the cheap path of a CountOnly sink.
func (c *session) discardData(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	c.sink.count.emails.Add(int64(len(c.rcpts)))
	return nil
}
