package bounce

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// want is what one Report must say, in the fields `crier bounces parse` prints.
type want struct {
	recipient string
	class     ReportClass
	reason    string
	status    string
	messageID string
}

func got(reports []Report) []want {
	out := make([]want, 0, len(reports))
	for _, r := range reports {
		out = append(out, want{r.Recipient, r.Class, r.Reason, r.Status, r.MessageID})
	}
	return out
}

func parseFixture(t *testing.T, name string) []Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	reports, err := ParseBytes(data)
	require.NoError(t, err)
	return reports
}

func TestParseFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []want
	}{
		{"postfix_user_unknown.eml", []want{{"deniz.kaya@example.net", HardBounce, ReasonUserUnknown, "5.1.1",
			"<crier.1042.k3j9x2@shop.example>"}}},
		{"postfix_delayed.eml", []want{{"emre@slow.example.org", SoftBounce, ReasonExpired, "4.4.1",
			"<crier.1043.p0q7zz@shop.example>"}}},
		{"qmail_two_recipients.eml", []want{
			{"selin@example.org", HardBounce, ReasonUserUnknown, "5.1.1", "<crier.1044.aa01bb@shop.example>"},
			{"murat.oz@example.org", SoftBounce, ReasonMailboxFull, "5.2.2", "<crier.1044.aa01bb@shop.example>"},
		}},
		{"exchange_ndr.eml", []want{{"hakan@contoso.example", HardBounce, ReasonUserUnknown, "5.1.10",
			"<crier.1045.zz9y8x@shop.example>"}}},
		{"exchange2003_plain.eml", []want{{"gul.arslan@example.org", HardBounce, ReasonUserUnknown, "",
			"<crier.1046.mm4n5b@shop.example>"}}},
		{"gmail_text.eml", []want{{"tolga.unal@gmail.example", HardBounce, ReasonUserUnknown, "5.1.1",
			"<crier.1047.gg7h8j@shop.example>"}}},
		{"gmail_blocked.eml", []want{{"burcu@gmail.example", SoftBounce, ReasonSpam, "5.7.1",
			"<crier.1048.bb2c3d@shop.example>"}}},
		{"arf_complaint.eml", []want{{"cem.sahin@isp.example", Complaint, "abuse", "",
			"<crier.1049.cc5d6e@shop.example>"}}},
		{"out_of_office.eml", []want{{"elif.korkmaz@example.com", NotBounce, ReasonAutoReply, "",
			"<crier.1050.dd6e7f@shop.example>"}}},
		{"ordinary.eml", []want{{"", NotBounce, ReasonNotBounce, "", ""}}},
		{"exim_retry_timeout.eml", []want{{"pinar@old-host.example.net", SoftBounce, ReasonExpired, "",
			"<crier.1052.ff8a9b@shop.example>"}}},
		{"sendmail_sender_refused.eml", []want{{"kerem@example.com", SoftBounce, ReasonBlocked, "5.1.8",
			"<crier.1053.gg9b0c@shop.example>"}}},
		{"ses_bounce.eml", []want{{"naz@example.org", HardBounce, ReasonUserUnknown, "5.1.1",
			"<crier.1054.hh0c1d@shop.example>"}}},
		// Our own samples in the style of more servers.
		{"exim_mx_nonexistent.eml", []want{{"satis@firma-yok.example", HardBounce, ReasonHostUnknown,
			"5.0.0", "<crier.1061.aa11bb@shop.example>"}}},
		{"turkish_hosting_freetext.eml", []want{{"muhasebe@kurumsal-posta.example", HardBounce,
			ReasonUserUnknown, "", "<crier.1062.bb22cc@shop.example>"}}},
		// Yandex answers "5.7.1 No such user!": the words, not the code, decide.
		{"yandex_dsn.eml", []want{{"olga.ivanova@yandex.example", HardBounce, ReasonUserUnknown,
			"5.7.1", "<crier.1063.cc33dd@shop.example>"}}},
		{"zimbra_mailbox_full.eml", []want{{"halkla.iliskiler@belediye.example", SoftBounce,
			ReasonMailboxFull, "4.2.2", "<crier.1064.dd44ee@shop.example>"}}},
		{"mimecast_blocked.eml", []want{{"hukuk@buyuk-sirket.example", SoftBounce, ReasonPolicy,
			"5.0.0", "<crier.1065.ee55ff@shop.example>"}}},
		{"turkish_out_of_office.eml", []want{{"ahmet.yildiz@musteri.example", NotBounce,
			ReasonAutoReply, "", "<crier.1066.ff66aa@shop.example>"}}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".eml"), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, got(parseFixture(t, tt.file)))
		})
	}
}

func TestParseKeepsDiagnosticAndOriginalRecipient(t *testing.T) {
	t.Parallel()
	r := parseFixture(t, "postfix_user_unknown.eml")
	require.Len(t, r, 1)
	require.Contains(t, r[0].Diagnostic, "User unknown in virtual mailbox table")
	require.Empty(t, r[0].OriginalRecipient, "same as Final-Recipient")
}

func TestParseLineEndings(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "qmail_two_recipients.eml"))
	require.NoError(t, err)
	lf := got(mustParse(t, data))
	for name, eol := range map[string]string{"CRLF": "\r\n", "CR": "\r"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			converted := strings.ReplaceAll(string(data), "\n", eol)
			require.Equal(t, lf, got(mustParse(t, []byte(converted))))
		})
	}
}

func mustParse(t *testing.T, data []byte) []Report {
	t.Helper()
	r, err := ParseBytes(data)
	require.NoError(t, err)
	return r
}

func TestParseSynthetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, message string
		want          []want
	}{
		{"VacationHeaderOnly", "From: a@example.com\nX-Autoreply: yes\nSubject: Re: sale\n\nAway.\n",
			[]want{{"a@example.com", NotBounce, ReasonAutoReply, "", ""}}},
		{"PrecedenceAutoReply", "From: b@example.com\nPrecedence: auto_reply\nSubject: Re: sale\n\nAway.\n",
			[]want{{"b@example.com", NotBounce, ReasonAutoReply, "", ""}}},
		{"AutomaticReplySubject", "From: c@example.com\nSubject: Automatic reply: sale\n\nAway.\n",
			[]want{{"c@example.com", NotBounce, ReasonAutoReply, "", ""}}},
		{"DeliveredDSN", "From: MAILER-DAEMON@mx.example\nContent-Type: multipart/report; " +
			"report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nDelivered.\n" +
			"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n" +
			"Final-Recipient: rfc822; d@example.com\nAction: delivered\nStatus: 2.0.0\n--b--\n",
			[]want{{"d@example.com", NotBounce, ReasonDelivered, "2.0.0", ""}}},
		{"HelpDeskAddressIsNoRecipient", "From: MAILER-DAEMON@relay.example.org\nSubject: failure notice\n\n" +
			"Please contact help@relay.example.org for assistance.\n\n<f@example.org>:\n" +
			"Sorry, no mailbox here by that name. (#5.1.1)\n",
			[]want{{"f@example.org", HardBounce, ReasonUserUnknown, "5.1.1", ""}}},
		{"SESComplaint", "From: no-reply@sns.example.com\nSubject: AWS Notification Message\n\n" +
			`{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"g@example.org"}],` +
			`"complaintFeedbackType":"abuse"},"mail":{"commonHeaders":{"messageId":"<crier.7.x@shop.example>"}}}` + "\n",
			[]want{{"g@example.org", Complaint, "abuse", "", "<crier.7.x@shop.example>"}}},
		{"BrokenMultipartStillText", "From: MAILER-DAEMON@mx.example\nSubject: Undeliverable: sale\n" +
			"Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\n" +
			"e@example.org: 550 5.1.1 user unknown\n",
			[]want{{"e@example.org", HardBounce, ReasonUserUnknown, "5.1.1", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, got(mustParse(t, []byte(tt.message))))
		})
	}
}

func TestParseReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	_, err := Parse(iotest.ErrReader(boom))
	require.ErrorIs(t, err, boom)
}

func TestParseNoisyHeader(t *testing.T) {
	t.Parallel()
	// A header block with junk lines and a body-less message still parses.
	r := mustParse(t, []byte("junk line without colon\nFrom: x@example.com\nSubject: hello"))
	require.Equal(t, []want{{"", NotBounce, ReasonNotBounce, "", ""}}, got(r))
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"postfix_user_unknown.eml", "qmail_two_recipients.eml", "arf_complaint.eml",
		"ses_bounce.eml", "exchange2003_plain.eml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reports, err := ParseBytes(data)
		if err != nil {
			return
		}
		require.NotEmpty(t, reports)
		for _, r := range reports {
			require.Contains(t, []ReportClass{HardBounce, SoftBounce, Complaint, NotBounce}, r.Class)
			require.NotEmpty(t, r.Reason)
		}
	})
}
