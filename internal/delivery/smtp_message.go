package delivery

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// reservedHeader reports whether the canonical header name k is written by
// buildMessage and so may not be set via Email.Headers.
func reservedHeader(k string) bool {
	switch k {
	case "From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Return-Path", "Message-Id",
		"Date", "Subject", "Mime-Version", "Content-Type", "Content-Transfer-Encoding",
		"X-Crier-Message":
		return true
	}
	return false
}

// buildMessage turns m into a go-mail message and returns it with the
// Message-ID header value it carries. Every failure is an *Error.
func buildMessage(m Email) (*mail.Msg, string, error) {
	if err := checkEmailFields(m); err != nil {
		return nil, "", err
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	from, err := setAddresses(msg, m)
	if err != nil {
		return nil, "", err
	}
	id := newMessageID(m.MessageID, from)
	msg.SetMessageIDWithValue(id)
	msg.SetDateWithValue(time.Now())
	msg.Subject(m.Subject)
	msg.SetGenHeader("X-Crier-Message", strconv.FormatInt(m.MessageID, 10))
	for k, v := range m.Headers {
		msg.SetGenHeader(mail.Header(textproto.CanonicalMIMEHeaderKey(k)), v)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, "<" + id + ">", nil
}

// setAddresses sets the envelope sender, From, To and Reply-To through
// go-mail's address API (names are quoted or RFC 2047-encoded by net/mail,
// never pasted into header text) and returns the bare From address.
func setAddresses(msg *mail.Msg, m Email) (string, error) {
	to, err := bareAddress(m.To)
	if err != nil {
		return "", localError(Permanent, "invalid recipient address", err)
	}
	from, err := bareAddress(m.FromAddress)
	if err != nil {
		return "", localError(Config, "invalid sender address (CRIER_MAIL_FROM)", err)
	}
	envelope := from
	if m.ReturnPath != "" {
		if envelope, err = bareAddress(m.ReturnPath); err != nil {
			return "", localError(Config, "invalid return path", err)
		}
	}
	msg.EnvelopeFromMailAddress(&netmail.Address{Address: envelope})
	msg.FromMailAddress(&netmail.Address{Name: m.FromName, Address: from})
	msg.ToMailAddress(&netmail.Address{Address: to})
	if m.ReplyTo != "" {
		replyTo, err := bareAddress(m.ReplyTo)
		if err != nil {
			return "", localError(Config, "invalid reply-to address", err)
		}
		msg.ReplyToMailAddress(&netmail.Address{Name: m.ReplyToName, Address: replyTo})
	}
	return from, nil
}

// checkEmailFields refuses CR, LF and other control characters in anything
// that ends up in a header, and extra headers that are malformed or reserved.
func checkEmailFields(m Email) error {
	fields := []struct{ name, value string }{
		{"recipient address", m.To}, {"sender name", m.FromName},
		{"sender address", m.FromAddress}, {"reply-to name", m.ReplyToName},
		{"reply-to address", m.ReplyTo}, {"return path", m.ReturnPath},
		{"subject", m.Subject},
	}
	for _, f := range fields {
		if !safeHeaderValue(f.value) {
			kind := Config
			if f.name == "recipient address" {
				kind = Permanent
			}
			return localError(kind, f.name+" contains control characters", nil)
		}
	}
	for k, v := range m.Headers {
		if !validHeaderName(k) || reservedHeader(textproto.CanonicalMIMEHeaderKey(k)) {
			return localError(Config, fmt.Sprintf("header %q may not be set", k), nil)
		}
		if !safeHeaderValue(v) {
			return localError(Config, fmt.Sprintf("header %q contains control characters", k), nil)
		}
	}
	return nil
}

// bareAddress parses s as a single address without a display name and
// returns the address part.
func bareAddress(s string) (string, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("parse address: %w", err)
	}
	if a.Name != "" || a.Address != strings.TrimSpace(s) {
		return "", errors.New("parse address: expected a bare address without display name")
	}
	return a.Address, nil
}

// newMessageID returns crier.{id}.{random}@{domain of from}, without brackets.
func newMessageID(id int64, from string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return fmt.Sprintf("crier.%d.%s@%s", id, hex.EncodeToString(b[:]), domain)
}

// safeHeaderValue reports whether v has no control characters but tab.
func safeHeaderValue(v string) bool {
	for _, r := range v {
		if (r < 0x20 && r != '\t') || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return false
		}
	}
	return true
}

// validHeaderName reports whether k is a RFC 5322 field name.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 33 || k[i] > 126 || k[i] == ':' {
			return false
		}
	}
	return true
}

// localError builds an e-mail *Error for a message that was never sent.
func localError(kind ErrorKind, op string, err error) *Error {
	return &Error{Channel: ChannelEmail, Kind: kind, Err: err, op: op}
}
