// Package importer reads CRM contact exports (HubSpot, Salesforce, Bitrix24, Zoho,
// Pipedrive, Excel lists and plain CSV files) into contact.Input values, one row
// at a time, and checks them without a database.
package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/crier-dev/crier/internal/contact"
)

// Record is one data row of an export.
type Record struct {
	Row   int // data row number, 1-based, header and blank rows not counted
	Line  int // physical line in the file where the row starts
	Input contact.Input
	Err   *RowError // non-nil: the row is rejected and Input must not be used
	// Cells are a rejected row's cells as read, for writing it out to be fixed;
	// nil for a row that could not be split into cells, and for accepted rows.
	Cells []string
}

// RowError says why a row was rejected. It never holds a cell's value.
type RowError struct {
	File   string
	Row    int
	Column string // header of the offending column; empty when the row as a whole
	Reason string
}

// Error implements error: `hubspot.csv: row 17, column "Email": reason`.
func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: row %d: %s", e.File, e.Row, e.Reason)
	}
	return fmt.Sprintf("%s: row %d, column %q: %s", e.File, e.Row, e.Column, e.Reason)
}

// Reason for a row without anything to identify a contact by.
const reasonNoContact = "no name, e-mail or phone"

// Reader reads the data rows of one export. It streams: memory stays flat
// whatever the file's size.
type Reader struct {
	name     string
	encoding string
	layout   string
	header   []string
	cols     columns
	scan     rowSource
	row      int
	// dups maps a used column to the later columns with the same header: a
	// blank cell is read from the first of them that is not.
	dups     map[int][]int
	warnings []string
}

// rowSource gives the records of a file: CSV text or a workbook's sheet.
type rowSource interface {
	// next returns the next record that is not blank; io.EOF after the last.
	next() (rawRecord, error)
	// setWidth tells the source how many fields a record has (the header's).
	setWidth(n int)
}

// NewReader sniffs the format (CSV text or an XLSX workbook), encoding, delimiter,
// header and layout of an export and returns a reader of its data rows. Errors
// name the file. The caller closes the Reader.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	name := opts.Name
	if name == "" {
		name = "<input>"
	}
	rd, err := newReader(r, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := rd.resolve(opts); err != nil {
		_ = rd.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rd, nil
}

// newReader opens the records of r and reads the header.
func newReader(r io.Reader, name string) (*Reader, error) {
	br := bufio.NewReaderSize(r, sampleSize)
	start, err := br.Peek(len(zipMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if isZIP(start) {
		sheet, err := openSheet(br)
		if err != nil {
			return nil, err
		}
		rd := &Reader{name: name, encoding: encXLSX, scan: sheet}
		if err := rd.readHeaderFrom(sheet); err != nil {
			_ = sheet.Close()
			return nil, err
		}
		return rd, nil
	}
	enc, text, err := decodeInput(br)
	if err != nil {
		return nil, err
	}
	rd := &Reader{name: name, encoding: enc}
	if err := rd.readHeader(newLineSource(text)); err != nil {
		return nil, err
	}
	return rd, nil
}

// Close releases what the reader holds (a workbook's temporary files).
func (r *Reader) Close() error {
	if c, ok := r.scan.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// readHeader sniffs the delimiter from the first non-blank line and reads the header.
func (r *Reader) readHeader(lines *lineSource) error {
	var first physLine
	for {
		l, err := lines.next()
		if errors.Is(err, io.EOF) {
			return errors.New("empty file: no header line")
		}
		if err != nil {
			return fmt.Errorf("reading: %w", err)
		}
		if !isBlankLine(l.text) {
			first = l
			break
		}
	}
	lines.pushFront(first)
	return r.readHeaderFrom(newRecordScanner(lines, sniffDelimiter(first.text)))
}

// readHeaderFrom reads the header record of src and makes src the reader's source.
func (r *Reader) readHeaderFrom(src rowSource) error {
	r.scan = src
	rec, err := src.next()
	if errors.Is(err, io.EOF) {
		return errors.New("empty file: no header line")
	}
	if err != nil {
		return fmt.Errorf("reading header: %w", err)
	}
	if rec.reason != "" {
		return fmt.Errorf("header line %d: %s", rec.line, rec.reason)
	}
	r.header = make([]string, len(rec.fields))
	for i, h := range rec.fields {
		r.header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	src.setWidth(len(r.header))
	return nil
}

// resolve decides which column each field comes from.
func (r *Reader) resolve(opts Options) error {
	x := newHeaderIndex(r.header)
	if opts.Mapping != nil {
		cols, err := mappedColumns(x, opts.Mapping)
		if err != nil {
			return err
		}
		r.layout, r.cols = LayoutMapping, cols
	} else {
		r.layout, r.cols = detectLayout(x, r.header)
	}
	if opts.OwnerColumn != "" {
		if !x.has(opts.OwnerColumn) {
			return fmt.Errorf("owner column %q is not in the header", opts.OwnerColumn)
		}
		r.cols.owner = x.first([]string{opts.OwnerColumn})
	}
	if !r.cols.hasContactField() {
		return fmt.Errorf("no name, e-mail or phone column among the headers: %s",
			describeHeader(r.header))
	}
	r.dups, r.warnings = columnWarnings(r.header, r.cols.used())
	return nil
}

// Warnings are what the operator should know about the header: duplicate
// columns and columns crier does not read. They quote header cells only.
func (r *Reader) Warnings() []string { return slices.Clone(r.warnings) }

// columnWarnings finds the header's duplicate columns and the columns not used.
func columnWarnings(header []string, used map[int]bool) (map[int][]int, []string) {
	dups := map[int][]int{}
	firstOf := map[string]int{}
	var warnings, unused []string
	for i, h := range header {
		k := headerKey(h)
		if k == "" {
			continue
		}
		if j, ok := firstOf[k]; ok {
			if used[j] {
				dups[j] = append(dups[j], i)
			}
			continue
		}
		firstOf[k] = i
		if !used[i] {
			unused = append(unused, fmt.Sprintf("%q", truncate(h, 40)))
		}
	}
	for j := range dups {
		warnings = append(warnings, fmt.Sprintf("column %q appears %d times: "+
			"each row's first non-empty one is read", truncate(header[j], 40), len(dups[j])+1))
	}
	slices.Sort(warnings)
	if len(unused) > 0 {
		warnings = append(warnings, "columns not read: "+strings.Join(unused, ", "))
	}
	return dups, warnings
}

// Layout names the export format: hubspot, salesforce, bitrix24, excel_tr, zoho,
// pipedrive or generic; mapping when Options.Mapping decided the columns.
func (r *Reader) Layout() string { return r.layout }

// Encoding names the file's encoding: utf-8, utf-8-bom, utf-16le, utf-16be or
// windows-1254; xlsx for an Excel workbook.
func (r *Reader) Encoding() string { return r.encoding }

// Header returns the header cells, trimmed.
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Next returns the next data row, skipping rows whose cells are all empty. It
// returns io.EOF after the last row; other errors are read errors, after which
// the reader is done. A row that cannot be used comes with Record.Err set.
func (r *Reader) Next() (Record, error) {
	for {
		raw, err := r.scan.next()
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, fmt.Errorf("%s: after row %d: %w", r.name, r.row, err)
		}
		if raw.reason == "" && allBlank(raw.fields) {
			continue
		}
		r.row++
		return r.record(raw), nil
	}
}

// record turns a raw record into a Record.
func (r *Reader) record(raw rawRecord) Record {
	rec := Record{Row: r.row, Line: raw.line}
	switch {
	case raw.reason != "":
		rec.Err = r.rowError("", raw.reason)
	case len(raw.fields) != len(r.header):
		rec.Err = r.rowError("", fmt.Sprintf("has %d fields, header has %d",
			len(raw.fields), len(r.header)))
	default:
		rec.Input, rec.Err = r.input(raw.fields)
	}
	if rec.Err != nil {
		rec.Input = contact.Input{}
		rec.Cells = raw.fields
	}
	return rec
}

// rowError returns a RowError for the current row.
func (r *Reader) rowError(column, reason string) *RowError {
	return &RowError{File: r.name, Row: r.row, Column: column, Reason: reason}
}

// allBlank reports whether every field is empty or white space.
func allBlank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// reasonNotUTF8 rejects a row of a UTF-8 file that is not UTF-8 itself.
const reasonNotUTF8 = "is not valid UTF-8 (the rest of the file is UTF-8; " +
	"save the row as UTF-8 and import it again)"

// checkUTF8 rejects a cell that is not valid UTF-8, in a file read as UTF-8.
func (r *Reader) checkUTF8(fields []string) *RowError {
	if r.encoding != encUTF8 && r.encoding != encUTF8BOM {
		return nil
	}
	for i, f := range fields {
		if !utf8.ValidString(f) {
			return r.rowError(r.header[i], reasonNotUTF8)
		}
	}
	return nil
}
