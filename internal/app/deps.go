package app

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/web"
)

// Redis returns asynq's connection options for the configured Redis.
func Redis(cfg config.Config) (asynq.RedisConnOpt, error) {
	opt, err := asynq.ParseRedisURI(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("CRIER_REDIS_URL: %w", err)
	}
	return opt, nil
}

// PingRedis checks that the configured Redis answers, so that a worker with
// Redis down fails at start instead of retrying in its logs.
func PingRedis(ctx context.Context, cfg config.Config) error {
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("CRIER_REDIS_URL: %w", err)
	}
	client := redis.NewClient(opt)
	defer client.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("CRIER_REDIS_URL: Redis at %s does not answer: %w", opt.Addr, err)
	}
	return nil
}

// NewRelay returns a relay over the configured queue that also reconciles the
// ledger with the queue; close the returned closer when done.
func NewRelay(cfg config.Config, st *store.Store, logger *slog.Logger) (*queue.Relay, io.Closer, error) {
	opt, err := Redis(cfg)
	if err != nil {
		return nil, nil, err
	}
	names := queue.Names{Prefix: cfg.QueuePrefix}
	client := asynq.NewClient(opt)
	inspector := asynq.NewInspector(opt)
	enq := queue.NewEnqueuer(client, names).WithInspector(inspector)
	watch, err := queue.NewLossWatch(opt, names)
	if err != nil {
		_, _ = client.Close(), inspector.Close()
		return nil, nil, err
	}
	relay := queue.NewRelay(st, enq, logger).
		WithReconciler(queue.NewReconciler(st, enq, inspector, names)).
		WithLossWatch(watch)
	return relay, closers{client, inspector, watch}, nil
}

// closers closes several things, returning the first error.
type closers []io.Closer

func (c closers) Close() error {
	var first error
	for _, x := range c {
		if err := x.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Links returns the signed-link builder of the configuration.
func Links(cfg config.Config) *campaign.Links {
	return campaign.NewLinks(cfg.PublicURL, []byte(cfg.SecretKey)).
		WithReturnPaths(VERP(cfg))
}

// VERP returns the per-message return paths of the configuration, nil when
// no bounce domain is set.
func VERP(cfg config.Config) *bounce.VERP {
	return bounce.NewVERP(cfg.Feedback.BounceDomain, []byte(cfg.SecretKey))
}

// maxParallelBatches caps the batch tasks one worker runs at once. Each
// e-mail batch holds one SMTP connection; more than a handful of connections
// per worker only makes the mail server juggle.
const maxParallelBatches = 8

// Lanes splits a worker's concurrency (the messages it may have in flight)
// into batch tasks run at once and the window each claims at a time.
func Lanes(concurrency int) (tasks, window int) {
	tasks = max(1, min(concurrency, maxParallelBatches))
	return tasks, max(1, concurrency/tasks)
}

// RunWorker sends messages until ctx is done: an asynq server working the
// e-mail and SMS queues and a relay that keeps moving pending messages from the
// ledger into the queue, and marks finished the campaigns whose messages are
// all settled. Any number of workers may run at once.
func RunWorker(ctx context.Context, cfg config.Config, st *store.Store, fsys fs.FS,
	logger *slog.Logger) error {
	if err := PingRedis(ctx, cfg); err != nil {
		return err
	}
	tasks, window := Lanes(cfg.Concurrency)
	smtp, err := delivery.NewSMTPSender(delivery.SMTPConfig{URL: cfg.SMTPURL, Logger: logger,
		MaxIdle: tasks})
	if err != nil {
		return err
	}
	defer smtp.Close()
	sms, err := delivery.NewTwilioSender(delivery.TwilioConfig{
		AccountSID: cfg.Twilio.AccountSID, AuthToken: cfg.Twilio.AuthToken, From: cfg.Twilio.From,
		MessagingServiceSID: cfg.Twilio.MessagingServiceSID, APIURL: cfg.Twilio.APIURL,
		HTTPClient: &http.Client{Transport: twilioTransport(cfg.Concurrency)},
		Logger:     logger,
	})
	if err != nil {
		return err
	}
	relay, client, err := NewRelay(cfg, st, logger)
	if err != nil {
		return err
	}
	defer client.Close()
	limiter, rdb, err := newLimiter(cfg)
	if err != nil {
		return err
	}
	defer rdb.Close()
	opt, _ := Redis(cfg) // parsed above by NewRelay

	inspector := asynq.NewInspector(opt)
	defer inspector.Close()
	reg := NewMetrics(cfg, st, inspector, logger)
	serveWorkerMetrics(ctx, cfg, reg, logger)

	dispatcher := campaign.NewDispatcher(st, reg.Email(smtp), reg.SMS(sms),
		func(slug string) (*campaign.Campaign, error) { return campaign.Load(fsys, slug) },
		campaign.DispatcherConfig{MailFrom: cfg.MailFrom, PublicURL: cfg.PublicURL,
			Links: Links(cfg), Window: window, Limiter: limiter},
		logger)
	srv := queue.NewServer(opt, queue.ServerConfig{Names: queue.Names{Prefix: cfg.QueuePrefix},
		Concurrency: tasks, Logger: logger})
	if err := srv.Start(queue.NewHandler(dispatcher)); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	logger.InfoContext(ctx, "Worker started", "concurrency", cfg.Concurrency,
		"batches_at_once", tasks, "window", window, "queues", cfg.QueuePrefix+"{email,sms}")
	finisherDone := make(chan struct{})
	go func() {
		defer close(finisherDone)
		runFinisher(ctx, st, max(cfg.RelayInterval, time.Second), logger)
	}()
	relay.Run(ctx, cfg.RelayInterval)
	<-finisherDone
	srv.Shutdown()
	logger.InfoContext(context.WithoutCancel(ctx), "Worker stopped")
	return nil
}

// twilioTransport keeps as many connections to Twilio open as the worker has
// requests in flight: Go's default of two idle connections per host would
// open and close one per message.
func twilioTransport(inFlight int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = inFlight, inFlight
	return t
}

// newLimiter returns the Redis-kept rate limiter of the configuration and
// the Redis client it uses, to close when done.
func newLimiter(cfg config.Config) (*delivery.RateLimiter, *redis.Client, error) {
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("CRIER_REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opt)
	return delivery.NewRateLimiter(rdb, cfg.QueuePrefix, map[string]int{
		campaign.ChannelEmail: cfg.SMTPRate, campaign.ChannelSMS: cfg.SMSRate,
	}), rdb, nil
}

// NewWebServer returns the HTTP server of the configuration.
func NewWebServer(cfg config.Config, st *store.Store, logger *slog.Logger) *web.Server {
	return web.NewServer(st, web.Config{PublicURL: cfg.PublicURL,
		TwilioAuthToken: cfg.Twilio.AuthToken, Links: Links(cfg),
		Hooks: HooksConfig(cfg, st, logger)}, logger)
}
