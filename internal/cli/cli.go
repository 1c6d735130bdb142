// Package cli holds crier's commands. Run parses the arguments and runs one; it
// never exits the process, so that every command can be tested.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/alecthomas/kong"

	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/store"
)

// Env is the outside world a command sees.
type Env struct {
	Stdin  io.Reader // nil means os.Stdin
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Globals are the flags and state every command gets.
type Globals struct {
	LogLevel  string `help:"Log level: debug, info, warn or error." default:"info" enum:"debug,info,warn,error"`
	LogFormat string `help:"Log format: text or json." default:"text" enum:"text,json"`

	ctx    context.Context
	env    Env
	cfg    config.Config
	logger *slog.Logger
}

type commands struct {
	Globals

	Migrate  migrateCmd  `cmd:"" help:"Apply database migrations (up, down or status)."`
	Import   importCmd   `cmd:"" help:"Import contacts from a CRM export (CSV or XLSX)."`
	Contacts contactsCmd `cmd:"" help:"Check contact files without a database."`
	Campaign campaignCmd `cmd:"" help:"Launch, pause, resume, cancel or watch a campaign."`
	Worker   workerCmd   `cmd:"" help:"Send queued messages (run as many as you like)."`
	Serve    serveCmd    `cmd:"" help:"Serve the web app, its API, webhooks (Twilio callbacks) and unsubscribe links."`
	Devsink  devsinkCmd  `cmd:"" help:"Run local stand-ins for SMTP and Twilio."`
	Report   reportCmd   `cmd:"" help:"Print reports."`
	Demo     demoCmd     `cmd:"" help:"Run the whole loop on generated data and print the report."`
	Config   configCmd   `cmd:"" help:"Print the configuration, secrets redacted."`
	Bounces  bouncesCmd  `cmd:"" help:"Classify bounce messages."`
	User     userCmd     `cmd:"" help:"Manage the web app's users."`
	Bench    benchCmd    `cmd:"" help:"Measure speed: an import, or a campaign end to end, on generated data."`
}

// Run runs the command in args and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	var cmds commands
	exit := -1
	parser, err := kong.New(&cmds, kong.Name("crier"),
		kong.Description("crier announces sales to your CRM contacts by e-mail and SMS, "+
			"in each manager's name, and brings back what could not be delivered."),
		kong.Writers(env.Stdout, env.Stderr), kong.UsageOnError(),
		kong.Exit(func(code int) { exit = code }))
	if err != nil {
		fmt.Fprintln(env.Stderr, "crier:", err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if exit >= 0 {
		return exit // --help
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "crier:", err)
		var perr *kong.ParseError
		if errors.As(err, &perr) && perr.Context != nil {
			fmt.Fprintln(env.Stderr)
			parser.Stdout = env.Stderr        // usage after an error belongs with the error
			_ = perr.Context.PrintUsage(true) // short usage of the command that failed
		}
		return 2
	}
	cmds.ctx, cmds.env = ctx, env
	cmds.logger = newLogger(env.Stderr, cmds.LogLevel, cmds.LogFormat)
	if cmds.cfg, err = config.Load(env.Getenv); err != nil {
		fmt.Fprintf(env.Stderr, "crier: configuration:\n%v\n", err)
		return 2
	}
	if err := kctx.Run(&cmds.Globals); err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			fmt.Fprintln(env.Stderr, interruptMessage(err))
			return 130
		}
		fmt.Fprintln(env.Stderr, "crier:", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level)) // kong checked the value
	opts := &slog.HandlerOptions{Level: lvl}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open connects to the database, creating it and applying migrations when
// migrate is set.
func (g *Globals) open(migrate bool) (*store.Store, error) {
	if migrate {
		if err := store.EnsureDatabase(g.ctx, g.cfg.DatabaseURL); err != nil {
			return nil, err
		}
		if err := store.Migrate(g.ctx, g.cfg.DatabaseURL, "up", func(string) {}); err != nil {
			return nil, err
		}
	}
	return store.Open(g.ctx, g.cfg.DatabaseURL)
}

type configCmd struct{}

func (configCmd) Run(g *Globals) error {
	_, err := fmt.Fprint(g.env.Stdout, g.cfg.String())
	return err
}

type migrateCmd struct {
	Direction string `arg:"" optional:"" default:"up" enum:"up,down,status" help:"up, down (one step) or status."`
}

func (c migrateCmd) Run(g *Globals) error {
	if err := store.EnsureDatabase(g.ctx, g.cfg.DatabaseURL); err != nil {
		return err
	}
	return store.Migrate(g.ctx, g.cfg.DatabaseURL, c.Direction, func(line string) {
		fmt.Fprintln(g.env.Stdout, line)
	})
}

// isTerminal reports whether w is a terminal, where progress may redraw a line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
