package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// AudienceLine counts, for one manager, the messages a campaign would plan on
// each channel: to send, and skipped by reason.
type AudienceLine struct {
	OwnerID  int64
	Name     string
	Channels map[string]AudienceCount
}

// AudienceCount is one manager's plan on one channel.
type AudienceCount struct {
	Send    int
	Skipped int
}

// errPreview rolls back the transaction of a preview.
var errPreview = errors.New("store: preview")

// WebAudiencePreview plans the campaign's messages exactly as a launch would
// (MessagesPlan), counts them per manager and channel, and rolls everything
// back: the preview and the launch cannot disagree.
func (s *Store) WebAudiencePreview(ctx context.Context, channels []string,
	a Audience) ([]AudienceLine, error) {
	var lines []AudienceLine
	err := s.InTx(ctx, func(tx *Store) error {
		k, err := tx.CampaignLaunch(ctx, "preview-"+strings.ToLower(rand.Text()), "preview", map[string]any{})
		if err != nil {
			return err
		}
		for _, ch := range channels {
			if _, err := tx.MessagesPlan(ctx, k.ID, ch, a); err != nil {
				return err
			}
		}
		lines, err = tx.audienceCounts(ctx, k.ID)
		if err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		return lines, nil
	}
	return nil, fmt.Errorf("preview audience: %w", err)
}

func (s *Store) audienceCounts(ctx context.Context, campaignID int64) ([]AudienceLine, error) {
	rows, err := s.db.Query(ctx, `SELECT COALESCE(m.owner_id, 0), COALESCE(u.name, ''),
			m.channel, count(*) FILTER (WHERE m.status <> 'skipped'),
			count(*) FILTER (WHERE m.status = 'skipped')
		FROM messages m LEFT JOIN users u ON u.id = m.owner_id
		WHERE m.campaign_id = $1 GROUP BY 1, 2, 3`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("count audience: %w", err)
	}
	defer rows.Close()
	byOwner := map[int64]*AudienceLine{}
	for rows.Next() {
		var id int64
		var name, channel string
		var c AudienceCount
		if err := rows.Scan(&id, &name, &channel, &c.Send, &c.Skipped); err != nil {
			return nil, fmt.Errorf("count audience: %w", err)
		}
		line := byOwner[id]
		if line == nil {
			line = &AudienceLine{OwnerID: id, Name: name, Channels: map[string]AudienceCount{}}
			byOwner[id] = line
		}
		line.Channels[channel] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count audience: %w", err)
	}
	out := make([]AudienceLine, 0, len(byOwner))
	for _, l := range byOwner {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].OwnerID == 0) != (out[j].OwnerID == 0) {
			return out[j].OwnerID == 0
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// WebCampaigns lists launched campaigns by slug.
func (s *Store) WebCampaigns(ctx context.Context) (map[string]Campaign, error) {
	rows, err := s.db.Query(ctx, `SELECT id, slug, name, status FROM campaigns`)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	defer rows.Close()
	out := map[string]Campaign{}
	for rows.Next() {
		var c Campaign
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name, &c.Status); err != nil {
			return nil, fmt.Errorf("list campaigns: %w", err)
		}
		out[c.Slug] = c
	}
	return out, rows.Err()
}
