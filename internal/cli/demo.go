package cli

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/store"
)

type demoCmd struct {
	Contacts int    `default:"3000" help:"Number of generated contacts."`
	Seed     int64  `default:"1" help:"Seed of the generator: the same seed gives the same data."`
	Database string `default:"crier_demo" help:"Database to reset and use, on the server of CRIER_DATABASE_URL."`
	Dir      string `help:"Directory for the generated export (default: a temporary directory)."`
	Verbose  bool   `help:"Show the worker's and stand-ins' logs."`
	Serve    bool   `help:"Leave the web app running on CRIER_HTTP_ADDR afterwards (Ctrl-C stops)."`
}

func (c demoCmd) Run(g *Globals) error {
	logger := g.logger
	if !c.Verbose {
		logger = slog.New(slog.NewTextHandler(g.env.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	res, err := app.RunDemo(g.ctx, g.cfg, c.options(g, logger))
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
	return c.webApp(g, res.DatabaseURL)
}

// options are the demo's options: its own queues (crier-demo:) unless
// CRIER_QUEUE_PREFIX is set.
func (c demoCmd) options(g *Globals, logger *slog.Logger) app.DemoOptions {
	opts := app.DemoOptions{Seed: c.Seed, Contacts: c.Contacts, Database: c.Database,
		Dir: c.Dir, Progress: g.env.Stderr, Logger: logger}
	if strings.TrimSpace(g.env.Getenv("CRIER_QUEUE_PREFIX")) != "" {
		opts.QueuePrefix = g.cfg.QueuePrefix
	}
	return opts
}

// webApp creates a user per role in the demo database, prints the logins
// and either serves the web app or says how to start it.
func (c demoCmd) webApp(g *Globals, databaseURL string) error {
	st, err := store.Open(g.ctx, databaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	logins, err := app.DemoUsers(g.ctx, st, 0)
	if err != nil {
		return err
	}
	w := g.env.Stdout
	url := "http://" + g.cfg.HTTPAddr
	fmt.Fprintf(w, "\nWeb app logins (password %q for all):\n", app.DemoPassword)
	for _, l := range logins {
		fmt.Fprintf(w, "  %-10s %s\n", l.Role, l.Email)
	}
	if !c.Serve {
		fmt.Fprintf(w, "Open the web app: CRIER_DATABASE_URL='%s' crier serve, then %s\n"+
			"(or run the demo with --serve).\n", databaseURL, url)
		return nil
	}
	ln, err := net.Listen("tcp", g.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on CRIER_HTTP_ADDR %s: %w", g.cfg.HTTPAddr, err)
	}
	fmt.Fprintf(w, "The web app runs at %s (with stand-ins and a worker); Ctrl-C stops.\n", url)
	cfg := g.cfg
	cfg.DatabaseURL = databaseURL
	cfg.QueuePrefix = "crier-demo:"
	return app.ServeDemo(g.ctx, cfg, st, crier.Campaigns, ln, g.logger)
}
