package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Campaign is a launched campaign.
type Campaign struct {
	ID     int64
	Slug   string
	Name   string
	Status string
	SendAt *time.Time // nil: sends at once
}

// CampaignLaunch records the campaign as running, creating it on first launch.
// Launching again is allowed and changes nothing that was planned already; a
// paused or cancelled campaign keeps its status (and the caller refuses).
func (s *Store) CampaignLaunch(ctx context.Context, slug, name string, definition any) (Campaign, error) {
	def, err := json.Marshal(definition)
	if err != nil {
		return Campaign{}, fmt.Errorf("encode campaign %s: %w", slug, err)
	}
	c := Campaign{Slug: slug, Name: name}
	err = s.db.QueryRow(ctx, `
		INSERT INTO campaigns (slug, name, definition, status) VALUES ($1, $2, $3, 'running')
		ON CONFLICT (slug) DO UPDATE SET
			status = CASE WHEN campaigns.status IN ('cancelled', 'paused') THEN campaigns.status
				ELSE 'running' END,
			finished_at = CASE WHEN campaigns.status IN ('cancelled', 'paused')
				THEN campaigns.finished_at END
		RETURNING id, status`, slug, name, def).Scan(&c.ID, &c.Status)
	if err != nil {
		return Campaign{}, fmt.Errorf("launch campaign %s: %w", slug, err)
	}
	return c, nil
}

// CampaignSchedule sets when a campaign's messages start going out; nil means
// at once. The relay queues nothing of the campaign before then.
func (s *Store) CampaignSchedule(ctx context.Context, id int64, sendAt *time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE campaigns SET send_at = $2 WHERE id = $1`, id, sendAt)
	if err != nil {
		return fmt.Errorf("schedule campaign %d: %w", id, err)
	}
	return nil
}

// CampaignBySlug returns the campaign with this slug, or ErrNotFound.
func (s *Store) CampaignBySlug(ctx context.Context, slug string) (Campaign, error) {
	c := Campaign{Slug: slug}
	err := s.db.QueryRow(ctx, `SELECT id, name, status, send_at FROM campaigns WHERE slug = $1`,
		slug).Scan(&c.ID, &c.Name, &c.Status, &c.SendAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Campaign{}, fmt.Errorf("campaign %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("find campaign %s: %w", slug, err)
	}
	return c, nil
}

// CampaignSetStatus pauses, resumes or cancels a campaign. Cancelling also
// cancels its messages that were not handed to a worker yet.
func (s *Store) CampaignSetStatus(ctx context.Context, id int64, status string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE campaigns SET status = $2,
			finished_at = CASE WHEN $2 = 'cancelled' THEN now() END
			WHERE id = $1 AND status NOT IN ('cancelled')`, id, status)
		if err != nil {
			return fmt.Errorf("set campaign %d %s: %w", id, status, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("campaign %d: %w", id, ErrNotFound)
		}
		if status != "cancelled" {
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE messages SET status = 'cancelled'
			WHERE campaign_id = $1 AND status IN ('pending', 'queued')`, id)
		return err
	})
}

// Audience selects the contacts a campaign goes to.
type Audience struct {
	// OwnerIDs limits the audience to these managers' contacts; empty means all.
	OwnerIDs []int64
	// Tags limits the audience to contacts with any of these tags; empty means all.
	Tags []string
}

// PlanResult counts the messages a plan wrote for one channel.
type PlanResult struct {
	Channel string
	Pending int
	Skipped map[string]int // skip reason → count
}

// MessagesPlan writes one message row per audience contact for the channel:
// pending when it can be sent, skipped with a reason otherwise. Rows that exist
// already are left alone, so planning twice never doubles a message.
//
// Skip reasons: no_consent, no_address, invalid_address, suspected_typo,
// not_mobile, undeliverable, suppressed, no_owner, duplicate_address (another
// contact in the audience has the same address and gets the message).
func (s *Store) MessagesPlan(ctx context.Context, campaignID int64, channel string, a Audience) (PlanResult, error) {
	query, ok := planQueries[channel]
	if !ok {
		return PlanResult{}, fmt.Errorf("plan: unknown channel %q", channel)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// The duplicate-address window sorts the whole audience: in memory,
		// not in temporary files (100,000 contacts need about 10 MB).
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, query, campaignID, nonNilIDs(a.OwnerIDs), nonNil(a.Tags))
		return err
	})
	if err != nil {
		return PlanResult{}, fmt.Errorf("plan %s messages of campaign %d: %w", channel, campaignID, err)
	}
	return s.planCounts(ctx, campaignID, channel)
}

func (s *Store) planCounts(ctx context.Context, campaignID int64, channel string) (PlanResult, error) {
	res := PlanResult{Channel: channel, Skipped: map[string]int{}}
	rows, err := s.db.Query(ctx, `SELECT status, skip_reason, count(*) FROM messages
		WHERE campaign_id = $1 AND channel = $2 GROUP BY 1, 2`, campaignID, channel)
	if err != nil {
		return res, fmt.Errorf("count planned messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, reason string
		var n int
		if err := rows.Scan(&status, &reason, &n); err != nil {
			return res, fmt.Errorf("count planned messages: %w", err)
		}
		if status == "skipped" {
			res.Skipped[reason] += n
		} else {
			res.Pending += n
		}
	}
	return res, rows.Err()
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// planQuery builds a channel's plan statement from the address column and the
// reasons that skip a contact, checked in order. Among the contacts that can be
// sent to, the first of several sharing an address gets the message and the
// others are skipped as duplicate_address: one address, one message.
func planQuery(channel, address, reasons string) string {
	return `
	INSERT INTO messages (campaign_id, contact_id, owner_id, channel, address, status, skip_reason)
	SELECT $1, id, owner_id, '` + channel + `', address,
		CASE WHEN final = '' THEN 'pending' ELSE 'skipped' END, final
	FROM (
		SELECT id, owner_id, address, CASE
			WHEN reason = '' AND row_number() OVER (
				PARTITION BY address, reason = '' ORDER BY id) > 1 THEN 'duplicate_address'
			ELSE reason END AS final
		FROM (
			SELECT c.id, c.owner_id, c.` + address + ` AS address, CASE ` + reasons + `
				WHEN c.owner_id IS NULL THEN 'no_owner'
				WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.channel = '` + channel + `'
					AND x.address = c.` + address + `) THEN 'suppressed'
				ELSE '' END AS reason
			FROM contacts c
			WHERE c.deleted_at IS NULL
				AND (cardinality($2::bigint[]) = 0 OR c.owner_id = ANY($2))
				AND (cardinality($3::text[]) = 0 OR c.tags && $3)
		) base
	) planned
	ON CONFLICT (campaign_id, contact_id, channel) DO NOTHING`
}

var planQueries = map[string]string{
	"email": planQuery("email", "email", `
				WHEN NOT c.consent_email THEN 'no_consent'
				WHEN c.email_status = 'missing' THEN 'no_address'
				WHEN c.email_status = 'invalid' THEN 'invalid_address'
				WHEN c.email_status = 'typo' THEN 'suspected_typo'
				WHEN c.email_status = 'bounced' THEN 'undeliverable'`),
	"sms": planQuery("sms", "phone_e164", `
				WHEN NOT c.consent_sms THEN 'no_consent'
				WHEN c.phone_status = 'missing' THEN 'no_address'
				WHEN c.phone_status = 'invalid' THEN 'invalid_address'
				WHEN c.phone_status = 'undeliverable' THEN 'undeliverable'
				WHEN c.phone_type NOT IN ('mobile', 'fixed_line_or_mobile') THEN 'not_mobile'`),
}

// CampaignsFinishSettled marks finished every running campaign none of whose
// messages is pending, queued or sending, and returns their slugs. A campaign
// whose row is locked (a launch planning it right now) is left for the next
// call, so a launch never sees its campaign finished under it. Any number of
// workers may call it at once.
func (s *Store) CampaignsFinishSettled(ctx context.Context) ([]string, error) {
	rows, err := s.db.Query(ctx, `UPDATE campaigns SET status = 'finished', finished_at = now()
		WHERE id IN (SELECT k.id FROM campaigns k WHERE k.status = 'running'
			AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = k.id
				AND m.status IN ('pending', 'queued', 'sending'))
			FOR UPDATE SKIP LOCKED)
		RETURNING slug`)
	if err != nil {
		return nil, fmt.Errorf("finish settled campaigns: %w", err)
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("finish settled campaigns: %w", err)
	}
	return slugs, nil
}
