package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/store"
)

// CampaignFS returns the directory campaigns are read from: dir when given,
// the working directory when it has a campaigns/ folder, else the definitions
// built into the binary.
func CampaignFS(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	if st, err := os.Stat("campaigns"); err == nil && st.IsDir() {
		return os.DirFS(".")
	}
	return crier.Campaigns
}

// LaunchResult is what a launch planned, per channel.
type LaunchResult struct {
	Campaign store.Campaign
	Plans    []store.PlanResult
	Queued   int
	SendAt   *time.Time // when sending starts; nil: now
}

// Launch plans a campaign — one message row per audience contact and channel,
// or a skipped row with its reason — and hands the sendable ones to the queue.
// Launching again plans only contacts added since and never doubles a message.
// On an error the result's Campaign.ID is 0 when nothing was planned.
func Launch(ctx context.Context, st *store.Store, relay *queue.Relay, fsys fs.FS,
	slug string) (LaunchResult, error) {
	c, err := campaign.Load(fsys, slug)
	if err != nil {
		return LaunchResult{}, err
	}
	audience, err := audienceOf(ctx, st, c.Def)
	if err != nil {
		return LaunchResult{}, fmt.Errorf("campaign %s: audience: %w", slug, err)
	}
	res := LaunchResult{}
	// One transaction holds the campaign's row (locked by its upsert, or not
	// yet visible when new) while its channels are planned, in parallel on
	// connections of their own: a worker finishing settled campaigns skips it
	// instead of finishing it before its messages exist.
	err = st.InTx(ctx, func(tx *store.Store) error {
		res.Campaign, err = tx.CampaignLaunch(ctx, slug, c.Def.Name, c.Def)
		if err != nil {
			return err
		}
		switch res.Campaign.Status {
		case "running":
		case "paused":
			return fmt.Errorf("campaign %s is paused: use `crier campaign resume %s`",
				slug, slug)
		default:
			return fmt.Errorf("campaign %s is %s and cannot be launched again", slug,
				res.Campaign.Status)
		}
		if err := tx.CampaignSchedule(ctx, res.Campaign.ID, c.Def.SendAt); err != nil {
			return err
		}
		res.SendAt = c.Def.SendAt
		res.Plans, err = Plan(ctx, st, res.Campaign.ID, c.Def.Channels, audience)
		return err
	})
	if err != nil {
		return LaunchResult{}, err
	}
	res.Queued, err = relay.Once(ctx)
	if err != nil {
		return res, err
	}
	// An empty audience, or one whose messages were all skipped, leaves
	// nothing to send: the campaign is finished at once.
	finished, err := st.CampaignFinishIfDone(ctx, res.Campaign.ID)
	if err != nil {
		return res, err
	}
	if finished {
		res.Campaign.Status = "finished"
	}
	return res, nil
}

// Planned is the number of message rows the launch has for the campaign,
// to send or skipped, over all channels: 0 means an empty audience.
func (r LaunchResult) Planned() int {
	n := 0
	for _, p := range r.Plans {
		n += p.Pending
		for _, k := range p.Skipped {
			n += k
		}
	}
	return n
}

// FinishSettled marks finished the running campaigns whose messages are all
// settled (sent, delivered, failed, skipped, …) and logs each one.
func FinishSettled(ctx context.Context, st *store.Store, logger *slog.Logger) error {
	slugs, err := st.CampaignsFinishSettled(ctx)
	if err != nil {
		return err
	}
	for _, slug := range slugs {
		logger.InfoContext(ctx, "Campaign finished", "campaign", slug)
	}
	return nil
}

// runFinisher calls FinishSettled every interval until ctx is done.
func runFinisher(ctx context.Context, st *store.Store, interval time.Duration,
	logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := FinishSettled(ctx, st, logger); err != nil && ctx.Err() == nil {
				logger.WarnContext(ctx, "Finishing settled campaigns failed", "err", err)
			}
		}
	}
}

// Plan plans a campaign's channels, all at once: each channel is one INSERT
// of its own, and two statements use two CPUs.
func Plan(ctx context.Context, st *store.Store, campaignID int64, channels []string,
	audience store.Audience) ([]store.PlanResult, error) {
	plans := make([]store.PlanResult, len(channels))
	errs := make([]error, len(channels))
	var wg sync.WaitGroup
	for i, channel := range channels {
		wg.Go(func() { plans[i], errs[i] = st.MessagesPlan(ctx, campaignID, channel, audience) })
	}
	wg.Wait()
	return plans, errors.Join(errs...)
}

func audienceOf(ctx context.Context, st *store.Store, def campaign.Definition) (store.Audience, error) {
	keys := make([]string, len(def.Audience.Owners))
	for i, owner := range def.Audience.Owners {
		keys[i] = contact.FoldTR(owner)
	}
	ids, err := st.ManagerIDs(ctx, keys)
	if err != nil {
		return store.Audience{}, err
	}
	return store.Audience{OwnerIDs: ids, Tags: def.Audience.Tags}, nil
}
