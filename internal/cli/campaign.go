package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/store"
)

type campaignCmd struct {
	Launch  campaignLaunchCmd  `cmd:"" help:"Plan a campaign's messages and queue them."`
	Status  campaignStatusCmd  `cmd:"" help:"Show a campaign's progress per channel and status."`
	Pause   campaignPauseCmd   `cmd:"" help:"Pause sending; queued work waits in the ledger."`
	Resume  campaignResumeCmd  `cmd:"" help:"Resume a paused campaign from the ledger."`
	Cancel  campaignCancelCmd  `cmd:"" help:"Cancel a campaign; unsent messages are cancelled."`
	Preview campaignPreviewCmd `cmd:"" help:"Show a campaign's SMS, its segments and the estimated segments per manager."`
}

type campaignLaunchCmd struct {
	Slug string `arg:"" help:"Campaign name: campaigns/NAME.yaml."`
	Dir  string `type:"existingdir" help:"Directory holding campaigns/ and templates/ (default: ./ if it has campaigns/, else the built-in ones)."`
}

func (c campaignLaunchCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return g.interrupted(err, "nothing was changed")
	}
	defer st.Close()
	relay, client, err := app.NewRelay(g.cfg, st, g.logger)
	if err != nil {
		return err
	}
	defer client.Close()

	res, err := app.Launch(g.ctx, st, relay, app.CampaignFS(c.Dir), c.Slug)
	if err != nil {
		state := "nothing was changed"
		if res.Campaign.ID != 0 {
			state = fmt.Sprintf("campaign %s is launched and its messages are planned; "+
				"`crier worker` queues and sends them", c.Slug)
		}
		return g.interrupted(err, state)
	}
	w := g.env.Stdout
	fmt.Fprintf(w, "Campaign %s (%s) launched, id %d\n", res.Campaign.Slug, res.Campaign.Name,
		res.Campaign.ID)
	for _, p := range res.Plans {
		fmt.Fprintf(w, "  %-5s %6d to send, %6d skipped%s\n", p.Channel, p.Pending,
			sum(p.Skipped), reasons(p.Skipped))
	}
	if res.Planned() == 0 {
		fmt.Fprintf(g.env.Stderr, "warning: campaign %s has an empty audience: "+
			"no contact matches its owners and tags (is anything imported?)\n", res.Campaign.Slug)
	}
	if res.Campaign.Status == "finished" {
		fmt.Fprintf(w, "  %d messages to send: campaign %s is finished.\n", res.Queued,
			res.Campaign.Slug)
		return nil
	}
	if res.SendAt != nil {
		fmt.Fprintf(w, "  Scheduled: workers start sending at %s.\n",
			res.SendAt.Local().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(w, "  %d messages queued; `crier worker` sends them, "+
		"`crier campaign status %s` shows progress.\n", res.Queued, res.Campaign.Slug)
	return nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// reasons prints skip reasons, most frequent first.
func reasons(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

type campaignStatusCmd struct {
	Slug string `arg:"" help:"Campaign name."`
}

func (c campaignStatusCmd) Run(g *Globals) error {
	st, err := g.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := campaignBySlug(g, st, c.Slug)
	if err != nil {
		return err
	}
	p, err := st.CampaignProgress(g.ctx, k.ID)
	if err != nil {
		return err
	}
	w := g.env.Stdout
	fmt.Fprintf(w, "Campaign %s (%s): %s%s\n", k.Slug, k.Name, k.Status, sendsAt(k.SendAt))
	writeProgress(w, p, "  ")
	byOwner, err := st.CampaignProgressByOwner(g.ctx, k.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "By manager:")
	for _, o := range byOwner {
		name := o.Name
		if o.OwnerID == 0 {
			name = "(no owner)"
		}
		fmt.Fprintf(w, "  %s\n", name)
		writeProgress(w, o.Progress, "    ")
	}
	return nil
}

// sendsAt describes a campaign's schedule, "" when it sends at once.
func sendsAt(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ", sends from " + t.Local().Format("2006-01-02 15:04 MST")
}

// statusOrder lists message statuses in the order they are shown.
var statusOrder = []string{"pending", "queued", "sending", "sent", "delivered", "bounced",
	"failed", "unknown", "skipped", "cancelled"}

func writeProgress(w io.Writer, p store.Progress, indent string) {
	for _, channel := range []string{"email", "sms"} {
		byStatus, ok := p[channel]
		if !ok {
			continue
		}
		var parts []string
		for _, s := range statusOrder {
			if byStatus[s] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", s, byStatus[s]))
			}
		}
		fmt.Fprintf(w, "%s%-5s %s\n", indent, channel, strings.Join(parts, ", "))
	}
}

type campaignPauseCmd struct {
	Slug string `arg:"" help:"Campaign name."`
}

func (c campaignPauseCmd) Run(g *Globals) error { return setCampaignStatus(g, c.Slug, "paused") }

type campaignResumeCmd struct {
	Slug string `arg:"" help:"Campaign name."`
}

func (c campaignResumeCmd) Run(g *Globals) error { return setCampaignStatus(g, c.Slug, "running") }

type campaignCancelCmd struct {
	Slug string `arg:"" help:"Campaign name."`
}

func (c campaignCancelCmd) Run(g *Globals) error { return setCampaignStatus(g, c.Slug, "cancelled") }

func setCampaignStatus(g *Globals, slug, status string) error {
	st, err := g.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := campaignBySlug(g, st, slug)
	if err != nil {
		return err
	}
	if k.Status == "cancelled" {
		return fmt.Errorf("campaign %s is cancelled", slug)
	}
	if err := st.CampaignSetStatus(g.ctx, k.ID, status); err != nil {
		if errors.Is(err, store.ErrNotFound) { // cancelled meanwhile
			return fmt.Errorf("campaign %s is cancelled", slug)
		}
		return err
	}
	if status == "running" {
		// Queue what the pause handed back at once, rather than waiting for
		// a worker's relay round.
		relay, client, err := app.NewRelay(g.cfg, st, g.logger)
		if err != nil {
			return err
		}
		defer client.Close()
		if _, err := relay.Once(g.ctx); err != nil {
			return err
		}
		status = "running again; it continues from the ledger"
	}
	fmt.Fprintf(g.env.Stdout, "Campaign %s is now %s.\n", slug, status)
	return nil
}

// campaignBySlug finds a launched campaign, saying how to launch it when there
// is none.
func campaignBySlug(g *Globals, st *store.Store, slug string) (store.Campaign, error) {
	k, err := st.CampaignBySlug(g.ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return k, fmt.Errorf("no campaign %s (launch it with `crier campaign launch %s`)",
			slug, slug)
	}
	return k, err
}
