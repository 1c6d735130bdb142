package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/importer"
)

type importCmd struct {
	Files  importFilesCmd  `cmd:"" default:"withargs" help:"Import CRM export files."`
	Revert importRevertCmd `cmd:"" help:"Undo an import: remove the contacts it created, restore those it updated."`
}

type importRevertCmd struct {
	ID int64 `arg:"" help:"Import ID, as printed by the import."`
}

func (c importRevertCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.ImportRevert(g.ctx, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "import %d reverted: %d contacts removed, %d restored", c.ID,
		res.Removed, res.Restored)
	if res.Kept > 0 {
		fmt.Fprintf(g.env.Stdout, ", %d kept (changed again since)", res.Kept)
	}
	fmt.Fprintln(g.env.Stdout)
	return nil
}

type importFilesCmd struct {
	Files       []string `arg:"" type:"existingfile" help:"CRM export files (CSV or XLSX)."`
	OwnerColumn string   `help:"Header of the owner column, when auto-detection picks the wrong one."`
	Map         string   `type:"existingfile" help:"Mapping file: which header holds which field."`
	Managers    string   `type:"existingfile" help:"Roster CSV (owner_name,owner_email) giving managers their e-mail."`
	ShowRejects int      `default:"50" help:"How many rejected rows to list (all are stored)."`
	DryRun      bool     `help:"Check every row and show what would happen, without changing anything."`
	RejectsDir  string   `type:"existingdir" help:"Write each file's rejected rows to DIR/NAME.rejected.csv, to fix and import again."`
}

func (c importFilesCmd) Run(g *Globals) error {
	opts := app.ImportOptions{DefaultRegion: g.cfg.DefaultRegion, OwnerColumn: c.OwnerColumn,
		DryRun: c.DryRun, RejectsDir: c.RejectsDir}
	var err error
	if c.Map != "" {
		if opts.Mapping, err = loadMapping(c.Map); err != nil {
			return err
		}
	}
	if c.Managers != "" {
		if opts.Managers, err = app.LoadRoster(c.Managers); err != nil {
			return err
		}
	}
	st, err := g.open(true)
	if err != nil {
		return g.interrupted(err, "nothing was changed")
	}
	defer st.Close()

	for i, file := range c.Files {
		start := time.Now()
		if isTerminal(g.env.Stderr) {
			opts.Progress = func(rows int, done float64) {
				fmt.Fprintf(g.env.Stderr, "\r%s %s %3.0f%%  %d rows", filepath.Base(file),
					progressBar(done, 30), done*100, rows)
			}
		}
		sum, err := app.Import(g.ctx, st, file, opts)
		if opts.Progress != nil {
			fmt.Fprint(g.env.Stderr, "\r\033[K")
		}
		if err != nil {
			state := "nothing was changed"
			if i > 0 && !c.DryRun {
				state = fmt.Sprintf("%s and the files after it were not imported; "+
					"the %d before it were", filepath.Base(file), i)
			}
			return g.interrupted(err, state)
		}
		printImport(g, sum, time.Since(start), c.ShowRejects, c.DryRun)
	}
	return nil
}

func printImport(g *Globals, s app.ImportSummary, took time.Duration, show int, dry bool) {
	w := g.env.Stdout
	if dry {
		fmt.Fprintf(w, "%s (%s, %s): dry run, nothing was changed\n", s.File, s.Layout, s.Encoding)
	} else {
		fmt.Fprintf(w, "%s (%s, %s): import %d\n", s.File, s.Layout, s.Encoding, s.ID)
	}
	for _, warning := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
	fmt.Fprintf(w, "  rows in %d = imported %d + updated %d + unchanged %d + rejected %d  (%s)\n",
		s.RowsIn, s.Imported, s.Updated, s.Unchanged, s.Rejected, took.Round(time.Millisecond))
	if s.Duplicates > 0 {
		fmt.Fprintf(w, "  %d rows repeat a contact of an earlier row; flagged as duplicates\n",
			s.Duplicates)
	}
	if s.RejectsFile != "" {
		fmt.Fprintf(w, "  rejected rows written to %s\n", s.RejectsFile)
	}
	for i, r := range s.Rejects {
		if i == show && dry {
			fmt.Fprintf(w, "  … and %d more rejected rows (a dry run stores none)\n",
				len(s.Rejects)-show)
			break
		}
		if i == show {
			fmt.Fprintf(w, "  … and %d more rejected rows (stored with import %d)\n",
				len(s.Rejects)-show, s.ID)
			break
		}
		fmt.Fprintf(w, "  rejected: %s\n", r.Error())
	}
}

func loadMapping(path string) (*importer.Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mapping file: %w", err)
	}
	defer f.Close()
	m, err := importer.LoadMapping(f)
	if err != nil {
		return nil, fmt.Errorf("mapping file %s: %w", filepath.Base(path), err)
	}
	return m, nil
}

type contactsCmd struct {
	Check contactsCheckCmd `cmd:"" help:"Parse and normalise files; print one JSON object per row."`
}

type contactsCheckCmd struct {
	Files       []string `arg:"" help:"Contact files (CSV or XLSX)."`
	OwnerColumn string   `help:"Header of the owner column."`
	Map         string   `type:"existingfile" help:"Mapping file: which header holds which field."`
	ByManager   bool     `help:"Instead of one JSON line per row, print CSV counts of the rows per manager."`
	Managers    string   `type:"existingfile" help:"Roster CSV (owner_name,owner_email) for --by-manager."`
}

func (c contactsCheckCmd) Run(g *Globals) error {
	opts := importer.CheckOptions{DefaultRegion: g.cfg.DefaultRegion, OwnerColumn: c.OwnerColumn,
		Warn: func(w string) { fmt.Fprintf(g.env.Stderr, "warning: %s\n", w) }}
	if c.Map != "" {
		m, err := loadMapping(c.Map)
		if err != nil {
			return err
		}
		opts.Mapping = m
	}
	if !c.ByManager {
		return g.interrupted(importer.Check(g.ctx, c.Files, opts, g.env.Stdout),
			"nothing was changed (contacts check only reads files)")
	}
	var managers []importer.TallyManager
	if c.Managers != "" {
		roster, err := app.LoadRoster(c.Managers)
		if err != nil {
			return err
		}
		for _, m := range roster {
			managers = append(managers, importer.TallyManager{Name: m.Name, Email: m.Email})
		}
	}
	tally := importer.NewRowTally(managers)
	err := importer.CheckEach(g.ctx, c.Files, opts, func(row importer.CheckRow) error {
		tally.Add(row)
		return nil
	})
	if err != nil {
		return err
	}
	return tally.WriteCSV(g.env.Stdout)
}

// progressBar draws share (0 to 1) as a bar of width cells.
func progressBar(share float64, width int) string {
	full := int(share*float64(width) + 0.5)
	full = min(max(full, 0), width)
	return "[" + strings.Repeat("█", full) + strings.Repeat("·", width-full) + "]"
}
