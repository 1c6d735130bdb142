package app

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/feedback"
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
// unsubscribe, metrics) and, when a bounce domain is configured, the inbound
// SMTP receiver for bounce mail.
func RunServe(ctx context.Context, cfg config.Config, st *store.Store, logger *slog.Logger) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return NewWebServer(cfg, st, logger).ListenAndServe(ctx, cfg.HTTPAddr) })
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
