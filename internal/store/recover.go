package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// MessagesQueued returns up to limit queued messages of running campaigns
// with an ID above afterID, in ID order: after Redis lost the queue, every
// one of them may have lost its task. Page with the last ID returned.
func (s *Store) MessagesQueued(ctx context.Context, afterID int64,
	limit int) ([]DueMessage, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.id, m.channel, m.task_id FROM messages m JOIN campaigns k ON k.id = m.campaign_id
		WHERE m.status = 'queued' AND k.status = 'running' AND m.id > $1
		ORDER BY m.id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list queued messages: %w", err)
	}
	queued, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DueMessage])
	if err != nil {
		return nil, fmt.Errorf("list queued messages: %w", err)
	}
	return queued, nil
}
