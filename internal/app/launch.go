package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	res.Campaign, err = st.CampaignLaunch(ctx, slug, c.Def.Name, c.Def)
	if err != nil {
		return res, err
	}
	if res.Campaign.Status != "running" {
		return res, fmt.Errorf("campaign %s is %s and cannot be launched again", slug,
			res.Campaign.Status)
	}
	if err := st.CampaignSchedule(ctx, res.Campaign.ID, c.Def.SendAt); err != nil {
		return res, err
	}
	res.SendAt = c.Def.SendAt
	if res.Plans, err = Plan(ctx, st, res.Campaign.ID, c.Def.Channels, audience); err != nil {
		return res, err
	}
	res.Queued, err = relay.Once(ctx)
	return res, err
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
