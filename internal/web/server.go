// Package web is crier's HTTP side: provider webhooks (Twilio status
// callbacks), the unsubscribe page, health checks, and the web app (ui.go:
// sign-in, each role's pages and the JSON API).
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/store"
)

// Store is what the web handlers need from the database.
type Store interface {
	MessageProviderID(ctx context.Context, id int64) (string, error)
	MessageDelivered(ctx context.Context, id int64) error
	MessageBounced(ctx context.Context, p store.BounceParams) error
	EventRecord(ctx context.Context, provider, kind string, messageID int64, payload any) error
	ContactUnsubscribe(ctx context.Context, messageID int64) error
}

// Config are the settings of the HTTP server.
type Config struct {
	// PublicURL is the base URL Twilio was given for callbacks; signatures are
	// checked against it, not against the Host header of the request.
	PublicURL string
	// TwilioAuthToken verifies X-Twilio-Signature.
	TwilioAuthToken string
	Links           *campaign.Links
	// Hooks configures the provider webhooks, inbound SMS and /metrics.
	Hooks HooksConfig
}

// Server holds the handlers' dependencies.
type Server struct {
	store  Store
	cfg    Config
	logger *slog.Logger
	ui     *UI // the web app's pages and API; nil serves webhooks only
}

// NewServer returns the server.
func NewServer(st Store, cfg Config, logger *slog.Logger) *Server {
	return &Server{store: st, cfg: cfg, logger: logger}
}

// WithUI adds the web app (pages, sign-in, /api/v1) to the server.
func (s *Server) WithUI(ui *UI) *Server {
	s.ui = ui
	return s
}

// WithMetrics serves h at /metrics.
func (s *Server) WithMetrics(h http.Handler) *Server {
	s.cfg.Hooks.Metrics = h
	return s
}

// Handler returns the route table.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n")) //nolint:errcheck // the client may be gone
	})
	mux.HandleFunc("POST /webhooks/twilio/status", s.twilioStatus)
	mux.HandleFunc("GET /u/{token}", s.unsubscribePage)
	mux.HandleFunc("POST /u/{token}", s.unsubscribe)
	s.routeHooks(mux)

	// The web app: pages, sign-in and /api/v1 (ui.go holds its route table).
	if s.ui != nil {
		s.ui.Register(mux)
	}
	return http.MaxBytesHandler(mux, 1<<20)
}

// ListenAndServe serves on addr until ctx is done, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on CRIER_HTTP_ADDR %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
