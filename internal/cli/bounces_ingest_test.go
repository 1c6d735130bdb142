package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/cli"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

type ingestLine struct {
	File      string `json:"file"`
	Class     string `json:"class"`
	Reason    string `json:"reason"`
	MessageID int64  `json:"message_id"`
	MatchedBy string `json:"matched_by"`
	Ignored   string `json:"ignored"`
	Duplicate bool   `json:"duplicate"`
	Flag      string `json:"flag"`
	FlagID    int64  `json:"flag_id"`
}

// sentEmails stores a contact per address and an e-mail sent to each, with
// the Message-ID the SMTP sender recorded; it returns the message IDs.
func sentEmails(t *testing.T, url string, addresses ...string) []int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	require.NoError(t, err)
	defer st.Close()
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	owner, err := st.ManagerEnsure(ctx, "Emre Çetin", contact.FoldTR("Emre Çetin"), "")
	require.NoError(t, err)
	for _, a := range addresses {
		c := contact.Normalize(contact.Input{FirstName: "Ayşe", LastName: "Yılmaz", Email: a,
			Owner: "Emre Çetin"}, contact.Options{})
		_, _, err := st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
			OwnerID: owner, Contact: c})
		require.NoError(t, err)
	}
	k, err := st.CampaignLaunch(ctx, "ingest", "Ingest", map[string]string{})
	require.NoError(t, err)
	_, err = st.MessagesPlan(ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	var ids []int64
	for _, a := range addresses {
		var id int64
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT id FROM messages WHERE address = $1`,
			a).Scan(&id))
		_, err = st.MessageClaim(ctx, id)
		require.NoError(t, err)
		require.NoError(t, st.MessageSent(ctx, id, "<crier."+itoa(id)+".abc@example.com.tr>"))
		ids = append(ids, id)
	}
	return ids
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBouncesIngest(t *testing.T) {
	t.Parallel()
	url := testenv.Database(t)
	ids := sentEmails(t, url, "yok@musteri.example", "dolu@musteri.example")
	dir := t.TempDir()
	// A DSN naming the message by its Message-ID, a free-text bounce naming
	// only the recipient, and an out-of-office reply.
	write(t, dir, "a.eml", dsn("yok@musteri.example", "<crier."+itoa(ids[0])+".abc@example.com.tr>",
		"5.1.1", "550 5.1.1 User unknown"))
	write(t, dir, "b.eml", dsn("dolu@musteri.example", "", "5.2.2", "552 5.2.2 Mailbox full"))
	ooo, err := os.ReadFile(filepath.Join(bounceData, "out_of_office.eml"))
	require.NoError(t, err)
	write(t, dir, "c.eml", string(ooo))

	run := func() ([]ingestLine, string) {
		var out, errOut bytes.Buffer
		code := cli.Run(t.Context(), []string{"bounces", "ingest", dir}, cli.Env{Stdout: &out,
			Stderr: &errOut, Getenv: func(k string) string {
				return map[string]string{"CRIER_DATABASE_URL": url}[k]
			}})
		require.Zero(t, code, errOut.String())
		var lines []ingestLine
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var line ingestLine
			require.NoError(t, json.Unmarshal([]byte(l), &line), l)
			lines = append(lines, line)
		}
		require.NotContains(t, out.String()+errOut.String(), "@musteri.example", "no addresses printed")
		return lines, errOut.String()
	}
	lines, summary := run()
	require.Positive(t, lines[0].FlagID)
	flagID := lines[0].FlagID
	lines[0].FlagID = 0
	require.Equal(t, []ingestLine{
		{File: "a.eml", Class: "hard", Reason: "user_unknown", MessageID: ids[0],
			MatchedBy: "message_id", Flag: "email_bounced"},
		{File: "b.eml", Class: "soft", Reason: "mailbox_full", MessageID: ids[1], MatchedBy: "recipient"},
		{File: "c.eml", Class: "not_a_bounce", Reason: "auto_reply", Ignored: "auto_reply"},
	}, lines)
	require.Contains(t, summary, "3 mails: 2 reports applied, 0 seen before, 1 not bounces")

	lines, summary = run()
	require.True(t, lines[0].Duplicate && lines[1].Duplicate, "a second ingest applies nothing")
	require.Contains(t, summary, "0 reports applied, 2 seen before")

	// The flag ID it printed undoes the bounce.
	var out, errOut bytes.Buffer
	code := cli.Run(t.Context(), []string{"bounces", "undo", strconv.FormatInt(flagID, 10)},
		cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			return map[string]string{"CRIER_DATABASE_URL": url}[k]
		}})
	require.Zero(t, code, errOut.String())
	require.Contains(t, out.String(), "not a real bounce")
	code = cli.Run(t.Context(), []string{"bounces", "undo", strconv.FormatInt(flagID, 10)},
		cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			return map[string]string{"CRIER_DATABASE_URL": url}[k]
		}})
	require.Equal(t, 1, code, "a closed flag cannot be undone again")
	require.Contains(t, errOut.String(), fmt.Sprintf("flag %d is already closed", flagID))

	errOut.Reset()
	code = cli.Run(t.Context(), []string{"bounces", "undo", "999999"},
		cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			return map[string]string{"CRIER_DATABASE_URL": url}[k]
		}})
	require.Equal(t, 1, code)
	require.Contains(t, errOut.String(), "no open flag 999999")
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
}

// dsn is a minimal RFC 3464 report; messageID "" leaves the original headers
// out, as some servers do.
func dsn(recipient, messageID, status, diagnostic string) string {
	original := ""
	if messageID != "" {
		original = "--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: " + messageID + "\n\n"
	}
	return "From: MAILER-DAEMON@mx.musteri.example\nTo: kampanya@example.com.tr\n" +
		"Subject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" +
		"--B\nContent-Type: text/plain\n\nDelivery failed.\n\n" +
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.musteri.example\n\n" +
		"Final-Recipient: rfc822; " + recipient + "\nAction: failed\nStatus: " + status +
		"\nDiagnostic-Code: smtp; " + diagnostic + "\n\n" + original + "--B--\n"
}
