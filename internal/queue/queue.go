// Package queue carries crier's send work over Redis with asynq: the task type
// and payload, the relay that moves pending messages from the Postgres ledger
// into the queue, and the worker server. Redis only carries work; the ledger
// decides what is sent, so a flushed Redis loses nothing.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/crier-dev/crier/internal/store"
)

// TypeSend is the task type that sends one message.
const TypeSend = "message:send"

// MaxRetry is how often a temporary failure is retried before the message fails.
const MaxRetry = 8

type sendPayload struct {
	MessageID int64 `json:"message_id"`
}

// TaskID is the asynq task ID of a message: the same message can never be in
// the queue twice.
func TaskID(messageID int64) string {
	return "message:" + strconv.FormatInt(messageID, 10)
}

// Names are the queue names of a deployment: one per channel, so that e-mail
// and SMS are throttled and scaled apart.
type Names struct {
	Prefix string
}

// For returns the queue of a channel.
func (n Names) For(channel string) string { return n.Prefix + channel }

// Enqueuer puts messages into the queue.
type Enqueuer struct {
	client    *asynq.Client
	inspector *asynq.Inspector // nil: a taken task ID counts as not queued
	names     Names
}

// NewEnqueuer returns an enqueuer using client.
func NewEnqueuer(client *asynq.Client, names Names) *Enqueuer {
	return &Enqueuer{client: client, names: names}
}

// WithInspector lets EnqueueNew look at the task holding a taken task ID, so
// that a message whose task waits in the queue counts as queued.
func (e *Enqueuer) WithInspector(inspector *asynq.Inspector) *Enqueuer {
	e.inspector = inspector
	return e
}

// Enqueue adds a send task per message. A message whose task is in the queue
// already is not added again.
func (e *Enqueuer) Enqueue(ctx context.Context, due []store.DueMessage) error {
	_, err := e.EnqueueNew(ctx, due)
	return err
}

// EnqueueNew is Enqueue that also returns the IDs of the messages a task will
// run for: the ones whose task it created, and those whose task ID is taken by
// a task that waits in the queue. A task ID taken by a task being handled
// right now does not count: that task may be finishing without sending (its
// campaign paused), which would leave a queued message with no task.
func (e *Enqueuer) EnqueueNew(ctx context.Context, due []store.DueMessage) ([]int64, error) {
	queued := make([]int64, 0, len(due))
	for _, m := range due {
		payload, err := json.Marshal(sendPayload{MessageID: m.ID})
		if err != nil {
			return queued, fmt.Errorf("encode task of message %d: %w", m.ID, err)
		}
		task := asynq.NewTask(TypeSend, payload, asynq.TaskID(TaskID(m.ID)),
			asynq.Queue(e.names.For(m.Channel)), asynq.MaxRetry(MaxRetry),
			asynq.Timeout(2*time.Minute))
		_, err = e.client.EnqueueContext(ctx, task)
		switch {
		case err == nil:
			queued = append(queued, m.ID)
		case !errors.Is(err, asynq.ErrTaskIDConflict):
			return queued, fmt.Errorf("enqueue message %d: %w", m.ID, err)
		case e.waiting(m):
			queued = append(queued, m.ID)
		}
	}
	return queued, nil
}

// waiting reports whether the task of m is in the queue and not being
// handled; false when that cannot be told.
func (e *Enqueuer) waiting(m store.DueMessage) bool {
	if e.inspector == nil {
		return false
	}
	info, err := e.inspector.GetTaskInfo(e.names.For(m.Channel), TaskID(m.ID))
	return err == nil && info.State != asynq.TaskStateActive
}

// Relay moves pending messages from the ledger into the queue.
type Relay struct {
	store      *store.Store
	enqueuer   *Enqueuer
	reconciler *Reconciler // nil: no reconciliation
	watch      *LossWatch  // nil: a lost queue waits for the reconciler
	logger     *slog.Logger
	batch      int
}

// ReconcileEvery is how often Run reconciles the ledger with the queue.
const ReconcileEvery = 30 * time.Second

// WithReconciler makes Run also reconcile the ledger with the queue.
func (r *Relay) WithReconciler(rec *Reconciler) *Relay {
	r.reconciler = rec
	return r
}

// WithLossWatch makes Run requeue every queued message at once when the watch
// sees that Redis lost the queue. It needs a reconciler (WithReconciler).
func (r *Relay) WithLossWatch(w *LossWatch) *Relay {
	r.watch = w
	return r
}

// NewRelay returns a relay that moves batches of messages.
func NewRelay(st *store.Store, enqueuer *Enqueuer, logger *slog.Logger) *Relay {
	return &Relay{store: st, enqueuer: enqueuer, logger: logger, batch: 500}
}

// Once relays every message that is due now and returns how many it queued.
// It stops at a round that queued less than a batch, so that messages left
// pending (their task ID still taken) wait for the next call.
func (r *Relay) Once(ctx context.Context) (int, error) {
	total := 0
	for {
		enqueue := func(due []store.DueMessage) ([]int64, error) {
			return r.enqueuer.EnqueueNew(ctx, due)
		}
		n, err := r.store.MessagesRelay(ctx, r.batch, enqueue)
		total += n
		if err != nil || n < r.batch {
			return total, err
		}
	}
}

// Run relays every interval, and reconciles every ReconcileEvery, until ctx
// is done.
func (r *Relay) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var reconciled time.Time
	for {
		r.recoverLostQueue(ctx)
		n, err := r.Once(ctx)
		if err != nil && ctx.Err() == nil {
			r.logger.WarnContext(ctx, "Relay round failed; will retry", "error", err)
		} else if n > 0 {
			r.logger.InfoContext(ctx, "Relayed messages", "count", n)
		}
		if r.reconciler != nil && time.Since(reconciled) >= ReconcileEvery {
			r.reconcile(ctx)
			reconciled = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// recoverLostQueue requeues every queued message when Redis lost the queue
// since the last round.
func (r *Relay) recoverLostQueue(ctx context.Context) {
	if r.watch == nil || r.reconciler == nil {
		return
	}
	lost, err := r.watch.Lost(ctx)
	if err != nil || !lost {
		return // Redis down: the relay round says so
	}
	n, err := r.reconciler.RequeueAll(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.logger.WarnContext(ctx, "Requeue after a lost queue failed; will retry", "error", err)
		}
		_ = r.watch.Forget(context.WithoutCancel(ctx)) // best effort; else the reconciler finds them
		return
	}
	if n > 0 {
		r.logger.WarnContext(ctx, "Redis lost the queue (flushed or restarted); requeued "+
			"the queued messages from the ledger", "count", n)
	}
}

func (r *Relay) reconcile(ctx context.Context) {
	res, err := r.reconciler.Once(ctx)
	if err != nil && ctx.Err() == nil {
		r.logger.WarnContext(ctx, "Reconcile round failed; will retry", "error", err)
	}
	if res.Requeued > 0 || res.Unknown > 0 {
		r.logger.WarnContext(ctx, "Reconciled messages whose task was lost",
			"requeued", res.Requeued, "unknown", res.Unknown)
	}
}

// Sender sends one message; lastAttempt says no retry follows.
type Sender interface {
	Send(ctx context.Context, messageID int64, lastAttempt bool) error
}

// NewHandler returns the asynq handler of send tasks: decode, send, return.
func NewHandler(sender Sender) asynq.Handler {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeSend, func(ctx context.Context, t *asynq.Task) error {
		var p sendPayload
		if err := json.Unmarshal(t.Payload(), &p); err != nil || p.MessageID == 0 {
			return fmt.Errorf("task %s: bad payload: %w", TypeSend, asynq.SkipRetry)
		}
		retried, _ := asynq.GetRetryCount(ctx)
		maxRetry, _ := asynq.GetMaxRetry(ctx)
		return sender.Send(ctx, p.MessageID, retried >= maxRetry)
	})
	return mux
}

// ServerConfig configures a worker server.
type ServerConfig struct {
	Names       Names
	Concurrency int
	Logger      *slog.Logger
}

// NewServer returns an asynq server that works the e-mail and SMS queues. Its
// retries back off exponentially with jitter: about 2s, 4s, 8s … up to 5 min.
func NewServer(redis asynq.RedisConnOpt, cfg ServerConfig) *asynq.Server {
	return asynq.NewServer(redis, asynq.Config{
		Concurrency: cfg.Concurrency,
		Queues: map[string]int{
			cfg.Names.For("email"): 1,
			cfg.Names.For("sms"):   1,
		},
		RetryDelayFunc:  backoff,
		ShutdownTimeout: 20 * time.Second,
		Logger:          asynqLogger{cfg.Logger},
		LogLevel:        asynq.WarnLevel,
	})
}

func backoff(n int, _ error, _ *asynq.Task) time.Duration {
	d := min(2*time.Second<<min(n, 8), 5*time.Minute)
	return d/2 + rand.N(d/2+1)
}

// asynqLogger adapts slog to asynq's logger.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
