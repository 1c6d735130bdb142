package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchSeedParams sizes the synthetic contact base of `crier bench`.
type BenchSeedParams struct {
	Managers int // managers owning the contacts, round robin
	Contacts int // contacts, each with a valid e-mail address and mobile number
}

// BenchSeed fills an empty database with synthetic managers and contacts in
// two statements. Every address is under example.com (RFC 2606) and every
// number in one Turkish mobile range, so that nothing can reach a real person
// even if the stand-ins were swapped for real servers by mistake.
func (s *Store) BenchSeed(ctx context.Context, p BenchSeedParams) error {
	if p.Managers < 1 || p.Contacts < 1 {
		return fmt.Errorf("bench seed: want at least one manager and one contact")
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO users (name, name_key, email, role)
		SELECT 'Yönetici ' || g, 'yönetici ' || g, 'manager' || g || '@example.com', 'manager'
		FROM generate_series(1, $1) g`, p.Managers)
	if err != nil {
		return fmt.Errorf("bench seed managers: %w", err)
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO contacts (owner_id, first_name, last_name, company, email_raw, email,
			email_status, phone_raw, phone_e164, phone_type, phone_status, region)
		SELECT m.ids[1 + g % cardinality(m.ids)], 'Ayşe', 'Yılmaz ' || g, 'Firma ' || (g % 997),
			'c' || g || '@example.com', 'c' || g || '@example.com', 'valid',
			'+90532' || lpad(g::text, 7, '0'), '+90532' || lpad(g::text, 7, '0'),
			'mobile', 'valid', 'TR'
		FROM generate_series(1, $1) g, (SELECT array_agg(id ORDER BY id) AS ids
			FROM users WHERE role = 'manager') m`, p.Contacts)
	if err != nil {
		return fmt.Errorf("bench seed contacts: %w", err)
	}
	return nil
}

// SendSpan is how many messages of a channel the provider accepted and when
// the first and the last were recorded.
type SendSpan struct {
	Channel     string
	Sent        int
	First, Last time.Time
}

// BenchSendSpans returns the send span of each channel of a campaign.
func (s *Store) BenchSendSpans(ctx context.Context, campaignID int64) (map[string]SendSpan, error) {
	rows, err := s.db.Query(ctx, `SELECT channel, count(*), min(sent_at), max(sent_at)
		FROM messages WHERE campaign_id = $1 AND sent_at IS NOT NULL GROUP BY 1`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("send spans of campaign %d: %w", campaignID, err)
	}
	spans, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SendSpan])
	if err != nil {
		return nil, fmt.Errorf("send spans of campaign %d: %w", campaignID, err)
	}
	out := make(map[string]SendSpan, len(spans))
	for _, sp := range spans {
		out[sp.Channel] = sp
	}
	return out, nil
}

// BenchOpen counts a campaign's messages still pending, queued or sending,
// through the partial index that holds exactly those.
func (s *Store) BenchOpen(ctx context.Context, campaignID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM messages WHERE campaign_id = $1
		AND status IN ('pending', 'queued', 'sending')`, campaignID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("open messages of campaign %d: %w", campaignID, err)
	}
	return n, nil
}
