package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTPSender sends e-mail through one SMTP server. It is safe for concurrent
// use: each send takes its own connection, reusing an idle one from a small
// pool when it can (saving the TCP, TLS and AUTH round trips per message) and
// dialing otherwise. A reused connection is checked with NOOP first; if that
// fails nothing was sent, so the send is retried once on a fresh connection.
// After any failure the connection is discarded.
type SMTPSender struct {
	client *mail.Client // configuration only; connections come from pool
	pool   *connPool
	log    *slog.Logger
}

// NewSMTPSender validates cfg (the URL especially) and returns a sender. It
// does not connect. Errors name CRIER_SMTP_URL and never contain the password.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	ep, err := parseSMTPURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultSMTPTimeout
	}
	switch {
	case cfg.MaxIdle == 0:
		cfg.MaxIdle = defaultMaxIdle
	case cfg.MaxIdle < 0:
		cfg.MaxIdle = 0
	}
	client, err := mail.NewClient(ep.host, ep.clientOptions(cfg)...)
	if err != nil {
		return nil, fmt.Errorf("CRIER_SMTP_URL: configure client: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pool := &connPool{max: cfg.MaxIdle, ttl: defaultIdleTTL, timeout: cfg.Timeout}
	return &SMTPSender{client: client, pool: pool, log: log}, nil
}

// SendEmail sends m. On success the Receipt carries the Message-ID header
// value. A non-nil error is an *Error; see classifyStage for the mapping.
func (s *SMTPSender) SendEmail(ctx context.Context, m Email) (Receipt, error) {
	msg, msgID, err := buildMessage(m)
	if err != nil {
		return Receipt{}, s.failed(m.MessageID, err)
	}
	if err := ctx.Err(); err != nil {
		return Receipt{}, s.failed(m.MessageID, &Error{Channel: ChannelEmail, Kind: Temporary, Err: err, op: "not sent: " + err.Error()})
	}
	if err := s.send(ctx, msg); err != nil {
		return Receipt{}, s.failed(m.MessageID, err)
	}
	s.log.Debug("email sent", "message_id", m.MessageID, "provider_id", msgID)
	return Receipt{ProviderID: msgID}, nil
}

// Close closes the idle connections. Sends in flight finish normally and
// their connections are closed instead of pooled.
func (s *SMTPSender) Close() error {
	s.pool.close()
	return nil
}

// send transmits msg on a pooled or new connection.
func (s *SMTPSender) send(ctx context.Context, msg *mail.Msg) error {
	for attempt := 0; ; attempt++ {
		sc, reused := s.pool.get(), true
		if sc == nil {
			var err error
			if sc, err = s.client.DialToSMTPClientWithContext(ctx); err != nil {
				return classifyDial(err)
			}
			reused = false
		}
		intact, err := s.transmit(ctx, sc, msg)
		if err == nil {
			s.release(sc, intact)
			return nil
		}
		_ = sc.Close()
		if reused && attempt == 0 && err.stage == mail.ErrSMTPMailFrom && isNetworkError(err.err) {
			continue // stale pooled connection: nothing was sent
		}
		return classifyStage(err)
	}
}

// transmit sends msg on sc, cutting the connection if ctx ends meanwhile.
// intact is false when ctx cut it. The cut closes the textproto connection
// directly: smtp.Client.Close waits for the client's mutex, which a command
// blocked on the server's reply holds until the read deadline.
func (s *SMTPSender) transmit(ctx context.Context, sc *smtp.Client, msg *mail.Msg) (intact bool, err *stageError) {
	if err := sc.UpdateDeadline(s.pool.timeout); err != nil {
		return true, &stageError{stage: mail.ErrSMTPMailFrom, err: err}
	}
	stop := context.AfterFunc(ctx, func() { _ = sc.Text.Close() })
	err = transaction(sc, msg)
	return stop(), err
}

// release pools sc when it is still usable, or closes it.
func (s *SMTPSender) release(sc *smtp.Client, usable bool) {
	if usable {
		s.pool.put(sc)
		return
	}
	_ = sc.Close()
}

// failed logs err (IDs and codes only) and returns it.
func (s *SMTPSender) failed(messageID int64, err error) error {
	var de *Error
	if errors.As(err, &de) {
		s.log.Debug("email not sent", "message_id", messageID, "kind", de.Kind.String(),
			"code", de.Code, "enhanced", de.Enhanced)
	}
	return err
}
