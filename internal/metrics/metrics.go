// Package metrics exposes crier's Prometheus metrics: messages in the ledger
// by channel, status and reason, the queue's depth, send latency and provider
// errors. Ledger and queue figures are read when Prometheus scrapes, so every
// process (serve or worker) reports the same truth; latency and errors are
// counted where sends happen.
package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// LedgerCount is one group of messages.
type LedgerCount struct {
	Channel string
	Status  string
	Reason  string // skip reason or error code; "" for none
	Count   int
}

// Ledger reads message counts from the ledger.
type Ledger interface {
	MessageCounts(ctx context.Context) ([]LedgerCount, error)
}

// Queue reads a queue's state; *asynq.Inspector is one.
type Queue interface {
	GetQueueInfo(queue string) (*asynq.QueueInfo, error)
}

// Registry holds crier's metrics and serves them.
type Registry struct {
	reg     *prometheus.Registry
	latency *prometheus.HistogramVec
	sends   *prometheus.CounterVec
	errors  *prometheus.CounterVec
}

// New returns a registry with the process and Go collectors and crier's own.
// ledger and queue may be nil (a process without them reports no such
// figures); queues names the queues to report.
func New(ledger Ledger, queue Queue, queues []string, logger *slog.Logger) *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "crier_send_duration_seconds",
		Help:    "Time to hand one message to the provider (SMTP server or Twilio), by channel.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
	}, []string{"channel"})
	r.sends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "crier_sends_total",
		Help: "Messages handed to a provider, by channel and result (ok or error).",
	}, []string{"channel", "result"})
	r.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "crier_provider_errors_total",
		Help: "Provider errors by channel and kind (temporary, permanent, ambiguous, config).",
	}, []string{"channel", "kind"})
	r.reg.MustRegister(r.latency, r.sends, r.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if ledger != nil {
		r.reg.MustRegister(&ledgerCollector{ledger: ledger, logger: logger})
	}
	if queue != nil {
		r.reg.MustRegister(&queueCollector{queue: queue, names: queues, logger: logger})
	}
	return r
}

// Handler serves the metrics in Prometheus' text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// Serve serves /metrics on addr until ctx is done.
func (r *Registry) Serve(ctx context.Context, addr string) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", r.Handler())
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	stop := context.AfterFunc(ctx, func() { _ = srv.Close() })
	defer stop()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var (
	messagesDesc = prometheus.NewDesc("crier_messages",
		"Messages in the ledger of current campaigns, by channel, status and reason.",
		[]string{"channel", "status", "reason"}, nil)
	queueDesc = prometheus.NewDesc("crier_queue_tasks",
		"Tasks in an asynq queue, by state.", []string{"queue", "state"}, nil)
	queueLatencyDesc = prometheus.NewDesc("crier_queue_latency_seconds",
		"Age of the oldest pending task of a queue.", []string{"queue"}, nil)
	scrapeErrorDesc = prometheus.NewDesc("crier_scrape_error",
		"1 when reading a source for this scrape failed.", []string{"source"}, nil)
)

type ledgerCollector struct {
	ledger Ledger
	logger *slog.Logger
}

func (c *ledgerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- messagesDesc
	ch <- scrapeErrorDesc
}

func (c *ledgerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.ledger.MessageCounts(ctx)
	failed := 0.0
	if err != nil {
		c.logger.Warn("Metrics: ledger counts failed", "error", err)
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrorDesc, prometheus.GaugeValue, failed, "ledger")
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(messagesDesc, prometheus.GaugeValue, float64(n.Count),
			n.Channel, n.Status, n.Reason)
	}
}

type queueCollector struct {
	queue  Queue
	names  []string
	logger *slog.Logger
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDesc
	ch <- queueLatencyDesc
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	for _, name := range c.names {
		info, err := c.queue.GetQueueInfo(name)
		if err != nil {
			// A queue nobody enqueued to yet does not exist in Redis.
			c.logger.Debug("Metrics: queue info", "queue", name, "error", err)
			continue
		}
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active,
			"scheduled": info.Scheduled, "retry": info.Retry, "archived": info.Archived} {
			ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), name, state)
		}
		ch <- prometheus.MustNewConstMetric(queueLatencyDesc, prometheus.GaugeValue,
			info.Latency.Seconds(), name)
	}
}
