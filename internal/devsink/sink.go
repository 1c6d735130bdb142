package devsink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Defaults for Config.
const (
	defaultSMTPAddr      = "127.0.0.1:2525"
	defaultTwilioAddr    = "127.0.0.1:8026"
	defaultCallbackDelay = 50 * time.Millisecond
)

// Config configures a Sink.
type Config struct {
	// SMTPAddr is where the SMTP server listens; "" means 127.0.0.1:2525 and
	// port 0 picks a free port.
	SMTPAddr string
	// TwilioAddr is where the Twilio API listens; "" means 127.0.0.1:8026.
	TwilioAddr string
	// AccountSID and AuthToken are the credentials the fake Twilio API
	// requires (HTTP Basic); callbacks are signed with AuthToken.
	AccountSID string
	// AuthToken is the fake account's auth token.
	AuthToken string
	// Rules decide which recipients bounce or fail.
	Rules Rules
	// CallbackDelay is the wait before status callbacks are posted; 0 means
	// 50ms.
	CallbackDelay time.Duration
	// Dir, when set, receives every accepted mail as NNNNNN.eml (one file per
	// recipient).
	Dir string
	// Faults make the servers misbehave on purpose (see Faults); the zero
	// value injects none.
	Faults Faults
	// Logger receives the sink's records; nil discards them.
	Logger *slog.Logger
	// CountOnly keeps counts instead of messages (see Stats): accepted mail is
	// read and dropped, an SMS is kept only until its callbacks are posted (so
	// fetching one answers 404), finished callbacks are counted, not kept, and
	// nothing is logged per message. It is for benchmarks, where holding
	// 100,000 messages would measure the sink.
	CountOnly bool
}

// Sink is a local SMTP server plus a fake Twilio API. Its methods are safe
// for concurrent use.
type Sink struct {
	cfg      Config
	log      *slog.Logger
	cbClient *http.Client
	faults   *faultInjector
	cbReady  chan struct{} // wakes a callback poster
	count    counters
	life     context.Context // ended by Close; bounds callback deliveries
	end      context.CancelFunc
	wg       sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	rules     Rules
	emails    []ReceivedEmail
	sms       []*ReceivedSMS
	bySID     map[string]*ReceivedSMS
	callbacks []CallbackResult
	cbQueue   []callbackJob // callbacks not yet posted, in due order
	// postersStarted says the callback posters run.
	postersStarted bool
	pending        int
	idle           chan struct{} // closed while pending == 0
	smtpLn         net.Listener
	httpLn         net.Listener
	smtpSrv        *smtp.Server
	httpSrv        *http.Server
	stopCtx        func() bool
}

// New returns a Sink for cfg; call Start to listen.
func New(cfg Config) *Sink {
	if cfg.SMTPAddr == "" {
		cfg.SMTPAddr = defaultSMTPAddr
	}
	if cfg.TwilioAddr == "" {
		cfg.TwilioAddr = defaultTwilioAddr
	}
	if cfg.CallbackDelay <= 0 {
		cfg.CallbackDelay = defaultCallbackDelay
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	life, end := context.WithCancel(context.Background())
	idle := make(chan struct{})
	close(idle)
	return &Sink{
		cfg: cfg, log: log, life: life, end: end, idle: idle,
		rules: cfg.Rules.clone(), bySID: make(map[string]*ReceivedSMS),
		cbReady: make(chan struct{}, 1),
		cbClient: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			// Callbacks go to one crier server: keep connections to it open
			// rather than opening (and leaving in TIME_WAIT) one per callback.
			MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second,
		}},
		faults: newFaultInjector(cfg.Faults),
	}
}

// Start listens on both addresses and serves in the background. It returns
// once both listeners are open. When ctx ends, the sink closes itself.
func (s *Sink) Start(ctx context.Context) error {
	var lc net.ListenConfig
	smtpLn, err := lc.Listen(ctx, "tcp", s.cfg.SMTPAddr)
	if err != nil {
		return fmt.Errorf("devsink: listen smtp: %w", err)
	}
	httpLn, err := lc.Listen(ctx, "tcp", s.cfg.TwilioAddr)
	if err != nil {
		_ = smtpLn.Close()
		return fmt.Errorf("devsink: listen twilio: %w", err)
	}
	s.mu.Lock()
	if s.closed || s.smtpSrv != nil {
		s.mu.Unlock()
		_, _ = smtpLn.Close(), httpLn.Close()
		return errors.New("devsink: already started or closed")
	}
	s.smtpLn, s.httpLn = smtpLn, httpLn
	s.smtpSrv, s.httpSrv = s.newSMTPServer(), s.newHTTPServer()
	smtpSrv, httpSrv := s.smtpSrv, s.httpSrv
	s.wg.Add(2)
	s.stopCtx = context.AfterFunc(ctx, func() { _ = s.Close() })
	s.mu.Unlock()
	go s.serve("smtp", func() error { return smtpSrv.Serve(faultListener{smtpLn}) })
	go s.serve("twilio", func() error { return httpSrv.Serve(httpLn) })
	s.log.Info("devsink listening", "smtp", s.SMTPURL(), "twilio", s.TwilioURL())
	return nil
}

// serve runs one server until it is closed.
func (s *Sink) serve(name string, run func() error) {
	defer s.wg.Done()
	err := run()
	if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, smtp.ErrServerClosed) &&
		!errors.Is(err, net.ErrClosed) {
		s.log.Error("devsink server stopped", "server", name, "err", err)
	}
}

// Close stops both servers, abandons callbacks not yet posted and waits for
// the sink's goroutines. It is safe to call more than once.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	smtpSrv, httpSrv, stopCtx := s.smtpSrv, s.httpSrv, s.stopCtx
	listeners := []net.Listener{s.smtpLn, s.httpLn}
	s.mu.Unlock()
	if stopCtx != nil {
		stopCtx()
	}
	s.end()
	var errs []error
	if httpSrv != nil {
		errs = append(errs, httpSrv.Close())
	}
	if smtpSrv != nil {
		if err := smtpSrv.Close(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	for _, ln := range listeners {
		if ln != nil {
			// A server whose Serve has not started yet does not know its
			// listener; closing it here makes that Serve return at once.
			_ = ln.Close()
		}
	}
	s.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("devsink: close: %w", err)
	}
	return nil
}

// SMTPURL returns the SMTP server's URL, e.g. smtp://127.0.0.1:2525, for
// CRIER_SMTP_URL. It is "" before Start.
func (s *Sink) SMTPURL() string { return urlFor("smtp", s.listener(true)) }

// TwilioURL returns the API's base URL, e.g. http://127.0.0.1:8026, for
// TwilioConfig.APIURL. It is "" before Start.
func (s *Sink) TwilioURL() string { return urlFor("http", s.listener(false)) }

// listener returns the SMTP or HTTP listener.
func (s *Sink) listener(smtpSide bool) net.Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	if smtpSide {
		return s.smtpLn
	}
	return s.httpLn
}

// urlFor builds scheme://host:port for ln, naming 127.0.0.1 when ln listens
// on all interfaces.
func urlFor(scheme string, ln net.Listener) string {
	if ln == nil {
		return ""
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return scheme + "://" + ln.Addr().String()
	}
	ip := addr.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return scheme + "://" + net.JoinHostPort(ip.String(), fmt.Sprint(addr.Port))
}

// SetRules replaces the rules for messages received from now on.
func (s *Sink) SetRules(r Rules) {
	r = r.clone()
	s.mu.Lock()
	s.rules = r
	s.mu.Unlock()
}
