package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// MessageCount is the number of messages of current campaigns in one
// channel, status and reason.
type MessageCount struct {
	Channel string
	Status  string
	Reason  string // the skip reason, else the provider's error code; "" for none
	Count   int
}

// MessageCounts counts the messages of campaigns that run, are paused, or
// ended within the last day, by channel, status and reason: the ledger side of
// /metrics. Older campaigns are left out so that a scrape stays cheap.
func (s *Store) MessageCounts(ctx context.Context) ([]MessageCount, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.channel, m.status,
			CASE WHEN m.status = 'skipped' THEN m.skip_reason
				WHEN m.status IN ('bounced', 'failed', 'unknown') THEN m.error_code
				ELSE '' END,
			count(*)::int
		FROM messages m JOIN campaigns k ON k.id = m.campaign_id
		WHERE k.finished_at IS NULL OR k.finished_at > now() - interval '1 day'
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[MessageCount])
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", err)
	}
	return out, nil
}
