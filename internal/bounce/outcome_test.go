package bounce

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
)

func TestReportOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		report   Report
		ok       bool
		class    Class
		reason   string
		flag     contact.Flag
		suppress bool
	}{
		{"UserUnknownSuppresses", Report{Class: HardBounce, Reason: ReasonUserUnknown, Status: "5.1.1"},
			true, Hard, ReasonUserUnknown, contact.FlagEmailBounced, true},
		{"HostUnknownSuppresses", Report{Class: HardBounce, Reason: ReasonHostUnknown, Status: "5.1.2"},
			true, Hard, ReasonHostUnknown, contact.FlagEmailBounced, true},
		{"ComplaintSuppressesAndFlags", Report{Class: Complaint, Reason: "abuse"},
			true, Complained, "complaint", contact.FlagComplaint, true},
		{"OptOutIsNoFlag", Report{Class: Complaint, Reason: "opt-out"},
			true, OptedOut, "opt_out", "", false},
		{"SpamBlockNotTheContactsFault", Report{Class: SoftBounce, Reason: ReasonSpam, Status: "5.7.1"},
			true, Blocked, ReasonSpam, "", false},
		{"TemporaryReputationIsSoft", Report{Class: SoftBounce, Reason: ReasonBlocked, Status: "4.7.650"},
			true, Soft, ReasonBlocked, "", false},
		{"MailboxFullIsSoft", Report{Class: SoftBounce, Reason: ReasonMailboxFull, Status: "5.2.2"},
			true, Soft, ReasonMailboxFull, "", false},
		{"ExpiredIsSoft", Report{Class: SoftBounce, Reason: ReasonExpired},
			true, Soft, ReasonExpired, "", false},
		{"AutoReplyIsNothing", Report{Class: NotBounce, Reason: ReasonAutoReply}, false, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, ok := tt.report.Outcome()
			require.Equal(t, tt.ok, ok)
			if !ok {
				return
			}
			require.Equal(t, tt.class, o.Class)
			require.Equal(t, tt.reason, o.Reason)
			require.Equal(t, tt.flag, o.Flag)
			require.Equal(t, tt.suppress, o.Suppress())
			require.NotEmpty(t, o.Words)
			require.Empty(t, addresses(o.Words), "no address in the words")
		})
	}
}
