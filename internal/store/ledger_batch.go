package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Refusals counts the messages a bulk claim did not claim, by what was done
// with them. Messages not counted were handled before (sent, bounced, ...).
type Refusals struct {
	Interrupted int // were sending: a worker stopped mid-send; now unknown
	Paused      int // campaign paused: back to pending
	Cancelled   int // campaign cancelled: cancelled
	Suppressed  int // address suppressed after planning: skipped
	// Unsettled were claimable again each time they were refused: their
	// campaign was paused when the claim looked and running again right
	// after, claimTries times. They are left as they were (queued), for a
	// retry of their task.
	Unsettled int

	again []int64 // refused, yet claimable now: to claim again
}

// claimTries is how often a bulk claim claims again the messages whose
// campaign was paused and resumed between the claim and its refusal check.
const claimTries = 3

// MessagesClaim is MessageClaim for many messages in two statements at most:
// it moves those of ids that are pending or queued, of a running campaign and
// not suppressed, to sending and returns them, and settles the others the way
// MessageClaim does (see Refusals). A message is claimed by one call only,
// however many run at once; that is what keeps a batch task that runs twice
// from sending twice.
func (s *Store) MessagesClaim(ctx context.Context, ids []int64) ([]MessageToSend, Refusals, error) {
	return s.MessagesSentAndClaim(ctx, nil, ids)
}

// MessagesSentAndClaim records sent as MessagesSent does and claims ids as
// MessagesClaim does, in one statement and so one commit: a worker going
// through a batch window by window records one window as it claims the next.
//
// A message whose campaign was paused when the claim looked and is running
// again when the refusal is settled is claimed again, up to claimTries times
// in all; giving up at once would end its task and leave it queued with none.
// What is still unclaimed then is counted in Refusals.Unsettled.
func (s *Store) MessagesSentAndClaim(ctx context.Context, sent []SentMessage,
	ids []int64) ([]MessageToSend, Refusals, error) {
	claimed, ref, err := s.sentAndClaimOnce(ctx, sent, ids)
	for try := 2; err == nil && len(ref.again) > 0; try++ {
		if try > claimTries {
			ref.Unsettled = len(ref.again)
			break
		}
		var more []MessageToSend
		var r Refusals
		more, r, err = s.sentAndClaimOnce(ctx, nil, ref.again)
		claimed = append(claimed, more...)
		ref.Interrupted += r.Interrupted
		ref.Paused += r.Paused
		ref.Cancelled += r.Cancelled
		ref.Suppressed += r.Suppressed
		ref.again = r.again
	}
	ref.again = nil
	slices.SortFunc(claimed, func(a, b MessageToSend) int { return cmp.Compare(a.ID, b.ID) })
	return claimed, ref, err
}

// sentAndClaimOnce makes one record-and-claim of MessagesSentAndClaim.
func (s *Store) sentAndClaimOnce(ctx context.Context, sent []SentMessage,
	ids []int64) ([]MessageToSend, Refusals, error) {
	sentIDs, providerIDs := splitSent(sent)
	// Planned for the IDs at hand (QueryExecModeExec: an unnamed statement),
	// never from a cached generic plan: with statistics that lag a running
	// campaign, that plan walks messages_active_idx, every open message of the
	// campaign, instead of looking each ID up by primary key (9 ms instead of
	// 0.2 ms on 20,000 messages).
	rows, err := s.db.Query(ctx, `WITH recorded AS (`+recordSentSQL+`), `+
		claimSQL("m.id = ANY($3::bigint[])")+` ORDER BY cl.id`, pgx.QueryExecModeExec, sentIDs, providerIDs, ids)
	if err != nil {
		return nil, Refusals{}, fmt.Errorf("claim %d messages: %w", len(ids), err)
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowToStructByPos[MessageToSend])
	if err != nil {
		return nil, Refusals{}, fmt.Errorf("claim %d messages: %w", len(ids), err)
	}
	if len(claimed) == len(ids) {
		return claimed, Refusals{}, nil
	}
	refused := missing(ids, claimed)
	if s.betweenClaimAndSettle != nil {
		s.betweenClaimAndSettle()
	}
	ref, err := s.settleRefused(ctx, refused)
	return claimed, ref, err
}

// recordSentSQL moves messages $1 (provider IDs $2) from sending or unknown
// to sent. A window is recorded when the next is claimed, so a provider's
// callback may come first and move a message on to delivered or bounced:
// such a message keeps its status and gets its send time and provider ID.
const recordSentSQL = `
	UPDATE messages m SET
		status = CASE WHEN m.status IN ('sending', 'unknown') THEN 'sent' ELSE m.status END,
		error_code = CASE WHEN m.status IN ('sending', 'unknown') THEN '' ELSE m.error_code END,
		error_detail = CASE WHEN m.status IN ('sending', 'unknown') THEN ''
			ELSE m.error_detail END,
		provider_id = CASE WHEN v.provider_id = '' THEN m.provider_id ELSE v.provider_id END,
		sent_at = COALESCE(m.sent_at, now())
	FROM unnest($1::bigint[], $2::text[]) AS v(id, provider_id)
	WHERE m.id = v.id AND (m.status IN ('sending', 'unknown')
		OR (m.status IN ('delivered', 'bounced', 'failed') AND m.sent_at IS NULL))`

func splitSent(sent []SentMessage) ([]int64, []string) {
	ids := make([]int64, len(sent))
	providerIDs := make([]string, len(sent))
	for i, m := range sent {
		ids[i], providerIDs[i] = m.ID, m.ProviderID
	}
	return ids, providerIDs
}

// missing returns the ids that are not in claimed.
func missing(ids []int64, claimed []MessageToSend) []int64 {
	got := make(map[int64]bool, len(claimed))
	for _, m := range claimed {
		got[m.ID] = true
	}
	var out []int64
	for _, id := range ids {
		if !got[id] {
			out = append(out, id)
		}
	}
	return out
}

// settleRefused settles messages a claim refused, in one statement. The four
// updates touch disjoint rows; each re-checks the status it moves from. The
// messages it finds claimable (pending or queued, campaign running, address
// not suppressed: the campaign was resumed since the claim looked) go to
// Refusals.again.
func (s *Store) settleRefused(ctx context.Context, ids []int64) (Refusals, error) {
	var r Refusals
	err := s.db.QueryRow(ctx, `
		WITH refused AS (
			SELECT m.id, m.status, k.status AS campaign_status,
				EXISTS (SELECT 1 FROM suppressions x
					WHERE x.channel = m.channel AND x.address = m.address) AS suppressed
			FROM messages m JOIN campaigns k ON k.id = m.campaign_id
			WHERE m.id = ANY($1::bigint[])
		), interrupted AS (
			UPDATE messages m SET status = 'unknown', error_code = '',
				error_detail = 'worker stopped before the result was recorded'
			FROM refused r WHERE m.id = r.id AND r.status = 'sending' AND m.status = 'sending'
			RETURNING m.id
		), paused AS (
			-- "pending" too, though it changes nothing: a relay may be
			-- marking the message queued right now, its task being this one.
			-- Updating waits for that relay's commit, so the message ends
			-- pending, not queued with its task gone.
			UPDATE messages m SET status = 'pending'
			FROM refused r WHERE m.id = r.id AND r.status IN ('pending', 'queued')
				AND r.campaign_status = 'paused' AND m.status IN ('pending', 'queued')
			RETURNING m.id
		), cancelled AS (
			UPDATE messages m SET status = 'cancelled'
			FROM refused r WHERE m.id = r.id AND r.status IN ('pending', 'queued')
				AND r.campaign_status NOT IN ('running', 'paused')
				AND m.status IN ('pending', 'queued')
			RETURNING m.id
		), skipped AS (
			UPDATE messages m SET status = 'skipped', skip_reason = 'suppressed'
			FROM refused r WHERE m.id = r.id AND r.status IN ('pending', 'queued')
				AND r.campaign_status = 'running' AND r.suppressed
				AND m.status IN ('pending', 'queued')
			RETURNING m.id
		)
		SELECT (SELECT count(*) FROM interrupted), (SELECT count(*) FROM paused),
			(SELECT count(*) FROM cancelled), (SELECT count(*) FROM skipped),
			ARRAY(SELECT r.id FROM refused r WHERE r.status IN ('pending', 'queued')
				AND r.campaign_status = 'running' AND NOT r.suppressed ORDER BY r.id)`,
		pgx.QueryExecModeExec, ids).
		Scan(&r.Interrupted, &r.Paused, &r.Cancelled, &r.Suppressed, &r.again)
	if err != nil {
		return r, fmt.Errorf("settle %d refused messages: %w", len(ids), err)
	}
	return r, nil
}

// SentMessage is a message the provider accepted, with the provider's ID.
type SentMessage struct {
	ID         int64
	ProviderID string
}

// MessagesSent records many accepted messages in one statement, as
// MessageSent does one.
func (s *Store) MessagesSent(ctx context.Context, sent []SentMessage) error {
	if len(sent) == 0 {
		return nil
	}
	ids, providerIDs := splitSent(sent)
	_, err := s.db.Exec(ctx, recordSentSQL, pgx.QueryExecModeExec, ids, providerIDs)
	if err != nil {
		return fmt.Errorf("record %d sent messages: %w", len(sent), err)
	}
	return nil
}
