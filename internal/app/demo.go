package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/demo"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/queue"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// DemoOptions configure the demo.
type DemoOptions struct {
	Seed     int64
	Contacts int
	// Database is the database the demo resets and uses, on the server of
	// CRIER_DATABASE_URL. Defaults to crier_demo.
	Database string
	// Dir receives the generated export and roster; it is created when
	// missing. Defaults to a temporary
	// directory.
	Dir string
	// QueuePrefix names the demo's queues. Defaults to "crier-demo:".
	QueuePrefix string
	// Progress receives one line per step and progress while sending.
	Progress io.Writer
	Logger   *slog.Logger
}

// DemoResult is what the demo did, for the report and for checks.
type DemoResult struct {
	Import       ImportSummary
	Scenario     demo.Scenario
	Launch       LaunchResult
	Report       report.Managers
	Progress     store.Progress
	EmailsSunk   int // mails the SMTP stand-in accepted
	SMSSunk      int // messages the Twilio stand-in accepted
	ExportPath   string
	DatabaseURL  string
	Mismatches   []string // differences between the ledger and the stand-ins
	Duration     time.Duration
	CallbacksBad int // callbacks the web server did not answer with 2xx
}

// RunDemo runs the whole loop on generated data: reset the demo database,
// generate a messy CRM export, import it, start the stand-ins, the web server
// and a worker, launch spring-sale, wait until every message is settled and
// every callback answered, and compare the ledger with what the stand-ins got.
func RunDemo(ctx context.Context, cfg config.Config, opts DemoOptions) (DemoResult, error) {
	start := time.Now()
	if opts.QueuePrefix == "" {
		opts.QueuePrefix = "crier-demo:"
	}
	if opts.Database == "" {
		opts.Database = "crier_demo"
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d := &demoRun{cfg: cfg, opts: opts, log: opts.Logger}
	d.step("Preparing database %s", opts.Database)
	res, err := d.run(ctx)
	res.Duration = time.Since(start)
	return res, err
}

type demoRun struct {
	cfg      config.Config
	opts     DemoOptions
	log      *slog.Logger
	res      DemoResult
	scenario demo.Scenario
}

func (d *demoRun) step(format string, args ...any) {
	fmt.Fprintf(d.opts.Progress, "• "+format+"\n", args...)
}

func (d *demoRun) run(ctx context.Context) (DemoResult, error) {
	st, err := d.prepareDatabase(ctx)
	if err != nil {
		return d.res, err
	}
	defer st.Close()
	if err := d.importExport(ctx, st); err != nil {
		return d.res, err
	}

	sink, err := d.startSink(ctx)
	if err != nil {
		return d.res, err
	}
	defer sink.Close()
	runCtx, stop := context.WithCancelCause(ctx)
	var wg sync.WaitGroup
	defer func() { stop(nil); wg.Wait() }()
	if err := d.startServices(runCtx, stop, &wg, st); err != nil {
		return d.res, err
	}

	relay, client, err := NewRelay(d.cfg, st, d.log)
	if err != nil {
		return d.res, err
	}
	defer client.Close()
	d.step("Launching campaign spring-sale")
	d.res.Launch, err = Launch(ctx, st, relay, crier.Campaigns, "spring-sale")
	if err != nil {
		return d.res, err
	}
	if err := d.wait(runCtx, st, sink); err != nil {
		if cause := context.Cause(runCtx); cause != nil && !errors.Is(cause, context.Canceled) {
			return d.res, cause
		}
		return d.res, err
	}
	return d.res, d.finish(ctx, st, sink)
}

func (d *demoRun) prepareDatabase(ctx context.Context) (*store.Store, error) {
	url, err := store.WithDatabase(d.cfg.DatabaseURL, d.opts.Database)
	if err != nil {
		return nil, err
	}
	d.cfg.DatabaseURL, d.res.DatabaseURL = url, url
	if err := store.ResetDatabase(ctx, url); err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, url, "up", func(string) {}); err != nil {
		return nil, err
	}
	return store.Open(ctx, url)
}

func (d *demoRun) importExport(ctx context.Context, st *store.Store) error {
	dir := d.opts.Dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "crier-demo-"); err != nil {
			return fmt.Errorf("demo directory: %w", err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo directory: %w", err)
	}
	d.res.ExportPath = filepath.Join(dir, "hubspot-contacts.csv")
	f, err := os.Create(d.res.ExportPath)
	if err != nil {
		return fmt.Errorf("write demo export: %w", err)
	}
	data, err := demo.Generate(f, demo.Options{Seed: d.opts.Seed, Contacts: d.opts.Contacts})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("generate demo export: %w", err)
	}
	d.scenario, d.res.Scenario = data.Scenario, data.Scenario
	roster := make(Roster, len(data.Managers))
	for i, m := range data.Managers {
		roster[i] = Manager{Name: m.Name, Email: m.Email}
	}
	d.step("Importing %d generated contacts from %s", data.Rows, d.res.ExportPath)
	d.res.Import, err = Import(ctx, st, d.res.ExportPath, ImportOptions{
		DefaultRegion: d.cfg.DefaultRegion, Managers: roster})
	if err != nil {
		return err
	}
	s := d.res.Import
	d.step("  rows in %d = imported %d + updated %d + unchanged %d + rejected %d",
		s.RowsIn, s.Imported, s.Updated, s.Unchanged, s.Rejected)
	return nil
}

func (d *demoRun) startSink(ctx context.Context) (*devsink.Sink, error) {
	rules := devsink.Rules{BounceEmails: map[string]bool{},
		RejectNumbers: d.scenario.RejectNumbers, UndeliveredNumbers: d.scenario.UndeliveredNumbers}
	for _, addr := range d.scenario.BounceEmails {
		rules.BounceEmails[addr] = true
	}
	sink := devsink.New(devsink.Config{SMTPAddr: "127.0.0.1:0", TwilioAddr: "127.0.0.1:0",
		AccountSID: config.DevAccountSID, AuthToken: config.DevAuthToken, Rules: rules,
		Logger: d.log})
	if err := sink.Start(ctx); err != nil {
		return nil, fmt.Errorf("start stand-ins: %w", err)
	}
	d.cfg.SMTPURL = sink.SMTPURL()
	d.cfg.Twilio = config.Twilio{AccountSID: config.DevAccountSID, AuthToken: config.DevAuthToken,
		From: "CRIER", APIURL: sink.TwilioURL()}
	d.step("Stand-ins listening: SMTP %s, Twilio %s", sink.SMTPURL(), sink.TwilioURL())
	return sink, nil
}

// startServices starts the web server (for Twilio callbacks) and a worker.
func (d *demoRun) startServices(ctx context.Context, fail context.CancelCauseFunc,
	wg *sync.WaitGroup, st *store.Store) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for callbacks: %w", err)
	}
	d.cfg.PublicURL = "http://" + ln.Addr().String()
	d.cfg.QueuePrefix = d.opts.QueuePrefix
	d.cfg.RelayInterval = 200 * time.Millisecond
	if err := d.clearQueues(); err != nil {
		ln.Close()
		return err
	}
	web := NewWebServer(d.cfg, st, d.log)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := web.Serve(ctx, ln); err != nil && !errors.Is(err, net.ErrClosed) {
			fail(fmt.Errorf("web server: %w", err))
		}
	}()
	go func() {
		defer wg.Done()
		if err := RunWorker(ctx, d.cfg, st, crier.Campaigns, d.log); err != nil {
			fail(fmt.Errorf("worker: %w", err))
		}
	}()
	d.step("Web server for callbacks on %s; worker started (concurrency %d)",
		d.cfg.PublicURL, d.cfg.Concurrency)
	return nil
}

// clearQueues drops what an interrupted earlier demo left in its queues.
func (d *demoRun) clearQueues() error {
	opt, err := Redis(d.cfg)
	if err != nil {
		return err
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	names := queue.Names{Prefix: d.opts.QueuePrefix}
	for _, ch := range []string{"email", "sms"} {
		err := insp.DeleteQueue(names.For(ch), true)
		if err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
			return fmt.Errorf("clear demo queue %s (is Redis at CRIER_REDIS_URL running?): %w",
				names.For(ch), err)
		}
	}
	return nil
}

// wait polls the ledger until no message is open, then waits for the
// stand-in's status callbacks to be answered.
func (d *demoRun) wait(ctx context.Context, st *store.Store, sink *devsink.Sink) error {
	ticker := time.NewTicker(250 * time.Millisecond)
	defer ticker.Stop()
	last, lastAt := -1, time.Time{}
	for {
		p, err := st.CampaignProgress(ctx, d.res.Launch.Campaign.ID)
		if err != nil {
			return err
		}
		d.res.Progress = p
		// One line per second at most, and only when something moved.
		if open := p.Open(); open != last && time.Since(lastAt) >= time.Second || open == 0 {
			fmt.Fprintf(d.opts.Progress, "  sending: %d open, %d e-mails and %d SMS accepted\n",
				open, len(sink.Emails()), len(sink.SMS()))
			last, lastAt = open, time.Now()
		}
		if p.Open() == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
	d.step("All messages settled; waiting for delivery callbacks")
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := sink.WaitCallbacks(wctx); err != nil {
		return fmt.Errorf("waiting for callbacks: %w", err)
	}
	return nil
}

// finish compares the ledger with the stand-ins and builds the report.
func (d *demoRun) finish(ctx context.Context, st *store.Store, sink *devsink.Sink) error {
	id := d.res.Launch.Campaign.ID
	if _, err := st.CampaignFinishIfDone(ctx, id); err != nil {
		return err
	}
	tally, err := st.DeliveryTally(ctx, id)
	if err != nil {
		return err
	}
	got := map[string]map[string]int{"email": {}, "sms": {}}
	for _, e := range sink.Emails() {
		got["email"][strings.ToLower(e.To)]++
	}
	for _, m := range sink.SMS() {
		got["sms"][m.To]++
	}
	d.res.EmailsSunk, d.res.SMSSunk = len(sink.Emails()), len(sink.SMS())
	d.res.Mismatches = compareTally(tally, got)
	for _, cb := range sink.Callbacks() {
		if cb.HTTPStatus < 200 || cb.HTTPStatus > 299 {
			d.res.CallbacksBad++
		}
	}
	if d.res.Progress, err = st.CampaignProgress(ctx, id); err != nil {
		return err
	}
	k, err := st.CampaignBySlug(ctx, d.res.Launch.Campaign.Slug)
	if err != nil {
		return err
	}
	d.res.Report.Campaign = &k
	if d.res.Report.Lines, err = st.ReportManagers(ctx, id); err != nil {
		return err
	}
	return st.SnapshotSave(ctx, d.res.Report.Snapshots())
}

// compareTally lists every address whose count of accepted messages differs
// between the ledger and a stand-in: a lost or doubled message.
func compareTally(ledger, sunk map[string]map[string]int) []string {
	var out []string
	for _, ch := range []string{"email", "sms"} {
		for addr, n := range sunk[ch] {
			if ledger[ch][addr] != n {
				out = append(out, fmt.Sprintf("%s: stand-in got %d, ledger says %d sent",
					ch, n, ledger[ch][addr]))
			}
		}
		for addr, n := range ledger[ch] {
			if _, ok := sunk[ch][addr]; !ok {
				out = append(out, fmt.Sprintf("%s: ledger says %d sent, stand-in got none", ch, n))
			}
		}
	}
	return out
}
