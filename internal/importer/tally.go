package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/crier-dev/crier/internal/contact"
)

// TallyManager is a manager of the roster a RowTally counts rows for.
type TallyManager struct {
	Name  string
	Email string
}

// tallyFlags are the flags a RowTally counts, in its columns' order.
var tallyFlags = []contact.Flag{
	contact.FlagEmailMissing, contact.FlagEmailInvalid, contact.FlagEmailTypoSuspected,
	contact.FlagPhoneMissing, contact.FlagPhoneInvalid, contact.FlagPhoneNotMobile,
	contact.FlagDuplicate, contact.FlagNameMissing, contact.FlagOwnerMissing,
	contact.FlagOptOut,
}

// tallyLine is the count of one manager's rows.
type tallyLine struct {
	name, email      string
	rows             int
	validEmail, mobi int
	flags            map[contact.Flag]int
	conflicts        int
}

// RowTally counts checked rows per manager, duplicates included: rows, rows with a
// usable e-mail (an address, no suspected typo), rows with a mobile number and
// rows per flag. It is the per-row view of the data before import merges the rows
// of one person into one contact; `crier report managers` counts contacts.
type RowTally struct {
	lines  []*tallyLine
	byKey  map[string]*tallyLine
	nobody *tallyLine
}

// NewRowTally starts a tally for the roster's managers, in roster order.
func NewRowTally(managers []TallyManager) *RowTally {
	t := &RowTally{byKey: map[string]*tallyLine{}}
	for _, m := range managers {
		l := t.add(m.Name, strings.ToLower(m.Email))
		if m.Email != "" {
			t.byKey[strings.ToLower(m.Email)] = l
		}
	}
	t.nobody = &tallyLine{name: "(no owner)", flags: map[contact.Flag]int{}}
	return t
}

func (t *RowTally) add(name, email string) *tallyLine {
	l := &tallyLine{name: name, email: email, flags: map[contact.Flag]int{}}
	t.lines = append(t.lines, l)
	t.byKey[contact.FoldTR(name)] = l
	return l
}

// Add counts a row; a rejected row counts for nobody.
func (t *RowTally) Add(row CheckRow) {
	if row.Error != "" {
		return
	}
	l := t.line(row.Owner)
	l.rows++
	if row.Email != "" && !hasTallyFlag(row.Flags, contact.FlagEmailTypoSuspected) {
		l.validEmail++
	}
	if contact.PhoneType(row.PhoneType).SMSCapable() {
		l.mobi++
	}
	for _, f := range row.Flags {
		if f == contact.FlagOwnerConflict {
			l.conflicts++
			continue
		}
		l.flags[f]++
	}
}

// line finds the manager of an owner cell (name in any case and spacing, or
// e-mail), adding an unknown owner as a line of its own.
func (t *RowTally) line(owner string) *tallyLine {
	if owner == "" {
		return t.nobody
	}
	key := contact.FoldTR(owner)
	if l, ok := t.byKey[key]; ok {
		return l
	}
	if l, ok := t.byKey[strings.ToLower(owner)]; ok {
		return l
	}
	return t.add(strings.Join(strings.Fields(owner), " "), "")
}

func hasTallyFlag(flags []contact.Flag, f contact.Flag) bool {
	for _, g := range flags {
		if g == f {
			return true
		}
	}
	return false
}

// WriteCSV writes one line per manager, then "(no owner)", with the columns of
// managers_truth.csv: contacts, valid e-mail and mobile counts and shares (four
// decimals), one column per flag (duplicate as duplicate_of) and owner_conflict.
func (t *RowTally) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"owner_name", "owner_email", "contacts", "valid_email_count",
		"valid_email_share", "valid_mobile_count", "valid_mobile_share"}
	for _, f := range tallyFlags {
		name := string(f)
		if f == contact.FlagDuplicate {
			name = "duplicate_of"
		}
		head = append(head, name)
	}
	head = append(head, "owner_conflict")
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("write tally: %w", err)
	}
	for _, l := range append(t.lines, t.nobody) {
		rec := []string{l.name, l.email, strconv.Itoa(l.rows), strconv.Itoa(l.validEmail),
			share(l.validEmail, l.rows), strconv.Itoa(l.mobi), share(l.mobi, l.rows)}
		for _, f := range tallyFlags {
			rec = append(rec, strconv.Itoa(l.flags[f]))
		}
		rec = append(rec, strconv.Itoa(l.conflicts))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write tally: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write tally: %w", err)
	}
	return nil
}

// share is n/of with four decimals; 0 when of is 0.
func share(n, of int) string {
	if of == 0 {
		return "0.0000"
	}
	return strconv.FormatFloat(float64(n)/float64(of), 'f', 4, 64)
}
