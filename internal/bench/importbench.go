// Package bench measures crier against its speed targets, on generated data in a
// database of its own. It is run by `crier bench`, never by `go test`.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/demo"
	"github.com/crier-dev/crier/internal/store"
)

// ImportOptions configure the import benchmark.
type ImportOptions struct {
	// Rows is the number of generated export rows.
	Rows int
	// Seed seeds the generator (demo.DefaultSeed when 0).
	Seed int64
	// DatabaseURL names the server; the benchmark resets and uses Database on it.
	DatabaseURL string
	Database    string
	// Dir holds the generated export; a temporary directory when empty.
	Dir string
	// DefaultRegion is the import's home region ("TR" when empty).
	DefaultRegion string
	// Progress, when set, receives a line per step.
	Progress io.Writer
}

// ImportResult is what the import benchmark measured.
type ImportResult struct {
	Rows        int
	FileBytes   int64
	Generate    time.Duration
	Copy        time.Duration // plain COPY of the file into a bare table
	Import      time.Duration // crier's import: normalise, flag, upsert
	Summary     app.ImportSummary
	PeakRSSKiB  int64 // VmHWM of the process after both runs
	CPUs        int
	GoMaxProcs  int
	ExportPath  string
	DatabaseURL string
}

// Import generates an export of opts.Rows rows, copies it into a bare table with a
// plain COPY, then imports it with crier's import into the fresh schema.
func Import(ctx context.Context, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{Rows: opts.Rows, CPUs: runtime.NumCPU(), GoMaxProcs: runtime.GOMAXPROCS(0)}
	if opts.Rows <= 0 {
		return res, fmt.Errorf("bench: rows must be positive")
	}
	dir, cleanup, err := workDir(opts.Dir)
	if err != nil {
		return res, err
	}
	defer cleanup()
	say := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, format+"\n", args...)
		}
	}

	say("generating %d rows…", opts.Rows)
	start := time.Now()
	path, managers, err := generate(dir, opts)
	if err != nil {
		return res, err
	}
	res.Generate, res.ExportPath = time.Since(start), path
	if fi, err := os.Stat(path); err == nil {
		res.FileBytes = fi.Size()
	}

	dbURL, err := store.WithDatabase(opts.DatabaseURL, opts.Database)
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	res.DatabaseURL = dbURL
	if err := store.ResetDatabase(ctx, dbURL); err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	if err := store.Migrate(ctx, dbURL, "up", func(string) {}); err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	defer st.Close()

	say("plain COPY into a bare table…")
	if res.Copy, err = plainCopy(ctx, st, path); err != nil {
		return res, err
	}
	say("crier import…")
	start = time.Now()
	res.Summary, err = app.Import(ctx, st, path, app.ImportOptions{
		DefaultRegion: opts.DefaultRegion, Managers: managers})
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	res.Import = time.Since(start)
	res.PeakRSSKiB = peakRSS()
	return res, nil
}

// workDir returns dir, or a new temporary directory removed by cleanup.
func workDir(dir string) (string, func(), error) {
	if dir != "" {
		return dir, func() {}, os.MkdirAll(dir, 0o755)
	}
	tmp, err := os.MkdirTemp("", "crier-bench-")
	if err != nil {
		return "", nil, fmt.Errorf("bench: %w", err)
	}
	return tmp, func() { _ = os.RemoveAll(tmp) }, nil
}

// generate writes the export and returns its path and the managers it names.
func generate(dir string, opts ImportOptions) (string, app.Roster, error) {
	path := filepath.Join(dir, "bench_hubspot.csv")
	f, err := os.Create(path)
	if err != nil {
		return "", nil, fmt.Errorf("bench: %w", err)
	}
	ds, err := demo.Generate(f, demo.Options{Seed: opts.Seed, Contacts: opts.Rows})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", nil, fmt.Errorf("bench: generate: %w", err)
	}
	roster := make(app.Roster, len(ds.Managers))
	for i, m := range ds.Managers {
		roster[i] = app.Manager{Name: m.Name, Email: m.Email}
	}
	return path, roster, nil
}

// plainCopy streams the export file into a bare table of text columns with COPY,
// the floor any import into Postgres is measured against.
func plainCopy(ctx context.Context, st *store.Store, path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	header, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("bench: read header: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	cols := make([]string, strings.Count(header, ",")+1)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d text", i+1)
	}
	conn, err := st.Pool().Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	defer conn.Release()
	create := "CREATE TABLE bench_bare (" + strings.Join(cols, ", ") + ")"
	if _, err := conn.Exec(ctx, create); err != nil {
		return 0, fmt.Errorf("bench: create bare table: %w", err)
	}
	start := time.Now()
	_, err = conn.Conn().PgConn().CopyFrom(ctx, bufio.NewReaderSize(f, 1<<20),
		"COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil {
		return 0, fmt.Errorf("bench: plain COPY: %w", err)
	}
	return time.Since(start), nil
}

// peakRSS is the process's peak resident set size in KiB: VmHWM from
// /proc/self/status, else getrusage's maximum RSS.
func peakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				v = strings.TrimSuffix(strings.TrimSpace(v), " kB")
				kib, err := strconv.ParseInt(v, 10, 64)
				if err == nil {
					return kib
				}
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return ru.Maxrss
	}
	return 0
}

// WriteTable prints the result as a table, with the targets beside the figures.
func (r ImportResult) WriteTable(w io.Writer) error {
	rate := func(d time.Duration) string {
		if d <= 0 {
			return "-"
		}
		return strconv.FormatFloat(float64(r.Rows)/d.Seconds(), 'f', 0, 64)
	}
	ratio := 0.0
	if r.Copy > 0 {
		ratio = r.Import.Seconds() / r.Copy.Seconds()
	}
	s := r.Summary
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "rows\t%d (%.1f MB, %d CPUs, GOMAXPROCS %d)\n", r.Rows,
		float64(r.FileBytes)/1e6, r.CPUs, r.GoMaxProcs)
	fmt.Fprintf(tw, "step\tseconds\trows/s\ttarget\n")
	fmt.Fprintf(tw, "plain COPY\t%.2f\t%s\t\n", r.Copy.Seconds(), rate(r.Copy))
	fmt.Fprintf(tw, "crier import\t%.2f\t%s\t>= 50000\n", r.Import.Seconds(), rate(r.Import))
	fmt.Fprintf(tw, "import / COPY\t%.2fx\t\t<= 3x\n", ratio)
	fmt.Fprintf(tw, "peak RSS\t%.0f MB\t\t< 300 MB\n", float64(r.PeakRSSKiB)/1024)
	fmt.Fprintf(tw, "outcome\tin %d = imported %d + updated %d + unchanged %d + rejected %d"+
		" (%d duplicates)\n", s.RowsIn, s.Imported, s.Updated, s.Unchanged, s.Rejected,
		s.Duplicates)
	return tw.Flush()
}
