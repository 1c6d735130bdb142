package bench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/wneessen/go-mail/smtp"
)

// ceilingSMTP sends n copies of raw, each to its own recipient, over conns
// reused connections to addr: no queue, no database, no rendering. Each mail
// is MAIL, RCPT, DATA and the dot, the fewest round trips SMTP allows without
// pipelining. It returns messages per second.
func ceilingSMTP(ctx context.Context, addr, from string, raw []byte, n, conns int) (float64, error) {
	var next atomic.Int64
	errs := make(chan error, conns)
	began := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			errs <- smtpLane(ctx, addr, from, raw, int64(n), &next)
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return float64(n) / elapsed.Seconds(), nil
}

// smtpLane is one connection of ceilingSMTP, taking message numbers from next.
func smtpLane(ctx context.Context, addr, from string, raw []byte, n int64, next *atomic.Int64) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("ceiling: dial %s: %w", addr, err)
	}
	host, _, _ := net.SplitHostPort(addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("ceiling: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("bench.localhost"); err != nil {
		return fmt.Errorf("ceiling: EHLO: %w", err)
	}
	for i := next.Add(1); i <= n; i = next.Add(1) {
		if err := c.Mail(from); err != nil {
			return fmt.Errorf("ceiling: MAIL: %w", err)
		}
		if err := c.Rcpt("ceiling" + strconv.FormatInt(i, 10) + "@example.com"); err != nil {
			return fmt.Errorf("ceiling: RCPT: %w", err)
		}
		w, err := c.Data()
		if err != nil {
			return fmt.Errorf("ceiling: DATA: %w", err)
		}
		if _, err := w.Write(raw); err != nil {
			return fmt.Errorf("ceiling: write: %w", err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("ceiling: end of data: %w", err)
		}
	}
	return c.Quit()
}

// ceilingTwilio creates n messages with a bare twilio-go client against the
// API at apiURL, lanes at a time, without status callbacks. It returns
// messages per second.
func ceilingTwilio(ctx context.Context, apiURL, sid, token, body string, n, lanes int) (float64, error) {
	api, err := url.Parse(apiURL)
	if err != nil {
		return 0, fmt.Errorf("ceiling: Twilio URL: %w", err)
	}
	transport := &http.Transport{MaxIdleConns: lanes, MaxIdleConnsPerHost: lanes}
	rest := twilio.NewRestClientWithParams(twilio.ClientParams{
		Username: sid, Password: token, AccountSid: sid,
		Client: &client.Client{
			Credentials: client.NewCredentials(sid, token),
			HTTPClient: &http.Client{Timeout: 15 * time.Second,
				Transport: redirectHost{api: api, base: transport}},
		},
	})
	var next atomic.Int64
	var failed atomic.Value
	began := time.Now()
	var wg sync.WaitGroup
	for range lanes {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n) && ctx.Err() == nil; i = next.Add(1) {
				p := &openapi.CreateMessageParams{}
				p.SetPathAccountSid(sid).SetTo(fmt.Sprintf("+90533%07d", i)).SetFrom("CRIER").SetBody(body)
				if _, err := rest.Api.CreateMessage(p); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	if err, ok := failed.Load().(error); ok {
		return 0, fmt.Errorf("ceiling: create message: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return float64(n) / elapsed.Seconds(), nil
}

// redirectHost sends twilio-go's requests for api.twilio.com to the stand-in.
type redirectHost struct {
	api  *url.URL
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (r redirectHost) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.api.Scheme, r.api.Host, ""
	return r.base.RoundTrip(out)
}

// dotted returns raw with CRLF line ends, as DATA wants it (the writer of
// the smtp package does the dot-stuffing).
func dotted(raw []byte) []byte {
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
}
