package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crier-dev/crier/internal/contact"
)

// CheckOptions configure Check.
type CheckOptions struct {
	// DefaultRegion is the region for phone numbers without a country code and
	// without a country column; "" means contact.Normalize's default (TR).
	DefaultRegion string
	// Mapping, if set, decides the columns of every file (see Options.Mapping).
	Mapping *Mapping
	// OwnerColumn, if set, names the owner column of every file.
	OwnerColumn string
	// Warn, if set, receives the reader's warnings about each file's header
	// (columns not read, repeated headers), prefixed with the file's name.
	Warn func(string)
}

// CheckRow is one line of Check's output.
type CheckRow struct {
	File            string         `json:"file"`
	Row             int            `json:"row"`
	FirstName       string         `json:"first_name"`
	LastName        string         `json:"last_name"`
	Company         string         `json:"company"`
	Email           string         `json:"email"`
	EmailSuggestion string         `json:"email_suggestion"`
	PhoneE164       string         `json:"phone_e164"`
	PhoneType       string         `json:"phone_type"`
	Flags           []contact.Flag `json:"flags"`
	DuplicateOf     string         `json:"duplicate_of"`
	Owner           string         `json:"owner"`
	Error           string         `json:"error"`
	// EmailRole and EmailDisposable mark a role mailbox and a throwaway domain;
	// left out when false, so that most lines keep the documented fields only.
	EmailRole       bool `json:"email_role,omitempty"`
	EmailDisposable bool `json:"email_disposable,omitempty"`
}

// firstSeen is the earliest row that had a given e-mail or phone number.
type firstSeen struct {
	seq   int    // position over all files, to find the earliest of two
	ref   string // "file:row"
	owner string // the owner as written, trimmed and single-spaced
}

// checker holds the state of one Check call across its files.
type checker struct {
	opts   CheckOptions
	emit   func(CheckRow) error
	seq    int
	emails map[string]firstSeen
	phones map[string]firstSeen
}

// Check parses and normalises the given files without a database and writes one
// JSON object (a CheckRow) per data row to w, in input order. A row whose e-mail
// or E.164 phone matches an earlier row's, across all files, gets the duplicate
// flag and duplicate_of "file:row" of the earliest such row, and owner_conflict
// when that row's owner differs (compared with contact.FoldTR). A file that cannot
// be opened or read gives an error naming it; the other files are still checked
// and the errors are returned joined.
func Check(ctx context.Context, files []string, opts CheckOptions, w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return CheckEach(ctx, files, opts, func(row CheckRow) error { return enc.Encode(row) })
}

// CheckEach is Check handing each row to emit instead of writing it; an error from
// emit ends the check.
func CheckEach(ctx context.Context, files []string, opts CheckOptions,
	emit func(CheckRow) error) error {
	c := &checker{opts: opts, emit: emit,
		emails: map[string]firstSeen{}, phones: map[string]firstSeen{}}
	var errs []error
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		if err := c.file(ctx, path); err != nil {
			var oe *outputError
			if errors.As(err, &oe) || errors.Is(err, ctx.Err()) {
				return errors.Join(append(errs, err)...)
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// outputError is a failure to write the output, which ends Check.
type outputError struct{ err error }

// Error implements error.
func (e *outputError) Error() string { return "writing check output: " + e.err.Error() }

// Unwrap returns the write error.
func (e *outputError) Unwrap() error { return e.err }

// file checks one file.
func (c *checker) file(ctx context.Context, path string) error {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	rd, err := NewReader(ContextReader(ctx, f), Options{Name: name, OwnerColumn: c.opts.OwnerColumn,
		Mapping: c.opts.Mapping})
	if err != nil {
		return err
	}
	defer rd.Close()
	if c.opts.Warn != nil {
		for _, w := range rd.Warnings() {
			c.opts.Warn(name + ": " + w)
		}
	}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if rec.Row%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := c.emit(c.row(name, rec)); err != nil {
			return &outputError{err: err}
		}
	}
}

// row normalises one record and checks it against the rows before it.
func (c *checker) row(name string, rec Record) CheckRow {
	out := CheckRow{File: name, Row: rec.Row, Flags: []contact.Flag{}}
	if rec.Err != nil {
		out.Error = rec.Err.Reason
		if rec.Err.Column != "" {
			out.Error = fmt.Sprintf("column %q: %s", rec.Err.Column, rec.Err.Reason)
		}
		return out
	}
	n := contact.Normalize(rec.Input, contact.Options{DefaultRegion: c.opts.DefaultRegion})
	out.FirstName, out.LastName, out.Company = n.FirstName, n.LastName, n.Company
	out.Email, out.EmailSuggestion = n.Email, n.EmailSuggestion
	out.EmailRole, out.EmailDisposable = n.EmailRole, n.EmailDisposable
	out.PhoneE164, out.PhoneType = n.PhoneE164, string(n.PhoneType)
	out.Owner = strings.Join(strings.Fields(n.Owner), " ")
	out.Flags = append(out.Flags, n.Flags...)
	c.seq++
	me := firstSeen{seq: c.seq, ref: name + ":" + strconv.Itoa(rec.Row), owner: out.Owner}
	if prev, ok := c.earlier(n.Email, n.PhoneE164); ok {
		out.DuplicateOf = prev.ref
		out.Flags = addFlag(out.Flags, contact.FlagDuplicate)
		if ownersConflict(prev.owner, me.owner) {
			out.Flags = addFlag(out.Flags, contact.FlagOwnerConflict)
		}
	}
	remember(c.emails, n.Email, me)
	remember(c.phones, n.PhoneE164, me)
	return out
}

// earlier returns the earliest row seen with the same e-mail or phone number.
func (c *checker) earlier(email, phone string) (firstSeen, bool) {
	e, okE := c.emails[email]
	p, okP := c.phones[phone]
	okE, okP = okE && email != "", okP && phone != ""
	switch {
	case okE && okP && p.seq < e.seq:
		return p, true
	case okE:
		return e, true
	case okP:
		return p, true
	}
	return firstSeen{}, false
}

// ownersConflict reports whether two owners are known and differ. Names are
// compared with contact.FoldTR. An owner written as an e-mail address meets a
// name when its local part spells the name ("zeynep.kilic@…" and "Zeynep Kılıç"),
// Turkish letters read as ASCII; two addresses are compared whole.
func ownersConflict(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	a, b = contact.FoldTR(a), contact.FoldTR(b)
	aMail, bMail := strings.Contains(a, "@"), strings.Contains(b, "@")
	if aMail == bMail {
		return a != b
	}
	return ownerWords(a) != ownerWords(b)
}

// ownerWords reduces a folded owner to ASCII words: an e-mail address to its
// local part, split at dots, dashes and underscores.
func ownerWords(s string) string {
	s, _, _ = strings.Cut(s, "@")
	s = strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || r == '-' {
			return ' '
		}
		return foldRune(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// remember records the first row with a non-empty key.
func remember(m map[string]firstSeen, key string, row firstSeen) {
	if _, seen := m[key]; key != "" && !seen {
		m[key] = row
	}
}

// addFlag inserts f into flags at its place in the vocabulary order.
func addFlag(flags []contact.Flag, f contact.Flag) []contact.Flag {
	at := len(flags)
	for i, g := range flags {
		if flagRank(g) > flagRank(f) {
			at = i
			break
		}
	}
	return append(flags[:at], append([]contact.Flag{f}, flags[at:]...)...)
}

// flagRank is a flag's position in the vocabulary of types.go.
func flagRank(f contact.Flag) int {
	order := []contact.Flag{
		contact.FlagEmailMissing, contact.FlagEmailInvalid, contact.FlagEmailTypoSuspected,
		contact.FlagEmailSeveral, contact.FlagPhoneMissing, contact.FlagPhoneInvalid, contact.FlagPhoneNotMobile,
		contact.FlagDuplicate, contact.FlagOwnerConflict, contact.FlagNameMissing,
		contact.FlagOwnerMissing, contact.FlagOptOut, contact.FlagEmailBounced,
		contact.FlagPhoneUndeliverable, contact.FlagComplaint,
	}
	for i, g := range order {
		if g == f {
			return i
		}
	}
	return len(order)
}
