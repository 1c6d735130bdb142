package bounce

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStatusIn(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"550 5.1.1 <a@b.example>: unknown":       "5.1.1",
		"550-5.7.26 unauthenticated":             "5.7.26",
		"550 #5.1.0 Address rejected.":           "5.1.0",
		"Sorry, no host named x. (#5.1.2)":       "5.1.2",
		"host 192.0.2.25 said: 554 no code here": "",
		"smtp;550 5.7.606 Access denied":         "5.7.606",
		"version 2.5.0.0 of the mailer":          "",
	}
	for in, want := range tests {
		require.Equal(t, want, statusIn(in), in)
	}
}

func TestReasonOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, status, diag string
		final              bool
		reason             string
		class              ReportClass
	}{
		{"TextBeatsStatus", "5.1.1", "550 5.7.1 IP address blacklisted by recipient", true, ReasonBlocked, SoftBounce},
		{"VagueStatusNeedsText", "5.0.0", "554 delivery error: This user doesn't have an account", true,
			ReasonUserUnknown, HardBounce},
		{"StatusAlone", "5.1.2", "550 Host unknown", true, ReasonHostUnknown, HardBounce},
		{"TemporaryUserUnknownStillHard", "4.1.1", "450 4.1.1 Recipient address rejected: User unknown", true,
			ReasonUserUnknown, HardBounce},
		{"DelayIsNeverHard", "4.1.1", "450 4.1.1 User unknown", false, ReasonUserUnknown, SoftBounce},
		{"AuthBeforeBlocked", "5.7.26", "550-5.7.26 fails to pass SPF checks, message has been blocked", true,
			ReasonAuth, SoftBounce},
		{"QuotaIsMailboxFull", "4.3.0", "Disk quota exceeded", true, ReasonMailboxFull, SoftBounce},
		{"MailFromStageIsSender", "5.1.7", "SMTP error after MAIL FROM:<x@y.example>: No such domain", true,
			ReasonBlocked, SoftBounce},
		{"NetworkDelayIsExpired", "4.4.1", "Connection refused", false, ReasonExpired, SoftBounce},
		{"GenericRefusal", "", "554 Rejected", true, ReasonBlocked, SoftBounce},
		{"NothingKnown", "5.0.0", "Service unavailable", true, ReasonUnknown, SoftBounce},
		{"TooLarge", "5.3.4", "552 Message size exceeds fixed limit", true, ReasonTooLarge, SoftBounce},
		{"NullMX", "5.7.27", "550 Host does not accept mail", true, ReasonHostUnknown, HardBounce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reason := reasonOf(tt.status, tt.final, tt.diag, "")
			require.Equal(t, tt.reason, reason)
			require.Equal(t, tt.class, classOf(reason, tt.final))
		})
	}
}

func TestReasonOfOtherLanguages(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"550 Kullanıcı bulunamadı":                             ReasonUserUnknown,
		"550 KULLANICI BULUNAMADI":                             ReasonUserUnknown,
		"550 Alıcı adresi reddedildi: Böyle bir kullanıcı yok": ReasonUserUnknown,
		"550 Geçersiz alıcı":                                   ReasonUserUnknown,
		"552 Posta kutusu dolu":                                ReasonMailboxFull,
		"552 Kota aşıldı":                                      ReasonMailboxFull,
		"550 такого ящика нет":                                 ReasonUserUnknown,
		"552 ящик переполнен":                                  ReasonMailboxFull,
		"all relevant MX records point to non-existent hosts":  ReasonHostUnknown,
		"550 User suspended":                                   ReasonUserUnknown,
	}
	for diag, want := range tests {
		require.Equal(t, want, reasonOf("", true, diag, ""), diag)
	}
}
