// Package bench measures a whole campaign on the local stand-ins: plan,
// enqueue, send by e-mail and SMS, status callbacks, and the memory each
// process needs, next to the rates bare clients reach against the same
// stand-ins. It drives real `crier devsink`, `crier serve` and `crier worker`
// processes, so that what it measures is what a deployment runs.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	mail "github.com/wneessen/go-mail"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/store"
)

// Options configure a benchmark run.
type Options struct {
	// Binary is the crier executable the processes run (os.Executable()).
	Binary string
	// Recipients is the number of contacts; each gets one e-mail and one SMS.
	Recipients int
	// Workers is the number of `crier worker` processes.
	Workers int
	// Concurrency is CRIER_WORKER_CONCURRENCY of each worker; 0 keeps the
	// environment's.
	Concurrency int
	// Channels limits the campaign to these channels; empty means e-mail and
	// SMS. Sending one channel alone shows what the other costs it.
	Channels []string
	// CeilingMessages is how many messages each bare client sends; 0 means
	// min(Recipients, 50,000).
	CeilingMessages int
	// CeilingConns is the bare SMTP client's connections and the bare Twilio
	// client's requests in flight.
	CeilingConns int
	// Database names the benchmark's own database, dropped and created anew.
	Database string
	// ProfileDir, when set, receives 5-second CPU profiles of the worker and
	// the devsink taken while they send (worker.pprof, devsink.pprof).
	ProfileDir string
	// Logs receives the subprocesses' stderr.
	Logs io.Writer
	// Logger receives the benchmark's progress records.
	Logger *slog.Logger
}

// Result is what a run measured.
type Result struct {
	Recipients   int
	Workers      int
	Concurrency  int
	Plan         time.Duration // both channels
	Enqueued     int
	EnqueueRate  float64 // messages/s
	EmailSent    int
	EmailRate    float64 // messages/s, first to last recorded send
	SMSSent      int
	SMSRate      float64
	LastCallback time.Duration // from the workers' start to the last SMS delivered
	SinkEmails   int64         // what the stand-ins received from the workers
	SinkSMS      int64
	CeilingSMTP  float64
	CeilingSMS   float64
	CeilingConns int
	RSS          []ProcessRSS
}

// ProcessRSS is the peak resident memory of one process.
type ProcessRSS struct {
	Name  string
	Bytes int64
}

// run is the state of one benchmark run.
type run struct {
	opts   Options
	cfg    config.Config
	st     *store.Store
	env    map[string]string
	procs  []*process
	sink   sinkClient
	logger *slog.Logger

	pprofSink, pprofWorker string // profiler addresses, "" when not profiling
}

// Run runs the benchmark with cfg's Postgres and Redis and returns what it
// measured. It drops and recreates opts.Database.
func Run(ctx context.Context, cfg config.Config, opts Options) (Result, error) {
	opts = withDefaults(opts)
	r := &run{opts: opts, cfg: cfg, logger: opts.Logger}
	defer r.stopAll()
	res := Result{Recipients: opts.Recipients, Workers: opts.Workers,
		CeilingConns: opts.CeilingConns}

	if err := r.prepareDatabase(ctx); err != nil {
		return res, err
	}
	defer r.st.Close()
	if err := r.startStandIns(ctx); err != nil {
		return res, err
	}
	res.Concurrency = r.cfg.Concurrency

	c, err := campaign.Load(crier.Campaigns, "spring-sale")
	if err != nil {
		return res, err
	}
	if err := r.ceilings(ctx, c, &res); err != nil {
		return res, err
	}
	before := r.sink.stats(ctx)

	relay, closer, err := app.NewRelay(r.cfg, r.st, slog.New(slog.DiscardHandler))
	if err != nil {
		return res, err
	}
	defer closer.Close()
	defer r.dropQueues()
	k, err := r.planAndEnqueue(ctx, c, relay, &res)
	if err != nil {
		return res, err
	}
	if err := r.send(ctx, k, &res); err != nil {
		return res, err
	}
	after := r.sink.stats(ctx)
	res.SinkEmails, res.SinkSMS = after.Emails-before.Emails, after.SMS-before.SMS
	res.RSS = r.peakRSS()
	return res, nil
}

func withDefaults(o Options) Options {
	if o.Recipients <= 0 {
		o.Recipients = 100_000
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.CeilingMessages <= 0 {
		o.CeilingMessages = min(o.Recipients, 50_000)
	}
	if o.CeilingConns <= 0 {
		o.CeilingConns = 4
	}
	if o.Database == "" {
		o.Database = "crier_bench"
	}
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// prepareDatabase creates the benchmark's database anew and seeds it.
func (r *run) prepareDatabase(ctx context.Context) error {
	dbURL, err := store.WithDatabase(r.cfg.DatabaseURL, r.opts.Database)
	if err != nil {
		return err
	}
	r.cfg.DatabaseURL = dbURL
	r.cfg.QueuePrefix = "crierbench" + strconv.Itoa(os.Getpid()) + ":"
	if r.opts.Concurrency > 0 {
		r.cfg.Concurrency = r.opts.Concurrency
	}
	if err := store.ResetDatabase(ctx, dbURL); err != nil {
		return err
	}
	if err := store.Migrate(ctx, dbURL, "up", func(string) {}); err != nil {
		return err
	}
	if r.st, err = store.Open(ctx, dbURL); err != nil {
		return err
	}
	r.logger.InfoContext(ctx, "Seeding contacts", "contacts", r.opts.Recipients)
	return r.st.BenchSeed(ctx, store.BenchSeedParams{Managers: 20, Contacts: r.opts.Recipients})
}

// startStandIns starts `crier devsink` (counting only) and `crier serve`.
func (r *run) startStandIns(ctx context.Context) error {
	smtpAddr, err := freeAddr()
	if err != nil {
		return err
	}
	twilioAddr, err := freeAddr()
	if err != nil {
		return err
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return err
	}
	r.cfg.SMTPURL = "smtp://" + smtpAddr
	r.cfg.Twilio.APIURL = "http://" + twilioAddr
	r.cfg.HTTPAddr, r.cfg.PublicURL = httpAddr, "http://"+httpAddr
	r.env = map[string]string{
		"CRIER_DATABASE_URL": r.cfg.DatabaseURL, "CRIER_REDIS_URL": r.cfg.RedisURL,
		"CRIER_QUEUE_PREFIX": r.cfg.QueuePrefix, "CRIER_SMTP_URL": r.cfg.SMTPURL,
		"TWILIO_API_URL": r.cfg.Twilio.APIURL, "CRIER_HTTP_ADDR": httpAddr,
		"CRIER_PUBLIC_URL":         r.cfg.PublicURL,
		"CRIER_WORKER_CONCURRENCY": strconv.Itoa(r.cfg.Concurrency),
	}
	sinkArgs := []string{"devsink", "--log-level", "warn",
		"--count-only", "--smtp-addr", smtpAddr, "--twilio-addr", twilioAddr}
	if r.opts.ProfileDir != "" {
		if r.pprofSink, err = freeAddr(); err != nil {
			return err
		}
		sinkArgs = append(sinkArgs, "--pprof", r.pprofSink)
	}
	sink, err := start("devsink", r.opts.Binary, sinkArgs, r.env, r.opts.Logs)
	if err != nil {
		return err
	}
	r.procs = append(r.procs, sink)
	serve, err := start("serve", r.opts.Binary, []string{"serve", "--log-level", "warn"},
		r.env, r.opts.Logs)
	if err != nil {
		return err
	}
	r.procs = append(r.procs, serve)
	r.sink = sinkClient{url: r.cfg.Twilio.APIURL + "/devsink/stats"}
	if err := waitHTTP(ctx, r.sink.url); err != nil {
		return err
	}
	return waitHTTP(ctx, r.cfg.PublicURL+"/")
}

// ceilings measures the bare clients against the stand-ins.
func (r *run) ceilings(ctx context.Context, c *campaign.Campaign, res *Result) error {
	raw, body, err := sampleMessages(c, r.cfg.MailFrom)
	if err != nil {
		return err
	}
	r.logger.InfoContext(ctx, "Measuring the bare SMTP client", "messages", r.opts.CeilingMessages)
	res.CeilingSMTP, err = ceilingSMTP(ctx, r.cfg.SMTPURL[len("smtp://"):], r.cfg.MailFrom, raw,
		r.opts.CeilingMessages, r.opts.CeilingConns)
	if err != nil {
		return err
	}
	r.logger.InfoContext(ctx, "Measuring the bare twilio-go client", "messages", r.opts.CeilingMessages)
	res.CeilingSMS, err = ceilingTwilio(ctx, r.cfg.Twilio.APIURL, r.cfg.Twilio.AccountSID,
		r.cfg.Twilio.AuthToken, body, r.opts.CeilingMessages, r.cfg.Concurrency)
	return err
}

// sampleMessages renders the campaign for a sample contact: the e-mail as
// it goes on the wire and the SMS text.
func sampleMessages(c *campaign.Campaign, from string) ([]byte, string, error) {
	data := campaign.Data{
		Contact:        campaign.ContactData{FirstName: "Ayşe", LastName: "Yılmaz 1", Company: "Firma 1"},
		Manager:        campaign.ManagerData{Name: "Yönetici 1", Email: "manager1@example.com"},
		Campaign:       campaign.CampaignData{Name: c.Def.Name},
		UnsubscribeURL: "http://127.0.0.1/u/1.0123456789abcdef0123456789abcdef",
	}
	rendered, err := c.RenderEmail(data)
	if err != nil {
		return nil, "", err
	}
	sms, err := c.RenderSMS(data)
	if err != nil {
		return nil, "", err
	}
	msg := mail.NewMsg()
	if err := msg.FromFormat(data.Manager.Name, from); err != nil {
		return nil, "", fmt.Errorf("sample mail: %w", err)
	}
	if err := msg.To("ceiling@example.com"); err != nil {
		return nil, "", fmt.Errorf("sample mail: %w", err)
	}
	msg.Subject(rendered.Subject)
	msg.SetGenHeader("List-Unsubscribe", "<"+data.UnsubscribeURL+">")
	msg.SetBodyString(mail.TypeTextPlain, rendered.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, rendered.HTML)
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, "", fmt.Errorf("sample mail: %w", err)
	}
	return dotted(buf.Bytes()), sms, nil
}

// planAndEnqueue plans the campaign and relays every message into the queue,
// timing both.
func (r *run) planAndEnqueue(ctx context.Context, c *campaign.Campaign, relay interface {
	Once(context.Context) (int, error)
}, res *Result) (store.Campaign, error) {
	k, err := r.st.CampaignLaunch(ctx, c.Def.Slug, c.Def.Name, c.Def)
	if err != nil {
		return k, err
	}
	channels := c.Def.Channels
	if len(r.opts.Channels) > 0 {
		channels = r.opts.Channels
	}
	began := time.Now()
	if _, err := app.Plan(ctx, r.st, k.ID, channels, store.Audience{}); err != nil {
		return k, err
	}
	res.Plan = time.Since(began)
	r.logger.InfoContext(ctx, "Planned", "seconds", res.Plan.Seconds())

	began = time.Now()
	res.Enqueued, err = relay.Once(ctx)
	if err != nil {
		return k, err
	}
	res.EnqueueRate = float64(res.Enqueued) / time.Since(began).Seconds()
	r.logger.InfoContext(ctx, "Enqueued", "messages", res.Enqueued)
	return k, nil
}

// send starts the workers and waits for every message to be settled and every
// SMS to be delivered.
func (r *run) send(ctx context.Context, k store.Campaign, res *Result) error {
	began := time.Now()
	for i := range r.opts.Workers {
		args := []string{"worker", "--log-level", "warn"}
		if i == 0 && r.opts.ProfileDir != "" {
			addr, err := freeAddr()
			if err != nil {
				return err
			}
			r.pprofWorker = addr
			args = append(args, "--pprof", addr)
		}
		w, err := start("worker "+strconv.Itoa(i+1), r.opts.Binary, args, r.env, r.opts.Logs)
		if err != nil {
			return err
		}
		r.procs = append(r.procs, w)
	}
	if r.opts.ProfileDir != "" {
		go r.profile(ctx)
	}
	// Watching must not compete with what it watches: the sink's counters
	// say when every planned message arrived, the ledger is asked only then
	// (every 2s until nothing is open: a count of open messages walks an
	// index that holds every message that was ever open), and callbacks are
	// counted by the sink.
	before := r.sink.stats(ctx)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastLog, lastLook := time.Now(), time.Time{}
	var smsSent int64 = -1 // known once nothing is open
	for {
		st := r.sink.stats(ctx)
		arrived := st.Emails - before.Emails + st.SMS - before.SMS
		if smsSent < 0 && arrived >= int64(res.Enqueued) && time.Since(lastLook) > 2*time.Second {
			lastLook = time.Now()
			open, err := r.st.BenchOpen(ctx, k.ID)
			if err != nil {
				return err
			}
			if open == 0 {
				spans, err := r.st.BenchSendSpans(ctx, k.ID)
				if err != nil {
					return err
				}
				smsSent = int64(spans["sms"].Sent)
			}
		}
		if smsSent >= 0 && st.CallbacksPending == 0 && st.Callbacks-before.Callbacks >= 2*smsSent {
			res.LastCallback = time.Since(began)
			break
		}
		if time.Since(lastLog) > 5*time.Second {
			r.logger.InfoContext(ctx, "Sending", "arrived", arrived, "of", res.Enqueued)
			lastLog = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	spans, err := r.st.BenchSendSpans(ctx, k.ID)
	if err != nil {
		return err
	}
	res.EmailSent, res.EmailRate = spans["email"].Sent, rate(spans["email"])
	res.SMSSent, res.SMSRate = spans["sms"].Sent, rate(spans["sms"])
	return nil
}

func rate(sp store.SendSpan) float64 {
	d := sp.Last.Sub(sp.First).Seconds()
	if sp.Sent < 2 || d <= 0 {
		return 0
	}
	return float64(sp.Sent-1) / d
}

// peakRSS reads every process's peak memory, the benchmark's own last.
func (r *run) peakRSS() []ProcessRSS {
	var out []ProcessRSS
	for _, p := range r.procs {
		if n, err := p.peakRSS(); err == nil {
			out = append(out, ProcessRSS{Name: p.name, Bytes: n})
		}
	}
	if n, err := peakRSSOf(os.Getpid()); err == nil {
		out = append(out, ProcessRSS{Name: "bench", Bytes: n})
	}
	return out
}

// stopAll stops the processes, workers first.
func (r *run) stopAll() {
	for i := len(r.procs) - 1; i >= 0; i-- {
		r.procs[i].stop()
	}
}

// dropQueues removes the run's queues from Redis, which other people share.
func (r *run) dropQueues() {
	opt, err := app.Redis(r.cfg)
	if err != nil {
		return
	}
	in := asynq.NewInspector(opt)
	defer in.Close()
	for _, ch := range []string{"email", "sms"} {
		if err := in.DeleteQueue(r.cfg.QueuePrefix+ch, true); err != nil &&
			!errors.Is(err, asynq.ErrQueueNotFound) {
			r.logger.Warn("Could not delete a benchmark queue", "queue", r.cfg.QueuePrefix+ch,
				"error", err)
		}
	}
}

// CPUs is the number of CPUs the run could use.
func CPUs() int { return runtime.NumCPU() }
