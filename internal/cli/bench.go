package cli

import (
	"fmt"
	"os"

	"github.com/crier-dev/crier/internal/bench"
)

type benchCmd struct {
	Import   benchImportCmd   `cmd:"" help:"Import a generated export into a fresh database; compare with a plain COPY."`
	Campaign benchCampaignCmd `cmd:"" help:"Send a whole campaign to the local stand-ins and print the rates."`
}

type benchImportCmd struct {
	Rows     int    `default:"1000000" help:"Rows of the generated export."`
	Seed     int64  `default:"1" help:"Seed of the generator."`
	Database string `default:"crier_bench_import" help:"Database to reset and use, on the server of CRIER_DATABASE_URL."`
	Dir      string `help:"Directory for the generated export (default: a temporary directory, removed)."`
}

func (c benchImportCmd) Run(g *Globals) error {
	res, err := bench.Import(g.ctx, bench.ImportOptions{Rows: c.Rows, Seed: c.Seed,
		DatabaseURL: g.cfg.DatabaseURL, Database: c.Database, Dir: c.Dir,
		DefaultRegion: g.cfg.DefaultRegion, Progress: g.env.Stderr})
	if err != nil {
		return err
	}
	return res.WriteTable(g.env.Stdout)
}

type benchCampaignCmd struct {
	Recipients   int      `default:"100000" help:"Contacts; each gets one e-mail and one SMS."`
	Workers      int      `default:"1" help:"crier worker processes."`
	Channels     []string `enum:"email,sms" default:"email,sms" help:"Channels to send on."`
	Concurrency  int      `help:"CRIER_WORKER_CONCURRENCY of each worker (default: the environment's)."`
	CeilingConns int      `default:"4" help:"Connections of the bare SMTP client."`
	Database     string   `default:"crier_bench" help:"The benchmark's own database, dropped and created anew."`
	Verbose      bool     `help:"Show the processes' logs."`
	Profile      string   `type:"existingdir" help:"Save CPU profiles of the worker and the devsink here."`
}

func (c benchCampaignCmd) Run(g *Globals) error {
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: find the crier binary: %w", err)
	}
	opts := bench.Options{Binary: bin, Recipients: c.Recipients, Workers: c.Workers,
		Concurrency: c.Concurrency, Channels: c.Channels, CeilingConns: c.CeilingConns,
		Database: c.Database, ProfileDir: c.Profile, Logger: g.logger}
	if c.Verbose {
		opts.Logs = g.env.Stderr
	}
	res, err := bench.Run(g.ctx, g.cfg, opts)
	if err != nil {
		return err
	}
	return bench.WriteTable(g.env.Stdout, res)
}
