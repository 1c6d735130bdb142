package devsink

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// maxMessageBytes caps one accepted mail.
const maxMessageBytes = 10 << 20

// ReceivedEmail is one accepted mail as delivered to one recipient.
type ReceivedEmail struct {
	// MailFrom is the envelope sender (MAIL FROM).
	MailFrom string
	// To is the envelope recipient (RCPT TO) this copy was delivered to.
	To string
	// From is the raw From header value (display names may be RFC 2047
	// encoded; use Header.AddressList("From") to decode).
	From string
	// MessageID is the Message-ID header value, with its angle brackets.
	MessageID string
	// Header is the parsed message header.
	Header mail.Header
	// Body is the raw body after the header, still transfer-encoded.
	Body []byte
	// Raw is the whole message as received.
	Raw []byte
}

// TextAndHTML decodes the message's text/plain and text/html parts (the
// single part of a non-multipart mail counts too; no Content-Type means
// text/plain).
func (e ReceivedEmail) TextAndHTML() (text, html string, err error) {
	ct := e.Header.Get("Content-Type")
	if ct == "" {
		ct = "text/plain" // RFC 2045 default
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", "", fmt.Errorf("devsink: content type: %w", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body, err := decodePart(e.Header.Get("Content-Transfer-Encoding"), bytes.NewReader(e.Body))
		if mt == "text/html" {
			return "", body, err
		}
		return body, "", err
	}
	mr := multipart.NewReader(bytes.NewReader(e.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return text, html, nil
		}
		if err != nil {
			return "", "", fmt.Errorf("devsink: multipart: %w", err)
		}
		body, err := decodePart(p.Header.Get("Content-Transfer-Encoding"), p)
		if err != nil {
			return "", "", err
		}
		switch pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); pt {
		case "text/plain":
			text = body
		case "text/html":
			html = body
		}
	}
}

// decodePart reads a part body, undoing base64 (multipart.Reader already
// undoes quoted-printable; for a single-part mail it is done here).
func decodePart(cte string, r io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // ignores line breaks
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("devsink: decode part: %w", err)
	}
	return string(b), nil
}

// Emails returns a copy of every accepted mail, in arrival order.
func (s *Sink) Emails() []ReceivedEmail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ReceivedEmail(nil), s.emails...)
}

// newSMTPServer configures the go-smtp server: no auth required, AUTH PLAIN
// accepted with any credentials, insecure auth allowed (it is a local stand-in).
func (s *Sink) newSMTPServer() *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{sink: s}, nil
	}))
	srv.Domain = "devsink.localhost"
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = maxMessageBytes
	srv.MaxRecipients = 100
	srv.ErrorLog = log.New(slogWriter{s.log}, "", 0)
	return srv
}

// session is one SMTP conversation.
type session struct {
	sink  *Sink
	from  string
	rcpts []string
}

// AuthMechanisms implements smtp.AuthSession.
func (c *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth implements smtp.AuthSession: any user and password are accepted.
func (c *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, _ string) error { return nil }), nil
}

// Mail implements smtp.Session.
func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}

// Rcpt implements smtp.Session, bouncing addresses listed in the rules.
func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.sink.mu.Lock()
	bounce := c.sink.rules.BounceEmails[strings.ToLower(to)]
	c.sink.mu.Unlock()
	if bounce {
		c.sink.log.Info("devsink: rcpt bounced by rule")
		return &smtp.SMTPError{
			Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "<" + to + ">: Recipient address rejected: User unknown",
		}
	}
	c.rcpts = append(c.rcpts, to)
	return nil
}

// Data implements smtp.Session, storing one copy per recipient.
func (c *session) Data(r io.Reader) error {
	if c.sink.cfg.CountOnly {
		return c.discardData(r)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("devsink: read data: %w", err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Malformed message"}
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return fmt.Errorf("devsink: read body: %w", err)
	}
	for _, to := range c.rcpts {
		e := ReceivedEmail{
			MailFrom: c.from, To: to, From: msg.Header.Get("From"),
			MessageID: strings.TrimSpace(msg.Header.Get("Message-Id")),
			Header:    msg.Header, Body: body, Raw: raw,
		}
		if err := c.sink.storeEmail(e); err != nil {
			return err
		}
	}
	return nil
}

// Reset implements smtp.Session.
func (c *session) Reset() { c.from, c.rcpts = "", nil }

// Logout implements smtp.Session.
func (c *session) Logout() error { return nil }

// storeEmail keeps e in memory and, when Config.Dir is set, on disk.
func (s *Sink) storeEmail(e ReceivedEmail) error {
	s.mu.Lock()
	s.emails = append(s.emails, e)
	n := len(s.emails)
	s.mu.Unlock()
	s.count.emails.Add(1)
	s.log.Info("devsink: mail accepted", "rfc_message_id", e.MessageID, "count", n)
	if s.cfg.Dir == "" {
		return nil
	}
	name := filepath.Join(s.cfg.Dir, fmt.Sprintf("%06d.eml", n))
	if err := os.WriteFile(name, e.Raw, 0o600); err != nil {
		return fmt.Errorf("devsink: write eml: %w", err)
	}
	return nil
}

// slogWriter adapts the *log.Logger output of go-smtp and net/http to slog.
type slogWriter struct {
	log interface{ Warn(string, ...any) }
}

// Write implements io.Writer.
func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Warn("devsink: " + strings.TrimSpace(string(p)))
	return len(p), nil
}
