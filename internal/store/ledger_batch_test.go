package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

// planned launches a campaign over n new contacts and returns it with the IDs
// of its pending e-mail messages, in contact order.
func planned(t *testing.T, b *bundle, slug string, n int) (store.Campaign, []int64) {
	t.Helper()
	contacts := make([]int64, n)
	for i := range contacts {
		contacts[i] = b.addContact(t, fmt.Sprintf("Kişi%d", i),
			fmt.Sprintf("kisi%d.%s@example.com", i, slug), "")
	}
	k := b.launch(t, slug)
	_, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	ids := make([]int64, n)
	for i, c := range contacts {
		ids[i], _, _ = b.messageOf(t, k.ID, c, "email")
	}
	return k, ids
}

func statusOf(t *testing.T, b *bundle, id int64) string {
	t.Helper()
	var status string
	require.NoError(t, b.st.Pool().QueryRow(b.ctx,
		`SELECT status FROM messages WHERE id = $1`, id).Scan(&status))
	return status
}

func TestMessagesClaim(t *testing.T) {
	t.Parallel()

	t.Run("ClaimsWhatIsDueWithWhatRenderingNeeds", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, ids := planned(t, b, "bulk", 3)
		claimed, refused, err := b.st.MessagesClaim(b.ctx, ids)
		require.NoError(t, err)
		require.Equal(t, store.Refusals{}, refused)
		require.Len(t, claimed, 3)
		for i, m := range claimed {
			require.Equal(t, ids[i], m.ID)
			require.Equal(t, "email", m.Channel)
			require.Equal(t, 1, m.Attempts)
			require.Equal(t, fmt.Sprintf("Kişi%d", i), m.FirstName)
			require.NotEmpty(t, m.OwnerName)
			require.Equal(t, "sending", statusOf(t, b, m.ID))
		}
	})

	t.Run("ConcurrentClaimsClaimEachMessageOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, ids := planned(t, b, "race", 20)
		var mu sync.Mutex
		got := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				claimed, _, err := b.st.MessagesClaim(b.ctx, ids)
				require.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				for _, m := range claimed {
					got[m.ID]++
				}
			})
		}
		wg.Wait()
		require.Len(t, got, len(ids))
		for id, n := range got {
			require.Equal(t, 1, n, "message %d claimed more than once", id)
		}
	})

	t.Run("SettlesWhatItRefuses", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, ids := planned(t, b, "refused", 4)
		// 0: a worker claimed it and died; 1: sent already; 2: address
		// suppressed since planning; 3: due.
		_, _, err := b.st.MessagesClaim(b.ctx, ids[:2])
		require.NoError(t, err)
		require.NoError(t, b.st.MessagesSent(b.ctx, []store.SentMessage{{ID: ids[1],
			ProviderID: "<one@x>"}}))
		_, err = b.st.Pool().Exec(b.ctx, `INSERT INTO suppressions (channel, address, reason)
			SELECT channel, address, 'test' FROM messages WHERE id = $1`, ids[2])
		require.NoError(t, err)

		claimed, refused, err := b.st.MessagesClaim(b.ctx, ids)
		require.NoError(t, err)
		require.Len(t, claimed, 1)
		require.Equal(t, ids[3], claimed[0].ID)
		require.Equal(t, store.Refusals{Interrupted: 1, Suppressed: 1}, refused)
		require.Equal(t, "unknown", statusOf(t, b, ids[0]), "never resent blindly")
		require.Equal(t, "sent", statusOf(t, b, ids[1]))
		require.Equal(t, "skipped", statusOf(t, b, ids[2]))
	})

	t.Run("PausedGoesBackToPendingCancelledIsCancelled", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		k, ids := planned(t, b, "control", 2)
		_, err := b.st.Pool().Exec(b.ctx, `UPDATE messages SET status = 'queued'
			WHERE id = ANY($1)`, ids)
		require.NoError(t, err)
		require.NoError(t, b.st.CampaignSetStatus(b.ctx, k.ID, "paused"))
		claimed, refused, err := b.st.MessagesClaim(b.ctx, ids)
		require.NoError(t, err)
		require.Empty(t, claimed)
		require.Equal(t, store.Refusals{Paused: 2}, refused)
		require.Equal(t, "pending", statusOf(t, b, ids[0]))

		k2, ids2 := planned(t, b, "stopped", 1)
		_, err = b.st.Pool().Exec(b.ctx, `UPDATE campaigns SET status = 'finished'
			WHERE id = $1`, k2.ID)
		require.NoError(t, err)
		_, refused, err = b.st.MessagesClaim(b.ctx, ids2)
		require.NoError(t, err)
		require.Equal(t, store.Refusals{Cancelled: 1}, refused)
		require.Equal(t, "cancelled", statusOf(t, b, ids2[0]))
	})
}

func TestMessagesClaimWhileTheCampaignChanges(t *testing.T) {
	t.Parallel()

	t.Run("PauseDuringARelayLeavesThePausedMessagesPending", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		k, ids := planned(t, b, "relaypause", 2)
		claimed := make(chan error, 1)
		_, err := b.st.MessagesRelay(b.ctx, 10, func(due []store.DueMessage) ([]string, error) {
			// While the relay holds the rows, the campaign is paused and the
			// batch's task runs: it must hand the messages back pending.
			if err := b.st.CampaignSetStatus(b.ctx, k.ID, "paused"); err != nil {
				return nil, err
			}
			go func() {
				_, _, err := b.st.MessagesClaim(b.ctx, ids)
				claimed <- err
			}()
			time.Sleep(300 * time.Millisecond) // the settling reaches the rows and waits
			return []string{"batch", "batch"}, nil
		})
		require.NoError(t, err)
		require.NoError(t, <-claimed)
		for _, id := range ids {
			require.Equal(t, "pending", statusOf(t, b, id),
				"queued, it would wait for a task that is gone")
		}
	})

	t.Run("PausedAndResumedBeforeTheRefusalIsSettledClaimsAgain", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		k, ids := planned(t, b, "flip", 2)
		_, err := b.st.Pool().Exec(b.ctx, `UPDATE messages SET status = 'queued'
			WHERE id = ANY($1)`, ids)
		require.NoError(t, err)
		require.NoError(t, b.st.CampaignSetStatus(b.ctx, k.ID, "paused"))
		resumes := 0
		b.st.SetBetweenClaimAndSettle(func() {
			resumes++
			require.NoError(t, b.st.CampaignSetStatus(b.ctx, k.ID, "running"))
		})
		claimed, refused, err := b.st.MessagesClaim(b.ctx, ids)
		require.NoError(t, err)
		require.Equal(t, 1, resumes)
		require.Len(t, claimed, 2, "ending here would leave them queued with no task")
		require.Equal(t, store.Refusals{}, refused)
		require.Equal(t, "sending", statusOf(t, b, ids[0]))
	})
}

func TestMessagesSentAndClaim(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, ids := planned(t, b, "window", 4)
	first, _, err := b.st.MessagesClaim(b.ctx, ids[:2])
	require.NoError(t, err)
	require.Len(t, first, 2)

	sent := []store.SentMessage{{ID: ids[0], ProviderID: "<a@x>"}, {ID: ids[1], ProviderID: "<b@x>"}}
	next, _, err := b.st.MessagesSentAndClaim(b.ctx, sent, ids[2:])
	require.NoError(t, err)
	require.Len(t, next, 2)
	require.Equal(t, "sent", statusOf(t, b, ids[0]))
	require.Equal(t, "sending", statusOf(t, b, ids[2]))
	var providerID string
	var sentAt bool
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT provider_id, sent_at IS NOT NULL
		FROM messages WHERE id = $1`, ids[1]).Scan(&providerID, &sentAt))
	require.Equal(t, "<b@x>", providerID)
	require.True(t, sentAt)

	// Recording again, or claiming what was sent, changes nothing.
	again, refused, err := b.st.MessagesSentAndClaim(b.ctx, sent, ids[:2])
	require.NoError(t, err)
	require.Empty(t, again)
	require.Equal(t, store.Refusals{}, refused)
	require.Equal(t, "sent", statusOf(t, b, ids[0]))
}

func TestMessagesSentAfterTheCallbackCame(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, ids := planned(t, b, "early", 1)
	_, _, err := b.st.MessagesClaim(b.ctx, ids)
	require.NoError(t, err)
	// The provider's callback beat the worker's record of the window.
	require.NoError(t, b.st.MessageDelivered(b.ctx, ids[0]))

	require.NoError(t, b.st.MessagesSent(b.ctx, []store.SentMessage{{ID: ids[0],
		ProviderID: "SM1"}}))
	var status, providerID string
	var sentAt bool
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT status, provider_id,
		sent_at IS NOT NULL FROM messages WHERE id = $1`, ids[0]).Scan(&status, &providerID, &sentAt))
	require.Equal(t, "delivered", status, "never moved back")
	require.Equal(t, "SM1", providerID)
	require.True(t, sentAt, "the ledger still says it was sent")
}
