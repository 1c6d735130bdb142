package delivery

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/twilio/twilio-go/client"
)

// twilioPermanent reports whether a Twilio error code means the number itself
// cannot receive our SMS.
func twilioPermanent(code int) bool {
	switch code {
	case 21211, // invalid 'To' phone number
		21214, // 'To' number cannot be reached
		21217, // phone number does not appear to be valid
		21408, // permission to send to this region not enabled
		21610, // recipient unsubscribed (STOP)
		21612, // 'To' not reachable from this 'From'
		21614: // 'To' is not a mobile number
		return true
	}
	return false
}

// twilioConfig reports whether a Twilio error code means our account or
// sender is wrong. Codes that are neither permanent nor config are classified
// by HTTP status: 429 and 5xx Temporary, other 4xx Config.
func twilioConfig(code int) bool {
	switch code {
	case 20003, // authentication failed
		20404, // resource (account) not found
		21212, // invalid 'From' number
		21222, // illegal characters in username
		21224, // illegal characters in password
		21603, // 'From' number required
		21606, // 'From' number cannot send SMS
		21659: // 'From' is not a Twilio number
		return true
	}
	return false
}

// classifyTwilio maps an error from CreateMessage:
//
//   - Twilio error codes 21211, 21214, 21217, 21408, 21610, 21612, 21614 → Permanent
//   - HTTP 429 or 5xx (with or without a JSON body) → Temporary
//   - 20003 / HTTP 401, 403, the sender codes above, other 4xx → Config
//   - a 2xx whose body could not be read → Ambiguous
//   - no response: request written → Ambiguous, not written → Temporary
func classifyTwilio(err error, st *callState) *Error {
	e := &Error{Channel: ChannelSMS, Err: err, status: int(st.status.Load()),
		RetryAfter: time.Duration(st.retryAfter.Load()) * time.Second}
	var re *client.TwilioRestError
	if errors.As(err, &re) {
		status := re.Status
		if status == 0 {
			status = int(st.status.Load())
		}
		e.Code, e.Detail = strconv.Itoa(re.Code), re.Message
		e.op = "twilio API error, HTTP " + strconv.Itoa(status)
		switch {
		case twilioPermanent(re.Code):
			e.Kind = Permanent
		case twilioConfig(re.Code):
			e.Kind = Config
		default:
			e.Kind = kindForStatus(status)
		}
		return e
	}
	if status := int(st.status.Load()); status != 0 {
		e.op = "unreadable response, HTTP " + strconv.Itoa(status)
		e.Kind = kindForStatus(status)
		if status/100 == 2 {
			e.Kind = Ambiguous
		}
		return e
	}
	e.op = "no response: " + err.Error()
	e.Kind = Temporary
	if st.wrote.Load() {
		e.Kind = Ambiguous
	}
	return e
}

// kindForStatus classifies an HTTP error status without a known code.
func kindForStatus(status int) ErrorKind {
	if status == http.StatusTooManyRequests || status >= 500 {
		return Temporary
	}
	return Config
}
