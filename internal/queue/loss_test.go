package queue_test

import (
	"context"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/queue"
)

func TestLossWatchAndRequeueAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	st, opt, prefix, client, inspector, names, rec := r.st, r.opt, r.prefix, r.client, r.inspector, r.names, r.rec
	watch, err := queue.NewLossWatch(opt, names)
	require.NoError(t, err)
	defer watch.Close()

	lost, err := watch.Lost(ctx)
	require.NoError(t, err)
	require.True(t, lost, "a Redis without the marker may have lost tasks")
	lost, err = watch.Lost(ctx)
	require.NoError(t, err)
	require.False(t, lost, "the marker is back")

	seedMessages(t, st, 3)
	rows, err := st.Pool().Query(ctx, `SELECT id FROM messages ORDER BY id`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	// The first two lost their batch with the marker (the shared test Redis
	// must not be flushed: the test's keys go instead); the third's batch
	// is in the queue still.
	live := queue.BatchTaskID("email", ids[2:])
	_, err = st.Pool().Exec(ctx, `UPDATE messages SET status = 'queued',
		task_id = CASE WHEN id = $1 THEN $2 ELSE 'batch:email:gone' END`, ids[2], live)
	require.NoError(t, err)
	_, err = client.Enqueue(asynq.NewTask(queue.TypeSendBatch, []byte(`{"ids":[0]}`),
		asynq.TaskID(live), asynq.Queue(names.For("email"))))
	require.NoError(t, err)
	rdb := redis.NewClient(&redis.Options{Addr: opt.(asynq.RedisClientOpt).Addr})
	defer rdb.Close()
	require.NoError(t, rdb.Del(ctx, prefix+"relay:marker").Err())

	lost, err = watch.Lost(ctx)
	require.NoError(t, err)
	require.True(t, lost)
	n, err := rec.RequeueAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the queued messages whose task is gone got one")
	back := queue.BatchTaskID("email", ids[:2])
	info, err := inspector.GetTaskInfo(names.For("email"), back)
	require.NoError(t, err, "the lost messages have a batch again")
	require.Equal(t, asynq.TaskStatePending, info.State)
	var taskIDs []string
	rows, err = st.Pool().Query(ctx, `SELECT task_id FROM messages ORDER BY id`)
	require.NoError(t, err)
	taskIDs, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{back, back, live}, taskIDs, "the ledger knows the new batch")
	info, err = inspector.GetTaskInfo(names.For("email"), live)
	require.NoError(t, err)
	require.JSONEq(t, `{"ids":[0]}`, string(info.Payload), "a live task is left alone")
}
