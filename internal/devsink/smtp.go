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
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		fc, _ := c.Conn().(*faultConn) // nil only for a listener not wrapped by Start
		return &session{sink: s, conn: fc}, nil
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
	conn  *faultConn
	from  string
	rcpts []string
}

// errDropped is returned by a session method after it dropped the connection;
// go-smtp's attempt to write it as a reply fails on the closed connection.
var errDropped = errors.New("devsink: connection dropped by fault injection")

// fault applies the injected fault, if any, of one MAIL or RCPT command.
func (c *session) fault() error {
	switch c.sink.faults.smtpCommand(false) {
	case faultDrop:
		c.drop()
		return errDropped
	case faultTemp421:
		return c.reply421()
	case faultTemp451:
		return reply451()
	}
	return nil
}

// drop closes the connection without a reply.
func (c *session) drop() {
	if c.conn != nil {
		_ = c.conn.Close()
	}
}

// reply421 answers 421 and closes the connection after the reply, as a
// server going down does.
func (c *session) reply421() error {
	if c.conn != nil {
		c.conn.closeAfterWrite.Store(true)
	}
	c.sink.log.Info("devsink: injected 421")
	return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2},
		Message: "Service not available, closing transmission channel (devsink fault)"}
}

func reply451() error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Requested action aborted: local error in processing (devsink fault)"}
}

// AuthMechanisms implements smtp.AuthSession.
func (c *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth implements smtp.AuthSession: any user and password are accepted.
func (c *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, _ string) error { return nil }), nil
}

// Mail implements smtp.Session.
func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	if err := c.fault(); err != nil {
		return err
	}
	c.from = from
	return nil
}

// Rcpt implements smtp.Session, bouncing addresses listed in the rules.
func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := c.fault(); err != nil {
		return err
	}
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

// midDataBytes is how much of a message is read before a drop mid-DATA.
const midDataBytes = 200

// Data implements smtp.Session, storing one copy per recipient. Injected
// faults drop the connection mid-message, answer 421/451 after the content,
// or keep the mail and drop the connection instead of answering 250.
func (c *session) Data(r io.Reader) error {
	switch c.sink.faults.smtpCommand(true) {
	case faultDrop:
		_, _ = io.CopyN(io.Discard, r, midDataBytes)
		c.drop()
		return errDropped
	case faultTemp421:
		_, _ = io.Copy(io.Discard, r)
		return c.reply421()
	case faultTemp451:
		_, _ = io.Copy(io.Discard, r)
		return reply451()
	}
	if err := c.receive(r); err != nil {
		return err
	}
	if c.sink.faults.lostReply() {
		c.drop()
		return errDropped
	}
	return nil
}

// receive reads one message and stores a copy per recipient.
func (c *session) receive(r io.Reader) error {
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
