package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// managerRow is one line of the supervisor's table: the report's figures.
type managerRow struct {
	store.ManagerQuality
	Label     string
	Score     float64
	OpenFlags int
}

// bar is one bar of the score chart, in SVG units.
type bar struct {
	Y     int
	W     string
	Label string
	Value float64
}

// trendLine is one manager's score over the days, as SVG points.
type trendLine struct {
	Name   string
	Points string
	Dots   []point // one per day, so that a single day shows too
	Color  string
}

// point is a position on a chart, in SVG units.
type point struct{ X, Y string }

type supervisorData struct {
	Campaign   *store.Campaign
	Rows       []managerRow
	Sort, Dir  string
	Bars       []bar
	ChartH     int
	Trend      []trendLine
	TrendDays  []string
	HasTrend   bool
	Columns    []string
	NextDir    map[string]string
	TrendWidth int
}

var sortColumns = []string{"manager", "contacts", "score", "complete", "valid_email",
	"valid_mobile", "reachable", "open_flags", "fixed_7d", "median_fix"}

func (ui *UI) supervisorPage(w http.ResponseWriter, r *http.Request, u store.User) {
	rep, err := ui.ops.Report(r.Context(), "")
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	d := supervisorData{Campaign: rep.Campaign, Columns: sortColumns, NextDir: map[string]string{}}
	for _, m := range rep.Lines {
		d.Rows = append(d.Rows, managerRow{ManagerQuality: m, Label: report.Name(m),
			Score: report.Score(m), OpenFlags: sumFlags(m.OpenFlags)})
	}
	d.Sort, d.Dir = r.URL.Query().Get("sort"), r.URL.Query().Get("dir")
	sortRows(d.Rows, d.Sort, d.Dir == "desc")
	for _, c := range sortColumns {
		d.NextDir[c] = "asc"
		if c == d.Sort && d.Dir != "desc" {
			d.NextDir[c] = "desc"
		}
	}
	for i, row := range d.Rows {
		d.Bars = append(d.Bars, bar{Y: i * 28, W: fmt.Sprintf("%.1f", row.Score*3),
			Label: row.Label, Value: row.Score})
	}
	d.ChartH = len(d.Bars)*28 + 4
	snaps, err := ui.st.SnapshotTrend(r.Context(), 30)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	d.Trend, d.TrendDays = trendLines(snaps, 600, 200)
	d.HasTrend, d.TrendWidth = len(snaps) > 0, 600
	ui.render(w, r, http.StatusOK, "supervisor", view{User: u, Title: "supervisor.title", Data: d})
}

func sumFlags(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sortRows(rows []managerRow, col string, desc bool) {
	key := func(m managerRow) float64 {
		switch col {
		case "contacts":
			return float64(m.Contacts)
		case "score":
			return m.Score
		case "complete":
			return report.Share(m.Complete, m.Contacts)
		case "valid_email":
			return report.Share(m.ValidEmail, m.Contacts)
		case "valid_mobile":
			return report.Share(m.ValidMobile, m.Contacts)
		case "reachable":
			return report.Share(m.Reachable, m.Contacts)
		case "open_flags":
			return float64(m.OpenFlags)
		case "fixed_7d":
			return float64(m.Fixed7)
		case "median_fix":
			return m.MedianFixHours
		}
		return 0
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if col == "" || col == "manager" {
			if desc {
				return rows[i].Label > rows[j].Label
			}
			return false // the report's own order
		}
		if desc {
			return key(rows[i]) > key(rows[j])
		}
		return key(rows[i]) < key(rows[j])
	})
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#17becf", "#7f7f7f", "#bcbd22"}

// trendLines turns daily snapshots into one polyline per manager on a
// width × height chart whose y axis is the score from 0 to 100.
func trendLines(snaps []store.Snapshot, width, height int) ([]trendLine, []string) {
	var days []string
	dayIndex := map[string]int{}
	for _, s := range snaps {
		d := s.Day.Format(time.DateOnly)
		if _, ok := dayIndex[d]; !ok {
			dayIndex[d] = len(days)
			days = append(days, d)
		}
	}
	step := 0.0
	if len(days) > 1 {
		step = float64(width-20) / float64(len(days)-1)
	}
	byOwner := map[int64]*trendLine{}
	var order []int64
	for _, s := range snaps {
		line := byOwner[s.OwnerID]
		if line == nil {
			name := s.Name
			if s.OwnerID == 0 {
				name = report.NoOwner
			}
			line = &trendLine{Name: name, Color: palette[len(order)%len(palette)]}
			byOwner[s.OwnerID] = line
			order = append(order, s.OwnerID)
		}
		x := 10 + step*float64(dayIndex[s.Day.Format(time.DateOnly)])
		y := float64(height) - s.Score/100*float64(height)
		line.Points += fmt.Sprintf("%.1f,%.1f ", x, y)
		line.Dots = append(line.Dots, point{fmt.Sprintf("%.1f", x), fmt.Sprintf("%.1f", y)})
	}
	out := make([]trendLine, len(order))
	for i, id := range order {
		out[i] = *byOwner[id]
	}
	return out, days
}

// reportCSV is the report exactly as `crier report managers --format csv`.
func (ui *UI) reportCSV(r *http.Request) ([]byte, error) {
	rep, err := ui.ops.Report(r.Context(), "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (ui *UI) exportCSV(w http.ResponseWriter, r *http.Request, u store.User) {
	data, err := ui.reportCSV(r)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="crier-managers.csv"`)
	_, _ = w.Write(data) // the client may be gone
}

// exportXLSX writes the CSV report's cells into a workbook, numbers as
// numbers, so that both exports always hold the same figures.
func (ui *UI) exportXLSX(w http.ResponseWriter, r *http.Request, u store.User) {
	data, err := ui.reportCSV(r)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		ui.fail(w, r, u, fmt.Errorf("read report CSV: %w", err))
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Managers"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	for i, rec := range records {
		row := make([]any, len(rec))
		for j, cell := range rec {
			row[j] = report.PlainText(cell) // a string cell is never a formula
			if n, err := strconv.ParseFloat(cell, 64); err == nil && i > 0 {
				row[j] = n
			}
		}
		cellName, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cellName, &row); err != nil {
			ui.fail(w, r, u, fmt.Errorf("write workbook: %w", err))
			return
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="crier-managers.xlsx"`)
	if err := f.Write(w); err != nil {
		ui.logger.WarnContext(r.Context(), "Write workbook", "err", err)
	}
}
