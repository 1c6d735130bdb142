package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ManagerQuality is one manager's line of the quality report. OwnerID 0 is the
// line of contacts that have no owner.
type ManagerQuality struct {
	OwnerID     int64
	Name        string
	Email       string
	Contacts    int
	ValidEmail  int // contacts with a valid e-mail (not missing, invalid, typo or bounced)
	ValidMobile int // contacts with a number that can receive SMS and did not fail
	// Complete counts contacts with the minimum data set: first name, last
	// name, and at least one valid channel (a valid e-mail or an SMS-capable
	// mobile).
	Complete int
	// Reachable counts contacts the last campaign reached on some channel: an
	// e-mail the server accepted and did not bounce, or a delivered SMS.
	Reachable  int
	Duplicates int            // open duplicate flags
	Conflicts  int            // open owner_conflict flags
	OpenFlags  map[string]int // open flags by kind
	Fixed7     int            // flags resolved in the last 7 days
	Fixed30    int            // flags resolved in the last 30 days
	// MedianFixHours is the median time from flag to fix, over the flags fixed
	// in the last 30 days; -1 when none was fixed.
	MedianFixHours float64
	// Channels counts the messages of the last campaign by channel.
	Channels map[string]ChannelCounts
}

// ChannelCounts are a campaign's message counts on one channel for one owner.
type ChannelCounts struct {
	Planned   int // message rows, skipped ones included
	Skipped   int
	Sent      int // accepted by the provider
	Delivered int // confirmed delivered (SMS delivery receipts)
	Bounced   int
	Failed    int
	Unknown   int
	Waiting   int // pending, queued or sending
}

// LastCampaign returns the most recently launched campaign, or ErrNotFound.
func (s *Store) LastCampaign(ctx context.Context) (Campaign, error) {
	var c Campaign
	err := s.db.QueryRow(ctx, `SELECT id, slug, name, status FROM campaigns
		ORDER BY launched_at DESC, id DESC LIMIT 1`).Scan(&c.ID, &c.Slug, &c.Name, &c.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("last campaign: %w", ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("last campaign: %w", err)
	}
	return c, nil
}

// ReportManagers returns the quality report per manager, managers by name and
// the no-owner line last. campaignID 0 leaves the campaign counts empty.
func (s *Store) ReportManagers(ctx context.Context, campaignID int64) ([]ManagerQuality, error) {
	lines, index, err := s.reportContacts(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.reportFlags(ctx, lines, index); err != nil {
		return nil, err
	}
	if err := s.reportFixes(ctx, lines, index); err != nil {
		return nil, err
	}
	if campaignID != 0 {
		if err := s.reportCampaign(ctx, campaignID, lines, index); err != nil {
			return nil, err
		}
		if err := s.reportReachable(ctx, campaignID, lines, index); err != nil {
			return nil, err
		}
	}
	for i := range lines {
		lines[i].Duplicates = lines[i].OpenFlags["duplicate"]
		lines[i].Conflicts = lines[i].OpenFlags["owner_conflict"]
	}
	return lines, nil
}

func (s *Store) reportContacts(ctx context.Context) ([]ManagerQuality, map[int64]int, error) {
	rows, err := s.db.Query(ctx, `
		SELECT COALESCE(u.id, 0), COALESCE(u.name, ''), COALESCE(u.email, ''),
			count(c.id),
			count(c.id) FILTER (WHERE c.email_status = 'valid'),
			count(c.id) FILTER (WHERE c.phone_status = 'valid'
				AND c.phone_type IN ('mobile', 'fixed_line_or_mobile')),
			count(c.id) FILTER (WHERE c.first_name <> '' AND c.last_name <> ''
				AND (c.email_status = 'valid' OR (c.phone_status = 'valid'
					AND c.phone_type IN ('mobile', 'fixed_line_or_mobile'))))
		FROM (SELECT id, name, email FROM users WHERE role = 'manager'
			UNION ALL SELECT NULL, NULL, NULL) u
		LEFT JOIN contacts c ON c.owner_id IS NOT DISTINCT FROM u.id AND c.deleted_at IS NULL
		GROUP BY u.id, u.name, u.email
		HAVING u.id IS NOT NULL OR count(c.id) > 0
		ORDER BY u.id IS NULL, u.name`)
	if err != nil {
		return nil, nil, fmt.Errorf("report contacts: %w", err)
	}
	defer rows.Close()
	var lines []ManagerQuality
	index := map[int64]int{}
	for rows.Next() {
		m := ManagerQuality{OpenFlags: map[string]int{}, Channels: map[string]ChannelCounts{},
			MedianFixHours: -1}
		err := rows.Scan(&m.OwnerID, &m.Name, &m.Email, &m.Contacts, &m.ValidEmail,
			&m.ValidMobile, &m.Complete)
		if err != nil {
			return nil, nil, fmt.Errorf("report contacts: %w", err)
		}
		index[m.OwnerID] = len(lines)
		lines = append(lines, m)
	}
	return lines, index, rows.Err()
}

func (s *Store) reportFlags(ctx context.Context, lines []ManagerQuality, index map[int64]int) error {
	rows, err := s.db.Query(ctx, `
		SELECT COALESCE(c.owner_id, 0), f.kind, count(*)
		FROM contact_flags f JOIN contacts c ON c.id = f.contact_id
		WHERE f.resolved_at IS NULL AND c.deleted_at IS NULL
		GROUP BY 1, 2`)
	if err != nil {
		return fmt.Errorf("report flags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var kind string
		var n int
		if err := rows.Scan(&owner, &kind, &n); err != nil {
			return fmt.Errorf("report flags: %w", err)
		}
		if i, ok := index[owner]; ok {
			lines[i].OpenFlags[kind] = n
		}
	}
	return rows.Err()
}

func (s *Store) reportCampaign(ctx context.Context, campaignID int64, lines []ManagerQuality,
	index map[int64]int) error {
	rows, err := s.db.Query(ctx, `
		SELECT COALESCE(owner_id, 0), channel, count(*),
			count(*) FILTER (WHERE status = 'skipped'),
			count(*) FILTER (WHERE sent_at IS NOT NULL),
			count(*) FILTER (WHERE status = 'delivered'),
			count(*) FILTER (WHERE status = 'bounced'),
			count(*) FILTER (WHERE status IN ('failed', 'cancelled')),
			count(*) FILTER (WHERE status = 'unknown'),
			count(*) FILTER (WHERE status IN ('pending', 'queued', 'sending'))
		FROM messages WHERE campaign_id = $1 GROUP BY 1, 2`, campaignID)
	if err != nil {
		return fmt.Errorf("report campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var channel string
		var c ChannelCounts
		if err := rows.Scan(&owner, &channel, &c.Planned, &c.Skipped, &c.Sent, &c.Delivered,
			&c.Bounced, &c.Failed, &c.Unknown, &c.Waiting); err != nil {
			return fmt.Errorf("report campaign %d: %w", campaignID, err)
		}
		if i, ok := index[owner]; ok {
			lines[i].Channels[channel] = c
		}
	}
	return rows.Err()
}

func (s *Store) reportFixes(ctx context.Context, lines []ManagerQuality, index map[int64]int) error {
	rows, err := s.db.Query(ctx, `
		SELECT COALESCE(c.owner_id, 0),
			count(*) FILTER (WHERE f.resolved_at > now() - interval '7 days'),
			count(*),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY
				extract(epoch FROM f.resolved_at - f.opened_at) / 3600)
		FROM contact_flags f JOIN contacts c ON c.id = f.contact_id
		WHERE f.resolved_at > now() - interval '30 days'
		GROUP BY 1`)
	if err != nil {
		return fmt.Errorf("report fixes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var f7, f30 int
		var median float64
		if err := rows.Scan(&owner, &f7, &f30, &median); err != nil {
			return fmt.Errorf("report fixes: %w", err)
		}
		if i, ok := index[owner]; ok {
			lines[i].Fixed7, lines[i].Fixed30, lines[i].MedianFixHours = f7, f30, median
		}
	}
	return rows.Err()
}

func (s *Store) reportReachable(ctx context.Context, campaignID int64, lines []ManagerQuality,
	index map[int64]int) error {
	rows, err := s.db.Query(ctx, `
		SELECT COALESCE(owner_id, 0), count(DISTINCT contact_id)
		FROM messages WHERE campaign_id = $1 AND (status = 'delivered'
			OR (channel = 'email' AND status = 'sent'))
		GROUP BY 1`, campaignID)
	if err != nil {
		return fmt.Errorf("report reachable: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var n int
		if err := rows.Scan(&owner, &n); err != nil {
			return fmt.Errorf("report reachable: %w", err)
		}
		if i, ok := index[owner]; ok {
			lines[i].Reachable = n
		}
	}
	return rows.Err()
}
