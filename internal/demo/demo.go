package demo

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// Defaults applied by Generate to zero Options fields.
const (
	DefaultSeed     = 1
	DefaultContacts = 3000
)

// Options tunes Generate. A zero Seed means DefaultSeed and a zero Contacts means
// DefaultContacts.
type Options struct {
	Seed     int64
	Contacts int
}

// Manager is a sales manager who owns contacts in the CRM.
type Manager struct {
	Name  string // full name, as written in the export's "Contact owner" column
	Email string // work address, where unreachable contacts are reported
}

// Scenario is what the delivery stand-ins do with the generated contacts.
type Scenario struct {
	// BounceEmails are normalised addresses (lower-case; only ASCII ones are
	// chosen) that the stand-in SMTP server rejects with 550 5.1.1 (mailbox gone).
	BounceEmails []string
	// RejectNumbers maps E.164 numbers to the Twilio API error code returned on
	// send (21211 invalid number, 21614 not a mobile).
	RejectNumbers map[string]int
	// UndeliveredNumbers maps E.164 numbers to the error code of their undelivered
	// status callback (30003 unreachable, 30005 unknown, 30006 landline).
	UndeliveredNumbers map[string]int
}

// Dataset describes a generated export.
type Dataset struct {
	Managers []Manager
	Scenario Scenario
	Rows     int // data rows written, without the header
}

// Generate writes a HubSpot-layout contacts export (CSV, UTF-8, every field quoted,
// LF line ends) to w and describes what it wrote. The same Options always give
// byte-identical output. Rows are streamed: memory does not grow with Contacts
// beyond the Scenario.
func Generate(w io.Writer, opts Options) (Dataset, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return Dataset{}, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rw := &rowWriter{w: bw}
	if err := rw.write(header()); err != nil {
		return Dataset{}, fmt.Errorf("demo: write header: %w", err)
	}
	g := newGenerator(opts)
	for range opts.Contacts {
		if err := rw.write(g.next()); err != nil {
			return Dataset{}, fmt.Errorf("demo: write row %d: %w", g.rows, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return Dataset{}, fmt.Errorf("demo: flush: %w", err)
	}
	return g.dataset(), nil
}

// WriteManagers writes the roster as CSV with the header "owner_name,owner_email".
func WriteManagers(w io.Writer, managers []Manager) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"owner_name", "owner_email"}); err != nil {
		return fmt.Errorf("demo: write managers: %w", err)
	}
	for _, m := range managers {
		if err := cw.Write([]string{m.Name, m.Email}); err != nil {
			return fmt.Errorf("demo: write managers: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("demo: write managers: %w", err)
	}
	return nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Contacts < 0 {
		return o, errors.New("demo: Contacts must not be negative")
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Contacts == 0 {
		o.Contacts = DefaultContacts
	}
	return o, nil
}

// header is the export's header row, HubSpot's column labels.
func header() []string {
	return []string{
		"Record ID", "First Name", "Last Name", "Email", "Phone Number",
		"Mobile Phone Number", "Contact owner", "Company Name", "Lifecycle Stage",
		"Create Date", "Unsubscribed from all email",
	}
}

// rowWriter writes CSV rows with every field quoted and LF line ends, reusing one
// buffer.
type rowWriter struct {
	w   io.Writer
	buf []byte
}

func (r *rowWriter) write(fields []string) error {
	b := r.buf[:0]
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		for j := range len(f) {
			if f[j] == '"' {
				b = append(b, '"')
			}
			b = append(b, f[j])
		}
		b = append(b, '"')
	}
	b = append(b, '\n')
	r.buf = b
	_, err := r.w.Write(b)
	return err
}
