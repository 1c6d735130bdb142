package bounce

import (
	"bytes"
	"fmt"
	"io"
)

// ReportClass says what kind of message a Report comes from.
type ReportClass string

// Report classes. Class describes the failure itself; Reason says why, and
// Report.Outcome turns both into what crier does with the address.
const (
	// HardBounce: a final failure because the address does not work (no such
	// mailbox, no such domain), or a final 5xx failure nobody could explain.
	HardBounce ReportClass = "hard"
	// SoftBounce: a temporary failure or a delay notice, or a final failure that
	// is not the address's fault (full mailbox, spam filter, blocked sending IP,
	// policy, authentication, message too large).
	SoftBounce ReportClass = "soft"
	// Complaint: the recipient reported the message as spam or asked to be
	// unsubscribed (ARF feedback report, Microsoft JMRP, Apple Mail unsubscribe).
	Complaint ReportClass = "complaint"
	// NotBounce: an auto-reply, a delivery success notice or ordinary mail.
	NotBounce ReportClass = "not_a_bounce"
)

// Reasons a Report gives. Complaints carry the feedback type instead ("abuse",
// "opt-out", ...) or "complaint" when the report names none.
const (
	ReasonUserUnknown = "user_unknown" // no such mailbox, or it was disabled
	ReasonHostUnknown = "host_unknown" // no such domain, or it accepts no mail
	ReasonMailboxFull = "mailbox_full" // mailbox over quota
	ReasonTooLarge    = "too_large"    // message bigger than the server takes
	ReasonBlocked     = "blocked"      // our IP or domain blocked, reputation, PTR
	ReasonSpam        = "spam"         // the message was judged to be spam
	ReasonPolicy      = "policy"       // refused by a local policy, relaying
	ReasonAuth        = "auth"         // SPF, DKIM or DMARC failed
	ReasonContent     = "content"      // virus, attachment or content filter
	ReasonQuota       = "quota"        // sender rate limit
	ReasonExpired     = "expired"      // gave up or still retrying after delays
	ReasonNetwork     = "network"      // routing or network failure
	ReasonUnknown     = "unknown"      // a failure nobody explained
	ReasonAutoReply   = "auto_reply"   // out-of-office or other RFC 3834 reply
	ReasonDelivered   = "delivered"    // a success notice (DSN, Amazon SES)
	ReasonNotBounce   = "not_bounce"   // ordinary mail
)

// Report is what one bounce, complaint or reply says about one recipient.
type Report struct {
	// Recipient is the lower-cased address the message reports on: the DSN's
	// Final-Recipient, the complaining or auto-replying address; empty for
	// ordinary mail and for bounces that name nobody.
	Recipient string
	// OriginalRecipient is the DSN's Original-Recipient when it differs from
	// Recipient: the address crier wrote in RCPT TO before any forwarding.
	OriginalRecipient string
	// Class is hard, soft, complaint or not_a_bounce.
	Class ReportClass
	// Reason is a short stable word: one of the Reason constants, or the
	// feedback type of a complaint ("abuse", "opt-out", "complaint").
	Reason string
	// Status is the enhanced status code ("5.1.1") when the message gave one.
	Status string
	// MessageID is the Message-ID (angle brackets kept) of the message that
	// bounced or was complained about, or the X-Crier-Message value when only
	// that was found; empty when unknown.
	MessageID string
	// Diagnostic is the server's reply or the text the class was read from.
	Diagnostic string
}

// maxMessage bounds how much of one message Parse reads.
const maxMessage = 64 << 20

// Parse reads one e-mail message (a bounce, complaint, auto-reply or ordinary
// mail) and returns one Report per recipient it reports on; a message that is
// not a bounce gives one Report of class NotBounce.
func Parse(r io.Reader) ([]Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMessage))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	m, err := parseMessage(data)
	if err != nil {
		return nil, err
	}
	return classify(m), nil
}

// ParseBytes is Parse on a message already in memory.
func ParseBytes(data []byte) ([]Report, error) { return Parse(bytes.NewReader(data)) }

// classify tries the structured formats first, then free-text bounces, then
// auto-replies.
func classify(m *parsed) []Report {
	steps := []func(*parsed) []Report{
		fromFeedback, fromDSN, fromSES, fromJMRP, fromAppleUnsubscribe, fromText,
	}
	for _, step := range steps {
		if reports := step(m); len(reports) > 0 {
			return withMessageID(reports, originalMessageID(m))
		}
	}
	if autoReply(m) {
		return []Report{{
			Recipient: firstAddress(m.header.Get("From")), Class: NotBounce,
			Reason: ReasonAutoReply, MessageID: firstMessageID(m.header.Get("In-Reply-To")),
		}}
	}
	return []Report{{Class: NotBounce, Reason: ReasonNotBounce}}
}

// withMessageID fills MessageID where a step did not find a better one.
func withMessageID(reports []Report, id string) []Report {
	for i := range reports {
		if reports[i].MessageID == "" && reports[i].Reason != ReasonAutoReply {
			reports[i].MessageID = id
		}
	}
	return reports
}
