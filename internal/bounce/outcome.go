package bounce

import (
	"strings"

	"github.com/crier-dev/crier/internal/contact"
)

// senderSide are reasons that blame our mail or our servers, never the
// contact's address.
var senderSide = map[string]bool{
	ReasonBlocked: true, ReasonSpam: true, ReasonPolicy: true, ReasonAuth: true,
	ReasonContent: true, ReasonTooLarge: true,
}

// reportWords explain a Report's reason to a manager; no address appears.
var reportWords = map[string]string{
	ReasonMailboxFull: "the customer's mailbox is full",
	ReasonExpired:     "the customer's mail server could not be reached for a long time; we gave up",
	ReasonNetwork:     "the customer's mail server could not be reached",
	ReasonQuota:       "the customer's mail server asked us to send more slowly",
	ReasonUnknown:     "the mail server refused the message without saying why",
	ReasonBlocked:     "the receiving server blocked our mail (our sending address or IP)",
	ReasonSpam:        "the receiving server's spam filter refused our mail",
	ReasonPolicy:      "the receiving server's policy refused our mail",
	ReasonAuth:        "our mail failed the receiving server's SPF/DKIM/DMARC checks",
	ReasonContent:     "the receiving server refused the message content or an attachment",
	ReasonTooLarge:    "the message was too large for the receiving server",
}

// Outcome maps a Report onto crier's outcome table, the same one FromSMTP
// uses: an address that does not exist is suppressed and flagged
// email_bounced; a complaint suppresses and flags complaint; an unsubscribe
// request is an opt-out (consent withdrawn, no flag); a refusal aimed at our mail is Blocked, not the
// contact's fault; the rest is Soft. ok is false for a Report that is not a
// bounce or complaint (auto-replies, success notices, ordinary mail).
func (r Report) Outcome() (o Outcome, ok bool) {
	switch r.Class {
	case NotBounce:
		return Outcome{}, false
	case Complaint:
		return complaintOutcome(r.Reason), true
	case HardBounce:
		if r.Reason == ReasonHostUnknown {
			return hard(contact.FlagEmailBounced, ReasonHostUnknown,
				"the e-mail domain does not receive mail: check the part after @"), true
		}
		return hard(contact.FlagEmailBounced, ReasonUserUnknown,
			"the mailbox does not exist: the e-mail address is wrong or no longer used"), true
	}
	words := reportWords[r.Reason]
	if words == "" {
		words = reportWords[ReasonUnknown]
	}
	permanent := strings.HasPrefix(r.Status, "5.")
	if senderSide[r.Reason] && (permanent || r.Status == "") {
		return Outcome{Class: Blocked, Reason: r.Reason, Words: words}, true
	}
	return Outcome{Class: Soft, Reason: r.Reason, Words: words}, true
}

func complaintOutcome(feedbackType string) Outcome {
	if feedbackType == "opt-out" || feedbackType == "unsubscribe" {
		return Outcome{Class: OptedOut, Reason: "opt_out",
			Words: "the customer asked to stop receiving our e-mail"}
	}
	return Outcome{Class: Complained, Reason: "complaint", Flag: contact.FlagComplaint,
		Words: "the customer reported our e-mail as spam"}
}
