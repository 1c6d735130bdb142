package delivery_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/delivery"
)

// fakeScript tells fakeSMTP how to misbehave.
type fakeScript struct {
	mail, rcpt string // replies to MAIL and RCPT; "" means 250
	// onData: "" accepts the message; "drop" closes the connection after the
	// first line of content; "hang" reads the whole message and never replies.
	onData string
	// closeAfterDelivery closes the connection right after accepting a
	// message, leaving a dead connection in the sender's pool.
	closeAfterDelivery bool
}

// fakeSMTP is a tiny raw-TCP SMTP server for failures the devsink cannot
// produce. It returns its URL and a counter of accepted connections.
func fakeSMTP(t *testing.T, sc fakeScript) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var accepted atomic.Int32
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			wg.Go(func() { serveFake(c, sc, done) })
		}
	})
	t.Cleanup(func() {
		close(done)
		_ = ln.Close()
		wg.Wait()
	})
	return "smtp://" + ln.Addr().String() + "?tls=none", &accepted
}

// serveFake runs one scripted SMTP conversation on c.
func serveFake(c net.Conn, sc fakeScript, done <-chan struct{}) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-done:
		case <-stop:
		}
		_ = c.Close()
	}()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(s string) { _, _ = w.WriteString(s + "\r\n"); _ = w.Flush() }
	reply("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		if !fakeCommand(verb, sc, r, reply, done) {
			return
		}
	}
}

// fakeCommand answers one command; false means the conversation ends.
func fakeCommand(verb string, sc fakeScript, r *bufio.Reader, reply func(string), done <-chan struct{}) bool {
	switch verb {
	case "EHLO":
		reply("250-fake\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME")
	case "MAIL":
		reply(or(sc.mail, "250 2.1.0 OK"))
	case "RCPT":
		reply(or(sc.rcpt, "250 2.1.5 OK"))
	case "DATA":
		reply("354 go ahead")
		if !fakeData(r, sc.onData, done, reply) {
			return false
		}
		return !sc.closeAfterDelivery
	case "RSET":
		reply("250 2.0.0 OK")
	case "QUIT":
		reply("221 2.0.0 bye")
		return false
	default:
		reply("250 2.0.0 OK")
	}
	return true
}

// fakeData consumes the message content; false means the conversation ends.
func fakeData(r *bufio.Reader, mode string, done <-chan struct{}, reply func(string)) bool {
	if mode == "drop" {
		_, _ = r.ReadString('\n')
		return false
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		if line == ".\r\n" {
			break
		}
	}
	if mode == "hang" {
		<-done
		return false
	}
	reply("250 2.0.0 queued")
	return true
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestSendEmailDropMidDataIsAmbiguous(t *testing.T) {
	t.Parallel()
	u, _ := fakeSMTP(t, fakeScript{onData: "drop"})
	m := sampleEmail("ayse@customer.example")
	m.HTML = strings.Repeat("<p>a long sale announcement</p>\n", 20000) // spans many writes
	_, err := smtpSender(t, u).SendEmail(t.Context(), m)
	de := asDeliveryError(t, err)
	require.Equal(t, delivery.Ambiguous, de.Kind, "%v", err)
	require.Empty(t, de.Code)
}

func TestSendEmailNoReplyToFinalDotIsAmbiguous(t *testing.T) {
	t.Parallel()
	u, _ := fakeSMTP(t, fakeScript{onData: "hang"})
	sender, err := delivery.NewSMTPSender(delivery.SMTPConfig{URL: u, Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sender.Close() })
	_, err = sender.SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
	require.Equal(t, delivery.Ambiguous, asDeliveryError(t, err).Kind, "%v", err)
}

func TestSendEmailCancelledAfterDataIsAmbiguous(t *testing.T) {
	t.Parallel()
	u, _ := fakeSMTP(t, fakeScript{onData: "hang"})
	sender, err := delivery.NewSMTPSender(delivery.SMTPConfig{URL: u, Timeout: time.Minute})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sender.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err = sender.SendEmail(ctx, sampleEmail("ayse@customer.example"))
	require.Equal(t, delivery.Ambiguous, asDeliveryError(t, err).Kind, "%v", err)
	require.Less(t, time.Since(began), 10*time.Second, "the context, not the 1m timeout, must end the wait")
}

func TestSendEmailTemporaryRecipientFailure(t *testing.T) {
	t.Parallel()
	u, _ := fakeSMTP(t, fakeScript{rcpt: "450 4.2.1 Mailbox busy, try later"})
	_, err := smtpSender(t, u).SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
	de := asDeliveryError(t, err)
	require.Equal(t, delivery.Temporary, de.Kind)
	require.Equal(t, "450", de.Code)
	require.Equal(t, "4.2.1", de.Enhanced)
	require.Equal(t, "450 4.2.1 Mailbox busy, try later", de.Detail)
}

func TestSendEmailSenderRejectedIsConfig(t *testing.T) {
	t.Parallel()
	u, _ := fakeSMTP(t, fakeScript{mail: "553 5.7.1 Sender address rejected: not owned by user"})
	_, err := smtpSender(t, u).SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
	de := asDeliveryError(t, err)
	require.Equal(t, delivery.Config, de.Kind)
	require.Equal(t, "553", de.Code)
	require.Equal(t, "5.7.1", de.Enhanced)
}

func TestSendEmailRedialsAfterStalePooledConnection(t *testing.T) {
	t.Parallel()
	u, accepted := fakeSMTP(t, fakeScript{closeAfterDelivery: true})
	sender := smtpSender(t, u)
	for range 3 {
		_, err := sender.SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
		require.NoError(t, err)
	}
	require.Equal(t, int32(3), accepted.Load(), "each dead pooled connection is replaced")
}

func TestSendEmailReusesPooledConnection(t *testing.T) {
	t.Parallel()
	u, accepted := fakeSMTP(t, fakeScript{})
	sender := smtpSender(t, u)
	for range 5 {
		_, err := sender.SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
		require.NoError(t, err)
	}
	require.Equal(t, int32(1), accepted.Load())
}

func TestSendEmailCancelledContextIsTemporary(t *testing.T) {
	t.Parallel()
	u, accepted := fakeSMTP(t, fakeScript{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := smtpSender(t, u).SendEmail(ctx, sampleEmail("ayse@customer.example"))
	require.Equal(t, delivery.Temporary, asDeliveryError(t, err).Kind)
	require.Zero(t, accepted.Load())
}
