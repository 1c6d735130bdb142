package bounce

import (
	"fmt"
	"time"

	"github.com/crier-dev/crier/internal/contact"
)

// Policy holds the outcome rules: what crier does to a message, an address and
// a contact once it knows what became of a message. Every path that learns of
// a bounce (an SMTP reply, a DSN, a provider webhook, a Twilio callback)
// decides through Decide, so the rules live here and nowhere else:
//
//   - hard bounce: the message is bounced, the address suppressed and the
//     contact flagged for its owner;
//   - soft bounce: counted; when an address has SoftLimit soft bounces within
//     SoftWindow, with no good delivery since, the contact is flagged (the
//     address is not suppressed: it may recover). A delivery resets the count;
//   - blocked (spam filter, carrier filtering, our reputation): the message
//     failed, the contact is not at fault, nothing else happens;
//   - complaint: the address is suppressed and the contact flagged complaint;
//   - opt-out: the contact's consent for the channel is withdrawn; that is the
//     customer's choice, not bad data, so no flag;
//   - a false positive is undone by a person ("not a real bounce"), which lifts
//     the suppression and closes the flag (store.FlagNotABounce).
type Policy struct {
	// SoftLimit is how many soft bounces flag a contact. Default 3.
	SoftLimit int
	// SoftWindow is the period soft bounces are counted in. Default 30 days.
	SoftWindow time.Duration
}

// DefaultPolicy is three soft bounces in thirty days.
var DefaultPolicy = Policy{SoftLimit: 3, SoftWindow: 30 * 24 * time.Hour}

// WithDefaults fills unset fields from DefaultPolicy.
func (p Policy) WithDefaults() Policy {
	if p.SoftLimit <= 0 {
		p.SoftLimit = DefaultPolicy.SoftLimit
	}
	if p.SoftWindow <= 0 {
		p.SoftWindow = DefaultPolicy.SoftWindow
	}
	return p
}

// Action is what Decide orders for one message.
type Action struct {
	// MessageStatus is the status the message moves to (bounced, failed,
	// delivered), "" to leave it as it is.
	MessageStatus string
	// Suppress puts the address on the suppression list.
	Suppress bool
	// Flag opens this flag on the contact now, "" for none.
	Flag contact.Flag
	// Words explain the outcome to the owning manager, in plain words.
	Words string
	// CountSoft records a soft bounce; when the address reaches SoftLimit in
	// SoftWindow, SoftFlag opens with SoftWords.
	CountSoft  bool
	SoftLimit  int
	SoftWindow time.Duration
	SoftFlag   contact.Flag
	SoftWords  string
	// WithdrawConsent withdraws the contact's consent for the channel.
	WithdrawConsent bool
}

// Decide applies the rules to outcome o of a message on channel ("email" or
// "sms"). final says this is the last word on the message: a delay notice
// ("still trying") is not final, a DSN's "failed" action or a callback's
// "undelivered" is.
func (p Policy) Decide(channel string, o Outcome, final bool) Action {
	p = p.WithDefaults()
	a := Action{Words: o.Words}
	switch o.Class {
	case Hard:
		a.MessageStatus, a.Suppress, a.Flag = "bounced", true, o.Flag
	case Complained:
		// A complaint proves the message arrived.
		a.MessageStatus, a.Suppress, a.Flag = "delivered", true, o.Flag
	case OptedOut:
		a.WithdrawConsent = true
	case Blocked:
		if final {
			a.MessageStatus = "failed"
		}
	case Soft:
		if final {
			a.MessageStatus = "failed"
		}
		a.CountSoft, a.SoftLimit, a.SoftWindow = true, p.SoftLimit, p.SoftWindow
		a.SoftFlag = channelFlag(channel)
		a.SoftWords = fmt.Sprintf("%s; delivery failed %d times in %d days, check the %s",
			o.Words, p.SoftLimit, int(p.SoftWindow.Hours()/24), channelField(channel))
	}
	return a
}

// Delivered is the action for a good delivery: the message is delivered,
// which also ends the address's run of soft bounces.
func (p Policy) Delivered() Action { return Action{MessageStatus: "delivered"} }

func channelFlag(channel string) contact.Flag {
	if channel == "sms" {
		return contact.FlagPhoneUndeliverable
	}
	return contact.FlagEmailBounced
}

func channelField(channel string) string {
	if channel == "sms" {
		return "phone number"
	}
	return "e-mail address"
}
