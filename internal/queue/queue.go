// Package queue carries crier's send work over Redis with asynq: the task type
// and payload, the relay that moves pending messages from the Postgres ledger
// into the queue, and the worker server. Redis only carries work; the ledger
// decides what is sent, so a flushed Redis loses nothing.
package queue

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
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

// TypeSendBatch is the task type that sends a batch of messages of one
// channel. TypeSend is the one-message task of earlier versions; workers still
// run such tasks left in a queue.
const (
	TypeSendBatch = "messages:send"
	TypeSend      = "message:send"
)

// MaxRetry is how often a batch whose messages failed for now is retried.
// Each message also counts its own attempts in the ledger (see
// campaign.MaxAttempts), so a message never outlives its limit by being
// carried in a new batch.
const MaxRetry = 8

// DefaultBatchSize is how many messages one task carries.
const DefaultBatchSize = 200

type sendPayload struct {
	MessageID int64 `json:"message_id"`
}

type batchPayload struct {
	Channel string  `json:"channel"`
	IDs     []int64 `json:"ids"`
}

// TaskID is the asynq task ID of a one-message task of earlier versions.
func TaskID(messageID int64) string {
	return "message:" + strconv.FormatInt(messageID, 10)
}

// BatchTaskID is the asynq task ID of a batch: derived from its channel and
// message IDs, so that the same batch can never be in the queue twice. It
// names the first and last ID, for people reading asynqmon, and a hash of
// them all.
func BatchTaskID(channel string, ids []int64) string {
	h := sha256.New()
	var b [8]byte
	for _, id := range ids {
		binary.BigEndian.PutUint64(b[:], uint64(id))
		h.Write(b[:])
	}
	return fmt.Sprintf("batch:%s:%d-%d:%x", channel, ids[0], ids[len(ids)-1], h.Sum(nil)[:12])
}

// Names are the queue names of a deployment: one per channel, so that e-mail
// and SMS are throttled and scaled apart.
type Names struct {
	Prefix string
}

// For returns the queue of a channel.
func (n Names) For(channel string) string { return n.Prefix + channel }

// Enqueuer puts messages into the queue, in batches of one channel.
type Enqueuer struct {
	client    *asynq.Client
	inspector *asynq.Inspector // nil: a taken task ID counts as not queued
	names     Names
	// BatchSize is how many messages one task carries (DefaultBatchSize).
	BatchSize int
}

// NewEnqueuer returns an enqueuer using client.
func NewEnqueuer(client *asynq.Client, names Names) *Enqueuer {
	return &Enqueuer{client: client, names: names, BatchSize: DefaultBatchSize}
}

// WithInspector lets Enqueue look at the task holding a taken task ID, so
// that the messages of a batch whose task waits in the queue count as queued.
func (e *Enqueuer) WithInspector(inspector *asynq.Inspector) *Enqueuer {
	e.inspector = inspector
	return e
}

// Enqueue adds the messages in batch tasks, one channel per batch, and
// returns the task ID of each message, in order: the task that will run for
// it. A batch whose task is in the queue already is not added again; its
// messages get that task's ID if it waits in the queue, and "" if it is being
// handled right now (or, without an inspector, whatever its state): that task
// may be finishing without sending them (their campaign paused), and marked
// queued they would be left with no task. A message with "" stays pending for
// a later round. One Redis round trip per new batch.
func (e *Enqueuer) Enqueue(ctx context.Context, due []store.DueMessage) ([]string, error) {
	byChannel := map[string][]int{} // channel → indexes into due
	var channels []string
	for i, m := range due {
		if _, ok := byChannel[m.Channel]; !ok {
			channels = append(channels, m.Channel)
		}
		byChannel[m.Channel] = append(byChannel[m.Channel], i)
	}
	tasks := make([]string, len(due))
	for _, channel := range channels {
		idx := byChannel[channel]
		for len(idx) > 0 {
			n := min(len(idx), max(e.BatchSize, 1))
			ids := make([]int64, n)
			for j, i := range idx[:n] {
				ids[j] = due[i].ID
			}
			taskID, err := e.enqueueBatch(ctx, channel, ids)
			if err != nil {
				return nil, err
			}
			for _, i := range idx[:n] {
				tasks[i] = taskID
			}
			idx = idx[n:]
		}
	}
	return tasks, nil
}

// enqueueBatch adds the batch task of ids and returns its ID, or "" when that
// ID is taken by a task that will not run again for them (see Enqueue).
func (e *Enqueuer) enqueueBatch(ctx context.Context, channel string, ids []int64) (string, error) {
	payload, err := json.Marshal(batchPayload{Channel: channel, IDs: ids})
	if err != nil {
		return "", fmt.Errorf("encode batch task: %w", err)
	}
	taskID := BatchTaskID(channel, ids)
	task := asynq.NewTask(TypeSendBatch, payload, asynq.TaskID(taskID),
		asynq.Queue(e.names.For(channel)), asynq.MaxRetry(MaxRetry),
		asynq.Timeout(10*time.Minute))
	for try := 0; ; try++ {
		_, err = e.client.EnqueueContext(ctx, task)
		switch {
		case err == nil:
			return taskID, nil
		case !errors.Is(err, asynq.ErrTaskIDConflict):
			return "", fmt.Errorf("enqueue batch %s: %w", taskID, err)
		}
		switch e.holder(channel, taskID) {
		case holderWaits:
			return taskID, nil
		case holderSpent:
			if try == 0 {
				continue // made way: enqueue once more
			}
		}
		return "", nil
	}
}

// holder is what holds a taken task ID.
type holder int

const (
	holderUnknown holder = iota // being handled, or cannot be told
	holderWaits                 // pending, scheduled or waiting for a retry: will run
	holderSpent                 // archived or completed, now deleted: will not run
)

// holder looks at the task holding taskID in the channel's queue. An archived
// or completed one (its retries ran out) is deleted to make way, as the
// reconciler does.
func (e *Enqueuer) holder(channel, taskID string) holder {
	if e.inspector == nil {
		return holderUnknown
	}
	queue := e.names.For(channel)
	info, err := e.inspector.GetTaskInfo(queue, taskID)
	if err != nil {
		return holderUnknown
	}
	switch info.State {
	case asynq.TaskStatePending, asynq.TaskStateScheduled, asynq.TaskStateRetry:
		return holderWaits
	case asynq.TaskStateArchived, asynq.TaskStateCompleted:
		if err := e.inspector.DeleteTask(queue, taskID); err != nil &&
			!errors.Is(err, asynq.ErrTaskNotFound) {
			return holderUnknown
		}
		return holderSpent
	}
	return holderUnknown
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
	return &Relay{store: st, enqueuer: enqueuer, logger: logger, batch: 5000}
}

// Once relays every message that is due now and returns how many it queued.
// It stops at a round that queued less than a batch, so that messages left
// pending (their task ID still taken) wait for the next call.
func (r *Relay) Once(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := r.store.MessagesRelay(ctx, r.batch, func(due []store.DueMessage) ([]string, error) {
			return r.enqueuer.Enqueue(ctx, due)
		})
		total += n
		if err != nil || n < r.batch {
			return total, err
		}
	}
}

// idleStretch is how far Run stretches its interval while rounds find
// nothing: looking for pending messages walks an index that keeps an entry
// for every message that was ever open until autovacuum runs, 400 ms at
// 200,000 messages, and every worker looks. Launching and resuming relay at
// once themselves; this loop is the safety net.
const idleStretch = 8

// Run relays every interval — up to idleStretch times less often while
// there is nothing to relay — and reconciles every ReconcileEvery, until ctx
// is done.
func (r *Relay) Run(ctx context.Context, interval time.Duration) {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	var reconciled time.Time
	wait := interval
	for {
		r.recoverLostQueue(ctx)
		n, err := r.Once(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.logger.WarnContext(ctx, "Relay round failed; will retry", "error", err)
			wait = interval
		case n > 0:
			r.logger.InfoContext(ctx, "Relayed messages", "count", n)
			wait = interval
		default:
			wait = min(2*wait, idleStretch*interval)
		}
		if r.reconciler != nil && time.Since(reconciled) >= ReconcileEvery {
			r.reconcile(ctx)
			reconciled = time.Now()
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
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

// Sender sends a batch of messages. An error makes asynq retry the batch
// later; the ledger makes sure only what is still due is sent then.
type Sender interface {
	SendBatch(ctx context.Context, ids []int64) error
}

// NewHandler returns the asynq handler of send tasks: decode, send, return.
func NewHandler(sender Sender) asynq.Handler {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeSendBatch, func(ctx context.Context, t *asynq.Task) error {
		var p batchPayload
		if err := json.Unmarshal(t.Payload(), &p); err != nil || len(p.IDs) == 0 {
			return fmt.Errorf("task %s: bad payload: %w", TypeSendBatch, asynq.SkipRetry)
		}
		return sender.SendBatch(ctx, p.IDs)
	})
	mux.HandleFunc(TypeSend, func(ctx context.Context, t *asynq.Task) error {
		var p sendPayload
		if err := json.Unmarshal(t.Payload(), &p); err != nil || p.MessageID == 0 {
			return fmt.Errorf("task %s: bad payload: %w", TypeSend, asynq.SkipRetry)
		}
		return sender.SendBatch(ctx, []int64{p.MessageID})
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

// backoff is the wait before a task's retry n (from 0): exponential with
// jitter, 1–2s, 2–4s … up to 16–32s. A batch's retry count grows each
// time any of its messages failed for now, not with one message's failures
// (each counts its own attempts in the ledger), so a longer cap would hold the
// last messages of a batch for minutes over their neighbours' bad luck.
func backoff(n int, _ error, _ *asynq.Task) time.Duration {
	d := min(2*time.Second<<min(n, 4), 32*time.Second)
	return d/2 + rand.N(d/2+1)
}

// asynqLogger adapts slog to asynq's logger.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
