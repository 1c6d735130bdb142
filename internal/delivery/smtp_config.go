package delivery

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Defaults for SMTPConfig.
const (
	defaultSMTPTimeout = 30 * time.Second
	defaultMaxIdle     = 4
	defaultIdleTTL     = 30 * time.Second
)

// SMTPConfig configures an SMTPSender.
type SMTPConfig struct {
	// URL is the value of CRIER_SMTP_URL: smtp://user:pass@host:port or
	// smtps://user:pass@host:port. Credentials are optional. For smtp:// the
	// query parameter tls=none|starttls|opportunistic picks the STARTTLS
	// policy; the default is starttls (mandatory), except on loopback hosts
	// where it is opportunistic. smtps:// uses implicit TLS and takes no tls
	// parameter. Default ports are 587 (smtp) and 465 (smtps).
	URL string
	// HelloName is the name sent with EHLO; "" means the host name.
	HelloName string
	// Timeout bounds dialing and each SMTP command; 0 means 30s.
	Timeout time.Duration
	// MaxIdle is how many idle connections are kept for reuse; 0 means 4 and
	// a negative value disables reuse (dial per message).
	MaxIdle int
	// Logger receives debug records (message IDs, reply codes only); nil
	// discards them.
	Logger *slog.Logger
}

// smtpEndpoint is a parsed, validated CRIER_SMTP_URL.
type smtpEndpoint struct {
	host, user, pass string
	port             int
	ssl              bool
	policy           mail.TLSPolicy
}

// parseSMTPURL validates raw. Its errors name CRIER_SMTP_URL and never
// contain the password.
func parseSMTPURL(raw string) (smtpEndpoint, error) {
	if raw == "" {
		return smtpEndpoint{}, errors.New("CRIER_SMTP_URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// The parse error quotes the URL (or part of it, which may be part
		// of a badly escaped password), so it is deliberately not wrapped.
		return smtpEndpoint{}, errors.New("CRIER_SMTP_URL is not a valid URL (is the password URL-escaped?)")
	}
	red := u.Redacted()
	ep := smtpEndpoint{host: u.Hostname()}
	if ep.host == "" {
		return smtpEndpoint{}, fmt.Errorf("CRIER_SMTP_URL %s: no host", red)
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" || u.Opaque != "" {
		return smtpEndpoint{}, fmt.Errorf("CRIER_SMTP_URL %s: unexpected path", red)
	}
	if u.User != nil {
		ep.user = u.User.Username()
		ep.pass, _ = u.User.Password()
	}
	if err := ep.setScheme(u); err != nil {
		return smtpEndpoint{}, fmt.Errorf("CRIER_SMTP_URL %s: %w", red, err)
	}
	if err := ep.setPort(u.Port()); err != nil {
		return smtpEndpoint{}, fmt.Errorf("CRIER_SMTP_URL %s: %w", red, err)
	}
	return ep, nil
}

// setScheme sets ssl and the TLS policy from the scheme and the query.
func (ep *smtpEndpoint) setScheme(u *url.URL) error {
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return fmt.Errorf("unknown query parameter %q", k)
		}
	}
	switch u.Scheme {
	case "smtps":
		if q.Has("tls") {
			return errors.New("smtps:// takes no tls parameter (TLS is implicit)")
		}
		ep.ssl, ep.policy, ep.port = true, mail.NoTLS, 465
		return nil
	case "smtp":
		ep.port = 587
	default:
		return fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	switch q.Get("tls") {
	case "":
		ep.policy = mail.TLSMandatory
		if isLoopback(ep.host) {
			ep.policy = mail.TLSOpportunistic
		}
	case "starttls":
		ep.policy = mail.TLSMandatory
	case "opportunistic":
		ep.policy = mail.TLSOpportunistic
	case "none":
		ep.policy = mail.NoTLS
	default:
		return fmt.Errorf("tls=%q is not none, starttls or opportunistic", q.Get("tls"))
	}
	return nil
}

// setPort overrides the scheme's default port when the URL names one.
func (ep *smtpEndpoint) setPort(p string) error {
	if p == "" {
		return nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("invalid port %q", p)
	}
	ep.port = n
	return nil
}

// clientOptions turns the endpoint and cfg into go-mail options.
func (ep smtpEndpoint) clientOptions(cfg SMTPConfig) []mail.Option {
	opts := []mail.Option{
		mail.WithPort(ep.port),
		mail.WithTimeout(cfg.Timeout),
		mail.WithTLSPolicy(ep.policy),
	}
	if ep.ssl {
		opts = append(opts, mail.WithSSL())
	}
	if cfg.HelloName != "" {
		opts = append(opts, mail.WithHELO(cfg.HelloName))
	}
	if ep.user != "" {
		// PLAIN is refused by go-mail on an unencrypted link except to
		// localhost; with mandatory TLS any mechanism the server offers is fine.
		auth := mail.SMTPAuthPlain
		if ep.ssl || ep.policy == mail.TLSMandatory {
			auth = mail.SMTPAuthAutoDiscover
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(ep.user), mail.WithPassword(ep.pass))
	}
	return opts
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
