package queue_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

var discard = slog.New(slog.DiscardHandler)

func TestTaskID(t *testing.T) {
	t.Parallel()
	require.Equal(t, "message:42", queue.TaskID(42))
	require.Equal(t, queue.TaskID(42), queue.TaskID(42), "stable across calls")
	require.NotEqual(t, queue.TaskID(42), queue.TaskID(420))
	require.NotEqual(t, queue.TaskID(1), queue.TaskID(11))
}

func TestBatchTaskID(t *testing.T) {
	t.Parallel()
	id := queue.BatchTaskID("email", []int64{3, 5, 9})
	require.Regexp(t, `^batch:email:3-9:[0-9a-f]{24}$`, id, "names the channel, first and last ID")
	require.Equal(t, id, queue.BatchTaskID("email", []int64{3, 5, 9}), "stable across calls")
	require.NotEqual(t, id, queue.BatchTaskID("email", []int64{3, 6, 9}), "every ID counts")
	require.NotEqual(t, id, queue.BatchTaskID("sms", []int64{3, 5, 9}))
}

func TestNamesPerChannel(t *testing.T) {
	t.Parallel()
	n := queue.Names{Prefix: "crier:"}
	require.Equal(t, "crier:email", n.For("email"))
	require.Equal(t, "crier:sms", n.For("sms"))
}

// redisQueue is a test's own queue namespace on the real Redis.
type redisQueue struct {
	names     queue.Names
	opt       asynq.RedisConnOpt
	client    *asynq.Client
	inspector *asynq.Inspector
}

func newRedisQueue(t *testing.T) *redisQueue {
	t.Helper()
	url, prefix := testenv.Redis(t)
	opt, err := asynq.ParseRedisURI(url)
	require.NoError(t, err)
	q := &redisQueue{names: queue.Names{Prefix: prefix}, opt: opt,
		client: asynq.NewClient(opt), inspector: asynq.NewInspector(opt)}
	t.Cleanup(func() {
		q.client.Close()
		q.inspector.Close()
	})
	return q
}

// pending returns the IDs of the pending tasks of a channel's queue, sorted.
func (q *redisQueue) pending(t *testing.T, channel string) []string {
	t.Helper()
	tasks, err := q.inspector.ListPendingTasks(q.names.For(channel), asynq.PageSize(1000))
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return nil
	}
	require.NoError(t, err)
	ids := make([]string, len(tasks))
	for i, task := range tasks {
		ids[i] = task.ID
	}
	sort.Strings(ids)
	return ids
}

// batches returns the sorted task IDs of the given batches of a channel.
func batches(channel string, batch ...[]int64) []string {
	out := make([]string, len(batch))
	for i, ids := range batch {
		out[i] = queue.BatchTaskID(channel, ids)
	}
	sort.Strings(out)
	return out
}

// unreachable returns a queue client whose Redis refuses connections at once.
func unreachable(t *testing.T) *asynq.Client {
	t.Helper()
	client := asynq.NewClientFromRedisClient(redis.NewClient(&redis.Options{
		Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second}))
	t.Cleanup(func() { client.Close() })
	return client
}

func TestEnqueuer(t *testing.T) {
	t.Parallel()

	t.Run("OneBatchPerChannelOnItsQueue", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		enq := queue.NewEnqueuer(q.client, q.names)
		tasks, err := enq.Enqueue(t.Context(), []store.DueMessage{
			{ID: 1, Channel: "email"}, {ID: 2, Channel: "sms"}, {ID: 3, Channel: "email"}})
		require.NoError(t, err)
		email, sms := queue.BatchTaskID("email", []int64{1, 3}), queue.BatchTaskID("sms", []int64{2})
		require.Equal(t, []string{email, sms, email}, tasks, "each message's task, in order")
		require.Equal(t, []string{email}, q.pending(t, "email"))
		require.Equal(t, []string{sms}, q.pending(t, "sms"))

		info, err := q.inspector.GetTaskInfo(q.names.For("sms"), sms)
		require.NoError(t, err)
		require.Equal(t, queue.TypeSendBatch, info.Type)
		require.JSONEq(t, `{"channel": "sms", "ids": [2]}`, string(info.Payload))
		require.Equal(t, queue.MaxRetry, info.MaxRetry)
		require.Equal(t, 10*time.Minute, info.Timeout)
	})

	t.Run("SplitsIntoBatchesOfBatchSize", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		enq := queue.NewEnqueuer(q.client, q.names)
		enq.BatchSize = 2
		var due []store.DueMessage
		for id := range int64(5) {
			due = append(due, store.DueMessage{ID: id + 1, Channel: "email"})
		}
		_, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.Equal(t, batches("email", []int64{1, 2}, []int64{3, 4}, []int64{5}),
			q.pending(t, "email"))
	})

	t.Run("TheSameBatchTwiceAddsNothingAndIsFine", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		enq := queue.NewEnqueuer(q.client, q.names)
		due := []store.DueMessage{{ID: 7, Channel: "email"}, {ID: 8, Channel: "sms"}}
		first, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		again, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.Equal(t, []string{"", ""}, again,
			"without an inspector a taken task ID may belong to a task that will not run")
		again, err = enq.WithInspector(q.inspector).Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.Equal(t, first, again, "the tasks wait in the queue: the messages have them")
		require.Equal(t, batches("email", []int64{7}), q.pending(t, "email"))
		require.Equal(t, batches("sms", []int64{8}), q.pending(t, "sms"))
	})

	t.Run("ASpentBatchMakesWay", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		enq := queue.NewEnqueuer(q.client, q.names).WithInspector(q.inspector)
		due := []store.DueMessage{{ID: 31, Channel: "email"}}
		tasks, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.NoError(t, q.inspector.ArchiveTask(q.names.For("email"), tasks[0]))
		again, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.Equal(t, tasks, again, "its retries ran out: the batch is queued anew")
		require.Equal(t, tasks, q.pending(t, "email"))
	})

	t.Run("ABatchBeingHandledGivesItsMessagesNoTask", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		enq := queue.NewEnqueuer(q.client, q.names).WithInspector(q.inspector)
		due := []store.DueMessage{{ID: 21, Channel: "email"}, {ID: 22, Channel: "email"}}
		started, release := make(chan struct{}), make(chan struct{})
		startServer(t, q, asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
			close(started)
			<-release // e.g. its campaign is paused and it hands its messages back
			return nil
		}))
		defer close(release)
		tasks, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.Equal(t, queue.BatchTaskID("email", []int64{21, 22}), tasks[0])
		<-started
		again, err := enq.Enqueue(t.Context(), due)
		require.NoError(t, err)
		require.Equal(t, []string{"", ""}, again,
			"the active task may end without sending: queued, they would have none")
	})

	t.Run("UnreachableRedisIsAnError", func(t *testing.T) {
		t.Parallel()
		enq := queue.NewEnqueuer(unreachable(t), queue.Names{Prefix: "unused:"})
		_, err := enq.Enqueue(t.Context(), []store.DueMessage{{ID: 5, Channel: "email"}})
		require.ErrorContains(t, err, "enqueue batch batch:email:5-5:")
	})
}

// attempt is one call of a fake sender: the IDs of the batch.
type attempt []int64

// fakeSender records its calls and fails the first failures of them.
type fakeSender struct {
	failures int
	calls    chan attempt

	mu sync.Mutex
	n  int
}

func newFakeSender(failures int) *fakeSender {
	return &fakeSender{failures: failures, calls: make(chan attempt, 100)}
}

func (s *fakeSender) SendBatch(_ context.Context, ids []int64) error {
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	s.calls <- attempt(ids)
	if n <= s.failures {
		return fmt.Errorf("attempt %d: try later", n)
	}
	return nil
}

// next waits for the sender's next call.
func (s *fakeSender) next(t *testing.T) attempt {
	t.Helper()
	select {
	case a := <-s.calls:
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("the sender was not called in time")
		return nil
	}
}

func TestHandlerRefusesBadPayloads(t *testing.T) {
	t.Parallel()
	for name, payload := range map[string]string{
		"NotJSON":       "message 42",
		"NoMessageID":   `{}`,
		"ZeroMessageID": `{"message_id": 0}`,
		"StringID":      `{"message_id": "42"}`,
		"EmptyPayload":  ``,
		"FractionalID":  `{"message_id": 4.2}`,
		"JSONArray":     `[42]`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sender := newFakeSender(0)
			err := queue.NewHandler(sender).ProcessTask(t.Context(),
				asynq.NewTask(queue.TypeSend, []byte(payload)))
			require.ErrorIs(t, err, asynq.SkipRetry, "a bad payload is never retried")
			require.Empty(t, sender.calls)
		})
	}
	for name, payload := range map[string]string{
		"BatchNotJSON":   "ids 1 2",
		"BatchNoIDs":     `{"channel": "email"}`,
		"BatchEmptyIDs":  `{"channel": "email", "ids": []}`,
		"BatchStringIDs": `{"channel": "email", "ids": ["1"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sender := newFakeSender(0)
			err := queue.NewHandler(sender).ProcessTask(t.Context(),
				asynq.NewTask(queue.TypeSendBatch, []byte(payload)))
			require.ErrorIs(t, err, asynq.SkipRetry, "a bad payload is never retried")
			require.Empty(t, sender.calls)
		})
	}

	t.Run("UnknownTaskType", func(t *testing.T) {
		t.Parallel()
		sender := newFakeSender(0)
		err := queue.NewHandler(sender).ProcessTask(t.Context(),
			asynq.NewTask("message:other", []byte(`{"message_id": 1}`)))
		require.Error(t, err)
		require.Empty(t, sender.calls)
	})
}

// startServer runs handler on q's queues with immediate retries.
func startServer(t *testing.T, q *redisQueue, handler asynq.Handler) {
	t.Helper()
	srv := asynq.NewServer(q.opt, asynq.Config{
		Concurrency: 1,
		Queues:      map[string]int{q.names.For("email"): 1, q.names.For("sms"): 1},
		RetryDelayFunc: func(int, error, *asynq.Task) time.Duration {
			return 0
		},
		TaskCheckInterval:        10 * time.Millisecond,
		DelayedTaskCheckInterval: 10 * time.Millisecond,
		Logger:                   quiet{},
		LogLevel:                 asynq.FatalLevel,
	})
	require.NoError(t, srv.Start(handler))
	t.Cleanup(srv.Shutdown)
}

type quiet struct{}

func (quiet) Debug(...any) {}
func (quiet) Info(...any)  {}
func (quiet) Warn(...any)  {}
func (quiet) Error(...any) {}
func (quiet) Fatal(...any) {}

func TestHandlerRetriesAndSends(t *testing.T) {
	t.Parallel()

	t.Run("AFailedBatchIsRetriedWhole", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		sender := newFakeSender(2)
		startServer(t, q, queue.NewHandler(sender))
		_, err := q.client.EnqueueContext(t.Context(), asynq.NewTask(queue.TypeSendBatch,
			[]byte(`{"channel": "email", "ids": [77, 78]}`), asynq.Queue(q.names.For("email")),
			asynq.MaxRetry(2)))
		require.NoError(t, err)
		for range 3 {
			require.Equal(t, attempt{77, 78}, sender.next(t))
		}
		select {
		case a := <-sender.calls:
			t.Fatalf("called again after success: %v", a)
		case <-time.After(200 * time.Millisecond):
		}
	})

	t.Run("AOneMessageTaskOfAnEarlierVersionIsABatchOfOne", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		sender := newFakeSender(0)
		startServer(t, q, queue.NewHandler(sender))
		_, err := q.client.EnqueueContext(t.Context(), asynq.NewTask(queue.TypeSend,
			[]byte(`{"message_id": 78}`), asynq.Queue(q.names.For("sms"))))
		require.NoError(t, err)
		require.Equal(t, attempt{78}, sender.next(t))
	})

	t.Run("EnqueuedMessagesAreSentOnce", func(t *testing.T) {
		t.Parallel()
		q := newRedisQueue(t)
		sender := newFakeSender(0)
		_, err := queue.NewEnqueuer(q.client, q.names).Enqueue(t.Context(),
			[]store.DueMessage{{ID: 79, Channel: "email"}, {ID: 80, Channel: "sms"}})
		require.NoError(t, err)
		startServer(t, q, queue.NewHandler(sender))
		got := []attempt{sender.next(t), sender.next(t)}
		sort.Slice(got, func(i, j int) bool { return got[i][0] < got[j][0] })
		require.Equal(t, []attempt{{79}, {80}}, got)
	})
}

func TestNewServerWorksBothChannelQueues(t *testing.T) {
	t.Parallel()
	q := newRedisQueue(t)
	_, err := queue.NewEnqueuer(q.client, q.names).Enqueue(t.Context(),
		[]store.DueMessage{{ID: 11, Channel: "email"}, {ID: 12, Channel: "sms"}})
	require.NoError(t, err)
	sender := newFakeSender(0)
	srv := queue.NewServer(q.opt, queue.ServerConfig{Names: q.names, Concurrency: 2,
		Logger: discard})
	require.NoError(t, srv.Start(queue.NewHandler(sender)))
	t.Cleanup(srv.Shutdown)
	got := []attempt{sender.next(t), sender.next(t)}
	sort.Slice(got, func(i, j int) bool { return got[i][0] < got[j][0] })
	require.Equal(t, []attempt{{11}, {12}}, got)
}

// ledger is a fresh database with one manager and a launched campaign.
type ledger struct {
	st       *store.Store
	importID int64
	manager  int64
	n        int
}

func newLedger(t *testing.T) *ledger {
	t.Helper()
	st, _ := testenv.Store(t)
	ctx := t.Context()
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "q.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	manager, err := st.ManagerEnsure(ctx, "Zeynep Kılıç", contact.FoldTR("Zeynep Kılıç"),
		"zeynep@satis.example.com")
	require.NoError(t, err)
	return &ledger{st: st, importID: importID, manager: manager}
}

// addContacts stores n contacts with a valid e-mail and mobile number each.
func (l *ledger) addContacts(t *testing.T, n int) {
	t.Helper()
	for range n {
		l.n++
		c := contact.Normalize(contact.Input{FirstName: "Kişi", LastName: "Test",
			Email:  fmt.Sprintf("kisi%d@example.com", l.n),
			Phones: []contact.PhoneCell{{Column: "Mobile", Raw: fmt.Sprintf("0532 100 %04d", l.n)}},
			Owner:  "Zeynep Kılıç"}, contact.Options{})
		_, _, err := l.st.ContactUpsert(t.Context(), store.ContactUpsertParams{
			ImportID: l.importID, OwnerID: l.manager, Contact: c})
		require.NoError(t, err)
	}
}

// plan launches slug and plans both channels; it returns the campaign.
func (l *ledger) plan(t *testing.T, slug string) store.Campaign {
	t.Helper()
	k, err := l.st.CampaignLaunch(t.Context(), slug, "Test "+slug, map[string]string{})
	require.NoError(t, err)
	for _, ch := range []string{"email", "sms"} {
		_, err := l.st.MessagesPlan(t.Context(), k.ID, ch, store.Audience{})
		require.NoError(t, err)
	}
	return k
}

// messages returns the campaign's message IDs by channel and status.
func (l *ledger) messages(t *testing.T, campaignID int64) map[string][]int64 {
	t.Helper()
	rows, err := l.st.Pool().Query(t.Context(), `SELECT channel || ' ' || status, id
		FROM messages WHERE campaign_id = $1 ORDER BY id`, campaignID)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var key string
		var id int64
		require.NoError(t, rows.Scan(&key, &id))
		out[key] = append(out[key], id)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestRelayOnce(t *testing.T) {
	t.Parallel()

	t.Run("MovesPendingMessagesIntoTheQueueOnce", func(t *testing.T) {
		t.Parallel()
		l, q := newLedger(t), newRedisQueue(t)
		l.addContacts(t, 3)
		k := l.plan(t, "relay")
		before := l.messages(t, k.ID)
		require.Len(t, before["email pending"], 3)
		require.Len(t, before["sms pending"], 3)

		relay := queue.NewRelay(l.st, queue.NewEnqueuer(q.client, q.names), discard)
		n, err := relay.Once(t.Context())
		require.NoError(t, err)
		require.Equal(t, 6, n)
		after := l.messages(t, k.ID)
		require.Equal(t, map[string][]int64{"email queued": before["email pending"],
			"sms queued": before["sms pending"]}, after)
		require.Equal(t, batches("email", before["email pending"]), q.pending(t, "email"))
		require.Equal(t, batches("sms", before["sms pending"]), q.pending(t, "sms"))

		n, err = relay.Once(t.Context())
		require.NoError(t, err)
		require.Zero(t, n, "queued messages are not relayed again")
		require.Len(t, q.pending(t, "email"), 1)
		require.Len(t, q.pending(t, "sms"), 1)
	})

	t.Run("RelaysInSeveralRounds", func(t *testing.T) {
		t.Parallel()
		l, q := newLedger(t), newRedisQueue(t)
		l.addContacts(t, 3)
		k := l.plan(t, "rounds")
		relay := queue.NewRelay(l.st, queue.NewEnqueuer(q.client, q.names), discard)
		queue.SetBatch(relay, 2)
		n, err := relay.Once(t.Context())
		require.NoError(t, err)
		require.Equal(t, 6, n)
		msgs := l.messages(t, k.ID)
		require.Len(t, msgs["email queued"], 3)
		require.Len(t, msgs["sms queued"], 3)
		// Rounds of two rows in ID order: e1 e2 | e3 s1 | s2 s3.
		e, m := msgs["email queued"], msgs["sms queued"]
		require.Equal(t, batches("email", e[:2], e[2:]), q.pending(t, "email"))
		require.Equal(t, batches("sms", m[:1], m[1:]), q.pending(t, "sms"))
	})

	t.Run("LeavesPausedCampaignsAlone", func(t *testing.T) {
		t.Parallel()
		l, q := newLedger(t), newRedisQueue(t)
		l.addContacts(t, 2)
		k := l.plan(t, "paused")
		require.NoError(t, l.st.CampaignSetStatus(t.Context(), k.ID, "paused"))
		relay := queue.NewRelay(l.st, queue.NewEnqueuer(q.client, q.names), discard)
		n, err := relay.Once(t.Context())
		require.NoError(t, err)
		require.Zero(t, n)
		require.Len(t, l.messages(t, k.ID)["email pending"], 2)
		require.Empty(t, q.pending(t, "email"))

		require.NoError(t, l.st.CampaignSetStatus(t.Context(), k.ID, "running"))
		n, err = relay.Once(t.Context())
		require.NoError(t, err)
		require.Equal(t, 4, n)
	})

	t.Run("AScheduledCampaignWaitsForItsTime", func(t *testing.T) {
		t.Parallel()
		l, q := newLedger(t), newRedisQueue(t)
		l.addContacts(t, 2)
		k := l.plan(t, "scheduled")
		later := time.Now().Add(time.Hour)
		require.NoError(t, l.st.CampaignSchedule(t.Context(), k.ID, &later))
		relay := queue.NewRelay(l.st, queue.NewEnqueuer(q.client, q.names), discard)
		n, err := relay.Once(t.Context())
		require.NoError(t, err)
		require.Zero(t, n, "nothing goes out before send_at")

		earlier := time.Now().Add(-time.Minute)
		require.NoError(t, l.st.CampaignSchedule(t.Context(), k.ID, &earlier))
		n, err = relay.Once(t.Context())
		require.NoError(t, err)
		require.Equal(t, 4, n)
	})

	t.Run("MessageAlreadyInTheQueueIsNotDoubled", func(t *testing.T) {
		t.Parallel()
		l, q := newLedger(t), newRedisQueue(t)
		l.addContacts(t, 2)
		k := l.plan(t, "crashed")
		emails := l.messages(t, k.ID)["email pending"]
		// A relay enqueued the e-mails and died before marking them queued.
		enq := queue.NewEnqueuer(q.client, q.names)
		_, err := enq.Enqueue(t.Context(), []store.DueMessage{{ID: emails[0], Channel: "email"},
			{ID: emails[1], Channel: "email"}})
		require.NoError(t, err)
		n, err := queue.NewRelay(l.st, enq, discard).Once(t.Context())
		require.NoError(t, err)
		require.Equal(t, 2, n, "without an inspector a taken task ID is left pending")
		n, err = queue.NewRelay(l.st, enq.WithInspector(q.inspector), discard).Once(t.Context())
		require.NoError(t, err)
		require.Equal(t, 2, n, "their batch waits in the queue: the e-mails are queued")
		require.Equal(t, batches("email", emails), q.pending(t, "email"))
		require.Len(t, l.messages(t, k.ID)["email queued"], 2)
	})

	t.Run("UnreachableQueueLeavesMessagesPending", func(t *testing.T) {
		t.Parallel()
		l := newLedger(t)
		l.addContacts(t, 1)
		k := l.plan(t, "no-redis")
		relay := queue.NewRelay(l.st, queue.NewEnqueuer(unreachable(t), queue.Names{Prefix: "x:"}),
			discard)
		n, err := relay.Once(t.Context())
		require.Error(t, err)
		require.Zero(t, n)
		msgs := l.messages(t, k.ID)
		require.Len(t, msgs["email pending"], 1)
		require.Len(t, msgs["sms pending"], 1)
	})
}

// payloadOf decodes a batch task's payload as the handler would.
func payloadOf(t *testing.T, b []byte) []int64 {
	t.Helper()
	var p struct {
		IDs []int64 `json:"ids"`
	}
	require.NoError(t, json.Unmarshal(b, &p))
	return p.IDs
}

func TestRelayedTaskCarriesTheMessageIDs(t *testing.T) {
	t.Parallel()
	l, q := newLedger(t), newRedisQueue(t)
	l.addContacts(t, 2)
	k := l.plan(t, "payload")
	_, err := queue.NewRelay(l.st, queue.NewEnqueuer(q.client, q.names), discard).
		Once(t.Context())
	require.NoError(t, err)
	ids := l.messages(t, k.ID)["sms queued"]
	taskID := queue.BatchTaskID("sms", ids)
	info, err := q.inspector.GetTaskInfo(q.names.For("sms"), taskID)
	require.NoError(t, err)
	require.Equal(t, ids, payloadOf(t, info.Payload))

	rows, err := l.st.Pool().Query(t.Context(),
		`SELECT task_id FROM messages WHERE id = ANY($1) ORDER BY id`, ids)
	require.NoError(t, err)
	recorded, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{taskID, taskID}, recorded, "the ledger knows each message's task")
}
