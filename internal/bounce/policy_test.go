package bounce

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
)

func TestPolicyDecide(t *testing.T) {
	t.Parallel()
	p := Policy{SoftLimit: 2, SoftWindow: 7 * 24 * time.Hour}
	userUnknown, _ := Report{Class: HardBounce, Reason: ReasonUserUnknown, Status: "5.1.1"}.Outcome()
	full, _ := Report{Class: SoftBounce, Reason: ReasonMailboxFull, Status: "5.2.2"}.Outcome()
	spam, _ := Report{Class: SoftBounce, Reason: ReasonSpam, Status: "5.7.1"}.Outcome()
	abuse, _ := Report{Class: Complaint, Reason: "abuse"}.Outcome()
	optOut, _ := Report{Class: Complaint, Reason: "opt-out"}.Outcome()

	t.Run("HardSuppressesAndFlags", func(t *testing.T) {
		a := p.Decide("email", userUnknown, true)
		require.Equal(t, "bounced", a.MessageStatus)
		require.True(t, a.Suppress)
		require.Equal(t, contact.FlagEmailBounced, a.Flag)
		require.False(t, a.CountSoft)
		require.Contains(t, a.Words, "mailbox does not exist")
	})
	t.Run("SoftCountsAndFlagsLater", func(t *testing.T) {
		a := p.Decide("email", full, true)
		require.Equal(t, "failed", a.MessageStatus)
		require.False(t, a.Suppress)
		require.Empty(t, a.Flag, "one soft bounce flags nobody")
		require.True(t, a.CountSoft)
		require.Equal(t, 2, a.SoftLimit)
		require.Equal(t, 7*24*time.Hour, a.SoftWindow)
		require.Equal(t, contact.FlagEmailBounced, a.SoftFlag)
		require.Contains(t, a.SoftWords, "2 times in 7 days")
	})
	t.Run("DelayNoticeLeavesTheMessage", func(t *testing.T) {
		a := p.Decide("email", full, false)
		require.Empty(t, a.MessageStatus)
		require.True(t, a.CountSoft)
	})
	t.Run("SoftSMSFlagsThePhone", func(t *testing.T) {
		a := p.Decide("sms", FromTwilio(30008), true)
		require.Equal(t, contact.FlagPhoneUndeliverable, a.SoftFlag)
		require.Contains(t, a.SoftWords, "phone number")
	})
	t.Run("BlockedIsNotTheContactsFault", func(t *testing.T) {
		a := p.Decide("email", spam, true)
		require.Equal(t, Action{MessageStatus: "failed", Words: spam.Words}, a)
		a = p.Decide("sms", FromTwilio(30007), true)
		require.Equal(t, "failed", a.MessageStatus)
		require.False(t, a.Suppress || a.CountSoft || a.Flag != "")
	})
	t.Run("ComplaintSuppressesAndFlags", func(t *testing.T) {
		a := p.Decide("email", abuse, true)
		require.Equal(t, "delivered", a.MessageStatus, "a complaint proves delivery")
		require.True(t, a.Suppress)
		require.Equal(t, contact.FlagComplaint, a.Flag)
	})
	t.Run("OptOutWithdrawsConsentWithoutFlag", func(t *testing.T) {
		for _, o := range []Outcome{optOut, FromTwilio(21610)} {
			a := p.Decide("email", o, true)
			require.True(t, a.WithdrawConsent)
			require.False(t, a.Suppress)
			require.Empty(t, a.Flag)
			require.Empty(t, a.MessageStatus)
		}
	})
	t.Run("Defaults", func(t *testing.T) {
		a := Policy{}.Decide("email", full, true)
		require.Equal(t, DefaultPolicy.SoftLimit, a.SoftLimit)
		require.Equal(t, DefaultPolicy.SoftWindow, a.SoftWindow)
	})
}
