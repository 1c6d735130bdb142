package web

import (
	"context"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// campaignItem is one campaign definition and, once launched, its status.
type campaignItem struct {
	Slug     string
	Name     string
	Channels []string
	Status   string // "" until launched
}

// channelProgress is one channel's progress bar.
type channelProgress struct {
	Channel  string         `json:"channel"`
	Total    int            `json:"total"`
	Done     int            `json:"done"`
	Percent  int            `json:"percent"`
	ByStatus map[string]int `json:"by_status"`
}

// progressDoc is what the progress poll answers.
type progressDoc struct {
	Status   string            `json:"status"`
	Channels []channelProgress `json:"channels"`
}

type campaignData struct {
	Item        campaignItem
	Email       campaign.RenderedEmail
	HasEmail    bool
	SMS         string
	SMSSegments int
	SMSChars    int
	Audience    []store.AudienceLine
	Results     []store.ManagerQuality
	Progress    progressDoc
	Launched    bool
	Running     bool
}

// ResultName names a result line's manager as the report does.
func (campaignData) ResultName(m store.ManagerQuality) string { return report.Name(m) }

func (ui *UI) campaignItems(ctx context.Context) ([]campaignItem, error) {
	files, err := fs.Glob(ui.cfg.Campaigns, "campaigns/*.yaml")
	if err != nil {
		return nil, err
	}
	launched, err := ui.st.WebCampaigns(ctx)
	if err != nil {
		return nil, err
	}
	var out []campaignItem
	for _, f := range files {
		slug := strings.TrimSuffix(path.Base(f), ".yaml")
		c, err := campaign.Load(ui.cfg.Campaigns, slug)
		if err != nil {
			ui.logger.WarnContext(ctx, "Campaign definition does not load", "slug", slug, "err", err)
			continue
		}
		out = append(out, campaignItem{Slug: slug, Name: c.Def.Name, Channels: c.Def.Channels,
			Status: launched[slug].Status})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}

func (ui *UI) campaignsPage(w http.ResponseWriter, r *http.Request, u store.User) {
	items, err := ui.campaignItems(r.Context())
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	ui.render(w, r, http.StatusOK, "campaigns", view{User: u, Title: "campaigns.title", Data: items})
}

// loadCampaign loads a definition; an unknown slug is ErrNotFound.
func (ui *UI) loadCampaign(slug string) (*campaign.Campaign, error) {
	c, err := campaign.Load(ui.cfg.Campaigns, slug)
	if err != nil {
		return nil, store.ErrNotFound
	}
	return c, nil
}

// sampleData is what previews and test sends are rendered with: a made-up
// customer, never a real one, and the user as the manager.
func sampleData(u store.User, c *campaign.Campaign) campaign.Data {
	return campaign.Data{
		Contact:        campaign.ContactData{FirstName: "Ayşe", LastName: "Yılmaz", Company: "Örnek A.Ş."},
		Manager:        campaign.ManagerData{Name: u.Name, Email: u.Email},
		Campaign:       campaign.CampaignData{Name: c.Def.Name},
		UnsubscribeURL: "#unsubscribe",
	}
}

func (ui *UI) campaignPage(w http.ResponseWriter, r *http.Request, u store.User) {
	ctx := r.Context()
	slug := r.PathValue("slug")
	c, err := ui.loadCampaign(slug)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	d := campaignData{Item: campaignItem{Slug: slug, Name: c.Def.Name, Channels: c.Def.Channels}}
	data := sampleData(u, c)
	if c.Def.HasChannel(campaign.ChannelEmail) {
		if d.Email, err = c.RenderEmail(data); err != nil {
			ui.fail(w, r, u, err)
			return
		}
		d.HasEmail = true
	}
	if c.Def.HasChannel(campaign.ChannelSMS) {
		if d.SMS, err = c.RenderSMS(data); err != nil {
			ui.fail(w, r, u, err)
			return
		}
		d.SMSChars, d.SMSSegments = smsSegments(d.SMS)
	}
	k, err := ui.st.CampaignBySlug(ctx, slug)
	switch {
	case err == nil:
		d.Launched, d.Item.Status = true, k.Status
		d.Running = k.Status == "running" || k.Status == "paused"
		if d.Progress, err = ui.progress(ctx, k); err != nil {
			ui.fail(w, r, u, err)
			return
		}
		rep, err := ui.ops.Report(ctx, slug)
		if err != nil {
			ui.fail(w, r, u, err)
			return
		}
		d.Results = rep.Lines
	case errors.Is(err, store.ErrNotFound):
		audience, err := ui.audienceOf(ctx, c.Def)
		if err == nil {
			d.Audience, err = ui.st.WebAudiencePreview(ctx, c.Def.Channels, audience)
		}
		if err != nil {
			ui.fail(w, r, u, err)
			return
		}
	default:
		ui.fail(w, r, u, err)
		return
	}
	ui.render(w, r, http.StatusOK, "campaign", view{User: u, Title: "campaign.title", Data: d})
}

// campaignPreview serves the e-mail's HTML, rendered with sample data, for
// the preview frame: no script may run in it, and only this app may frame it.
func (ui *UI) campaignPreview(w http.ResponseWriter, r *http.Request, u store.User) {
	c, err := ui.loadCampaign(r.PathValue("slug"))
	if err != nil || !c.Def.HasChannel(campaign.ChannelEmail) {
		ui.fail(w, r, u, store.ErrNotFound)
		return
	}
	mail, err := c.RenderEmail(sampleData(u, c))
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	body := mail.HTML
	if body == "" {
		body = "<pre>" + template.HTMLEscapeString(mail.Text) + "</pre>"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "+
		"img-src data: https:; frame-ancestors 'self'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(body)) // the client may be gone
}

// audienceOf selects the definition's audience as a launch does.
func (ui *UI) audienceOf(ctx context.Context, def campaign.Definition) (store.Audience, error) {
	keys := make([]string, len(def.Audience.Owners))
	for i, owner := range def.Audience.Owners {
		keys[i] = contact.FoldTR(owner)
	}
	ids, err := ui.st.ManagerIDs(ctx, keys)
	if err != nil {
		return store.Audience{}, err
	}
	return store.Audience{OwnerIDs: ids, Tags: def.Audience.Tags}, nil
}

// progress counts a campaign's messages per channel: done is every message
// that is no longer pending, queued or sending.
func (ui *UI) progress(ctx context.Context, k store.Campaign) (progressDoc, error) {
	p, err := ui.st.CampaignProgress(ctx, k.ID)
	if err != nil {
		return progressDoc{}, err
	}
	doc := progressDoc{Status: k.Status}
	for _, ch := range []string{campaign.ChannelEmail, campaign.ChannelSMS} {
		byStatus, ok := p[ch]
		if !ok {
			continue
		}
		cp := channelProgress{Channel: ch, ByStatus: byStatus}
		for status, n := range byStatus {
			cp.Total += n
			if status != "pending" && status != "queued" && status != "sending" {
				cp.Done += n
			}
		}
		if cp.Total > 0 {
			cp.Percent = 100 * cp.Done / cp.Total
		}
		doc.Channels = append(doc.Channels, cp)
	}
	return doc, nil
}

func (ui *UI) campaignProgress(w http.ResponseWriter, r *http.Request, u store.User) {
	k, err := ui.st.CampaignBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	if k.Status == "running" {
		// A campaign whose last message settled is finished; the worker's
		// relay notices too, but the bar should not wait for it.
		if _, err := ui.st.CampaignFinishIfDone(r.Context(), k.ID); err != nil {
			ui.fail(w, r, u, err)
			return
		}
		if k, err = ui.st.CampaignBySlug(r.Context(), k.Slug); err != nil {
			ui.fail(w, r, u, err)
			return
		}
	}
	doc, err := ui.progress(r.Context(), k)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// runCampaignAction launches, pauses, resumes, cancels or test-sends and
// audits it.
func (ui *UI) runCampaignAction(ctx context.Context, u store.User, slug, action string) error {
	if _, err := ui.loadCampaign(slug); err != nil {
		return err
	}
	var err error
	switch action {
	case "launch":
		err = ui.ops.Launch(ctx, slug)
	case "pause":
		err = ui.ops.SetStatus(ctx, slug, "paused")
	case "resume":
		err = ui.ops.SetStatus(ctx, slug, "running")
	case "cancel":
		err = ui.ops.SetStatus(ctx, slug, "cancelled")
	case "test":
		err = ui.ops.TestSend(ctx, slug, u)
	default:
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	return ui.st.WebAudit(ctx, store.AuditEntry{ActorID: u.ID, Action: "campaign." + action,
		Entity: "campaign", Field: slug})
}

func (ui *UI) campaignAction(w http.ResponseWriter, r *http.Request, u store.User) {
	slug, action := r.PathValue("slug"), r.PathValue("action")
	if err := ui.runCampaignAction(r.Context(), u, slug, action); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/campaigns/"+slug+"?done="+action, http.StatusSeeOther)
}

// smsSegments counts an SMS's characters and the segments it is sent in:
// 160 GSM-7 characters in one, 153 each when split; with any character
// outside GSM-7 (ğ, ı, ş), 70 UCS-2 units in one, 67 each when split.
func smsSegments(s string) (chars, segments int) {
	gsm, units := true, 0
	for _, r := range s {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			units++
		case strings.ContainsRune(gsmExtended, r):
			units += 2
		default:
			gsm = false
		}
	}
	one, each := 160, 153
	if !gsm {
		units, one, each = len(utf16.Encode([]rune(s))), 70, 67
	}
	switch {
	case units == 0:
		return 0, 0
	case units <= one:
		return units, 1
	}
	return units, (units + each - 1) / each
}

const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtended = "^{}\\[~]|€\f"
)
