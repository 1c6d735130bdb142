package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DueMessage is a pending message the relay hands to the queue.
type DueMessage struct {
	ID      int64
	Channel string
	TaskID  string // the task that carries it once queued; "" before
}

// MessagesRelay takes up to limit pending messages of running campaigns, calls
// enqueue with them and marks queued, with the task ID enqueue returns for
// each (in order), the ones a task will run for, all under row locks that
// other relays skip, so that several workers can relay at once. A message
// enqueue gives no task ID ("") stays pending for the next round: its batch's
// task ID is still taken by an earlier task, which may be finishing without
// sending (as when a paused campaign hands its work back); marked queued, such
// a message would be left with no task at all. If enqueue fails the rows stay
// pending and the next round tries again; the queue refuses a task ID it holds
// already, so nothing is enqueued twice. It returns how many messages were
// queued.
func (s *Store) MessagesRelay(ctx context.Context, limit int,
	enqueue func([]DueMessage) ([]string, error)) (int, error) {
	var queued int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT m.id, m.channel, m.task_id FROM messages m
			JOIN campaigns k ON k.id = m.campaign_id
			WHERE m.status = 'pending' AND k.status = 'running'
				AND (k.send_at IS NULL OR k.send_at <= now())
			ORDER BY m.id LIMIT $1 FOR UPDATE OF m SKIP LOCKED`, limit)
		if err != nil {
			return fmt.Errorf("select due messages: %w", err)
		}
		due, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DueMessage])
		if err != nil || len(due) == 0 {
			return err
		}
		tasks, err := enqueue(due)
		if err != nil {
			return err
		}
		if len(tasks) != len(due) {
			return fmt.Errorf("enqueue returned %d task IDs for %d messages", len(tasks), len(due))
		}
		ids := make([]int64, 0, len(due))
		taskIDs := make([]string, 0, len(due))
		for i, m := range due {
			if tasks[i] != "" {
				ids, taskIDs = append(ids, m.ID), append(taskIDs, tasks[i])
			}
		}
		if len(ids) == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE messages m SET status = 'queued', task_id = v.task_id
			FROM unnest($1::bigint[], $2::text[]) AS v(id, task_id)
			WHERE m.id = v.id AND m.status = 'pending'`, pgx.QueryExecModeExec, ids, taskIDs)
		queued = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("relay messages: %w", err)
	}
	return int(queued), nil
}

// Progress counts a campaign's messages by channel and status.
type Progress map[string]map[string]int

// Open is the number of messages not yet settled: pending, queued or sending.
func (p Progress) Open() int {
	n := 0
	for _, byStatus := range p {
		n += byStatus["pending"] + byStatus["queued"] + byStatus["sending"]
	}
	return n
}

// CampaignProgress counts the campaign's messages by channel and status.
func (s *Store) CampaignProgress(ctx context.Context, campaignID int64) (Progress, error) {
	rows, err := s.db.Query(ctx, `SELECT channel, status, count(*) FROM messages
		WHERE campaign_id = $1 GROUP BY 1, 2`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d progress: %w", campaignID, err)
	}
	defer rows.Close()
	p := Progress{}
	for rows.Next() {
		var channel, status string
		var n int
		if err := rows.Scan(&channel, &status, &n); err != nil {
			return nil, fmt.Errorf("campaign %d progress: %w", campaignID, err)
		}
		if p[channel] == nil {
			p[channel] = map[string]int{}
		}
		p[channel][status] = n
	}
	return p, rows.Err()
}

// CampaignFinishIfDone marks a running campaign finished once no message is
// pending, queued or sending, and reports whether it is finished.
func (s *Store) CampaignFinishIfDone(ctx context.Context, campaignID int64) (bool, error) {
	tag, err := s.db.Exec(ctx, `UPDATE campaigns SET status = 'finished', finished_at = now()
		WHERE id = $1 AND status = 'running' AND NOT EXISTS (SELECT 1 FROM messages
			WHERE campaign_id = $1 AND status IN ('pending', 'queued', 'sending'))`, campaignID)
	if err != nil {
		return false, fmt.Errorf("finish campaign %d: %w", campaignID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// DeliveryTally counts a campaign's messages the provider accepted, per channel
// and recipient address, so that a test or the demo can compare them with what
// a stand-in server received.
func (s *Store) DeliveryTally(ctx context.Context, campaignID int64) (map[string]map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT channel, address, count(*) FROM messages
		WHERE campaign_id = $1 AND sent_at IS NOT NULL GROUP BY 1, 2`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("tally campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	tally := map[string]map[string]int{"email": {}, "sms": {}}
	for rows.Next() {
		var channel, address string
		var n int
		if err := rows.Scan(&channel, &address, &n); err != nil {
			return nil, fmt.Errorf("tally campaign %d: %w", campaignID, err)
		}
		tally[channel][address] = n
	}
	return tally, rows.Err()
}

// MessagesStale returns up to limit messages that have been in status
// (queued or sending) for longer than age, oldest first: candidates for the
// reconciler, which checks whether their task still exists.
func (s *Store) MessagesStale(ctx context.Context, status string, age time.Duration, limit int) ([]DueMessage, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.id, m.channel, m.task_id FROM messages m JOIN campaigns k ON k.id = m.campaign_id
		WHERE m.status = $1 AND m.updated_at < now() - $2::interval AND k.status = 'running'
		ORDER BY m.updated_at LIMIT $3`, status, age.String(), limit)
	if err != nil {
		return nil, fmt.Errorf("find stale %s messages: %w", status, err)
	}
	stale, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DueMessage])
	if err != nil {
		return nil, fmt.Errorf("find stale %s messages: %w", status, err)
	}
	return stale, nil
}

// MessageTouch renews a queued message's updated_at after its task was put
// back, so that the reconciler does not look at it again at once.
func (s *Store) MessageTouch(ctx context.Context, id int64) error {
	return s.MessagesRequeued(ctx, []int64{id}, nil)
}

// MessagesRequeued records that queued messages got a new task (taskIDs[i]
// for ids[i]; nil keeps their task IDs) and renews their updated_at, so that
// the reconciler does not look at them again at once.
func (s *Store) MessagesRequeued(ctx context.Context, ids []int64, taskIDs []string) error {
	if taskIDs == nil {
		taskIDs = make([]string, len(ids))
	}
	_, err := s.db.Exec(ctx, `
		UPDATE messages m SET updated_at = now(),
			task_id = CASE WHEN v.task_id = '' THEN m.task_id ELSE v.task_id END
		FROM unnest($1::bigint[], $2::text[]) AS v(id, task_id)
		WHERE m.id = v.id AND m.status = 'queued'`, ids, taskIDs)
	if err != nil {
		return fmt.Errorf("touch %d requeued messages: %w", len(ids), err)
	}
	return nil
}

// OwnerProgress is one manager's messages of a campaign by channel and status.
type OwnerProgress struct {
	OwnerID  int64 // 0: contacts without an owner
	Name     string
	Progress Progress
}

// CampaignProgressByOwner counts the campaign's messages per owning manager,
// channel and status, managers by name.
func (s *Store) CampaignProgressByOwner(ctx context.Context, campaignID int64) ([]OwnerProgress, error) {
	rows, err := s.db.Query(ctx, `
		SELECT COALESCE(m.owner_id, 0), COALESCE(u.name, ''), m.channel, m.status, count(*)
		FROM messages m LEFT JOIN users u ON u.id = m.owner_id
		WHERE m.campaign_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 2, 1`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d progress by manager: %w", campaignID, err)
	}
	defer rows.Close()
	var out []OwnerProgress
	for rows.Next() {
		var owner int64
		var name, channel, status string
		var n int
		if err := rows.Scan(&owner, &name, &channel, &status, &n); err != nil {
			return nil, fmt.Errorf("campaign %d progress by manager: %w", campaignID, err)
		}
		if len(out) == 0 || out[len(out)-1].OwnerID != owner {
			out = append(out, OwnerProgress{OwnerID: owner, Name: name, Progress: Progress{}})
		}
		p := out[len(out)-1].Progress
		if p[channel] == nil {
			p[channel] = map[string]int{}
		}
		p[channel][status] = n
	}
	return out, rows.Err()
}
