package app

import (
	"context"
	"fmt"
	"io/fs"
	"sort"

	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/gsm"
	"github.com/crier-dev/crier/internal/store"
)

// SMSPreview is what a campaign's SMS costs: the sample text in every
// encoding it fits, and per manager the recipients and segments.
type SMSPreview struct {
	Sample   string
	Counts   []gsm.Count
	Managers []ManagerSegments
}

// ManagerSegments estimates one manager's share of a campaign's SMS.
type ManagerSegments struct {
	Name       string
	Recipients int
	// Segments is the total as GSM-7 or, where a text does not fit, UCS-2:
	// what Twilio bills.
	Segments int
	// TurkishSegments is the total where the operator takes the Turkish
	// national language shift tables.
	TurkishSegments int
}

// PreviewSMS renders a campaign's SMS for every contact it would go to now,
// without planning anything, and counts segments per manager. links builds
// the unsubscribe link a template may show, so that its length counts.
func PreviewSMS(ctx context.Context, st *store.Store, fsys fs.FS, links *campaign.Links,
	slug string) (SMSPreview, error) {
	c, err := campaign.Load(fsys, slug)
	if err != nil {
		return SMSPreview{}, err
	}
	if !c.Def.HasChannel(campaign.ChannelSMS) {
		return SMSPreview{}, fmt.Errorf("campaign %s sends no SMS", slug)
	}
	link := links.Unsubscribe(1_000_000)
	var p SMSPreview
	p.Sample, err = c.RenderSMS(campaign.Data{
		Contact:        campaign.ContactData{FirstName: "Ayşe", LastName: "Yılmaz"},
		Manager:        campaign.ManagerData{Name: "Zeynep Kılıç"},
		Campaign:       campaign.CampaignData{Name: c.Def.Name},
		UnsubscribeURL: link,
	})
	if err != nil {
		return p, err
	}
	p.Counts = gsm.All(p.Sample)

	audience, err := audienceOf(ctx, st, c.Def)
	if err != nil {
		return p, fmt.Errorf("campaign %s: audience: %w", slug, err)
	}
	byOwner := map[int64]*ManagerSegments{}
	err = st.SMSAudience(ctx, audience, func(r store.SMSRecipient) error {
		text, err := c.RenderSMS(campaign.Data{
			Contact: campaign.ContactData{FirstName: r.FirstName, LastName: r.LastName,
				Company: r.Company},
			Manager:        campaign.ManagerData{Name: r.OwnerName, Email: r.OwnerEmail},
			Campaign:       campaign.CampaignData{Name: c.Def.Name},
			UnsubscribeURL: link,
		})
		if err != nil {
			return err
		}
		m := byOwner[r.OwnerID]
		if m == nil {
			m = &ManagerSegments{Name: r.OwnerName}
			byOwner[r.OwnerID] = m
		}
		m.Recipients++
		m.Segments += gsm.CountAs(text, gsm.GSM7).Segments
		m.TurkishSegments += gsm.Best(text).Segments
		return nil
	})
	for _, m := range byOwner {
		p.Managers = append(p.Managers, *m)
	}
	sort.Slice(p.Managers, func(i, j int) bool { return p.Managers[i].Name < p.Managers[j].Name })
	return p, err
}
