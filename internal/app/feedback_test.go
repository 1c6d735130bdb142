package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/config"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/feedback"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// TestAsyncHardBounceReachesTheOwner goes from a sent message through a DSN
// to the flag: the message is sent through the ledger to the stand-in SMTP
// server with its VERP return path, a DSN for it is mailed to crier's inbound
// receiver, and the contact ends with an open email_bounced flag on its
// owner's list, with the DSN as evidence, the reason in plain words and the
// address suppressed. Then "not a real bounce" undoes it.
func TestAsyncHardBounceReachesTheOwner(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, _ := testenv.Store(t)
	logger := slog.New(slog.DiscardHandler)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"CRIER_BOUNCE_DOMAIN": "bounce.example.com.tr",
			"CRIER_PUBLIC_URL": "https://crier.example.com.tr"}[k]
	})
	require.NoError(t, err)

	manager, contactID, messageID := plannedEmail(t, ctx, st, "kayip@musteri.example")
	sink := devsink.New(devsink.Config{SMTPAddr: "127.0.0.1:0", TwilioAddr: "127.0.0.1:0"})
	require.NoError(t, sink.Start(ctx))
	t.Cleanup(func() { sink.Close() })
	smtpSender, err := delivery.NewSMTPSender(delivery.SMTPConfig{URL: sink.SMTPURL()})
	require.NoError(t, err)
	t.Cleanup(func() { smtpSender.Close() })

	// Send through the ledger, as a worker does.
	dispatcher := campaign.NewDispatcher(st, smtpSender, nil,
		func(slug string) (*campaign.Campaign, error) { return campaign.Load(app.CampaignFS(""), slug) },
		campaign.DispatcherConfig{MailFrom: cfg.MailFrom, PublicURL: cfg.PublicURL, Links: app.Links(cfg)},
		logger)
	require.NoError(t, dispatcher.Send(ctx, messageID, false))
	emails := sink.Emails()
	require.Len(t, emails, 1)
	sent := emails[0]
	require.Equal(t, app.VERP(cfg).ReturnPath(messageID), sent.MailFrom, "the return path names the message")
	require.True(t, strings.HasPrefix(sent.MailFrom, "bounces+"), sent.MailFrom)
	require.NotEmpty(t, sent.Header.Get("List-Unsubscribe"))
	require.Equal(t, "List-Unsubscribe=One-Click", sent.Header.Get("List-Unsubscribe-Post"))

	// The recipient's server bounces it later, to the return path.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	rc := feedback.NewReceiver(app.NewFeedbackRouter(cfg, st, logger), cfg.Feedback.BounceDomain, logger)
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- rc.Serve(serveCtx, ln) }()
	t.Cleanup(func() { stop(); require.NoError(t, <-done) })

	dsn := dsnFor(sent.MailFrom, "kayip@musteri.example", sent.MessageID)
	require.NoError(t, smtp.SendMail(ln.Addr().String(), nil, "", []string{sent.MailFrom}, []byte(dsn)))
	err = smtp.SendMail(ln.Addr().String(), nil, "", []string{"someone@elsewhere.example"}, []byte(dsn))
	require.ErrorContains(t, err, "550", "the receiver is no open relay")

	// The owner sees the flag, with the evidence and the reason in words.
	bounced := store.FlagFilter{Kind: string(contact.FlagEmailBounced)}
	flags, err := st.WebFlagsOpen(ctx, store.WebScope{OwnerID: manager}, bounced)
	require.NoError(t, err)
	require.Len(t, flags, 1)
	f := flags[0]
	require.Equal(t, contactID, f.ContactID)
	require.Equal(t, string(contact.FlagEmailBounced), f.Kind)
	require.Contains(t, f.Detail, "the mailbox does not exist")
	require.Equal(t, messageID, f.MessageID)
	require.Equal(t, "bounced", f.EmailStatus)
	require.Equal(t, "dsn hard", f.EventSource)
	require.Equal(t, "5.1.1", f.EventCode)
	var raw, status string
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT e.payload->>'raw', m.status FROM events e
		JOIN messages m ON m.id = e.message_id WHERE e.message_id = $1 AND e.provider = 'dsn'`,
		messageID).Scan(&raw, &status))
	require.Contains(t, raw, "Final-Recipient: rfc822; kayip@musteri.example", "the raw DSN is kept")
	require.Equal(t, "bounced", status)
	require.True(t, suppressed(t, ctx, st, "kayip@musteri.example"))

	// The same DSN again (a retrying server) changes nothing more.
	require.NoError(t, smtp.SendMail(ln.Addr().String(), nil, "", []string{sent.MailFrom}, []byte(dsn)))
	var events int
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT count(*) FROM events WHERE message_id = $1`,
		messageID).Scan(&events))
	require.Equal(t, 1, events)

	// A person says it was no real bounce: suppression lifted, flag closed.
	require.NoError(t, st.FlagNotABounce(ctx, store.NotABounceParams{
		Scope: store.WebScope{OwnerID: manager}, FlagID: f.ID}))
	require.False(t, suppressed(t, ctx, st, "kayip@musteri.example"))
	flags, err = st.WebFlagsOpen(ctx, store.WebScope{OwnerID: manager}, bounced)
	require.NoError(t, err)
	require.Empty(t, flags)
}

// plannedEmail stores a manager, a contact with the e-mail address and a
// launched spring-sale campaign, and returns their IDs and the pending e-mail
// message's.
func plannedEmail(t *testing.T, ctx context.Context, st *store.Store, email string) (int64, int64, int64) {
	t.Helper()
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	manager, err := st.ManagerEnsure(ctx, "Zeynep Kılıç", contact.FoldTR("Zeynep Kılıç"),
		"zeynep@satis.example.com")
	require.NoError(t, err)
	c := contact.Normalize(contact.Input{FirstName: "Ayşe", LastName: "Test", Email: email,
		Owner: "Zeynep Kılıç"}, contact.Options{})
	contactID, _, err := st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
		OwnerID: manager, Contact: c})
	require.NoError(t, err)
	k, err := st.CampaignLaunch(ctx, "spring-sale", "Spring sale", map[string]string{"slug": "spring-sale"})
	require.NoError(t, err)
	_, err = st.MessagesPlan(ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	var messageID int64
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT id FROM messages WHERE campaign_id = $1
		AND contact_id = $2 AND channel = 'email' AND status = 'pending'`, k.ID, contactID).Scan(&messageID))
	return manager, contactID, messageID
}

func suppressed(t *testing.T, ctx context.Context, st *store.Store, address string) bool {
	t.Helper()
	var n int
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT count(*) FROM suppressions
		WHERE channel = 'email' AND address = $1`, address).Scan(&n))
	return n > 0
}

// dsnFor is the RFC 3464 report a Postfix server sends for a mailbox that
// does not exist.
func dsnFor(returnPath, recipient, messageID string) string {
	return strings.ReplaceAll(fmt.Sprintf(`From: MAILER-DAEMON@mx.musteri.example (Mail Delivery System)
To: %[1]s
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<%[2]s>: host mx.musteri.example[192.0.2.1] said: 550 5.1.1
    <%[2]s>: Recipient address rejected: User unknown in virtual mailbox table

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.musteri.example

Final-Recipient: rfc822; %[2]s
Original-Recipient: rfc822;%[2]s
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <%[2]s>: Recipient address rejected: User unknown

--B0UND
Content-Type: text/rfc822-headers

From: Zeynep Kilic <kampanya@example.com.tr>
To: %[2]s
Message-ID: %[3]s
Subject: Bahar indirimi

--B0UND--
`, returnPath, recipient, messageID), "\n", "\r\n")
}
