package bounce

import "strings"

// fromFeedback reads an ARF feedback report (RFC 5965): one complaint per
// Original-Rcpt-To, else per recipient of the attached original message.
func fromFeedback(m *parsed) []Report {
	if len(m.feedback) == 0 && m.reportType != "feedback-report" {
		return nil
	}
	f := fields{}
	for _, b := range fieldBlocks(string(m.feedback)) {
		for k, v := range b {
			f[k] = append(f[k], v...)
		}
	}
	reason := strings.ToLower(f.get("feedback-type"))
	if reason == "" {
		reason = "abuse"
	}
	var rcpts []string
	for _, v := range f["original-rcpt-to"] {
		rcpts = append(rcpts, addresses(v)...)
	}
	if len(rcpts) == 0 {
		rcpts = complainers(m)
	}
	return complaints(rcpts, reason, f.get("original-mail-from"))
}

// complainers finds who complained from the attached original message.
func complainers(m *parsed) []string {
	for _, k := range []string{"X-HmXmrOriginalRecipient", "To", "X-Original-To", "Delivered-To",
		"X-Apparently-To", "X-RCPT-TO"} {
		if a := addresses(m.originalHeader(k)); len(a) > 0 {
			return a
		}
	}
	return nil
}

func complaints(rcpts []string, reason, diag string) []Report {
	if len(rcpts) == 0 {
		rcpts = []string{""}
	}
	out := make([]Report, 0, len(rcpts))
	for _, r := range rcpts {
		out = append(out, Report{Recipient: r, Class: Complaint, Reason: reason, Diagnostic: diag})
	}
	return out
}

// fromJMRP reads a Microsoft JMRP complaint: the reported message attached
// whole, its recipient in X-HmXmrOriginalRecipient, no feedback-report part.
func fromJMRP(m *parsed) []Report {
	if m.originalHeader("X-HmXmrOriginalRecipient") == "" {
		return nil
	}
	return complaints(complainers(m), "complaint", "")
}

// fromAppleUnsubscribe reads the message Apple Mail sends to a List-Unsubscribe
// mailto address: the sender asks to be unsubscribed.
func fromAppleUnsubscribe(m *parsed) []Report {
	if !strings.EqualFold(strings.TrimSpace(m.header.Get("X-Apple-Unsubscribe")), "true") {
		return nil
	}
	return complaints(addresses(m.header.Get("From")), "opt-out", "")
}
