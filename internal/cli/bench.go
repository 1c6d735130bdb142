package cli

import (
	"github.com/crier-dev/crier/internal/bench"
)

type benchCmd struct {
	Import benchImportCmd `cmd:"" help:"Import a generated export into a fresh database; compare with a plain COPY."`
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
