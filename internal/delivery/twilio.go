package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// defaultTwilioTimeout bounds one API call when TwilioConfig.HTTPClient has
// no Timeout of its own.
const defaultTwilioTimeout = 15 * time.Second

// TwilioConfig configures a TwilioSender.
type TwilioConfig struct {
	// AccountSID and AuthToken authenticate the API calls (HTTP Basic).
	AccountSID string
	// AuthToken is the account's auth token.
	AuthToken string
	// From is the sending number; used when MessagingServiceSID is empty.
	From string
	// MessagingServiceSID, when set, is sent instead of From.
	MessagingServiceSID string
	// APIURL replaces https://api.twilio.com (scheme, host and an optional
	// path prefix), e.g. http://127.0.0.1:8026 for the devsink; "" keeps Twilio.
	APIURL string
	// HTTPClient supplies the base transport and timeout; nil means
	// http.DefaultTransport and 15s. Redirects are never followed.
	HTTPClient *http.Client
	// Logger receives debug records (message IDs and SIDs only); nil discards.
	Logger *slog.Logger
}

// TwilioSender sends SMS through Twilio's Messages API (2010-04-01) using
// twilio-go. It is safe for concurrent use.
type TwilioSender struct {
	sid, token, from, service string
	api                       *url.URL // nil: talk to Twilio itself
	base                      http.RoundTripper
	jar                       http.CookieJar
	timeout                   time.Duration
	log                       *slog.Logger
}

// NewTwilioSender validates cfg and returns a sender. It does not connect.
func NewTwilioSender(cfg TwilioConfig) (*TwilioSender, error) {
	if !alnum(cfg.AccountSID) || !alnum(cfg.AuthToken) {
		return nil, errors.New("twilio: account SID and auth token are required (letters and digits only)")
	}
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		return nil, errors.New("twilio: a From number or a messaging service SID is required")
	}
	s := &TwilioSender{
		sid: cfg.AccountSID, token: cfg.AuthToken, from: cfg.From, service: cfg.MessagingServiceSID,
		base: http.DefaultTransport, timeout: defaultTwilioTimeout, log: cfg.Logger,
	}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("twilio: API URL %q must be http(s)://host[:port][/prefix]", cfg.APIURL)
		}
		s.api = u
	}
	if hc := cfg.HTTPClient; hc != nil {
		if hc.Transport != nil {
			s.base = hc.Transport
		}
		if hc.Timeout > 0 {
			s.timeout = hc.Timeout
		}
		s.jar = hc.Jar
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// SendSMS creates one message. On success the Receipt carries the message
// SID. A non-nil error is an *Error; see classifyTwilio for the mapping.
func (s *TwilioSender) SendSMS(ctx context.Context, m SMS) (Receipt, error) {
	if err := checkSMS(m); err != nil {
		return Receipt{}, s.failed(m.MessageID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	st := &callState{}
	params := &openapi.CreateMessageParams{}
	params.SetTo(m.To).SetBody(m.Body)
	if s.service != "" {
		params.SetMessagingServiceSid(s.service)
	} else {
		params.SetFrom(s.from)
	}
	if m.StatusCallback != "" {
		params.SetStatusCallback(m.StatusCallback)
	}
	msg, err := s.service2010(ctx, st).CreateMessage(params)
	if err != nil {
		return Receipt{}, s.failed(m.MessageID, classifyTwilio(err, st))
	}
	if msg == nil || msg.Sid == nil || *msg.Sid == "" {
		return Receipt{}, s.failed(m.MessageID, &Error{Channel: ChannelSMS, Kind: Ambiguous, op: "accepted without a message SID"})
	}
	s.log.Debug("sms sent", "message_id", m.MessageID, "sid", *msg.Sid)
	return Receipt{ProviderID: *msg.Sid}, nil
}

// service2010 builds a twilio-go API service for one call. twilio-go builds
// its requests without a context, so each call gets its own http.Client whose
// transport attaches ctx, records what happened on the wire into st, and
// rewrites api.twilio.com to APIURL. The base transport (and its connection
// pool) is shared; the rest is a few small allocations.
func (s *TwilioSender) service2010(ctx context.Context, st *callState) *openapi.ApiService {
	hc := &http.Client{
		Transport:     &callTransport{ctx: ctx, base: s.base, api: s.api, st: st},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Jar:           s.jar,
	}
	c := &client.Client{Credentials: client.NewCredentials(s.sid, s.token), HTTPClient: hc}
	c.SetAccountSid(s.sid)
	return openapi.NewApiServiceWithClient(c)
}

// checkSMS rejects messages that cannot be sent as they are.
func checkSMS(m SMS) *Error {
	if len(m.To) < 2 || m.To[0] != '+' || strings.ContainsAny(m.To, " \r\n\t") {
		return &Error{Channel: ChannelSMS, Kind: Permanent, op: "recipient is not an E.164 number"}
	}
	if strings.TrimSpace(m.Body) == "" {
		return &Error{Channel: ChannelSMS, Kind: Config, op: "empty body"}
	}
	if m.StatusCallback != "" {
		u, err := url.Parse(m.StatusCallback)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{Channel: ChannelSMS, Kind: Config, Err: err, op: "status callback is not an absolute http(s) URL"}
		}
	}
	return nil
}

// failed logs err (IDs and codes only) and returns it.
func (s *TwilioSender) failed(messageID int64, err *Error) error {
	s.log.Debug("sms not sent", "message_id", messageID, "kind", err.Kind.String(), "code", err.Code)
	return err
}

// alnum reports whether s is non-empty letters and digits, as Twilio requires
// of credentials.
func alnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}
