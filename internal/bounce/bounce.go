// Package bounce turns what providers answer — SMTP replies, Twilio API errors and
// Twilio delivery callbacks — into one outcome: what happened to the message, what
// happens to the address, and what the owning manager is told.
package bounce

import (
	"strconv"
	"strings"

	"github.com/crier-dev/crier/internal/contact"
)

// Class says whose problem a failed delivery is.
type Class string

// Classes of failed deliveries.
const (
	// Hard: the address does not work (no such mailbox, not a valid number). The
	// address is suppressed and the contact flagged for its owner.
	Hard Class = "hard"
	// Soft: a temporary problem (mailbox full, phone off); retried later.
	Soft Class = "soft"
	// Blocked: refused for a reason that is not the contact's fault (spam
	// filtering, carrier filtering, our configuration). Not flagged.
	Blocked Class = "blocked"
	// Complained: the customer reported our message as spam. The address is
	// suppressed and the contact flagged.
	Complained Class = "complaint"
	// OptedOut: the customer asked to stop receiving messages on the channel.
	// Consent is withdrawn; it is not a data-quality problem, so no flag.
	OptedOut Class = "opt_out"
)

// Outcome is what a failed delivery means for the message, address and contact.
type Outcome struct {
	Class  Class
	Reason string // a short stable word: user_unknown, invalid_number, ...
	// Words explain the outcome to a manager, in plain words.
	Words string
	// Flag is the contact flag to open, empty when the contact is not at fault.
	Flag contact.Flag
}

// Status is the message status this outcome leads to: bounced when the address
// is at fault, failed otherwise.
func (o Outcome) Status() string {
	if o.Class == Hard {
		return "bounced"
	}
	return "failed"
}

// WithdrawConsent reports whether the customer's consent for the channel is
// withdrawn: they opted out.
func (o Outcome) WithdrawConsent() bool { return o.Class == OptedOut }

// Suppress reports whether the address must never be sent to again.
func (o Outcome) Suppress() bool { return o.Class == Hard || o.Class == Complained }

func hard(flag contact.Flag, reason, words string) Outcome {
	return Outcome{Class: Hard, Reason: reason, Words: words, Flag: flag}
}

// FromSMTP classifies an SMTP reply: its basic code ("550") and, when the
// server gave one, its enhanced status code ("5.1.1").
func FromSMTP(code, enhanced string) Outcome {
	if enhanced != "" {
		if o, ok := smtpEnhanced(enhanced); ok {
			return o
		}
	}
	n, _ := strconv.Atoi(code)
	switch {
	case n >= 400 && n < 500:
		return Outcome{Class: Soft, Reason: "temporary",
			Words: "the mail server asked to try again later"}
	case n == 550 || n == 551 || n == 553:
		return hard(contact.FlagEmailBounced, "user_unknown",
			"the mailbox does not exist: the e-mail address is wrong or no longer used")
	}
	return Outcome{Class: Blocked, Reason: "rejected",
		Words: "the mail server refused the message (not a problem of the address)"}
}

func smtpEnhanced(enhanced string) (Outcome, bool) {
	switch {
	case strings.HasPrefix(enhanced, "4."):
		return Outcome{Class: Soft, Reason: "temporary",
			Words: "the mail server asked to try again later"}, true
	case enhanced == "5.1.1" || enhanced == "5.1.0" || enhanced == "5.1.6" || enhanced == "5.2.1":
		return hard(contact.FlagEmailBounced, "user_unknown",
			"the mailbox does not exist: the e-mail address is wrong or no longer used"), true
	case enhanced == "5.1.2" || enhanced == "5.4.4" || enhanced == "5.1.10":
		return hard(contact.FlagEmailBounced, "host_unknown",
			"the e-mail domain does not receive mail: check the part after @"), true
	case enhanced == "5.2.2":
		return Outcome{Class: Soft, Reason: "mailbox_full",
			Words: "the customer's mailbox is full"}, true
	case strings.HasPrefix(enhanced, "5.7."):
		return Outcome{Class: Blocked, Reason: "blocked",
			Words: "the receiving server blocked our mail (policy or spam filter)"}, true
	}
	return Outcome{}, false
}

// FromTwilio classifies a Twilio error code, from an API error or from the
// ErrorCode of an undelivered/failed status callback, through twilioCodes.
func FromTwilio(code int) Outcome {
	if o, ok := twilioCodes[code]; ok {
		return o
	}
	return Outcome{Class: Blocked, Reason: "provider_error",
		Words: "the SMS provider refused the message (Twilio error " + strconv.Itoa(code) + ")"}
}

// twilioCodes is the one table of Twilio error codes crier knows: API errors
// (21xxx) and delivery errors of status callbacks (30xxx). Codes not listed are
// provider errors, not the contact's fault.
var twilioCodes = map[int]Outcome{
	21211: hard(contact.FlagPhoneUndeliverable, "invalid_number", "the phone number is not a valid number"),
	21217: hard(contact.FlagPhoneUndeliverable, "invalid_number", "the phone number is not a valid number"),
	21401: hard(contact.FlagPhoneUndeliverable, "invalid_number", "the phone number is not a valid number"),
	21421: hard(contact.FlagPhoneUndeliverable, "invalid_number", "the phone number is not a valid number"),
	21614: hard(contact.FlagPhoneUndeliverable, "not_mobile", "the number is a landline and cannot receive SMS"),
	21408: {Class: Blocked, Reason: "unroutable",
		Words: "SMS to this country or network is not enabled for our account"},
	21612: {Class: Blocked, Reason: "unroutable",
		Words: "SMS to this country or network is not enabled for our account"},
	21610: {Class: OptedOut, Reason: "opted_out", Words: "the customer has replied STOP to our SMS"},
	// 30003: the handset did not answer (switched off, out of coverage) for
	// the whole of the operator's retry period. crier treats it as the number
	// being out of service, as the demo scenario and the report expect.
	30003: hard(contact.FlagPhoneUndeliverable, "unreachable",
		"the phone was unreachable (switched off or out of service); check the number"),
	30005: hard(contact.FlagPhoneUndeliverable, "unknown_number",
		"the number does not exist or is no longer in use"),
	30006: hard(contact.FlagPhoneUndeliverable, "not_mobile",
		"the number is a landline or cannot receive SMS"),
	30007: {Class: Blocked, Reason: "carrier_filtered",
		Words: "the mobile operator filtered the message (not a problem of the number)"},
	30008: {Class: Soft, Reason: "unknown_error", Words: "the operator reported an unknown error"},
}
