package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// chromiumPath finds Debian's chromium; the browser tests fail without it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CRIER_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser tests need Chromium: install it with `apt-get install -y chromium` " +
		"(Debian's package, /usr/bin/chromium), or set CRIER_CHROMIUM to its path")
	return ""
}

// browser starts a headless Chromium with a fresh profile and a phone-sized
// window, and returns a context to run actions in.
func browser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(412, 915),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(bctx), "start Chromium")
	return bctx
}

// webDemo is the demo's database served by the web app with stand-ins and
// a worker in-process.
type webDemo struct {
	st   *store.Store
	base string
}

func startWebDemo(t *testing.T, ctx context.Context) webDemo {
	t.Helper()
	cfg, dbName, prefix := demoConfig(t, "crier_test_web_")
	res, err := app.RunDemo(ctx, cfg, app.DemoOptions{Seed: 3, Contacts: 150,
		Database: dbName, Dir: t.TempDir(), QueuePrefix: prefix})
	require.NoError(t, err)

	st, err := store.Open(ctx, res.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	_, err = app.DemoUsers(ctx, st, bcrypt.MinCost)
	require.NoError(t, err)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.DatabaseURL, cfg.QueuePrefix = res.DatabaseURL, prefix
	cfg.RelayInterval = 100 * time.Millisecond
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- app.ServeDemo(serveCtx, cfg, st, crier.Campaigns, ln, logger) }()
	t.Cleanup(func() {
		stop()
		require.NoError(t, <-done)
	})
	return webDemo{st: st, base: "http://" + ln.Addr().String()}
}

// shot saves a screenshot when CRIER_SCREENSHOTS names a directory.
func shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		dir := os.Getenv("CRIER_SCREENSHOTS")
		if dir == "" {
			return nil
		}
		png, err := chromedp.FullScreenshot(100)(ctx, t) // 100: PNG
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

type css = chromedp.CSS

func signIn(base, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`#login`)),
		chromedp.SendKeys(css(`input[name="email"]`), email),
		chromedp.SendKeys(css(`input[name="password"]`), app.DemoPassword),
		chromedp.Click(css(`#login`)),
		chromedp.WaitVisible(css(`form[action="/logout"]`)),
	)
}

func signOut() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(css(`form[action="/logout"] button`)),
		chromedp.WaitVisible(css(`#login`)),
	)
}

// text returns the text of the first element sel matches.
func text(t *testing.T, bctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
	require.NoError(t, err, "text of %s", sel)
	return strings.TrimSpace(s)
}

// waitFor evaluates expr until it is true, across page loads (a poll inside
// the page ends when the page navigates).
func waitFor(t *testing.T, bctx context.Context, expr string, timeout time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s (last error: %v)", what, timeout, lastErr)
}

// TestBrowserManagerSupervisorMarketing drives the web app in a real
// headless Chromium: a manager fixes a bounced contact with a quick pick and
// sees the counter move, the supervisor sees that manager's score change
// (and it equals the report's), and marketing launches a campaign and
// watches both progress bars reach 100%.
func TestBrowserManagerSupervisorMarketing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bctx := browser(t, ctx)
	d := startWebDemo(t, ctx)

	// A manager with a bounced e-mail on their list.
	var flagID, ownerID int64
	var email string
	err := d.st.Pool().QueryRow(ctx, `SELECT f.id, u.id, u.email FROM contact_flags f
		JOIN contacts c ON c.id = f.contact_id JOIN users u ON u.id = c.owner_id
		WHERE f.kind = 'email_bounced' AND f.resolved_at IS NULL AND c.email_status = 'bounced'
		ORDER BY f.id LIMIT 1`).Scan(&flagID, &ownerID, &email)
	require.NoError(t, err, "the demo should bounce some e-mails")
	scoreCell := fmt.Sprintf(`tr[data-owner="%d"] td.score`, ownerID)

	require.NoError(t, chromedp.Do(bctx, signIn(d.base, "supervisor@demo.crier.example"),
		chromedp.WaitVisible(css(`#score-chart`)), shot("supervisor-before")))
	scoreBefore := text(t, bctx, scoreCell)
	require.NoError(t, chromedp.Do(bctx, signOut()))

	pick := fmt.Sprintf(`#flag-%d button.pick-not_a_bounce`, flagID)
	require.NoError(t, chromedp.Do(bctx, signIn(d.base, email),
		chromedp.WaitVisible(css(`#counters`)), shot("manager-before")))
	fixedBefore := text(t, bctx, `#count-fixed`)
	// As-you-type: the page asks the server what it would store.
	input := fmt.Sprintf(`#flag-%d input[name="value"]`, flagID)
	require.NoError(t, chromedp.Do(bctx, chromedp.ScrollIntoView(css(input)),
		chromedp.SendKeys(css(input), "musteri@gmial.com")))
	waitFor(t, bctx, fmt.Sprintf(`document.querySelector('#flag-%d output').textContent
		.includes("did you mean musteri@gmail.com")`, flagID), 10*time.Second,
		"the typo is pointed out as it is typed")
	require.NoError(t, chromedp.Do(bctx,
		chromedp.ScrollIntoView(css(pick)),
		chromedp.Click(css(pick)),
		chromedp.WaitVisible(css(`p.notice`)),
		shot("manager-after"),
	))
	require.Contains(t, text(t, bctx, `p.notice`), "works again")
	before, err := strconv.Atoi(fixedBefore)
	require.NoError(t, err)
	fixedAfter := text(t, bctx, `#count-fixed`)
	require.Equal(t, strconv.Itoa(before+1), fixedAfter, "the fixed counter moves by one")
	fixedOf := text(t, bctx, `#fixed-of`)
	require.True(t, strings.HasPrefix(fixedOf, fixedAfter+" of "), fixedOf)
	require.NoError(t, chromedp.Do(bctx, signOut()))

	require.NoError(t, chromedp.Do(bctx, signIn(d.base, "supervisor@demo.crier.example"),
		chromedp.WaitVisible(css(`#score-chart`)), shot("supervisor-after")))
	scoreAfter := text(t, bctx, scoreCell)
	require.NoError(t, chromedp.Do(bctx, signOut()))
	require.NotEqual(t, scoreBefore, scoreAfter, "the manager's score changes after the fix")
	rep, err := app.ManagersReport(ctx, d.st, "")
	require.NoError(t, err)
	found := false
	for _, line := range rep.Lines {
		if line.OwnerID == ownerID {
			found = true
			require.Equal(t, fmt.Sprintf("%.1f", report.Score(line)), scoreAfter,
				"the page shows the report's score")
		}
	}
	require.True(t, found)

	require.NoError(t, chromedp.Do(bctx,
		signIn(d.base, "marketing@demo.crier.example"),
		chromedp.Navigate(d.base+"/campaigns/weekend-flash"),
		chromedp.WaitVisible(css(`#audience`)),
		shot("campaign-preview"),
		chromedp.Click(css(`#launch`)),
		chromedp.WaitVisible(css(`#progress`)),
	))
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`["email", "sms"].every(ch =>
		document.querySelector('[data-channel="' + ch + '"] .pct').textContent === "100%")`,
		chromedp.WithPollingTimeout(90*time.Second)))
	require.NoError(t, err, "both progress bars reach 100%")
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](
		`document.getElementById("status").textContent === "finished"`,
		chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "the campaign finishes")
	// The page then reloads itself to show the final results, without the
	// pause and cancel buttons.
	waitFor(t, bctx, `document.readyState === "complete" &&
		!document.querySelector('button[formaction$="/pause"]')`, 20*time.Second,
		"the finished campaign's page shows no pause button")
	require.Equal(t, "finished", text(t, bctx, `#status`))
	require.Equal(t, "100%", text(t, bctx, `[data-channel="email"] .pct`))
	require.NoError(t, chromedp.Do(bctx, shot("campaign-done")))
}
