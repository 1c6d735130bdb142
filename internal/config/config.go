// Package config loads crier's configuration from the environment, validates it and
// prints it with secrets redacted.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nyaruka/phonenumbers"
)

// Config is crier's whole configuration. Load fills it from CRIER_* and TWILIO_*
// variables; every field has a default that points at the local servers.
type Config struct {
	// DatabaseURL is the Postgres connection string (CRIER_DATABASE_URL).
	// Defaults to postgres://postgres@127.0.0.1:5432/crier?sslmode=disable.
	DatabaseURL string
	// RedisURL is the Redis server asynq uses (CRIER_REDIS_URL).
	// Defaults to redis://127.0.0.1:6379/0.
	RedisURL string
	// SMTPURL is where e-mail goes (CRIER_SMTP_URL): smtp:// or smtps:// with
	// user, password, host and port. Defaults to the dev sink, smtp://127.0.0.1:2525.
	SMTPURL string
	// MailFrom is the company's sending address (CRIER_MAIL_FROM); the manager's
	// name is shown with it and the manager's address is the Reply-To.
	// Defaults to kampanya@example.com.tr.
	MailFrom string
	// HTTPAddr is the address `crier serve` listens on (CRIER_HTTP_ADDR).
	// Defaults to 127.0.0.1:8080.
	HTTPAddr string
	// PublicURL is how the outside world reaches `crier serve` (CRIER_PUBLIC_URL),
	// used for Twilio status callbacks and unsubscribe links; Twilio signs the
	// callback URL it was given, so this must match what Twilio calls.
	// Defaults to http:// plus HTTPAddr.
	PublicURL string
	// DefaultRegion is the phone region used when a number has no country code
	// and the contact no country (CRIER_DEFAULT_REGION). Defaults to TR.
	DefaultRegion string
	// Twilio holds the SMS provider settings.
	Twilio Twilio
	// Concurrency is the number of messages one worker has in flight at once
	// (CRIER_WORKER_CONCURRENCY): claimed in the ledger and not yet recorded,
	// so also the most a worker killed mid-send can leave unknown. Defaults to 20.
	Concurrency int
	// SMTPRate and SMSRate cap the send rate of every worker together, in
	// messages per second (CRIER_SMTP_RATE, CRIER_SMS_RATE); 0 means no limit.
	SMTPRate int
	SMSRate  int
	// RelayInterval is how often a worker moves pending messages into the queue
	// (CRIER_RELAY_INTERVAL). Defaults to 2s.
	RelayInterval time.Duration
	// QueuePrefix names the asynq queues (CRIER_QUEUE_PREFIX): PREFIX + "email"
	// and PREFIX + "sms". Defaults to "crier:"; tests use their own.
	QueuePrefix string
	// SecretKey signs unsubscribe links (CRIER_SECRET_KEY, secret). Defaults to a
	// development key; set your own in production.
	SecretKey string
	// Feedback holds the bounce, webhook and metrics settings.
	Feedback Feedback

	// smtpURLVar is CRIER_SMTP_URL_FILE when SMTPURL was read from that file,
	// so that errors name it; empty otherwise.
	smtpURLVar string
}

// Feedback holds the settings of what comes back: bounce mail, provider
// webhooks, and the metrics endpoint.
type Feedback struct {
	// BounceDomain (CRIER_BOUNCE_DOMAIN) gets the per-message return paths
	// bounces+TOKEN@domain; its MX must point at the inbound receiver. Empty
	// (the default) sends with CRIER_MAIL_FROM as the return path.
	BounceDomain string
	// InboundSMTPAddr (CRIER_INBOUND_SMTP_ADDR) is where `crier serve` takes
	// bounce mail for BounceDomain. Defaults to 127.0.0.1:2526 when
	// BounceDomain is set; "off" disables it.
	InboundSMTPAddr string
	// SoftBounceLimit and SoftBounceDays (CRIER_SOFT_BOUNCE_LIMIT,
	// CRIER_SOFT_BOUNCE_DAYS): soft bounces in that many days flag a contact.
	// Default 3 in 30.
	SoftBounceLimit int
	SoftBounceDays  int
	// SESTopicARNs (CRIER_SES_TOPIC_ARNS, comma-separated) are the SNS topics
	// whose notifications are accepted; empty refuses SES webhooks.
	SESTopicARNs []string
	// SendGridPublicKey (CRIER_SENDGRID_WEBHOOK_KEY) verifies SendGrid's
	// signed event webhook (the base64 key SendGrid shows); empty refuses it.
	SendGridPublicKey string
	// PostmarkAuth (CRIER_POSTMARK_WEBHOOK_AUTH, secret) is "user:password" of
	// the basic auth Postmark's webhook sends; empty refuses it.
	PostmarkAuth string
	// MailgunSigningKey (CRIER_MAILGUN_SIGNING_KEY, secret) verifies
	// Mailgun's webhook signatures; empty refuses them.
	MailgunSigningKey string
	// MetricsAddr (CRIER_METRICS_ADDR) is where `crier worker` serves
	// /metrics; "off" disables it. Default 127.0.0.1:9101. `crier serve`
	// serves /metrics on CRIER_HTTP_ADDR.
	MetricsAddr string
}

// Twilio holds the SMS provider settings.
type Twilio struct {
	AccountSID string // TWILIO_ACCOUNT_SID; defaults to the dev sink's account
	AuthToken  string // TWILIO_AUTH_TOKEN (secret); also verifies callback signatures
	From       string // TWILIO_FROM: the sending number or alphanumeric sender
	// MessagingServiceSID (TWILIO_MESSAGING_SERVICE_SID) is used instead of From
	// when set.
	MessagingServiceSID string
	// APIURL is the Twilio REST API base (TWILIO_API_URL). Defaults to the dev
	// sink, http://127.0.0.1:8026; set https://api.twilio.com for real sends.
	APIURL string
}

// Dev sink credentials: the defaults point at `crier devsink`, never at Twilio.
const (
	DevAccountSID = "AC00000000000000000000000000000000"
	DevAuthToken  = "devsink0auth0token0000000000000000"
	// DevSecretKey is the development default of CRIER_SECRET_KEY.
	DevSecretKey = "crier-development-key-change-me"
)

// MinRelayInterval is the shortest CRIER_RELAY_INTERVAL: shorter would make
// every worker poll the ledger in a busy loop.
const MinRelayInterval = 10 * time.Millisecond

// Load reads the configuration from the environment through getenv (os.Getenv
// in production) and validates it. Every *_FILE variant of a secret reads the
// secret from that file.
func Load(getenv func(string) string) (Config, error) {
	env := lookup{getenv: getenv}
	cfg := Config{
		DatabaseURL:   env.str("CRIER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crier?sslmode=disable"),
		RedisURL:      env.str("CRIER_REDIS_URL", "redis://127.0.0.1:6379/0"),
		SMTPURL:       env.secret("CRIER_SMTP_URL", "smtp://127.0.0.1:2525"),
		MailFrom:      env.str("CRIER_MAIL_FROM", "kampanya@example.com.tr"),
		HTTPAddr:      env.str("CRIER_HTTP_ADDR", "127.0.0.1:8080"),
		DefaultRegion: strings.ToUpper(env.str("CRIER_DEFAULT_REGION", "TR")),
		Concurrency:   env.integer("CRIER_WORKER_CONCURRENCY", 20),
		SMTPRate:      env.integer("CRIER_SMTP_RATE", 0),
		SMSRate:       env.integer("CRIER_SMS_RATE", 0),
		RelayInterval: env.duration("CRIER_RELAY_INTERVAL", 2*time.Second),
		QueuePrefix:   env.str("CRIER_QUEUE_PREFIX", "crier:"),
		SecretKey:     env.secret("CRIER_SECRET_KEY", DevSecretKey),
		Twilio: Twilio{
			AccountSID:          env.str("TWILIO_ACCOUNT_SID", DevAccountSID),
			AuthToken:           env.secret("TWILIO_AUTH_TOKEN", DevAuthToken),
			From:                env.str("TWILIO_FROM", "CRIER"),
			MessagingServiceSID: env.str("TWILIO_MESSAGING_SERVICE_SID", ""),
			APIURL:              env.str("TWILIO_API_URL", "http://127.0.0.1:8026"),
		},
	}
	if getenv("CRIER_SMTP_URL_FILE") != "" {
		cfg.smtpURLVar = "CRIER_SMTP_URL_FILE"
	}
	cfg.PublicURL = strings.TrimRight(env.str("CRIER_PUBLIC_URL", "http://"+cfg.HTTPAddr), "/")
	cfg.Feedback = loadFeedback(&env)
	if err := errors.Join(env.errs...); err != nil {
		return Config{}, err
	}
	return cfg, cfg.Validate()
}

// Validate checks the configuration; its errors name the variable to fix.
func (c Config) Validate() error {
	var errs []error
	check := func(name, raw string, schemes ...string) bool {
		u, err := url.Parse(raw)
		switch {
		case strings.Contains(raw, "#"):
			errs = append(errs, fmt.Errorf("%s: contains '#'; percent-encode it (%%23), "+
				"e.g. in a password", name))
		case err != nil || u.Host == "" || !contains(schemes, u.Scheme):
			errs = append(errs, fmt.Errorf("%s: want a %s URL with a host",
				name, strings.Join(schemes, " or ")))
		default:
			return true
		}
		return false
	}
	if check("CRIER_DATABASE_URL", c.DatabaseURL, "postgres", "postgresql") {
		// What the driver will make of it: a bad port or option shows now, not
		// at the first connection. Its message hides the password.
		if _, err := pgx.ParseConfig(c.DatabaseURL); err != nil {
			errs = append(errs, fmt.Errorf("CRIER_DATABASE_URL: %w", err))
		}
	}
	check("CRIER_REDIS_URL", c.RedisURL, "redis", "rediss")
	smtpVar := c.smtpURLVar
	if smtpVar == "" {
		smtpVar = "CRIER_SMTP_URL"
	}
	check(smtpVar, c.SMTPURL, "smtp", "smtps")
	check("CRIER_PUBLIC_URL", c.PublicURL, "http", "https")
	check("TWILIO_API_URL", c.Twilio.APIURL, "http", "https")
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Name != "" ||
		a.Address != c.MailFrom {
		errs = append(errs, errors.New("CRIER_MAIL_FROM: want a bare e-mail address "+
			"such as kampanya@example.com.tr"))
	}
	if len(c.DefaultRegion) != 2 {
		errs = append(errs, errors.New("CRIER_DEFAULT_REGION: want a two-letter region such as TR"))
	} else if !phonenumbers.GetSupportedRegions()[c.DefaultRegion] {
		errs = append(errs, fmt.Errorf("CRIER_DEFAULT_REGION: %q is not a phone region "+
			"(want an ISO 3166 code such as TR or DE)", c.DefaultRegion))
	}
	if c.RelayInterval < MinRelayInterval {
		errs = append(errs, fmt.Errorf("CRIER_RELAY_INTERVAL: want a positive duration "+
			"of at least %s, such as 2s", MinRelayInterval))
	}
	if c.Concurrency < 1 {
		errs = append(errs, errors.New("CRIER_WORKER_CONCURRENCY: want at least 1"))
	}
	if c.SMTPRate < 0 {
		errs = append(errs, errors.New("CRIER_SMTP_RATE: want messages per second, 0 for no limit"))
	}
	if c.SMSRate < 0 {
		errs = append(errs, errors.New("CRIER_SMS_RATE: want messages per second, 0 for no limit"))
	}
	errs = append(errs, c.Feedback.validate()...)
	if c.Twilio.From == "" && c.Twilio.MessagingServiceSID == "" {
		errs = append(errs, errors.New("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID: one is required"))
	}
	return errors.Join(errs...)
}

// String prints the configuration with passwords and tokens redacted.
func (c Config) String() string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%-30s %s\n", k, v) }
	line("CRIER_DATABASE_URL", redactURL(c.DatabaseURL))
	line("CRIER_REDIS_URL", redactURL(c.RedisURL))
	line("CRIER_SMTP_URL", redactURL(c.SMTPURL))
	line("CRIER_MAIL_FROM", c.MailFrom)
	line("CRIER_HTTP_ADDR", c.HTTPAddr)
	line("CRIER_PUBLIC_URL", c.PublicURL)
	line("CRIER_DEFAULT_REGION", c.DefaultRegion)
	line("CRIER_WORKER_CONCURRENCY", strconv.Itoa(c.Concurrency))
	line("CRIER_SMTP_RATE", strconv.Itoa(c.SMTPRate))
	line("CRIER_SMS_RATE", strconv.Itoa(c.SMSRate))
	line("CRIER_RELAY_INTERVAL", c.RelayInterval.String())
	line("CRIER_QUEUE_PREFIX", c.QueuePrefix)
	line("CRIER_SECRET_KEY", redactedOrDev(c.SecretKey, DevSecretKey))
	line("TWILIO_ACCOUNT_SID", c.Twilio.AccountSID)
	line("TWILIO_AUTH_TOKEN", redactedOrDev(c.Twilio.AuthToken, DevAuthToken))
	line("TWILIO_FROM", c.Twilio.From)
	line("TWILIO_MESSAGING_SERVICE_SID", c.Twilio.MessagingServiceSID)
	line("TWILIO_API_URL", c.Twilio.APIURL)
	c.Feedback.print(line)
	return b.String()
}

// redactedOrDev is redacted, but says so when the secret is the development
// default (unset, or set to nothing).
func redactedOrDev(s, dev string) string {
	if s == dev {
		return "(development default: set your own)"
	}
	return redacted(s)
}

func redacted(s string) string {
	if s == "" {
		return ""
	}
	return "(set)"
}

// redactURL hides the password of a URL's userinfo. It works on the raw text,
// not on a parsed URL, so that a password with an unescaped '@', '#' or '/' is
// hidden whole: everything between "://" and the last '@' is userinfo.
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(unparseable)"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if hasPassword {
		user += ":xxxxx"
	}
	return scheme + "://" + user + "@" + rest[at+1:]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// lookup reads variables and collects parse errors so that Load reports them all.
type lookup struct {
	getenv func(string) string
	errs   []error
}

func (l *lookup) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE (for Docker and Kubernetes
// secrets).
func (l *lookup) secret(name, def string) string {
	if path := l.getenv(name + "_FILE"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			l.errs = append(l.errs, fmt.Errorf("%s_FILE: %w", name, err))
			return ""
		}
		return strings.TrimSpace(string(data))
	}
	return l.str(name, def)
}

func (l *lookup) integer(name string, def int) int {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		l.errs = append(l.errs, fmt.Errorf("%s: want a whole number, got %q", name, v))
	}
	return n
}

func (l *lookup) duration(name string, def time.Duration) time.Duration {
	v := l.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		l.errs = append(l.errs, fmt.Errorf("%s: want a duration such as 2s, got %q", name, v))
	}
	return d
}
