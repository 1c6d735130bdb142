package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// encXLSX is the Encoding of an Excel workbook.
const encXLSX = "xlsx"

// zipMagic starts every XLSX workbook (a ZIP archive).
var zipMagic = []byte("PK\x03\x04")

// isZIP reports whether the start of a file is that of a ZIP archive.
func isZIP(start []byte) bool { return bytes.HasPrefix(start, zipMagic) }

// sheetSource reads the rows of a workbook's first sheet through excelize's streaming
// rows API. excelize holds the (compressed) workbook in memory and moves a worksheet
// over 16 MB to a temporary file, from which rows are decoded one at a time.
type sheetSource struct {
	book  *excelize.File
	rows  *excelize.Rows
	line  int // sheet row number of the row last read
	width int // cells per row: the header's width, once known
}

// openSheet opens the first sheet of the workbook read from r.
func openSheet(r io.Reader) (*sheetSource, error) {
	book, err := excelize.OpenReader(r, excelize.Options{TmpDir: os.TempDir()})
	if err != nil {
		return nil, fmt.Errorf("reading workbook: %w", err)
	}
	sheets := book.GetSheetList()
	if len(sheets) == 0 {
		_ = book.Close()
		return nil, errors.New("workbook has no sheet")
	}
	rows, err := book.Rows(sheets[0])
	if err != nil {
		_ = book.Close()
		return nil, fmt.Errorf("reading sheet %q: %w", sheets[0], err)
	}
	return &sheetSource{book: book, rows: rows, width: -1}, nil
}

// next returns the next row that has a cell; io.EOF after the last one. Cells are
// read raw: a number is the number stored, not its display (Excel shows a
// 12-digit phone number as 9,05321E+11 but keeps every digit).
func (s *sheetSource) next() (rawRecord, error) {
	for s.rows.Next() {
		s.line++
		cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return rawRecord{}, fmt.Errorf("sheet row %d: %w", s.line, err)
		}
		if allBlank(cells) {
			continue
		}
		// excelize leaves out the empty cells at the end of a row.
		for len(cells) < s.width {
			cells = append(cells, "")
		}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "\r\n", "\n")
		}
		return rawRecord{line: s.line, fields: cells}, nil
	}
	if err := s.rows.Error(); err != nil {
		return rawRecord{}, fmt.Errorf("sheet row %d: %w", s.line+1, err)
	}
	return rawRecord{}, io.EOF
}

// setWidth sets the number of cells per row.
func (s *sheetSource) setWidth(n int) { s.width = n }

// Close closes the sheet and removes excelize's temporary files.
func (s *sheetSource) Close() error {
	rowsErr := s.rows.Close()
	return errors.Join(rowsErr, s.book.Close())
}
