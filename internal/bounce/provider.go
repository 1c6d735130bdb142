package bounce

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ProviderFailure classifies a failed delivery a provider's webhook reports:
// the recipient, whether the provider gave up (final), the enhanced status
// code or SMTP reply code it gave, and its wording (the server's reply, the
// provider's description). It reads them with the same rules as a DSN, so a
// SendGrid or Mailgun bounce is judged like the mail it stands for.
func ProviderFailure(recipient string, final bool, status, diagnostic string) Report {
	diag := clip(squeeze(diagnostic))
	code := pickStatus(statusIn(status), statusIn(diag))
	if code == "" {
		code = basicToEnhanced(status)
	}
	reason := reasonOf(code, final, diag, "")
	return Report{Recipient: dsnAddress(recipient), Class: classOf(reason, final),
		Reason: reason, Status: code, Diagnostic: diag}
}

// ProviderComplaint is a spam complaint (feedback "abuse") or, with optOut,
// an unsubscribe request reported by a provider.
func ProviderComplaint(recipient string, optOut bool) Report {
	reason := "abuse"
	if optOut {
		reason = "opt-out"
	}
	return Report{Recipient: dsnAddress(recipient), Class: Complaint, Reason: reason}
}

// ProviderDelivered is a delivery a provider confirms.
func ProviderDelivered(recipient, diagnostic string) Report {
	return Report{Recipient: dsnAddress(recipient), Class: NotBounce, Reason: ReasonDelivered,
		Status: statusIn(diagnostic), Diagnostic: clip(squeeze(diagnostic))}
}

// basicToEnhanced turns a bare SMTP reply code ("550", 421) into the vague
// enhanced code of its class ("5.0.0"), "" for anything else.
func basicToEnhanced(code string) string {
	n, err := strconv.Atoi(strings.TrimSpace(code))
	if err != nil || n < 200 || n > 599 {
		return ""
	}
	return fmt.Sprintf("%d.0.0", n/100)
}

// SESReports classifies an Amazon SES notification (the Message of an SNS
// notification: a bounce, complaint or delivery). ok is false when msg is no
// SES notification.
func SESReports(msg []byte) (reports []Report, ok bool) {
	var n sesNotification
	if err := json.Unmarshal(msg, &n); err != nil {
		return nil, false
	}
	if n.Type == "" && n.EventType == "" {
		return nil, false
	}
	return sesReports(n), true
}
