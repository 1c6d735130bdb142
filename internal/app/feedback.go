package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"time"

	"github.com/hibiken/asynq"
	"golang.org/x/sync/errgroup"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/feedback"
	"github.com/crier-dev/crier/internal/metrics"
	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/web"
)

// Policy returns the outcome rules of the configuration.
func Policy(cfg config.Config) bounce.Policy {
	return bounce.Policy{SoftLimit: cfg.Feedback.SoftBounceLimit,
		SoftWindow: time.Duration(cfg.Feedback.SoftBounceDays) * 24 * time.Hour}.WithDefaults()
}

// NewFeedbackRouter returns the router that applies bounces and provider
// events to the ledger.
func NewFeedbackRouter(cfg config.Config, st *store.Store, logger *slog.Logger) *feedback.Router {
	return feedback.NewRouter(st, feedback.Config{VERP: VERP(cfg), Policy: Policy(cfg)}, logger)
}

// RunServe runs `crier serve` until ctx is done: the HTTP server (webhooks,
// unsubscribe, /metrics) and, when a bounce domain is configured, the inbound
// SMTP receiver for bounce mail.
func RunServe(ctx context.Context, cfg config.Config, st *store.Store, fsys fs.FS, logger *slog.Logger) error {
	opt, err := Redis(cfg)
	if err != nil {
		return err
	}
	inspector := asynq.NewInspector(opt)
	defer inspector.Close()
	srv, closeApp, err := NewWebApp(cfg, st, fsys, logger)
	if err != nil {
		return err
	}
	defer closeApp() //nolint:errcheck // closing the queue client on the way out
	srv.WithMetrics(NewMetrics(cfg, st, inspector, logger).Handler())

	// Listen before saying "Serving": a taken or bad address fails here.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on CRIER_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	logger.InfoContext(ctx, "Serving", "addr", ln.Addr().String(), "public_url", cfg.PublicURL)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Serve(ctx, ln) })
	if cfg.Feedback.BounceDomain != "" && cfg.Feedback.InboundSMTPAddr != "" {
		rc := feedback.NewReceiver(NewFeedbackRouter(cfg, st, logger), cfg.Feedback.BounceDomain, logger)
		g.Go(func() error { return rc.ListenAndServe(ctx, cfg.Feedback.InboundSMTPAddr) })
	}
	return g.Wait()
}

// HooksConfig returns the webhook settings of the configuration.
func HooksConfig(cfg config.Config, st *store.Store, logger *slog.Logger) web.HooksConfig {
	f := cfg.Feedback
	return web.HooksConfig{Router: NewFeedbackRouter(cfg, st, logger),
		SESTopicARNs: f.SESTopicARNs, SendGridPublicKey: f.SendGridPublicKey,
		PostmarkAuth: f.PostmarkAuth, MailgunSigningKey: f.MailgunSigningKey}
}

// ledgerCounts adapts the store to metrics.Ledger.
type ledgerCounts struct{ st *store.Store }

func (l ledgerCounts) MessageCounts(ctx context.Context) ([]metrics.LedgerCount, error) {
	counts, err := l.st.MessageCounts(ctx)
	out := make([]metrics.LedgerCount, len(counts))
	for i, c := range counts {
		out[i] = metrics.LedgerCount(c)
	}
	return out, err
}

// NewMetrics returns the metrics registry of a process: ledger counts and,
// when inspector is not nil, the depth of the configured queues.
func NewMetrics(cfg config.Config, st *store.Store, inspector metrics.Queue,
	logger *slog.Logger) *metrics.Registry {
	names := queue.Names{Prefix: cfg.QueuePrefix}
	return metrics.New(ledgerCounts{st}, inspector, []string{names.For("email"), names.For("sms")},
		logger)
}

// serveWorkerMetrics serves a worker's /metrics on CRIER_METRICS_ADDR until
// ctx is done. A second worker on the same machine finds the port taken: it
// says so and goes on sending, since metrics are no reason to stop.
func serveWorkerMetrics(ctx context.Context, cfg config.Config, reg *metrics.Registry,
	logger *slog.Logger) {
	if cfg.Feedback.MetricsAddr == "" {
		return
	}
	go func() {
		if err := reg.Serve(ctx, cfg.Feedback.MetricsAddr); err != nil {
			logger.WarnContext(ctx, "Worker metrics not served; set CRIER_METRICS_ADDR per worker",
				"addr", cfg.Feedback.MetricsAddr, "error", err)
		}
	}()
}
