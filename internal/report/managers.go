// Package report prints crier's reports: per-manager data quality, the results
// of the last campaign, and the quality trend.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
)

// FlagKinds are the flag columns of the report, in the vocabulary's order.
var FlagKinds = []contact.Flag{
	contact.FlagEmailMissing, contact.FlagEmailInvalid, contact.FlagEmailTypoSuspected,
	contact.FlagPhoneMissing, contact.FlagPhoneInvalid, contact.FlagPhoneNotMobile,
	contact.FlagDuplicate, contact.FlagOwnerConflict, contact.FlagNameMissing,
	contact.FlagOwnerMissing, contact.FlagOptOut,
	contact.FlagEmailBounced, contact.FlagPhoneUndeliverable, contact.FlagComplaint,
}

// Managers is the per-manager report with the campaign it counts, if any.
type Managers struct {
	Campaign *store.Campaign
	Lines    []store.ManagerQuality
}

// NoOwner is how the line of contacts without an owner is named.
const NoOwner = "(no owner)"

// Name is how a report line names its manager.
func Name(m store.ManagerQuality) string {
	if m.OwnerID == 0 {
		return NoOwner
	}
	return m.Name
}

// Share returns part/whole as a fraction, 0 when whole is 0.
func Share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// Score is a manager's data-quality score from 0 to 100:
//
//	100 × (0.4 × complete share + 0.3 × valid e-mail share + 0.3 × valid mobile share)
//
// rounded to one decimal. Completeness weighs most because a contact without
// a name or any working channel cannot be used at all.
func Score(m store.ManagerQuality) float64 {
	s := 0.4*Share(m.Complete, m.Contacts) + 0.3*Share(m.ValidEmail, m.Contacts) +
		0.3*Share(m.ValidMobile, m.Contacts)
	return math.Round(1000*s) / 10
}

// Snapshots turns the report's lines into today's trend points.
func (r Managers) Snapshots() []store.Snapshot {
	out := make([]store.Snapshot, len(r.Lines))
	for i, m := range r.Lines {
		out[i] = store.Snapshot{OwnerID: m.OwnerID, Contacts: m.Contacts, Complete: m.Complete,
			ValidEmail: m.ValidEmail, ValidMobile: m.ValidMobile, OpenFlags: total(m.OpenFlags),
			Score: Score(m)}
	}
	return out
}

func percent(part, whole int) string {
	return fmt.Sprintf("%5.1f%%", 100*Share(part, whole))
}

func hours(h float64) string {
	switch {
	case h < 0:
		return "-"
	case h < 48:
		return fmt.Sprintf("%.0fh", h)
	}
	return fmt.Sprintf("%.0fd", h/24)
}

// WriteTable prints the report for a terminal: quality, open flags by kind, and
// the last campaign per channel.
func (r Managers) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Manager\tContacts\tScore\tComplete\tValid e-mail\tValid mobile\t"+
		"Reachable\tOpen flags\tFixed 7d\tFixed 30d\tMedian fix\t")
	for _, m := range r.Lines {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t\n", Name(m), m.Contacts,
			Score(m), percent(m.Complete, m.Contacts), percent(m.ValidEmail, m.Contacts),
			percent(m.ValidMobile, m.Contacts), percent(m.Reachable, m.Contacts),
			total(m.OpenFlags), m.Fixed7, m.Fixed30, hours(m.MedianFixHours))
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t\t\t")
	fmt.Fprint(tw, "Open flags by kind")
	for _, m := range r.Lines {
		fmt.Fprintf(tw, "\t%s", Name(m))
	}
	fmt.Fprintln(tw, "\t")
	for _, kind := range FlagKinds {
		fmt.Fprint(tw, string(kind))
		for _, m := range r.Lines {
			fmt.Fprintf(tw, "\t%d", m.OpenFlags[string(kind)])
		}
		fmt.Fprintln(tw, "\t")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return r.writeCampaignTable(w)
}

func (r Managers) writeCampaignTable(w io.Writer) error {
	if r.Campaign == nil {
		_, err := fmt.Fprintln(w, "\nNo campaign launched yet.")
		return err
	}
	fmt.Fprintf(w, "\nLast campaign: %s (%s, %s)\n", r.Campaign.Name, r.Campaign.Slug, r.Campaign.Status)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Manager\tE-mail sent\tbounced\tskipped\tSMS sent\tdelivered\tbounced\tskipped\t")
	for _, m := range r.Lines {
		e, s := m.Channels["email"], m.Channels["sms"]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", Name(m),
			e.Sent, e.Bounced, e.Skipped, s.Sent, s.Delivered, s.Bounced, s.Skipped)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// CSVHeader is the header line of the CSV report.
func CSVHeader() []string {
	h := []string{"manager", "manager_email", "contacts", "score", "complete_count",
		"complete_share", "valid_email_count", "valid_email_share", "valid_mobile_count",
		"valid_mobile_share", "reachable_count", "reachable_share", "duplicates", "conflicts",
		"fixed_7d", "fixed_30d", "median_fix_hours"}
	for _, kind := range FlagKinds {
		h = append(h, "open_"+string(kind))
	}
	return append(h, "campaign", "email_planned", "email_skipped", "email_sent", "email_bounced",
		"email_failed", "sms_planned", "sms_skipped", "sms_sent", "sms_delivered", "sms_bounced",
		"sms_failed")
}

// WriteCSV writes the same figures as WriteTable, one line per manager.
func (r Managers) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	slug := ""
	if r.Campaign != nil {
		slug = r.Campaign.Slug
	}
	for _, m := range r.Lines {
		if err := cw.Write(csvRecord(m, slug)); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText neutralises a text cell that a spreadsheet would read as a formula
// (one starting with = + - @, a tab or a carriage return) by prefixing it with
// a single quote, as OWASP advises against CSV injection. Names and addresses
// come from imported files, so any of them may start so.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// PlainText undoes csvText for a format that never evaluates text as a
// formula (a workbook cell set as a string), so the name shows as typed.
func PlainText(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

func csvRecord(m store.ManagerQuality, slug string) []string {
	itoa := strconv.Itoa
	share := func(n int) string { return fmt.Sprintf("%.4f", Share(n, m.Contacts)) }
	median := ""
	if m.MedianFixHours >= 0 {
		median = fmt.Sprintf("%.1f", m.MedianFixHours)
	}
	rec := []string{csvText(Name(m)), csvText(m.Email), itoa(m.Contacts), fmt.Sprintf("%.1f", Score(m)),
		itoa(m.Complete), share(m.Complete), itoa(m.ValidEmail), share(m.ValidEmail),
		itoa(m.ValidMobile), share(m.ValidMobile), itoa(m.Reachable), share(m.Reachable),
		itoa(m.Duplicates), itoa(m.Conflicts), itoa(m.Fixed7), itoa(m.Fixed30), median}
	for _, kind := range FlagKinds {
		rec = append(rec, itoa(m.OpenFlags[string(kind)]))
	}
	e, s := m.Channels["email"], m.Channels["sms"]
	return append(rec, csvText(slug), itoa(e.Planned), itoa(e.Skipped), itoa(e.Sent), itoa(e.Bounced),
		itoa(e.Failed), itoa(s.Planned), itoa(s.Skipped), itoa(s.Sent), itoa(s.Delivered),
		itoa(s.Bounced), itoa(s.Failed))
}

// jsonLine is one manager in the JSON report.
type jsonLine struct {
	Manager        string                `json:"manager"`
	ManagerEmail   string                `json:"manager_email"`
	Contacts       int                   `json:"contacts"`
	Score          float64               `json:"score"`
	Complete       int                   `json:"complete_count"`
	ValidEmail     int                   `json:"valid_email_count"`
	ValidMobile    int                   `json:"valid_mobile_count"`
	Reachable      int                   `json:"reachable_count"`
	Fixed7         int                   `json:"fixed_7d"`
	Fixed30        int                   `json:"fixed_30d"`
	MedianFixHours *float64              `json:"median_fix_hours"`
	OpenFlags      map[string]int        `json:"open_flags"`
	Campaign       map[string]jsonCounts `json:"campaign"`
}

type jsonCounts struct {
	Planned   int `json:"planned"`
	Skipped   int `json:"skipped"`
	Sent      int `json:"sent"`
	Delivered int `json:"delivered"`
	Bounced   int `json:"bounced"`
	Failed    int `json:"failed"`
	Unknown   int `json:"unknown"`
	Waiting   int `json:"waiting"`
}

type jsonCampaign struct {
	ID     int64  `json:"id"`
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// WriteJSON writes the report as one JSON document.
func (r Managers) WriteJSON(w io.Writer) error {
	doc := struct {
		Campaign *jsonCampaign `json:"campaign"`
		Managers []jsonLine    `json:"managers"`
	}{Managers: make([]jsonLine, len(r.Lines))}
	if k := r.Campaign; k != nil {
		doc.Campaign = &jsonCampaign{ID: k.ID, Slug: k.Slug, Name: k.Name, Status: k.Status}
	}
	for i, m := range r.Lines {
		line := jsonLine{Manager: Name(m), ManagerEmail: m.Email, Contacts: m.Contacts,
			Score: Score(m), Complete: m.Complete, ValidEmail: m.ValidEmail,
			ValidMobile: m.ValidMobile, Reachable: m.Reachable, Fixed7: m.Fixed7,
			Fixed30: m.Fixed30, OpenFlags: m.OpenFlags, Campaign: map[string]jsonCounts{}}
		for ch, c := range m.Channels {
			line.Campaign[ch] = jsonCounts(c)
		}
		if m.MedianFixHours >= 0 {
			line.MedianFixHours = &m.MedianFixHours
		}
		doc.Managers[i] = line
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
