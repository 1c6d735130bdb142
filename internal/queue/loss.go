package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// LossWatch notices that Redis lost the queue — flushed, restarted without
// persistence, or replaced — by a marker key it keeps there: the marker goes
// with the tasks. Without it, a queued message whose task was lost would wait
// for the reconciler's age limit (minutes) before it is sent.
type LossWatch struct {
	client redis.UniversalClient
	key    string
}

// NewLossWatch returns a watch on the Redis of opt for the queues of names.
// Close it when done.
func NewLossWatch(opt asynq.RedisConnOpt, names Names) (*LossWatch, error) {
	client, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, errors.New("queue: asynq made a Redis client of an unexpected type")
	}
	return &LossWatch{client: client, key: names.Prefix + "relay:marker"}, nil
}

// Lost reports whether the marker was missing — the queue may have lost
// tasks since the last look, or Redis is new — and puts it back. Of several
// workers looking at once, one is told.
func (w *LossWatch) Lost(ctx context.Context) (bool, error) {
	set, err := w.client.SetNX(ctx, w.key, time.Now().UTC().Format(time.RFC3339), 0).Result()
	if err != nil {
		return false, fmt.Errorf("check queue marker: %w", err)
	}
	return set, nil
}

// Forget removes the marker, so that the next look reports a loss again: for
// a recovery that did not finish.
func (w *LossWatch) Forget(ctx context.Context) error {
	if err := w.client.Del(ctx, w.key).Err(); err != nil {
		return fmt.Errorf("remove queue marker: %w", err)
	}
	return nil
}

// Close closes the watch's connections.
func (w *LossWatch) Close() error { return w.client.Close() }

// RequeueAll gives every queued message of a running campaign whose task is
// gone a task again, at once and regardless of age, after Redis lost the
// queue: in batches, as the relay makes them, and the ledger learns each
// message's new task. A message whose task is in the queue still is left as it
// is (each task is looked up once), and a message that two tasks carry is sent
// once (the ledger's claim decides). It returns how many messages it requeued.
func (r *Reconciler) RequeueAll(ctx context.Context) (int, error) {
	const page = 500
	var after int64
	total := 0
	for {
		queued, err := r.store.MessagesQueued(ctx, after, page)
		if err != nil {
			return total, err
		}
		if len(queued) == 0 {
			return total, nil
		}
		lost, err := r.lost(queued)
		if err != nil {
			return total, err
		}
		n, err := r.requeue(ctx, lost)
		total += n
		if err != nil {
			return total, err
		}
		if len(queued) < page {
			return total, nil
		}
		after = queued[len(queued)-1].ID
	}
}
