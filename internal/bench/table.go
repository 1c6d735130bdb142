package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"
)

// sinkClient reads the devsink's counters over HTTP.
type sinkClient struct{ url string }

// sinkStats mirrors devsink.Stats.
type sinkStats struct {
	Emails           int64 `json:"emails"`
	SMS              int64 `json:"sms"`
	Callbacks        int64 `json:"callbacks"`
	CallbacksPending int   `json:"callbacks_pending"`
}

// stats returns the sink's counters; zero when they cannot be read.
func (c sinkClient) stats(ctx context.Context) sinkStats {
	var st sinkStats
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return st
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&st)
	return st
}

// WriteTable prints res as the table the README quotes.
func WriteTable(w io.Writer, res Result) error {
	fmt.Fprintf(w, "crier bench campaign: %d recipients (e-mail + SMS each), %d worker(s), "+
		"concurrency %d, %d CPUs\n\n", res.Recipients, res.Workers, res.Concurrency, CPUs())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(name, figure, note string) { fmt.Fprintf(tw, "%s\t%s\t%s\n", name, figure, note) }
	row("plan (both channels)", fmt.Sprintf("%.2f s", res.Plan.Seconds()),
		fmt.Sprintf("%d rows", 2*res.Recipients))
	row("enqueue", perSecond(res.EnqueueRate), fmt.Sprintf("%d messages", res.Enqueued))
	row("e-mail send", perSecond(res.EmailRate), fmt.Sprintf("%s of ceiling, %d sent, sink got %d",
		share(res.EmailRate, res.CeilingSMTP), res.EmailSent, res.SinkEmails))
	row("SMS send", perSecond(res.SMSRate), fmt.Sprintf("%s of ceiling, %d sent, sink got %d",
		share(res.SMSRate, res.CeilingSMS), res.SMSSent, res.SinkSMS))
	row("last callback", fmt.Sprintf("%.1f s", res.LastCallback.Seconds()),
		"after the workers started")
	row("ceiling: bare SMTP client", perSecond(res.CeilingSMTP),
		fmt.Sprintf("%d reused connections", res.CeilingConns))
	row("ceiling: bare twilio-go", perSecond(res.CeilingSMS),
		fmt.Sprintf("%d requests in flight", res.Concurrency))
	for _, p := range res.RSS {
		row("peak RSS "+p.Name, fmt.Sprintf("%d MB", p.Bytes>>20), "")
	}
	return tw.Flush()
}

func perSecond(r float64) string { return fmt.Sprintf("%.0f /s", r) }

func share(r, ceiling float64) string {
	if ceiling <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r/ceiling)
}
