package queue_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// seedMessages stores n pending e-mail messages of a running campaign.
// rig is a store and a queue of the test's own, with the enqueuer and
// reconciler on them.
type rig struct {
	st        *store.Store
	opt       asynq.RedisConnOpt
	prefix    string
	client    *asynq.Client
	inspector *asynq.Inspector
	names     queue.Names
	enq       *queue.Enqueuer
	rec       *queue.Reconciler
}

func newRig(t *testing.T) rig {
	t.Helper()
	st, _ := testenv.Store(t)
	redisURL, prefix := testenv.Redis(t)
	opt, err := asynq.ParseRedisURI(redisURL)
	require.NoError(t, err)
	client := asynq.NewClient(opt)
	t.Cleanup(func() { _ = client.Close() })
	inspector := asynq.NewInspector(opt)
	t.Cleanup(func() { _ = inspector.Close() })
	names := queue.Names{Prefix: prefix}
	enq := queue.NewEnqueuer(client, names)
	return rig{st: st, opt: opt, prefix: prefix, client: client, inspector: inspector,
		names: names, enq: enq, rec: queue.NewReconciler(st, enq, inspector, names)}
}

func seedMessages(t *testing.T, st *store.Store, n int) {
	t.Helper()
	_, err := st.Pool().Exec(context.Background(), `
		WITH k AS (INSERT INTO campaigns (slug, name, definition, status)
			VALUES ('reconcile', 'R', '{}', 'running') RETURNING id),
		c AS (INSERT INTO contacts (email, email_status, phone_type, phone_status)
			SELECT 'c' || i || '@example.com', 'valid', 'missing', 'missing'
			FROM generate_series(1, $1) i RETURNING id, email)
		INSERT INTO messages (campaign_id, contact_id, channel, address, status)
		SELECT k.id, c.id, 'email', c.email, 'pending' FROM k, c`, n)
	require.NoError(t, err)
}

func TestReconciler(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	st, inspector, names, enq, rec := r.st, r.inspector, r.names, r.enq, r.rec
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	relay := queue.NewRelay(st, enq, logger).WithReconciler(rec)

	seedMessages(t, st, 3)
	n, err := relay.Once(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n)

	rows, err := st.Pool().Query(ctx, `SELECT id FROM messages ORDER BY id`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)

	// Redis loses the batch task (a flush); one message was claimed by a
	// worker that died with it.
	lostTask := queue.BatchTaskID("email", ids)
	require.NoError(t, inspector.DeleteTask(names.For("email"), lostTask))
	_, err = st.MessageClaim(ctx, ids[1])
	require.NoError(t, err)
	_, err = st.Pool().Exec(ctx, `ALTER TABLE messages DISABLE TRIGGER messages_guard;
		UPDATE messages SET updated_at = now() - interval '1 hour';
		ALTER TABLE messages ENABLE TRIGGER messages_guard`)
	require.NoError(t, err)

	res, err := rec.Once(ctx)
	require.NoError(t, err)
	require.Equal(t, queue.ReconcileResult{Requeued: 2, Unknown: 1}, res)

	requeued := queue.BatchTaskID("email", []int64{ids[0], ids[2]})
	info, err := inspector.GetTaskInfo(names.For("email"), requeued)
	require.NoError(t, err, "the lost queued messages have a task again")
	require.Equal(t, asynq.TaskStatePending, info.State)
	p, err := st.CampaignProgress(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"queued": 2, "unknown": 1}, p["email"])
	var moved int
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT count(*) FROM messages
		WHERE task_id = $1`, requeued).Scan(&moved))
	require.Equal(t, 2, moved, "the ledger records the new task")

	// A second round finds nothing more to do.
	res, err = rec.Once(ctx)
	require.NoError(t, err)
	require.Equal(t, queue.ReconcileResult{}, res)
}

func TestReconcilerRequeuesMessagesOfAnArchivedBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	st, inspector, names, enq, rec := r.st, r.inspector, r.names, r.enq, r.rec

	seedMessages(t, st, 2)
	_, err := queue.NewRelay(st, enq, slog.New(slog.DiscardHandler)).Once(ctx)
	require.NoError(t, err)
	rows, err := st.Pool().Query(ctx, `SELECT id FROM messages ORDER BY id`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)

	// The batch ran out of retries while its messages were still queued.
	require.NoError(t, inspector.ArchiveTask(names.For("email"), queue.BatchTaskID("email", ids)))
	_, err = st.Pool().Exec(ctx, `ALTER TABLE messages DISABLE TRIGGER messages_guard;
		UPDATE messages SET updated_at = now() - interval '1 hour';
		ALTER TABLE messages ENABLE TRIGGER messages_guard`)
	require.NoError(t, err)

	res, err := rec.Once(ctx)
	require.NoError(t, err)
	require.Equal(t, queue.ReconcileResult{Requeued: 2}, res, "an archived task will not run again")
	info, err := inspector.GetTaskInfo(names.For("email"), queue.BatchTaskID("email", ids))
	require.NoError(t, err)
	require.Equal(t, asynq.TaskStatePending, info.State, "the batch is back in the queue")
}
