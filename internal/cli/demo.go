package cli

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/crier-dev/crier/internal/app"
)

type demoCmd struct {
	Contacts int    `default:"3000" help:"Number of generated contacts."`
	Seed     int64  `default:"1" help:"Seed of the generator: the same seed gives the same data."`
	Database string `default:"crier_demo" help:"Database to reset and use, on the server of CRIER_DATABASE_URL."`
	Dir      string `help:"Directory for the generated export (default: a temporary directory)."`
	Verbose  bool   `help:"Show the worker's and stand-ins' logs."`
}

func (c demoCmd) Run(g *Globals) error {
	logger := g.logger
	if !c.Verbose {
		logger = slog.New(slog.NewTextHandler(g.env.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	res, err := app.RunDemo(g.ctx, g.cfg, app.DemoOptions{Seed: c.Seed, Contacts: c.Contacts,
		Database: c.Database, Dir: c.Dir, Progress: g.env.Stderr, Logger: logger})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	w := g.env.Stdout
	fmt.Fprintln(w)
	if err := res.Report.WriteTable(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	writeProgress(w, res.Progress, "  ")
	fmt.Fprintf(w, "\nStand-ins received %d e-mails and %d SMS; the ledger agrees",
		res.EmailsSunk, res.SMSSunk)
	if len(res.Mismatches) > 0 {
		fmt.Fprintf(w, " NOT (%d differences):\n", len(res.Mismatches))
		for _, m := range res.Mismatches {
			fmt.Fprintln(w, "  ", m)
		}
		return fmt.Errorf("demo: ledger and stand-ins disagree")
	}
	fmt.Fprintf(w, " message for message.\nDone in %s. Data: %s (database %s).\n",
		res.Duration.Round(100*time.Millisecond), res.ExportPath, c.Database)
	fmt.Fprintf(w, "Try: CRIER_DATABASE_URL='%s' crier report managers --format csv\n",
		res.DatabaseURL)
	return nil
}
