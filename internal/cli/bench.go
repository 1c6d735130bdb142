package cli

import (
	"fmt"
	"os"

	"github.com/crier-dev/crier/internal/bench"
)

type benchCmd struct {
	Campaign benchCampaignCmd `cmd:"" help:"Send a whole campaign to the local stand-ins and print the rates."`
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
		Concurrency: c.Concurrency, Channels: c.Channels, CeilingConns: c.CeilingConns, Database: c.Database,
		ProfileDir: c.Profile, Logger: g.logger}
	if c.Verbose {
		opts.Logs = g.env.Stderr
	}
	res, err := bench.Run(g.ctx, g.cfg, opts)
	if err != nil {
		return err
	}
	return bench.WriteTable(g.env.Stdout, res)
}
