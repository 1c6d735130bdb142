package store_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

func TestMessagesPlan(t *testing.T) {
	t.Parallel()

	t.Run("SkipsWithReasons", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		good := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
		noEmail := b.addContact(t, "Mehmet", "", "0533 123 45 67")
		typo := b.addContact(t, "Deniz", "deniz@gmial.com", "0212 555 12 34")
		k := b.launch(t, "plan")

		email, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
		require.NoError(t, err)
		require.Equal(t, 1, email.Pending)
		require.Equal(t, map[string]int{"no_address": 1, "suspected_typo": 1}, email.Skipped)
		sms, err := b.st.MessagesPlan(b.ctx, k.ID, "sms", store.Audience{})
		require.NoError(t, err)
		require.Equal(t, 2, sms.Pending)
		require.Equal(t, map[string]int{"not_mobile": 1}, sms.Skipped)

		_, status, _ := b.messageOf(t, k.ID, good, "email")
		require.Equal(t, "pending", status)
		_, status, reason := b.messageOf(t, k.ID, noEmail, "email")
		require.Equal(t, []string{"skipped", "no_address"}, []string{status, reason})
		_, _, reason = b.messageOf(t, k.ID, typo, "sms")
		require.Equal(t, "not_mobile", reason)
	})

	t.Run("PlanningTwiceNeverDoublesAMessage", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
		k := b.launch(t, "twice")
		for range 2 {
			res, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
			require.NoError(t, err)
			require.Equal(t, 1, res.Pending)
		}
	})

	t.Run("OneMessagePerAddress", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := b.addContact(t, "Ayşe", "ortak@example.com", "0532 111 11 11")
		// A second contact with the same address under another external ID.
		second := b.addContact(t, "Fatma", "", "0532 222 22 22")
		_, err := b.st.Pool().Exec(b.ctx, `UPDATE contacts SET email = 'ortak@example.com',
			email_status = 'valid' WHERE id = $1`, second)
		require.NoError(t, err)
		k := b.launch(t, "dedupe")
		_, err = b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
		require.NoError(t, err)
		_, status, _ := b.messageOf(t, k.ID, first, "email")
		require.Equal(t, "pending", status)
		_, status, reason := b.messageOf(t, k.ID, second, "email")
		require.Equal(t, []string{"skipped", "duplicate_address"}, []string{status, reason})
	})

	t.Run("SkipsSuppressedAddresses", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.addContact(t, "Ayşe", "gone@example.com", "")
		_, err := b.st.Pool().Exec(b.ctx, `INSERT INTO suppressions (channel, address, reason)
			VALUES ('email', 'gone@example.com', 'test')`)
		require.NoError(t, err)
		k := b.launch(t, "suppressed")
		_, err = b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
		require.NoError(t, err)
		_, _, reason := b.messageOf(t, k.ID, id, "email")
		require.Equal(t, "suppressed", reason)
	})
}

func TestMessageClaim(t *testing.T) {
	t.Parallel()

	// pending returns a bundle with one pending e-mail message.
	pending := func(t *testing.T) (*bundle, store.Campaign, int64) {
		b := setup(t)
		c := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
		k := b.launch(t, "claim")
		_, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
		require.NoError(t, err)
		id, _, _ := b.messageOf(t, k.ID, c, "email")
		return b, k, id
	}

	t.Run("OnlyOneClaimSucceeds", func(t *testing.T) {
		t.Parallel()
		b, _, id := pending(t)
		m, err := b.st.MessageClaim(b.ctx, id)
		require.NoError(t, err)
		require.Equal(t, "ayse@example.com", m.Address)
		require.Equal(t, "Zeynep Kılıç", m.OwnerName)
		require.Equal(t, "zeynep@satis.example.com", m.OwnerEmail)
		require.NoError(t, b.st.MessageSent(b.ctx, id, "<x@y>"))

		_, err = b.st.MessageClaim(b.ctx, id)
		require.ErrorIs(t, err, store.ErrAlreadyHandled)
	})

	t.Run("InterruptedSendBecomesUnknown", func(t *testing.T) {
		t.Parallel()
		b, k, id := pending(t)
		_, err := b.st.MessageClaim(b.ctx, id)
		require.NoError(t, err)
		// The worker dies here; the task runs again.
		_, err = b.st.MessageClaim(b.ctx, id)
		require.ErrorIs(t, err, store.ErrInterrupted)
		p, err := b.st.CampaignProgress(b.ctx, k.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"unknown": 1}, p["email"])
	})

	t.Run("PausedCampaignHandsWorkBack", func(t *testing.T) {
		t.Parallel()
		b, k, id := pending(t)
		require.NoError(t, b.st.CampaignSetStatus(b.ctx, k.ID, "paused"))
		_, err := b.st.MessageClaim(b.ctx, id)
		require.ErrorIs(t, err, store.ErrNotRunning)
		require.NoError(t, b.st.CampaignSetStatus(b.ctx, k.ID, "running"))
		_, err = b.st.MessageClaim(b.ctx, id)
		require.NoError(t, err)
	})

	t.Run("GuardRefusesBackwardTransitions", func(t *testing.T) {
		t.Parallel()
		b, _, id := pending(t)
		_, err := b.st.MessageClaim(b.ctx, id)
		require.NoError(t, err)
		require.NoError(t, b.st.MessageSent(b.ctx, id, "<x@y>"))
		_, err = b.st.Pool().Exec(b.ctx, `UPDATE messages SET status = 'pending' WHERE id = $1`, id)
		require.ErrorContains(t, err, "illegal transition sent -> pending")
	})

	t.Run("RelayQueuesEachMessageOnce", func(t *testing.T) {
		t.Parallel()
		b, _, id := pending(t)
		var seen []int64
		for range 2 {
			_, err := b.st.MessagesRelay(b.ctx, 10, func(due []store.DueMessage) ([]string, error) {
				tasks := make([]string, len(due))
				for i, m := range due {
					seen = append(seen, m.ID)
					tasks[i] = "task-of-" + strconv.FormatInt(m.ID, 10)
				}
				return tasks, nil
			})
			require.NoError(t, err)
		}
		require.Equal(t, []int64{id}, seen)
		var taskID string
		require.NoError(t, b.st.Pool().QueryRow(b.ctx,
			`SELECT task_id FROM messages WHERE id = $1`, id).Scan(&taskID))
		require.Equal(t, "task-of-"+strconv.FormatInt(id, 10), taskID, "the ledger knows the task")
	})

	t.Run("PauseDuringARelayLeavesThePausedMessagePending", func(t *testing.T) {
		t.Parallel()
		b, k, id := pending(t)
		claimed := make(chan error, 1)
		_, err := b.st.MessagesRelay(b.ctx, 10, func(due []store.DueMessage) ([]string, error) {
			// While the relay holds the row, the campaign is paused and the
			// message's task runs: it must hand the message back pending.
			if err := b.st.CampaignSetStatus(b.ctx, k.ID, "paused"); err != nil {
				return nil, err
			}
			go func() {
				_, err := b.st.MessageClaim(b.ctx, id)
				claimed <- err
			}()
			time.Sleep(300 * time.Millisecond) // the claim reaches the row and waits
			return []string{"task"}, nil
		})
		require.NoError(t, err)
		require.ErrorIs(t, <-claimed, store.ErrNotRunning)
		p, err := b.st.CampaignProgress(b.ctx, k.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"pending": 1}, p["email"],
			"queued, it would wait for a task that is gone")
	})

	t.Run("CallbackBeforeTheSendIsRecordedKeepsProviderID", func(t *testing.T) {
		t.Parallel()
		b, _, id := pending(t)
		_, err := b.st.MessageClaim(b.ctx, id)
		require.NoError(t, err)
		require.NoError(t, b.st.MessageDelivered(b.ctx, id), "the callback came first")
		require.NoError(t, b.st.MessageSent(b.ctx, id, "SM1"))
		var status, providerID string
		var sent bool
		err = b.st.Pool().QueryRow(b.ctx, `SELECT status, provider_id, sent_at IS NOT NULL
			FROM messages WHERE id = $1`, id).Scan(&status, &providerID, &sent)
		require.NoError(t, err)
		require.Equal(t, "delivered", status, "the record does not take the message back")
		require.Equal(t, "SM1", providerID)
		require.True(t, sent)
	})

	t.Run("RelayLeavesPendingWhatItQueuedNoTaskFor", func(t *testing.T) {
		t.Parallel()
		b, _, id := pending(t)
		noTask := func(due []store.DueMessage) ([]string, error) { return make([]string, len(due)), nil }
		n, err := b.st.MessagesRelay(b.ctx, 10, noTask)
		require.NoError(t, err)
		require.Zero(t, n)
		var seen []int64
		n, err = b.st.MessagesRelay(b.ctx, 10, func(due []store.DueMessage) ([]string, error) {
			tasks := make([]string, len(due))
			for i, m := range due {
				seen = append(seen, m.ID)
				tasks[i] = "task"
			}
			return tasks, nil
		})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, []int64{id}, seen, "offered again, queued this time")
	})
}

func TestMessageBounced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.addContact(t, "Ayşe", "gone@example.com", "0532 123 45 67")
	k := b.launch(t, "bounce")
	_, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	id, _, _ := b.messageOf(t, k.ID, c, "email")
	_, err = b.st.MessageClaim(b.ctx, id)
	require.NoError(t, err)

	err = b.st.MessageBounced(b.ctx, store.BounceParams{MessageID: id, Status: "bounced",
		Code: "550 5.1.1", Suppress: true, Flag: "email_bounced",
		FlagDetail: "the mailbox does not exist", Source: "email"})
	require.NoError(t, err)

	require.Equal(t, []string{"email_bounced"}, b.openFlags(t, c))
	var suppressed int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM suppressions
		WHERE channel = 'email' AND address = 'gone@example.com'`).Scan(&suppressed))
	require.Equal(t, 1, suppressed)

	// The next campaign skips the address, and fixing the address closes the flag.
	k2 := b.launch(t, "bounce-2")
	_, err = b.st.MessagesPlan(b.ctx, k2.ID, "email", store.Audience{})
	require.NoError(t, err)
	_, _, reason := b.messageOf(t, k2.ID, c, "email")
	require.Equal(t, "undeliverable", reason)
}

func TestContactUpsert(t *testing.T) {
	t.Parallel()

	t.Run("ReimportChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		first := b.addContact(t, "Ayşe", "ayse@example.com", "yok")
		require.Equal(t, []string{"phone_missing"}, b.openFlags(t, first))
		again := b.addContact(t, "Ayşe", "ayse@example.com", "yok")
		require.Equal(t, first, again)
		var version int
		require.NoError(t, b.st.Pool().QueryRow(b.ctx,
			`SELECT version FROM contacts WHERE id = $1`, first).Scan(&version))
		require.Equal(t, 1, version)
	})

	t.Run("FixingAFieldClosesItsFlag", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.addContact(t, "Ayşe", "ayse@example.com", "yok")
		b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
		require.Empty(t, b.openFlags(t, id))
		var history int
		require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM contact_flags
			WHERE contact_id = $1 AND resolved_at IS NOT NULL`, id).Scan(&history))
		require.Equal(t, 1, history, "the fixed flag stays as history")
	})
}
