package cli

import (
	"bufio"
	"fmt"
	"os"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/report"
)

type workerCmd struct {
	Concurrency int    `help:"Messages sent at once (default CRIER_WORKER_CONCURRENCY)."`
	Dir         string `type:"existingdir" help:"Directory holding campaigns/ and templates/."`
	Pprof       string `help:"Serve Go's profiler on this loopback address (for measuring)."`
}

func (c workerCmd) Run(g *Globals) error {
	if c.Concurrency > 0 {
		g.cfg.Concurrency = c.Concurrency
	}
	if err := servePprof(g.ctx, c.Pprof, g.logger); err != nil {
		return err
	}
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	return app.RunWorker(g.ctx, g.cfg, st, app.CampaignFS(c.Dir), g.logger)
}

type serveCmd struct {
	Dir string `type:"existingdir" help:"Directory holding campaigns/ and templates/."`
}

func (c serveCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	return app.RunServe(g.ctx, g.cfg, st, app.CampaignFS(c.Dir), g.logger)
}

type devsinkCmd struct {
	SMTPAddr   string `default:"127.0.0.1:2525" help:"SMTP listen address."`
	TwilioAddr string `default:"127.0.0.1:8026" help:"Fake Twilio API listen address."`
	Rules      string `type:"existingfile" help:"Rules file: which addresses bounce and which numbers fail."`
	Dir        string `help:"Directory to store accepted mail as .eml files."`
	Faults     string `help:"Misbehave on purpose, e.g. smtp-temp-fail=0.2,twilio-429=0.1,seed=7 (default CRIER_DEVSINK_FAULTS)."`
	CountOnly  bool   `help:"Keep counts only, not messages (for benchmarks); see GET /devsink/stats on the Twilio address."`
	Pprof      string `help:"Serve Go's profiler on this loopback address (for measuring)."`
}

func (c devsinkCmd) Run(g *Globals) error {
	if c.Dir != "" {
		if st, err := os.Stat(c.Dir); err == nil && !st.IsDir() {
			return fmt.Errorf("devsink --dir %s: is a file; want a directory for the .eml files",
				c.Dir)
		}
		if err := os.MkdirAll(c.Dir, 0o755); err != nil {
			return fmt.Errorf("devsink --dir: %w", err)
		}
	}
	if err := servePprof(g.ctx, c.Pprof, g.logger); err != nil {
		return err
	}
	var rules devsink.Rules
	if c.Rules != "" {
		f, err := os.Open(c.Rules)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		rules, err = devsink.LoadRules(bufio.NewReader(f))
		f.Close()
		if err != nil {
			return fmt.Errorf("rules %s: %w", c.Rules, err)
		}
	}
	spec := c.Faults
	if spec == "" {
		spec = g.env.Getenv("CRIER_DEVSINK_FAULTS")
	}
	faults, err := devsink.ParseFaults(spec)
	if err != nil {
		return fmt.Errorf("--faults (or CRIER_DEVSINK_FAULTS): %w", err)
	}
	sink := devsink.New(devsink.Config{SMTPAddr: c.SMTPAddr, TwilioAddr: c.TwilioAddr,
		AccountSID: g.cfg.Twilio.AccountSID, AuthToken: g.cfg.Twilio.AuthToken,
		Rules: rules, Dir: c.Dir, Faults: faults, Logger: g.logger, CountOnly: c.CountOnly})
	if err := sink.Start(g.ctx); err != nil {
		return err
	}
	defer sink.Close()
	fmt.Fprintf(g.env.Stdout, "SMTP sink:   %s\nTwilio fake: %s (account %s)\nStats:       %s\n",
		sink.SMTPURL(), sink.TwilioURL(), g.cfg.Twilio.AccountSID, sink.TwilioURL()+devsink.StatsPath)
	if spec != "" {
		fmt.Fprintf(g.env.Stdout, "Faults:      %s (seed %d)\n", spec, sink.FaultSeed())
	}
	fmt.Fprintln(g.env.Stdout, "Ctrl-C stops.")
	<-g.ctx.Done()
	return nil
}

type reportCmd struct {
	Managers reportManagersCmd `cmd:"" help:"Per manager: quality score, completeness, valid shares, flags, fixes, last campaign."`
	Snapshot reportSnapshotCmd `cmd:"" help:"Save today's per-manager figures for the trend (run daily)."`
	Trend    reportTrendCmd    `cmd:"" help:"Daily quality scores per manager."`
}

type reportManagersCmd struct {
	Format   string `default:"table" enum:"table,csv,json" help:"table, csv or json."`
	Campaign string `help:"Campaign to count (default: the last launched)."`
}

func (c reportManagersCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := app.ManagersReport(g.ctx, st, c.Campaign)
	if err != nil {
		return err
	}
	switch c.Format {
	case "csv":
		return r.WriteCSV(g.env.Stdout)
	case "json":
		return r.WriteJSON(g.env.Stdout)
	}
	return r.WriteTable(g.env.Stdout)
}

type reportSnapshotCmd struct{}

func (reportSnapshotCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := app.Snapshot(g.ctx, st); err != nil {
		return err
	}
	_, err = fmt.Fprintln(g.env.Stdout, "Snapshot saved.")
	return err
}

type reportTrendCmd struct {
	Days int `default:"30" help:"How many days back."`
}

func (c reportTrendCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	snaps, err := st.SnapshotTrend(g.ctx, c.Days)
	if err != nil {
		return err
	}
	return report.WriteTrend(g.env.Stdout, snaps)
}
