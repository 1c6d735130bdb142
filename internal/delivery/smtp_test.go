package delivery_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/devsink"
)

// sampleEmail is a complete sale announcement.
func sampleEmail(to string) delivery.Email {
	return delivery.Email{
		MessageID: 42, FromName: "Zeynep Kılıç", FromAddress: "sales@crier.example",
		ReplyToName: "Zeynep Kılıç", ReplyTo: "zeynep@crier.example", To: to,
		Subject: "Büyük indirim: 30% off this week",
		Text:    "Merhaba Ayşe,\nthe sale starts Monday.\n",
		HTML:    "<p>Merhaba Ayşe,</p><p>the sale starts <b>Monday</b>.</p>",
		Headers: map[string]string{"List-Unsubscribe": "<https://crier.example/u/abc>"},
	}
}

func TestSendEmailDelivered(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	rcpt, err := smtpSender(t, sink.SMTPURL()).SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^<crier\.42\.[0-9a-f]{16}@crier\.example>$`), rcpt.ProviderID)

	mails := sink.Emails()
	require.Len(t, mails, 1)
	got := mails[0]
	require.Equal(t, "ayse@customer.example", got.To)
	require.Equal(t, "sales@crier.example", got.MailFrom)
	require.Equal(t, rcpt.ProviderID, got.MessageID)
	require.Equal(t, "42", got.Header.Get("X-Crier-Message"))
	require.Equal(t, "<https://crier.example/u/abc>", got.Header.Get("List-Unsubscribe"))
	require.NotEmpty(t, got.Header.Get("Date"))

	from, err := got.Header.AddressList("From")
	require.NoError(t, err)
	require.Len(t, from, 1)
	require.Equal(t, "Zeynep Kılıç", from[0].Name)
	require.Equal(t, "sales@crier.example", from[0].Address)
	replyTo, err := got.Header.AddressList("Reply-To")
	require.NoError(t, err)
	require.Equal(t, "zeynep@crier.example", replyTo[0].Address)
	require.Equal(t, "Zeynep Kılıç", replyTo[0].Name)

	require.Contains(t, got.Header.Get("Content-Type"), "multipart/alternative")
	text, html, err := got.TextAndHTML()
	require.NoError(t, err)
	require.Equal(t, "Merhaba Ayşe,\nthe sale starts Monday.\n", strings.ReplaceAll(text, "\r\n", "\n"))
	require.Contains(t, html, "<b>Monday</b>")
}

func TestSendEmailReturnPathAndTextOnly(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	m := sampleEmail("ayse@customer.example")
	m.HTML, m.ReturnPath, m.ReplyTo = "", "bounces+42@crier.example", ""
	_, err := smtpSender(t, sink.SMTPURL()).SendEmail(t.Context(), m)
	require.NoError(t, err)
	got := sink.Emails()[0]
	require.Equal(t, "bounces+42@crier.example", got.MailFrom)
	require.Empty(t, got.Header.Get("Reply-To"))
	require.Contains(t, got.Header.Get("Content-Type"), "text/plain")
	text, html, err := got.TextAndHTML()
	require.NoError(t, err)
	require.Contains(t, text, "the sale starts Monday")
	require.Empty(t, html)
}

func TestSendEmailBounce(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{BounceEmails: map[string]bool{"Gone@Customer.example": true}})
	_, err := smtpSender(t, sink.SMTPURL()).SendEmail(t.Context(), sampleEmail("gone@customer.example"))
	de := asDeliveryError(t, err)
	require.Equal(t, delivery.Permanent, de.Kind)
	require.Equal(t, delivery.ChannelEmail, de.Channel)
	require.Equal(t, "550", de.Code)
	require.Equal(t, "5.1.1", de.Enhanced)
	require.Equal(t, "550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown", de.Detail)
	require.NotContains(t, de.Error(), "gone@", "Error() must not carry the address")
	require.Empty(t, sink.Emails())
}

func TestSendEmailRefusesHeaderInjection(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	sender := smtpSender(t, sink.SMTPURL())
	cases := map[string]struct {
		edit func(*delivery.Email)
		kind delivery.ErrorKind
	}{
		"CRLF in sender name": {func(m *delivery.Email) { m.FromName = "Zeynep\r\nBcc: victim@evil.example" }, delivery.Config},
		"LF in reply-to name": {func(m *delivery.Email) { m.ReplyToName = "Z\nX-Evil: 1" }, delivery.Config},
		"CR in subject":       {func(m *delivery.Email) { m.Subject = "Sale\rBcc: x@evil.example" }, delivery.Config},
		"CRLF in recipient":   {func(m *delivery.Email) { m.To = "a@b.example\r\nBcc: x@evil.example" }, delivery.Permanent},
		"CRLF in extra value": {func(m *delivery.Email) { m.Headers = map[string]string{"List-Id": "x\r\nBcc: y@evil.example"} }, delivery.Config},
		"bad extra name":      {func(m *delivery.Email) { m.Headers = map[string]string{"Bcc\r\nX": "1"} }, delivery.Config},
		"reserved extra name": {func(m *delivery.Email) { m.Headers = map[string]string{"bcc": "y@evil.example"} }, delivery.Config},
		"recipient with name": {func(m *delivery.Email) { m.To = "Ayşe <ayse@customer.example>" }, delivery.Permanent},
		"no sender address":   {func(m *delivery.Email) { m.FromAddress = "" }, delivery.Config},
	}
	for name, tc := range cases {
		m := sampleEmail("ayse@customer.example")
		tc.edit(&m)
		_, err := sender.SendEmail(t.Context(), m)
		de := asDeliveryError(t, err)
		require.Equalf(t, tc.kind, de.Kind, "%s: %v", name, err)
	}
	require.Empty(t, sink.Emails(), "nothing may be sent")
}

func TestSendEmailNeutralisesHostileNames(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	m := sampleEmail("ayse@customer.example")
	m.FromName = `Boss "Real" <ceo@evil.example>, other@evil.example`
	_, err := smtpSender(t, sink.SMTPURL()).SendEmail(t.Context(), m)
	require.NoError(t, err)
	got := sink.Emails()[0]
	from, err := got.Header.AddressList("From")
	require.NoError(t, err)
	require.Len(t, from, 1, "the name must not add addresses")
	require.Equal(t, m.FromName, from[0].Name)
	require.Equal(t, "sales@crier.example", from[0].Address)
	require.Empty(t, got.Header.Get("Bcc"))
}

func TestSendEmailConcurrentReusesConnections(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	sender := smtpSender(t, sink.SMTPURL())
	const n = 24
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			m := sampleEmail(fmt.Sprintf("c%d@customer.example", i))
			m.MessageID = int64(i)
			r, err := sender.SendEmail(t.Context(), m)
			ids[i] = r.ProviderID
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, sink.Emails(), n)
	seen := map[string]bool{}
	for _, id := range ids {
		require.False(t, seen[id], "duplicate Message-ID")
		seen[id] = true
	}
}

func TestSendEmailWithAuthOnLoopback(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	u := strings.Replace(sink.SMTPURL(), "smtp://", "smtp://crier:s3cr%2Ft@", 1)
	_, err := smtpSender(t, u).SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
	require.NoError(t, err)
	require.Len(t, sink.Emails(), 1)
}

func TestSendEmailConnectionRefusedIsTemporary(t *testing.T) {
	t.Parallel()
	sink := startSink(t, devsink.Rules{})
	u := sink.SMTPURL()
	require.NoError(t, sink.Close())
	_, err := smtpSender(t, u).SendEmail(t.Context(), sampleEmail("ayse@customer.example"))
	require.Equal(t, delivery.Temporary, asDeliveryError(t, err).Kind)
}
