package chaos_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/demo"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// crierBin is the crier binary every test runs, built once by TestMain.
var crierBin string

func TestMain(m *testing.M) {
	// The tests mostly wait for crier processes, so they all run at once
	// unless -parallel says otherwise (its default is the number of CPUs).
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		_ = flag.Set("test.parallel", "8")
	}

	dir, err := os.MkdirTemp("", "crier-chaos-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	crierBin = filepath.Join(dir, "crier")
	build := exec.Command("go", "build", "-o", crierBin, "github.com/crier-dev/crier/cmd/crier")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "chaos: build crier: %v\n%s", err, out)
		os.Exit(1)
	}
	if err := generateDemo(dir); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	code := m.Run()
	dropTemplates()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// demoContacts is the size of every test's contact base: about 3,100 messages
// to send, by e-mail and SMS, and 900 skipped (no consent, no address, ...).
const demoContacts = 2000

// The demo export every test sends to, and the devsink rules that make its
// scenario's addresses bounce and numbers fail; written once by TestMain.
var (
	demoData  demo.Dataset
	demoCSV   string
	demoRules string
)

func generateDemo(dir string) error {
	demoCSV, demoRules = filepath.Join(dir, "contacts.csv"), filepath.Join(dir, "rules.txt")
	f, err := os.Create(demoCSV)
	if err != nil {
		return err
	}
	demoData, err = demo.Generate(f, demo.Options{Seed: 3, Contacts: demoContacts})
	if err := errors.Join(err, f.Close()); err != nil {
		return fmt.Errorf("generate demo contacts: %w", err)
	}
	var rules strings.Builder
	for _, e := range demoData.Scenario.BounceEmails {
		fmt.Fprintf(&rules, "bounce %s\n", e)
	}
	for n, code := range demoData.Scenario.RejectNumbers {
		fmt.Fprintf(&rules, "reject %s %d\n", n, code)
	}
	for n, code := range demoData.Scenario.UndeliveredNumbers {
		fmt.Fprintf(&rules, "undelivered %s %d\n", n, code)
	}
	return os.WriteFile(demoRules, []byte(rules.String()), 0o600)
}

// template is the demo export imported (by `crier import`) into a database
// on one Postgres server, once per test binary; every test on that server
// starts from a copy, which takes a fraction of a second where the import
// takes many seconds of CPU.
type template struct {
	once sync.Once
	name string
	err  error
}

var templates = struct {
	sync.Mutex
	byServer map[string]*template
}{byServer: map[string]*template{}}

// templateOn returns the name of the imported template database on server.
func templateOn(t *testing.T, server string) string {
	t.Helper()
	templates.Lock()
	tmpl := templates.byServer[server]
	if tmpl == nil {
		tmpl = &template{name: testenv.Name("crier_chaos_tmpl_")}
		templates.byServer[server] = tmpl
	}
	templates.Unlock()
	tmpl.once.Do(func() {
		began := time.Now()
		url, err := store.WithDatabase(server, tmpl.name)
		if err != nil {
			tmpl.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, crierBin, "import", "--log-level", "warn", demoCSV)
		cmd.Env = append(os.Environ(), "CRIER_DATABASE_URL="+url) // import creates and migrates it
		if out, err := cmd.CombinedOutput(); err != nil {
			tmpl.err = fmt.Errorf("crier import: %w: %s", err, out)
			return
		}
		t.Logf("imported %d demo contacts into a template database in %s", demoContacts,
			time.Since(began).Round(time.Millisecond))
	})
	require.NoError(t, tmpl.err)
	return tmpl.name
}

// dropTemplates drops the template databases that are still reachable (a
// private server's went with it).
func dropTemplates() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for server, tmpl := range templates.byServer {
		_ = testenv.DropDatabase(ctx, server, tmpl.name)
	}
}

// slug is the campaign every test sends: the built-in spring sale, by e-mail
// and SMS.
const slug = "spring-sale"

// testRand returns the test's random source and logs its seed;
// CRIER_CHAOS_SEED sets the seed to repeat a run.
func testRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CRIER_CHAOS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "CRIER_CHAOS_SEED")
		seed = n
	}
	t.Logf("seed %d (CRIER_CHAOS_SEED=%d repeats the random choices)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// rigOptions describe the world a test runs in.
type rigOptions struct {
	pgServer    string // Postgres server URL; "" is the shared one
	redisURL    string // Redis URL; "" is the shared one
	faults      string // devsink --faults spec
	concurrency int    // CRIER_WORKER_CONCURRENCY; 0 means 8
}

// rig is one test's world: a database and queue prefix of its own, a devsink
// process and a serve process, and the workers the test starts.
type rig struct {
	t       *testing.T
	ctx     context.Context
	dir     string
	env     map[string]string
	db      *pgxpool.Pool
	statsAt string // the devsink's stats URL

	mu    sync.Mutex // guards procs
	procs []*proc
}

// newRig copies the imported demo contacts into a database of the test's own
// and starts devsink and serve.
func newRig(t *testing.T, ctx context.Context, opts rigOptions) *rig {
	t.Helper()
	if opts.pgServer == "" {
		opts.pgServer = testenv.ServerURL()
	}
	if opts.concurrency == 0 {
		opts.concurrency = 8
	}
	began := time.Now()
	r := &rig{t: t, ctx: ctx, dir: t.TempDir()}
	dbURL := testenv.DatabaseFrom(t, opts.pgServer, templateOn(t, opts.pgServer))
	redisURL, prefix := opts.redisURL, testenv.Name("crier-chaos-")+":"
	if redisURL == "" {
		redisURL, prefix = testenv.Redis(t)
	}
	httpPort, err := testenv.FreePort()
	require.NoError(t, err)
	httpAddr := "127.0.0.1:" + strconv.Itoa(httpPort)
	// Each crier process keeps at most 4 connections (its default is 16):
	// the tests run at once against a Postgres that other tests share.
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	r.env = map[string]string{
		"CRIER_DATABASE_URL": dbURL + sep + "pool_max_conns=4",
		"CRIER_REDIS_URL":    redisURL, "CRIER_QUEUE_PREFIX": prefix,
		"CRIER_HTTP_ADDR": httpAddr, "CRIER_PUBLIC_URL": "http://" + httpAddr,
		"CRIER_RELAY_INTERVAL":     "200ms",
		"CRIER_WORKER_CONCURRENCY": strconv.Itoa(opts.concurrency),
	}
	t.Cleanup(r.stopAll)

	r.db, err = pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(r.db.Close)

	r.startDevsink(opts.faults)
	serve := r.start("serve", "serve", "--log-level", "warn")
	r.waitListening(serve, httpAddr)
	t.Logf("rig ready in %s", time.Since(began).Round(time.Millisecond))
	return r
}

// startDevsink runs `crier devsink` on free ports and points the rig's
// SMTP and Twilio settings at it.
func (r *rig) startDevsink(faults string) {
	args := []string{"devsink", "--log-level", "warn", "--smtp-addr", "127.0.0.1:0",
		"--twilio-addr", "127.0.0.1:0", "--rules", demoRules}
	if faults != "" {
		args = append(args, "--faults", faults)
	}
	cmd := r.command(args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(r.t, err)
	p := r.startCmd("devsink", cmd)

	lines := bufio.NewScanner(stdout)
	for r.env["TWILIO_API_URL"] == "" || r.env["CRIER_SMTP_URL"] == "" {
		if !lines.Scan() {
			break // exited
		}
		line := lines.Text()
		r.t.Logf("devsink: %s", line)
		if v, ok := strings.CutPrefix(line, "SMTP sink:"); ok {
			r.env["CRIER_SMTP_URL"] = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Twilio fake:"); ok {
			r.env["TWILIO_API_URL"] = strings.Fields(v)[0]
		}
	}
	require.NotEmpty(r.t, r.env["TWILIO_API_URL"], "devsink did not print its URLs; log:\n%s",
		p.tail())
	require.NotEmpty(r.t, r.env["CRIER_SMTP_URL"])
	go func() { _, _ = io.Copy(p.logFile, stdout) }()
	r.statsAt = r.env["TWILIO_API_URL"] + devsink.StatsPath
}

// command prepares `crier ARGS` with the rig's environment.
func (r *rig) command(args ...string) *exec.Cmd {
	cmd := exec.Command(crierBin, args...)
	cmd.SysProcAttr = testenv.ChildAttr()
	cmd.Env = os.Environ()
	for k, v := range r.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = r.dir // no campaigns/ here: the built-in definitions are used
	return cmd
}

// run runs `crier ARGS` to the end and returns its output.
func (r *rig) run(args ...string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.ctx, 2*time.Minute)
	defer cancel()
	cmd := r.command(args...)
	stop := context.AfterFunc(ctx, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	defer stop()
	out, err := cmd.CombinedOutput()
	require.NoError(r.t, err, "crier %s: %s", strings.Join(args, " "), out)
	return string(out)
}

// start runs `crier ARGS` in the background.
func (r *rig) start(name string, args ...string) *proc {
	r.t.Helper()
	return r.startCmd(name, r.command(args...))
}

// startWorker starts one more `crier worker`.
func (r *rig) startWorker() *proc {
	r.t.Helper()
	r.mu.Lock()
	n := len(r.procs)
	r.mu.Unlock()
	return r.start(fmt.Sprintf("worker-%d", n), "worker", "--log-level", "warn")
}

func (r *rig) startCmd(name string, cmd *exec.Cmd) *proc {
	r.t.Helper()
	logFile, err := os.Create(filepath.Join(r.dir, name+".log"))
	require.NoError(r.t, err)
	if cmd.Stdout == nil {
		cmd.Stdout = logFile
	}
	cmd.Stderr = logFile
	require.NoError(r.t, cmd.Start(), "start crier %s", name)
	p := &proc{name: name, cmd: cmd, logFile: logFile, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	r.mu.Lock()
	r.procs = append(r.procs, p)
	r.mu.Unlock()
	return p
}

// waitListening waits until p accepts connections on addr.
func (r *rig) waitListening(p *proc, addr string) {
	r.t.Helper()
	r.waitFor(30*time.Second, addr+" listening", func() bool {
		if !p.running() {
			r.t.Fatalf("crier %s exited:\n%s", p.name, p.tail())
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
}

// stopAll interrupts every process still running, kills what does not stop,
// and prints the logs' ends when the test failed.
func (r *rig) stopAll() {
	r.mu.Lock()
	procs := r.procs
	r.mu.Unlock()
	for _, p := range procs {
		p.stop()
	}
	if r.t.Failed() {
		for _, p := range procs {
			r.t.Logf("--- end of crier %s log ---\n%s", p.name, p.tail())
		}
	}
}

// waitFor polls cond every 100ms until it holds; it fails the test after
// limit, naming what it waited for.
func (r *rig) waitFor(limit time.Duration, what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) || r.ctx.Err() != nil {
			r.t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// proc is one crier process the rig started.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{} // closed when the process has exited
}

func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits until the process is gone.
func (p *proc) kill() {
	if p.running() {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

// stop interrupts the process, as Ctrl-C does, and kills it if it is still
// running after 15s.
func (p *proc) stop() {
	if p.running() {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			p.kill()
		}
	}
	_ = p.logFile.Close()
}

// tail returns the last lines of the process's log.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.logFile.Name())
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

// launch launches the campaign with `crier campaign launch`.
func (r *rig) launch() {
	r.t.Helper()
	out := r.run("campaign", "launch", "--log-level", "warn", slug)
	r.t.Logf("launch: %s", strings.TrimSpace(out))
}

// progress counts the campaign's messages that are settled and all of them.
// Errors (a database being restarted) count as no progress.
func (r *rig) progress() (open, total int) {
	err := r.db.QueryRow(r.ctx, `
		SELECT count(*) FILTER (WHERE m.status IN ('pending', 'queued', 'sending')), count(*)
		FROM messages m JOIN campaigns k ON k.id = m.campaign_id WHERE k.slug = $1`, slug).
		Scan(&open, &total)
	if err != nil {
		return -1, -1
	}
	return open, total
}

// handedOver counts the campaign's messages recorded as handed to a provider.
func (r *rig) handedOver() int {
	var n int
	err := r.db.QueryRow(r.ctx, `
		SELECT count(*) FROM messages m JOIN campaigns k ON k.id = m.campaign_id
		WHERE k.slug = $1 AND m.sent_at IS NOT NULL`, slug).Scan(&n)
	if err != nil {
		return -1
	}
	return n
}

// waitSettled waits until no message of the campaign is pending, queued or
// sending and every status callback the devsink owes was posted.
func (r *rig) waitSettled(limit time.Duration) {
	r.t.Helper()
	start := time.Now()
	logged := false
	r.waitFor(limit, "the campaign to settle", func() bool {
		open, total := r.progress()
		if !logged && time.Since(start) > limit-time.Second {
			r.logStatuses()
			logged = true
		}
		return total > 0 && open == 0
	})
	r.waitFor(limit, "the devsink's status callbacks", func() bool {
		st, err := r.fetchStats()
		return err == nil && st.CallbacksPending == 0
	})
	r.t.Logf("settled %s after waiting began", time.Since(start).Round(100*time.Millisecond))
}

// logStatuses logs the campaign's messages by channel, status and last error,
// to tell why a campaign does not settle.
func (r *rig) logStatuses() {
	rows, err := r.db.Query(r.ctx, `
		SELECT m.channel, m.status, m.error_code, count(*), max(m.attempts),
			min(now() - m.updated_at)::text
		FROM messages m JOIN campaigns k ON k.id = m.campaign_id WHERE k.slug = $1
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, slug)
	if err != nil {
		r.t.Logf("statuses: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var channel, status, code, age string
		var n, attempts int
		if err := rows.Scan(&channel, &status, &code, &n, &attempts, &age); err != nil {
			r.t.Logf("statuses: %v", err)
			return
		}
		r.t.Logf("  %s %s %q: %d (attempts up to %d, youngest %s ago)", channel, status, code,
			n, attempts, age)
	}
}

func (r *rig) fetchStats() (devsink.Stats, error) {
	var st devsink.Stats
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.statsAt, nil)
	if err != nil {
		return st, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, err
	}
	defer func() { _ = resp.Body.Close() }()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// stats returns what the devsink received.
func (r *rig) stats() devsink.Stats {
	r.t.Helper()
	st, err := r.fetchStats()
	require.NoError(r.t, err, "devsink stats")
	return st
}

// message is one ledger row of the campaign.
type message struct {
	ID                       int64
	Channel, Address, Status string
	ErrorCode, ErrorDetail   string
	Attempts                 int
	SkipReason, ProviderID   string
	SentAt                   *time.Time
}

// ledger reads the campaign's message rows.
func (r *rig) ledger() []message {
	r.t.Helper()
	rows, err := r.db.Query(r.ctx, `
		SELECT m.id, m.channel, m.address, m.status, m.error_code, m.error_detail, m.attempts,
			m.skip_reason, m.provider_id, m.sent_at
		FROM messages m JOIN campaigns k ON k.id = m.campaign_id WHERE k.slug = $1
		ORDER BY m.id`, slug)
	require.NoError(r.t, err)
	defer rows.Close()
	var out []message
	for rows.Next() {
		var m message
		require.NoError(r.t, rows.Scan(&m.ID, &m.Channel, &m.Address, &m.Status, &m.ErrorCode,
			&m.ErrorDetail, &m.Attempts, &m.SkipReason, &m.ProviderID, &m.SentAt))
		out = append(out, m)
	}
	require.NoError(r.t, rows.Err())
	return out
}

// outcome is a settled campaign as the ledger and the sinks saw it.
type outcome struct {
	byStatus map[string]map[string]int // channel → status → messages
	final    map[string]string         // channel:address → status (for comparisons)
	received int                       // mails and SMS the sinks accepted
	unknown  int
	// unknownReceived counts the unknown messages the sinks did receive; the
	// others were claimed and never handed over.
	unknownReceived int
}

// verify checks the settled campaign against what the sinks received:
// every message ends in one of allowed; nobody received a message twice;
// every message recorded as sent or delivered was received exactly once; an
// unknown one at most once; a failed one carries its reason. It logs the
// counts and returns them.
func (r *rig) verify(allowed ...string) outcome {
	r.t.Helper()
	msgs, st := r.ledger(), r.stats()
	received := map[string]map[string]int{"email": st.EmailsTo, "sms": st.SMSTo}
	ok := map[string]bool{}
	for _, s := range allowed {
		ok[s] = true
	}
	undelivered := demoData.Scenario.UndeliveredNumbers
	res := outcome{byStatus: map[string]map[string]int{}, final: map[string]string{}}
	var problems []string
	problem := func(m message, format string, args ...any) {
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf("message %d (%s, %s, attempts %d): ",
				m.ID, m.Channel, m.Status, m.Attempts)+fmt.Sprintf(format, args...))
		}
	}
	for _, m := range msgs {
		if res.byStatus[m.Channel] == nil {
			res.byStatus[m.Channel] = map[string]int{}
		}
		res.byStatus[m.Channel][m.Status]++
		if m.Status == "skipped" || m.Status == "cancelled" {
			continue
		}
		res.final[m.Channel+":"+m.Address] = m.Status
		got := received[m.Channel][strings.ToLower(m.Address)]
		if !ok[m.Status] {
			problem(m, "ended %s, not one of %v", m.Status, allowed)
		}
		if got > 1 {
			problem(m, "received %d times", got)
		}
		switch m.Status {
		case "sent", "delivered":
			if got != 1 {
				problem(m, "recorded %s but received %d times", m.Status, got)
			}
		case "unknown":
			res.unknown++
			res.unknownReceived += got
		case "bounced", "failed":
			if m.ErrorCode == "" && m.ErrorDetail == "" {
				problem(m, "%s without a reason", m.Status)
			}
			_, isUndelivered := undelivered[m.Address]
			if got == 1 && (m.Channel != "sms" || !isUndelivered) {
				problem(m, "%s but received", m.Status)
			}
		}
	}
	for channel, byAddress := range received {
		for address, n := range byAddress {
			res.received += n
			if _, planned := res.final[channel+":"+address]; !planned {
				problems = append(problems, fmt.Sprintf("the %s sink received a message "+
					"that matches no sendable ledger row", channel))
			}
		}
	}
	r.t.Logf("ledger: email %s; sms %s", counts(res.byStatus["email"]), counts(res.byStatus["sms"]))
	r.t.Logf("unknown: %d, of which the sinks received %d (once each) and %d never arrived",
		res.unknown, res.unknownReceived, res.unknown-res.unknownReceived)
	r.t.Logf("sinks: %d e-mails, %d SMS received (%d SMS delivered, %d undelivered); "+
		"faults injected %+v", len(st.EmailsTo), len(st.SMSTo), st.SMSStatus["delivered"],
		st.SMSStatus["undelivered"], st.Faults)
	require.Empty(r.t, problems, "the ledger and the sinks disagree")
	return res
}

// counts prints a status → count map in a stable order.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	total := 0
	for k, n := range m {
		keys = append(keys, k)
		total += n
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, ", "))
}

// throughput is the rate at which the campaign's messages were handed to
// the providers, from the first hand-over to the last.
func (r *rig) throughput() (n int, rate float64) {
	r.t.Helper()
	var span float64
	err := r.db.QueryRow(r.ctx, `
		SELECT count(*), COALESCE(extract(epoch FROM max(m.sent_at) - min(m.sent_at)), 0)
		FROM messages m JOIN campaigns k ON k.id = m.campaign_id
		WHERE k.slug = $1 AND m.sent_at IS NOT NULL`, slug).Scan(&n, &span)
	require.NoError(r.t, err)
	if span > 0 {
		rate = float64(n) / span
	}
	return n, rate
}
