package delivery

import "context"

// Email is one rendered e-mail to one recipient, sent in a manager's name from
// the company's sending address.
type Email struct {
	// MessageID is crier's message row ID. It goes into the Message-ID header as
	// <crier.{id}.{random}@{domain of FromAddress}> and into X-Crier-Message.
	MessageID int64
	// FromName is the display name of the owning manager.
	FromName string
	// FromAddress is the company's sending address (CRIER_MAIL_FROM).
	FromAddress string
	// ReplyToName is the display name for ReplyTo; it may be empty.
	ReplyToName string
	// ReplyTo is the manager's own address, so that replies reach the manager.
	// It may be empty, in which case no Reply-To header is written.
	ReplyTo string
	// To is the recipient's address, already normalised (no display name).
	To string
	// Subject is the rendered subject line.
	Subject string
	// Text is the rendered plain-text body.
	Text string
	// HTML is the rendered HTML body; when it is empty the mail is text/plain
	// only, otherwise multipart/alternative with both parts.
	HTML string
	// Headers holds extra headers set by crier (List-Unsubscribe, ...). They
	// must not carry contact data and cannot replace the headers this package
	// writes itself (From, To, Subject, Message-ID, ...).
	Headers map[string]string
	// ReturnPath is the envelope sender (MAIL FROM); "" means FromAddress.
	ReturnPath string
}

// SMS is one text message to one mobile number.
type SMS struct {
	// MessageID is crier's message row ID. It is used only for logging.
	MessageID int64
	// To is the recipient number in E.164 form.
	To string
	// Body is the rendered text.
	Body string
	// StatusCallback is the absolute URL Twilio posts delivery updates to; it
	// may be empty.
	StatusCallback string
}

// Receipt is what a provider gave back for an accepted message.
type Receipt struct {
	// ProviderID identifies the message at the provider: for SMTP the
	// Message-ID header value we set (with its angle brackets), for Twilio the
	// message SID.
	ProviderID string
}

// EmailSender sends one e-mail. Implementations are safe for concurrent use.
type EmailSender interface {
	// SendEmail hands m to the mail server. A non-nil error is an *Error.
	SendEmail(ctx context.Context, m Email) (Receipt, error)
}

// SMSSender sends one SMS. Implementations are safe for concurrent use.
type SMSSender interface {
	// SendSMS hands m to the SMS provider. A non-nil error is an *Error.
	SendSMS(ctx context.Context, m SMS) (Receipt, error)
}
