// Package report prints crier's reports: per-manager data quality and the
// results of the last campaign.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
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

func name(m store.ManagerQuality) string {
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

func percent(part, whole int) string {
	return fmt.Sprintf("%5.1f%%", 100*Share(part, whole))
}

// WriteTable prints the report for a terminal: quality, open flags by kind, and
// the last campaign per channel.
func (r Managers) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Manager\tContacts\tValid e-mail\tValid mobile\tOpen flags\t")
	for _, m := range r.Lines {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t\n", name(m), m.Contacts,
			percent(m.ValidEmail, m.Contacts), percent(m.ValidMobile, m.Contacts), total(m.OpenFlags))
	}
	fmt.Fprintln(tw, "\t\t\t\t\t")
	fmt.Fprint(tw, "Open flags by kind")
	for _, m := range r.Lines {
		fmt.Fprintf(tw, "\t%s", name(m))
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
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name(m),
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
	h := []string{"manager", "manager_email", "contacts", "valid_email_count", "valid_email_share",
		"valid_mobile_count", "valid_mobile_share"}
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
	itoa := strconv.Itoa
	for _, m := range r.Lines {
		rec := []string{name(m), m.Email, itoa(m.Contacts),
			itoa(m.ValidEmail), fmt.Sprintf("%.4f", Share(m.ValidEmail, m.Contacts)),
			itoa(m.ValidMobile), fmt.Sprintf("%.4f", Share(m.ValidMobile, m.Contacts))}
		for _, kind := range FlagKinds {
			rec = append(rec, itoa(m.OpenFlags[string(kind)]))
		}
		e, s := m.Channels["email"], m.Channels["sms"]
		rec = append(rec, slug, itoa(e.Planned), itoa(e.Skipped), itoa(e.Sent), itoa(e.Bounced),
			itoa(e.Failed), itoa(s.Planned), itoa(s.Skipped), itoa(s.Sent), itoa(s.Delivered),
			itoa(s.Bounced), itoa(s.Failed))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
