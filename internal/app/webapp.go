package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"

	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/web"
)

// WebOps runs the web app's use-cases with the functions the CLI uses:
// Launch, CampaignSetStatus, ManagersReport and Import.
type WebOps struct {
	cfg   config.Config
	st    *store.Store
	fsys  fs.FS
	relay *queue.Relay
	log   *slog.Logger
}

// Launch plans and queues the campaign.
func (o *WebOps) Launch(ctx context.Context, slug string) error {
	_, err := Launch(ctx, o.st, o.relay, o.fsys, slug)
	return err
}

// SetStatus pauses, resumes or cancels the campaign.
func (o *WebOps) SetStatus(ctx context.Context, slug, status string) error {
	k, err := o.st.CampaignBySlug(ctx, slug)
	if err != nil {
		return err
	}
	return o.st.CampaignSetStatus(ctx, k.ID, status)
}

// TestSend e-mails the campaign, rendered for a made-up customer, to the
// user's own address through the configured SMTP server. It does not touch
// the ledger: a test is not a campaign message.
func (o *WebOps) TestSend(ctx context.Context, slug string, to store.User) error {
	c, err := campaign.Load(o.fsys, slug)
	if err != nil {
		return err
	}
	if !c.Def.HasChannel(campaign.ChannelEmail) || to.Email == "" {
		return nil
	}
	mail, err := c.RenderEmail(campaign.Data{
		Contact:        campaign.ContactData{FirstName: "Ayşe", LastName: "Yılmaz", Company: "Örnek A.Ş."},
		Manager:        campaign.ManagerData{Name: to.Name, Email: to.Email},
		Campaign:       campaign.CampaignData{Name: c.Def.Name},
		UnsubscribeURL: o.cfg.PublicURL + "/",
	})
	if err != nil {
		return err
	}
	sender, err := delivery.NewSMTPSender(delivery.SMTPConfig{URL: o.cfg.SMTPURL, Logger: o.log})
	if err != nil {
		return err
	}
	defer sender.Close()
	_, err = sender.SendEmail(ctx, delivery.Email{FromName: to.Name, FromAddress: o.cfg.MailFrom,
		To: to.Email, Subject: "[test] " + mail.Subject, Text: mail.Text, HTML: mail.HTML})
	if err != nil {
		return fmt.Errorf("test e-mail of %s: %w", slug, err)
	}
	return nil
}

// Report is the per-manager report, as `crier report managers`.
func (o *WebOps) Report(ctx context.Context, slug string) (report.Managers, error) {
	return ManagersReport(ctx, o.st, slug)
}

// Import imports the file (or dry-runs it) as `crier import` does.
func (o *WebOps) Import(ctx context.Context, path, name string, dryRun bool) (web.ImportResult, error) {
	sum, err := Import(ctx, o.st, path, ImportOptions{DefaultRegion: o.cfg.DefaultRegion,
		DryRun: dryRun})
	if err != nil {
		return web.ImportResult{}, err
	}
	res := web.ImportResult{RowsIn: sum.RowsIn, Imported: sum.Imported, Updated: sum.Updated,
		Unchanged: sum.Unchanged, Rejected: sum.Rejected}
	for _, r := range sum.Rejects {
		res.Rejects = append(res.Rejects, web.ImportReject{Row: r.Row, Column: r.Column,
			Reason: r.Reason})
	}
	return res, nil
}

// NewWebApp returns the HTTP server with the web app: webhooks, unsubscribe
// links, pages and /api/v1. Close the returned closer (the queue client the
// launch button uses) when done.
func NewWebApp(cfg config.Config, st *store.Store, fsys fs.FS, logger *slog.Logger) (*web.Server,
	func() error, error) {
	relay, client, err := NewRelay(cfg, st, logger)
	if err != nil {
		return nil, nil, err
	}
	ops := &WebOps{cfg: cfg, st: st, fsys: fsys, relay: relay, log: logger}
	ui, err := web.NewUI(st, ops, web.UIConfig{Campaigns: fsys,
		SecureCookies: strings.HasPrefix(cfg.PublicURL, "https://"),
		Settings:      Settings(cfg), DefaultRegion: cfg.DefaultRegion}, logger)
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return NewWebServer(cfg, st, logger).WithUI(ui), client.Close, nil
}

// Settings says for the admin page how SMTP and Twilio are set up, never
// showing a secret: hosts, and whether a secret is set or the development
// default.
func Settings(cfg config.Config) []web.Setting {
	host := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "not a URL"
		}
		auth := ""
		if u.User != nil {
			auth = ", with credentials"
		}
		return u.Scheme + "://" + u.Host + auth
	}
	secret := func(v, dev string) string {
		switch v {
		case "":
			return "not set"
		case dev:
			return "development default (devsink)"
		}
		return "set"
	}
	from := cfg.Twilio.From
	if cfg.Twilio.MessagingServiceSID != "" {
		from = "messaging service"
	}
	return []web.Setting{
		{Name: "CRIER_SMTP_URL", Status: host(cfg.SMTPURL)},
		{Name: "CRIER_MAIL_FROM", Status: cfg.MailFrom},
		{Name: "TWILIO_API_URL", Status: host(cfg.Twilio.APIURL)},
		{Name: "TWILIO_ACCOUNT_SID", Status: secret(cfg.Twilio.AccountSID, config.DevAccountSID)},
		{Name: "TWILIO_AUTH_TOKEN", Status: secret(cfg.Twilio.AuthToken, config.DevAuthToken)},
		{Name: "TWILIO_FROM", Status: from},
		{Name: "CRIER_SECRET_KEY", Status: secret(cfg.SecretKey, config.DevSecretKey)},
		{Name: "CRIER_PUBLIC_URL", Status: cfg.PublicURL},
	}
}
