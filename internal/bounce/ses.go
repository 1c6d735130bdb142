package bounce

import (
	"encoding/json"
	"strings"
)

// sesNotification is the part of an Amazon SES event notification (sent by
// SNS to an e-mail subscription) a classifier needs.
type sesNotification struct {
	Type      string `json:"notificationType"`
	EventType string `json:"eventType"`
	Message   string `json:"Message"` // SNS envelope around the notification
	Bounce    sesBounce
	Complaint sesComplaint
	Delivery  sesDelivery
	Mail      sesMail
}

type sesBounce struct {
	BounceType        string `json:"bounceType"`
	BounceSubType     string `json:"bounceSubType"`
	BouncedRecipients []struct {
		EmailAddress   string `json:"emailAddress"`
		Action         string `json:"action"`
		Status         string `json:"status"`
		DiagnosticCode string `json:"diagnosticCode"`
	} `json:"bouncedRecipients"`
}

type sesComplaint struct {
	FeedbackType        string `json:"complaintFeedbackType"`
	ComplainedRecipient []struct {
		EmailAddress string `json:"emailAddress"`
	} `json:"complainedRecipients"`
}

type sesDelivery struct {
	Recipients   []string `json:"recipients"`
	SMTPResponse string   `json:"smtpResponse"`
}

type sesMail struct {
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	CommonHeaders struct {
		MessageID string `json:"messageId"`
	} `json:"commonHeaders"`
}

// messageID is the Message-ID (or X-Crier-Message) of the message SES sent.
func (m sesMail) messageID() string {
	if id := firstMessageID(m.CommonHeaders.MessageID); id != "" {
		return id
	}
	crier := ""
	for _, h := range m.Headers {
		switch strings.ToLower(h.Name) {
		case "message-id":
			return firstMessageID(h.Value)
		case "x-crier-message":
			crier = strings.TrimSpace(h.Value)
		}
	}
	return crier
}

// fromSES reads an Amazon SES bounce, complaint or delivery notification.
func fromSES(m *parsed) []Report {
	text := strings.Join(m.texts, "\n")
	if !strings.Contains(text, `"notificationType"`) && !strings.Contains(text, `"eventType"`) &&
		!strings.Contains(text, `\"notificationType\"`) {
		return nil
	}
	n, ok := decodeSES(text)
	if !ok {
		return nil
	}
	return sesReports(n)
}

// sesReports turns a decoded notification into reports.
func sesReports(n sesNotification) []Report {
	kind := n.Type
	if kind == "" {
		kind = n.EventType
	}
	var reports []Report
	switch strings.ToLower(kind) {
	case "bounce":
		reports = sesBounces(n.Bounce)
	case "complaint":
		reports = sesComplaints(n.Complaint)
	case "delivery":
		status := statusIn(n.Delivery.SMTPResponse)
		for _, r := range n.Delivery.Recipients {
			reports = append(reports, Report{Recipient: dsnAddress(r), Class: NotBounce,
				Reason: ReasonDelivered, Status: status, Diagnostic: n.Delivery.SMTPResponse})
		}
	}
	return withMessageID(reports, n.Mail.messageID())
}

// decodeSES finds the JSON object in text and decodes it, unwrapping an SNS
// envelope and repairing the "!\n " breaks mailers put into lines over 998
// characters.
func decodeSES(text string) (sesNotification, bool) {
	start, end := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}')
	if start < 0 || end < start {
		return sesNotification{}, false
	}
	raw := strings.NewReplacer("!\n ", "", "\n", "").Replace(text[start : end+1])
	var n sesNotification
	if err := json.Unmarshal([]byte(raw), &n); err != nil {
		return sesNotification{}, false
	}
	if n.Message != "" {
		var inner sesNotification
		if err := json.Unmarshal([]byte(n.Message), &inner); err == nil {
			return inner, true
		}
	}
	return n, true
}

func sesBounces(b sesBounce) []Report {
	final := !strings.EqualFold(b.BounceType, "Transient")
	out := make([]Report, 0, len(b.BouncedRecipients))
	for _, r := range b.BouncedRecipients {
		diag := diagnosticText(r.DiagnosticCode)
		status := pickStatus(statusIn(diag), statusIn(r.Status))
		reason := reasonOf(status, final, diag, sesSubTypeText(b.BounceSubType))
		out = append(out, Report{Recipient: dsnAddress(r.EmailAddress), Class: classOf(reason, final),
			Reason: reason, Status: status, Diagnostic: diag})
	}
	return out
}

// sesSubTypeText words a bounceSubType so the text rules can read it.
func sesSubTypeText(sub string) string {
	switch sub {
	case "NoEmail":
		return "no such user"
	case "MailboxFull":
		return "mailbox full"
	case "MessageTooLarge":
		return "message too large"
	case "ContentRejected", "AttachmentRejected":
		return "content rejected"
	}
	return ""
}

func sesComplaints(c sesComplaint) []Report {
	reason := strings.ToLower(c.FeedbackType)
	if reason == "" {
		reason = "complaint"
	}
	rcpts := make([]string, 0, len(c.ComplainedRecipient))
	for _, r := range c.ComplainedRecipient {
		rcpts = append(rcpts, dsnAddress(r.EmailAddress))
	}
	return complaints(rcpts, reason, "")
}
