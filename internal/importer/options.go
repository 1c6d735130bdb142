package importer

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// Options configure how an export is read.
type Options struct {
	// Name is the file name used in messages; "<input>" when empty.
	Name string
	// OwnerColumn is the header name of the owner column, for when auto-detection
	// is not wanted. It must name a column of the header.
	OwnerColumn string
	// Mapping is an explicit header → field mapping (from --map FILE). It overrides
	// layout detection: only the columns it names are read.
	Mapping *Mapping
}

// Mapping names, for each contact field, the header of the column it is read from.
// Headers are matched as layout headers are: ignoring case (Turkish rules),
// Turkish letters, spaces and punctuation. Empty means the field is not read.
type Mapping struct {
	ExternalID string
	FirstName  string
	LastName   string
	// FullName is read when both FirstName and LastName are empty in a row.
	FullName string
	Company  string
	// Email lists e-mail columns; the first non-empty cell of a row is used.
	Email []string
	// Phones lists phone columns in preference order, the mobile column first.
	Phones  []string
	Owner   string
	Country string
	// OptOut is a column whose "yes" (true, 1, yes, evet, x) means opted out.
	OptOut string
	// Consent is a column whose "no" (false, 0, no, hayır) means opted out.
	Consent string
}

// LoadMapping reads a mapping file: one "field = Header" pair per line, blank lines
// and lines starting with '#' ignored. Fields are id, first_name, last_name,
// full_name, company, email, phone, owner, country, opt_out and consent; email and
// phone may be given several times (in preference order), the others once. The
// mapping must name at least one name, e-mail or phone column.
func LoadMapping(r io.Reader) (*Mapping, error) {
	m := &Mapping{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		field, header, ok := strings.Cut(line, "=")
		field, header = strings.TrimSpace(field), strings.TrimSpace(header)
		if !ok || header == "" {
			return nil, fmt.Errorf("mapping line %d: want \"field = Header\"", n)
		}
		if err := m.set(strings.ToLower(field), header); err != nil {
			return nil, fmt.Errorf("mapping line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading mapping: %w", err)
	}
	if m.FirstName == "" && m.LastName == "" && m.FullName == "" &&
		len(m.Email) == 0 && len(m.Phones) == 0 {
		return nil, fmt.Errorf("mapping names no name, e-mail or phone column")
	}
	return m, nil
}

// set assigns header to the named field.
func (m *Mapping) set(field, header string) error {
	switch field {
	case "email":
		m.Email = append(m.Email, header)
		return nil
	case "phone":
		m.Phones = append(m.Phones, header)
		return nil
	}
	dst := m.single(field)
	if dst == nil {
		return fmt.Errorf("unknown field %q", field)
	}
	if *dst != "" {
		return fmt.Errorf("field %q given twice", field)
	}
	*dst = header
	return nil
}

// single returns the single-valued field called name, or nil.
func (m *Mapping) single(name string) *string {
	switch name {
	case "id", "external_id":
		return &m.ExternalID
	case "first_name":
		return &m.FirstName
	case "last_name":
		return &m.LastName
	case "full_name":
		return &m.FullName
	case "company":
		return &m.Company
	case "owner":
		return &m.Owner
	case "country":
		return &m.Country
	case "opt_out":
		return &m.OptOut
	case "consent":
		return &m.Consent
	}
	return nil
}

// spec turns the mapping into a field specification with one header per entry.
func (m *Mapping) spec() fieldSpec {
	one := func(h string) []string {
		if h == "" {
			return nil
		}
		return []string{h}
	}
	return fieldSpec{
		id: one(m.ExternalID), first: one(m.FirstName), last: one(m.LastName),
		full: one(m.FullName), company: one(m.Company), owner: one(m.Owner),
		country: one(m.Country), optOut: one(m.OptOut), consent: one(m.Consent),
		email: m.Email, phones: m.Phones,
	}
}

// ContextReader returns r whose reads fail with ctx's error once ctx is done, so
// that reading a file that never ends (a device, a pipe) stops on a signal.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
