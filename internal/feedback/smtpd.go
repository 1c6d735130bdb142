package feedback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// maxInboundBytes caps one inbound mail; bounces quoting a whole campaign
// mail stay far below.
const maxInboundBytes = 10 << 20

// Receiver is the inbound SMTP server for the bounce domain: the MX of
// CRIER_BOUNCE_DOMAIN points at it. It accepts mail for any address at that
// domain (the per-message return paths, postmaster@, abuse@ for feedback
// loops), refuses everything else as relaying, and hands each mail to the
// router before answering 250: a mail that could not be recorded gets a 451
// and its sender tries again.
type Receiver struct {
	router *Router
	domain string
	logger *slog.Logger
	srv    *smtp.Server
}

// NewReceiver returns a receiver for mail to domain.
func NewReceiver(router *Router, domain string, logger *slog.Logger) *Receiver {
	rc := &Receiver{router: router, domain: strings.ToLower(domain), logger: logger}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &inboundSession{rc: rc}, nil
	}))
	srv.Domain = rc.domain
	srv.MaxMessageBytes = maxInboundBytes
	srv.MaxRecipients = 50
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = log.New(errorLog{logger}, "", 0)
	rc.srv = srv
	return rc
}

// ListenAndServe serves on addr until ctx is done.
func (rc *Receiver) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on CRIER_INBOUND_SMTP_ADDR %s: %w", addr, err)
	}
	return rc.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then closes the listener and waits
// for sessions in progress.
func (rc *Receiver) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = rc.srv.Shutdown(shutdown)
	})
	defer stop()
	rc.logger.InfoContext(ctx, "Inbound SMTP listening", "addr", ln.Addr().String(),
		"domain", rc.domain)
	err := rc.srv.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) || ctx.Err() != nil {
		return nil
	}
	return err
}

// inboundSession is one SMTP conversation.
type inboundSession struct {
	rc    *Receiver
	rcpts []string
}

func (s *inboundSession) Mail(string, *smtp.MailOptions) error { return nil }

// Rcpt accepts addresses at the bounce domain only.
func (s *inboundSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	_, domain, ok := strings.Cut(to, "@")
	if !ok || !strings.EqualFold(domain, s.rc.domain) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: "Relaying denied: this server takes mail for " + s.rc.domain + " only"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data classifies and applies the mail before accepting it.
func (s *inboundSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err // go-smtp answers a too-large mail itself
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	results, err := s.rc.router.HandleMail(ctx, Mail{Source: SourceSMTP, Recipients: s.rcpts, Data: data})
	if err != nil {
		s.rc.logger.ErrorContext(ctx, "Inbound mail not recorded; sender will retry", "error", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message: "Temporary failure recording the message, try again later"}
	}
	s.rc.logger.DebugContext(ctx, "Inbound mail", "reports", len(results))
	return nil
}

func (s *inboundSession) Reset()        { s.rcpts = nil }
func (s *inboundSession) Logout() error { return nil }

// errorLog sends go-smtp's log lines to slog. They carry connection errors,
// never message content.
type errorLog struct{ logger *slog.Logger }

func (w errorLog) Write(p []byte) (int, error) {
	w.logger.Warn("Inbound SMTP", "detail", strings.TrimSpace(string(p)))
	return len(p), nil
}
