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

// Once checks up to 500 stale messages of each kind, looking each task up
// once however many messages it carries.
func (r *Reconciler) Once(ctx context.Context) (ReconcileResult, error) {
	var res ReconcileResult
	queued, err := r.store.MessagesStale(ctx, "queued", r.Age, 500)
	if err != nil {
		return res, err
	}
	lostQueued, err := r.lost(queued)
	if err != nil {
		return res, err
	}
	if len(lostQueued) > 0 {
		n, err := r.requeue(ctx, lostQueued)
		if err != nil {
			return res, err
		}
		res.Requeued = n
	}

	sending, err := r.store.MessagesStale(ctx, "sending", r.Age, 500)
	if err != nil {
		return res, err
	}
	lostSending, err := r.lost(sending)
	if err != nil {
		return res, err
	}
	for _, m := range lostSending {
		if err := r.store.MessageUnknown(ctx, m.ID, "task lost while sending; not resent"); err != nil {
			return res, err
		}
		res.Unknown++
	}
	return res, nil
}

// lost returns the messages whose task Redis no longer holds.
func (r *Reconciler) lost(msgs []store.DueMessage) ([]store.DueMessage, error) {
	known := map[string]bool{} // task ID → lost
	var out []store.DueMessage
	for _, m := range msgs {
		taskID := m.TaskID
		if taskID == "" {
			taskID = TaskID(m.ID) // queued by an earlier version, one task per message
		}
		gone, seen := known[taskID]
		if !seen {
			var err error
			if gone, err = r.taskLost(m.Channel, taskID); err != nil {
				return nil, err
			}
			known[taskID] = gone
		}
		if gone {
			out = append(out, m)
		}
	}
	return out, nil
}

// taskLost reports whether Redis holds no live task taskID in the channel's
// queue. An archived task (its retries ran out while some of its messages
// were still due) or a completed one will not run again: lost too.
func (r *Reconciler) taskLost(channel, taskID string) (bool, error) {
	queue := r.names.For(channel)
	info, err := r.inspector.GetTaskInfo(queue, taskID)
	switch {
	case err == nil && (info.State == asynq.TaskStateArchived || info.State == asynq.TaskStateCompleted):
		// Its ID would refuse the same batch queued again: make way.
		if err := r.inspector.DeleteTask(queue, taskID); err != nil &&
			!errors.Is(err, asynq.ErrTaskNotFound) {
			return false, fmt.Errorf("delete spent task %s: %w", taskID, err)
		}
		return true, nil
	case err == nil:
		return false, nil
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return true, nil
	}
	return false, fmt.Errorf("look up task %s: %w", taskID, err)
}

// requeue puts queued messages in the queue again and records their new
// tasks in the ledger, renewing their age. It returns how many got a task: a
// message whose batch's task ID is held by a task being handled right now
// gets none (see Enqueuer.Enqueue) and is left for a later look.
func (r *Reconciler) requeue(ctx context.Context, msgs []store.DueMessage) (int, error) {
	tasks, err := r.enqueuer.Enqueue(ctx, msgs)
	if err != nil {
		return 0, err
	}
	ids := make([]int64, 0, len(msgs))
	taskIDs := make([]string, 0, len(msgs))
	for i, m := range msgs {
		if tasks[i] != "" {
			ids, taskIDs = append(ids, m.ID), append(taskIDs, tasks[i])
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if err := r.store.MessagesRequeued(ctx, ids, taskIDs); err != nil {
		return 0, err
	}
	return len(ids), nil
}
