package devsink

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Callback delivery tuning.
const (
	maxCallbackAttempts = 4
	callbackBackoff     = 25 * time.Millisecond
	// maxCallbacksInFlight is the number of callback posters: a burst of SMS
	// must not open thousands of connections to crier.
	maxCallbacksInFlight = 32
)

// CallbackResult records one status callback the sink posted.
type CallbackResult struct {
	// URL is the StatusCallback URL posted to.
	URL string
	// MessageSID is the message the callback is about.
	MessageSID string
	// Status is the MessageStatus posted: sent, delivered or undelivered.
	Status string
	// ErrorCode is the ErrorCode posted with an undelivered status, else 0.
	ErrorCode int
	// Params are the form parameters posted.
	Params url.Values
	// Signature is the X-Twilio-Signature header sent.
	Signature string
	// HTTPStatus is the status code of the last answer; 0 if none came.
	HTTPStatus int
	// Attempts is how many times the callback was posted (retries happen on
	// connection errors and 5xx answers).
	Attempts int
	// Err is the last connection error, or "" when an answer came.
	Err string
}

// CallbacksPending returns how many status callbacks are scheduled but not yet
// answered (or given up on).
func (s *Sink) CallbacksPending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}

// WaitCallbacks blocks until no callback is pending or ctx ends.
func (s *Sink) WaitCallbacks(ctx context.Context) error {
	for {
		s.mu.Lock()
		pending, idle := s.pending, s.idle
		s.mu.Unlock()
		if pending == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("devsink: %d callbacks still pending: %w", pending, ctx.Err())
		}
	}
}

// Callbacks returns a copy of every finished callback, in completion order.
func (s *Sink) Callbacks() []CallbackResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackResult(nil), s.callbacks...)
}

// addPendingLocked counts n more pending callbacks; s.mu is held.
func (s *Sink) addPendingLocked(n int) {
	if s.pending == 0 {
		s.idle = make(chan struct{})
	}
	s.pending += n
}

// donePending counts n callbacks as finished, recording res if non-nil.
func (s *Sink) donePending(n int, res *CallbackResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if res != nil {
		s.count.callbacks.Add(1)
		if !s.cfg.CountOnly {
			s.callbacks = append(s.callbacks, *res)
		}
	}
	s.pending -= n
	if s.pending == 0 {
		close(s.idle)
	}
}

// callbackJob is the callbacks of one message, due at a time.
type callbackJob struct {
	rec     ReceivedSMS
	errCode int
	due     time.Time
}

// scheduleCallbacksLocked queues the callbacks of rec; s.mu is held. A fixed
// set of posters works the queue in order (every job has the same delay, so
// arrival order is due order): a burst of 100,000 SMS costs a queue entry
// each, not a goroutine each.
func (s *Sink) scheduleCallbacksLocked(rec ReceivedSMS, errCode int) {
	s.addPendingLocked(2) // "sent", then "delivered" or "undelivered"
	s.wg.Add(1)
	rec.Body = "" // callbacks do not carry it, and a queue of 100,000 would
	s.cbQueue = append(s.cbQueue, callbackJob{rec: rec, errCode: errCode,
		due: time.Now().Add(s.cfg.CallbackDelay)})
	if !s.postersStarted {
		s.postersStarted = true
		for range maxCallbacksInFlight {
			go s.postCallbacks()
		}
	}
	select {
	case s.cbReady <- struct{}{}:
	default:
	}
}

// postCallbacks works the callback queue until the sink closes and the queue
// is empty.
func (s *Sink) postCallbacks() {
	for {
		s.mu.Lock()
		if len(s.cbQueue) == 0 {
			s.mu.Unlock()
			select {
			case <-s.cbReady:
				continue
			case <-s.life.Done():
				s.mu.Lock()
				empty := len(s.cbQueue) == 0
				s.mu.Unlock()
				if empty {
					return
				}
				continue
			}
		}
		job := s.cbQueue[0]
		s.cbQueue[0] = callbackJob{}
		s.cbQueue = s.cbQueue[1:]
		more := len(s.cbQueue) > 0
		s.mu.Unlock()
		if more {
			select { // wake another poster for the next job
			case s.cbReady <- struct{}{}:
			default:
			}
		}
		s.runCallbacks(job.rec, job.errCode, job.due)
	}
}

// runCallbacks posts "sent" and then "delivered" (or "undelivered" with
// errCode when errCode != 0) once due, as Twilio does after a delay.
func (s *Sink) runCallbacks(rec ReceivedSMS, errCode int, due time.Time) {
	defer s.wg.Done()
	final := "delivered"
	if errCode != 0 {
		final = "undelivered"
	}
	statuses := []string{"sent", final}
	if !s.pause(max(time.Until(due), 0)) {
		s.donePending(len(statuses), nil)
		return
	}
	for i, status := range statuses {
		if s.life.Err() != nil {
			s.donePending(len(statuses)-i, nil)
			return
		}
		code := 0
		if status == "undelivered" {
			code = errCode
		}
		s.setStatus(rec.SID, status, code)
		res := s.postCallback(rec, status, code)
		s.logCallback(rec, status, res)
		s.donePending(1, &res)
	}
}

// logCallback logs a posted callback, unless the sink only counts.
func (s *Sink) logCallback(rec ReceivedSMS, status string, res CallbackResult) {
	if !s.cfg.CountOnly {
		s.log.Info("devsink: callback posted", "sid", rec.SID, "status", status,
			"http_status", res.HTTPStatus, "attempts", res.Attempts)
	}
}

// setStatus updates the stored message.
func (s *Sink) setStatus(sid, status string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.bySID[sid]; ok {
		rec.Status, rec.ErrorCode = status, code
	}
}

// callbackParams builds the form Twilio posts for a status change.
func (s *Sink) callbackParams(rec ReceivedSMS, status string, code int) url.Values {
	v := url.Values{}
	v.Set("AccountSid", s.cfg.AccountSID)
	v.Set("ApiVersion", apiVersion)
	v.Set("MessageSid", rec.SID)
	v.Set("SmsSid", rec.SID)
	v.Set("MessageStatus", status)
	v.Set("SmsStatus", status)
	v.Set("To", rec.To)
	if rec.From != "" {
		v.Set("From", rec.From)
	}
	if rec.MessagingServiceSID != "" {
		v.Set("MessagingServiceSid", rec.MessagingServiceSID)
	}
	if code != 0 {
		v.Set("ErrorCode", strconv.Itoa(code))
	}
	return v
}

// postCallback posts one status callback, retrying connection errors and 5xx.
func (s *Sink) postCallback(rec ReceivedSMS, status string, code int) CallbackResult {
	params := s.callbackParams(rec, status, code)
	res := CallbackResult{
		URL: rec.StatusCallback, MessageSID: rec.SID, Status: status, ErrorCode: code,
		Params: params, Signature: Sign(s.cfg.AuthToken, rec.StatusCallback, params),
	}
	for res.Attempts < maxCallbackAttempts {
		res.Attempts++
		httpStatus, err := s.postOnce(res.URL, params, res.Signature)
		res.HTTPStatus, res.Err = httpStatus, ""
		if err != nil {
			res.Err = err.Error()
		}
		if err == nil && httpStatus < 500 {
			break
		}
		if res.Attempts < maxCallbackAttempts && !s.pause(time.Duration(res.Attempts)*callbackBackoff) {
			break
		}
	}
	return res
}

// postOnce sends one callback request and returns the answer's status.
func (s *Sink) postOnce(target string, params url.Values, signature string) (int, error) {
	req, err := http.NewRequestWithContext(s.life, http.MethodPost, target, strings.NewReader(params.Encode()))
	if err != nil {
		return 0, fmt.Errorf("devsink: callback request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Twilio-Signature", signature)
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("I-Twilio-Idempotency-Token", params.Get("MessageSid")+"-"+params.Get("MessageStatus"))
	resp, err := s.cbClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("devsink: post callback: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// pause waits d, returning false if the sink closes first.
func (s *Sink) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.life.Done():
		return false
	}
}
