package app

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crier-dev/crier/internal/importer"
)

// Columns a rejects file puts before the export's own; their headers match no
// layout field, so the file, fixed, imports like the export.
var rejectColumns = []string{"crier_row", "crier_column", "crier_error"}

// rejectsFile writes the rejected rows of an import as CSV: the export's header and
// each rejected row's row number, column and reason, then its cells as read (all of
// them: a row with a cell too many keeps it, for the operator to merge).
// The file is created with the first rejected row.
type rejectsFile struct {
	path   string
	header []string
	file   *os.File
	csv    *csv.Writer
}

// rejectsPath is where the rejects of an export go in dir: hubspot.csv gives
// hubspot.rejected.csv (an .xlsx export gives .rejected.csv too).
func rejectsPath(dir, export string) string {
	base := strings.TrimSuffix(filepath.Base(export), filepath.Ext(export))
	return filepath.Join(dir, base+".rejected.csv")
}

// write adds a rejected row.
func (f *rejectsFile) write(rec importer.Record) error {
	if f.csv == nil {
		file, err := os.Create(f.path)
		if err != nil {
			return fmt.Errorf("rejects file: %w", err)
		}
		f.file, f.csv = file, csv.NewWriter(file)
		head := append(append([]string(nil), rejectColumns...), f.header...)
		if err := f.csv.Write(head); err != nil {
			return fmt.Errorf("rejects file %s: %w", f.path, err)
		}
	}
	cells := append([]string{strconv.Itoa(rec.Row), rec.Err.Column, rec.Err.Reason}, rec.Cells...)
	if err := f.csv.Write(cells); err != nil {
		return fmt.Errorf("rejects file %s: %w", f.path, err)
	}
	return nil
}

// close flushes and closes the file, if one was written.
func (f *rejectsFile) close() error {
	if f.csv == nil {
		return nil
	}
	f.csv.Flush()
	err := f.csv.Error()
	if cerr := f.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rejects file %s: %w", f.path, err)
	}
	return nil
}
