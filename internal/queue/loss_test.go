package queue_test

import (
	"context"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/testenv"
)

func TestLossWatchAndRequeueAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	redisURL, prefix := testenv.Redis(t)
	opt, err := asynq.ParseRedisURI(redisURL)
	require.NoError(t, err)
	client := asynq.NewClient(opt)
	defer client.Close()
	inspector := asynq.NewInspector(opt)
	defer inspector.Close()
	names := queue.Names{Prefix: prefix}
	enq := queue.NewEnqueuer(client, names)
	rec := queue.NewReconciler(st, enq, inspector, names)
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
	_, err = st.Pool().Exec(ctx, `UPDATE messages SET status = 'queued'`)
	require.NoError(t, err)
	rows, err := st.Pool().Query(ctx, `SELECT id FROM messages ORDER BY id`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	// One message still has its task; the others lost theirs with the marker
	// (the shared test Redis must not be flushed: the test's keys go instead).
	_, err = client.Enqueue(asynq.NewTask(queue.TypeSend, []byte(`{"message_id":0}`),
		asynq.TaskID(queue.TaskID(ids[2])), asynq.Queue(names.For("email"))))
	require.NoError(t, err)
	rdb := redis.NewClient(&redis.Options{Addr: opt.(asynq.RedisClientOpt).Addr})
	defer rdb.Close()
	require.NoError(t, rdb.Del(ctx, prefix+"relay:marker").Err())

	lost, err = watch.Lost(ctx)
	require.NoError(t, err)
	require.True(t, lost)
	n, err := rec.RequeueAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n, "every queued message was offered to the queue")
	for _, id := range ids[:2] {
		info, err := inspector.GetTaskInfo(names.For("email"), queue.TaskID(id))
		require.NoError(t, err, "message %d has its task back", id)
		require.Equal(t, asynq.TaskStatePending, info.State)
	}
	info, err := inspector.GetTaskInfo(names.For("email"), queue.TaskID(ids[2]))
	require.NoError(t, err)
	require.JSONEq(t, `{"message_id":0}`, string(info.Payload), "a live task is left alone")
}
