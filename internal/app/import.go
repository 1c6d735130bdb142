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
	// Progress, when set, is called every 500 rows with the rows read so far.
	Progress func(rows int)
	// DryRun reads, checks and matches every row against the database, counts
	// what would happen, and then rolls everything back.
	DryRun bool
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

func importFile(ctx context.Context, st *store.Store, path string, opts ImportOptions) (ImportSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	defer f.Close()

	name := filepath.Base(path)
	r, err := importer.NewReader(f, importer.Options{Name: name, OwnerColumn: opts.OwnerColumn,
		Mapping: opts.Mapping})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import: %w", err)
	}
	sum := ImportSummary{File: name, Layout: r.Layout(), Encoding: r.Encoding()}
	sum.ID, err = st.ImportBegin(ctx, store.ImportBeginParams{FileName: name,
		Layout: sum.Layout, Encoding: sum.Encoding})
	if err != nil {
		return sum, err
	}
	owners := ownerCache{st: st, roster: opts.Managers, ids: map[string]int64{}}
	written := map[int64]bool{}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("import %s: %w", name, err)
		}
		if err := importRecord(ctx, st, &owners, written, &sum, rec, opts); err != nil {
			return sum, fmt.Errorf("import %s row %d: %w", name, rec.Row, err)
		}
		if opts.Progress != nil && sum.RowsIn%500 == 0 {
			opts.Progress(sum.RowsIn)
		}
	}
	return sum, st.ImportFinish(ctx, sum.ID, sum.ImportCounts)
}

func importRecord(ctx context.Context, st *store.Store, owners *ownerCache,
	written map[int64]bool, sum *ImportSummary, rec importer.Record, opts ImportOptions) error {
	sum.RowsIn++
	if rec.Err != nil {
		sum.Rejected++
		sum.Rejects = append(sum.Rejects, *rec.Err)
		return st.ImportReject(ctx, store.ImportRejectParams{ImportID: sum.ID, Row: rec.Row,
			Line: rec.Line, Column: rec.Err.Column, Reason: rec.Err.Reason})
	}
	c := contact.Normalize(rec.Input, contact.Options{DefaultRegion: opts.DefaultRegion})
	ownerID, err := owners.id(ctx, c.Owner)
	if err != nil {
		return err
	}
	id, result, err := st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: sum.ID,
		OwnerID: ownerID, Contact: c, Row: rec.Row,
		Written: func(id int64) bool { return written[id] }})
	if err != nil {
		return err
	}
	written[id] = true
	switch result {
	case store.Duplicate:
		sum.Unchanged++
		sum.Duplicates++
	case store.Inserted:
		sum.Imported++
	case store.Updated:
		sum.Updated++
	case store.Unchanged:
		sum.Unchanged++
	}
	return nil
}

// ownerCache finds or creates the manager of an owner cell once per import.
type ownerCache struct {
	st     *store.Store
	roster Roster
	ids    map[string]int64 // folded owner → user ID
}

func (o *ownerCache) id(ctx context.Context, owner string) (int64, error) {
	if owner == "" {
		return 0, nil
	}
	key := contact.FoldTR(owner)
	if id, ok := o.ids[key]; ok {
		return id, nil
	}
	name, email := owner, ""
	if m, ok := o.roster.byName(key); ok {
		name, email = m.Name, m.Email
	} else if addr := contact.NormalizeEmail(owner).Address; addr != "" {
		// Only a real address is a manager's e-mail: a cell such as
		// "@SUM(1)" has an @ but is a name (or an injection attempt).
		email = addr
		if m, ok := o.roster.byEmail(email); ok {
			name = m.Name
		}
	}
	key = contact.FoldTR(name)
	id, err := o.st.ManagerEnsure(ctx, name, key, email)
	if err != nil {
		return 0, err
	}
	o.ids[contact.FoldTR(owner)] = id
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
