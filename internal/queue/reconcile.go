package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/crier-dev/crier/internal/store"
)

// Reconciler finds messages the ledger says are on their way but whose task
// Redis no longer holds — lost with a flushed or restarted Redis — and puts
// them right: a queued message gets its task back; a message a worker claimed
// and never recorded becomes unknown, because it may have been sent.
type Reconciler struct {
	store     *store.Store
	enqueuer  *Enqueuer
	inspector *asynq.Inspector
	names     Names
	// Age is how long a message must have sat before it is checked: longer
	// than any task's timeout plus asynq's lease, so live work is never touched.
	Age time.Duration
}

// NewReconciler returns a reconciler over the queues named by names.
func NewReconciler(st *store.Store, enqueuer *Enqueuer, inspector *asynq.Inspector,
	names Names) *Reconciler {
	return &Reconciler{store: st, enqueuer: enqueuer, inspector: inspector, names: names,
		Age: 5 * time.Minute}
}

// ReconcileResult counts what a round repaired.
type ReconcileResult struct {
	Requeued int // queued messages whose task was put back
	Unknown  int // claimed messages recorded as unknown
}

// Once checks up to 500 stale messages of each kind.
func (r *Reconciler) Once(ctx context.Context) (ReconcileResult, error) {
	var res ReconcileResult
	queued, err := r.store.MessagesStale(ctx, "queued", r.Age, 500)
	if err != nil {
		return res, err
	}
	for _, m := range queued {
		lost, err := r.taskLost(m)
		if err != nil || !lost {
			if err != nil {
				return res, err
			}
			continue
		}
		if err := r.enqueuer.Enqueue(ctx, []store.DueMessage{m}); err != nil {
			return res, err
		}
		res.Requeued++
		if err := r.store.MessageTouch(ctx, m.ID); err != nil {
			return res, err
		}
	}
	sending, err := r.store.MessagesStale(ctx, "sending", r.Age, 500)
	if err != nil {
		return res, err
	}
	for _, m := range sending {
		lost, err := r.taskLost(m)
		if err != nil {
			return res, err
		}
		if lost {
			err := r.store.MessageUnknown(ctx, m.ID, "task lost while sending; not resent")
			if err != nil {
				return res, err
			}
			res.Unknown++
		}
	}
	return res, nil
}

// taskLost reports whether Redis holds no task for the message.
func (r *Reconciler) taskLost(m store.DueMessage) (bool, error) {
	_, err := r.inspector.GetTaskInfo(r.names.For(m.Channel), TaskID(m.ID))
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return true, nil
	}
	return false, fmt.Errorf("look up task of message %d: %w", m.ID, err)
}
