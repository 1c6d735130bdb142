package bounce

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
)

func TestFromSMTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, code, enhanced string
		class                Class
		reason               string
		flag                 contact.Flag
	}{
		{"UserUnknown", "550", "5.1.1", Hard, "user_unknown", contact.FlagEmailBounced},
		{"BadDomain", "550", "5.1.2", Hard, "host_unknown", contact.FlagEmailBounced},
		{"NoRouteExpired", "554", "5.4.4", Hard, "host_unknown", contact.FlagEmailBounced},
		{"SpamBlockNotTheContactsFault", "554", "5.7.1", Blocked, "blocked", ""},
		{"MailboxFull", "552", "5.2.2", Soft, "mailbox_full", ""},
		{"Greylisted", "450", "4.2.0", Soft, "temporary", ""},
		{"Plain550WithoutEnhanced", "550", "", Hard, "user_unknown", contact.FlagEmailBounced},
		{"Plain421", "421", "", Soft, "temporary", ""},
		{"Plain554", "554", "", Blocked, "rejected", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := FromSMTP(tt.code, tt.enhanced)
			require.Equal(t, tt.class, o.Class)
			require.Equal(t, tt.reason, o.Reason)
			require.Equal(t, tt.flag, o.Flag)
			require.NotEmpty(t, o.Words)
			require.Equal(t, tt.class == Hard, o.Suppress())
		})
	}
}

func TestFromTwilio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   int
		class  Class
		status string
	}{
		{21211, Hard, "bounced"},
		{21614, Hard, "bounced"},
		{30003, Hard, "bounced"},
		{30005, Hard, "bounced"},
		{30006, Hard, "bounced"},
		{30007, Blocked, "failed"},
		{21610, OptedOut, "failed"},
		{30008, Soft, "failed"},
		{99999, Blocked, "failed"},
	}
	for _, tt := range tests {
		o := FromTwilio(tt.code)
		require.Equal(t, tt.class, o.Class, "code %d", tt.code)
		require.Equal(t, tt.status, o.Status(), "code %d", tt.code)
		require.Equal(t, tt.class == Hard, o.Flag == contact.FlagPhoneUndeliverable, "code %d", tt.code)
	}
}
