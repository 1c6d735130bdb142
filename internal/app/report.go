package app

import (
	"context"
	"errors"

	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// ManagersReport builds the per-manager report for the campaign with slug, or
// for the last launched campaign when slug is empty.
func ManagersReport(ctx context.Context, st *store.Store, slug string) (report.Managers, error) {
	var r report.Managers
	var k store.Campaign
	var err error
	if slug != "" {
		k, err = st.CampaignBySlug(ctx, slug)
	} else {
		k, err = st.LastCampaign(ctx)
	}
	switch {
	case err == nil:
		r.Campaign = &k
	case slug != "" || !errors.Is(err, store.ErrNotFound):
		return r, err
	}
	r.Lines, err = st.ReportManagers(ctx, k.ID)
	return r, err
}

// Snapshot saves today's per-manager quality figures for the trend.
func Snapshot(ctx context.Context, st *store.Store) error {
	r, err := ManagersReport(ctx, st, "")
	if err != nil {
		return err
	}
	return st.SnapshotSave(ctx, r.Snapshots())
}
