// Package app wires crier's parts into the use-cases the commands run: import a
// file, launch a campaign, run a worker or the web server, and the demo.
package app

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/importer"
	"github.com/crier-dev/crier/internal/store"
)

// ImportOptions configure an import.
type ImportOptions struct {
	DefaultRegion string
	OwnerColumn   string
	Mapping       *importer.Mapping
	// Managers is a roster of managers, so that managers created from a
	// name-only owner column get their address and e-mail owners their name.
	Managers Roster
	// Progress, when set, is called after each batch of rows with the rows read so
	// far and the share of the file read (0 to 1; read-ahead makes it run early).
	Progress func(rows int, done float64)
	// DryRun reads, checks and matches every row against the database, counts
	// what would happen, and then rolls everything back.
	DryRun bool
	// BatchRows is how many rows are normalised and written together; 0 means 2000.
	BatchRows int
	// RejectsDir, when set, receives a CSV of each file's rejected rows
	// (NAME.rejected.csv) for the operator to fix and import again.
	RejectsDir string
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// ImportSummary is the outcome of an import: RowsIn = Imported + Updated +
// Unchanged + Rejected, and every rejected row is in Rejects.
type ImportSummary struct {
	ID       int64
	File     string
	Layout   string
	Encoding string
	store.ImportCounts
	// Duplicates counts rows that repeat a contact an earlier row of the file
	// wrote (counted in Unchanged: the earlier row's data stands).
	Duplicates int
	Rejects    []importer.RowError
	// RejectsFile is the CSV the rejected rows were written to, if any.
	RejectsFile string
	// Warnings are the reader's about the header (columns not read, repeated).
	Warnings []string
}

// Import reads a CRM export and stores its contacts, creating their managers on
// first sight. Rejected rows are recorded with their reason; the others are
// normalised and upserted. The import is one transaction: a file that fails
// halfway leaves the database as it was.
func Import(ctx context.Context, st *store.Store, path string, opts ImportOptions) (ImportSummary, error) {
	var sum ImportSummary
	err := st.InTx(ctx, func(tx *store.Store) error {
		var err error
		sum, err = importFile(ctx, tx, path, opts)
		if err == nil && opts.DryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		return sum, nil
	}
	if err != nil {
		return sum, err
	}
	return sum, Snapshot(ctx, st)
}

func importFile(ctx context.Context, st *store.Store, path string,
	opts ImportOptions) (ImportSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	defer f.Close()

	file := &countingReader{r: f}
	if fi, err := f.Stat(); err == nil {
		file.size = fi.Size()
	}
	name := filepath.Base(path)
	r, err := importer.NewReader(importer.ContextReader(ctx, file), importer.Options{Name: name, OwnerColumn: opts.OwnerColumn,
		Mapping: opts.Mapping})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	defer r.Close()
	sum := ImportSummary{File: name, Layout: r.Layout(), Encoding: r.Encoding(),
		Warnings: r.Warnings()}
	sum.ID, err = st.ImportBegin(ctx, store.ImportBeginParams{FileName: name,
		Layout: sum.Layout, Encoding: sum.Encoding})
	if err != nil {
		return sum, err
	}
	owners := ownerCache{st: st, roster: opts.Managers, ids: map[string]int64{}}
	state := importState{st: st, owners: &owners, sum: &sum, touched: map[int64]bool{},
		flagged: map[int64]uint8{}}
	if opts.RejectsDir != "" && !opts.DryRun {
		state.rejects = &rejectsFile{path: rejectsPath(opts.RejectsDir, path), header: r.Header()}
	}
	norm := contact.Options{DefaultRegion: opts.DefaultRegion}
	err = streamBatches(ctx, r, opts.BatchRows, norm, func(batch []normalized) error {
		if err := state.writeBatch(ctx, batch); err != nil {
			return err
		}
		if opts.Progress != nil {
			opts.Progress(sum.RowsIn, file.done())
		}
		return nil
	})
	if state.rejects != nil {
		if cerr := state.rejects.close(); err == nil {
			err = cerr
		}
		if state.rejects.csv != nil {
			sum.RejectsFile = state.rejects.path
		}
	}
	if err != nil {
		return sum, fmt.Errorf("import %s: %w", name, err)
	}
	return sum, st.ImportFinish(ctx, sum.ID, sum.ImportCounts)
}

// ownerCache finds or creates the manager of an owner cell once per import.
type ownerCache struct {
	st     *store.Store
	roster Roster
	ids    map[string]int64 // folded owner → user ID
}

// id returns the manager of a contact's owner: its name (or address) and the
// normalised address the owner cell held, if any (contact.Contact.OwnerEmail).
func (o *ownerCache) id(ctx context.Context, owner, ownerEmail string) (int64, error) {
	if owner == "" {
		return 0, nil
	}
	cacheKey := contact.FoldTR(owner) + "\x00" + ownerEmail
	if id, ok := o.ids[cacheKey]; ok {
		return id, nil
	}
	name, email := owner, ownerEmail
	if m, ok := o.roster.byName(contact.FoldTR(owner)); ok && email == "" {
		name, email = m.Name, m.Email
	} else if email != "" {
		if m, ok := o.roster.byEmail(email); ok {
			name = m.Name
		}
	}
	id, err := o.st.ManagerEnsure(ctx, name, contact.FoldTR(name), email)
	if err != nil {
		return 0, err
	}
	o.ids[cacheKey] = id
	return id, nil
}

// Manager is one line of a roster.
type Manager struct {
	Name  string
	Email string
}

// Roster lists the managers an export's owner column refers to.
type Roster []Manager

func (r Roster) byName(key string) (Manager, bool) {
	for _, m := range r {
		if contact.FoldTR(m.Name) == key {
			return m, true
		}
	}
	return Manager{}, false
}

func (r Roster) byEmail(email string) (Manager, bool) {
	for _, m := range r {
		if strings.EqualFold(m.Email, email) {
			return m, true
		}
	}
	return Manager{}, false
}

// LoadRoster reads a managers file "owner_name,owner_email": a header line and
// one manager per line.
func LoadRoster(path string) (Roster, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("managers file: %w", err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("managers file %s: %w", filepath.Base(path), err)
	}
	var roster Roster
	for i, rec := range records {
		if i == 0 {
			continue // header
		}
		if len(rec) < 2 || !strings.Contains(rec[1], "@") {
			return nil, fmt.Errorf("managers file %s: line %d: want a name and an e-mail",
				filepath.Base(path), i+1)
		}
		roster = append(roster, Manager{Name: strings.Join(strings.Fields(rec[0]), " "),
			Email: strings.ToLower(strings.TrimSpace(rec[1]))})
	}
	return roster, nil
}

// countingReader counts the bytes read from a file of known size.
type countingReader struct {
	r    io.Reader
	n    atomic.Int64
	size int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// done is the share of the file read so far, 0 when its size is unknown.
func (c *countingReader) done() float64 {
	if c.size <= 0 {
		return 0
	}
	return min(1, float64(c.n.Load())/float64(c.size))
}
