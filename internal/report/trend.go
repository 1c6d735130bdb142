package report

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/crier-dev/crier/internal/store"
)

// WriteTrend prints the daily quality scores: one line per day, one column per
// manager, so that a supervisor sees who improves.
func WriteTrend(w io.Writer, snaps []store.Snapshot) error {
	if len(snaps) == 0 {
		_, err := fmt.Fprintln(w, "No snapshots yet: `crier report snapshot` takes one "+
			"(imports and the demo take one too).")
		return err
	}
	names := map[int64]string{}
	byDay := map[string]map[int64]float64{}
	var days []string
	for _, s := range snaps {
		name := s.Name
		if s.OwnerID == 0 {
			name = NoOwner
		}
		names[s.OwnerID] = name
		day := s.Day.Format("2006-01-02")
		if byDay[day] == nil {
			byDay[day] = map[int64]float64{}
			days = append(days, day)
		}
		byDay[day][s.OwnerID] = s.Score
	}
	owners := make([]int64, 0, len(names))
	for id := range names {
		owners = append(owners, id)
	}
	sort.Slice(owners, func(i, j int) bool {
		if (owners[i] == 0) != (owners[j] == 0) {
			return owners[j] == 0
		}
		return names[owners[i]] < names[owners[j]]
	})

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "Day")
	for _, id := range owners {
		fmt.Fprintf(tw, "\t%s", names[id])
	}
	fmt.Fprintln(tw, "\t")
	for _, day := range days {
		fmt.Fprint(tw, day)
		for _, id := range owners {
			if score, ok := byDay[day][id]; ok {
				fmt.Fprintf(tw, "\t%.1f", score)
			} else {
				fmt.Fprint(tw, "\t-")
			}
		}
		fmt.Fprintln(tw, "\t")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write trend: %w", err)
	}
	return nil
}
