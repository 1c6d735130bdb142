package delivery

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Channel names used in Error.Channel.
const (
	// ChannelEmail is the Channel of errors from the SMTP sender.
	ChannelEmail = "email"
	// ChannelSMS is the Channel of errors from the Twilio sender.
	ChannelSMS = "sms"
)

// ErrorKind tells the caller what a failed send means and what it may do next.
type ErrorKind int

const (
	// Permanent means the recipient address or number is bad: treat it as a
	// bounce and do not retry.
	Permanent ErrorKind = iota + 1
	// Temporary means the message was certainly not accepted and may be retried
	// later.
	Temporary
	// Ambiguous means the message may or may not have been accepted: never
	// resend it blindly, reconcile first.
	Ambiguous
	// Config means the fault is on our side (bad credentials, no sender, a
	// malformed header): fix the configuration or the message, do not retry as is.
	Config
)

// String returns the lower-case name of k.
func (k ErrorKind) String() string {
	switch k {
	case Permanent:
		return "permanent"
	case Temporary:
		return "temporary"
	case Ambiguous:
		return "ambiguous"
	case Config:
		return "config"
	default:
		return "unknown"
	}
}

// Error is a classified delivery failure. Error() is safe to log: it never
// includes Detail or the wrapped error's text, because both may quote the
// recipient's address or number.
type Error struct {
	// Channel is ChannelEmail or ChannelSMS.
	Channel string
	// Kind classifies the failure.
	Kind ErrorKind
	// Code is the provider's code: the SMTP reply code ("550") or the Twilio
	// error code ("21211"); empty when there was no reply.
	Code string
	// Enhanced is the SMTP enhanced status code ("5.1.1"), if any.
	Enhanced string
	// Detail is the provider's text. It may be shown to staff but may contain
	// the recipient's address or number, so it must not be logged.
	Detail string
	// Err is the underlying error, for errors.Is/As. Its text may contain
	// contact data.
	Err error
	// RetryAfter is how long the provider asked us to wait (Twilio's
	// Retry-After header); 0 when it did not say.
	RetryAfter time.Duration

	// op is a short, contact-free description of where the send failed.
	op string
	// status is the HTTP status of a Twilio answer, 0 for none.
	status int
}

// Error returns a contact-free description: channel, kind, codes and stage.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("delivery: ")
	b.WriteString(e.Channel)
	b.WriteString(" ")
	b.WriteString(e.Kind.String())
	b.WriteString(" failure")
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Enhanced != "" {
		b.WriteString(" ")
		b.WriteString(e.Enhanced)
	}
	if e.op != "" {
		b.WriteString(": ")
		b.WriteString(e.op)
	}
	return b.String()
}

// SlowDown reports whether the provider refused the message because we send
// too fast or it is busy: SMTP 421 and 45x, Twilio HTTP 429 (code 20429).
// Such a message was not accepted; the sender should slow down and retry.
func (e *Error) SlowDown() bool {
	if e.Kind != Temporary {
		return false
	}
	switch e.Channel {
	case ChannelEmail:
		return e.Code == "421" || (len(e.Code) == 3 && e.Code[:2] == "45")
	case ChannelSMS:
		return e.Code == "20429" || e.status == http.StatusTooManyRequests
	}
	return false
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the *Error in err's chain. A non-nil error that is
// not an *Error is reported as Ambiguous, the only safe assumption about an
// unknown failure; nil yields 0.
func KindOf(err error) ErrorKind {
	if err == nil {
		return 0
	}
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return Ambiguous
}
