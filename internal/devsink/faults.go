package devsink

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Faults make the stand-ins misbehave on purpose, so that tests can prove a
// flaky relay or API neither loses a message nor delivers it twice. Each
// fraction is between 0 and 1 and is drawn independently per command or
// request; the zero value injects nothing.
type Faults struct {
	// Seed seeds the random choices, so that a failing run can be repeated;
	// 0 picks a seed from the clock (see Sink.FaultSeed).
	Seed uint64
	// SMTPTempFail is the fraction of MAIL, RCPT and end-of-DATA replies
	// that are temporary errors: half "421 4.3.2" with the connection closed
	// after the reply, half "451 4.3.0".
	SMTPTempFail float64
	// SMTPDrop is the fraction of MAIL, RCPT and DATA commands at which the
	// connection is dropped without a reply. At DATA the drop comes mid-
	// message, after part of the content was read: the mail is not kept.
	SMTPDrop float64
	// SMTPLostReply is the fraction of complete messages that are kept and
	// then answered by a dropped connection instead of "250": the mail
	// arrived, but the sender cannot know it.
	SMTPLostReply float64
	// TwilioTooMany is the fraction of message creations answered "429 Too
	// Many Requests" (code 20429) with a Retry-After header.
	TwilioTooMany float64
	// RetryAfter is the Retry-After sent with a 429, rounded up to whole
	// seconds; 0 means 1s.
	RetryAfter time.Duration
	// TwilioServerError is the fraction of message creations answered "500
	// Internal Server Error" (code 20500).
	TwilioServerError float64
}

// FaultCounts counts the faults a sink injected.
type FaultCounts struct {
	SMTPTempFail  int64 `json:"smtp_temp_fail"`
	SMTPDrop      int64 `json:"smtp_drop"`
	SMTPDropData  int64 `json:"smtp_drop_mid_data"` // drops during DATA (also in SMTPDrop)
	SMTPLostReply int64 `json:"smtp_lost_reply"`
	TwilioTooMany int64 `json:"twilio_429"`
	TwilioServer  int64 `json:"twilio_500"`
}

// faultNames maps the keys of ParseFaults to their fraction fields.
var faultNames = map[string]func(*Faults) *float64{
	"smtp-temp-fail":  func(f *Faults) *float64 { return &f.SMTPTempFail },
	"smtp-drop":       func(f *Faults) *float64 { return &f.SMTPDrop },
	"smtp-lost-reply": func(f *Faults) *float64 { return &f.SMTPLostReply },
	"twilio-429":      func(f *Faults) *float64 { return &f.TwilioTooMany },
	"twilio-500":      func(f *Faults) *float64 { return &f.TwilioServerError },
}

// ParseFaults reads a fault spec such as
//
//	smtp-temp-fail=0.2,smtp-drop=0.05,twilio-429=0.1,retry-after=1s,seed=7
//
// Keys: smtp-temp-fail, smtp-drop, smtp-lost-reply, twilio-429, twilio-500
// (fractions from 0 to 1), retry-after (a duration) and seed (a positive
// integer). An empty spec injects nothing. Errors name the offending key.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, value, ok := strings.Cut(item, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || value == "" {
			return Faults{}, fmt.Errorf("devsink faults: %q: want key=value", item)
		}
		if err := f.set(key, value); err != nil {
			return Faults{}, fmt.Errorf("devsink faults: %s: %w", key, err)
		}
	}
	return f, nil
}

// set assigns one key of a fault spec.
func (f *Faults) set(key, value string) error {
	switch key {
	case "seed":
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil || n == 0 {
			return errors.New("want a positive integer")
		}
		f.Seed = n
		return nil
	case "retry-after":
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return errors.New("want a duration such as 2s")
		}
		f.RetryAfter = d
		return nil
	}
	field, ok := faultNames[key]
	if !ok {
		return errors.New("unknown key (want smtp-temp-fail, smtp-drop, smtp-lost-reply, " +
			"twilio-429, twilio-500, retry-after or seed)")
	}
	x, err := strconv.ParseFloat(value, 64)
	if err != nil || x < 0 || x > 1 {
		return errors.New("want a fraction from 0 to 1")
	}
	*field(f) = x
	return nil
}

// faultInjector draws the sink's faults and counts them.
type faultInjector struct {
	cfg  Faults
	seed uint64

	mu  sync.Mutex // guards rnd
	rnd *rand.Rand

	tempFail, drop, dropData, lostReplies, tooMany, serverError atomic.Int64
}

func newFaultInjector(cfg Faults) *faultInjector {
	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return &faultInjector{cfg: cfg, seed: seed, rnd: rand.New(rand.NewPCG(seed, seed>>1|1))}
}

// draw reports whether an event of probability p happens.
func (fi *faultInjector) draw(p float64) bool {
	if p <= 0 {
		return false
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.rnd.Float64() < p
}

// smtpFault is what the SMTP server does to one command.
type smtpFault int

const (
	faultNone smtpFault = iota
	faultTemp421
	faultTemp451
	faultDrop
)

// smtpCommand decides the fault for one MAIL, RCPT or DATA command.
func (fi *faultInjector) smtpCommand(dataStage bool) smtpFault {
	switch {
	case fi.draw(fi.cfg.SMTPDrop):
		fi.drop.Add(1)
		if dataStage {
			fi.dropData.Add(1)
		}
		return faultDrop
	case fi.draw(fi.cfg.SMTPTempFail):
		fi.tempFail.Add(1)
		if fi.draw(0.5) {
			return faultTemp421
		}
		return faultTemp451
	}
	return faultNone
}

// lostReply decides whether an accepted mail's "250" is lost.
func (fi *faultInjector) lostReply() bool {
	if fi.draw(fi.cfg.SMTPLostReply) {
		fi.lostReplies.Add(1)
		return true
	}
	return false
}

// twilioFault returns the HTTP status a message creation is answered with
// instead of being accepted, or 0.
func (fi *faultInjector) twilioFault() int {
	switch {
	case fi.draw(fi.cfg.TwilioTooMany):
		fi.tooMany.Add(1)
		return 429
	case fi.draw(fi.cfg.TwilioServerError):
		fi.serverError.Add(1)
		return 500
	}
	return 0
}

// retryAfterSeconds is the Retry-After header value of a 429.
func (fi *faultInjector) retryAfterSeconds() string {
	d := fi.cfg.RetryAfter
	if d <= 0 {
		d = time.Second
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

func (fi *faultInjector) counts() FaultCounts {
	return FaultCounts{
		SMTPTempFail: fi.tempFail.Load(), SMTPDrop: fi.drop.Load(),
		SMTPDropData: fi.dropData.Load(), SMTPLostReply: fi.lostReplies.Load(), TwilioTooMany: fi.tooMany.Load(),
		TwilioServer: fi.serverError.Load(),
	}
}

// FaultSeed returns the seed the sink's faults are drawn with, to be logged
// so that a failing run can be repeated.
func (s *Sink) FaultSeed() uint64 { return s.faults.seed }

// FaultCounts returns how many faults the sink injected so far.
func (s *Sink) FaultCounts() FaultCounts { return s.faults.counts() }

// faultListener hands out connections that can be closed right after the
// reply being written, as a server does after "421 closing channel".
type faultListener struct{ net.Listener }

func (l faultListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &faultConn{Conn: c}, nil
}

// faultConn is one SMTP connection of the sink.
type faultConn struct {
	net.Conn
	closeAfterWrite atomic.Bool
}

// Write writes p and closes the connection when a 421 asked for it. go-smtp
// writes each reply in one flush, so the reply reaches the client whole.
func (c *faultConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.closeAfterWrite.Load() {
		_ = c.Close()
	}
	return n, err
}
